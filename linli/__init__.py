"""linli (邻里): assess community-governance innovation zones, offline and reproducibly.

The package reads as its data flows: ``io`` → ``validate`` → ``quarantine`` → ``dataset`` →
``indicators`` → ``spec`` → ``index`` → ``uncertainty`` / ``progress`` / ``claims`` →
``figures`` → ``report`` → ``cli``. ``figures``, ``report`` and the others in ``_LAZY`` are
imported on first use (they load matplotlib, Jupyter and SciPy: a build that changes
nothing needs none of them).
"""

from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError, version
from types import ModuleType

from . import claims as claims
from . import config as config
from . import contract as contract
from . import dataset as dataset
from . import indicators as indicators
from . import privacy as privacy
from .dataset import load_dataset as load_dataset
from .errors import LinliError as LinliError

try:
    __version__ = version("linli")
except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
    __version__ = "0.0.0"

_LAZY = {"access", "build", "explore", "figures", "handoff", "index", "labels", "pipeline", "progress", "reporting", "spec",
         "synth", "testing", "uncertainty"}


def __getattr__(name: str) -> ModuleType:
    if name in _LAZY:
        return importlib.import_module(f".{name}", __name__)
    msg = f"module 'linli' has no attribute {name!r}"
    raise AttributeError(msg)
