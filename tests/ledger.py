"""A small ledger-shaped dataset, in canonical form and as street offices keep it.

``RECORDS`` holds the good records of a two-community zone in canonical values.
``write_canonical`` writes them as the contract's UTF-8 CSV/GeoJSON files;
``write_ledger`` writes the *same* records the way a street office keeps them —
Chinese file names (``2024年 纠纷调解台账.xlsx``), Chinese headers, Chinese dates (2024年3月5日) or real Excel date cells, Chinese
code labels, community names instead of codes, mediator lists joined with 、,
是/否 booleans, full-width digits and padded cells — as an XLSX workbook or a GBK
CSV, plus ``BAD_ROWS``: one broken row per rule, each with the rule it must land
under. Personal values are in ``PII_VALUES`` so tests can prove none leaks.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pandas as pd

from linli import contract

ZONE = "testzone"
# Two communities side by side, each 0.01° × 0.01° (about 1 km × 1.1 km) near Hengyang.
BOXES = {
    "renminlu": (112.600, 26.890, 112.610, 26.900),
    "xiangbei": (112.610, 26.890, 112.620, 26.900),
}

PII_VALUES = [
    "张三丰", "李四光", "王五娘", "赵六叔", "孙七婆",
    "13912345678", "13800001111", "13700002222", "13600003333",
    "430403195001011234", "43040319520202123X", "430403194803031235",
    "人民路12号3栋101", "湘北巷5号",
]

RECORDS: dict[str, list[dict[str, object]]] = {
    "communities": [
        {"community_id": "renminlu", "name_zh": "人民路社区", "name_en": "Renminlu", "brand": "lin_zhi", "zone_id": ZONE},
        {"community_id": "xiangbei", "name_zh": "湘北社区", "name_en": "Xiangbei", "brand": "lin_he", "zone_id": ZONE},
    ],
    "population": [
        {"community_id": "renminlu", "year": 2024, "residents": 7000, "resident_population": 6500,
         "households": 2500, "age_65_plus": 1260, "disabled": 150},
        {"community_id": "xiangbei", "year": 2024, "residents": 6000, "resident_population": 5800,
         "households": 2100, "age_65_plus": 1100, "disabled": 120},
    ],
    "social_organizations": [
        {"org_id": "o1", "community_id": "renminlu", "name_zh": "书画协会", "kind": "culture",
         "registered_on": dt.date(2021, 5, 1), "dissolved_on": None},
        {"org_id": "o2", "community_id": "xiangbei", "name_zh": "调解队", "kind": "mediation",
         "registered_on": dt.date(2023, 1, 9), "dissolved_on": dt.date(2024, 6, 30)},
    ],
    "volunteers": [
        {"volunteer_id": "V001", "community_id": "renminlu", "team": "平安巡逻队", "birth_year": 1960,
         "registered_on": dt.date(2022, 3, 5), "left_on": None,
         "name": "张三丰", "phone": "13912345678", "id_number": "430403195001011234"},
        {"volunteer_id": "V002", "community_id": "xiangbei", "team": None, "birth_year": 1985,
         "registered_on": dt.date(2023, 12, 31), "left_on": dt.date(2024, 12, 31),
         "name": "李四光", "phone": "13800001111", "id_number": "43040319520202123X"},
    ],
    "charity_resources": [
        {"resource_id": "c1", "community_id": "renminlu", "name_zh": "爱心超市", "kind": "merchant",
         "joined_on": dt.date(2022, 1, 1), "left_on": None},
    ],
    "social_workers": [
        {"worker_id": "W01", "community_id": "xiangbei", "certified": True,
         "joined_on": dt.date(2020, 7, 1), "left_on": None, "name": "王五娘"},
    ],
    "volunteer_activities": [
        {"activity_id": "a1", "community_id": "renminlu", "date": dt.date(2024, 3, 5), "team": "平安巡逻队",
         "category": "patrol", "volunteers": 12, "hours": 24.5, "beneficiaries": 300},
        {"activity_id": "a2", "community_id": "xiangbei", "date": dt.date(2024, 10, 1), "team": None,
         "category": "elderly_aid", "volunteers": 5, "hours": 10.0, "beneficiaries": 8},
    ],
    "mediation_cases": [
        {"case_id": "m1", "community_id": "xiangbei", "compound_id": "cp3", "received_on": dt.date(2024, 3, 5),
         "closed_on": dt.date(2024, 3, 5), "dispute_type": "parking",
         "mediators": "police;grid_worker;volunteer", "outcome": "resolved"},
        {"case_id": "m2", "community_id": "renminlu", "compound_id": None, "received_on": dt.date(2024, 11, 20),
         "closed_on": None, "dispute_type": "noise", "mediators": "grid_worker", "outcome": "pending"},
    ],
    "vulnerable_residents": [
        {"resident_id": "R01", "community_id": "xiangbei", "compound_id": "cp3", "group": "elderly_alone",
         "birth_year": 1940, "registered_on": dt.date(2020, 1, 1), "left_on": None,
         "name": "赵六叔", "phone": "13700002222", "id_number": "430403194803031235", "address": "湘北巷5号"},
        {"resident_id": "R02", "community_id": "renminlu", "compound_id": "cp1", "group": "disabled",
         "birth_year": 1970, "registered_on": dt.date(2021, 4, 2), "left_on": None,
         "name": "孙七婆", "phone": "13600003333", "id_number": None, "address": "人民路12号3栋101"},
    ],
    "services": [
        {"service_id": "s1", "community_id": "xiangbei", "resident_id": "R01", "date": dt.date(2024, 1, 15),
         "service_type": "companion_visit", "provider": "社工站", "minutes": 60},
        {"service_id": "s2", "community_id": "renminlu", "resident_id": "R02", "date": dt.date(2024, 2, 1),
         "service_type": "rehab", "provider": None, "minutes": 45},
    ],
    "culture_events": [
        {"event_id": "e1", "community_id": "renminlu", "facility_id": "f1", "date": dt.date(2024, 5, 4),
         "category": "calligraphy", "participants": 30, "participants_65_plus": 18},
    ],
    "resident_requests": [
        {"request_id": "q1", "community_id": "renminlu", "channel": "hotline", "category": "路灯",
         "received_on": dt.date(2024, 2, 1), "closed_on": dt.date(2024, 2, 3), "satisfied": True},
        {"request_id": "q2", "community_id": "xiangbei", "channel": "grid", "category": None,
         "received_on": dt.date(2024, 6, 1), "closed_on": None, "satisfied": None},
    ],
    "survey_responses": [
        {"response_id": "r1", "community_id": "renminlu", "year": 2024, "age_group": "65+", "weight": 1.5,
         "q_environment": 4, "q_safety": 5, "q_services": 3, "q_participation": None, "q_harmony": 4,
         "q_culture": 5, "q_overall": 4},
        {"response_id": "r2", "community_id": "xiangbei", "year": 2024, "age_group": "35-49", "weight": None,
         "q_environment": 2, "q_safety": 4, "q_services": 4, "q_participation": 3, "q_harmony": 5,
         "q_culture": 3, "q_overall": 5},
    ],
}

GEO_RECORDS: dict[str, list[dict[str, object]]] = {
    "compounds": [
        {"compound_id": "cp1", "community_id": "renminlu", "name_zh": "赤帝巷小区", "households": 183,
         "built_year": 1982, "renovation_completed_on": "2023-10-01", "parking_spaces": 20,
         "party_branch_since": "2022-06-01", "owners_committee_since": "2023-01-15", "self_governed": "false",
         "geometry": ("point", (112.603, 26.893))},
        {"compound_id": "cp3", "community_id": "xiangbei", "name_zh": "醇美平安苑小区", "households": 56,
         "built_year": 1965, "renovation_completed_on": None, "parking_spaces": 12,
         "party_branch_since": None, "owners_committee_since": None, "self_governed": "true",
         "geometry": ("square", (112.614, 26.894))},
    ],
    "facilities": [
        {"facility_id": "f1", "community_id": "renminlu", "name_zh": "社区综合服务中心", "category": "service_center",
         "floor_area_m2": 420.0, "opened_on": "2019-09-01", "geometry": ("point", (112.605, 26.895))},
        {"facility_id": "f2", "community_id": "xiangbei", "name_zh": "健身点", "category": "fitness",
         "floor_area_m2": None, "opened_on": "2024-08-01", "geometry": ("point", (112.615, 26.896))},
    ],
}

# One broken ledger row per rule: (table, canonical record, column, rule).
BAD_ROWS: list[tuple[str, dict[str, object], str, str]] = [
    ("mediation_cases", {"case_id": "m9", "community_id": "xiangbei", "received_on": "去年春天",
                         "dispute_type": "parking", "mediators": "police", "outcome": "resolved"},
     "received_on", "not_a_date"),
    ("mediation_cases", {"case_id": "m10", "community_id": "xiangbei", "received_on": dt.date(2024, 5, 9),
                         "closed_on": dt.date(2024, 5, 1), "dispute_type": "noise", "mediators": "police",
                         "outcome": "resolved"},
     "closed_on", "closed_before_received"),
    ("mediation_cases", {"case_id": "m11", "community_id": "xiangbei", "received_on": dt.date(2024, 5, 9),
                         "dispute_type": "打架", "mediators": "police", "outcome": "resolved"},
     "dispute_type", "unknown_code"),
    ("mediation_cases", {"case_id": "m12", "community_id": "幸福社区", "received_on": dt.date(2024, 5, 9),
                         "dispute_type": "noise", "mediators": "police", "outcome": "resolved"},
     "community_id", "unknown_reference"),
    ("mediation_cases", {"case_id": "m1", "community_id": "xiangbei", "received_on": dt.date(2024, 7, 1),
                         "dispute_type": "family", "mediators": "lawyer", "outcome": "failed"},
     "case_id", "duplicate_id"),
    ("mediation_cases", {"case_id": "m13", "community_id": "xiangbei", "received_on": dt.date(2031, 1, 1),
                         "dispute_type": "family", "mediators": "lawyer", "outcome": "failed"},
     "received_on", "future_date"),
    ("mediation_cases", {"case_id": "m14", "community_id": "xiangbei", "received_on": dt.date(2024, 7, 1),
                         "dispute_type": "family", "mediators": "lawyer;巫师", "outcome": "failed"},
     "mediators", "unknown_code"),
    ("population", {"community_id": "renminlu", "year": 2023, "residents": 100, "resident_population": 90,
                    "households": 40, "age_65_plus": 150, "disabled": 3},
     "age_65_plus", "age_65_plus_exceeds_residents"),
    ("population", {"community_id": "xiangbei", "year": 2023, "residents": 100, "resident_population": 90,
                    "households": 0, "age_65_plus": 15, "disabled": 3},
     "households", "below_minimum"),
    ("population", {"community_id": "renminlu", "year": 2024, "residents": 1, "resident_population": 1,
                    "households": 1, "age_65_plus": 0, "disabled": 0},
     "community_id+year", "duplicate_key"),
    ("volunteers", {"volunteer_id": "V003", "community_id": "renminlu", "team": "x", "registered_on": None,
                    "name": "张三丰", "phone": "13912345678"},
     "registered_on", "missing_value"),
    ("volunteers", {"volunteer_id": "V004", "community_id": "renminlu", "team": "x", "registered_on": "2024-13-01",
                    "name": "李四光", "id_number": "430403195001011234"},
     "registered_on", "not_a_date"),
    ("services", {"service_id": "s9", "community_id": "renminlu", "resident_id": "R99", "date": dt.date(2024, 3, 1),
                  "service_type": "rehab", "minutes": 30},
     "resident_id", "unknown_reference"),
    ("services", {"service_id": "s10", "community_id": "renminlu", "resident_id": "R02", "date": dt.date(2024, 3, 1),
                  "service_type": "rehab", "minutes": "半小时"},
     "minutes", "not_an_integer"),
    ("culture_events", {"event_id": "e9", "community_id": "renminlu", "date": dt.date(2024, 5, 4),
                        "category": "opera", "participants": 10, "participants_65_plus": 12},
     "participants_65_plus", "elders_exceed_participants"),
    ("culture_events", {"event_id": "e10", "community_id": "renminlu", "facility_id": "f404",
                        "date": dt.date(2024, 5, 4), "category": "opera", "participants": 10},
     "facility_id", "unknown_reference"),
    ("resident_requests", {"request_id": "q9", "community_id": "renminlu", "channel": "hotline",
                           "received_on": dt.date(2024, 2, 1), "satisfied": "也许"},
     "satisfied", "not_a_boolean"),
    ("survey_responses", {"response_id": "r9", "community_id": "renminlu", "year": 2024, "weight": 1,
                          "q_overall": 7},
     "q_overall", "above_maximum"),
    ("survey_responses", {"response_id": "r10", "community_id": "renminlu", "year": 2024, "weight": -2,
                          "q_overall": 3},
     "weight", "below_minimum"),
    ("communities", {"community_id": "Bad Code", "name_zh": "坏社区", "zone_id": ZONE},
     "community_id", "bad_pattern"),
    ("population", {"community_id": "xiangbei", "year": 2022, "residents": 100, "resident_population": 90,
                    "households": 40, "age_65_plus": 10, "disabled": 120},
     "disabled", "disabled_exceeds_residents"),
    ("social_organizations", {"org_id": "o9", "community_id": "renminlu", "name_zh": "合唱团", "kind": "culture",
                              "registered_on": dt.date(2024, 5, 1), "dissolved_on": dt.date(2024, 1, 1)},
     "dissolved_on", "end_before_start"),
    ("volunteer_activities", {"activity_id": "a9", "community_id": "renminlu", "date": dt.date(2024, 4, 1),
                              "category": "environment", "volunteers": 3, "hours": "两小时"},
     "hours", "not_a_number"),
]
# An exact copy of a good row is reported as a duplicate row.
EXACT_DUPLICATE = ("resident_requests", 0)


def _square(x: float, y: float, d: float = 0.0004) -> list[list[list[float]]]:
    return [[[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]]


def _feature(props: dict[str, object], geom: tuple[str, object]) -> dict[str, object]:
    kind, coords = geom
    if kind == "point":
        g: dict[str, object] = {"type": "Point", "coordinates": list(coords)}  # type: ignore[arg-type]
    elif kind == "square":
        g = {"type": "Polygon", "coordinates": _square(*coords)}  # type: ignore[misc]
    else:  # raw geometry dict
        g = coords  # type: ignore[assignment]
    return {"type": "Feature", "properties": props, "geometry": g}


def write_geo(out: Path, *, extra: dict[str, list[dict[str, object]]] | None = None) -> None:
    """Write the boundaries, compounds and facilities GeoJSON files (plus ``extra`` features)."""
    out.mkdir(parents=True, exist_ok=True)
    boundaries = [
        _feature({"community_id": cid}, ("raw", {"type": "Polygon", "coordinates": [[
            [x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}))
        for cid, (x0, y0, x1, y1) in BOXES.items()
    ]
    layers = {"boundaries": boundaries}
    for name, recs in GEO_RECORDS.items():
        rows = list(recs) + list((extra or {}).get(name, []))
        layers[name] = [_feature({k: v for k, v in r.items() if k != "geometry"}, r["geometry"]) for r in rows]  # type: ignore[arg-type]
    for name, feats in layers.items():
        doc = {"type": "FeatureCollection", "features": feats}
        (out / f"{name}.geojson").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")


def _canonical_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def write_canonical(out: Path) -> None:
    """Write the good records as canonical UTF-8 CSV + GeoJSON files."""
    write_geo(out)
    for name, rows in RECORDS.items():
        cols = [c.name for c in contract.TABLES[name].columns]
        frame = pd.DataFrame([{c: _canonical_cell(r.get(c)) for c in cols} for r in rows], columns=cols)
        frame.to_csv(out / f"{name}.csv", index=False, encoding="utf-8", lineterminator="\n")


_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def _ledger_cell(name: str, col: contract.Column, value: object, *, excel: bool, i: int) -> object:
    """The value as a clerk would type it."""
    if value is None:
        return None
    if name != "communities" and col.name == "community_id" and value in {"renminlu", "xiangbei"}:
        zh = {"renminlu": "人民路社区", "xiangbei": "湘北社区"}[str(value)]
        return zh if i % 2 == 0 else zh.removesuffix("社区")  # both spellings occur
    if col.kind == "code" and col.codes and value in col.codes:
        return col.codes[str(value)]
    if col.kind == "list" and col.codes:
        return "、".join(col.codes.get(v, v) for v in str(value).split(";"))
    if col.kind == "bool" and isinstance(value, bool):
        return "是" if value else "否"
    if col.kind == "date" and isinstance(value, dt.date):
        if excel and i % 2 == 0:
            return value  # a real Excel date cell
        return f"{value.year}年{value.month}月{value.day}日"
    if col.kind == "int" and isinstance(value, int) and not excel and i % 3 == 0:
        return f" {str(value).translate(_FULLWIDTH)} "  # full-width digits in a padded cell
    if isinstance(value, str):
        return f"  {value} " if i % 2 else value
    return value


def ledger_rows(name: str) -> tuple[list[str], list[list[object]]]:
    """Chinese header and rows (good, then bad) of table ``name`` in ledger form."""
    table = contract.TABLES[name]
    header = [c.aliases[0] if c.aliases else c.name for c in table.columns]
    rows = list(RECORDS.get(name, []))
    bad = [rec for tname, rec, _col, _rule in BAD_ROWS if tname == name]
    if EXACT_DUPLICATE[0] == name:
        rows_out = [*rows, rows[EXACT_DUPLICATE[1]], *bad]
    else:
        rows_out = [*rows, *bad]
    return header, [[r.get(c.name) for c in table.columns] for r in rows_out]


def ledger_file(name: str, ext: str) -> str:
    """The file name a street office gives table ``name``: a year, then its last Chinese name
    (``2024年矛盾纠纷调解台账.xlsx``)."""
    return f"2024年 {contract.TABLES[name].file_names[-1]}.{ext}"


def write_ledger(out: Path, *, fmt: str) -> None:
    """Write the records (and the bad rows) as street-office ledgers: ``fmt`` is 'xlsx' or 'gbk'."""
    write_geo(out)
    for name in RECORDS:
        table = contract.TABLES[name]
        header, rows = ledger_rows(name)
        cells = [
            [_ledger_cell(name, col, v, excel=fmt == "xlsx", i=i) for col, v in zip(table.columns, row, strict=True)]
            for i, row in enumerate(rows)
        ]
        if fmt == "xlsx":
            wb = openpyxl.Workbook()
            ws = wb.active
            ws.title = table.title_zh
            ws.append(header)
            for row in cells:
                ws.append(row)
            wb.save(out / ledger_file(name, "xlsx"))
        else:
            text = pd.DataFrame(
                [["" if v is None else (v.isoformat() if isinstance(v, dt.date) else str(v)) for v in r] for r in cells],
                columns=header,
            )
            (out / ledger_file(name, "csv")).write_bytes(text.to_csv(index=False, lineterminator="\r\n").encode("gbk"))


def expected_quarantine() -> set[tuple[str, str, str]]:
    """(table, column, rule) of every bad row, plus the exact duplicate."""
    found = {(t, col, rule) for t, _rec, col, rule in BAD_ROWS}
    found.add((EXACT_DUPLICATE[0], "", "duplicate_row"))
    return found
