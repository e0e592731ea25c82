"""How the pipeline scales with the number of communities.

For each size N (default 20 and 200 communities, three years each) the script
generates a synthetic dataset, then times, in one process:

- ``load``:        :func:`linli.dataset.load_dataset` (read, validate, pseudonymise);
- ``indicators``:  :func:`linli.indicators.compute` (every indicator, unit and year);
- ``uncertainty``: :func:`linli.uncertainty.uncertainty` (1,000 Monte Carlo draws);
- ``rank_sensitivity``: :func:`linli.uncertainty.rank_sensitivity` (1,000 × 5 runs and
  1,000 bootstrap resamples).

It reports seconds per community and, between consecutive sizes, the time ratio
against the size ratio: a ratio near the size ratio (10 for 20 → 200) means the
step scales linearly, far below means a fixed cost dominates. Absolute times
depend on the machine; the ratios are what to compare between versions.

Run::

    .venv/bin/python benchmarks/bench_pipeline.py              # 20 and 200
    .venv/bin/python benchmarks/bench_pipeline.py --sizes 20,200,2000
"""

from __future__ import annotations

import dataclasses
import shutil
import time
from pathlib import Path

from _sizes import time_sizes

from linli import indicators, spec, uncertainty
from linli.dataset import load_dataset
from linli.indicators import catalogue
from linli.synth import generate

STEPS = ("load", "indicators", "uncertainty", "rank_sensitivity")


def _time_one(n: int, root: Path) -> dict[str, float]:
    data = root / f"n{n}"
    generate(data, communities=n, seed=1)
    times: dict[str, float] = {}
    t0 = time.perf_counter()
    ds = load_dataset(data, key=b"bench")
    times["load"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    long = indicators.compute(ds.tables)
    times["indicators"] = time.perf_counter() - t0
    cat = catalogue.load()
    ind_spec = spec.spec_from_catalogue(cat)
    settings = spec.settings_from_catalogue(cat)
    t0 = time.perf_counter()
    uncertainty.uncertainty(long, ind_spec, **settings.for_uncertainty())
    times["uncertainty"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    uncertainty.rank_sensitivity(long, ind_spec, **dataclasses.asdict(settings))
    times["rank_sensitivity"] = time.perf_counter() - t0
    shutil.rmtree(data)
    return times


def main(argv: list[str] | None = None) -> int:
    sizes, results = time_sizes(_time_one, argv, description=__doc__.splitlines()[0], default="20,200",
                                prefix="linli-bench-")
    print(f"{'communities':>11}  " + "  ".join(f"{s + ' s':>14}" for s in STEPS) + "  " +
          "  ".join(f"{s + ' ms/comm':>20}" for s in STEPS))
    for n, t in results.items():
        print(f"{n:>11}  " + "  ".join(f"{t[s]:>14.2f}" for s in STEPS) + "  " +
              "  ".join(f"{1000 * t[s] / n:>20.1f}" for s in STEPS))
    for small, big in zip(sizes, sizes[1:], strict=False):
        ratios = ", ".join(f"{s} ×{results[big][s] / results[small][s]:.1f}" for s in STEPS)
        print(f"{small} → {big} communities (×{big / small:.0f}): {ratios}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
