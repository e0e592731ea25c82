"""The floors the benchmarks set linli against: reading the raw CSV files, reading the clean tables."""

from __future__ import annotations

import codecs
from pathlib import Path

import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq


def read_csvs(raw: Path) -> None:
    """Read every ledger file of ``raw`` as fast as its reader can (the floor of ``linli validate``).

    A CSV file by pyarrow (UTF-8; GBK, as Excel saves Chinese CSV, when its first 64 KiB are
    not UTF-8, or pyarrow finds a later part that is not); an XLSX workbook by openpyxl, as
    linli reads it but once and doing nothing with the values (read-only, every sheet's
    values). Ledgers as the contract's own files are all UTF-8 CSV; ledgers as a street
    office keeps them (``linli synth --style ledger``) are mostly workbooks and GBK CSV.
    """
    for path in sorted(raw.glob("*.csv")):
        encoding = "utf8"
        with path.open("rb") as f:
            head = f.read(65536)
        try:  # a character cut at the end of the head is not an error, unless the file ends there
            codecs.getincrementaldecoder("utf-8")().decode(head, final=len(head) < 65536)
        except UnicodeDecodeError:
            encoding = "gbk"
        try:
            pacsv.read_csv(path, read_options=pacsv.ReadOptions(encoding=encoding))
        except pa.ArrowInvalid:  # UTF-8 at the head only
            pacsv.read_csv(path, read_options=pacsv.ReadOptions(encoding="gbk"))
    for path in sorted(raw.glob("*.xlsx")):
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        for sheet in book.worksheets:
            for _ in sheet.iter_rows(values_only=True):
                pass
        book.close()


def read_tables(processed: Path) -> dict[str, pd.DataFrame]:
    """Every clean table of ``processed/tables`` (the floor of the indicators)."""
    import geopandas as gpd

    tables = {}
    for path in sorted((processed / "tables").glob("*.parquet")):
        geo = b"geo" in (pq.read_schema(path).metadata or {})
        tables[path.stem] = gpd.read_parquet(path) if geo else pd.read_parquet(path)
    return tables
