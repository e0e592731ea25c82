"""Where one report's time goes, step by step, against the floor of a report.

The issue's floor of a report is one kernel start plus the report's imports (the
``imports`` cell of ``community.ipynb``). This script builds the demo's hand-off once,
then runs one community's report step by step, as a build's worker does, and prints
each step as a ratio to that floor:

==================  ============================================================
``floor``           a kernel started, the imports cell run, the kernel stopped
``… forked``        the same with the kernel forked from the warm process, as a
                    build's kernels are (:mod:`linli.reporting.warm`)
``notebook``        :func:`linli.reporting.run_notebook`: a kernel (forked), every
                    cell (tables, figures and the figures' files), the executed
                    notebook written
``html``            :func:`linli.reporting.export_html` of that notebook
``pdf``             :func:`linli.reporting.export_pdf` of that page (the worker's
                    Chromium, started before the measures)
``docx``            :func:`linli.reporting.export_docx` of that notebook
==================  ============================================================

Each step counts its fastest of ``--tries`` runs (default 3), after one warm-up run of
the whole report (the exporters' templates and the browser are made once per worker).
The sum of the steps is the cost of one report on one core; a build of N reports on J
workers costs about N × that ÷ J, plus its serial part (validate, compute, hand-off).

Run::

    .venv/bin/python benchmarks/bench_report.py
    .venv/bin/python benchmarks/bench_report.py --unit renmin --lang en
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench_scale import kernel_floor

from linli import handoff, pipeline, reporting
from linli.dataset import load_dataset
from linli.reporting.notebook import TEMPLATES


def fastest(fn: Callable[[], object], tries: int) -> float:
    best = float("inf")
    for _ in range(tries):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--unit", default="xiangbei", help="a community of the demo data (default xiangbei)")
    parser.add_argument("--lang", default="zh", help="zh or en (default zh)")
    parser.add_argument("--tries", type=int, default=3, help="runs of each step; the fastest counts (default 3)")
    args = parser.parse_args(argv)
    os.environ.setdefault("LINLI_KEY", "bench-report")
    root = Path(tempfile.mkdtemp(prefix="linli-bench-report-"))
    try:
        ds = load_dataset(None)
        results = pipeline.compute_results(ds)
        year_dir = root / str(results.year)
        handoff.save(results, ds, year_dir / handoff.HANDOFF_DIR)
        job = reporting.ReportJob(
            unit_id=args.unit, unit_type="community", year=results.year, lang=args.lang,
            template=reporting.notebooks_dir() / TEMPLATES["community"],
            parameters={"unit_id": args.unit, "year": results.year, "lang": args.lang,
                        "results_dir": handoff.HANDOFF_DIR},
            formats=("html", "pdf", "docx"), out_dir=year_dir, title=args.unit, as_of=str(ds.as_of))
        ds = results = None
        paths = job.paths()

        def notebook() -> None:
            reporting.run_notebook(job.template, paths["ipynb"], job.parameters, cwd=year_dir, startup=job.startup())

        steps: dict[str, Callable[[], object]] = {
            "notebook": notebook,
            "html": lambda: reporting.export_html(paths["ipynb"], paths["html"], title=job.title, lang=job.lang),
            "pdf": lambda: reporting.export_pdf(paths["html"], paths["pdf"], lang=job.lang, as_of=job.as_of),
            "docx": lambda: reporting.export_docx(paths["ipynb"], paths["docx"], title=job.title, lang=job.lang,
                                                  as_of=job.as_of),
        }
        for step in steps.values():  # warm-up: imports, templates, the browser
            step()
        floor = kernel_floor()
        forked = kernel_floor(forked=True)
        got = {name: fastest(step, args.tries) for name, step in steps.items()}
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(f"one report of the demo ({args.unit}, {args.lang}), fastest of {args.tries}:")
    print(f"  {'floor (kernel + imports)':<28}{floor:7.2f} s  ×1.00")
    print(f"  {'the same, kernel forked':<28}{forked:7.2f} s  ×{forked / floor:4.2f}")
    for name, seconds in got.items():
        print(f"  {name:<28}{seconds:7.2f} s  ×{seconds / floor:4.2f}")
    html_pdf = got["notebook"] + got["html"] + got["pdf"]
    print(f"  {'a report, HTML and PDF':<28}{html_pdf:7.2f} s  ×{html_pdf / floor:4.2f}")
    print(f"  {'a report, HTML only':<28}{got['notebook'] + got['html']:7.2f} s  "
          f"×{(got['notebook'] + got['html']) / floor:4.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
