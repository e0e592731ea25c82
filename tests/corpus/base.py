"""The case record, the base dataset every case starts from, and helpers to break it."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from linli import contract

from .. import ledger

#: Commands run on every case (``build`` only where a case asks, or where it must fail early).
COMMANDS: tuple[str, ...] = ("validate", "indicators", "index", "claims", "build")

#: The name every hostile unit id tries to write; nothing with it may appear anywhere.
ESCAPE = "linli-escape-corpus"

AS_OF = "2025-01-31"
DATASET_YAML = f"""name: 语料测试数据
synthetic: true
as_of: {AS_OF}
zones:
  {ledger.ZONE}:
    name_zh: 测试街道
"""
# An anchor and its alias, as the demo's claims file uses them: aliases that share a
# value must keep working while a "billion laughs" is refused.
CLAIMS_YAML = f"""source: &paper
  title: 测试报道
  publisher: 测试日报
  date: 2024-06-01
claims:
  - id: residents
    text_zh: 辖区实有人口13000人
    source: *paper
    indicator: residents
    scope: zone
    unit_id: {ledger.ZONE}
    year: 2024
    value: 13000
    comparison: eq
  - id: cases
    text_zh: 调解纠纷2起以上
    source: *paper
    indicator: mediation_cases
    scope: zone
    unit_id: {ledger.ZONE}
    year: 2024
    value: 2
    comparison: at_least
"""

Rows = dict[str, int]

#: Tables of the base dataset: the units, the tables that hold personal data, and those the
#: claims check reads. A case that breaks another table writes it first from tests/ledger.py
#: (:func:`read_rows` does so): every command then reads ten tables, not sixteen, and the
#: corpus runs in half the time.
BASE_TABLES: tuple[str, ...] = (
    "communities", "population", "boundaries", "compounds", "facilities", "volunteers",
    "social_workers", "vulnerable_residents", "services", "mediation_cases",
)


@dataclass(frozen=True)
class Case:
    """One kind of bad input and what every command must make of it.

    Attributes
    ----------
    name
        A short id (the test id).
    plants
        What the case plants, in a line.
    make
        Writes the case's data directory (the base dataset is already there) and
        returns the rows each table it changed must read.
    exits
        Expected exit code per command (``validate``, ``indicators``, ``index``,
        ``claims``, ``build``); a command not listed must exit 0.
    messages
        Per command, a fragment (case-insensitive) of the message that names the
        real problem: in the one line on stderr when the command exits 2, else in
        what it prints or in the quarantine.
    file
        The file the exit-2 message must name.
    rules
        ``(table, rule)`` pairs the quarantine must hold.
    absent_rules
        ``(table, rule)`` pairs it must not hold (a cascade that must not happen).
    pii
        Personal-data strings the case plants, besides the base dataset's.
    args
        Extra arguments per command.
    build
        Units to build (``--units``, HTML only; ``*`` for every unit) when the
        build must run the notebooks; None runs ``build`` only when it is
        expected to stop early.
    check
        Further checks on the outputs: ``check(command, out, stdout)``.
    """

    name: str
    plants: str
    make: Callable[[Path], Rows]
    exits: Mapping[str, int] = field(default_factory=dict)
    messages: Mapping[str, str] = field(default_factory=dict)
    file: str = ""
    rules: tuple[tuple[str, str], ...] = ()
    absent_rules: tuple[tuple[str, str], ...] = ()
    pii: tuple[str, ...] = ()
    args: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    build: str | None = None
    check: Callable[[str, Path, str], None] | None = None

    def exit(self, command: str) -> int:
        return self.exits.get(command, 0)

    def runs(self, command: str) -> bool:
        """``build`` runs when the case names units, or when it must stop before any notebook."""
        return command != "build" or self.build is not None or self.exit("build") != 0


# ------------------------------------------------------------------- base dataset


def fixture_rows() -> Rows:
    """Rows per table of tests/ledger.py's good records."""
    rows = {name: len(recs) for name, recs in ledger.RECORDS.items()}
    rows |= {name: len(recs) for name, recs in ledger.GEO_RECORDS.items()}
    rows["boundaries"] = len(ledger.BOXES)
    return rows


def present(data: Path) -> list[str]:
    """Tables with a file (under their own name) in ``data``."""
    names = {p.stem for p in data.iterdir() if p.suffix in (".csv", ".xlsx", ".geojson", ".shp")}
    return [t for t in contract.TABLES if t in names]


def write_base(data: Path) -> None:
    """Write the base dataset: the :data:`BASE_TABLES` as canonical CSV and GeoJSON,
    dataset.yaml and published_claims.yaml."""
    ledger.write_canonical(data)
    for table in contract.TABLES:
        if table not in BASE_TABLES and (data / f"{table}.csv").exists():
            (data / f"{table}.csv").unlink()
    (data / "dataset.yaml").write_text(DATASET_YAML, encoding="utf-8")
    (data / "published_claims.yaml").write_text(CLAIMS_YAML, encoding="utf-8")


def materialise(data: Path, table: str) -> None:
    """Write ``table`` from tests/ledger.py's good records when the data has no file for it."""
    if table in present(data):
        return
    rows = [{c: ledger._canonical_cell(r.get(c)) for c in columns(table)} for r in ledger.RECORDS[table]]
    write_rows(data, table, rows)


# ------------------------------------------------------------------- CSV helpers


def columns(table: str) -> list[str]:
    return [c.name for c in contract.TABLES[table].columns]


def read_rows(data: Path, table: str) -> list[dict[str, str]]:
    materialise(data, table)
    with (data / f"{table}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def csv_text(table: str, rows: list[Mapping[str, object]], *, delimiter: str = ",",
             header: list[str] | None = None) -> str:
    """The table as CSV text (canonical headers unless ``header`` is given)."""
    names = columns(table)
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header or names)
    for row in rows:
        writer.writerow(["" if row.get(c) is None else str(row.get(c)) for c in names])
    return buf.getvalue()


def write_rows(data: Path, table: str, rows: list[Mapping[str, object]], *, encoding: str = "utf-8",
               delimiter: str = ",", header: list[str] | None = None) -> None:
    text = csv_text(table, rows, delimiter=delimiter, header=header)
    (data / f"{table}.csv").write_bytes(text.encode(encoding))


def add_rows(data: Path, table: str, *rows: Mapping[str, object]) -> int:
    """Append canonical rows to a table; return its row count."""
    existing = read_rows(data, table)
    write_rows(data, table, [*existing, *rows])
    return len(existing) + len(rows)


def edit_rows(data: Path, table: str, key: str, value: str, **changes: object) -> None:
    """Change the cells of the rows whose ``key`` column holds ``value``."""
    rows = read_rows(data, table)
    for row in rows:
        if row[key] == value:
            row.update({k: "" if v is None else str(v) for k, v in changes.items()})
    write_rows(data, table, rows)


# ------------------------------------------------------------------- GeoJSON helpers


def features(data: Path, layer: str) -> dict[str, object]:
    return json.loads((data / f"{layer}.geojson").read_text(encoding="utf-8"))


def save_features(data: Path, layer: str, doc: Mapping[str, object]) -> None:
    (data / f"{layer}.geojson").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")


def set_geometry(data: Path, layer: str, key: str, value: str, geometry: object) -> None:
    """Replace the geometry of the features whose property ``key`` is ``value``."""
    doc = features(data, layer)
    for feature in doc["features"]:  # type: ignore[index]
        if feature["properties"][key] == value:
            feature["geometry"] = geometry
    save_features(data, layer, doc)


def drop_features(data: Path, layer: str, key: str, value: str) -> int:
    """Remove the features whose property ``key`` is ``value``; return how many are left."""
    doc = features(data, layer)
    doc["features"] = [f for f in doc["features"] if f["properties"][key] != value]  # type: ignore[index]
    save_features(data, layer, doc)
    return len(doc["features"])  # type: ignore[arg-type]


def point(x: float, y: float) -> dict[str, object]:
    return {"type": "Point", "coordinates": [x, y]}


def square(x: float, y: float, d: float = 0.0004) -> dict[str, object]:
    return {"type": "Polygon", "coordinates": [[[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]]}
