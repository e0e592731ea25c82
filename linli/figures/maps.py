"""Maps of a community and of the zone, drawn offline with matplotlib.

Layers come as the clean GeoDataFrames (``boundaries``, ``compounds``, ``facilities``,
WGS84 or CGCS2000). A map is drawn in a metric CRS — the UTM zone of the data's centre
(:func:`linli.access.metric_crs`, as the life-circle indicators measure) — so that
distances on it are true: the 300/500 m circles are buffers in metres and the
scale bar's length in data units is its label in metres. No web tiles, nothing fetched.

Every map carries a scale bar, a north arrow (grid north of the UTM zone, within a couple
of degrees of true north at these latitudes) and, by default, the note
"示意图，非测绘成果" ("illustrative, not surveyed"): these maps are not surveying products.

Constants
---------
``MAP_FIGSIZE``             default figure size (inches)
``NAMED_UP_TO``             a zone map names at most this many communities (30)
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

import geopandas as gpd
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.legend_handler import HandlerTuple
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.path import Path
from shapely.geometry import box
from shapely.geometry.base import BaseGeometry

from .. import labels as vocab
from ..access import CIRCLES, metric_crs
from ..checks import require_columns
from ..contract import FACILITY_CATEGORIES
from ..errors import ContractError
from . import palette
from ._style import DPI, check_lang, word
from .about import describe
from .fonts import use_cjk_font

MAP_FIGSIZE: tuple[float, float] = (7.0, 5.2)  # width used; height follows the map
#: A zone map names each of at most this many communities; more are coloured by brand, unnamed.
NAMED_UP_TO: int = 30

_NICE = (1.0, 2.0, 2.5, 5.0)
_LEGEND_WIDTH_IN = 2.3
_MARGIN_IN = 0.08
_TITLE_IN = 0.32
_MAX_MAP_HEIGHT_IN = 8.5


# ------------------------------------------------------------------------- helpers


def _count(layer: pd.DataFrame | None, community_id: str | None = None) -> int:
    """Rows of ``layer`` (of ``community_id`` only, when given and the layer says whose each row is)."""
    if layer is None:
        return 0
    if community_id is None or "community_id" not in layer:
        return len(layer)
    return int((layer["community_id"].astype(str) == community_id).sum())


def _check_layer(layer: gpd.GeoDataFrame, name: str, columns: Sequence[str]) -> None:
    if not isinstance(layer, gpd.GeoDataFrame):
        msg = f"{name} must be a GeoDataFrame; got {type(layer).__name__}."
        raise ContractError(msg)
    if layer.crs is None:
        msg = f"{name} has no CRS; set it (WGS84 EPSG:4326 or CGCS2000 EPSG:4490) first."
        raise ContractError(msg)
    require_columns(layer, columns, what=f"{name} layer")


def _check_layers(boundaries: gpd.GeoDataFrame, compounds: gpd.GeoDataFrame | None,
                  facilities: gpd.GeoDataFrame | None) -> None:
    """Check the three layers of a map (compounds and facilities are optional)."""
    _check_layer(boundaries, "boundaries", ("community_id",))
    if compounds is not None:
        _check_layer(compounds, "compounds", ("compound_id", "community_id", "households"))
    if facilities is not None:
        _check_layer(facilities, "facilities", ("facility_id", "community_id", "category"))


def nice_length(span_m: float) -> float:
    """Return the largest round length (1, 2, 2.5 or 5 × 10ᵏ m) not above ``span_m``.

    Examples
    --------
    >>> nice_length(430.0), nice_length(999.0), nice_length(2600.0)
    (250.0, 500.0, 2500.0)
    """
    if not np.isfinite(span_m) or span_m <= 0:
        msg = f"Cannot choose a scale-bar length for a span of {span_m!r} m."
        raise ContractError(msg)
    power = 10.0 ** math.floor(math.log10(span_m))
    best = power
    for step in _NICE:
        if step * power <= span_m * (1 + 1e-9):
            best = step * power
    return best


def _length_label(length_m: float) -> str:
    """Label a scale-bar length: metres under 1 km, else kilometres.

    >>> _length_label(500.0), _length_label(2500.0)
    ('500 m', '2.5 km')
    """
    if length_m >= 1000:
        km = length_m / 1000
        return f"{km:g} km"
    return f"{length_m:g} m"


def _figure(ax: Axes | None, limits: tuple[float, float, float, float]) -> tuple[Figure, Axes]:
    """Set the CJK font; make a figure whose height suits the map's shape if ``ax`` is None."""
    use_cjk_font()
    if ax is None:
        # Placed by hand, not by constrained layout (which does not leave room for an
        # outside legend next to an equal-aspect axes): the map at the left, its legend in
        # the strip on the right, the title above.
        x0, x1, y0, y1 = limits
        aspect = (y1 - y0) / max(x1 - x0, 1e-9)
        width = MAP_FIGSIZE[0]
        map_w = width - _LEGEND_WIDTH_IN - 2 * _MARGIN_IN
        map_h = min(max(map_w * aspect, 2.0), _MAX_MAP_HEIGHT_IN)
        height = map_h + _TITLE_IN + 2 * _MARGIN_IN
        fig = plt.figure(figsize=(width, height), dpi=DPI)
        ax = fig.add_axes((_MARGIN_IN / width, _MARGIN_IN / height, map_w / width,
                           map_h / height))
        ax.set_anchor("NW")
        return fig, ax
    return ax.get_figure(root=True), ax  # type: ignore[return-value]


def _uncovered_ids(uncovered: Iterable[str] | pd.Series | None,
                   compounds: gpd.GeoDataFrame | None) -> set[str]:
    if uncovered is None:
        return set()
    if isinstance(uncovered, pd.Series) and pd.api.types.is_bool_dtype(uncovered):
        ids = {str(i) for i in uncovered.index[uncovered.fillna(False).astype(bool)]}
    else:
        ids = {str(i) for i in uncovered}
    if compounds is not None:
        unknown = sorted(ids - set(map(str, compounds["compound_id"])))
        if unknown:
            msg = (f"Unknown compound id(s) in uncovered: {', '.join(unknown[:5])}"
                   f"{' …' if len(unknown) > 5 else ''}.")
            raise ContractError(msg)
    return ids


def _opened_by(facilities: gpd.GeoDataFrame, year: int | None) -> gpd.GeoDataFrame:
    if year is None or "opened_on" not in facilities.columns:
        return facilities
    opened = pd.to_datetime(facilities["opened_on"])
    return facilities[opened.isna() | (opened <= pd.Timestamp(year=year, month=12, day=31))]


def _points(layer: gpd.GeoDataFrame) -> gpd.GeoSeries:
    """Points of a layer: representative points of polygons, points as they are."""
    geoms = layer.geometry
    is_point = geoms.geom_type == "Point"
    if is_point.all():
        return geoms
    return geoms.where(is_point, geoms.representative_point())


def _marker_sizes(households: pd.Series, reference: float) -> np.ndarray:
    """Marker areas (pt²) proportional to households; ``reference`` households -> 220 pt²."""
    h = pd.to_numeric(households, errors="coerce").fillna(0).to_numpy(float)
    return np.clip(220.0 * h / reference, 8.0, None)


def _size_steps(maximum: float) -> list[float]:
    """Three round household counts for the size legend, the largest ≤ ``maximum``."""
    if maximum <= 0 or not np.isfinite(maximum):
        return []
    top = nice_length(maximum)
    return sorted({nice_length(top / 4), nice_length(top / 2), top})


#: The box behind the scale bar's length, the north arrow's letter and the map's note: opaque
#: white, so that no boundary, street or circle runs through their text.
LABEL_BOX: dict[str, object] = {"facecolor": "white", "edgecolor": "none", "alpha": 1.0, "pad": 1.5}


def add_scale_bar(ax: Axes, *, lang: str = "zh", fraction: float = 0.22) -> float:
    """Draw a scale bar at the lower left of a map whose data units are metres.

    The bar is the largest round length (:func:`nice_length`) not above ``fraction`` of
    the map's width, drawn as two black-and-white halves with its length written above, on
    an opaque white box (:data:`LABEL_BOX`) over the map's lines.
    The outer rectangle has ``gid="scale_bar"``, the label ``gid="scale_bar_label"``.

    Parameters
    ----------
    ax
        A map axes in a metric CRS, with its limits set.
    lang
        Unused for the label (metres read the same in both languages); kept for symmetry.
    fraction
        The bar's largest share of the map's width.

    Returns
    -------
    float
        The bar's length in metres.
    """
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    width, height = x1 - x0, y1 - y0
    length = nice_length(width * fraction)
    bar_h = height * 0.012
    left, bottom = x0 + width * 0.04, y0 + height * 0.05
    for k, fill in enumerate(("black", "white")):
        ax.add_patch(Rectangle((left + k * length / 2, bottom), length / 2, bar_h,
                               facecolor=fill, edgecolor="none", zorder=20))
    ax.add_patch(Rectangle((left, bottom), length, bar_h, facecolor="none", edgecolor="black",
                           linewidth=0.8, zorder=21, gid="scale_bar"))
    ax.text(left + length / 2, bottom + bar_h * 1.8, _length_label(length), ha="center",
            va="bottom", fontsize=8, zorder=21, gid="scale_bar_label", bbox=LABEL_BOX)
    return length


def add_north_arrow(ax: Axes, *, lang: str = "zh") -> None:
    """Draw a north arrow at the upper right of a map (``gid="north_arrow"``)."""
    ax.annotate(word("map.north", lang=lang), xy=(0.96, 0.98), xytext=(0.96, 0.875),
                xycoords="axes fraction", textcoords="axes fraction", ha="center", va="top",
                fontsize=9, fontweight="bold", gid="north_arrow", zorder=22, bbox=LABEL_BOX,
                arrowprops={"arrowstyle": "-|>,head_width=0.35,head_length=0.7",
                            "color": "black", "linewidth": 1.4, "shrinkA": 0, "shrinkB": 0})


def _add_note(ax: Axes, note: bool | str, lang: str) -> None:
    if note is False:
        return
    text = note if isinstance(note, str) else word("map.not_surveyed", lang=lang)
    ax.text(0.99, 0.01, text, transform=ax.transAxes, ha="right", va="bottom", fontsize=7,
            color="#555555", zorder=22, gid="map_note", bbox=LABEL_BOX)


def _limits(bounds: np.ndarray, pad: float) -> tuple[float, float, float, float]:
    """Map limits around ``bounds``, with room for the scale bar and note at the bottom and
    the north arrow at the top."""
    minx, miny, maxx, maxy = (float(v) for v in bounds)
    w, h = maxx - minx, maxy - miny
    margin = pad * max(w, h, 1.0)
    return (minx - margin, maxx + margin, miny - margin - 0.08 * (h + 2 * margin),
            maxy + margin + 0.08 * (h + 2 * margin))


def _finish_axes(ax: Axes, limits: tuple[float, float, float, float]) -> None:
    x0, x1, y0, y1 = limits
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal", adjustable="box")
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_color("#BBBBBB")
        spine.set_linewidth(0.6)


def _polygon_path(geom: BaseGeometry) -> Path:
    """A matplotlib path of a (multi)polygon, holes included."""
    parts: list[Path] = []
    polygons = getattr(geom, "geoms", [geom])
    for poly in polygons:
        if poly.is_empty or poly.geom_type != "Polygon":
            continue
        for ring in (poly.exterior, *poly.interiors):
            xy = np.asarray(ring.coords)[:, :2]
            codes = np.full(len(xy), Path.LINETO, dtype=Path.code_type)
            codes[0], codes[-1] = Path.MOVETO, Path.CLOSEPOLY
            parts.append(Path(xy, codes))
    return Path.make_compound_path(*parts) if parts else Path(np.empty((0, 2)))


def _add_polygons(ax: Axes, geoms: Iterable[BaseGeometry], **kw: object) -> PathCollection:
    """Add polygons to ``ax`` as one collection (geopandas' plot redraws the whole figure
    on every call, which makes a map several times slower)."""
    paths = [_polygon_path(g) for g in geoms if g is not None and not g.is_empty]
    collection = PathCollection(paths, **kw)  # type: ignore[arg-type]
    ax.add_collection(collection, autolim=False)
    return collection


def _draw_compounds(ax: Axes, compounds: gpd.GeoDataFrame, *, colors: pd.Series,
                    reference: float) -> None:
    polys = compounds[compounds.geometry.geom_type.isin(["Polygon", "MultiPolygon"])]
    if len(polys):
        _add_polygons(ax, polys.geometry, facecolor="none",
                      edgecolor=colors.loc[polys.index].tolist(), linewidth=0.6, alpha=0.8,
                      zorder=3)
    pts = _points(compounds)
    ax.scatter(pts.x, pts.y, s=_marker_sizes(compounds["households"], reference),
               c=colors.tolist(), alpha=0.75, edgecolors="white", linewidths=0.6, zorder=4)


def _draw_facilities(ax: Axes, facilities: gpd.GeoDataFrame, lang: str,
                     limits: tuple[float, float, float, float]) -> list[Line2D]:
    """Draw facilities by category; legend entries only for categories inside the map."""
    handles: list[Line2D] = []
    x0, x1, y0, y1 = limits
    geoms = facilities.geometry
    visible = facilities[(geoms.x >= x0) & (geoms.x <= x1) & (geoms.y >= y0) & (geoms.y <= y1)]
    present = [c for c in FACILITY_CATEGORIES if c in set(map(str, visible["category"]))]
    for cat in present:
        marker, color = palette.FACILITY_STYLES[cat]
        sub = facilities[facilities["category"].astype(str) == cat]
        size = 110 if marker == "*" else 48
        ax.scatter(sub.geometry.x, sub.geometry.y, marker=marker, s=size, c=color,
                   edgecolors="white", linewidths=0.7, zorder=6)
        label = vocab.code_label(FACILITY_CATEGORIES, cat, lang=lang, kind="facility")
        handles.append(Line2D([], [], linestyle="none", marker=marker, markersize=7 if
                              marker != "*" else 10, markerfacecolor=color,
                              markeredgecolor="white", label=label))
    return handles


def _draw_circles(ax: Axes, facilities: gpd.GeoDataFrame, radius_m: Sequence[float],
                  lang: str) -> list[Line2D]:
    handles: list[Line2D] = []
    for r in sorted(radius_m, reverse=True):
        cats = CIRCLES.get(float(r))
        sub = facilities if cats is None else facilities[facilities["category"].isin(cats)]
        if sub.empty:
            continue
        if cats is not None and len(cats) == 1:
            color, style = palette.FACILITY_STYLES[cats[0]][1], ":"
        else:
            color, style = "#444444", "--"
        circles = sub.geometry.buffer(float(r), quad_segs=32)
        _add_polygons(ax, [circles.union_all()], facecolor=color, edgecolor="none", alpha=0.06,
                      zorder=1)
        _add_polygons(ax, circles, facecolor="none", edgecolor=color, linestyle=style,
                      linewidth=0.9, zorder=2)
        if cats is None:
            label = word("map.around_facilities", lang=lang, radius=f"{r:g}")
        elif cats == ("fitness",):
            label = word("map.fitness_circle", lang=lang, radius=f"{r:g}")
        else:
            label = word("map.life_circle", lang=lang, radius=f"{r:g}")
        handles.append(Line2D([], [], color=color, linestyle=style, linewidth=1.0, label=label))
    return handles


def _compound_handles(compounds: gpd.GeoDataFrame, reference: float, color: str,
                      lang: str) -> list[object]:
    """Legend entries of the compounds: a circle per round household count, drawn inside an
    outline when some compound is a polygon (drawn as its outline on the map), so that
    the outlines on the map are read as compounds too."""
    outlined = bool(compounds.geometry.geom_type.isin(["Polygon", "MultiPolygon"]).any())
    handles: list[object] = []
    for h in _size_steps(reference):
        label = word("map.compound", lang=lang, households=f"{h:g}")
        circle = Line2D([], [], linestyle="none", marker="o", markerfacecolor=color,
                        markeredgecolor="white", alpha=0.75, label=label,
                        markersize=math.sqrt(float(_marker_sizes(pd.Series([h]), reference)[0])))
        if outlined:
            outline = Patch(facecolor="none", edgecolor=color, linewidth=0.6, alpha=0.8, label=label)
            handles.append((outline, circle))
        else:
            handles.append(circle)
    return handles


def _legend(ax: Axes, handles: Sequence[object]) -> None:
    """The legend outside the map on the right; a pair of handles (a compound's outline and
    circle) is drawn one over the other."""
    labels = [h[-1].get_label() if isinstance(h, tuple) else h.get_label() for h in handles]  # type: ignore[attr-defined]
    ax.legend(handles=handles, labels=labels, loc="upper left", bbox_to_anchor=(1.01, 1.0),
              frameon=False, fontsize=7, borderaxespad=0.0, labelspacing=0.7, handletextpad=0.6,
              handler_map={tuple: HandlerTuple(ndivide=1)})


# ------------------------------------------------------------------------ the maps


def map_community(
    boundaries: gpd.GeoDataFrame,
    compounds: gpd.GeoDataFrame | None,
    facilities: gpd.GeoDataFrame | None,
    *,
    community_id: str | None = None,
    radius_m: Sequence[float] = (300, 500),
    uncovered: Iterable[str] | pd.Series | None = None,
    year: int | None = None,
    communities: pd.DataFrame | None = None,
    names: Mapping[str, str] | None = None,
    note: bool | str = True,
    lang: str = "zh",
    title: str | None = None,
    ax: Axes | None = None,
) -> tuple[Figure, Axes]:
    """Map a community: boundary, compounds by households, facilities and their circles.

    The selected community is outlined in its brand colour and its neighbours in grey;
    compounds are circles whose area is proportional to households (polygons are drawn
    too, with the circle at their representative point); facilities have one marker per
    category; the 500 m circles surround service centres, elderly centres, day-care
    stations and culture rooms and the 300 m circles fitness points
    (:data:`linli.access.CIRCLES`), as the life-circle indicators count them; compounds in
    ``uncovered`` are crossed out. The map is drawn in the UTM zone of the data, with a
    scale bar, a north arrow and a legend outside the map on the right.

    Parameters
    ----------
    boundaries
        Community boundaries (``community_id``, polygons).
    compounds
        Compounds (``compound_id``, ``community_id``, ``households``; points or polygons),
        or None.
    facilities
        Facilities (``facility_id``, ``community_id``, ``category``; points), or None.
    community_id
        The community to map; None maps the whole zone the same way.
    radius_m
        Radii of the circles drawn (default 300 and 500 m); a radius missing from
        :data:`linli.access.CIRCLES` is drawn around every facility.
    uncovered
        Compound ids to cross out (or a boolean Series indexed by compound id).
    year
        Only facilities opened on or before the end of this year (when given).
    communities
        The ``communities`` table, for brand colours and names.
    names
        Community id -> display name, overriding ``communities``.
    note
        True writes "示意图，非测绘成果" / "Illustrative, not surveyed" at the lower
        right; a string writes that string; False writes nothing.
    lang
        ``"zh"`` or ``"en"``.
    title
        None for the default title, ``""`` for none.
    ax
        An Axes to draw on.

    Returns
    -------
    tuple[Figure, Axes]
        The axes' data units are metres in the UTM CRS.

    Examples
    --------
    >>> from shapely.geometry import Point, box
    >>> b = gpd.GeoDataFrame({"community_id": ["a"]},
    ...     geometry=[box(112.600, 26.890, 112.610, 26.898)], crs=4326)
    >>> c = gpd.GeoDataFrame({"compound_id": ["c1"], "community_id": ["a"],
    ...     "households": [300]}, geometry=[Point(112.605, 26.894)], crs=4326)
    >>> f = gpd.GeoDataFrame({"facility_id": ["f1"], "community_id": ["a"],
    ...     "category": ["service_center"]}, geometry=[Point(112.603, 26.893)], crs=4326)
    >>> fig, ax = map_community(b, c, f, community_id="a")
    >>> plt.close(fig)
    """
    check_lang(lang)
    _check_layers(boundaries, compounds, facilities)
    known = sorted(map(str, boundaries["community_id"]))
    if community_id is not None and community_id not in known:
        msg = f"Unknown community {community_id!r}; known: {', '.join(known)}."
        raise ContractError(msg)
    crs = metric_crs(boundaries)
    bnd = boundaries.to_crs(crs)
    cmp_ = compounds.to_crs(crs) if compounds is not None else None
    fac = _opened_by(facilities, year).to_crs(crs) if facilities is not None else None
    bad = _uncovered_ids(uncovered, cmp_)

    selected = bnd if community_id is None else bnd[bnd["community_id"] == community_id]
    limits = _limits(selected.total_bounds, pad=0.08)
    fig, ax = _figure(ax, limits)
    brands = palette.community_brands(communities)
    unit_names = vocab.unit_names(communities, lang=lang, names=names)
    others = bnd.iloc[0:0] if community_id is None else bnd[bnd["community_id"] != community_id]
    color = (palette.brand_color(brands.get(community_id)) if community_id is not None
             else palette.ZONE_COLOR)

    handles: list[object] = []
    if len(others):
        _add_polygons(ax, others.geometry, facecolor="#F4F4F4", edgecolor="#9E9E9E",
                      linewidth=0.9, zorder=0.5)
        handles.append(Patch(facecolor="#F4F4F4", edgecolor="#9E9E9E",
                             label=word("map.neighbours", lang=lang)))
    _add_polygons(ax, selected.geometry, facecolor=color, alpha=0.08, edgecolor="none",
                  zorder=0.6)
    _add_polygons(ax, selected.geometry, facecolor="none", edgecolor=color, linewidth=2.0,
                  zorder=7)
    sel_name = (unit_names.get(community_id, community_id) if community_id is not None
                else word("map.zone", lang=lang))
    handles.append(Patch(facecolor="none", edgecolor=color, linewidth=2.0,
                         label=word("map.boundary", lang=lang, name=sel_name)))
    view = box(limits[0], limits[2], limits[1], limits[3])
    for row in others.itertuples(index=False):
        visible = row.geometry.intersection(view)  # name the part of a neighbour on the map
        if visible.is_empty:
            continue
        vx0, vy0, vx1, vy1 = visible.bounds
        if (vx1 - vx0) < 0.2 * (limits[1] - limits[0]) or (vy1 - vy0) < 0.06 * (
                limits[3] - limits[2]):
            continue  # too thin a sliver to hold the name
        p = visible.representative_point()
        ax.text(p.x, p.y, unit_names.get(str(row.community_id), str(row.community_id)),
                ha="center", va="center", fontsize=8, color="#8A8A8A", clip_on=True, zorder=1)

    if fac is not None and len(fac) and radius_m:
        handles += _draw_circles(ax, fac, radius_m, lang)
    if cmp_ is not None and len(cmp_):
        inside = (cmp_["community_id"].astype(str) == community_id if community_id is not None
                  else pd.Series(True, index=cmp_.index))
        colors = pd.Series(np.where(inside, color, palette.NO_BRAND_COLOR), index=cmp_.index)
        reference = float(pd.to_numeric(cmp_["households"], errors="coerce").max() or 1.0)
        _draw_compounds(ax, cmp_, colors=colors, reference=reference)
        handles += _compound_handles(cmp_, reference, color, lang)
        handles += _cross_out(ax, cmp_, bad, lang)
    if fac is not None and len(fac):
        handles += _draw_facilities(ax, fac, lang, limits)

    _finish_axes(ax, limits)
    add_scale_bar(ax, lang=lang)
    add_north_arrow(ax, lang=lang)
    _add_note(ax, note, lang)
    _legend(ax, handles)
    default = word("map.community_title", lang=lang, name=sel_name)
    text = default if title is None else title
    if text:
        ax.set_title(text, fontsize=11, loc="left")
    describe(fig, name=f"map-{community_id or 'communities'}", alt=word(
        "alt.map_community", lang=lang, title="{title}", compounds=_count(cmp_, community_id),
        facilities=_count(fac, community_id), uncovered=len(bad)))
    return fig, ax


def _cross_out(ax: Axes, compounds: gpd.GeoDataFrame, bad: set[str], lang: str) -> list[object]:
    """Cross out the compounds ``bad`` (outside every life circle); return their legend
    entry (none when there are none)."""
    if not bad:
        return []
    pts = _points(compounds[compounds["compound_id"].astype(str).isin(bad)])
    ax.scatter(pts.x, pts.y, marker="x", s=70, c=palette.ALERT_COLOR, linewidths=2.2, zorder=8)
    return [Line2D([], [], linestyle="none", marker="x", markersize=8, markeredgewidth=2.2,
                   color=palette.ALERT_COLOR, label=word("map.not_covered", lang=lang))]


def _brand_areas(ax: Axes, bnd: gpd.GeoDataFrame, brands: Mapping[str, str], lang: str) -> list[object]:
    """Draw every community in its brand's colour, unnamed (a zone too large to name them);
    return one legend entry per brand (and one for communities without a brand)."""
    brand_of = bnd["community_id"].astype(str).map(lambda c: brands.get(c) or "")
    handles: list[object] = []
    for brand in sorted(set(brand_of), key=lambda b: (b == "", b)):  # vectorised per brand, not per community
        shape = bnd[(brand_of == brand).to_numpy()]
        color = palette.brand_color(brand or None)
        _add_polygons(ax, shape.geometry, facecolor=color, alpha=0.30, edgecolor=color, linewidth=0.4, zorder=0.5)
        label = (word("map.brand_areas", lang=lang, brand=vocab.brand_label(brand, lang=lang)) if brand
                 else word("map.no_brand", lang=lang))
        handles.append(Patch(facecolor=color, alpha=0.6, edgecolor=color, label=label))
    return handles


def map_zone(
    boundaries: gpd.GeoDataFrame,
    *,
    communities: pd.DataFrame | None = None,
    compounds: gpd.GeoDataFrame | None = None,
    facilities: gpd.GeoDataFrame | None = None,
    uncovered: Iterable[str] | pd.Series | None = None,
    year: int | None = None,
    names: Mapping[str, str] | None = None,
    note: bool | str = True,
    lang: str = "zh",
    title: str | None = None,
    ax: Axes | None = None,
) -> tuple[Figure, Axes]:
    """Map the zone: every community filled in its brand colour and named, its compounds
    (those in ``uncovered`` crossed out) and facilities (more than :data:`NAMED_UP_TO`
    communities: filled in their brand's colour, unnamed, one legend entry per brand,
    without compounds and facilities, which would hide the map; the title's second line
    says so).

    Parameters
    ----------
    boundaries
        Community boundaries (``community_id``, polygons).
    communities
        The ``communities`` table, for brand colours and names.
    compounds
        Optional compounds, drawn as grey circles sized by households.
    facilities
        Optional facilities, one marker per category.
    uncovered
        Compound ids to cross out (outside the 500 m life circle), or a boolean Series
        indexed by compound id; drawn with the compounds.
    year
        Only facilities opened on or before the end of this year (when given).
    names, note, lang, title, ax
        As in :func:`map_community`.

    Returns
    -------
    tuple[Figure, Axes]
        The axes' data units are metres in the UTM CRS.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> b = gpd.GeoDataFrame({"community_id": ["a", "b"]}, crs=4326,
    ...     geometry=[box(112.600, 26.890, 112.610, 26.898), box(112.610, 26.890, 112.620, 26.898)])
    >>> fig, ax = map_zone(b, communities=pd.DataFrame({"community_id": ["a", "b"],
    ...                    "name_zh": ["甲", "乙"], "brand": ["lin_zhi", "lin_he"]}))
    >>> plt.close(fig)
    """
    check_lang(lang)
    _check_layers(boundaries, compounds, facilities)
    crs = metric_crs(boundaries)
    bnd = boundaries.to_crs(crs)
    limits = _limits(bnd.total_bounds, pad=0.05)
    fig, ax = _figure(ax, limits)
    brands = palette.community_brands(communities)
    unit_names = vocab.unit_names(communities, lang=lang, names=names)
    order = list(brands) if brands else []
    ids = sorted(map(str, bnd["community_id"]),
                 key=lambda c: (order.index(c) if c in order else len(order), c))
    handles: list[object] = []
    many = len(ids) > NAMED_UP_TO
    if many:  # too many to name, or to show their compounds: coloured by brand, one legend entry per brand
        handles += _brand_areas(ax, bnd, brands, lang)
        ids, compounds, facilities = [], None, None
    for cid in ids:
        shape = bnd[bnd["community_id"].astype(str) == cid]
        brand = brands.get(cid)
        color = palette.brand_color(brand)
        _add_polygons(ax, shape.geometry, facecolor=color, alpha=0.30, edgecolor="none",
                      zorder=0.5)
        _add_polygons(ax, shape.geometry, facecolor="none", edgecolor=color, linewidth=1.8,
                      zorder=7)
        name = unit_names.get(cid, cid)
        brand_text = vocab.brand_label(brand, lang=lang) if brand else ""
        p = shape.geometry.union_all().representative_point()
        ax.text(p.x, p.y, f"{name}\n{brand_text}" if brand_text else name, ha="center",
                va="center", fontsize=9, zorder=9, fontweight="bold",
                bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.75, "pad": 1.5})
        handles.append(Patch(facecolor=color, alpha=0.6, edgecolor=color,
                             label=f"{name} · {brand_text}" if brand_text else name))
    bad: set[str] = set()
    if compounds is not None and len(compounds):
        cmp_ = compounds.to_crs(crs)
        bad = _uncovered_ids(uncovered, cmp_)
        reference = float(pd.to_numeric(cmp_["households"], errors="coerce").max() or 1.0)
        colors = pd.Series(palette.NO_BRAND_COLOR, index=cmp_.index)
        _draw_compounds(ax, cmp_, colors=colors, reference=reference)
        handles += _compound_handles(cmp_, reference, palette.NO_BRAND_COLOR, lang)
        handles += _cross_out(ax, cmp_, bad, lang)
    if facilities is not None and len(facilities):
        handles += _draw_facilities(ax, _opened_by(facilities, year).to_crs(crs), lang, limits)
    _finish_axes(ax, limits)
    add_scale_bar(ax, lang=lang)
    add_north_arrow(ax, lang=lang)
    _add_note(ax, note, lang)
    _legend(ax, handles)
    default = word("map.zone_title", lang=lang)
    text = default if title is None else title
    if text and many and title is None:
        text += "\n" + word("map.zone_many", lang=lang, n=vocab.whole(len(bnd), lang=lang))
    if text:
        ax.set_title(text, fontsize=11, loc="left")
    shown = None if facilities is None else _opened_by(facilities, year)
    alt = (word("alt.map_zone_many", lang=lang, title="{title}", communities=vocab.whole(len(bnd), lang=lang)) if many
           else word("alt.map_zone", lang=lang, title="{title}", communities=len(bnd), compounds=_count(compounds),
                     facilities=_count(shown),
                     uncovered=word("alt.uncovered", lang=lang, n=len(bad)) if uncovered is not None else ""))
    describe(fig, name="map-zone", alt=alt)
    return fig, ax


__all__ = [
    "add_north_arrow",
    "add_scale_bar",
    "map_community",
    "map_zone",
    "nice_length",
]
