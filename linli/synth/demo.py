"""The demo's calibration: read ``demo.yaml``, check it, and make the demo's plan.

``demo.yaml`` ships with the package. It holds every number the demo dataset of
the Renmin Street zone is calibrated to, each published figure beside the words
of the article it comes from — 《“邻”品牌让群众的幸福感触手可及——石鼓区人民街道创建
全省城乡社区治理创新实验区纪实》 (胡建军, 衡阳日报) — and every invented number marked
as an assumption. :func:`load_calibration` checks it and fails with one line
naming the place and the problem; it also checks that the four communities add
up to each published zone figure.

Tunables
--------
``DEMO_SEED``     seed of the demo dataset (changing it changes ``data/raw``)
``DEMO_YEARS``    years of the demo (2022 baseline, 2023, 2024); ``demo.yaml`` gives
                  a value for each of them
``DEMO_ZONE_ID``  the zone's id
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from .. import contract
from ..errors import LinliError
from .draws import parse_day
from .plan import Facilities, Plan

__all__ = [
    "DEMO_SEED",
    "DEMO_YEARS",
    "DEMO_ZONE_ID",
    "Calibration",
    "CalibrationError",
    "LayoutSpec",
    "load_calibration",
]

DEMO_SEED: int = 2024
DEMO_YEARS: tuple[int, ...] = (2022, 2023, 2024)
DEMO_ZONE_ID: str = "renmin"


class CalibrationError(LinliError, ValueError):
    """The demo calibration file is malformed."""


@dataclass(frozen=True)
class LayoutSpec:
    """Where the demo's communities lie (arguments of :meth:`Layout.grid`), and the
    ``note`` every feature carries."""

    lon0: float
    lat0: float
    cell_m: tuple[float, float]
    jitter: float
    ncols: int
    spread: tuple[float, float]
    note: str


@dataclass(frozen=True)
class Calibration:
    """A checked ``demo.yaml``: the plan of the four communities and how to write them."""

    source: dict[str, str]  # title, publisher, author of the article
    zone: dict[str, str]  # name_zh, name_en
    dataset: dict[str, str]  # name, name_en, note (for dataset.yaml)
    layout: LayoutSpec
    plan: Plan


_COUNT: tuple[float | None, float | None] = (0, None)
_SHARE: tuple[float | None, float | None] = (0.0, 1.0)
#: The parameters under ``communities.<id>.invented``: a value a year ("year") or one
#: value ("scalar"), its range, and whether it is a whole number.
_INVENTED: dict[str, tuple[str, tuple[float | None, float | None], bool]] = {
    "households": ("year", (1, None), True),
    "resident_population": ("year", _COUNT, True),
    "disabled": ("year", _COUNT, True),
    "party": ("year", _SHARE, False),
    "committee": ("year", _SHARE, False),
    "renovated": ("year", _SHARE, False),
    "self_governed": ("scalar", _SHARE, False),
    "workers": ("year", _COUNT, True),
    "register": ("year", _COUNT, True),
    "culture": ("year", _COUNT, True),
    "requests": ("year", _COUNT, True),
    "surveys": ("year", _COUNT, True),
    "aid_share": ("scalar", _SHARE, False),
    "resolved": ("year", _SHARE, False),
    "joint": ("year", _SHARE, False),
    "case_days": ("scalar", (0.1, None), False),
    "closed": ("year", _SHARE, False),
    "request_days": ("scalar", (0.1, None), False),
    "satisfied": ("year", _SHARE, False),
    "regular": ("year", _SHARE, False),
    "occasional": ("year", _SHARE, False),
    "visits": ("scalar", (0.0, None), False),
    "elder_share": ("scalar", _SHARE, False),
    "survey_base": ("year", (1.0, 5.0), False),
}
#: The published figures: counts a year, summed over the communities.
_PUBLISHED = ("orgs", "volunteers", "charity", "residents", "age_65_plus", "teams", "activities", "cases")
_OVERRIDES = {
    "households": "int", "built_year": "int", "parking_spaces": "int", "party_branch_since": "date",
    "owners_committee_since": "date", "renovation": "date", "self_governed": "bool", "rx": "unit",
    "ry": "unit",
}


def load_calibration(path: str | Path | None = None, *, years: tuple[int, ...] = DEMO_YEARS) -> Calibration:
    """Read and check a demo calibration file.

    Parameters
    ----------
    path
        The file; by default the ``demo.yaml`` shipped with linli.
    years
        The years every per-year value must cover.

    Returns
    -------
    Calibration
        The checked calibration, with the plan of its communities.

    Raises
    ------
    CalibrationError
        When the file cannot be read or breaks a rule; the message names the
        place (``published.orgs``) and the problem.

    Examples
    --------
    >>> cal = load_calibration()
    >>> cal.plan.ids, int(cal.plan.residents[:, -1].sum())
    (['renminlu', 'xiangbei', 'xiangyang', 'zhengyang'], 27457)
    """
    if path is None:
        name = "demo.yaml"
        text = resources.files("linli.synth").joinpath(name).read_text(encoding="utf-8")
    else:
        name = Path(path).name
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            msg = f"{name}: cannot read the calibration ({exc})."
            raise CalibrationError(msg) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        msg = f"{name}: not valid YAML{where} ({getattr(exc, 'problem', None) or exc})."
        raise CalibrationError(msg) from None
    return _Reader(name, tuple(int(y) for y in years)).calibration(data)


class _Reader:
    """Checks one calibration file; every failure names the file and the place."""

    def __init__(self, name: str, years: tuple[int, ...]) -> None:
        self.name = name
        self.years = years

    def fail(self, where: str, message: str) -> CalibrationError:
        return CalibrationError(f"{self.name}, {where}: {message}")

    # -- values ------------------------------------------------------------------

    def mapping(self, value: object, where: str, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(where, f"expected a mapping, got {value!r}.")
        missing = [k for k in required if k not in value]
        if missing:
            raise self.fail(where, f"missing {', '.join(missing)}.")
        unknown = [str(k) for k in value if k not in required and k not in optional]
        if unknown:
            known = ", ".join(required + optional)
            raise self.fail(where, f"unknown key {', '.join(unknown)}; known: {known}.")
        return value

    def text(self, value: object, where: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(where, f"expected text, got {value!r}.")
        return value

    def code(self, value: object, where: str, codes: Collection[str]) -> str:
        if not isinstance(value, str) or value not in codes:
            raise self.fail(where, f"unknown code {value!r}; known: {', '.join(codes)}.")
        return str(value)

    def number(self, value: object, where: str, bounds: tuple[float | None, float | None], whole: bool) -> float:
        """``value`` unchanged (an int stays an int) when it is a number within ``bounds``."""
        if isinstance(value, bool) or not isinstance(value, int | float) or (whole and not isinstance(value, int)):
            raise self.fail(where, f"expected {'a whole number' if whole else 'a number'}, got {value!r}.")
        lo, hi = bounds
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            span = f"{'' if lo is None else lo}–{'' if hi is None else hi}".strip("–")
            raise self.fail(where, f"{value!r} is out of range ({span}).")
        return value

    def per_year(self, value: object, where: str, bounds: tuple[float | None, float | None], whole: bool,
                 years: tuple[int, ...] | None = None) -> tuple[Any, ...]:
        want = self.years if years is None else years
        if not isinstance(value, dict) or set(value) != set(want):
            got = ", ".join(map(str, value)) if isinstance(value, dict) else repr(value)
            raise self.fail(where, f"expected a value for each of {', '.join(map(str, want))}, got {got}.")
        return tuple(self.number(value[y], f"{where}.{y}", bounds, whole) for y in want)

    def date(self, value: object, where: str) -> str:
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            day = value
        else:
            try:
                day = dt.date.fromisoformat(str(value))
            except ValueError:
                raise self.fail(where, f"not a date (YYYY-MM-DD): {value!r}.") from None
        if day.year > self.years[-1]:
            raise self.fail(where, f"{day} is after the last year, {self.years[-1]}.")
        return day.isoformat()

    # -- sections ----------------------------------------------------------------

    def calibration(self, data: object) -> Calibration:
        top = self.mapping(data, "the file", (
            "source", "assumptions", "zone", "dataset", "layout", "communities", "published",
            "named_compounds", "placed_compounds", "facilities", "pinned_cases",
        ))
        source_d = self.mapping(top["source"], "source", ("title", "publisher", "author"))
        source = {k: self.text(source_d[k], f"source.{k}") for k in ("title", "publisher", "author")}
        assumptions = top["assumptions"]
        if not isinstance(assumptions, dict) or not assumptions:
            raise self.fail("assumptions", "expected a mapping of labelled assumptions.")
        for k, v in assumptions.items():
            if "ASSUMPTION" not in self.text(v, f"assumptions.{k}"):
                raise self.fail(f"assumptions.{k}", "should say ASSUMPTION.")
        zone_d = self.mapping(top["zone"], "zone", ("name_zh", "name_en"))
        zone = {k: self.text(zone_d[k], f"zone.{k}") for k in ("name_zh", "name_en")}
        dataset_d = self.mapping(top["dataset"], "dataset", ("name", "name_en", "note"))
        dataset = {k: self.text(dataset_d[k], f"dataset.{k}") for k in ("name", "name_en", "note")}
        layout = self.layout(top["layout"])
        communities = self.communities(top["communities"], layout)
        values = {cid: dict(c["invented"]) for cid, c in communities.items()}
        for figure, counts in self.published(top["published"], tuple(communities)).items():
            for cid, series in counts.items():
                if figure == "teams":
                    values[cid]["teams_base"], values[cid]["teams_final"] = series
                else:
                    values[cid][figure] = series
        for cid, v in values.items():
            for part in ("resident_population", "age_65_plus", "disabled"):
                if any(a > b for a, b in zip(v[part], v["residents"], strict=True)):
                    raise self.fail(f"communities.{cid}", f"{part} exceeds residents in some year.")
        overrides = self.compound_overrides(top["named_compounds"], top["placed_compounds"], communities)
        facilities = self.facilities(top["facilities"], tuple(communities))
        cases = self.pinned_cases(top["pinned_cases"], communities)
        plan = _plan(communities, values, facilities, overrides, cases, layout)
        return Calibration(source, zone, dataset, layout, plan)

    def layout(self, value: object) -> LayoutSpec:
        d = self.mapping(value, "layout", ("lon0", "lat0", "cell_m", "jitter", "ncols", "spread", "note"))
        pair: dict[str, tuple[float, float]] = {}
        for key, bounds in (("cell_m", (1.0, None)), ("spread", (0.0, 1.0))):
            v = d[key]
            if not isinstance(v, list) or len(v) != 2:
                raise self.fail(f"layout.{key}", f"expected two numbers, got {v!r}.")
            a, b = (float(self.number(x, f"layout.{key}", bounds, False)) for x in v)
            pair[key] = (a, b)
        return LayoutSpec(
            lon0=float(self.number(d["lon0"], "layout.lon0", (-180.0, 180.0), False)),
            lat0=float(self.number(d["lat0"], "layout.lat0", (-90.0, 90.0), False)),
            cell_m=pair["cell_m"],
            jitter=float(self.number(d["jitter"], "layout.jitter", (0.0, 0.4), False)),
            ncols=int(self.number(d["ncols"], "layout.ncols", (1, None), True)),
            spread=pair["spread"],
            note=self.text(d["note"], "layout.note"),
        )

    def communities(self, value: object, layout: LayoutSpec) -> dict[str, dict[str, Any]]:
        if not isinstance(value, dict) or not value:
            raise self.fail("communities", "expected a mapping of community ids.")
        out: dict[str, dict[str, Any]] = {}
        seen: dict[str, str] = {}
        n_cells = -(-len(value) // layout.ncols) * layout.ncols
        for cid, raw in value.items():
            where = f"communities.{cid}"
            if not isinstance(cid, str) or not re.fullmatch(contract.ID_PATTERN, cid):
                raise self.fail(where, f"a community id must match {contract.ID_PATTERN}.")
            d = self.mapping(raw, where, ("name_zh", "name_en", "brand", "cell", "compounds", "invented"))
            names = d["compounds"]
            if not isinstance(names, list) or not names:
                raise self.fail(f"{where}.compounds", "expected a list of compound names.")
            for nm in names:
                self.text(nm, f"{where}.compounds")
                if nm in seen:
                    raise self.fail(f"{where}.compounds", f"{nm!r} is also listed in {seen[nm]}.")
                seen[nm] = cid
            invented = self.mapping(d["invented"], f"{where}.invented", tuple(_INVENTED))
            params: dict[str, Any] = {}
            for key, (kind, bounds, whole) in _INVENTED.items():
                at = f"{where}.invented.{key}"
                raw_v = invented[key]
                params[key] = (self.per_year(raw_v, at, bounds, whole) if kind == "year"
                               else self.number(raw_v, at, bounds, whole))
            out[cid] = {
                "name_zh": self.text(d["name_zh"], f"{where}.name_zh"),
                "name_en": self.text(d["name_en"], f"{where}.name_en"),
                "brand": None if d["brand"] is None else self.code(d["brand"], f"{where}.brand", contract.BRANDS),
                "cell": int(self.number(d["cell"], f"{where}.cell", (0, n_cells - 1), True)),
                "compounds": list(names),
                "invented": params,
            }
        cells = [c["cell"] for c in out.values()]
        if len(set(cells)) != len(cells):
            raise self.fail("communities", f"two communities share a cell: {cells}.")
        return out

    def published(self, value: object, cids: tuple[str, ...]) -> dict[str, dict[str, tuple[int, ...]]]:
        figures = self.mapping(value, "published", _PUBLISHED)
        out: dict[str, dict[str, tuple[int, ...]]] = {}
        for figure in _PUBLISHED:
            where = f"published.{figure}"
            d = self.mapping(figures[figure], where, ("quote", "reading", "communities"), ("zone", "zone_total"))
            self.text(d["quote"], f"{where}.quote")
            self.text(d["reading"], f"{where}.reading")
            years = (self.years[0], self.years[-1]) if figure == "teams" else self.years
            split = self.mapping(d["communities"], f"{where}.communities", cids)
            counts = {cid: tuple(int(x) for x in self.per_year(split[cid], f"{where}.communities.{cid}",
                                                                _COUNT, True, years))
                      for cid in cids}
            if ("zone" in d) == ("zone_total" in d):
                raise self.fail(where, "give either zone (by year) or zone_total (over all years).")
            if "zone" in d:
                zone = d["zone"]
                if not isinstance(zone, dict) or not zone or not set(zone) <= set(years):
                    raise self.fail(f"{where}.zone", f"expected values for some of {', '.join(map(str, years))}.")
                for year, want in zone.items():
                    got = sum(counts[cid][years.index(year)] for cid in cids)
                    if got != want:
                        raise self.fail(where, f"the communities add up to {got} in {year}, "
                                               f"but the zone figure is {want}.")
            else:
                got = sum(sum(c) for c in counts.values())
                if got != d["zone_total"]:
                    raise self.fail(where, f"the communities add up to {got} over "
                                           f"{self.years[0]}–{self.years[-1]}, but zone_total is {d['zone_total']}.")
            if figure == "teams" and any(base < 1 or base > final for base, final in counts.values()):
                raise self.fail(where, "each community needs 1 ≤ teams at the start ≤ teams at the end.")
            out[figure] = counts
        return out

    def compound_overrides(self, named: object, placed: object,
                           communities: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        known = {nm for c in communities.values() for nm in c["compounds"]}
        out: dict[str, dict[str, Any]] = {}
        for section, value, required in (("named_compounds", named, ("quote",)), ("placed_compounds", placed, ())):
            if not isinstance(value, dict):
                raise self.fail(section, "expected a mapping of compound names.")
            for nm, raw in value.items():
                where = f"{section}.{nm}"
                if nm not in known:
                    raise self.fail(where, "not in any community's compounds.")
                if nm in out:
                    raise self.fail(where, "given twice.")
                d = self.mapping(raw, where, required, tuple(_OVERRIDES))
                if "quote" in d:
                    self.text(d["quote"], f"{where}.quote")
                out[nm] = {k: self.override(v, f"{where}.{k}", _OVERRIDES[k]) for k, v in d.items() if k != "quote"}
        return out

    def override(self, value: object, where: str, kind: str) -> Any:
        if kind == "date":
            return self.date(value, where)
        if kind == "bool":
            if not isinstance(value, bool):
                raise self.fail(where, f"expected true or false, got {value!r}.")
            return value
        if kind == "unit":
            return self.number(value, where, (0.0, 1.0), False)
        bounds = (1800, self.years[-1]) if where.endswith("built_year") else (0, None)
        return self.number(value, where, bounds, True)

    def facilities(self, value: object, cids: tuple[str, ...]) -> Facilities:
        if not isinstance(value, list):
            raise self.fail("facilities", "expected a list.")
        rows = []
        for i, raw in enumerate(value):
            where = f"facilities[{i}]"
            d = self.mapping(raw, where, ("community", "name", "category", "floor_area_m2", "opened_on", "rx", "ry"),
                             ("quote",))
            area = d["floor_area_m2"]
            rows.append((
                cids.index(self.code(d["community"], f"{where}.community", cids)),
                self.text(d["name"], f"{where}.name"),
                self.code(d["category"], f"{where}.category", contract.FACILITY_CATEGORIES),
                np.nan if area is None else float(self.number(area, f"{where}.floor_area_m2", (0.1, None), False)),
                parse_day(self.date(d["opened_on"], f"{where}.opened_on")),
                self.number(d["rx"], f"{where}.rx", (0.0, 1.0), False),
                self.number(d["ry"], f"{where}.ry", (0.0, 1.0), False),
            ))
        if [r[0] for r in rows] != sorted(r[0] for r in rows):
            raise self.fail("facilities", "list them community by community, in the order of communities.")
        return Facilities(
            comm=np.array([r[0] for r in rows]),
            category=np.array([r[2] for r in rows], dtype=object),
            name=[r[1] for r in rows],
            area=np.array([r[3] for r in rows]),
            opened=np.array([r[4] for r in rows]),
            rx=np.array([r[5] for r in rows]),
            ry=np.array([r[6] for r in rows]),
        )

    def pinned_cases(self, value: object, communities: dict[str, dict[str, Any]]) -> tuple[dict[str, Any], ...]:
        if not isinstance(value, list):
            raise self.fail("pinned_cases", "expected a list.")
        out = []
        for i, raw in enumerate(value):
            where = f"pinned_cases[{i}]"
            d = self.mapping(raw, where, ("quote", "community", "compound", "received_on", "closed_on",
                                          "dispute_type", "mediators", "outcome"))
            self.text(d["quote"], f"{where}.quote")
            cid = self.code(d["community"], f"{where}.community", tuple(communities))
            if d["compound"] not in communities[cid]["compounds"]:
                raise self.fail(f"{where}.compound", f"{d['compound']!r} is not a compound of {cid}.")
            received = self.date(d["received_on"], f"{where}.received_on")
            closed = self.date(d["closed_on"], f"{where}.closed_on")
            if int(received[:4]) not in self.years or closed < received:
                raise self.fail(where, f"received_on must fall in {self.years[0]}–{self.years[-1]} "
                                       "and closed_on on or after it.")
            mediators = d["mediators"]
            if not isinstance(mediators, list) or not mediators:
                raise self.fail(f"{where}.mediators", "expected a list of mediator codes.")
            for m in mediators:
                self.code(m, f"{where}.mediators", contract.MEDIATORS)
            out.append({
                "community": cid, "compound": d["compound"], "received_on": received, "closed_on": closed,
                "dispute_type": self.code(d["dispute_type"], f"{where}.dispute_type", contract.DISPUTE_TYPES),
                "mediators": contract.LIST_SEP.join(mediators),
                "outcome": self.code(d["outcome"], f"{where}.outcome", contract.OUTCOMES),
            })
        return tuple(out)


def _plan(
    communities: dict[str, dict[str, Any]],
    values: dict[str, dict[str, Any]],
    facilities: Facilities,
    overrides: dict[str, dict[str, Any]],
    cases: tuple[dict[str, Any], ...],
    layout: LayoutSpec,
) -> Plan:
    """The plan of the demo's communities from checked values."""
    ids = list(communities)

    def arr(key: str, dtype: type = np.int64) -> np.ndarray:
        return np.array([values[c][key] for c in ids], dtype=dtype)

    ints = ("households", "residents", "resident_population", "age_65_plus", "disabled", "orgs", "volunteers",
            "charity", "workers", "register", "teams_base", "teams_final", "activities", "cases", "culture",
            "requests", "surveys")
    floats = ("party", "committee", "renovated", "self_governed", "aid_share", "resolved", "joint", "case_days",
              "closed", "request_days", "satisfied", "regular", "occasional", "visits", "elder_share", "survey_base")
    return Plan(
        ids=ids,
        names_zh=[communities[c]["name_zh"] for c in ids],
        names_en=[communities[c]["name_en"] for c in ids],
        brands=[communities[c]["brand"] for c in ids],
        cells=np.array([communities[c]["cell"] for c in ids]),
        n_compounds=np.array([len(communities[c]["compounds"]) for c in ids]),
        facilities=facilities,
        compound_names=[list(communities[c]["compounds"]) for c in ids],
        compound_overrides=overrides,
        pinned_cases=cases,
        note=layout.note,
        spread=layout.spread,
        **{k: arr(k) for k in ints},
        **{k: arr(k, float) for k in floats},
    )
