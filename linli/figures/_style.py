"""The style every figure shares: fonts, figure creation, axes, labels and colours.

:mod:`linli.figures.plots` (the reports' figures), :mod:`linli.figures.exploration`
(the exploration notebooks') and :mod:`linli.figures.maps` draw through these helpers, so
that a figure is made, titled, labelled and coloured the same way everywhere. Its words
come from :mod:`linli.labels` (:func:`word`, :func:`check_lang`), unit names from
:func:`linli.labels.unit_names`.

Constants
---------
``FIGSIZE``, ``DPI``  default figure size (inches) and resolution: half an A4 page's
                      width of text, legible
``OKABE_ITO``         the Okabe–Ito palette, for groups that are not communities
``LINESTYLES``        line styles given in turn to units that share a colour
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ..checks import require_columns as require_columns
from ..errors import ContractError
from ..labels import THOUSANDS
from ..labels import check_lang as check_lang
from ..labels import word as word
from . import palette
from .fonts import use_cjk_font

#: Default figure size (inches) and resolution: half an A4 page's width of text, legible.
FIGSIZE: tuple[float, float] = (7.0, 3.5)
DPI: int = 150

#: Columns every long indicator table passed to a figure needs.
LONG_COLUMNS = ("unit_id", "year", "indicator", "value")
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
             "#000000")
LINESTYLES = ("-", "--", ":", "-.")


def new_figure(ax: Axes | None, figsize: tuple[float, float] = FIGSIZE) -> tuple[Figure, Axes]:
    """Set the CJK font and return ``(fig, ax)``, making a figure when ``ax`` is None."""
    use_cjk_font()
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize, dpi=DPI, layout="constrained")
        return fig, ax
    return ax.get_figure(root=True), ax  # type: ignore[return-value]


def unit_styles(unit_ids: Sequence[str], communities: pd.DataFrame | None,
                 ) -> dict[str, tuple[str, str]]:
    """Return unit id -> (colour, line style); a colour used twice gets a new line style."""
    brands = palette.community_brands(communities)
    seen: dict[str, int] = {}
    out: dict[str, tuple[str, str]] = {}
    for uid in unit_ids:
        color = palette.brand_color(brands.get(uid))
        n = seen.get(color, 0)
        seen[color] = n + 1
        out[uid] = (color, LINESTYLES[n % len(LINESTYLES)])
    return out


def fmt(value: float, *, lang: str | None = None, percent: bool = False) -> str:
    """Format a number for a label: whole numbers bare, others with one decimal; a
    percentage (``percent``) with one decimal always, as the report's tables write it.

    Thousands are separated as ``lang`` writes them in tables (none in Chinese, a comma
    in English: :data:`linli.labels.THOUSANDS`); with ``lang=None``, a comma.

    >>> fmt(12.0), fmt(3.5714), fmt(1234.5), fmt(1234.5, lang="zh"), fmt(96.0, percent=True)
    ('12', '3.6', '1,234', '1234', '96.0')
    """
    if value is None or not np.isfinite(value):
        return "–"
    sep = "," if lang is None else THOUSANDS[check_lang(lang)]
    if percent:
        return f"{value:{sep}.1f}"
    if abs(value) >= 1000 or float(value).is_integer():
        return f"{value:{sep}.0f}"
    return f"{value:{sep}.1f}"


def select_year(frame: pd.DataFrame, year: int | None, what: str) -> pd.DataFrame:
    if "year" not in frame.columns:
        return frame
    years = sorted(int(y) for y in pd.unique(frame["year"].dropna()))
    if year is None:
        if not years:
            return frame
        year = years[-1]
    out = frame[frame["year"] == year]
    if out.empty:
        msg = f"No {what} rows for year {year}; years present: {', '.join(map(str, years))}."
        raise ContractError(msg)
    return out


def zone_of(frame: pd.DataFrame, unit_id: str | None, communities: pd.DataFrame | None,
             ) -> str | None:
    """Return the zone unit id of a frame with ``unit_type``; None when there is none."""
    if "unit_type" not in frame.columns:
        return None
    zones = sorted(map(str, pd.unique(frame.loc[frame["unit_type"] == "zone", "unit_id"])))
    if not zones:
        return None
    if len(zones) == 1:
        return zones[0]
    if unit_id is not None and communities is not None and "zone_id" in communities:
        match = communities.loc[communities["community_id"] == unit_id, "zone_id"]
        if len(match) and str(match.iloc[0]) in zones:
            return str(match.iloc[0])
    msg = (f"Several zones in the table ({', '.join(zones)}); pass the zone's id "
           "explicitly (compare_to=...).")
    raise ContractError(msg)


def community_ids(frame: pd.DataFrame, communities: pd.DataFrame | None) -> list[str]:
    """Community unit ids of a frame, in the communities table's order when given."""
    if "unit_type" in frame.columns:
        ids = [str(u) for u in pd.unique(frame.loc[frame["unit_type"] == "community", "unit_id"])]
    else:
        ids = [str(u) for u in pd.unique(frame["unit_id"])]
        if communities is not None and "zone_id" in communities:
            zones = set(map(str, communities["zone_id"]))
            ids = [u for u in ids if u not in zones]
    if communities is not None and "community_id" in communities:
        order = {str(c): i for i, c in enumerate(communities["community_id"])}
        return sorted(ids, key=lambda u: (order.get(u, len(order)), u))
    return sorted(ids)


def legend_outside(ax: Axes, handles: Sequence[object] | None = None, **kw: object) -> None:
    """Place the legend outside the axes, on the right, without a frame."""
    kwargs: dict[str, object] = {"loc": "upper left", "bbox_to_anchor": (1.01, 1.0),
                                 "frameon": False, "fontsize": 8, "borderaxespad": 0.0}
    kwargs.update(kw)
    if handles is None:
        ax.legend(**kwargs)  # type: ignore[arg-type]
    else:
        ax.legend(handles=handles, **kwargs)  # type: ignore[arg-type]


def set_title(ax: Axes, title: str | None, default: str, *, scope: str | None = None,
              pad: float | None = None) -> None:
    """Title ``ax`` (``title``, else ``default``); ``scope``, which units the figure shows
    when not all, goes on a second line; ``pad``: points between the axes and the title
    (matplotlib's default when None), to clear a heading drawn just above the axes."""
    text = default if title is None else title
    if text and scope:
        text = f"{text}\n{scope}"
    if text:
        ax.set_title(text, fontsize=11, loc="left", pad=pad)


def tidy(ax: Axes, *, grid_axis: str = "x") -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.grid(axis=grid_axis, color="#E5E5E5", linewidth=0.6)  # type: ignore[arg-type]
    ax.set_axisbelow(True)
    ax.tick_params(labelsize=8)
