"""Every word linli shows a reader, in each language it speaks.

The words are a table, ``labels.yaml`` (shipped with the package), read into
:data:`WORDS`: a key and its text in every language of :data:`LANGS`::

    h_scorecard:
      zh: "综合评价"
      en: "Scorecard"

A text may hold ``{fields}`` that :func:`word` fills in. Keys are grouped by where
the words appear (report labels and headings, notes, figure text, map legends, the
index page, the method …); a prefix names the group (``fig.``, ``map.``, ``page.``).
**Adding a language is adding its column**: its code in :data:`LANGS` and a line under
that code for every key of ``labels.yaml`` (:func:`missing_words` lists what is left to
translate), plus its entries in :data:`DATE_FORMATS`, :data:`HTML_LANG`,
:data:`THOUSANDS` and :data:`ORDINALS`.

Names of the domain are not repeated here; they come from where they are defined:

- dimension and indicator names, units, brands and their mottos from the indicator
  catalogue (:func:`dimension_label`, :func:`brand_label`, :func:`indicator_name` …);
- table titles, column headers and the labels of codes, in Chinese, from the data
  contract — the clerk's own words, which the readers also accept; their other
  languages are here (``table.*``, ``facility.*``, ``survey.*``) and :func:`table_label`,
  :func:`column_label`, :func:`code_label`, :func:`survey_item_label` pick the right one;
- unit names (communities, zones) from the data: :func:`unit_names`.

:func:`check_lang` is the one check of a ``lang`` option; it raises
:class:`~linli.errors.ContractError` naming the valid codes.
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from typing import Any

import pandas as pd

from .checks import package_yaml
from .contract import TABLES
from .errors import ContractError
from .indicators import catalogue as _catalogue

__all__ = [
    "counted",
    "DATE_FORMATS",
    "HTML_LANG",
    "ORDINALS",
    "THOUSANDS",
    "LANGS",
    "WORDS",
    "ageing_label",
    "brand_label",
    "brand_line",
    "check_lang",
    "code_label",
    "code_labels",
    "column_label",
    "dimension_label",
    "has_chinese",
    "indicator_name",
    "indicator_names",
    "missing_words",
    "ordinal",
    "proper_name",
    "romanised",
    "rule_label",
    "survey_item_label",
    "table_label",
    "unit_label",
    "unit_names",
    "with_unit",
    "whole",
    "word",
    "words_of",
]

#: The languages linli speaks; the first is the default.
LANGS: tuple[str, ...] = ("zh", "en")

#: key -> {lang: text}: every fixed word a report, figure, map or page shows (``labels.yaml``).
WORDS: dict[str, dict[str, str]] = package_yaml("linli", "labels.yaml")

#: Thousands separator of numbers in each language (``1425`` / ``1,425``).
THOUSANDS: dict[str, str] = {"zh": "", "en": ","}
#: Ordinal numbers (``2nd``) in each language that writes them apart from the number.
ORDINALS: dict[str, Callable[[int], str]] = {
    "en": lambda n: f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}",
}

#: The ``lang`` attribute of an HTML page in each language.
HTML_LANG: dict[str, str] = {"zh": "zh-CN", "en": "en"}

#: Date tick formats of a monthly axis per language (matplotlib's ConciseDateFormatter
#: ``formats``, ``zero_formats`` and ``offset_formats``); a language without an entry
#: keeps matplotlib's (English).
DATE_FORMATS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "zh": (("%Y年", "%m月", "%d日", "%H:%M", "%H:%M", "%S.%f"),
           ("", "%Y年", "%m月", "%m-%d", "%H:%M", "%H:%M"),
           ("", "%Y年", "%Y年%m月", "%Y-%m-%d", "%Y-%m-%d", "%Y-%m-%d")),
}

#: The language of the contract's own words (table titles, column headers, code labels).
_CONTRACT_LANG = "zh"
#: Groups of words whose text in one language lives elsewhere: the contract's, the indicators' reasons.
_SOURCE: dict[str, str] = {"table.": "zh", "facility.": "zh", "survey.": "zh", "reason.": "en"}


def check_lang(lang: str) -> str:
    """Return ``lang`` when linli speaks it; else raise :class:`~linli.errors.ContractError`.

    Examples
    --------
    >>> check_lang("en")
    'en'
    >>> check_lang("fr")
    Traceback (most recent call last):
    ...
    linli.errors.ContractError: Unknown language 'fr'; valid: zh, en.
    """
    if lang not in LANGS:
        msg = f"Unknown language {lang!r}; valid: {', '.join(LANGS)}."
        raise ContractError(msg)
    return lang


_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
#: Generic words at the end of a Chinese place name, written apart in its pinyin
#: (``燕子巷小区`` → ``Yanzixiang Xiaoqu``).
GENERIC_ENDINGS: tuple[str, ...] = ("小区", "社区", "街道", "宿舍", "花园", "公寓", "新村", "大院", "家园", "广场",
                                    "中心", "公园")


@lru_cache(maxsize=4096)
def romanised(text: str) -> str:
    """Return ``text`` with its Chinese written in pinyin, without tones, as a name is.

    Each run of Chinese characters becomes one word, capitalised; a generic ending
    (:data:`GENERIC_ENDINGS`) is written as a word of its own. Other characters stay.
    The pinyin comes from pypinyin's dictionary (offline); a character it reads in
    more than one way takes its most common reading.

    Examples
    --------
    >>> romanised("燕子巷小区"), romanised("电力宿舍"), romanised("江景苑")
    ('Yanzixiang Xiaoqu', 'Dianli Sushe', 'Jiangjingyuan')
    >>> romanised("3号楼 人民路社区")
    '3 Haolou Renminlu Shequ'
    """
    from pypinyin import lazy_pinyin

    def word_of(chars: str) -> str:
        return "".join(lazy_pinyin(chars)).capitalize()

    def run(m: re.Match[str]) -> str:
        chars = m.group(0)
        words: list[str] = []
        while chars:
            ending = next((e for e in GENERIC_ENDINGS if chars.endswith(e) and len(chars) > len(e)), None)
            if ending is None:
                break
            words.insert(0, word_of(ending))
            chars = chars[: -len(ending)]
        return " ".join([word_of(chars), *words])

    out = _HAN.sub(lambda m: f" {run(m)} ", text)
    return re.sub(r"\s+", " ", out).strip()


def has_chinese(text: str) -> bool:
    """Whether ``text`` holds a Chinese character.

    >>> has_chinese("燕子巷 No. 3"), has_chinese("No. 3")
    (True, False)
    """
    return _HAN.search(text) is not None


def proper_name(name: str, *, lang: str = "zh") -> str:
    """Return a proper name (a compound's, a facility's, a dataset's) as a report in
    ``lang`` writes it: as it is, and in another language than Chinese followed by its
    pinyin when it holds Chinese.

    Examples
    --------
    >>> proper_name("燕子巷小区"), proper_name("燕子巷小区", lang="en"), proper_name("Block 3", lang="en")
    ('燕子巷小区', '燕子巷小区 (Yanzixiang Xiaoqu)', 'Block 3')
    """
    check_lang(lang)
    if lang == "zh" or not _HAN.search(name):
        return name
    return f"{name} ({romanised(name)})"


class _Count(int):
    """A whole-number field of a label, which an English label may write with its noun:
    ``{n:compound|compounds}`` reads ``1 compound``, ``2 compounds``, ``1,200 compounds``.

    >>> f"{_Count(1):compound|compounds}, {_Count(1200):unit|units}, {_Count(7):03d}"
    '1 compound, 1,200 units, 007'
    """

    def __format__(self, spec: str) -> str:
        if "|" not in spec:
            return int.__format__(self, spec)
        one, many = spec.split("|", 1)
        return f"{int(self):,} {one if self == 1 else many}"


def counted(n: int, one: str, many: str) -> str:
    """``n`` with the English noun its number needs, as a label's ``{n:one|many}`` writes it.

    >>> counted(1, "row", "rows"), counted(0, "row", "rows"), counted(1211136, "finding", "findings")
    ('1 row', '0 rows', '1,211,136 findings')
    """
    return format(_Count(n), f"{one}|{many}")


def word(key: str, *, lang: str = "zh", **fields: object) -> str:
    """Return the text of ``key`` in ``lang``, its ``{fields}`` filled in; a whole-number
    field written ``{n:one|many}`` takes the noun its number needs (:class:`_Count`).

    Examples
    --------
    >>> word("map.north", lang="en"), word("rank_span", span="1–2")
    ('N', '第1–2名')
    >>> word("n_map_left_out", lang="en", n=1).split(": ")[-1], word("alt.monthly", lang="en", title="t", what="x",
    ...                                                                first="2022-01", last="2024-12", n=3)[-8:]
    ('1 compound or facility.', '3 lines.')
    """
    check_lang(lang)
    try:
        text = WORDS[key][lang]
    except KeyError:
        msg = f"No words for {key!r} in {lang!r}." if key in WORDS else f"Unknown label {key!r}."
        raise ContractError(msg) from None
    if not fields:
        return text
    if "|" in text:  # a count with its noun (the quarantine writes a label per line: the rest go as they are)
        fields |= {k: _Count(v) for k, v in fields.items() if isinstance(v, numbers.Integral) and not isinstance(v, bool)}
    return text.format(**fields)


def whole(n: float, *, lang: str = "zh") -> str:
    """A whole number as ``lang`` writes it.

    Examples
    --------
    >>> whole(6339), whole(6339, lang="en")
    ('6339', '6,339')
    """
    return f"{round(n):{THOUSANDS[check_lang(lang)]}d}"


def ordinal(n: int, *, lang: str = "zh") -> str:
    """``n`` as an ordinal in ``lang`` (``2nd``); the number itself where the words carry the order.

    Examples
    --------
    >>> ordinal(2, lang="en"), ordinal(11, lang="en"), ordinal(21, lang="en"), ordinal(2)
    ('2nd', '11th', '21st', '2')
    """
    return ORDINALS.get(check_lang(lang), str)(int(n))


def with_unit(name: str, unit: str | None, *, lang: str = "zh") -> str:
    """``name（unit）`` / ``name (unit)``; the name alone without a unit.

    Examples
    --------
    >>> with_unit("注册志愿者数", "人"), with_unit("Volunteers", "persons", lang="en"), with_unit("x", None)
    ('注册志愿者数（人）', 'Volunteers (persons)', 'x')
    """
    return word("with_unit", lang=lang, name=name, unit=unit) if unit else name


def missing_words(lang: str) -> list[str]:
    """Return the keys that have no text in ``lang`` and need one (a new language's to-do list).

    Words that exist already in one language elsewhere need none in that one: the
    ledger's (``table.*``, ``facility.*``, ``survey.*``) are Chinese in the data
    contract, and the reasons a value is missing (``reason.*``) are English in
    :mod:`linli.indicators`.

    Examples
    --------
    >>> missing_words("zh"), missing_words("en")
    ([], [])
    """
    return [k for k, v in WORDS.items() if lang not in v and _SOURCE.get(k.split(".")[0] + ".") != lang]


# ------------------------------------------------------------ names of the data


def _missing(value: object) -> bool:
    if value is None or value is pd.NA:
        return True
    if isinstance(value, float):
        return bool(pd.isna(value))
    return isinstance(value, str) and not value.strip()


def unit_names(
    units: pd.DataFrame | Mapping[str, Mapping[str, Any]] | None,
    *,
    lang: str = "zh",
    names: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Return unit id -> display name: the name in ``lang``, else the Chinese name, else the id.

    ``units`` is a frame with ``name_zh`` (and ``name_en``) and an id column —
    ``unit_id`` (the hand-off's units), else ``community_id`` (the communities table) —
    or a mapping id -> ``{name_zh, name_en}`` (the zones of ``dataset.yaml``). ``names``
    (id -> name) override the result.

    Examples
    --------
    >>> units = pd.DataFrame({"unit_id": ["renmin", "xiangbei"], "name_zh": ["人民街道", "湘北社区"],
    ...                       "name_en": ["Renmin Street", None]})
    >>> unit_names(units, lang="en")
    {'renmin': 'Renmin Street', 'xiangbei': '湘北社区'}
    >>> unit_names({"renmin": {"name_zh": "人民街道"}}, lang="en", names={"x": "X"})
    {'renmin': '人民街道', 'x': 'X'}
    """
    check_lang(lang)
    out: dict[str, str] = {}
    if isinstance(units, pd.DataFrame):
        id_column = "unit_id" if "unit_id" in units.columns else "community_id"
        if id_column in units.columns:
            for row in units.to_dict(orient="records"):
                uid = str(row[id_column])
                found = [row.get(f"name_{lang}"), row.get(f"name_{LANGS[0]}")]
                out[uid] = next((str(n) for n in found if not _missing(n)), uid)
    elif units is not None:
        for uid, given in units.items():
            found = [given.get(f"name_{lang}"), given.get(f"name_{LANGS[0]}")]
            out[str(uid)] = next((str(n) for n in found if not _missing(n)), str(uid))
    if names:
        out.update({str(k): str(v) for k, v in names.items()})
    return out


def table_label(table: str, *, lang: str = "zh") -> str:
    """Return the title of a contract table in ``lang`` (the table's name when unknown).

    Examples
    --------
    >>> table_label("mediation_cases"), table_label("mediation_cases", lang="en")
    ('矛盾纠纷调解', 'Mediation cases')
    """
    check_lang(lang)
    if lang == _CONTRACT_LANG:
        return TABLES[table].title_zh if table in TABLES else table
    return WORDS.get(f"table.{table}", {}).get(lang, table)


def column_label(table: str, column: str, *, lang: str = "zh") -> str:
    """Return a contract column's header in ``lang``: its Chinese header, else its name.

    Examples
    --------
    >>> column_label("mediation_cases", "received_on"), column_label("mediation_cases", "received_on", lang="en")
    ('受理日期', 'received_on')
    """
    check_lang(lang)
    if f"column.{column}" in WORDS:  # a column of every geometry table
        return word(f"column.{column}", lang=lang)
    if lang != _CONTRACT_LANG:
        return column
    try:
        return TABLES[table].column(column).label_zh or column
    except KeyError:
        return column


def rule_label(rule: str, *, lang: str = "zh") -> str:
    """Return the short name of a quarantine rule (``rule.*``); the rule's id when it has none.

    Examples
    --------
    >>> rule_label("not_a_date"), rule_label("not_a_date", lang="en")
    ('日期无法识别', 'not a date')
    """
    return word(f"rule.{rule}", lang=lang) if f"rule.{rule}" in WORDS else rule


def survey_item_label(item: str, *, lang: str = "zh") -> str:
    """Return a satisfaction survey item's name in ``lang`` (its Chinese header, ``survey.*`` else).

    Examples
    --------
    >>> survey_item_label("q_harmony"), survey_item_label("q_harmony", lang="en")
    ('邻里和睦', 'Neighbourly harmony')
    """
    if check_lang(lang) == _CONTRACT_LANG:
        return column_label("survey_responses", item, lang=lang)
    return WORDS.get(f"survey.{item}", {}).get(lang, item)


def words_of(prefix: str, keys: Iterable[str], *, lang: str = "zh") -> dict[str, str]:
    """Return ``{key: word(prefix + key)}`` for ``keys`` — the labels of a set of columns or codes.

    Examples
    --------
    >>> words_of("mediator_kinds.", ["0", "4+"], lang="en")
    {'0': 'none recorded', '4+': '4 or more'}
    """
    return {k: word(f"{prefix}{k}", lang=lang) for k in keys}


def code_labels(codes: Mapping[str, str], *, lang: str = "zh", kind: str | None = None) -> dict[str, str]:
    """Return ``{code: code_label(...)}`` for every code of a contract code list.

    Examples
    --------
    >>> from linli.contract import OUTCOMES
    >>> code_labels(OUTCOMES)["resolved"], code_labels(OUTCOMES, lang="en")["resolved"]
    ('调解成功', 'resolved')
    """
    return {c: code_label(codes, c, lang=lang, kind=kind) for c in codes}


def code_label(codes: Mapping[str, str], code: str, *, lang: str = "zh", kind: str | None = None) -> str:
    """Return the label of ``code`` in ``lang``: the contract's Chinese label, else the
    ``{kind}.{code}`` words of another language, else the code itself.

    Examples
    --------
    >>> from linli.contract import FACILITY_CATEGORIES
    >>> code_label(FACILITY_CATEGORIES, "day_care"), code_label(FACILITY_CATEGORIES, "day_care", lang="en", kind="facility")
    ('日间照料站', 'Day-care station')
    """
    check_lang(lang)
    if lang == _CONTRACT_LANG:
        return codes.get(code, code)
    return WORDS.get(f"{kind}.{code}", {}).get(lang, code) if kind else code


# ------------------------------------------------------- names of the catalogue


def _cat() -> _catalogue.Catalogue:
    return _catalogue.load()


def _pick(zh: str, en: str, lang: str) -> str:
    """The catalogue's word in ``lang`` (the catalogue holds Chinese and English)."""
    return {"zh": zh, "en": en}[check_lang(lang)]


def dimension_label(dimension: str, *, lang: str = "zh") -> str:
    """Return the short name figures and tables show for a dimension (the catalogue's ``label``).

    Examples
    --------
    >>> dimension_label("lin_he"), dimension_label("lin_he", lang="en")
    ('邻和·调解', 'Lin He · mediation')
    """
    try:
        d = _cat().dimension(dimension)
    except KeyError:
        return dimension
    return _pick(d.label.zh, d.label.en, lang)


def brand_label(brand: str, *, lang: str = "zh") -> str:
    """Return a brand's name (``邻治`` / ``Lin Zhi``), the code itself when it is no brand.

    Examples
    --------
    >>> brand_label("lin_le", lang="en")
    'Lin Le'
    """
    found = next((d.brand for d in _cat().dimensions if d.id == brand and d.brand), None)
    return brand if found is None else _pick(found.zh, found.en, lang)


def brand_line(brand: str, *, lang: str = "zh") -> str | None:
    """Return a brand's name and what it stands for (``邻和 · 多方联动化解矛盾纠纷（“1+N”）``); None for no brand.

    Examples
    --------
    >>> brand_line("lin_zhu", lang="en")
    'Lin Zhu · aid to older and disabled residents'
    """
    found = next((d.brand for d in _cat().dimensions if d.id == brand and d.brand), None)
    if found is None:
        return None
    return f"{_pick(found.zh, found.en, lang)} · {_pick(found.motto_zh, found.motto_en, lang)}"


def ageing_label(pct: float | None, *, lang: str = "zh", super_aged_pct: float | None = None) -> str | None:
    """Return the ageing-society label of a share of residents aged 65+ (the catalogue's bands).

    Examples
    --------
    >>> ageing_label(20.5, lang="en"), ageing_label(20.5, super_aged_pct=21, lang="en"), ageing_label(20.5)
    ('super-aged society', 'aged society', '超老龄化社会')
    >>> ageing_label(5.0) is None
    True
    """
    check_lang(lang)
    band = _catalogue.ageing_band(pct, super_aged_pct=super_aged_pct)
    return None if band is None else _pick(band.label_zh, band.label_en, lang)


def _indicator(indicator: str) -> _catalogue.Indicator:
    cat = _cat()
    try:
        return cat.by_id[indicator]
    except KeyError:
        msg = f"Unknown indicator {indicator!r}; known: {', '.join(cat.ids)}."
        raise ContractError(msg) from None


def unit_label(indicator: str, *, lang: str = "zh") -> str:
    """Return the unit of ``indicator`` in ``lang`` (from the catalogue).

    Examples
    --------
    >>> unit_label("service_area_per_100hh"), unit_label("volunteers", lang="en")
    ('平方米/百户', 'persons')
    """
    ind = _indicator(indicator)
    return _pick(ind.unit.zh, ind.unit.en, lang)


def _shown_unit(unit: str, lang: str, name: str = "") -> str | None:
    """The part of an indicator's unit worth writing after its name, None for none: not %,
    nor a bare count, nor (in English) what the name already states — "Disputes per 1,000
    households" is not followed by "(per 1k)", nor "Median days …" by "(days)", and "Floor
    area per 100 households" by "(m²)" alone, its measure."""
    if unit == "%":
        return None
    if lang == "en":
        lowered = f" {name.lower()} "
        if unit in ("count", "persons", "households") or f" {unit.lower()} " in lowered:
            return None
        measure, per, _ = f" {unit} ".partition(" per ")
        if per and " per " in lowered:  # the name says what it is per: its measure, if any, as a unit of its own
            return _shown_unit(measure.strip(), lang, name) if measure.strip() else None
        if unit.lower().rstrip("s") in lowered:  # "hours" in "… hours per volunteer"
            return None
    return unit


def indicator_name(indicator: str, *, lang: str = "zh", unit: bool = False) -> str:
    """Return the catalogue name of ``indicator``; with ``unit``, its unit in brackets.

    Examples
    --------
    >>> indicator_name("volunteers"), indicator_name("volunteers", unit=True)
    ('注册志愿者数', '注册志愿者数（人）')
    >>> indicator_name("volunteer_share_pct", lang="en", unit=True)
    'Volunteers as a share of permanent residents'
    >>> indicator_name("disputes_per_1k_households", lang="en", unit=True)  # the name carries its unit
    'Disputes per 1,000 households'
    >>> indicator_name("disputes_per_1k_households", unit=True)
    '每千户矛盾纠纷数（件/千户）'
    >>> indicator_name("service_area_per_100hh", lang="en", unit=True)  # the name says "per 100 households"
    'Service-facility floor area per 100 households (m²)'
    """
    ind = _indicator(indicator)
    name = _pick(ind.name_zh, ind.name_en, lang)
    shown = _shown_unit(_pick(ind.unit.zh, ind.unit.en, lang), lang, name) if unit else None
    return with_unit(name, shown, lang=lang) if shown else name


def indicator_names(*, lang: str = "zh") -> dict[str, str]:
    """Return indicator id -> catalogue name, for the ``labels=`` of every figure.

    Examples
    --------
    >>> indicator_names(lang="en")["social_orgs"]
    'Social organisations'
    """
    return {i.id: _pick(i.name_zh, i.name_en, lang) for i in _cat().indicators}
