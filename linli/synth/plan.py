"""What to generate: the plan of a chunk of communities, and the map layout.

A :class:`Plan` holds, per community, the counts and shares the tables are drawn
to — the numbers active at the end of each year for rosters, expected events per
year for ledgers, probabilities for outcomes. :func:`random_plan` draws a
plausible one for the scale generator; the demo's comes from ``demo.yaml``
(:mod:`linli.synth.demo`). :class:`Layout` places communities as cells of a grid
near Hengyang.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .. import contract
from .draws import day, uniform_days

__all__ = ["M_PER_DEG_LAT", "Facilities", "Layout", "Plan", "random_plan"]

M_PER_DEG_LAT = 110_574.0
_M_PER_DEG_LON_EQ = 111_320.0


# ------------------------------------------------------------------------- layout


@dataclass(frozen=True)
class Layout:
    """Communities as cells of a grid whose inner vertices are jittered.

    Cell ``i`` sits at row ``i // ncols`` (south to north) and column
    ``i % ncols`` (west to east). Points are placed with relative coordinates
    ``(rx, ry)`` in [0, 1]² mapped bilinearly into the cell, which keeps them
    inside the (convex) cell polygon.
    """

    lon: np.ndarray  # (nrows + 1, ncols + 1)
    lat: np.ndarray
    ncols: int
    m_per_deg_lon: float
    cell_m: tuple[float, float]
    jitter: float

    @classmethod
    def grid(
        cls,
        n: int,
        rng: np.random.Generator,
        *,
        lon0: float,
        lat0: float,
        cell_m: tuple[float, float] = (500.0, 500.0),
        jitter: float = 0.08,
        ncols: int | None = None,
    ) -> Layout:
        cols = ncols or int(np.ceil(np.sqrt(n)))
        rows = int(np.ceil(n / cols))
        m_lon = _M_PER_DEG_LON_EQ * np.cos(np.radians(lat0))
        dlon, dlat = cell_m[0] / m_lon, cell_m[1] / M_PER_DEG_LAT
        jx = rng.uniform(-jitter, jitter, (rows + 1, cols + 1))
        jy = rng.uniform(-jitter, jitter, (rows + 1, cols + 1))
        jx[:, [0, -1]] = 0.0
        jy[[0, -1], :] = 0.0
        c, r = np.meshgrid(np.arange(cols + 1), np.arange(rows + 1))
        lon = lon0 + (c + jx) * dlon
        lat = lat0 + (r + jy) * dlat
        return cls(lon, lat, cols, float(m_lon), cell_m, jitter)

    def _corners(self, cell: np.ndarray) -> tuple[np.ndarray, ...]:
        r, c = np.divmod(cell, self.ncols)
        return (
            self.lon[r, c], self.lat[r, c], self.lon[r, c + 1], self.lat[r, c + 1],
            self.lon[r + 1, c + 1], self.lat[r + 1, c + 1], self.lon[r + 1, c], self.lat[r + 1, c],
        )

    def place(self, cell: np.ndarray, rx: np.ndarray, ry: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Map relative positions in cells to lon/lat (bilinear)."""
        x00, y00, x10, y10, x11, y11, x01, y01 = self._corners(cell)
        w00, w10, w11, w01 = (1 - rx) * (1 - ry), rx * (1 - ry), rx * ry, (1 - rx) * ry
        return (w00 * x00 + w10 * x10 + w11 * x11 + w01 * x01,
                w00 * y00 + w10 * y10 + w11 * y11 + w01 * y01)

    def polygon(self, cell: int) -> list[list[float]]:
        """Counter-clockwise closed ring of one cell."""
        x00, y00, x10, y10, x11, y11, x01, y01 = (float(v[0]) for v in self._corners(np.array([cell])))
        ring = [(x00, y00), (x10, y10), (x11, y11), (x01, y01), (x00, y00)]
        return [[round(x, 6), round(y, 6)] for x, y in ring]


# --------------------------------------------------------------------------- plan


@dataclass
class Facilities:
    """Facilities of a chunk, flat (``comm`` is the local community index)."""

    comm: np.ndarray
    category: np.ndarray  # str codes
    name: list[str]
    area: np.ndarray  # NaN = empty
    opened: np.ndarray  # int days
    rx: np.ndarray  # NaN = placed by the generator
    ry: np.ndarray


@dataclass
class Plan:
    """What to generate for one chunk of communities.

    Arrays have one row per community; ``(n, K)`` arrays one column per year.
    Shares are probabilities in [0, 1]; counts of rosters are the numbers active
    at the end of each year.
    """

    ids: list[str]
    names_zh: list[str]
    names_en: list[str]
    brands: list[str | None]
    cells: np.ndarray  # the community's cell in the layout
    # population, (n, K)
    households: np.ndarray
    residents: np.ndarray  # 实有人口
    resident_population: np.ndarray  # 常住人口
    age_65_plus: np.ndarray
    disabled: np.ndarray
    # compounds: how many, and the share that has each milestone by the end of a year
    n_compounds: np.ndarray
    party: np.ndarray  # party branch, (n, K)
    committee: np.ndarray  # owners committee, (n, K)
    renovated: np.ndarray  # renovation completed, (n, K)
    self_governed: np.ndarray
    # rosters: numbers active at the end of each year, (n, K)
    orgs: np.ndarray
    volunteers: np.ndarray
    charity: np.ndarray
    workers: np.ndarray
    register: np.ndarray  # vulnerable residents
    teams_base: np.ndarray  # volunteer teams founded by the first year
    teams_final: np.ndarray  # volunteer teams in all
    # ledgers: expected rows per year, (n, K)
    activities: np.ndarray
    cases: np.ndarray
    culture: np.ndarray
    requests: np.ndarray
    surveys: np.ndarray
    # shares and sizes the ledger rows are drawn with
    aid_share: np.ndarray  # activities that aid older or disabled people
    resolved: np.ndarray  # mediation cases resolved, (n, K)
    joint: np.ndarray  # cases with two or more kinds of mediator, (n, K)
    case_days: np.ndarray  # median days to close a case
    closed: np.ndarray  # requests closed, (n, K)
    request_days: np.ndarray  # median days to close a request
    satisfied: np.ndarray  # rated requests rated satisfied, (n, K)
    regular: np.ndarray  # register members served in ≥ 10 months, (n, K)
    occasional: np.ndarray  # register members served in 1–9 months, (n, K)
    visits: np.ndarray  # extra visits in a month served (Poisson mean)
    elder_share: np.ndarray  # culture participants aged 65+
    survey_base: np.ndarray  # mean survey score before brand effects, (n, K)
    facilities: Facilities
    compound_names: list[list[str]] | None = None
    compound_overrides: dict[str, dict[str, Any]] = field(default_factory=dict)
    pinned_cases: tuple[dict[str, Any], ...] = ()
    note: str = "synthetic; illustrative geometry, not surveyed"
    spread: tuple[float, float] = (0.05, 0.95)  # range of compound positions in a cell

    @property
    def n(self) -> int:
        return len(self.ids)

    @property
    def short_names(self) -> list[str]:
        return [s.removesuffix("社区") for s in self.names_zh]


_BRANDS = tuple(contract.BRANDS)


def _grow(final: np.ndarray, rate: np.ndarray, k: int) -> np.ndarray:
    """(n, K) path ending at ``final`` and growing by ``rate`` a year."""
    steps = np.arange(k)[::-1]
    return final[:, None] / (1.0 + rate[:, None]) ** steps


def _ramp(final: np.ndarray, base: np.ndarray, k: int) -> np.ndarray:
    """(n, K) linear path from ``base`` to ``final``."""
    if k == 1:
        return final[:, None].copy()
    t = np.arange(k) / (k - 1)
    return base[:, None] + (final - base)[:, None] * t


def random_plan(rng: np.random.Generator, index: np.ndarray, years: tuple[int, ...], width: int) -> Plan:
    """Draw a plausible plan for communities ``index`` (global numbers from 0)."""
    n, k = len(index), len(years)
    num = [f"{i + 1:0{width}d}" for i in index]
    brand_idx = rng.integers(0, 5, n)  # 4 = no brand
    brands: list[str | None] = [_BRANDS[b] if b < 4 else None for b in brand_idx]
    is_b = {b: brand_idx == i for i, b in enumerate(_BRANDS)}

    def u(lo: float, hi: float, shape: int | tuple[int, ...] = n) -> np.ndarray:
        return rng.uniform(lo, hi, shape)

    hh_final = rng.integers(1200, 4000, n).astype(float)
    growth = rng.normal(0.005, 0.01, n)
    households = np.rint(_grow(hh_final, growth, k)).astype(np.int64)
    residents = np.rint(households * u(2.3, 2.8)[:, None]).astype(np.int64)
    resident_population = np.rint(residents * u(0.82, 0.97)[:, None]).astype(np.int64)
    old_final = u(0.12, 0.24)
    age_65_plus = np.rint(residents * _ramp(old_final, old_final * u(0.9, 1.0), k)).astype(np.int64)
    age_65_plus = np.minimum(age_65_plus, residents)
    disabled = np.rint(residents * u(0.015, 0.04)[:, None]).astype(np.int64)
    n_compounds = np.clip(np.rint(hh_final / u(90, 220)), 3, 40).astype(np.int64)

    def share(lo: float, hi: float, boost: np.ndarray) -> np.ndarray:
        final = np.clip(u(lo, hi) + 0.2 * boost, 0, 0.95)
        return _ramp(final, final * u(0.4, 1.0), k)

    def counts(final: np.ndarray, lo: float, hi: float) -> np.ndarray:
        return np.maximum(np.rint(_grow(final, u(lo, hi), k)), 0).astype(np.int64)

    vol_final = resident_population[:, -1] * u(0.08, 0.28)
    teams_final = rng.integers(3, 15, n)
    aid = is_b["lin_zhu"].astype(float)
    harmony = is_b["lin_he"].astype(float)
    culture = is_b["lin_le"].astype(float)
    zhi = is_b["lin_zhi"].astype(float)

    def events(mean: np.ndarray, rate: float = 0.08) -> np.ndarray:
        lam = _grow(np.maximum(mean, 0.1), np.full(n, rate), k)
        return rng.poisson(lam).astype(np.int64)

    regular = np.clip(_ramp(u(0.1, 0.35) + 0.25 * aid, u(0.05, 0.25), k), 0, 0.9)
    occasional = np.clip(_ramp(u(0.3, 0.5), u(0.3, 0.5), k), 0, 1 - regular)
    survey_base = _ramp(u(3.4, 3.9), u(3.2, 3.6), k)
    return Plan(
        ids=[f"c{s}" for s in num],
        names_zh=[f"模拟{s}社区" for s in num],
        names_en=[f"Community {s}" for s in num],
        brands=brands,
        cells=np.asarray(index, dtype=np.int64),
        households=households,
        residents=residents,
        resident_population=resident_population,
        age_65_plus=age_65_plus,
        disabled=np.minimum(disabled, residents),
        n_compounds=n_compounds,
        party=share(0.1, 0.7, zhi),
        committee=share(0.05, 0.5, zhi),
        renovated=share(0.05, 0.5, zhi),
        self_governed=np.clip(u(0.0, 0.15), 0, 1),
        orgs=counts(rng.integers(2, 15, n).astype(float), 0.0, 0.4),
        volunteers=counts(vol_final, -0.05, 0.3),
        charity=counts(rng.integers(3, 45, n).astype(float), 0.0, 0.5),
        workers=counts(rng.integers(1, 9, n).astype(float), 0.0, 0.3),
        register=counts(residents[:, -1] * (u(0.025, 0.05) + 0.02 * aid), 0.0, 0.1),
        teams_base=np.maximum(1, np.rint(teams_final * u(0.5, 1.0))).astype(np.int64),
        teams_final=teams_final,
        activities=events(u(10, 90) * (1 + 0.4 * aid)),
        cases=events(hh_final * u(0.02, 0.05)),
        culture=events(u(30, 150) * (1 + 1.0 * culture)),
        requests=events(hh_final * u(0.08, 0.25)),
        surveys=rng.integers(100, 201, (n, k)),
        aid_share=np.clip(u(0.15, 0.35) + 0.3 * aid, 0, 0.9),
        resolved=np.clip(_ramp(u(0.75, 0.9), u(0.7, 0.85), k) + 0.06 * harmony[:, None], 0, 0.98),
        joint=np.clip(_ramp(u(0.2, 0.5), u(0.15, 0.4), k) + 0.3 * harmony[:, None], 0, 0.95),
        case_days=u(3, 15) * (1 - 0.3 * harmony),
        closed=np.clip(_ramp(u(0.82, 0.95), u(0.78, 0.9), k) + 0.04 * zhi[:, None], 0, 0.99),
        request_days=u(3, 12) * (1 - 0.3 * zhi),
        satisfied=np.clip(_ramp(u(0.65, 0.85), u(0.6, 0.8), k) + 0.08 * zhi[:, None], 0, 0.97),
        regular=regular,
        occasional=occasional,
        visits=u(0.2, 1.0) + 0.5 * aid,
        elder_share=np.clip(u(0.35, 0.55) + 0.15 * culture, 0, 0.9),
        survey_base=survey_base,
        facilities=_random_facilities(rng, n, years, is_b["lin_le"]),
    )


#: (category, probability of having one, (min, max) floor area) for generated communities.
_FACILITY_MIX: tuple[tuple[str, float, tuple[float, float] | None], ...] = (
    ("service_center", 0.8, (150, 500)),
    ("elderly_center", 0.4, (80, 300)),
    ("day_care", 0.35, (60, 250)),
    ("culture_room", 0.6, (40, 200)),
    ("library", 0.4, (30, 120)),
    ("rehab_center", 0.15, (80, 300)),
    ("mediation_room", 0.5, (20, 60)),
    ("market", 0.3, None),
    ("clinic", 0.5, (60, 200)),
    ("other", 0.2, (20, 150)),
)


def _random_facilities(
    rng: np.random.Generator, n: int, years: tuple[int, ...], lin_le: np.ndarray,
) -> Facilities:
    cats: list[np.ndarray] = []
    comms: list[np.ndarray] = []
    for cat, p, _ in _FACILITY_MIX:
        boost = 0.3 if cat in ("elderly_center", "culture_room", "library") else 0.0
        have = rng.random(n) < np.minimum(p + boost * lin_le, 0.98)
        comms.append(np.flatnonzero(have))
        cats.append(np.full(int(have.sum()), cat))
    n_fit = rng.poisson(1.5, n)
    comms.append(np.repeat(np.arange(n), n_fit))
    cats.append(np.full(int(n_fit.sum()), "fitness"))
    comm = np.concatenate(comms)
    category = np.concatenate(cats).astype(object)
    order = np.argsort(comm, kind="stable")
    comm, category = comm[order], category[order]
    m = len(comm)
    lo = np.array([_area_range(c)[0] for c in category])
    hi = np.array([_area_range(c)[1] for c in category])
    area = np.round(lo + rng.random(m) * (hi - lo), 1)
    area[np.isin(category, ("fitness", "market"))] = np.nan
    # most opened before the baseline year, some during the assessed years
    start = day(2005, 1, 1)
    base_end = day(years[0], 1, 1) - 1
    early = rng.random(m) < 0.8
    opened = np.where(
        early,
        uniform_days(rng, start, base_end, m),
        uniform_days(rng, day(years[0], 1, 1), day(years[-1], 12, 31), m),
    )
    nan = np.full(m, np.nan)
    return Facilities(comm, category, [""] * m, area, opened, nan, nan.copy())


def _area_range(category: str) -> tuple[float, float]:
    for cat, _, rng_ in _FACILITY_MIX:
        if cat == category and rng_ is not None:
            return rng_
    return (0.0, 0.0)
