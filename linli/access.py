"""Life-circle accessibility: which compounds have a facility within walking distance.

A compound is represented by its representative point (``representative_point()``,
a point guaranteed to lie inside a polygon; a point compound is itself). Distances
are planar, in a metric CRS picked from the data's location: the WGS84 / UTM zone
(EPSG 326xx north, 327xx south) of the centre of the data's bounding box, unless
the data are already in a projected CRS in metres. A compound is *covered* at the
end of year Y when a facility of a qualifying category, of **any** community,
opened on or before Y-12-31 lies within the radius (distance ≤ radius).

The life circle of GB 50180-2018《城市居住区规划设计标准》 — the 10-minute life
circle, a walk of about 500 m — sets the default radius.

Functions return a named Series aligned to the compounds' index.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import CRS
from shapely.geometry import Point

from .contract import FACILITY_CATEGORIES
from .errors import ContractError

__all__ = [
    "CIRCLES",
    "FITNESS_CATEGORIES",
    "LIFE_CIRCLE_CATEGORIES",
    "SENSITIVITY_RADII",
    "compound_access",
    "coverage_sensitivity",
    "covered_households",
    "first_covered_on",
    "life_circle_coverage",
    "located",
    "metric_crs",
    "nearest_facility_m",
    "uncovered_compounds",
    "utm_crs",
]

#: Facility categories of the 500 m life circle (``life_circle_500m_pct``).
LIFE_CIRCLE_CATEGORIES: tuple[str, ...] = ("service_center", "elderly_center", "day_care", "culture_room")
#: Facility categories of the 300 m fitness circle (``fitness_300m_pct``).
FITNESS_CATEGORIES: tuple[str, ...] = ("fitness",)
#: Radius (m) -> the facility categories of each circle an indicator counts (maps draw them).
CIRCLES: dict[float, tuple[str, ...]] = {500.0: LIFE_CIRCLE_CATEGORIES, 300.0: FITNESS_CATEGORIES}
#: Radii (m) of :func:`coverage_sensitivity` by default: the 5-minute (300 m) and
#: 10-minute (500 m) life circles of GB 50180-2018, and two wider walks.
SENSITIVITY_RADII: tuple[float, ...] = (300.0, 500.0, 800.0, 1000.0)


@functools.lru_cache(maxsize=64)
def utm_crs(lon: float, lat: float) -> CRS:
    """Return the WGS84 / UTM CRS of the zone containing (``lon``, ``lat``).

    ``zone = ⌊(lon + 180) ÷ 6⌋ mod 60 + 1``; EPSG ``32600 + zone`` north of the
    equator, ``32700 + zone`` south of it — as pyproj's database has them, through
    :meth:`geopandas.GeoSeries.estimate_utm_crs` (remembered: a look-up costs tens of
    milliseconds).

    Examples
    --------
    >>> utm_crs(112.6, 26.9).to_epsg()  # Hengyang
    32649
    >>> utm_crs(-70.6, -33.4).to_epsg()  # Santiago
    32719
    """
    if not (np.isfinite(lon) and np.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
        msg = f"Not a longitude/latitude: ({lon!r}, {lat!r}); expected -180..180, -90..90."
        raise ContractError(msg)
    return gpd.GeoSeries([Point(float(lon), float(lat))], crs=4326).estimate_utm_crs()


def _is_metric(crs: CRS) -> bool:
    if not crs.is_projected:
        return False
    units = {axis.unit_name for axis in crs.axis_info}
    return units <= {"metre", "meter"}


def metric_crs(*frames: gpd.GeoDataFrame | gpd.GeoSeries) -> CRS:
    """Return a metric CRS for ``frames`` (the first frame's CRS when it is one).

    Otherwise the UTM zone (:func:`utm_crs`) of the centre of the frames'
    combined bounding box in WGS84.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> metric_crs(gpd.GeoSeries([Point(112.6, 26.9)], crs="EPSG:4326")).to_epsg()
    32649
    """
    crss = [f.crs for f in frames]
    if not frames or any(c is None for c in crss):
        msg = "Geometries have no CRS; give them one (EPSG:4326 WGS84 or EPSG:4490 CGCS2000)."
        raise ContractError(msg)
    first = CRS.from_user_input(crss[0])
    if _is_metric(first):
        return first
    bounds = [f.to_crs(4326).total_bounds for f in frames if len(f) and not f.geometry.is_empty.all()]
    if not bounds or np.isnan(np.array(bounds)).all():
        msg = "Cannot choose a metric CRS: the geometries are all empty."
        raise ContractError(msg)
    box = np.array(bounds)
    lon = (np.nanmin(box[:, 0]) + np.nanmax(box[:, 2])) / 2
    lat = (np.nanmin(box[:, 1]) + np.nanmax(box[:, 3])) / 2
    return utm_crs(float(lon), float(lat))


def _check(
    compounds: gpd.GeoDataFrame, facilities: gpd.GeoDataFrame, radius_m: float, categories: Sequence[str]
) -> tuple[str, ...]:
    if not np.isfinite(radius_m) or radius_m <= 0:
        msg = f"radius_m must be a positive number of metres, got {radius_m!r}."
        raise ContractError(msg)
    if isinstance(categories, str):
        categories = (categories,)
    unknown = [c for c in categories if c not in FACILITY_CATEGORIES]
    if unknown:
        msg = f"Unknown facility categories {unknown}; valid: {', '.join(FACILITY_CATEGORIES)}."
        raise ContractError(msg)
    for name, frame in (("compounds", compounds), ("facilities", facilities)):
        if not isinstance(frame, gpd.GeoDataFrame):
            msg = f"{name} must be a GeoDataFrame with geometries, got {type(frame).__name__}."
            raise ContractError(msg)
    for column in ("category", "opened_on"):
        if column not in facilities.columns:
            msg = f"facilities has no column {column!r}; it has: {', '.join(map(str, facilities.columns))}."
            raise ContractError(msg)
    return tuple(categories)


def _points_and_sites(
    compounds: gpd.GeoDataFrame, facilities: gpd.GeoDataFrame, categories: tuple[str, ...]
) -> tuple[gpd.GeoSeries, gpd.GeoDataFrame]:
    crs = metric_crs(compounds, facilities)
    points = compounds.geometry.to_crs(crs).representative_point()
    keep = (
        facilities["category"].isin(categories).fillna(False).to_numpy(dtype=bool)
        & facilities["opened_on"].notna().to_numpy()
        & facilities.geometry.notna().to_numpy()
        & ~facilities.geometry.is_empty.to_numpy()
    )
    sites = facilities.loc[keep].to_crs(crs)
    return points, sites


def first_covered_on(
    compounds: gpd.GeoDataFrame,
    facilities: gpd.GeoDataFrame,
    *,
    radius_m: float = 500.0,
    categories: Sequence[str] = LIFE_CIRCLE_CATEGORIES,
) -> pd.Series:
    """Return, per compound, the first opening date of a qualifying facility in reach.

    ``first_covered_on(c) = min { opened_on(f) : category(f) ∈ categories,
    d(p_c, f) ≤ radius_m }`` — ``p_c`` the compound's representative point, ``d``
    planar distance in metres in :func:`metric_crs`; NaT when no facility is in reach.
    The compound is covered at the end of Y exactly when this date is ≤ Y-12-31.

    Parameters
    ----------
    compounds
        Compounds (points or polygons) with a CRS.
    facilities
        Facilities (points) of any community, with ``category`` and ``opened_on``.
    radius_m
        Reach in metres (inclusive).
    categories
        Facility category codes that count.

    Returns
    -------
    pandas.Series
        ``first_covered_on`` (datetime, NaT when never covered), aligned to ``compounds``.

    Examples
    --------
    >>> from linli.testing import example_tables
    >>> t = example_tables()
    >>> first_covered_on(t["compounds"], t["facilities"]).dt.strftime("%Y-%m-%d").tolist()
    ['2020-01-01', nan, '2024-12-31']
    """
    categories = _check(compounds, facilities, radius_m, categories)
    dtype = facilities["opened_on"].dtype if len(facilities) else np.dtype("datetime64[ns]")
    out = pd.Series(pd.NaT, index=compounds.index, dtype=dtype, name="first_covered_on")
    if not len(compounds) or not len(facilities):
        return out
    points, sites = _points_and_sites(compounds, facilities, categories)
    if not len(sites):
        return out
    valid = (points.notna() & ~points.is_empty).to_numpy()
    rows = np.flatnonzero(valid)
    found, site = sites.sindex.query(points.to_numpy()[valid], predicate="dwithin", distance=radius_m)
    pairs = pd.DataFrame({"row": rows[found], "opened_on": sites["opened_on"].to_numpy()[site]})
    first = pairs.groupby("row")["opened_on"].min()
    values = out.to_numpy(copy=True)
    values[first.index.to_numpy()] = first.to_numpy()
    return pd.Series(values, index=compounds.index, name="first_covered_on")


def life_circle_coverage(
    compounds: gpd.GeoDataFrame,
    facilities: gpd.GeoDataFrame,
    *,
    radius_m: float = 500.0,
    categories: Sequence[str] = LIFE_CIRCLE_CATEGORIES,
    as_of_year: int | None = None,
) -> pd.Series:
    """Return whether each compound has a qualifying facility within ``radius_m``.

    ``covered(c, Y) = ∃ f : category(f) ∈ categories, opened_on(f) ≤ Y-12-31,
    d(p_c, f) ≤ radius_m`` (see :func:`first_covered_on`). With ``as_of_year=None``
    every facility counts, whenever it opened.

    Parameters
    ----------
    compounds, facilities, radius_m, categories
        As in :func:`first_covered_on`.
    as_of_year
        Count facilities opened on or before 31 December of this year.

    Returns
    -------
    pandas.Series
        ``covered`` (bool), aligned to ``compounds``.

    Examples
    --------
    >>> from linli.testing import example_tables
    >>> t = example_tables()
    >>> life_circle_coverage(t["compounds"], t["facilities"], as_of_year=2023).tolist()
    [True, False, False]
    >>> life_circle_coverage(t["compounds"], t["facilities"], as_of_year=2024).tolist()
    [True, False, True]
    """
    first = first_covered_on(compounds, facilities, radius_m=radius_m, categories=categories)
    if as_of_year is None:
        covered = first.notna()
    else:
        covered = (first.dt.year <= int(as_of_year)).fillna(False).astype(bool)
    return covered.rename("covered")


def covered_households(
    compounds: gpd.GeoDataFrame,
    facilities: gpd.GeoDataFrame,
    *,
    radius_m: float = 500.0,
    categories: Sequence[str] = LIFE_CIRCLE_CATEGORIES,
    as_of_year: int | None = None,
) -> pd.Series:
    """Return the households of each compound that is covered (0 when it is not).

    ``covered_households(c) = households(c) × covered(c)`` (see :func:`life_circle_coverage`).

    Returns
    -------
    pandas.Series
        ``covered_households`` (float, households), aligned to ``compounds``.

    Examples
    --------
    >>> from linli.testing import example_tables
    >>> t = example_tables()
    >>> covered_households(t["compounds"], t["facilities"], as_of_year=2024).tolist()
    [300.0, 0.0, 600.0]
    """
    covered = life_circle_coverage(
        compounds, facilities, radius_m=radius_m, categories=categories, as_of_year=as_of_year
    )
    households = compounds["households"].astype("float64")
    return households.where(covered.to_numpy(), 0.0).rename("covered_households")


def nearest_facility_m(
    compounds: gpd.GeoDataFrame,
    facilities: gpd.GeoDataFrame,
    *,
    categories: Sequence[str] = LIFE_CIRCLE_CATEGORIES,
    as_of_year: int | None = None,
) -> pd.Series:
    """Return the planar distance in metres to the nearest qualifying facility.

    ``min { d(p_c, f) : category(f) ∈ categories, opened_on(f) ≤ as_of_year-12-31 }``;
    NaN when there is none.

    Returns
    -------
    pandas.Series
        ``nearest_facility_m`` (float, metres), aligned to ``compounds``.

    Examples
    --------
    >>> from linli.testing import example_tables
    >>> t = example_tables()
    >>> nearest_facility_m(t["compounds"], t["facilities"], categories=["fitness"]).round(-1).tolist()
    [940.0, 170.0, 1370.0]
    """
    categories = _check(compounds, facilities, 1.0, categories)
    out = np.full(len(compounds), np.nan)
    if len(compounds) and len(facilities):
        if as_of_year is not None:
            opened = facilities["opened_on"].dt.year <= int(as_of_year)
            facilities = facilities.loc[opened.fillna(False).to_numpy(dtype=bool)]
        points, sites = _points_and_sites(compounds, facilities, categories)
        valid = (points.notna() & ~points.is_empty).to_numpy()
        if len(sites) and valid.any():
            (found, _), distance = sites.sindex.nearest(
                points.to_numpy()[valid], return_distance=True, return_all=False
            )
            rows = np.flatnonzero(valid)
            out[rows[found]] = distance
    return pd.Series(out, index=compounds.index, name="nearest_facility_m")


def compound_access(
    compounds: gpd.GeoDataFrame,
    facilities: gpd.GeoDataFrame,
    *,
    radius_m: float = 500.0,
    categories: Sequence[str] = LIFE_CIRCLE_CATEGORIES,
    as_of_year: int | None = None,
) -> pd.DataFrame:
    """Return, per compound, the distance to the nearest qualifying facility and coverage.

    ``nearest_m`` is :func:`nearest_facility_m`; ``covered`` is
    :func:`life_circle_coverage` (``nearest_m ≤ radius_m``), the test the life-circle
    indicators apply.

    Parameters
    ----------
    compounds
        Compounds (points or polygons) with ``compound_id``, ``community_id`` and
        ``households``.
    facilities
        Facilities (points) of any community, with ``category`` and ``opened_on``.
    radius_m, categories
        As in :func:`first_covered_on`.
    as_of_year
        Count facilities opened on or before 31 December of this year; None counts all.

    Returns
    -------
    pandas.DataFrame
        ``compound_id, community_id, [name_zh,] households, nearest_m, covered``, aligned
        to ``compounds`` (``nearest_m`` NaN when no facility qualifies).

    Examples
    --------
    >>> from linli.testing import example_tables
    >>> t = example_tables()
    >>> a = compound_access(t["compounds"], t["facilities"], as_of_year=2024)
    >>> a[["compound_id", "households", "covered"]].to_numpy().tolist()
    [['ca1', 300, True], ['ca2', 100, False], ['cb1', 600, True]]
    >>> a["nearest_m"].round(-1).tolist()  # ≈ 99 m east of f1; ≈ 1.1 km; ≈ 388 m from f2
    [100.0, 1110.0, 390.0]
    """
    for column in ("compound_id", "community_id", "households"):
        if column not in compounds.columns:
            msg = f"compounds has no column {column!r}; it has: {', '.join(map(str, compounds.columns))}."
            raise ContractError(msg)
    nearest = nearest_facility_m(compounds, facilities, categories=categories, as_of_year=as_of_year)
    covered = life_circle_coverage(
        compounds, facilities, radius_m=radius_m, categories=categories, as_of_year=as_of_year
    )
    columns = [c for c in ("compound_id", "community_id", "name_zh", "households") if c in compounds.columns]
    out = pd.DataFrame(compounds[columns]).copy()
    out["nearest_m"] = nearest.to_numpy()
    out["covered"] = covered.to_numpy(dtype=bool)
    return out


def coverage_sensitivity(
    compounds: gpd.GeoDataFrame,
    facilities: gpd.GeoDataFrame,
    *,
    radii: Sequence[float] = SENSITIVITY_RADII,
    categories: Sequence[str] = LIFE_CIRCLE_CATEGORIES,
    as_of_year: int | None = None,
    zone: str | None = "zone",
) -> pd.DataFrame:
    """Return the households covered per community at each radius, and pooled.

    ``covered_pct(c, r) = Σ households of c's compounds covered at radius r ÷ Σ
    households of c's compounds × 100``; at 500 m with :data:`LIFE_CIRCLE_CATEGORIES`
    this is ``life_circle_500m_pct``. The ``zone`` rows pool every compound given
    (``Σ covered ÷ Σ households``), never a mean of community shares.

    Parameters
    ----------
    compounds, facilities, categories, as_of_year
        As in :func:`compound_access`.
    radii
        Radii in metres (default :data:`SENSITIVITY_RADII`: 300, 500, 800, 1000).
    zone
        Label of the pooled rows; None leaves them out.

    Returns
    -------
    pandas.DataFrame
        One row per community (sorted), then the zone, for each radius: ``unit_id,
        radius_m, compounds, households, covered_households, uncovered_households,
        covered_pct``.

    Examples
    --------
    >>> from linli.testing import example_tables
    >>> t = example_tables()
    >>> s = coverage_sensitivity(t["compounds"], t["facilities"], radii=[500, 1200], as_of_year=2024)
    >>> s[["unit_id", "radius_m", "covered_households", "covered_pct"]].to_numpy().tolist()
    [['a', 500.0, 300.0, 75.0], ['b', 500.0, 600.0, 100.0], ['zone', 500.0, 900.0, 90.0], ['a', 1200.0, 400.0, 100.0], ['b', 1200.0, 600.0, 100.0], ['zone', 1200.0, 1000.0, 100.0]]
    """
    radii = [float(r) for r in radii]
    if not radii:
        msg = "Give at least one radius in metres, e.g. radii=[500]."
        raise ContractError(msg)
    if "community_id" not in compounds.columns or "households" not in compounds.columns:
        msg = f"compounds needs community_id and households; it has: {', '.join(map(str, compounds.columns))}."
        raise ContractError(msg)
    community = compounds["community_id"].astype("string").fillna("").to_numpy(dtype=object)
    households = compounds["households"].astype("float64").to_numpy(na_value=np.nan)
    ids = sorted(set(community))
    if zone is not None and zone in ids:
        msg = f"The zone label {zone!r} is also a community id; pass another zone=."
        raise ContractError(msg)
    frames = []
    for r in radii:
        covered = life_circle_coverage(
            compounds, facilities, radius_m=r, categories=categories, as_of_year=as_of_year
        ).to_numpy(dtype=bool)
        parts = pd.DataFrame({"unit_id": community, "compounds": 1, "households": households,
                              "covered_households": np.where(covered, households, 0.0)})
        table = parts.groupby("unit_id", sort=True)[["compounds", "households", "covered_households"]].sum()
        table = table.reindex(ids)
        if zone is not None:
            table.loc[zone] = table.sum()
        table.insert(0, "radius_m", r)
        frames.append(table.reset_index())
    out = pd.concat(frames, ignore_index=True)
    out["compounds"] = out["compounds"].astype("int64")
    out["uncovered_households"] = out["households"] - out["covered_households"]
    den = out["households"].to_numpy(dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        out["covered_pct"] = np.where(den > 0, out["covered_households"].to_numpy() / den * 100.0, np.nan)
    return out


def located(frame: gpd.GeoDataFrame | gpd.GeoSeries) -> np.ndarray:
    """Whether each record of a layer has a geometry to draw and measure (not missing, not empty)."""
    return (frame.geometry.notna() & ~frame.geometry.is_empty).to_numpy(dtype=bool)


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
    if compounds is None or facilities is None:
        return None
    compounds = compounds[located(compounds)]
    sites = facilities[facilities["category"].isin(LIFE_CIRCLE_CATEGORIES).fillna(False).to_numpy(dtype=bool)]
    if not located(sites).any() and len(sites):
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
