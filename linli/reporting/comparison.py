"""The zone's report: its communities side by side, ranked with uncertainty, and what drives the ranks.

``res`` is the zone's slice of the hand-off (:class:`linli.handoff.UnitSlice`: its frames
hold the zone and all its communities). The zone stands beside its communities, with its
index and band, and is not ranked. Every word comes from :mod:`linli.labels`.

A zone of more than :data:`linli.reporting.selection.ALL_UP_TO` communities would give
tables thousands of columns wide: its tables show instead the distribution over its
communities (lowest, quartiles, median, highest: :func:`comparison_table`,
:func:`dimension_scores_table`), how many communities a choice moves
(:func:`sensitivity_table`, :func:`drivers_text`), and by name only the best and worst
ranked (:func:`ranking_table`, :func:`drivers_table`); their notes say so.
"""

from __future__ import annotations

import html as html_lib
from typing import Any

import numpy as np
import pandas as pd

from ..handoff import UnitSlice
from ..indicators import catalogue as catalogue_mod
from ..labels import check_lang, dimension_label, indicator_name, unit_names, whole, word
from ..spec import SCORED_DIMENSIONS
from ..uncertainty import INPUTS
from . import _slice as sl
from . import selection
from .format import (
    DASH,
    band_text,
    format_value,
    interval_text,
    is_missing,
    kept_text,
    monte_carlo,
    number,
    rank_text,
    row_decimals,
    score_text,
)
from .render import note, to_html
from .tables import ARROWS, reference_text

__all__ = [
    "comparison_table",
    "comparisons_html",
    "dimension_scores_table",
    "distribution",
    "distribution_note",
    "drivers_note",
    "drivers_table",
    "drivers_text",
    "effect_text",
    "input_label",
    "ranking_note",
    "ranking_table",
    "sensitivity_table",
    "standings",
]


def _many(res: UnitSlice) -> bool:
    """Whether ``res`` is a zone too large to show every community by name."""
    return res.unit_type == "zone" and len(sl.communities(res)) > selection.ALL_UP_TO


_STATS: tuple[str, ...] = ("lowest", "q1", "median", "q3", "highest")


def distribution(frame: pd.DataFrame, *, by: str, value: str) -> pd.DataFrame:
    """Return, for each group of ``by``, the values' count and spread: ``n, lowest, q1,
    median, q3, highest`` (quartiles interpolated linearly; missing values left out).

    Examples
    --------
    >>> f = pd.DataFrame({"indicator": ["a"] * 5 + ["b"], "value": [1, 2, 3, 4, None, 7.0]})
    >>> distribution(f, by="indicator", value="value").values.tolist()  # a: 1–4, q1 = 1 + 0.75 × (2 − 1)
    [[4.0, 1.0, 1.75, 2.5, 3.25, 4.0], [1.0, 7.0, 7.0, 7.0, 7.0, 7.0]]
    """
    values = pd.DataFrame({"key": frame[by].astype(str).to_numpy(),
                           "v": pd.to_numeric(frame[value], errors="coerce").to_numpy(dtype=float)}).dropna()
    groups = values.groupby("key")["v"]
    out = groups.quantile([0.0, 0.25, 0.5, 0.75, 1.0]).unstack()
    out.columns = list(_STATS)
    out.insert(0, "n", groups.size().astype(float))
    return out


def _stat_columns(lang: str) -> list[str]:
    return [word("dist.n", lang=lang), *(word(f"dist.{k}", lang=lang) for k in _STATS)]


def distribution_note(res: UnitSlice, *, lang: str = "zh") -> str | None:
    """The note under a table that shows a large zone's distribution (None for a zone shown whole)."""
    return word("scope.distribution", lang=lang, of=whole(len(sl.communities(res)), lang=lang)) if _many(res) else None


def _shown_note(res: UnitSlice, lang: str) -> str:
    """``Shown: the 10 best and 10 worst ranked …`` for a large zone, else ""."""
    if not _many(res):
        return ""
    text = selection.scope_text(selection.extremes(selection.ranked(res.uncertainty, year=res.year)), lang=lang)
    return "" if text is None else word("scope.shown", lang=lang, scope=text)


def _named(res: UnitSlice) -> list[str]:
    """The communities a zone's report names: all, or the best and worst ranked of a large zone."""
    return list(selection.extremes(selection.ranked(res.uncertainty, year=res.year)).ids) if _many(res) else sl.communities(res)


def _comparison_spread(res: UnitSlice, dimension: str, lang: str) -> pd.DataFrame:
    """:func:`comparison_table` of a large zone: each indicator's distribution over the communities."""
    inds = catalogue_mod.load().in_dimension(dimension)
    members = set(sl.communities(res))
    now = res.indicators[(res.indicators["year"] == res.year) & res.indicators["unit_id"].astype(str).isin(members)]
    stats = distribution(now, by="indicator", value="value")
    mine = sl.by_indicator(res.indicators, res.unit_id, res.year)
    rows = []
    for ind in inds:
        cells = [indicator_name(ind.id, lang=lang, unit=True) + ("" if dimension == "profile" else ARROWS[ind.direction])]
        value = mine["value"].get(ind.id, np.nan) if len(mine) else np.nan
        if ind.id in stats.index:
            st = stats.loc[ind.id]
            places = row_decimals([*(st[k] for k in _STATS), value], unit=ind.unit.en)
            cells += [whole(st["n"], lang=lang),
                      *(format_value(st[k], unit=ind.unit.en, lang=lang, decimals=places) for k in _STATS)]
        else:
            places = row_decimals([value], unit=ind.unit.en)
            cells += ["0", *(DASH for _ in _STATS)]
        cells.append(format_value(value, unit=ind.unit.en, lang=lang, decimals=places))
        cells.append(reference_text(ind, lang))
        rows.append(cells)
    zone = unit_names(res.units, lang=lang).get(res.unit_id, res.unit_id)
    frame = pd.DataFrame(rows, columns=[word("indicator", lang=lang), *_stat_columns(lang), zone, word("target_col", lang=lang)])
    return frame if any(ind.target is not None for ind in inds) else frame.iloc[:, :-1]


def comparison_table(res: UnitSlice, *, dimension: str, lang: str = "zh") -> pd.DataFrame:
    """Return one dimension's indicators for every community of a zone, side by side,
    with the zone's pooled value last (and the target/benchmark when there is one).

    ``res`` is the zone's :class:`~linli.handoff.UnitSlice` (its frames hold the zone
    and all its communities). A zone of more than
    :data:`~linli.reporting.selection.ALL_UP_TO` communities gets, instead of a column per
    community, the distribution over them (:func:`distribution`), then the zone's value.

    Examples
    --------
    >>> from linli.testing import example_zone
    >>> t = comparison_table(example_zone(), dimension="lin_he", lang="en")
    >>> t.columns.tolist()
    ['Indicator', 'Jia', 'Yi', 'Model Street', 'Target / benchmark']
    >>> t.iloc[1].tolist()
    ['Mediation success rate', '95.7%', '92.0%', '94.0%', '≥ 96.0% (benchmark)']
    """
    check_lang(lang)
    if _many(res):
        return _comparison_spread(res, dimension, lang)
    inds = catalogue_mod.load().in_dimension(dimension)
    units = [*sl.communities(res), *([res.unit_id] if res.unit_type == "zone" else [])]
    values = {u: sl.by_indicator(res.indicators, u, res.year) for u in units}
    names = unit_names(res.units, lang=lang)
    rows = []
    for ind in inds:
        cells = [indicator_name(ind.id, lang=lang, unit=True) + ("" if dimension == "profile" else ARROWS[ind.direction])]
        row = [values[u]["value"].get(ind.id, np.nan) if len(values[u]) else np.nan for u in units]
        places = row_decimals(row, unit=ind.unit.en)
        cells += [format_value(v, unit=ind.unit.en, lang=lang, decimals=places) for v in row]
        cells.append(reference_text(ind, lang))
        rows.append(cells)
    frame = pd.DataFrame(rows, columns=[word("indicator", lang=lang), *(names.get(u, u) for u in units),
                                        word("target_col", lang=lang)])
    if not any(ind.target is not None for ind in inds):
        frame = frame.iloc[:, :-1]
    return frame


def dimension_scores_table(res: UnitSlice, *, lang: str = "zh") -> pd.DataFrame:
    """Return the dimension scores and the index of every community and the zone
    (of a zone of more than :data:`~linli.reporting.selection.ALL_UP_TO` communities:
    their distribution, then the zone's).

    Examples
    --------
    >>> from linli.testing import example_zone
    >>> t = dimension_scores_table(example_zone())
    >>> t.iloc[-1].tolist()
    ['邻里指数', '57.4', '61.0', '66.0']
    """
    check_lang(lang)
    if _many(res):
        members = set(sl.communities(res))
        now = res.index[(res.index["year"] == res.year) & res.index["unit_id"].astype(str).isin(members)]
        items = [*SCORED_DIMENSIONS, "index"]
        stats = distribution(now.melt(id_vars=["unit_id"], value_vars=items, var_name="item"), by="item", value="value")
        zone = sl.one(res.index, res.unit_id, res.year)
        rows = [[dimension_label(d, lang=lang) if d != "index" else word("index", lang=lang),
                 *([whole(stats.loc[d, "n"], lang=lang), *(score_text(stats.loc[d, k], lang) for k in _STATS)]
                   if d in stats.index else ["0", *(DASH for _ in _STATS)]),
                 score_text(zone.get(d), lang)] for d in items]
        name = unit_names(res.units, lang=lang).get(res.unit_id, res.unit_id)
        return pd.DataFrame(rows, columns=[word("item", lang=lang), *_stat_columns(lang), name])
    units = [*sl.communities(res), *([res.unit_id] if res.unit_type == "zone" else [])]
    idx = {u: sl.one(res.index, u, res.year) for u in units}
    names = unit_names(res.units, lang=lang)
    rows = [[dimension_label(d, lang=lang), *(score_text(idx[u].get(d), lang) for u in units)]
            for d in SCORED_DIMENSIONS]
    rows.append([word("index", lang=lang), *(score_text(idx[u].get("index"), lang) for u in units)])
    return pd.DataFrame(rows, columns=[word("item", lang=lang), *(names.get(u, u) for u in units)])


def ranking_table(res: UnitSlice, *, lang: str = "zh", highlight: str | None = None) -> pd.DataFrame:
    """Return the communities ranked by the Linli Index, with band and rank interval, and
    the zone beside them, not ranked.

    Communities are sorted by the headline rank (ties by id); the zone (of a zone's
    results) comes last, marked as the zone, with its index and band and no rank.
    ``highlight`` marks a community's row (the ``_highlight`` display hint). A zone of
    more than :data:`~linli.reporting.selection.ALL_UP_TO` communities lists its
    :data:`~linli.reporting.selection.EXTREMES` best and worst ranked
    (:func:`ranking_note` with ``res`` says so).

    Examples
    --------
    >>> from linli.testing import example_zone
    >>> t = ranking_table(example_zone(), highlight="jia")
    >>> t.columns.tolist()
    ['排名', '社区', '邻里指数', '指数区间（5%–95%）', '排名区间（5%–95%）', '保持该排名', '_highlight']
    >>> t.iloc[1, :6].tolist()
    ['2', '甲社区', '57.4', '55.9–58.6', '第1–2名（中位数第2名）', '83%']
    >>> t.iloc[2, :6].tolist(), t["_highlight"].tolist()
    (['—', '示范街道（实验区）', '66.0', '64.9–66.6', '不参与排名', '—'], [False, True, False])
    """
    check_lang(lang)
    ids = set(_named(res))
    unc = res.uncertainty
    now = unc[unc["year"] == res.year]
    rows = now[now["unit_id"].astype(str).isin(ids)].copy()
    rows["_rank"] = pd.to_numeric(rows["rank"], errors="coerce")
    rows = rows.sort_values(["_rank", "unit_id"], na_position="last")
    if res.unit_type == "zone":
        rows = pd.concat([rows, now[now["unit_id"].astype(str) == res.unit_id]], ignore_index=True)
    names = unit_names(res.units, lang=lang)
    records = []
    for r in rows.to_dict(orient="records"):
        uid = str(r["unit_id"])
        is_zone = str(r.get("unit_type")) == "zone"
        records.append({
            word("rank", lang=lang): DASH if is_missing(r["rank"]) else str(int(r["rank"])),
            word("community", lang=lang): word("zone_mark", lang=lang, name=names.get(uid, uid)) if is_zone
            else names.get(uid, uid),
            word("index", lang=lang): score_text(r["index"], lang),
            word("band", lang=lang): band_text(r, lang, median=False),
            word("rank_interval", lang=lang): word("not_ranked", lang=lang) if is_zone else interval_text(r, lang),
            word("rank_kept", lang=lang): DASH if is_missing(r.get("rank_kept_pct")) else f"{kept_text(r['rank_kept_pct'])}%",
        })
    columns = [word(k, lang=lang) for k in ("rank", "community", "index", "band", "rank_interval", "rank_kept")]
    out = pd.DataFrame(records, columns=columns)
    return sl.with_highlight(out, [str(u) == highlight for u in rows["unit_id"]])


def standings(uncertainty: pd.DataFrame, *, year: int, lang: str = "zh") -> dict[str, dict[str, str]]:
    """Return each unit's standing in ``year`` as an index page shows it: ``index``,
    ``band`` (5–95 % when the weights vary), ``rank`` (a zone is not ranked) and
    ``rank_detail`` (the rank's 5–95 % interval and the share of draws that keep it; ""
    for a unit without a rank), which the page prints under the rank as the band under
    the index.

    Examples
    --------
    >>> from linli.testing import example_zone
    >>> s = standings(example_zone().uncertainty, year=2024)
    >>> s["jia"]
    {'index': '57.4', 'band': '55.9–58.6', 'rank': '第2名（共2个社区）', 'rank_detail': '区间第1–2名，83%的模拟保持'}
    >>> s["model"]["rank"], s["model"]["rank_detail"]
    ('不参与排名', '')
    >>> en = standings(example_zone().uncertainty, year=2024, lang="en")["jia"]
    >>> en["rank"], en["rank_detail"]
    ('rank 2 of 2', 'interval 1–2, kept in 83 % of draws')
    """
    check_lang(lang)
    now = uncertainty[uncertainty["year"] == year]
    out: dict[str, dict[str, str]] = {}
    for r in now.to_dict(orient="records"):
        detail = ""
        if str(r.get("unit_type")) == "zone":
            rank = word("not_ranked", lang=lang)
        elif is_missing(r.get("rank")):
            rank = DASH
        else:
            n = r.get("n_ranked")
            lo, hi = r.get("rank_low"), r.get("rank_high")
            kept = r.get("rank_kept_pct")
            span = DASH if is_missing(lo) else (f"{int(lo)}" if int(lo) == int(hi) else f"{int(lo)}–{int(hi)}")
            rank = rank_text(r["rank"], n=None if is_missing(n) else n, lang=lang)
            detail = word("standing_detail", lang=lang, span=span, kept=DASH if is_missing(kept) else kept_text(kept))
        out[str(r["unit_id"])] = {"index": score_text(r.get("index"), lang),
                                  "band": band_text(r, lang, median=False), "rank": rank, "rank_detail": detail}
    return out


def ranking_note(*, lang: str = "zh", res: UnitSlice | None = None, table: bool = True) -> str:
    """Return the note under the index figure and the ranking table (the Monte Carlo settings filled in);
    with a large zone's ``res``, which communities the table lists. Without the ``table`` (a
    community's report shows the figure alone) the note does not explain the table's "rank kept".

    Examples
    --------
    >>> "±25%" in ranking_note() and "1000次模拟" in ranking_note()
    True
    >>> "保持该排名" in ranking_note(), "保持该排名" in ranking_note(table=False)
    (True, False)
    """
    mc = monte_carlo()
    draws = whole(mc.draws, lang=lang)
    text = word("n_ranking", lang=lang, draws=draws, jitter=f"{mc.weight_perturbation * 100:g}",
                kept=word("n_ranking_kept", lang=lang) if table else "")
    return text + (_shown_note(res, lang) if res is not None else "")


def input_label(name: str, lang: str) -> str:
    """The name of an uncertain input (normalisation, aggregation, weights) in ``lang``."""
    return word(f"input_{name}", lang=lang)


def effect_text(value: Any, low: Any, high: Any, lang: str) -> str:
    """``0.62（0.55–0.70）`` / ``0.62 (0.55–0.70)``; — when missing.

    An interval whose lower end is negative reads ``−0.11至0.28`` / ``−0.11 – 0.28``,
    so that the minus sign and the dash are not read together.
    """
    if is_missing(value):
        return DASH
    text = number(value, lang, 2)
    if not is_missing(low):
        sep = "–" if float(low) >= 0 else word("range_to", lang=lang)
        interval = f"{number(low, lang, 2)}{sep}{number(high, lang, 2)}"
        text += word("in_brackets", lang=lang, text=interval)
    return text


def _drivers(res: UnitSlice, *, named: bool = False) -> pd.DataFrame:
    """The rank sensitivity rows of the report year's communities, in report order
    (``named``: of the communities the report names, :func:`_named`)."""
    sens = res.rank_sensitivity
    if sens is None or sens.empty:
        return pd.DataFrame(columns=["unit_id", "input"])
    order = {u: k for k, u in enumerate(_named(res) if named else sl.communities(res))}
    rows = sens[(sens["year"] == res.year) & sens["unit_id"].astype(str).isin(order)].copy()
    rows["_unit"] = rows["unit_id"].astype(str).map(order)
    rows["_input"] = rows["input"].astype(str).map({n: k for k, n in enumerate(INPUTS)})
    return rows.sort_values(["_unit", "_input"])


def drivers_table(res: UnitSlice, *, lang: str = "zh") -> pd.DataFrame:
    """Return which choice drives each community's rank: the sensitivity indices.

    One row per community and choice (normalisation, aggregation, dimension weights):
    the first-order and the total-effect index with their bootstrap 5–95 % intervals
    (:func:`linli.uncertainty.rank_sensitivity`). A community whose rank never moves has
    one row that says so. A large zone: its best and worst ranked communities only
    (:func:`drivers_note` with ``res`` says so).

    Examples
    --------
    >>> from linli.testing import example_zone
    >>> t = drivers_table(example_zone())
    >>> t.columns.tolist()
    ['社区', '选择', '一阶效应（5%–95%）', '总效应（5%–95%）']
    >>> t.iloc[0].tolist()
    ['甲社区', '标准化方法', '0.70（0.55–0.85）', '0.90（0.80–1.00）']
    >>> t.iloc[2].tolist()  # the community's name on its first row only
    ['', '维度权重', '0.00（−0.02至0.02）', '0.02（0.01–0.03）']
    """
    check_lang(lang)
    names = unit_names(res.units, lang=lang)
    rows = []
    for _, group in _drivers(res, named=True).groupby("_unit", sort=True):
        unit = str(group["unit_id"].iloc[0])
        name = names.get(unit, unit)
        if not (group["rank_variance"] > 0).any():
            same = word("drivers.same_rank", lang=lang)
            rows.append([name, same, DASH, DASH])
            continue
        for k, r in enumerate(group.to_dict(orient="records")):
            rows.append([
                name if k == 0 else "",
                input_label(str(r["input"]), lang),
                effect_text(r["first_order"], r["first_order_low"], r["first_order_high"], lang),
                effect_text(r["total_effect"], r["total_effect_low"], r["total_effect_high"], lang),
            ])
    columns = [word(k, lang=lang) for k in ("community", "choice", "first_order", "total_effect")]
    return pd.DataFrame(rows, columns=columns)


def drivers_text(res: UnitSlice, *, lang: str = "zh") -> str:
    """Return, per community, the rank interval and the choice that drives it most, in words.

    The main driver is the choice with the largest total effect. A zone of more than
    :data:`~linli.reporting.selection.ALL_UP_TO` communities: one line per choice with
    the number of communities it drives most, and one with those whose rank never moves.

    Examples
    --------
    >>> from linli.testing import example_zone
    >>> print(drivers_text(example_zone()))
    - **甲社区**：排名在第1–2名之间变化，主要取决于标准化方法（总效应0.90）。
    - **乙社区**：排名在第1–2名之间变化，主要取决于标准化方法（总效应0.90）。
    """
    check_lang(lang)
    if _many(res):
        return _drivers_counts(res, lang)
    names = unit_names(res.units, lang=lang)
    lines = []
    for _, group in _drivers(res).groupby("_unit", sort=True):
        unit = str(group["unit_id"].iloc[0])
        name = names.get(unit, unit)
        u = sl.one(res.uncertainty, unit, res.year)
        moves = (group["rank_variance"] > 0).any()
        if not moves:
            r = u.get("rank")
            rank = "" if is_missing(r) else word("rank_span", lang=lang, span=int(r))
            lines.append(word("drivers.fixed", lang=lang, name=name, rank=rank))
            continue
        top = group.loc[group["total_effect"].astype(float).idxmax()]
        driver = input_label(str(top["input"]), lang)
        effect = number(top["total_effect"], lang, 2)
        lo, hi = u.get("rank_low"), u.get("rank_high")
        if is_missing(lo):
            span = ""
        elif int(lo) == int(hi):
            span = word("drivers.mostly", lang=lang, rank=int(lo))
        else:
            span = word("drivers.between", lang=lang, lo=int(lo), hi=int(hi))
        lines.append(word("drivers.line", lang=lang, name=name, span=span, driver=driver, effect=effect))
    return "\n".join(lines)


def _drivers_counts(res: UnitSlice, lang: str) -> str:
    """:func:`drivers_text` of a large zone: how many communities each choice drives most."""
    rows = _drivers(res)
    if rows.empty:
        return ""
    unit = rows["unit_id"].astype(str)
    moves = (pd.to_numeric(rows["rank_variance"], errors="coerce") > 0).groupby(unit).transform("any")
    moving = rows[moves.to_numpy(dtype=bool)].assign(_effect=lambda f: pd.to_numeric(f["total_effect"], errors="coerce"))
    moving = moving[moving["_effect"].notna()]
    # each community's main driver: its row with the largest total effect (first of equals, in input order)
    top = moving.sort_values(["unit_id", "_effect", "_input"], ascending=[True, False, True]).drop_duplicates("unit_id")
    counts = top["input"].astype(str).value_counts()
    lines = [word("drivers.count", lang=lang, driver=input_label(i, lang), n=whole(int(counts[i]), lang=lang))
             for i in INPUTS if i in counts.index]
    fixed = int((~moves).groupby(unit).all().sum())
    if fixed:
        lines.append(word("drivers.count_fixed", lang=lang, n=whole(fixed, lang=lang)))
    return "\n".join(lines)


def drivers_note(*, lang: str = "zh", res: UnitSlice | None = None) -> str:
    """Return the note under :func:`drivers_table` (how to read the indices, the settings filled in);
    with a large zone's ``res``, which communities the table lists.

    Examples
    --------
    >>> "Jansen 1999" in drivers_note(lang="en")
    True
    """
    mc = monte_carlo()
    text = word("n_drivers", lang=lang, draws=whole(mc.draws, lang=lang), bootstrap=whole(mc.bootstrap, lang=lang))
    return text + (_shown_note(res, lang) if res is not None else "")


def sensitivity_table(res: UnitSlice, *, lang: str = "zh") -> pd.DataFrame:
    """Return each community's rank with each dimension left out, and the shift.

    Rows: the baseline rank, then one row per dimension left out; cells
    ``rank_without（shift）`` with the shift signed (``+1``: the unit falls a place).
    A zone of more than :data:`~linli.reporting.selection.ALL_UP_TO` communities: one
    row per dimension left out, with the communities whose rank moves, the median shift
    of those and the largest (places, unsigned).

    Examples
    --------
    >>> from linli.testing import example_zone
    >>> t = sensitivity_table(example_zone())
    >>> t.iloc[0].tolist(), t.iloc[3].tolist()
    (['全部维度（基准排名）', '2', '1'], ['邻和·调解', '1（−1）', '2（+1）'])
    """
    check_lang(lang)
    if _many(res):
        return _sensitivity_counts(res, lang)
    ids = sl.communities(res)
    sens = res.sensitivity
    sens = sens[(sens["year"] == res.year) & sens["unit_id"].astype(str).isin(ids)]
    names = unit_names(res.units, lang=lang)
    rows = []
    base = {str(r.unit_id): r.rank for r in sens.drop_duplicates("unit_id").itertuples(index=False)}
    rows.append([word("all_dimensions", lang=lang), *(DASH if is_missing(base.get(u)) else str(int(base[u])) for u in ids)])
    for d in SCORED_DIMENSIONS:
        cells = [dimension_label(d, lang=lang)]
        for u in ids:
            r = sens[(sens["unit_id"].astype(str) == u) & (sens["dimension"].astype(str) == d)]
            if r.empty or is_missing(r["rank_without"].iloc[0]):
                cells.append(DASH)
                continue
            shift = r["rank_shift"].iloc[0]
            s = "±0" if is_missing(shift) or int(shift) == 0 else f"{int(shift):+d}".replace("-", "−")
            cells.append(f"{int(r['rank_without'].iloc[0])}" + word("in_brackets", lang=lang, text=s))
        rows.append(cells)
    return pd.DataFrame(rows, columns=[word("dimension_left_out", lang=lang), *(names.get(u, u) for u in ids)])


def _sensitivity_counts(res: UnitSlice, lang: str) -> pd.DataFrame:
    """:func:`sensitivity_table` of a large zone: per dimension left out, how many communities move, and how far."""
    sens = res.sensitivity
    sens = sens[(sens["year"] == res.year) & sens["unit_id"].astype(str).isin(set(sl.communities(res)))]
    shift = pd.to_numeric(sens["rank_shift"], errors="coerce").abs()
    moved = pd.DataFrame({"dimension": sens["dimension"].astype(str).to_numpy(), "shift": shift.to_numpy(dtype=float)})
    moved = moved[moved["shift"] > 0]
    by = moved.groupby("dimension")["shift"]
    n, median, largest = by.size(), by.median(), by.max()
    rows = [[dimension_label(d, lang=lang), whole(int(n.get(d, 0)), lang=lang),
             DASH if d not in median.index else number(median[d], lang, 1),
             DASH if d not in largest.index else whole(largest[d], lang=lang)] for d in SCORED_DIMENSIONS]
    columns = [word("dimension_left_out", lang=lang), *(word(k, lang=lang) for k in
                                                         ("sens.moved", "sens.median_shift", "sens.largest_shift"))]
    return pd.DataFrame(rows, columns=columns)


def comparisons_html(res: UnitSlice, *, lang: str = "zh") -> str:
    """Return a subsection per scored dimension with :func:`comparison_table` (a zone's report)."""
    parts = []
    for d in SCORED_DIMENSIONS:
        parts.append(f"<h3>{html_lib.escape(dimension_label(d, lang=lang))}</h3>")
        parts.append(to_html(comparison_table(res, dimension=d, lang=lang)))
    spread = note("scope.distribution", lang=lang, of=whole(len(sl.communities(res)), lang=lang)) if _many(res) else ""
    return "".join(parts) + note("n_arrows", lang=lang) + spread
