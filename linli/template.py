"""Blank Excel forms of the data contract: ``linli template``, one ``.xlsx`` per table.

Each form has the table's columns under the headers the readers accept — the
contract's Chinese headers (``lang="zh"``) or its English column names
(``lang="en"``) — a frozen header row, drop-down lists of the Chinese labels on
choice columns (:data:`CHOICES_SHEET` holds them, hidden), 是/否 on yes/no
columns, date cells formatted ``yyyy-mm-dd``, and a :data:`INSTRUCTIONS_SHEET`
sheet listing every column: whether it is required, its rule and an example
(:func:`linli.contract_doc.column_rule`). Compounds and facilities come as
spreadsheets of points (``经度``/``纬度``); boundaries stay GeoJSON, GeoPackage or
Shapefile, which the forms' instructions say. Personal-data columns are left
out: linli drops them on load anyway.

:func:`ledger_frame` turns canonical values into what a clerk types (Chinese
labels, 是/否, real dates, community names): the round-trip test and the
ledger-style synthetic data (:mod:`linli.synth`) use it. Workbooks are written
with :func:`linli.outputs.save_workbook` (no formula cell, same bytes each run).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

import openpyxl
import pandas as pd
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from . import contract, io, outputs
from .contract import TABLES, Column, Table
from .contract_doc import column_rule, template_columns
from .errors import InputError, OutputError
from .labels import check_lang, counted, table_label

__all__ = ["CHOICES_SHEET", "INSTRUCTIONS_SHEET", "TEMPLATE_ROWS", "fill_template", "ledger_frame", "template_name",
           "template_tables", "template_workbook", "write_templates"]

INSTRUCTIONS_SHEET = contract.TEMPLATE_SHEETS[0]  # 填写说明
CHOICES_SHEET = contract.TEMPLATE_SHEETS[1]  # 选项
#: Rows of a form that carry the drop-downs and formats (the header is row 1).
TEMPLATE_ROWS = 5000
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")


def template_tables() -> list[Table]:
    """The tables a form is written for: every table but the boundaries (polygons stay geo files)."""
    return [t for t in TABLES.values() if not t.is_geo or t.points_from_sheets]


def template_name(table: Table, *, lang: str = "zh") -> str:
    """The form's file name: the table's Chinese title (``矛盾纠纷调解.xlsx``), or its name in English.

    Both are names the readers find the table under.

    >>> template_name(contract.table("mediation_cases")), template_name(contract.table("mediation_cases"), lang="en")
    ('矛盾纠纷调解.xlsx', 'mediation_cases.xlsx')
    """
    return f"{table.title_zh if check_lang(lang) == 'zh' else table.name}.xlsx"


def _header(col: Column, lang: str) -> str:
    return (col.label_zh or col.name) if lang == "zh" else col.name


def _required(col: Column) -> bool:
    return not col.nullable and col.default is None and col.nullable_when is None


def _choices(col: Column, lang: str) -> list[str]:
    if col.kind == "bool":
        return ["是", "否"]
    if col.codes and col.kind in ("code", "list"):
        return list(col.codes.values()) if lang == "zh" else list(col.codes)
    return []


def template_workbook(table: Table, *, lang: str = "zh") -> openpyxl.Workbook:
    """Return the blank form of ``table``: the data sheet, the instructions and the hidden choices."""
    check_lang(lang)
    columns = template_columns(table)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = table.title_zh[:31] if lang == "zh" else table.name[:31]
    ws.append([_header(c, lang) for c in columns])
    choices = wb.create_sheet(CHOICES_SHEET)
    choices.sheet_state = "hidden"
    n_lists = 0
    for i, col in enumerate(columns, start=1):
        letter = get_column_letter(i)
        head = ws.cell(row=1, column=i)
        head.font = Font(bold=True)
        head.fill = _REQUIRED_FILL if _required(col) else _HEADER_FILL
        head.alignment = Alignment(horizontal="center")
        wide = 28 if col.kind == "list" else outputs.text_width(col.sample) + 3
        ws.column_dimensions[letter].width = max(10, min(40, max(outputs.text_width(str(head.value)) + 4, wide)))
        cells = f"{letter}2:{letter}{TEMPLATE_ROWS + 1}"
        if col.kind == "date":  # the column's style: a date typed into it shows as one
            ws.column_dimensions[letter].number_format = "yyyy-mm-dd"
            ws.column_dimensions[letter].width = 14
        options = _choices(col, lang)
        if options:
            n_lists += 1
            source = get_column_letter(n_lists)
            choices.cell(row=1, column=n_lists, value=_header(col, lang))
            for j, option in enumerate(options, start=2):
                choices.cell(row=j, column=n_lists, value=option)
            rng = f"'{CHOICES_SHEET}'!${source}$2:${source}${len(options) + 1}"
            several = col.kind == "list"
            check = DataValidation(type="list", formula1=rng, allow_blank=True, showErrorMessage=not several,
                                   showInputMessage=True)
            check.promptTitle = _header(col, lang)[:32]
            check.prompt = column_rule(col, table, lang=lang)[:255]
            if not several:
                check.errorTitle = "请从列表中选择" if lang == "zh" else "Choose from the list"
                check.error = column_rule(col, table, lang=lang)[:255]
            check.add(cells)
            ws.add_data_validation(check)
    ws.freeze_panes = "A2"
    outputs.set_print_layout(ws)
    _instructions(wb.create_sheet(INSTRUCTIONS_SHEET, 1), table, columns, lang)
    return wb


def _instructions(ws: openpyxl.worksheet.worksheet.Worksheet, table: Table, columns: tuple[Column, ...],
                  lang: str) -> None:
    zh = lang == "zh"
    title = f"{table.title_zh}（{table.name}）填写说明" if zh else f"{table_label(table.name, lang='en')} ({table.name})"
    names = "、".join(table.file_names)
    notes = [
        title,
        (f"文件名可为: {names}（可带年份）；第一个工作表填数据，每行一条记录，不要合并单元格，"
         "不要在记录下面加合计行或签字行（合计、签字可放在另一个工作表）。" if zh else
         f"File names: {', '.join(table.file_names)} (a year may be added); one record per row in the first "
         "sheet, no merged cells, no total row or signature line below the records (they may go on another "
         "sheet)."),
        ("隐藏的工作表不读入（只有它写有本表时才读入，并提示）；隐藏的行和列照常读入，隐藏的列与可见的列重复时只读可见的列。"
         if zh else "A hidden sheet is not read (unless it alone holds the table, and then with a warning); hidden "
         "rows and columns are read like the others, except a hidden column that repeats a visible one."),
        ("橙色表头为必填列；完整的数据契约见 docs/data-contract.md；填好后运行 linli validate，按 quarantine.xlsx 修改。"
         if zh else "Orange headers are required; the full contract is docs/data-contract.md; then run "
         "linli validate and fix what quarantine.xlsx lists."),
    ]
    if table.points_from_sheets:
        notes.append("经度、纬度填小数度数；若取自高德、腾讯地图（GCJ-02）或百度地图（BD-09），请在 dataset.yaml 中写明 "
                     "coordinates: gcj02 或 bd09。小区范围（面）和社区边界须为 GeoJSON、GeoPackage 或 Shapefile。"
                     if zh else "经度/纬度 in decimal degrees; from 高德 or 腾讯 maps (GCJ-02) or 百度 (BD-09), declare "
                     "coordinates: gcj02 or bd09 in dataset.yaml. Outlines (polygons) and community boundaries stay "
                     "GeoJSON, GeoPackage or Shapefile.")
    if any(c.pii for c in table.columns):
        notes.append("姓名、电话、身份证号不在本模板中：linli 导入时会删除这些列。" if zh else
                     "Names, phones and identity numbers are not in this form: linli drops them on load.")
    for line in notes:
        ws.append([line])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([])
    heads = ["列（表头）", "英文列名", "是否必填", "填写规则", "示例"] if zh else \
        ["column (header)", "Chinese header", "required", "rule", "example"]
    ws.append(heads)
    head_row = ws.max_row
    for cell in ws[head_row]:
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
    for col in columns:
        required = ("必填" if zh else "required") if _required(col) else ("可空" if zh else "may be empty")
        ws.append([_header(col, lang), col.name if zh else col.label_zh, required, column_rule(col, table, lang=lang),
                   col.sample])
    wrap = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCDE", (22, 24, 10, 70, 24), strict=True):
        ws.column_dimensions[letter].width = width
        for cell in ws[letter][head_row:]:
            cell.alignment = wrap
    ws.freeze_panes = f"A{head_row + 1}"
    outputs.set_print_layout(ws, header_rows=0)


def write_templates(out_dir: Path | str, *, lang: str = "zh") -> dict[str, Path]:
    """Write a blank form per table (:func:`template_tables`) into ``out_dir``; return the paths by table.

    Raises
    ------
    OutputError
        When ``out_dir`` cannot be written, or already holds a form's file or a ledger of
        its table (a filled form is never replaced by a blank one).
    """
    check_lang(lang)
    out = outputs.check_out_dir(out_dir)
    forms = [(table, outputs.output_path(out, template_name(table, lang=lang))) for table in template_tables()]
    if there := [name for table, path in forms if (name := _ledger_there(out, table, path))]:
        msg = (f"{out}: 已有 {there[0]} 等台账，空白模板会覆盖它们或与它们重复，请换一个文件夹 / "
               f"{counted(len(there), 'ledger', 'ledgers')} already there ({', '.join(there[:3])}"
               f"{' …' if len(there) > 3 else ''}): a blank form would replace one or stand beside it as a second "
               "file of its table; write the forms to another folder.")
        raise OutputError(msg)
    return {table.name: outputs.save_workbook(template_workbook(table, lang=lang), path) for table, path in forms}


def _ledger_there(out: Path, table: Table, form: Path) -> str | None:
    """The name of a file in ``out`` that holds ``table`` already (the ``form`` itself, or a
    ledger under another name that linli reads as it): a filled form is never replaced by a
    blank one, nor given a blank twin that linli could not tell from it."""
    if form.exists():
        return form.name
    try:
        found = io.find_table_files(out, table)
    except InputError:  # two files already: it holds the table
        return table_label(table.name)
    return found[0].name if found else None


# ------------------------------------------------------------------ filled forms


def _date_cell(text: str) -> object:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return text


def ledger_frame(
    frame: pd.DataFrame, table: Table, *, communities: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """Return canonical cells (text, as the contract's CSV holds them) as a clerk types them.

    Codes become their Chinese labels, lists are joined with ``、``, ``true``/``false``
    become 是/否, dates become dates (Excel date cells), numbers become numbers,
    community ids become the names in ``communities`` (id -> Chinese name). Columns
    keep their canonical names; empty cells are None. ``lon``/``lat`` pass through.

    >>> f = pd.DataFrame({"case_id": ["m1"], "community_id": ["xiangbei"], "received_on": ["2024-03-05"],
    ...                   "mediators": ["police;grid_worker"], "outcome": ["resolved"]})
    >>> ledger_frame(f, contract.table("mediation_cases"), communities={"xiangbei": "湘北社区"}).iloc[0].tolist()
    ['m1', '湘北社区', datetime.date(2024, 3, 5), '民警、网格员', '调解成功']
    >>> ledger_frame(pd.DataFrame({"q_overall": ["4", ""]}), contract.table("survey_responses"))["q_overall"].tolist()
    [4, None]
    """
    out: dict[str, list[object]] = {}
    columns = {c.name: c for c in (*table.columns, *contract.POINT_COLUMNS)}
    for name in frame.columns:
        col = columns.get(str(name))
        values = frame[name].astype(object).where(frame[name].notna(), None)
        text = [None if v is None or str(v) == "" else str(v) for v in values]
        if col is None:
            out[str(name)] = text
        elif col.kind == "code" and col.codes:
            out[col.name] = [None if v is None else col.codes.get(v, v) for v in text]
        elif col.kind == "list" and col.codes:
            out[col.name] = [None if v is None else "、".join(col.codes.get(i, i) for i in v.split(contract.LIST_SEP))
                             for v in text]
        elif col.kind == "bool":
            out[col.name] = [None if v is None else ("是" if v.casefold() in ("true", "1") else "否") for v in text]
        elif col.kind == "date":
            out[col.name] = [None if v is None else _date_cell(v[:10]) for v in text]
        elif col.kind == "int":
            out[col.name] = [None if v is None else int(float(v)) for v in text]
        elif col.kind == "float":
            out[col.name] = [None if v is None else float(v) for v in text]
        elif col.ref == "communities" and communities:
            out[col.name] = [None if v is None else communities.get(v, v) for v in text]
        else:
            out[col.name] = text
    # object columns: a column of whole numbers with an empty cell stays whole numbers (not 1.0)
    return pd.DataFrame({name: pd.Series(values, index=frame.index, dtype=object) for name, values in out.items()},
                        columns=[str(c) for c in frame.columns])


def fill_template(
    frame: pd.DataFrame,
    table: Table,
    path: Path | str,
    *,
    lang: str = "zh",
    communities: Mapping[str, str] | None = None,
) -> Path:
    """Write ``table``'s form with ``frame``'s records typed in as a clerk types them (:func:`ledger_frame`).

    ``frame`` holds canonical cells under the contract's column names (``lon``/``lat``
    for points); a column the form does not have is left out.
    """
    wb = template_workbook(table, lang=lang)
    ws = wb.worksheets[0]
    columns = [c.name for c in template_columns(table)]
    cells = ledger_frame(frame.reindex(columns=columns), table, communities=communities)
    for row in cells.itertuples(index=False):
        ws.append([None if v is None or (isinstance(v, float) and pd.isna(v)) else v for v in row])
    return outputs.save_workbook(wb, path)
