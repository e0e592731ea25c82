"""``load_dataset(dir)`` -> clean tables, quarantine, provenance.

The one way raw ledgers enter linli: every table of the contract is found, read
(:mod:`linli.io`), validated (:mod:`linli.validate`) and pseudonymised
(:mod:`linli.privacy`), in the contract's order so that references point to
tables already checked. ``save_dataset`` writes the clean tables as Parquet
(GeoParquet for geometry), the quarantine and the provenance; ``load_and_save`` does
both, each clean table written while the next is checked (``linli validate``).

An optional ``dataset.yaml`` in the data directory describes the dataset:

``name``       a title for the reports
``name_en``    its English, for reports in English (else the name with its pinyin)
``synthetic``  ``true`` puts a banner on every report
``as_of``      the data's as-of date (``YYYY-MM-DD``; otherwise today): no date
               may be later, and no year after it is assessed
``zones``      zone names, ``{renmin: {name_zh: 人民街道, name_en: Renmin Street}}``
``covers``     the years a dated ledger covers although it has no record in them,
               ``{volunteer_activities: [2022, 2023, 2024]}`` (a ledger otherwise
               covers the years it has records in; see :func:`coverage`)
``coordinates`` the coordinate system of the ``经度``/``纬度`` columns of spreadsheets of
               points (compounds, facilities): ``wgs84``, ``gcj02`` (高德, 腾讯) or
               ``bd09`` (百度); see :mod:`linli.coords`

It is read with :func:`linli.io.read_yaml` (plain YAML, size and alias caps);
a value of the wrong kind is one line naming the file and the field.

The published claims (``published_claims.yaml``, :mod:`linli.claims`) are read once,
with the dataset: :attr:`Dataset.claims`, or :attr:`Dataset.claims_error` saying why
they cannot be had, and the file's bytes for the inputs' fingerprint.

The evaluator's notes — findings and recommendations in Markdown, one optional file per
unit and language, ``notes/<unit_id>.md`` (the default language) and
``notes/<unit_id>.<lang>.md`` (e.g. ``notes/xiangbei.en.md``) — are read with it
(:func:`read_notes`, :attr:`Dataset.notes`); phone and identity numbers typed into them
are masked, and their text is part of the inputs' fingerprint.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import shutil
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from . import config, coords, io, outputs, privacy
from .claims import CLAIMS_FILE, Claim, parse_claims
from .contract import TABLES, Table
from .errors import InputError, LinliError, OutputError
from .labels import counted
from .privacy import redact
from .quarantine import save_quarantine
from .validate import QUARANTINE_COLUMNS, ValidatedTable, validate_table

log = logging.getLogger(__name__)

PROVENANCE_COLUMNS = [
    "table", "file", "status", "sha256", "encoding", "rows_read", "rows_loaded",
    "rows_quarantined", "unknown_columns", "sheets", "skipped_sheets",
]
#: Bytes of ledger files, the one being checked included, that may be held read ahead of
#: the checks (at least the next table is always read): a province's largest ledger is
#: read while the smaller ones before it are checked, and the ones after it while it is.
READ_AHEAD_BYTES = 3 << 29
#: Ledgers whose records are placed in a year: by a date, or (the survey) by ``year``.
DATED_TABLES: tuple[str, ...] = tuple(
    name for name, t in TABLES.items() if t.date_column is not None
) + ("survey_responses",)


@dataclass(repr=False)
class Dataset:
    """Clean tables with their quarantine and provenance."""

    data_dir: Path
    as_of: dt.date
    tables: dict[str, pd.DataFrame]
    quarantine: pd.DataFrame
    provenance: pd.DataFrame
    meta: dict[str, object] = field(default_factory=dict)
    #: The published claims of ``published_claims.yaml``; None without the file, or when it
    #: cannot be read or checked (:attr:`claims_error` says why).
    claims: tuple[Claim, ...] | None = None
    claims_error: str | None = None
    #: The bytes of ``published_claims.yaml`` as read (empty without it): part of the inputs' fingerprint.
    claims_source: bytes = b""
    #: The evaluator's notes, ``(unit_id, lang) -> Markdown`` (:func:`read_notes`).
    notes: dict[tuple[str, str], str] = field(default_factory=dict)

    @property
    def synthetic(self) -> bool:
        return bool(self.meta.get("synthetic", False))

    @property
    def name(self) -> str:
        return str(self.meta.get("name", self.data_dir.name))

    @property
    def name_en(self) -> str | None:
        """The dataset's name in English (``name_en`` of ``dataset.yaml``), when given."""
        value = self.meta.get("name_en")
        return None if value is None else str(value)

    @property
    def covers(self) -> dict[str, tuple[int, ...]]:
        """Years ``dataset.yaml`` declares each dated ledger to cover (``covers``)."""
        declared = self.meta.get("covers") or {}
        return {str(k): tuple(int(y) for y in v) for k, v in declared.items()}  # type: ignore[union-attr]

    def __getitem__(self, name: str) -> pd.DataFrame:
        try:
            return self.tables[name]
        except KeyError:
            have = ", ".join(self.tables) or "none"
            msg = f"Table {name!r} is not in this dataset; loaded: {have}."
            raise KeyError(msg) from None

    def __repr__(self) -> str:
        """A short summary: name, folder, as-of date, tables and rows, quarantine, years, notes.

        Examples
        --------
        >>> import datetime as dt
        >>> t = {"communities": pd.DataFrame({"community_id": ["a", "b"]}),
        ...      "population": pd.DataFrame({"year": [2022, 2024], "community_id": ["a", "a"]})}
        >>> q = pd.DataFrame({"row": [3, 3, 5]})  # three lines: two on row 3, one on row 5
        >>> Dataset(Path("raw"), dt.date(2024, 12, 31), t, q, pd.DataFrame({"rows_quarantined": [2]}))
        <Dataset 'raw' as of 2024-12-31: 2 tables, 4 rows (communities 2, population 2); 2 rows quarantined; years 2022–2024>
        """
        rows = {name: len(frame) for name, frame in self.tables.items()}
        shown = ", ".join(f"{name} {n:,}" for name, n in list(rows.items())[:6])
        if len(rows) > 6:
            shown += f", … {len(rows) - 6} more"
        years = sorted({int(y) for frame in self.tables.values() if "year" in frame
                        for y in pd.to_numeric(frame["year"], errors="coerce").dropna().unique()})
        span = f"; years {years[0]}–{years[-1]}" if years else ""
        q = int(self.provenance["rows_quarantined"].sum()) if "rows_quarantined" in self.provenance else 0
        notes = f"; {counted(len(self.notes), 'note', 'notes')}" if self.notes else ""
        return (f"<Dataset {self.name!r} as of {self.as_of.isoformat()}: {len(rows)} tables, {sum(rows.values()):,} rows "
                f"({shown}); {counted(q, 'row', 'rows')} quarantined{span}{notes}>")

    def summary(self) -> pd.DataFrame:
        """Rows read / loaded / quarantined per table."""
        return self.provenance[["table", "file", "status", "rows_read", "rows_loaded", "rows_quarantined"]]


def read_meta(data_dir: Path) -> dict[str, object]:
    """Read and check ``dataset.yaml`` from ``data_dir`` (empty when absent).

    Raises
    ------
    InputError
        The file is not plain YAML, is too large, or a setting has the wrong kind
        (the message names the file and the field).
    """
    path = Path(data_dir) / "dataset.yaml"
    if not path.exists():
        return {}
    meta = io.read_yaml(path)
    if meta is None:
        return {}
    if not isinstance(meta, dict):
        msg = f"{path.name}: expected a mapping of settings, got {type(meta).__name__}."
        raise InputError(msg)
    _check_meta(meta, path.name)
    return meta


def _check_meta(meta: Mapping[str, Any], shown: str) -> None:
    """Check the kind of every setting of ``dataset.yaml`` linli uses."""

    def fail(field_name: str, problem: str) -> InputError:
        return InputError(f"{shown}: field {field_name!r}: {problem}.")

    if "synthetic" in meta and not isinstance(meta["synthetic"], bool):
        raise fail("synthetic", f"must be true or false; got {meta['synthetic']!r}")
    if meta.get("as_of") is not None:
        _parse_as_of(meta["as_of"], shown=shown)
    for name in ("name", "name_en", "note"):
        if meta.get(name) is not None and not isinstance(meta[name], str | int | float):
            raise fail(name, f"must be text; got {type(meta[name]).__name__}")
    system = meta.get("coordinates")
    if system is not None and (not isinstance(system, str) or system.strip().casefold() not in coords.SYSTEMS):
        raise fail("coordinates", f"{system!r} is not a coordinate system; valid: {', '.join(coords.SYSTEMS)} "
                                  "(gcj02 for 高德 or 腾讯 maps, bd09 for 百度 maps, wgs84 for GPS)")
    zones = meta.get("zones")
    if zones is not None and not isinstance(zones, Mapping):
        raise fail("zones", f"must map zone ids to names; got {type(zones).__name__}")
    covers = meta.get("covers")
    if covers is None:
        return
    if not isinstance(covers, Mapping):
        raise fail("covers", f"must map ledgers to lists of years, e.g. {{volunteer_activities: [2023, 2024]}}; "
                             f"got {type(covers).__name__}")
    for table, years in covers.items():
        if table not in DATED_TABLES:
            raise fail(f"covers.{table}", f"not a dated ledger; valid: {', '.join(DATED_TABLES)}")
        if not isinstance(years, list) or not all(
            isinstance(y, int) and not isinstance(y, bool) and 1949 <= y <= 2100 for y in years
        ):
            raise fail(f"covers.{table}", f"must be a list of years such as [2023, 2024]; got {years!r}")


def declared_zones(meta: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    """Zone names given in ``dataset.yaml``: ``zones: {renmin: {name_zh: 人民街道, name_en: …}}``.

    >>> declared_zones({"zones": {"renmin": {"name_zh": "人民街道"}, "x": "某街道"}})
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


def _parse_as_of(value: object, *, shown: str = "dataset.yaml") -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        if not isinstance(value, str) or not value.strip():
            raise ValueError
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        msg = f"{shown}: field 'as_of': {value!r} is not a date; use YYYY-MM-DD."
        raise InputError(msg) from None


class _ReadAhead:
    """The tables of ``order`` read one after another by ``pool`` (one thread), as far ahead
    of the one being checked as :data:`READ_AHEAD_BYTES` of their files allow; those not
    yet started are let go on leaving its ``with`` block."""

    def __init__(self, pool: ThreadPoolExecutor, read: Callable[[str], io.RawTable], order: list[str],
                 sizes: Mapping[str, int]) -> None:
        self._pool, self._read, self._order, self._sizes = pool, read, order, sizes
        self._next = 0
        self._pending: dict[str, Future[io.RawTable]] = {}
        self._fill(checking=0)

    def take(self, name: str) -> io.RawTable:
        """The table ``name`` (the first not yet taken), once read; more are read meanwhile."""
        future = self._pending.pop(name)
        self._fill(checking=self._sizes[name])
        return future.result()

    def __enter__(self) -> _ReadAhead:
        return self

    def __exit__(self, *exc: object) -> None:
        """Read no more (a table that cannot be checked stops the load; one read may finish)."""
        for future in self._pending.values():
            future.cancel()

    def _fill(self, *, checking: int) -> None:
        while self._next < len(self._order):
            name = self._order[self._next]
            held = checking + sum(self._sizes[n] for n in self._pending) + self._sizes[name]
            if self._pending and held > READ_AHEAD_BYTES:
                return
            self._pending[name] = self._pool.submit(self._read, name)
            self._next += 1


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
    claims_required: bool = False,
    on_table: Callable[[str, pd.DataFrame], object] | None = None,
    progress_bar: bool = False,
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
    claims_required
        Stop, before any table is read, when ``published_claims.yaml`` is absent or
        cannot be read or checked (``linli claims``); otherwise its reason travels in
        :attr:`Dataset.claims_error`.
    on_table
        Called with each table's name and clean frame as soon as it is checked, in
        the contract's order (:func:`load_and_save` writes it while the next is checked).
    progress_bar
        Show, on standard error and only in a terminal, how much of the ledgers (in
        bytes) has been checked and which table is being checked.

    Raises
    ------
    InputError
        When the directory does not exist, ``communities`` is missing, or a file
        is unreadable, empty or lacks a required column.
    """
    root = Path(data_dir) if data_dir is not None else config.RAW_DIR
    if not root.is_dir():
        what = "is a file, not a folder" if root.exists() else "does not exist"
        msg = f"Data directory {str(root)!r} {what}."
        raise InputError(msg)
    claims, claims_error, claims_source = read_claims(root, warn=not claims_required)
    if claims_required and claims is None:
        raise InputError(claims_error or f"no {CLAIMS_FILE} in {data_dir if data_dir is not None else root}")
    meta = read_meta(root)
    if as_of is not None:
        when = _parse_as_of(as_of, shown="the as-of option")
    else:
        when = _parse_as_of(meta.get("as_of") or dt.date.today())
    secret = key if key is not None else privacy.load_key()
    wanted = list(TABLES) if tables is None else ["communities", *[t for t in tables if t != "communities"]]
    system = str(meta["coordinates"]).strip().casefold() if meta.get("coordinates") else None

    clean: dict[str, pd.DataFrame] = {}
    rosters: dict[str, tuple[pd.Series, pd.Series]] = {}  # a referred roster's ids as typed, and their pseudonyms
    left_out: dict[str, Mapping[str, str]] = {}  # where a referred table's rows left out are, by spelling
    quarantines: list[pd.DataFrame] = []
    provenance: list[dict[str, object]] = []
    located = {name: io.find_table_files(root, spec) for name, spec in TABLES.items() if name in wanted}
    for unknown in io.unknown_files(root):
        if unknown.reason == "format" and unknown.table in located and not located[unknown.table]:
            raise InputError(unknown.refusal())  # the table's only file, in a format linli cannot read
        log.warning("%s", unknown.message())
    for name, paths in located.items():
        if not paths and TABLES[name].required:
            spec = TABLES[name]
            msg = (f"{root}: 缺少必需的台账“{spec.title_zh}”（文件名如 {spec.file_names[0]}.csv 或 {spec.title_zh}.xlsx）"
                   f" / required table {name!r} is missing (looked for {_candidates(spec)}).")
            raise InputError(msg)
    present = [name for name, paths in located.items() if paths]

    def read(name: str) -> io.RawTable:
        return io.read_tables(located[name], TABLES[name], root=root, coordinates=system)

    from tqdm import tqdm

    sizes = {name: sum(map(_file_size, located[name])) for name in present}
    # Helper threads read the next table while this one is checked (pyarrow parses
    # without holding the interpreter) and hash each file for the provenance.
    with (ThreadPoolExecutor(max_workers=1, thread_name_prefix="linli-read") as readers,
          ThreadPoolExecutor(max_workers=1, thread_name_prefix="linli-hash") as hashers,
          _ReadAhead(readers, read, present, sizes) as ahead,
          tqdm(total=sum(sizes.values()), unit="B", unit_scale=True, desc="检查台账 / checking", leave=False,
               disable=None if progress_bar else True) as bar):
        for name, paths in located.items():
            spec = TABLES[name]
            if not paths:
                log.warning("table %s absent (looked for %s)", name, _candidates(spec))
                provenance.append({"table": name, "file": "", "status": "absent"})
                continue
            bar.set_postfix_str(paths[0].name)
            digest = hashers.submit(lambda files: "; ".join(map(sha256, files)), paths)  # a file per year: each
            raw = ahead.take(name)
            result = validate_table(raw, spec, context=clean, as_of=when, key=secret, rosters=rosters,
                                    left_out=left_out)
            clean[name] = result.clean
            if result.left_out:
                left_out[name] = result.left_out
            if result.typed_ids is not None and spec.id_column is not None:
                rosters[name] = (result.typed_ids, result.clean[spec.id_column])
            if on_table is not None:
                on_table(name, result.clean)
            quarantines.append(result.quarantine)
            provenance.append(_provenance(result, raw, digest.result()))
            del raw
            pa.default_memory_pool().release_unused()  # give the raw ledger's memory back before the next
            bar.update(sizes[name])
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
    prov = prov.fillna({"file": "", "sha256": "", "encoding": "", "unknown_columns": "", "sheets": "",
                        "skipped_sheets": ""})
    notes = read_notes(root)
    return Dataset(root, when, clean, quarantine, prov, meta, claims, claims_error, claims_source, notes)


#: The folder of the evaluator's notes in a data directory.
NOTES_DIR: str = "notes"
#: Largest note read, in bytes.
MAX_NOTE_BYTES: int = 256 * 1024


def read_notes(root: Path) -> dict[tuple[str, str], str]:
    """Read the evaluator's notes of ``root/notes``: ``(unit_id, lang) -> Markdown``.

    ``<unit_id>.md`` is in the default language (the first of
    :data:`linli.labels.LANGS`), ``<unit_id>.<lang>.md`` in another. The text is UTF-8
    (a BOM is dropped); phone and identity numbers in it are masked
    (:func:`linli.privacy.redact`). No folder, no notes. Whether a unit id is known is
    checked when the reports are built.

    Raises
    ------
    InputError
        For a file in the folder that is not so named, larger than
        :data:`MAX_NOTE_BYTES`, or not UTF-8 text (one line naming the file).
    """
    import re

    from .contract import ID_PATTERN
    from .labels import LANGS

    folder = root / NOTES_DIR
    if not folder.is_dir():
        return {}
    notes: dict[tuple[str, str], str] = {}
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or not path.is_file():
            continue
        shown = f"{NOTES_DIR}/{path.name}"
        parts = path.name.split(".")
        lang = parts[1] if len(parts) == 3 else LANGS[0]  # unit.lang.md or unit.md
        if parts[-1] != "md" or len(parts) not in (2, 3) or lang not in LANGS or not re.fullmatch(ID_PATTERN, parts[0]):
            valid = ", ".join(f"<unit_id>.{code}.md" for code in LANGS[1:])
            msg = f"{shown}: not a note's name; name a note <unit_id>.md (in {LANGS[0]}) or {valid}."
            raise InputError(msg)
        data = path.read_bytes()
        if len(data) > MAX_NOTE_BYTES:
            msg = f"{shown}: {len(data):,} bytes; a note may hold at most {MAX_NOTE_BYTES:,}."
            raise InputError(msg)
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            msg = f"{shown}: not UTF-8 text (byte {exc.start}); save the note as UTF-8."
            raise InputError(msg) from None
        notes[parts[0], lang] = redact(text)
    return notes


def read_claims(root: Path, *, warn: bool = True) -> tuple[tuple[Claim, ...] | None, str | None, bytes]:
    """Read ``published_claims.yaml`` of ``root`` once: its claims, why they cannot be had, its bytes.

    A claims file that cannot be read or checked does not stop the dataset: the reason
    (one line, personal data masked) travels with it, for ``linli claims`` to stop on
    and for the reports to print; it is logged as a warning unless not ``warn`` (a caller
    that stops on it says it once).
    """
    def say(what: str, reason: str) -> None:
        if warn:
            log.warning("published claims not %s: %s", what, reason)

    path = root / CLAIMS_FILE
    if not path.exists():
        return None, None, b""
    try:
        source = path.read_bytes()
    except OSError as exc:  # unreadable: the reports say so; its reason is the input
        reason = redact(f"{path.name}: cannot read the file ({exc.strerror or type(exc).__name__}).")
        say("read", reason)
        return None, reason, f"unreadable: {exc.strerror}".encode()
    try:
        return tuple(parse_claims(io.yaml_from_bytes(source, shown=path.name), path=path)), None, source
    except LinliError as exc:
        reason = redact(str(exc))
        say("checked", reason)
        return None, reason, source


def _file_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:  # unreadable: reading it says why
        return 0


def _candidates(spec: Table) -> str:
    stems = spec.file_names
    return ", ".join(f"{stems[0]}{ext}" for ext in spec.extensions) + (
        f" or the Chinese file names {', '.join(stems[1:])} (a year in the name is allowed)" if len(stems) > 1 else ""
    )


def _provenance(result: ValidatedTable, raw: io.RawTable, digest: str) -> dict[str, object]:
    return {
        "sheets": ";".join(raw.sheets),
        "skipped_sheets": "; ".join(raw.skipped_sheets),
        "table": result.table,
        "file": result.file,
        "status": "loaded",
        "sha256": digest,
        "encoding": raw.encoding or "",
        "rows_read": result.rows_read,
        "rows_loaded": result.rows_loaded,
        "rows_quarantined": result.rows_quarantined,
        "unknown_columns": ";".join(raw.unknown_columns),
    }


def save_dataset(ds: Dataset, out_dir: Path | str) -> dict[str, Path]:
    """Write the clean tables (Parquet), ``quarantine.csv`` and ``provenance.csv`` (UTF-8 with a BOM), ``quarantine.xlsx``.

    The CSV files are written with :func:`linli.outputs.save_csv`: no cell runs as
    a spreadsheet formula. Returns the paths written, by name.

    Raises
    ------
    OutputError
        When ``out_dir`` cannot be written.
    """
    out = outputs.check_out_dir(out_dir)
    with _TableWriter(out) as writer:
        for name, frame in ds.tables.items():
            writer.add(name, frame)
    return writer.written | _save_findings(ds, out)


def load_and_save(
    data_dir: Path | str | None,
    out_dir: Path | str,
    *,
    as_of: dt.date | str | None = None,
    key: bytes | None = None,
    progress_bar: bool = False,
) -> tuple[Dataset, dict[str, Path]]:
    """:func:`load_dataset`, then :func:`save_dataset`, each clean table written while the
    next is checked: the largest ledger is no longer written alone at the end.

    The tables are written to a folder of their own in ``out_dir`` and moved into
    ``tables/`` once every table is checked and written: a ledger that stops the load
    (:class:`InputError`) leaves the tables of the previous run as they were.

    Raises
    ------
    InputError
        As :func:`load_dataset`.
    OutputError
        When ``out_dir`` cannot be written.
    """
    out = outputs.check_out_dir(out_dir)  # before the long read, not after it
    with _TableWriter(out) as writer:
        ds = load_dataset(data_dir, as_of=as_of, key=key, on_table=writer.add, progress_bar=progress_bar)
    return ds, writer.written | _save_findings(ds, out)


class _TableWriter:
    """Writes clean tables as Parquet, two at a time in helper threads (pyarrow writes
    without holding the interpreter), into ``OUT/.tables.partial``; on a clean exit
    waits for them and moves them into ``OUT/tables``, on an error removes them."""

    def __init__(self, out: Path) -> None:
        self.staging = out / ".tables.partial"
        self.tables = out / "tables"
        self.written: dict[str, Path] = {}
        self._pending: dict[str, Future[None]] = {}
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="linli-save")

    def __enter__(self) -> _TableWriter:
        try:
            shutil.rmtree(self.staging, ignore_errors=True)  # a run killed before its end
            self.staging.mkdir(parents=True)
        except OSError as exc:
            self._pool.shutdown()
            raise self._error(exc) from None
        return self

    def add(self, name: str, frame: pd.DataFrame) -> None:
        self._pending[name] = self._pool.submit(
            frame.to_parquet, self.staging / f"{name}.parquet", index=False, write_statistics=statistics(frame)
        )

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        self._pool.shutdown(wait=True, cancel_futures=kind is not None)
        try:
            if kind is None:
                for done in self._pending.values():
                    done.result()
                self.tables.mkdir(exist_ok=True)
                for name in self._pending:
                    self.written[name] = self.tables / f"{name}.parquet"
                    os.replace(self.staging / f"{name}.parquet", self.written[name])
        except OSError as exc:
            raise self._error(exc) from None
        finally:
            shutil.rmtree(self.staging, ignore_errors=True)

    def _error(self, exc: OSError) -> OutputError:
        return OutputError(f"cannot write {self.tables}: {exc.strerror or type(exc).__name__}.")


def statistics(frame: pd.DataFrame) -> list[str]:
    """The columns of a clean table whose Parquet statistics (each page's least and greatest
    value) are written: its numbers, dates and flags, not its text or geometry. The rows
    are in ledger order, so a text column's range lets a filter skip next to nothing, and
    working it out is a quarter of the time of writing the tables.

    >>> statistics(pd.DataFrame({"service_id": pd.Series(["s1"], dtype="string"), "date": pd.to_datetime(["2024-01-02"]),
    ...                          "provider": ["社工站"], "minutes": pd.array([30], dtype="Int64")}))
    ['date', 'minutes']
    """
    return [c for c in frame.columns if not pd.api.types.is_string_dtype(frame[c].dtype) and frame[c].dtype != "geometry"]


def _save_findings(ds: Dataset, out: Path) -> dict[str, Path]:
    """The quarantine (CSV and workbook) and the provenance."""
    written = save_quarantine(ds.quarantine, out, communities=ds.tables.get("communities"))
    written["provenance"] = outputs.save_csv(ds.provenance, out / "provenance.csv", bom=True)  # for Chinese Excel
    return written
