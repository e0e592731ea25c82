"""How close computing every indicator comes to reading the tables that feed it.

On a processed dataset (the ``tables/`` folder ``linli validate --out DIR`` writes),
measures side by side, in CPU time (``time.process_time``, which other jobs on a
shared machine do not inflate), its user part alone and wall time:

``floor``    reading every clean Parquet table (pandas, GeoPandas for the tables with
             a geometry), as ``linli build`` and ``benchmarks/bench_scale.py`` do;
``compute``  :func:`linli.indicators.compute` on those tables (every indicator, every
             community, zone and year).

The two alternate, ``--tries`` times (so that a load other jobs put on a shared
machine falls on both alike), and each counts its fastest run (CPU and wall time
each their own fastest); a first ``compute`` before them is a warm-up that is not
counted (it loads the catalogue and the lazily imported modules). The user part
is the steadiest figure on a machine short of memory: there the system part — the
kernel handing out and reclaiming pages for arrays of hundreds of megabytes — can
double from one run to the next. The ratio compute ÷ floor is the measure of
issue 13 ("indicators close to the Parquet floor": at most 1.5).

Run::

    linli synth --communities 200 --seed 1 --out /tmp/n200/raw
    linli validate --data-dir /tmp/n200/raw --out /tmp/n200/processed
    .venv/bin/python benchmarks/bench_indicators.py /tmp/n200/processed --data-dir /tmp/n200/raw

``--data-dir`` (the raw ledgers) is read only for ``dataset.yaml``: the as-of date
and the years the ledgers are declared to cover, as ``linli build`` passes them.
``--profile N`` prints the N costliest functions of one ``compute`` (cProfile).
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import os
import pstats
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from _floors import read_tables

from linli import indicators
from linli.dataset import read_meta


def timed(fn: Callable[[], object]) -> tuple[float, float, float]:
    """The CPU time, its user part and the wall time of one call of ``fn``."""
    c0, u0, w0 = time.process_time(), os.times().user, time.perf_counter()
    fn()
    return time.process_time() - c0, os.times().user - u0, time.perf_counter() - w0


def fastest(runs: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    """The fastest of ``runs`` in each of CPU, user and wall time."""
    cpu, user, wall = zip(*runs, strict=True)
    return min(cpu), min(user), min(wall)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("processed", type=Path, help="a folder `linli validate --out` wrote (with tables/)")
    parser.add_argument("--data-dir", type=Path, help="the raw ledgers, for dataset.yaml (as-of date, covers)")
    parser.add_argument("--tries", type=int, default=3, help="runs of each; the fastest counts (default 3)")
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="print the N costliest functions")
    args = parser.parse_args(argv)
    if not (args.processed / "tables").is_dir():
        parser.error(f"{args.processed}: no tables/ folder; give a folder `linli validate --out` wrote")

    as_of, covers = None, None
    if args.data_dir is not None:
        meta = read_meta(args.data_dir)
        as_of = dt.date.fromisoformat(str(meta["as_of"])) if meta.get("as_of") else None
        covers = meta.get("covers")

    tables = read_tables(args.processed)
    rows = sum(len(t) for t in tables.values())

    def compute() -> pd.DataFrame:
        return indicators.compute(tables, as_of=as_of, covers=covers)

    n_values = len(compute())  # warm-up, not counted
    floors, runs = [], []
    for _ in range(args.tries):
        floors.append(timed(lambda: read_tables(args.processed)))
        runs.append(timed(compute))
    floor, got = fastest(floors), fastest(runs)
    print(f"{args.processed}: {len(tables)} tables, {rows:,} rows -> {n_values:,} indicator values "
          f"(fastest of {args.tries})")
    print(f"{'':<28} {'CPU s':>8} {'user s':>8} {'wall s':>8}")
    print(f"{'floor: read the tables':<28} " + " ".join(f"{v:>8.2f}" for v in floor))
    print(f"{'indicators.compute':<28} " + " ".join(f"{v:>8.2f}" for v in got))
    print(f"{'ratio':<28} " + " ".join(f"{g / f:>7.2f}x" for g, f in zip(got, floor, strict=True)))

    if args.profile:
        profiler = cProfile.Profile()
        profiler.runcall(compute)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.profile)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
