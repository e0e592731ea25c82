"""Random streams, day arithmetic and grouped draws, vectorised with numpy.

Dates are whole days since 1970-01-01 in ``int64`` arrays; :data:`NONE` stands
for "no date" (an open end). Every function takes the generator it draws from,
so the order of calls fixes the data.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "NONE",
    "choice",
    "day",
    "group_rank",
    "iso",
    "month_of",
    "parse_day",
    "pick_available",
    "seasonal_days",
    "seq_sorted",
    "stream",
    "stratified",
    "uniform_days",
    "weighted_member",
    "year_of",
]

NONE = 1 << 40  # "no date" (open end) in the int-days arrays


def stream(seed: int, *key: int) -> np.random.Generator:
    """The random stream ``PCG64(SeedSequence(seed, spawn_key=key))``."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(int(seed), spawn_key=key)))


# -------------------------------------------------------------------------- days


def day(y: int, m: int, d: int) -> int:
    """Days since 1970-01-01 of a calendar date.

    >>> day(1970, 1, 2)
    1
    """
    return int(np.datetime64(f"{y:04d}-{m:02d}-{d:02d}", "D").astype(np.int64))


def parse_day(text: str) -> int:
    """Days since 1970-01-01 of an ISO date (``YYYY-MM-DD``)."""
    return int(np.datetime64(text, "D").astype(np.int64))


def iso(days: int | np.integer) -> str | None:
    """The ISO date of a day number, or ``None`` for :data:`NONE`.

    >>> iso(31), iso(NONE)
    ('1970-02-01', None)
    """
    if int(days) >= NONE:
        return None
    return str(np.datetime64(int(days), "D"))


def uniform_days(rng: np.random.Generator, lo: np.ndarray | int, hi: np.ndarray | int, size: int) -> np.ndarray:
    """Uniform whole days in [lo, hi] (inclusive)."""
    lo_a = np.broadcast_to(np.asarray(lo, dtype=np.int64), (size,))
    hi_a = np.broadcast_to(np.asarray(hi, dtype=np.int64), (size,))
    return lo_a + (rng.random(size) * (hi_a - lo_a + 1)).astype(np.int64)


def seasonal_days(rng: np.random.Generator, years: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """A day in each row's year, its month drawn with ``weights``."""
    size = len(years)
    month = rng.choice(12, size=size, p=weights / weights.sum())
    start = ((years - 1970) * 12 + month).astype("datetime64[M]")
    d0 = start.astype("datetime64[D]").astype(np.int64)
    length = (start + 1).astype("datetime64[D]").astype(np.int64) - d0
    return d0 + (rng.random(size) * length).astype(np.int64)


def year_of(days: np.ndarray) -> np.ndarray:
    """Calendar year of each day number."""
    return days.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970


def month_of(days: np.ndarray) -> np.ndarray:
    """Month of each day number, 0 = January."""
    return days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64) % 12


# ---------------------------------------------------------------- grouped draws


def group_rank(groups: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """0-based rank of each element within its group, by ascending key.

    >>> group_rank(np.array([0, 0, 1, 0]), np.array([0.5, 0.1, 0.7, 0.3])).tolist()
    [2, 0, 0, 1]
    """
    size = len(groups)
    if size == 0:
        return np.zeros(0, dtype=np.int64)
    order = np.lexsort((keys, groups))
    g = groups[order]
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    first = np.repeat(starts, np.diff(np.r_[starts, size]))
    rank = np.empty(size, dtype=np.int64)
    rank[order] = np.arange(size) - first
    return rank


def seq_sorted(groups: np.ndarray) -> np.ndarray:
    """1-based position within runs of equal ``groups`` (already sorted).

    >>> seq_sorted(np.array([0, 0, 0, 2, 2])).tolist()
    [1, 2, 3, 1, 2]
    """
    size = len(groups)
    if size == 0:
        return np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])
    first = np.repeat(starts, np.diff(np.r_[starts, size]))
    return np.arange(size) - first + 1


def stratified(rng: np.random.Generator, groups: np.ndarray, sizes: np.ndarray | None = None) -> np.ndarray:
    """Uniforms in [0, 1) spread evenly within each group (one per stratum).

    Thresholding them at ``p`` marks ``p × size`` members of a group, give or
    take one — realised shares then follow the plan rather than its noise.
    """
    if sizes is None:
        sizes = np.bincount(groups) if len(groups) else np.zeros(0, dtype=np.int64)
    rank = group_rank(groups, rng.random(len(groups)))
    return (rank + rng.random(len(groups))) / np.maximum(sizes[groups], 1)


def pick_available(
    rng: np.random.Generator, comm: np.ndarray, when: np.ndarray, item_comm: np.ndarray, item_start: np.ndarray,
) -> np.ndarray:
    """For each row, a random item of its community that started on or before ``when``.

    ``item_comm``/``item_start`` must be sorted by (community, start). Returns
    the item index, or -1 when none had started.
    """
    if len(item_comm) == 0:
        return np.full(len(comm), -1, dtype=np.int64)
    key_items = item_comm.astype(np.int64) * (1 << 24) + item_start
    key_rows = comm.astype(np.int64) * (1 << 24) + when
    upto = np.searchsorted(key_items, key_rows, side="right")
    first = np.searchsorted(item_comm, comm, side="left")
    avail = upto - first
    pick = first + (rng.random(len(comm)) * np.maximum(avail, 1)).astype(np.int64)
    return np.where(avail > 0, pick, -1)


def weighted_member(
    rng: np.random.Generator, comm: np.ndarray, item_comm: np.ndarray, weights: np.ndarray,
) -> np.ndarray:
    """For each row, an item of its community drawn with probability ∝ ``weights``.

    ``item_comm`` must be sorted and every community in ``comm`` must have items.
    """
    cw = np.cumsum(weights, dtype=float)
    first = np.searchsorted(item_comm, comm, side="left")
    last = np.searchsorted(item_comm, comm, side="right") - 1
    lo = np.where(first > 0, cw[np.maximum(first - 1, 0)], 0.0)
    hi = cw[last]
    target = lo + rng.random(len(comm)) * (hi - lo)
    return np.clip(np.searchsorted(cw, target, side="right"), first, last)


def choice(
    rng: np.random.Generator, p: np.ndarray, size: int | None = None, *, u: np.ndarray | None = None,
) -> np.ndarray:
    """Draw category indices; ``p`` is (k,) or one row of probabilities per draw.

    ``u`` gives the uniforms to use (e.g. stratified ones) for a 2-d ``p``.
    """
    p = np.asarray(p, dtype=float)
    if p.ndim == 1:
        return rng.choice(len(p), size=size, p=p / p.sum())
    cum = np.cumsum(p / p.sum(axis=1, keepdims=True), axis=1)
    draw = rng.random(len(p)) if u is None else u
    return np.minimum((draw[:, None] > cum).sum(axis=1), p.shape[1] - 1)
