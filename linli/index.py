"""The Linli Index (邻里指数): a composite of the six scored dimensions.

Built as the OECD/JRC *Handbook on Constructing Composite Indicators* (2008)
describes: normalise each scored indicator, average the indicators of a
dimension, aggregate the six dimension scores with weights, then test how much
the result depends on those choices (uncertainty) and on each dimension
(sensitivity).

Inputs
------
``long``
    The long indicator table of :func:`linli.indicators.compute`: columns
    ``unit_id, unit_type, year, indicator, value`` (``ci_low, ci_high, reason``
    are ignored here). ``value`` NaN means missing.
``spec``
    A DataFrame with one row per indicator: ``indicator, dimension, direction,
    lo, hi`` (:func:`spec_from_catalogue` builds it from the shipped catalogue,
    with the target columns :mod:`linli.progress` needs as well). Indicators in
    ``long`` but not in ``spec`` are ignored; scored indicators in ``spec`` but
    absent from ``long`` count as missing.

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
Uncertainty (:func:`uncertainty`, seeded Monte Carlo) answers two questions
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
Sensitivity (:func:`sensitivity`)
    Leave one dimension out (weight 0, the others renormalised) with the
    baseline method and report ``rank_shift = rank_without − rank``: positive
    means the unit falls without that dimension (the dimension lifts it).

Tunables
--------
``SCORED_DIMENSIONS``  the six scored dimension ids, in report order
``NORMALISATIONS``     ``("goalposts", "minmax", "zscore")``
``AGGREGATIONS``       ``("arithmetic", "geometric")``
``GEOMETRIC_FLOOR``    1.0 — floor applied before the geometric mean
``ZSCORE_CENTRE``, ``ZSCORE_SCALE``  50 and 10 — the T-score rescaling
``MIN_DIMENSIONS``     4 — fewer dimensions with a score give no index
``DRAWS``, ``SEED``, ``WEIGHT_JITTER``  1000, 20240101, 0.25 — Monte Carlo defaults
``BOOTSTRAP``          1000 — bootstrap resamples of the sensitivity intervals
``RANKED_UNIT_TYPE``   ``"community"`` — the only unit type that is ranked
``INPUTS``             ``("normalisation", "aggregation", "weights")``
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy.stats import rankdata

from .errors import ContractError

logger = logging.getLogger(__name__)

Normalisation = Literal["goalposts", "minmax", "zscore"]
Aggregation = Literal["arithmetic", "geometric"]

SCORED_DIMENSIONS: tuple[str, ...] = (
    "wushe",
    "lin_zhi",
    "lin_he",
    "lin_zhu",
    "lin_le",
    "satisfaction",
)
DIMENSIONS: tuple[str, ...] = ("profile", *SCORED_DIMENSIONS)
DIRECTIONS: tuple[str, ...] = ("up", "down", "context")
NORMALISATIONS: tuple[str, ...] = ("goalposts", "minmax", "zscore")
AGGREGATIONS: tuple[str, ...] = ("arithmetic", "geometric")
GEOMETRIC_FLOOR: float = 1.0
ZSCORE_CENTRE: float = 50.0
ZSCORE_SCALE: float = 10.0
MIN_DIMENSIONS: int = 4
DRAWS: int = 1000
SEED: int = 20240101
WEIGHT_JITTER: float = 0.25
BOOTSTRAP: int = 1000
#: The unit type that is ranked; a zone is shown beside its communities, never ranked.
RANKED_UNIT_TYPE: str = "community"
#: The uncertain inputs of the rank sensitivity analysis, in report order.
INPUTS: tuple[str, ...] = ("normalisation", "aggregation", "weights")

#: Columns of the spec frame; the index needs the first five.
SPEC_COLUMNS: tuple[str, ...] = (
    "indicator",
    "dimension",
    "direction",
    "lo",
    "hi",
    "target_value",
    "target_comparison",
    "target_kind",
    "target_year",
)
_KEYS: list[str] = ["unit_id", "unit_type", "year"]
_LONG_COLUMNS: tuple[str, ...] = ("unit_id", "unit_type", "year", "indicator", "value")


# --------------------------------------------------------------------------- spec


@dataclass(frozen=True)
class IndexSettings:
    """The index settings of the catalogue, named as the keyword options here.

    Every field is a keyword of :func:`rank_sensitivity`
    (``rank_sensitivity(long, spec, **dataclasses.asdict(settings))``), and every
    field but ``bootstrap`` one of :func:`uncertainty`; ``weights``,
    ``normalisation``, ``aggregation`` and ``min_dimensions`` are also those of
    :func:`linli_index` and :func:`sensitivity`.
    """

    weights: Mapping[str, float] = field(
        default_factory=lambda: dict.fromkeys(SCORED_DIMENSIONS, 1.0)
    )
    draws: int = DRAWS
    seed: int = SEED
    weight_jitter: float = WEIGHT_JITTER
    normalisations: tuple[str, ...] = NORMALISATIONS
    aggregations: tuple[str, ...] = AGGREGATIONS
    normalisation: str = "goalposts"
    aggregation: str = "arithmetic"
    min_dimensions: int = MIN_DIMENSIONS
    bootstrap: int = BOOTSTRAP

    def for_uncertainty(self) -> dict[str, Any]:
        """The keywords of :func:`uncertainty` (every field but ``bootstrap``)."""
        fields = dataclasses.asdict(self)
        del fields["bootstrap"]
        return fields


def _get(obj: Any, name: str, default: Any = None) -> Any:
    """Read ``name`` from a mapping or an attribute object."""
    if obj is None:
        return default
    if isinstance(obj, Mapping):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _first(obj: Any, names: Sequence[str], default: Any = None) -> Any:
    """The first of ``names`` present (not None) in ``obj``."""
    for name in names:
        value = _get(obj, name)
        if value is not None:
            return value
    return default


def _number(value: Any) -> float:
    """A float, NaN for None or an empty string."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return float("nan")
    return float(value)


def spec_from_catalogue(catalogue: Any) -> pd.DataFrame:
    """Build the spec frame from the indicator catalogue.

    Reads ``catalogue.indicators`` (or ``catalogue["indicators"]``, or the
    catalogue itself when it is a list); each entry may be a mapping or an
    object with the agreed fields ``id, dimension, direction, goalposts {lo, hi},
    target {value, comparison, kind, year}`` (``goalposts`` and ``target`` may be
    null; ``goalposts`` may also be a ``[lo, hi]`` pair, and ``indicators`` a
    mapping from id to entry).

    Parameters
    ----------
    catalogue
        The loaded catalogue (:func:`linli.indicators.catalogue.load`).

    Returns
    -------
    pandas.DataFrame
        One row per indicator with :data:`SPEC_COLUMNS`: ``lo``, ``hi`` and
        ``target_value`` float (NaN when absent), ``target_year`` ``Int64``.

    Examples
    --------
    >>> cat = {"indicators": [{"id": "volunteers", "dimension": "wushe", "direction": "up",
    ...        "goalposts": {"lo": 0, "hi": 100}, "target": None}]}
    >>> spec = spec_from_catalogue(cat)
    >>> spec.loc[0, "indicator"], float(spec.loc[0, "hi"])
    ('volunteers', 100.0)
    """
    entries = catalogue if isinstance(catalogue, list | tuple) else _get(catalogue, "indicators")
    if entries is None:
        msg = "The catalogue has no 'indicators' list."
        raise ContractError(msg)
    pairs = (
        [(str(key), entry) for key, entry in entries.items()]  # {id: entry}
        if isinstance(entries, Mapping)
        else [(None, entry) for entry in entries]
    )
    rows = []
    for key, entry in pairs:
        goalposts = _get(entry, "goalposts")
        if isinstance(goalposts, list | tuple) and len(goalposts) == 2:
            goalposts = {"lo": goalposts[0], "hi": goalposts[1]}
        target = _get(entry, "target")
        target_year = _get(target, "year")
        rows.append(
            {
                "indicator": str(_get(entry, "id", key)),
                "dimension": str(_get(entry, "dimension")),
                "direction": str(_get(entry, "direction")),
                "lo": _number(_get(goalposts, "lo")),
                "hi": _number(_get(goalposts, "hi")),
                "target_value": _number(_get(target, "value")),
                "target_comparison": _get(target, "comparison"),
                "target_kind": _get(target, "kind"),
                "target_year": pd.NA if target_year is None else int(target_year),
            }
        )
    spec = pd.DataFrame(rows, columns=list(SPEC_COLUMNS))
    spec["lo"] = spec["lo"].astype("float64")
    spec["hi"] = spec["hi"].astype("float64")
    spec["target_value"] = spec["target_value"].astype("float64")
    spec["target_year"] = spec["target_year"].astype("Int64")
    _check_spec(spec)
    return spec


def settings_from_catalogue(catalogue: Any) -> IndexSettings:
    """Read the catalogue's ``index_settings`` into :class:`IndexSettings`.

    Accepts a mapping or an attribute object, and the plausible spellings:
    ``weights``; ``draws`` / ``monte_carlo_draws``; ``seed``; ``weight_jitter`` /
    ``weight_perturbation`` (a fraction; a value above 1 is read as percent);
    ``bootstrap``; ``normalisations``; ``aggregations``; ``normalisation`` /
    ``aggregation`` (the baseline method); ``min_dimensions``. Anything absent
    keeps its default.

    Examples
    --------
    >>> settings_from_catalogue({"index_settings": {"draws": 10, "weight_perturbation": 25}}).weight_jitter
    0.25
    """
    raw = _get(catalogue, "index_settings")
    default = IndexSettings()
    if raw is None:
        return default
    mc = _get(raw, "monte_carlo") or _get(raw, "uncertainty")
    weights = _first(raw, ("weights", "dimension_weights"))
    if weights is not None and not isinstance(weights, Mapping):
        weights = {d: _get(weights, d) for d in SCORED_DIMENSIONS if _get(weights, d) is not None}
    jitter = _first(raw, ("weight_jitter", "weight_perturbation"))
    if jitter is None:
        jitter = _first(mc, ("weight_jitter", "weight_perturbation"), default.weight_jitter)
    jitter = float(jitter)
    if jitter > 1:
        jitter /= 100.0
    draws = _first(raw, ("draws", "monte_carlo_draws"))
    if draws is None:
        draws = _first(mc, ("draws",), default.draws)
    seed = _first(raw, ("seed",))
    if seed is None:
        seed = _first(mc, ("seed",), default.seed)
    bootstrap = _first(raw, ("bootstrap",))
    if bootstrap is None:
        bootstrap = _first(mc, ("bootstrap",), default.bootstrap)
    normalisations = _first(raw, ("normalisations",))
    if normalisations is None:
        normalisations = _first(mc, ("normalisations",), default.normalisations)
    aggregations = _first(raw, ("aggregations",))
    if aggregations is None:
        aggregations = _first(mc, ("aggregations",), default.aggregations)
    settings = IndexSettings(
        weights={str(k): float(v) for k, v in dict(weights).items()}
        if weights is not None
        else default.weights,
        draws=int(draws),
        seed=int(seed),
        weight_jitter=jitter,
        normalisations=tuple(str(n) for n in normalisations),
        aggregations=tuple(str(a) for a in aggregations),
        normalisation=str(_first(raw, ("normalisation",), default.normalisation)),
        aggregation=str(_first(raw, ("aggregation",), default.aggregation)),
        min_dimensions=int(_first(raw, ("min_dimensions",), default.min_dimensions)),
        bootstrap=int(bootstrap),
    )
    _check_methods(settings.normalisations, settings.aggregations)
    _check_methods((settings.normalisation,), (settings.aggregation,))
    _weight_vector(settings.weights)
    return settings


def _check_spec(spec: pd.DataFrame) -> None:
    """Raise :class:`ContractError` for a spec frame that cannot be used."""
    missing = [c for c in ("indicator", "dimension", "direction") if c not in spec.columns]
    if missing:
        msg = f"The indicator spec lacks column(s) {missing}; needs {list(SPEC_COLUMNS[:5])}."
        raise ContractError(msg)
    dup = spec["indicator"][spec["indicator"].duplicated()].tolist()
    if dup:
        msg = f"Indicator(s) {dup} appear more than once in the spec."
        raise ContractError(msg)
    bad = spec.loc[~spec["direction"].isin(DIRECTIONS), ["indicator", "direction"]]
    if len(bad):
        row = bad.iloc[0]
        msg = f"Indicator {row['indicator']!r}: unknown direction {row['direction']!r}; known: {list(DIRECTIONS)}."
        raise ContractError(msg)
    bad = spec.loc[~spec["dimension"].isin(DIMENSIONS), ["indicator", "dimension"]]
    if len(bad):
        row = bad.iloc[0]
        msg = f"Indicator {row['indicator']!r}: unknown dimension {row['dimension']!r}; known: {list(DIMENSIONS)}."
        raise ContractError(msg)


def scored_spec(spec: pd.DataFrame, *, goalposts: bool) -> pd.DataFrame:
    """The scored rows of ``spec`` (up/down in a scored dimension), checked."""
    _check_spec(spec)
    scored = spec[
        spec["direction"].isin(("up", "down")) & spec["dimension"].isin(SCORED_DIMENSIONS)
    ]
    scored = scored.reset_index(drop=True)
    if goalposts:
        for col in ("lo", "hi"):
            if col not in scored.columns:
                msg = f"The indicator spec lacks column {col!r}, needed by goalpost normalisation."
                raise ContractError(msg)
        lo = pd.to_numeric(scored["lo"], errors="coerce").to_numpy(dtype=float)
        hi = pd.to_numeric(scored["hi"], errors="coerce").to_numpy(dtype=float)
        bad = ~(np.isfinite(lo) & np.isfinite(hi) & (hi > lo))
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            msg = (
                f"Indicator {scored.loc[i, 'indicator']!r}: goalposts lo={lo[i]!r}, hi={hi[i]!r}; "
                "a scored indicator needs finite goalposts with lo < hi."
            )
            raise ContractError(msg)
    return scored


def _check_methods(normalisations: Iterable[str], aggregations: Iterable[str]) -> None:
    """Raise for an unknown normalisation or aggregation name."""
    normalisations, aggregations = tuple(normalisations), tuple(aggregations)
    for name in normalisations:
        if name not in NORMALISATIONS:
            msg = f"Unknown normalisation {name!r}; known: {list(NORMALISATIONS)}."
            raise ContractError(msg)
    for name in aggregations:
        if name not in AGGREGATIONS:
            msg = f"Unknown aggregation {name!r}; known: {list(AGGREGATIONS)}."
            raise ContractError(msg)
    if not normalisations or not aggregations:
        msg = "The Monte Carlo needs at least one normalisation and one aggregation."
        raise ContractError(msg)


def _weight_vector(weights: Mapping[str, float] | None) -> np.ndarray:
    """Weights in :data:`SCORED_DIMENSIONS` order, summing to 1."""
    if weights is None:
        return np.full(len(SCORED_DIMENSIONS), 1.0 / len(SCORED_DIMENSIONS))
    unknown = sorted(set(weights) - set(SCORED_DIMENSIONS))
    if unknown:
        msg = f"Unknown dimension(s) {unknown} in weights; known: {list(SCORED_DIMENSIONS)}."
        raise ContractError(msg)
    w = np.array([float(weights.get(d, 0.0)) for d in SCORED_DIMENSIONS])
    if not np.all(np.isfinite(w)) or (w < 0).any() or w.sum() <= 0:
        msg = f"Dimension weights must be finite, non-negative and not all 0; got {dict(weights)}."
        raise ContractError(msg)
    return w / w.sum()


# --------------------------------------------------------------------------- matrix


@dataclass(frozen=True)
class _Matrix:
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


def check_long(long: pd.DataFrame) -> None:
    """Raise for a long table without the needed columns or with duplicate rows."""
    missing = [c for c in _LONG_COLUMNS if c not in long.columns]
    if missing:
        msg = f"The indicator table lacks column(s) {missing}; needs {list(_LONG_COLUMNS)}."
        raise ContractError(msg)
    dup = long.duplicated([*_KEYS, "indicator"])
    if dup.any():
        row = long.loc[dup].iloc[0]
        msg = (
            f"The indicator table has more than one row for {row['unit_type']} "
            f"{row['unit_id']!r}, {row['year']}, {row['indicator']!r}."
        )
        raise ContractError(msg)


def _years(year: int | Sequence[int] | None) -> list[int] | None:
    """``year`` as a list of ints, or None for all years."""
    if year is None:
        return None
    if isinstance(year, int | np.integer):
        return [int(year)]
    return [int(y) for y in year]


def _matrix(
    long: pd.DataFrame,
    spec: pd.DataFrame,
    *,
    year: int | Sequence[int] | None,
    goalposts: bool,
) -> _Matrix:
    """Pivot ``long`` to the scored-indicator matrix, rows sorted (year, type, unit)."""
    check_long(long)
    scored = scored_spec(spec, goalposts=goalposts)
    years = _years(year)
    table = long.loc[:, [*_KEYS, "indicator", "value"]]
    if years is not None:
        table = table[table["year"].isin(years)]
    keys = (
        table[_KEYS]
        .drop_duplicates()
        .astype({"unit_id": str, "unit_type": str, "year": "int64"})
        .sort_values(["year", "unit_type", "unit_id"], kind="mergesort")
        .reset_index(drop=True)
    )
    indicators = tuple(scored["indicator"].astype(str))
    wide = (
        table[table["indicator"].isin(indicators)]
        .astype({"unit_id": str, "unit_type": str, "year": "int64", "indicator": str})
        .set_index([*_KEYS, "indicator"])["value"]
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
    return _Matrix(
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


def _goalposts(m: _Matrix) -> np.ndarray:
    """Goalpost scores (0–100) of the matrix."""
    up = (m.x - m.lo) / (m.hi - m.lo)
    frac = np.where(m.sign > 0, up, 1.0 - up)
    return np.clip(frac, 0.0, 1.0) * 100.0


def _group_stat(m: _Matrix, stat: str) -> np.ndarray:
    """``stat`` of each indicator over the row's comparison group, broadcast to rows."""
    frame = pd.DataFrame(m.x)
    grouped = frame.groupby(m.group, sort=False)
    out = grouped.transform("std", ddof=0) if stat == "std" else grouped.transform(stat)
    return out.to_numpy(dtype=float).reshape(m.x.shape)


def _no_spread(m: _Matrix, flat: np.ndarray) -> np.ndarray:
    """Scores where the compared units do not vary (``flat``).

    A unit alone in its comparison group (the only one with a value) gets its
    goalpost score (50 without goalposts); units sharing one value get 50.
    """
    alone = _group_stat(m, "count") == 1
    with np.errstate(invalid="ignore"):
        fallback = np.where(alone, _goalposts(m), 50.0)
    return np.where(flat, np.where(np.isnan(fallback), 50.0, fallback), np.nan)


def _minmax(m: _Matrix) -> np.ndarray:
    """Min–max scores (0–100) within each comparison group (see :func:`_no_spread`)."""
    lo, hi = _group_stat(m, "min"), _group_stat(m, "max")
    span = hi - lo
    flat = ~(span > 0)
    up = (m.x - lo) / np.where(flat, 1.0, span)
    score = np.where(m.sign > 0, up, 1.0 - up) * 100.0
    score = np.where(flat, _no_spread(m, flat), score)
    return np.where(np.isnan(m.x), np.nan, score)


def _zscore(m: _Matrix) -> np.ndarray:
    """T-scores ``clip(50 + 10 z, 0, 100)`` within each comparison group (see :func:`_no_spread`)."""
    mean, sd = _group_stat(m, "mean"), _group_stat(m, "std")
    flat = ~(sd > 0)
    z = (m.x - mean) / np.where(flat, 1.0, sd) * m.sign
    score = np.clip(ZSCORE_CENTRE + ZSCORE_SCALE * z, 0.0, 100.0)
    score = np.where(flat, _no_spread(m, flat), score)
    return np.where(np.isnan(m.x), np.nan, score)


_NORMALISERS = {"goalposts": _goalposts, "minmax": _minmax, "zscore": _zscore}


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
    _check_methods((method,), AGGREGATIONS)
    m = _matrix(long, spec, year=year, goalposts=method == "goalposts")
    scores = _NORMALISERS[method](m)
    n_rows, n_ind = m.x.shape
    out = m.keys.loc[np.repeat(np.arange(n_rows), n_ind)].reset_index(drop=True)
    out["indicator"] = np.tile(np.array(m.indicators, dtype=object), n_rows)
    out["dimension"] = np.tile(np.array(SCORED_DIMENSIONS, dtype=object)[m.dims], n_rows)
    out["value"] = m.x.reshape(-1)
    out["score"] = scores.reshape(-1)
    return out.astype({"indicator": str, "dimension": str})


# --------------------------------------------------------------------------- aggregate


def _dimension_scores(scores: np.ndarray, dims: np.ndarray) -> np.ndarray:
    """Mean of the available indicator scores per dimension (rows × 6), NaN if none."""
    member = np.zeros((len(dims), len(SCORED_DIMENSIONS)))
    member[np.arange(len(dims)), dims] = 1.0
    avail = ~np.isnan(scores)
    total = np.where(avail, scores, 0.0) @ member
    count = avail.astype(float) @ member
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(count > 0, total / np.where(count > 0, count, 1.0), np.nan)


def _aggregate(d: np.ndarray, w: np.ndarray, aggregation: str, min_dims: int) -> np.ndarray:
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


def _rank(values: np.ndarray, m: _Matrix) -> np.ndarray:
    """Rank (1 = highest) within each comparison group of ranked rows, per column.

    Ties share the best rank; NaN for a row without a value or not ranked (a zone).
    The loop runs over comparison groups (unit type and year), not over units.
    """
    if values.ndim == 1:
        values = values[:, None]
    ranks = np.full(values.shape, np.nan)
    for g in np.unique(m.group[m.ranked]):
        rows = (m.group == g) & m.ranked
        ranks[rows] = _rank_block(values[rows])
    return ranks


def _rank_block(values: np.ndarray) -> np.ndarray:
    """Rank the rows of one comparison group (rows × columns), 1 = highest."""
    if np.isnan(values).any():
        return rankdata(-values, method="min", axis=0, nan_policy="omit")
    return rankdata(-values, method="min", axis=0).astype(float)


def _as_int(values: np.ndarray) -> pd.arrays.IntegerArray:
    """Whole numbers, NaN as NA, as a nullable ``Int64`` array."""
    values = np.asarray(values, dtype=float)
    missing = np.isnan(values)
    return pd.arrays.IntegerArray(np.where(missing, 0.0, values).astype("int64"), missing)


def _check_min_dimensions(min_dimensions: int) -> None:
    """Raise unless ``1 ≤ min_dimensions ≤ 6``."""
    if not 1 <= int(min_dimensions) <= len(SCORED_DIMENSIONS):
        msg = f"min_dimensions must be between 1 and {len(SCORED_DIMENSIONS)}; got {min_dimensions!r}."
        raise ContractError(msg)


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
    _check_methods((normalisation,), (aggregation,))
    _check_min_dimensions(min_dimensions)
    w = _weight_vector(weights)
    m = _matrix(long, spec, year=year, goalposts=normalisation == "goalposts")
    d = _dimension_scores(_NORMALISERS[normalisation](m), m.dims)
    index = _aggregate(d, w, aggregation, min_dimensions)
    return _index_frame(m, d, index, w)


def _index_frame(m: _Matrix, d: np.ndarray, index: np.ndarray, w: np.ndarray) -> pd.DataFrame:
    """Assemble the output of :func:`linli_index`."""
    out = m.keys.copy()
    for j, dim in enumerate(SCORED_DIMENSIONS):
        out[dim] = d[:, j]
    out["index"] = index
    out["rank"] = _as_int(_rank(index, m)[:, 0])
    weighted = w > 0
    has = ~np.isnan(d) & weighted
    out["n_dimensions"] = has.sum(axis=1).astype("int64")
    names = np.array(SCORED_DIMENSIONS)
    lacking = np.isnan(d) & weighted
    out["missing_dimensions"] = [";".join(names[row]) for row in lacking]
    out["missing_dimensions"] = out["missing_dimensions"].astype(str)
    return out


# --------------------------------------------------------------------------- uncertainty


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
                out[:, cols] = _aggregate(dims[nname][rows], weights[cols], aname, min_dimensions)
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
    _check_methods(normalisations, aggregations)
    _check_methods((normalisation,), (aggregation,))
    _check_min_dimensions(min_dimensions)
    _check_monte_carlo(draws, weight_jitter)
    w = _weight_vector(weights)
    needs_goalposts = "goalposts" in (*normalisations, normalisation)
    m = _matrix(long, spec, year=year, goalposts=needs_goalposts)
    norm, agg, factors = _draws(
        draws=int(draws),
        seed=int(seed),
        weight_jitter=float(weight_jitter),
        n_norm=len(normalisations),
        n_agg=len(aggregations),
    )
    wd = _weights_of(w, factors)
    dims = {
        name: _dimension_scores(_NORMALISERS[name](m), m.dims)
        for name in dict.fromkeys((*normalisations, normalisation))
    }
    base = _aggregate(dims[normalisation], w, aggregation, min_dimensions)
    base_rank = _rank(base, m)[:, 0]

    # the index band: weights only, headline normalisation and aggregation
    band = _aggregate(dims[normalisation], wd, aggregation, min_dimensions)
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
        ranks = _rank_block(block[valid])
        at = rows[valid]
        rank_stats[at, :3] = np.percentile(ranks, [50, 5, 95], axis=1, method="inverted_cdf").T
        rank_stats[at, 3] = (ranks == base_rank[at][:, None]).sum(axis=1) * 100.0 / ranks.shape[1]

    out = m.keys.copy()
    out["index"] = base
    for j, col in enumerate(("index_low", "index_median", "index_high")):
        out[col] = band_stats[:, j]
    out["rank"] = _as_int(base_rank)
    for j, col in enumerate(("rank_median", "rank_low", "rank_high")):
        out[col] = _as_int(rank_stats[:, j])
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
    out = scores[[*_KEYS, *SCORED_DIMENSIONS]].merge(unc.drop(columns="n_ranked"), on=_KEYS, how="left")
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
    _check_methods(normalisations, aggregations)
    _check_min_dimensions(min_dimensions)
    _check_monte_carlo(draws, weight_jitter)
    if int(bootstrap) < 0:
        msg = f"bootstrap must be 0 or more; got {bootstrap!r}."
        raise ContractError(msg)
    n = int(draws)
    w = _weight_vector(weights)
    m = _matrix(long, spec, year=year, goalposts="goalposts" in normalisations)
    dims = {name: _dimension_scores(_NORMALISERS[name](m), m.dims) for name in normalisations}
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence([int(seed), 1])))
    x = _design(rng, n)  # (d + 2) N × 8: A, B, A_B^1 … A_B^d
    runs = _runs_of(x, n_norm=len(normalisations), n_agg=len(aggregations), w=w,
                    weight_jitter=float(weight_jitter))
    base = _aggregate(dims[normalisations[0]], w, "arithmetic", min_dimensions)

    frames = []
    for g in np.unique(m.group[m.ranked]):
        rows = np.flatnonzero((m.group == g) & m.ranked)
        block = _index_runs(dims, rows, runs, (normalisations, aggregations), min_dimensions)
        valid = ~np.isnan(block).any(axis=1) & ~np.isnan(base[rows])
        if not valid.any():
            continue
        y = _rank_block(block[valid]).reshape(int(valid.sum()), len(INPUTS) + 2, n)
        stats = _sensitivity_indices(y[:, 0], y[:, 1], np.moveaxis(y[:, 2:], 1, 0),
                                     bootstrap=int(bootstrap), rng=rng)
        keys = m.keys.loc[rows[valid]].reset_index(drop=True)
        frame = keys.loc[np.repeat(np.arange(len(keys)), len(INPUTS))].reset_index(drop=True)
        frame["input"] = np.tile(np.array(INPUTS, dtype=object), len(keys))
        flat = stats.reshape(-1, 7)
        for j, col in enumerate(_SENSITIVITY_COLUMNS):
            frame[col] = flat[:, j]
        frames.append(frame)
    columns = [*_KEYS, "input", *_SENSITIVITY_COLUMNS]
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
    _check_methods((normalisation,), (aggregation,))
    _check_min_dimensions(min_dimensions)
    w = _weight_vector(weights)
    m = _matrix(long, spec, year=year, goalposts=normalisation == "goalposts")
    d = _dimension_scores(_NORMALISERS[normalisation](m), m.dims)
    base = _aggregate(d, w, aggregation, min_dimensions)
    base_rank = _rank(base, m)[:, 0]
    left_out = [j for j in range(len(SCORED_DIMENSIONS)) if w[j] > 0 and (w > 0).sum() > 1]
    frames = []
    for j in left_out:
        wj = w.copy()
        wj[j] = 0.0
        wj /= wj.sum()
        without = _aggregate(d, wj, aggregation, min_dimensions)
        frame = m.keys.copy()
        frame["dimension"] = SCORED_DIMENSIONS[j]
        frame["index"] = base
        frame["index_without"] = without
        frame["rank"] = base_rank
        frame["rank_without"] = _rank(without, m)[:, 0]
        frame["_order"] = j
        frames.append(frame)
    columns = [*_KEYS, "dimension", "index", "index_without", "rank", "rank_without", "rank_shift"]
    if not frames:
        return pd.DataFrame(columns=columns)
    out = pd.concat(frames, ignore_index=True)
    out["rank_shift"] = out["rank_without"] - out["rank"]
    for col in ("rank", "rank_without", "rank_shift"):
        out[col] = _as_int(out[col].to_numpy(dtype=float))
    out["dimension"] = out["dimension"].astype(str)
    out = out.sort_values(["year", "unit_type", "unit_id", "_order"], kind="mergesort")
    return out.loc[:, columns].reset_index(drop=True)
