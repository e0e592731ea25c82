"""The corpus of broken and hostile inputs (tests/corpus): ``linli validate`` on every case.

What is checked on every run is listed in :mod:`tests.corpus.harness`; what each
case plants and expects, in :mod:`tests.corpus.cases`. The other commands run in
``test_corpus_indicators.py``, ``test_corpus_claims.py`` and ``test_corpus_build.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from linli.contract import RULES

from .corpus import CASES
from .corpus.harness import check_command


@pytest.fixture(autouse=True)
def _key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LINLI_KEY", "corpus-key")


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_validate(case, tmp_path: Path) -> None:
    check_command(case, "validate", tmp_path)


def test_the_corpus_is_large_and_names_are_unique() -> None:
    names = [c.name for c in CASES]
    assert len(names) == len(set(names))
    assert len(names) >= 60


def test_every_new_rule_is_planted_by_a_case() -> None:
    # the rules the issue added; the older ones are broken by tests/ledger.py's bad rows
    added = {"swapped_coordinates", "non_finite_coordinates", "polygon_as_point", "mixed_encoding",
             "uncomputed_formula", "personal_data_masked", "total_row"}
    assert added <= set(RULES)
    planted = {rule for c in CASES for _, rule in c.rules}
    assert added <= planted
