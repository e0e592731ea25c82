"""The fast load gives exactly what the general path gives.

A plain UTF-8 CSV file is parsed by pyarrow into Arrow strings (``_fast_grid``);
cells are cleaned, ids hashed and checked with vectorised code. Each fast piece is
checked here against the slow one it stands for: the general CSV path (the pandas
and ``csv`` parsers over the decoded text), ``str.strip`` and ``str.translate``
cell by cell, ``hmac.new`` per id, and an id's shape computed character by
character. And whole datasets — the demo and the same records as a street office
keeps them — load to the same tables and quarantine with the fast CSV path as
with the general one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import random
import re
import unicodedata
from pathlib import Path

import pandas as pd
import pandas.testing as pdt
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linli import _hmac, parse, privacy
from linli._read import delimited
from linli._read.cells import header_lookup
from linli.contract import TABLES
from linli.dataset import load_dataset
from linli.io import find_table_files, read_table
from linli.synth import generate, generate_demo
from linli.validate import _ascii_shapes, _shape_pattern

KEY = b"test-key-fast-load"
VOLUNTEERS = TABLES["volunteers"]


def general_grid(data: bytes, lookup: dict[str, str]) -> tuple[pd.DataFrame, str, str]:
    """The cells as the general path reads them (pandas' C parser, else ``csv``)."""
    text, encoding, _ = delimited._decode(data, "f.csv")
    delimiter = delimited._sniff_delimiter(text, lookup)
    grid = delimited._parse_csv(text, delimiter, shown="f.csv")
    delimited._check_long_cells(grid, text, delimiter, shown="f.csv")
    return grid, delimiter, encoding


def same_cells(fast: pd.DataFrame, general: pd.DataFrame) -> bool:
    a = fast.astype(object).where(fast.notna(), None)
    return a.shape == general.shape and a.index.equals(general.index) and bool(
        (a.fillna("\0") == general.fillna("\0")).all().all())


HEADER = "volunteer_id,community_id,registered_on"
#: Files the fast path takes, each with a trap for a parser that is not the general one.
PLAIN = {
    "bare": f"{HEADER}\nv1,renmin,2024-03-05\nv2,renmin,2024-03-06\n",
    "no final newline": f"{HEADER}\nv1,renmin,2024-03-05",
    "crlf": f"{HEADER}\r\nv1,renmin,2024-03-05\r\n",
    "cr only": f"{HEADER}\rv1,renmin,2024-03-05\r",
    "quoted separators and quotes": f'{HEADER}\n"v,1","say ""hi""",2024-03-05\n',
    "a quote inside a cell": f'{HEADER}\nv"1,ren"min,2024-03-05\n',
    "empty and spaces kept raw": f"{HEADER}\n v1 ,,\u3000２０２４-03-05\n",
    "values that look missing": f"{HEADER}\nNA,null,nan\nN/A,-,#N/A\n",
    "title row of the same width": f"2024年志愿者名册,,\n{HEADER}\nv1,renmin,2024-03-05\n",
    "tabs": HEADER.replace(",", "\t") + "\nv1\trenmin\t2024-03-05\n",
    "semicolons": HEADER.replace(",", ";") + "\nv1;renmin;2024-03-05\n",
    "chinese headers": "志愿者编号,社区,注册日期\nv1,人民路,2024年3月5日\n",
    "blank line (kept: row numbers stay)": f"{HEADER}\nv1,renmin,2024-03-05\n\nv2,renmin,2024-03-06\n",
}
#: Files the fast path must leave to the general path.
GENERAL = {
    "blank first line": f"\n{HEADER}\nv1,renmin,2024-03-05\n",
    "short row": f"{HEADER}\nv1,renmin\n",
    "long row": f"{HEADER}\nv1,renmin,2024-03-05,extra\n",
    "cell over two lines": f'{HEADER}\nv1,"人民路\n3栋",2024-03-05\n',
    "quote left open": f'{HEADER}\nv1,"renmin,2024-03-05\nv2,renmin,2024-03-06\n',
}


@pytest.mark.parametrize("name", sorted(PLAIN))
@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_plain_file_fast_gives_the_general_cells(tmp_path: Path, name: str, bom: bytes) -> None:
    data = bom + PLAIN[name].encode("utf-8")
    path = tmp_path / "volunteers.csv"
    path.write_bytes(data)
    lookup = header_lookup(VOLUNTEERS)
    fast = delimited._fast_grid(path, data[:delimited._HEAD_BYTES], lookup)
    assert fast is not None, "a plain UTF-8 file takes the fast path"
    grid, delimiter, encoding = fast
    general, general_delimiter, general_encoding = general_grid(data, lookup)
    assert (delimiter, encoding) == (general_delimiter, general_encoding)
    assert encoding == ("utf-8-sig" if bom else "utf-8")
    assert same_cells(grid, general)


@pytest.mark.parametrize("name", sorted(GENERAL))
def test_other_files_take_the_general_path(tmp_path: Path, name: str) -> None:
    data = GENERAL[name].encode("utf-8")
    path = tmp_path / "volunteers.csv"
    path.write_bytes(data)
    assert delimited._fast_grid(path, data[:delimited._HEAD_BYTES], header_lookup(VOLUNTEERS)) is None


@pytest.mark.parametrize("encoding", ["gb18030", "utf-16"])
def test_files_not_in_utf8_take_the_general_path(tmp_path: Path, encoding: str) -> None:
    data = "志愿者编号,社区,注册日期\nv1,人民路,2024-03-05\n".encode(encoding)
    path = tmp_path / "volunteers.csv"
    path.write_bytes(data)
    assert delimited._fast_grid(path, data[:delimited._HEAD_BYTES], header_lookup(VOLUNTEERS)) is None


@pytest.mark.parametrize("encoding", ["gb18030", "utf-16"])
def test_a_plain_file_not_in_utf8_is_parsed_from_its_text_as_the_general_path_parses_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, encoding: str
) -> None:
    text = "志愿者编号,社区,注册日期\nv1,人民路,2024-03-05\n\"v2\",\" 湘北\u3000\",2024年3月6日\nv3,,\n"
    path = tmp_path / "volunteers.csv"
    path.write_bytes(text.encode(encoding))
    fast = read_table(path, VOLUNTEERS)
    assert isinstance(fast.frame["volunteer_id"].dtype, pd.ArrowDtype)  # Arrow strings: pyarrow parsed the text
    monkeypatch.setattr(delimited, "_fast_grid", lambda *a, **k: None)
    general = read_table(path, VOLUNTEERS)
    assert general.frame["volunteer_id"].dtype == object  # Python strings: the general parser
    assert (fast.encoding, fast.delimiter, fast.header_row) == (general.encoding, general.delimiter, 1)
    assert fast.rows.tolist() == general.rows.tolist() == [2, 3, 4]
    pdt.assert_frame_equal(fast.frame.astype(object).where(fast.frame.notna(), None), general.frame)


#: A GBK ledger as Excel saves it (CRLF), with what the chunked transcoding could split:
#: a record's CRLF, quoted cells, a line of ASCII only, a cell of white space.
GBK_LEDGER = ("志愿者编号,社区,注册日期,所属队伍\r\n"
              "v1,人民路,2024-03-05,巡逻队\r\n"
              'v2,"湘北",2024年3月6日,"助老队"\r\n'
              "v3,renmin,2024-03-07,patrol\r\n"
              "v4,\u3000向阳 ,2024/3/8,文明队\r\n")


@pytest.mark.parametrize("chunk", [7, 64, 1 << 24])
def test_a_gbk_file_transcoded_a_chunk_at_a_time_reads_as_its_whole_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    path = tmp_path / "volunteers.csv"
    path.write_bytes(GBK_LEDGER.encode("gbk"))
    # 7 bytes: every chunk is cut inside a record, most inside a character; 64: a few records a chunk
    monkeypatch.setattr(delimited, "_CHUNK_BYTES", chunk)
    with path.open("rb") as handle:
        assert delimited._GbkAsUtf8(handle).read() == GBK_LEDGER.encode("utf-8")
    fast = read_table(path, VOLUNTEERS)
    assert isinstance(fast.frame["volunteer_id"].dtype, pd.ArrowDtype)  # Arrow strings: pyarrow parsed it
    monkeypatch.setattr(delimited, "_fast_grid", lambda *a, **k: None)
    general = read_table(path, VOLUNTEERS)  # the whole file decoded at once, parsed by pandas
    assert fast.encoding == general.encoding == "gb18030"
    assert fast.rows.tolist() == general.rows.tolist() == [2, 3, 4, 5]
    pdt.assert_frame_equal(fast.frame.astype(object).where(fast.frame.notna(), None), general.frame)
    assert general.frame["community_id"].tolist() == ["人民路", "湘北", "renmin", "\u3000向阳 "]  # raw: not cleaned yet


@pytest.mark.parametrize(
    "data",
    [
        "志愿者编号,社区\nv1,人民路\n".encode("gbk")[:-4] + b"\xff\xff\n",  # a line in neither encoding
        b"\xef\xbb\xbf" + "志愿者编号,社区\nv1,人民路\n".encode("gbk"),  # a BOM on GBK text
        "志愿者编号,社区\nv1,人民路\n".encode("utf-16"),  # UTF-16
        "志愿者编号,社区\nv1,人民路\n".encode(),  # UTF-8 (no GBK line)
        b"volunteer_id,community_id\nv1,renmin\n",  # ASCII (no GBK line)
    ],
    ids=["undecodable", "bom", "utf-16", "utf-8", "ascii"],
)
def test_only_a_file_wholly_in_gbk_is_transcoded_a_chunk_at_a_time(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "volunteers.csv"
    path.write_bytes(data)
    lookup = header_lookup(VOLUNTEERS)
    # _decode reads (or refuses) these as before
    assert delimited._fast_grid(path, data[:delimited._HEAD_BYTES], lookup, encoding="gb18030") is None


def test_large_file_read_past_the_head(tmp_path: Path) -> None:
    # 20,000 rows of about 25 bytes: 500 kB, far past the 64 kB head used to find the separator
    rows = [f"v{i},c{i % 7},2024-03-{i % 28 + 1:02d}" for i in range(20_000)]
    data = ("\n".join([HEADER, *rows]) + "\n").encode()
    path = tmp_path / "volunteers.csv"
    path.write_bytes(data)
    fast = delimited._fast_grid(path, data[:delimited._HEAD_BYTES], header_lookup(VOLUNTEERS))
    assert fast is not None
    assert len(fast[0]) == 20_001  # the header and 20,000 records
    assert same_cells(fast[0], general_grid(data, header_lookup(VOLUNTEERS))[0])


def test_random_files_fast_equals_general(tmp_path: Path) -> None:
    """Random small files of tricky cells: wherever the fast path answers, the general one agrees."""
    rng = random.Random(20261130)
    atoms = ["a", "人民", "1", "", " ", '"', ",", ";", "\t", 'x"y', "０", "\u3000", "NA", "TRUE", "'"]
    lookup = header_lookup(VOLUNTEERS)
    path = tmp_path / "volunteers.csv"
    fast_count = 0
    for _ in range(400):
        sep = rng.choice([",", "\t", ";"])
        rows = [sep.join(["volunteer_id", "community_id", "registered_on"])]
        for _ in range(rng.randint(0, 5)):
            cells = []
            for _ in range(3 if rng.random() < 0.9 else rng.randint(1, 4)):
                cell = "".join(rng.choice(atoms) for _ in range(rng.randint(0, 3)))
                cells.append('"' + cell.replace('"', '""') + '"' if rng.random() < 0.3 else cell)
            rows.append(sep.join(cells))
        data = (rng.choice(["\n", "\r\n"]).join(rows) + "\n").encode()
        path.write_bytes(data)
        fast = delimited._fast_grid(path, data[:delimited._HEAD_BYTES], lookup)
        if fast is None:
            continue
        fast_count += 1
        grid, delimiter, encoding = fast
        general, general_delimiter, general_encoding = general_grid(data, lookup)
        assert (delimiter, encoding) == (general_delimiter, general_encoding), data
        assert same_cells(grid, general), data
    assert fast_count > 100  # most random files are plain


# ------------------------------------------------------------------ cells and ids


def test_vectorised_clean_equals_cell_by_cell() -> None:
    rng = random.Random(7)
    pieces = ["", " ", "\u3000", "\u200b", "\ufeff", "\xa0", "\t", "a", "人", "０", "９", "5", "，", "ａ"]
    cells = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 5))) for _ in range(3000)] + [None]
    digits = str.maketrans("０１２３４５６７８９", "0123456789")
    spaces = parse._SPACES
    expected = [None if c is None or not c.strip(spaces) else c.strip(spaces).translate(digits) for c in cells]
    got = parse.clean_text(pd.Series(cells, dtype=object))
    assert [None if pd.isna(v) else v for v in got] == expected
    blank = [c is None or not c.strip(spaces) for c in cells]
    assert parse.is_blank(pd.Series(cells, dtype=object)).tolist() == blank


@pytest.mark.parametrize("large", [False, True], ids=["string", "large_string"])
def test_white_space_found_in_chunked_and_sliced_columns_as_cell_by_cell(
    monkeypatch: pytest.MonkeyPatch, large: bool
) -> None:
    # every character stripped, and characters whose UTF-8 shares a first or last byte
    # with one of them (丿 E4 B8 BF and ｿ EF BD BF end as U+FEFF EF BB BF does; 、 E3 80 81
    # starts as U+3000 E3 80 80 does), in columns of several chunks, some of them slices
    rng = random.Random(13)
    spaces = parse._SPACES
    pieces = [*spaces, "a", "7", "人", "丿", "ｿ", "、", "，", "、", "‐", "é", "😀"]
    cells = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 4))) for _ in range(4000)] + [None, ""]
    rng.shuffle(cells)
    kind = pa.large_string() if large else pa.string()
    # several chunks, the second a slice (its cells start past the buffer's first offset)
    whole = pa.array(cells, type=kind)
    chunked = pa.chunked_array([whole.slice(0, 1500), whole.slice(1500, 1000), whole.slice(2500)], type=kind)
    monkeypatch.setattr(parse, "_SLICE", 700)  # slices cut across the chunks
    series = pd.Series(pd.arrays.ArrowExtensionArray(chunked))
    blank = [c is None or not c.strip(spaces) for c in cells]
    assert parse.is_blank(series).tolist() == blank
    to_strip = [c is not None and c != c.strip(spaces) for c in cells]
    assert any(to_strip) and parse._any_to_strip(chunked) is True
    untouched = pa.chunked_array([pa.array([c for c, t in zip(cells, to_strip, strict=True) if not t], type=kind)])
    assert parse._any_to_strip(untouched) is False  # 丿, ｿ, 、 … at the edges are no white space
    for space in spaces:  # white space at the end only, or at the start only, of one cell
        for cell in (f"人{space}", f"{space}人"):
            assert parse._any_to_strip(pa.chunked_array([pa.array(["a", None, cell], type=kind)])) is True, repr(cell)


def test_vectorised_fold_width_equals_nfkc_cell_by_cell() -> None:
    rng = random.Random(11)
    pieces = ["a", "Z", "0", "-", "人", "社", "，", "０", "ａ", "Ｍ", "－", "；", "（", "ｶ", "\uf900", "①", "\u3000"]
    cells = ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 5))) for _ in range(3000)] + [None]
    # a cell holding a character of U+F900–FFEF (CJK compatibility ideographs, full- and half-width
    # forms: all with the UTF-8 lead byte EF) is NFKC-normalised; any other is left as it is
    wide = re.compile("[\uf900-\uffef]")
    expected = [None if c is None else unicodedata.normalize("NFKC", c) if wide.search(c) else c for c in cells]
    for dtype in (object, pd.ArrowDtype(pa.string())):  # the general path's cells, the fast path's
        got = parse.fold_width(pd.Series(cells, dtype=dtype))
        assert [None if pd.isna(v) else v for v in got] == expected
    # cleaning an id column does both in one pass: stripped (U+3000 at either end), then folded
    spaces = parse._SPACES
    stripped = [None if c is None or not c.strip(spaces) else c.strip(spaces) for c in cells]
    cleaned = [None if c is None else unicodedata.normalize("NFKC", c) if wide.search(c) else c for c in stripped]
    for dtype in (object, pd.ArrowDtype(pa.string())):
        got = parse.clean_text(pd.Series(cells, dtype=dtype), ids=True)
        assert [None if pd.isna(v) else v for v in got] == cleaned


def test_fold_width_leaves_a_column_without_the_lead_byte_as_it_is() -> None:
    # no cell holds a byte EF: the column is returned without being searched cell by cell
    cells = pd.Series(["人民路社区", "m1", "①", None], dtype=pd.ArrowDtype(pa.string()))
    out = parse.fold_width(cells)
    assert [None if pd.isna(v) else v for v in out] == ["人民路社区", "m1", "①", None]


@pytest.mark.parametrize("key", [b"k", b"x" * 64, b"y" * 100, "钥匙".encode()])
def test_pseudonyms_are_hmac_sha256(key: bytes) -> None:
    # keys shorter than, equal to and longer than SHA-256's 64-byte block: the precomputed
    # key blocks must give what hmac.new gives
    ids = pd.Series(["V0001", "c0001-P00013", "志愿者7", "", "V0001", None], dtype=object)
    got = privacy.pseudonymise(ids, key)
    for value, pseudonym in zip(ids, got, strict=True):
        if value is None:
            assert pd.isna(pseudonym)
        else:
            assert pseudonym == "p" + hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:16]


def _random_ids(rng: random.Random, n: int) -> list[bytes]:
    # empty, ASCII, Chinese, and longer than SHA-256's 64-byte block (two blocks of message)
    pieces = ["", "V", "0", "7", "志愿者", "-", "x" * 70]
    return ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 4))).encode() for _ in range(n)]


@pytest.mark.parametrize("key", [b"k", b"y" * 100])
def test_a_large_batch_is_hashed_by_two_processes_as_hmac_hashes_it(monkeypatch: pytest.MonkeyPatch,
                                                                    key: bytes) -> None:
    values = _random_ids(random.Random(5), 301)
    started: list[list[str]] = []
    real = _hmac.subprocess.Popen

    def spy(args: list[str], **kwargs: object) -> object:
        started.append(args)
        return real(args, **kwargs)

    monkeypatch.setattr(_hmac, "SPLIT", 100)
    monkeypatch.setattr(_hmac.subprocess, "Popen", spy)
    got = _hmac.hmac8(values, key)
    assert len(started) == 1  # the second half went to a helper process
    assert got == b"".join(hmac.new(key, v, hashlib.sha256).digest()[:8] for v in values)


@pytest.mark.parametrize("helper", ["/bin/false", "/nonexistent/python"], ids=["dies", "cannot-start"])
def test_a_helper_that_fails_leaves_its_half_to_this_process(monkeypatch: pytest.MonkeyPatch, helper: str) -> None:
    # /bin/false starts, reads nothing and answers nothing; a missing interpreter cannot start
    values = _random_ids(random.Random(6), 250) + [b"V%07d" % i for i in range(20_000)]  # more than a pipe holds
    monkeypatch.setattr(_hmac, "SPLIT", 100)
    monkeypatch.setattr(_hmac.sys, "executable", helper)
    assert _hmac.hmac8(values, KEY) == b"".join(hmac.new(KEY, v, hashlib.sha256).digest()[:8] for v in values)


def test_references_take_their_roster_s_pseudonyms_and_new_ones_are_hashed() -> None:
    # the roster's ids are looked up (their pseudonyms as computed before), any other id is
    # hashed, missing stays missing: the same pseudonyms as hashing every reference
    rng = random.Random(8)
    roster = pd.Series([f"R{i:03d}" for i in range(200)], dtype="string")
    pool = [*roster[:150], "R999", "Z1", "志愿者3", None]
    references = pd.Series([rng.choice(pool) for _ in range(2000)], dtype="string")
    done = privacy.pseudonymise(roster, KEY, unique=True)
    assert done.tolist() == privacy.pseudonymise(roster, KEY).tolist()
    got = privacy.pseudonymise(references, KEY, known=(roster, done))
    expected = [pd.NA if v is None or v is pd.NA else privacy.pseudonym(v, KEY) for v in references]
    assert got.tolist() == expected
    # and which references are the roster's own ids: those its pseudonyms stand for, known without a search
    same, listed = privacy.pseudonymise_references(references, KEY, (roster, done))
    assert same.tolist() == expected
    assert listed.tolist() == [v is not None and v is not pd.NA and v in set(roster) for v in references]
    assert privacy.pseudonymise(pd.Series(["R001", None], dtype="string"), KEY, unique=True).tolist() == [
        privacy.pseudonym("R001", KEY), pd.NA]


def _shape(value: str) -> str:
    """An id's shape as its definition reads, a character at a time: runs of letters as
    ``a``, runs of digits as ``9``, any other character as itself."""
    out: list[str] = []
    for ch in value:
        kind = "a" if ch.isalpha() else "9" if ch.isdigit() else ch
        if not out or out[-1] != kind or kind not in "a9":
            out.append(kind)
    return "".join(out)


def test_shape_pattern_matches_exactly_the_ids_of_its_shape() -> None:
    rng = random.Random(3)
    alphabet = "ab9Z0-_. "
    ids = {"".join(rng.choice(alphabet) for _ in range(rng.randint(1, 6))) for _ in range(400)}
    for a in list(ids)[:60]:
        pattern = _shape_pattern(_shape(a))
        for b in ids:
            assert bool(re.fullmatch(pattern, b)) == (_shape(b) == _shape(a)), (a, b)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.text(max_size=70), st.text(alphabet="aZ09-_ .:/", max_size=70), st.none()), max_size=30))
def test_shapes_at_once_are_the_shapes_one_at_a_time(values: list[str | None]) -> None:
    # the shape of ASCII text of 1 to 64 characters; none for any other value
    expected = [_shape(v) if isinstance(v, str) and 0 < len(v) <= 64 and v.isascii() else None for v in values]
    assert _ascii_shapes(values) == expected


# ---------------------------------------------------------------- whole datasets


def load_general(data: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    with monkeypatch.context() as m:
        m.setattr(delimited, "_fast_grid", lambda *args, **kwargs: None)
        return load_dataset(data, key=KEY)


@pytest.mark.parametrize("style", ["canonical", "ledger"])
def test_demo_loads_the_same_by_either_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, style: str) -> None:
    generate_demo(tmp_path, style=style)
    fast, general = load_dataset(tmp_path, key=KEY), load_general(tmp_path, monkeypatch)
    for name in fast.tables:
        pdt.assert_frame_equal(pd.DataFrame(fast[name]), pd.DataFrame(general[name]), check_exact=True)
    pdt.assert_frame_equal(fast.quarantine, general.quarantine, check_exact=True)
    pdt.assert_frame_equal(fast.provenance, general.provenance, check_exact=True)
    csv_tables = [t for t in TABLES.values()
                  if [f for f in find_table_files(tmp_path, t) if f.suffix == ".csv"]]
    assert csv_tables  # the comparison covered CSV files


def plant_errors(data: Path, seed: int) -> None:
    """Break cells of every CSV ledger: junk values, a repeated row, a repeated id, a phone number, a total row."""
    rng = random.Random(seed)
    junk = ["", " ", "\u3000", "２０２４-03-05", "2099-01-01", "2024-02-30", "13912345678", "未知", "-5",
            "nowhere", "x", "１２", " 7 ", "是", "N/A"]
    for path in sorted(data.glob("*.csv")):
        if path.stem == "communities":
            continue  # every row of a community left out would be an unknown reference
        lines = path.read_text(encoding="utf-8").splitlines()
        header, rows = lines[0], [line.split(",") for line in lines[1:]]
        if len(rows) < 4 or any('"' in line for line in lines):
            continue
        for row in rng.sample(rows, min(len(rows), 12)):
            row[rng.randrange(len(row))] = rng.choice(junk)
        rows.append(list(rows[-1]))  # a repeated row
        rows.append([rows[1][0], *rows[2][1:]])  # a repeated id (first column)
        rows.append(["合计", *[""] * (len(rows[0]) - 2), "12"])  # a total row, its sum under the last column
        path.write_text("\n".join([header, *(",".join(r) for r in rows)]) + "\n", encoding="utf-8")


def test_synthetic_ledgers_with_planted_errors_load_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    generate(tmp_path, communities=6, seed=13)
    plant_errors(tmp_path, seed=13)
    fast, general = load_dataset(tmp_path, key=KEY), load_general(tmp_path, monkeypatch)
    rules = set(fast.quarantine["rule"])
    # the planted errors reach the quarantine under many rules: each is compared below
    assert {"duplicate_row", "duplicate_id", "not_a_date", "unknown_reference", "total_row"} <= rules, rules
    for name in fast.tables:
        pdt.assert_frame_equal(pd.DataFrame(fast[name]), pd.DataFrame(general[name]), check_exact=True)
    pdt.assert_frame_equal(fast.quarantine, general.quarantine, check_exact=True)


def test_reading_a_plain_file_takes_the_fast_path(tmp_path: Path) -> None:
    path = tmp_path / "volunteers.csv"
    path.write_text(PLAIN["bare"], encoding="utf-8")
    raw = read_table(path, VOLUNTEERS)
    # Arrow strings with offsets of 4 bytes (not pandas' string dtype): pyarrow parsed it
    assert raw.frame["volunteer_id"].dtype == pd.ArrowDtype(pa.string())
    assert raw.frame["volunteer_id"].tolist() == ["v1", "v2"] and raw.rows.tolist() == [2, 3]


def test_every_white_space_character_is_stripped_at_either_end() -> None:
    # the vectorised clean looks for these characters at the ends first; each must be found
    cells = [f"{c}x" for c in parse._SPACES] + [f"x{c}" for c in parse._SPACES] + [f"{c}x{c}" for c in parse._SPACES]
    assert parse.clean_text(pd.Series(cells)).tolist() == ["x"] * len(cells)


@pytest.mark.parametrize(("ids", "distinct"), [
    (["b", "a", "c", "d", "e"], True),
    (["b", "a", "c", "a", "e"], False),  # sorted: a a b c e — the pair straddles slices [a a] [a b] …
    (["e", "d", "c", "b", "e"], False),  # sorted: b c d e e — the pair ends the last slice
    (["a"], True),
    (["a", "b", "b", "c"], False),  # in order but not strictly: the sort finds the pair
    (["d", "c", "c"], False),  # falling, not strictly
])
def test_distinct_ids_compares_sorted_ids_across_slices(monkeypatch: pytest.MonkeyPatch, ids: list[str],
                                                        distinct: bool) -> None:
    import numpy as np

    from linli import validate

    monkeypatch.setattr(validate, "_SORTED_SLICE", 2)  # slices of 2 (+1 overlap): pairs at every boundary
    services = TABLES["services"]
    text = {services.id_column: pd.Series(ids, dtype="string")}
    assert validate._distinct_ids(services, text, np.ones(len(ids), dtype=bool)) is distinct


@pytest.mark.parametrize("ids", [
    ["c0001-S2022-00001", "c0001-S2022-00002", "c0001-S2022-00010", "c0002-S2022-00001"],  # as ledgers number them
    ["S9", "S8", "S10"],  # newest first: "S9" > "S8" > "S10" compared as text
])
def test_ids_numbered_in_order_are_distinct_without_a_sort(monkeypatch: pytest.MonkeyPatch, ids: list[str]) -> None:
    import numpy as np

    from linli import validate

    def no_sort(*args: object, **kwargs: object) -> None:
        raise AssertionError("sorted ids that were in order already")

    monkeypatch.setattr(validate.pc, "sort_indices", no_sort)
    services = TABLES["services"]
    text = {services.id_column: pd.Series(ids, dtype="string")}
    assert validate._distinct_ids(services, text, np.ones(len(ids), dtype=bool)) is True


@pytest.mark.parametrize("cells", [
    ["parking", "noise", None, "parking"],  # canonical already: passed through
    ["parking", "Parking", "噪音", None],  # a code in another case and a label: parsed
    ["parking", "停 车"],  # one unknown: bad
])
def test_codes_canonical_or_not_parse_as_cell_by_cell(cells: list[str | None]) -> None:
    codes = {"parking": "停车", "noise": "噪音"}
    by_label = {label: code for code, label in codes.items()}

    def one(cell: str | None) -> tuple[str | None, bool]:  # the rule, written out cell by cell
        if cell is None:
            return None, False
        code = by_label.get(cell) or {c.casefold(): c for c in codes}.get(cell.casefold())
        return code, code is None

    parsed, bad = parse.parse_codes(pd.Series(cells, dtype="string"), codes)
    assert [None if pd.isna(v) else v for v in parsed] == [one(c)[0] for c in cells]
    assert bad.tolist() == [one(c)[1] for c in cells]
    assert str(parsed.dtype) == "string" and str(bad.dtype) == "bool"


@pytest.mark.parametrize(("cells", "stripped"), [
    (["a", "b", "c", "d", "e"], ["a", "b", "c", "d", "e"]),  # nothing to strip in any slice
    (["a", "b", "c", "d", " e"], ["a", "b", "c", "d", "e"]),  # only in the last slice, [e]
    (["a", "b\u3000", None, "", "e"], ["a", "b", None, None, "e"]),  # in the first slice; "" is missing
])
def test_white_space_looked_for_slice_by_slice(monkeypatch: pytest.MonkeyPatch, cells: list[str | None],
                                               stripped: list[str | None]) -> None:
    monkeypatch.setattr(parse, "_SLICE", 2)  # slices [a b] [c d] [e]: the white space is found wherever it is
    cleaned = parse.clean_text(pd.Series(cells, dtype="string"))
    assert [None if pd.isna(v) else v for v in cleaned] == stripped
    # blank: missing, empty or white space only, cell by cell
    blank = parse.is_blank(pd.Series(["a", " ", None, "\u3000b", "", "\u200b"], dtype="string"))
    assert blank.tolist() == [False, True, True, False, True, True]


def plant_junk(data: Path, seed: int) -> None:
    """Break cells of every CSV ledger with junk values, and repeat no row and no id."""
    rng = random.Random(seed)
    junk = ["", " ", "２０２４-03-05", "2099-01-01", "2024-02-30", "13912345678", "未知", "-5", "nowhere", "x"]
    for path in sorted(data.glob("*.csv")):
        if path.stem == "communities":
            continue
        lines = path.read_text(encoding="utf-8").splitlines()
        header, rows = lines[0], [line.split(",") for line in lines[1:]]
        if len(rows) < 4 or any('"' in line for line in lines):
            continue
        for row in rng.sample(rows, min(len(rows), 12)):
            row[rng.randrange(1, len(row))] = rng.choice(junk)  # never the id (first column)
        path.write_text("\n".join([header, *(",".join(r) for r in rows)]) + "\n", encoding="utf-8")


def test_cells_let_go_early_when_ids_are_distinct_change_nothing(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Ledgers whose ids are all distinct let each column's cells go once checked: the result is the
    one of keeping every column's cells to the end (every column read later)."""
    from linli import validate

    generate(tmp_path, communities=6, seed=5)
    plant_junk(tmp_path, seed=5)
    early = load_dataset(tmp_path, key=KEY)
    with monkeypatch.context() as m:
        m.setattr(validate, "_text_read_later", lambda table: {c.name for c in table.columns})
        kept = load_dataset(tmp_path, key=KEY)
    rules = set(early.quarantine["rule"])
    assert {"not_a_date", "future_date", "unknown_reference", "below_minimum"} <= rules, rules
    assert "duplicate_id" not in rules  # the ids were left alone: every ledger's ids are distinct
    for name in early.tables:
        pdt.assert_frame_equal(pd.DataFrame(early[name]), pd.DataFrame(kept[name]), check_exact=True)
    pdt.assert_frame_equal(early.quarantine, kept.quarantine, check_exact=True)


def test_plain_file_parsed_into_jemalloc_where_pyarrow_has_it(tmp_path: Path) -> None:
    try:
        pool = pa.jemalloc_memory_pool()
    except NotImplementedError:
        pytest.skip("this pyarrow has no jemalloc")
    path = tmp_path / "volunteers.csv"
    # 20,000 rows of "v00000,renmin,2024-03-05": 6 + 6 + 10 = 22 bytes of cells a row, 440,000 bytes in all
    path.write_text(HEADER + "\n" + "".join(f"v{i:05d},renmin,2024-03-05\n" for i in range(20_000)), encoding="utf-8")
    before = pool.bytes_allocated()
    raw = read_table(path, VOLUNTEERS)
    assert pool.bytes_allocated() - before >= 440_000  # the cells are held in jemalloc's pool
    assert raw.frame["volunteer_id"].iloc[-1] == "v19999"


@pytest.mark.parametrize(("chunks", "codes", "uniques"), [
    # first appearances in order: 2024-01-01 → 0, 去年 → 1, x → 2; a missing cell → -1
    ([["2024-01-01", None], ["去年", "2024-01-01"], [], ["x", "去年"]], [0, -1, 1, 0, 2, 1],
     ["2024-01-01", "去年", "x"]),
    ([[None], [None, None]], [-1, -1, -1], []),  # nothing but missing cells
    ([["a"]], [0], ["a"]),
])
def test_arrow_codes_as_pandas_factorize(chunks: list[list[str | None]], codes: list[int], uniques: list[str]) -> None:
    cells = pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array(chunks, pa.large_string())))
    found = parse._arrow_codes(cells)
    assert found is not None
    assert found[0].tolist() == codes and list(found[1]) == uniques
    slow_codes, slow_uniques = pd.factorize(cells, use_na_sentinel=True)  # the general way, for the same answer
    assert slow_codes.tolist() == codes and list(slow_uniques) == uniques
    assert parse._arrow_codes(pd.Series(["a", None], dtype=object)) is None  # not Arrow strings: pd.factorize


def _general(cells: list[str | None], kind: str) -> tuple[pd.Series, pd.Series]:
    """What parse_ints / parse_dates give with the canonical reading switched off: each
    distinct value cleaned and parsed by the regular expressions."""
    s = parse.clean_text(pd.Series(cells, dtype="string"))
    return parse._by_distinct(s, parse._ints if kind == "int" else parse._dates)


def _digits(draw_from: str) -> st.SearchStrategy[str]:
    return st.text(alphabet=draw_from, min_size=0, max_size=20)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.none(), _digits("0123456789"), _digits("0123456789 +-,.０"), st.sampled_from(
    ["0", "007", "999999999999999999", "9999999999999999999", "9223372036854775808", "", " 5", "５", "+5", "-5",
     "1,200", "12.0"])), min_size=1, max_size=8))
def test_canonical_ints_are_read_as_the_parser_reads_them(cells: list[str | None]) -> None:
    quick = parse.parse_canonical(pd.Series(cells, dtype="string"), "int")
    canonical = [c for c in cells if c is not None]
    expected_quick = bool(canonical) and all(c.isascii() and c.isdigit() and len(c) <= 18 for c in canonical)
    assert (quick is not None) == expected_quick, cells
    if quick is not None:
        parsed, bad = _general(cells, "int")
        assert not bad.any()
        pdt.assert_series_equal(quick, parsed, check_names=False)


def _date_like() -> st.SearchStrategy[str]:
    """Ten characters shaped as a date, some not one: any digits (day 31 of February, month 13,
    year 0 or 9999) and now and then a separator or digit swapped for another character."""
    year, two = st.integers(0, 9999).map("{:04d}".format), st.integers(0, 39).map("{:02d}".format)
    shaped = st.tuples(year, st.sampled_from("-/."), two, st.sampled_from("-/."), two).map("".join)
    odd = st.tuples(shaped, st.integers(0, 9), st.sampled_from(list("0-/ TZ年x５"))).map(
        lambda t: t[0][:t[1]] + t[2] + t[0][t[1] + 1:])
    return st.one_of(shaped, odd, st.sampled_from(["1677-12-31", "1678-01-01", "2261-12-31", "2262-01-01",
                                                   "2024-02-29", "2023-02-29", "2024-3-5", "2024-03-05 "]))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.none(), _date_like()), min_size=1, max_size=6))
def test_canonical_dates_are_read_as_the_parser_reads_them(cells: list[str | None]) -> None:
    quick = parse.parse_canonical(pd.Series(cells, dtype="string"), "date")
    parsed, bad = _general(cells, "date")
    canonical = [c for c in cells if c is not None]

    def real(cell: str) -> bool:  # YYYY-MM-DD, a day of the calendar, a year datetime64[ns] holds
        try:
            day = dt.date.fromisoformat(cell)
        except ValueError:
            return False
        return re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", cell) is not None and 1678 <= day.year <= 2261

    assert (quick is not None) == (bool(canonical) and all(real(c) for c in canonical)), cells
    if quick is not None:
        assert not bad.any()
        pdt.assert_series_equal(quick, parsed, check_names=False)


def test_canonical_columns_read_by_arrow_load_as_the_parsers_load_them(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Ledgers whose whole numbers and dates are all canonical (read by Arrow, not cleaned) and
    ledgers where some are not load to the same tables and quarantine as with every column
    cleaned and parsed value by value."""
    generate(tmp_path, communities=6, seed=7)
    plant_junk(tmp_path, seed=7)  # some columns keep only canonical cells, others get junk
    quick = load_dataset(tmp_path, key=KEY)
    with monkeypatch.context() as m:
        m.setattr(parse, "parse_canonical", lambda s, kind: None)
        general = load_dataset(tmp_path, key=KEY)
    assert {"not_a_date", "not_an_integer"} & set(quick.quarantine["rule"])
    for name in quick.tables:
        pdt.assert_frame_equal(pd.DataFrame(quick[name]), pd.DataFrame(general[name]), check_exact=True)
    pdt.assert_frame_equal(quick.quarantine, general.quarantine, check_exact=True)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(alphabet="0123456789１３٣ -+abc号", max_size=24)), max_size=10))
def test_personal_data_found_among_distinct_values_as_value_by_value(cells: list[str | None]) -> None:
    found = privacy.with_personal_data(pd.Series(cells, dtype="string"))
    assert found == {c for c in cells if c is not None and privacy.has_personal_data(c)}


def test_columns_checked_two_at_a_time_load_as_one_at_a_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A ledger's columns are checked by two threads and their outcomes taken in the table's order:
    the tables and the quarantine are those of checking one column after another."""
    from linli import validate

    generate(tmp_path, communities=6, seed=11)
    plant_junk(tmp_path, seed=11)
    assert validate.COLUMN_THREADS == 2
    together = load_dataset(tmp_path, key=KEY)
    with monkeypatch.context() as m:
        m.setenv("LINLI_COLUMN_THREADS", "1")  # the least memory: one column at a time
        assert validate._column_threads() == 1
        alone = load_dataset(tmp_path, key=KEY)
    with monkeypatch.context() as m:
        m.setattr(validate, "SHARED_CHECKS_BELOW", 0)  # memory always short: each column waits for the others
        assert validate._resident_bytes() > 0
        short = load_dataset(tmp_path, key=KEY)
    assert {"not_a_date", "unknown_reference", "missing_value"} <= set(together.quarantine["rule"])
    for other in (alone, short):
        for name in together.tables:
            pdt.assert_frame_equal(pd.DataFrame(together[name]), pd.DataFrame(other[name]), check_exact=True)
        pdt.assert_frame_equal(together.quarantine, other.quarantine, check_exact=True)


@pytest.mark.parametrize("given", ["0", "two", "-1", "１"])
def test_a_column_thread_count_that_is_no_count_is_refused_in_words(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                    capsys: pytest.CaptureFixture[str],
                                                                    given: str) -> None:
    from linli.cli import main

    generate(tmp_path / "raw", communities=2, seed=1)
    monkeypatch.setenv("LINLI_COLUMN_THREADS", given)
    code = main(["validate", "--data-dir", str(tmp_path / "raw"), "--out", str(tmp_path / "out"), "-q"])
    err = capsys.readouterr().err
    assert code != 0 and "LINLI_COLUMN_THREADS must be a whole number" in err and "Traceback" not in err
