"""Vectorised parsers of raw cell values, one per column kind of the data contract.

Every parser takes a Series of raw cells (strings, or ``None``/``NaN`` for an empty
cell) and returns ``(parsed, bad)`` aligned to the input's index:

``parsed``  the values in the clean dtype of the kind (``contract.DTYPES``), ``NA``
            where the cell is empty or could not be parsed;
``bad``     ``True`` where a non-empty cell could not be parsed.

An empty cell is never bad here: whether it may be empty is the validator's call.
As the data contract has it (:mod:`linli.contract`), surrounding white space (including the full-width space
U+3000, the no-break space and zero-width marks) and full-width digits are
normalised, and so, in id and code columns only (:func:`fold_width`), are ids and
codes typed in full-width letters and punctuation (``Ｃ００１``); anything else odd is
left for the validator to report, never guessed.

Each parser works on the distinct values of a column (a ledger column of a
million cells holds a few hundred dates) with vectorised string methods, then
spreads the result back to every cell. The functions are pure: no I/O, no
logging, no warnings.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterator

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ._arrow import dictionary_codes
from .contract import LIST_SEP

__all__ = [
    "YEARS_AS_DATES",
    "clean_text",
    "compact_date",
    "date_with_time",
    "excel_serial_date",
    "fold_width",
    "is_blank",
    "list_items",
    "parse_bools",
    "parse_canonical",
    "parse_codes",
    "parse_dates",
    "parse_floats",
    "parse_ints",
    "parse_lists",
    "year_as_date",
]

#: Characters stripped from both ends of a cell: Unicode white space (as
#: ``str.isspace`` knows it) plus the invisible zero-width space and BOM.
_SPACES = (
    " \t\n\r\v\f\x1c\x1d\x1e\x1f\x85\xa0\u1680"
    "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
    "\u200b\ufeff"
)
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_WIDE_DIGIT = "[０-９]"
#: Characters :func:`fold_width` normalises: CJK compatibility ideographs, full- and half-width forms.
_WIDE_FORM = "[\uf900-\uffef]"
# Inside numbers and dates only: full-width point, hyphen, solidus, plus and colon.
_FULLWIDTH_NUMERIC = str.maketrans("．－／＋：", ".-/+:")

# Patterns use no back-references or look-arounds, so that pyarrow-backed strings
# can run them natively.
_DATE_NUMERIC = (
    r"^([0-9]{4})([-/.])([0-9]{1,2})([-/.])([0-9]{1,2})"
    r"(?:[T ]0?0:00(?::00(?:\.0+)?)?)?$"
)
_DATE_CHINESE = r"^([0-9]{4})年([0-9]{1,2})月([0-9]{1,2})日$"
_INT = r"[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.0*)?"
_FLOAT = (
    r"[+-]?(?:(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]*)?|\.[0-9]+)"
    r"(?:[eE][+-]?[0-9]+)?"
)
_LIST_SPLIT = re.compile(r"[;；,，、]")
#: The first and the last UTF-8 byte of each character of :data:`_SPACES`: a cell whose
#: first byte is none of the first ones, nor its last byte one of the last ones, has no
#: white space to strip (:func:`_any_to_strip`, :func:`is_blank`), without trimming it.
_LEAD = np.zeros(256, dtype=bool)
_LEAD[[c.encode()[0] for c in _SPACES]] = True
_TRAIL = np.zeros(256, dtype=bool)
_TRAIL[[c.encode()[-1] for c in _SPACES]] = True
#: Cells per slice where a column is searched rather than changed (:func:`_slices`).
_SLICE = 1 << 20

# Years that datetime64[ns] can hold whole (1677-09-21 .. 2262-04-11).
_MIN_YEAR, _MAX_YEAR = 1678, 2261
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1
#: Most digits of a whole number that :func:`parse_canonical` reads: 10**18 - 1 < 2**63.
_CANONICAL_DIGITS = 18
#: The seconds since 1970 of the first day of _MIN_YEAR and of the year after _MAX_YEAR.
_CANONICAL_SPAN = tuple(int((dt.datetime(year, 1, 1) - dt.datetime(1970, 1, 1)).total_seconds())
                        for year in (_MIN_YEAR, _MAX_YEAR + 1))

_BOOLS: dict[str, bool] = {
    "true": True,
    "false": False,
    "1": True,
    "0": False,
    "yes": True,
    "no": False,
    "y": True,
    "n": False,
    "是": True,
    "否": False,
}


# ---------------------------------------------------------------------- helpers


def _as_string(s: pd.Series) -> pd.Series:
    """Return ``s`` as the ``string`` dtype (non-strings via ``str``, missing as NA)."""
    return s.astype("string")


def _arrow_text(dtype: object) -> bool:
    """Whether a column of ``dtype`` holds its cells as Arrow text (``string[pyarrow]`` as
    read from a CSV file, or pandas' ``string``)."""
    if isinstance(dtype, pd.StringDtype):
        return dtype.storage == "pyarrow"
    return isinstance(dtype, pd.ArrowDtype) and (pa.types.is_string(dtype.pyarrow_dtype)
                                                 or pa.types.is_large_string(dtype.pyarrow_dtype))


def _flags(values: pd.Series) -> pd.Series:
    """Return a boolean-like Series (possibly with NA) as plain ``bool``, NA as False."""
    return pd.Series(values.fillna(False).to_numpy(dtype=bool), index=values.index,
                     name=values.name)


def _numeric_text(s: pd.Series) -> pd.Series:
    """Clean ``s`` and also turn full-width ``．－／＋：`` into ASCII."""
    return _clean(s).str.translate(_FULLWIDTH_NUMERIC)


def _apply(text: pd.Series, func: Callable[[str], object]) -> pd.Series:
    """Map each non-NA value of ``text`` (distinct values: few) through ``func``; NA gives None."""
    values = [None if pd.isna(v) else func(v) for v in text.to_numpy(dtype=object)]
    return pd.Series(values, index=text.index, name=text.name, dtype=object)


def _distinct(s: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """Return ``(codes, distinct)``: ``s`` equals ``distinct`` taken at ``codes``.

    ``distinct`` ends with one ``None`` that stands for every missing cell. Parsing
    the distinct values only is what keeps a ledger column of a million rows and a
    few hundred dates fast.
    """
    encoded = _arrow_codes(s)
    if encoded is None:
        codes, uniques = pd.factorize(s, use_na_sentinel=True)
    else:
        codes, uniques = encoded
    distinct = pd.Series(np.append(np.asarray(uniques, dtype=object), None), dtype=object)
    return np.where(codes < 0, len(distinct) - 1, codes), distinct


def _arrow_codes(s: pd.Series) -> tuple[np.ndarray, np.ndarray] | None:
    """``pd.factorize(s)`` of Arrow strings, straight from Arrow's dictionary encoding
    (:func:`linli._arrow.dictionary_codes`: 4-byte codes, without ``pd.factorize``'s
    unifying of the chunks' dictionaries and 8-byte copy of the codes); None for any
    other column."""
    if not (isinstance(s.dtype, pd.StringDtype) and s.dtype.storage == "pyarrow") or len(s) == 0:
        return None
    codes, distinct = dictionary_codes(s.array.__arrow_array__())
    return codes, distinct.to_numpy(zero_copy_only=False)


def _spread(values: pd.Series, codes: np.ndarray, like: pd.Series) -> pd.Series:
    """Return ``values`` (one per distinct value) taken at ``codes``, on ``like``'s index.

    Taken from the array: ``values.iloc[codes]`` would also take an index as long as the
    column, only for it to be replaced (some ten times the cost of the values themselves).
    """
    return pd.Series(values.array.take(codes), index=like.index, name=like.name, copy=False)


def _by_distinct(
    s: pd.Series, parse: Callable[[pd.Series], tuple[pd.Series, pd.Series]], *, text_out: bool = False
) -> tuple[pd.Series, pd.Series]:
    """Run ``parse`` on the distinct values of ``s`` and spread both results back.

    With ``text_out`` (a parser giving text: codes, lists), a column whose every value
    is already in its canonical form (each parses to itself) is returned as it is:
    no copy of a large ledger's column.
    """
    codes, distinct = _distinct(s)
    parsed, bad = parse(distinct)
    if text_out and not bad.any():
        typed = distinct.iloc[:-1].astype("string")  # the last distinct value stands for missing
        if bool((parsed.iloc[:-1].astype("string") == typed).fillna(False).all()) and parsed.iloc[-1] is pd.NA:
            return s.astype("string").rename(s.name), pd.Series(False, index=s.index, name=s.name)
    return _spread(parsed, codes, s), _spread(bad, codes, s)


def _code_lookup(codes: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """Return ``(by case-folded code, by exact label)`` lookups to the canonical code."""
    return {code.casefold(): code for code in codes}, {label: code for code, label in codes.items()}


def _lookup_code(item: str, by_code: dict[str, str], by_label: dict[str, str]) -> str | None:
    return by_label.get(item) or by_code.get(item.casefold())


# ---------------------------------------------------------------------- public


def clean_text(s: pd.Series, *, ids: bool = False) -> pd.Series:
    """Strip surrounding white space and turn full-width digits into ASCII.

    White space includes the full-width space U+3000, the no-break space and the
    invisible zero-width space and BOM. A cell left empty becomes ``NA``; nothing
    else is changed.

    Parameters
    ----------
    s
        Raw cells.
    ids
        The cells are ids or codes: full-width letters and punctuation are turned
        into ASCII too, as :func:`fold_width` does (in the same pass over the bytes).

    Returns
    -------
    pandas.Series
        The cleaned text, dtype ``string``.

    Examples
    --------
    >>> clean_text(pd.Series(["\\u3000００７ ", "  ", None])).tolist()
    ['007', <NA>, <NA>]
    >>> clean_text(pd.Series(["ｍ０７", "Ａ队"])).tolist(), clean_text(pd.Series(["ｍ０７"]), ids=True).tolist()
    (['ｍ07', 'Ａ队'], ['m07'])
    """
    return _clean(s, fold=ids).rename(s.name)


def fold_width(s: pd.Series) -> pd.Series:
    """Turn ids and codes typed in full-width forms into their ASCII spelling (NFKC).

    A Chinese input method types ``Ｃ００１``, ``ｓ０１２`` or ``ＲＭ－０１`` for ``C001``,
    ``s012``, ``RM-01``. A cell holding a character of U+F900–FFEF (full-width and
    half-width forms, CJK compatibility ideographs) is normalised to Unicode NFKC;
    any other cell is left as it is. Meant for id and code columns only: free text
    keeps what was typed (:func:`clean_text` turns only full-width digits into ASCII).

    A column whose bytes hold no ``EF`` (the UTF-8 lead byte of every such character)
    is not searched cell by cell, and only the non-ASCII cells of one that does are.
    ``clean_text(raw, ids=True)`` cleans and folds in one pass.

    Parameters
    ----------
    s
        Cleaned cells (:func:`clean_text`).

    Returns
    -------
    pandas.Series
        The cells, dtype ``string``.

    Examples
    --------
    >>> fold_width(pd.Series(["Ｃ００１", "ｐｏｌｉｃｅ；网格员", "人民路社区", None])).tolist()
    ['C001', 'police;网格员', '人民路社区', <NA>]
    """
    text = _as_string(s)
    return _fold_wide(text, text.array.__arrow_array__(), fold=True).rename(s.name)


def is_blank(s: pd.Series) -> pd.Series:
    """Return True where a cell is missing or holds only white space.

    Parameters
    ----------
    s
        Raw cells.

    Returns
    -------
    pandas.Series
        ``bool``, aligned to ``s``.

    Examples
    --------
    >>> is_blank(pd.Series(["a", " \\u3000", None])).tolist()
    [False, True, True]
    """
    cells = (s if _arrow_text(s.dtype) else _as_string(s)).array.__arrow_array__()  # as read: no cast
    blank = np.concatenate([_blank_chunk(chunk) for piece in _slices(cells) for chunk in piece.chunks]
                           or [np.zeros(0, dtype=bool)])
    return pd.Series(blank, index=s.index, name=s.name, copy=False)


def parse_canonical(s: pd.Series, kind: str) -> pd.Series | None:
    """The parsed values of a column of raw cells every one of which is missing or already
    written in its canonical form, read by Arrow in one pass; None for any other column.

    The canonical forms: for ``kind`` ``"int"``, 1 to 18 ASCII digits (``75``, ``0075``:
    any 18 digits fit in 64 bits); for ``"date"``, a real calendar date ``YYYY-MM-DD``
    of the years :func:`parse_dates` takes. Such a cell has nothing for
    :func:`clean_text` to change and parses as :func:`parse_ints` or
    :func:`parse_dates` parse it, to the same value, so a ledger column written by a
    program (a million cells, every one canonical) is neither cleaned nor looked at
    value by value. Any other kind, a column not held as Arrow text, one whose cells
    are all missing or one with a single other cell gives None: clean and parse it.

    >>> ints = parse_canonical(pd.Series(["75", None, "0075"], dtype="string"), "int")
    >>> ints.tolist(), str(ints.dtype)
    ([75, <NA>, 75], 'Int64')
    >>> parse_canonical(pd.Series(["75", "+5"], dtype="string"), "int") is None  # a sign: parse_ints' call
    True
    >>> dates = parse_canonical(pd.Series(["2024-03-05", None], dtype="string"), "date")
    >>> dates.dt.strftime("%Y-%m-%d").tolist(), str(dates.dtype)
    (['2024-03-05', nan], 'datetime64[ns]')
    >>> [parse_canonical(pd.Series([d], dtype="string"), "date") for d in ("2024-02-30", "2024-3-5", "1600-01-01")]
    [None, None, None]
    """
    if kind not in ("int", "date") or not _arrow_text(s.dtype):
        return None
    cells = s.array.__arrow_array__()
    if cells.null_count == len(cells):
        return None
    size = pc.min_max(pc.binary_length(cells)).as_py()
    if kind == "int":
        if size["max"] > _CANONICAL_DIGITS or not pc.all(pc.ascii_is_decimal(cells)).as_py():
            return None  # ascii_is_decimal is False for an empty cell, which clean_text makes missing
        numbers = pc.cast(cells, pa.int64())
        missing = numbers.is_null().to_numpy(zero_copy_only=False)
        values = pc.fill_null(numbers, 0).to_numpy()  # one copy of the chunks, joined (pandas' own way
        if not values.flags.writeable:  # from Arrow takes them a chunk at a time, several times as long);
            values = values.copy()  # a single chunk is shared, read-only, and pandas may write to its array
        return pd.Series(pd.arrays.IntegerArray(values, missing), index=s.index, name=s.name, copy=False)
    if size["min"] != 10 or size["max"] != 10:
        return None
    try:  # Arrow reads 10 characters as a date only as YYYY-MM-DD, and only a real one
        days = pc.cast(cells, pa.timestamp("s"))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    span = pc.min_max(days.cast(pa.int64())).as_py()  # seconds: year 0 has no Python datetime
    if span["min"] < _CANONICAL_SPAN[0] or span["max"] >= _CANONICAL_SPAN[1]:
        return None
    values = days.cast(pa.timestamp("ns")).to_numpy(zero_copy_only=False)
    return pd.Series(values, index=s.index, name=s.name, copy=False)


def parse_dates(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse dates written ``YYYY-MM-DD``, ``YYYY/MM/DD``, ``YYYY.MM.DD`` or ``YYYY年M月D日``.

    Month and day may have one or two digits; the two separators must agree. A
    numeric form may carry a midnight time part (``2024-03-05 00:00:00``,
    ``2024-03-05T00:00``, ``2024/3/5 0:00``), as spreadsheets export date cells;
    any other time of day is not a date. Impossible calendar dates (2024-02-30)
    and years that ``datetime64[ns]`` cannot hold (before 1678, after 2261) are bad.

    Parameters
    ----------
    s
        Raw cells.

    Returns
    -------
    parsed : pandas.Series
        ``datetime64[ns]``, ``NaT`` where empty or bad.
    bad : pandas.Series
        ``bool``, True where a non-empty cell is not a date.

    Examples
    --------
    >>> parsed, bad = parse_dates(pd.Series(["2024/3/5", "2024年3月5日", "去年春天", None]))
    >>> parsed.dt.strftime("%Y-%m-%d").tolist(), bad.tolist()
    (['2024-03-05', '2024-03-05', nan, nan], [False, False, True, False])
    """
    quick = parse_canonical(s, "date")
    if quick is not None:  # every cell already canonical: nothing to look up
        return quick, pd.Series(False, index=s.index, name=s.name)
    return _by_distinct(s, _dates)


def parse_ints(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse whole numbers.

    Accepted: an optional sign, digits (full-width too), thousands separators in
    groups of three (``1,200``, as ledgers write them), and a zero fraction
    (``12.0``, as spreadsheets export whole numbers). ``12.5``, ``1,20`` and values
    outside the 64-bit range are bad.

    Parameters
    ----------
    s
        Raw cells.

    Returns
    -------
    parsed : pandas.Series
        ``Int64``, ``NA`` where empty or bad.
    bad : pandas.Series
        ``bool``, True where a non-empty cell is not a whole number.

    Examples
    --------
    >>> parsed, bad = parse_ints(pd.Series(["+12", "1,200", "12.0", "12.5", None]))
    >>> parsed.tolist(), bad.tolist()
    ([12, 1200, 12, <NA>, <NA>], [False, False, False, True, False])
    """
    quick = parse_canonical(s, "int")
    if quick is not None:  # every cell already canonical: nothing to look up
        return quick, pd.Series(False, index=s.index, name=s.name)
    return _by_distinct(s, _ints)


def parse_floats(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse decimal numbers.

    Accepted: an optional sign, digits (full-width too), thousands separators in
    groups of three (``1,200.5``), a decimal point, and an exponent (``1.5e3``).
    ``NaN``, infinities, a decimal comma (``12,5``) and units (``12m²``) are bad.

    Parameters
    ----------
    s
        Raw cells.

    Returns
    -------
    parsed : pandas.Series
        ``float64``, ``NaN`` where empty or bad.
    bad : pandas.Series
        ``bool``, True where a non-empty cell is not a number.

    Examples
    --------
    >>> parsed, bad = parse_floats(pd.Series(["1,200.5", "-.5", "12,5", None]))
    >>> parsed.tolist(), bad.tolist()
    ([1200.5, -0.5, nan, nan], [False, False, True, False])
    """
    return _by_distinct(s, _floats)


def parse_bools(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse yes/no values: ``true/false``, ``1/0``, ``yes/no``, ``Y/N``, ``是/否``.

    Latin spellings are matched in any case (``TRUE``, ``Yes``).

    Parameters
    ----------
    s
        Raw cells.

    Returns
    -------
    parsed : pandas.Series
        ``boolean``, ``NA`` where empty or bad.
    bad : pandas.Series
        ``bool``, True where a non-empty cell is not a yes/no value.

    Examples
    --------
    >>> parsed, bad = parse_bools(pd.Series(["TRUE", "否", "y", "maybe", None]))
    >>> parsed.tolist(), bad.tolist()
    ([True, False, True, <NA>, <NA>], [False, False, False, True, False])
    """
    return _by_distinct(s, _bools)


def parse_codes(s: pd.Series, codes: dict[str, str]) -> tuple[pd.Series, pd.Series]:
    """Map each cell to its canonical code.

    A cell may hold the code in any case (``Parking``) or its Chinese label exactly
    (``停车``).

    Parameters
    ----------
    s
        Raw cells.
    codes
        The code list, code → Chinese label (e.g. ``contract.DISPUTE_TYPES``).

    Returns
    -------
    parsed : pandas.Series
        ``string``, the code; ``NA`` where empty or unknown.
    bad : pandas.Series
        ``bool``, True where a non-empty cell is not in the code list.

    Examples
    --------
    >>> codes = {"parking": "停车", "noise": "噪音"}
    >>> parsed, bad = parse_codes(pd.Series(["Parking", "噪音", "停 车", None]), codes)
    >>> parsed.tolist(), bad.tolist()
    (['parking', 'noise', <NA>, <NA>], [False, False, True, False])
    """
    return _by_distinct(s, lambda distinct: _codes(distinct, codes), text_out=True)


def parse_lists(s: pd.Series, codes: dict[str, str]) -> tuple[pd.Series, pd.Series]:
    """Map each cell's list of codes or labels to the canonical codes joined by ``;``.

    Items are separated by ``;`` ``；`` ``,`` ``，`` or ``、``; white space around an
    item and empty items are ignored. Codes keep the order given, the first of
    any repeat wins. One unknown item makes the cell bad; a cell of separators
    only counts as empty.

    Parameters
    ----------
    s
        Raw cells.
    codes
        The code list, code → Chinese label (e.g. ``contract.MEDIATORS``).

    Returns
    -------
    parsed : pandas.Series
        ``string``, e.g. ``"police;grid_worker"``; ``NA`` where empty or bad.
    bad : pandas.Series
        ``bool``, True where a non-empty cell holds an unknown item.

    Examples
    --------
    >>> codes = {"police": "民警", "grid_worker": "网格员", "lawyer": "律师"}
    >>> parsed, bad = parse_lists(pd.Series(["民警、网格员；police", "律师, 法官", None]), codes)
    >>> parsed.tolist(), bad.tolist()
    (['police;grid_worker', <NA>, <NA>], [False, True, False])
    """
    return _by_distinct(s, lambda distinct: _lists(distinct, codes), text_out=True)


def list_items(cell: str, codes: dict[str, str]) -> list[str | None]:
    """Return each item of a list cell as its canonical code, None for an item that is no code.

    Items are split as :func:`parse_lists` splits them; empty items are dropped. This
    says *which* item of a bad cell is wrong.

    >>> list_items("民警、居委会主任", {"police": "民警", "grid_worker": "网格员"})
    ['police', None]
    """
    by_code, by_label = _code_lookup(codes)
    items = [item.strip(_SPACES) for item in _LIST_SPLIT.split(str(cell).translate(_FULLWIDTH_DIGITS))]
    return [_lookup_code(item, by_code, by_label) for item in items if item]


#: Excel's day 0: a date cell holds the days since then (serial 45356 is 2024-03-05).
_EXCEL_EPOCH = dt.date(1899, 12, 30)
#: Serials read as a date in a message: 25569 (1970-01-01) to 73050 (2099-12-31), five digits.
_EXCEL_SERIALS = (25569, 73050)


def excel_serial_date(cell: str) -> str | None:
    """The date an Excel date serial stands for (``YYYY-MM-DD``), None when ``cell`` is not one.

    A date typed into a cell of Excel's General format is kept, and exported, as the
    count of days since 1899-12-30. Only whole numbers from 25569 (1970-01-01) to
    73050 (2099-12-31) are taken for one; the cell is still not a date (a number is
    not parsed as one: ``2024`` would be 1905-07-16), this says which date it shows
    when formatted as a date.

    >>> excel_serial_date("45356"), excel_serial_date("４５３５６ "), excel_serial_date("2024"), excel_serial_date("45356.5")
    ('2024-03-05', '2024-03-05', None, None)
    """
    text = str(cell).translate(_FULLWIDTH_DIGITS).strip(_SPACES)
    if not (text.isascii() and text.isdigit()) or not _EXCEL_SERIALS[0] <= int(text) <= _EXCEL_SERIALS[1]:
        return None
    return (_EXCEL_EPOCH + dt.timedelta(days=int(text))).isoformat()


def year_as_date(cell: str) -> int | None:
    """The year a date shows when a year alone was typed into a cell formatted as a date,
    None otherwise: Excel keeps ``2022`` as the 2022nd day after 1899-12-30, 1905-07-14.
    Years 1949 to 2100 are taken (dates from 1905-05-02 to 1905-09-30).

    >>> year_as_date("1905-07-14"), year_as_date("1905-07-14 00:00:00"), year_as_date("2022-07-14")
    (2022, 2022, None)
    """
    try:
        day = dt.date.fromisoformat(str(cell).strip()[:10])
    except ValueError:
        return None
    return (day - _EXCEL_EPOCH).days if YEARS_AS_DATES[0] <= day <= YEARS_AS_DATES[1] else None


#: The days years 1949 to 2100 show as when typed alone into a date cell (:func:`year_as_date`).
YEARS_AS_DATES: tuple[dt.date, dt.date] = (_EXCEL_EPOCH + dt.timedelta(days=1949),
                                           _EXCEL_EPOCH + dt.timedelta(days=2100))


def compact_date(cell: str) -> str | None:
    """The date (``YYYY-MM-DD``) of one typed as eight digits without separators
    (``20240315``), None when ``cell`` is not one: a day of the years 1949 to 2100.

    Such a cell is still not a date (:func:`parse_dates` takes separators, as the
    ledgers' contract says); this says which date it is.

    >>> compact_date("20240315"), compact_date("２０２４０３１５ "), compact_date("20241315"), compact_date("83212345")
    ('2024-03-15', '2024-03-15', None, None)
    """
    text = str(cell).translate(_FULLWIDTH_DIGITS).strip(_SPACES)
    if len(text) != 8 or not (text.isascii() and text.isdigit()) or not 1949 <= int(text[:4]) <= 2100:
        return None
    try:
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:])).isoformat()
    except ValueError:
        return None


_DATE_TIME = re.compile(r"([0-9]{4})([-/.])([0-9]{1,2})\2([0-9]{1,2})[T ]([0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)")


def date_with_time(cell: str) -> str | None:
    """The date (``YYYY-MM-DD``) of a date written with a time of day, None when ``cell`` is not one.

    An Excel cell that holds a date and a time (a time stamp pasted from another
    system, ``=NOW()`` kept as its value) may show the date only, yet holds the
    time: it is still not a date (:func:`parse_dates`); this says which date it is.

    >>> date_with_time("2024-03-05 14:30:00"), date_with_time("2024/3/5 9:30"), date_with_time("2024-03-05")
    ('2024-03-05', '2024-03-05', None)
    >>> date_with_time("2024-02-30 10:00")  # no such day
    """
    match = _DATE_TIME.fullmatch(str(cell).translate(_FULLWIDTH_DIGITS).strip(_SPACES))
    if match is None:
        return None
    try:
        return dt.date(int(match[1]), int(match[3]), int(match[4])).isoformat()
    except ValueError:
        return None


# ---------------------------------------------------------------- parsers of distinct values
# Each takes the distinct raw values of a column (a small Series) and is spread back
# to every cell by the public function.


def _clean(s: pd.Series, *, fold: bool = False) -> pd.Series:
    """Strip, turn full-width digits into ASCII (and, with ``fold``, every full-width form:
    :func:`fold_width`), empty to NA — vectorised: a column whose bytes hold no full-width
    character is not searched cell by cell, and only the cells holding one (few) are changed."""
    text = _as_string(s)
    cells = text.array.__arrow_array__()
    if _any_to_strip(cells):
        cells = pc.utf8_trim(cells, characters=_SPACES)
        text = pd.Series(pd.arrays.ArrowStringArray(cells), index=s.index, name=s.name)
    # else nothing to strip: the cells are kept as they are (no second copy of a large column)
    text = _fold_wide(text, cells, fold=fold)
    empty = (text == "").fillna(False)
    return text.mask(empty) if empty.any() else text


def _fold_wide(text: pd.Series, cells: pa.ChunkedArray, *, fold: bool) -> pd.Series:
    """``text`` (whose Arrow cells are ``cells``) with full-width digits in ASCII, or, with
    ``fold``, every cell holding a character of :data:`_WIDE_FORM` in NFKC."""
    if not _may_hold_wide_digit(cells):
        return text
    other = pc.fill_null(pc.invert(pc.string_is_ascii(cells)), False)
    at = np.flatnonzero(other.to_numpy(zero_copy_only=False))
    wide = at[_flags(text.iloc[at].str.contains(_WIDE_FORM if fold else _WIDE_DIGIT, regex=True)).to_numpy()]
    if len(wide):
        text = text.copy()
        if fold:  # each distinct cell normalised once: a list column may repeat 民警，网格员 a million times
            codes, uniques = pd.factorize(text.iloc[wide])
            folded = np.array([unicodedata.normalize("NFKC", v) for v in uniques], dtype=object)
            text.iloc[wide] = folded[codes]
        else:
            text.iloc[wide] = text.iloc[wide].str.translate(_FULLWIDTH_DIGITS)
    return text


def _slices(cells: pa.ChunkedArray) -> Iterator[pa.ChunkedArray]:
    """``cells`` :data:`_SLICE` cells at a time, without a copy: a kernel run on each slice in
    turn needs memory for one slice's result, not for a whole large column's."""
    for start in range(0, len(cells), _SLICE):
        yield cells.slice(start, _SLICE)


def _any_to_strip(cells: pa.ChunkedArray) -> bool:
    """Whether any cell starts or ends with white space, a slice at a time (:func:`_slices`):
    finding that there is nothing to strip costs no trimmed copy of the column.

    >>> _any_to_strip(pa.chunked_array([["a", None, "b c"]])), _any_to_strip(pa.chunked_array([["a", "b\u3000"]]))
    (False, True)
    """
    for piece in _slices(cells):
        for chunk in piece.chunks:
            ends = _edges(chunk)
            if ends is None:
                continue
            first, final, filled = ends
            at = np.flatnonzero(filled & (_LEAD.take(first) | _TRAIL.take(final)))  # take: thrice []'s speed
            if len(at):  # a white-space byte at an edge, or a character sharing it: trimmed to be sure
                some = chunk.take(pa.array(at))
                trimmed = pc.binary_length(pc.utf8_trim(some, characters=_SPACES))
                if pc.any(pc.not_equal(trimmed, pc.binary_length(some))).as_py():
                    return True
    return False


def _edges(chunk: pa.Array, *, last: bool = True) -> tuple[np.ndarray, np.ndarray | None, np.ndarray] | None:
    """The first and (with ``last``) the last byte of each cell of one Arrow string chunk
    (read straight from its offsets and character data, no copy of the cells), and
    whether the cell holds any; None when no cell holds a byte. A null or empty cell's
    bytes are those of a neighbour: ``filled`` is False for it."""
    _, offsets, data = chunk.buffers()
    n = len(chunk)
    if data is None or data.size == 0 or n == 0:
        return None
    width = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
    bounds = np.frombuffer(offsets, dtype=width)[chunk.offset:chunk.offset + n + 1]
    text = np.frombuffer(data, dtype=np.uint8)
    start, end = bounds[:-1], bounds[1:]
    filled = end > start
    if chunk.null_count:
        filled &= chunk.is_valid().to_numpy(zero_copy_only=False)
    first = text.take(start, mode="clip")  # an empty cell at the very end points past the data
    return first, text.take(end - 1, mode="clip") if last else None, filled


def _blank_chunk(chunk: pa.Array) -> np.ndarray:
    """:func:`is_blank` of one Arrow string chunk: a cell is blank when it is null, empty or
    white space only; only a cell starting with a byte a white-space character starts with
    is trimmed to tell."""
    ends = _edges(chunk, last=False)
    if ends is None:
        return np.ones(len(chunk), dtype=bool)
    first, _, filled = ends
    blank = ~filled
    at = np.flatnonzero(filled & _LEAD.take(first))
    if len(at):
        some = chunk.take(pa.array(at))
        blank[at] = pc.fill_null(pc.equal(pc.binary_length(pc.utf8_trim(some, characters=_SPACES)), 0),
                                 True).to_numpy(zero_copy_only=False)
    return blank


def _may_hold_wide_digit(cells: pa.ChunkedArray) -> bool:
    """Whether any chunk's character data holds the lead byte of a full-width digit's
    UTF-8 (EF, for U+F000–FFFF; a digit U+FF10–FF19 is EF BC 90–99, and every form
    :func:`fold_width` normalises starts with it too): one ``memchr``
    per chunk, far cheaper than a search per cell. Ids, codes and dates never hold it;
    Chinese free text does when it has full-width punctuation (，：；), and is then
    searched cell by cell."""
    for chunk in cells.chunks:
        data = chunk.buffers()[2]
        if data is not None and data.to_pybytes().find(b"\xef") >= 0:
            return True
    return False


def _dates(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    text = _numeric_text(s)
    numeric = text.str.extract(_DATE_NUMERIC)
    same_sep = _flags(numeric[1] == numeric[3])
    chinese = text.str.extract(_DATE_CHINESE)
    year = numeric[0].where(same_sep).fillna(chinese[0])
    month = numeric[2].where(same_sep).fillna(chinese[1])
    day = numeric[4].where(same_sep).fillna(chinese[2])

    in_range = _flags(year.astype("Int64").between(_MIN_YEAR, _MAX_YEAR))
    iso = (year + "-" + month.str.zfill(2) + "-" + day.str.zfill(2)).where(in_range)
    parsed = pd.to_datetime(iso, format="%Y-%m-%d", errors="coerce").astype("datetime64[ns]")
    parsed.name = s.name
    bad = _flags(text.notna() & parsed.isna())
    return parsed, bad


def _ints(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    text = _numeric_text(s)
    ok = _flags(text.str.fullmatch(_INT))
    digits = text.where(ok).str.replace(",", "", regex=False).str.replace(
        r"\.0*$", "", regex=True)
    values = _apply(digits, int)
    fits = values.map(lambda v: v is not None and _INT64_MIN <= v <= _INT64_MAX)
    parsed = pd.Series(pd.array(values.where(fits, None).tolist(), dtype="Int64"),
                       index=s.index, name=s.name)
    bad = _flags(text.notna() & parsed.isna())
    return parsed, bad


def _floats(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    text = _numeric_text(s)
    ok = _flags(text.str.fullmatch(_FLOAT))
    numbers = text.where(ok).str.replace(",", "", regex=False)
    values = pd.to_numeric(numbers, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    values[~np.isfinite(values)] = np.nan
    parsed = pd.Series(values, index=s.index, name=s.name)
    bad = _flags(text.notna() & parsed.isna())
    return parsed, bad


def _bools(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    text = _clean(s)
    mapped = _apply(text.str.casefold(), _BOOLS.get)
    parsed = pd.Series(pd.array(mapped.tolist(), dtype="boolean"), index=s.index, name=s.name)
    bad = _flags(text.notna() & parsed.isna())
    return parsed, bad


def _codes(s: pd.Series, codes: dict[str, str]) -> tuple[pd.Series, pd.Series]:
    text = _clean(s)
    by_code, by_label = _code_lookup(codes)
    mapped = _apply(text, lambda v: _lookup_code(v, by_code, by_label))
    parsed = mapped.astype("string")
    bad = _flags(text.notna() & parsed.isna())
    return parsed, bad


def _lists(s: pd.Series, codes: dict[str, str]) -> tuple[pd.Series, pd.Series]:
    text = _clean(s)
    by_code, by_label = _code_lookup(codes)

    def one(cell: str) -> tuple[str | None, bool]:
        items = [item.strip(_SPACES) for item in _LIST_SPLIT.split(cell)]
        found = [_lookup_code(item, by_code, by_label) for item in items if item]
        if None in found:
            return None, True  # an unknown item
        if not found:
            return None, False  # separators only: nothing listed
        return LIST_SEP.join(dict.fromkeys(found)), False  # type: ignore[arg-type]

    results = _apply(text, one)
    bad = results.map(lambda r: isinstance(r, tuple) and r[1]).astype(bool)
    parsed = results.map(lambda r: r[0] if isinstance(r, tuple) else None).astype("string")
    return parsed, bad
