"""Which communities a report shows when its zone has many (linli.reporting.selection), and
how the figures, tables and map layers of a large zone stay bounded."""

from __future__ import annotations

import dataclasses
import json

import geopandas as gpd
import matplotlib
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point, box

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from linli import handoff
from linli.figures import maps, plots
from linli.figures.about import figure_info
from linli.pipeline import FRAMES
from linli.reporting import comparison, sections, selection, tables
from linli.reporting.selection import Shown, around, extremes, ranked
from linli.spec import SCORED_DIMENSIONS
from linli.testing import example_unit, example_zone

ORDER50 = [f"c{i:02d}" for i in range(1, 51)]  # c01 ranked 1st … c50 ranked 50th


def _ranks(shown: Shown) -> list[int]:
    return [int(u[1:]) for u in shown.ids]


# ------------------------------------------------------------------ the selection


def test_a_community_ranked_7th_of_50_is_shown_with_ranks_1_to_21():
    # position 6; the window of 2 × 10 + 1 = 21 would start at 6 − 10 = −4, moved in to 0: ranks 1–21
    shown = around(ORDER50, "c07")
    assert _ranks(shown) == list(range(1, 22))
    assert (shown.of, shown.how, shown.whole) == (50, "near", False)


def test_a_community_in_the_middle_has_10_either_side():
    # ranked 25th, position 24: start 24 − 10 = 14, ranks 15–35
    assert _ranks(around(ORDER50, "c25")) == list(range(15, 36))


def test_a_community_near_the_end_keeps_a_window_of_21():
    # ranked 48th, position 47: start min(47 − 10, 50 − 21) = 29, ranks 30–50
    assert _ranks(around(ORDER50, "c48")) == list(range(30, 51))


def test_a_zone_of_30_is_shown_whole_and_of_31_is_not():
    assert around(ORDER50[:30], "c07") == Shown(tuple(ORDER50[:30]), 30, "all")
    # 31 communities, ranked 16th, position 15: start min(5, 31 − 21 = 10) = 5, ranks 6–26
    assert _ranks(around(ORDER50[:31], "c16")) == list(range(6, 27))


def test_the_threshold_and_the_window_follow_the_tunables(monkeypatch):
    monkeypatch.setattr(selection, "ALL_UP_TO", 3)
    monkeypatch.setattr(selection, "NEIGHBOURS", 1)
    # 5 communities, more than 3: c04 (position 3) with 1 either side: ranks 3–5
    assert _ranks(around(ORDER50[:5], "c04")) == [3, 4, 5]


def test_a_community_not_in_the_ranking_is_an_error():
    with pytest.raises(ValueError, match="'x' is not among the zone's 50"):
        around(ORDER50, "x")


def test_a_large_zone_names_its_10_best_and_10_worst():
    shown = extremes(ORDER50)
    assert _ranks(shown) == [*range(1, 11), *range(41, 51)]
    assert (shown.how, shown.break_after) == ("extremes", 10)
    assert extremes(ORDER50[:30]).whole and extremes(ORDER50[:30]).break_after is None


def test_ranked_orders_by_headline_rank_then_id_unranked_last():
    unc = pd.DataFrame({"unit_id": ["b", "a", "z", "c", "d", "e"], "year": [2024] * 5 + [2023],
                        "unit_type": ["community", "community", "zone", "community", "community", "community"],
                        "rank": pd.array([2, 2, None, None, 1, 1], dtype="Int64")})
    # d ranked 1st; a and b tie for 2nd (by id); c has no rank; e is of another year; z a zone
    assert ranked(unc, year=2024) == ["d", "a", "b", "c"]


def test_scope_text_says_what_is_shown_of_how_many():
    near = Shown(tuple(ORDER50[:21]), 50, "near")
    # 21 shown: the community and 20 others
    assert selection.scope_text(near, name="甲社区") == "甲社区及排名与其相邻的20个社区（全区共50个社区）"
    assert selection.scope_text(near, lang="en", name="Jia") == "Jia and the 20 communities ranked nearest to it, of the zone's 50"
    assert selection.scope_text(extremes(ORDER50)) == "排名前10位和后10位的社区（全区共50个社区）"
    assert selection.scope_text(extremes(ORDER50[:4])) is None


# ------------------------------------------------------------- from the hand-off


def _handoff(tmp_path, n=40):
    """A hand-off of zone ``z`` with n communities (c01 … ranked in reverse: c40 1st) and zone ``w`` with one."""
    root = tmp_path / "data"
    root.mkdir()
    (root / handoff.META_FILE).write_text(json.dumps({"year": 2024, "baseline_year": 2022}), encoding="utf-8")
    ids = [f"c{i:02d}" for i in range(1, n + 1)]
    units = pd.DataFrame({"unit_id": ["z", *ids, "w", "w1"], "unit_type": ["zone", *["community"] * n, "zone", "community"],
                          "name_zh": ["Z", *ids, "W", "w1"], "name_en": ["Z", *ids, "W", "w1"], "brand": None,
                          "zone_id": ["z", *["z"] * n, "w", "w"]})
    units.to_parquet(root / "units.parquet", index=False)
    unc = pd.DataFrame({"unit_id": [*ids, "w1", "z"], "unit_type": [*["community"] * n, "community", "zone"],
                        "year": 2024, "rank": pd.array([*range(n, 0, -1), 1, None], dtype="Int64")})
    for name in FRAMES:  # every frame: one row per unit (the slice only filters them)
        unc.to_parquet(root / f"{name}.parquet", index=False)
    for name in ("provenance.csv", "quarantine.csv"):
        (root / name).write_text("table\n", encoding="utf-8")
    return root


def test_compared_with_reads_the_ranks_of_the_zone_only(tmp_path):
    root = _handoff(tmp_path)
    res = handoff.load_unit("c34", root)
    # c40 is ranked 1st … cNN is ranked 41 − NN: c34 is 7th, the window is ranks 1–21 = c40 … c20
    # (w1 of the other zone is ranked 1st there and never counted)
    shown = selection.compared_with(res)
    assert shown.ids == tuple(f"c{i:02d}" for i in range(40, 19, -1))
    assert (shown.of, shown.how) == (40, "near")


def test_compared_with_leaves_a_zone_alone_for_the_checks_to_name_its_notebook(tmp_path):
    root = _handoff(tmp_path)
    assert selection.compared_with(handoff.load_unit("z", root)) == Shown(("z",), 1)


def test_a_zone_slice_of_some_communities_reads_only_their_rows(tmp_path):
    root = _handoff(tmp_path)
    zone = handoff.load_unit("z", root, communities=["c03", "c05", "w1"])
    # w1 is not of zone z: left out; the frames hold the zone and the two communities
    assert zone.community_ids == ("c03", "c05")
    assert sorted(zone.uncertainty["unit_id"]) == ["c03", "c05", "z"]
    assert sorted(zone.units["unit_id"]) == ["c03", "c05", "z"]
    assert len(handoff.load_unit("z", root).community_ids) == 40


# -------------------------------------------------------------- a large zone's report


def _large_zone(n=40):
    """example_zone() with n communities c01 … ranked 1st … nth, index 80 − 0.5 × rank (c01 79.5 … c40 60.0)."""
    base = example_zone()
    ids = [f"c{i:02d}" for i in range(1, n + 1)]
    rank = np.arange(1, n + 1)
    index = 80 - 0.5 * rank
    units = pd.concat([base.units[base.units["unit_type"] == "zone"],
                       pd.DataFrame({"unit_id": ids, "unit_type": "community", "name_zh": [f"{u}社区" for u in ids],
                                     "name_en": ids, "brand": None, "zone_id": "model"})], ignore_index=True)
    dims = {d: index for d in SCORED_DIMENSIONS}
    idx = pd.concat([base.index[base.index["unit_type"] == "zone"],
                     pd.DataFrame({"unit_id": ids, "unit_type": "community", "year": 2024, **dims, "index": index,
                                   "rank": rank})], ignore_index=True)
    unc = pd.concat([base.uncertainty[base.uncertainty["unit_type"] == "zone"],
                     pd.DataFrame({"unit_id": ids, "unit_type": "community", "year": 2024, "index": index,
                                   "index_low": index - 1, "index_median": index, "index_high": index + 1,
                                   "rank": rank, "rank_median": rank, "rank_low": rank, "rank_high": rank,
                                   "rank_kept_pct": 100.0, "n_ranked": n})], ignore_index=True)
    unc = unc.astype({c: "Int64" for c in ("rank", "rank_median", "rank_low", "rank_high")})
    # mediation success: community k has k %, so 1 … 40; the zone row stays 94.0
    ind = pd.concat([base.indicators[base.indicators["unit_type"] == "zone"],
                     pd.DataFrame({"unit_id": ids, "unit_type": "community", "year": 2024,
                                   "indicator": "mediation_success_pct", "value": rank.astype(float),
                                   "ci_low": np.nan, "ci_high": np.nan, "reason": pd.NA})], ignore_index=True)
    # leaving a dimension out moves c01–c04 by 1, 2, 3, 4 places when it is wushe; nobody otherwise
    sens = pd.DataFrame([{"unit_id": u, "unit_type": "community", "year": 2024, "dimension": d, "rank": r,
                          "rank_without": r + (r if d == "wushe" and r <= 4 else 0),
                          "rank_shift": r if d == "wushe" and r <= 4 else 0}
                         for u, r in zip(ids, rank, strict=True) for d in SCORED_DIMENSIONS])
    # weights drive c01–c05 (total effect 0.9), normalisation the next 25 (0.8); the last 10 never move
    rows = []
    for u, r in zip(ids, rank, strict=True):
        for name in ("normalisation", "aggregation", "weights"):
            top = (name == "weights") if r <= 5 else (name == "normalisation")
            rows.append({"unit_id": u, "unit_type": "community", "year": 2024, "input": name,
                         "first_order": 0.1, "first_order_low": 0.0, "first_order_high": 0.2,
                         "total_effect": (0.9 if r <= 5 else 0.8) if top else 0.1,
                         "total_effect_low": 0.0, "total_effect_high": 1.0,
                         "rank_variance": 0.0 if r > 30 else 0.5})
    return dataclasses.replace(base, community_ids=tuple(ids), units=units, index=idx, uncertainty=unc,
                               indicators=ind, sensitivity=sens, rank_sensitivity=pd.DataFrame(rows))


def test_a_large_zones_dimension_scores_are_their_distribution():
    t = comparison.dimension_scores_table(_large_zone())
    assert t.columns.tolist() == ["项目", "有值社区数", "最低", "下四分位数", "中位数", "上四分位数", "最高", "示范街道"]
    # 40 values 60.0, 60.5 … 79.5; sorted, the kth is 60 + 0.5 (k − 1). Quartiles interpolate at
    # positions 39 × ¼ = 9.75 (64.5 + 0.75 × 0.5 = 64.875), 19.5 (69.75), 29.25 (74.5 + 0.25 × 0.5 = 74.625);
    # the zone's index is 65.962341
    assert t.iloc[-1].tolist() == ["邻里指数", "40", "60.0", "64.9", "69.8", "74.6", "79.5", "66.0"]
    assert len(t) == len(SCORED_DIMENSIONS) + 1


def test_a_large_zones_comparison_table_is_the_distribution_then_the_zone():
    t = comparison.comparison_table(_large_zone(), dimension="lin_he")
    row = t[t["指标"].str.startswith("调解成功率")].iloc[0].tolist()
    # values 1 … 40 %: quartiles at positions 9.75 → 10.75, 19.5 → 20.5, 29.25 → 30.25; zone 94.0 %
    assert row[1:] == ["40", "1.0%", "10.8%", "20.5%", "30.2%", "40.0%", "94.0%", "≥ 96.0%（基准）"]
    assert "全区40个社区的分布" in comparison.comparisons_html(_large_zone())


def test_a_large_zones_ranking_lists_its_best_and_worst_ten():
    zone = _large_zone()
    t = comparison.ranking_table(zone)
    # ranks 1–10 and 31–40, then the zone
    assert t["排名"].tolist() == [*map(str, range(1, 11)), *map(str, range(31, 41)), "—"]
    assert "本表（图）只列出排名前10位和后10位的社区（全区共40个社区）" in comparison.ranking_note(res=zone)
    assert comparison.ranking_note() == comparison.ranking_note(res=example_zone())  # a small zone: no such words


def test_a_large_zones_leave_one_out_counts_the_communities_that_move():
    t = comparison.sensitivity_table(_large_zone())
    # wushe moves c01–c04 by 1, 2, 3, 4 places: 4 communities, median 2.5, largest 4
    assert t.iloc[0].tolist() == ["五社联动", "4", "2.5", "4"]
    assert t.iloc[1].tolist()[1:] == ["0", "—", "—"]


def test_a_large_zones_drivers_are_counted_and_its_table_names_the_extremes():
    zone = _large_zone()
    # weights drive ranks 1–5, normalisation ranks 6–30, ranks 31–40 never move
    assert comparison.drivers_text(zone).splitlines() == [
        "- **标准化方法**：25个社区的排名主要取决于它。",
        "- **维度权重**：5个社区的排名主要取决于它。",
        "- 10个社区在所有模拟中名次不变。",
    ]
    t = comparison.drivers_table(zone)
    named = [c for c in t["社区"] if c]
    # 10 best (3 rows each) and 10 worst (one row each: the rank never moves)
    assert named == [f"c{i:02d}社区" for i in (*range(1, 11), *range(31, 41))]
    assert len(t) == 10 * 3 + 10


def test_a_large_zones_cover_and_headline_do_not_list_every_community():
    zone = _large_zone()
    assert "40个社区（按排名列于下文）" in sections.cover_html(zone)
    # the three highest (79.5, 79.0, 78.5) and the three lowest (61.0, 60.5, 60.0)
    text = tables.order_text(zone, "zh")
    assert text == ("全区40个社区中，邻里指数最高的3个为：c01社区79.5、c02社区79.0、c03社区78.5；"
                    "最低的3个为：c38社区61.0、c39社区60.5、c40社区60.0。")


def test_the_demo_sized_zone_keeps_a_column_per_community():
    # two communities: every table as before (the doctests hold the numbers)
    assert comparison.dimension_scores_table(example_zone()).columns.tolist() == ["项目", "甲社区", "乙社区", "示范街道"]
    assert comparison.distribution_note(example_zone()) is None


# ---------------------------------------------------------------------- figures


def test_the_index_chart_of_the_extremes_has_a_break_and_says_what_it_shows():
    zone = _large_zone()
    shown = extremes(ranked(zone.uncertainty, year=2024))  # what zone_shown reads from a hand-off
    scope = selection.scope_text(shown)
    fig, ax = plots.plot_index_uncertainty(selection.subset(zone.uncertainty, shown, keep=["model"]), year=2024,
                                           show_zone=True, scope=scope, break_after=shown.break_after)
    try:
        # 20 communities and the zone: 21 rows, so the figure stays 0.42 × 21 + 1.4 = 10.22 inches tall
        assert len(ax.get_yticklabels()) == 21
        assert fig.get_size_inches()[1] == pytest.approx(0.42 * 21 + 1.4)
        dotted = [ln for ln in ax.get_lines() if ln.get_linestyle() == ":"]
        assert len(dotted) == 1 and dotted[0].get_ydata()[0] == pytest.approx(9.5)  # after the 10th row (y 0 … 9)
        info = figure_info(fig)
        assert info.title == "邻里指数及其不确定性 排名前10位和后10位的社区（全区共40个社区）"
        assert "排名前10位和后10位" in info.alt
    finally:
        plt.close(fig)


def test_the_index_distribution_counts_every_community():
    zone = _large_zone()
    fig, ax = plots.plot_index_distribution(zone.uncertainty, year=2024, bins=4, names={"model": "示范街道"})
    try:
        # 60.0 … 79.5 in 4 bins of 4.875: edges 60, 64.875, 69.75, 74.625, 79.5 — 10 values in each
        assert [int(p.get_height()) for p in ax.patches] == [10, 10, 10, 10]
        labels = [t.get_text() for t in ax.get_legend().get_texts()]
        # the median of 60.0 … 79.5 is 69.75 (fmt: one decimal); the zone 65.962341
        assert labels == ["中位数 69.8", "示范街道 66.0"]
        assert figure_info(fig).title == "邻里指数的分布（全区40个社区）"
    finally:
        plt.close(fig)


def test_a_zone_map_of_many_communities_is_coloured_by_brand_unnamed(monkeypatch):
    monkeypatch.setattr(maps, "NAMED_UP_TO", 1)
    b = gpd.GeoDataFrame({"community_id": ["a", "b", "c"]}, crs=4326,
                         geometry=[box(112.600, 26.890, 112.610, 26.898), box(112.610, 26.890, 112.620, 26.898),
                                   box(112.620, 26.890, 112.630, 26.898)])
    communities = pd.DataFrame({"community_id": ["a", "b", "c"], "name_zh": ["甲", "乙", "丙"],
                                "brand": ["lin_he", "lin_he", None]})
    compounds = gpd.GeoDataFrame({"compound_id": ["k"], "community_id": ["a"], "households": [100]}, crs=4326,
                                 geometry=[Point(112.605, 26.894)])
    fig, ax = maps.map_zone(b, communities=communities, compounds=compounds)
    try:
        names = {t.get_text() for t in ax.texts}
        assert not names & {"甲", "乙", "丙", "甲\n邻和·调解"}
        # one entry for the two 邻和 communities, one for the community without a brand; no compound
        assert [t.get_text() for t in ax.get_legend().get_texts()] == ["邻和社区", "无品牌社区"]
        info = figure_info(fig)
        assert info.title == "实验区各社区 全区3个社区按品牌着色；小区与服务设施见各社区报告"
        assert info.alt.startswith("地图，实验区各社区 全区3个社区按品牌着色；小区与服务设施见各社区报告：3个社区的边界，按品牌着色，不标注")
    finally:
        plt.close(fig)


# ------------------------------------------------------------------ map layers


def _layers_unit(tmp_path, *, without_a=False):
    """Community a, its neighbour b and c 10 km away, in a hand-off's tables (``without_a``: a's boundary missing)."""
    (tmp_path / "tables").mkdir()
    deg = 0.01  # about 1 km at 26.9° N (a little less east–west)
    boundaries = gpd.GeoDataFrame({"community_id": ["a", "b", "c"]}, crs=4326, geometry=[
        box(112.60, 26.89, 112.60 + deg, 26.89 + deg), box(112.60 + deg, 26.89, 112.60 + 2 * deg, 26.89 + deg),
        box(112.70, 26.89, 112.70 + deg, 26.89 + deg)])
    compounds = gpd.GeoDataFrame({"compound_id": ["ka", "kb", "kc"], "community_id": ["a", "b", "c"],
                                  "households": [100, 200, 300]}, crs=4326,
                                 geometry=[Point(112.605, 26.895), Point(112.615, 26.895), Point(112.705, 26.895)])
    # fb: b's, 300 m east of a's compound; fc: c's own, 10 km away; fx: c's, but standing in a (a data quirk)
    facilities = gpd.GeoDataFrame({"facility_id": ["fb", "fc", "fx"], "community_id": ["b", "c", "c"],
                                   "category": "service_center"}, crs=4326,
                                  geometry=[Point(112.608, 26.895), Point(112.706, 26.895), Point(112.604, 26.894)])
    if without_a:
        boundaries = boundaries[boundaries["community_id"] != "a"]
    for name, frame in (("boundaries", boundaries), ("compounds", compounds), ("facilities", facilities)):
        frame.to_parquet(tmp_path / "tables" / f"{name}.parquet")
    return dataclasses.replace(example_unit(), unit_id="a", community_ids=("a",), handoff_dir=tmp_path)


def test_a_communitys_map_layers_are_those_around_it_in_a_large_dataset(tmp_path, monkeypatch):
    res = _layers_unit(tmp_path)
    every = sections.map_layers(res)
    assert sorted(every["boundaries"]["community_id"]) == ["a", "b", "c"]  # 3 ≤ 30: every community's
    monkeypatch.setattr(selection, "ALL_UP_TO", 2)
    near = sections.map_layers(res)
    # a is 1 km wide: the square reaches 1 km + 600 m beyond it — b (adjacent) is in, c (10 km east) is not;
    # facilities: b's next to a, and c's that stands in a; not c's own, 10 km away
    assert sorted(near["boundaries"]["community_id"]) == ["a", "b"]
    assert sorted(near["compounds"]["compound_id"]) == ["ka", "kb"]
    assert sorted(near["facilities"]["facility_id"]) == ["fb", "fx"]
    assert sorted(sections.map_layers(res, every_community=False)["boundaries"]["community_id"]) == ["a"]


def test_a_zones_uncovered_compounds_are_its_own_counted_against_every_facility(tmp_path):
    from linli.errors import LinliError

    res = _layers_unit(tmp_path)
    tables = tmp_path / "tables"
    facilities = gpd.read_parquet(tables / "facilities.parquet").assign(opened_on=pd.Timestamp("2020-01-01"))
    facilities.to_parquet(tables / "facilities.parquet")
    zone = dataclasses.replace(example_zone(), community_ids=("a", "b"), handoff_dir=tmp_path)
    # kb is 0.007° ≈ 695 m east of fb and 0.011° ≈ 1.1 km from fx: outside the circle; ka is ≈ 298 m from fb;
    # kc is c's, not the zone's: not listed
    un = sections.zone_uncovered(zone)
    assert un["compound_id"].tolist() == ["kb"] and un["households"].tolist() == [200]
    # without fb (b's), the zone has no facility of its own, yet ka stays covered: fx, c's centre standing
    # in a, is ≈ 149 m away (0.001° west ≈ 99 m, 0.001° south ≈ 111 m)
    facilities[facilities["facility_id"] != "fb"].to_parquet(tables / "facilities.parquet")
    assert sections.zone_uncovered(zone)["compound_id"].tolist() == ["kb"]
    # the zone's coverage counts its own compounds: 100 − 200 ÷ (100 + 200) × 100 = 33.3 %
    # (with c's 300 households it would be 100 − 200 ÷ 600 × 100 = 66.7 %)
    every = res.table("compounds", every_community=True)
    indicators = pd.DataFrame({"unit_id": "model", "unit_type": "zone", "year": 2024,
                               "indicator": ["life_circle_500m_pct"], "value": [100 - 200 / 300 * 100]})
    sections.check_coverage(dataclasses.replace(zone, indicators=indicators), un, every)
    with pytest.raises(LinliError, match=r"33\.3 % covered, but life_circle_500m_pct is 66\.6"):
        sections.check_coverage(dataclasses.replace(zone, indicators=indicators.assign(value=100 - 200 / 600 * 100)),
                                un, every)


# -------------------------------------------------------- the report's own checks


def _complete(zone, drop=None, extra=None):
    """``zone`` whose units each have one 2024 row per catalogue indicator (less ``drop``, plus ``extra``)."""
    from linli.indicators import catalogue

    ids = sorted(catalogue.load().ids)
    rows = [{"unit_id": u, "unit_type": t, "year": 2024, "indicator": i, "value": 1.0}
            for u, t in (("model", "zone"), ("jia", "community"), ("yi", "community")) for i in ids
            if (u, i) != drop]
    rows += [extra] if extra else []
    return dataclasses.replace(zone, indicators=pd.DataFrame(rows)), len(ids)


def test_check_report_counts_each_units_indicator_rows_in_one_pass():
    from linli.errors import LinliError

    zone, n = _complete(example_zone())
    sections.check_report(zone, notebook="zone.ipynb", year=2024, lang="zh")  # one row each: passes
    broken, _ = _complete(example_zone(), drop=("yi", "volunteers"))
    with pytest.raises(LinliError, match=rf"^yi: the hand-off holds {n - 1} indicator rows for 2024, not one per "
                                         rf"indicator \({n}\)\.$"):
        sections.check_report(broken, notebook="zone.ipynb", year=2024, lang="zh")
    # the right count, but one indicator twice and another missing: still wrong
    twice, _ = _complete(example_zone(), drop=("jia", "volunteers"),
                         extra={"unit_id": "jia", "unit_type": "community", "year": 2024, "indicator": "households",
                                "value": 2.0})
    with pytest.raises(LinliError, match=rf"^jia: the hand-off holds {n} indicator row"):
        sections.check_report(twice, notebook="zone.ipynb", year=2024, lang="zh")


def test_a_community_without_a_boundary_still_gets_the_facilities_that_serve_its_compounds(tmp_path, monkeypatch):
    monkeypatch.setattr(selection, "ALL_UP_TO", 1)
    res = _layers_unit(tmp_path, without_a=True)
    layers = sections.map_layers(res)
    # no boundary of a: no map (the note says why) …
    assert sections.map_missing(res, layers) is not None
    # … but the square around its compound ka (a point: 600 m each way) holds b's boundary (0.005° east,
    # ≈ 0.005 × 111 km × cos 26.9° ≈ 495 m), fb (≈ 297 m east) and fx (≈ 99 m west, 111 m south);
    # fc, 10 km away, is left out
    assert sorted(layers["boundaries"]["community_id"]) == ["b"]
    assert sorted(layers["facilities"]["facility_id"]) == ["fb", "fx"]
    assert sorted(layers["compounds"]["compound_id"]) == ["ka", "kb"]


def test_communities_whose_index_reads_the_same_are_said_to_be_too_close_to_tell_apart():
    # 乙 57.39 and 甲 57.35 both read 57.4, yet 乙 is ranked 1st and 甲 2nd (two reviewers asked
    # why, 3 December 2026): the zone's sentence and 甲's headline say so
    zone = example_zone()
    index = zone.index.copy()
    index.loc[index["unit_id"] == "yi", "index"] = 57.39
    zone = dataclasses.replace(zone, index=index)
    assert tables.order_text(zone, "zh") == (
        "各社区邻里指数由高到低依次为：乙社区57.4、甲社区57.4。"
        "其中乙社区与甲社区的指数保留一位小数后相同，名次按未取整的值排列；这样小的差别不足以区分它们（见下文排名区间）。")
    assert tables.order_text(zone, "en").endswith(
        " Yi and Jia have the same index to one decimal; their order follows the unrounded values, a difference "
        "too small to tell them apart (see the rank intervals below).")
    jia = dataclasses.replace(example_unit(), index=index, units=zone.units)
    assert "在2个社区中排第2名（与乙社区的指数保留一位小数后相同，名次按未取整的值排列）" in tables.headline(jia)
    # 61.0 against 57.4: no such note
    assert "保留一位小数后相同" not in tables.order_text(example_zone(), "zh")
    assert "保留一位小数后相同" not in tables.headline(example_unit())
