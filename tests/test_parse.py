"""Tests of linli.parse: the value parsers, by example and by property."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linli import contract
from linli.parse import (
    clean_text,
    fold_width,
    is_blank,
    parse_bools,
    parse_codes,
    parse_dates,
    parse_floats,
    parse_ints,
    parse_lists,
)

FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
PADDING = ["", " ", "  ", "\u3000", "\xa0", "\t"]


def series(*values: object) -> pd.Series:
    return pd.Series(list(values), dtype=object)


def as_list(s: pd.Series) -> list[object]:
    """Values as plain Python objects, every missing value as None."""
    return [None if pd.isna(v) else v for v in s.tolist()]


# ---------------------------------------------------------------------- clean_text


def test_clean_text_strips_white_space_and_full_width_digits() -> None:
    s = series(" a ", "\u3000社区\u3000", "\xa0x\xa0", "００７", "１２．５", "", "   ", None)
    out = clean_text(s)
    assert out.dtype == "string"
    # full-width point is left alone in free text: only digits are normalised
    assert as_list(out) == ["a", "社区", "x", "007", "12．5", None, None, None]


def test_clean_text_leaves_inner_oddities() -> None:
    # inner spaces and other characters are a rule break for later, not a guess
    assert as_list(clean_text(series("人民 路", "a\u3000b", "Ａ"))) == ["人民 路", "a\u3000b", "Ａ"]


def test_fold_width_turns_full_width_ids_and_codes_into_ascii() -> None:
    s = series("Ｃ００１", "ｓ０１２", "ＲＭ－０１", "ｐｏｌｉｃｅ；网格员", "人民路社区", "m1", None)
    out = fold_width(s)
    assert out.dtype == "string"
    # letters, digits, hyphen and semicolon in their full-width forms (U+FF01–FF5E) are the ASCII
    # ones 0xFEE0 below; Chinese text and ASCII are left as they are, missing stays missing
    assert as_list(out) == ["C001", "s012", "RM-01", "police;网格员", "人民路社区", "m1", None]


def test_fold_width_keeps_index_and_name() -> None:
    s = pd.Series(["Ｖ１", "v2"], index=[4, 9], name="volunteer_id", dtype="string")
    out = fold_width(s)
    assert list(out.index) == [4, 9] and out.name == "volunteer_id" and as_list(out) == ["V1", "v2"]


def test_clean_text_keeps_index_and_name() -> None:
    s = pd.Series([" a", None], index=[10, 7], name="team", dtype=object)
    out = clean_text(s)
    assert list(out.index) == [10, 7]
    assert out.name == "team"


def test_is_blank() -> None:
    s = series("a", "", " ", "\u3000\xa0", None, np.nan, "0")
    assert is_blank(s).tolist() == [False, True, True, True, True, True, False]


# ---------------------------------------------------------------------- dates


def test_parse_dates_accepted_forms() -> None:
    s = series(
        "2024-03-05",
        "2024/03/05",
        "2024.03.05",
        "2024年3月5日",
        "2024-3-5",
        "2024/3/5",
        "2024.3.5",
        "2024年03月05日",
        "2024-03-05 00:00:00",  # an Excel date cell exported with its time part
        "2024-03-05T00:00:00",
        "2024/3/5 0:00",  # Excel's CSV export of a date-time cell
        " ２０２４－０３－０５\u3000",
    )
    parsed, bad = parse_dates(s)
    assert parsed.dtype == "datetime64[ns]"
    assert (parsed == pd.Timestamp("2024-03-05")).all()
    assert not bad.any()


def test_parse_dates_rejects_other_forms() -> None:
    s = series(
        "去年春天",
        "2024-3",
        "12/03/2024",
        "2024-02-30",  # no 30 February
        "2023-02-29",  # 2023 is not a leap year
        "2024-13-01",
        "2024-03/05",  # mixed separators
        "2024-03-05 14:30:00",  # a time of day is not a date
        "20240305",
        "2024 年 3 月 5 日",
        "45356",  # an Excel serial number in a CSV
    )
    parsed, bad = parse_dates(s)
    assert parsed.isna().all()
    assert bad.all()


def test_parse_dates_leap_day_and_empty() -> None:
    parsed, bad = parse_dates(series("2024-02-29", "", None, "  "))
    assert parsed[0] == pd.Timestamp("2024-02-29")  # 2024 is a leap year
    assert parsed[1:].isna().all()
    assert bad.tolist() == [False, False, False, False]  # empty is never bad here


def test_parse_dates_years_outside_ns_range_are_bad() -> None:
    # datetime64[ns] spans 1677-09-21 .. 2262-04-11
    parsed, bad = parse_dates(series("1600-01-01", "2300-01-01", "1900-01-01"))
    assert bad.tolist() == [True, True, False]
    assert parsed[2] == pd.Timestamp("1900-01-01")


def test_parse_dates_keeps_index() -> None:
    s = pd.Series(["2024-01-02", "x"], index=[5, 3], name="date", dtype=object)
    parsed, bad = parse_dates(s)
    assert list(parsed.index) == [5, 3] and list(bad.index) == [5, 3]
    assert parsed.name == "date"
    assert bad[3] and not bad[5]


# ---------------------------------------------------------------------- ints


def test_parse_ints_accepted_forms() -> None:
    parsed, bad = parse_ints(series("12", "+12", "-3", "12.0", "12.00", "1,200", "1,234,567",
                                    "１２", "007", " 5 "))
    assert parsed.dtype == "Int64"
    assert as_list(parsed) == [12, 12, -3, 12, 12, 1200, 1234567, 12, 7, 5]
    assert not bad.any()


def test_parse_ints_rejects() -> None:
    s = series("12.5", "abc", "1,20", "1,2000", "12,5", "1e3", "--1", "12 人",
               "9223372036854775808")  # 2**63, one past the Int64 maximum
    parsed, bad = parse_ints(s)
    assert parsed.isna().all()
    assert bad.all()


def test_parse_ints_int64_bounds_and_empty() -> None:
    parsed, bad = parse_ints(series("9223372036854775807", "-9223372036854775808", None, ""))
    assert as_list(parsed) == [2**63 - 1, -(2**63), None, None]
    assert bad.tolist() == [False, False, False, False]


def test_repeated_values_are_spread_back_in_place() -> None:
    s = pd.Series(["1", None, "x", "1", np.nan, "x", "２"], index=[9, 8, 7, 6, 5, 4, 3],
                  dtype=object)
    parsed, bad = parse_ints(s)
    assert list(parsed.index) == [9, 8, 7, 6, 5, 4, 3]
    assert as_list(parsed) == [1, None, None, 1, None, None, 2]
    assert bad.tolist() == [False, False, True, False, False, True, False]


# ---------------------------------------------------------------------- floats


def test_parse_floats() -> None:
    s = series("1.5", "-2", "1,200.25", ".5", "5.", "1.5e3", "１２．５", "0", None, "")
    parsed, bad = parse_floats(s)
    assert parsed.dtype == "float64"
    assert as_list(parsed) == [1.5, -2.0, 1200.25, 0.5, 5.0, 1500.0, 12.5, 0.0, None, None]
    assert not bad.any()


def test_parse_floats_rejects() -> None:
    parsed, bad = parse_floats(series("abc", "12,5", "nan", "inf", "1e999", "12m²", "1.2.3"))
    assert parsed.isna().all()
    assert bad.all()


# ---------------------------------------------------------------------- bools


def test_parse_bools() -> None:
    s = series("true", "FALSE", "True", "1", "0", "yes", "No", "Y", "n", "是", "否", None, "")
    parsed, bad = parse_bools(s)
    assert parsed.dtype == "boolean"
    expected = [True, False, True, True, False, True, False, True, False, True, False, None, None]
    assert as_list(parsed) == expected
    assert not bad.any()


def test_parse_bools_rejects() -> None:
    parsed, bad = parse_bools(series("T", "F", "对", "maybe", "1.0", "2"))
    assert parsed.isna().all()
    assert bad.all()


# ---------------------------------------------------------------------- codes


def test_parse_codes() -> None:
    codes = contract.DISPUTE_TYPES
    s = series("parking", "PARKING", " Noise ", "停车", "环境卫生", "停 车", "parking lot", None)
    parsed, bad = parse_codes(s, codes)
    assert parsed.dtype == "string"
    assert as_list(parsed) == ["parking", "parking", "noise", "parking", "sanitation",
                               None, None, None]
    assert bad.tolist() == [False, False, False, False, False, True, True, False]


def test_parse_codes_full_width_digits_in_code() -> None:
    parsed, bad = parse_codes(series("６５+", "65岁及以上"), contract.AGE_GROUPS)
    assert as_list(parsed) == ["65+", "65+"]
    assert not bad.any()


# ---------------------------------------------------------------------- lists


def test_parse_lists() -> None:
    codes = contract.MEDIATORS
    s = series(
        "police;grid_worker",
        "民警、网格员",
        "民警，律师,社工；党员",
        " police ; ;Police；网格员 ",  # empty item ignored; repeat kept once, first place
        "lawyer",
        "民警;法官",  # 法官 is not a mediator
        ";；",  # separators only: nothing listed
        None,
    )
    parsed, bad = parse_lists(s, codes)
    assert parsed.dtype == "string"
    assert as_list(parsed) == [
        "police;grid_worker",
        "police;grid_worker",
        "police;lawyer;social_worker;party_member",
        "police;grid_worker",
        "lawyer",
        None,
        None,
        None,
    ]
    assert bad.tolist() == [False, False, False, False, False, True, False, False]


# ---------------------------------------------------------------------- properties


def renderings(day: dt.date) -> set[str]:
    """Every accepted spelling of ``day`` (ASCII digits, no padding), written out by hand."""
    y = f"{day.year:04d}"
    months = {str(day.month), f"{day.month:02d}"}
    days = {str(day.day), f"{day.day:02d}"}
    out = set()
    for m in months:
        for d in days:
            for sep in "-/.":
                base = f"{y}{sep}{m}{sep}{d}"
                out.add(base)
                for time in ("00:00", "0:00", "00:00:00", "0:00:00"):
                    out.update({f"{base} {time}", f"{base}T{time}"})
            out.add(f"{y}年{m}月{d}日")
    return out


@st.composite
def written_dates(draw: st.DrawFn) -> tuple[dt.date, str]:
    day = draw(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))
    m = draw(st.sampled_from([str(day.month), f"{day.month:02d}"]))
    d = draw(st.sampled_from([str(day.day), f"{day.day:02d}"]))
    y = f"{day.year:04d}"
    text = draw(st.sampled_from([
        f"{y}-{m}-{d}",
        f"{y}/{m}/{d}",
        f"{y}.{m}.{d}",
        f"{y}年{m}月{d}日",
        f"{y}-{day.month:02d}-{day.day:02d}T00:00:00",
        f"{y}-{day.month:02d}-{day.day:02d} 00:00:00",
    ]))
    if draw(st.booleans()):
        text = text.translate(FULLWIDTH)
    text = draw(st.sampled_from(PADDING)) + text + draw(st.sampled_from(PADDING))
    return day, text


@settings(deadline=None)
@given(st.lists(written_dates(), min_size=1, max_size=20))
def test_property_written_dates_parse_back(items: list[tuple[dt.date, str]]) -> None:
    parsed, bad = parse_dates(series(*(text for _, text in items)))
    assert not bad.any()
    assert [ts.date() for ts in parsed] == [day for day, _ in items]


NEAR_DATE = "0123456789０１２-/.年月日T: \u3000ab"
UNPAD = str.maketrans("０１２３４５６７８９－／．：", "0123456789-/.:")


@settings(deadline=None)
@given(st.lists(st.text(alphabet=NEAR_DATE, max_size=22) | st.text(max_size=22),
                min_size=1, max_size=20))
def test_property_text_is_a_date_only_when_written_as_one(texts: list[str]) -> None:
    parsed, bad = parse_dates(series(*texts))
    for text, value, is_bad in zip(texts, parsed, bad, strict=True):
        plain = text.strip().strip("\u200b\ufeff").strip().translate(UNPAD)
        if pd.isna(value):
            assert is_bad or plain == ""
        else:
            assert not is_bad
            assert plain in renderings(value.date())


TRUE_SPELLINGS = ["true", "1", "yes", "y", "是"]
FALSE_SPELLINGS = ["false", "0", "no", "n", "否"]


@st.composite
def written_bools(draw: st.DrawFn) -> tuple[bool, str]:
    value = draw(st.booleans())
    word = draw(st.sampled_from(TRUE_SPELLINGS if value else FALSE_SPELLINGS))
    upper = draw(st.lists(st.booleans(), min_size=len(word), max_size=len(word)))
    word = "".join(c.upper() if u else c for c, u in zip(word, upper, strict=True))
    return value, draw(st.sampled_from(PADDING)) + word + draw(st.sampled_from(PADDING))


@settings(deadline=None)
@given(st.lists(written_bools(), min_size=1, max_size=20))
def test_property_every_bool_spelling_in_any_case(items: list[tuple[bool, str]]) -> None:
    parsed, bad = parse_bools(series(*(text for _, text in items)))
    assert not bad.any()
    assert as_list(parsed) == [value for value, _ in items]


MEDIATOR_CODES = list(contract.MEDIATORS)
SEPARATORS = [";", "；", ",", "，", "、"]


@st.composite
def written_lists(draw: st.DrawFn) -> tuple[list[str], str]:
    codes = draw(st.lists(st.sampled_from(MEDIATOR_CODES), min_size=1, max_size=8))
    parts = []
    for code in codes:
        if draw(st.booleans()):
            item = contract.MEDIATORS[code]
        else:
            upper = draw(st.lists(st.booleans(), min_size=len(code), max_size=len(code)))
            item = "".join(c.upper() if u else c for c, u in zip(code, upper, strict=True))
        parts.append(draw(st.sampled_from(PADDING)) + item + draw(st.sampled_from(PADDING)))
    text = parts[0]
    for part in parts[1:]:
        text += draw(st.sampled_from(SEPARATORS)) + part
    return codes, text


@settings(deadline=None)
@given(st.lists(written_lists(), min_size=1, max_size=10))
def test_property_lists_round_trip(items: list[tuple[list[str], str]]) -> None:
    parsed, bad = parse_lists(series(*(text for _, text in items)), contract.MEDIATORS)
    assert not bad.any()
    # expected: the codes in the order given, each once (first place kept)
    expected = [";".join(dict.fromkeys(codes)) for codes, _ in items]
    assert as_list(parsed) == expected


@settings(deadline=None)
@given(st.lists(st.integers(min_value=-(2**63), max_value=2**63 - 1), min_size=1, max_size=20),
       st.booleans())
def test_property_full_width_integers(numbers: list[int], full_width_minus: bool) -> None:
    texts = [str(n).translate(FULLWIDTH) for n in numbers]
    if full_width_minus:
        texts = [t.replace("-", "－") for t in texts]
    parsed, bad = parse_ints(series(*texts))
    assert not bad.any()
    assert as_list(parsed) == numbers


@pytest.mark.parametrize("parser", [parse_dates, parse_ints, parse_floats, parse_bools])
def test_empty_series(parser: object) -> None:
    parsed, bad = parser(pd.Series([], dtype=object))  # type: ignore[operator]
    assert len(parsed) == 0 and len(bad) == 0
    assert bad.dtype == bool
