"""load_dataset: ledgers as street offices keep them load to the canonical tables.

The ledger fixture (tests/ledger.py) holds the same good records three ways —
canonical UTF-8 CSV, an XLSX workbook and a GBK CSV with Chinese headers, dates,
labels and community names — and the ledger forms add one broken row per rule.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import hmac
import io
import sys
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path

import pandas as pd
import pandas.testing as pdt
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linli import contract, dataset
from linli.dataset import load_and_save, load_dataset, save_dataset
from linli.errors import InputError

from . import ledger

KEY = b"test-key"
AS_OF = dt.date(2025, 1, 31)


@pytest.fixture(scope="module")
def canonical(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("canonical")
    ledger.write_canonical(out)
    return load_dataset(out, as_of=AS_OF, key=KEY)


@pytest.fixture(scope="module", params=["xlsx", "gbk"])
def ledgered(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp(f"ledger_{request.param}")
    ledger.write_ledger(out, fmt=request.param)
    return load_dataset(out, as_of=AS_OF, key=KEY)


def test_canonical_twin_loads_without_quarantine(canonical) -> None:
    assert canonical.quarantine.empty
    loaded = canonical.provenance.set_index("table")
    for name, rows in ledger.RECORDS.items():
        assert loaded.loc[name, "rows_loaded"] == len(rows), name


def test_ledger_loads_to_the_same_clean_tables(canonical, ledgered) -> None:
    for name in ledger.RECORDS:
        got, want = ledgered.tables[name], canonical.tables[name]
        pdt.assert_frame_equal(got.reset_index(drop=True), want.reset_index(drop=True), obj=name)


def test_each_bad_row_lands_under_its_rule(ledgered) -> None:
    q = ledgered.quarantine
    found = set(zip(q["table"], q["column"], q["rule"], strict=True))
    assert found == ledger.expected_quarantine()


def test_counts_reconcile(ledgered) -> None:
    p = ledgered.provenance[ledgered.provenance["status"] == "loaded"]
    assert (p["rows_read"] == p["rows_loaded"] + p["rows_quarantined"]).all()
    # every bad row (20) plus the exact duplicate (1) is quarantined once
    assert p["rows_quarantined"].sum() == len(ledger.BAD_ROWS) + 1
    per_table = ledgered.quarantine.groupby("table")["row"].nunique()
    assert per_table.to_dict() == p.set_index("table")["rows_quarantined"][lambda s: s > 0].to_dict()


def test_quarantine_rows_are_spreadsheet_rows(ledgered) -> None:
    q = ledgered.quarantine
    # mediation_cases: 2 good rows are spreadsheet rows 2-3; the first bad row (去年春天) is row 4
    row = q[(q["table"] == "mediation_cases") & (q["rule"] == "not_a_date")]["row"].tolist()
    assert row == [4]
    # the exact duplicate of resident_requests' first row sits after the 2 good rows: row 4, first seen at row 2
    dup = q[q["rule"] == "duplicate_row"]
    assert dup["row"].tolist() == [4]
    assert dup["message_zh"].iloc[0] == "第4行 与第2行完全相同；请删除此行"
    assert dup["message_en"].iloc[0] == "row 4, exact duplicate of row 2; delete this row"


def test_an_empty_required_cell_says_what_to_type(ledgered) -> None:
    # volunteer V003's 登记日期 is left empty (tests/ledger.py); the clerk is told what goes there,
    # as a bad date is (a reviewer's finding, 3 December 2026)
    q = ledgered.quarantine
    empty = q[(q["table"] == "volunteers") & (q["rule"] == "missing_value")]
    assert empty["message_zh"].str.endswith("必填项为空，请填写（如 2024-03-05）").all(), empty["message_zh"].tolist()
    assert empty["message_en"].str.endswith("required value is empty; fill it in (such as 2024-03-05)").all()


def test_messages_in_both_languages(ledgered) -> None:
    q = ledgered.quarantine
    msg = q[(q["table"] == "mediation_cases") & (q["rule"] == "not_a_date")]
    # free text that is not a date may be personal: shown as kind, length (4 characters)
    # and the first 8 hex digits of its keyed hash (HMAC-SHA256 under the test key)
    digest = hmac.new(KEY, "去年春天".encode(), hashlib.sha256).hexdigest()[:8]
    # the mask speaks the language of the words around it: Chinese in the value column (what
    # quarantine.xlsx shows a clerk) and the Chinese message, English in the English message
    shown_zh, shown_en = f"‹文字，4 字› #{digest}", f"‹text, 4 chars› #{digest}"
    assert msg["value"].iloc[0] == shown_zh
    # issue 11: the message also says how to type a date
    # the cell as Excel shows it: 受理日期 is the ledger's 4th column (案件编号, 社区, 小区, 受理日期), D
    assert msg["message_zh"].iloc[0] == (f"第4行 D列 “受理日期”: 无法识别的日期 “{shown_zh}”，"
                                         "请写成 2024-03-05 或 2024年3月5日")
    assert msg["message_en"].iloc[0] == (f"row 4, column D, received_on: not a date: '{shown_en}'; "
                                         "type it as 2024-03-05 or 2024年3月5日")
    # a value that parses as the column's kind cannot be personal and is shown as it is
    late = q[(q["table"] == "mediation_cases") & (q["rule"] == "future_date")]
    assert late["value"].iloc[0] in ("2031-01-01", "2031年1月1日")  # as the ledger wrote it


def test_every_code_message_names_the_accepted_labels(ledgered) -> None:
    q = ledgered.quarantine
    coded = q[q["rule"] == "unknown_code"]
    assert len(coded)  # the ledger plants "律师、巫师" in mediators
    for row in coded.itertuples(index=False):
        labels = contract.TABLES[row.table].column(row.column).codes.values()
        assert all(label in row.message_zh for label in labels), row.message_zh
        assert all(label in row.message_en for label in labels), row.message_en


def test_messages_say_which_item_and_where(ledgered) -> None:
    q = ledgered.quarantine.set_index(["table", "record_id", "rule"])
    # m14's mediators are typed "律师、巫师": the second item is no code; the first reads as 律师
    item = q.loc[("mediation_cases", "m14", "unknown_code")]
    assert "第 2 项不是可选的值（读到: 律师、？）" in item["message_zh"]
    assert "item 2 is not an accepted value (read: 律师、？)" in item["message_en"]
    assert item["community"] == "xiangbei"
    # e10 names facility f404, which the facilities table does not hold: plain words, not "unknown reference"
    ref = q.loc[("culture_events", "e10", "unknown_reference")]
    assert "“场所”: 在设施台账中找不到编号 “f404”" in ref["message_zh"]
    assert ref["community"] == "renminlu"
    # a community that is not in the communities table: the message lists those that are
    unknown = ledgered.quarantine
    unknown = unknown[(unknown["table"] == "mediation_cases") & (unknown["rule"] == "unknown_reference")]
    assert "请填写以下社区的名称或编码: 人民路社区、湘北社区" in unknown["message_zh"].iloc[0]
    assert unknown["community"].iloc[0] == ""  # the row names no known community


# names as the synthetic province spells them, with ids: many share their letters, so the
# letters a value shares with a name rule out few of them and difflib decides
_PLACES = tuple(f"模拟{i:04d}社区" for i in range(1, 61)) + tuple(f"c{i:04d}" for i in range(1, 61)) + ("人民路社区",)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="模拟社区去人民路c0123456789 　", min_size=0, max_size=12), max_size=8))
def test_a_suggested_community_is_difflibs_closest_name(typed: list[str]) -> None:
    from linli.validate import _Places

    got = _Places("", _PLACES).suggest(pd.Series(typed, dtype=object))
    # worked out by difflib itself over every name, value by value, after the same cleaning
    want = {}
    for value in typed:
        text = value.strip(" 　")
        close = difflib.get_close_matches(text, _PLACES, n=1, cutoff=0.75) if len(text) >= 3 else []
        if close:
            want[value] = close[0]
    assert got == want


def test_each_misspelt_value_gets_its_own_community() -> None:
    from linli.validate import _Places

    # one letter off each (路→略, 北→比): 2·4/(5+5) = 0.8 and 2·3/(4+4) = 0.75, both at the 0.75 cutoff or above;
    # "人民街道办事处" shares only 人民 with 人民路社区: at most 2·2/(7+5) = 0.33
    places = _Places("", ("人民路社区", "湘北社区", "renminlu", "xiangbei"))
    typed = pd.Series(["人民略社区", "湘比社区", "人民街道办事处", "人民略社区"], dtype=object)
    assert places.suggest(typed) == {"人民略社区": "人民路社区", "湘比社区": "湘北社区"}


def test_pii_dropped_and_ids_pseudonymised(canonical) -> None:
    volunteers = canonical.tables["volunteers"]
    assert not {"name", "phone", "id_number"} & set(volunteers.columns)
    assert "address" not in canonical.tables["vulnerable_residents"].columns
    assert not volunteers["volunteer_id"].isin(["V001", "V002"]).any()
    # the same key gives the same pseudonym in both tables, so services still link to the register
    register = set(canonical.tables["vulnerable_residents"]["resident_id"])
    assert set(canonical.tables["services"]["resident_id"]) <= register


def test_no_personal_value_in_any_file_written(ledgered, tmp_path: Path) -> None:
    written = save_dataset(ledgered, tmp_path / "processed")
    blobs = [p.read_bytes() for p in written.values()]
    for value in ledger.PII_VALUES + ["V001", "R01", "W01"]:
        needle = value.encode("utf-8")
        assert not any(needle in b for b in blobs), value
    text = ledgered.quarantine.to_csv()
    for value in ledger.PII_VALUES:
        assert value not in text


def test_clean_dtypes_follow_the_contract(canonical) -> None:
    for name, frame in canonical.tables.items():
        for col in contract.TABLES[name].clean_columns:
            assert str(frame[col.name].dtype) == col.dtype, (name, col.name)
    cases = canonical.tables["mediation_cases"]
    assert cases.loc[cases["case_id"] == "m1", "mediators"].item() == "police;grid_worker;volunteer"
    survey = canonical.tables["survey_responses"]
    assert survey["weight"].tolist() == [1.5, 1.0]  # empty weight takes the default 1


def test_geo_tables_are_geodataframes_in_wgs84(canonical) -> None:
    for name in ("boundaries", "compounds", "facilities"):
        frame = canonical.tables[name]
        assert frame.crs.to_epsg() == 4326
        assert frame.geometry.notna().all()


def test_absent_optional_table_is_reported_not_fatal(tmp_path: Path) -> None:
    ledger.write_canonical(tmp_path)
    (tmp_path / "services.csv").unlink()
    ds = load_dataset(tmp_path, as_of=AS_OF, key=KEY)
    status = ds.provenance.set_index("table")["status"]
    assert status["services"] == "absent"
    assert "services" not in ds.tables


def test_missing_communities_is_an_input_error(tmp_path: Path) -> None:
    ledger.write_canonical(tmp_path)
    (tmp_path / "communities.csv").unlink()
    with pytest.raises(InputError, match="communities"):
        load_dataset(tmp_path, as_of=AS_OF, key=KEY)


def test_geometry_rules(tmp_path: Path) -> None:
    bowtie = {"type": "Polygon", "coordinates": [[[112.601, 26.891], [112.602, 26.892], [112.602, 26.891],
                                                  [112.601, 26.892], [112.601, 26.891]]]}
    extra = {
        "compounds": [
            # 0.1° east of the zone's east edge (112.62) ≈ 9.9 km, far beyond the 1 km tolerance
            {"compound_id": "far", "community_id": "renminlu", "name_zh": "远方", "households": 10,
             "geometry": ("point", (112.72, 26.895))},
            # 0.005° east ≈ 0.5 km outside the box: within the tolerance, loaded
            {"compound_id": "near", "community_id": "xiangbei", "name_zh": "近处", "households": 10,
             "geometry": ("point", (112.625, 26.895))},
            {"compound_id": "bow", "community_id": "renminlu", "name_zh": "领结", "households": 10,
             "geometry": ("raw", bowtie)},
            {"compound_id": "line", "community_id": "renminlu", "name_zh": "线", "households": 10,
             "geometry": ("raw", {"type": "LineString", "coordinates": [[112.601, 26.891], [112.602, 26.892]]})},
            {"compound_id": "nowhere", "community_id": "renminlu", "name_zh": "无图", "households": 10,
             "geometry": ("raw", None)},
        ],
        "facilities": [
            # a culture room must give its floor area (only fitness points and markets may leave it empty)
            {"facility_id": "f3", "community_id": "renminlu", "name_zh": "文体活动室", "category": "culture_room",
             "floor_area_m2": None, "opened_on": "2020-01-01", "geometry": ("point", (112.606, 26.896))},
        ],
    }
    ledger.write_canonical(tmp_path)
    ledger.write_geo(tmp_path, extra=extra)
    ds = load_dataset(tmp_path, as_of=AS_OF, key=KEY)
    q = ds.quarantine[ds.quarantine["table"] == "compounds"]
    # features 3-7 of compounds.geojson (1-based feature numbers); feature 4 ("near") is loaded
    assert set(zip(q["row"], q["rule"], q["outcome"], strict=True)) == {
        (3, "outside_zone", "loaded"), (5, "invalid_geometry", "loaded"),
        (6, "wrong_geometry_type", "loaded"), (7, "missing_geometry", "loaded"),
    }
    # a compound with a bad geometry is still a known id: it loads, without its geometry
    compounds = ds.tables["compounds"].set_index("compound_id")
    assert set(compounds.index) == {"cp1", "cp3", "far", "near", "bow", "line", "nowhere"}
    assert compounds.geometry.isna().to_dict() == {
        "cp1": False, "cp3": False, "far": True, "near": False, "bow": True, "line": True, "nowhere": True}
    assert ds.provenance.set_index("table").loc["compounds", "rows_quarantined"] == 0
    f = ds.quarantine[ds.quarantine["table"] == "facilities"]
    assert f[["row", "column", "rule", "outcome"]].values.tolist() == [
        [3, "floor_area_m2", "missing_value", "quarantined"]]
    # f2, a fitness point, has no floor area either and is loaded
    assert "f2" in set(ds.tables["facilities"]["facility_id"])


def test_as_of_from_dataset_yaml(tmp_path: Path) -> None:
    ledger.write_canonical(tmp_path)
    (tmp_path / "dataset.yaml").write_text("name: t\nsynthetic: true\nas_of: 2024-06-30\n", encoding="utf-8")
    ds = load_dataset(tmp_path, key=KEY)
    assert ds.as_of == dt.date(2024, 6, 30) and ds.synthetic
    # rows dated after 2024-06-30 are now in the future: m2 (2024-11-20), a2 (2024-10-01),
    # volunteer V002's left_on (2024-12-31), facility f2 opened 2024-08-01; org o2 dissolved
    # 2024-06-30 is on the as-of day itself and request q2 (2024-06-01) is before it: both kept
    future = ds.quarantine[ds.quarantine["rule"] == "future_date"]
    assert set(zip(future["table"], future["column"], strict=True)) == {
        ("mediation_cases", "received_on"), ("volunteer_activities", "date"), ("volunteers", "left_on"),
        ("facilities", "opened_on"),
    }


def test_processed_tables_round_trip(canonical, tmp_path: Path) -> None:
    written = save_dataset(canonical, tmp_path)
    back = pd.read_parquet(written["mediation_cases"])
    pdt.assert_frame_equal(back, canonical.tables["mediation_cases"])


def test_every_rule_is_exercised(ledgered, tmp_path: Path) -> None:
    """Every rule of the contract is broken by some fixture row in this module."""
    from linli.contract import RULES

    by_ledger = set(ledgered.quarantine["rule"])
    by_geometry = {"outside_zone", "invalid_geometry", "wrong_geometry_type", "missing_geometry"}
    # planted by the corpus of broken inputs (tests/corpus), which checks each one
    by_corpus = {"swapped_coordinates", "non_finite_coordinates", "polygon_as_point", "mixed_encoding",
                 "uncomputed_formula", "personal_data_masked", "not_a_coordinate", "total_row",
                 "signature_row", "extra_cells", "reserved_id", "id_case_clash", "community_is_zone"}
    assert set(RULES) == by_ledger | by_geometry | by_corpus


# ------------------------------------------------------------ the evaluator's notes


def test_notes_are_read_by_unit_and_language_with_numbers_masked(tmp_path: Path) -> None:
    from linli.dataset import read_notes

    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "xiangbei.md").write_bytes("\ufeff# 问题\n联系 13912345678\n".encode())  # a BOM, as Notepad writes
    (notes / "xiangbei.en.md").write_text("# Findings\n", encoding="utf-8")
    (notes / ".xiangbei.md.swp").write_bytes(b"\0")  # an editor's file: not a note
    assert read_notes(tmp_path) == {("xiangbei", "zh"): "# 问题\n联系 ***\n", ("xiangbei", "en"): "# Findings\n"}
    assert read_notes(tmp_path / "nowhere") == {}


@pytest.mark.parametrize(("name", "data", "expected"), [
    ("xiangbei.txt", b"x", "notes/xiangbei.txt: not a note's name; name a note <unit_id>.md (in zh) or <unit_id>.en.md."),
    ("xiangbei.fr.md", b"x", "notes/xiangbei.fr.md: not a note's name"),
    ("a b.md", b"x", "notes/a b.md: not a note's name"),
    ("xiangbei.md", "问题".encode("gbk"), "notes/xiangbei.md: not UTF-8 text (byte 0); save the note as UTF-8."),
    # 256 KiB = 262,144 bytes is the most a note may hold
    ("xiangbei.md", b"x" * 262_145, "notes/xiangbei.md: 262,145 bytes; a note may hold at most 262,144."),
])
def test_a_bad_note_is_one_line_naming_the_file(tmp_path: Path, name: str, data: bytes, expected: str) -> None:
    from linli.dataset import read_notes

    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / name).write_bytes(data)
    with pytest.raises(InputError) as err:
        read_notes(tmp_path)
    assert str(err.value).startswith(expected) and "\n" not in str(err.value)


def test_provenance_opens_in_chinese_excel_with_its_chinese_file_names(ledgered, tmp_path: Path) -> None:
    # Chinese Excel reads a CSV without a byte-order mark as GBK: the ledgers' Chinese file
    # names (人口台账.xlsx …) came out garbled for the auditor. With the mark, as quarantine.csv has.
    written = save_dataset(ledgered, tmp_path / "processed")
    raw = written["provenance"].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(written["provenance"], dtype=str, keep_default_na=False)  # pandas reads past the mark
    assert back.columns[0] == ledgered.provenance.columns[0]
    assert back["file"].tolist() == ledgered.provenance["file"].astype(str).tolist()


def test_load_and_save_writes_what_load_then_save_write(tmp_path: Path) -> None:
    """``linli validate`` writes each clean table while the next is checked: the same files,
    byte for byte, as loading everything and then saving it (a ledger with bad rows, so the
    quarantine is not empty)."""
    raw = tmp_path / "raw"
    ledger.write_ledger(raw, fmt="xlsx")
    apart = save_dataset(load_dataset(raw, as_of=AS_OF, key=KEY), tmp_path / "apart")
    ds, together = load_and_save(raw, tmp_path / "together", as_of=AS_OF, key=KEY)
    assert list(together) == list(apart)
    assert len(ds.quarantine) > 0
    for name, path in apart.items():
        assert together[name].read_bytes() == path.read_bytes(), name
    assert sorted(p.name for p in (tmp_path / "together").iterdir()) == [
        "provenance.csv", "quarantine.csv", "quarantine.xlsx", "tables"]


def test_clean_tables_keep_statistics_of_numbers_and_dates_only(canonical, tmp_path: Path) -> None:
    """A page's least and greatest value are cheap for numbers and dates; of text in ledger
    order they let a filter skip next to nothing, and cost a quarter of the writing."""
    written = save_dataset(canonical, tmp_path / "out")

    def with_statistics(path: Path) -> dict[str, bool]:
        meta = pq.ParquetFile(path).metadata
        return {meta.schema.column(i).name: meta.row_group(0).column(i).statistics is not None
                for i in range(meta.num_columns)}

    assert with_statistics(written["services"]) == {
        "service_id": False, "community_id": False, "resident_id": False, "date": True,
        "service_type": False, "provider": False, "minutes": True}
    # a geometry is no number either
    assert [c for c, has in with_statistics(written["compounds"]).items() if has] == [
        "households", "built_year", "renovation_completed_on", "parking_spaces", "party_branch_since",
        "owners_committee_since", "self_governed"]


def test_a_load_that_stops_leaves_the_last_tables_as_they_were(tmp_path: Path) -> None:
    """services.csv without its id column stops the load after the tables before it are
    checked and written: the tables of the run before are kept, nothing half-written stays."""
    raw, out = tmp_path / "raw", tmp_path / "out"
    ledger.write_canonical(raw)
    load_and_save(raw, out, as_of=AS_OF, key=KEY)
    before = {p.name: p.read_bytes() for p in (out / "tables").iterdir()}
    (raw / "communities.csv").write_text(
        (raw / "communities.csv").read_text(encoding="utf-8").replace("湘北社区", "湘北新村社区"), encoding="utf-8")
    services = pd.read_csv(raw / "services.csv", dtype=str)
    services.drop(columns=["service_id"]).to_csv(raw / "services.csv", index=False)
    with pytest.raises(InputError, match="service_id"):
        load_and_save(raw, out, as_of=AS_OF, key=KEY)
    assert {p.name: p.read_bytes() for p in (out / "tables").iterdir()} == before
    assert sorted(p.name for p in out.iterdir()) == ["provenance.csv", "quarantine.csv", "quarantine.xlsx", "tables"]


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_progress_bar_shows_in_a_terminal_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tqdm import tqdm

    ledger.write_canonical(tmp_path)
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    load_dataset(tmp_path, as_of=AS_OF, key=KEY, progress_bar=True)
    shown = terminal.getvalue()
    # the bar counts the bytes of the ledgers (every file of the folder is a table here),
    # names each file as it is checked, and is cleared at the end (leave=False: "\r" last)
    total = sum(p.stat().st_size for p in tmp_path.iterdir())
    assert f"/{tqdm.format_sizeof(total)}" in shown
    assert "services.csv" in shown and "survey_responses.csv" in shown and "检查台账 / checking" in shown
    assert shown.endswith("\r")
    piped = io.StringIO()  # not a terminal (a log file, CI): nothing
    monkeypatch.setattr(sys, "stderr", piped)
    load_dataset(tmp_path, as_of=AS_OF, key=KEY, progress_bar=True)
    assert piped.getvalue() == ""


class _Pool:
    """A stand-in for the reading thread: records what is submitted, in order; reads at once,
    or (``hold``) leaves each read waiting."""

    def __init__(self, *, hold: bool = False) -> None:
        self.submitted: list[str] = []
        self.futures: list[Future[str]] = []
        self.hold = hold

    def submit(self, read: Callable[[str], str], name: str) -> Future[str]:
        self.submitted.append(name)
        future: Future[str] = Future()
        if not self.hold:
            future.set_result(read(name))
        self.futures.append(future)
        return future


def test_tables_are_read_ahead_in_order_as_far_as_the_budget_of_file_bytes_allows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # budget 40 bytes; the one being checked counts; the next table is always read
    monkeypatch.setattr(dataset, "READ_AHEAD_BYTES", 40)
    sizes = {"a": 10, "b": 10, "c": 100, "d": 10, "e": 10}
    pool = _Pool()
    with dataset._ReadAhead(pool, str.upper, list(sizes), sizes) as ahead:  # type: ignore[arg-type]
        assert pool.submitted == ["a", "b"]  # a, then b: 10 + 10 ≤ 40; c: 20 + 100 > 40
        assert ahead.take("a") == "A"
        assert pool.submitted == ["a", "b"]  # checking a (10), b waiting (10): c would make 120
        assert ahead.take("b") == "B"
        assert pool.submitted == ["a", "b", "c"]  # nothing waiting: c is read, however large
        ahead.take("c")
        assert pool.submitted == ["a", "b", "c", "d"]  # checking c: d alone; e would make 120
        ahead.take("d")
        assert pool.submitted == ["a", "b", "c", "d", "e"]  # checking d (10) + e (10) ≤ 40
        assert ahead.take("e") == "E"


def test_reading_ahead_stops_when_the_load_does(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dataset, "READ_AHEAD_BYTES", 100)
    sizes = dict.fromkeys("abc", 10)
    pool = _Pool(hold=True)
    with pytest.raises(InputError), dataset._ReadAhead(pool, str.upper, list(sizes), sizes):  # type: ignore[arg-type]
        raise InputError("a ledger that cannot be read")
    assert pool.submitted == ["a", "b", "c"] and all(f.cancelled() for f in pool.futures)


# ------------------------------------------------------------ a ledger in a file per year


def test_a_ledger_split_into_a_file_per_year_loads_as_the_whole(tmp_path: Path) -> None:
    # the GBK ledgers (bad rows among them), and the same with the mediation ledger's first
    # 4 records in a 2023 CSV and the other 5 in a 2024 workbook: the same clean tables and
    # the same quarantine lines, each line of the second part in the workbook, its row
    # number 4 less (record 5, line 6 of the whole file, is line 2 of the workbook)
    import csv as csv_module

    import openpyxl

    whole, split = tmp_path / "whole", tmp_path / "split"
    for folder in (whole, split):
        folder.mkdir()
        ledger.write_ledger(folder, fmt="gbk")
    source = split / "2024年 纠纷调解台账.csv"
    with source.open(encoding="gb18030", newline="") as fh:
        header, *records = list(csv_module.reader(fh))
    assert len(records) == 9
    source.unlink()
    with (split / "2023年 纠纷调解台账.csv").open("w", encoding="gb18030", newline="") as fh:
        csv_module.writer(fh).writerows([header, *records[:4]])
    book = openpyxl.Workbook()
    for row in [header, *records[4:]]:
        book.active.append([cell or None for cell in row])  # a blank CSV cell is an empty cell
    book.save(split / "2024年 纠纷调解台账.xlsx")

    a, b = load_dataset(whole, as_of=AS_OF, key=KEY), load_dataset(split, as_of=AS_OF, key=KEY)
    for name in a.tables:
        pdt.assert_frame_equal(b.tables[name], a.tables[name], obj=name)
    qa = a.quarantine[a.quarantine["table"] == "mediation_cases"].reset_index(drop=True)
    qb = b.quarantine[b.quarantine["table"] == "mediation_cases"].reset_index(drop=True)
    assert len(qa) > 0 and len(qa) == len(qb)
    same = ["table", "column", "rule", "value", "outcome", "community", "record_id"]
    pdt.assert_frame_equal(qb[same], qa[same])
    later = qa["row"].astype(int) > 5  # records 5..9 of the whole file: its lines 6..10
    assert (qb["file"] == qa["file"].where(~later, "2024年 纠纷调解台账.xlsx")
            .where(later, "2023年 纠纷调解台账.csv")).all()
    assert (qb["row"].astype(int) == qa["row"].astype(int) - later * 4).all()
    cases = b.provenance.set_index("table").loc["mediation_cases"]
    assert cases["file"] == "2023年 纠纷调解台账.csv; 2024年 纠纷调解台账.xlsx"
    assert cases[["rows_read", "rows_loaded", "rows_quarantined"]].tolist() == \
        a.provenance.set_index("table").loc["mediation_cases", ["rows_read", "rows_loaded", "rows_quarantined"]].tolist()
