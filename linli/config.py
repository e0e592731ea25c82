"""Paths and defaults, in one place; nothing is run at import.

Paths
-----
``PROJECT_ROOT``   the checkout (the parent of the package, when it holds linli's
                   ``pyproject.toml``); for an installed package, the working directory;
                   ``$LINLI_HOME`` when set
``RAW_DIR``        ``data/raw`` — the inputs, never written by linli
``PROCESSED_DIR``  ``data/processed`` — generated clean tables, quarantine, indicators
``REPORTS_DIR``    ``reports`` — generated reports
``KEY_FILE``       ``data/.linli_key`` — the pseudonymisation key (git-ignored), created once
``CACHE_DIR``      hand-offs made for notebooks run on their own: ``$LINLI_CACHE``, else
                   ``$XDG_CACHE_HOME/linli``, else ``~/.cache/linli``

Tunables
--------
``SALT_ENV``             environment variable that may hold the pseudonymisation key
``ZONE_TOLERANCE_M``     tolerance of the zone bounding-box check (1 km, the data contract)
``SMALL_CELL``           counts of persons under this are suppressed by compound (5)
``ACCEPTED_EPSG``        CRSs accepted for geometry inputs: WGS84 and CGCS2000
"""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE_PARENT = Path(__file__).resolve().parent.parent


def _project_root() -> Path:
    """``$LINLI_HOME``; the checkout holding the package; the working directory for an installed one."""
    if os.environ.get("LINLI_HOME"):
        return Path(os.environ["LINLI_HOME"])
    pyproject = _PACKAGE_PARENT / "pyproject.toml"
    if pyproject.is_file() and 'name = "linli"' in pyproject.read_text(encoding="utf-8"):
        return _PACKAGE_PARENT
    return Path.cwd()


PROJECT_ROOT: Path = _project_root()
RAW_DIR: Path = PROJECT_ROOT / "data" / "raw"
PROCESSED_DIR: Path = PROJECT_ROOT / "data" / "processed"
REPORTS_DIR: Path = PROJECT_ROOT / "reports"
KEY_FILE: Path = PROJECT_ROOT / "data" / ".linli_key"
CACHE_DIR: Path = (
    Path(os.environ["LINLI_CACHE"]) if os.environ.get("LINLI_CACHE")
    else Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "linli"
)

SALT_ENV: str = "LINLI_KEY"
ZONE_TOLERANCE_M: float = 1000.0
SMALL_CELL: int = 5
ACCEPTED_EPSG: tuple[int, ...] = (4326, 4490)
