"""The quarantine as a clerk opens it: ``quarantine.csv`` (UTF-8 with a BOM) and ``quarantine.xlsx``.

``quarantine.csv`` keeps the columns of :data:`linli.validate.QUARANTINE_COLUMNS`
(``table,file,row,column,rule,value,message_zh,message_en,outcome,community,record_id``)
and starts with a byte-order mark, so that Excel and WPS read its Chinese as UTF-8.
``quarantine.xlsx`` holds the same lines under Chinese headers (:data:`XLSX_HEADERS`):
the table, the file, the spreadsheet row, the column, the problem, the value as
shown, what to do, the community and the record's own id, and whether the row was
left out. When the lines come from several files each file has its own sheet, in
file order. The header row is frozen and the columns are wide enough to read. A sheet
lists at most :data:`XLSX_MAX_LINES` lines (100,000) of its file: a ledger whose every
row breaks one rule would give millions; then a first sheet, 未全部列出, counts the lines of
each cut sheet by column and problem and points to ``quarantine.csv``, which has them all.

:func:`summary_line` is the one line ``linli validate`` and ``linli build`` end with.
"""

from __future__ import annotations

import logging
import numbers
import re
from pathlib import Path

import openpyxl
import pandas as pd
from openpyxl.styles import Alignment, Font, PatternFill

from . import outputs
from ._xlsx_rows import SheetRows, rows_xml
from .labels import column_label, counted, rule_label, table_label
from .validate import QUARANTINE_COLUMNS

__all__ = ["CSV_NAME", "NOT_LISTED_SHEET", "XLSX_HEADERS", "XLSX_MAX_LINES", "XLSX_NAME", "quarantine_sheets",
           "save_quarantine", "summary_line"]

log = logging.getLogger(__name__)

CSV_NAME = "quarantine.csv"
XLSX_NAME = "quarantine.xlsx"

#: The headers of ``quarantine.xlsx``, and the width (in characters) each column is given at most.
XLSX_HEADERS: dict[str, int] = {
    "数据表": 20, "文件": 30, "行号": 6, "列": 20, "问题": 24, "原值": 30, "说明": 56, "社区": 14,
    "记录编号": 20, "处理结果": 16,
}
#: Lines of one file a sheet of ``quarantine.xlsx`` lists at most, in order; all are in
#: ``quarantine.csv``. A ledger whose every row breaks one rule gives a line per row: past
#: 1,048,575 no spreadsheet opens the sheet, and writing a million lines takes minutes. When
#: a sheet is cut, a first sheet, :data:`NOT_LISTED_SHEET`, counts its lines by column and problem.
XLSX_MAX_LINES: int = 100_000
NOT_LISTED_SHEET: str = "未全部列出"
_OUTCOME_ZH = {"quarantined": "未载入", "loaded": "已载入（有提示）"}
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_WRAPPED = ("说明", "原值", "文件")  # a file's sheet ([2024上]) ends its name: wrapped, never cut


def summary_line(provenance: pd.DataFrame, quarantine: pd.DataFrame, path: Path) -> str:
    """The one line that ends ``linli validate`` and ``linli build``: rows left out, and where the file is.

    >>> prov = pd.DataFrame({"rows_quarantined": [2, 1]})
    >>> q = pd.DataFrame({"outcome": ["quarantined", "quarantined", "quarantined", "loaded"]})
    >>> summary_line(prov, q, Path("out/quarantine.xlsx"))
    '隔离 3 行（另有 1 条提示，记录已载入），请按 out/quarantine.xlsx 修改台账 / quarantine: 3 rows left out, 1 finding on rows that load -> out/quarantine.xlsx'
    """
    rows = int(pd.to_numeric(provenance["rows_quarantined"], errors="coerce").fillna(0).sum())
    findings = int((quarantine["outcome"] == "loaded").sum()) if len(quarantine) else 0
    if rows == 0 and findings == 0:
        return f"没有被隔离的行 / quarantine: no row left out -> {path}"
    noted = f"（另有 {findings} 条提示，记录已载入）" if findings else ""
    return (f"隔离 {rows} 行{noted}，请按 {path} 修改台账 / "
            f"quarantine: {counted(rows, 'row', 'rows')} left out, {counted(findings, 'finding', 'findings')} "
            f"on rows that load -> {path}")


def save_quarantine(
    quarantine: pd.DataFrame, out_dir: Path, *, communities: pd.DataFrame | None = None
) -> dict[str, Path]:
    """Write ``quarantine.csv`` (UTF-8 with a BOM) and ``quarantine.xlsx`` into ``out_dir``.

    ``communities`` (the clean communities table) gives the 社区 column its Chinese names.

    Raises
    ------
    OutputError
        When a file cannot be written.
    """
    csv_path = outputs.save_csv(quarantine[QUARANTINE_COLUMNS], Path(out_dir) / CSV_NAME, bom=True)
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    q = quarantine.reset_index(drop=True)
    files = q["file"].astype(str)
    # only the lines the sheets list are made into sheet lines: a ledger typed wrong throughout has millions
    listed = q[files.groupby(files, sort=False).cumcount().to_numpy() < XLSX_MAX_LINES]
    sheets = quarantine_sheets(listed, communities=communities)
    rows: dict[str, SheetRows] = {}
    cut: dict[str, tuple[int, pd.Series]] = {}
    # the sheets are in file order; no line at all still makes one sheet, of no file
    for (title, frame), file in zip(sheets.items(), sorted(dict.fromkeys(files)) or [None], strict=True):
        if (rest := _sheet(workbook, title, frame)) is not None:
            rows[title] = rest
        if file is not None and (total := int((files == file).sum())) > XLSX_MAX_LINES:
            cut[title] = (total, _problem_counts(q.loc[files == file, ["table", "column", "rule"]]))
    if cut:
        _not_listed(workbook, cut)
        log.warning("%s 每个文件最多列出 %s 行，全部 %s 行见 %s / %s lists the first %s lines of each file; all %s are "
                    "in %s", XLSX_NAME, f"{XLSX_MAX_LINES:,}", f"{len(quarantine):,}", CSV_NAME, XLSX_NAME,
                    f"{XLSX_MAX_LINES:,}", f"{len(quarantine):,}", CSV_NAME)
    xlsx_path = outputs.save_workbook(workbook, Path(out_dir) / XLSX_NAME, rows=rows)
    return {"quarantine": csv_path, "quarantine_xlsx": xlsx_path}


def _problem_counts(lines: pd.DataFrame) -> pd.Series:
    """The quarantine ``lines`` (their table, column and rule) counted by the column and problem
    a sheet shows (列, 问题), in their order; each distinct finding labelled once."""
    found = lines.groupby(["table", "column", "rule"], sort=False, dropna=False).size()
    labelled = pd.DataFrame({"列": [_columns_label(t, c) for t, c, _ in found.index],
                             "问题": [rule_label(str(r)) for _, _, r in found.index], "n": found.to_numpy()})
    return labelled.groupby(["列", "问题"], sort=True, dropna=False)["n"].sum()


def _not_listed(workbook: openpyxl.Workbook, cut: dict[str, tuple[int, pd.Series]]) -> None:
    """The sheet :data:`NOT_LISTED_SHEET`, first: for each sheet cut at :data:`XLSX_MAX_LINES`,
    its lines in all and the lines of each column and problem (:func:`_problem_counts`), and
    that all are in ``quarantine.csv``."""
    ws = workbook.create_sheet(NOT_LISTED_SHEET, 0)
    ws.append([f"每个文件最多列出 {XLSX_MAX_LINES:,} 行；以下文件的全部隔离记录见 {CSV_NAME}（UTF-8，可用 Excel 打开）。"
               f"同一列、同一问题的大量记录，通常是整列格式不对或表头对应错了：改一处，再运行一次。"])
    ws.append([])
    ws.append(["工作表", "列", "问题", "行数"])
    header = ws.max_row
    for title, (total, counts) in cut.items():
        ws.append([title, "（全部）", "", total])
        for (column, problem), n in counts.items():
            ws.append([title, str(column), str(problem), int(n)])
    for cell in ws[header]:
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
    for letter, width in zip("ABCD", (30, 24, 28, 12), strict=True):
        ws.column_dimensions[letter].width = width
    for cell in ws["D"][header:]:  # the counts, with thousands separators
        cell.number_format = "#,##0"
    outputs.set_print_layout(ws, header_rows=0)


def quarantine_sheets(
    quarantine: pd.DataFrame, *, communities: pd.DataFrame | None = None
) -> dict[str, pd.DataFrame]:
    """The sheets of ``quarantine.xlsx``: title -> lines under :data:`XLSX_HEADERS`.

    One sheet, 隔离记录, when the lines come from one file (or none); else one per file.

    >>> q = pd.DataFrame([["mediation_cases", "2024年调解台账.xlsx", 4, "outcome", "unknown_code", "成功了",
    ...                    "第4行 …", "row 4, …", "quarantined", "xiangbei", "m4"]],
    ...                  columns=QUARANTINE_COLUMNS)
    >>> sheets = quarantine_sheets(q, communities=pd.DataFrame({"community_id": ["xiangbei"], "name_zh": ["湘北社区"]}))
    >>> list(sheets), [str(v) for v in sheets["隔离记录"].iloc[0]]
    (['隔离记录'], ['矛盾纠纷调解', '2024年调解台账.xlsx', '4', '调解结果', '不是可选的值', '成功了', '第4行 …', '湘北社区', 'm4', '未载入'])
    """
    names: dict[str, str] = {}
    if communities is not None and len(communities) and "name_zh" in communities:
        names = dict(zip(communities["community_id"].astype(str), communities["name_zh"].astype(str), strict=True))
    q = quarantine.reset_index(drop=True)
    lines = pd.DataFrame({
        "数据表": [table_label(t) for t in q["table"].tolist()],
        "文件": q["file"].astype(str),
        "行号": pd.to_numeric(q["row"], errors="coerce").astype("Int64"),
        "列": [_columns_label(t, c) for t, c in zip(q["table"].tolist(), q["column"].tolist(), strict=True)],
        "问题": [rule_label(str(r)) for r in q["rule"].tolist()],
        "原值": q["value"].astype(str),
        "说明": q["message_zh"].astype(str),
        "社区": [names.get(str(c), str(c)) for c in q["community"].fillna("").tolist()],
        "记录编号": q["record_id"].fillna("").astype(str),
        "处理结果": [_OUTCOME_ZH.get(str(o), str(o)) for o in q["outcome"].tolist()],
    }, columns=list(XLSX_HEADERS))
    files = list(dict.fromkeys(q["file"].astype(str)))
    if len(files) <= 1:
        return {"隔离记录": lines}
    sheets: dict[str, pd.DataFrame] = {}
    for name in sorted(files):
        taken = {NOT_LISTED_SHEET, *sheets}  # the first sheet's title, when a sheet is cut
        sheets[_sheet_title(name, taken=taken)] = lines[q["file"].astype(str) == name].reset_index(drop=True)
    return sheets


def _columns_label(table: str, column: str) -> str:
    """The Chinese header of a column, of each part of a ``a+b`` key, or 整行 for the whole row."""
    if not column:
        return "整行"
    return "+".join(column_label(str(table), part) for part in str(column).split("+"))


def _sheet_title(file: str, *, taken: set[str]) -> str:
    """A worksheet title made of a file name: at most 31 characters, none of ``[]:*?/\\``,
    unlike every title of ``taken`` as Excel compares them (case aside)."""
    base = _SHEET_FORBIDDEN.sub("_", Path(file).stem or file)[:28] or "文件"
    title, n = base, 2
    folded = {t.casefold() for t in taken}
    while title.casefold() in folded:
        title, n = f"{base[:27]}({n})", n + 1
    return title


def _sheet(workbook: openpyxl.Workbook, title: str, frame: pd.DataFrame) -> SheetRows | None:
    """Add the sheet ``title`` listing ``frame``. openpyxl holds its header and first line;
    the lines after it are returned written at once (:func:`linli._xlsx_rows.rows_xml`: a
    ledger typed wrong throughout gives 100,000, 24 s through openpyxl), for
    :func:`linli.outputs.save_workbook` to add. None when openpyxl holds every line: there is
    one, or a value is one that openpyxl writes its own way."""
    ws = workbook.create_sheet(title)
    ws.append(list(frame.columns))
    columns = [_cell_values(frame[c]) for c in frame.columns]
    held = min(len(frame), 1)  # the first line's cells give the others' style ids
    for row in zip(*(column[:held] for column in columns), strict=True):
        ws.append(list(row))
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
    alignments = {"wrap": Alignment(wrap_text=True, vertical="top"), "top": Alignment(vertical="top")}
    looks: dict[str, object] = {}  # the first cell of each alignment (outputs.style_cell)
    column_looks: list[str] = []
    lines = [1] * len(frame)
    for i, (header, cap) in enumerate(XLSX_HEADERS.items(), start=1):
        letter = openpyxl.utils.get_column_letter(i)
        widths = _widths(columns[i - 1])
        width = min(max([outputs.text_width(header), *widths, 4]) + 2, cap)
        ws.column_dimensions[letter].width = width
        column_looks.append("wrap" if header in _WRAPPED else "top")
        for cell in ws[letter][1:]:
            outputs.style_cell(cell, looks, column_looks[-1], alignment=alignments[column_looks[-1]])
        if header in _WRAPPED:  # rows as tall as their wrapped text: spreadsheets do not grow them on opening
            # text as wide as the column is fitted to (its width less 2) is one line; longer text
            # wraps at words, so a line holds a little less than the column
            lines = [max(n, 1 if w <= width - 2 else -(-w // max(width - 6, 1)))
                     for n, w in zip(lines, widths, strict=True)]
    letters = [openpyxl.utils.get_column_letter(i) for i in range(1, len(columns) + 1)]
    rest = None
    if len(frame) > held:
        rest = rows_xml(letters, [column[held:] for column in columns], first_row=held + 2,
                        styled=[ws.cell(2, i) for i in range(1, len(columns) + 1)],
                        heights=[16 * n if n > 1 else None for n in lines[held:]])
        if rest is None:  # openpyxl writes every line
            for row in zip(*(column[held:] for column in columns), strict=True):
                ws.append(list(row))
            for letter, look in zip(letters, column_looks, strict=True):
                for cell in ws[letter][held + 1:]:
                    outputs.style_cell(cell, looks, look, alignment=alignments[look])
    for row, n in enumerate(lines if rest is None else lines[:held], start=2):
        if n > 1:
            ws.row_dimensions[row].height = 16 * n
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{letters[-1]}{len(frame) + 1}"
    outputs.set_print_layout(ws)
    return rest


def _cell_values(column: pd.Series) -> list[str | int | None]:
    """A column's cells as the sheet holds them: text, whole numbers (a row number) or None."""
    return [None if pd.isna(v) else (int(v) if isinstance(v, numbers.Number) else str(v))
            for v in column.to_numpy(dtype=object)]


def _widths(values: list[str | int | None]) -> list[int]:
    """Each cell's width in characters (:func:`linli.outputs.text_width`), each distinct value measured once."""
    measured = {v: 0 if v is None else outputs.text_width(str(v)) for v in set(values)}
    return [measured[v] for v in values]
