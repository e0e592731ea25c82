"""Every word linli shows a reader, in each language it speaks.

:data:`WORDS` maps a key to its text in every language of :data:`LANGS`::

    "h_scorecard": {"zh": "综合评价", "en": "Scorecard"},

A text may hold ``{fields}`` that :func:`word` fills in. Keys are grouped by where
the words appear (report labels and headings, notes, figure text, map legends, the
index page, the method …); a prefix names the group (``fig.``, ``map.``, ``page.``).
**Adding a language is adding its column**: its code in :data:`LANGS` and a value under
that code for every key (:func:`missing_words` lists what is left to translate), plus
its entries in :data:`DATE_FORMATS` and :data:`HTML_LANG`.

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

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from .contract import TABLES
from .errors import ContractError
from .indicators import catalogue as _catalogue

__all__ = [
    "DATE_FORMATS",
    "HTML_LANG",
    "LANGS",
    "WORDS",
    "brand_label",
    "brand_line",
    "check_lang",
    "code_label",
    "code_labels",
    "column_label",
    "dimension_label",
    "indicator_name",
    "indicator_names",
    "missing_words",
    "survey_item_label",
    "table_label",
    "unit_label",
    "unit_names",
    "with_unit",
    "word",
    "words_of",
]

#: The languages linli speaks; the first is the default.
LANGS: tuple[str, ...] = ("zh", "en")

#: key -> {lang: text}: every fixed word a report, figure, map or page shows.
WORDS: dict[str, dict[str, str]] = {
    # ------------------------------------------------------------ shared pieces
    "with_unit": {"zh": "{name}（{unit}）", "en": "{name} ({unit})"},
    "year": {"zh": "{year}年", "en": "{year}"},
    "baseline_year_of": {"zh": "{year}年（基线）", "en": "{year} (baseline)"},
    "zone": {"zh": "实验区", "en": "zone"},
    "zone_mark": {"zh": "{name}（实验区）", "en": "{name} (zone)"},
    "no_data": {"zh": "无数据", "en": "no data"},
    "total_row": {"zh": "合计", "en": "Total"},
    "median_word": {"zh": "中位数", "en": "median"},
    # ------------------------------------------------------- report figures (plots)
    "fig.new": {"zh": "新增", "en": "new"},
    "fig.change": {"zh": "变化", "en": "change"},
    "fig.row_scaled": {"zh": "各行按本行较大值缩放，行间长度不可比",
                       "en": "each row scaled to its larger value; compare within a row"},
    "fig.wushe_title": {"zh": "{name} 五社联动：{baseline}年 → {year}年",
                        "en": "Five-society linkage, {name}: {baseline} → {year}"},
    "fig.dimension_axis": {"zh": "维度得分（0–100）", "en": "Dimension score (0–100)"},
    "fig.dimension_title": {"zh": "{name} 各维度得分", "en": "Dimension scores, {name}"},
    "fig.not_ranked": {"zh": "不参与排名", "en": "not ranked"},
    "fig.rank_span": {"zh": "第{span}名", "en": "rank {span}"},
    "fig.index_axis": {"zh": "邻里指数（圆点为基准指数，条带为权重变化时的5%–95%区间；右侧为排名区间）",
                       "en": "Linli Index (dot: headline; band: 5th–95th percentile as the weights vary; "
                             "right: rank interval)"},
    "fig.index_title": {"zh": "邻里指数及其不确定性", "en": "Linli Index with uncertainty"},
    "fig.monthly_title": {"zh": "月度趋势", "en": "Monthly trend"},
    "fig.records_per_month": {"zh": "记录数（条/月）", "en": "Records per month"},
    "fig.value_per_month": {"zh": "{value}（月合计）", "en": "{value} per month"},
    "fig.wilson95": {"zh": "95%置信区间（Wilson）", "en": "95 % interval (Wilson)"},
    "fig.satisfied_axis": {"zh": "满意比例（%，评分≥4）", "en": "Satisfied (%, rating ≥ 4)"},
    "fig.satisfaction_title": {"zh": "{name} 居民满意度（{year}年）", "en": "Resident satisfaction, {name} ({year})"},
    "fig.interval95": {"zh": "95%置信区间", "en": "95 % interval"},
    "fig.target": {"zh": "目标", "en": "target"},
    "fig.comparison_title": {"zh": "{label}：各社区对比（{year}年）", "en": "{label}: communities compared ({year})"},
    # ------------------------------------------ exploration figures (notebooks)
    "fig.trend_title": {"zh": "{label}：逐年变化", "en": "{label} over the years"},
    "fig.members": {"zh": "人数", "en": "members"},
    "fig.joined": {"zh": "↑ 当年加入", "en": "↑ joined in the year"},
    "fig.left": {"zh": "↓ 当年退出（斜线）", "en": "↓ left in the year (hatched)"},
    "fig.flows_title": {"zh": "加入与退出（数字为净变化）", "en": "Joined and left (numbers: net change)"},
    "fig.distribution_title": {"zh": "{value} 的分布", "en": "Distribution of {value}"},
    "fig.pooled": {"zh": "{zone}：合并计算 {value}", "en": "{zone}: pooled {value}"},
    "fig.mean_of_communities": {"zh": "各社区简单平均 {value}", "en": "mean of communities {value}"},
    "fig.denominator": {"zh": "分母（柱宽）", "en": "denominator (bar width)"},
    "fig.ratio": {"zh": "比率", "en": "ratio"},
    "fig.pooled_title": {"zh": "{label}：实验区值按分母加权，不是社区值的简单平均",
                         "en": "{label}: the zone weights communities by their denominators"},
    "fig.share": {"zh": "占比（%）", "en": "share (%)"},
    "fig.composition_title": {"zh": "构成（每行合计100%）", "en": "Composition (each row 100 %)"},
    "fig.metres": {"zh": "{radius} 米", "en": "{radius} m"},
    "fig.radius_axis": {"zh": "半径（米，直线距离）", "en": "Radius (m, straight line)"},
    "fig.covered_axis": {"zh": "覆盖户数占比（%）", "en": "Households covered (%)"},
    "fig.coverage_title": {"zh": "覆盖率对半径的敏感性", "en": "Coverage against the radius"},
    # ------------------------------------ exploration notebooks (notebooks/explore)
    "nb.team_size": {"zh": "队伍年末在册人数（人）", "en": "Members active at year end"},
    "nb.team_title": {"zh": "志愿服务队伍规模（{year}年末）", "en": "Volunteer teams by size (end of {year})"},
    "nb.population": {"zh": "常住人口（柱宽，人）", "en": "Resident population (bar width)"},
    "nb.per_month": {"zh": "受理案件（起/月）", "en": "Cases received per month"},
    "nb.zone_monthly": {"zh": "实验区每月受理调解案件", "en": "Mediation cases received per month, zone"},
    "nb.monthly": {"zh": "各社区每月受理调解案件（{year}年）", "en": "Cases received per month ({year})"},
    "nb.total": {"zh": "合计", "en": "total"},
    "nb.types_title": {"zh": "纠纷类型与调解结果（{year}年）", "en": "Dispute types and outcomes ({year})"},
    "nb.benchmark": {"zh": "全国基准（司法部）", "en": "National benchmark (Ministry of Justice)"},
    "nb.kinds_title": {"zh": "每起案件参与调解力量的种类数（{year}年）", "en": "Kinds of mediator per case ({year})"},
    "nb.decided": {"zh": "已有结果的案件（柱宽，起）", "en": "Decided cases (bar width)"},
    "nb.days": {"zh": "办结天数（天）", "en": "Days to close"},
    "nb.days_title": {"zh": "调解成功案件的办结天数（{year}年受理）", "en": "Days to close a resolved case (received in {year})"},
    "nb.circle": {"zh": "500 米（十分钟生活圈）", "en": "500 m (10-minute life circle)"},
    "nb.distance": {"zh": "到最近服务设施的直线距离（米）", "en": "Straight-line distance to the nearest service facility (m)"},
    "nb.distance_title": {"zh": "小区到最近服务设施的距离（{year}年）",
                          "en": "Compounds' distance to the nearest service facility ({year})"},
    "nb.standard": {"zh": "500 米（GB 50180-2018）", "en": "500 m (GB 50180-2018)"},
    # kinds of mediator per case (linli.explore.KIND_COLUMNS)
    "mediator_kinds.0": {"zh": "未记录", "en": "none recorded"},
    "mediator_kinds.1": {"zh": "1类", "en": "1 kind"},
    "mediator_kinds.2": {"zh": "2类", "en": "2 kinds"},
    "mediator_kinds.3": {"zh": "3类", "en": "3 kinds"},
    "mediator_kinds.4+": {"zh": "4类及以上", "en": "4 or more"},
    # -------------------------------------------------------------------- maps
    "map.north": {"zh": "北", "en": "N"},
    "map.not_surveyed": {"zh": "示意图，非测绘成果", "en": "Illustrative, not surveyed"},
    "map.around_facilities": {"zh": "设施周边 {radius} 米", "en": "{radius} m around facilities"},
    "map.fitness_circle": {"zh": "健身点 {radius} 米", "en": "{radius} m of a fitness point"},
    "map.life_circle": {"zh": "{radius} 米生活圈", "en": "{radius} m life circle"},
    "map.neighbours": {"zh": "相邻社区", "en": "Neighbouring communities"},
    "map.zone": {"zh": "实验区", "en": "Zone"},
    "map.boundary": {"zh": "{name}边界", "en": "{name} boundary"},
    "map.compound": {"zh": "小区 {households} 户", "en": "Compound, {households} households"},
    "map.not_covered": {"zh": "未覆盖小区", "en": "Compound not covered"},
    "map.community_title": {"zh": "{name}：小区与服务设施", "en": "{name}: compounds and facilities"},
    "map.zone_title": {"zh": "实验区各社区", "en": "Communities of the zone"},
    # ------------------------------------------------- a build's index page
    "page.unit": {"zh": "单位", "en": "Unit"},
    "page.id": {"zh": "编号", "en": "ID"},
    "page.type": {"zh": "类型", "en": "Type"},
    "page.status": {"zh": "状态", "en": "Status"},
    "page.files": {"zh": "文件", "en": "Files"},
    "page.community": {"zh": "社区", "en": "community"},
    "page.zone": {"zh": "街道（试验区）", "en": "zone"},
    "page.built": {"zh": "已生成", "en": "built"},
    "page.cached": {"zh": "已是最新", "en": "up to date"},
    "page.failed": {"zh": "失败", "en": "failed"},
    "page.html": {"zh": "网页", "en": "HTML"},
    "page.pdf": {"zh": "PDF", "en": "PDF"},
    "page.ipynb": {"zh": "笔记本", "en": "notebook"},
    "page.json": {"zh": "数据（JSON）", "en": "data (JSON)"},
    "page.summary": {"zh": "共 {n} 份报告：新生成 {built} 份，沿用 {cached} 份，失败 {failed} 份。",
                     "en": "{n} report(s): {built} built, {cached} up to date, {failed} failed."},
    "page.footer": {"zh": "由 linli {version} 生成。所有文件均可离线打开。", "en": "Made by linli {version}. Every file opens offline."},
    "page.title": {"zh": "{year}年度邻里评估报告", "en": "Linli assessment reports, {year}"},
    "page.subtitle": {"zh": "数据：{dataset}；截至 {as_of}", "en": "Data: {dataset}; as of {as_of}"},
    "page.banner": {"zh": "本批报告使用合成数据，仅供演示，不反映任何真实社区。",
                    "en": "These reports use synthetic data, for demonstration only."},
    "page.report_title": {"zh": "{name} {year}年度评估报告", "en": "{name}: {year} assessment report"},
    # --------------------------------------- ledger words in the other languages
    # (their Chinese is the data contract's: the table title or the code's label)
    "table.communities": {"en": "Communities"},
    "table.population": {"en": "Population"},
    "table.boundaries": {"en": "Boundaries"},
    "table.compounds": {"en": "Compounds"},
    "table.facilities": {"en": "Facilities"},
    "table.social_organizations": {"en": "Social organisations"},
    "table.volunteers": {"en": "Volunteers"},
    "table.charity_resources": {"en": "Charity resources"},
    "table.social_workers": {"en": "Social workers"},
    "table.volunteer_activities": {"en": "Volunteer activities"},
    "table.mediation_cases": {"en": "Mediation cases"},
    "table.vulnerable_residents": {"en": "Register of vulnerable residents"},
    "table.services": {"en": "Services"},
    "table.culture_events": {"en": "Culture events"},
    "table.resident_requests": {"en": "Resident requests"},
    "table.survey_responses": {"en": "Satisfaction survey"},
    "facility.service_center": {"en": "Service centre"},
    "facility.elderly_center": {"en": "Elderly-care centre"},
    "facility.day_care": {"en": "Day-care station"},
    "facility.culture_room": {"en": "Culture room"},
    "facility.library": {"en": "Reading room"},
    "facility.rehab_center": {"en": "Rehabilitation centre"},
    "facility.fitness": {"en": "Fitness point"},
    "facility.mediation_room": {"en": "Mediation room"},
    "facility.market": {"en": "Market"},
    "facility.clinic": {"en": "Clinic"},
    "facility.other": {"en": "Other"},
    "survey.q_overall": {"en": "Overall"},
    "survey.q_environment": {"en": "Environment"},
    "survey.q_safety": {"en": "Safety"},
    "survey.q_services": {"en": "Services"},
    "survey.q_participation": {"en": "Participation"},
    "survey.q_harmony": {"en": "Neighbourly harmony"},
    "survey.q_culture": {"en": "Cultural life"},
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


def word(key: str, *, lang: str = "zh", **fields: object) -> str:
    """Return the text of ``key`` in ``lang``, its ``{fields}`` filled in.

    Examples
    --------
    >>> word("map.north", lang="en"), word("fig.rank_span", span="1–2")
    ('N', '第1–2名')
    """
    check_lang(lang)
    try:
        text = WORDS[key][lang]
    except KeyError:
        msg = f"No words for {key!r} in {lang!r}." if key in WORDS else f"Unknown label {key!r}."
        raise ContractError(msg) from None
    return text.format(**fields) if fields else text


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

    Words of the ledgers (``table.*``, ``facility.*``, ``survey.*``) need none in the contract's
    language, Chinese.

    Examples
    --------
    >>> missing_words("zh"), missing_words("en")
    ([], [])
    """
    contract_words = ("table.", "facility.", "survey.")
    return [k for k, v in WORDS.items()
            if lang not in v and not (lang == _CONTRACT_LANG and k.startswith(contract_words))]


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
    if lang != _CONTRACT_LANG:
        return column
    try:
        return TABLES[table].column(column).label_zh or column
    except KeyError:
        return column


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


def _show_unit(unit: str, lang: str) -> bool:
    """Whether an indicator's unit is worth writing after its name (not % nor a bare count)."""
    return unit != "%" and not (lang == "en" and unit in ("count", "persons", "households"))


def indicator_name(indicator: str, *, lang: str = "zh", unit: bool = False) -> str:
    """Return the catalogue name of ``indicator``; with ``unit``, its unit in brackets.

    Examples
    --------
    >>> indicator_name("volunteers"), indicator_name("volunteers", unit=True)
    ('注册志愿者数', '注册志愿者数（人）')
    >>> indicator_name("volunteer_share_pct", lang="en", unit=True)
    'Volunteers as a share of the resident population'
    """
    ind = _indicator(indicator)
    name = _pick(ind.name_zh, ind.name_en, lang)
    u = _pick(ind.unit.zh, ind.unit.en, lang)
    return with_unit(name, u, lang=lang) if unit and _show_unit(u, lang) else name


def indicator_names(*, lang: str = "zh") -> dict[str, str]:
    """Return indicator id -> catalogue name, for the ``labels=`` of every figure.

    Examples
    --------
    >>> indicator_names(lang="en")["social_orgs"]
    'Social organisations'
    """
    return {i.id: _pick(i.name_zh, i.name_en, lang) for i in _cat().indicators}
