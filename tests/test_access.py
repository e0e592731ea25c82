"""Tests of linli.access: metric distances at known offsets, opening dates, categories.

Points are placed at known metre offsets from an origin near Hengyang (112.6° E,
26.9° N) in its UTM zone 49N (EPSG:32649) with ``offset_point``, so every expected
distance is the offset itself.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Polygon

from linli import access
from linli.errors import ContractError
from linli.testing import clean_table, offset_point


def compounds(*offsets: tuple[float, float], households: int = 100, index: list[str] | None = None) -> gpd.GeoDataFrame:
    frame = clean_table("compounds", [
        {"compound_id": f"c{i}", "community_id": "a", "name_zh": f"c{i}", "households": households * (i + 1),
         "geometry": offset_point(*xy)}
        for i, xy in enumerate(offsets)
    ])
    if index is not None:
        frame.index = pd.Index(index)
    return frame


def facilities(*rows: tuple[str, str, float, float]) -> gpd.GeoDataFrame:
    """Rows of (category, opened_on, east_m, north_m); facilities of community b."""
    return clean_table("facilities", [
        {"facility_id": f"f{i}", "community_id": "b", "name_zh": f"f{i}", "category": cat,
         "floor_area_m2": 10.0, "opened_on": opened, "geometry": offset_point(e, n)}
        for i, (cat, opened, e, n) in enumerate(rows)
    ])


def test_utm_crs() -> None:
    # zone = ⌊(lon + 180) / 6⌋ + 1: 112.6 -> ⌊292.6 / 6⌋ + 1 = 49
    assert access.utm_crs(112.6, 26.9).to_epsg() == 32649
    assert access.utm_crs(-70.6, -33.4).to_epsg() == 32719  # ⌊109.4 / 6⌋ + 1 = 19, south
    assert access.utm_crs(179.9, 0).to_epsg() == 32660
    assert access.utm_crs(-180, 0).to_epsg() == 32601
    with pytest.raises(ContractError, match="Not a longitude/latitude"):
        access.utm_crs(200, 0)


def test_metric_crs_choices() -> None:
    c = compounds((0, 0))
    assert access.metric_crs(c).to_epsg() == 32649
    assert access.metric_crs(c.to_crs(4490)).to_epsg() == 32649  # CGCS2000 input
    assert access.metric_crs(c.to_crs(32649)).to_epsg() == 32649  # already metric: kept
    with pytest.raises(ContractError, match="no CRS"):
        access.metric_crs(gpd.GeoDataFrame(geometry=[offset_point(0, 0)]))


def test_distances_are_metric() -> None:
    c = compounds((0, 0), (1000, 0))
    f = facilities(("service_center", "2020-01-01", 0, 499), ("service_center", "2020-01-01", 1501, 0))
    nearest = access.nearest_facility_m(c, f)
    # c0: 499 m to f0; c1: 501 m to f1 (and √(1000² + 499²) = 1117.6 m to f0)
    assert nearest.tolist() == pytest.approx([499.0, 501.0], abs=1e-3)
    covered = access.life_circle_coverage(c, f, radius_m=500)
    assert covered.tolist() == [True, False]
    assert covered.name == "covered"
    assert access.life_circle_coverage(c, f, radius_m=502).tolist() == [True, True]


def test_representative_point_of_a_polygon_compound() -> None:
    # a 200 m × 200 m compound centred on the origin: its representative point is the centre
    square = Polygon([offset_point(x, y) for x, y in [(-100, -100), (100, -100), (100, 100), (-100, 100)]])
    c = clean_table("compounds", [
        {"compound_id": "sq", "community_id": "a", "name_zh": "sq", "households": 50, "geometry": square},
    ])
    near = facilities(("day_care", "2020-01-01", 0, 480))  # 480 m from the centre
    far = facilities(("day_care", "2020-01-01", 0, 550))  # 450 m from the edge, 550 m from the centre
    assert access.life_circle_coverage(c, near).tolist() == [True]
    assert access.life_circle_coverage(c, far).tolist() == [False]
    assert access.nearest_facility_m(c, far).iloc[0] == pytest.approx(550.0, abs=0.05)


def test_opening_dates_and_categories() -> None:
    c = compounds((0, 0), (3000, 0), (6000, 0))
    f = facilities(
        ("elderly_center", "2024-12-31", 0, 100),  # covers c0 from the end of 2024
        ("culture_room", "2025-01-01", 3000, 100),  # covers c1 from 2025
        ("library", "2000-01-01", 6000, 100),  # not a life-circle category
        ("fitness", "2000-01-01", 6000, 50),  # only for the fitness circle
    )
    first = access.first_covered_on(c, f)
    assert first.name == "first_covered_on"
    assert first.iloc[0] == pd.Timestamp("2024-12-31")
    assert first.iloc[1] == pd.Timestamp("2025-01-01")
    assert pd.isna(first.iloc[2])
    assert access.life_circle_coverage(c, f, as_of_year=2024).tolist() == [True, False, False]
    assert access.life_circle_coverage(c, f, as_of_year=2025).tolist() == [True, True, False]
    assert access.life_circle_coverage(c, f).tolist() == [True, True, False]  # whenever opened
    fit = access.life_circle_coverage(c, f, radius_m=300, categories=access.FITNESS_CATEGORIES)
    assert fit.tolist() == [False, False, True]
    # households 100, 200, 300: covered at end of 2024 -> [100, 0, 0]
    hh = access.covered_households(c, f, as_of_year=2024)
    assert hh.tolist() == [100.0, 0.0, 0.0] and hh.name == "covered_households"
    # nearest life-circle facility open at end of 2024 from c1: f0 at √(3000² + 100²) = 3001.67 m
    d = access.nearest_facility_m(c, f, as_of_year=2024)
    assert d.iloc[1] == pytest.approx(np.hypot(3000, 100), abs=1e-3)


def test_result_aligned_to_input_index_and_crs_of_facilities() -> None:
    c = compounds((0, 0), (2000, 0), index=["x", "y"])
    f = facilities(("service_center", "2020-01-01", 2000, 300)).to_crs(4490)  # CGCS2000
    covered = access.life_circle_coverage(c, f)
    assert list(covered.index) == ["x", "y"]
    assert covered.tolist() == [False, True]


def test_empty_inputs_and_missing_geometry() -> None:
    c = compounds((0, 0), (100, 0))
    c.loc[1, "geometry"] = None
    none = facilities()
    assert access.first_covered_on(c, none).isna().all()
    assert access.nearest_facility_m(c, none).isna().all()
    f = facilities(("service_center", "2020-01-01", 0, 10))
    # the compound without a geometry is not covered and has no distance
    assert access.life_circle_coverage(c, f).tolist() == [True, False]
    assert np.isnan(access.nearest_facility_m(c, f).iloc[1])


def test_bad_options() -> None:
    c, f = compounds((0, 0)), facilities(("service_center", "2020-01-01", 0, 10))
    with pytest.raises(ContractError, match="valid: service_center"):
        access.life_circle_coverage(c, f, categories=["gym"])
    with pytest.raises(ContractError, match="positive number of metres"):
        access.life_circle_coverage(c, f, radius_m=0)
    with pytest.raises(ContractError, match="GeoDataFrame"):
        access.life_circle_coverage(pd.DataFrame(c.drop(columns="geometry")), f)
