"""The community a misspelt name is taken for, against difflib over every name.

When a ledger's community cell names no community, the quarantine message suggests the
one it misspells (``是否应为“模拟0001社区”？``). At 2,000 communities there are 4,000
names and ids to compare each distinct wrong value with; a ledger whose community
column holds thousands of distinct wrong values (addresses typed there, say) must not
keep a clerk waiting for minutes.

For each size N (default 20, 200 and 2,000 communities, named as the synthetic
province names them) and each kind of wrong value (1,000 distinct values of each), the
script times, side by side:

==========  ======================================================================
``difflib`` :func:`difflib.get_close_matches` over every name and id, value by value
            (the search before it was bounded)
``suggest`` ``_Places.suggest``: the values cleaned at once, then difflib over only
            the names that share enough letters with each value to reach the cutoff
``ratio``   suggest ÷ difflib
==========  ======================================================================

and checks that both suggest the same names. Absolute times depend on the machine; the
ratio is what to compare.

Run::

    .venv/bin/python benchmarks/bench_suggest.py
    .venv/bin/python benchmarks/bench_suggest.py --sizes 2000
"""

from __future__ import annotations

import difflib
import time
from pathlib import Path

import pandas as pd
from _sizes import time_sizes

from linli.validate import _community_names

VALUES = 1000


def _kinds(n: int) -> dict[str, list[str]]:
    """1,000 distinct wrong values of each kind, for N communities."""
    return {
        # one letter off a name: every one has a suggestion, and shares most letters with many names
        "typo": [f"模拟{i % n + 1:04d}社去" if i < n else f"模拟{i % n + 1:04d}区社" for i in range(VALUES)],
        "address": [f"石鼓区人民街道{i}号{i % 7 + 1}栋" for i in range(VALUES)],
        "phone": [f"139{i:08d}" for i in range(VALUES)],
    }


def _time_one(n: int, root: Path) -> dict[str, float]:
    del root  # nothing is written
    ids = [f"c{i:04d}" for i in range(1, n + 1)]
    communities = pd.DataFrame({"community_id": ids, "name_zh": [f"模拟{i[1:]}社区" for i in ids]})
    times: dict[str, float] = {}
    for kind, values in _kinds(n).items():
        places = _community_names({"communities": communities})  # a new one: its letters are counted in the time
        t0 = time.perf_counter()
        got = places.suggest(pd.Series(values, dtype=object))
        times[f"{kind} suggest"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        want = {v: m[0] for v in values if (m := difflib.get_close_matches(v, places.names, n=1, cutoff=0.75))}
        times[f"{kind} difflib"] = time.perf_counter() - t0
        if got != want:
            raise SystemExit(f"{kind} at {n}: suggest and difflib disagree")
    return times


def main(argv: list[str] | None = None) -> int:
    sizes, timings = time_sizes(_time_one, argv, description=__doc__.splitlines()[0], default="20,200,2000",
                                prefix="linli-bench-suggest-")
    print(f"seconds for {VALUES:,} distinct wrong community values of each kind")
    print(f"{'communities':>11} {'kind':>8} {'difflib':>9} {'suggest':>9} {'ratio':>7}")
    for n in sizes:
        for kind in _kinds(n):
            before, after = timings[n][f"{kind} difflib"], timings[n][f"{kind} suggest"]
            print(f"{n:>11,} {kind:>8} {before:>9.3f} {after:>9.3f} {after / before:>7.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
