"""What a build's results depend on, known before anything is loaded.

:func:`fingerprint` returns the SHA-256 of a build's inputs: every file of the data
folder (its name and the SHA-256 of its bytes), the options that change the results
(``year``, ``as_of``; today's date when neither the option nor ``dataset.yaml``
gives an as-of date), the pseudonymisation key (as a keyed hash, never the key),
linli's version and the bytes of its code. A file's SHA-256 is taken again only
when its size or modification time changed since the last build (:class:`Inputs`
keeps them), so checking a province's ledgers costs one ``stat`` per file.

``linli build`` records the fingerprint beside its output (:func:`save_record`,
``OUT/.cache/inputs-<request>.json``, with each year it built and the hand-off it made
for that year); when the next build of the same request finds the same fingerprint and
every one of those hand-offs in place (:func:`load_record`), it loads and computes
nothing and goes straight to the reports, whose own cache skips every unit that is up
to date.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import __version__
from .manifest import file_sha256
from .pipeline import code_fingerprint, hash_part

logger = logging.getLogger(__name__)

__all__ = ["RECORD_DIR", "Inputs", "fingerprint", "load_record", "save_record"]

#: Folder under the output root that holds the records (shared with the report cache).
RECORD_DIR: str = ".cache"


@dataclass(frozen=True)
class Inputs:
    """The inputs of one build: its fingerprint and, per data file, ``(size, mtime_ns, sha256)``."""

    fingerprint: str
    files: dict[str, tuple[int, int, str]] = field(default_factory=dict)


def _files(data_dir: Path, known: dict[str, tuple[int, int, str]]) -> dict[str, tuple[int, int, str]]:
    """Every file under ``data_dir``: size, mtime and SHA-256 (reused from ``known`` when unchanged)."""
    found: dict[str, tuple[int, int, str]] = {}
    for path in sorted(p for p in data_dir.rglob("*") if p.is_file()):
        name = path.relative_to(data_dir).as_posix()
        st = path.stat()
        before = known.get(name)
        if before is not None and tuple(before[:2]) == (st.st_size, st.st_mtime_ns):
            found[name] = (st.st_size, st.st_mtime_ns, str(before[2]))
        else:
            found[name] = (st.st_size, st.st_mtime_ns, file_sha256(path))
    return found


def fingerprint(
    data_dir: Path,
    *,
    year: int | None,
    as_of: Any,
    key: bytes,
    known: Inputs | None = None,
) -> Inputs:
    """Return the fingerprint of a build of ``data_dir`` (see the module docstring).

    Parameters
    ----------
    data_dir
        The raw ledgers.
    year, as_of
        The build's options (None when not given).
    key
        The pseudonymisation key (:func:`linli.privacy.load_key`): person ids are keyed
        hashes, so another key gives other results.
    known
        The inputs of the last build: files whose size and modification time are
        unchanged keep their SHA-256.
    """
    from .dataset import read_meta
    from .privacy import pseudonym

    files = _files(data_dir, known.files if known is not None else {})
    h = hashlib.sha256()
    for name, (_, _, digest) in files.items():
        hash_part(h, "file", name.encode("utf-8") + b"\0" + digest.encode("ascii"))
    when = as_of if as_of is not None else read_meta(data_dir).get("as_of") or f"today {dt.date.today()}"
    options = {"year": year, "as_of": str(when), "key": pseudonym("linli build inputs", key)}
    hash_part(h, "options", json.dumps(options, sort_keys=True).encode("utf-8"))
    hash_part(h, "version", __version__.encode("utf-8"))
    hash_part(h, "code", code_fingerprint().encode("ascii"))
    return Inputs(h.hexdigest(), files)


def _record_path(out_root: Path, data_dir: Path, *, year: Any, as_of: Any) -> Path:
    """One record per request: the data folder and the options that pick the results
    (``year`` as asked: None, a year, or the text of ``--year``, e.g. ``2022-2024``)."""
    request = json.dumps([str(data_dir.resolve()), year, None if as_of is None else str(as_of)])
    return out_root / RECORD_DIR / f"inputs-{hashlib.sha256(request.encode('utf-8')).hexdigest()[:16]}.json"


def load_record(out_root: Path, data_dir: Path, *, year: Any, as_of: Any) -> tuple[Inputs, dict[int, str]] | None:
    """The inputs of the last build of this request and what it built: ``{year: fingerprint
    of that year's hand-off}``; None when there is none or it cannot be read."""
    path = _record_path(out_root, data_dir, year=year, as_of=as_of)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        files = {str(k): (int(v[0]), int(v[1]), str(v[2])) for k, v in doc["files"].items()}
        built = {int(y): str(fp) for y, fp in doc["built"].items()}
    except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError):
        return None
    return (Inputs(str(doc["inputs"]), files), built) if built else None


def save_record(
    out_root: Path, data_dir: Path, inputs: Inputs, *, year: Any, as_of: Any, built: dict[int, str]
) -> Path:
    """Record ``inputs`` for the next build of the same request, with what it built: the
    fingerprint of each year's hand-off (written whole, by a rename)."""
    path = _record_path(out_root, data_dir, year=year, as_of=as_of)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = {"inputs": inputs.fingerprint, "built": {str(y): fp for y, fp in sorted(built.items())},
           "files": {k: list(v) for k, v in inputs.files.items()}}
    part = path.with_name(f".{path.name}.{os.getpid()}.part")
    part.write_text(json.dumps(doc, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(part, path)
    return path
