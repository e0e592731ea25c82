"""Rules -> clean tables + quarantine; every raw row is accounted for.

``validate_table`` checks one table read by :func:`linli.io.read_table` against
its contract (:mod:`linli.contract`): each cell is normalised and parsed, then
every row rule and every cross-table rule of the contract is applied at once,
and every break is collected — never the first error alone. A row that breaks
any rule goes to the quarantine (one line per broken rule, naming file,
spreadsheet row, column, rule and value, with a message in Chinese and English);
the other rows make the clean table. ``rows read = rows loaded + rows
quarantined`` holds per table.

Findings
--------
Some quarantine lines are findings about a row that still loads (``outcome`` is
``loaded``; a quarantined row's lines say ``quarantined``):

* ``personal_data_masked`` — a phone or identity number in a free-text column,
  masked (``***``) in the clean table;
* a geometry rule of a record that has an id (compounds, facilities):
  the record loads without its geometry, so that references to it stay valid,
  and only the spatial analysis leaves it out (boundaries with a bad geometry are
  quarantined);
* ``polygon_as_point`` — a polygon where a point is expected: its
  representative point is used.

A finding is not a quarantined row: ``rows_quarantined`` counts the distinct
rows whose outcome is ``quarantined``.

A total row (its first filled cell ``合计``, ``总计：``, ``Total`` …, found by the
reader: :func:`linli.io.read_table`) is no record: it is quarantined under the one
rule ``total_row``, not also as a record of empty cells or a formula never computed.
So is a signature line in the last rows (its first filled cell ``填报人：…``,
``审核人``, ``制表日期`` …), under ``signature_row``, shown by its label alone.

Order of the checks and what "first kept" means: exact duplicate rows and
repeated ids are judged among the rows that pass every other rule, so the first
*valid* occurrence is kept and later ones are quarantined.

Values shown in the quarantine never carry personal data. A value is shown only
when it cannot be personal: a date or a number that parses (and is not shaped
like a phone or identity number), an Excel date serial, a date with a time of
day or a date typed without separators in a date column (``45356``,
``2024-03-05 14:30:00``, ``20240305``: the message says which date it is), a code
of the contract, or an id shaped like
the ids of its own table (``m12`` where ids read ``m1``, ``m2`` …). Person ids
are shown as their pseudonyms; any other value is masked as its kind, length
and a keyed hash (:func:`linli.privacy.mask`), in the language of the words around
it: ``‹文字，3 字› #1a2b3c4d`` in ``value``, ``record_id`` and ``message_zh``,
``‹text, 3 chars› #1a2b3c4d`` in ``message_en`` — the row number finds the cell.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import os
import re
import unicodedata
from collections import Counter, deque
from collections.abc import Callable, Collection, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import shapely

from . import config, parse, privacy
from .contract import GEOMETRY_RULES, ID_PATTERN, RESERVED_IDS, TABLES, Column, Table
from .errors import InputError
from .io import RawTable
from .labels import column_label, table_label, word

QUARANTINE_COLUMNS = ["table", "file", "row", "column", "rule", "value", "message_zh", "message_en", "outcome",
                      "community", "record_id"]
#: ``outcome`` of a quarantine line: the row is left out, or loads with a finding.
OUTCOMES: tuple[str, ...] = ("quarantined", "loaded")
#: The languages of a quarantine line's messages (``message_zh``, ``message_en``); the first
#: is also the language of its ``value`` and ``record_id`` (what ``quarantine.xlsx`` shows a clerk).
MESSAGE_LANGS: tuple[str, ...] = ("zh", "en")
#: Rows under the records that are no record (the reader finds them): each is one
#: quarantine line under its rule, with no record id.
FOOTER_RULES: tuple[str, ...] = ("total_row", "signature_row")
_WORKBOOK = re.compile(r"\.xls[xm]?(?: \[|$)", re.IGNORECASE)  # a workbook's file (its sheet may follow: a.xlsx [2023])

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
_SORTED_SLICE = 1 << 20  # sorted ids compared per slice (_distinct_ids)
#: Rosters of persons that a person reference of another table names (their
#: :attr:`ValidatedTable.typed_ids` are kept, so that a reference is looked up, not hashed).
REFERRED_ROSTERS = frozenset(c.ref for t in TABLES.values() for c in t.columns if c.person_id and c.ref)
#: Tables other tables refer to (a community, a facility, a registered resident …): the rows of one
#: that are left out are remembered, so that a reference to one is told so, not "no such record".
REFERRED = frozenset(c.ref for t in TABLES.values() for c in t.columns if c.ref)


@dataclass
class ValidatedTable:
    """The outcome of validating one table."""

    table: str
    file: str
    clean: pd.DataFrame
    quarantine: pd.DataFrame
    rows_read: int
    #: For a roster of persons that other tables refer to: the id of each loaded row as
    #: typed (cleaned), aligned to ``clean``, whose id column holds its pseudonym.
    typed_ids: pd.Series | None = None
    #: For a table others refer to: where each of its rows left out is (``file\x1frow``), by every
    #: spelling a reference may use for it (its id; a community's names too).
    left_out: Mapping[str, str] | None = None

    @property
    def rows_loaded(self) -> int:
        return len(self.clean)

    @property
    def rows_quarantined(self) -> int:
        """Distinct rows left out (a finding about a row that loads does not count)."""
        if not len(self.quarantine):
            return 0
        q = self.quarantine
        return int(q.loc[q["outcome"] == "quarantined", ["file", "row"]].drop_duplicates().shape[0])


class _Issues:
    """Collects rule breaks as frames of (index label, column, rule, value, detail, kept)."""

    def __init__(self) -> None:
        self._parts: list[pd.DataFrame] = []

    def add(
        self,
        mask: pd.Series,
        column: str,
        rule: str,
        values: pd.Series | str = "",
        detail: pd.Series | str = "",
        *,
        kept: bool = False,
    ) -> None:
        """Record ``rule`` for the rows where ``mask``; ``kept`` makes it a finding (the row loads)."""
        mask = mask.fillna(False).astype(bool)
        if not mask.any():
            return
        idx = mask.index[mask.to_numpy()]
        part = pd.DataFrame({"idx": idx, "column": column, "rule": rule})
        part["value"] = _pick(values, idx)
        part["detail"] = _pick(detail, idx)
        part["kept"] = kept
        self._parts.append(part)

    def extend(self, other: _Issues) -> None:
        """Add what ``other`` collected, after what this holds."""
        self._parts.extend(other._parts)

    def only(self, rows: pd.Series, rule: str) -> None:
        """On the rows where ``rows``, keep the lines of ``rule`` alone (a total row is one problem)."""
        labels = rows.index[rows.fillna(False).to_numpy(dtype=bool)]
        if len(labels):
            self._parts = [p[~p["idx"].isin(labels) | (p["rule"] == rule)] for p in self._parts]

    def frame(self) -> pd.DataFrame:
        if not self._parts:
            return pd.DataFrame(columns=["idx", "column", "rule", "value", "detail", "kept"])
        return pd.concat(self._parts, ignore_index=True)

    def bad_index(self) -> pd.Index:
        """Rows that break a rule which leaves them out."""
        found = self.frame()
        return pd.Index(found.loc[~found["kept"].astype(bool), "idx"].unique())


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

    A name with full-width punctuation is also found as a reference reads it (:func:`linli.parse.fold_width`):

    >>> lookup = community_lookup(pd.DataFrame({"community_id": ["dong"], "name_zh": ["人民路（东）社区"]}))
    >>> lookup["人民路(东)社区"], lookup["人民路(东)"], lookup["人民路（东）"]
    ('dong', 'dong', 'dong')
    """
    out: dict[str, str] = {}

    def column(name: str) -> list[object]:  # plain Python values: iterating Arrow cells one by one is slow
        return communities[name].astype(object).tolist() if name in communities else [None] * len(communities)

    for community_id, name_en, name in zip(column("community_id"), column("name_en"), column("name_zh"), strict=True):
        code = str(community_id)
        out[code.casefold()] = code
        if isinstance(name_en, str) and name_en:
            out[name_en.casefold()] = code
        if isinstance(name, str) and name:
            for spelling in dict.fromkeys((name, unicodedata.normalize("NFKC", name))):  # as a reference reads it
                out[spelling] = code
                if spelling.endswith("社区") and len(spelling) > 2:
                    out[spelling.removesuffix("社区")] = code
    return out


def _left_out_rows(raw: RawTable, table: Table, parsed: Mapping[str, pd.Series], bad: pd.Index) -> dict[str, str]:
    """Where each row of ``bad`` is (``file\x1frow``), by every spelling a reference may use
    for it: its id, and a community's names (as :func:`community_lookup` reads them). The
    first row of a spelling is kept."""
    if not len(bad) or table.id_column is None or table.id_column not in parsed:
        return {}
    rows = pd.Index(bad).sort_values()
    rows = rows[parsed[table.id_column].loc[rows].notna().to_numpy()]  # a row without id is named by none
    files = raw.row_files.loc[rows].astype(str).tolist() if raw.row_files is not None else [raw.file] * len(rows)
    where = [f"{f}\x1f{int(r)}" for f, r in zip(files, raw.rows.loc[rows].tolist(), strict=True)]
    if table.name != "communities":  # its id alone; the first row of an id wins (a dict keeps the last)
        ids = parsed[table.id_column].loc[rows].astype(str).tolist()
        return dict(zip(reversed(ids), reversed(where), strict=True))
    frame = pd.DataFrame({name: parsed[name].loc[rows].astype(object).to_numpy()
                          for name in ("community_id", "name_zh", "name_en") if name in parsed})
    out: dict[str, str] = {}
    for i, place in enumerate(where):  # a zone's few communities: every spelling of each
        for spelling in community_lookup(frame.iloc[[i]]):
            out.setdefault(spelling, place)
    return out


def validate_table(
    raw: RawTable,
    table: Table,
    *,
    context: Mapping[str, pd.DataFrame],
    as_of: dt.date,
    key: bytes,
    rosters: Mapping[str, tuple[pd.Series, pd.Series]] | None = None,
    left_out: Mapping[str, Mapping[str, str]] | None = None,
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
    rosters
        Per roster of persons validated so far, its ids as typed and their pseudonyms
        (:attr:`ValidatedTable.typed_ids` and its clean id column): a reference to one of
        them takes its pseudonym from there instead of hashing it again.
    left_out
        Per table validated so far that others refer to, where its rows left out are
        (:attr:`ValidatedTable.left_out`): a reference to one says which row to fix.

    The columns of ``raw.frame`` are consumed (each is dropped once cleaned), so that a
    large ledger is not held twice; its index stays.
    """
    frame = raw.frame
    issues = _Issues()
    parsed: dict[str, pd.Series] = {}
    text: dict[str, pd.Series] = {}
    pseudonyms: dict[str, pd.Series] = {}  # of person ids, by column, once computed
    excused = _reader_issues(raw, table, issues)
    read_later = _text_read_later(table)
    distinct = False  # every row has an id, each a different one: no row can repeat another

    def merge(col: Column, checked: _Checked | None) -> None:  # a column's outcome, in the table's order
        nonlocal distinct
        if checked is None:
            parsed[col.name] = pd.Series(pd.NA, index=frame.index, dtype=col.dtype)
            return
        issues.extend(checked.issues)
        text[col.name] = checked.cleaned
        if col.name == table.id_column:
            distinct = _distinct_ids(table, text, np.ones(len(frame.index), dtype=bool))
        if checked.values is None:
            return  # a person's name or phone, kept cleaned for the comparison of whole rows (_check_duplicates)
        if checked.pseudonyms is not None:
            pseudonyms[col.name] = checked.pseudonyms
        parsed[col.name] = checked.values
        if distinct and col.name not in read_later:
            del text[col.name]  # read later only to compare whole rows, which cannot repeat: the cells can go

    # Columns are checked two at a time (Arrow and numpy do most of the work without holding the
    # interpreter) and their outcomes taken in the table's order, so that nothing depends on which
    # finished first. Whether the ids are distinct is known once the id column is checked.
    pending: deque[tuple[Column, Future[_Checked] | None]] = deque()
    threads = _column_threads()
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="linli-check") as pool:
        for col in table.columns:
            if col.name not in frame.columns:
                pending.append((col, None))
                continue
            # the raw column is let go once cleaned; an id typed with a Chinese input method (Ｃ００１) is C001
            cells = frame.pop(col.name)
            if col.pii and distinct:
                continue  # only a comparison of whole rows would read it, and no two rows can be the same
            if threads > 1 and _resident_bytes() > SHARED_CHECKS_BELOW:
                while pending:  # memory is short: this column waits for those being checked, alone
                    merge(*_outcome(pending.popleft()))
            pending.append((col, pool.submit(_check_column, col, cells, excused=excused.get(col.name, []),
                                             context=context, key=key, rosters=rosters or {}, as_of=as_of,
                                             read_later=read_later)))
            del cells
            if col.name == table.id_column:
                while pending:  # the columns after it need to know whether the ids are distinct (merge)
                    merge(*_outcome(pending.popleft()))
            while len(pending) > threads:  # no more ledger columns held at once than are checked
                merge(*_outcome(pending.popleft()))
        while pending:
            merge(*_outcome(pending.popleft()))

    _check_missing_conditional(table, parsed, text, issues)
    _check_compare(table, parsed, text, issues)
    geometry = _check_geometry(raw, table, parsed, issues, context)
    _check_duplicates(raw, table, text, parsed, issues, distinct=distinct)
    _check_unit_ids(table, parsed, issues)

    for rule in FOOTER_RULES:  # a total row or a signature line is one problem, not a record of empty cells
        footers = raw.row_issues.loc[raw.row_issues["rule"] == rule, "idx"]
        if len(footers):
            issues.only(pd.Series(frame.index.isin(footers), index=frame.index), rule)
    found = issues.frame()
    bad = issues.bad_index()
    keep = ~_among(frame.index, bad)
    shapes = _id_shapes(table, parsed, keep, context, shown=_values_shown(found, table, text))
    quarantine = _in_parts(found, functools.partial(
        _quarantine_frame, raw=raw, table=table, key=key, bad=bad, shapes=shapes, text=text,
        community=_row_community(table, parsed, context), context=context, left_out=left_out or {}))
    gone = _left_out_rows(raw, table, parsed, bad) if table.name in REFERRED else None
    text.clear()  # _clean_frame lets each parsed column go once copied: one copy of a large ledger at a time
    clean, typed = _clean_frame(table, parsed, frame.index, keep, key, pseudonyms)
    if geometry is not None:
        clean = gpd.GeoDataFrame(clean, geometry=_rows(geometry, keep).to_numpy(), crs="EPSG:4326")
    return ValidatedTable(table.name, raw.file, clean, quarantine, len(frame),
                          typed_ids=typed if table.name in REFERRED_ROSTERS else None, left_out=gone)


#: Columns of a ledger checked at once (:func:`validate_table`), one per core of a small machine,
#: while memory allows (:data:`SHARED_CHECKS_BELOW`); the environment variable
#: ``LINLI_COLUMN_THREADS`` sets another number (1 for the least memory).
COLUMN_THREADS: int = 2


#: Above this much resident memory (bytes), a column is checked alone, not beside another:
#: two columns' work at once took the peak of 2,000 communities' ledgers kept as a street
#: office keeps them to 4.4 GiB; with this, 3.8 GiB (and 3.6 GiB one column at a time).
SHARED_CHECKS_BELOW: int = 5 << 29  # 2.5 GiB


def _resident_bytes() -> int:
    """This process's resident memory now (Linux ``/proc``); 0 where it cannot be read."""
    try:
        with open("/proc/self/statm", encoding="ascii") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError, AttributeError):
        return 0


def _column_threads() -> int:
    """:data:`COLUMN_THREADS`, or the whole number 1 or more that ``LINLI_COLUMN_THREADS`` holds."""
    given = os.environ.get("LINLI_COLUMN_THREADS", "").strip()
    if not given:
        return COLUMN_THREADS
    if not given.isascii() or not given.isdigit() or int(given) < 1:
        msg = f"LINLI_COLUMN_THREADS must be a whole number, 1 or more (columns checked at once), not {given!r}."
        raise InputError(msg)
    return int(given)


@dataclass
class _Checked:
    """One column's outcome (:func:`_check_column`)."""

    cleaned: pd.Series
    values: pd.Series | None  # None for personal data, which is not parsed
    issues: _Issues
    pseudonyms: pd.Series | None  # of a person reference, once computed


def _outcome(item: tuple[Column, Future[_Checked] | None]) -> tuple[Column, _Checked | None]:
    col, future = item
    return col, future.result() if future is not None else None


def _check_column(
    col: Column,
    cells: pd.Series,
    *,
    excused: list[object],
    context: Mapping[str, pd.DataFrame],
    key: bytes,
    rosters: Mapping[str, tuple[pd.Series, pd.Series]],
    as_of: dt.date,
    read_later: set[str],
) -> _Checked:
    """Clean, parse and check one column of raw cells; the rule breaks in its own :class:`_Issues`
    (rule breaks carry the cleaned text; _quarantine_frame makes it safe to show)."""
    issues = _Issues()
    quick = None if col.pii else parse.parse_canonical(cells, col.kind)  # canonical: nothing to clean
    cleaned = cells.astype("string") if quick is not None else parse.clean_text(cells, ids=_id_or_code(col))
    del cells
    if col.pii:
        return _Checked(cleaned, None, issues, None)
    found: dict[str, pd.Series] = {}
    values = _parse_column(cleaned, col, issues, parsed=quick)
    values = _resolve_reference(values, col, cleaned, issues, context, key, found, rosters)
    if col.default is None and not col.nullable and col.nullable_when is None:
        empty = cleaned.isna() & ~_among(cleaned.index, excused)
        issues.add(empty, col.name, "missing_value")
    _check_range(values, col, cleaned, issues)
    _check_future(values, col, cleaned, issues, as_of)
    if col.free_text:
        values = _mask_personal_data(values, col, cleaned, issues)
    if col.name in found and col.default is None and col.name not in read_later and col.pattern is None:
        values = found[col.name]  # the clean table holds these (_clean_frame): the ids as typed can go
    return _Checked(cleaned, values, issues, found.get(col.name))


def _id_or_code(col: Column) -> bool:
    """Whether ``col`` holds ids, references or codes (full-width forms read as ASCII), not free text or PII.

    >>> cases = TABLES["mediation_cases"]
    >>> [c.name for c in cases.columns if _id_or_code(c)]
    ['case_id', 'community_id', 'compound_id', 'dispute_type', 'mediators', 'outcome']
    """
    return col.kind in ("str", "ref", "code", "list") and not col.free_text and not col.pii


def _text_read_later(table: Table) -> set[str]:
    """Columns whose cleaned cells are read after every column is parsed, besides a comparison
    of whole rows: the id, unique columns and keys, those a comparison shows, those that may be
    empty in some cases only.

    >>> sorted(_text_read_later(TABLES["culture_events"]))  # its id; the 65+ count is compared with the total
    ['event_id', 'participants_65_plus']
    """
    later = {c.name for c in table.columns if c.unique or c.nullable_when is not None}
    later |= {rule.left for rule in table.compare} | set(table.unique_together)
    return later | ({table.id_column} if table.id_column is not None else set())


def _row_community(
    table: Table, parsed: Mapping[str, pd.Series], context: Mapping[str, pd.DataFrame]
) -> pd.Series | None:
    """The community of each row, as a known community id ("" when the row names none that is known)."""
    if "community_id" not in parsed:
        return None
    ids = parsed["community_id"].astype("string")
    if table.name == "communities" or "communities" not in context:
        known = ids.str.fullmatch(ID_PATTERN).fillna(False)
    else:
        known = _isin(ids, context["communities"]["community_id"].astype(str))
    return ids.where(known.astype(bool), "").fillna("")


def _reader_issues(raw: RawTable, table: Table, issues: _Issues) -> dict[str, list[object]]:
    """Add the problems the reader found (a line in another encoding, a formula never
    computed, a coordinate that is not a number); return, per column, the rows whose
    cell they blanked. A geometry rule of a table with ids is a finding (the record loads)."""
    excused: dict[str, list[object]] = {}
    found = raw.row_issues
    for (column, rule), part in found.groupby(["column", "rule"], sort=False):
        mask = pd.Series(raw.frame.index.isin(part["idx"]), index=raw.frame.index)
        detail = pd.Series(part["detail"].to_numpy(), index=part["idx"].to_numpy()).reindex(raw.frame.index)
        value = (pd.Series(part["value"].to_numpy(), index=part["idx"].to_numpy()).reindex(raw.frame.index)
                 if "value" in part else pd.Series("", index=raw.frame.index))
        kept = str(rule) in GEOMETRY_RULES and table.id_column is not None
        issues.add(mask, str(column), str(rule), value.fillna(""), detail.fillna(""), kept=kept)
        if column:
            excused.setdefault(str(column), []).extend(part["idx"].tolist())
    return excused


def _mask_personal_data(values: pd.Series, col: Column, text: pd.Series, issues: _Issues) -> pd.Series:
    """Mask phone and identity numbers in a free-text column; each one is a finding."""
    hits = privacy.with_personal_data(text)
    if not hits:
        return values
    found = text.isin(hits).fillna(False).astype(bool)
    issues.add(found, col.name, "personal_data_masked", text, kept=True)
    masked = values.astype(object).where(~found, values.astype(object).map(
        lambda v: privacy.redact(str(v)) if isinstance(v, str) else v))
    return masked.astype(col.dtype)


# ------------------------------------------------------------------ value checks


def _shown(values: pd.Series, col: Column | None, key: bytes, shapes: set[str],
           langs: tuple[str, ...] = MESSAGE_LANGS) -> dict[str, pd.Series]:
    """The values as they may appear in the quarantine, per language of ``langs``:
    shown only when they cannot be personal, else masked in that language (:func:`linli.privacy.mask`).

    ``col`` is None for values linli composed itself from parsed cells (a duplicate
    key, a geometry type); those are shown, scrubbed of anything shaped like a phone.
    """
    if col is None:
        same = values.map(lambda v: v if v == "" else _truncate(privacy.redact(str(v))))
        return dict.fromkeys(langs, same)
    if col.person_id:
        return dict.fromkeys(langs, values.where(values == "", privacy.pseudonymise(values, key)))
    cells = values.tolist()
    distinct = list(dict.fromkeys(cells))  # each distinct value looked at once: a column typed wrong repeats them
    safe = _safe_to_show(pd.Series(distinct, dtype=object), col, shapes)
    hidden = [v for v, ok in zip(distinct, safe, strict=True) if not (v == "" or ok)]
    masked = privacy.masks([str(v) for v in hidden], key, langs=langs)
    shown = {}
    for lang in langs:
        made = {v: _truncate(v) for v, ok in zip(distinct, safe, strict=True) if v == "" or ok}
        made.update(zip(hidden, map(_truncate, masked[lang]), strict=True))
        shown[lang] = pd.Series([made[v] for v in cells], index=values.index, dtype=object)
    return shown


def _safe_to_show(values: pd.Series, col: Column, shapes: set[str]) -> list[bool]:
    """Whether each value cannot be personal data (see the module docstring)."""
    text = pd.Series(values.to_numpy(dtype=object), index=values.index).where(values != "", None)
    if col.kind == "date":
        _, bad = parse.parse_dates(text)
        bad &= ~text.map(lambda v: isinstance(v, str) and (parse.excel_serial_date(v) or parse.date_with_time(v)
                                                          or parse.compact_date(v)) is not None).astype(bool)
    elif col.kind in ("int", "float"):
        _, bad = parse.parse_floats(text)
    elif col.kind == "bool":
        _, bad = parse.parse_bools(text)
    elif col.kind == "code":
        _, bad = parse.parse_codes(text, col.codes or {})
    elif col.kind == "list":
        _, bad = parse.parse_lists(text, col.codes or {})
    elif col.kind == "ref" or col.unique or col.pattern:
        bad = ~pd.Series([shape in shapes for shape in _ascii_shapes(text.tolist())], index=text.index)
    else:
        return [False] * len(values)  # free text: never shown
    personal = text.isin(privacy.with_personal_data(text[[isinstance(v, str) for v in text.tolist()]]))
    return (~bad.astype(bool) & ~personal).tolist()


def _ascii_shapes(values: list[object]) -> list[str | None]:
    """The shape of each of ``values`` that is ASCII text of at most 64 characters (the only
    ids whose shape is asked): its runs of letters as ``a``, of digits as ``9``
    (``cp404`` → ``a9``), all at once with Arrow's regular expressions; None for the rest.

    >>> _ascii_shapes(["cp404", "RM-01", "人民路1", "", None, 7])
    ['a9', 'a-9', None, None, None, None]
    """
    asked = [isinstance(v, str) and 0 < len(v) <= 64 and v.isascii() for v in values]
    text = pa.array([v if ok else None for v, ok in zip(values, asked, strict=True)], type=pa.string())
    letters = pc.replace_substring_regex(text, pattern="[A-Za-z]+", replacement="a")
    return pc.replace_substring_regex(letters, pattern="[0-9]+", replacement="9").to_pylist()


def _values_shown(found: pd.DataFrame, table: Table, text: Mapping[str, pd.Series]) -> dict[str, pd.Series]:
    """Per column, the values the quarantine may show: those of its lines, and the row's own id."""
    shown = {str(column): part["value"] for column, part in found.groupby("column", sort=False)}
    if table.id_column is not None and table.id_column in text and len(found):
        ids = text[table.id_column].loc[found["idx"].to_numpy()].fillna("").astype(str)
        shown[table.id_column] = pd.concat([shown.get(table.id_column, pd.Series(dtype=object)), ids])
    return shown


def _id_shapes(
    table: Table,
    parsed: dict[str, pd.Series],
    keep: np.ndarray,
    context: Mapping[str, pd.DataFrame],
    *,
    shown: Mapping[str, pd.Series],
) -> dict[str, set[str]]:
    """Of the shapes (:func:`_ascii_shapes`) of the values in ``shown``, per id or reference
    column, those that a loaded id of the column's own table has.

    Only the shapes of the values to be shown are asked about, so each is looked for
    among the ids with one vectorised match of :func:`_shape_pattern`, instead of
    computing the shape of every id of a large ledger.
    """
    shapes: dict[str, set[str]] = {}
    for col in table.columns:
        if col.name not in shown:
            continue
        if col.ref is not None and col.ref in context:
            ids = context[col.ref][TABLES[col.ref].id_column]
        elif col.unique or col.pattern:
            ids = _rows(parsed[col.name], keep)
        else:
            continue
        candidates = set(_ascii_shapes(shown[col.name].tolist())) - {None}
        if not candidates:
            shapes[col.name] = set()
            continue
        text = ids.dropna().astype("string")
        shapes[col.name] = {s for s in candidates if text.str.fullmatch(_shape_pattern(s)).fillna(False).any()}
    return shapes


def _shape_pattern(shape: str) -> str:
    """A regular expression matched in full by exactly the ASCII values of ``shape``.

    >>> import re
    >>> pattern = _shape_pattern("a9_9")
    >>> pattern, bool(re.fullmatch(pattern, "m2024_17")), bool(re.fullmatch(pattern, "m2024"))
    ('[A-Za-z]+[0-9]+_[0-9]+', True, False)
    """
    return "".join("[A-Za-z]+" if ch == "a" else "[0-9]+" if ch == "9" else re.escape(ch) for ch in shape)


def _truncate(text: str) -> str:
    return text if len(text) <= _MAX_VALUE_CHARS else text[: _MAX_VALUE_CHARS - 1] + "…"


def _parse_column(cleaned: pd.Series, col: Column, issues: _Issues, *, parsed: pd.Series | None = None) -> pd.Series:
    """The parsed values of a cleaned column, each cell its parser cannot read a finding;
    ``parsed``, when given, the values :func:`linli.parse.parse_canonical` read (none bad)."""
    kind = col.kind
    if parsed is not None:
        values, bad = parsed, pd.Series(False, index=cleaned.index)
    elif kind == "date":
        values, bad = parse.parse_dates(cleaned)
    elif kind == "int":
        values, bad = parse.parse_ints(cleaned)
    elif kind == "float":
        values, bad = parse.parse_floats(cleaned)
    elif kind == "bool":
        values, bad = parse.parse_bools(cleaned)
    elif kind == "code":
        values, bad = parse.parse_codes(cleaned, col.codes or {})
    elif kind == "list":
        values, bad = parse.parse_lists(cleaned, col.codes or {})
    else:
        values, bad = cleaned.astype("string"), pd.Series(False, index=cleaned.index)
    if bad.any():
        detail = ", ".join(col.codes) if col.codes else ""
        issues.add(bad, col.name, _PARSE_RULE[kind], cleaned, detail)
    if col.pattern is not None:
        text = values.astype("string")
        mismatch = values.notna() & ~text.str.fullmatch(col.pattern).fillna(False)
        issues.add(mismatch, col.name, "bad_pattern", cleaned, col.pattern)
        if col.pattern == ID_PATTERN:  # a unit id: it names files beside the year's own
            reserved = ~mismatch & text.str.casefold().isin(RESERVED_IDS).fillna(False)
            issues.add(reserved, col.name, "reserved_id", cleaned, ", ".join(RESERVED_IDS))
    return values


def _resolve_reference(
    values: pd.Series,
    col: Column,
    text: pd.Series,
    issues: _Issues,
    context: Mapping[str, pd.DataFrame],
    key: bytes,
    pseudonyms: dict[str, pd.Series],
    rosters: Mapping[str, tuple[pd.Series, pd.Series]],
) -> pd.Series:
    """The referenced ids (``unknown_reference`` where none is known); a person id's
    pseudonyms, computed to look it up (those of its roster's ids taken from ``rosters``),
    are kept in ``pseudonyms`` for the clean table."""
    if col.ref is None or col.ref not in context:
        return values
    target = context[col.ref]
    if col.ref == "communities":
        lookup = community_lookup(target)
        if _isin(values, _self_named(target, lookup)).sum() == values.notna().sum():
            return values.astype("string")  # every row names its community by its code: nothing to look up
        codes, uniques = pd.factorize(values.astype("string"), use_na_sentinel=True)
        keys = pd.Series(uniques, dtype="string")  # a few hundred communities among a million rows
        found = keys.map(lookup).astype("string").fillna(keys.str.casefold().map(lookup).astype("string"))
        if bool((found == keys).fillna(False).all()):
            resolved = values.astype("string")  # every row names its community by its code: nothing to copy
        else:
            resolved = pd.Series(pd.array(np.append(found.to_numpy(dtype=object, na_value=None), None)[codes],
                                          dtype="string"), index=values.index, name=values.name)
        unknown = values.notna() & resolved.isna()
        issues.add(unknown, col.name, "unknown_reference", text)
        return resolved.where(~unknown, values).astype("string") if unknown.any() else resolved
    known = target[TABLES[col.ref].id_column]
    probe, asked = values, values.notna().to_numpy(dtype=bool)
    if col.person_id:
        roster = rosters.get(col.ref)
        if roster is None:
            probe = privacy.pseudonymise(values, key)
        else:  # the roster's own ids and pseudonyms (those of ``known``): a reference found among them is known
            probe, listed = privacy.pseudonymise_references(values, key, roster)
            asked = asked & ~listed
        pseudonyms[col.name] = probe
    unknown = np.zeros(len(values), dtype=bool)
    if asked.any():
        unknown[asked] = ~_isin(probe[asked], known).to_numpy()
    issues.add(pd.Series(unknown, index=values.index), col.name, "unknown_reference", text)
    return values.astype("string")  # an id is its own reference: unknown ones stay as typed


def _self_named(communities: pd.DataFrame, lookup: Mapping[str, str]) -> pd.Series:
    """The community codes that :func:`community_lookup` resolves to themselves (as a reference
    resolves: exactly, else case-folded): a column of nothing else needs no lookup.

    >>> c = pd.DataFrame({"community_id": ["a1", "a2", "B3"], "name_zh": ["甲", "a1", "丙"]})
    >>> _self_named(c, community_lookup(c)).tolist()  # "a1" is also a2's name, which wins; B3 is found case-folded
    ['a2', 'B3']
    """
    codes = communities["community_id"].dropna().astype(str)
    return pd.Series([c for c in codes if lookup.get(c, lookup.get(c.casefold())) == c], dtype="string")


def _isin(values: pd.Series, known: pd.Series) -> pd.Series:
    """Where ``values`` is one of ``known`` (text compared; missing is never known), in Arrow:
    pandas would turn a large ``known`` into Python strings first."""
    cells = values.astype("string").array.__arrow_array__()
    wanted = pc.unique(known.dropna().astype("string").array.__arrow_array__())
    hit = pc.is_in(cells, value_set=wanted.combine_chunks() if isinstance(wanted, pa.ChunkedArray) else wanted,
                   skip_nulls=True)
    return pd.Series(hit.to_numpy(zero_copy_only=False), index=values.index)


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


#: A year typed into a cell formatted as a date shows as a day of 1905 (:func:`linli.parse.year_as_date`):
#: the days that years 1949 to 2100 show as, which no ledger of a street office holds.
_YEAR_AS_DATE = tuple(pd.Timestamp(day) for day in parse.YEARS_AS_DATES)


def _check_future(values: pd.Series, col: Column, text: pd.Series, issues: _Issues, as_of: dt.date) -> None:
    """A date after ``as_of``; and a date of 1905 that is a year typed into a date cell (``not_a_date``)."""
    if col.kind != "date":
        return
    late = (values > pd.Timestamp(as_of)).fillna(False)
    issues.add(late, col.name, "future_date", text, as_of.isoformat())
    year = values.between(*_YEAR_AS_DATE).fillna(False)
    issues.add(year, col.name, "not_a_date", text)


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
    """Check every geometry; return the geometries the clean table keeps.

    For a table with ids (compounds, facilities) a geometry problem is a finding:
    the record loads without its geometry. A polygon where a point is expected
    becomes its representative point, with a note.
    """
    if table.geometry is None:
        return None
    geoms = raw.geometry
    if geoms is None:
        geoms = gpd.GeoSeries([None] * len(raw.frame), index=raw.frame.index, crs="EPSG:4326")
    keep = table.id_column is not None
    missing = geoms.isna() | geoms.is_empty
    issues.add(missing, "geometry", "missing_geometry", kept=keep)
    bounds = np.asarray(shapely.bounds(geoms.to_numpy()), dtype="float64").reshape(len(geoms), 4)
    finite = pd.Series(np.isfinite(bounds).all(axis=1), index=geoms.index)
    non_finite = ~missing & ~finite
    issues.add(non_finite, "geometry", "non_finite_coordinates", kept=keep)
    usable = ~missing & finite
    types = geoms.geom_type.fillna("")
    if table.geometry == "point":
        polygons = usable & types.isin(("Polygon", "MultiPolygon"))
        if polygons.any():
            issues.add(polygons, "geometry", "polygon_as_point", types, kept=True)
            geoms = geoms.copy()
            shapes = shapely.make_valid(geoms[polygons].to_numpy())
            geoms[polygons] = shapely.point_on_surface(shapes)
            types = geoms.geom_type.fillna("")
    allowed = _GEOM_TYPES[table.geometry]
    wrong = usable & ~types.isin(allowed)
    issues.add(wrong, "geometry", "wrong_geometry_type", types, " / ".join(allowed), kept=keep)
    valid = pd.Series(shapely.is_valid(geoms.to_numpy()), index=geoms.index)
    invalid = usable & ~wrong & ~valid
    if invalid.any():
        reasons = pd.Series(shapely.is_valid_reason(geoms.to_numpy()), index=geoms.index)
        issues.add(invalid, "geometry", "invalid_geometry", "", reasons, kept=keep)
    bad = missing | non_finite | wrong | invalid
    if table.name != "boundaries":
        outside, swapped = _outside_zone(geoms, parsed.get("community_id"), context)
        checked = usable & ~wrong & ~invalid
        issues.add(checked & swapped, "geometry", "swapped_coordinates", kept=keep)
        issues.add(checked & outside & ~swapped, "geometry", "outside_zone", kept=keep)
        bad |= checked & outside
    if keep and bad.any():
        geoms = geoms.where(~bad, None)  # the record stays; the spatial analysis leaves it out
    return geoms


def _outside_zone(
    geoms: gpd.GeoSeries, community: pd.Series | None, context: Mapping[str, pd.DataFrame]
) -> tuple[pd.Series, pd.Series]:
    """Where a geometry lies outside its zone's bounding box plus the tolerance, and
    where it would lie inside with longitude and latitude swapped."""
    result = pd.Series(False, index=geoms.index)
    swapped = pd.Series(False, index=geoms.index)
    if community is None or "boundaries" not in context or "communities" not in context:
        return result, swapped
    boundaries = context["boundaries"]
    zones = context["communities"].set_index("community_id")["zone_id"]
    if len(boundaries) == 0:
        return result, swapped
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
        return result, swapped
    zb = box.loc[zone_of[checked].to_numpy()]

    def beyond(gb: pd.DataFrame) -> pd.Series:
        z = zb.set_axis(gb.index)
        return (gb["minx"] < z["minx"]) | (gb["maxx"] > z["maxx"]) | (gb["miny"] < z["miny"]) | (gb["maxy"] > z["maxy"])

    out = beyond(geoms[checked].bounds)
    result.loc[out.index] = out.to_numpy()
    flipped = gpd.GeoSeries(shapely.transform(geoms[checked].to_numpy(), lambda xy: xy[:, ::-1]),
                            index=out.index)
    inside_flipped = ~beyond(flipped.bounds)
    swapped.loc[out.index] = (out & inside_flipped).to_numpy()
    return result, swapped


# -------------------------------------------------------------------- duplicates


def _check_duplicates(
    raw: RawTable,
    table: Table,
    text: dict[str, pd.Series],
    parsed: dict[str, pd.Series],
    issues: _Issues,
    *,
    distinct: bool = False,
) -> None:
    """Exact duplicate rows, repeated ids and keys, among the rows that pass every other rule.

    ``distinct``: every row's id is known to be distinct already (then so are the ids of
    the rows checked here, and the ids are not sorted again).
    """
    already_bad = issues.bad_index()  # findings do not count: those rows load
    keep = ~_among(raw.frame.index, already_bad)
    ok = _rows(raw.frame.index, keep)
    rows = raw.rows
    if len(ok) == 0:
        return
    distinct_ids = distinct or _distinct_ids(table, text, keep)
    if distinct_ids:
        dup_row = pd.Series(False, index=ok)  # rows with distinct ids cannot repeat each other
    else:
        whole = pd.DataFrame({c: _rows(s, keep) for c, s in text.items()})
        if raw.geometry is not None:
            whole["_geometry"] = _rows(raw.geometry, keep).to_wkb()
        dup_row = whole.duplicated(keep="first") if whole.shape[1] else pd.Series(False, index=ok)
    if dup_row.any():
        first = _first_rows(whole, rows.loc[ok], raw.row_files)
        issues.add(dup_row.reindex(raw.frame.index, fill_value=False), "", "duplicate_row", "", first)
    remaining = ok.difference(dup_row.index[dup_row.to_numpy()], sort=False)
    for col in table.columns:
        if not col.unique or col.name not in text or (distinct_ids and col.name == table.id_column and col.kind == "str"):
            continue
        values = parsed[col.name].loc[remaining]
        dup = values.notna() & values.duplicated(keep="first")
        if dup.any():
            first = _first_rows(values.to_frame(), rows.loc[remaining], raw.row_files)
            shown = text[col.name].loc[remaining]
            issues.add(dup.reindex(raw.frame.index, fill_value=False), col.name, "duplicate_id", shown, first)
            remaining = remaining.difference(dup.index[dup.to_numpy()], sort=False)
    if table.unique_together:
        keys = pd.DataFrame({c: parsed[c].loc[remaining] for c in table.unique_together})
        dup = keys.notna().all(axis=1) & keys.duplicated(keep="first")
        if dup.any():
            first = _first_rows(keys, rows.loc[remaining], raw.row_files)
            shown = keys.astype("string").fillna("").agg(" / ".join, axis=1)
            issues.add(
                dup.reindex(raw.frame.index, fill_value=False), "+".join(table.unique_together),
                "duplicate_key", shown, first,
            )


def _check_unit_ids(table: Table, parsed: Mapping[str, pd.Series], issues: _Issues) -> None:
    """Unit ids that would name the same report file, among the communities' rows that pass
    every other rule. Zones and communities share the year's folder, and a file system that
    ignores case (Windows, macOS) takes ``C1.html`` and ``c1.html`` as one file, so:

    * a zone id spelled another way apart from case than most of its rows spell it (the
      first of equals) is ``id_case_clash``, its detail the zone's spelling;
    * a community id that is an earlier row's apart from case is ``id_case_clash`` (one
      the same in every letter is ``duplicate_id`` already), its detail that row's id;
    * a community id that is a zone's id (apart from case) is ``community_is_zone``.
    """
    if table.name != "communities" or not {"community_id", "zone_id"} <= parsed.keys():
        return
    keep = ~_among(parsed["zone_id"].index, issues.bad_index())
    zones = _rows(parsed["zone_id"], keep).astype("string").dropna()
    folded = zones.str.casefold()
    spelling = {fold: Counter(group.tolist()).most_common(1)[0][0]
                for fold, group in zones.groupby(folded, sort=False)}
    zone_spelled = folded.map(spelling)
    other_spelling = zones != zone_spelled
    issues.add(other_spelling, "zone_id", "id_case_clash", zones, zone_spelled)
    ids = _rows(parsed["community_id"], keep).astype("string").dropna()
    ids = ids[~ids.index.isin(other_spelling.index[other_spelling.to_numpy()])]
    folded_ids = ids.str.casefold()
    is_zone = folded_ids.isin(spelling.keys())
    issues.add(is_zone, "community_id", "community_is_zone", ids, folded_ids.map(spelling))
    ids, folded_ids = ids[~is_zone], folded_ids[~is_zone]
    first = ids.groupby(folded_ids, sort=False).transform("first")
    issues.add(ids != first, "community_id", "id_case_clash", ids, first)


def _distinct_ids(table: Table, text: Mapping[str, pd.Series], keep: np.ndarray) -> bool:
    """Whether every row where ``keep`` has an id (as typed, cleaned) and no two the same."""
    if table.id_column is None or table.id_column not in text:
        return False
    ids = _rows(text[table.id_column], keep)
    if ids.isna().any():
        return False
    if len(ids) < 2:
        return True
    cells = ids.array.__arrow_array__()
    if _strictly_monotonic(cells):  # numbered in order, as ledgers usually are: distinct without a sort
        return True
    order = pc.sort_indices(cells)  # sorting ten million ids is several times cheaper than hashing them
    step = _SORTED_SLICE  # the sorted ids are compared a slice at a time: no second copy of the column
    for start in range(0, len(order) - 1, step):
        ordered = cells.take(order[start:start + step + 1])
        if pc.any(pc.equal(ordered[1:], ordered[:-1])).as_py():
            return False
    return True


def _strictly_monotonic(cells: pa.ChunkedArray) -> bool:
    """Whether ``cells`` (no missing one) rise, or fall, strictly from each to the next: then no
    two are the same. One comparison of neighbours, some thirty times cheaper than a sort.

    >>> _strictly_monotonic(pa.chunked_array([["a1", "a2"], ["b"]])), _strictly_monotonic(pa.chunked_array([["c", "b"]]))
    (True, True)
    >>> _strictly_monotonic(pa.chunked_array([["a", "b", "b"]])), _strictly_monotonic(pa.chunked_array([["b", "a", "c"]]))
    (False, False)
    """
    head, tail = cells.slice(0, len(cells) - 1), cells.slice(1)
    return any(pc.all(compare(tail, head)).as_py() for compare in (pc.greater, pc.less))


_Rows = TypeVar("_Rows", pd.Series, pd.Index)


def _rows(values: _Rows, keep: np.ndarray) -> _Rows:
    """``values`` (a Series or an index) at the rows where ``keep``: a boolean filter, cheaper
    than looking labels up, and none at all when every row is kept."""
    return values if keep.all() else values[keep]


def _among(index: pd.Index, labels: Collection[object]) -> np.ndarray:
    """Whether each label of ``index`` is one of ``labels``; no search of a large ledger's
    index for no label (the usual case: nothing quarantined, no cell blanked by the reader)."""
    return index.isin(labels) if len(labels) else np.zeros(len(index), dtype=bool)


def _first_rows(keys: pd.DataFrame, rows: pd.Series, files: pd.Series | None = None) -> pd.Series:
    """Spreadsheet row of the first occurrence of each row's key; ``file\x1frow`` when that
    row is in another of ``files`` (each row's sheet, for a workbook of several)."""
    group = keys.astype("string").fillna("\x00").agg("\x1f".join, axis=1).to_numpy()
    first = rows.groupby(group).transform("first").astype(str)
    if files is None:
        return first
    own = files.loc[rows.index].astype(str)
    there = own.groupby(group).transform("first")
    return first.where(there.to_numpy() == own.to_numpy(), there + "\x1f" + first)


# ----------------------------------------------------------------------- outputs


def _clean_frame(
    table: Table,
    parsed: dict[str, pd.Series],
    index: pd.Index,
    keep: np.ndarray,
    key: bytes,
    pseudonyms: Mapping[str, pd.Series],
) -> tuple[pd.DataFrame, pd.Series | None]:
    """The clean table: the parsed values of the rows of ``index`` where ``keep``, person ids
    pseudonymised; and its ids as typed, when they are person ids (None otherwise)."""
    data: dict[str, pd.Series] = {}
    for col in table.clean_columns:
        values = _rows(parsed.pop(col.name), keep)
        if col.default is not None:
            values = values.fillna(col.default)
        if col.kind == "list":
            values = values.replace("", pd.NA)
        data[col.name] = values.astype(col.dtype)
    clean = pd.DataFrame(data, index=_rows(index, keep), copy=False)  # the columns are not shared: no copy needed
    typed = None
    for col in table.clean_columns:
        if col.person_id and col.name == table.id_column:
            typed = clean[col.name].reset_index(drop=True)
        if col.person_id:
            known = pseudonyms.get(col.name) if col.default is None else None
            clean[col.name] = (_rows(known, keep).astype(col.dtype) if known is not None
                               else privacy.pseudonymise(clean[col.name], key, unique=col.name == table.id_column))
    return clean.reset_index(drop=True), typed




#: Findings made into quarantine lines at a time (:func:`_in_parts`): a ledger typed wrong
#: throughout gives a line per row, and each line's words are Python objects until its part
#: of the quarantine is a frame (1.7 GB for 1.2 M lines made at once).
QUARANTINE_PART: int = 200_000


def _in_parts(found: pd.DataFrame, make: Callable[[pd.DataFrame], pd.DataFrame]) -> pd.DataFrame:
    """The quarantine lines of a table's findings, made by ``make`` :data:`QUARANTINE_PART`
    findings at a time, in the order of file, row, column and rule."""
    if found.empty:
        return pd.DataFrame(columns=QUARANTINE_COLUMNS)
    parts = [make(found.iloc[start:start + QUARANTINE_PART]) for start in range(0, len(found), QUARANTINE_PART)]
    q = parts[0] if len(parts) == 1 else pd.concat(parts)
    return q.sort_values(["file", "row", "column", "rule"], kind="stable").reset_index(drop=True)


def _quarantine_frame(
    found: pd.DataFrame,
    raw: RawTable,
    table: Table,
    key: bytes,
    *,
    bad: pd.Index,
    shapes: Mapping[str, set[str]],
    text: Mapping[str, pd.Series],
    community: pd.Series | None,
    context: Mapping[str, pd.DataFrame],
    left_out: Mapping[str, Mapping[str, str]],
) -> pd.DataFrame:
    """The quarantine lines of ``found`` (findings, not empty), in their order; a reference to a
    row left out of its own table carries where that row is as its detail."""
    q = found.copy()
    q["typed"] = q["value"]  # the cell as typed: which item of a list is wrong is read from it, never shown
    columns = {c.name: c for c in table.columns}
    shown = {lang: q["value"].copy() for lang in MESSAGE_LANGS}  # a masked value in each message's language
    for name, part in q.groupby("column", sort=False):
        col = columns.get(str(name))
        for lang, values in _shown(part["value"], col, key, set(shapes.get(str(name), ()))).items():
            shown[lang].loc[part.index] = values.to_numpy()
    q["value"] = shown[MESSAGE_LANGS[0]]
    q["row"] = raw.rows.loc[q["idx"]].to_numpy().astype(int)
    q["table"] = table.name
    q["file"] = raw.row_files.loc[q["idx"]].to_numpy() if raw.row_files is not None else raw.file
    q["outcome"] = np.where(q["idx"].isin(bad), "quarantined", "loaded")
    q["community"] = community.loc[q["idx"]].to_numpy() if community is not None else ""
    q["record_id"] = np.where(q["rule"].isin(FOOTER_RULES), "", _record_ids(q["idx"], table, text, key, shapes))
    note = (q["outcome"] == "loaded") & q["rule"].isin(GEOMETRY_RULES)
    places = _community_names(context)
    refs = q["rule"] == "unknown_reference"
    for name, part in q[refs].groupby("column", sort=False):  # a row of the table referred to, left out
        gone = left_out.get(str(getattr(columns.get(str(name)), "ref", None)), {})
        if gone:
            q.loc[part.index, "detail"] = [gone.get(t, gone.get(t.casefold(), "")) for t in part["typed"].astype(str)]
    towns = {c.name for c in table.columns if c.kind == "ref" and c.ref == "communities"}
    near = places.suggest(q.loc[refs & (q["detail"] == "") & q["column"].isin(towns), "typed"])
    files, names = q["file"].tolist(), q["column"].tolist()
    cells = [raw.header_cells.get(f, {}).get(c, ("", "")) for f, c in zip(files, names, strict=True)]
    books = [bool(_WORKBOOK.search(f)) for f in files]
    fields = (names, q["rule"].tolist(), q["detail"].tolist(), q["typed"].tolist(), note.tolist(), cells, books)
    for lang in MESSAGE_LANGS:  # the two message columns of quarantine.csv
        said: dict[tuple[object, ...], str] = {}  # what follows the row number, once for each distinct finding

        def say(c: str, rule: str, v: str, d: str, typed: str, n: bool, letter: str, header: str, book: bool,
                lang: str = lang) -> str:
            return ((word("message.letter", lang=lang, letter=letter) if letter else "")
                    + _message(rule, columns.get(c), c, v, d, typed, table=table, lang=lang, places=places, near=near,
                               header=header, workbook=book)
                    + (word("message.kept", lang=lang) if n else ""))

        q[f"message_{lang}"] = [
            word("message.row", lang=lang, row=r) + (said.get(k := (c, rule, v, d, typed, n, letter, header, book))
                                                     or said.setdefault(k, say(*k)))
            for r, v, (c, rule, d, typed, n, (letter, header), book) in zip(
                q["row"].tolist(), shown[lang].tolist(), zip(*fields, strict=True), strict=True)
        ]
    return q[QUARANTINE_COLUMNS]


def _record_ids(
    idx: pd.Series, table: Table, text: Mapping[str, pd.Series], key: bytes, shapes: Mapping[str, set[str]]
) -> np.ndarray:
    """The row's own id (its id column), shown under the same rule as any value."""
    if table.id_column is None or table.id_column not in text:
        return np.full(len(idx), "", dtype=object)
    ids = text[table.id_column].loc[idx.to_numpy()].fillna("").astype(str)
    col = table.column(table.id_column)
    first = MESSAGE_LANGS[0]  # the record id is shown in the default language's words
    return _shown(ids.reset_index(drop=True), col, key, set(shapes.get(col.name, ())), (first,))[first].to_numpy()


_NEAR = 0.75  # how alike (difflib's ratio) a value and a community's name must be for the name to be suggested


@dataclass(frozen=True)
class _Places:
    """The communities a clerk may name, for a message about an unknown one: ``listed``, the
    first twelve (Chinese names, else ids) as a message lists them, and every name and id."""

    listed: str = ""
    names: tuple[str, ...] = ()

    @functools.cached_property
    def _letters(self) -> tuple[dict[str, int], np.ndarray, np.ndarray]:
        """Each letter's column, how often each name has each letter (a name per row), and
        each name's length: what :meth:`suggest` needs to set aside, all at once, the names
        too far from a value to be its misspelling."""
        column: dict[str, int] = {}
        for name in self.names:
            for letter in name:
                column.setdefault(letter, len(column))
        counts = np.zeros((len(self.names), len(column)), dtype=np.int32)
        for row, name in enumerate(self.names):
            for letter in name:
                counts[row, column[letter]] += 1
        return column, counts, np.array([len(n) for n in self.names], dtype=np.int64)

    def suggest(self, typed: pd.Series) -> dict[str, str]:
        """For each distinct value of ``typed`` that misspells a community's name or id (one
        or two characters off), that name: a place's public name, which the message may
        suggest while the value as typed stays masked (it may be anything).

        The name is the one :func:`difflib.get_close_matches` gives (cutoff 0.75), found
        quickly for a ledger of thousands of distinct wrong values: the values are cleaned
        at once, and the letters each shares with every name (counted with repeats) bound
        the ratio difflib would give them (its ``quick_ratio``), worked out for every name
        at once; names are compared in falling order of that bound, and only while it can
        still reach the cutoff and beat the best name so far.

        >>> places = _Places("", ("人民路社区", "湘北社区", "renminlu"))
        >>> places.suggest(pd.Series(["人民略社区", " renminiu", "张三丰家", "人民略社区"]))
        {'人民略社区': '人民路社区', ' renminiu': 'renminlu'}
        """
        if not self.names or typed.empty:
            return {}
        distinct = pd.Series(typed.dropna().astype(str).unique(), dtype=object)
        cleaned = parse.clean_text(distinct)
        column, counts, lengths = self._letters
        found: dict[str, str] = {}
        for value, text in zip(distinct.tolist(), cleaned.tolist(), strict=True):
            if not isinstance(text, str) or len(text) < 3:
                continue
            shared = np.zeros(len(self.names), dtype=np.int64)
            for letter, n in Counter(text).items():
                if letter in column:
                    shared += np.minimum(counts[:, column[letter]], n)
            # difflib's quick_ratio, 2·shared / (len(value) + len(name)), in the same arithmetic: at
            # least the ratio difflib gives; names in falling order of it, until none can beat the best
            bound = 2.0 * shared / (len(text) + lengths)
            best: tuple[float, str] | None = None
            matcher = difflib.SequenceMatcher(None, "", text)
            could = np.flatnonzero(bound >= _NEAR)
            for i in could[np.argsort(-bound[could], kind="stable")].tolist():
                if best is not None and bound[i] < best[0]:
                    break
                matcher.set_seq1(self.names[i])
                if (score := matcher.ratio()) >= _NEAR and (best is None or (score, self.names[i]) > best):
                    best = (score, self.names[i])  # the highest ratio, then the greatest name: as difflib picks
            if best is not None:
                found[value] = best[1]
        return found


def _community_names(context: Mapping[str, pd.DataFrame]) -> _Places:
    """The communities a clerk may name (Chinese names, else ids), for a message about an unknown one."""
    if "communities" not in context or not len(context["communities"]):
        return _Places()
    c = context["communities"]
    names = c["name_zh"].astype("string").fillna(c["community_id"].astype("string")) if "name_zh" in c else c["community_id"]
    listed = list(dict.fromkeys(names.astype(str)))
    every = tuple(dict.fromkeys([*listed, *c["community_id"].astype(str)]))
    return _Places("、".join(listed[:12]) + ("…" if len(listed) > 12 else ""), every)


def _message(
    rule: str,
    col: Column | None,
    column: str,
    value: str,
    detail: str,
    typed: str,
    *,
    table: Table,
    lang: str,
    places: _Places,
    near: Mapping[str, str],
    header: str = "",
    workbook: bool = True,
) -> str:
    """One quarantine message: what is wrong and, where the rule allows, what to type instead.

    The column is named by its ``header`` as the clerk typed it (in Chinese; the
    English message keeps the contract's name), else by the contract's header. A
    wrong code lists the accepted Chinese labels; a wrong item of a list says which
    item (the items that are codes are shown, the others as ``？``); an unknown
    reference names the table it was looked for in, in plain words (an unknown
    community, the one it misspells if ``near`` has it, else the first of ``places``), or,
    when its ``detail`` says where, the row of that table left out that it names;
    an empty required cell says what to type in it. A total or signature row of a CSV
    file (not a ``workbook``) is not told to move to another sheet.
    """
    if not column:
        label = word("message.no_column", lang=lang)
    else:
        label = header if header and lang == "zh" else column_label(table.name, column, lang=lang)
    fields = {"column": label, "value": value, "detail": detail}
    if rule == "missing_value" and col is not None:
        return word("message.missing_value", lang=lang, **fields) + _fill_hint(col, lang=lang, places=places.listed)
    if rule in FOOTER_RULES and not workbook:
        return word(f"message.{rule}_csv", lang=lang, **fields)
    if rule == "unknown_code" and col is not None and col.codes:
        fields["detail"] = _code_labels(col, lang=lang)
        if col.kind == "list":
            items = parse.list_items(typed, col.codes)
            wrong = [i + 1 for i, code in enumerate(items) if code is None]
            fields["items"] = "、".join(map(str, wrong)) if lang == "zh" else ", ".join(map(str, wrong))
            fields["read"] = "、".join(col.codes[c] if c is not None else "？" for c in items)
            return word("message.unknown_item", lang=lang, **fields)
        return word("message.unknown_code", lang=lang, **fields)
    if rule == "not_a_date" and (serial := parse.excel_serial_date(typed)) is not None:
        return word("message.excel_serial", lang=lang, **fields | {"detail": serial})
    if rule == "not_a_date" and (year := parse.year_as_date(typed)) is not None:
        return word("message.year_as_date", lang=lang, **fields | {"detail": str(year)})
    if rule == "not_a_date" and (day := parse.date_with_time(typed)) is not None:
        return word("message.date_with_time", lang=lang, **fields | {"detail": day})
    if rule == "not_a_date" and (day := parse.compact_date(typed)) is not None:
        return word("message.compact_date", lang=lang, **fields | {"detail": day})
    if rule in ("duplicate_row", "duplicate_id", "duplicate_key") and "\x1f" in detail:  # kept on another sheet
        file, row = detail.split("\x1f")
        return word(f"message.{rule}_elsewhere", lang=lang,
                    **fields | {"detail": word("message.where", lang=lang, file=file, row=row)})
    if rule == "unknown_reference" and col is not None and col.ref is not None:
        if detail:  # the row it names is in its table, left out (_left_out_rows): that row is what to fix
            file, row = detail.split("\x1f")
            where = word("message.where", lang=lang, file=file, row=row)
            return word("message.reference_left_out", lang=lang, **fields | {"detail": where},
                        ref=table_label(col.ref, lang=lang))
        if col.ref == "communities":
            if typed in near:  # a misspelt name: the one it misspells, rather than a list of every community
                return word("message.near_community", lang=lang, **fields, near=near[typed])
            return word("message.unknown_community", lang=lang, **fields, places=places.listed)
        fields["ref"] = table_label(col.ref, lang=lang)
        return word("message.unknown_reference", lang=lang, **fields)
    return word(f"message.{rule}", lang=lang, **fields)


def _code_labels(col: Column, *, lang: str) -> str:
    """A code column's accepted values as a message lists them: the Chinese labels (in
    English, each with its code)."""
    codes = col.codes or {}
    return "、".join(codes.values()) if lang == "zh" else ", ".join(f"{zh} ({code})" for code, zh in codes.items())


def _fill_hint(col: Column, *, lang: str, places: str) -> str:
    """What to type in an empty required cell of ``col``: its accepted values, the
    communities, the ledger it refers to, or a value as a clerk would type it.

    >>> from .contract import table
    >>> _fill_hint(table("mediation_cases").column("received_on"), lang="zh", places="")
    '，请填写（如 2024-03-05）'
    >>> _fill_hint(table("mediation_cases").column("community_id"), lang="en", places="人民路社区 (renminlu)")
    '; type the name or id of one of: 人民路社区 (renminlu)'
    """
    if col.codes:
        return word("message.fill_list" if col.kind == "list" else "message.fill_code", lang=lang,
                    detail=_code_labels(col, lang=lang))
    if col.kind == "ref" and col.ref == "communities":
        return word("message.fill_community", lang=lang, places=places)
    if col.kind == "ref" and col.ref is not None:
        return word("message.fill_reference", lang=lang, ref=table_label(col.ref, lang=lang))
    return word("message.fill_sample", lang=lang, sample=col.sample) if col.sample else ""


__all__ = ["OUTCOMES", "QUARANTINE_COLUMNS", "ValidatedTable", "community_lookup", "validate_table"]
