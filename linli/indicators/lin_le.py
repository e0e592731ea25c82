"""邻乐 — culture, recreation and wellbeing.

*Service facilities* are the facilities of categories ``service_center``,
``elderly_center``, ``day_care``, ``culture_room``, ``library``, ``rehab_center``
and ``mediation_room`` opened on or before Y-12-31 (a facility opened on 1 January
counts from that year). Floor area counts the community's own service facilities;
an empty area is skipped. The life circles count facilities of **any** community
(a compound near the boundary may be served from next door); see
:mod:`linli.access`. Examples list ``[a, b, z]`` for 2024 of
:func:`linli.testing.example_tables`.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from ..access import FITNESS_CATEGORIES, LIFE_CIRCLE_CATEGORIES, first_covered_on
from ._core import CODE, Context, Unavailable, amount, count, indicator, population, ratio, total

__all__ = [
    "culture_events_per_1k_residents",
    "culture_events_per_month",
    "elder_participation_rate",
    "fitness_300m_pct",
    "life_circle_500m_pct",
    "service_area_per_100hh",
]

#: Facility categories whose floor area counts in ``service_area_per_100hh``.
SERVICE_FACILITY_CATEGORIES: tuple[str, ...] = (
    "service_center",
    "elderly_center",
    "day_care",
    "culture_room",
    "library",
    "rehab_center",
    "mediation_room",
)


@indicator()
def culture_events_per_month(ctx: Context) -> pd.DataFrame:
    """Return the culture events held in Y per month.

    ``culture events in Y ÷ 12`` (count per month).

    Examples
    --------
    >>> from linli.testing import example_tables
    >>> f = culture_events_per_month(example_tables(), years=[2024])
    >>> f["culture_events_per_month"].round(4).tolist()  # 2/12, 1/12, 3/12
    [0.1667, 0.0833, 0.25]
    """
    return amount(ctx, count(ctx, ctx.events("culture_events")), scale=1 / 12)


@indicator()
def culture_events_per_1k_residents(ctx: Context) -> pd.DataFrame:
    """Return the culture events held in Y per 1,000 residents.

    ``culture events in Y ÷ pop.residents × 1,000`` (per 1k).

    Examples
    --------
    >>> from linli.testing import example_tables
    >>> f = culture_events_per_1k_residents(example_tables(), years=[2024])
    >>> f["culture_events_per_1k_residents"].round(3).tolist()  # 2/1000, 1/3000, 3/4000 × 1000
    [2.0, 0.333, 0.75]
    """
    return ratio(
        ctx,
        count(ctx, ctx.events("culture_events")),
        population(ctx, "residents"),
        scale=1_000.0,
        zero="no residents in {year}",
    )


@indicator()
def elder_participation_rate(ctx: Context) -> pd.DataFrame:
    """Return the attendances of older residents at culture events per older resident.

    ``Σ participants_65_plus of culture events in Y ÷ pop.age_65_plus``
    (attendances per person); an empty ``participants_65_plus`` is skipped.

    Examples
    --------
    >>> from linli.testing import example_tables
    >>> f = elder_participation_rate(example_tables(), years=[2024])
    >>> f["elder_participation_rate"].tolist()  # 30/200, 30/300, 60/500
    [0.15, 0.1, 0.12]
    """
    return ratio(
        ctx,
        total(ctx, ctx.events("culture_events", ["participants_65_plus"]), "participants_65_plus"),
        population(ctx, "age_65_plus"),
        scale=1.0,
        zero="no residents aged 65+ in {year}",
    )


@indicator()
def service_area_per_100hh(ctx: Context) -> pd.DataFrame:
    """Return the floor area of service facilities per 100 households.

    ``Σ floor_area_m2 of the community's service facilities opened ≤ Y-12-31 ÷
    pop.households × 100`` (m² per 100 households).

    Examples
    --------
    >>> from linli.testing import example_tables
    >>> f = service_area_per_100hh(example_tables(), years=[2024])
    >>> f["service_area_per_100hh"].round(2).tolist()  # 400/400, 200/600, 600/1000 × 100
    [100.0, 33.33, 60.0]
    """
    facilities = ctx.table("facilities", ["category", "floor_area_m2", "opened_on"])
    service = facilities["category"].astype("string").isin(SERVICE_FACILITY_CATEGORIES).fillna(False)
    crossed = ctx.by_year(
        pd.DataFrame(facilities.loc[service.to_numpy(dtype=bool), [CODE, "floor_area_m2", "opened_on"]])
    )
    opened = (crossed["opened_on"].dt.year <= crossed["year"]).fillna(False).to_numpy(dtype=bool)
    return ratio(
        ctx,
        total(ctx, crossed, "floor_area_m2", where=opened),
        population(ctx, "households"),
        scale=100.0,
        zero="households is 0 in {year}",
    )


def _covered_pct(ctx: Context, radius_m: float, categories: tuple[str, ...]) -> pd.DataFrame:
    compounds = ctx.table("compounds", ["households"])
    facilities = ctx.table("facilities", ["category", "opened_on"])
    for name, frame in (("compounds", compounds), ("facilities", facilities)):
        if not isinstance(frame, gpd.GeoDataFrame):
            raise Unavailable(f"table {name} has no geometry")
    qualifying = facilities["category"].isin(categories).fillna(False).to_numpy(dtype=bool)
    if qualifying.any() and not (qualifying & _located(facilities)).any():
        raise Unavailable(f"no facility with a usable location ({', '.join(categories)})")
    first = ctx.cached(
        ("first_covered_on", radius_m, categories),
        lambda: first_covered_on(compounds, facilities, radius_m=radius_m, categories=categories),
    )
    located = _located(compounds)  # a compound without a usable location is left out of both sums
    crossed = ctx.by_year(
        pd.DataFrame(
            {
                CODE: compounds[CODE].to_numpy()[located],
                "households": compounds["households"].astype("float64").to_numpy()[located],
                "first_year": first.dt.year.to_numpy(dtype="float64", na_value=float("nan"))[located],
            }
        )
    )
    covered = (crossed["first_year"] <= crossed["year"]).to_numpy(dtype=bool)
    return ratio(
        ctx,
        total(ctx, crossed, "households", where=covered),
        total(ctx, crossed, "households"),
        scale=100.0,
        zero="no compound households with a usable location",
    )


def _located(frame: gpd.GeoDataFrame) -> np.ndarray:
    """Whether each record has a geometry the spatial analysis can use."""
    return (frame.geometry.notna() & ~frame.geometry.is_empty).to_numpy(dtype=bool)


@indicator()
def life_circle_500m_pct(ctx: Context) -> pd.DataFrame:
    """Return the share of households within 500 m of a community service facility.

    ``Σ households of compounds whose representative point lies within 500 m
    (planar, metric CRS) of a service_center, elderly_center, day_care or
    culture_room facility of any community opened ≤ Y-12-31 ÷ Σ households of the
    community's compounds × 100`` (%). The 500 m radius is the 10-minute life
    circle of GB 50180-2018 (十分钟生活圈, 步行约500米). Compounds and facilities
    without a usable location (their geometry was missing or bad, see the
    quarantine) are left out; when qualifying facilities exist but none has a
    usable location the value is missing, not 0.

    Examples
    --------
    >>> from linli.testing import example_tables
    >>> f = life_circle_500m_pct(example_tables(), years=[2024])
    >>> f["life_circle_500m_pct"].tolist()  # 300/400, 600/600, 900/1000
    [75.0, 100.0, 90.0]
    """
    return _covered_pct(ctx, 500.0, LIFE_CIRCLE_CATEGORIES)


@indicator()
def fitness_300m_pct(ctx: Context) -> pd.DataFrame:
    """Return the share of households within 300 m of a fitness point.

    As :func:`life_circle_500m_pct` with a 300 m radius and category ``fitness`` (%).

    Examples
    --------
    >>> from linli.testing import example_tables
    >>> f = fitness_300m_pct(example_tables(), years=[2024])
    >>> f["fitness_300m_pct"].tolist()  # 100/400, 0/600, 100/1000
    [25.0, 0.0, 10.0]
    """
    return _covered_pct(ctx, 300.0, FITNESS_CATEGORIES)
