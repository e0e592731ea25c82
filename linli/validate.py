"""Rules -> clean tables + quarantine; every raw row is accounted for.

``validate_table`` checks one table read by :func:`linli.io.read_table` against
its contract (:mod:`linli.contract`): each cell is normalised and parsed, then
every row rule and every cross-table rule of DATA.md is applied at once, and
every break is collected — never the first error alone. A row that breaks any
rule goes to the quarantine (one line per broken rule, naming file, spreadsheet
row, column, rule and value, with a message in Chinese and English); the other
rows make the clean table. ``rows read = rows loaded + rows quarantined`` holds
per table.

Order of the checks and what "first kept" means: exact duplicate rows and
repeated ids are judged among the rows that pass every other rule, so the first
*valid* occurrence is kept and later ones are quarantined.

Values shown in the quarantine never carry personal data: PII columns are never
echoed, person ids are shown as their pseudonyms, and any phone- or ID-card-shaped
text is masked (:func:`linli.privacy.redact`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from . import config, normalise, privacy
from .contract import RULES, TABLES, Column, Table
from .io import RawTable

QUARANTINE_COLUMNS = ["table", "file", "row", "column", "rule", "value", "message_zh", "message_en"]

_PARSE_RULE = {
    "date": "not_a_date",
    "int": "not_an_integer",
    "float": "not_a_number",
    "bool": "not_a_boolean",
    "code": "unknown_code",
    "list": "unknown_code",
}

_GEOM_TYPES = {
    "polygon": ("Polygon", "MultiPolygon"),
    "point": ("Point",),
    "point_or_polygon": ("Point", "Polygon", "MultiPolygon"),
}

_MAX_VALUE_CHARS = 80


@dataclass
class ValidatedTable:
    """The outcome of validating one table."""

    table: str
    file: str
    clean: pd.DataFrame
    quarantine: pd.DataFrame
    rows_read: int

    @property
    def rows_loaded(self) -> int:
        return len(self.clean)

    @property
    def rows_quarantined(self) -> int:
        return int(self.quarantine["row"].nunique()) if len(self.quarantine) else 0


class _Issues:
    """Collects rule breaks as frames of (index label, column, rule, value, detail)."""

    def __init__(self) -> None:
        self._parts: list[pd.DataFrame] = []

    def add(
        self,
        mask: pd.Series,
        column: str,
        rule: str,
        values: pd.Series | str = "",
        detail: pd.Series | str = "",
    ) -> None:
        mask = mask.fillna(False).astype(bool)
        if not mask.any():
            return
        idx = mask.index[mask.to_numpy()]
        part = pd.DataFrame({"idx": idx, "column": column, "rule": rule})
        part["value"] = _pick(values, idx)
        part["detail"] = _pick(detail, idx)
        self._parts.append(part)

    def frame(self) -> pd.DataFrame:
        if not self._parts:
            return pd.DataFrame(columns=["idx", "column", "rule", "value", "detail"])
        return pd.concat(self._parts, ignore_index=True)

    def bad_index(self) -> pd.Index:
        return pd.Index(self.frame()["idx"].unique())


def _pick(values: pd.Series | str, idx: pd.Index) -> list[str]:
    if isinstance(values, str):
        return [values] * len(idx)
    return ["" if pd.isna(v) else str(v) for v in values.loc[idx]]


def community_lookup(communities: pd.DataFrame) -> dict[str, str]:
    """Map every accepted spelling of a community to its code.

    Codes, Chinese names (``人民路社区``), names without the ``社区`` suffix
    (``人民路``) and English names (case-insensitive) are accepted.

    >>> c = pd.DataFrame({"community_id": ["renminlu"], "name_zh": ["人民路社区"],
    ...                   "name_en": ["Renminlu"]})
    >>> sorted(community_lookup(c).items())
    [('renminlu', 'renminlu'), ('人民路', 'renminlu'), ('人民路社区', 'renminlu')]
    """
    out: dict[str, str] = {}
    for row in communities.itertuples(index=False):
        code = str(row.community_id)
        out[code.casefold()] = code
        name_en = getattr(row, "name_en", None)
        if isinstance(name_en, str) and name_en:
            out[name_en.casefold()] = code
        name = getattr(row, "name_zh", None)
        if isinstance(name, str) and name:
            out[name] = code
            if name.endswith("社区") and len(name) > 2:
                out[name.removesuffix("社区")] = code
    return out


def validate_table(
    raw: RawTable,
    table: Table,
    *,
    context: Mapping[str, pd.DataFrame],
    as_of: dt.date,
    key: bytes,
) -> ValidatedTable:
    """Validate one raw table against its contract.

    Parameters
    ----------
    raw
        The table as read, values still raw strings.
    table
        Its contract.
    context
        The clean tables validated so far (references are checked against them;
        a reference to an absent table is not checked).
    as_of
        No date may be later than this.
    key
        Pseudonymisation key for person ids.
    """
    frame = raw.frame
    issues = _Issues()
    parsed: dict[str, pd.Series] = {}
    text: dict[str, pd.Series] = {}

    for col in table.columns:
        if col.name not in frame.columns:
            parsed[col.name] = pd.Series(pd.NA, index=frame.index, dtype=col.dtype)
            continue
        cleaned = normalise.clean_text(frame[col.name])
        text[col.name] = cleaned
        if col.pii:
            continue
        # rule breaks carry the cleaned text; _quarantine_frame makes it safe to show
        values = _parse_column(cleaned, col, issues)
        values = _resolve_reference(values, col, cleaned, issues, context, key)
        if col.default is None and not col.nullable and col.nullable_when is None:
            issues.add(cleaned.isna(), col.name, "missing_value")
        _check_range(values, col, cleaned, issues)
        _check_future(values, col, cleaned, issues, as_of)
        parsed[col.name] = values

    _check_missing_conditional(table, parsed, text, issues)
    _check_compare(table, parsed, text, issues)
    geometry = _check_geometry(raw, table, parsed, issues, context)
    _check_duplicates(raw, table, text, parsed, issues)

    found = issues.frame()
    bad = pd.Index(found["idx"].unique())
    ok = frame.index.difference(bad, sort=False)
    clean = _clean_frame(table, parsed, ok, key)
    if geometry is not None:
        clean = gpd.GeoDataFrame(clean, geometry=geometry.loc[ok].to_numpy(), crs="EPSG:4326")
    quarantine = _quarantine_frame(found, raw, table, key)
    return ValidatedTable(table.name, raw.file, clean, quarantine, len(frame))


# ------------------------------------------------------------------ value checks


def _shown(values: pd.Series, col: Column | None, key: bytes) -> pd.Series:
    """The values as they may appear in the quarantine (pseudonymised or redacted)."""
    if col is not None and col.person_id:
        return values.where(values == "", privacy.pseudonymise(values, key))
    return values.map(lambda v: v if v == "" else _truncate(privacy.redact(str(v))))


def _truncate(text: str) -> str:
    return text if len(text) <= _MAX_VALUE_CHARS else text[: _MAX_VALUE_CHARS - 1] + "…"


def _parse_column(cleaned: pd.Series, col: Column, issues: _Issues) -> pd.Series:
    kind = col.kind
    if kind == "date":
        values, bad = normalise.parse_dates(cleaned)
    elif kind == "int":
        values, bad = normalise.parse_ints(cleaned)
    elif kind == "float":
        values, bad = normalise.parse_floats(cleaned)
    elif kind == "bool":
        values, bad = normalise.parse_bools(cleaned)
    elif kind == "code":
        values, bad = normalise.parse_codes(cleaned, col.codes or {})
    elif kind == "list":
        values, bad = normalise.parse_lists(cleaned, col.codes or {})
    else:
        values, bad = cleaned.astype("string"), pd.Series(False, index=cleaned.index)
    if bad.any():
        detail = ", ".join(col.codes) if col.codes else ""
        issues.add(bad, col.name, _PARSE_RULE[kind], cleaned, detail)
    if col.pattern is not None:
        mismatch = values.notna() & ~values.astype("string").str.fullmatch(col.pattern).fillna(False)
        issues.add(mismatch, col.name, "bad_pattern", cleaned, col.pattern)
    return values


def _resolve_reference(
    values: pd.Series,
    col: Column,
    text: pd.Series,
    issues: _Issues,
    context: Mapping[str, pd.DataFrame],
    key: bytes,
) -> pd.Series:
    if col.ref is None or col.ref not in context:
        return values
    target = context[col.ref]
    if col.ref == "communities":
        lookup = community_lookup(target)
        keys = values.astype("string")
        resolved = keys.map(lookup).astype("string").fillna(keys.str.casefold().map(lookup).astype("string"))
    else:
        known = target[TABLES[col.ref].id_column]
        probe = privacy.pseudonymise(values, key) if col.person_id else values
        resolved = values.where(probe.isin(set(known.dropna()))).astype("string")
    unknown = values.notna() & resolved.isna()
    issues.add(unknown, col.name, "unknown_reference", text)
    return resolved.where(~unknown, values).astype("string")


def _check_missing_conditional(
    table: Table, parsed: dict[str, pd.Series], text: dict[str, pd.Series], issues: _Issues
) -> None:
    for col in table.columns:
        if col.nullable_when is None or col.name not in text:
            continue
        other, allowed = col.nullable_when
        exempt = parsed[other].isin(list(allowed)).fillna(False)
        issues.add(text[col.name].isna() & ~exempt, col.name, "missing_value")


def _check_range(values: pd.Series, col: Column, text: pd.Series, issues: _Issues) -> None:
    if col.minimum is not None:
        low = values <= col.minimum if col.min_exclusive else values < col.minimum
        detail = f"{'>' if col.min_exclusive else '≥'} {_num(col.minimum)}"
        issues.add(low.fillna(False), col.name, "below_minimum", text, detail)
    if col.maximum is not None:
        issues.add((values > col.maximum).fillna(False), col.name, "above_maximum", text, _num(col.maximum))


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def _check_future(values: pd.Series, col: Column, text: pd.Series, issues: _Issues, as_of: dt.date) -> None:
    if col.kind != "date":
        return
    late = (values > pd.Timestamp(as_of)).fillna(False)
    issues.add(late, col.name, "future_date", text, as_of.isoformat())


def _check_compare(
    table: Table, parsed: dict[str, pd.Series], text: dict[str, pd.Series], issues: _Issues
) -> None:
    for rule in table.compare:
        left, right = parsed[rule.left], parsed[rule.right]
        broken = left < right if rule.op == ">=" else left > right
        shown = text.get(rule.left, pd.Series("", index=left.index))
        issues.add(broken.fillna(False), rule.left, rule.rule, shown)


# ---------------------------------------------------------------------- geometry


def _check_geometry(
    raw: RawTable,
    table: Table,
    parsed: dict[str, pd.Series],
    issues: _Issues,
    context: Mapping[str, pd.DataFrame],
) -> gpd.GeoSeries | None:
    if table.geometry is None:
        return None
    geoms = raw.geometry
    if geoms is None:
        geoms = gpd.GeoSeries([None] * len(raw.frame), index=raw.frame.index, crs="EPSG:4326")
    missing = geoms.isna() | geoms.is_empty
    issues.add(missing, "geometry", "missing_geometry")
    present = ~missing
    allowed = _GEOM_TYPES[table.geometry]
    types = geoms.geom_type.fillna("")
    wrong = present & ~types.isin(allowed)
    issues.add(wrong, "geometry", "wrong_geometry_type", types, " / ".join(allowed))
    valid = pd.Series(shapely.is_valid(geoms.to_numpy()), index=geoms.index)
    invalid = present & ~wrong & ~valid
    if invalid.any():
        reasons = pd.Series(shapely.is_valid_reason(geoms.to_numpy()), index=geoms.index)
        issues.add(invalid, "geometry", "invalid_geometry", "", reasons)
    if table.name != "boundaries":
        outside = _outside_zone(geoms, parsed.get("community_id"), context)
        issues.add(present & ~wrong & outside, "geometry", "outside_zone")
    return geoms


def _outside_zone(
    geoms: gpd.GeoSeries, community: pd.Series | None, context: Mapping[str, pd.DataFrame]
) -> pd.Series:
    """True where a geometry lies outside its zone's bounding box plus the tolerance."""
    result = pd.Series(False, index=geoms.index)
    if community is None or "boundaries" not in context or "communities" not in context:
        return result
    boundaries = context["boundaries"]
    zones = context["communities"].set_index("community_id")["zone_id"]
    if len(boundaries) == 0:
        return result
    b = boundaries.assign(zone_id=boundaries["community_id"].map(zones))
    boxes = b.dissolve("zone_id").bounds  # minx, miny, maxx, maxy per zone
    zone_of = community.map(zones)
    lat = (boxes["miny"] + boxes["maxy"]) / 2
    dlat = config.ZONE_TOLERANCE_M / 111_320.0
    dlon = config.ZONE_TOLERANCE_M / (111_320.0 * np.cos(np.radians(lat)))
    box = pd.DataFrame({
        "minx": boxes["minx"] - dlon, "maxx": boxes["maxx"] + dlon,
        "miny": boxes["miny"] - dlat, "maxy": boxes["maxy"] + dlat,
    })
    checked = zone_of.notna() & zone_of.isin(box.index) & geoms.notna()
    if not checked.any():
        return result
    gb = geoms[checked].bounds
    zb = box.loc[zone_of[checked].to_numpy()].set_axis(gb.index)
    out = (gb["minx"] < zb["minx"]) | (gb["maxx"] > zb["maxx"]) | (gb["miny"] < zb["miny"]) | (gb["maxy"] > zb["maxy"])
    result.loc[out.index] = out.to_numpy()
    return result


# -------------------------------------------------------------------- duplicates


def _check_duplicates(
    raw: RawTable,
    table: Table,
    text: dict[str, pd.Series],
    parsed: dict[str, pd.Series],
    issues: _Issues,
) -> None:
    already_bad = issues.bad_index()
    ok = raw.frame.index.difference(already_bad, sort=False)
    rows = raw.rows
    if len(ok) == 0:
        return
    whole = pd.DataFrame({c: s.loc[ok] for c, s in text.items()})
    if raw.geometry is not None:
        whole["_geometry"] = raw.geometry.loc[ok].to_wkb()
    dup_row = whole.duplicated(keep="first") if whole.shape[1] else pd.Series(False, index=ok)
    if dup_row.any():
        first = _first_rows(whole, rows.loc[ok])
        issues.add(dup_row.reindex(raw.frame.index, fill_value=False), "", "duplicate_row", "", first)
    remaining = ok.difference(dup_row.index[dup_row.to_numpy()], sort=False)
    for col in table.columns:
        if not col.unique or col.name not in text:
            continue
        values = parsed[col.name].loc[remaining]
        dup = values.notna() & values.duplicated(keep="first")
        if dup.any():
            first = _first_rows(values.to_frame(), rows.loc[remaining])
            shown = text[col.name].loc[remaining]
            issues.add(dup.reindex(raw.frame.index, fill_value=False), col.name, "duplicate_id", shown, first)
            remaining = remaining.difference(dup.index[dup.to_numpy()], sort=False)
    if table.unique_together:
        keys = pd.DataFrame({c: parsed[c].loc[remaining] for c in table.unique_together})
        dup = keys.notna().all(axis=1) & keys.duplicated(keep="first")
        if dup.any():
            first = _first_rows(keys, rows.loc[remaining])
            shown = keys.astype("string").fillna("").agg(" / ".join, axis=1)
            issues.add(
                dup.reindex(raw.frame.index, fill_value=False), "+".join(table.unique_together),
                "duplicate_key", shown, first,
            )


def _first_rows(keys: pd.DataFrame, rows: pd.Series) -> pd.Series:
    """Spreadsheet row of the first occurrence of each row's key."""
    group = keys.astype("string").fillna("\x00").agg("\x1f".join, axis=1)
    return rows.groupby(group.to_numpy()).transform("first").astype(str)


# ----------------------------------------------------------------------- outputs


def _clean_frame(table: Table, parsed: dict[str, pd.Series], ok: pd.Index, key: bytes) -> pd.DataFrame:
    data: dict[str, pd.Series] = {}
    for col in table.clean_columns:
        values = parsed[col.name].loc[ok]
        if col.default is not None:
            values = values.fillna(col.default)
        if col.kind == "list":
            values = values.replace("", pd.NA)
        data[col.name] = values.astype(col.dtype)
    clean = pd.DataFrame(data, index=ok)
    for col in table.clean_columns:
        if col.person_id:
            clean[col.name] = privacy.pseudonymise(clean[col.name], key)
    return clean.reset_index(drop=True)


def _quarantine_frame(found: pd.DataFrame, raw: RawTable, table: Table, key: bytes) -> pd.DataFrame:
    if found.empty:
        return pd.DataFrame(columns=QUARANTINE_COLUMNS)
    q = found.copy()
    columns = {c.name: c for c in table.columns}
    for name, part in q.groupby("column", sort=False):
        q.loc[part.index, "value"] = _shown(part["value"], columns.get(str(name)), key).to_numpy()
    q["row"] = raw.rows.loc[q["idx"]].to_numpy().astype(int)
    q["table"] = table.name
    q["file"] = raw.file
    labels = {c.name: c.label_zh or c.name for c in table.columns}
    labels["geometry"] = "几何"
    q["message_zh"] = [
        f"第{r}行 " + RULES[rule][0].format(column=labels.get(c, c), value=v, detail=d)
        for r, c, rule, v, d in zip(q["row"], q["column"], q["rule"], q["value"], q["detail"], strict=True)
    ]
    q["message_en"] = [
        f"row {r}, " + RULES[rule][1].format(column=c or "row", value=v, detail=d)
        for r, c, rule, v, d in zip(q["row"], q["column"], q["rule"], q["value"], q["detail"], strict=True)
    ]
    q = q.sort_values(["row", "column", "rule"], kind="stable")
    return q[QUARANTINE_COLUMNS].reset_index(drop=True)


__all__ = ["QUARANTINE_COLUMNS", "ValidatedTable", "community_lookup", "validate_table"]
