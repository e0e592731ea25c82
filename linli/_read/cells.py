"""The raw table every reader returns, and the step they share: cells → a frame of contract columns."""

from __future__ import annotations

import datetime as dt
import difflib
import logging
import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .. import contract
from ..errors import InputError
from ..parse import is_blank

if TYPE_CHECKING:
    import geopandas as gpd

log = logging.getLogger(__name__)

_SHAPEFILE_FIELD_BYTES = 10  # dBASE limits field names to 10 bytes
_SHOWN_HEADERS = 20  # headers listed in a missing-column message
TITLE_ROWS = 9  # title rows that may stand above a header
_SHOWN_RUNS = 10  # runs of row numbers a warning lists
_LONG_NUMBER = re.compile(r"[0-9]{7,}")  # a phone or ID number where a header should be
_EMPTY_NO_HEADER = "文件是空的（没有表头），请填入表头和记录后保存 / empty file (no header row)."
#: A cell that spans lines, or is longer than this, points to an unclosed quote.
MAX_CELL_CHARS: int = 4096


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
        canonical English name; values are the raw cell text (object dtype, or
        Arrow strings from a plain CSV file), missing for a blank cell.
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
        Geo only: the CRS of the file as read (``"EPSG:4490"``), or of a
        spreadsheet's coordinates (``"gcj02 (…)"``).
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
        :data:`linli.contract.RULES`), ``detail`` and, when the cell is worth
        showing, ``value``. The validator quarantines these rows (or, for a
        geometry rule of a table with ids, loads them without their geometry).
    delimiter
        CSV only: the cell separator found (comma, tab or semicolon).
    header_cells
        CSV and XLSX: per file (as :attr:`row_files` names it, else :attr:`file`), each
        column's Excel letter and its header as typed: ``{"received_on": ("E", "受理日期")}``.
        A message names a cell as the clerk sees it (第3行 E列 “受理日期”).
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
    row_issues: pd.DataFrame = field(default_factory=lambda: no_issues())
    delimiter: str | None = None
    header_cells: dict[str, dict[str, tuple[str, str]]] = field(default_factory=dict)


def combine_files(table: contract.Table, raws: Sequence[RawTable]) -> RawTable:
    """One table of the tables read from a ledger's files (a file per year), one after the
    other: each row keeps its row number and is named by its file (and sheet, as
    :attr:`RawTable.row_files` named it); a column one file lacks is blank in its rows.
    :attr:`RawTable.file` lists the files, separated by ``"; "``, and so do the encodings,
    the sheets and the sheets passed over, each named with its file."""
    frames, rows, files, issues = [], [], [], []
    offset = 0
    for raw in raws:
        n = len(raw.frame)
        frames.append(raw.frame.reset_index(drop=True))  # Arrow strings stay Arrow when every file is CSV
        rows.append(raw.rows.reset_index(drop=True))
        named = raw.row_files.reset_index(drop=True) if raw.row_files is not None else pd.Series([raw.file] * n)
        files.append(named.astype(object))
        issues.append(raw.row_issues.assign(idx=raw.row_issues["idx"] + offset))
        offset += n
    order = [c.name for c in table.columns]
    frame = pd.concat(frames, ignore_index=True)
    frame = frame[[c for c in order if c in frame.columns]]
    for column in frame.columns:  # a blank cell is None in an object column, as each reader leaves it
        if frame[column].dtype == object:
            frame[column] = frame[column].where(frame[column].notna(), None)
    unknown: list[str] = []
    for raw in raws:
        unknown += [u for u in raw.unknown_columns if u not in unknown]
    encodings = list(dict.fromkeys(raw.encoding for raw in raws if raw.encoding))
    return RawTable(
        table=table.name, file="; ".join(raw.file for raw in raws), frame=frame,
        rows=pd.Series(pd.concat(rows, ignore_index=True).to_numpy(dtype="int64"), index=frame.index, name="row"),
        unknown_columns=unknown, encoding="; ".join(encodings) or None, header_row=raws[0].header_row,
        row_files=pd.Series(pd.concat(files, ignore_index=True).to_numpy(), index=frame.index),
        sheets=[f"{raw.file} [{sheet}]" for raw in raws for sheet in raw.sheets],
        skipped_sheets=[f"{raw.file} [{name}]: {why}" for raw in raws
                        for name, _, why in (entry.partition(": ") for entry in raw.skipped_sheets)],
        row_issues=pd.concat(issues, ignore_index=True),
        delimiter=next((raw.delimiter for raw in raws if raw.delimiter), None),
        header_cells={label: cells for raw in raws for label, cells in raw.header_cells.items()},
    )


def no_issues() -> pd.DataFrame:
    return pd.DataFrame({"idx": pd.Series([], dtype="int64"), "column": pd.Series([], dtype=object),
                         "rule": pd.Series([], dtype=object), "detail": pd.Series([], dtype=object)})


class NoHeader(InputError):
    """A sheet whose rows name none of the table's columns (a workbook may skip it)."""


class MissingColumns(InputError):
    """A header that names some of the table's columns but lacks a required one.

    ``named`` maps the contract columns the header names to their headers as typed:
    a workbook tells a summary sheet (``社区 | 案件数``) from a data sheet short of a
    column by them (:func:`linli._read.xlsx.read_xlsx`).
    """

    def __init__(self, message: str, *, named: dict[str, str]) -> None:
        super().__init__(message)
        self.named = named


def read_bytes(path: Path, shown: str, *, size: int = -1) -> bytes:
    """Return the file's bytes (the first ``size`` only, when given); refuse an empty file."""
    try:
        with path.open("rb") as handle:
            data = handle.read(size)
    except OSError as exc:
        msg = f"{shown}: cannot read the file ({exc.strerror or type(exc).__name__})."
        raise InputError(msg) from None
    if not data:
        msg = f"{shown}: 文件是空的，请填入表头和记录后保存 / empty file."
        raise InputError(msg)
    return data


def value_text(value: object) -> str | None:
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
        return float_text(value)
    if isinstance(value, dt.datetime):  # includes pandas.Timestamp
        if value.time() == dt.time(0) and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, np.datetime64):
        return value_text(pd.Timestamp(value)) if not np.isnat(value) else None
    return str(value)


def float_text(value: float | np.floating) -> str | None:
    """Write a float as a ledger shows it, without binary noise; NaN gives None.

    Whole numbers lose their ``.0``; others keep 15 significant digits (as many as
    Excel stores), or the shortest exact form for single precision (Shapefile).

    >>> [float_text(v) for v in (12.0, 0.1 + 0.2, 1.5e-11, np.float32(35.1), float("nan"))]
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


#: Records a :class:`GridBuilder` holds as Python objects before it turns them into Arrow strings.
GRID_SLICE: int = 1 << 16


class GridBuilder:
    """Cells by position, gathered a record at a time, held as Arrow strings.

    A workbook's cells come one Python string at a time; held so, a cell costs some
    60–80 bytes besides its characters, and a sheet of a million records and ten columns
    over a gigabyte. Every :data:`GRID_SLICE` records become Arrow strings (4 bytes a cell
    and the characters), so that only one slice is ever held as Python objects.
    :meth:`grid` gives the cells as a plain CSV file's are given (Arrow ``string`` columns,
    ``range`` of positions), indexed by the row numbers given; a short record is padded
    with missing cells.

    >>> b = GridBuilder()
    >>> b.add(["编号", "日期"], 1); b.add(["m1"], 3)
    >>> b.grid().to_dict("index")
    {1: {0: '编号', 1: '日期'}, 3: {0: 'm1', 1: None}}
    """

    def __init__(self) -> None:
        self._records: list[list[str | None]] = []
        self._numbers: list[int] = []
        self._slices: list[tuple[int, list[pa.Array]]] = []  # (records, columns) of each slice

    def add(self, values: list[str | None], number: int) -> None:
        """Add the record ``values`` (by position) of row ``number``."""
        self._records.append(values)
        self._numbers.append(number)
        if len(self._records) == GRID_SLICE:
            self._flush()

    def _flush(self) -> None:
        records, self._records = self._records, []
        if not records:
            return
        width = max(len(r) for r in records)
        for r in records:
            if len(r) < width:
                r.extend([None] * (width - len(r)))
        columns = [pa.array(column, type=pa.string()) for column in zip(*records, strict=True)]
        self._slices.append((len(records), columns))

    def grid(self) -> pd.DataFrame:
        """The cells gathered, by position, indexed by row number."""
        self._flush()
        width = max((len(columns) for _, columns in self._slices), default=0)
        index = pd.Index(self._numbers, dtype="int64")
        return pd.DataFrame({i: pd.Series(pd.arrays.ArrowExtensionArray(pa.chunked_array(
            [columns[i] if i < len(columns) else pa.nulls(n, pa.string()) for n, columns in self._slices],
            type=pa.string())), index=index) for i in range(width)}, index=index, columns=range(width))


def frame_from_grid(
    grid: pd.DataFrame,
    table: contract.Table,
    *,
    shown: str,
    hidden_rows: frozenset[int] = frozenset(),
    hidden_columns: frozenset[int] = frozenset(),
) -> tuple[pd.DataFrame, pd.Series, list[str], int, dict[int, str], pd.DataFrame, dict[str, tuple[str, str]]]:
    """Turn a sheet's cells (by position, indexed by row number) into the table.

    The header is the row, among the first ten non-blank ones, whose cells name
    the most columns (a title that happens to equal one column's name loses to the
    real header; of two rows naming as many, the first), else the first non-blank
    row. A header typed on two rows is read as one (:func:`_header_rows`): a group
    title over some columns with their names on the row below, the other names on
    the upper row, merged or not. Non-blank rows above the header (a title, a group
    row, a 填报单位 line) are no records: a warning names them. Blank rows are
    dropped; every other row below the header is a record, numbered as the
    spreadsheet numbers it. A record on a row hidden in Excel (``hidden_rows``, by
    row number: filtered out of view) is read like any other, and a warning names
    it, so that a clerk told of it knows to unhide it; ``hidden_columns`` (by
    position) as :func:`map_headers` takes them.

    Returns the frame, the row numbers of its rows, the unknown headers, the
    header's (last) row number, ``{position: column name}``, a ``total_row`` row
    issue for each total row (:func:`total_rows`) and a ``signature_row`` one for each
    signature line (:func:`signature_rows`), and each column's Excel letter
    and header as typed (:attr:`RawTable.header_cells`).
    """
    if grid.shape[1] == 0:
        msg = f"{shown}: {_EMPTY_NO_HEADER}"
        raise NoHeader(msg)
    blank = grid.apply(is_blank)
    filled = ~blank.all(axis=1)
    if not filled.all():
        grid, blank = grid[filled], blank[filled]
    if grid.empty:
        msg = f"{shown}: {_EMPTY_NO_HEADER}"
        raise NoHeader(msg)
    lookup = header_lookup(table)
    first, best = 0, 0
    for i in range(min(TITLE_ROWS + 1, len(grid))):
        # columns named, each once: a title merged across the sheet names one column, however wide
        hits = len(set(_named(grid.iloc[i], lookup).values()))
        if hits > best:
            first, best = i, hits
    top, last, header = _header_rows(grid, blank, first, lookup)
    _warn_rows_above(grid.index[:top], grid.index[top], grid.index[last], shown=shown)
    header_row = int(grid.index[last])
    numbers = grid.index[last + 1:].to_numpy(dtype="int64")
    cells, blanks = grid.iloc[last + 1:], blank.iloc[last + 1:]
    data = pd.DataFrame({i: cells[i].mask(blanks[i], None) if blanks[i].any() else cells[i]
                         for i in cells.columns}).reset_index(drop=True)
    frame, unknown, mapping = build_frame(header, data, table, shown=shown, hidden=hidden_columns)
    warn_not_read(header, data, mapping, table, shown=shown)
    rows = pd.Series(numbers, index=frame.index, dtype="int64", name="row")
    candidates = np.array(sorted(hidden_rows), dtype="int64")
    if len(candidates) and len(out_of_view := candidates[np.isin(candidates, numbers)].tolist()):
        one, n = len(out_of_view) == 1, len(out_of_view)
        log.warning("%s: 第%s行是隐藏行（共 %d 行），仍作为记录读入（取消隐藏即可看到） / %s %s hidden (%d in all): "
                    "read as %s (unhide %s to see %s)", shown, _row_span(out_of_view), n, "row" if one else "rows",
                    _row_span(out_of_view, sep=", ") + (" is" if one else " are"), n,
                    "a record" if one else "records", "it" if one else "them", "it" if one else "them")
    footers = pd.concat([total_rows(data), signature_rows(data)], ignore_index=True)
    return frame, rows, unknown, header_row, mapping, footers, header_cells(header, mapping)


def _named(row: pd.Series, lookup: dict[str, str]) -> dict[int, str]:
    """``{position: column name}`` of the cells of ``row`` that name a column of the table."""
    return {int(pos): lookup[key] for pos, v in row.items() if v is not None and (key := fold(str(v))) in lookup}


def _header_rows(
    grid: pd.DataFrame, blank: pd.DataFrame, at: int, lookup: dict[str, str]
) -> tuple[int, int, list[str | None]]:
    """The header around row ``at`` (positions in ``grid``): its first and last row, and its cells.

    A row next to ``at`` belongs to the header when every filled cell of it names a
    column (so it cannot be a record) and either

    * it names columns ``at`` does not, where ``at`` names none (a header typed on
      two rows without merging: 日期 over 受理日期 | 办结日期 on the row below, the
      other names on the upper row) — the two rows are read as one header; or
    * it lies above ``at`` and names the same columns at the same places (the upper
      row of a two-row header whose merged cells were filled down).

    >>> grid = pd.DataFrame({0: ["编号", None, "m1"], 1: ["日期", "受理日期", "2024-03-05"]}, index=[1, 2, 3])
    >>> _header_rows(grid, grid.isna(), 0, {"编号": "case_id", "受理日期": "received_on"})
    (0, 1, ['编号', '受理日期'])
    """
    def cells(i: int) -> list[str | None]:
        return [None if b else str(v) for v, b in zip(grid.iloc[i], blank.iloc[i], strict=True)]

    def header_like(i: int) -> dict[int, str] | None:
        names = _named(grid.iloc[i], lookup)
        filled = {int(p) for p, b in blank.iloc[i].items() if not b}
        return names if names and set(names) == filled else None

    header, named = cells(at), _named(grid.iloc[at], lookup)
    top = last = at
    for other in (at + 1, at - 1):
        if not 0 <= other < len(grid) or (names := header_like(other)) is None:
            continue
        if not set(names) & set(named) and not set(names.values()) & set(named.values()):
            texts = cells(other)
            for pos in names:
                header[pos] = texts[pos]
            top, last = min(top, other), max(last, other)
            break
        if other < at and all(named.get(pos) == name for pos, name in names.items()):
            top = other
            break
    return top, last, header


def _warn_rows_above(above: pd.Index, top: int, last: int, *, shown: str) -> None:
    """Warn of the non-blank rows above the header: read as a title, never as records."""
    if not len(above):
        return
    zh, en = _row_span(list(above)), _row_span(list(above), sep=", ")
    head = str(top) if top == last else f"{top}–{last}"
    log.warning("%s: 第%s行在表头（第%s行）之上，当作标题或分组行，未作为记录读入 / row%s %s above the header "
                "(row%s %s) not read as records", shown, zh, head, "s" if len(above) > 1 else "", en,
                "" if top == last else "s", head)


def warn_not_read(
    header: Sequence[str | None],
    data: pd.DataFrame,
    mapping: dict[int, str],
    table: contract.Table,
    *,
    shown: str,
    sheet: bool = True,
) -> None:
    """Warn of the columns of a sheet that are not read (their header names no column of
    the table), by Excel letter, in one line; and, one line each, of a header that looks
    like a column of the table that the sheet lacks (``结案日期`` for ``办结日期``): that
    column's cells are lost until the header is renamed. ``sheet=False`` (a geo file,
    whose extra attributes a GIS program adds) warns only of the latter.
    """
    lookup = header_lookup(table)
    absent = {alias: name for alias, name in lookup.items() if name not in mapping.values()}
    labels = {c.name: c.label_zh or c.name for c in table.columns}
    plain: list[tuple[str, str]] = []
    for i, text in enumerate(header):
        if i in mapping:
            continue
        letter = column_letter(i)
        if text is None or not text.strip():
            if sheet and data[i].notna().any():
                plain.append((letter, ""))
            continue
        typed = shown_header(text)
        near = difflib.get_close_matches(fold(text), list(absent), n=1, cutoff=0.6)
        if near:
            name = absent[near[0]]
            log.warning("%s: %s“%s”不是本表的列，未读入；若是“%s”，请把表头改为“%s” / column %s%r is not a "
                        "column of this table and was not read; if it is %s (%s), rename the header",
                        shown, f"{letter}列" if sheet else "", typed, labels[name], labels[name],
                        f"{letter} " if sheet else "", typed, labels[name], name)
        elif sheet:
            plain.append((letter, typed))
    if plain:
        zh = "、".join(f"{letter}列“{typed}”" if typed else f"{letter}列（无表头）" for letter, typed in plain)
        en = ", ".join(f"{letter} {typed!r}" if typed else f"{letter} (no header)" for letter, typed in plain)
        one = len(plain) == 1
        log.warning("%s: %s不是本表的列，未读入 / column%s %s %s not %s of this table: not read", shown, zh,
                    "" if one else "s", en, "is" if one else "are", "a column" if one else "columns")


def _row_span(rows: list[int], *, sep: str = "、", most: int = _SHOWN_RUNS) -> str:
    """Row numbers as ranges, the first ``most`` of them (a filter may hide every other row):
    ``1–3、5``, ``2、4、6…``.

    >>> _row_span([1, 2, 3, 5]), _row_span([2], sep=", "), _row_span([2, 4, 6, 8], sep=", ", most=3)
    ('1–3、5', '2', '2, 4, 6…')
    """
    runs: list[list[int]] = []
    for r in rows:
        if runs and r == runs[-1][-1] + 1:
            runs[-1].append(r)
        else:
            runs.append([r])
    shown = sep.join(str(run[0]) if len(run) == 1 else f"{run[0]}–{run[-1]}" for run in runs[:most])
    return shown + ("…" if len(runs) > most else "")


_TOTAL_WORDS = ("合计", "总计", "小计", "共计", "累计", "总数", "总和")
#: The first filled cell of a total row, as a clerk types it (``合计``, ``合 计``, ``总计：``,
#: ``Total`` …, with a space or two around it): such a row is no record.
TOTAL_CELLS: frozenset[str] = frozenset(
    pad + form + end
    for form in [
        *(joined + colon for w in _TOTAL_WORDS for joined in (w, " ".join(w), "\u3000".join(w))
          for colon in ("", ":", "：")),
        *(case + colon for w in ("total", "sum", "subtotal", "grand total") for case in (w, w.title(), w.upper())
          for colon in ("", ":")),
    ]
    for pad in ("", " ", "\u3000") for end in ("", " ", "\u3000")
)
_TOTAL_SET = pa.array(sorted(TOTAL_CELLS), type=pa.string())


def total_rows(data: pd.DataFrame) -> pd.DataFrame:
    """A ``total_row`` row issue (its ``value`` the word) for each row whose first filled
    cell, from the left of the sheet, is one of :data:`TOTAL_CELLS` — whatever column
    it stands in (``序号`` is not a column of any table).

    Only the first column is searched in full; a later one only on the rows blank to
    its left (few), so a large ledger costs one look-up of its first column.

    >>> cells = pd.DataFrame({0: ["1", "合计", None], 1: ["m1", None, "总计："]})
    >>> total_rows(cells)[["idx", "rule", "value"]].values.tolist()
    [[1, 'total_row', '合计'], [2, 'total_row', '总计：']]
    """
    found: dict[int, str] = {}
    left_blank = np.ones(len(data), dtype=bool)  # rows blank in every column so far
    for pos in data.columns:
        cells = data[pos][left_blank] if not left_blank.all() else data[pos]
        if len(cells):
            hit = _is_total(cells)
            for label, word in cells[hit].items():
                found[int(label)] = str(word).strip(" \u3000")
        left_blank &= data[pos].isna().to_numpy(dtype=bool)
        if not left_blank.any():
            break
    labels = sorted(found)
    return pd.DataFrame({"idx": pd.Series(labels, dtype="int64"), "column": "", "rule": "total_row", "detail": "",
                         "value": pd.Series([found[i] for i in labels], dtype=object)})


def _is_total(cells: pd.Series) -> np.ndarray:
    array = cells.array
    arrow = (array.__arrow_array__() if isinstance(cells.dtype, pd.ArrowDtype | pd.StringDtype) else
             pa.array(cells.to_numpy(dtype=object), type=pa.string(), from_pandas=True))
    return pc.is_in(arrow, value_set=_TOTAL_SET).to_numpy(zero_copy_only=False).astype(bool)


_SIGNATURE_WORDS = ("填报人", "填表人", "制表人", "审核人", "审批人", "复核人", "负责人", "统计人", "经办人",
                    "联系人", "填报单位", "填报日期", "制表日期", "审核日期", "报送日期", "签字", "签名", "盖章")
_SIGNATURE = re.compile(
    "[ \u3000]*(" + "|".join([*_SIGNATURE_WORDS, "prepared by", "checked by", "approved by", "signature"]) + ")",
    re.IGNORECASE,
)
#: How many rows, from the bottom of a sheet, are searched for a signature line.
FOOTER_ROWS: int = 5


def signature_rows(data: pd.DataFrame) -> pd.DataFrame:
    """A ``signature_row`` row issue for each of the last :data:`FOOTER_ROWS` rows whose
    first filled cell begins with a signature label (``填报人：张三 电话：…``, ``审核人``,
    ``制表日期：…``, ``Prepared by``): a line a clerk signs under the records is no record.
    Its ``value`` is the label alone, never what follows it (a name, a phone number).

    >>> cells = pd.DataFrame({0: ["m1", None, "审核人：李四"], 1: ["2024-01-05", "填报人：张三 13900000000", None]})
    >>> signature_rows(cells)[["idx", "rule", "value"]].values.tolist()
    [[1, 'signature_row', '填报人'], [2, 'signature_row', '审核人']]
    """
    found: dict[int, str] = {}
    for label, row in data.tail(FOOTER_ROWS).iterrows():
        first = next((str(v) for v in row if v is not None and not pd.isna(v) and str(v).strip()), None)
        if first is not None and (match := _SIGNATURE.match(first)):
            found[int(label)] = match.group(1)
    labels = sorted(found)
    return pd.DataFrame({"idx": pd.Series(labels, dtype="int64"), "column": "", "rule": "signature_row",
                         "detail": "", "value": pd.Series([found[i] for i in labels], dtype=object)})


def header_cells(header: Sequence[str | None], mapping: dict[int, str]) -> dict[str, tuple[str, str]]:
    """Each mapped column's Excel letter and header as typed, from the header's cells by position.

    >>> header_cells([None, "社区编码 "], {1: "community_id"})
    {'community_id': ('B', '社区编码')}
    """
    return {name: (column_letter(pos), str(header[pos]).strip()) for pos, name in mapping.items()}


def column_letter(position: int) -> str:
    """The Excel letter of a column's position, from 0.

    >>> column_letter(0), column_letter(25), column_letter(26), column_letter(701)
    ('A', 'Z', 'AA', 'ZZ')
    """
    n, letters = position + 1, ""
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def build_frame(
    header: Sequence[str | None],
    data: pd.DataFrame,
    table: contract.Table,
    *,
    shown: str,
    shapefile: bool = False,
    hidden: frozenset[int] = frozenset(),
) -> tuple[pd.DataFrame, list[str], dict[int, str]]:
    """Keep the columns of ``data`` (by position) whose header names a contract column.

    Returns the frame in contract order with canonical names, the unknown headers
    and ``{position: column name}``; ``hidden`` as :func:`map_headers` takes it.
    """
    mapping, unknown = map_headers(header, data, table, shown=shown, shapefile=shapefile, hidden=hidden)
    frame = pd.DataFrame({name: data[i] for i, name in mapping.items()}, index=data.index)
    order = [c.name for c in table.columns if c.name in frame.columns]
    return frame[order], unknown, mapping


_REQUIRED_MARK = re.compile(r"\*|\((?:必填|选填|可空|必填项|选填项|非必填)\)")


def fold(header: str) -> str:
    """Fold a header for matching: NFKC, case-folded, without white space, and without the
    marks a form puts on a column (``*社区``, ``年份（必填）``, ``备注(选填)``).

    >>> fold("＊社区"), fold(" 年份（必填）"), fold("时长（分钟）"), fold("Case_ID ")
    ('社区', '年份', '时长(分钟)', 'case_id')
    """
    text = unicodedata.normalize("NFKC", header).replace("\u200b", "").replace("\ufeff", "")
    return _REQUIRED_MARK.sub("", "".join(text.split())).casefold()


def header_lookup(table: contract.Table) -> dict[str, str]:
    """Folded header spelling → canonical column name (``table.header_map()``, refolded)."""
    return {fold(k): v for k, v in table.header_map().items()}


def shapefile_spellings(table: contract.Table) -> dict[str, str]:
    """Header spellings as a dBASE file truncates them (10 bytes in UTF-8 or GBK)."""
    out: dict[str, str | None] = {}
    for col in table.columns:
        for spelling in (col.name, *col.aliases):
            for encoding in ("utf-8", "gbk"):
                try:
                    raw = spelling.encode(encoding)
                except UnicodeEncodeError:
                    continue
                cut = fold(raw[:_SHAPEFILE_FIELD_BYTES].decode(encoding, errors="ignore"))
                if out.get(cut, col.name) != col.name:
                    out[cut] = None  # ambiguous after truncation: no match
                else:
                    out[cut] = col.name
    return {k: v for k, v in out.items() if v is not None}


def map_headers(
    header: Sequence[str | None],
    data: pd.DataFrame,
    table: contract.Table,
    *,
    shown: str,
    shapefile: bool = False,
    hidden: frozenset[int] = frozenset(),
) -> tuple[dict[int, str], list[str]]:
    """Map header positions to contract columns; check required and duplicate columns.

    Returns ``({position: column name}, unknown headers)``. ``data`` (columns by
    position, blanks as None) tells an unnamed column with data from an empty one.
    Two columns that name one contract column refuse the file, naming both, unless
    one of them is among the ``hidden`` positions (a column hidden in Excel: an old
    copy kept out of view) and the other is not: the visible one is read, and a
    warning names the hidden one.
    """
    lookup = header_lookup(table)
    truncated = shapefile_spellings(table) if shapefile else {}
    mapping: dict[int, str] = {}
    seen: dict[str, str] = {}
    where: dict[str, int] = {}
    unknown: list[str] = []
    for i, text in enumerate(header):
        if text is None or not text.strip():
            if data[i].notna().any():
                unknown.append(f"(column {i + 1})")
            continue
        key = fold(text)
        name = lookup.get(key) or truncated.get(key)
        if name is None:
            unknown.append(shown_header(text))
            continue
        if name in seen:
            before = where[name]
            if (before in hidden) == (i in hidden):
                raise InputError(_same_column_message(shown, name, (before, seen[name]), (i, text.strip()), hidden))
            passed = before if before in hidden else i
            log.warning("%s: %s列“%s”是隐藏列，与%s列重复，未读入 / column %s %r is hidden and repeats column %s: "
                        "not read", shown, column_letter(passed), shown_header(header[passed] or ""),
                        column_letter(before + i - passed), column_letter(passed),
                        shown_header(header[passed] or ""), column_letter(before + i - passed))
            if passed == i:
                continue
            del mapping[before]
        seen[name] = text.strip()
        where[name] = i
        mapping[i] = name

    missing = [c for c in table.columns if c.required and c.name not in seen]
    if missing:
        wanted = ", ".join(f"{c.name} ({c.label_zh})" if c.label_zh else c.name for c in missing)
        headers = "".join(f"“{c.label_zh or c.name}”" for c in missing)
        if not mapping:
            # Nothing names a column: likely no header row at all, and the row read as
            # one may hold personal data, so it is not echoed.
            msg = (f"{shown}: 找不到表头：第一行应是列名，至少有{headers} / no header row naming the table's "
                   f"columns; missing required column(s) {wanted}.")
            raise NoHeader(msg)
        found = [shown_header(h) for h in header if h is not None and h.strip()]
        listed = ", ".join(found[:_SHOWN_HEADERS]) + (", …" if len(found) > _SHOWN_HEADERS else "")
        hint_zh, hint_en = _renamed_hints(header, mapping, missing, lookup)
        msg = (f"{shown}: 缺少必填列{headers}，请在表头加上{'这一列' if len(missing) == 1 else '这些列'}{hint_zh} / "
               f"missing required column(s) {wanted}; found: {listed}{hint_en}.")
        raise MissingColumns(msg, named=seen)
    return mapping, unknown


def _renamed_hints(
    header: Sequence[str | None], mapping: Mapping[int, str], missing: Sequence[contract.Column],
    lookup: Mapping[str, str],
) -> tuple[str, str]:
    """For each missing column, a header of the sheet that no column took and that is close
    to one of its names (``受理时间`` for ``受理日期``), as the rename it likely needs, in
    Chinese and in English (empty strings when none is close)."""
    free = {fold(text): text for i, text in enumerate(header) if i not in mapping and text and text.strip()}
    zh, en = [], []
    for col in missing:
        names = [alias for alias, name in lookup.items() if name == col.name]
        for key, text in free.items():
            if difflib.get_close_matches(key, names, n=1, cutoff=0.5):  # 受理时间 for 受理日期: 2 × 2 ÷ 8
                label = col.label_zh or col.name
                zh.append(f"；若“{shown_header(text)}”就是“{label}”，请把表头改为“{label}”")
                en.append(f"; if {shown_header(text)!r} is {label} ({col.name}), rename the header")
                del free[key]
                break
    return "".join(zh), "".join(en)


def _same_column_message(
    shown: str, name: str, first: tuple[int, str], second: tuple[int, str], hidden: frozenset[int]
) -> str:
    """Two columns of one sheet that name the same contract column, by Excel letter (hidden ones said so)."""
    def cell(pos: int, text: str, *, lang: str) -> str:
        mark = ("（隐藏列）" if lang == "zh" else " (hidden)") if pos in hidden else ""
        header = shown_header(text)
        return f"{column_letter(pos)}列“{header}”{mark}" if lang == "zh" else f"{column_letter(pos)} {header!r}{mark}"

    return (f"{shown}: {cell(*first, lang='zh')}和{cell(*second, lang='zh')}是同一列，请删去一列 / "
            f"columns {cell(*first, lang='en')} and {cell(*second, lang='en')} both map to {name}; keep one.")


def shown_header(header: str) -> str:
    """A header as it may appear in a message: a long number (a phone, an ID) is hidden."""
    text = header.strip()
    return "(a number)" if _LONG_NUMBER.search(text) else text


def display_name(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return path.resolve().relative_to(Path(root).resolve()).as_posix()
        except ValueError:
            pass
    return path.name


def reason(exc: BaseException) -> str:
    """One short line describing ``exc``."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    if len(text) > 160:
        text = text[:157] + "..."
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
