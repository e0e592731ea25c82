"""Reports: run the parameterised notebooks, export offline HTML and PDF, in parallel, cached.

This module and :mod:`linli.cli` are the only ones that know notebooks and papermill
exist. :func:`build` is ``linli build``::

    raw ledgers ─ load_dataset ─ compute_results ─ save_results ─► OUT/<year>/data/   (hand-off)
                                               └─ write_unit_json ► OUT/<year>/<unit>.json
    one ReportJob per unit ─ build_reports (processes) ─► OUT/<year>/<unit>.ipynb/.html/.pdf
    write_index ─► OUT/<year>/index.html

Hand-off (what a report notebook reads)
---------------------------------------
Everything is computed once, vectorised over all units, by :func:`compute_results` and
written by :func:`save_results` to ``OUT/<year>/data/``:

``indicators.parquet``   the long table of :func:`linli.indicators.compute`, every unit
                         and year (``unit_id, unit_type, year, indicator, value, ci_low,
                         ci_high, reason``)
``scores.parquet``       :func:`linli.index.normalise` with the default method: each
                         scored indicator's 0–100 score
``index.parquet``        :func:`linli.index.linli_index` (dimension scores, index, rank)
``uncertainty.parquet``  :func:`linli.index.uncertainty` (index band, rank interval)
``rank_sensitivity.parquet`` :func:`linli.index.rank_sensitivity` (which choice drives
                         each community's rank)
``sensitivity.parquet``  :func:`linli.index.sensitivity`
``progress.parquet``     :func:`linli.progress.progress`, first year → report year
``claims.parquet``       :func:`linli.claims.check_claims` of the data directory's
                         ``published_claims.yaml`` (empty without one, or when it cannot
                         be read: ``build.json``'s ``claims_error`` says why)
``units.parquet``        ``unit_id, unit_type, name_zh, name_en, brand, zone_id``
``tables/*.parquet``     the clean, pseudonymised tables (GeoParquet for geometry),
``quarantine.csv``,      ``provenance.csv`` — :func:`linli.dataset.save_dataset`
``build.json``           year, baseline year, years, as-of, synthetic, dataset name,
                         linli version, input fingerprint

The directory is published whole (a private sibling directory, then renames under a
lock; left untouched when it already holds the same bytes), so notebooks that compute
it at the same time never read a half-written hand-off (see :mod:`linli.results`).

A notebook reads only its unit's slice with :func:`load_unit`, which filters every frame
to the unit and its comparison units (a community and its zone; a zone and its
communities) and reads clean tables filtered to those communities
(:meth:`UnitResults.table`, a Parquet row filter).

Notebook parameters
-------------------
``notebooks/reports/community.ipynb`` and ``zone.ipynb`` declare, in the cell tagged
``parameters``::

    unit_id = "xiangbei"   # community_id (community.ipynb) or zone_id (zone.ipynb)
    year = 2024            # assessment year
    lang = "zh"            # "zh" or "en"
    results_dir = ""       # hand-off directory; "" computes it from the raw data
    data_dir = ""          # raw ledgers, read only when results_dir is "" (default data/raw)

and start with ``res = linli.results.load_unit(unit_id, year=year, results_dir=results_dir
or None, data_dir=data_dir or None)``. :func:`build` passes ``unit_id``, ``year``, ``lang``
and ``results_dir="data"`` (relative: the kernel runs in ``OUT/<year>``, so executed
notebooks carry no absolute path). Run directly, without ``results_dir``, a notebook
computes the hand-off itself into ``reports/<year>/data``.

Caching
-------
A unit is skipped (status ``cached``) when its key file ``OUT/<year>/.cache/<unit>.key``
holds :func:`cache_key` of the job and every requested output exists. The key is a
SHA-256 over the notebook template's bytes, the parameters (sorted JSON), the unit, title
and language, the input fingerprint (every raw file's SHA-256 from the provenance,
``dataset.yaml``, the as-of date and ``published_claims.yaml``), ``linli.__version__``
and the bytes of the package's own ``.py``/``.yaml`` files (so editing the code
rebuilds). A unit that fails loses its key and outputs, so the next build retries it.

Parallelism and Dask
--------------------
:func:`build_reports` runs units in separate processes (``ProcessPoolExecutor`` with the
``spawn`` start method; default ``os.cpu_count()`` workers; ``n_jobs=1`` runs in this
process). A unit's failure is caught and recorded in one line; the others go on. As
with any ``multiprocessing`` code, a script that calls :func:`build` with more than one
job must guard its entry point with ``if __name__ == "__main__":``.

When a province's worth of communities outgrows one machine, pass any
``concurrent.futures.Executor`` as ``executor=``, e.g. a Dask cluster's (Dask is not a
dependency of linli)::

    from dask.distributed import Client
    client = Client("tcp://scheduler:8786")
    linli.report.build("data/raw", out="/shared/reports", executor=client.get_executor())

The workers need linli, the notebook kernel, Chromium and fonts installed, and ``out``
and the notebooks on a file system every worker sees. Start them with one thread each
(``dask worker --nthreads 1 --nworkers N``): every unit already runs its own kernel
process.

Offline HTML
------------
:func:`export_html` uses nbconvert's ``lab`` template with the blocks that load
require.js, MathJax, Mermaid and the widget manager from CDNs emptied; CSS is inlined
and images are data URIs; code cells, prompts and stderr streams are left out (cells
tagged ``remove_cell`` are dropped, ``remove_output`` keep no output). Anything remote
left in a notebook's own output is stripped, and :func:`remote_resources` must find
nothing. ``<a href="https://…">`` links that cite a source stay: they are navigation,
never fetched. LaTeX is not typeset (no MathJax); reports write formulas as text.

PDF
---
:func:`export_pdf` prints the HTML with headless Chromium (Debian's ``chromium``; the
``LINLI_CHROMIUM`` environment variable may name another binary) with a fresh profile,
no network services and no header or footer, on A4 (:data:`PRINT_CSS`). Chinese text
needs a CJK font known to fontconfig (Debian ``fonts-noto-cjk``).

Tunables
--------
``NOTEBOOKS_DIR``        where ``community.ipynb`` and ``zone.ipynb`` are
``HANDOFF_DIR``          name of the hand-off directory under ``OUT/<year>`` (``data``)
``CELL_TIMEOUT``         seconds a notebook cell may run (600)
``PDF_TIMEOUT``          seconds Chromium may take to print one report (180)
``CHROMIUM_ENV``         environment variable naming the Chromium binary
``CHROMIUM_CANDIDATES``  binaries looked for on ``PATH``, in order
``CJK_FONT_STACK``       CSS font families of the HTML and PDF
``PRINT_CSS``            the stylesheet added to every report
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import hashlib
import html as html_lib
import json
import logging
import multiprocessing
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from . import __version__, config, contract
from .errors import LinliError, OutputError
from .outputs import check_out_dir, output_path
from .privacy import redact
from .results import (
    HANDOFF_DIR,
    Results,
    UnitResults,
    compute_results,
    load_unit,
    prepare_results,
    save_results,
    units_table,
    write_unit_json,
)

log = logging.getLogger(__name__)

__all__ = [
    "BuildSummary",
    "NotebookError",
    "ReportJob",
    "ReportResult",
    "Results",
    "UnitResults",
    "build",
    "build_reports",
    "cache_key",
    "compute_results",
    "export_html",
    "export_pdf",
    "find_chromium",
    "is_cached",
    "load_unit",
    "prepare_results",
    "remote_resources",
    "run_job",
    "run_notebook",
    "save_results",
    "strip_remote",
    "write_index",
    "write_unit_json",
]

Status = Literal["built", "cached", "failed"]

LANGS: tuple[str, ...] = ("zh", "en")
FORMATS: tuple[str, ...] = ("html", "pdf")
UNIT_TYPES: tuple[str, ...] = ("community", "zone")
STATUSES: tuple[str, ...] = ("built", "cached", "failed")
#: Report notebook of each unit type, in :data:`NOTEBOOKS_DIR`.
TEMPLATES: dict[str, str] = {"community": "community.ipynb", "zone": "zone.ipynb"}
#: The frames of the hand-off, in the order of a unit's JSON.

NOTEBOOKS_DIR: Path = config.PROJECT_ROOT / "notebooks" / "reports"
CACHE_DIR: str = ".cache"
CELL_TIMEOUT: int = 600
PDF_TIMEOUT: float = 180.0
CHROMIUM_ENV: str = "LINLI_CHROMIUM"
CHROMIUM_CANDIDATES: tuple[str, ...] = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CJK_FONT_STACK: str = '"Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", sans-serif'

_HTML_LANG: dict[str, str] = {"zh": "zh-CN", "en": "en"}

PRINT_CSS: str = f"""
:root {{
  --jp-ui-font-family: {CJK_FONT_STACK};
  --jp-content-font-family: {CJK_FONT_STACK};
  --jp-code-font-family: "DejaVu Sans Mono", "Noto Sans Mono CJK SC", monospace;
}}
body {{ font-family: {CJK_FONT_STACK}; }}
body.jp-Notebook {{ max-width: 190mm; margin: 0 auto; padding: 8mm 0; }}
.jp-Cell:empty, .jp-Cell.jp-mod-noOutputs.jp-CodeCell {{ display: none; }}
.jp-OutputArea-output img, .jp-OutputArea-output svg {{ max-width: 100%; height: auto; }}
.jp-RenderedHTMLCommon table {{ font-size: 0.9em; }}
.linli-banner {{ border: 2px solid #c0392b; color: #c0392b; padding: 0.5em 1em; font-weight: bold; }}
/* report tables and texts (linli.summary) */
.jp-RenderedHTMLCommon table.linli-table {{
  width: 100%; margin: 0.4em 0 0.8em; border-collapse: collapse; table-layout: auto;
  font-size: 9.5pt; line-height: 1.35; color: #222;
}}
.jp-RenderedHTMLCommon table.linli-table th, .jp-RenderedHTMLCommon table.linli-table td {{
  text-align: left; vertical-align: top; padding: 0.28em 0.5em; border: none;
  border-bottom: 1px solid #e0e0e0; max-width: none;
}}
.jp-RenderedHTMLCommon table.linli-table thead th {{
  background: #f2f2f2; border-bottom: 1.5px solid #888; font-weight: bold; white-space: nowrap;
}}
.jp-RenderedHTMLCommon table.linli-table td.num, .jp-RenderedHTMLCommon table.linli-table th.num {{
  text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums;
}}
.jp-RenderedHTMLCommon table.linli-table td:first-child {{ min-width: 8em; }}
.jp-RenderedHTMLCommon table.linli-table tbody tr:nth-child(odd) {{ background: #fafafa; }}
.jp-RenderedHTMLCommon table.linli-table tbody tr:hover {{ background: inherit; }}
.jp-RenderedHTMLCommon table.linli-table tr.hl td {{ font-weight: bold; background: #fff6da; }}
.jp-RenderedHTMLCommon .linli-note {{ font-size: 8.5pt; color: #555; margin: 0.2em 0 1em; }}
.jp-RenderedHTMLCommon ul.linli-list li {{ margin-bottom: 0.35em; }}
.jp-RenderedHTMLCommon h2 {{ border-bottom: 2px solid #3b3b3b; padding-bottom: 0.15em; margin-top: 1.4em; }}
.linli-cover h1 {{ font-size: 20pt; margin: 0.2em 0 0.6em; }}
.linli-cover .linli-kicker {{ color: #666; font-size: 10pt; margin: 0; letter-spacing: 0.05em; }}
.linli-chip {{ display: inline-block; border-radius: 4px; padding: 0 0.35em; font-size: 0.8em; vertical-align: 0.15em; }}
.jp-RenderedHTMLCommon table.linli-facts {{ margin: 0 0 1em; border-collapse: collapse; font-size: 10pt; }}
.jp-RenderedHTMLCommon table.linli-facts th, .jp-RenderedHTMLCommon table.linli-facts td {{
  text-align: left; border: none; padding: 0.15em 1.2em 0.15em 0; background: none;
}}
.jp-RenderedHTMLCommon table.linli-facts th {{ color: #555; font-weight: normal; white-space: nowrap; }}
.jp-RenderedHTMLCommon table.linli-facts tr {{ background: none; }}
@page {{ size: A4; margin: 16mm 14mm 16mm 14mm; }}
@media print {{
  body.jp-Notebook {{ max-width: none; padding: 0; }}
  h1, h2, h3, h4 {{ break-after: avoid-page; }}
  .jp-OutputArea-output img, .jp-OutputArea-output svg, .jp-RenderedHTMLCommon table, figure {{
    break-inside: avoid-page;
  }}
  .jp-RenderedHTMLCommon table.linli-table {{ break-inside: auto; }}
  .jp-RenderedHTMLCommon table.linli-table tr {{ break-inside: avoid-page; }}
  .jp-RenderedHTMLCommon table.linli-table thead {{ display: table-header-group; }}
  a {{ color: inherit; text-decoration: none; }}
}}
"""

# nbconvert's lab template with every block that loads a script from a CDN emptied.
_HTML_TEMPLATE: str = """{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block html_head_css -%}
<style type="text/css">
{{ resources.linli_css }}
</style>
{%- endblock html_head_css -%}
"""


class NotebookError(LinliError, RuntimeError):
    """A report notebook raised an error while it ran."""


# ------------------------------------------------------------------------ jobs


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
        Exports besides the executed notebook: any of ``html``, ``pdf``.
    out_dir
        Where ``<unit_id>.ipynb/.html/.pdf`` go (``OUT/<year>``); the kernel runs here.
    title
        Title of the HTML page (default the unit id).
    inputs
        Fingerprint of the data the notebook reads (part of the cache key).
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
    timeout: int = CELL_TIMEOUT
    kernel_name: str = "python3"

    def __post_init__(self) -> None:
        if not re.fullmatch(contract.ID_PATTERN, str(self.unit_id)):
            msg = (f"Unit id {self.unit_id!r} cannot name a report file: use letters, digits, _ and -, "
                   "at most 64 characters.")
            raise OutputError(msg)
        _check_choice(self.unit_type, UNIT_TYPES, "unit_type")
        _check_choice(self.lang, LANGS, "lang")
        object.__setattr__(self, "formats", _check_formats(self.formats))
        object.__setattr__(self, "template", Path(self.template))
        object.__setattr__(self, "out_dir", Path(self.out_dir))
        object.__setattr__(self, "year", int(self.year))

    def paths(self) -> dict[str, Path]:
        """Return the output files, by kind: ``ipynb`` always, then each format (all inside ``out_dir``)."""
        return {kind: output_path(self.out_dir, f"{self.unit_id}.{kind}") for kind in ("ipynb", *self.formats)}

    @property
    def key_path(self) -> Path:
        """The file that holds the cache key of the last successful build."""
        return output_path(self.out_dir, CACHE_DIR, f"{self.unit_id}.key")


@dataclass(frozen=True)
class ReportResult:
    """What became of one :class:`ReportJob`."""

    unit_id: str
    unit_type: str
    status: Status
    outputs: dict[str, Path] = field(default_factory=dict)
    error: str | None = None
    seconds: float = 0.0


@dataclass(frozen=True)
class BuildSummary:
    """The outcome of :func:`build`."""

    year: int
    out_dir: Path
    results_dir: Path
    index: Path
    reports: tuple[ReportResult, ...]
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
            f"{len(self.reports)} report(s) for {self.year} in {self.out_dir}: "
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


def _check_formats(formats: Iterable[str] | str) -> tuple[str, ...]:
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


# ------------------------------------------------------------------ notebooks


def _plain(value: Any) -> Any:
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

    Returns
    -------
    pathlib.Path
        ``output``.

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
    engine_kwargs: dict[str, Any] = {"record_timing": False}
    if kernel_name == "python3":  # ipykernel: keep its start-up and shutdown notices out of the build's output
        engine_kwargs["extra_arguments"] = ["--IPKernelApp.log_level=CRITICAL"]
    if cwd is not None:
        engine_kwargs["resources"] = {"metadata": {"path": str(Path(cwd).resolve())}}
    try:
        pm.execute_notebook(
            str(template),
            str(output),
            parameters={str(k): _plain(v) for k, v in parameters.items()},
            kernel_name=kernel_name,
            progress_bar=False,
            log_output=False,
            request_save_on_cell_execute=False,
            execution_timeout=timeout,
            **engine_kwargs,
        )
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


# ----------------------------------------------------------------------- HTML


_REMOTE_PREFIXES = ("http://", "https://", "//", "ftp://")
_FETCHED_ATTRS = frozenset({"src", "poster", "data", "background", "srcset"})
_RE_CSS_URL = re.compile(r"""url\(\s*['"]?\s*([^'")\s]+)""", re.IGNORECASE)
_RE_CSS_IMPORT = re.compile(r"""@import\s+(?:url\(\s*)?['"]?\s*([^'")\s;]+)""", re.IGNORECASE)
_RE_JS_IMPORT = re.compile(r"""\bimport\s*\(\s*['"]([^'"]+)|\bimport\s[^;'"]*?from\s*['"]([^'"]+)""")


def _is_remote(url: str) -> bool:
    return url.strip().lower().startswith(_REMOTE_PREFIXES)


class _ResourceParser(HTMLParser):
    """Collect every URL an HTML page would fetch by itself."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._raw: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            urls: list[str] = []
            if name == "srcset":
                urls = [part.strip().split(" ")[0] for part in value.split(",")]
            elif name in _FETCHED_ATTRS or (
                name in ("href", "xlink:href") and tag in ("link", "base", "image", "use", "feimage", "script")
            ):
                urls = [value]
            elif name == "style":
                self._css(value)
            self.found += [u for u in urls if _is_remote(u)]
        if tag in ("style", "script"):
            self._raw = tag

    def handle_endtag(self, tag: str) -> None:
        if tag == self._raw:
            self._raw = None

    def handle_data(self, data: str) -> None:
        if self._raw == "style":
            self._css(data)
        elif self._raw == "script":
            for m in _RE_JS_IMPORT.finditer(data):
                url = m.group(1) or m.group(2)
                if _is_remote(url):
                    self.found.append(url)

    def _css(self, css: str) -> None:
        for rx in (_RE_CSS_URL, _RE_CSS_IMPORT):
            self.found += [u for u in rx.findall(css) if _is_remote(u)]


def remote_resources(html: str) -> list[str]:
    """Return the network resources an HTML page would fetch when opened.

    Counted: ``src``, ``srcset``, ``poster``, ``data`` and ``background`` of any element,
    ``href`` of ``<link>``, ``<base>``, ``<script>`` and SVG ``<image>``/``<use>``,
    ``url()`` and ``@import`` in CSS, and ``import`` in scripts. Hyperlinks
    (``<a href>``) are not resources. Each address is listed once.

    Examples
    --------
    >>> remote_resources('<script src="https://cdn.example/x.js"></script><a href="https://gov.cn">src</a>')
    ['https://cdn.example/x.js']
    >>> remote_resources('<img src="data:image/png;base64,AAAA">')
    []
    """
    parser = _ResourceParser()
    parser.feed(html)
    parser.close()
    return list(dict.fromkeys(parser.found))


_RE_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
_RE_LINK = re.compile(r"<(?:link|base)\b([^>]*)>", re.IGNORECASE)
_RE_SRC = re.compile(r"""\b(?:src|href)\s*=\s*['"]?\s*([^'"\s>]+)""", re.IGNORECASE)
_RE_ATTR = re.compile(
    r"""\b(src|srcset|poster|data|background|xlink:href)\s*=\s*(['"])\s*(?:https?:|ftp:)?//[^'"]*\2""", re.IGNORECASE
)
_RE_IMPORT = re.compile(r"""@import\s+(?:url\()?\s*['"]?\s*(?:https?:|ftp:)?//[^;]*;""", re.IGNORECASE)
_RE_URL = re.compile(r"""url\(\s*(['"]?)\s*(?:https?:|ftp:)?//[^)]*\)""", re.IGNORECASE)


def _drop_remote_script(m: re.Match[str]) -> str:
    src = _RE_SRC.search(m.group(1))
    if src and _is_remote(src.group(1)):
        return ""
    if any(_is_remote(a or b) for a, b in _RE_JS_IMPORT.findall(m.group(2))):
        return ""
    return m.group(0)


def _drop_remote_link(m: re.Match[str]) -> str:
    href = _RE_SRC.search(m.group(1))
    return "" if href and _is_remote(href.group(1)) else m.group(0)


def strip_remote(html: str) -> str:
    """Remove what would make a page fetch from the network; leave the rest as is.

    Scripts and style links with a remote address are dropped; remote ``src``-like
    attributes, CSS ``url()`` and ``@import`` are emptied. A page without remote
    resources is returned unchanged.

    Examples
    --------
    >>> strip_remote('<p>x</p><script src="https://cdn.example/require.js"></script>')
    '<p>x</p>'
    >>> strip_remote('<img src="http://tile.example/1.png" alt="map">')
    '<img src="" alt="map">'
    """
    if not remote_resources(html):
        return html
    html = _RE_SCRIPT.sub(_drop_remote_script, html)
    html = _RE_LINK.sub(_drop_remote_link, html)
    html = _RE_ATTR.sub(r"\1=\2\2", html)
    html = _RE_IMPORT.sub("", html)
    return _RE_URL.sub("url()", html)


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
    print stylesheet :data:`PRINT_CSS` (A4, CJK fonts).

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

    _check_choice(lang, LANGS, "lang")
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
        raw_template=_HTML_TEMPLATE,
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
        language_code=lang,
        theme="light",
    )
    body, _ = exporter.from_notebook_node(nb, resources={"linli_css": PRINT_CSS, "metadata": {"name": title}})
    body = re.sub(r"<html\b[^>]*>", f'<html lang="{_HTML_LANG[lang]}">', body, count=1)
    body = strip_remote(body)
    left = remote_resources(body)
    if left:
        msg = f"{html.name}: could not remove network resource(s) {left[:3]} from the report."
        raise LinliError(msg)
    html.parent.mkdir(parents=True, exist_ok=True)
    html.write_text(body, encoding="utf-8")
    return html


# ------------------------------------------------------------------------ PDF


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


# -------------------------------------------------------------------- caching


@lru_cache(maxsize=1)
def _package_hash() -> str:
    """SHA-256 over the package's own ``.py`` and ``.yaml`` files (names and bytes)."""
    root = Path(__file__).resolve().parent
    h = hashlib.sha256()
    files = sorted(
        p for p in root.rglob("*") if p.suffix in (".py", ".yaml") and "__pycache__" not in p.parts and p.is_file()
    )
    for path in files:
        _update(h, path.relative_to(root).as_posix(), path.read_bytes())
    return h.hexdigest()


def _update(h: Any, label: str, data: bytes) -> None:
    h.update(label.encode("utf-8") + b"\0" + len(data).to_bytes(8, "big") + data)


def cache_key(job: ReportJob) -> str:
    """Return the SHA-256 that decides whether ``job`` must run again.

    Over: the template's bytes, the parameters as sorted JSON, unit, type, year,
    language, title and kernel, ``job.inputs`` (the data fingerprint),
    ``linli.__version__`` and the package's own source files.
    """
    h = hashlib.sha256()
    _update(h, "template", job.template.read_bytes())
    params = {str(k): _plain(v) for k, v in job.parameters.items()}
    _update(h, "parameters", json.dumps(params, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8"))
    unit = [job.unit_type, job.unit_id, job.year, job.lang, job.title, job.kernel_name]
    _update(h, "unit", json.dumps(unit, ensure_ascii=False).encode("utf-8"))
    _update(h, "inputs", job.inputs.encode("utf-8"))
    _update(h, "version", __version__.encode("utf-8"))
    _update(h, "package", _package_hash().encode("ascii"))
    return h.hexdigest()


def is_cached(job: ReportJob) -> bool:
    """Whether ``job``'s outputs are all there and were built from the same inputs."""
    try:
        stored = job.key_path.read_text(encoding="utf-8").strip()
    except OSError:
        return False
    return all(p.is_file() for p in job.paths().values()) and stored == cache_key(job)


# ----------------------------------------------------------------- execution


def run_job(job: ReportJob) -> ReportResult:
    """Build one report: run the notebook, export HTML, print the PDF, store the key.

    Never raises for a failing unit: the error becomes one line in the result, the
    unit's key and stale exports are removed (the executed notebook, with the error,
    is kept for inspection). Exports of formats not asked for this time are removed
    too, since they would describe the previous inputs.
    """
    start = time.perf_counter()
    paths = job.paths()
    job.key_path.unlink(missing_ok=True)
    for ext in FORMATS:  # an export of a format not asked for this time would be stale
        output_path(job.out_dir, f"{job.unit_id}.{ext}").unlink(missing_ok=True)
    try:
        run_notebook(
            job.template, paths["ipynb"], job.parameters,
            kernel_name=job.kernel_name, cwd=job.out_dir, timeout=job.timeout,
        )
        if "html" in paths or "pdf" in paths:
            with tempfile.TemporaryDirectory(prefix="linli-html-") as tmp:
                page = paths.get("html", Path(tmp) / f"{job.unit_id}.html")
                export_html(paths["ipynb"], page, title=job.title or job.unit_id, lang=job.lang)
                if "pdf" in paths:
                    export_pdf(page, paths["pdf"])
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
    return ReportResult(job.unit_id, job.unit_type, status, outputs, error, round(time.perf_counter() - start, 3))


def build_reports(
    jobs: Sequence[ReportJob],
    *,
    n_jobs: int | None = None,
    progress: bool = True,
    executor: cf.Executor | None = None,
) -> list[ReportResult]:
    """Build many reports in parallel; skip those whose inputs did not change.

    Parameters
    ----------
    jobs
        One job per report; unit ids must be unique per output directory.
    n_jobs
        Worker processes (default ``os.cpu_count()``); 1 runs in this process.
    progress
        Show a progress bar over the units on stderr.
    executor
        Any ``concurrent.futures.Executor`` (e.g. ``dask.distributed.Client.get_executor()``)
        to run the jobs instead of a local process pool; ``n_jobs`` is then ignored.

    Returns
    -------
    list of ReportResult
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

    results: dict[int, ReportResult] = {}
    pending: list[int] = []
    for i, job in enumerate(jobs):
        if is_cached(job):
            results[i] = ReportResult(job.unit_id, job.unit_type, "cached", job.paths())
        else:
            pending.append(i)
    log.info("%d report(s): %d unchanged, %d to build", len(jobs), len(results), len(pending))

    with tqdm(
        total=len(jobs), initial=len(results), desc="reports", unit="unit",
        file=sys.stderr, disable=not progress, dynamic_ncols=True,
    ) as bar:

        def done(i: int, result: ReportResult) -> None:
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
        elif workers == 1:
            for i in pending:
                done(i, run_job(jobs[i]))
        else:
            pool = cf.ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))
            try:
                _collect(pool, jobs, pending, done)
            finally:
                pool.shutdown(wait=True, cancel_futures=True)
    return [results[i] for i in range(len(jobs))]


def _collect(
    executor: cf.Executor, jobs: Sequence[ReportJob], pending: Sequence[int], done: Any
) -> None:
    futures = {executor.submit(run_job, jobs[i]): i for i in pending}
    try:
        for future in cf.as_completed(futures):
            i = futures[future]
            try:
                result = future.result()
            except Exception as exc:  # the worker died, or the executor failed the task
                job = jobs[i]
                result = ReportResult(job.unit_id, job.unit_type, "failed", {}, _one_line(exc))
            done(i, result)
    except BaseException:
        for future in futures:
            future.cancel()
        raise


# ---------------------------------------------------------------------- index


_LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "unit": "单位", "id": "编号", "type": "类型", "status": "状态", "files": "文件", "error": "错误",
        "community": "社区", "zone": "街道（试验区）",
        "built": "已生成", "cached": "已是最新", "failed": "失败",
        "html": "网页", "pdf": "PDF", "ipynb": "笔记本", "json": "数据（JSON）",
        "summary": "共 {n} 份报告：新生成 {built} 份，沿用 {cached} 份，失败 {failed} 份。",
        "footer": "由 linli {version} 生成。所有文件均可离线打开。",
    },
    "en": {
        "unit": "Unit", "id": "ID", "type": "Type", "status": "Status", "files": "Files", "error": "Error",
        "community": "community", "zone": "zone",
        "built": "built", "cached": "up to date", "failed": "failed",
        "html": "HTML", "pdf": "PDF", "ipynb": "notebook", "json": "data (JSON)",
        "summary": "{n} report(s): {built} built, {cached} up to date, {failed} failed.",
        "footer": "Made by linli {version}. Every file opens offline.",
    },
}

_INDEX_CSS = f"""
body {{ font-family: {CJK_FONT_STACK}; max-width: 190mm; margin: 2em auto; padding: 0 1em; color: #222; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border-bottom: 1px solid #ccc; padding: 0.4em 0.6em; text-align: left; vertical-align: top; }}
th {{ background: #f3f3f3; }}
td:nth-child(2), td:nth-child(3), td:nth-child(4) {{ white-space: nowrap; }}
.failed {{ color: #c0392b; font-weight: bold; }}
.error {{ font-size: 0.85em; color: #c0392b; font-weight: normal; white-space: normal; }}
.linli-banner {{ border: 2px solid #c0392b; color: #c0392b; padding: 0.5em 1em; font-weight: bold; }}
footer {{ margin-top: 2em; font-size: 0.85em; color: #666; }}
@page {{ size: A4; margin: 16mm 14mm; }}
"""


def write_index(
    results: Sequence[ReportResult],
    out_dir: Path | str,
    *,
    year: int,
    lang: str,
    title: str,
    units_meta: Mapping[str, Mapping[str, Any]] | None = None,
    subtitle: str | None = None,
    banner: str | None = None,
) -> Path:
    """Write ``out_dir/index.html``: every report of the build, its status and files.

    The page links each unit's HTML, PDF, executed notebook and JSON (when present,
    by relative address) and shows the one-line error of a failed unit. It loads
    nothing from the network and carries no timestamp.

    Parameters
    ----------
    results
        From :func:`build_reports`.
    out_dir
        ``OUT/<year>``.
    year
        Assessment year (shown in the heading).
    lang
        ``zh`` or ``en``.
    title
        Page title and heading.
    units_meta
        Per unit id: ``name_zh``, ``name_en`` (the unit's name in the table).
    subtitle
        A line under the heading (e.g. dataset and as-of date).
    banner
        A warning box (e.g. that the data is synthetic).

    Returns
    -------
    pathlib.Path
        The page.
    """
    _check_choice(lang, LANGS, "lang")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    lab = _LABELS[lang]
    meta = units_meta or {}
    esc = html_lib.escape
    rows = []
    for r in results:
        info = meta.get(r.unit_id, {})
        name = info.get(f"name_{lang}") or info.get("name_zh") or r.unit_id
        files = dict(r.outputs)
        unit_json = out / f"{r.unit_id}.json"
        if unit_json.is_file():
            files["json"] = unit_json
        links = " · ".join(
            f'<a href="{esc(_relative(files[k], out))}">{esc(lab[k])}</a>'
            for k in ("html", "pdf", "ipynb", "json") if k in files
        )
        error = f'<div class="error">{esc(r.error)}</div>' if r.error else ""
        rows.append(
            f'<tr><td>{esc(str(name))}</td><td>{esc(r.unit_id)}</td><td>{esc(lab.get(r.unit_type, r.unit_type))}</td>'
            f'<td class="{esc(r.status)}">{esc(lab.get(r.status, r.status))}{error}</td><td>{links}</td></tr>'
        )
    counts = {s: sum(r.status == s for r in results) for s in STATUSES}
    summary = lab["summary"].format(n=len(results), **counts)
    page = "\n".join(
        [
            "<!DOCTYPE html>",
            f'<html lang="{_HTML_LANG[lang]}">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{esc(title)}</title>",
            f"<style>{_INDEX_CSS}</style>",
            "</head>",
            "<body>",
            f"<h1>{esc(title)}</h1>",
            f"<p>{esc(subtitle)}</p>" if subtitle else "",
            f'<p class="linli-banner">{esc(banner)}</p>' if banner else "",
            f"<p>{esc(summary)}</p>",
            "<table>",
            f"<thead><tr><th>{lab['unit']}</th><th>{lab['id']}</th><th>{lab['type']}</th>"
            f"<th>{lab['status']}</th><th>{lab['files']}</th></tr></thead>",
            "<tbody>",
            *rows,
            "</tbody>",
            "</table>",
            f"<footer>{esc(lab['footer'].format(version=__version__))} ({year})</footer>",
            "</body>",
            "</html>",
            "",
        ]
    )
    path = out / "index.html"
    path.write_text(page, encoding="utf-8")
    return path


def _relative(path: Path, base: Path) -> str:
    from urllib.parse import quote

    return quote(Path(os.path.relpath(path, base)).as_posix())


# ---------------------------------------------------------------------- build


def _title(name_zh: str, name_en: str, year: int, lang: str) -> str:
    return f"{name_zh} {year}年度评估报告" if lang == "zh" else f"{name_en}: {year} assessment report"


def _select_units(units: pd.DataFrame, wanted: Sequence[str] | str | None) -> pd.DataFrame:
    if wanted is None:
        return units
    ids = [u.strip() for u in (wanted.split(",") if isinstance(wanted, str) else wanted) if u and u.strip()]
    known = units["unit_id"].astype(str).tolist()
    bad = [u for u in ids if u not in known]
    if bad:
        shown = ", ".join(known[:20]) + (f", … ({len(known)} in all)" if len(known) > 20 else "")
        msg = f"Unknown unit(s) {', '.join(map(repr, bad))}; known: {shown}."
        raise LinliError(msg)
    return units[units["unit_id"].isin(ids)]


def build(
    data_dir: Path | str | None = None,
    *,
    year: int | None = None,
    units: Sequence[str] | str | None = None,
    lang: str = "zh",
    formats: Sequence[str] | str = ("html", "pdf"),
    jobs: int | None = None,
    out: Path | str | None = None,
    notebooks_dir: Path | str | None = None,
    as_of: Any = None,
    progress: bool = True,
    executor: cf.Executor | None = None,
    timeout: int = CELL_TIMEOUT,
) -> BuildSummary:
    """Validate, compute, and build every unit's report: ``linli build``.

    Writes ``OUT/<year>/data/`` (the hand-off), ``OUT/<year>/<unit>.json``, the reports
    ``OUT/<year>/<unit>.ipynb/.html/.pdf`` and ``OUT/<year>/index.html``. Units whose
    inputs did not change are not run again; a failing unit is reported and the
    others go on.

    Parameters
    ----------
    data_dir
        Raw ledgers (default ``config.RAW_DIR``).
    year
        Report year (default the last year in the data).
    units
        Unit ids (communities and/or zones) to build; all when None.
    lang
        ``zh`` or ``en``.
    formats
        Exports: ``html``, ``pdf`` or both (the executed notebook is always kept).
    jobs
        Worker processes (default ``os.cpu_count()``).
    out
        Output root (default ``config.REPORTS_DIR``).
    notebooks_dir
        Where ``community.ipynb`` and ``zone.ipynb`` are (default :data:`NOTEBOOKS_DIR`).
    as_of
        As-of date for :func:`linli.dataset.load_dataset`.
    progress
        Show a progress bar.
    executor
        Run the reports on this executor (e.g. Dask's) instead of local processes.
    timeout
        Seconds a notebook cell may run.

    Raises
    ------
    LinliError
        For bad input or options (unknown unit, year, format or language; a missing
        notebook; unreadable data). A failing report is not an exception: see
        :attr:`BuildSummary.failed`.
    """
    from .dataset import load_dataset

    _check_choice(lang, LANGS, "lang")
    fmts = _check_formats(formats)
    nb_dir = Path(notebooks_dir) if notebooks_dir is not None else NOTEBOOKS_DIR
    root = check_out_dir(out if out is not None else config.REPORTS_DIR)
    ds = load_dataset(data_dir, as_of=as_of)
    chosen = _select_units(units_table(ds.tables["communities"], ds.meta), units)  # fail before computing
    templates = {t: nb_dir / TEMPLATES[t] for t in chosen["unit_type"].astype(str).unique()}
    missing = [str(p) for p in templates.values() if not p.is_file()]
    if missing:
        msg = f"Report notebook(s) not found: {', '.join(missing)}."
        raise LinliError(msg)
    results = compute_results(ds, year=year)

    year_dir = output_path(root, str(results.year))
    handoff = save_results(results, ds, output_path(year_dir, HANDOFF_DIR))
    about_common = {k: results.meta[k] for k in ("as_of", "synthetic", "dataset", "baseline_year", "linli_version")}
    report_jobs: list[ReportJob] = []
    json_paths: dict[str, Path] = {}
    meta_by_unit: dict[str, dict[str, Any]] = {}
    for row in chosen.itertuples(index=False):
        uid, utype = str(row.unit_id), str(row.unit_type)
        name_zh = str(row.name_zh) if not pd.isna(row.name_zh) else uid
        name_en = str(row.name_en) if not pd.isna(row.name_en) else uid
        about = {"name_zh": name_zh, "name_en": name_en, "brand": row.brand, "zone_id": row.zone_id, **about_common}
        meta_by_unit[uid] = about
        json_paths[uid] = write_unit_json(
            output_path(year_dir, f"{uid}.json"), uid, unit_type=utype, year=results.year,
            frames=results.frames, about=about,
        )
        report_jobs.append(
            ReportJob(
                unit_id=uid,
                unit_type=utype,
                year=results.year,
                lang=lang,
                template=templates[utype],
                parameters={"unit_id": uid, "year": results.year, "lang": lang, "results_dir": HANDOFF_DIR},
                formats=fmts,
                out_dir=year_dir,
                title=_title(name_zh, name_en, results.year, lang),
                inputs=str(results.meta["fingerprint"]),
                timeout=timeout,
            )
        )
    reports = build_reports(report_jobs, n_jobs=jobs, progress=progress, executor=executor)

    if lang == "zh":
        title = f"{results.year}年度邻里评估报告"
        subtitle = f"数据：{ds.name}；截至 {ds.as_of.isoformat()}"
        banner = "本批报告使用合成数据，仅供演示，不反映任何真实社区。" if ds.synthetic else None
    else:
        title = f"Linli assessment reports, {results.year}"
        subtitle = f"Data: {ds.name}; as of {ds.as_of.isoformat()}"
        banner = "These reports use synthetic data, for demonstration only." if ds.synthetic else None
    index_path = write_index(
        reports, year_dir, year=results.year, lang=lang, title=title,
        units_meta=meta_by_unit, subtitle=subtitle, banner=banner,
    )
    return BuildSummary(results.year, year_dir, handoff, index_path, tuple(reports), json_paths)
