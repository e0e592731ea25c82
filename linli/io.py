"""Read one input table from CSV (UTF-8 or GBK/GB18030), XLSX, GeoJSON, GeoPackage or Shapefile.

:func:`find_table_file` finds a table's file in a data directory and
:func:`read_table` reads it into a :class:`RawTable`: one column per recognised
contract column (canonical English names), every value still the raw text of its
cell (``None`` when blank), with the spreadsheet row number of every row. Parsing
and rule checks are the validator's job; this module only reads.

Anything that makes a file unusable (cannot be opened or decoded, empty, a
required column missing, two headers for one column, no CRS, coordinates in the
wrong unit, a quote that swallows rows) raises :class:`linli.errors.InputError`
with one line naming the file (and the line or sheet); cell values never appear
in these messages. Problems that concern single rows (a line in another encoding,
a formula cell Excel never computed) are handed to the validator as
:attr:`RawTable.row_issues`, to be quarantined with the row.

:func:`read_yaml` is the one reader of the YAML files a user writes
(``dataset.yaml``, ``published_claims.yaml``): safe tags only, a size cap, a cap on
what aliases may expand to, and every bad value reported with its file, line and
field.
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
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import yaml

from . import contract
from .errors import InputError
from .parse import is_blank

if TYPE_CHECKING:
    import geopandas as gpd
    from pyproj import CRS

__all__ = ["MAX_CELL_CHARS", "MAX_YAML_BYTES", "MAX_YAML_NODES", "RawTable", "find_table_file",
           "read_table", "read_yaml"]

log = logging.getLogger(__name__)

_SHAPEFILE_FIELD_BYTES = 10  # dBASE limits field names to 10 bytes
_SHOWN_HEADERS = 20  # headers listed in a missing-column message
_TITLE_ROWS = 9  # title rows that may stand above a header
_LONG_NUMBER = re.compile(r"[0-9]{7,}")  # a phone or ID number where a header should be
_DELIMITERS = (",", "\t", ";")  # comma first: it wins a tie
_DELIMITER_NAMES = {",": "commas", "\t": "tabs", ";": "semicolons"}
_UTF8_BOM = b"\xef\xbb\xbf"
#: A cell that spans lines, or is longer than this, points to an unclosed quote.
MAX_CELL_CHARS: int = 4096
#: The largest YAML file read (1 MiB).
MAX_YAML_BYTES: int = 1 << 20
#: The most nodes a YAML document may hold once its aliases are expanded.
MAX_YAML_NODES: int = 100_000


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
        rows stand above it); of the first sheet read in a workbook.
    row_files
        XLSX with more than one sheet read: the file and sheet of each row
        (``mediation_cases.xlsx [2023]``), aligned to ``frame.index``; else None.
    sheets
        XLSX only: the worksheets read, in workbook order.
    skipped_sheets
        XLSX only: the worksheets not read, each with the reason.
    row_issues
        Problems of single cells found while reading, one row each: ``idx`` (the
        label in ``frame.index``), ``column`` (a column name), ``rule`` (a rule of
        :data:`linli.contract.RULES`) and ``detail``. The validator quarantines
        these rows.
    delimiter
        CSV only: the cell separator found (comma, tab or semicolon).
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
    row_files: pd.Series | None = None
    sheets: list[str] = field(default_factory=list)
    skipped_sheets: list[str] = field(default_factory=list)
    row_issues: pd.DataFrame = field(default_factory=lambda: _no_issues())
    delimiter: str | None = None


def _no_issues() -> pd.DataFrame:
    return pd.DataFrame({"idx": pd.Series([], dtype="int64"), "column": pd.Series([], dtype=object),
                         "rule": pd.Series([], dtype=object), "detail": pd.Series([], dtype=object)})


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

    The format follows the extension: ``.csv`` (cells separated by commas, tabs or
    semicolons, whichever makes the header name the most columns; encoding detected
    from the bytes: UTF-8 with or without BOM, UTF-16 with BOM, else GB18030, a
    superset of GBK — line by line when the file mixes the two, the lines in the
    minority encoding becoming ``mixed_encoding`` row issues), ``.xlsx`` (every
    worksheet whose header names the table's columns, or only ``sheet``; the others
    are listed in :attr:`RawTable.skipped_sheets` and logged), ``.geojson``,
    ``.gpkg`` (the layer named after the table, else the first, or ``sheet``) and
    ``.shp``.

    A CSV cell that spans lines and holds the separator (or more than
    :data:`MAX_CELL_CHARS` characters) is rows swallowed by a quote left open: the
    file is refused, naming the line where the quote opens. An XLSX formula cell
    without a computed value is blank in the frame and an ``uncomputed_formula``
    row issue.

    Headers are matched to contract columns case-insensitively and ignoring
    spaces, by English name or Chinese alias (``table.header_map()``); full-width
    letters and brackets count as their ASCII forms. In a Shapefile, a header
    truncated to 10 bytes (a dBASE limit) also matches. The header is the row,
    among the first ten non-blank ones, whose cells name the most columns: title
    rows above it (``2024年志愿者名册``, or a lone ``年份``) are passed over, and
    without any row naming a column the first non-blank row is the header. Rows whose every cell is
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
        return _read_xlsx(path, table, sheet=sheet, shown=shown)
    return _read_csv(path, table, shown=shown)


class _NoHeader(InputError):
    """A sheet whose rows name none of the table's columns (a workbook may skip it)."""


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


def _read_csv(path: Path, table: contract.Table, *, shown: str) -> RawTable:
    """Read a CSV file: decode, find the separator, parse, check for swallowed rows."""
    text, encoding, foreign = _decode(_read_bytes(path, shown), shown)
    delimiter = _sniff_delimiter(text, _header_lookup(table))
    grid = _parse_csv(text, delimiter, shown=shown)
    _check_long_cells(grid, text, delimiter, shown=shown)
    frame, rows, unknown, header_row, _ = _frame_from_grid(grid, table, shown=shown)
    issues = _foreign_line_issues(text, delimiter, rows, foreign) if foreign else _no_issues()
    return RawTable(table=table.name, file=shown, frame=frame, rows=rows, unknown_columns=unknown,
                    encoding=encoding, header_row=header_row, row_issues=issues, delimiter=delimiter)


_ENCODING_NAMES = {"utf-8": "UTF-8", "gb18030": "GBK/GB18030"}


def _line_encoding(line: bytes) -> str | None:
    """``ascii``, ``utf-8`` or ``gb18030``: the encoding one line decodes in (None: neither)."""
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return "ascii" if line.isascii() else "utf-8"
    try:
        line.decode("gb18030")
    except UnicodeDecodeError:
        return None
    return "gb18030"


def _looks_utf16(data: bytes) -> bool:
    """Whether ``data`` looks like UTF-16 text without a byte-order mark (zero bytes at one parity)."""
    sample = data[:4000]
    zeros = [i % 2 for i, b in enumerate(sample) if b == 0]
    if len(zeros) < max(4, len(sample) // 20):
        return False
    return max(zeros.count(0), zeros.count(1)) >= 0.9 * len(zeros)


def _decode(data: bytes, shown: str) -> tuple[str, str, dict[int, str]]:
    """Return ``(text, encoding, foreign lines)``, the encoding detected from the bytes.

    A file that is not UTF-8 throughout is decoded line by line: a file in GBK with
    lines appended in UTF-8 (or the other way round) keeps the encoding of most of
    its lines, and the others are returned as ``{physical line: encoding name}`` so
    that their rows can be quarantined.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16", {}
        except UnicodeDecodeError:
            msg = f"{shown}: starts with a UTF-16 byte-order mark but is not valid UTF-16; save it as UTF-8 CSV."
            raise InputError(msg) from None
    if _looks_utf16(data):
        msg = (f"{shown}: looks like UTF-16 text without a byte-order mark (every other byte is zero); "
               "save it as UTF-8 CSV (in Excel: “CSV UTF-8”).")
        raise InputError(msg)
    bom = data.startswith(_UTF8_BOM)
    body = data[len(_UTF8_BOM):] if bom else data
    try:
        return body.decode("utf-8"), "utf-8-sig" if bom else "utf-8", {}
    except UnicodeDecodeError:
        pass
    lines = body.splitlines(keepends=True)
    kinds = [_line_encoding(line) for line in lines]
    if None in kinds:
        msg = (f"{shown}: cannot decode line {kinds.index(None) + 1} as UTF-8 or GBK/GB18030; "
               "save the file as UTF-8 CSV.")
        raise InputError(msg)
    n_utf8, n_gbk = kinds.count("utf-8"), kinds.count("gb18030")
    if n_utf8 == 0:
        if bom:
            msg = (f"{shown}: starts with a UTF-8 byte-order mark (BOM), but its text is GBK; save it "
                   "again as UTF-8 (in Excel: “CSV UTF-8”), or as GBK without the mark.")
            raise InputError(msg)
        return body.decode("gb18030"), "gb18030", {}
    first = next(k for k in kinds if k != "ascii")
    if bom or n_utf8 > n_gbk or (n_utf8 == n_gbk and first == "utf-8"):
        main, other = "utf-8", "gb18030"
    else:
        main, other = "gb18030", "utf-8"
    text = "".join(line.decode("utf-8" if kind == "ascii" else str(kind)) for line, kind in zip(lines, kinds, strict=True))
    foreign = {i + 1: _ENCODING_NAMES[other] for i, kind in enumerate(kinds) if kind == other}
    log.warning("%s: %d line(s) are in %s, the rest in %s; their rows are quarantined",
                shown, len(foreign), _ENCODING_NAMES[other], _ENCODING_NAMES[main])
    return text, f"{main}+{other}", foreign


def _sniff_delimiter(text: str, lookup: dict[str, str]) -> str:
    """The separator (comma, tab or semicolon) whose cells name the most columns in a header.

    The first ten non-blank lines are tried; without any column named, tab when the
    first line holding a comma or a tab has tabs and no comma, else comma.
    """
    lines: list[str] = []
    for line in io.StringIO(text, newline=""):
        if line.strip():
            lines.append(line.rstrip("\r\n"))
        if len(lines) > _TITLE_ROWS:
            break
    best, best_hits = ",", 0
    for delimiter in _DELIMITERS:
        hits = max((sum(_fold(cell.strip().strip('"')) in lookup for cell in line.split(delimiter))
                    for line in lines), default=0)
        if hits > best_hits:
            best, best_hits = delimiter, hits
    if best_hits:
        if best != ",":
            log.info("cells are separated by %s", _DELIMITER_NAMES[best])
        return best
    for line in lines:
        if "," in line or "\t" in line:
            return "\t" if "," not in line else ","
    return ","


def _parse_csv(text: str, delimiter: str, *, shown: str) -> pd.DataFrame:
    """Return a CSV text's cells by position, indexed by record number (1-based)."""
    try:
        # fast path: the C parser, when the first line is the widest
        grid = pd.read_csv(io.StringIO(text, newline=""), sep=delimiter, header=None,
                           dtype=object, keep_default_na=False, skip_blank_lines=False,
                           engine="c")
    except (pd.errors.ParserError, pd.errors.EmptyDataError):
        # a row longer than the first, a blank first line or a quote left open: the general path
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
    return grid


def _record_lines(text: str, delimiter: str) -> list[tuple[int, int]]:
    """The first and last physical line (1-based) of each CSV record."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    spans: list[tuple[int, int]] = []
    last = 0
    try:
        for _ in reader:
            spans.append((last + 1, reader.line_num))
            last = reader.line_num
    except csv.Error:
        pass
    return spans


def _check_long_cells(grid: pd.DataFrame, text: str, delimiter: str, *, shown: str) -> None:
    """Refuse a file in which a quote left open made one cell of many lines.

    A cell that spans lines and holds the separator, or spans lines and is longer
    than :data:`MAX_CELL_CHARS`, is rows swallowed by a stray quote: the message
    names the physical line where the quote opens.
    """
    lines = (text.count("\n") or text.count("\r")) + (0 if text.endswith(("\n", "\r")) else 1)
    if len(grid) >= lines and text.count('"') % 2 == 0:
        return  # one record per line and every quote closed: no cell spans lines
    suspects: list[int] = []
    for column in grid.columns:  # a few columns, each searched at once
        cells = grid[column].astype("string")
        spans_lines = (cells.str.contains("\n", regex=False) | cells.str.contains("\r", regex=False)).fillna(False)
        if not spans_lines.any():
            continue
        multi = cells[spans_lines.to_numpy(dtype=bool)]
        bad = (multi.str.contains(delimiter, regex=False) | (multi.str.len() > MAX_CELL_CHARS)).fillna(False)
        if bad.any():
            suspects.append(int(multi.index[bad.to_numpy(dtype=bool)].min()))
    if not suspects:
        return
    record = min(suspects)
    spans = _record_lines(text, delimiter)
    start, end = spans[record - 1] if record <= len(spans) else (record, record)
    msg = (f"{shown}: line {start}: a quote (\") opened in this line is not closed until line {end}, "
           f"so {end - start + 1} lines were read as one cell; remove or close the stray quote.")
    raise InputError(msg)


def _foreign_line_issues(text: str, delimiter: str, rows: pd.Series, foreign: dict[int, str]) -> pd.DataFrame:
    """A ``mixed_encoding`` issue for each row that holds a line in the file's other encoding."""
    spans = _record_lines(text, delimiter)
    flagged: dict[int, str] = {}
    for record, (start, end) in enumerate(spans, start=1):
        hit = next((foreign[line] for line in range(start, end + 1) if line in foreign), None)
        if hit is not None:
            flagged[record] = hit
    which = rows[rows.isin(list(flagged))]
    return pd.DataFrame({"idx": which.index.to_numpy(dtype="int64"), "column": "", "rule": "mixed_encoding",
                         "detail": [flagged[int(r)] for r in which]})


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

_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[ >/]")


def _read_xlsx(path: Path, table: contract.Table, *, sheet: str | None, shown: str) -> RawTable:
    """Read every worksheet whose header names the table's columns (or only ``sheet``)."""
    sheets = _read_xlsx_grids(path, sheet=sheet, shown=shown)
    several = len(sheets) > 1
    parts: list[tuple[str, pd.DataFrame, pd.Series, list[str], int, pd.DataFrame]] = []
    skipped: list[str] = []
    first_refusal: InputError | None = None
    for name, grid, formulas in sheets:
        label = f"{shown} [{name}]" if several else shown
        try:
            frame, rows, unknown, header_row, mapping = _frame_from_grid(grid, table, shown=label)
        except _NoHeader as exc:
            first_refusal = first_refusal or exc
            reason = "empty" if not grid.size else "no header naming the table's columns"
            skipped.append(f"{name}: {reason}")
            continue
        frame, issues = _uncomputed_formulas(frame, rows, mapping, formulas)
        parts.append((name, frame, rows, unknown, header_row, issues))
    if not parts:
        if not several and first_refusal is not None:
            raise first_refusal
        listed = "; ".join(skipped)
        msg = f"{shown}: no worksheet has a header naming the table's columns ({listed})."
        raise InputError(msg)
    for reason in skipped:
        log.warning("%s: worksheet %s — not read", shown, reason)
    return _combine_sheets(table, shown, parts, skipped, several=several)


def _combine_sheets(
    table: contract.Table,
    shown: str,
    parts: list[tuple[str, pd.DataFrame, pd.Series, list[str], int, pd.DataFrame]],
    skipped: list[str],
    *,
    several: bool,
) -> RawTable:
    """One table from the sheets read, rows numbered within their sheet."""
    frames, rows, files, issues, unknown = [], [], [], [], []
    offset = 0
    for name, frame, numbers, names, _, found in parts:
        frames.append(frame.reset_index(drop=True))
        rows.append(numbers.reset_index(drop=True))
        files.append(pd.Series(f"{shown} [{name}]", index=range(len(frame)), dtype=object))
        issues.append(found.assign(idx=found["idx"] + offset))
        unknown += [u for u in names if u not in unknown]
        offset += len(frame)
    order = [c.name for c in table.columns]
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0].reset_index(drop=True)
    frame = frame[[c for c in order if c in frame.columns]].astype(object)
    frame = frame.where(frame.notna(), None)
    row_numbers = pd.Series(pd.concat(rows, ignore_index=True).to_numpy(dtype="int64"), index=frame.index,
                            dtype="int64", name="row")
    row_files = pd.Series(pd.concat(files, ignore_index=True).to_numpy(), index=frame.index) if several else None
    return RawTable(table=table.name, file=shown, frame=frame, rows=row_numbers, unknown_columns=unknown,
                    header_row=parts[0][4], row_files=row_files, sheets=[p[0] for p in parts],
                    skipped_sheets=skipped, row_issues=pd.concat(issues, ignore_index=True))


def _uncomputed_formulas(
    frame: pd.DataFrame, rows: pd.Series, mapping: dict[int, str], formulas: set[tuple[int, int]]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Blank the formula cells Excel never computed, and return an issue for each."""
    if not formulas:
        return frame, _no_issues()
    where = {int(r): i for i, r in zip(rows.index, rows, strict=True)}
    found = [(where[r], mapping[p]) for r, p in sorted(formulas) if r in where and p in mapping]
    frame = frame.copy()
    for idx, column in found:
        frame.at[idx, column] = None
    issues = pd.DataFrame({"idx": pd.Series([i for i, _ in found], dtype="int64"),
                           "column": [c for _, c in found], "rule": "uncomputed_formula", "detail": ""})
    return frame, issues


def _has_formulas(path: Path) -> bool:
    """Whether any worksheet of the workbook holds a formula (a quick look at its XML)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as book:
            return any(_FORMULA_TAG.search(book.read(n)) for n in book.namelist()
                       if n.startswith("xl/worksheets/") and n.endswith(".xml"))
    except (OSError, zipfile.BadZipFile, KeyError):
        return False


def _read_xlsx_grids(
    path: Path, *, sheet: str | None, shown: str
) -> list[tuple[str, pd.DataFrame, set[tuple[int, int]]]]:
    """Each worksheet's non-blank rows as text by position, indexed by row number.

    With each sheet comes the set of ``(row, position)`` of formula cells that hold
    no computed value (the file was written by a program, never opened and saved
    in Excel); such a cell holds its formula text in the grid, so that its row is
    not taken for blank.
    """
    import openpyxl

    _read_bytes(path, shown, size=1)  # permissions and emptiness, with a clear message
    try:
        with warnings.catch_warnings():
            # openpyxl warns about workbook features it ignores (styles, validation)
            warnings.filterwarnings("ignore", category=UserWarning, module="openpyxl")
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
            formula_book = (openpyxl.load_workbook(path, read_only=True, data_only=False)
                            if _has_formulas(path) else None)
    except Exception as exc:  # zipfile, XML and openpyxl errors alike
        msg = f"{shown}: not a readable .xlsx workbook ({_reason(exc)})."
        raise InputError(msg) from None
    try:
        names = [ws.title for ws in book.worksheets]
        if sheet is not None:
            if sheet not in book.sheetnames or not hasattr(book[sheet], "iter_rows"):
                msg = f"{shown}: no worksheet {sheet!r}; sheets: {', '.join(book.sheetnames)}."
                raise InputError(msg)
            names = [sheet]
        if not names:
            msg = f"{shown}: the workbook has no worksheet."
            raise InputError(msg)
        out = []
        for name in names:
            formulas = _formula_cells(formula_book[name]) if formula_book is not None else set()
            grid, uncomputed = _sheet_grid(book[name], formulas, shown=shown)
            out.append((name, grid, uncomputed))
        return out
    finally:
        book.close()
        if formula_book is not None:
            formula_book.close()


def _formula_cells(ws: object) -> dict[tuple[int, int], str]:
    """``(row, position) → formula text`` of every formula cell of a worksheet."""
    ws.reset_dimensions()  # type: ignore[attr-defined]
    found: dict[tuple[int, int], str] = {}
    for row in ws.iter_rows():  # type: ignore[attr-defined]
        for pos, cell in enumerate(row):
            if getattr(cell, "data_type", None) == "f":
                found[(int(cell.row), pos)] = str(cell.value)
    return found


def _sheet_grid(
    ws: object, formulas: dict[tuple[int, int], str], *, shown: str
) -> tuple[pd.DataFrame, set[tuple[int, int]]]:
    ws.reset_dimensions()  # type: ignore[attr-defined]  # recorded dimensions may be wrong
    cells: list[list[str | None]] = []
    row_numbers: list[int] = []
    uncomputed: set[tuple[int, int]] = set()
    try:
        for row in ws.iter_rows():  # type: ignore[attr-defined]
            number = next((c.row for c in row if getattr(c, "row", None)), None)
            values = [_value_text(cell.value) for cell in row]
            if number is not None and formulas:
                for pos, value in enumerate(values):
                    if value is None and (number, pos) in formulas:
                        values[pos] = formulas[(number, pos)]
                        uncomputed.add((number, pos))
            if number is None or not any(v is not None and v.strip() for v in values):
                continue
            cells.append(values)
            row_numbers.append(number)
    except Exception as exc:  # a broken sheet part shows only while rows are read
        msg = f"{shown}: not a readable .xlsx workbook ({_reason(exc)})."
        raise InputError(msg) from None
    return _grid_from_records(cells, row_numbers), uncomputed


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
        frame, unknown, _ = _build_frame(header, data, table, shown=shown,
                                         shapefile=suffix == ".shp")
    geometry.index = frame.index
    return RawTable(table=table.name, file=shown, frame=frame,
                    rows=pd.Series(range(1, n + 1), index=frame.index, dtype="int64", name="row"),
                    unknown_columns=unknown, geometry=geometry, crs=crs_read)


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
) -> tuple[pd.DataFrame, pd.Series, list[str], int, dict[int, str]]:
    """Turn a sheet's cells (by position, indexed by row number) into the table.

    The header is the row, among the first ten non-blank ones, whose cells name
    the most columns (title rows above it are passed over; a title that happens to
    equal one column's name loses to the real header), else the first non-blank
    row; blank rows are dropped. Returns the frame, the row numbers of its rows,
    the unknown headers, the header's row number and ``{position: column name}``.
    """
    if grid.shape[1] == 0:
        msg = f"{shown}: empty file (no header row)."
        raise _NoHeader(msg)
    blank = grid.apply(is_blank)
    filled = ~blank.all(axis=1)
    grid, blank = grid[filled], blank[filled]
    if grid.empty:
        msg = f"{shown}: empty file (no header row)."
        raise _NoHeader(msg)
    lookup = _header_lookup(table)
    first, best = 0, 0
    for i in range(min(_TITLE_ROWS + 1, len(grid))):
        hits = sum(_fold(str(v)) in lookup for v in grid.iloc[i] if v is not None)
        if hits > best:
            first, best = i, hits
    grid, blank = grid.iloc[first:], blank.iloc[first:]
    header_row = int(grid.index[0])
    numbers = grid.index[1:].to_numpy(dtype="int64")

    header = [None if b else str(v) for v, b in zip(grid.iloc[0], blank.iloc[0], strict=True)]
    data = grid.iloc[1:].mask(blank.iloc[1:], None).reset_index(drop=True)
    frame, unknown, mapping = _build_frame(header, data, table, shown=shown)
    rows = pd.Series(numbers, index=frame.index, dtype="int64", name="row")
    return frame, rows, unknown, header_row, mapping


def _build_frame(
    header: Sequence[str | None],
    data: pd.DataFrame,
    table: contract.Table,
    *,
    shown: str,
    shapefile: bool = False,
) -> tuple[pd.DataFrame, list[str], dict[int, str]]:
    """Keep the columns of ``data`` (by position) whose header names a contract column.

    Returns the frame in contract order with canonical names, the unknown headers
    and ``{position: column name}``.
    """
    mapping, unknown = _map_headers(header, data, table, shown=shown, shapefile=shapefile)
    frame = pd.DataFrame({name: data[i] for i, name in mapping.items()},
                         index=data.index, dtype=object)
    order = [c.name for c in table.columns if c.name in frame.columns]
    return frame[order], unknown, mapping


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
            unknown.append(_shown_header(text))
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
            raise _NoHeader(msg)
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


# ------------------------------------------------------------------ YAML


class _YamlProblem(Exception):
    """A value of a YAML file that cannot be used (raised while constructing it)."""

    def __init__(self, node: yaml.Node, problem: str) -> None:
        super().__init__(problem)
        self.node = node
        self.problem = problem


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader; an impossible date names its line instead of crashing."""

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> object:  # type: ignore[override]
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, OverflowError) as exc:
            raise _YamlProblem(node, f"{node.value} is not a valid date ({exc})") from None


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)


def _expanded_size(node: yaml.Node, fields: dict[int, str], path: str, memo: dict[int, int]) -> int:
    """Number of values ``node`` stands for once every alias is expanded; names each value's field."""
    key = id(node)
    if key in memo:
        return memo[key]
    memo[key] = 1  # a recursive alias counts once
    total = 1
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            name = k.value if isinstance(k, yaml.ScalarNode) else "?"
            child = f"{path}.{name}" if path else str(name)
            fields.setdefault(id(k), child)
            fields.setdefault(id(v), child)
            total += _expanded_size(k, fields, child, memo) + _expanded_size(v, fields, child, memo)
            if total > MAX_YAML_NODES:
                break
    elif isinstance(node, yaml.SequenceNode):
        for i, v in enumerate(node.value, start=1):
            child = f"{path}[{i}]"
            fields.setdefault(id(v), child)
            total += _expanded_size(v, fields, child, memo)
            if total > MAX_YAML_NODES:
                break
    memo[key] = total
    return total


def _yaml_error(shown: str, exc: yaml.YAMLError) -> InputError:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    at = f" (line {mark.line + 1})" if mark is not None else ""
    problem = getattr(exc, "problem", None) or type(exc).__name__
    return InputError(f"{shown}: not valid YAML{at}: {problem}.")


def read_yaml(path: Path | str, *, shown: str | None = None) -> Any:
    """Read a YAML file a user wrote, safely.

    Only plain YAML is understood (PyYAML's safe loader: no Python objects). The
    file may hold at most :data:`MAX_YAML_BYTES` bytes, and its anchors and
    aliases may expand to at most :data:`MAX_YAML_NODES` values — aliases are
    fine for sharing a value (``source: *article``), not for a "billion laughs".
    Every problem, including an impossible date (``2024-02-30``), is one line that
    names the file, the line and the field.

    Parameters
    ----------
    path
        The file (UTF-8).
    shown
        How the file is named in messages (default its name).

    Returns
    -------
    object
        The document (None for an empty file).

    Raises
    ------
    InputError
        The file cannot be read, is too large, is not valid YAML, expands too far
        or holds an impossible value.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     p = Path(tmp) / "dataset.yaml"
    ...     _ = p.write_text("src: &a {t: 1}\\nuse: *a\\nas_of: 2024-02-30\\n", encoding="utf-8")
    ...     read_yaml(p)
    Traceback (most recent call last):
    ...
    linli.errors.InputError: dataset.yaml: line 3, field 'as_of': 2024-02-30 is not a valid date (day is out of range for month).
    """
    path = Path(path)
    shown = shown or path.name
    try:
        size = path.stat().st_size
        if size > MAX_YAML_BYTES:
            msg = f"{shown}: {size:,} bytes; a settings file may hold at most {MAX_YAML_BYTES:,} bytes."
            raise InputError(msg)
        data = path.read_bytes()
    except OSError as exc:
        msg = f"{shown}: cannot read the file ({exc.strerror or type(exc).__name__})."
        raise InputError(msg) from None
    return yaml_from_bytes(data, shown=shown)


def yaml_from_bytes(data: bytes, *, shown: str) -> Any:
    """Parse the bytes of a YAML file a user wrote, safely, as :func:`read_yaml` does.

    For a file already read (its bytes are also hashed, as ``published_claims.yaml``'s
    are): the same size and alias caps and the same one-line messages, naming the file
    as ``shown``.

    Raises
    ------
    InputError
        The bytes are too many, not UTF-8, not valid YAML, expand too far or hold an
        impossible value.
    """
    if len(data) > MAX_YAML_BYTES:
        msg = f"{shown}: {len(data):,} bytes; a settings file may hold at most {MAX_YAML_BYTES:,} bytes."
        raise InputError(msg)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        msg = f"{shown}: not UTF-8 text; save it as UTF-8."
        raise InputError(msg) from None
    loader = _Loader(text)
    fields: dict[int, str] = {}
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if _expanded_size(node, fields, "", {}) > MAX_YAML_NODES:
            msg = (f"{shown}: its aliases expand to more than {MAX_YAML_NODES:,} values; "
                   "write the values out instead of nesting aliases.")
            raise InputError(msg)
        return loader.construct_document(node)
    except _YamlProblem as exc:
        line = exc.node.start_mark.line + 1
        field_name = fields.get(id(exc.node), "?")
        msg = f"{shown}: line {line}, field {field_name!r}: {exc.problem}."
        raise InputError(msg) from None
    except yaml.YAMLError as exc:
        raise _yaml_error(shown, exc) from None
    except RecursionError:
        msg = f"{shown}: nested too deeply to be a settings file."
        raise InputError(msg) from None
    finally:
        loader.dispose()
