"""Tests of linli.template: the blank forms, a filled form loading as the canonical CSV does, planted errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pandas.testing as pdt
import pytest

from linli import contract, template
from linli.cli import main
from linli.dataset import load_dataset, save_dataset

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "raw"
KEY = b"test-key-template"


def test_a_form_per_table_with_headers_choices_dates_and_instructions(tmp_path: Path) -> None:
    written = template.write_templates(tmp_path)
    # every table but the boundaries, which stay GeoJSON, GeoPackage or Shapefile
    assert set(written) == set(contract.TABLES) - {"boundaries"}
    wb = openpyxl.load_workbook(written["mediation_cases"])
    assert wb.sheetnames == ["矛盾纠纷调解", "填写说明", "选项"]
    ws = wb["矛盾纠纷调解"]
    headers = [c.value for c in ws[1]]
    assert headers == ["案件编号", "社区", "小区", "受理日期", "办结日期", "纠纷类型", "参与调解力量", "调解结果"]
    assert ws.freeze_panes == "A2" and wb["选项"].sheet_state == "hidden"
    assert ws.column_dimensions["D"].number_format == "yyyy-mm-dd"  # 受理日期
    lists = {str(v.sqref).split(":")[0]: v for v in ws.data_validations.dataValidation}
    outcome = lists["H2"]  # 调解结果: a drop-down of the Chinese labels, kept on the hidden sheet
    column = outcome.formula1.split("$")[1]
    labels = [c.value for c in wb["选项"][column][1:] if c.value is not None]
    assert labels == list(contract.OUTCOMES.values()) and outcome.showErrorMessage
    assert not lists["G2"].showErrorMessage  # 参与调解力量 takes several, joined with 、
    guide = wb["填写说明"]
    rows = {r[0]: r for r in guide.iter_rows(values_only=True) if r[0] in headers}
    assert rows["受理日期"][2] == "必填" and "2024年3月5日" in rows["受理日期"][3]
    assert rows["办结日期"][2] == "可空"
    assert rows["调解结果"][4] == contract.OUTCOMES["resolved"]  # the example is a label
    # a total row is the one thing a clerk adds that is never a record: the form says to keep it out
    assert "不要在记录下面加合计行" in guide["A2"].value
    facilities = openpyxl.load_workbook(written["facilities"])
    assert [c.value for c in facilities.worksheets[0][1]][-2:] == ["经度", "纬度"]
    assert any("GeoJSON" in str(r[0]) for r in facilities["填写说明"].iter_rows(values_only=True))


def test_english_headers(tmp_path: Path) -> None:
    written = template.write_templates(tmp_path, lang="en")
    assert written["population"].name == "population.xlsx"
    ws = openpyxl.load_workbook(written["population"]).worksheets[0]
    assert [c.value for c in ws[1]] == [c.name for c in contract.table("population").columns]


def test_forms_are_the_same_bytes_each_run(tmp_path: Path) -> None:
    a = template.write_templates(tmp_path / "a")
    b = template.write_templates(tmp_path / "b")
    assert all(a[t].read_bytes() == b[t].read_bytes() for t in a)


def test_cli_template(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["template", "--out", str(tmp_path / "forms")]) == 0
    assert (tmp_path / "forms" / "矛盾纠纷调解.xlsx").is_file()
    assert "docs/data-contract.md" in capsys.readouterr().out
    (tmp_path / "file").write_text("x", encoding="utf-8")
    assert main(["template", "--out", str(tmp_path / "file")]) == 2


# ------------------------------------------------------------------ round trip


#: Records of each ledger taken from the demo (its first ones): enough for every kind of value, quick to write.
RECORDS = 300


def _canonical(table: str) -> pd.DataFrame:
    return pd.read_csv(DEMO / f"{table}.csv", dtype=str, keep_default_na=False).head(RECORDS)


def _points(layer: str) -> tuple[pd.DataFrame, dict]:
    """The point features of a demo layer as rows with lon/lat, and the layer kept to those features."""
    doc = json.loads((DEMO / f"{layer}.geojson").read_text(encoding="utf-8"))
    kept = [f for f in doc["features"] if f["geometry"]["type"] == "Point"]
    rows = [{**{k: ("" if v is None else str(v)) for k, v in f["properties"].items()},
             "lon": repr(f["geometry"]["coordinates"][0]), "lat": repr(f["geometry"]["coordinates"][1])} for f in kept]
    return pd.DataFrame(rows), {**doc, "features": kept}


@pytest.fixture(scope="module")
def round_trip(tmp_path_factory: pytest.TempPathFactory):
    """The demo as canonical files, and the same records typed into the forms.

    The first :data:`RECORDS` records of each table (references to the others are then
    unknown on both sides alike). Compound outlines (polygons) cannot go in a spreadsheet, so both sides keep the
    point compounds only (the cases of the others then miss their compound on both sides).
    """
    canonical = tmp_path_factory.mktemp("canonical")
    forms = tmp_path_factory.mktemp("forms")
    names = dict(_canonical("communities")[["community_id", "name_zh"]].to_numpy())
    for name in ("dataset.yaml", "boundaries.geojson"):
        shutil.copy(DEMO / name, canonical / name)
        shutil.copy(DEMO / name, forms / name)
    for table in template.template_tables():
        if table.is_geo:
            frame, layer = _points(table.name)
            (canonical / f"{table.name}.geojson").write_text(json.dumps(layer, ensure_ascii=False), encoding="utf-8")
        else:
            frame = _canonical(table.name)
            frame.to_csv(canonical / f"{table.name}.csv", index=False, encoding="utf-8", lineterminator="\n")
        template.fill_template(frame, table, forms / template.template_name(table), communities=names)
    return (load_dataset(canonical, key=KEY), load_dataset(forms, key=KEY), forms)


def test_filled_forms_load_exactly_as_the_canonical_files(round_trip) -> None:
    canonical, forms, _ = round_trip
    assert set(forms.tables) == set(canonical.tables) == set(contract.TABLES)
    for name, frame in canonical.tables.items():
        pdt.assert_frame_equal(forms.tables[name], frame, obj=name)
    columns = ["table", "row", "column", "rule", "value", "outcome", "community", "record_id"]
    pdt.assert_frame_equal(forms.quarantine[columns].reset_index(drop=True),
                           canonical.quarantine[columns].reset_index(drop=True))
    # the messages say the same, past the cell each names as its file shows it (a form has no personal
    # data columns and Chinese headers: 第4行 D列 “受理日期” in one, 第4行 D列 “received_on” in the other)
    # and a reference to a row left out names that row's file (困难群体名册.xlsx 第53行 in one,
    # vulnerable_residents.csv 第53行 in the other)
    cell, other = r"^第[0-9]+行 (?:[A-Z]+列 )?(?:“[^”]*”: )?", r"（[^（）]+ (第[0-9]+行)）"
    said = [q["message_zh"].str.replace(cell, "", regex=True).str.replace(other, r"（\1）", regex=True).tolist()
            for q in (forms.quarantine, canonical.quarantine)]
    assert said[0] == said[1]


PLANTED = [  # (table, 0-based record, column, value typed, rule it must land under)
    ("mediation_cases", 0, "outcome", "成功了", "unknown_code"),
    ("mediation_cases", 1, "mediators", "民警、居委会主任", "unknown_code"),
    ("mediation_cases", 2, "received_on", "去年春天", "not_a_date"),
    ("mediation_cases", 3, "compound_id", "a9", "unknown_reference"),
    ("mediation_cases", 4, "community_id", "幸福社区", "unknown_reference"),
    ("volunteers", 0, "registered_on", None, "missing_value"),
    ("volunteers", 1, "registered_on", "2031-01-01", "future_date"),
    ("population", 0, "households", 0, "below_minimum"),
    ("survey_responses", 0, "q_overall", 7, "above_maximum"),
    ("resident_requests", 0, "satisfied", "也许", "not_a_boolean"),
]


def test_ten_planted_errors_come_back_with_row_and_chinese_message(round_trip, tmp_path: Path) -> None:
    _, _, forms = round_trip
    data = tmp_path / "data"
    shutil.copytree(forms, data)
    for table, record, column, value, _ in PLANTED:
        spec = contract.table(table)
        path = data / template.template_name(spec)
        wb = openpyxl.load_workbook(path)
        ws = wb.worksheets[0]
        headers = [c.value for c in ws[1]]
        ws.cell(row=record + 2, column=headers.index(spec.column(column).label_zh) + 1).value = value
        wb.save(path)
    ds = load_dataset(data, key=KEY)
    save_dataset(ds, tmp_path / "out")
    book = openpyxl.load_workbook(tmp_path / "out" / "quarantine.xlsx")
    lines = [r for ws in book.worksheets for r in ws.iter_rows(min_row=2, values_only=True)]
    for table, record, column, _, rule in PLANTED:
        spec = contract.table(table)
        row = record + 2  # the header is row 1: the first record is row 2
        found = [r for r in lines if r[1] == template.template_name(spec) and r[2] == row
                 and r[3] == spec.column(column).label_zh]
        assert len(found) == 1, (table, row, column)
        message = found[0][6]
        form = openpyxl.load_workbook(data / template.template_name(spec)).worksheets[0]
        position = [c.value for c in form[1]].index(spec.column(column).label_zh) + 1
        letter = openpyxl.utils.get_column_letter(position)  # the cell as the clerk's Excel names it
        assert message.startswith(f"第{row}行 {letter}列 “{spec.column(column).label_zh}”")
        assert any("\u4e00" <= ch <= "\u9fff" for ch in message.split("”", 1)[1])  # Chinese words, not codes
        q = ds.quarantine
        assert ((q["table"] == table) & (q["row"] == row) & (q["rule"] == rule)).any(), (table, row, rule)
