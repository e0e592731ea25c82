"""Read one input table from CSV (UTF-8 or GBK/GB18030), XLSX, GeoJSON, GeoPackage or Shapefile.

:func:`find_table_file` finds a table's file in a data directory and
:func:`read_table` reads it into a :class:`RawTable`: one column per recognised
contract column (canonical English names), every value still the raw text of its
cell (``None`` when blank), with the spreadsheet row number of every row. Parsing
and rule checks are the validator's job; this module only reads.

Anything that makes a file unusable (cannot be opened or decoded, empty, a
required column missing, two headers for one column, no CRS) raises
:class:`linli.errors.InputError` with one line naming the file; cell values never
appear in these messages.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import math
import re
import unicodedata
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from . import contract
from .errors import InputError
from .normalise import is_blank

if TYPE_CHECKING:
    import geopandas as gpd
    from pyproj import CRS

__all__ = ["RawTable", "find_table_file", "read_table"]

log = logging.getLogger(__name__)

_SHAPEFILE_FIELD_BYTES = 10  # dBASE limits field names to 10 bytes
_SHOWN_HEADERS = 20  # headers listed in a missing-column message
_TITLE_ROWS = 9  # title rows that may stand above a header
_LONG_NUMBER = re.compile(r"[0-9]{7,}")  # a phone or ID number where a header should be


@dataclass
class RawTable:
    """One table as read from its file, before any parsing.

    Attributes
    ----------
    table
        Contract name of the table (``"volunteers"``).
    file
        The file, relative to the ``root`` given to :func:`read_table`, else its name.
    frame
        One column per recognised contract column, in contract order, named by the
        canonical English name; values are the raw cell text (object dtype) or
        ``None`` for a blank cell.
    rows
        Row number of each row of ``frame`` as a spreadsheet shows it (header = 1,
        first data row = 2, blank rows counted); for geo files the 1-based feature
        number. Aligned to ``frame.index``.
    unknown_columns
        Headers that map to no contract column (dropped from ``frame``); a column
        with a blank header that holds data is listed as ``(column N)``.
    geometry
        Geo tables only: the geometries in EPSG:4326, aligned to ``frame.index``.
    encoding
        CSV only: the encoding detected from the bytes.
    crs
        Geo only: the CRS of the file as read (``"EPSG:4490"``).
    header_row
        CSV and XLSX only: the row number of the header (1 unless blank or title
        rows stand above it).
    """

    table: str
    file: str
    frame: pd.DataFrame
    rows: pd.Series
    unknown_columns: list[str] = field(default_factory=list)
    geometry: gpd.GeoSeries | None = None
    encoding: str | None = None
    crs: str | None = None
    header_row: int | None = None


# ----------------------------------------------------------------- finding files


def find_table_file(data_dir: Path, table: contract.Table) -> Path | None:
    """Return the file that holds ``table`` in ``data_dir``, or None when there is none.

    Looks for ``<table.name><ext>`` for each extension in ``table.extensions``, then
    ``<alias><ext>`` for each of ``table.file_aliases``; extensions match in any case.

    Parameters
    ----------
    data_dir
        The data directory (not searched recursively).
    table
        The table's contract.

    Returns
    -------
    pathlib.Path or None

    Raises
    ------
    InputError
        When ``data_dir`` is not a directory, or two files could hold the table
        (``volunteers.csv`` and ``volunteers.xlsx``).

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     _ = (Path(tmp) / "人口.CSV").write_text("社区,年份\\n", encoding="utf-8")
    ...     find_table_file(Path(tmp), contract.table("population")).name
    '人口.CSV'
    """
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        msg = f"{data_dir}: data directory not found."
        raise InputError(msg)
    present = {p.name.casefold(): p for p in data_dir.iterdir() if p.is_file()}
    found: list[Path] = []
    for stem in (table.name, *table.file_aliases):
        for ext in table.extensions:
            path = present.get(f"{stem}{ext}".casefold())
            if path is not None and path not in found:
                found.append(path)
    if len(found) > 1:
        names = " and ".join(p.name for p in found)
        msg = f"{data_dir}: both {names} could hold table {table.name}; keep only one."
        raise InputError(msg)
    return found[0] if found else None


# ------------------------------------------------------------------ reading


def read_table(
    path: Path,
    table: contract.Table,
    *,
    sheet: str | None = None,
    root: Path | None = None,
) -> RawTable:
    """Read ``path`` as ``table``, keeping every value as the raw text of its cell.

    The format follows the extension: ``.csv`` (comma- or tab-separated; encoding
    detected from the bytes: UTF-8 with or without BOM, UTF-16 with BOM, else
    GB18030, a superset of GBK), ``.xlsx`` (the first worksheet, or ``sheet``),
    ``.geojson``, ``.gpkg`` (the layer named after the table, else the first, or
    ``sheet``) and ``.shp``.

    Headers are matched to contract columns case-insensitively and ignoring
    spaces, by English name or Chinese alias (``table.header_map()``); full-width
    letters and brackets count as their ASCII forms. In a Shapefile, a header
    truncated to 10 bytes (a dBASE limit) also matches. The header is the first
    non-blank row, unless none of its cells names a column: then title rows above
    the header (``2024年志愿者名册``) are passed over, up to the first row, among
    the first ten non-blank ones, that names a column. Rows whose every cell is
    blank are skipped, without changing the row numbers of the others. A header
    with no data rows is a valid empty table.

    Spreadsheet and geo cells that are not text become text as a ledger would
    show them: dates as ``YYYY-MM-DD`` (``YYYY-MM-DD HH:MM:SS`` when the time is
    not midnight), whole numbers without ``.0``, other numbers without float
    noise (``0.1 + 0.2`` → ``"0.3"``), booleans as ``true``/``false``.

    Geometries are returned in EPSG:4326. CGCS2000 (EPSG:4490) is taken as
    equivalent to WGS84: its coordinates are kept as they are (the two datums
    differ by centimetres). Any other CRS is reprojected.

    Parameters
    ----------
    path
        The file.
    table
        The table's contract.
    sheet
        XLSX: the worksheet to read; GeoPackage: the layer to read.
    root
        When given, :attr:`RawTable.file` is ``path`` relative to it.

    Returns
    -------
    RawTable

    Raises
    ------
    InputError
        The file cannot be read or decoded, is empty, has no such sheet, lacks a
        required column, has two headers for one column, or (geo) has no CRS.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     csv_file = Path(tmp) / "population.csv"
    ...     _ = csv_file.write_text(
    ...         "社区,年份,实有人口,常住人口,户数,65岁以上人口\\n"
    ...         "renmin,2024,5200,4800,1800,007\\n", encoding="gbk")
    ...     raw = read_table(csv_file, contract.table("population"))
    >>> raw.encoding, raw.rows.tolist(), raw.frame.loc[0, "age_65_plus"]
    ('gb18030', [2], '007')
    """
    path = Path(path)
    shown = _display_name(path, root)
    suffix = path.suffix.casefold()
    if suffix not in table.extensions:
        valid = ", ".join(table.extensions)
        msg = f"{shown}: unsupported file type {path.suffix!r} for table {table.name}; valid: {valid}."
        raise InputError(msg)
    if table.is_geo:
        return _read_geo(path, table, layer=sheet, shown=shown)
    if suffix == ".xlsx":
        grid, encoding = _read_xlsx_grid(path, sheet=sheet, shown=shown), None
    else:
        grid, encoding = _read_csv_grid(path, shown=shown)
    frame, rows, unknown, header_row = _frame_from_grid(grid, table, shown=shown)
    return RawTable(table=table.name, file=shown, frame=frame, rows=rows,
                    unknown_columns=unknown, encoding=encoding, header_row=header_row)


# ------------------------------------------------------------------ CSV


def _read_bytes(path: Path, shown: str, *, size: int = -1) -> bytes:
    """Return the file's bytes (the first ``size`` only, when given); refuse an empty file."""
    try:
        with path.open("rb") as handle:
            data = handle.read(size)
    except OSError as exc:
        msg = f"{shown}: cannot read the file ({exc.strerror or type(exc).__name__})."
        raise InputError(msg) from None
    if not data:
        msg = f"{shown}: empty file."
        raise InputError(msg)
    return data


def _decode(data: bytes, shown: str) -> tuple[str, str]:
    """Return ``(text, encoding)``, the encoding detected from the bytes."""
    if data.startswith(b"\xef\xbb\xbf"):
        candidates = ("utf-8-sig",)
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ("utf-16",)
    else:
        candidates = ("utf-8", "gb18030")
    for encoding in candidates:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    msg = f"{shown}: cannot decode the file as UTF-8 or GBK/GB18030; save it as UTF-8 CSV."
    raise InputError(msg)


def _read_csv_grid(path: Path, *, shown: str) -> tuple[pd.DataFrame, str]:
    """Return a CSV file's cells by position, indexed by record number, and its encoding."""
    text, encoding = _decode(_read_bytes(path, shown), shown)
    delimiter = _sniff_delimiter(text)
    try:
        # fast path: the C parser, when the first line is the widest
        grid = pd.read_csv(io.StringIO(text, newline=""), sep=delimiter, header=None,
                           dtype=object, keep_default_na=False, skip_blank_lines=False,
                           engine="c")
    except (pd.errors.ParserError, pd.errors.EmptyDataError):
        # a row longer than the first, or a blank first line: the general path
        try:
            records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        except csv.Error as exc:
            msg = f"{shown}: not a readable CSV file ({exc})."
            raise InputError(msg) from None
        grid = _grid_from_records(records)
    grid = grid.astype(object)
    grid = grid.where(grid.notna(), None)
    grid.columns = range(grid.shape[1])
    grid.index = pd.RangeIndex(1, len(grid) + 1)
    return grid, encoding


def _sniff_delimiter(text: str) -> str:
    """Tab when the first line holding a comma or a tab has tabs and no comma, else comma."""
    for line in io.StringIO(text, newline=""):
        if "," in line or "\t" in line:
            return "\t" if "," not in line else ","
    return ","


def _grid_from_records(records: Sequence[Sequence[str | None]],
                       row_numbers: Sequence[int] | None = None) -> pd.DataFrame:
    """Cells by position from ragged records (short rows padded with None)."""
    width = max((len(r) for r in records), default=0)
    grid = pd.DataFrame([list(r) + [None] * (width - len(r)) for r in records],
                        columns=range(width), dtype=object)
    if row_numbers is not None:
        grid.index = pd.Index(row_numbers, dtype="int64")
    return grid


# ------------------------------------------------------------------ XLSX


def _read_xlsx_grid(path: Path, *, sheet: str | None, shown: str) -> pd.DataFrame:
    """Return a worksheet's non-blank rows as text by position, indexed by row number."""
    import openpyxl

    _read_bytes(path, shown, size=1)  # permissions and emptiness, with a clear message
    try:
        with warnings.catch_warnings():
            # openpyxl warns about workbook features it ignores (styles, validation)
            warnings.filterwarnings("ignore", category=UserWarning, module="openpyxl")
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zipfile, XML and openpyxl errors alike
        msg = f"{shown}: not a readable .xlsx workbook ({_reason(exc)})."
        raise InputError(msg) from None
    try:
        if sheet is None:
            if not book.worksheets:
                msg = f"{shown}: the workbook has no worksheet."
                raise InputError(msg)
            ws = book.worksheets[0]
        elif sheet in book.sheetnames and hasattr(book[sheet], "iter_rows"):
            ws = book[sheet]
        else:
            names = ", ".join(book.sheetnames)
            msg = f"{shown}: no worksheet {sheet!r}; sheets: {names}."
            raise InputError(msg)
        ws.reset_dimensions()  # recorded dimensions may be wrong; read what is there
        cells: list[list[str | None]] = []
        row_numbers: list[int] = []
        try:
            for row in ws.iter_rows():
                values = [_value_text(cell.value) for cell in row]
                if not any(v is not None and v.strip() for v in values):
                    continue
                cells.append(values)
                row_numbers.append(next(c.row for c in row if getattr(c, "row", None)))
        except Exception as exc:  # a broken sheet part shows only while rows are read
            msg = f"{shown}: not a readable .xlsx workbook ({_reason(exc)})."
            raise InputError(msg) from None
    finally:
        book.close()
    return _grid_from_records(cells, row_numbers)


# ------------------------------------------------------------------ geo


def _read_geo(path: Path, table: contract.Table, *, layer: str | None, shown: str) -> RawTable:
    import geopandas as gpd
    import pyogrio

    _read_bytes(path, shown, size=1)
    suffix = path.suffix.casefold()
    try:
        layers = [str(name) for name, _ in pyogrio.list_layers(path)]
    except Exception as exc:
        msg = f"{shown}: not a readable {suffix} file ({_reason(exc)})."
        raise InputError(msg) from None
    if layer is not None and layer not in layers:
        msg = f"{shown}: no layer {layer!r}; layers: {', '.join(layers)}."
        raise InputError(msg)
    if layer is None and layers:
        named = [n for n in (table.name, *table.file_aliases) if n in layers]
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
        msg = f"{shown}: not a readable {suffix} file ({_reason(exc)})."
        raise InputError(msg) from None
    if not isinstance(gdf, gpd.GeoDataFrame) or gdf.geometry.name not in gdf.columns:
        msg = f"{shown}: no geometry column."
        raise InputError(msg)
    if gdf.crs is None:
        msg = f"{shown}: no CRS; expected WGS84 (EPSG:4326) or CGCS2000 (EPSG:4490)."
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
        frame, unknown = _build_frame(header, data, table, shown=shown,
                                      shapefile=suffix == ".shp")
    geometry.index = frame.index
    return RawTable(table=table.name, file=shown, frame=frame,
                    rows=pd.Series(range(1, n + 1), index=frame.index, dtype="int64", name="row"),
                    unknown_columns=unknown, geometry=geometry, crs=crs_read)


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
        msg = f"{shown}: cannot reproject from {_crs_name(crs)} to EPSG:4326 ({_reason(exc)})."
        raise InputError(msg) from None


def _column_text(values: pd.Series) -> list[str | None]:
    """Return a column of any dtype as cell text (distinct values converted once)."""
    try:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
    except TypeError:  # unhashable values, e.g. parsed JSON arrays
        return [_value_text(v) for v in values]
    mapped = np.empty(len(uniques) + 1, dtype=object)
    for i, value in enumerate(uniques):
        mapped[i] = _value_text(value)
    return list(mapped[codes])


# ------------------------------------------------------------------ cells → frame


def _value_text(value: object) -> str | None:
    """Return one cell's value as the text a ledger would show, None when empty."""
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        return _float_text(value)
    if isinstance(value, dt.datetime):  # includes pandas.Timestamp
        if value.time() == dt.time(0) and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, np.datetime64):
        return _value_text(pd.Timestamp(value)) if not np.isnat(value) else None
    return str(value)


def _float_text(value: float | np.floating) -> str | None:
    """Write a float as a ledger shows it, without binary noise; NaN gives None.

    Whole numbers lose their ``.0``; others keep 15 significant digits (as many as
    Excel stores), or the shortest exact form for single precision (Shapefile).

    >>> [_float_text(v) for v in (12.0, 0.1 + 0.2, 1.5e-11, np.float32(35.1), float("nan"))]
    ['12', '0.3', '0.000000000015', '35.1', None]
    """
    if math.isnan(value):
        return None
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    if float(value).is_integer():
        return str(int(value))
    if isinstance(value, np.floating) and value.dtype.itemsize < 8:
        return np.format_float_positional(value, unique=True, trim="-")
    return np.format_float_positional(float(value), precision=15, unique=False,
                                      fractional=False, trim="-")


def _frame_from_grid(
    grid: pd.DataFrame, table: contract.Table, *, shown: str
) -> tuple[pd.DataFrame, pd.Series, list[str], int]:
    """Turn a sheet's cells (by position, indexed by row number) into the table.

    The header is the first non-blank row that names a column (title rows above
    it are passed over), else the first non-blank row; blank rows are dropped.
    Returns the frame, the row numbers of its rows, the unknown headers and the
    header's row number.
    """
    if grid.shape[1] == 0:
        msg = f"{shown}: empty file (no header row)."
        raise InputError(msg)
    blank = grid.apply(is_blank)
    filled = ~blank.all(axis=1)
    grid, blank = grid[filled], blank[filled]
    if grid.empty:
        msg = f"{shown}: empty file (no header row)."
        raise InputError(msg)
    lookup = _header_lookup(table)
    first = 0
    for i in range(min(_TITLE_ROWS + 1, len(grid))):
        if any(_fold(str(v)) in lookup for v in grid.iloc[i] if v is not None):
            first = i
            break
    grid, blank = grid.iloc[first:], blank.iloc[first:]
    header_row = int(grid.index[0])
    numbers = grid.index[1:].to_numpy(dtype="int64")

    header = [None if b else str(v) for v, b in zip(grid.iloc[0], blank.iloc[0], strict=True)]
    data = grid.iloc[1:].mask(blank.iloc[1:], None).reset_index(drop=True)
    frame, unknown = _build_frame(header, data, table, shown=shown)
    rows = pd.Series(numbers, index=frame.index, dtype="int64", name="row")
    return frame, rows, unknown, header_row


def _build_frame(
    header: Sequence[str | None],
    data: pd.DataFrame,
    table: contract.Table,
    *,
    shown: str,
    shapefile: bool = False,
) -> tuple[pd.DataFrame, list[str]]:
    """Keep the columns of ``data`` (by position) whose header names a contract column.

    Returns the frame in contract order with canonical names, and the unknown headers.
    """
    mapping, unknown = _map_headers(header, data, table, shown=shown, shapefile=shapefile)
    frame = pd.DataFrame({name: data[i] for i, name in mapping.items()},
                         index=data.index, dtype=object)
    order = [c.name for c in table.columns if c.name in frame.columns]
    return frame[order], unknown


def _fold(header: str) -> str:
    """Fold a header for matching: NFKC, case-folded, without white space."""
    text = unicodedata.normalize("NFKC", header).replace("\u200b", "").replace("\ufeff", "")
    return "".join(text.split()).casefold()


def _header_lookup(table: contract.Table) -> dict[str, str]:
    """Folded header spelling → canonical column name (``table.header_map()``, refolded)."""
    return {_fold(k): v for k, v in table.header_map().items()}


def _shapefile_spellings(table: contract.Table) -> dict[str, str]:
    """Header spellings as a dBASE file truncates them (10 bytes in UTF-8 or GBK)."""
    out: dict[str, str | None] = {}
    for col in table.columns:
        for spelling in (col.name, *col.aliases):
            for encoding in ("utf-8", "gbk"):
                try:
                    raw = spelling.encode(encoding)
                except UnicodeEncodeError:
                    continue
                cut = _fold(raw[:_SHAPEFILE_FIELD_BYTES].decode(encoding, errors="ignore"))
                if out.get(cut, col.name) != col.name:
                    out[cut] = None  # ambiguous after truncation: no match
                else:
                    out[cut] = col.name
    return {k: v for k, v in out.items() if v is not None}


def _map_headers(
    header: Sequence[str | None],
    data: pd.DataFrame,
    table: contract.Table,
    *,
    shown: str,
    shapefile: bool = False,
) -> tuple[dict[int, str], list[str]]:
    """Map header positions to contract columns; check required and duplicate columns.

    Returns ``({position: column name}, unknown headers)``. ``data`` (columns by
    position, blanks as None) tells an unnamed column with data from an empty one.
    """
    lookup = _header_lookup(table)
    truncated = _shapefile_spellings(table) if shapefile else {}
    mapping: dict[int, str] = {}
    seen: dict[str, str] = {}
    unknown: list[str] = []
    for i, text in enumerate(header):
        if text is None or not text.strip():
            if data[i].notna().any():
                unknown.append(f"(column {i + 1})")
            continue
        key = _fold(text)
        name = lookup.get(key) or truncated.get(key)
        if name is None:
            unknown.append(text.strip())
            continue
        if name in seen:
            msg = (f"{shown}: columns {seen[name]!r} and {text.strip()!r} both map to "
                   f"{name}; keep one.")
            raise InputError(msg)
        seen[name] = text.strip()
        mapping[i] = name

    missing = [c for c in table.columns if c.required and c.name not in seen]
    if missing:
        wanted = ", ".join(f"{c.name} ({c.label_zh})" if c.label_zh else c.name for c in missing)
        if not mapping:
            # Nothing names a column: likely no header row at all, and the row read as
            # one may hold personal data, so it is not echoed.
            msg = (f"{shown}: no header row naming the table's columns; "
                   f"missing required column(s) {wanted}.")
            raise InputError(msg)
        found = [_shown_header(h) for h in header if h is not None and h.strip()]
        listed = ", ".join(found[:_SHOWN_HEADERS]) + (", …" if len(found) > _SHOWN_HEADERS else "")
        msg = f"{shown}: missing required column(s) {wanted}; found: {listed}."
        raise InputError(msg)
    return mapping, unknown


def _shown_header(header: str) -> str:
    """A header as it may appear in a message: a long number (a phone, an ID) is hidden."""
    text = header.strip()
    return "(a number)" if _LONG_NUMBER.search(text) else text


def _display_name(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return path.resolve().relative_to(Path(root).resolve()).as_posix()
        except ValueError:
            pass
    return path.name


def _reason(exc: BaseException) -> str:
    """One short line describing ``exc``."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    if len(text) > 160:
        text = text[:157] + "..."
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
