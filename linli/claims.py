"""Published claims about the zone, checked against the indicator table.

``published_claims.yaml`` lists figures that an official or press source states;
:func:`load_claims` reads and checks the file (plain YAML read by
:func:`linli.io.read_yaml`: size and alias caps, every bad value named by line
and field) and :func:`check_claims` gives each claim a verdict with both numbers.

File
----
Checked against the JSON Schema ``claims.schema.yaml`` (fields, types, choices), then
for the rules between fields. A mapping with a ``claims`` list (a top-level ``source`` may be defined once and
referenced with a YAML anchor). Each claim has:

``id``             unique name (required)
``indicator``      an indicator id (required)
``scope``          ``zone`` or ``community`` (required): which row of the table —
                   ``unit_type`` zone or community — the claim is about
``unit_id``        the zone_id or community_id; it may be left out of a
                   ``scope: zone`` claim when the data has exactly one zone
                   (:func:`check_claims` then uses that zone, and otherwise
                   raises an error that lists the zone ids)
``comparison``     ``eq``, ``at_least`` or ``approx`` (required)
``value``          the claimed number (required)
one of             ``year`` — a value in that year (a *point* claim);
                   ``year`` + ``baseline_year`` + ``baseline`` — from ``baseline``
                   in ``baseline_year`` to ``value`` in ``year`` (a *growth* claim);
                   ``years: [..]`` — ``value`` is compared with the SUM of the
                   indicator over these years (a *sum* claim)
``tolerance``      ``approx`` only: absolute, in the indicator's unit
``text_zh``, ``text_en``, ``source``, ``note``, ``quote``   free text, kept as is
                   (a ``source`` mapping's ``publisher`` — or ``title`` — and
                   ``publisher_en`` name the source in the checked table)

Any other key is an error (it is probably a misspelt one).

Verdicts
--------
``eq``        the observed value, rounded half-up to the decimal places the claim
              is written with, equals the claim — for counts (whole claims,
              whole observed values) this is exact equality; a claim of ``19.7``
              agrees with 19.65 ≤ observed < 19.75.
``at_least``  observed ≥ claimed.
``approx``    ``|observed − claimed| ≤ tolerance``, or ≤ 5 % of ``|claimed|``
              without a tolerance.

Every inequality allows 1e-9 · max(1, |claimed|) for floating-point rounding.
A growth claim agrees only when both ends agree under its comparison (the
comparison applies to each end). ``cannot_check`` when the indicator, the unit
or a needed year is absent from the table, or a needed value is NaN; the
``reason`` column says which (with the table's own ``reason`` when it has one).

Display
-------
``claimed`` and ``observed`` are strings: whole numbers as integers (``6339``),
others with the claim's decimal places, at least one (``23.1``; 18.02 shows
as ``18.0``, never as a whole ``18``); a growth claim reads ``17 → 40``. ``year`` reads ``2024``,
``2022 → 2024`` for growth and ``2022–2024`` for a sum over consecutive years
(``2022+2024`` otherwise). A missing observed number is ``?`` inside a growth
pair and an empty string on its own. ``tolerance`` is an ``approx`` claim's own
tolerance as written (``0.5``), empty without one; ``source`` and ``source_en`` name
the claim's source (:func:`source_names`), empty when it names none.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from .checks import load_schema, require_columns, schema_problem
from .errors import ContractError
from .io import read_yaml

Scope = Literal["zone", "community"]
ClaimComparison = Literal["eq", "at_least", "approx"]
Verdict = Literal["agrees", "disagrees", "cannot_check"]

_SCHEMA = load_schema(__package__ or "linli", "claims.schema.yaml")
_CLAIM = _SCHEMA["$defs"]["claim"]["properties"]
SCOPES: tuple[str, ...] = tuple(_CLAIM["scope"]["enum"])
COMPARISONS: tuple[str, ...] = tuple(_CLAIM["comparison"]["enum"])
#: The file of published claims in a data directory.
CLAIMS_FILE: str = "published_claims.yaml"
#: Relative tolerance of ``approx`` when a claim gives none (5 %).
APPROX_RELATIVE: float = 0.05
#: The columns the CLI writes, in order.
COLUMNS: tuple[str, ...] = ("id", "indicator", "unit_id", "year", "claimed", "observed", "verdict")
EXTRA_COLUMNS: tuple[str, ...] = ("scope", "comparison", "text_zh", "reason", "tolerance", "source", "source_en")

#: The fields a claim may have (``claims.schema.yaml``).
_FIELDS: frozenset[str] = frozenset(_CLAIM)
_EPS: float = 1e-9


@dataclass(frozen=True)
class Claim:
    """One published figure; see the module docstring for the fields."""

    id: str
    indicator: str
    scope: Scope
    unit_id: str | None  # None: the data's one zone (scope zone only)
    comparison: ClaimComparison
    value: float
    year: int | None = None
    baseline_year: int | None = None
    baseline: float | None = None
    years: tuple[int, ...] = ()
    tolerance: float | None = None
    text_zh: str = ""
    source: Mapping[str, Any] | None = field(default=None, compare=False)

    @property
    def kind(self) -> Literal["point", "growth", "sum"]:
        """``point``, ``growth`` (baseline → value) or ``sum`` (over ``years``)."""
        if self.years:
            return "sum"
        return "growth" if self.baseline_year is not None else "point"


# --------------------------------------------------------------------------- load


def _fail(path: Path, where: str, field_name: str, problem: str) -> ContractError:
    """A one-line error naming the file, the claim and the field."""
    return ContractError(f"{path.name}: {where}, field {field_name!r}: {problem}")


def _where(raw: Any, n: int) -> str:
    """``claim 'x'``, or ``claim #3 (no id)``."""
    cid = raw.get("id") if isinstance(raw, Mapping) else None
    return f"claim {cid!r}" if isinstance(cid, str) and cid.strip() else f"claim #{n} (no id)"


def _check_rules(raw: Mapping[str, Any], where: str, path: Path) -> None:
    """The rules between fields (the schema has checked each field)."""
    if raw.get("unit_id") is None and raw["scope"] != "zone":
        raise _fail(path, where, "unit_id", "is required for a community claim (the community_id)")
    year, years = raw.get("year"), raw.get("years")
    baseline_year, baseline = raw.get("baseline_year"), raw.get("baseline")
    if years is not None:
        if year is not None or baseline_year is not None or baseline is not None:
            raise _fail(path, where, "years", "give either 'years' or 'year' (with a baseline), not both")
    else:
        if year is None:
            raise _fail(path, where, "year", f"a year is required (or 'years'); got {year!r}")
        if (baseline_year is None) != (baseline is None):
            missing = "baseline" if baseline is None else "baseline_year"
            raise _fail(path, where, missing, "a growth claim needs both baseline_year and baseline")
        if baseline_year is not None and baseline_year >= year:
            raise _fail(path, where, "baseline_year", f"must be a year before {year}; got {baseline_year!r}")
    for name in ("value", "baseline", "tolerance"):
        if raw.get(name) is not None and not math.isfinite(raw[name]):
            raise _fail(path, where, name, f"must be a finite number; got {raw[name]!r}")
    if raw.get("tolerance") is not None and raw["comparison"] != "approx":
        raise _fail(path, where, "tolerance", "only applies to comparison 'approx'")


def _claim(raw: Mapping[str, Any], where: str, path: Path) -> Claim:
    """Check the rules between the fields of one claim and build the :class:`Claim`."""
    _check_rules(raw, where, path)
    years = tuple(sorted(raw["years"])) if raw.get("years") is not None else ()
    text = raw.get("text_zh")
    source = raw.get("source")
    return Claim(
        id=raw["id"],
        indicator=raw["indicator"],
        scope=raw["scope"],
        unit_id=raw.get("unit_id"),
        comparison=raw["comparison"],
        value=raw["value"],
        year=raw.get("year") if not years else None,
        baseline_year=raw.get("baseline_year"),
        baseline=raw.get("baseline"),
        years=years,
        tolerance=raw.get("tolerance"),
        text_zh="" if text is None else str(text),
        source=source if isinstance(source, Mapping) else None,
    )


def load_claims(path: str | Path) -> list[Claim]:
    """Read and check ``published_claims.yaml``.

    Parameters
    ----------
    path
        The YAML file (UTF-8).

    Returns
    -------
    list of Claim
        In file order.

    Raises
    ------
    InputError
        The file cannot be read, is not plain YAML, is too large, expands too far
        through its aliases, or holds an impossible value (``2024-02-30``).
    ContractError
        A claim is malformed; the one-line message names the file, the claim id
        and the field.

    Examples
    --------
    >>> import tempfile
    >>> text = "claims:\\n  - {id: residents, indicator: residents, scope: zone, unit_id: renmin,"
    >>> text += " year: 2024, value: 27457, comparison: eq}\\n"
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     p = Path(tmp) / "published_claims.yaml"
    ...     _ = p.write_text(text, encoding="utf-8")
    ...     [c.kind for c in load_claims(p)]
    ['point']
    """
    path = Path(path)
    return parse_claims(read_yaml(path), path=path)


def parse_claims(data: object, *, path: Path) -> list[Claim]:
    """Check the parsed YAML of a claims file (:func:`load_claims`) and build its claims.

    ``path`` names the file in messages. :func:`linli.dataset.load_dataset` reads the
    file once and parses it with this.

    Raises
    ------
    ContractError
        A claim is malformed; the one-line message names the file, the claim id and
        the field.
    """
    if not isinstance(data, Mapping) or not isinstance(data.get("claims"), list):
        msg = f"{path.name}: expected a mapping with a 'claims' list."
        raise ContractError(msg)
    problem = schema_problem(data, _SCHEMA)
    if problem is not None:
        n = int(problem.place[1]) + 1 if len(problem.place) > 1 else 0
        where = _where(data["claims"][n - 1], n) if n else "claims"
        field_name = problem.field or "-"
        text = problem.text if problem.rule != "unknown_fields" else f"unknown field; known: {sorted(_FIELDS)}"
        if problem.rule == "type" and problem.field is None:
            text = f"expected a mapping of fields, {problem.text.removeprefix('expected a mapping, ')}"
        raise _fail(path, where, field_name, text)
    claims = [_claim(raw, _where(raw, n), path) for n, raw in enumerate(data["claims"], start=1)]
    seen: set[str] = set()
    for claim in claims:
        if claim.id in seen:
            raise _fail(path, f"claim {claim.id!r}", "id", "appears more than once")
        seen.add(claim.id)
    return claims


# --------------------------------------------------------------------------- check


def _decimals(value: float) -> int:
    """Decimal places a number is written with (``19.7`` → 1, ``17`` → 0)."""
    if isinstance(value, int):
        return 0
    exponent = Decimal(repr(float(value))).as_tuple().exponent
    return max(0, -int(exponent)) if isinstance(exponent, int) else 0


def _fmt(value: float, decimals: int) -> str:
    """Whole numbers as integers, others with ``max(1, decimals)`` places."""
    if value is None or math.isnan(value):
        return ""
    if abs(value - round(value)) <= _EPS * max(1.0, abs(value)):
        return str(int(round(value)))
    return f"{value:.{max(1, decimals)}f}"


def _agrees(observed: float, claimed: float, claim: Claim) -> bool:
    """One end of a claim: does ``observed`` bear out ``claimed``?"""
    slack = _EPS * max(1.0, abs(claimed))
    if claim.comparison == "at_least":
        return observed >= claimed - slack
    if claim.comparison == "approx":
        tol = claim.tolerance if claim.tolerance is not None else APPROX_RELATIVE * abs(claimed)
        return abs(observed - claimed) <= tol + slack
    quantum = Decimal(1).scaleb(-_decimals(claimed))
    rounded = Decimal(repr(float(observed))).quantize(quantum, rounding=ROUND_HALF_UP)
    return rounded == Decimal(repr(float(claimed))).quantize(quantum, rounding=ROUND_HALF_UP)


def _year_label(claim: Claim) -> str:
    """``2024``, ``2022 → 2024``, ``2022–2024`` or ``2022+2024``."""
    if claim.kind == "growth":
        return f"{claim.baseline_year} → {claim.year}"
    if claim.kind == "sum":
        ys = claim.years
        if len(ys) == 1:
            return str(ys[0])
        if list(ys) == list(range(ys[0], ys[-1] + 1)):
            return f"{ys[0]}–{ys[-1]}"
        return "+".join(str(y) for y in ys)
    return str(claim.year)


def resolve_units(claims: Sequence[Claim], zone_ids: Sequence[str]) -> list[Claim]:
    """Give each zone claim without a ``unit_id`` the data's one zone.

    Parameters
    ----------
    claims
        From :func:`load_claims`.
    zone_ids
        The zone ids of the data.

    Raises
    ------
    ContractError
        When a claim leaves ``unit_id`` out and the data has no zone or more
        than one; the message lists the zone ids.

    Examples
    --------
    >>> c = Claim(id="residents", indicator="residents", scope="zone", unit_id=None,
    ...           comparison="eq", value=27457, year=2024)
    >>> resolve_units([c], ["renmin"])[0].unit_id
    'renmin'
    """
    zones = sorted(dict.fromkeys(str(z) for z in zone_ids))
    out = []
    for claim in claims:
        if claim.unit_id is None:
            if len(zones) != 1:
                have = f"{len(zones)} zones: {', '.join(zones)}" if zones else "no zone"
                msg = (
                    f"claim {claim.id!r}, field 'unit_id': left out, which names the zone only when "
                    f"the data has exactly one; the data has {have}. Give the zone_id."
                )
                raise ContractError(msg)
            claim = dataclasses.replace(claim, unit_id=zones[0])
        out.append(claim)
    return out


def _lookup(
    long: pd.DataFrame, claims: Sequence[Claim]
) -> dict[tuple[str, str, str, int], tuple[float, str]]:
    """(unit_type, unit_id, indicator, year) → (value, reason) for the claims' rows."""
    needed = long[
        long["indicator"].isin({c.indicator for c in claims})
        & long["unit_id"].astype(str).isin({c.unit_id for c in claims})
    ]
    reasons = (
        needed["reason"].astype(object).where(needed["reason"].notna(), "")
        if "reason" in needed.columns
        else pd.Series("", index=needed.index)
    )
    table: dict[tuple[str, str, str, int], tuple[float, str]] = {}
    for unit_type, unit_id, indicator, year, value, reason in zip(
        needed["unit_type"].astype(str),
        needed["unit_id"].astype(str),
        needed["indicator"].astype(str),
        needed["year"].astype("int64"),
        pd.to_numeric(needed["value"], errors="coerce").astype(float),
        reasons,
        strict=True,
    ):
        key = (unit_type, unit_id, indicator, int(year))
        if key in table:
            msg = f"The indicator table has more than one row for {unit_type} {unit_id!r}, {year}, {indicator!r}."
            raise ContractError(msg)
        table[key] = (float(value), str(reason))
    return table


def check_claims(claims: Sequence[Claim], long: pd.DataFrame) -> pd.DataFrame:
    """Give each published claim a verdict against the indicator table.

    Parameters
    ----------
    claims
        From :func:`load_claims`.
    long
        The long indicator table (``unit_id, unit_type, year, indicator, value``
        and optionally ``reason``).

    A zone claim without ``unit_id`` is about the table's one zone
    (:func:`resolve_units`).

    Returns
    -------
    pandas.DataFrame
        ``id, indicator, unit_id, year, claimed, observed, verdict`` (the
        columns the CLI writes; ``verdict`` is ``agrees``, ``disagrees`` or
        ``cannot_check``), then ``scope, comparison, text_zh, reason, tolerance,
        source, source_en``; one row per claim in the claims' order. All columns are text.

    Examples
    --------
    >>> long = pd.DataFrame({"unit_id": "renmin", "unit_type": "zone", "year": [2022, 2024],
    ...                      "indicator": "social_orgs", "value": [17.0, 38.0]})
    >>> c = Claim(id="orgs_growth", indicator="social_orgs", scope="zone", unit_id="renmin",
    ...           comparison="eq", value=40, year=2024, baseline_year=2022, baseline=17)
    >>> check_claims([c], long).loc[0, ["year", "claimed", "observed", "verdict"]].tolist()
    ['2022 → 2024', '17 → 40', '17 → 38', 'disagrees']
    """
    require_columns(long, ("unit_id", "unit_type", "year", "indicator", "value"), what="indicator table")
    zone_rows = long["unit_type"].astype(str) == "zone"
    claims = resolve_units(claims, long.loc[zone_rows, "unit_id"].astype(str).unique())
    table = _lookup(long, claims)
    indicators = set(long["indicator"].astype(str).unique())
    units = set(zip(long["unit_type"].astype(str), long["unit_id"].astype(str), strict=True))
    rows = [_check_one(claim, table, indicators, units) for claim in claims]
    out = pd.DataFrame(rows, columns=[*COLUMNS, *EXTRA_COLUMNS])
    return out.astype(str)


def source_names(source: Mapping[str, Any] | None) -> tuple[str, str]:
    """The name of a claim's source as written, and in English when the file gives it.

    The ``publisher`` (else the ``title``) and ``publisher_en`` of a ``source`` mapping;
    empty strings for what it does not give.

    Examples
    --------
    >>> source_names({"title": "《某文》", "publisher": "衡阳日报", "publisher_en": "Hengyang Daily"})
    ('衡阳日报', 'Hengyang Daily')
    >>> source_names({"title": "《某文》"}), source_names(None)
    (('《某文》', ''), ('', ''))
    """
    if not isinstance(source, Mapping):
        return "", ""

    def text(key: str) -> str:
        value = source.get(key)
        return str(value).strip() if value is not None else ""

    return text("publisher") or text("title"), text("publisher_en")


def _check_one(
    claim: Claim,
    table: Mapping[tuple[str, str, str, int], tuple[float, str]],
    indicators: set[str],
    units: set[tuple[str, str]],
) -> dict[str, str]:
    """The verdict row of one claim."""
    decimals = max(_decimals(claim.value), _decimals(claim.baseline or 0))
    row = {
        "id": claim.id,
        "indicator": claim.indicator,
        "unit_id": claim.unit_id,
        "year": _year_label(claim),
        "scope": claim.scope,
        "comparison": claim.comparison,
        "text_zh": claim.text_zh,
        "tolerance": "" if claim.tolerance is None else _fmt(claim.tolerance, _decimals(claim.tolerance)),
    }
    row["source"], row["source_en"] = source_names(claim.source)
    if claim.kind == "growth":
        row["claimed"] = f"{_fmt(claim.baseline, decimals)} → {_fmt(claim.value, decimals)}"
    else:
        row["claimed"] = _fmt(claim.value, decimals)

    who = f"{claim.scope} {claim.unit_id!r}"
    problem = ""
    if claim.indicator not in indicators:
        problem = f"indicator {claim.indicator!r} is not in the indicator table"
    elif (claim.scope, claim.unit_id) not in units:
        problem = f"{who} is not in the indicator table"

    def value_in(year: int) -> tuple[float, str]:
        """Observed value in ``year`` and, when missing, why."""
        found = table.get((claim.scope, claim.unit_id, claim.indicator, year))
        if found is None:
            return math.nan, f"no {claim.indicator} row for {who} in {year}"
        value, why = found
        if math.isnan(value):
            return math.nan, f"{claim.indicator} of {who} in {year} is missing" + (
                f" ({why})" if why else ""
            )
        return value, ""

    if claim.kind == "growth":
        y0, y1 = int(claim.baseline_year or 0), int(claim.year or 0)
        claimed_b = float(claim.baseline or 0.0)
        (b, why_b), (v, why_v) = value_in(y0), value_in(y1)
        if problem:
            b = v = math.nan
        row["observed"] = (
            "" if problem else f"{_fmt(b, decimals) or '?'} → {_fmt(v, decimals) or '?'}"
        )
        reasons = [r for r in (why_b, why_v) if r]
        if problem or reasons:
            return _verdict(row, "cannot_check", problem or "; ".join(reasons))
        failing = [
            f"{label} {year}: observed {_fmt(obs, decimals)}, claimed {_fmt(want, decimals)}"
            for label, year, obs, want in (
                ("baseline", y0, b, claimed_b),
                ("value", y1, v, claim.value),
            )
            if not _agrees(obs, want, claim)
        ]
        return _verdict(row, "disagrees" if failing else "agrees", "; ".join(failing))

    years = claim.years if claim.kind == "sum" else (int(claim.year or 0),)
    found = [value_in(y) for y in years]
    reasons = [why for _, why in found if why]
    if problem or reasons:
        row["observed"] = ""
        return _verdict(row, "cannot_check", problem or "; ".join(reasons))
    observed = math.fsum(value for value, _ in found)
    row["observed"] = _fmt(observed, decimals)
    ok = _agrees(observed, claim.value, claim)
    why = "" if ok else f"observed {_fmt(observed, decimals)}, claimed {row['claimed']}"
    if claim.kind == "sum" and not ok:
        why += f" (sum over {row['year']})"
    return _verdict(row, "agrees" if ok else "disagrees", why)


def _verdict(row: dict[str, str], verdict: Verdict, reason: str) -> dict[str, str]:
    """Finish a row with its verdict and reason."""
    return {**row, "verdict": verdict, "reason": reason}
