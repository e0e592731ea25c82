"""Tests of linli.explore and of the helpers the explore notebooks added to linli.access
and linli.figures.exploration.

Most fixtures are the worked dataset of :func:`linli.testing.example_tables`
(its module docstring works out every figure); the rest are built here by hand with
``clean_table``. Every expected number is worked out in a comment beside it.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import re

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from linli import access, explore
from linli.contract import DISPUTE_TYPES, OUTCOMES
from linli.errors import ContractError
from linli.figures import exploration
from linli.indicators import compute, lin_he, lin_le, wushe
from linli.testing import clean_table, example_tables, offset_point


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return example_tables()


# ------------------------------------------------------------------ roster flows


def volunteers_by_hand() -> pd.DataFrame:
    return clean_table("volunteers", [
        # active at the end of 2022 and of 2023
        {"volunteer_id": "v1", "community_id": "a", "team": "x", "registered_on": "2022-03-01"},
        # joins and leaves in 2023: in both flows, never active at a year end
        {"volunteer_id": "v2", "community_id": "a", "registered_on": "2023-05-01", "left_on": "2023-11-30"},
        # active at the end of 2022; leaves on 2023-12-31, so not active at the end of 2023
        {"volunteer_id": "v3", "community_id": "a", "registered_on": "2021-01-01", "left_on": "2023-12-31"},
        # joins on the last day of 2023: active at its end
        {"volunteer_id": "v4", "community_id": "b", "registered_on": "2023-12-31"},
        # end before start: never a member, in no flow
        {"volunteer_id": "v5", "community_id": "a", "registered_on": "2024-01-01", "left_on": "2022-01-01"},
        # no start date: left out
        {"volunteer_id": "v6", "community_id": "a"},
    ])


def test_roster_flows_by_hand() -> None:
    flows = explore.roster_flows(volunteers_by_hand(), start="registered_on", end="left_on", years=[2023])
    # a: active at end 2022 = v1, v3 (2); joined 2023 = v2 (1); left 2023 = v2, v3 (2);
    #    active at end 2023 = v1 (1) = 2 + 1 − 2
    assert flows.loc[("a", 2023)].tolist() == [2, 1, 2, 1]
    # b: v4 joins on 2023-12-31 and is active at the end of 2023
    assert flows.loc[("b", 2023)].tolist() == [0, 1, 0, 1]
    assert list(flows.columns) == list(explore.FLOW_COLUMNS)
    assert flows.index.names == ["community_id", "year"]
    assert all(str(t) == "int64" for t in flows.dtypes)


def test_roster_flows_balance_and_match_the_indicator(tables) -> None:
    years = [2021, 2022, 2023, 2024]
    flows = explore.roster_flows(tables["volunteers"], start="registered_on", end="left_on", years=years)
    balance = flows["active_start"] + flows["joined"] - flows["left"]
    assert (balance == flows["active_end"]).all()
    # end of year Y − 1 is the start of Y
    a = flows.xs("a", level="community_id")
    assert a["active_start"].iloc[1:].tolist() == a["active_end"].iloc[:-1].tolist()
    # active at the end of 2024: a 3 (v1, v2, v3), b 2 (v5, v6) — the `volunteers` indicator
    ind = wushe.volunteers(tables, years=[2024])["volunteers"]
    assert flows.xs(2024, level="year")["active_end"].tolist() == [3, 2]
    assert ind.loc[("community", "a", 2024)] == 3.0 and ind.loc[("community", "b", 2024)] == 2.0


def test_roster_flows_by_team_and_errors(tables) -> None:
    flows = explore.roster_flows(tables["volunteers"], start="registered_on", end="left_on",
                                 years=[2024], by="team")
    # patrol: v1 (2022), v2 (2023) active at end 2023, v5 joins 2024 -> 2 + 1 = 3
    assert flows.loc[("patrol", 2024)].tolist() == [2, 1, 0, 3]
    # arts: v4 left on 2024-12-31
    assert flows.loc[("arts", 2024)].tolist() == [1, 0, 1, 0]
    with pytest.raises(ContractError, match="at least one year"):
        explore.roster_flows(tables["volunteers"], start="registered_on", end="left_on", years=[])
    with pytest.raises(ContractError, match="lacks the column"):
        explore.roster_flows(tables["volunteers"], start="joined_on", end="left_on", years=[2024])


def test_team_sizes(tables) -> None:
    teams = explore.team_sizes(tables["volunteers"], year=2024)
    # a: patrol v1, v2 (v3 has no team, v4 of arts left on 2024-12-31); b: care v6, patrol v5
    assert teams.to_numpy().tolist() == [["a", "patrol", 2], ["b", "care", 1], ["b", "patrol", 1]]
    # the number of teams per community is the `volunteer_teams` indicator: a 1, b 2
    ind = wushe.volunteer_teams(tables, years=[2024])["volunteer_teams"]
    assert teams.groupby("community_id").size().tolist() == ind.iloc[:2].tolist()


def test_team_sizes_strips_names() -> None:
    vols = clean_table("volunteers", [
        {"volunteer_id": "v1", "community_id": "a", "team": " 巡逻队", "registered_on": "2020-01-01"},
        {"volunteer_id": "v2", "community_id": "a", "team": "巡逻队 ", "registered_on": "2020-01-01"},
        {"volunteer_id": "v3", "community_id": "a", "team": "  ", "registered_on": "2020-01-01"},
    ])
    # " 巡逻队" and "巡逻队 " are one team of 2; a blank name is no team
    assert explore.team_sizes(vols, year=2024).to_numpy().tolist() == [["a", "巡逻队", 2]]


# ----------------------------------------------------------------------- ledgers


def test_monthly_counts(tables) -> None:
    cases = tables["mediation_cases"]
    monthly = explore.monthly_counts(cases, date_column="received_on")
    # received: a 2023-12 (m4), 2024-01, 2024-03, 2024-12; b 2024-05, 06, 07
    # -> 2023-12 … 2024-12 = 13 months
    assert len(monthly) == 13
    assert str(monthly.index[0]) == "2023-12" and str(monthly.index[-1]) == "2024-12"
    assert monthly["a"].sum() == 4 and monthly["b"].sum() == 3
    assert monthly.loc[pd.Period("2024-02", "M")].tolist() == [0, 0]
    total = explore.monthly_counts(cases, date_column="received_on", by=None, start="2024-01", end="2024-06")
    # Jan a, Mar a, May b, Jun b -> [1, 0, 1, 0, 1, 1]
    assert list(total.columns) == ["total"] and total["total"].tolist() == [1, 0, 1, 0, 1, 1]


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"start": "2024-13"}, "start='2024-13': not a month; write it as 2024-03"),
    ({"end": "去年"}, "end='去年': not a month; write it as 2024-03"),
    ({"start": "2024-12", "end": "2024-01"}, "start 2024-12 is after end 2024-01"),
])
def test_monthly_counts_refuses_a_bad_month_naming_it(tables, kwargs, message) -> None:
    with pytest.raises(ContractError, match=re.escape(message)):
        explore.monthly_counts(tables["mediation_cases"], date_column="received_on", **kwargs)


def test_pending_cases_refuses_a_bad_as_of_naming_it(tables) -> None:
    with pytest.raises(ContractError, match=re.escape("as_of='yesterday': not a date; write it as 2024-12-31")):
        explore.pending_cases(tables["mediation_cases"], as_of="yesterday")


def test_case_outcomes_by_dispute_type(tables) -> None:
    t = explore.case_outcomes(tables["mediation_cases"], year=2024)
    # every dispute type in contract order, then the total row
    assert list(t.index) == [*DISPUTE_TYPES, "total"]
    assert list(t.columns[:5]) == list(OUTCOMES)
    # 2024: noise m1 resolved; parking m2 failed; neighbor m3 pending; property m5 resolved;
    # family m6 resolved; other m7 referred; sanitation none
    assert t.loc["noise", "resolved"] == 1 and t.loc["parking", "failed"] == 1
    assert t.loc["neighbor", ["pending", "decided"]].tolist() == [1, 0]
    assert t.loc["sanitation", "cases"] == 0 and np.isnan(t.loc["sanitation", "success_pct"])
    assert np.isnan(t.loc["neighbor", "success_pct"])  # nothing decided
    # total: 3 resolved of 5 decided = 60 %
    assert t.loc["total", ["resolved", "cases", "decided"]].tolist() == [3, 6, 5]
    assert t.loc["total", "success_pct"] == pytest.approx(60.0)


def test_case_outcomes_by_community_match_the_indicator(tables) -> None:
    t = explore.case_outcomes(tables["mediation_cases"], by="community_id", year=2024, total="z")
    ind = lin_he.mediation_success_pct(tables, years=[2024])["mediation_success_pct"]
    # a 1/2 = 50, b 2/3 = 66.67, z pooled 3/5 = 60 (not the mean 58.33)
    assert t["success_pct"].tolist() == pytest.approx([50.0, 200 / 3, 60.0])
    assert t["success_pct"].tolist() == pytest.approx(ind.tolist())
    # every case of every year when year is None: m4 (2023, a, resolved) joins a
    assert explore.case_outcomes(tables["mediation_cases"], by="community_id").loc["a", "resolved"] == 2
    assert "total" not in explore.case_outcomes(tables["mediation_cases"], total=None).index
    with pytest.raises(ContractError, match="also a group"):
        explore.case_outcomes(tables["mediation_cases"], by="community_id", total="a")


def test_mediator_kinds(tables) -> None:
    t = explore.mediator_kinds(tables["mediation_cases"], year=2024)
    # a: m1 police;grid_worker (2), m2 grid_worker (1), m3 police;volunteer (2)
    assert t.loc["a", list(explore.KIND_COLUMNS)].tolist() == [0, 1, 2, 0, 0]
    # b: m5 police;lawyer;grid_worker (3), m6 none (0), m7 police;police (1 distinct)
    assert t.loc["b", list(explore.KIND_COLUMNS)].tolist() == [1, 1, 0, 1, 0]
    # joint: a 2/3, b 1/3, total 3/6 — the `joint_mediation_pct` indicator
    ind = lin_he.joint_mediation_pct(tables, years=[2024])["joint_mediation_pct"]
    assert t["joint_pct"].tolist() == pytest.approx(ind.tolist())
    assert t["joint_pct"].tolist() == pytest.approx([200 / 3, 100 / 3, 50.0])


def test_mediator_kinds_four_or_more() -> None:
    cases = clean_table("mediation_cases", [
        {"case_id": "c1", "community_id": "a", "received_on": "2024-01-01", "dispute_type": "noise",
         "mediators": "police;grid_worker;volunteer;party_member;lawyer", "outcome": "pending"},
    ])
    # five distinct kinds fall into "4+"
    assert explore.mediator_kinds(cases).loc["a", "4+"] == 1


def test_mediator_involvement(tables) -> None:
    t = explore.mediator_involvement(tables["mediation_cases"], year=2024)
    # a: police m1, m3; grid_worker m1, m2; volunteer m3. b: police m5, m7 (m7 names it twice:
    # one case); lawyer m5; grid_worker m5
    assert t.loc["a", ["police", "grid_worker", "volunteer", "lawyer", "cases"]].tolist() == [2, 2, 1, 0, 3]
    assert t.loc["b", ["police", "grid_worker", "volunteer", "lawyer", "cases"]].tolist() == [2, 1, 0, 1, 3]
    assert t.loc["total", ["police", "cases"]].tolist() == [4, 6]
    pct = explore.mediator_involvement(tables["mediation_cases"], year=2024, percent=True)
    assert pct.loc["a", "police"] == pytest.approx(200 / 3)  # 2 of 3 cases
    assert pct.loc["total", "lawyer"] == pytest.approx(100 / 6)  # 1 of 6


def test_case_durations(tables) -> None:
    d = explore.case_durations(tables["mediation_cases"], year=2024)
    # resolved and closed in 2024: m1 Jan 10 -> 20 (10 days), m5 May 1 -> 5 (4), m6 Jun 1 -> 7 (6)
    assert d[["case_id", "days"]].to_numpy().tolist() == [["m1", 10], ["m5", 4], ["m6", 6]]
    # medians a 10, b 5, pooled 6 — the `mediation_median_days` indicator
    ind = lin_he.mediation_median_days(tables, years=[2024])["mediation_median_days"]
    assert [10.0, 5.0, 6.0] == ind.tolist()
    assert d.groupby("community_id")["days"].median().tolist() == [10.0, 5.0]
    assert d["days"].median() == 6.0
    # all closed cases of 2024: also m2 (Mar 1 -> 31, 30 days) and m7 (Jul 1 -> 2, 1 day)
    every = explore.case_durations(tables["mediation_cases"], year=2024, outcomes=None)
    assert sorted(every["days"].tolist()) == [1, 4, 6, 10, 30]


def test_repeat_compounds(tables) -> None:
    cases = tables["mediation_cases"]
    t = explore.repeat_compounds(cases, year=2024, compounds=tables["compounds"])
    # ca1 m1, m2, m3 and cb1 m5, m6, m7: three each; one case of each type, so the tie
    # goes to the first type in contract order: ca1 parking (before noise, neighbor),
    # cb1 property (before family, other)
    assert t.to_numpy().tolist() == [["a", "ca1", "甲一", 300, 3, "parking"],
                                     ["b", "cb1", "乙一", 600, 3, "property"]]
    # per community: the `repeat_dispute_compounds` indicator [1, 1, 2]
    ind = lin_he.repeat_dispute_compounds(tables, years=[2024])["repeat_dispute_compounds"]
    assert ind.tolist() == [1.0, 1.0, 2.0]
    assert explore.repeat_compounds(cases, year=2024, min_cases=4).empty
    # 2023: ca1 has m4 only (noise)
    assert explore.repeat_compounds(cases, year=2023, min_cases=1).to_numpy().tolist() == [
        ["a", "ca1", 1, "noise"]]
    with pytest.raises(ContractError, match="min_cases"):
        explore.repeat_compounds(cases, year=2024, min_cases=0)


def test_repeat_compounds_majority_and_missing_compound() -> None:
    rows = [("c1", "x1", "noise"), ("c2", "x1", "noise"), ("c3", "x1", "parking"),
            ("c4", None, "noise"), ("c5", None, "noise"), ("c6", None, "noise")]
    cases = clean_table("mediation_cases", [
        {"case_id": cid, "community_id": "a", "compound_id": comp, "received_on": "2024-02-01",
         "dispute_type": kind, "outcome": "pending"} for cid, comp, kind in rows
    ])
    # x1: noise 2 > parking 1; the three cases without a compound are no compound
    assert explore.repeat_compounds(cases, year=2024).to_numpy().tolist() == [["a", "x1", 3, "noise"]]


def test_pending_cases(tables) -> None:
    p = explore.pending_cases(tables["mediation_cases"], as_of="2024-12-31")
    # m3 received 2024-12-20, pending: 11 days open
    assert p[["case_id", "days_open"]].to_numpy().tolist() == [["m3", 11]]
    cases = clean_table("mediation_cases", [
        {"case_id": "c1", "community_id": "a", "received_on": "2024-12-01", "outcome": "resolved"},
        {"case_id": "c2", "community_id": "a", "received_on": "2024-10-01", "closed_on": "2024-10-02",
         "outcome": "resolved"},
        {"case_id": "c3", "community_id": "a", "received_on": "2024-06-01", "outcome": "pending"},
    ])
    # c1 has no closed_on (open, 30 days); c3 pending since Jun 1 (213 days: 30+31+31+30+31+30+30)
    p = explore.pending_cases(cases, as_of="2024-12-31")
    assert p[["case_id", "days_open"]].to_numpy().tolist() == [["c3", 213], ["c1", 30]]


# --------------------------------------------------------- indicators and pooling


def test_indicator_values(tables) -> None:
    long = compute(tables, years=[2024])
    wide = explore.indicator_values(long, indicators=["social_orgs", "mediation_success_pct"])
    assert list(wide.columns) == ["social_orgs", "mediation_success_pct"]
    assert list(wide.index) == [("a", 2024), ("b", 2024), ("z", 2024)]
    # organisations a 1, b 1, z 2; success 50, 66.67, 60
    assert wide["social_orgs"].tolist() == [1.0, 1.0, 2.0]
    assert wide["mediation_success_pct"].tolist() == pytest.approx([50.0, 200 / 3, 60.0])
    zone = explore.indicator_values(long, indicators=["social_orgs"], unit_type="zone")
    assert list(zone.index) == [("z", 2024)]
    with pytest.raises(ContractError, match="Unknown indicator"):
        explore.indicator_values(long, indicators=["no_such"])
    with pytest.raises(ContractError, match=re.escape("Unknown unit_type 'city'; valid: community, zone")):
        explore.indicator_values(long, indicators=["social_orgs"], unit_type="city")


def _dataset_2025(tables, *, as_of: str, covers: dict[str, list[int]]):
    """The worked tables with population rows for 2025 too (a copy of 2024's), as a loaded dataset."""
    import datetime as dt
    from pathlib import Path

    from linli.dataset import Dataset

    t = dict(tables)
    t["population"] = pd.concat([t["population"], t["population"].assign(year=2025)], ignore_index=True)
    return Dataset(data_dir=Path("worked"), as_of=dt.date.fromisoformat(as_of), tables=t,
                   quarantine=pd.DataFrame(), provenance=pd.DataFrame(), meta={"covers": covers})


def test_dataset_indicators_as_the_reports_compute_them(tables) -> None:
    # as_of 2025-01-31: 2025 has population rows but has not ended, so it is not computed
    # (indicators.compute(ds.tables) alone would give 2024 and 2025)
    early = _dataset_2025(tables, as_of="2025-01-31", covers={})
    assert set(compute(early.tables)["year"]) == {2024, 2025}
    assert set(explore.dataset_indicators(early)["year"]) == {2024}
    # as_of 2025-12-31, the mediation ledger declared complete for 2025 (covers) with no case
    # received in 2025: 0 cases, not missing; the undeclared requests ledger stays missing
    ended = _dataset_2025(tables, as_of="2025-12-31", covers={"mediation_cases": [2025]})
    long = explore.dataset_indicators(ended, years=[2025])
    wide = explore.indicator_values(long, indicators=["mediation_cases", "requests_per_1k_households"])
    assert wide.loc[("z", 2025), "mediation_cases"] == 0.0  # no case m1–m7 was received in 2025
    assert np.isnan(wide.loc[("z", 2025), "requests_per_1k_households"])  # q1, q2 are of 2024; 2025 not declared


def test_zone_names() -> None:
    meta = {"zones": {"renmin": {"name_zh": "人民街道", "name_en": "Renmin Street"}, "x": "某街道"}}
    assert explore.zone_names(meta) == {"renmin": "人民街道", "x": "某街道"}
    assert explore.zone_names(meta, lang="en") == {"renmin": "Renmin Street", "x": "某街道"}
    assert explore.zone_names({"zones": None}) == {}
    with pytest.raises(ContractError, match="Unknown language"):
        explore.zone_names(meta, lang="fr")


def test_pooled_vs_mean_by_hand() -> None:
    t = explore.pooled_vs_mean(pd.Series({"a": 1, "b": 2}), pd.Series({"a": 2, "b": 3}), scale=100)
    assert list(t.index) == ["a", "b", "mean", "zone"]
    # a 1/2 = 50, b 2/3 = 66.67; mean (50 + 66.67) / 2 = 58.33; pooled 3/5 = 60
    assert t["value"].tolist() == pytest.approx([50.0, 200 / 3, 175 / 3, 60.0])
    # weights 2/5, 3/5: 0.4 × 50 + 0.6 × 66.67 = 60
    assert t["weight"].iloc[:2].tolist() == pytest.approx([0.4, 0.6])
    assert (t["weight"].iloc[:2] * t["value"].iloc[:2]).sum() == pytest.approx(60.0)
    # a missing part: no pooled value and no mean
    gap = explore.pooled_vs_mean(pd.Series({"a": 1.0, "b": np.nan}), pd.Series({"a": 2, "b": 3}))
    assert np.isnan(gap.loc["zone", "value"]) and np.isnan(gap.loc["mean", "value"])
    with pytest.raises(ContractError, match="also a community"):
        explore.pooled_vs_mean(pd.Series({"zone": 1}), pd.Series({"zone": 2}))


def test_pooled_vs_mean_from_rosters_matches_the_indicator(tables) -> None:
    workers = explore.roster_flows(tables["social_workers"], start="joined_on", end="left_on", years=[2024])
    population = tables["population"].set_index(["community_id", "year"])["resident_population"]
    t = explore.pooled_vs_mean(workers["active_end"], population, year=2024, scale=10_000, zone="z")
    # a 1/800 × 10k = 12.5, b 1/2000 × 10k = 5; pooled 2/2800 × 10k = 7.14; mean 8.75
    assert t["value"].tolist() == pytest.approx([12.5, 5.0, 8.75, 20_000 / 2800])
    ind = wushe.social_workers_per_10k(tables, years=[2024])["social_workers_per_10k"]
    assert t.loc["z", "value"] == pytest.approx(ind.loc[("zone", "z", 2024)])
    # an indicator frame (unit_type, unit_id, year): community rows are taken, zone rows left
    vols = wushe.volunteers(tables, years=[2024])["volunteers"]
    u = explore.pooled_vs_mean(vols, population, year=2024, scale=100)
    assert list(u.index) == ["a", "b", "mean", "zone"]
    assert u.loc["zone", "value"] == pytest.approx(5 / 2800 * 100)  # volunteer_share_pct of z
    with pytest.raises(ContractError, match="pass year"):
        explore.pooled_vs_mean(vols, population)


# ------------------------------------------------------------------ accessibility


def _access_layers() -> tuple[pd.DataFrame, pd.DataFrame]:
    compounds = clean_table("compounds", [
        {"compound_id": "c0", "community_id": "a", "name_zh": "零", "households": 100,
         "geometry": offset_point(0, 0)},
        {"compound_id": "c1", "community_id": "b", "name_zh": "一", "households": 200,
         "geometry": offset_point(1000, 0)},
    ])
    facilities = clean_table("facilities", [
        {"facility_id": "f0", "community_id": "a", "name_zh": "中心", "category": "service_center",
         "floor_area_m2": 100.0, "opened_on": "2020-01-01", "geometry": offset_point(250, 0)},
        {"facility_id": "f1", "community_id": "b", "name_zh": "活动室", "category": "culture_room",
         "floor_area_m2": 50.0, "opened_on": "2024-06-01", "geometry": offset_point(1000, 450)},
        {"facility_id": "f2", "community_id": "b", "name_zh": "健身", "category": "fitness",
         "opened_on": "2020-01-01", "geometry": offset_point(1000, 100)},
    ])
    return compounds, facilities


def test_compound_access() -> None:
    compounds, facilities = _access_layers()
    before = access.compound_access(compounds, facilities, as_of_year=2023)
    # 2023: c0 250 m from f0 (covered); c1 750 m from f0 (f1 not open yet; f2 is fitness)
    assert before["nearest_m"].tolist() == pytest.approx([250.0, 750.0], abs=0.01)
    assert before["covered"].tolist() == [True, False]
    assert list(before.columns) == ["compound_id", "community_id", "name_zh", "households",
                                    "nearest_m", "covered"]
    after = access.compound_access(compounds, facilities, as_of_year=2024)
    # 2024: f1 opened 450 m north of c1
    assert after["nearest_m"].tolist() == pytest.approx([250.0, 450.0], abs=0.01)
    assert after["covered"].tolist() == [True, True]
    fit = access.compound_access(compounds, facilities, radius_m=300, categories=["fitness"])
    # fitness f2: c0 √(1000² + 100²) ≈ 1005 m, c1 100 m
    assert fit["nearest_m"].tolist() == pytest.approx([1004.99, 100.0], abs=0.01)
    assert fit["covered"].tolist() == [False, True]


def test_coverage_sensitivity_by_hand() -> None:
    compounds, facilities = _access_layers()
    s = access.coverage_sensitivity(compounds, facilities, radii=[300, 500, 800], as_of_year=2023)
    pct = s.set_index(["unit_id", "radius_m"])["covered_pct"]
    # a: c0 250 m -> covered from 300 m; b: c1 750 m -> only at 800 m
    assert pct.loc["a"].tolist() == [100.0, 100.0, 100.0]
    assert pct.loc["b"].tolist() == [0.0, 0.0, 100.0]
    # zone pools households: 100/300 = 33.33 % at 300 and 500 m, 300/300 at 800 m
    # (the mean of a and b would say 50 %)
    assert pct.loc["zone"].tolist() == pytest.approx([100 / 3, 100 / 3, 100.0])
    row = s[(s["unit_id"] == "zone") & (s["radius_m"] == 500)].iloc[0]
    assert (row["compounds"], row["households"], row["covered_households"],
            row["uncovered_households"]) == (2, 300.0, 100.0, 200.0)
    # 2024: f1 at 450 m covers c1 at 500 m
    later = access.coverage_sensitivity(compounds, facilities, radii=[500], as_of_year=2024, zone=None)
    assert later["unit_id"].tolist() == ["a", "b"] and later["covered_pct"].tolist() == [100.0, 100.0]
    with pytest.raises(ContractError, match="at least one radius"):
        access.coverage_sensitivity(compounds, facilities, radii=[])
    with pytest.raises(ContractError, match="also a community"):
        access.coverage_sensitivity(compounds, facilities, zone="a")


def test_coverage_sensitivity_matches_the_indicator(tables) -> None:
    s = access.coverage_sensitivity(tables["compounds"], tables["facilities"], radii=[500],
                                    as_of_year=2024, zone="z")
    ind = lin_le.life_circle_500m_pct(tables, years=[2024])["life_circle_500m_pct"]
    # a 300/400 = 75, b 600/600 = 100, z 900/1000 = 90
    assert s["covered_pct"].tolist() == [75.0, 100.0, 90.0] == ind.tolist()


# ------------------------------------------------------------------------- plots


def communities() -> pd.DataFrame:
    return pd.DataFrame({"community_id": ["a", "b"], "name_zh": ["甲社区", "乙社区"],
                         "name_en": ["A", "B"], "brand": ["lin_he", "lin_zhu"], "zone_id": ["z", "z"]})


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_plot_indicator_trend(tables, lang: str) -> None:
    long = compute(tables, years=[2023, 2024])
    fig, ax = exploration.plot_indicator_trend(long, indicator="volunteers", communities=communities(),
                                         names={"z": "实验区"}, lang=lang)
    labels = [line.get_label() for line in ax.get_lines()]
    a, b = ("甲社区", "乙社区") if lang == "zh" else ("A", "B")
    assert labels == [a, b, "实验区"]
    # a: 2023 v1, v2, v3, v4 = 4; 2024: 3
    assert ax.get_lines()[0].get_ydata().tolist() == [4.0, 3.0]
    # three lines dodged by 0.04 year each: a at −0.04, b at 0, the zone at +0.04
    assert ax.get_lines()[0].get_xdata().tolist() == pytest.approx([2022.96, 2023.96])
    assert ax.get_lines()[2].get_xdata().tolist() == pytest.approx([2023.04, 2024.04])
    # name and unit from the catalogue
    assert ax.get_ylabel() == ("注册志愿者数（人）" if lang == "zh" else "Registered volunteers (persons)")
    fig, ax = exploration.plot_indicator_trend(long, indicator="volunteers", zone=False, unit="")
    assert len(ax.get_lines()) == 2 and ax.get_ylabel() == "注册志愿者数"
    with pytest.raises(ContractError, match="Unknown indicator"):
        exploration.plot_indicator_trend(long, indicator="no_such")


def test_plot_roster_flows(tables) -> None:
    flows = explore.roster_flows(tables["volunteers"], start="registered_on", end="left_on",
                                 years=[2023, 2024])
    fig, ax = exploration.plot_roster_flows(flows, communities=communities())
    # 2 communities × 2 years × (joined, left)
    assert len(ax.patches) == 8
    heights = sorted(p.get_height() for p in ax.patches)
    # joined a 2023: 2 (v2, v3); b 2024: 2; left a 2024: 1 (v4), drawn downwards
    assert heights[0] == -1.0 and heights[-1] == 2.0
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["甲社区", "乙社区"]
    with pytest.raises(ContractError, match="indexed by"):
        exploration.plot_roster_flows(flows.reset_index())


def test_plot_group_distribution(tables) -> None:
    d = explore.case_durations(tables["mediation_cases"], year=2024)
    fig, ax = exploration.plot_group_distribution(d, value="days", reference=7, reference_label="7天",
                                            communities=communities(), xlabel="天数")
    assert [t.get_text() for t in ax.get_yticklabels()] == ["甲社区", "乙社区"]
    notes = [t.get_text() for t in ax.texts]
    # a: one case of 10 days; b: 4 and 6 -> median 5
    assert "n=1  中位数 10" in notes and "n=2  中位数 5" in notes
    assert ax.get_xlabel() == "天数"


def test_plot_pooled_vs_mean() -> None:
    t = explore.pooled_vs_mean(pd.Series({"a": 1, "b": 2}), pd.Series({"a": 2, "b": 3}),
                               scale=100, zone="z")
    fig, ax = exploration.plot_pooled_vs_mean(t, unit="%", communities=communities(), names={"z": "实验区"})
    widths = [p.get_width() for p in ax.patches]
    assert widths == [2.0, 3.0]  # bar widths are the denominators
    texts = [x.get_text() for x in ax.get_legend().get_texts()]
    assert texts == ["实验区：合并计算 60.0%", "各社区简单平均 58.3%"]
    fig, ax = exploration.plot_pooled_vs_mean(t, indicator="mediation_success_pct", lang="en")
    assert ax.get_ylabel() == "Mediation success rate (%)"
    # close values get more decimals: 9.2384 vs 9.2032 -> 9.24 vs 9.20
    close = pd.DataFrame({"numerator": [1.0, 1.0, np.nan, 2.0], "denominator": [1.0, 1.0, np.nan, 2.0],
                          "weight": [0.5, 0.5, np.nan, 1.0], "value": [9.0, 9.4, 9.2032, 9.2384]},
                         index=["a", "b", "mean", "z"])
    fig, ax = exploration.plot_pooled_vs_mean(close)
    assert [x.get_text() for x in ax.get_legend().get_texts()] == ["z：合并计算 9.24", "各社区简单平均 9.20"]


def test_plot_crosstab(tables) -> None:
    t = explore.case_outcomes(tables["mediation_cases"], year=2024)
    fig, ax = exploration.plot_crosstab(t, columns=list(OUTCOMES), row_labels=DISPUTE_TYPES,
                                  column_labels=OUTCOMES)
    assert [x.get_text() for x in ax.get_yticklabels()][:2] == ["停车", "噪音"]
    assert [x.get_text() for x in ax.get_legend().get_texts()] == list(OUTCOMES.values())
    # total row (last): resolved 3 of 6 = 50 % wide
    resolved = [p for p in ax.patches if p.get_y() + p.get_height() / 2 == pytest.approx(len(t) - 1)]
    assert resolved[0].get_width() == pytest.approx(50.0)
    assert "无数据" in [x.get_text() for x in ax.texts]  # sanitation has no case
    kinds = explore.mediator_kinds(tables["mediation_cases"], year=2024)
    fig, ax = exploration.plot_crosstab(kinds, columns=list(explore.KIND_COLUMNS), ordered=True,
                                  communities=communities())
    assert [x.get_text() for x in ax.get_yticklabels()] == ["甲社区", "乙社区", "total"]
    # an ordered scale is shaded light to dark: "0" lighter than "4+"
    first, last = ax.patches[0].get_facecolor(), ax.patches[-1].get_facecolor()
    assert sum(first[:3]) > sum(last[:3])


def test_plot_coverage_sensitivity(tables) -> None:
    s = access.coverage_sensitivity(tables["compounds"], tables["facilities"], radii=[300, 500, 1200],
                                    as_of_year=2024, zone="z")
    fig, ax = exploration.plot_coverage_sensitivity(s, communities=communities(), names={"z": "实验区"})
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert list(lines)[:3] == ["甲社区", "乙社区", "实验区"]
    # a: 300 m 75 % (ca1 ≈ 99 m from f1), 500 m 75 %, 1200 m 100 % (ca2 ≈ 1.1 km)
    assert lines["甲社区"].get_ydata().tolist() == [75.0, 75.0, 100.0]
    assert lines["实验区"].get_linestyle() == "--"


# ------------------------------------------------- targets and benchmarks


def test_indicator_targets_lists_each_with_its_comparison_value_and_unit() -> None:
    t = explore.indicator_targets(["mediation_success_pct", "volunteers", "service_area_per_100hh"], lang="en")
    # the catalogue: mediation success ≥ 96 % (a benchmark, Ministry of Justice 2018, no year set); service-facility
    # area > 30 m² per 100 households by 2025 (a target, 14th Five-Year Plan, 2021); volunteers has none, so no row
    assert t.index.tolist() == ["mediation_success_pct", "service_area_per_100hh"]
    assert list(t.columns) == ["name", "kind", "comparison", "value", "unit", "year", "source"]
    assert t.loc["mediation_success_pct", ["kind", "comparison", "value", "unit"]].tolist() == ["benchmark", "≥", 96.0, "%"]
    assert pd.isna(t.loc["mediation_success_pct", "year"])
    assert t.loc["service_area_per_100hh", ["kind", "comparison", "value", "unit", "year"]].tolist() == [
        "target", ">", 30.0, "m² per 100 households", 2025]
    assert t.loc["service_area_per_100hh", "source"].startswith("14th Five-Year Plan for Public Services")
    zh = explore.indicator_targets(["service_area_per_100hh"])
    assert zh.loc["service_area_per_100hh", ["name", "kind", "unit"]].tolist() == ["每百户社区综合服务设施面积", "目标",
                                                                                  "平方米/百户"]
    assert zh.loc["service_area_per_100hh", "source"] == "《“十四五”公共服务规划》，国家发展改革委等21部门（2021）"
    with pytest.raises(ContractError, match="Unknown indicator.*'mediation_rate'.*known: .*mediation_success_pct"):
        explore.indicator_targets(["mediation_rate"])


# ------------------------------------------------- the notebooks, as a researcher runs them


@pytest.mark.parametrize("name", ["1.0-wushe-linkage", "2.0-mediation-ledger", "3.0-life-circle-access"])
def test_explore_notebook_runs_under_papermill_from_the_repository_root(name: str, tmp_path) -> None:
    import papermill as pm

    from linli import config

    notebook = config.PROJECT_ROOT / "notebooks" / "explore" / f"{name}.ipynb"
    out = tmp_path / f"{name}.ipynb"
    # the kernel starts in the repository root, not in the notebook's folder
    pm.execute_notebook(str(notebook), str(out), parameters={"lang": "en"}, cwd=str(config.PROJECT_ROOT),
                        progress_bar=False, kernel_name="python3")
    import nbformat

    nb = nbformat.read(out, as_version=4)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.get("output_type") == "error"]
    assert errors == [] and any(c.outputs for c in nb.cells if c.cell_type == "code")
    # every result is shown as a table or a figure, never as a Python repr (2.0 showed the mediation benchmark
    # as "Target(value=96.0, comparison='ge', kind='benchmark', source=Source(…" )
    reprs = [(c.get("id"), o["data"]["text/plain"][:60]) for c in nb.cells if c.cell_type == "code" for o in c.outputs
             if o.get("output_type") == "execute_result" and not {"text/html", "image/png"} & set(o["data"])]
    assert reprs == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_notebook_2_states_its_benchmark_in_the_chart_as_the_table_beside_it(lang: str, tmp_path) -> None:
    # 2.0's comparison chart said "National benchmark (Ministry of Justice) 96.0%" beside a table of ≥, 96.0
    # and %: the legend now states the comparison as the table and the reports do. The executed notebook is
    # read back with a cell after the chart's that prints its legend.
    import nbformat
    import papermill as pm

    from linli import config
    from linli.labels import word

    notebook = nbformat.read(config.PROJECT_ROOT / "notebooks" / "explore" / "2.0-mediation-ledger.ipynb", as_version=4)
    at = next(k for k, c in enumerate(notebook.cells) if "plot_indicator_comparison" in c.source)
    notebook.cells.insert(at + 1, nbformat.v4.new_code_cell(
        "print(*(t.get_text() for t in ax.get_legend().get_texts()), sep='\\n')"))
    nbformat.write(notebook, tmp_path / "in.ipynb")
    pm.execute_notebook(str(tmp_path / "in.ipynb"), str(tmp_path / "out.ipynb"), parameters={"lang": lang},
                        cwd=str(config.PROJECT_ROOT), progress_bar=False, kernel_name="python3")
    cells = nbformat.read(tmp_path / "out.ipynb", as_version=4).cells
    printed = next(c for c in cells if c.source.startswith("print(*(t.get_text()"))  # papermill added a cell
    legend = "".join(o.get("text", "") for o in printed.outputs).splitlines()
    # the catalogue: mediation success ≥ 96 % (a benchmark); a share has one decimal and its % follows the number
    assert f"{word('nb.benchmark', lang=lang)} ≥ 96.0%" in legend, legend
    table = next(c for c in cells if "indicator_targets(" in c.source).outputs[0]["data"]["text/html"]
    assert all(f">{cell}</td>" in table for cell in ("≥", "96.0", "%")), table  # the table beside it
