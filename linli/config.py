"""Paths and defaults, in one place; nothing is run at import.

Paths
-----
``PROJECT_ROOT``   the checkout (parent of the package), or ``$LINLI_HOME`` when set
``RAW_DIR``        ``data/raw`` — the inputs, never written by linli
``PROCESSED_DIR``  ``data/processed`` — generated clean tables, quarantine, indicators
``REPORTS_DIR``    ``reports`` — generated reports
``KEY_FILE``       ``data/.linli_key`` — the pseudonymisation key (git-ignored), created once

Tunables
--------
``SALT_ENV``             environment variable that may hold the pseudonymisation key
``ZONE_TOLERANCE_M``     tolerance of the zone bounding-box check (1 km, DATA.md)
``SMALL_CELL``           counts of persons under this are suppressed by compound (5)
``ACCEPTED_EPSG``        CRSs accepted for geometry inputs: WGS84 and CGCS2000
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT: Path = Path(os.environ.get("LINLI_HOME", Path(__file__).resolve().parent.parent))
RAW_DIR: Path = PROJECT_ROOT / "data" / "raw"
PROCESSED_DIR: Path = PROJECT_ROOT / "data" / "processed"
REPORTS_DIR: Path = PROJECT_ROOT / "reports"
KEY_FILE: Path = PROJECT_ROOT / "data" / ".linli_key"

SALT_ENV: str = "LINLI_KEY"
ZONE_TOLERANCE_M: float = 1000.0
SMALL_CELL: int = 5
ACCEPTED_EPSG: tuple[int, ...] = (4326, 4490)
