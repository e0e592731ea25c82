"""Tables of places: communities, population, boundaries, compounds, facilities.

Compounds and facilities are also remembered for the ledgers that refer to them
(:class:`Compounds` for cases and the register, :class:`Venues` for culture
events).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa

from .. import contract
from .chunk import Chunk
from .draws import NONE, day, iso, parse_day, seq_sorted, stratified, uniform_days, weighted_member
from .plan import M_PER_DEG_LAT
from .strings import ids, strings

__all__ = ["Compounds", "Venues", "boundaries", "communities", "compounds", "facilities", "population"]

Feature = dict[str, Any]

_COMPOUND_STEMS = ("幸福", "和平", "建设", "新华", "东风", "红旗", "光明", "文化", "胜利", "朝阳",
                   "友谊", "团结", "育才", "健康", "长青", "百花", "青山", "绿园", "东方", "南华")
_COMPOUND_SUFFIXES = ("小区", "宿舍", "花园", "苑", "大院", "新村", "公寓")
#: Facility categories that host culture events.
_CULTURE_VENUES = ("service_center", "elderly_center", "culture_room", "library", "day_care")


@dataclass(frozen=True)
class Compounds:
    """The compounds of a chunk, in file order (sorted by community)."""

    comm: np.ndarray
    households: np.ndarray
    rx: np.ndarray
    ry: np.ndarray
    ids: pa.Array
    names: list[str]


@dataclass(frozen=True)
class Venues:
    """Facilities that host culture events, sorted by (community, opened)."""

    ids: np.ndarray  # object
    comm: np.ndarray
    opened: np.ndarray


def communities(ch: Chunk) -> dict[str, Any]:
    """The ``communities`` table."""
    p = ch.plan
    return {
        "community_id": ch.cid, "name_zh": strings(p.names_zh), "name_en": strings(p.names_en),
        "brand": pa.array(p.brands, type=pa.string()), "zone_id": strings([ch.zone_id] * p.n),
    }


def population(ch: Chunk) -> dict[str, Any]:
    """The ``population`` table: one row per community and year."""
    p = ch.plan
    comm = np.repeat(np.arange(p.n), ch.k)
    return {
        "community_id": ch.community_ids(comm),
        "year": np.tile(np.array(ch.years), p.n),
        "residents": p.residents.ravel(),
        "resident_population": p.resident_population.ravel(),
        "households": p.households.ravel(),
        "age_65_plus": p.age_65_plus.ravel(),
        "disabled": p.disabled.ravel(),
    }


def boundaries(ch: Chunk) -> list[Feature]:
    """The ``boundaries`` features: each community's cell."""
    return [
        {"type": "Feature", "properties": {"community_id": cid, "note": ch.plan.note},
         "geometry": {"type": "Polygon", "coordinates": [ch.layout.polygon(int(cell))]}}
        for cid, cell in zip(ch.plan.ids, ch.plan.cells, strict=True)
    ]


def compounds(ch: Chunk) -> tuple[list[Feature], Compounds]:
    """The ``compounds`` features (squares, or points under 80 households)."""
    p, rng, layout = ch.plan, ch.rng, ch.layout
    n_c = p.n_compounds
    comm = np.repeat(np.arange(p.n), n_c)
    m = len(comm)
    seq = seq_sorted(comm)
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
    party = _milestone(ch, comm, p.party, since=2008)
    committee = _milestone(ch, comm, p.committee, since=2010)
    renovated = _milestone(ch, comm, p.renovated, since=2016)
    renovated = np.where(built < 2000, renovated, NONE)
    governed = stratified(rng, comm, n_c) < p.self_governed[comm]
    rx = rng.uniform(*p.spread, m)
    ry = rng.uniform(*p.spread, m)
    for i, o in fixed.items():
        built[i] = o.get("built_year", built[i])
        parking[i] = o.get("parking_spaces", parking[i])
        if "party_branch_since" in o:
            party[i] = parse_day(o["party_branch_since"])
        if "owners_committee_since" in o:
            committee[i] = parse_day(o["owners_committee_since"])
        if "renovation" in o:
            renovated[i] = parse_day(o["renovation"])
        if "self_governed" in o:
            governed[i] = o["self_governed"]
        rx[i], ry[i] = o.get("rx", rx[i]), o.get("ry", ry[i])
    # keep every compound (and its square) inside its community's cell
    half = np.clip(4.0 + 1.8 * np.sqrt(hh), 12.0, 35.0)  # metres
    jit = layout.jitter + 0.01
    mx = jit + np.where(hh < 80, 0.0, half / layout.cell_m[0])
    my = jit + np.where(hh < 80, 0.0, half / layout.cell_m[1])
    rx, ry = np.clip(rx, mx, 1 - mx), np.clip(ry, my, 1 - my)
    lon, lat = layout.place(p.cells[comm], rx, ry)
    cmp_ids = ids(ch.community_ids(comm), "C", seq, 3).to_pylist()
    feats = []
    for i in range(m):
        props = {
            "compound_id": cmp_ids[i], "community_id": p.ids[comm[i]], "name_zh": names[i],
            "households": int(hh[i]), "built_year": int(built[i]),
            "renovation_completed_on": iso(renovated[i]), "parking_spaces": int(parking[i]),
            "party_branch_since": iso(party[i]), "owners_committee_since": iso(committee[i]),
            "self_governed": bool(governed[i]), "note": p.note,
        }
        x, y = float(lon[i]), float(lat[i])
        if hh[i] < 80:
            geom: dict[str, Any] = {"type": "Point", "coordinates": [round(x, 6), round(y, 6)]}
        else:
            a = half[i] / layout.m_per_deg_lon
            b = half[i] / M_PER_DEG_LAT
            ring = [(x - a, y - b), (x + a, y - b), (x + a, y + b), (x - a, y + b), (x - a, y - b)]
            geom = {"type": "Polygon", "coordinates": [[[round(u, 6), round(v, 6)] for u, v in ring]]}
        feats.append({"type": "Feature", "properties": props, "geometry": geom})
    remembered = Compounds(comm, hh, rx, ry, pa.array(cmp_ids, type=pa.string()), names)
    return feats, remembered


def _milestone(ch: Chunk, comm: np.ndarray, shares: np.ndarray, *, since: int) -> np.ndarray:
    """Dates at which a compound gained something, so that the share of
    compounds that have it by the end of year k is ``shares[:, k]``."""
    u = stratified(ch.rng, comm, np.bincount(comm, minlength=ch.plan.n))
    cum = np.maximum.accumulate(shares, axis=1)[comm]  # (m, K)
    period = (u[:, None] >= cum).sum(axis=1)  # 0..K; K = never
    lo = np.array([day(since, 1, 1)] + [day(y + 1, 1, 1) for y in ch.years[:-1]] + [0])
    hi = np.array([day(y, 12, 31) for y in ch.years] + [0])
    days = uniform_days(ch.rng, lo[period], hi[period], len(comm))
    return np.where(period < ch.k, days, NONE)


def facilities(ch: Chunk, cmp: Compounds) -> tuple[list[Feature], Venues]:
    """The ``facilities`` features; those the plan does not place are placed here."""
    p, rng, f = ch.plan, ch.rng, ch.plan.facilities
    m = len(f.comm)
    seq = seq_sorted(f.comm)
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
        which = weighted_member(rng, f.comm[fit], cmp.comm, np.ones(len(cmp.comm)))
        rx[fit] = cmp.rx[which] + rng.normal(0, 0.25, int(fit.sum()))
        ry[fit] = cmp.ry[which] + rng.normal(0, 0.25, int(fit.sum()))
        rest = todo & ~near & ~fit
        rx[rest] = rng.uniform(0.15, 0.85, int(rest.sum()))
        ry[rest] = rng.uniform(0.15, 0.85, int(rest.sum()))
        rx, ry = np.clip(rx, 0.08, 0.92), np.clip(ry, 0.08, 0.92)
    lon, lat = ch.layout.place(p.cells[f.comm], rx, ry)
    fac_ids = ids(ch.community_ids(f.comm), "F", seq, 3).to_pylist()
    names = [
        nm or f"{p.short_names[c]}{contract.FACILITY_CATEGORIES[cat]}{s}"
        for nm, c, cat, s in zip(f.name, f.comm, f.category, seq, strict=True)
    ]
    venue = np.isin(f.category, _CULTURE_VENUES)
    order = np.lexsort((f.opened[venue], f.comm[venue]))
    venues = Venues(np.array(fac_ids, dtype=object)[venue][order], f.comm[venue][order], f.opened[venue][order])
    feats = []
    for i in range(m):
        area = None if np.isnan(f.area[i]) else float(round(f.area[i], 1))
        props = {
            "facility_id": fac_ids[i], "community_id": p.ids[f.comm[i]], "name_zh": names[i],
            "category": str(f.category[i]), "floor_area_m2": area, "opened_on": iso(f.opened[i]),
            "note": p.note,
        }
        geom = {"type": "Point", "coordinates": [round(float(lon[i]), 6), round(float(lat[i]), 6)]}
        feats.append({"type": "Feature", "properties": props, "geometry": geom})
    return feats, venues
