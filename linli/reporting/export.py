"""Export an executed report notebook to one offline HTML file, and print it to PDF.

HTML
----
:func:`export_html` uses nbconvert's ``lab`` template, extended by
``templates/report.html.j2``, which empties the blocks that load require.js,
MathJax, Mermaid and the widget manager from CDNs; the stylesheet
``templates/report.css`` (CJK fonts, A4 print, the report tables) is inlined and images
are data URIs; code cells, prompts and stderr streams are left out (cells tagged
``remove_cell`` are dropped, ``remove_output`` keep no output). Anything remote left in
a notebook's own output is stripped (:mod:`linli.reporting.offline`), and nothing may
remain. LaTeX is not typeset (no MathJax); reports write formulas as text.

PDF
---
:func:`export_pdf` prints the HTML with headless Chromium (Debian's ``chromium``; the
``LINLI_CHROMIUM`` environment variable may name another binary) with a fresh profile,
no network services and no header or footer, on A4. Chinese text needs a CJK font known
to fontconfig (Debian ``fonts-noto-cjk``).

Tunables
--------
``PDF_TIMEOUT``          seconds Chromium may take to print one report (180)
``CHROMIUM_ENV``         environment variable naming the Chromium binary
``CHROMIUM_CANDIDATES``  binaries looked for on ``PATH``, in order
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import signal
import subprocess
import tempfile
from functools import cache
from importlib import resources
from pathlib import Path

from ..errors import LinliError
from ..labels import HTML_LANG, check_lang
from .offline import remote_resources, strip_remote

log = logging.getLogger(__name__)

__all__ = ["CHROMIUM_CANDIDATES", "CHROMIUM_ENV", "PDF_TIMEOUT", "export_html", "export_pdf", "find_chromium",
           "template_text"]

PDF_TIMEOUT: float = 180.0
CHROMIUM_ENV: str = "LINLI_CHROMIUM"
CHROMIUM_CANDIDATES: tuple[str, ...] = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

@cache
def template_text(name: str) -> str:
    """Return the text of ``templates/<name>``, shipped with the package."""
    return resources.files(__package__ or "linli.reporting").joinpath("templates", name).read_text(encoding="utf-8")


class _DropNotice(logging.Filter):
    """Drop nbconvert's notice about images without alt text (every matplotlib figure)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Alternative text is missing")


def _nbconvert_log() -> logging.Logger:
    logger = log.getChild("nbconvert")
    if not any(isinstance(f, _DropNotice) for f in logger.filters):
        logger.addFilter(_DropNotice())
    return logger


def export_html(executed: Path | str, html: Path | str, *, title: str, lang: str) -> Path:
    """Export an executed notebook to one self-contained, offline HTML file.

    No code, no prompts, no stderr; CSS inlined, images as data URIs, no script or
    style from the network; ``<html lang="zh-CN">`` (or ``en``), ``<title>`` and the
    print stylesheet ``templates/report.css`` (A4, CJK fonts).

    Parameters
    ----------
    executed
        The executed notebook.
    html
        Where the page goes.
    title
        The page's ``<title>``.
    lang
        ``zh`` or ``en``.

    Returns
    -------
    pathlib.Path
        ``html``.

    Raises
    ------
    LinliError
        When ``lang`` is unknown, or a network resource could not be removed.
    """
    import nbformat
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    check_lang(lang)
    executed, html = Path(executed), Path(html)
    nb = nbformat.read(executed, as_version=4)
    nb.metadata["title"] = title
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [
                o for o in cell.outputs if not (o.get("output_type") == "stream" and o.get("name") == "stderr")
            ]
    cfg = Config()
    cfg.TagRemovePreprocessor.enabled = True
    cfg.TagRemovePreprocessor.remove_cell_tags = {"remove_cell"}
    cfg.TagRemovePreprocessor.remove_all_outputs_tags = {"remove_output"}
    exporter = HTMLExporter(
        config=cfg,
        log=_nbconvert_log(),
        template_name="lab",
        raw_template=template_text("report.html.j2"),
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
        language_code=lang,
        theme="light",
    )
    body, _ = exporter.from_notebook_node(nb, resources={"linli_css": template_text("report.css"), "metadata": {"name": title}})
    body = re.sub(r"<html\b[^>]*>", f'<html lang="{HTML_LANG[lang]}">', body, count=1)
    body = strip_remote(body)
    left = remote_resources(body)
    if left:
        msg = f"{html.name}: could not remove network resource(s) {left[:3]} from the report."
        raise LinliError(msg)
    html.parent.mkdir(parents=True, exist_ok=True)
    html.write_text(body, encoding="utf-8")
    return html


def find_chromium() -> str:
    """Return the Chromium binary: ``$LINLI_CHROMIUM``, else the first of
    :data:`CHROMIUM_CANDIDATES` on ``PATH``.

    Raises
    ------
    LinliError
        When none is found.
    """
    env = os.environ.get(CHROMIUM_ENV, "").strip()
    if env:
        found = shutil.which(env)
        if found is None:
            msg = f"${CHROMIUM_ENV}={env!r} is not an executable program."
            raise LinliError(msg)
        return found
    for name in CHROMIUM_CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    msg = (
        f"Chromium is needed for PDF reports but was not found (looked for {', '.join(CHROMIUM_CANDIDATES)}); "
        "install it with scripts/install-system-deps.sh or apt-get install chromium, "
        f"set ${CHROMIUM_ENV} to its path, or build HTML only (--format html)."
    )
    raise LinliError(msg)


def export_pdf(html: Path | str, pdf: Path | str, *, timeout: float = PDF_TIMEOUT) -> Path:
    """Print an HTML report to PDF with headless Chromium (A4, no header or footer).

    Chromium runs with a fresh temporary profile and its network services off; the
    PDF appears only when printing succeeded.

    Parameters
    ----------
    html
        The self-contained HTML file.
    pdf
        Where the PDF goes.
    timeout
        Seconds Chromium may take.

    Returns
    -------
    pathlib.Path
        ``pdf``.

    Raises
    ------
    LinliError
        When Chromium is missing, fails, or takes longer than ``timeout``.
    """
    browser = find_chromium()
    html, pdf = Path(html).resolve(), Path(pdf).resolve()
    if not html.is_file():
        msg = f"HTML file {str(html)!r} does not exist."
        raise LinliError(msg)
    pdf.parent.mkdir(parents=True, exist_ok=True)
    part = pdf.with_name(f".{pdf.name}.part")
    part.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="linli-chromium-") as profile:
        cmd = [
            browser,
            "--headless",
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
            f"--user-data-dir={profile}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={part}",
            html.as_uri(),
        ]
        code, stderr = _run_browser(cmd, timeout=timeout, what=html.name)
    ok = code == 0 and part.is_file() and part.stat().st_size > 0 and part.read_bytes()[:5] == b"%PDF-"
    if not ok:
        part.unlink(missing_ok=True)
        lines = [ln.strip() for ln in stderr.splitlines() if ln.strip()]
        errors = [ln for ln in lines if "ERROR" in ln or "rror" in ln] or lines
        tail = errors[-1] if errors else "no message"
        msg = f"Chromium could not print {html.name} to PDF (exit code {code}): {tail[:200]}"
        raise LinliError(msg)
    os.replace(part, pdf)
    return pdf


def _run_browser(cmd: list[str], *, timeout: float, what: str) -> tuple[int, str]:
    """Run Chromium in its own process group, killed whole on timeout."""
    try:
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
    except OSError as exc:
        msg = f"Cannot run Chromium {cmd[0]!r}: {exc.strerror or exc}."
        raise LinliError(msg) from None
    try:
        _, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        msg = f"Chromium did not finish printing {what} within {timeout:g} s."
        raise LinliError(msg) from None
    return proc.returncode, err.decode("utf-8", errors="replace")
