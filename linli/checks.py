"""Checks shared across linli: a YAML document against its JSON Schema, a table's columns present.

:func:`schema_problem` checks a parsed YAML document (the indicator catalogue, the
published claims) against a JSON Schema with :mod:`jsonschema` and returns the first
problem in document order as a :class:`Problem` — where, which field, what is wrong —
worded as linli words its own: ``missing field 'name_zh'``, ``unknown direction
'sideways'; valid: up, down, context``, ``unknown fields ['goalpost']; valid: …``. The
caller names the place (``indicator 'volunteers'``, ``claim 'x'``), so every reader keeps
its own one-line message.

:func:`require_columns` is the one check that a table handed to a function has the
columns it needs; its message names the table, what is missing and what is there.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from types import ModuleType
from typing import TYPE_CHECKING, Any

import pandas as pd
import yaml

from .errors import ContractError

if TYPE_CHECKING:
    import jsonschema

__all__ = ["Place", "Problem", "load_schema", "package_yaml", "require_columns", "schema_problem"]

#: A place in a parsed document: mapping keys and list positions, outermost first.
Place = tuple[str | int, ...]

_TYPES = {"string": "text", "integer": "a whole number", "number": "a number", "boolean": "true or false",
          "array": "a list", "object": "a mapping", "null": "null"}


@functools.cache
def _jsonschema() -> ModuleType:
    """Import :mod:`jsonschema`, without its optional check of the ``iri`` format.

    When ``rfc3987-syntax`` is installed (Jupyter's event library brings it), importing
    jsonschema builds that package's grammar: a second on every start of linli and of
    every report's kernel. linli's schemas use no ``format``, so unless jsonschema or
    that package is already loaded, jsonschema is imported with it hidden, and the
    interpreter is then left as it was.
    """
    if "jsonschema" in sys.modules or "rfc3987_syntax" in sys.modules:
        import jsonschema

        return jsonschema
    sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]  # import it: ImportError
    try:
        import jsonschema
    finally:
        del sys.modules["rfc3987_syntax"]
    return jsonschema


def package_yaml(package: str, name: str) -> Any:
    """Return the YAML file ``name`` shipped in ``package``, parsed safely (by libyaml when there).

    For linli's own files (schemas, catalogue, labels); data files go through
    :mod:`linli.io`, which says where a file is wrong.

    Examples
    --------
    >>> package_yaml("linli.indicators", "catalogue.schema.yaml")["title"]
    'linli indicator catalogue'
    """
    text = resources.files(package).joinpath(name).read_text(encoding="utf-8")
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # a safe loader


@functools.cache
def load_schema(package: str, name: str) -> dict[str, Any]:
    """Return the JSON Schema ``name`` shipped in ``package`` (a YAML file), checked once.

    Examples
    --------
    >>> load_schema("linli.indicators", "catalogue.schema.yaml")["title"]
    'linli indicator catalogue'
    """
    schema = package_yaml(package, name)
    _jsonschema().Draft202012Validator.check_schema(schema)
    return schema


def _order(error: jsonschema.ValidationError) -> tuple[tuple[int, int | str], ...]:
    return tuple((0, p) if isinstance(p, int) else (1, p) for p in error.absolute_path)


def _typename(expected: str | Sequence[str]) -> str:
    names = [expected] if isinstance(expected, str) else list(expected)
    return " or ".join(_TYPES.get(n, n) for n in names)


def _singular(key: str | int | None) -> str:
    text = str(key) if key is not None else "value"
    return text[:-1] if text.endswith("s") and not text.endswith("ss") else text


@dataclass(frozen=True)
class Problem:
    """What is wrong where: ``field`` of the mapping at ``place`` (the mapping itself when None).

    ``text`` says what is wrong without naming the field (``is required``, ``unknown value
    'c'; valid: a, b``, ``must be a number, got 'many'``); :meth:`describe` says it with the
    field, as the catalogue does.
    """

    place: Place
    field: str | None
    rule: str  # required | unknown_fields | choice | type | bound | other
    text: str

    def describe(self) -> str:
        """The problem in one phrase: ``missing field 'id'``, ``unknown kind 'c'; valid: a, b`` …"""
        if self.rule == "required":
            return f"missing field {self.field!r}"
        if self.rule in ("unknown_fields", "choice") or self.field is None:
            return self.text
        return f"field {self.field!r} {self.text}"


def _describe(error: jsonschema.ValidationError) -> Problem:
    """The :class:`Problem` of one schema error."""
    path: Place = tuple(error.absolute_path)
    kind, value, instance = error.validator, error.validator_value, error.instance
    if kind in ("anyOf", "oneOf") and error.context:
        return _describe(_jsonschema().exceptions.best_match(error.context))
    if kind == "required":
        missing = next(k for k in value if k not in instance)
        return Problem(path, str(missing), "required", "is required")
    if kind == "additionalProperties":
        known = sorted(error.schema.get("properties", {}))
        extra = sorted(str(k) for k in instance if k not in known)
        return Problem(path, extra[0], "unknown_fields", f"unknown fields {extra}; valid: {', '.join(known)}")
    if kind == "type" and (value == "object" or not path):
        return Problem(path, None, "type", f"expected a mapping, got {type(instance).__name__}")
    field = path[-1] if path else None
    place = path[:-1]
    if isinstance(field, int):  # an item of a list: name it after the list
        field, place = (path[-2] if len(path) > 1 else None), path[:-2]
    name = None if field is None else str(field)
    if kind == "enum":
        valid = ", ".join(map(str, value))
        return Problem(place, name, "choice", f"unknown {_singular(field)} {instance!r}; valid: {valid}")
    if kind == "type":
        return Problem(place, name, "type", f"must be {_typename(value)}, got {instance!r}")
    bounds = {"minimum": "≥", "exclusiveMinimum": ">", "maximum": "≤", "exclusiveMaximum": "<"}
    if kind in bounds:
        return Problem(place, name, "bound", f"must be {bounds[kind]} {value}, got {instance!r}")
    if kind == "minItems":
        return Problem(place, name, "bound", f"needs at least {value} item(s), got {instance!r}")
    if kind == "minLength":
        return Problem(place, name, "bound", f"must not be empty, got {instance!r}")
    if kind == "uniqueItems":
        return Problem(place, name, "other", f"must not repeat an item, got {instance!r}")
    return Problem(place, name, "other", error.message)


def schema_problem(document: object, schema: Mapping[str, Any]) -> Problem | None:
    """Return the first :class:`Problem` of ``document`` against ``schema``; None if there is none.

    Errors are taken in document order (list positions in order, then keys), so the
    problem reported is the one a reader meets first.

    Examples
    --------
    >>> schema = {"type": "object", "required": ["id"], "additionalProperties": False,
    ...           "properties": {"id": {"type": "string"}, "kind": {"enum": ["a", "b"]}}}
    >>> schema_problem({"id": "x", "kind": "c"}, schema).describe()
    "unknown kind 'c'; valid: a, b"
    >>> problem = schema_problem({"kind": "a"}, schema)
    >>> problem.describe(), problem.field, problem.text
    ("missing field 'id'", 'id', 'is required')
    >>> schema_problem({"id": 3, "colour": 1}, schema).describe()
    "unknown fields ['colour']; valid: id, kind"
    >>> schema_problem({"id": 3}, schema).describe()
    "field 'id' must be text, got 3"
    >>> schema_problem({"id": "x"}, schema) is None
    True
    """
    validator = _jsonschema().Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(document), key=_order)
    if not errors:
        return None
    # at one place, report a missing or unknown field before the type of another
    first = errors[0]
    same = [e for e in errors if tuple(e.absolute_path) == tuple(first.absolute_path)]
    rank = {"additionalProperties": 0, "required": 1}
    return _describe(min(same, key=lambda e: rank.get(str(e.validator), 2)))


def require_columns(frame: pd.DataFrame, columns: Iterable[str], *, what: str) -> None:
    """Raise :class:`~linli.errors.ContractError` unless ``frame`` has every one of ``columns``.

    Examples
    --------
    >>> require_columns(pd.DataFrame({"a": [1]}), ["a"], what="table")
    >>> require_columns(pd.DataFrame({"a": [1]}), ["a", "b", "c"], what="indicator table")
    Traceback (most recent call last):
    ...
    linli.errors.ContractError: The indicator table lacks the column(s) b, c; it has: a.
    """
    missing = [str(c) for c in columns if c not in frame.columns]
    if missing:
        msg = (f"The {what} lacks the column(s) {', '.join(missing)}; "
               f"it has: {', '.join(map(str, frame.columns)) or 'none'}.")
        raise ContractError(msg)
