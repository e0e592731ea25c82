"""pyproject.toml pins and environment.yml agree, and every dependency is pinned."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _pyproject_pins() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    specs = list(project["dependencies"]) + [d for group in project["optional-dependencies"].values() for d in group]
    pins: dict[str, str] = {}
    for spec in specs:
        match = re.fullmatch(r"([A-Za-z0-9_.\-]+)(?:\[[a-z,]+\])?==([0-9][0-9A-Za-z.\-]*)", spec)
        assert match, f"{spec!r} is not pinned with =="
        pins[match.group(1).lower()] = match.group(2)
    return pins


def _conda_pins() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    pins: dict[str, str] = {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):  # the pip: section, pinned with ==
            for spec in dep["pip"]:
                name, _, version = spec.partition("==")
                assert version, f"{spec!r} in environment.yml is not pinned"
                pins[name.lower()] = version
            continue
        if dep in {"pip"} or dep.startswith("python="):
            continue
        name, _, version = dep.partition("=")
        assert version, f"{dep!r} in environment.yml is not pinned"
        pins[name.lower()] = version
    return pins


def test_every_pyproject_dependency_is_pinned_and_mirrored() -> None:
    assert _pyproject_pins() == _conda_pins()


def test_python_version_agrees() -> None:
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    python = next(d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python="))
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    # requires-python is ">=3.11,<3.13"; the conda pin 3.11 must satisfy it
    assert python == "python=3.11"
    assert project["requires-python"] == ">=3.11,<3.13"


def _lock_pins() -> dict[str, set[str]]:
    """``name → versions`` of requirements-lock.txt (a universal lock may hold one per marker)."""
    pins: dict[str, set[str]] = {}
    text = (ROOT / "requirements-lock.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        match = re.match(r"([A-Za-z0-9_.\-]+)==([0-9][0-9A-Za-z.\-+]*)", line)
        if match:
            pins.setdefault(_canonical(match.group(1)), set()).add(match.group(2))
    return pins


def _canonical(name: str) -> str:
    """The PEP 503 normalised name: ``PyYAML`` and ``pyyaml``, ``jupyter_core`` and ``jupyter-core`` agree."""
    return re.sub(r"[-_.]+", "-", name).lower()


def test_lock_agrees_with_every_pin() -> None:
    lock = _lock_pins()
    # every direct pin (dependencies and all extras) is in the lock at exactly that version
    wrong = {
        name: (version, sorted(lock.get(_canonical(name), set())))
        for name, version in _pyproject_pins().items()
        if lock.get(_canonical(name)) != {version}
    }
    assert not wrong, f"requirements-lock.txt disagrees with pyproject.toml (run `make lock`): {wrong}"


def test_every_locked_package_has_a_hash() -> None:
    # a requirement line ends with a backslash and is followed by its --hash lines
    text = (ROOT / "requirements-lock.txt").read_text(encoding="utf-8")
    blocks = re.split(r"\n(?=[A-Za-z0-9])", text)
    unhashed = [b.split()[0] for b in blocks if "==" in b.split()[0] and "--hash=sha256:" not in b]
    assert not unhashed
    assert len(blocks) > 100  # the whole tree (about 140 packages), not only the direct pins
