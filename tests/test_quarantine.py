"""Tests of linli.quarantine: the quarantine a clerk opens (BOM CSV, quarantine.xlsx) and its one-line summary."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from linli.dataset import load_dataset, save_dataset
from linli.quarantine import NOT_LISTED_SHEET, XLSX_HEADERS, quarantine_sheets
from linli.validate import QUARANTINE_COLUMNS

from . import ledger

AS_OF = "2025-01-31"
KEY = b"test-key-quarantine"


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[pd.DataFrame, Path, pd.DataFrame]:
    data = tmp_path_factory.mktemp("ledger")
    ledger.write_ledger(data, fmt="xlsx")
    ds = load_dataset(data, as_of=AS_OF, key=KEY)
    out = tmp_path_factory.mktemp("out")
    save_dataset(ds, out)
    return ds.quarantine, out, ds.tables["communities"]


def test_csv_has_a_bom_and_today_columns_first(written) -> None:
    q, out, _ = written
    raw = (out / "quarantine.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the UTF-8 byte-order mark
    header = raw[3:].split(b"\n", 1)[0].decode("utf-8").split(",")
    assert header == QUARANTINE_COLUMNS
    assert header[:9] == ["table", "file", "row", "column", "rule", "value", "message_zh", "message_en", "outcome"]
    assert "2024年 纠纷调解台账.xlsx".encode() in raw  # a Chinese file name reads back as itself


def test_xlsx_one_sheet_per_file_with_chinese_headers(written) -> None:
    q, out, _ = written
    wb = openpyxl.load_workbook(out / "quarantine.xlsx")
    files = sorted(set(q["file"]))
    assert len(files) > 1 and len(wb.sheetnames) == len(files)  # one sheet per source file
    for name in wb.sheetnames:
        ws = wb[name]
        assert [c.value for c in ws[1]] == list(XLSX_HEADERS)
        assert ws.freeze_panes == "A2"
        assert all(ws.column_dimensions[c].width >= 6 for c in "ABCDEFGHIJ")
    # every quarantine line is a row of the workbook, on its file's sheet, with its row number
    rows = [(ws.title, r[1], r[2]) for ws in wb.worksheets for r in ws.iter_rows(min_row=2, values_only=True)]
    assert len(rows) == len(q)
    assert sorted((f, int(r)) for _, f, r in rows) == sorted(zip(q["file"], q["row"].astype(int), strict=True))
    assert all(Path(f).stem.startswith(t[:20]) for t, f, _ in rows)


def test_xlsx_row_of_a_wrong_code(written) -> None:
    _, out, _ = written
    wb = openpyxl.load_workbook(out / "quarantine.xlsx")
    found = [r for ws in wb.worksheets for r in ws.iter_rows(min_row=2, values_only=True) if r[8] == "m14"]
    assert len(found) == 1
    table, _file, row, column, problem, _value, message, community, record, outcome = found[0]
    # the contract's headers: mediation_cases is 矛盾纠纷调解, its mediators column 参与调解力量
    assert (table, column, problem, community, outcome) == ("矛盾纠纷调解", "参与调解力量", "不是可选的值", "湘北社区",
                                                            "未载入")
    # 参与调解力量 is the ledger's 7th column (案件编号, 社区, 小区, 受理日期, 办结日期, 纠纷类型, 参与调解力量): G
    assert isinstance(row, int) and message.startswith(f"第{row}行 G列 “参与调解力量”: 第 2 项不是可选的值")


def test_one_file_one_sheet_and_titles_are_safe() -> None:
    line = ["population", "人口[2024]:统计?.xlsx", 3, "households", "below_minimum", "0", "…", "…", "quarantined",
            "renminlu", ""]
    q = pd.DataFrame([line], columns=QUARANTINE_COLUMNS)
    assert list(quarantine_sheets(q)) == ["隔离记录"]
    two = pd.DataFrame([line, [*line[:1], "b.csv", *line[2:]]], columns=QUARANTINE_COLUMNS)
    # the characters []:*? may not stand in a sheet title; the sheets come in file order
    assert list(quarantine_sheets(two)) == ["b", "人口_2024__统计_"]


def test_sheet_titles_differ_as_excel_compares_them() -> None:
    """Excel takes 'A' and 'a' for one sheet (it asks to repair such a workbook), and the
    sheet that counts the lines left out of a full sheet is 未全部列出: a file of either
    name has a sheet of its own."""
    line = ["population", "", 3, "households", "below_minimum", "0", "…", "…", "quarantined", "renminlu", ""]
    files = ["Pop.csv", "pop.xlsx", "未全部列出.csv"]
    q = pd.DataFrame([[*line[:1], f, *line[2:]] for f in files], columns=QUARANTINE_COLUMNS)
    # in sorted file order: Pop, then pop (taken, as Excel compares: pop(2)), then 未全部列出 (reserved)
    assert list(quarantine_sheets(q)) == ["Pop", "pop(2)", f"{NOT_LISTED_SHEET}(2)"]


def test_a_long_file_name_wraps_so_that_its_sheet_shows(tmp_path: Path) -> None:
    from linli.quarantine import save_quarantine

    line = ["mediation_cases", "2024年矛盾纠纷调解台账.xlsx [矛盾纠纷调解]", 5, "received_on", "not_a_date", "45356",
            "第5行 …", "row 5, …", "quarantined", "", "m3"]
    save_quarantine(pd.DataFrame([line], columns=QUARANTINE_COLUMNS), tmp_path)
    ws = openpyxl.load_workbook(tmp_path / "quarantine.xlsx")["隔离记录"]
    assert ws["B1"].value == "文件" and ws["B2"].alignment.wrap_text
    # 2024 (4) + 年矛盾纠纷调解台账 (9 wide characters: 18) + .xlsx (5) + a space (1) + [] (2) + 矛盾纠纷调解 (6: 12)
    # = 42 columns of text in a column 30 wide (its cap): two lines of 16 points, not one cut at 矛盾纠纷调;
    # the value 45356 (5) in its column fitted to 原值 (4) + 2 = 7 is one line, not five
    assert ws.column_dimensions["B"].width == 30
    assert ws.row_dimensions[2].height == 2 * 16


def test_same_content_same_bytes(written, tmp_path: Path) -> None:
    q, out, communities = written
    from linli.quarantine import save_quarantine

    again = save_quarantine(q, tmp_path, communities=communities)
    assert again["quarantine_xlsx"].read_bytes() == (out / "quarantine.xlsx").read_bytes()


def test_index_page_links_the_quarantine_with_its_count(tmp_path: Path) -> None:
    from linli.reporting.index_page import write_index

    book = tmp_path / "data" / "quarantine.xlsx"
    page = write_index([], tmp_path, year=2024, lang="zh", title="t", quarantine=(book, 13)).read_text(encoding="utf-8")
    assert '<a href="data/quarantine.xlsx">' in page and "13 行台账记录未载入" in page
    page = write_index([], tmp_path, year=2024, lang="en", title="t", quarantine=(book, 13)).read_text(encoding="utf-8")
    assert "Data check: 13 ledger rows left out" in page
    page = write_index([], tmp_path, year=2024, lang="en", title="t", quarantine=(book, 1)).read_text(encoding="utf-8")
    assert "Data check: 1 ledger row left out" in page


def test_a_sheet_lists_at_most_its_cap_and_a_first_sheet_counts_the_rest(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    # a ledger whose every row breaks a rule gives a line per row: millions at a province's
    # size, past the 1,048,575 rows a sheet holds. Here the cap is 2 lines: the services
    # file's 5 lines (4 bad dates, 1 bad number) show 2, and the first sheet counts all 5
    import linli.quarantine as quarantine

    monkeypatch.setattr(quarantine, "XLSX_MAX_LINES", 2)

    def line(file: str, row: int, column: str, rule: str) -> list[object]:
        return ["services", file, row, column, rule, "x", "…", "…", "quarantined", "c0001", f"s{row}"]

    q = pd.DataFrame([*(line("services.csv", r, "date", "not_a_date") for r in (2, 3, 4, 5)),
                      line("services.csv", 6, "minutes", "not_a_number"), line("population.csv", 2, "year", "not_a_number")],
                     columns=QUARANTINE_COLUMNS)
    written = quarantine.save_quarantine(q, tmp_path)
    assert len(pd.read_csv(written["quarantine"], encoding="utf-8-sig")) == 6  # the CSV has every line
    wb = openpyxl.load_workbook(written["quarantine_xlsx"])
    assert wb.sheetnames == ["未全部列出", "population", "services"]
    assert [r[2] for r in wb["services"].iter_rows(min_row=2, values_only=True)] == [2, 3]  # the first 2, in order
    assert wb["population"].max_row == 2  # a file under the cap: its line, whole
    counted = list(wb["未全部列出"].iter_rows(min_row=4, values_only=True))
    # services: 5 in all; by column and problem (the contract's Chinese headers and the rules'
    # Chinese names, in their sort order): 4 dates that cannot be read, 1 minutes not a number
    assert counted == [("services", "（全部）", None, 5), ("services", "时长(分钟)", "不是数字", 1),
                       ("services", "服务日期", "日期无法识别", 4)]
    assert "quarantine.csv" in wb["未全部列出"]["A1"].value


# ------------------------------------------------ long sheets, written at once

# values openpyxl writes in its own ways: character references past ASCII (a Chinese
# character, an emoji), escapes (& < > and a carriage return), a kept space at either end
# (the ideographic space too), a formula made text, a number with its sign, a line break
_TRICKY = ["人民路", "😀 ok", 'a&b<c>"d\'', "两行\r\n文字", " x", "y\u3000", "=SUM(A1)", "-3.5", "\t缩进", "",
           "‹文字，16 字› #9f4b16a0", "很长的说明：" + "调解结果不是可选的值，" * 12, "-", "@SUM(1)"]


def _lines(file: str, n: int, *, odd: str | None = None) -> list[list[object]]:
    lines = []
    for i in range(n):
        value = _TRICKY[i % len(_TRICKY)]
        message = f"第{i + 2}行 D列 “服务日期”: {value}" if i % 3 else "很长的一句说明，" * (i % 7)
        lines.append(["services", file, i + 2, "date", "not_a_date", value if odd is None or i != 5 else odd,
                      message, "…", "quarantined", None if i % 4 == 0 else "c0001", f"s{i}"])
    return lines


@pytest.mark.parametrize("odd", [None, "#N/A"], ids=["text", "an error code"])
def test_lines_written_at_once_are_the_bytes_openpyxl_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             odd: str | None) -> None:
    # past its first line, a sheet's lines are written as XML at once (100,000 lines: 24 s
    # through openpyxl's cells); the file must be the one openpyxl writes of the same lines,
    # byte for byte: with a sheet cut at the cap (so that the sheet counting the rest comes
    # first, its styles first), lines whose rows are taller (wrapped text), empty cells, and
    # (second case) a value openpyxl stores as an error, which hands that sheet back to it
    import linli.quarantine as quarantine

    monkeypatch.setattr(quarantine, "XLSX_MAX_LINES", 30)
    q = pd.DataFrame([*_lines("services.csv", 45, odd=odd), *_lines("服务台账.csv", 20)], columns=QUARANTINE_COLUMNS)
    made: list[object] = []
    real = quarantine.rows_xml
    monkeypatch.setattr(quarantine, "rows_xml", lambda *a, **k: made.append(real(*a, **k)) or made[-1])
    fast = quarantine.save_quarantine(q, tmp_path / "fast")["quarantine_xlsx"].read_bytes()
    # two sheets, 30 and 20 lines: their lines after the first were written at once, except
    # (second case) the services sheet's (the first, in file order), which hold #N/A
    assert [r is not None for r in made] == ([True, True] if odd is None else [False, True])
    monkeypatch.setattr(quarantine, "rows_xml", lambda *a, **k: None)  # openpyxl writes every line
    slow = quarantine.save_quarantine(q, tmp_path / "slow")["quarantine_xlsx"].read_bytes()
    assert fast == slow
    wb = openpyxl.load_workbook(tmp_path / "fast" / "quarantine.xlsx")
    assert wb.sheetnames == [NOT_LISTED_SHEET, "services", "服务台账"]
    ws = wb["services"]
    assert ws.max_row == 31 and ws.auto_filter.ref == "A1:J31"
    assert [c.value for c in ws[4]][:3] == ["服务记录", "services.csv", 4]  # the services table by its Chinese name; spreadsheet row 4
    # _TRICKY[2] on the third line, as typed; the formula kept as typed, made text with the
    # quote prefix (the cell does not show it; a spreadsheet does not run it, not even when
    # the cell is edited), in the column's style otherwise; a number with its sign as it is
    assert ws["F4"].value == 'a&b<c>"d\'' and ws["F4"].alignment.wrap_text and not ws["F4"].quotePrefix
    assert ws["F8"].value == "=SUM(A1)" and ws["F8"].data_type == "s" and ws["F8"].quotePrefix
    assert ws["F8"].alignment.wrap_text and ws["F8"]._style.fontId == ws["F4"]._style.fontId
    assert ws["F9"].value == "-3.5" and not ws["F9"].quotePrefix
    assert [ws[f"F{r}"].value for r in (10, 14, 15)] == ["\t缩进", "-", "@SUM(1)"]  # _TRICKY[8], [12], [13]
    assert all(ws[f"F{r}"].quotePrefix for r in (10, 14, 15))


def test_a_first_line_that_starts_as_a_formula_leaves_the_others_plain(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    # the first line is written by openpyxl and lends its cells' styles to the lines written
    # at once; its value "=1" takes the quote prefix, which must not pass to "x" below it
    import linli.quarantine as quarantine

    q = pd.DataFrame([["services", "services.csv", r, "date", "not_a_date", v, "…", "…", "quarantined", None, "s"]
                      for r, v in ((2, "=1"), (3, "x"), (4, "+2-"))], columns=QUARANTINE_COLUMNS)
    fast = quarantine.save_quarantine(q, tmp_path / "fast")["quarantine_xlsx"].read_bytes()
    monkeypatch.setattr(quarantine, "rows_xml", lambda *a, **k: None)  # openpyxl writes every line
    slow = quarantine.save_quarantine(q, tmp_path / "slow")["quarantine_xlsx"].read_bytes()
    assert fast == slow
    ws = openpyxl.load_workbook(tmp_path / "fast" / "quarantine.xlsx").worksheets[0]  # one file: one sheet
    assert [(ws[f"F{r}"].value, ws[f"F{r}"].quotePrefix) for r in (2, 3, 4)] == [("=1", True), ("x", False), ("+2-", True)]


def test_a_value_openpyxl_would_not_write_as_text_is_left_to_it() -> None:
    from linli._xlsx_rows import rows_xml

    cell = openpyxl.Workbook().active["A1"]
    # an error code, a control character, too long, no character at all (a lone surrogate)
    for value in ("#DIV/0!", "a\x01b", "x" * 32_768, "\ud800", True):  # and a boolean (t="b")
        assert rows_xml(["A"], [[value]], first_row=2, styled=[cell], heights=[None]) is None, repr(value)
    assert rows_xml(["A"], [["x" * 32_767, 5, None]], first_row=2, styled=[cell], heights=[None] * 3) is not None


def test_a_repeated_value_is_shown_as_it_would_be_alone() -> None:
    # a column typed wrong repeats its values: each distinct value is checked and masked once,
    # and every line shows what that value alone would show, in each language
    from linli.contract import table
    from linli.validate import _shown

    col = table("services").column("service_type")
    values = pd.Series(["助餐", "13912345678", "助餐", "", "xyz", "13912345678", "xyz", "张小明"], index=range(10, 18))
    together = _shown(values, col, KEY, set())
    for lang, shown in together.items():
        alone = [_shown(pd.Series([v]), col, KEY, set())[lang].iloc[0] for v in values]
        assert shown.tolist() == alone and shown.index.equals(values.index)
        assert not any("1391234" in v or "张" in v for v in shown)  # a phone and a name never show


def test_findings_made_into_lines_a_part_at_a_time_give_the_same_quarantine(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    # a ledger typed wrong throughout gives a line per row; its lines are made a part at a
    # time (here 3 findings) so that their words are never all Python objects at once. The
    # quarantine is the one made at once: the same lines, in file, row, column and rule order
    import linli.validate as validate

    data = tmp_path / "ledger"
    data.mkdir()
    ledger.write_ledger(data, fmt="csv")
    whole = load_dataset(data, as_of=AS_OF, key=KEY).quarantine
    monkeypatch.setattr(validate, "QUARANTINE_PART", 3)
    parts = load_dataset(data, as_of=AS_OF, key=KEY).quarantine
    assert len(whole) > 3 * 3  # several tables' findings, some in several parts
    pd.testing.assert_frame_equal(parts, whole)


def test_no_line_gives_a_workbook_of_one_sheet_with_its_headers(tmp_path: Path) -> None:
    from linli.quarantine import save_quarantine

    written = save_quarantine(pd.DataFrame(columns=QUARANTINE_COLUMNS), tmp_path)
    wb = openpyxl.load_workbook(written["quarantine_xlsx"])
    assert wb.sheetnames == ["隔离记录"] and [c.value for c in wb["隔离记录"][1]] == list(XLSX_HEADERS)
    assert wb["隔离记录"].max_row == 1
    assert written["quarantine"].read_text(encoding="utf-8-sig") == ",".join(QUARANTINE_COLUMNS) + "\n"
