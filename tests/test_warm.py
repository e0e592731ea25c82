"""Report kernels forked from a warm process (linli.reporting.warm).

A forked kernel must be a kernel like any other: the same executed notebook, byte for
byte, as a kernel started the usual way; a warm process that died, or that was started
from other code or another environment, is started again; anything else is started
the usual way.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import time
from pathlib import Path

import nbformat
import pytest

from linli import handoff, pipeline, reporting
from linli.dataset import load_dataset
from linli.reporting import jobs, warm
from linli.reporting.notebook import TEMPLATES

pytestmark = pytest.mark.skipif(not warm.ENABLED, reason="kernels are forked on Linux only")

# what the kernel says of itself: its parent, whether the report's plotting module was in it
# before any cell imported anything, its working folder, where it imports from, and its
# environment (less the parent's pid, which differs by design) with its program's name
WHO = ("import json, os, sys\n"
       "env = {k: v for k, v in os.environ.items() if k != 'JPY_PARENT_PID'}\n"
       "env['argv[0]'] = sys.argv[0]\n"
       "print(json.dumps([os.getppid(), 'linli.figures.plots' in sys.modules, os.getcwd(), sys.path, env]))")


def who(tmp_path: Path, name: str = "who") -> tuple[int, bool, str, list[str], dict[str, str]]:
    """Run a one-cell notebook (and its parameters cell) as a report is run; what its kernel printed."""
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell(WHO),
    ])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    template = tmp_path / f"{name}.ipynb"
    nbformat.write(nb, template)
    (tmp_path / "kernel-cwd").mkdir(exist_ok=True)
    out = reporting.run_notebook(template, tmp_path / f"{name}.out.ipynb", {"x": 2}, cwd=tmp_path / "kernel-cwd")
    text = nbformat.read(out, as_version=4).cells[-1].outputs[0]["text"]
    ppid, preloaded, cwd, path, env = json.loads(text)
    return ppid, preloaded, cwd, path, env


def test_a_report_kernel_is_forked_from_the_warm_process_and_runs_as_a_started_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    process = warm.warm_process()
    assert process is not None
    ppid, preloaded, cwd, path, env = who(tmp_path)
    assert ppid == process.pid and preloaded
    assert cwd == str((tmp_path / "kernel-cwd").resolve())
    # forking off: a kernel started the usual way, a child of this process, that imported nothing yet
    monkeypatch.setattr(warm, "ENABLED", False)
    started_ppid, started_preloaded, started_cwd, started_path, started_env = who(tmp_path)
    assert started_ppid == os.getpid() and not started_preloaded
    # the same folder, the same places to import from, in the same order, the same environment
    assert started_cwd == cwd and started_path == path and started_env == env


def test_a_warm_process_that_died_is_started_again(tmp_path: Path) -> None:
    first = warm.warm_process()
    assert first is not None
    os.kill(first.pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while first.alive and time.monotonic() < deadline:
        time.sleep(0.05)
    ppid, preloaded, *_ = who(tmp_path)
    second = warm.warm_process()
    assert second is not None and second.pid != first.pid
    assert ppid == second.pid and preloaded


def test_a_kernel_ends_when_its_warm_process_does(tmp_path: Path) -> None:
    # a worker killed in the middle of a report leaves no kernel behind: its warm process
    # sees the end of its input and ends, and the kernel follows its parent
    process = warm.warm_process()
    assert process is not None

    async def kill_the_warm_process_under_a_kernel() -> int:
        manager = warm.WarmKernelManager(kernel_name="python3")
        await manager.start_kernel(cwd=str(tmp_path), extra_arguments=["--IPKernelApp.log_level=CRITICAL"])
        try:
            kernel = manager.provisioner.pid
            assert int(Path(f"/proc/{kernel}/stat").read_text().rsplit(")", 1)[1].split()[1]) == process.pid
            os.kill(process.pid, signal.SIGKILL)
            deadline = time.monotonic() + 30
            while Path(f"/proc/{kernel}").exists() and time.monotonic() < deadline:
                await asyncio.sleep(0.1)
            return kernel
        finally:
            await manager.cleanup_resources()

    kernel = asyncio.run(kill_the_warm_process_under_a_kernel())
    assert not Path(f"/proc/{kernel}").exists()


def test_another_environment_or_changed_code_gets_a_new_warm_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    module = tmp_path / "module.py"  # stands for linli's files: their fingerprint is its bytes
    module.write_text("x = 1\n", encoding="utf-8")
    monkeypatch.setattr(warm, "code_fingerprint", module.read_text)
    env = dict(os.environ)
    first = warm.warm_process(env)
    assert first is not None
    # Jupyter's own per-kernel variables change nothing
    assert warm.warm_process({**env, "JPY_SESSION_NAME": "x"}) is first
    other = warm.warm_process({**env, "LINLI_KEY": "another key"})
    assert other is not None and other is not first and not first.alive
    # a module edited is code the warm process did not import
    module.write_text("x = 2\n", encoding="utf-8")
    third = warm.warm_process({**env, "LINLI_KEY": "another key"})
    assert third is not None and third is not other and not other.alive


def test_a_forked_kernel_writes_the_same_report_as_a_started_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LINLI_KEY", "warm-test-key")
    ds = load_dataset(None)  # the demo
    results = pipeline.compute_results(ds)
    year_dir = tmp_path / str(results.year)
    handoff.save(results, ds, year_dir / handoff.HANDOFF_DIR)

    def report(forked: bool) -> tuple[bytes, bytes]:
        monkeypatch.setattr(warm, "ENABLED", forked)
        out = year_dir / ("forked" if forked else "started")
        out.mkdir()
        (out / handoff.HANDOFF_DIR).symlink_to(year_dir / handoff.HANDOFF_DIR)
        job = reporting.ReportJob(
            unit_id="zhengyang", unit_type="community", year=results.year, lang="zh",
            template=reporting.notebooks_dir() / TEMPLATES["community"],
            parameters={"unit_id": "zhengyang", "year": results.year, "lang": "zh",
                        "results_dir": handoff.HANDOFF_DIR},
            formats=("html",), out_dir=out, title="蒸阳", inputs="warm-test", as_of=str(ds.as_of))
        outcome = reporting.run_job(job)
        assert outcome.status == "built", outcome.error
        return job.path("ipynb").read_bytes(), job.path("html").read_bytes()

    forked, started = report(True), report(False)
    assert forked[0] == started[0]  # the executed notebook, figures and all
    assert forked[1] == started[1]  # its HTML


def test_reports_run_in_this_process_get_its_warm_process_ready_while_the_data_loads() -> None:
    warm.close_warm_process()
    assert jobs.ready_pool(1, ("html",)) is None  # one job: the reports run in this process
    assert warm._warm is not None and warm._warm.alive


def _imported_by(cell: str) -> set[str]:
    """The modules an imports cell imports (``from package import module`` names the module)."""
    import ast
    import importlib.util

    names: set[str] = set()
    tree = ast.parse("\n".join(line for line in cell.splitlines() if not line.startswith("%")))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            package = importlib.util.find_spec(node.module)
            for alias in node.names:
                whole = f"{node.module}.{alias.name}"
                is_module = bool(package and package.submodule_search_locations) and importlib.util.find_spec(whole)
                names.add(whole if is_module else node.module)
    return names


def test_the_warm_process_has_made_every_import_of_the_report_notebooks(tmp_path: Path) -> None:
    # its imports are written out (PRELOAD); a notebook that gains an import must not
    # leave each report to make it again
    wanted = set()
    for template in TEMPLATES.values():
        nb = nbformat.read(reporting.notebooks_dir() / template, as_version=4)
        wanted |= _imported_by(next(c.source for c in nb.cells if c.cell_type == "code"))
    assert {"matplotlib.pyplot", "linli.figures.maps", "linli.reporting.tables"} <= wanted  # the parse found them
    assert warm.warm_process() is not None
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell(f"import sys\nprint(sorted(set({sorted(wanted)!r}) - set(sys.modules)))"),
    ])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, tmp_path / "imports.ipynb")
    out = reporting.run_notebook(tmp_path / "imports.ipynb", tmp_path / "imports.out.ipynb", {})
    assert nbformat.read(out, as_version=4).cells[-1].outputs[0]["text"].strip() == "[]"
