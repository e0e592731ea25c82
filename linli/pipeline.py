"""The pipeline: raw ledgers in, every unit's results out, computed once.

:func:`compute_results` runs the whole chain on a loaded dataset
(:func:`linli.dataset.load_dataset`) — indicators, the Linli Index with its
uncertainty and sensitivity, progress from the baseline year, the check of the
published claims — vectorised over every unit, and returns :class:`Results`. It
reads no file and writes none: :mod:`linli.handoff` stores the results for the
reports, :mod:`linli.reporting` runs the report notebooks over them, and
:mod:`linli.build` calls the three in order (``linli build``).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from . import __version__, versions
from .dataset import declared_zones
from .errors import LinliError
from .privacy import redact

if TYPE_CHECKING:
    from .dataset import Dataset

logger = logging.getLogger(__name__)

__all__ = ["FRAMES", "Results", "code_fingerprint", "compute_results", "default_year", "fingerprint", "units_table"]

#: The frames of :class:`Results`, in the order of a unit's JSON.
FRAMES: tuple[str, ...] = (
    "indicators", "scores", "index", "uncertainty", "rank_sensitivity", "sensitivity", "progress", "claims",
)


def hash_part(h: Any, label: str, data: bytes) -> None:
    """Feed ``label`` and ``data`` to the hash ``h`` so that no two (label, data) sequences collide."""
    h.update(label.encode("utf-8") + b"\0" + len(data).to_bytes(8, "big") + data)



@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """SHA-256 over linli's own files — ``.py``, ``.yaml``, templates — (names and bytes).

    Part of every cache key: editing the code makes the reports and the cached
    hand-offs anew.
    """
    root = Path(__file__).resolve().parent
    h = hashlib.sha256()
    files = sorted(
        p for p in root.rglob("*")
        if p.suffix in (".py", ".yaml", ".j2", ".css") and "__pycache__" not in p.parts and p.is_file()
    )
    for path in files:
        hash_part(h, path.relative_to(root).as_posix(), path.read_bytes())
    return h.hexdigest()



@dataclass
class Results:
    """Everything the pipeline computes once for all units (what the hand-off stores).

    ``frames`` holds ``indicators``, ``scores``, ``index``, ``uncertainty``,
    ``rank_sensitivity``, ``sensitivity``, ``progress`` and ``claims``; ``units`` one row
    per unit; ``meta`` what ``build.json`` records.
    """

    year: int
    baseline_year: int
    units: pd.DataFrame
    frames: dict[str, pd.DataFrame]
    meta: dict[str, Any]


def units_table(communities: pd.DataFrame, meta: Mapping[str, Any]) -> pd.DataFrame:
    """One row per zone, then per community: ``unit_id, unit_type, name_zh, name_en, brand, zone_id``."""
    com = communities.reset_index(drop=True)

    def col(name: str) -> pd.Series:
        return com[name] if name in com.columns else pd.Series(pd.NA, index=com.index)

    community_rows = pd.DataFrame(
        {
            "unit_id": com["community_id"].astype(str),
            "unit_type": "community",
            "name_zh": col("name_zh"),
            "name_en": col("name_en"),
            "brand": col("brand"),
            "zone_id": col("zone_id"),
        }
    )
    names = declared_zones(meta)
    zone_ids = sorted(str(z) for z in col("zone_id").dropna().unique())
    zone_rows = pd.DataFrame(
        {
            "unit_id": zone_ids,
            "unit_type": "zone",
            "name_zh": [names.get(z, {}).get("name_zh", z) for z in zone_ids],
            "name_en": [names.get(z, {}).get("name_en", z) for z in zone_ids],
            "brand": pd.NA,
            "zone_id": zone_ids,
        }
    )
    units = pd.concat([zone_rows, community_rows], ignore_index=True)
    return units.astype({c: "string" for c in units.columns})


def fingerprint(ds: Dataset) -> str:
    """SHA-256 of what the notebooks' data depends on: raw file hashes, dataset.yaml, as-of, claims,
    the evaluator's notes."""
    h = hashlib.sha256()
    prov = ds.provenance[["table", "file", "status", "sha256"]].astype(str)
    hash_part(h, "provenance", prov.to_csv(index=False, lineterminator="\n").encode("utf-8"))
    hash_part(h, "meta", json.dumps(ds.meta, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8"))
    hash_part(h, "as_of", ds.as_of.isoformat().encode("ascii"))
    hash_part(h, "claims", ds.claims_source)
    notes = sorted((f"{unit}.{lang}", text) for (unit, lang), text in ds.notes.items())
    hash_part(h, "notes", json.dumps(notes, ensure_ascii=False).encode("utf-8"))
    return h.hexdigest()


def _check_published_claims(ds: Dataset, long: pd.DataFrame) -> tuple[pd.DataFrame, str | None]:
    """The check of the dataset's published claims, or an empty table and why it could not be done.

    A claims file that cannot be read, parsed or checked does not stop a build: the
    reports are built and their claims section gives this reason.
    """
    from . import claims as claims_mod

    empty = pd.DataFrame(columns=[*claims_mod.COLUMNS, *claims_mod.EXTRA_COLUMNS], dtype="str")
    if ds.claims is None:
        return empty, ds.claims_error
    try:
        return claims_mod.check_claims(list(ds.claims), long), None
    except LinliError as exc:
        reason = redact(str(exc))
        logger.warning("published claims not checked: %s", reason)
        return empty, reason


def compute_results(ds: Dataset, *, year: int | None = None, indicators: pd.DataFrame | None = None) -> Results:
    """Compute indicators, index, uncertainty, sensitivity, progress and claims for every unit.

    Parameters
    ----------
    ds
        From :func:`linli.dataset.load_dataset`.
    year
        The report year: default the latest year that a dated ledger covers (has
        records in, or ``dataset.yaml`` declares) and that is not after the as-of
        date — else the latest year with indicators. Progress runs from the first
        year of the data (the baseline) to this year.
    indicators
        The long indicator table of ``ds`` when already computed
        (``linli.indicators.compute(ds.tables, as_of=ds.as_of, covers=ds.covers)``):
        a build of several years computes it once.

    Raises
    ------
    LinliError
        When ``year`` has no data or comes after the as-of date.
    """
    from . import index as index_mod
    from . import indicators as indicators_mod
    from . import progress as progress_mod
    from . import spec as spec_mod
    from . import uncertainty as uncertainty_mod
    from .indicators import catalogue, last_year

    long = indicators_mod.compute(ds.tables, as_of=ds.as_of, covers=ds.covers) if indicators is None else indicators
    years = indicator_years(ds, long)
    year = default_year(ds, years) if year is None else int(year)
    if year not in years:
        after = f" (it does not end by the as-of date {ds.as_of.isoformat()})" if year > last_year(ds.as_of) else ""
        msg = f"No data for year {year}{after}; years in the data: {', '.join(map(str, years))}."
        raise LinliError(msg)
    baseline = years[0]

    cat = catalogue.load()
    spec = spec_mod.spec_from_catalogue(cat)
    index_settings = spec_mod.settings_from_catalogue(cat)
    settings = dataclasses.asdict(index_settings)
    base = {k: settings[k] for k in ("weights", "normalisation", "aggregation", "min_dimensions")}
    if baseline < year:
        prog = progress_mod.progress(long, spec, baseline_year=baseline, year=year)
    else:
        prog = pd.DataFrame(columns=["unit_id", "unit_type", "indicator", "baseline_year", "year", "status"])
    claims, claims_error = _check_published_claims(ds, long)
    scores = index_mod.normalise(long, spec, method=base["normalisation"])
    frames = {
        "indicators": long,
        "scores": scores.drop(columns=["value"]),
        "index": index_mod.linli_index(long, spec, **base),
        "uncertainty": uncertainty_mod.uncertainty(long, spec, **index_settings.for_uncertainty()),
        "rank_sensitivity": uncertainty_mod.rank_sensitivity(long, spec, **settings),
        "sensitivity": index_mod.sensitivity(long, spec, **base),
        "progress": prog,
        "claims": claims,
    }
    meta = {
        "year": year,
        "baseline_year": baseline,
        "years": years,
        "as_of": ds.as_of.isoformat(),
        "synthetic": ds.synthetic,
        "dataset": ds.name,
        "dataset_en": ds.name_en,
        "linli_version": __version__,
        "fingerprint": fingerprint(ds),
        "versions": versions.numbers_versions(),
        "claims_error": claims_error,
    }
    return Results(year, baseline, units_table(ds.tables["communities"], ds.meta), frames, meta)


def indicator_years(ds: Dataset, long: pd.DataFrame) -> list[int]:
    """The years of ``long``, the indicators of ``ds``, oldest first.

    Raises
    ------
    LinliError
        When there is none: no population rows or events up to the as-of date.
    """
    years = sorted(int(y) for y in long["year"].unique())
    if not years:
        msg = (f"{ds.data_dir}: no year has indicator data (no population rows or events "
               f"up to the as-of date {ds.as_of.isoformat()}).")
        raise LinliError(msg)
    return years


def default_year(ds: Dataset, years: list[int]) -> int:
    """The latest of ``years`` that some dated ledger covers; the latest of ``years`` when none does.

    ``years`` are the years computed (none after the as-of date). A year with
    population rows but no ledger records is not the default: its ledger
    indicators would all be missing.
    """
    from .indicators import covered_years

    covered = set().union(*covered_years(ds.tables, covers=ds.covers).values())
    candidates = [y for y in years if y in covered]
    return max(candidates) if candidates else max(years)
