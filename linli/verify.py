"""``linli verify``: does a year of reports really come from the ledgers it names?

An auditor holding ``OUT/<year>`` (the reports as handed in) and the raw ledgers runs
:func:`verify`. It

1. hashes every file of the data folder and compares it with the inputs the build
   recorded in ``manifest.json`` (:mod:`linli.manifest`): a changed, missing or added
   ledger is named;
2. recomputes everything from those ledgers — load, validate, indicators, index,
   uncertainty, progress, claims (:func:`linli.pipeline.compute_results`, for the
   manifest's year and as-of date) — and compares every number of each unit's
   ``<unit>.json`` with the recomputation;
3. hashes every output file and compares it with the hash recorded at build time: a
   report edited after the build, or one added that the build did not write, is named.

It returns one :class:`Finding` per subject — the inputs, each unit, the files shared
by the year, and the manifest itself when the folder is named after another year — and
``linli verify`` prints one line each (the numbers that differ first, then the files,
the first :data:`SHOWN` of each spelled out), then the year and as-of date it checked,
exiting 0 when everything matches and 1 otherwise.

Numbers are compared with a relative tolerance of :data:`REL_TOL` (the last digits of a
floating-point sum can differ between processors); text, codes and missing values must
match exactly. The recomputation uses a throw-away pseudonymisation key: pseudonyms never
reach a number, and the auditor needs no key.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import config, pipeline
from .build import unit_json_parts
from .dataset import load_dataset
from .errors import InputError, LinliError
from .handoff import unit_document
from .labels import counted
from .manifest import MANIFEST_FILE, file_hashes, read_manifest

logger = logging.getLogger(__name__)

__all__ = ["REL_TOL", "Finding", "verify"]

#: Two numbers agree when ``|a - b| <= REL_TOL * max(1, |a|, |b|)``.
REL_TOL: float = 1e-9
#: At most this many differences are spelled out per line; the rest are counted.
SHOWN: int = 3
#: A key never compared: which linli wrote the file is a note, not a number.
NOT_COMPARED: frozenset[str] = frozenset({"linli_version"})


@dataclass(frozen=True)
class Finding:
    """What :func:`verify` found about one subject (``inputs``, a unit id, or ``shared``)."""

    subject: str
    ok: bool
    #: What was checked (when ``ok``), else the differences, first ones first.
    detail: str

    def line(self, width: int = 12) -> str:
        """One line for the terminal: ``subject  verified: …`` or ``subject  DIFFERS: …``."""
        return f"{self.subject:<{width}}  {'verified' if self.ok else 'DIFFERS'}: {self.detail}"


def verify(year_dir: Path | str, *, data_dir: Path | str | None = None) -> list[Finding]:
    """Check ``year_dir`` (``OUT/<year>``) against the ledgers in ``data_dir``.

    Parameters
    ----------
    year_dir
        A year folder written by ``linli build`` (it holds ``manifest.json``).
    data_dir
        The raw ledgers (default ``config.RAW_DIR``).

    Returns
    -------
    list of Finding
        ``manifest`` first when the folder is named after another year than its
        manifest's (``OUT/2023`` holding the reports of 2024); then ``inputs``, one per
        unit (communities and zones in the order of the data), and ``shared`` (the index
        pages, the hand-off, other files of the year).

    Raises
    ------
    InputError
        When ``year_dir`` holds no manifest, or ``data_dir`` is not a folder.
    """
    year_dir = Path(year_dir)
    manifest = read_manifest(year_dir)
    data = Path(data_dir) if data_dir is not None else config.RAW_DIR
    if not data.is_dir():
        what = "is a file, not a folder" if data.exists() else "does not exist"
        msg = f"data directory {str(data)!r} {what}; pass the ledgers the reports were built from with --data-dir."
        raise InputError(msg)

    year = int(manifest["year"])
    findings = [_misnamed(year_dir, year)] if year_dir.name.isdigit() and int(year_dir.name) != year else []
    findings.append(_check_inputs(manifest["inputs"], file_hashes(data)))
    on_disk = file_hashes(year_dir, skip=[MANIFEST_FILE])
    recorded: dict[str, str] = manifest["outputs"]
    try:
        ds = load_dataset(data, as_of=manifest["as_of"], key=b"linli verify: pseudonyms are not compared")
        results = pipeline.compute_results(ds, year=year)
    except LinliError as exc:
        reason = f"cannot recompute from {data}: {exc}"
        built = _unit_ids_from_files(recorded)
        findings += [Finding(u, False, _join([reason], _file_differences(_files_of(u, recorded, on_disk, built))))
                     for u in sorted(built)]
        findings.append(_check_files("shared", _files_of("shared", recorded, on_disk, built)))
        return findings

    known = {str(u) for u in results.units["unit_id"]}
    failed = set(manifest.get("failed", ()))
    for row in results.units.itertuples(index=False):
        uid = str(row.unit_id)
        if f"{uid}.json" not in recorded and f"{uid}.json" not in on_disk:
            continue  # not built into this folder (a build of some units only)
        numbers = ["its report failed in the build; files on disk are older"] if uid in failed else []
        numbers += _json_differences(year_dir / f"{uid}.json",
                                     unit_document(uid, **unit_json_parts(row, results)))
        files = _files_of(uid, recorded, on_disk, known)
        changed = _file_differences(files)
        findings.append(Finding(uid, not (numbers or changed), _join(numbers, changed) if numbers or changed else
                                f"{uid}.json matches the recomputation; {_n_files(files)} match the build"))
    for uid in sorted(_unit_ids_from_files(recorded) - known):
        findings.append(Finding(uid, False, f"the ledgers have no unit {uid!r}, but the build wrote its files"))
    findings.append(_check_files("shared", _files_of("shared", recorded, on_disk, known)))
    return findings


# ------------------------------------------------------------------ inputs and files


def _misnamed(year_dir: Path, year: int) -> Finding:
    """A year folder (``OUT/<year>``) named after another year than its manifest's: another year's reports."""
    return Finding("manifest", False, f"the folder is named {year_dir.name} but its {MANIFEST_FILE} is of {year}: "
                                      f"these are the reports of {year}, checked as such")


def _check_inputs(recorded: Mapping[str, str], now: Mapping[str, str]) -> Finding:
    problems = list(_hash_differences(recorded, now, changed="changed since the build",
                                      missing="missing from the data folder", added="added since the build"))
    if problems:
        return Finding("inputs", False, _join([], problems))
    return Finding("inputs", True, f"{counted(len(recorded), 'file', 'files')} match the build's record")


def _hash_differences(recorded: Mapping[str, str], now: Mapping[str, str], *, changed: str, missing: str,
                      added: str) -> Iterator[str]:
    for name, digest in recorded.items():
        if name not in now:
            yield f"{name} {missing}"
        elif now[name] != digest:
            yield f"{name} {changed} (SHA-256 {digest[:12]}… then, {now[name][:12]}… now)"
    for name in now:
        if name not in recorded:
            yield f"{name} {added}"


def _owner(path: str, units: set[str]) -> str:
    """The unit a file of the year belongs to: ``<unit>.<…>`` or ``figures/<unit>[.<lang>]/…``; else ``shared``."""
    parts = path.split("/")
    if len(parts) == 1:
        stem = parts[0].split(".", 1)[0]
        return stem if stem in units else "shared"
    if parts[0] == "figures" and len(parts) > 2 and parts[1].split(".", 1)[0] in units:
        return parts[1].split(".", 1)[0]  # figures/<unit>/ or, in another language, figures/<unit>.en/
    return "shared"


def _unit_ids_from_files(recorded: Mapping[str, str]) -> set[str]:
    """Unit ids the build wrote a ``<unit>.json`` for."""
    return {p[: -len(".json")] for p in recorded if "/" not in p and p.endswith(".json")}


def _files_of(owner: str, recorded: Mapping[str, str], on_disk: Mapping[str, str],
              units: set[str]) -> tuple[dict[str, str], dict[str, str]]:
    units = units | _unit_ids_from_files(recorded)
    pick = lambda files: {p: h for p, h in files.items() if _owner(p, units) == owner}  # noqa: E731
    return pick(recorded), pick(on_disk)


def _file_differences(files: tuple[dict[str, str], dict[str, str]]) -> list[str]:
    recorded, now = files
    return list(_hash_differences(recorded, now, changed="changed since the build",
                                  missing="missing (the build wrote it)", added="not written by the build"))


def _check_files(subject: str, files: tuple[dict[str, str], dict[str, str]]) -> Finding:
    problems = _file_differences(files)
    return Finding(subject, not problems, _join([], problems) if problems else f"{_n_files(files)} match the build")


def _n_files(files: tuple[dict[str, str], dict[str, str]]) -> str:
    return counted(len(files[0]), "file", "files")


# ------------------------------------------------------------------ numbers


def _json_differences(path: Path, expected: Mapping[str, Any]) -> list[str]:
    """Differences between the unit's JSON on disk and the recomputed document.

    A missing file gives none: the file check names it, as a file the build wrote.
    """
    if not path.is_file():
        return []
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return [f"{path.name} unreadable ({type(exc).__name__})"]
    want = json.loads(json.dumps(expected, ensure_ascii=False, allow_nan=False))
    return [f"{path.name} {where}: {what}" for where, what in _diff(found, want, "")]


def _record_label(record: Any, i: int) -> str:
    if isinstance(record, dict):
        for key in ("indicator", "dimension", "input", "id"):
            if key in record and isinstance(record[key], str):
                return f"{key}={record[key]}"
    return str(i)


def _diff(found: Any, want: Any, where: str) -> Iterator[tuple[str, str]]:
    if isinstance(want, dict) and isinstance(found, dict):
        for key in want:
            if key in NOT_COMPARED:
                continue
            here = f"{where}.{key}" if where else key
            if key not in found:
                yield here, "missing from the file"
            else:
                yield from _diff(found[key], want[key], here)
        for key in found:
            if key not in want and key not in NOT_COMPARED:
                yield (f"{where}.{key}" if where else key), "in the file but not in the recomputation"
    elif isinstance(want, list) and isinstance(found, list):
        if len(found) != len(want):
            yield where, f"{counted(len(found), 'row', 'rows')} in the file, {len(want)} recomputed"
            return
        for i, (f, w) in enumerate(zip(found, want, strict=True)):
            yield from _diff(f, w, where if len(want) == 1 else f"{where}[{_record_label(w, i)}]")
    elif not _same(found, want):
        yield where, f"{_shown(found)} in the file, {_shown(want)} recomputed"


def _same(a: Any, b: Any) -> bool:
    numbers = (int, float)
    if isinstance(a, numbers) and isinstance(b, numbers) and not isinstance(a, bool) and not isinstance(b, bool):
        return math.isclose(a, b, rel_tol=REL_TOL, abs_tol=REL_TOL)
    return a == b and type(a) is type(b)


def _shown(value: Any) -> str:
    return "null" if value is None else json.dumps(value, ensure_ascii=False)


def _join(numbers: Sequence[str], files: Sequence[str]) -> str:
    """The numbers that differ, then the files: the first :data:`SHOWN` of each, the rest counted.

    Counting each kind on its own keeps a changed report file named however many
    numbers differ.
    """
    parts = list(numbers[:SHOWN])
    if len(numbers) > SHOWN:
        parts.append(f"and {counted(len(numbers) - SHOWN, 'more number', 'more numbers')}")
    parts += files[:SHOWN]
    if len(files) > SHOWN:
        parts.append(f"and {counted(len(files) - SHOWN, 'more file', 'more files')}")
    return "; ".join(parts)
