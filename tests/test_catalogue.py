"""Tests of the indicator catalogue: content (v2), validation, docs."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import yaml

import linli.indicators as li
from linli.indicators import catalogue
from linli.indicators.catalogue import CatalogueError
from linli.labels import ageing_label

ROOT = Path(__file__).resolve().parents[1]
YAML = ROOT / "linli" / "indicators" / "catalogue.yaml"

#: The indicators of the v2 catalogue, in order, with their directions: raw counts are
#: context, and the seven v2 rates are scored in their place.
EXPECTED = [
    ("residents", "profile", "context"), ("households", "profile", "context"),
    ("age_65_plus_pct", "profile", "context"), ("mediation_cases", "profile", "context"),
    ("culture_events", "profile", "context"),
    ("social_orgs", "wushe", "context"), ("social_orgs_per_10k", "wushe", "up"),
    ("volunteers", "wushe", "context"),
    ("charity_resources", "wushe", "context"), ("charity_resources_per_10k", "wushe", "up"),
    ("social_workers_per_10k", "wushe", "up"), ("volunteer_share_pct", "wushe", "up"),
    ("volunteer_teams", "wushe", "context"), ("volunteer_teams_per_10k", "wushe", "up"),
    ("volunteer_activities", "wushe", "context"), ("volunteer_activities_per_1k", "wushe", "up"),
    ("volunteer_hours_per_volunteer", "wushe", "up"),
    ("party_branch_compounds_pct", "lin_zhi", "up"), ("owners_committee_compounds_pct", "lin_zhi", "up"),
    ("renovated_households_pct", "lin_zhi", "up"), ("requests_per_1k_households", "lin_zhi", "context"),
    ("requests_closed_pct", "lin_zhi", "up"), ("request_median_days", "lin_zhi", "down"),
    ("request_satisfied_pct", "lin_zhi", "up"),
    ("disputes_per_1k_households", "lin_he", "context"), ("mediation_success_pct", "lin_he", "up"),
    ("mediation_median_days", "lin_he", "down"), ("joint_mediation_pct", "lin_he", "up"),
    ("repeat_dispute_compounds", "lin_he", "context"), ("repeat_dispute_compounds_pct", "lin_he", "down"),
    ("vulnerable_reached_pct", "lin_zhu", "up"), ("vulnerable_regular_pct", "lin_zhu", "up"),
    ("service_hours_per_vulnerable", "lin_zhu", "up"), ("volunteers_per_1k_residents", "lin_zhu", "context"),
    ("aid_activities_per_month", "lin_zhu", "context"), ("aid_activities_per_100_vulnerable", "lin_zhu", "up"),
    ("culture_events_per_month", "lin_le", "context"), ("culture_events_per_1k_residents", "lin_le", "up"),
    ("elder_participation_rate", "lin_le", "up"),
    ("service_area_per_100hh", "lin_le", "up"), ("life_circle_500m_pct", "lin_le", "up"),
    ("fitness_300m_pct", "lin_le", "up"),
    ("overall_satisfied_pct", "satisfaction", "up"), ("environment_satisfied_pct", "satisfaction", "up"),
    ("safety_satisfied_pct", "satisfaction", "up"), ("services_satisfied_pct", "satisfaction", "up"),
    ("participation_satisfied_pct", "satisfaction", "up"), ("harmony_satisfied_pct", "satisfaction", "up"),
    ("culture_satisfied_pct", "satisfaction", "up"),
]

#: Units of the indicators that may be scored: shares, rates and per-person means or
#: medians. A raw count ("count", "persons", "count per month") never is.
SIZE_FREE_UNITS = {"%", "per 10k", "per 1k", "per 100", "hours", "days", "per person",
                   "m² per 100 households"}


def test_indicators_follow_the_spec() -> None:
    cat = catalogue.load()
    assert [(i.id, i.dimension, i.direction) for i in cat.indicators] == EXPECTED
    assert cat.by_id["mediation_success_pct"] is cat.indicators[25]
    for ind in cat.indicators:
        assert ind.name_zh and ind.name_en and ind.unit.zh and ind.unit.en and ind.definition
        if ind.scored:
            assert ind.goalposts is not None and ind.goalposts.lo < ind.goalposts.hi
            assert ind.goalposts.rationale
        else:
            assert ind.goalposts is None
        # 0–20 % and 0–50 %: see their rationales
        if ind.unit.en == "%" and ind.id not in ("volunteer_share_pct", "repeat_dispute_compounds_pct"):
            assert ind.goalposts is None or (ind.goalposts.lo, ind.goalposts.hi) == (0, 100)


def test_only_size_free_indicators_are_scored() -> None:
    cat = catalogue.load()
    assert {i.unit.en for i in cat.scored} <= SIZE_FREE_UNITS
    # v1 scored 35 (42 less 7 context); v2: 35 − 8 counts − volunteers_per_1k_residents + 7 rates = 33
    assert len(cat.scored) == 33
    # the eight v1 counts and the second volunteer rate are context now
    for ident in ("social_orgs", "volunteers", "charity_resources", "volunteer_teams", "volunteer_activities",
                  "repeat_dispute_compounds", "aid_activities_per_month", "culture_events_per_month",
                  "volunteers_per_1k_residents"):
        assert cat.by_id[ident].direction == "context"


@pytest.mark.parametrize(
    ("ident", "lo", "hi", "text"),
    [
        # v1 goalpost count per 7,000 residents, scaled to the rate's base, two significant figures
        ("social_orgs_per_10k", 0, 29, "20 ÷ 7,000 × 10,000 = 28.6"),  # 28.57 -> 29
        ("charity_resources_per_10k", 0, 43, "30 ÷ 7,000 × 10,000 = 42.9"),  # 42.86 -> 43
        ("volunteer_teams_per_10k", 0, 21, "15 ÷ 7,000 × 10,000 = 21.4"),  # 21.43 -> 21
        ("volunteer_activities_per_1k", 0, 52, "365 ÷ 7,000 × 1,000 = 52.1"),  # 52.14 -> 52
        ("culture_events_per_1k_residents", 0, 51, "360 ÷ 7,000 × 1,000 = 51.4"),  # 30 × 12 = 360; 51.43 -> 51
        ("repeat_dispute_compounds_pct", 0, 50, "half the compounds"),
        ("aid_activities_per_100_vulnerable", 0, 100, "one aid activity a year per register member"),
    ],
)
def test_v2_goalposts_and_their_rationale(ident: str, lo: float, hi: float, text: str) -> None:
    g = catalogue.load().by_id[ident].goalposts
    assert (g.lo, g.hi) == (lo, hi)
    assert text in g.rationale and "project team" in g.rationale


def test_dimensions_and_index_settings() -> None:
    cat = catalogue.load()
    assert [(d.id, d.name_zh, d.scored) for d in cat.dimensions] == [
        ("profile", "概况", False), ("wushe", "五社联动", True), ("lin_zhi", "邻治", True),
        ("lin_he", "邻和", True), ("lin_zhu", "邻助", True), ("lin_le", "邻乐", True),
        ("satisfaction", "满意度", True),
    ]
    s = cat.index_settings
    assert dict(s.weights) == dict.fromkeys(["wushe", "lin_zhi", "lin_he", "lin_zhu", "lin_le", "satisfaction"], 1.0)
    assert (s.monte_carlo.draws, s.monte_carlo.seed, s.monte_carlo.weight_perturbation) == (1000, 20240101, 0.25)
    assert s.monte_carlo.bootstrap == 1000  # resamples of the sensitivity indices' intervals
    assert s.normalisations == ("goalposts", "minmax", "zscore") and s.normalisation == "goalposts"
    assert s.aggregations == ("arithmetic", "geometric") and s.aggregation == "arithmetic"


def test_only_checked_targets() -> None:
    cat = catalogue.load()
    with_target = {i.id for i in cat.indicators if i.target is not None}
    assert with_target == {"service_area_per_100hh", "mediation_success_pct"}
    t = cat.by_id["service_area_per_100hh"].target
    # target year 2025: the plan covers the 14th Five-Year Plan period, 2021-2025
    assert (t.value, t.comparison, t.kind, t.year) == (30.0, "gt", "target", 2025)
    assert t.source.title == '《“十四五”公共服务规划》'
    assert t.source.issuer == "国家发展改革委等21部门" and t.source.year == 2021
    assert t.source.quote == "每百户居民拥有社区综合服务设施面积大于30平方米"
    b = cat.by_id["mediation_success_pct"].target
    assert (b.value, b.comparison, b.kind) == (96.0, "ge", "benchmark")
    assert (b.source.issuer, b.source.year, b.source.publisher) == ("司法部", 2018, "央广网")
    assert b.source.quote == "调解成功率在96%以上"
    radius = cat.by_id["life_circle_500m_pct"].radius_source
    assert "GB 50180-2018" in radius.title and "500" in radius.quote
    labels = cat.by_id["age_65_plus_pct"].labels
    assert [(b.key, b.min) for b in labels.thresholds] == [("ageing", 7), ("aged", 14), ("super_aged", 20)]


def test_target_met() -> None:
    t = catalogue.load().by_id["service_area_per_100hh"].target
    # "> 30": 30 is not enough, 30.5 is
    assert (t.met(30.0), t.met(30.5), t.met(math.nan)) == (False, True, None)


def test_ageing_label() -> None:
    # the bands are the catalogue's; linli.labels says them in a language
    assert ageing_label(6.9, lang="en") is None
    assert ageing_label(7.0, lang="en") == "ageing society"
    assert ageing_label(14.0, lang="zh") == "深度老龄化社会"
    assert ageing_label(20.0, lang="en") == "super-aged society"
    assert ageing_label(20.0, super_aged_pct=21, lang="en") == "aged society"
    assert ageing_label(math.nan, lang="en") is None


def test_every_indicator_has_its_function() -> None:
    cat = catalogue.load()
    found = {}
    for dim, module in li.MODULES.items():
        for name in module.__all__:
            obj = getattr(module, name)
            if hasattr(obj, "body"):
                found[name] = dim
                assert obj.__name__ == name
    assert found == {i.id: i.dimension for i in cat.indicators}
    assert list(li.functions()) == list(cat.ids)
    with pytest.raises(KeyError, match="Unknown indicator 'nope'"):
        li.function("nope")


def test_each_indicator_declares_the_tables_it_is_computed_from(monkeypatch: pytest.MonkeyPatch) -> None:
    """The catalogue's ``tables`` of an indicator are the tables it reads, evaluated alone on
    the example dataset (every table present), in a context of its own: nothing it needs
    is found already made by another."""
    from linli.indicators._core import Context, evaluate
    from linli.testing import example_tables

    read: list[str] = []
    real = Context.table

    def table(self: Context, name: str, columns: object = ()) -> object:
        read.append(name)
        return real(self, name, columns)  # type: ignore[arg-type]

    monkeypatch.setattr(Context, "table", table)
    tables = example_tables()
    for ind in catalogue.load().indicators:
        read.clear()
        evaluate(li.function(ind.id).body, Context.build(tables, [2024]))  # type: ignore[attr-defined]
        assert sorted(set(read)) == sorted(ind.tables), ind.id


def test_docs_page_is_generated_from_the_catalogue() -> None:
    page = ROOT / "docs" / "indicators.md"
    assert page.read_text(encoding="utf-8") == catalogue.render_markdown(), (
        "docs/indicators.md is stale; run `python -m linli.indicators`"
    )


def test_write_markdown(tmp_path: Path) -> None:
    out = catalogue.write_markdown(tmp_path / "docs" / "x.md")
    assert out.read_text(encoding="utf-8").startswith("# Indicator catalogue")


# ------------------------------------------------------------------- validation


def _variant(tmp_path: Path, change: object) -> Path:
    data = yaml.safe_load(YAML.read_text(encoding="utf-8"))
    change(data)  # type: ignore[operator]
    path = tmp_path / "catalogue.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _ind(data: dict, ident: str) -> dict:
    return next(i for i in data["indicators"] if i["id"] == ident)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: _ind(d, "volunteers").update(direction="sideways"),
         "indicator 'volunteers': unknown direction 'sideways'; valid: up, down, context"),
        (lambda d: _ind(d, "volunteers").update(dimension="lin_qu"),
         "unknown dimension 'lin_qu'; valid: profile, wushe"),
        (lambda d: _ind(d, "volunteer_share_pct").pop("goalposts"), "needs goalposts"),
        (lambda d: _ind(d, "residents").update(goalposts={"lo": 0, "hi": 1, "rationale": "x"}),
         "takes no goalposts"),
        (lambda d: _ind(d, "volunteer_share_pct")["goalposts"].update(lo=5, hi=5), "lo < hi"),
        (lambda d: _ind(d, "service_area_per_100hh")["target"].update(comparison="gte"),
         "unknown comparison 'gte'; valid: gt, ge, lt, le, eq"),
        (lambda d: _ind(d, "mediation_success_pct")["target"].update(kind="goal"),
         "unknown kind 'goal'; valid: target, benchmark"),
        (lambda d: d["indicators"].append(dict(_ind(d, "residents"))), "repeated indicator ids: residents"),
        (lambda d: _ind(d, "residents").update(goalpost={"lo": 0}), "unknown fields ['goalpost']"),
        (lambda d: d["index"]["weights"].pop("lin_le"), "one weight per scored dimension"),
        (lambda d: d["index"].update(normalisation="rank"), "unknown normalisation 'rank'"),
        (lambda d: _ind(d, "residents").pop("name_zh"), "missing field 'name_zh'"),
        (lambda d: _ind(d, "residents").update(tables=["population", "households"]),
         "indicator 'residents': unknown table 'households'; valid: communities, population"),
    ],
)
def test_validation_names_the_problem(tmp_path: Path, change: object, message: str) -> None:
    with pytest.raises(CatalogueError, match=message.replace("(", r"\(").replace("[", r"\[")):
        catalogue.load(_variant(tmp_path, change))


def test_load_errors(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError, match="Cannot read"):
        catalogue.load(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("indicators: [", encoding="utf-8")
    with pytest.raises(CatalogueError, match="not valid YAML"):
        catalogue.load(bad)
    assert catalogue.load(_variant(tmp_path, lambda d: None)).ids == catalogue.load().ids


def test_brand_dimensions_are_the_contract_brands() -> None:
    from linli.contract import BRANDS, TABLES

    cat = catalogue.load()
    # a community's brand code is the id of its dimension, and its Chinese name the code's label
    assert {d.id: d.brand.zh for d in cat.dimensions if d.brand} == BRANDS
    assert cat.dimension("lin_he").key_indicator == "mediation_success_pct"
    for d in cat.dimensions:
        assert set(d.trend_ledgers) <= set(TABLES)
        assert set(d.lead_indicators) <= set(cat.ids)
    assert cat.dimension("lin_he").label.zh == "邻和·调解"  # the short name the reports show


def test_a_dimension_naming_an_unknown_indicator_is_refused(tmp_path: Path) -> None:
    def change(d: dict) -> None:
        next(x for x in d["dimensions"] if x["id"] == "lin_he")["key_indicator"] = "nope"

    with pytest.raises(CatalogueError, match="dimension 'lin_he': unknown indicator\\(s\\) 'nope'"):
        catalogue.load(_variant(tmp_path, change))
