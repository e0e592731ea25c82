"""Indicators of the catalogue, computed for every community, zone and year at once.

:func:`compute` turns the clean tables into the long table
``unit_id, unit_type, year, indicator, value, ci_low, ci_high, reason``. Each
indicator is also a function of its dimension's module — :mod:`.profile`,
:mod:`.wushe`, :mod:`.lin_zhi`, :mod:`.lin_he`, :mod:`.lin_zhu`, :mod:`.lin_le`,
:mod:`.satisfaction` — named after its catalogue id, e.g.
``lin_he.mediation_success_pct(tables, years=[2024])``, which returns a frame
indexed by ``(unit_type, unit_id, year)``.

Rules (the choices the catalogue's definitions leave open are stated here)
--------------------------------------------------------------------------
* Units: every community of ``communities`` and every zone (the communities sharing
  a ``zone_id``; ``unit_type`` "zone", ``unit_id`` = ``zone_id``).
* Zone values **pool the records** of the zone's communities: the numerator and the
  denominator are summed before dividing; medians and distinct counts are taken over
  the pooled records — never a mean of community values.
* Missing, never 0: a value is NaN with a ``reason`` when its table (or column) is
  absent (``"table services absent"``), when the community has no population row for
  the year (``"no population row for 2024"``), when a median has no records
  (``"no closed requests received in 2024"``) or when a denominator is 0
  (``"denominator is 0: no register members active at end of 2024"``).
* Zone population: the sum over the zone's communities. When any community lacks the
  population row of Y, every zone indicator that needs population is missing, with
  the reason naming that community (``"no population row for 2024 (community b)"``) —
  a partial zone is never summed. The same rule holds for any missing part.
* Counts of records (cases, events, activities) are 0, not missing, when the table is
  present but holds no record for the unit and year; empty values inside a summed
  column (e.g. ``participants_65_plus``) are skipped.
* Default years: the years of ``population``; without it, the years found in the
  event ledgers — none after the data's as-of date.
* A dated ledger covers year Y when it has records in Y (or ``dataset.yaml``
  declares it, ``covers``); an indicator drawn from a ledger that does not cover Y
  is missing for Y with the reason ``"no records for Y in <ledger>"``, never 0.
* Services of residents not on the register at the end of Y do not count towards
  ``vulnerable_reached_pct`` / ``vulnerable_regular_pct`` (numerators are register
  members); ``service_hours_per_vulnerable`` counts all services of Y (see
  :mod:`.lin_zhu`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from types import ModuleType

import numpy as np
import pandas as pd

from . import catalogue as catalogue
from . import lin_he as lin_he
from . import lin_le as lin_le
from . import lin_zhi as lin_zhi
from . import lin_zhu as lin_zhu
from . import profile as profile
from . import satisfaction as satisfaction
from . import wushe as wushe
from ._core import Context, IndicatorFunction, Tables, evaluate
from ._core import covered_years as covered_years
from ._core import data_years as data_years
from ._core import default_years as default_years
from ._core import last_year as last_year

__all__ = ["COLUMNS", "OUTPUT_COLUMNS", "compute", "covered_years", "data_years", "default_years",
           "function", "functions", "last_year"]

#: Columns of the long table returned by :func:`compute`.
COLUMNS: tuple[str, ...] = ("unit_id", "unit_type", "year", "indicator", "value", "ci_low", "ci_high", "reason")
#: Columns written by ``linli indicators`` (the public CSV/Parquet file).
OUTPUT_COLUMNS: tuple[str, ...] = COLUMNS[:7]

#: Indicators :func:`compute` evaluates at once, in threads sharing one context (each
#: intermediate frame is still made once); their array work runs outside Python's lock.
THREADS: int = 2
#: Rows, all tables together, from which :func:`compute` uses :data:`THREADS`; below, one
#: thread. On small ledgers an indicator is mostly Python, which two threads only take turns
#: at: at 200 communities (2.1 M rows) two took a tenth longer than one, at 600 (6.3 M) as
#: long, at 2,000 (21 M) a sixth less.
THREADED_FROM_ROWS: int = 4_000_000

#: The module of each dimension.
MODULES: dict[str, ModuleType] = {
    "profile": profile,
    "wushe": wushe,
    "lin_zhi": lin_zhi,
    "lin_he": lin_he,
    "lin_zhu": lin_zhu,
    "lin_le": lin_le,
    "satisfaction": satisfaction,
}


def function(indicator_id: str) -> IndicatorFunction:
    """Return the function that computes catalogue indicator ``indicator_id``.

    >>> function("mediation_success_pct").__module__
    'linli.indicators.lin_he'
    """
    cat = catalogue.load()
    if indicator_id not in cat.by_id:
        msg = f"Unknown indicator {indicator_id!r}; known: {', '.join(cat.ids)}."
        raise KeyError(msg)
    module = MODULES[cat.by_id[indicator_id].dimension]
    func = getattr(module, indicator_id, None)
    if func is None:
        msg = f"Indicator {indicator_id!r} has no function in {module.__name__}."
        raise LookupError(msg)
    return func  # type: ignore[no-any-return]


def functions() -> dict[str, IndicatorFunction]:
    """Return every indicator function, by id, in catalogue order."""
    return {i: function(i) for i in catalogue.load().ids}


def schedule(tables: Mapping[str, pd.DataFrame]) -> list[int]:
    """The catalogue positions of the indicators in the order :func:`compute` starts them
    on several threads: the longest first, so that none is left to run alone at the end.

    An indicator's work grows with the largest table it is computed from (its catalogue
    ``tables``, as ``tables`` holds them), and most of it — the table's rows of each year,
    its roster — is made once and shared with the other indicators of that table
    (:meth:`Context.cached`). So the first indicator of each table comes first, the
    largest table's first: the threads start on different ledgers. The others follow,
    smallest table first, so that each comes when what it shares has long been made,
    and no thread waits for another; among equals, catalogue order.

    >>> ids = catalogue.load().ids
    >>> rows = {"services": 12, "vulnerable_residents": 3, "volunteers": 4, "population": 1}
    >>> tables = {name: pd.DataFrame(index=range(n)) for name, n in rows.items()}
    >>> [ids[k] for k in schedule(tables)[:3]]  # services, then volunteers, then the register
    ['vulnerable_reached_pct', 'volunteers', 'aid_activities_per_100_vulnerable']
    """
    largest = [max(((len(tables[t]), t) for t in ind.tables if t in tables), default=(0, ""))  # (rows, table)
               for ind in catalogue.load().indicators]
    by_size = sorted(range(len(largest)), key=lambda k: -largest[k][0])  # stable: catalogue order among equals
    firsts: dict[str, int] = {}
    for k in by_size:
        firsts.setdefault(largest[k][1], k)
    first = set(firsts.values())
    return [*firsts.values(), *sorted((k for k in by_size if k not in first), key=lambda k: largest[k][0])]


def compute(
    tables: Tables,
    *,
    years: Sequence[int] | None = None,
    as_of: dt.date | None = None,
    covers: Mapping[str, Sequence[int]] | None = None,
) -> pd.DataFrame:
    """Return every catalogue indicator for every unit and year, as a long table.

    Parameters
    ----------
    tables
        Clean tables keyed by contract table name; only ``communities`` is required
        (an absent table makes the indicators that need it missing, with the reason
        ``"table <name> absent"``).
    years
        Calendar years; default :func:`default_years` (the population years, else
        the years of the event ledgers) up to the year of ``as_of``.
    as_of
        The data's as-of date: no year after it is computed (a year after it in
        ``years`` is refused).
    covers
        Years a dated ledger covers without records (``dataset.yaml``'s
        ``covers``); a ledger also covers every year it has records in.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS`: ``unit_id``, ``unit_type`` (``community`` or
        ``zone``), ``year`` (int64), ``indicator`` (catalogue id), ``value``,
        ``ci_low``, ``ci_high`` (float64; the interval only for the satisfaction
        indicators) and ``reason`` (why ``value`` is missing, else NA; for a
        satisfaction indicator also why its interval is, when only that is). One row per
        unit, year and indicator, sorted by unit type (communities first), unit id,
        year and catalogue order.

    Examples
    --------
    >>> from linli.testing import example_tables
    >>> long = compute(example_tables(), years=[2024])
    >>> len(long)  # 3 units × 1 year × 49 indicators
    147
    >>> row = long.query("unit_id == 'z' and indicator == 'mediation_success_pct'")
    >>> float(row["value"].iloc[0])  # pooled: 3 resolved of 5 decided cases
    60.0
    """
    ctx = Context.build(tables, years, as_of=as_of, covers=covers)
    ids = catalogue.load().ids
    grid = ctx.unit_grid
    n_units, n_ind = len(grid), len(ids)
    value = np.full((n_units, n_ind), np.nan)
    ci_low = np.full((n_units, n_ind), np.nan)
    ci_high = np.full((n_units, n_ind), np.nan)
    reason = np.full((n_units, n_ind), None, dtype=object)
    bodies = [function(i).body for i in ids]  # type: ignore[attr-defined]
    threads = THREADS if sum(len(t) for t in tables.values()) >= THREADED_FROM_ROWS else 1
    order = schedule(tables) if threads > 1 else list(range(n_ind))
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="linli-indicator") as pool:
        done = dict(zip(order, pool.map(lambda k: evaluate(bodies[k], ctx), order), strict=True))
    frames = [done[k] for k in range(n_ind)]
    for k, frame in enumerate(frames):
        value[:, k] = frame["value"].to_numpy(dtype="float64")
        if "ci_low" in frame.columns:
            ci_low[:, k] = frame["ci_low"].to_numpy(dtype="float64")
            ci_high[:, k] = frame["ci_high"].to_numpy(dtype="float64")
        r = frame["reason"]
        reason[:, k] = np.where(r.isna().to_numpy(), None, r.to_numpy(dtype=object))
    out = pd.DataFrame(
        {
            "unit_id": pd.array(np.repeat(grid.get_level_values("unit_id").to_numpy(dtype=object), n_ind), dtype="string"),
            "unit_type": pd.array(np.repeat(grid.get_level_values("unit_type").to_numpy(dtype=object), n_ind), dtype="string"),
            "year": np.repeat(grid.get_level_values("year").to_numpy(dtype="int64"), n_ind),
            "indicator": pd.array(np.tile(np.array(ids, dtype=object), n_units), dtype="string"),
            "value": value.ravel(),
            "ci_low": ci_low.ravel(),
            "ci_high": ci_high.ravel(),
            "reason": pd.array(reason.ravel(), dtype="string"),
        }
    )
    return out
