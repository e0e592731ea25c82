"""Every table of one chunk, in contract order.

Later tables draw on earlier ones — cases and the register on compounds,
culture events on facilities, activities on volunteer teams, services on the
register — and all draw from the chunk's one random stream, so this order is
part of what a seed means.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from . import ledgers, rosters, units
from .chunk import Chunk
from .plan import Layout, Plan

__all__ = ["chunk_tables"]


def chunk_tables(
    plan: Plan, rng: np.random.Generator, layout: Layout, years: tuple[int, ...], zone_id: str,
) -> Iterator[tuple[str, Any]]:
    """Yield ``(table name, columns or GeoJSON features)`` for one chunk, in contract order."""
    ch = Chunk(plan, rng, layout, years, zone_id)
    yield "communities", units.communities(ch)
    yield "population", units.population(ch)
    yield "boundaries", units.boundaries(ch)
    features, compounds = units.compounds(ch)
    yield "compounds", features
    features, venues = units.facilities(ch, compounds)
    yield "facilities", features
    yield "social_organizations", rosters.social_organizations(ch)
    table, teams = rosters.volunteers(ch)
    yield "volunteers", table
    yield "charity_resources", rosters.charity_resources(ch)
    yield "social_workers", rosters.social_workers(ch)
    yield "volunteer_activities", ledgers.volunteer_activities(ch, teams)
    yield "mediation_cases", ledgers.mediation_cases(ch, compounds)
    table, register = rosters.vulnerable_residents(ch, compounds)
    yield "vulnerable_residents", table
    yield "services", ledgers.services(ch, register)
    yield "culture_events", ledgers.culture_events(ch, venues)
    yield "resident_requests", ledgers.resident_requests(ch)
    yield "survey_responses", ledgers.survey_responses(ch)
