"""Arrow helpers shared by the cleaning (:mod:`linli.parse`) and the pseudonymising
(:mod:`linli.privacy`) of large text columns."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["dictionary_codes"]


def dictionary_codes(cells: pa.ChunkedArray) -> tuple[np.ndarray, pa.Array]:
    """``(codes, distinct)``: ``cells`` is ``distinct`` taken at ``codes``, -1 where missing.

    ``distinct`` is in order of first appearance, as :func:`pandas.factorize`'s uniques
    are. Arrow encodes a column of many chunks into one dictionary that every chunk
    shares: the chunks' codes are joined as they are, as 4-byte integers (chunks with
    dictionaries of their own are unified first).

    >>> codes, distinct = dictionary_codes(pa.chunked_array([["b", None], ["a", "b"]]))
    >>> codes.tolist(), distinct.to_pylist()
    ([0, -1, 1, 0], ['b', 'a'])
    """
    encoded = cells.dictionary_encode()
    if encoded.num_chunks == 0:
        return np.zeros(0, dtype=np.int32), pa.array([], type=cells.type)
    first = encoded.chunk(0).dictionary
    shared = [b.address if b is not None else None for b in first.buffers()]
    if any([b.address if b is not None else None for b in chunk.dictionary.buffers()] != shared
           for chunk in encoded.chunks[1:]):
        encoded = encoded.unify_dictionaries()
        first = encoded.chunk(0).dictionary
    indices = pa.chunked_array([chunk.indices for chunk in encoded.chunks], type=encoded.type.index_type)
    return pc.fill_null(indices, -1).to_numpy(), first
