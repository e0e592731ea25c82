"""The tables and texts about one unit: its headline, scorecard, profile and indicators.

Every function takes the unit's slice of the hand-off (:class:`linli.handoff.UnitSlice`)
and ``lang`` and returns a DataFrame with display-ready text cells and translated
headers, or a short text (render either with :func:`linli.reporting.render.to_html`).
The numbers come straight from the hand-off — nothing is recomputed, only formatted
(:mod:`linli.reporting.format`) — so a report says exactly what ``OUT/<year>/<unit>.json``
and ``linli indicators`` say. Every word comes from :mod:`linli.labels`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from ..handoff import UnitSlice
from ..indicators import catalogue as catalogue_mod
from ..indicators.satisfaction import ITEMS
from ..labels import (
    ageing_label,
    check_lang,
    dimension_label,
    indicator_name,
    ordinal,
    unit_names,
    whole,
    word,
)
from ..progress import STATUSES, growth_rate
from ..spec import SCORED_DIMENSIONS
from . import _slice as sl
from . import selection
from .format import (
    DASH,
    band_text,
    change_text,
    format_value,
    growth_text,
    interval_text,
    is_missing,
    kept_text,
    monte_carlo,
    rank_sentence,
    reason_text,
    row_decimals,
    score_text,
    target_text,
)

__all__ = [
    "ARROWS",
    "headline",
    "indicator_table",
    "is_baseline",
    "previous_year",
    "profile_table",
    "progress_counts",
    "reference_text",
    "satisfaction_table",
    "scorecard",
    "wushe_note",
    "wushe_table",
]

#: Mark after an indicator's name: ↓ lower is better, · context (not scored); no break before it.
ARROWS: dict[str, str] = {"up": "", "down": "\u00a0↓", "context": "\u00a0·"}


def previous_year(res: UnitSlice) -> int | None:
    """The year before the report year when it lies after the baseline and the unit has
    values in it (its column then stands between the baseline and now); else None.

    Examples
    --------
    >>> from linli.testing import example_unit
    >>> previous_year(example_unit()) is None  # 2023 has no values in the example
    True
    """
    prev = res.year - 1
    if prev <= res.baseline_year:
        return None
    rows = sl.rows(res.indicators, res.unit_id, prev)
    return prev if len(rows) and rows["value"].notna().any() else None


def is_baseline(res: UnitSlice) -> bool:
    """Whether the report is on the baseline year itself (no progress to show)."""
    return res.year <= res.baseline_year


def progress_counts(res: UnitSlice, unit_id: str | None, lang: str) -> str:
    """The progress statuses of ``unit_id`` counted: ``显著进展23项，退步5项``."""
    rows = sl.rows(res.progress, unit_id)
    if rows.empty:
        return DASH
    counts = rows["status"].astype(str).value_counts()
    parts = [word("count_item", lang=lang, label=word(s, lang=lang), n=int(counts[s]))
             for s in STATUSES if counts.get(s, 0)]
    return word("sep.clause", lang=lang).join(parts) if parts else DASH


def _target_counts(res: UnitSlice, unit_id: str | None, lang: str) -> tuple[str, str]:
    rows = sl.rows(res.progress, unit_id)
    sep = word("sep.clause", lang=lang)
    met = rows["target_met"].dropna().astype(bool) if "target_met" in rows else pd.Series(dtype=bool)
    if met.empty:
        targets = word("no_target", lang=lang)
    else:
        targets = sep.join([word("count_item", lang=lang, label=word("met", lang=lang), n=int(met.sum())),
                            word("count_item", lang=lang, label=word("not_met", lang=lang), n=int((~met).sum()))])
    vs = rows["vs_benchmark"].dropna().astype(str) if "vs_benchmark" in rows else pd.Series(dtype=str)
    vs = vs[vs.isin(["above", "below", "equal"])]
    if vs.empty:
        benchmarks = word("no_benchmark", lang=lang)
    else:
        counts = vs.value_counts()
        benchmarks = sep.join(word("count_item", lang=lang, label=word(k, lang=lang), n=int(counts[k]))
                              for k in ("above", "equal", "below") if counts.get(k, 0))
    return targets, benchmarks


def scorecard(res: UnitSlice, *, lang: str = "zh") -> pd.DataFrame:
    """Return the scorecard: index, its band and rank interval, dimension scores, targets
    met and progress statuses — for the unit and (for a community) its zone.

    Rows: the Linli Index (headline method); its band — the 5–95 % range (and median)
    of the index when only the weights vary; the rank among the communities with the
    share of Monte Carlo draws that keep it (a zone is not ranked); the rank interval
    (5–95 %, and the median rank) when normalisation, aggregation and weights all vary;
    the six dimension scores; targets met / not met; benchmarks; progress statuses
    counted.

    Examples
    --------
    >>> from linli.testing import example_unit
    >>> card = scorecard(example_unit())
    >>> card.columns.tolist()
    ['项目', '甲社区', '示范街道']
    >>> card.iloc[0].tolist(), card.iloc[1].tolist()
    (['邻里指数', '57.4', '66.0'], ['指数区间（仅权重变化，5%–95%）', '55.9–58.6（中位数57.3）', '64.9–66.6（中位数65.8）'])
    >>> card.iloc[2].tolist()
    ['排名', '第2名（共2个社区），1000次模拟中有83%仍为第2名', '不参与排名']
    >>> card.iloc[3].tolist()
    ['排名区间（5%–95%）', '第1–2名（中位数第2名）', '—']
    """
    check_lang(lang)
    zid = sl.zone_id(res)
    units = [res.unit_id] + ([zid] if zid else [])
    idx = {u: sl.one(res.index, u, res.year) for u in units}
    unc = {u: sl.one(res.uncertainty, u, res.year) for u in units}

    def ranked(u: str) -> bool:
        return not is_missing(unc[u].get("rank"))

    def rank_cell(u: str) -> str:
        if not ranked(u):
            return word("not_ranked", lang=lang) if unc[u].get("unit_type") == "zone" else DASH
        n = unc[u].get("n_ranked")
        return rank_sentence(unc[u]["rank"], unc[u].get("rank_kept_pct"),
                             n=n if not is_missing(n) and int(n) > 1 else None, lang=lang)

    rows: list[list[str]] = [
        [word("index", lang=lang), *(score_text(idx[u].get("index"), lang) for u in units)],
        [word("index_band", lang=lang), *(band_text(unc[u], lang) for u in units)],
        [word("rank", lang=lang), *(rank_cell(u) for u in units)],
        [word("rank_interval", lang=lang), *(interval_text(unc[u], lang) if ranked(u) else DASH for u in units)],
    ]
    for d in SCORED_DIMENSIONS:
        rows.append([dimension_label(d, lang=lang), *(score_text(idx[u].get(d), lang) for u in units)])
    counts = {u: _target_counts(res, u, lang) for u in units}
    rows.append([word("targets_row", lang=lang), *(counts[u][0] for u in units)])
    rows.append([word("benchmarks_row", lang=lang), *(counts[u][1] for u in units)])
    if is_baseline(res):  # no "2022→2022": the baseline year's report says what it is
        rows.append([word("progress", lang=lang), *(word("is_baseline_cell", lang=lang) for _ in units)])
    else:
        rows.append([word("progress_since", lang=lang, baseline=res.baseline_year, year=res.year),
                     *(progress_counts(res, u, lang) for u in units)])
    columns = [word("item", lang=lang), *(sl.name(res, u, lang) for u in units)]
    return pd.DataFrame(rows, columns=columns)


def headline(res: UnitSlice, *, lang: str = "zh") -> str:
    """Return one or two sentences that sum the report up (index, band, rank, progress).

    Examples
    --------
    >>> from linli.testing import example_unit
    >>> headline(example_unit())
    '甲社区2024年邻里指数为57.4（权重变化时的5%–95%区间为55.9–58.6），在2个社区中排第2名，1000次模拟中有83%仍为第2名（排名区间：第1–2名）。2022年以来，3项计分指标中显著进展2项，退步1项。'
    >>> headline(example_unit(), lang="en").split(". ")[0]
    'In 2024 the Linli Index of Jia is 57.4 (5–95 % band when the weights vary: 55.9–58.6), rank 2 of 2 communities; 83 % of 1,000 simulations keep it 2nd (rank interval 1–2)'
    """
    check_lang(lang)
    name = sl.name(res, res.unit_id, lang)
    i = sl.one(res.index, res.unit_id, res.year)
    u = sl.one(res.uncertainty, res.unit_id, res.year)
    draws = monte_carlo().draws
    if not i or is_missing(i.get("index")):
        text = word("headline.no_index", lang=lang, name=name, year=res.year)
    else:
        value, lo, hi = score_text(i["index"], lang), score_text(u.get("index_low"), lang), score_text(u.get("index_high"), lang)
        n = u.get("n_ranked")
        ranked = not is_missing(u.get("rank")) and not is_missing(n) and int(n) > 1
        text = word("headline.index", lang=lang, name=name, year=res.year, value=value, lo=lo, hi=hi)
        if ranked:
            r = int(u["rank"])
            text += word("headline.ranked", lang=lang, n=int(n), rank=r)
            tied = [g for g in _ties(_ranked_rows(res), lang) if str(res.unit_id) in g]
            if tied:
                names = unit_names(res.units, lang=lang)
                others = [names.get(u, u) for u in tied[0] if u != str(res.unit_id)]
                text += word("headline.tie_unit", lang=lang, names=word("sep.list", lang=lang).join(others))
            if not is_missing(u.get("rank_kept_pct")):
                text += word("rank_kept_sentence", lang=lang, draws=whole(draws, lang=lang),
                             pct=kept_text(u["rank_kept_pct"]), rank=r, ordinal=ordinal(r, lang=lang))
            lo_rank, hi_rank = int(u["rank_low"]), int(u["rank_high"])
            text += (word("headline.interval_one", lang=lang, rank=lo_rank) if lo_rank == hi_rank
                     else word("headline.interval", lang=lang, span=f"{lo_rank}–{hi_rank}"))
        elif res.unit_type == "zone":
            text += word("headline.zone", lang=lang)
            side = _outside(float(i["index"]), _ranked_rows(res)["index"].astype(float).tolist())
            if side is not None:
                text += word("headline.zone_outside", lang=lang, side=word(f"headline.zone_{side}", lang=lang))
        text += word("headline.end", lang=lang)
    if res.unit_type == "zone":
        text += order_text(res, lang)
    prog = sl.rows(res.progress, res.unit_id)
    if is_baseline(res):
        text += word("baseline_itself", lang=lang, year=res.year)
    elif len(prog):
        counts = progress_counts(res, res.unit_id, lang)
        # mid-sentence, the statuses read in lower case (Chinese has no case)
        text += word("headline.progress", lang=lang, baseline=res.baseline_year, n=len(prog), counts=counts.lower())
    return text


#: Communities named at either end of a large zone's order in its headline.
_ENDS: int = 3


def _outside(zone: float, communities: list[float]) -> str | None:
    """``above`` when the zone's index is above every one of (two or more) communities', ``below``
    when below every one, else None: pooled records, not a mean, can do that, and a reader asks.

    >>> _outside(57.7, [57.6, 57.4, 55.0]), _outside(56.0, [57.6, 55.0]), _outside(50.0, [51.0])
    ('above', None, None)
    """
    if len(communities) < 2:
        return None
    return "above" if zone > max(communities) else "below" if zone < min(communities) else None


def _ranked_rows(res: UnitSlice) -> pd.DataFrame:
    """The year's communities with an index, in rank order."""
    idx = res.index
    rows = idx[(idx["year"] == res.year) & idx["unit_id"].astype(str).isin(sl.communities(res)) & idx["index"].notna()]
    return rows.assign(_rank=pd.to_numeric(rows["rank"], errors="coerce")).sort_values(["_rank", "unit_id"])


def _ties(rows: pd.DataFrame, lang: str) -> list[list[str]]:
    """Runs of communities next to one another in rank order whose index reads the same
    (one decimal) but whose ranks differ: a reader would ask why one is ahead.

    >>> rows = pd.DataFrame({"unit_id": ["a", "b", "c", "d"], "index": [57.64, 57.56, 55.0, 54.96],
    ...                      "rank": [1, 2, 3, 4]})
    >>> _ties(rows, "zh")  # 57.6 and 57.6; 55.0 and 55.0
    [['a', 'b'], ['c', 'd']]
    """
    shown = [score_text(v, lang) for v in rows["index"]]
    runs: list[list[str]] = []
    for i, unit in enumerate(rows["unit_id"].astype(str)):
        if i and shown[i] == shown[i - 1]:
            runs[-1].append(unit)
        else:
            runs.append([unit])
    return [run for run in runs if len(run) > 1]


def order_text(res: UnitSlice, lang: str) -> str:
    """The zone's communities in index order (baseline method), as a sentence; those whose
    index reads the same to one decimal are said to be too close to tell apart."""
    rows = _ranked_rows(res)
    if rows.empty:
        return ""
    names = unit_names(res.units, lang=lang)

    def items(part: pd.DataFrame) -> str:
        return word("sep.list", lang=lang).join(
            word("headline.order_item", lang=lang, name=names.get(str(r.unit_id), str(r.unit_id)),
                 score=score_text(r.index, lang))
            for r in part.itertuples(index=False))

    if len(rows) > selection.ALL_UP_TO:  # a large zone: its best and worst three
        return word("headline.order_many", lang=lang, of=whole(len(sl.communities(res)), lang=lang), k=_ENDS,
                    top=items(rows.iloc[:_ENDS]), bottom=items(rows.iloc[-_ENDS:]))
    text = word("headline.order", lang=lang, items=items(rows))
    ties = _ties(rows, lang)
    if ties:
        text += word("headline.tie_zone", lang=lang, names=word("sep.list", lang=lang).join(
            word("tie.and", lang=lang).join(names.get(u, u) for u in run) for run in ties))
    return text



def reference_text(ind: catalogue_mod.Indicator, lang: str) -> str:
    """An indicator's target or benchmark: ``≥ 96.0%（基准）``; "" without one."""
    t = ind.target
    if t is None:
        return ""
    kind = word(t.kind, lang=lang)
    when = "" if t.year is None else word("reference_year", lang=lang, year=t.year)
    return word("reference", lang=lang, target=target_text(ind, lang=lang, unit=False), kind=kind, when=when)


def _verdict_text(prog: Mapping[str, Any], lang: str) -> str:
    met = prog.get("target_met")
    if not is_missing(met):
        return word("met" if bool(met) else "not_met", lang=lang)
    vs = prog.get("vs_benchmark")
    if not is_missing(vs) and str(vs) in ("above", "below", "equal"):
        return word(str(vs), lang=lang)
    return ""


def indicator_table(res: UnitSlice, *, dimension: str, lang: str = "zh") -> pd.DataFrame:
    """Return the indicators of one dimension for the unit (and its zone).

    Columns: the indicator (name, unit, ↓ for lower-is-better, · for context), the
    unit's value, the zone's value (a community's report), the score (0–100), the
    target or benchmark and whether it is met (only when the dimension has one),
    the progress status since the baseline year, and why a value is missing (only
    when one is).

    Examples
    --------
    >>> from linli.testing import example_unit
    >>> t = indicator_table(example_unit(), dimension="lin_he")
    >>> t.columns.tolist()
    ['指标', '甲社区', '示范街道', '得分', '目标/基准', '进展（2022→2024）', '说明']
    >>> t.iloc[0].tolist()
    ['每千户矛盾纠纷数（件/千户）\\xa0·', '49.1', '40.0', '—', '', '—', '']
    >>> t.iloc[1].tolist()
    ['调解成功率', '95.7%', '94.0%', '95.7', '≥ 96.0%（基准）：低于基准', '显著进展', '']
    >>> t.iloc[2, -1]
    '2024年受理的案件无调解成功并办结者'
    """
    check_lang(lang)
    cat = catalogue_mod.load()
    inds = cat.in_dimension(dimension)
    zid = sl.zone_id(res)
    mine = sl.by_indicator(res.indicators, res.unit_id, res.year)
    zone = sl.by_indicator(res.indicators, zid, res.year)
    scores = sl.by_indicator(res.scores, res.unit_id, res.year) if "indicator" in res.scores else pd.DataFrame()
    prog = sl.by_indicator(res.progress, res.unit_id)
    names = unit_names(res.units, lang=lang)
    rows = []
    for ind in inds:
        value = mine["value"].get(ind.id, np.nan) if len(mine) else np.nan
        zone_value = zone["value"].get(ind.id, np.nan) if len(zone) else np.nan
        places = row_decimals([value, zone_value], unit=ind.unit.en)
        prow = prog.loc[ind.id].to_dict() if ind.id in prog.index else {}
        reference = reference_text(ind, lang)
        verdict = _verdict_text(prow, lang)
        if reference and verdict:
            reference += word("then_colon", lang=lang, text=verdict)
        status = prow.get("status")
        reason = mine["reason"].get(ind.id) if len(mine) and "reason" in mine else None
        if is_missing(value):
            why = reason_text(reason, lang=lang, names=names)
        else:
            why = ""
        rows.append({
            "indicator": indicator_name(ind.id, lang=lang, unit=True) + ARROWS[ind.direction],
            "unit": format_value(value, unit=ind.unit.en, lang=lang, decimals=places),
            "zone": format_value(zone_value, unit=ind.unit.en, lang=lang, decimals=places),
            "score": score_text(scores["score"].get(ind.id, np.nan), lang) if len(scores) else DASH,
            "target": reference,
            "progress": word(str(status), lang=lang) if not is_missing(status) else DASH,
            "note": why,
        })
    frame = pd.DataFrame(rows, columns=["indicator", "unit", "zone", "score", "target", "progress", "note"])
    if is_baseline(res):
        frame = frame.drop(columns="progress")
    if zid is None:
        frame = frame.drop(columns="zone")
    if not any(ind.target is not None for ind in inds):
        frame = frame.drop(columns="target")
    if not frame["note"].astype(bool).any():
        frame = frame.drop(columns="note")
    headers = {
        "indicator": word("indicator", lang=lang),
        "unit": sl.name(res, res.unit_id, lang),
        "zone": sl.name(res, zid, lang) if zid else "",
        "score": word("score", lang=lang),
        "target": word("target_col", lang=lang),
        "progress": word("progress_since", lang=lang, baseline=res.baseline_year, year=res.year),
        "note": word("note", lang=lang),
    }
    return frame.rename(columns=headers)


def profile_table(res: UnitSlice, *, lang: str = "zh") -> pd.DataFrame:
    """Return the profile (residents, households, share aged 65+ with its ageing label,
    mediation cases, culture events) of the unit and its zone in the report year.

    Examples
    --------
    >>> from linli.testing import example_unit
    >>> t = profile_table(example_unit(), lang="en")
    >>> t.iloc[2].tolist()
    ['Residents aged 65+', '16.9% (aged society)', '18.0% (aged society)']
    """
    check_lang(lang)
    zid = sl.zone_id(res)
    units = [res.unit_id] + ([zid] if zid else [])
    values = {u: sl.by_indicator(res.indicators, u, res.year) for u in units}
    rows = []
    for ind in catalogue_mod.load().in_dimension("profile"):
        cells = [indicator_name(ind.id, lang=lang, unit=True)]
        row = [values[u]["value"].get(ind.id, np.nan) if len(values[u]) else np.nan for u in units]
        places = row_decimals(row, unit=ind.unit.en)
        for v in row:
            text = format_value(v, unit=ind.unit.en, lang=lang, decimals=places)
            if ind.labels is not None and not is_missing(v):
                band = ageing_label(float(v), lang=lang)
                if band:
                    text += word("in_brackets", lang=lang, text=band)
            cells.append(text)
        rows.append(cells)
    return pd.DataFrame(rows, columns=[word("indicator", lang=lang), *(sl.name(res, u, lang) for u in units)])


def wushe_note(res: UnitSlice, *, lang: str = "zh") -> str | None:
    """The note under :func:`wushe_table`: what its growth and changes mean; None in the
    baseline year's own report, whose table has no growth or change to explain.

    >>> import dataclasses
    >>> from linli.testing import example_unit
    >>> wushe_note(example_unit(), lang="en")[:40], wushe_note(dataclasses.replace(example_unit(), year=2022))
    ('Annual growth is the compound annual gro', None)
    """
    check_lang(lang)
    return None if is_baseline(res) else word("n_wushe", lang=lang)


def wushe_table(res: UnitSlice, *, lang: str = "zh") -> pd.DataFrame:
    """Return the five-society linkage of the unit: baseline year, last year and now.

    Columns: indicator, baseline value, last year's value and the change since (when
    the year before the report year lies after the baseline and has values), value now,
    annual growth since the baseline (the CAGR of the value itself,
    :func:`linli.progress.growth_rate`, also for the counts shown as context), progress
    status (scored indicators; "不计分" / "not scored" for context), and the zone's
    value now (a community's report). The baseline year's own report has the values
    of that year alone: there is no progress yet (:func:`headline` says so).

    Examples
    --------
    >>> from linli.testing import example_unit
    >>> t = wushe_table(example_unit())
    >>> t.columns.tolist()
    ['指标', '2022年（基线）', '2024年', '年均增长', '进展', '示范街道2024年']
    >>> t.iloc[1].tolist()  # (1425 ÷ 1010)^(1/2) − 1 = 18.8 %; a count is context
    ['注册志愿者数（人）', '1010', '1425', '+18.8%', '不计分', '6339']
    """
    check_lang(lang)
    cat = catalogue_mod.load()
    zid = sl.zone_id(res)
    base = sl.by_indicator(res.indicators, res.unit_id, res.baseline_year)
    prev_year = previous_year(res)
    before = sl.by_indicator(res.indicators, res.unit_id, prev_year) if prev_year else pd.DataFrame()
    now = sl.by_indicator(res.indicators, res.unit_id, res.year)
    zone = sl.by_indicator(res.indicators, zid, res.year)
    prog = sl.by_indicator(res.progress, res.unit_id)
    rows = []
    lead = cat.dimension("wushe").lead_indicators
    ids = list(lead) + [i.id for i in cat.in_dimension("wushe") if i.id not in lead]
    years = res.year - res.baseline_year

    def value(frame: pd.DataFrame, ind_id: str) -> Any:
        return frame["value"].get(ind_id, np.nan) if len(frame) else np.nan

    for ind_id in ids:
        ind = cat.by_id[ind_id]
        u = ind.unit.en
        p = prog.loc[ind_id].to_dict() if ind_id in prog.index else {}
        x0, xp, x1, xz = value(base, ind_id), value(before, ind_id), value(now, ind_id), value(zone, ind_id)
        places = row_decimals([x0, xp, x1, xz] if zid else [x0, xp, x1], unit=u)
        growth = growth_rate(x0, x1, years=years)[()] if years > 0 else np.nan
        if not ind.scored:
            status = word("not_scored", lang=lang)
        else:
            status = word(str(p["status"]), lang=lang) if not is_missing(p.get("status")) else DASH
        rows.append({
            "indicator": indicator_name(ind_id, lang=lang, unit=True),
            "baseline": format_value(x0, unit=u, lang=lang, decimals=places),
            "before": format_value(xp, unit=u, lang=lang, decimals=places),
            "now": format_value(x1, unit=u, lang=lang, decimals=places),
            "change": change_text(xp, x1, unit=u, lang=lang, decimals=places),
            "growth": growth_text(growth, lang),
            "status": status,
            "zone": format_value(xz, unit=u, lang=lang, decimals=places),
        })
    headers = {
        "indicator": word("indicator", lang=lang),
        "baseline": word("baseline_year", lang=lang, year=res.baseline_year),
        "before": word("last_year", lang=lang, year=prev_year),
        "now": word("baseline_year" if is_baseline(res) else "year_col", lang=lang, year=res.year),
        "change": word("since_last_year", lang=lang),
        "growth": word("cagr", lang=lang),
        "status": word("progress", lang=lang),
        "zone": word("zone_year", lang=lang, name=sl.name(res, zid, lang), year=res.year) if zid else "",
    }
    frame = pd.DataFrame(rows, columns=list(headers))
    drop = [] if zid else ["zone"]
    if prev_year is None:
        drop += ["before", "change"]
    if is_baseline(res):
        drop += ["baseline", "growth", "status"]
    return frame.drop(columns=drop).rename(columns=headers)


def satisfaction_table(res: UnitSlice, *, lang: str = "zh") -> pd.DataFrame:
    """Return each satisfaction item: % satisfied, its 95 % interval, the zone's value.

    Examples
    --------
    >>> from linli.testing import example_unit
    >>> satisfaction_table(example_unit()).iloc[0].tolist()
    ['总体满意率', '82.3%', '76.1%–87.0%', '80.0%']
    """
    check_lang(lang)
    zid = sl.zone_id(res)
    mine = sl.by_indicator(res.indicators, res.unit_id, res.year)
    zone = sl.by_indicator(res.indicators, zid, res.year)
    names = unit_names(res.units, lang=lang)
    rows = []
    for ind_id in ITEMS:
        r = mine.loc[ind_id].to_dict() if ind_id in mine.index else {}
        value = r.get("value", np.nan)
        interval = DASH
        if not is_missing(r.get("ci_low")) and not is_missing(r.get("ci_high")):
            interval = f"{format_value(r['ci_low'], unit='%', lang=lang)}–{format_value(r['ci_high'], unit='%', lang=lang)}"
        cells = [indicator_name(ind_id, lang=lang), format_value(value, unit="%", lang=lang), interval]
        if is_missing(value):
            cells[2] = reason_text(r.get("reason"), lang=lang, names=names) or DASH
        if zid:
            cells.append(format_value(zone["value"].get(ind_id, np.nan) if len(zone) else np.nan, unit="%", lang=lang))
        rows.append(cells)
    columns = [word("item", lang=lang), sl.name(res, res.unit_id, lang), word("interval95", lang=lang)]
    if zid:
        columns.append(sl.name(res, zid, lang))
    return pd.DataFrame(rows, columns=columns)
