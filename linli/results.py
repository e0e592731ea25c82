"""Results computed once for all units, and each unit's slice of them.

``compute_results`` runs the whole chain — indicators, the Linli Index with its
uncertainty and sensitivity, progress from the baseline year, the claims check —
vectorised over every unit; ``save_results`` writes it to a hand-off directory
(``OUT/<year>/data/`` in a build):

``indicators.parquet``, ``scores.parquet``, ``index.parquet``,
``uncertainty.parquet``, ``rank_sensitivity.parquet``, ``sensitivity.parquet``,
``progress.parquet``, ``claims.parquet``
    every unit and year (``scores``: each scored indicator's 0–100 score with the
    default normalisation, :func:`linli.index.normalise`; ``uncertainty``: the
    index band and the rank interval, :func:`linli.index.uncertainty`;
    ``rank_sensitivity``: which choice drives each community's rank,
    :func:`linli.index.rank_sensitivity`; ``sensitivity``: ranks with one
    dimension left out);
``units.parquet``
    ``unit_id, unit_type, name_zh, name_en, brand, zone_id``;
``tables/*.parquet``, ``quarantine.csv``, ``provenance.csv``
    the clean dataset (:func:`linli.dataset.save_dataset`);
``build.json``
    year, baseline year, as-of date, synthetic flag, dataset name, version, a
    fingerprint of the inputs, and ``claims_error``: why the published-claims
    file could not be read or checked (null when it could, or when there is none
    — the reports are built either way and say so).

The directory is written whole or not at all: :func:`save_results` writes a private
sibling directory, then publishes it under a lock on the parent directory. When the
directory already holds exactly the same files (same inputs, same code) it is left
untouched, so concurrent or repeated runs — two report notebooks computing the
hand-off at once, say — never see a half-written or changing directory. Different
content replaces the old directory by two renames (old out of the way, new in): a
reader opening a file at that instant may find it missing, never a mixture.

``load_unit`` reads one unit's slice (the unit and its comparison units: a
community and its zone, or a zone and its communities) — what a report notebook
or a researcher starts from. ``write_unit_json`` writes ``<unit>.json``.
Nothing here knows about notebooks.
"""

from __future__ import annotations

import contextlib
import dataclasses
import filecmp
import hashlib
import json
import logging
import os
import shutil
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import __version__, config
from .dataset import zone_names
from .errors import LinliError
from .privacy import redact

if TYPE_CHECKING:
    from .dataset import Dataset

logger = logging.getLogger(__name__)

RESULT_FRAMES: tuple[str, ...] = (
    "indicators", "scores", "index", "uncertainty", "rank_sensitivity", "sensitivity", "progress", "claims",
)
HANDOFF_DIR: str = "data"


def _update(h: Any, label: str, data: bytes) -> None:
    h.update(label.encode("utf-8") + b"\0" + len(data).to_bytes(8, "big") + data)


# ------------------------------------------------------------- results hand-off


@dataclass
class Results:
    """Everything :func:`build` computes once for all units (the hand-off's content).

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
    names = zone_names(meta)
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


def _fingerprint(ds: Dataset, claims_file: Path | None) -> str:
    """SHA-256 of what the notebooks' data depends on: raw file hashes, dataset.yaml, as-of, claims."""
    h = hashlib.sha256()
    prov = ds.provenance[["table", "file", "status", "sha256"]].astype(str)
    _update(h, "provenance", prov.to_csv(index=False, lineterminator="\n").encode("utf-8"))
    _update(h, "meta", json.dumps(ds.meta, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8"))
    _update(h, "as_of", ds.as_of.isoformat().encode("ascii"))
    try:
        claims = claims_file.read_bytes() if claims_file is not None else b""
    except OSError as exc:  # unreadable: the reports say so; its reason is the input
        claims = f"unreadable: {exc.strerror}".encode()
    _update(h, "claims", claims)
    return h.hexdigest()


def _check_published_claims(claims_file: Path, long: pd.DataFrame) -> tuple[pd.DataFrame, str | None]:
    """The claims check of ``claims_file``, or an empty table and why it could not be done.

    A claims file that cannot be read, parsed or checked does not stop a build: the
    reports are built and their claims section gives this reason.
    """
    from . import claims as claims_mod

    empty = pd.DataFrame(columns=[*claims_mod.COLUMNS, *claims_mod.EXTRA_COLUMNS], dtype="str")
    if not claims_file.exists():
        return empty, None
    try:
        return claims_mod.check_claims(claims_mod.load_claims(claims_file), long), None
    except LinliError as exc:
        reason = redact(str(exc))
        logger.warning("published claims not checked: %s", reason)
        return empty, reason


def compute_results(ds: Dataset, *, year: int | None = None) -> Results:
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

    Raises
    ------
    LinliError
        When ``year`` has no data or comes after the as-of date.
    """
    from . import index as index_mod
    from . import indicators
    from . import progress as progress_mod
    from .indicators import catalogue, last_year

    long = indicators.compute(ds.tables, as_of=ds.as_of, covers=ds.covers)
    years = sorted(int(y) for y in long["year"].unique())
    if not years:
        msg = (f"{ds.data_dir}: no year has indicator data (no population rows or events "
               f"up to the as-of date {ds.as_of.isoformat()}).")
        raise LinliError(msg)
    year = default_year(ds, years) if year is None else int(year)
    if year not in years:
        after = f" (it does not end by the as-of date {ds.as_of.isoformat()})" if year > last_year(ds.as_of) else ""
        msg = f"No data for year {year}{after}; years in the data: {', '.join(map(str, years))}."
        raise LinliError(msg)
    baseline = years[0]

    cat = catalogue.load()
    spec = index_mod.spec_from_catalogue(cat)
    index_settings = index_mod.settings_from_catalogue(cat)
    settings = dataclasses.asdict(index_settings)
    base = {k: settings[k] for k in ("weights", "normalisation", "aggregation", "min_dimensions")}
    if baseline < year:
        prog = progress_mod.progress(long, spec, baseline_year=baseline, year=year)
    else:
        prog = pd.DataFrame(columns=["unit_id", "unit_type", "indicator", "baseline_year", "year", "status"])
    claims_file = ds.data_dir / "published_claims.yaml"
    claims, claims_error = _check_published_claims(claims_file, long)
    scores = index_mod.normalise(long, spec, method=base["normalisation"])
    frames = {
        "indicators": long,
        "scores": scores.drop(columns=["value"]),
        "index": index_mod.linli_index(long, spec, **base),
        "uncertainty": index_mod.uncertainty(long, spec, **index_settings.for_uncertainty()),
        "rank_sensitivity": index_mod.rank_sensitivity(long, spec, **settings),
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
        "linli_version": __version__,
        "fingerprint": _fingerprint(ds, claims_file if claims_file.exists() else None),
        "claims_error": claims_error,
    }
    return Results(year, baseline, units_table(ds.tables["communities"], ds.meta), frames, meta)


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


def save_results(results: Results, ds: Dataset, out_dir: Path | str) -> Path:
    """Write the hand-off directory the report notebooks read (see the module docstring).

    The files go to a private directory beside ``out_dir`` first, which then replaces
    ``out_dir`` (or is dropped when ``out_dir`` already holds the same bytes), under
    a lock: concurrent writers and readers never see a half-written hand-off.

    Returns
    -------
    pathlib.Path
        ``out_dir``.
    """
    from .dataset import save_dataset

    out = Path(out_dir)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = out.with_name(f".{out.name}-new-{uuid.uuid4().hex[:12]}")
    staging.mkdir()
    try:
        save_dataset(ds, staging)
        for name, frame in results.frames.items():
            frame.to_parquet(staging / f"{name}.parquet", index=False)
        results.units.to_parquet(staging / "units.parquet", index=False)
        text = json.dumps(results.meta, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        (staging / "build.json").write_text(text, encoding="utf-8")
        _publish(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # gone already when it was published
    return out


@contextlib.contextmanager
def _locked(directory: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``directory`` (``flock``; no lock where there is none)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: renames alone
        yield
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def _same_tree(a: Path, b: Path) -> bool:
    """Whether directories ``a`` and ``b`` hold the same files with the same bytes."""
    names = _files(a)
    if not b.is_dir() or names != _files(b):
        return False
    return all(filecmp.cmp(a / n, b / n, shallow=False) for n in names)


def _publish(staging: Path, out: Path) -> None:
    """Make ``staging`` the directory ``out``, unless ``out`` already holds the same files."""
    with _locked(out.parent):
        if _same_tree(staging, out):
            return  # same inputs, same code: leave what readers may be reading alone
        old = out.with_name(f".{out.name}-old-{uuid.uuid4().hex[:12]}")
        if out.exists():
            os.replace(out, old)
        os.replace(staging, out)
    shutil.rmtree(old, ignore_errors=True)


def prepare_results(
    data_dir: Path | str | None = None,
    *,
    out_dir: Path | str | None = None,
    year: int | None = None,
    as_of: Any = None,
) -> Path:
    """Load the raw data, compute everything and write the hand-off directory.

    For notebooks run on their own; :func:`build` does the same on the way.

    Parameters
    ----------
    data_dir
        Raw ledgers (default ``config.RAW_DIR``).
    out_dir
        The hand-off directory (default ``reports/<year>/data``).
    year
        Report year (default the last in the data).
    as_of
        As-of date for :func:`linli.dataset.load_dataset`.

    Returns
    -------
    pathlib.Path
        The hand-off directory.
    """
    from .dataset import load_dataset

    ds = load_dataset(data_dir, as_of=as_of)
    results = compute_results(ds, year=year)
    target = Path(out_dir) if out_dir is not None else config.REPORTS_DIR / str(results.year) / HANDOFF_DIR
    return save_results(results, ds, target)


@dataclass
class UnitResults:
    """One unit's slice of the hand-off, as a report notebook reads it.

    Every frame holds the rows of the unit and of its comparison units: a community
    and its zone, or a zone and its communities (``units``). ``provenance`` and
    ``quarantine`` cover the whole dataset.
    """

    unit_id: str
    unit_type: str
    year: int
    baseline_year: int
    unit: dict[str, Any]
    community_ids: tuple[str, ...]
    meta: dict[str, Any]
    units: pd.DataFrame
    indicators: pd.DataFrame
    scores: pd.DataFrame
    index: pd.DataFrame
    uncertainty: pd.DataFrame
    rank_sensitivity: pd.DataFrame
    sensitivity: pd.DataFrame
    progress: pd.DataFrame
    claims: pd.DataFrame
    provenance: pd.DataFrame
    quarantine: pd.DataFrame
    results_dir: Path

    @property
    def synthetic(self) -> bool:
        """Whether the data is synthetic (the report shows a banner)."""
        return bool(self.meta.get("synthetic", False))

    def has_table(self, name: str) -> bool:
        """Whether clean table ``name`` is in the hand-off (an optional table may be absent)."""
        return (self.results_dir / "tables" / f"{name}.parquet").is_file()

    def table(self, name: str, *, every_community: bool = False) -> pd.DataFrame:
        """Read clean table ``name``, only the rows of :attr:`community_ids` when it has
        a ``community_id`` column (a GeoDataFrame for geometry tables).

        ``every_community=True`` reads every row: neighbouring boundaries on a map, or
        the facilities of any community that serve a compound (the life circle counts
        them all).

        Raises
        ------
        LinliError
            When the table is not in the hand-off.
        """
        import pyarrow.parquet as pq

        path = self.results_dir / "tables" / f"{name}.parquet"
        if not path.is_file():
            have = sorted(p.stem for p in (self.results_dir / "tables").glob("*.parquet"))
            msg = f"Table {name!r} is not in {self.results_dir}; there: {', '.join(have) or 'none'}."
            raise LinliError(msg)
        schema = pq.read_schema(path)
        filters = (
            [("community_id", "in", list(self.community_ids))]
            if "community_id" in schema.names and not every_community
            else None
        )
        if b"geo" in (schema.metadata or {}):
            import geopandas as gpd

            return gpd.read_parquet(path, filters=filters)
        return pd.read_parquet(path, filters=filters)


def load_unit(
    unit_id: str,
    *,
    results_dir: Path | str | None = None,
    data_dir: Path | str | None = None,
    year: int | None = None,
) -> UnitResults:
    """Read one unit's slice of the hand-off written by :func:`build`.

    Parameters
    ----------
    unit_id
        A community_id or zone_id.
    results_dir
        The hand-off directory (``OUT/<year>/data``); when None it is computed first
        from ``data_dir`` with :func:`prepare_results`.
    data_dir
        Raw ledgers, used only without ``results_dir``.
    year
        Report year, used only without ``results_dir``.

    Raises
    ------
    LinliError
        When the directory is not a hand-off or the unit is unknown.
    """
    root = Path(results_dir) if results_dir else prepare_results(data_dir, year=year)
    meta_path = root / "build.json"
    if not meta_path.is_file():
        msg = f"{str(root)!r} holds no build results (no build.json); run `linli build` first."
        raise LinliError(msg)
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    units = pd.read_parquet(root / "units.parquet")
    match = units[units["unit_id"] == unit_id]
    if match.empty:
        known = units["unit_id"].astype(str).tolist()
        shown = ", ".join(known[:20]) + (f", … ({len(known)} in all)" if len(known) > 20 else "")
        msg = f"Unknown unit {unit_id!r}; known: {shown}."
        raise LinliError(msg)
    unit = {k: (None if pd.isna(v) else v) for k, v in match.iloc[0].to_dict().items()}
    communities = units[units["unit_type"] == "community"]
    if unit["unit_type"] == "zone":
        members = communities.loc[communities["zone_id"] == unit_id, "unit_id"].astype(str).tolist()
        scope = [unit_id, *members]
    else:
        members = [unit_id]
        scope = [unit_id] + ([str(unit["zone_id"])] if unit["zone_id"] else [])

    def read(name: str) -> pd.DataFrame:
        frame = pd.read_parquet(root / f"{name}.parquet")
        return frame[frame["unit_id"].astype(str).isin(scope)].reset_index(drop=True)

    return UnitResults(
        unit_id=unit_id,
        unit_type=str(unit["unit_type"]),
        year=int(meta["year"]),
        baseline_year=int(meta["baseline_year"]),
        unit=unit,
        community_ids=tuple(members),
        meta=meta,
        units=units[units["unit_id"].isin(scope)].reset_index(drop=True),
        **{name: read(name) for name in RESULT_FRAMES},
        provenance=pd.read_csv(root / "provenance.csv", dtype=str, keep_default_na=False),
        quarantine=pd.read_csv(root / "quarantine.csv", dtype=str, keep_default_na=False),
        results_dir=root,
    )


# ------------------------------------------------------------------ unit JSON


def _json_value(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    if isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (pd.Timestamp,)):
        return value.isoformat()
    return str(value)


def _unit_rows(frame: pd.DataFrame, unit_id: str, unit_type: str, year: int) -> pd.DataFrame:
    mask = frame["unit_id"].astype(str) == unit_id
    if "unit_type" in frame.columns:
        mask &= frame["unit_type"].astype(str) == unit_type
    elif "scope" in frame.columns:
        mask &= frame["scope"].astype(str) == unit_type
    if "year" in frame.columns and pd.api.types.is_integer_dtype(frame["year"]):
        mask &= frame["year"] == year
    return frame[mask]


def write_unit_json(
    path: Path | str,
    unit_id: str,
    *,
    unit_type: str,
    year: int,
    frames: Mapping[str, pd.DataFrame],
    about: Mapping[str, Any] | None = None,
) -> Path:
    """Write one unit's results as JSON: ``about`` fields, then one list per frame.

    Each frame (any that are passed; those without a ``unit_id`` column are skipped)
    contributes its rows of this unit — matched on ``unit_type`` (or a claim's
    ``scope``) and, where ``year`` is an integer column, on ``year``. Numbers are
    written exactly as in the frames (shortest round-trip form); NaN and NA become
    ``null``.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    doc: dict[str, Any] = {"unit_id": unit_id, "unit_type": unit_type, "year": int(year)}
    doc |= {k: _json_value(v) for k, v in (about or {}).items() if k not in doc}
    for name, frame in frames.items():
        if "unit_id" not in frame.columns:
            continue
        rows = _unit_rows(frame, unit_id, unit_type, int(year))
        doc[name] = [{k: _json_value(v) for k, v in rec.items()} for rec in rows.to_dict(orient="records")]
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(doc, ensure_ascii=False, indent=1, allow_nan=False)
    path.write_text(text + "\n", encoding="utf-8")
    return path
