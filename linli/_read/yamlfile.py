"""Read the YAML files a user writes (``dataset.yaml``, ``published_claims.yaml``), safely.

Safe tags only, a size cap (:data:`MAX_YAML_BYTES`), a cap on what aliases may expand
to (:data:`MAX_YAML_NODES`), and every bad value reported with its file, line and field.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..errors import InputError

#: The largest YAML file read (1 MiB).
MAX_YAML_BYTES: int = 1 << 20
#: The most nodes a YAML document may hold once its aliases are expanded.
MAX_YAML_NODES: int = 100_000



class _YamlProblem(Exception):
    """A value of a YAML file that cannot be used (raised while constructing it)."""

    def __init__(self, node: yaml.Node, problem: str) -> None:
        super().__init__(problem)
        self.node = node
        self.problem = problem


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader; an impossible date names its line instead of crashing."""

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> object:  # type: ignore[override]
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, OverflowError) as exc:
            raise _YamlProblem(node, f"{node.value} is not a valid date ({exc})") from None


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)


def _expanded_size(node: yaml.Node, fields: dict[int, str], path: str, memo: dict[int, int]) -> int:
    """Number of values ``node`` stands for once every alias is expanded; names each value's field."""
    key = id(node)
    if key in memo:
        return memo[key]
    memo[key] = 1  # a recursive alias counts once
    total = 1
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            name = k.value if isinstance(k, yaml.ScalarNode) else "?"
            child = f"{path}.{name}" if path else str(name)
            fields.setdefault(id(k), child)
            fields.setdefault(id(v), child)
            total += _expanded_size(k, fields, child, memo) + _expanded_size(v, fields, child, memo)
            if total > MAX_YAML_NODES:
                break
    elif isinstance(node, yaml.SequenceNode):
        for i, v in enumerate(node.value, start=1):
            child = f"{path}[{i}]"
            fields.setdefault(id(v), child)
            total += _expanded_size(v, fields, child, memo)
            if total > MAX_YAML_NODES:
                break
    memo[key] = total
    return total


def _yaml_error(shown: str, exc: yaml.YAMLError) -> InputError:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    at = f" (line {mark.line + 1})" if mark is not None else ""
    problem = getattr(exc, "problem", None) or type(exc).__name__
    return InputError(f"{shown}: not valid YAML{at}: {problem}.")


def read_yaml(path: Path | str, *, shown: str | None = None) -> Any:
    """Read a YAML file a user wrote, safely.

    Only plain YAML is understood (PyYAML's safe loader: no Python objects). The
    file may hold at most :data:`MAX_YAML_BYTES` bytes, and its anchors and
    aliases may expand to at most :data:`MAX_YAML_NODES` values — aliases are
    fine for sharing a value (``source: *article``), not for a "billion laughs".
    Every problem, including an impossible date (``2024-02-30``), is one line that
    names the file, the line and the field.

    Parameters
    ----------
    path
        The file (UTF-8).
    shown
        How the file is named in messages (default its name).

    Returns
    -------
    object
        The document (None for an empty file).

    Raises
    ------
    InputError
        The file cannot be read, is too large, is not valid YAML, expands too far
        or holds an impossible value.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     p = Path(tmp) / "dataset.yaml"
    ...     _ = p.write_text("src: &a {t: 1}\\nuse: *a\\nas_of: 2024-02-30\\n", encoding="utf-8")
    ...     read_yaml(p)
    Traceback (most recent call last):
    ...
    linli.errors.InputError: dataset.yaml: line 3, field 'as_of': 2024-02-30 is not a valid date (day is out of range for month).
    """
    path = Path(path)
    shown = shown or path.name
    try:
        size = path.stat().st_size
        if size > MAX_YAML_BYTES:
            msg = f"{shown}: {size:,} bytes; a settings file may hold at most {MAX_YAML_BYTES:,} bytes."
            raise InputError(msg)
        data = path.read_bytes()
    except OSError as exc:
        msg = f"{shown}: cannot read the file ({exc.strerror or type(exc).__name__})."
        raise InputError(msg) from None
    return yaml_from_bytes(data, shown=shown)


def yaml_from_bytes(data: bytes, *, shown: str) -> Any:
    """Parse the bytes of a YAML file a user wrote, safely, as :func:`read_yaml` does.

    For a file already read (its bytes are also hashed, as ``published_claims.yaml``'s
    are): the same size and alias caps and the same one-line messages, naming the file
    as ``shown``.

    Raises
    ------
    InputError
        The bytes are too many, not UTF-8, not valid YAML, expand too far or hold an
        impossible value.
    """
    if len(data) > MAX_YAML_BYTES:
        msg = f"{shown}: {len(data):,} bytes; a settings file may hold at most {MAX_YAML_BYTES:,} bytes."
        raise InputError(msg)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        msg = f"{shown}: not UTF-8 text; save it as UTF-8."
        raise InputError(msg) from None
    loader = _Loader(text)
    fields: dict[int, str] = {}
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if _expanded_size(node, fields, "", {}) > MAX_YAML_NODES:
            msg = (f"{shown}: its aliases expand to more than {MAX_YAML_NODES:,} values; "
                   "write the values out instead of nesting aliases.")
            raise InputError(msg)
        return loader.construct_document(node)
    except _YamlProblem as exc:
        line = exc.node.start_mark.line + 1
        field_name = fields.get(id(exc.node), "?")
        msg = f"{shown}: line {line}, field {field_name!r}: {exc.problem}."
        raise InputError(msg) from None
    except yaml.YAMLError as exc:
        raise _yaml_error(shown, exc) from None
    except RecursionError:
        msg = f"{shown}: nested too deeply to be a settings file."
        raise InputError(msg) from None
    finally:
        loader.dispose()
