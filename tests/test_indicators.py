"""Tests of linli.indicators: one hand-worked case per indicator, the edges, and properties.

Every dataset is built here from a few rows (``make``); unless a test says otherwise
the zone ``z`` holds communities ``a`` and ``b``. Expected values are worked out in
the comments; zone values pool the records of ``a`` and ``b``.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import threading
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import linli.indicators as li
from linli.errors import ContractError
from linli.indicators import lin_he, lin_le, lin_zhi, lin_zhu, profile, satisfaction, wushe
from linli.indicators._core import Context
from linli.testing import clean_table, example_tables, offset_point

COMMUNITIES = [
    {"community_id": "a", "name_zh": "甲社区", "zone_id": "z"},
    {"community_id": "b", "name_zh": "乙社区", "zone_id": "z"},
]


def make(**rows: list[dict[str, object]]) -> dict[str, pd.DataFrame]:
    """Return clean tables from rows; communities a and b in zone z by default."""
    rows.setdefault("communities", COMMUNITIES)
    return {name: clean_table(name, r) for name, r in rows.items()}


def pop(cid: str, year: int = 2024, **kw: int) -> dict[str, object]:
    row: dict[str, object] = {
        "community_id": cid, "year": year, "residents": 1000, "resident_population": 1000,
        "households": 400, "age_65_plus": 100,
    }
    row.update(kw)
    return row


ZONES = {"y", "z"}


def val(frame: pd.DataFrame, unit: str, year: int = 2024) -> float:
    """Value of ``unit`` (``y`` and ``z`` are zones) in an indicator frame."""
    unit_type = "zone" if unit in ZONES else "community"
    return float(frame.loc[(unit_type, unit, year), frame.columns[0]])


def why(frame: pd.DataFrame, unit: str, year: int = 2024) -> object:
    unit_type = "zone" if unit in ZONES else "community"
    return frame.loc[(unit_type, unit, year), "reason"]


def approx(x: float) -> object:
    return pytest.approx(x, rel=1e-9, abs=1e-12)


# ======================================================================= profile


def test_residents_and_households_zone_needs_every_population_row() -> None:
    t = make(population=[
        pop("a", 2024, residents=1200, households=500),
        pop("b", 2024, residents=800, households=300),
        pop("a", 2023, residents=1100, households=450),  # b has no 2023 row
    ])
    r = profile.residents(t, years=[2023, 2024])
    h = profile.households(t, years=[2023, 2024])
    # 2024: a 1200, b 800, zone 1200 + 800 = 2000; households 500 + 300 = 800
    assert (val(r, "a"), val(r, "b"), val(r, "z")) == (1200, 800, 2000)
    assert (val(h, "a"), val(h, "b"), val(h, "z")) == (500, 300, 800)
    # 2023: b has no row -> missing; the zone is not summed from a alone
    assert val(r, "a", 2023) == 1100
    assert math.isnan(val(r, "b", 2023)) and why(r, "b", 2023) == "no population row for 2023"
    assert math.isnan(val(r, "z", 2023))
    assert why(r, "z", 2023) == "no population row for 2023 (community b)"
    assert pd.isna(why(r, "a"))


def test_age_65_plus_pct_zone_divides_sums_not_mean() -> None:
    t = make(population=[
        pop("a", residents=1000, age_65_plus=300),
        pop("b", residents=4000, age_65_plus=100),
    ])
    f = profile.age_65_plus_pct(t, years=[2024])
    # a 300/1000 = 30 %; b 100/4000 = 2.5 %; zone 400/5000 = 8 % (mean would be 16.25 %)
    assert val(f, "a") == approx(30.0)
    assert val(f, "b") == approx(2.5)
    assert val(f, "z") == approx(8.0)
    assert val(f, "z") != approx((30.0 + 2.5) / 2)


def test_age_65_plus_pct_zero_residents_is_missing() -> None:
    t = make(population=[pop("a", residents=0, age_65_plus=0), pop("b")])
    f = profile.age_65_plus_pct(t, years=[2024])
    assert math.isnan(val(f, "a"))
    assert why(f, "a") == "denominator is 0: no residents in 2024"
    # zone: (0 + 100) / (0 + 1000) = 10 %
    assert val(f, "z") == approx(10.0)


def _case(cid: str, received: str, outcome: str = "resolved", **kw: object) -> dict[str, object]:
    row: dict[str, object] = {
        "case_id": f"{cid}-{received}-{outcome}-{len(kw)}-{kw.get('compound_id', '')}-{kw.get('closed_on', '')}-{kw.get('mediators', '')}",
        "community_id": cid, "received_on": received, "dispute_type": "noise", "outcome": outcome,
    }
    row.update(kw)
    return row


def _ids(rows: list[dict[str, object]], key: str) -> list[dict[str, object]]:
    """Give every row a distinct id in ``key``."""
    return [{**r, key: f"{key[:2]}{i}"} for i, r in enumerate(rows)]


def test_mediation_cases_year_boundary() -> None:
    t = make(mediation_cases=_ids([
        _case("a", "2023-12-31"),  # 2023
        _case("a", "2024-01-01"),  # 2024
        _case("a", "2024-12-31"),  # 2024
        _case("a", "2025-01-01"),  # 2025, not asked for
    ], "case_id"))
    f = profile.mediation_cases(t, years=[2023, 2024])
    assert val(f, "a", 2023) == 1
    assert val(f, "a", 2024) == 2
    # b has no case: 0, not missing
    assert val(f, "b", 2024) == 0 and pd.isna(why(f, "b"))
    assert val(f, "z", 2024) == 2


def test_culture_events_count() -> None:
    t = make(culture_events=[
        {"event_id": "e1", "community_id": "a", "date": "2024-06-01", "category": "opera", "participants": 5},
        {"event_id": "e2", "community_id": "a", "date": "2024-12-31", "category": "chess", "participants": 5},
        {"event_id": "e3", "community_id": "b", "date": "2025-01-01", "category": "chess", "participants": 5},
    ])
    f = profile.culture_events(t, years=[2024])
    # a: 2 (06-01, 12-31); b: its event is in 2025 -> 0; zone 2
    assert (val(f, "a"), val(f, "b"), val(f, "z")) == (2, 0, 2)


# ========================================================================= wushe


def test_social_orgs_active_at_end_of_year() -> None:
    t = make(social_organizations=[
        {"org_id": "o1", "community_id": "a", "name_zh": "甲", "kind": "culture", "registered_on": "2024-12-31"},
        {"org_id": "o2", "community_id": "a", "name_zh": "乙", "kind": "culture", "registered_on": "2025-01-01"},
        {"org_id": "o3", "community_id": "a", "name_zh": "丙", "kind": "culture", "registered_on": "2020-01-01",
         "dissolved_on": "2024-12-31"},
        {"org_id": "o4", "community_id": "a", "name_zh": "丁", "kind": "culture", "registered_on": "2020-01-01",
         "dissolved_on": "2025-01-01"},
    ])
    f = wushe.social_orgs(t, years=[2023, 2024])
    # end of 2024: o1 (registered on the last day) and o4 (dissolved after it) -> 2;
    # o2 not yet registered, o3 dissolved on 31 Dec is no longer active
    assert val(f, "a", 2024) == 2
    # end of 2023: o3 and o4 -> 2
    assert val(f, "a", 2023) == 2
    assert val(f, "b", 2024) == 0
    assert val(f, "z", 2024) == 2


@pytest.mark.parametrize("kind", ["as loaded", "seconds", "time zone"])
def test_years_placed_at_midnight_whatever_the_date_type(kind: str) -> None:
    def dates(*text: str | None) -> pd.Series:
        out = pd.Series(pd.to_datetime(list(text)))
        if kind == "seconds":
            return out.astype("datetime64[s]")
        return out.dt.tz_localize("Asia/Shanghai") if kind == "time zone" else out

    t = make(
        mediation_cases=_ids([_case("a", "2024-06-01") for _ in range(4)], "case_id"),
        social_organizations=[
            {"org_id": f"o{i}", "community_id": "a", "name_zh": "甲", "kind": "culture", "registered_on": "2020-01-01"}
            for i in range(4)
        ],
    )
    # times of day on both sides of each New Year's midnight, put in by hand
    t["mediation_cases"]["received_on"] = dates(
        "2023-12-31 23:59:59", "2024-01-01 00:00:00", "2024-12-31 23:59:59", "2025-01-01 00:00:00")
    t["social_organizations"]["registered_on"] = dates(
        "2024-12-31 23:59:00", "2025-01-01 00:00:00", "2020-01-01 00:00:00", "2020-01-01 00:00:00")
    t["social_organizations"]["dissolved_on"] = dates(None, None, "2024-12-31 23:00:00", "2025-01-01 00:00:00")
    cases = profile.mediation_cases(t, years=[2023, 2024])
    # 2023: the case at 23:59:59 on 31 Dec; 2024: those at 00:00 on 1 Jan and 23:59:59 on 31 Dec
    assert (val(cases, "a", 2023), val(cases, "a", 2024)) == (1, 2)
    orgs = wushe.social_orgs(t, years=[2023, 2024])
    # end of 2024: o0 (registered late on 31 Dec) and o3 (dissolved at midnight after it) -> 2;
    # end of 2023: o2 and o3 -> 2 (o2 dissolved during 31 Dec 2024, o1 registered in 2025)
    assert (val(orgs, "a", 2023), val(orgs, "a", 2024)) == (2, 2)
    t["social_organizations"]["dissolved_on"] = dates(None, None, "2023-12-31 23:00:00", None)
    orgs = wushe.social_orgs(t, years=[2023, 2024])
    # o2 now dissolved during 31 Dec 2023: end of 2023 -> o3 only; end of 2024 -> o0 and o3
    assert (val(orgs, "a", 2023), val(orgs, "a", 2024)) == (1, 2)


@settings(max_examples=200, deadline=None)
@given(
    unit=st.sampled_from(["ns", "us", "ms", "s"]),
    years=st.lists(st.integers(1995, 2030), min_size=1, max_size=4, unique=True),
    instants=st.lists(
        st.one_of(
            st.none(),
            st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2100, 12, 31)),
            # near a month's first midnight, where a date changes month (and year)
            st.builds(
                lambda y, m, s: dt.datetime(y, m, 1) + dt.timedelta(seconds=s),
                st.integers(1994, 2031), st.integers(1, 12), st.integers(-2 * 86400, 2 * 86400),
            ),
        ),
        max_size=40,
    ),
)
def test_date_codes_place_each_date_by_its_calendar_year_and_month(
    unit: str, years: list[int], instants: list[dt.datetime | None]
) -> None:
    dates = pd.Series(pd.to_datetime(pd.Series(instants, dtype=object))).astype(f"datetime64[{unit}]")
    ctx = Context.build({"communities": pd.DataFrame({"community_id": ["a"], "zone_id": ["z"]})}, years)
    # the reference: pandas' own calendar fields of each date, its year looked up in the sorted years
    known = sorted(years)
    year_pos = [known.index(y) if pd.notna(y) and y in known else -1 for y in dates.dt.year]
    month_code = [p * 12 + int(m) - 1 if p >= 0 else -1 for p, m in zip(year_pos, dates.dt.month.fillna(1), strict=True)]
    assert ctx.date_codes(dates).tolist() == year_pos
    assert ctx.date_codes(dates, months=True).tolist() == month_code


def test_social_orgs_per_10k_divides_by_resident_population() -> None:
    orgs = [
        {"org_id": "o1", "community_id": "a", "name_zh": "甲", "kind": "culture", "registered_on": "2024-12-31"},
        {"org_id": "o2", "community_id": "a", "name_zh": "乙", "kind": "culture", "registered_on": "2020-01-01"},
        {"org_id": "o3", "community_id": "a", "name_zh": "丙", "kind": "culture", "registered_on": "2020-01-01",
         "dissolved_on": "2024-12-31"},  # dissolved on 31 Dec: not active
        {"org_id": "o4", "community_id": "b", "name_zh": "丁", "kind": "culture", "registered_on": "2020-01-01"},
    ]
    # residents differ from resident_population: the rate must use the latter
    t = make(social_organizations=orgs, population=[pop("a", residents=9000, resident_population=4000),
                                                    pop("b", residents=9000, resident_population=1000)])
    f = wushe.social_orgs_per_10k(t, years=[2024])
    # a 2/4000 × 10,000 = 5; b 1/1000 × 10,000 = 10; zone 3/5000 × 10,000 = 6 (mean 7.5)
    assert val(f, "a") == approx(5.0)
    assert val(f, "b") == approx(10.0)
    assert val(f, "z") == approx(6.0)
    t0 = make(social_organizations=orgs, population=[pop("a", resident_population=0), pop("b")])
    f0 = wushe.social_orgs_per_10k(t0, years=[2024])
    assert math.isnan(val(f0, "a"))
    assert why(f0, "a") == "denominator is 0: resident_population is 0 in 2024"
    # zone: 3/(0 + 1000) × 10,000 = 30 — the zone's denominator is not 0
    assert val(f0, "z") == approx(30.0)


def test_volunteers_member_leaving_on_31_december() -> None:
    t = make(volunteers=[
        {"volunteer_id": "v1", "community_id": "a", "registered_on": "2023-06-01", "left_on": "2024-12-31"},
        {"volunteer_id": "v2", "community_id": "a", "registered_on": "2024-12-31"},
        {"volunteer_id": "v3", "community_id": "b", "registered_on": "2020-01-01", "left_on": "2025-01-01"},
    ])
    f = wushe.volunteers(t, years=[2023, 2024])
    # v1 left on 2024-12-31: active at end of 2023, not at end of 2024
    assert val(f, "a", 2023) == 1  # v1
    assert val(f, "a", 2024) == 1  # v2 only
    assert val(f, "b", 2024) == 1  # v3 leaves in 2025
    assert val(f, "z", 2024) == 2


def test_charity_resources() -> None:
    t = make(charity_resources=[
        {"resource_id": "r1", "community_id": "a", "name_zh": "企业", "kind": "enterprise", "joined_on": "2024-01-01"},
        {"resource_id": "r2", "community_id": "a", "name_zh": "商户", "kind": "merchant", "joined_on": "2022-01-01",
         "left_on": "2024-06-30"},
    ])
    f = wushe.charity_resources(t, years=[2024])
    # r1 active, r2 left mid-2024 -> a 1; b 0; zone 1
    assert (val(f, "a"), val(f, "b"), val(f, "z")) == (1, 0, 1)


def test_charity_resources_per_10k() -> None:
    t = make(
        charity_resources=[
            {"resource_id": "r1", "community_id": "a", "name_zh": "企业", "kind": "enterprise",
             "joined_on": "2024-01-01"},
            {"resource_id": "r2", "community_id": "a", "name_zh": "商户", "kind": "merchant",
             "joined_on": "2022-01-01", "left_on": "2024-06-30"},  # left: not active
            {"resource_id": "r3", "community_id": "b", "name_zh": "基金会", "kind": "foundation",
             "joined_on": "2023-01-01"},
            {"resource_id": "r4", "community_id": "b", "name_zh": "个人", "kind": "individual",
             "joined_on": "2025-01-01"},  # not yet
        ],
        population=[pop("a", resident_population=2000), pop("b", resident_population=500)],
    )
    f = wushe.charity_resources_per_10k(t, years=[2024])
    # a 1/2000 × 10,000 = 5; b 1/500 × 10,000 = 20; zone 2/2500 × 10,000 = 8 (mean 12.5)
    assert val(f, "a") == approx(5.0)
    assert val(f, "b") == approx(20.0)
    assert val(f, "z") == approx(8.0)


def test_social_workers_per_10k_pools_and_zero_denominator() -> None:
    workers = [
        {"worker_id": "w1", "community_id": "a", "joined_on": "2020-01-01"},
        {"worker_id": "w2", "community_id": "a", "joined_on": "2024-12-31"},
        {"worker_id": "w3", "community_id": "b", "joined_on": "2021-01-01"},
        {"worker_id": "w4", "community_id": "b", "joined_on": "2021-01-01", "left_on": "2024-12-31"},
    ]
    t = make(social_workers=workers,
             population=[pop("a", resident_population=4000), pop("b", resident_population=1000)])
    f = wushe.social_workers_per_10k(t, years=[2024])
    # a 2/4000 × 10,000 = 5; b 1/1000 × 10,000 = 10 (w4 left on 31 Dec);
    # zone 3/5000 × 10,000 = 6 (mean of communities would be 7.5)
    assert val(f, "a") == approx(5.0)
    assert val(f, "b") == approx(10.0)
    assert val(f, "z") == approx(6.0)
    t0 = make(social_workers=workers,
              population=[pop("a", resident_population=0), pop("b", resident_population=0)])
    f0 = wushe.social_workers_per_10k(t0, years=[2024])
    assert math.isnan(val(f0, "a"))
    assert why(f0, "a") == "denominator is 0: resident_population is 0 in 2024"
    assert why(f0, "z") == "denominator is 0: resident_population is 0 in 2024"


def test_volunteer_share_pct() -> None:
    vols = [{"volunteer_id": f"v{i}", "community_id": c, "registered_on": "2024-01-01"}
            for i, c in enumerate(["a", "a", "a", "b"])]
    t = make(volunteers=vols, population=[pop("a", resident_population=600), pop("b", resident_population=400)])
    f = wushe.volunteer_share_pct(t, years=[2024])
    # a 3/600 × 100 = 0.5 %; b 1/400 × 100 = 0.25 %; zone 4/1000 × 100 = 0.4 % (mean 0.375)
    assert val(f, "a") == approx(0.5)
    assert val(f, "b") == approx(0.25)
    assert val(f, "z") == approx(0.4)


def test_volunteer_teams_distinct_pairs_without_team_ignored() -> None:
    t = make(volunteers=[
        {"volunteer_id": "v1", "community_id": "a", "team": "巡逻队", "registered_on": "2024-01-01"},
        {"volunteer_id": "v2", "community_id": "a", "team": " 巡逻队 ", "registered_on": "2024-01-01"},
        {"volunteer_id": "v3", "community_id": "a", "registered_on": "2024-01-01"},  # no team
        {"volunteer_id": "v4", "community_id": "a", "team": "", "registered_on": "2024-01-01"},  # empty
        {"volunteer_id": "v5", "community_id": "a", "team": "文艺队", "registered_on": "2024-01-01",
         "left_on": "2024-12-31"},  # not active at end of 2024
        {"volunteer_id": "v6", "community_id": "b", "team": "巡逻队", "registered_on": "2024-01-01"},
    ])
    f = wushe.volunteer_teams(t, years=[2023, 2024])
    # a: {巡逻队} = 1; b: {巡逻队} = 1; zone: (a, 巡逻队), (b, 巡逻队) = 2 distinct pairs
    assert (val(f, "a"), val(f, "b"), val(f, "z")) == (1, 1, 2)
    # nobody active at end of 2023: 0 teams, not missing
    assert val(f, "z", 2023) == 0 and pd.isna(why(f, "z", 2023))


def test_volunteer_teams_per_10k() -> None:
    t = make(
        volunteers=[
            {"volunteer_id": "v1", "community_id": "a", "team": "巡逻队", "registered_on": "2024-01-01"},
            {"volunteer_id": "v2", "community_id": "a", "team": " 巡逻队 ", "registered_on": "2024-01-01"},
            {"volunteer_id": "v3", "community_id": "a", "team": "文艺队", "registered_on": "2024-01-01"},
            {"volunteer_id": "v4", "community_id": "a", "registered_on": "2024-01-01"},  # no team
            {"volunteer_id": "v5", "community_id": "b", "team": "巡逻队", "registered_on": "2024-01-01"},
        ],
        population=[pop("a", resident_population=1000), pop("b", resident_population=2000)],
    )
    f = wushe.volunteer_teams_per_10k(t, years=[2024])
    # a {巡逻队, 文艺队} = 2 teams, 2/1000 × 10,000 = 20; b {巡逻队} = 1, 1/2000 × 10,000 = 5;
    # zone: (a, 巡逻队), (a, 文艺队), (b, 巡逻队) = 3 teams, 3/3000 × 10,000 = 10 (mean 12.5)
    assert val(f, "a") == approx(20.0)
    assert val(f, "b") == approx(5.0)
    assert val(f, "z") == approx(10.0)


def _activity(i: int, cid: str, date: str, category: str = "patrol", hours: float = 1.0) -> dict[str, object]:
    return {"activity_id": f"act{i}", "community_id": cid, "date": date, "category": category,
            "volunteers": 1, "hours": hours}


def test_volunteer_activities() -> None:
    t = make(volunteer_activities=[
        _activity(1, "a", "2024-01-01"), _activity(2, "a", "2024-12-31"), _activity(3, "a", "2023-12-31"),
        _activity(4, "b", "2024-05-05"),
    ])
    f = wushe.volunteer_activities(t, years=[2024])
    # a: 01-01 and 12-31 -> 2 (2023-12-31 is in 2023); b 1; zone 3
    assert (val(f, "a"), val(f, "b"), val(f, "z")) == (2, 1, 3)


def test_volunteer_activities_per_1k() -> None:
    t = make(
        volunteer_activities=[
            _activity(1, "a", "2024-01-01"), _activity(2, "a", "2024-06-01"), _activity(3, "a", "2024-12-31"),
            _activity(4, "a", "2023-12-31"),  # 2023
            _activity(5, "b", "2024-02-01"), _activity(6, "b", "2024-03-01"), _activity(7, "b", "2024-04-01"),
        ],
        population=[pop("a", residents=500, resident_population=1500),
                    pop("b", residents=5000, resident_population=500)],
    )
    f = wushe.volunteer_activities_per_1k(t, years=[2024])
    # a 3/1500 × 1,000 = 2; b 3/500 × 1,000 = 6; zone 6/2000 × 1,000 = 3 (mean 4)
    assert val(f, "a") == approx(2.0)
    assert val(f, "b") == approx(6.0)
    assert val(f, "z") == approx(3.0)


def test_volunteer_hours_per_volunteer_zone_pools_a_zero_denominator() -> None:
    t = make(
        volunteer_activities=[
            _activity(1, "a", "2024-03-01", hours=10), _activity(2, "a", "2024-04-01", hours=5.5),
            _activity(3, "b", "2024-05-01", hours=4),
        ],
        volunteers=[
            {"volunteer_id": "v1", "community_id": "a", "registered_on": "2024-01-01"},
            {"volunteer_id": "v2", "community_id": "a", "registered_on": "2024-01-01"},
        ],
    )
    f = wushe.volunteer_hours_per_volunteer(t, years=[2024])
    # a (10 + 5.5) / 2 = 7.75; b 4 / 0 -> missing; zone (15.5 + 4) / (2 + 0) = 9.75
    assert val(f, "a") == approx(7.75)
    assert math.isnan(val(f, "b"))
    assert why(f, "b") == "denominator is 0: no volunteers active at end of 2024"
    assert val(f, "z") == approx(9.75)


# ======================================================================= lin_zhi


def _compound(cid: str, comp: str, households: int = 100, **kw: object) -> dict[str, object]:
    row: dict[str, object] = {"compound_id": comp, "community_id": cid, "name_zh": comp,
                              "households": households, "geometry": offset_point(0, 0)}
    row.update(kw)
    return row


def test_party_branch_compounds_pct() -> None:
    t = make(compounds=[
        _compound("a", "c1", party_branch_since="2024-12-31"),
        _compound("a", "c2", party_branch_since="2025-01-01"),
        _compound("a", "c3"),
        _compound("a", "c4", party_branch_since="2010-01-01"),
        _compound("b", "c5", party_branch_since="2015-01-01"),
    ])
    f = lin_zhi.party_branch_compounds_pct(t, years=[2023, 2024])
    # 2024: a c1 (on 31 Dec) and c4 of 4 = 50 %; b 1/1 = 100 %; zone 3/5 = 60 % (mean 75 %)
    assert val(f, "a") == approx(50.0)
    assert val(f, "b") == approx(100.0)
    assert val(f, "z") == approx(60.0)
    # 2023: a c4 only = 1/4 = 25 %
    assert val(f, "a", 2023) == approx(25.0)


def test_owners_committee_compounds_pct_no_compounds() -> None:
    t = make(compounds=[
        _compound("a", "c1", owners_committee_since="2024-01-01"),
        _compound("a", "c2"),
    ])
    f = lin_zhi.owners_committee_compounds_pct(t, years=[2024])
    # a 1/2 = 50 %; b has no compounds -> missing; zone 1/2 = 50 %
    assert val(f, "a") == approx(50.0)
    assert math.isnan(val(f, "b")) and why(f, "b") == "denominator is 0: no compounds"
    assert val(f, "z") == approx(50.0)


def test_renovated_households_pct() -> None:
    t = make(compounds=[
        _compound("a", "c1", 100, renovation_completed_on="2024-12-31"),
        _compound("a", "c2", 300, renovation_completed_on="2025-01-01"),
        _compound("b", "c3", 100, renovation_completed_on="2020-01-01"),
    ])
    f = lin_zhi.renovated_households_pct(t, years=[2024])
    # a 100/400 = 25 %; b 100/100 = 100 %; zone 200/500 = 40 % (mean 62.5 %)
    assert val(f, "a") == approx(25.0)
    assert val(f, "b") == approx(100.0)
    assert val(f, "z") == approx(40.0)


def _request(i: int, cid: str, received: str, closed: str | None = None, satisfied: bool | None = None) -> dict[str, object]:
    return {"request_id": f"q{i}", "community_id": cid, "channel": "online", "received_on": received,
            "closed_on": closed, "satisfied": satisfied}


def test_requests_per_1k_households() -> None:
    t = make(
        resident_requests=[_request(1, "a", "2024-01-01"), _request(2, "a", "2024-06-01"),
                           _request(3, "a", "2024-12-31"), _request(4, "b", "2024-02-02"),
                           _request(5, "b", "2023-12-31")],
        population=[pop("a", households=500), pop("b", households=250)],
    )
    f = lin_zhi.requests_per_1k_households(t, years=[2024])
    # a 3/500 × 1000 = 6; b 1/250 × 1000 = 4; zone 4/750 × 1000 = 5.333…
    assert val(f, "a") == approx(6.0)
    assert val(f, "b") == approx(4.0)
    assert val(f, "z") == approx(4 / 750 * 1000)


def test_requests_closed_pct_counts_closing_after_the_year() -> None:
    t = make(resident_requests=[
        _request(1, "a", "2024-03-01", "2024-03-02"),
        _request(2, "a", "2024-12-30", "2025-01-10"),  # closed after Y: still "with a closed_on"
        _request(3, "a", "2024-12-31"),  # open
        _request(4, "a", "2023-12-31", "2024-01-02"),  # received in 2023
    ])
    f = lin_zhi.requests_closed_pct(t, years=[2024])
    # a 2/3 = 66.67 %; b none -> missing; zone 2/3
    assert val(f, "a") == approx(200 / 3)
    assert math.isnan(val(f, "b"))
    assert why(f, "b") == "denominator is 0: no requests received in 2024"
    assert val(f, "z") == approx(200 / 3)


def test_request_median_days_even_count_and_pooled_zone() -> None:
    t = make(resident_requests=[
        _request(1, "a", "2024-01-01", "2024-01-02"),  # 1 day
        _request(2, "a", "2024-02-01", "2024-02-05"),  # 4 days
        _request(3, "a", "2024-03-01", "2024-03-11"),  # 10 days
        _request(4, "a", "2024-04-01"),  # open: not counted
        _request(5, "b", "2024-05-01", "2024-05-03"),  # 2 days
        _request(6, "b", "2024-12-31", "2025-01-03"),  # 3 days (received in 2024)
    ])
    f = lin_zhi.request_median_days(t, years=[2024, 2025])
    # a median(1, 4, 10) = 4; b median(2, 3) = 2.5; zone median(1, 2, 3, 4, 10) = 3 (mean of medians 3.25)
    assert val(f, "a") == 4.0
    assert val(f, "b") == 2.5
    assert val(f, "z") == 3.0
    assert math.isnan(val(f, "a", 2025))
    # no request at all was received in 2025: the ledger does not cover that year
    assert why(f, "a", 2025) == "no records for 2025 in resident_requests"


def test_request_satisfied_pct_ignores_unrated() -> None:
    t = make(resident_requests=[
        _request(1, "a", "2024-01-01", satisfied=True), _request(2, "a", "2024-01-02", satisfied=False),
        _request(3, "a", "2024-01-03"), _request(4, "a", "2024-01-04", satisfied=True),
        _request(5, "b", "2024-01-05"),
    ])
    f = lin_zhi.request_satisfied_pct(t, years=[2024])
    # a 2 true of 3 rated = 66.67 %; b none rated -> missing; zone 2/3
    assert val(f, "a") == approx(200 / 3)
    assert why(f, "b") == "denominator is 0: no rated requests received in 2024"
    assert val(f, "z") == approx(200 / 3)


# ======================================================================== lin_he


def test_disputes_per_1k_households() -> None:
    t = make(mediation_cases=_ids([_case("a", "2024-01-01"), _case("a", "2024-02-01")], "case_id"),
             population=[pop("a", households=400), pop("b", households=100)])
    f = lin_he.disputes_per_1k_households(t, years=[2024])
    # a 2/400 × 1000 = 5; b 0/100 = 0 (a value, not missing); zone 2/500 × 1000 = 4
    assert (val(f, "a"), val(f, "b"), val(f, "z")) == (approx(5.0), 0.0, approx(4.0))


def test_mediation_success_pct_pending_and_empty_denominator() -> None:
    t = make(mediation_cases=_ids([
        _case("a", "2024-01-01", "resolved"), _case("a", "2024-01-02", "resolved"),
        _case("a", "2024-01-03", "failed"), _case("a", "2024-01-04", "pending"),
        _case("a", "2024-01-05", "pending"), _case("b", "2024-01-06", "pending"),
    ], "case_id"))
    f = lin_he.mediation_success_pct(t, years=[2024])
    # a 2 resolved of 3 decided (pending left out) = 66.67 %
    assert val(f, "a") == approx(200 / 3)
    # b only pending -> denominator 0
    assert math.isnan(val(f, "b"))
    assert why(f, "b") == "denominator is 0: no cases other than pending received in 2024"
    # zone (2 + 0) / (3 + 0)
    assert val(f, "z") == approx(200 / 3)


def test_mediation_success_pct_zone_differs_from_mean() -> None:
    t = make(mediation_cases=_ids([
        _case("a", "2024-01-01", "resolved"),
        _case("b", "2024-01-01", "resolved"), _case("b", "2024-01-02", "failed"),
        _case("b", "2024-01-03", "partial"), _case("b", "2024-01-04", "referred"),
    ], "case_id"))
    f = lin_he.mediation_success_pct(t, years=[2024])
    # a 1/1 = 100 %; b 1/4 = 25 %; zone 2/5 = 40 %, not the mean 62.5 %
    assert val(f, "a") == approx(100.0)
    assert val(f, "b") == approx(25.0)
    assert val(f, "z") == approx(40.0)
    assert val(f, "z") != approx((val(f, "a") + val(f, "b")) / 2)


def test_mediation_median_days() -> None:
    t = make(mediation_cases=_ids([
        _case("a", "2024-01-01", "resolved", closed_on="2024-01-03"),  # 2
        _case("a", "2024-02-01", "resolved", closed_on="2024-02-07"),  # 6
        _case("a", "2024-03-01", "resolved"),  # no closed_on: left out
        _case("a", "2024-04-01", "failed", closed_on="2024-07-10"),  # not resolved: left out
        _case("b", "2024-12-31", "resolved", closed_on="2025-01-10"),  # 10
    ], "case_id"))
    f = lin_he.mediation_median_days(t, years=[2024])
    # a median(2, 6) = 4; b 10; zone median(2, 6, 10) = 6 (mean of medians 7)
    assert (val(f, "a"), val(f, "b"), val(f, "z")) == (4.0, 10.0, 6.0)


def test_joint_mediation_pct_distinct_codes() -> None:
    t = make(mediation_cases=_ids([
        _case("a", "2024-01-01", mediators="police;grid_worker"),  # 2 codes: joint
        _case("a", "2024-01-02", mediators="police"),
        _case("a", "2024-01-03", mediators="police;police"),  # 1 distinct code
        _case("a", "2024-01-04"),  # none
        _case("b", "2024-01-05", mediators="lawyer;social_worker;volunteer"),
    ], "case_id"))
    f = lin_he.joint_mediation_pct(t, years=[2024])
    # a 1/4 = 25 %; b 1/1 = 100 %; zone 2/5 = 40 % (mean 62.5 %)
    assert val(f, "a") == approx(25.0)
    assert val(f, "b") == approx(100.0)
    assert val(f, "z") == approx(40.0)


def test_repeat_dispute_compounds() -> None:
    t = make(mediation_cases=_ids([
        _case("a", "2024-01-01", compound_id="c1"), _case("a", "2024-02-01", compound_id="c1"),
        _case("a", "2024-12-31", "pending", compound_id="c1"),  # pending cases count too
        _case("a", "2023-12-31", compound_id="c2"),  # 2023
        _case("a", "2024-03-01", compound_id="c2"), _case("a", "2024-04-01", compound_id="c2"),
        _case("a", "2024-05-01"), _case("a", "2024-05-02"), _case("a", "2024-05-03"),  # no compound
        _case("b", "2024-01-01", compound_id="c3"), _case("b", "2024-01-02", compound_id="c3"),
    ], "case_id"))
    f = lin_he.repeat_dispute_compounds(t, years=[2024])
    # a: c1 has 3 cases in 2024 -> 1 (c2 has 2; cases without a compound are not attributed)
    # b: c3 has 2 -> 0; zone 1
    assert (val(f, "a"), val(f, "b"), val(f, "z")) == (1.0, 0.0, 1.0)


def test_repeat_dispute_compounds_match_ids_stripped_of_white_space() -> None:
    t = make(
        compounds=[_compound("a", "c1"), _compound("a", "c2")],
        mediation_cases=_ids([
            _case("a", "2024-01-01", compound_id="c1"), _case("a", "2024-02-01", compound_id="c1"),
            _case("a", "2024-03-01", compound_id="c1"),
            _case("a", "2024-04-01", compound_id="c2"), _case("a", "2024-05-01", compound_id="c2"),
            _case("a", "2024-06-01", compound_id="c2"),
            _case("a", "2024-07-01"),
        ], "case_id"),
    )
    # white space the loaders would have trimmed, put back by hand: the indicators trim it too
    t["mediation_cases"]["compound_id"] = pd.array([" c1", "c1 ", "c1", "c2", " c2", "c3", "  "], dtype="string")
    t["compounds"]["compound_id"] = pd.array(["c1 ", "c2"], dtype="string")
    # c1: 3 cases (" c1", "c1 ", "c1") -> a repeat compound; c2: 2 ("c2", " c2"); c3: 1; "  ": no compound
    f = lin_he.repeat_dispute_compounds(t, years=[2024])
    assert (val(f, "a"), val(f, "b"), val(f, "z")) == (1.0, 0.0, 1.0)
    # a: "c1 " of the compounds table is c1 -> 1 of its 2 compounds = 50 %; b has none; zone 1 of 2
    f = lin_he.repeat_dispute_compounds_pct(t, years=[2024])
    assert val(f, "a") == approx(50.0)
    assert math.isnan(val(f, "b")) and why(f, "b") == "denominator is 0: no compounds"
    assert val(f, "z") == approx(50.0)


def test_repeat_dispute_compounds_pct_counts_the_compounds_own_cases() -> None:
    t = make(
        compounds=[_compound("a", c) for c in ("c1", "c2", "c3", "c4")] + [_compound("b", c) for c in ("c5", "c6")],
        mediation_cases=_ids([
            _case("a", "2024-01-01", compound_id="c1"), _case("a", "2024-02-01", compound_id="c1"),
            _case("a", "2024-12-31", "pending", compound_id="c1"),  # pending cases count too
            _case("a", "2023-12-31", compound_id="c2"),  # 2023
            _case("a", "2024-03-01", compound_id="c2"), _case("a", "2024-04-01", compound_id="c2"),
            _case("a", "2024-05-01"), _case("a", "2024-05-02"), _case("a", "2024-05-03"),  # no compound
            _case("b", "2024-01-01", compound_id="c5"), _case("b", "2024-01-02", compound_id="c5"),
            _case("a", "2024-07-01", compound_id="c5"),  # recorded by a, a compound of b
        ], "case_id"),
    )
    f = lin_he.repeat_dispute_compounds_pct(t, years=[2024])
    # a: c1 has 3 cases in 2024, c2 has 2 -> 1 of its 4 compounds = 25 %
    # b: c5 has 3 cases (two of b's, one recorded by a) -> 1 of 2 = 50 %
    # zone: 2 of 6 compounds = 33.33 % (the mean would be 37.5 %)
    assert val(f, "a") == approx(25.0)
    assert val(f, "b") == approx(50.0)
    assert val(f, "z") == approx(100 / 3)
    f0 = lin_he.repeat_dispute_compounds_pct(make(compounds=[_compound("a", "c1")], mediation_cases=[]),
                                             years=[2024])
    # an empty ledger covers no year: missing (never 0 %) with that reason, for every unit
    assert math.isnan(val(f0, "a")) and math.isnan(val(f0, "b"))
    assert why(f0, "a") == "no records for 2024 in mediation_cases"
    # a ledger that covers 2024 but has no case in a's compounds: 0 of a's 1 compound = 0 %;
    # b has no compound -> missing
    f1 = lin_he.repeat_dispute_compounds_pct(
        make(compounds=[_compound("a", "c1")], mediation_cases=_ids([_case("b", "2024-06-01")], "case_id")),
        years=[2024])
    assert val(f1, "a") == 0.0
    assert math.isnan(val(f1, "b"))
    assert why(f1, "b") == "denominator is 0: no compounds"


# ======================================================================= lin_zhu


def _resident(rid: str, cid: str, registered: str, left: str | None = None) -> dict[str, object]:
    return {"resident_id": rid, "community_id": cid, "group": "elderly", "registered_on": registered,
            "left_on": left}


def _service(i: int, cid: str, rid: str, date: str, minutes: int = 60) -> dict[str, object]:
    return {"service_id": f"s{i}", "community_id": cid, "resident_id": rid, "date": date,
            "service_type": "companion_visit", "minutes": minutes}


def test_vulnerable_reached_pct_members_only() -> None:
    t = make(
        vulnerable_residents=[
            _resident("p1", "a", "2024-12-31"),  # on the register at end of 2024
            _resident("p2", "a", "2020-01-01"),
            _resident("p3", "a", "2020-01-01", "2024-12-31"),  # left on 31 Dec: not on it
            _resident("p4", "a", "2025-01-01"),  # not yet
            _resident("p5", "b", "2020-01-01"),
        ],
        services=[
            _service(1, "a", "p1", "2024-12-31"),
            _service(2, "a", "p2", "2025-01-01"),  # 2025
            _service(3, "a", "p2", "2023-12-31"),  # 2023
            _service(4, "a", "p3", "2024-05-01"),  # not a member at end of 2024: not counted
            _service(5, "a", "p5", "2024-03-01"),  # recorded by a, member of b: counts for b
        ],
    )
    f = lin_zhu.vulnerable_reached_pct(t, years=[2024])
    # a register {p1, p2}, reached {p1} = 50 %; b {p5} reached = 100 %; zone 2/3 = 66.67 % (mean 75 %)
    assert val(f, "a") == approx(50.0)
    assert val(f, "b") == approx(100.0)
    assert val(f, "z") == approx(200 / 3)


def test_vulnerable_regular_pct_ten_distinct_months() -> None:
    services = [_service(i, "a", "p1", f"2024-{i:02d}-10") for i in range(1, 11)]  # months 1..10
    services += [_service(11, "a", "p1", "2024-01-20")]  # a second January service
    services += [_service(20 + i, "a", "p2", f"2024-{i:02d}-10") for i in range(1, 10)]  # months 1..9
    services += [_service(40, "a", "p2", "2023-12-10"), _service(41, "a", "p2", "2025-01-10")]
    t = make(
        vulnerable_residents=[_resident("p1", "a", "2020-01-01"), _resident("p2", "a", "2020-01-01"),
                              _resident("p5", "b", "2020-01-01", "2024-06-01")],
        services=services,
    )
    f = lin_zhu.vulnerable_regular_pct(t, years=[2024])
    # a: p1 in 10 distinct months, p2 in 9 (Dec 2023, Jan 2025 are other years) -> 1/2 = 50 %
    assert val(f, "a") == approx(50.0)
    # b: its only member left in June -> empty register
    assert math.isnan(val(f, "b"))
    assert why(f, "b") == "denominator is 0: no register members active at end of 2024"
    assert val(f, "z") == approx(50.0)


def test_service_hours_per_vulnerable_counts_all_services() -> None:
    t = make(
        vulnerable_residents=[_resident("p1", "a", "2020-01-01"), _resident("p2", "a", "2020-01-01"),
                              _resident("p3", "a", "2020-01-01", "2024-06-30"),
                              _resident("p5", "b", "2020-01-01")],
        services=[_service(1, "a", "p1", "2024-01-01", 60), _service(2, "a", "p2", "2024-02-01", 90),
                  _service(3, "a", "p3", "2024-03-01", 30),  # left in June: minutes still delivered
                  _service(4, "b", "p5", "2024-04-01", 120)],
    )
    f = lin_zhu.service_hours_per_vulnerable(t, years=[2024])
    # a (60 + 90 + 30) / 60 = 3 h / 2 members = 1.5; b 120/60 = 2 h / 1 = 2;
    # zone 300/60 = 5 h / 3 = 1.667 (mean 1.75)
    assert val(f, "a") == approx(1.5)
    assert val(f, "b") == approx(2.0)
    assert val(f, "z") == approx(5 / 3)


def test_volunteers_per_1k_residents() -> None:
    vols = [{"volunteer_id": f"v{i}", "community_id": c, "registered_on": "2024-01-01"}
            for i, c in enumerate(["a", "a", "a", "b", "b"])]
    t = make(volunteers=vols, population=[pop("a", residents=1500), pop("b", residents=500)])
    f = lin_zhu.volunteers_per_1k_residents(t, years=[2024])
    # a 3/1500 × 1000 = 2; b 2/500 × 1000 = 4; zone 5/2000 × 1000 = 2.5 (mean 3)
    assert val(f, "a") == approx(2.0)
    assert val(f, "b") == approx(4.0)
    assert val(f, "z") == approx(2.5)


def test_aid_activities_per_month() -> None:
    t = make(volunteer_activities=[
        _activity(1, "a", "2024-01-01", "elderly_aid"), _activity(2, "a", "2024-02-01", "elderly_aid"),
        _activity(3, "a", "2024-03-01", "disability_aid"), _activity(4, "a", "2024-04-01", "patrol"),
        _activity(5, "a", "2025-01-01", "elderly_aid"),
    ])
    f = lin_zhu.aid_activities_per_month(t, years=[2024])
    # a 3 aid activities / 12 = 0.25; b 0; zone 0.25
    assert (val(f, "a"), val(f, "b"), val(f, "z")) == (approx(0.25), 0.0, approx(0.25))


def test_aid_activities_per_100_vulnerable() -> None:
    t = make(
        vulnerable_residents=[_resident("p1", "a", "2020-01-01"), _resident("p2", "a", "2024-12-31"),
                              _resident("p3", "a", "2020-01-01", "2024-12-31"),  # left on 31 Dec
                              _resident("p5", "b", "2020-01-01")],
        volunteer_activities=[
            _activity(1, "a", "2024-01-01", "elderly_aid"), _activity(2, "a", "2024-02-01", "elderly_aid"),
            _activity(3, "a", "2024-03-01", "disability_aid"), _activity(4, "a", "2024-04-01", "patrol"),
            _activity(5, "a", "2025-01-01", "elderly_aid"),  # 2025
        ],
    )
    f = lin_zhu.aid_activities_per_100_vulnerable(t, years=[2024])
    # a: 3 aid activities ÷ register {p1, p2} of 2 × 100 = 150; b: 0 ÷ 1 × 100 = 0;
    # zone: 3 ÷ 3 × 100 = 100 (the mean would be 75)
    assert val(f, "a") == approx(150.0)
    assert val(f, "b") == 0.0
    assert val(f, "z") == approx(100.0)
    f0 = lin_zhu.aid_activities_per_100_vulnerable(
        make(vulnerable_residents=[_resident("p5", "b", "2020-01-01")],
             volunteer_activities=[_activity(1, "a", "2024-01-01", "elderly_aid")]), years=[2024])
    assert math.isnan(val(f0, "a"))
    assert why(f0, "a") == "denominator is 0: no register members active at end of 2024"


# ======================================================================== lin_le


def _event(i: int, cid: str, date: str, elders: int | None = 0) -> dict[str, object]:
    return {"event_id": f"e{i}", "community_id": cid, "date": date, "category": "opera",
            "participants": 50, "participants_65_plus": elders}


def test_culture_events_per_month() -> None:
    events = [_event(i, "a", f"2024-{i:02d}-01") for i in range(1, 7)]
    events += [_event(10 + i, "b", f"2024-{i:02d}-01") for i in range(1, 4)]
    t = make(culture_events=events)
    f = lin_le.culture_events_per_month(t, years=[2024])
    # a 6/12 = 0.5; b 3/12 = 0.25; zone 9/12 = 0.75
    assert (val(f, "a"), val(f, "b"), val(f, "z")) == (approx(0.5), approx(0.25), approx(0.75))


def test_culture_events_per_1k_residents() -> None:
    events = [_event(i, "a", f"2024-{i:02d}-01") for i in range(1, 7)]
    events += [_event(10 + i, "b", f"2024-{i:02d}-01") for i in range(1, 4)]
    events += [_event(20, "b", "2025-01-01")]  # 2025
    t = make(culture_events=events, population=[pop("a", residents=1500, resident_population=100),
                                                pop("b", residents=500, resident_population=100)])
    f = lin_le.culture_events_per_1k_residents(t, years=[2024])
    # a 6/1500 × 1,000 = 4; b 3/500 × 1,000 = 6; zone 9/2000 × 1,000 = 4.5 (mean 5)
    assert val(f, "a") == approx(4.0)
    assert val(f, "b") == approx(6.0)
    assert val(f, "z") == approx(4.5)
    f0 = lin_le.culture_events_per_1k_residents(
        make(culture_events=events, population=[pop("a", residents=0), pop("b", residents=500)]), years=[2024])
    assert why(f0, "a") == "denominator is 0: no residents in 2024"


def test_elder_participation_rate() -> None:
    t = make(
        culture_events=[_event(1, "a", "2024-01-01", 20), _event(2, "a", "2024-02-01", 10),
                        _event(3, "a", "2024-03-01", None),  # not recorded: skipped
                        _event(4, "b", "2024-04-01", 5)],
        population=[pop("a", age_65_plus=100), pop("b", age_65_plus=50)],
    )
    f = lin_le.elder_participation_rate(t, years=[2024])
    # a (20 + 10) / 100 = 0.3; b 5/50 = 0.1; zone 35/150 = 0.2333 (mean 0.2)
    assert val(f, "a") == approx(0.3)
    assert val(f, "b") == approx(0.1)
    assert val(f, "z") == approx(35 / 150)


def _facility(fid: str, cid: str, category: str, opened: str, area: float | None = None,
              east: float = 0.0, north: float = 0.0) -> dict[str, object]:
    return {"facility_id": fid, "community_id": cid, "name_zh": fid, "category": category,
            "floor_area_m2": area, "opened_on": opened, "geometry": offset_point(east, north)}


def test_service_area_per_100hh_categories_and_opening() -> None:
    t = make(
        facilities=[
            _facility("f1", "a", "service_center", "2024-12-31", 300),  # opened on the last day: counts
            _facility("f2", "a", "library", "2025-01-01", 100),  # not yet open
            _facility("f3", "a", "fitness", "2020-01-01"),  # not a service facility
            _facility("f4", "a", "market", "2020-01-01", 500),  # not a service facility
            _facility("f5", "a", "mediation_room", "2020-01-01", 50),
            _facility("f6", "b", "culture_room", "2020-01-01", 60),
        ],
        population=[pop("a", households=500), pop("b", households=200)],
    )
    f = lin_le.service_area_per_100hh(t, years=[2024])
    # a (300 + 50) / 500 × 100 = 70; b 60/200 × 100 = 30; zone 410/700 × 100 = 58.57 (mean 50)
    assert val(f, "a") == approx(70.0)
    assert val(f, "b") == approx(30.0)
    assert val(f, "z") == approx(410 / 700 * 100)


def _circle_tables() -> dict[str, pd.DataFrame]:
    """Compounds on an east-west line (metres from the origin), facilities around them."""
    return make(
        compounds=[
            _compound("a", "a1", 100, geometry=offset_point(0, 0)),
            _compound("a", "a2", 300, geometry=offset_point(2000, 0)),
            _compound("b", "b1", 200, geometry=offset_point(4000, 0)),
        ],
        facilities=[
            # of b, 400 m from a's compound a2: covers across the community boundary
            _facility("f1", "b", "day_care", "2020-01-01", 100, east=2400),
            # 450 m from a1 but opened in 2025
            _facility("f2", "a", "service_center", "2025-01-01", 100, north=450),
            # a library is not a life-circle category
            _facility("f3", "b", "library", "2020-01-01", 100, east=4000, north=100),
            # 520 m from b1: too far
            _facility("f4", "b", "culture_room", "2020-01-01", 100, east=4000, north=520),
            # √(300² + 300²) = 424.3 m from b1
            _facility("f5", "b", "elderly_center", "2020-01-01", 100, east=4300, north=300),
            # fitness points: 290 m from a1 (in), 310 m from a2 (out)
            _facility("f6", "a", "fitness", "2020-01-01", east=0, north=290),
            _facility("f7", "a", "fitness", "2020-01-01", east=2000, north=310),
        ],
    )


def test_life_circle_500m_pct_cross_boundary_and_not_yet_open() -> None:
    f = lin_le.life_circle_500m_pct(_circle_tables(), years=[2024, 2025])
    # 2024: a1 uncovered (f2 not open), a2 covered by b's f1 -> a 300/400 = 75 %;
    # b1 covered by f5 -> b 200/200 = 100 %; zone 500/600 = 83.33 % (mean 87.5 %)
    assert val(f, "a") == approx(75.0)
    assert val(f, "b") == approx(100.0)
    assert val(f, "z") == approx(500 / 600 * 100)
    # 2025: f2 opens -> a1 covered, a 400/400 = 100 %
    assert val(f, "a", 2025) == approx(100.0)


def test_fitness_300m_pct() -> None:
    f = lin_le.fitness_300m_pct(_circle_tables(), years=[2024])
    # a1 within 290 m (100 households), a2 310 m away -> a 100/400 = 25 %; b 0 %; zone 100/600
    assert val(f, "a") == approx(25.0)
    assert val(f, "b") == 0.0
    assert val(f, "z") == approx(100 / 600 * 100)


def test_life_circle_needs_geometry() -> None:
    t = _circle_tables()
    t["compounds"] = pd.DataFrame(t["compounds"].drop(columns="geometry"))
    f = lin_le.life_circle_500m_pct(t, years=[2024])
    assert why(f, "a") == "table compounds has no geometry"


# ================================================================== satisfaction

ITEMS = {
    "q_overall": satisfaction.overall_satisfied_pct,
    "q_environment": satisfaction.environment_satisfied_pct,
    "q_safety": satisfaction.safety_satisfied_pct,
    "q_services": satisfaction.services_satisfied_pct,
    "q_participation": satisfaction.participation_satisfied_pct,
    "q_harmony": satisfaction.harmony_satisfied_pct,
    "q_culture": satisfaction.culture_satisfied_pct,
}


@pytest.mark.parametrize("item", list(ITEMS))
def test_satisfied_pct_weighted_share_and_wilson_interval(item: str) -> None:
    rows = [
        {"response_id": "r1", "community_id": "a", "year": 2024, "weight": 2.0, item: 5},
        {"response_id": "r2", "community_id": "a", "year": 2024, "weight": 1.0, item: 3},
        {"response_id": "r3", "community_id": "a", "year": 2024, "weight": 1.0, item: 4},
        {"response_id": "r4", "community_id": "a", "year": 2024, item: 1},  # empty weight -> 1
        {"response_id": "r5", "community_id": "a", "year": 2024, "weight": 3.0},  # no answer
        {"response_id": "r6", "community_id": "b", "year": 2023, "weight": 1.0, item: 5},  # other year
    ]
    t = make(survey_responses=rows)
    t["survey_responses"].loc[3, "weight"] = np.nan  # the loader fills 1; be robust anyway
    f = ITEMS[item](t, years=[2024])
    assert list(f.columns) == [f"{item[2:]}_satisfied_pct", "ci_low", "ci_high", "reason"]
    # Σw = 2 + 1 + 1 + 1 = 5; Σw·[q ≥ 4] = 2 + 1 = 3 -> p = 60 %
    assert val(f, "a") == approx(60.0)
    # n_eff = 5² / (4 + 1 + 1 + 1) = 25/7 = 3.5714; z² = 3.841459, z²/n = 1.075609
    # centre = (0.6 + 1.075609/2) / 2.075609 = 0.548178
    # half = 1.959964/2.075609 × √(0.24/3.5714 + 1.075609/(4 × 3.5714)) = 0.944283 × 0.377482 = 0.356450
    # -> 19.17 % .. 90.46 %
    low = f.loc[("community", "a", 2024), "ci_low"]
    high = f.loc[("community", "a", 2024), "ci_high"]
    assert low == pytest.approx(19.1728, abs=1e-3)
    assert high == pytest.approx(90.4629, abs=1e-3)
    # b answered only in 2023
    assert math.isnan(val(f, "b")) and why(f, "b") == f"no answers to {item} in 2024"
    assert math.isnan(f.loc[("community", "b", 2024), "ci_low"])
    # zone pools a's answers only
    assert val(f, "z") == approx(60.0)


def test_satisfaction_zone_pools_answers() -> None:
    t = make(survey_responses=[
        {"response_id": "r1", "community_id": "a", "year": 2024, "weight": 1.0, "q_safety": 5},
        {"response_id": "r2", "community_id": "a", "year": 2024, "weight": 1.0, "q_safety": 2},
        {"response_id": "r3", "community_id": "b", "year": 2024, "weight": 3.0, "q_safety": 4},
    ])
    f = satisfaction.safety_satisfied_pct(t, years=[2024])
    # a 1/2 = 50 %; b 3/3 = 100 %; zone (1 + 3) / 5 = 80 % (mean 75 %)
    assert val(f, "a") == approx(50.0)
    assert val(f, "b") == approx(100.0)
    assert val(f, "z") == approx(80.0)
    # b: p = 1, n_eff = 9/9 = 1: the interval still holds p: high = 100 %
    assert f.loc[("community", "b", 2024), "ci_high"] == approx(100.0)


def test_satisfaction_without_weight_column() -> None:
    t = make(survey_responses=[
        {"response_id": "r1", "community_id": "a", "year": 2024, "q_overall": 5},
        {"response_id": "r2", "community_id": "a", "year": 2024, "q_overall": 2},
    ])
    t["survey_responses"] = t["survey_responses"].drop(columns="weight")
    f = satisfaction.overall_satisfied_pct(t, years=[2024])
    # weights 1: 1/2 = 50 %
    assert val(f, "a") == approx(50.0)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(1, 5), st.floats(0.05, 20, allow_nan=False)), min_size=1, max_size=40
    )
)
def test_wilson_interval_contains_estimate(answers: list[tuple[int, float]]) -> None:
    q = np.array([a for a, _ in answers], dtype=float)
    w = np.array([b for _, b in answers])
    p = (w * (q >= 4)).sum() / w.sum()
    n_eff = w.sum() ** 2 / (w**2).sum()
    low, high = satisfaction.wilson_interval(p, n_eff)
    assert 0.0 <= low <= p <= high <= 1.0


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.sampled_from(["a", "b"]), st.one_of(st.none(), st.integers(1, 5)),
                  st.floats(0.1, 10, allow_nan=False)),
        min_size=1, max_size=25,
    )
)
def test_satisfaction_intervals_within_0_100(rows: list[tuple[str, int | None, float]]) -> None:
    t = make(survey_responses=[
        {"response_id": f"r{i}", "community_id": c, "year": 2024, "weight": w, "q_overall": q}
        for i, (c, q, w) in enumerate(rows)
    ])
    f = satisfaction.overall_satisfied_pct(t, years=[2024])
    known = f.dropna(subset=["overall_satisfied_pct"])
    assert len(known) >= 1 or all(q is None for _, q, _ in rows)
    for _, r in known.iterrows():
        assert 0.0 <= r["ci_low"] <= r["overall_satisfied_pct"] <= r["ci_high"] <= 100.0


# ===================================================================== missing data


def test_absent_table_gives_reason_for_every_unit() -> None:
    f = lin_zhu.vulnerable_reached_pct(make(), years=[2024])
    assert f["vulnerable_reached_pct"].isna().all()
    assert set(f["reason"]) == {"table vulnerable_residents absent"}


def test_absent_population_reason() -> None:
    f = lin_he.disputes_per_1k_households(make(mediation_cases=[]), years=[2024])
    assert set(f["reason"]) == {"table population absent"}


def test_partial_zone_population_is_missing_with_community_named() -> None:
    t = make(mediation_cases=_ids([_case("a", "2024-01-01")], "case_id"), population=[pop("a")])
    f = lin_he.disputes_per_1k_households(t, years=[2024])
    # a 1/400 × 1000 = 2.5; b lacks its row; the zone would be 1/400 from a alone — refused
    assert val(f, "a") == approx(2.5)
    assert why(f, "b") == "no population row for 2024"
    assert math.isnan(val(f, "z"))
    assert why(f, "z") == "no population row for 2024 (community b)"


def test_several_zones() -> None:
    communities = [*COMMUNITIES, {"community_id": "c", "name_zh": "丙社区", "zone_id": "y"}]
    t = make(communities=communities, mediation_cases=_ids(
        [_case("a", "2024-01-01"), _case("c", "2024-01-01"), _case("c", "2024-02-01", "failed")], "case_id"))
    f = lin_he.mediation_success_pct(t, years=[2024])
    # units: communities a, b, c then zones y, z
    assert list(f.index.get_level_values("unit_id")) == ["a", "b", "c", "y", "z"]
    # zone y = c: 1/2 = 50 %; zone z = a + b: 1/1 = 100 %
    assert val(f, "y") == approx(50.0)
    assert val(f, "z") == approx(100.0)


# ======================================================================== compute

CATALOGUE_IDS = li.catalogue.load().ids


def test_compute_shape_order_and_dtypes() -> None:
    long = li.compute(example_tables(), years=[2024, 2023])
    assert tuple(long.columns) == li.COLUMNS
    # 2 communities + 1 zone, 2 years, 49 indicators
    assert len(long) == 3 * 2 * 49
    assert [str(d) for d in long.dtypes] == [
        "string", "string", "int64", "string", "float64", "float64", "float64", "string"]
    units = list(dict.fromkeys(zip(long["unit_type"], long["unit_id"], long["year"], strict=True)))
    assert units == [("community", "a", 2023), ("community", "a", 2024), ("community", "b", 2023),
                     ("community", "b", 2024), ("zone", "z", 2023), ("zone", "z", 2024)]
    assert list(long["indicator"][:49]) == list(CATALOGUE_IDS)
    # the reason is NA exactly where the value is present
    assert (long["value"].isna() == long["reason"].notna()).all()
    # intervals only for satisfaction
    sat_ids = [i.id for i in li.catalogue.load().in_dimension("satisfaction")]
    sat = long["indicator"].isin(sat_ids)
    assert long.loc[~sat, ["ci_low", "ci_high"]].isna().all().all()
    assert long.loc[sat & long["value"].notna(), "ci_low"].notna().all()


def test_compute_matches_indicator_functions() -> None:
    t = example_tables()
    long = li.compute(t, years=[2024])
    for indicator_id, func in li.functions().items():
        frame = func(t, years=[2024])
        got = long.loc[long["indicator"] == indicator_id, "value"].to_numpy()
        np.testing.assert_array_equal(got, frame[indicator_id].to_numpy())


def test_compute_default_years() -> None:
    t = example_tables()
    assert li.default_years(t) == (2024,)
    del t["population"]
    # years of the event ledgers: 2023, 2024 and 2025 (the culture event of 2025-01-01)
    assert li.default_years(t) == (2023, 2024, 2025)
    assert sorted(li.compute(t)["year"].unique()) == [2023, 2024, 2025]


def test_compute_with_only_communities() -> None:
    long = li.compute(make(), years=[2024])
    assert len(long) == 3 * 49
    assert long["value"].isna().all()
    assert (long.loc[long["indicator"] == "services_satisfied_pct", "reason"]
            == "table survey_responses absent").all()


def test_compute_without_years_or_ledgers_is_empty() -> None:
    long = li.compute(make())
    assert long.empty and tuple(long.columns) == li.COLUMNS


def test_compute_is_byte_identical() -> None:
    def csv() -> bytes:
        buf = io.StringIO()
        li.compute(example_tables())[list(li.OUTPUT_COLUMNS)].to_csv(buf, index=False)
        return buf.getvalue().encode()

    assert csv() == csv()


def test_compute_in_threads_equals_compute_in_one(monkeypatch: pytest.MonkeyPatch) -> None:
    t = example_tables()
    monkeypatch.setattr(li, "THREADED_FROM_ROWS", 0)  # threads however small the tables
    in_threads = li.compute(t)
    monkeypatch.setattr(li, "THREADS", 1)
    pd.testing.assert_frame_equal(in_threads, li.compute(t))


def test_threads_start_on_the_largest_tables_each_and_end_on_what_they_share() -> None:
    ids = li.catalogue.load().ids
    rows = {"communities": 3, "population": 3, "services": 1000, "vulnerable_residents": 100,
            "survey_responses": 500, "volunteers": 50}  # every other table absent
    order = [ids[k] for k in li.schedule({name: pd.DataFrame(index=range(n)) for name, n in rows.items()})]
    assert sorted(order) == sorted(ids)  # each indicator once
    # first, one indicator per table, largest first: services (1000 rows; its first
    # indicator in the catalogue), survey_responses (500), vulnerable_residents (100: the
    # first of those whose largest present table it is), volunteers (50), population (3),
    # then those of absent tables only (0 rows; culture_events, the first)
    assert order[:6] == ["vulnerable_reached_pct", "overall_satisfied_pct", "aid_activities_per_100_vulnerable",
                         "volunteers", "residents", "mediation_cases"]
    # last, the other indicators of services, whose frames the first has made by then
    assert order[-2:] == ["vulnerable_regular_pct", "service_hours_per_vulnerable"]


@pytest.mark.parametrize(("rows_from", "threads"), [(0, 2), (10**9, 1)])
def test_small_tables_are_computed_in_one_thread(
    monkeypatch: pytest.MonkeyPatch, rows_from: int, threads: int
) -> None:
    import concurrent.futures

    asked: list[int | None] = []
    real = concurrent.futures.ThreadPoolExecutor

    class Counting(real):  # type: ignore[misc,valid-type]
        def __init__(self, max_workers: int | None = None, **kwargs: object) -> None:
            asked.append(max_workers)
            super().__init__(max_workers, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(li, "ThreadPoolExecutor", Counting)
    monkeypatch.setattr(li, "THREADED_FROM_ROWS", rows_from)
    li.compute(example_tables(), years=[2024])
    assert asked == [threads]  # the example's few dozen rows: two threads only when told from 0 rows


def test_a_cached_frame_is_made_once_whichever_threads_ask() -> None:
    ctx = Context.build(example_tables(), [2024])
    made: list[int] = []
    started = threading.Event()

    def make() -> list[int]:
        started.set()
        time.sleep(0.05)  # long enough for the other threads to ask meanwhile
        made.append(1)
        return [len(made)]

    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(lambda _: ctx.cached(("k",), make), range(8)))
    assert started.is_set() and made == [1]
    assert all(g is got[0] for g in got)  # the one object made, to every thread


def test_each_thread_notes_the_ledgers_of_its_own_indicator() -> None:
    ctx = Context.build(example_tables(), [2024])
    barrier = threading.Barrier(2)

    def use(name: str) -> list[str]:
        ctx.used.clear()
        ctx.events(name)
        barrier.wait()  # both have noted theirs before either reads
        return list(ctx.used)

    with ThreadPoolExecutor(2) as pool:
        got = list(pool.map(use, ["services", "mediation_cases"]))
    assert got == [["services"], ["mediation_cases"]]


def test_compute_rejects_bad_input() -> None:
    with pytest.raises(ContractError, match="no 'communities' table"):
        li.compute({})
    with pytest.raises(ContractError, match="not a whole number"):
        li.compute(make(), years=[2024.5])


def _shuffle(tables: Mapping[str, pd.DataFrame], seed: int) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    out = {}
    for name, df in tables.items():
        order = rng.permutation(len(df))
        out[name] = df.iloc[order].reset_index(drop=True) if seed % 2 else df.iloc[order]
    return out


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**32 - 1))
def test_reordering_rows_and_units_changes_nothing(seed: int) -> None:
    tables = example_tables()
    tables["communities"] = clean_table("communities", [
        {"community_id": "c", "name_zh": "丙", "zone_id": "y"},
        {"community_id": "a", "name_zh": "甲", "zone_id": "z"},
        {"community_id": "b", "name_zh": "乙", "zone_id": "z"},
    ])
    expected = li.compute(tables, years=[2023, 2024])
    got = li.compute(_shuffle(tables, seed), years=[2024, 2023])
    pd.testing.assert_frame_equal(got, expected, check_exact=False, rtol=1e-12)


# ======================================================================= years covered


def test_a_year_without_records_is_missing_not_zero() -> None:
    # cases in 2024 only; population rows for 2024 and 2025
    t = make(
        population=[pop("a", 2024), pop("b", 2024), pop("a", 2025), pop("b", 2025)],
        mediation_cases=[_case("a", "2024-03-01"), _case("a", "2024-04-01")],
    )
    long = li.compute(t)
    cases = long[long["indicator"] == "mediation_cases"].set_index(["unit_id", "year"])
    # 2024 is covered: a has 2 cases, b none (a real 0), the zone 2 + 0 = 2
    assert cases.loc[("a", 2024), "value"] == 2
    assert cases.loc[("b", 2024), "value"] == 0
    assert cases.loc[("z", 2024), "value"] == 2
    # 2025 is not: missing for every unit, with the reason
    for unit in ("a", "b", "z"):
        assert math.isnan(cases.loc[(unit, 2025), "value"])
        assert cases.loc[(unit, 2025), "reason"] == "no records for 2025 in mediation_cases"
    # an indicator from population alone is there for 2025: 1000 + 1000 residents in the zone
    residents = long[long["indicator"] == "residents"].set_index(["unit_id", "year"])
    assert residents.loc[("z", 2025), "value"] == 2000


def test_every_register_indicator_is_missing_in_a_year_services_do_not_cover() -> None:
    # the example's services are dated 2023-12-31 and in 2024: none in 2022, so the services
    # ledger does not cover 2022. Both indicators that read the months served must be missing
    # for 2022 in compute() too, where the second one finds those months already worked out.
    long = li.compute(example_tables(), years=[2022, 2024])
    for indicator in ("vulnerable_reached_pct", "vulnerable_regular_pct"):
        rows = long[long["indicator"] == indicator].set_index(["unit_id", "year"])
        for unit in ("a", "b", "z"):
            assert math.isnan(rows.loc[(unit, 2022), "value"]), (indicator, unit)
            assert rows.loc[(unit, 2022), "reason"] == "no records for 2022 in services"
    # 2024 is covered. a's register at the end of 2024 is p1 and p2 (p3 left on 31 December):
    # p1 is served in 10 months (Jan–Oct), p2 in one -> reached 2/2 = 100 %, regular 1/2 = 50 %
    rows = long[long["unit_id"] == "a"].set_index(["indicator", "year"])
    assert rows.loc[("vulnerable_reached_pct", 2024), "value"] == approx(100.0)
    assert rows.loc[("vulnerable_regular_pct", 2024), "value"] == approx(50.0)


def test_a_declared_year_counts_zero() -> None:
    t = make(
        population=[pop("a", 2024), pop("b", 2024), pop("a", 2025), pop("b", 2025)],
        mediation_cases=[_case("a", "2024-03-01")],
    )
    long = li.compute(t, covers={"mediation_cases": [2025]})
    cases = long[long["indicator"] == "mediation_cases"].set_index(["unit_id", "year"])
    # the office says its 2025 ledger is complete: no case is 0 cases
    assert cases.loc[("a", 2025), "value"] == 0
    assert cases.loc[("z", 2025), "value"] == 0


def test_no_year_after_as_of() -> None:
    import datetime as dt

    t = make(population=[pop("a", 2024), pop("b", 2024), pop("a", 2025), pop("b", 2025)])
    long = li.compute(t, as_of=dt.date(2024, 12, 31))
    assert set(long["year"]) == {2024}  # 2025 comes after the as-of date
    with pytest.raises(ContractError, match=r"2025 do not end by the data's as-of date 2024-12-31"):
        li.compute(t, years=[2025], as_of=dt.date(2024, 12, 31))
    # 2025 is not over on 2025-06-30: it is not assessed either
    assert set(li.compute(t, as_of=dt.date(2025, 6, 30))["year"]) == {2024}


def test_years_in_the_data() -> None:
    t = make(population=[pop("a", 2024)], mediation_cases=[_case("a", "2022-03-01")])
    # population speaks of 2024, the cases ledger of 2022; a declared year counts too
    assert li.data_years(t) == (2022, 2024)
    assert li.data_years(t, covers={"mediation_cases": [2023]}) == (2022, 2023, 2024)


def test_tiny_survey_weights_give_the_interval_of_their_ratios() -> None:
    def responses(w1: float, w2: float) -> dict[str, pd.DataFrame]:
        return make(survey_responses=[
            {"response_id": "r1", "community_id": "a", "year": 2024, "weight": w1, "q_overall": 5},
            {"response_id": "r2", "community_id": "a", "year": 2024, "weight": w2, "q_overall": 2},
        ])

    tiny = satisfaction.overall_satisfied_pct(responses(1e-300, 2e-300), years=[2024])
    # weights 1 : 2, one satisfied (weight 1): p = 1/3; n_eff = (1 + 2)² / (1² + 2²) = 9/5 = 1.8.
    # Wilson, z² = 3.8415: z²/n = 2.1342; centre = (0.3333 + 1.0671) / 3.1342 = 0.4468;
    # half = 1.96 / 3.1342 × √(0.2222/1.8 + 3.8415/(4 × 3.24)) = 0.6254 × 0.6480 = 0.4052
    # → [4.16 %, 85.20 %] (the squares of 1e-300 underflow to 0 unless the weights are scaled)
    row = tiny.loc[("community", "a", 2024)]
    assert row["overall_satisfied_pct"] == approx(100 / 3)
    assert round(row["ci_low"], 1) == 4.2 and round(row["ci_high"], 1) == 85.2
