"""A zone made of k identical copies of one community, written as raw ledgers.

The fixture of the size-free rule: every scored indicator of such a zone must equal
the community's, and so must its dimension scores and its index. ``write_copies``
reads one community's rows from a raw data directory (the demo in ``data/raw``) and
writes them k times into a new directory: every id suffixed ``_k1`` … ``_kk`` (the
table's own id, every reference to another table, person ids and the community id),
the same dates, numbers and geometry (so copy 2's facilities stand exactly where
copy 1's do), and one zone that holds only the copies.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import yaml

from linli import contract

#: The zone that holds the copies.
ZONE = "copies"


def _id_columns(table: contract.Table) -> list[str]:
    """Columns whose values are ids: the table's id, references, person ids, community_id."""
    return [
        c.name
        for c in table.columns
        if c.name in (table.id_column, "community_id") or c.kind == "ref" or c.person_id
    ]


def _suffix(value: object, i: int) -> object:
    return f"{value}_k{i}" if isinstance(value, str) and value else value


def write_copies(src: Path, out: Path, community_id: str, k: int) -> list[str]:
    """Write a dataset whose one zone is ``k`` copies of ``community_id`` of ``src``.

    Returns the ids of the copies (``<community_id>_k1`` …).
    """
    out.mkdir(parents=True, exist_ok=True)
    ids = [f"{community_id}_k{i}" for i in range(1, k + 1)]
    for name, table in contract.TABLES.items():
        columns = _id_columns(table)
        if table.is_geo:
            path = src / f"{name}.geojson"
            if not path.is_file():
                continue
            doc = json.loads(path.read_text(encoding="utf-8"))
            mine = [f for f in doc["features"] if f["properties"].get("community_id") == community_id]
            features = []
            for i in range(1, k + 1):
                for f in mine:
                    props = {c: (_suffix(v, i) if c in columns else v) for c, v in f["properties"].items()}
                    features.append({**f, "properties": props})
            doc["features"] = features
            (out / path.name).write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
            continue
        path = src / f"{name}.csv"
        if not path.is_file():
            continue
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
        mine = frame[frame["community_id"] == community_id]
        parts = []
        for i in range(1, k + 1):
            part = mine.copy()
            for c in columns:
                if c in part.columns:
                    part[c] = [_suffix(v, i) for v in part[c]]
            if name == "communities":
                part["zone_id"] = ZONE
                part["name_zh"] = part["name_zh"] + str(i)  # names identify communities too
                part["name_en"] = part["name_en"] + f" {i}"
            parts.append(part)
        pd.concat(parts).to_csv(out / path.name, index=False, encoding="utf-8", lineterminator="\n")
    meta = yaml.safe_load((src / "dataset.yaml").read_text(encoding="utf-8"))
    meta["name"] = f"{k} copies of {community_id}"
    meta["zones"] = {ZONE: {"name_zh": "复制区", "name_en": "Copies"}}
    (out / "dataset.yaml").write_text(yaml.safe_dump(meta, allow_unicode=True), encoding="utf-8")
    return ids
