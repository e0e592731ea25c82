"""五社联动 — five-society linkage: community, social organisations, social workers,
volunteers and charity resources.

Rosters count members *active at the end of Y*: ``start ≤ Y-12-31`` and (``end``
empty or ``end > Y-12-31``) — a member leaving on 31 December is not active at the
end of that year. Examples list ``[a, b, z]`` for 2024 of
:func:`linli.testing.example_tables`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._core import CODE, POS, Context, Part, amount, count, indicator, population, ratio, total

__all__ = [
    "charity_resources",
    "charity_resources_per_10k",
    "social_orgs",
    "social_orgs_per_10k",
    "social_workers_per_10k",
    "volunteer_activities",
    "volunteer_activities_per_1k",
    "volunteer_hours_per_volunteer",
    "volunteer_share_pct",
    "volunteer_teams",
    "volunteer_teams_per_10k",
    "volunteers",
]

_ZERO_RESIDENT_POPULATION = "resident_population is 0 in {year}"


def _per_resident(ctx: Context, part: Part, *, scale: float) -> pd.DataFrame:
    """Return ``Σ part ÷ Σ pop.resident_population × scale`` per community and zone."""
    return ratio(
        ctx, part, population(ctx, "resident_population"), scale=scale, zero=_ZERO_RESIDENT_POPULATION
    )


@indicator()
def social_orgs(ctx: Context) -> pd.DataFrame:
    """Return the social organisations active at the end of Y (count).

    Examples
    --------
    >>> from linli.testing import example_tables
    >>> social_orgs(example_tables(), years=[2024])["social_orgs"].tolist()
    [1.0, 1.0, 2.0]
    """
    return amount(ctx, count(ctx, ctx.active("social_organizations")))


@indicator()
def social_orgs_per_10k(ctx: Context) -> pd.DataFrame:
    """Return the social organisations active at the end of Y per 10,000 permanent residents.

    ``social_orgs ÷ pop.resident_population × 10,000`` (per 10k).

    Examples
    --------
    >>> from linli.testing import example_tables
    >>> f = social_orgs_per_10k(example_tables(), years=[2024])
    >>> f["social_orgs_per_10k"].round(2).tolist()  # 1/800, 1/2000, 2/2800 × 10k
    [12.5, 5.0, 7.14]
    """
    return _per_resident(ctx, count(ctx, ctx.active("social_organizations")), scale=10_000.0)


@indicator()
def volunteers(ctx: Context) -> pd.DataFrame:
    """Return the registered volunteers active at the end of Y (count).

    Examples
    --------
    >>> from linli.testing import example_tables
    >>> volunteers(example_tables(), years=[2024])["volunteers"].tolist()
    [3.0, 2.0, 5.0]
    """
    return amount(ctx, count(ctx, ctx.active("volunteers")))


@indicator()
def charity_resources(ctx: Context) -> pd.DataFrame:
    """Return the charity resources active at the end of Y (count).

    Examples
    --------
    >>> from linli.testing import example_tables
    >>> charity_resources(example_tables(), years=[2024])["charity_resources"].tolist()
    [1.0, 0.0, 1.0]
    """
    return amount(ctx, count(ctx, ctx.active("charity_resources")))


@indicator()
def charity_resources_per_10k(ctx: Context) -> pd.DataFrame:
    """Return the charity resources active at the end of Y per 10,000 permanent residents.

    ``charity_resources ÷ pop.resident_population × 10,000`` (per 10k).

    Examples
    --------
    >>> from linli.testing import example_tables
    >>> f = charity_resources_per_10k(example_tables(), years=[2024])
    >>> f["charity_resources_per_10k"].round(2).tolist()  # 1/800, 0/2000, 1/2800 × 10k
    [12.5, 0.0, 3.57]
    """
    return _per_resident(ctx, count(ctx, ctx.active("charity_resources")), scale=10_000.0)


@indicator()
def social_workers_per_10k(ctx: Context) -> pd.DataFrame:
    """Return the social workers per 10,000 permanent residents.

    ``social workers active at end of Y ÷ pop.resident_population × 10,000``
    (per 10k).

    Examples
    --------
    >>> from linli.testing import example_tables
    >>> f = social_workers_per_10k(example_tables(), years=[2024])
    >>> f["social_workers_per_10k"].round(2).tolist()  # 1/800, 1/2000, 2/2800 × 10k
    [12.5, 5.0, 7.14]
    """
    return _per_resident(ctx, count(ctx, ctx.active("social_workers")), scale=10_000.0)


@indicator()
def volunteer_share_pct(ctx: Context) -> pd.DataFrame:
    """Return the volunteers as a share of permanent residents.

    ``volunteers active at end of Y ÷ pop.resident_population × 100`` (%).

    Examples
    --------
    >>> from linli.testing import example_tables
    >>> f = volunteer_share_pct(example_tables(), years=[2024])
    >>> f["volunteer_share_pct"].round(3).tolist()  # 3/800, 2/2000, 5/2800 × 100
    [0.375, 0.1, 0.179]
    """
    return _per_resident(ctx, count(ctx, ctx.active("volunteers")), scale=100.0)


def _teams(ctx: Context) -> Part:
    """Return the part: distinct teams among volunteers active at the end of Y.

    A team is its (community, non-empty ``team`` name) pair, the name stripped of
    surrounding white space, so the teams of a zone are the sum of its communities'.
    """

    def make() -> Part:
        roster = ctx.table("volunteers", ["team"])
        n_years = max(len(ctx.years), 1)
        # each distinct team name stripped once; names equal once stripped are one name
        raw, written = pd.factorize(roster["team"].astype("string"))
        stripped = pd.Series(written, dtype="string").str.strip()
        same, names = pd.factorize(stripped.where((stripped.notna() & (stripped != "")).to_numpy(dtype=bool)))
        name = np.where(raw >= 0, same[np.maximum(raw, 0)] if len(written) else -1, -1)
        # a team is a (community, name) pair: numbered once on the roster
        community = roster[CODE].to_numpy()
        member_of = np.where((name >= 0) & (community >= 0), community * max(len(names), 1) + name, -1)
        team, teams = pd.factorize(member_of)  # −1 is a value here: it is dropped below
        # flag every (team, year) with an active member, then count the flags per (community, year)
        active = ctx.active("volunteers")
        rows, year = np.divmod(active.index.to_numpy(), n_years)
        flagged = np.zeros(len(teams) * n_years, dtype=bool)
        flagged[team[rows] * n_years + year] = True
        team_year = np.flatnonzero(flagged)
        of_team = np.asarray(teams)[team_year // n_years]
        inside = of_team >= 0
        pos = of_team[inside] // max(len(names), 1) * n_years + team_year[inside] % n_years
        return count(ctx, pd.DataFrame({POS: pos}))

    return ctx.cached(("teams",), make)


@indicator()
def volunteer_teams(ctx: Context) -> pd.DataFrame:
    """Return the distinct volunteer teams among volunteers active at the end of Y.

    A team is its (community, non-empty ``team`` name) pair — the name stripped of
    surrounding white space; volunteers without a team are not a team. The zone
    counts the distinct pairs of its communities (the same name in two
    communities is two teams). Unit: count.

    Examples
    --------
    >>> from linli.testing import example_tables
    >>> volunteer_teams(example_tables(), years=[2024])["volunteer_teams"].tolist()
    [1.0, 2.0, 3.0]
    """
    return amount(ctx, _teams(ctx))


@indicator()
def volunteer_teams_per_10k(ctx: Context) -> pd.DataFrame:
    """Return the volunteer teams per 10,000 permanent residents.

    ``volunteer_teams ÷ pop.resident_population × 10,000`` (per 10k); a team is its
    (community, team name) pair, as in :func:`volunteer_teams`.

    Examples
    --------
    >>> from linli.testing import example_tables
    >>> f = volunteer_teams_per_10k(example_tables(), years=[2024])
    >>> f["volunteer_teams_per_10k"].round(2).tolist()  # 1/800, 2/2000, 3/2800 × 10k
    [12.5, 10.0, 10.71]
    """
    return _per_resident(ctx, _teams(ctx), scale=10_000.0)


@indicator()
def volunteer_activities(ctx: Context) -> pd.DataFrame:
    """Return the volunteer activities held in Y (count).

    Examples
    --------
    >>> from linli.testing import example_tables
    >>> volunteer_activities(example_tables(), years=[2024])["volunteer_activities"].tolist()
    [2.0, 1.0, 3.0]
    """
    return amount(ctx, count(ctx, ctx.events("volunteer_activities")))


@indicator()
def volunteer_activities_per_1k(ctx: Context) -> pd.DataFrame:
    """Return the volunteer activities held in Y per 1,000 permanent residents.

    ``volunteer_activities ÷ pop.resident_population × 1,000`` (per 1k).

    Examples
    --------
    >>> from linli.testing import example_tables
    >>> f = volunteer_activities_per_1k(example_tables(), years=[2024])
    >>> f["volunteer_activities_per_1k"].round(3).tolist()  # 2/800, 1/2000, 3/2800 × 1000
    [2.5, 0.5, 1.071]
    """
    return _per_resident(ctx, count(ctx, ctx.events("volunteer_activities")), scale=1_000.0)


@indicator()
def volunteer_hours_per_volunteer(ctx: Context) -> pd.DataFrame:
    """Return the volunteer-hours of Y per active volunteer.

    ``Σ hours of volunteer activities in Y ÷ volunteers active at end of Y`` (hours).

    Examples
    --------
    >>> from linli.testing import example_tables
    >>> f = volunteer_hours_per_volunteer(example_tables(), years=[2024])
    >>> f["volunteer_hours_per_volunteer"].tolist()  # 16.5/3, 4/2, 20.5/5
    [5.5, 2.0, 4.1]
    """
    return ratio(
        ctx,
        total(ctx, ctx.events("volunteer_activities", ["hours"]), "hours"),
        count(ctx, ctx.active("volunteers")),
        scale=1.0,
        zero="no volunteers active at end of {year}",
    )
