"""Read a delimited text file (CSV): the encoding detected line by line, the separator found."""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, BinaryIO

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from .. import contract
from ..errors import InputError
from ..parse import is_blank
from .cells import (
    MAX_CELL_CHARS,
    TITLE_ROWS,
    RawTable,
    column_letter,
    fold,
    frame_from_grid,
    header_lookup,
    no_issues,
    read_bytes,
)

log = logging.getLogger(__name__)

_DELIMITERS = (",", "\t", ";")  # comma first: it wins a tie
_DELIMITER_NAMES = {",": "commas", "\t": "tabs", ";": "semicolons"}
_UTF8_BOM = b"\xef\xbb\xbf"


def read_csv(path: Path, table: contract.Table, *, shown: str) -> RawTable:
    """Read a CSV file: decode, find the separator, parse, check for swallowed rows.

    A file in UTF-8 whose records all have as many cells as its first, with no
    blank line and no cell spanning lines, is parsed by pyarrow straight from the
    file into Arrow strings (:func:`_fast_grid`), never held whole in memory; such a
    file in GBK is parsed so too, transcoded to UTF-8 as pyarrow reads it
    (:class:`_GbkAsUtf8`); such a file in UTF-16 is decoded, and its text parsed so in
    UTF-8; any other file takes the general path, which gives the same cells for such
    a file.
    """
    lookup = header_lookup(table)
    head = read_bytes(path, shown, size=_HEAD_BYTES)
    # UTF-8 first; then GBK, which gives up at the first chunk holding a line in UTF-8
    fast = _fast_grid(path, head, lookup) or _fast_grid(path, head, lookup, encoding="gb18030")
    foreign: dict[int, str] = {}
    if fast is not None:
        grid, delimiter, encoding = fast
    else:
        text, encoding, foreign = _decode(read_bytes(path, shown), shown)
        # a plain file in UTF-16: its text, in UTF-8, parsed as a plain UTF-8 file is
        fast = _fast_grid_of_text(text, lookup) if encoding == "utf-16" else None
        if fast is not None:
            grid, delimiter, _ = fast
            text = ""  # its cells are in the grid: let the text go
        else:
            delimiter = _sniff_delimiter(text, lookup)
            grid = _parse_csv(text, delimiter, shown=shown)
            _check_long_cells(grid, text, delimiter, shown=shown)
    frame, rows, unknown, header_row, mapping, totals, typed = frame_from_grid(grid, table, shown=shown)
    issues = _foreign_line_issues(text, delimiter, rows, foreign) if foreign else no_issues()
    found = [part for part in (totals, _extra_cells(grid, header_row, mapping, rows)) if len(part)]
    if found:
        issues = pd.concat([issues, *found], ignore_index=True)
    return RawTable(table=table.name, file=shown, frame=frame, rows=rows, unknown_columns=unknown,
                    encoding=encoding, header_row=header_row, row_issues=issues, delimiter=delimiter,
                    header_cells={shown: typed})


_ENCODING_NAMES = {"utf-8": "UTF-8", "gb18030": "GBK/GB18030"}


def _line_encoding(line: bytes) -> str | None:
    """``ascii``, ``utf-8`` or ``gb18030``: the encoding one line decodes in (None: neither)."""
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return "ascii" if line.isascii() else "utf-8"
    try:
        line.decode("gb18030")
    except UnicodeDecodeError:
        return None
    return "gb18030"


def _is_utf8_line(line: bytes) -> bool:
    """Whether ``line`` is in UTF-8 and not ASCII: :func:`_line_encoding` is ``utf-8``.

    Decoding with replacement characters costs no exception for the many lines that are
    not UTF-8 (a GBK file's); only a line that holds a replacement character of its own
    (``EF BF BD``) is decoded strictly.

    >>> _is_utf8_line("人民路".encode()), _is_utf8_line("人民路".encode("gbk")), _is_utf8_line(b"renmin")
    (True, False, False)
    >>> _is_utf8_line("a\\ufffd".encode()), _is_utf8_line("a\\ufffd".encode() + b"\\xff")
    (True, False)
    """
    if line.isascii():
        return False
    if "\ufffd" not in line.decode("utf-8", "replace"):
        return True
    return b"\xef\xbf\xbd" in line and _line_encoding(line) == "utf-8"


class _NotGbk(ValueError):
    """A line of a file read as GBK (:class:`_GbkAsUtf8`) is in UTF-8, or in neither."""


class _GbkAsUtf8(io.RawIOBase):
    """A file in GBK/GB18030 read as UTF-8: transcoded :data:`_CHUNK_BYTES` at a time, as
    its reader (pyarrow's CSV parser) asks for bytes.

    Each chunk is cut after a line feed, and must decode in GB18030 with no line in
    UTF-8, else :class:`_NotGbk` is raised: :func:`_decode` would find such a file
    ``gb18030`` with no line in another encoding. (A chunk decodes in GB18030 if and
    only if each of its lines does: neither a line feed nor a carriage return can be
    part of a GB18030 character.) Neither the file's bytes, nor its lines, nor its text
    are ever held whole: a GBK ledger of a gigabyte is 1.7 GB as Python text, more as a
    list of lines. :attr:`not_ascii` tells, at the end, whether any line was not ASCII.
    Quotes, line feeds and carriage returns are the same bytes in both encodings, so
    they can be counted in the file itself.
    """

    def __init__(self, handle: BinaryIO) -> None:
        super().__init__()
        self._handle, self._rest, self._out = handle, b"", memoryview(b"")
        self.not_ascii = False

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        self._handle.close()
        super().close()

    def readinto(self, buffer: Any) -> int:
        while not self._out:
            block = self._handle.read(_CHUNK_BYTES)
            if not block and not self._rest:
                return 0
            data = self._rest + block
            cut = len(data) if not block else data.rfind(b"\n") + 1
            chunk, self._rest = data[:cut], data[cut:]
            self._out = memoryview(self._utf8(chunk))
        n = min(len(buffer), len(self._out))
        buffer[:n] = self._out[:n]
        self._out = self._out[n:]
        return n

    def _utf8(self, chunk: bytes) -> bytes:
        if chunk.isascii():
            return chunk
        try:
            text = chunk.decode("gb18030")
        except UnicodeDecodeError:
            raise _NotGbk from None
        if any(_is_utf8_line(line) for line in chunk.splitlines()):
            raise _NotGbk
        self.not_ascii = True
        return text.encode("utf-8")


def _looks_utf16(data: bytes) -> bool:
    """Whether ``data`` looks like UTF-16 text without a byte-order mark (zero bytes at one parity)."""
    sample = data[:4000]
    zeros = [i % 2 for i, b in enumerate(sample) if b == 0]
    if len(zeros) < max(4, len(sample) // 20):
        return False
    return max(zeros.count(0), zeros.count(1)) >= 0.9 * len(zeros)


def _decode(data: bytes, shown: str) -> tuple[str, str, dict[int, str]]:
    """Return ``(text, encoding, foreign lines)``, the encoding detected from the bytes.

    A file that is not UTF-8 throughout is decoded line by line: a file in GBK with
    lines appended in UTF-8 (or the other way round) keeps the encoding of most of
    its lines, and the others are returned as ``{physical line: encoding name}`` so
    that their rows can be quarantined.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16", {}
        except UnicodeDecodeError:
            msg = f"{shown}: starts with a UTF-16 byte-order mark but is not valid UTF-16; save it as UTF-8 CSV."
            raise InputError(msg) from None
    if _looks_utf16(data):
        msg = (f"{shown}: looks like UTF-16 text without a byte-order mark (every other byte is zero); "
               "save it as UTF-8 CSV (in Excel: “CSV UTF-8”).")
        raise InputError(msg)
    bom = data.startswith(_UTF8_BOM)
    body = data[len(_UTF8_BOM):] if bom else data
    try:
        return body.decode("utf-8"), "utf-8-sig" if bom else "utf-8", {}
    except UnicodeDecodeError:
        pass
    lines = body.splitlines(keepends=True)
    kinds = [_line_encoding(line) for line in lines]
    if None in kinds:
        msg = (f"{shown}: cannot decode line {kinds.index(None) + 1} as UTF-8 or GBK/GB18030; "
               "save the file as UTF-8 CSV.")
        raise InputError(msg)
    n_utf8, n_gbk = kinds.count("utf-8"), kinds.count("gb18030")
    if n_utf8 == 0:
        if bom:
            msg = (f"{shown}: starts with a UTF-8 byte-order mark (BOM), but its text is GBK; save it "
                   "again as UTF-8 (in Excel: “CSV UTF-8”), or as GBK without the mark.")
            raise InputError(msg)
        return body.decode("gb18030"), "gb18030", {}
    first = next(k for k in kinds if k != "ascii")
    if bom or n_utf8 > n_gbk or (n_utf8 == n_gbk and first == "utf-8"):
        main, other = "utf-8", "gb18030"
    else:
        main, other = "gb18030", "utf-8"
    text = "".join(line.decode("utf-8" if kind == "ascii" else str(kind)) for line, kind in zip(lines, kinds, strict=True))
    foreign = {i + 1: _ENCODING_NAMES[other] for i, kind in enumerate(kinds) if kind == other}
    log.warning("%s: %s in %s, the rest in %s; their rows are quarantined",
                shown, "1 line is" if len(foreign) == 1 else f"{len(foreign):,} lines are", _ENCODING_NAMES[other], _ENCODING_NAMES[main])
    return text, f"{main}+{other}", foreign


def _sniff_delimiter(text: str, lookup: dict[str, str]) -> str:
    """The separator (comma, tab or semicolon) whose cells name the most columns in a header.

    The first ten non-blank lines are tried; without any column named, tab when the
    first line holding a comma or a tab has tabs and no comma, else comma.
    """
    lines: list[str] = []
    for line in io.StringIO(text, newline=""):
        if line.strip():
            lines.append(line.rstrip("\r\n"))
        if len(lines) > TITLE_ROWS:
            break
    best, best_hits = ",", 0
    for delimiter in _DELIMITERS:
        hits = max((sum(fold(cell.strip().strip('"')) in lookup for cell in line.split(delimiter))
                    for line in lines), default=0)
        if hits > best_hits:
            best, best_hits = delimiter, hits
    if best_hits:
        if best != ",":
            log.info("cells are separated by %s", _DELIMITER_NAMES[best])
        return best
    for line in lines:
        if "," in line or "\t" in line:
            return "\t" if "," not in line else ","
    return ","


#: Bytes of a file read to find its separator and width before pyarrow parses it.
_HEAD_BYTES = 1 << 16
_CHUNK_BYTES = 1 << 24
#: Bytes pyarrow parses as one block (its default is 1 MiB): a block is a chunk of every
#: column, and each chunk of a column costs the column checks a call of their own
#: (:func:`linli.parse.is_blank` …): a gigabyte's thousand chunks cost more than its
#: sixty-four, which still keep both cores parsing.
_BLOCK = 1 << 24


def _fast_grid_of_text(text: str, lookup: dict[str, str]) -> tuple[pd.DataFrame, str, str] | None:
    """:func:`_fast_grid` of a file's decoded ``text``, written in UTF-8 (a UTF-16 file's):
    the cells as Arrow strings, not as Python strings (some 60 bytes more a cell) as the general
    path holds them, for the same cells."""
    data = text.encode("utf-8")
    return _fast_grid(data, data[:_HEAD_BYTES], lookup)


def _fast_grid(
    path: Path | bytes, head_bytes: bytes, lookup: dict[str, str], *, encoding: str = "utf-8"
) -> tuple[pd.DataFrame, str, str] | None:
    """``(grid, separator, encoding)`` of a plain UTF-8 CSV file parsed by pyarrow, else None.
    ``path``: the file, or its bytes. With ``encoding="gb18030"``, a plain file in GBK
    (without BOM), transcoded as it is read (:class:`_GbkAsUtf8`).

    Plain: UTF-8 (with or without BOM), a separator found in its first lines (in
    ``head_bytes``, the file's first bytes), every record as wide as the first one,
    no blank line (pyarrow would drop it, and the row numbers with it) and no cell
    spanning lines (one record per line, quotes paired). The cells are Arrow strings,
    ``""`` for an empty one, exactly as :func:`_parse_csv` reads the same file. None
    sends the file to the general path.

    The cells stay in Arrow's ``string`` type (offsets of 4 bytes a cell), not the
    ``large_string`` (8 bytes) of pandas' ``string`` dtype: a ledger of ten million rows
    and seven columns is 0.3 GB smaller while it waits to be checked, and each column
    takes the wider offsets (sharing its characters) only when it is cleaned.
    """
    if head_bytes.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(head_bytes):
        return None
    whole = len(head_bytes) < _HEAD_BYTES  # the head is the whole file
    bom = head_bytes.startswith(_UTF8_BOM)
    if bom and encoding != "utf-8":
        return None  # _decode explains a BOM on GBK text
    head_bytes = head_bytes[len(_UTF8_BOM):] if bom else head_bytes
    if not whole:
        head_bytes = head_bytes[: head_bytes.rfind(b"\n") + 1]
    try:
        head = head_bytes.decode(encoding)
    except UnicodeDecodeError:
        return None
    lines = [line for line in head.splitlines() if line.strip()]
    if not lines or (not whole and len(lines) <= TITLE_ROWS):
        return None
    delimiter = _sniff_delimiter(head, lookup)
    try:
        width = len(next(csv.reader(io.StringIO(head, newline=""), delimiter=delimiter)))
    except (csv.Error, StopIteration):
        return None
    if width < 2:
        return None
    quotes = _count_quotes(path)
    names = [f"f{i}" for i in range(width)]
    gbk: _GbkAsUtf8 | None = None
    try:
        if encoding == "utf-8":
            source = pa.BufferReader(path) if isinstance(path, bytes) else pa.OSFile(str(path))
        else:
            source = pa.PythonFile(gbk := _GbkAsUtf8(Path(path).open("rb")), mode="r")
        with source:
            if bom:
                source.seek(len(_UTF8_BOM))
            table = pacsv.read_csv(
                source,
                read_options=pacsv.ReadOptions(column_names=names, use_threads=True, block_size=_BLOCK),
                parse_options=pacsv.ParseOptions(delimiter=delimiter, quote_char='"', double_quote=True,
                                                 escape_char=False, newlines_in_values=quotes > 0,
                                                 ignore_empty_lines=False),
                convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()),
                                                     strings_can_be_null=False,
                                                     quoted_strings_can_be_null=False, check_utf8=True),
                memory_pool=_reading_pool(),
            )
    except (OSError, pa.ArrowInvalid, pa.ArrowNotImplementedError, _NotGbk):
        return None
    if gbk is not None and not gbk.not_ascii:
        return None  # ASCII throughout: a UTF-8 file
    # Without quotes every line is a record (a blank one would have failed the width);
    # with quotes, fewer records than lines means a cell spans lines.
    if quotes and (quotes % 2 or table.num_rows < _count_lines(path)):
        return None  # the general path checks such a cell for rows swallowed by a quote
    grid = table.to_pandas(types_mapper={pa.string(): pd.ArrowDtype(pa.string())}.get)
    grid.columns = range(width)
    grid.index = pd.RangeIndex(1, len(grid) + 1)
    return grid, delimiter, encoding + ("-sig" if bom else "")


def _reading_pool() -> pa.MemoryPool:
    """The memory pool pyarrow parses a CSV file into: jemalloc where pyarrow has it.

    pyarrow parses in its worker threads. With its default pool (mimalloc) each thread
    keeps the memory it freed (the parser's blocks) for itself, until it next allocates:
    some 0.4 GB at 2,000 communities, held through the whole load. jemalloc gives freed
    memory back to all threads and to the system. The cells themselves are the same
    from either pool.
    """
    try:
        return pa.jemalloc_memory_pool()
    except NotImplementedError:  # a pyarrow built without jemalloc (e.g. on Windows)
        return pa.default_memory_pool()


def _chunks(path: Path | bytes) -> Iterator[bytes]:
    """The file ``path`` (or the bytes ``path``) :data:`_CHUNK_BYTES` at a time."""
    if isinstance(path, bytes):
        yield path
        return
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK_BYTES):
            yield chunk


def _count_quotes(path: Path | bytes) -> int:
    """The file's double quotes, read in chunks (0 at the cost of one search when there is none)."""
    return sum(chunk.count(b'"') for chunk in _chunks(path) if b'"' in chunk)


def _count_lines(path: Path | bytes) -> int:
    """The file's lines, as :func:`_check_long_cells` counts them."""
    newlines = returns = 0
    last = b""
    for chunk in _chunks(path):
        newlines += chunk.count(b"\n")
        returns += chunk.count(b"\r")
        last = chunk[-1:]
    return (newlines or returns) + (0 if last in (b"\n", b"\r") else 1)


def _parse_csv(text: str, delimiter: str, *, shown: str) -> pd.DataFrame:
    """Return a CSV text's cells by position, indexed by record number (1-based)."""
    try:
        # fast path: the C parser, when the first line is the widest
        grid = pd.read_csv(io.StringIO(text, newline=""), sep=delimiter, header=None,
                           dtype=object, keep_default_na=False, skip_blank_lines=False,
                           engine="c")
    except (pd.errors.ParserError, pd.errors.EmptyDataError):
        # a row longer than the first, a blank first line or a quote left open: the general path
        try:
            records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        except csv.Error as exc:
            msg = f"{shown}: not a readable CSV file ({exc})."
            raise InputError(msg) from None
        grid = grid_from_records(records)
    grid = grid.astype(object)
    grid = grid.where(grid.notna(), None)
    grid.columns = range(grid.shape[1])
    grid.index = pd.RangeIndex(1, len(grid) + 1)
    return grid


def _record_lines(text: str, delimiter: str) -> list[tuple[int, int]]:
    """The first and last physical line (1-based) of each CSV record."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    spans: list[tuple[int, int]] = []
    last = 0
    try:
        for _ in reader:
            spans.append((last + 1, reader.line_num))
            last = reader.line_num
    except csv.Error:
        pass
    return spans


def _check_long_cells(grid: pd.DataFrame, text: str, delimiter: str, *, shown: str) -> None:
    """Refuse a file in which a quote left open made one cell of many lines.

    A cell may legitimately span lines and hold the separator (an address typed with
    Alt+Enter in Excel: ``"人民路12号,\n3栋"``). What a stray quote does instead is
    swallow whole records, so a cell that spans lines is taken for rows swallowed
    when one of its later lines looks like a record — it holds at least
    ``width - 2`` separators, ``width`` being the file's number of columns — or when
    it is longer than :data:`MAX_CELL_CHARS`, or when the file's quotes do not pair
    up and the cell holds the separator (a quote left open to the end of the file).
    The message names the physical line where the quote opens.
    """
    lines = (text.count("\n") or text.count("\r")) + (0 if text.endswith(("\n", "\r")) else 1)
    unpaired = text.count('"') % 2 == 1
    if len(grid) >= lines and not unpaired:
        return  # one record per line and every quote closed: no cell spans lines
    record_like = max(1, grid.shape[1] - 2)
    suspects: list[int] = []
    for column in grid.columns:  # a few columns, each searched at once
        cells = grid[column].astype("string")
        spans_lines = (cells.str.contains("\n", regex=False) | cells.str.contains("\r", regex=False)).fillna(False)
        if not spans_lines.any():
            continue
        multi = cells[spans_lines.to_numpy(dtype=bool)]
        later = multi.str.replace("\r\n", "\n", regex=False).str.replace("\r", "\n", regex=False) \
            .str.split("\n", n=1).str[1].fillna("")
        rows_inside = later.map(lambda rest: any(line.count(delimiter) >= record_like for line in rest.split("\n")))
        bad = (rows_inside.astype(bool) | (multi.str.len() > MAX_CELL_CHARS)).fillna(False)
        if unpaired:
            bad |= multi.str.contains(delimiter, regex=False).fillna(False)
        if bad.any():
            suspects.append(int(multi.index[bad.to_numpy(dtype=bool)].min()))
    if not suspects:
        return
    record = min(suspects)
    spans = _record_lines(text, delimiter)
    start, end = spans[record - 1] if record <= len(spans) else (record, record)
    msg = (f"{shown}: 第{start}行有一个没有配对的引号（\"），它后面直到第{end}行的内容被读成了一个单元格；"
           f"请删去或补全这个引号 / "
           f"line {start}: a quote (\") opened in this line is not closed until line {end}, "
           f"so {end - start + 1} lines were read as one cell; remove or close the stray quote.")
    raise InputError(msg)


def _extra_cells(grid: pd.DataFrame, header_row: int, mapping: dict[int, str], rows: pd.Series) -> pd.DataFrame:
    """An ``extra_cells`` issue for each record with a cell right of the header's last
    (a comma too many moves every value after it one column on; in a workbook a cell
    is a cell, but a CSV line has only its commas); the detail is the cells' letters.

    >>> g = pd.DataFrame([["id", "n", None], ["a", "1", None], ["b", "2", "3"]], index=[1, 2, 3])
    >>> _extra_cells(g, 1, {0: "id", 1: "n"}, pd.Series([2, 3])).to_dict("list")
    {'idx': [1], 'column': [''], 'rule': ['extra_cells'], 'detail': ['C']}
    """
    named = [i for i in grid.columns if i in mapping or not is_blank(grid.loc[[header_row], i]).all()]
    beyond = [i for i in grid.columns if i > max(named, default=-1)]
    if not beyond or not len(rows):
        return no_issues()
    cells = grid.loc[rows.to_numpy(), beyond]
    filled = ~cells.apply(is_blank)
    hit = filled.any(axis=1).to_numpy()
    if not hit.any():
        return no_issues()
    letters = [",".join(column_letter(i) for i, f in zip(beyond, row, strict=True) if f)
               for row in filled.to_numpy()[hit]]
    return pd.DataFrame({"idx": rows.index[hit].to_numpy(dtype="int64"), "column": "", "rule": "extra_cells",
                         "detail": letters})


def _foreign_line_issues(text: str, delimiter: str, rows: pd.Series, foreign: dict[int, str]) -> pd.DataFrame:
    """A ``mixed_encoding`` issue for each row that holds a line in the file's other encoding."""
    spans = _record_lines(text, delimiter)
    flagged: dict[int, str] = {}
    for record, (start, end) in enumerate(spans, start=1):
        hit = next((foreign[line] for line in range(start, end + 1) if line in foreign), None)
        if hit is not None:
            flagged[record] = hit
    which = rows[rows.isin(list(flagged))]
    return pd.DataFrame({"idx": which.index.to_numpy(dtype="int64"), "column": "", "rule": "mixed_encoding",
                         "detail": [flagged[int(r)] for r in which]})


def grid_from_records(records: Sequence[Sequence[str | None]],
                       row_numbers: Sequence[int] | None = None) -> pd.DataFrame:
    """Cells by position from ragged records (short rows padded with None)."""
    width = max((len(r) for r in records), default=0)
    grid = pd.DataFrame([list(r) + [None] * (width - len(r)) for r in records],
                        columns=range(width), dtype=object)
    if row_numbers is not None:
        grid.index = pd.Index(row_numbers, dtype="int64")
    return grid
