"""The tables and texts a report shows, in Chinese or English.

Every function here turns the results a report notebook reads (a
:class:`linli.results.UnitResults`, or its frames) into something to display: a
DataFrame with display-ready text cells and translated headers, a short text, or the
HTML of either (:func:`to_html`). The numbers come straight from the result frames —
nothing is recomputed here, only formatted — so a report says exactly what
``OUT/<year>/<unit>.json`` and ``linli indicators`` say. The one computation is
:func:`uncovered_compounds` (which compounds a map marks), a thin wrapper over
:func:`linli.access.life_circle_coverage`.

Every function takes ``lang``: ``"zh"`` (default) or ``"en"``. Labels of progress
statuses, claim verdicts, dimensions, brands, table headers and section headings are in
:data:`LABELS`, one entry per key with both languages; indicator names and units come
from the catalogue (:mod:`linli.indicators.catalogue`).

Formatting rules (:func:`format_value`)
---------------------------------------
- missing: ``—`` (the reason, where the table has a column for it, says why);
- percentages (unit ``%``): one decimal and the sign, ``25.6%``;
- whole numbers (counts): no decimals, ``1425`` (``1,425`` in English);
- other numbers: one decimal, two below 1 (``3.2``, ``0.91``);
- scores and the index (0–100): one decimal.

Units other than ``%`` are written once, in the indicator's name (``注册志愿者数（人）``),
not in every cell. Rank intervals read ``第1–2名（共4个社区）`` / ``rank 1–2 of 4``.

Display hints
-------------
A column whose name starts with ``_`` is a display hint, not shown: ``_highlight``
(bool) makes :func:`to_html` set that row in bold (the report's own community).
"""

from __future__ import annotations

import html as html_lib
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import labels
from .contract import TABLES
from .errors import LinliError
from .figures import palette
from .indicators import catalogue as catalogue_mod
from .indicators.satisfaction import ITEMS as SATISFACTION_ITEMS
from .progress import STATUSES, ProgressThresholds, growth_rate

if TYPE_CHECKING:
    import geopandas as gpd

    from .handoff import UnitSlice as UnitResults

__all__ = [
    "COUNT_UNITS",
    "KEY_INDICATORS",
    "LABELS",
    "LANGS",
    "TREND_LEDGERS",
    "brand_dimension",
    "brand_html",
    "claims_html",
    "claims_table",
    "comparison_table",
    "comparisons_html",
    "cover_html",
    "coverage_text",
    "dimension_scores_table",
    "dimensions_html",
    "drivers_note",
    "drivers_table",
    "drivers_text",
    "format_value",
    "headline",
    "heading",
    "indicator_labels",
    "indicator_name",
    "indicator_table",
    "key_indicator",
    "label",
    "map_layers",
    "method_text",
    "note",
    "other_dimensions",
    "parameters_table",
    "profile_table",
    "provenance_table",
    "quality_table",
    "rank_sentence",
    "rank_text",
    "ranking_note",
    "ranking_table",
    "reason_text",
    "record",
    "reference_line",
    "satisfaction_table",
    "scorecard",
    "sensitivity_table",
    "targets_table",
    "to_html",
    "trend_ledgers",
    "trend_options",
    "uncovered_compounds",
    "unit_label",
    "unit_names",
    "wushe_table",
]

LANGS: tuple[str, ...] = ("zh", "en")
DASH: str = "—"

#: Brand -> the indicator its in-depth section compares across communities (one with a
#: target or benchmark line where the catalogue has one).
KEY_INDICATORS: dict[str, str] = {
    "lin_zhi": "party_branch_compounds_pct",
    "lin_he": "mediation_success_pct",
    "lin_zhu": "vulnerable_reached_pct",
    "lin_le": "service_area_per_100hh",
}

#: Brand -> the event ledgers whose monthly trend a community report draws, own first.
TREND_LEDGERS: dict[str, tuple[str, ...]] = {
    "lin_zhi": ("resident_requests", "volunteer_activities"),
    "lin_he": ("mediation_cases", "volunteer_activities"),
    "lin_zhu": ("services", "volunteer_activities"),
    "lin_le": ("culture_events", "volunteer_activities"),
}
_DEFAULT_LEDGERS: tuple[str, ...] = ("volunteer_activities", "mediation_cases")

_SCORED: tuple[str, ...] = ("wushe", "lin_zhi", "lin_he", "lin_zhu", "lin_le", "satisfaction")
#: The uncertain inputs of the rank sensitivity analysis (linli.uncertainty.INPUTS), in report order.
_INPUTS: tuple[str, ...] = ("normalisation", "aggregation", "weights")

#: key -> {"zh": …, "en": …}: every fixed label a report shows.
LABELS: dict[str, dict[str, str]] = {
    # progress statuses (linli.progress.STATUSES)
    "target_achieved": {"zh": "已达目标", "en": "Target achieved"},
    "substantial_progress": {"zh": "显著进展", "en": "Substantial progress"},
    "moderate_progress": {"zh": "中等进展", "en": "Moderate progress"},
    "limited_progress": {"zh": "进展有限", "en": "Limited progress"},
    "deterioration": {"zh": "退步", "en": "Deterioration"},
    "not_available": {"zh": "无法评估", "en": "Not available"},
    # claim verdicts (linli.claims)
    "agrees": {"zh": "一致", "en": "Agrees"},
    "disagrees": {"zh": "不一致", "en": "Disagrees"},
    "cannot_check": {"zh": "无法核对", "en": "Cannot check"},
    # targets and benchmarks
    "met": {"zh": "达标", "en": "met"},
    "not_met": {"zh": "未达标", "en": "not met"},
    "above": {"zh": "高于基准", "en": "above the benchmark"},
    "below": {"zh": "低于基准", "en": "below the benchmark"},
    "equal": {"zh": "与基准持平", "en": "at the benchmark"},
    "target": {"zh": "目标", "en": "target"},
    "benchmark": {"zh": "基准", "en": "benchmark"},
    "no_target": {"zh": "无适用目标", "en": "no target applies"},
    "no_benchmark": {"zh": "无适用基准", "en": "no benchmark applies"},
    "not_scored": {"zh": "不计分", "en": "not scored"},
    # dimensions (the short names of the catalogue, as the figures show them)
    "profile": {"zh": "概况", "en": "Profile"},
    **{d.id: {"zh": d.label.zh, "en": d.label.en} for d in catalogue_mod.load().dimensions if d.scored},
    # brands: name and what the brand stands for
    "brand_lin_zhi": {"zh": "邻治 · 居民参与小区治理", "en": "Lin Zhi · residents take part in running their compounds"},
    "brand_lin_he": {"zh": "邻和 · 多方联动化解矛盾纠纷（“1+N”）", "en": "Lin He · disputes mediated by joint forces (“1+N”)"},
    "brand_lin_zhu": {"zh": "邻助 · 助老助残", "en": "Lin Zhu · aid to older and disabled residents"},
    "brand_lin_le": {"zh": "邻乐 · 老年文体与休闲", "en": "Lin Le · culture and recreation for older residents"},
    # table headers
    "indicator": {"zh": "指标", "en": "Indicator"},
    "item": {"zh": "项目", "en": "Item"},
    "score": {"zh": "得分", "en": "Score"},
    "target_col": {"zh": "目标/基准", "en": "Target / benchmark"},
    "progress": {"zh": "进展", "en": "Progress"},
    "progress_since": {"zh": "进展（{baseline}→{year}）", "en": "Progress ({baseline}→{year})"},
    "note": {"zh": "说明", "en": "Note"},
    "baseline_year": {"zh": "{year}年（基线）", "en": "{year} (baseline)"},
    "year_col": {"zh": "{year}年", "en": "{year}"},
    "cagr": {"zh": "年均增长", "en": "Annual growth"},
    "interval95": {"zh": "95%置信区间", "en": "95 % interval"},
    "index": {"zh": "邻里指数", "en": "Linli Index"},
    "index_band": {"zh": "指数区间（仅权重变化，5%–95%）", "en": "Index band (weights varied, 5–95 %)"},
    "band": {"zh": "指数区间（5%–95%）", "en": "Index band (5–95 %)"},
    "rank_kept": {"zh": "保持该排名", "en": "Rank kept"},
    "not_ranked": {"zh": "不参与排名", "en": "not ranked"},
    "zone_mark": {"zh": "{name}（实验区）", "en": "{name} (zone)"},
    "choice": {"zh": "选择", "en": "Choice"},
    "first_order": {"zh": "一阶效应（5%–95%）", "en": "First-order (5–95 %)"},
    "total_effect": {"zh": "总效应（5%–95%）", "en": "Total effect (5–95 %)"},
    "input_normalisation": {"zh": "标准化方法", "en": "normalisation"},
    "input_aggregation": {"zh": "聚合方法", "en": "aggregation"},
    "input_weights": {"zh": "维度权重", "en": "dimension weights"},
    "median": {"zh": "中位数", "en": "Median"},
    "rank": {"zh": "排名", "en": "Rank"},
    "rank_interval": {"zh": "排名区间（5%–95%）", "en": "Rank interval (5–95 %)"},
    "community": {"zh": "社区", "en": "Community"},
    "total": {"zh": "合计", "en": "Total"},
    "targets_row": {"zh": "目标达成", "en": "Targets"},
    "benchmarks_row": {"zh": "对照基准", "en": "Benchmarks"},
    "dimension_left_out": {"zh": "去掉的维度", "en": "Dimension left out"},
    "all_dimensions": {"zh": "全部维度（基准排名）", "en": "All dimensions (baseline rank)"},
    "table": {"zh": "数据表", "en": "Table"},
    "file": {"zh": "文件", "en": "File"},
    "rows_read": {"zh": "读入行数", "en": "Rows read"},
    "rows_loaded": {"zh": "载入", "en": "Loaded"},
    "rows_quarantined": {"zh": "隔离", "en": "Quarantined"},
    "why": {"zh": "隔离原因（次数）", "en": "Why quarantined (times)"},
    "absent": {"zh": "未提供（可选）", "en": "not supplied (optional)"},
    "sha256": {"zh": "SHA-256（前12位）", "en": "SHA-256 (first 12)"},
    "rows": {"zh": "行数", "en": "Rows"},
    "statement": {"zh": "公开表述", "en": "Published figure"},
    "claimed": {"zh": "公布值", "en": "Published"},
    "observed": {"zh": "数据值", "en": "Data"},
    "verdict": {"zh": "结论", "en": "Verdict"},
    "year": {"zh": "年份", "en": "Year"},
    "parameter": {"zh": "参数", "en": "Parameter"},
    "value": {"zh": "取值", "en": "Value"},
    "source": {"zh": "来源", "en": "Source"},
    "kind": {"zh": "类型", "en": "Kind"},
    # section headings
    "h_overview": {"zh": "概况", "en": "At a glance"},
    "h_scorecard": {"zh": "综合评价", "en": "Scorecard"},
    "h_wushe": {"zh": "五社联动：基线与现状", "en": "Five-society linkage: baseline and now"},
    "h_brand": {"zh": "品牌专题：{brand}", "en": "The brand in depth: {brand}"},
    "h_dimensions": {"zh": "其他维度", "en": "The other dimensions"},
    "h_comparison": {"zh": "各社区分维度对比", "en": "The communities compared, dimension by dimension"},
    "h_map": {"zh": "空间分布与生活圈覆盖", "en": "Map and life-circle coverage"},
    "h_trends": {"zh": "月度趋势", "en": "Monthly trends"},
    "h_satisfaction": {"zh": "居民满意度", "en": "Resident satisfaction"},
    "h_quality": {"zh": "数据质量", "en": "Data quality"},
    "h_claims": {"zh": "公开数据核对", "en": "Published figures checked"},
    "h_method": {"zh": "方法说明", "en": "Method"},
    "h_provenance": {"zh": "数据来源与可复现性", "en": "Provenance"},
    "h_ranking": {"zh": "排名及其不确定性", "en": "Ranking with uncertainty"},
    "h_dimension_scores": {"zh": "各维度得分", "en": "Dimension scores"},
    "h_sensitivity": {"zh": "敏感性分析", "en": "Sensitivity"},
    "h_drivers": {"zh": "哪种选择影响排名", "en": "Which choice drives the ranks"},
    "h_leave_out": {"zh": "去掉一个维度后的排名", "en": "Ranks with one dimension left out"},
    "h_targets": {"zh": "目标与基准的来源", "en": "Sources of targets and benchmarks"},
    "h_parameters": {"zh": "计算参数", "en": "Parameters"},
    # notes under tables and figures
    "n_arrows": {"zh": "↓ 数值越低越好；· 仅作参考，不计分。得分为按固定阈值换算的0–100分。",
                 "en": "↓ lower is better; · context, not scored. Scores are 0–100 on fixed goalposts."},
    "n_wushe": {"zh": "年均增长为基线年至评估年的年均复合增长率（CAGR）。",
                "en": "Annual growth is the compound annual growth rate (CAGR) from the baseline year."},
    "n_satisfaction": {"zh": "满意比例为评分≥4（满分5分）的加权比例；区间为95% Wilson置信区间（按Kish有效样本量）。",
                       "en": "Share of weighted answers rating 4 or 5 out of 5; 95 % Wilson interval on Kish's effective sample size."},
    "n_quality": {"zh": "按整个数据集（全部社区）统计。被隔离的行不参与计算；每一读入行或载入、或隔离，行数可以核对。",
                  "en": "For the whole dataset (every community). Quarantined rows are left out of every figure; each row read is either loaded or quarantined, so the counts reconcile."},
    "n_quality_none": {"zh": "没有行被隔离。", "en": "No row was quarantined."},
    "n_claims": {"zh": "将报道中的数字与本数据核对；“一致”按公布值的精度比较。",
                 "en": "Figures published in the press, checked against these data; “agrees” compares at the precision of the published figure."},
    "n_claims_none": {"zh": "没有可核对的公开数据。", "en": "No published figure to check."},
    "n_claims_unreadable": {
        "zh": "公开数据文件 published_claims.yaml 无法读取，未作核对（报告其余部分不受影响）。原因：{reason}",
        "en": "The published-figures file published_claims.yaml could not be read, so no figure was checked "
              "(the rest of the report is unaffected). Why: {reason}",
    },
    "n_sensitivity": {"zh": "每列为去掉一个维度（其余权重重新归一）后的排名；括号内为名次变化，+1 表示去掉该维度后下降一位（即该维度拉高了排名）。",
                      "en": "Rank with one dimension left out (the other weights renormalised); in brackets the change, +1 meaning the unit falls one place without it (the dimension lifts it)."},
    "n_ranking": {"zh": "圆点为按基准方法（固定阈值、算术平均、等权）计算的邻里指数；条带为各维度权重在±{jitter}%内随机变化时指数的5%–95%区间（{draws}次模拟，标准化与聚合方法不变）。右侧为排名区间：标准化方法、聚合方法和权重同时变化时排名的5%–95%区间；“保持该排名”为这些模拟中仍为基准排名的比例。实验区与各社区并列展示，不参与排名。",
                  "en": "The dot is the index on the baseline method (goalposts, arithmetic mean, equal weights); the band is its 5th–95th percentiles over {draws} draws in which each dimension weight varies within ±{jitter} % (normalisation and aggregation unchanged). At the right, the rank interval: the 5th–95th percentile ranks when the normalisation, the aggregation and the weights vary together; “rank kept” is the share of those draws in which a community keeps its headline rank. The zone is shown beside its communities and not ranked."},
    "n_drivers": {"zh": "方差敏感性指数（Saltelli 2010一阶效应、Jansen 1999总效应，{draws}×5次模拟，括号内为{bootstrap}次自助抽样的5%–95%区间）：总效应为该选择单独及与其他选择共同造成的排名波动所占比例，一阶效应为它单独造成的比例；接近0表示这一选择几乎不影响排名。估计有抽样误差，可能略小于0或大于1。",
                  "en": "Variance-based sensitivity indices (first-order: Saltelli 2010; total effect: Jansen 1999; {draws} × 5 runs; in brackets the 5–95 % interval over {bootstrap} bootstrap resamples). The total effect is the share of the rank's variation that involves the choice, alone or with the others; the first-order index the share it causes alone. Near 0: the choice hardly moves the rank. Estimates carry sampling error and may fall slightly below 0 or above 1."},
    "n_map": {"zh": "地图为示意图，非测绘成果。", "en": "Illustrative map, not surveyed."},
    "n_no_map": {"zh": "{name}没有可用的边界（边界文件中缺少，或因几何问题被隔离，见数据质量一节），本报告不含地图。",
                 "en": "{name} has no usable boundary (missing from the boundary file, or quarantined for its geometry: see data quality), so this report has no map."},
    "n_map_left_out": {"zh": "另有{n}个小区或设施因位置缺失或有误未画入地图、未计入生活圈（见数据质量一节）。",
                       "en": "{n} compound(s) or facilities without a usable location are left off the map and out of the life circle (see data quality)."},
    "synthetic_banner": {
        "zh": "合成数据：本报告所用数据由程序生成，仅供演示，不反映任何真实社区的情况。",
        "en": "Synthetic data: the data in this report were generated by a program for demonstration; they describe no real community.",
    },
    "title_community": {"zh": "{name} {year}年度评估报告", "en": "{name}: {year} assessment report"},
    "title_zone": {"zh": "{name} {year}年度评估报告（实验区）", "en": "{name}: {year} assessment report for the zone"},
    "kicker": {"zh": "城乡社区治理创新实验区 · 邻里评估", "en": "Community-governance innovation zone · Linli assessment"},
    "cover_zone": {"zh": "所属街道（实验区）", "en": "Zone"},
    "cover_brand": {"zh": "品牌", "en": "Brand"},
    "cover_year": {"zh": "评估年度", "en": "Assessment year"},
    "cover_baseline": {"zh": "基线年度", "en": "Baseline year"},
    "cover_as_of": {"zh": "数据截至", "en": "Data as of"},
    "cover_dataset": {"zh": "数据集", "en": "Dataset"},
    "cover_made_by": {"zh": "生成工具", "en": "Made with"},
    "cover_communities": {"zh": "社区", "en": "Communities"},
}

_ARROW = {"up": "", "down": "\u00a0↓", "context": "\u00a0·"}  # no break before the mark
_SYMBOL = {"gt": ">", "ge": "≥", "lt": "<", "le": "≤", "eq": "="}
_TABLE_EN: dict[str, str] = {
    "communities": "Communities", "population": "Population", "boundaries": "Boundaries",
    "compounds": "Compounds", "facilities": "Facilities", "social_organizations": "Social organisations",
    "volunteers": "Volunteers", "charity_resources": "Charity resources", "social_workers": "Social workers",
    "volunteer_activities": "Volunteer activities", "mediation_cases": "Mediation cases",
    "vulnerable_residents": "Register of vulnerable residents", "services": "Services",
    "culture_events": "Culture events", "resident_requests": "Resident requests",
    "survey_responses": "Satisfaction survey",
}
_RULE_LABELS: dict[str, tuple[str, str]] = {
    "missing_value": ("必填项为空", "required value empty"),
    "not_a_date": ("日期无法识别", "not a date"),
    "not_an_integer": ("不是整数", "not a whole number"),
    "not_a_number": ("不是数字", "not a number"),
    "not_a_boolean": ("是/否无法识别", "not a yes/no value"),
    "unknown_code": ("不在代码表中", "unknown code"),
    "bad_pattern": ("格式不符", "wrong format"),
    "below_minimum": ("数值过小", "value too small"),
    "above_maximum": ("数值过大", "value too large"),
    "duplicate_id": ("编号重复", "duplicate id"),
    "duplicate_row": ("整行重复", "duplicate row"),
    "duplicate_key": ("组合重复", "duplicate key"),
    "unknown_reference": ("引用不存在", "unknown reference"),
    "future_date": ("日期晚于截止日", "date after the as-of date"),
    "end_before_start": ("结束早于开始", "end before start"),
    "closed_before_received": ("办结早于受理", "closed before received"),
    "age_65_plus_exceeds_residents": ("65岁以上人口超过实有人口", "aged 65+ exceed residents"),
    "disabled_exceeds_residents": ("残疾人数超过实有人口", "disabled exceed residents"),
    "elders_exceed_participants": ("65岁以上参与人数超过参与人数", "aged 65+ exceed participants"),
    "missing_geometry": ("缺少几何图形", "geometry missing"),
    "wrong_geometry_type": ("几何类型不符", "wrong geometry type"),
    "invalid_geometry": ("几何图形无效", "invalid geometry"),
    "outside_zone": ("位置超出实验区范围", "outside the zone"),
    "swapped_coordinates": ("经纬度颠倒", "longitude and latitude swapped"),
    "non_finite_coordinates": ("坐标非有限数值", "coordinates not finite"),
    "polygon_as_point": ("以面代点（已取代表点）", "polygon used as a point"),
    "mixed_encoding": ("编码混杂", "mixed encodings"),
    "uncomputed_formula": ("公式未计算", "formula not computed"),
    "personal_data_masked": ("个人信息已遮盖", "personal data masked"),
}
_NORMALISATION_LABELS = {
    "goalposts": ("固定阈值（goalposts）", "fixed goalposts"),
    "minmax": ("最小–最大值", "min–max"),
    "zscore": ("z分数", "z-score"),
}
_AGGREGATION_LABELS = {"arithmetic": ("算术平均", "arithmetic mean"), "geometric": ("几何平均", "geometric mean")}


# ------------------------------------------------------------------ labels


def _check_lang(lang: str) -> str:
    if lang not in LANGS:
        msg = f"Unknown language {lang!r}; valid: {', '.join(LANGS)}."
        raise LinliError(msg)
    return lang


def _zh(lang: str) -> bool:
    return _check_lang(lang) == "zh"


def label(key: str, *, lang: str = "zh", **fields: object) -> str:
    """Return the label ``key`` of :data:`LABELS` in ``lang``, its ``{fields}`` filled in.

    Examples
    --------
    >>> label("substantial_progress"), label("substantial_progress", lang="en")
    ('显著进展', 'Substantial progress')
    >>> label("year_col", lang="zh", year=2024)
    '2024年'
    """
    _check_lang(lang)
    try:
        text = LABELS[key][lang]
    except KeyError:
        msg = f"Unknown label {key!r}."
        raise LinliError(msg) from None
    return text.format(**fields) if fields else text


def _catalogue() -> catalogue_mod.Catalogue:
    return catalogue_mod.load()


def _indicator(indicator: str) -> catalogue_mod.Indicator:
    cat = _catalogue()
    try:
        return cat.by_id[indicator]
    except KeyError:
        msg = f"Unknown indicator {indicator!r}; known: {', '.join(cat.ids)}."
        raise LinliError(msg) from None


def _show_unit(unit: str, lang: str) -> bool:
    """Whether an indicator's unit is worth writing after its name (not % nor a bare count)."""
    return unit != "%" and not (lang == "en" and unit in ("count", "persons", "households"))


def unit_label(indicator: str, *, lang: str = "zh") -> str:
    """Return the unit of ``indicator`` in ``lang`` (from the catalogue).

    Examples
    --------
    >>> unit_label("service_area_per_100hh"), unit_label("volunteers", lang="en")
    ('平方米/百户', 'persons')
    """
    ind = _indicator(indicator)
    return ind.unit.zh if _zh(lang) else ind.unit.en


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
    name = ind.name_zh if _zh(lang) else ind.name_en
    u = ind.unit.zh if lang == "zh" else ind.unit.en
    if unit and _show_unit(u, lang):
        name = f"{name}（{u}）" if lang == "zh" else f"{name} ({u})"
    return name


def indicator_labels(*, lang: str = "zh") -> dict[str, str]:
    """Return indicator id -> catalogue name, for the ``labels=`` of every figure.

    Examples
    --------
    >>> indicator_labels(lang="en")["social_orgs"]
    'Social organisations'
    """
    _check_lang(lang)
    return {i.id: (i.name_zh if lang == "zh" else i.name_en) for i in _catalogue().indicators}


def unit_names(units: pd.DataFrame, *, lang: str = "zh") -> dict[str, str]:
    """Return unit id -> display name from a ``units`` frame (``name_zh``/``name_en``).

    A missing English name falls back to the Chinese one, a missing name to the id.

    Examples
    --------
    >>> units = pd.DataFrame({"unit_id": ["renmin", "xiangbei"], "name_zh": ["人民街道", "湘北社区"],
    ...                       "name_en": ["Renmin Street", None]})
    >>> unit_names(units, lang="en")
    {'renmin': 'Renmin Street', 'xiangbei': '湘北社区'}
    """
    _check_lang(lang)
    out: dict[str, str] = {}
    for row in units.itertuples(index=False):
        names = [getattr(row, f"name_{lang}", None), getattr(row, "name_zh", None)]
        out[str(row.unit_id)] = next((str(n) for n in names if not palette._missing(n)), str(row.unit_id))
    return out


def _name(res: UnitResults, unit_id: str, lang: str) -> str:
    return unit_names(res.units, lang=lang).get(unit_id, unit_id)


# -------------------------------------------------------------- formatting


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _number(value: float, lang: str, decimals: int | None = None) -> str:
    v = float(value)
    if decimals is None:
        if abs(v - round(v)) < 1e-9:
            decimals = 0
        else:
            decimals = 2 if abs(v) < 1 else 1
    if decimals == 0:
        v = round(v)
    sep = "," if lang == "en" else ""
    text = f"{v:{sep}.{decimals}f}"
    return "0" if text in ("-0", "-0.0") and decimals == 0 else text.replace("-", "−")


#: Units (the catalogue's English unit) whose values are whole counts.
COUNT_UNITS: frozenset[str] = frozenset({"count", "persons", "households"})


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
        ``zh`` (no thousands separator) or ``en`` (``1,425``).
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
    _check_lang(lang)
    if _missing(value):
        return DASH
    if unit == "%":
        return f"{_number(value, lang, 1)}%"
    if decimals is None and unit is not None:
        v = abs(float(value))
        decimals = 0 if unit in COUNT_UNITS else (2 if 0 < v < 1 else 1)
    return _number(value, lang, decimals)


def _count(text: Any, lang: str) -> str:
    """A row count from the provenance (text; empty when unknown)."""
    value = pd.to_numeric(pd.Series([text]), errors="coerce").iloc[0]
    return format_value(value, unit="count", lang=lang)


def _score(value: Any, lang: str) -> str:
    return DASH if _missing(value) else _number(value, lang, 1)


def _pct(fraction: Any, lang: str) -> str:
    """A growth rate given as a fraction, as a signed percentage with one decimal."""
    if _missing(fraction) or not np.isfinite(float(fraction)):
        return DASH
    v = float(fraction) * 100
    return ("+" if v >= 0.05 else "") + f"{_number(v, lang, 1)}%"


def rank_text(low: Any, high: Any = None, n: Any = None, *, lang: str = "zh") -> str:
    """Return a rank or rank interval, with the number of units ranked when known.

    Examples
    --------
    >>> rank_text(1, 2, 4), rank_text(1, 2, 4, lang="en")
    ('第1–2名（共4个社区）', 'rank 1–2 of 4')
    >>> rank_text(3, 3, 4), rank_text(3, lang="en"), rank_text(None, None, 4)
    ('第3名（共4个社区）', 'rank 3', '—')
    """
    _check_lang(lang)
    if _missing(low):
        return DASH
    lo = int(low)
    hi = lo if _missing(high) else int(high)
    span = f"{lo}" if lo == hi else f"{lo}–{hi}"
    if lang == "zh":
        return f"第{span}名" + ("" if _missing(n) else f"（共{int(n)}个社区）")
    return f"rank {span}" + ("" if _missing(n) else f" of {int(n)}")


def _ordinal(n: int) -> str:
    """``1st``, ``2nd``, ``3rd``, ``4th`` … ``11th``, ``21st``."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _kept(pct: float) -> str:
    """A share of draws in whole percent, with one decimal where rounding would say 0 or 100 falsely."""
    whole = round(float(pct))
    if (whole == 100 and pct < 100) or (whole == 0 and pct > 0):
        return f"{float(pct):.1f}"
    return str(int(whole))


def _monte_carlo() -> catalogue_mod.MonteCarlo:
    return _catalogue().index_settings.monte_carlo


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
    _check_lang(lang)
    if _missing(rank):
        return DASH
    r = int(rank)
    total = _monte_carlo().draws if draws is None else int(draws)
    if lang == "zh":
        text = f"第{r}名" + ("" if _missing(n) else f"（共{int(n)}个社区）")
        return text + ("" if _missing(kept_pct) else f"，{total}次模拟中有{_kept(kept_pct)}%仍为第{r}名")
    text = f"rank {r}" + ("" if _missing(n) else f" of {int(n)}")
    return text + ("" if _missing(kept_pct) else f"; {_kept(kept_pct)} % of {total:,} simulations keep it {_ordinal(r)}")


def _interval_text(row: Mapping[str, Any], lang: str) -> str:
    """``第1–3名（中位数第2名）`` / ``rank 1–3 (median 2)`` from an uncertainty row."""
    if _missing(row.get("rank_low")):
        return DASH
    text = rank_text(row["rank_low"], row["rank_high"], lang=lang)
    median = row.get("rank_median")
    if _missing(median) or int(row["rank_low"]) == int(row["rank_high"]):
        return text
    return text + (f"（中位数第{int(median)}名）" if lang == "zh" else f" (median {int(median)})")


def _band_text(row: Mapping[str, Any], lang: str, *, median: bool = True) -> str:
    """``55.6–59.1（中位数57.4）`` / ``55.6–59.1 (median 57.4)`` from an uncertainty row."""
    if not row or _missing(row.get("index_low")):
        return DASH
    text = f"{_score(row['index_low'], lang)}–{_score(row['index_high'], lang)}"
    if median and not _missing(row.get("index_median")):
        m = _score(row["index_median"], lang)
        text += f"（中位数{m}）" if lang == "zh" else f" (median {m})"
    return text


_REASONS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(rf"^{pattern}$"), zh)
    for pattern, zh in (
        (r"table (?P<table>\w+) absent", "缺少数据表“{table}”"),
        (r"table (?P<table>\w+) has no geometry", "数据表“{table}”没有几何图形"),
        (r"column (?P<table>\w+)\.(?P<column>\w+) absent", "数据表“{table}”缺少“{column}”列"),
        (r"no population row for (?P<year>\d{4})", "{year}年无人口数据"),
        (r"population\.(?P<column>\w+) empty for (?P<year>\d{4})", "{year}年人口数据“{column}”为空"),
        (r"no answers to (?P<item>\w+) in (?P<year>\d{4})", "{year}年问卷无“{item}”的有效回答"),
        (r"no closed requests received in (?P<year>\d{4})", "{year}年受理的诉求均未办结"),
        (r"no resolved and closed cases received in (?P<year>\d{4})", "{year}年受理的案件无调解成功并办结者"),
        (r"no cases other than pending received in (?P<year>\d{4})", "{year}年受理的案件均在办理中"),
        (r"no cases received in (?P<year>\d{4})", "{year}年未受理调解案件"),
        (r"no residents aged 65\+ in (?P<year>\d{4})", "{year}年无65岁以上居民"),
        (r"no compound households", "小区户数为0"),
        (r"no compounds", "没有小区数据"),
        (r"no requests received in (?P<year>\d{4})", "{year}年未受理居民诉求"),
        (r"no rated requests received in (?P<year>\d{4})", "{year}年无评价过的诉求"),
        (r"no register members active at end of (?P<year>\d{4})", "{year}年末名册无在册人员"),
        (r"no residents in (?P<year>\d{4})", "{year}年无居民"),
        (r"no volunteers active at end of (?P<year>\d{4})", "{year}年末无在册志愿者"),
    )
)
_RE_DENOMINATOR = re.compile(r"^denominator is 0: (?P<rest>.*)$")
_RE_COMMUNITY = re.compile(r"^(?P<rest>.*) \(community (?P<cid>[^)]+)\)$")


def _column_label(table: str, column: str) -> str:
    if column == "geometry":
        return "几何"
    try:
        return TABLES[table].column(column).label_zh or column
    except KeyError:
        return column


def _table_label(table: str, lang: str) -> str:
    if lang == "en":
        return _TABLE_EN.get(table, table)
    return TABLES[table].title_zh if table in TABLES else table


def reason_text(reason: Any, *, lang: str = "zh", names: Mapping[str, str] | None = None) -> str:
    """Say in ``lang`` why an indicator is missing, from the indicator table's ``reason``.

    The English reasons of :mod:`linli.indicators` are kept in English and translated
    to Chinese; one the translation does not know is shown as it is.

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
    _check_lang(lang)
    if _missing(reason) or not str(reason).strip():
        return ""
    text = str(reason).strip()
    if lang == "en":
        return text
    where = ""
    m = _RE_COMMUNITY.match(text)
    if m:
        cid = m.group("cid")
        where = f"（{(names or {}).get(cid, cid)}）"
        text = m.group("rest")
    m = _RE_DENOMINATOR.match(text)
    if m:
        text = m.group("rest")
    for pattern, template in _REASONS:
        m = pattern.match(text)
        if m:
            fields = m.groupdict()
            if "table" in fields:
                if "column" in fields:
                    fields["column"] = _column_label(fields["table"], fields["column"])
                fields["table"] = _table_label(fields["table"], "zh")
            elif "column" in fields:
                fields["column"] = _column_label("population", fields["column"])
            if "item" in fields:
                fields["item"] = _column_label("survey_responses", fields["item"])
            return template.format(**fields) + where
    return f"无法计算（{text}）{where}"


# ------------------------------------------------------------------ frames


def _rows(frame: pd.DataFrame, unit_id: str | None, year: int | None = None) -> pd.DataFrame:
    if unit_id is None:
        return frame.iloc[0:0]
    mask = frame["unit_id"].astype(str) == unit_id
    if year is not None and "year" in frame.columns:
        mask &= frame["year"] == year
    return frame[mask]


def _by_indicator(frame: pd.DataFrame, unit_id: str | None, year: int | None = None) -> pd.DataFrame:
    rows = _rows(frame, unit_id, year).drop_duplicates("indicator", keep="last")
    return rows.set_index(rows["indicator"].astype(str))


def _one(frame: pd.DataFrame, unit_id: str | None, year: int | None) -> dict[str, Any]:
    rows = _rows(frame, unit_id, year)
    return {} if rows.empty else rows.iloc[-1].to_dict()


def _zone_id(res: UnitResults) -> str | None:
    """The unit a community is compared with (its zone); None for a zone."""
    if res.unit_type == "zone":
        return None
    zid = res.unit.get("zone_id")
    return None if _missing(zid) else str(zid)


def _communities(res: UnitResults) -> list[str]:
    """The community units of ``res`` in the units frame's order."""
    units = res.units
    return [str(u) for u in units.loc[units["unit_type"].astype(str) == "community", "unit_id"]]


def _with_highlight(frame: pd.DataFrame, flags: Sequence[bool]) -> pd.DataFrame:
    if any(flags):
        frame["_highlight"] = list(flags)
    return frame


# ---------------------------------------------------------------- sections


def heading(key: str, *, lang: str = "zh", level: int = 2, **fields: object) -> str:
    """Return an HTML heading with the label ``h_<key>`` (or ``key`` when it has no ``h_``).

    Examples
    --------
    >>> heading("scorecard"), heading("scorecard", lang="en", level=3)
    ('<h2>综合评价</h2>', '<h3>Scorecard</h3>')
    """
    name = f"h_{key}" if f"h_{key}" in LABELS else key
    return f"<h{level}>{html_lib.escape(label(name, lang=lang, **fields))}</h{level}>"


def cover_html(res: UnitResults, *, lang: str = "zh") -> str:
    """Return the report's cover: title, brand, year, data as-of, dataset, and a banner
    when the data is synthetic (``class="linli-banner"``).

    Examples
    --------
    >>> from linli.testing import example_unit
    >>> html = cover_html(example_unit())
    >>> "甲社区 2024年度评估报告" in html and "linli-banner" in html
    True
    """
    _check_lang(lang)
    esc = html_lib.escape
    name = _name(res, res.unit_id, lang)
    meta = res.meta
    title = label("title_zone" if res.unit_type == "zone" else "title_community", lang=lang, name=name, year=res.year)
    rows: list[tuple[str, str]] = []
    zid = _zone_id(res)
    if zid is not None:
        rows.append((label("cover_zone", lang=lang), _name(res, zid, lang)))
    brand = res.unit.get("brand")
    chip = ""
    if not _missing(brand) and f"brand_{brand}" in LABELS:
        color = palette.brand_color(str(brand))
        chip = (f'<span class="linli-chip" style="background:{color};color:{palette.text_color_on(color)}">'
                f"{esc(labels.brand_label(str(brand), lang=lang))}</span> ")
        rows.append((label("cover_brand", lang=lang), label(f"brand_{brand}", lang=lang)))
    if res.unit_type == "zone":
        names = unit_names(res.units, lang=lang)
        sep = "、" if lang == "zh" else ", "
        rows.append((label("cover_communities", lang=lang), sep.join(names[c] for c in _communities(res))))
    rows += [
        (label("cover_year", lang=lang), str(res.year)),
        (label("cover_baseline", lang=lang), str(res.baseline_year)),
        (label("cover_as_of", lang=lang), str(meta.get("as_of", DASH))),
        (label("cover_dataset", lang=lang), str(meta.get("dataset", DASH))),
        (label("cover_made_by", lang=lang), f"linli {meta.get('linli_version', '')}".strip()),
    ]
    table = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in rows)
    banner = (f'<p class="linli-banner">{esc(label("synthetic_banner", lang=lang))}</p>'
              if res.synthetic else "")
    return (
        '<div class="linli-cover">'
        f'<p class="linli-kicker">{esc(label("kicker", lang=lang))}</p>'
        f"<h1>{chip}{esc(title)}</h1>"
        f'<table class="linli-facts">{table}</table>'
        f"{banner}</div>"
    )


def _progress_counts(res: UnitResults, unit_id: str | None, lang: str) -> str:
    rows = _rows(res.progress, unit_id)
    if rows.empty:
        return DASH
    counts = rows["status"].astype(str).value_counts()
    unit = " 项" if lang == "zh" else ""
    sep = "，" if lang == "zh" else "; "
    parts = [f"{label(s, lang=lang)}{'' if lang == 'zh' else ':'} {int(counts[s])}{unit}"
             for s in STATUSES if counts.get(s, 0)]
    return sep.join(parts) if parts else DASH


def _target_counts(res: UnitResults, unit_id: str | None, lang: str) -> tuple[str, str]:
    rows = _rows(res.progress, unit_id)
    unit = " 项" if lang == "zh" else ""
    sep = "，" if lang == "zh" else "; "
    colon = "" if lang == "zh" else ":"
    met = rows["target_met"].dropna().astype(bool) if "target_met" in rows else pd.Series(dtype=bool)
    if met.empty:
        targets = label("no_target", lang=lang)
    else:
        targets = sep.join([f"{label('met', lang=lang)}{colon} {int(met.sum())}{unit}",
                            f"{label('not_met', lang=lang)}{colon} {int((~met).sum())}{unit}"])
    vs = rows["vs_benchmark"].dropna().astype(str) if "vs_benchmark" in rows else pd.Series(dtype=str)
    vs = vs[vs.isin(["above", "below", "equal"])]
    if vs.empty:
        benchmarks = label("no_benchmark", lang=lang)
    else:
        counts = vs.value_counts()
        benchmarks = sep.join(f"{label(k, lang=lang)}{colon} {int(counts[k])}{unit}"
                              for k in ("above", "equal", "below") if counts.get(k, 0))
    return targets, benchmarks


def scorecard(res: UnitResults, *, lang: str = "zh") -> pd.DataFrame:
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
    _check_lang(lang)
    zid = _zone_id(res)
    units = [res.unit_id] + ([zid] if zid else [])
    idx = {u: _one(res.index, u, res.year) for u in units}
    unc = {u: _one(res.uncertainty, u, res.year) for u in units}

    def ranked(u: str) -> bool:
        return not _missing(unc[u].get("rank"))

    def rank_cell(u: str) -> str:
        if not ranked(u):
            return label("not_ranked", lang=lang) if unc[u].get("unit_type") == "zone" else DASH
        n = unc[u].get("n_ranked")
        return rank_sentence(unc[u]["rank"], unc[u].get("rank_kept_pct"),
                             n=n if not _missing(n) and int(n) > 1 else None, lang=lang)

    rows: list[list[str]] = [
        [label("index", lang=lang), *(_score(idx[u].get("index"), lang) for u in units)],
        [label("index_band", lang=lang), *(_band_text(unc[u], lang) for u in units)],
        [label("rank", lang=lang), *(rank_cell(u) for u in units)],
        [label("rank_interval", lang=lang), *(_interval_text(unc[u], lang) if ranked(u) else DASH for u in units)],
    ]
    for d in _SCORED:
        rows.append([label(d, lang=lang), *(_score(idx[u].get(d), lang) for u in units)])
    counts = {u: _target_counts(res, u, lang) for u in units}
    rows.append([label("targets_row", lang=lang), *(counts[u][0] for u in units)])
    rows.append([label("benchmarks_row", lang=lang), *(counts[u][1] for u in units)])
    rows.append([label("progress_since", lang=lang, baseline=res.baseline_year, year=res.year),
                 *(_progress_counts(res, u, lang) for u in units)])
    columns = [label("item", lang=lang), *(_name(res, u, lang) for u in units)]
    return pd.DataFrame(rows, columns=columns)


def headline(res: UnitResults, *, lang: str = "zh") -> str:
    """Return one or two sentences that sum the report up (index, band, rank, progress).

    Examples
    --------
    >>> from linli.testing import example_unit
    >>> headline(example_unit())
    '甲社区2024年邻里指数为57.4（权重变化时的5%–95%区间为55.9–58.6），在2个社区中排第2名，1000次模拟中有83%仍为第2名（排名区间：第1–2名）。2022年以来，3项计分指标中显著进展 2 项，退步 1 项。'
    >>> headline(example_unit(), lang="en").split(". ")[0]
    'In 2024 the Linli Index of Jia is 57.4 (5–95 % band when the weights vary: 55.9–58.6), rank 2 of 2 communities; 83 % of 1,000 simulations keep it 2nd (rank interval 1–2)'
    """
    _check_lang(lang)
    name = _name(res, res.unit_id, lang)
    i = _one(res.index, res.unit_id, res.year)
    u = _one(res.uncertainty, res.unit_id, res.year)
    draws = _monte_carlo().draws
    if not i or _missing(i.get("index")):
        text = (f"{name}{res.year}年的数据不足以计算邻里指数。" if lang == "zh"
                else f"The data for {name} in {res.year} do not suffice for a Linli Index.")
    else:
        value, lo, hi = _score(i["index"], lang), _score(u.get("index_low"), lang), _score(u.get("index_high"), lang)
        n = u.get("n_ranked")
        ranked = not _missing(u.get("rank")) and not _missing(n) and int(n) > 1
        if lang == "zh":
            text = f"{name}{res.year}年邻里指数为{value}（权重变化时的5%–95%区间为{lo}–{hi}）"
            if ranked:
                r = int(u["rank"])
                text += f"，在{int(n)}个社区中排第{r}名"
                if not _missing(u.get("rank_kept_pct")):
                    text += f"，{draws}次模拟中有{_kept(u['rank_kept_pct'])}%仍为第{r}名"
                text += f"（排名区间：{rank_text(u['rank_low'], u['rank_high'], lang='zh')}）"
            elif res.unit_type == "zone":
                text += "；实验区与各社区并列展示，不参与排名"
            text += "。"
        else:
            text = f"In {res.year} the Linli Index of {name} is {value} (5–95 % band when the weights vary: {lo}–{hi})"
            if ranked:
                r = int(u["rank"])
                text += f", rank {r} of {int(n)} communities"
                if not _missing(u.get("rank_kept_pct")):
                    text += f"; {_kept(u['rank_kept_pct'])} % of {draws:,} simulations keep it {_ordinal(r)}"
                text += (f" (rank interval "
                         f"{rank_text(u['rank_low'], u['rank_high'], lang='en').removeprefix('rank ')})")
            elif res.unit_type == "zone":
                text += "; the zone is shown beside its communities, not ranked among them"
            text += "."
    if res.unit_type == "zone":
        text += _order_text(res, lang)
    prog = _rows(res.progress, res.unit_id)
    if len(prog):
        counts = _progress_counts(res, res.unit_id, lang)
        if lang == "zh":
            text += f"{res.baseline_year}年以来，{len(prog)}项计分指标中{counts}。"
        else:
            text += f" Since {res.baseline_year}, of {len(prog)} scored indicators: {counts.lower()}."
    return text


def _order_text(res: UnitResults, lang: str) -> str:
    """The zone's communities in index order (baseline method), as a sentence."""
    idx = res.index
    rows = idx[(idx["year"] == res.year) & idx["unit_id"].astype(str).isin(_communities(res)) & idx["index"].notna()]
    if rows.empty:
        return ""
    rows = rows.assign(_rank=pd.to_numeric(rows["rank"], errors="coerce")).sort_values(["_rank", "unit_id"])
    names = unit_names(res.units, lang=lang)
    if lang == "zh":
        items = "、".join(f"{names.get(str(r.unit_id), str(r.unit_id))}{_score(r.index, lang)}"
                         for r in rows.itertuples(index=False))
        return f"各社区邻里指数由高到低依次为：{items}。"
    items = ", ".join(f"{names.get(str(r.unit_id), str(r.unit_id))} {_score(r.index, lang)}"
                      for r in rows.itertuples(index=False))
    return f" The communities, highest index first: {items}."


def _reference(ind: catalogue_mod.Indicator, lang: str) -> str:
    t = ind.target
    if t is None:
        return ""
    kind = label(t.kind, lang=lang)
    value = format_value(t.value, unit=ind.unit.en, lang=lang)
    when = ""
    if t.year is not None:
        when = f"，{t.year}年" if lang == "zh" else f", {t.year}"
    return f"{_SYMBOL[t.comparison]} {value}（{kind}{when}）" if lang == "zh" else \
        f"{_SYMBOL[t.comparison]} {value} ({kind}{when})"


def _verdict_text(prog: Mapping[str, Any], lang: str) -> str:
    met = prog.get("target_met")
    if not _missing(met):
        return label("met" if bool(met) else "not_met", lang=lang)
    vs = prog.get("vs_benchmark")
    if not _missing(vs) and str(vs) in ("above", "below", "equal"):
        return label(str(vs), lang=lang)
    return ""


def indicator_table(res: UnitResults, *, dimension: str, lang: str = "zh") -> pd.DataFrame:
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
    _check_lang(lang)
    cat = _catalogue()
    inds = cat.in_dimension(dimension)
    zid = _zone_id(res)
    mine = _by_indicator(res.indicators, res.unit_id, res.year)
    zone = _by_indicator(res.indicators, zid, res.year)
    scores = _by_indicator(res.scores, res.unit_id, res.year) if "indicator" in res.scores else pd.DataFrame()
    prog = _by_indicator(res.progress, res.unit_id)
    names = unit_names(res.units, lang=lang)
    rows = []
    for ind in inds:
        value = mine["value"].get(ind.id, np.nan) if len(mine) else np.nan
        prow = prog.loc[ind.id].to_dict() if ind.id in prog.index else {}
        reference = _reference(ind, lang)
        verdict = _verdict_text(prow, lang)
        if reference and verdict:
            reference += f"：{verdict}" if lang == "zh" else f": {verdict}"
        status = prow.get("status")
        reason = mine["reason"].get(ind.id) if len(mine) and "reason" in mine else None
        if _missing(value):
            why = reason_text(reason, lang=lang, names=names)
        else:
            why = ""
        rows.append({
            "indicator": indicator_name(ind.id, lang=lang, unit=True) + _ARROW[ind.direction],
            "unit": format_value(value, unit=ind.unit.en, lang=lang),
            "zone": format_value(zone["value"].get(ind.id, np.nan) if len(zone) else np.nan,
                                 unit=ind.unit.en, lang=lang),
            "score": _score(scores["score"].get(ind.id, np.nan), lang) if len(scores) else DASH,
            "target": reference,
            "progress": label(str(status), lang=lang) if not _missing(status) else DASH,
            "note": why,
        })
    frame = pd.DataFrame(rows, columns=["indicator", "unit", "zone", "score", "target", "progress", "note"])
    if zid is None:
        frame = frame.drop(columns="zone")
    if not any(ind.target is not None for ind in inds):
        frame = frame.drop(columns="target")
    if not frame["note"].astype(bool).any():
        frame = frame.drop(columns="note")
    headers = {
        "indicator": label("indicator", lang=lang),
        "unit": _name(res, res.unit_id, lang),
        "zone": _name(res, zid, lang) if zid else "",
        "score": label("score", lang=lang),
        "target": label("target_col", lang=lang),
        "progress": label("progress_since", lang=lang, baseline=res.baseline_year, year=res.year),
        "note": label("note", lang=lang),
    }
    return frame.rename(columns=headers)


def profile_table(res: UnitResults, *, lang: str = "zh") -> pd.DataFrame:
    """Return the profile (residents, households, share aged 65+ with its ageing label,
    mediation cases, culture events) of the unit and its zone in the report year.

    Examples
    --------
    >>> from linli.testing import example_unit
    >>> t = profile_table(example_unit(), lang="en")
    >>> t.iloc[2].tolist()
    ['Residents aged 65+', '16.9% (aged society)', '18.0% (aged society)']
    """
    _check_lang(lang)
    zid = _zone_id(res)
    units = [res.unit_id] + ([zid] if zid else [])
    values = {u: _by_indicator(res.indicators, u, res.year) for u in units}
    rows = []
    for ind in _catalogue().in_dimension("profile"):
        cells = [indicator_name(ind.id, lang=lang, unit=True)]
        for u in units:
            v = values[u]["value"].get(ind.id, np.nan) if len(values[u]) else np.nan
            text = format_value(v, unit=ind.unit.en, lang=lang)
            if ind.labels is not None and not _missing(v):
                band = catalogue_mod.ageing_label(float(v), lang=lang)
                if band:
                    text += f"（{band}）" if lang == "zh" else f" ({band})"
            cells.append(text)
        rows.append(cells)
    return pd.DataFrame(rows, columns=[label("indicator", lang=lang), *(_name(res, u, lang) for u in units)])


def wushe_table(res: UnitResults, *, lang: str = "zh") -> pd.DataFrame:
    """Return the five-society linkage of the unit, baseline year → report year.

    Columns: indicator, baseline value, value now, annual growth (the CAGR of the
    value itself, :func:`linli.progress.growth_rate`, also for the counts shown as
    context), progress status (scored indicators; "不计分" / "not scored" for
    context), and the zone's value now (a community's report).

    Examples
    --------
    >>> from linli.testing import example_unit
    >>> t = wushe_table(example_unit())
    >>> t.columns.tolist()
    ['指标', '2022年（基线）', '2024年', '年均增长', '进展', '示范街道2024年']
    >>> t.iloc[1].tolist()  # (1425 ÷ 1010)^(1/2) − 1 = 18.8 %; a count is context
    ['注册志愿者数（人）', '1010', '1425', '+18.8%', '不计分', '6339']
    """
    _check_lang(lang)
    cat = _catalogue()
    zid = _zone_id(res)
    base = _by_indicator(res.indicators, res.unit_id, res.baseline_year)
    now = _by_indicator(res.indicators, res.unit_id, res.year)
    zone = _by_indicator(res.indicators, zid, res.year)
    prog = _by_indicator(res.progress, res.unit_id)
    rows = []
    lead = cat.dimension("wushe").lead_indicators
    ids = list(lead) + [i.id for i in cat.in_dimension("wushe") if i.id not in lead]
    years = res.year - res.baseline_year
    for ind_id in ids:
        ind = cat.by_id[ind_id]
        u = ind.unit.en
        p = prog.loc[ind_id].to_dict() if ind_id in prog.index else {}
        x0 = base["value"].get(ind_id, np.nan) if len(base) else np.nan
        x1 = now["value"].get(ind_id, np.nan) if len(now) else np.nan
        growth = growth_rate(x0, x1, years=years)[()] if years > 0 else np.nan
        if not ind.scored:
            status = label("not_scored", lang=lang)
        else:
            status = label(str(p["status"]), lang=lang) if not _missing(p.get("status")) else DASH
        rows.append([
            indicator_name(ind_id, lang=lang, unit=True),
            format_value(x0, unit=u, lang=lang),
            format_value(x1, unit=u, lang=lang),
            _pct(growth, lang),
            status,
            format_value(zone["value"].get(ind_id, np.nan) if len(zone) else np.nan, unit=u, lang=lang),
        ])
    columns = [
        label("indicator", lang=lang),
        label("baseline_year", lang=lang, year=res.baseline_year),
        label("year_col", lang=lang, year=res.year),
        label("cagr", lang=lang),
        label("progress", lang=lang),
        (f"{_name(res, zid, lang)}{label('year_col', lang=lang, year=res.year)}" if lang == "zh"
         else f"{_name(res, zid, lang)}, {res.year}") if zid else "",
    ]
    frame = pd.DataFrame(rows, columns=columns)
    return frame if zid else frame.iloc[:, :-1]


def satisfaction_table(res: UnitResults, *, lang: str = "zh") -> pd.DataFrame:
    """Return each satisfaction item: % satisfied, its 95 % interval, the zone's value.

    Examples
    --------
    >>> from linli.testing import example_unit
    >>> satisfaction_table(example_unit()).iloc[0].tolist()
    ['总体满意率', '82.3%', '76.1%–87.0%', '80.0%']
    """
    _check_lang(lang)
    zid = _zone_id(res)
    mine = _by_indicator(res.indicators, res.unit_id, res.year)
    zone = _by_indicator(res.indicators, zid, res.year)
    names = unit_names(res.units, lang=lang)
    rows = []
    for ind_id in SATISFACTION_ITEMS:
        r = mine.loc[ind_id].to_dict() if ind_id in mine.index else {}
        value = r.get("value", np.nan)
        interval = DASH
        if not _missing(r.get("ci_low")) and not _missing(r.get("ci_high")):
            interval = f"{format_value(r['ci_low'], unit='%', lang=lang)}–{format_value(r['ci_high'], unit='%', lang=lang)}"
        cells = [indicator_name(ind_id, lang=lang), format_value(value, unit="%", lang=lang), interval]
        if _missing(value):
            cells[2] = reason_text(r.get("reason"), lang=lang, names=names) or DASH
        if zid:
            cells.append(format_value(zone["value"].get(ind_id, np.nan) if len(zone) else np.nan, unit="%", lang=lang))
        rows.append(cells)
    columns = [label("item", lang=lang), _name(res, res.unit_id, lang), label("interval95", lang=lang)]
    if zid:
        columns.append(_name(res, zid, lang))
    return pd.DataFrame(rows, columns=columns)


# ------------------------------------------------------- the zone, side by side


def comparison_table(res: UnitResults, *, dimension: str, lang: str = "zh") -> pd.DataFrame:
    """Return one dimension's indicators for every community of a zone, side by side,
    with the zone's pooled value last (and the target/benchmark when there is one).

    ``res`` is the zone's :class:`~linli.results.UnitResults` (its frames hold the zone
    and all its communities).

    Examples
    --------
    >>> from linli.testing import example_zone
    >>> t = comparison_table(example_zone(), dimension="lin_he", lang="en")
    >>> t.columns.tolist()
    ['Indicator', 'Jia', 'Yi', 'Model Street', 'Target / benchmark']
    >>> t.iloc[1].tolist()
    ['Mediation success rate', '95.7%', '92.0%', '94.0%', '≥ 96.0% (benchmark)']
    """
    _check_lang(lang)
    inds = _catalogue().in_dimension(dimension)
    units = [*_communities(res), *([res.unit_id] if res.unit_type == "zone" else [])]
    values = {u: _by_indicator(res.indicators, u, res.year) for u in units}
    names = unit_names(res.units, lang=lang)
    rows = []
    for ind in inds:
        cells = [indicator_name(ind.id, lang=lang, unit=True) + ("" if dimension == "profile" else _ARROW[ind.direction])]
        for u in units:
            v = values[u]["value"].get(ind.id, np.nan) if len(values[u]) else np.nan
            cells.append(format_value(v, unit=ind.unit.en, lang=lang))
        cells.append(_reference(ind, lang))
        rows.append(cells)
    frame = pd.DataFrame(rows, columns=[label("indicator", lang=lang), *(names.get(u, u) for u in units),
                                        label("target_col", lang=lang)])
    if not any(ind.target is not None for ind in inds):
        frame = frame.iloc[:, :-1]
    return frame


def dimension_scores_table(res: UnitResults, *, lang: str = "zh") -> pd.DataFrame:
    """Return the dimension scores and the index of every community and the zone.

    Examples
    --------
    >>> from linli.testing import example_zone
    >>> t = dimension_scores_table(example_zone())
    >>> t.iloc[-1].tolist()
    ['邻里指数', '57.4', '61.0', '66.0']
    """
    _check_lang(lang)
    units = [*_communities(res), *([res.unit_id] if res.unit_type == "zone" else [])]
    idx = {u: _one(res.index, u, res.year) for u in units}
    names = unit_names(res.units, lang=lang)
    rows = [[label(d, lang=lang), *(_score(idx[u].get(d), lang) for u in units)] for d in _SCORED]
    rows.append([label("index", lang=lang), *(_score(idx[u].get("index"), lang) for u in units)])
    return pd.DataFrame(rows, columns=[label("item", lang=lang), *(names.get(u, u) for u in units)])


def ranking_table(res: UnitResults, *, lang: str = "zh", highlight: str | None = None) -> pd.DataFrame:
    """Return the communities ranked by the Linli Index, with band and rank interval, and
    the zone beside them, not ranked.

    Communities are sorted by the headline rank (ties by id); the zone (of a zone's
    results) comes last, marked as the zone, with its index and band and no rank.
    ``highlight`` marks a community's row (the ``_highlight`` display hint).

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
    _check_lang(lang)
    ids = set(_communities(res))
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
            label("rank", lang=lang): DASH if _missing(r["rank"]) else str(int(r["rank"])),
            label("community", lang=lang): label("zone_mark", lang=lang, name=names.get(uid, uid)) if is_zone
            else names.get(uid, uid),
            label("index", lang=lang): _score(r["index"], lang),
            label("band", lang=lang): _band_text(r, lang, median=False),
            label("rank_interval", lang=lang): label("not_ranked", lang=lang) if is_zone else _interval_text(r, lang),
            label("rank_kept", lang=lang): DASH if _missing(r.get("rank_kept_pct")) else f"{_kept(r['rank_kept_pct'])}%",
        })
    columns = [label(k, lang=lang) for k in ("rank", "community", "index", "band", "rank_interval", "rank_kept")]
    out = pd.DataFrame(records, columns=columns)
    return _with_highlight(out, [str(u) == highlight for u in rows["unit_id"]])


def ranking_note(*, lang: str = "zh") -> str:
    """Return the note under the index figure and the ranking table (the Monte Carlo settings filled in).

    Examples
    --------
    >>> "±25%" in ranking_note() and "1000次模拟" in ranking_note()
    True
    """
    mc = _monte_carlo()
    draws = str(mc.draws) if lang == "zh" else f"{mc.draws:,}"
    return label("n_ranking", lang=lang, draws=draws, jitter=f"{mc.weight_perturbation * 100:g}")


def _input_label(name: str, lang: str) -> str:
    return label(f"input_{name}", lang=lang)


def _effect(value: Any, low: Any, high: Any, lang: str) -> str:
    """``0.62（0.55–0.70）`` / ``0.62 (0.55–0.70)``; — when missing.

    An interval whose lower end is negative reads ``−0.11至0.28`` / ``−0.11 – 0.28``,
    so that the minus sign and the dash are not read together.
    """
    if _missing(value):
        return DASH
    text = _number(value, lang, 2)
    if not _missing(low):
        sep = "–" if float(low) >= 0 else ("至" if lang == "zh" else " – ")
        interval = f"{_number(low, lang, 2)}{sep}{_number(high, lang, 2)}"
        text += f"（{interval}）" if lang == "zh" else f" ({interval})"
    return text


def _drivers(res: UnitResults) -> pd.DataFrame:
    """The rank sensitivity rows of the report year's communities, in report order."""
    sens = res.rank_sensitivity
    if sens is None or sens.empty:
        return pd.DataFrame(columns=["unit_id", "input"])
    order = {u: k for k, u in enumerate(_communities(res))}
    rows = sens[(sens["year"] == res.year) & sens["unit_id"].astype(str).isin(order)].copy()
    rows["_unit"] = rows["unit_id"].astype(str).map(order)
    rows["_input"] = rows["input"].astype(str).map({n: k for k, n in enumerate(_INPUTS)})
    return rows.sort_values(["_unit", "_input"])


def drivers_table(res: UnitResults, *, lang: str = "zh") -> pd.DataFrame:
    """Return which choice drives each community's rank: the sensitivity indices.

    One row per community and choice (normalisation, aggregation, dimension weights):
    the first-order and the total-effect index with their bootstrap 5–95 % intervals
    (:func:`linli.uncertainty.rank_sensitivity`). A community whose rank never moves has
    one row that says so.

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
    _check_lang(lang)
    names = unit_names(res.units, lang=lang)
    rows = []
    for _, group in _drivers(res).groupby("_unit", sort=True):
        unit = str(group["unit_id"].iloc[0])
        name = names.get(unit, unit)
        if not (group["rank_variance"] > 0).any():
            same = "在所有模拟中均为同一名次" if lang == "zh" else "the same rank in every run"
            rows.append([name, same, DASH, DASH])
            continue
        for k, r in enumerate(group.to_dict(orient="records")):
            rows.append([
                name if k == 0 else "",
                _input_label(str(r["input"]), lang),
                _effect(r["first_order"], r["first_order_low"], r["first_order_high"], lang),
                _effect(r["total_effect"], r["total_effect_low"], r["total_effect_high"], lang),
            ])
    columns = [label(k, lang=lang) for k in ("community", "choice", "first_order", "total_effect")]
    return pd.DataFrame(rows, columns=columns)


def drivers_text(res: UnitResults, *, lang: str = "zh") -> str:
    """Return, per community, the rank interval and the choice that drives it most, in words.

    The main driver is the choice with the largest total effect.

    Examples
    --------
    >>> from linli.testing import example_zone
    >>> print(drivers_text(example_zone()))
    - **甲社区**：排名在第1–2名之间变化，主要取决于标准化方法（总效应0.90）。
    - **乙社区**：排名在第1–2名之间变化，主要取决于标准化方法（总效应0.90）。
    """
    _check_lang(lang)
    names = unit_names(res.units, lang=lang)
    lines = []
    for _, group in _drivers(res).groupby("_unit", sort=True):
        unit = str(group["unit_id"].iloc[0])
        name = names.get(unit, unit)
        u = _one(res.uncertainty, unit, res.year)
        moves = (group["rank_variance"] > 0).any()
        if not moves:
            r = u.get("rank")
            rank = "" if _missing(r) else (f"第{int(r)}名" if lang == "zh" else f"rank {int(r)}")
            lines.append(f"- **{name}**：在所有模拟中均为{rank}，这些选择不改变它的排名。" if lang == "zh"
                         else f"- **{name}**: {rank} in every run; these choices do not move it.")
            continue
        top = group.loc[group["total_effect"].astype(float).idxmax()]
        driver = _input_label(str(top["input"]), lang)
        effect = _number(top["total_effect"], lang, 2)
        lo, hi = u.get("rank_low"), u.get("rank_high")
        if _missing(lo):
            span = ""
        elif int(lo) == int(hi):
            span = (f"排名多为第{int(lo)}名，偶有变化" if lang == "zh" else f"rank {int(lo)} in most runs; what moves it")
        else:
            span = (f"排名在第{int(lo)}–{int(hi)}名之间变化" if lang == "zh"
                    else f"rank moves between {int(lo)} and {int(hi)}")
        if lang == "zh":
            lines.append(f"- **{name}**：{span}，主要取决于{driver}（总效应{effect}）。")
        else:
            lines.append(f"- **{name}**: {span}, driven mainly by the {driver} (total effect {effect}).")
    return "\n".join(lines)


def drivers_note(*, lang: str = "zh") -> str:
    """Return the note under :func:`drivers_table` (how to read the indices, the settings filled in).

    Examples
    --------
    >>> "Jansen 1999" in drivers_note(lang="en")
    True
    """
    mc = _monte_carlo()
    draws = str(mc.draws) if lang == "zh" else f"{mc.draws:,}"
    return label("n_drivers", lang=lang, draws=draws, bootstrap=str(mc.bootstrap) if lang == "zh"
                 else f"{mc.bootstrap:,}")


def sensitivity_table(res: UnitResults, *, lang: str = "zh") -> pd.DataFrame:
    """Return each community's rank with each dimension left out, and the shift.

    Rows: the baseline rank, then one row per dimension left out; cells
    ``rank_without（shift）`` with the shift signed (``+1``: the unit falls a place).

    Examples
    --------
    >>> from linli.testing import example_zone
    >>> t = sensitivity_table(example_zone())
    >>> t.iloc[0].tolist(), t.iloc[3].tolist()
    (['全部维度（基准排名）', '2', '1'], ['邻和·调解', '1（−1）', '2（+1）'])
    """
    _check_lang(lang)
    ids = _communities(res)
    sens = res.sensitivity
    sens = sens[(sens["year"] == res.year) & sens["unit_id"].astype(str).isin(ids)]
    names = unit_names(res.units, lang=lang)
    rows = []
    base = {str(r.unit_id): r.rank for r in sens.drop_duplicates("unit_id").itertuples(index=False)}
    rows.append([label("all_dimensions", lang=lang), *(DASH if _missing(base.get(u)) else str(int(base[u])) for u in ids)])
    for d in _SCORED:
        cells = [label(d, lang=lang)]
        for u in ids:
            r = sens[(sens["unit_id"].astype(str) == u) & (sens["dimension"].astype(str) == d)]
            if r.empty or _missing(r["rank_without"].iloc[0]):
                cells.append(DASH)
                continue
            shift = r["rank_shift"].iloc[0]
            s = "±0" if _missing(shift) or int(shift) == 0 else f"{int(shift):+d}".replace("-", "−")
            cells.append(f"{int(r['rank_without'].iloc[0])}（{s}）" if lang == "zh"
                         else f"{int(r['rank_without'].iloc[0])} ({s})")
        rows.append(cells)
    return pd.DataFrame(rows, columns=[label("dimension_left_out", lang=lang), *(names.get(u, u) for u in ids)])


# ------------------------------------------------------- quality and claims


def quality_table(res: UnitResults, *, lang: str = "zh") -> pd.DataFrame:
    """Return rows read, loaded and quarantined per table, and the rules broken.

    Read from ``provenance`` (counts) and ``quarantine`` (rules, counted per table,
    column and rule, most frequent first, at most three per table; a finding on rows
    that still load, such as a masked phone number, says so). Only rule and column
    labels are shown, never a quarantined value.

    Examples
    --------
    >>> from linli.testing import example_unit
    >>> t = quality_table(example_unit())
    >>> t.columns.tolist()
    ['数据表', '文件', '读入行数', '载入', '隔离', '隔离原因（次数）']
    >>> t.iloc[1].tolist()
    ['志愿者', 'volunteers.csv', '1440', '1438', '2', '注册日期：日期无法识别 ×2；电话：格式不符 ×1']
    >>> t.iloc[2, 1:].tolist()
    ['未提供（可选）', '—', '—', '—', '']
    """
    _check_lang(lang)
    q = res.quarantine
    why: dict[str, str] = {}
    if len(q):
        q = q.assign(kept=q["outcome"].eq("loaded") if "outcome" in q.columns else False)
        counts = q.groupby(["table", "column", "rule", "kept"], sort=False).size().rename("n").reset_index()
        counts = counts.sort_values(["table", "n"], ascending=[True, False], kind="stable")
        sep = "；" if lang == "zh" else "; "
        for table, group in counts.groupby("table", sort=False):
            parts = []
            for row in group.head(3).itertuples(index=False):
                zh, en = _RULE_LABELS.get(str(row.rule), (str(row.rule), str(row.rule)))
                if row.kept:
                    zh, en = zh + "（行已载入）", en + " (rows loaded)"
                col = str(row.column)
                col_label = _column_label(str(table), col) if lang == "zh" else col
                rule_text = zh if lang == "zh" else en
                parts.append((f"{col_label}：{rule_text}" if col_label else rule_text) + f" ×{row.n}"
                             if lang == "zh" else
                             (f"{col_label}: {rule_text}" if col_label else rule_text) + f" ×{row.n}")
            if len(group) > 3:
                rest = int(group["n"].iloc[3:].sum())
                parts.append(f"其他 ×{rest}" if lang == "zh" else f"other ×{rest}")
            why[str(table)] = sep.join(parts)
    rows = []
    for r in res.provenance.itertuples(index=False):
        table = str(r.table)
        if str(r.status) == "absent":
            rows.append([_table_label(table, lang), label("absent", lang=lang), DASH, DASH, DASH, ""])
            continue
        rows.append([
            _table_label(table, lang), str(r.file),
            _count(r.rows_read, lang), _count(r.rows_loaded, lang), _count(r.rows_quarantined, lang),
            why.get(table, ""),
        ])
    present = res.provenance[res.provenance["status"].astype(str) != "absent"]
    totals = [pd.to_numeric(present[c], errors="coerce").sum() for c in ("rows_read", "rows_loaded", "rows_quarantined")]
    rows.append([label("total", lang=lang), "", *(format_value(t, unit="count", lang=lang) for t in totals), ""])
    columns = [label(k, lang=lang) for k in ("table", "file", "rows_read", "rows_loaded", "rows_quarantined", "why")]
    frame = pd.DataFrame(rows, columns=columns)
    return frame if frame.iloc[:, -1].astype(bool).any() else frame.iloc[:, :-1]


def claims_table(res: UnitResults, *, lang: str = "zh") -> pd.DataFrame:
    """Return the published claims checked: the figure, year, both numbers, the verdict.

    In Chinese the first column quotes the published text; in English it names the
    indicator and the unit. A claim that cannot be checked says why.

    Examples
    --------
    >>> from linli.testing import example_unit
    >>> t = claims_table(example_unit())
    >>> t.iloc[0].tolist()
    ['社区志愿者由原来的4275人增至6339人', '2022 → 2024', '4275 → 6339', '4275 → 6339', '一致']
    >>> claims_table(example_unit(), lang="en").iloc[1].tolist()
    ['Volunteers as a share of the resident population, Model Street', '2024', '19.7', '25.5', 'Disagrees']
    """
    _check_lang(lang)
    c = res.claims
    names = unit_names(res.units, lang=lang)
    rows = []
    for r in c.itertuples(index=False):
        rd = r._asdict()
        if lang == "zh" and not _missing(rd.get("text_zh")) and str(rd.get("text_zh")).strip():
            what = str(rd["text_zh"])
        else:
            try:
                what = indicator_name(str(rd["indicator"]), lang=lang)
            except LinliError:
                what = str(rd["indicator"])
            what += f"，{names.get(str(rd['unit_id']), str(rd['unit_id']))}" if lang == "zh" else \
                f", {names.get(str(rd['unit_id']), str(rd['unit_id']))}"
        verdict = str(rd["verdict"])
        text = label(verdict, lang=lang) if verdict in LABELS else verdict
        if verdict == "cannot_check":
            why = reason_text(rd.get("reason"), lang=lang, names=names)
            if why:
                text += f"（{why}）" if lang == "zh" else f" ({why})"
        observed = str(rd.get("observed") or "") or DASH
        rows.append([what, str(rd["year"]), str(rd["claimed"]), observed, text])
    columns = [label(k, lang=lang) for k in ("statement", "year", "claimed", "observed", "verdict")]
    return pd.DataFrame(rows, columns=columns)


def claims_html(res: UnitResults, *, lang: str = "zh") -> str:
    """Return the claims section's body: the checked figures with their note, a note that
    there is nothing to check, or — when the claims file could not be read — why.

    Examples
    --------
    >>> import dataclasses
    >>> from linli.testing import example_unit
    >>> res = example_unit()
    >>> bad = dataclasses.replace(res, meta={**res.meta, "claims_error": "published_claims.yaml: not valid YAML (line 3)"},
    ...                           claims=res.claims.iloc[0:0])
    >>> claims_html(bad, lang="en")
    '<p class="linli-note">The published-figures file published_claims.yaml could not be read, so no figure was checked (the rest of the report is unaffected). Why: published_claims.yaml: not valid YAML (line 3)</p>'
    """
    _check_lang(lang)
    reason = res.meta.get("claims_error")
    if not _missing(reason) and str(reason):
        return note("n_claims_unreadable", lang=lang, reason=str(reason))
    return to_html(claims_table(res, lang=lang), note=label("n_claims", lang=lang),
                   empty=label("n_claims_none", lang=lang))


# -------------------------------------------------------- method, provenance


def provenance_table(res: UnitResults, *, lang: str = "zh") -> pd.DataFrame:
    """Return every input file with its table, SHA-256 (first 12 hex digits) and rows loaded.

    Examples
    --------
    >>> from linli.testing import example_unit
    >>> provenance_table(example_unit()).iloc[0].tolist()
    ['社区', 'communities.csv', '5e09d7f38cb3', '4']
    """
    _check_lang(lang)
    rows = []
    for r in res.provenance.itertuples(index=False):
        if str(r.status) == "absent":
            rows.append([_table_label(str(r.table), lang), label("absent", lang=lang), DASH, DASH])
            continue
        rows.append([_table_label(str(r.table), lang), str(r.file), str(r.sha256)[:12],
                     _count(r.rows_loaded, lang)])
    return pd.DataFrame(rows, columns=[label(k, lang=lang) for k in ("table", "file", "sha256", "rows")])


def parameters_table(res: UnitResults, *, lang: str = "zh") -> pd.DataFrame:
    """Return the parameters a reader needs to reproduce the report.

    Year, baseline, as-of date, dataset, synthetic flag, linli version, input
    fingerprint, catalogue version, the index's normalisation, aggregation, weights
    and Monte Carlo settings, and the progress thresholds.

    Examples
    --------
    >>> from linli.testing import example_unit
    >>> t = parameters_table(example_unit(), lang="en")
    >>> t.iloc[6].tolist()
    ['Input fingerprint (SHA-256)', '1a37845619e09ca0…']
    """
    _check_lang(lang)
    zh = lang == "zh"
    meta = res.meta
    cat = _catalogue()
    s = cat.index_settings
    mc = s.monte_carlo
    th = ProgressThresholds()
    li = 0 if zh else 1
    weights = "、".join if zh else ", ".join
    equal = len(set(s.weights.values())) == 1
    weight_text = ("等权" if zh else "equal") if equal else weights(
        f"{label(d, lang=lang)} {w:g}" for d, w in s.weights.items())
    others = (", " if not zh else "、").join(_NORMALISATION_LABELS[n][li] for n in s.normalisations)
    aggs = (", " if not zh else "、").join(_AGGREGATION_LABELS[a][li] for a in s.aggregations)
    fingerprint = str(meta.get("fingerprint", ""))
    items = [
        (("评估年度", "Assessment year"), str(res.year)),
        (("基线年度", "Baseline year"), str(res.baseline_year)),
        (("数据截至", "Data as of"), str(meta.get("as_of", DASH))),
        (("数据集", "Dataset"), str(meta.get("dataset", DASH))),
        (("合成数据", "Synthetic data"), ("是" if zh else "yes") if res.synthetic else ("否" if zh else "no")),
        (("linli 版本", "linli version"), str(meta.get("linli_version", DASH))),
        (("输入数据指纹（SHA-256）", "Input fingerprint (SHA-256)"), f"{fingerprint[:16]}…" if fingerprint else DASH),
        (("指标目录版本", "Indicator catalogue version"), f"v{cat.version}（{len(cat.indicators)}项指标）" if zh
         else f"v{cat.version} ({len(cat.indicators)} indicators)"),
        (("标准化方法", "Normalisation"), _NORMALISATION_LABELS[s.normalisation][li]),
        (("聚合方法", "Aggregation"), _AGGREGATION_LABELS[s.aggregation][li]),
        (("维度权重", "Dimension weights"), weight_text),
        (("蒙特卡洛模拟", "Monte Carlo"),
         f"{mc.draws}次，随机种子{mc.seed}；标准化：{others}；聚合：{aggs}；权重±{mc.weight_perturbation * 100:g}%" if zh
         else f"{mc.draws:,} draws, seed {mc.seed}; normalisation: {others}; aggregation: {aggs}; "
              f"weights ±{mc.weight_perturbation * 100:g} %"),
        (("进展阈值（有目标）", "Progress thresholds (with a target)"),
         f"{th.ratio_substantial:g} / {th.ratio_moderate:g} / {th.ratio_limited:g}"),
        (("进展阈值（无目标，年均增长）", "Progress thresholds (no target, CAGR)"),
         f"{th.cagr_substantial * 100:g}% / {th.cagr_moderate * 100:g}% / {th.cagr_limited * 100:g}%"),
    ]
    return pd.DataFrame([[k[li], v] for k, v in items],
                        columns=[label("parameter", lang=lang), label("value", lang=lang)])


def targets_table(*, lang: str = "zh") -> pd.DataFrame:
    """Return the catalogue's targets and benchmarks with their checked sources.

    Examples
    --------
    >>> t = targets_table(lang="en")
    >>> t.iloc[0, :3].tolist()
    ['Mediation success rate', '≥ 96.0%', 'benchmark']
    """
    _check_lang(lang)
    rows = []
    for ind in _catalogue().indicators:
        t = ind.target
        if t is None:
            continue
        src = t.source
        cite = src.title
        if src.issuer and src.issuer not in cite:
            cite += f"，{src.issuer}" if lang == "zh" else f", {src.issuer}"
        if src.year and str(src.year) not in cite:
            cite += f"（{src.year}）" if lang == "zh" else f" ({src.year})"
        if src.quote:
            cite += f"：“{src.quote}”" if lang == "zh" else f": “{src.quote}”"
        rows.append([indicator_name(ind.id, lang=lang),
                     f"{_SYMBOL[t.comparison]} {format_value(t.value, unit=ind.unit.en, lang=lang)}"
                     + (f" {unit_label(ind.id, lang=lang)}" if ind.unit.en != "%" else ""),
                     label(t.kind, lang=lang), cite])
    return pd.DataFrame(rows, columns=[label(k, lang=lang) for k in ("indicator", "target_col", "kind", "source")])


def method_text(*, lang: str = "zh") -> str:
    """Return how the figures are made, as plain-text bullet points (no formulas to typeset).

    Goalposts, equal weights, the Monte Carlo settings (from the catalogue), the
    progress thresholds (:class:`linli.progress.ProgressThresholds`) and the
    satisfaction intervals.

    Examples
    --------
    >>> "1000次" in method_text() and "Wilson" in method_text(lang="en")
    True
    """
    _check_lang(lang)
    cat = _catalogue()
    s = cat.index_settings
    mc = s.monte_carlo
    th = ProgressThresholds()
    n_scored = len(cat.scored)
    jitter = f"{mc.weight_perturbation * 100:g}"
    if lang == "zh":
        items = [
            f"**指标**：{len(cat.indicators)}项指标，分为概况（仅作参考）和六个计分维度，共{n_scored}项计分指标，"
            "定义见指标目录。实验区的数值由各社区的原始记录汇总计算（分子、分母分别相加），不是社区百分比的平均。"
            "缺少数据或分母为0时记为缺失并说明原因，不按0处理。",
            "**只对与规模无关的指标计分**：计分指标都是比例、每千人或每万人的比率、人均量或中位数，"
            "从不使用原始计数——计数随社区规模增长，会让大社区仅因规模大而排在小社区前面，也会让实验区"
            "仅因是各社区之和而高于它的每一个社区。社会组织数、志愿者数等计数仍作为参考指标列出，并用于"
            "核对公开报道。检验标准：由k个完全相同的社区组成的实验区，每项计分指标、各维度得分和邻里指数"
            "都与其中一个社区相同。五社联动的人均比率以常住人口为分母（与公开的志愿者占比一致），其余以实有人口为分母。",
            "**标准化**：每项计分指标按固定阈值换算为0–100分：得分 = (数值 − 下限) ÷ (上限 − 下限) × 100，"
            "并截断在0–100之间；“越低越好”的指标反向计算。阈值及其依据见指标目录，各年份可比。",
            "**维度得分与邻里指数**：维度得分为该维度可用指标得分的算术平均；邻里指数为六个维度得分的"
            "加权平均（默认等权）。少于4个维度有得分时不计算指数。实验区的指数由其汇总数值按同样方法计算，"
            "与各社区并列展示，但不参与排名。",
            f"**不确定性**：蒙特卡洛模拟{mc.draws}次（随机种子{mc.seed}，结果可重复），回答三个问题。"
            f"指数有多确定？只让各维度权重在±{jitter}%内随机变化并重新归一（标准化与聚合方法不变），"
            "指数的5%–95%区间即“指数区间”；其他标准化方法和几何平均会把指数放到另一种尺度上，不混入这一区间。"
            "排名有多确定？同时随机选择标准化方法（固定阈值、最小–最大值、z分数）、聚合方法（算术平均、几何平均）"
            "并扰动权重，给出排名的中位数、5%–95%区间，以及仍保持基准排名的模拟所占比例。"
            "哪种选择影响排名？用方差敏感性指数衡量三种选择对每个社区排名波动的贡献：一阶效应（Saltelli 2010）"
            f"为单独造成的比例，总效应（Jansen 1999）为单独及与其他选择共同造成的比例，{mc.bootstrap}次自助抽样给出区间。",
            "**敏感性**：依次去掉一个维度（其余权重重新归一），观察排名的变化。",
            "**进展状态**：比较基线年与评估年之间的年均复合增长率（CAGR）。有目标时，计算实际增速与按期达标"
            f"所需增速之比：≥{th.ratio_substantial:g}为显著进展，{th.ratio_moderate:g}–{th.ratio_substantial:g}为中等进展，"
            f"{th.ratio_limited:g}–{th.ratio_moderate:g}为进展有限，小于0为退步，已达目标者为“已达目标”；无目标时，"
            f"年均增长≥{th.cagr_substantial * 100:g}%为显著进展，{th.cagr_moderate * 100:g}%–{th.cagr_substantial * 100:g}%"
            "为中等进展，0–"
            f"{th.cagr_moderate * 100:g}%为进展有限，小于0为退步（Open SDG / 加拿大统计局方法）。基线为0或数据缺失时为“无法评估”。"
            "基准（如全国调解成功率）只作对照，不作为目标。",
            "**满意度**：问卷中评分≥4（满分5分）的加权比例；95%置信区间为Wilson区间，样本量采用Kish有效"
            "样本量：n_eff = (Σw)² ÷ Σw²。",
            "**公开数据核对**：将报道中的数字与本数据计算的同一指标比较，给出“一致”“不一致”或“无法核对”，并列出两个数字。",
            "**隐私**：姓名、电话、身份证号、住址等个人信息在读入时即被删除，人员编号以加盐哈希替代；报告中不出现任何个人信息。",
        ]
    else:
        items = [
            f"**Indicators**: {len(cat.indicators)} indicators in a context-only profile and six scored "
            f"dimensions, {n_scored} of them scored, as the indicator catalogue defines them. Zone values "
            "pool the communities' records (numerators and denominators summed), never averaging community "
            "percentages. A value whose data are absent or whose denominator is 0 is missing, with the reason, never 0.",
            "**Only size-free indicators are scored**: every scored indicator is a share, a rate per 1,000 or "
            "10,000 residents, a per-person mean or a median — never a raw count, which grows with a community's "
            "size and would rank a big community above a small one for being big, and a zone above every one of "
            "its communities for being their sum. Counts (organisations, volunteers …) are still shown as context "
            "and checked against published figures. The test: a zone made of k identical communities has the same "
            "value on every scored indicator, the same dimension scores and the same index as one of them. "
            "Per-resident rates of the five-society linkage divide by the resident population (those living "
            "there), as the published volunteer share does; the others by registered residents.",
            "**Normalisation**: each scored indicator becomes a 0–100 score on fixed goalposts: "
            "score = (value − lower) ÷ (upper − lower) × 100, clipped to 0–100, reversed where lower is "
            "better. The goalposts and their rationale are in the catalogue; scores compare across years.",
            "**Dimension scores and the Linli Index**: a dimension's score is the arithmetic mean of its "
            "available indicator scores; the index is the weighted mean of the six dimension scores (equal "
            "weights by default). With fewer than 4 dimensions scored there is no index. The zone's index is "
            "computed from its pooled values in the same way; the zone is shown beside its communities, not "
            "ranked among them.",
            f"**Uncertainty**: {mc.draws:,} seeded Monte Carlo draws (seed {mc.seed}, so repeatable) answer three "
            "questions. How sure is the score? Only the dimension weights vary, each within "
            f"±{jitter} % and renormalised, with the normalisation and aggregation unchanged: the 5th–95th "
            "percentiles of the index are its band. Other normalisations and the geometric mean put the index "
            "on other scales, so they never enter the band. How sure is the rank? The normalisation (goalposts, "
            "min–max, z-score), the aggregation (arithmetic, geometric mean) and the weights vary together: the "
            "median rank, its 5th–95th percentile interval and the share of draws that keep the headline rank. "
            "Which choice drives the ranks? Variance-based sensitivity indices of each community's rank to the "
            "three choices: the first-order index (Saltelli 2010) is the share of the rank's variation a choice "
            "causes alone, the total effect (Jansen 1999) the share it is involved in, with intervals from "
            f"{mc.bootstrap:,} bootstrap resamples.",
            "**Sensitivity**: each dimension left out in turn (the other weights renormalised), and the change in rank.",
            "**Progress**: the compound annual growth rate (CAGR) from the baseline year to the assessment "
            "year. With a target, the ratio of the observed rate to the rate needed to reach the target in "
            f"time: ≥ {th.ratio_substantial:g} substantial, {th.ratio_moderate:g}–{th.ratio_substantial:g} moderate, "
            f"{th.ratio_limited:g}–{th.ratio_moderate:g} limited progress, below 0 deterioration, and “target "
            "achieved” once it is met; without one, a CAGR of ≥ "
            f"{th.cagr_substantial * 100:g} % is substantial, {th.cagr_moderate * 100:g}–{th.cagr_substantial * 100:g} % "
            f"moderate, 0–{th.cagr_moderate * 100:g} % limited, below 0 deterioration (Open SDG, Statistics "
            "Canada's method). “Not available” when a value is missing or the baseline is 0. A benchmark "
            "(such as the national mediation success rate) is a point of comparison, not a target.",
            "**Satisfaction**: the weighted share of answers rating 4 or 5 out of 5; the 95 % Wilson interval "
            "uses Kish's effective sample size n_eff = (Σw)² ÷ Σw².",
            "**Published figures**: each figure published in the press is compared with the same indicator "
            "computed from these data: agrees, disagrees or cannot check, with both numbers.",
            "**Privacy**: names, phone numbers, ID numbers and addresses are dropped when the data are read, "
            "and person ids replaced by a salted hash; no personal data appears in a report.",
        ]
    return "\n".join(f"- {item}" for item in items)


# ----------------------------------------------------- brand, map, trends


def brand_dimension(res: UnitResults) -> str | None:
    """Return the dimension of the unit's brand (the brand code is the dimension id), or None."""
    brand = res.unit.get("brand")
    return str(brand) if not _missing(brand) and str(brand) in _SCORED else None


def key_indicator(res: UnitResults) -> str | None:
    """Return the indicator the brand section compares across communities
    (:data:`KEY_INDICATORS`); None without a brand, or when the unit has no value for it
    in the report year (a figure of empty bars would say nothing)."""
    d = brand_dimension(res)
    key = KEY_INDICATORS.get(d) if d else None
    if key is None:
        return None
    mine = _by_indicator(res.indicators, res.unit_id, res.year)
    return None if _missing(mine["value"].get(key, np.nan) if len(mine) else np.nan) else key


def other_dimensions(res: UnitResults) -> list[str]:
    """Return the scored dimensions shown in "the other dimensions": not the brand's, not
    the five-society linkage or satisfaction (they have sections of their own)."""
    own = brand_dimension(res)
    return [d for d in _SCORED if d not in (own, "wushe", "satisfaction")]


def reference_line(indicator: str, *, lang: str = "zh") -> dict[str, Any]:
    """Return ``target``, ``target_label`` and ``unit`` for :func:`linli.figures.plots.plot_indicator_comparison`.

    Examples
    --------
    >>> reference_line("mediation_success_pct")
    {'target': 96.0, 'target_label': '基准（司法部）', 'unit': '%'}
    >>> reference_line("volunteers", lang="en")
    {'target': None, 'target_label': None, 'unit': 'persons'}
    """
    ind = _indicator(indicator)
    t = ind.target
    out: dict[str, Any] = {"target": None, "target_label": None, "unit": unit_label(indicator, lang=lang)}
    if t is not None:
        who = t.source.issuer or ""
        kind = label(t.kind, lang=lang)
        out["target"] = float(t.value)
        # a short issuer names the source in the legend (zh); a long one would not fit
        out["target_label"] = f"{kind}（{who}）" if lang == "zh" and 0 < len(who) <= 6 else kind
    return out


def uncovered_compounds(
    compounds: gpd.GeoDataFrame | None,
    facilities: gpd.GeoDataFrame | None,
    *,
    year: int,
    community_id: str | None = None,
    radius_m: float = 500.0,
) -> pd.DataFrame | None:
    """Return the compounds outside the life circle at the end of ``year``.

    A compound is covered when a service centre, elderly centre, day-care station or
    culture room of any community, opened by 31 December of ``year``, lies within
    ``radius_m`` of it (:func:`linli.access.life_circle_coverage`, as
    ``life_circle_500m_pct`` counts). Pass every community's facilities.

    Compounds without a usable location (their geometry was missing or bad) are left
    out, as the indicator leaves them out.

    Returns
    -------
    pandas.DataFrame or None
        ``compound_id, community_id, name_zh, households`` of the uncovered compounds
        (of ``community_id`` only, when given), largest first; None without compounds
        or facilities with a usable location, or when ``community_id`` has no such
        compound (coverage is then unknown, not zero).
    """
    from .access import LIFE_CIRCLE_CATEGORIES, life_circle_coverage

    if compounds is None or facilities is None:
        return None
    compounds = compounds[_located(compounds)]
    sites = facilities[facilities["category"].isin(LIFE_CIRCLE_CATEGORIES).fillna(False).to_numpy(dtype=bool)]
    if not _located(sites).any() and len(sites):
        return None
    if community_id is not None and not (compounds["community_id"].astype(str) == community_id).any():
        return None
    covered = life_circle_coverage(compounds, facilities, radius_m=radius_m, as_of_year=year)
    out = compounds.loc[~covered.to_numpy()]
    if community_id is not None:
        out = out[out["community_id"].astype(str) == community_id]
    cols = [c for c in ("compound_id", "community_id", "name_zh", "households") if c in out.columns]
    frame = pd.DataFrame(out[cols]).reset_index(drop=True)
    return frame.sort_values(["households", "compound_id"], ascending=[False, True], kind="stable", ignore_index=True)


def coverage_text(res: UnitResults, uncovered: pd.DataFrame | None, *, lang: str = "zh",
                  mapped: bool = True) -> str:
    """Say how many compounds (and households) are outside the 500 m life circle, which
    ones, and the coverage indicator's value. ``mapped=False``: the report has no map
    to mark them on.

    Examples
    --------
    >>> from linli.testing import example_unit
    >>> un = pd.DataFrame({"compound_id": ["c1"], "community_id": ["jia"], "name_zh": ["东院"], "households": [120]})
    >>> coverage_text(example_unit(), un)
    '2024年末，甲社区有1个小区（共120户）不在500米生活圈内（图中以 × 标记）：东院。十分钟生活圈覆盖户数比例为92.0%。'
    """
    _check_lang(lang)
    name = _name(res, res.unit_id, lang)
    value = _by_indicator(res.indicators, res.unit_id, res.year)
    pct = format_value(value["value"].get("life_circle_500m_pct", np.nan) if len(value) else np.nan,
                       unit="%", lang=lang)
    if uncovered is None:
        return (f"缺少{name}的小区或设施位置数据（或均未载入），无法判断生活圈覆盖情况。" if lang == "zh"
                else f"Without compounds or facilities with a usable location for {name}, life-circle coverage is unknown.")
    n = len(uncovered)
    households = int(pd.to_numeric(uncovered.get("households", pd.Series(dtype=float))).sum()) if n else 0
    names = [str(x) for x in uncovered.get("name_zh", uncovered.get("compound_id", pd.Series(dtype=str)))]
    if lang == "zh":
        if n == 0:
            text = f"{res.year}年末，{name}所有小区都在500米生活圈内。"
        else:
            marked = "（图中以 × 标记）" if mapped else ""
            text = (f"{res.year}年末，{name}有{n}个小区（共{households}户）不在500米生活圈内{marked}："
                    f"{'、'.join(names)}。")
        return text + f"{indicator_name('life_circle_500m_pct')}为{pct}。"
    if n == 0:
        text = f"At the end of {res.year} every compound of {name} lies within the 500 m life circle."
    else:
        marked = " (marked × on the map)" if mapped else ""
        text = (f"At the end of {res.year}, {n} compound{'s' if n > 1 else ''} of {name} ({households:,} "
                f"households) {'lie' if n > 1 else 'lies'} outside the 500 m life circle{marked}: "
                f"{', '.join(names)}.")
    return text + f" {indicator_name('life_circle_500m_pct', lang='en')}: {pct}."


def map_missing(res: UnitResults, layers: Mapping[str, Any], *, lang: str = "zh") -> str | None:
    """Why the unit's map cannot be drawn, as a note (HTML); None when it can.

    A community needs its boundary, a zone at least one of its communities'
    boundaries. A boundary that is missing from the file, or was quarantined for
    its geometry, leaves the report without a map, and the note says why.

    Examples
    --------
    >>> from linli.testing import example_unit
    >>> map_missing(example_unit(), {"boundaries": None}, lang="en")
    '<p class="linli-note">Jia has no usable boundary (missing from the boundary file, or quarantined for its geometry: see data quality), so this report has no map.</p>'
    """
    _check_lang(lang)
    boundaries = layers.get("boundaries")
    ids = set(res.community_ids) if res.unit_type == "zone" else {res.unit_id}
    if boundaries is not None and set(boundaries["community_id"].astype(str)) & ids:
        return None
    return note("n_no_map", lang=lang, name=_name(res, res.unit_id, lang))


def map_left_out(layers: Mapping[str, Any], *, lang: str = "zh") -> str:
    """A note on the compounds and facilities left off the map for want of a location ("" when none)."""
    n = sum(int((~_located(frame)).sum()) for key in ("compounds", "facilities")
            if (frame := layers.get(key)) is not None)
    return note("n_map_left_out", lang=lang, n=n) if n else ""


def check_coverage(res: UnitResults, uncovered: pd.DataFrame | None, compounds: Any) -> None:
    """Check that the compounds a map marks uncovered are those ``life_circle_500m_pct`` counts.

    ``100 − Σ households of uncovered compounds ÷ Σ households of the community's
    located compounds × 100`` must equal the indicator (both missing when coverage
    is unknown).

    Raises
    ------
    LinliError
        When the two disagree.
    """
    value = _by_indicator(res.indicators, res.unit_id, res.year)["value"].get("life_circle_500m_pct", np.nan)
    if uncovered is None or compounds is None:
        return
    own = compounds[_located(compounds) & (compounds["community_id"].astype(str) == res.unit_id).to_numpy()]
    total = float(pd.to_numeric(own["households"]).sum())
    pct = 100 - float(pd.to_numeric(uncovered["households"]).sum()) / total * 100 if total else np.nan
    same = (math.isnan(pct) and _missing(value)) or (not _missing(value) and abs(pct - float(value)) < 1e-9)
    if not same:
        msg = (f"{res.unit_id}: the map marks {len(uncovered)} uncovered compound(s), {pct:.1f} % covered, "
               f"but life_circle_500m_pct is {value}.")
        raise LinliError(msg)


def check_report(res: UnitResults, *, notebook: str, year: int, lang: str,
                 zone: UnitResults | None = None) -> None:
    """Check what a report notebook relies on; name what is wrong.

    Parameters
    ----------
    res
        The unit's slice of the hand-off.
    notebook
        ``community.ipynb`` or ``zone.ipynb``, the notebook that is running.
    year
        The report year asked for.
    lang
        The report language.
    zone
        A community report's zone.

    Raises
    ------
    LinliError
        The unit is of the other type (the message names the notebook to use), or
        the hand-off lacks the year, an indicator, an index row, or its row counts
        do not reconcile.
    """
    _check_lang(lang)
    wanted = {"community.ipynb": "community", "zone.ipynb": "zone"}
    if notebook not in wanted:
        msg = f"Unknown report notebook {notebook!r}; valid: {', '.join(wanted)}."
        raise LinliError(msg)
    if res.unit_type != wanted[notebook]:
        other = next(nb for nb, t in wanted.items() if t == res.unit_type)
        msg = (f"{res.unit_id!r} is a {res.unit_type}: report it with notebooks/reports/{other}, "
               f"not {notebook}.")
        raise LinliError(msg)
    if res.year != year:
        msg = f"The hand-off in {res.handoff_dir} is for {res.year}, not {year}; build it for {year}."
        raise LinliError(msg)
    units = [res.unit_id, *res.community_ids] if res.unit_type == "zone" else [res.unit_id]
    ids = sorted(catalogue_mod.load().ids)
    now = res.indicators[res.indicators["year"] == year]
    for unit in units:
        have = sorted(now.loc[now["unit_id"].astype(str) == unit, "indicator"].astype(str))
        if have != ids:
            msg = f"{unit}: the hand-off holds {len(have)} indicator row(s) for {year}, not one per indicator ({len(ids)})."
            raise LinliError(msg)
    ranked = res.uncertainty.loc[res.uncertainty["year"] == year, "unit_id"].astype(str)
    if res.unit_type == "community" and not (res.index["unit_id"].astype(str) == res.unit_id).any():
        msg = f"{res.unit_id}: the hand-off has no index row for {year}."
        raise LinliError(msg)
    if res.unit_type == "zone" and not set(units) <= set(ranked):
        msg = f"{res.unit_id}: the hand-off's uncertainty lacks {sorted(set(units) - set(ranked))}."
        raise LinliError(msg)
    if zone is not None and res.unit_id not in zone.community_ids:
        msg = f"{res.unit_id} is not a community of zone {zone.unit_id}."
        raise LinliError(msg)
    counts = res.provenance[res.provenance["status"].astype(str) != "absent"]
    for r in counts.itertuples(index=False):
        read, loaded, out = int(r.rows_read), int(r.rows_loaded), int(r.rows_quarantined)
        if read != loaded + out:
            msg = f"{r.table}: {read} rows read but {loaded} loaded and {out} quarantined; the counts do not reconcile."
            raise LinliError(msg)


def _located(frame: Any) -> np.ndarray:
    """Whether each record of a layer has a geometry to draw and measure."""
    return (frame.geometry.notna() & ~frame.geometry.is_empty).to_numpy(dtype=bool)


def trend_ledgers(res: UnitResults) -> list[str]:
    """Return the event ledgers whose monthly trends the report draws, the brand's own
    first (those in the data only)."""
    brand = res.unit.get("brand")
    ledgers = TREND_LEDGERS.get(str(brand), _DEFAULT_LEDGERS) if not _missing(brand) else _DEFAULT_LEDGERS
    return [t for t in ledgers if res.has_table(t)]


def map_layers(res: UnitResults, *, every_community: bool = True) -> dict[str, Any]:
    """Return the map's layers ``boundaries``, ``compounds`` and ``facilities``, each None
    when the data has no such table.

    By default the layers of every community: a community's map draws its neighbours,
    and a facility of any community serves a compound. ``every_community=False`` keeps
    the unit's own communities (a zone's map).
    """
    return {name: res.table(name, every_community=every_community) if res.has_table(name) else None
            for name in ("boundaries", "compounds", "facilities")}


def trend_options(res: UnitResults, ledger: str, *, lang: str = "zh") -> dict[str, Any]:
    """Return the options of :func:`linli.figures.plots.plot_monthly_trend` for one ledger:
    date column, months from the baseline year to the report year, title and axis label.

    Examples
    --------
    >>> from linli.testing import example_unit
    >>> trend_options(example_unit(), "mediation_cases")
    {'date_column': 'received_on', 'start': '2022-01', 'end': '2024-12', 'title': '甲社区 矛盾纠纷调解：每月受理数', 'ylabel': '件/月'}
    """
    _check_lang(lang)
    table = TABLES[ledger]
    name = _name(res, res.unit_id, lang)
    what = {
        "mediation_cases": (("每月受理数", "件/月"), ("cases received per month", "cases per month")),
        "resident_requests": (("每月受理数", "件/月"), ("requests received per month", "requests per month")),
        "services": (("每月服务次数", "次/月"), ("services per month", "services per month")),
        "culture_events": (("每月活动场次", "场/月"), ("events per month", "events per month")),
        "volunteer_activities": (("每月活动次数", "次/月"), ("activities per month", "activities per month")),
    }.get(ledger, (("每月记录数", "条/月"), ("records per month", "records per month")))
    (zh_title, zh_unit), (en_title, en_unit) = what
    title = (f"{name} {table.title_zh}：{zh_title}" if lang == "zh"
             else f"{name}: {_TABLE_EN.get(ledger, ledger).lower()}, {en_title}")
    return {
        "date_column": table.date_column or "date",
        "start": f"{res.baseline_year}-01",
        "end": f"{res.year}-12",
        "title": title,
        "ylabel": zh_unit if lang == "zh" else en_unit,
    }


# ------------------------------------------------------------------ HTML


_NUMERIC = re.compile(r"^[\d\s.,%+\-−–—→±()（）至]+$")
_BOLD = re.compile(r"\*\*(.+?)\*\*")


def _inline(text: str) -> str:
    return _BOLD.sub(r"<strong>\1</strong>", html_lib.escape(text))


def to_html(obj: pd.DataFrame | str, *, note: str | None = None, empty: str | None = None) -> str:
    """Return the HTML of a table from this module, or of a short text.

    A DataFrame becomes ``<table class="linli-table">`` without its index, cells
    escaped, columns whose every cell is number-like (digits, %, ranges, arrows, dashes)
    right-aligned (``class="num"``) with their header, rows with a true
    ``_highlight`` in bold. A string becomes paragraphs (blank-line separated) and
    bullet lists (lines starting ``- ``), with ``**bold**``. ``note`` adds a small
    paragraph under it; ``empty`` replaces a table without rows (and its note).

    Examples
    --------
    >>> to_html(pd.DataFrame({"指标": ["甲"], "值": ["1.5%"]}))
    '<table class="linli-table"><thead><tr><th>指标</th><th class="num">值</th></tr></thead><tbody><tr><td>甲</td><td class="num">1.5%</td></tr></tbody></table>'
    >>> to_html("- **a**: b\\n- c")
    '<ul class="linli-list"><li><strong>a</strong>: b</li><li>c</li></ul>'
    """
    esc = html_lib.escape
    if isinstance(obj, str):
        out: list[str] = []
        for block in re.split(r"\n\s*\n", obj.strip()):
            lines = block.splitlines()
            if lines and all(ln.startswith("- ") for ln in lines):
                out.append('<ul class="linli-list">' + "".join(f"<li>{_inline(ln[2:])}</li>" for ln in lines) + "</ul>")
            elif block.strip():
                out.append(f"<p>{_inline(' '.join(lines))}</p>")
        body = "".join(out)
    elif len(obj) == 0 and empty is not None:
        return f'<p class="linli-note">{_inline(empty)}</p>'
    else:
        frame = obj
        flags = frame["_highlight"].fillna(False).astype(bool).tolist() if "_highlight" in frame else [False] * len(frame)
        shown = [c for c in frame.columns if not str(c).startswith("_")]
        cells = [["" if _missing(v) else str(v) for v in values] for values in frame[shown].itertuples(index=False)]
        # a column is right-aligned when every cell in it is a number (or a range, a change, a dash)
        numeric = [k > 0 and all(not c[k] or _NUMERIC.match(c[k]) for c in cells) and any(c[k] for c in cells)
                   for k in range(len(shown))]
        attr = [' class="num"' if n else "" for n in numeric]
        head = "".join(f"<th{attr[k]}>{esc(str(c))}</th>" for k, c in enumerate(shown))
        rows = []
        for flag, values in zip(flags, cells, strict=True):
            tds = "".join(f"<td{attr[k]}>{esc(v)}</td>" for k, v in enumerate(values))
            row_class = ' class="hl"' if flag else ""
            rows.append(f"<tr{row_class}>{tds}</tr>")
        body = (f'<table class="linli-table"><thead><tr>{head}</tr></thead>'
                f"<tbody>{''.join(rows)}</tbody></table>")
    if note:
        body += f'<p class="linli-note">{_inline(note)}</p>'
    return body


def note(key: str, *, lang: str = "zh", **fields: object) -> str:
    """Return the label ``key`` as a small note under a table or figure (HTML).

    Examples
    --------
    >>> note("n_map", lang="en")
    '<p class="linli-note">Illustrative map, not surveyed.</p>'
    """
    return f'<p class="linli-note">{_inline(label(key, lang=lang, **fields))}</p>'


def brand_html(res: UnitResults, *, lang: str = "zh") -> str:
    """Return the brand section's heading and its dimension's :func:`indicator_table`
    ("" for a community without a brand).

    Examples
    --------
    >>> from linli.testing import example_unit
    >>> brand_html(example_unit()).startswith("<h2>品牌专题：邻和·调解</h2>")
    True
    """
    d = brand_dimension(res)
    if d is None:
        return ""
    return (heading("brand", lang=lang, brand=label(d, lang=lang))
            + to_html(indicator_table(res, dimension=d, lang=lang), note=label("n_arrows", lang=lang)))


def dimensions_html(res: UnitResults, dimensions: Iterable[str], *, lang: str = "zh") -> str:
    """Return a subsection per dimension: its name as a heading and :func:`indicator_table`."""
    parts = []
    for d in dimensions:
        parts.append(f"<h3>{html_lib.escape(label(d, lang=lang))}</h3>")
        parts.append(to_html(indicator_table(res, dimension=d, lang=lang)))
    return "".join(parts) + note("n_arrows", lang=lang)


def comparisons_html(res: UnitResults, *, lang: str = "zh") -> str:
    """Return a subsection per scored dimension with :func:`comparison_table` (a zone's report)."""
    parts = []
    for d in _SCORED:
        parts.append(f"<h3>{html_lib.escape(label(d, lang=lang))}</h3>")
        parts.append(to_html(comparison_table(res, dimension=d, lang=lang)))
    return "".join(parts) + note("n_arrows", lang=lang)


def record(res: UnitResults) -> dict[str, Any]:
    """Return the few numbers a report records in its last cell (for tests and nbval).

    Examples
    --------
    >>> from linli.testing import example_unit
    >>> record(example_unit())
    {'unit_id': 'jia', 'unit_type': 'community', 'year': 2024, 'index': 57.352852, 'rank': 2, 'n_indicators': 10}
    """
    i = _one(res.index, res.unit_id, res.year)
    n = len(_rows(res.indicators, res.unit_id, res.year))
    value = i.get("index")
    rank = i.get("rank")
    return {
        "unit_id": res.unit_id,
        "unit_type": res.unit_type,
        "year": int(res.year),
        "index": None if _missing(value) else float(value),
        "rank": None if _missing(rank) else int(rank),
        "n_indicators": int(n),
    }
