"""Figures of the exploration notebooks (``notebooks/explore``), with Chinese (or English) text.

They draw the tables of :mod:`linli.explore` and the long indicator table: an indicator
over the years, a roster's flows, a distribution by group, the zone's pooled value
against the communities' mean, a cross-tabulation, life-circle coverage against the
radius. Options as in :mod:`linli.figures.plots`: data first, options as keywords,
``ax=None``, ``(fig, ax)`` returned, ``plt.show()`` never called.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from .. import labels as vocab
from ..errors import ContractError
from . import palette
from ._style import (
    FIGSIZE,
    LONG_COLUMNS,
    OKABE_ITO,
    check_lang,
    community_ids,
    fmt,
    legend_outside,
    new_figure,
    require_columns,
    set_title,
    tidy,
    unit_styles,
    word,
    zone_of,
)

__all__ = [
    "DODGE_YEARS",
    "OUTCOME_COLORS",
    "plot_coverage_sensitivity",
    "plot_crosstab",
    "plot_group_distribution",
    "plot_indicator_trend",
    "plot_pooled_vs_mean",
    "plot_roster_flows",
]

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


def _default_label(indicator: str, labels: Mapping[str, str] | None, lang: str) -> str:
    """The caller's label, else the catalogue's name, else the id."""
    if labels and indicator in labels:
        return str(labels[indicator])
    return vocab.indicator_names(lang=lang).get(indicator, indicator)


def _catalogue_unit(indicator: str | None, lang: str) -> str | None:
    """The catalogue's unit of ``indicator`` (``"%"``, ``"人/万人"`` …); None when unknown."""
    if indicator is None or indicator not in vocab.indicator_names(lang=lang):
        return None
    return vocab.unit_label(indicator, lang=lang)


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
    check_lang(lang)
    require_columns(long, LONG_COLUMNS, what="indicator table")
    rows = long[long["indicator"] == indicator]
    if rows.empty:
        known = sorted(map(str, pd.unique(long["indicator"])))
        msg = f"Unknown indicator {indicator!r}; known: {', '.join(known)}."
        raise ContractError(msg)
    years = sorted(int(y) for y in pd.unique(rows["year"]))
    ids = community_ids(rows, communities)
    zone_id = zone_of(rows, ids[0] if ids else None, communities) if zone else None
    styles = unit_styles(ids, communities)
    unit_names = vocab.unit_names(communities, lang=lang, names=names)
    fig, ax = new_figure(ax)
    by_unit = rows.drop_duplicates(["unit_id", "year"], keep="last").set_index(["unit_id", "year"])["value"]
    if unit is None:
        unit = _catalogue_unit(indicator, lang)
    suffix = "%" if unit == "%" else ""
    drawn = [(u, styles[u][0], styles[u][1], unit_names.get(u, u)) for u in ids]
    if zone_id is not None:
        drawn.append((zone_id, palette.ZONE_COLOR, "--",
                      unit_names.get(zone_id, word("zone", lang=lang))))
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
            ends.append((float(x[last]), float(values[last]), f"{fmt(values[last])}{suffix}", color))
    ax.set_xticks(years, [word("year_col", lang=lang, year=y) for y in years])
    if len(years) > 1:
        span = years[-1] - years[0]
        ax.set_xlim(years[0] - 0.15 * span, years[-1] + 0.25 * span)
    ax.set_ylim(bottom=0)
    _end_labels(ax, ends)
    label = _default_label(indicator, labels, lang)
    ax.set_ylabel(vocab.with_unit(label, unit, lang=lang), fontsize=8)
    tidy(ax, grid_axis="y")
    legend_outside(ax)
    set_title(ax, title, word("fig.trend_title", lang=lang, label=label))
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
    check_lang(lang)
    require_columns(flows, ("joined", "left"), what="roster flows")
    if not isinstance(flows.index, pd.MultiIndex) or flows.index.nlevels != 2:
        msg = "The roster flows must be indexed by (group, year), as linli.explore.roster_flows returns."
        raise ContractError(msg)
    frame = flows.reset_index()
    group_col, year_col = frame.columns[0], frame.columns[1]
    frame[group_col] = frame[group_col].astype(str)
    groups = community_ids(pd.DataFrame({"unit_id": frame[group_col]}), communities)
    years = sorted(int(y) for y in pd.unique(frame[year_col]))
    styles = unit_styles(groups, communities)
    unit_names = vocab.unit_names(communities, lang=lang, names=names)
    table = frame.set_index([group_col, year_col])
    fig, ax = new_figure(ax)
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
    ax.set_xticks(range(len(years)), [word("year_col", lang=lang, year=y) for y in years])
    span = max(top, bottom, 1.0)
    ax.set_ylim(-(bottom + 0.18 * span), top + 0.18 * span)
    ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{abs(v):,.0f}"))
    ax.set_ylabel(ylabel if ylabel is not None else word("fig.members", lang=lang), fontsize=8)
    ax.text(0.005, 0.99, word("fig.joined", lang=lang), transform=ax.transAxes,
            ha="left", va="top", fontsize=7.5, color="#444444")
    ax.text(0.005, 0.01, word("fig.left", lang=lang),
            transform=ax.transAxes, ha="left", va="bottom", fontsize=7.5, color="#444444")
    tidy(ax, grid_axis="y")
    legend_outside(ax)
    set_title(ax, title, word("fig.flows_title", lang=lang))
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
    check_lang(lang)
    require_columns(frame, (value, by), what="table")
    values = pd.to_numeric(frame[value], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    group = frame[by].astype("string").fillna("").to_numpy(dtype=object)
    keep = np.isfinite(values)
    if by == "community_id":
        groups = community_ids(pd.DataFrame({"unit_id": pd.unique(group[keep])}), communities)
        styles = unit_styles(groups, communities)
        colors = {g: styles[g][0] for g in groups}
    else:
        groups = sorted({str(g) for g in group[keep]})
        colors = {g: OKABE_ITO[i % len(OKABE_ITO)] for i, g in enumerate(groups)}
    unit_names = vocab.unit_names(communities, lang=lang, names=names)
    height = max(FIGSIZE[1], 0.55 * len(groups) + 1.2)
    fig, ax = new_figure(ax, (FIGSIZE[0], height))
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
        text = (f"n={len(d)}  " + word("median_word", lang=lang) + f" {fmt(float(np.median(d)))}"
                if len(d) else word("no_data", lang=lang))
        ax.annotate(text, (1.01, yi), xycoords=("axes fraction", "data"), va="center",
                    ha="left", fontsize=7.5, color="#333333")
    handles: list[object] = []
    if reference is not None:
        ax.axvline(reference, color=palette.TARGET_COLOR, linestyle=":", linewidth=1.8)
        handles.append(Line2D([], [], color=palette.TARGET_COLOR, linestyle=":", linewidth=1.8,
                              label=reference_label if reference_label is not None
                              else fmt(float(reference))))
    ax.set_yticks(y, [unit_names.get(g, g) for g in groups])
    ax.invert_yaxis()
    ax.set_xlim(left=min(0.0, float(np.nanmin(finite)) if len(finite) else 0.0),
                right=right * 1.05 if right > 0 else 1.0)
    ax.set_xlabel(xlabel if xlabel is not None else value, fontsize=8)
    tidy(ax)
    if handles:
        ax.legend(handles=handles, loc="lower right", bbox_to_anchor=(1.0, 1.0), frameon=False,
                  fontsize=7.5, borderaxespad=0.2)
    set_title(ax, title, word("fig.distribution_title", lang=lang, value=value))
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
    check_lang(lang)
    require_columns(table, ("denominator", "value"), what="pooled-versus-mean table")
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
    styles = unit_styles(ids, communities)
    unit_names = vocab.unit_names(communities, lang=lang, names=names)
    widths = parts["denominator"].to_numpy(dtype="float64")
    heights = parts["value"].to_numpy(dtype="float64")
    fig, ax = new_figure(ax)
    lefts = np.concatenate([[0.0], np.cumsum(np.nan_to_num(widths))[:-1]])
    suffix = "%" if unit == "%" else ""
    for uid, x0, w, h in zip(ids, lefts, widths, heights, strict=True):
        if not (np.isfinite(w) and np.isfinite(h)):
            continue
        color = styles[uid][0]
        ax.bar(x0, h, width=w, align="edge", color=color, alpha=0.85, edgecolor="white",
               linewidth=1.5)
        ax.text(x0 + w / 2, h / 2, f"{unit_names.get(uid, uid)}\n{fmt(h)}{suffix}",
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
                              label=word("fig.pooled", lang=lang, zone=zone_name,
                                         value=f"{zone_value:,.{digits}f}{suffix}")))
    if np.isfinite(mean_value):
        ax.axhline(mean_value, color=palette.ALERT_COLOR, linestyle=":", linewidth=1.8)
        handles.append(Line2D([], [], color=palette.ALERT_COLOR, linestyle=":", linewidth=1.8,
                              label=word("fig.mean_of_communities", lang=lang,
                                         value=f"{mean_value:,.{digits}f}{suffix}")))
    ax.set_xlim(0, total if total > 0 else 1.0)
    finite = heights[np.isfinite(heights)]
    top = max([*finite.tolist(), zone_value if np.isfinite(zone_value) else 0.0,
               mean_value if np.isfinite(mean_value) else 0.0, 0.0])
    ax.set_ylim(0, top * 1.12 if top > 0 else 1.0)
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.set_xlabel(denominator_label if denominator_label is not None
                  else word("fig.denominator", lang=lang), fontsize=8)
    vlabel = value_label if value_label is not None else word("fig.ratio", lang=lang)
    ax.set_ylabel(vocab.with_unit(vlabel, unit, lang=lang), fontsize=8)
    tidy(ax, grid_axis="y")
    legend_outside(ax, handles=handles)
    set_title(ax, title, word("fig.pooled_title", lang=lang, label=vlabel))
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
    check_lang(lang)
    cols = list(columns) if columns is not None else [str(c) for c in table.columns]
    require_columns(table, cols, what="table")
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
                  else {c: OKABE_ITO[i % len(OKABE_ITO)] for i, c in enumerate(cols)})
    unit_names = vocab.unit_names(communities, lang=lang, names=names)
    row_names = {**unit_names, **(dict(row_labels) if row_labels else {})}
    fig, ax = new_figure(ax, (FIGSIZE[0], max(FIGSIZE[1], 0.34 * len(rows) + 1.4)))
    y = np.arange(len(rows))
    left = np.zeros(len(rows))
    for j, c in enumerate(cols):
        color = colors.get(c, OKABE_ITO[j % len(OKABE_ITO)])
        name = column_labels.get(c, c) if column_labels else c
        ax.barh(y, shares[:, j], left=left, height=0.68, color=color, edgecolor="white",
                linewidth=0.6, label=name)
        for yi in y:
            if shares[yi, j] >= 7:
                ax.text(left[yi] + shares[yi, j] / 2, yi, f"{shares[yi, j]:.0f}%", ha="center",
                        va="center", fontsize=7, color=palette.text_color_on(color))
        left += shares[:, j]
    for yi, n in zip(y, totals, strict=True):
        ax.text(101.5, yi, f"n={n:,.0f}" if n > 0 else word("no_data", lang=lang), va="center", ha="left",
                fontsize=7.5, color="#333333")
    ax.set_yticks(y, [row_names.get(r, r) for r in rows])
    ax.invert_yaxis()
    ax.set_xlim(0, 112)
    ax.set_xticks(range(0, 101, 20))
    ax.spines["bottom"].set_bounds(0, 100)
    ax.set_xlabel(xlabel if xlabel is not None else word("fig.share", lang=lang), fontsize=8)
    tidy(ax)
    legend_outside(ax)
    set_title(ax, title, word("fig.composition_title", lang=lang))
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
    check_lang(lang)
    require_columns(table, ("unit_id", "radius_m", "covered_pct"), what="coverage table")
    frame = table.assign(unit_id=table["unit_id"].astype(str))
    known = (set(map(str, communities["community_id"])) if communities is not None
             and "community_id" in communities else None)
    units = [str(u) for u in pd.unique(frame["unit_id"])]
    ids = [u for u in units if known is None or u in known]
    if known is None and len(ids) > 1:
        ids = ids[:-1]  # without a communities table the last unit is taken as the zone
    others = [u for u in units if u not in ids]
    ids = community_ids(pd.DataFrame({"unit_id": ids}), communities)
    styles = unit_styles(ids, communities)
    unit_names = vocab.unit_names(communities, lang=lang, names=names)
    fig, ax = new_figure(ax)
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
                   label=reference_label if reference_label is not None else word(
                       "fig.metres", lang=lang, radius=f"{reference:g}"))
    ax.set_xticks(radii, [f"{r:g}" for r in radii])
    ax.set_ylim(0, 105)
    ax.set_xlabel(word("fig.radius_axis", lang=lang), fontsize=8)
    ax.set_ylabel(word("fig.covered_axis", lang=lang), fontsize=8)
    tidy(ax, grid_axis="y")
    legend_outside(ax)
    set_title(ax, title, word("fig.coverage_title", lang=lang))
    return fig, ax
