"""The hand-off: the results stored for the reports, and one unit's slice of them.

:func:`save` writes :class:`linli.pipeline.Results` and the clean dataset to a
hand-off directory (``OUT/<year>/data/`` in a build); :func:`load_unit` reads one
unit's slice (:class:`UnitSlice`) — what a report notebook or a researcher starts
from. Loading never computes: a directory without a hand-off is an error that says
how to make one. :func:`write_unit_json` writes ``<unit>.json``. Nothing here
computes results or knows about notebooks.

Files
-----
``indicators.parquet``, ``scores.parquet``, ``index.parquet``,
``uncertainty.parquet``, ``rank_sensitivity.parquet``, ``sensitivity.parquet``,
``progress.parquet``, ``claims.parquet``
    every unit and year (``scores``: each scored indicator's 0–100 score with the
    default normalisation, :func:`linli.index.normalise`; ``uncertainty``: the
    index band and the rank interval, :func:`linli.uncertainty.uncertainty`;
    ``rank_sensitivity``: which choice drives each community's rank,
    :func:`linli.uncertainty.rank_sensitivity`; ``sensitivity``: ranks with one
    dimension left out);
``units.parquet``
    ``unit_id, unit_type, name_zh, name_en, brand, zone_id``;
``tables/*.parquet``, ``quarantine.csv``, ``provenance.csv``
    the clean dataset (as :func:`linli.dataset.save_dataset` writes it, but every
    table with a ``community_id`` — except ``communities`` and the geometry tables,
    which a map reads whole — sorted by it, stably, in row groups of
    :data:`ROW_GROUP_ROWS`: a kernel reading one community's rows reads only the row
    groups that hold them, so its memory does not grow with the province);
``notes/<unit_id>.<lang>.md``
    the evaluator's notes (:attr:`linli.dataset.Dataset.notes`), personal numbers masked;
``build.json``
    year, baseline year, as-of date, synthetic flag, dataset name, version, a
    fingerprint of the inputs, and ``claims_error``: why the published-claims
    file could not be read or checked (null when it could, or when there is none
    — the reports are built either way and say so).

The directory is written whole or not at all: :func:`save` writes a private
sibling directory, then publishes it under a lock on the parent directory. When the
directory already holds exactly the same files (same inputs, same code) it is left
untouched, so concurrent or repeated runs never see a half-written or changing
directory. Different content replaces the old directory by two renames (old out of
the way, new in): a reader opening a file at that instant may find it missing,
never a mixture.

Tunables
--------
``ROW_GROUP_ROWS``  rows per Parquet row group of a sorted clean table (65,536)
"""

from __future__ import annotations

import contextlib
import filecmp
import json
import logging
import os
import shutil
import uuid
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .errors import LinliError
from .pipeline import FRAMES

if TYPE_CHECKING:
    from .dataset import Dataset
    from .pipeline import Results

logger = logging.getLogger(__name__)

__all__ = ["HANDOFF_DIR", "META_FILE", "UnitSlice", "load_frame", "load_meta", "load_units", "load_unit", "save",
           "unit_document", "write_unit_json"]

#: Name of the hand-off directory under ``OUT/<year>``.
HANDOFF_DIR: str = "data"
#: The file that marks a directory as a hand-off (and records how it was made).
META_FILE: str = "build.json"
#: Rows per row group of a clean table sorted by community (see the module docstring).
ROW_GROUP_ROWS: int = 65_536
#: Clean tables kept in their own order: read whole (the map's layers, the communities).
_WHOLE_TABLES: frozenset[str] = frozenset({"communities", "boundaries", "compounds", "facilities"})
#: The folder of the evaluator's notes in a hand-off.
NOTES_DIR: str = "notes"


def save(results: Results, ds: Dataset, out_dir: Path | str) -> Path:
    """Write the hand-off directory the report notebooks read (see the module docstring).

    The files go to a private directory beside ``out_dir`` first, which then replaces
    ``out_dir`` (or is dropped when ``out_dir`` already holds the same bytes), under
    a lock: concurrent writers and readers never see a half-written hand-off.

    Returns
    -------
    pathlib.Path
        ``out_dir``.
    """
    out = Path(out_dir)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = out.with_name(f".{out.name}-new-{uuid.uuid4().hex[:12]}")
    staging.mkdir()
    try:
        _save_tables(ds, staging)
        for name, frame in results.frames.items():
            frame.to_parquet(staging / f"{name}.parquet", index=False)
        results.units.to_parquet(staging / "units.parquet", index=False)
        if ds.notes:
            (staging / NOTES_DIR).mkdir()
            for (unit, lang), text in sorted(ds.notes.items()):
                (staging / NOTES_DIR / f"{unit}.{lang}.md").write_text(text, encoding="utf-8")
        text = json.dumps(results.meta, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        (staging / META_FILE).write_text(text, encoding="utf-8")
        _publish(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # gone already when it was published
    return out


def _save_tables(ds: Dataset, out: Path) -> None:
    """Write the clean dataset: the tables by community (see the module docstring), the quarantine, the provenance.

    The tables are written two at a time, the largest first, in helper threads (pyarrow
    writes without holding the interpreter): at 2,000 communities the services ledger,
    12.8 M rows, is half of the whole, and the others are written beside it.
    """
    from .outputs import save_csv
    from .quarantine import save_quarantine

    (out / "tables").mkdir()
    largest_first = sorted(ds.tables.items(), key=lambda item: -len(item[1]))
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="linli-handoff") as pool:
        writes = [pool.submit(_save_table, name, frame, out / "tables" / f"{name}.parquet")
                  for name, frame in largest_first]
        save_quarantine(ds.quarantine, out, communities=ds.tables.get("communities"))
        save_csv(ds.provenance, out / "provenance.csv", bom=True)  # as validate writes it: for Chinese Excel
        for write in writes:
            write.result()


def _save_table(name: str, frame: pd.DataFrame, path: Path) -> None:
    if "community_id" in frame.columns and name not in _WHOLE_TABLES and "geometry" not in frame.columns:
        frame = _by_community(frame)
    frame.to_parquet(path, index=False, row_group_size=ROW_GROUP_ROWS)


def _by_community(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame``'s rows grouped by ``community_id``, the ids in order and a missing one last,
    each community's rows in their order in ``frame``: what
    ``frame.sort_values("community_id", kind="stable", ignore_index=True)`` gives, sorted
    by the ids' codes (a stable sort of small integers, not of text: half the time for
    the 12.8 M services of 2,000 communities).

    >>> f = pd.DataFrame({"community_id": pd.array(["b", None, "a", "b", "a"], dtype="string"), "n": range(5)})
    >>> _by_community(f)["n"].tolist()
    [2, 4, 0, 3, 1]
    """
    codes, ids = pd.factorize(frame["community_id"], sort=True)
    codes = np.where(codes < 0, len(ids), codes)  # a missing id (code -1) last
    order = np.argsort(codes.astype(np.int32 if len(ids) < 2**31 - 1 else np.int64), kind="stable")
    return frame.take(order).reset_index(drop=True)


#: The lock file of a folder hand-offs are published in, where folders cannot be locked (Windows).
LOCK_FILE: str = ".handoff.lock"


@contextlib.contextmanager
def _locked(directory: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``directory`` while a hand-off is published in it.

    POSIX: ``flock`` on the folder itself. Windows, which has no ``fcntl`` and cannot
    open a folder: ``msvcrt.locking`` on the first byte of :data:`LOCK_FILE` in it.
    """
    try:
        import fcntl
    except ImportError:
        with _locked_msvcrt(directory):
            yield
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


@contextlib.contextmanager
def _locked_msvcrt(directory: Path) -> Iterator[None]:
    """The Windows lock of :func:`_locked`: wait for the lock file's first byte, hold it, let it go."""
    import msvcrt

    fd = os.open(directory / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        while True:
            os.lseek(fd, 0, os.SEEK_SET)
            try:
                msvcrt.locking(fd, msvcrt.LK_LOCK, 1)  # type: ignore[attr-defined]  # waits up to 10 s
                break
            except OSError:  # still held by another build after 10 s: wait again
                continue
        try:
            yield
        finally:
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]
    finally:
        os.close(fd)


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


def _check(root: Path) -> Path:
    """``root`` when it holds a hand-off; else an error that says how to make one."""
    if not (root / META_FILE).is_file():
        msg = (f"{str(root)!r} holds no hand-off (no {META_FILE}); make one with `linli build`, or in Python "
               "with linli.build.cached_handoff(data_dir).")
        raise LinliError(msg)
    return root


def load_meta(handoff_dir: Path | str) -> dict[str, Any]:
    """Return what ``build.json`` records (year, baseline year, fingerprint …)."""
    root = _check(Path(handoff_dir))
    return json.loads((root / META_FILE).read_text(encoding="utf-8"))


def load_frame(handoff_dir: Path | str, name: str) -> pd.DataFrame:
    """Return one of the frames of :data:`linli.pipeline.FRAMES`, every unit and year.

    Raises
    ------
    LinliError
        When ``name`` is not a frame of the hand-off.
    """
    if name not in FRAMES:
        msg = f"Unknown hand-off frame {name!r}; valid: {', '.join(FRAMES)}."
        raise LinliError(msg)
    return pd.read_parquet(_check(Path(handoff_dir)) / f"{name}.parquet")


def load_units(handoff_dir: Path | str) -> pd.DataFrame:
    """Return the units of a hand-off: ``unit_id, unit_type, name_zh, name_en, brand, zone_id``."""
    return pd.read_parquet(_check(Path(handoff_dir)) / "units.parquet")


@dataclass
class UnitSlice:
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
    handoff_dir: Path

    @property
    def synthetic(self) -> bool:
        """Whether the data is synthetic (the report shows a banner)."""
        return bool(self.meta.get("synthetic", False))

    def note(self, lang: str) -> str | None:
        """The evaluator's notes on this unit in ``lang`` (Markdown); None when there are none."""
        path = self.handoff_dir / NOTES_DIR / f"{self.unit_id}.{lang}.md"
        return path.read_text(encoding="utf-8") if path.is_file() else None

    def has_table(self, name: str) -> bool:
        """Whether clean table ``name`` is in the hand-off (an optional table may be absent)."""
        return (self.handoff_dir / "tables" / f"{name}.parquet").is_file()

    def table(self, name: str, *, every_community: bool = False,
              communities: Sequence[str] | None = None) -> pd.DataFrame:
        """Read clean table ``name``, only the rows of :attr:`community_ids` when it has
        a ``community_id`` column (a GeoDataFrame for geometry tables).

        ``every_community=True`` reads every row: neighbouring boundaries on a map, or
        the facilities of any community that serve a compound (the life circle counts
        them all). ``communities`` reads the rows of those communities instead (a map's
        neighbours).

        Raises
        ------
        LinliError
            When the table is not in the hand-off.
        """
        import pyarrow.parquet as pq

        path = self.handoff_dir / "tables" / f"{name}.parquet"
        if not path.is_file():
            have = sorted(p.stem for p in (self.handoff_dir / "tables").glob("*.parquet"))
            msg = f"Table {name!r} is not in {self.handoff_dir}; there: {', '.join(have) or 'none'}."
            raise LinliError(msg)
        schema = pq.read_schema(path)
        wanted = list(self.community_ids if communities is None else communities)
        filters = (
            [("community_id", "in", wanted)]
            if "community_id" in schema.names and (not every_community or communities is not None)
            else None
        )
        if b"geo" in (schema.metadata or {}):
            import geopandas as gpd

            return gpd.read_parquet(path, filters=filters)
        return pd.read_parquet(path, filters=filters)


def load_unit(unit_id: str, handoff_dir: Path | str, *, communities: Sequence[str] | None = None) -> UnitSlice:
    """Read one unit's slice of a hand-off.

    Parameters
    ----------
    unit_id
        A community_id or zone_id.
    handoff_dir
        The hand-off directory (``OUT/<year>/data``).
    communities
        A zone's slice holds only these of its communities (e.g. those a community's
        report sets it among, :func:`linli.reporting.selection.compared_with`), so that
        its memory does not grow with the zone; default all. Ignored for a community.

    Raises
    ------
    LinliError
        When the directory holds no hand-off (the message says how to make one) or
        the unit is unknown.
    """
    root = Path(handoff_dir)
    meta = load_meta(root)
    units = load_units(root)
    match = units[units["unit_id"] == unit_id]
    if match.empty:
        known = units["unit_id"].astype(str).tolist()
        shown = ", ".join(known[:20]) + (f", … ({len(known)} in all)" if len(known) > 20 else "")
        msg = f"Unknown unit {unit_id!r}; known: {shown}."
        raise LinliError(msg)
    unit = {k: (None if pd.isna(v) else v) for k, v in match.iloc[0].to_dict().items()}
    wanted = None if communities is None else set(communities)
    every = units[units["unit_type"] == "community"]
    if unit["unit_type"] == "zone":
        members = every.loc[every["zone_id"] == unit_id, "unit_id"].astype(str).tolist()
        if wanted is not None:
            members = [m for m in members if m in wanted]
        scope = [unit_id, *members]
    else:
        members = [unit_id]
        scope = [unit_id] + ([str(unit["zone_id"])] if unit["zone_id"] else [])

    def read(name: str) -> pd.DataFrame:
        return _read_units(root / f"{name}.parquet", scope)

    return UnitSlice(
        unit_id=unit_id,
        unit_type=str(unit["unit_type"]),
        year=int(meta["year"]),
        baseline_year=int(meta["baseline_year"]),
        unit=unit,
        community_ids=tuple(members),
        meta=meta,
        units=units[units["unit_id"].isin(scope)].reset_index(drop=True),
        **{name: read(name) for name in FRAMES},
        provenance=pd.read_csv(root / "provenance.csv", dtype=str, keep_default_na=False),
        quarantine=pd.read_csv(root / "quarantine.csv", dtype=str, keep_default_na=False),
        handoff_dir=root,
    )


def _read_units(path: Path, scope: list[str]) -> pd.DataFrame:
    """The rows of ``path`` whose ``unit_id`` is in ``scope``, in file order; the filter is
    applied while reading, :data:`ROW_GROUP_ROWS` rows at a time, so the other units' rows
    are never all in memory at once (a frame is one row group: read whole, 2,000
    communities' indicators took 100 MB that the kernel kept)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    file = pq.ParquetFile(path)
    schema = file.schema_arrow
    kind = schema.field("unit_id").type if "unit_id" in schema.names else None
    if kind is not None and (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
        wanted = pa.array(scope, type=kind)
        batches = [batch.filter(pc.is_in(batch.column("unit_id"), value_set=wanted))
                   for batch in file.iter_batches(batch_size=ROW_GROUP_ROWS)]
        frame = pa.Table.from_batches(batches, schema=schema).to_pandas()
        pa.default_memory_pool().release_unused()  # the batches read and dropped: give their memory back
        return frame
    frame = pd.read_parquet(path)  # an empty frame has no typed unit_id column
    return frame[frame["unit_id"].astype(str).isin(scope)].reset_index(drop=True)


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


def unit_document(
    unit_id: str,
    *,
    unit_type: str,
    year: int,
    frames: Mapping[str, pd.DataFrame],
    about: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Return one unit's results as the JSON document :func:`write_unit_json` writes.

    ``about`` fields come first, then one list per frame: each frame (those without a
    ``unit_id`` column are skipped) contributes its rows of this unit — matched on
    ``unit_type`` (or a claim's ``scope``) and, where ``year`` is an integer column, on
    ``year``. NaN and NA become ``None``.
    """
    doc: dict[str, Any] = {"unit_id": unit_id, "unit_type": unit_type, "year": int(year)}
    doc |= {k: _json_value(v) for k, v in (about or {}).items() if k not in doc}
    for name, frame in frames.items():
        if "unit_id" not in frame.columns:
            continue
        rows = _unit_rows(frame, unit_id, unit_type, int(year))
        doc[name] = [{k: _json_value(v) for k, v in rec.items()} for rec in rows.to_dict(orient="records")]
    return doc


def write_unit_json(
    path: Path | str,
    unit_id: str,
    *,
    unit_type: str,
    year: int,
    frames: Mapping[str, pd.DataFrame],
    about: Mapping[str, Any] | None = None,
) -> Path:
    """Write one unit's results as JSON (:func:`unit_document`).

    Numbers are written exactly as in the frames (shortest round-trip form); NaN and
    NA become ``null``.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    doc = unit_document(unit_id, unit_type=unit_type, year=year, frames=frames, about=about)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(doc, ensure_ascii=False, indent=1, allow_nan=False)
    path.write_text(text + "\n", encoding="utf-8")
    return path
