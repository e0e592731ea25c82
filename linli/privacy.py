"""Keep personal data inside ``data/raw/``.

Person identifiers (volunteer, social-worker and resident ids) are replaced on load
by a keyed hash (HMAC-SHA256, truncated to 16 hex digits, prefixed ``p``); PII
columns (names, phones, ID-card numbers, addresses) are dropped; free text that
reaches a message or a clean table is scrubbed of anything shaped like a phone,
ID-card or other identity number (:func:`redact`, :func:`has_personal_data`);
a value that must be mentioned but may be personal is shown as its kind, length
(in the reader's language) and a keyed hash (:func:`mask`); counts of fewer than ``config.SMALL_CELL``
persons are suppressed where a table shows people by compound.

Names cannot be recognised reliably, so free-text columns (``team``,
``provider``, ``category``, names of organisations and places) must not hold
names of people: linli masks phone and identity numbers in them, not names.

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
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import _hmac, config
from ._arrow import dictionary_codes
from .errors import ContractError

_PHONE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)")
_ID_NUMBER = re.compile(r"(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])|(?<!\d)\d{15}(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)0\d{2,3}-\d{7,8}(?!\d)")
# other identity-like numbers: passports (E/G + 8 digits), bank cards and any long digit run
_OTHER_ID = re.compile(r"(?<![\dA-Za-z])[EeGg]\d{8}(?![\dA-Za-z])|(?<!\d)\d{11,}(?!\d)")
_PATTERNS = (_ID_NUMBER, _PHONE, _LANDLINE, _OTHER_ID)
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


def _digests(values: list[bytes], key: bytes) -> np.ndarray:
    """The first 8 bytes of the HMAC-SHA256 of each of ``values`` (:func:`pseudonym` in
    hex), one row each (:func:`linli._hmac.hmac8`: a large batch is hashed by two processes).

    >>> "p" + _digests(["V0001".encode()], b"k")[0].tobytes().hex() == pseudonym("V0001", b"k")
    True
    """
    return np.frombuffer(_hmac.hmac8(values, key), dtype=np.uint8).reshape(-1, 8)


_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)


def _arrow(ids: pd.Series) -> pa.ChunkedArray:
    """``ids`` as Arrow text (non-strings via ``str``), without a copy when they are already."""
    cells = ids.astype("string").array.__arrow_array__()
    cells = cells if isinstance(cells, pa.ChunkedArray) else pa.chunked_array([cells])
    return cells.cast(pa.large_string())


def _hex(distinct: pa.Array, key: bytes) -> pa.Array:
    """The pseudonym (``p`` and 16 hex digits) of each of ``distinct`` (no missing value)."""
    digests = _digests(distinct.cast(pa.large_binary()).to_pylist(), key)
    text = np.empty((len(digests), 17), dtype=np.uint8)
    text[:, 0] = ord("p")
    text[:, 1::2], text[:, 2::2] = _HEX[digests >> 4], _HEX[digests & 15]
    offsets = np.arange(0, 17 * (len(text) + 1), 17, dtype=np.int64)  # every pseudonym is 17 bytes
    return pa.LargeStringArray.from_buffers(len(text), pa.py_buffer(offsets), pa.py_buffer(text))


def pseudonymise(
    ids: pd.Series, key: bytes, *, known: tuple[pd.Series, pd.Series] | None = None, unique: bool = False
) -> pd.Series:
    """Replace every identifier in ``ids`` by its keyed hash; missing stays missing.

    Each distinct identifier is hashed once; the digests are written out as
    ``p`` and 16 hex digits with array operations. ``known`` is a pair of aligned
    Series, identifiers and their pseudonyms computed before (a roster's, for the
    references to it): an identifier among them is looked up, not hashed again. With
    ``unique`` (a roster's own ids, which do not repeat), each is hashed as it comes,
    without first looking for repeats; the pseudonyms are the same.

    >>> pseudonymise(pd.Series(["V1", None, "V1"]), b"k").tolist() == [pseudonym("V1", b"k"), pd.NA,
    ...                                                                 pseudonym("V1", b"k")]
    True
    >>> roster = pd.Series(["V1", "V2"])
    >>> pseudonymise(pd.Series(["V2", "V3", None]), b"k", known=(roster, pseudonymise(roster, b"k"))).tolist() == [
    ...     pseudonym("V2", b"k"), pseudonym("V3", b"k"), pd.NA]
    True
    >>> pseudonymise(pd.Series(["V1", None, "V2"]), b"k", unique=True).tolist() == [
    ...     pseudonym("V1", b"k"), pd.NA, pseudonym("V2", b"k")]
    True
    """
    cells = _arrow(ids)
    if unique and known is None:
        valid = cells.is_valid().to_numpy(zero_copy_only=False)
        codes = np.full(len(cells), -1, dtype=np.int64)
        codes[valid] = np.arange(int(valid.sum()))
        hashed = _hex(cells.filter(pa.array(valid)) if not valid.all() else cells, key)
    elif known is None:
        codes, distinct = dictionary_codes(cells)
        hashed = _hex(distinct, key)
    else:
        return pseudonymise_references(ids, key, known)[0]
    taken = hashed.take(pa.array(codes, mask=codes < 0))  # code -1 (missing) stays missing
    return pd.Series(pd.arrays.ArrowStringArray(taken), index=ids.index, name=ids.name)


def pseudonymise_references(
    ids: pd.Series, key: bytes, roster: tuple[pd.Series, pd.Series]
) -> tuple[pd.Series, np.ndarray]:
    """:func:`pseudonymise` of references to a roster of persons, given as its ids and
    their pseudonyms (aligned Series): a reference to one of them takes its pseudonym,
    looked up; any other is hashed, each distinct one once. Also returns whether each
    reference is one of the roster's ids (missing ones are not).

    >>> roster = pd.Series(["V1", "V2"])
    >>> found, listed = pseudonymise_references(pd.Series(["V2", "V3", None]), b"k",
    ...                                         (roster, pseudonymise(roster, b"k")))
    >>> found.tolist() == [pseudonym("V2", b"k"), pseudonym("V3", b"k"), pd.NA], listed.tolist()
    (True, [True, False, False])
    """
    cells = _arrow(ids)
    typed, done = _arrow(roster[0]).combine_chunks(), _arrow(roster[1]).combine_chunks()
    codes = pc.fill_null(pc.index_in(cells, value_set=typed), -1).to_numpy().astype(np.int64, copy=False)
    listed = codes >= 0
    hashed = done
    new = np.flatnonzero(~listed)
    if len(new):  # not in the roster (or missing): each distinct one hashed once
        more, distinct = dictionary_codes(cells.take(pa.array(new)))
        codes[new] = np.where(more < 0, -1, len(typed) + more)
        hashed = pa.concat_arrays([hashed, _hex(distinct, key)])
    taken = hashed.take(pa.array(codes, mask=codes < 0))  # code -1 (missing) stays missing
    return pd.Series(pd.arrays.ArrowStringArray(taken), index=ids.index, name=ids.name), listed


def redact(text: str) -> str:
    """Mask anything in ``text`` shaped like a phone, an ID-card or another identity number.

    Mobile phones (with or without +86 and separators), landlines with an area
    code, 18- and 15-character ID-card numbers, passport numbers (E or G and 8
    digits) and any run of 11 or more digits (bank cards) become ``***``.

    >>> redact("call 13912345678 or 0734-8123456, id 430403199001011234")
    'call *** or ***, id ***'
    >>> redact("护照 E12345678, 卡号 6222021234567890123, 2024年3月")
    '护照 ***, 卡号 ***, 2024年3月'
    """
    for pattern in _PATTERNS:
        text = pattern.sub(REDACTED, text)
    return text


def has_personal_data(text: str) -> bool:
    """Whether ``text`` holds anything :func:`redact` would mask.

    >>> has_personal_data("巡逻队 13955556666"), has_personal_data("巡逻队 12人")
    (True, False)
    """
    return any(pattern.search(text) for pattern in _PATTERNS)


#: Every pattern of :data:`_PATTERNS` matches a run of four or more digits (``\\d`` in Python is
#: any Unicode decimal digit, as ``\\p{Nd}`` is in Arrow's RE2): text without one holds none.
_FOUR_DIGITS = r"\p{Nd}{4}"


def with_personal_data(text: pd.Series) -> set[str]:
    """The distinct values of ``text`` that hold anything :func:`redact` would mask.

    Only the values with a run of four digits (:data:`_FOUR_DIGITS`, one vectorised search
    over the distinct values) are searched one by one: a free-text column of a large
    ledger holds many distinct values and few numbers.

    >>> sorted(with_personal_data(pd.Series(["巡逻队 13955556666", "巡逻队 12人", "１３９５５５５６６６６", None])))
    ['巡逻队 13955556666', '１３９５５５５６６６６']
    """
    distinct = pc.unique(text.dropna().astype("string").array.__arrow_array__())
    maybe = distinct.filter(pc.match_substring_regex(distinct, _FOUR_DIGITS))
    return {v for v in maybe.to_pylist() if has_personal_data(v)}


#: The words of a mask in each language linli speaks (:func:`mask`): kind, then length.
_DIGITS = re.compile(r"[0-9 +\-]+")  # a value of this shape with a digit is masked as digits
MASK_WORDS: dict[str, dict[str, str]] = {
    "zh": {"text": "‹文字，{n} 字›", "digits": "‹数字，{n} 位›"},
    "en": {"text": "‹text, {n} {chars}›", "digits": "‹digits, {n} {chars}›"},  # 1 char, 2 chars
}


def mask(text: str, key: bytes, *, lang: str = "zh") -> str:
    """Stand-in for a value that may be personal: its kind, its length and a keyed hash.

    The kind is *digits* when the value holds only digits (with spaces, ``+``
    or ``-``), else *text*; kind and length are written in ``lang``, the
    language of the message the mask stands in (:data:`MASK_WORDS`:
    ``‹文字，3 字›``, ``‹数字，11 位›``; ``‹text, 3 chars›``, ``‹digits, 11 chars›``).
    The hash (8 hex digits of the HMAC of :func:`pseudonym`) is the same in every
    language: it tells equal values apart without revealing them, and the row
    number beside it lets a clerk find the cell.

    >>> m = mask("张小明", b"k")
    >>> m.startswith("‹文字，3 字› #") and len(m) == len("‹文字，3 字› #") + 8
    True
    >>> mask("13912345678", b"k", lang="en").startswith("‹digits, 11 chars›")
    True
    >>> mask("张小明", b"k", lang="en")[-9:] == m[-9:], mask("0", b"k", lang="en")[:-10]
    (True, '‹digits, 1 char›')
    """
    return masks([text], key, langs=(lang,))[lang][0]


def masks(texts: Sequence[str], key: bytes, *, langs: Sequence[str] = ("zh",)) -> dict[str, list[str]]:
    """:func:`mask` of each of ``texts`` in each language of ``langs``, the keyed hashes made
    once for all languages and all at once (:func:`_digests`: a ledger typed wrong throughout
    masks a value per row).

    >>> m = masks(["张小明", "13912345678"], b"k", langs=("zh", "en"))
    >>> [v[:-10] for v in m["zh"] + m["en"]], m["zh"][1][-8:] == m["en"][1][-8:]
    (['‹文字，3 字›', '‹数字，11 位›', '‹text, 3 chars›', '‹digits, 11 chars›'], True)
    """
    for lang in langs:
        if lang not in MASK_WORDS:
            msg = f"Unknown language {lang!r}; valid: {', '.join(MASK_WORDS)}."
            raise ContractError(msg)
    hexes = _digests([t.encode("utf-8") for t in texts], key)[:, :4].tobytes().hex()
    kinds = ["digits" if _DIGITS.fullmatch(t) and any(c.isdigit() for c in t) else "text" for t in texts]
    return {lang: [f"{MASK_WORDS[lang][kind].format(n=len(t), chars='char' if len(t) == 1 else 'chars')} "
                   f"#{hexes[8 * i:8 * i + 8]}"
                   for i, (t, kind) in enumerate(zip(texts, kinds, strict=True))] for lang in langs}


def suppress_small(counts: pd.Series, *, threshold: int | None = None) -> pd.Series:
    """Hide counts of persons below ``threshold`` (default ``config.SMALL_CELL``).

    >>> suppress_small(pd.Series([0, 3, 5, 12])).tolist()
    [0, <NA>, 5, 12]
    """
    limit = config.SMALL_CELL if threshold is None else threshold
    out = counts.astype("Int64")
    return out.mask((out > 0) & (out < limit))
