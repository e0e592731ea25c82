"""Shared machinery of the indicator modules (private).

Every indicator is stated once, for a community, and its zone value comes from the
same statement by **pooling the records**:

* additive quantities (counts and sums) are first computed per ``(community_id,
  year)`` as a *part* — a frame over the full community × year grid with the
  columns ``value`` (float, NaN when unknown) and ``reason`` — and
  :func:`unit_sums` adds each part up over a zone's communities; a ratio is then
  ``Σ numerator ÷ Σ denominator`` at either level (:func:`ratio`), never a mean of
  community ratios;
* statistics that do not add up (medians, distinct counts) are computed by
  :func:`pooled`, which groups the records once by community and once by zone.

Missing values
--------------
A whole indicator is missing when an input table (or column) is absent: the
indicator body raises :class:`Unavailable` and :func:`indicator` turns it into an
all-missing frame with the reason (``"table services absent"``). A single part
cell is missing when its community lacks an input row, e.g. the population row of
the year (``"no population row for 2024"``). A zone sum is missing whenever any of
its communities is missing — a partial zone is never summed — and carries the first
such community's reason with its id (``"no population row for 2024 (community
xiangbei)"``); when every community of the zone is missing for the same cause the
reason is given as is. A ratio whose denominator is 0 is missing with
``"denominator is 0: <what>"``.

Years a ledger covers
---------------------
A dated ledger (:data:`EVENT_TABLES`) *covers* year Y when it holds a loaded record
in Y, or when ``dataset.yaml`` declares it does (``covers``). An indicator drawn
from a ledger that does not cover Y is missing for Y, for every unit, with the
reason ``"no records for Y in <ledger>"`` — a year the office kept no ledger for
is not a year of zero cases. (Within a covered year a community without records
has a count of 0.) Rosters and registers describe a state, not events, and are
not subject to this rule. A year is assessed once it is over: none that ends
after the data's as-of date is computed by default, nor accepted when asked for.

Dates
-----
A date *in Y* has calendar year Y. A roster member is *active at the end of Y*
when ``start ≤ Y-12-31`` and (``end`` is empty or ``end > Y-12-31``); on dates this
is ``year(start) ≤ Y`` and (``end`` empty or ``year(end) > Y``), so a time of day can
never move a 31 December date across the boundary.

Both are computed without working out a year per record: a date is placed by
comparing it with the first instant of each year (1 January, 00:00), and a
member is active at the end of Y when ``start`` is before 1 January of Y+1 and
``end`` is empty or not before it — the same tests, on the dates as they are.
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import threading
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol, TypeVar, cast

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..contract import TABLES
from ..errors import ContractError

Tables = Mapping[str, pd.DataFrame]
T = TypeVar("T")

#: Index levels of every indicator frame.
UNIT_LEVELS: tuple[str, str, str] = ("unit_type", "unit_id", "year")
#: Index levels of a part (community × year).
GRID_LEVELS: tuple[str, str] = ("community_id", "year")
#: Column added to every table: the position of the row's community in
#: :attr:`Context.community_ids` (−1 for an unknown community).
CODE: str = "_c"
#: Column added to the frames of :meth:`Context.events`, :meth:`Context.active` and
#: :meth:`Context.by_year`: the position of the row's (community, year) in
#: :attr:`Context.grid` (−1 outside it), worked out once per frame and read by
#: every :func:`count` and :func:`total` of its records.
POS: str = "_p"
#: Tables whose rows are events placed in a year (by their date, or ``year``).
EVENT_TABLES: tuple[str, ...] = (
    "volunteer_activities",
    "mediation_cases",
    "services",
    "culture_events",
    "resident_requests",
    "survey_responses",
)


class Unavailable(Exception):
    """Signal that an indicator cannot be computed for any unit, with the reason."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def default_years(tables: Tables) -> tuple[int, ...]:
    """Return the years to compute when none are given.

    The years of the ``population`` table; when it is absent or empty, every year
    found in the event ledgers (the date column of each ledger, ``year`` of
    ``survey_responses``).

    >>> import pandas as pd
    >>> default_years({"population": pd.DataFrame({"year": [2024, 2023, 2024]})})
    (2023, 2024)
    """
    pop = tables.get("population")
    if pop is not None and len(pop) and "year" in pop.columns:
        found = pop["year"].dropna()
    else:
        chunks = []
        for name in EVENT_TABLES:
            df = tables.get(name)
            column = TABLES[name].date_column or "year"
            if df is None or not len(df) or column not in df.columns:
                continue
            values = df[column]
            chunks.append(values.dt.year if column != "year" else values)
        found = pd.concat(chunks).dropna() if chunks else pd.Series([], dtype="float64")
    return tuple(sorted({int(y) for y in found.unique()}))


def covered_years(tables: Tables, *, covers: Mapping[str, Sequence[int]] | None = None) -> dict[str, tuple[int, ...]]:
    """Return, per dated ledger present in ``tables``, the years it covers.

    A ledger covers the years it has records in, and those ``covers`` declares
    (``dataset.yaml``).

    >>> import pandas as pd
    >>> cases = pd.DataFrame({"received_on": pd.to_datetime(["2023-05-01", "2024-02-01"])})
    >>> covered_years({"mediation_cases": cases}, covers={"mediation_cases": [2022]})
    {'mediation_cases': (2022, 2023, 2024)}
    """
    declared = covers or {}
    out: dict[str, tuple[int, ...]] = {}
    for name in EVENT_TABLES:
        df = tables.get(name)
        if df is None:
            continue
        column = TABLES[name].date_column or "year"
        found: set[int] = set()
        if column in df.columns and len(df):
            values = df[column].dt.year if column != "year" else df[column]
            found = {int(y) for y in values.dropna().unique()}
        out[name] = tuple(sorted(found | {int(y) for y in declared.get(name, ())}))
    return out


def data_years(tables: Tables, *, covers: Mapping[str, Sequence[int]] | None = None) -> tuple[int, ...]:
    """Return every year the data speaks of: population years and years a ledger covers.

    >>> import pandas as pd
    >>> data_years({"population": pd.DataFrame({"year": [2024]}),
    ...             "mediation_cases": pd.DataFrame({"received_on": pd.to_datetime(["2023-05-01"])})})
    (2023, 2024)
    """
    years: set[int] = set()
    pop = tables.get("population")
    if pop is not None and "year" in pop.columns:
        years |= {int(y) for y in pop["year"].dropna().unique()}
    for found in covered_years(tables, covers=covers).values():
        years |= set(found)
    return tuple(sorted(years))


def last_year(as_of: dt.date) -> int:
    """The last year that has ended by ``as_of``: a year is assessed once it is over.

    >>> import datetime as dt
    >>> last_year(dt.date(2024, 12, 31)), last_year(dt.date(2025, 6, 30))
    (2024, 2024)
    """
    return as_of.year if (as_of.month, as_of.day) == (12, 31) else as_of.year - 1


def _years(years: Sequence[int] | None, tables: Tables, as_of: dt.date | None = None) -> tuple[int, ...]:
    if years is None:
        found = default_years(tables)
        return tuple(y for y in found if as_of is None or y <= last_year(as_of))
    out = []
    for y in years:
        if isinstance(y, bool) or int(y) != y:
            msg = f"Year {y!r} is not a whole number; give years like 2024."
            raise ContractError(msg)
        out.append(int(y))
    late = sorted({y for y in out if as_of is not None and y > last_year(as_of)})
    if late:
        listed = ", ".join(map(str, late))
        msg = (f"Year(s) {listed} do not end by the data's as-of date {as_of}; "
               "a year is assessed once it is over.")
        raise ContractError(msg)
    return tuple(sorted(set(out)))


@dataclass(frozen=True, eq=False)
class Context:
    """The tables, the years and the units of one computation.

    Build it with :meth:`build`. Intermediate frames (year-filtered ledgers, active
    rosters, coverage) are made once, by :meth:`cached`, so that
    :func:`linli.indicators.compute` does each once, however many threads evaluate
    indicators on the context.
    """

    tables: Tables
    years: tuple[int, ...]
    zones: pd.Series  # zone_id, indexed by community_id (sorted)
    covers: Mapping[str, Sequence[int]] = field(default_factory=dict)
    cache: dict[object, object] = field(default_factory=dict, repr=False)
    _locks: dict[object, threading.RLock] = field(default_factory=dict, repr=False)
    _guard: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _thread: threading.local = field(default_factory=threading.local, repr=False)

    @property
    def used(self) -> dict[str, None]:
        """The dated ledgers the indicator this thread is evaluating drew records from (in order)."""
        used = getattr(self._thread, "used", None)
        if used is None:
            used = self._thread.used = {}
        return cast(dict[str, None], used)

    def cached(self, key: Hashable, make: Callable[[], T]) -> T:
        """Return ``cache[key]``, made by ``make()`` when first asked for.

        Made once: a thread asking for a key another is making waits for it.
        """
        if key in self.cache:
            return cast(T, self.cache[key])
        with self._guard:
            lock = self._locks.setdefault(key, threading.RLock())
        with lock:
            if key not in self.cache:
                self.cache[key] = make()
            return cast(T, self.cache[key])

    @classmethod
    def build(
        cls,
        tables: Tables,
        years: Sequence[int] | None = None,
        *,
        as_of: dt.date | None = None,
        covers: Mapping[str, Sequence[int]] | None = None,
    ) -> Context:
        """Return the context of ``tables`` for ``years``.

        ``years`` defaults to :func:`default_years` up to the year of ``as_of``;
        a year after ``as_of`` is refused. ``covers`` declares years a ledger
        covers without records (see the module docstring).
        """
        communities = tables.get("communities")
        if communities is None:
            known = ", ".join(sorted(tables)) or "none"
            msg = f"The tables have no 'communities' table; given: {known}."
            raise ContractError(msg)
        for column in ("community_id", "zone_id"):
            if column not in communities.columns:
                msg = f"Table 'communities' has no column {column!r}; it has: {', '.join(communities.columns)}."
                raise ContractError(msg)
        ids = communities["community_id"].astype("string")
        if ids.isna().any() or ids.duplicated().any():
            msg = "Table 'communities' has empty or repeated community_id values."
            raise ContractError(msg)
        zones = pd.Series(
            communities["zone_id"].astype("string").to_numpy(),
            index=pd.Index(ids.to_numpy(), dtype="string", name="community_id"),
            name="zone_id",
        ).sort_index()
        return cls(tables=tables, years=_years(years, tables, as_of), zones=zones, covers=dict(covers or {}))

    # ---------------------------------------------------------------- units
    @functools.cached_property
    def community_ids(self) -> pd.Index:
        return pd.Index(self.zones.index, dtype="string", name="community_id")

    @functools.cached_property
    def zone_ids(self) -> pd.Index:
        return pd.Index(sorted(self.zones.dropna().unique()), dtype="string", name="zone_id")

    @functools.cached_property
    def year_index(self) -> pd.Index:
        return pd.Index(np.array(self.years, dtype="int64"), name="year")

    @functools.cached_property
    def grid(self) -> pd.MultiIndex:
        """Every (community_id, year), communities sorted, then years."""
        return pd.MultiIndex.from_product([self.community_ids, self.year_index], names=GRID_LEVELS)

    @functools.cached_property
    def zone_grid(self) -> pd.MultiIndex:
        """Every (zone_id, year)."""
        return pd.MultiIndex.from_product([self.zone_ids, self.year_index], names=["zone_id", "year"])

    @functools.cached_property
    def unit_grid(self) -> pd.MultiIndex:
        """Every (unit_type, unit_id, year): the communities, then the zones."""
        n_c, n_z = len(self.grid), len(self.zone_grid)
        unit_type = np.array(["community"] * n_c + ["zone"] * n_z, dtype=object)
        unit_id = np.concatenate(
            [self.grid.get_level_values(0).to_numpy(dtype=object),
             self.zone_grid.get_level_values(0).to_numpy(dtype=object)]
        )
        year = np.concatenate(
            [self.grid.get_level_values(1).to_numpy(), self.zone_grid.get_level_values(1).to_numpy()]
        ).astype("int64")
        return pd.MultiIndex.from_arrays(
            [pd.Index(unit_type, dtype="string"), pd.Index(unit_id, dtype="string"), pd.Index(year)],
            names=UNIT_LEVELS,
        )

    @functools.cached_property
    def zone_codes(self) -> np.ndarray:
        """Position of each community's zone in :attr:`zone_ids` (−1 when it has none)."""
        return self.zone_ids.get_indexer(pd.Index(self.zones.to_numpy(dtype=object)))

    @functools.cached_property
    def grid_year_codes(self) -> np.ndarray:
        """Position of each :attr:`grid` row's year in :attr:`years`."""
        return np.tile(np.arange(len(self.years)), len(self.community_ids))

    @functools.cached_property
    def unit_year_codes(self) -> np.ndarray:
        """Position of each :attr:`unit_grid` row's year in :attr:`years`."""
        n_units = len(self.community_ids) + len(self.zone_ids)
        return np.tile(np.arange(len(self.years)), n_units)

    def year_codes(self, years: pd.Series | pd.Index | np.ndarray) -> np.ndarray:
        """Return the position of each year in :attr:`years` (−1 when not there or empty)."""
        if isinstance(years, np.ndarray) and years.dtype.kind in "iu":  # the years of a cached frame
            known_int = np.array(self.years, dtype="int64")
            if not len(known_int):
                return np.full(len(years), -1, dtype=np.intp)
            at = np.minimum(np.searchsorted(known_int, years), len(known_int) - 1)
            return np.where(known_int[at] == years, at, -1)
        series = years if isinstance(years, pd.Series) else pd.Series(years)
        if not pd.api.types.is_numeric_dtype(series):
            series = pd.to_numeric(series, errors="coerce")
        y = series.to_numpy(dtype="float64", na_value=np.nan)
        known = np.array(self.years, dtype="float64")
        if not len(known):
            return np.full(len(y), -1, dtype=np.intp)
        at = np.minimum(np.searchsorted(known, y), len(known) - 1)
        return np.where(known[at] == y, at, -1)

    def date_codes(self, dates: pd.Series, *, months: bool = False) -> np.ndarray:
        """Return the position of each date's year in :attr:`years` (−1 when not there or empty).

        With ``months``, ``year position × 12 + month − 1`` instead. Dates are placed
        by comparing them with the first instant of each year (and month), no year or
        month worked out for every date: each date's day (its instant floored to
        midnight; the first instants are all midnights) is looked up in a table of the
        days from the first of those instants to the last.

        >>> ctx = Context.build({"communities": pd.DataFrame({"community_id": ["a"], "zone_id": ["z"]})},
        ...                     [2023, 2024])
        >>> dates = pd.Series(pd.to_datetime(["2022-12-31 23:59", "2023-01-01 00:00", "2024-02-29 12:00",
        ...                                   "2024-12-31 00:00", "2025-01-01 00:00", None]))
        >>> ctx.date_codes(dates).tolist()
        [-1, 0, 1, 1, -1, -1]
        >>> ctx.date_codes(dates, months=True).tolist()  # 2024-02 is year 1, month 2: 1 × 12 + 1
        [-1, 0, 13, 23, -1, -1]
        """
        if not (isinstance(dates.dtype, np.dtype) and dates.dtype.kind == "M"):  # e.g. with a time zone
            year = self.year_codes(dates.dt.year)
            if not months:
                return year
            month = dates.dt.month.to_numpy(dtype="float64", na_value=1.0).astype(np.intp)
            return np.where(year >= 0, year * 12 + month - 1, -1)
        per_year = 12 if months else 1
        code: dict[np.datetime64, int] = {}
        for year in self.years:  # the end of a year: outside, unless the next year starts there
            code[np.datetime64(f"{year + 1}-01-01")] = -1
        for i, year in enumerate(self.years):
            for m in range(per_year):
                code[np.datetime64(f"{year}-{m + 1:02d}-01")] = i * per_year + m
        edges = sorted(code)
        starts = np.array(edges, dtype="datetime64[D]").astype(dates.dtype).view("int64")
        lookup_code = np.array([-1, *(code[e] for e in edges)], dtype=np.intp)  # [0]: before the first edge
        values = dates.to_numpy().view("int64")
        if not edges:  # no years
            return np.full(len(values), -1, dtype=np.intp)
        unit, _ = np.datetime_data(dates.dtype)  # pandas holds s, ms, us or ns
        per_day = int(np.timedelta64(1, "D") // np.timedelta64(1, unit))
        first, last = starts[0] // per_day, starts[-1] // per_day
        days = np.arange(first - 1, last + 1) * per_day  # the day before the first edge, …, the last edge
        table = lookup_code[np.searchsorted(starts, days, side="right")]
        at = values // per_day  # in place from here: as long as the ledger
        at -= first - 1
        np.clip(at, 0, len(table) - 1, out=at)  # an empty date (the smallest integer) is before the first edge
        return table[at]

    def texts(self, template: str) -> np.ndarray:
        """Return ``template.format(year=y)`` for each year, indexable by year code."""
        return np.array([template.format(year=y) for y in self.years] or [""], dtype=object)

    # --------------------------------------------------------------- tables
    def table(self, name: str, columns: Sequence[str] = ()) -> pd.DataFrame:
        """Return table ``name`` with the community code column :data:`CODE`.

        Raise :class:`Unavailable` when the table or one of ``columns`` is absent.
        """
        df = self.tables.get(name)
        if df is None:
            raise Unavailable(f"table {name} absent")
        for column in ("community_id", *columns):
            if column not in df.columns:
                raise Unavailable(f"column {name}.{column} absent")
        return self.cached(
            ("table", name), lambda: with_columns(df, **{CODE: self.community_codes(df["community_id"])})
        )

    def community_codes(self, values: pd.Series) -> np.ndarray:
        """Return the position of each community id in :attr:`community_ids` (−1 if unknown)."""
        return lookup(values, self.community_ids)

    def covered(self, name: str) -> set[int]:
        """Return the years of :attr:`years` that dated ledger ``name`` covers (see :func:`covered_years`)."""
        return self._dated(name)[1]

    def events(self, name: str, columns: Sequence[str] = ()) -> pd.DataFrame:
        """Return the rows of ledger ``name`` in the years, with an int ``year`` column.

        The ledger is noted in :attr:`used`: years it does not cover make the
        indicator missing (:func:`evaluate`).
        """
        out = self._dated(name)[0]
        self.table(name, columns)
        self.used[name] = None
        return out

    def _dated(self, name: str) -> tuple[pd.DataFrame, set[int]]:
        """The rows of ledger ``name`` in the years (:meth:`events`) and the years it covers (:meth:`covered`)."""

        def make() -> tuple[pd.DataFrame, set[int]]:
            date = TABLES[name].date_column
            if date is None:  # survey_responses: placed by its year column
                df = self.table(name, ["year"])
                year = df["year"]
                if not pd.api.types.is_numeric_dtype(year):  # not numbers: only those equal to a year count
                    year = year.where(year.isin(self.years).fillna(False))
                y = self.year_codes(year)
            else:
                df = self.table(name, [date])
                y = self.date_codes(df[date])
            keep = y >= 0
            every = keep.all()  # the usual case, every record in the years: no copy
            kept = df if every else df.loc[keep]
            if not every:
                y = y[keep]
            code = kept[CODE].to_numpy()
            pos = code * len(self.years)  # in place from here: these arrays are as long as the ledger
            pos += y
            pos[code < 0] = -1
            rows = with_columns(kept, year=np.array(self.years, dtype="int64")[y], **{POS: pos})
            # a ledger covers the years it has a record in (of any community), and those declared
            found = np.bincount(y, minlength=len(self.years)) > 0
            declared = {int(v) for v in self.covers.get(name, ())}
            return rows, {v for v, f in zip(self.years, found, strict=True) if f or v in declared}

        return self.cached(("events", name), make)

    def active(self, name: str, columns: Sequence[str] = ()) -> pd.DataFrame:
        """Return roster ``name`` crossed with the years, keeping members active at year end.

        Active at the end of Y: ``start ≤ Y-12-31`` and (``end`` empty or ``end > Y-12-31``).
        One row per active (member, year), in the roster's order and then the years',
        labelled ``row × n_years + year position``: the columns :data:`CODE`, ``year``,
        :data:`POS` and ``columns`` of the roster (only those: the other columns are
        not copied).
        """
        spec = TABLES[name]
        assert spec.start is not None and spec.end is not None
        df = self.table(name, [spec.start, *columns])

        def make() -> pd.DataFrame:
            years = self.year_index.to_numpy()
            active = _active_at_year_end(df[spec.start], df[spec.end] if spec.end in df.columns else None, years)
            label = np.flatnonzero(active)  # row × n_years + year position, active is (rows, years)
            rows, cols = np.divmod(label, len(years))
            code = df[CODE].to_numpy()[rows]
            pos = code * len(years)
            pos += cols
            pos[code < 0] = -1
            return pd.DataFrame(
                {CODE: code, "year": years[cols], POS: pos},
                index=pd.Index(label, copy=False),
                copy=False,  # new arrays, never written to
            )

        out = self.cached(("active", name), make)
        if columns:
            rows = out.index.to_numpy() // max(len(self.years), 1)
            out = with_columns(out, **{c: df[c].array.take(rows) for c in columns})
        return out

    def by_year(self, df: pd.DataFrame) -> pd.DataFrame:
        """Return ``df`` crossed with the years (an int ``year`` column and :data:`POS`)."""
        crossed = df.merge(pd.DataFrame({"year": self.year_index.to_numpy()}), how="cross")
        return crossed.assign(**{POS: self.grid_positions(crossed[CODE].to_numpy(), crossed["year"].to_numpy())})

    def grid_positions(self, codes: np.ndarray, years: pd.Series | np.ndarray) -> np.ndarray:
        """Return the position in :attr:`grid` of each (community code, year) (−1 outside)."""
        y = self.year_codes(years)
        pos = codes * len(self.years) + y
        pos[(codes < 0) | (y < 0)] = -1
        return pos


def lookup(values: pd.Series, known: pd.Index) -> np.ndarray:
    """Return the position of each of ``values`` in ``known`` (−1 when not there or empty).

    ``known`` holds distinct strings; ``values`` are compared with them as strings, as
    they are (no trimming). Arrow-backed strings are looked up by Arrow, without a
    detour through Python objects.

    >>> import pandas as pd
    >>> lookup(pd.Series(["b", None, "x", "a"], dtype="string"), pd.Index(["a", "b"])).tolist()
    [1, -1, -1, 0]
    """
    if not len(values) or not len(known):
        return np.full(len(values), -1, dtype=np.intp)
    if isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow":
        data = pa.chunked_array(pa.array(values))
        arrow_known = isinstance(known.dtype, pd.StringDtype) and known.dtype.storage == "pyarrow"
        value_set = (pa.array(known.array).cast(data.type) if arrow_known
                     else pa.array(known.to_numpy(dtype=object), type=data.type))
        found = pc.fill_null(pc.index_in(data, value_set=value_set), -1)
        return np.asarray(found.to_numpy(), dtype=np.intp)
    codes, uniques = pd.factorize(values)
    if not len(uniques):
        return np.full(len(values), -1, dtype=np.intp)
    at = pd.Index(known, dtype="string").get_indexer(pd.Index(pd.array(np.asarray(uniques, dtype=object), dtype="string")))
    return np.where(codes >= 0, at[codes], -1).astype(np.intp)


def with_columns(df: pd.DataFrame, **columns: np.ndarray | pd.api.extensions.ExtensionArray) -> pd.DataFrame:
    """Return ``df`` with ``columns`` added (or replaced), the arrays not copied.

    For arrays made for the frame and never written to afterwards: pandas copies an
    array it is given, which for a ledger's column is hundreds of megabytes.
    """
    return df.assign(**{name: pd.Series(values, index=df.index, copy=False) for name, values in columns.items()})


def _active_at_year_end(start: pd.Series, end: pd.Series | None, years: np.ndarray) -> np.ndarray:
    """Return, per row and year Y, whether ``year(start) ≤ Y`` and (``end`` empty or ``year(end) > Y``).

    On dates this is ``start`` before the next 1 January and ``end`` on or after it,
    which is how dates of one resolution are compared (no year worked out per row).
    """
    dated = [c for c in (start, end) if c is not None]
    if not all(isinstance(c.dtype, np.dtype) and c.dtype.kind == "M" for c in dated):
        first = start.dt.year.to_numpy(dtype="float64", na_value=np.nan)
        last = np.full(len(start), np.nan) if end is None else end.dt.year.to_numpy(dtype="float64", na_value=np.nan)
        with np.errstate(invalid="ignore"):
            return (first[:, None] <= years[None, :]) & (np.isnan(last)[:, None] | (last[:, None] > years[None, :]))
    empty = np.iinfo("int64").min  # NaT
    next_year = np.array([f"{y + 1}-01-01" for y in years], dtype="datetime64[D]")
    begun = start.to_numpy().view("int64")
    out = (begun != empty)[:, None] & (begun[:, None] < next_year.astype(start.dtype).view("int64")[None, :])
    if end is not None:
        ended = end.to_numpy().view("int64")
        out &= (ended == empty)[:, None] | (ended[:, None] >= next_year.astype(end.dtype).view("int64")[None, :])
    return out


# ---------------------------------------------------------------------------- parts


@dataclass(frozen=True, eq=False)
class Part:
    """An additive quantity per (community, year), in :attr:`Context.grid` order."""

    value: np.ndarray  # float64; NaN where unknown
    reason: np.ndarray  # object; why the value is unknown, None where it is known


def positions(ctx: Context, records: pd.DataFrame, where: np.ndarray | None = None) -> np.ndarray:
    """Return the position of each record's (community, year) in :attr:`Context.grid` (−1 outside).

    Only of the records ``where`` (a boolean mask) is true, when it is given.
    """
    if POS in records.columns:
        pos = records[POS].to_numpy()
        return pos if where is None else pos[where]
    if where is not None:
        records = records.loc[where]
    c = records[CODE].to_numpy() if CODE in records.columns else ctx.community_codes(records["community_id"])
    return ctx.grid_positions(c, records["year"])


def _known(ctx: Context, value: np.ndarray) -> Part:
    return Part(value.astype("float64"), np.full(len(ctx.grid), None, dtype=object))


def count(ctx: Context, records: pd.DataFrame, *, where: np.ndarray | None = None) -> Part:
    """Return the part: number of ``records`` (those ``where`` is true) per (community_id, year).

    0 where there are none.
    """
    pos = positions(ctx, records, where)
    inside = pos >= 0
    return _known(ctx, np.bincount(pos if inside.all() else pos[inside], minlength=len(ctx.grid)))


def total(ctx: Context, records: pd.DataFrame, column: str, *, where: np.ndarray | None = None) -> Part:
    """Return the part: Σ ``column`` of ``records`` (those ``where`` is true) per (community_id, year).

    Empty cells are skipped.
    """
    weights = records[column].to_numpy(dtype="float64", na_value=np.nan)
    return weighted(ctx, positions(ctx, records, where), weights if where is None else weights[where])


def weighted(ctx: Context, pos: np.ndarray, weights: np.ndarray) -> Part:
    """Return the part: Σ ``weights`` per :attr:`Context.grid` position ``pos``; NaN weights skipped."""
    keep = (pos >= 0) & ~np.isnan(weights)
    if not keep.all():
        pos, weights = pos[keep], weights[keep]
    return _known(ctx, np.bincount(pos, weights=weights, minlength=len(ctx.grid)))


def population(ctx: Context, column: str) -> Part:
    """Return the part: ``population[column]`` per (community_id, year).

    Missing, with a reason, where the community has no population row for the year
    (``"no population row for 2024"``) or the cell is empty.
    """
    pop = ctx.table("population", ["year", column])
    pos = positions(ctx, pop)
    inside = pos >= 0
    if len(np.unique(pos[inside])) < inside.sum():
        msg = "Table 'population' has more than one row for a (community_id, year); expected one."
        raise ContractError(msg)
    value = np.full(len(ctx.grid), np.nan)
    value[pos[inside]] = pop[column].to_numpy(dtype="float64", na_value=np.nan)[inside]
    present = np.zeros(len(ctx.grid), dtype=bool)
    present[pos[inside]] = True
    codes = ctx.grid_year_codes
    reason = np.where(
        present,
        ctx.texts(f"population.{column} empty for {{year}}")[codes],
        ctx.texts("no population row for {year}")[codes],
    )
    return Part(value, np.where(np.isnan(value), reason, None))


def closed_days(records: pd.DataFrame, *, where: np.ndarray | None = None) -> pd.DataFrame:
    """Return the records (those ``where`` is true) that have a ``closed_on``, with ``days``.

    ``days = closed_on − received_on`` in whole days (the ``days`` of the
    timedelta). Only the columns :data:`CODE`, ``year`` and ``days`` are kept.
    """
    keep = records["closed_on"].notna().to_numpy()
    if where is not None:
        keep = keep & where
    closed = records.loc[keep, [CODE, "year", "received_on", "closed_on"]]
    days = (closed["closed_on"] - closed["received_on"]).dt.days.astype("float64")
    return with_columns(closed[[CODE, "year"]], days=days.to_numpy())


def median_days(records: pd.DataFrame) -> pd.Series:
    """Return the ordinary median of ``days`` per (unit_id, year) — a :func:`pooled` stat."""
    return records.groupby(["unit", "year"])["days"].median()


# ---------------------------------------------------------------------- unit frames


def frame(ctx: Context, value: np.ndarray, reason: np.ndarray) -> pd.DataFrame:
    """Return the unit frame with ``value`` and ``reason`` (None → NA)."""
    return pd.DataFrame(
        {"value": np.asarray(value, dtype="float64"), "reason": pd.array(reason, dtype="string")},
        index=ctx.unit_grid,
    )


def missing(ctx: Context, reason: str) -> pd.DataFrame:
    """Return an all-missing unit frame with ``reason``."""
    n = len(ctx.unit_grid)
    return frame(ctx, np.full(n, np.nan), np.full(n, reason, dtype=object))


def unit_sums(ctx: Context, *parts: Part) -> tuple[list[np.ndarray], np.ndarray]:
    """Return each part per community and summed per zone, over :attr:`Context.unit_grid`.

    Returns the summed values of each part and the reasons (the first reason among
    the parts, in the order given). A zone sum is NaN when any of its communities'
    is; its reason is the first such community's, followed by ``(community <id>)``
    when other communities of the zone are not missing.
    """
    n_c, n_y, n_z = len(ctx.community_ids), len(ctx.years), len(ctx.zone_ids)
    zc = ctx.zone_codes
    ok = zc >= 0
    reason = parts[0].reason.copy()
    for part in parts[1:]:
        empty = pd.isna(reason)
        reason[empty] = part.reason[empty]

    values = []
    for part in parts:
        v = part.value.reshape(n_c, n_y)
        zsum = np.zeros((n_z, n_y))
        np.add.at(zsum, zc[ok], np.nan_to_num(v[ok], nan=0.0))
        unknown = np.zeros((n_z, n_y), dtype=bool)
        np.logical_or.at(unknown, zc[ok], np.isnan(v[ok]))
        zsum[unknown] = np.nan
        values.append(np.concatenate([part.value, zsum.ravel()]))

    r = reason.reshape(n_c, n_y)
    has = ~pd.isna(r)
    first = np.full((n_z, n_y), n_c)
    np.minimum.at(first, zc[ok], np.where(has, np.arange(n_c)[:, None], n_c)[ok])
    n_missing = np.zeros((n_z, n_y), dtype=int)
    np.add.at(n_missing, zc[ok], has[ok].astype(int))
    n_total = np.bincount(zc[ok], minlength=n_z)
    zone_reason = np.full((n_z, n_y), None, dtype=object)
    zi, yi = np.nonzero(first < n_c)
    if len(zi):
        ci = first[zi, yi]
        names = ctx.community_ids.to_numpy(dtype=object)[ci]
        partial = n_missing[zi, yi] < n_total[zi]
        zone_reason[zi, yi] = [
            f"{text} (community {name})" if part else text
            for text, name, part in zip(r[ci, yi], names, partial, strict=True)
        ]
    return values, np.concatenate([reason, zone_reason.ravel()])


def amount(ctx: Context, part: Part, *, scale: float = 1.0) -> pd.DataFrame:
    """Return ``Σ part × scale`` per community and per zone."""
    (value,), reason = unit_sums(ctx, part)
    return frame(ctx, value * scale, reason)


def ratio(ctx: Context, numerator: Part, denominator: Part, *, scale: float, zero: str) -> pd.DataFrame:
    """Return ``Σ numerator ÷ Σ denominator × scale`` per community and per zone.

    Missing where either sum is, and where the denominator is 0, with the reason
    ``"denominator is 0: " + zero.format(year=Y)``.
    """
    (num, den), reason = unit_sums(ctx, numerator, denominator)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.where(den > 0, num / den * scale, np.nan)
    is_zero = pd.isna(reason) & (den == 0)
    reason[is_zero] = ctx.texts(f"denominator is 0: {zero}")[ctx.unit_year_codes[is_zero]]
    return frame(ctx, value, reason)


def _place(ctx: Context, stat: pd.Series, offset: int, out: np.ndarray) -> None:
    if not len(stat):
        return
    u = stat.index.get_level_values(0).to_numpy(dtype=np.intp)
    y = ctx.year_codes(stat.index.get_level_values(1))
    keep = (u >= 0) & (y >= 0)
    out[offset + u[keep] * len(ctx.years) + y[keep]] = stat.to_numpy(dtype="float64", na_value=np.nan)[keep]


def pooled(
    ctx: Context,
    records: pd.DataFrame,
    stat: Callable[[pd.DataFrame], pd.Series],
    *,
    empty: str | None = None,
    fill: float | None = None,
) -> pd.DataFrame:
    """Return a statistic of the records grouped by community and, pooled, by zone.

    ``stat`` receives the records with an integer ``unit`` column (the community's
    position in :attr:`Context.community_ids`, then the zone's in
    :attr:`Context.zone_ids`) and returns a Series indexed by (unit, year). Units
    without records get ``fill`` when given, else are missing with
    ``empty.format(year=Y)``.
    """
    community = records[CODE].to_numpy() if CODE in records.columns else ctx.community_codes(records["community_id"])
    zone = np.where(community >= 0, ctx.zone_codes[np.maximum(community, 0)], -1) if len(ctx.zone_codes) else community
    value = np.full(len(ctx.unit_grid), np.nan)
    for units, offset in ((community, 0), (zone, len(ctx.grid))):
        keep = units >= 0
        _place(ctx, stat(with_columns(records.loc[keep], unit=units[keep])), offset, value)
    absent = np.isnan(value)
    reason = np.full(len(value), None, dtype=object)
    if fill is not None:
        value[absent] = fill
    elif absent.any():
        assert empty is not None
        reason[absent] = ctx.texts(empty)[ctx.unit_year_codes[absent]]
    return frame(ctx, value, reason)


# ------------------------------------------------------------------------ decorator


class IndicatorFunction(Protocol):
    """An indicator: ``f(tables, *, years=None) -> DataFrame`` (see :func:`indicator`)."""

    __name__: str

    def __call__(self, tables: Tables, *, years: Sequence[int] | None = None) -> pd.DataFrame: ...


_SECTIONS = """
Parameters
----------
tables
    Clean tables keyed by contract table name (:mod:`linli.contract`).
years
    Calendar years to compute; default :func:`linli.indicators.default_years`.

Returns
-------
pandas.DataFrame
    One row per unit and year, indexed by ``(unit_type, unit_id, year)`` —
    the communities, then the zones (pooled records) — with the columns
    ``{columns}`` (float, NaN when missing) and ``reason`` (why it is missing;
    NA when present).
"""

_SIGNATURE = inspect.Signature(
    [
        inspect.Parameter("tables", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation="Tables"),
        inspect.Parameter(
            "years", inspect.Parameter.KEYWORD_ONLY, default=None, annotation="Sequence[int] | None"
        ),
    ],
    return_annotation="pd.DataFrame",
)


def evaluate(func: Callable[[Context], pd.DataFrame], ctx: Context) -> pd.DataFrame:
    """Run an indicator body on ``ctx``; an :class:`Unavailable` input gives all-missing.

    For each year that a ledger the body drew records from does not cover, every
    unit's value is missing with the reason ``"no records for Y in <ledger>"``.
    """
    ctx.used.clear()
    try:
        out = func(ctx)
    except Unavailable as exc:
        out = missing(ctx, exc.reason)
        extra = getattr(func, "extra_columns", ())
        for column in extra:
            out.insert(len(out.columns) - 1, column, np.nan)
        return out
    return _uncovered_missing(out, ctx)


def _uncovered_missing(out: pd.DataFrame, ctx: Context) -> pd.DataFrame:
    """Blank the years the ledgers in ``ctx.used`` do not cover (first ledger's reason wins)."""
    reason = np.full(len(ctx.years), None, dtype=object)
    for name in reversed(list(ctx.used)):
        covered = ctx.covered(name)
        for i, year in enumerate(ctx.years):
            if year not in covered:
                reason[i] = f"no records for {year} in {name}"
    if all(r is None for r in reason):
        return out
    rows = pd.notna(reason[ctx.unit_year_codes])
    out = out.copy()
    for column in out.columns:
        if column != "reason":
            out.loc[rows, column] = np.nan
    out.loc[rows, "reason"] = reason[ctx.unit_year_codes][rows]
    return out


def indicator(
    *, extra_columns: tuple[str, ...] = ()
) -> Callable[[Callable[[Context], pd.DataFrame]], IndicatorFunction]:
    """Turn an indicator body ``f(ctx) -> frame`` into ``f(tables, *, years=None)``.

    The body returns a unit frame with ``value`` (and ``extra_columns``) and
    ``reason``; the public function renames ``value`` to the function's name, which
    is the catalogue id, and gets the common Parameters/Returns docstring sections.
    The body is kept as ``.body`` for :func:`linli.indicators.compute`, which
    shares one :class:`Context` between all indicators.
    """

    def wrap(body: Callable[[Context], pd.DataFrame]) -> IndicatorFunction:
        name = body.__name__
        body.extra_columns = extra_columns  # type: ignore[attr-defined]

        @functools.wraps(body)
        def public(tables: Tables, *, years: Sequence[int] | None = None) -> pd.DataFrame:
            return evaluate(body, Context.build(tables, years)).rename(columns={"value": name})

        doc = inspect.cleandoc(body.__doc__ or "")
        sections = _SECTIONS.format(columns=", ".join([name, *extra_columns]))
        head, sep, tail = doc.partition("\nExamples\n--------")
        public.__doc__ = head.rstrip() + "\n" + sections + (f"\nExamples\n--------{tail}" if sep else "")
        public.__signature__ = _SIGNATURE  # type: ignore[attr-defined]
        public.body = body  # type: ignore[attr-defined]
        return public  # type: ignore[return-value]

    return wrap
