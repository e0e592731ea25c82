"""Run a parameterised report notebook with papermill, so that the same inputs give the same file.

The report notebooks (``community.ipynb``, ``zone.ipynb``) live in the checkout's
``notebooks/reports/``; an installed wheel carries the same files as package data
(``linli/reporting/notebooks/``): :func:`notebooks_dir` finds them either way.

Notebook parameters
-------------------
The report notebooks declare, in the cell tagged ``parameters``::

    unit_id = "xiangbei"   # community_id (community.ipynb) or zone_id (zone.ipynb)
    year = 2024            # assessment year
    lang = "zh"            # "zh" or "en"
    results_dir = ""       # hand-off directory; "" makes one in the user cache
    data_dir = ""          # raw ledgers, read only when results_dir is "" (default data/raw)

A build passes ``unit_id``, ``year``, ``lang`` and ``results_dir="data"`` (relative:
the kernel runs in ``OUT/<year>``, so executed notebooks carry no absolute path). Run
on its own, without ``results_dir``, a notebook asks
:func:`linli.build.cached_handoff` for a hand-off of ``data_dir``: made once in the user
cache folder, keyed by the inputs, and logged.

Tunables
--------
``TEMPLATES``     report notebook of each unit type
``NOTEBOOKS_DIR``  another folder of report notebooks to use (None: the shipped ones)
``CELL_TIMEOUT``  seconds a notebook cell may run (600)
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from .. import config
from ..errors import LinliError
from . import warm

__all__ = ["CELL_TIMEOUT", "NOTEBOOKS_DIR", "TEMPLATES", "NotebookError", "as_parameter", "notebooks_dir", "run_notebook"]

#: Report notebook of each unit type, in :func:`notebooks_dir`.
TEMPLATES: dict[str, str] = {"community": "community.ipynb", "zone": "zone.ipynb"}
#: Another folder of report notebooks to use instead of the shipped ones (None: the shipped ones).
NOTEBOOKS_DIR: Path | None = None
CELL_TIMEOUT: int = 600

log = logging.getLogger(__name__)

#: What jupyter_client raises when a kernel ends before it answers at all: most often a port
#: it was given was taken, between being picked and being bound, by another process's
#: connection (jupyter_client picks free ports, then the kernel binds them). Such a kernel
#: is started once more, on other ports.
_DIED_AT_START = "Kernel died before replying to kernel_info"


#: Threads running a report notebook now (:func:`run_notebook`), by name, each with how many.
_REPORTING: Counter[str] = Counter()
_REPORTING_LOCK = threading.Lock()


def _not_the_kernel_start(record: logging.LogRecord) -> bool:
    """Leave out papermill's log of a report kernel that did not start: the error it names
    is raised as well, and is either started again or reported as the unit's failure.

    Only a report's: the record comes from a thread running :func:`run_notebook`, or from
    the one nbclient runs its event loop in for it (where a loop already runs, as in
    Jupyter), named after it. Anyone else's papermill run in the process logs as usual.
    """
    if not str(record.msg).startswith("Error occurred while starting new kernel client"):
        return True
    return record.threadName is None or record.threadName.removesuffix(" - runner") not in _REPORTING


@contextmanager
def _reporting() -> Iterator[None]:
    """This thread runs a report notebook while the block runs (:func:`_not_the_kernel_start`)."""
    name = threading.current_thread().name
    with _REPORTING_LOCK:
        _REPORTING[name] += 1
    try:
        yield
    finally:
        with _REPORTING_LOCK:
            _REPORTING[name] -= 1
            if not _REPORTING[name]:
                del _REPORTING[name]


logging.getLogger("papermill").addFilter(_not_the_kernel_start)


class NotebookError(LinliError, RuntimeError):
    """A report notebook raised an error while it ran."""


def notebooks_dir() -> Path:
    """Return the folder of the report notebooks: :data:`NOTEBOOKS_DIR` when set, else the
    checkout's ``notebooks/reports``, else the copy an installed wheel carries
    (``linli/reporting/notebooks``).

    Raises
    ------
    LinliError
        When neither holds the notebooks.
    """
    if NOTEBOOKS_DIR is not None:
        return Path(NOTEBOOKS_DIR)
    checkout = config.PROJECT_ROOT / "notebooks" / "reports"
    shipped = Path(str(resources.files(__package__ or "linli.reporting").joinpath("notebooks")))
    for folder in (checkout, shipped):
        if all((folder / name).is_file() for name in TEMPLATES.values()):
            return folder
    msg = (f"The report notebooks ({', '.join(TEMPLATES.values())}) are in neither {checkout} nor {shipped}; "
           "reinstall linli, or pass notebooks_dir.")
    raise LinliError(msg)


def as_parameter(value: Any) -> Any:
    """``value`` as papermill can inject it: a path as text, a NumPy scalar as a Python one."""
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, np.generic):
        return value.item()
    return value


def run_notebook(
    template: Path | str,
    output: Path | str,
    parameters: Mapping[str, Any],
    *,
    kernel_name: str = "python3",
    cwd: Path | str | None = None,
    timeout: int = CELL_TIMEOUT,
    startup: Sequence[str] = (),
) -> Path:
    """Execute a parameterised notebook with papermill and write the executed copy.

    The executed notebook carries no timing metadata and no absolute path (papermill's
    ``input_path``/``output_path`` become project-relative or bare names) and the injected
    parameters cell has the fixed id ``injected-parameters``, so the same inputs give the
    same file. The kernel starts in ``cwd`` without changing this process's working
    directory (safe in threads).

    Parameters
    ----------
    template
        The notebook, with a cell tagged ``parameters``.
    output
        Where the executed notebook goes (written also when a cell fails).
    parameters
        Values injected after the ``parameters`` cell.
    kernel_name
        Jupyter kernel to run.
    cwd
        Working directory of the kernel (default: the current one).
    timeout
        Seconds any one cell may run.
    startup
        Lines of Python the kernel runs before the first cell (IPython's ``exec_lines``;
        the ``python3`` kernel only), e.g. how it shows figures
        (:func:`linli.reporting.figure_output.install`). They leave no cell in the notebook.

    Returns
    -------
    pathlib.Path
        ``output``.

    A kernel that ends before it answers (most often because a port it was given was
    taken meanwhile) is started once more, on other ports.

    Raises
    ------
    NotebookError
        When a cell raises (the message names the cell and the error, in one line).
    LinliError
        When ``template`` does not exist.
    """
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    template, output = Path(template), Path(output)
    if not template.is_file():
        msg = f"Notebook {str(template)!r} does not exist."
        raise LinliError(msg)
    output.parent.mkdir(parents=True, exist_ok=True)
    # the kernel is stopped at once when the last cell has run: its outputs are in, and a
    # graceful shutdown waited about a second per report for nothing
    engine_kwargs: dict[str, Any] = {"record_timing": False, "shutdown_kernel": "immediate"}
    if kernel_name == "python3":  # ipykernel: keep its start-up and shutdown notices out of the build's output
        engine_kwargs["extra_arguments"] = ["--IPKernelApp.log_level=CRITICAL",
                                            *(f"--IPKernelApp.exec_lines={line}" for line in startup)]
        if warm.ENABLED:  # forked from this process's warm process: no second start of Python and the imports
            engine_kwargs["kernel_manager_class"] = warm.WarmKernelManager
    if cwd is not None:
        engine_kwargs["resources"] = {"metadata": {"path": str(Path(cwd).resolve())}}

    def execute() -> None:  # a report's: papermill's log of a kernel that did not start is left out
        with _reporting():
            pm.execute_notebook(
                str(template),
                str(output),
                parameters={str(k): as_parameter(v) for k, v in parameters.items()},
                kernel_name=kernel_name,
                progress_bar=False,
                log_output=False,
                request_save_on_cell_execute=False,
                execution_timeout=timeout,
                **engine_kwargs,
            )

    try:
        try:
            execute()
        except RuntimeError as exc:
            if str(exc) != _DIED_AT_START:
                raise
            log.info("%s: the kernel died before it answered (a port taken meanwhile?); starting another",
                     output.stem)
            execute()
    except PapermillExecutionError as exc:
        evalue = next((ln for ln in str(exc.evalue).splitlines() if ln.strip()), "")
        msg = f"{template.name} ({output.stem}) failed in cell {exc.exec_count}: {exc.ename}: {evalue}"
        raise NotebookError(msg) from None
    finally:
        if output.exists():
            _normalise_executed(output)
    return output


def _portable(path: Path) -> str:
    """``path`` relative to the project when inside it, else its name alone."""
    try:
        return path.resolve().relative_to(config.PROJECT_ROOT.resolve()).as_posix()
    except ValueError:
        return path.name


def _normalise_executed(path: Path) -> None:
    """Drop the run's timestamps, absolute paths and random cell id from an executed notebook."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    timing = ("start_time", "end_time", "duration")
    for meta in [nb.metadata.get("papermill", {}), *(c.metadata.get("papermill", {}) for c in nb.cells)]:
        for key in timing:
            meta.pop(key, None)
    run = nb.metadata.get("papermill", {})
    for key in ("input_path", "output_path"):
        if run.get(key):
            run[key] = _portable(Path(run[key]))
    taken = {c.get("id") for c in nb.cells}
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        # papermill gives the injected cell a random id
        if "injected-parameters" in cell.metadata.get("tags", []) and "injected-parameters" not in taken:
            cell["id"] = "injected-parameters"
    nbformat.write(nb, path)
