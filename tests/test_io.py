"""Tests of linli.io: finding and reading table files (CSV, XLSX, GeoJSON, GPKG, Shapefile)."""

from __future__ import annotations

import datetime as dt
import json
import re
import warnings
import zipfile
from pathlib import Path

import geopandas as gpd
import openpyxl
import pandas as pd
import pytest
from shapely.geometry import Point, Polygon

from linli import contract
from linli._read import delimited
from linli.errors import InputError
from linli.io import RawTable, find_table_files, read_table, read_tables, read_yaml

VOLUNTEERS = contract.table("volunteers")
POPULATION = contract.table("population")
FACILITIES = contract.table("facilities")
COMPOUNDS = contract.table("compounds")
BOUNDARIES = contract.table("boundaries")


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def records(raw: RawTable) -> list[dict[str, object]]:
    return raw.frame.to_dict("records")


# ---------------------------------------------------------------------- CSV


def test_csv_utf8_values_stay_raw(tmp_path: Path) -> None:
    path = write(tmp_path / "volunteers.csv",
                 "volunteer_id,community_id,registered_on,team,remark\n"
                 "007,renmin, 2024/3/5 ,,note\n"
                 "v2,xiangbei,2024-03-06,巡逻队,\n")
    raw = read_table(path, VOLUNTEERS)
    assert raw.table == "volunteers"
    assert raw.file == "volunteers.csv"
    assert raw.encoding == "utf-8"
    assert raw.geometry is None and raw.crs is None
    # contract order: volunteer_id, community_id, team, ..., registered_on
    assert list(raw.frame.columns) == ["volunteer_id", "community_id", "team", "registered_on"]
    assert all(pd.api.types.is_string_dtype(dtype) for dtype in raw.frame.dtypes)  # text, never parsed
    assert records(raw) == [
        {"volunteer_id": "007", "community_id": "renmin", "team": None,
         "registered_on": " 2024/3/5 "},  # not stripped, not parsed: the validator's job
        {"volunteer_id": "v2", "community_id": "xiangbei", "team": "巡逻队",
         "registered_on": "2024-03-06"},
    ]
    assert raw.rows.tolist() == [2, 3]  # header is row 1
    assert raw.header_row == 1
    assert list(raw.rows.index) == list(raw.frame.index)
    assert raw.unknown_columns == ["remark"]


def test_csv_gbk_with_chinese_headers(tmp_path: Path) -> None:
    text = ("志愿者编号,所属社区,注册日期,姓名,电话\n"
            "v1,人民路社区,2024年3月5日,张三,13800000000\n")
    path = write(tmp_path / "volunteers.csv", text, "gbk")
    raw = read_table(path, VOLUNTEERS)
    assert raw.encoding == "gb18030"  # GB18030 is the superset that decodes GBK
    assert records(raw) == [{
        "volunteer_id": "v1", "community_id": "人民路社区", "registered_on": "2024年3月5日",
        "name": "张三", "phone": "13800000000",
    }]
    assert raw.unknown_columns == []


def test_csv_utf8_bom(tmp_path: Path) -> None:
    path = write(tmp_path / "volunteers.csv",
                 "志愿者编号,社区,注册日期\nv1,renmin,2024-03-05\n", "utf-8-sig")
    raw = read_table(path, VOLUNTEERS)
    assert raw.encoding == "utf-8-sig"
    # the BOM does not stick to the first header
    assert list(raw.frame.columns) == ["volunteer_id", "community_id", "registered_on"]


def test_csv_utf16_tab_separated(tmp_path: Path) -> None:
    # Excel's "Unicode text": UTF-16 with BOM, tab-separated
    path = write(tmp_path / "volunteers.csv",
                 "志愿者编号\t社区\t注册日期\nv1\trenmin\t2024-03-05\n", "utf-16")
    raw = read_table(path, VOLUNTEERS)
    assert raw.encoding == "utf-16"
    assert records(raw) == [{"volunteer_id": "v1", "community_id": "renmin",
                             "registered_on": "2024-03-05"}]


def test_csv_cannot_decode(tmp_path: Path) -> None:
    path = tmp_path / "volunteers.csv"
    path.write_bytes(b"volunteer_id\n\xff\x80\xff\n")  # invalid in UTF-8 and in GB18030
    with pytest.raises(InputError, match=r"^volunteers\.csv: cannot decode"):
        read_table(path, VOLUNTEERS)


def test_header_matching_folds_case_spaces_and_full_width(tmp_path: Path) -> None:
    path = write(tmp_path / "population.csv",
                 "Community_ID , YEAR,实有 人口,常住人口,户数,６５岁以上人口,残疾人数\n"
                 "renmin,2024,5200,4800,1800,900,\n")
    raw = read_table(path, POPULATION)
    assert list(raw.frame.columns) == ["community_id", "year", "residents",
                                       "resident_population", "households", "age_65_plus",
                                       "disabled"]
    assert raw.frame.loc[0, "age_65_plus"] == "900"
    assert raw.frame.loc[0, "disabled"] is pd.NA  # a blank cell is missing (NA in the Arrow strings of a plain CSV file)


def test_blank_rows_are_skipped_but_numbering_stays_true(tmp_path: Path) -> None:
    path = write(tmp_path / "volunteers.csv",
                 "\n"                                   # row 1: blank, before the header
                 "volunteer_id,community_id,registered_on\n"  # row 2: header
                 "v1,renmin,2024-03-05\n"               # row 3
                 "\n"                                   # row 4: blank line
                 ",,\n"                                 # row 5: every cell blank
                 " ,\u3000,\n"                          # row 6: white space only
                 "v2,,\n"                               # row 7: partly blank: kept
                 '"v3","renmin","2024-03-07"\n')        # row 8
    raw = read_table(path, VOLUNTEERS)
    assert raw.header_row == 2
    assert raw.rows.tolist() == [3, 7, 8]
    assert raw.frame["volunteer_id"].tolist() == ["v1", "v2", "v3"]
    assert raw.frame.loc[1, "registered_on"] is None  # blank: missing (None: this file takes the general path)


def test_title_rows_above_the_header_are_passed_over(tmp_path: Path) -> None:
    path = write(tmp_path / "volunteers.csv",
                 "2024年人民街道志愿者名册\n"      # row 1: a title, names no column
                 "填报单位：人民路社区,,\n"        # row 2: another note
                 "志愿者编号,社区,注册日期\n"      # row 3: the header
                 "v1,renmin,2024-03-05\n", "gbk")  # row 4
    raw = read_table(path, VOLUNTEERS)
    assert raw.header_row == 3
    assert raw.rows.tolist() == [4]
    assert raw.frame.loc[0, "volunteer_id"] == "v1"


def test_tab_separated_with_a_title_row(tmp_path: Path) -> None:
    path = write(tmp_path / "volunteers.csv",
                 "志愿者名册\n志愿者编号\t社区\t注册日期\nv1\trenmin\t2024-03-05\n")
    raw = read_table(path, VOLUNTEERS)
    assert (raw.header_row, raw.rows.tolist()) == (2, [3])
    assert raw.frame.loc[0, "registered_on"] == "2024-03-05"


def test_quoted_line_break_is_one_spreadsheet_row(tmp_path: Path) -> None:
    path = write(tmp_path / "volunteers.csv",
                 'volunteer_id,community_id,registered_on,team\n'
                 'v1,renmin,2024-03-05,"巡逻\n一队"\n'  # row 2 spans two lines of text
                 'v2,renmin,2024-03-06,\n')             # row 3
    raw = read_table(path, VOLUNTEERS)
    assert raw.rows.tolist() == [2, 3]
    assert raw.frame.loc[0, "team"] == "巡逻\n一队"


def test_header_only_is_an_empty_table(tmp_path: Path) -> None:
    path = write(tmp_path / "volunteers.csv", "volunteer_id,community_id,registered_on\n")
    raw = read_table(path, VOLUNTEERS)
    assert raw.frame.empty
    assert list(raw.frame.columns) == ["volunteer_id", "community_id", "registered_on"]
    assert raw.rows.tolist() == []


@pytest.mark.parametrize("content", [b"", b"\n\n", b"  ,  \n,\n"])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "volunteers.csv"
    path.write_bytes(content)
    # in Chinese for the clerk, then in English; a file of blank cells has no header either
    with pytest.raises(InputError, match=r"^volunteers\.csv: 文件是空的(（没有表头）)?，请填入表头和记录后保存 / empty file"):
        read_table(path, VOLUNTEERS)


def test_a_required_column_under_a_near_name_is_named_with_the_rename_it_needs(tmp_path: Path) -> None:
    # a clerk's finding (3 December 2026): 注册日期 typed 注册时间 was told "add the column", though it
    # is there; an optional column under a near name was already told to rename its header
    path = write(tmp_path / "volunteers.csv", "志愿者编号,社区,注册时间\nv1,renmin,2024-01-05\n", "utf-8")
    with pytest.raises(InputError) as info:
        read_table(path, VOLUNTEERS)
    said = str(info.value)
    assert "；若“注册时间”就是“注册日期”，请把表头改为“注册日期” / " in said
    assert said.endswith("found: 志愿者编号, 社区, 注册时间; if '注册时间' is 注册日期 (registered_on), rename the header.")


def test_missing_required_column_message(tmp_path: Path) -> None:
    path = write(tmp_path / "volunteers.csv",
                 "志愿者编号,社区,电话\nv1,renmin,13800000000\n", "gbk")
    with pytest.raises(InputError) as info:
        read_table(path, VOLUNTEERS)
    assert str(info.value) == (
        "volunteers.csv: 缺少必填列“注册日期”，请在表头加上这一列 / "
        "missing required column(s) registered_on (注册日期); found: 志愿者编号, 社区, 电话."
    )


def test_missing_column_message_hides_personal_values(tmp_path: Path) -> None:
    # no header row: the first data row would be read as the header
    path = write(tmp_path / "volunteers.csv",
                 "v1,张三,13800000000,430404199001011234\nv2,李四,13900000000,\n")
    with pytest.raises(InputError) as info:
        read_table(path, VOLUNTEERS)
    message = str(info.value)
    assert message == (
        "volunteers.csv: 找不到表头：第一行应是列名，至少有“志愿者编号”“社区”“注册日期” / "
        "no header row naming the table's columns; missing required "
        "column(s) volunteer_id (志愿者编号), community_id (社区), registered_on (注册日期)."
    )


def test_missing_column_message_hides_long_numbers(tmp_path: Path) -> None:
    # a header row with a phone number typed into it by mistake
    path = write(tmp_path / "volunteers.csv", "志愿者编号,13800000000\nv1,x\n")
    with pytest.raises(InputError) as info:
        read_table(path, VOLUNTEERS)
    assert str(info.value) == (
        "volunteers.csv: 缺少必填列“社区”“注册日期”，请在表头加上这些列 / "
        "missing required column(s) community_id (社区), registered_on (注册日期); found: 志愿者编号, (a number)."
    )


def test_two_headers_for_one_column(tmp_path: Path) -> None:
    path = write(tmp_path / "volunteers.csv",
                 "volunteer_id,社区,所属社区,registered_on\nv1,renmin,renmin,2024-03-05\n")
    with pytest.raises(InputError) as info:
        read_table(path, VOLUNTEERS)
    message = str(info.value)
    assert message.startswith("volunteers.csv: ")
    assert "社区" in message and "所属社区" in message and "community_id" in message
    assert "\n" not in message


def test_unnamed_column_with_data_is_listed(tmp_path: Path) -> None:
    path = write(tmp_path / "volunteers.csv",
                 "volunteer_id,community_id,registered_on,,\n"
                 "v1,renmin,2024-03-05,备注,\n"
                 "v2,renmin,2024-03-05,,,\n")  # a trailing cell beyond the header, blank
    raw = read_table(path, VOLUNTEERS)
    assert raw.unknown_columns == ["(column 4)"]  # column 5 holds nothing
    assert raw.rows.tolist() == [2, 3]


def test_root_gives_relative_file(tmp_path: Path) -> None:
    sub = tmp_path / "raw"
    sub.mkdir()
    path = write(sub / "volunteers.csv", "volunteer_id,community_id,registered_on\n")
    assert read_table(path, VOLUNTEERS, root=tmp_path).file == "raw/volunteers.csv"


def test_unsupported_extension(tmp_path: Path) -> None:
    path = write(tmp_path / "volunteers.txt", "volunteer_id\n")
    with pytest.raises(InputError, match="unsupported file type"):
        read_table(path, VOLUNTEERS)


@pytest.mark.parametrize("name", ["volunteers.csv", "volunteers.xlsx"])
def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    path = write(tmp_path / name, "volunteer_id\n")

    def refuse(self: Path, *args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "open", refuse)  # chmod 0 would not stop root
    with pytest.raises(InputError) as info:
        read_table(path, VOLUNTEERS)
    assert str(info.value) == f"{name}: cannot read the file (Permission denied)."


# ---------------------------------------------------------------------- XLSX


def make_workbook(path: Path) -> Path:
    book = openpyxl.Workbook()
    first = book.active
    first.title = "汇总"
    first["A1"] = "说明"  # a stray note: not a table
    ws = book.create_sheet("人口")
    ws.append([])                                        # row 1: blank
    ws.append(["社区", "年份", "实有人口", "常住人口", "户数", "65岁以上人口", "备注"])  # row 2
    ws.append(["renmin", 2024, 5200.0, 4800, 1800, "007", dt.date(2024, 3, 5)])  # row 3
    ws.append([None, None, None])                        # row 4: blank
    ws.append(["xiangbei", 2024.0, 0.1 + 0.2, 12.5, True,
               dt.datetime(2024, 3, 5, 14, 30), None])   # row 5
    book.save(path)
    return path


def test_xlsx_named_sheet_cells_become_ledger_text(tmp_path: Path) -> None:
    path = make_workbook(tmp_path / "population.xlsx")
    raw = read_table(path, POPULATION, sheet="人口")
    assert raw.encoding is None
    assert raw.header_row == 2
    assert raw.rows.tolist() == [3, 5]  # worksheet row numbers
    assert raw.unknown_columns == ["备注"]
    assert records(raw) == [
        {"community_id": "renmin", "year": "2024", "residents": "5200",  # 5200.0 is whole
         "resident_population": "4800", "households": "1800", "age_65_plus": "007"},
        {"community_id": "xiangbei", "year": "2024",
         "residents": "0.3",  # 0.1 + 0.2 = 0.30000000000000004, float noise removed
         "resident_population": "12.5", "households": "true",
         "age_65_plus": "2024-03-05 14:30:00"},  # a time of day is kept
    ]


def test_xlsx_cells_held_a_slice_at_a_time_read_as_a_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the same workbook read with slices of 2 records (a title, the header, records, a blank
    # row, a short record: slices of different widths) gives the same table as in one slice
    from linli._read import cells

    path = make_workbook(tmp_path / "population.xlsx")
    whole = read_table(path, POPULATION, sheet="人口")
    monkeypatch.setattr(cells, "GRID_SLICE", 2)
    sliced = read_table(path, POPULATION, sheet="人口")
    assert sliced.header_row == whole.header_row == 2 and sliced.rows.tolist() == whole.rows.tolist() == [3, 5]
    assert records(sliced) == records(whole) and sliced.unknown_columns == whole.unknown_columns == ["备注"]


def test_a_grid_gathered_in_slices_pads_short_records_and_keeps_row_numbers(monkeypatch: pytest.MonkeyPatch) -> None:
    from linli._read import cells

    monkeypatch.setattr(cells, "GRID_SLICE", 2)
    builder = cells.GridBuilder()
    for number, values in [(1, ["a"]), (2, ["b", "c"]), (4, ["d", None, "e"]), (7, ["f"]), (9, [])]:
        builder.add(values, number)
    grid = builder.grid()
    # slices: rows 1-2 (width 2), rows 4 and 7 (width 3), row 9 (width 0); padded to 3 columns
    assert grid.index.tolist() == [1, 2, 4, 7, 9] and list(grid.columns) == [0, 1, 2]
    assert [[None if pd.isna(v) else v for v in row] for row in grid.itertuples(index=False)] == [
        ["a", None, None], ["b", "c", None], ["d", None, "e"], ["f", None, None], [None, None, None]]


def test_xlsx_date_cells_are_iso(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["志愿者编号", "社区", "注册日期", "退出日期"])
    ws.append(["v1", "renmin", dt.date(2024, 3, 5), dt.datetime(2025, 1, 2, 0, 0)])
    book.save(tmp_path / "volunteers.xlsx")
    raw = read_table(tmp_path / "volunteers.xlsx", VOLUNTEERS)
    assert raw.frame.loc[0, "registered_on"] == "2024-03-05"
    assert raw.frame.loc[0, "left_on"] == "2025-01-02"  # midnight: the date alone


def test_xlsx_every_matching_sheet_by_default(tmp_path: Path) -> None:
    path = make_workbook(tmp_path / "population.xlsx")
    # the first sheet holds a note, not the table: it is skipped, with the reason
    raw = read_table(path, POPULATION)
    assert raw.sheets == ["人口"]
    assert raw.skipped_sheets == ["汇总: no header naming the table's columns"]
    assert raw.rows.tolist() == [3, 5]
    # the workbook has two sheets: each row names its sheet
    assert raw.row_files.tolist() == ["population.xlsx [人口]"] * 2


def test_xlsx_unknown_sheet(tmp_path: Path) -> None:
    path = make_workbook(tmp_path / "population.xlsx")
    with pytest.raises(InputError) as info:
        read_table(path, POPULATION, sheet="2024")
    assert str(info.value) == "population.xlsx: no worksheet '2024'; sheets: 汇总, 人口."


def test_xlsx_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "population.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not a zip archive")
    with pytest.raises(InputError) as info:
        read_table(path, POPULATION)
    assert str(info.value).startswith("population.xlsx: 文件不完整或已损坏")
    assert " / not a readable .xlsx workbook (" in str(info.value)
    assert "\n" not in str(info.value)


def test_xlsx_zip_without_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "population.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    with pytest.raises(InputError) as info:
        read_table(path, POPULATION)
    assert str(info.value).startswith("population.xlsx: 文件不完整或已损坏")
    assert " / not a readable .xlsx workbook (" in str(info.value)
    assert "\n" not in str(info.value)


def test_xlsx_csv_renamed(tmp_path: Path) -> None:
    path = write(tmp_path / "population.xlsx", "社区,年份\nrenmin,2024\n")
    with pytest.raises(InputError, match="not a readable .xlsx workbook"):
        read_table(path, POPULATION)


def test_xlsx_empty_sheet(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.save(tmp_path / "population.xlsx")
    with pytest.raises(InputError, match=r"^population\.xlsx: 文件是空的（没有表头），请填入表头和记录后保存 / empty file"):
        read_table(tmp_path / "population.xlsx", POPULATION)


# ---------------------------------------------------------------------- finding files


def test_find_table_files(tmp_path: Path) -> None:
    assert find_table_files(tmp_path, VOLUNTEERS) == []
    write(tmp_path / "志愿者名册.xlsx", "")  # an alias of volunteers
    write(tmp_path / "population.csv", "")
    assert find_table_files(tmp_path, VOLUNTEERS) == [tmp_path / "志愿者名册.xlsx"]
    assert find_table_files(tmp_path, POPULATION) == [tmp_path / "population.csv"]
    assert find_table_files(tmp_path, FACILITIES) == []


def test_find_table_file_two_candidates(tmp_path: Path) -> None:
    write(tmp_path / "volunteers.csv", "")
    write(tmp_path / "volunteers.xlsx", "")
    with pytest.raises(InputError) as info:
        find_table_files(tmp_path, VOLUNTEERS)
    message = str(info.value)
    assert "volunteers.csv" in message and "volunteers.xlsx" in message
    assert "\n" not in message


def test_find_table_file_geo(tmp_path: Path) -> None:
    write(tmp_path / "facilities.txt", "")  # not a format facilities are read from: ignored
    write(tmp_path / "服务设施.gpkg", "")
    assert find_table_files(tmp_path, FACILITIES) == [tmp_path / "服务设施.gpkg"]
    write(tmp_path / "设施.csv", "")  # a spreadsheet of points (issue 11) is a second candidate
    with pytest.raises(InputError, match="设施.csv"):
        find_table_files(tmp_path, FACILITIES)
    for name in ("2023年服务设施.gpkg", "2024年服务设施.gpkg"):  # places are one file, even a file per year
        write(tmp_path / name, "")
    (tmp_path / "设施.csv").unlink()
    (tmp_path / "服务设施.gpkg").unlink()
    with pytest.raises(InputError, match="2023年服务设施.gpkg、2024年服务设施.gpkg .*请只保留一个 / "):
        find_table_files(tmp_path, FACILITIES)


def test_a_roster_kept_in_a_file_per_year_is_refused_with_why(tmp_path: Path) -> None:
    # each year's roster holds the people of the years before: read as one, every one of
    # them would be a duplicate; the start and end dates of one roster say who was on it when
    for name in ("2023年志愿者名册.xlsx", "2024年志愿者名册.xlsx"):
        write(tmp_path / name, "")
    with pytest.raises(InputError) as err:
        find_table_files(tmp_path, VOLUNTEERS)
    said = str(err.value)
    assert "请只保留一个（名册只要最新的一份：每条记录的起止日期已写明各年谁在册） / " in said
    assert said.endswith("keep one (a roster is one file, the latest: its records' start and end dates say who "
                         "was on it each year).")


# ---------------------------------------------------------------------- geo

LONLAT = [(112.6100, 26.9000), (112.6250, 26.8935), (112.6012, 26.9101)]


def facilities_frame(crs: int | str = 4326) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "facility_id": ["007", "f2", "f3"],
            "community_id": ["renmin", "xiangbei", " "],
            "name_zh": ["人民路服务中心", "湘北调解室", None],
            "category": ["service_center", "调解室", "fitness"],
            "floor_area_m2": [120.0, 35.5, None],
            "opened_on": ["2020-05-01", "2024-02-30", None],  # an impossible date stays text
        },
        geometry=[Point(xy) for xy in LONLAT],
        crs=4326,
    ).to_crs(crs)


def assert_facility_values(raw: RawTable) -> None:
    assert raw.rows.tolist() == [1, 2, 3]  # feature numbers
    assert records(raw) == [
        {"facility_id": "007", "community_id": "renmin", "name_zh": "人民路服务中心",
         "category": "service_center", "floor_area_m2": "120", "opened_on": "2020-05-01"},
        {"facility_id": "f2", "community_id": "xiangbei", "name_zh": "湘北调解室",
         "category": "调解室", "floor_area_m2": "35.5", "opened_on": "2024-02-30"},
        {"facility_id": "f3", "community_id": None, "name_zh": None,
         "category": "fitness", "floor_area_m2": None, "opened_on": None},
    ]


def assert_lonlat(raw: RawTable, tolerance: float = 1e-6) -> None:
    assert raw.geometry is not None
    assert raw.geometry.crs.to_epsg() == 4326
    assert list(raw.geometry.index) == list(raw.frame.index)
    for geom, (x, y) in zip(raw.geometry, LONLAT, strict=True):
        assert abs(geom.x - x) < tolerance and abs(geom.y - y) < tolerance


def test_geojson_wgs84(tmp_path: Path) -> None:
    path = tmp_path / "facilities.geojson"
    facilities_frame().to_file(path, engine="pyogrio")
    raw = read_table(path, FACILITIES)
    assert raw.crs == "EPSG:4326"
    assert raw.encoding is None
    assert_facility_values(raw)
    assert_lonlat(raw, tolerance=1e-12)


@pytest.mark.parametrize("suffix", [".gpkg", ".geojson"])
def test_cgcs2000_is_taken_as_wgs84(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"facilities{suffix}"
    facilities_frame().set_crs(4490, allow_override=True).to_file(path, engine="pyogrio")
    raw = read_table(path, FACILITIES)
    assert raw.crs == "EPSG:4490"
    assert_facility_values(raw)
    assert_lonlat(raw, tolerance=1e-12)  # coordinates kept as they are


def test_gpkg_projected_is_reprojected(tmp_path: Path) -> None:
    path = tmp_path / "facilities.gpkg"
    facilities_frame(32649).to_file(path, engine="pyogrio")  # UTM zone 49N, metres
    raw = read_table(path, FACILITIES)
    assert raw.crs == "EPSG:32649"
    assert_facility_values(raw)
    assert_lonlat(raw, tolerance=1e-6)


def test_gpkg_layer_choice(tmp_path: Path) -> None:
    path = tmp_path / "facilities.gpkg"
    frame = facilities_frame()
    frame.iloc[:1].to_file(path, layer="other", engine="pyogrio")
    frame.to_file(path, layer="facilities", engine="pyogrio")
    assert len(read_table(path, FACILITIES).frame) == 3  # the layer named after the table
    assert len(read_table(path, FACILITIES, sheet="other").frame) == 1
    with pytest.raises(InputError, match="no layer 'nope'; layers: "):
        read_table(path, FACILITIES, sheet="nope")


def write_shapefile(frame: gpd.GeoDataFrame, path: Path, encoding: str = "utf-8") -> None:
    with warnings.catch_warnings():
        # writing: GDAL and geopandas warn that dBASE truncates long field names
        warnings.simplefilter("ignore")
        frame.to_file(path, engine="pyogrio", encoding=encoding)


def test_shapefile_with_truncated_headers(tmp_path: Path) -> None:
    path = tmp_path / "compounds.shp"
    frame = gpd.GeoDataFrame(
        {"compound_id": ["c1"], "community_id": ["renmin"], "小区名称": ["人民小区"],
         "households": [120], "built_year": [1995.0], "改造完成日期": ["2020-06-30"]},
        geometry=[Polygon([(112.6, 26.9), (112.61, 26.9), (112.61, 26.91)])], crs=4326)
    write_shapefile(frame, path, encoding="gbk")
    raw = read_table(path, COMPOUNDS)
    # dBASE keeps 10 bytes of a field name: compound_i, community_ and 改造完成日 (GBK:
    # 2 bytes a character) still match their columns; 小区名称 is 8 bytes, kept whole
    assert records(raw) == [{"compound_id": "c1", "community_id": "renmin",
                             "name_zh": "人民小区", "households": "120", "built_year": "1995",
                             "renovation_completed_on": "2020-06-30"}]
    assert raw.crs == "EPSG:4326"


def test_shapefile_with_a_field_name_cut_inside_a_character(tmp_path: Path) -> None:
    path = tmp_path / "compounds.shp"
    # 改造完成日期 is 18 bytes in UTF-8: cut at 10, its 4th character is split
    write_shapefile(gpd.GeoDataFrame({"改造完成日期": ["2020-06-30"]}, geometry=[Point(112.6, 26.9)],
                                     crs=4326), path, encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_table(path, COMPOUNDS)
    assert str(info.value).startswith("compounds.shp: text or field names are not in the file's")


def test_shapefile_without_prj(tmp_path: Path) -> None:
    path = tmp_path / "boundaries.shp"
    write_shapefile(gpd.GeoDataFrame(
        {"社区": ["renmin"]},
        geometry=[Polygon([(112.6, 26.9), (112.61, 26.9), (112.61, 26.91)])], crs=4326), path)
    path.with_suffix(".prj").unlink()
    with pytest.raises(InputError) as info:
        read_table(path, BOUNDARIES)
    assert str(info.value) == (
        "boundaries.shp: no CRS; expected WGS84 (EPSG:4326) or CGCS2000 (EPSG:4490).")


def test_geojson_bad_json(tmp_path: Path) -> None:
    path = write(tmp_path / "facilities.geojson", '{"type": "FeatureCollection", "features": [')
    with pytest.raises(InputError) as info:
        read_table(path, FACILITIES)
    assert str(info.value).startswith("facilities.geojson: not a readable .geojson file")
    assert "\n" not in str(info.value)


def test_geojson_empty_file(tmp_path: Path) -> None:
    path = write(tmp_path / "facilities.geojson", "")
    with pytest.raises(InputError, match=r"^facilities\.geojson: 文件是空的，请填入表头和记录后保存 / empty file"):
        read_table(path, FACILITIES)


def test_geojson_without_features_is_an_empty_table(tmp_path: Path) -> None:
    path = write(tmp_path / "boundaries.geojson", '{"type": "FeatureCollection", "features": []}')
    raw = read_table(path, BOUNDARIES)
    assert raw.frame.empty and list(raw.frame.columns) == ["community_id"]
    assert raw.geometry is not None and len(raw.geometry) == 0


def test_geojson_mixed_property_types_stay_text(tmp_path: Path) -> None:
    # "households" is a number in one feature and text in the other; "built_year" has a null
    path = write(tmp_path / "compounds.geojson", """{"type": "FeatureCollection", "features": [
      {"type": "Feature", "geometry": {"type": "Point", "coordinates": [112.61, 26.9]},
       "properties": {"小区编码": "007", "社区": "renmin", "小区名称": "甲", "户数": 120,
                      "建成年份": 1995, "自治小区": true}},
      {"type": "Feature", "geometry": null,
       "properties": {"小区编码": "c2", "社区": "renmin", "小区名称": "乙", "户数": "约100",
                      "建成年份": null, "自治小区": false}}
    ]}""")
    raw = read_table(path, COMPOUNDS)
    assert raw.frame["compound_id"].tolist() == ["007", "c2"]
    assert raw.frame["households"].tolist() == ["120", "约100"]
    assert raw.frame["built_year"].tolist() == ["1995", None]
    assert raw.frame["self_governed"].tolist() == ["true", "false"]
    assert raw.geometry is not None and raw.geometry.iloc[1] is None


def test_geo_missing_required_column(tmp_path: Path) -> None:
    path = tmp_path / "facilities.geojson"
    facilities_frame().drop(columns=["category"]).to_file(path, engine="pyogrio")
    with pytest.raises(InputError, match=r"^facilities\.geojson: 缺少必填列“类别”，请在表头加上这一列 / "
                                         r"missing required column\(s\) category \(类别\)"):
        read_table(path, FACILITIES)


# ------------------------------------------------------------ broken and hostile files


def test_a_stray_quote_is_refused_at_its_line(tmp_path: Path) -> None:
    rows = "".join(f"v{i},renmin,2024-03-05\n" for i in range(1, 10))
    text = "volunteer_id,community_id,registered_on\n" + rows.replace("v4,renmin,", 'v4,"renmin,')
    path = write(tmp_path / "volunteers.csv", text)
    # header line 1, v1 on line 2, so v4 on line 5; the quote runs to the end (line 10)
    with pytest.raises(InputError) as info:
        read_table(path, VOLUNTEERS)
    assert str(info.value) == (
        'volunteers.csv: 第5行有一个没有配对的引号（"），它后面直到第10行的内容被读成了一个单元格；请删去或补全这个引号 / '
        'line 5: a quote (") opened in this line is not closed until line 10, '
        "so 6 lines were read as one cell; remove or close the stray quote.")


@pytest.mark.parametrize("chunk", [16, 1 << 24])  # 16 bytes: the UTF-8 line is in a chunk of its own
@pytest.mark.parametrize("team", ["文明队", "文明队\ufffd"])  # U+FFFD: a replacement character typed in UTF-8
def test_gbk_file_with_utf8_lines_flags_those_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int, team: str
) -> None:
    head = "志愿者编号,社区,注册日期,所属队伍\nv1,renmin,2024-03-05,巡逻队\nv2,renmin,2024-03-06,助老队\n"
    tail = f"v3,renmin,2024-03-07,{team}\n"
    path = tmp_path / "volunteers.csv"
    path.write_bytes(head.encode("gbk") + tail.encode("utf-8"))
    monkeypatch.setattr(delimited, "_CHUNK_BYTES", chunk)
    raw = read_table(path, VOLUNTEERS)
    # three GBK lines (the header and two rows) against one UTF-8 line: GBK wins
    assert raw.encoding == "gb18030+utf-8"
    assert raw.frame["team"].tolist() == ["巡逻队", "助老队", team]  # each line decoded its own way
    assert raw.row_issues[["idx", "rule", "detail"]].values.tolist() == [[2, "mixed_encoding", "UTF-8"]]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xef\xbb\xbf" + "志愿者编号,社区,注册日期\nv1,人民路,2024-03-05\n".encode("gbk"),
         "starts with a UTF-8 byte-order mark (BOM), but its text is GBK"),
        ("volunteer_id,community_id,registered_on\nv1,renmin,2024-03-05\n".encode("utf-16-le"),
         "looks like UTF-16 text without a byte-order mark"),
    ],
)
def test_encodings_that_lie_are_named(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "volunteers.csv"
    path.write_bytes(content)
    with pytest.raises(InputError, match=re.escape(message)):
        read_table(path, VOLUNTEERS)


@pytest.mark.parametrize("delimiter", [";", "\t", ","])
def test_the_separator_is_the_one_that_names_columns(tmp_path: Path, delimiter: str) -> None:
    lines = [["volunteer_id", "community_id", "registered_on"], ["v1", "renmin", "2024-03-05"]]
    path = write(tmp_path / "volunteers.csv", "".join(delimiter.join(r) + "\n" for r in lines))
    raw = read_table(path, VOLUNTEERS)
    assert raw.delimiter == delimiter
    assert records(raw) == [{"volunteer_id": "v1", "community_id": "renmin", "registered_on": "2024-03-05"}]


def test_a_title_that_equals_one_column_name_is_not_the_header(tmp_path: Path) -> None:
    # the title 年份 names one column; the header below it names six
    path = write(tmp_path / "population.csv",
                 "年份\n社区,年份,实有人口,常住人口,户数,65岁以上人口\nrenmin,2024,5200,4800,1800,700\n", "gbk")
    raw = read_table(path, POPULATION)
    assert raw.header_row == 2 and raw.rows.tolist() == [3]


def test_xlsx_sheets_per_year_and_formulas_never_computed(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for year in (2023, 2024):
        ws = book.create_sheet(str(year))
        ws.append(["志愿者编号", "社区", "注册日期", "出生年份"])
        ws.append([f"v{year}", "renmin", f"{year}-03-05", "=1950+10"])  # written by a program: no cached value
        ws.append([f"w{year}", "renmin", f"{year}-04-05", 1960])
    book.create_sheet("说明").append(["本表由社区填报"])
    book.save(tmp_path / "volunteers.xlsx")
    raw = read_table(tmp_path / "volunteers.xlsx", VOLUNTEERS)
    assert raw.sheets == ["2023", "2024"]
    assert raw.skipped_sheets == ["说明: no header naming the table's columns"]
    assert raw.frame["volunteer_id"].tolist() == ["v2023", "w2023", "v2024", "w2024"]
    assert raw.rows.tolist() == [2, 3, 2, 3]  # row numbers within each sheet
    assert raw.row_files.tolist() == ["volunteers.xlsx [2023]"] * 2 + ["volunteers.xlsx [2024]"] * 2
    # the formula cells are blank and flagged, the typed ones kept
    assert raw.frame["birth_year"].tolist() == [None, "1960", None, "1960"]
    assert raw.row_issues[["idx", "column", "rule"]].values.tolist() == [
        [0, "birth_year", "uncomputed_formula"], [2, "birth_year", "uncomputed_formula"]]


def test_web_mercator_metres_without_a_crs_are_refused(tmp_path: Path) -> None:
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"facility_id": f"f{i}", "community_id": "renmin", "name_zh": "站",
                                           "category": "other", "opened_on": "2020-01-01"},
         "geometry": {"type": "Point", "coordinates": [12_534_920.0 + i, 3_108_230.0]}} for i in range(3)]}
    path = tmp_path / "facilities.geojson"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(InputError, match=r"\(12534920, 3108230\) are metres, not degrees.*EPSG:3857"):
        read_table(path, FACILITIES)


def test_read_yaml_allows_sharing_aliases_and_refuses_laughs(tmp_path: Path) -> None:
    shared = tmp_path / "shared.yaml"
    shared.write_text("src: &a {title: 报道}\nclaims: [{source: *a}, {source: *a}]\n", encoding="utf-8")
    assert read_yaml(shared)["claims"][1]["source"] == {"title": "报道"}
    # nine levels of nine aliases: 9⁹ ≈ 387 million values once expanded
    laughs = "a0: &a0 [x]\n" + "".join(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 10))
    (tmp_path / "laughs.yaml").write_text(laughs, encoding="utf-8")
    with pytest.raises(InputError, match="its aliases expand to more than 100,000 values"):
        read_yaml(tmp_path / "laughs.yaml")


def test_read_yaml_names_the_field_of_an_impossible_date(tmp_path: Path) -> None:
    path = tmp_path / "published_claims.yaml"
    path.write_text("claims:\n  - id: a\n    source: {date: 2024-02-30}\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_yaml(path)
    assert str(info.value) == ("published_claims.yaml: line 3, field 'claims[1].source.date': "
                               "2024-02-30 is not a valid date (day is out of range for month).")


def test_a_stray_quote_on_the_last_line_is_refused_too(tmp_path: Path) -> None:
    text = 'volunteer_id,community_id,registered_on,team\nv1,renmin,2024-03-05,a\nv2,renmin,"2024-03-06,b\n'
    path = write(tmp_path / "volunteers.csv", text)
    # the quote opens on line 3 and is never closed: the rest of the line, commas and all, is one cell
    with pytest.raises(InputError, match=r"^volunteers\.csv: 第3行有一个没有配对的引号.* / line 3: a quote"):
        read_table(path, VOLUNTEERS)


# ------------------------------------------------------- Chinese file names (issue 11)


def test_chinese_file_names_match_after_years_and_punctuation(tmp_path: Path) -> None:
    from linli.io import unknown_files

    write(tmp_path / "2024年度 调解台账（1-12月）.csv", "")
    write(tmp_path / "志愿者名册_2024.xlsx", "")
    assert find_table_files(tmp_path, contract.table("mediation_cases"))[0].name == "2024年度 调解台账（1-12月）.csv"
    assert find_table_files(tmp_path, VOLUNTEERS)[0].name == "志愿者名册_2024.xlsx"
    assert unknown_files(tmp_path) == []


def test_an_unrecognised_file_is_named_with_the_closest_table(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from linli.dataset import load_dataset

    from . import ledger

    ledger.write_canonical(tmp_path)
    write(tmp_path / "2024年调解纪录.csv", "社区,受理日期\n")  # 纪录, not 台账: no table's name
    with caplog.at_level("WARNING", logger="linli"):
        load_dataset(tmp_path, as_of="2025-01-31", key=b"k")
    named = [r.getMessage() for r in caplog.records if "2024年调解纪录.csv" in r.getMessage()]
    assert len(named) == 1
    # bilingual, one line, and it suggests the closest table by its Chinese and English names
    assert "未识别的文件" in named[0] and "not read" in named[0] and "\n" not in named[0]
    assert "矛盾纠纷调解" in named[0] and "mediation_cases" in named[0]


# ---------------------------------------------------- points from spreadsheets (issue 11)

WGS = [(112.6050, 26.8950), (112.6150, 26.8920)]


def _facility_sheet(path: Path, lonlat: list[tuple[float, float]]) -> Path:
    lines = ["设施编码,社区,设施名称,类别,建筑面积,启用日期,经度,纬度"]
    lines += [f"f{i},renminlu,站{i},日间照料站,100,2020-01-01,{x:.8f},{y:.8f}" for i, (x, y) in enumerate(lonlat)]
    return write(path, "\n".join(lines) + "\n")


@pytest.mark.parametrize("system", ["gcj02", "bd09"])
def test_points_from_a_spreadsheet_come_back_to_wgs84(tmp_path: Path, system: str) -> None:
    from linli import coords

    x, y = [p[0] for p in WGS], [p[1] for p in WGS]
    gx, gy = coords.gcj02_from_wgs84(x, y)
    if system == "bd09":
        gx, gy = coords.bd09_from_gcj02(gx, gy)
    path = _facility_sheet(tmp_path / "服务设施.csv", list(zip(gx.tolist(), gy.tolist(), strict=True)))
    raw = read_table(path, FACILITIES, coordinates=system)
    assert "lon" not in raw.frame.columns and raw.crs.startswith(system)
    # back within 1e-6 degrees (about 0.1 m), far inside the 300 m life circle; the shift itself is ~500 m
    assert raw.geometry.x.tolist() == pytest.approx(x, abs=1e-6)
    assert raw.geometry.y.tolist() == pytest.approx(y, abs=1e-6)
    assert abs(float(gx[0]) - x[0]) > 1e-3


def test_points_outside_china_are_never_shifted(tmp_path: Path) -> None:
    path = _facility_sheet(tmp_path / "facilities.csv", [(2.3522, 48.8566)])  # Paris
    raw = read_table(path, FACILITIES, coordinates="gcj02")
    assert (raw.geometry.x.iloc[0], raw.geometry.y.iloc[0]) == (2.3522, 48.8566)


def test_undeclared_spreadsheet_coordinates_warn_of_the_risk(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = _facility_sheet(tmp_path / "facilities.csv", WGS)
    with caplog.at_level("WARNING"):
        raw = read_table(path, FACILITIES)
    assert raw.geometry.x.tolist() == pytest.approx([p[0] for p in WGS], abs=1e-12)  # read as WGS-84
    text = " ".join(r.getMessage() for r in caplog.records)
    assert "GCJ-02" in text and "BD-09" in text and "coordinates" in text and "facilities.csv" in text


def test_a_coordinate_that_is_not_a_number_is_a_row_issue(tmp_path: Path) -> None:
    path = write(tmp_path / "facilities.csv", "设施编码,社区,设施名称,类别,建筑面积,启用日期,经度,纬度\n"
                                              "f1,renminlu,站,日间照料站,100,2020-01-01,见地图,26.9\n")
    raw = read_table(path, FACILITIES, coordinates="wgs84")
    assert raw.row_issues[["column", "rule", "value"]].values.tolist() == [["lon", "not_a_coordinate", "见地图"]]
    assert raw.geometry.isna().tolist() == [True]


def test_dataset_yaml_names_a_known_coordinate_system(tmp_path: Path) -> None:
    from linli.dataset import read_meta

    write(tmp_path / "dataset.yaml", "coordinates: 高德\n")
    with pytest.raises(InputError, match=r"dataset.yaml: field 'coordinates': '高德' .*valid: wgs84, gcj02, bd09"):
        read_meta(tmp_path)


def test_a_quoted_cell_over_two_lines_with_a_comma_is_a_cell(tmp_path: Path) -> None:
    # issue 11: a legitimate multi-line cell holding the separator is not a stray quote
    text = ('志愿者编号,社区,所属队伍,注册日期\n'
            'V001,renminlu,"平安巡逻队,\n第二分队",2022-03-05\n'
            'V002,xiangbei,青年队,2023-01-09\n')
    raw = read_table(write(tmp_path / "volunteers.csv", text), VOLUNTEERS)
    assert raw.frame["team"].tolist() == ["平安巡逻队,\n第二分队", "青年队"]
    assert raw.rows.tolist() == [2, 3]  # spreadsheet rows, as Excel shows them: the cell of two lines is one row


def test_a_stray_quote_that_swallows_records_is_still_refused(tmp_path: Path) -> None:
    lines = ["志愿者编号,社区,所属队伍,注册日期", 'V001,renminlu,"平安巡逻队,2022-03-05']
    lines += [f"V{i:03d},xiangbei,青年队,2023-01-09" for i in range(2, 6)]
    lines += ['V006,xiangbei,青年队",2023-01-09']
    with pytest.raises(InputError, match=r"line 2: a quote .* not closed until line 7"):
        read_table(write(tmp_path / "volunteers.csv", "\n".join(lines) + "\n"), VOLUNTEERS)


def _volunteer_book(path: Path, header: list[str], rows: list[list[object]], *, hide: str = "") -> Path:
    book = openpyxl.Workbook()
    book.active.title = "名册"
    for row in [header, *rows]:
        book.active.append(row)
    if hide:
        book.active.column_dimensions[hide].hidden = True
    book.save(path)
    return path


def test_a_hidden_column_that_repeats_a_visible_one_is_passed_over(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # B 社区 is the column the clerk keeps; D 社区, hidden, an old copy of it
    path = _volunteer_book(tmp_path / "volunteers.xlsx", ["志愿者编号", "社区", "注册日期", "社区"],
                           [["v1", "renmin", "2024-03-05", "旧社区"]], hide="D")
    with caplog.at_level("WARNING", logger="linli"):
        raw = read_table(path, VOLUNTEERS)
    assert raw.frame["community_id"].tolist() == ["renmin"]
    assert raw.header_cells["volunteers.xlsx"]["community_id"] == ("B", "社区")
    assert "D列“社区”是隐藏列，与B列重复，未读入" in caplog.text


def test_two_visible_columns_for_one_column_are_named_by_letter(tmp_path: Path) -> None:
    path = _volunteer_book(tmp_path / "volunteers.xlsx", ["志愿者编号", "社区", "注册日期", "所属社区"],
                           [["v1", "renmin", "2024-03-05", "renmin"]])
    with pytest.raises(InputError) as exc:
        read_table(path, VOLUNTEERS)
    assert str(exc.value) == ("volunteers.xlsx: B列“社区”和D列“所属社区”是同一列，请删去一列 / columns B '社区' "
                              "and D '所属社区' both map to community_id; keep one.")


def test_two_hidden_columns_for_one_column_are_refused_and_said_hidden(tmp_path: Path) -> None:
    path = _volunteer_book(tmp_path / "volunteers.xlsx", ["志愿者编号", "社区", "注册日期", "社区"],
                           [["v1", "renmin", "2024-03-05", "renmin"]], hide="B")
    book = openpyxl.load_workbook(path)
    book.active.column_dimensions["D"].hidden = True
    book.save(path)
    with pytest.raises(InputError, match="B列“社区”（隐藏列）和D列“社区”（隐藏列）是同一列"):
        read_table(path, VOLUNTEERS)


def test_a_hidden_sheet_passed_over_leaves_the_rows_named_by_file_alone(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # the form's own data sheet, and a hidden 旧表 the clerk kept: the clerk sees one sheet,
    # so the quarantine names the rows by the file alone, as for a workbook of one sheet
    path = _volunteer_book(tmp_path / "volunteers.xlsx", ["志愿者编号", "社区", "注册日期"],
                           [["v1", "renmin", "2024-03-05"]])
    book = openpyxl.load_workbook(path)
    old = book.create_sheet("旧表")
    old.append(["志愿者编号", "社区", "注册日期"])
    old.append(["v0", "renmin", "2020-01-01"])
    old.sheet_state = "hidden"
    book.save(path)
    with caplog.at_level("WARNING", logger="linli"):
        raw = read_table(path, VOLUNTEERS)
    assert raw.frame["volunteer_id"].tolist() == ["v1"] and raw.rows.tolist() == [2]
    assert raw.row_files is None and list(raw.header_cells) == ["volunteers.xlsx"]
    assert raw.sheets == ["名册"] and raw.skipped_sheets == ["旧表: hidden, and a visible sheet holds the table"]
    assert "未读入工作表 旧表（隐藏的工作表，可见的工作表已有本表）" in caplog.text


def test_a_two_row_header_saved_as_csv_under_a_title(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    # Excel saves a merged two-row header as CSV with the merged cells blank: 日期 over
    # 受理日期 | 办结日期 on row 3, the other names on row 2 alone, a title on row 1
    path = write(tmp_path / "mediation_cases.csv",
                 "人民街道2024年调解台账,,,,,,,,\r\n"
                 "序号,案件编号,社区,小区,日期,,纠纷类型,参与调解力量,调解结果\r\n"
                 ",,,,受理日期,办结日期,,,\r\n"
                 "1,m1,湘北社区,cp3,2024/3/5,2024/3/5,停车,民警、网格员,调解成功\r\n"
                 "2,m2,湘北社区,,2024/11/20,,噪音,网格员,办理中\r\n", "gbk")
    with caplog.at_level("WARNING", logger="linli"):
        raw = read_table(path, contract.table("mediation_cases"))
    assert (raw.header_row, raw.rows.tolist()) == (3, [4, 5])
    assert raw.frame["received_on"].tolist() == ["2024/3/5", "2024/11/20"]
    assert [None if pd.isna(v) else v for v in raw.frame["closed_on"]] == ["2024/3/5", None]  # NA in Arrow strings
    # the cells are named by the header as typed, on either row: 受理日期 in E, 案件编号 in B
    cells = raw.header_cells["mediation_cases.csv"]
    assert (cells["received_on"], cells["case_id"]) == (("E", "受理日期"), ("B", "案件编号"))
    assert ("第1行在表头（第2–3行）之上，当作标题或分组行，未作为记录读入 / row 1 above the header (rows 2–3) "
            "not read as records") in caplog.text


def test_rows_a_filter_hides_are_read_and_named_ten_runs_at_most(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # 30 volunteers on rows 2-31; a filter on one community hides the other's rows, the odd
    # ones 3, 5, …, 31: 15 rows in 15 runs, of which the warning lists the first 10 (3 to 21)
    path = _volunteer_book(tmp_path / "volunteers.xlsx", ["志愿者编号", "社区", "注册日期"],
                           [[f"v{i}", "renmin" if i % 2 else "xiangbei", "2024-03-05"] for i in range(30)])
    book = openpyxl.load_workbook(path)
    for row in range(3, 32, 2):
        book.active.row_dimensions[row].hidden = True
    book.save(path)
    with caplog.at_level("WARNING", logger="linli"):
        raw = read_table(path, VOLUNTEERS)
    assert raw.rows.tolist() == list(range(2, 32))  # every record read, hidden or not
    assert "第3、5、7、9、11、13、15、17、19、21…行是隐藏行（共 15 行）" in caplog.text
    assert "rows 3, 5, 7, 9, 11, 13, 15, 17, 19, 21… are hidden (15 in all)" in caplog.text


def test_columns_not_read_are_named_with_a_guess_at_a_misnamed_one(
    tmp_path: Path, caplog: pytest.LogCaptureFixture,
) -> None:
    # 结案日期 for 办结日期 (an optional column: nothing else would tell that its dates are lost),
    # an extra 序号, and data under a blank header (a reviewer's finding, 3 December 2026)
    path = write(tmp_path / "mediation_cases.csv",
                 "案件编号,社区,受理日期,结案日期,纠纷类型,参与调解力量,调解结果,序号,\n"
                 "m1,renminlu,2024-03-01,2024-03-05,邻里纠纷,民警,调解成功,1,备注\n")
    with caplog.at_level("WARNING", logger="linli"):
        raw = read_table(path, contract.TABLES["mediation_cases"])
    said = [r.getMessage() for r in caplog.records]
    assert "closed_on" not in raw.frame.columns and raw.unknown_columns == ["结案日期", "序号", "(column 9)"]
    # 案件编号 A, 社区 B, 受理日期 C, 结案日期 D, …, 调解结果 G, 序号 H, the blank header I
    assert said == [
        "mediation_cases.csv: D列“结案日期”不是本表的列，未读入；若是“办结日期”，请把表头改为“办结日期” / column D "
        "'结案日期' is not a column of this table and was not read; if it is 办结日期 (closed_on), rename the header",
        "mediation_cases.csv: H列“序号”、I列（无表头）不是本表的列，未读入 / columns H '序号', I (no header) are not "
        "columns of this table: not read",
    ]


def test_a_geo_file_names_only_a_misnamed_attribute(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    # a GIS program adds attributes of its own (OBJECTID, a note): not worth a warning; a misspelt
    # community_id is (it is required, so the file is refused and names it, as before)
    gdf = gpd.GeoDataFrame({"community_id": ["renminlu"], "OBJECTID": [1], "note": ["示意"]},
                           geometry=[Point(112.6, 26.9).buffer(0.001)], crs="EPSG:4326")
    path = tmp_path / "boundaries.geojson"
    gdf.to_file(path, driver="GeoJSON")
    with caplog.at_level("WARNING", logger="linli"):
        raw = read_table(path, contract.TABLES["boundaries"])
    assert raw.unknown_columns == ["OBJECTID", "note"] and not caplog.records


def test_a_ledger_in_a_file_per_year_is_found_in_the_order_of_its_years(tmp_path: Path) -> None:
    # a clerk's habit (3 December 2026): 2022年调解台账.xlsx, 2023年…, 2024年…, once refused
    for name in ("2024年调解台账.xlsx", "2022年调解台账.xlsx", "调解台账2023.csv"):
        (tmp_path / name).write_bytes(b"")
    found = find_table_files(tmp_path, contract.table("mediation_cases"))
    assert [p.name for p in found] == ["2022年调解台账.xlsx", "调解台账2023.csv", "2024年调解台账.xlsx"]


@pytest.mark.parametrize("names", [("调解台账.xlsx", "调解台账 (2).xlsx"),  # a copy: no year in the names
                                   ("2024年调解台账.xlsx", "2024年调解台账(2).xlsx"),  # one year twice
                                   ("2024年调解台账.xlsx", "调解台账.xlsx")])  # one file without its year
def test_files_of_one_table_that_are_not_a_file_per_year_are_refused_in_chinese_first(
        tmp_path: Path, names: tuple[str, str]) -> None:
    # a clerk's finding (3 December 2026): the message was English only and read "both a and b and c"
    for name in names:
        (tmp_path / name).write_bytes(b"")
    with pytest.raises(InputError) as err:
        find_table_files(tmp_path, contract.table("mediation_cases"))
    said = str(err.value)
    listed = "、".join(sorted(names))
    assert said.startswith(f"{tmp_path}: {listed} 都可能是“矛盾纠纷调解”台账，请只保留一个")
    assert "每个文件名写上各自的年份" in said and "2 files could hold table mediation_cases" in said
    assert "both" not in said and "\n" not in said


def test_a_ledger_in_a_file_per_year_is_read_as_one_table(tmp_path: Path) -> None:
    # 2023 in GBK CSV with a total row, 2024 in a workbook of two sheets (上半年, 下半年) and a
    # column the CSV lacks (办结日期): one table, each row named by its file (and sheet)
    cases = contract.table("mediation_cases")
    write(tmp_path / "2023年调解台账.csv", "案件编号,社区,受理日期,纠纷类型,参与调解力量,调解结果\n"
          "a1,人民路,2023-01-05,邻里,民警,调解成功\n合计,1,,,,\n", encoding="gbk")
    book = openpyxl.Workbook()
    first = book.active
    first.title = "上半年"
    for row in (["案件编号", "社区", "受理日期", "办结日期", "纠纷类型", "参与调解力量", "调解结果"],
                ["b1", "人民路", "2024-02-01", "2024-02-09", "邻里", "民警", "调解成功"]):
        first.append(row)
    second = book.create_sheet("下半年")
    for row in ([None], ["案件编号", "社区", "受理日期", "办结日期", "纠纷类型", "参与调解力量", "调解结果"],
                ["b2", "人民路", "2024-08-01", None, "邻里", "民警", "调解成功"]):  # a blank row above the header
        second.append(row)
    book.save(tmp_path / "2024年调解台账.xlsx")
    raw = read_tables(find_table_files(tmp_path, cases), cases, root=tmp_path)
    assert raw.frame["case_id"].tolist() == ["a1", "合计", "b1", "b2"]
    assert raw.frame["closed_on"].tolist() == [None, None, "2024-02-09", None]  # blank where the CSV has no column
    assert raw.rows.tolist() == [2, 3, 2, 3]  # each file's (and sheet's) own row numbers
    assert raw.row_files.tolist() == ["2023年调解台账.csv", "2023年调解台账.csv",
                                      "2024年调解台账.xlsx [上半年]", "2024年调解台账.xlsx [下半年]"]
    assert raw.file == "2023年调解台账.csv; 2024年调解台账.xlsx" and raw.encoding == "gb18030"
    assert raw.sheets == ["2024年调解台账.xlsx [上半年]", "2024年调解台账.xlsx [下半年]"]
    assert raw.row_issues[["idx", "rule"]].values.tolist() == [[1, "total_row"]]  # the CSV's line 3: the second row
    # a message names the cell as the clerk sees it in each file: 办结日期 is column D of the workbook
    assert raw.header_cells["2024年调解台账.xlsx [下半年]"]["closed_on"] == ("D", "办结日期")
    assert raw.header_cells["2023年调解台账.csv"]["dispute_type"] == ("D", "纠纷类型")
