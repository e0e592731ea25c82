"""``OUT/<year>/indicators.xlsx``: a sheet per dimension, names in both languages, units,
every unit's value, interval and status, frozen headers, number formats, no formulas, and
the same bytes for the same results.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from linli.errors import LinliError
from linli.workbook import write_indicators_workbook

NAN = np.nan


def frames() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    indicators = pd.DataFrame({
        "unit_id": ["a", "b", "z", "a", "b", "z", "a"],
        "unit_type": ["community", "community", "zone"] * 2 + ["community"],
        "year": [2024] * 6 + [2023],
        "indicator": ["volunteers"] * 3 + ["overall_satisfied_pct"] * 3 + ["volunteers"],
        "value": [120.0, 80.0, 200.0, 82.25, 90.0, 86.0, 99.0],
        "ci_low": [NAN, NAN, NAN, 76.1, 85.5, 83.0, NAN],
        "ci_high": [NAN, NAN, NAN, 86.7, 93.2, 88.9, NAN],
    })
    progress = pd.DataFrame({"unit_id": ["a", "b"], "indicator": ["overall_satisfied_pct"] * 2, "year": [2024, 2024],
                             "status": ["substantial_progress", "deterioration"]})
    units = pd.DataFrame({"unit_id": ["z", "a", "b"], "unit_type": ["zone", "community", "community"],
                          "name_zh": ["人民街道", "甲社区", "=乙社区"], "name_en": ["Renmin Street", "A", pd.NA]})
    return indicators, progress, units


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_indicators_workbook(*frames(), tmp_path_factory.mktemp("xlsx") / "indicators.xlsx", year=2024,
                                     as_of="2024-12-31")


def row_of(ws: openpyxl.worksheet.worksheet.Worksheet, indicator: str) -> list[object]:
    return next([c.value for c in row] for row in ws.iter_rows(min_row=3) if row[0].value == indicator)


def test_one_sheet_per_dimension_named_in_both_languages(workbook: Path) -> None:
    wb = openpyxl.load_workbook(workbook)
    assert wb.sheetnames == ["概况 Profile", "五社联动 Five-society linkage", "邻治 Participation", "邻和 Mediation",
                             "邻助 Aid", "邻乐 Culture", "满意度 Satisfaction"]


def test_headers_are_two_frozen_rows_with_each_units_columns(workbook: Path) -> None:
    ws = openpyxl.load_workbook(workbook)["满意度 Satisfaction"]
    assert ws.freeze_panes == "F3"  # two header rows and the five columns of the indicator stay in view
    assert [ws.cell(1, j).value for j in range(1, 6)] == ["指标代码", "指标名称", "英文名称", "单位", "方向"]
    # communities first in the table's order (a, b), then the zone; 4 columns each from F (6)
    # a name that starts like a formula shows as it is, stored as text with the quote prefix
    assert [ws.cell(1, j).value for j in (6, 10, 14)] == ["甲社区 A", "=乙社区", "人民街道 Renmin Street"]
    assert ws.cell(1, 10).data_type == "s" and ws.cell(1, 10).quotePrefix and not ws.cell(1, 6).quotePrefix
    assert ws.cell(1, 10).font.b  # in the header's style otherwise
    assert "F1:I1" in {str(r) for r in ws.merged_cells.ranges}
    assert [ws.cell(2, j).value for j in range(6, 10)] == ["值 Value", "95%下限 95% low", "95%上限 95% high", "进展 Progress"]


def test_values_intervals_statuses_and_number_formats(workbook: Path) -> None:
    wb = openpyxl.load_workbook(workbook)
    sat = row_of(wb["满意度 Satisfaction"], "overall_satisfied_pct")
    assert sat[1:5] == ["总体满意率", "Satisfied overall", "%", "越高越好 / Higher is better"]  # the catalogue's names, unit, direction
    assert sat[5:9] == [82.25, 76.1, 86.7, "显著进展 / Substantial progress"]
    assert sat[9:13] == [90.0, 85.5, 93.2, "退步 / Deterioration"]
    assert sat[13:17] == [86.0, 83.0, 88.9, None]  # the zone has no status here
    ws = wb["五社联动 Five-society linkage"]
    vol = row_of(ws, "volunteers")
    assert vol[5:17] == [120.0, None, None, None, 80.0, None, None, None, 200.0, None, None, None]  # 2024, not 2023
    cells = next(r for r in ws.iter_rows(min_row=3) if r[0].value == "volunteers")
    assert cells[5].number_format == "#,##0"  # 120: a whole number
    assert next(r for r in wb["满意度 Satisfaction"].iter_rows(min_row=3)
                if r[0].value == "overall_satisfied_pct")[5].number_format == "#,##0.0"  # 82.25
    assert row_of(ws, "social_orgs")[5] is None  # an indicator without values keeps its row, empty


def test_no_cell_is_a_formula(workbook: Path) -> None:
    wb = openpyxl.load_workbook(workbook)
    assert not [c.coordinate for ws in wb for row in ws.iter_rows() for c in row if c.data_type == "f"]


def test_same_results_give_the_same_bytes_dated_as_of(workbook: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    again = write_indicators_workbook(*frames(), tmp_path / "again.xlsx", year=2024, as_of="2024-12-31")
    assert again.read_bytes() == workbook.read_bytes()
    with zipfile.ZipFile(again) as z:
        assert {i.date_time for i in z.infolist()} == {(2024, 12, 31, 0, 0, 0)}
    assert openpyxl.load_workbook(again).properties.created.isoformat() == "2024-12-31T00:00:00"


def test_without_progress_the_status_columns_are_empty(tmp_path: Path) -> None:
    indicators, progress, units = frames()
    path = write_indicators_workbook(indicators, progress.iloc[0:0], units, tmp_path / "x.xlsx", year=2024)
    sat = row_of(openpyxl.load_workbook(path)["满意度 Satisfaction"], "overall_satisfied_pct")
    assert sat[5:9] == [82.25, 76.1, 86.7, None] and sat[8::4] == [None, None, None]
    no_status = progress.assign(status=pd.NA)  # rows without a status: the same empty columns
    path = write_indicators_workbook(indicators, no_status, units, tmp_path / "y.xlsx", year=2024)
    assert row_of(openpyxl.load_workbook(path)["满意度 Satisfaction"], "overall_satisfied_pct")[8::4] == [None] * 3


def test_a_year_without_values_is_named(tmp_path: Path) -> None:
    with pytest.raises(LinliError, match=r"No indicator values for 2030 .* years present: 2023, 2024"):
        write_indicators_workbook(*frames(), tmp_path / "x.xlsx", year=2030)
    assert not (tmp_path / "x.xlsx").exists()


def test_text_cells_wrap_so_that_excel_shows_them_whole(workbook: Path) -> None:
    # The names run longer than their columns (26 and 30 characters wide; "每千户居民诉求数（件/千户）"
    # and its English name are not): without wrapping, Excel cuts a text at the next filled cell.
    ws = openpyxl.load_workbook(workbook)["满意度 Satisfaction"]
    texts = [cell for row in ws.iter_rows(min_row=3) for cell in row if isinstance(cell.value, str)]
    assert texts  # names, units, statuses
    assert all(cell.alignment.wrap_text for cell in texts), [c.coordinate for c in texts if not c.alignment.wrap_text]
    assert all(cell.alignment.vertical == "top" for cell in texts)  # a row's cells read from the same line


def test_units_past_a_worksheets_columns_continue_on_another_sheet(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    # Excel's sheet holds 16,384 columns: 5 for the indicator and 4 per unit leave room for 4,094
    # units, fewer than a province's communities. Here a sheet holds 5 + 2 × 4 = 13 columns: the
    # communities a and b on the first sheet, the zone on a second, after the indicator's columns
    import linli.workbook as w

    monkeypatch.setattr(w, "MAX_COLUMNS", 13)
    path = write_indicators_workbook(*frames(), tmp_path / "indicators.xlsx", year=2024, as_of="2024-12-31")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[:4] == ["概况 Profile", "概况 Profile (2)", "五社联动 Five-society linkage",
                                 "五社联动 Five-society linkage (2)"] and len(wb.sheetnames) == 14
    first, second = wb["五社联动 Five-society linkage"], wb["五社联动 Five-society linkage (2)"]
    assert first.max_column == 13 and [first.cell(1, j).value for j in (6, 10)] == ["甲社区 A", "=乙社区"]
    assert [second.cell(1, j).value for j in range(1, 7)] == ["指标代码", "指标名称", "英文名称", "单位", "方向",
                                                              "人民街道 Renmin Street"]
    assert second.max_column == 9 and second.freeze_panes == "F3" and "F1:I1" in {str(r) for r in second.merged_cells.ranges}
    assert row_of(first, "volunteers")[5] == 120.0 and row_of(first, "volunteers")[9] == 80.0
    assert row_of(second, "volunteers")[5] == 200.0  # the zone's value, beside the indicator's columns


def test_units_names_merged_as_openpyxl_merges_them_give_the_same_bytes(tmp_path: Path) -> None:
    from openpyxl.cell.cell import MergedCell
    from openpyxl.styles import Font
    from openpyxl.worksheet.cell_range import CellRange

    from linli.outputs import save_workbook, style_cell
    from linli.workbook import _merge

    sheets: dict[str, object] = {}

    def book(merge: object) -> Path:
        wb = openpyxl.Workbook()
        ws = wb.active
        for col, name in ((6, "甲社区"), (10, "乙社区")):  # a unit's name over its four columns, as the workbook does
            ws.cell(row=1, column=col, value=name)
        merge(ws, [CellRange(min_row=1, min_col=c, max_row=1, max_col=c + 3) for c in (6, 10)])
        looks: dict[str, object] = {}
        for row in ws.iter_rows(min_row=1, max_row=2):
            for cell in row:
                style_cell(cell, looks, "header", font=Font(bold=True))
        sheets[merge.__name__] = ws  # type: ignore[attr-defined]
        return save_workbook(wb, tmp_path / f"{merge.__name__}.xlsx")  # type: ignore[attr-defined]

    def merge_cells(ws: object, ranges: list[object]) -> None:
        for cells in ranges:
            ws.merge_cells(cells.coord)  # type: ignore[attr-defined]

    ours, theirs = book(_merge), book(merge_cells)
    assert ours.read_bytes() == theirs.read_bytes()
    ws = sheets["_merge"]  # as made, before any reading back (which makes merged cells of its own)
    assert sorted(str(r) for r in ws.merged_cells.ranges) == ["F1:I1", "J1:M1"]  # type: ignore[attr-defined]
    assert all(isinstance(ws.cell(1, c), MergedCell) for c in (7, 8, 9, 11, 12, 13))  # type: ignore[attr-defined]


def test_each_sheet_prints_landscape_on_a4_one_page_wide_with_its_headers_on_every_page(workbook: Path) -> None:
    # 7 sheets of at most 14 rows printed as 49 pages (the columns of 5 units over 7 pages each)
    wb = openpyxl.load_workbook(workbook)
    for ws in wb:
        setup = ws.page_setup
        assert (setup.orientation, setup.paperSize, setup.fitToWidth, setup.fitToHeight) == ("landscape", 9, 1, 0), ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage is True
        assert ws.print_title_rows == "$1:$2"  # the unit's name and the column names
        assert ws.print_title_cols == "$A:$B"  # the indicator's id and Chinese name
        assert (ws.page_margins.left, ws.page_margins.right) == (0.4, 0.4)


def test_directions_are_words_in_both_languages(workbook: Path) -> None:
    wb = openpyxl.load_workbook(workbook)
    assert row_of(wb["满意度 Satisfaction"], "overall_satisfied_pct")[4] == "越高越好 / Higher is better"  # up
    assert row_of(wb["邻和 Mediation"], "mediation_median_days")[4] == "越低越好 / Lower is better"  # down
    assert row_of(wb["五社联动 Five-society linkage"], "volunteers")[4] == "仅作参考 / Context, not scored"  # context
    codes = {row[4].value for ws in wb for row in ws.iter_rows(min_row=3)}
    assert not codes & {"up", "down", "context"}


def test_rows_are_as_high_as_their_longest_text_and_ids_do_not_wrap(workbook: Path) -> None:
    # Widths: id as the sheet's longest + 2, names 20 and 24, unit 14, direction 20; per unit 10, 10, 10, 22.
    # A line is 16 pt; one character of a width is the cell's margin, a Chinese character takes two.
    wb = openpyxl.load_workbook(workbook)
    ws = wb["满意度 Satisfaction"]
    assert ws.column_dimensions["A"].width == len("participation_satisfied_pct") + 2  # 29
    assert [ws.column_dimensions[c].width for c in "BCDEFGHI"] == [20, 24, 14, 20, 10, 10, 10, 22]
    # row 1: "甲社区 A" (8) in the four merged columns (52), one line; row 2: "95%下限 95% low" (14) in 10
    # wraps after "95%下限" (7 of 9)
    assert ws.row_dimensions[1].height == 16 and ws.row_dimensions[2].height == 32
    # overall_satisfied_pct: "越高越好 / Higher is" (17 + 3 = 20 > 19) and "显著进展 / Substantial" (22 > 21)
    # take two lines each; nothing takes three
    overall = next(r[0].row for r in ws.iter_rows(min_row=3) if r[0].value == "overall_satisfied_pct")
    assert ws.row_dimensions[overall].height == 32
    # "Social organisations per 10,000 permanent residents" in 24: "Social organisations" (20; + " per"
    # is 24 > 23), "per 10,000 permanent" (20; + " residents" is 30), "residents": three lines
    wushe = wb["五社联动 Five-society linkage"]
    row = next(r[0].row for r in wushe.iter_rows(min_row=3) if r[0].value == "social_orgs_per_10k")
    assert wushe.row_dimensions[row].height == 48
    assert wushe.column_dimensions["A"].width == len("volunteer_hours_per_volunteer") + 2


def test_lines_of_a_wrapped_text() -> None:
    from linli.workbook import _lines

    assert _lines("Residents", 10) == 1  # 9 characters in 9
    assert _lines("Residents!", 10) == 2  # a word longer than a line is broken
    assert _lines("人民路社区 Renminlu", 52) == 1
    assert _lines("每万常住人口社会组织数", 20) == 2  # 22 in 19
    assert _lines("越低越好 / Lower is better", 20) == 2  # "越低越好 / Lower is" is 19
    assert _lines("a\nb", 20) == 2
