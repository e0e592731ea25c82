"""``linli synth --style ledger``: the same records as a street office keeps them give the same indicators."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandas.testing as pdt
import pytest

from linli import indicators
from linli.dataset import load_dataset
from linli.synth import generate

KEY = b"test-key-ledger-style"


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    canonical, ledger = tmp_path_factory.mktemp("canonical"), tmp_path_factory.mktemp("ledger")
    generate(canonical, communities=3, seed=11)
    generate(ledger, communities=3, seed=11, style="ledger")
    return canonical, ledger


def test_written_as_a_street_office_keeps_it(both) -> None:
    _, ledger = both
    names = sorted(p.name for p in ledger.iterdir())
    assert "设施台账.xlsx" in names and "facilities.geojson" not in names  # points as a spreadsheet
    assert any(n.endswith(".csv") for n in names) and any(n.endswith(".xlsx") for n in names)
    assert not any(n.startswith(("mediation", "volunteers")) for n in names)  # Chinese file names
    gbk = next(p for p in ledger.iterdir() if p.suffix == ".csv")
    header = gbk.read_bytes().split(b"\r\n", 1)[0]
    with pytest.raises(UnicodeDecodeError):
        header.decode("utf-8")  # GBK bytes, not UTF-8
    assert "社区" in header.decode("gbk")
    assert "coordinates: gcj02" in (ledger / "dataset.yaml").read_text(encoding="utf-8")


def test_ledger_style_gives_exactly_the_canonical_indicators(both) -> None:
    canonical, ledger = both
    a, b = load_dataset(canonical, key=KEY), load_dataset(ledger, key=KEY)
    assert len(a.quarantine) == len(b.quarantine) == 0
    for name, frame in a.tables.items():
        pdt.assert_frame_equal(b.tables[name], frame, obj=name)
    long_a = indicators.compute(a.tables, as_of=a.as_of, covers=a.covers)
    long_b = indicators.compute(b.tables, as_of=b.as_of, covers=b.covers)
    pdt.assert_frame_equal(long_b, long_a)
    # the GCJ-02 round trip is accurate enough that the life-circle coverage is identical
    coverage = long_a["indicator"].isin(["life_circle_500m_pct", "fitness_300m_pct"])
    assert set(long_a.loc[coverage, "indicator"]) == {"life_circle_500m_pct", "fitness_300m_pct"}
    pdt.assert_series_equal(long_b.loc[coverage, "value"], long_a.loc[coverage, "value"])


def test_unknown_style_is_a_clear_error(tmp_path: Path) -> None:
    from linli.errors import ContractError

    with pytest.raises(ContractError, match="style 'office': valid: canonical, ledger"):
        generate(tmp_path, communities=1, style="office")
    assert not list(tmp_path.iterdir())


def test_facilities_moved_by_gcj02_in_the_file(both) -> None:
    import json

    canonical, ledger = both
    doc = json.loads((canonical / "facilities.geojson").read_text(encoding="utf-8"))
    sheet = pd.read_excel(ledger / "设施台账.xlsx")
    # the file holds GCJ-02: several hundred metres (> 0.002°) east of the WGS-84 point near Hengyang
    assert float(sheet["经度"].iloc[0]) - doc["features"][0]["geometry"]["coordinates"][0] > 0.002


def test_a_ledger_too_long_for_a_worksheet_is_kept_as_csv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A worksheet has 1,048,576 rows: the header and 1,048,575 records. The services of 200
    # communities over three years are more; `linli synth --communities 200 --style ledger`
    # stopped with an internal error at row 1,048,577. A street office has to keep such a
    # ledger as CSV; so does the synthetic one.
    from linli.synth import ledger_style

    table = ledger_style.TABLES["mediation_cases"]
    assert ledger_style.ledger_file_name(table, 0, None, records=1_048_575).endswith(".xlsx")  # 1 + 1,048,575 rows
    assert ledger_style.ledger_file_name(table, 0, None, records=1_048_576).endswith(".csv")  # one row too many
    assert ledger_style.ledger_file_name(table, 1, None, records=3).endswith(".csv")  # CSV in turn, as before

    canonical, ledger = tmp_path / "canonical", tmp_path / "ledger"
    generate(canonical, communities=2, seed=5)
    monkeypatch.setattr(ledger_style, "SHEET_RECORDS", 3)  # no ledger of more than 3 records in a workbook
    written = ledger_style.as_ledgers(canonical, ledger)
    assert written["communities"].suffix == ".xlsx"  # 2 communities fit
    services = len(pd.read_csv(canonical / "services.csv"))
    assert services > 3 and written["services"].suffix == ".csv"  # its turn (12th of the tables) is a workbook
    a, b = load_dataset(canonical, key=KEY), load_dataset(ledger, key=KEY)
    pdt.assert_frame_equal(b.tables["services"], a.tables["services"])  # every record, read back the same


def test_a_csv_ledger_written_a_chunk_at_a_time_is_the_ledger_written_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `linli synth --communities 2000 --style ledger` held each ledger whole as Python objects
    # and peaked at 19 GB; a CSV ledger is now rewritten CHUNK_RECORDS records at a time. The
    # dates are spelled in turn from row to row (ISO, 年月日, slashes), so the turn must go on
    # across chunks: 7 records a chunk (not a multiple of 3) writes the very bytes of one chunk.
    from linli.synth import ledger_style

    canonical = tmp_path / "canonical"
    generate(canonical, communities=2, seed=5)
    monkeypatch.setattr(ledger_style, "SHEET_RECORDS", 3)  # every ledger of more than 3 records is CSV
    whole = ledger_style.as_ledgers(canonical, tmp_path / "whole")
    monkeypatch.setattr(ledger_style, "CHUNK_RECORDS", 7)
    chunked = ledger_style.as_ledgers(canonical, tmp_path / "chunked")
    assert len(pd.read_csv(canonical / "services.csv")) > 7  # several chunks
    csv = [name for name, path in whole.items() if path.suffix == ".csv"]
    assert "services" in csv and len(csv) >= 5
    for name in csv:
        assert chunked[name].read_bytes() == whole[name].read_bytes(), name
    text = chunked["services"].read_bytes().decode("gbk").split("\r\n")
    assert "-" in text[1].split(",")[3] and "年" in text[2] and "/" in text[3].split(",")[3]  # the turn of spellings
