"""Write a dataset chunk by chunk: canonical CSV, GeoJSON and ``dataset.yaml``.

CSV files are UTF-8 with the English column names in contract order, ISO dates,
``true``/``false``, lists joined with ``;`` and an empty cell for a missing
value. GeoJSON (EPSG:4326) is written by hand, one feature per line, so that
coordinates rounded to six decimals come out the same on every run.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import IO, Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv

from ..contract import TABLES, Table
from .draws import NONE
from .plan import Layout, Plan
from .tables import chunk_tables

__all__ = ["write_dataset"]

_GEO_TABLES = {"boundaries", "compounds", "facilities"}
_ARROW_TYPES: dict[str, pa.DataType] = {
    "str": pa.string(), "code": pa.string(), "list": pa.string(), "ref": pa.string(),
    "int": pa.int64(), "float": pa.float64(), "date": pa.date32(), "bool": pa.bool_(),
}


class _CsvWriter:
    """Append pyarrow tables to a canonical CSV (header written once, unquoted)."""

    def __init__(self, path: Path, spec: Table) -> None:
        self.path = path
        self.schema = pa.schema([(c.name, _ARROW_TYPES[c.kind]) for c in spec.columns])
        self._fh: IO[bytes] = path.open("wb")
        self._fh.write((",".join(self.schema.names) + "\n").encode())
        self._writer = pa_csv.CSVWriter(
            self._fh, self.schema,
            write_options=pa_csv.WriteOptions(include_header=False, quoting_style="none"),
        )

    def write(self, columns: dict[str, Any]) -> None:
        arrays = [_arrow(columns[f.name], f.type) for f in self.schema]
        self._writer.write_table(pa.Table.from_arrays(arrays, schema=self.schema))

    def close(self) -> None:
        self._writer.close()
        self._fh.close()


def _arrow(values: Any, typ: pa.DataType) -> pa.Array:
    if isinstance(values, pa.Array | pa.ChunkedArray):
        return values if values.type == typ else values.cast(typ)
    if typ == pa.date32():
        days = np.asarray(values, dtype=np.int64)
        mask = days >= NONE
        return pa.array(np.where(mask, 0, days).astype(np.int32), type=typ, mask=mask)
    arr = np.asarray(values)
    if typ == pa.float64():
        arr = arr.astype(float)
        return pa.array(arr, type=typ, mask=np.isnan(arr))
    if arr.dtype == object:
        return pa.array(list(arr), type=typ)
    return pa.array(arr, type=typ)


class _GeoWriter:
    """Stream a GeoJSON FeatureCollection, one feature per line."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fh = path.open("w", encoding="utf-8", newline="\n")
        self._fh.write('{"type":"FeatureCollection","features":[\n')
        self._first = True

    def write(self, features: list[dict[str, Any]]) -> None:
        for feat in features:
            if not self._first:
                self._fh.write(",\n")
            self._fh.write(json.dumps(feat, ensure_ascii=False, separators=(",", ":")))
            self._first = False

    def close(self) -> None:
        self._fh.write("\n]}\n")
        self._fh.close()


def write_dataset(
    out: Path,
    plans: Iterator[tuple[Plan, np.random.Generator]],
    layout: Layout,
    years: tuple[int, ...],
    zone_id: str,
    *,
    total: int,
    progress_bar: bool,
    meta: dict[str, Any],
) -> dict[str, Path]:
    """Generate every chunk of ``plans`` and append its tables to the files in ``out``.

    Parameters
    ----------
    out
        Directory to write to (created).
    plans
        ``(plan, random stream)`` of each chunk, in order.
    layout
        Where the communities' cells lie.
    years
        The years of the ledgers; the as-of date is 31 December of the last.
    zone_id
        The zone every community belongs to.
    total
        Number of communities in all (for the progress bar).
    progress_bar
        Show a progress bar (tqdm, on stderr).
    meta
        ``name``, optional ``name_en`` and ``note``, and ``zones`` (``{zone_id: {name_zh, name_en}}``)
        for ``dataset.yaml``.

    Returns
    -------
    dict
        The path written for each table, and ``dataset`` for ``dataset.yaml``.
    """
    from tqdm import tqdm

    out.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    with ExitStack() as stack:
        writers: dict[str, _CsvWriter | _GeoWriter] = {}
        for name, spec in TABLES.items():
            if name in _GEO_TABLES:
                writers[name] = _GeoWriter(out / f"{name}.geojson")
            else:
                writers[name] = _CsvWriter(out / f"{name}.csv", spec)
            stack.callback(writers[name].close)
            paths[name] = writers[name].path
        bar = stack.enter_context(tqdm(total=total, unit="community", disable=not progress_bar, desc="synth"))
        for plan, rng in plans:
            for name, payload in chunk_tables(plan, rng, layout, years, zone_id):
                writers[name].write(payload)
            bar.update(plan.n)
    paths["dataset"] = out / "dataset.yaml"
    paths["dataset"].write_text(_dataset_yaml(meta, years, zone_id), encoding="utf-8")
    return paths


def _dataset_yaml(meta: dict[str, Any], years: tuple[int, ...], zone_id: str) -> str:
    """``dataset.yaml``: name (and its English), ``synthetic: true``, the as-of date, note and zones."""
    lines = [
        f"name: {json.dumps(meta['name'], ensure_ascii=False)}",
        *([f"name_en: {json.dumps(meta['name_en'], ensure_ascii=False)}"] if "name_en" in meta else []),
        "synthetic: true",
        f"as_of: {years[-1]}-12-31",
    ]
    if "note" in meta:
        lines.append(f"note: {json.dumps(meta['note'], ensure_ascii=False)}")
    zones = meta.get("zones") or {zone_id: {"name_zh": zone_id, "name_en": zone_id}}
    lines.append("zones:")
    for zid, names in zones.items():
        lines.append(f"  {zid}:")
        lines.extend(f"    {k}: {json.dumps(v, ensure_ascii=False)}" for k, v in names.items())
    return "\n".join(lines) + "\n"
