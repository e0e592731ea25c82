"""``OUT/<year>/manifest.json``: the SHA-256 of every input and every output of a build.

``linli build`` writes it last, once every report of the year is on disk;
``linli verify`` (:mod:`linli.verify`) reads it back. It records:

``inputs``
    every file of the data folder the build read (its path relative to that folder,
    ``/``-separated) with its SHA-256 — the ledgers, ``dataset.yaml``, the published
    claims, the evaluator's notes;
``outputs``
    every file under ``OUT/<year>/`` with its SHA-256 — the reports in each language and
    format, ``<unit>.json``, the index page, the hand-off under ``data/``;
``failed``
    the units whose report failed in the last build (their files on disk, if any, are
    from an earlier build);

and the year, as-of date and linli version (not the data folder's path: an auditor
keeps the ledgers somewhere else, and a path can name a person). Hidden files and folders
(names starting with ``.``: the build cache, a hand-off being published) are left out
of both lists, and so is the manifest itself. The file has no time stamp: the same
inputs and outputs give the same bytes.

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> root = Path(tempfile.mkdtemp())
>>> _ = (root / "a.txt").write_text("abc")
>>> file_hashes(root)["a.txt"][:12]  # sha256(b"abc")
'ba7816bf8f01'
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from .errors import InputError
from .outputs import output_path

__all__ = ["FORMAT", "MANIFEST_FILE", "file_hashes", "file_sha256", "read_manifest", "refresh_outputs", "write_manifest"]

#: The manifest's name under ``OUT/<year>/``.
MANIFEST_FILE: str = "manifest.json"
#: Written as the manifest's ``format``; a manifest of another format is refused.
FORMAT: str = "linli-manifest/1"


def file_sha256(path: Path) -> str:
    """Return the hex SHA-256 of a file's bytes, read in chunks of 1 MiB."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def file_hashes(
    root: Path | str, *, skip: Iterable[str] = (), known: Mapping[str, tuple[int, int, str]] | None = None
) -> dict[str, str]:
    """Return ``{relative path: SHA-256}`` of every file under ``root``, sorted by path.

    Paths are relative to ``root`` and ``/``-separated on every system. Anything whose
    path has a part starting with ``.`` is left out, and so are the relative paths in
    ``skip``. ``known`` maps a path to ``(size, mtime_ns, sha256)`` taken earlier (as
    :class:`linli.inputs.Inputs` holds them): a file whose size and time are unchanged is
    not read again.
    """
    base = Path(root)
    left_out = set(skip)
    earlier = known or {}
    found: dict[str, str] = {}
    for path in base.rglob("*"):
        rel = path.relative_to(base)
        if any(part.startswith(".") for part in rel.parts) or not path.is_file():
            continue
        key = rel.as_posix()
        if key in left_out:
            continue
        st, before = path.stat(), earlier.get(key)
        same = before is not None and (before[0], before[1]) == (st.st_size, st.st_mtime_ns)
        found[key] = str(before[2]) if same and before is not None else file_sha256(path)
    return dict(sorted(found.items()))


def write_manifest(
    year_dir: Path | str,
    *,
    data_dir: Path | str,
    meta: Mapping[str, Any],
    failed: Iterable[str] = (),
    known_inputs: Mapping[str, tuple[int, int, str]] | None = None,
) -> Path:
    """Write ``year_dir/manifest.json`` from what is on disk now (see the module docstring).

    Parameters
    ----------
    year_dir
        ``OUT/<year>``, after every report has been written.
    data_dir
        The raw ledgers the build read.
    meta
        The build's ``year``, ``as_of`` and ``linli_version`` (other keys are ignored).
    failed
        Units whose report failed.
    known_inputs
        The data files' ``(size, mtime_ns, sha256)`` the build already took
        (:class:`linli.inputs.Inputs`): unchanged files are not hashed again.
    """
    year_dir = Path(year_dir)
    data = Path(data_dir)
    doc = {
        "format": FORMAT,
        "year": int(meta["year"]),
        "as_of": str(meta["as_of"]),
        "linli_version": str(meta["linli_version"]),
        "failed": sorted(set(failed)),
        "inputs": file_hashes(data, known=known_inputs),
        "outputs": file_hashes(year_dir, skip=[MANIFEST_FILE]),
    }
    return _write(year_dir, doc)


def refresh_outputs(year_dir: Path | str, names: Iterable[str]) -> Path:
    """Record again, in ``year_dir/manifest.json``, the SHA-256 of the outputs ``names`` (paths
    relative to ``year_dir``), and leave the rest as it was: a build that found every report up
    to date rewrites the index page only (its counts are that build's), and hashing every
    report and input again for it would cost what the build saved.

    Raises
    ------
    LinliError
        When the manifest is missing or damaged (:func:`read_manifest`).
    """
    year_dir = Path(year_dir)
    doc = read_manifest(year_dir)
    outputs = dict(doc["outputs"])
    for name in names:
        path = year_dir / name
        if path.is_file():
            outputs[Path(name).as_posix()] = file_sha256(path)
    doc["outputs"] = dict(sorted(outputs.items()))
    return _write(year_dir, doc)


def _write(year_dir: Path, doc: Mapping[str, Any]) -> Path:
    """``year_dir/manifest.json`` written from ``doc``: no time stamp, the same bytes for the same record."""
    path = output_path(year_dir, MANIFEST_FILE)
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


def read_manifest(year_dir: Path | str) -> dict[str, Any]:
    """Read ``year_dir/manifest.json``.

    Raises
    ------
    InputError
        When there is none, or it is not a linli manifest.
    """
    path = Path(year_dir) / MANIFEST_FILE
    if not path.is_file():
        years = sorted(str(p.parent) for p in Path(year_dir).glob(f"*/{MANIFEST_FILE}") if p.is_file())
        hint = (f"; its year folders: {', '.join(years)}" if years else
                f" (OUT/<year>, which holds {MANIFEST_FILE})")
        msg = f"{path}: no such file; point linli verify at a year folder written by `linli build`{hint}."
        raise InputError(msg)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        msg = f"{path}: not a linli manifest ({type(exc).__name__}: {exc})."
        raise InputError(msg) from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        found = doc.get("format") if isinstance(doc, dict) else type(doc).__name__
        msg = f"{path}: not a linli manifest (format {found!r}; expected {FORMAT!r})."
        raise InputError(msg)
    for key in ("year", "as_of", "inputs", "outputs"):
        if key not in doc:
            msg = f"{path}: the manifest lacks {key!r}; it is damaged — rebuild with `linli build`."
            raise InputError(msg)
    doc.setdefault("failed", [])
    for key, what, ok in _FIELDS:
        if not ok(doc[key]):
            shown = json.dumps(doc[key], ensure_ascii=False)
            shown = shown if len(shown) <= 60 else shown[:57] + "…"
            msg = (f"{path}: the manifest's {key!r} is {shown}, not {what}; it is damaged or was edited "
                   "by hand — rebuild with `linli build`, or use the manifest sent with the reports.")
            raise InputError(msg)
    return doc


def _is_date(value: Any) -> bool:
    try:
        dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return True


def _is_hashes(value: Any) -> bool:
    return isinstance(value, dict) and all(
        isinstance(k, str) and isinstance(v, str) and _SHA256.fullmatch(v) for k, v in value.items())


_SHA256 = re.compile(r"[0-9a-f]{64}")
#: Each field of a manifest, what it must be, and the test.
_FIELDS: tuple[tuple[str, str, Callable[[Any], bool]], ...] = (
    ("year", "a year (a whole number such as 2024)",
     lambda v: isinstance(v, int) and not isinstance(v, bool) and 1900 <= v <= 9999),
    ("as_of", "a date (YYYY-MM-DD)", _is_date),
    ("inputs", "a table of file names and their SHA-256 (64 hex digits)", _is_hashes),
    ("outputs", "a table of file names and their SHA-256 (64 hex digits)", _is_hashes),
    ("failed", "a list of unit ids", lambda v: isinstance(v, list) and all(isinstance(u, str) for u in v)),
)
