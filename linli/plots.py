"""Figures for the reports and notebooks, with Chinese (or English) text.

Every function takes its data first and options as keywords, draws on ``ax`` when one is
given (else on a new A4-friendly figure, 7 × 3.5 in at 150 dpi), returns ``(fig, ax)``
and never calls ``plt.show()``. Chinese fonts are set through :func:`linli.fonts.use_cjk_font`;
colours come from :mod:`linli.palette`, one per community brand everywhere.

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
from collections.abc import Iterable, Mapping, Sequence

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from . import palette
from .contract import TABLES
from .errors import ContractError
from .fonts import use_cjk_font

#: Default figure size (inches) and resolution: half an A4 page's width of text, legible.
FIGSIZE: tuple[float, float] = (7.0, 3.5)
DPI: int = 150

#: The five-society linkage indicators drawn by :func:`plot_wushe_change`.
WUSHE_INDICATORS: tuple[str, ...] = (
    "social_orgs",
    "volunteers",
    "charity_resources",
    "social_workers_per_10k",
    "volunteer_teams",
)

#: Satisfaction indicators, in display order, with the survey item each one reads.
SATISFACTION_INDICATORS: dict[str, str] = {
    "overall_satisfied_pct": "q_overall",
    "environment_satisfied_pct": "q_environment",
    "safety_satisfied_pct": "q_safety",
    "services_satisfied_pct": "q_services",
    "participation_satisfied_pct": "q_participation",
    "harmony_satisfied_pct": "q_harmony",
    "culture_satisfied_pct": "q_culture",
}
_SATISFACTION_EN: dict[str, str] = {
    "q_overall": "Overall",
    "q_environment": "Environment",
    "q_safety": "Safety",
    "q_services": "Services",
    "q_participation": "Participation",
    "q_harmony": "Neighbourly harmony",
    "q_culture": "Cultural life",
}

#: Index dimensions in display order, with their names.
DIMENSIONS: dict[str, tuple[str, str]] = {
    "wushe": ("五社联动", "Five-society linkage"),
    "lin_zhi": ("邻治·参与", "Lin Zhi · participation"),
    "lin_he": ("邻和·调解", "Lin He · mediation"),
    "lin_zhu": ("邻助·助老助残", "Lin Zhu · aid"),
    "lin_le": ("邻乐·文化", "Lin Le · culture"),
    "satisfaction": ("满意度", "Satisfaction"),
}

_LANGS = ("zh", "en")
_LONG_COLUMNS = ("unit_id", "year", "indicator", "value")
_INDEX_COLUMNS = ("unit_id", "index", "index_low", "index_high", "rank_low", "rank_high")
_ZONE_COLOR = "#6B6B6B"
_OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
              "#000000")
_LINESTYLES = ("-", "--", ":", "-.")


# ------------------------------------------------------------------------- helpers


def _check_lang(lang: str) -> None:
    if lang not in _LANGS:
        msg = f"Unknown language {lang!r}; known: {', '.join(_LANGS)}."
        raise ContractError(msg)


def _t(zh: str, en: str, lang: str) -> str:
    return zh if lang == "zh" else en


def _figure(ax: Axes | None, figsize: tuple[float, float] = FIGSIZE) -> tuple[Figure, Axes]:
    """Set the CJK font and return ``(fig, ax)``, making a figure when ``ax`` is None."""
    use_cjk_font()
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize, dpi=DPI, layout="constrained")
        return fig, ax
    return ax.get_figure(root=True), ax  # type: ignore[return-value]


def _require(frame: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        msg = (f"The {what} lacks the column(s) {', '.join(missing)}; "
               f"it has: {', '.join(map(str, frame.columns))}.")
        raise ContractError(msg)


def _unit_names(communities: pd.DataFrame | None, names: Mapping[str, str] | None,
                lang: str) -> dict[str, str]:
    out: dict[str, str] = {}
    if communities is not None and "community_id" in communities:
        column = "name_zh" if lang == "zh" else "name_en"
        if column not in communities and "name_zh" in communities:
            column = "name_zh"
        if column in communities:
            for cid, name in zip(communities["community_id"], communities[column], strict=True):
                if not palette._missing(name):
                    out[str(cid)] = str(name)
    if names:
        out.update({str(k): str(v) for k, v in names.items()})
    return out


def _unit_styles(unit_ids: Sequence[str], communities: pd.DataFrame | None,
                 ) -> dict[str, tuple[str, str]]:
    """Return unit id -> (colour, line style); a colour used twice gets a new line style."""
    brands = palette.community_brands(communities)
    seen: dict[str, int] = {}
    out: dict[str, tuple[str, str]] = {}
    for uid in unit_ids:
        color = palette.brand_color(brands.get(uid))
        n = seen.get(color, 0)
        seen[color] = n + 1
        out[uid] = (color, _LINESTYLES[n % len(_LINESTYLES)])
    return out


def _indicator_label(indicator: str, labels: Mapping[str, str] | None, lang: str) -> str:
    if labels and indicator in labels:
        return str(labels[indicator])
    item = SATISFACTION_INDICATORS.get(indicator)
    if item is not None:
        if lang == "zh":
            return TABLES["survey_responses"].column(item).label_zh
        return _SATISFACTION_EN[item]
    return indicator


def _fmt(value: float) -> str:
    """Format a number for a label: whole numbers bare, others with one decimal.

    >>> _fmt(12.0), _fmt(3.5714), _fmt(1234.5)
    ('12', '3.6', '1,234')
    """
    if value is None or not np.isfinite(value):
        return "–"
    if abs(value) >= 1000 or float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.1f}"


def _no_data(lang: str) -> str:
    return _t("无数据", "no data", lang)


def _select_year(frame: pd.DataFrame, year: int | None, what: str) -> pd.DataFrame:
    if "year" not in frame.columns:
        return frame
    years = sorted(int(y) for y in pd.unique(frame["year"].dropna()))
    if year is None:
        if not years:
            return frame
        year = years[-1]
    out = frame[frame["year"] == year]
    if out.empty:
        msg = f"No {what} rows for year {year}; years present: {', '.join(map(str, years))}."
        raise ContractError(msg)
    return out


def _long_slice(long: pd.DataFrame, unit_id: str, year: int) -> pd.DataFrame:
    _require(long, _LONG_COLUMNS, "indicator table")
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


def _zone_of(frame: pd.DataFrame, unit_id: str | None, communities: pd.DataFrame | None,
             ) -> str | None:
    """Return the zone unit id of a frame with ``unit_type``; None when there is none."""
    if "unit_type" not in frame.columns:
        return None
    zones = sorted(map(str, pd.unique(frame.loc[frame["unit_type"] == "zone", "unit_id"])))
    if not zones:
        return None
    if len(zones) == 1:
        return zones[0]
    if unit_id is not None and communities is not None and "zone_id" in communities:
        match = communities.loc[communities["community_id"] == unit_id, "zone_id"]
        if len(match) and str(match.iloc[0]) in zones:
            return str(match.iloc[0])
    msg = (f"Several zones in the table ({', '.join(zones)}); pass the zone's id "
           "explicitly (compare_to=...).")
    raise ContractError(msg)


def _community_ids(frame: pd.DataFrame, communities: pd.DataFrame | None) -> list[str]:
    """Community unit ids of a frame, in the communities table's order when given."""
    if "unit_type" in frame.columns:
        ids = [str(u) for u in pd.unique(frame.loc[frame["unit_type"] == "community", "unit_id"])]
    else:
        ids = [str(u) for u in pd.unique(frame["unit_id"])]
        if communities is not None and "zone_id" in communities:
            zones = set(map(str, communities["zone_id"]))
            ids = [u for u in ids if u not in zones]
    if communities is not None and "community_id" in communities:
        order = {str(c): i for i, c in enumerate(communities["community_id"])}
        return sorted(ids, key=lambda u: (order.get(u, len(order)), u))
    return sorted(ids)


def _legend_outside(ax: Axes, handles: Sequence[object] | None = None, **kw: object) -> None:
    """Place the legend outside the axes, on the right, without a frame."""
    kwargs: dict[str, object] = {"loc": "upper left", "bbox_to_anchor": (1.01, 1.0),
                                 "frameon": False, "fontsize": 8, "borderaxespad": 0.0}
    kwargs.update(kw)
    if handles is None:
        ax.legend(**kwargs)  # type: ignore[arg-type]
    else:
        ax.legend(handles=handles, **kwargs)  # type: ignore[arg-type]


def _title(ax: Axes, title: str | None, default: str) -> None:
    text = default if title is None else title
    if text:
        ax.set_title(text, fontsize=11, loc="left")


def _tidy(ax: Axes, *, grid_axis: str = "x") -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.grid(axis=grid_axis, color="#E5E5E5", linewidth=0.6)  # type: ignore[arg-type]
    ax.set_axisbelow(True)
    ax.tick_params(labelsize=8)


# ---------------------------------------------------------------------- the plots


def plot_wushe_change(
    long: pd.DataFrame,
    *,
    unit_id: str,
    baseline_year: int,
    year: int,
    indicators: Sequence[str] = WUSHE_INDICATORS,
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
        Indicator ids, top to bottom (default ``WUSHE_INDICATORS``).
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
    >>> plt.close(fig)
    """
    _check_lang(lang)
    base = _long_slice(long, unit_id, baseline_year)["value"]
    now = _long_slice(long, unit_id, year)["value"]
    fig, ax = _figure(ax)
    color = _unit_styles([unit_id], communities)[unit_id][0]
    name = _unit_names(communities, names, lang).get(unit_id, unit_id)

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
                ax.text(value / scale + 0.015, y[i] + offset, _fmt(value), va="center",
                        ha="left", fontsize=8)
            else:
                ax.text(0.015, y[i] + offset, _no_data(lang), va="center", ha="left",
                        fontsize=8, color="#777777")
        if np.isfinite(b) and np.isfinite(v):
            if b > 0:
                change = f"{(v - b) / b * 100:+.0f}%"
            else:
                change = _t("新增", "new", lang) if v > 0 else "±0"
            ax.text(1.32, y[i], change, va="center", ha="right", fontsize=9,
                    color=color if v >= b else palette.ALERT_COLOR, fontweight="bold")
    ax.set_yticks(y, [_indicator_label(i, labels, lang) for i in indicators])
    ax.invert_yaxis()
    ax.set_xlim(0, 1.34)
    ax.set_xticks([])
    for side in ("top", "right", "bottom"):
        ax.spines[side].set_visible(False)
    ax.tick_params(labelsize=8, length=0)
    handles = [Patch(color=palette.BASELINE_COLOR, label=_t(f"{baseline_year}年（基线）",
                                                            f"{baseline_year} (baseline)", lang)),
               Patch(color=color, label=_t(f"{year}年", str(year), lang))]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.0, -0.02), ncol=2,
              frameon=False, fontsize=8)
    ax.text(1.32, -0.75, _t("变化", "change", lang), ha="right", va="bottom", fontsize=8,
            color="#555555")
    ax.annotate(_t("各行按本行较大值缩放，行间长度不可比", "each row scaled to its larger value; "
                   "compare within a row", lang), xy=(1.0, 0.0), xycoords="axes fraction",
                xytext=(0, -14), textcoords="offset points", ha="right", va="top",
                fontsize=7, color="#777777")
    _title(ax, title, _t(f"{name} 五社联动：{baseline_year}年 → {year}年",
                         f"Five-society linkage, {name}: {baseline_year} → {year}", lang))
    return fig, ax


def _scores_long(scores: pd.DataFrame) -> pd.DataFrame:
    """Return dimension scores as long ``unit_id, [year,] [unit_type,] dimension, score``."""
    _require(scores, ("unit_id",), "dimension-score table")
    if "dimension" in scores.columns:
        _require(scores, ("score",), "dimension-score table")
        return scores
    dims = [d for d in DIMENSIONS if d in scores.columns]
    if not dims:
        msg = ("The dimension-score table needs a 'dimension' and a 'score' column, or one "
               f"column per dimension ({', '.join(DIMENSIONS)}); it has: "
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
    >>> plt.close(fig)
    """
    _check_lang(lang)
    frame = _select_year(_scores_long(scores), year, "dimension-score")
    units = set(map(str, frame["unit_id"]))
    if unit_id not in units:
        msg = f"Unknown unit {unit_id!r}; known: {', '.join(sorted(units))}."
        raise ContractError(msg)
    other: str | None = None
    if compare_to == "zone" and "zone" not in units:
        other = _zone_of(frame, unit_id, communities)
        if other is None:
            msg = ("No zone row to compare with (no unit_type 'zone' in the scores); pass "
                   "compare_to=<unit id> or compare_to=None.")
            raise ContractError(msg)
    elif compare_to is not None:
        if compare_to not in units:
            msg = f"Unknown unit to compare with {compare_to!r}; known: {', '.join(sorted(units))}."
            raise ContractError(msg)
        other = compare_to
    dims = [d for d in DIMENSIONS if d in set(frame["dimension"])]
    dims += sorted(set(map(str, frame["dimension"])) - set(dims))
    table = frame.pivot_table(index="dimension", columns="unit_id", values="score",
                              aggfunc="last", dropna=False).reindex(dims)

    fig, ax = _figure(ax)
    unit_names = _unit_names(communities, names, lang)
    is_zone = "unit_type" in frame.columns and set(
        frame.loc[frame["unit_id"] == other, "unit_type"]) == {"zone"}
    series: list[tuple[str, str]] = [(unit_id, _unit_styles([unit_id], communities)[unit_id][0])]
    if other is not None:
        other_color = (palette.ZONE_COLOR if is_zone or other not in
                       palette.community_brands(communities)
                       else _unit_styles([other], communities)[other][0])
        if other_color == series[0][1]:
            other_color = palette.ZONE_COLOR
        series.append((other, other_color))
    n = len(series)
    height = 0.8 / n
    y = np.arange(len(dims))
    for k, (uid, color) in enumerate(series):
        values = table[uid].to_numpy(dtype=float) if uid in table else np.full(len(dims), np.nan)
        offset = (k - (n - 1) / 2) * height
        default_name = _t("实验区", "zone", lang) if uid == other and is_zone else uid
        ax.barh(y + offset, np.nan_to_num(values), height=height * 0.92, color=color,
                label=unit_names.get(uid, default_name))
        for yi, v in zip(y + offset, values, strict=True):
            text = _fmt(v) if np.isfinite(v) else _no_data(lang)
            ax.text((v if np.isfinite(v) else 0) + 1, yi, text, va="center", ha="left",
                    fontsize=7.5, color="#333333" if np.isfinite(v) else "#777777")
    lang_i = 0 if lang == "zh" else 1
    ax.set_yticks(y, [DIMENSIONS[d][lang_i] if d in DIMENSIONS else d for d in dims])
    brands = palette.community_brands(communities)
    own = brands.get(unit_id)
    for tick, d in zip(ax.get_yticklabels(), dims, strict=True):
        if d == own:
            tick.set_fontweight("bold")
    ax.invert_yaxis()
    ax.set_xlim(0, 108)
    ax.set_xticks(range(0, 101, 20))
    ax.set_xlabel(_t("维度得分（0–100）", "Dimension score (0–100)", lang), fontsize=8)
    _tidy(ax)
    _legend_outside(ax)
    name = unit_names.get(unit_id, unit_id)
    _title(ax, title, _t(f"{name} 各维度得分", f"Dimension scores, {name}", lang))
    return fig, ax


def plot_index_uncertainty(
    index_frame: pd.DataFrame,
    *,
    year: int | None = None,
    highlight: str | None = None,
    show_zone: bool = False,
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
    >>> plt.close(fig)
    """
    _check_lang(lang)
    _require(index_frame, _INDEX_COLUMNS, "index table")
    frame = _select_year(index_frame, year, "index")
    ids = _community_ids(frame, communities)
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
    fig, ax = _figure(ax, (FIGSIZE[0], max(FIGSIZE[1], 0.42 * n + 1.4)))
    styles = _unit_styles([str(u) for u in frame["unit_id"]], communities)
    unit_names = _unit_names(communities, names, lang)
    y = np.arange(n)
    rows = list(frame.itertuples(index=False)) + list(zone_rows.itertuples(index=False))
    for k, (yi, row) in enumerate(zip(y, rows, strict=True)):
        uid = str(row.unit_id)
        is_zone = k >= n_com
        color = _ZONE_COLOR if is_zone else styles[uid][0]
        if uid == highlight:
            ax.axhspan(yi - 0.45, yi + 0.45, color=color, alpha=0.10, linewidth=0)
        ax.plot([row.index_low, row.index_high], [yi, yi], color=color, alpha=0.45,
                linewidth=7, solid_capstyle="butt")
        ax.plot([row.index], [yi], marker="D" if is_zone else "o", markersize=7, color=color,
                markeredgecolor="white", markeredgewidth=1.0, linestyle="none")
        ax.annotate(_fmt(float(row.index)), (row.index, yi), xytext=(0, 6),
                    textcoords="offset points", ha="center", va="bottom", fontsize=7.5)
        if is_zone:
            rank = _t("不参与排名", "not ranked", lang)
        elif pd.isna(row.rank_low) or pd.isna(row.rank_high):
            continue
        else:
            lo, hi = int(round(float(row.rank_low))), int(round(float(row.rank_high)))
            span = f"{lo}" if lo == hi else f"{lo}–{hi}"
            rank = _t(f"第{span}名", f"rank {span}", lang)
        ax.annotate(rank, xy=(1.0, yi), xycoords=("axes fraction", "data"), xytext=(6, 0),
                    textcoords="offset points", ha="left", va="center", fontsize=8,
                    color=_ZONE_COLOR if is_zone else "black",
                    fontweight="bold" if uid == highlight else "normal")
    if len(zone_rows) and n_com:
        ax.axhline(n_com - 0.5, color="#BBBBBB", linewidth=0.8, linestyle="--")
    labels = [unit_names.get(str(u), str(u)) for u in frame["unit_id"]]
    labels += [_t(f"{unit_names.get(str(u), str(u))}（实验区）", f"{unit_names.get(str(u), str(u))} (zone)", lang)
               for u in zone_rows["unit_id"]]
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
    ax.set_xlabel(_t("邻里指数（圆点为基准指数，条带为权重变化时的5%–95%区间；右侧为排名区间）",
                     "Linli Index (dot: headline; band: 5th–95th percentile as the weights vary; "
                     "right: rank interval)", lang), fontsize=8)
    _tidy(ax)
    _title(ax, title, _t("邻里指数及其不确定性", "Linli Index with uncertainty", lang))
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
    >>> plt.close(fig)
    """
    _check_lang(lang)
    needed = [date_column] + ([value] if value else []) + ([by] if by else [])
    _require(events, needed, "event table")
    dates = events[date_column]
    if not pd.api.types.is_datetime64_any_dtype(dates):
        try:
            dates = pd.to_datetime(dates, format="ISO8601")
        except (ValueError, TypeError) as exc:
            msg = f"Column {date_column!r} is not a date column: {exc}"
            raise ContractError(msg) from None
    keep = dates.notna()
    if not keep.all():
        warnings.warn(f"{int((~keep).sum())} row(s) without {date_column} left out of the "
                      "monthly trend.", stacklevel=2)
    frame = pd.DataFrame({"month": dates[keep].dt.to_period("M")})
    frame["group"] = events.loc[keep, by].astype(str).to_numpy() if by else "total"
    frame["v"] = events.loc[keep, value].astype(float).to_numpy() if value else 1.0

    first = pd.Period(start, "M") if start is not None else (
        frame["month"].min() if len(frame) else None)
    last = pd.Period(end, "M") if end is not None else (
        frame["month"].max() if len(frame) else None)
    fig, ax = _figure(ax)
    if first is None or last is None:
        ax.text(0.5, 0.5, _no_data(lang), transform=ax.transAxes, ha="center", va="center")
        _title(ax, title, _t("月度趋势", "Monthly trend", lang))
        return fig, ax
    months = pd.period_range(first, last, freq="M")
    table = (frame.groupby(["month", "group"])["v"].sum().unstack("group")
             .reindex(months).fillna(0.0))

    if by is None:
        groups = ["total"]
        styles = {"total": (palette.ZONE_COLOR, "-")}
        unit_names = {"total": _t("合计", "Total", lang)}
    else:
        is_community = by == "community_id"
        if is_community:
            groups = _community_ids(pd.DataFrame({"unit_id": table.columns}), communities)
            styles = _unit_styles(groups, communities)
        else:
            groups = sorted(map(str, table.columns))
            styles = {g: (_OKABE_ITO[i % len(_OKABE_ITO)],
                          _LINESTYLES[(i // len(_OKABE_ITO)) % len(_LINESTYLES)])
                      for i, g in enumerate(groups)}
        unit_names = _unit_names(communities, names, lang)
    x = months.to_timestamp()
    for g in groups:
        color, style = styles[g]
        ax.plot(x, table[g].to_numpy() if g in table else np.zeros(len(x)), color=color,
                linestyle=style, linewidth=1.6, marker="o", markersize=2.5,
                label=unit_names.get(g, g))
    locator = mdates.AutoDateLocator(minticks=4, maxticks=10)
    formatter = mdates.ConciseDateFormatter(locator)
    if lang == "zh":
        formatter.formats = ["%Y年", "%m月", "%d日", "%H:%M", "%H:%M", "%S.%f"]
        formatter.zero_formats = ["", "%Y年", "%m月", "%m-%d", "%H:%M", "%H:%M"]
        formatter.offset_formats = ["", "%Y年", "%Y年%m月", "%Y-%m-%d", "%Y-%m-%d", "%Y-%m-%d"]
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(formatter)
    ax.set_ylim(bottom=0)
    if ylabel is None:
        ylabel = (_t("记录数（条/月）", "Records per month", lang) if value is None
                  else _t(f"{value}（月合计）", f"{value} per month", lang))
    ax.set_ylabel(ylabel, fontsize=8)
    _tidy(ax, grid_axis="y")
    if len(groups) > 1:
        _legend_outside(ax, ncol=1 if len(groups) <= 12 else 2)
    _title(ax, title, _t("月度趋势", "Monthly trend", lang))
    return fig, ax


def plot_satisfaction(
    long: pd.DataFrame,
    *,
    unit_id: str,
    year: int,
    compare_to: str | None = None,
    indicators: Sequence[str] = tuple(SATISFACTION_INDICATORS),
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
    >>> plt.close(fig)
    """
    _check_lang(lang)
    rows = _long_slice(long, unit_id, year).reindex(list(indicators))
    other_rows: pd.DataFrame | None = None
    other: str | None = None
    if compare_to is not None:
        other = _zone_of(long, unit_id, communities) if compare_to == "zone" else compare_to
        if other is None:
            msg = "No zone rows (unit_type 'zone') in the table to compare with."
            raise ContractError(msg)
        other_rows = _long_slice(long, other, year).reindex(list(indicators))
    fig, ax = _figure(ax, (FIGSIZE[0], max(FIGSIZE[1], 0.36 * len(indicators) + 1.3)))
    color = _unit_styles([unit_id], communities)[unit_id][0]
    unit_names = _unit_names(communities, names, lang)
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
                    label=_t("95%置信区间（Wilson）", "95 % interval (Wilson)", lang))
        handles.append(whiskers)
    for yi, v in zip(y, values, strict=True):
        if np.isfinite(v):  # a column right of 100 %, clear of the bars, whiskers and markers
            ax.text(101.5, yi, f"{v:.1f}%", va="center", ha="left", fontsize=8)
        else:
            ax.text(1.5, yi, _no_data(lang), va="center", ha="left", fontsize=8, color="#777777")
    if other_rows is not None and other is not None:
        ov = other_rows["value"].to_numpy(float)
        ok = np.isfinite(ov)
        is_zone = other != unit_id and other == _zone_of(long, unit_id, communities)
        default_name = _t("实验区", "zone", lang) if is_zone else other
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
    ax.set_xlabel(_t("满意比例（%，评分≥4）", "Satisfied (%, rating ≥ 4)", lang), fontsize=8)
    _tidy(ax)
    _legend_outside(ax, handles=handles)
    name = unit_names.get(unit_id, unit_id)
    _title(ax, title, _t(f"{name} 居民满意度（{year}年）",
                         f"Resident satisfaction, {name} ({year})", lang))
    return fig, ax


def plot_indicator_comparison(
    long: pd.DataFrame,
    *,
    indicator: str,
    year: int,
    target: float | None = None,
    target_label: str | None = None,
    unit: str | None = None,
    highlight: str | None = None,
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
    unit
        The indicator's unit for the y-axis label (e.g. ``"%"``, ``"m²"``).
    highlight
        A community whose bar gets a black outline.
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
    >>> plt.close(fig)
    """
    _check_lang(lang)
    _require(long, _LONG_COLUMNS, "indicator table")
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
    ids = _community_ids(rows, communities)
    zone = _zone_of(rows, highlight, communities)
    by_unit = rows.set_index(rows["unit_id"].astype(str))
    fig, ax = _figure(ax)
    styles = _unit_styles(ids, communities)
    unit_names = _unit_names(communities, names, lang)
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
                              label=_t("95%置信区间", "95 % interval", lang)))
    tops = np.where(np.isfinite(hi), hi, values)
    suffix = "%" if unit == "%" else ""
    ceiling = [np.nanmax(tops) if np.isfinite(tops).any() else 0.0]
    if zone is not None and zone in by_unit.index:
        zv = float(by_unit.loc[zone, "value"])
        if np.isfinite(zv):
            ax.axhline(zv, color=palette.ZONE_COLOR, linestyle="--", linewidth=1.2)
            zone_name = unit_names.get(zone, _t("实验区", "zone", lang))
            handles.append(Line2D([], [], color=palette.ZONE_COLOR, linestyle="--",
                                  label=f"{zone_name} {_fmt(zv)}{suffix}"))
            ceiling.append(zv)
    if target is not None:
        ax.axhline(target, color=palette.TARGET_COLOR, linestyle=":", linewidth=1.8)
        text = target_label if target_label is not None else _t("目标", "target", lang)
        handles.append(Line2D([], [], color=palette.TARGET_COLOR, linestyle=":", linewidth=1.8,
                              label=f"{text} {_fmt(float(target))}{suffix}"))
        ceiling.append(float(target))
    ax.set_xticks(x, [unit_names.get(u, u) for u in ids])
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
            ax.annotate(_no_data(lang), (xi, 0), xytext=(0, 3), textcoords="offset points",
                        ha="center", va="bottom", fontsize=8, color="#777777")
        elif v >= 0.18 * ymax:
            ax.text(xi, v / 2, f"{_fmt(v)}{suffix}", ha="center", va="center", fontsize=8.5,
                    color=palette.text_color_on(styles[ids[int(xi)]][0]), fontweight="bold")
        else:
            ax.annotate(f"{_fmt(v)}{suffix}", (xi, t), xytext=(0, 3), textcoords="offset points",
                        ha="center", va="bottom", fontsize=8)
    label = _indicator_label(indicator, labels, lang)
    ax.set_ylabel(f"{label}（{unit}）" if unit and lang == "zh" else
                  (f"{label} ({unit})" if unit else label), fontsize=8)
    _tidy(ax, grid_axis="y")
    if handles:
        _legend_outside(ax, handles=handles)
    _title(ax, title, _t(f"{label}：各社区对比（{year}年）",
                         f"{label}: communities compared ({year})", lang))
    return fig, ax


# ------------------------------------------------------- exploration (notebooks/explore)

#: Sideways shift (years) between neighbouring lines of :func:`plot_indicator_trend`.
DODGE_YEARS: float = 0.04

#: Outcome code -> colour in :func:`plot_crosstab` (success green, failure vermillion).
OUTCOME_COLORS: dict[str, str] = {
    "resolved": "#009E73",
    "partial": "#F0E442",
    "failed": "#D55E00",
    "referred": "#56B4E9",
    "pending": "#BDBDBD",
}


def _catalogue_labels(lang: str) -> dict[str, str]:
    """Indicator id -> the catalogue's name in ``lang`` (the default axis labels of the
    exploration plots; :func:`linli.summary.indicator_labels` gives the same for ``labels=``).

    >>> _catalogue_labels("zh")["volunteers"]
    '注册志愿者数'
    """
    from .indicators import catalogue  # the catalogue is data; imported on use

    _check_lang(lang)
    return {i.id: (i.name_zh if lang == "zh" else i.name_en) for i in catalogue.load().indicators}


def _default_label(indicator: str, labels: Mapping[str, str] | None, lang: str) -> str:
    """The caller's label, else the catalogue's name, else the id."""
    if labels and indicator in labels:
        return str(labels[indicator])
    return _catalogue_labels(lang).get(indicator, indicator)


def _catalogue_unit(indicator: str | None, lang: str) -> str | None:
    """The catalogue's unit of ``indicator`` (``"%"``, ``"人/万人"`` …); None when unknown."""
    if indicator is None:
        return None
    from .indicators import catalogue

    found = catalogue.load().by_id.get(indicator)
    if found is None:
        return None
    return found.unit.zh if lang == "zh" else found.unit.en


def _axis_label(label: str, unit: str | None, lang: str) -> str:
    if not unit:
        return label
    return f"{label}（{unit}）" if lang == "zh" else f"{label} ({unit})"


def _end_labels(ax: Axes, ends: Sequence[tuple[float, float, str, str]], *, gap_pt: float = 9.0) -> None:
    """Write each line's last value in a column right of the lines, nudged apart so none overlap.

    Labels are sorted by value and pushed up until consecutive ones are ``gap_pt`` points
    apart (the axes' height in points turns the gap into data units).
    """
    from matplotlib.transforms import ScaledTranslation

    if not ends:
        return
    fig = ax.get_figure(root=True)
    low, high = ax.get_ylim()
    height_pt = fig.get_figheight() * 72 * ax.get_position().height
    gap = (high - low) * gap_pt / max(height_pt, 1.0)
    order = sorted(range(len(ends)), key=lambda i: ends[i][1])
    placed: list[float] = []
    for i in order:
        y = ends[i][1]
        if placed and y < placed[-1] + gap:
            y = placed[-1] + gap
        placed.append(y)
    shift = ax.transData + ScaledTranslation(6 / 72, 0, fig.dpi_scale_trans)
    x = max(end[0] for end in ends)  # one column, right of every line's end
    for i, y in zip(order, placed, strict=True):
        _, _, text, color = ends[i]
        ax.text(x, y, text, transform=shift, va="center", ha="left", fontsize=7.5, color=color)


def plot_indicator_trend(
    long: pd.DataFrame,
    *,
    indicator: str,
    zone: bool = True,
    unit: str | None = None,
    labels: Mapping[str, str] | None = None,
    communities: pd.DataFrame | None = None,
    names: Mapping[str, str] | None = None,
    lang: str = "zh",
    title: str | None = None,
    ax: Axes | None = None,
) -> tuple[Figure, Axes]:
    """Draw one indicator over the years, a line per community and the zone dashed.

    Each line ends in its last value. The lines are dodged sideways by ``DODGE_YEARS`` each,
    so communities with equal values stay visible side by side. Counts of the zone are sums
    of its communities and dwarf them: pass ``zone=False`` for counts.

    Parameters
    ----------
    long
        The long indicator table.
    indicator
        The indicator id.
    zone
        Draw the zone (pooled) as a dashed line.
    unit
        The unit for the y-axis label; default the catalogue's (``"%"``, ``"人"`` …),
        ``""`` for none.
    labels, communities, names, lang, title, ax
        See the module docstring; the label defaults to the catalogue's name.

    Returns
    -------
    tuple[Figure, Axes]

    Examples
    --------
    >>> long = pd.DataFrame({"unit_id": ["a", "a", "z", "z"],
    ...     "unit_type": ["community", "community", "zone", "zone"], "year": [2023, 2024] * 2,
    ...     "indicator": "volunteer_share_pct", "value": [20.0, 25.0, 21.0, 24.0]})
    >>> fig, ax = plot_indicator_trend(long, indicator="volunteer_share_pct", unit="%")
    >>> [line.get_label() for line in ax.get_lines()]
    ['a', '实验区']
    >>> plt.close(fig)
    """
    _check_lang(lang)
    _require(long, _LONG_COLUMNS, "indicator table")
    rows = long[long["indicator"] == indicator]
    if rows.empty:
        known = sorted(map(str, pd.unique(long["indicator"])))
        msg = f"Unknown indicator {indicator!r}; known: {', '.join(known)}."
        raise ContractError(msg)
    years = sorted(int(y) for y in pd.unique(rows["year"]))
    ids = _community_ids(rows, communities)
    zone_id = _zone_of(rows, ids[0] if ids else None, communities) if zone else None
    styles = _unit_styles(ids, communities)
    unit_names = _unit_names(communities, names, lang)
    fig, ax = _figure(ax)
    by_unit = rows.drop_duplicates(["unit_id", "year"], keep="last").set_index(["unit_id", "year"])["value"]
    if unit is None:
        unit = _catalogue_unit(indicator, lang)
    suffix = "%" if unit == "%" else ""
    drawn = [(u, styles[u][0], styles[u][1], unit_names.get(u, u)) for u in ids]
    if zone_id is not None:
        drawn.append((zone_id, palette.ZONE_COLOR, "--",
                      unit_names.get(zone_id, _t("实验区", "zone", lang))))
    ends: list[tuple[float, float, str, str]] = []  # (x, y, text, colour) of each line's end
    n_lines = len(drawn)
    for k, (uid, color, style, name) in enumerate(drawn):
        values = np.array([float(by_unit.get((uid, y), np.nan)) for y in years])
        # lines are dodged sideways a little, so equal values do not hide one another
        x = np.array(years, dtype="float64") + DODGE_YEARS * (k - (n_lines - 1) / 2)
        ax.plot(x, values, color=color, linestyle=style, linewidth=1.8, marker="o",
                markersize=4.5, label=name)
        ok = np.flatnonzero(np.isfinite(values))
        if len(ok):
            last = ok[-1]
            ends.append((float(x[last]), float(values[last]), f"{_fmt(values[last])}{suffix}", color))
    ax.set_xticks(years, [_t(f"{y}年", str(y), lang) for y in years])
    if len(years) > 1:
        span = years[-1] - years[0]
        ax.set_xlim(years[0] - 0.15 * span, years[-1] + 0.25 * span)
    ax.set_ylim(bottom=0)
    _end_labels(ax, ends)
    label = _default_label(indicator, labels, lang)
    ax.set_ylabel(_axis_label(label, unit, lang), fontsize=8)
    _tidy(ax, grid_axis="y")
    _legend_outside(ax)
    _title(ax, title, _t(f"{label}：逐年变化", f"{label} over the years", lang))
    return fig, ax


def plot_roster_flows(
    flows: pd.DataFrame,
    *,
    ylabel: str | None = None,
    communities: pd.DataFrame | None = None,
    names: Mapping[str, str] | None = None,
    lang: str = "zh",
    title: str | None = None,
    ax: Axes | None = None,
) -> tuple[Figure, Axes]:
    """Draw a roster's flows: members who joined (up) and left (down), per year and group.

    Bars are grouped by year, one per group (community) in its brand colour; the joined
    bar rises above zero and the left bar, hatched, falls below it; the net change is
    written above each pair.

    Parameters
    ----------
    flows
        The frame of :func:`linli.explore.roster_flows`, indexed by (group, year), with
        ``joined`` and ``left``.
    ylabel
        The y-axis label; default "人数" / "members".
    communities, names, lang, title, ax
        See the module docstring.

    Returns
    -------
    tuple[Figure, Axes]

    Examples
    --------
    >>> idx = pd.MultiIndex.from_product([["a", "b"], [2023, 2024]],
    ...                                  names=["community_id", "year"])
    >>> flows = pd.DataFrame({"joined": [5, 8, 2, 0], "left": [1, 3, 0, 2]}, index=idx)
    >>> fig, ax = plot_roster_flows(flows)
    >>> len(ax.patches)  # 2 groups × 2 years × (joined, left)
    8
    >>> plt.close(fig)
    """
    _check_lang(lang)
    _require(flows, ("joined", "left"), "roster flows")
    if not isinstance(flows.index, pd.MultiIndex) or flows.index.nlevels != 2:
        msg = "The roster flows must be indexed by (group, year), as linli.explore.roster_flows returns."
        raise ContractError(msg)
    frame = flows.reset_index()
    group_col, year_col = frame.columns[0], frame.columns[1]
    frame[group_col] = frame[group_col].astype(str)
    groups = _community_ids(pd.DataFrame({"unit_id": frame[group_col]}), communities)
    years = sorted(int(y) for y in pd.unique(frame[year_col]))
    styles = _unit_styles(groups, communities)
    unit_names = _unit_names(communities, names, lang)
    table = frame.set_index([group_col, year_col])
    fig, ax = _figure(ax)
    width = 0.8 / max(len(groups), 1)
    top = bottom = 0.0
    for gi, g in enumerate(groups):
        color = styles[g][0]
        for yi, y in enumerate(years):
            x = yi - 0.4 + width * (gi + 0.5)
            joined = float(table["joined"].get((g, y), 0.0))
            left = float(table["left"].get((g, y), 0.0))
            ax.bar(x, joined, width=width * 0.92, color=color, edgecolor="none",
                   label=unit_names.get(g, g) if yi == 0 else None)
            ax.bar(x, -left, width=width * 0.92, facecolor="white", edgecolor=color,
                   hatch="////", linewidth=0.8)
            net = joined - left
            ax.annotate(f"{net:+,.0f}", (x, max(joined, 0.0)), xytext=(0, 2),
                        textcoords="offset points", ha="center", va="bottom", fontsize=6.5,
                        color="#444444")
            top = max(top, joined)
            bottom = max(bottom, left)
    ax.axhline(0, color="#444444", linewidth=0.8)
    ax.set_xticks(range(len(years)), [_t(f"{y}年", str(y), lang) for y in years])
    span = max(top, bottom, 1.0)
    ax.set_ylim(-(bottom + 0.18 * span), top + 0.18 * span)
    ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{abs(v):,.0f}"))
    ax.set_ylabel(ylabel if ylabel is not None else _t("人数", "members", lang), fontsize=8)
    ax.text(0.005, 0.99, _t("↑ 当年加入", "↑ joined in the year", lang), transform=ax.transAxes,
            ha="left", va="top", fontsize=7.5, color="#444444")
    ax.text(0.005, 0.01, _t("↓ 当年退出（斜线）", "↓ left in the year (hatched)", lang),
            transform=ax.transAxes, ha="left", va="bottom", fontsize=7.5, color="#444444")
    _tidy(ax, grid_axis="y")
    _legend_outside(ax)
    _title(ax, title, _t("加入与退出（数字为净变化）", "Joined and left (numbers: net change)", lang))
    return fig, ax


def plot_group_distribution(
    frame: pd.DataFrame,
    *,
    value: str,
    by: str = "community_id",
    reference: float | None = None,
    reference_label: str | None = None,
    xlabel: str | None = None,
    communities: pd.DataFrame | None = None,
    names: Mapping[str, str] | None = None,
    lang: str = "zh",
    title: str | None = None,
    ax: Axes | None = None,
) -> tuple[Figure, Axes]:
    """Draw the distribution of ``value`` per group: a box and every observation.

    One row per group (communities in the table's order and brand colours): the box spans
    the quartiles with the median as a bar, whiskers reach 1.5 × IQR, and every value is
    a dot, spread vertically by a fixed (seeded) jitter so the figure is reproducible.
    ``n`` and the median are written at the right.

    Parameters
    ----------
    frame
        One row per observation (a case, a compound, a team).
    value
        The numeric column drawn.
    by
        The grouping column (default ``community_id``).
    reference
        A value drawn as a dotted vertical line (e.g. 500 m).
    reference_label
        Its legend text.
    xlabel
        The x-axis label; default the column name.
    communities, names, lang, title, ax
        See the module docstring.

    Returns
    -------
    tuple[Figure, Axes]

    Examples
    --------
    >>> cases = pd.DataFrame({"community_id": ["a", "a", "a", "b"], "days": [3, 5, 12, 4]})
    >>> fig, ax = plot_group_distribution(cases, value="days", reference=7)
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['a', 'b']
    >>> plt.close(fig)
    """
    _check_lang(lang)
    _require(frame, (value, by), "table")
    values = pd.to_numeric(frame[value], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    group = frame[by].astype("string").fillna("").to_numpy(dtype=object)
    keep = np.isfinite(values)
    if by == "community_id":
        groups = _community_ids(pd.DataFrame({"unit_id": pd.unique(group[keep])}), communities)
        styles = _unit_styles(groups, communities)
        colors = {g: styles[g][0] for g in groups}
    else:
        groups = sorted({str(g) for g in group[keep]})
        colors = {g: _OKABE_ITO[i % len(_OKABE_ITO)] for i, g in enumerate(groups)}
    unit_names = _unit_names(communities, names, lang)
    height = max(FIGSIZE[1], 0.55 * len(groups) + 1.2)
    fig, ax = _figure(ax, (FIGSIZE[0], height))
    rng = np.random.default_rng(0)
    data = [values[keep & (group == g)] for g in groups]
    y = np.arange(len(groups))
    if groups:
        box = ax.boxplot(data, positions=y, orientation="horizontal", widths=0.55,
                         showfliers=False, patch_artist=True,
                         medianprops={"color": "#222222", "linewidth": 1.6},
                         whiskerprops={"color": "#555555"}, capprops={"color": "#555555"})
        for patch, g in zip(box["boxes"], groups, strict=True):
            patch.set_facecolor(colors[g])
            patch.set_alpha(0.25)
            patch.set_edgecolor(colors[g])
        for yi, g, d in zip(y, groups, data, strict=True):
            jitter = rng.uniform(-0.2, 0.2, len(d))
            ax.scatter(d, yi + jitter, s=9, color=colors[g], alpha=0.7, edgecolors="none",
                       zorder=3)
    finite = values[keep]
    right = float(np.nanmax(finite)) if len(finite) else 1.0
    if reference is not None:
        right = max(right, float(reference))
    for yi, d in zip(y, data, strict=True):
        text = (f"n={len(d)}  " + _t("中位数", "median", lang) + f" {_fmt(float(np.median(d)))}"
                if len(d) else _no_data(lang))
        ax.annotate(text, (1.01, yi), xycoords=("axes fraction", "data"), va="center",
                    ha="left", fontsize=7.5, color="#333333")
    handles: list[object] = []
    if reference is not None:
        ax.axvline(reference, color=palette.TARGET_COLOR, linestyle=":", linewidth=1.8)
        handles.append(Line2D([], [], color=palette.TARGET_COLOR, linestyle=":", linewidth=1.8,
                              label=reference_label if reference_label is not None
                              else _fmt(float(reference))))
    ax.set_yticks(y, [unit_names.get(g, g) for g in groups])
    ax.invert_yaxis()
    ax.set_xlim(left=min(0.0, float(np.nanmin(finite)) if len(finite) else 0.0),
                right=right * 1.05 if right > 0 else 1.0)
    ax.set_xlabel(xlabel if xlabel is not None else value, fontsize=8)
    _tidy(ax)
    if handles:
        ax.legend(handles=handles, loc="lower right", bbox_to_anchor=(1.0, 1.0), frameon=False,
                  fontsize=7.5, borderaxespad=0.2)
    _title(ax, title, _t(f"{value} 的分布", f"Distribution of {value}", lang))
    return fig, ax


def plot_pooled_vs_mean(
    table: pd.DataFrame,
    *,
    indicator: str | None = None,
    unit: str | None = None,
    value_label: str | None = None,
    denominator_label: str | None = None,
    communities: pd.DataFrame | None = None,
    names: Mapping[str, str] | None = None,
    lang: str = "zh",
    title: str | None = None,
    ax: Axes | None = None,
) -> tuple[Figure, Axes]:
    """Draw why a pooled zone ratio is not the mean of its communities' ratios.

    Each community is a bar as tall as its ratio and as wide as its denominator, so the
    bars' total area over their total width — the dashed line — is the pooled zone value
    ``Σ n ÷ Σ d``; the dotted line is the plain mean of the bar heights, which gives every
    community the same weight.

    Parameters
    ----------
    table
        The frame of :func:`linli.explore.pooled_vs_mean`: the communities, then the mean
        row, then the zone row.
    indicator
        The catalogue indicator the ratio is; its name and unit are the defaults of
        ``value_label`` and ``unit``.
    unit
        The ratio's unit (``"%"``, ``"人/万人"`` …) for the y-axis label.
    value_label, denominator_label
        Names of the ratio and of its denominator (the bar widths).
    communities, names, lang, title, ax
        See the module docstring.

    Returns
    -------
    tuple[Figure, Axes]

    Examples
    --------
    >>> t = pd.DataFrame({"numerator": [1.0, 2.0, np.nan, 3.0],
    ...     "denominator": [2.0, 3.0, np.nan, 5.0], "weight": [0.4, 0.6, np.nan, 1.0],
    ...     "value": [50.0, 66.7, 58.3, 60.0]}, index=["a", "b", "mean", "zone"])
    >>> fig, ax = plot_pooled_vs_mean(t, unit="%")
    >>> len(ax.patches)
    2
    >>> plt.close(fig)
    """
    _check_lang(lang)
    _require(table, ("denominator", "value"), "pooled-versus-mean table")
    if len(table) < 3:
        msg = "The table needs the community rows, then the mean row, then the zone row."
        raise ContractError(msg)
    parts = table.iloc[:-2]
    mean_value = float(table["value"].iloc[-2])
    zone_value = float(table["value"].iloc[-1])
    zone_id = str(table.index[-1])
    if unit is None:
        unit = _catalogue_unit(indicator, lang)
    if value_label is None and indicator is not None:
        value_label = _default_label(indicator, None, lang)
    ids = [str(u) for u in parts.index]
    styles = _unit_styles(ids, communities)
    unit_names = _unit_names(communities, names, lang)
    widths = parts["denominator"].to_numpy(dtype="float64")
    heights = parts["value"].to_numpy(dtype="float64")
    fig, ax = _figure(ax)
    lefts = np.concatenate([[0.0], np.cumsum(np.nan_to_num(widths))[:-1]])
    suffix = "%" if unit == "%" else ""
    for uid, x0, w, h in zip(ids, lefts, widths, heights, strict=True):
        if not (np.isfinite(w) and np.isfinite(h)):
            continue
        color = styles[uid][0]
        ax.bar(x0, h, width=w, align="edge", color=color, alpha=0.85, edgecolor="white",
               linewidth=1.5)
        ax.text(x0 + w / 2, h / 2, f"{unit_names.get(uid, uid)}\n{_fmt(h)}{suffix}",
                ha="center", va="center", fontsize=8,
                color=palette.text_color_on(color), fontweight="bold")
    total = float(np.nansum(widths))
    digits = 1  # enough decimals to tell the two lines apart
    while (digits < 3 and np.isfinite(zone_value) and np.isfinite(mean_value)
           and round(zone_value, digits) == round(mean_value, digits) and zone_value != mean_value):
        digits += 1
    handles: list[object] = []
    if np.isfinite(zone_value):
        ax.axhline(zone_value, color=palette.ZONE_COLOR, linestyle="--", linewidth=1.4)
        zone_name = unit_names.get(zone_id, zone_id)
        handles.append(Line2D([], [], color=palette.ZONE_COLOR, linestyle="--", linewidth=1.4,
                              label=_t(f"{zone_name}：合并计算 {zone_value:,.{digits}f}{suffix}",
                                       f"{zone_name}: pooled {zone_value:,.{digits}f}{suffix}",
                                       lang)))
    if np.isfinite(mean_value):
        ax.axhline(mean_value, color=palette.ALERT_COLOR, linestyle=":", linewidth=1.8)
        handles.append(Line2D([], [], color=palette.ALERT_COLOR, linestyle=":", linewidth=1.8,
                              label=_t(f"各社区简单平均 {mean_value:,.{digits}f}{suffix}",
                                       f"mean of communities {mean_value:,.{digits}f}{suffix}",
                                       lang)))
    ax.set_xlim(0, total if total > 0 else 1.0)
    finite = heights[np.isfinite(heights)]
    top = max([*finite.tolist(), zone_value if np.isfinite(zone_value) else 0.0,
               mean_value if np.isfinite(mean_value) else 0.0, 0.0])
    ax.set_ylim(0, top * 1.12 if top > 0 else 1.0)
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.set_xlabel(denominator_label if denominator_label is not None
                  else _t("分母（柱宽）", "denominator (bar width)", lang), fontsize=8)
    vlabel = value_label if value_label is not None else _t("比率", "ratio", lang)
    ax.set_ylabel(_axis_label(vlabel, unit, lang), fontsize=8)
    _tidy(ax, grid_axis="y")
    _legend_outside(ax, handles=handles)
    _title(ax, title, _t(f"{vlabel}：实验区值按分母加权，不是社区值的简单平均",
                         f"{vlabel}: the zone weights communities by their denominators", lang))
    return fig, ax


def plot_crosstab(
    table: pd.DataFrame,
    *,
    columns: Sequence[str] | None = None,
    row_labels: Mapping[str, str] | None = None,
    column_labels: Mapping[str, str] | None = None,
    colors: Mapping[str, str] | None = None,
    ordered: bool = False,
    xlabel: str | None = None,
    communities: pd.DataFrame | None = None,
    names: Mapping[str, str] | None = None,
    lang: str = "zh",
    title: str | None = None,
    ax: Axes | None = None,
) -> tuple[Figure, Axes]:
    """Draw a table of counts as stacked horizontal bars of row shares (each row 100 %).

    Segments of 7 % or more carry their share; the row's total ``n`` is written at the
    right, and rows with no count say so.

    Parameters
    ----------
    table
        Counts: one row per group (e.g. dispute types), one column per category (e.g.
        outcomes), as :func:`linli.explore.case_outcomes` returns.
    columns
        The columns stacked, left to right (default every column).
    row_labels, column_labels
        Code -> display name (e.g. ``linli.contract.DISPUTE_TYPES``,
        ``linli.contract.OUTCOMES``); default the codes.
    colors
        Column -> colour; default :data:`OUTCOME_COLORS` for outcome codes, else the
        Okabe–Ito palette in column order.
    ordered
        The columns are an ordered scale (e.g. 0, 1, 2, 3, 4+ kinds of mediator): shade
        them from light to dark blue instead.
    xlabel
        The x-axis label.
    communities, names
        Name rows that are community (or zone) ids, as in the module docstring;
        ``row_labels`` wins over them.
    lang, title, ax
        See the module docstring.

    Returns
    -------
    tuple[Figure, Axes]

    Examples
    --------
    >>> t = pd.DataFrame({"resolved": [8, 3], "failed": [2, 1]}, index=["parking", "noise"])
    >>> fig, ax = plot_crosstab(t, row_labels={"parking": "停车", "noise": "噪音"})
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['停车', '噪音']
    >>> plt.close(fig)
    """
    _check_lang(lang)
    cols = list(columns) if columns is not None else [str(c) for c in table.columns]
    _require(table, cols, "table")
    counts = table[cols].apply(pd.to_numeric, errors="coerce").fillna(0.0).to_numpy(dtype="float64")
    totals = counts.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        shares = np.where(totals[:, None] > 0, counts / totals[:, None] * 100.0, 0.0)
    rows = [str(r) for r in table.index]
    if colors is None and ordered:
        shades = plt.get_cmap("Blues")(np.linspace(0.2, 0.9, len(cols)))
        colors = {c: to_hex(shade) for c, shade in zip(cols, shades, strict=True)}
    elif colors is None:
        colors = (OUTCOME_COLORS if set(cols) <= set(OUTCOME_COLORS)
                  else {c: _OKABE_ITO[i % len(_OKABE_ITO)] for i, c in enumerate(cols)})
    unit_names = _unit_names(communities, names, lang)
    row_names = {**unit_names, **(dict(row_labels) if row_labels else {})}
    fig, ax = _figure(ax, (FIGSIZE[0], max(FIGSIZE[1], 0.34 * len(rows) + 1.4)))
    y = np.arange(len(rows))
    left = np.zeros(len(rows))
    for j, c in enumerate(cols):
        color = colors.get(c, _OKABE_ITO[j % len(_OKABE_ITO)])
        name = column_labels.get(c, c) if column_labels else c
        ax.barh(y, shares[:, j], left=left, height=0.68, color=color, edgecolor="white",
                linewidth=0.6, label=name)
        for yi in y:
            if shares[yi, j] >= 7:
                ax.text(left[yi] + shares[yi, j] / 2, yi, f"{shares[yi, j]:.0f}%", ha="center",
                        va="center", fontsize=7, color=palette.text_color_on(color))
        left += shares[:, j]
    for yi, n in zip(y, totals, strict=True):
        ax.text(101.5, yi, f"n={n:,.0f}" if n > 0 else _no_data(lang), va="center", ha="left",
                fontsize=7.5, color="#333333")
    ax.set_yticks(y, [row_names.get(r, r) for r in rows])
    ax.invert_yaxis()
    ax.set_xlim(0, 112)
    ax.set_xticks(range(0, 101, 20))
    ax.spines["bottom"].set_bounds(0, 100)
    ax.set_xlabel(xlabel if xlabel is not None else _t("占比（%）", "share (%)", lang), fontsize=8)
    _tidy(ax)
    _legend_outside(ax)
    _title(ax, title, _t("构成（每行合计100%）", "Composition (each row 100 %)", lang))
    return fig, ax


def plot_coverage_sensitivity(
    table: pd.DataFrame,
    *,
    reference: float | None = 500.0,
    reference_label: str | None = None,
    communities: pd.DataFrame | None = None,
    names: Mapping[str, str] | None = None,
    lang: str = "zh",
    title: str | None = None,
    ax: Axes | None = None,
) -> tuple[Figure, Axes]:
    """Draw the share of households covered against the radius, a line per community.

    The lines are dodged sideways a little so that equal values (often 100 %) stay visible.

    Parameters
    ----------
    table
        The frame of :func:`linli.access.coverage_sensitivity` (``unit_id, radius_m,
        covered_pct``); a unit that is not in ``communities`` (the pooled zone row) is
        drawn dashed in the zone colour.
    reference
        A radius marked with a dotted line (default 500 m, the 10-minute life circle of
        GB 50180-2018); None for none.
    reference_label
        Its legend text.
    communities, names, lang, title, ax
        See the module docstring.

    Returns
    -------
    tuple[Figure, Axes]

    Examples
    --------
    >>> t = pd.DataFrame({"unit_id": ["a", "zone"] * 2, "radius_m": [300, 300, 500, 500],
    ...     "covered_pct": [40.0, 55.0, 80.0, 90.0]})
    >>> fig, ax = plot_coverage_sensitivity(t, communities=pd.DataFrame(
    ...     {"community_id": ["a"], "name_zh": ["甲"], "brand": ["lin_he"]}))
    >>> [line.get_label() for line in ax.get_lines()][:2]
    ['甲', 'zone']
    >>> plt.close(fig)
    """
    _check_lang(lang)
    _require(table, ("unit_id", "radius_m", "covered_pct"), "coverage table")
    frame = table.assign(unit_id=table["unit_id"].astype(str))
    known = (set(map(str, communities["community_id"])) if communities is not None
             and "community_id" in communities else None)
    units = [str(u) for u in pd.unique(frame["unit_id"])]
    ids = [u for u in units if known is None or u in known]
    if known is None and len(ids) > 1:
        ids = ids[:-1]  # without a communities table the last unit is taken as the zone
    others = [u for u in units if u not in ids]
    ids = _community_ids(pd.DataFrame({"unit_id": ids}), communities)
    styles = _unit_styles(ids, communities)
    unit_names = _unit_names(communities, names, lang)
    fig, ax = _figure(ax)
    drawn = [(u, styles[u][0], styles[u][1], 1.6) for u in ids]
    drawn += [(u, palette.ZONE_COLOR, "--", 2.0) for u in others]
    radii = sorted(float(r) for r in pd.unique(frame["radius_m"]))
    # lines are dodged sideways by 1.2 % of the radii's span each, so units at the same
    # coverage (often 100 %) do not hide one another
    step = 0.012 * ((radii[-1] - radii[0]) if len(radii) > 1 else 100.0)
    for k, (uid, color, style, width) in enumerate(drawn):
        rows = frame[frame["unit_id"] == uid].sort_values("radius_m")
        x = rows["radius_m"].to_numpy(float) + step * (k - (len(drawn) - 1) / 2)
        ax.plot(x, rows["covered_pct"].to_numpy(float), color=color, linestyle=style,
                linewidth=width, marker="o", markersize=4.5, label=unit_names.get(uid, uid))
    if reference is not None:
        ax.axvline(reference, color=palette.TARGET_COLOR, linestyle=":", linewidth=1.8,
                   label=reference_label if reference_label is not None else _t(
                       f"{reference:g} 米", f"{reference:g} m", lang))
    ax.set_xticks(radii, [f"{r:g}" for r in radii])
    ax.set_ylim(0, 105)
    ax.set_xlabel(_t("半径（米，直线距离）", "Radius (m, straight line)", lang), fontsize=8)
    ax.set_ylabel(_t("覆盖户数占比（%）", "Households covered (%)", lang), fontsize=8)
    _tidy(ax, grid_axis="y")
    _legend_outside(ax)
    _title(ax, title, _t("覆盖率对半径的敏感性", "Coverage against the radius", lang))
    return fig, ax


__all__ = [
    "DIMENSIONS",
    "OUTCOME_COLORS",
    "SATISFACTION_INDICATORS",
    "WUSHE_INDICATORS",
    "plot_coverage_sensitivity",
    "plot_crosstab",
    "plot_dimension_scores",
    "plot_group_distribution",
    "plot_index_uncertainty",
    "plot_indicator_comparison",
    "plot_indicator_trend",
    "plot_monthly_trend",
    "plot_pooled_vs_mean",
    "plot_roster_flows",
    "plot_satisfaction",
    "plot_wushe_change",
]
