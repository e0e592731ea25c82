"""Read a geometry file (GeoJSON, GeoPackage, Shapefile): its CRS checked, reprojected to WGS84."""

from __future__ import annotations

import logging
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .. import contract
from ..errors import InputError
from ..parse import is_blank
from .cells import RawTable, build_frame, read_bytes, reason, value_text, warn_not_read

if TYPE_CHECKING:
    import geopandas as gpd
    from pyproj import CRS

log = logging.getLogger(__name__)



def read_geo(path: Path, table: contract.Table, *, layer: str | None, shown: str) -> RawTable:
    import geopandas as gpd

    read_bytes(path, shown, size=1)
    suffix = path.suffix.casefold()
    if suffix == ".geojson" and layer is None:
        layers = []  # one layer, read as it comes: listing it would parse the whole file once more
    else:
        layers = _layers(path, shown, suffix)
    if layer is not None and layer not in layers:
        msg = f"{shown}: no layer {layer!r}; layers: {', '.join(layers)}."
        raise InputError(msg)
    if layer is None and layers:
        named = [n for n in table.file_names if n in layers]
        layer = named[0] if named else layers[0]

    options: dict[str, object] = {}
    if suffix == ".geojson":
        # Keep date-like strings as text: GDAL would otherwise turn them into
        # dates, and fail on the whole file at one impossible date.
        options["DATE_AS_STRING"] = "YES"
    try:
        with warnings.catch_warnings():
            # pyogrio leaves a JSON-typed column it cannot parse as text: what we want
            warnings.filterwarnings("ignore", message="Could not parse column",
                                    category=UserWarning)
            gdf = gpd.read_file(path, engine="pyogrio", layer=layer, **options)
    except UnicodeDecodeError:
        msg = (f"{shown}: text or field names are not in the file's declared encoding "
               "(a Chinese field name cut at 10 bytes can cause this); rename the fields.")
        raise InputError(msg) from None
    except Exception as exc:
        msg = f"{shown}: not a readable {suffix} file ({reason(exc)})."
        raise InputError(msg) from None
    if not isinstance(gdf, gpd.GeoDataFrame) or gdf.geometry.name not in gdf.columns:
        msg = f"{shown}: no geometry column."
        raise InputError(msg)
    metres = _metre_example(gdf.geometry)
    if gdf.crs is None:
        hint = (f"; coordinates such as {metres} look like metres in Web Mercator (EPSG:3857)"
                if metres else "")
        msg = f"{shown}: no CRS; expected WGS84 (EPSG:4326) or CGCS2000 (EPSG:4490){hint}."
        raise InputError(msg)
    if metres and gdf.crs.is_geographic:
        msg = (f"{shown}: coordinates such as {metres} are metres, not degrees: this looks like Web "
               "Mercator (EPSG:3857) written without its CRS; declare EPSG:3857 in the file or save "
               "it in WGS84 (EPSG:4326).")
        raise InputError(msg)

    crs_read = _crs_name(gdf.crs)
    geometry = _to_wgs84(gdf.geometry, shown=shown).reset_index(drop=True)
    attributes = pd.DataFrame(gdf.drop(columns=gdf.geometry.name)).reset_index(drop=True)
    n = len(attributes)
    if n == 0 and attributes.shape[1] == 0:
        # An empty FeatureCollection carries no schema: an empty table, not a bad header.
        frame = pd.DataFrame({c.name: pd.Series([], dtype=object) for c in table.columns},
                             index=pd.RangeIndex(0))
        unknown: list[str] = []
    else:
        header = [str(c) for c in attributes.columns]
        data = pd.DataFrame({i: _column_text(attributes.iloc[:, i]) for i in range(len(header))},
                            index=pd.RangeIndex(n), dtype=object)
        data = data.mask(data.apply(is_blank), None)
        frame, unknown, mapping = build_frame(header, data, table, shown=shown,
                                               shapefile=suffix == ".shp")
        warn_not_read(header, data, mapping, table, shown=shown, sheet=False)
    geometry.index = frame.index
    return RawTable(table=table.name, file=shown, frame=frame,
                    rows=pd.Series(range(1, n + 1), index=frame.index, dtype="int64", name="row"),
                    unknown_columns=unknown, geometry=geometry, crs=crs_read)


def _layers(path: Path, shown: str, suffix: str) -> list[str]:
    """The layers of a file that may hold several (a GeoPackage …)."""
    import pyogrio

    try:
        layers = [str(name) for name, _ in pyogrio.list_layers(path)]
    except Exception as exc:
        msg = f"{shown}: not a readable {suffix} file ({reason(exc)})."
        raise InputError(msg) from None
    return layers


def _metre_example(geometry: gpd.GeoSeries) -> str | None:
    """A coordinate pair, as text, when most points lie beyond ±1000: metres, not degrees."""
    import shapely

    coords = shapely.get_coordinates(geometry.to_numpy())
    coords = coords[np.isfinite(coords).all(axis=1)]
    if not len(coords):
        return None
    large = np.abs(coords).max(axis=1) >= 1000
    if large.mean() <= 0.5:
        return None
    x, y = coords[large][0]
    return f"({x:.0f}, {y:.0f})"


def _crs_name(crs: CRS) -> str:
    """``EPSG:4490`` when the CRS has an authority code, else its name."""
    authority = crs.to_authority()
    return f"{authority[0]}:{authority[1]}" if authority else str(crs.name)


def _to_wgs84(geometry: gpd.GeoSeries, *, shown: str) -> gpd.GeoSeries:
    """Return ``geometry`` in EPSG:4326 (CGCS2000 relabelled, anything else reprojected)."""
    import pyproj

    wgs84 = pyproj.CRS.from_epsg(4326)
    crs = geometry.crs
    if crs.equals(wgs84, ignore_axis_order=True):
        return geometry.set_crs(wgs84, allow_override=True)
    if crs.to_epsg() == 4490:
        return geometry.set_crs(wgs84, allow_override=True)
    log.info("%s: reprojecting from %s to EPSG:4326", shown, _crs_name(crs))
    try:
        return geometry.to_crs(wgs84)
    except Exception as exc:
        msg = f"{shown}: cannot reproject from {_crs_name(crs)} to EPSG:4326 ({reason(exc)})."
        raise InputError(msg) from None


def _column_text(values: pd.Series) -> list[str | None]:
    """Return a column of any dtype as cell text (distinct values converted once)."""
    try:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
    except TypeError:  # unhashable values, e.g. parsed JSON arrays
        return [value_text(v) for v in values]
    mapped = np.empty(len(uniques) + 1, dtype=object)
    for i, value in enumerate(uniques):
        mapped[i] = value_text(value)
    return list(mapped[codes])
