"""Rosters: social organisations, volunteers, charity resources, social workers
and the register of vulnerable residents.

Each roster is drawn by :func:`draw_roster` so that the number *active at the
end of each year* — ``start ≤ Y-12-31`` and (``end`` empty or ``end > Y-12-31``),
the rule of the data contract — is exactly the planned count, with people
joining and leaving every year.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .. import contract
from .chunk import Chunk
from .draws import (
    NONE,
    choice,
    day,
    group_rank,
    pick_available,
    seq_sorted,
    uniform_days,
    weighted_member,
    year_of,
)
from .strings import (
    fake_addresses,
    fake_id_numbers,
    fake_names,
    fake_phones,
    ids,
    join,
    pad,
    strings,
    take,
)
from .units import Compounds

__all__ = [
    "Register",
    "Roster",
    "Teams",
    "charity_resources",
    "draw_roster",
    "social_organizations",
    "social_workers",
    "volunteers",
    "vulnerable_residents",
]

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
#: Organisation-kind probabilities by brand (order of contract.ORG_KINDS).
_ORG_P: dict[str | None, tuple[float, ...]] = {
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
#: Register-group probabilities (elderly_alone, elderly, disabled) by brand.
_GROUP_P: dict[str | None, tuple[float, ...]] = {"lin_zhu": (0.35, 0.25, 0.40), None: (0.45, 0.35, 0.20)}


@dataclass
class Roster:
    """Members of a roster: community, start day and end day (:data:`NONE` = still active)."""

    comm: np.ndarray
    start: np.ndarray
    end: np.ndarray


@dataclass(frozen=True)
class Teams:
    """Volunteer teams of a chunk, sorted by (community, founded)."""

    comm: np.ndarray
    founded: np.ndarray
    names: np.ndarray  # object
    category: np.ndarray  # index into contract.ACTIVITY_CATEGORIES


@dataclass(frozen=True)
class Register:
    """The register of vulnerable residents, in file order."""

    comm: np.ndarray
    start: np.ndarray
    end: np.ndarray
    group: np.ndarray  # index into contract.VULNERABLE_GROUPS
    ids: pa.Array


def draw_roster(
    rng: np.random.Generator,
    targets: np.ndarray,
    years: tuple[int, ...],
    *,
    since: int,
    hazard: float,
    early_leavers: float = 0.1,
    same_year: float = 0.03,
) -> Roster:
    """Entities whose number active at the end of each year is exactly ``targets``.

    Period 0 runs from 1 January ``since`` to the end of the first year; period
    ``k`` from the day after the end of year ``k - 1`` to the end of year ``k``.
    Entities leave with probability ``hazard`` per later period; joiners make up
    the difference to the next target (extra leavers are drawn when a target
    falls faster than people leave). ``early_leavers`` (period 0) and
    ``same_year`` (later periods) add, per planned member, people who came and
    went within one period.
    """
    n, k = targets.shape
    lo = [day(since, 1, 1)] + [day(years[i - 1] + 1, 1, 1) for i in range(1, k)]
    hi = [day(y, 12, 31) for y in years]
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
            rank = group_rank(comm_all[eligible], rng.random(len(eligible)))
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
        starts.append(uniform_days(rng, lo[p], hi[p], len(cj)))
        leave.append(later_leave(len(cj), p))
    comm = np.concatenate(comms)
    start = np.concatenate(starts)
    leave_p = np.concatenate(leave)
    hi_a, lo_a = np.array(hi), np.array(lo)
    end = np.full(len(comm), NONE, dtype=np.int64)
    gone = leave_p < k
    when = leave_p[gone]
    end[gone] = uniform_days(rng, np.maximum(lo_a[when], start[gone]), hi_a[when], len(when))
    # people who came and went within one period (never active at a year's end)
    flow = rng.binomial(np.maximum(targets, 0), [early_leavers] + [same_year] * (k - 1))
    fc = np.repeat(np.tile(np.arange(n), k), flow.T.ravel())
    fp = np.repeat(np.repeat(np.arange(k), n), flow.T.ravel())
    a = uniform_days(rng, lo_a[fp], hi_a[fp], len(fc))
    b = uniform_days(rng, lo_a[fp], hi_a[fp], len(fc))
    comm = np.concatenate([comm, fc])
    start = np.concatenate([start, np.minimum(a, b)])
    end = np.concatenate([end, np.maximum(a, b)])
    return Roster(comm, start, end)


def _in_file_order(ch: Chunk, r: Roster) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Members sorted by (community, start), and their 1-based number in the community."""
    order = np.lexsort((ch.rng.random(len(r.comm)), r.start, r.comm))
    comm, start, end = r.comm[order], r.start[order], r.end[order]
    return comm, start, end, seq_sorted(comm)


def social_organizations(ch: Chunk) -> dict[str, Any]:
    """The ``social_organizations`` table."""
    rng = ch.rng
    comm, start, end, seq = _in_file_order(ch, draw_roster(
        rng, ch.plan.orgs, ch.years, since=2010, hazard=0.04, early_leavers=0.15, same_year=0.0))
    kinds = tuple(contract.ORG_KINDS)
    kind = choice(rng, ch.brand_rows(_ORG_P, comm))
    templ = [_ORG_TEMPLATES[kinds[k]] for k in kind]
    pick = rng.integers(0, 6, len(comm))
    names = [f"{ch.plan.short_names[c]}{t[j % len(t)]}" for c, t, j in zip(comm, templ, pick, strict=True)]
    return {
        "org_id": ids(ch.community_ids(comm), "O", seq, 3),
        "community_id": ch.community_ids(comm), "name_zh": strings(names),
        "kind": take(kinds, kind),
        "registered_on": start, "dissolved_on": end,
    }


def volunteers(ch: Chunk) -> tuple[dict[str, Any], Teams]:
    """The ``volunteers`` table, and the teams they belong to."""
    p, rng = ch.plan, ch.rng
    comm, start, end, seq = _in_file_order(ch, draw_roster(rng, p.volunteers, ch.years, since=2012, hazard=0.06))
    m = len(comm)
    # teams: founded over time; a volunteer joins one founded before registering
    t_comm = np.repeat(np.arange(p.n), p.teams_final)
    t_seq = seq_sorted(t_comm)
    base = t_seq <= p.teams_base[t_comm]
    lo_base, hi_base = day(2012, 1, 1), day(ch.years[0], 6, 30)
    first_new = day(ch.years[0] + 1, 1, 1) if ch.k > 1 else lo_base
    last_new = day(ch.years[-1], 6, 30) if ch.k > 1 else hi_base
    founded = np.where(
        base | (ch.k == 1),
        uniform_days(rng, lo_base, hi_base, len(t_comm)),
        uniform_days(rng, first_new, last_new, len(t_comm)),
    )
    founded[t_seq == 1] = lo_base  # every community has a team from the start
    order = np.lexsort((founded, t_comm))
    team_comm, team_founded = t_comm[order], founded[order]
    perm = np.argsort(rng.random((p.n, len(_TEAM_NAMES))), axis=1)
    t_rank = seq_sorted(team_comm) - 1
    team_names = np.array([
        _TEAM_NAMES[perm[c, r]] if r < len(_TEAM_NAMES) else f"志愿服务{r + 1}队"
        for c, r in zip(team_comm, t_rank, strict=True)
    ], dtype=object)
    other = len(contract.ACTIVITY_CATEGORIES) - 1
    team_category = np.array([
        _TEAM_CATEGORY[perm[c, r]] if r < len(_TEAM_NAMES) else other
        for c, r in zip(team_comm, t_rank, strict=True)
    ], dtype=np.int64)
    t = pick_available(rng, comm, start, team_comm, team_founded)
    t[rng.random(m) < 0.08] = -1  # registered without a team
    team = pa.array(np.where(t >= 0, team_names[np.maximum(t, 0)], None), type=pa.string())
    age = np.where(rng.random(m) < 0.45, rng.integers(55, 76, m),
                   np.where(rng.random(m) < 0.6, rng.integers(30, 55, m), rng.integers(18, 30, m)))
    birth = year_of(start) - age
    table = {
        "volunteer_id": ids(ch.community_ids(comm), "V", seq, 5),
        "community_id": ch.community_ids(comm), "team": team, "birth_year": birth,
        "registered_on": start, "left_on": end,
        "name": fake_names(seq), "phone": fake_phones(rng, m), "id_number": fake_id_numbers(rng, birth),
    }
    return table, Teams(team_comm, team_founded, team_names, team_category)


def charity_resources(ch: Chunk) -> dict[str, Any]:
    """The ``charity_resources`` table."""
    rng = ch.rng
    comm, start, end, seq = _in_file_order(ch, draw_roster(
        rng, ch.plan.charity, ch.years, since=2014, hazard=0.05, early_leavers=0.1, same_year=0.02))
    kinds = tuple(contract.CHARITY_KINDS)
    kind = choice(rng, np.array(_CHARITY_P), len(comm))
    label = strings([_CHARITY_LABEL[kinds[k]] for k in kind])
    return {
        "resource_id": ids(ch.community_ids(comm), "R", seq, 3),
        "community_id": ch.community_ids(comm),
        "name_zh": join(ch.short.take(pa.array(comm)), label, pad(seq, 3)),
        "kind": take(kinds, kind),
        "joined_on": start, "left_on": end,
    }


def social_workers(ch: Chunk) -> dict[str, Any]:
    """The ``social_workers`` table."""
    rng = ch.rng
    comm, start, end, seq = _in_file_order(ch, draw_roster(
        rng, ch.plan.workers, ch.years, since=2015, hazard=0.12, early_leavers=0.3, same_year=0.05))
    m = len(comm)
    return {
        "worker_id": ids(ch.community_ids(comm), "W", seq, 3),
        "community_id": ch.community_ids(comm),
        "certified": rng.random(m) < 0.65, "joined_on": start, "left_on": end,
        "name": fake_names(seq + 90_000),
    }


def vulnerable_residents(ch: Chunk, cmp: Compounds) -> tuple[dict[str, Any], Register]:
    """The ``vulnerable_residents`` register, each member living in a compound."""
    p, rng = ch.plan, ch.rng
    comm, start, end, seq = _in_file_order(ch, draw_roster(
        rng, p.register, ch.years, since=2016, hazard=0.08, early_leavers=0.15, same_year=0.02))
    m = len(comm)
    group = choice(rng, ch.brand_rows(_GROUP_P, comm))
    birth = np.where(group < 2, rng.integers(1925, ch.years[0] - 64, m), rng.integers(1940, 2012, m))
    where = weighted_member(rng, comm, cmp.comm, cmp.households.astype(float))
    phone = fake_phones(rng, m)
    no_phone = rng.random(m) < 0.15
    res_ids = ids(ch.community_ids(comm), "P", seq, 5)
    table = {
        "resident_id": res_ids, "community_id": ch.community_ids(comm),
        "compound_id": cmp.ids.take(pa.array(where)),
        "group": take(tuple(contract.VULNERABLE_GROUPS), group),
        "birth_year": birth, "registered_on": start, "left_on": end,
        "name": fake_names(seq + 50_000),
        "phone": pc.if_else(pa.array(no_phone), pa.scalar(None, pa.string()), phone),
        "id_number": fake_id_numbers(rng, birth), "address": fake_addresses(rng, m),
    }
    return table, Register(comm, start, end, group, res_ids)
