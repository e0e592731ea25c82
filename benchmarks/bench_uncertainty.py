"""How long the index uncertainty takes for thousands of communities.

:func:`linli.uncertainty.uncertainty` on a synthetic long table of N communities
(default 4,000) with four indicators in three dimensions, 1,000 Monte Carlo draws.
It is vectorised over units and draws (one matrix product per method pair, ranks per
comparison group): about a second on a 2-core machine, where a per-draw pandas loop
takes minutes. ``tests/test_index.py`` checks the result at the same size; this
script measures the time (timings do not belong in the tests).

Run::

    .venv/bin/python benchmarks/bench_uncertainty.py
    .venv/bin/python benchmarks/bench_uncertainty.py --units 4000,40000 --draws 1000
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from linli.uncertainty import uncertainty

SPEC = pd.DataFrame(
    {
        "indicator": ["vols", "days", "success", "branch"],
        "dimension": ["wushe", "wushe", "lin_he", "lin_zhi"],
        "direction": ["up", "down", "up", "up"],
        "lo": [0.0, 10.0, 50.0, 0.0],
        "hi": [200.0, 60.0, 100.0, 100.0],
    }
)


def _long(n: int, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    indicators = SPEC["indicator"].tolist()
    return pd.DataFrame(
        {
            "unit_id": np.repeat([f"c{i:05d}" for i in range(n)], len(indicators)),
            "unit_type": "community",
            "year": 2024,
            "indicator": np.tile(indicators, n),
            "value": rng.uniform(0, 100, n * len(indicators)),
        }
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", default="4000", help="community counts, comma-separated")
    parser.add_argument("--draws", type=int, default=1000, help="Monte Carlo draws")
    args = parser.parse_args(argv)
    print(f"{'communities':>11}  {'draws':>6}  {'seconds':>8}")
    for n in (int(s) for s in args.units.split(",")):
        long = _long(n)
        start = time.perf_counter()
        u = uncertainty(long, SPEC, draws=args.draws, min_dimensions=3)
        seconds = time.perf_counter() - start
        assert len(u) == n
        print(f"{n:>11}  {args.draws:>6}  {seconds:>8.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
