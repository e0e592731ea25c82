"""String columns as Arrow arrays: labels, ids and fake personal data.

Building strings column-wise in Arrow keeps millions of rows fast. Personal
values are fake by construction and match :data:`FAKE_PATTERNS`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

__all__ = [
    "FAKE_PATTERNS",
    "fake_addresses",
    "fake_id_numbers",
    "fake_names",
    "fake_phones",
    "ids",
    "join",
    "pad",
    "strings",
    "take",
]

#: Regular expressions that every generated personal value matches.
FAKE_PATTERNS: dict[str, str] = {
    "name": r"^测试姓名\d{5}$",
    "phone": r"^1990000\d{4}$",
    "id_number": r"^000000(19|20)\d{2}0101\d{3}[0-9X]$",
    "address": r"^测试地址\d{4}号$",
}


def strings(values: np.ndarray | list[str]) -> pa.Array:
    """A string array of ``values``."""
    return pa.array(values, type=pa.string())


def take(labels: Sequence[str], index: np.ndarray) -> pa.Array:
    """``labels[index]`` as a string array (fast for millions of rows).

    >>> take(("a", "b"), np.array([1, 1, 0])).to_pylist()
    ['b', 'b', 'a']
    """
    return pa.array(list(labels), type=pa.string()).take(pa.array(np.asarray(index, dtype=np.int64)))


def join(*parts: pa.Array | str) -> pa.Array:
    """Concatenate string arrays and scalars element-wise."""
    return pc.binary_join_element_wise(*parts, "")


def pad(numbers: np.ndarray, width: int) -> pa.Array:
    """Whole numbers as text, zero-padded to ``width``.

    >>> pad(np.array([7, 123]), 3).to_pylist()
    ['007', '123']
    """
    text = pc.cast(pa.array(np.asarray(numbers, dtype=np.int64)), pa.string())
    return pc.utf8_lpad(text, width=width, padding="0")


def ids(cids: pa.Array, letter: str, seq: np.ndarray, width: int, year: np.ndarray | None = None) -> pa.Array:
    """``<community>-<letter>[<year>-]<seq>``, e.g. ``renminlu-M2024-0012``.

    >>> ids(strings(["renminlu"]), "M", np.array([12]), 4, np.array([2024])).to_pylist()
    ['renminlu-M2024-0012']
    """
    if year is None:
        return join(cids, f"-{letter}", pad(seq, width))
    return join(cids, f"-{letter}", pad(year, 4), "-", pad(seq, width))


def fake_names(seq: np.ndarray) -> pa.Array:
    """``测试姓名`` and five digits."""
    return join("测试姓名", pad(seq % 100_000, 5))


def fake_phones(rng: np.random.Generator, size: int) -> pa.Array:
    """``1990000`` and four random digits."""
    return join("1990000", pad(rng.integers(0, 10_000, size), 4))


def fake_id_numbers(rng: np.random.Generator, birth_year: np.ndarray) -> pa.Array:
    """ID numbers in the non-existent region ``000000``, born on 1 January."""
    size = len(birth_year)
    check = take(list("0123456789X"), rng.integers(0, 11, size))
    return join("000000", pad(birth_year, 4), "0101", pad(rng.integers(0, 1000, size), 3), check)


def fake_addresses(rng: np.random.Generator, size: int) -> pa.Array:
    """``测试地址``, four random digits and ``号``."""
    return join("测试地址", pad(rng.integers(0, 10_000, size), 4), "号")
