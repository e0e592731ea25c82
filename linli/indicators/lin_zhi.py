"""邻治 — participation in affairs: compound self-governance and resident requests.

Compound indicators count every compound of the community (the compounds table has
no start date); a compound qualifies at the end of Y when its date is on or before
Y-12-31. Requests are placed in Y by ``received_on``; a request "with a
``closed_on``" counts whenever it was closed (also after Y). Examples list
``[a, b, z]`` for 2024 of :func:`linli.testing.example_tables`.
"""

from __future__ import annotations

import pandas as pd

from ._core import (
    CODE,
    Context,
    closed_days,
    count,
    indicator,
    median_days,
    pooled,
    population,
    ratio,
    total,
)

__all__ = [
    "owners_committee_compounds_pct",
    "party_branch_compounds_pct",
    "renovated_households_pct",
    "request_median_days",
    "request_satisfied_pct",
    "requests_closed_pct",
    "requests_per_1k_households",
]


def _compounds_by_year(ctx: Context, column: str) -> tuple[pd.DataFrame, pd.Series]:
    """Return compounds × years and whether ``column`` ≤ Y-12-31."""
    compounds = ctx.table("compounds", [column, "households"])
    crossed = ctx.by_year(compounds[[CODE, column, "households"]])
    since = crossed[column].dt.year
    return crossed, (since <= crossed["year"]).fillna(False).astype(bool)


def _compound_pct(ctx: Context, column: str) -> pd.DataFrame:
    crossed, done = _compounds_by_year(ctx, column)
    return ratio(
        ctx,
        count(ctx, crossed, where=done.to_numpy()),
        count(ctx, crossed),
        scale=100.0,
        zero="no compounds",
    )


@indicator()
def party_branch_compounds_pct(ctx: Context) -> pd.DataFrame:
    """Return the share of compounds with a party branch by the end of Y.

    ``compounds with party_branch_since ≤ Y-12-31 ÷ compounds × 100`` (%).

    Examples
    --------
    >>> from linli.testing import example_tables
    >>> f = party_branch_compounds_pct(example_tables(), years=[2024])
    >>> f["party_branch_compounds_pct"].round(2).tolist()  # 1/2, 1/1, 2/3
    [50.0, 100.0, 66.67]
    """
    return _compound_pct(ctx, "party_branch_since")


@indicator()
def owners_committee_compounds_pct(ctx: Context) -> pd.DataFrame:
    """Return the share of compounds with an owners' committee by the end of Y.

    ``compounds with owners_committee_since ≤ Y-12-31 ÷ compounds × 100`` (%).

    Examples
    --------
    >>> from linli.testing import example_tables
    >>> f = owners_committee_compounds_pct(example_tables(), years=[2024])
    >>> f["owners_committee_compounds_pct"].round(2).tolist()  # 1/2, 0/1, 1/3
    [50.0, 0.0, 33.33]
    """
    return _compound_pct(ctx, "owners_committee_since")


@indicator()
def renovated_households_pct(ctx: Context) -> pd.DataFrame:
    """Return the share of households living in compounds renovated by the end of Y.

    ``Σ households of compounds with renovation_completed_on ≤ Y-12-31 ÷
    Σ households of all compounds × 100`` (%).

    Examples
    --------
    >>> from linli.testing import example_tables
    >>> f = renovated_households_pct(example_tables(), years=[2024])
    >>> f["renovated_households_pct"].tolist()  # 300/400, 600/600, 900/1000
    [75.0, 100.0, 90.0]
    """
    crossed, done = _compounds_by_year(ctx, "renovation_completed_on")
    return ratio(
        ctx,
        total(ctx, crossed, "households", where=done.to_numpy()),
        total(ctx, crossed, "households"),
        scale=100.0,
        zero="no compound households",
    )


@indicator()
def requests_per_1k_households(ctx: Context) -> pd.DataFrame:
    """Return the resident requests received in Y per 1,000 households.

    ``requests in Y ÷ pop.households × 1,000`` (per 1k).

    Examples
    --------
    >>> from linli.testing import example_tables
    >>> f = requests_per_1k_households(example_tables(), years=[2024])
    >>> f["requests_per_1k_households"].round(2).tolist()  # 3/400, 1/600, 4/1000 × 1000
    [7.5, 1.67, 4.0]
    """
    return ratio(
        ctx,
        count(ctx, ctx.events("resident_requests")),
        population(ctx, "households"),
        scale=1_000.0,
        zero="households is 0 in {year}",
    )


@indicator()
def requests_closed_pct(ctx: Context) -> pd.DataFrame:
    """Return the share of requests received in Y that have been closed.

    ``requests in Y with a closed_on ÷ requests in Y × 100`` (%).

    Examples
    --------
    >>> from linli.testing import example_tables
    >>> f = requests_closed_pct(example_tables(), years=[2024])
    >>> f["requests_closed_pct"].round(2).tolist()  # 2/3, 1/1, 3/4
    [66.67, 100.0, 75.0]
    """
    requests = ctx.events("resident_requests", ["closed_on"])
    return ratio(
        ctx,
        count(ctx, requests, where=requests["closed_on"].notna().to_numpy()),
        count(ctx, requests),
        scale=100.0,
        zero="no requests received in {year}",
    )


@indicator()
def request_median_days(ctx: Context) -> pd.DataFrame:
    """Return the median days to close the requests received in Y.

    ``median(closed_on − received_on)`` in whole days over requests in Y that have
    a ``closed_on``; the ordinary median (mean of the two middle values for an
    even count); the zone takes the median of the pooled requests (days).

    Examples
    --------
    >>> from linli.testing import example_tables
    >>> request_median_days(example_tables(), years=[2024])["request_median_days"].tolist()
    [6.5, 1.0, 3.0]
    """
    requests = ctx.events("resident_requests", ["closed_on"])
    return pooled(
        ctx, closed_days(requests), median_days, empty="no closed requests received in {year}"
    )


@indicator()
def request_satisfied_pct(ctx: Context) -> pd.DataFrame:
    """Return the share of rated requests received in Y whose resident was satisfied.

    ``requests in Y with satisfied true ÷ requests in Y with satisfied not empty × 100`` (%).

    Examples
    --------
    >>> from linli.testing import example_tables
    >>> f = request_satisfied_pct(example_tables(), years=[2024])
    >>> f["request_satisfied_pct"].round(2).tolist()  # 1/2, 1/1, 2/3
    [50.0, 100.0, 66.67]
    """
    requests = ctx.events("resident_requests", ["satisfied"])
    satisfied = requests["satisfied"].astype("boolean")
    return ratio(
        ctx,
        count(ctx, requests, where=satisfied.fillna(False).to_numpy(dtype=bool)),
        count(ctx, requests, where=satisfied.notna().to_numpy()),
        scale=100.0,
        zero="no rated requests received in {year}",
    )
