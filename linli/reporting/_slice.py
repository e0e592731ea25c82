"""Read a unit's slice of the hand-off the way every report table does (rows of a unit, its zone …)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from ..handoff import UnitSlice
from ..labels import unit_names
from .format import is_missing

__all__ = ["by_indicator", "communities", "name", "one", "rows", "with_highlight", "zone_id"]


def rows(frame: pd.DataFrame, unit_id: str | None, year: int | None = None) -> pd.DataFrame:
    """The rows of ``unit_id`` (in ``year`` when the frame has years); none for no unit."""
    if unit_id is None:
        return frame.iloc[0:0]
    mask = frame["unit_id"].astype(str) == unit_id
    if year is not None and "year" in frame.columns:
        mask &= frame["year"] == year
    return frame[mask]


def by_indicator(frame: pd.DataFrame, unit_id: str | None, year: int | None = None) -> pd.DataFrame:
    """The rows of ``unit_id``, indexed by indicator (the last row of each)."""
    found = rows(frame, unit_id, year).drop_duplicates("indicator", keep="last")
    return found.set_index(found["indicator"].astype(str))


def one(frame: pd.DataFrame, unit_id: str | None, year: int | None) -> dict[str, Any]:
    """The last row of ``unit_id`` in ``year`` as a dict; empty when there is none."""
    found = rows(frame, unit_id, year)
    return {} if found.empty else found.iloc[-1].to_dict()


def zone_id(res: UnitSlice) -> str | None:
    """The unit a community is compared with (its zone); None for a zone."""
    if res.unit_type == "zone":
        return None
    zid = res.unit.get("zone_id")
    return None if is_missing(zid) else str(zid)


def communities(res: UnitSlice) -> list[str]:
    """The community units of ``res`` in the units frame's order."""
    units = res.units
    return [str(u) for u in units.loc[units["unit_type"].astype(str) == "community", "unit_id"]]


def name(res: UnitSlice, unit_id: str, lang: str) -> str:
    """The display name of ``unit_id`` (:func:`linli.labels.unit_names`)."""
    return unit_names(res.units, lang=lang).get(unit_id, unit_id)


def with_highlight(frame: pd.DataFrame, flags: Sequence[bool]) -> pd.DataFrame:
    """``frame`` with the ``_highlight`` display hint when any row is flagged."""
    if any(flags):
        frame["_highlight"] = list(flags)
    return frame
