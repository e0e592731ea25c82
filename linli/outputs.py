"""Write what people open in a spreadsheet, and write only where asked.

Two guarantees live here, in one place that every writer uses:

* **No live formulas.** A text cell that starts with ``=``, ``+``, ``-``, ``@``, a
  tab or a carriage return is run as a formula by Excel, WPS and LibreOffice when a
  clerk opens the file (CSV or formula injection). In a CSV, :func:`neutralise`
  prefixes such a cell with an apostrophe, as OWASP recommends, so that it shows as
  text. In a workbook the cell is stored as text, which no spreadsheet runs, and marked
  as typed with a leading apostrophe (Excel's "quote prefix", which the cell does not
  show): the clerk sees the value as it was, and it stays text when the cell is edited.
  Numbers stay numbers: numeric columns are never touched, and a text cell that is
  exactly a number (``-3``, ``+1.5e3``) is left alone, since a spreadsheet reads it as
  that number, not as a formula. Every CSV linli writes goes through :func:`save_csv`,
  every workbook through :func:`save_workbook` (which also makes its bytes the same
  from run to run).
* **Nothing outside the output directory.** :func:`output_path` resolves a path
  made of an output root and parts that may come from the data (a unit id becomes
  a file name) and refuses any that would land outside the root;
  :func:`check_out_dir` turns an output directory that cannot be used (an existing
  file, a folder without write permission) into one clear line.
"""

from __future__ import annotations

import io
import os
import unicodedata
import zipfile
from collections.abc import Mapping
from copy import copy
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    import openpyxl

from ._xlsx_rows import FORMULA_START, SheetRows, quote_cell, splice, starts_as_formula
from .errors import OutputError

__all__ = [
    "FORMULA_START",
    "check_out_dir",
    "check_out_file",
    "fixed_zip",
    "neutralise",
    "neutralise_frame",
    "output_path",
    "save_csv",
    "save_workbook",
    "set_print_layout",
    "text_width",
    "source_date",
    "starts_as_formula",
]


def neutralise(text: str) -> str:
    """Return ``text`` made safe to open in a spreadsheet.

    ``'`` is put before a cell that starts with one of :data:`FORMULA_START`,
    unless the whole cell is a plain number.

    Examples
    --------
    >>> [neutralise(v) for v in ("=HYPERLINK(\\"http://x\\")", "@SUM(A1)", "-2+3", "-3.5", "人民路")]
    ['\\'=HYPERLINK("http://x")', "'@SUM(A1)", "'-2+3", '-3.5', '人民路']
    """
    return "'" + text if starts_as_formula(text) else text


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Return ``frame`` with :func:`neutralise` applied to every text cell.

    Only text columns (object or string dtype) change; numeric, boolean and date
    columns are returned as they are, and so are the column names unless one of
    them would run as a formula.

    Examples
    --------
    >>> f = pd.DataFrame({"id": ["=1+1", "a"], "value": [-1.5, 2.0]})
    >>> neutralise_frame(f).to_dict("list")
    {'id': ["'=1+1", 'a'], 'value': [-1.5, 2.0]}
    """
    out = frame.copy(deep=False)  # columns replaced, never changed in place: the caller's frame stays as it was
    for column in out.columns:
        values = out[column]
        if values.dtype == object or isinstance(values.dtype, pd.StringDtype):
            # only the cells that start as a formula may change: found at once, changed one by one
            at = values.astype("string[pyarrow]").str.slice(0, 1).isin(FORMULA_START).to_numpy(dtype=bool)
            if at.any():
                changed = values.to_numpy(dtype=object, copy=True)
                changed[at] = [neutralise(v) if isinstance(v, str) else v for v in changed[at]]
                out[column] = pd.Series(changed, index=values.index, name=column).astype(values.dtype)
    out.columns = [neutralise(c) if isinstance(c, str) else c for c in out.columns]
    return out


def save_csv(frame: pd.DataFrame, path: Path | str, *, bom: bool = False) -> Path:
    """Write ``frame`` as UTF-8 CSV (with a BOM when asked), formulas neutralised.

    Parameters
    ----------
    frame
        The table; its index is not written.
    path
        The file; its folder is created when missing.
    bom
        Start the file with a UTF-8 byte-order mark (Excel then reads it as UTF-8).

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    OutputError
        When the file cannot be written.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        neutralise_frame(frame).to_csv(
            path, index=False, encoding="utf-8-sig" if bom else "utf-8", lineterminator="\n"
        )
    except OSError as exc:
        raise _cannot_write(path, exc) from None
    return path


def text_width(text: str) -> int:
    """The width of ``text`` in a spreadsheet column, in characters: a CJK (wide) character counts two.

    >>> text_width("人民路-C001")
    11
    """
    if text.isascii():  # most cells (numbers, codes, dates): every character is narrow
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def style_cell(cell: Any, looks: dict[str, Any], look: str, **style: Any) -> None:
    """Give ``cell`` the ``style`` (openpyxl's cell attributes: font, fill, alignment,
    number_format) named ``look``: the first cell of a look the way openpyxl does it, the
    others a copy of that cell's style (``looks``: the first cell of each).

    Each assignment of a style makes openpyxl hash it and look it up among the
    workbook's (a third of ``indicators.xlsx``'s time at 2,000 communities, 400,000
    cells); the copy holds the same style ids, so the file is the same. The copy is of
    openpyxl's ``Cell._style``, the cell's style ids, which openpyxl's own ``copy`` of a
    worksheet copies the same way.

    >>> import openpyxl
    >>> from openpyxl.styles import Font
    >>> ws, looks = openpyxl.Workbook().active, {}
    >>> for cell in (ws["A1"], ws["B1"]):
    ...     style_cell(cell, looks, "bold", font=Font(bold=True))
    >>> ws["B1"].font.bold, ws["B1"].style_id == ws["A1"].style_id
    (True, True)
    """
    first = looks.get(look)
    if first is None:
        for name, value in style.items():
            setattr(cell, name, value)
        looks[look] = cell
    else:
        cell._style = copy(first._style)


def set_print_layout(sheet: Any, *, header_rows: int = 1) -> None:
    """Make a worksheet print as a clerk expects: landscape, one page wide, gridlines, header repeated."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.print_options.gridLines = True
    if header_rows:
        sheet.print_title_rows = f"1:{header_rows}"


def save_workbook(
    workbook: openpyxl.Workbook,
    path: Path | str,
    *,
    when: datetime | None = None,
    rows: Mapping[str, SheetRows] | None = None,
) -> Path:
    """Write ``workbook`` as ``.xlsx``: no formula cell, the same bytes for the same content.

    Every text cell that starts as a formula (:func:`starts_as_formula`) is stored as text
    with Excel's quote prefix, its value as it was (openpyxl would store a text that starts
    with ``=`` as a formula); the workbook's creation and modification dates and
    its zip entries' dates are ``when`` (:func:`source_date`; 1980-01-01 when None). The
    file is written beside ``path`` and renamed into place. ``rows`` adds, to the sheet of
    each title, rows written at once (:func:`linli._xlsx_rows.rows_xml`) after those it holds.

    Raises
    ------
    OutputError
        When the file cannot be written.

    Examples
    --------
    >>> import openpyxl, tempfile
    >>> wb = openpyxl.Workbook()
    >>> wb.active.append(["=1+1", "人民路", -3])
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     a = save_workbook(wb, Path(tmp) / "a.xlsx").read_bytes()
    ...     b = save_workbook(wb, Path(tmp) / "b.xlsx").read_bytes()
    ...     back = openpyxl.load_workbook(Path(tmp) / "a.xlsx").active
    >>> [c.value for c in back[1]], (back["A1"].data_type, back["A1"].quotePrefix), a == b
    (['=1+1', '人民路', -3], ('s', True), True)
    """
    from openpyxl.writer.excel import ExcelWriter

    path = Path(path)
    for sheet in workbook.worksheets:
        # the cells the sheet holds (openpyxl's own record of them), not iter_rows, which would make
        # a cell at every empty place of the sheet's rectangle: 600,000 in indicators.xlsx at 2,000 communities
        for cell in sheet._cells.values():
            value = cell.value
            if isinstance(value, str) and starts_as_formula(value):
                quote_cell(cell)
    stamp = when if when is not None else datetime(*ZIP_EPOCH, tzinfo=UTC)
    workbook.properties.created = workbook.properties.modified = stamp.replace(tzinfo=None)
    added = dict(rows or {})
    made: dict[str, str] = {}

    class Writer(ExcelWriter):
        def write_worksheet(self, ws: Any) -> None:
            super().write_worksheet(ws)
            if ws.title in added:  # now, so that a style its rows add comes where openpyxl's own cells put it
                made[ws.title] = added[ws.title].xml()

    buffer = io.BytesIO()
    # stored, not deflated: fixed_zip deflates every entry as it dates it
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:  # Workbook.save would stamp "modified" now
        Writer(workbook, archive).save()
    replaced: dict[str, bytes] = {}
    if made:
        with zipfile.ZipFile(buffer) as written:
            for sheet in workbook.worksheets:
                if sheet.title in made:
                    entry = sheet.path.lstrip("/")  # the part ExcelWriter gave the sheet
                    replaced[entry] = splice(written.read(entry), added[sheet.title], made[sheet.title])
    part = path.with_name(f".{path.name}.part")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        part.write_bytes(fixed_zip(buffer.getvalue(), stamp, replaced=replaced))
        part.replace(path)
    except OSError as exc:
        raise _cannot_write(path, exc) from None
    return path


def output_path(root: Path | str, *parts: str) -> Path:
    """Return ``root / parts…`` resolved, after checking that it lies inside ``root``.

    Parameters
    ----------
    root
        The output directory (``--out``).
    *parts
        Path parts below it; they may come from the data (a unit id).

    Raises
    ------
    OutputError
        When the path would leave ``root`` (``..``, an absolute part, a symbolic
        link pointing elsewhere).

    Examples
    --------
    >>> output_path("/tmp/out", "2024", "renmin.html").as_posix()
    '/tmp/out/2024/renmin.html'
    >>> output_path("/tmp/out", "2024", "../../etc/x.html")
    Traceback (most recent call last):
    ...
    linli.errors.OutputError: '2024/../../etc/x.html' would be written outside the output directory /tmp/out; refused.
    """
    base = Path(root).resolve()
    target = base.joinpath(*parts).resolve()
    if target != base and base not in target.parents:
        shown = "/".join(parts)
        msg = f"{shown!r} would be written outside the output directory {base}; refused."
        raise OutputError(msg)
    return target


def check_out_dir(path: Path | str) -> Path:
    """Make sure ``path`` is a directory linli can write in (created when missing).

    Raises
    ------
    OutputError
        When ``path`` is an existing file, lies under one, or cannot be created or
        written to.
    """
    path = Path(path)
    if path.exists() and not path.is_dir():
        msg = f"--out {path}: is an existing file, not a folder; give a folder."
        raise OutputError(msg)
    blocker = next((p for p in path.parents if p.exists() and not p.is_dir()), None)
    if blocker is not None:
        msg = f"--out {path}: {blocker} is a file, so nothing can be written under it."
        raise OutputError(msg)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        msg = f"--out {path}: cannot create or write this folder ({exc.strerror or type(exc).__name__})."
        raise OutputError(msg) from None
    if not os.access(path, os.W_OK | os.X_OK):
        msg = f"--out {path}: no permission to write in this folder."
        raise OutputError(msg)
    return path


def check_out_file(path: Path | str) -> Path:
    """Make sure ``path`` can be written as a file (its folder is created when missing).

    Raises
    ------
    OutputError
        When ``path`` is an existing folder, or its folder cannot be created or
        written to.
    """
    path = Path(path)
    if path.is_dir():
        msg = f"--out {path}: is an existing folder; give a file name."
        raise OutputError(msg)
    blocker = next((p for p in path.parents if p.exists() and not p.is_dir()), None)
    if blocker is not None:
        msg = f"--out {path}: {blocker} is a file, so nothing can be written under it."
        raise OutputError(msg)
    check_out_dir(path.parent)
    return path


def _cannot_write(path: Path, exc: OSError) -> OutputError:
    reason = exc.strerror or type(exc).__name__
    where = f" ({exc.filename})" if exc.filename and str(exc.filename) != str(path) else ""
    return OutputError(f"cannot write {path}: {reason}{where}.")


def source_date(as_of: date | str | None = None, *, environ: Mapping[str, str] | None = None) -> datetime | None:
    """Return the date a PDF, Word or Excel file is stamped with: ``$SOURCE_DATE_EPOCH`` (seconds
    since 1970, UTC) when set, else midnight UTC of ``as_of``, else None.

    ``environ`` stands for ``os.environ`` (default).

    Raises
    ------
    OutputError
        When ``$SOURCE_DATE_EPOCH`` is not a whole number or ``as_of`` is not a date.

    Examples
    --------
    >>> source_date("2024-12-31", environ={}).isoformat()
    '2024-12-31T00:00:00+00:00'
    >>> source_date("2024-12-31", environ={"SOURCE_DATE_EPOCH": "86400"}).isoformat()  # one day after 1970-01-01
    '1970-01-02T00:00:00+00:00'
    """
    epoch = (os.environ if environ is None else environ).get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        if not epoch.isdigit():
            msg = f"$SOURCE_DATE_EPOCH={epoch!r} is not a whole number of seconds since 1970."
            raise OutputError(msg)
        return datetime.fromtimestamp(int(epoch), tz=UTC)
    if as_of is None or str(as_of).strip() == "":
        return None
    try:
        day = as_of if isinstance(as_of, date) else date.fromisoformat(str(as_of).strip()[:10])
    except ValueError:
        msg = f"as_of date {as_of!r} is not a date (YYYY-MM-DD)."
        raise OutputError(msg) from None
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


#: The earliest date a zip entry can carry.
ZIP_EPOCH: tuple[int, int, int, int, int, int] = (1980, 1, 1, 0, 0, 0)


def fixed_zip(data: bytes, when: datetime | None, *, replaced: Mapping[str, bytes] | None = None) -> bytes:
    """Return the zip ``data`` (a ``.docx`` or ``.xlsx``) rewritten with every entry dated ``when``
    (1980-01-01 when None), deflated, in the same order: no clock left in the bytes. An entry
    named in ``replaced`` holds the bytes given there instead of its own.

    Examples
    --------
    >>> buf = io.BytesIO()
    >>> with zipfile.ZipFile(buf, "w") as z:
    ...     z.writestr("a.xml", "<a/>")
    >>> fixed = fixed_zip(buf.getvalue(), datetime(2024, 12, 31, tzinfo=UTC))
    >>> [(i.filename, i.date_time) for i in zipfile.ZipFile(io.BytesIO(fixed)).infolist()]
    [('a.xml', (2024, 12, 31, 0, 0, 0))]
    """
    stamp = ZIP_EPOCH if when is None else max(
        (when.year, when.month, when.day, when.hour, when.minute, when.second), ZIP_EPOCH)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, replaced[info.filename] if replaced and info.filename in replaced
                         else src.read(info.filename))
    return out.getvalue()
