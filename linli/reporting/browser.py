"""One headless Chromium per process, kept open for every PDF the process prints.

Starting Chromium costs about a second; a build prints a PDF per unit, in a few
worker processes. :func:`print_pdf` therefore prints through one browser per process
(:func:`shared_browser`), started on first use and closed when the process exits. It is
started again when it died (the next print finds it disconnected) or when
``$LINLI_CHROMIUM`` names another binary.

The browser is driven by Playwright through the DevTools protocol's ``Page.printToPDF``:
the command line's ``--print-to-pdf`` can neither number pages in a footer nor write an
outline (bookmarks) or a tagged PDF. Playwright launches the system Chromium
(``executable_path``; it downloads no browser) with its network services off, and each
page is opened, then closed, in one browser context with the network emulated offline
and JavaScript off (a report's page runs no script, so one page cannot leave anything
for the next). Its asynchronous
API runs on an event loop in a thread of its own, so that printing works from any
thread (a Dask worker's) and from code that already runs an event loop (a Jupyter kernel).
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import logging
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import LinliError

log = logging.getLogger(__name__)

__all__ = ["BROWSER_FLAGS", "Browser", "close_shared_browser", "print_pdf", "shared_browser"]

#: Flags Chromium starts with: no GPU, no network services, no first-run work.
BROWSER_FLAGS: tuple[str, ...] = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-breakpad",
    "--hide-scrollbars",
    "--mute-audio",
)
#: Seconds to start Chromium, and to close it at exit.
START_TIMEOUT: float = 60.0
CLOSE_TIMEOUT: float = 10.0


class Browser:
    """A headless Chromium on an event loop thread of its own; print pages to PDF with it.

    Parameters
    ----------
    executable
        The Chromium binary.
    """

    def __init__(self, executable: str) -> None:
        self.executable = executable
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="linli-chromium", daemon=True)
        self._thread.start()
        self._playwright: Any = None
        self._browser: Any = None
        self._context: Any = None  # every page is opened in it: offline, without JavaScript
        self._closed = False

    def print_pdf(self, page: Path, *, timeout: float, options: Mapping[str, Any]) -> bytes:
        """Return the PDF of the local page ``page`` (Playwright's ``Page.pdf`` ``options``).

        Raises
        ------
        LinliError
            When Chromium cannot start, fails, or takes longer than ``timeout`` seconds
            (it is then closed, and started again for the next page).
        """
        if self._closed:
            msg = "The browser was closed."
            raise LinliError(msg)
        future = asyncio.run_coroutine_threadsafe(self._print(page, timeout, dict(options)), self._loop)
        return future.result()

    def start(self, *, timeout: float = START_TIMEOUT) -> None:
        """Start Chromium now rather than for the first page (a worker getting ready).

        Raises
        ------
        LinliError
            When Chromium cannot start.
        """
        if self._closed:
            msg = "The browser was closed."
            raise LinliError(msg)
        asyncio.run_coroutine_threadsafe(self._connected(), self._loop).result(timeout=timeout)

    def close(self) -> None:
        """Close Chromium and stop the thread (idempotent)."""
        if self._closed:
            return
        self._closed = True
        if self._thread.is_alive():
            future = asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop)
            with contextlib.suppress(Exception):
                future.result(timeout=CLOSE_TIMEOUT)
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=CLOSE_TIMEOUT)
        if not self._thread.is_alive():
            self._loop.close()

    # ------------------------------------------------------- on the loop thread

    async def _connected(self) -> Any:
        if self._browser is not None and self._browser.is_connected():
            return self._browser
        from playwright.async_api import async_playwright

        if self._browser is not None:
            log.info("Chromium stopped; starting it again")
            with contextlib.suppress(Exception):
                await self._browser.close()
            self._browser = self._context = None
        try:
            if self._playwright is None:
                self._playwright = await async_playwright().start()
            self._browser = await self._playwright.chromium.launch(
                executable_path=self.executable, args=list(BROWSER_FLAGS), timeout=START_TIMEOUT * 1000,
            )
        except Exception as exc:
            msg = f"Cannot start Chromium {self.executable!r}: {_first_line(exc)}"
            raise LinliError(msg) from None
        log.debug("Chromium %s started", self._browser.version)
        return self._browser

    async def _print(self, path: Path, timeout: float, options: dict[str, Any]) -> bytes:
        for attempt in (1, 2):  # a browser that died since the last page is started again once
            browser = await self._connected()
            try:
                return await asyncio.wait_for(self._render(browser, path, options), timeout)
            except TimeoutError:
                await self._drop()
                msg = f"Chromium did not finish printing {path.name} within {timeout:g} s."
                raise LinliError(msg) from None
            except Exception as exc:
                if browser.is_connected() or attempt == 2:
                    msg = f"Chromium could not print {path.name} to PDF: {_first_line(exc)}"
                    raise LinliError(msg) from None
                log.info("Chromium died while printing %s; starting it again", path.name)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _render(self, browser: Any, path: Path, options: dict[str, Any]) -> bytes:
        if self._context is None:  # one context for every page: making one took a third of a second
            self._context = await browser.new_context(offline=True, java_script_enabled=False)
        page = await self._context.new_page()
        try:
            await page.goto(path.resolve().as_uri(), wait_until="load")
            return bytes(await page.pdf(**options))
        finally:
            with contextlib.suppress(Exception):
                await page.close()

    async def _drop(self) -> None:
        """Close a browser that hung; the next page starts a new one."""
        browser, self._browser, self._context = self._browser, None, None
        if browser is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(browser.close(), CLOSE_TIMEOUT)

    async def _shutdown(self) -> None:
        await self._drop()
        if self._playwright is not None:
            with contextlib.suppress(Exception):
                await self._playwright.stop()
            self._playwright = None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:200]


_shared: Browser | None = None
_lock = threading.Lock()
_at_exit: list[bool] = []


def shared_browser(executable: str) -> Browser:
    """Return this process's browser, started on first use (another binary: a new one)."""
    global _shared
    with _lock:
        if _shared is not None and _shared.executable != executable:
            _shared.close()
            _shared = None
        if _shared is None:
            if not _at_exit:
                atexit.register(close_shared_browser)
                _at_exit.append(True)
            _shared = Browser(executable)
        return _shared


def close_shared_browser() -> None:
    """Close this process's browser, if one was started (run at exit)."""
    global _shared
    with _lock:
        if _shared is not None:
            _shared.close()
            _shared = None



def print_pdf(page: Path, *, executable: str, timeout: float, options: Mapping[str, Any]) -> bytes:
    """Print the local HTML file ``page`` to PDF bytes with this process's browser."""
    return shared_browser(executable).print_pdf(page, timeout=timeout, options=options)
