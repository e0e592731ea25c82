"""邻助 — aid to older and disabled residents.

The *register* of Y is ``vulnerable_residents`` active at the end of Y
(``registered_on ≤ Y-12-31`` and ``left_on`` empty or after it); each member
belongs to the community of its register row.

Services of residents who are not on the register at the end of Y (they left
during Y, or were never registered) are **not** counted in the numerators of
``vulnerable_reached_pct`` and ``vulnerable_regular_pct``, which count register
members ("register members with ≥ 1 service in Y") and so stay within 0–100 %. A
member's services count whichever community recorded them (services are matched
on ``resident_id``). ``service_hours_per_vulnerable`` follows its definition
literally: **all** minutes of services delivered in Y by the community (the
service row's ``community_id``), including those to residents who left the
register during Y, divided by the register size at the end of Y.

Examples list ``[a, b, z]`` for 2024 of :func:`linli.testing.example_tables`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._core import CODE, Context, amount, count, indicator, population, ratio, total

__all__ = [
    "aid_activities_per_100_vulnerable",
    "aid_activities_per_month",
    "service_hours_per_vulnerable",
    "volunteers_per_1k_residents",
    "vulnerable_reached_pct",
    "vulnerable_regular_pct",
]

#: Distinct calendar months of service in Y that make a member "regular".
REGULAR_MONTHS: int = 10
#: Volunteer-activity categories that count as aid (``aid_activities_per_month``).
AID_CATEGORIES: tuple[str, ...] = ("elderly_aid", "disability_aid")

_ZERO_REGISTER = "no register members active at end of {year}"


def _register(ctx: Context) -> pd.DataFrame:
    """Return the register members at the end of each year: (community code, resident_id, year)."""
    active = ctx.active("vulnerable_residents")
    return active[[CODE, "year"]].assign(resident_id=active["resident_id"].astype("string").to_numpy())


def _served_months(ctx: Context) -> pd.DataFrame:
    """Return, per (resident_id, year) with a service in Y, the distinct calendar months served."""
    key = ("served_months",)
    if key not in ctx.cache:
        services = ctx.events("services", ["resident_id", "date"])
        resident, ids = pd.factorize(services["resident_id"].astype("string"))
        n_years = len(ctx.years)
        year = ctx.year_codes(services["year"])
        month = services["date"].dt.month.to_numpy(dtype=np.intp) - 1
        keep = (resident >= 0) & (year >= 0)
        # one integer per (resident, year, month); distinct ones counted per (resident, year)
        distinct = pd.unique((resident[keep] * n_years + year[keep]) * 12 + month[keep])
        counts = np.bincount(distinct // 12, minlength=len(ids) * n_years)
        pair = np.flatnonzero(counts)
        ctx.cache[key] = pd.DataFrame(
            {
                "resident_id": pd.array(np.asarray(ids, dtype=object)[pair // n_years], dtype="string"),
                "year": np.array(ctx.years, dtype="int64")[pair % n_years],
                "months": counts[pair],
            }
        )
    out = ctx.cache[key]
    assert isinstance(out, pd.DataFrame)
    return out


def _listed(ctx: Context, register: pd.DataFrame, pairs: pd.DataFrame) -> np.ndarray:
    """Whether each register row's (resident_id, year) is among ``pairs`` (an inner join's rows, as a mask)."""
    ids, _ = pd.factorize(pd.concat([register["resident_id"], pairs["resident_id"]], ignore_index=True).astype("string"))
    n, n_years = len(register), len(ctx.years)
    mine = ids[:n] * n_years + ctx.year_codes(register["year"])
    theirs = ids[n:] * n_years + ctx.year_codes(pairs["year"])
    return (ids[:n] >= 0) & np.isin(mine, theirs[ids[n:] >= 0])


@indicator()
def vulnerable_reached_pct(ctx: Context) -> pd.DataFrame:
    """Return the share of register members served at least once in Y.

    ``register members with ≥ 1 service in Y ÷ register × 100`` (%).

    Examples
    --------
    >>> from linli.testing import example_tables
    >>> f = vulnerable_reached_pct(example_tables(), years=[2024])
    >>> f["vulnerable_reached_pct"].round(2).tolist()  # 2/2, 0/1, 2/3
    [100.0, 0.0, 66.67]
    """
    register = _register(ctx)
    served = register.loc[_listed(ctx, register, _served_months(ctx)), [CODE, "year"]]
    return ratio(ctx, count(ctx, served), count(ctx, register), scale=100.0, zero=_ZERO_REGISTER)


@indicator()
def vulnerable_regular_pct(ctx: Context) -> pd.DataFrame:
    """Return the share of register members served in at least 10 months of Y.

    ``register members with services in ≥ 10 distinct calendar months of Y ÷
    register × 100`` (%).

    Examples
    --------
    >>> from linli.testing import example_tables
    >>> f = vulnerable_regular_pct(example_tables(), years=[2024])
    >>> f["vulnerable_regular_pct"].round(2).tolist()  # 1/2, 0/1, 1/3
    [50.0, 0.0, 33.33]
    """
    register = _register(ctx)
    months = _served_months(ctx)
    regular = months.loc[(months["months"] >= REGULAR_MONTHS).to_numpy()]
    served = register.loc[_listed(ctx, register, regular), [CODE, "year"]]
    return ratio(ctx, count(ctx, served), count(ctx, register), scale=100.0, zero=_ZERO_REGISTER)


@indicator()
def service_hours_per_vulnerable(ctx: Context) -> pd.DataFrame:
    """Return the hours of service delivered in Y per register member.

    ``Σ minutes of services in Y ÷ 60 ÷ register size`` (hours); all services of
    the community in Y count (see the module notes).

    Examples
    --------
    >>> from linli.testing import example_tables
    >>> f = service_hours_per_vulnerable(example_tables(), years=[2024])
    >>> f["service_hours_per_vulnerable"].tolist()  # 720/60/2, 0/60/1, 720/60/3
    [6.0, 0.0, 4.0]
    """
    return ratio(
        ctx,
        total(ctx, ctx.events("services", ["minutes"]), "minutes"),
        count(ctx, _register(ctx)),
        scale=1 / 60,
        zero=_ZERO_REGISTER,
    )


@indicator()
def volunteers_per_1k_residents(ctx: Context) -> pd.DataFrame:
    """Return the volunteers active at the end of Y per 1,000 residents.

    ``volunteers active at end of Y ÷ pop.residents × 1,000`` (per 1k).

    Examples
    --------
    >>> from linli.testing import example_tables
    >>> f = volunteers_per_1k_residents(example_tables(), years=[2024])
    >>> f["volunteers_per_1k_residents"].round(2).tolist()  # 3/1000, 2/3000, 5/4000 × 1000
    [3.0, 0.67, 1.25]
    """
    return ratio(
        ctx,
        count(ctx, ctx.active("volunteers")),
        population(ctx, "residents"),
        scale=1_000.0,
        zero="no residents in {year}",
    )


def _aid_activities(ctx: Context) -> pd.DataFrame:
    """Return the volunteer activities of the years with category elderly_aid or disability_aid."""
    activities = ctx.events("volunteer_activities", ["category"])
    aid = activities["category"].astype("string").isin(AID_CATEGORIES).fillna(False)
    return activities.loc[aid.to_numpy(dtype=bool)]


@indicator()
def aid_activities_per_month(ctx: Context) -> pd.DataFrame:
    """Return the elderly- and disability-aid volunteer activities of Y per month.

    ``volunteer activities in Y with category elderly_aid or disability_aid ÷ 12``
    (count per month).

    Examples
    --------
    >>> from linli.testing import example_tables
    >>> f = aid_activities_per_month(example_tables(), years=[2024])
    >>> f["aid_activities_per_month"].round(4).tolist()  # 1/12, 1/12, 2/12
    [0.0833, 0.0833, 0.1667]
    """
    return amount(ctx, count(ctx, _aid_activities(ctx)), scale=1 / 12)


@indicator()
def aid_activities_per_100_vulnerable(ctx: Context) -> pd.DataFrame:
    """Return the elderly- and disability-aid volunteer activities of Y per 100 register members.

    ``volunteer activities in Y with category elderly_aid or disability_aid ÷
    register size at the end of Y × 100`` (per 100).

    Examples
    --------
    >>> from linli.testing import example_tables
    >>> f = aid_activities_per_100_vulnerable(example_tables(), years=[2024])
    >>> f["aid_activities_per_100_vulnerable"].round(2).tolist()  # 1/2, 1/1, 2/3 × 100
    [50.0, 100.0, 66.67]
    """
    return ratio(
        ctx, count(ctx, _aid_activities(ctx)), count(ctx, _register(ctx)), scale=100.0, zero=_ZERO_REGISTER
    )
