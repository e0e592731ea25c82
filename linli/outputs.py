"""Write what people open in a spreadsheet, and write only where asked.

Two guarantees live here, in one place that every writer uses:

* **No live formulas.** A text cell that starts with ``=``, ``+``, ``-``, ``@``, a
  tab or a carriage return is run as a formula by Excel, WPS and LibreOffice when a
  clerk opens the file (CSV or formula injection). :func:`neutralise` prefixes such
  a cell with an apostrophe, as OWASP recommends, so that it shows as text. Numbers
  stay numbers: numeric columns are never touched, and a text cell that is exactly
  a number (``-3``, ``+1.5e3``) is left alone, since a spreadsheet reads it as that
  number, not as a formula. Every CSV linli writes goes through :func:`save_csv`,
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
import re
import unicodedata
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    import openpyxl

from .errors import OutputError

__all__ = [
    "FORMULA_START",
    "check_out_dir",
    "check_out_file",
    "neutralise",
    "neutralise_frame",
    "output_path",
    "save_csv",
    "save_workbook",
    "set_print_layout",
    "text_width",
]

#: First characters that make a spreadsheet read a cell as a formula.
FORMULA_START: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def neutralise(text: str) -> str:
    """Return ``text`` made safe to open in a spreadsheet.

    ``'`` is put before a cell that starts with one of :data:`FORMULA_START`,
    unless the whole cell is a plain number.

    Examples
    --------
    >>> [neutralise(v) for v in ("=HYPERLINK(\\"http://x\\")", "@SUM(A1)", "-2+3", "-3.5", "人民路")]
    ['\\'=HYPERLINK("http://x")', "'@SUM(A1)", "'-2+3", '-3.5', '人民路']
    """
    if text.startswith(FORMULA_START) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


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
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if values.dtype == object or isinstance(values.dtype, pd.StringDtype):
            out[column] = values.map(lambda v: neutralise(v) if isinstance(v, str) else v).astype(values.dtype)
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


#: The date stamped in a workbook's properties and zip entries: a workbook's bytes depend on its content alone.
_FIXED_TIME = (2000, 1, 1, 0, 0, 0)


def text_width(text: str) -> int:
    """The width of ``text`` in a spreadsheet column, in characters: a CJK (wide) character counts two.

    >>> text_width("人民路-C001")
    11
    """
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


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


def save_workbook(workbook: openpyxl.Workbook, path: Path | str) -> Path:
    """Write ``workbook`` as ``.xlsx``: no formula cell, the same bytes for the same content.

    Every text cell goes through :func:`neutralise` (openpyxl would store a text that
    starts with ``=`` as a formula); the workbook's creation and modification dates and
    its zip entries' dates are fixed.

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
    ...     cells = [c.value for c in openpyxl.load_workbook(Path(tmp) / "a.xlsx").active[1]]
    >>> cells, a == b
    (["'=1+1", '人民路', -3], True)
    """
    import datetime as dt

    path = Path(path)
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.value = neutralise(cell.value)
    stamp = dt.datetime(*_FIXED_TIME)
    workbook.properties.created = stamp
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    fixed = io.BytesIO()
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(<)", rb"\g<1>2000-01-01T00:00:00Z\g<2>", data)
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=_FIXED_TIME), data,
                         compress_type=zipfile.ZIP_DEFLATED)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(fixed.getvalue())
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
