"""What the Linli Index scores and how: the indicator spec and the index settings.

The index (:mod:`linli.index`), its uncertainty (:mod:`linli.uncertainty`) and
progress (:mod:`linli.progress`) all read the catalogue through this module.

Inputs
------
``long``
    The long indicator table of :func:`linli.indicators.compute`: columns
    ``unit_id, unit_type, year, indicator, value`` (``ci_low, ci_high, reason``
    are ignored here). ``value`` NaN means missing. :func:`check_long` checks it.
``spec``
    A DataFrame with one row per indicator: ``indicator, dimension, direction,
    lo, hi`` (:func:`spec_from_catalogue` builds it from the shipped catalogue,
    with the target columns :mod:`linli.progress` needs as well). Indicators in
    ``long`` but not in ``spec`` are ignored; scored indicators in ``spec`` but
    absent from ``long`` count as missing.
``settings``
    :class:`IndexSettings`, from the catalogue's ``index`` section
    (:func:`settings_from_catalogue`).

Scored indicators are those with ``direction`` ``up`` or ``down`` in one of
:data:`SCORED_DIMENSIONS`; ``context`` indicators and the ``profile`` dimension are
never scored.

Constants
---------
``SCORED_DIMENSIONS``  the six scored dimension ids, in report order (from the catalogue)
``DIMENSIONS``         every dimension id of the catalogue, ``profile`` first
``NORMALISATIONS``     ``("goalposts", "minmax", "zscore")``
``AGGREGATIONS``       ``("arithmetic", "geometric")``
``MIN_DIMENSIONS``     4 — fewer dimensions with a score give no index
``DRAWS``, ``SEED``, ``WEIGHT_JITTER``  1000, 20240101, 0.25 — Monte Carlo defaults
``BOOTSTRAP``          1000 — bootstrap resamples of the sensitivity intervals
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from .checks import require_columns
from .errors import ContractError
from .indicators import catalogue as _catalogue
from .indicators.catalogue import AGGREGATIONS, DIRECTIONS, NORMALISATIONS

__all__ = [
    "AGGREGATIONS",
    "BOOTSTRAP",
    "DIMENSIONS",
    "DIRECTIONS",
    "DRAWS",
    "KEYS",
    "MIN_DIMENSIONS",
    "NORMALISATIONS",
    "SCORED_DIMENSIONS",
    "SEED",
    "SPEC_COLUMNS",
    "WEIGHT_JITTER",
    "IndexSettings",
    "check_long",
    "check_methods",
    "check_min_dimensions",
    "check_spec",
    "scored_spec",
    "settings_from_catalogue",
    "spec_from_catalogue",
    "weight_vector",
]

Normalisation = Literal["goalposts", "minmax", "zscore"]
Aggregation = Literal["arithmetic", "geometric"]

#: Every dimension of the catalogue, in its order (``profile``, then the scored six).
DIMENSIONS: tuple[str, ...] = tuple(d.id for d in _catalogue.load().dimensions)
#: The scored dimensions, in report order.
SCORED_DIMENSIONS: tuple[str, ...] = tuple(d.id for d in _catalogue.load().dimensions if d.scored)
MIN_DIMENSIONS: int = 4
DRAWS: int = 1000
SEED: int = 20240101
WEIGHT_JITTER: float = 0.25
BOOTSTRAP: int = 1000

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
#: The columns that identify a unit-year.
KEYS: list[str] = ["unit_id", "unit_type", "year"]
_LONG_COLUMNS: tuple[str, ...] = ("unit_id", "unit_type", "year", "indicator", "value")


@dataclass(frozen=True)
class IndexSettings:
    """The index settings of the catalogue, named as the keyword options here.

    Every field is a keyword of :func:`linli.uncertainty.rank_sensitivity`
    (``rank_sensitivity(long, spec, **dataclasses.asdict(settings))``), and every
    field but ``bootstrap`` one of :func:`linli.uncertainty.uncertainty`; ``weights``,
    ``normalisation``, ``aggregation`` and ``min_dimensions`` are also those of
    :func:`linli.index.linli_index` and :func:`linli.index.sensitivity`.
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
        """The keywords of :func:`linli.uncertainty.uncertainty` (every field but ``bootstrap``)."""
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
    check_spec(spec)
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
    check_methods(settings.normalisations, settings.aggregations)
    check_methods((settings.normalisation,), (settings.aggregation,))
    weight_vector(settings.weights)
    return settings


def check_spec(spec: pd.DataFrame) -> None:
    """Raise :class:`ContractError` for a spec frame that cannot be used."""
    require_columns(spec, ("indicator", "dimension", "direction"), what="indicator spec")
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
    check_spec(spec)
    scored = spec[
        spec["direction"].isin(("up", "down")) & spec["dimension"].isin(SCORED_DIMENSIONS)
    ]
    scored = scored.reset_index(drop=True)
    if goalposts:
        require_columns(scored, ("lo", "hi"), what="indicator spec (goalpost normalisation)")
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


def check_methods(normalisations: Iterable[str], aggregations: Iterable[str]) -> None:
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


def weight_vector(weights: Mapping[str, float] | None) -> np.ndarray:
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


def check_long(long: pd.DataFrame) -> None:
    """Raise for a long table without the needed columns or with duplicate rows."""
    require_columns(long, _LONG_COLUMNS, what="indicator table")
    dup = long.duplicated([*KEYS, "indicator"])
    if dup.any():
        row = long.loc[dup].iloc[0]
        msg = (
            f"The indicator table has more than one row for {row['unit_type']} "
            f"{row['unit_id']!r}, {row['year']}, {row['indicator']!r}."
        )
        raise ContractError(msg)



def check_min_dimensions(min_dimensions: int) -> None:
    """Raise unless ``1 ≤ min_dimensions ≤ 6``."""
    if not 1 <= int(min_dimensions) <= len(SCORED_DIMENSIONS):
        msg = f"min_dimensions must be between 1 and {len(SCORED_DIMENSIONS)}; got {min_dimensions!r}."
        raise ContractError(msg)

