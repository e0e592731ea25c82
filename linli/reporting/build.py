"""Run the report notebooks over a hand-off: one report per unit, then the index page.

:func:`build` is the reporting step of ``linli build``: it reads the hand-off in
``OUT/<year>/data`` (:mod:`linli.handoff`) — never the raw data, and it computes
nothing — makes a :class:`~linli.reporting.jobs.ReportJob` per unit, runs them
(:func:`~linli.reporting.jobs.build_reports`) into ``OUT/<year>/<unit>.ipynb/.html/.pdf``
and writes ``OUT/<year>/index.html`` (every report in the folder, whichever build wrote
it) and ``OUT/index.html`` (every year), in Chinese; an English build writes
``index.en.html`` beside each, and later builds keep those up to date too.
"""

from __future__ import annotations

import concurrent.futures as cf
from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd

from .. import handoff
from ..errors import LinliError
from ..labels import check_lang, unit_names, word
from ..outputs import output_path
from .comparison import standings
from .format import dataset_name
from .index_page import index_langs, write_index, write_years_index
from .jobs import BuildSummary, ReportJob, build_reports, check_formats
from .names import DEFAULT_LANG
from .notebook import CELL_TIMEOUT, TEMPLATES, notebooks_dir

__all__ = ["build", "check_notebooks", "select_units"]

_QUARANTINE_XLSX = "quarantine.xlsx"  # written beside the hand-off's quarantine.csv (linli.quarantine)


def _quarantine(handoff_dir: Path) -> tuple[Path, int] | None:
    """The hand-off's quarantine workbook and the rows it left out (None without the workbook)."""
    path = handoff_dir / _QUARANTINE_XLSX
    if not path.is_file():
        return None
    provenance = pd.read_csv(handoff_dir / "provenance.csv", usecols=["rows_quarantined"])
    return path, int(pd.to_numeric(provenance["rows_quarantined"], errors="coerce").fillna(0).sum())


def select_units(units: pd.DataFrame, wanted: Sequence[str] | str | None) -> pd.DataFrame:
    """Return the rows of ``units`` (a hand-off's units) named in ``wanted`` (all when None).

    Raises
    ------
    LinliError
        Naming the unknown ids and the known ones.
    """
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


def check_notebooks(unit_types: Sequence[str], folder: Path | str | None = None) -> dict[str, Path]:
    """Return the report notebook of each unit type in ``folder`` (default :func:`notebooks_dir`).

    Raises
    ------
    LinliError
        When a notebook is missing.
    """
    nb_dir = Path(folder) if folder is not None else notebooks_dir()
    templates = {t: nb_dir / TEMPLATES[t] for t in dict.fromkeys(unit_types)}
    missing = [str(p) for p in templates.values() if not p.is_file()]
    if missing:
        msg = f"Report notebook(s) not found: {', '.join(missing)}."
        raise LinliError(msg)
    return templates


def build(
    year_dir: Path | str,
    *,
    units: Sequence[str] | str | None = None,
    lang: str = "zh",
    formats: Sequence[str] | str = ("html", "pdf"),
    jobs: int | None = None,
    notebooks_dir: Path | str | None = None,
    progress_bar: bool = True,
    executor: cf.Executor | None = None,
    dask: str | None = None,
    timeout: int = CELL_TIMEOUT,
    before_index: Callable[[], object] | None = None,
) -> BuildSummary:
    """Build every unit's report from the hand-off in ``year_dir/data``, then the index page.

    Units whose inputs did not change are not run again; a failing unit is reported
    and the others go on.

    Parameters
    ----------
    year_dir
        ``OUT/<year>``: the reports go here; the hand-off is its ``data`` folder.
    units
        Unit ids (communities and/or zones) to build; all when None.
    lang
        A language of :data:`linli.labels.LANGS`.
    formats
        Exports: ``html``, ``pdf`` or both (the executed notebook is always kept).
    jobs
        Worker processes (default ``os.cpu_count()``).
    notebooks_dir
        Where ``community.ipynb`` and ``zone.ipynb`` are (default
        :func:`linli.reporting.notebook.notebooks_dir`).
    progress_bar
        Show a progress bar.
    executor
        Run the reports on this executor instead of local processes.
    dask
        Run the reports on a Dask cluster, ``tcp://host:port`` or ``local[:N]``
        (:mod:`linli.reporting.cluster`).
    timeout
        Seconds a notebook cell may run.
    before_index
        Called once the reports are made, before the index page is written: ``linli build``
        waits there for ``indicators.xlsx``, written beside the reports, which the page links.

    Raises
    ------
    LinliError
        For bad options (unknown unit, format or language; a missing notebook) or a
        folder without a hand-off. A failing report is not an exception: see
        :attr:`BuildSummary.failed`.
    """
    check_lang(lang)
    fmts = check_formats(formats)
    year_dir = Path(year_dir)
    handoff_dir = year_dir / handoff.HANDOFF_DIR
    meta = handoff.load_meta(handoff_dir)
    chosen = select_units(handoff.load_units(handoff_dir), units)
    templates = check_notebooks(chosen["unit_type"].astype(str).tolist(), notebooks_dir)
    year = int(meta["year"])
    every_unit = handoff.load_units(handoff_dir)
    names = unit_names(every_unit, lang=lang)
    report_jobs = [
        ReportJob(
            unit_id=uid,
            unit_type=utype,
            year=year,
            lang=lang,
            template=templates[utype],
            parameters={"unit_id": uid, "year": year, "lang": lang, "results_dir": handoff.HANDOFF_DIR},
            formats=fmts,
            out_dir=year_dir,
            title=word("title_community", lang=lang, name=names[uid], year=year),
            inputs=str(meta["fingerprint"]),
            as_of=str(meta.get("as_of") or ""),
            timeout=timeout,
        )
        for uid, utype in zip(chosen["unit_id"].astype(str), chosen["unit_type"].astype(str), strict=True)
    ]
    outcomes = build_reports(report_jobs, n_jobs=jobs, progress_bar=progress_bar, executor=executor, dask=dask)
    if before_index is not None:
        before_index()
    # the page of the build's language, the default language's (every build keeps index.html) and any
    # other already in the folder: each lists what is on disk now, so none is left behind
    langs = index_langs(year_dir, DEFAULT_LANG, lang)
    uncertainty = handoff.load_frame(handoff_dir, "uncertainty")
    quarantine = _quarantine(handoff_dir)
    types = dict(zip(every_unit["unit_id"].astype(str), every_unit["unit_type"].astype(str), strict=True))
    pages = {
        code: write_index(
            outcomes, year_dir, year=year, lang=code,
            title=word("page.title", lang=code, year=year),
            names=unit_names(every_unit, lang=code),
            unit_types=types,
            standings=standings(uncertainty, year=year, lang=code),
            subtitle=word("page.subtitle", lang=code, dataset=dataset_name(meta, code), as_of=meta.get("as_of")),
            banner=word("page.banner", lang=code) if meta.get("synthetic") else None,
            quarantine=quarantine,
            langs=langs,
        )
        for code in langs
    }
    years_langs = index_langs(year_dir.parent, *langs)
    for code in years_langs:
        write_years_index(year_dir.parent, lang=code, langs=years_langs)
    index_path = pages[lang]
    json_paths = {j.unit_id: output_path(year_dir, f"{j.unit_id}.json") for j in report_jobs
                  if output_path(year_dir, f"{j.unit_id}.json").is_file()}
    return BuildSummary(year, year_dir, handoff_dir, index_path, tuple(outcomes), json_paths)
