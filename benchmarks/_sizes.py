"""What the size benchmarks share: read ``--sizes``, time every size in a scratch folder."""

from __future__ import annotations

import argparse
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

Timings = dict[str, float]


def time_sizes(
    time_one: Callable[[int, Path], Timings],
    argv: list[str] | None,
    *,
    description: str,
    default: str,
    prefix: str,
) -> tuple[list[int], dict[int, Timings]]:
    """Parse ``--sizes`` (community counts) from ``argv`` and return them with
    ``time_one(n, scratch)`` of each; the scratch folder is removed afterwards."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--sizes", default=default, help="community counts, comma-separated")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    root = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        return sizes, {n: time_one(n, root) for n in sizes}
    finally:
        shutil.rmtree(root, ignore_errors=True)
