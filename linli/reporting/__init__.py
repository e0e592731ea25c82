"""Reporting: run the report notebooks over a hand-off and export them, offline.

The only part of linli that knows papermill, nbconvert, nbclient and Chromium (a test
walks the package's imports to keep it so).

``build``        :func:`~linli.reporting.build.build` — the reporting step of ``linli build``
``jobs``         one :class:`ReportJob` per unit, run in parallel processes, cached
``notebook``     run a parameterised notebook with papermill; where the notebooks are
``export``       offline HTML (nbconvert, ``templates/report.html.j2`` and ``report.css``)
                 and PDF (headless Chromium: page numbers, outline, tags); ``browser_version``
``browser``      one long-lived headless Chromium per process, driven by Playwright
``warm``         report kernels forked from a process that has made the imports, once per worker
``docx_report``  the Word report, from the executed notebook's outputs (python-docx)
``figure_output`` how the report kernel shows a figure (alt text) and writes its files
``offline``      find and strip what would make a page use the network
``names``        the name of every file a build writes (another language adds its code)
``index_page``   ``OUT/<year>/index.html`` (every report in the folder) and ``OUT/index.html``
                 (every year), from ``templates/`` and ``index.css``

What a report shows (the notebooks call these; each takes a unit's slice of the hand-off):

``summary``      the one-page summary (摘要) that opens a report
``tables``       one unit: headline, scorecard, profile, indicators
``comparison``   the zone's communities side by side, ranks and what drives them
``selection``    which communities a report sets side by side in a large zone
``sections``     cover, brand, map, trends, checks
``appendix``     data quality, the published figures checked, method, provenance
``notes``        the evaluator's findings and recommendations (``notes/<unit_id>.md``)
``format``       how a number, rank, band or reason is written
``render``       tables, notes and headings as HTML
"""

from __future__ import annotations

from .build import build as build
from .build import check_notebooks as check_notebooks
from .build import select_units as select_units
from .docx_report import export_docx as export_docx
from .export import CHROMIUM_ENV as CHROMIUM_ENV
from .export import browser_version as browser_version
from .export import export_html as export_html
from .export import export_pdf as export_pdf
from .export import find_chromium as find_chromium
from .index_page import write_index as write_index
from .jobs import BuildSummary as BuildSummary
from .jobs import ReportJob as ReportJob
from .jobs import ReportOutcome as ReportOutcome
from .jobs import build_reports as build_reports
from .jobs import cache_key as cache_key
from .jobs import is_cached as is_cached
from .jobs import run_job as run_job
from .notebook import NotebookError as NotebookError
from .notebook import notebooks_dir as notebooks_dir
from .notebook import run_notebook as run_notebook
from .offline import remote_resources as remote_resources
from .offline import strip_remote as strip_remote
