"""Map coordinates as clerks have them: GCJ-02 (高德, 腾讯) and BD-09 (百度) to WGS-84.

Web maps in China do not show WGS-84. 高德 (Amap) and 腾讯 give **GCJ-02**, WGS-84
shifted by a published, deliberately irregular function of the position; 百度 gives
**BD-09**, GCJ-02 shifted once more. In Hengyang the shift is several hundred metres,
enough to ruin every 300 m and 500 m life-circle figure, so coordinates a clerk copies
from these maps are converted to WGS-84 on load (``coordinates: gcj02`` or ``bd09`` in
``dataset.yaml``).

Formulas
--------
GCJ-02 from WGS-84 (the widely published algorithm; Krasovsky 1940 ellipsoid,
``a = 6378245 m``, ``e² = 0.00669342162296594323``), with ``x = λ − 105``, ``y = φ − 35``
in degrees:

.. math::

    T_φ(x, y) = −100 + 2x + 3y + 0.2y² + 0.1xy + 0.2\\sqrt{|x|}
               + \\tfrac23[20\\sin 6πx + 20\\sin 2πx + 20\\sin πy + 40\\sin\\tfrac{πy}{3}
               + 160\\sin\\tfrac{πy}{12} + 320\\sin\\tfrac{πy}{30}]

    T_λ(x, y) = 300 + x + 2y + 0.1x² + 0.1xy + 0.1\\sqrt{|x|}
               + \\tfrac23[20\\sin 6πx + 20\\sin 2πx + 20\\sin πx + 40\\sin\\tfrac{πx}{3}
               + 150\\sin\\tfrac{πx}{12} + 300\\sin\\tfrac{πx}{30}]

    Δφ = \\frac{180\\,T_φ}{π\\,a(1−e²)/W³},\\quad Δλ = \\frac{180\\,T_λ}{π\\,a\\cosφ/W},
    \\quad W = \\sqrt{1 − e²\\sin²φ}

and GCJ-02 = (λ + Δλ, φ + Δφ) — T is in metres, Δ in degrees. It has no closed
inverse: WGS-84 from GCJ-02 is found by fixed-point iteration,
``w ← w + (g − F(w))`` from ``w = g``, until ``F(w)`` is within :data:`TOLERANCE_DEG`
of ``g`` (about a millimetre; three or four rounds).

BD-09 from GCJ-02 (the published formula, with ``k = 3000π/180``):
``z = √(λ² + φ²) + 2·10⁻⁵ sin(kφ)``, ``θ = atan2(φ, λ) + 3·10⁻⁶ cos(kλ)``,
BD-09 = ``(z cosθ + 0.0065, z sinθ + 0.006)``; and back, its published inverse
(``x = λ − 0.0065``, ``y = φ − 0.006``, ``z = √(x² + y²) − 2·10⁻⁵ sin(ky)``,
``θ = atan2(y, x) − 3·10⁻⁶ cos(kx)``, GCJ-02 = ``(z cosθ, z sinθ)``), whose round
trip is within 0.25 m anywhere in China.

Outside China (:func:`in_china`) no map is shifted: such points are returned as
they are, by every function here.

Every function takes and returns numpy arrays (or scalars), longitude first, and works
on all points at once.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from .errors import ContractError

__all__ = [
    "SYSTEMS",
    "TOLERANCE_DEG",
    "bd09_from_gcj02",
    "from_wgs84",
    "gcj02_from_bd09",
    "gcj02_from_wgs84",
    "in_china",
    "to_wgs84",
    "wgs84_from_gcj02",
]

#: The coordinate systems ``dataset.yaml`` may declare (``coordinates:``), with what uses them.
SYSTEMS: dict[str, str] = {
    "wgs84": "WGS-84 (GPS, 天地图 in CGCS2000, GeoJSON)",
    "gcj02": "GCJ-02 (高德地图, 腾讯地图)",
    "bd09": "BD-09 (百度地图)",
}
#: How close (degrees) the iterated inverse of GCJ-02 must map back onto its input.
TOLERANCE_DEG: float = 1e-8
_MAX_ROUNDS = 30

_A = 6378245.0  # Krasovsky 1940 semi-major axis (m)
_EE = 0.00669342162296594323  # its first eccentricity squared
_K = np.pi * 3000.0 / 180.0  # BD-09's constant
# The box outside which no Chinese web map shifts a point (lon 73.66–135.05, lat 3.86–53.55).
_CHINA = (73.66, 135.05, 3.86, 53.55)

Array = npt.NDArray[np.float64]


def _arrays(lon: npt.ArrayLike, lat: npt.ArrayLike) -> tuple[Array, Array]:
    x, y = np.broadcast_arrays(np.asarray(lon, dtype="float64"), np.asarray(lat, dtype="float64"))
    return x.astype("float64", copy=True), y.astype("float64", copy=True)


def in_china(lon: npt.ArrayLike, lat: npt.ArrayLike) -> npt.NDArray[np.bool_]:
    """Return where a point lies in the box inside which Chinese web maps shift coordinates.

    ``73.66 < lon < 135.05`` and ``3.86 < lat < 53.55``; NaN is outside.

    Examples
    --------
    >>> in_china([112.6, 2.35, np.nan], [26.9, 48.85, 30.0]).tolist()
    [True, False, False]
    """
    x, y = _arrays(lon, lat)
    with np.errstate(invalid="ignore"):
        return (x > _CHINA[0]) & (x < _CHINA[1]) & (y > _CHINA[2]) & (y < _CHINA[3])


def _shift(lon: Array, lat: Array) -> tuple[Array, Array]:
    """The GCJ-02 offset (Δλ, Δφ) in degrees at WGS-84 (``lon``, ``lat``)."""
    x, y = lon - 105.0, lat - 35.0
    wave = 20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)
    t_lat = (-100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
             + (wave + 20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)
                + 160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0)
    t_lon = (300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
             + (wave + 20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)
                + 150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0)
    rad = lat / 180.0 * np.pi
    w2 = 1.0 - _EE * np.sin(rad) ** 2
    w = np.sqrt(w2)
    d_lat = (t_lat * 180.0) / ((_A * (1.0 - _EE)) / (w2 * w) * np.pi)
    d_lon = (t_lon * 180.0) / (_A / w * np.cos(rad) * np.pi)
    return d_lon, d_lat


def gcj02_from_wgs84(lon: npt.ArrayLike, lat: npt.ArrayLike) -> tuple[Array, Array]:
    """Return GCJ-02 (``lon``, ``lat``) of WGS-84 points (the forward formula of the module docstring).

    Examples
    --------
    >>> lon, lat = gcj02_from_wgs84(112.615, 26.895)  # Renmin Street, Hengyang: 520 m east, 400 m south
    >>> round(float(lon), 6), round(float(lat), 6)
    (112.620232, 26.891406)
    """
    x, y = _arrays(lon, lat)
    inside = in_china(x, y)
    d_lon, d_lat = _shift(x[inside], y[inside])
    x[inside] += d_lon
    y[inside] += d_lat
    return x, y


def wgs84_from_gcj02(lon: npt.ArrayLike, lat: npt.ArrayLike) -> tuple[Array, Array]:
    """Return WGS-84 (``lon``, ``lat``) of GCJ-02 points, by fixed-point iteration.

    ``w₀ = g``, ``wₖ₊₁ = wₖ + (g − F(wₖ))`` with ``F`` :func:`gcj02_from_wgs84`, until
    ``|F(w) − g| < TOLERANCE_DEG`` in both coordinates (the shift changes by well
    under 1 % over the shift itself, so each round gains two digits or more).

    Examples
    --------
    >>> lon, lat = wgs84_from_gcj02(112.620232, 26.891406)
    >>> round(float(lon), 5), round(float(lat), 5)
    (112.615, 26.895)
    """
    g_lon, g_lat = _arrays(lon, lat)
    shape = g_lon.shape
    g_lon, g_lat = g_lon.reshape(-1), g_lat.reshape(-1)
    w_lon, w_lat = g_lon.copy(), g_lat.copy()
    todo = in_china(g_lon, g_lat)
    for _ in range(_MAX_ROUNDS):
        if not todo.any():
            break
        f_lon, f_lat = gcj02_from_wgs84(w_lon[todo], w_lat[todo])
        e_lon, e_lat = g_lon[todo] - f_lon, g_lat[todo] - f_lat
        w_lon[todo] += e_lon
        w_lat[todo] += e_lat
        still = (np.abs(e_lon) >= TOLERANCE_DEG) | (np.abs(e_lat) >= TOLERANCE_DEG)
        todo[np.flatnonzero(todo)[~still]] = False
    return w_lon.reshape(shape), w_lat.reshape(shape)


def bd09_from_gcj02(lon: npt.ArrayLike, lat: npt.ArrayLike) -> tuple[Array, Array]:
    """Return BD-09 (``lon``, ``lat``) of GCJ-02 points (the published formula).

    Examples
    --------
    >>> lon, lat = bd09_from_gcj02(112.620232, 26.891406)
    >>> round(float(lon), 5), round(float(lat), 5)
    (112.62682, 26.89707)
    """
    x, y = _arrays(lon, lat)
    inside = in_china(x, y)
    xi, yi = x[inside], y[inside]
    z = np.hypot(xi, yi) + 0.00002 * np.sin(yi * _K)
    theta = np.arctan2(yi, xi) + 0.000003 * np.cos(xi * _K)
    x[inside] = z * np.cos(theta) + 0.0065
    y[inside] = z * np.sin(theta) + 0.006
    return x, y


def gcj02_from_bd09(lon: npt.ArrayLike, lat: npt.ArrayLike) -> tuple[Array, Array]:
    """Return GCJ-02 (``lon``, ``lat``) of BD-09 points (the published inverse formula).

    Examples
    --------
    >>> lon, lat = gcj02_from_bd09(112.626823, 26.897071)
    >>> round(float(lon), 5), round(float(lat), 5)
    (112.62023, 26.89141)
    """
    x, y = _arrays(lon, lat)
    inside = in_china(x, y)
    xi, yi = x[inside] - 0.0065, y[inside] - 0.006
    z = np.hypot(xi, yi) - 0.00002 * np.sin(yi * _K)
    theta = np.arctan2(yi, xi) - 0.000003 * np.cos(xi * _K)
    x[inside] = z * np.cos(theta)
    y[inside] = z * np.sin(theta)
    return x, y


def _check(system: str) -> str:
    if system not in SYSTEMS:
        msg = f"Unknown coordinate system {system!r}; valid: {', '.join(SYSTEMS)}."
        raise ContractError(msg)
    return system


def to_wgs84(lon: npt.ArrayLike, lat: npt.ArrayLike, system: str) -> tuple[Array, Array]:
    """Return WGS-84 (``lon``, ``lat``) of points given in ``system`` (a key of :data:`SYSTEMS`).

    Raises
    ------
    ContractError
        For an unknown ``system``.

    Examples
    --------
    >>> lon, lat = to_wgs84([112.626823, 2.35], [26.897071, 48.85], "bd09")
    >>> np.round(lon, 3).tolist(), np.round(lat, 3).tolist()  # Paris is not shifted
    ([112.615, 2.35], [26.895, 48.85])
    """
    if _check(system) == "wgs84":
        return _arrays(lon, lat)
    if system == "bd09":
        lon, lat = gcj02_from_bd09(lon, lat)
    return wgs84_from_gcj02(lon, lat)


def from_wgs84(lon: npt.ArrayLike, lat: npt.ArrayLike, system: str) -> tuple[Array, Array]:
    """Return WGS-84 points in ``system``, as the map a clerk uses shows them (the inverse of :func:`to_wgs84`).

    Examples
    --------
    >>> lon, lat = from_wgs84(112.615, 26.895, "bd09")
    >>> round(float(lon), 5), round(float(lat), 5)
    (112.62682, 26.89707)
    """
    if _check(system) == "wgs84":
        return _arrays(lon, lat)
    lon, lat = gcj02_from_wgs84(lon, lat)
    return bd09_from_gcj02(lon, lat) if system == "bd09" else (lon, lat)
