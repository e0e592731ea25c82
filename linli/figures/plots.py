"""Figures for the reports and notebooks, with Chinese (or English) text.

Every function takes its data first and options as keywords, draws on ``ax`` when one is
given (else on a new A4-friendly figure, 7 × 3.5 in at 150 dpi), returns ``(fig, ax)``
and never calls ``plt.show()``. Chinese fonts are set through :func:`linli.figures.fonts.use_cjk_font`;
colours come from :mod:`linli.figures.palette`, one per community brand everywhere.

Common options
--------------
``lang``         ``"zh"`` (default) or ``"en"``: language of titles, axes and legends
``labels``       indicator id -> display name (default: the id; satisfaction items and
                 dimensions have built-in names)
``communities``  the ``communities`` table: brand colours and community names
                 (``name_zh`` / ``name_en``); without it units are grey and named by id
``names``        unit id -> display name, overriding the above (e.g. the zone's name)
``title``        ``None`` for the default title, ``""`` for none
``ax``           a matplotlib Axes to draw on

Inputs
------
The long indicator table (``linli.indicators.compute``) has the columns ``unit_id,
unit_type, year, indicator, value, ci_low, ci_high`` (``reason`` optional). The index
frame is the output of ``linli.uncertainty.uncertainty``: ``unit_id, year, index, index_low,
index_high, rank_low, rank_high`` (``unit_type``, ``rank_median`` optional).
Dimension scores come long (``unit_id, dimension, score``) or wide (one
column per dimension), with ``year`` and ``unit_type`` optional in both.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from .. import labels as vocab
from ..errors import ContractError
from ..indicators import catalogue
from ..indicators.satisfaction import ITEMS
from . import palette
from ._style import (
    FIGSIZE,
    LINESTYLES,
    LONG_COLUMNS,
    OKABE_ITO,
    check_lang,
    community_ids,
    fmt,
    legend_outside,
    new_figure,
    require_columns,
    select_year,
    set_title,
    tidy,
    unit_styles,
    word,
    zone_of,
)
from .about import describe

__all__ = [
    "plot_dimension_scores",
    "plot_index_distribution",
    "plot_index_uncertainty",
    "plot_indicator_comparison",
    "plot_monthly_trend",
    "plot_satisfaction",
    "plot_wushe_change",
]

#: Height (points) of the five-society chart's heading over its changes: a 2 pt gap and an 8 pt line.
_CHANGE_HEADING_PT = 12.0
_INDEX_COLUMNS = ("unit_id", "index", "index_low", "index_high", "rank_low", "rank_high")


# ------------------------------------------------------------------------- helpers


def _indicator_label(indicator: str, labels: Mapping[str, str] | None, lang: str) -> str:
    if labels and indicator in labels:
        return str(labels[indicator])
    item = ITEMS.get(indicator)
    return indicator if item is None else vocab.survey_item_label(item, lang=lang)


def _dimensions() -> tuple[str, ...]:
    """The scored dimensions, in the catalogue's (the reports') order."""
    return tuple(d.id for d in catalogue.load().dimensions if d.scored)


def _compared(names: Sequence[str], lang: str) -> str:
    """``甲与乙对比`` (``A compared with B``) for two names, the name alone for one."""
    return word("alt.compared", lang=lang, a=names[0], b=names[1]) if len(names) > 1 else names[0]


def _long_slice(long: pd.DataFrame, unit_id: str, year: int) -> pd.DataFrame:
    require_columns(long, LONG_COLUMNS, what="indicator table")
    units = pd.unique(long["unit_id"])
    if unit_id not in set(units):
        known = ", ".join(sorted(map(str, units)))
        msg = f"Unknown unit {unit_id!r}; known: {known}."
        raise ContractError(msg)
    rows = long[(long["unit_id"] == unit_id) & (long["year"] == year)]
    if rows.empty:
        years = ", ".join(map(str, sorted(pd.unique(long.loc[long["unit_id"] == unit_id, "year"]))))
        msg = f"No indicators for {unit_id!r} in {year}; years present: {years}."
        raise ContractError(msg)
    return rows.drop_duplicates("indicator", keep="last").set_index("indicator")


# ---------------------------------------------------------------------- the plots


def plot_wushe_change(
    long: pd.DataFrame,
    *,
    unit_id: str,
    baseline_year: int,
    year: int,
    indicators: Sequence[str] | None = None,
    labels: Mapping[str, str] | None = None,
    communities: pd.DataFrame | None = None,
    names: Mapping[str, str] | None = None,
    lang: str = "zh",
    title: str | None = None,
    ax: Axes | None = None,
) -> tuple[Figure, Axes]:
    """Draw the five-society linkage of one unit, baseline year against ``year``.

    One row per indicator with two bars, the baseline (grey) and ``year`` (the unit's
    brand colour), each labelled with its value; the change is written at the right
    (``+x %``, or the new value when the baseline was 0). The indicators have different
    units, so each row is scaled to its own larger value: compare within a row.

    Parameters
    ----------
    long
        The long indicator table.
    unit_id
        The community (or zone) to draw.
    baseline_year, year
        The two years compared.
    indicators
        Indicator ids, top to bottom (default: the linkage's lead indicators in the catalogue).
    labels, communities, names, lang, title, ax
        See the module docstring.

    Returns
    -------
    tuple[Figure, Axes]

    Examples
    --------
    >>> long = pd.DataFrame({"unit_id": "xiangbei", "unit_type": "community",
    ...     "year": [2021, 2024], "indicator": "volunteers", "value": [120.0, 310.0],
    ...     "ci_low": np.nan, "ci_high": np.nan})
    >>> fig, ax = plot_wushe_change(long, unit_id="xiangbei", baseline_year=2021, year=2024,
    ...                             indicators=["volunteers"])
    >>> import matplotlib.pyplot as plt
    >>> plt.close(fig)
    """
    check_lang(lang)
    if indicators is None:
        indicators = catalogue.load().dimension("wushe").lead_indicators
    base = _long_slice(long, unit_id, baseline_year)["value"]
    now = _long_slice(long, unit_id, year)["value"]
    fig, ax = new_figure(ax)
    color = unit_styles([unit_id], communities)[unit_id][0]
    name = vocab.unit_names(communities, lang=lang, names=names).get(unit_id, unit_id)

    n = len(indicators)
    height = 0.36
    y = np.arange(n)
    for i, ind in enumerate(indicators):
        b = float(base.get(ind, np.nan))
        v = float(now.get(ind, np.nan))
        top = np.nanmax([b, v, 0.0])
        scale = top if top > 0 else 1.0
        for value, offset, fill in ((b, -height / 2, palette.BASELINE_COLOR),
                                    (v, height / 2, color)):
            if np.isfinite(value):
                ax.barh(y[i] + offset, value / scale, height=height, color=fill,
                        edgecolor="none")
                ax.text(value / scale + 0.015, y[i] + offset, fmt(value, lang=lang), va="center",
                        ha="left", fontsize=8)
            else:
                ax.text(0.015, y[i] + offset, word("no_data", lang=lang), va="center", ha="left",
                        fontsize=8, color="#777777")
        if np.isfinite(b) and np.isfinite(v):
            if b > 0:
                change = f"{(v - b) / b * 100:+.0f}%"
            else:
                change = word("fig.new", lang=lang) if v > 0 else "±0"
            ax.text(1.32, y[i], change, va="center", ha="right", fontsize=9,
                    color=color if v >= b else palette.ALERT_COLOR, fontweight="bold")
    ax.set_yticks(y, [_indicator_label(i, labels, lang) for i in indicators])
    ax.invert_yaxis()
    ax.set_xlim(0, 1.34)
    ax.set_xticks([])
    for side in ("top", "right", "bottom"):
        ax.spines[side].set_visible(False)
    ax.tick_params(labelsize=8, length=0)
    handles = [Patch(color=palette.BASELINE_COLOR, label=word("baseline_year", lang=lang,
                                                              year=baseline_year)),
               Patch(color=color, label=word("year_col", lang=lang, year=year))]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.0, -0.02), ncol=2,
              frameon=False, fontsize=8)
    # the changes' heading sits just above the axes, the title above it (a long title ran into it)
    ax.annotate(word("fig.change", lang=lang), xy=(1.32, 1.0), xycoords=ax.get_xaxis_transform(),
                xytext=(0, 2), textcoords="offset points", ha="right", va="bottom", fontsize=8,
                color="#555555")
    # the footnote goes under the legend's row, never beside it (a long legend ran into it)
    ax.annotate(word("fig.row_scaled", lang=lang), xy=(1.0, 0.0), xycoords="axes fraction",
                xytext=(0, -30), textcoords="offset points", ha="right", va="top",
                fontsize=7, color="#777777")
    set_title(ax, title, word("fig.wushe_title", lang=lang, name=name, baseline=baseline_year, year=year),
              pad=_CHANGE_HEADING_PT + 4)
    describe(fig, name="wushe-change", alt=word("alt.wushe", lang=lang, title="{title}", n=n))
    return fig, ax


def _scores_long(scores: pd.DataFrame) -> pd.DataFrame:
    """Return dimension scores as long ``unit_id, [year,] [unit_type,] dimension, score``."""
    require_columns(scores, ("unit_id",), what="dimension-score table")
    if "dimension" in scores.columns:
        require_columns(scores, ("score",), what="dimension-score table")
        return scores
    dims = [d for d in _dimensions() if d in scores.columns]
    if not dims:
        msg = ("The dimension-score table needs a 'dimension' and a 'score' column, or one "
               f"column per dimension ({', '.join(_dimensions())}); it has: "
               f"{', '.join(map(str, scores.columns))}.")
        raise ContractError(msg)
    keys = [c for c in ("unit_id", "unit_type", "year") if c in scores.columns]
    return scores.melt(id_vars=keys, value_vars=dims, var_name="dimension", value_name="score")


def plot_dimension_scores(
    scores: pd.DataFrame,
    *,
    unit_id: str,
    compare_to: str | None = "zone",
    year: int | None = None,
    communities: pd.DataFrame | None = None,
    names: Mapping[str, str] | None = None,
    lang: str = "zh",
    title: str | None = None,
    ax: Axes | None = None,
) -> tuple[Figure, Axes]:
    """Draw a unit's dimension scores (0–100) as horizontal bars against another unit's.

    Parameters
    ----------
    scores
        Dimension scores, long (``unit_id, dimension, score``) or wide (a column per
        dimension); ``year`` and ``unit_type`` columns are optional.
    unit_id
        The unit drawn, in its brand colour.
    compare_to
        ``"zone"`` (default) compares with the zone row (``unit_type == "zone"``); a unit
        id compares with that unit; ``None`` draws the unit alone.
    year
        The year drawn; default the latest in ``scores``.
    communities, names, lang, title, ax
        See the module docstring.

    Returns
    -------
    tuple[Figure, Axes]

    Examples
    --------
    >>> scores = pd.DataFrame({"unit_id": ["xiangbei", "renmin"],
    ...     "unit_type": ["community", "zone"], "wushe": [62.0, 55.0], "lin_he": [80.0, 61.0]})
    >>> fig, ax = plot_dimension_scores(scores, unit_id="xiangbei")
    >>> import matplotlib.pyplot as plt
    >>> plt.close(fig)
    """
    check_lang(lang)
    frame = select_year(_scores_long(scores), year, "dimension-score")
    units = set(map(str, frame["unit_id"]))
    if unit_id not in units:
        msg = f"Unknown unit {unit_id!r}; known: {', '.join(sorted(units))}."
        raise ContractError(msg)
    other: str | None = None
    if compare_to == "zone" and "zone" not in units:
        other = zone_of(frame, unit_id, communities)
        if other is None:
            msg = ("No zone row to compare with (no unit_type 'zone' in the scores); pass "
                   "compare_to=<unit id> or compare_to=None.")
            raise ContractError(msg)
    elif compare_to is not None:
        if compare_to not in units:
            msg = f"Unknown unit to compare with {compare_to!r}; known: {', '.join(sorted(units))}."
            raise ContractError(msg)
        other = compare_to
    dims = [d for d in _dimensions() if d in set(frame["dimension"])]
    dims += sorted(set(map(str, frame["dimension"])) - set(dims))
    table = frame.pivot_table(index="dimension", columns="unit_id", values="score",
                              aggfunc="last", dropna=False).reindex(dims)

    fig, ax = new_figure(ax)
    unit_names = vocab.unit_names(communities, lang=lang, names=names)
    is_zone = "unit_type" in frame.columns and set(
        frame.loc[frame["unit_id"] == other, "unit_type"]) == {"zone"}
    series: list[tuple[str, str]] = [(unit_id, unit_styles([unit_id], communities)[unit_id][0])]
    if other is not None:
        other_color = (palette.ZONE_COLOR if is_zone or other not in
                       palette.community_brands(communities)
                       else unit_styles([other], communities)[other][0])
        if other_color == series[0][1]:
            other_color = palette.ZONE_COLOR
        series.append((other, other_color))
    n = len(series)
    height = 0.8 / n
    y = np.arange(len(dims))
    for k, (uid, color) in enumerate(series):
        values = table[uid].to_numpy(dtype=float) if uid in table else np.full(len(dims), np.nan)
        offset = (k - (n - 1) / 2) * height
        default_name = word("zone", lang=lang) if uid == other and is_zone else uid
        ax.barh(y + offset, np.nan_to_num(values), height=height * 0.92, color=color,
                label=unit_names.get(uid, default_name))
        for yi, v in zip(y + offset, values, strict=True):
            text = fmt(v, lang=lang) if np.isfinite(v) else word("no_data", lang=lang)
            ax.text((v if np.isfinite(v) else 0) + 1, yi, text, va="center", ha="left",
                    fontsize=7.5, color="#333333" if np.isfinite(v) else "#777777")
    ax.set_yticks(y, [vocab.dimension_label(d, lang=lang) for d in dims])
    brands = palette.community_brands(communities)
    own = brands.get(unit_id)
    for tick, d in zip(ax.get_yticklabels(), dims, strict=True):
        if d == own:
            tick.set_fontweight("bold")
    ax.invert_yaxis()
    ax.set_xlim(0, 108)
    ax.set_xticks(range(0, 101, 20))
    ax.set_xlabel(word("fig.dimension_axis", lang=lang), fontsize=8)
    tidy(ax)
    legend_outside(ax)
    name = unit_names.get(unit_id, unit_id)
    set_title(ax, title, word("fig.dimension_title", lang=lang, name=name))
    describe(fig, name="dimension-scores",
             alt=word("alt.dimensions", lang=lang, title="{title}", n=len(dims),
                      units=_compared([unit_names.get(u, u) for u, _ in series], lang)))
    return fig, ax


def plot_index_uncertainty(
    index_frame: pd.DataFrame,
    *,
    year: int | None = None,
    highlight: str | None = None,
    show_zone: bool = False,
    scope: str | None = None,
    break_after: int | None = None,
    communities: pd.DataFrame | None = None,
    names: Mapping[str, str] | None = None,
    lang: str = "zh",
    title: str | None = None,
    ax: Axes | None = None,
) -> tuple[Figure, Axes]:
    """Draw the Linli Index of each community: the headline index, its band and rank interval.

    Communities are sorted by index, best at the top. The dot is the headline index;
    the band is the 5th–95th percentile of the index when only the weights vary
    (``index_low``–``index_high``); the rank interval (``rank_low``–``rank_high``, when
    normalisation, aggregation and weights vary) is written at the right.
    With ``show_zone`` the zone is drawn below its communities, in grey, with its
    band and "not ranked" instead of a rank.

    Parameters
    ----------
    index_frame
        The output of :func:`linli.uncertainty.uncertainty`: ``unit_id, index, index_low,
        index_high, rank_low, rank_high`` (``year``, ``unit_type`` optional). Units
        without an index are left out; zone rows unless ``show_zone``.
    year
        The year drawn; default the latest.
    highlight
        A community drawn in bold with a shaded row (the report's own unit).
    show_zone
        Draw the zone (rows with ``unit_type`` zone) beside its communities, unranked.
    scope
        Which communities ``index_frame`` holds, when not all of the zone's (e.g. "the
        20 ranked nearest, of 2,000"): a second line of the title, and in the alt text.
    break_after
        A dotted line after this many communities (best first): those between are not
        drawn (a zone's best and worst ranked).
    communities, names, lang, title, ax
        See the module docstring.

    Returns
    -------
    tuple[Figure, Axes]

    Examples
    --------
    >>> idx = pd.DataFrame({"unit_id": ["a", "b"], "index": [61.0, 55.0],
    ...     "index_low": [52.0, 47.0], "index_high": [68.0, 60.0], "rank_median": [1, 2],
    ...     "rank_low": [1, 1], "rank_high": [2, 2]})
    >>> fig, ax = plot_index_uncertainty(idx, highlight="a")
    >>> import matplotlib.pyplot as plt
    >>> plt.close(fig)
    """
    check_lang(lang)
    require_columns(index_frame, _INDEX_COLUMNS, what="index table")
    frame = select_year(index_frame, year, "index")
    ids = community_ids(frame, communities)
    zone_rows = (frame[frame["unit_type"] == "zone"] if show_zone and "unit_type" in frame.columns
                 else frame.iloc[0:0])
    frame = frame[frame["unit_id"].astype(str).isin(ids)].drop_duplicates("unit_id", keep="last")
    if highlight is not None and highlight not in ids:
        msg = f"Unknown unit to highlight {highlight!r}; known: {', '.join(ids)}."
        raise ContractError(msg)
    frame = frame[frame["index"].notna()]  # units without an index are not ranked
    frame = frame.sort_values(["index", "unit_id"], ascending=[False, True])
    zone_rows = zone_rows[zone_rows["index"].notna()].sort_values("unit_id")
    n_com, n = len(frame), len(frame) + len(zone_rows)
    fig, ax = new_figure(ax, (FIGSIZE[0], max(FIGSIZE[1], 0.42 * n + 1.4)))
    styles = unit_styles([str(u) for u in frame["unit_id"]], communities)
    unit_names = vocab.unit_names(communities, lang=lang, names=names)
    y = np.arange(n)
    rows = list(frame.itertuples(index=False)) + list(zone_rows.itertuples(index=False))
    for k, (yi, row) in enumerate(zip(y, rows, strict=True)):
        uid = str(row.unit_id)
        is_zone = k >= n_com
        color = palette.ZONE_ROW_COLOR if is_zone else styles[uid][0]
        if uid == highlight:
            ax.axhspan(yi - 0.45, yi + 0.45, color=color, alpha=0.10, linewidth=0)
        ax.plot([row.index_low, row.index_high], [yi, yi], color=color, alpha=0.45,
                linewidth=7, solid_capstyle="butt")
        ax.plot([row.index], [yi], marker="D" if is_zone else "o", markersize=7, color=color,
                markeredgecolor="white", markeredgewidth=1.0, linestyle="none")
        ax.annotate(fmt(float(row.index), lang=lang), (row.index, yi), xytext=(0, 6),
                    textcoords="offset points", ha="center", va="bottom", fontsize=7.5)
        if is_zone:
            rank = word("fig.not_ranked", lang=lang)
        elif pd.isna(row.rank_low) or pd.isna(row.rank_high):
            continue
        else:
            lo, hi = int(round(float(row.rank_low))), int(round(float(row.rank_high)))
            span = f"{lo}" if lo == hi else f"{lo}–{hi}"
            rank = word("rank_span", lang=lang, span=span)
        ax.annotate(rank, xy=(1.0, yi), xycoords=("axes fraction", "data"), xytext=(6, 0),
                    textcoords="offset points", ha="left", va="center", fontsize=8,
                    color=palette.ZONE_ROW_COLOR if is_zone else "black",
                    fontweight="bold" if uid == highlight else "normal")
    if len(zone_rows) and n_com:
        ax.axhline(n_com - 0.5, color="#BBBBBB", linewidth=0.8, linestyle="--")
    if break_after is not None and 0 < break_after < n_com:
        ax.axhline(break_after - 0.5, color="#777777", linewidth=1.0, linestyle=":")
    labels = [unit_names.get(str(u), str(u)) for u in frame["unit_id"]]
    labels += [word("zone_mark", lang=lang, name=unit_names.get(str(u), str(u))) for u in zone_rows["unit_id"]]
    ax.set_yticks(y, labels)
    for tick, row in zip(ax.get_yticklabels(), rows, strict=True):
        if str(row.unit_id) == highlight:
            tick.set_fontweight("bold")
    ax.set_ylim(n - 0.5, -0.7)
    shown = pd.concat([frame, zone_rows]) if len(zone_rows) else frame
    lows, highs = shown["index_low"].to_numpy(float), shown["index_high"].to_numpy(float)
    points = shown["index"].to_numpy(float)
    if n and np.isfinite(lows).any():
        left = max(0.0, math.floor((min(np.nanmin(lows), np.nanmin(points)) - 3) / 10) * 10)
        right = min(100.0, math.ceil((max(np.nanmax(highs), np.nanmax(points)) + 3) / 10) * 10)
        ax.set_xlim(left, max(right, left + 10))
    ax.set_xlabel(word("fig.index_axis", lang=lang), fontsize=8)
    tidy(ax)
    set_title(ax, title, word("fig.index_title", lang=lang), scope=scope)
    describe(fig, name="index-uncertainty", alt=word("alt.index", lang=lang, title="{title}", n=n))
    return fig, ax


def plot_index_distribution(
    index_frame: pd.DataFrame,
    *,
    year: int | None = None,
    bins: int = 20,
    communities: pd.DataFrame | None = None,
    names: Mapping[str, str] | None = None,
    lang: str = "zh",
    title: str | None = None,
    ax: Axes | None = None,
) -> tuple[Figure, Axes]:
    """Draw how the Linli Index spreads over a zone's communities: a histogram.

    For a zone too large to draw every community's band (:func:`plot_index_uncertainty`):
    ``bins`` equal bins between the lowest and highest index, a solid line at the median
    community and, when the frame has the zone's row (``unit_type`` zone), a dashed line
    at the zone as a whole.

    Parameters
    ----------
    index_frame
        As for :func:`plot_index_uncertainty` (``unit_id`` and ``index`` are needed).
    year
        The year drawn; default the latest.
    bins
        Number of bins.
    communities, names, lang, title, ax
        See the module docstring.

    Returns
    -------
    tuple[Figure, Axes]

    Examples
    --------
    >>> idx = pd.DataFrame({"unit_id": ["a", "b", "c", "z"], "index": [61.0, 55.0, 48.0, 54.0],
    ...     "unit_type": ["community", "community", "community", "zone"]})
    >>> fig, ax = plot_index_distribution(idx, bins=4)
    >>> [int(p.get_height()) for p in ax.patches]  # edges 48, 51.25, 54.5, 57.75, 61: 48 1st, 55 3rd, 61 4th
    [1, 0, 1, 1]
    >>> import matplotlib.pyplot as plt
    >>> plt.close(fig)
    """
    check_lang(lang)
    require_columns(index_frame, ("unit_id", "index"), what="index table")
    frame = select_year(index_frame, year, "index")
    ids = community_ids(frame, communities)
    values = pd.to_numeric(frame.loc[frame["unit_id"].astype(str).isin(ids), "index"], errors="coerce").dropna()
    fig, ax = new_figure(ax)
    ax.hist(values.to_numpy(float), bins=bins, color=palette.ZONE_COLOR, alpha=0.55, edgecolor="white")
    handles: list[object] = []
    if len(values):
        median = float(values.median())
        ax.axvline(median, color="#222222", linewidth=1.4)
        handles.append(Line2D([], [], color="#222222", linewidth=1.4,
                              label=word("fig.median_line", lang=lang, value=fmt(median, lang=lang))))
    zone = zone_of(frame, None, communities) if "unit_type" in frame.columns else None
    if zone is not None:
        zv = pd.to_numeric(frame.loc[frame["unit_id"].astype(str) == zone, "index"], errors="coerce").dropna()
        if len(zv):
            unit_names = vocab.unit_names(communities, lang=lang, names=names)
            ax.axvline(float(zv.iloc[-1]), color=palette.ZONE_COLOR, linestyle="--", linewidth=1.4)
            handles.append(Line2D([], [], color=palette.ZONE_COLOR, linestyle="--",
                                  label=f"{unit_names.get(zone, word('zone', lang=lang))} {fmt(float(zv.iloc[-1]), lang=lang)}"))
    ax.set_xlabel(word("fig.index_axis_short", lang=lang), fontsize=8)
    ax.set_ylabel(word("fig.communities_axis", lang=lang), fontsize=8)
    tidy(ax, grid_axis="y")
    if handles:
        legend_outside(ax, handles=handles)
    n = len(values)
    set_title(ax, title, word("fig.index_distribution_title", lang=lang, n=vocab.whole(n, lang=lang)))
    describe(fig, name="index-distribution", alt=word("alt.index_distribution", lang=lang, title="{title}",
                                                      n=vocab.whole(n, lang=lang)))
    return fig, ax


def plot_monthly_trend(
    events: pd.DataFrame,
    *,
    date_column: str,
    value: str | None = None,
    by: str | None = "community_id",
    start: str | pd.Timestamp | None = None,
    end: str | pd.Timestamp | None = None,
    ylabel: str | None = None,
    communities: pd.DataFrame | None = None,
    names: Mapping[str, str] | None = None,
    lang: str = "zh",
    title: str | None = None,
    ax: Axes | None = None,
) -> tuple[Figure, Axes]:
    """Draw monthly counts (or sums of ``value``) over time, one line per group.

    Months without a record count as 0 between the first and last month (or ``start``
    and ``end``). Rows without a date are left out with a warning.

    Parameters
    ----------
    events
        An event ledger, e.g. ``mediation_cases`` or ``volunteer_activities``.
    date_column
        The date that places a row in a month (``received_on``, ``date`` …).
    value
        A numeric column to sum per month (e.g. ``hours``); ``None`` counts rows.
    by
        The column whose groups get a line each (default ``community_id``, in brand
        colours); ``None`` draws one total line.
    start, end
        Months to draw from and to (inclusive); default the data's range.
    ylabel
        The y-axis label; default "records per month" or "<value> per month".
    communities, names, lang, title, ax
        See the module docstring.

    Returns
    -------
    tuple[Figure, Axes]

    Examples
    --------
    >>> cases = pd.DataFrame({"community_id": ["a", "a", "b"],
    ...     "received_on": pd.to_datetime(["2024-01-05", "2024-03-01", "2024-02-10"])})
    >>> fig, ax = plot_monthly_trend(cases, date_column="received_on")
    >>> import matplotlib.pyplot as plt
    >>> plt.close(fig)
    """
    check_lang(lang)
    needed = [date_column] + ([value] if value else []) + ([by] if by else [])
    require_columns(events, needed, what="event table")
    dates = events[date_column]
    if not pd.api.types.is_datetime64_any_dtype(dates):
        try:
            dates = pd.to_datetime(dates, format="ISO8601")
        except (ValueError, TypeError) as exc:
            msg = f"Column {date_column!r} is not a date column: {exc}"
            raise ContractError(msg) from None
    keep = dates.notna()
    if not keep.all():
        warnings.warn(f"{vocab.counted(int((~keep).sum()), 'row', 'rows')} without {date_column} left out of the "
                      "monthly trend.", stacklevel=2)
    frame = pd.DataFrame({"month": dates[keep].dt.to_period("M")})
    frame["group"] = events.loc[keep, by].astype(str).to_numpy() if by else "total"
    frame["v"] = events.loc[keep, value].astype(float).to_numpy() if value else 1.0

    first = pd.Period(start, "M") if start is not None else (
        frame["month"].min() if len(frame) else None)
    last = pd.Period(end, "M") if end is not None else (
        frame["month"].max() if len(frame) else None)
    fig, ax = new_figure(ax)
    if first is None or last is None:
        ax.text(0.5, 0.5, word("no_data", lang=lang), transform=ax.transAxes, ha="center", va="center")
        set_title(ax, title, word("fig.monthly_title", lang=lang))
        describe(fig, name="monthly-trend", alt=word("alt.monthly_empty", lang=lang, title="{title}"))
        return fig, ax
    months = pd.period_range(first, last, freq="M")
    table = (frame.groupby(["month", "group"])["v"].sum().unstack("group")
             .reindex(months).fillna(0.0))

    if by is None:
        groups = ["total"]
        styles = {"total": (palette.ZONE_COLOR, "-")}
        unit_names = {"total": word("total_row", lang=lang)}
    else:
        is_community = by == "community_id"
        if is_community:
            groups = community_ids(pd.DataFrame({"unit_id": table.columns}), communities)
            styles = unit_styles(groups, communities)
        else:
            groups = sorted(map(str, table.columns))
            styles = {g: (OKABE_ITO[i % len(OKABE_ITO)],
                          LINESTYLES[(i // len(OKABE_ITO)) % len(LINESTYLES)])
                      for i, g in enumerate(groups)}
        unit_names = vocab.unit_names(communities, lang=lang, names=names)
    x = months.to_timestamp()
    for g in groups:
        color, style = styles[g]
        ax.plot(x, table[g].to_numpy() if g in table else np.zeros(len(x)), color=color,
                linestyle=style, linewidth=1.6, marker="o", markersize=2.5,
                label=unit_names.get(g, g))
    locator = mdates.AutoDateLocator(minticks=4, maxticks=10)
    formatter = mdates.ConciseDateFormatter(locator)
    if lang in vocab.DATE_FORMATS:
        formats, zero_formats, offset_formats = vocab.DATE_FORMATS[lang]
        formatter.formats, formatter.zero_formats = list(formats), list(zero_formats)
        formatter.offset_formats = list(offset_formats)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(formatter)
    ax.set_ylim(bottom=0)
    if ylabel is None:
        ylabel = (word("fig.records_per_month", lang=lang) if value is None
                  else word("fig.value_per_month", lang=lang, value=value))
    ax.set_ylabel(ylabel, fontsize=8)
    tidy(ax, grid_axis="y")
    if len(groups) > 1:
        legend_outside(ax, ncol=1 if len(groups) <= 12 else 2)
    set_title(ax, title, word("fig.monthly_title", lang=lang))
    what = word("alt.records", lang=lang) if value is None else ylabel
    describe(fig, name="monthly-trend", alt=word("alt.monthly", lang=lang, title="{title}", what=what,
                                                 first=str(first), last=str(last), n=len(groups)))
    return fig, ax


def plot_satisfaction(
    long: pd.DataFrame,
    *,
    unit_id: str,
    year: int,
    compare_to: str | None = None,
    indicators: Sequence[str] = tuple(ITEMS),
    labels: Mapping[str, str] | None = None,
    communities: pd.DataFrame | None = None,
    names: Mapping[str, str] | None = None,
    lang: str = "zh",
    title: str | None = None,
    ax: Axes | None = None,
) -> tuple[Figure, Axes]:
    """Draw the satisfaction items (% satisfied) with their 95 % Wilson intervals.

    Parameters
    ----------
    long
        The long indicator table; ``ci_low``/``ci_high`` hold the Wilson interval.
    unit_id, year
        The unit and year drawn.
    compare_to
        ``"zone"`` or a unit id to mark with a diamond on each row; ``None`` (default)
        draws the unit alone.
    indicators
        Satisfaction indicator ids, top to bottom (default all seven, overall first).
    labels, communities, names, lang, title, ax
        See the module docstring.

    Returns
    -------
    tuple[Figure, Axes]

    Examples
    --------
    >>> long = pd.DataFrame({"unit_id": "a", "unit_type": "community", "year": 2024,
    ...     "indicator": ["overall_satisfied_pct"], "value": [82.0], "ci_low": [76.1],
    ...     "ci_high": [86.7]})
    >>> fig, ax = plot_satisfaction(long, unit_id="a", year=2024)
    >>> import matplotlib.pyplot as plt
    >>> plt.close(fig)
    """
    check_lang(lang)
    rows = _long_slice(long, unit_id, year).reindex(list(indicators))
    other_rows: pd.DataFrame | None = None
    other: str | None = None
    if compare_to is not None:
        other = zone_of(long, unit_id, communities) if compare_to == "zone" else compare_to
        if other is None:
            msg = "No zone rows (unit_type 'zone') in the table to compare with."
            raise ContractError(msg)
        other_rows = _long_slice(long, other, year).reindex(list(indicators))
    fig, ax = new_figure(ax, (FIGSIZE[0], max(FIGSIZE[1], 0.36 * len(indicators) + 1.3)))
    color = unit_styles([unit_id], communities)[unit_id][0]
    unit_names = vocab.unit_names(communities, lang=lang, names=names)
    y = np.arange(len(indicators))
    values = rows["value"].to_numpy(float)
    lo = rows["ci_low"].to_numpy(float) if "ci_low" in rows else np.full_like(values, np.nan)
    hi = rows["ci_high"].to_numpy(float) if "ci_high" in rows else np.full_like(values, np.nan)
    bars = ax.barh(y, np.nan_to_num(values), height=0.62, color=color,
                   label=unit_names.get(unit_id, unit_id))
    handles: list[object] = [bars]
    has_ci = np.isfinite(values) & np.isfinite(lo) & np.isfinite(hi)
    if has_ci.any():
        whiskers = ax.errorbar(values[has_ci], y[has_ci],
                    xerr=np.vstack([values[has_ci] - lo[has_ci], hi[has_ci] - values[has_ci]]),
                    fmt="none", ecolor="#222222", elinewidth=1.0, capsize=3,
                    label=word("fig.wilson95", lang=lang))
        handles.append(whiskers)
    for yi, v in zip(y, values, strict=True):
        if np.isfinite(v):  # a column right of 100 %, clear of the bars, whiskers and markers
            ax.text(101.5, yi, f"{v:.1f}%", va="center", ha="left", fontsize=8)
        else:
            ax.text(1.5, yi, word("no_data", lang=lang), va="center", ha="left", fontsize=8, color="#777777")
    if other_rows is not None and other is not None:
        ov = other_rows["value"].to_numpy(float)
        ok = np.isfinite(ov)
        is_zone = other != unit_id and other == zone_of(long, unit_id, communities)
        default_name = word("zone", lang=lang) if is_zone else other
        (marks,) = ax.plot(ov[ok], y[ok], linestyle="none", marker="D", markersize=5,
                           markerfacecolor="white", markeredgecolor=palette.ZONE_COLOR,
                           markeredgewidth=1.4, label=unit_names.get(other, default_name))
        handles.append(marks)
    ax.set_yticks(y, [_indicator_label(i, labels, lang) for i in indicators])
    for tick, ind in zip(ax.get_yticklabels(), indicators, strict=True):
        if ind == "overall_satisfied_pct":
            tick.set_fontweight("bold")
    ax.invert_yaxis()
    ax.set_xlim(0, 113)
    ax.set_xticks(range(0, 101, 20))
    ax.spines["bottom"].set_bounds(0, 100)
    ax.set_xlabel(word("fig.satisfied_axis", lang=lang), fontsize=8)
    tidy(ax)
    legend_outside(ax, handles=handles)
    name = unit_names.get(unit_id, unit_id)
    set_title(ax, title, word("fig.satisfaction_title", lang=lang, name=name, year=year))
    shown = [name] + ([unit_names.get(other, other)] if other is not None else [])
    describe(fig, name="satisfaction", alt=word("alt.satisfaction", lang=lang, title="{title}", n=len(indicators),
                                                units=_compared(shown, lang)))
    return fig, ax


def plot_indicator_comparison(
    long: pd.DataFrame,
    *,
    indicator: str,
    year: int,
    target: float | None = None,
    target_label: str | None = None,
    target_text: str | None = None,
    unit: str | None = None,
    highlight: str | None = None,
    scope: str | None = None,
    labels: Mapping[str, str] | None = None,
    communities: pd.DataFrame | None = None,
    names: Mapping[str, str] | None = None,
    lang: str = "zh",
    title: str | None = None,
    ax: Axes | None = None,
) -> tuple[Figure, Axes]:
    """Draw one indicator for every community side by side, with the zone as a line.

    Bars in brand colours with their intervals where the table has them, the pooled zone
    value as a dashed line, and an optional target or benchmark as a dotted line.

    Parameters
    ----------
    long
        The long indicator table.
    indicator, year
        The indicator id and year drawn.
    target
        A target or benchmark value drawn as a line (e.g. 96 for mediation success).
    target_label
        Its legend text; default "target"; name the source here.
    target_text
        The target as the report's tables write it, after ``target_label`` in the legend
        (``"> 30.0 m² per 100 households"``); default the value alone, as the bars write theirs.
    unit
        The indicator's unit for the y-axis label (e.g. ``"%"``, ``"m²"``).
    highlight
        A community whose bar gets a black outline.
    scope
        Which communities ``long`` holds, when not all of the zone's: a second line of
        the title, and in the alt text. More than 10 bars get upright labels.
    labels, communities, names, lang, title, ax
        See the module docstring.

    Returns
    -------
    tuple[Figure, Axes]

    Examples
    --------
    >>> long = pd.DataFrame({"unit_id": ["a", "b", "z"],
    ...     "unit_type": ["community", "community", "zone"], "year": 2024,
    ...     "indicator": "mediation_success_pct", "value": [91.0, 97.5, 94.0],
    ...     "ci_low": np.nan, "ci_high": np.nan})
    >>> fig, ax = plot_indicator_comparison(long, indicator="mediation_success_pct",
    ...                                     year=2024, target=96, unit="%")
    >>> import matplotlib.pyplot as plt
    >>> plt.close(fig)
    """
    check_lang(lang)
    require_columns(long, LONG_COLUMNS, what="indicator table")
    rows = long[(long["indicator"] == indicator) & (long["year"] == year)]
    if rows.empty:
        known = sorted(map(str, pd.unique(long["indicator"])))
        if indicator not in known:
            msg = f"Unknown indicator {indicator!r}; known: {', '.join(known)}."
        else:
            years = sorted(pd.unique(long.loc[long["indicator"] == indicator, "year"]))
            msg = f"No {indicator!r} rows for {year}; years present: {', '.join(map(str, years))}."
        raise ContractError(msg)
    rows = rows.drop_duplicates("unit_id", keep="last")
    ids = community_ids(rows, communities)
    zone = zone_of(rows, highlight, communities)
    by_unit = rows.set_index(rows["unit_id"].astype(str))
    fig, ax = new_figure(ax)
    styles = unit_styles(ids, communities)
    unit_names = vocab.unit_names(communities, lang=lang, names=names)
    x = np.arange(len(ids))
    values = by_unit["value"].reindex(ids).to_numpy(float)
    lo = (by_unit["ci_low"].reindex(ids).to_numpy(float) if "ci_low" in by_unit
          else np.full_like(values, np.nan))
    hi = (by_unit["ci_high"].reindex(ids).to_numpy(float) if "ci_high" in by_unit
          else np.full_like(values, np.nan))
    ax.bar(x, np.nan_to_num(values), width=0.62, color=[styles[u][0] for u in ids],
           edgecolor=["black" if u == highlight else "none" for u in ids], linewidth=1.2)
    has_ci = np.isfinite(values) & np.isfinite(lo) & np.isfinite(hi)
    handles: list[object] = []
    if has_ci.any():
        ax.errorbar(x[has_ci], values[has_ci],
                    yerr=np.vstack([values[has_ci] - lo[has_ci], hi[has_ci] - values[has_ci]]),
                    fmt="none", ecolor="#222222", elinewidth=1.0, capsize=3)
        handles.append(Line2D([], [], color="#222222", marker="|", markersize=8, linewidth=1.0,
                              label=word("fig.interval95", lang=lang)))
    tops = np.where(np.isfinite(hi), hi, values)
    suffix = "%" if unit == "%" else ""
    ceiling = [np.nanmax(tops) if np.isfinite(tops).any() else 0.0]
    if zone is not None and zone in by_unit.index:
        zv = float(by_unit.loc[zone, "value"])
        if np.isfinite(zv):
            ax.axhline(zv, color=palette.ZONE_COLOR, linestyle="--", linewidth=1.2)
            zone_name = unit_names.get(zone, word("zone", lang=lang))
            handles.append(Line2D([], [], color=palette.ZONE_COLOR, linestyle="--",
                                  label=f"{zone_name} {fmt(zv, lang=lang, percent=bool(suffix))}{suffix}"))
            ceiling.append(zv)
    if target is not None:
        ax.axhline(target, color=palette.TARGET_COLOR, linestyle=":", linewidth=1.8)
        text = target_label if target_label is not None else word("fig.target", lang=lang)
        if target_text is None:
            target_text = f"{fmt(float(target), lang=lang, percent=bool(suffix))}{suffix}"
        handles.append(Line2D([], [], color=palette.TARGET_COLOR, linestyle=":", linewidth=1.8,
                              label=f"{text} {target_text}"))
        ceiling.append(float(target))
    crowded = len(ids) > 10  # names and values upright, or they run into each other
    ax.set_xticks(x, [unit_names.get(u, u) for u in ids], rotation=90 if crowded else 0)
    if highlight is not None:
        for tick, u in zip(ax.get_xticklabels(), ids, strict=True):
            if u == highlight:
                tick.set_fontweight("bold")
    top = max(ceiling) if ceiling else 1.0
    ymax = (top if top > 0 else 1.0) * 1.12
    ax.set_ylim(0, ymax)
    # Values go inside the bars (in the middle, clear of the reference lines near the
    # tops) when a bar is tall enough, else just above its whisker.
    for xi, v, t in zip(x, values, tops, strict=True):
        if not np.isfinite(v):
            ax.annotate(word("no_data", lang=lang), (xi, 0), xytext=(0, 3), textcoords="offset points",
                        ha="center", va="bottom", fontsize=8, color="#777777")
        elif v >= (0.3 if crowded else 0.18) * ymax:
            ax.text(xi, v / 2, f"{fmt(v, lang=lang, percent=bool(suffix))}{suffix}", ha="center", va="center", fontsize=7 if crowded else 8.5,
                    color=palette.text_color_on(styles[ids[int(xi)]][0]), fontweight="bold",
                    rotation=90 if crowded else 0)
        else:
            ax.annotate(f"{fmt(v, lang=lang, percent=bool(suffix))}{suffix}", (xi, t), xytext=(0, 3), textcoords="offset points",
                        ha="center", va="bottom", fontsize=7 if crowded else 8, rotation=90 if crowded else 0)
    label = _indicator_label(indicator, labels, lang)
    ax.set_ylabel(vocab.with_unit(label, unit, lang=lang), fontsize=8)
    tidy(ax, grid_axis="y")
    if handles:
        legend_outside(ax, handles=handles)
    set_title(ax, title, word("fig.comparison_title", lang=lang, label=label, year=year), scope=scope)
    extra = word("alt.with_ci", lang=lang) if has_ci.any() else ""
    describe(fig, name=f"comparison-{indicator}",
             alt=word("alt.comparison", lang=lang, title="{title}", n=len(ids), label=label, extra=extra))
    return fig, ax


