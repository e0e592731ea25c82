"""``load_dataset(dir)`` -> clean tables, quarantine, provenance.

The one way raw ledgers enter linli: every table of the contract is found, read
(:mod:`linli.io`), validated (:mod:`linli.validate`) and pseudonymised
(:mod:`linli.privacy`), in the contract's order so that references point to
tables already checked. ``save_dataset`` writes the clean tables as Parquet
(GeoParquet for geometry), the quarantine and the provenance.

An optional ``dataset.yaml`` in the data directory describes the dataset:
``name``, ``synthetic`` (true puts a banner on every report) and ``as_of`` (the
default data as-of date; otherwise today).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from . import config, io, privacy
from .contract import TABLES, Table
from .errors import InputError
from .validate import QUARANTINE_COLUMNS, ValidatedTable, validate_table

log = logging.getLogger(__name__)

PROVENANCE_COLUMNS = [
    "table", "file", "status", "sha256", "encoding", "rows_read", "rows_loaded",
    "rows_quarantined", "unknown_columns",
]


@dataclass
class Dataset:
    """Clean tables with their quarantine and provenance."""

    data_dir: Path
    as_of: dt.date
    tables: dict[str, pd.DataFrame]
    quarantine: pd.DataFrame
    provenance: pd.DataFrame
    meta: dict[str, object] = field(default_factory=dict)

    @property
    def synthetic(self) -> bool:
        return bool(self.meta.get("synthetic", False))

    @property
    def name(self) -> str:
        return str(self.meta.get("name", self.data_dir.name))

    def __getitem__(self, name: str) -> pd.DataFrame:
        try:
            return self.tables[name]
        except KeyError:
            have = ", ".join(self.tables) or "none"
            msg = f"Table {name!r} is not in this dataset; loaded: {have}."
            raise KeyError(msg) from None

    def summary(self) -> pd.DataFrame:
        """Rows read / loaded / quarantined per table."""
        return self.provenance[["table", "file", "status", "rows_read", "rows_loaded", "rows_quarantined"]]


def read_meta(data_dir: Path) -> dict[str, object]:
    """Read ``dataset.yaml`` from ``data_dir`` (empty when absent)."""
    path = data_dir / "dataset.yaml"
    if not path.exists():
        return {}
    try:
        meta = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        msg = f"{path.name}: not valid YAML ({type(exc).__name__})."
        raise InputError(msg) from None
    if not isinstance(meta, dict):
        msg = f"{path.name}: expected a mapping of settings, got {type(meta).__name__}."
        raise InputError(msg)
    return meta


def zone_names(meta: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    """Zone names given in ``dataset.yaml``: ``zones: {renmin: {name_zh: 人民街道, name_en: …}}``.

    >>> zone_names({"zones": {"renmin": {"name_zh": "人民街道"}, "x": "某街道"}})
    {'renmin': {'name_zh': '人民街道'}, 'x': {'name_zh': '某街道'}}
    """
    zones = meta.get("zones") or {}
    out: dict[str, dict[str, str]] = {}
    if isinstance(zones, Mapping):
        for zid, value in zones.items():
            if isinstance(value, Mapping):
                out[str(zid)] = {k: str(v) for k, v in value.items() if k in ("name_zh", "name_en") and v}
            elif value:
                out[str(zid)] = {"name_zh": str(value)}
    return out


def _parse_as_of(value: object) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        msg = f"as_of {value!r} is not a date; use YYYY-MM-DD."
        raise InputError(msg) from None


def sha256(path: Path) -> str:
    """Return the hex SHA-256 of a file (of all its parts for a shapefile)."""
    h = hashlib.sha256()
    parts = [path]
    if path.suffix.lower() == ".shp":
        parts = sorted(p for p in path.parent.glob(path.stem + ".*"))
    for part in parts:
        with part.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    return h.hexdigest()


def load_dataset(
    data_dir: Path | str | None = None,
    *,
    as_of: dt.date | str | None = None,
    key: bytes | None = None,
    tables: Sequence[str] | None = None,
) -> Dataset:
    """Read, validate and pseudonymise every table in ``data_dir``.

    Parameters
    ----------
    data_dir
        Directory of raw ledgers (default ``config.RAW_DIR``).
    as_of
        No date may be later than this (default: ``as_of`` in ``dataset.yaml``,
        else today).
    key
        Pseudonymisation key (default :func:`linli.privacy.load_key`).
    tables
        Restrict to these tables (``communities`` is always read).

    Raises
    ------
    InputError
        When the directory does not exist, ``communities`` is missing, or a file
        is unreadable, empty or lacks a required column.
    """
    root = Path(data_dir) if data_dir is not None else config.RAW_DIR
    if not root.is_dir():
        msg = f"Data directory {str(root)!r} does not exist."
        raise InputError(msg)
    meta = read_meta(root)
    when = _parse_as_of(as_of if as_of is not None else meta.get("as_of", dt.date.today()))
    secret = key if key is not None else privacy.load_key()
    wanted = list(TABLES) if tables is None else ["communities", *[t for t in tables if t != "communities"]]

    clean: dict[str, pd.DataFrame] = {}
    quarantines: list[pd.DataFrame] = []
    provenance: list[dict[str, object]] = []
    for name in TABLES:
        if name not in wanted:
            continue
        spec = TABLES[name]
        path = io.find_table_file(root, spec)
        if path is None:
            if spec.required:
                msg = f"{root}: required table {name!r} is missing (looked for {_candidates(spec)})."
                raise InputError(msg)
            log.warning("table %s absent (looked for %s)", name, _candidates(spec))
            provenance.append({"table": name, "file": "", "status": "absent"})
            continue
        raw = io.read_table(path, spec, root=root)
        result = validate_table(raw, spec, context=clean, as_of=when, key=secret)
        clean[name] = result.clean
        quarantines.append(result.quarantine)
        provenance.append(_provenance(result, raw, path))
        log.info(
            "%s: %d read, %d loaded, %d quarantined",
            name, result.rows_read, result.rows_loaded, result.rows_quarantined,
        )

    quarantine = (
        pd.concat([q for q in quarantines if len(q)], ignore_index=True)
        if any(len(q) for q in quarantines)
        else pd.DataFrame(columns=QUARANTINE_COLUMNS)
    )
    prov = pd.DataFrame(provenance, columns=PROVENANCE_COLUMNS)
    for col in ("rows_read", "rows_loaded", "rows_quarantined"):
        prov[col] = prov[col].fillna(0).astype(int)
    prov = prov.fillna({"file": "", "sha256": "", "encoding": "", "unknown_columns": ""})
    return Dataset(root, when, clean, quarantine, prov, meta)


def _candidates(spec: Table) -> str:
    stems = (spec.name, *spec.file_aliases)
    return ", ".join(f"{stems[0]}{ext}" for ext in spec.extensions) + (
        f" or the Chinese file names {', '.join(stems[1:])}" if len(stems) > 1 else ""
    )


def _provenance(result: ValidatedTable, raw: io.RawTable, path: Path) -> dict[str, object]:
    return {
        "table": result.table,
        "file": result.file,
        "status": "loaded",
        "sha256": sha256(path),
        "encoding": raw.encoding or "",
        "rows_read": result.rows_read,
        "rows_loaded": result.rows_loaded,
        "rows_quarantined": result.rows_quarantined,
        "unknown_columns": ";".join(raw.unknown_columns),
    }


def save_dataset(ds: Dataset, out_dir: Path | str) -> dict[str, Path]:
    """Write the clean tables (Parquet), ``quarantine.csv`` and ``provenance.csv``.

    Returns the paths written, by name.
    """
    out = Path(out_dir)
    (out / "tables").mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    for name, frame in ds.tables.items():
        path = out / "tables" / f"{name}.parquet"
        frame.to_parquet(path, index=False)
        written[name] = path
    written["quarantine"] = save_quarantine(ds.quarantine, out / "quarantine.csv")
    written["provenance"] = out / "provenance.csv"
    ds.provenance.to_csv(written["provenance"], index=False, lineterminator="\n")
    return written


def save_quarantine(quarantine: pd.DataFrame, path: Path) -> Path:
    """Write the quarantine as UTF-8 CSV (``table,file,row,column,rule,value`` + messages)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    quarantine[QUARANTINE_COLUMNS].to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
    return path
