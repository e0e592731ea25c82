"""Keep personal data inside ``data/raw/``.

Person identifiers (volunteer, social-worker and resident ids) are replaced on load
by a keyed hash (HMAC-SHA256, truncated to 16 hex digits, prefixed ``p``); PII
columns (names, phones, ID-card numbers, addresses) are dropped; free text that
reaches a message is scrubbed of anything shaped like a phone or ID-card number;
counts of fewer than ``config.SMALL_CELL`` persons are suppressed where a table
shows people by compound.

The key comes from the ``LINLI_KEY`` environment variable or, failing that, from
``data/.linli_key`` — created once with a random value and git-ignored. The same
key gives the same pseudonyms, so ids stay linkable across tables and years; the
indicators never depend on the pseudonyms' values, so they are identical under
any key.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path

import pandas as pd

from . import config

_PHONE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)")
_ID_NUMBER = re.compile(r"(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])|(?<!\d)\d{15}(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)0\d{2,3}-\d{7,8}(?!\d)")
REDACTED = "***"


def load_key(*, key_file: Path | None = None) -> bytes:
    """Return the pseudonymisation key, creating the key file on first use.

    Parameters
    ----------
    key_file
        Where the key is kept when ``$LINLI_KEY`` is not set
        (default ``config.KEY_FILE``).
    """
    env = os.environ.get(config.SALT_ENV)
    if env:
        return env.encode("utf-8")
    path = key_file or config.KEY_FILE
    if path.exists():
        return path.read_text(encoding="utf-8").strip().encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(key + "\n")
    return key.encode("utf-8")


def pseudonym(value: str, key: bytes) -> str:
    """Return the keyed hash of one identifier.

    >>> p = pseudonym("V0001", b"k")
    >>> p.startswith("p"), len(p), p == pseudonym("V0001", b"k") != pseudonym("V0001", b"x")
    (True, 17, True)
    """
    digest = hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()
    return "p" + digest[:16]


def pseudonymise(ids: pd.Series, key: bytes) -> pd.Series:
    """Replace every identifier in ``ids`` by its keyed hash; missing stays missing."""
    uniques = ids.dropna().unique()
    mapping = {v: pseudonym(str(v), key) for v in uniques}
    return ids.map(mapping).astype("string")


def redact(text: str) -> str:
    """Mask anything in ``text`` shaped like a phone or an ID-card number.

    >>> redact("call 13912345678 or 0734-8123456, id 430403199001011234")
    'call *** or ***, id ***'
    """
    for pattern in (_ID_NUMBER, _PHONE, _LANDLINE):
        text = pattern.sub(REDACTED, text)
    return text


def suppress_small(counts: pd.Series, *, threshold: int | None = None) -> pd.Series:
    """Hide counts of persons below ``threshold`` (default ``config.SMALL_CELL``).

    >>> suppress_small(pd.Series([0, 3, 5, 12])).tolist()
    [0, <NA>, 5, 12]
    """
    limit = config.SMALL_CELL if threshold is None else threshold
    out = counts.astype("Int64")
    return out.mask((out > 0) & (out < limit))
