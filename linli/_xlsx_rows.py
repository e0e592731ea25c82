"""The rows of a long worksheet written as XML at once, in the very bytes openpyxl writes.

openpyxl makes a Python object of every cell, then writes each through lxml: some 25 µs a
cell, 24 s for the 100,000 lines of a ledger whose every row breaks a rule (a sheet of
``quarantine.xlsx``). Its rows are plain — text, whole numbers or nothing, each column in
one style — so :func:`rows_xml` writes them from the columns' values directly, as
openpyxl would (``<c r="B7" s="3" t="inlineStr"><is><t>…</t></is></c>``, every character
past ASCII as a character reference), and :func:`splice` puts them into the sheet that
openpyxl wrote with the rows before them, as the workbook is saved
(:func:`linli.outputs.save_workbook`). A value that openpyxl would write another way
(a formula, an error code such as ``#N/A``, text of more than 32,767 characters, a
boolean) or refuse (a control character) gives None: the caller lets openpyxl write those rows.
The tests compare the bytes of both ways.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["SheetRows", "rows_xml", "splice"]

#: Characters openpyxl refuses in a cell (its ``ILLEGAL_CHARACTERS_RE``), and lone surrogates,
#: which are no character at all (lxml refuses them).
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
#: Text openpyxl stores as an error value, not as text.
_ERROR_CODES = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"})
_MAX_TEXT = 32_767  # characters in a cell
_FORMULA = re.compile("=.")  # what openpyxl stores as a formula
_ESCAPE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_DIMENSION = re.compile(rb'<dimension ref="([A-Z]+[0-9]+):([A-Z]+)[0-9]+"/>')

Value = str | int | None


@dataclass(frozen=True)
class SheetRows:
    """Rows to add at the end of a sheet's data (:func:`rows_xml`), made into XML when the
    workbook is saved (:meth:`xml`): their cells' style ids are those the workbook gives
    the styles of ``styled`` as it is written, so the file is the one openpyxl writes."""

    letters: tuple[str, ...]
    cells: tuple[tuple[str, ...], ...]  # each column's cells after their style attribute
    first_row: int
    heights: tuple[float | None, ...]
    styled: tuple[Any, ...]  # for each column, an openpyxl cell in the style of its cells

    @property
    def last_row(self) -> int:
        return self.first_row + len(self.heights) - 1

    def xml(self) -> str:
        """The ``<row>`` elements, the workbook's styles as they stand (call it once the
        sheets before are written)."""
        styles = [f' s="{cell.style_id}"' for cell in self.styled]
        parts: list[str] = []
        add = parts.append
        for i, height in enumerate(self.heights):
            row = self.first_row + i
            add(f'<row r="{row}">' if height is None else f'<row r="{row}" ht="{height:.16g}" customHeight="1">')
            for letter, style, cells in zip(self.letters, styles, self.cells, strict=True):
                add(f'<c r="{letter}{row}"{style}{cells[i]}')
            add("</row>")
        return "".join(parts)


def _text(value: str) -> str | None:
    """The ``<is>`` element of a text cell, or None when openpyxl would not write it as text."""
    if len(value) > _MAX_TEXT or value in _ERROR_CODES or _ILLEGAL.search(value) or _FORMULA.match(value):
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
    as it is given: make it safe first (:func:`linli.outputs.neutralise`, as
    :func:`linli.outputs.save_workbook` does to the cells openpyxl holds). None when a
    value is one openpyxl would write another way (a formula among them) or refuse.

    >>> import openpyxl
    >>> top = openpyxl.Workbook().active["A1"]
    >>> rows_xml(["A", "B"], [["人", None], [7, 8]], first_row=2, styled=[top, top], heights=[None, 32]).xml()
    '<row r="2"><c r="A2" s="0" t="inlineStr"><is><t>&#20154;</t></is></c><c r="B2" s="0" t="n"><v>7</v></c></row><row r="3" ht="32" customHeight="1"><c r="A3" s="0" t="n"></c><c r="B3" s="0" t="n"><v>8</v></c></row>'
    >>> [rows_xml(["A"], [[v]], first_row=2, styled=[top], heights=[None]) is None for v in ("#N/A", "=1", "'=1")]
    [True, True, False]
    """
    columns: list[tuple[str, ...]] = []
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
    return SheetRows(tuple(letters), tuple(columns), first_row, tuple(heights), tuple(styled))


def splice(sheet: bytes, rows: SheetRows) -> bytes:
    """The XML of a worksheet as openpyxl wrote it (``sheet``) with ``rows`` at the end of
    its data, and its dimension reaching their last row."""
    head, tail = sheet.rsplit(b"</sheetData>", 1)
    head = _DIMENSION.sub(lambda m: b'<dimension ref="%s:%s%d"/>' % (m[1], m[2], rows.last_row), head, count=1)
    return head + rows.xml().encode("ascii") + b"</sheetData>" + tail
