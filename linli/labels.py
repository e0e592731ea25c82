"""Every word linli shows a reader, in each language it speaks.

:data:`WORDS` maps a key to its text in every language of :data:`LANGS`::

    "h_scorecard": {"zh": "综合评价", "en": "Scorecard"},

A text may hold ``{fields}`` that :func:`word` fills in. Keys are grouped by where
the words appear (report labels and headings, notes, figure text, map legends, the
index page, the method …); a prefix names the group (``fig.``, ``map.``, ``page.``).
**Adding a language is adding its column**: its code in :data:`LANGS` and a value under
that code for every key (:func:`missing_words` lists what is left to translate), plus
its entries in :data:`DATE_FORMATS`, :data:`HTML_LANG`, :data:`THOUSANDS` and
:data:`ORDINALS`.

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

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import pandas as pd

from .contract import TABLES
from .errors import ContractError
from .indicators import catalogue as _catalogue

__all__ = [
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
    "indicator_name",
    "indicator_names",
    "missing_words",
    "ordinal",
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

#: key -> {lang: text}: every fixed word a report, figure, map or page shows.
WORDS: dict[str, dict[str, str]] = {
    # ------------------------------------------------------------ shared pieces
    "with_unit": {"zh": "{name}（{unit}）", "en": "{name} ({unit})"},
    "zone": {"zh": "实验区", "en": "zone"},
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
    # ------------------------------------------------------------ reports
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
    # quarantine messages (quarantine.csv's message_zh and message_en); {column}, {value}, {detail} filled in
    "message.row": {"zh": "第{row}行 ", "en": "row {row}, "},
    "message.no_column": {"zh": "", "en": "row"},
    "message.kept": {"zh": "（记录已载入，空间分析不含此项）", "en": " (record loaded; left out of the spatial analysis)"},
    "message.missing_value": {"zh": "“{column}”: 必填项为空", "en": "{column}: required value is empty"},
    "message.not_a_date": {"zh": "“{column}”: 无法识别的日期 “{value}”", "en": "{column}: not a date: {value!r}"},
    "message.not_an_integer": {"zh": "“{column}”: 不是整数 “{value}”", "en": "{column}: not a whole number: {value!r}"},
    "message.not_a_number": {"zh": "“{column}”: 不是数字 “{value}”", "en": "{column}: not a number: {value!r}"},
    "message.not_a_boolean": {"zh": "“{column}”: 无法识别的是/否 “{value}”", "en": "{column}: not a yes/no value: {value!r}"},
    "message.unknown_code": {"zh": "“{column}”: 不在代码表中 “{value}”（可用: {detail}）", "en": "{column}: unknown code {value!r} (valid: {detail})"},
    "message.bad_pattern": {"zh": "“{column}”: 格式不符 “{value}”（应为 {detail}）", "en": "{column}: {value!r} does not match {detail}"},
    "message.below_minimum": {"zh": "“{column}”: 数值 “{value}” 过小（应 {detail}）", "en": "{column}: {value!r} is too small (must be {detail})"},
    "message.above_maximum": {"zh": "“{column}”: 数值 “{value}” 过大（应 ≤ {detail}）", "en": "{column}: {value!r} is too large (must be ≤ {detail})"},
    "message.duplicate_id": {"zh": "“{column}”: 编号重复 “{value}”（保留第 {detail} 行）", "en": "{column}: duplicate id {value!r} (row {detail} kept)"},
    "message.duplicate_row": {"zh": "与第 {detail} 行完全相同", "en": "exact duplicate of row {detail}"},
    "message.duplicate_key": {"zh": "“{column}”: 组合重复 “{value}”（保留第 {detail} 行）", "en": "{column}: duplicate key {value!r} (row {detail} kept)"},
    "message.unknown_reference": {"zh": "“{column}”: 找不到引用 “{value}”", "en": "{column}: unknown reference {value!r}"},
    "message.future_date": {"zh": "“{column}”: 日期 “{value}” 晚于数据截止日 {detail}", "en": "{column}: date {value!r} is after the as-of date {detail}"},
    "message.end_before_start": {"zh": "“{column}”: 结束日期 “{value}” 早于开始日期", "en": "{column}: end date {value!r} is before the start"},
    "message.closed_before_received": {"zh": "“{column}”: 办结日期 “{value}” 早于受理日期", "en": "{column}: closed date {value!r} is before the received date"},
    "message.age_65_plus_exceeds_residents": {"zh": "“{column}”: 65岁以上人口 “{value}” 超过实有人口", "en": "{column}: {value!r} aged 65+ exceeds residents"},
    "message.disabled_exceeds_residents": {"zh": "“{column}”: 残疾人数 “{value}” 超过实有人口", "en": "{column}: {value!r} disabled exceeds residents"},
    "message.elders_exceed_participants": {"zh": "“{column}”: 65岁以上参与人数 “{value}” 超过参与人数", "en": "{column}: {value!r} aged 65+ exceeds participants"},
    "message.missing_geometry": {"zh": "缺少几何图形", "en": "geometry is missing"},
    "message.wrong_geometry_type": {"zh": "几何类型 “{value}” 不符（应为 {detail}）", "en": "geometry type {value!r} is not allowed (expected {detail})"},
    "message.invalid_geometry": {"zh": "几何图形无效: {detail}", "en": "invalid geometry: {detail}"},
    "message.outside_zone": {"zh": "位置超出实验区范围（容差1公里）", "en": "location is outside the zone's bounding box (1 km tolerance)"},
    "message.swapped_coordinates": {"zh": "经纬度颠倒（交换后位于实验区内）；请改正", "en": "longitude and latitude are swapped (swapped back, the point lies in the zone); fix them"},
    "message.non_finite_coordinates": {"zh": "坐标不是有限数值（NaN 或无穷大）", "en": "coordinates are not finite numbers (NaN or Infinity)"},
    "message.polygon_as_point": {"zh": "应为点，给出的是面：已取面内代表点", "en": "a polygon where a point is expected: its representative point is used"},
    "message.mixed_encoding": {"zh": "本行编码为 {detail}，与文件其余部分不同；请将整个文件另存为同一编码", "en": "this line is encoded in {detail}, unlike the rest of the file; save the whole file in one encoding"},
    "message.uncomputed_formula": {"zh": "“{column}”: 公式未计算: 请在Excel中打开并保存", "en": "{column}: formula never computed: open the file in Excel and save it"},
    "message.personal_data_masked": {"zh": "“{column}”: 含手机号或证件号，已遮盖（自由文本栏不得填写个人信息）", "en": "{column}: a phone or identity number was masked (free-text columns must not hold personal data)"},
    # quarantine rules, short (the data-quality table)
    "rule.missing_value": {"zh": "必填项为空", "en": "required value empty"},
    "rule.not_a_date": {"zh": "日期无法识别", "en": "not a date"},
    "rule.not_an_integer": {"zh": "不是整数", "en": "not a whole number"},
    "rule.not_a_number": {"zh": "不是数字", "en": "not a number"},
    "rule.not_a_boolean": {"zh": "是/否无法识别", "en": "not a yes/no value"},
    "rule.unknown_code": {"zh": "不在代码表中", "en": "unknown code"},
    "rule.bad_pattern": {"zh": "格式不符", "en": "wrong format"},
    "rule.below_minimum": {"zh": "数值过小", "en": "value too small"},
    "rule.above_maximum": {"zh": "数值过大", "en": "value too large"},
    "rule.duplicate_id": {"zh": "编号重复", "en": "duplicate id"},
    "rule.duplicate_row": {"zh": "整行重复", "en": "duplicate row"},
    "rule.duplicate_key": {"zh": "组合重复", "en": "duplicate key"},
    "rule.unknown_reference": {"zh": "引用不存在", "en": "unknown reference"},
    "rule.future_date": {"zh": "日期晚于截止日", "en": "date after the as-of date"},
    "rule.end_before_start": {"zh": "结束早于开始", "en": "end before start"},
    "rule.closed_before_received": {"zh": "办结早于受理", "en": "closed before received"},
    "rule.age_65_plus_exceeds_residents": {"zh": "65岁以上人口超过实有人口", "en": "aged 65+ exceed residents"},
    "rule.disabled_exceeds_residents": {"zh": "残疾人数超过实有人口", "en": "disabled exceed residents"},
    "rule.elders_exceed_participants": {"zh": "65岁以上参与人数超过参与人数", "en": "aged 65+ exceed participants"},
    "rule.missing_geometry": {"zh": "缺少几何图形", "en": "geometry missing"},
    "rule.wrong_geometry_type": {"zh": "几何类型不符", "en": "wrong geometry type"},
    "rule.invalid_geometry": {"zh": "几何图形无效", "en": "invalid geometry"},
    "rule.outside_zone": {"zh": "位置超出实验区范围", "en": "outside the zone"},
    "rule.swapped_coordinates": {"zh": "经纬度颠倒", "en": "longitude and latitude swapped"},
    "rule.non_finite_coordinates": {"zh": "坐标非有限数值", "en": "coordinates not finite"},
    "rule.polygon_as_point": {"zh": "以面代点（已取代表点）", "en": "polygon used as a point"},
    "rule.mixed_encoding": {"zh": "编码混杂", "en": "mixed encodings"},
    "rule.uncomputed_formula": {"zh": "公式未计算", "en": "formula not computed"},
    "rule.personal_data_masked": {"zh": "个人信息已遮盖", "en": "personal data masked"},
    # normalisation and aggregation methods
    "method.goalposts": {"zh": "固定阈值（goalposts）", "en": "fixed goalposts"},
    "method.minmax": {"zh": "最小–最大值", "en": "min–max"},
    "method.zscore": {"zh": "z分数", "en": "z-score"},
    "method.arithmetic": {"zh": "算术平均", "en": "arithmetic mean"},
    "method.geometric": {"zh": "几何平均", "en": "geometric mean"},
    # pieces of sentences and cells
    "sep.list": {"zh": "、", "en": ", "},
    "sep.comma": {"zh": "，", "en": ", "},
    "sep.clause": {"zh": "，", "en": "; "},
    "sep.items": {"zh": "；", "en": "; "},
    "in_brackets": {"zh": "（{text}）", "en": " ({text})"},
    "colon_pair": {"zh": "{a}：{b}", "en": "{a}: {b}"},
    "then_colon": {"zh": "：{text}", "en": ": {text}"},
    "range_to": {"zh": "至", "en": " – "},
    "yes": {"zh": "是", "en": "yes"},
    "no": {"zh": "否", "en": "no"},
    "count_item": {"zh": "{label} {n} 项", "en": "{label}: {n}"},
    "of_communities": {"zh": "（共{n}个社区）", "en": " of {n}"},
    "rank_span": {"zh": "第{span}名", "en": "rank {span}"},
    "rank_kept_sentence": {"zh": "，{draws}次模拟中有{pct}%仍为第{rank}名", "en": "; {pct} % of {draws} simulations keep it {ordinal}"},
    "median_rank": {"zh": "（中位数第{median}名）", "en": " (median {median})"},
    "median_value": {"zh": "（中位数{value}）", "en": " (median {value})"},
    "reference": {"zh": "{symbol} {value}（{kind}{when}）", "en": "{symbol} {value} ({kind}{when})"},
    "reference_year": {"zh": "，{year}年", "en": ", {year}"},
    "zone_year": {"zh": "{name}{year}年", "en": "{name}, {year}"},
    "quote": {"zh": "：“{text}”", "en": ": “{text}”"},
    # a target line's legend: in Chinese it names a short (Chinese) issuer as well
    "legend_issuer": {"zh": "{kind}（{who}）", "en": "{kind}"},
    # the headline of a report
    "headline.no_index": {"zh": "{name}{year}年的数据不足以计算邻里指数。",
                          "en": "The data for {name} in {year} do not suffice for a Linli Index."},
    "headline.index": {"zh": "{name}{year}年邻里指数为{value}（权重变化时的5%–95%区间为{lo}–{hi}）",
                       "en": "In {year} the Linli Index of {name} is {value} (5–95 % band when the weights vary: {lo}–{hi})"},
    "headline.ranked": {"zh": "，在{n}个社区中排第{rank}名", "en": ", rank {rank} of {n} communities"},
    "headline.interval": {"zh": "（排名区间：第{span}名）", "en": " (rank interval {span})"},
    "headline.zone": {"zh": "；实验区与各社区并列展示，不参与排名",
                      "en": "; the zone is shown beside its communities, not ranked among them"},
    "headline.end": {"zh": "。", "en": "."},
    "headline.order": {"zh": "各社区邻里指数由高到低依次为：{items}。", "en": " The communities, highest index first: {items}."},
    "headline.order_item": {"zh": "{name}{score}", "en": "{name} {score}"},
    "headline.progress": {"zh": "{baseline}年以来，{n}项计分指标中{counts}。",
                          "en": " Since {baseline}, of {n} scored indicators: {counts}."},
    # which choice drives the ranks
    "drivers.same_rank": {"zh": "在所有模拟中均为同一名次", "en": "the same rank in every run"},
    "drivers.fixed": {"zh": "- **{name}**：在所有模拟中均为{rank}，这些选择不改变它的排名。",
                      "en": "- **{name}**: {rank} in every run; these choices do not move it."},
    "drivers.mostly": {"zh": "排名多为第{rank}名，偶有变化", "en": "rank {rank} in most runs; what moves it"},
    "drivers.between": {"zh": "排名在第{lo}–{hi}名之间变化", "en": "rank moves between {lo} and {hi}"},
    "drivers.line": {"zh": "- **{name}**：{span}，主要取决于{driver}（总效应{effect}）。",
                     "en": "- **{name}**: {span}, driven mainly by the {driver} (total effect {effect})."},
    # data quality
    "quality.other": {"zh": "其他 ×{n}", "en": "other ×{n}"},
    "quality.rows_loaded": {"zh": "（行已载入）", "en": " (rows loaded)"},
    # life-circle coverage in words
    "coverage.unknown": {"zh": "缺少{name}的小区或设施位置数据（或均未载入），无法判断生活圈覆盖情况。",
                         "en": "Without compounds or facilities with a usable location for {name}, life-circle coverage is unknown."},
    "coverage.all_in": {"zh": "{year}年末，{name}所有小区都在500米生活圈内。",
                        "en": "At the end of {year} every compound of {name} lies within the 500 m life circle."},
    "coverage.one_out": {"zh": "{year}年末，{name}有{n}个小区（共{households}户）不在500米生活圈内{marked}：{names}。",
                         "en": "At the end of {year}, {n} compound of {name} ({households} households) lies outside the 500 m life circle{marked}: {names}."},
    "coverage.many_out": {"zh": "{year}年末，{name}有{n}个小区（共{households}户）不在500米生活圈内{marked}：{names}。",
                          "en": "At the end of {year}, {n} compounds of {name} ({households} households) lie outside the 500 m life circle{marked}: {names}."},
    "coverage.marked": {"zh": "（图中以 × 标记）", "en": " (marked × on the map)"},
    "coverage.value": {"zh": "{indicator}为{pct}。", "en": " {indicator}: {pct}."},
    # monthly trends: what each ledger counts, per month
    "trend.title": {"zh": "{name} {table}：{what}", "en": "{name}: {table}, {what}"},
    "trend.mediation_cases": {"zh": "每月受理数", "en": "cases received per month"},
    "trend.mediation_cases.unit": {"zh": "件/月", "en": "cases per month"},
    "trend.resident_requests": {"zh": "每月受理数", "en": "requests received per month"},
    "trend.resident_requests.unit": {"zh": "件/月", "en": "requests per month"},
    "trend.services": {"zh": "每月服务次数", "en": "services per month"},
    "trend.services.unit": {"zh": "次/月", "en": "services per month"},
    "trend.culture_events": {"zh": "每月活动场次", "en": "events per month"},
    "trend.culture_events.unit": {"zh": "场/月", "en": "events per month"},
    "trend.volunteer_activities": {"zh": "每月活动次数", "en": "activities per month"},
    "trend.volunteer_activities.unit": {"zh": "次/月", "en": "activities per month"},
    "trend.other": {"zh": "每月记录数", "en": "records per month"},
    "trend.other.unit": {"zh": "条/月", "en": "records per month"},
    # the parameters table
    "param.year": {"zh": "评估年度", "en": "Assessment year"},
    "param.baseline": {"zh": "基线年度", "en": "Baseline year"},
    "param.as_of": {"zh": "数据截至", "en": "Data as of"},
    "param.dataset": {"zh": "数据集", "en": "Dataset"},
    "param.synthetic": {"zh": "合成数据", "en": "Synthetic data"},
    "param.version": {"zh": "linli 版本", "en": "linli version"},
    "param.fingerprint": {"zh": "输入数据指纹（SHA-256）", "en": "Input fingerprint (SHA-256)"},
    "param.catalogue": {"zh": "指标目录版本", "en": "Indicator catalogue version"},
    "param.catalogue_value": {"zh": "v{version}（{n}项指标）", "en": "v{version} ({n} indicators)"},
    "param.normalisation": {"zh": "标准化方法", "en": "Normalisation"},
    "param.aggregation": {"zh": "聚合方法", "en": "Aggregation"},
    "param.weights": {"zh": "维度权重", "en": "Dimension weights"},
    "param.equal": {"zh": "等权", "en": "equal"},
    "param.monte_carlo": {"zh": "蒙特卡洛模拟", "en": "Monte Carlo"},
    "param.monte_carlo_value": {"zh": "{draws}次，随机种子{seed}；标准化：{normalisations}；聚合：{aggregations}；权重±{jitter}%",
                                "en": "{draws} draws, seed {seed}; normalisation: {normalisations}; aggregation: {aggregations}; weights ±{jitter} %"},
    "param.thresholds_target": {"zh": "进展阈值（有目标）", "en": "Progress thresholds (with a target)"},
    "param.thresholds_cagr": {"zh": "进展阈值（无目标，年均增长）", "en": "Progress thresholds (no target, CAGR)"},
    # the method, one bullet each
    "method.indicators": {
        "zh": "**指标**：{n_indicators}项指标，分为概况（仅作参考）和六个计分维度，共{n_scored}项计分指标，"
              "定义见指标目录。实验区的数值由各社区的原始记录汇总计算（分子、分母分别相加），不是社区百分比的平均。"
              "缺少数据或分母为0时记为缺失并说明原因，不按0处理。",
        "en": "**Indicators**: {n_indicators} indicators in a context-only profile and six scored "
              "dimensions, {n_scored} of them scored, as the indicator catalogue defines them. Zone values "
              "pool the communities' records (numerators and denominators summed), never averaging community "
              "percentages. A value whose data are absent or whose denominator is 0 is missing, with the reason, never 0.",
    },
    "method.size_free": {
        "zh": "**只对与规模无关的指标计分**：计分指标都是比例、每千人或每万人的比率、人均量或中位数，"
              "从不使用原始计数——计数随社区规模增长，会让大社区仅因规模大而排在小社区前面，也会让实验区"
              "仅因是各社区之和而高于它的每一个社区。社会组织数、志愿者数等计数仍作为参考指标列出，并用于"
              "核对公开报道。检验标准：由k个完全相同的社区组成的实验区，每项计分指标、各维度得分和邻里指数"
              "都与其中一个社区相同。五社联动的人均比率以常住人口为分母（与公开的志愿者占比一致），其余以实有人口为分母。",
        "en": "**Only size-free indicators are scored**: every scored indicator is a share, a rate per 1,000 or "
              "10,000 residents, a per-person mean or a median — never a raw count, which grows with a community's "
              "size and would rank a big community above a small one for being big, and a zone above every one of "
              "its communities for being their sum. Counts (organisations, volunteers …) are still shown as context "
              "and checked against published figures. The test: a zone made of k identical communities has the same "
              "value on every scored indicator, the same dimension scores and the same index as one of them. "
              "Per-resident rates of the five-society linkage divide by the resident population (those living "
              "there), as the published volunteer share does; the others by registered residents.",
    },
    "method.normalisation": {
        "zh": "**标准化**：每项计分指标按固定阈值换算为0–100分：得分 = (数值 − 下限) ÷ (上限 − 下限) × 100，"
              "并截断在0–100之间；“越低越好”的指标反向计算。阈值及其依据见指标目录，各年份可比。",
        "en": "**Normalisation**: each scored indicator becomes a 0–100 score on fixed goalposts: "
              "score = (value − lower) ÷ (upper − lower) × 100, clipped to 0–100, reversed where lower is "
              "better. The goalposts and their rationale are in the catalogue; scores compare across years.",
    },
    "method.index": {
        "zh": "**维度得分与邻里指数**：维度得分为该维度可用指标得分的算术平均；邻里指数为六个维度得分的"
              "加权平均（默认等权）。少于4个维度有得分时不计算指数。实验区的指数由其汇总数值按同样方法计算，"
              "与各社区并列展示，但不参与排名。",
        "en": "**Dimension scores and the Linli Index**: a dimension's score is the arithmetic mean of its "
              "available indicator scores; the index is the weighted mean of the six dimension scores (equal "
              "weights by default). With fewer than 4 dimensions scored there is no index. The zone's index is "
              "computed from its pooled values in the same way; the zone is shown beside its communities, not "
              "ranked among them.",
    },
    "method.uncertainty": {
        "zh": "**不确定性**：蒙特卡洛模拟{draws}次（随机种子{seed}，结果可重复），回答三个问题。"
              "指数有多确定？只让各维度权重在±{jitter}%内随机变化并重新归一（标准化与聚合方法不变），"
              "指数的5%–95%区间即“指数区间”；其他标准化方法和几何平均会把指数放到另一种尺度上，不混入这一区间。"
              "排名有多确定？同时随机选择标准化方法（固定阈值、最小–最大值、z分数）、聚合方法（算术平均、几何平均）"
              "并扰动权重，给出排名的中位数、5%–95%区间，以及仍保持基准排名的模拟所占比例。"
              "哪种选择影响排名？用方差敏感性指数衡量三种选择对每个社区排名波动的贡献：一阶效应（Saltelli 2010）"
              "为单独造成的比例，总效应（Jansen 1999）为单独及与其他选择共同造成的比例，{bootstrap}次自助抽样给出区间。",
        "en": "**Uncertainty**: {draws} seeded Monte Carlo draws (seed {seed}, so repeatable) answer three "
              "questions. How sure is the score? Only the dimension weights vary, each within "
              "±{jitter} % and renormalised, with the normalisation and aggregation unchanged: the 5th–95th "
              "percentiles of the index are its band. Other normalisations and the geometric mean put the index "
              "on other scales, so they never enter the band. How sure is the rank? The normalisation (goalposts, "
              "min–max, z-score), the aggregation (arithmetic, geometric mean) and the weights vary together: the "
              "median rank, its 5th–95th percentile interval and the share of draws that keep the headline rank. "
              "Which choice drives the ranks? Variance-based sensitivity indices of each community's rank to the "
              "three choices: the first-order index (Saltelli 2010) is the share of the rank's variation a choice "
              "causes alone, the total effect (Jansen 1999) the share it is involved in, with intervals from "
              "{bootstrap} bootstrap resamples.",
    },
    "method.sensitivity": {
        "zh": "**敏感性**：依次去掉一个维度（其余权重重新归一），观察排名的变化。",
        "en": "**Sensitivity**: each dimension left out in turn (the other weights renormalised), and the change in rank.",
    },
    "method.progress": {
        "zh": "**进展状态**：比较基线年与评估年之间的年均复合增长率（CAGR）。有目标时，计算实际增速与按期达标"
              "所需增速之比：≥{ratio_substantial}为显著进展，{ratio_moderate}–{ratio_substantial}为中等进展，"
              "{ratio_limited}–{ratio_moderate}为进展有限，小于0为退步，已达目标者为“已达目标”；无目标时，"
              "年均增长≥{cagr_substantial}%为显著进展，{cagr_moderate}%–{cagr_substantial}%"
              "为中等进展，0–"
              "{cagr_moderate}%为进展有限，小于0为退步（Open SDG / 加拿大统计局方法）。基线为0或数据缺失时为“无法评估”。"
              "基准（如全国调解成功率）只作对照，不作为目标。",
        "en": "**Progress**: the compound annual growth rate (CAGR) from the baseline year to the assessment "
              "year. With a target, the ratio of the observed rate to the rate needed to reach the target in "
              "time: ≥ {ratio_substantial} substantial, {ratio_moderate}–{ratio_substantial} moderate, "
              "{ratio_limited}–{ratio_moderate} limited progress, below 0 deterioration, and “target "
              "achieved” once it is met; without one, a CAGR of ≥ "
              "{cagr_substantial} % is substantial, {cagr_moderate}–{cagr_substantial} % "
              "moderate, 0–{cagr_moderate} % limited, below 0 deterioration (Open SDG, Statistics "
              "Canada's method). “Not available” when a value is missing or the baseline is 0. A benchmark "
              "(such as the national mediation success rate) is a point of comparison, not a target.",
    },
    "method.satisfaction": {
        "zh": "**满意度**：问卷中评分≥4（满分5分）的加权比例；95%置信区间为Wilson区间，样本量采用Kish有效"
              "样本量：n_eff = (Σw)² ÷ Σw²。",
        "en": "**Satisfaction**: the weighted share of answers rating 4 or 5 out of 5; the 95 % Wilson interval "
              "uses Kish's effective sample size n_eff = (Σw)² ÷ Σw².",
    },
    "method.claims": {
        "zh": "**公开数据核对**：将报道中的数字与本数据计算的同一指标比较，给出“一致”“不一致”或“无法核对”，并列出两个数字。",
        "en": "**Published figures**: each figure published in the press is compared with the same indicator "
              "computed from these data: agrees, disagrees or cannot check, with both numbers.",
    },
    "method.privacy": {
        "zh": "**隐私**：姓名、电话、身份证号、住址等个人信息在读入时即被删除，人员编号以加盐哈希替代；报告中不出现任何个人信息。",
        "en": "**Privacy**: names, phone numbers, ID numbers and addresses are dropped when the data are read, "
              "and person ids replaced by a salted hash; no personal data appears in a report.",
    },
    # why an indicator is missing: linli.indicators says it in English; here the other languages
    "reason.table_absent": {"zh": "缺少数据表“{table}”"},
    "reason.table_no_geometry": {"zh": "数据表“{table}”没有几何图形"},
    "reason.column_absent": {"zh": "数据表“{table}”缺少“{column}”列"},
    "reason.no_population_row": {"zh": "{year}年无人口数据"},
    "reason.population_empty": {"zh": "{year}年人口数据“{column}”为空"},
    "reason.no_answers": {"zh": "{year}年问卷无“{item}”的有效回答"},
    "reason.no_closed_requests": {"zh": "{year}年受理的诉求均未办结"},
    "reason.no_resolved_cases": {"zh": "{year}年受理的案件无调解成功并办结者"},
    "reason.only_pending_cases": {"zh": "{year}年受理的案件均在办理中"},
    "reason.no_cases": {"zh": "{year}年未受理调解案件"},
    "reason.no_elders": {"zh": "{year}年无65岁以上居民"},
    "reason.no_compound_households": {"zh": "小区户数为0"},
    "reason.no_compounds": {"zh": "没有小区数据"},
    "reason.no_requests": {"zh": "{year}年未受理居民诉求"},
    "reason.no_rated_requests": {"zh": "{year}年无评价过的诉求"},
    "reason.no_register_members": {"zh": "{year}年末名册无在册人员"},
    "reason.no_residents": {"zh": "{year}年无居民"},
    "reason.no_volunteers": {"zh": "{year}年末无在册志愿者"},
    "reason.in_community": {"zh": "（{name}）"},
    "reason.other": {"zh": "无法计算（{text}）"},
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
    "column.geometry": {"zh": "几何", "en": "geometry"},
    "survey.q_overall": {"en": "Overall"},
    "survey.q_environment": {"en": "Environment"},
    "survey.q_safety": {"en": "Safety"},
    "survey.q_services": {"en": "Services"},
    "survey.q_participation": {"en": "Participation"},
    "survey.q_harmony": {"en": "Neighbourly harmony"},
    "survey.q_culture": {"en": "Cultural life"},
}

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


def word(key: str, *, lang: str = "zh", **fields: object) -> str:
    """Return the text of ``key`` in ``lang``, its ``{fields}`` filled in.

    Examples
    --------
    >>> word("map.north", lang="en"), word("rank_span", span="1–2")
    ('N', '第1–2名')
    """
    check_lang(lang)
    try:
        text = WORDS[key][lang]
    except KeyError:
        msg = f"No words for {key!r} in {lang!r}." if key in WORDS else f"Unknown label {key!r}."
        raise ContractError(msg) from None
    return text.format(**fields) if fields else text


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
