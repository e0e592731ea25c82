"""The index page of a build: every report of the year, its status and its files.

``OUT/<year>/index.html`` is rendered from ``templates/index.html.j2`` with
``templates/index.css`` inlined and every word from :mod:`linli.labels`. It links each
unit's HTML, PDF, executed notebook and JSON by relative address, shows the one-line
error of a failed unit, links the quarantine workbook with the count of rows it left out, loads nothing from the network and carries no timestamp.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from urllib.parse import quote

import jinja2
from markupsafe import Markup

from .. import __version__
from ..labels import HTML_LANG, check_lang, word
from .export import template_text
from .jobs import REPORT_STATUSES, ReportOutcome

__all__ = ["write_index"]

_LINKS: tuple[str, ...] = ("html", "pdf", "docx", "ipynb", "json")


def _relative(path: Path, base: Path) -> str:
    return quote(Path(os.path.relpath(path, base)).as_posix())


def write_index(
    outcomes: Sequence[ReportOutcome],
    out_dir: Path | str,
    *,
    year: int,
    lang: str,
    title: str,
    names: Mapping[str, str] | None = None,
    subtitle: str | None = None,
    banner: str | None = None,
    quarantine: tuple[Path, int] | None = None,
) -> Path:
    """Write ``out_dir/index.html``: every report of the build, its status and files.

    Parameters
    ----------
    outcomes
        From :func:`linli.reporting.build_reports`.
    out_dir
        ``OUT/<year>``.
    year
        Assessment year (shown in the footer).
    lang
        A language of :data:`linli.labels.LANGS`.
    title
        Page title and heading.
    names
        Unit id -> the unit's name in the table (:func:`linli.labels.unit_names`); the id without one.
    subtitle
        A line under the heading (e.g. dataset and as-of date).
    banner
        A warning box (e.g. that the data is synthetic).
    quarantine
        The quarantine workbook and how many rows it left out: linked, with the count.

    Returns
    -------
    pathlib.Path
        The page.
    """
    check_lang(lang)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for r in outcomes:
        files = dict(r.outputs)
        unit_json = out / f"{r.unit_id}.json"
        if unit_json.is_file():
            files["json"] = unit_json
        rows.append({
            "name": (names or {}).get(r.unit_id, r.unit_id),
            "unit_id": r.unit_id,
            "type": word(f"page.{r.unit_type}", lang=lang) if r.unit_type in ("community", "zone") else r.unit_type,
            "status": r.status,
            "status_text": word(f"page.{r.status}", lang=lang) if r.status in REPORT_STATUSES else r.status,
            "error": r.error,
            "links": [{"href": _relative(files[k], out), "text": word(f"page.{k}", lang=lang)}
                      for k in _LINKS if k in files],
        })
    counts = {s: sum(r.status == s for r in outcomes) for s in REPORT_STATUSES}
    env = jinja2.Environment(autoescape=True, keep_trailing_newline=True)
    page = env.from_string(template_text("index.html.j2")).render(
        html_lang=HTML_LANG[lang],
        title=title,
        css=Markup(template_text("index.css")),
        subtitle=subtitle,
        banner=banner,
        summary=word("page.summary", lang=lang, n=len(outcomes), **counts),
        quarantine=None if quarantine is None else {
            "href": _relative(quarantine[0], out),
            "text": word("page.quarantine", lang=lang, n=quarantine[1]),
            "link": word("page.quarantine_link", lang=lang),
        },
        heads=[word(f"page.{k}", lang=lang) for k in ("unit", "id", "type", "status", "files")],
        rows=rows,
        footer=word("page.footer", lang=lang, version=__version__),
        year=year,
    )
    path = out / "index.html"
    path.write_text(page, encoding="utf-8")
    return path
