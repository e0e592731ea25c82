"""How sure the Linli Index and the ranks are, and which choice drives the ranks.

The index (:mod:`linli.index`) rests on choices — the normalisation, the
aggregation, the dimension weights. This module varies them, as the OECD/JRC
*Handbook on Constructing Composite Indicators* (2008) asks, with seeded Monte
Carlo draws, vectorised over every unit.

Uncertainty (:func:`uncertainty`) answers two questions
    *How sure is this unit's score?* — the **index band**: the 5th, 50th and
    95th percentiles of the index when only the dimension weights vary (each
    ``× U(1 − weight_jitter, 1 + weight_jitter)``, renormalised), with the
    headline normalisation and aggregation. Other normalisations and the
    geometric mean put the index on other scales, so their levels never mix
    into the band. *How sure is this unit's rank?* — the **rank interval**:
    over draws that vary the normalisation, the aggregation and the weights
    together, the median rank, the 5th–95th percentile ranks and the share of
    draws in which the community keeps its headline rank. The draws come from
    ``numpy.random.Generator(PCG64(seed))`` before the data is looked at, so the
    same seed gives the same draws — and the same bands — for any data.
Which choice drives the ranks (:func:`rank_sensitivity`)
    First-order (Saltelli et al. 2010) and total-effect (Jansen 1999)
    variance-based sensitivity indices of each community's rank to the three
    uncertain inputs — normalisation, aggregation, weights (one group input) —
    with bootstrap intervals, as COINr's ``get_sensitivity`` computes them.

Tunables
--------
``INPUTS``   ``("normalisation", "aggregation", "weights")`` — the uncertain inputs,
             in report order. Monte Carlo defaults (draws, seed, weight jitter,
             bootstrap): :mod:`linli.spec`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from .errors import ContractError
from .index import (
    NORMALISERS,
    aggregate,
    as_int,
    dimension_scores,
    linli_index,
    rank_block,
    rank_in_groups,
    score_matrix,
)
from .spec import (
    AGGREGATIONS,
    BOOTSTRAP,
    DRAWS,
    KEYS,
    MIN_DIMENSIONS,
    NORMALISATIONS,
    SCORED_DIMENSIONS,
    SEED,
    WEIGHT_JITTER,
    Aggregation,
    IndexSettings,
    Normalisation,
    check_methods,
    check_min_dimensions,
    weight_vector,
)

__all__ = ["INDEX_TABLE_COLUMNS", "INPUTS", "index_table", "rank_sensitivity", "uncertainty"]

#: The uncertain inputs of the rank sensitivity analysis, in report order.
INPUTS: tuple[str, ...] = ("normalisation", "aggregation", "weights")


def _draws(
    *, draws: int, seed: int, weight_jitter: float, n_norm: int, n_agg: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Method choices and weight factors of every draw, from ``PCG64(seed)``.

    Order of generation (fixed): weight factors (draws × 6), normalisation index
    (draws), aggregation index (draws) — the weights first, so that the index
    band (weights only) does not depend on how many methods the rank interval
    samples.
    """
    rng = np.random.Generator(np.random.PCG64(seed))
    factors = rng.uniform(
        1.0 - weight_jitter, 1.0 + weight_jitter, size=(draws, len(SCORED_DIMENSIONS))
    )
    norm = rng.integers(0, n_norm, size=draws)
    agg = rng.integers(0, n_agg, size=draws)
    return norm, agg, factors


def _check_monte_carlo(draws: int, weight_jitter: float) -> None:
    """Raise for fewer than one draw or a weight jitter outside [0, 1)."""
    if int(draws) < 1:
        msg = f"draws must be at least 1; got {draws!r}."
        raise ContractError(msg)
    if not 0.0 <= float(weight_jitter) < 1.0:
        msg = f"weight_jitter must be in [0, 1); got {weight_jitter!r}."
        raise ContractError(msg)


def _weights_of(w: np.ndarray, factors: np.ndarray) -> np.ndarray:
    """The baseline weights ``w`` times each draw's ``factors``, renormalised (draws × 6)."""
    wd = w * factors
    return wd / wd.sum(axis=1, keepdims=True)


def _index_runs(
    dims: Mapping[str, np.ndarray],
    rows: np.ndarray,
    runs: tuple[np.ndarray, np.ndarray, np.ndarray],
    methods: tuple[tuple[str, ...], tuple[str, ...]],
    min_dimensions: int,
) -> np.ndarray:
    """The index of ``rows`` in every run (rows × runs).

    ``runs`` holds each run's normalisation position, aggregation position and
    renormalised weights (runs × 6); ``dims`` the dimension scores of each
    normalisation. One matrix product per (normalisation, aggregation) pair.
    """
    norm, agg, weights = runs
    normalisations, aggregations = methods
    out = np.full((len(rows), len(norm)), np.nan)
    for i, nname in enumerate(normalisations):
        for k, aname in enumerate(aggregations):
            cols = np.flatnonzero((norm == i) & (agg == k))
            if len(cols):
                out[:, cols] = aggregate(dims[nname][rows], weights[cols], aname, min_dimensions)
    return out


def uncertainty(
    long: pd.DataFrame,
    spec: pd.DataFrame,
    *,
    draws: int = DRAWS,
    seed: int = SEED,
    weight_jitter: float = WEIGHT_JITTER,
    weights: Mapping[str, float] | None = None,
    normalisations: Sequence[str] = NORMALISATIONS,
    aggregations: Sequence[str] = AGGREGATIONS,
    year: int | Sequence[int] | None = None,
    normalisation: Normalisation = "goalposts",
    aggregation: Aggregation = "arithmetic",
    min_dimensions: int = MIN_DIMENSIONS,
) -> pd.DataFrame:
    """Monte Carlo uncertainty of each unit's index (the band) and rank (the interval).

    Two questions, two sets of draws sharing one sample from
    ``numpy.random.Generator(PCG64(seed))`` (drawn before the data is read, so
    the same seed gives identical output for any data):

    *How sure is this unit's score?* — the **index band**. Only the weights
    vary: in draw ``k``, ``w_kd = w_d · U(1 − j, 1 + j)`` renormalised
    (``j = weight_jitter``), with the headline ``normalisation`` and
    ``aggregation``. ``index_low``, ``index_median`` and ``index_high`` are the
    5th, 50th and 95th percentiles (linear interpolation) of the index over the
    draws. The other normalisations and the geometric mean put the index on
    other scales or shift it, so their levels never enter the band; for the
    arithmetic headline the band contains the headline index whenever the
    dimension scores differ little, and always lies within their range.

    *How sure is this unit's rank?* — the **rank interval**. Draw ``k`` also
    picks a normalisation (uniform over ``normalisations``) and an aggregation
    (uniform over ``aggregations``) and uses the same weights ``w_k``; each
    community is ranked among the communities of its year (1 = best, ties share
    the best rank). ``rank_median``, ``rank_low`` (5th percentile: the better
    end) and ``rank_high`` (95th) use the ``inverted_cdf`` percentile, so they are
    whole ranks; ``rank_kept_pct`` is the share of draws, in %, in which the
    community has its headline ``rank``. A zone is shown beside its communities
    and never ranked: its rank columns are NA.

    Vectorised over units and draws: the dimension scores of each normalisation
    are computed once, and each (normalisation, aggregation) pair's draws are
    one matrix product; ranks are taken per comparison group (unit type, year).

    Parameters
    ----------
    long
        The long indicator table.
    spec
        One row per indicator: ``indicator, dimension, direction, lo, hi``.
    draws
        Number of Monte Carlo draws.
    seed
        Seed of the PCG64 generator.
    weight_jitter
        Half-width of the uniform weight factor (0.25 = ±25 %), in [0, 1).
    weights
        Baseline relative dimension weights; equal when None.
    normalisations, aggregations
        The methods sampled for the rank interval.
    year
        A year or years; all years when None.
    normalisation, aggregation
        The headline method: the ``index`` and ``rank`` columns and the band.
    min_dimensions
        Fewest dimensions with a score for an index.

    Returns
    -------
    pandas.DataFrame
        ``unit_id, unit_type, year, index, index_low, index_median, index_high,
        rank, rank_median, rank_low, rank_high, rank_kept_pct, n_ranked`` (ranks
        ``Int64``; ``n_ranked`` the communities ranked in the unit's year, 0 for
        a zone), sorted by year, unit type and unit. Units without an index have
        NaN/NA statistics.

    Examples
    --------
    >>> long = pd.DataFrame({"unit_id": ["a", "b", "z"], "unit_type": ["community", "community", "zone"],
    ...                      "year": 2024, "indicator": "volunteer_share_pct", "value": [4.0, 16.0, 10.0]})
    >>> spec = pd.DataFrame({"indicator": ["volunteer_share_pct"], "dimension": ["wushe"],
    ...                      "direction": ["up"], "lo": [0.0], "hi": [20.0]})
    >>> u = uncertainty(long, spec, draws=50, min_dimensions=1).round(6)  # one dimension: weights do nothing
    >>> u[["unit_id", "index", "index_low", "index_high", "rank_median", "rank_kept_pct"]].values.tolist()
    [['a', 20.0, 20.0, 20.0, 2, 100.0], ['b', 80.0, 80.0, 80.0, 1, 100.0], ['z', 50.0, 50.0, 50.0, <NA>, nan]]
    """
    normalisations, aggregations = tuple(normalisations), tuple(aggregations)
    check_methods(normalisations, aggregations)
    check_methods((normalisation,), (aggregation,))
    check_min_dimensions(min_dimensions)
    _check_monte_carlo(draws, weight_jitter)
    w = weight_vector(weights)
    needs_goalposts = "goalposts" in (*normalisations, normalisation)
    m = score_matrix(long, spec, year=year, goalposts=needs_goalposts)
    norm, agg, factors = _draws(
        draws=int(draws),
        seed=int(seed),
        weight_jitter=float(weight_jitter),
        n_norm=len(normalisations),
        n_agg=len(aggregations),
    )
    wd = _weights_of(w, factors)
    dims = {
        name: dimension_scores(NORMALISERS[name](m), m.dims)
        for name in dict.fromkeys((*normalisations, normalisation))
    }
    base = aggregate(dims[normalisation], w, aggregation, min_dimensions)
    base_rank = rank_in_groups(base, m)[:, 0]

    # the index band: weights only, headline normalisation and aggregation
    band = aggregate(dims[normalisation], wd, aggregation, min_dimensions)
    has_band = ~np.isnan(band).any(axis=1)
    band_stats = np.full((len(base), 3), np.nan)
    if has_band.any():
        band_stats[has_band] = np.percentile(band[has_band], [5, 50, 95], axis=1).T

    # the rank interval: normalisation, aggregation and weights together
    rank_stats = np.full((len(base), 4), np.nan)
    n_ranked = np.zeros(len(base), dtype="int64")
    runs = (norm, agg, wd)
    for g in np.unique(m.group[m.ranked]):
        rows = np.flatnonzero((m.group == g) & m.ranked)
        block = _index_runs(dims, rows, runs, (normalisations, aggregations), min_dimensions)
        valid = ~np.isnan(block).any(axis=1) & ~np.isnan(base_rank[rows])
        n_ranked[rows] = int(valid.sum())
        if not valid.any():
            continue
        ranks = rank_block(block[valid])
        at = rows[valid]
        rank_stats[at, :3] = np.percentile(ranks, [50, 5, 95], axis=1, method="inverted_cdf").T
        rank_stats[at, 3] = (ranks == base_rank[at][:, None]).sum(axis=1) * 100.0 / ranks.shape[1]

    out = m.keys.copy()
    out["index"] = base
    for j, col in enumerate(("index_low", "index_median", "index_high")):
        out[col] = band_stats[:, j]
    out["rank"] = as_int(base_rank)
    for j, col in enumerate(("rank_median", "rank_low", "rank_high")):
        out[col] = as_int(rank_stats[:, j])
    out["rank_kept_pct"] = rank_stats[:, 3]
    out["n_ranked"] = n_ranked
    return out


#: Columns of :func:`index_table` (the file ``linli index`` writes), after
#: ``unit_id, unit_type, year`` and one column per scored dimension.
INDEX_TABLE_COLUMNS: tuple[str, ...] = (
    "unit_id",
    "unit_type",
    "year",
    *SCORED_DIMENSIONS,
    "index",
    "index_low",
    "index_median",
    "index_high",
    "rank",
    "rank_median",
    "rank_low",
    "rank_high",
    "rank_kept_pct",
)


def index_table(
    long: pd.DataFrame,
    spec: pd.DataFrame,
    *,
    year: int | Sequence[int] | None = None,
    settings: IndexSettings | None = None,
) -> pd.DataFrame:
    """Return one row per unit and year: dimension scores, index, index band and rank interval.

    The headline method of ``settings`` gives the dimension scores, ``index`` and
    ``rank`` (:func:`linli_index`); :func:`uncertainty` gives the band
    (``index_low``, ``index_median``, ``index_high``: 5th, 50th, 95th percentiles
    when only the weights vary) and the rank interval (``rank_median``,
    ``rank_low``, ``rank_high``, ``rank_kept_pct``). A zone has no rank.

    Parameters
    ----------
    long
        The long indicator table.
    spec
        One row per indicator: ``indicator, dimension, direction, lo, hi``.
    year
        A year or years; all years when None.
    settings
        The index settings (default :class:`IndexSettings`).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`INDEX_TABLE_COLUMNS`, sorted by year, unit type and unit.

    Examples
    --------
    >>> long = pd.DataFrame({"unit_id": ["a", "b"], "unit_type": "community", "year": 2024,
    ...                      "indicator": "volunteer_share_pct", "value": [4.0, 16.0]})
    >>> spec = pd.DataFrame({"indicator": ["volunteer_share_pct"], "dimension": ["wushe"],
    ...                      "direction": ["up"], "lo": [0.0], "hi": [20.0]})
    >>> t = index_table(long, spec, settings=IndexSettings(draws=20, min_dimensions=1))
    >>> t[["unit_id", "wushe", "index", "rank", "rank_kept_pct"]].values.tolist()  # 4 ÷ 20, 16 ÷ 20
    [['a', 20.0, 20.0, 2, 100.0], ['b', 80.0, 80.0, 1, 100.0]]
    """
    s = settings or IndexSettings()
    scores = linli_index(
        long, spec, weights=s.weights, year=year, normalisation=s.normalisation,  # type: ignore[arg-type]
        aggregation=s.aggregation, min_dimensions=s.min_dimensions,  # type: ignore[arg-type]
    )
    unc = uncertainty(long, spec, year=year, **s.for_uncertainty())
    out = scores[[*KEYS, *SCORED_DIMENSIONS]].merge(unc.drop(columns="n_ranked"), on=KEYS, how="left")
    return out.loc[:, list(INDEX_TABLE_COLUMNS)]


# --------------------------------------------------------------- rank sensitivity


def _design(rng: np.random.Generator, n: int) -> np.ndarray:
    """The Monte Carlo design ``A, B, A_B^1 … A_B^d`` stacked: (d + 2) n rows × 8 uniforms.

    Columns: 0 the normalisation, 1 the aggregation, 2–7 the six weight factors —
    the weights are one group input, so ``A_B^weights`` takes all six from ``B``.
    """
    a, b = rng.random((n, 2 + len(SCORED_DIMENSIONS))), rng.random((n, 2 + len(SCORED_DIMENSIONS)))
    matrices = [a, b]
    for cols in (slice(0, 1), slice(1, 2), slice(2, None)):  # INPUTS, in order
        ab = a.copy()
        ab[:, cols] = b[:, cols]
        matrices.append(ab)
    return np.concatenate(matrices)


def _runs_of(
    x: np.ndarray, *, n_norm: int, n_agg: int, w: np.ndarray, weight_jitter: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Map a design matrix (runs × 8 uniforms) to methods and weights.

    Column 0 picks the normalisation, column 1 the aggregation (equal-width bins
    of [0, 1), as COINr's ``sample_2_para`` does for discrete alternatives),
    columns 2–7 are the six weight factors ``1 − j + 2j·u``, renormalised.
    """
    norm = np.minimum((x[:, 0] * n_norm).astype(int), n_norm - 1)
    agg = np.minimum((x[:, 1] * n_agg).astype(int), n_agg - 1)
    factors = 1.0 - weight_jitter + 2.0 * weight_jitter * x[:, 2:]
    return norm, agg, _weights_of(w, factors)


def _sensitivity_indices(
    y_a: np.ndarray, y_b: np.ndarray, y_ab: np.ndarray, *, bootstrap: int, rng: np.random.Generator
) -> np.ndarray:
    """First-order and total-effect indices with bootstrap percentiles, per unit and input.

    ``y_a``, ``y_b``: units × N; ``y_ab``: inputs × units × N. Returns
    units × inputs × 7: ``S_i``, its 5th and 95th bootstrap percentiles,
    ``S_Ti`` and its percentiles, and ``Var(Y)``. NaN where ``Var(Y) = 0``.
    """
    n = y_a.shape[1]
    var = np.var(np.concatenate([y_a, y_b], axis=1), axis=1, ddof=1)  # units
    ok = var > 0
    den = np.where(ok, var, 1.0)
    first_terms = y_b[None] * (y_ab - y_a[None])  # inputs × units × N
    total_terms = (y_a[None] - y_ab) ** 2
    out = np.full((y_a.shape[0], y_ab.shape[0], 7), np.nan)
    out[:, :, 0] = (first_terms.mean(axis=2) / den).T
    out[:, :, 3] = (total_terms.sum(axis=2) / (2 * n * den)).T
    out[:, :, 6] = var[:, None]
    if bootstrap > 0:
        for i in range(y_ab.shape[0]):  # the three inputs, each resampled on its own
            counts = rng.multinomial(n, np.full(n, 1.0 / n), size=(2, bootstrap)).astype(float)
            s_boot = first_terms[i] @ counts[0].T / n / den[:, None]  # units × bootstrap
            t_boot = total_terms[i] @ counts[1].T / (2 * n * den[:, None])
            out[:, i, 1:3] = np.percentile(s_boot, [5, 95], axis=1).T
            out[:, i, 4:6] = np.percentile(t_boot, [5, 95], axis=1).T
    out[~ok] = np.where(np.arange(7) == 6, out[~ok], np.nan)
    return out


def rank_sensitivity(
    long: pd.DataFrame,
    spec: pd.DataFrame,
    *,
    draws: int = DRAWS,
    seed: int = SEED,
    weight_jitter: float = WEIGHT_JITTER,
    weights: Mapping[str, float] | None = None,
    normalisations: Sequence[str] = NORMALISATIONS,
    aggregations: Sequence[str] = AGGREGATIONS,
    year: int | Sequence[int] | None = None,
    normalisation: Normalisation = "goalposts",
    aggregation: Aggregation = "arithmetic",
    min_dimensions: int = MIN_DIMENSIONS,
    bootstrap: int = BOOTSTRAP,
) -> pd.DataFrame:
    """Which choice drives each community's rank: variance-based sensitivity indices.

    The output ``Y`` is a community's rank among the communities of its year;
    the three uncertain inputs are the normalisation (uniform over
    ``normalisations``), the aggregation (uniform over ``aggregations``) and the
    weights (the six dimension weights ``w_d · U(1 − j, 1 + j)``, renormalised,
    treated as one group input). As COINr's ``get_sensitivity`` does, two
    independent base samples ``A`` and ``B`` of ``N = draws`` rows are drawn, and
    for each input ``i`` the matrix ``A_B^i`` — ``A`` with input ``i``'s columns
    taken from ``B``; the index and the ranks are computed for all
    ``N(d + 2) = 5N`` runs. With ``f(·)`` the rank in a run and
    ``V = Var(Y)`` the sample variance of ``f(A)`` and ``f(B)`` together:

    * first-order index, Saltelli et al. (2010) estimator — the share of the
      rank's variance due to input ``i`` alone::

          S_i  = (1/N) Σ_j f(B)_j · (f(A_B^i)_j − f(A)_j) ÷ V

    * total-effect index, Jansen (1999) estimator — input ``i`` with all its
      interactions::

          S_Ti = (1/2N) Σ_j (f(A)_j − f(A_B^i)_j)² ÷ V

    Bootstrap intervals: the ``N`` terms of each sum are resampled with
    replacement ``bootstrap`` times (``V`` held fixed, as COINr's
    ``SA_estimate`` does) and the 5th and 95th percentiles reported. Estimates
    are noisy for small ``N`` and may fall slightly outside [0, 1]. A community
    whose rank never changes has ``V = 0``: nothing to attribute, the indices
    are NaN.

    References: A. Saltelli et al. (2010), "Variance based sensitivity analysis
    of model output. Design and estimator for the total sensitivity index",
    *Computer Physics Communications* 181(2), 259–270; M. J. W. Jansen (1999),
    "Analysis of variance designs for model output", *Computer Physics
    Communications* 117(1–2), 35–43.

    The sample comes from ``PCG64(SeedSequence([seed, 1]))`` — seeded and
    reproducible, and independent of the draws of :func:`uncertainty`: ``A``
    (N × 8), ``B`` (N × 8), then the bootstrap counts. Vectorised over
    communities: per comparison group (year) the ``5N`` indices are a few matrix
    products, the ranks one ``rankdata`` call, and the bootstrap a product with a
    multinomial count matrix.

    Parameters
    ----------
    long
        The long indicator table.
    spec
        One row per indicator: ``indicator, dimension, direction, lo, hi``.
    draws
        ``N``, the rows of each base sample (``5N`` runs in all).
    seed, weight_jitter, weights, normalisations, aggregations, year, min_dimensions
        As :func:`uncertainty`.
    normalisation, aggregation
        Accepted for symmetry with :func:`uncertainty` (the headline method is
        one of the sampled alternatives); unused.
    bootstrap
        Bootstrap resamples for the intervals (0: none).

    Returns
    -------
    pandas.DataFrame
        ``unit_id, unit_type, year, input`` (``normalisation``, ``aggregation``,
        ``weights``), ``first_order``, ``first_order_low``, ``first_order_high``,
        ``total_effect``, ``total_effect_low``, ``total_effect_high``,
        ``rank_variance``: one row per ranked community, year and input, sorted
        by year, unit and input (in :data:`INPUTS` order).

    Examples
    --------
    Two communities in one dimension, whose order only the normalisation
    changes: on goalposts ``a`` leads, (90 + 10 + 10) ÷ 3 = 36.7 against
    (20 + 60 + 20) ÷ 3 = 33.3; on min–max ``b`` does, (0 + 100 + 100) ÷ 3 = 66.7
    against 33.3. With one dimension the weights and the aggregation change
    nothing, so their indices are 0 and the normalisation's are about 1.

    >>> long = pd.DataFrame({"unit_id": ["a"] * 3 + ["b"] * 3, "unit_type": "community", "year": 2024,
    ...                      "indicator": ["x1", "x2", "x3"] * 2, "value": [90.0, 10, 10, 20, 60, 20]})
    >>> spec = pd.DataFrame({"indicator": ["x1", "x2", "x3"], "dimension": "wushe", "direction": "up",
    ...                      "lo": 0.0, "hi": 100.0})
    >>> s = rank_sensitivity(long, spec, draws=1000, bootstrap=0, min_dimensions=1,
    ...                      normalisations=("goalposts", "minmax"))
    >>> s[s["unit_id"] == "a"].set_index("input")["total_effect"].round(1).to_dict()
    {'normalisation': 1.0, 'aggregation': 0.0, 'weights': 0.0}
    >>> round(float(s["rank_variance"].iloc[0]), 2)  # ranks 1 and 2, each in about half the runs: 0.5 × 0.5
    0.25
    """
    del normalisation, aggregation
    normalisations, aggregations = tuple(normalisations), tuple(aggregations)
    check_methods(normalisations, aggregations)
    check_min_dimensions(min_dimensions)
    _check_monte_carlo(draws, weight_jitter)
    if int(bootstrap) < 0:
        msg = f"bootstrap must be 0 or more; got {bootstrap!r}."
        raise ContractError(msg)
    n = int(draws)
    w = weight_vector(weights)
    m = score_matrix(long, spec, year=year, goalposts="goalposts" in normalisations)
    dims = {name: dimension_scores(NORMALISERS[name](m), m.dims) for name in normalisations}
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence([int(seed), 1])))
    x = _design(rng, n)  # (d + 2) N × 8: A, B, A_B^1 … A_B^d
    runs = _runs_of(x, n_norm=len(normalisations), n_agg=len(aggregations), w=w,
                    weight_jitter=float(weight_jitter))
    base = aggregate(dims[normalisations[0]], w, "arithmetic", min_dimensions)

    frames = []
    for g in np.unique(m.group[m.ranked]):
        rows = np.flatnonzero((m.group == g) & m.ranked)
        block = _index_runs(dims, rows, runs, (normalisations, aggregations), min_dimensions)
        valid = ~np.isnan(block).any(axis=1) & ~np.isnan(base[rows])
        if not valid.any():
            continue
        y = rank_block(block[valid]).reshape(int(valid.sum()), len(INPUTS) + 2, n)
        stats = _sensitivity_indices(y[:, 0], y[:, 1], np.moveaxis(y[:, 2:], 1, 0),
                                     bootstrap=int(bootstrap), rng=rng)
        keys = m.keys.loc[rows[valid]].reset_index(drop=True)
        frame = keys.loc[np.repeat(np.arange(len(keys)), len(INPUTS))].reset_index(drop=True)
        frame["input"] = np.tile(np.array(INPUTS, dtype=object), len(keys))
        flat = stats.reshape(-1, 7)
        for j, col in enumerate(_SENSITIVITY_COLUMNS):
            frame[col] = flat[:, j]
        frames.append(frame)
    columns = [*KEYS, "input", *_SENSITIVITY_COLUMNS]
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype="float64" if c in _SENSITIVITY_COLUMNS else object)
                             for c in columns})
    out = pd.concat(frames, ignore_index=True)
    out["input"] = out["input"].astype(str)
    return out.loc[:, columns]


_SENSITIVITY_COLUMNS: tuple[str, ...] = (
    "first_order",
    "first_order_low",
    "first_order_high",
    "total_effect",
    "total_effect_low",
    "total_effect_high",
    "rank_variance",
)
