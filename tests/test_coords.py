"""Tests of linli.coords: GCJ-02 and BD-09 against published reference points, and round trips."""

from __future__ import annotations

import numpy as np
import pytest

from linli import coords
from linli.errors import ContractError


def metres(lon1: np.ndarray, lat1: np.ndarray, lon2: np.ndarray, lat2: np.ndarray) -> np.ndarray:
    """Great-circle distance (haversine, R = 6,371,008.8 m)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(np.asarray(lon2) - np.asarray(lon1))
    h = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * 6_371_008.8 * np.arcsin(np.sqrt(h))


# The test vectors of wandergis/coordtransform (test/app.js, "//result" block), computed with the
# same Krasovsky constants (a = 6378245, ee = 0.00669342162296594323), from the point (116.404, 39.915):
#   wgs84togcj02 -> (116.41024449916938, 39.91640428150164)
#   gcj02tobd09  -> (116.41036949371029, 39.92133699351021)
#   bd09togcj02  -> (116.39762729119315, 39.90865673957631)
# Same algorithm, same doubles: equal to 1e-9 degrees (0.1 mm).
COORDTRANSFORM = [
    (coords.gcj02_from_wgs84, (116.41024449916938, 39.91640428150164)),
    (coords.bd09_from_gcj02, (116.41036949371029, 39.92133699351021)),
    (coords.gcj02_from_bd09, (116.39762729119315, 39.90865673957631)),
]


@pytest.mark.parametrize(("func", "expected"), COORDTRANSFORM, ids=lambda v: getattr(v, "__name__", ""))
def test_published_vectors_of_coordtransform(func, expected) -> None:  # type: ignore[no-untyped-def]
    lon, lat = func(116.404, 39.915)
    assert float(lon) == pytest.approx(expected[0], abs=1e-9)
    assert float(lat) == pytest.approx(expected[1], abs=1e-9)


# googollee/eviltransform, python/test.py, TESTS: (wgsLat, wgsLng, gcjLat, gcjLng) in Shanghai,
# Shenzhen and Beijing. eviltransform uses a = 6378137 where the published algorithm (and linli)
# uses 6378245: the shift differs by a factor 108/6378245 ≈ 1.7e-5 of ~600 m, ≈ 1 cm ≈ 1e-7
# degrees, inside the 6 decimal places (±5e-7) that test asserts, and asserted here too.
EVILTRANSFORM = [
    (31.1774276, 121.5272106, 31.17530398364597, 121.531541859215),  # shanghai
    (22.543847, 113.912316, 22.540796131694766, 113.9171764808363),  # shenzhen
    (39.911954, 116.377817, 39.91334545536069, 116.38404722455657),  # beijing
]


def test_published_vectors_of_eviltransform() -> None:
    wlat, wlon, glat, glon = (np.array(c) for c in zip(*EVILTRANSFORM, strict=True))
    lon, lat = coords.gcj02_from_wgs84(wlon, wlat)
    np.testing.assert_allclose(lon, glon, atol=5e-7, rtol=0)
    np.testing.assert_allclose(lat, glat, atol=5e-7, rtol=0)
    # eviltransform's gcj2wgs_exact must land within 0.5 m of the WGS-84 point; linli's inverse too
    back_lon, back_lat = coords.wgs84_from_gcj02(glon, glat)
    assert (metres(back_lon, back_lat, wlon, wlat) < 0.5).all()


# hujiulong/gcoord, test/unit/transform.spec.ts: the point (123, 45) in each direction, asserted
# there with toBeCloseTo(x, 5), i.e. |difference| < 5e-6 degrees (under 0.6 m); gcoord inverts
# GCJ-02 by iteration too, so the inverse directions are held to the same tolerance.
GCOORD = [
    ("wgs84", "gcj02", (123.00607541, 45.00197815)),
    ("wgs84", "bd09", (123.0124491, 45.0083293)),
    ("gcj02", "wgs84", (122.99395597, 44.99804071)),
    ("gcj02", "bd09", (123.00636499, 45.00636899)),
    ("bd09", "wgs84", (122.98762210, 44.99171540)),
    ("bd09", "gcj02", (122.99363304, 44.99365430)),
]


def _convert(lon: float, lat: float, source: str, target: str) -> tuple[float, float]:
    if source == "gcj02" and target == "bd09":
        x, y = coords.bd09_from_gcj02(lon, lat)
    elif source == "bd09" and target == "gcj02":
        x, y = coords.gcj02_from_bd09(lon, lat)
    elif source == "wgs84":
        x, y = coords.from_wgs84(lon, lat, target)
    else:
        x, y = coords.to_wgs84(lon, lat, source)
    return float(x), float(y)


@pytest.mark.parametrize(("source", "target", "expected"), GCOORD, ids=lambda v: v if isinstance(v, str) else "")
def test_published_vectors_of_gcoord(source: str, target: str, expected: tuple[float, float]) -> None:
    lon, lat = _convert(123.0, 45.0, source, target)
    assert lon == pytest.approx(expected[0], abs=5e-6)
    assert lat == pytest.approx(expected[1], abs=5e-6)


def _china_grid() -> tuple[np.ndarray, np.ndarray]:
    # every 0.5° from 74.0 to 135.0 E and 4.0 to 53.5 N: 123 × 100 = 12,300 points
    lon, lat = np.meshgrid(np.arange(74.0, 135.01, 0.5), np.arange(4.0, 53.51, 0.5))
    return lon.ravel(), lat.ravel()


@pytest.mark.parametrize("system", ["gcj02", "bd09"])
def test_round_trip_is_under_a_metre_over_china(system: str) -> None:
    lon, lat = _china_grid()
    assert coords.in_china(lon, lat).all()
    shifted = coords.from_wgs84(lon, lat, system)
    back = coords.to_wgs84(*shifted, system)
    moved = metres(lon, lat, *shifted)
    assert moved.min() > 1  # the shift itself is real everywhere on the grid (tens to hundreds of metres)
    assert metres(lon, lat, *back).max() < 1


def test_the_shift_in_hengyang_is_hundreds_of_metres() -> None:
    # the reason for the module: at Renmin Street the GCJ-02 shift alone would move every point
    # out of its 300 m life circle
    g_lon, g_lat = coords.gcj02_from_wgs84(112.615, 26.895)
    assert 500 < float(metres(112.615, 26.895, g_lon, g_lat)) < 800


@pytest.mark.parametrize("system", ["gcj02", "bd09"])
def test_points_outside_china_are_never_shifted(system: str) -> None:
    lon = np.array([2.3522, -74.006, 139.6917, 151.2093, 105.0, 105.0])
    lat = np.array([48.8566, 40.7128, 35.6895, -33.8688, 60.0, 2.0])  # Paris, New York, Tokyo, Sydney, ...
    assert not coords.in_china(lon, lat).any()
    for func in (coords.from_wgs84, coords.to_wgs84):
        out_lon, out_lat = func(lon, lat, system)
        assert out_lon.tolist() == lon.tolist() and out_lat.tolist() == lat.tolist()


def test_missing_coordinates_stay_missing() -> None:
    lon, lat = coords.to_wgs84([np.nan, 112.62], [26.9, np.nan], "gcj02")
    assert np.isnan(lon[0]) and np.isnan(lat[1])


def test_wgs84_is_returned_as_given_and_unknown_systems_are_refused() -> None:
    lon, lat = coords.to_wgs84([112.6], [26.9], "wgs84")
    assert (lon.tolist(), lat.tolist()) == ([112.6], [26.9])
    with pytest.raises(ContractError, match=r"^Unknown coordinate system 'gcj'; valid: wgs84, gcj02, bd09\.$"):
        coords.to_wgs84([112.6], [26.9], "gcj")
