"""The synthetic-data generator, the demo calibration and the committed demo dataset (data/raw).

Four kinds of check:

* the generator: deterministic per seed, every table in the contract, every
  rule of the data contract (``linli.contract``) held — checked here by hand
  with pandas/shapely (``_rule_breaks``) and by the validator (``load_dataset``
  → no quarantine);
* the calibration (``linli/synth/demo.yaml``): read as plain YAML, its zone
  figures equal the numbers of the newspaper article 《“邻”品牌让群众的幸福感触手
  可及——石鼓区人民街道创建全省城乡社区治理创新实验区纪实》 (胡建军, 衡阳日报), and
  its loader rejects a broken file with one line naming the place;
* the demo: the zone totals computed from the committed files with the
  active-at-end-of-year rule equal the article's counts, the named places are
  there, each community leads in its own brand, and ``generate_demo``
  reproduces the files byte for byte;
* personal fields only ever hold the fake patterns.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import shapely
import yaml
from shapely.geometry import shape

from linli import config, contract, synth
from linli.dataset import load_dataset
from linli.errors import ContractError, LinliError
from linli.synth.demo import CalibrationError, load_calibration

KEY = b"test-key"
RAW = config.RAW_DIR
HAND_WRITTEN = {"README.md"}  # published_claims.yaml is copied by generate_demo: compared too
DEMO_YAML = Path(synth.__file__).with_name("demo.yaml")
GEO = {"boundaries", "compounds", "facilities"}
PII_COLUMNS = ("name", "phone", "id_number", "address")

# (communities, seed, years) of the small generated datasets
SMALL = [
    (1, 0, (2022, 2023, 2024)),
    (3, 1, (2022, 2023, 2024)),
    (7, 2, (2022, 2023, 2024)),
    (2, 3, (2024,)),
    (2, 4, (2019, 2021, 2024)),
]


@pytest.fixture(scope="module", params=SMALL, ids=lambda p: f"n{p[0]}-seed{p[1]}-{len(p[2])}y")
def small(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    n, seed, years = request.param
    out = tmp_path_factory.mktemp(f"synth_{n}_{seed}")
    synth.generate(out, communities=n, seed=seed, years=years, zone_id="testzone")
    return out


# ------------------------------------------------------------------ reading


def _read(data_dir: Path, name: str) -> pd.DataFrame:
    """A table as strings, empty cell = ``""`` (geo tables: properties + ``geometry``)."""
    if name not in GEO:
        return pd.read_csv(data_dir / f"{name}.csv", dtype=str, keep_default_na=False)
    feats = json.loads((data_dir / f"{name}.geojson").read_text(encoding="utf-8"))["features"]

    def text(v: object) -> str:
        if v is None:
            return ""
        if isinstance(v, bool):
            return "true" if v else "false"
        return str(v)

    rows = [{k: text(v) for k, v in f["properties"].items()} for f in feats]
    frame = pd.DataFrame(rows, columns=list(feats[0]["properties"]) if feats else None)
    frame["geometry"] = [shape(f["geometry"]) for f in feats]
    return frame


def _as_of(data_dir: Path) -> str:
    text = (data_dir / "dataset.yaml").read_text(encoding="utf-8")
    return re.search(r"^as_of: (\d{4}-\d{2}-\d{2})$", text, re.M).group(1)  # type: ignore[union-attr]


def _files(data_dir: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(data_dir.iterdir()) if p.name not in HAND_WRITTEN}


# --------------------------------------------------- the rules, checked by hand


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_INT = re.compile(r"^-?\d+$")


def _rule_breaks(data_dir: Path) -> list[str]:
    """Every break of a data-contract rule in a canonical dataset, as readable lines."""
    as_of = _as_of(data_dir)
    tables = {name: _read(data_dir, name) for name in contract.TABLES}
    ids = {
        "communities": set(tables["communities"]["community_id"]),
        "compounds": set(tables["compounds"]["compound_id"]),
        "facilities": set(tables["facilities"]["facility_id"]),
        "vulnerable_residents": set(tables["vulnerable_residents"]["resident_id"]),
    }
    out: list[str] = []
    for name, spec in contract.TABLES.items():
        df = tables[name]
        out += [f"{name}: {b}" for b in _column_breaks(df, spec, ids, as_of)]
        if spec.unique_together:
            dup = df.duplicated(list(spec.unique_together))
            out += [f"{name}: duplicate key at rows {list(df.index[dup])}"] if dup.any() else []
        for rule in spec.compare:
            both = (df[rule.left] != "") & (df[rule.right] != "")
            left, right = df.loc[both, rule.left], df.loc[both, rule.right]
            if spec.column(rule.left).kind == "int":
                left, right = left.astype(int), right.astype(int)
            bad = (left < right) if rule.op == ">=" else (left > right)
            out += [f"{name}: {rule.rule} at rows {list(bad.index[bad])}"] if bad.any() else []
    out += _geometry_breaks(tables)
    return out


def _column_breaks(df: pd.DataFrame, spec: contract.Table, ids: dict[str, set[str]], as_of: str) -> Iterator[str]:
    names = [c.name for c in spec.columns]
    have = [c for c in df.columns if c not in ("geometry", "note")]
    if have != names:
        yield f"columns {have} != contract {names}"
        return
    for col in spec.columns:
        s = df[col.name]
        filled = s[s != ""]
        empty_ok = col.nullable
        if col.nullable_when is not None:
            other, codes = col.nullable_when
            bad_empty = (s == "") & ~df[other].isin(codes)
            if bad_empty.any():
                yield f"{col.name}: empty where not allowed, rows {list(s.index[bad_empty])[:5]}"
        elif not empty_ok and (s == "").any():
            yield f"{col.name}: {int((s == '').sum())} empty cells"
        if col.kind == "int":
            bad = ~filled.str.match(_INT)
            if bad.any():
                yield f"{col.name}: not integers {list(filled[bad])[:3]}"
                continue
            values = filled.astype(int)
        elif col.kind == "float":
            values = filled.astype(float)
        elif col.kind == "date":
            bad = ~filled.str.match(_DATE)
            if bad.any():
                yield f"{col.name}: not ISO dates {list(filled[bad])[:3]}"
            pd.to_datetime(filled, format="%Y-%m-%d")  # raises on an impossible date
            if (filled > as_of).any():
                yield f"{col.name}: dates after {as_of}: {sorted(filled[filled > as_of])[:3]}"
            continue
        elif col.kind == "bool":
            if not filled.isin(["true", "false"]).all():
                yield f"{col.name}: not true/false"
            continue
        elif col.kind == "code":
            if not filled.isin(list(col.codes or {})).all():
                yield f"{col.name}: unknown codes {sorted(set(filled) - set(col.codes or {}))}"
            continue
        elif col.kind == "list":
            parts = {p for v in filled for p in v.split(";")}
            if not parts <= set(col.codes or {}):
                yield f"{col.name}: unknown list codes {sorted(parts - set(col.codes or {}))}"
            continue
        elif col.kind == "ref":
            missing = set(filled) - ids[col.ref or ""]
            if missing:
                yield f"{col.name}: unknown references {sorted(missing)[:3]}"
            continue
        else:
            if col.pattern and not filled.str.fullmatch(col.pattern).all():
                yield f"{col.name}: does not match {col.pattern}"
            if col.unique and filled.duplicated().any():
                yield f"{col.name}: duplicate ids {list(filled[filled.duplicated()])[:3]}"
            continue
        if col.minimum is not None:
            low = values <= col.minimum if col.min_exclusive else values < col.minimum
            if low.any():
                yield f"{col.name}: below minimum {col.minimum}: {list(values[low])[:3]}"
        if col.maximum is not None and (values > col.maximum).any():
            yield f"{col.name}: above maximum {col.maximum}"


def _geometry_breaks(tables: dict[str, pd.DataFrame]) -> list[str]:
    """Valid geometries of the allowed types, inside the zone's box (no tolerance)
    and — stricter than the contract — inside their own community's polygon."""
    out: list[str] = []
    bounds = tables["boundaries"]
    polygons = dict(zip(bounds["community_id"], bounds["geometry"], strict=True))
    zone = shapely.union_all(list(polygons.values()))
    minx, miny, maxx, maxy = zone.bounds
    allowed = {"boundaries": {"Polygon"}, "compounds": {"Point", "Polygon"}, "facilities": {"Point"}}
    for name in GEO:
        df = tables[name]
        for i, (cid, geom) in enumerate(zip(df["community_id"], df["geometry"], strict=True)):
            if geom.geom_type not in allowed[name] or not geom.is_valid or geom.is_empty:
                out.append(f"{name} row {i}: {geom.geom_type} valid={geom.is_valid}")
            gx0, gy0, gx1, gy1 = geom.bounds
            if gx0 < minx or gy0 < miny or gx1 > maxx or gy1 > maxy:
                out.append(f"{name} row {i}: outside the zone box")
            if name != "boundaries" and not polygons[cid].buffer(1e-9).contains(geom):
                out.append(f"{name} row {i}: outside community {cid}")
    # the community polygons adjoin without overlapping
    total = sum(p.area for p in polygons.values())
    if abs(zone.area - total) > 1e-9 * max(total, 1e-12) + 1e-12:
        out.append("boundaries overlap")
    return out


# ------------------------------------------------------------------ generator


def test_same_seed_gives_identical_bytes(tmp_path: Path) -> None:
    synth.generate(tmp_path / "a", communities=3, seed=11)
    synth.generate(tmp_path / "b", communities=3, seed=11)
    a, b = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert sorted(a) == sorted(b)
    assert [n for n in a if a[n] != b[n]] == []


def test_different_seed_gives_different_data(tmp_path: Path) -> None:
    synth.generate(tmp_path / "a", communities=3, seed=11)
    synth.generate(tmp_path / "b", communities=3, seed=12)
    a, b = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert sorted(a) == sorted(b)
    assert [n for n in a if a[n] == b[n]] == []  # brands, sizes, dates: every file differs


def test_writes_every_table_of_the_contract(small: Path) -> None:
    names = {p.stem for p in small.iterdir() if p.suffix in (".csv", ".geojson")}
    assert names == set(contract.TABLES)
    for name, spec in contract.TABLES.items():
        if name in GEO:
            fc = json.loads((small / f"{name}.geojson").read_text(encoding="utf-8"))
            assert "crs" not in fc  # RFC 7946: WGS84 longitude/latitude
            for feat in fc["features"]:
                assert [k for k in feat["properties"] if k != "note"] == [c.name for c in spec.columns]
        else:
            header = (small / f"{name}.csv").read_bytes().split(b"\n", 1)[0].decode("utf-8")
            assert header == ",".join(c.name for c in spec.columns)


def test_every_rule_of_the_contract_holds(small: Path) -> None:
    assert _rule_breaks(small) == []


@pytest.mark.parametrize("small", SMALL[:3], indirect=True, ids=lambda p: f"n{p[0]}-seed{p[1]}")
def test_validator_quarantines_nothing(small: Path) -> None:
    ds = load_dataset(small, key=KEY)
    assert len(ds.quarantine) == 0, ds.quarantine.head(10).to_string()
    assert set(ds.tables) == set(contract.TABLES)
    assert ds.synthetic
    for name in contract.TABLES:
        assert len(ds.tables[name]) > 0, name


def test_dates_end_with_the_last_year(small: Path) -> None:
    as_of = _as_of(small)
    assert as_of.endswith("-12-31")
    services = _read(small, "services")
    assert services["date"].max() <= as_of


def test_pii_is_fake(small: Path) -> None:
    _assert_fake_pii(small)


def test_progress_bar_goes_to_stderr(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paths = synth.generate(tmp_path, communities=2, seed=0, progress_bar=True)
    captured = capsys.readouterr()
    assert captured.out == "" and "2/2" in captured.err
    lines = paths["dataset"].read_text(encoding="utf-8").splitlines()
    # its name in both languages, the flag and the as-of date, then the zone named in both
    # languages (it was named by its id, "zone", in reports of either language)
    assert lines == [
        'name: "模拟街道（2个社区，随机种子0）"', 'name_en: "Simulated Street (2 communities, seed 0)"',
        "synthetic: true", "as_of: 2024-12-31", "zones:", "  zone:", '    name_zh: "模拟街道"',
        '    name_en: "Simulated Street"',
    ]


def test_rejects_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(ContractError, match="communities"):
        synth.generate(tmp_path, communities=0)
    with pytest.raises(ContractError, match="increasing"):
        synth.generate(tmp_path, years=(2024, 2023))
    with pytest.raises(ContractError, match="zone_id"):
        synth.generate(tmp_path, zone_id="Renmin Street")


def test_generated_data_has_realistic_gaps(tmp_path: Path) -> None:
    """Open cases, unrated requests, teamless volunteers, leavers, weights ≠ 1."""
    synth.generate(tmp_path, communities=3, seed=5)
    _assert_realistic(tmp_path)


def _assert_fake_pii(data_dir: Path) -> None:
    for name in ("volunteers", "social_workers", "vulnerable_residents"):
        df = _read(data_dir, name)
        for col in PII_COLUMNS:
            if col not in df:
                continue
            values = df.loc[df[col] != "", col]
            assert len(values) > 0, (name, col)
            bad = values[~values.str.fullmatch(synth.FAKE_PATTERNS[col][1:-1])]
            assert bad.empty, (name, col, bad.head().tolist())


def _assert_realistic(data_dir: Path) -> None:
    cases = _read(data_dir, "mediation_cases")
    pending = cases["outcome"] == "pending"
    assert pending.any() and (cases.loc[pending, "closed_on"] == "").all()
    assert (cases.loc[~pending, "closed_on"] != "").all()
    requests = _read(data_dir, "resident_requests")
    assert ((requests["satisfied"] == "") & (requests["closed_on"] != "")).any()  # closed, not rated
    assert (requests["closed_on"] == "").any()
    volunteers = _read(data_dir, "volunteers")
    assert (volunteers["team"] == "").any() and (volunteers["left_on"] != "").any()
    weights = _read(data_dir, "survey_responses")["weight"].astype(float)
    assert weights.nunique() > 10 and (weights > 0).all()
    facilities = _read(data_dir, "facilities")
    assert (facilities.loc[facilities["category"].isin(["fitness", "market"]), "floor_area_m2"] == "").all()


# ---------------------------------------------------------------- calibration


@pytest.fixture(scope="module")
def calibration() -> dict[str, Any]:
    """``demo.yaml`` read as plain YAML, without the package's loader."""
    return yaml.safe_load(DEMO_YAML.read_text(encoding="utf-8"))


def _zone(cal: dict[str, Any], figure: str, year: int) -> int:
    """A published figure summed over the four communities, from the per-community split."""
    return sum(by_year[year] for by_year in cal["published"][figure]["communities"].values())


def test_calibration_zone_totals_match_the_article(calibration: dict[str, Any]) -> None:
    cal = calibration
    # 社区社会组织队伍由原来的17支增至40支: 5 + 4 + 4 + 4 = 17, 11 + 9 + 9 + 11 = 40
    assert (_zone(cal, "orgs", 2022), _zone(cal, "orgs", 2024)) == (17, 40)
    # 社区志愿者由原来的4275人增至6339人: 1180 + 1010 + 1185 + 900 = 4275, 1690 + 1425 + 1880 + 1344 = 6339
    assert (_zone(cal, "volunteers", 2022), _zone(cal, "volunteers", 2024)) == (4275, 6339)
    # 社会慈善资源由原来48家增至141家: 14 + 10 + 14 + 10 = 48, 38 + 30 + 42 + 31 = 141
    assert (_zone(cal, "charity", 2022), _zone(cal, "charity", 2024)) == (48, 141)
    # 辖区实有人口27457人: 7312 + 6105 + 7436 + 6604 = 27457
    assert _zone(cal, "residents", 2024) == 27457
    # 65周岁以上老年人数量约占总人口的18%: 1243 + 1032 + 1389 + 1278 = 4942; 4942 / 27457 = 18.0 %
    assert _zone(cal, "age_65_plus", 2024) == 4942
    assert abs(4942 / 27457 * 100 - 18) <= 0.5
    # 40余支志愿服务队: 12 + 11 + 12 + 10 = 45 at the end of 2024
    assert 40 <= _zone(cal, "teams", 2024) == 45 < 50
    # 近年来先后开展各类志愿服务活动500余次: 2022–2024, 130 + 185 + 235 = 550
    activities = sum(_zone(cal, "activities", y) for y in (2022, 2023, 2024))
    assert 500 <= activities == 550 < 600
    # 调解各类矛盾纠纷千余起: 2022–2024, 296 + 350 + 392 = 1038
    cases = sum(_zone(cal, "cases", y) for y in (2022, 2023, 2024))
    assert 1000 <= cases == 1038
    # the zone figures the file states are the article's, in the years it places them
    published = cal["published"]
    assert published["orgs"]["zone"] == {2022: 17, 2024: 40}
    assert published["volunteers"]["zone"] == {2022: 4275, 2024: 6339}
    assert published["charity"]["zone"] == {2022: 48, 2024: 141}
    assert published["residents"]["zone"] == {2024: 27457}
    assert (published["activities"]["zone_total"], published["cases"]["zone_total"]) == (550, 1038)
    assert "17支增至40支" in published["orgs"]["quote"] and "27457" in published["residents"]["quote"]


def test_calibration_does_not_bend_the_volunteer_share(calibration: dict[str, Any]) -> None:
    # 注册志愿者人数占社区常住人口的19.7% is left to disagree: permanent residents in 2024 is
    # 6608 + 5561 + 6712 + 6015 = 24896, and 6339 / 24896 = 25.5 %.
    resident_population = sum(c["invented"]["resident_population"][2024] for c in calibration["communities"].values())
    assert resident_population == 24896
    assert round(6339 / resident_population * 100, 1) == 25.5
    assert "19.7%" in calibration["assumptions"]["resident_population"]


def test_calibration_has_the_article_s_places(calibration: dict[str, Any]) -> None:
    cal = calibration
    brands = {cid: c["brand"] for cid, c in cal["communities"].items()}
    assert brands == {"renminlu": "lin_zhi", "xiangbei": "lin_he", "xiangyang": "lin_zhu", "zhengyang": "lin_le"}
    compounds = {nm: cid for cid, c in cal["communities"].items() for nm in c["compounds"]}
    named = cal["named_compounds"]
    # 赤帝巷小区 (人民路社区): 建于二十世纪七八十年代, 180余户
    assert compounds["赤帝巷小区"] == "renminlu"
    assert 180 <= named["赤帝巷小区"]["households"] < 190 and 1970 <= named["赤帝巷小区"]["built_year"] < 1990
    # 醇美平安苑小区 (湘北社区): 建成于二十世纪六十年代, 住户56户, 停车位10余个
    assert compounds["醇美平安苑小区"] == "xiangbei" and named["醇美平安苑小区"]["households"] == 56
    assert 1960 <= named["醇美平安苑小区"]["built_year"] < 1970 and 10 < named["醇美平安苑小区"]["parking_spaces"] < 20
    # 蒸阳社区马王巷自治小区
    assert compounds["马王巷自治小区"] == "zhengyang" and named["马王巷自治小区"]["self_governed"] is True
    facilities = {f["name"]: f for f in cal["facilities"]}
    # 红色文苑和养老服务中心占地面积共500余平方米: 320 + 210 = 530
    area = facilities["红色文苑"]["floor_area_m2"] + facilities["养老服务中心"]["floor_area_m2"]
    assert 500 < area < 600
    for name, cid in (("红色文苑", "zhengyang"), ("养老服务中心", "zhengyang"), ("残疾人日间照料站", "xiangyang"),
                      ("聆音康复中心", "xiangyang"), ("后宰门农贸市场", "xiangyang")):
        assert facilities[name]["community"] == cid and facilities[name]["quote"], name
    # 今年3月 … 醇美平安苑小区 … 抢占停车位 … 社区民警、网格工作人员、志愿者先后到场劝解
    (case,) = cal["pinned_cases"]
    assert (case["compound"], case["dispute_type"], case["received_on"].month) == ("醇美平安苑小区", "parking", 3)
    assert case["mediators"] == ["police", "grid_worker", "volunteer"]


def test_calibration_cites_the_article(calibration: dict[str, Any]) -> None:
    source = calibration["source"]
    assert "石鼓区人民街道创建全省城乡社区治理创新实验区纪实" in source["title"]
    assert (source["publisher"], source["author"]) == ("衡阳日报", "胡建军")
    assert all("ASSUMPTION" in text for text in calibration["assumptions"].values())


def test_calibration_loads_as_the_demo_plan() -> None:
    cal = load_calibration()
    assert cal.plan.ids == ["renminlu", "xiangbei", "xiangyang", "zhengyang"]
    # teams at the start and the end: 8 + 7 + 8 + 6 = 29 and 12 + 11 + 12 + 10 = 45
    assert (int(cal.plan.teams_base.sum()), int(cal.plan.teams_final.sum())) == (29, 45)
    assert cal.plan.pinned_cases[0]["mediators"] == "police;grid_worker;volunteer"
    assert cal.layout.note == cal.plan.note == "示意位置，非测绘数据 (illustrative, not surveyed)"


def _set(*keys: Any, value: Any) -> Callable[[dict[str, Any]], None]:
    def edit(data: dict[str, Any]) -> None:
        target = data
        for k in keys[:-1]:
            target = target[k]
        target[keys[-1]] = value
    return edit


def _drop(*keys: Any) -> Callable[[dict[str, Any]], None]:
    def edit(data: dict[str, Any]) -> None:
        target = data
        for k in keys[:-1]:
            target = target[k]
        del target[keys[-1]]
    return edit


@pytest.mark.parametrize(("edit", "message"), [
    # 11 + 9 + 9 + 11 = 40 becomes 12 + 9 + 9 + 11 = 41
    (_set("published", "orgs", "communities", "renminlu", 2024, value=12),
     "demo.yaml, published.orgs: the communities add up to 41 in 2024, but the zone figure is 40."),
    # 130 + 185 + 235 = 550 becomes 131 + 185 + 235 = 551
    (_set("published", "activities", "communities", "xiangbei", 2022, value=31),
     "demo.yaml, published.activities: the communities add up to 551 over 2022–2024, but zone_total is 550."),
    (_set("communities", "xiangbei", "brand", value="lin_xx"),
     "demo.yaml, communities.xiangbei.brand: unknown code 'lin_xx'; known: lin_zhi, lin_he, lin_zhu, lin_le."),
    (_drop("communities", "renminlu", "invented", "party", 2023),
     "demo.yaml, communities.renminlu.invented.party: expected a value for each of 2022, 2023, 2024, got 2022, 2024."),
    (_set("communities", "zhengyang", "invented", "satisfied", 2024, value=1.2),
     "demo.yaml, communities.zhengyang.invented.satisfied.2024: 1.2 is out of range (0.0–1.0)."),
    (_set("communities", "renminlu", "invented", "surveys", 2022, value=150.5),
     "demo.yaml, communities.renminlu.invented.surveys.2022: expected a whole number, got 150.5."),
    (_set("facilities", 0, "category", value="park"), "demo.yaml, facilities[0].category: unknown code 'park'"),
    (_set("facilities", 0, "opened_on", value="2025-01-01"),
     "demo.yaml, facilities[0].opened_on: 2025-01-01 is after the last year, 2024."),
    (_set("pinned_cases", 0, "compound", value="赤帝巷小区"),
     "demo.yaml, pinned_cases[0].compound: '赤帝巷小区' is not a compound of xiangbei."),
    (_set("named_compounds", "幸福小区", value={"quote": "…", "households": 10}),
     "demo.yaml, named_compounds.幸福小区: not in any community's compounds."),
    (_set("placed_compounds", "江景苑", "floors", value=6),
     "demo.yaml, placed_compounds.江景苑: unknown key floors; known: households,"),
    (_drop("assumptions"), "demo.yaml, the file: missing assumptions."),
    (_set("assumptions", "splits", value="the split is invented"),
     "demo.yaml, assumptions.splits: should say ASSUMPTION."),
])
def test_calibration_errors_name_the_place(
    tmp_path: Path, edit: Callable[[dict[str, Any]], None], message: str,
) -> None:
    data = yaml.safe_load(DEMO_YAML.read_text(encoding="utf-8"))
    path = tmp_path / "demo.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    load_calibration(path)  # the file as shipped, dumped again, loads
    edit(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CalibrationError) as info:
        load_calibration(path)
    assert str(info.value).startswith(message)
    assert "\n" not in str(info.value)


def test_calibration_that_is_not_yaml_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("source: [unclosed\n", encoding="utf-8")
    with pytest.raises(CalibrationError, match=r"^broken\.yaml: not valid YAML at line 2"):
        load_calibration(path)
    with pytest.raises(CalibrationError, match=r"^missing\.yaml: cannot read the calibration"):
        load_calibration(tmp_path / "missing.yaml")
    assert issubclass(CalibrationError, LinliError)  # the CLI prints one line and exits 2


# ----------------------------------------------------------------------- demo


@pytest.fixture(scope="module")
def demo() -> dict[str, pd.DataFrame]:
    return {name: _read(RAW, name) for name in contract.TABLES}


def _active(df: pd.DataFrame, start: str, end: str, year: int) -> pd.DataFrame:
    """Active at the end of ``year``: start ≤ Y-12-31 and (end empty or end > Y-12-31)."""
    ye = f"{year}-12-31"
    return df[(df[start] <= ye) & ((df[end] == "") | (df[end] > ye))]


def test_demo_rosters_match_the_article(demo: dict[str, pd.DataFrame]) -> None:
    # the article: 17 → 40 organisations, 4275 → 6339 volunteers, 48 → 141 charity
    # resources, from the end of 2022 (baseline) to the end of 2024.
    orgs = demo["social_organizations"]
    assert len(_active(orgs, "registered_on", "dissolved_on", 2022)) == 17
    assert len(_active(orgs, "registered_on", "dissolved_on", 2024)) == 40
    vols = demo["volunteers"]
    assert len(_active(vols, "registered_on", "left_on", 2022)) == 4275
    assert len(_active(vols, "registered_on", "left_on", 2024)) == 6339
    charity = demo["charity_resources"]
    assert len(_active(charity, "joined_on", "left_on", 2022)) == 48
    assert len(_active(charity, "joined_on", "left_on", 2024)) == 141
    # 40余支志愿服务队: at least 40 distinct (community, team) among active volunteers
    teams = _active(vols, "registered_on", "left_on", 2024)
    teams = teams[teams["team"] != ""][["community_id", "team"]].drop_duplicates()
    assert 40 <= len(teams) < 50
    # rosters have history: people left, and left after registering
    assert (vols["left_on"] != "").sum() > 500
    assert (orgs["dissolved_on"] != "").any()


def test_demo_population_matches_the_article(demo: dict[str, pd.DataFrame]) -> None:
    pop = demo["population"].astype({"year": int, "residents": int, "age_65_plus": int,
                                     "resident_population": int})
    p24 = pop[pop["year"] == 2024]
    assert p24["residents"].sum() == 27457  # 辖区实有人口27457人
    share = p24["age_65_plus"].sum() / p24["residents"].sum() * 100
    assert abs(share - 18) <= 0.5  # 约占总人口的18%
    # resident_population is NOT bent to the 19.7 % claim: 6339 volunteers over a
    # plausible 常住人口 (below 实有人口) gives about 25 %, which the claims check reports.
    vol_share = 6339 / p24["resident_population"].sum() * 100
    assert (p24["resident_population"] <= p24["residents"]).all()
    assert vol_share > 21


def test_demo_ledgers_match_the_article(demo: dict[str, pd.DataFrame]) -> None:
    acts = demo["volunteer_activities"]
    assert len(acts[acts["date"].str[:4].isin(["2022", "2023", "2024"])]) >= 500  # 500余次
    cases = demo["mediation_cases"]
    assert len(cases[cases["received_on"].str[:4].isin(["2022", "2023", "2024"])]) >= 1000  # 千余起


def test_demo_has_the_named_places(demo: dict[str, pd.DataFrame]) -> None:
    c = demo["compounds"].set_index("name_zh")
    chidi = c.loc["赤帝巷小区"]  # 人民路社区, 1970s-80s, 180余户, renovated, branch + committee
    assert chidi["community_id"] == "renminlu" and 180 <= int(chidi["households"]) < 190
    assert 1970 <= int(chidi["built_year"]) < 1990
    assert chidi["renovation_completed_on"] and chidi["party_branch_since"] and chidi["owners_committee_since"]
    chunmei = c.loc["醇美平安苑小区"]  # 湘北社区, 1960s, 56 households, 10余 parking spaces
    assert chunmei["community_id"] == "xiangbei" and int(chunmei["households"]) == 56
    assert 1960 <= int(chunmei["built_year"]) < 1970 and 10 < int(chunmei["parking_spaces"]) < 20
    mawang = c.loc["马王巷自治小区"]
    assert mawang["community_id"] == "zhengyang" and mawang["self_governed"] == "true"
    f = demo["facilities"].set_index("name_zh")
    expected = {
        "红色文苑": ("zhengyang", "culture_room"), "养老服务中心": ("zhengyang", "elderly_center"),
        "残疾人日间照料站": ("xiangyang", "day_care"), "聆音康复中心": ("xiangyang", "rehab_center"),
        "后宰门农贸市场": ("xiangyang", "market"),
    }
    for name, (cid, cat) in expected.items():
        assert (f.loc[name, "community_id"], f.loc[name, "category"]) == (cid, cat), name
    area = float(f.loc["红色文苑", "floor_area_m2"]) + float(f.loc["养老服务中心", "floor_area_m2"])
    assert 500 < area < 600  # 占地面积共500余平方米
    comm = demo["communities"].set_index("community_id")
    assert comm["brand"].to_dict() == {
        "renminlu": "lin_zhi", "xiangbei": "lin_he", "xiangyang": "lin_zhu", "zhengyang": "lin_le",
    }
    assert set(comm["zone_id"]) == {"renmin"}


def test_demo_communities_lead_in_their_brand(demo: dict[str, pd.DataFrame]) -> None:
    """In 2024 each community has the zone's best value of its brand's headline
    indicators (docs/indicators.md), computed here by hand."""
    y, ye = "2024", "2024-12-31"
    cmp_ = demo["compounds"]
    party = cmp_.assign(v=(cmp_["party_branch_since"] != "") & (cmp_["party_branch_since"] <= ye))
    party_pct = party.groupby("community_id")["v"].mean()
    req = demo["resident_requests"]
    req = req[req["received_on"].str[:4] == y]
    rated = req[req["satisfied"] != ""]
    satisfied_pct = (rated["satisfied"] == "true").groupby(rated["community_id"]).mean()
    cases = demo["mediation_cases"]
    cases = cases[cases["received_on"].str[:4] == y]
    decided = cases[cases["outcome"] != "pending"]
    success = (decided["outcome"] == "resolved").groupby(decided["community_id"]).mean()
    n_codes = cases["mediators"].map(lambda s: len(set(s.split(";")) - {""}))
    joint = (n_codes >= 2).groupby(cases["community_id"]).mean()
    register = _active(demo["vulnerable_residents"], "registered_on", "left_on", 2024)
    svc = demo["services"]
    svc = svc[(svc["date"].str[:4] == y) & svc["resident_id"].isin(register["resident_id"])]
    months = svc.assign(m=svc["date"].str[5:7]).groupby(["community_id", "resident_id"])["m"].nunique()
    regular = (months >= 10).groupby("community_id").sum() / register.groupby("community_id").size()
    events = demo["culture_events"]
    events = events[events["date"].str[:4] == y]
    pop = demo["population"]
    pop = pop[pop["year"] == y].set_index("community_id")
    elder = events["participants_65_plus"].astype(int).groupby(events["community_id"]).sum()
    elder_rate = elder / pop["age_65_plus"].astype(int)
    leaders = {
        "renminlu": [party_pct, satisfied_pct],
        "xiangbei": [success, joint],
        "xiangyang": [regular],
        "zhengyang": [events.groupby("community_id").size(), elder_rate],
    }
    for cid, series in leaders.items():
        for s in series:
            assert s.idxmax() == cid, (cid, s.round(3).to_dict())
    # …without being perfect everywhere
    assert success.max() < 1 and regular.max() < 1


def test_demo_life_circle_is_incomplete(demo: dict[str, pd.DataFrame]) -> None:
    """Some compounds lie beyond 500 m of every service facility (planar, UTM 49N)."""
    import geopandas as gpd

    cmp_ = gpd.GeoDataFrame(demo["compounds"], geometry="geometry", crs=4326).to_crs(32649)
    fac = gpd.GeoDataFrame(demo["facilities"], geometry="geometry", crs=4326).to_crs(32649)
    fac = fac[fac["category"].isin(["service_center", "elderly_center", "day_care", "culture_room"])]
    points = cmp_.representative_point()
    nearest = np.array([fac.distance(p).min() for p in points])
    covered = cmp_["households"].astype(int)[nearest <= 500].sum() / cmp_["households"].astype(int).sum()
    assert 0.8 < covered < 1.0


def test_demo_follows_the_contract() -> None:
    assert _rule_breaks(RAW) == []
    _assert_fake_pii(RAW)
    _assert_realistic(RAW)


def test_demo_validates_without_quarantine() -> None:
    ds = load_dataset(RAW, key=KEY)
    assert len(ds.quarantine) == 0, ds.quarantine.head(10).to_string()
    assert ds.synthetic and str(ds.as_of) == "2024-12-31"


def test_generate_demo_reproduces_data_raw(tmp_path: Path) -> None:
    written = synth.generate_demo(tmp_path)
    assert {p.name for p in written.values()} == set(_files(RAW))
    new, committed = _files(tmp_path), _files(RAW)
    assert [n for n in committed if new[n] != committed[n]] == []


def test_published_claims_cover_the_article() -> None:
    import yaml

    claims = yaml.safe_load((RAW / "published_claims.yaml").read_text(encoding="utf-8"))
    ids = [c["id"] for c in claims["claims"]]
    assert ids == ["orgs_growth", "volunteers_growth", "charity_growth", "disputes", "residents",
                   "ageing", "teams", "volunteer_share", "activities"]
    for c in claims["claims"]:
        assert c["source"]["publisher"] == "衡阳日报"
        assert c["scope"] == "zone" and c["unit_id"] == "renmin"
        assert c["comparison"] in ("eq", "at_least", "approx")
        assert ("year" in c) != ("years" in c)
