"""How a report writes a number, a rank, a band or a reason, in any language of :mod:`linli.labels`.

Formatting rules (:func:`format_value`)
---------------------------------------
- missing: ``—`` (the reason, where the table has a column for it, says why);
- percentages (unit ``%``): one decimal and the sign, ``25.6%``;
- whole numbers (counts): no decimals, ``1425`` (``1,425`` in English);
- other numbers: one decimal, two below 1 (``3.2``, ``0.91``);
- scores and the index (0–100): one decimal.

The values of one indicator set side by side in a row (years, communities, a change)
share their decimals (:func:`row_decimals`): ``0.92 → 1.06 → 1.12`` with the change
``+0.06``, never ``0.92 → 1.1 → 1.1`` with ``+0.06``.

Units other than ``%`` are written once, in the indicator's name (``注册志愿者数（人）``),
not in every cell. A target or benchmark reads as its catalogue states it, the comparison
first (:func:`target_text`): ``≥ 96.0%``, ``> 30.0 平方米/百户``, in a table, a figure's
legend and the list of targets alike. Rank intervals read ``第1–2名（共4个社区）`` / ``rank 1–2 of 4``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from ..indicators import catalogue as catalogue_mod
from ..labels import (
    THOUSANDS,
    check_lang,
    column_label,
    ordinal,
    proper_name,
    table_label,
    unit_label,
    whole,
    word,
)

__all__ = [
    "COUNT_UNITS",
    "DASH",
    "SYMBOLS",
    "band_text",
    "change_text",
    "count_text",
    "dataset_name",
    "format_value",
    "growth_text",
    "interval_text",
    "is_missing",
    "kept_text",
    "monte_carlo",
    "number",
    "rank_sentence",
    "rank_text",
    "reason_text",
    "row_decimals",
    "score_text",
    "target_text",
]

DASH: str = "—"
#: How a target's comparison is written (the catalogue's own table).
SYMBOLS: dict[str, str] = catalogue_mod.COMPARISON_SYMBOLS
#: Units (the catalogue's English unit) whose values are whole counts.
COUNT_UNITS: frozenset[str] = frozenset({"count", "persons", "households"})


def is_missing(value: Any) -> bool:
    """Whether ``value`` is None, NA or NaN."""
    if value is None or value is pd.NA:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def number(value: float, lang: str, decimals: int | None = None) -> str:
    """``value`` with ``decimals`` places (whole numbers bare, else one, two below 1) and ``−`` for minus."""
    v = float(value)
    if decimals is None:
        if abs(v - round(v)) < 1e-9:
            decimals = 0
        else:
            decimals = 2 if abs(v) < 1 else 1
    if decimals == 0:
        v = round(v)
    text = f"{v:{THOUSANDS[lang]}.{decimals}f}"
    return "0" if text in ("-0", "-0.0") and decimals == 0 else text.replace("-", "−")


def format_value(value: Any, *, unit: str | None = None, lang: str = "zh", decimals: int | None = None) -> str:
    """Format a number for a table (see the module docstring).

    Parameters
    ----------
    value
        The number; None/NaN/NA give ``—``.
    unit
        The catalogue's English unit: ``"%"`` gives one decimal and the sign; a count
        (:data:`COUNT_UNITS`) no decimals; any other unit one decimal (two below 1).
        Units other than ``%`` are not written. ``None``: no decimals for a whole
        number, else as any other unit.
    lang
        A language of :data:`linli.labels.LANGS` (``1425`` in Chinese, ``1,425`` in English).
    decimals
        Force this many decimals.

    Examples
    --------
    >>> format_value(1425.0, unit="persons"), format_value(1425.0, lang="en"), format_value(25.624888, unit="%")
    ('1425', '1,425', '25.6%')
    >>> format_value(3.2046, unit="per person"), format_value(40.0, unit="per 1k"), format_value(0.914851)
    ('3.2', '40.0', '0.91')
    >>> format_value(100.0, unit="%"), format_value(-2.25, decimals=1), format_value(float("nan"))
    ('100.0%', '−2.2', '—')
    """
    check_lang(lang)
    if is_missing(value):
        return DASH
    text = number(value, lang, _places(float(value), unit, decimals))
    return f"{text}%" if unit == "%" else text


def _places(value: float, unit: str | None, decimals: int | None) -> int:
    """The decimals :func:`format_value` writes ``value`` with."""
    if unit == "%":
        return 1
    if decimals is not None:
        return decimals
    if unit in COUNT_UNITS or (unit is None and abs(value - round(value)) < 1e-9):
        return 0
    return 2 if 0 < abs(value) < 1 else 1


def target_text(ind: catalogue_mod.Indicator, *, lang: str = "zh", unit: bool = True) -> str:
    """Write an indicator's target or benchmark: its comparison and value, then its unit.

    The value has the decimals of the indicator's values (:func:`format_value`); a unit
    other than ``%`` follows it unless ``unit`` is false (a table row whose name holds it).
    "" for an indicator without a target.

    Examples
    --------
    >>> by_id = catalogue_mod.load().by_id
    >>> target_text(by_id["mediation_success_pct"]), target_text(by_id["service_area_per_100hh"], lang="en")
    ('≥ 96.0%', '> 30.0 m² per 100 households')
    >>> target_text(by_id["service_area_per_100hh"], unit=False), target_text(by_id["volunteers"])
    ('> 30.0', '')
    """
    t = ind.target
    if t is None:
        return ""
    text = f"{SYMBOLS[t.comparison]} {format_value(t.value, unit=ind.unit.en, lang=lang)}"
    return f"{text} {unit_label(ind.id, lang=lang)}" if unit and ind.unit.en != "%" else text


def row_decimals(values: Iterable[Any], *, unit: str | None) -> int | None:
    """Return the decimals that the values of one row share, for :func:`format_value`.

    A share (unit ``%``) has one decimal and a count none, whatever the row; any other
    unit has two decimals when one value of the row lies strictly between −1 and 1
    (0 aside), else one — so that a row does not mix ``0.92`` with ``1.1``, and a change
    written beside them (:func:`change_text`) shows no digit its values hide.
    ``unit=None`` (unknown): ``None``, each value as :func:`format_value` writes it alone.

    Examples
    --------
    >>> row_decimals([0.92, 1.06, 1.12], unit="hours"), row_decimals([4.1, 9.2, None], unit="per 10k")
    (2, 1)
    >>> row_decimals([1690.0, 6339.0], unit="persons"), row_decimals([0.5], unit="%"), row_decimals([0.5], unit=None)
    (0, 1, None)
    """
    if unit is None:
        return None
    if unit == "%":
        return 1
    if unit in COUNT_UNITS:
        return 0
    small = any(0 < abs(float(v)) < 1 for v in values if not is_missing(v))
    return 2 if small else 1


def change_text(before: Any, after: Any, *, unit: str | None = None, lang: str = "zh",
                decimals: int | None = None) -> str:
    """Return the change from ``before`` to ``after``, signed, in the value's unit.

    Δ = round(x_after, d) − round(x_before, d)

    where d is the decimals each value is shown with (:func:`format_value`; ``decimals``
    when given), so that the change is the difference of the numbers beside it: 22.166 %
    and 25.625 % show as 22.2 % and 25.6 %, a change of +3.4 points, not the +3.5 of the
    unrounded values. A share (unit ``%``) changes by percentage points (``个百分点`` /
    ``pp``); any other value as :func:`format_value` writes it (with ``decimals``: the row's,
    from :func:`row_decimals`), with ``+`` or ``−``; no change at the precision shown is ``0``.

    Examples
    --------
    >>> change_text(25.6, 27.1, unit="%"), change_text(27.1, 25.6, unit="%", lang="en")
    ('+1.5个百分点', '−1.5 pp')
    >>> change_text(22.166, 25.625, unit="%", lang="en")  # 25.6 − 22.2 = 3.4 (25.625 − 22.166 = 3.459)
    '+3.4 pp'
    >>> change_text(1.004, 1.046, unit="hours", decimals=2)  # 1.05 − 1.00 = 0.05 (unrounded 0.042)
    '+0.05'
    >>> change_text(1010, 1425, unit="persons", lang="en"), change_text(3.0, 3.0, unit="per person")
    ('+415', '0')
    >>> change_text(None, 3.0)
    '—'
    >>> change_text(1.06, 1.12, unit="hours", decimals=2), change_text(9.0, 9.2, unit="per 10k", decimals=1)
    ('+0.06', '+0.2')
    """
    check_lang(lang)
    if is_missing(before) or is_missing(after):
        return DASH
    delta = _as_shown(after, unit, decimals) - _as_shown(before, unit, decimals)
    if unit == "%":
        text = word("pp", lang=lang, value=number(abs(delta), lang, 1))
        shown = number(abs(delta), lang, 1)
    else:
        text = shown = format_value(abs(delta), unit=unit or "count", lang=lang, decimals=decimals)
    if set(shown) <= set("0.,"):  # no change at the precision shown
        return "0"
    return ("+" if delta > 0 else "−") + text


def _as_shown(value: Any, unit: str | None, decimals: int | None) -> float:
    """``value`` rounded as :func:`format_value` shows it."""
    v = float(value)
    return round(v, _places(v, unit, decimals))


def dataset_name(meta: Mapping[str, Any], lang: str) -> str:
    """The dataset's name in ``lang``: its English name in English when ``dataset.yaml``
    gives one (``name_en``), else its name (with its pinyin in English).

    Examples
    --------
    >>> meta = {"dataset": "演示数据", "dataset_en": "Demo data"}
    >>> dataset_name(meta, "zh"), dataset_name(meta, "en"), dataset_name({"dataset": "江景苑"}, "en")
    ('演示数据', 'Demo data', '江景苑 (Jiangjingyuan)')
    """
    check_lang(lang)
    name = meta.get("dataset")
    if is_missing(name):
        return DASH
    english = meta.get("dataset_en")
    if lang != "zh" and not is_missing(english):
        return str(english)
    return proper_name(str(name), lang=lang)


def count_text(text: Any, lang: str) -> str:
    """A row count from the provenance (text; empty when unknown)."""
    value = pd.to_numeric(pd.Series([text]), errors="coerce").iloc[0]
    return format_value(value, unit="count", lang=lang)


def score_text(value: Any, lang: str) -> str:
    """A score or the index, one decimal; ``—`` when missing."""
    return DASH if is_missing(value) else number(value, lang, 1)


def growth_text(fraction: Any, lang: str) -> str:
    """A growth rate given as a fraction, as a signed percentage with one decimal."""
    if is_missing(fraction) or not np.isfinite(float(fraction)):
        return DASH
    v = float(fraction) * 100
    return ("+" if v >= 0.05 else "") + f"{number(v, lang, 1)}%"


def rank_text(low: Any, high: Any = None, n: Any = None, *, lang: str = "zh") -> str:
    """Return a rank or rank interval, with the number of units ranked when known.

    Examples
    --------
    >>> rank_text(1, 2, 4), rank_text(1, 2, 4, lang="en")
    ('第1–2名（共4个社区）', 'rank 1–2 of 4')
    >>> rank_text(3, 3, 4), rank_text(3, lang="en"), rank_text(None, None, 4)
    ('第3名（共4个社区）', 'rank 3', '—')
    """
    check_lang(lang)
    if is_missing(low):
        return DASH
    lo = int(low)
    hi = lo if is_missing(high) else int(high)
    span = f"{lo}" if lo == hi else f"{lo}–{hi}"
    return word("rank_span", lang=lang, span=span) + ("" if is_missing(n) else word("of_communities", lang=lang, n=int(n)))


def kept_text(pct: float) -> str:
    """A share of draws in whole percent, with one decimal where rounding would say 0 or 100 falsely."""
    whole_pct = round(float(pct))
    if (whole_pct == 100 and pct < 100) or (whole_pct == 0 and pct > 0):
        return f"{float(pct):.1f}"
    return str(int(whole_pct))


def monte_carlo() -> catalogue_mod.MonteCarlo:
    """The catalogue's Monte Carlo settings (draws, seed, weight perturbation, bootstrap)."""
    return catalogue_mod.load().index_settings.monte_carlo


def rank_sentence(rank: Any, kept_pct: Any, *, draws: int | None = None, n: Any = None, lang: str = "zh") -> str:
    """Return a rank with the share of Monte Carlo draws that keep it, in words.

    ``draws`` defaults to the catalogue's number of draws; ``n`` is the number of
    communities ranked (left out when unknown).

    Examples
    --------
    >>> rank_sentence(4, 83.0, draws=1000)
    '第4名，1000次模拟中有83%仍为第4名'
    >>> rank_sentence(2, 99.6, draws=1000, n=4, lang="en")
    'rank 2 of 4; 99.6 % of 1,000 simulations keep it 2nd'
    >>> rank_sentence(None, None)
    '—'
    """
    check_lang(lang)
    if is_missing(rank):
        return DASH
    r = int(rank)
    total = monte_carlo().draws if draws is None else int(draws)
    text = rank_text(r, lang=lang) + ("" if is_missing(n) else word("of_communities", lang=lang, n=int(n)))
    if is_missing(kept_pct):
        return text
    return text + word("rank_kept_sentence", lang=lang, draws=whole(total, lang=lang), pct=kept_text(kept_pct),
                       rank=r, ordinal=ordinal(r, lang=lang))


def interval_text(row: Mapping[str, Any], lang: str) -> str:
    """``第1–3名（中位数第2名）`` / ``rank 1–3 (median 2)`` from an uncertainty row."""
    if is_missing(row.get("rank_low")):
        return DASH
    text = rank_text(row["rank_low"], row["rank_high"], lang=lang)
    median = row.get("rank_median")
    if is_missing(median) or int(row["rank_low"]) == int(row["rank_high"]):
        return text
    return text + word("median_rank", lang=lang, median=int(median))


def band_text(row: Mapping[str, Any], lang: str, *, median: bool = True) -> str:
    """``55.6–59.1（中位数57.4）`` / ``55.6–59.1 (median 57.4)`` from an uncertainty row."""
    if not row or is_missing(row.get("index_low")):
        return DASH
    text = f"{score_text(row['index_low'], lang)}–{score_text(row['index_high'], lang)}"
    if median and not is_missing(row.get("index_median")):
        text += word("median_value", lang=lang, value=score_text(row["index_median"], lang))
    return text


#: The reasons :mod:`linli.indicators` gives (English), with the key of their words in other languages.
_REASONS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(rf"^{pattern}$"), key)
    for pattern, key in (
        (r"table (?P<table>\w+) absent", "table_absent"),
        (r"table (?P<table>\w+) has no geometry", "table_no_geometry"),
        (r"column (?P<table>\w+)\.(?P<column>\w+) absent", "column_absent"),
        (r"no population row for (?P<year>\d{4})", "no_population_row"),
        (r"population\.(?P<column>\w+) empty for (?P<year>\d{4})", "population_empty"),
        (r"no answers to (?P<item>\w+) in (?P<year>\d{4})", "no_answers"),
        (r"no closed requests received in (?P<year>\d{4})", "no_closed_requests"),
        (r"no resolved and closed cases received in (?P<year>\d{4})", "no_resolved_cases"),
        (r"no cases other than pending received in (?P<year>\d{4})", "only_pending_cases"),
        (r"no cases received in (?P<year>\d{4})", "no_cases"),
        (r"no residents aged 65\+ in (?P<year>\d{4})", "no_elders"),
        (r"no compound households", "no_compound_households"),
        (r"no compounds", "no_compounds"),
        (r"no requests received in (?P<year>\d{4})", "no_requests"),
        (r"no rated requests received in (?P<year>\d{4})", "no_rated_requests"),
        (r"no register members active at end of (?P<year>\d{4})", "no_register_members"),
        (r"no residents in (?P<year>\d{4})", "no_residents"),
        (r"no volunteers active at end of (?P<year>\d{4})", "no_volunteers"),
    )
)
_RE_DENOMINATOR = re.compile(r"^denominator is 0: (?P<rest>.*)$")
_RE_COMMUNITY = re.compile(r"^(?P<rest>.*) \(community (?P<cid>[^)]+)\)$")
#: The language :mod:`linli.indicators` writes its reasons in.
_REASON_LANG = "en"


def reason_text(reason: Any, *, lang: str = "zh", names: Mapping[str, str] | None = None) -> str:
    """Say in ``lang`` why an indicator is missing, from the indicator table's ``reason``.

    The reasons of :mod:`linli.indicators` are English and kept so in English; in
    another language they are translated (``reason.*`` of :mod:`linli.labels`), and one
    the translation does not know is shown as it is.

    Parameters
    ----------
    reason
        The ``reason`` cell (None/NA gives ``""``).
    names
        Community id -> name, for a zone value missing because of one community.

    Examples
    --------
    >>> reason_text("no population row for 2024")
    '2024年无人口数据'
    >>> reason_text("denominator is 0: no requests received in 2024 (community b)", names={"b": "乙社区"})
    '2024年未受理居民诉求（乙社区）'
    >>> reason_text("table services absent"), reason_text("table services absent", lang="en")
    ('缺少数据表“服务记录”', 'table services absent')
    """
    check_lang(lang)
    if is_missing(reason) or not str(reason).strip():
        return ""
    text = str(reason).strip()
    if lang == _REASON_LANG:
        return text
    where = ""
    m = _RE_COMMUNITY.match(text)
    if m:
        cid = m.group("cid")
        where = word("reason.in_community", lang=lang, name=(names or {}).get(cid, cid))
        text = m.group("rest")
    m = _RE_DENOMINATOR.match(text)
    if m:
        text = m.group("rest")
    for pattern, key in _REASONS:
        m = pattern.match(text)
        if m:
            fields = m.groupdict()
            if "table" in fields:
                if "column" in fields:
                    fields["column"] = column_label(fields["table"], fields["column"], lang=lang)
                fields["table"] = table_label(fields["table"], lang=lang)
            elif "column" in fields:
                fields["column"] = column_label("population", fields["column"], lang=lang)
            if "item" in fields:
                fields["item"] = column_label("survey_responses", fields["item"], lang=lang)
            return word(f"reason.{key}", lang=lang, **fields) + where
    return word("reason.other", lang=lang, text=text) + where
