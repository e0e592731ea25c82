"""Tests of linli.figures.maps.

The layers are laid out by hand in UTM zone 49N (EPSG:32649, metres) around Hengyang and
converted to WGS84, as the clean tables hold them; the map converts them back, so every
expected coordinate below is a round number of metres worked out from the layout.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import geopandas as gpd
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PathCollection
from matplotlib.colors import to_hex, to_rgb
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.text import Text
from shapely.geometry import Point, box

from linli.access import metric_crs
from linli.errors import ContractError
from linli.figures import maps, palette
from linli.figures.about import figure_info

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
X0, Y0 = 660_000.0, 2_976_000.0  # UTM 49N, about 112.6°E 26.9°N
W, H = 900.0, 750.0  # each community is a 900 m × 750 m rectangle
CELLS = {"renminlu": (0, 1), "xiangbei": (1, 1), "xiangyang": (0, 0), "zhengyang": (1, 0)}


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def communities() -> pd.DataFrame:
    return pd.DataFrame({
        "community_id": list(CELLS),
        "name_zh": ["人民路社区", "湘北社区", "向阳社区", "蒸阳社区"],
        "name_en": ["Renminlu", "Xiangbei", "Xiangyang", "Zhengyang"],
        "brand": ["lin_zhi", "lin_he", "lin_zhu", "lin_le"],
        "zone_id": "renmin",
    })


def layers() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Boundaries, compounds and facilities in WGS84, laid out in metres."""
    bnd = gpd.GeoDataFrame(
        {"community_id": list(CELLS)},
        geometry=[box(X0 + i * W, Y0 + j * H, X0 + (i + 1) * W, Y0 + (j + 1) * H)
                  for i, j in CELLS.values()],
        crs=32649,
    )
    # xiangbei spans x 660900–661800, y 2976750–2977500
    cmp_ = gpd.GeoDataFrame(
        {"compound_id": ["xb1", "xb2", "xb3", "rm1"],
         "community_id": ["xiangbei", "xiangbei", "xiangbei", "renminlu"],
         "name_zh": ["湘北一村", "湘北二村", "湘北三村", "人民一村"],
         "households": [400, 200, 100, 300]},
        geometry=[Point(X0 + 1100, Y0 + 1000),
                  Point(X0 + 1200, Y0 + 1100),  # 1.2 km east of X0: uncovered below
                  box(X0 + 1600, Y0 + 1300, X0 + 1700, Y0 + 1400),  # a polygon compound
                  Point(X0 + 400, Y0 + 1100)],
        crs=32649,
    )
    fac = gpd.GeoDataFrame(
        {"facility_id": ["f1", "f2", "f3", "f4"],
         "community_id": ["xiangbei", "xiangbei", "renminlu", "xiangbei"],
         "name_zh": ["湘北综合服务中心", "湘北健身点", "人民路文体室", "新日照站"],
         "category": ["service_center", "fitness", "culture_room", "day_care"],
         "opened_on": pd.to_datetime(["2019-05-01", "2020-01-01", "2018-01-01", "2025-03-01"])},
        geometry=[Point(X0 + 1300, Y0 + 900), Point(X0 + 1500, Y0 + 1200),
                  Point(X0 + 500, Y0 + 1000), Point(X0 + 1700, Y0 + 800)],
        crs=32649,
    )
    return bnd.to_crs(4326), cmp_.to_crs(4326), fac.to_crs(4326)


def _community_map(**kw: object) -> tuple[Figure, plt.Axes]:
    bnd, cmp_, fac = layers()
    kw.setdefault("communities", communities())
    return maps.map_community(bnd, cmp_, fac, community_id="xiangbei", **kw)  # type: ignore[arg-type]


def _texts(fig: Figure) -> list[str]:
    fig.canvas.draw()
    return [t.get_text() for t in fig.findobj(Text) if t.get_text() and t.get_visible()]


def _scale_bar(ax: plt.Axes) -> tuple[float, str]:
    (bar,) = [p for p in ax.patches if isinstance(p, Rectangle) and p.get_gid() == "scale_bar"]
    (label,) = [t for t in ax.texts if t.get_gid() == "scale_bar_label"]
    return bar.get_width(), label.get_text()


def _label_metres(text: str) -> float:
    number, unit = text.split()
    return float(number) * (1000 if unit == "km" else 1)


# ---------------------------------------------------------------------------- CRS


def test_utm_crs() -> None:
    bnd, _, _ = layers()  # the maps draw in access.metric_crs: the UTM zone, or a metric CRS kept
    assert metric_crs(bnd).to_epsg() == 32649  # floor((112.6 + 180) / 6) + 1 = 49, north
    sydney = gpd.GeoDataFrame(geometry=[Point(151.2, -33.9)], crs=4326)
    assert metric_crs(sydney).to_epsg() == 32756  # floor(331.2 / 6) + 1 = 56, south


@pytest.mark.parametrize(("span", "expected"), [
    (229.68, 200.0), (430.0, 250.0), (999.0, 500.0), (1000.0, 1000.0), (2600.0, 2500.0),
    (7.3, 5.0),
])
def test_nice_length(span: float, expected: float) -> None:
    assert maps.nice_length(span) == expected


# ---------------------------------------------------------------------- the maps


def test_map_community_returns_fig_ax_and_uses_given_ax() -> None:
    fig, ax = _community_map()
    assert isinstance(fig, Figure) and ax.get_figure(root=True) is fig
    fig2, given = plt.subplots()
    fig3, ax3 = _community_map(ax=given)
    assert ax3 is given and fig3 is fig2


def test_map_zone_returns_fig_ax_and_uses_given_ax() -> None:
    bnd, cmp_, fac = layers()
    fig, ax = maps.map_zone(bnd, communities=communities(), compounds=cmp_, facilities=fac)
    assert ax.get_figure(root=True) is fig
    fig2, given = plt.subplots()
    fig3, ax3 = maps.map_zone(bnd, communities=communities(), ax=given)
    assert ax3 is given and fig3 is fig2


def test_map_is_drawn_in_metres() -> None:
    _, ax = _community_map()
    # xiangbei: x 660900–661800 (900 m), y 2976750–2977500 (750 m);
    # margin 0.08 × max(900, 750) = 72 m; x limits 660828 – 661872
    x0, x1 = ax.get_xlim()
    assert x0 == pytest.approx(660_828.0, abs=0.01)
    assert x1 == pytest.approx(661_872.0, abs=0.01)
    assert ax.get_aspect() == 1.0


def test_scale_bar_length_matches_its_label() -> None:
    _, ax = _community_map()
    length, label = _scale_bar(ax)
    # map width 900 + 2 × 72 = 1044 m; 0.22 × 1044 = 229.7 m -> the round length 200 m
    assert label == "200 m"
    assert length == pytest.approx(200.0)
    assert length == pytest.approx(_label_metres(label))


def test_zone_scale_bar_length_matches_its_label() -> None:
    bnd, _, _ = layers()
    _, ax = maps.map_zone(bnd, communities=communities())
    length, label = _scale_bar(ax)
    # zone 1800 m × 1500 m; margin 0.05 × 1800 = 90 m; width 1980 m; 0.22 × 1980 = 435.6
    # -> 250 m
    assert label == "250 m"
    assert length == pytest.approx(_label_metres(label))


def test_north_arrow_and_note() -> None:
    _, ax = _community_map()
    gids = {t.get_gid() for t in ax.texts} | {c.get_gid() for c in ax.get_children()}
    assert "north_arrow" in gids
    (note,) = [t for t in ax.texts if t.get_gid() == "map_note"]
    assert note.get_text() == "示意图，非测绘成果"
    _, ax = _community_map(note=False)
    assert not [t for t in ax.texts if t.get_gid() == "map_note"]


def test_circles_are_true_radii() -> None:
    _, ax = _community_map(year=2024)
    extents = []
    for coll in ax.collections:
        for path in coll.get_paths():
            v = path.vertices
            extents.append((round(float(v[:, 0].max() - v[:, 0].min()), 3),
                            round(float(v[:, 0].mean()), 0)))
    widths = {w for w, _ in extents}
    # a 500 m circle is 1000 m across, a 300 m circle 600 m
    assert 1000.0 in widths and 600.0 in widths
    # the 500 m circle is centred on the service centre (x = X0 + 1300 = 661300);
    # the day-care station opened in 2025 has no circle in 2024
    centres_500 = {c for w, c in extents if w == 1000.0}
    assert 661_300.0 in centres_500 or any(abs(c - 661_300.0) < 20 for c in centres_500)
    assert not any(abs(c - 661_700.0) < 20 for c in centres_500)


def test_uncovered_compounds_are_crossed_out() -> None:
    _, ax = _community_map(uncovered={"xb2"})
    crosses = [c for c in ax.collections if isinstance(c, PathCollection)
               and len(c.get_facecolors()) and to_hex(c.get_facecolors()[0]) ==
               palette.ALERT_COLOR.lower()]
    (cross,) = crosses
    # xb2 lies at (X0 + 1200, Y0 + 1100) = (661200, 2977100)
    np.testing.assert_allclose(cross.get_offsets(), [[661_200.0, 2_977_100.0]], atol=0.01)


def test_uncovered_as_boolean_series() -> None:
    flags = pd.Series([False, True, False, False], index=["xb1", "xb2", "xb3", "rm1"])
    _, ax = _community_map(uncovered=flags)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "未覆盖小区" in legend


def test_the_zone_map_crosses_out_its_uncovered_compounds_and_says_how_many() -> None:
    bnd, cmp_, fac = layers()
    fig, ax = maps.map_zone(bnd, communities=communities(), compounds=cmp_, facilities=fac, uncovered={"xb2"})
    crosses = [c for c in ax.collections if isinstance(c, PathCollection)
               and len(c.get_facecolors()) and to_hex(c.get_facecolors()[0]) == palette.ALERT_COLOR.lower()]
    (cross,) = crosses
    # xb2 lies at (X0 + 1200, Y0 + 1100) = (661200, 2977100), as on the community's map
    np.testing.assert_allclose(cross.get_offsets(), [[661_200.0, 2_977_100.0]], atol=0.01)
    assert "未覆盖小区" in [t.get_text() for t in ax.get_legend().get_texts()]
    assert "，1个小区不在500米生活圈内（叉号），" in figure_info(fig).alt
    _, plain = maps.map_zone(bnd, communities=communities(), compounds=cmp_, facilities=fac)
    assert "未覆盖小区" not in [t.get_text() for t in plain.get_legend().get_texts()]
    with pytest.raises(ContractError, match="Unknown compound id"):
        maps.map_zone(bnd, communities=communities(), compounds=cmp_, uncovered={"xx9"})


def test_polygon_compound_drawn_at_its_representative_point() -> None:
    _, ax = _community_map()
    sized = [c for c in ax.collections if isinstance(c, PathCollection)
             and len(c.get_offsets()) == 4]
    (compounds,) = sized
    offsets = compounds.get_offsets()
    # xb3 is the square 661600–661700 × 2977300–2977400: its representative point is inside
    x, y = offsets[2]
    assert 661_600 < x < 661_700 and 2_977_300 < y < 2_977_400
    sizes = compounds.get_sizes()
    # areas proportional to households: 400 : 200 : 100 : 300
    np.testing.assert_allclose(sizes / sizes[0], [1.0, 0.5, 0.25, 0.75])


def test_brand_colours_on_maps() -> None:
    _, ax = _community_map()
    handles = ax.get_legend().legend_handles
    boundary = next(h for h in handles if h.get_label() == "湘北社区边界")
    assert to_hex(boundary.get_edgecolor()) == palette.BRAND_COLORS["lin_he"].lower()
    bnd, _, _ = layers()
    _, ax = maps.map_zone(bnd, communities=communities())
    fills = {h.get_label(): to_hex(h.get_facecolor()) for h in ax.get_legend().legend_handles}
    assert fills["湘北社区 · 邻和"] == palette.BRAND_COLORS["lin_he"].lower()
    assert fills["人民路社区 · 邻治"] == palette.BRAND_COLORS["lin_zhi"].lower()


def test_chinese_map_saves_without_warnings(tmp_path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig, _ = _community_map(uncovered={"xb2"})
        fig.savefig(tmp_path / "community.png")
        bnd, cmp_, fac = layers()
        fig2, _ = maps.map_zone(bnd, communities=communities(), compounds=cmp_, facilities=fac)
        fig2.savefig(tmp_path / "zone.png")
    assert (tmp_path / "community.png").stat().st_size > 10_000
    assert any(CJK.search(t) for t in _texts(fig))


def test_english_map_labels() -> None:
    fig, _ = _community_map(uncovered={"xb2"}, lang="en")
    cjk = [t for t in _texts(fig) if CJK.search(t)]
    assert not cjk, cjk
    bnd, _, _ = layers()
    fig, _ = maps.map_zone(bnd, communities=communities(), lang="en")
    cjk = [t for t in _texts(fig) if CJK.search(t)]
    assert not cjk, cjk


def test_errors_name_the_bad_value() -> None:
    bnd, cmp_, fac = layers()
    with pytest.raises(ContractError, match="Unknown community 'nowhere'; known: renminlu"):
        maps.map_community(bnd, cmp_, fac, community_id="nowhere")
    with pytest.raises(ContractError, match="xx9"):
        maps.map_community(bnd, cmp_, fac, community_id="xiangbei", uncovered={"xx9"})
    with pytest.raises(ContractError, match="no CRS"):
        maps.map_community(bnd.set_crs(None, allow_override=True), cmp_, fac)


def _every_facility() -> gpd.GeoDataFrame:
    """One facility of every category, in a row 100 m apart inside xiangyang (x 660000–660900)."""
    cats = list(palette.FACILITY_STYLES)
    return gpd.GeoDataFrame(
        {"facility_id": [f"f{k}" for k in range(len(cats))], "community_id": "xiangyang", "category": cats},
        geometry=[Point(X0 + 50 + 70 * k, Y0 + 300) for k in range(len(cats))], crs=32649,
    ).to_crs(4326)


def test_no_facility_on_the_zone_map_looks_like_a_compound() -> None:
    # The zone map draws compounds as grey circles (#7F7F7F); the market was a grey octagon (#888888,
    # 9/255 = 0.035 from it on each channel) and "other" a dark grey circle: read as compounds
    bnd, cmp_, _ = layers()
    _, ax = maps.map_zone(bnd, communities=communities(), compounds=cmp_, facilities=_every_facility())
    handles = ax.get_legend().legend_handles
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    facilities = {label: h for label, h in zip(labels, handles, strict=True)
                  if isinstance(h, Line2D) and not label.startswith("小区")}
    assert len(facilities) == len(palette.FACILITY_STYLES)
    compound = np.array(to_rgb(palette.NO_BRAND_COLOR))
    alike = [label for label, h in facilities.items()
             if h.get_marker() in ("o", "8")  # round, as a compound's circle
             and np.abs(np.array(to_rgb(h.get_markerfacecolor())) - compound).max() < 0.25]
    assert not alike, alike


@pytest.mark.parametrize("kind", ["community", "zone"])
def test_compound_outlines_are_in_the_legend(kind: str) -> None:
    # xb3 is a polygon, drawn as its outline (with a circle inside): the legend's compound entries show
    # an outline too, so that the squares on the map are read as compounds
    bnd, cmp_, fac = layers()
    if kind == "community":
        _, ax = _community_map()
    else:
        _, ax = maps.map_zone(bnd, communities=communities(), compounds=cmp_, facilities=fac)
    legend = ax.get_legend()
    entries = {t.get_text(): h for t, h in zip(legend.get_texts(), legend.legend_handles, strict=True)}
    # households 400, 200, 100, 300: the largest round step ≤ 400 is 250, then 250/2 → 100 and 250/4 → 50
    shown = [label for label in entries if label.startswith("小区")]
    assert shown == ["小区 50 户", "小区 100 户", "小区 250 户"]
    outlines = [entries[label] for label in shown]
    assert all(isinstance(h, Rectangle) and h.get_facecolor()[3] == 0 for h in outlines), outlines  # unfilled
    # points alone: circles, no outline
    points = cmp_[cmp_.geometry.geom_type == "Point"]
    _, ax = maps.map_zone(bnd, communities=communities(), compounds=points)
    assert all(isinstance(h, Line2D) for h in ax.get_legend().legend_handles[len(CELLS):])
