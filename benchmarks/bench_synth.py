"""Benchmark the synthetic-data generator at scale.

Generates ``--communities`` communities (default 2,000) over 2022–2024 into a
temporary directory (or ``--out``), then prints wall time, peak resident memory
of the process (``getrusage(RUSAGE_SELF).ru_maxrss``) and the size and row count
of every file. Target: under 5 minutes and 4 GiB on a 2-core machine.

Run::

    .venv/bin/python benchmarks/bench_synth.py
    .venv/bin/python benchmarks/bench_synth.py --communities 200 --keep --out /tmp/synth200
    .venv/bin/python benchmarks/bench_synth.py --style ledger   # as a street office keeps them

``--style ledger`` writes the canonical files, then rewrites them as a street office keeps
them (workbooks and GBK CSV): rows are counted for the CSV and GeoJSON files only.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

from linli.synth import generate

TARGET_SECONDS = 300.0
TARGET_BYTES = 4 * 1024**3


def _rows(path: Path) -> int | None:
    """Data rows of a CSV (lines minus the header) or features of a GeoJSON; None for a workbook."""
    if path.suffix == ".xlsx":
        return None
    if path.suffix == ".geojson":
        with path.open(encoding="utf-8") as fh:
            return len(json.load(fh)["features"])
    with path.open("rb") as fh:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 24), b"")) - 1


def _peak_rss_bytes() -> int:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024  # Linux reports KiB


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--communities", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=None, help="write here instead of a temp dir")
    parser.add_argument("--keep", action="store_true", help="keep the output")
    parser.add_argument("--progress", action="store_true")
    parser.add_argument("--style", default="canonical", choices=("canonical", "ledger"))
    args = parser.parse_args(argv)

    out = args.out or Path(tempfile.mkdtemp(prefix="linli-bench-"))
    try:
        start = time.perf_counter()
        paths = generate(out, communities=args.communities, seed=args.seed, progress_bar=args.progress,
                         style=args.style)
        wall = time.perf_counter() - start
        peak = _peak_rss_bytes()
        print(f"communities {args.communities}, years 2022-2024, seed {args.seed}, style {args.style}")
        print(f"wall time   {wall:8.1f} s   (target < {TARGET_SECONDS:.0f} s)")
        print(f"peak RSS    {peak / 1024**2:8.0f} MiB (target < {TARGET_BYTES / 1024**3:.0f} GiB)")
        print()
        print(f"{'table':<22} {'file':<28} {'MiB':>9} {'rows':>12}")
        total_bytes = total_rows = 0
        for name, path in paths.items():
            if name == "dataset":
                continue
            size, rows = path.stat().st_size, _rows(path)
            total_bytes += size
            total_rows += rows or 0
            shown = "(workbook)" if rows is None else f"{rows:,d}"
            print(f"{name:<22} {path.name:<28} {size / 1024**2:9.1f} {shown:>12}")
        print(f"{'total':<22} {'':<28} {total_bytes / 1024**2:9.1f} {total_rows:12,d}"
              + (" (without the workbooks)" if args.style == "ledger" else ""))
        ok = wall < TARGET_SECONDS and peak < TARGET_BYTES
        print("\nwithin target" if ok else "\nOVER TARGET")
        return 0 if ok else 1
    finally:
        if not args.keep and args.out is None:
            shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
