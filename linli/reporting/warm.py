"""Report kernels forked from a warm process: a kernel's start without its imports.

Before a report's first cell runs, its kernel has started Python, IPython and ipykernel
and imported what the report uses (pandas, matplotlib, geopandas, linli): about 1.7 s of
a core on the development machine, for every report, the same every time. A build runs
many reports on each worker process, so each worker starts one *warm* process, once, that
has done those imports (:data:`PRELOAD`) and waits. A report's kernel is then forked
from it (``os.fork``: the operating system copies the process as it stands, its imports
included, in milliseconds) and started as ``python -m ipykernel_launcher`` would start
it: its own session and process group, its working directory, its environment, the same
command-line arguments. The notebook client talks to it as to any kernel.

Only the ``python3`` kernel of the running interpreter is forked, on Linux, when
:data:`ENABLED`; any other kernel, or a warm process that could not start or has died,
is started the usual way (:class:`WarmKernelManager` falls back by itself). Forking is
safe here: the warm process runs no Python thread and holds no socket (it imports, then
reads its requests); the only other threads in it are the numeric libraries' own
(OpenBLAS, jemalloc), which prepare for a fork as ``multiprocessing``'s fork start method
relies on. It freezes what it imported (``gc.freeze``), so that a kernel's garbage
collector does not copy every page of it.

Protocol (one JSON line each way): the worker writes ``{"args": [...], "env": {...},
"cwd": "..."}`` (ipykernel's arguments, the kernel's environment and folder) to the warm
process's standard input; it forks the kernel and answers ``{"pid": N}`` on the reply
pipe, within :data:`FORK_TIMEOUT` seconds or the kernel is started the usual way. End
of input ends the warm process; a kernel whose warm process has gone ends too
(ipykernel's parent poller watches ``JPY_PARENT_PID``, set to the warm process).

Tunables
--------
``ENABLED``  fork report kernels from a warm process (Linux only; default True there, False
             when the environment variable ``LINLI_WARM_KERNELS`` is ``0``)
``PRELOAD``  modules the warm process imports
``FORK_TIMEOUT``  seconds the warm process may take to answer (120)
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import importlib
import importlib.util
import json
import logging
import os
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from typing import Any

from jupyter_client.manager import AsyncKernelManager

from ..pipeline import code_fingerprint

log = logging.getLogger(__name__)

__all__ = ["ENABLED", "ENV", "FORK_TIMEOUT", "PRELOAD", "ForkedKernel", "WarmKernelManager", "WarmProcess", "close_warm_process",
           "warm_process"]

#: Seconds the warm process may take to answer a request (its imports included, the first time).
FORK_TIMEOUT: float = 120.0
#: The environment variable that, set to ``0``, starts every kernel the usual way.
ENV: str = "LINLI_WARM_KERNELS"
#: Fork report kernels from a warm process (only where ``os.fork`` is safe to use so: Linux;
#: not when :data:`ENV` is ``0``).
ENABLED: bool = sys.platform == "linux" and os.environ.get(ENV, "").strip() != "0"
#: What the warm process imports: what a kernel imports to start, and the report notebooks' imports.
PRELOAD: tuple[str, ...] = (
    "ipykernel.kernelapp",
    "matplotlib.pyplot",
    "matplotlib_inline.backend_inline",
    "IPython.display",
    "linli.build",
    "linli.handoff",
    "linli.access",
    "linli.labels",
    "linli.figures.fonts",
    "linli.figures.maps",
    "linli.figures.plots",
    "linli.reporting.appendix",
    "linli.reporting.comparison",
    "linli.reporting.figure_output",
    "linli.reporting.notes",
    "linli.reporting.render",
    "linli.reporting.sections",
    "linli.reporting.selection",
    "linli.reporting.summary",
    "linli.reporting.tables",
)
#: How a kernel is started (after the interpreter): the command the warm process stands in for.
_LAUNCHER = ["-m", "ipykernel_launcher"]
_INLINE = "module://matplotlib_inline.backend_inline"
#: Interpreter options a kernel's command may carry that change nothing a forked kernel
#: would do otherwise (``ipykernel install`` writes the first, for its debugger).
_HARMLESS = {"-Xfrozen_modules=off"}


class ForkedKernel:
    """The part of ``subprocess.Popen`` a kernel provisioner uses, for a kernel that is not
    this process's child (the warm process forked it, and reaps it)."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                self.returncode = 0  # its exit status went to the warm process
            except PermissionError:  # another user's process now holds the id: ours is gone
                self.returncode = 0
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(f"kernel {self.pid}", timeout or 0)
            time.sleep(0.02)
        assert self.returncode is not None
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


class WarmProcess:
    """A warm process: started with :data:`PRELOAD` imported in ``env``, it forks kernels on request.

    ``stamp`` is what it was started from (:func:`_stamp`): the environment and linli's
    files as they were. A kernel forked from it would run that code, not the code on disk.
    """

    def __init__(self, env: dict[str, str]) -> None:
        self.stamp = _stamp(env)
        reply_r, reply_w = os.pipe()
        env = dict(env, MPLBACKEND=env.get("MPLBACKEND") or _INLINE)  # as ipykernel sets it, before any import
        try:
            self._proc = subprocess.Popen(
                [sys.executable, "-c", f"from {__name__} import _serve; _serve({reply_w})"],
                stdin=subprocess.PIPE, pass_fds=(reply_w,), env=env, start_new_session=True,
            )
        finally:
            os.close(reply_w)
        self._replies = os.fdopen(reply_r, "rb")
        self._lock = threading.Lock()

    @property
    def pid(self) -> int:
        return self._proc.pid

    @property
    def alive(self) -> bool:
        return self._proc.poll() is None

    def fork(self, args: list[str], env: dict[str, str], cwd: str) -> int:
        """Fork a kernel that runs as ``python -m ipykernel_launcher ARGS`` would, in ``cwd``
        with ``env``; return its pid.

        Raises
        ------
        OSError
            When the warm process has ended or could not fork.
        """
        request = json.dumps({"args": args, "env": env, "cwd": cwd}) + "\n"
        with self._lock:
            assert self._proc.stdin is not None
            try:
                self._proc.stdin.write(request.encode())
                self._proc.stdin.flush()
            except (BrokenPipeError, ValueError) as exc:
                msg = "the warm process has ended"
                raise OSError(msg) from exc
            if not select.select([self._replies], [], [], FORK_TIMEOUT)[0]:
                self._proc.kill()  # stuck (in its imports?): the next kernel gets a new one
                msg = f"the warm process did not answer within {FORK_TIMEOUT:g} s"
                raise OSError(msg)
            line = self._replies.readline()
        if not line:
            msg = "the warm process has ended"
            raise OSError(msg)
        answer = json.loads(line)
        if "pid" not in answer:
            raise OSError(answer.get("error", "the warm process could not fork a kernel"))
        return int(answer["pid"])

    def close(self) -> None:
        """End the warm process (its kernels end with it)."""
        with contextlib.suppress(OSError, ValueError):
            if self._proc.stdin is not None:
                self._proc.stdin.close()
        try:
            self._proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        self._replies.close()


_warm: WarmProcess | None = None
_warm_lock = threading.Lock()


def warm_process(env: Mapping[str, str] | None = None) -> WarmProcess | None:
    """This process's warm process for kernels run in ``env`` (default: this process's).

    Started on first use, and again when it has died, or when ``env`` or linli's files
    are no longer what it was started from. None when :data:`ENABLED` is off or it cannot
    start.
    """
    global _warm
    if not ENABLED:
        return None
    env = dict(os.environ if env is None else env)
    with _warm_lock:
        if _warm is not None and (not _warm.alive or _warm.stamp != _stamp(env)):
            _warm.close()
            _warm = None
        if _warm is None:
            try:
                _warm = WarmProcess(env)
            except OSError:
                log.debug("no warm process", exc_info=True)
                return None
        return _warm


@atexit.register
def close_warm_process() -> None:
    """End this process's warm process, if any, and wait for it (its kernels end with it)."""
    global _warm
    with _warm_lock:
        if _warm is not None:
            _warm.close()
            _warm = None


def _stamp(env: Mapping[str, str]) -> tuple[frozenset[tuple[str, str]], str]:
    """What a warm process is started from: ``env`` (less Jupyter's per-kernel variables) and
    linli's files (:func:`linli.pipeline.code_fingerprint`, as in a report's cache key)."""
    return frozenset((k, v) for k, v in env.items() if not k.startswith("JPY_")), code_fingerprint()


class WarmKernelManager(AsyncKernelManager):
    """A kernel manager that forks the ``python3`` kernel from this process's warm process
    (:func:`warm_process`), and starts any other kernel, or any kernel when there is no
    warm process, the usual way."""

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
        args = _kernel_args(kernel_cmd)
        env = dict(kw.get("env") or os.environ)
        warm = warm_process(env) if args is not None else None
        if warm is None or args is None:
            await super()._async_launch_kernel(kernel_cmd, **kw)
            return
        provisioner = self.provisioner
        assert provisioner is not None
        cwd = str(kw.get("cwd") or os.getcwd())
        try:
            pid = warm.fork(args, env, cwd)
        except OSError:
            log.debug("kernel not forked", exc_info=True)
            await super()._async_launch_kernel(kernel_cmd, **kw)
            return
        provisioner.process = ForkedKernel(pid)  # type: ignore[attr-defined]
        provisioner.pid, provisioner.pgid, provisioner.cwd = pid, pid, cwd  # type: ignore[attr-defined]
        self._reconcile_connection_info(provisioner.connection_info)  # type: ignore[attr-defined]


def _kernel_args(kernel_cmd: list[str]) -> list[str] | None:
    """The arguments of ipykernel in ``kernel_cmd`` when a kernel forked from this
    interpreter's warm process would run as that command would; else None.

    >>> import sys
    >>> _kernel_args([sys.executable, "-Xfrozen_modules=off", "-m", "ipykernel_launcher", "-f", "k.json"])
    ['-f', 'k.json']
    >>> _kernel_args(["/usr/bin/python2", "-m", "ipykernel_launcher", "-f", "k.json"]) is None
    True
    """
    if not kernel_cmd or kernel_cmd[0] != sys.executable:
        return None
    for i in range(1, len(kernel_cmd) - 1):
        if kernel_cmd[i:i + 2] == _LAUNCHER:
            return kernel_cmd[i + 2:] if set(kernel_cmd[1:i]) <= _HARMLESS else None
    return None


# ------------------------------------------------------------------ the warm process


def _serve(reply_fd: int) -> None:
    """The warm process: import :data:`PRELOAD`, then fork a kernel for each request on stdin."""
    if sys.path and sys.path[0] == "":  # as ipykernel_launcher does: nothing imported from the current folder
        del sys.path[0]
    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except Exception:  # a kernel that needs it will say why
            pass
    # what was imported stays as it is: the collector of a kernel leaves it alone, rather
    # than writing to (and so copying) every page of it
    gc.collect()
    gc.freeze()
    signal.signal(signal.SIGCHLD, _reap)
    replies = os.fdopen(reply_fd, "wb", buffering=0)
    for line in sys.stdin.buffer:
        try:
            request = json.loads(line)
            pid = os.fork()
        except (OSError, ValueError) as exc:
            replies.write((json.dumps({"error": f"{type(exc).__name__}: {exc}"}) + "\n").encode())
            continue
        if pid == 0:
            replies.close()
            _kernel(request)  # never returns
        replies.write((json.dumps({"pid": pid}) + "\n").encode())


def _reap(signum: int, frame: Any) -> None:
    """Collect the kernels that have ended (so that their use of memory and time is counted
    as the warm process's children's, and, once it ends, as its parent's)."""
    with contextlib.suppress(ChildProcessError):
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass


def _kernel(request: dict[str, Any]) -> None:
    """In the forked child: become the kernel ``python -m ipykernel_launcher ARGV`` would be."""
    code = 1
    try:
        os.setsid()
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.close(devnull)
        sys.stdin = open(0, closefd=False)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        # the kernel ends when the warm process does (ipykernel read JPY_PARENT_PID as the warm
        # process imported it, so it is given again here)
        parent = str(os.getppid())
        os.environ["JPY_PARENT_PID"] = parent
        launcher = importlib.util.find_spec("ipykernel_launcher")  # `python -m` names the module's file
        sys.argv = [launcher.origin if launcher and launcher.origin else "ipykernel_launcher", *request["args"],
                    f"--IPKernelApp.parent_handle={parent}"]
        from ipykernel import kernelapp

        kernelapp.launch_new_instance()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException as exc:  # one line, not a traceback: the build says which report failed, and why
        print(f"linli: a report kernel did not start: {type(exc).__name__}: {exc}", file=sys.stderr)
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)

