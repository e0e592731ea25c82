"""Synthetic data in the contract: the demo dataset and the scale generator.

:func:`generate` writes a complete dataset for one zone of *N* communities —
every table of :data:`linli.contract.TABLES` — as canonical files: UTF-8 CSV with
the English column names in contract order (ISO dates, ``true``/``false``, lists
joined with ``;``, empty cell = missing) and GeoJSON in EPSG:4326 for the three
geometry tables, plus a ``dataset.yaml`` (``synthetic: true`` and the as-of
date). :func:`generate_demo` writes the committed demo dataset of the Renmin
Street zone (``data/raw``) with the same machinery and a calibration taken from
the newspaper article (``shared/spec/CLAIMS.md``).

How the data is made
--------------------
* Communities are processed in chunks of ``_CHUNK`` (one chunk for the demo); a
  chunk's tables are generated with vectorised numpy and appended to the files
  at once, so memory stays flat whatever the number of communities.
* Every chunk draws from its own stream
  ``PCG64(SeedSequence(seed, spawn_key=(chunk,)))``; rows are sorted by
  community, then date; ids follow that order; floats are rounded before they
  are written and GeoJSON is written by hand with coordinates rounded to six
  decimals. Identical arguments therefore give byte-identical files.
* Rosters (organisations, volunteers, charity resources, social workers, the
  register of vulnerable residents) are drawn so that the number *active at the
  end of each year* — ``start ≤ Y-12-31`` and (``end`` empty or ``end > Y-12-31``),
  the rule of DATA.md — is exactly the planned count, with people joining and
  leaving every year.
* All dates fall on or before 31 December of the last year (the as-of date
  written to ``dataset.yaml``).

Personal data is fake by construction: names ``测试姓名`` + digits, phones
``1990000`` + four digits, ID numbers beginning with the non-existent region
code ``000000`` and addresses ``测试地址`` + digits + ``号`` (see
:data:`FAKE_PATTERNS`).

Tunables
--------
``DEMO_SEED``   seed of the demo dataset (changing it changes ``data/raw``)
``DEMO_YEARS``  years of the demo (2022 baseline, 2023, 2024)
``_CHUNK``      communities generated and written at a time (part of the seed's
                meaning: the same seed with another chunk size gives other data)
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from . import contract
from .contract import TABLES, Table
from .errors import ContractError

__all__ = ["DEMO_SEED", "DEMO_YEARS", "DEMO_ZONE_ID", "FAKE_PATTERNS", "generate", "generate_demo"]

DEMO_SEED: int = 2024
DEMO_YEARS: tuple[int, ...] = (2022, 2023, 2024)
DEMO_ZONE_ID: str = "renmin"

#: Regular expressions that every generated personal value matches.
FAKE_PATTERNS: dict[str, str] = {
    "name": r"^测试姓名\d{5}$",
    "phone": r"^1990000\d{4}$",
    "id_number": r"^000000(19|20)\d{2}0101\d{3}[0-9X]$",
    "address": r"^测试地址\d{4}号$",
}

_CHUNK = 100
_NONE = 1 << 40  # "no date" (open end) in the int-days arrays
_GEOMETRY_STREAM = 1 << 30  # spawn key of the layout's random stream
_M_PER_DEG_LAT = 110_574.0
_M_PER_DEG_LON_EQ = 111_320.0

_GEO_TABLES = {"boundaries", "compounds", "facilities"}
_ARROW_TYPES: dict[str, pa.DataType] = {
    "str": pa.string(), "code": pa.string(), "list": pa.string(), "ref": pa.string(),
    "int": pa.int64(), "float": pa.float64(), "date": pa.date32(), "bool": pa.bool_(),
}

#: Month weights: volunteer activities peak around Lei Feng day (March), the
#: Double Ninth festival (October) and before the Spring Festival.
_MONTHS_ACTIVITIES = np.array([1.2, 0.7, 1.6, 1.0, 1.0, 0.9, 0.8, 0.8, 1.0, 1.4, 1.0, 1.2])
_MONTHS_CASES = np.array([1.3, 1.4, 1.0, 0.9, 0.9, 1.0, 1.2, 1.2, 0.9, 1.0, 0.9, 1.0])
_MONTHS_CULTURE = np.array([1.3, 1.2, 1.0, 1.0, 1.1, 0.8, 0.6, 0.6, 1.1, 1.4, 1.1, 1.0])
_MONTHS_REQUESTS = np.array([0.9, 0.8, 1.0, 1.0, 1.1, 1.3, 1.4, 1.3, 1.0, 0.9, 0.8, 0.9])


# ---------------------------------------------------------------------- public API


def generate(
    out_dir: Path | str,
    *,
    communities: int = 4,
    seed: int = 0,
    years: Sequence[int] = (2022, 2023, 2024),
    zone_id: str = "zone",
    progress: bool = False,
) -> dict[str, Path]:
    """Write a synthetic dataset of one zone in the data contract.

    Parameters
    ----------
    out_dir
        Directory to write to (created; existing files of the same names are
        overwritten).
    communities
        Number of communities (``c0001``, ``c0002``, …), laid out as a grid of
        adjoining cells of about 800 m × 800 m near Hengyang.
    seed
        Random seed; the same arguments always give byte-identical files.
    years
        Calendar years of the event ledgers, increasing; the first is the
        baseline. Rosters start earlier; no date is after 31 December of the
        last year.
    zone_id
        The zone's id (``[a-z][a-z0-9_]*``).
    progress
        Show a progress bar (tqdm) over the communities.

    Returns
    -------
    dict
        The path written for each table of the contract, and ``dataset`` for
        ``dataset.yaml``.

    Raises
    ------
    ContractError
        When ``communities``, ``years`` or ``zone_id`` is out of range.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     paths = generate(tmp, communities=2, seed=1)
    ...     sorted(paths)[:3]
    ['boundaries', 'charity_resources', 'communities']
    """
    yrs = _check_years(years)
    if not isinstance(communities, int | np.integer) or communities < 1:
        msg = f"communities must be a whole number ≥ 1, got {communities!r}."
        raise ContractError(msg)
    _check_zone(zone_id)
    n = int(communities)
    width = max(4, len(str(n)))
    layout = _Layout.grid(
        n, _rng(seed, _GEOMETRY_STREAM), lon0=112.600, lat0=26.885, cell_m=(800.0, 800.0),
    )

    def plans() -> Iterator[tuple[_Plan, np.random.Generator]]:
        for chunk, start in enumerate(range(0, n, _CHUNK)):
            rng = _rng(seed, chunk)
            index = np.arange(start, min(start + _CHUNK, n))
            yield _random_plan(rng, index, yrs, width), rng

    meta = {"name": f"synthetic zone {zone_id} ({n} communities, seed {seed})"}
    return _write_dataset(Path(out_dir), plans(), layout, yrs, zone_id, total=n, progress=progress,
                          meta=meta)


def generate_demo(out_dir: Path | str, *, progress: bool = False) -> dict[str, Path]:
    """Write the demo dataset of the Renmin Street zone (人民街道), 2022–2024.

    Four communities with their brands — 人民路 邻治, 湘北 邻和, 向阳 邻助,
    蒸阳 邻乐 — calibrated so that the zone totals computed with the
    active-at-end-of-year rule match the counts the article publishes
    (``shared/spec/CLAIMS.md``): social organisations 17 → 40, volunteers
    4275 → 6339, charity resources 48 → 141 (end of 2022 → end of 2024),
    27457 residents in 2024 of whom 4942 (18.0 %) are 65 or older, 45 volunteer
    teams, 550 volunteer activities and 1038 mediation cases over 2022–2024.
    The places the article names are included; all other names, all people and
    all geometry are invented. Running it again reproduces ``data/raw`` byte for
    byte (``README.md`` and ``published_claims.yaml`` there are hand-written).

    Parameters
    ----------
    out_dir
        Directory to write to, usually ``config.RAW_DIR``.
    progress
        Show a progress bar.

    Returns
    -------
    dict
        The path written for each table, and ``dataset`` for ``dataset.yaml``.
    """
    years = DEMO_YEARS
    plan = _demo_plan(years)
    layout = _Layout.grid(4, _rng(DEMO_SEED, _GEOMETRY_STREAM), lon0=112.610, lat0=26.890,
                          cell_m=(497.0, 553.0), jitter=0.05, ncols=2)
    meta = {
        "name": "人民街道演示数据 (Renmin Street demo, synthetic)",
        "note": "Synthetic data calibrated to published counts; geometry illustrative, not surveyed.",
        "zones": {DEMO_ZONE_ID: {"name_zh": "人民街道", "name_en": "Renmin Street"}},
    }
    return _write_dataset(Path(out_dir), iter([(plan, _rng(DEMO_SEED, 0))]), layout, years,
                          DEMO_ZONE_ID, total=4, progress=progress, meta=meta)


# ------------------------------------------------------------------ argument checks


def _check_years(years: Sequence[int]) -> tuple[int, ...]:
    try:
        yrs = tuple(int(y) for y in years)
    except (TypeError, ValueError):
        msg = f"years must be whole numbers, got {years!r}."
        raise ContractError(msg) from None
    if not yrs or any(b <= a for a, b in zip(yrs, yrs[1:], strict=False)):
        msg = f"years must be one or more increasing years, got {list(yrs)!r}."
        raise ContractError(msg)
    if yrs[0] < 2000 or yrs[-1] > 2100:
        msg = f"years must lie in 2000–2100, got {list(yrs)!r}."
        raise ContractError(msg)
    return yrs


def _check_zone(zone_id: str) -> None:
    if not isinstance(zone_id, str) or not re.fullmatch(contract.ID_PATTERN, zone_id):
        msg = f"zone_id must match {contract.ID_PATTERN}, got {zone_id!r}."
        raise ContractError(msg)


def _rng(seed: int, *key: int) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(int(seed), spawn_key=key)))


# ------------------------------------------------------------------------- layout


@dataclass(frozen=True)
class _Layout:
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
    ) -> _Layout:
        cols = ncols or int(np.ceil(np.sqrt(n)))
        rows = int(np.ceil(n / cols))
        m_lon = _M_PER_DEG_LON_EQ * np.cos(np.radians(lat0))
        dlon, dlat = cell_m[0] / m_lon, cell_m[1] / _M_PER_DEG_LAT
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
class _Facilities:
    """Facilities of a chunk, flat (``comm`` is the local community index)."""

    comm: np.ndarray
    category: np.ndarray  # str codes
    name: list[str]
    area: np.ndarray  # NaN = empty
    opened: np.ndarray  # int days
    rx: np.ndarray  # NaN = placed by the generator
    ry: np.ndarray


@dataclass
class _Plan:
    """What to generate for one chunk of communities.

    Arrays have one row per community; ``(n, K)`` arrays one column per year.
    Shares are probabilities in [0, 1]; counts of rosters are the numbers active
    at the end of each year.
    """

    ids: list[str]
    names_zh: list[str]
    names_en: list[str]
    brands: list[str | None]
    cells: np.ndarray
    households: np.ndarray
    residents: np.ndarray
    resident_population: np.ndarray
    age_65_plus: np.ndarray
    disabled: np.ndarray
    n_compounds: np.ndarray
    party: np.ndarray
    committee: np.ndarray
    renovated: np.ndarray
    self_governed: np.ndarray
    orgs: np.ndarray
    volunteers: np.ndarray
    charity: np.ndarray
    workers: np.ndarray
    register: np.ndarray
    teams_base: np.ndarray
    teams_final: np.ndarray
    activities: np.ndarray
    cases: np.ndarray
    culture: np.ndarray
    requests: np.ndarray
    surveys: np.ndarray
    aid_share: np.ndarray
    resolved: np.ndarray
    joint: np.ndarray
    case_days: np.ndarray
    closed: np.ndarray
    request_days: np.ndarray
    satisfied: np.ndarray
    regular: np.ndarray
    occasional: np.ndarray
    visits: np.ndarray
    elder_share: np.ndarray
    survey_base: np.ndarray
    facilities: _Facilities
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


def _random_plan(rng: np.random.Generator, index: np.ndarray, years: tuple[int, ...], width: int) -> _Plan:
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
    return _Plan(
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
) -> _Facilities:
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
    start = _day(2005, 1, 1)
    base_end = _day(years[0], 1, 1) - 1
    early = rng.random(m) < 0.8
    opened = np.where(
        early,
        _uniform_days(rng, start, base_end, m),
        _uniform_days(rng, _day(years[0], 1, 1), _day(years[-1], 12, 31), m),
    )
    nan = np.full(m, np.nan)
    return _Facilities(comm, category, [""] * m, area, opened, nan, nan.copy())


def _area_range(category: str) -> tuple[float, float]:
    for cat, _, rng_ in _FACILITY_MIX:
        if cat == category and rng_ is not None:
            return rng_
    return (0.0, 0.0)


# ---------------------------------------------------------------------- the demo


def _demo_plan(years: tuple[int, ...]) -> _Plan:
    """The calibrated plan of the Renmin Street demo (see ``data/raw/README.md``)."""
    if years != DEMO_YEARS:  # pragma: no cover - guarded by generate_demo
        msg = f"the demo covers {DEMO_YEARS}, not {years}."
        raise ContractError(msg)
    d = _DEMO

    def arr(key: str, dtype: type = np.int64) -> np.ndarray:
        return np.array([d[c][key] for c in _DEMO_IDS], dtype=dtype)

    fac = _demo_facilities()
    return _Plan(
        ids=list(_DEMO_IDS),
        names_zh=[d[c]["name_zh"] for c in _DEMO_IDS],
        names_en=[d[c]["name_en"] for c in _DEMO_IDS],
        brands=[d[c]["brand"] for c in _DEMO_IDS],
        cells=np.array([d[c]["cell"] for c in _DEMO_IDS]),
        households=arr("households"),
        residents=arr("residents"),
        resident_population=arr("resident_population"),
        age_65_plus=arr("age_65_plus"),
        disabled=arr("disabled"),
        n_compounds=np.array([len(d[c]["compounds"]) for c in _DEMO_IDS]),
        party=arr("party", float),
        committee=arr("committee", float),
        renovated=arr("renovated", float),
        self_governed=arr("self_governed", float),
        orgs=arr("orgs"),
        volunteers=arr("volunteers"),
        charity=arr("charity"),
        workers=arr("workers"),
        register=arr("register"),
        teams_base=arr("teams_base"),
        teams_final=arr("teams_final"),
        activities=arr("activities"),
        cases=arr("cases"),
        culture=arr("culture"),
        requests=arr("requests"),
        surveys=arr("surveys"),
        aid_share=arr("aid_share", float),
        resolved=arr("resolved", float),
        joint=arr("joint", float),
        case_days=arr("case_days", float),
        closed=arr("closed", float),
        request_days=arr("request_days", float),
        satisfied=arr("satisfied", float),
        regular=arr("regular", float),
        occasional=arr("occasional", float),
        visits=arr("visits", float),
        elder_share=arr("elder_share", float),
        survey_base=arr("survey_base", float),
        facilities=fac,
        compound_names=[list(d[c]["compounds"]) for c in _DEMO_IDS],
        compound_overrides=_DEMO_COMPOUNDS,
        pinned_cases=_DEMO_CASES,
        note="示意位置，非测绘数据 (illustrative, not surveyed)",
        spread=(0.03, 0.97),
    )


_DEMO_IDS = ("renminlu", "xiangbei", "xiangyang", "zhengyang")

#: The demo's calibration. Population and roster counts per year (2022, 2023, 2024);
#: roster counts are those active at the end of the year. Zone sums: residents 2024
#: 27457, age 65+ 2024 4942 (18.0 %), organisations 17/30/40, volunteers 4275/5305/6339,
#: charity resources 48/95/141, activities 130/185/235 (550), mediation cases
#: 296/350/392 (1038), teams at the end of 2024 12+11+12+10 = 45.
_DEMO: dict[str, dict[str, Any]] = {
    "renminlu": {
        "name_zh": "人民路社区", "name_en": "Renminlu", "brand": "lin_zhi", "cell": 0,
        "residents": (7221, 7266, 7312), "households": (2840, 2852, 2867),
        "resident_population": (6532, 6570, 6608), "age_65_plus": (1176, 1210, 1243),
        "disabled": (155, 158, 161),
        "party": (0.40, 0.70, 0.90), "committee": (0.30, 0.55, 0.80), "renovated": (0.15, 0.45, 0.70),
        "self_governed": 0.10,
        "orgs": (5, 8, 11), "volunteers": (1180, 1420, 1690), "charity": (14, 26, 38),
        "workers": (3, 5, 6), "register": (180, 195, 205), "teams_base": 8, "teams_final": 12,
        "activities": (30, 42, 55), "cases": (70, 82, 90), "culture": (60, 70, 80),
        "requests": (380, 460, 540), "surveys": (150, 160, 170),
        "aid_share": 0.25, "resolved": (0.78, 0.80, 0.82), "joint": (0.30, 0.40, 0.45),
        "case_days": 8.0, "closed": (0.92, 0.96, 0.98), "request_days": 3.0,
        "satisfied": (0.80, 0.86, 0.89), "regular": (0.18, 0.22, 0.25),
        "occasional": (0.50, 0.50, 0.50), "visits": 0.4, "elder_share": 0.50,
        "survey_base": (3.55, 3.70, 3.80),
    },
    "xiangbei": {
        "name_zh": "湘北社区", "name_en": "Xiangbei", "brand": "lin_he", "cell": 1,
        "residents": (6052, 6090, 6105), "households": (2386, 2398, 2402),
        "resident_population": (5521, 5549, 5561), "age_65_plus": (978, 1005, 1032),
        "disabled": (124, 126, 128),
        "party": (0.25, 0.45, 0.60), "committee": (0.15, 0.30, 0.45), "renovated": (0.10, 0.25, 0.35),
        "self_governed": 0.05,
        "orgs": (4, 7, 9), "volunteers": (1010, 1230, 1425), "charity": (10, 20, 30),
        "workers": (2, 4, 5), "register": (150, 160, 170), "teams_base": 7, "teams_final": 11,
        "activities": (30, 44, 55), "cases": (88, 104, 118), "culture": (55, 62, 70),
        "requests": (300, 340, 380), "surveys": (140, 150, 160),
        "aid_share": 0.20, "resolved": (0.86, 0.92, 0.95), "joint": (0.55, 0.72, 0.82),
        "case_days": 4.0, "closed": (0.88, 0.90, 0.92), "request_days": 6.0,
        "satisfied": (0.74, 0.78, 0.82), "regular": (0.15, 0.20, 0.22),
        "occasional": (0.50, 0.50, 0.50), "visits": 0.4, "elder_share": 0.48,
        "survey_base": (3.50, 3.65, 3.75),
    },
    "xiangyang": {
        "name_zh": "向阳社区", "name_en": "Xiangyang", "brand": "lin_zhu", "cell": 2,
        "residents": (7340, 7381, 7436), "households": (2893, 2905, 2921),
        "resident_population": (6634, 6667, 6712), "age_65_plus": (1312, 1351, 1389),
        "disabled": (270, 276, 283),
        "party": (0.30, 0.45, 0.55), "committee": (0.15, 0.25, 0.35), "renovated": (0.10, 0.20, 0.30),
        "self_governed": 0.05,
        "orgs": (4, 7, 9), "volunteers": (1185, 1495, 1880), "charity": (14, 28, 42),
        "workers": (3, 5, 7), "register": (320, 350, 380), "teams_base": 8, "teams_final": 12,
        "activities": (42, 60, 75), "cases": (72, 86, 96), "culture": (60, 68, 78),
        "requests": (330, 370, 400), "surveys": (150, 160, 170),
        "aid_share": 0.60, "resolved": (0.80, 0.82, 0.84), "joint": (0.35, 0.40, 0.45),
        "case_days": 7.0, "closed": (0.86, 0.88, 0.90), "request_days": 7.0,
        "satisfied": (0.72, 0.76, 0.80), "regular": (0.35, 0.55, 0.65),
        "occasional": (0.50, 0.38, 0.31), "visits": 1.2, "elder_share": 0.52,
        "survey_base": (3.50, 3.68, 3.78),
    },
    "zhengyang": {
        "name_zh": "蒸阳社区", "name_en": "Zhengyang", "brand": "lin_le", "cell": 3,
        "residents": (6523, 6570, 6604), "households": (2560, 2571, 2580),
        "resident_population": (5950, 5990, 6015), "age_65_plus": (1203, 1240, 1278),
        "disabled": (144, 147, 149),
        "party": (0.30, 0.40, 0.55), "committee": (0.20, 0.30, 0.40), "renovated": (0.10, 0.20, 0.30),
        "self_governed": 0.25,
        "orgs": (4, 8, 11), "volunteers": (900, 1160, 1344), "charity": (10, 21, 31),
        "workers": (2, 3, 5), "register": (210, 225, 240), "teams_base": 6, "teams_final": 10,
        "activities": (28, 39, 50), "cases": (66, 78, 88), "culture": (120, 200, 260),
        "requests": (290, 330, 360), "surveys": (140, 150, 160),
        "aid_share": 0.30, "resolved": (0.77, 0.79, 0.81), "joint": (0.30, 0.35, 0.40),
        "case_days": 9.0, "closed": (0.88, 0.90, 0.91), "request_days": 6.0,
        "satisfied": (0.76, 0.80, 0.83), "regular": (0.20, 0.25, 0.28),
        "occasional": (0.50, 0.50, 0.48), "visits": 0.5, "elder_share": 0.70,
        "survey_base": (3.55, 3.72, 3.85),
    },
}

_DEMO["renminlu"]["compounds"] = (
    "赤帝巷小区", "人民路12号院", "五金公司宿舍", "百货大楼宿舍", "邮电宿舍", "中山南路小区",
    "粮食局宿舍", "人民路综合楼", "交通宿舍", "金融宿舍", "文化馆宿舍", "新华书店宿舍",
    "人民路东苑", "工商宿舍", "鸿运花园", "城建宿舍", "燕子巷小区", "金城公寓", "电力宿舍",
)
_DEMO["xiangbei"]["compounds"] = (
    "醇美平安苑小区", "湘北小区", "江滨花园", "湘江宿舍", "航运公司宿舍", "北门小区",
    "渡口巷小区", "湘北新村", "供销社宿舍", "水利宿舍", "码头巷小区", "沿江公寓",
    "纺织厂宿舍", "湘北综合楼", "青草桥小区", "和平巷小区", "江景苑",
)
_DEMO["xiangyang"]["compounds"] = (
    "后宰门小区", "向阳小区", "向阳新村", "向阳花园", "药材公司宿舍", "后宰门综合楼",
    "机械厂宿舍", "向阳北苑", "卫生宿舍", "朝阳巷小区", "向阳南苑", "福利院宿舍",
    "向阳公寓", "光明巷小区", "二轻宿舍", "向阳东苑", "财贸宿舍", "红星巷小区", "向阳西苑",
)
_DEMO["zhengyang"]["compounds"] = (
    "马王巷自治小区", "蒸阳小区", "蒸水花园", "蒸阳新村", "船山巷小区", "石鼓宿舍",
    "蒸阳北苑", "文化巷小区", "教育宿舍", "蒸湘公寓", "草桥小区", "蒸阳南苑",
    "书院巷小区", "印刷厂宿舍", "蒸阳综合楼", "梅园小区", "蒸阳东苑", "老街小区",
)

#: The compounds the article names, with the facts it gives (other fields drawn).
_DEMO_COMPOUNDS: dict[str, dict[str, Any]] = {
    "赤帝巷小区": {
        "households": 183, "built_year": 1979,
        "party_branch_since": "2023-04-18", "owners_committee_since": "2023-06-09",
        "renovation": "2023-11-28", "self_governed": False, "rx": 0.55, "ry": 0.45,
    },
    "醇美平安苑小区": {
        "households": 56, "built_year": 1965, "parking_spaces": 12, "rx": 0.45, "ry": 0.55,
    },
    "马王巷自治小区": {
        "households": 124, "built_year": 1986, "self_governed": True, "rx": 0.6, "ry": 0.4,
    },
    # compounds at the outer corners of the zone, beyond a 10-minute walk of any
    # service facility (life_circle_500m_pct < 100 %)
    "电力宿舍": {"rx": 0.05, "ry": 0.08},
    "燕子巷小区": {"rx": 0.15, "ry": 0.04},
    "江景苑": {"rx": 0.95, "ry": 0.05},
    "向阳西苑": {"rx": 0.04, "ry": 0.95},
    "蒸阳东苑": {"rx": 0.95, "ry": 0.95},
}

#: The parking dispute the article tells (March, 醇美平安苑, police + grid worker + volunteers).
_DEMO_CASES: tuple[dict[str, Any], ...] = (
    {"community": "xiangbei", "compound": "醇美平安苑小区", "received_on": "2024-03-12",
     "closed_on": "2024-03-12", "dispute_type": "parking",
     "mediators": "police;grid_worker;volunteer", "outcome": "resolved"},
)


def _demo_facilities() -> _Facilities:
    """The demo's facilities: (community, name, category, floor area, opened, rx, ry)."""
    rows: tuple[tuple[str, str, str, float | None, str, float, float], ...] = (
        ("renminlu", "人民路社区综合服务中心", "service_center", 420.0, "2016-05-20", 0.86, 0.86),
        ("renminlu", "人民路社区调解室", "mediation_room", 40.0, "2018-03-01", 0.74, 0.70),
        ("renminlu", "人民路社区卫生服务站", "clinic", 120.0, "2015-09-10", 0.30, 0.60),
        ("renminlu", "人民路社区阅览室", "library", 60.0, "2023-08-01", 0.80, 0.76),
        ("renminlu", "赤帝巷健身点", "fitness", None, "2023-12-01", 0.57, 0.47),
        ("renminlu", "人民路健身点", "fitness", None, "2019-06-01", 0.25, 0.30),
        ("xiangbei", "湘北社区综合服务中心", "service_center", 380.0, "2017-04-12", 0.14, 0.86),
        ("xiangbei", "湘北社区调解室", "mediation_room", 60.0, "2023-05-15", 0.32, 0.70),
        ("xiangbei", "湘北社区文体活动室", "culture_room", 90.0, "2019-10-01", 0.22, 0.90),
        ("xiangbei", "江滨健身点", "fitness", None, "2020-05-01", 0.70, 0.60),
        ("xiangbei", "北门健身点", "fitness", None, "2022-04-01", 0.35, 0.85),
        ("xiangyang", "向阳社区综合服务中心", "service_center", 300.0, "2016-11-08", 0.80, 0.22),
        ("xiangyang", "残疾人日间照料站", "day_care", 220.0, "2021-09-01", 0.62, 0.35),
        ("xiangyang", "聆音康复中心", "rehab_center", 240.0, "2019-03-18", 0.70, 0.70),
        ("xiangyang", "后宰门农贸市场", "market", None, "2005-01-01", 0.50, 0.20),
        ("xiangyang", "向阳社区卫生服务站", "clinic", 110.0, "2014-06-01", 0.55, 0.45),
        ("xiangyang", "向阳健身点", "fitness", None, "2018-09-01", 0.30, 0.80),
        ("zhengyang", "蒸阳社区综合服务中心", "service_center", 360.0, "2015-07-01", 0.15, 0.20),
        ("zhengyang", "红色文苑", "culture_room", 320.0, "2023-06-18", 0.50, 0.60),
        ("zhengyang", "养老服务中心", "elderly_center", 210.0, "2023-09-26", 0.80, 0.80),
        ("zhengyang", "马王巷健身点", "fitness", None, "2021-05-01", 0.62, 0.42),
        ("zhengyang", "蒸阳健身点", "fitness", None, "2020-10-01", 0.30, 0.70),
        ("zhengyang", "梅园健身点", "fitness", None, "2023-04-01", 0.80, 0.25),
    )
    pos = {c: i for i, c in enumerate(_DEMO_IDS)}
    return _Facilities(
        comm=np.array([pos[r[0]] for r in rows]),
        category=np.array([r[2] for r in rows], dtype=object),
        name=[r[1] for r in rows],
        area=np.array([np.nan if r[3] is None else r[3] for r in rows]),
        opened=np.array([_parse_day(r[4]) for r in rows]),
        rx=np.array([r[5] for r in rows]),
        ry=np.array([r[6] for r in rows]),
    )


# -------------------------------------------------------------------- date helpers


def _day(y: int, m: int, d: int) -> int:
    return int(np.datetime64(f"{y:04d}-{m:02d}-{d:02d}", "D").astype(np.int64))


def _parse_day(text: str) -> int:
    return int(np.datetime64(text, "D").astype(np.int64))


def _uniform_days(rng: np.random.Generator, lo: np.ndarray | int, hi: np.ndarray | int, size: int) -> np.ndarray:
    """Uniform whole days in [lo, hi] (inclusive)."""
    lo_a = np.broadcast_to(np.asarray(lo, dtype=np.int64), (size,))
    hi_a = np.broadcast_to(np.asarray(hi, dtype=np.int64), (size,))
    return lo_a + (rng.random(size) * (hi_a - lo_a + 1)).astype(np.int64)


def _seasonal_days(rng: np.random.Generator, years: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """A day in each row's year, its month drawn with ``weights``."""
    size = len(years)
    month = rng.choice(12, size=size, p=weights / weights.sum())
    start = ((years - 1970) * 12 + month).astype("datetime64[M]")
    d0 = start.astype("datetime64[D]").astype(np.int64)
    length = (start + 1).astype("datetime64[D]").astype(np.int64) - d0
    return d0 + (rng.random(size) * length).astype(np.int64)


def _year_of(days: np.ndarray) -> np.ndarray:
    return days.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970


def _month_of(days: np.ndarray) -> np.ndarray:
    return days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64) % 12


# ------------------------------------------------------------------ group helpers


def _group_rank(groups: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """0-based rank of each element within its group, by ascending key."""
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


def _seq_sorted(groups: np.ndarray) -> np.ndarray:
    """1-based position within runs of equal ``groups`` (already sorted)."""
    size = len(groups)
    if size == 0:
        return np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])
    first = np.repeat(starts, np.diff(np.r_[starts, size]))
    return np.arange(size) - first + 1


def _stratified(rng: np.random.Generator, groups: np.ndarray, sizes: np.ndarray | None = None) -> np.ndarray:
    """Uniforms in [0, 1) spread evenly within each group (one per stratum).

    Thresholding them at ``p`` marks ``p × size`` members of a group, give or
    take one — realised shares then follow the plan rather than its noise.
    """
    if sizes is None:
        sizes = np.bincount(groups) if len(groups) else np.zeros(0, dtype=np.int64)
    rank = _group_rank(groups, rng.random(len(groups)))
    return (rank + rng.random(len(groups))) / np.maximum(sizes[groups], 1)


def _pick_available(
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


def _weighted_member(
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


def _choice(
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


# --------------------------------------------------------------- string builders


def _s(values: np.ndarray | list[str]) -> pa.Array:
    return pa.array(values, type=pa.string())


def _take(labels: Sequence[str], index: np.ndarray) -> pa.Array:
    """``labels[index]`` as a string array (fast for millions of rows)."""
    return pa.array(list(labels), type=pa.string()).take(pa.array(np.asarray(index, dtype=np.int64)))


def _join(*parts: pa.Array | str) -> pa.Array:
    return pc.binary_join_element_wise(*parts, "")


def _pad(numbers: np.ndarray, width: int) -> pa.Array:
    text = pc.cast(pa.array(np.asarray(numbers, dtype=np.int64)), pa.string())
    return pc.utf8_lpad(text, width=width, padding="0")


def _ids(cids: pa.Array, letter: str, seq: np.ndarray, width: int, year: np.ndarray | None = None) -> pa.Array:
    """``<community>-<letter>[<year>-]<seq>``, e.g. ``renminlu-M2024-0012``."""
    if year is None:
        return _join(cids, f"-{letter}", _pad(seq, width))
    return _join(cids, f"-{letter}", _pad(year, 4), "-", _pad(seq, width))


def _fake_names(seq: np.ndarray) -> pa.Array:
    return _join("测试姓名", _pad(seq % 100_000, 5))


def _fake_phones(rng: np.random.Generator, size: int) -> pa.Array:
    return _join("1990000", _pad(rng.integers(0, 10_000, size), 4))


def _fake_id_numbers(rng: np.random.Generator, birth_year: np.ndarray) -> pa.Array:
    size = len(birth_year)
    check = _take(list("0123456789X"), rng.integers(0, 11, size))
    return _join("000000", _pad(birth_year, 4), "0101", _pad(rng.integers(0, 1000, size), 3), check)


def _fake_addresses(rng: np.random.Generator, size: int) -> pa.Array:
    return _join("测试地址", _pad(rng.integers(0, 10_000, size), 4), "号")


# -------------------------------------------------------------------- the rosters


@dataclass
class _Roster:
    comm: np.ndarray
    start: np.ndarray
    end: np.ndarray  # _NONE = still active


def _roster(
    rng: np.random.Generator,
    targets: np.ndarray,
    years: tuple[int, ...],
    *,
    since: int,
    hazard: float,
    early_leavers: float = 0.1,
    same_year: float = 0.03,
) -> _Roster:
    """Entities whose number active at the end of each year is exactly ``targets``.

    Period 0 runs from 1 January ``since`` to the end of the first year; period
    ``k`` from the day after the end of year ``k - 1`` to the end of year ``k``.
    Entities leave with probability ``hazard`` per later period; joiners make up
    the difference to the next target (extra leavers are drawn when a target
    falls faster than people leave).
    """
    n, k = targets.shape
    lo = [_day(since, 1, 1)] + [_day(years[i - 1] + 1, 1, 1) for i in range(1, k)]
    hi = [_day(y, 12, 31) for y in years]
    comms: list[np.ndarray] = []
    starts: list[np.ndarray] = []
    leave: list[np.ndarray] = []  # period in which the entity leaves; k = never

    def later_leave(size: int, after: int) -> np.ndarray:
        return np.minimum(after + rng.geometric(hazard, size), k)

    n0 = targets[:, 0]
    c0 = np.repeat(np.arange(n), n0)
    comms.append(c0)
    # registrations lean towards recent years
    span = hi[0] - lo[0] + 1
    starts.append(lo[0] + (np.sqrt(rng.random(len(c0))) * span).astype(np.int64))
    leave.append(later_leave(len(c0), 0))
    for p in range(1, k):
        comm_all = np.concatenate(comms)
        leave_all = np.concatenate(leave)
        active_before = leave_all >= p  # active at the end of period p - 1
        leaving = np.bincount(comm_all[leave_all == p], minlength=n)
        joiners = targets[:, p] - targets[:, p - 1] + leaving
        short = np.maximum(-joiners, 0)
        if short.any():
            eligible = np.flatnonzero(active_before & (leave_all > p))
            rank = _group_rank(comm_all[eligible], rng.random(len(eligible)))
            chosen = eligible[rank < short[comm_all[eligible]]]
            leave_all[chosen] = p
            # write back into the per-period pieces
            offset = 0
            for piece in leave:
                piece[:] = leave_all[offset:offset + len(piece)]
                offset += len(piece)
        joiners = np.maximum(joiners, 0)
        cj = np.repeat(np.arange(n), joiners)
        comms.append(cj)
        starts.append(_uniform_days(rng, lo[p], hi[p], len(cj)))
        leave.append(later_leave(len(cj), p))
    comm = np.concatenate(comms)
    start = np.concatenate(starts)
    leave_p = np.concatenate(leave)
    hi_a, lo_a = np.array(hi), np.array(lo)
    end = np.full(len(comm), _NONE, dtype=np.int64)
    gone = leave_p < k
    when = leave_p[gone]
    end[gone] = _uniform_days(rng, np.maximum(lo_a[when], start[gone]), hi_a[when], len(when))
    # people who came and went within one period (never active at a year's end)
    flow = rng.binomial(np.maximum(targets, 0), [early_leavers] + [same_year] * (k - 1))
    fc = np.repeat(np.tile(np.arange(n), k), flow.T.ravel())
    fp = np.repeat(np.repeat(np.arange(k), n), flow.T.ravel())
    a = _uniform_days(rng, lo_a[fp], hi_a[fp], len(fc))
    b = _uniform_days(rng, lo_a[fp], hi_a[fp], len(fc))
    comm = np.concatenate([comm, fc])
    start = np.concatenate([start, np.minimum(a, b)])
    end = np.concatenate([end, np.maximum(a, b)])
    return _Roster(comm, start, end)


# ------------------------------------------------------------------------ writers


class _CsvWriter:
    """Append pyarrow tables to a canonical CSV (header written once, unquoted)."""

    def __init__(self, path: Path, spec: Table) -> None:
        self.path = path
        self.schema = pa.schema([(c.name, _ARROW_TYPES[c.kind]) for c in spec.columns])
        self._fh: IO[bytes] = path.open("wb")
        self._fh.write((",".join(self.schema.names) + "\n").encode())
        self._writer = pa_csv.CSVWriter(
            self._fh, self.schema,
            write_options=pa_csv.WriteOptions(include_header=False, quoting_style="none"),
        )

    def write(self, columns: dict[str, Any]) -> None:
        arrays = [_arrow(columns[f.name], f.type) for f in self.schema]
        self._writer.write_table(pa.Table.from_arrays(arrays, schema=self.schema))

    def close(self) -> None:
        self._writer.close()
        self._fh.close()


def _arrow(values: Any, typ: pa.DataType) -> pa.Array:
    if isinstance(values, pa.Array | pa.ChunkedArray):
        return values if values.type == typ else values.cast(typ)
    if typ == pa.date32():
        days = np.asarray(values, dtype=np.int64)
        mask = days >= _NONE
        return pa.array(np.where(mask, 0, days).astype(np.int32), type=typ, mask=mask)
    arr = np.asarray(values)
    if typ == pa.float64():
        arr = arr.astype(float)
        return pa.array(arr, type=typ, mask=np.isnan(arr))
    if arr.dtype == object:
        return pa.array(list(arr), type=typ)
    return pa.array(arr, type=typ)


class _GeoWriter:
    """Stream a GeoJSON FeatureCollection, one feature per line."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fh = path.open("w", encoding="utf-8", newline="\n")
        self._fh.write('{"type":"FeatureCollection","features":[\n')
        self._first = True

    def write(self, features: list[dict[str, Any]]) -> None:
        for feat in features:
            if not self._first:
                self._fh.write(",\n")
            self._fh.write(json.dumps(feat, ensure_ascii=False, separators=(",", ":")))
            self._first = False

    def close(self) -> None:
        self._fh.write("\n]}\n")
        self._fh.close()


def _write_dataset(
    out: Path,
    plans: Iterator[tuple[_Plan, np.random.Generator]],
    layout: _Layout,
    years: tuple[int, ...],
    zone_id: str,
    *,
    total: int,
    progress: bool,
    meta: dict[str, Any],
) -> dict[str, Path]:
    from tqdm import tqdm

    out.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    with ExitStack() as stack:
        writers: dict[str, _CsvWriter | _GeoWriter] = {}
        for name, spec in TABLES.items():
            if name in _GEO_TABLES:
                geo = _GeoWriter(out / f"{name}.geojson")
                writers[name] = geo
            else:
                writers[name] = _CsvWriter(out / f"{name}.csv", spec)
            stack.callback(writers[name].close)
            paths[name] = writers[name].path
        bar = stack.enter_context(tqdm(total=total, unit="community", disable=not progress, desc="synth"))
        for plan, rng in plans:
            for name, payload in _Chunk(plan, rng, layout, years, zone_id).tables():
                writers[name].write(payload)  # type: ignore[arg-type]
            bar.update(plan.n)
    paths["dataset"] = out / "dataset.yaml"
    lines = [
        f"name: {json.dumps(meta['name'], ensure_ascii=False)}",
        "synthetic: true",
        f"as_of: {years[-1]}-12-31",
    ]
    if "note" in meta:
        lines.append(f"note: {json.dumps(meta['note'], ensure_ascii=False)}")
    zones = meta.get("zones") or {zone_id: {"name_zh": zone_id, "name_en": zone_id}}
    lines.append("zones:")
    for zid, names in zones.items():
        lines.append(f"  {zid}:")
        lines.extend(f"    {k}: {json.dumps(v, ensure_ascii=False)}" for k, v in names.items())
    paths["dataset"].write_text("\n".join(lines) + "\n", encoding="utf-8")
    return paths


# ------------------------------------------------------------------ one chunk


#: Volunteer teams and the activity category each mostly runs (``other`` = general).
_TEAMS: tuple[tuple[str, str], ...] = (
    ("平安创建志愿服务队", "patrol"), ("关爱帮扶志愿服务队", "elderly_aid"), ("治安巡逻队", "patrol"),
    ("环境卫生整治队", "environment"), ("矛盾纠纷调解队", "mediation"), ("助老志愿服务队", "elderly_aid"),
    ("助残志愿服务队", "disability_aid"), ("文艺宣传队", "culture"), ("党员先锋队", "other"),
    ("巾帼志愿服务队", "other"), ("青年志愿服务队", "other"), ("红马甲志愿服务队", "other"),
    ("银龄互助队", "elderly_aid"), ("文明劝导队", "environment"), ("邻里守望队", "patrol"),
    ("爱心帮扶队", "disability_aid"), ("健康义诊队", "elderly_aid"), ("法律服务队", "mediation"),
    ("垃圾分类宣传队", "environment"), ("消防安全志愿队", "patrol"), ("心理疏导志愿队", "other"),
    ("读书分享志愿队", "culture"), ("便民维修队", "other"), ("关爱儿童志愿队", "other"),
)
_TEAM_NAMES = tuple(name for name, _ in _TEAMS)
_TEAM_CATEGORY = np.array([tuple(contract.ACTIVITY_CATEGORIES).index(c) for _, c in _TEAMS])
_ORG_TEMPLATES: dict[str, tuple[str, ...]] = {
    "culture": ("文体协会", "书画社", "戏曲队", "广场舞队", "合唱团", "象棋协会"),
    "charity": ("公益服务社", "爱心互助会", "慈善工作站"),
    "volunteer": ("志愿者协会", "志愿服务站", "红马甲服务社"),
    "mediation": ("人民调解委员会", "和事佬协会", "邻里议事会"),
    "elderly": ("老年协会", "为老服务社", "银龄互助会"),
    "other": ("居民议事会", "读书会", "家长学校"),
}
_ORG_P = {
    None: (0.3, 0.15, 0.2, 0.1, 0.15, 0.1),
    "lin_zhi": (0.2, 0.1, 0.2, 0.1, 0.1, 0.3),
    "lin_he": (0.2, 0.1, 0.2, 0.35, 0.1, 0.05),
    "lin_zhu": (0.15, 0.25, 0.2, 0.05, 0.3, 0.05),
    "lin_le": (0.5, 0.05, 0.1, 0.05, 0.25, 0.05),
}
_CHARITY_LABEL = {
    "enterprise": "爱心企业", "foundation": "公益基金", "merchant": "爱心商户",
    "partner_unit": "共建单位", "individual": "爱心人士", "other": "爱心资源",
}
_CHARITY_P = (0.2, 0.05, 0.35, 0.2, 0.1, 0.1)
_ACTIVITY_P = {  # elderly_aid, disability_aid, patrol, environment, culture, mediation, other
    "lin_zhi": (0.25, 0.20, 0.35, 0.55, 0.20, 0.15, 0.10),
    "lin_he": (0.25, 0.20, 0.45, 0.35, 0.15, 0.40, 0.10),
    "lin_zhu": (0.25, 0.20, 0.25, 0.30, 0.15, 0.10, 0.10),
    "lin_le": (0.25, 0.20, 0.25, 0.30, 0.55, 0.10, 0.10),
    None: (0.25, 0.20, 0.30, 0.40, 0.25, 0.15, 0.10),
}
_DISPUTE_P = (0.26, 0.14, 0.22, 0.16, 0.08, 0.09, 0.05)
_MEDIATOR_W = np.array([0.7, 1.0, 0.8, 0.7, 0.4, 0.15, 0.35])
_GROUP_P = {"lin_zhu": (0.35, 0.25, 0.40), None: (0.45, 0.35, 0.20)}
#: service-type probabilities by group (elderly_alone, elderly, disabled)
_SERVICE_P = np.array([
    (0.40, 0.25, 0.12, 0.08, 0.02, 0.05, 0.08),
    (0.30, 0.20, 0.20, 0.08, 0.04, 0.10, 0.08),
    (0.15, 0.10, 0.10, 0.10, 0.30, 0.20, 0.05),
])
_SERVICE_MINUTES = np.array([45, 40, 30, 50, 60, 240, 30])
_PROVIDERS = (
    ("衡阳群众志愿者", "网格员"), ("爱心商户", "衡阳群众志愿者"), ("家庭医生团队", "社区卫生服务站"),
    ("专业社工", "心理咨询师"), ("聆音康复中心", "康复师"), ("日间照料站", "养老服务中心"),
    ("社区工作人员", "共建单位"),
)
_CULTURE_P = {  # calligraphy, opera, chess, reading, singing, fitness, lecture, other
    "lin_le": (0.18, 0.16, 0.14, 0.12, 0.14, 0.12, 0.09, 0.05),
    None: (0.10, 0.10, 0.15, 0.10, 0.15, 0.20, 0.12, 0.08),
}
_CULTURE_VENUES = ("service_center", "elderly_center", "culture_room", "library", "day_care")
_REQUEST_CATEGORIES = ("sanitation", "property", "repair", "parking", "noise", "greening", "safety", "other")
_REQUEST_P = (0.2, 0.18, 0.2, 0.12, 0.08, 0.06, 0.08, 0.08)
_CHANNEL_P = (0.3, 0.25, 0.2, 0.25)
_SURVEY_BOOST = {  # item -> extra mean for the brand (order of contract.SURVEY_ITEMS)
    "lin_zhi": (0.25, 0.0, 0.0, 0.45, 0.0, 0.0, 0.1),
    "lin_he": (0.0, 0.3, 0.0, 0.0, 0.45, 0.0, 0.1),
    "lin_zhu": (0.0, 0.0, 0.45, 0.0, 0.1, 0.0, 0.1),
    "lin_le": (0.0, 0.0, 0.1, 0.0, 0.0, 0.5, 0.1),
}
_COMPOUND_STEMS = ("幸福", "和平", "建设", "新华", "东风", "红旗", "光明", "文化", "胜利", "朝阳",
                   "友谊", "团结", "育才", "健康", "长青", "百花", "青山", "绿园", "东方", "南华")
_COMPOUND_SUFFIXES = ("小区", "宿舍", "花园", "苑", "大院", "新村", "公寓")


class _Chunk:
    """Generate the tables of one chunk of communities, in contract order.

    Later tables draw on earlier ones (cases and the register on compounds,
    culture events on facilities, activities on volunteer teams, services on the
    register); what they need is kept on the instance as it is made.
    """

    # set by compounds()
    cmp_comm: np.ndarray
    cmp_hh: np.ndarray
    cmp_rx: np.ndarray
    cmp_ry: np.ndarray
    cmp_ids: pa.Array
    cmp_names: list[str]
    # set by facilities()
    venue_ids: np.ndarray
    venue_comm: np.ndarray
    venue_opened: np.ndarray
    # set by volunteers()
    team_comm: np.ndarray
    team_founded: np.ndarray
    team_names: np.ndarray
    team_category: np.ndarray
    # set by vulnerable_residents()
    reg_comm: np.ndarray
    reg_start: np.ndarray
    reg_end: np.ndarray
    reg_group: np.ndarray
    reg_ids: pa.Array

    def __init__(
        self, plan: _Plan, rng: np.random.Generator, layout: _Layout, years: tuple[int, ...], zone_id: str,
    ) -> None:
        self.p = plan
        self.rng = rng
        self.layout = layout
        self.years = years
        self.k = len(years)
        self.zone_id = zone_id
        self.end = _day(years[-1], 12, 31)
        self.cid = _s(plan.ids)
        self.short = _s(plan.short_names)
        self.brand_key: list[str | None] = list(plan.brands)

    # -- helpers ---------------------------------------------------------------

    def _per_year(self, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Expand (n, K) counts to per-row (community, year index)."""
        flat = np.repeat(np.arange(counts.size), counts.ravel())
        return flat // self.k, flat % self.k

    def _brand_rows(self, table: dict[str | None, tuple[float, ...]], comm: np.ndarray) -> np.ndarray:
        probs = np.array([table.get(b, table[None]) for b in self.brand_key], dtype=float)
        return probs[comm]

    def tables(self) -> Iterator[tuple[str, Any]]:
        yield "communities", self.communities()
        yield "population", self.population()
        yield "boundaries", self.boundaries()
        yield "compounds", self.compounds()
        yield "facilities", self.facilities()
        yield "social_organizations", self.social_organizations()
        yield "volunteers", self.volunteers()
        yield "charity_resources", self.charity_resources()
        yield "social_workers", self.social_workers()
        yield "volunteer_activities", self.volunteer_activities()
        yield "mediation_cases", self.mediation_cases()
        yield "vulnerable_residents", self.vulnerable_residents()
        yield "services", self.services()
        yield "culture_events", self.culture_events()
        yield "resident_requests", self.resident_requests()
        yield "survey_responses", self.survey_responses()

    # -- units -------------------------------------------------------------------

    def communities(self) -> dict[str, Any]:
        p = self.p
        return {
            "community_id": self.cid, "name_zh": _s(p.names_zh), "name_en": _s(p.names_en),
            "brand": pa.array(p.brands, type=pa.string()), "zone_id": _s([self.zone_id] * p.n),
        }

    def population(self) -> dict[str, Any]:
        p = self.p
        comm = np.repeat(np.arange(p.n), self.k)
        return {
            "community_id": self.cid.take(pa.array(comm)),
            "year": np.tile(np.array(self.years), p.n),
            "residents": p.residents.ravel(),
            "resident_population": p.resident_population.ravel(),
            "households": p.households.ravel(),
            "age_65_plus": p.age_65_plus.ravel(),
            "disabled": p.disabled.ravel(),
        }

    def boundaries(self) -> list[dict[str, Any]]:
        return [
            {"type": "Feature", "properties": {"community_id": cid, "note": self.p.note},
             "geometry": {"type": "Polygon", "coordinates": [self.layout.polygon(int(cell))]}}
            for cid, cell in zip(self.p.ids, self.p.cells, strict=True)
        ]

    def compounds(self) -> list[dict[str, Any]]:
        p, rng = self.p, self.rng
        n_c = p.n_compounds
        comm = np.repeat(np.arange(p.n), n_c)
        m = len(comm)
        seq = _seq_sorted(comm)
        if p.compound_names is not None:
            names = [nm for names in p.compound_names for nm in names]
        else:
            stem = rng.integers(0, len(_COMPOUND_STEMS), m)
            suf = rng.integers(0, len(_COMPOUND_SUFFIXES), m)
            # 新村/公寓 come numbered (幸福新村3), the others plain (幸福小区)
            names = [
                f"{_COMPOUND_STEMS[a]}{_COMPOUND_SUFFIXES[b]}{s if b >= 5 else ''}"
                for a, b, s in zip(stem, suf, seq, strict=True)
            ]
        fixed = {i: p.compound_overrides[nm] for i, nm in enumerate(names) if nm in p.compound_overrides}
        # households: compound sizes vary widely; together ~97 % of the community's households
        raw = rng.lognormal(0.0, 0.7, m)
        fixed_hh = np.zeros(m)
        for i, o in fixed.items():
            if "households" in o:
                fixed_hh[i] = o["households"]
        is_fixed = fixed_hh > 0
        budget = np.rint(p.households[:, -1] * 0.97) - np.bincount(comm, weights=fixed_hh, minlength=p.n)
        share = np.where(is_fixed, 0.0, raw)
        tot = np.bincount(comm, weights=share, minlength=p.n)
        drawn = np.rint(share / np.maximum(tot[comm], 1e-9) * budget[comm])
        hh = np.where(is_fixed, fixed_hh, np.maximum(drawn, 8))
        hh = hh.astype(np.int64)
        built = (1955 + rng.beta(2.0, 2.2, m) * 60).astype(np.int64)
        parking = np.rint(hh * rng.uniform(0.05, 0.45, m) * np.where(built < 1990, 0.4, 1.0)).astype(np.int64)
        # party branch, owners committee, renovation: evenly spread shares per community
        party = self._milestone(comm, p.party, since=2008)
        committee = self._milestone(comm, p.committee, since=2010)
        renovated = self._milestone(comm, p.renovated, since=2016)
        renovated = np.where(built < 2000, renovated, _NONE)
        governed = _stratified(rng, comm, n_c) < p.self_governed[comm]
        rx = rng.uniform(*p.spread, m)
        ry = rng.uniform(*p.spread, m)
        for i, o in fixed.items():
            built[i] = o.get("built_year", built[i])
            parking[i] = o.get("parking_spaces", parking[i])
            if "party_branch_since" in o:
                party[i] = _parse_day(o["party_branch_since"])
            if "owners_committee_since" in o:
                committee[i] = _parse_day(o["owners_committee_since"])
            if "renovation" in o:
                renovated[i] = _parse_day(o["renovation"])
            if "self_governed" in o:
                governed[i] = o["self_governed"]
            rx[i], ry[i] = o.get("rx", rx[i]), o.get("ry", ry[i])
        # keep every compound (and its square) inside its community's cell
        half = np.clip(4.0 + 1.8 * np.sqrt(hh), 12.0, 35.0)  # metres
        jit = self.layout.jitter + 0.01
        mx = jit + np.where(hh < 80, 0.0, half / self.layout.cell_m[0])
        my = jit + np.where(hh < 80, 0.0, half / self.layout.cell_m[1])
        rx, ry = np.clip(rx, mx, 1 - mx), np.clip(ry, my, 1 - my)
        lon, lat = self.layout.place(p.cells[comm], rx, ry)
        ids = _ids(self.cid.take(pa.array(comm)), "C", seq, 3).to_pylist()
        self.cmp_comm, self.cmp_hh, self.cmp_rx, self.cmp_ry = comm, hh, rx, ry
        self.cmp_ids = pa.array(ids, type=pa.string())
        self.cmp_names = names
        feats = []
        for i in range(m):
            props = {
                "compound_id": ids[i], "community_id": p.ids[comm[i]], "name_zh": names[i],
                "households": int(hh[i]), "built_year": int(built[i]),
                "renovation_completed_on": _iso(renovated[i]), "parking_spaces": int(parking[i]),
                "party_branch_since": _iso(party[i]), "owners_committee_since": _iso(committee[i]),
                "self_governed": bool(governed[i]), "note": p.note,
            }
            x, y = float(lon[i]), float(lat[i])
            if hh[i] < 80:
                geom: dict[str, Any] = {"type": "Point", "coordinates": [round(x, 6), round(y, 6)]}
            else:
                a = half[i] / self.layout.m_per_deg_lon
                b = half[i] / _M_PER_DEG_LAT
                ring = [(x - a, y - b), (x + a, y - b), (x + a, y + b), (x - a, y + b), (x - a, y - b)]
                geom = {"type": "Polygon", "coordinates": [[[round(u, 6), round(v, 6)] for u, v in ring]]}
            feats.append({"type": "Feature", "properties": props, "geometry": geom})
        return feats

    def _milestone(self, comm: np.ndarray, shares: np.ndarray, *, since: int) -> np.ndarray:
        """Dates at which a compound gained something, so that the share of
        compounds that have it by the end of year k is ``shares[:, k]``."""
        u = _stratified(self.rng, comm, np.bincount(comm, minlength=self.p.n))
        cum = np.maximum.accumulate(shares, axis=1)[comm]  # (m, K)
        period = (u[:, None] >= cum).sum(axis=1)  # 0..K; K = never
        lo = np.array([_day(since, 1, 1)] + [_day(y + 1, 1, 1) for y in self.years[:-1]] + [0])
        hi = np.array([_day(y, 12, 31) for y in self.years] + [0])
        days = _uniform_days(self.rng, lo[period], hi[period], len(comm))
        return np.where(period < self.k, days, _NONE)

    def facilities(self) -> list[dict[str, Any]]:
        p, rng, f = self.p, self.rng, self.p.facilities
        m = len(f.comm)
        seq = _seq_sorted(f.comm)
        rx, ry = f.rx.copy(), f.ry.copy()
        todo = np.isnan(rx)
        if todo.any():
            service = np.isin(f.category, list(_CULTURE_VENUES) + ["service_center", "mediation_room", "clinic"])
            # service facilities cluster round a hub that is often off-centre,
            # leaving far corners beyond a 10-minute walk
            hub_x = rng.uniform(0.15, 0.85, p.n)
            hub_y = rng.uniform(0.15, 0.85, p.n)
            near = todo & service
            rx[near] = hub_x[f.comm[near]] + rng.normal(0, 0.08, int(near.sum()))
            ry[near] = hub_y[f.comm[near]] + rng.normal(0, 0.08, int(near.sum()))
            fit = todo & (f.category == "fitness")
            which = _weighted_member(rng, f.comm[fit], self.cmp_comm, np.ones(len(self.cmp_comm)))
            rx[fit] = self.cmp_rx[which] + rng.normal(0, 0.25, int(fit.sum()))
            ry[fit] = self.cmp_ry[which] + rng.normal(0, 0.25, int(fit.sum()))
            rest = todo & ~near & ~fit
            rx[rest] = rng.uniform(0.15, 0.85, int(rest.sum()))
            ry[rest] = rng.uniform(0.15, 0.85, int(rest.sum()))
            rx, ry = np.clip(rx, 0.08, 0.92), np.clip(ry, 0.08, 0.92)
        lon, lat = self.layout.place(p.cells[f.comm], rx, ry)
        ids = _ids(self.cid.take(pa.array(f.comm)), "F", seq, 3).to_pylist()
        names = [
            nm or f"{p.short_names[c]}{contract.FACILITY_CATEGORIES[cat]}{s}"
            for nm, c, cat, s in zip(f.name, f.comm, f.category, seq, strict=True)
        ]
        # remembered for the culture events: venues by (community, opened)
        venue = np.isin(f.category, _CULTURE_VENUES)
        order = np.lexsort((f.opened[venue], f.comm[venue]))
        self.venue_ids = np.array(ids, dtype=object)[venue][order]
        self.venue_comm = f.comm[venue][order]
        self.venue_opened = f.opened[venue][order]
        feats = []
        for i in range(m):
            area = None if np.isnan(f.area[i]) else float(round(f.area[i], 1))
            props = {
                "facility_id": ids[i], "community_id": p.ids[f.comm[i]], "name_zh": names[i],
                "category": str(f.category[i]), "floor_area_m2": area, "opened_on": _iso(f.opened[i]),
                "note": p.note,
            }
            geom = {"type": "Point", "coordinates": [round(float(lon[i]), 6), round(float(lat[i]), 6)]}
            feats.append({"type": "Feature", "properties": props, "geometry": geom})
        return feats

    # -- rosters ---------------------------------------------------------------

    def _sorted_roster(self, r: _Roster) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        order = np.lexsort((self.rng.random(len(r.comm)), r.start, r.comm))
        comm, start, end = r.comm[order], r.start[order], r.end[order]
        return comm, start, end, _seq_sorted(comm)

    def social_organizations(self) -> dict[str, Any]:
        rng = self.rng
        comm, start, end, seq = self._sorted_roster(
            _roster(rng, self.p.orgs, self.years, since=2010, hazard=0.04, early_leavers=0.15, same_year=0.0))
        kinds = tuple(contract.ORG_KINDS)
        kind = _choice(rng, self._brand_rows(_ORG_P, comm))  # type: ignore[arg-type]
        templ = [_ORG_TEMPLATES[kinds[k]] for k in kind]
        pick = rng.integers(0, 6, len(comm))
        names = [f"{self.p.short_names[c]}{t[j % len(t)]}" for c, t, j in zip(comm, templ, pick, strict=True)]
        return {
            "org_id": _ids(self.cid.take(pa.array(comm)), "O", seq, 3),
            "community_id": self.cid.take(pa.array(comm)), "name_zh": _s(names),
            "kind": _take(kinds, kind),
            "registered_on": start, "dissolved_on": end,
        }

    def volunteers(self) -> dict[str, Any]:
        p, rng = self.p, self.rng
        comm, start, end, seq = self._sorted_roster(
            _roster(rng, p.volunteers, self.years, since=2012, hazard=0.06))
        m = len(comm)
        # teams: founded over time; a volunteer joins one founded before registering
        t_comm = np.repeat(np.arange(p.n), p.teams_final)
        t_seq = _seq_sorted(t_comm)
        base = t_seq <= p.teams_base[t_comm]
        lo_base, hi_base = _day(2012, 1, 1), _day(self.years[0], 6, 30)
        first_new = _day(self.years[0] + 1, 1, 1) if self.k > 1 else lo_base
        last_new = _day(self.years[-1], 6, 30) if self.k > 1 else hi_base
        founded = np.where(
            base | (self.k == 1),
            _uniform_days(rng, lo_base, hi_base, len(t_comm)),
            _uniform_days(rng, first_new, last_new, len(t_comm)),
        )
        founded[t_seq == 1] = lo_base  # every community has a team from the start
        order = np.lexsort((founded, t_comm))
        self.team_comm, self.team_founded = t_comm[order], founded[order]
        perm = np.argsort(rng.random((p.n, len(_TEAM_NAMES))), axis=1)
        t_rank = _seq_sorted(self.team_comm) - 1
        self.team_names = np.array([
            _TEAM_NAMES[perm[c, r]] if r < len(_TEAM_NAMES) else f"志愿服务{r + 1}队"
            for c, r in zip(self.team_comm, t_rank, strict=True)
        ], dtype=object)
        other = len(contract.ACTIVITY_CATEGORIES) - 1
        self.team_category = np.array([
            _TEAM_CATEGORY[perm[c, r]] if r < len(_TEAM_NAMES) else other
            for c, r in zip(self.team_comm, t_rank, strict=True)
        ], dtype=np.int64)
        t = _pick_available(rng, comm, start, self.team_comm, self.team_founded)
        t[rng.random(m) < 0.08] = -1  # registered without a team
        team = pa.array(np.where(t >= 0, self.team_names[np.maximum(t, 0)], None), type=pa.string())
        age = np.where(rng.random(m) < 0.45, rng.integers(55, 76, m),
                       np.where(rng.random(m) < 0.6, rng.integers(30, 55, m), rng.integers(18, 30, m)))
        birth = _year_of(start) - age
        return {
            "volunteer_id": _ids(self.cid.take(pa.array(comm)), "V", seq, 5),
            "community_id": self.cid.take(pa.array(comm)), "team": team, "birth_year": birth,
            "registered_on": start, "left_on": end,
            "name": _fake_names(seq), "phone": _fake_phones(rng, m), "id_number": _fake_id_numbers(rng, birth),
        }

    def charity_resources(self) -> dict[str, Any]:
        rng = self.rng
        comm, start, end, seq = self._sorted_roster(
            _roster(rng, self.p.charity, self.years, since=2014, hazard=0.05, early_leavers=0.1, same_year=0.02))
        kinds = tuple(contract.CHARITY_KINDS)
        kind = _choice(rng, np.array(_CHARITY_P), len(comm))
        label = _s([_CHARITY_LABEL[kinds[k]] for k in kind])
        return {
            "resource_id": _ids(self.cid.take(pa.array(comm)), "R", seq, 3),
            "community_id": self.cid.take(pa.array(comm)),
            "name_zh": _join(self.short.take(pa.array(comm)), label, _pad(seq, 3)),
            "kind": _take(kinds, kind),
            "joined_on": start, "left_on": end,
        }

    def social_workers(self) -> dict[str, Any]:
        rng = self.rng
        comm, start, end, seq = self._sorted_roster(
            _roster(rng, self.p.workers, self.years, since=2015, hazard=0.12, early_leavers=0.3, same_year=0.05))
        m = len(comm)
        return {
            "worker_id": _ids(self.cid.take(pa.array(comm)), "W", seq, 3),
            "community_id": self.cid.take(pa.array(comm)),
            "certified": rng.random(m) < 0.65, "joined_on": start, "left_on": end,
            "name": _fake_names(seq + 90_000),
        }

    # -- ledgers ---------------------------------------------------------------

    def volunteer_activities(self) -> dict[str, Any]:
        p, rng = self.p, self.rng
        comm, yk = self._per_year(p.activities)
        m = len(comm)
        date = _seasonal_days(rng, np.array(self.years)[yk], _MONTHS_ACTIVITIES)
        probs = self._brand_rows(_ACTIVITY_P, comm).copy()
        aid = p.aid_share[comm]
        probs[:, :2] *= (aid / probs[:, :2].sum(axis=1))[:, None]
        probs[:, 2:] *= ((1 - aid) / probs[:, 2:].sum(axis=1))[:, None]
        cat = _choice(rng, probs)
        # the team: one of the activity's kind founded by then, else any team
        n_cat = len(contract.ACTIVITY_CATEGORIES)
        group = self.team_comm * n_cat + self.team_category
        by_group = np.lexsort((self.team_founded, group))
        t = _pick_available(rng, comm * n_cat + cat, date, group[by_group], self.team_founded[by_group])
        t = np.where(t >= 0, by_group[np.maximum(t, 0)], -1)
        fallback = _pick_available(rng, comm, date, self.team_comm, self.team_founded)
        t = np.where(t >= 0, t, fallback)
        t[rng.random(m) < 0.1] = -1
        n_vol = 3 + rng.poisson(9, m)
        hours = n_vol * rng.integers(2, 9, m) * 0.5
        benef = rng.poisson(np.where(cat < 2, 12, 30), m)
        order = np.lexsort((rng.random(m), date, comm))
        comm, date, cat, t, n_vol, hours, benef = (a[order] for a in (comm, date, cat, t, n_vol, hours, benef))
        year = _year_of(date)
        seq = _seq_sorted(comm * 10_000 + year)
        return {
            "activity_id": _ids(self.cid.take(pa.array(comm)), "A", seq, 4, year),
            "community_id": self.cid.take(pa.array(comm)), "date": date,
            "team": pa.array(np.where(t >= 0, self.team_names[np.maximum(t, 0)], None), type=pa.string()),
            "category": _take(tuple(contract.ACTIVITY_CATEGORIES), cat),
            "volunteers": n_vol, "hours": np.round(hours, 1), "beneficiaries": benef,
        }

    def mediation_cases(self) -> dict[str, Any]:
        p, rng = self.p, self.rng
        counts = p.cases.copy()
        pins = [c for c in p.pinned_cases if c["community"] in p.ids]
        for c in pins:
            ci = p.ids.index(c["community"])
            counts[ci, self.years.index(int(c["received_on"][:4]))] -= 1
        comm, yk = self._per_year(counts)
        m = len(comm)
        received = _seasonal_days(rng, np.array(self.years)[yk], _MONTHS_CASES)
        where = _weighted_member(rng, comm, self.cmp_comm, self.cmp_hh.astype(float))
        where[rng.random(m) < 0.1] = -1
        dtype = _choice(rng, np.array(_DISPUTE_P), m)
        # mediators: 1 code, or a joint team of 2-4 distinct codes ("1+N")
        cell = comm * self.k + yk
        joint = _stratified(rng, cell) < p.joint[comm, yk]
        size = np.where(joint, 2 + rng.binomial(2, 0.35, m), 1)
        keys = np.log(_MEDIATOR_W)[None, :] + rng.gumbel(size=(m, len(_MEDIATOR_W)))
        rank = np.argsort(np.argsort(-keys, axis=1), axis=1)
        mask = ((rank < size[:, None]) * (1 << np.arange(len(_MEDIATOR_W)))).sum(axis=1)
        mediators = np.array(_mask_strings(tuple(contract.MEDIATORS)), dtype=object)[mask]
        mediators[rng.random(m) < 0.02] = None
        # durations, outcomes; cases that would close after the as-of date stay pending
        days = np.rint(rng.lognormal(np.log(p.case_days[comm]), 0.8)).astype(np.int64)
        closed = received + days
        outcome = _choice(rng, np.column_stack([
            p.resolved[comm, yk], (1 - p.resolved[comm, yk]) * 0.45,
            (1 - p.resolved[comm, yk]) * 0.3, (1 - p.resolved[comm, yk]) * 0.25,
        ]), u=_stratified(rng, cell))
        pending = (closed > self.end) | (rng.random(m) < 0.005)
        outcome[pending] = 4
        closed[pending] = _NONE
        comp = np.where(where >= 0, where, 0)
        comp_ids = np.where(where >= 0, np.array(self.cmp_ids.to_pylist(), dtype=object)[comp], None)
        for c in pins:
            ci = p.ids.index(c["community"])
            named = (self.cmp_comm == ci) & (np.array(self.cmp_names, dtype=object) == c["compound"])
            idx = int(np.flatnonzero(named)[0])
            comm = np.append(comm, ci)
            received = np.append(received, _parse_day(c["received_on"]))
            closed = np.append(closed, _parse_day(c["closed_on"]))
            comp_ids = np.append(comp_ids, self.cmp_ids[idx].as_py())
            dtype = np.append(dtype, tuple(contract.DISPUTE_TYPES).index(c["dispute_type"]))
            mediators = np.append(mediators, c["mediators"])
            outcome = np.append(outcome, tuple(contract.OUTCOMES).index(c["outcome"]))
        m = len(comm)
        order = np.lexsort((rng.random(m), received, comm))
        comm, received, closed, comp_ids, dtype, mediators, outcome = (
            a[order] for a in (comm, received, closed, comp_ids, dtype, mediators, outcome))
        year = _year_of(received)
        seq = _seq_sorted(comm * 10_000 + year)
        return {
            "case_id": _ids(self.cid.take(pa.array(comm)), "M", seq, 4, year),
            "community_id": self.cid.take(pa.array(comm)),
            "compound_id": pa.array(list(comp_ids), type=pa.string()),
            "received_on": received, "closed_on": closed,
            "dispute_type": _take(tuple(contract.DISPUTE_TYPES), dtype),
            "mediators": pa.array(list(mediators), type=pa.string()),
            "outcome": _take(tuple(contract.OUTCOMES), outcome),
        }

    def vulnerable_residents(self) -> dict[str, Any]:
        p, rng = self.p, self.rng
        comm, start, end, seq = self._sorted_roster(
            _roster(rng, p.register, self.years, since=2016, hazard=0.08, early_leavers=0.15, same_year=0.02))
        m = len(comm)
        group = _choice(rng, self._brand_rows({"lin_zhu": _GROUP_P["lin_zhu"], None: _GROUP_P[None]}, comm))
        birth = np.where(group < 2, rng.integers(1925, self.years[0] - 64, m), rng.integers(1940, 2012, m))
        where = _weighted_member(rng, comm, self.cmp_comm, self.cmp_hh.astype(float))
        phone = _fake_phones(rng, m)
        no_phone = rng.random(m) < 0.15
        self.reg_comm, self.reg_start, self.reg_end, self.reg_group = comm, start, end, group
        ids = _ids(self.cid.take(pa.array(comm)), "P", seq, 5)
        self.reg_ids = ids
        return {
            "resident_id": ids, "community_id": self.cid.take(pa.array(comm)),
            "compound_id": self.cmp_ids.take(pa.array(where)),
            "group": _take(tuple(contract.VULNERABLE_GROUPS), group),
            "birth_year": birth, "registered_on": start, "left_on": end,
            "name": _fake_names(seq + 50_000),
            "phone": pc.if_else(pa.array(no_phone), pa.scalar(None, pa.string()), phone),
            "id_number": _fake_id_numbers(rng, birth), "address": _fake_addresses(rng, m),
        }

    def services(self) -> dict[str, Any]:
        p, rng, k = self.p, self.rng, self.k
        # member-years: each register member in each year they were registered
        member = np.repeat(np.arange(len(self.reg_comm)), k)
        yk = np.tile(np.arange(k), len(self.reg_comm))
        y = np.array(self.years)[yk]
        y0 = np.array([_day(v, 1, 1) for v in self.years])[yk]
        y1 = np.array([_day(v, 12, 31) for v in self.years])[yk]
        lo = np.maximum(self.reg_start[member], y0)
        hi = np.minimum(self.reg_end[member], y1)
        keep = lo <= hi
        member, yk, y, lo, hi = member[keep], yk[keep], y[keep], lo[keep], hi[keep]
        comm = self.reg_comm[member]
        mm = len(member)
        m0, m1 = _month_of(lo), _month_of(hi)
        window = m1 - m0 + 1
        u = _stratified(rng, comm * k + yk)
        reg_p, occ_p = p.regular[comm, yk], p.occasional[comm, yk]
        n_months = np.where(
            u < reg_p, np.minimum(window, rng.integers(10, 13, mm)),
            np.where(u < reg_p + occ_p, np.minimum(window, rng.integers(1, 10, mm)), 0),
        )
        keys = rng.random((mm, 12))
        months = np.arange(12)[None, :]
        keys[(months < m0[:, None]) | (months > m1[:, None])] = 2.0
        rank = np.argsort(np.argsort(keys, axis=1), axis=1)
        chosen = rank < n_months[:, None]
        row, month = np.nonzero(chosen)
        visits = 1 + rng.poisson(p.visits[comm[row]])
        row, month = np.repeat(row, visits), np.repeat(month, visits)
        s = len(row)
        start = ((y[row] - 1970) * 12 + month).astype("datetime64[M]")
        d0 = start.astype("datetime64[D]").astype(np.int64)
        length = (start + 1).astype("datetime64[D]").astype(np.int64) - d0
        date = np.clip(d0 + (rng.random(s) * length).astype(np.int64), lo[row], hi[row])
        who = member[row]
        group = self.reg_group[who]
        stype = _choice(rng, _SERVICE_P[group])
        minutes = np.rint(_SERVICE_MINUTES[stype] * rng.lognormal(0, 0.3, s) / 5) * 5  # whole 5 minutes
        minutes = np.maximum(5, minutes).astype(np.int64)
        provider = stype * 2 + rng.integers(0, 2, s)  # index into the flattened _PROVIDERS
        sc = comm[row]
        order = np.lexsort((rng.random(s), who, date, sc))
        sc, date, who, stype, minutes, provider = (a[order] for a in (sc, date, who, stype, minutes, provider))
        year = _year_of(date)
        seq = _seq_sorted(sc * 10_000 + year)
        return {
            "service_id": _ids(self.cid.take(pa.array(sc)), "S", seq, 5, year),
            "community_id": self.cid.take(pa.array(sc)),
            "resident_id": self.reg_ids.take(pa.array(who)),
            "date": date,
            "service_type": _take(tuple(contract.SERVICE_TYPES), stype),
            "provider": _take([a for pair in _PROVIDERS for a in pair], provider), "minutes": minutes,
        }

    def culture_events(self) -> dict[str, Any]:
        p, rng = self.p, self.rng
        comm, yk = self._per_year(p.culture)
        m = len(comm)
        date = _seasonal_days(rng, np.array(self.years)[yk], _MONTHS_CULTURE)
        cat = _choice(rng, self._brand_rows(_CULTURE_P, comm))  # type: ignore[arg-type]
        v = _pick_available(rng, comm, date, self.venue_comm, self.venue_opened)
        v[(rng.random(m) < 0.15) | (cat == 5)] = -1  # outdoor: fitness, walks, square dancing
        part = 5 + rng.poisson(np.where(cat == 6, 30, 16), m)
        elder = rng.binomial(part, p.elder_share[comm])
        order = np.lexsort((rng.random(m), date, comm))
        comm, date, cat, v, part, elder = (a[order] for a in (comm, date, cat, v, part, elder))
        year = _year_of(date)
        seq = _seq_sorted(comm * 10_000 + year)
        venue = np.where(v >= 0, self.venue_ids[np.maximum(v, 0)] if len(self.venue_ids) else None, None)
        return {
            "event_id": _ids(self.cid.take(pa.array(comm)), "E", seq, 4, year),
            "community_id": self.cid.take(pa.array(comm)),
            "facility_id": pa.array(list(venue), type=pa.string()),
            "date": date,
            "category": _take(tuple(contract.CULTURE_CATEGORIES), cat),
            "participants": part, "participants_65_plus": elder,
        }

    def resident_requests(self) -> dict[str, Any]:
        p, rng = self.p, self.rng
        comm, yk = self._per_year(p.requests)
        m = len(comm)
        received = _seasonal_days(rng, np.array(self.years)[yk], _MONTHS_REQUESTS)
        channel = _choice(rng, np.array(_CHANNEL_P), m)
        cat = _choice(rng, np.array(_REQUEST_P), m)
        days = np.rint(rng.lognormal(np.log(p.request_days[comm]), 0.9)).astype(np.int64)
        closed = received + days
        cell = comm * self.k + yk
        is_open = (closed > self.end) | (_stratified(rng, cell) >= p.closed[comm, yk])
        closed[is_open] = _NONE
        rated = ~is_open & (rng.random(m) < 0.85)
        happy = _stratified(rng, cell) < p.satisfied[comm, yk]
        order = np.lexsort((rng.random(m), received, comm))
        comm, received, channel, cat, closed, rated, happy = (
            a[order] for a in (comm, received, channel, cat, closed, rated, happy))
        year = _year_of(received)
        seq = _seq_sorted(comm * 10_000 + year)
        return {
            "request_id": _ids(self.cid.take(pa.array(comm)), "Q", seq, 4, year),
            "community_id": self.cid.take(pa.array(comm)),
            "channel": _take(tuple(contract.CHANNELS), channel),
            "category": _take(_REQUEST_CATEGORIES, cat),
            "received_on": received, "closed_on": closed,
            "satisfied": pa.array(happy, type=pa.bool_(), mask=~rated),
        }

    def survey_responses(self) -> dict[str, Any]:
        p, rng, k = self.p, self.rng, self.k
        comm, yk = self._per_year(p.surveys)
        m = len(comm)
        cell = comm * k + yk
        # population shares of the age groups (adults) and an older-leaning sample
        old = np.clip(p.age_65_plus / (p.residents * 0.84), 0.05, 0.6)  # (n, K)
        pop = np.stack([(1 - old) * 0.34, (1 - old) * 0.34, (1 - old) * 0.32, old], axis=-1)
        sample_p = pop * np.array([0.6, 0.8, 1.1, 1.6])
        group = _choice(rng, sample_p[comm, yk])
        got = np.bincount(cell * 4 + group, minlength=p.n * k * 4).reshape(p.n, k, 4)
        share = got / np.maximum(got.sum(axis=-1, keepdims=True), 1)
        weight = pop[comm, yk, group] / share[comm, yk, group] * rng.lognormal(0, 0.15, m)
        weight = np.maximum(np.round(weight, 4), 0.05)
        boost = np.array([_SURVEY_BOOST.get(b, (0.0,) * 7) for b in self.brand_key])[comm]  # (m, 7)
        person = rng.normal(0, 0.6, m)
        latent = p.survey_base[comm, yk][:, None] + boost + person[:, None] + rng.normal(0, 0.75, (m, 7))
        latent += np.where(group == 3, 0.15, 0.0)[:, None]
        score = np.clip(np.rint(latent), 1, 5).astype(np.int64)
        blank = rng.random((m, 7)) < 0.03
        order = np.lexsort((rng.random(m), yk, comm))
        comm, yk, group, weight, score, blank = (a[order] for a in (comm, yk, group, weight, score, blank))
        year = np.array(self.years)[yk]
        seq = _seq_sorted(comm * 10_000 + year)
        out: dict[str, Any] = {
            "response_id": _ids(self.cid.take(pa.array(comm)), "X", seq, 4, year),
            "community_id": self.cid.take(pa.array(comm)), "year": year,
            "age_group": _take(tuple(contract.AGE_GROUPS), group),
            "weight": weight,
        }
        for j, q in enumerate(contract.SURVEY_ITEMS):
            out[q] = pa.array(score[:, j], type=pa.int64(), mask=blank[:, j])
        return out


def _mask_strings(codes: tuple[str, ...]) -> list[str | None]:
    """String of every subset of ``codes`` (bit i = code i), codes in contract order."""
    return [
        contract.LIST_SEP.join(c for i, c in enumerate(codes) if mask >> i & 1) or None
        for mask in range(1 << len(codes))
    ]


def _iso(days: int | np.integer) -> str | None:
    if int(days) >= _NONE:
        return None
    return str(np.datetime64(int(days), "D"))
