"""Read an Excel workbook: every sheet whose header names the table, formula cells never computed flagged."""

from __future__ import annotations

import logging
import re
import warnings
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from .. import contract
from ..errors import InputError
from .cells import (
    GridBuilder,
    MissingColumns,
    NoHeader,
    RawTable,
    frame_from_grid,
    no_issues,
    read_bytes,
    reason,
    value_text,
)

log = logging.getLogger(__name__)


_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[ >/]")
#: The first bytes of an OLE2 compound file: a workbook with a password to open it (its
#: package encrypted inside such a file) or an Excel 97–2003 workbook, never an .xlsx.
_OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
_MERGE_REF = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)"')
#: A row Excel hides (``<row r="12" … hidden="1">``, attributes in any order), and a hidden column range.
_HIDDEN_ROW = re.compile(rb'<(?:\w+:)?row\s(?=[^>]*\shidden="(?:1|true)")[^>]*?\br="([0-9]+)"')
_HIDDEN_COL = re.compile(rb'<(?:\w+:)?col\s[^>]*\bhidden="(?:1|true)"[^>]*>')
_COL_MIN = re.compile(rb'\bmin="([0-9]+)"')
_COL_MAX = re.compile(rb'\bmax="([0-9]+)"')
_MERGE_CARRY = 200  # bytes kept from one chunk to the next: a tag cut in two is found whole
_CHUNK_BYTES = 1 << 20


#: Why a worksheet is not read, as :attr:`RawTable.skipped_sheets` (and provenance.csv) records it
#: after the sheet's name, and in Chinese (:func:`skipped_sheet_zh`).
SKIP_REASONS: dict[str, tuple[str, str]] = {
    "empty": ("empty", "空白"),
    "no_header": ("no header naming the table's columns", "表头没有写明本表的列"),
    "few_columns": ("its header names only {named} of the table's columns", "表头只写了{named}，不是本表的记录"),
    "hidden": ("hidden, and a visible sheet holds the table", "隐藏的工作表，可见的工作表已有本表"),
}


def _skip_reason(kind: str, **fields: str) -> str:
    return SKIP_REASONS[kind][0].format(**fields)


def skipped_sheet_zh(entry: str) -> str:
    """One entry of :attr:`RawTable.skipped_sheets` (``name: reason``) in Chinese: ``name（reason）``.

    A sheet's name cannot hold ``:`` (Excel forbids it), so the first ``": "`` ends it.

    >>> skipped_sheet_zh("填表说明: no header naming the table's columns")
    '填表说明（表头没有写明本表的列）'
    >>> skipped_sheet_zh("汇总: its header names only 社区, 年份 of the table's columns")
    '汇总（表头只写了社区、年份，不是本表的记录）'
    """
    name, _, why = entry.partition(": ")
    for english, chinese in SKIP_REASONS.values():
        pattern = re.escape(english).replace(re.escape("{named}"), "(?P<named>.+)")
        if (match := re.fullmatch(pattern, why)) is not None:
            named = {k: v.replace(", ", "、") for k, v in match.groupdict().items()}
            return f"{name}（{chinese.format(**named)}）"
    return entry


#: A sheet read: its name, frame, row numbers, unknown headers, header row, row issues and header cells.
_Sheet = tuple[str, pd.DataFrame, pd.Series, list[str], int, pd.DataFrame, dict[str, tuple[str, str]]]


class _Grid(NamedTuple):
    """A worksheet's cells as read (:func:`_read_xlsx_grids`), and what Excel hides of it."""

    name: str
    grid: pd.DataFrame
    formulas: set[tuple[int, int]]
    hidden: bool  # the sheet is hidden (or very hidden)
    hidden_rows: frozenset[int]  # row numbers
    hidden_columns: frozenset[int]  # positions, from 0


def read_xlsx(path: Path, table: contract.Table, *, sheet: str | None, shown: str) -> RawTable:
    """Read every worksheet whose header names the table's columns (or only ``sheet``).

    In a workbook of several sheets, a sheet whose header names some columns but
    lacks a required one is a data sheet short of a column (the workbook is refused)
    when it names the table's id or at least half its required columns; else it is a
    sheet of another kind (a summary ``社区 | 案件数``, a pivot table) and is passed
    over, as a sheet of notes is.

    A hidden sheet is usually the list behind a drop-down or an old copy of the
    ledger: it is passed over, and a warning names it, unless no visible sheet holds
    the table — then the hidden sheets that do are read, and a warning says so.
    Hidden rows and columns are read (a filter hides records that still count): see
    :func:`linli._read.cells.frame_from_grid`.
    """
    sheets = _read_xlsx_grids(path, sheet=sheet, shown=shown)
    records = [s for s in sheets if s.name not in contract.TEMPLATE_SHEETS]  # a form's instructions and choices
    sheets = records or sheets
    visible = [s for s in sheets if not s.hidden or sheet is not None]
    hidden = [s for s in sheets if s.hidden and sheet is None]
    several = len(sheets) > 1
    # rows are named by file and sheet when the clerk sees more than one sheet, or when a hidden one is read
    labelled = len(visible) > 1
    parts, skipped, first_refusal = _read_sheets(visible, table, shown, several=several, labelled=labelled)
    if hidden and parts:
        skipped += [f"{s.name}: {_skip_reason('hidden')}" for s in hidden]
    elif hidden:
        labelled = several
        parts, also, refusal = _read_sheets(hidden, table, shown, several=several, labelled=labelled)
        skipped, first_refusal = skipped + also, first_refusal or refusal
        if parts:
            names = "、".join(p[0] for p in parts)
            log.warning("%s: 只有隐藏的工作表 %s 写有本表，已读入 / only the hidden worksheet %s holds the table: read",
                        shown, names, ", ".join(p[0] for p in parts))
    if not parts:
        if not several and first_refusal is not None:
            raise first_refusal
        listed = "; ".join(skipped)
        msg = f"{shown}: no worksheet has a header naming the table's columns ({listed})."
        raise InputError(msg)
    for entry in skipped:
        log.warning("%s: 未读入工作表 %s / worksheet %s — not read", shown, skipped_sheet_zh(entry), entry)
    return _combine_sheets(table, shown, parts, skipped, several=labelled)


def _read_sheets(
    sheets: list[_Grid], table: contract.Table, shown: str, *, several: bool, labelled: bool
) -> tuple[list[_Sheet], list[str], InputError | None]:
    """The sheets of ``sheets`` that hold the table, those passed over (``name: reason``), and the
    first sheet's refusal (a workbook of one sheet is refused with it). ``several``: the workbook
    has other sheets (one short of columns may be a summary); ``labelled``: rows are named by sheet."""
    parts: list[_Sheet] = []
    skipped: list[str] = []
    first_refusal: InputError | None = None
    for s in sheets:
        label = f"{shown} [{s.name}]" if labelled else shown
        try:
            frame, rows, unknown, header_row, mapping, totals, typed = frame_from_grid(
                s.grid, table, shown=label, hidden_rows=s.hidden_rows, hidden_columns=s.hidden_columns)
        except NoHeader as exc:
            first_refusal = first_refusal or exc
            skipped.append(f"{s.name}: {_skip_reason('empty' if not s.grid.size else 'no_header')}")
            continue
        except MissingColumns as exc:
            if not several or _data_sheet(table, exc.named):
                raise
            skipped.append(f"{s.name}: {_skip_reason('few_columns', named=', '.join(exc.named.values()))}")
            continue
        frame, issues = _uncomputed_formulas(frame, rows, mapping, s.formulas)
        if len(totals):
            issues = pd.concat([issues, totals], ignore_index=True)
        parts.append((s.name, frame, rows, unknown, header_row, issues, typed))
    return parts, skipped, first_refusal


def _data_sheet(table: contract.Table, named: dict[str, str]) -> bool:
    """Whether a header naming the columns ``named`` (and lacking a required one) heads
    records: it names the table's id, or at least half of its required columns.

    >>> cases = contract.table("mediation_cases")
    >>> _data_sheet(cases, {"community_id": "社区"}), _data_sheet(cases, {"case_id": "案件编号"})
    (False, True)
    """
    required = [c.name for c in table.columns if c.required]
    if table.id_column is not None and table.id_column in named:
        return True
    return 2 * sum(c in named for c in required) >= len(required)


def _combine_sheets(
    table: contract.Table,
    shown: str,
    parts: list[_Sheet],
    skipped: list[str],
    *,
    several: bool,
) -> RawTable:
    """One table from the sheets read, rows numbered within their sheet."""
    frames, rows, files, issues, unknown = [], [], [], [], []
    cells: dict[str, dict[str, tuple[str, str]]] = {}
    offset = 0
    for name, frame, numbers, names, _, found, typed in parts:
        cells[f"{shown} [{name}]" if several else shown] = typed
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
                    skipped_sheets=skipped, row_issues=pd.concat(issues, ignore_index=True), header_cells=cells)


def _uncomputed_formulas(
    frame: pd.DataFrame, rows: pd.Series, mapping: dict[int, str], formulas: set[tuple[int, int]]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Blank the formula cells Excel never computed, and return an issue for each."""
    if not formulas:
        return frame, no_issues()
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


def _read_xlsx_grids(path: Path, *, sheet: str | None, shown: str) -> list[_Grid]:
    """Each worksheet's non-blank rows as text by position, indexed by row number.

    With each sheet comes the set of ``(row, position)`` of formula cells that hold
    no computed value (the file was written by a program, never opened and saved
    in Excel); such a cell holds its formula text in the grid, so that its row is
    not taken for blank. And whether Excel hides the sheet, and which of its rows
    and columns.
    """
    import openpyxl

    if read_bytes(path, shown, size=len(_OLE_MAGIC)) == _OLE_MAGIC:  # permissions, emptiness: a clear message
        raise InputError(_compound_file_message(path, shown))
    try:
        with warnings.catch_warnings():
            # openpyxl warns about workbook features it ignores (styles, validation)
            warnings.filterwarnings("ignore", category=UserWarning, module="openpyxl")
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
            formula_book = (openpyxl.load_workbook(path, read_only=True, data_only=False)
                            if _has_formulas(path) else None)
    except Exception as exc:  # zipfile, XML and openpyxl errors alike
        raise InputError(_unreadable_message(shown, exc)) from None
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
            marks = _sheet_marks(path, getattr(book[name], "_worksheet_path", None))
            grid, uncomputed = _sheet_grid(book[name], formulas, marks.merged, shown=shown)
            hidden = getattr(book[name], "sheet_state", "visible") != "visible"
            out.append(_Grid(name, grid, uncomputed, hidden, marks.hidden_rows, marks.hidden_columns))
        return out
    finally:
        book.close()
        if formula_book is not None:
            formula_book.close()


def _compound_file_message(path: Path, shown: str) -> str:
    """What to do with an OLE2 compound file named .xlsx: remove its password, or save it as .xlsx."""
    if _ENCRYPTED_STREAM in path.read_bytes():
        return (f"{shown}: 工作簿设有打开密码，无法读取；请在 Excel 中删除密码（文件 → 信息 → 保护工作簿 → "
                "用密码进行加密，清空后保存） / the workbook has a password to open it; remove the password "
                "in Excel and save it.")
    return (f"{shown}: 这是旧版 Excel 97-2003 工作簿（.xls），扩展名却是 .xlsx；请在 Excel 中另存为"
            "“Excel 工作簿 (*.xlsx)” / an Excel 97-2003 workbook (.xls) named .xlsx; save it as an Excel "
            "workbook (.xlsx).")


def _unreadable_message(shown: str, exc: BaseException) -> str:
    return (f"{shown}: 文件不完整或已损坏，无法作为 .xlsx 读取；请重新复制原文件，或在 Excel 中打开后另存 / "
            f"not a readable .xlsx workbook ({reason(exc)}).")


def _fill_merged(values: list[str | None], number: int, merged: dict[int, list[tuple[int, int]]],
                 down: dict[int, tuple[str | None, int]]) -> None:
    """Give row ``number`` the values of the merged cells above it; note those that start in it."""
    for pos, (value, last) in list(down.items()):
        if number > last:
            del down[pos]
        elif value is not None:
            values.extend([None] * (pos + 1 - len(values)))
            values[pos] = value
    for pos, last in merged.get(number, ()):
        down[pos] = (values[pos] if pos < len(values) else None, last)


def _formula_cells(ws: object) -> dict[tuple[int, int], str]:
    """``(row, position) → formula text`` of every formula cell of a worksheet."""
    ws.reset_dimensions()  # type: ignore[attr-defined]
    found: dict[tuple[int, int], str] = {}
    for row in ws.iter_rows():  # type: ignore[attr-defined]
        for pos, cell in enumerate(row):
            if getattr(cell, "data_type", None) == "f":
                found[(int(cell.row), pos)] = str(cell.value)
    return found


class _Marks(NamedTuple):
    """What a worksheet's XML says beyond its cells: merged cells spanning rows, hidden rows and columns."""

    merged: dict[int, list[tuple[int, int]]]  # first row -> [(position, last row)]
    hidden_rows: frozenset[int]
    hidden_columns: frozenset[int]


def _sheet_marks(path: Path, part: str | None) -> _Marks:
    """The merged cells of a worksheet that span rows (``{first row: [(position, last row)]}``),
    and its hidden rows (numbers) and columns (positions from 0).

    A read-only workbook lists none of these, so the worksheet's XML part is searched
    for them, streamed (the merged cells follow the rows, at its end).
    """
    import zipfile

    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    none = _Marks({}, frozenset(), frozenset())
    if not part:
        return none
    found: set[str] = set()
    rows: set[int] = set()
    columns: set[int] = set()
    try:
        with zipfile.ZipFile(path) as book, book.open(part.lstrip("/")) as xml:
            carry = b""
            while chunk := xml.read(_CHUNK_BYTES):
                text = carry + chunk
                found.update(m.decode("ascii") for m in _MERGE_REF.findall(text))
                rows.update(int(r) for r in _HIDDEN_ROW.findall(text))
                for tag in _HIDDEN_COL.findall(text):
                    low, high = _COL_MIN.search(tag), _COL_MAX.search(tag)
                    if low is not None:
                        first = int(low.group(1))
                        columns.update(range(first - 1, int(high.group(1)) if high is not None else first))
                carry = text[-_MERGE_CARRY:]
    except (OSError, KeyError, zipfile.BadZipFile):
        return none
    spans: dict[int, list[tuple[int, int]]] = {}
    for ref in sorted(found):
        first_cell, _, last = ref.partition(":")
        (col, top), (_, bottom) = coordinate_from_string(first_cell), coordinate_from_string(last or first_cell)
        if bottom > top:
            spans.setdefault(top, []).append((column_index_from_string(col) - 1, bottom))
    return _Marks(spans, frozenset(rows), frozenset(columns))


def _sheet_grid(
    ws: object,
    formulas: dict[tuple[int, int], str],
    merged: dict[int, list[tuple[int, int]]],
    *,
    shown: str,
) -> tuple[pd.DataFrame, set[tuple[int, int]]]:
    """A worksheet's non-blank rows as text by position (see :func:`_read_xlsx_grids`).

    A cell merged over several rows holds its value in its first row only: the rows
    below, which Excel shows under the same cell, are given it too (a 社区 merged
    over the community's records; a header cell merged down over a two-row header).
    """
    ws.reset_dimensions()  # type: ignore[attr-defined]  # recorded dimensions may be wrong
    cells = GridBuilder()
    uncomputed: set[tuple[int, int]] = set()
    down: dict[int, tuple[str | None, int]] = {}  # position -> (value, last row) of a merged cell above
    try:
        for row in ws.iter_rows():  # type: ignore[attr-defined]
            number = next((c.row for c in row if getattr(c, "row", None)), None)
            values = [value_text(cell.value) for cell in row]
            if number is not None and formulas:
                for pos, value in enumerate(values):
                    if value is None and (number, pos) in formulas:
                        values[pos] = formulas[(number, pos)]
                        uncomputed.add((number, pos))
            if number is not None and (merged or down):
                _fill_merged(values, number, merged, down)
            if number is None or not any(v is not None and v.strip() for v in values):
                continue
            cells.add(values, number)
    except Exception as exc:  # a broken sheet part shows only while rows are read
        raise InputError(_unreadable_message(shown, exc)) from None
    return cells.grid(), uncomputed
