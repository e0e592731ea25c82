"""The `linli` command: exit codes, one-line errors, and the files it writes."""

from __future__ import annotations

import csv
import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from linli.cli import main

from . import ledger


@pytest.fixture
def key_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LINLI_KEY", "cli-test-key")


def test_help_explains_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert "validate" in out and "synth" in out


def test_validate_writes_quarantine_and_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], key_env: None
) -> None:
    data = tmp_path / "raw"
    ledger.write_ledger(data, fmt="gbk")
    code = main(["validate", "--data-dir", str(data), "--out", str(tmp_path / "out"), "--as-of", "2025-01-31"])
    assert code == 0
    out = capsys.readouterr().out
    assert "mediation_cases" in out and "quarantined" in out
    with (tmp_path / "out" / "quarantine.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][:6] == ["table", "file", "row", "column", "rule", "value"]
    # one line per broken rule: the 20 bad rows and the exact duplicate break one rule each
    assert len(rows) - 1 == len(ledger.BAD_ROWS) + 1
    assert (tmp_path / "out" / "tables" / "communities.parquet").exists()


def test_unreadable_file_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], key_env: None
) -> None:
    ledger.write_canonical(tmp_path)
    (tmp_path / "volunteers.csv").unlink()
    (tmp_path / "volunteers.xlsx").write_bytes(b"this is not a workbook")
    code = main(["validate", "--data-dir", str(tmp_path), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and "volunteers.xlsx" in err
    assert "Traceback" not in err


def test_missing_required_column_is_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], key_env: None
) -> None:
    ledger.write_canonical(tmp_path)
    text = (tmp_path / "population.csv").read_text(encoding="utf-8").splitlines()
    # drop the households column (5th) from every line
    cut = [",".join(line.split(",")[:4] + line.split(",")[5:]) for line in text]
    (tmp_path / "population.csv").write_text("\n".join(cut) + "\n", encoding="utf-8")
    code = main(["validate", "--data-dir", str(tmp_path), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2 and "households" in err and len(err.strip().splitlines()) == 1


def test_empty_file_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str], key_env: None) -> None:
    ledger.write_canonical(tmp_path)
    (tmp_path / "services.csv").write_bytes(b"")
    code = main(["validate", "--data-dir", str(tmp_path), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2 and "services.csv" in err


def test_missing_data_dir_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["validate", "--data-dir", str(tmp_path / "nope"), "--out", str(tmp_path / "out")])
    assert code == 2 and "does not exist" in capsys.readouterr().err


def test_bad_option_value_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["validate", "--as-of", "last spring"])
    assert exc.value.code == 2
    assert "not a date" in capsys.readouterr().err


def test_console_script_runs(tmp_path: Path) -> None:
    ledger.write_canonical(tmp_path)
    env = {"LINLI_KEY": "k", "PATH": str(Path(sys.executable).parent)}
    done = subprocess.run(
        [sys.executable, "-m", "linli.cli", "validate", "--data-dir", str(tmp_path), "--out", str(tmp_path / "o"),
         "--as-of", dt.date(2025, 1, 31).isoformat()],
        capture_output=True, text=True, env=env, check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "total" in done.stdout


DEMO = Path(__file__).resolve().parent.parent / "data" / "raw"


def test_indicators_file_is_the_public_format_and_byte_identical(tmp_path: Path, key_env: None) -> None:
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    assert main(["indicators", "--data-dir", str(DEMO), "--out", str(first)]) == 0
    assert main(["indicators", "--data-dir", str(DEMO), "--years", "2024", "--out", str(tmp_path / "y.parquet")]) == 0
    assert main(["indicators", "--data-dir", str(DEMO), "--out", str(second)]) == 0
    assert first.read_bytes() == second.read_bytes()
    with first.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["unit_id", "unit_type", "year", "indicator", "value", "ci_low", "ci_high"]
    # 4 communities + 1 zone, 3 years, 49 catalogue indicators (v2)
    assert len(rows) == 5 * 3 * 49
    zone = {r["indicator"]: r["value"] for r in rows if r["unit_id"] == "renmin" and r["year"] == "2024"}
    assert float(zone["residents"]) == 27457  # CLAIMS.md: 辖区实有人口27457人
    import pandas as pd

    only_2024 = pd.read_parquet(tmp_path / "y.parquet")
    assert set(only_2024["year"]) == {2024}


def test_claims_on_the_demo(tmp_path: Path, capsys: pytest.CaptureFixture[str], key_env: None) -> None:
    out = tmp_path / "claims.csv"
    assert main(["claims", "--data-dir", str(DEMO), "--out", str(out)]) == 0
    with out.open(encoding="utf-8", newline="") as fh:
        rows = {r["id"]: r for r in csv.DictReader(fh)}
    assert list(next(iter(rows.values()))) == ["id", "indicator", "unit_id", "year", "claimed", "observed", "verdict"]
    assert len(rows) == 9  # the nine figures of CLAIMS.md
    # the demo is calibrated to the counts (data/raw/README.md) ...
    assert rows["volunteers_growth"]["observed"] == "4275 → 6339"
    assert rows["orgs_growth"]["verdict"] == "agrees"
    # ... but not to the 19.7 % share: 6339 volunteers / 24896 resident population = 25.46 %
    assert rows["volunteer_share"]["verdict"] == "disagrees"
    assert rows["volunteer_share"]["observed"] == "25.5"
    printed = capsys.readouterr().out
    assert "volunteer_share" in printed and "disagrees" in printed
