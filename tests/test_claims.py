"""Tests of linli.claims: loading published_claims.yaml and checking each claim.

Every expected verdict is worked out by hand in the comment beside it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from linli import claims as cl
from linli.errors import ContractError, InputError, LinliError

CLAIMS_YAML = """\
source: &article
  title: 《“邻”品牌让群众的幸福感触手可及》
  publisher: 衡阳日报
  author: 胡建军
  date: null
claims:
  - id: orgs_growth
    text_zh: 社区社会组织队伍由原来的17支增至40支
    source: *article
    indicator: social_orgs
    scope: zone
    unit_id: renmin
    baseline_year: 2022
    year: 2024
    baseline: 17
    value: 40
    comparison: eq
  - id: volunteers_growth
    text_zh: 社区志愿者由原来的4275人增至6339人
    source: *article
    indicator: volunteers
    scope: zone
    unit_id: renmin
    baseline_year: 2022
    year: 2024
    baseline: 4275
    value: 6339
    comparison: eq
  - id: disputes
    text_zh: 调解各类矛盾纠纷千余起
    indicator: mediation_cases
    scope: zone
    unit_id: renmin
    years: [2022, 2023, 2024]
    value: 1000
    comparison: at_least
  - id: residents
    indicator: residents
    scope: zone
    unit_id: renmin
    year: 2024
    value: 27457
    comparison: eq
  - id: ageing
    indicator: age_65_plus_pct
    scope: zone
    unit_id: renmin
    year: 2024
    value: 18
    comparison: approx
    tolerance: 1.0
  - id: volunteer_share
    indicator: volunteer_share_pct
    scope: zone
    unit_id: renmin
    year: 2024
    value: 19.7
    comparison: approx
  - id: teams
    indicator: volunteer_teams
    scope: zone
    unit_id: renmin
    year: 2024
    value: 40
    comparison: at_least
  - id: satisfaction
    indicator: overall_satisfied_pct
    scope: community
    unit_id: xiangbei
    year: 2024
    value: 90
    comparison: at_least
"""


def _table(rows: list[tuple[str, str, int, str, float]], reason: str = "") -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["unit_id", "unit_type", "year", "indicator", "value"])
    frame["value"] = frame["value"].astype(float)
    frame["ci_low"] = np.nan
    frame["ci_high"] = np.nan
    frame["reason"] = [reason if np.isnan(v) else "" for v in frame["value"]]
    return frame


ZONE_ROWS = [
    ("renmin", "zone", 2022, "social_orgs", 17.0),
    ("renmin", "zone", 2024, "social_orgs", 40.0),
    ("renmin", "zone", 2022, "volunteers", 4275.0),
    ("renmin", "zone", 2024, "volunteers", 6300.0),
    ("renmin", "zone", 2022, "mediation_cases", 310.0),
    ("renmin", "zone", 2023, "mediation_cases", 345.0),
    ("renmin", "zone", 2024, "mediation_cases", 352.0),
    ("renmin", "zone", 2024, "residents", 27457.0),
    ("renmin", "zone", 2024, "age_65_plus_pct", 18.9),
    ("renmin", "zone", 2024, "volunteer_share_pct", 23.0869),
    ("renmin", "zone", 2024, "volunteer_teams", 42.0),
    # a community row with the zone's id must never be taken for the zone
    ("renmin", "community", 2024, "residents", 1.0),
]


@pytest.fixture
def claims_file(tmp_path: Path) -> Path:
    path = tmp_path / "published_claims.yaml"
    path.write_text(CLAIMS_YAML, encoding="utf-8")
    return path


def test_load_claims(claims_file: Path) -> None:
    claims = cl.load_claims(claims_file)
    assert [c.id for c in claims] == [
        "orgs_growth",
        "volunteers_growth",
        "disputes",
        "residents",
        "ageing",
        "volunteer_share",
        "teams",
        "satisfaction",
    ]
    assert [c.kind for c in claims[:4]] == ["growth", "growth", "sum", "point"]
    assert (
        claims[0].source is not None and claims[0].source["publisher"] == "衡阳日报"
    )  # the anchor resolves
    assert claims[2].years == (2022, 2023, 2024)
    assert claims[4].tolerance == 1.0


def test_check_claims(claims_file: Path) -> None:
    out = cl.check_claims(cl.load_claims(claims_file), _table(ZONE_ROWS)).set_index("id")
    # orgs 17 → 40 observed 17 → 40: both ends equal → agrees
    assert out.loc["orgs_growth", ["year", "claimed", "observed", "verdict"]].tolist() == [
        "2022 → 2024",
        "17 → 40",
        "17 → 40",
        "agrees",
    ]
    # volunteers 4275 → 6339 observed 4275 → 6300: the baseline agrees, the end does not → disagrees
    row = out.loc["volunteers_growth"]
    assert (row["observed"], row["verdict"]) == ("4275 → 6300", "disagrees")
    assert row["reason"] == "value 2024: observed 6300, claimed 6339"
    # disputes: 310 + 345 + 352 = 1007 ≥ 1000 → agrees
    assert out.loc["disputes", ["year", "claimed", "observed", "verdict"]].tolist() == [
        "2022–2024",
        "1000",
        "1007",
        "agrees",
    ]
    # residents: 27457 = 27457 (the zone row, not the community row with 1) → agrees
    assert out.loc["residents", ["observed", "verdict"]].tolist() == ["27457", "agrees"]
    # ageing: |18.9 − 18| = 0.9 ≤ tolerance 1.0 → agrees
    assert out.loc["ageing", ["observed", "verdict"]].tolist() == ["18.9", "agrees"]
    # volunteer share: no tolerance → 5 % of 19.7 = 0.985; |23.0869 − 19.7| = 3.39 > 0.985 → disagrees
    assert out.loc["volunteer_share", ["claimed", "observed", "verdict"]].tolist() == [
        "19.7",
        "23.1",
        "disagrees",
    ]
    # teams: 42 ≥ 40 → agrees
    assert out.loc["teams", "verdict"] == "agrees"
    # satisfaction: no community 'xiangbei' in the table → cannot_check
    assert out.loc["satisfaction", ["observed", "verdict"]].tolist() == ["", "cannot_check"]
    assert (
        out.loc["satisfaction", "reason"]
        == "indicator 'overall_satisfied_pct' is not in the indicator table"
    )


def test_columns_and_order(claims_file: Path) -> None:
    claims = cl.load_claims(claims_file)
    out = cl.check_claims(list(reversed(claims)), _table(ZONE_ROWS))
    assert list(out.columns) == [
        "id",
        "indicator",
        "unit_id",
        "year",
        "claimed",
        "observed",
        "verdict",
        "scope",
        "comparison",
        "text_zh",
        "reason",
        "tolerance",
        "source",
        "source_en",
    ]
    assert out["id"].tolist() == [c.id for c in reversed(claims)]  # the claims' order, not sorted
    assert set(out["verdict"]) <= {"agrees", "disagrees", "cannot_check"}


def test_tolerance_and_source_for_the_report(claims_file: Path) -> None:
    out = cl.check_claims(cl.load_claims(claims_file), _table(ZONE_ROWS)).set_index("id")
    # the report shows an approx claim's own tolerance: ageing's 1.0 is written "1" (a whole
    # number, as the claimed figures are); volunteer_share gives none (5 % applies) → ""
    assert out.loc["ageing", ["comparison", "tolerance"]].tolist() == ["approx", "1"]
    assert out.loc["volunteer_share", ["comparison", "tolerance"]].tolist() == ["approx", ""]
    assert out.loc["teams", ["comparison", "tolerance"]].tolist() == ["at_least", ""]
    # orgs_growth refers to the anchored source: its publisher, no English name in this file;
    # ageing gives no source at all
    assert out.loc["orgs_growth", ["source", "source_en"]].tolist() == ["衡阳日报", ""]
    assert out.loc["ageing", ["source", "source_en"]].tolist() == ["", ""]


@pytest.mark.parametrize(
    ("source", "names"),
    [
        ({"title": "《文》", "publisher": "衡阳日报", "publisher_en": "Hengyang Daily"}, ("衡阳日报", "Hengyang Daily")),
        ({"title": "《文》", "publisher": None}, ("《文》", "")),  # no publisher: the title
        ({"author": "胡建军"}, ("", "")),
        ("衡阳日报", ("", "")),  # free text that is not a mapping names nothing
        (None, ("", "")),
    ],
)
def test_source_names(source: object, names: tuple[str, str]) -> None:
    assert cl.source_names(source) == names  # type: ignore[arg-type]


def _claim(**kw: object) -> cl.Claim:
    base: dict[str, object] = {
        "id": "c",
        "indicator": "social_orgs",
        "scope": "zone",
        "unit_id": "renmin",
        "comparison": "eq",
        "value": 40,
        "year": 2024,
    }
    base.update(kw)
    return cl.Claim(**base)  # type: ignore[arg-type]


def _verdict(
    claim: cl.Claim, rows: list[tuple[str, str, int, str, float]], reason: str = ""
) -> pd.Series:
    return cl.check_claims([claim], _table(rows, reason)).iloc[0]


@pytest.mark.parametrize(
    ("comparison", "claimed", "observed", "tolerance", "verdict"),
    [
        ("eq", 40, 40.0, None, "agrees"),  # 40 = 40
        ("eq", 40, 41.0, None, "disagrees"),  # 41 ≠ 40: counts are exact
        ("eq", 19.7, 19.65, None, "agrees"),  # 19.65 rounds half-up to 19.7 (the claim's precision)
        ("eq", 19.7, 19.64, None, "disagrees"),  # 19.64 rounds to 19.6
        ("at_least", 40, 40.0, None, "agrees"),  # 40 ≥ 40
        ("at_least", 40, 39.0, None, "disagrees"),  # 39 < 40
        ("approx", 18, 19.0, 1.0, "agrees"),  # |19 − 18| = 1 ≤ 1
        ("approx", 18, 19.1, 1.0, "disagrees"),  # 1.1 > 1
        ("approx", 20, 21.0, None, "agrees"),  # 5 % of 20 = 1; |21 − 20| = 1 ≤ 1
        ("approx", 20, 21.2, None, "disagrees"),  # 1.2 > 1
    ],
)
def test_comparisons(
    comparison: str, claimed: float, observed: float, tolerance: float | None, verdict: str
) -> None:
    claim = _claim(comparison=comparison, value=claimed, tolerance=tolerance)
    row = _verdict(claim, [("renmin", "zone", 2024, "social_orgs", observed)])
    assert row["verdict"] == verdict


def test_growth_needs_both_ends() -> None:
    claim = _claim(baseline_year=2022, baseline=17)
    # baseline 15 ≠ 17 though the end 40 = 40 → disagrees
    row = _verdict(
        claim,
        [
            ("renmin", "zone", 2022, "social_orgs", 15.0),
            ("renmin", "zone", 2024, "social_orgs", 40.0),
        ],
    )
    assert (row["observed"], row["verdict"]) == ("15 → 40", "disagrees")
    assert row["reason"] == "baseline 2022: observed 15, claimed 17"
    # the baseline year absent → cannot_check, with the missing end shown as ?
    row = _verdict(claim, [("renmin", "zone", 2024, "social_orgs", 40.0)])
    assert (row["observed"], row["verdict"]) == ("? → 40", "cannot_check")
    assert row["reason"] == "no social_orgs row for zone 'renmin' in 2022"


def test_summed_years() -> None:
    claim = _claim(
        indicator="volunteer_activities",
        years=(2022, 2024),
        year=None,
        comparison="at_least",
        value=500,
    )
    rows = [
        ("renmin", "zone", 2022, "volunteer_activities", 240.0),
        ("renmin", "zone", 2023, "volunteer_activities", 999.0),  # not among the claim's years
        ("renmin", "zone", 2024, "volunteer_activities", 250.0),
    ]
    row = _verdict(claim, rows)
    # 240 + 250 = 490 < 500 → disagrees; the years are not consecutive → "2022+2024"
    assert row[["year", "observed", "verdict"]].tolist() == ["2022+2024", "490", "disagrees"]


def test_cannot_check_reasons() -> None:
    rows = [
        ("renmin", "zone", 2024, "social_orgs", np.nan),
        ("xiangbei", "community", 2024, "volunteers", 5.0),
    ]
    row = _verdict(_claim(), rows, reason="no social_organizations table")
    assert row["verdict"] == "cannot_check"
    assert (
        row["reason"]
        == "social_orgs of zone 'renmin' in 2024 is missing (no social_organizations table)"
    )
    row = _verdict(_claim(unit_id="jiefang"), rows)
    assert (row["verdict"], row["reason"]) == (
        "cannot_check",
        "zone 'jiefang' is not in the indicator table",
    )
    row = _verdict(_claim(year=2023), rows)
    assert (row["verdict"], row["reason"]) == (
        "cannot_check",
        "no social_orgs row for zone 'renmin' in 2023",
    )
    # scope selects the unit type: a community 'xiangbei' is not a zone 'xiangbei'
    row = _verdict(_claim(indicator="volunteers", scope="zone", unit_id="xiangbei"), rows)
    assert row["verdict"] == "cannot_check"
    row = _verdict(
        _claim(indicator="volunteers", scope="community", unit_id="xiangbei", value=5), rows
    )
    assert row["verdict"] == "agrees"


def test_number_formatting() -> None:
    rows = [
        ("renmin", "zone", 2024, "volunteer_share_pct", 23.0869),
        ("renmin", "zone", 2023, "volunteer_share_pct", 20.0),
    ]
    row = _verdict(_claim(indicator="volunteer_share_pct", value=19.75, comparison="approx"), rows)
    # the claim has 2 decimals → observed shown with 2: 23.0869 → "23.09"
    assert (row["claimed"], row["observed"]) == ("19.75", "23.09")
    row = _verdict(
        _claim(indicator="volunteer_share_pct", year=2023, value=20.0, comparison="approx"), rows
    )
    # whole numbers print as integers, never "20.0"
    assert (row["claimed"], row["observed"], row["verdict"]) == ("20", "20", "agrees")


# ----------------------------------------------------------------------------- malformed files


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "published_claims.yaml"
    path.write_text(body, encoding="utf-8")
    return path


GOOD = "  - {id: x, indicator: residents, scope: zone, unit_id: renmin, year: 2024, value: 1, comparison: eq"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "claims:\n" + GOOD.replace("scope: zone", "scope: street") + "}\n",
            "claim 'x', field 'scope'",
        ),
        (
            "claims:\n" + GOOD.replace("value: 1, ", "") + "}\n",
            "claim 'x', field 'value': is required",
        ),
        ("claims:\n" + GOOD.replace("value: 1", "value: many") + "}\n", "claim 'x', field 'value'"),
        (
            "claims:\n" + GOOD.replace("comparison: eq", "comparison: equal") + "}\n",
            "claim 'x', field 'comparison'",
        ),
        ("claims:\n" + GOOD + ", tolerence: 1}\n", "claim 'x', field 'tolerence': unknown field"),
        ("claims:\n" + GOOD + ", tolerance: 1}\n", "claim 'x', field 'tolerance': only applies"),
        ("claims:\n" + GOOD + ", years: [2023]}\n", "claim 'x', field 'years'"),
        ("claims:\n" + GOOD + ", baseline_year: 2022}\n", "claim 'x', field 'baseline'"),
        ("claims:\n" + GOOD.replace("year: 2024", "year: last") + "}\n", "claim 'x', field 'year'"),
        ("claims:\n" + GOOD.replace("id: x, ", "") + "}\n", "claim #1 (no id), field 'id'"),
        (
            "claims:\n" + GOOD + "}\n" + GOOD + "}\n",
            "claim 'x', field 'id': appears more than once",
        ),
        ("claims: 3\n", "expected a mapping with a 'claims' list"),
    ],
)
def test_malformed_claims(tmp_path: Path, body: str, message: str) -> None:
    with pytest.raises(ContractError, match="^published_claims.yaml: ") as info:
        cl.load_claims(_write(tmp_path, body))
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        cl.load_claims(tmp_path / "absent.yaml")
    with pytest.raises(InputError, match=r"not valid YAML \(line \d+\)"):
        cl.load_claims(_write(tmp_path, "claims:\n  - {id: [\n"))
    with pytest.raises(LinliError):
        cl.load_claims(_write(tmp_path, "claims:\n  - {id: [\n"))


# ------------------------------------------------------- unit_id of the one zone

NO_UNIT = "  - {id: x, indicator: residents, scope: zone, year: 2024, value: 27457, comparison: eq}\n"


def test_zone_claim_without_unit_id_is_the_one_zone(tmp_path: Path) -> None:
    claims = cl.load_claims(_write(tmp_path, "claims:\n" + NO_UNIT))
    assert claims[0].unit_id is None  # resolved against the data, not the file
    out = cl.check_claims(claims, _table(ZONE_ROWS)).set_index("id")
    # the table's one zone is renmin: its 2024 residents 27457 = 27457 → agrees
    assert out.loc["x", ["unit_id", "observed", "verdict"]].tolist() == ["renmin", "27457", "agrees"]


def test_zone_claim_without_unit_id_needs_exactly_one_zone(tmp_path: Path) -> None:
    claims = cl.load_claims(_write(tmp_path, "claims:\n" + NO_UNIT))
    two = _table([*ZONE_ROWS, ("hengbei", "zone", 2024, "residents", 1000.0)])
    with pytest.raises(ContractError) as info:
        cl.check_claims(claims, two)
    message = str(info.value)
    assert "claim 'x', field 'unit_id'" in message and "2 zones: hengbei, renmin" in message
    assert "\n" not in message
    communities_only = _table([("a", "community", 2024, "residents", 1.0)])
    with pytest.raises(ContractError, match="the data has no zone"):
        cl.check_claims(claims, communities_only)


def test_community_claim_still_needs_unit_id(tmp_path: Path) -> None:
    body = "claims:\n" + NO_UNIT.replace("scope: zone", "scope: community")
    with pytest.raises(ContractError, match="field 'unit_id': is required for a community claim"):
        cl.load_claims(_write(tmp_path, body))
