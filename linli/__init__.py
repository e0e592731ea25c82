"""linli (邻里): assess community-governance innovation zones, offline and reproducibly."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from . import config as config
from . import contract as contract
from .errors import LinliError as LinliError

try:
    __version__ = version("linli")
except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
    __version__ = "0.0.0"
