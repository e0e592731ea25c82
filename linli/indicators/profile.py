"""概况 — profile: the context of each unit (shown, not scored).

Each function takes the clean tables and the years and returns a frame indexed by
``(unit_type, unit_id, year)``; zone values pool the zone's communities (see
:mod:`linli.indicators`). Examples use :func:`linli.testing.example_tables`
and list the values of ``[a, b, z]`` for 2024.
"""

from __future__ import annotations

import pandas as pd

from ._core import Context, amount, count, indicator, population, ratio

__all__ = ["age_65_plus_pct", "culture_events", "households", "mediation_cases", "residents"]


@indicator()
def residents(ctx: Context) -> pd.DataFrame:
    """Return the actual population (实有人口: everyone living there, registered or not): ``pop.residents`` (persons).

    The zone value is the sum over its communities, missing when any lacks the
    population row of the year.

    Examples
    --------
    >>> from linli.testing import example_tables
    >>> residents(example_tables(), years=[2024])["residents"].tolist()
    [1000.0, 3000.0, 4000.0]
    """
    return amount(ctx, population(ctx, "residents"))


@indicator()
def households(ctx: Context) -> pd.DataFrame:
    """Return the households (户数): ``pop.households`` (households).

    Examples
    --------
    >>> from linli.testing import example_tables
    >>> households(example_tables(), years=[2024])["households"].tolist()
    [400.0, 600.0, 1000.0]
    """
    return amount(ctx, population(ctx, "households"))


@indicator()
def age_65_plus_pct(ctx: Context) -> pd.DataFrame:
    """Return the share of residents aged 65 and over.

    ``pop.age_65_plus ÷ pop.residents × 100`` (%); the zone divides the sums.

    Examples
    --------
    >>> from linli.testing import example_tables
    >>> age_65_plus_pct(example_tables(), years=[2024])["age_65_plus_pct"].tolist()
    [20.0, 10.0, 12.5]
    """
    return ratio(
        ctx,
        population(ctx, "age_65_plus"),
        population(ctx, "residents"),
        scale=100.0,
        zero="no residents in {year}",
    )


@indicator()
def mediation_cases(ctx: Context) -> pd.DataFrame:
    """Return the number of mediation cases received in Y (count).

    Examples
    --------
    >>> from linli.testing import example_tables
    >>> mediation_cases(example_tables(), years=[2024])["mediation_cases"].tolist()
    [3.0, 3.0, 6.0]
    """
    return amount(ctx, count(ctx, ctx.events("mediation_cases")))


@indicator()
def culture_events(ctx: Context) -> pd.DataFrame:
    """Return the number of culture events held in Y (count).

    Examples
    --------
    >>> from linli.testing import example_tables
    >>> culture_events(example_tables(), years=[2024])["culture_events"].tolist()
    [2.0, 1.0, 3.0]
    """
    return amount(ctx, count(ctx, ctx.events("culture_events")))
