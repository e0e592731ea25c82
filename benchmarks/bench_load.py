"""``linli validate`` against the read floor, with its peak memory, in one run.

For a data folder (``--data DIR``) or synthetic datasets of N communities (``--sizes``,
default 20 and 200; ``--style ledger`` for the same records as a street office keeps
them), the script measures, side by side:

==============  =================================================================
``floor``       pyarrow reading every CSV file of the folder (fastest of three)
``validate``    ``linli validate --data-dir D --out …`` run as a user runs it, in a
                fresh process (start-up, reading, checking, pseudonymising and
                writing the clean tables and the quarantine): wall time, CPU time
                and peak memory (the process's maximum resident set)
``ratio``       validate ÷ floor, wall time against wall time
==============  =================================================================

With ``--general`` it also runs the same command with the fast CSV path switched off
(every file through the general parser, as before the fast path), for the gain.

Absolute times depend on the machine and on what else runs on it; the ratio is what
to compare. The issue's target at 2,000 communities: ratio ≤ 5, peak memory < 4 GiB.

Run::

    .venv/bin/python benchmarks/bench_load.py                          # 20 and 200
    .venv/bin/python benchmarks/bench_load.py --data /tmp/raw2000      # a folder made before
    .venv/bin/python benchmarks/bench_load.py --sizes 2000             # makes it (about a minute, 1.7 GB)
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _floors import read_csvs

from linli.synth import generate

KEY = "bench-load"
GENERAL = "import linli._read.delimited as d; d._fast_grid = lambda *a, **k: None; "
# the child's own peak, written last on its standard error
PEAK = ("import atexit, resource, sys; atexit.register(lambda: print('PEAK', "
        "resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)); ")


def floor(data: Path) -> float:
    """Seconds for pyarrow to read every CSV file of ``data`` (fastest of three)."""
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        read_csvs(data)
        best = min(best, time.perf_counter() - t0)
    return best


def validate(data: Path, out: Path, *, general: bool = False) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak MiB of ``linli validate`` in a fresh process."""
    code = (PEAK + (GENERAL if general else "")
            + "from linli.cli import main; raise SystemExit(main())")
    command = [sys.executable, "-c", code, "validate", "--data-dir", str(data), "--out", str(out)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    done = subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                          env=os.environ | {"LINLI_KEY": KEY})
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    peak = next(int(line.split()[1]) for line in reversed(done.stderr.splitlines()) if line.startswith("PEAK "))
    return wall, cpu, peak / 1024  # ru_maxrss is in KiB on Linux


def report(label: str, data: Path, scratch: Path, *, general: bool) -> None:
    size = sum(p.stat().st_size for p in data.iterdir() if p.is_file()) / 2**20
    read = floor(data)
    wall, cpu, peak = validate(data, scratch / "out")
    line = (f"{label:>14}  {size:8.0f} MB  floor {read:6.2f} s  validate {wall:7.2f} s "
            f"(CPU {cpu:6.1f} s, peak {peak:6.0f} MiB)  ratio ×{wall / read:5.1f}")
    if general:
        g_wall, _, g_peak = validate(data, scratch / "out-general", general=True)
        line += f"  | general path {g_wall:7.2f} s (×{g_wall / read:5.1f}, peak {g_peak:6.0f} MiB)"
    print(line, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="20,200", help="communities per synthetic dataset (default 20,200)")
    parser.add_argument("--data", type=Path, help="measure this data folder instead")
    parser.add_argument("--style", default="canonical", choices=("canonical", "ledger"))
    parser.add_argument("--general", action="store_true", help="also run with the fast CSV path off")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="linli-bench-load-") as tmp:
        scratch = Path(tmp)
        if args.data is not None:
            report(args.data.name, args.data, scratch, general=args.general)
            return 0
        for n in (int(s) for s in args.sizes.split(",") if s.strip()):
            data = scratch / f"n{n}"
            generate(data, communities=n, seed=1, style=args.style)
            report(f"{n} ({args.style})", data, scratch, general=args.general)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
