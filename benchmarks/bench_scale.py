"""Each step of linli at scale as a ratio to its floor, side by side, in one run.

For each size N (default 20 and 200 communities; add 2000 with ``--sizes``) the
script generates a synthetic dataset (``linli synth``) and measures, in one run:

==================  ===========================================  ==========================================
measure             what                                         floor
==================  ===========================================  ==========================================
``validate``        :func:`linli.dataset.load_and_save`, as      pyarrow reading every CSV file
                    ``linli validate`` runs it (each clean table  (and openpyxl every workbook,
                    written while the next is checked)           ``--style ledger``)
``indicators``      :func:`linli.indicators.compute` on the      reading those clean Parquet tables
                    clean tables; in wall time, and again in
                    user CPU (all threads)
``reports``         the report of ``--sample`` units (the zone   one kernel start + the report's imports
                    and the first communities), HTML, on         per unit (the ``imports`` cell of
                    ``--jobs`` local processes                   ``community.ipynb``), divided by the jobs
``compute +         :func:`linli.pipeline.compute_results` (the    (absolute: the serial part of a build)
hand-off``          index, its uncertainty …) and writing the
                    hand-off
``workbook``        the year's ``indicators.xlsx``, as ``linli   (absolute: also serial; printed as
                    build`` writes it                             ``indicators.xlsx``)
``no-op rebuild``   ``linli build`` of the same units again:     (absolute; target ≤ 1 s)
                    nothing changed, so nothing is loaded
``kernel memory``   peak RSS of the kernel that runs one         (absolute; target < 500 MB)
                    community's report, and the zone's
``demo build``      ``linli build`` of the demo data, cold:      one kernel start + the report's imports
                    validate → reports (HTML and PDF of its      per unit, divided by the jobs (the build
                    5 units) on ``--jobs`` local processes       the faster of two, each way in turn;
                                                                 shown under every size)
                    (``, unforked``: the same with every report
                    kernel started the usual way,
                    ``LINLI_WARM_KERNELS=0``, instead of forked
                    from its worker's warm process)
==================  ===========================================  ==========================================

The kernel memory grows with the communities of the unit's *zone* (the synthetic data
puts them all in one zone), not with the province: past 30 communities a report shows
a community among its nearest neighbours in rank and a zone through its best and worst
ranked and the distribution (:mod:`linli.reporting.selection`).

Then, with ``--e2e N``, the end-to-end run the issue asks for: ``linli build``
(validate → indicators → index → every community's HTML report) of an N-community
dataset on ``--dask local:1`` and ``--dask local:2``, with the cost per unit and the
parallel efficiency of two workers against one (time on 1 ÷ (2 × time on 2)).

``--style ledger`` measures the same records kept as a street office keeps them
(``linli synth --style ledger``: Chinese file names and headers, workbooks, GBK CSV,
dates in several spellings): the validate row's floor then reads the workbooks with
openpyxl and the GBK files with pyarrow, the fastest readers of each.

Absolute times depend on the machine and on what else runs on it; the ratios are
what to compare. Floors are the fastest of three tries.

Run::

    .venv/bin/python benchmarks/bench_scale.py                       # 20 and 200
    .venv/bin/python benchmarks/bench_scale.py --sizes 2000          # the province (about 15 min, 9 GiB)
    .venv/bin/python benchmarks/bench_scale.py --sizes 20 --e2e 200  # the end-to-end run (long)
    .venv/bin/python benchmarks/bench_scale.py --style ledger        # ledgers as a street office keeps them
    # 2,000 communities validated once before (linli synth --communities 2000 --seed 1 --out D/raw;
    # linli validate --data-dir D/raw --out D/processed):
    .venv/bin/python benchmarks/bench_scale.py --sizes 2000 --reuse D --no-demo
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import nbformat
import pandas as pd
from _floors import read_csvs, read_tables

from linli import build, handoff, indicators, inputs, pipeline, reporting
from linli.dataset import Dataset, load_and_save, read_claims, read_meta
from linli.manifest import write_manifest
from linli.outputs import output_path
from linli.privacy import load_key
from linli.reporting import warm
from linli.synth import STYLES, generate
from linli.workbook import WORKBOOK_NAME, write_indicators_workbook

KEY = "bench-scale"


def _best(fn, tries: int = 3, clock=time.perf_counter) -> float:  # type: ignore[no-untyped-def]
    """The least time of ``tries`` calls of ``fn`` on ``clock`` (wall time; or user CPU, see ``_user``)."""
    times = []
    for _ in range(tries):
        t0 = clock()
        fn()
        times.append(clock() - t0)
    return min(times)


def _user() -> float:
    """User CPU seconds of this process, all its threads (pyarrow reads on every core)."""
    return os.times().user


def kernel_floor(*, forked: bool = False) -> float:
    """Seconds to start a kernel, run the report's imports cell and stop it (fastest of three).

    The floor of a report: a kernel started the usual way (a new Python process). With
    ``forked``, the kernel is forked from this process's warm process instead, as a build's
    are (:mod:`linli.reporting.warm`): what a report's start costs now.
    """
    from nbclient import NotebookClient

    nb = nbformat.read(reporting.notebooks_dir() / "community.ipynb", as_version=4)
    imports = nbformat.v4.new_notebook(cells=[c for c in nb.cells if c.cell_type == "code"][:1])
    manager = {"kernel_manager_class": warm.WarmKernelManager} if forked else {}
    if forked:
        warm.warm_process()

    def once() -> None:
        NotebookClient(nbformat.from_dict(dict(imports)), kernel_name="python3", timeout=600,
                       shutdown_kernel="immediate",  # as a build stops its kernels, and as quiet
                       extra_arguments=["--IPKernelApp.log_level=CRITICAL"], **manager).execute()

    return _best(once)


def kernel_rss(year_dir: Path, unit: str, unit_type: str) -> float:
    """Peak RSS (MiB) of the kernel that runs ``unit``'s report, in a fresh process."""
    code = textwrap.dedent(f"""
        import resource
        from pathlib import Path
        from linli import handoff, reporting
        from linli.reporting.notebook import TEMPLATES
        year_dir = Path({str(year_dir)!r})
        job = reporting.ReportJob(unit_id={unit!r}, unit_type={unit_type!r}, year=int(handoff.load_meta(year_dir / "data")["year"]),
            lang="zh", template=reporting.notebooks_dir() / TEMPLATES[{unit_type!r}],
            parameters={{"unit_id": {unit!r}, "year": int(handoff.load_meta(year_dir / "data")["year"]), "lang": "zh",
                        "results_dir": "data"}},
            formats=(), out_dir=Path({str(year_dir / "rss")!r}), inputs="rss")
        job.out_dir.mkdir(exist_ok=True)
        (job.out_dir / "data").unlink(missing_ok=True)
        (job.out_dir / "data").symlink_to(year_dir / "data")
        outcome = reporting.run_job(job)
        assert outcome.status == "built", outcome.error
        from linli.reporting import warm
        warm.close_warm_process()  # a forked kernel is the warm process's child: counted once it has ended
        print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return int(done.stdout.split()[-1]) / 1024


def _dataset(raw: Path, processed: Path) -> Dataset:
    """The dataset ``linli validate`` wrote to ``processed`` (for ``--reuse``: no second validation)."""
    meta = read_meta(raw)
    claims, claims_error, claims_source = read_claims(raw)
    read = functools.partial(pd.read_csv, dtype=str, keep_default_na=False)
    return Dataset(raw, dt.date.fromisoformat(str(meta["as_of"])), read_tables(processed), read(processed / "quarantine.csv"),
                   read(processed / "provenance.csv"), meta, claims, claims_error, claims_source)


def measure(
    n: int, root: Path, *, sample: int, jobs: int, floor_unit: float, reuse: Path | None = None,
    style: str = "canonical",
) -> dict[str, tuple[float, float | None]]:
    """Every measure at ``n`` communities: {name: (seconds or MiB, floor or None)}."""
    os.environ["LINLI_KEY"] = KEY
    got: dict[str, tuple[float, float | None]] = {}
    if reuse is not None:  # a dataset validated before, by `linli validate --out REUSE/processed`
        raw, processed, out = reuse / "raw", reuse / "processed", root / f"n{n}" / "out"
        ds = _dataset(raw, processed)
    else:
        raw, processed, out = root / f"n{n}" / "raw", root / f"n{n}" / "processed", root / f"n{n}" / "out"
        generate(raw, communities=n, seed=1, style=style)
        csv_floor = _best(lambda: read_csvs(raw))
        t0 = time.perf_counter()
        ds, _ = load_and_save(raw, processed)  # what `linli validate` runs
        got["validate"] = (time.perf_counter() - t0, csv_floor)

    pq_floor = _best(lambda: read_tables(processed))
    compute = functools.partial(indicators.compute, read_tables(processed), as_of=ds.as_of, covers=ds.covers)
    got["indicators"] = (_best(compute), pq_floor)
    # the same in user CPU: the work itself, without the kernel's clearing of fresh pages (see docs/scale.md)
    got["indicators, user CPU"] = (_best(compute, clock=_user), _best(lambda: read_tables(processed), clock=_user))
    compute = None  # free the tables

    # the build's compute and store, as linli build does them, then the reports of a sample
    stamp = inputs.fingerprint(raw, year=None, as_of=None, key=load_key())
    t0 = time.perf_counter()
    results = pipeline.compute_results(ds)
    year_dir = output_path(out, str(results.year))
    handoff.save(results, ds, year_dir / handoff.HANDOFF_DIR)
    got["compute + hand-off"] = (time.perf_counter() - t0, None)
    t0 = time.perf_counter()
    write_indicators_workbook(results.frames["indicators"], results.frames["progress"], results.units,
                              year_dir / WORKBOOK_NAME, year=results.year, as_of=results.meta["as_of"])
    got["indicators.xlsx"] = (time.perf_counter() - t0, None)
    chosen = results.units.iloc[:sample]  # the zone first, then the first communities
    for row in chosen.itertuples(index=False):
        handoff.write_unit_json(year_dir / f"{row.unit_id}.json", str(row.unit_id), unit_type=str(row.unit_type),
                                year=results.year, frames=results.frames, about={})
    inputs.save_record(out, raw, stamp, year=None, as_of=None, built={results.year: str(results.meta["fingerprint"])})
    units = chosen["unit_id"].astype(str).tolist()
    meta = results.meta
    ds = results = None  # free the dataset before the reports
    t0 = time.perf_counter()
    summary = reporting.build(year_dir, units=units, formats="html", jobs=jobs, progress_bar=False)
    assert not summary.failed, summary.describe()
    got["reports"] = (time.perf_counter() - t0, floor_unit * len(units) / min(jobs, len(units)))
    # as linli build ends: the manifest of the year (a rebuild writes it again only when it is missing)
    write_manifest(year_dir, data_dir=raw, meta=meta, failed=summary.failed, known_inputs=stamp.files)

    t0 = time.perf_counter()
    again = build.run(raw, out=out, units=units, formats="html", jobs=jobs, progress_bar=False)
    got["no-op rebuild"] = (time.perf_counter() - t0, None)
    assert again.cached == units, again.describe()

    community = next(u for u, t in zip(chosen["unit_id"], chosen["unit_type"], strict=True) if t == "community")
    got["kernel MiB, community"] = (kernel_rss(year_dir, str(community), "community"), None)
    got["kernel MiB, zone"] = (kernel_rss(year_dir, str(units[0]), "zone"), None)
    shutil.rmtree(root / f"n{n}", ignore_errors=True)
    return got


def demo_build(root: Path, *, jobs: int, floor_unit: float, forked: bool = True) -> tuple[float, float]:
    """Seconds of a cold ``linli build`` of the demo data (HTML and PDF), and its floor; with
    ``forked`` False, every report kernel started the usual way (``LINLI_WARM_KERNELS=0``)."""
    os.environ[warm.ENV] = "1" if forked else "0"  # read by the build's worker processes as they start
    try:
        t0 = time.perf_counter()
        summary = build.run(None, out=root / "demo", formats=("html", "pdf"), jobs=jobs, progress_bar=False)
        seconds = time.perf_counter() - t0
    finally:
        os.environ.pop(warm.ENV)
    assert not summary.failed, summary.describe()
    n = len(summary.reports)
    shutil.rmtree(root / "demo", ignore_errors=True)
    return seconds, floor_unit * n / min(jobs, n)


def end_to_end(n: int, root: Path, *, style: str = "canonical") -> None:
    """``linli build`` of every community's HTML report on local:1 and local:2."""
    raw = root / f"e2e{n}" / "raw"
    generate(raw, communities=n, seed=1, style=style)
    ids = ",".join(f"c{i:04d}" for i in range(1, n + 1))
    env = {**os.environ, "LINLI_KEY": KEY}
    times = {}
    for workers in (1, 2):
        out = root / f"e2e{n}" / f"out{workers}"
        t0 = time.perf_counter()
        subprocess.run([str(Path(sys.executable).with_name("linli")), "build", "--data-dir", str(raw), "--out", str(out),
                        "--format", "html", "--units", ids, "--dask", f"local:{workers}", "-q"],
                       check=True, env=env, stdout=subprocess.DEVNULL)
        times[workers] = time.perf_counter() - t0
    print(f"\nend to end, {n} communities (validate → indicators → index → {n} HTML reports):")
    for workers, seconds in times.items():
        print(f"  --dask local:{workers}: {seconds:7.1f} s, {seconds * workers / n:5.2f} worker-s per unit")
    print(f"  parallel efficiency, 2 workers vs 1: {times[1] / (2 * times[2]):.2f} (aim ≥ 0.8)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="20,200", help="community counts, comma-separated (default 20,200)")
    parser.add_argument("--sample", type=int, default=3, help="units whose reports are built per size (default 3)")
    parser.add_argument("--jobs", type=int, default=2, help="local processes for the sample (default 2)")
    parser.add_argument("--e2e", type=int, default=0, help="communities of the end-to-end run (default: none)")
    parser.add_argument("--reuse", type=Path, default=None, metavar="DIR",
                        help="one size only: measure on DIR/raw, validated before into DIR/processed (no validate row)")
    parser.add_argument("--no-demo", action="store_true", help="leave out the cold build of the demo data")
    parser.add_argument("--style", default="canonical", choices=STYLES,
                        help="how the synthetic ledgers are kept: the contract's CSV files (canonical, the default) "
                             "or as a street office keeps them (ledger: workbooks, GBK CSV, Chinese headers)")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    root = Path(tempfile.mkdtemp(prefix="linli-bench-scale-"))
    try:
        floor_unit = kernel_floor()
        print(f"floor of one report: a kernel start + the report's imports = {floor_unit:.2f} s")
        demo = demo_usual = None
        if not args.no_demo and sizes:  # in turn, twice each, the faster of each counted: the first build of a
            runs = [demo_build(root, jobs=args.jobs, floor_unit=floor_unit, forked=forked)  # session also
                    for _ in range(2) for forked in (True, False)]  # warms the disk cache, Chromium and the fonts
            demo, demo_usual = min(runs[0::2]), min(runs[1::2])
        results = {n: measure(n, root, sample=args.sample, jobs=args.jobs, floor_unit=floor_unit, reuse=args.reuse,
                              style=args.style)
                   for n in sizes}
        for got in results.values():
            if demo is not None and demo_usual is not None:
                got["demo build"] = demo
                got["demo build, unforked"] = demo_usual
        names = list(dict.fromkeys(k for r in results.values() for k in r))
        if sizes:
            print(f"\n{'measure':<24}" + "".join(f"{f'{n} communities':>30}" for n in sizes)
                  + ("" if args.style == "canonical" else f"   (ledgers: {args.style} style)"))
        for name in names:
            cells = []
            for n in sizes:
                if name not in results[n]:
                    cells.append("—")
                    continue
                value, floor = results[n][name]
                unit = "MiB" if "MiB" in name else "s"
                cells.append(f"{value:8.2f} {unit}" + (f" / {floor:6.2f} = ×{value / floor:4.2f}" if floor else " " * 17))
            print(f"{name:<24}" + "".join(f"{c:>30}" for c in cells))
        if sizes:
            demo_note = (f"; demo build: its 5 units, HTML and PDF, --jobs {args.jobs}, the faster of two"
                         if demo is not None else "")
            print(f"(reports: the zone and {args.sample - 1} communities, HTML, --jobs {args.jobs}{demo_note}; "
                  f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB in this process)")
        if args.e2e:
            end_to_end(args.e2e, root, style=args.style)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
