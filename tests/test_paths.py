"""Folders as users name them: spaces and Chinese characters in every path.

Street offices keep their ledgers in folders such as ``D:\\评估\\2024年 台账``; every
command must read from and write to such folders, and the notebooks, the hand-off
and the browser must cope with them too.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from linli import config
from linli.cli import main


@pytest.fixture(scope="module")
def spaced(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo ledgers copied into ``评估 材料/2024年 台账``."""
    root = tmp_path_factory.mktemp("paths") / "评估 材料"
    data = root / "2024年 台账"
    shutil.copytree(config.RAW_DIR, data)
    return root


@pytest.fixture(autouse=True)
def _key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LINLI_KEY", "paths-test-key")


def test_validate_indicators_index_claims(spaced: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data, out = spaced / "2024年 台账", spaced / "输出 结果"
    assert main(["validate", "--data-dir", str(data), "--out", str(out / "清洗 数据")]) == 0
    assert (out / "清洗 数据" / "quarantine.csv").is_file()
    assert (out / "清洗 数据" / "tables" / "communities.parquet").is_file()
    assert main(["indicators", "--data-dir", str(data), "--out", str(out / "指标 表.csv")]) == 0
    assert main(["index", "--data-dir", str(data), "--out", str(out / "指数 表.parquet")]) == 0
    assert main(["claims", "--data-dir", str(data), "--out", str(out / "核对 结果.csv")]) == 0
    with (out / "指标 表.csv").open(encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh))
    assert header[:4] == ["unit_id", "unit_type", "year", "indicator"]
    assert (out / "指数 表.parquet").stat().st_size > 0
    err = capsys.readouterr().err
    assert "Traceback" not in err


def test_synth_into_a_spaced_chinese_folder(spaced: Path) -> None:
    out = spaced / "合成 数据"
    assert main(["synth", "--communities", "2", "--seed", "3", "--out", str(out), "--quiet"]) == 0
    assert (out / "communities.csv").is_file() and (out / "dataset.yaml").is_file()
    # what it wrote validates from that folder
    assert main(["validate", "--data-dir", str(out), "--out", str(spaced / "合成 检查")]) == 0


def test_build_html_and_pdf(spaced: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if shutil.which("chromium") is None and shutil.which("chromium-browser") is None:
        pytest.fail("Chromium is needed for the PDF (make setup installs it)")
    data, out = spaced / "2024年 台账", spaced / "报告 输出"
    code = main(["build", "--data-dir", str(data), "--units", "xiangbei", "--format", "html,pdf",
                 "--jobs", "1", "--out", str(out), "--quiet"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    year = out / "2024"
    html = (year / "xiangbei.html").read_text(encoding="utf-8")
    assert "湘北社区" in html
    assert (year / "xiangbei.pdf").read_bytes()[:5] == b"%PDF-"
    assert (year / "index.html").is_file()
    assert "Traceback" not in captured.err
