"""Progress status of each scored indicator, in the manner of Open SDG.

Open SDG's progress measure (Statistics Canada's method) compares the compound
annual growth rate (CAGR) observed since a baseline year with the growth needed
to reach a target, or — without a target — with fixed growth rates.

Growth
------
For a unit and a scored indicator (direction ``up`` or ``down``; ``d = +1`` for
up, ``−1`` for down) with baseline value ``x_0`` in year ``Y0`` and value ``x_Y``
in year ``Y``::

    cagr          = d · ((x_Y ÷ x_0)^(1 ÷ (Y − Y0)) − 1)
    required_cagr = d · ((target ÷ x_0)^(1 ÷ (T − Y0)) − 1)
    ratio         = cagr ÷ |required_cagr|

Both rates are in *improvement* terms: positive means movement in the desired
direction. Dividing by the magnitude of the required rate follows Statistics
Canada, so that a unit whose baseline already met the target and has since
slipped back (required rate "negative", observed rate negative) shows
deterioration rather than progress.

``T`` is the target's year from the catalogue; when it is null — or not after
the baseline year, where no growth rate can be required — ``T = Y`` (the target
is read as due in the assessment year).

Status (the reading chosen; thresholds inclusive at their lower end)
--------------------------------------------------------------------
With a target (``kind: target`` only — a ``benchmark`` is never a target):

==========================================  ========================
the value in Y already meets the target     ``target_achieved``
ratio ≥ 0.95                                ``substantial_progress``
0.6 ≤ ratio < 0.95                          ``moderate_progress``
0 ≤ ratio < 0.6                             ``limited_progress``
ratio < 0                                   ``deterioration``
==========================================  ========================

When the required rate is 0 (baseline exactly at the target without meeting
it, e.g. ``> 30`` with ``x_0 = 30``) or undefined (a negative target), the ratio
is NaN and the status falls back to the no-target rule.

Without a target (or for a benchmark):

==========================================  ========================
cagr ≥ 1.5 %                                ``substantial_progress``
0.5 % ≤ cagr < 1.5 %                        ``moderate_progress``
0 ≤ cagr < 0.5 %                            ``limited_progress``
cagr < 0                                    ``deterioration``
==========================================  ========================

So no change at all (``cagr = 0``, ``ratio = 0``) is ``limited_progress``. These
are the Open SDG categories ("on track", "progress made but acceleration
needed", "limited progress", "deterioration"), under linli's names. Each
comparison allows :data:`TOLERANCE` (1e-9) for floating-point rounding, so that
e.g. 100 → 101.5 in one year sits on the 1.5 % boundary, not just below it.

``not_available`` when either value is missing, the baseline is 0 (a growth
rate from 0 is undefined; unlike Statistics Canada, linli does not substitute
0.001), or either value is negative (the fractional power is undefined) — except
that a value in Y that meets its target is ``target_achieved`` whatever the
baseline, since that needs no growth rate. A value of 0 in Y with a positive
baseline is a CAGR of −100 % and is assessed.

Targets and benchmarks
----------------------
``target_met`` is True/False for an indicator with a ``kind: target`` target and
a value in Y (NA otherwise), by the target's comparison (``gt, ge, lt, le,
eq``; ``eq`` within a relative 1e-9). A benchmark (``kind: benchmark``, e.g.
the national mediation success rate) is not a target: it is reported in the
separate ``vs_benchmark`` column as ``above``, ``below`` or ``equal`` and
never as met/not met, and it does not change the status.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from .errors import ContractError
from .spec import check_long, scored_spec

Comparison = Literal["gt", "ge", "lt", "le", "eq"]

COMPARISONS: tuple[str, ...] = ("gt", "ge", "lt", "le", "eq")
STATUSES: tuple[str, ...] = (
    "target_achieved",
    "substantial_progress",
    "moderate_progress",
    "limited_progress",
    "deterioration",
    "not_available",
)
#: Slack for floating-point rounding at every threshold and in ``eq``.
TOLERANCE: float = 1e-9

_COLUMNS: tuple[str, ...] = (
    "unit_id",
    "unit_type",
    "indicator",
    "baseline_year",
    "year",
    "baseline",
    "value",
    "cagr",
    "required_cagr",
    "ratio",
    "status",
    "target_met",
    "direction",
    "target",
    "target_year",
    "vs_benchmark",
    "reason",
)


@dataclass(frozen=True)
class ProgressThresholds:
    """Lower bounds of the progress categories.

    ``ratio_*`` apply to ``cagr ÷ |required_cagr|`` when there is a target,
    ``cagr_*`` to the observed CAGR (a fraction: 0.015 = 1.5 %) without one.
    Each triple must be strictly decreasing.
    """

    ratio_substantial: float = 0.95
    ratio_moderate: float = 0.6
    ratio_limited: float = 0.0
    cagr_substantial: float = 0.015
    cagr_moderate: float = 0.005
    cagr_limited: float = 0.0

    def __post_init__(self) -> None:
        for name, triple in (
            ("ratio", (self.ratio_substantial, self.ratio_moderate, self.ratio_limited)),
            ("cagr", (self.cagr_substantial, self.cagr_moderate, self.cagr_limited)),
        ):
            if not all(math.isfinite(t) for t in triple) or not triple[0] > triple[1] > triple[2]:
                msg = f"Progress thresholds ({name}) must be finite and decreasing; got {triple}."
                raise ContractError(msg)


def target_met(value: float | None, target: float | None, comparison: Comparison) -> bool | None:
    """Whether ``value`` meets ``target`` under ``comparison``.

    ``gt``: value > target; ``ge``: value ≥ target; ``lt``, ``le`` likewise;
    ``eq``: ``|value − target| ≤ 1e-9 · max(1, |target|)``.

    Parameters
    ----------
    value
        The observed value; None or NaN is missing.
    target
        The target value; None or NaN is missing.
    comparison
        One of ``gt, ge, lt, le, eq``.

    Returns
    -------
    bool or None
        None when either number is missing.

    Examples
    --------
    >>> target_met(31.0, 30.0, "gt"), target_met(30.0, 30.0, "gt"), target_met(None, 30.0, "ge")
    (True, False, None)
    """
    if comparison not in COMPARISONS:
        msg = f"Unknown target comparison {comparison!r}; known: {list(COMPARISONS)}."
        raise ContractError(msg)
    if value is None or target is None or math.isnan(value) or math.isnan(target):
        return None
    met = _meets(np.array([float(value)]), np.array([float(target)]), np.array([comparison]))
    return bool(met[0])


def _meets(values: np.ndarray, targets: np.ndarray, comparisons: np.ndarray) -> np.ndarray:
    """Vectorised comparison ``values ⋚ targets`` (False where anything is NaN/unknown)."""
    with np.errstate(invalid="ignore"):
        conds = [
            comparisons == "gt",
            comparisons == "ge",
            comparisons == "lt",
            comparisons == "le",
            comparisons == "eq",
        ]
        eq = np.abs(values - targets) <= TOLERANCE * np.maximum(1.0, np.abs(targets))
        choices = [values > targets, values >= targets, values < targets, values <= targets, eq]
        return np.select(conds, choices, default=False)


def _status(rate: np.ndarray, hi: float, mid: float, lo: float) -> np.ndarray:
    """Categories of ``rate`` against the lower bounds ``hi > mid > lo``."""
    return np.select(
        [rate >= hi - TOLERANCE, rate >= mid - TOLERANCE, rate >= lo - TOLERANCE],
        ["substantial_progress", "moderate_progress", "limited_progress"],
        default="deterioration",
    )


def growth_rate(baseline: ArrayLike, value: ArrayLike, *, years: int) -> np.ndarray:
    """Compound annual growth rate from ``baseline`` to ``value`` over ``years`` years.

    ``CAGR = (value ÷ baseline)^(1 ÷ years) − 1`` (a fraction: 0.1 = 10 % a year),
    element-wise; NaN where either value is missing or negative, or the baseline
    is 0 (a growth rate from 0 is undefined). No direction is applied: this is
    the growth of the number itself, also for context indicators.

    Examples
    --------
    >>> growth_rate([100.0, 0.0, 50.0], [121.0, 5.0, float("nan")], years=2).round(6).tolist()  # √1.21 − 1
    [0.1, nan, nan]
    """
    if int(years) < 1:
        msg = f"years must be at least 1; got {years!r}."
        raise ContractError(msg)
    x0 = np.asarray(baseline, dtype=float)
    x1 = np.asarray(value, dtype=float)
    ok = (x0 > 0) & (x1 >= 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.power(x1 / np.where(ok, x0, 1.0), 1.0 / int(years)) - 1.0
    return np.where(ok, rate, np.nan)


def progress(
    long: pd.DataFrame,
    spec: pd.DataFrame,
    *,
    baseline_year: int,
    year: int,
    thresholds: ProgressThresholds | None = None,
) -> pd.DataFrame:
    """Progress status of every scored indicator of every unit, ``baseline_year`` → ``year``.

    ``cagr = d · ((x_Y ÷ x_0)^(1 ÷ (Y − Y0)) − 1)``; with a target,
    ``ratio = cagr ÷ |d · ((target ÷ x_0)^(1 ÷ (T − Y0)) − 1)|``; the status
    follows the thresholds in the module docstring.

    Parameters
    ----------
    long
        The long indicator table (``unit_id, unit_type, year, indicator, value``).
    spec
        One row per indicator: ``indicator, dimension, direction`` and, for
        targets, ``target_value, target_comparison, target_kind, target_year``
        (:func:`linli.spec.spec_from_catalogue`).
    baseline_year
        ``Y0``.
    year
        ``Y``, after ``Y0``.
    thresholds
        Category bounds; Open SDG's (0.95 / 0.6 / 0 and 1.5 % / 0.5 % / 0) when
        None.

    Returns
    -------
    pandas.DataFrame
        ``unit_id, unit_type, indicator, baseline_year, year, baseline, value,
        cagr, required_cagr, ratio, status, target_met`` (``boolean``, NA
        without a target or a value), then ``direction``, ``target`` (the
        target or benchmark value), ``target_year`` (``T`` as used),
        ``vs_benchmark`` (``above``/``below``/``equal`` for benchmarks) and
        ``reason`` (why ``not_available``). One row per unit and scored
        indicator present in either year, sorted by unit type, unit and the
        spec's indicator order.

    Examples
    --------
    >>> long = pd.DataFrame({"unit_id": "a", "unit_type": "community", "year": [2022, 2024],
    ...                      "indicator": "volunteers", "value": [100.0, 121.0]})
    >>> spec = pd.DataFrame({"indicator": ["volunteers"], "dimension": ["wushe"],
    ...                      "direction": ["up"]})
    >>> p = progress(long, spec, baseline_year=2022, year=2024)
    >>> round(float(p.loc[0, "cagr"]), 6), p.loc[0, "status"]  # (121 ÷ 100)^(1/2) − 1 = 0.1
    (0.1, 'substantial_progress')
    """
    th = thresholds or ProgressThresholds()
    y0, y = int(baseline_year), int(year)
    if y <= y0:
        msg = f"year ({y}) must be after baseline_year ({y0})."
        raise ContractError(msg)
    check_long(long)
    scored = scored_spec(spec, goalposts=False).copy()
    for col in ("target_value", "target_comparison", "target_kind", "target_year"):
        if col not in scored.columns:
            scored[col] = np.nan if col != "target_year" else pd.NA
    bad = scored.loc[
        scored["target_comparison"].notna() & ~scored["target_comparison"].isin(COMPARISONS),
        ["indicator", "target_comparison"],
    ]
    if len(bad):
        row = bad.iloc[0]
        msg = (
            f"Indicator {row['indicator']!r}: unknown target comparison "
            f"{row['target_comparison']!r}; known: {list(COMPARISONS)}."
        )
        raise ContractError(msg)

    keys = ["unit_id", "unit_type", "indicator"]
    table = long.loc[long["indicator"].isin(scored["indicator"]) & long["year"].isin([y0, y])]
    table = table.astype({"unit_id": str, "unit_type": str, "indicator": str, "year": "int64"})
    wide = table.set_index([*keys, "year"])["value"].unstack("year")
    wide = wide.reindex(columns=[y0, y])
    wide.columns = ["baseline", "value"]
    out = wide.reset_index()
    out = out.merge(
        scored.assign(_order=np.arange(len(scored))).astype({"indicator": str}),
        on="indicator",
        how="left",
    )
    out = out.sort_values(["unit_type", "unit_id", "_order"], kind="mergesort")
    out = out.reset_index(drop=True)

    x0 = pd.to_numeric(out["baseline"], errors="coerce").to_numpy(dtype=float)
    xy = pd.to_numeric(out["value"], errors="coerce").to_numpy(dtype=float)
    d = np.where(out["direction"].to_numpy() == "down", -1.0, 1.0)
    target = pd.to_numeric(out["target_value"], errors="coerce").to_numpy(dtype=float)
    comparison = out["target_comparison"].astype(object).to_numpy()
    kind = out["target_kind"].astype(object).to_numpy()
    has_target = (kind == "target") & ~np.isnan(target) & np.isin(comparison, COMPARISONS)
    is_benchmark = (kind == "benchmark") & ~np.isnan(target)
    t_year = pd.to_numeric(out["target_year"], errors="coerce").to_numpy(dtype=float)
    t_year = np.where(np.isnan(t_year) | (t_year <= y0), float(y), t_year)

    missing = np.isnan(x0) | np.isnan(xy)
    zero = ~missing & (x0 == 0)
    negative = ~missing & ((x0 < 0) | (xy < 0))
    available = ~(missing | zero | negative)
    with np.errstate(divide="ignore", invalid="ignore"):
        cagr = d * growth_rate(x0, xy, years=y - y0)
        required = d * (np.power(target / x0, 1.0 / (t_year - y0)) - 1.0)
        required = np.where(has_target & available & (target >= 0), required, np.nan)
        usable = np.isfinite(required) & (np.abs(required) > 0)
        ratio = np.where(usable, cagr / np.where(usable, np.abs(required), 1.0), np.nan)
    cagr = np.where(available, cagr, np.nan)

    met = has_target & ~np.isnan(xy) & _meets(xy, target, comparison)
    by_cagr = _status(cagr, th.cagr_substantial, th.cagr_moderate, th.cagr_limited)
    by_ratio = _status(ratio, th.ratio_substantial, th.ratio_moderate, th.ratio_limited)
    status = np.where(usable, by_ratio, by_cagr)
    status = np.where(available, status, "not_available")
    status = np.where(met, "target_achieved", status)

    out["baseline_year"] = y0
    out["year"] = y
    out["baseline"] = x0
    out["value"] = xy
    out["cagr"] = cagr
    out["required_cagr"] = np.where(available, required, np.nan)
    out["ratio"] = np.where(available, ratio, np.nan)
    out["status"] = pd.array(status, dtype="str")
    out["target_met"] = pd.arrays.BooleanArray(met, ~(has_target & ~np.isnan(xy)))
    out["target"] = np.where(has_target | is_benchmark, target, np.nan)
    out["target_year"] = pd.arrays.IntegerArray(
        np.where(has_target, t_year, 0).astype("int64"), ~has_target
    )
    with np.errstate(invalid="ignore"):
        relation = np.select(
            [
                np.abs(xy - target) <= TOLERANCE * np.maximum(1.0, np.abs(target)),
                xy > target,
                xy < target,
            ],
            ["equal", "above", "below"],
            default="",
        )
    bench = is_benchmark & ~np.isnan(xy)
    out["vs_benchmark"] = pd.array(np.where(bench, relation, None), dtype="str")
    reason = np.select(
        [np.isnan(x0) & np.isnan(xy), np.isnan(x0), np.isnan(xy), zero, negative],
        [
            f"no value in {y0} or {y}",
            f"no value in baseline year {y0}",
            f"no value in {y}",
            f"baseline value in {y0} is 0",
            "a negative value has no growth rate",
        ],
        default="",
    )
    out["reason"] = pd.array(reason, dtype="str")
    out["direction"] = out["direction"].astype(str)
    return out.loc[:, list(_COLUMNS)]
