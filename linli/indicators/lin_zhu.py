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

from ._core import Context, Part, amount, count, indicator, lookup, population, ratio, total

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
    """Return the register members at the end of each year (the active roster, one row per member and year)."""
    return ctx.active("vulnerable_residents", ["resident_id"])


def _months_served(ctx: Context) -> np.ndarray:
    """Return, for each row of :func:`_register`, the distinct calendar months of its year it was served in.

    A service counts for the register member with its ``resident_id`` (the same
    string), whichever community recorded it.
    """
    services = ctx.events("services", ["resident_id", "date"])  # noted as used on every call

    def make() -> np.ndarray:
        n_years = len(ctx.years)
        roster = ctx.table("vulnerable_residents", ["resident_id"])
        codes, members = pd.factorize(roster["resident_id"].astype("string"))  # −1 for an empty id
        member = lookup(services["resident_id"].astype("string"), members)
        month = ctx.date_codes(services["date"], months=True)  # year position × 12 + month − 1
        # one flag per (member, year, month) that has a service, and a last one for the services
        # of no member or outside the years (so none is left out by a copy); counted per (member, year)
        n_flags = len(members) * n_years * 12
        flag = member * (n_years * 12)  # in place from here: as long as the services
        flag += month
        np.putmask(flag, (member < 0) | (month < 0), n_flags)
        served = np.zeros(n_flags + 1, dtype=bool)
        served[flag] = True
        months = served[:-1].reshape(-1, 12).sum(axis=1)
        # the register's rows are labelled roster row × n_years + year position (Context.active)
        label = _register(ctx).index.to_numpy()
        row = codes[label // max(n_years, 1)]
        return np.where(row >= 0, months[np.maximum(row, 0) * n_years + label % max(n_years, 1)], 0)

    return ctx.cached(("months_served",), make)


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
    served = _months_served(ctx) >= 1
    return ratio(ctx, count(ctx, register, where=served), count(ctx, register), scale=100.0, zero=_ZERO_REGISTER)


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
    regular = _months_served(ctx) >= REGULAR_MONTHS
    return ratio(ctx, count(ctx, register, where=regular), count(ctx, register), scale=100.0, zero=_ZERO_REGISTER)


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


def _aid_activities(ctx: Context) -> Part:
    """Return the part: volunteer activities of Y with category elderly_aid or disability_aid."""
    activities = ctx.events("volunteer_activities", ["category"])
    aid = activities["category"].astype("string").isin(AID_CATEGORIES).fillna(False)
    return count(ctx, activities, where=aid.to_numpy(dtype=bool))


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
    return amount(ctx, _aid_activities(ctx), scale=1 / 12)


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
        ctx, _aid_activities(ctx), count(ctx, _register(ctx)), scale=100.0, zero=_ZERO_REGISTER
    )
