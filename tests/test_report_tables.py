"""linli.reporting: the tables and texts of a report (tables, comparison, appendix, sections), in Chinese and English.

The inputs are small hand-made results: :func:`linli.testing.example_unit` (community
``jia`` 甲社区, brand 邻和, of zone ``model`` 示范街道, 2022 → 2024) and its zone
:func:`linli.testing.example_zone` (with a second community ``yi`` 乙社区), changed here
where a test needs it. Every expected cell is worked out by hand from those frames.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import Point

from linli import access, labels, testing
from linli.contract import RULES
from linli.errors import LinliError
from linli.handoff import UnitSlice
from linli.progress import STATUSES
from linli.reporting import appendix, comparison, render, sections, tables
from linli.reporting import format as fmt
from linli.spec import SCORED_DIMENSIONS

CJK = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]")


@pytest.fixture
def res() -> UnitSlice:
    return testing.example_unit()


@pytest.fixture
def zone() -> UnitSlice:
    return testing.example_zone()


def cells(frame: pd.DataFrame) -> list[str]:
    return [str(v) for v in frame.to_numpy().ravel()] + [str(c) for c in frame.columns]


# ------------------------------------------------------------------- labels


def test_labels_cover_every_status_verdict_dimension_and_rule() -> None:
    keys = [*STATUSES, "agrees", "disagrees", "cannot_check"]
    for key in keys:
        assert set(labels.WORDS[key]) == {"zh", "en"}
        assert CJK.search(labels.WORDS[key]["zh"]) and not CJK.search(labels.WORDS[key]["en"])
    for d in ["profile", *SCORED_DIMENSIONS]:  # dimension names: the catalogue's labels
        zh, en = labels.dimension_label(d), labels.dimension_label(d, lang="en")
        assert CJK.search(zh) and not CJK.search(en)
    # every quarantine rule has a short label
    assert {k.removeprefix("rule.") for k in labels.WORDS if k.startswith("rule.")} == set(RULES)
    assert labels.word("deterioration") == "退步" and labels.word("deterioration", lang="en") == "Deterioration"
    assert labels.dimension_label("lin_he") == "邻和·调解"  # the name the figures use (the catalogue's label)


def test_unknown_language_and_label_are_errors() -> None:
    with pytest.raises(LinliError, match=r"Unknown language 'fr'; valid: zh, en"):
        labels.word("agrees", lang="fr")
    with pytest.raises(LinliError, match="Unknown label 'nope'"):
        labels.word("nope")


def test_indicator_names_come_from_the_catalogue() -> None:
    assert labels.indicator_name("social_workers_per_10k", unit=True) == "每万常住人口社工数（人/万人）"
    # a percentage carries its unit in every cell, a bare count in English needs none
    assert labels.indicator_name("request_satisfied_pct", unit=True) == "诉求办理满意率"
    assert labels.indicator_name("volunteer_teams", lang="en", unit=True) == "Volunteer teams"
    names = labels.indicator_names()
    assert len(names) == 49 and names["social_orgs"] == "社区社会组织数"
    with pytest.raises(LinliError, match="Unknown indicator 'nope'"):
        labels.indicator_name("nope")


# --------------------------------------------------------------- formatting


@pytest.mark.parametrize(
    ("value", "unit", "lang", "expected"),
    [
        (6339.0, "persons", "zh", "6339"),  # a count: no decimals, no separator in Chinese
        (6339.0, "persons", "en", "6,339"),  # ... a thousands separator in English
        (9.0, "count", "zh", "9"),
        (25.624888, "%", "zh", "25.6%"),  # % with one decimal
        (100.0, "%", "zh", "100.0%"),
        (40.0, "per 1k", "zh", "40.0"),  # a rate: one decimal even when whole
        (0.914851, "hours", "zh", "0.91"),  # below 1: two decimals
        (-1.25, "days", "zh", "−1.2"),  # a true minus sign; half to even
        (np.nan, "%", "zh", "—"),
        (None, "count", "en", "—"),
        (pd.NA, None, "zh", "—"),
    ],
)
def test_format_value(value: object, unit: str | None, lang: str, expected: str) -> None:
    assert fmt.format_value(value, unit=unit, lang=lang) == expected


@pytest.mark.parametrize("unit", ["%", "hours", "persons", "per 10k"])
@given(before=st.floats(-500, 500, allow_nan=False), after=st.floats(-500, 500, allow_nan=False))
@settings(max_examples=300, deadline=None, derandomize=True)
def test_a_change_is_the_difference_of_the_values_shown(unit: str, before: float, after: float) -> None:
    # a reader subtracts the two numbers printed beside the change, in a row of the
    # five-society table (its decimals shared: row_decimals): 22.2% and 25.6% is +3.4
    # points, not the +3.5 of 22.166 and 25.625; done here on the printed text itself
    places = fmt.row_decimals([before, after], unit=unit)

    def shown(x: float) -> float:
        text = fmt.format_value(x, unit=unit, lang="en", decimals=places)
        return float(text.rstrip("%").replace(",", "").replace("−", "-"))

    text = fmt.change_text(before, after, unit=unit, lang="en", decimals=places)
    delta = shown(after) - shown(before)
    if text == "0":
        assert abs(delta) < 0.005
    else:
        sign = 1 if text[0] == "+" else -1
        assert text[0] in "+−" and abs(sign * float(text[1:].split(" ")[0].replace(",", "")) - delta) < 0.005


def test_rank_text() -> None:
    assert fmt.rank_text(1, 2, 4) == "第1–2名（共4个社区）"
    assert fmt.rank_text(1, 2, 4, lang="en") == "rank 1–2 of 4"
    assert fmt.rank_text(3, 3, 4) == "第3名（共4个社区）"  # a single rank, not 3–3
    assert fmt.rank_text(2, 3) == "第2–3名"
    assert fmt.rank_text(pd.NA, pd.NA, 4) == "—"


@pytest.mark.parametrize(
    ("reason", "expected"),
    [
        ("no population row for 2024", "2024年无人口数据"),
        ("table services absent", "缺少数据表“服务记录”"),
        ("column population.age_65_plus absent", "数据表“人口”缺少“65岁以上人口”列"),
        ("denominator is 0: no requests received in 2024", "2024年未受理居民诉求"),
        ("denominator is 0: no register members active at end of 2023", "2023年末名册无在册人员"),
        ("no answers to q_safety in 2024", "2024年问卷无“治安”的有效回答"),
        ("no closed requests received in 2024 (community yi)", "2024年受理的诉求均未办结（乙社区）"),
        ("something new", "无法计算（something new）"),
        (None, ""),
    ],
)
def test_reason_text_in_chinese(reason: str | None, expected: str) -> None:
    assert fmt.reason_text(reason, names={"yi": "乙社区"}) == expected


def test_reason_text_in_english_is_the_reason() -> None:
    assert fmt.reason_text("no population row for 2024", lang="en") == "no population row for 2024"


def test_every_reason_the_indicators_give_is_translated() -> None:
    # the reason templates of linli/indicators/*.py, filled in by hand
    reasons = [
        "no cases other than pending received in 2024", "no resolved and closed cases received in 2024",
        "no cases received in 2024", "no residents aged 65+ in 2024", "no compound households",
        "no compounds", "no requests received in 2024", "no closed requests received in 2024",
        "no rated requests received in 2024", "no register members active at end of 2024",
        "no residents in 2024", "no volunteers active at end of 2024", "population.households empty for 2024",
        "table compounds has no geometry",
    ]
    for reason in reasons:
        text = fmt.reason_text(f"denominator is 0: {reason}")
        assert not text.startswith("无法计算") and not re.search(r"[a-z]{3}", text), text


# ------------------------------------------------------------------ tables


def test_scorecard_reads_the_frames(res: UnitSlice) -> None:
    card = tables.scorecard(res)
    assert card.columns.tolist() == ["项目", "甲社区", "示范街道"]
    rows = {r[0]: r[1:] for r in card.itertuples(index=False)}
    assert rows["邻里指数"] == ("57.4", "66.0")  # 57.352852 and 65.962341, one decimal
    # the band (weights varied only): index_low–index_high and the median of the frame
    assert rows["指数区间（仅权重变化，5%–95%）"] == ("55.9–58.6（中位数57.3）", "64.9–66.6（中位数65.8）")
    # rank 2 of n_ranked 2, kept in rank_kept_pct 83 % of the catalogue's 1000 draws; the zone is not ranked
    assert rows["排名"] == ("第2名（共2个社区），1000次模拟中有83%仍为第2名", "不参与排名")
    assert rows["排名区间（5%–95%）"] == ("第1–2名（中位数第2名）", "—")
    assert rows["五社联动"] == ("60.1", "70.1")  # 60.071125; the zone 70.071125
    assert rows["目标达成"] == ("无适用目标", "无适用目标")  # no target_met in the frame
    assert rows["对照基准"] == ("低于基准1项", "无适用基准")  # mediation success below 96
    # statuses in linli.progress order: 2 substantial, 1 deterioration
    assert rows["进展（2022→2024）"] == ("显著进展2项，退步1项", "—")


def test_scorecard_counts_targets_met(res: UnitSlice) -> None:
    prog = res.progress.copy()
    prog.loc[0, "target_met"] = True
    prog.loc[2, "target_met"] = False
    card = tables.scorecard(dataclasses.replace(res, progress=prog), lang="en")
    row = card[card["Item"] == "Targets"].iloc[0].tolist()
    assert row == ["Targets", "met: 1; not met: 1", "no target applies"]


def test_indicator_table_shows_values_scores_targets_and_why_missing(res: UnitSlice) -> None:
    t = tables.indicator_table(res, dimension="lin_he")
    assert t.columns.tolist() == ["指标", "甲社区", "示范街道", "得分", "目标/基准", "进展（2022→2024）", "说明"]
    rows = {r[0]: r[1:] for r in t.itertuples(index=False)}
    assert rows["调解成功率"] == ("95.7%", "94.0%", "95.7", "≥ 96.0%（基准）：低于基准", "显著进展", "")
    # missing, with its reason in Chinese; lower is better (↓)
    assert rows["调解办结天数中位数（天）\u00a0↓"] == ("—", "—", "—", "", "退步", "2024年受理的案件无调解成功并办结者")
    # context indicator (·): shown, not scored, no progress
    assert rows["每千户矛盾纠纷数（件/千户）\u00a0·"][2:] == ("—", "", "—", "")
    en = tables.indicator_table(res, dimension="lin_he", lang="en")
    assert en.iloc[2, -1] == "no resolved and closed cases received in 2024"
    assert not any(CJK.search(c) for c in cells(en))


def test_indicator_table_drops_empty_target_and_note_columns(res: UnitSlice) -> None:
    t = tables.indicator_table(res, dimension="wushe")  # no target, nothing missing with a reason
    assert t.columns.tolist() == ["指标", "甲社区", "示范街道", "得分", "进展（2022→2024）"]
    # v2: the count is context (no score, no progress); the share is what is scored
    assert t.iloc[2].tolist() == ["注册志愿者数（人）\xa0·", "1425", "6339", "—", "—"]
    assert t.iloc[6].tolist() == ["注册志愿者占常住人口比例", "25.0%", "25.5%", "100.0", "显著进展"]
    assert not any("_" in c for c in t.iloc[:, 0])  # names, never ids


def test_wushe_table_baseline_to_now(res: UnitSlice) -> None:
    t = tables.wushe_table(res)
    # volunteers 1010 → 1425 over 2 years: √(1425 ÷ 1010) − 1 = √1.41089 − 1 = 0.1878 → +18.8 %;
    # a count is context in v2, so it has a growth rate but no progress status
    assert t.iloc[1].tolist() == ["注册志愿者数（人）", "1010", "1425", "+18.8%", "不计分", "6339"]
    # the share is scored: 16 → 25 %, √(25 ÷ 16) − 1 = 0.25 → +25.0 %, status from the progress frame
    share = t[t.iloc[:, 0] == "注册志愿者占常住人口比例"].iloc[0].tolist()
    assert share == ["注册志愿者占常住人口比例", "16.0%", "25.0%", "+25.0%", "显著进展", "25.5%"]
    assert t.iloc[0].tolist() == ["社区社会组织数（个）", "—", "9", "—", "不计分", "—"]  # no baseline: no growth


def with_2023(res: UnitSlice) -> UnitSlice:
    """The example with jia's 2023 values: 1300 volunteers, a share of 23.5 %."""
    extra = pd.DataFrame({"unit_id": "jia", "unit_type": "community", "year": 2023,
                          "indicator": ["volunteers", "volunteer_share_pct"], "value": [1300.0, 23.5]})
    return dataclasses.replace(res, indicators=pd.concat([res.indicators, extra], ignore_index=True))


def test_wushe_table_shows_last_year_and_the_change_since(res: UnitSlice) -> None:
    t = tables.wushe_table(with_2023(res))
    assert t.columns.tolist() == ["指标", "2022年（基线）", "上年（2023年）", "2024年", "较上年", "年均增长", "进展",
                                  "示范街道2024年"]
    # volunteers 1010 (2022) → 1300 (2023) → 1425 (2024): 1425 − 1300 = +125 since last year
    assert t.iloc[1].tolist() == ["注册志愿者数（人）", "1010", "1300", "1425", "+125", "+18.8%", "不计分", "6339"]
    # a share changes by percentage points: 25.0 − 23.5 = +1.5
    share = t[t.iloc[:, 0] == "注册志愿者占常住人口比例"].iloc[0].tolist()
    assert share[2:5] == ["23.5%", "25.0%", "+1.5个百分点"]
    en = tables.wushe_table(with_2023(res), lang="en")
    assert en.columns[2] == "Last year (2023)" and en.iloc[1, 4] == "+125"


def test_the_baseline_years_report_says_so_and_shows_no_progress(res: UnitSlice) -> None:
    base = dataclasses.replace(res, year=2022, progress=res.progress.iloc[0:0])
    w = tables.wushe_table(base)
    # the baseline year alone: the indicator, its value that year, the zone's (none in 2022 here)
    assert w.columns.tolist() == ["指标", "2022年（基线）", "示范街道2022年"]
    assert w.iloc[1].tolist() == ["注册志愿者数（人）", "1010", "—"]
    card = tables.scorecard(base)
    assert card.iloc[-1].tolist() == ["进展", "本年为基线年", "本年为基线年"]
    ind = tables.indicator_table(base, dimension="wushe")
    text = " ".join(cells(w) + cells(card) + cells(ind)) + tables.headline(base)
    assert "2022→2022" not in text and "进展（" not in text
    assert "2022年为基线年" in tables.headline(base)
    assert "2022 is the baseline year" in tables.headline(base, lang="en")


def test_summary_names_the_largest_changes_since_last_year(res: UnitSlice) -> None:
    from linli.reporting import summary

    # scores: volunteer share 60 (2023) → 100 (2024) = +40; mediation 90 → 95.652174 = +5.65;
    # life circle 70 → 65 = −5; overall satisfaction 80 → 80 = 0 (the smallest, left out of three)
    extra = pd.DataFrame({"unit_id": "jia", "unit_type": "community", "year": 2023,
                          "indicator": ["volunteer_share_pct", "mediation_success_pct", "life_circle_500m_pct",
                                        "overall_satisfied_pct"],
                          "dimension": ["wushe", "lin_he", "lin_zhu", "satisfaction"], "score": [60.0, 90.0, 70.0, 80.0]})
    now = pd.DataFrame({"unit_id": "jia", "unit_type": "community", "year": 2024,
                        "indicator": ["life_circle_500m_pct", "overall_satisfied_pct"],
                        "dimension": ["lin_zhu", "satisfaction"], "score": [65.0, 80.0]})
    values = pd.DataFrame({"unit_id": "jia", "unit_type": "community", "year": 2023,
                           "indicator": ["volunteer_share_pct"], "value": [23.5]})
    moved = dataclasses.replace(res, scores=pd.concat([res.scores, extra, now], ignore_index=True),
                                indicators=pd.concat([res.indicators, values], ignore_index=True))
    top = summary.largest_changes(moved)
    assert top["indicator"].tolist() == ["volunteer_share_pct", "mediation_success_pct", "life_circle_500m_pct"]
    assert top["since"].tolist() == [2023] * 3 and top["score_change"].round(2).tolist() == [40.0, 5.65, -5.0]
    html = summary.summary_html(moved)
    # 23.5 % (2023) → 25.0 % (2024), score +40.0
    assert "注册志愿者占常住人口比例：23.5% → 25.0%（得分+40.0）" in html and "变化最大的三项指标（2023→2024）" in html
    base = summary.summary_html(dataclasses.replace(res, year=2022, progress=res.progress.iloc[0:0]))
    assert "2022年为基线年" in base and "变化最大" in base and "2022→2022" not in base


def test_satisfaction_table_with_interval(res: UnitSlice) -> None:
    t = tables.satisfaction_table(res, lang="en")
    assert t.columns.tolist() == ["Item", "Jia", "95 % interval", "Model Street"]
    assert t.iloc[0].tolist() == ["Satisfied overall", "82.3%", "76.1%–87.0%", "80.0%"]


def test_profile_table_labels_ageing(res: UnitSlice) -> None:
    t = tables.profile_table(res)
    assert t.iloc[2].tolist() == ["65岁以上人口占比", "16.9%（深度老龄化社会）", "18.0%（深度老龄化社会）"]  # ≥ 14 %


def test_quality_table_counts_and_rules_never_values(res: UnitSlice) -> None:
    t = appendix.quality_table(res)
    assert t.iloc[1].tolist() == ["志愿者", "volunteers.csv", "1440", "1438", "2",
                                  "注册日期：日期无法识别 ×2；电话：格式不符 ×1"]
    assert t.iloc[2].tolist()[:2] == ["社工", "未提供（可选）"]
    # total: 4 + 1440 read, 4 + 1438 loaded, 0 + 2 quarantined
    assert t.iloc[-1].tolist() == ["合计", "", "1444", "1442", "2", ""]
    everything = " ".join(cells(t))
    assert "去年春天" not in everything and "[redacted]" not in everything
    en = appendix.quality_table(res, lang="en")
    assert en.iloc[1, -1] == "registered_on: not a date ×2; phone: wrong format ×1"


def test_quality_table_names_every_reason(res: UnitSlice) -> None:
    # five different (column, rule) reasons on volunteers: each is named, none folded into "其他"
    extra = pd.DataFrame([
        ["volunteers", "volunteers.csv", str(50 + i), column, rule, "", "", "", "quarantined"]
        for i, (column, rule) in enumerate([("team", "missing_value"), ("birth_year", "not_an_integer"),
                                            ("left_on", "future_date")])
    ], columns=[*res.quarantine.columns[:8], "outcome"])
    more = dataclasses.replace(res, quarantine=pd.concat([res.quarantine.assign(outcome="quarantined"), extra]))
    why = appendix.quality_table(more).iloc[1, -1]
    # 2 + 1 + 1 + 1 + 1 = 6 lines in 5 reasons, most frequent first; headers are the contract's (所属队伍, 退出日期)
    assert why == ("注册日期：日期无法识别 ×2；电话：格式不符 ×1；所属队伍：必填项为空 ×1；"
                   "出生年份：不是整数 ×1；退出日期：日期晚于截止日 ×1")
    assert "其他" not in why


def test_quality_table_without_quarantine_has_no_rule_column(res: UnitSlice) -> None:
    quiet = dataclasses.replace(res, quarantine=res.quarantine.iloc[0:0])
    assert "隔离原因（次数）" not in appendix.quality_table(quiet).columns


def test_claims_table(res: UnitSlice) -> None:
    t = appendix.claims_table(res)
    # a share's numbers carry their per cent sign, as the other tables write a share
    # compared within its own tolerance of 0.5 percentage points: (19.7 ± 0.5)%
    assert t.iloc[1].tolist() == ["注册志愿者人数占社区常住人口的19.7%", "2024", "(19.7 ± 0.5)%", "25.5%", "不一致"]
    claims = res.claims.copy()
    claims.loc[1, ["verdict", "observed", "reason"]] = ["cannot_check", "", "no population row for 2024"]
    t = appendix.claims_table(dataclasses.replace(res, claims=claims))
    assert t.iloc[1, 3:].tolist() == ["—", "无法核对（2024年无人口数据）"]


def _renmin_claims(res: UnitSlice) -> pd.DataFrame:
    """Claims like the Renmin Street article's, one of each comparison, about the zone ``model``."""
    rows = [
        # id, indicator, year, claimed, observed, comparison, tolerance, text_zh
        ("teams", "volunteer_teams", "2024", "40", "45", "at_least", "", "成立了平安创建、关爱帮扶等40余支志愿服务队"),
        ("disputes", "mediation_cases", "2022–2024", "1000", "1038", "at_least", "", "调解各类矛盾纠纷千余起"),
        ("ageing", "age_65_plus_pct", "2024", "18", "18.0", "approx", "1", "65周岁以上老年人数量约占总人口的18%"),
        ("residents", "residents", "2024", "27457", "27457", "eq", "", "辖区实有人口27457人"),
        ("share", "volunteer_share_pct", "2024", "19.7", "19.5", "approx", "", "注册志愿者人数占社区常住人口的19.7%"),
    ]
    frame = pd.DataFrame(rows, columns=["id", "indicator", "year", "claimed", "observed", "comparison", "tolerance",
                                        "text_zh"])
    return frame.assign(unit_id="model", verdict="agrees", scope="zone", reason="", source="衡阳日报",
                        source_en="Hengyang Daily")


def test_claims_table_shows_each_comparison_as_published(res: UnitSlice) -> None:
    renmin = dataclasses.replace(res, claims=_renmin_claims(res))
    # at_least (40余, 千余) is "≥ 40"; approx with its tolerance "(18 ± 1)%" (a share: the band in
    # percentage points, the per cent sign after it); approx without one "≈ 19.7%"; eq the figure alone
    assert appendix.claims_table(renmin).iloc[:, 2].tolist() == ["≥ 40", "≥ 1000", "(18 ± 1)%", "27457", "≈ 19.7%"]
    t = appendix.claims_table(renmin, lang="en")
    assert t.iloc[0].tolist() == ["Volunteer teams, Model Street", "2024", "≥ 40", "45", "Agrees"]
    assert t.iloc[1].tolist() == ["Mediation cases, Model Street", "2022–2024", "≥ 1,000", "1,038", "Agrees"]
    assert t.iloc[2:, 2].tolist() == ["(18 ± 1)%", "27,457", "≈ 19.7%"]
    # a growth claim shows the comparison at each end
    growth = renmin.claims.iloc[[0]].assign(claimed="17 → 40", observed="17 → 45", year="2022 → 2024")
    assert appendix.claims_table(dataclasses.replace(res, claims=growth)).iloc[0, 2] == "≥ 17 → ≥ 40"
    # the published figures stay right-aligned with the data beside them
    assert '<td class="num">≥ 1,000</td>' in appendix.claims_html(renmin, lang="en")


def test_claims_note_names_the_source_and_every_comparison_used(res: UnitSlice) -> None:
    claims = _renmin_claims(res)
    assert appendix.claims_note(claims) == (
        "将《衡阳日报》报道中的数字与本数据核对。判定为“一致”的条件："
        "只写数字的，本数据按公布值的精度四舍五入后与之相等（计数须完全相同）；"
        "标“≥”的（报道写作“余”，如“40余支”“千余起”），本数据不少于该数；"
        "标“±”的，本数据与公布值之差不超过“±”后的允许误差（比例以百分点计）；"
        "标“≈”的，本数据与公布值相差不超过公布值的5%。"
    )
    assert appendix.claims_note(claims, lang="en") == (
        "Figures published in Hengyang Daily, checked against these data. When a figure “agrees”: "
        "a plain figure equals the data rounded to its published precision (a count, exactly); "
        "the data are at least a figure marked “≥” (published as “more than”, such as “more than 40 teams”); "
        "the data lie within the tolerance after “±” (for a share, in percentage points); "
        "the data lie within 5 % of a figure marked “≈”."
    )
    # only the comparisons the table uses are explained; the note is the one under the table
    teams = claims.iloc[[0]]
    assert appendix.claims_note(teams, lang="en") == (
        "Figures published in Hengyang Daily, checked against these data. When a figure “agrees”: "
        "the data are at least a figure marked “≥” (published as “more than”, such as “more than 40 teams”)."
    )
    html = appendix.claims_html(dataclasses.replace(res, claims=teams), lang="en")
    assert html.endswith('<p class="linli-note">' + appendix.claims_note(teams, lang="en") + "</p>")
    # without an English name the source is written with its pinyin; without a source, "the press"
    unnamed = teams.assign(source_en="")
    assert appendix.claims_note(unnamed, lang="en").startswith("Figures published in 衡阳日报 (Hengyangribao), ")
    assert appendix.claims_note(teams.assign(source=""), lang="en").startswith("Figures published in the press, ")
    assert appendix.claims_note(teams.assign(source=""), lang="zh").startswith("将报道中的数字与本数据核对。")
    # a hand-off written before the tolerance and source columns: no source, "±" read as "≈"
    old = claims.drop(columns=["tolerance", "source", "source_en"])
    assert appendix.claims_note(old, lang="en").startswith("Figures published in the press, ")
    assert appendix.claims_table(dataclasses.replace(res, claims=old)).iloc[2, 2] == "≈ 18%"


def test_provenance_and_parameters(res: UnitSlice) -> None:
    t = appendix.provenance_table(res)
    assert t.iloc[0].tolist() == ["社区", "communities.csv", "5e09d7f38cb3", "4"]
    params = dict(appendix.parameters_table(res).itertuples(index=False))
    assert params["评估年度"] == "2024" and params["合成数据"] == "是"
    assert params["蒙特卡洛模拟"].startswith("1000次，随机种子20240101")
    assert params["进展阈值（有目标）"] == "0.95 / 0.6 / 0"
    assert params["计算所用软件版本"] == "—"  # this hand-made slice records no versions


def test_parameters_list_the_software_versions(res: UnitSlice) -> None:
    from importlib.metadata import version

    recorded = dataclasses.replace(res, meta={**res.meta, "versions": {"python": "3.11.9", "numpy": "2.0.1"}})
    params = dict(appendix.parameters_table(recorded, lang="en").itertuples(index=False))
    # the numbers' software is what the build recorded, the rendering's is this process's
    assert params["Software that computed the numbers"] == "python 3.11.9, numpy 2.0.1"
    assert f"matplotlib {version('matplotlib')}" in params["Software that drew and printed the report"]
    assert f"nbconvert {version('nbconvert')}" in params["Software that drew and printed the report"]


def test_method_text_is_plain_text_with_the_settings() -> None:
    for lang in ("zh", "en"):
        text = appendix.method_text(lang=lang)
        assert "20240101" in text and "25" in text and "Wilson" in text and "Kish" in text
        assert "$" not in text and "\\" not in text  # nothing for MathJax to typeset
    assert "1000次" in appendix.method_text() and "1,000 seeded Monte Carlo draws" in appendix.method_text(lang="en")


def test_targets_table_cites_sources() -> None:
    t = appendix.targets_table()
    assert t.iloc[1, :3].tolist() == ["每百户社区综合服务设施面积", "> 30.0 平方米/百户", "目标"]
    assert "国家发展改革委等21部门" in t.iloc[1, 3]


# ------------------------------------------------------------- zone tables


def test_ranking_table_sorted_and_highlighted(zone: UnitSlice) -> None:
    t = comparison.ranking_table(zone, highlight="jia")
    # rank 1, then 2; the zone last, beside them and not ranked
    assert t["社区"].tolist() == ["乙社区", "甲社区", "示范街道（实验区）"]
    assert t["排名"].tolist() == ["1", "2", "—"]
    assert t["排名区间（5%–95%）"].tolist() == ["第1–2名（中位数第1名）", "第1–2名（中位数第2名）", "不参与排名"]
    assert t["_highlight"].tolist() == [False, True, False]
    html = render.to_html(t)
    # the name's cell may carry a layout class (a column of short words stays on one line); the rank is a number
    assert re.search(r'<tr class="hl"><td class="num">2</td><td(?: class="\w+")?>甲社区</td>', html)
    assert "_highlight" not in html and '<th class="num">排名</th>' in html


def test_comparison_and_sensitivity_tables(zone: UnitSlice) -> None:
    t = comparison.comparison_table(zone, dimension="lin_he")
    assert t.columns.tolist() == ["指标", "甲社区", "乙社区", "示范街道", "目标/基准"]
    assert t.iloc[1].tolist() == ["调解成功率", "95.7%", "92.0%", "94.0%", "≥ 96.0%（基准）"]
    s = comparison.sensitivity_table(zone, lang="en")
    # without lin_he jia rises from 2 to 1 (shift −1), yi falls from 1 to 2 (+1)
    assert s.iloc[3].tolist() == ["Lin He · mediation", "1 (−1)", "2 (+1)"]
    d = comparison.dimension_scores_table(zone)
    assert d.iloc[-1].tolist() == ["邻里指数", "57.4", "61.0", "66.0"]


def test_headline_names_a_rank_interval_of_one_rank(res: UnitSlice) -> None:
    # example_unit's jia: rank 2 of 2, rank interval 1–2; set both ends to 2: the 5th and 95th
    # percentile ranks agree, and the English sentence must not read "(rank interval 2)"
    one = res.uncertainty.copy()
    one.loc[one["unit_id"] == res.unit_id, ["rank_low", "rank_high"]] = 2
    res = dataclasses.replace(res, uncertainty=one)
    assert "（排名区间：第2名）" in tables.headline(res)
    assert "(rank interval 2–2)" in tables.headline(res, lang="en")


def test_headline_of_a_zone_orders_its_communities(zone: UnitSlice) -> None:
    text = tables.headline(zone)
    assert text.startswith("示范街道2024年邻里指数为66.0（权重变化时的5%–95%区间为64.9–66.6）；"
                           "实验区与各社区并列展示，不参与排名。")
    assert "各社区邻里指数由高到低依次为：乙社区61.0、甲社区57.4。" in text
    # 66.0 is above both 61.0 and 57.4: a reviewer asked how (3 December 2026); the pooling says why
    assert "不是各社区数值的平均，因此其指数可以高于每一个社区。" in text
    between = zone.index.copy()
    between.loc[between["unit_id"] == zone.unit_id, "index"] = 60.0  # between 57.4 and 61.0: nothing to explain
    assert "汇总计算" not in tables.headline(dataclasses.replace(zone, index=between))


def test_english_tables_hold_no_chinese(res: UnitSlice, zone: UnitSlice) -> None:
    frames = [
        tables.scorecard(res, lang="en"), tables.profile_table(res, lang="en"),
        tables.wushe_table(res, lang="en"), tables.satisfaction_table(res, lang="en"),
        appendix.quality_table(res, lang="en"), appendix.provenance_table(res, lang="en"),
        comparison.ranking_table(zone, lang="en"), comparison.sensitivity_table(zone, lang="en"),
        comparison.comparison_table(zone, dimension="lin_le", lang="en"),
        appendix.claims_table(res, lang="en"), comparison.drivers_table(zone, lang="en"),
    ] + [tables.indicator_table(res, dimension=d, lang="en") for d in SCORED_DIMENSIONS]
    for frame in frames:
        assert not [c for c in cells(frame) if CJK.search(c)]
    texts = [tables.headline(res, lang="en"), appendix.method_text(lang="en"), sections.cover_html(res, lang="en"),
             tables.headline(zone, lang="en"), comparison.drivers_text(zone, lang="en"), comparison.ranking_note(lang="en"),
             comparison.drivers_note(lang="en"), appendix.claims_html(res, lang="en")]
    assert not [t for t in texts if CJK.search(t.replace("示例数据", ""))]  # the dataset's own name aside


def test_rank_sentence_keeps_what_rounding_would_hide() -> None:
    assert fmt.rank_sentence(4, 83.0, draws=1000) == "第4名，1000次模拟中有83%仍为第4名"
    assert fmt.rank_sentence(1, 100.0, draws=1000, n=4) == "第1名（共4个社区），1000次模拟中有100%仍为第1名"
    # 99.96 % would round to 100 and 0.04 % to 0: one decimal shows that not every draw agrees
    assert fmt.rank_sentence(3, 99.96, draws=5000, lang="en") == "rank 3; 100.0 % of 5,000 simulations keep it 3rd"
    assert fmt.rank_sentence(11, 0.04, draws=5000, lang="en") == "rank 11; 0.0 % of 5,000 simulations keep it 11th"
    assert fmt.rank_sentence(22, 7.2, draws=1000, lang="en") == "rank 22; 7 % of 1,000 simulations keep it 22nd"


def test_drivers_when_a_rank_never_moves(zone: UnitSlice) -> None:
    sens = zone.rank_sensitivity.copy()
    yi = sens["unit_id"] == "yi"
    cols = [c for c in sens.columns if c.startswith(("first_order", "total_effect"))]
    sens.loc[yi, cols] = np.nan  # V = 0: nothing to attribute
    sens.loc[yi, "rank_variance"] = 0.0
    unc = zone.uncertainty.copy()
    unc.loc[unc["unit_id"] == "yi", ["rank_low", "rank_high"]] = 1
    still = dataclasses.replace(zone, rank_sensitivity=sens, uncertainty=unc)
    t = comparison.drivers_table(still)
    assert t.iloc[-1].tolist() == ["乙社区", "在所有模拟中均为同一名次", "—", "—"]
    text = comparison.drivers_text(still, lang="en")
    assert text.splitlines()[1] == "- **Yi**: rank 1 in every run; these choices do not move it."
    # the main driver is the choice with the largest total effect (0.9, normalisation)
    assert text.splitlines()[0] == "- **Jia**: rank moves between 1 and 2, driven mainly by the normalisation (total effect 0.90)."


def test_claims_section_says_why_the_file_could_not_be_read(res: UnitSlice) -> None:
    reason = "published_claims.yaml: not valid YAML (line 3): expected the node content"
    bad = dataclasses.replace(res, meta={**res.meta, "claims_error": reason}, claims=res.claims.iloc[0:0])
    html = appendix.claims_html(bad)
    assert "无法读取" in html and reason in html and "<table" not in html
    assert "<table" in appendix.claims_html(res)  # read and checked: the table
    empty = dataclasses.replace(res, claims=res.claims.iloc[0:0])
    assert "没有可核对的公开数据。" in appendix.claims_html(empty)


def test_cover_banner_only_for_synthetic_data(res: UnitSlice) -> None:
    assert 'class="linli-banner"' in sections.cover_html(res)
    real = dataclasses.replace(res, meta={**res.meta, "synthetic": False})
    html = sections.cover_html(real, lang="en")
    assert "linli-banner" not in html and "Jia: 2024 assessment report" in html and "Lin He" in html


# ---------------------------------------------------------------- HTML, map


def test_to_html_escapes_and_aligns_numbers() -> None:
    frame = pd.DataFrame({"名称": ["<b>甲</b>", "乙"], "值": ["1.5%", "—"], "文字": ["第1名", "2"]})
    html = render.to_html(frame, note="**注**")
    assert "&lt;b&gt;甲&lt;/b&gt;" in html
    assert '<th class="num">值</th>' in html and '<td class="num">—</td>' in html  # an all-number column
    assert "<th>文字</th>" in html and '<td class="short">2</td>' in html  # a column with words stays left
    assert "<td>&lt;b&gt;甲&lt;/b&gt;</td>" in html  # the first column: the row's name, wrapped when long
    assert html.endswith('<p class="linli-note"><strong>注</strong></p>')
    assert render.to_html(frame.iloc[0:0], note="x", empty="没有数据。") == '<p class="linli-note">没有数据。</p>'
    assert render.to_html("a\n\n- b\n- c") == '<p>a</p><ul class="linli-list"><li>b</li><li>c</li></ul>'


def test_uncovered_compounds_by_distance_and_opening_year() -> None:
    crs = 32649  # UTM 49N, metres
    compounds = gpd.GeoDataFrame(
        {"compound_id": ["near", "far", "other"], "community_id": ["jia", "jia", "yi"],
         "name_zh": ["近院", "远院", "乙院"], "households": [100, 250, 80]},
        geometry=[Point(500_000, 3_000_400), Point(500_000, 3_000_600), Point(500_000, 3_000_700)], crs=crs,
    )
    facilities = gpd.GeoDataFrame(
        {"facility_id": ["f"], "community_id": ["yi"], "category": ["service_center"],
         "opened_on": pd.to_datetime(["2023-06-01"])},
        geometry=[Point(500_000, 3_000_000)], crs=crs,
    )
    # "near" is 400 m from the centre (covered from 2023), "far" 600 m and "other" 700 m (never)
    out = access.uncovered_compounds(compounds, facilities, year=2024, community_id="jia")
    assert out["compound_id"].tolist() == ["far"]
    before = access.uncovered_compounds(compounds, facilities, year=2022)
    assert before["compound_id"].tolist() == ["far", "near", "other"]  # by households, largest first


def test_coverage_text(res: UnitSlice) -> None:
    none = pd.DataFrame(columns=["compound_id", "community_id", "name_zh", "households"])
    assert sections.coverage_text(res, none) == "2024年末，甲社区所有小区都在500米生活圈内。十分钟生活圈覆盖户数比例为92.0%。"
    two = pd.DataFrame({"compound_id": ["a", "b"], "community_id": "jia", "name_zh": ["东院", "西院"],
                        "households": [120, 64]})
    assert sections.coverage_text(res, two, lang="en") == (
        "At the end of 2024, 2 compounds of Jia (184 households) lie outside the 500 m life circle "
        # an English report follows a Chinese name with its pinyin: 东院 dōng yuàn, 西院 xī yuàn
        "(marked × on the map): 东院 (Dongyuan), 西院 (Xiyuan). Households within a 500 m life circle: 92.0%."
    )
    # a zone of many compounds outside the circle: the ten largest are named, the rest counted
    twelve = pd.DataFrame({"compound_id": [f"k{i:02d}" for i in range(12)], "community_id": "jia",
                           "name_zh": [f"{i + 1}号院" for i in range(12)], "households": range(120, 0, -10)})
    text = sections.coverage_text(res, twelve, mapped=False)
    # 120 + 110 + … + 10: 12 terms, (120 + 10) × 12 ÷ 2 = 780 households
    assert text.startswith("2024年末，甲社区有12个小区（共780户）不在500米生活圈内：1号院、2号院、")
    assert "9号院、10号院，另有2个。十分钟" in text and "11号院" not in text
    english = sections.coverage_text(res, twelve, lang="en", mapped=False)
    assert english.endswith("10号院 (10 Haoyuan) and 2 others. Households within a 500 m life circle: 92.0%.")


def test_trend_ledgers_and_options(res: UnitSlice, tmp_path: Path) -> None:
    (tmp_path / "tables").mkdir()
    for name in ("mediation_cases", "volunteer_activities"):
        (tmp_path / "tables" / f"{name}.parquet").write_bytes(b"")
    res = dataclasses.replace(res, handoff_dir=tmp_path)
    assert sections.trend_ledgers(res) == ["mediation_cases", "volunteer_activities"]  # 邻和 first
    (tmp_path / "tables" / "mediation_cases.parquet").unlink()  # an optional table the data lacks
    assert sections.trend_ledgers(res) == ["volunteer_activities"]
    assert sections.map_layers(res) == {"boundaries": None, "compounds": None, "facilities": None}
    assert access.uncovered_compounds(None, None, year=2024) is None
    # coverage unknown: the text names the community (its compounds may all have been left out)
    assert sections.coverage_text(res, None) == "缺少甲社区的小区或设施位置数据（或均未载入），无法判断生活圈覆盖情况。"
    options = sections.trend_options(res, "services", lang="en")
    assert options["date_column"] == "date" and options["start"] == "2022-01" and options["end"] == "2024-12"
    assert options["title"] == "Jia: services delivered each month"  # not "services, services per month"


def test_brand_and_other_dimensions(res: UnitSlice) -> None:
    assert sections.brand_dimension(res) == "lin_he" and sections.key_indicator(res) == "mediation_success_pct"
    assert sections.other_dimensions(res) == ["lin_zhi", "lin_zhu", "lin_le"]
    unknown = res.indicators.copy()
    unknown.loc[unknown["indicator"] == "mediation_success_pct", "value"] = np.nan
    assert sections.key_indicator(dataclasses.replace(res, indicators=unknown)) is None  # no empty figure
    plain = dataclasses.replace(res, unit={**res.unit, "brand": None})
    assert sections.brand_html(plain) == "" and sections.key_indicator(plain) is None
    assert sections.other_dimensions(plain) == ["lin_zhi", "lin_he", "lin_zhu", "lin_le"]
    # the catalogue's target: more than 30 m² per 100 households, written with one decimal as the tables do
    assert sections.reference_line("service_area_per_100hh") == {"target": 30.0, "target_label": "目标",
                                                                 "target_text": "> 30.0 平方米/百户", "unit": "平方米/百户"}


def test_record(res: UnitSlice) -> None:
    assert sections.record(res) == {"unit_id": "jia", "unit_type": "community", "year": 2024,
                                   "index": 57.352852, "rank": 2, "n_indicators": 10}


def test_a_report_without_a_usable_boundary_says_why() -> None:
    import geopandas as gpd
    from shapely.geometry import box

    res = testing.example_unit()
    other = gpd.GeoDataFrame({"community_id": ["yi"]}, geometry=[box(0, 0, 1, 1)], crs=4326)
    mine = gpd.GeoDataFrame({"community_id": ["jia"]}, geometry=[box(0, 0, 1, 1)], crs=4326)
    # jia's boundary is absent from the file (or was quarantined): a note, no map
    assert "甲社区没有可用的边界" in sections.map_missing(res, {"boundaries": other})
    assert "甲社区没有可用的边界" in sections.map_missing(res, {"boundaries": None})
    assert sections.map_missing(res, {"boundaries": mine}) is None


def test_compounds_without_a_location_are_left_out_and_said() -> None:
    import geopandas as gpd
    from shapely.geometry import Point

    compounds = gpd.GeoDataFrame(
        {"compound_id": ["c1", "c2"], "community_id": ["jia", "jia"], "name_zh": ["东院", "西院"],
         "households": [100, 300]},
        geometry=[Point(112.600, 26.890), None], crs=4326)
    facilities = gpd.GeoDataFrame(
        {"facility_id": ["f1"], "community_id": ["jia"], "category": ["service_center"],
         "opened_on": pd.to_datetime(["2020-01-01"])},
        geometry=[Point(112.601, 26.890)], crs=4326)
    # c1 is ≈ 100 m from f1: covered; c2 has no location: neither covered nor uncovered
    un = access.uncovered_compounds(compounds, facilities, year=2024, community_id="jia")
    assert un is not None and un.empty
    assert sections.map_left_out({"compounds": compounds, "facilities": facilities}, lang="en") == (
        '<p class="linli-note">Left off the map and out of the life circle for want of a usable location '
        '(see data quality): 1 compound or facility.</p>')
    # a community with no located compound: coverage unknown, not 100 %
    assert access.uncovered_compounds(compounds[1:], facilities, year=2024, community_id="jia") is None
    # qualifying facilities, none with a location: unknown too
    assert access.uncovered_compounds(compounds, facilities.set_geometry([None], crs=4326), year=2024) is None


def test_check_report_names_the_notebook_to_use() -> None:
    with pytest.raises(LinliError, match=r"'model' is a zone: report it with notebooks/reports/zone.ipynb"):
        sections.check_report(testing.example_zone(), notebook="community.ipynb", year=2024, lang="zh")
    with pytest.raises(LinliError, match=r"'jia' is a community: report it with notebooks/reports/community.ipynb"):
        sections.check_report(testing.example_unit(), notebook="zone.ipynb", year=2024, lang="zh")


def test_check_coverage_compares_the_map_with_the_indicator() -> None:
    import geopandas as gpd
    from shapely.geometry import Point

    res = testing.example_unit()  # life_circle_500m_pct of jia in 2024: 92.0
    compounds = gpd.GeoDataFrame({"community_id": ["jia", "jia"], "households": [920, 80]},
                                 geometry=[Point(0, 0), Point(1, 1)], crs=4326)
    # 80 of 1000 households uncovered: 100 − 8 = 92 %, as the indicator says
    sections.check_coverage(res, pd.DataFrame({"households": [80]}), compounds)
    # 100 uncovered would be 90 %: a disagreement, named
    with pytest.raises(LinliError, match="90.0 % covered, but life_circle_500m_pct is 92.0"):
        sections.check_coverage(res, pd.DataFrame({"households": [100]}), compounds)


def test_the_goalposts_table_lets_a_reader_recompute_every_score() -> None:
    # a reviewer found "thresholds: see the catalogue" in the method text and no catalogue in the
    # report (3 December 2026): the appendix lists every scored indicator's goalposts
    from linli.indicators import catalogue

    scored = [i for i in catalogue.load().scored if i.goalposts is not None]
    t = appendix.goalposts_table(lang="zh")
    assert t.columns.tolist() == ["维度", "指标", "单位", "方向", "下限", "上限"]
    assert t["指标"].tolist() == [labels.indicator_name(i.id) for i in scored] and len(set(t["指标"])) == len(t)
    assert set(t["方向"]) == {"越高越好", "越低越好"}
    # median days to close a request: 0 days scores 100 and 30 days 0 (lower is better), as the catalogue sets
    days = t[t["指标"] == "诉求办结天数中位数"].iloc[0]
    assert (days["单位"], days["方向"], days["下限"], days["上限"]) == ("天", "越低越好", "0", "30")
