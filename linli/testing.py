"""Small hand-made inputs for the doctests and the tests, kept out of the library proper.

As geopandas ships ``geopandas.testing``, linli ships these so that the docstrings'
examples run anywhere: a worked dataset of clean tables for the indicators, and a
community's and a zone's results for the report tables.

:func:`example_unit` and :func:`example_zone` are tiny :class:`linli.handoff.UnitSlice`
(community ``jia`` 甲社区, brand 邻和, of zone ``model`` 示范街道, 2022 → 2024; the zone
adds community ``yi`` 乙社区); their numbers are set by hand, not computed.

The worked dataset and the clean-table builder:

:func:`clean_table` builds a table exactly as the dataset loader hands it to the
indicators (contract column order and dtypes; geo tables as GeoDataFrames in
EPSG:4326) from a few dicts — for examples, tests and notebooks.

:func:`example_tables` is the dataset every indicator docstring uses: zone ``z``
with communities ``a`` and ``b``, year 2024. Results are listed in unit order
``[a, b, z]``; the zone pools the records of ``a`` and ``b``. The hand working of
each figure is given below.

Population 2024 — a: residents 1000, resident_population 800, households 400,
aged 65+ 200; b: 3000, 2000, 600, 300; z: 4000, 2800, 1000, 500.

Mediation cases received in 2024 (``m4`` was received on 2023-12-31 and belongs to
2023) — a: m1 resolved in 10 days by police;grid_worker, m2 failed, m3 pending
(police;volunteer); b: m5 resolved in 4 days (police;lawyer;grid_worker), m6
resolved in 6 days (no mediators), m7 referred (police;police — one distinct code).
All of a's in compound ca1, all of b's in cb1. Success a 1/2 = 50 %, b 2/3 =
66.67 %, z 3/5 = 60 % (not the mean 58.33 %).

Rosters active at the end of 2024 — organisations a 1 (o2 dissolved on 2024-12-31
is out), b 1 (o3 registered on 2024-12-31 is in); volunteers a 3 (v1, v2 in team
"patrol", v3 without a team; v4 left on 2024-12-31), b 2 (v5 "patrol", v6 "care");
charity resources a 1, b 0; social workers a 1, b 1 (w3 left mid-2024).

Volunteer activities in 2024 — a: elderly_aid 6 h, patrol 10.5 h; b: disability_aid
4 h (an elderly_aid activity of 100 h on 2023-12-31 is not in 2024).

Compounds — a: ca1 300 households (party branch 2020, renovated 2024-12-31), ca2 100
households (party branch 2025 — not yet; owners' committee 2024); b: cb1 600
households (party branch 2019, renovated 2023).

Requests received in 2024 — a: 3 days (satisfied), 10 days (not satisfied), one
open and unrated from 2024-12-31; b: 1 day (satisfied).

Register at the end of 2024 — a: p1, p2 (p3 left on 2024-12-31); b: p4. Services in
2024: p1 60 min in each of Jan–Oct (10 months), p2 30 min, p3 90 min; p4 none
(its 120 min on 2023-12-31 is in 2023).

Culture events in 2024 — a: 30 participants (20 aged 65+), 10 (10) on 2024-12-31;
b: 50 (30). An event of a on 2025-01-01 is outside 2024.

Facilities (about 26.9° N, 112.6° E; 0.001° of latitude ≈ 111 m, of longitude ≈ 99 m)
— f1 service_center of a, 400 m², ≈ 99 m east of ca1; f2 elderly_center of b,
200 m², opened 2024-12-31, ≈ 388 m north of cb1; f3 fitness of a ≈ 166 m south of ca2;
f4 library of b, 100 m², opened 2025 (not yet). ca2 is ≈ 1.1 km from any life-circle
facility.

Survey 2024 — a: r1 weight 1 all answers 5, r2 weight 1 all 3, r3 weight 2 only
q_overall = 4; b: r4 q_overall 2 and the rest 4, r5 q_overall empty and the rest 5.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import Transformer
from shapely.geometry import Point

from .access import utm_crs
from .contract import TABLES, Column
from .errors import ContractError
from .spec import SCORED_DIMENSIONS

if TYPE_CHECKING:
    from .handoff import UnitSlice

__all__ = ["clean_table", "example_tables", "example_unit", "example_zone", "offset_point"]


def _coerce(values: list[object], column: Column) -> pd.Series:
    if column.default is not None:
        values = [column.default if v is None else v for v in values]
    kind = column.kind
    if kind == "date":
        return pd.Series(pd.to_datetime(pd.Series(values, dtype=object)), dtype="datetime64[ns]")
    if kind == "int":
        return pd.Series(pd.array(values, dtype="Int64"))
    if kind == "float":
        return pd.Series([np.nan if v is None else float(v) for v in values], dtype="float64")  # type: ignore[arg-type]
    if kind == "bool":
        return pd.Series(pd.array(values, dtype="boolean"))
    return pd.Series(pd.array(values, dtype="string"))


def clean_table(
    name: str,
    rows: Sequence[Mapping[str, object]] = (),
    *,
    crs: str = "EPSG:4326",
) -> pd.DataFrame:
    """Return clean table ``name`` built from ``rows`` (dicts of column → value).

    Columns not given are empty; dates may be ISO strings; geo tables take a
    ``geometry`` key with shapely geometries in ``crs`` and become GeoDataFrames.

    Examples
    --------
    >>> t = clean_table("population", [{"community_id": "a", "year": 2024, "residents": 10}])
    >>> list(t.columns), str(t["year"].dtype)
    (['community_id', 'year', 'residents', 'resident_population', 'households', 'age_65_plus', 'disabled'], 'Int64')
    """
    spec = TABLES[name]
    columns = spec.clean_columns
    known = {c.name for c in columns} | ({"geometry"} if spec.is_geo else set())
    for i, row in enumerate(rows):
        unknown = sorted(set(row) - known)
        if unknown:
            msg = f"Row {i} of {name!r} has unknown columns {unknown}; known: {sorted(known)}."
            raise ContractError(msg)
    data = {c.name: _coerce([row.get(c.name) for row in rows], c) for c in columns}
    frame = pd.DataFrame(data, index=pd.RangeIndex(len(rows)))
    if spec.is_geo:
        geometry = gpd.GeoSeries([row.get("geometry") for row in rows], crs=crs)
        frame = gpd.GeoDataFrame(frame, geometry=geometry, crs=crs)
    return frame


def offset_point(east_m: float, north_m: float, *, origin: tuple[float, float] = (112.6, 26.9)) -> Point:
    """Return the WGS84 point ``east_m`` east and ``north_m`` north of ``origin`` (lon, lat).

    The offsets are exact in the UTM zone of ``origin`` (:func:`linli.access.utm_crs`),
    which is the metric CRS the accessibility functions pick for nearby data.

    Examples
    --------
    >>> p = offset_point(0, 1000)
    >>> round(p.x, 3), round(p.y, 3)  # about 0.009° of latitude north
    (112.6, 26.909)
    """
    crs = utm_crs(*origin)
    x0, y0 = Transformer.from_crs(4326, crs, always_xy=True).transform(*origin)
    lon, lat = Transformer.from_crs(crs, 4326, always_xy=True).transform(x0 + east_m, y0 + north_m)
    return Point(lon, lat)


def _p(lon: float, lat: float) -> Point:
    return Point(lon, lat)


def example_tables() -> dict[str, pd.DataFrame]:
    """Return the worked dataset described in the module docstring.

    Examples
    --------
    >>> sorted(example_tables())[:3]
    ['charity_resources', 'communities', 'compounds']
    """
    t: dict[str, pd.DataFrame] = {}
    t["communities"] = clean_table("communities", [
        {"community_id": "a", "name_zh": "甲社区", "brand": "lin_he", "zone_id": "z"},
        {"community_id": "b", "name_zh": "乙社区", "brand": "lin_zhu", "zone_id": "z"},
    ])
    t["population"] = clean_table("population", [
        {"community_id": "a", "year": 2024, "residents": 1000, "resident_population": 800,
         "households": 400, "age_65_plus": 200, "disabled": 10},
        {"community_id": "b", "year": 2024, "residents": 3000, "resident_population": 2000,
         "households": 600, "age_65_plus": 300, "disabled": 20},
    ])
    t["compounds"] = clean_table("compounds", [
        {"compound_id": "ca1", "community_id": "a", "name_zh": "甲一", "households": 300,
         "party_branch_since": "2020-05-01", "renovation_completed_on": "2024-12-31",
         "geometry": _p(112.600, 26.900)},
        {"compound_id": "ca2", "community_id": "a", "name_zh": "甲二", "households": 100,
         "party_branch_since": "2025-01-01", "owners_committee_since": "2024-03-01",
         "geometry": _p(112.600, 26.910)},
        {"compound_id": "cb1", "community_id": "b", "name_zh": "乙一", "households": 600,
         "party_branch_since": "2019-01-01", "renovation_completed_on": "2023-06-01",
         "geometry": _p(112.610, 26.900)},
    ])
    t["facilities"] = clean_table("facilities", [
        {"facility_id": "f1", "community_id": "a", "name_zh": "甲中心", "category": "service_center",
         "floor_area_m2": 400.0, "opened_on": "2020-01-01", "geometry": _p(112.601, 26.900)},
        {"facility_id": "f2", "community_id": "b", "name_zh": "乙养老", "category": "elderly_center",
         "floor_area_m2": 200.0, "opened_on": "2024-12-31", "geometry": _p(112.610, 26.9035)},
        {"facility_id": "f3", "community_id": "a", "name_zh": "甲健身", "category": "fitness",
         "opened_on": "2022-01-01", "geometry": _p(112.600, 26.9085)},
        {"facility_id": "f4", "community_id": "b", "name_zh": "乙阅览", "category": "library",
         "floor_area_m2": 100.0, "opened_on": "2025-01-01", "geometry": _p(112.610, 26.905)},
    ])
    t["social_organizations"] = clean_table("social_organizations", [
        {"org_id": "o1", "community_id": "a", "name_zh": "书画社", "kind": "culture",
         "registered_on": "2020-01-01"},
        {"org_id": "o2", "community_id": "a", "name_zh": "旧社团", "kind": "other",
         "registered_on": "2021-01-01", "dissolved_on": "2024-12-31"},
        {"org_id": "o3", "community_id": "b", "name_zh": "新社团", "kind": "elderly",
         "registered_on": "2024-12-31"},
    ])
    t["volunteers"] = clean_table("volunteers", [
        {"volunteer_id": "v1", "community_id": "a", "team": "patrol", "registered_on": "2022-01-01"},
        {"volunteer_id": "v2", "community_id": "a", "team": "patrol", "registered_on": "2023-01-01"},
        {"volunteer_id": "v3", "community_id": "a", "registered_on": "2023-01-01"},
        {"volunteer_id": "v4", "community_id": "a", "team": "arts", "registered_on": "2022-01-01",
         "left_on": "2024-12-31"},
        {"volunteer_id": "v5", "community_id": "b", "team": "patrol", "registered_on": "2024-06-01"},
        {"volunteer_id": "v6", "community_id": "b", "team": "care", "registered_on": "2024-01-01"},
    ])
    t["charity_resources"] = clean_table("charity_resources", [
        {"resource_id": "r1", "community_id": "a", "name_zh": "爱心超市", "kind": "merchant",
         "joined_on": "2023-01-01"},
    ])
    t["social_workers"] = clean_table("social_workers", [
        {"worker_id": "w1", "community_id": "a", "joined_on": "2020-01-01"},
        {"worker_id": "w2", "community_id": "b", "joined_on": "2019-01-01"},
        {"worker_id": "w3", "community_id": "b", "joined_on": "2022-01-01", "left_on": "2024-06-30"},
    ])
    t["volunteer_activities"] = clean_table("volunteer_activities", [
        {"activity_id": "act1", "community_id": "a", "date": "2024-01-01", "category": "elderly_aid",
         "volunteers": 3, "hours": 6.0},
        {"activity_id": "act2", "community_id": "a", "date": "2024-07-01", "category": "patrol",
         "volunteers": 3, "hours": 10.5},
        {"activity_id": "act3", "community_id": "b", "date": "2024-03-03", "category": "disability_aid",
         "volunteers": 2, "hours": 4.0},
        {"activity_id": "act4", "community_id": "b", "date": "2023-12-31", "category": "elderly_aid",
         "volunteers": 10, "hours": 100.0},
    ])
    t["mediation_cases"] = clean_table("mediation_cases", [
        {"case_id": "m1", "community_id": "a", "compound_id": "ca1", "received_on": "2024-01-10",
         "closed_on": "2024-01-20", "dispute_type": "noise", "mediators": "police;grid_worker",
         "outcome": "resolved"},
        {"case_id": "m2", "community_id": "a", "compound_id": "ca1", "received_on": "2024-03-01",
         "closed_on": "2024-03-31", "dispute_type": "parking", "mediators": "grid_worker",
         "outcome": "failed"},
        {"case_id": "m3", "community_id": "a", "compound_id": "ca1", "received_on": "2024-12-20",
         "dispute_type": "neighbor", "mediators": "police;volunteer", "outcome": "pending"},
        {"case_id": "m4", "community_id": "a", "compound_id": "ca1", "received_on": "2023-12-31",
         "closed_on": "2024-01-05", "dispute_type": "noise", "mediators": "police",
         "outcome": "resolved"},
        {"case_id": "m5", "community_id": "b", "compound_id": "cb1", "received_on": "2024-05-01",
         "closed_on": "2024-05-05", "dispute_type": "property",
         "mediators": "police;lawyer;grid_worker", "outcome": "resolved"},
        {"case_id": "m6", "community_id": "b", "compound_id": "cb1", "received_on": "2024-06-01",
         "closed_on": "2024-06-07", "dispute_type": "family", "outcome": "resolved"},
        {"case_id": "m7", "community_id": "b", "compound_id": "cb1", "received_on": "2024-07-01",
         "closed_on": "2024-07-02", "dispute_type": "other", "mediators": "police;police",
         "outcome": "referred"},
    ])
    t["vulnerable_residents"] = clean_table("vulnerable_residents", [
        {"resident_id": "p1", "community_id": "a", "group": "elderly_alone", "registered_on": "2023-01-01"},
        {"resident_id": "p2", "community_id": "a", "group": "elderly", "registered_on": "2024-03-01"},
        {"resident_id": "p3", "community_id": "a", "group": "disabled", "registered_on": "2022-01-01",
         "left_on": "2024-12-31"},
        {"resident_id": "p4", "community_id": "b", "group": "elderly", "registered_on": "2020-01-01"},
    ])
    services = [
        {"service_id": f"s{m}", "community_id": "a", "resident_id": "p1",
         "date": f"2024-{m:02d}-15", "service_type": "companion_visit", "minutes": 60}
        for m in range(1, 11)
    ]
    services += [
        {"service_id": "s11", "community_id": "a", "resident_id": "p2", "date": "2024-05-05",
         "service_type": "health_check", "minutes": 30},
        {"service_id": "s12", "community_id": "a", "resident_id": "p3", "date": "2024-06-01",
         "service_type": "rehab", "minutes": 90},
        {"service_id": "s13", "community_id": "b", "resident_id": "p4", "date": "2023-12-31",
         "service_type": "day_care", "minutes": 120},
    ]
    t["services"] = clean_table("services", services)
    t["culture_events"] = clean_table("culture_events", [
        {"event_id": "e1", "community_id": "a", "date": "2024-02-01", "category": "opera",
         "participants": 30, "participants_65_plus": 20},
        {"event_id": "e2", "community_id": "a", "date": "2024-12-31", "category": "chess",
         "participants": 10, "participants_65_plus": 10},
        {"event_id": "e3", "community_id": "a", "date": "2025-01-01", "category": "singing",
         "participants": 40, "participants_65_plus": 40},
        {"event_id": "e4", "community_id": "b", "date": "2024-03-01", "category": "lecture",
         "participants": 50, "participants_65_plus": 30},
    ])
    t["resident_requests"] = clean_table("resident_requests", [
        {"request_id": "q1", "community_id": "a", "channel": "online", "received_on": "2024-01-02",
         "closed_on": "2024-01-05", "satisfied": True},
        {"request_id": "q2", "community_id": "a", "channel": "hotline", "received_on": "2024-02-01",
         "closed_on": "2024-02-11", "satisfied": False},
        {"request_id": "q3", "community_id": "a", "channel": "visit", "received_on": "2024-12-31"},
        {"request_id": "q4", "community_id": "b", "channel": "grid", "received_on": "2024-04-01",
         "closed_on": "2024-04-02", "satisfied": True},
        {"request_id": "q5", "community_id": "b", "channel": "grid", "received_on": "2023-12-31",
         "closed_on": "2024-01-02", "satisfied": True},
    ])
    items = ("q_environment", "q_safety", "q_services", "q_participation", "q_harmony", "q_culture")
    t["survey_responses"] = clean_table("survey_responses", [
        {"response_id": "r1", "community_id": "a", "year": 2024, "weight": 1.0, "q_overall": 5,
         **dict.fromkeys(items, 5)},
        {"response_id": "r2", "community_id": "a", "year": 2024, "weight": 1.0, "q_overall": 3,
         **dict.fromkeys(items, 3)},
        {"response_id": "r3", "community_id": "a", "year": 2024, "weight": 2.0, "q_overall": 4},
        {"response_id": "r4", "community_id": "b", "year": 2024, "weight": 1.0, "q_overall": 2,
         **dict.fromkeys(items, 4)},
        {"response_id": "r5", "community_id": "b", "year": 2024, "weight": 1.0,
         **dict.fromkeys(items, 5)},
    ])
    return t


def example_unit(unit_id: str = "jia") -> UnitSlice:
    """A tiny, hand-made :class:`~linli.handoff.UnitSlice` for the doctests: community
    ``jia`` (甲社区, brand 邻和) of zone ``model`` (示范街道), 2022 → 2024."""
    from pathlib import Path

    from .handoff import UnitSlice

    def ind(unit: str, utype: str, year: int, values: Mapping[str, Any]) -> list[dict[str, Any]]:
        out = []
        for k, v in values.items():
            value, lo, hi, reason = (v + (None,) * 3)[:4] if isinstance(v, tuple) else (v, None, None, None)
            out.append({"unit_id": unit, "unit_type": utype, "year": year, "indicator": k, "value": value,
                        "ci_low": lo, "ci_high": hi, "reason": reason})
        return out

    zone_rows = {"households": 25000.0, "age_65_plus_pct": 18.0, "volunteers": 6339.0, "volunteer_share_pct": 25.5,
                 "disputes_per_1k_households": 40.0, "mediation_success_pct": 94.0,
                 "overall_satisfied_pct": 80.0, "life_circle_500m_pct": 95.0}
    indicators = pd.DataFrame(
        ind("jia", "community", 2022, {"volunteers": 1010.0, "volunteer_share_pct": 16.0})
        + ind("jia", "community", 2024, {
            "households": 2402.0, "age_65_plus_pct": 16.904177, "volunteers": 1425.0, "volunteer_share_pct": 25.0,
            "disputes_per_1k_households": 49.125729, "mediation_success_pct": 95.652174,
            "mediation_median_days": (math.nan, None, None, "no resolved and closed cases received in 2024"),
            "overall_satisfied_pct": (82.31, 76.12, 87.04), "life_circle_500m_pct": 92.0,
            "social_orgs": 9.0})
        + ind("model", "zone", 2024, zone_rows)
    )
    indicators = indicators.astype({"unit_id": "string", "unit_type": "string", "indicator": "string",
                                    "reason": "string"})
    scores = pd.DataFrame({"unit_id": "jia", "unit_type": "community", "year": 2024,
                           "indicator": ["mediation_success_pct", "volunteer_share_pct"],
                           "dimension": ["lin_he", "wushe"],
                           "score": [95.652174, 100.0]})
    dims = {"wushe": 60.071125, "lin_zhi": 65.332144, "lin_he": 65.2831, "lin_zhu": 41.69589,
            "lin_le": 47.563544, "satisfaction": 64.171311}
    index = pd.DataFrame([
        {"unit_id": "jia", "unit_type": "community", "year": 2024, **dims, "index": 57.352852, "rank": 2},
        {"unit_id": "model", "unit_type": "zone", "year": 2024, **{k: v + 10 for k, v in dims.items()},
         "index": 65.962341, "rank": pd.NA},
    ]).astype({"rank": "Int64"})
    uncertainty = pd.DataFrame([
        {"unit_id": "jia", "unit_type": "community", "year": 2024, "index": 57.352852, "index_low": 55.9,
         "index_median": 57.3, "index_high": 58.6, "rank": 2, "rank_median": 2, "rank_low": 1, "rank_high": 2,
         "rank_kept_pct": 83.0, "n_ranked": 2},
        {"unit_id": "model", "unit_type": "zone", "year": 2024, "index": 65.962341, "index_low": 64.9,
         "index_median": 65.8, "index_high": 66.6, "rank": pd.NA, "rank_median": pd.NA, "rank_low": pd.NA,
         "rank_high": pd.NA, "rank_kept_pct": np.nan, "n_ranked": 0},
    ]).astype({c: "Int64" for c in ("rank", "rank_median", "rank_low", "rank_high")})
    progress = pd.DataFrame([
        {"unit_id": "jia", "unit_type": "community", "indicator": "volunteer_share_pct", "baseline": 16.0,
         "value": 25.0, "cagr": 0.25, "status": "substantial_progress", "target_met": pd.NA,
         "vs_benchmark": None},
        {"unit_id": "jia", "unit_type": "community", "indicator": "mediation_success_pct", "baseline": 90.0,
         "value": 95.652174, "cagr": 0.03, "status": "substantial_progress", "target_met": pd.NA,
         "vs_benchmark": "below"},
        {"unit_id": "jia", "unit_type": "community", "indicator": "mediation_median_days", "baseline": 10.0,
         "value": 12.0, "cagr": -0.095, "status": "deterioration", "target_met": pd.NA, "vs_benchmark": None},
    ]).astype({"target_met": "boolean"})
    claims = pd.DataFrame([
        {"id": "volunteers_growth", "indicator": "volunteers", "unit_id": "model", "year": "2022 → 2024",
         "claimed": "4275 → 6339", "observed": "4275 → 6339", "verdict": "agrees", "scope": "zone",
         "comparison": "eq", "text_zh": "社区志愿者由原来的4275人增至6339人", "reason": "", "tolerance": "",
         "source": "示例日报", "source_en": "Model Daily"},
        {"id": "volunteer_share", "indicator": "volunteer_share_pct", "unit_id": "model", "year": "2024",
         "claimed": "19.7", "observed": "25.5", "verdict": "disagrees", "scope": "zone",
         "comparison": "approx", "text_zh": "注册志愿者人数占社区常住人口的19.7%", "reason": "observed 25.5, claimed 19.7",
         "tolerance": "0.5", "source": "示例日报", "source_en": "Model Daily"},
    ])
    provenance = pd.DataFrame([
        ["communities", "communities.csv", "loaded", "5e09d7f38cb3d6abc69f0189a529121b", "utf-8", "4", "4", "0", ""],
        ["volunteers", "volunteers.csv", "loaded", "1e9b1184d334e70a9a23fe962a3fad3a", "utf-8", "1440", "1438", "2", ""],
        ["social_workers", "", "absent", "", "", "", "", "", ""],
    ], columns=["table", "file", "status", "sha256", "encoding", "rows_read", "rows_loaded", "rows_quarantined",
                "unknown_columns"])
    quarantine = pd.DataFrame([
        ["volunteers", "volunteers.csv", "12", "registered_on", "not_a_date", "去年春天", "", ""],
        ["volunteers", "volunteers.csv", "40", "registered_on", "not_a_date", "?", "", ""],
        ["volunteers", "volunteers.csv", "40", "phone", "bad_pattern", "[redacted]", "", ""],
    ], columns=["table", "file", "row", "column", "rule", "value", "message_zh", "message_en"])
    units = pd.DataFrame([
        {"unit_id": "model", "unit_type": "zone", "name_zh": "示范街道", "name_en": "Model Street",
         "brand": None, "zone_id": "model"},
        {"unit_id": "jia", "unit_type": "community", "name_zh": "甲社区", "name_en": "Jia", "brand": "lin_he",
         "zone_id": "model"},
    ])
    meta = {"year": 2024, "baseline_year": 2022, "as_of": "2024-12-31", "synthetic": True,
            "dataset": "示例数据", "linli_version": "0.1.0",
            "fingerprint": "1a37845619e09ca04fa27c9191c6c9e72ea0781e2d2753caaa8de896b81bbebf"}
    return UnitSlice(
        unit_id=unit_id, unit_type="community", year=2024, baseline_year=2022,
        unit={"unit_id": "jia", "unit_type": "community", "name_zh": "甲社区", "name_en": "Jia",
              "brand": "lin_he", "zone_id": "model"},
        community_ids=("jia",), meta=meta, units=units, indicators=indicators, scores=scores, index=index,
        uncertainty=uncertainty, rank_sensitivity=pd.DataFrame(columns=["unit_id", "unit_type", "year", "input"]),
        sensitivity=pd.DataFrame(columns=["unit_id", "year", "dimension"]),
        progress=progress, claims=claims, provenance=provenance, quarantine=quarantine, handoff_dir=Path("."),
    )


def example_zone() -> UnitSlice:
    """The zone of :func:`example_unit` with a second community ``yi`` (乙社区)."""
    import dataclasses

    one = example_unit()
    units = pd.concat([one.units, pd.DataFrame([{"unit_id": "yi", "unit_type": "community", "name_zh": "乙社区",
                                                   "name_en": "Yi", "brand": "lin_zhi", "zone_id": "model"}])],
                      ignore_index=True)
    yi = pd.DataFrame({"unit_id": "yi", "unit_type": "community", "year": 2024,
                       "indicator": ["mediation_success_pct", "disputes_per_1k_households"], "value": [92.0, 30.0],
                       "ci_low": np.nan, "ci_high": np.nan, "reason": pd.NA})
    index = pd.concat([one.index, pd.DataFrame([{"unit_id": "yi", "unit_type": "community", "year": 2024,
                                                 "wushe": 70.0, "lin_zhi": 80.0, "lin_he": 50.0, "lin_zhu": 45.0,
                                                 "lin_le": 60.0, "satisfaction": 61.0, "index": 61.0,
                                                 "rank": 1}])], ignore_index=True)
    uncertainty = pd.concat([one.uncertainty, pd.DataFrame([{
        "unit_id": "yi", "unit_type": "community", "year": 2024, "index": 61.0, "index_low": 59.5,
        "index_median": 61.0, "index_high": 62.4, "rank": 1, "rank_median": 1, "rank_low": 1, "rank_high": 2,
        "rank_kept_pct": 83.0, "n_ranked": 2}]).astype({c: "Int64" for c in ("rank", "rank_median", "rank_low",
                                                                              "rank_high")})],
        ignore_index=True)
    # two communities swap places in the same runs, so their indices are alike
    effects = {"normalisation": (0.7, 0.55, 0.85, 0.9, 0.8, 1.0), "aggregation": (0.05, 0.0, 0.1, 0.1, 0.05, 0.15),
               "weights": (0.0, -0.02, 0.02, 0.02, 0.01, 0.03)}
    rank_sensitivity = pd.DataFrame(
        [{"unit_id": u, "unit_type": "community", "year": 2024, "input": name,
          **dict(zip(("first_order", "first_order_low", "first_order_high", "total_effect", "total_effect_low",
                      "total_effect_high"), values, strict=True)), "rank_variance": 0.14}
         for u in ("jia", "yi") for name, values in effects.items()]
    )
    sensitivity = pd.DataFrame(
        [{"unit_id": u, "unit_type": "community", "year": 2024, "dimension": d, "rank": r,
          "rank_without": r + s, "rank_shift": s}
         for u, r in (("jia", 2), ("yi", 1))
         for d, s in zip(SCORED_DIMENSIONS, ((0, 0, -1, 0, 0, 0) if u == "jia" else (0, 0, 1, 0, 0, 0)), strict=True)]
    )
    return dataclasses.replace(
        one, unit_id="model", unit_type="zone", community_ids=("jia", "yi"),
        unit={"unit_id": "model", "unit_type": "zone", "name_zh": "示范街道", "name_en": "Model Street",
              "brand": None, "zone_id": "model"},
        units=units, indicators=pd.concat([one.indicators, yi], ignore_index=True), index=index,
        uncertainty=uncertainty, rank_sensitivity=rank_sensitivity, sensitivity=sensitivity,
    )
