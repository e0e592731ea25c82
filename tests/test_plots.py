"""Tests of linli.figures: fonts, palette and the report figures (plots).

Fixtures are built by hand here; every expected number is worked out in a comment.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from fontTools.ttLib import TTFont
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from linli.contract import BRANDS, FACILITY_CATEGORIES
from linli.errors import ContractError, LinliError
from linli.figures import fonts, palette, plots
from linli.indicators.satisfaction import ITEMS
from linli.labels import indicator_name

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
HE = palette.BRAND_COLORS["lin_he"].lower()  # 湘北 邻和


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


# ------------------------------------------------------------------------ fixtures


def communities() -> pd.DataFrame:
    return pd.DataFrame({
        "community_id": ["renminlu", "xiangbei", "xiangyang", "zhengyang"],
        "name_zh": ["人民路社区", "湘北社区", "向阳社区", "蒸阳社区"],
        "name_en": ["Renminlu", "Xiangbei", "Xiangyang", "Zhengyang"],
        "brand": ["lin_zhi", "lin_he", "lin_zhu", "lin_le"],
        "zone_id": ["renmin"] * 4,
    })


def long_table() -> pd.DataFrame:
    """Long indicators for four communities and the zone, 2021 and 2024."""
    rows = []
    wushe_2021 = {"social_orgs": 12, "volunteers": 180, "charity_resources": 0,
                  "social_workers_per_10k": 3.2, "volunteer_teams": 4}
    wushe_2024 = {"social_orgs": 30, "volunteers": 420, "charity_resources": 15,
                  "social_workers_per_10k": 5.6, "volunteer_teams": 9}
    units = [("renminlu", "community"), ("xiangbei", "community"), ("xiangyang", "community"),
             ("zhengyang", "community"), ("renmin", "zone")]
    for uid, utype in units:
        for ind, v in wushe_2021.items():
            rows.append((uid, utype, 2021, ind, float(v), np.nan, np.nan))
        for ind, v in wushe_2024.items():
            rows.append((uid, utype, 2024, ind, float(v), np.nan, np.nan))
        for k, ind in enumerate(ITEMS):
            v = 70.0 + k  # overall 70, environment 71, … culture 76
            rows.append((uid, utype, 2024, ind, v, v - 7.5, v + 6.0))
    success = {"renminlu": 90.0, "xiangbei": 97.5, "xiangyang": 88.0, "zhengyang": 93.0,
               "renmin": 92.0}
    for uid, utype in units:
        rows.append((uid, utype, 2024, "mediation_success_pct", success[uid], np.nan, np.nan))
    return pd.DataFrame(rows, columns=["unit_id", "unit_type", "year", "indicator", "value",
                                       "ci_low", "ci_high"])


def scores_wide() -> pd.DataFrame:
    return pd.DataFrame({
        "unit_id": ["renminlu", "xiangbei", "xiangyang", "zhengyang", "renmin"],
        "unit_type": ["community"] * 4 + ["zone"],
        "year": 2024,
        "wushe": [62.0, 70.0, 55.0, 58.0, 61.0],
        "lin_zhi": [80.0, 60.0, 52.0, 49.0, 60.0],
        "lin_he": [55.0, 88.0, 50.0, 61.0, 63.0],
        "lin_zhu": [50.0, 52.0, 79.0, 58.0, 60.0],
        "lin_le": [47.0, 55.0, 60.0, 83.0, 61.0],
        "satisfaction": [78.0, 81.0, 74.0, 80.0, 78.0],
    })


def index_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "unit_id": ["renminlu", "xiangbei", "xiangyang", "zhengyang", "renmin"],
        "unit_type": ["community"] * 4 + ["zone"],
        "year": 2024,
        "index": [61.2, 66.8, 58.1, 60.4, 61.0],
        "index_low": [55.0, 60.1, 51.0, 53.3, 58.0],
        "index_high": [66.0, 72.4, 63.0, 65.2, 64.0],
        "rank_median": [2, 1, 4, 3, np.nan],
        "rank_low": [1, 1, 2, 1, np.nan],
        "rank_high": [4, 2, 4, 4, np.nan],
    })


def cases() -> pd.DataFrame:
    """Mediation cases: xiangbei 2 in Jan 2024 and 1 in Mar; renminlu 1 in Feb."""
    return pd.DataFrame({
        "case_id": ["m1", "m2", "m3", "m4"],
        "community_id": ["xiangbei", "xiangbei", "xiangbei", "renminlu"],
        "received_on": pd.to_datetime(["2024-01-03", "2024-01-28", "2024-03-15", "2024-02-02"]),
        "hours": [1.5, 2.0, 4.0, 3.0],
    })


def _all_calls() -> dict[str, Callable[..., tuple[Figure, Axes]]]:
    c = communities()
    return {
        "wushe": lambda **kw: plots.plot_wushe_change(
            long_table(), unit_id="xiangbei", baseline_year=2021, year=2024, communities=c, **kw),
        "dimensions": lambda **kw: plots.plot_dimension_scores(
            scores_wide(), unit_id="xiangbei", communities=c, **kw),
        "index": lambda **kw: plots.plot_index_uncertainty(
            index_frame(), highlight="xiangbei", communities=c, **kw),
        "monthly": lambda **kw: plots.plot_monthly_trend(
            cases(), date_column="received_on", communities=c, **kw),
        "satisfaction": lambda **kw: plots.plot_satisfaction(
            long_table(), unit_id="xiangbei", year=2024, compare_to="zone", communities=c, **kw),
        "comparison": lambda **kw: plots.plot_indicator_comparison(
            long_table(), indicator="mediation_success_pct", year=2024, target=96, unit="%",
            communities=c, **kw),
    }


ALL = list(_all_calls())


def _texts(fig: Figure) -> list[str]:
    fig.canvas.draw()
    return [t.get_text() for t in fig.findobj(Text) if t.get_text() and t.get_visible()]


# --------------------------------------------------------------------------- fonts


def test_use_cjk_font_sets_rcparams() -> None:
    family = fonts.use_cjk_font()
    assert family in fonts.PREFERRED_FAMILIES
    assert matplotlib.rcParams["font.sans-serif"][0] == family
    assert list(matplotlib.rcParams["font.family"]) == ["sans-serif"]
    assert matplotlib.rcParams["axes.unicode_minus"] is False


def test_use_cjk_font_survives_rcdefaults() -> None:
    family = fonts.use_cjk_font()
    plt.rcdefaults()
    try:
        assert fonts.use_cjk_font() == family
        assert matplotlib.rcParams["font.sans-serif"][0] == family
    finally:
        plt.rcdefaults()


def test_cjk_font_file_has_the_glyphs() -> None:
    path, index = fonts.cjk_font_file()
    font = TTFont(str(path), fontNumber=index, lazy=True)
    cmap = font.getBestCmap()
    for char in "邻治和助乐湘北人民路向阳蒸五社联动满意度示意图非测绘成果米户":
        assert ord(char) in cmap, char
    font.close()


def test_packaged_font_is_found_without_import() -> None:
    # mplfonts ships NotoSansCJKsc-Regular.otf inside its wheel (a pinned dependency)
    files = fonts.packaged_font_files()
    assert files, "mplfonts is not installed"
    assert files[0].name == "NotoSansCJKsc-Regular.otf"


def test_finds_a_system_font_missing_from_matplotlib_cache(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # a font installed after matplotlib built its cache (e.g. apt's fonts-noto-cjk)
    system = [f for f in fonts.font_manager.findSystemFonts()
              if fonts._SYSTEM_FILE_PATTERN.search(Path(f).name)]
    if not system:
        pytest.skip("no system CJK font installed (scripts/install-system-deps.sh)")
    monkeypatch.setattr(fonts, "packaged_font_files", list)
    manager = fonts.font_manager.fontManager
    kept = [e for e in manager.ttflist if e.name not in fonts.PREFERRED_FAMILIES]
    monkeypatch.setattr(manager, "ttflist", kept)
    assert fonts.find_cjk_font() in fonts.PREFERRED_FAMILIES


def test_no_cjk_font_raises_with_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fonts, "_chosen", None)
    monkeypatch.setattr(fonts, "PREFERRED_FAMILIES", ("No Such CJK Font",))
    monkeypatch.setattr(fonts, "packaged_font_files", list)
    monkeypatch.setattr(fonts.font_manager, "findSystemFonts", lambda **kw: [])
    with pytest.raises(LinliError, match="pip install mplfonts"):
        fonts.use_cjk_font()


# ------------------------------------------------------------------------- palette


def test_palette_covers_every_code() -> None:
    assert set(palette.BRAND_COLORS) == set(BRANDS)
    assert set(palette.FACILITY_STYLES) == set(FACILITY_CATEGORIES)
    colours = [*palette.BRAND_COLORS.values(), palette.ZONE_COLOR]
    assert len(set(colours)) == len(colours)
    markers = [m for m, _ in palette.FACILITY_STYLES.values()]
    assert len(set(markers)) == len(markers)


def test_brand_color_of_unknown_brand_names_the_known_ones() -> None:
    with pytest.raises(ContractError, match="lin_zhi"):
        palette.brand_color("lin_xx")
    assert palette.brand_color(pd.NA) == palette.NO_BRAND_COLOR
    assert palette.brand_color("") == palette.NO_BRAND_COLOR


# ----------------------------------------------------------- every plot function


@pytest.mark.parametrize("name", ALL)
def test_returns_fig_ax_and_uses_given_ax(name: str) -> None:
    call = _all_calls()[name]
    fig, ax = call()
    assert isinstance(fig, Figure) and isinstance(ax, Axes)
    assert ax.get_figure(root=True) is fig
    fig2, given = plt.subplots()
    fig3, ax3 = call(ax=given)
    assert ax3 is given and fig3 is fig2


@pytest.mark.parametrize("name", ALL)
def test_chinese_renders_to_png_without_warnings(name: str, tmp_path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a "Glyph … missing" UserWarning fails here
        fig, _ = _all_calls()[name](lang="zh")
        out = tmp_path / f"{name}.png"
        fig.savefig(out)
        fig.savefig(tmp_path / f"{name}.pdf")
    assert out.stat().st_size > 5_000
    assert any(CJK.search(t) for t in _texts(fig))


@pytest.mark.parametrize("name", ALL)
def test_english_labels(name: str) -> None:
    fig, _ = _all_calls()[name](lang="en")
    texts = _texts(fig)
    assert texts
    cjk = [t for t in texts if CJK.search(t)]
    assert not cjk, cjk


def test_unknown_language() -> None:
    # one check_lang for every module (linli.labels): "valid", as the reports have always said
    with pytest.raises(ContractError, match="Unknown language .fr.; valid: zh, en"):
        plots.plot_satisfaction(long_table(), unit_id="xiangbei", year=2024, lang="fr")


# ------------------------------------------------------------- consistent colours


def test_brand_colour_is_the_same_in_every_plot() -> None:
    c = communities()
    # wushe: the 2024 bars are the unit's colour
    _, ax = plots.plot_wushe_change(long_table(), unit_id="xiangbei", baseline_year=2021,
                                    year=2024, communities=c)
    bar_colours = {to_hex(p.get_facecolor()) for p in ax.patches if isinstance(p, Rectangle)}
    assert HE in bar_colours
    # comparison: the xiangbei bar (second in communities order)
    _, ax = plots.plot_indicator_comparison(long_table(), indicator="mediation_success_pct",
                                            year=2024, communities=c)
    assert to_hex(ax.patches[1].get_facecolor()) == HE
    # monthly trend: the xiangbei line
    _, ax = plots.plot_monthly_trend(cases(), date_column="received_on", communities=c)
    line = next(ln for ln in ax.get_lines() if ln.get_label() == "湘北社区")
    assert to_hex(line.get_color()) == HE
    # satisfaction and dimension bars
    _, ax = plots.plot_satisfaction(long_table(), unit_id="xiangbei", year=2024, communities=c)
    assert to_hex(ax.patches[0].get_facecolor()) == HE
    _, ax = plots.plot_dimension_scores(scores_wide(), unit_id="xiangbei", communities=c)
    assert to_hex(ax.patches[0].get_facecolor()) == HE
    # index: the headline dot of xiangbei
    _, ax = plots.plot_index_uncertainty(index_frame(), communities=c)
    dots = [ln for ln in ax.get_lines() if ln.get_marker() == "o"]
    assert to_hex(dots[0].get_color()) == HE  # xiangbei has the highest median (66.8)


# ---------------------------------------------------------------- what is drawn


def test_wushe_change_labels_and_changes() -> None:
    _, ax = plots.plot_wushe_change(long_table(), unit_id="xiangbei", baseline_year=2021,
                                    year=2024, communities=communities())
    texts = [t.get_text() for t in ax.texts]
    # social_orgs 12 -> 30: (30 - 12) / 12 = +150 %; volunteers 180 -> 420: +133 %
    # charity_resources 0 -> 15: baseline 0, so "新增" (new)
    assert "+150%" in texts and "+133%" in texts and "新增" in texts
    assert "12" in texts and "30" in texts and "3.2" in texts and "5.6" in texts
    assert "湘北社区" in ax.get_title(loc="left")


def test_dimension_scores_long_and_wide_agree() -> None:
    wide = scores_wide()
    long = wide.melt(id_vars=["unit_id", "unit_type", "year"], var_name="dimension",
                     value_name="score")
    _, ax1 = plots.plot_dimension_scores(wide, unit_id="xiangbei")
    _, ax2 = plots.plot_dimension_scores(long, unit_id="xiangbei")
    w1 = [p.get_width() for p in ax1.patches]
    w2 = [p.get_width() for p in ax2.patches]
    # xiangbei's six scores, then the zone's (renmin) six
    assert w1 == w2 == [70, 60, 88, 52, 55, 81, 61, 60, 63, 60, 61, 78]


def test_dimension_scores_unknown_unit_lists_known() -> None:
    with pytest.raises(ContractError, match="known: renmin, renminlu"):
        plots.plot_dimension_scores(scores_wide(), unit_id="nowhere")


def test_index_uncertainty_sorted_with_rank_intervals() -> None:
    _, ax = plots.plot_index_uncertainty(index_frame(), highlight="xiangbei",
                                         communities=communities())
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    # headline index 66.8 > 61.2 > 60.4 > 58.1; the zone row is left out
    assert ticks == ["湘北社区", "人民路社区", "蒸阳社区", "向阳社区"]
    texts = [t.get_text() for t in ax.texts]
    assert "第1–2名" in texts and "第2–4名" in texts
    bands = [ln for ln in ax.get_lines() if ln.get_linewidth() == 7]
    assert list(bands[0].get_xdata()) == [60.1, 72.4]


def test_index_uncertainty_shows_the_zone_unranked() -> None:
    frame = index_frame()  # the columns linli.uncertainty.uncertainty writes
    frame.loc[2, ["index", "index_low", "index_high"]] = np.nan  # xiangyang: no index
    _, ax = plots.plot_index_uncertainty(frame, communities=communities(), show_zone=True,
                                         names={"renmin": "人民街道"})
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    # communities by index (66.8 > 61.2 > 60.4; xiangyang left out), then the zone below them
    assert ticks == ["湘北社区", "人民路社区", "蒸阳社区", "人民街道（实验区）"]
    texts = [t.get_text() for t in ax.texts]
    assert "不参与排名" in texts and "第1–2名" in texts
    zone_dot = [ln for ln in ax.get_lines() if ln.get_marker() == "D"]
    assert len(zone_dot) == 1 and zone_dot[0].get_xdata()[0] == 61.0
    # without show_zone the zone is left out, as before
    _, ax = plots.plot_index_uncertainty(frame, communities=communities())
    assert [t.get_text() for t in ax.get_yticklabels()] == ["湘北社区", "人民路社区", "蒸阳社区"]


def test_monthly_trend_counts_and_sums() -> None:
    _, ax = plots.plot_monthly_trend(cases(), date_column="received_on", names={"xiangbei": "X"})
    line = next(ln for ln in ax.get_lines() if ln.get_label() == "X")
    # xiangbei: Jan 2 cases, Feb none (0), Mar 1
    assert list(line.get_ydata()) == [2.0, 0.0, 1.0]
    _, ax = plots.plot_monthly_trend(cases(), date_column="received_on", value="hours", by=None)
    (total,) = ax.get_lines()
    # Jan 1.5 + 2.0 = 3.5; Feb 3.0 (renminlu); Mar 4.0
    assert list(total.get_ydata()) == [3.5, 3.0, 4.0]


def test_monthly_trend_warns_on_missing_dates() -> None:
    frame = cases()
    frame.loc[0, "received_on"] = pd.NaT
    with pytest.warns(UserWarning, match="1 row"):
        plots.plot_monthly_trend(frame, date_column="received_on")


def test_satisfaction_intervals() -> None:
    _, ax = plots.plot_satisfaction(long_table(), unit_id="xiangbei", year=2024)
    widths = [p.get_width() for p in ax.patches]
    assert widths == [70.0, 71.0, 72.0, 73.0, 74.0, 75.0, 76.0]
    (whiskers,) = [c for c in ax.collections if isinstance(c, LineCollection)]
    first = whiskers.get_segments()[0]
    # overall: 70 with interval 70 - 7.5 = 62.5 to 70 + 6 = 76
    assert sorted(first[:, 0]) == [62.5, 76.0]
    assert "70.0%" in [t.get_text() for t in ax.texts]


def test_indicator_comparison_zone_and_target_lines() -> None:
    _, ax = plots.plot_indicator_comparison(long_table(), indicator="mediation_success_pct",
                                            year=2024, target=96, unit="%",
                                            communities=communities())
    heights = [p.get_height() for p in ax.patches]
    assert heights == [90.0, 97.5, 88.0, 93.0]
    flat = sorted({ln.get_ydata()[0] for ln in ax.get_lines()})
    assert flat == [92.0, 96.0]  # the zone's pooled value and the target
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    # one decimal, as the tables write a percentage ("≥ 96.0%"): the legend wrote "96%" beside bars of "97.5%"
    assert "实验区 92.0%" in legend and "目标 96.0%" in legend


def test_indicator_comparison_unknown_indicator() -> None:
    with pytest.raises(ContractError, match="Unknown indicator 'nope'"):
        plots.plot_indicator_comparison(long_table(), indicator="nope", year=2024)


def test_missing_column_is_named() -> None:
    with pytest.raises(ContractError, match="lacks the column"):
        plots.plot_satisfaction(long_table().drop(columns="value"), unit_id="xiangbei",
                                year=2024)


def _zone_wushe(*, lang: str, **kw: object) -> tuple[Figure, Axes]:
    """The zone's five-society chart as its report draws it: the indicators' names, the zone's name."""
    ids = ["social_orgs", "volunteers", "charity_resources", "social_workers_per_10k", "volunteer_teams"]
    return plots.plot_wushe_change(
        long_table(), unit_id="renmin", baseline_year=2021, year=2024, indicators=ids,
        labels={i: indicator_name(i, lang=lang) for i in ids}, communities=communities(),
        names={"renmin": "人民街道" if lang == "zh" else "Renmin Street"}, lang=lang, **kw)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", [*ALL, "wushe_zone"])
def test_the_title_overlaps_no_other_text(name: str, lang: str) -> None:
    # The English zone's five-society chart ran its title "Five-society linkage, Renmin Street:
    # 2021 → 2024" into the "change" over the column of changes: the long row label "Social workers per
    # 10,000 permanent residents" narrows the axes the title starts at
    call = _zone_wushe if name == "wushe_zone" else _all_calls()[name]
    fonts.use_language(lang)  # as the report notebook does: an English figure is set in a Latin face
    try:
        fig, ax = call(lang=lang)
        fig.canvas.draw()
    finally:
        fonts.use_language("zh")
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    title_text = ax.get_title(loc="left")
    titles = [t for t in fig.findobj(Text) if t.get_text() == title_text and t.get_visible()]
    assert title_text and titles
    box = titles[0].get_window_extent(renderer)
    hits = [t.get_text() for t in fig.findobj(Text)
            if t is not titles[0] and t.get_visible() and t.get_text().strip()
            and t.get_window_extent(renderer).overlaps(box)]
    assert not hits, (title_text, hits)


@pytest.mark.parametrize(("lang", "expected"), [("zh", {"4275", "6339"}), ("en", {"4,275", "6,339"})])
def test_figure_numbers_are_written_as_the_tables_write_them(lang: str, expected: set[str]) -> None:
    # The Chinese report's tables write 4275 (no thousands separator) and its five-society chart wrote 4,275
    long = pd.DataFrame({"unit_id": "renmin", "unit_type": "zone", "year": [2022, 2024], "indicator": "volunteers",
                         "value": [4275.0, 6339.0], "ci_low": np.nan, "ci_high": np.nan})
    fig, _ = plots.plot_wushe_change(long, unit_id="renmin", baseline_year=2022, year=2024,
                                     indicators=["volunteers"], lang=lang)
    assert expected <= set(_texts(fig))

