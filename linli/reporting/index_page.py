"""The index pages of a build: every report of a year on disk, and every year.

``OUT/<year>/index.html`` (:func:`write_index`) lists every unit that has a report in
the folder — whatever build wrote it — with its index, band and rank, and links each of
its files in every language and format present (names by
:mod:`linli.reporting.names`), so that a build in another language, in fewer formats or
of fewer units adds to the page and never cuts it down. The units of the build that
writes the page show what became of them (built, up to date, failed with its one-line
error); the others say they come from an earlier build. The page links the year's
indicators workbook (``indicators.xlsx``) when it is in the folder, and the quarantine
workbook with the count of rows it left out.

``OUT/index.html`` (:func:`write_years_index`) links the index of every year in ``OUT``.

Each language has its own pages (:func:`linli.reporting.names.index_name`): ``index.html``
in Chinese, the default, which every build writes, and ``index.en.html`` in English, which
an English build writes and every later build keeps up to date. The pages of a year link
one another, so an evaluator who opens the Chinese page finds the English one.

Both are rendered from Jinja2 templates (``templates/index.html.j2``,
``templates/years.html.j2``) with ``templates/index.css`` inlined and every word from
:mod:`linli.labels`; they link by relative address, load nothing from the network and
carry no timestamp.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from markupsafe import Markup, escape

from .. import __version__
from ..labels import HTML_LANG, LANGS, WORDS, check_lang, word
from ..manifest import MANIFEST_FILE
from ..workbook import WORKBOOK_NAME
from .export import template_text
from .jobs import REPORT_STATUSES, UNIT_TYPES, ReportOutcome
from .names import DEFAULT_LANG, LANG_FREE, index_name, parse_output_name
from .render import keep_whole

__all__ = ["INDEX_FILE", "LINKED_KINDS", "index_langs", "reports_on_disk", "write_index", "write_years_index"]

#: The name of the index page in the default language (every build writes it).
INDEX_FILE: str = index_name(DEFAULT_LANG)
#: Files of a year that belong to no unit: the index pages, the manifest, the indicators workbook.
YEAR_FILES: frozenset[str] = frozenset({*(index_name(code) for code in LANGS), MANIFEST_FILE, WORKBOOK_NAME})
#: Kinds of file an index links, in this order (per language), then the language-free ones.
LINKED_KINDS: tuple[str, ...] = ("html", "pdf", "docx", "ipynb")


def _kind_text(kind: str, lang: str) -> str:
    """The link text of a kind of file (``网页``, ``PDF`` …); the kind in capitals when it has no words."""
    return word(f"page.{kind}", lang=lang) if f"page.{kind}" in WORDS else kind.upper()


def _relative(path: Path, base: Path) -> str:
    return quote(Path(os.path.relpath(path, base)).as_posix())


def index_langs(folder: Path | str, *also: str) -> list[str]:
    """The languages of :data:`linli.labels.LANGS` whose index page is in ``folder``, with ``also``
    (the pages about to be written), in the order of ``LANGS``.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     _ = (Path(tmp) / "index.en.html").write_text("x", encoding="utf-8")
    ...     index_langs(tmp), index_langs(tmp, "zh")
    (['en'], ['zh', 'en'])
    """
    return [code for code in LANGS if code in also or (Path(folder) / index_name(code)).is_file()]


def _other_pages(langs: Sequence[str], lang: str) -> list[dict[str, str]]:
    """Links to the index pages of ``langs`` other than ``lang``, each named in its own language."""
    return [{"href": index_name(code), "lang": HTML_LANG[code], "text": word(f"page.lang.{code}", lang=code)}
            for code in langs if code != lang]


def reports_on_disk(out_dir: Path | str) -> dict[str, dict[str | None, dict[str, Path]]]:
    """Return the reports in ``out_dir``: unit -> language (``None``: language-free) -> kind -> file.

    Only files named by :func:`~linli.reporting.names.output_name` of a kind the index
    links count; the year's own files (:data:`YEAR_FILES`) do not.
    """
    out = Path(out_dir)
    found: dict[str, dict[str | None, dict[str, Path]]] = {}
    if not out.is_dir():
        return found
    for path in sorted(out.iterdir()):
        name = parse_output_name(path.name)
        if name is None or not path.is_file() or path.name in YEAR_FILES:
            continue
        if name.kind not in LINKED_KINDS and name.kind not in LANG_FREE:
            continue
        found.setdefault(name.unit_id, {}).setdefault(name.lang, {})[name.kind] = path
    return found


def _render(template: str, **fields: Any) -> str:
    env = jinja2.Environment(autoescape=True, keep_trailing_newline=True)
    return env.from_string(template_text(template)).render(css=Markup(template_text("index.css")), **fields)


def write_index(
    outcomes: Sequence[ReportOutcome],
    out_dir: Path | str,
    *,
    year: int,
    lang: str,
    title: str,
    names: Mapping[str, str] | None = None,
    unit_types: Mapping[str, str] | None = None,
    standings: Mapping[str, Mapping[str, str]] | None = None,
    subtitle: str | None = None,
    banner: str | None = None,
    quarantine: tuple[Path, int] | None = None,
    langs: Sequence[str] = (),
) -> Path:
    """Write the index page of ``out_dir`` in ``lang`` (``index.html``, ``index.en.html``:
    :func:`~linli.reporting.names.index_name`): every report in the folder, its standing and files.

    Parameters
    ----------
    outcomes
        What the build that writes the page did (:func:`linli.reporting.build_reports`).
    out_dir
        ``OUT/<year>``.
    year
        Assessment year (shown in the footer).
    lang
        The page's language (a language of :data:`linli.labels.LANGS`).
    title
        Page title and heading.
    names
        Unit id -> the unit's name (:func:`linli.labels.unit_names`); the id without one.
        Its order is the order of the rows (units found only on disk come last, by id).
    unit_types
        Unit id -> ``community`` or ``zone`` (the outcomes' types win).
    standings
        Unit id -> its ``index``, ``band``, ``rank`` and ``rank_detail`` as texts
        (:func:`linli.reporting.comparison.standings`; ``—`` where missing).
    subtitle
        A line under the heading (e.g. dataset and as-of date).
    banner
        A warning box (e.g. that the data is synthetic).
    quarantine
        The quarantine workbook and how many rows it left out: linked, with the count.
    langs
        The languages whose index pages the folder has or is about to have
        (:func:`index_langs`): linked from this one.

    Returns
    -------
    pathlib.Path
        The page.
    """
    check_lang(lang)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    disk = reports_on_disk(out)
    latest = {r.unit_id: r for r in outcomes}
    types = {**(unit_types or {}), **{r.unit_id: r.unit_type for r in outcomes}}
    order = [u for u in dict.fromkeys([*(names or {}), *latest]) if u in disk or u in latest]
    order += sorted(u for u in disk if u not in order)
    rows = []
    for uid in order:
        files = disk.get(uid, {})
        outcome = latest.get(uid)
        status = outcome.status if outcome is not None else "earlier"
        groups = [
            {"lang": word(f"page.lang.{code}", lang=lang),
             "links": [{"href": _relative(files[code][k], out), "text": _kind_text(k, lang)}
                       for k in LINKED_KINDS if k in files[code]]}
            for code in LANGS if files.get(code)
        ]
        extra = [{"href": _relative(path, out), "text": _kind_text(k, lang)}
                 for k, path in sorted(files.get(None, {}).items())]
        utype = types.get(uid)
        standing = (standings or {}).get(uid, {})
        rows.append({
            "name": (names or {}).get(uid, uid),
            "unit_id": uid,
            "type": word(f"page.{utype}", lang=lang) if utype in UNIT_TYPES else "—",
            "index": standing.get("index", "—"),
            "band": standing.get("band", ""),
            # the rank on a line of its own, its interval and draws kept under it (all on one line, the
            # column took up to five lines at 1,200 px); a rank or a count never broken ("区间第" over "1–3名")
            "rank": Markup(keep_whole(str(escape(standing.get("rank", "—"))), lang=lang)),
            "rank_detail": Markup(keep_whole(str(escape(standing.get("rank_detail", ""))), lang=lang)),
            "status": status,
            "status_text": word(f"page.{status}", lang=lang),
            "error": outcome.error if outcome is not None else None,
            "groups": groups,
            "extra": extra,
        })
    counts = {s: sum(r.status == s for r in outcomes) for s in REPORT_STATUSES}
    workbook = out / WORKBOOK_NAME
    page = _render(
        "index.html.j2",
        html_lang=HTML_LANG[lang],
        title=title,
        subtitle=subtitle,
        banner=banner,
        summary=word("page.summary", lang=lang, n=len(outcomes), **counts),
        workbook={
            "href": _relative(workbook, out),
            "text": word("page.workbook", lang=lang),
            "link": word("page.workbook_link", lang=lang),
        } if workbook.is_file() else None,
        quarantine=None if quarantine is None else {
            "href": _relative(quarantine[0], out),
            "text": word("page.quarantine", lang=lang, n=quarantine[1]),
            "link": word("page.quarantine_link", lang=lang),
        },
        on_disk=word("page.on_disk", lang=lang, n=len(rows)),
        heads=[word(f"page.{k}", lang=lang) for k in ("unit", "id", "type", "index", "rank", "status", "files")],
        rows=rows,
        up={"href": f"../{index_name(lang)}", "text": word("page.all_years", lang=lang)},
        others=_other_pages(langs, lang),
        footer=word("page.footer", lang=lang, version=__version__),
        year=year,
    )
    path = out / index_name(lang)
    path.write_text(page, encoding="utf-8")
    return path


def write_years_index(root: Path | str, *, lang: str, title: str | None = None, langs: Sequence[str] = ()) -> Path:
    """Write the index of ``root`` in ``lang`` (``index.html``, ``index.en.html``): a link to
    the index of every year folder in ``root``, in ``lang`` where the year has one.

    A year folder is one named by four digits that holds an index page; the page lists
    them newest first with the number of units each holds. ``langs``: the languages whose
    pages ``root`` has or is about to have (:func:`index_langs`), linked from this one.

    Returns
    -------
    pathlib.Path
        The page.
    """
    check_lang(lang)
    base = Path(root)
    found = {p: index_langs(p) for p in base.iterdir() if re.fullmatch(r"\d{4}", p.name)}
    years = sorted((p for p, codes in found.items() if codes), key=lambda p: p.name, reverse=True)
    pages = {p: p / index_name(lang if lang in found[p] else found[p][0]) for p in years}
    rows = [{"href": _relative(pages[p], base), "text": word("page.title", lang=lang, year=int(p.name)),
             "units": word("page.on_disk", lang=lang, n=len(reports_on_disk(p)))} for p in years]
    shown = title or word("page.years_title", lang=lang)
    page = _render("years.html.j2", html_lang=HTML_LANG[lang], title=shown, rows=rows,
                   others=_other_pages(langs, lang), footer=word("page.footer", lang=lang, version=__version__))
    path = base / index_name(lang)
    path.write_text(page, encoding="utf-8")
    return path
