"""The indicators workbook of a year: ``OUT/<year>/indicators.xlsx``.

One sheet per dimension of the catalogue (profile, the five-society linkage, the four
brands, satisfaction), named in Chinese and English. A row per indicator: its id,
Chinese and English names, unit (both languages) and direction; then, for every unit
(the communities, then the zone), four columns: the value in the year, the low and
high ends of its 95 % interval, and its progress status since the baseline
(``显著进展 / Substantial progress``; empty for an indicator that has none). The
direction is in words too (``越高越好 / Higher is better``). Two header rows (the
unit's name over its four columns, then the column names) and the indicator's columns
stay in view while scrolling (frozen panes). Whole numbers show as ``#,##0``, others
with one decimal (``#,##0.0``); nothing is rounded in the cell.
A worksheet holds 16,384 columns, room for 4,094 units: past them, a dimension's units
continue on ``<sheet name> (2)``, ``(3)`` …, each with the indicator's columns again.

Text wraps in its column and every row is given the height of its longest text
(:func:`_lines`), so that no text runs over the next row: LibreOffice keeps a row at
the sheet's default height (15 pt) whatever the text in it. The id column is as wide
as the sheet's longest id. A sheet prints landscape on A4, one page wide, its two
header rows and first two columns on every page (:func:`linli.outputs.set_print_layout`).

A text cell that starts like a formula is stored as text with Excel's quote prefix
(:func:`linli.outputs.save_workbook`: no formula runs when the workbook is opened or a cell
edited), and the same results give the same bytes: the workbook's dates
are the data's as-of date (or ``$SOURCE_DATE_EPOCH``) and so are its zip entries'.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterator
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import LinliError
from .indicators import catalogue as catalogue_mod
from .labels import word
from .outputs import save_workbook, set_print_layout, source_date, style_cell

__all__ = ["UNIT_COLUMNS", "WORKBOOK_NAME", "indicators_sheets", "write_indicators_workbook"]

WORKBOOK_NAME: str = "indicators.xlsx"
#: The columns of each unit: (key, Chinese, English).
UNIT_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("value", "值", "Value"),
    ("ci_low", "95%下限", "95% low"),
    ("ci_high", "95%上限", "95% high"),
    ("status", "进展", "Progress"),
)
#: The indicator's own columns: (Chinese, English).
INDICATOR_COLUMNS: tuple[tuple[str, str], ...] = (
    ("指标代码", "Id"),
    ("指标名称", "Name (Chinese)"),
    ("英文名称", "Name (English)"),
    ("单位", "Unit"),
    ("方向", "Direction"),
)
#: Columns a worksheet holds (Excel's last is XFD): the units of a sheet past them continue on
#: another (:func:`write_indicators_workbook`).
MAX_COLUMNS: int = 16_384
WHOLE_FORMAT: str = "#,##0"
DECIMAL_FORMAT: str = "#,##0.0"
#: Widths (in characters) of the indicator's columns after its id (which is as wide as the
#: longest id of its sheet, and at least :data:`ID_WIDTH`), and of each unit's columns.
ID_WIDTH: int = 12
INDICATOR_WIDTHS: tuple[int, ...] = (20, 24, 14, 20)
UNIT_WIDTHS: dict[str, int] = {"value": 10, "ci_low": 10, "ci_high": 10, "status": 22}
#: The height of a line of text (points): a row is that times the lines of its longest text.
LINE_HEIGHT: float = 16.0
#: The columns repeated at the left of every printed page (the indicator's id and Chinese name).
PRINT_TITLE_COLUMNS: str = "A:B"
#: The printed page's margins (inches): narrower than Excel's (0.75 at the sides) for a larger print.
MARGINS: dict[str, float] = {"left": 0.4, "right": 0.4, "top": 0.6, "bottom": 0.6, "header": 0.3, "footer": 0.3}


def _order(units: pd.DataFrame) -> list[tuple[str, str]]:
    """``(unit_id, name)`` of the communities (in the table's order), then the zones."""
    rank = units["unit_type"].astype(str).map({"community": 0}).fillna(1)
    ordered = units.assign(_rank=rank.to_numpy()).sort_values("_rank", kind="stable")
    names = []
    for row in ordered.itertuples(index=False):
        zh, en = getattr(row, "name_zh", None), getattr(row, "name_en", None)
        zh = str(row.unit_id) if pd.isna(zh) else str(zh)
        names.append((str(row.unit_id), zh if pd.isna(en) or not str(en) else f"{zh} {en}"))
    return names


def _status(code: Any) -> str:
    if pd.isna(code) or not str(code):
        return ""
    try:
        return f"{word(str(code), lang='zh')} / {word(str(code), lang='en')}"
    except LinliError:
        return str(code)


def _direction(code: str) -> str:
    """An indicator's direction (``up``, ``down``, ``context``) in words, Chinese then English.

    >>> _direction("down"), _direction("sideways")
    ('越低越好 / Lower is better', 'sideways')
    """
    try:
        return f"{word('direction.' + code, lang='zh')} / {word('direction.' + code, lang='en')}"
    except LinliError:
        return code


def _char_width(ch: str) -> int:
    """The width of ``ch`` in a column's characters: 2 for a Chinese (wide) one, else 1."""
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


@lru_cache(maxsize=65_536)
def _lines(text: str, width: float) -> int:
    """The lines ``text`` takes wrapped in a column ``width`` characters wide.

    Lines break at spaces and beside any Chinese character (each two characters wide); a
    word longer than a line is broken. One character of the width is left to the cell's
    margins. An estimate of what Excel and LibreOffice do, a line more rather than less.

    >>> _lines("95%上限 95% high", 10), _lines("95%上限 95% high", 20), _lines("Residents", 10)
    (2, 1, 1)
    >>> _lines("每千户居民诉求数（件/千户）", 20), _lines("aid_activities_per_100_vulnerable", 12)
    (2, 3)
    """
    room = max(width - 1, 1)
    lines, used = 1, 0.0
    tokens: list[str] = []
    word_ = ""
    for ch in text:
        if ch.isspace() or _char_width(ch) == 2:
            if word_:
                tokens.append(word_)
                word_ = ""
            tokens.append(ch)
        else:
            word_ += ch
    if word_:
        tokens.append(word_)
    for token in tokens:
        if token == "\n":
            lines, used = lines + 1, 0.0
            continue
        if token.isspace():
            used += 1 if used else 0  # a space at the end of a line does not wrap
            continue
        w = float(sum(_char_width(ch) for ch in token))
        if used and used + w > room:
            lines, used = lines + 1, 0.0
        while w > room:  # a word longer than a line
            lines, w = lines + 1, w - room
        used += w
    return lines


def indicators_sheets(indicators: pd.DataFrame, progress: pd.DataFrame, units: pd.DataFrame, *,
                      year: int) -> dict[str, pd.DataFrame]:
    """Return the workbook's sheets, by sheet name: one wide frame per dimension.

    Columns: the indicator's (:data:`INDICATOR_COLUMNS`, Chinese names), then per unit
    ``(unit_id, key)`` for each key of :data:`UNIT_COLUMNS`, in a two-level column index.
    One pivot over all units at once.

    Examples
    --------
    >>> ind = pd.DataFrame({"unit_id": ["a", "z"], "unit_type": ["community", "zone"], "year": 2024,
    ...     "indicator": "volunteers", "value": [120.0, 300.0], "ci_low": float("nan"), "ci_high": float("nan")})
    >>> units = pd.DataFrame({"unit_id": ["z", "a"], "unit_type": ["zone", "community"],
    ...     "name_zh": ["街道", "甲社区"], "name_en": ["Zone", "A"]})
    >>> prog = pd.DataFrame({"unit_id": ["a"], "indicator": ["volunteers"], "year": [2024], "status": ["deterioration"]})
    >>> sheet = indicators_sheets(ind, prog, units, year=2024)["五社联动 Five-society linkage"]
    >>> sheet.loc[sheet["指标代码"] == "volunteers", [("a", "value"), ("a", "status"), ("z", "value")]].values.tolist()
    [[120.0, '退步 / Deterioration', 300.0]]
    """
    cat = catalogue_mod.load()
    order = _order(units)
    now = indicators[indicators["year"] == year]
    wide = now.pivot_table(index="indicator", columns="unit_id", values=["value", "ci_low", "ci_high"],
                           aggfunc="last", dropna=False)
    wide.columns = wide.columns.swaplevel(0, 1)
    statuses = progress[progress["year"] == year] if "year" in progress else progress
    # Python strings (object), not Arrow strings: the pivot's columns are then one block, which
    # the workbook takes as Python values at once instead of column by column (14,000 at 2,000 communities)
    named = statuses["status"].map(_status).replace("", pd.NA).astype(object)
    status = statuses.assign(status=named).pivot_table(index="indicator", columns="unit_id", values="status",
                                                       aggfunc="last")
    if len(status.columns):  # none (no progress, or no status): the status columns stay empty
        status.columns = pd.MultiIndex.from_tuples([(u, "status") for u in status.columns])
        wide = wide.join(status, how="left")
    columns = pd.MultiIndex.from_tuples([(u, key) for u, _ in order for key, _, _ in UNIT_COLUMNS])
    wide = wide.reindex(columns=columns)
    sheets: dict[str, pd.DataFrame] = {}
    for dim in cat.dimensions:
        members = cat.in_dimension(dim.id)
        meta = pd.DataFrame({
            "指标代码": [i.id for i in members],
            "指标名称": [i.name_zh for i in members],
            "英文名称": [i.name_en for i in members],
            "单位": [i.unit.zh if i.unit.zh == i.unit.en else f"{i.unit.zh} / {i.unit.en}" for i in members],
            "方向": [_direction(i.direction) for i in members],
        })
        values = wide.reindex([i.id for i in members]).reset_index(drop=True)
        meta.columns = pd.MultiIndex.from_tuples([(c, "") for c in meta.columns])
        frame = pd.concat([meta, values], axis=1)
        sheets[_sheet_name(dim.name_zh, dim.label.en)] = frame
    return sheets


def _sheet_name(zh: str, en: str) -> str:
    """A sheet name: Chinese then English, at most 31 characters, without ``[]:*?/\\``."""
    text = f"{zh} {en.split(' · ')[-1].strip().capitalize()}" if en else zh
    for ch in "[]:*?/\\":
        text = text.replace(ch, " ")
    return text[:31]


def write_indicators_workbook(indicators: pd.DataFrame, progress: pd.DataFrame, units: pd.DataFrame,
                              path: Path | str, *, year: int, as_of: date | str | None = None) -> Path:
    """Write ``indicators.xlsx`` for ``year`` (see the module's description) and return its path.

    Raises
    ------
    LinliError
        When the year has no indicator values.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.cell_range import CellRange
    from openpyxl.worksheet.page import PageMargins

    if not (indicators["year"] == year).any():
        years = ", ".join(map(str, sorted(pd.unique(indicators["year"]))))
        msg = f"No indicator values for {year} to put in {WORKBOOK_NAME}; years present: {years}."
        raise LinliError(msg)
    names = dict(_order(units))
    sheets = indicators_sheets(indicators, progress, units, year=year)
    wb = Workbook()
    wb.remove(wb.active)
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="E8EEF4")
    wrapped = Alignment(wrap_text=True, vertical="top")  # a text longer than its column is shown whole
    top = Alignment(vertical="top")  # and the numbers of its row beside its first line
    centred = Alignment(horizontal="center", vertical="center", wrap_text=True)  # the two header rows
    head_cols = len(INDICATOR_COLUMNS)
    for sheet_name, frame in _continued(sheets, head_cols):
        ws = wb.create_sheet(sheet_name)
        unit_cols = list(frame.columns[head_cols:])
        id_width = max([ID_WIDTH, *(sum(map(_char_width, str(i))) + 2 for i in frame.iloc[:, 0])])
        widths = [id_width, *INDICATOR_WIDTHS] + [UNIT_WIDTHS[key] for _, key in unit_cols]
        lines = {1: 1, 2: 1}  # the lines of each row's longest text
        # header row 1: the indicator's columns, then each unit's name over its columns
        for j, (zh, en) in enumerate(INDICATOR_COLUMNS, start=1):
            ws.cell(row=1, column=j, value=zh)
            ws.cell(row=2, column=j, value=en)
            lines[1] = max(lines[1], _lines(zh, widths[j - 1]))
            lines[2] = max(lines[2], _lines(en, widths[j - 1]))
        merged: list[CellRange] = []  # each unit's name over its columns
        for k, (uid, key) in enumerate(unit_cols):
            col = head_cols + 1 + k
            zh, en = next((z, e) for c, z, e in UNIT_COLUMNS if c == key)
            if key == UNIT_COLUMNS[0][0]:
                name = names.get(uid, uid)
                ws.cell(row=1, column=col, value=name)
                merged.append(CellRange(min_row=1, min_col=col, max_row=1, max_col=col + len(UNIT_COLUMNS) - 1))
                lines[1] = max(lines[1], _lines(name, sum(widths[col - 1 : col - 1 + len(UNIT_COLUMNS)])))
            ws.cell(row=2, column=col, value=f"{zh} {en}")
            lines[2] = max(lines[2], _lines(f"{zh} {en}", widths[col - 1]))
        _merge(ws, merged)
        looks: dict[str, Any] = {}  # the first cell of each look (style_cell)
        for row in ws.iter_rows(min_row=1, max_row=2):
            for cell in row:
                style_cell(cell, looks, "header", font=bold, fill=fill, alignment=centred)
        for i, values in enumerate(frame.to_numpy(dtype=object).tolist(), start=3):
            lines[i] = 1
            for j, value in enumerate(values, start=1):
                value = _cell(value)
                if value is None:  # an empty cell is not written: none is made (most of a large zone's)
                    continue
                cell = ws.cell(row=i, column=j, value=value)
                if isinstance(cell.value, float):
                    number_format = WHOLE_FORMAT if cell.value.is_integer() else DECIMAL_FORMAT
                    style_cell(cell, looks, number_format, number_format=number_format, alignment=top)
                elif isinstance(cell.value, str):
                    style_cell(cell, looks, "text", alignment=wrapped)
                    lines[i] = max(lines[i], _lines(cell.value, widths[j - 1]))
        for j, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(j)].width = width
        for i, n in lines.items():  # LibreOffice keeps a row's stored height: each is its longest text's
            ws.row_dimensions[i].height = n * LINE_HEIGHT
        ws.freeze_panes = ws.cell(row=3, column=head_cols + 1)
        set_print_layout(ws, header_rows=2)
        ws.print_title_cols = PRINT_TITLE_COLUMNS
        ws.page_margins = PageMargins(**MARGINS)
    wb.properties.creator = wb.properties.lastModifiedBy = "linli"
    wb.properties.title = f"邻里评估指标 Linli indicators {year}"
    save_workbook(wb, path, when=source_date(as_of))
    return path


def _continued(sheets: dict[str, pd.DataFrame], head_cols: int) -> Iterator[tuple[str, pd.DataFrame]]:
    """Each sheet, by name, and where its units take more columns than a worksheet holds
    (:data:`MAX_COLUMNS`: 4,094 units), its continuation: ``<name> (2)``, ``(3)`` …, each
    with the indicator's columns again, then the next units.
    """
    per_sheet = (MAX_COLUMNS - head_cols) // len(UNIT_COLUMNS) * len(UNIT_COLUMNS)
    for name, frame in sheets.items():
        unit_columns = len(frame.columns) - head_cols
        if unit_columns <= per_sheet:
            yield name, frame
            continue
        for part, start in enumerate(range(0, unit_columns, per_sheet), start=1):
            columns = [*range(head_cols), *range(head_cols + start, head_cols + min(start + per_sheet, unit_columns))]
            suffix = "" if part == 1 else f" ({part})"
            yield name[: 31 - len(suffix)] + suffix, frame.iloc[:, columns]


def _merge(ws: Any, ranges: list[Any]) -> None:
    """Merge each of ``ranges`` (which do not overlap) in ``ws``, in order, as ``ws.merge_cells`` would.

    ``merge_cells`` checks a new range against every range merged before it in the sheet
    (quadratic in the units: 14 M checks at 2,000 communities, most of a minute), then
    gives each cell of the range its top-left cell's borders and protection, one style at
    a time (3 s for the 14,007 ranges at 2,000 communities). Here each range is made and
    its other cells set as merged, and the sheet is given them all at once; the header's
    look is set on every cell of the two header rows afterwards, merged or not, so nothing
    of what ``merge_cells`` would have set on them shows (the same bytes).
    """
    from openpyxl.cell.cell import MergedCell
    from openpyxl.worksheet.merge import MergedCellRange

    done: list[Any] = []
    for cells in ranges:
        merged = MergedCellRange(ws, cells.coord)  # makes its top-left cell when there is none
        for row, col in list(merged.cells)[1:]:
            ws._cells[row, col] = MergedCell(ws, row=row, column=col)  # as merge_cells does
        done.append(merged)
    ws.merged_cells.ranges = done


def _cell(value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, str):
        return value or None
    if isinstance(value, int | float):
        return float(value)
    return str(value)
