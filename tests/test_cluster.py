"""``linli build --dask``: the reports on a real Dask cluster.

A :class:`distributed.LocalCluster` of worker processes (not threads) builds the
tiny fixture notebook (``tests/data/tiny_report.ipynb``) for a few units, with one
unit that raises and two whose kernel kills its own worker process; a separately
started ``dask scheduler`` and ``dask worker`` on localhost build it once more; the
command line builds the demo's units on ``--dask local:2``. The machine has two
cores, so every cluster here has at most two workers and builds a few units.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import pytest

from linli import build, reporting
from linli.cli import main
from linli.errors import LinliError
from linli.reporting import cluster

TINY = Path(__file__).parent / "data" / "tiny_report.ipynb"
DEMO = Path(__file__).resolve().parents[1] / "data" / "raw"
DASK = Path(sys.executable).with_name("dask")

# Inserted after the parameters cell: a unit named die-* kills the process that runs its
# kernel (the Dask worker) — die-once on its first attempt only (a marker file in the
# kernel's folder remembers it), die-always on every attempt. Nothing is killed unless
# the file ``kill-switch`` is there, so the notebook is harmless outside these tests.
# kills the worker building the unit: the kernel's parent, or, for a kernel forked from the
# worker's warm process (linli.reporting.warm), its parent's parent
KILLER = """\
import os, pathlib, signal
if pathlib.Path("kill-switch").exists() and unit_id.startswith("die-"):
    marker = pathlib.Path(f"{unit_id}.died")
    if unit_id == "die-always" or not marker.exists():
        marker.touch()
        worker = os.getppid()
        if b"linli.reporting.warm" in pathlib.Path(f"/proc/{worker}/cmdline").read_bytes():
            worker = int(pathlib.Path(f"/proc/{worker}/stat").read_text().rsplit(")", 1)[1].split()[1])
        os.kill(worker, signal.SIGKILL)
        os._exit(1)"""


def make_job(out_dir: Path, unit_id: str, template: Path = TINY) -> reporting.ReportJob:
    return reporting.ReportJob(
        unit_id=unit_id, unit_type="community", year=2024, lang="zh", template=template,
        parameters={"unit_id": unit_id, "year": 2024, "lang": "zh"}, formats=("html",),
        out_dir=out_dir, title=f"{unit_id} 2024", inputs="cluster-test",
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# ------------------------------------------------------------------ addresses


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("local:2", cluster.DaskAddress(workers=2)),
        ("local:1", cluster.DaskAddress(workers=1)),
        ("tcp://127.0.0.1:8786", cluster.DaskAddress(scheduler="tcp://127.0.0.1:8786")),
        ("tcp://scheduler.example:8786", cluster.DaskAddress(scheduler="tcp://scheduler.example:8786")),
    ],
)
def test_address_forms(text: str, expected: cluster.DaskAddress) -> None:
    assert cluster.parse_address(text) == expected


@pytest.mark.parametrize("text", ["local:0", "localhost", "tcp://host", "http://host:8786", "tcp://host:99999", ""])
def test_a_bad_address_names_the_valid_forms(text: str) -> None:
    with pytest.raises(LinliError, match=r"valid: tcp://HOST:PORT .* local or local:N"):
        cluster.parse_address(text)


# ------------------------------------------------------------ the command line


def test_jobs_and_dask_together_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["build", "--data-dir", str(DEMO), "--out", str(tmp_path), "--jobs", "2", "--dask", "local:2"])
    assert exc.value.code == 2
    assert "argument --dask: not allowed with argument --jobs" in capsys.readouterr().err
    with pytest.raises(LinliError, match="--jobs and --dask cannot be used together"):
        build.run(DEMO, out=tmp_path, jobs=2, dask="local:2")


def test_unreachable_scheduler_is_one_line_before_any_loading(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(build, "load_dataset", _must_not_load)
    port = free_port()  # nothing listens there
    code = main(["build", "--data-dir", str(DEMO), "--out", str(tmp_path), "--dask", f"tcp://127.0.0.1:{port}"])
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert f"cannot reach the Dask scheduler at tcp://127.0.0.1:{port}" in err and "dask scheduler" in err
    code = main(["build", "--data-dir", str(DEMO), "--out", str(tmp_path), "--dask", "local:none"])
    err = capsys.readouterr().err
    assert code == 2 and "--dask 'local:none' is not an address; valid:" in err


def test_dask_not_installed_says_how_to_install_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed now raises ImportError
    monkeypatch.setattr(build, "load_dataset", _must_not_load)
    code = main(["build", "--data-dir", str(DEMO), "--out", str(tmp_path), "--dask", "local:2"])
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert 'pip install "linli[dask]"' in err


def _must_not_load(*args: Any, **kwargs: Any) -> Any:
    raise AssertionError("the dataset was loaded")


# ------------------------------------------------------- a real LocalCluster


def test_local_cluster_starts_when_dask_s_usual_web_port_is_taken() -> None:
    # Dask's scheduler serves its web pages on 8787 by default; another cluster (or any
    # program) holding it made a LocalCluster fall back with a socket left open — a
    # ResourceWarning, an error under this suite's warning filter
    import gc
    import warnings

    with contextlib.ExitStack() as stack:
        holder = stack.enter_context(socket.socket())
        with contextlib.suppress(OSError):  # already taken by something else: just as good
            holder.bind(("0.0.0.0", 8787))
            holder.listen()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with cluster.dask_executor("local:1") as executor:
                assert executor.submit(pow, 2, 10).result() == 1024  # 2 ** 10
            gc.collect()
    assert [w for w in caught if issubclass(w.category, ResourceWarning)] == []


@pytest.fixture(scope="module")
def killer(tmp_path_factory: pytest.TempPathFactory) -> Path:
    nb = nbformat.read(TINY, as_version=4)
    at = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    nb.cells.insert(at + 1, nbformat.v4.new_code_cell(KILLER, id="killer"))
    path = tmp_path_factory.mktemp("notebooks") / "killer.ipynb"
    nbformat.write(nb, path)
    return path


def test_local_cluster_isolates_failures_and_retries_a_killed_worker_once(killer: Path, tmp_path: Path) -> None:
    out = tmp_path / "2024"
    out.mkdir()
    (out / "kill-switch").touch()
    jobs = [make_job(out, u, killer) for u in ("a", "boom", "die-once", "die-always")]
    first = {r.unit_id: r for r in reporting.build_reports(jobs, dask="local:2", progress_bar=False)}

    assert first["a"].status == "built" and (out / "a.html").is_file()
    assert first["boom"].status == "failed" and "fails on purpose" in str(first["boom"].error)
    # die-once killed its worker, then ran again on a worker and was built
    assert first["die-once"].status == "built" and (out / "die-once.html").is_file()
    # die-always killed a worker on both attempts (allowed failures 1: one retry): failed
    assert first["die-always"].status == "failed"
    assert "worker process died while building it, 2 times" in str(first["die-always"].error)
    assert not (out / "die-always.html").exists() and not (out / ".cache" / "die-always.key").exists()

    # the next build (here in this process: the kill switch is off) redoes only what failed
    (out / "kill-switch").unlink()
    second = {r.unit_id: r.status for r in reporting.build_reports(jobs, n_jobs=1, progress_bar=False)}
    assert second == {"a": "cached", "boom": "failed", "die-once": "cached", "die-always": "built"}


def test_a_unit_run_again_after_its_worker_died_keeps_its_reports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a unit that finished on a worker that then died is run again by the scheduler to
    # recover its result: that second run must leave the finished reports alone
    job = make_job(tmp_path / "2024", "a")
    assert reporting.jobs.run_job_once(job).status == "built"
    before = {p: p.stat().st_mtime_ns for p in [*job.paths().values(), job.key_path]}
    monkeypatch.setattr(reporting.jobs, "run_notebook", _must_not_start)
    again = reporting.jobs.run_job_once(job)
    assert again.status == "built" and again.outputs == job.paths()
    assert {p: p.stat().st_mtime_ns for p in before} == before


def test_demo_units_on_dask_local_2_then_a_rebuild_starts_no_cluster(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LINLI_KEY", "cluster-test-key")
    out = tmp_path / "out"
    args = ["build", "--data-dir", str(DEMO), "--out", str(out), "--format", "html", "--dask", "local:2", "-q"]
    assert main(args) == 0
    printed = capsys.readouterr().out
    # the demo: the zone 人民街道 and its four communities
    assert "5 reports for 2024" in printed and "5 built, 0 unchanged, 0 failed" in printed
    units = ("renmin", "renminlu", "xiangbei", "xiangyang", "zhengyang")
    for unit in units:
        assert (out / "2024" / f"{unit}.html").stat().st_size > 0, unit
    page = (out / "2024" / "xiangbei.html").read_text(encoding="utf-8")
    assert "湘北社区" in page and "邻和" in page

    # nothing changed: no data loaded and no cluster started
    monkeypatch.setattr(build, "load_dataset", _must_not_load)
    monkeypatch.setattr(reporting.jobs, "dask_executor", _must_not_start)
    assert main(args) == 0
    assert "0 built, 5 unchanged, 0 failed" in capsys.readouterr().out


def _must_not_start(*args: Any, **kwargs: Any) -> Any:
    raise AssertionError("a cluster was started")


# -------------------------------------------- a scheduler and workers started by hand


@contextlib.contextmanager
def started(cmd: list[str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """Run ``cmd`` in its own process group; stop the group at the end."""
    with log.open("wb") as fh:
        proc = subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            yield proc
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def wait_for_port(port: int, proc: subprocess.Popen[bytes], log: Path, *, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert proc.poll() is None, log.read_text(errors="replace")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        time.sleep(0.2)
    raise AssertionError(f"nothing listens on port {port}: {log.read_text(errors='replace')}")


def test_separately_started_scheduler_and_workers(tmp_path: Path) -> None:
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    scheduler = [str(DASK), "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"]
    workers = [str(DASK), "worker", address, "--nthreads", "1", "--nworkers", "2", "--no-dashboard",
               "--host", "127.0.0.1", "--local-directory", str(tmp_path / "dask")]
    out = tmp_path / "2024"
    jobs = [make_job(out, u) for u in ("a", "boom", "b")]
    with started(scheduler, tmp_path / "scheduler.log") as sched:
        wait_for_port(port, sched, tmp_path / "scheduler.log")
        with started(workers, tmp_path / "workers.log"):
            results = {r.unit_id: r for r in reporting.build_reports(jobs, dask=address, progress_bar=False)}
    assert {u: r.status for u, r in results.items()} == {"a": "built", "boom": "failed", "b": "built"}
    assert "fails on purpose" in str(results["boom"].error)
    assert "单位：人民路社区" in (out / "a.html").read_text(encoding="utf-8")
