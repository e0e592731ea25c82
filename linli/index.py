"""The Linli Index (邻里指数): a composite of the six scored dimensions.

Built as the OECD/JRC *Handbook on Constructing Composite Indicators* (2008)
describes: normalise each scored indicator, average the indicators of a
dimension, aggregate the six dimension scores with weights, then test how much
the result depends on those choices (uncertainty) and on each dimension
(sensitivity).

The inputs — the long indicator table and the indicator spec — and the index
settings are described in :mod:`linli.spec`; the Monte Carlo uncertainty of the
index and of the ranks, and which choice drives the ranks, in :mod:`linli.uncertainty`.

Choices (each one documented, as the Handbook asks)
---------------------------------------------------
Scored indicators
    ``direction`` ``up`` or ``down`` in one of :data:`SCORED_DIMENSIONS`.
    ``context`` indicators and the ``profile`` dimension are never scored.
Normalisation (all give 0–100, higher is better; NaN stays NaN)
    ``goalposts`` (default) — fixed goalposts per indicator, comparable across
    years and units::

        up:   score = clip((x − lo) ÷ (hi − lo), 0, 1) × 100
        down: score = clip((hi − x) ÷ (hi − lo), 0, 1) × 100

    ``minmax`` — min–max across the units being compared, i.e. per indicator,
    year and ``unit_type`` (communities among communities, zones among zones)::

        up:   score = (x − min) ÷ (max − min) × 100
        down: score = (max − x) ÷ (max − min) × 100

    ``zscore`` — standardised across the same units (population standard
    deviation, ``ddof = 0``), then put on the 0–100 scale as a T-score, clipped::

        z = (x − mean) ÷ sd   (−z for down)
        score = clip(50 + 10 · z, 0, 100)

    so the average unit scores 50 and one standard deviation is 10 points (a
    rescaled z-score that min–max would reduce to the ``minmax`` method, which
    is why min–max is not used for it). When the compared units do not vary
    (``max = min``, ``sd = 0``) the two carry no information: a unit alone in
    its group — the zone, typically — gets its goalpost score (50 when the spec
    has no goalposts), so that a lone zone's uncertainty band reflects the
    weights and the aggregation rather than an arbitrary 50; several units that
    share one value get the neutral 50. (Falling back to goalposts only for a
    lone unit keeps every score monotonic in the unit's own value.)
Dimension score
    The arithmetic mean of the dimension's available (non-NaN) indicator scores;
    NaN when none is available.
Index
    ``arithmetic`` (default): ``Σ w_d · s_d ÷ Σ w_d`` over the dimensions ``d``
    with a score. ``geometric``: ``exp(Σ w_d · ln max(s_d, 1) ÷ Σ w_d)`` — scores
    are floored at :data:`GEOMETRIC_FLOOR` (1 point) so that a dimension at 0
    does not send the whole index to 0 (``ln 0``). A dimension without a score
    is dropped and the remaining weights renormalised (the ``missing_dimensions``
    column names it); when fewer than ``min_dimensions`` (default
    :data:`MIN_DIMENSIONS`, 4 of 6) dimensions have a score the index is NaN.
Weights
    Equal across the six scored dimensions by default. A ``weights`` mapping
    names dimensions and their relative weights (any positive scale; they are
    renormalised); a scored dimension left out of the mapping gets weight 0.
Ranks
    Communities are ranked among the communities of the same year, 1 = best
    (highest index); tied units share the best rank of the tie ("1224"
    competition ranking), so the order of the input rows never matters. Units
    without an index are not ranked, nor is a zone: it is shown beside its
    communities (its index computed from its pooled values exactly like
    theirs) but never ranked among them (:data:`RANKED_UNIT_TYPE`).
Sensitivity (:func:`sensitivity`)
    Leave one dimension out (weight 0, the others renormalised) with the
    baseline method and report ``rank_shift = rank_without − rank``: positive
    means the unit falls without that dimension (the dimension lifts it).

Tunables
--------
``GEOMETRIC_FLOOR``    1.0 — floor applied before the geometric mean
``ZSCORE_CENTRE``, ``ZSCORE_SCALE``  50 and 10 — the T-score rescaling
``RANKED_UNIT_TYPE``   ``"community"`` — the only unit type that is ranked

Building blocks (used by :mod:`linli.uncertainty`): :class:`ScoreMatrix` and
:func:`score_matrix` (the scored indicators as a unit-year × indicator array),
:data:`NORMALISERS`, :func:`dimension_scores`, :func:`aggregate`, :func:`rank_in_groups`,
:func:`rank_block` and :func:`as_int`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .spec import (
    AGGREGATIONS,
    KEYS,
    MIN_DIMENSIONS,
    SCORED_DIMENSIONS,
    Aggregation,
    Normalisation,
    check_long,
    check_methods,
    check_min_dimensions,
    scored_spec,
    weight_vector,
)

__all__ = [
    "GEOMETRIC_FLOOR",
    "NORMALISERS",
    "RANKED_UNIT_TYPE",
    "ZSCORE_CENTRE",
    "ZSCORE_SCALE",
    "ScoreMatrix",
    "aggregate",
    "as_int",
    "dimension_scores",
    "linli_index",
    "normalise",
    "rank_block",
    "rank_in_groups",
    "score_matrix",
    "sensitivity",
]

GEOMETRIC_FLOOR: float = 1.0
ZSCORE_CENTRE: float = 50.0
ZSCORE_SCALE: float = 10.0
#: The unit type that is ranked; a zone is shown beside its communities, never ranked.
RANKED_UNIT_TYPE: str = "community"


@dataclass(frozen=True)
class ScoreMatrix:
    """The scored indicators as a (unit-year × indicator) array."""

    keys: pd.DataFrame  # unit_id, unit_type, year — one row per unit-year, sorted
    x: np.ndarray  # raw values, rows × indicators
    indicators: tuple[str, ...]
    dims: np.ndarray  # dimension position (in SCORED_DIMENSIONS) per indicator
    sign: np.ndarray  # +1 up, −1 down
    lo: np.ndarray
    hi: np.ndarray
    group: np.ndarray  # comparison group (unit_type, year) code per row
    ranked: np.ndarray  # whether the row is ranked (a community; the zone is not)



def _years(year: int | Sequence[int] | None) -> list[int] | None:
    """``year`` as a list of ints, or None for all years."""
    if year is None:
        return None
    if isinstance(year, int | np.integer):
        return [int(year)]
    return [int(y) for y in year]


def score_matrix(
    long: pd.DataFrame,
    spec: pd.DataFrame,
    *,
    year: int | Sequence[int] | None,
    goalposts: bool,
) -> ScoreMatrix:
    """Pivot ``long`` to the scored-indicator matrix, rows sorted (year, type, unit)."""
    check_long(long)
    scored = scored_spec(spec, goalposts=goalposts)
    years = _years(year)
    table = long.loc[:, [*KEYS, "indicator", "value"]]
    if years is not None:
        table = table[table["year"].isin(years)]
    keys = (
        table[KEYS]
        .drop_duplicates()
        .astype({"unit_id": str, "unit_type": str, "year": "int64"})
        .sort_values(["year", "unit_type", "unit_id"], kind="mergesort")
        .reset_index(drop=True)
    )
    indicators = tuple(scored["indicator"].astype(str))
    wide = (
        table[table["indicator"].isin(indicators)]
        .astype({"unit_id": str, "unit_type": str, "year": "int64", "indicator": str})
        .set_index([*KEYS, "indicator"])["value"]
        .unstack("indicator")
    )
    wide = wide.reindex(index=pd.MultiIndex.from_frame(keys), columns=list(indicators))
    x = wide.apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    # goalposts are checked only when the method needs them; otherwise they are
    # used where valid (the fallback of min–max and z-score for units that do not vary)
    lo, hi = (
        pd.to_numeric(scored[c], errors="coerce").to_numpy(dtype=float)
        if c in scored.columns
        else np.full(len(indicators), np.nan)
        for c in ("lo", "hi")
    )
    bad = ~(hi > lo)
    lo, hi = np.where(bad, np.nan, lo), np.where(bad, np.nan, hi)
    group = keys.groupby(["unit_type", "year"], sort=True).ngroup().to_numpy()
    ranked = (keys["unit_type"] == RANKED_UNIT_TYPE).to_numpy()
    return ScoreMatrix(
        keys=keys,
        x=x.reshape(len(keys), len(indicators)),
        indicators=indicators,
        dims=np.array([SCORED_DIMENSIONS.index(d) for d in scored["dimension"]], dtype=int),
        sign=np.where(scored["direction"].to_numpy() == "down", -1.0, 1.0),
        lo=lo,
        hi=hi,
        group=group,
        ranked=ranked,
    )


# --------------------------------------------------------------------------- normalise


def _goalposts(m: ScoreMatrix) -> np.ndarray:
    """Goalpost scores (0–100) of the matrix."""
    up = (m.x - m.lo) / (m.hi - m.lo)
    frac = np.where(m.sign > 0, up, 1.0 - up)
    return np.clip(frac, 0.0, 1.0) * 100.0


def _group_stat(m: ScoreMatrix, stat: str, x: np.ndarray | None = None) -> np.ndarray:
    """``stat`` of each column of ``x`` (the values by default) over the row's comparison group.

    The result is broadcast back to the rows, so it has the shape of the values.
    """
    frame = pd.DataFrame(m.x if x is None else x)
    out = frame.groupby(m.group, sort=False).transform(stat)
    return out.to_numpy(dtype=float).reshape(m.x.shape)


def _no_spread(m: ScoreMatrix, flat: np.ndarray) -> np.ndarray:
    """Scores where the compared units do not vary (``flat``).

    A unit alone in its comparison group (the only one with a value) gets its
    goalpost score (50 without goalposts); units sharing one value get 50.
    """
    alone = _group_stat(m, "count") == 1
    with np.errstate(invalid="ignore"):
        fallback = np.where(alone, _goalposts(m), 50.0)
    return np.where(flat, np.where(np.isnan(fallback), 50.0, fallback), np.nan)


def _rescaled(m: ScoreMatrix) -> tuple[np.ndarray, np.ndarray]:
    """The values rescaled within each comparison group, its minimum to 0 and its maximum to 1.

    Returns the rescaled values and where the group does not vary (``flat``: its
    maximum is not above its minimum), where the values are kept as they are.
    """
    lo, hi = _group_stat(m, "min"), _group_stat(m, "max")
    span = hi - lo
    flat = ~(span > 0)
    return (m.x - lo) / np.where(flat, 1.0, span), flat


def _minmax(m: ScoreMatrix) -> np.ndarray:
    """Min–max scores (0–100) within each comparison group (see :func:`_no_spread`)."""
    up, flat = _rescaled(m)
    score = np.where(m.sign > 0, up, 1.0 - up) * 100.0
    score = np.where(flat, _no_spread(m, flat), score)
    return np.where(np.isnan(m.x), np.nan, score)


def _zscore(m: ScoreMatrix) -> np.ndarray:
    """T-scores ``clip(50 + 10 z, 0, 100)`` within each comparison group (see :func:`_no_spread`).

    ``z`` is the deviation from the group's mean over the standard deviation (ddof 0).
    It is worked out on the values rescaled to 0–1 (:func:`_rescaled`), which leaves
    it unchanged, so that squared deviations neither underflow (values near 1e-161)
    nor overflow (near 1e200).
    """
    up, flat = _rescaled(m)
    dev = up - _group_stat(m, "mean", up)
    sd = np.sqrt(_group_stat(m, "mean", dev * dev))
    z = dev / np.where(flat, 1.0, sd) * m.sign
    score = np.clip(ZSCORE_CENTRE + ZSCORE_SCALE * z, 0.0, 100.0)
    score = np.where(flat, _no_spread(m, flat), score)
    return np.where(np.isnan(m.x), np.nan, score)


NORMALISERS = {"goalposts": _goalposts, "minmax": _minmax, "zscore": _zscore}


def normalise(
    long: pd.DataFrame,
    spec: pd.DataFrame,
    *,
    method: Normalisation = "goalposts",
    year: int | Sequence[int] | None = None,
) -> pd.DataFrame:
    """Normalise every scored indicator to a 0–100 score, higher is better.

    ``goalposts``: ``clip((x − lo) ÷ (hi − lo), 0, 1) × 100`` (``clip((hi − x) ÷
    (hi − lo), 0, 1) × 100`` for ``down``); ``minmax``: ``(x − min) ÷ (max − min)
    × 100`` among units of the same type and year (reversed for ``down``);
    ``zscore``: ``clip(50 + 10 z, 0, 100)`` with ``z`` among the same units
    (``−z`` for ``down``). Where those units do not vary, both give 50 — or the
    goalpost score for a unit alone in its group. See the module docstring.

    Parameters
    ----------
    long
        The long indicator table.
    spec
        One row per indicator: ``indicator, dimension, direction, lo, hi``.
    method
        ``goalposts``, ``minmax`` or ``zscore``.
    year
        A year or years to keep; all years when None.

    Returns
    -------
    pandas.DataFrame
        ``unit_id, unit_type, year, indicator, dimension, value, score``, one row
        per unit-year and scored indicator, sorted by year, unit type, unit and
        the spec's indicator order. ``score`` is NaN where ``value`` is.

    Examples
    --------
    >>> long = pd.DataFrame({"unit_id": ["a", "b"], "unit_type": "community", "year": 2024,
    ...                      "indicator": "volunteers", "value": [30.0, 120.0]})
    >>> spec = pd.DataFrame({"indicator": ["volunteers"], "dimension": ["wushe"],
    ...                      "direction": ["up"], "lo": [0.0], "hi": [100.0]})
    >>> normalise(long, spec)["score"].tolist()
    [30.0, 100.0]
    """
    check_methods((method,), AGGREGATIONS)
    m = score_matrix(long, spec, year=year, goalposts=method == "goalposts")
    scores = NORMALISERS[method](m)
    n_rows, n_ind = m.x.shape
    out = m.keys.loc[np.repeat(np.arange(n_rows), n_ind)].reset_index(drop=True)
    out["indicator"] = np.tile(np.array(m.indicators, dtype=object), n_rows)
    out["dimension"] = np.tile(np.array(SCORED_DIMENSIONS, dtype=object)[m.dims], n_rows)
    out["value"] = m.x.reshape(-1)
    out["score"] = scores.reshape(-1)
    return out.astype({"indicator": str, "dimension": str})


# --------------------------------------------------------------------------- aggregate


def dimension_scores(scores: np.ndarray, dims: np.ndarray) -> np.ndarray:
    """Mean of the available indicator scores per dimension (rows × 6), NaN if none."""
    member = np.zeros((len(dims), len(SCORED_DIMENSIONS)))
    member[np.arange(len(dims)), dims] = 1.0
    avail = ~np.isnan(scores)
    total = np.where(avail, scores, 0.0) @ member
    count = avail.astype(float) @ member
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(count > 0, total / np.where(count > 0, count, 1.0), np.nan)


def aggregate(d: np.ndarray, w: np.ndarray, aggregation: str, min_dims: int) -> np.ndarray:
    """Index from dimension scores ``d`` (rows × 6) and weights ``w`` (6 or draws × 6).

    Returns rows (for 1-D ``w``) or rows × draws (for 2-D ``w``); NaN where
    fewer than ``min_dims`` weighted dimensions have a score.
    """
    avail = ~np.isnan(d)
    wt = w.T  # 6 or 6 × draws
    den = avail.astype(float) @ wt
    if aggregation == "geometric":
        num = (
            np.where(avail, np.log(np.maximum(np.where(avail, d, 1.0), GEOMETRIC_FLOOR)), 0.0) @ wt
        )
    else:
        num = np.where(avail, d, 0.0) @ wt
    n_dims = avail.astype(float) @ (w.T > 0).astype(float)
    ok = (den > 0) & (n_dims >= min_dims)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = num / np.where(ok, den, 1.0)
    if aggregation == "geometric":
        value = np.exp(value)
    return np.where(ok, value, np.nan)


def rank_in_groups(values: np.ndarray, m: ScoreMatrix) -> np.ndarray:
    """Rank (1 = highest) within each comparison group of ranked rows, per column.

    Ties share the best rank; NaN for a row without a value or not ranked (a zone).
    The loop runs over comparison groups (unit type and year), not over units.
    """
    if values.ndim == 1:
        values = values[:, None]
    ranks = np.full(values.shape, np.nan)
    for g in np.unique(m.group[m.ranked]):
        rows = (m.group == g) & m.ranked
        ranks[rows] = rank_block(values[rows])
    return ranks


def rank_block(values: np.ndarray) -> np.ndarray:
    """Rank the rows of one comparison group (rows × columns), 1 = highest, per column.

    Ties share the best (least) rank, as ``scipy.stats.rankdata(-values, method="min",
    axis=0)`` gives them; NaN stays NaN and is not counted. Each column is sorted over
    contiguous memory, and a value's rank is the position of the first of its equals
    in that order: for the 2,000 × 5,000 ranks of a province's sensitivity analysis,
    a third of the time of ``rankdata`` (which sorts stably along a strided axis).

    >>> rank_block(np.array([[10.0, 1.0], [30.0, np.nan], [30.0, 2.0], [20.0, 2.0]]))
    array([[ 4.,  3.],
           [ 1., nan],
           [ 1.,  1.],
           [ 3.,  1.]])
    """
    x = np.ascontiguousarray(-np.asarray(values, dtype="float64").T)  # columns × rows: highest first
    order = np.argsort(x, axis=1)  # NaN last: it does not move any other value's rank
    ordered = np.take_along_axis(x, order, axis=1)
    n = x.shape[1]
    first = np.zeros(x.shape, dtype=np.int32 if n < 2**31 else np.int64)  # where each run of equals starts
    first[:, 1:] = np.where(ordered[:, 1:] != ordered[:, :-1], np.arange(1, n, dtype=first.dtype), 0)
    np.maximum.accumulate(first, axis=1, out=first)
    ranks = np.empty(x.shape)
    np.put_along_axis(ranks, order, first + 1.0, axis=1)
    ranks[np.isnan(x)] = np.nan
    return ranks.T


def as_int(values: np.ndarray) -> pd.arrays.IntegerArray:
    """Whole numbers, NaN as NA, as a nullable ``Int64`` array."""
    values = np.asarray(values, dtype=float)
    missing = np.isnan(values)
    return pd.arrays.IntegerArray(np.where(missing, 0.0, values).astype("int64"), missing)



def linli_index(
    long: pd.DataFrame,
    spec: pd.DataFrame,
    *,
    weights: Mapping[str, float] | None = None,
    year: int | Sequence[int] | None = None,
    normalisation: Normalisation = "goalposts",
    aggregation: Aggregation = "arithmetic",
    min_dimensions: int = MIN_DIMENSIONS,
) -> pd.DataFrame:
    """Compute the dimension scores and the Linli Index of every unit and year.

    Dimension score ``s_d`` = mean of the available normalised indicator scores
    of ``d``; index = ``Σ w_d s_d ÷ Σ w_d`` (arithmetic) or
    ``exp(Σ w_d ln max(s_d, 1) ÷ Σ w_d)`` (geometric), over the dimensions with
    a score; NaN when fewer than ``min_dimensions`` have one.

    Parameters
    ----------
    long
        The long indicator table.
    spec
        One row per indicator: ``indicator, dimension, direction, lo, hi``.
    weights
        Relative dimension weights (renormalised); equal when None.
    year
        A year or years; all years in ``long`` when None.
    normalisation
        ``goalposts`` (default), ``minmax`` or ``zscore``.
    aggregation
        ``arithmetic`` (default) or ``geometric``.
    min_dimensions
        Fewest dimensions with a score for an index.

    Returns
    -------
    pandas.DataFrame
        ``unit_id, unit_type, year``, one column per scored dimension
        (:data:`SCORED_DIMENSIONS`), ``index``, ``rank`` (within unit type and
        year, 1 = best, ``Int64``), ``n_dimensions`` (dimensions with a score and
        a weight) and ``missing_dimensions`` (``;``-joined ids of weighted
        dimensions without a score), sorted by year, unit type and unit.

    Examples
    --------
    >>> long = pd.DataFrame({"unit_id": ["a", "a"], "unit_type": "community", "year": 2024,
    ...                      "indicator": ["volunteers", "mediation_success_pct"],
    ...                      "value": [60.0, 90.0]})
    >>> spec = pd.DataFrame({"indicator": ["volunteers", "mediation_success_pct"],
    ...                      "dimension": ["wushe", "lin_he"], "direction": ["up", "up"],
    ...                      "lo": [0.0, 50.0], "hi": [100.0, 100.0]})
    >>> float(linli_index(long, spec, min_dimensions=2).loc[0, "index"])  # (60 + 80) ÷ 2
    70.0
    """
    check_methods((normalisation,), (aggregation,))
    check_min_dimensions(min_dimensions)
    w = weight_vector(weights)
    m = score_matrix(long, spec, year=year, goalposts=normalisation == "goalposts")
    d = dimension_scores(NORMALISERS[normalisation](m), m.dims)
    index = aggregate(d, w, aggregation, min_dimensions)
    return _index_frame(m, d, index, w)


def _index_frame(m: ScoreMatrix, d: np.ndarray, index: np.ndarray, w: np.ndarray) -> pd.DataFrame:
    """Assemble the output of :func:`linli_index`."""
    out = m.keys.copy()
    for j, dim in enumerate(SCORED_DIMENSIONS):
        out[dim] = d[:, j]
    out["index"] = index
    out["rank"] = as_int(rank_in_groups(index, m)[:, 0])
    weighted = w > 0
    has = ~np.isnan(d) & weighted
    out["n_dimensions"] = has.sum(axis=1).astype("int64")
    names = np.array(SCORED_DIMENSIONS)
    lacking = np.isnan(d) & weighted
    out["missing_dimensions"] = [";".join(names[row]) for row in lacking]
    out["missing_dimensions"] = out["missing_dimensions"].astype(str)
    return out


# --------------------------------------------------------------------------- sensitivity


def sensitivity(
    long: pd.DataFrame,
    spec: pd.DataFrame,
    *,
    weights: Mapping[str, float] | None = None,
    year: int | Sequence[int] | None = None,
    normalisation: Normalisation = "goalposts",
    aggregation: Aggregation = "arithmetic",
    min_dimensions: int = MIN_DIMENSIONS,
) -> pd.DataFrame:
    """Leave each dimension out in turn and report every unit's rank shift.

    For each weighted dimension ``d``: the index with ``w_d = 0`` (other weights
    renormalised, same normalisation, aggregation and ``min_dimensions``) and
    ``rank_shift = rank_without − rank`` within the unit type and year. A
    positive shift means the unit ranks lower without ``d``.

    Parameters
    ----------
    long
        The long indicator table.
    spec
        One row per indicator: ``indicator, dimension, direction, lo, hi``.
    weights
        Relative dimension weights; equal when None.
    year
        A year or years; all years when None.
    normalisation, aggregation
        The baseline method.
    min_dimensions
        Fewest dimensions with a score for an index.

    Returns
    -------
    pandas.DataFrame
        ``unit_id, unit_type, year, dimension, index, index_without, rank,
        rank_without, rank_shift`` (ranks ``Int64``, NA without an index), one
        row per unit-year and left-out dimension, sorted by year, unit type,
        unit and dimension (in :data:`SCORED_DIMENSIONS` order).

    Examples
    --------
    >>> long = pd.DataFrame({"unit_id": ["a", "a", "b", "b"], "unit_type": "community",
    ...                      "year": 2024, "indicator": ["volunteers", "mediation_success_pct"] * 2,
    ...                      "value": [90.0, 0.0, 50.0, 60.0]})
    >>> spec = pd.DataFrame({"indicator": ["volunteers", "mediation_success_pct"],
    ...                      "dimension": ["wushe", "lin_he"], "direction": ["up", "up"],
    ...                      "lo": [0.0, 0.0], "hi": [100.0, 100.0]})
    >>> s = sensitivity(long, spec, min_dimensions=1)
    >>> s.loc[s["dimension"] == "lin_he", "rank_shift"].tolist()  # a: 45 → 90, rank 2 → 1
    [-1, 1]
    """
    check_methods((normalisation,), (aggregation,))
    check_min_dimensions(min_dimensions)
    w = weight_vector(weights)
    m = score_matrix(long, spec, year=year, goalposts=normalisation == "goalposts")
    d = dimension_scores(NORMALISERS[normalisation](m), m.dims)
    base = aggregate(d, w, aggregation, min_dimensions)
    base_rank = rank_in_groups(base, m)[:, 0]
    left_out = [j for j in range(len(SCORED_DIMENSIONS)) if w[j] > 0 and (w > 0).sum() > 1]
    frames = []
    for j in left_out:
        wj = w.copy()
        wj[j] = 0.0
        wj /= wj.sum()
        without = aggregate(d, wj, aggregation, min_dimensions)
        frame = m.keys.copy()
        frame["dimension"] = SCORED_DIMENSIONS[j]
        frame["index"] = base
        frame["index_without"] = without
        frame["rank"] = base_rank
        frame["rank_without"] = rank_in_groups(without, m)[:, 0]
        frame["_order"] = j
        frames.append(frame)
    columns = [*KEYS, "dimension", "index", "index_without", "rank", "rank_without", "rank_shift"]
    if not frames:
        return pd.DataFrame(columns=columns)
    out = pd.concat(frames, ignore_index=True)
    out["rank_shift"] = out["rank_without"] - out["rank"]
    for col in ("rank", "rank_without", "rank_shift"):
        out[col] = as_int(out[col].to_numpy(dtype=float))
    out["dimension"] = out["dimension"].astype(str)
    out = out.sort_values(["year", "unit_type", "unit_id", "_order"], kind="mergesort")
    return out.loc[:, columns].reset_index(drop=True)
