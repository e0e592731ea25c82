"""A wheel works: built from the sources, installed (not editable) into a fresh venv, it
builds a report from another working directory — the notebooks, templates and data files
travel inside it.

Offline and quick: the wheel is built without build isolation (setuptools is a pinned dev
dependency), installed with ``--no-deps``, and the new venv borrows the current venv's
third-party packages through a ``.pth`` line (a plain path, so the checkout's editable
linli is not on it) and their data files (nbconvert's templates) through ``JUPYTER_PATH``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import venv
import zipfile
from pathlib import Path

import pytest

from linli import synth

ROOT = Path(__file__).resolve().parents[1]


def test_the_wheel_lists_every_subpackage() -> None:
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "linli").rglob("__init__.py")}
    # every package of the tree, and the report notebooks mapped in from notebooks/reports
    assert set(setuptools["packages"]) == found | {"linli.reporting.notebooks"}
    assert setuptools["package-dir"] == {"linli.reporting.notebooks": "notebooks/reports"}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    src = tmp_path_factory.mktemp("src")  # a copy: building writes build/ and *.egg-info beside the sources
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    shutil.copytree(ROOT / "linli", src / "linli", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "notebooks" / "reports", src / "notebooks" / "reports")
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q",
         "-w", str(dist), str(src)],
        check=True, capture_output=True,
    )
    (found,) = dist.glob("linli-*.whl")
    return found


def test_the_wheel_carries_the_notebooks_templates_and_data_files(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for shipped in ("linli/reporting/notebooks/community.ipynb", "linli/reporting/notebooks/zone.ipynb",
                    "linli/reporting/templates/report.html.j2", "linli/reporting/templates/report.css",
                    "linli/reporting/templates/index.html.j2", "linli/reporting/templates/index.css",
                    "linli/indicators/catalogue.yaml", "linli/indicators/catalogue.schema.yaml",
                    "linli/claims.schema.yaml", "linli/labels.yaml", "linli/synth/demo.yaml"):
        assert shipped in names, shipped


def test_an_installed_wheel_builds_a_report_from_another_folder(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    (site / "borrowed.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index", "-q",
                    str(wheel)], check=True, capture_output=True)
    data = tmp_path / "ledgers"
    synth.generate(data, communities=2, seed=3)
    work = tmp_path / "elsewhere"
    work.mkdir()
    # the borrowed packages' data files (nbconvert's templates) live under the current venv's prefix
    env = {**os.environ, "LINLI_KEY": "wheel-test-key", "LINLI_CACHE": str(tmp_path / "cache"),
           "JUPYTER_PATH": str(Path(sys.prefix) / "share" / "jupyter")}
    env.pop("LINLI_HOME", None)

    where = subprocess.run(
        [str(python), "-c", "import linli, linli.reporting as r; print(linli.__file__); print(r.notebooks_dir())"],
        cwd=work, env=env, check=True, capture_output=True, text=True,
    ).stdout.split()
    assert all(Path(p).is_relative_to(env_dir) for p in where), where  # the wheel's linli, not the checkout's

    done = subprocess.run(
        [str(env_dir / "bin" / "linli"), "build", "--data-dir", str(data), "--units", "c0001", "--format", "html",
         "--jobs", "1", "-q"],
        cwd=work, env=env, capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    year_dir = work / "reports" / "2024"  # an installed linli writes under the working directory
    page = (year_dir / "c0001.html").read_text(encoding="utf-8")
    assert "模拟0001社区 2024年度评估报告" in page and "合成数据" in page
    assert (year_dir / "c0001.json").is_file() and (year_dir / "index.html").is_file()
    assert "1 built, 0 unchanged, 0 failed" in done.stdout
