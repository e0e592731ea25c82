"""满意度 — resident satisfaction, from ``survey_responses`` with ``year = Y``.

For item ``q`` the indicator is the weighted share of answers 4 or 5 among the
non-empty answers, ``p = Σ w·[q ≥ 4] ÷ Σ w × 100`` (%), with a 95 % Wilson
interval on Kish's effective sample size ``n_eff = (Σ w)² ÷ Σ w²`` over the same
answers (:func:`wilson_interval`). An empty weight counts as 1. The zone pools the
answers of its communities (the three sums add up). Examples list ``[a, b, z]``
for 2024 of :func:`linli.testing.example_tables`.

Both ``p`` and ``n_eff`` are unchanged when every weight is multiplied by the same
number, so the weights of a unit and year are divided by their largest before
they are summed and squared: tiny weights (``1e-300``, whose squares underflow to
0) give the same share and interval as their ratios do. Should ``n_eff`` still
not be a positive finite number, the value and its interval are missing, with
the reason.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._core import CODE, Context, frame, indicator, positions, unit_sums, weighted

__all__ = [
    "ITEMS",
    "Z95",
    "culture_satisfied_pct",
    "environment_satisfied_pct",
    "harmony_satisfied_pct",
    "overall_satisfied_pct",
    "participation_satisfied_pct",
    "safety_satisfied_pct",
    "services_satisfied_pct",
    "wilson_interval",
]

#: The 0.975 quantile of the standard normal distribution (``scipy.stats.norm.ppf(0.975)``).
Z95: float = 1.959963984540054
#: An answer at or above this counts as satisfied.
SATISFIED_FROM: int = 4

#: Satisfaction indicator -> the survey item it reads, in the catalogue's order.
ITEMS: dict[str, str] = {
    "overall_satisfied_pct": "q_overall",
    "environment_satisfied_pct": "q_environment",
    "safety_satisfied_pct": "q_safety",
    "services_satisfied_pct": "q_services",
    "participation_satisfied_pct": "q_participation",
    "harmony_satisfied_pct": "q_harmony",
    "culture_satisfied_pct": "q_culture",
}

_CI = ("ci_low", "ci_high")


def wilson_interval(
    p: float | np.ndarray | pd.Series, n: float | np.ndarray | pd.Series, *, z: float = Z95
) -> tuple[np.ndarray, np.ndarray]:
    """Return the Wilson score interval of a proportion.

    ``(p + z²/2n ± z·√(p(1−p)/n + z²/4n²)) ÷ (1 + z²/n)`` for a proportion ``p``
    (0–1) on ``n`` (effective) observations; the bounds are clipped to 0–1 and, to
    guard against rounding, never exclude ``p``. NaN where ``p`` or ``n`` is NaN or
    ``n ≤ 0``.

    Parameters
    ----------
    p
        Proportions, 0–1.
    n
        Sample sizes (may be fractional, e.g. Kish's effective size).
    z
        Normal quantile of the confidence level (default 95 %).

    Returns
    -------
    tuple of numpy.ndarray
        Lower and upper bounds, 0–1.

    Examples
    --------
    >>> low, high = wilson_interval(0.5, 4)
    >>> round(float(low), 4), round(float(high), 4)
    (0.15, 0.85)
    """
    p_arr = np.asarray(p, dtype="float64")
    n_arr = np.asarray(n, dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        n_ok = np.where(n_arr > 0, n_arr, np.nan)
        z2n = z * z / n_ok
        centre = (p_arr + z2n / 2) / (1 + z2n)
        half = z / (1 + z2n) * np.sqrt(np.clip(p_arr * (1 - p_arr), 0, None) / n_ok + z2n / (4 * n_ok))
    low = np.fmin(np.clip(centre - half, 0.0, 1.0), p_arr)
    high = np.fmax(np.clip(centre + half, 0.0, 1.0), p_arr)
    bad = np.isnan(p_arr) | np.isnan(n_ok)
    return np.where(bad, np.nan, low), np.where(bad, np.nan, high)


def _responses(ctx: Context) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return each survey response's weight and its groups, worked out once for every item.

    Per response of the years: its weight (empty → 1), its group of (community,
    year) — its :attr:`Context.grid` position — and its group of (zone, year);
    −1 outside.
    """
    responses = ctx.events("survey_responses")

    def make() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if "weight" in responses.columns:
            weight = responses["weight"].astype("Float64").fillna(1.0).to_numpy(dtype="float64")
        else:
            weight = np.ones(len(responses))
        pos = positions(ctx, responses)
        n_years = max(len(ctx.years), 1)
        community = responses[CODE].to_numpy()
        zone = np.where(community >= 0, ctx.zone_codes[np.maximum(community, 0)], -1) if len(ctx.zone_codes) else community
        return (weight, pos, np.where((zone >= 0) & (pos >= 0), zone * n_years + pos % n_years, -1))

    return ctx.cached(("responses",), make)


def _satisfied_pct(ctx: Context, item: str) -> pd.DataFrame:
    responses = ctx.events("survey_responses", [item])
    answer = responses[item].to_numpy(dtype="float64", na_value=np.nan)
    answered = ~np.isnan(answer)
    every = answered.all()
    weight, pos, zone_group = (a if every else a[answered] for a in _responses(ctx))
    satisfied = answer >= SATISFIED_FROM
    if not every:
        satisfied = satisfied[answered]
    n_c = len(ctx.grid)
    sums = []
    # weights scaled by the largest of the community (then of the zone) and year: no underflow
    for group in (pos, zone_group):
        inside = group >= 0
        largest = np.full(max(int(group.max(initial=-1)) + 1, 0), np.nan)
        np.fmax.at(largest, group[inside], weight[inside])
        scaled = weight / np.where(inside, largest[np.maximum(group, 0)] if len(largest) else np.nan, np.nan)
        sums.append(unit_sums(ctx, *(weighted(ctx, pos, v) for v in (scaled, scaled * satisfied, scaled * scaled))))
    (w_sum, sat_sum, w2_sum), reason = (
        [np.concatenate([c[:n_c], z[n_c:]]) for c, z in zip(sums[0][0], sums[1][0], strict=True)],
        sums[0][1],
    )
    has = w_sum > 0
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        p = np.where(has, sat_sum / w_sum, np.nan)
        n_eff = np.where(has, w_sum**2 / w2_sum, np.nan)
    unusable = has & ~(np.isfinite(n_eff) & (n_eff > 0))
    p[unusable] = np.nan
    low, high = wilson_interval(p, n_eff)
    empty = pd.isna(reason) & ~has
    reason[empty] = ctx.texts(f"no answers to {item} in {{year}}")[ctx.unit_year_codes[empty]]
    reason[unusable & pd.isna(reason)] = "survey weights too unequal for an effective sample size"
    out = frame(ctx, p * 100, reason)
    out.insert(1, "ci_low", low * 100)
    out.insert(2, "ci_high", high * 100)
    return out


@indicator(extra_columns=_CI)
def overall_satisfied_pct(ctx: Context) -> pd.DataFrame:
    """Return the weighted share satisfied overall (q_overall ≥ 4), with a 95 % interval.

    ``Σ w·[q_overall ≥ 4] ÷ Σ w × 100`` over non-empty answers (%); ``ci_low``,
    ``ci_high``: Wilson interval on ``n_eff = (Σ w)² ÷ Σ w²`` (%).

    Examples
    --------
    >>> from linli.testing import example_tables
    >>> f = overall_satisfied_pct(example_tables(), years=[2024])
    >>> f["overall_satisfied_pct"].tolist()  # (1+2)/4, 0/1, 3/5
    [75.0, 0.0, 60.0]
    >>> f[["ci_low", "ci_high"]].round(1).iloc[0].tolist()  # n_eff = 4²/6 = 2.67
    [23.9, 96.6]
    """
    return _satisfied_pct(ctx, ITEMS["overall_satisfied_pct"])


@indicator(extra_columns=_CI)
def environment_satisfied_pct(ctx: Context) -> pd.DataFrame:
    """Return the weighted share satisfied with the environment (q_environment ≥ 4).

    As :func:`overall_satisfied_pct` for ``q_environment`` (%).

    Examples
    --------
    >>> from linli.testing import example_tables
    >>> f = environment_satisfied_pct(example_tables(), years=[2024])
    >>> f["environment_satisfied_pct"].tolist()  # 1/2, 2/2, 3/4
    [50.0, 100.0, 75.0]
    """
    return _satisfied_pct(ctx, ITEMS["environment_satisfied_pct"])


@indicator(extra_columns=_CI)
def safety_satisfied_pct(ctx: Context) -> pd.DataFrame:
    """Return the weighted share satisfied with safety (q_safety ≥ 4).

    As :func:`overall_satisfied_pct` for ``q_safety`` (%).

    Examples
    --------
    >>> from linli.testing import example_tables
    >>> safety_satisfied_pct(example_tables(), years=[2024])["safety_satisfied_pct"].tolist()
    [50.0, 100.0, 75.0]
    """
    return _satisfied_pct(ctx, ITEMS["safety_satisfied_pct"])


@indicator(extra_columns=_CI)
def services_satisfied_pct(ctx: Context) -> pd.DataFrame:
    """Return the weighted share satisfied with services (q_services ≥ 4).

    As :func:`overall_satisfied_pct` for ``q_services`` (%).

    Examples
    --------
    >>> from linli.testing import example_tables
    >>> services_satisfied_pct(example_tables(), years=[2024])["services_satisfied_pct"].tolist()
    [50.0, 100.0, 75.0]
    """
    return _satisfied_pct(ctx, ITEMS["services_satisfied_pct"])


@indicator(extra_columns=_CI)
def participation_satisfied_pct(ctx: Context) -> pd.DataFrame:
    """Return the weighted share satisfied with participation (q_participation ≥ 4).

    As :func:`overall_satisfied_pct` for ``q_participation`` (%).

    Examples
    --------
    >>> from linli.testing import example_tables
    >>> f = participation_satisfied_pct(example_tables(), years=[2024])
    >>> f["participation_satisfied_pct"].tolist()
    [50.0, 100.0, 75.0]
    """
    return _satisfied_pct(ctx, ITEMS["participation_satisfied_pct"])


@indicator(extra_columns=_CI)
def harmony_satisfied_pct(ctx: Context) -> pd.DataFrame:
    """Return the weighted share satisfied with neighbourly harmony (q_harmony ≥ 4).

    As :func:`overall_satisfied_pct` for ``q_harmony`` (%).

    Examples
    --------
    >>> from linli.testing import example_tables
    >>> harmony_satisfied_pct(example_tables(), years=[2024])["harmony_satisfied_pct"].tolist()
    [50.0, 100.0, 75.0]
    """
    return _satisfied_pct(ctx, ITEMS["harmony_satisfied_pct"])


@indicator(extra_columns=_CI)
def culture_satisfied_pct(ctx: Context) -> pd.DataFrame:
    """Return the weighted share satisfied with cultural life (q_culture ≥ 4).

    As :func:`overall_satisfied_pct` for ``q_culture`` (%).

    Examples
    --------
    >>> from linli.testing import example_tables
    >>> culture_satisfied_pct(example_tables(), years=[2024])["culture_satisfied_pct"].tolist()
    [50.0, 100.0, 75.0]
    """
    return _satisfied_pct(ctx, ITEMS["culture_satisfied_pct"])
