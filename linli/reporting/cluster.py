"""The reports on a Dask cluster: ``linli build --dask ADDRESS``.

``ADDRESS`` is either a running Dask scheduler (``tcp://host:8786``) or
``local[:N]``: a :class:`distributed.LocalCluster` of ``N`` worker processes (default
``os.cpu_count()``) with one thread each, started for the build and stopped after
it. Every unit already runs its own kernel process, so a worker needs one thread.

:func:`check_address` checks an address before any data is loaded: its form, that
Dask is installed (``pip install "linli[dask]"``) and, for a scheduler, that its port
answers. :func:`dask_executor` connects (or starts the local cluster) only when some
report must be built — a build that changes nothing starts no cluster — checks that
every worker runs the same linli code as this process (the cache key is computed on
the worker), and yields a ``concurrent.futures.Executor`` over the cluster.

Failures
--------
A unit that fails is recorded by :func:`linli.reporting.jobs.run_job` on the worker,
like in a local build. A worker process that dies while building a unit (killed, or
out of memory) is restarted by its nanny, and the scheduler runs the unit once more
on a worker; when that one dies too the unit is recorded as failed
(:data:`ALLOWED_FAILURES`; for a scheduler started by hand, give it the same setting:
``DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES=1 dask scheduler``). Only a unit
that finished stores its cache key, so the next build redoes only what failed. A unit
that finished on a worker that died afterwards is run again by the scheduler to recover
its result; that run finds the unit's reports in place and leaves them alone
(:func:`linli.reporting.jobs.run_job_once`).

Tunables
--------
``CONNECT_TIMEOUT``   seconds to reach a scheduler (10)
``WORKERS_TIMEOUT``   seconds to wait for a scheduler's first worker (60)
``ALLOWED_FAILURES``  worker deaths a unit may cause before it is recorded as failed,
                      for a local cluster (1: one retry)
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import logging
import os
import re
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..errors import LinliError
from ..labels import counted

log = logging.getLogger(__name__)

__all__ = [
    "ALLOWED_FAILURES",
    "CONNECT_TIMEOUT",
    "WORKERS_TIMEOUT",
    "DaskAddress",
    "check_address",
    "dask_executor",
    "parse_address",
    "worker_died",
]

CONNECT_TIMEOUT: float = 10.0
WORKERS_TIMEOUT: float = 60.0
ALLOWED_FAILURES: int = 1

_FORMS = "tcp://HOST:PORT (a running Dask scheduler), local or local:N (N worker processes on this machine)"


@dataclass(frozen=True)
class DaskAddress:
    """Where the reports run: a scheduler's address, or a local cluster of ``workers`` processes."""

    scheduler: str | None = None
    workers: int | None = None

    @property
    def is_local(self) -> bool:
        return self.scheduler is None

    def __str__(self) -> str:
        return self.scheduler if self.scheduler is not None else f"local:{self.workers}"


def parse_address(text: str) -> DaskAddress:
    """Read ``--dask ADDRESS``: ``tcp://host:port``, ``local`` or ``local:N``.

    ``local`` alone starts one worker per core.

    Raises
    ------
    LinliError
        Naming the address and the valid forms.

    Examples
    --------
    >>> parse_address("local:2")
    DaskAddress(scheduler=None, workers=2)
    >>> parse_address("tcp://10.0.0.5:8786").scheduler
    'tcp://10.0.0.5:8786'
    """
    value = str(text).strip()
    local = re.fullmatch(r"local(?::(\d+))?", value)
    if local:
        workers = int(local.group(1)) if local.group(1) else (os.cpu_count() or 1)
        if workers < 1:
            msg = f"--dask {value!r}: a local cluster needs at least 1 worker; valid: {_FORMS}."
            raise LinliError(msg)
        return DaskAddress(workers=workers)
    remote = re.fullmatch(r"(tcp|tls)://(\[[0-9A-Fa-f:]+\]|[A-Za-z0-9.\-]+):(\d{1,5})", value)
    if remote and 0 < int(remote.group(3)) < 65536:
        return DaskAddress(scheduler=value)
    msg = f"--dask {value!r} is not an address; valid: {_FORMS}."
    raise LinliError(msg)


def _import_distributed() -> Any:
    try:
        import distributed
    except ImportError:
        msg = ("--dask needs Dask, which is not installed: pip install \"linli[dask]\" "
               "(or conda install dask distributed), or build with --jobs N.")
        raise LinliError(msg) from None
    return distributed


def check_address(address: DaskAddress | str) -> DaskAddress:
    """Check ``address`` before the build loads anything: its form, that Dask is installed,
    and that a scheduler's port answers.

    Raises
    ------
    LinliError
        One line naming what is wrong and what to do.
    """
    where = parse_address(address) if isinstance(address, str) else address
    _import_distributed()
    if where.scheduler is not None:
        host, _, port = where.scheduler.split("://", 1)[1].rpartition(":")
        try:
            with socket.create_connection((host.strip("[]"), int(port)), timeout=CONNECT_TIMEOUT):
                pass
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            msg = (f"cannot reach the Dask scheduler at {where.scheduler} ({reason}); start one with "
                   "`dask scheduler`, or use --dask local:N.")
            raise LinliError(msg) from None
    return where


def _identity() -> tuple[str, str]:
    """linli's version and code fingerprint in the process that runs this (a worker)."""
    from .. import __version__
    from ..pipeline import code_fingerprint

    return __version__, code_fingerprint()


def _check_workers(client: Any, address: DaskAddress) -> None:
    """Wait for a worker, then check every worker runs this process's linli code."""
    try:
        client.wait_for_workers(1, timeout=WORKERS_TIMEOUT)
    except TimeoutError:
        msg = (f"the Dask scheduler at {address} has no worker after {WORKERS_TIMEOUT:g} s; start some with "
               f"`dask worker {address} --nthreads 1 --nworkers N`.")
        raise LinliError(msg) from None
    try:
        found = client.run(_identity)
    except Exception as exc:  # a worker without linli cannot even unpickle the check
        msg = (f"the workers of {address} cannot run linli ({type(exc).__name__}: {exc}); install the same linli "
               "on every worker.")
        raise LinliError(" ".join(msg.split())) from None
    mine = _identity()
    other = {w: v for w, v in found.items() if tuple(v) != mine}
    if other:
        worker, (version, _) = next(iter(other.items()))
        msg = (f"{counted(len(other), 'worker', 'workers')} of {address} run other linli code than this machine (e.g. {worker}: "
               f"linli {version}, here {mine[0]}); install the same linli everywhere.")
        raise LinliError(msg)


@contextlib.contextmanager
def dask_executor(address: DaskAddress | str, *, max_workers: int | None = None) -> Iterator[cf.Executor]:
    """Yield an executor over a Dask cluster: the scheduler at ``address``, or a local one.

    A local cluster starts ``min(N, max_workers)`` worker processes of one thread each
    (listening on 127.0.0.1 only; the scheduler's web endpoint on any free port, as
    Dask's usual 8787 may be taken) and stops when the block ends; a
    client of a scheduler closes and leaves the cluster running. Tasks are submitted
    impure (every unit runs) with one retry for a task that raised.

    Raises
    ------
    LinliError
        Dask is missing, the scheduler cannot be reached or has no worker, or a worker
        runs other linli code.
    """
    where = check_address(address)
    distributed = _import_distributed()
    import dask

    with contextlib.ExitStack() as stack:
        stack.enter_context(_quiet_dask())
        if where.is_local:
            n = min(where.workers or 1, max_workers or where.workers or 1)
            stack.enter_context(dask.config.set({"distributed.scheduler.allowed-failures": ALLOWED_FAILURES}))
            cluster = stack.enter_context(distributed.LocalCluster(
                n_workers=n, threads_per_worker=1, processes=True, host="127.0.0.1",
                dashboard_address="127.0.0.1:0", silence_logs=logging.ERROR,  # any free port: 8787 may be taken
            ))
            client = stack.enter_context(distributed.Client(cluster))
        else:
            try:
                client = stack.enter_context(distributed.Client(where.scheduler, timeout=CONNECT_TIMEOUT))
            except (OSError, TimeoutError) as exc:
                msg = f"cannot connect to the Dask scheduler at {where}: {' '.join(str(exc).split())[:200]}"
                raise LinliError(msg) from None
        _check_workers(client, where)
        log.info("reports on Dask at %s: %s", where,
                 counted(len(client.scheduler_info(n_workers=-1)["workers"]), "worker", "workers"))
        yield client.get_executor(pure=False, retries=1)


@contextlib.contextmanager
def _quiet_dask() -> Iterator[None]:
    """Keep Dask's own INFO messages (scheduler started, worker registered …) off the terminal."""
    logger = logging.getLogger("distributed")
    before = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(before)


def worker_died(exc: BaseException) -> str | None:
    """A one-line reason when ``exc`` says that the workers running a unit died, else None."""
    if type(exc).__name__ != "KilledWorker":
        return None
    tries = getattr(exc, "allowed_failures", 0) + 1
    return (f"the worker process died while building it, {counted(tries, 'time', 'times')} on different workers "
            "(killed, or out of memory); see the Dask worker logs")
