"""Colours and markers shared by every figure and map.

One colour per community brand, the same in every plot and map, taken from the
Okabe–Ito palette (Okabe & Ito 2008, *Color Universal Design*), which stays
distinguishable under the common forms of colour-vision deficiency. Colours are
hex strings so that HTML reports can reuse them.

Constants
---------
``BRAND_COLORS``     brand code -> colour (邻治 blue, 邻和 bluish green, 邻助 reddish
                     purple, 邻乐 orange)
``ZONE_COLOR``       the zone as a whole (near-black grey)
``ZONE_ROW_COLOR``   the zone's row beside the communities in the index figure (mid grey)
``NO_BRAND_COLOR``   a community without a brand
``BASELINE_COLOR``   a baseline-year value drawn beside the current one
``NEIGHBOUR_COLOR``  neighbouring communities on a map
``ALERT_COLOR``      warnings on a figure (uncovered compounds), vermillion
``TARGET_COLOR``     target and benchmark lines, sky blue
``FACILITY_STYLES``  facility category -> (marker, colour)

Examples
--------
>>> brand_color("lin_he")
'#009E73'
>>> brand_color(None) == NO_BRAND_COLOR
True
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
from matplotlib.colors import to_rgb

from ..checks import require_columns
from ..errors import ContractError

#: Brand code -> colour (Okabe–Ito).
BRAND_COLORS: dict[str, str] = {
    "lin_zhi": "#0072B2",  # blue — 邻治, participation in affairs
    "lin_he": "#009E73",  # bluish green — 邻和, mediation and harmony
    "lin_zhu": "#CC79A7",  # reddish purple — 邻助, aid
    "lin_le": "#E69F00",  # orange — 邻乐, culture and recreation
}
ZONE_COLOR: str = "#3B3B3B"
ZONE_ROW_COLOR: str = "#6B6B6B"
NO_BRAND_COLOR: str = "#7F7F7F"
BASELINE_COLOR: str = "#BDBDBD"
NEIGHBOUR_COLOR: str = "#D9D9D9"
ALERT_COLOR: str = "#D55E00"
TARGET_COLOR: str = "#56B4E9"

#: Facility category -> (matplotlib marker, fill colour). Shapes differ for every
#: category, so the legend reads without colour too; no facility is a grey circle or
#: octagon, which the zone map's grey compound circles would be taken for.
FACILITY_STYLES: dict[str, tuple[str, str]] = {
    "service_center": ("*", "#1B1B1B"),
    "elderly_center": ("h", "#882255"),
    "day_care": ("D", "#AA4499"),
    "culture_room": ("^", "#117733"),
    "library": ("s", "#332288"),
    "rehab_center": ("d", "#44AA99"),
    "fitness": ("v", "#999933"),
    "mediation_room": ("p", "#661100"),
    "market": ("8", "#A6761D"),  # not grey: a grey round marker reads as a compound
    "clinic": ("P", "#CC6677"),
    "other": ("<", "#555555"),
}

def _missing(value: object) -> bool:
    """Return True for None, NA, NaN and the empty string."""
    if value is None or value is pd.NA:
        return True
    if isinstance(value, float):
        return bool(pd.isna(value))
    return isinstance(value, str) and value.strip() == ""


def brand_color(brand: str | None) -> str:
    """Return the colour of a brand code (``NO_BRAND_COLOR`` for none).

    Parameters
    ----------
    brand
        One of ``lin_zhi``, ``lin_he``, ``lin_zhu``, ``lin_le``, or empty.

    Returns
    -------
    str
        A hex colour.

    Examples
    --------
    >>> brand_color("lin_zhi")
    '#0072B2'
    """
    if _missing(brand):
        return NO_BRAND_COLOR
    try:
        return BRAND_COLORS[str(brand)]
    except KeyError:
        known = ", ".join(BRAND_COLORS)
        msg = f"Unknown brand {brand!r}; known: {known}."
        raise ContractError(msg) from None


def text_color_on(background: str) -> str:
    """Return black or white, whichever contrasts more with ``background`` (WCAG 2.1).

    Examples
    --------
    >>> text_color_on("#0072B2"), text_color_on("#E69F00")
    ('white', 'black')
    """
    rgb = to_rgb(background)
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    lum = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    return "white" if (1.05 / (lum + 0.05)) >= ((lum + 0.05) / 0.05) else "black"


def community_colors(communities: pd.DataFrame | Mapping[str, str | None] | None,
                     unit_ids: list[str] | None = None) -> dict[str, str]:
    """Map community ids to their brand colours.

    Parameters
    ----------
    communities
        The ``communities`` table (``community_id``, ``brand``) or a mapping
        community id -> brand code; ``None`` gives every unit ``NO_BRAND_COLOR``.
    unit_ids
        Ids to colour; defaults to every community in ``communities``. Ids that are
        not communities get ``NO_BRAND_COLOR``.

    Returns
    -------
    dict[str, str]
        Community id -> hex colour.

    Examples
    --------
    >>> community_colors({"xiangbei": "lin_he", "renminlu": "lin_zhi"})
    {'xiangbei': '#009E73', 'renminlu': '#0072B2'}
    """
    brands = community_brands(communities)
    ids = list(brands) if unit_ids is None else list(unit_ids)
    return {uid: brand_color(brands.get(uid)) for uid in ids}


def community_brands(communities: pd.DataFrame | Mapping[str, str | None] | None,
                     ) -> dict[str, str | None]:
    """Return community id -> brand code (``None`` when empty).

    Examples
    --------
    >>> community_brands({"xiangbei": "lin_he"})
    {'xiangbei': 'lin_he'}
    """
    if communities is None:
        return {}
    if isinstance(communities, pd.DataFrame):
        require_columns(communities, ("community_id", "brand"), what="communities table")
        pairs = zip(communities["community_id"], communities["brand"], strict=True)
    else:
        pairs = communities.items()
    return {str(cid): (None if _missing(b) else str(b)) for cid, b in pairs}
