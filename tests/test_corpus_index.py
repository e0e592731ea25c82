"""The corpus of broken and hostile inputs (tests/corpus): ``linli index`` on every case.

What is checked on every run is listed in :mod:`tests.corpus.harness`. (One file per
command, so that the test workers share the corpus.)
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .corpus import CASES
from .corpus.harness import check_command


@pytest.fixture(autouse=True)
def _key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LINLI_KEY", "corpus-key")


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_index(case, tmp_path: Path) -> None:
    check_command(case, "index", tmp_path)
