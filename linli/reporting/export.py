"""Export an executed report notebook to one offline HTML file, and print it to PDF.

HTML
----
:func:`export_html` uses nbconvert's ``lab`` template, extended by
``templates/report.html.j2``, which empties the blocks that load require.js,
MathJax, Mermaid and the widget manager from CDNs; the stylesheet
``templates/report.css`` (CJK fonts, A4 print, the report tables) is inlined and images
are data URIs, each figure with the numbered caption the Word export gives it
(:func:`~linli.reporting.render.figure_caption`); code cells, prompts and stderr streams
are left out (cells tagged ``remove_cell`` are dropped, ``remove_output`` keep no output).
Anything remote left in a notebook's own output is stripped (:mod:`linli.reporting.offline`),
and nothing may remain. LaTeX is not typeset (no MathJax); reports write formulas as text.

PDF
---
:func:`export_pdf` prints the HTML with headless Chromium (Debian's ``chromium``; the
``LINLI_CHROMIUM`` environment variable may name another binary), one browser per process
(:mod:`linli.reporting.browser`), with no network: A4, page numbers in the footer
(``第 3 页 / 共 13 页``, ``Page 3 of 13``), an outline (bookmarks) from the headings, and
tags, so that every figure carries its alt text. Chinese text needs a CJK font known to
fontconfig (Debian ``fonts-noto-cjk``).

Tunables
--------
``PDF_TIMEOUT``          seconds Chromium may take to print one report (180)
``CHROMIUM_ENV``         environment variable naming the Chromium binary
``CHROMIUM_CANDIDATES``  binaries looked for on ``PATH``, in order
``WINDOWS_BROWSERS``, ``MACOS_BROWSERS``  then these install locations (Edge, Chrome)
``SOURCE_DATE_EPOCH``    (environment) the date stamped on every PDF, for reproducible bytes
"""

from __future__ import annotations

import functools
import html as html_lib
import logging
import os
import platform
import re
import shutil
import subprocess
from collections.abc import Mapping
from datetime import UTC, date, datetime
from functools import cache
from importlib import resources
from pathlib import Path

from ..errors import LinliError
from ..labels import HTML_LANG, check_lang, word
from ..outputs import source_date
from .browser import print_pdf
from .offline import remote_resources, strip_remote
from .render import figure_caption, keep_whole

log = logging.getLogger(__name__)

__all__ = ["CHROMIUM_CANDIDATES", "CHROMIUM_ENV", "FOOTER_FONTS", "MACOS_BROWSERS", "PDF_TIMEOUT", "WINDOWS_BROWSERS",
           "browser_version", "export_html", "export_pdf", "find_chromium", "normalise_pdf", "pdf_date",
           "pdf_options", "template_text"]

PDF_TIMEOUT: float = 180.0
CHROMIUM_ENV: str = "LINLI_CHROMIUM"
CHROMIUM_CANDIDATES: tuple[str, ...] = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
#: Where Edge and Chrome live under ``%ProgramFiles%``, ``%ProgramFiles(x86)%`` and ``%LocalAppData%``.
WINDOWS_BROWSERS: tuple[tuple[str, ...], ...] = (
    ("Microsoft", "Edge", "Application", "msedge.exe"),
    ("Google", "Chrome", "Application", "chrome.exe"),
)
#: The browsers' programs inside ``/Applications`` on macOS.
MACOS_BROWSERS: tuple[str, ...] = (
    "Google Chrome.app/Contents/MacOS/Google Chrome",
    "Microsoft Edge.app/Contents/MacOS/Microsoft Edge",
    "Chromium.app/Contents/MacOS/Chromium",
)
#: Seconds ``<browser> --version`` may take.
VERSION_TIMEOUT: float = 20.0
#: Fonts of the PDF footer (Latin first, then CJK).
FOOTER_FONTS: str = "'DejaVu Sans','Noto Sans CJK SC',sans-serif"

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

    No code, no prompts, no stderr; CSS inlined, images as data URIs, each figure with
    its numbered caption (``图1  标题``, ``Figure 1. Title``), no script or style from the
    network; ``<html lang="zh-CN">`` (or ``en``), ``<title>`` and the print stylesheet
    ``templates/report.css`` (A4, CJK fonts); each year with its 年, number with its unit
    and rank of the running text kept on one line (:func:`~linli.reporting.render.keep_whole`).

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
    body, _ = exporter.from_notebook_node(nb, resources={
        "linli_css": template_text("report.css"),
        "linli_caption": functools.partial(figure_caption, lang=lang),
        "metadata": {"name": title},
    })
    body = re.sub(r"<html\b[^>]*>", f'<html lang="{HTML_LANG[lang]}">', body, count=1)
    body = keep_whole(strip_remote(body), lang=lang)
    left = remote_resources(body)
    if left:
        msg = f"{html.name}: could not remove network resource(s) {left[:3]} from the report."
        raise LinliError(msg)
    html.parent.mkdir(parents=True, exist_ok=True)
    html.write_text(body, encoding="utf-8")
    return html


def _install_locations(system: str, env: Mapping[str, str]) -> list[Path]:
    """Where Edge, Chrome and Chromium are usually installed on ``system`` (``platform.system()``)."""
    if system == "Windows":
        roots = [env.get(k, "").strip() for k in ("ProgramFiles", "ProgramFiles(x86)", "LocalAppData")]
        return [Path(root, *rel) for rel in WINDOWS_BROWSERS for root in roots if root]
    if system == "Darwin":
        home = env.get("HOME", "").strip()
        bases = [Path("/Applications"), *([Path(home, "Applications")] if home else [])]
        return [base / app for app in MACOS_BROWSERS for base in bases]
    return []


def find_chromium() -> str:
    """Return the Chromium binary: ``$LINLI_CHROMIUM``, else the first of
    :data:`CHROMIUM_CANDIDATES` on ``PATH``, else (Windows, macOS) Edge, Chrome or
    Chromium in their usual install locations.

    On Windows these are ``Microsoft\\Edge\\Application\\msedge.exe`` and
    ``Google\\Chrome\\Application\\chrome.exe`` under ``%ProgramFiles%``,
    ``%ProgramFiles(x86)%`` and ``%LocalAppData%``; on macOS the apps ``Google Chrome``,
    ``Microsoft Edge`` and ``Chromium`` in ``/Applications`` (or ``~/Applications``).

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
    for path in _install_locations(platform.system(), os.environ):
        if path.is_file() and (os.access(path, os.X_OK) or path.suffix.lower() == ".exe"):
            return str(path)
    msg = (
        f"Chromium is needed for PDF reports but was not found (looked for {', '.join(CHROMIUM_CANDIDATES)}, "
        "and for Edge or Chrome on Windows and macOS); "
        "install it with scripts/install-system-deps.sh or apt-get install chromium, "
        f"set ${CHROMIUM_ENV} to its path, or build HTML only (--format html)."
    )
    raise LinliError(msg)


_VERSION = re.compile(r"\d+(?:\.\d+){1,3}")


def browser_version() -> str | None:
    """Return the version of the browser PDF export would use (``Chromium 120.0.6099.224``),
    or None when there is none or it does not say; no build, no page, no network.

    On Windows the version is read from the folder beside the program (Edge and Chrome
    keep their files in ``Application\\<version>``), since asking the program would open
    a window; elsewhere it is the first line of ``<browser> --version``.
    """
    try:
        executable = Path(find_chromium())
    except LinliError:
        return None
    if platform.system() == "Windows":
        versions = sorted(
            (tuple(int(n) for n in d.name.split(".")), d.name)
            for d in executable.parent.glob("*.*") if d.is_dir() and _VERSION.fullmatch(d.name)
        )
        return f"{executable.stem} {versions[-1][1]}" if versions else None
    try:
        out = subprocess.run([str(executable), "--version"], capture_output=True, text=True, timeout=VERSION_TIMEOUT,
                             stdin=subprocess.DEVNULL, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    line = next((ln.strip() for ln in out.splitlines() if ln.strip()), "")
    return line if _VERSION.search(line) else None


def export_pdf(
    html: Path | str, pdf: Path | str, *, lang: str = "zh", as_of: date | str | None = None,
    timeout: float = PDF_TIMEOUT,
) -> Path:
    """Print an HTML report to PDF with headless Chromium: A4, numbered pages, an outline.

    The footer numbers the pages in the report's language (``第 3 页 / 共 13 页``,
    ``Page 3 of 13``); the outline (bookmarks) follows the headings; the PDF is tagged,
    so each figure carries its alt text. One browser serves every PDF this process
    prints (:mod:`linli.reporting.browser`); the PDF appears only when printing succeeded.
    Its creation and modification dates are :func:`pdf_date` (``$SOURCE_DATE_EPOCH``,
    else ``as_of``), so that the same page gives the same bytes.

    Parameters
    ----------
    html
        The self-contained HTML file.
    pdf
        Where the PDF goes.
    lang
        ``zh`` or ``en``: the language of the footer.
    as_of
        The data's as-of date: the PDF's date unless ``$SOURCE_DATE_EPOCH`` is set
        (None and no ``$SOURCE_DATE_EPOCH``: Chromium's clock).
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
    check_lang(lang)
    stamp = pdf_date(as_of)
    executable = find_chromium()
    html, pdf = Path(html).resolve(), Path(pdf).resolve()
    if not html.is_file():
        msg = f"HTML file {str(html)!r} does not exist."
        raise LinliError(msg)
    data = print_pdf(html, executable=executable, timeout=timeout, options=pdf_options(lang))
    if data[:5] != b"%PDF-":
        msg = f"Chromium could not print {html.name} to PDF: it returned no PDF."
        raise LinliError(msg)
    if stamp is not None:
        data = normalise_pdf(data, stamp)
    pdf.parent.mkdir(parents=True, exist_ok=True)
    part = pdf.with_name(f".{pdf.name}.part")
    part.write_bytes(data)
    os.replace(part, pdf)
    return pdf


def pdf_date(as_of: date | str | None = None, *, environ: Mapping[str, str] | None = None) -> datetime | None:
    """Return the date a PDF is stamped with: :func:`linli.outputs.source_date` (``$SOURCE_DATE_EPOCH``
    when set, else midnight UTC of ``as_of``, else None)."""
    return source_date(as_of, environ=environ)


#: Chromium's (Skia's) PDF dates: ``/CreationDate (D:20261130085324+00'00')``, ``/ModDate (…)``.
_PDF_DATE = re.compile(rb"/(CreationDate|ModDate) \(D:\d{14}[+-]\d\d'\d\d'\)")


#: The ids of a tagged PDF's structure elements: Chromium numbers them by its DOM node
#: counter, which differs from one browser process to the next.
_PDF_NODE_ID = re.compile(rb"\(node(\d{8})\)")


def normalise_pdf(data: bytes, stamp: datetime) -> bytes:
    """Return Chromium's PDF with its creation and modification dates set to ``stamp`` (UTC)
    and its structure-element ids numbered from 1.

    Everything is replaced in place by strings of the same length, so the cross-reference
    table stays valid; ids keep their order (the id tree stays sorted). Chromium writes no
    document id, and otherwise the same bytes for the same page.

    Examples
    --------
    >>> pdf = b"<</Producer (Skia/PDF m120) /CreationDate (D:20261130085324+08'00')>>"
    >>> normalise_pdf(pdf, datetime(2024, 12, 31, tzinfo=UTC))[-41:]  # 13 + 1 + 3 + 14 + 7 + 1 + 2 characters
    b"/CreationDate (D:20241231000000+00'00')>>"
    >>> normalise_pdf(b"/ID (node00000035) /ID (node00000032) /Names [(node00000032) 4 0 R]", datetime(2024, 1, 1))
    b'/ID (node00000002) /ID (node00000001) /Names [(node00000001) 4 0 R]'
    """
    text = stamp.astimezone(UTC).strftime("%Y%m%d%H%M%S").encode("ascii") + b"+00'00'"
    data = _PDF_DATE.sub(lambda m: b"/" + m.group(1) + b" (D:" + text + b")", data)
    ranks = {old: b"%08d" % i for i, old in enumerate(sorted(set(_PDF_NODE_ID.findall(data)), key=int), start=1)}
    return _PDF_NODE_ID.sub(lambda m: b"(node" + ranks[m.group(1)] + b")", data)


def pdf_options(lang: str) -> dict[str, object]:
    """Return the ``Page.printToPDF`` options of a report: A4, backgrounds, the page-number
    footer in ``lang``, an outline from the headings, tags (alt text)."""
    number = '<span class="pageNumber"></span>'
    total = '<span class="totalPages"></span>'
    text = html_lib.escape(word("pdf.footer", lang=lang, page="\0", pages="\1"))
    text = text.replace("\0", number).replace("\1", total)
    footer = (f'<div style="width:100%;margin:0 14mm;text-align:center;font-size:8pt;color:#555;'
              f'font-family:{FOOTER_FONTS}">{text}</div>')
    return {
        "format": "A4",
        "print_background": True,
        "display_header_footer": True,
        "header_template": "<span></span>",
        "footer_template": footer,
        "outline": True,
        "tagged": True,
    }
