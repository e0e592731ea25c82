"""Read a spreadsheet of points (compounds, facilities): ``经度``/``纬度`` columns become WGS-84 points."""

from __future__ import annotations

import logging
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from .. import contract, coords
from ..parse import clean_text, parse_floats
from .cells import RawTable
from .delimited import read_csv
from .xlsx import read_xlsx

log = logging.getLogger(__name__)

_COORDINATES = tuple(c.name for c in contract.POINT_COLUMNS)
#: Decimals (of a degree) kept of a converted coordinate: 1e-7° is about 1 cm.
_CONVERTED_DECIMALS = 7


def read_points(
    path: Path, table: contract.Table, *, sheet: str | None, shown: str, coordinates: str | None
) -> RawTable:
    """Read ``path`` (CSV or XLSX) as ``table``, its points from the ``lon``/``lat`` columns.

    The coordinates are decimal degrees in ``coordinates`` (a key of
    :data:`linli.coords.SYSTEMS`), converted to WGS-84; without a declared system they
    are taken as WGS-84, with a warning. Converted coordinates are rounded to
    :data:`_CONVERTED_DECIMALS` decimals (about 1 cm; the conversion is good to 1e-8°). A cell that is not a number is a
    ``not_a_coordinate`` issue of its row, whose record then has no point; a row
    with both cells empty has no point either (the validator says so).
    """
    spec = table.sheet_table()
    raw = (read_xlsx(path, spec, sheet=sheet, shown=shown) if path.suffix.casefold() == ".xlsx"
           else read_csv(path, spec, shown=shown))
    frame = raw.frame
    issues = [raw.row_issues]
    values: dict[str, pd.Series] = {}
    for name in _COORDINATES:
        text = clean_text(frame[name])
        parsed, bad = parse_floats(text)
        values[name] = parsed.astype("float64")
        if bad.any():
            where = text[bad]
            issues.append(pd.DataFrame({"idx": where.index.to_numpy(dtype="int64"), "column": name,
                                        "rule": "not_a_coordinate", "detail": "", "value": where.to_numpy()}))
    lon, lat = values["lon"].to_numpy(), values["lat"].to_numpy()
    system = coordinates or "wgs84"
    if coordinates is None and np.isfinite(lon).any():
        log.warning(
            "%s: coordinates from a spreadsheet, but dataset.yaml declares no coordinate system; read as "
            "WGS-84. Coordinates copied from 高德 or 腾讯 maps (GCJ-02) or from 百度 maps (BD-09) lie several "
            "hundred metres off in China, enough to put a compound in the wrong 300 m or 500 m life circle: "
            "declare `coordinates: gcj02`, `bd09` or `wgs84` in dataset.yaml / 表格中的经纬度未声明坐标系，"
            "已按WGS-84读入；取自高德、腾讯或百度地图的坐标会偏移数百米，请在 dataset.yaml 中写明 coordinates。",
            shown)
    x, y = coords.to_wgs84(lon, lat, system)
    if system != "wgs84":  # the conversion is good to 1e-8°: keep 1e-7° (about 1 cm), as typed coordinates are
        x, y = np.round(x, _CONVERTED_DECIMALS), np.round(y, _CONVERTED_DECIMALS)
    located = np.isfinite(x) & np.isfinite(y)
    points = gpd.points_from_xy(np.where(located, x, 0.0), np.where(located, y, 0.0), crs="EPSG:4326")
    geometry = gpd.GeoSeries(points, index=frame.index, crs="EPSG:4326").where(located, None)
    raw.frame = frame.drop(columns=list(_COORDINATES))
    raw.geometry = geometry
    raw.table = table.name
    raw.crs = f"{system} ({coords.SYSTEMS[system]})"
    raw.row_issues = pd.concat(issues, ignore_index=True) if len(issues) > 1 else raw.row_issues
    return raw
