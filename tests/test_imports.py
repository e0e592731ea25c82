"""The package's import boundaries, read from the source (``ast``), not from what happens to be loaded.

Only :mod:`linli.reporting` knows the notebook machinery (papermill, nbconvert, nbclient,
nbformat) and the browser that prints PDFs (its Chromium helpers); nothing below the
figures knows matplotlib, Jupyter or the reports; the figures know nothing of the reports.
Imports inside functions count as much as those at the top.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "linli"
NOTEBOOK_MACHINERY = ("papermill", "nbconvert", "nbclient", "nbformat")
#: The Chromium helpers of linli.reporting.export.
CHROMIUM_HELPERS = {"find_chromium", "export_pdf", "CHROMIUM_ENV", "CHROMIUM_CANDIDATES"}


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> list[tuple[str, set[str]]]:
    """``(module imported, names taken from it)`` for every import of a file, relative ones resolved."""
    package = _module(path) if path.name == "__init__.py" else _module(path).rpartition(".")[0]
    found: list[tuple[str, set[str]]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, set()) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")
            if node.level:
                base = base[: len(base) - (node.level - 1)]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            names = {alias.name for alias in node.names}
            found.append((name, names))
            found += [(f"{name}.{n}", set()) for n in names]  # `from . import reporting`
    return found


FILES = sorted(ROOT.rglob("*.py"))


def test_the_walk_sees_the_notebook_machinery_in_reporting() -> None:
    # the test would pass vacuously if it read no import: reporting does import papermill
    seen = {m for p in (ROOT / "reporting").glob("*.py") for m, _ in _imports(p)}
    assert {"papermill", "nbconvert", "nbformat"} <= {m.split(".")[0] for m in seen}


@pytest.mark.parametrize("path", [p for p in FILES if "reporting" not in p.relative_to(ROOT).parts],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_only_reporting_knows_notebooks_and_chromium(path: Path) -> None:
    for module, names in _imports(path):
        assert module.split(".")[0] not in NOTEBOOK_MACHINERY, f"{path.name} imports {module}"
        if module.startswith("linli.reporting"):
            assert not names & CHROMIUM_HELPERS, f"{path.name} takes {names & CHROMIUM_HELPERS} from {module}"
            assert module != "linli.reporting.export", f"{path.name} imports the PDF export"


#: Modules below the figures: they compute, store and check, and never draw or report.
CORE = ("io", "_read", "validate", "privacy", "dataset", "contract", "checks", "labels", "indicators", "access",
        "spec", "index", "uncertainty", "progress", "claims", "pipeline", "handoff", "outputs", "parse")


@pytest.mark.parametrize("name", CORE)
def test_the_core_knows_neither_figures_nor_reports(name: str) -> None:
    paths = [ROOT / f"{name}.py"] if (ROOT / f"{name}.py").is_file() else sorted((ROOT / name).glob("*.py"))
    assert paths, f"no module linli.{name}"
    for path in paths:
        for module, _ in _imports(path):
            assert module.split(".")[0] not in ("matplotlib", "IPython", *NOTEBOOK_MACHINERY), (path.name, module)
            assert not module.startswith(("linli.figures", "linli.reporting", "linli.build")), (path.name, module)


@pytest.mark.parametrize("path", sorted((ROOT / "figures").glob("*.py")), ids=lambda p: p.name)
def test_the_figures_know_nothing_of_the_reports(path: Path) -> None:
    for module, _ in _imports(path):
        assert not module.startswith(("linli.reporting", "linli.build", "linli.handoff", "linli.pipeline")), module


def test_checking_a_schema_leaves_the_interpreter_as_it_was() -> None:
    # linli hides jsonschema's optional IRI plug-in while importing jsonschema (building its
    # grammar costs a second per process); afterwards the plug-in must be importable as before.
    code = (
        "import sys; import linli.checks as c; "
        "c.schema_problem({'id': 1}, {'properties': {'id': {'type': 'string'}}}); "
        "print('jsonschema' in sys.modules, 'rfc3987_syntax' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["True", "False"]
