"""linli.outputs: no spreadsheet formula in what linli writes, nothing outside --out."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from linli import outputs
from linli.errors import OutputError


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+cmd", "'+cmd"),
        ("-2+3", "'-2+3"),  # an expression, not a number: Excel would compute it
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-3", "-3"),  # a plain number reads as that number, never as a formula
        ("+1.5e3", "+1.5e3"),
        ("2024-03-05", "2024-03-05"),
        ("人民路=", "人民路="),  # only the first character matters
        ("", ""),
    ],
)
def test_neutralise(cell: str, written: str) -> None:
    assert outputs.neutralise(cell) == written


def test_save_csv_neutralises_text_and_leaves_numbers(tmp_path: Path) -> None:
    frame = pd.DataFrame({
        "id": ["=HYPERLINK(\"http://x\")", "ok"],
        "note": pd.array(["@x", None], dtype="string"),
        "value": [-1.5, 2.0],
        "n": pd.array([-3, None], dtype="Int64"),
    })
    path = outputs.save_csv(frame, tmp_path / "sub" / "t.csv")
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows == [
        ["id", "note", "value", "n"],
        ["'=HYPERLINK(\"http://x\")", "'@x", "-1.5", "-3"],
        ["ok", "", "2.0", ""],
    ]
    assert frame.loc[0, "id"].startswith("=")  # the caller's frame is left as it was


def test_neutralise_frame_is_neutralise_of_every_text_cell() -> None:
    # the frame's formula-like cells are found at once and changed one by one: the result
    # must be neutralise() of each text cell, whatever the column's dtype holds (Arrow or
    # Python strings, missing values, numbers or bytes among the text) and wherever its index starts
    import random

    rng = random.Random(7)
    pieces = ["=", "+", "-", "@", "\t", "\r", "1", "3.5", "e3", "人民", "x", " ", "'"]
    text = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 4))) for _ in range(400)]
    mixed = [None if i % 9 == 0 else 5 if i % 11 == 0 else b"=b" if i % 13 == 0 else v for i, v in enumerate(text)]
    frame = pd.DataFrame({
        "object": mixed, "python": pd.array([None if v is None else str(v) for v in mixed], dtype="string[python]"),
        "arrow": pd.array(text, dtype="string[pyarrow]"), "n": range(400), "=x": [1.5] * 400,
    }, index=range(1000, 1400))
    out = outputs.neutralise_frame(frame)
    assert list(out.columns) == ["object", "python", "arrow", "n", "'=x"]
    assert out.dtypes.tolist() == frame.dtypes.tolist() and out.index.equals(frame.index)
    for column, original in zip(out.columns, frame.columns, strict=True):
        expected = [outputs.neutralise(v) if isinstance(v, str) else v for v in frame[original].tolist()]
        assert out[column].tolist() == expected, column
    assert sum(a != b for a, b in zip(out["arrow"], frame["arrow"], strict=True)) > 50  # many cells did change
    assert list(frame.columns)[-1] == "=x" and frame["arrow"].tolist() == text  # the caller's frame is as it was


def test_save_csv_with_a_bom(tmp_path: Path) -> None:
    path = outputs.save_csv(pd.DataFrame({"表": ["甲"]}), tmp_path / "t.csv", bom=True)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")


def test_output_path_refuses_to_leave_the_root(tmp_path: Path) -> None:
    root = tmp_path / "out"
    root.mkdir()
    assert outputs.output_path(root, "2024", "a.html") == root.resolve() / "2024" / "a.html"
    for parts in (("..", "x"), ("/tmp/x",), ("2024", "../../x")):
        with pytest.raises(OutputError, match="outside the output directory"):
            outputs.output_path(root, *parts)
    # a symbolic link inside the root that points elsewhere is followed, and refused
    (root / "link").symlink_to(tmp_path)
    with pytest.raises(OutputError, match="outside the output directory"):
        outputs.output_path(root, "link", "x.html")


def test_check_out_dir_and_file_say_what_is_wrong(tmp_path: Path) -> None:
    existing = tmp_path / "f.txt"
    existing.write_text("x", encoding="utf-8")
    with pytest.raises(OutputError, match=r"is an existing file, not a folder"):
        outputs.check_out_dir(existing)
    with pytest.raises(OutputError, match=r"f.txt is a file, so nothing can be written under it"):
        outputs.check_out_dir(existing / "sub")
    with pytest.raises(OutputError, match=r"is an existing folder; give a file name"):
        outputs.check_out_file(tmp_path)
    with pytest.raises(OutputError, match=r"f.txt is a file, so nothing can be written under it"):
        outputs.check_out_file(existing / "x.csv")
    assert outputs.check_out_dir(tmp_path / "new" / "dir").is_dir()


def test_save_workbook_neutralises_a_far_cell_without_filling_the_sheet(tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"], ws["Z100"] = "人民路", "=HYPERLINK(\"http://x\")"
    outputs.save_workbook(wb, tmp_path / "a.xlsx")
    # the two cells, not the 2,600 places between A1 and Z100 (26 columns × 100 rows)
    assert len(ws._cells) == 2
    back = openpyxl.load_workbook(tmp_path / "a.xlsx").active
    # the value as it was, stored as text with the quote prefix (shown without it, never run)
    assert back["Z100"].value == "=HYPERLINK(\"http://x\")" and back["Z100"].data_type == "s"
    assert back["Z100"].quotePrefix and not back["A1"].quotePrefix
