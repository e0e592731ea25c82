"""One chunk of communities being generated: its plan, random stream and years.

The table generators (:mod:`~linli.synth.units`, :mod:`~linli.synth.rosters`,
:mod:`~linli.synth.ledgers`) take a :class:`Chunk` and draw from its one stream,
so the order in which :func:`linli.synth.tables.chunk_tables` calls them is part
of what a seed means.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from .draws import day
from .plan import Layout, Plan
from .strings import strings

__all__ = ["Chunk"]


@dataclass
class Chunk:
    """The communities of one chunk, with what every table generator needs."""

    plan: Plan
    rng: np.random.Generator
    layout: Layout
    years: tuple[int, ...]
    zone_id: str
    k: int = field(init=False)  # number of years
    end: int = field(init=False)  # the as-of date: 31 December of the last year
    cid: pa.Array = field(init=False)  # community ids
    short: pa.Array = field(init=False)  # community names without 社区

    def __post_init__(self) -> None:
        self.k = len(self.years)
        self.end = day(self.years[-1], 12, 31)
        self.cid = strings(self.plan.ids)
        self.short = strings(self.plan.short_names)

    def community_ids(self, comm: np.ndarray) -> pa.Array:
        """The community id of each row (``comm`` = local community index)."""
        return self.cid.take(pa.array(comm))

    def per_year(self, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Expand (n, K) counts to per-row (community, year index)."""
        flat = np.repeat(np.arange(counts.size), counts.ravel())
        return flat // self.k, flat % self.k

    def brand_rows(self, table: dict[str | None, tuple[float, ...]], comm: np.ndarray) -> np.ndarray:
        """Each row's probabilities from ``table`` by its community's brand (``None`` = default)."""
        probs = np.array([table.get(b, table[None]) for b in self.plan.brands], dtype=float)
        return probs[comm]
