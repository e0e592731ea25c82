"""Ledgers: volunteer activities, mediation cases, services, culture events,
resident requests and survey responses.

Expected rows per community and year come from the plan; dates follow monthly
seasons; rows are sorted by community, then date, and numbered in that order.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa

from .. import contract
from .chunk import Chunk
from .draws import (
    NONE,
    choice,
    day,
    month_of,
    parse_day,
    pick_available,
    seasonal_days,
    seq_sorted,
    stratified,
    weighted_member,
    year_of,
)
from .rosters import Register, Teams
from .strings import ids, take
from .units import Compounds, Venues

__all__ = [
    "culture_events",
    "mediation_cases",
    "resident_requests",
    "services",
    "survey_responses",
    "volunteer_activities",
]

#: Month weights: volunteer activities peak around Lei Feng day (March), the
#: Double Ninth festival (October) and before the Spring Festival.
_MONTHS_ACTIVITIES = np.array([1.2, 0.7, 1.6, 1.0, 1.0, 0.9, 0.8, 0.8, 1.0, 1.4, 1.0, 1.2])
_MONTHS_CASES = np.array([1.3, 1.4, 1.0, 0.9, 0.9, 1.0, 1.2, 1.2, 0.9, 1.0, 0.9, 1.0])
_MONTHS_CULTURE = np.array([1.3, 1.2, 1.0, 1.0, 1.1, 0.8, 0.6, 0.6, 1.1, 1.4, 1.1, 1.0])
_MONTHS_REQUESTS = np.array([0.9, 0.8, 1.0, 1.0, 1.1, 1.3, 1.4, 1.3, 1.0, 0.9, 0.8, 0.9])

_ACTIVITY_P: dict[str | None, tuple[float, ...]] = {
    # elderly_aid, disability_aid, patrol, environment, culture, mediation, other
    "lin_zhi": (0.25, 0.20, 0.35, 0.55, 0.20, 0.15, 0.10),
    "lin_he": (0.25, 0.20, 0.45, 0.35, 0.15, 0.40, 0.10),
    "lin_zhu": (0.25, 0.20, 0.25, 0.30, 0.15, 0.10, 0.10),
    "lin_le": (0.25, 0.20, 0.25, 0.30, 0.55, 0.10, 0.10),
    None: (0.25, 0.20, 0.30, 0.40, 0.25, 0.15, 0.10),
}
_DISPUTE_P = (0.26, 0.14, 0.22, 0.16, 0.08, 0.09, 0.05)
_MEDIATOR_W = np.array([0.7, 1.0, 0.8, 0.7, 0.4, 0.15, 0.35])
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
_CULTURE_P: dict[str | None, tuple[float, ...]] = {
    # calligraphy, opera, chess, reading, singing, fitness, lecture, other
    "lin_le": (0.18, 0.16, 0.14, 0.12, 0.14, 0.12, 0.09, 0.05),
    None: (0.10, 0.10, 0.15, 0.10, 0.15, 0.20, 0.12, 0.08),
}
_REQUEST_CATEGORIES = ("sanitation", "property", "repair", "parking", "noise", "greening", "safety", "other")
_REQUEST_P = (0.2, 0.18, 0.2, 0.12, 0.08, 0.06, 0.08, 0.08)
_CHANNEL_P = (0.3, 0.25, 0.2, 0.25)
_SURVEY_BOOST = {  # item -> extra mean for the brand (order of contract.SURVEY_ITEMS)
    "lin_zhi": (0.25, 0.0, 0.0, 0.45, 0.0, 0.0, 0.1),
    "lin_he": (0.0, 0.3, 0.0, 0.0, 0.45, 0.0, 0.1),
    "lin_zhu": (0.0, 0.0, 0.45, 0.0, 0.1, 0.0, 0.1),
    "lin_le": (0.0, 0.0, 0.1, 0.0, 0.0, 0.5, 0.1),
}


def volunteer_activities(ch: Chunk, teams: Teams) -> dict[str, Any]:
    """The ``volunteer_activities`` ledger, each run by a team founded by then (mostly)."""
    p, rng = ch.plan, ch.rng
    comm, yk = ch.per_year(p.activities)
    m = len(comm)
    date = seasonal_days(rng, np.array(ch.years)[yk], _MONTHS_ACTIVITIES)
    probs = ch.brand_rows(_ACTIVITY_P, comm).copy()
    aid = p.aid_share[comm]
    probs[:, :2] *= (aid / probs[:, :2].sum(axis=1))[:, None]
    probs[:, 2:] *= ((1 - aid) / probs[:, 2:].sum(axis=1))[:, None]
    cat = choice(rng, probs)
    # the team: one of the activity's kind founded by then, else any team
    n_cat = len(contract.ACTIVITY_CATEGORIES)
    group = teams.comm * n_cat + teams.category
    by_group = np.lexsort((teams.founded, group))
    t = pick_available(rng, comm * n_cat + cat, date, group[by_group], teams.founded[by_group])
    t = np.where(t >= 0, by_group[np.maximum(t, 0)], -1)
    fallback = pick_available(rng, comm, date, teams.comm, teams.founded)
    t = np.where(t >= 0, t, fallback)
    t[rng.random(m) < 0.1] = -1
    n_vol = 3 + rng.poisson(9, m)
    hours = n_vol * rng.integers(2, 9, m) * 0.5
    benef = rng.poisson(np.where(cat < 2, 12, 30), m)
    order = np.lexsort((rng.random(m), date, comm))
    comm, date, cat, t, n_vol, hours, benef = (a[order] for a in (comm, date, cat, t, n_vol, hours, benef))
    year = year_of(date)
    seq = seq_sorted(comm * 10_000 + year)
    return {
        "activity_id": ids(ch.community_ids(comm), "A", seq, 4, year),
        "community_id": ch.community_ids(comm), "date": date,
        "team": pa.array(np.where(t >= 0, teams.names[np.maximum(t, 0)], None), type=pa.string()),
        "category": take(tuple(contract.ACTIVITY_CATEGORIES), cat),
        "volunteers": n_vol, "hours": np.round(hours, 1), "beneficiaries": benef,
    }


def mediation_cases(ch: Chunk, cmp: Compounds) -> dict[str, Any]:
    """The ``mediation_cases`` ledger, with the plan's pinned cases in place of drawn ones."""
    p, rng = ch.plan, ch.rng
    counts = p.cases.copy()
    pins = [c for c in p.pinned_cases if c["community"] in p.ids]
    for c in pins:
        ci = p.ids.index(c["community"])
        counts[ci, ch.years.index(int(c["received_on"][:4]))] -= 1
    comm, yk = ch.per_year(counts)
    m = len(comm)
    received = seasonal_days(rng, np.array(ch.years)[yk], _MONTHS_CASES)
    where = weighted_member(rng, comm, cmp.comm, cmp.households.astype(float))
    where[rng.random(m) < 0.1] = -1
    dtype = choice(rng, np.array(_DISPUTE_P), m)
    # mediators: 1 code, or a joint team of 2-4 distinct codes ("1+N")
    cell = comm * ch.k + yk
    joint = stratified(rng, cell) < p.joint[comm, yk]
    size = np.where(joint, 2 + rng.binomial(2, 0.35, m), 1)
    keys = np.log(_MEDIATOR_W)[None, :] + rng.gumbel(size=(m, len(_MEDIATOR_W)))
    rank = np.argsort(np.argsort(-keys, axis=1), axis=1)
    mask = ((rank < size[:, None]) * (1 << np.arange(len(_MEDIATOR_W)))).sum(axis=1)
    mediators = np.array(_mask_strings(tuple(contract.MEDIATORS)), dtype=object)[mask]
    mediators[rng.random(m) < 0.02] = None
    # durations, outcomes; cases that would close after the as-of date stay pending
    days = np.rint(rng.lognormal(np.log(p.case_days[comm]), 0.8)).astype(np.int64)
    closed = received + days
    outcome = choice(rng, np.column_stack([
        p.resolved[comm, yk], (1 - p.resolved[comm, yk]) * 0.45,
        (1 - p.resolved[comm, yk]) * 0.3, (1 - p.resolved[comm, yk]) * 0.25,
    ]), u=stratified(rng, cell))
    pending = (closed > ch.end) | (rng.random(m) < 0.005)
    outcome[pending] = 4
    closed[pending] = NONE
    comp = np.where(where >= 0, where, 0)
    comp_ids = np.where(where >= 0, np.array(cmp.ids.to_pylist(), dtype=object)[comp], None)
    for c in pins:
        ci = p.ids.index(c["community"])
        named = (cmp.comm == ci) & (np.array(cmp.names, dtype=object) == c["compound"])
        idx = int(np.flatnonzero(named)[0])
        comm = np.append(comm, ci)
        received = np.append(received, parse_day(c["received_on"]))
        closed = np.append(closed, parse_day(c["closed_on"]))
        comp_ids = np.append(comp_ids, cmp.ids[idx].as_py())
        dtype = np.append(dtype, tuple(contract.DISPUTE_TYPES).index(c["dispute_type"]))
        mediators = np.append(mediators, c["mediators"])
        outcome = np.append(outcome, tuple(contract.OUTCOMES).index(c["outcome"]))
    m = len(comm)
    order = np.lexsort((rng.random(m), received, comm))
    comm, received, closed, comp_ids, dtype, mediators, outcome = (
        a[order] for a in (comm, received, closed, comp_ids, dtype, mediators, outcome))
    year = year_of(received)
    seq = seq_sorted(comm * 10_000 + year)
    return {
        "case_id": ids(ch.community_ids(comm), "M", seq, 4, year),
        "community_id": ch.community_ids(comm),
        "compound_id": pa.array(list(comp_ids), type=pa.string()),
        "received_on": received, "closed_on": closed,
        "dispute_type": take(tuple(contract.DISPUTE_TYPES), dtype),
        "mediators": pa.array(list(mediators), type=pa.string()),
        "outcome": take(tuple(contract.OUTCOMES), outcome),
    }


def _mask_strings(codes: tuple[str, ...]) -> list[str | None]:
    """String of every subset of ``codes`` (bit i = code i), codes in contract order.

    >>> _mask_strings(("a", "b"))
    [None, 'a', 'b', 'a;b']
    """
    return [
        contract.LIST_SEP.join(c for i, c in enumerate(codes) if mask >> i & 1) or None
        for mask in range(1 << len(codes))
    ]


def services(ch: Chunk, register: Register) -> dict[str, Any]:
    """The ``services`` ledger: visits to register members while they are registered."""
    p, rng, k = ch.plan, ch.rng, ch.k
    # member-years: each register member in each year they were registered
    member = np.repeat(np.arange(len(register.comm)), k)
    yk = np.tile(np.arange(k), len(register.comm))
    y = np.array(ch.years)[yk]
    y0 = np.array([day(v, 1, 1) for v in ch.years])[yk]
    y1 = np.array([day(v, 12, 31) for v in ch.years])[yk]
    lo = np.maximum(register.start[member], y0)
    hi = np.minimum(register.end[member], y1)
    keep = lo <= hi
    member, yk, y, lo, hi = member[keep], yk[keep], y[keep], lo[keep], hi[keep]
    comm = register.comm[member]
    mm = len(member)
    m0, m1 = month_of(lo), month_of(hi)
    window = m1 - m0 + 1
    u = stratified(rng, comm * k + yk)
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
    group = register.group[who]
    stype = choice(rng, _SERVICE_P[group])
    minutes = np.rint(_SERVICE_MINUTES[stype] * rng.lognormal(0, 0.3, s) / 5) * 5  # whole 5 minutes
    minutes = np.maximum(5, minutes).astype(np.int64)
    provider = stype * 2 + rng.integers(0, 2, s)  # index into the flattened _PROVIDERS
    sc = comm[row]
    order = np.lexsort((rng.random(s), who, date, sc))
    sc, date, who, stype, minutes, provider = (a[order] for a in (sc, date, who, stype, minutes, provider))
    year = year_of(date)
    seq = seq_sorted(sc * 10_000 + year)
    return {
        "service_id": ids(ch.community_ids(sc), "S", seq, 5, year),
        "community_id": ch.community_ids(sc),
        "resident_id": register.ids.take(pa.array(who)),
        "date": date,
        "service_type": take(tuple(contract.SERVICE_TYPES), stype),
        "provider": take([a for pair in _PROVIDERS for a in pair], provider), "minutes": minutes,
    }


def culture_events(ch: Chunk, venues: Venues) -> dict[str, Any]:
    """The ``culture_events`` ledger, indoors at a venue open by then, or outdoors."""
    p, rng = ch.plan, ch.rng
    comm, yk = ch.per_year(p.culture)
    m = len(comm)
    date = seasonal_days(rng, np.array(ch.years)[yk], _MONTHS_CULTURE)
    cat = choice(rng, ch.brand_rows(_CULTURE_P, comm))
    v = pick_available(rng, comm, date, venues.comm, venues.opened)
    v[(rng.random(m) < 0.15) | (cat == 5)] = -1  # outdoor: fitness, walks, square dancing
    part = 5 + rng.poisson(np.where(cat == 6, 30, 16), m)
    elder = rng.binomial(part, p.elder_share[comm])
    order = np.lexsort((rng.random(m), date, comm))
    comm, date, cat, v, part, elder = (a[order] for a in (comm, date, cat, v, part, elder))
    year = year_of(date)
    seq = seq_sorted(comm * 10_000 + year)
    venue = np.where(v >= 0, venues.ids[np.maximum(v, 0)] if len(venues.ids) else None, None)
    return {
        "event_id": ids(ch.community_ids(comm), "E", seq, 4, year),
        "community_id": ch.community_ids(comm),
        "facility_id": pa.array(list(venue), type=pa.string()),
        "date": date,
        "category": take(tuple(contract.CULTURE_CATEGORIES), cat),
        "participants": part, "participants_65_plus": elder,
    }


def resident_requests(ch: Chunk) -> dict[str, Any]:
    """The ``resident_requests`` ledger; some stay open, some are closed but not rated."""
    p, rng = ch.plan, ch.rng
    comm, yk = ch.per_year(p.requests)
    m = len(comm)
    received = seasonal_days(rng, np.array(ch.years)[yk], _MONTHS_REQUESTS)
    channel = choice(rng, np.array(_CHANNEL_P), m)
    cat = choice(rng, np.array(_REQUEST_P), m)
    days = np.rint(rng.lognormal(np.log(p.request_days[comm]), 0.9)).astype(np.int64)
    closed = received + days
    cell = comm * ch.k + yk
    is_open = (closed > ch.end) | (stratified(rng, cell) >= p.closed[comm, yk])
    closed[is_open] = NONE
    rated = ~is_open & (rng.random(m) < 0.85)
    happy = stratified(rng, cell) < p.satisfied[comm, yk]
    order = np.lexsort((rng.random(m), received, comm))
    comm, received, channel, cat, closed, rated, happy = (
        a[order] for a in (comm, received, channel, cat, closed, rated, happy))
    year = year_of(received)
    seq = seq_sorted(comm * 10_000 + year)
    return {
        "request_id": ids(ch.community_ids(comm), "Q", seq, 4, year),
        "community_id": ch.community_ids(comm),
        "channel": take(tuple(contract.CHANNELS), channel),
        "category": take(_REQUEST_CATEGORIES, cat),
        "received_on": received, "closed_on": closed,
        "satisfied": pa.array(happy, type=pa.bool_(), mask=~rated),
    }


def survey_responses(ch: Chunk) -> dict[str, Any]:
    """The ``survey_responses`` table, older-leaning samples with post-stratification weights."""
    p, rng, k = ch.plan, ch.rng, ch.k
    comm, yk = ch.per_year(p.surveys)
    m = len(comm)
    cell = comm * k + yk
    # population shares of the age groups (adults) and an older-leaning sample
    old = np.clip(p.age_65_plus / (p.residents * 0.84), 0.05, 0.6)  # (n, K)
    pop = np.stack([(1 - old) * 0.34, (1 - old) * 0.34, (1 - old) * 0.32, old], axis=-1)
    sample_p = pop * np.array([0.6, 0.8, 1.1, 1.6])
    group = choice(rng, sample_p[comm, yk])
    got = np.bincount(cell * 4 + group, minlength=p.n * k * 4).reshape(p.n, k, 4)
    share = got / np.maximum(got.sum(axis=-1, keepdims=True), 1)
    weight = pop[comm, yk, group] / share[comm, yk, group] * rng.lognormal(0, 0.15, m)
    weight = np.maximum(np.round(weight, 4), 0.05)
    boost = np.array([_SURVEY_BOOST.get(b, (0.0,) * 7) for b in ch.plan.brands])[comm]  # (m, 7)
    person = rng.normal(0, 0.6, m)
    latent = p.survey_base[comm, yk][:, None] + boost + person[:, None] + rng.normal(0, 0.75, (m, 7))
    latent += np.where(group == 3, 0.15, 0.0)[:, None]
    score = np.clip(np.rint(latent), 1, 5).astype(np.int64)
    blank = rng.random((m, 7)) < 0.03
    order = np.lexsort((rng.random(m), yk, comm))
    comm, yk, group, weight, score, blank = (a[order] for a in (comm, yk, group, weight, score, blank))
    year = np.array(ch.years)[yk]
    seq = seq_sorted(comm * 10_000 + year)
    out: dict[str, Any] = {
        "response_id": ids(ch.community_ids(comm), "X", seq, 4, year),
        "community_id": ch.community_ids(comm), "year": year,
        "age_group": take(tuple(contract.AGE_GROUPS), group),
        "weight": weight,
    }
    for j, q in enumerate(contract.SURVEY_ITEMS):
        out[q] = pa.array(score[:, j], type=pa.int64(), mask=blank[:, j])
    return out
