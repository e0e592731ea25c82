"""The ``linli`` command.

Every sub-command turns a :class:`linli.errors.LinliError` (bad input, bad
option, an output that cannot be written) into one line on stderr and exit code
2; so is a file the system will not let it read or write. An unexpected error is
also one line (exit 3) unless ``--debug`` asks for the traceback. Output
locations are checked before any work is done.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from . import __version__, config, outputs, versions
from .errors import ContractError, InputError, LinliError, OutputError
from .privacy import redact

if TYPE_CHECKING:  # imported lazily at run time: `linli --help` stays fast
    import pandas as pd

    from .dataset import Dataset

log = logging.getLogger("linli")

EXIT_OK = 0
EXIT_UNITS_FAILED = 1
EXIT_INPUT = 2
EXIT_BUG = 3

Handler = Callable[[argparse.Namespace], int]


# ---------------------------------------------------------------------- commands


def cmd_validate(args: argparse.Namespace) -> int:
    from .dataset import load_and_save
    from .labels import counted
    from .quarantine import summary_line

    ds, written = load_and_save(args.data_dir, args.out, as_of=args.as_of, progress_bar=_bars(args))
    _print_summary(ds)
    n_rows = int(ds.provenance["rows_quarantined"].sum())
    q = ds.quarantine
    n_kept = int((q["outcome"] == "loaded").sum()) if len(q) else 0
    print(f"\nquarantine: {counted(n_rows, 'row', 'rows')} left out, "
          f"{counted(len(q) - n_kept, 'rule break', 'rule breaks')}; "
          f"{counted(n_kept, 'finding', 'findings')} on rows that load -> {written['quarantine']}")
    if len(q):
        rules = q.groupby(["table", "rule", "outcome"]).size().rename("n").reset_index()
        for row in rules.itertuples(index=False):
            kept = "  (rows loaded)" if row.outcome == "loaded" else ""
            print(f"  {row.table:<22} {row.rule:<32} {row.n:>6}{kept}")
    for row in ds.provenance.itertuples(index=False):
        if row.skipped_sheets or ";" in row.sheets:
            print(_sheets_line(row.file, row.sheets, row.skipped_sheets))
    print(summary_line(ds.provenance, q, written["quarantine_xlsx"]))
    return EXIT_OK


def _sheets_line(file: str, sheets: str, skipped: str) -> str:
    """The worksheets of a workbook read and passed over, in Chinese then English, as the
    line that ends ``linli validate``.

    >>> _sheets_line("台账.xlsx", "2023;2024", "说明: empty")
    '台账.xlsx: 读入工作表 2023、2024；未读入: 说明（空白） / sheets read: 2023;2024; not read: 说明: empty'
    """
    from .io import skipped_sheet_zh

    read_zh = "、".join(s for s in sheets.split(";") if s) or "无"
    zh = f"读入工作表 {read_zh}" + (f"；未读入: {'；'.join(map(skipped_sheet_zh, skipped.split('; ')))}"
                                    if skipped else "")
    en = f"sheets read: {sheets or 'none'}" + (f"; not read: {skipped}" if skipped else "")
    return f"{file}: {zh} / {en}"


def _pad(text: str, width: int, *, right: bool = False) -> str:
    """``text`` padded with spaces to ``width`` terminal columns, a wide (CJK) character taking two.

    >>> _pad("调解.csv", 10) + "|", _pad("12", 4, right=True)
    ('调解.csv  |', '  12')
    """
    fill = " " * max(width - outputs.text_width(text), 0)
    return fill + text if right else text + fill


def _print_summary(ds: Dataset) -> None:
    print(f"data: {ds.data_dir}   as of: {ds.as_of.isoformat()}" + ("   (synthetic)" if ds.synthetic else ""))
    absent = "(absent — optional)"
    files = [str(f) for f in ds.provenance["file"]]
    wide = max([32, outputs.text_width(absent), *map(outputs.text_width, files)])  # the widest file name

    def line(table: str, file: str, *counts: object) -> str:
        return " ".join([_pad(table, 22), _pad(file, wide), *(_pad(str(n), w, right=True)
                                                              for n, w in zip(counts, (7, 7, 11), strict=True))])

    header = line("table", "file", "read", "loaded", "quarantined")
    print(header)
    print("-" * len(header))
    for row in ds.provenance.itertuples(index=False):
        if row.status == "absent":
            print(line(row.table, absent, "-", "-", "-"))
            continue
        print(line(row.table, row.file, row.rows_read, row.rows_loaded, row.rows_quarantined))
    total = ds.provenance[["rows_read", "rows_loaded", "rows_quarantined"]].sum()
    print("-" * len(header))
    print(line("total", "", total.rows_read, total.rows_loaded, total.rows_quarantined))


def cmd_indicators(args: argparse.Namespace) -> int:
    from . import indicators, pipeline
    from .dataset import load_dataset
    from .labels import counted

    out = _table_file(args.out)
    ds = load_dataset(args.data_dir, progress_bar=_bars(args))
    if args.years:
        known = indicators.data_years(ds.tables, covers=ds.covers)
        absent = [y for y in args.years if y not in known]
        if absent:
            listed = ", ".join(map(str, known)) or "none"
            msg = (f"--years {','.join(map(str, absent))}: not in the data (no population row and no "
                   f"ledger record); years in the data: {listed}.")
            raise ContractError(msg)
    long = indicators.compute(ds.tables, years=args.years, as_of=ds.as_of, covers=ds.covers)
    years = ", ".join(map(str, pipeline.indicator_years(ds, long)))  # none (blank forms): exit 2, as `index`
    save_table(long[list(indicators.OUTPUT_COLUMNS)], out)
    units = long[["unit_type", "unit_id"]].drop_duplicates()
    n_missing = int(long["value"].isna().sum())
    print(
        f"{len(long)} values: {int((units['unit_type'] == 'community').sum())} communities and "
        f"{counted(int((units['unit_type'] == 'zone').sum()), 'zone', 'zones')}, years {years}, "
        f"{long['indicator'].nunique()} indicators; {n_missing} missing -> {out}"
    )
    if n_missing:
        reasons = long.loc[long["value"].isna(), "reason"].str.replace(r"\d{4}", "Y", regex=True)
        for reason, n in reasons.value_counts().head(8).items():
            print(f"  missing {n:>5}: {reason}")
    return EXIT_OK


def cmd_index(args: argparse.Namespace) -> int:
    import pandas as pd

    from . import indicators, pipeline, spec, uncertainty
    from .dataset import load_dataset
    from .indicators import catalogue

    out = _table_file(args.out)
    ds = load_dataset(args.data_dir, progress_bar=_bars(args))
    # as linli build computes them: no year after the as-of date, the years dataset.yaml covers
    long = indicators.compute(ds.tables, as_of=ds.as_of, covers=ds.covers)
    years = pipeline.indicator_years(ds, long)
    year = pipeline.default_year(ds, years) if args.year is None else int(args.year)
    if year not in years:
        msg = (f"--year {year}: no data for that year ended by the as-of date {ds.as_of.isoformat()}; "
               f"years in the data: {', '.join(map(str, years))}.")
        raise InputError(msg)
    cat = catalogue.load()
    table = uncertainty.index_table(
        long, spec.spec_from_catalogue(cat), year=year, settings=spec.settings_from_catalogue(cat)
    )
    save_table(table, out)
    draws = cat.index_settings.monte_carlo.draws
    print(f"{'unit':<14} {'type':<9} {'index':>6} {'band (5–95 %)':>15} {'rank':>5} {'interval':>9} "
          f"{f'kept in {draws} draws':>18}")
    for row in table.itertuples(index=False):
        band = "" if pd.isna(row.index_low) else f"{row.index_low:.1f}–{row.index_high:.1f}"
        ranked = not pd.isna(row.rank)
        rank = str(int(row.rank)) if ranked else "-"
        interval = f"{int(row.rank_low)}–{int(row.rank_high)}" if ranked and not pd.isna(row.rank_low) else "-"
        kept = f"{row.rank_kept_pct:.0f} %" if ranked and not pd.isna(row.rank_kept_pct) else "-"
        value = "" if pd.isna(row.index) else f"{row.index:.1f}"
        print(f"{row.unit_id!s:<14} {row.unit_type!s:<9} {value:>6} {band:>15} {rank:>5} {interval:>9} {kept:>18}")
    print(f"\n{len(table)} units, year {year} -> {out}")
    return EXIT_OK


def cmd_claims(args: argparse.Namespace) -> int:
    from . import claims, indicators
    from .dataset import load_dataset

    out = _table_file(args.out)
    ds = load_dataset(args.data_dir, claims_required=True, progress_bar=_bars(args))  # claims first, read once
    long = indicators.compute(ds.tables, as_of=ds.as_of, covers=ds.covers)
    checked = claims.check_claims(list(ds.claims or ()), long)
    table = checked[list(claims.COLUMNS)]
    save_table(table, out)
    widths = {c: max(len(c), *(len(str(v)) for v in table[c])) for c in table.columns}
    print("  ".join(c.ljust(widths[c]) for c in table.columns))
    for row in table.itertuples(index=False):
        print("  ".join(str(v).ljust(widths[c]) for c, v in zip(table.columns, row, strict=True)))
    unsure = checked[checked["verdict"] == "cannot_check"]
    if len(unsure):  # why, which the CSV's public columns do not say
        print()
        for claim_id, reason in zip(unsure["id"], unsure["reason"], strict=True):
            print(f"{claim_id}: cannot be checked: {reason or 'no reason recorded'}")
    counts = table["verdict"].value_counts()
    print("\n" + ", ".join(f"{counts.get(v, 0)} {v}" for v in ("agrees", "disagrees", "cannot_check")) + f" -> {args.out}")
    return EXIT_OK


def _bars(args: argparse.Namespace) -> bool:
    """Whether a command shows progress bars: in a terminal only, unless ``-q`` (a log or a pipe
    gets none; the library's ``progress_bar=True`` still draws one, in a notebook too)."""
    return not args.quiet and sys.stderr.isatty()


#: Endings of other formats than the CSV a table command writes (or Parquet): such an ``--out``
#: is refused rather than given CSV text that its program would not open.
_NOT_CSV: frozenset[str] = frozenset({".xlsx", ".xlsm", ".xls", ".ods", ".et", ".json", ".feather", ".arrow",
                                      ".pkl", ".pickle", ".h5", ".hdf5", ".dta", ".sav", ".html", ".pdf", ".docx"})


def _table_file(out: Path | str) -> Path:
    """``--out`` of ``indicators``, ``index`` and ``claims``, checked before any work: writable
    (:func:`linli.outputs.check_out_file`) and not named for a format they do not write."""
    path = outputs.check_out_file(out)
    if path.suffix.lower() in _NOT_CSV:
        msg = (f"--out {path}: writes CSV (or Parquet when the name ends .parquet), not {path.suffix}; "
               f"name it {path.with_suffix('.csv').name} (the indicators for Excel: `linli build` writes "
               "indicators.xlsx beside the reports).")
        raise OutputError(msg)
    return path


def save_table(frame: pd.DataFrame, path: Path) -> Path:
    """Write ``frame`` as CSV (formulas neutralised), or Parquet when ``path`` ends with ``.parquet``."""
    if path.suffix.lower() != ".parquet":
        return outputs.save_csv(frame, path)
    outputs.check_out_file(path)
    try:
        frame.to_parquet(path, index=False)
    except OSError as exc:
        msg = f"cannot write {path}: {exc.strerror or type(exc).__name__}."
        raise OutputError(msg) from None
    return path


def cmd_build(args: argparse.Namespace) -> int:
    from .build import run_years

    summaries = run_years(
        args.data_dir, years=args.year, units=args.units, lang=args.lang, formats=args.format,
        jobs=args.jobs, dask=args.dask, out=args.out, as_of=args.as_of, progress_bar=_bars(args),
    )
    for summary in summaries:
        print(summary.describe())
        print(_build_quarantine_line(summary.handoff_dir))
    return EXIT_OK if not any(s.failed for s in summaries) else EXIT_UNITS_FAILED


def cmd_verify(args: argparse.Namespace) -> int:
    from .labels import counted
    from .manifest import read_manifest
    from .verify import verify

    manifest = read_manifest(args.year_dir)
    what = f"the reports of {manifest['year']} (data as of {manifest['as_of']})"
    print(f"recomputing {what} in {args.year_dir} from {args.data_dir} …", file=sys.stderr)
    findings = verify(args.year_dir, data_dir=args.data_dir)
    width = max(len(f.subject) for f in findings)
    for finding in findings:
        print(finding.line(width))
    n_bad = sum(not f.ok for f in findings)
    if n_bad:
        checks = counted(len(findings), "check", "checks")
        if all(f.ok for f in findings if f.subject == "inputs"):  # the ledgers are not what changed
            print(f"\n{n_bad} of {checks} differ: the ledgers are those the build read, "
                  f"but {what} are not what it wrote from them.")
        else:
            print(f"\n{n_bad} of {checks} differ: {what} do not match these ledgers.")
        return EXIT_UNITS_FAILED
    print(f"\nall {counted(len(findings), 'check', 'checks')} match: {what} come from these ledgers.")
    return EXIT_OK


def _build_quarantine_line(handoff_dir: Path) -> str:
    """The line a build ends with: rows quarantined, and the path of the hand-off's ``quarantine.xlsx``."""
    import pandas as pd

    from .quarantine import CSV_NAME, XLSX_NAME, summary_line

    provenance = pd.read_csv(handoff_dir / "provenance.csv", usecols=["rows_quarantined"])
    quarantine = pd.read_csv(handoff_dir / CSV_NAME, usecols=["outcome"], dtype=str, keep_default_na=False)
    return summary_line(provenance, quarantine, handoff_dir / XLSX_NAME)


def cmd_template(args: argparse.Namespace) -> int:
    from .template import write_templates

    written = write_templates(args.out, lang=args.lang)
    print(f"wrote {len(written)} forms to {args.out} (每张表一份模板; what to fill in: docs/data-contract.md)")
    return EXIT_OK


def cmd_synth(args: argparse.Namespace) -> int:
    from .synth import generate

    out = Path(args.out)
    if out.exists() and not out.is_dir():
        msg = f"--out {out}: is an existing file, not a folder; synth writes a folder of ledgers."
        raise OutputError(msg)
    if out.is_dir() and (there := sorted(p.name for p in out.iterdir())):  # never over a folder of ledgers
        msg = (f"{out}: 文件夹不是空的（有 {there[0]} 等），合成数据会覆盖同名台账，请换一个新的或空的文件夹 / "
               f"the folder is not empty ({', '.join(there[:3])}{' …' if len(there) > 3 else ''}): synth writes "
               "a whole dataset and would replace files of the same names; choose a new or empty folder.")
        raise OutputError(msg)
    if args.demo:
        from .synth import generate_demo

        written = generate_demo(out, progress_bar=_bars(args), style=args.style)
    else:
        written = generate(out, communities=args.communities, seed=args.seed, progress_bar=_bars(args),
                           style=args.style)
    n_tables = len([k for k in written if k not in ("dataset", "claims")])
    claims = " and published_claims.yaml (the article's figures)" if "claims" in written else ""
    print(f"wrote {n_tables} tables and dataset.yaml{claims} to {out}" + (" as a street office keeps them"
                                                                          if args.style == "ledger" else ""))
    return EXIT_OK


# -------------------------------------------------------------------------- main


def _years(text: str) -> list[int]:
    try:
        years = [int(y) for y in text.split(",") if y.strip()]
    except ValueError:
        msg = f"--years {text!r}: expected years separated by commas, e.g. 2023,2024"
        raise argparse.ArgumentTypeError(msg) from None
    if not years:
        msg = f"--years {text!r}: give at least one year, e.g. 2023,2024"
        raise argparse.ArgumentTypeError(msg)
    return years


def _items(option: str, example: str) -> Callable[[str], list[str]]:
    """An argparse type: a comma-separated list of at least one item."""

    def parse(text: str) -> list[str]:
        items = [t.strip() for t in text.split(",") if t.strip()]
        if not items:
            msg = f"{option} {text!r}: give at least one, separated by commas, e.g. {example}"
            raise argparse.ArgumentTypeError(msg)
        return items

    return parse


def _whole(minimum: int) -> Callable[[str], int]:
    """An argparse type: a whole number of at least ``minimum``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or value < minimum:
            msg = f"{text!r}: expected a whole number of at least {minimum}"
            raise argparse.ArgumentTypeError(msg)
        return value

    return parse


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        msg = f"{text!r} is not a date; use YYYY-MM-DD"
        raise argparse.ArgumentTypeError(msg) from None


class _Parser(argparse.ArgumentParser):
    """argparse's parser, whose error is one line on stderr (exit 2): the command, the
    reason and where to read more, instead of the usage and then the reason."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_INPUT, f"{self.prog}: {message} (see `{self.prog} --help`)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="linli",
        description=(
            "linli (邻里): assess a community-governance innovation zone from its ledgers (台账). "
            "Reads the tables in the data directory (CSV in UTF-8 or GBK, XLSX, GeoJSON/GeoPackage/"
            "Shapefile; Chinese headers accepted), validates them, and computes indicators and reports."
        ),
        epilog=(
            "Exit codes: 0 done; 1 some reports failed (build; the summary names them) or differ "
            "(verify); "
            "2 bad input or option (one-line reason on stderr); 3 internal error."
        ),
    )
    parser.add_argument("--version", action="store_true",
                        help="print the version and exit; with --verbose, also the versions of the packages "
                        "that shape the numbers and the reports")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def data_dir(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--data-dir", type=Path, default=config.RAW_DIR, metavar="DIR",
            help=f"directory of raw ledgers (default: {config.RAW_DIR})",
        )

    def ledgers(p: argparse.ArgumentParser) -> None:
        """--data-dir, and -q for the progress bar of a command that checks the ledgers."""
        data_dir(p)
        p.add_argument("-q", "--quiet", action="store_true",
                       help="no progress bar while the ledgers are checked (it shows only in a terminal)")

    p = sub.add_parser(
        "validate", help="read and check every table; write the quarantine",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "检查台账：逐表读入，核对每个单元格，把有问题的行列入 OUT/quarantine.xlsx\n"
            "（每行写明第几行、哪一列、要怎么改）。改好台账后再运行一次，直到没有被隔离的行。\n"
            "\n"
            "Read every table of the data contract (what to fill in: docs/data-contract.md;\n"
            "blank forms: linli template), print rows read / loaded / quarantined per table,\n"
            "and write:\n"
            "  OUT/quarantine.xlsx  Chinese headers, what to fix on each row\n"
            "  OUT/quarantine.csv   UTF-8 with a BOM: table, file, row, column, rule, value,\n"
            "                       message_zh, message_en, outcome, community, record_id\n"
            "  OUT/provenance.csv   file hashes and counts\n"
            "  OUT/tables/          the clean tables as Parquet\n"
            "Ends with one line: rows quarantined and the path of quarantine.xlsx.\n"
            "Quarantined rows are a finding, not a failure: the exit code is 0 whenever every\n"
            "file could be read, 2 when a file is unreadable or lacks a required column."
        ),
    )
    ledgers(p)
    p.add_argument("--out", type=Path, default=config.PROCESSED_DIR, metavar="DIR",
                   help=f"where to write the outputs (default: {config.PROCESSED_DIR})")
    p.add_argument("--as-of", type=_date, default=None, metavar="DATE",
                   help="no date in the data may be later than this (default: dataset.yaml's as_of, else today)")
    p.set_defaults(handler=cmd_validate)

    p = sub.add_parser(
        "indicators", help="compute every indicator for every community, zone and year",
        description=(
            "Compute every indicator of the catalogue (docs/indicators.md) for every community, "
            "every zone and every year, and write the long table unit_id,unit_type,year,indicator,"
            "value,ci_low,ci_high (unit_type is community or zone; ci_* only for satisfaction, the "
            "95 % Wilson interval on Kish's effective sample size). A value that cannot be computed "
            "is empty, never 0. CSV, or Parquet when FILE ends with .parquet."
        ),
    )
    ledgers(p)
    p.add_argument("--years", type=_years, default=None, metavar="Y1,Y2",
                   help="years to compute (default: the years of population.csv that end by the as-of date)")
    p.add_argument("--out", type=Path, default=config.PROCESSED_DIR / "indicators.csv", metavar="FILE",
                   help=f"output file (default: {config.PROCESSED_DIR / 'indicators.csv'})")
    p.set_defaults(handler=cmd_indicators)

    p = sub.add_parser(
        "index", help="the Linli Index of every community and zone, with its uncertainty",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "Compute the Linli Index for one year and write one row per unit (every community, then\n"
            "every zone), CSV or Parquet by FILE's extension, byte-identical from run to run.\n"
            "The index scores only size-free indicators (shares, rates, per-person means, medians;\n"
            "docs/indicators.md). Columns:\n"
            "  unit_id, unit_type   the community_id or zone_id; community or zone\n"
            "  year                 the year assessed\n"
            "  wushe, lin_zhi, lin_he, lin_zhu, lin_le, satisfaction\n"
            "                       the six dimension scores (0-100): the mean of each dimension's\n"
            "                       indicator scores on fixed goalposts\n"
            "  index                the headline Linli Index (0-100): the weighted mean of the\n"
            "                       dimension scores (goalposts, arithmetic mean, equal weights)\n"
            "  index_low, index_median, index_high\n"
            "                       the index band: 5th, 50th and 95th percentiles of the index\n"
            "                       over the Monte Carlo draws when only the dimension weights vary\n"
            "                       (each by up to 25 percent, renormalised)\n"
            "  rank                 the headline rank among the communities of the year (1 = best;\n"
            "                       ties share the best rank); empty for a zone, which is shown\n"
            "                       beside its communities but not ranked among them\n"
            "  rank_median, rank_low, rank_high\n"
            "                       the rank interval: median, 5th and 95th percentile ranks over\n"
            "                       draws that vary the normalisation (goalposts, min-max, z-score),\n"
            "                       the aggregation (arithmetic, geometric mean) and the weights\n"
            "  rank_kept_pct        the share of those draws (in percent) in which the community\n"
            "                       keeps its headline rank\n"
            "The draws are seeded (the catalogue's seed): the same data give the same file."
        ),
    )
    ledgers(p)
    p.add_argument("--year", type=int, default=None, metavar="Y",
                   help="year to assess (default: as linli build, the latest year the ledgers cover, "
                        "ended by the as-of date)")
    p.add_argument("--out", type=Path, default=config.PROCESSED_DIR / "index.csv", metavar="FILE",
                   help=f"output file, .csv or .parquet (default: {config.PROCESSED_DIR / 'index.csv'})")
    p.set_defaults(handler=cmd_index)

    p = sub.add_parser(
        "claims", help="check the published claims against the data",
        description=(
            "Check each claim of DIR/published_claims.yaml (figures an official or press source "
            "states) against the indicators: print a table and write the CSV "
            "id,indicator,unit_id,year,claimed,observed,verdict (agrees, disagrees, cannot_check)."
        ),
    )
    ledgers(p)
    p.add_argument("--out", type=Path, default=config.PROCESSED_DIR / "claims.csv", metavar="FILE",
                   help=f"output CSV (default: {config.PROCESSED_DIR / 'claims.csv'})")
    p.set_defaults(handler=cmd_claims)

    p = sub.add_parser(
        "build", help="the main job: validate, compute, and write every report",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "Validate the ledgers, compute indicators, the Linli Index with its uncertainty,\n"
            "progress and the claims check, then run the report notebooks (papermill, in parallel\n"
            "processes, or on a Dask cluster). For each year, under OUT/<year>/:\n"
            "  <unit>.html, <unit>.pdf   the report of each community and zone (--format; .docx: Word)\n"
            "  <unit>.ipynb              the executed report notebook\n"
            "  <unit>.json               the unit's indicators, scores, index, progress and claims\n"
            "  figures/<unit>/           every figure as PNG (300 dpi) and SVG\n"
            "  indicators.xlsx           a sheet per dimension: every unit's values and progress\n"
            "  index.html                links every report of the year, with index, band and rank\n"
            "                            (in Chinese; an English build adds index.en.html)\n"
            "  data/                     the hand-off the reports read: clean tables, indicators,\n"
            "                            quarantine.xlsx and quarantine.csv, provenance.csv\n"
            "  manifest.json             SHA-256 of every input and output, for linli verify\n"
            "and OUT/index.html, linking every year. Another language adds its code to the names\n"
            "(<unit>.en.html, figures/<unit>.en/); a build never deletes another language's files.\n"
            "A unit whose inputs are unchanged is not re-run, and a build whose inputs are all\n"
            "unchanged loads nothing. One unit's failure does not stop the others; the exit code\n"
            "is then 1 (2: bad input or option, with a one-line reason)."
        ),
    )
    data_dir(p)
    p.add_argument("--year", default=None, metavar="Y",
                   help="report year(s): one year (2024), a range (2022-2024), a list (2022,2024) or all "
                        "(every year up to the default); default: the latest year the ledgers cover, ended "
                        "by the as-of date")
    p.add_argument("--units", type=_items("--units", "xiangbei,renmin"), default=None,
                   metavar="ID,…", help="only these communities or zones (default: all)")
    p.add_argument("--lang", choices=("zh", "en"), default="zh", help="report language (default zh)")
    p.add_argument("--format", type=_items("--format", "html,pdf"), default="html,pdf", metavar="html,pdf,docx",
                   help="output formats, comma-separated: html, pdf, docx (default html,pdf)")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--jobs", type=_whole(1), default=None, metavar="N",
                       help="parallel processes (default: the number of cores)")
    where.add_argument("--dask", default=None, metavar="ADDRESS",
                       help="run the reports on a Dask cluster instead: tcp://HOST:PORT (a running `dask scheduler` "
                            "whose workers see --out and the data at the same paths) or local[:N] (N worker "
                            "processes here, default one per core); needs pip install \"linli[dask]\"")
    p.add_argument("--out", type=Path, default=config.REPORTS_DIR, metavar="DIR",
                   help=f"output directory (default: {config.REPORTS_DIR})")
    p.add_argument("--as-of", type=_date, default=None, metavar="DATE",
                   help="data as-of date (default: dataset.yaml's as_of, else today)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(handler=cmd_build)

    p = sub.add_parser(
        "verify", help="check that a year of reports comes from the ledgers it names",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "For an auditor: check OUT/<year> (as written by `linli build`) against the raw ledgers.\n"
            "  1. every file of the data folder against the SHA-256 the build recorded in\n"
            "     OUT/<year>/manifest.json (a changed, missing or added ledger is named);\n"
            "  2. every number of each <unit>.json against a recomputation from the ledgers\n"
            "     (the manifest's year and as-of date; numbers agree to 1e-9, relative);\n"
            "  3. every report file against the SHA-256 recorded at build time (a report edited\n"
            "     after the build, or one the build did not write, is named).\n"
            "Prints one line per check: the inputs, each unit, then the files shared by the year\n"
            "(and first a line of its own when YEAR_DIR is named after another year than its\n"
            "manifest's: another year's reports), then the year and as-of date checked.\n"
            "It writes nothing."
        ),
        epilog="Exit codes: 0 everything matches; 1 something differs (the lines say what); "
               "2 no manifest in YEAR_DIR, a damaged manifest, or no data folder.",
    )
    p.add_argument("year_dir", type=Path, metavar="YEAR_DIR", help="a year folder of a build: OUT/<year>")
    data_dir(p)
    p.set_defaults(handler=cmd_verify)

    p = sub.add_parser(
        "synth", help="write a synthetic dataset in the data contract",
        description=(
            "Generate a complete synthetic dataset for one zone of N communities over 2022-2024, "
            "deterministic for a seed. Personal fields are filled with obviously fake values."
        ),
    )
    p.add_argument("--communities", type=_whole(1), default=4, metavar="N",
                   help="number of communities (default 4)")
    p.add_argument("--seed", type=_whole(0), default=0, metavar="S", help="random seed, 0 or more (default 0)")
    p.add_argument("--out", type=Path, required=True, metavar="DIR", help="output directory")
    p.add_argument("--demo", action="store_true",
                   help="write the calibrated Renmin Street demo dataset instead (ignores --communities/--seed)")
    p.add_argument("--style", default="canonical", choices=("canonical", "ledger"),
                   help="canonical (the contract's own files, default) or ledger: the same records as a street "
                        "office keeps them (Chinese file names, headers and labels, dates in several spellings, "
                        "XLSX and GBK CSV, facilities as 经度/纬度 in GCJ-02 declared in dataset.yaml)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(handler=cmd_synth)

    p = sub.add_parser(
        "template", help="write a blank Excel form per table, for the clerks",
        description=(
            "Write one .xlsx form per table of the data contract (compounds and facilities as "
            "spreadsheets of points with 经度/纬度; boundaries stay GeoJSON, GeoPackage or Shapefile): "
            "the contract's Chinese headers (English column names with --lang en), drop-down lists "
            "of the Chinese labels, date columns formatted as dates, a frozen header and a 填写说明 "
            "sheet giving each column, whether it is required, its rule and an example. The whole "
            "contract, in Chinese and English: docs/data-contract.md. Fill the forms in, put them in "
            "a folder and run `linli validate --data-dir` on it."
        ),
    )
    p.add_argument("--out", type=Path, default=Path("templates"), metavar="DIR",
                   help="where to write the forms (default: ./templates)")
    p.add_argument("--lang", default="zh", choices=("zh", "en"), help="headers in Chinese (default) or English")
    p.set_defaults(handler=cmd_template)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s" if args.verbose else "%(levelname)s: %(message)s",
        stream=sys.stderr,
    )
    if args.version:
        print(f"linli {__version__}")
        if args.verbose:
            _print_versions()
        return 0
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return EXIT_INPUT
    try:
        return handler(args)
    except LinliError as exc:
        print(f"linli {args.command}: {_one_line(exc)}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print(f"linli {args.command}: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        if args.debug:
            raise
        if isinstance(exc, OSError) and exc.filename is not None:
            # the system refused a file (permissions, a full disk, a file where a folder should be)
            print(f"linli {args.command}: cannot use {exc.filename}: {exc.strerror or type(exc).__name__}.",
                  file=sys.stderr)
            return EXIT_INPUT
        print(
            f"linli {args.command}: internal error ({type(exc).__name__}: {_one_line(exc)}); "
            "please report it, with --debug for the details",
            file=sys.stderr,
        )
        return EXIT_BUG


def _print_versions() -> None:
    """Print the versions of the packages that shape the numbers and the reports."""
    found = versions.package_versions()
    width = max(map(len, found))
    groups = (("", ("python", "linli")), ("numbers", versions.NUMBERS), ("reports", versions.RENDERING))
    for title, names in groups:
        if title:
            print(f"{title}:")
        for name in names:
            if name in found:
                print(f"  {name:<{width}}  {found[name]}")
    from .reporting import browser_version

    print(f"browser (PDF):\n  {browser_version() or 'none found: set $LINLI_CHROMIUM, or install Chromium, Chrome or Edge'}")


def _one_line(exc: BaseException) -> str:
    """The message of ``exc`` on one line, anything shaped like a phone or ID number masked."""
    return " ".join(redact(str(exc)).split())


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
