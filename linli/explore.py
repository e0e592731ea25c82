"""Tables for the researcher notebooks (``notebooks/explore/``): ledgers and rosters looked at
from the side.

The indicators (:mod:`linli.indicators`) boil each ledger down to one number per unit and
year; these helpers show what lies behind the numbers: a ledger month by month, a roster's
stock and flow year by year, team sizes, mediation outcomes by dispute type, the mix of
mediators, durations, repeat-dispute compounds, open cases — and the comparison that shows
why a zone value is not the mean of its communities' values.

Every function is pure: tables in (the clean tables of :func:`linli.load_dataset`), a
DataFrame out; nothing is read, written or drawn. The rules are the indicators' (docs/indicators.md):

* a roster member is *active at the end of Y* when ``year(start) ≤ Y`` and (``end`` is
  empty or ``year(end) > Y``);
* a case is *in Y* when its ``received_on`` falls in Y;
* durations are whole days, ``closed_on − received_on``.

Examples use the worked dataset of :func:`linli.testing.example_tables`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from . import dataset, indicators
from .checks import require_columns
from .contract import DISPUTE_TYPES, MEDIATORS, OUTCOMES, TABLES
from .errors import ContractError
from .indicators import catalogue as catalogue_mod
from .indicators.lin_he import REPEAT_CASES, mediator_count
from .labels import check_lang, indicator_name, unit_label, unit_names, word

__all__ = [
    "FLOW_COLUMNS",
    "KIND_COLUMNS",
    "case_durations",
    "case_outcomes",
    "dataset_indicators",
    "indicator_targets",
    "indicator_values",
    "mediator_involvement",
    "mediator_kinds",
    "monthly_counts",
    "pending_cases",
    "pooled_vs_mean",
    "repeat_compounds",
    "roster_flows",
    "team_sizes",
    "zone_names",
]

#: Columns of :func:`roster_flows`.
FLOW_COLUMNS: tuple[str, ...] = ("active_start", "joined", "left", "active_end")
#: Columns of :func:`mediator_kinds` counting cases by their number of distinct mediator kinds.
KIND_COLUMNS: tuple[str, ...] = ("0", "1", "2", "3", "4+")


# ------------------------------------------------------------------------- helpers


def _dates(frame: pd.DataFrame, column: str) -> pd.Series:
    values = frame[column]
    if pd.api.types.is_datetime64_any_dtype(values):
        return values
    try:
        return pd.to_datetime(values, format="ISO8601")
    except (TypeError, ValueError):
        msg = f"Column {column!r} is not a date column (dtype {values.dtype})."
        raise ContractError(msg) from None


def _month(value: str | pd.Timestamp, name: str) -> pd.Period:
    try:
        return pd.Period(value, "M")
    except (TypeError, ValueError):
        msg = f"{name}={value!r}: not a month; write it as 2024-03."
        raise ContractError(msg) from None


def _day(value: str | dt.date | pd.Timestamp, name: str) -> pd.Timestamp:
    try:
        when = pd.Timestamp(value)
    except (TypeError, ValueError):
        when = pd.NaT
    if pd.isna(when):
        msg = f"{name}={value!r}: not a date; write it as 2024-12-31."
        raise ContractError(msg)
    return when


def _year_of(frame: pd.DataFrame, column: str) -> np.ndarray:
    """Calendar year of each date as float (NaN when empty)."""
    return _dates(frame, column).dt.year.to_numpy(dtype="float64", na_value=np.nan)


def _in_year(cases: pd.DataFrame, year: int | None) -> pd.DataFrame:
    """Cases received in ``year`` (all cases when None)."""
    require_columns(cases, ("received_on",), what="case ledger")
    if year is None:
        return cases
    keep = _year_of(cases, "received_on") == int(year)
    return cases.loc[keep]


def _groups(values: pd.Series, order: Sequence[str] | None) -> list[str]:
    """Group labels: ``order`` first (all of it), then any other value found, sorted."""
    found = sorted({str(v) for v in values.dropna()})
    if order is None:
        return found
    return [*order, *[v for v in found if v not in order]]


def _with_total(table: pd.DataFrame, total: str | None, counts: Sequence[str]) -> pd.DataFrame:
    if total is None:
        return table
    if total in table.index:
        msg = f"The total row's label {total!r} is also a group; pass another total=."
        raise ContractError(msg)
    row = table[list(counts)].sum().to_frame(total).T.astype("int64")
    return pd.concat([table, row])


def _pct(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    num = numerator.to_numpy(dtype="float64")
    den = denominator.to_numpy(dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(den > 0, num / den * 100.0, np.nan)
    return pd.Series(out, index=numerator.index)


# --------------------------------------------------------------------- indicators


def dataset_indicators(ds: dataset.Dataset, *, years: Sequence[int] | None = None) -> pd.DataFrame:
    """Return every indicator of a loaded dataset, as ``linli build`` computes them for the reports.

    :func:`linli.indicators.compute` with the dataset's as-of date (no year that ends
    after it) and the years ``dataset.yaml`` declares each ledger to cover (``covers``: 0,
    not missing, in a declared year without records) — the numbers of the reports, where
    ``compute(ds.tables)`` alone would know neither.

    Parameters
    ----------
    ds
        A dataset of :func:`linli.load_dataset`.
    years
        Calendar years (default: every year of the data ended by the as-of date).

    Returns
    -------
    pandas.DataFrame
        The long table of :func:`linli.indicators.compute`.

    Examples
    --------
    >>> import datetime as dt
    >>> from pathlib import Path
    >>> from linli.dataset import Dataset
    >>> from linli.testing import example_tables
    >>> ds = Dataset(data_dir=Path("worked"), as_of=dt.date(2024, 12, 31), tables=example_tables(),
    ...              quarantine=pd.DataFrame(), provenance=pd.DataFrame())
    >>> long = dataset_indicators(ds)
    >>> sorted(set(long["year"]))
    [2024]
    """
    return indicators.compute(ds.tables, years=years, as_of=ds.as_of, covers=ds.covers)


def indicator_values(
    long: pd.DataFrame,
    *,
    indicators: Sequence[str],
    unit_type: str | None = None,
    years: Sequence[int] | None = None,
) -> pd.DataFrame:
    """Return chosen indicators of the long table side by side, one row per unit and year.

    Parameters
    ----------
    long
        The long indicator table of :func:`linli.indicators.compute`.
    indicators
        Indicator ids, in the column order wanted.
    unit_type
        ``"community"`` or ``"zone"`` to keep one kind of unit; None keeps both.
    years
        Years to keep; None keeps every year of the table.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``(unit_id, year)`` in the long table's order (communities, then
        zones), one float column per indicator.

    Examples
    --------
    >>> from linli.indicators import compute
    >>> from linli.testing import example_tables
    >>> long = compute(example_tables(), years=[2024])
    >>> indicator_values(long, indicators=["volunteers", "social_orgs"])  # doctest: +NORMALIZE_WHITESPACE
                  volunteers  social_orgs
    unit_id year
    a       2024         3.0          1.0
    b       2024         2.0          1.0
    z       2024         5.0          2.0
    """
    require_columns(long, ("unit_id", "unit_type", "year", "indicator", "value"), what="indicator table")
    known = set(map(str, pd.unique(long["indicator"])))
    unknown = [i for i in indicators if i not in known]
    if unknown:
        msg = f"Unknown indicator(s) {unknown}; known: {', '.join(sorted(known))}."
        raise ContractError(msg)
    if unit_type is not None and unit_type not in ("community", "zone"):
        msg = f"Unknown unit_type {unit_type!r}; valid: community, zone (or None for both)."
        raise ContractError(msg)
    rows = long[long["indicator"].isin(list(indicators))]
    if unit_type is not None:
        rows = rows[rows["unit_type"] == unit_type]
    if years is not None:
        rows = rows[rows["year"].isin([int(y) for y in years])]
    units = pd.unique(rows["unit_id"])
    wide = rows.pivot_table(index=["unit_id", "year"], columns="indicator", values="value",
                            aggfunc="last", dropna=False, sort=False)
    wide = wide.reindex(columns=list(indicators))
    order = {str(u): i for i, u in enumerate(units)}
    keys = [(order[str(u)], int(y)) for u, y in wide.index]
    wide = wide.iloc[sorted(range(len(keys)), key=keys.__getitem__)]
    wide.columns.name = None
    wide.index = pd.MultiIndex.from_arrays(
        [wide.index.get_level_values(0).astype(str), wide.index.get_level_values(1).astype("int64")],
        names=["unit_id", "year"],
    )
    return wide.astype("float64")


def indicator_targets(indicators: Sequence[str] | None = None, *, lang: str = "zh") -> pd.DataFrame:
    """Return the targets and benchmarks of the indicators catalogue, one row per indicator.

    Parameters
    ----------
    indicators
        Indicator ids, in the row order wanted; an indicator without a target or benchmark
        has no row. None: every indicator that has one, in catalogue order.
    lang
        The language of the names, kinds, units and sources.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``indicator``: its ``name``; the ``kind`` (target or benchmark); the
        ``comparison`` (``≥``, ``>`` …), the ``value`` and its ``unit`` (``x ≥ 96.0 %``); the
        ``year`` it is set for (empty when none); the ``source`` (title, issuer, year).

    Raises
    ------
    ContractError
        When an indicator id is not in the catalogue.

    Examples
    --------
    >>> t = indicator_targets(["mediation_success_pct", "volunteers"], lang="en")
    >>> row = t.loc["mediation_success_pct"]
    >>> f"{row['kind']}: x {row['comparison']} {row['value']} {row['unit']}"
    'benchmark: x ≥ 96.0 %'
    >>> t.index.tolist()  # volunteers has neither
    ['mediation_success_pct']
    >>> t.loc["mediation_success_pct", "source"]
    "Success rate of people's mediation organisations nationwide (Ministry of Justice data for 2018, reported by China National Radio), Ministry of Justice (2018)"
    """
    check_lang(lang)
    catalogue = catalogue_mod.load()
    ids = [i.id for i in catalogue.indicators] if indicators is None else list(indicators)
    unknown = [i for i in ids if i not in catalogue.by_id]
    if unknown:
        msg = f"Unknown indicator(s) {unknown}; known: {', '.join(sorted(catalogue.by_id))}."
        raise ContractError(msg)
    rows = []
    for ind_id in ids:
        t = catalogue.by_id[ind_id].target
        if t is None:
            continue
        src = t.source
        title, issuer = (src.title, src.issuer) if lang == "zh" else (src.title_en or src.title, src.issuer_en or src.issuer)
        when = "" if src.year is None else (f"（{src.year}）" if lang == "zh" else f" ({src.year})")
        source = (f"{title}，{issuer}" if lang == "zh" else f"{title}, {issuer}") if issuer else title
        rows.append({"indicator": ind_id, "name": indicator_name(ind_id, lang=lang), "kind": word(t.kind, lang=lang),
                     "comparison": catalogue_mod.COMPARISON_SYMBOLS[t.comparison], "value": float(t.value),
                     "unit": unit_label(ind_id, lang=lang), "year": t.year, "source": source + when})
    columns = ["indicator", "name", "kind", "comparison", "value", "unit", "year", "source"]
    frame = pd.DataFrame(rows, columns=columns).set_index("indicator")
    frame["year"] = frame["year"].astype("Int64")
    return frame


def zone_names(meta: Mapping[str, object], *, lang: str = "zh") -> dict[str, str]:
    """Return zone id -> display name from a dataset's description (``Dataset.meta``).

    ``dataset.yaml`` may name its zones: ``zones: {renmin: {name_zh: 人民街道, name_en:
    Renmin Street}}``; a zone without the name in ``lang`` falls back to ``name_zh``
    (:func:`linli.labels.unit_names`).
    Pass the result as ``names=`` to a plot so the zone is named rather than shown by id.

    Parameters
    ----------
    meta
        The dataset's description, ``Dataset.meta``.
    lang
        ``"zh"`` or ``"en"``.

    Examples
    --------
    >>> zone_names({"zones": {"renmin": {"name_zh": "人民街道", "name_en": "Renmin Street"}}})
    {'renmin': '人民街道'}
    >>> zone_names({"zones": {"renmin": {"name_zh": "人民街道"}}}, lang="en")
    {'renmin': '人民街道'}
    >>> zone_names({})
    {}
    """
    return unit_names(dataset.declared_zones(meta), lang=lang)


def _by_community(values: pd.Series, year: int | None, what: str) -> pd.Series:
    """``values`` as a Series indexed by community id (one year's, community rows only)."""
    s = values
    if isinstance(s.index, pd.MultiIndex):
        names = list(s.index.names)
        if "unit_type" in names:
            s = s[s.index.get_level_values("unit_type") == "community"].droplevel("unit_type")
            names.remove("unit_type")
        if "year" in names:
            if year is None:
                msg = f"The {what} has a year level; pass year=."
                raise ContractError(msg)
            s = s[s.index.get_level_values("year") == int(year)].droplevel("year")
            names.remove("year")
        if len(names) != 1:
            msg = f"The {what} must be indexed by community (and year); got levels {names}."
            raise ContractError(msg)
    out = pd.Series(s.to_numpy(dtype="float64", na_value=np.nan), index=s.index.astype(str))
    if out.index.duplicated().any():
        msg = f"The {what} has more than one value for a community."
        raise ContractError(msg)
    return out


def pooled_vs_mean(
    numerator: pd.Series,
    denominator: pd.Series,
    *,
    year: int | None = None,
    scale: float = 1.0,
    zone: str = "zone",
    mean: str = "mean",
) -> pd.DataFrame:
    """Return each community's ratio, the plain mean of them and the pooled zone ratio.

    ``value_c = n_c ÷ d_c × scale``; the zone pools the records,
    ``value_zone = Σ n_c ÷ Σ d_c × scale = Σ w_c · value_c`` with the weights
    ``w_c = d_c ÷ Σ d_c``; the mean of community values ``Σ value_c ÷ k`` gives each
    community the same weight ``1 ÷ k`` and so differs from the zone value whenever the
    denominators differ. The pooled value is missing when any community's numerator or
    denominator is (a partial zone is never summed), and so is the mean.

    Parameters
    ----------
    numerator, denominator
        Values per community: a Series indexed by community id, or by a MultiIndex with a
        ``year`` level (then ``year`` is required) and optionally ``unit_type`` (only
        ``community`` rows are kept), as an indicator function or
        :func:`roster_flows` returns.
    year
        The year to take when the inputs have a ``year`` level.
    scale
        Multiplier (100 for a percentage, 10,000 for "per 10k").
    zone, mean
        Labels of the pooled row and of the mean row.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``unit_id`` — the communities, then ``mean``, then ``zone`` — with
        ``numerator``, ``denominator``, ``weight`` (``w_c``; 1 for the zone, NaN for the
        mean) and ``value``.

    Examples
    --------
    Mediation success of the worked dataset: a resolved 1 of 2 decided cases, b 2 of 3.

    >>> t = pooled_vs_mean(pd.Series({"a": 1, "b": 2}), pd.Series({"a": 2, "b": 3}), scale=100)
    >>> t.round(2)  # doctest: +NORMALIZE_WHITESPACE
          numerator  denominator  weight  value
    unit_id
    a           1.0          2.0     0.4  50.00
    b           2.0          3.0     0.6  66.67
    mean        NaN          NaN     NaN  58.33
    zone        3.0          5.0     1.0  60.00
    """
    if not isinstance(numerator, pd.Series) or not isinstance(denominator, pd.Series):
        msg = "numerator and denominator must be pandas Series indexed by community."
        raise ContractError(msg)
    num = _by_community(numerator, year, "numerator")
    den = _by_community(denominator, year, "denominator")
    ids = sorted(set(num.index) | set(den.index))
    for label in (zone, mean):
        if label in ids:
            msg = f"The row label {label!r} is also a community id; pass another zone=/mean=."
            raise ContractError(msg)
    num, den = num.reindex(ids), den.reindex(ids)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.where(den.to_numpy() > 0, num.to_numpy() / den.to_numpy() * scale, np.nan)
    complete = not (num.isna().any() or den.isna().any())
    n_sum = float(num.sum()) if complete else np.nan
    d_sum = float(den.sum()) if complete else np.nan
    pooled = n_sum / d_sum * scale if complete and d_sum > 0 else np.nan
    weight = den.to_numpy() / d_sum if complete and d_sum > 0 else np.full(len(ids), np.nan)
    plain = float(np.mean(value)) if len(value) and not np.isnan(value).any() else np.nan
    out = pd.DataFrame(
        {
            "numerator": [*num.to_numpy(), np.nan, n_sum],
            "denominator": [*den.to_numpy(), np.nan, d_sum],
            "weight": [*weight, np.nan, 1.0 if np.isfinite(pooled) else np.nan],
            "value": [*value, plain, pooled],
        },
        index=pd.Index([*ids, mean, zone], name="unit_id"),
    )
    return out.astype("float64")


# ------------------------------------------------------------------------ ledgers


def monthly_counts(
    ledger: pd.DataFrame,
    *,
    date_column: str,
    by: str | None = "community_id",
    start: str | pd.Timestamp | None = None,
    end: str | pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Return the number of ledger rows per calendar month, one column per group.

    Months between the first and last (or ``start`` and ``end``) without a row count 0;
    rows without a date are not counted.

    Parameters
    ----------
    ledger
        An event ledger, e.g. ``mediation_cases`` or ``volunteer_activities``.
    date_column
        The date that places a row in a month (``received_on``, ``date`` …).
    by
        The column whose values become the columns (default ``community_id``); None
        gives one column, ``total``.
    start, end
        First and last month (inclusive); default the data's range.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``month`` (monthly ``Period``), one int64 column per group (sorted).

    Examples
    --------
    >>> from linli.testing import example_tables
    >>> cases = example_tables()["mediation_cases"]
    >>> monthly_counts(cases, date_column="received_on", start="2024-01", end="2024-03")  # doctest: +NORMALIZE_WHITESPACE
             a  b
    month
    2024-01  1  0
    2024-02  0  0
    2024-03  1  0
    """
    require_columns(ledger, [date_column] + ([by] if by else []), what="ledger")
    dates = _dates(ledger, date_column)
    keep = dates.notna().to_numpy()
    month = dates[keep].dt.to_period("M")
    group = ledger.loc[keep, by].astype("string").fillna("") if by else pd.Series("total", index=month.index)
    first = _month(start, "start") if start is not None else (month.min() if len(month) else None)
    last = _month(end, "end") if end is not None else (month.max() if len(month) else None)
    if start is not None and end is not None and first > last:
        msg = f"start {first} is after end {last}; give the first month, then the last."
        raise ContractError(msg)
    groups = sorted(set(group.astype(str))) if len(group) else (["total"] if by is None else [])
    if first is None or last is None:
        return pd.DataFrame(columns=groups, index=pd.PeriodIndex([], freq="M", name="month"), dtype="int64")
    months = pd.period_range(first, last, freq="M", name="month")
    counts = pd.crosstab(month.to_numpy(), group.astype(str).to_numpy())
    counts.index = pd.PeriodIndex(counts.index, freq="M")
    out = counts.reindex(index=months, columns=groups, fill_value=0).astype("int64")
    out.index.name = "month"
    out.columns.name = None
    return out


def case_outcomes(
    cases: pd.DataFrame,
    *,
    by: str = "dispute_type",
    year: int | None = None,
    total: str | None = "total",
) -> pd.DataFrame:
    """Return mediation cases counted by ``by`` and outcome, with the success rate.

    ``success_pct = resolved ÷ decided × 100`` where ``decided = total − pending``, as
    ``mediation_success_pct`` defines it; a ``total`` row pools every group, so with
    ``by="community_id"`` it reproduces the zone value.

    Parameters
    ----------
    cases
        The ``mediation_cases`` ledger.
    by
        The grouping column: ``dispute_type`` (default; every code of the contract is a
        row, in contract order) or e.g. ``community_id``.
    year
        Only cases received in this year; None takes every case.
    total
        Label of the row that sums every group; None leaves it out.

    Returns
    -------
    pandas.DataFrame
        Indexed by the groups, with one int64 column per outcome code (contract order:
        ``resolved, partial, failed, referred, pending``), ``cases``, ``decided`` and
        ``success_pct`` (float, NaN when nothing is decided).

    Examples
    --------
    >>> from linli.testing import example_tables
    >>> cases = example_tables()["mediation_cases"]
    >>> t = case_outcomes(cases, by="community_id", year=2024)
    >>> t[["resolved", "failed", "referred", "pending", "decided", "success_pct"]].round(2)
           resolved  failed  referred  pending  decided  success_pct
    a             1       1         0        1        2        50.00
    b             2       0         1        0        3        66.67
    total         3       1         1        1        5        60.00
    """
    require_columns(cases, (by, "outcome"), what="case ledger")
    rows = _in_year(cases, year)
    groups = _groups(rows[by], list(DISPUTE_TYPES) if by == "dispute_type" else None)
    outcomes = _groups(rows["outcome"], list(OUTCOMES))
    keep = rows[by].notna() & rows["outcome"].notna()
    table = pd.crosstab(rows.loc[keep, by].astype(str).to_numpy(),
                        rows.loc[keep, "outcome"].astype(str).to_numpy())
    table = table.reindex(index=groups, columns=outcomes, fill_value=0).astype("int64")
    table.index.name, table.columns.name = None, None
    table["cases"] = table[outcomes].sum(axis=1)
    table["decided"] = table["cases"] - table["pending"]
    table = _with_total(table, total, [*outcomes, "cases", "decided"])
    table["success_pct"] = _pct(table["resolved"], table["decided"])
    return table


def mediator_kinds(
    cases: pd.DataFrame,
    *,
    by: str = "community_id",
    year: int | None = None,
    total: str | None = "total",
) -> pd.DataFrame:
    """Return cases counted by their number of distinct mediator kinds ("1+N").

    A case is *joint* when two or more distinct mediator codes took part;
    ``joint_pct = joint ÷ cases × 100``, as ``joint_mediation_pct`` defines it.

    Parameters
    ----------
    cases
        The ``mediation_cases`` ledger (``mediators``: ``;``-joined codes).
    by
        The grouping column (default ``community_id``).
    year
        Only cases received in this year; None takes every case.
    total
        Label of the row that sums every group; None leaves it out.

    Returns
    -------
    pandas.DataFrame
        Indexed by the groups, with int64 columns ``0``, ``1``, ``2``, ``3``, ``4+``
        (:data:`KIND_COLUMNS`: cases with that many kinds), ``cases``, ``joint`` and the
        float ``joint_pct``.

    Examples
    --------
    >>> from linli.testing import example_tables
    >>> cases = example_tables()["mediation_cases"]
    >>> mediator_kinds(cases, year=2024).round(2)
           0  1  2  3  4+  cases  joint  joint_pct
    a      0  1  2  0   0      3      2      66.67
    b      1  1  0  1   0      3      1      33.33
    total  1  2  2  1   0      6      3      50.00
    """
    require_columns(cases, (by, "mediators"), what="case ledger")
    rows = _in_year(cases, year)
    rows = rows.loc[rows[by].notna().to_numpy()]
    kinds = mediator_count(rows["mediators"].reset_index(drop=True)).to_numpy()
    label = np.array(KIND_COLUMNS, dtype=object)[np.minimum(kinds, len(KIND_COLUMNS) - 1)]
    groups = _groups(rows[by], None)
    table = pd.crosstab(rows[by].astype(str).to_numpy(), label) if len(rows) else pd.DataFrame()
    table = table.reindex(index=groups, columns=list(KIND_COLUMNS), fill_value=0).astype("int64")
    table.index.name, table.columns.name = None, None
    table["cases"] = table[list(KIND_COLUMNS)].sum(axis=1)
    table["joint"] = table[list(KIND_COLUMNS[2:])].sum(axis=1)
    table = _with_total(table, total, [*KIND_COLUMNS, "cases", "joint"])
    table["joint_pct"] = _pct(table["joint"], table["cases"])
    return table


def mediator_involvement(
    cases: pd.DataFrame,
    *,
    by: str = "community_id",
    year: int | None = None,
    percent: bool = False,
    total: str | None = "total",
) -> pd.DataFrame:
    """Return how many cases each kind of mediator took part in.

    A case counts once per distinct mediator code, so a row's counts add up to more than
    its cases when mediation was joint. With ``percent`` the counts become shares of the
    group's cases, ``involved ÷ cases × 100``.

    Parameters
    ----------
    cases
        The ``mediation_cases`` ledger.
    by
        The grouping column (default ``community_id``).
    year
        Only cases received in this year; None takes every case.
    percent
        Return % of the group's cases instead of counts.
    total
        Label of the row over every group; None leaves it out.

    Returns
    -------
    pandas.DataFrame
        Indexed by the groups, one column per mediator code (contract order: ``police,
        grid_worker, volunteer, party_member, owners_committee, lawyer, social_worker``)
        and ``cases``; int64 counts, or float percentages with ``percent``.

    Examples
    --------
    >>> from linli.testing import example_tables
    >>> cases = example_tables()["mediation_cases"]
    >>> mediator_involvement(cases, year=2024)[["police", "grid_worker", "cases"]]
           police  grid_worker  cases
    a           2            2      3
    b           2            1      3
    total       4            3      6
    """
    require_columns(cases, (by, "mediators"), what="case ledger")
    rows = _in_year(cases, year)
    rows = rows.loc[rows[by].notna().to_numpy()].reset_index(drop=True)
    codes = rows["mediators"].astype("string").str.split(";").explode().str.strip()
    codes = codes[codes.notna() & (codes != "")]
    pairs = pd.DataFrame({"case": codes.index.to_numpy(), "code": codes.to_numpy(dtype=object)})
    pairs = pairs.drop_duplicates()
    groups = _groups(rows[by], None)
    mediators = _groups(pairs["code"], list(MEDIATORS))
    group_of = rows[by].astype(str).to_numpy()
    table = (pd.crosstab(group_of[pairs["case"].to_numpy()], pairs["code"].to_numpy())
             if len(pairs) else pd.DataFrame())
    table = table.reindex(index=groups, columns=mediators, fill_value=0).astype("int64")
    table.index.name, table.columns.name = None, None
    table["cases"] = pd.Series(group_of).value_counts().reindex(groups, fill_value=0).to_numpy()
    table = _with_total(table, total, [*mediators, "cases"])
    if percent:
        cases_n = table["cases"]
        shares = {m: _pct(table[m], cases_n) for m in mediators}
        table = pd.DataFrame(shares, index=table.index).assign(cases=cases_n)
    return table


def case_durations(
    cases: pd.DataFrame,
    *,
    year: int | None = None,
    outcomes: Sequence[str] | None = ("resolved",),
) -> pd.DataFrame:
    """Return the closed cases with their duration in whole days.

    ``days = closed_on − received_on``; with the default ``outcomes`` these are the cases
    whose median is ``mediation_median_days``.

    Parameters
    ----------
    cases
        The ``mediation_cases`` ledger.
    year
        Only cases received in this year; None takes every case.
    outcomes
        Outcome codes to keep (default resolved cases only); None keeps every closed case.

    Returns
    -------
    pandas.DataFrame
        ``case_id, community_id, compound_id, dispute_type, outcome, year, days`` — one row
        per closed case, ``year`` the year received, ``days`` int64.

    Examples
    --------
    >>> from linli.testing import example_tables
    >>> cases = example_tables()["mediation_cases"]
    >>> case_durations(cases, year=2024)[["case_id", "community_id", "days"]]
      case_id community_id  days
    0      m1            a    10
    1      m5            b     4
    2      m6            b     6
    """
    require_columns(cases, ("case_id", "community_id", "received_on", "closed_on", "outcome"), what="case ledger")
    rows = _in_year(cases, year)
    keep = rows["closed_on"].notna().to_numpy()
    if outcomes is not None:
        keep = keep & rows["outcome"].isin(list(outcomes)).fillna(False).to_numpy(dtype=bool)
    rows = rows.loc[keep]
    received = _dates(rows, "received_on")
    days = (_dates(rows, "closed_on") - received).dt.days
    columns = [c for c in ("case_id", "community_id", "compound_id", "dispute_type", "outcome")
               if c in rows.columns]
    out = rows[columns].assign(year=received.dt.year.astype("int64"), days=days.astype("int64"))
    return out.reset_index(drop=True)


def repeat_compounds(
    cases: pd.DataFrame,
    *,
    year: int,
    min_cases: int = REPEAT_CASES,
    compounds: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Return the compounds with ``min_cases`` or more cases received in ``year``.

    Cases without a ``compound_id`` are not attributed to a compound. With the default
    threshold (3) the number of rows per community is ``repeat_dispute_compounds``.

    Parameters
    ----------
    cases
        The ``mediation_cases`` ledger.
    year
        The year the cases were received in.
    min_cases
        Threshold of cases in the year.
    compounds
        The ``compounds`` table, to add each compound's ``name_zh`` and ``households``.

    Returns
    -------
    pandas.DataFrame
        ``community_id, compound_id, [name_zh, households,] cases, main_dispute_type``
        (the most frequent dispute type; ties go to the first code in contract order),
        sorted by cases (most first), community and compound.

    Examples
    --------
    >>> from linli.testing import example_tables
    >>> t = example_tables()
    >>> repeat_compounds(t["mediation_cases"], year=2024, compounds=t["compounds"])
      community_id compound_id name_zh  households  cases main_dispute_type
    0            a         ca1      甲一         300      3           parking
    1            b         cb1      乙一         600      3          property
    """
    require_columns(cases, ("community_id", "compound_id", "dispute_type"), what="case ledger")
    if int(min_cases) < 1:
        msg = f"min_cases must be at least 1, got {min_cases!r}."
        raise ContractError(msg)
    rows = _in_year(cases, year)
    compound = rows["compound_id"].astype("string").str.strip()
    keep = (compound.notna() & (compound != "")).to_numpy(dtype=bool)
    rows = pd.DataFrame({
        "community_id": rows["community_id"].astype(str).to_numpy()[keep],
        "compound_id": compound.to_numpy(dtype=object)[keep],
        "dispute_type": rows["dispute_type"].astype("string").fillna("").to_numpy(dtype=object)[keep],
    })
    counts = rows.groupby(["community_id", "compound_id"]).size().rename("cases")
    rank = {code: i for i, code in enumerate(DISPUTE_TYPES)}
    by_type = rows.groupby(["community_id", "compound_id", "dispute_type"]).size().rename("n").reset_index()
    by_type["rank"] = by_type["dispute_type"].map(rank).fillna(len(rank))
    main = (by_type.sort_values(["community_id", "compound_id", "n", "rank"],
                                ascending=[True, True, False, True])
            .drop_duplicates(["community_id", "compound_id"])
            .set_index(["community_id", "compound_id"])["dispute_type"].rename("main_dispute_type"))
    out = pd.concat([counts, main], axis=1).reset_index()
    out = out[out["cases"] >= int(min_cases)]
    if compounds is not None:
        require_columns(compounds, ("compound_id", "name_zh", "households"), what="compounds table")
        info = pd.DataFrame(compounds[["compound_id", "name_zh", "households"]]).astype(
            {"compound_id": str})
        out = out.merge(info, on="compound_id", how="left")
        out = out[["community_id", "compound_id", "name_zh", "households", "cases", "main_dispute_type"]]
    out = out.sort_values(["cases", "community_id", "compound_id"], ascending=[False, True, True])
    return out.reset_index(drop=True).astype({"cases": "int64"})


def pending_cases(cases: pd.DataFrame, *, as_of: str | dt.date | pd.Timestamp) -> pd.DataFrame:
    """Return the cases still open at ``as_of``: outcome ``pending`` or no ``closed_on``.

    ``days_open = as_of − received_on`` in whole days.

    Parameters
    ----------
    cases
        The ``mediation_cases`` ledger.
    as_of
        The data's as-of date (``Dataset.as_of``).

    Returns
    -------
    pandas.DataFrame
        ``case_id, community_id, compound_id, dispute_type, mediators, outcome,
        received_on, days_open``, longest open first.

    Examples
    --------
    >>> from linli.testing import example_tables
    >>> cases = example_tables()["mediation_cases"]
    >>> pending_cases(cases, as_of="2024-12-31")[["case_id", "outcome", "days_open"]]
      case_id  outcome  days_open
    0      m3  pending         11
    """
    require_columns(cases, ("case_id", "community_id", "received_on", "closed_on", "outcome"), what="case ledger")
    when = _day(as_of, "as_of")
    open_ = (cases["outcome"].astype("string") == "pending").fillna(False).to_numpy(dtype=bool)
    open_ = open_ | cases["closed_on"].isna().to_numpy()
    rows = cases.loc[open_]
    columns = [c for c in ("case_id", "community_id", "compound_id", "dispute_type", "mediators",
                           "outcome", "received_on") if c in rows.columns]
    days = (when - _dates(rows, "received_on")).dt.days.astype("int64")
    out = rows[columns].assign(days_open=days.to_numpy())
    out = out.sort_values(["days_open", "case_id"], ascending=[False, True])
    return out.reset_index(drop=True)


# ------------------------------------------------------------------------ rosters


def roster_flows(
    roster: pd.DataFrame,
    *,
    start: str,
    end: str,
    years: Sequence[int],
    by: str = "community_id",
) -> pd.DataFrame:
    """Return a roster's stock and flow per group and year: joined, left, active.

    With ``s = year(start)`` and ``e = year(end)`` (empty ``e``: still a member):

    * ``active_end``   — active at the end of Y: ``s ≤ Y`` and (``e`` empty or ``e > Y``),
      the count the indicators use (``volunteers``, ``social_orgs`` …);
    * ``active_start`` — active at the end of Y − 1;
    * ``joined``       — ``s = Y`` (and ``e`` empty or ``e ≥ Y``);
    * ``left``         — ``e = Y`` and ``s ≤ Y``.

    so that ``active_end = active_start + joined − left`` holds in every row (a member who
    joins and leaves in the same year counts in both flows).

    Parameters
    ----------
    roster
        A roster: ``volunteers``, ``social_organizations``, ``charity_resources`` or
        ``social_workers``.
    start, end
        Its start and end date columns (``registered_on`` / ``left_on`` for volunteers;
        ``linli.contract.TABLES[name].start`` and ``.end`` give them).
    years
        Calendar years.
    by
        The grouping column (default ``community_id``; ``team`` works too).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``(by, year)`` — every group found, every year — with the int64
        columns :data:`FLOW_COLUMNS`.

    Examples
    --------
    >>> from linli.testing import example_tables
    >>> vols = example_tables()["volunteers"]
    >>> roster_flows(vols, start="registered_on", end="left_on", years=[2023, 2024])  # doctest: +NORMALIZE_WHITESPACE
                       active_start  joined  left  active_end
    community_id year
    a            2023             2       2     0           4
                 2024             4       0     1           3
    b            2023             0       0     0           0
                 2024             0       2     0           2
    """
    require_columns(roster, (by, start), what="roster")
    ys = np.array(sorted({int(y) for y in years}), dtype="float64")
    if not len(ys):
        msg = "Give at least one year, e.g. years=[2024]."
        raise ContractError(msg)
    s = _year_of(roster, start)
    e = _year_of(roster, end) if end in roster.columns else np.full(len(roster), np.nan)
    keep = roster[by].notna().to_numpy() & ~np.isnan(s)
    s, e = s[keep, None], e[keep, None]
    still = np.isnan(e)
    flows = {
        "active_start": (s <= ys - 1) & (still | (e > ys - 1)),
        "joined": (s == ys) & (still | (e >= ys)),
        "left": (e == ys) & (s <= ys),
        "active_end": (s <= ys) & (still | (e > ys)),
    }
    codes, groups = pd.factorize(roster.loc[keep, by].astype(str), sort=True)
    n_g, n_y = len(groups), len(ys)
    out = {}
    for name, hit in flows.items():
        counts = np.zeros((n_g, n_y), dtype="int64")
        np.add.at(counts, codes, hit.astype("int64"))
        out[name] = counts.ravel()
    index = pd.MultiIndex.from_product([pd.Index(groups, dtype=object), ys.astype("int64")],
                                       names=[by, "year"])
    return pd.DataFrame(out, index=index, columns=list(FLOW_COLUMNS))


def team_sizes(volunteers: pd.DataFrame, *, year: int) -> pd.DataFrame:
    """Return the volunteers active at the end of ``year`` in each team.

    A team is its (community, non-empty ``team`` name) pair, the name stripped of
    surrounding white space, as ``volunteer_teams`` counts them: the number of rows per
    community is that indicator. Volunteers without a team are not listed.

    Parameters
    ----------
    volunteers
        The ``volunteers`` roster.
    year
        The year whose end is looked at.

    Returns
    -------
    pandas.DataFrame
        ``community_id, team, members`` (int64), by community, then largest team first.

    Examples
    --------
    >>> from linli.testing import example_tables
    >>> team_sizes(example_tables()["volunteers"], year=2024)
      community_id    team  members
    0            a  patrol        2
    1            b    care        1
    2            b  patrol        1
    """
    spec = TABLES["volunteers"]
    assert spec.start is not None and spec.end is not None
    require_columns(volunteers, ("community_id", "team", spec.start), what="volunteers roster")
    s = _year_of(volunteers, spec.start)
    e = _year_of(volunteers, spec.end) if spec.end in volunteers.columns else np.full(len(volunteers), np.nan)
    team = volunteers["team"].astype("string").str.strip()
    active = (s <= year) & (np.isnan(e) | (e > year))
    keep = active & (team.notna() & (team != "")).to_numpy(dtype=bool) & volunteers["community_id"].notna().to_numpy()
    rows = pd.DataFrame({"community_id": volunteers["community_id"].astype(str).to_numpy()[keep],
                         "team": team.to_numpy(dtype=object)[keep]})
    out = rows.groupby(["community_id", "team"]).size().rename("members").reset_index()
    out = out.sort_values(["community_id", "members", "team"], ascending=[True, False, True])
    return out.reset_index(drop=True).astype({"members": "int64"})
