"""The one-page summary (摘要) that opens a report: what a reader who reads nothing else needs.

:func:`summary_html` gives, for a community or a zone: the Linli Index with its band;
the rank with its interval and the share of draws that keep it (a zone is not ranked);
the six dimension scores as bars beside the zone's; targets met; the three largest
changes of scored indicators (since last year when there is one, else since the
baseline); and the data quality in one line. Every word comes from :mod:`linli.labels`;
the bars are HTML, so the page needs no figure file. In print the summary ends its page.
"""

from __future__ import annotations

import html as html_lib

import numpy as np
import pandas as pd

from ..handoff import UnitSlice
from ..indicators import catalogue as catalogue_mod
from ..labels import check_lang, dimension_label, indicator_name, whole, word
from ..spec import SCORED_DIMENSIONS
from . import _slice as sl
from .format import (
    DASH,
    band_text,
    format_value,
    interval_text,
    is_missing,
    rank_sentence,
    row_decimals,
    score_text,
)
from .render import NOT_IN_WORD
from .tables import _target_counts, is_baseline, previous_year

__all__ = ["largest_changes", "quality_line", "summary_html"]


def largest_changes(res: UnitSlice, *, n: int = 3) -> pd.DataFrame:
    """Return the ``n`` scored indicators of the unit whose score moved most, largest first.

    The change is of the 0–100 score (so that shares, rates and days compare):
    ``Δ = score(year) − score(since)``, ``since`` last year when the unit has values in
    it (:func:`~linli.reporting.tables.previous_year`), else the baseline year. Columns:
    ``indicator, since, before, now, score_change`` (values in the indicator's unit).
    Empty on the baseline year.

    Examples
    --------
    >>> from linli.testing import example_unit
    >>> largest_changes(example_unit()).empty  # the example has scores for 2024 only
    True
    """
    columns = ["indicator", "since", "before", "now", "score_change"]
    if is_baseline(res) or "indicator" not in res.scores:
        return pd.DataFrame(columns=columns)
    since = previous_year(res) or res.baseline_year
    scores = sl.rows(res.scores, res.unit_id)
    wide = scores[scores["year"].isin([since, res.year])].pivot_table(
        index="indicator", columns="year", values="score", aggfunc="first")
    if since not in wide or res.year not in wide:
        return pd.DataFrame(columns=columns)
    delta = (wide[res.year] - wide[since]).dropna()
    top = delta.reindex(delta.abs().sort_values(ascending=False, kind="stable").index)[:n]
    values = sl.rows(res.indicators, res.unit_id).pivot_table(index="indicator", columns="year", values="value",
                                                               aggfunc="first")
    return pd.DataFrame({
        "indicator": top.index.astype(str),
        "since": since,
        "before": [values.at[i, since] if i in values.index and since in values else np.nan for i in top.index],
        "now": [values.at[i, res.year] if i in values.index and res.year in values else np.nan for i in top.index],
        "score_change": top.to_numpy(),
    }, columns=columns)


def quality_line(res: UnitSlice, *, lang: str = "zh") -> str:
    """Return the data quality in one line: rows read, loaded and quarantined over all tables.

    Examples
    --------
    >>> from linli.testing import example_unit
    >>> quality_line(example_unit(), lang="en").startswith("Rows read: ")
    True
    """
    check_lang(lang)
    prov = res.provenance
    counts = {c: int(pd.to_numeric(prov[c], errors="coerce").fillna(0).sum()) if c in prov else 0
              for c in ("rows_read", "rows_loaded", "rows_quarantined")}
    share = 100 * counts["rows_quarantined"] / counts["rows_read"] if counts["rows_read"] else 0.0
    tables = int((prov["status"].astype(str) != "absent").sum()) if "status" in prov else len(prov)
    return word("summary.quality", lang=lang, tables=tables, read=whole(counts["rows_read"], lang=lang),
                loaded=whole(counts["rows_loaded"], lang=lang), quarantined=whole(counts["rows_quarantined"], lang=lang),
                pct=format_value(share, unit="%", lang=lang))


def _bars(res: UnitSlice, lang: str) -> str:
    esc = html_lib.escape
    zid = sl.zone_id(res)
    mine = sl.one(res.index, res.unit_id, res.year)
    zone = sl.one(res.index, zid, res.year) if zid and res.unit_type != "zone" else {}
    rows = []
    for d in SCORED_DIMENSIONS:
        v, z = mine.get(d), zone.get(d)
        width = 0.0 if is_missing(v) else max(0.0, min(100.0, float(v)))
        mark = "" if is_missing(z) else f'<span class="zone-mark" style="left:{float(z):.1f}%"></span>'
        rows.append(
            f'<tr><th>{esc(dimension_label(d, lang=lang))}</th>'
            f'<td class="bar {NOT_IN_WORD}"><span class="fill" style="width:{width:.1f}%"></span>{mark}</td>'
            f'<td class="num">{esc(score_text(v, lang))}</td></tr>')
    legend = (f'<p class="linli-note {NOT_IN_WORD}">{esc(word("summary.bars_note", lang=lang, zone=sl.name(res, zid, lang)))}</p>'
              if zone else "")
    return f'<table class="linli-bars">{"".join(rows)}</table>{legend}'


def summary_html(res: UnitSlice, *, lang: str = "zh") -> str:
    """Return the summary page of ``res``'s report (see the module docstring).

    Examples
    --------
    >>> from linli.testing import example_unit
    >>> html = summary_html(example_unit())
    >>> html.startswith('<section class="linli-summary"><h2>摘要</h2>') and "57.4" in html and "第1–2名" in html
    True
    """
    check_lang(lang)
    esc = html_lib.escape
    idx = sl.one(res.index, res.unit_id, res.year)
    unc = sl.one(res.uncertainty, res.unit_id, res.year)
    facts: list[tuple[str, str]] = [
        (word("index", lang=lang), score_text(idx.get("index"), lang)),
        (word("index_band", lang=lang), band_text(unc, lang)),
    ]
    if res.unit_type == "zone":
        facts.append((word("rank", lang=lang), word("not_ranked", lang=lang)))
    else:
        n = unc.get("n_ranked")
        facts.append((word("rank", lang=lang), rank_sentence(
            unc.get("rank"), unc.get("rank_kept_pct"), n=None if is_missing(n) or int(n) < 2 else n, lang=lang)))
        facts.append((word("rank_interval", lang=lang), interval_text(unc, lang) if unc else DASH))
    facts.append((word("targets_row", lang=lang), _target_counts(res, res.unit_id, lang)[0]))
    table = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in facts)
    changes = largest_changes(res)
    if is_baseline(res):
        moved = f"<p>{esc(word('baseline_itself', lang=lang, year=res.year).strip())}</p>"
    elif changes.empty:
        moved = f"<p>{DASH}</p>"
    else:
        items = []
        for r in changes.itertuples(index=False):
            unit = catalogue_mod.load().by_id[r.indicator].unit.en
            places = row_decimals([r.before, r.now], unit=unit)
            items.append("<li>" + esc(word(
                "summary.change_item", lang=lang, name=indicator_name(r.indicator, lang=lang),
                before=format_value(r.before, unit=unit, lang=lang, decimals=places),
                now=format_value(r.now, unit=unit, lang=lang, decimals=places),
                since=int(r.since), delta=("+" if r.score_change > 0 else "−") + score_text(abs(r.score_change), lang),
            )) + "</li>")
        moved = f'<ul class="linli-list">{"".join(items)}</ul>'
    since = previous_year(res) or res.baseline_year
    changes_title = (word("summary.changes_plain", lang=lang) if is_baseline(res)  # never "2022→2022"
                     else word("summary.changes", lang=lang, since=since, year=res.year))
    return (
        '<section class="linli-summary">'
        f'<h2>{esc(word("h_summary", lang=lang))}</h2>'
        f'<table class="linli-facts">{table}</table>'
        f'<h3>{esc(word("summary.dimensions", lang=lang))}</h3>{_bars(res, lang)}'
        f"<h3>{esc(changes_title)}</h3>{moved}"
        f'<p class="linli-quality">{esc(quality_line(res, lang=lang))}</p>'
        "</section>"
    )
