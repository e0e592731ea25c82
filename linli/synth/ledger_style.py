"""A canonical dataset rewritten the way a street office keeps it (``linli synth --style ledger``).

:func:`as_ledgers` reads a dataset in canonical files and writes the same records as
clerks keep them: Chinese file names (``纠纷调解台账（2022-2024年）.xlsx``), Chinese
headers (the contract's aliases, varied from table to table), Chinese code labels,
是/否, community names instead of ids, dates in several spellings (Excel date cells,
``2024年3月5日``, ``2024/3/5``, ``2024-03-05``), tables alternately as XLSX and as
GBK CSV (a ledger longer than a worksheet holds as CSV), and the facilities as a spreadsheet of ``经度``/``纬度`` in GCJ-02 (as copied
from 高德 maps), declared in ``dataset.yaml`` (``coordinates: gcj02``). Boundaries and
compounds (which have outlines) stay GeoJSON. Read back, the records are the
canonical ones, so the indicators are too.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path

import openpyxl
import pandas as pd

from .. import contract, coords, outputs
from ..contract import TABLES, Table
from ..template import ledger_frame

__all__ = ["ledger_file_name", "as_ledgers"]

#: The table written as a spreadsheet of points (GCJ-02); the other geometry tables stay GeoJSON.
POINT_SHEETS: tuple[str, ...] = ("facilities",)
#: Records a worksheet holds under its header (1,048,576 rows in all); a longer ledger is kept as CSV.
SHEET_RECORDS: int = 1_048_575
#: Records of a CSV ledger rewritten at a time: a province's services ledger (12.8 M records)
#: is never held whole, as Python objects it would take some 15 GB.
CHUNK_RECORDS: int = 200_000


def ledger_file_name(table: Table, index: int, years: tuple[int, int] | None, *, records: int = 0) -> str:
    """A clerk's name for the file of ``table``: its last Chinese name, the years it spans, XLSX or CSV.

    Tables are workbooks and CSV files in turn (``index``); a ledger of more ``records``
    than a worksheet holds (:data:`SHEET_RECORDS`) is CSV, as a street office must keep it.

    >>> ledger_file_name(contract.table("mediation_cases"), 0, (2022, 2024))
    '纠纷调解台账（2022-2024年）.xlsx'
    """
    span = f"（{years[0]}-{years[1]}年）" if years else ""
    workbook = index % 2 == 0 and records <= SHEET_RECORDS
    return f"{table.file_names[-1]}{span}{'.xlsx' if workbook else '.csv'}"


def _date_text(value: dt.date, spelling: int) -> str:
    if spelling == 1:
        return f"{value.year}年{value.month}月{value.day}日"
    if spelling == 2:
        return f"{value.year}/{value.month}/{value.day}"
    return value.isoformat()


def _spelled(cells: pd.DataFrame, table: Table, *, excel: bool, first: int = 0) -> list[list[object]]:
    """Rows of cells with the dates spelled in turn: an Excel date cell (XLSX) or ISO, 年月日, slashes.
    ``first``: the number of the first row in its table (the turn goes on from there)."""
    dates = {c.name for c in table.columns if c.kind == "date"}
    rows: list[list[object]] = []
    for i, row in enumerate(cells.itertuples(index=False), start=first):
        out: list[object] = []
        for name, value in zip(cells.columns, row, strict=True):
            if value is None or (isinstance(value, float) and pd.isna(value)):
                out.append(None)
            elif name in dates and isinstance(value, dt.date):
                out.append(value if excel and i % 3 == 0 else _date_text(value, i % 3))
            else:
                out.append(value)
        rows.append(out)
    return rows


def _headers(table: Table, columns: list[str], index: int) -> list[str]:
    """Chinese headers, a different accepted spelling from table to table."""
    spec = {c.name: c for c in (*table.columns, *contract.POINT_COLUMNS)}
    heads = []
    for name in columns:
        aliases = spec[name].aliases
        heads.append(aliases[index % len(aliases)] if aliases else name)
    return heads


def _write_workbook(path: Path, table: Table, heads: list[str], rows: list[list[object]]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = table.title_zh
    ws.append(heads)
    for row in rows:
        ws.append(row)
    return outputs.save_workbook(wb, path)


def _csv_text(rows: list[list[object]], heads: list[str], *, header: bool) -> bytes:
    """Rows as GBK CSV lines (CRLF, as Excel saves them), under the header when ``header``."""
    frame = pd.DataFrame([["" if v is None else str(v) for v in r] for r in rows], columns=heads)
    return frame.to_csv(index=False, header=header, lineterminator="\r\n").encode("gbk")


def _canonical(path: Path, *, usecols: list[str] | None = None) -> Iterator[pd.DataFrame]:
    """A canonical CSV file's cells as text, :data:`CHUNK_RECORDS` records at a time."""
    yield from pd.read_csv(path, dtype=str, keep_default_na=False, usecols=usecols, chunksize=CHUNK_RECORDS)


def _years(frame: pd.DataFrame, table: Table) -> tuple[int, int] | None:
    column = table.date_column or table.start
    if column is None or column not in frame or not frame[column].astype(bool).any():
        return None
    years = pd.to_numeric(frame[column].str[:4], errors="coerce").dropna()
    return (int(years.min()), int(years.max())) if len(years) else None


def _extent(path: Path, table: Table, columns: list[str]) -> tuple[int, tuple[int, int] | None]:
    """The records of a canonical CSV file (of ``columns``) and the years its dates span
    (:func:`_years`), read one column at a time."""
    column = table.date_column or table.start
    records, spans = 0, []
    for chunk in _canonical(path, usecols=[column if column in columns else columns[0]]):
        records += len(chunk)
        spans.append(_years(chunk, table))
    known = [span for span in spans if span is not None]
    return records, (min(lo for lo, _ in known), max(hi for _, hi in known)) if known else None


def _points(path: Path) -> pd.DataFrame:
    """The features of a GeoJSON file of points as canonical cells with ``lon``/``lat`` in GCJ-02."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    rows = [{k: ("" if v is None else (str(v).lower() if isinstance(v, bool) else str(v)))
             for k, v in f["properties"].items()} for f in doc["features"]]
    frame = pd.DataFrame(rows)
    lon = [f["geometry"]["coordinates"][0] for f in doc["features"]]
    lat = [f["geometry"]["coordinates"][1] for f in doc["features"]]
    gx, gy = coords.gcj02_from_wgs84(lon, lat)
    return frame.assign(lon=gx.tolist(), lat=gy.tolist())


def as_ledgers(canonical: Path | str, out_dir: Path | str) -> dict[str, Path]:
    """Write the canonical dataset in ``canonical`` as a street office keeps it, into ``out_dir``.

    Returns the path written for each table, and ``dataset`` for ``dataset.yaml``.
    """
    src, out = Path(canonical), outputs.check_out_dir(out_dir)
    communities = pd.read_csv(src / "communities.csv", dtype=str, keep_default_na=False)
    names = dict(zip(communities["community_id"], communities["name_zh"], strict=True))
    written: dict[str, Path] = {}
    for index, table in enumerate(TABLES.values()):
        if table.is_geo and table.name not in POINT_SHEETS:
            written[table.name] = Path(shutil.copy(src / f"{table.name}.geojson", out / f"{table.name}.geojson"))
            continue
        known = names if table.name != "communities" else None
        if table.is_geo:
            frame = _points(src / f"{table.name}.geojson")
            columns = [c.name for c in table.columns if c.name in frame] + ["lon", "lat"]
            path = out / ledger_file_name(table, index, _years(frame, table), records=len(frame))
            chunks: Iterable[pd.DataFrame] = [frame]
        else:
            canonical = src / f"{table.name}.csv"
            columns = list(pd.read_csv(canonical, dtype=str, nrows=0).columns)
            records, years = _extent(canonical, table, columns)
            path = out / ledger_file_name(table, index, years, records=records)
            chunks = _canonical(canonical)
        heads = _headers(table, columns, index)
        if path.suffix == ".xlsx":  # a worksheet's records: held whole, as openpyxl writes them
            if not table.is_geo:
                frame = pd.read_csv(canonical, dtype=str, keep_default_na=False)
            rows = _spelled(ledger_frame(frame[columns], table, communities=known), table, excel=True)
            written[table.name] = _write_workbook(path, table, heads, rows)
            continue
        with path.open("wb") as handle:
            handle.write(_csv_text([], heads, header=True))
            first = 0
            for chunk in chunks:
                rows = _spelled(ledger_frame(chunk[columns], table, communities=known), table, excel=False, first=first)
                handle.write(_csv_text(rows, heads, header=False))
                first += len(chunk)
        written[table.name] = path
    meta = (src / "dataset.yaml").read_text(encoding="utf-8")
    (out / "dataset.yaml").write_text(
        meta.rstrip("\n") + "\n# facilities as copied from 高德 maps (GCJ-02); converted to WGS-84 on load\n"
        "coordinates: gcj02\n", encoding="utf-8")
    written["dataset"] = out / "dataset.yaml"
    return written
