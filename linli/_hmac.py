"""HMAC-SHA256 of many short identifiers, the first 8 bytes of each (:func:`hmac8`).

Hashing an identifier of a dozen bytes is a few calls of the hash's C code, but each is
made from Python, holding the interpreter: a province's few million ids are seconds
that no thread can share. A large batch is therefore split in two, and one half is
hashed by a helper process (this file's own code, run by the same interpreter with no
site packages) while this process hashes the other. The digests are the same either
way; when the helper cannot be started or does not answer in full, this process hashes
its half too.

This module imports nothing but the standard library, so that the helper starts in
milliseconds.
"""

from __future__ import annotations

import hashlib
import importlib
import struct
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from itertools import accumulate
from pathlib import Path

#: Ids below which a batch is hashed here only (starting the helper costs some 20 ms).
SPLIT = 200_000
_HEADER = struct.Struct("<QQ")  # ids, bytes of ids
_BLOCK = 64  # SHA-256's block


def _sha256() -> Callable[[bytes], object]:
    """CPython's own SHA-256 (``_sha2``, ``_sha256`` before 3.12) where it has one, else
    :func:`hashlib.sha256`: the same digests, but copying a state and taking a digest of a
    few bytes cost a quarter and four fifths of OpenSSL's, whose every call goes through
    its provider machinery; for ids of a dozen bytes that is what hashing costs."""
    for name in ("_sha2", "_sha256"):
        try:
            return importlib.import_module(name).sha256
        except (ImportError, AttributeError):
            continue
    return hashlib.sha256


def key_blocks(key: bytes) -> tuple[bytes, bytes]:
    """The HMAC's two key blocks: K' ^ ipad and K' ^ opad, K' the key padded to the block
    (hashed first when longer)."""
    padded = (hashlib.sha256(key).digest() if len(key) > _BLOCK else key).ljust(_BLOCK, b"\0")
    return bytes(b ^ 0x36 for b in padded), bytes(b ^ 0x5C for b in padded)


def digests8(values: Sequence[bytes], inner_block: bytes, outer_block: bytes) -> bytes:
    """The first 8 bytes of HMAC-SHA256 of each of ``values``, joined, in this process.

    HMAC(K, m) = H((K' ^ opad) || H((K' ^ ipad) || m)): the states after the two key
    blocks are the same for every identifier, so they are computed once and copied,
    which halves the cost of a million ids.

    >>> import hmac
    >>> inner, outer = key_blocks(b"k")
    >>> digests8([b"V1", b"V2"], inner, outer) == b"".join(
    ...     hmac.new(b"k", v, hashlib.sha256).digest()[:8] for v in (b"V1", b"V2"))
    True
    """
    sha = _sha256()
    inner_copy, outer_copy = sha(inner_block).copy, sha(outer_block).copy
    out: list[bytes] = []
    keep = out.append
    for value in values:  # the loop's body is all the Python there is per id
        inner = inner_copy()
        inner.update(value)
        outer = outer_copy()
        outer.update(inner.digest())
        keep(outer.digest()[:8])
    return b"".join(out)


def hmac8(values: Sequence[bytes], key: bytes) -> bytes:
    """The first 8 bytes of HMAC-SHA256(``key``, value) of each of ``values``, joined in order;
    a batch of :data:`SPLIT` or more is hashed half here, half by a helper process.

    >>> import hmac
    >>> hmac8([b"V1"], b"k") == hmac.new(b"k", b"V1", hashlib.sha256).digest()[:8]
    True
    """
    inner, outer = key_blocks(key)
    if len(values) < SPLIT or not sys.executable:
        return digests8(values, inner, outer)
    half = len(values) // 2
    theirs = values[half:]
    try:
        helper = subprocess.Popen(  # this interpreter, running this very file
            [sys.executable, "-I", "-S", "-c", Path(__file__).read_text(encoding="utf-8")],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        )
    except OSError:
        return digests8(values, inner, outer)
    data = b"".join(theirs)
    lengths = struct.pack(f"<{len(theirs)}I", *map(len, theirs))
    payload = b"".join((_HEADER.pack(len(theirs), len(data)), inner, outer, lengths, data))
    with helper:  # its pipes closed and the process waited for, whatever happens
        sender = threading.Thread(target=_send, args=(helper, payload), daemon=True)
        sender.start()  # the pipe takes 64 KiB at a time: written while this process hashes its half
        mine = digests8(values[:half], inner, outer)
        answer = helper.stdout.read() if helper.stdout is not None else b""
        sender.join()
    if helper.returncode != 0 or len(answer) != 8 * len(theirs):
        answer = digests8(theirs, inner, outer)
    return mine + answer


def _send(helper: subprocess.Popen[bytes], payload: bytes) -> None:
    if helper.stdin is None:
        return
    try:
        helper.stdin.write(payload)
    except OSError:  # the helper died: its half is hashed here (hmac8)
        pass
    finally:
        try:
            helper.stdin.close()  # closed even when what it still buffers cannot be flushed
        except OSError:
            pass


def _exactly(stream: object, size: int) -> bytes:
    chunks, left = [], size
    while left:
        chunk = stream.read(left)  # type: ignore[attr-defined]
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _serve() -> None:
    """The helper: the batch on standard input, its digests on standard output."""
    source, sink = sys.stdin.buffer, sys.stdout.buffer
    count, size = _HEADER.unpack(_exactly(source, _HEADER.size))
    inner, outer = _exactly(source, _BLOCK), _exactly(source, _BLOCK)
    lengths = struct.unpack(f"<{count}I", _exactly(source, 4 * count))
    data = _exactly(source, size)
    ends = list(accumulate(lengths))
    values = [data[end - length:end] for end, length in zip(ends, lengths, strict=True)]
    sink.write(digests8(values, inner, outer))
    sink.flush()


if __name__ == "__main__":
    _serve()
