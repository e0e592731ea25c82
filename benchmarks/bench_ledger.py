"""Reading ledgers as a street office keeps them, beside the canonical files.

For each size N (default 20 and 100 communities, three years each) the script writes
one synthetic dataset twice with the same seed — ``--style canonical`` (UTF-8 CSV and
GeoJSON) and ``--style ledger`` (Chinese file names and headers, XLSX and GBK CSV,
dates in several spellings, facilities as GCJ-02 经度/纬度) — and times, for each:

- ``write``: :func:`linli.synth.generate`;
- ``load``:  :func:`linli.dataset.load_dataset` (find, read, parse, validate, convert).

It also checks that both give the same indicators. The ``load`` ratio ledger ÷ canonical
is the price of reading workbooks and Chinese cells; between sizes, a ratio near the size
ratio means linear scaling.

Run::

    .venv/bin/python benchmarks/bench_ledger.py              # 20 and 100
    .venv/bin/python benchmarks/bench_ledger.py --sizes 20,200
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pandas.testing as pdt
from _sizes import time_sizes

from linli import indicators
from linli.dataset import load_dataset
from linli.synth import STYLES, generate


def _time_one(n: int, root: Path) -> dict[str, float]:
    times: dict[str, float] = {}
    long = {}
    for style in STYLES:
        data = root / f"n{n}-{style}"
        t0 = time.perf_counter()
        generate(data, communities=n, seed=1, style=style)
        times[f"{style} write"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        ds = load_dataset(data, key=b"bench")
        times[f"{style} load"] = time.perf_counter() - t0
        long[style] = indicators.compute(ds.tables, as_of=ds.as_of, covers=ds.covers)
        shutil.rmtree(data)
    pdt.assert_frame_equal(long["ledger"], long["canonical"])  # same records, same indicators
    return times


def main(argv: list[str] | None = None) -> int:
    sizes, results = time_sizes(_time_one, argv, description=__doc__.splitlines()[0], default="20,100",
                                prefix="linli-bench-ledger-")
    steps = list(next(iter(results.values())))
    print(f"{'communities':>11}  " + "  ".join(f"{s + ' s':>18}" for s in steps) + f"  {'load ledger/canonical':>22}")
    for n, t in results.items():
        print(f"{n:>11}  " + "  ".join(f"{t[s]:>18.2f}" for s in steps)
              + f"  {t['ledger load'] / t['canonical load']:>22.1f}")
    for small, big in zip(sizes, sizes[1:], strict=False):
        ratios = ", ".join(f"{s} ×{results[big][s] / results[small][s]:.1f}" for s in steps)
        print(f"{small} → {big} communities (×{big / small:.0f}): {ratios}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
