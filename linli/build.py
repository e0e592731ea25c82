"""``linli build`` as a function: compute, store, report — in that order, each step once.

:func:`run` is ``linli build``::

    raw ledgers ─ dataset.load_dataset ─ pipeline.compute_results ─┐
                                                                     ├─ handoff.save ─► OUT/<year>/data/  (the hand-off)
                                                                     └─ handoff.write_unit_json ─► OUT/<year>/<unit>.json
    reporting.build(OUT/<year>) ─► OUT/<year>/<unit>.ipynb/.html/.pdf, OUT/<year>/index.html
      beside it, workbook.write_indicators_workbook ─► OUT/<year>/indicators.xlsx
    manifest.write_manifest ─► OUT/<year>/manifest.json  (what ``linli verify`` checks)

Each step is its own module and goes one way: the pipeline reads nothing but the
dataset and writes nothing; the hand-off stores and loads; reporting only runs
notebooks over a hand-off.

Before it loads anything, :func:`run` takes the fingerprint of its inputs
(:mod:`linli.inputs`: the data files by size and modification time, hashed again
only when those change; the options; the key; the code). When the last build of the
same data and options recorded the same fingerprint and the hand-off of every year
it built is still in place, nothing is loaded or computed: the reports are checked
against their cache, and only those that failed or are missing run again.

A report notebook run on its own (papermill without ``results_dir``, or JupyterLab)
asks :func:`cached_handoff` for a hand-off of its ``data_dir``: made once in the user
cache folder (:data:`linli.config.CACHE_DIR`, ``$LINLI_CACHE`` overrides it), keyed by
the inputs, and logged — never written inside the repository. Every notebook run on the
same inputs and code shares it.

For a province's worth of communities, run the reports on a Dask cluster
(``linli build --dask tcp://scheduler:8786``)::

    linli.build.run("data/raw", out="/mnt/cluster/reports", dask="tcp://scheduler:8786")

(see :mod:`linli.reporting.cluster` for what the workers need).
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import hashlib
import logging
import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from . import __version__, config, handoff, inputs, pipeline, reporting
from .dataset import load_dataset
from .errors import LinliError
from .labels import LANGS, check_lang
from .manifest import MANIFEST_FILE, refresh_outputs, write_manifest
from .outputs import check_out_dir, output_path
from .privacy import load_key
from .reporting.cluster import check_address
from .reporting.jobs import BuildSummary, check_formats, ready_pool
from .reporting.names import index_name
from .reporting.notebook import CELL_TIMEOUT
from .workbook import WORKBOOK_NAME, write_indicators_workbook

logger = logging.getLogger(__name__)

__all__ = ["cached_handoff", "choose_years", "parse_years", "run", "run_years"]


#: What ``year`` may be: one year, ``"2022-2024"``, ``"2022,2024"``, ``"all"``, years, or None (the default).
YearOption = int | str | Sequence[int] | None


def parse_years(option: YearOption) -> list[int] | str | None:
    """Read a ``--year`` option: a list of years, ``"all"``, or None for the default year.

    Examples
    --------
    >>> parse_years("2024"), parse_years("2022-2024"), parse_years("2024, 2022"), parse_years("ALL")
    ([2024], [2022, 2023, 2024], [2022, 2024], 'all')
    >>> parse_years("2024-2022")
    Traceback (most recent call last):
    ...
    linli.errors.LinliError: --year '2024-2022': a range runs from the earlier year to the later, e.g. 2022-2024.
    """
    if option is None:
        return None
    if isinstance(option, int):
        return [int(option)]
    if not isinstance(option, str):
        return sorted({int(y) for y in option})
    text = option.strip()
    if text.lower() == "all":
        return "all"
    usage = "expected a year (2024), a range (2022-2024), a list (2022,2024) or all"
    if re.fullmatch(r"\d{4}\s*-\s*\d{4}", text):
        first, last = (int(y) for y in text.split("-"))
        if first > last:
            msg = f"--year {option!r}: a range runs from the earlier year to the later, e.g. {last}-{first}."
            raise LinliError(msg)
        return list(range(first, last + 1))
    parts = [p.strip() for p in text.split(",")]
    if not parts or not all(re.fullmatch(r"\d{4}", p) for p in parts):
        msg = f"--year {option!r}: {usage}."
        raise LinliError(msg)
    return sorted({int(p) for p in parts})


def choose_years(option: YearOption, *, available: Sequence[int], default: int, as_of: Any) -> list[int]:
    """Return the years a build makes reports for, checked against the data.

    ``None`` is ``default`` (the latest year a dated ledger covers); ``"all"`` every
    year of ``available`` up to ``default`` (a later year has population rows but no
    ledger records); a year, range or list must lie within ``available`` — the years
    with indicators, none after the as-of date.

    Raises
    ------
    LinliError
        Naming a year that is not in the data, or not over by the as-of date, and the
        years that are.

    Examples
    --------
    >>> choose_years("all", available=[2022, 2023, 2024, 2025], default=2024, as_of="2025-12-31")
    [2022, 2023, 2024]
    >>> choose_years("2021-2022", available=[2022, 2023], default=2023, as_of="2024-06-30")
    Traceback (most recent call last):
    ...
    linli.errors.LinliError: --year 2021-2022: 2021 is not in the data; years in the data: 2022, 2023.
    """
    from .indicators import last_year

    years = parse_years(option)
    if years is None:
        return [int(default)]
    if years == "all":
        return [int(y) for y in sorted(available) if y <= default]
    listed = ", ".join(map(str, sorted(available)))
    shown = option if isinstance(option, str) else ",".join(map(str, years))
    for y in years:
        if y not in available:
            when = pd.Timestamp(as_of).date()
            detail = (f"{y} does not end by the as-of date {when.isoformat()}" if y > last_year(when)
                      else f"{y} is not in the data")
            msg = f"--year {shown}: {detail}; years in the data: {listed}."
            raise LinliError(msg)
    return list(years)


def run(
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
    progress_bar: bool = True,
    executor: cf.Executor | None = None,
    dask: str | None = None,
    timeout: int = CELL_TIMEOUT,
) -> BuildSummary:
    """Validate, compute, store and build every unit's report for one year: ``linli build``.

    Writes ``OUT/<year>/data/`` (the hand-off), ``OUT/<year>/<unit>.json``, the reports
    ``OUT/<year>/<unit>.ipynb/.html/.pdf/.docx`` (another language than the default adds
    its code: ``<unit>.en.html``), ``OUT/<year>/indicators.xlsx``, ``OUT/<year>/index.html``
    (every report in the folder), ``OUT/<year>/manifest.json`` (what ``linli verify``
    checks) and ``OUT/index.html`` (every year). Units whose inputs did not change are not
    run again; a failing unit is reported and the others go on. When nothing changed since
    the last build of one year (same data files, options, key and code, the hand-off in
    place), nothing is loaded (see the module docstring). :func:`run_years` builds
    several years, and skips the loading in the same way when none of them changed.

    Parameters
    ----------
    data_dir
        Raw ledgers (default ``config.RAW_DIR``).
    year
        Report year (default the last year in the data).
    units
        Unit ids (communities and/or zones) to build; all when None.
    lang
        A language of :data:`linli.labels.LANGS`.
    formats
        Exports: ``html``, ``pdf`` or both (the executed notebook is always kept).
    jobs
        Worker processes (default ``os.cpu_count()``).
    out
        Output root (default ``config.REPORTS_DIR``).
    notebooks_dir
        Where ``community.ipynb`` and ``zone.ipynb`` are (default: the checkout's
        ``notebooks/reports``, else the copy the installed package carries).
    as_of
        As-of date for :func:`linli.dataset.load_dataset`.
    progress_bar
        Show a progress bar.
    executor
        Run the reports on this executor instead of local processes.
    dask
        Run the reports on a Dask cluster: ``tcp://host:port`` (a running scheduler)
        or ``local[:N]`` (:mod:`linli.reporting.cluster`); not with ``jobs``.
    timeout
        Seconds a notebook cell may run.

    Raises
    ------
    LinliError
        For bad input or options (unknown unit, year, format or language; a missing
        notebook; unreadable data; a note on an unknown unit; a Dask address that cannot
        be used). A failing report is not an exception: see :attr:`BuildSummary.failed`.
    """
    (summary,) = run_years(
        data_dir, years=year, units=units, lang=lang, formats=formats, jobs=jobs, out=out,
        notebooks_dir=notebooks_dir, as_of=as_of, progress_bar=progress_bar, executor=executor, dask=dask,
        timeout=timeout,
    )
    return summary


def run_years(
    data_dir: Path | str | None = None,
    *,
    years: YearOption = None,
    units: Sequence[str] | str | None = None,
    lang: str = "zh",
    formats: Sequence[str] | str = ("html", "pdf"),
    jobs: int | None = None,
    out: Path | str | None = None,
    notebooks_dir: Path | str | None = None,
    as_of: Any = None,
    progress_bar: bool = True,
    executor: cf.Executor | None = None,
    dask: str | None = None,
    timeout: int = CELL_TIMEOUT,
) -> list[BuildSummary]:
    """:func:`run` for several years: ``linli build --year 2022-2024`` (or ``2022,2024``, ``all``).

    The data is read and its indicators computed once; each year then gets its own
    hand-off, reports and index under ``OUT/<year>``, and ``OUT/index.html`` links them.
    ``years`` is read by :func:`parse_years` and checked by :func:`choose_years`; the
    other parameters are :func:`run`'s.

    Returns
    -------
    list of BuildSummary
        One per year, oldest first.
    """
    from . import indicators

    check_lang(lang)
    fmts = check_formats(formats)
    parse_years(years)  # a malformed option fails before the data is read
    root = check_out_dir(out if out is not None else config.REPORTS_DIR)
    if dask is not None:
        if jobs is not None or executor is not None:
            msg = "--jobs and --dask cannot be used together: run the reports in local processes or on a Dask cluster."
            raise LinliError(msg)
        check_address(dask)  # before anything is loaded
    options = {"lang": lang, "formats": fmts, "jobs": jobs, "notebooks_dir": notebooks_dir,
               "progress_bar": progress_bar, "executor": executor, "dask": dask, "timeout": timeout}
    raw = Path(data_dir) if data_dir is not None else config.RAW_DIR
    request = years if years is None or isinstance(years, int) else str(years)
    stamp = None
    if raw.is_dir():
        last = inputs.load_record(root, raw, year=request, as_of=as_of)
        stamp = inputs.fingerprint(raw, year=request, as_of=as_of, key=load_key(), known=last[0] if last else None)
        if last is not None and last[0].fingerprint == stamp.fingerprint:
            unchanged = _unchanged_builds(root, raw, last[1], units, options)
            if unchanged is not None:
                return unchanged
    pool = ready_pool(jobs, fmts) if executor is None and dask is None and raw.is_dir() else None
    if pool is not None:  # the report workers get ready while the data loads
        options |= {"executor": pool, "jobs": None}
    with _shut_down_after(pool):
        ds = load_dataset(data_dir, as_of=as_of, progress_bar=progress_bar)
        units_all = pipeline.units_table(ds.tables["communities"], ds.meta)
        chosen = reporting.select_units(units_all, units)  # fail before computing
        _check_notes(ds.notes, units_all["unit_id"].astype(str).tolist())
        reporting.check_notebooks(chosen["unit_type"].astype(str).tolist(), notebooks_dir)
        long = indicators.compute(ds.tables, as_of=ds.as_of, covers=ds.covers)
        available = pipeline.indicator_years(ds, long)
        wanted = choose_years(years, available=available, default=pipeline.default_year(ds, available), as_of=ds.as_of)
        summaries = []
        built: dict[int, str] = {}
        for year in wanted:
            results = pipeline.compute_results(ds, year=year, indicators=long)
            year_dir = output_path(root, str(results.year))
            handoff.save(results, ds, output_path(year_dir, handoff.HANDOFF_DIR))
            # no report reads indicators.xlsx: it is written while they are built (openpyxl, about
            # 16 s at 2,000 communities that the build no longer waits for); the index page, which
            # links it, waits for it (its error, if any, comes then)
            with cf.ThreadPoolExecutor(max_workers=1, thread_name_prefix="linli-workbook") as side:
                workbook = side.submit(write_indicators_workbook, results.frames["indicators"],
                                       results.frames["progress"], results.units, output_path(year_dir, WORKBOOK_NAME),
                                       year=results.year, as_of=results.meta["as_of"])
                for row in chosen.itertuples(index=False):
                    uid = str(row.unit_id)
                    handoff.write_unit_json(output_path(year_dir, f"{uid}.json"), uid, **unit_json_parts(row, results))
                summary = reporting.build(year_dir, units=chosen["unit_id"].astype(str).tolist(),
                                          before_index=workbook.result, **options)
                workbook.result()  # its error, had the reports not waited for it
            write_manifest(year_dir, data_dir=ds.data_dir, meta=results.meta, failed=summary.failed,
                           known_inputs=stamp.files if stamp is not None else None)
            summaries.append(summary)
            built[results.year] = str(results.meta["fingerprint"])
        if stamp is not None:
            inputs.save_record(root, raw, stamp, year=request, as_of=as_of, built=built)
        return summaries


@contextlib.contextmanager
def _shut_down_after(pool: cf.Executor | None) -> Iterator[None]:
    """Shut ``pool`` (None: nothing) down after the block: at once, its work cancelled, when
    the block raised (bad data is said now, not after the workers are ready)."""
    if pool is None:
        yield
        return
    try:
        yield
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


def unit_json_parts(row: Any, results: pipeline.Results) -> dict[str, Any]:
    """The keyword arguments of :func:`linli.handoff.write_unit_json` for one unit.

    ``row`` is a row of :func:`linli.pipeline.units_table` (``unit_id, unit_type,
    name_zh, name_en, brand, zone_id``); ``linli verify`` recomputes the same document.
    """
    uid = str(row.unit_id)
    about = {"name_zh": _text(row.name_zh, uid), "name_en": _text(row.name_en, uid), "brand": row.brand,
             "zone_id": row.zone_id}
    about |= {k: results.meta[k] for k in ("as_of", "synthetic", "dataset", "baseline_year", "linli_version")}
    return {"unit_type": str(row.unit_type), "year": results.year, "frames": results.frames, "about": about}


def _unchanged_builds(
    root: Path, raw: Path, built: Mapping[int, str], units: Sequence[str] | str | None, options: dict[str, Any]
) -> list[BuildSummary] | None:
    """The reports of a build whose inputs did not change since the last one, year by year
    from its hand-offs — or None when one of those hand-offs or a unit's JSON is gone or
    changed (then build in full). A year's manifest is written again only when a report
    of that year was (re)built; otherwise it records the index page written again."""
    years = []
    for year, fingerprint in sorted(built.items()):
        year_dir = output_path(root, str(year))
        handoff_dir = year_dir / handoff.HANDOFF_DIR
        try:
            meta = handoff.load_meta(handoff_dir)
            if str(meta.get("fingerprint")) != fingerprint:
                return None
            chosen = reporting.select_units(handoff.load_units(handoff_dir), units)
        except LinliError:  # no hand-off there any more
            return None
        ids = chosen["unit_id"].astype(str).tolist()
        if not all(output_path(year_dir, f"{uid}.json").is_file() for uid in ids):
            return None
        years.append((year_dir, meta, ids))
    summaries = []
    for year_dir, meta, ids in years:
        logger.info("inputs unchanged since the last build: nothing loaded; the hand-off in %s is reused",
                    year_dir / handoff.HANDOFF_DIR)
        summary = reporting.build(year_dir, units=ids, **options)
        if summary.built or summary.failed or not (year_dir / MANIFEST_FILE).is_file():
            write_manifest(year_dir, data_dir=raw, meta=meta, failed=summary.failed)
        else:  # only the index page was written again (this build's counts): the manifest says so
            refresh_outputs(year_dir, [index_name(code) for code in LANGS])
        summaries.append(summary)
    return summaries


def _check_notes(notes: Mapping[tuple[str, str], str], known: Sequence[str]) -> None:
    """Refuse a note on a unit the data does not have (a typo would lose the evaluator's words)."""
    unknown = sorted({unit for unit, _ in notes} - set(known))
    if unknown:
        shown = ", ".join(known[:20]) + (f", … ({len(known)} in all)" if len(known) > 20 else "")
        msg = f"notes/{unknown[0]}.md: no unit {unknown[0]!r} in the data; a note is named by a unit id: {shown}."
        raise LinliError(msg)


def _text(value: Any, default: str) -> str:
    """``value`` as text; ``default`` when it is missing."""
    return default if pd.isna(value) else str(value)


def _inputs_key(data_dir: Path, year: int | None, as_of: Any) -> str:
    """SHA-256 of what a hand-off depends on: every file of ``data_dir`` (names and bytes),
    the year and as-of asked for, and linli's version and code."""
    h = hashlib.sha256()
    files = sorted(p for p in data_dir.rglob("*") if p.is_file())
    for path in files:
        name = path.relative_to(data_dir).as_posix().encode("utf-8")
        h.update(len(name).to_bytes(8, "big") + name)
        h.update(hashlib.sha256(path.read_bytes()).digest())
    h.update(f"year={year}; as_of={as_of}; linli={__version__}; code={pipeline.code_fingerprint()}".encode())
    return h.hexdigest()


def cached_handoff(
    data_dir: Path | str | None = None,
    *,
    year: int | None = None,
    as_of: Any = None,
    cache_dir: Path | str | None = None,
) -> Path:
    """Return a hand-off of ``data_dir`` for a notebook run on its own, made once and kept.

    The hand-off lives in ``cache_dir`` (default :data:`linli.config.CACHE_DIR`) under
    a name keyed by every raw file's bytes, ``year``, ``as_of`` and linli's code: the
    same inputs reuse it, changed inputs make a new one. Where it is made is logged.

    Parameters
    ----------
    data_dir
        Raw ledgers (default ``config.RAW_DIR``).
    year
        Report year (default the last in the data).
    as_of
        As-of date for :func:`linli.dataset.load_dataset`.
    cache_dir
        Where hand-offs are kept.

    Returns
    -------
    pathlib.Path
        The hand-off directory, for :func:`linli.handoff.load_unit`.
    """
    raw = Path(data_dir) if data_dir is not None else config.RAW_DIR
    root = Path(cache_dir) if cache_dir is not None else config.CACHE_DIR
    target = root / "handoff" / _inputs_key(raw, year, as_of)[:20]
    if (target / handoff.META_FILE).is_file():
        logger.info("hand-off of %s: %s (made earlier)", raw, target)
        return target
    ds = load_dataset(raw, as_of=as_of)
    handoff.save(pipeline.compute_results(ds, year=year), ds, target)
    logger.warning("made a hand-off of %s in %s (a notebook run on its own; `linli build` writes one "
                   "beside the reports)", raw, target)
    return target
