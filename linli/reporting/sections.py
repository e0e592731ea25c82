"""The sections of a report: its cover, the brand in depth, the map, the trends, and its checks.

What a section shows depends on the unit: its brand decides the dimension the brand
section takes, the indicator compared across communities and the ledgers whose monthly
trends are drawn (the catalogue's ``key_indicator`` and ``trend_ledgers`` of the
dimension); the map needs a boundary and located compounds and facilities. The checks
(:func:`check_report`, :func:`check_coverage`) name what a report notebook relies on
when it is wrong. Every word comes from :mod:`linli.labels`.
"""

from __future__ import annotations

import html as html_lib
import math
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from ..access import located, uncovered_compounds
from ..contract import TABLES
from ..errors import LinliError
from ..figures import palette
from ..handoff import UnitSlice
from ..indicators import catalogue as catalogue_mod
from ..labels import (
    WORDS,
    brand_label,
    brand_line,
    check_lang,
    counted,
    dimension_label,
    indicator_name,
    proper_name,
    table_label,
    unit_label,
    unit_names,
    whole,
    word,
)
from ..spec import SCORED_DIMENSIONS
from . import _slice as sl
from . import selection
from .format import DASH, dataset_name, format_value, is_missing, target_text
from .names import index_name, output_name
from .render import NOT_IN_WORD, heading, note, to_html
from .tables import indicator_table

__all__ = [
    "DEFAULT_TREND_LEDGERS",
    "brand_dimension",
    "brand_html",
    "check_coverage",
    "check_report",
    "cover_html",
    "coverage_text",
    "dimensions_html",
    "key_indicator",
    "map_layers",
    "map_left_out",
    "map_missing",
    "zone_uncovered",
    "nav_html",
    "other_dimensions",
    "record",
    "reference_line",
    "trend_ledgers",
    "trend_options",
]

#: The event ledgers whose monthly trends a report draws for a unit without a brand.
DEFAULT_TREND_LEDGERS: tuple[str, ...] = ("volunteer_activities", "mediation_cases")


def nav_html(res: UnitSlice, *, lang: str = "zh") -> str:
    """Return the links back from a report: to the index of its year and, for a community,
    to its zone's report in the same language (relative addresses, beside the report in
    ``OUT/<year>``). Shown on screen, not printed: a PDF has no folder to link into.

    Examples
    --------
    >>> from linli.testing import example_unit
    >>> nav_html(example_unit(), lang="en")
    '<nav class="linli-nav"><a href="index.en.html">← Index of this year&#x27;s reports</a> · <a href="model.en.html">Report of its zone: Model Street</a></nav>'
    """
    check_lang(lang)
    esc = html_lib.escape
    links = [(index_name(lang), word("page.back_index", lang=lang))]
    zid = sl.zone_id(res)
    if res.unit_type != "zone" and zid is not None:
        links.append((output_name(zid, "html", lang=lang), word("page.back_zone", lang=lang, name=sl.name(res, zid, lang))))
    return ('<nav class="linli-nav">'
            + " · ".join(f'<a href="{esc(href)}">{esc(text)}</a>' for href, text in links) + "</nav>")


def cover_html(res: UnitSlice, *, lang: str = "zh") -> str:
    """Return the report's cover: title, brand, year, data as-of, dataset, and a banner
    when the data is synthetic (``class="linli-banner"``).

    Examples
    --------
    >>> from linli.testing import example_unit
    >>> html = cover_html(example_unit())
    >>> "甲社区 2024年度评估报告" in html and "linli-banner" in html
    True
    """
    check_lang(lang)
    esc = html_lib.escape
    name = sl.name(res, res.unit_id, lang)
    meta = res.meta
    title = word("title_zone" if res.unit_type == "zone" else "title_community", lang=lang, name=name, year=res.year)
    rows: list[tuple[str, str]] = []
    zid = sl.zone_id(res)
    if zid is not None:
        rows.append((word("cover_zone", lang=lang), sl.name(res, zid, lang)))
    brand = res.unit.get("brand")
    chip = ""
    line = None if is_missing(brand) else brand_line(str(brand), lang=lang)
    if line is not None:
        color = palette.brand_color(str(brand))
        # the brand's coloured label heads the page; in Word, where it would read as part of the
        # name ("Lin Zhi Renminlu: …"), the cover's brand line says it
        chip = (f'<span class="linli-chip {NOT_IN_WORD}" style="background:{color};color:{palette.text_color_on(color)}">'
                f"{esc(brand_label(str(brand), lang=lang))}</span> ")
        rows.append((word("cover_brand", lang=lang), line))
    if res.unit_type == "zone":
        names = unit_names(res.units, lang=lang)
        members = sl.communities(res)
        listed = (word("sep.list", lang=lang).join(names[c] for c in members) if len(members) <= selection.ALL_UP_TO
                  else word("cover.n_communities", lang=lang, n=whole(len(members), lang=lang)))
        rows.append((word("cover_communities", lang=lang), listed))
    rows += [
        (word("cover_year", lang=lang), str(res.year)),
        (word("cover_baseline", lang=lang), str(res.baseline_year)),
        (word("cover_as_of", lang=lang), str(meta.get("as_of", DASH))),
        (word("cover_dataset", lang=lang), dataset_name(meta, lang)),
        (word("cover_made_by", lang=lang), f"linli {meta.get('linli_version', '')}".strip()),
    ]
    table = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in rows)
    banner = (f'<p class="linli-banner">{esc(word("synthetic_banner", lang=lang))}</p>'
              if res.synthetic else "")
    return (
        nav_html(res, lang=lang)
        + '<div class="linli-cover">'
        f'<p class="linli-kicker">{esc(word("kicker", lang=lang))}</p>'
        f"<h1>{chip}{esc(title)}</h1>"
        f'<table class="linli-facts">{table}</table>'
        f"{banner}</div>"
    )


def brand_dimension(res: UnitSlice) -> str | None:
    """Return the dimension of the unit's brand (the brand code is the dimension id), or None."""
    brand = res.unit.get("brand")
    return str(brand) if not is_missing(brand) and str(brand) in SCORED_DIMENSIONS else None


def key_indicator(res: UnitSlice) -> str | None:
    """Return the indicator the brand section compares across communities
    (the catalogue's ``key_indicator`` of the brand's dimension); None without a brand, or when the unit has no value for it
    in the report year (a figure of empty bars would say nothing)."""
    d = brand_dimension(res)
    key = catalogue_mod.load().dimension(d).key_indicator if d else None
    if key is None:
        return None
    mine = sl.by_indicator(res.indicators, res.unit_id, res.year)
    return None if is_missing(mine["value"].get(key, np.nan) if len(mine) else np.nan) else key


def other_dimensions(res: UnitSlice) -> list[str]:
    """Return the scored dimensions shown in "the other dimensions": not the brand's, not
    the five-society linkage or satisfaction (they have sections of their own)."""
    own = brand_dimension(res)
    return [d for d in SCORED_DIMENSIONS if d not in (own, "wushe", "satisfaction")]


def reference_line(indicator: str, *, lang: str = "zh") -> dict[str, Any]:
    """Return ``target``, ``target_label``, ``target_text`` and ``unit`` for
    :func:`linli.figures.plots.plot_indicator_comparison`: the legend states the target as
    the tables do (:func:`linli.reporting.format.target_text`).

    Examples
    --------
    >>> reference_line("mediation_success_pct")
    {'target': 96.0, 'target_label': '基准（司法部）', 'target_text': '≥ 96.0%', 'unit': '%'}
    >>> reference_line("volunteers", lang="en")
    {'target': None, 'target_label': None, 'target_text': None, 'unit': 'persons'}
    """
    unit = unit_label(indicator, lang=lang)  # an unknown indicator: an error naming the known ones
    ind = catalogue_mod.load().by_id[indicator]
    t = ind.target
    out: dict[str, Any] = {"target": None, "target_label": None, "target_text": None, "unit": unit}
    if t is not None:
        who = t.source.issuer or ""
        kind = word(t.kind, lang=lang)
        out["target"] = float(t.value)
        out["target_text"] = target_text(ind, lang=lang)
        # a short issuer names the source in the legend; a long one would not fit
        out["target_label"] = word("legend_issuer", lang=lang, kind=kind, who=who) if 0 < len(who) <= 6 else kind
    return out


def brand_html(res: UnitSlice, *, lang: str = "zh") -> str:
    """Return the brand section's heading and its dimension's :func:`indicator_table`
    ("" for a community without a brand).

    Examples
    --------
    >>> from linli.testing import example_unit
    >>> brand_html(example_unit()).startswith("<h2>品牌专题：邻和·调解</h2>")
    True
    """
    d = brand_dimension(res)
    if d is None:
        return ""
    return (heading("brand", lang=lang, brand=dimension_label(d, lang=lang))
            + to_html(indicator_table(res, dimension=d, lang=lang), note=word("n_arrows", lang=lang)))


def dimensions_html(res: UnitSlice, dimensions: Iterable[str], *, lang: str = "zh") -> str:
    """Return a subsection per dimension: its name as a heading and :func:`indicator_table`."""
    parts = []
    for d in dimensions:
        parts.append(f"<h3>{html_lib.escape(dimension_label(d, lang=lang))}</h3>")
        parts.append(to_html(indicator_table(res, dimension=d, lang=lang)))
    return "".join(parts) + note("n_arrows", lang=lang)


#: At most this many uncovered compounds are named in a report's text (the largest); the rest are counted.
NAMED_COMPOUNDS: int = 10


def coverage_text(res: UnitSlice, uncovered: pd.DataFrame | None, *, lang: str = "zh",
                  mapped: bool = True) -> str:
    """Say how many compounds (and households) of a community or zone are outside the
    500 m life circle, which ones (the :data:`NAMED_COMPOUNDS` largest), and the coverage
    indicator's value. ``mapped=False``: the report has no map to mark them on.

    Examples
    --------
    >>> from linli.testing import example_unit
    >>> un = pd.DataFrame({"compound_id": ["c1"], "community_id": ["jia"], "name_zh": ["东院"], "households": [120]})
    >>> coverage_text(example_unit(), un)
    '2024年末，甲社区有1个小区（共120户）不在500米生活圈内（图中以 × 标记）：东院。十分钟生活圈覆盖户数比例为92.0%。'
    """
    check_lang(lang)
    name = sl.name(res, res.unit_id, lang)
    value = sl.by_indicator(res.indicators, res.unit_id, res.year)
    pct = format_value(value["value"].get("life_circle_500m_pct", np.nan) if len(value) else np.nan,
                       unit="%", lang=lang)
    if uncovered is None:
        return word("coverage.unknown", lang=lang, name=name)
    n = len(uncovered)
    households = int(pd.to_numeric(uncovered.get("households", pd.Series(dtype=float))).sum()) if n else 0
    names = [proper_name(str(x), lang=lang)  # the largest first, as uncovered_compounds orders them
             for x in uncovered.get("name_zh", uncovered.get("compound_id", pd.Series(dtype=str)))[:NAMED_COMPOUNDS]]
    listed = word("sep.list", lang=lang).join(names)
    if n > NAMED_COMPOUNDS:
        listed += word("coverage.more", lang=lang, n=n - NAMED_COMPOUNDS)
    if n == 0:
        text = word("coverage.all_in", lang=lang, year=res.year, name=name)
    else:
        text = word("coverage.one_out" if n == 1 else "coverage.many_out", lang=lang, year=res.year, name=name, n=n,
                    households=whole(households, lang=lang), names=listed,
                    marked=word("coverage.marked", lang=lang) if mapped else "")
    return text + word("coverage.value", lang=lang, indicator=indicator_name("life_circle_500m_pct", lang=lang), pct=pct)


def zone_uncovered(res: UnitSlice) -> pd.DataFrame | None:
    """The zone's compounds outside the 500 m life circle at the end of the report year,
    largest first, as ``life_circle_500m_pct`` counts them: the zone's own compounds
    against every community's facilities (a facility across the zone's edge serves its
    compounds too). None when coverage is unknown: no compound or facility table, or no
    compound with a usable location."""
    if not (res.has_table("compounds") and res.has_table("facilities")):
        return None
    compounds = res.table("compounds")
    if not located(compounds).any():
        return None
    return uncovered_compounds(compounds, res.table("facilities", every_community=True), year=res.year)


def map_missing(res: UnitSlice, layers: Mapping[str, Any], *, lang: str = "zh") -> str | None:
    """Why the unit's map cannot be drawn, as a note (HTML); None when it can.

    A community needs its boundary, a zone at least one of its communities'
    boundaries. A boundary that is missing from the file, or was quarantined for
    its geometry, leaves the report without a map, and the note says why.

    Examples
    --------
    >>> from linli.testing import example_unit
    >>> map_missing(example_unit(), {"boundaries": None}, lang="en")
    '<p class="linli-note">Jia has no usable boundary (missing from the boundary file, or quarantined for its geometry: see data quality), so this report has no map.</p>'
    """
    check_lang(lang)
    boundaries = layers.get("boundaries")
    ids = set(res.community_ids) if res.unit_type == "zone" else {res.unit_id}
    if boundaries is not None and set(boundaries["community_id"].astype(str)) & ids:
        return None
    return note("n_no_map", lang=lang, name=sl.name(res, res.unit_id, lang))


def map_left_out(layers: Mapping[str, Any], *, lang: str = "zh") -> str:
    """A note on the compounds and facilities left off the map for want of a location ("" when none)."""
    n = sum(int((~located(frame)).sum()) for key in ("compounds", "facilities")
            if (frame := layers.get(key)) is not None)
    return note("n_map_left_out", lang=lang, n=n) if n else ""


def check_coverage(res: UnitSlice, uncovered: pd.DataFrame | None, compounds: Any) -> None:
    """Check that the compounds a map marks uncovered are those ``life_circle_500m_pct`` counts.

    ``100 − Σ households of uncovered compounds ÷ Σ households of the community's (a
    zone: its communities') located compounds × 100`` must equal the indicator (both
    missing when coverage is unknown).

    Raises
    ------
    LinliError
        When the two disagree.
    """
    value = sl.by_indicator(res.indicators, res.unit_id, res.year)["value"].get("life_circle_500m_pct", np.nan)
    if uncovered is None or compounds is None:
        return
    ids = set(res.community_ids) if res.unit_type == "zone" else {res.unit_id}
    own = compounds[located(compounds) & compounds["community_id"].astype(str).isin(ids).to_numpy()]
    total = float(pd.to_numeric(own["households"]).sum())
    pct = 100 - float(pd.to_numeric(uncovered["households"]).sum()) / total * 100 if total else np.nan
    same = (math.isnan(pct) and is_missing(value)) or (not is_missing(value) and abs(pct - float(value)) < 1e-9)
    if not same:
        msg = (f"{res.unit_id}: the map marks {counted(len(uncovered), 'uncovered compound', 'uncovered compounds')}, {pct:.1f} % covered, "
               f"but life_circle_500m_pct is {value}.")
        raise LinliError(msg)


def check_report(res: UnitSlice, *, notebook: str, year: int, lang: str,
                 zone: UnitSlice | None = None) -> None:
    """Check what a report notebook relies on; name what is wrong.

    Parameters
    ----------
    res
        The unit's slice of the hand-off.
    notebook
        ``community.ipynb`` or ``zone.ipynb``, the notebook that is running.
    year
        The report year asked for.
    lang
        The report language.
    zone
        A community report's zone.

    Raises
    ------
    LinliError
        The unit is of the other type (the message names the notebook to use), or
        the hand-off lacks the year, an indicator, an index row, or its row counts
        do not reconcile.
    """
    check_lang(lang)
    wanted = {"community.ipynb": "community", "zone.ipynb": "zone"}
    if notebook not in wanted:
        msg = f"Unknown report notebook {notebook!r}; valid: {', '.join(wanted)}."
        raise LinliError(msg)
    if res.unit_type != wanted[notebook]:
        other = next(nb for nb, t in wanted.items() if t == res.unit_type)
        msg = (f"{res.unit_id!r} is a {res.unit_type}: report it with notebooks/reports/{other}, "
               f"not {notebook}.")
        raise LinliError(msg)
    if res.year != year:
        msg = f"The hand-off in {res.handoff_dir} is for {res.year}, not {year}; build it for {year}."
        raise LinliError(msg)
    units = [res.unit_id, *res.community_ids] if res.unit_type == "zone" else [res.unit_id]
    ids = sorted(catalogue_mod.load().ids)
    now = res.indicators[res.indicators["year"] == year]
    # one row per catalogue indicator and unit: as many rows as indicators, all known, none twice
    # (one groupby over the units, not a filter per unit: a zone may have thousands)
    unit_of = now["unit_id"].astype(str)
    known = now["indicator"].astype(str).isin(set(ids)).to_numpy()
    n_rows = unit_of.value_counts()
    n_known = now["indicator"][known].astype(str).groupby(unit_of[known]).nunique()
    for unit in units:
        if not (n_rows.get(unit, 0) == len(ids) == n_known.get(unit, 0)):
            msg = (f"{unit}: the hand-off holds {counted(int(n_rows.get(unit, 0)), 'indicator row', 'indicator rows')} for {year}, "
                   f"not one per indicator ({len(ids)}).")
            raise LinliError(msg)
    ranked = res.uncertainty.loc[res.uncertainty["year"] == year, "unit_id"].astype(str)
    if res.unit_type == "community" and not (res.index["unit_id"].astype(str) == res.unit_id).any():
        msg = f"{res.unit_id}: the hand-off has no index row for {year}."
        raise LinliError(msg)
    if res.unit_type == "zone" and not set(units) <= set(ranked):
        msg = f"{res.unit_id}: the hand-off's uncertainty lacks {sorted(set(units) - set(ranked))}."
        raise LinliError(msg)
    if zone is not None and res.unit_id not in zone.community_ids:
        msg = f"{res.unit_id} is not a community of zone {zone.unit_id}."
        raise LinliError(msg)
    counts = res.provenance[res.provenance["status"].astype(str) != "absent"]
    for r in counts.itertuples(index=False):
        read, loaded, out = int(r.rows_read), int(r.rows_loaded), int(r.rows_quarantined)
        if read != loaded + out:
            msg = f"{r.table}: {read} rows read but {loaded} loaded and {out} quarantined; the counts do not reconcile."
            raise LinliError(msg)


def trend_ledgers(res: UnitSlice) -> list[str]:
    """Return the event ledgers whose monthly trends the report draws, the brand's own
    first (those in the data only)."""
    d = brand_dimension(res)
    ledgers = catalogue_mod.load().dimension(d).trend_ledgers if d else DEFAULT_TREND_LEDGERS
    return [t for t in ledgers if res.has_table(t)]


def map_layers(res: UnitSlice, *, every_community: bool = True) -> dict[str, Any]:
    """Return the map's layers ``boundaries``, ``compounds`` and ``facilities``, each None
    when the data has no such table.

    By default the layers of every community: a community's map draws its neighbours,
    and a facility of any community serves a compound. ``every_community=False`` keeps
    the unit's own communities (a zone's map; a zone of more than
    :data:`linli.reporting.selection.ALL_UP_TO` communities: its boundaries only).

    When the data has more than :data:`linli.reporting.selection.ALL_UP_TO` communities,
    a community's layers are those around it (:func:`_near`): the boundaries that reach
    into a square around its boundary and its own compounds (three times their extent
    and 600 m more each way), their compounds, and the facilities in that square — every
    facility that can serve its compounds (the life circle is 500 m), so the compounds the
    map marks uncovered are those the indicator counts.
    """
    names = ("boundaries", "compounds", "facilities")
    if res.unit_type == "zone" and not every_community and len(res.community_ids) > selection.ALL_UP_TO:
        # a large zone's map draws its boundaries only (linli.figures.maps.map_zone)
        return {"boundaries": res.table("boundaries") if res.has_table("boundaries") else None,
                "compounds": None, "facilities": None}
    if not every_community or res.unit_type != "community" or not res.has_table("boundaries"):
        return {name: res.table(name, every_community=every_community) if res.has_table(name) else None
                for name in names}
    boundaries = res.table("boundaries", every_community=True)
    if boundaries["community_id"].nunique() <= selection.ALL_UP_TO:
        return {"boundaries": boundaries, **{name: res.table(name, every_community=True) if res.has_table(name)
                                             else None for name in names[1:]}}
    return _near(res, boundaries)


#: Metres beyond a community's extent within which every facility is kept (the life circle is 500 m).
_REACH_M: float = 600.0


def _near(res: UnitSlice, boundaries: Any) -> dict[str, Any]:
    """The map layers around community ``res`` (see :func:`map_layers`): around its boundary
    and its own compounds, so that a community without a usable boundary still has every
    facility that can serve its compounds (its report has no map, but counts them)."""
    from shapely.geometry import box

    from ..access import metric_crs

    own = boundaries[(boundaries["community_id"].astype(str) == res.unit_id).to_numpy() & located(boundaries)]
    mine = res.table("compounds") if res.has_table("compounds") else None  # its own compounds
    placed = [f for f in (own, None if mine is None else mine[located(mine)]) if f is not None and len(f)]
    layers: dict[str, Any] = {"boundaries": own, "compounds": mine, "facilities": None}
    if not placed:  # nothing of it has a location: no map, and coverage unknown
        return layers
    crs = metric_crs(*placed)
    bounds = np.array([f.to_crs(crs).total_bounds for f in placed])
    x0, y0 = bounds[:, 0].min(), bounds[:, 1].min()
    x1, y1 = bounds[:, 2].max(), bounds[:, 3].max()
    size = max(x1 - x0, y1 - y0)
    square = box(x0 - size - _REACH_M, y0 - size - _REACH_M, x1 + size + _REACH_M, y1 + size + _REACH_M)
    metric = boundaries.to_crs(crs)
    near = boundaries[located(metric) & metric.intersects(square).to_numpy(dtype=bool)]
    ids = sorted(set(near["community_id"].astype(str)) | {res.unit_id})
    layers["boundaries"] = near
    if mine is not None:
        layers["compounds"] = res.table("compounds", communities=ids)
    if res.has_table("facilities"):
        facilities = res.table("facilities", every_community=True)
        points = facilities.to_crs(crs)
        keep = located(points) & points.intersects(square).to_numpy(dtype=bool)
        theirs = facilities["community_id"].astype(str).isin(ids).to_numpy()
        layers["facilities"] = facilities[keep | (~located(facilities) & theirs)]  # unlocated: in the map's note
    return layers


def trend_options(res: UnitSlice, ledger: str, *, lang: str = "zh") -> dict[str, Any]:
    """Return the options of :func:`linli.figures.plots.plot_monthly_trend` for one ledger:
    date column, months from the baseline year to the report year, title and axis label.

    Examples
    --------
    >>> from linli.testing import example_unit
    >>> trend_options(example_unit(), "mediation_cases")
    {'date_column': 'received_on', 'start': '2022-01', 'end': '2024-12', 'title': '甲社区 矛盾纠纷调解：每月受理数', 'ylabel': '件/月'}
    """
    check_lang(lang)
    table = TABLES[ledger]
    name = sl.name(res, res.unit_id, lang)
    what = f"trend.{ledger}" if f"trend.{ledger}" in WORDS else "trend.other"
    # mid-title, the table's name reads in lower case (Chinese has no case)
    title = word("trend.title", lang=lang, name=name, table=table_label(ledger, lang=lang).lower(),
                 what=word(what, lang=lang))
    return {
        "date_column": table.date_column or "date",
        "start": f"{res.baseline_year}-01",
        "end": f"{res.year}-12",
        "title": title,
        "ylabel": word(f"{what}.unit", lang=lang),
    }


def record(res: UnitSlice) -> dict[str, Any]:
    """Return the few numbers a report records in its last cell (for tests and nbval).

    Examples
    --------
    >>> from linli.testing import example_unit
    >>> record(example_unit())
    {'unit_id': 'jia', 'unit_type': 'community', 'year': 2024, 'index': 57.352852, 'rank': 2, 'n_indicators': 10}
    """
    i = sl.one(res.index, res.unit_id, res.year)
    n = len(sl.rows(res.indicators, res.unit_id, res.year))
    value = i.get("index")
    rank = i.get("rank")
    return {
        "unit_id": res.unit_id,
        "unit_type": res.unit_type,
        "year": int(res.year),
        "index": None if is_missing(value) else float(value),
        "rank": None if is_missing(rank) else int(rank),
        "n_indicators": int(n),
    }
