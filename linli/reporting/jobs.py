"""Report jobs: one per unit — run its notebook, export it — in parallel processes, cached.

A :class:`ReportJob` names the notebook, its parameters, the formats and the folder;
:func:`run_job` builds one report and never raises for a failing unit;
:func:`build_reports` runs many, skipping those whose inputs did not change.

Caching
-------
A unit is skipped (status ``cached``) when its key file ``OUT/<year>/.cache/<unit>.key``
holds :func:`cache_key` of the job and every requested output exists. The key is a
SHA-256 over the notebook template's bytes, the parameters (sorted JSON), the unit, title
and language, the input fingerprint (every raw file's SHA-256 from the provenance,
``dataset.yaml``, the as-of date and ``published_claims.yaml``), ``linli.__version__``
and the bytes of the package's own files (``.py``, ``.yaml``, templates), so editing
the code rebuilds. A unit that fails loses its key and outputs, so the next build
retries it.

Parallelism and Dask
--------------------
:func:`build_reports` runs units in separate processes (``ProcessPoolExecutor`` with the
``spawn`` start method; default ``os.cpu_count()`` workers; ``n_jobs=1`` runs in this
process). A unit's failure is caught and recorded in one line; the others go on. As
with any ``multiprocessing`` code, a script that builds with more than one job must
guard its entry point with ``if __name__ == "__main__":``.

When a province's worth of communities outgrows one machine, pass ``dask=ADDRESS``
(``linli build --dask``): a running Dask scheduler or ``local:N``
(:mod:`linli.reporting.cluster`, with the optional extra ``linli[dask]``); or any
``concurrent.futures.Executor`` as ``executor=``. The workers need linli, the notebook
kernel, Chromium and fonts installed, and the output folder and the notebooks on a
file system every worker sees at the same path. Start them with one thread each
(``dask worker --nthreads 1 --nworkers N``): every unit already runs its own kernel
process.

Units run in long-lived worker processes (the pool's, or Dask's workers), many units
per process: what a worker caches at module level — a browser, an exporter, the warm
process its report kernels are forked from (:mod:`linli.reporting.warm`) — is made
once per worker process and serves all its units. :func:`ready_pool` starts the local
workers before the reports are known (``linli build`` does so before it loads the
data): each imports the notebook runner and the exporters and starts its Chromium
(:func:`prepare_worker`) on a core the loading leaves idle.
"""

from __future__ import annotations

import concurrent.futures as cf
import hashlib
import json
import logging
import multiprocessing
import os
import re
import sys
import tempfile
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from .. import __version__, contract
from ..errors import LinliError, OutputError
from ..labels import check_lang, counted
from ..outputs import output_path
from ..pipeline import code_fingerprint, hash_part
from ..privacy import redact
from . import warm
from .browser import shared_browser
from .cluster import check_address, dask_executor, worker_died
from .docx_report import export_docx
from .export import export_html, export_pdf, find_chromium
from .names import DEFAULT_LANG, key_name, output_name
from .notebook import CELL_TIMEOUT, as_parameter, run_notebook

log = logging.getLogger(__name__)

__all__ = [
    "CACHE_DIR",
    "FORMATS",
    "REPORT_STATUSES",
    "UNIT_TYPES",
    "BuildSummary",
    "ReportJob",
    "ReportOutcome",
    "build_reports",
    "cache_key",
    "check_formats",
    "is_cached",
    "prepare_worker",
    "ready_pool",
    "run_job",
    "run_job_once",
]

Status = Literal["built", "cached", "failed"]

FORMATS: tuple[str, ...] = ("html", "pdf", "docx")
UNIT_TYPES: tuple[str, ...] = ("community", "zone")
REPORT_STATUSES: tuple[str, ...] = ("built", "cached", "failed")
CACHE_DIR: str = ".cache"
FIGURES_DIR: str = "figures"


@dataclass(frozen=True, kw_only=True)
class ReportJob:
    """One report to build: a notebook run for one unit, then its exports.

    Parameters
    ----------
    unit_id
        The community_id or zone_id.
    unit_type
        ``community`` or ``zone``.
    year
        Assessment year.
    lang
        ``zh`` or ``en``.
    template
        The parameterised notebook.
    parameters
        Papermill parameters (JSON-compatible values; paths become strings).
    formats
        Exports besides the executed notebook: any of ``html``, ``pdf``, ``docx``.
    out_dir
        Where ``<unit_id>.ipynb/.html/.pdf`` go (``OUT/<year>``; another language than the
        default adds its code, ``<unit_id>.en.html``); the kernel runs here.
    title
        Title of the HTML page (default the unit id).
    inputs
        Fingerprint of the data the notebook reads (part of the cache key).
    as_of
        The data's as-of date (``YYYY-MM-DD``), stamped on the PDF and Word files unless
        ``$SOURCE_DATE_EPOCH`` is set, so that the same inputs give the same bytes.
    timeout
        Seconds a cell may run.
    kernel_name
        Jupyter kernel.
    """

    unit_id: str
    unit_type: str
    year: int
    lang: str
    template: Path
    parameters: Mapping[str, Any]
    formats: tuple[str, ...]
    out_dir: Path
    title: str = ""
    inputs: str = ""
    as_of: str = ""
    timeout: int = CELL_TIMEOUT
    kernel_name: str = "python3"

    def __post_init__(self) -> None:
        if not re.fullmatch(contract.ID_PATTERN, str(self.unit_id)):
            msg = (f"Unit id {self.unit_id!r} cannot name a report file: use letters, digits, _ and -, "
                   "at most 64 characters.")
            raise OutputError(msg)
        if str(self.unit_id).casefold() in contract.RESERVED_IDS:
            msg = (f"Unit id {self.unit_id!r} cannot name a report file: {', '.join(contract.RESERVED_IDS)} "
                   "name the report folder's own files (index.html, manifest.json).")
            raise OutputError(msg)
        _check_choice(self.unit_type, UNIT_TYPES, "unit_type")
        check_lang(self.lang)
        object.__setattr__(self, "formats", check_formats(self.formats))
        object.__setattr__(self, "template", Path(self.template))
        object.__setattr__(self, "out_dir", Path(self.out_dir))
        object.__setattr__(self, "year", int(self.year))

    def paths(self) -> dict[str, Path]:
        """Return the output files, by kind: ``ipynb`` always, then each format (all inside
        ``out_dir``, named by :func:`~linli.reporting.names.output_name` in the job's language)."""
        return {kind: self.path(kind) for kind in ("ipynb", *self.formats)}

    def path(self, kind: str) -> Path:
        """Return the output file of ``kind`` (an extension) in the job's language."""
        return output_path(self.out_dir, output_name(self.unit_id, kind, lang=self.lang))

    @property
    def figures_dir(self) -> Path:
        """Where the report's figure files go: ``OUT/<year>/figures/<stem of the notebook>/``."""
        return output_path(self.out_dir, FIGURES_DIR, self.paths()["ipynb"].stem)

    def startup(self) -> list[str]:
        """What the kernel runs first: show figures with their alt text and write their files
        (:mod:`linli.reporting.figure_output`), into a folder relative to the kernel's (``out_dir``)."""
        folder = self.figures_dir.relative_to(self.out_dir.resolve()).as_posix()
        return [f"from linli.reporting import figure_output; figure_output.install({folder!r})"]

    @property
    def key_path(self) -> Path:
        """The file that holds the cache key of the last successful build in the job's language."""
        return output_path(self.out_dir, CACHE_DIR, key_name(self.unit_id, lang=self.lang))


@dataclass(frozen=True)
class ReportOutcome:
    """What became of one :class:`ReportJob`."""

    unit_id: str
    unit_type: str
    status: Status
    outputs: dict[str, Path] = field(default_factory=dict)
    error: str | None = None
    seconds: float = 0.0
    lang: str = DEFAULT_LANG


@dataclass(frozen=True)
class BuildSummary:
    """The outcome of :func:`build`."""

    year: int
    out_dir: Path
    handoff_dir: Path
    index: Path
    reports: tuple[ReportOutcome, ...]
    json: dict[str, Path]

    @property
    def built(self) -> list[str]:
        """Units whose report was (re)built."""
        return [r.unit_id for r in self.reports if r.status == "built"]

    @property
    def cached(self) -> list[str]:
        """Units whose report was up to date."""
        return [r.unit_id for r in self.reports if r.status == "cached"]

    @property
    def failed(self) -> list[str]:
        """Units whose report failed."""
        return [r.unit_id for r in self.reports if r.status == "failed"]

    def describe(self) -> str:
        """One paragraph for the terminal: counts, then one line per failed unit."""
        lines = [
            f"{counted(len(self.reports), 'report', 'reports')} for {self.year} in {self.out_dir}: "
            f"{len(self.built)} built, {len(self.cached)} unchanged, {len(self.failed)} failed; "
            f"index: {self.index}"
        ]
        lines += [f"  failed {r.unit_id}: {r.error}" for r in self.reports if r.status == "failed"]
        return "\n".join(lines)


# -------------------------------------------------------------------- checks


def _check_choice(value: str, valid: Sequence[str], what: str) -> str:
    if value not in valid:
        msg = f"Unknown {what} {value!r}; valid: {', '.join(valid)}."
        raise LinliError(msg)
    return value


def check_formats(formats: Iterable[str] | str) -> tuple[str, ...]:
    items = [formats] if isinstance(formats, str) else list(formats)
    wanted = [f.strip().lower() for item in items for f in str(item).split(",") if f.strip()]
    bad = [f for f in wanted if f not in FORMATS]
    if bad:
        msg = f"Unknown report format(s) {', '.join(map(repr, bad))}; valid: {', '.join(FORMATS)}."
        raise LinliError(msg)
    return tuple(f for f in FORMATS if f in wanted)


def _one_line(exc: BaseException) -> str:
    """Return ``exc`` as one redacted line of at most 300 characters."""
    ename, evalue = getattr(exc, "ename", None), getattr(exc, "evalue", None)
    if ename is not None and evalue is not None:  # papermill's execution error
        text = f"{ename}: {evalue}"
    else:
        text = str(exc).strip() or type(exc).__name__
        if not isinstance(exc, LinliError):
            text = f"{type(exc).__name__}: {text}"
    first = next((line.strip() for line in text.splitlines() if line.strip()), type(exc).__name__)
    first = redact(first)
    return first if len(first) <= 300 else first[:299] + "…"


# -------------------------------------------------------------------- caching


def cache_key(job: ReportJob) -> str:
    """Return the SHA-256 that decides whether ``job`` must run again.

    Over: the template's bytes, the parameters as sorted JSON, unit, type, year,
    language, title and kernel, ``job.inputs`` (the data fingerprint),
    ``linli.__version__`` and the package's own source files.
    """
    h = hashlib.sha256()
    hash_part(h, "template", job.template.read_bytes())
    params = {str(k): as_parameter(v) for k, v in job.parameters.items()}
    hash_part(h, "parameters", json.dumps(params, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8"))
    unit = [job.unit_type, job.unit_id, job.year, job.lang, job.title, job.kernel_name]
    hash_part(h, "unit", json.dumps(unit, ensure_ascii=False).encode("utf-8"))
    hash_part(h, "inputs", job.inputs.encode("utf-8"))
    hash_part(h, "version", __version__.encode("utf-8"))
    hash_part(h, "package", code_fingerprint().encode("ascii"))
    return h.hexdigest()


def is_cached(job: ReportJob) -> bool:
    """Whether ``job``'s outputs are all there and were built from the same inputs."""
    try:
        stored = job.key_path.read_text(encoding="utf-8").strip()
    except OSError:
        return False
    return all(p.is_file() for p in job.paths().values()) and stored == cache_key(job)


# ----------------------------------------------------------------- execution


def run_job(job: ReportJob) -> ReportOutcome:
    """Build one report: run the notebook, export HTML, print the PDF, write the Word file, store the key.

    Never raises for a failing unit: the error becomes one line in the result, the
    unit's key and stale exports are removed (the executed notebook, with the error,
    is kept for inspection). Exports in the job's language of formats not asked for this
    time are removed too, since they would describe the previous inputs; another
    language's files are never touched.
    """
    start = time.perf_counter()
    paths = job.paths()
    job.key_path.unlink(missing_ok=True)
    for ext in FORMATS:  # an export of a format not asked for this time would be stale
        job.path(ext).unlink(missing_ok=True)
    try:
        run_notebook(
            job.template, paths["ipynb"], job.parameters,
            kernel_name=job.kernel_name, cwd=job.out_dir, timeout=job.timeout, startup=job.startup(),
        )
        if "html" in paths or "pdf" in paths:
            with tempfile.TemporaryDirectory(prefix="linli-html-") as tmp:
                page = paths.get("html", Path(tmp) / output_name(job.unit_id, "html", lang=job.lang))
                export_html(paths["ipynb"], page, title=job.title or job.unit_id, lang=job.lang)
                if "pdf" in paths:
                    export_pdf(page, paths["pdf"], lang=job.lang, as_of=job.as_of or None)
        if "docx" in paths:
            export_docx(paths["ipynb"], paths["docx"], title=job.title or job.unit_id, lang=job.lang,
                        as_of=job.as_of or None)
        job.key_path.parent.mkdir(parents=True, exist_ok=True)
        job.key_path.write_text(cache_key(job) + "\n", encoding="utf-8")
        status: Status = "built"
        error = None
    except Exception as exc:  # one unit's failure must not stop the others
        log.debug("report %s failed", job.unit_id, exc_info=True)
        status, error = "failed", _one_line(exc)
        for kind, path in paths.items():
            if kind != "ipynb":
                path.unlink(missing_ok=True)
    outputs = {k: p for k, p in paths.items() if p.is_file()}
    return ReportOutcome(job.unit_id, job.unit_type, status, outputs, error, round(time.perf_counter() - start, 3),
                         job.lang)


def build_reports(
    jobs: Sequence[ReportJob],
    *,
    n_jobs: int | None = None,
    progress_bar: bool = True,
    executor: cf.Executor | None = None,
    dask: str | None = None,
) -> list[ReportOutcome]:
    """Build many reports in parallel; skip those whose inputs did not change.

    Parameters
    ----------
    jobs
        One job per report; unit ids must be unique per output directory.
    n_jobs
        Worker processes (default ``os.cpu_count()``); 1 runs in this process.
    progress_bar
        Show a progress bar over the units on stderr.
    executor
        Any ``concurrent.futures.Executor`` (e.g. ``dask.distributed.Client.get_executor()``)
        to run the jobs instead of a local process pool; ``n_jobs`` is then ignored.
    dask
        Run the jobs on this Dask cluster (:mod:`linli.reporting.cluster`:
        ``tcp://host:port`` or ``local:N``), connected or started only when some job
        must run; not with ``n_jobs`` or ``executor``.

    Returns
    -------
    list of ReportOutcome
        One per job, in the order of ``jobs``: ``built``, ``cached`` or ``failed`` with
        a one-line error.
    """
    from tqdm import tqdm

    jobs = list(jobs)
    seen: set[tuple[Path, str]] = set()
    for job in jobs:
        where = (job.out_dir.resolve(), job.unit_id)
        if where in seen:
            msg = f"Unit {job.unit_id!r} appears twice in {job.out_dir}."
            raise LinliError(msg)
        seen.add(where)
    if n_jobs is not None and n_jobs < 1:
        msg = f"n_jobs must be at least 1, got {n_jobs}."
        raise LinliError(msg)
    if dask is not None and (n_jobs is not None or executor is not None):
        msg = "--jobs and --dask cannot be used together: run the reports in local processes or on a Dask cluster."
        raise LinliError(msg)
    address = check_address(dask) if dask is not None else None

    results: dict[int, ReportOutcome] = {}
    pending: list[int] = []
    for i, job in enumerate(jobs):
        if is_cached(job):
            results[i] = ReportOutcome(job.unit_id, job.unit_type, "cached", job.paths(), lang=job.lang)
        else:
            pending.append(i)
    log.info("%s: %d unchanged, %d to build", counted(len(jobs), "report", "reports"), len(results), len(pending))

    with tqdm(
        total=len(jobs), initial=len(results), desc="reports", unit="unit",
        file=sys.stderr, disable=not progress_bar, dynamic_ncols=True,
    ) as bar:

        def done(i: int, result: ReportOutcome) -> None:
            results[i] = result
            if result.status == "failed":
                log.warning("report %s failed: %s", result.unit_id, result.error)
            bar.set_postfix_str(f"{result.unit_id} {result.status}", refresh=False)
            bar.update(1)

        workers = min(n_jobs or os.cpu_count() or 1, len(pending))
        if not pending:
            pass
        elif executor is not None:
            _collect(executor, jobs, pending, done)
        elif address is not None:
            with dask_executor(address, max_workers=len(pending)) as cluster:
                _collect(cluster, jobs, pending, done, run=run_job_once)
        elif workers == 1:
            for i in pending:
                done(i, run_job(jobs[i]))
        else:
            pool = _pool(workers)
            try:
                _collect(pool, jobs, pending, done)
            finally:
                pool.shutdown(wait=True, cancel_futures=True)
    return [results[i] for i in range(len(jobs))]


def _pool(workers: int) -> cf.ProcessPoolExecutor:
    return cf.ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))


def prepare_worker(formats: Sequence[str]) -> None:
    """Get this worker process ready for its first report: start its warm process (the
    kernels' imports, :mod:`linli.reporting.warm`), import the notebook runner and the
    exporters, and start its Chromium when PDFs are asked for. Never raises: a report
    that then fails says why in its own words."""
    try:
        warm.warm_process()
        import nbclient  # noqa: F401  (imported for their cost, once per worker)
        import nbconvert  # noqa: F401
        import papermill  # noqa: F401

        if "pdf" in formats:
            shared_browser(find_chromium()).start()
    except Exception:  # a missing Chromium is reported by each PDF that needs it
        log.debug("worker not prepared", exc_info=True)


def ready_pool(n_jobs: int | None, formats: Sequence[str]) -> cf.ProcessPoolExecutor | None:
    """Start the local worker processes of :func:`build_reports` now, each getting ready
    (:func:`prepare_worker`) while the caller does other work; pass the pool as
    ``executor=`` and shut it down when done. None when the reports would run in this
    process (``n_jobs`` 1, or a single core): this process's warm process is started
    instead, to make its imports while the caller works."""
    workers = n_jobs or os.cpu_count() or 1
    if workers < 2:
        warm.warm_process()
        return None
    pool = _pool(workers)
    for _ in range(workers):
        pool.submit(prepare_worker, tuple(formats))
    return pool


def run_job_once(job: ReportJob) -> ReportOutcome:
    """:func:`run_job`, unless an earlier attempt in this build already finished ``job``.

    On a Dask cluster, a unit that finished on a worker that then died is run again
    (the scheduler recovers the lost result): that second run must find the reports
    in place, not delete and rebuild them. A job is only sent when it is not cached,
    so finding it cached here means this build built it.
    """
    if is_cached(job):
        return ReportOutcome(job.unit_id, job.unit_type, "built", job.paths())
    return run_job(job)


def _collect(
    executor: cf.Executor, jobs: Sequence[ReportJob], pending: Sequence[int], done: Any, *, run: Any = None
) -> None:
    futures = {executor.submit(run or run_job, jobs[i]): i for i in pending}
    try:
        for future in cf.as_completed(futures):
            i = futures[future]
            try:
                result = future.result()
            except Exception as exc:  # the worker died, or the executor failed the task
                job = jobs[i]
                result = ReportOutcome(job.unit_id, job.unit_type, "failed", {}, worker_died(exc) or _one_line(exc),
                                       lang=job.lang)
            done(i, result)
    except BaseException:
        for future in futures:
            future.cancel()
        raise
