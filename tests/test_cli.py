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
