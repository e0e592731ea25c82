"""The rows of a long worksheet written as XML at once, in the very bytes openpyxl writes.

openpyxl makes a Python object of every cell, then writes each through lxml: some 25 µs a
cell, 24 s for the 100,000 lines of a ledger whose every row breaks a rule (a sheet of
``quarantine.xlsx``). Its rows are plain — text, whole numbers or nothing, each column in
one style — so :func:`rows_xml` writes them from the columns' values directly, as
openpyxl would (``<c r="B7" s="3" t="inlineStr"><is><t>…</t></is></c>``, every character
past ASCII as a character reference), and :func:`splice` puts them into the sheet that
openpyxl wrote with the rows before them, as the workbook is saved
(:func:`linli.outputs.save_workbook`). A value that openpyxl would write another way
(an error code such as ``#N/A``, text of more than 32,767 characters, a boolean) or refuse
(a control character) gives None: the caller lets openpyxl write those rows. The tests
compare the bytes of both ways.

Text that a spreadsheet would read as a formula if it were typed (:func:`starts_as_formula`)
is written as text in a copy of its column's style with Excel's quote prefix
(:func:`quote_cell`), as :func:`linli.outputs.save_workbook` writes such a cell of openpyxl's:
shown as it is, never run, and still text when a clerk edits the cell.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from copy import copy
from dataclasses import dataclass
from typing import Any

__all__ = ["FORMULA_START", "SheetRows", "quote_cell", "rows_xml", "splice", "starts_as_formula"]

#: First characters that make a spreadsheet read a cell as a formula.
FORMULA_START: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")

#: Characters openpyxl refuses in a cell (its ``ILLEGAL_CHARACTERS_RE``), and lone surrogates,
#: which are no character at all (lxml refuses them).
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
#: Text openpyxl stores as an error value, not as text.
_ERROR_CODES = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"})
_MAX_TEXT = 32_767  # characters in a cell
_ESCAPE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_DIMENSION = re.compile(rb'<dimension ref="([A-Z]+[0-9]+):([A-Z]+)[0-9]+"/>')

Value = str | int | None


def starts_as_formula(text: str) -> bool:
    """Whether a spreadsheet would read ``text``, typed into a cell, as a formula: it starts
    with one of :data:`FORMULA_START` and is not a plain number.

    >>> [starts_as_formula(v) for v in ("=1", "-", "@x", "-3.5", "+1e3", "\\t缩进", "人民路")]
    [True, True, True, False, False, True, False]
    """
    return text.startswith(FORMULA_START) and not _NUMBER.fullmatch(text)


def quote_cell(cell: Any) -> None:
    """Make the openpyxl ``cell`` text with Excel's quote prefix: its value is kept as it is,
    written as text (openpyxl would write a text that starts with ``=`` as a formula), and a
    spreadsheet neither shows the prefix nor runs the text when the cell is edited. The
    cell's style is copied first: cells may share one (:func:`linli.outputs.style_cell`).

    >>> import openpyxl
    >>> ws = openpyxl.Workbook().active
    >>> ws["A1"] = "=1+1"
    >>> quote_cell(ws["A1"])
    >>> ws["A1"].value, ws["A1"].data_type, ws["A1"].quotePrefix
    ('=1+1', 's', True)
    """
    if cell._style is not None:
        cell._style = copy(cell._style)
    cell.quotePrefix = True
    cell.data_type = "s"


@dataclass(frozen=True)
class SheetRows:
    """Rows to add at the end of a sheet's data (:func:`rows_xml`), made into XML when the
    workbook is saved (:meth:`xml`): their cells' style ids are those the workbook gives
    the styles of ``styled`` as it is written, so the file is the one openpyxl writes."""

    letters: tuple[str, ...]
    cells: tuple[tuple[str, ...], ...]  # each column's cells after their style attribute
    quoted: tuple[frozenset[int], ...]  # each column's cells (their places in it) that take the quote prefix
    first_row: int
    heights: tuple[float | None, ...]
    styled: tuple[Any, ...]  # for each column, an openpyxl cell (a copy, not in the sheet) in the style of its cells

    @property
    def last_row(self) -> int:
        return self.first_row + len(self.heights) - 1

    def xml(self) -> str:
        """The ``<row>`` elements, the workbook's styles as they stand: call it as soon as
        openpyxl has written the sheet (:func:`linli.outputs.save_workbook` does). Each style
        is taken at its first cell, in the order openpyxl writes cells, so that a style first
        used here (a column's style with the quote prefix) takes the id openpyxl would give it."""
        plain: list[str | None] = [None] * len(self.styled)  # each column's style attribute, once used
        prefixed: list[str | None] = [None] * len(self.styled)  # the same with the quote prefix
        parts: list[str] = []
        add = parts.append
        for i, height in enumerate(self.heights):
            row = self.first_row + i
            add(f'<row r="{row}">' if height is None else f'<row r="{row}" ht="{height:.16g}" customHeight="1">')
            for j, (letter, cells, quoted) in enumerate(zip(self.letters, self.cells, self.quoted, strict=True)):
                styles = prefixed if quoted and i in quoted else plain
                style = styles[j]
                if style is None:
                    style = styles[j] = _style_attribute(self.styled[j], quote=styles is prefixed)
                add(f'<c r="{letter}{row}"{style}{cells[i]}')
            add("</row>")
        return "".join(parts)


def _style_attribute(styled: Any, *, quote: bool) -> str:
    """The style attribute of a cell in the style of the openpyxl cell ``styled``, with the
    quote prefix when asked: the style is added to the workbook's, as openpyxl adds it when
    it writes such a cell."""
    from openpyxl.cell.cell import Cell

    cell = Cell(styled.parent, style_array=styled._style)  # a copy of the style
    if quote:
        quote_cell(cell)
    return f' s="{cell.style_id}"'


def _text(value: str) -> str | None:
    """The ``<is>`` element of a text cell, or None when openpyxl would not write it as text."""
    if len(value) > _MAX_TEXT or value in _ERROR_CODES or _ILLEGAL.search(value):
        return None
    body = value.translate(_ESCAPE).encode("ascii", "xmlcharrefreplace").decode("ascii")
    space = ' xml:space="preserve"' if value != value.strip() else ""
    return f"<is><t{space}>{body}</t></is>"


def rows_xml(
    letters: Sequence[str],
    values: Sequence[Sequence[Value]],
    *,
    first_row: int,
    styled: Sequence[Any],
    heights: Sequence[float | None],
) -> SheetRows | None:
    """The rows of ``values`` (one list per column: text, whole numbers or None), numbered
    from ``first_row``, in the columns ``letters``, each column's cells in the style of its
    cell of ``styled``, a row ``heights[i]`` points tall where it is not None. Text is written
    as it is given, text that starts as a formula with the quote prefix (:func:`quote_cell`).
    None when a value is one openpyxl would write another way or refuse.

    >>> import openpyxl
    >>> top = openpyxl.Workbook().active["A1"]
    >>> rows_xml(["A", "B"], [["人", None], [7, 8]], first_row=2, styled=[top, top], heights=[None, 32]).xml()
    '<row r="2"><c r="A2" s="0" t="inlineStr"><is><t>&#20154;</t></is></c><c r="B2" s="0" t="n"><v>7</v></c></row><row r="3" ht="32" customHeight="1"><c r="A3" s="0" t="n"></c><c r="B3" s="0" t="n"><v>8</v></c></row>'
    >>> rows_xml(["A"], [["=1"]], first_row=2, styled=[top], heights=[None]).xml()  # style 1: style 0 with the prefix
    '<row r="2"><c r="A2" s="1" t="inlineStr"><is><t>=1</t></is></c></row>'
    >>> [rows_xml(["A"], [[v]], first_row=2, styled=[top], heights=[None]) is None for v in ("#N/A", "'=1")]
    [True, False]
    """
    from openpyxl.cell.cell import Cell

    columns: list[tuple[str, ...]] = []
    quoted: list[frozenset[int]] = []
    for column in values:
        made: dict[Value, str] = {}  # a column's cells repeat: each distinct value made once
        for value in set(column):
            if value is None:
                made[value] = ' t="n"></c>'
            elif isinstance(value, bool):  # openpyxl writes a boolean cell
                return None
            elif isinstance(value, int):
                made[value] = f' t="n"><v>{value}</v></c>'
            elif value == "":  # text, but nothing written of it
                made[value] = ' t="inlineStr"></c>'
            else:
                text = _text(value)
                if text is None:
                    return None
                made[value] = f' t="inlineStr">{text}</c>'
        columns.append(tuple(made[value] for value in column))
        prefixed = {value for value in made if isinstance(value, str) and starts_as_formula(value)}
        quoted.append(frozenset(i for i, value in enumerate(column) if value in prefixed) if prefixed else frozenset())
    # copies of the style cells as they are now: save_workbook gives a cell that starts as a formula the prefix
    copies = tuple(Cell(cell.parent, style_array=cell._style) for cell in styled)
    return SheetRows(tuple(letters), tuple(columns), tuple(quoted), first_row, tuple(heights), copies)


def splice(sheet: bytes, rows: SheetRows, xml: str | None = None) -> bytes:
    """The XML of a worksheet as openpyxl wrote it (``sheet``) with ``rows`` at the end of
    its data (their ``xml`` when it was made already), and its dimension reaching their last row."""
    head, tail = sheet.rsplit(b"</sheetData>", 1)
    head = _DIMENSION.sub(lambda m: b'<dimension ref="%s:%s%d"/>' % (m[1], m[2], rows.last_row), head, count=1)
    return head + (rows.xml() if xml is None else xml).encode("ascii") + b"</sheetData>" + tail
