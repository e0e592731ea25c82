"""A corpus of broken and hostile inputs, as data the tests walk.

Every :class:`Case` starts from the small ledger dataset of ``tests/ledger.py``
(two communities of one zone, every table, personal data in the PII columns) with
a ``dataset.yaml`` and a ``published_claims.yaml``, and plants one kind of bad
input the way a street office's files really arrive: a stray quote, a workbook
kept one sheet per year, a GBK file with UTF-8 rows appended, a name typed into
the wrong column, a unit id that climbs out of the output folder, a billion
laughs in the claims file…

A case says what it plants, and what each command must do with it: the exit
code, a fragment of the message that names the real problem (and the file),
the quarantine rules it must raise, the rows each table must read, and the
personal-data strings it planted. :mod:`tests.corpus.harness` runs the commands
and checks every output; ``tests/test_corpus*.py`` walk the cases.

The cases live in :mod:`tests.corpus.cases`; :data:`CASES` lists them in order.
"""

from __future__ import annotations

from .base import COMMANDS, Case
from .cases import CASES

__all__ = ["CASES", "COMMANDS", "Case"]
