"""The corpus of broken and hostile inputs (tests/corpus): ``linli build``.

The build runs the report notebooks only for the cases that name units to build
(about ten seconds each: one community or zone, HTML only); on every case whose
input no command can use it must stop early, with exit 2 and one line.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .corpus import CASES
from .corpus.harness import check_command

BUILT = [c for c in CASES if c.runs("build")]


@pytest.fixture(autouse=True)
def _key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LINLI_KEY", "corpus-key")


@pytest.mark.parametrize("case", BUILT, ids=[c.name for c in BUILT])
def test_build(case, tmp_path: Path) -> None:
    check_command(case, "build", tmp_path)
