"""The floors the benchmarks set linli against: reading the raw CSV files, reading the clean tables."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow.csv as pacsv
import pyarrow.parquet as pq


def read_csvs(raw: Path) -> None:
    """Read every CSV file of ``raw`` with pyarrow (the floor of ``linli validate``)."""
    for path in sorted(raw.glob("*.csv")):
        pacsv.read_csv(path)


def read_tables(processed: Path) -> dict[str, pd.DataFrame]:
    """Every clean table of ``processed/tables`` (the floor of the indicators)."""
    import geopandas as gpd

    tables = {}
    for path in sorted((processed / "tables").glob("*.parquet")):
        geo = b"geo" in (pq.read_schema(path).metadata or {})
        tables[path.stem] = gpd.read_parquet(path) if geo else pd.read_parquet(path)
    return tables
