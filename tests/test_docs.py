"""The repository stands alone: its generated pages are in step with the code, and nothing refers outside it."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from linli import contract, contract_doc
from linli.cli import build_parser

ROOT = Path(__file__).resolve().parents[1]


def test_data_contract_page_is_generated_from_the_contract() -> None:
    page = ROOT / "docs" / "data-contract.md"
    assert page.read_text(encoding="utf-8") == contract_doc.render_markdown(), (
        "docs/data-contract.md is stale; run `python -m linli.contract_doc`"
    )


def test_the_page_names_every_table_column_header_and_label() -> None:
    page = contract_doc.render_markdown()
    for table in contract.TABLES.values():
        assert f"(`{table.name}`)" in page and table.title_zh in page
        for col in contract_doc.template_columns(table):
            assert f"| `{col.name}` | **{col.label_zh}**" in page
    for codes in contract.CODE_LISTS.values():
        for code, label in codes.items():
            assert f"| {label} | `{code}` |" in page
    for rule in contract.RULES:
        assert f"| `{rule}` |" in page


def test_help_points_to_the_contract(capsys: pytest.CaptureFixture[str]) -> None:
    for command in ("validate", "template"):
        with pytest.raises(SystemExit):
            build_parser().parse_args([command, "--help"])
        # argparse wraps lines, at a hyphen too: compare without white space
        assert "docs/data-contract.md" in re.sub(r"\s+", "", capsys.readouterr().out)


# Built from pieces so that this file does not match itself.
_OUTSIDE = re.compile("|".join([
    r"\.\./" + "shared", "shared/" + r"(spec|seed|DESIGN|STYLE)",
    *(name + r"\.md" for name in ("DATA", "INDICATORS", "CLAIMS", "DESIGN", "STYLE")),
]))


def test_nothing_in_the_repository_refers_to_files_outside_it() -> None:
    git = shutil.which("git")
    if git is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    files = subprocess.run([git, "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    assert files, "git ls-files listed nothing"
    found = []
    for name in files.decode("utf-8").split("\0"):
        path = ROOT / name
        if not name or not path.is_file():
            continue
        text = path.read_bytes().decode("utf-8", errors="replace")
        found += [f"{name}:{text.count(chr(10), 0, m.start()) + 1}: {m.group(0)}" for m in _OUTSIDE.finditer(text)]
    assert found == []
