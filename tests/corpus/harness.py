"""Run a command of the ``linli`` CLI on a case and check everything it wrote and said.

:func:`run_case` writes the case's data, runs one command in this process (the
CLI's ``main``, so an exception that escapes it fails the test as a traceback
would show), and checks:

* the exit code, and that no traceback was printed;
* an exit-2 message: one line on stderr, naming the file and the real problem;
* ``validate``: for every table, rows read = rows loaded + rows quarantined,
  rows read equal to what the case wrote (across all sheets and lines), the
  quarantine rules the case expects (and not those it must not raise);
* no planted personal-data string in any output file (CSV, XLSX, Parquet, HTML,
  JSON, ipynb), in what was printed, logged or warned;
* no CSV or XLSX cell that a spreadsheet would run as a formula;
* nothing written outside ``--out``: the case's folder (data included) is the
  same before and after except under ``--out``, and no file named after a hostile
  unit id exists anywhere a path could escape to.
"""

from __future__ import annotations

import contextlib
import csv
import io
import logging
import os
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pyarrow.parquet as pq

from linli.cli import main
from linli.outputs import FORMULA_START

from .. import ledger
from .base import ESCAPE, Case, Rows, fixture_rows, present, write_base

REPO = Path(__file__).resolve().parents[2]
_BASE64 = re.compile(r"[A-Za-z0-9+/=]{400,}")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


@dataclass
class Run:
    """What one command did."""

    command: str
    code: int
    stdout: str
    stderr: str
    log: str
    out: Path


def out_path(root: Path, command: str) -> Path:
    """Where a command writes: a folder for validate and build, a file for the others."""
    return root / "out" / {"validate": "validate", "indicators": "indicators.csv", "index": "index.csv",
                           "claims": "claims.csv", "build": "build"}[command]


def argv(case: Case, command: str, data: Path, root: Path) -> tuple[list[str], Path]:
    """The command line of ``command`` on the case, and where it is told to write.

    ``{existing}``, ``{under_file}`` and ``{unwritable}`` in a case's arguments
    become an existing file (folder, for commands that write one file), a path
    under an existing file, and a folder nobody may write in.
    """
    extra = [_fill(a, command, root) for a in case.args.get(command, ())]
    args = [command, "--data-dir", str(data)]
    if "--out" in extra:
        out = Path(extra[extra.index("--out") + 1])
    else:
        out = out_path(root, command)
        args += ["--out", str(out)]
    if command == "build":
        args += ["--format", "html", "--jobs", "1", "-q"]
        if "--units" not in extra and case.build != "*":
            args += ["--units", case.build or "renminlu"]
    return args + extra, out


def _fill(arg: str, command: str, root: Path) -> str:
    one_file = command in ("indicators", "index", "claims")
    existing = root / "existing.txt"
    if "{existing}" in arg:
        if one_file:
            (root / "existing-folder").mkdir(exist_ok=True)
            return str(root / "existing-folder")
        existing.write_text("not a folder\n", encoding="utf-8")
        return str(existing)
    if "{under_file}" in arg:
        existing.write_text("not a folder\n", encoding="utf-8")
        return str(existing / ("x.csv" if one_file else "out"))
    if "{unwritable}" in arg:
        folder = unwritable_folder(root)
        return str(folder / "x.csv" if one_file else folder)
    return arg


def prepare(case: Case, root: Path) -> tuple[Path, Rows]:
    """Write the base dataset and plant the case; return the data folder and rows per table."""
    data = root / "data"
    write_base(data)
    changed = case.make(data)
    rows = {t: n for t, n in fixture_rows().items() if t in present(data)}
    return data, rows | changed


def run(command: str, args: list[str], out: Path) -> Run:
    """Run ``linli args…`` in this process, capturing everything it says."""
    stdout, stderr, logged = io.StringIO(), io.StringIO(), io.StringIO()
    handler = logging.StreamHandler(logged)
    handler.setLevel(logging.DEBUG)
    logger = logging.getLogger("linli")
    old_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        with warnings.catch_warnings(record=True) as caught, \
                contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            warnings.simplefilter("always")
            code = main(args)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
    said = logged.getvalue() + "".join(f"{w.category.__name__}: {w.message}\n" for w in caught)
    return Run(command, code, stdout.getvalue(), stderr.getvalue(), said, out)


# ------------------------------------------------------------------------ checks


def check_run(case: Case, result: Run, rows: Rows) -> None:
    """Every check of the module docstring that concerns one command's run."""
    command, code = result.command, result.code
    said = result.stdout + result.stderr + result.log
    assert code == case.exit(command), (
        f"{case.name}: linli {command} exited {code}, expected {case.exit(command)}\n{result.stderr}")
    assert code in (0, 1, 2)
    assert "Traceback" not in said, f"{case.name}: a traceback\n{said}"
    fragment = case.messages.get(command, "")
    if code == 2:
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, f"{case.name}: expected one line on stderr, got {lines}"
        line = lines[0]
        assert line.startswith(f"linli {command}: ")
        if case.file:
            assert case.file in line, f"{case.name}: the message does not name {case.file}: {line}"
        assert fragment.casefold() in line.casefold(), f"{case.name}: {fragment!r} not in {line!r}"
    elif fragment:
        found = said + quarantine_text(result.out)
        assert fragment.casefold() in found.casefold(), f"{case.name}: {fragment!r} not in what {command} said"
    if command == "validate" and code == 0:
        check_counts(case, result.out, rows)
    check_no_personal_data(case, result, said)
    check_no_formulas(case, result.out)
    if case.check is not None and code == 0:
        case.check(command, result.out, result.stdout)


def quarantine_text(out: Path) -> str:
    path = out / "quarantine.csv"
    return path.read_text(encoding="utf-8") if path.is_file() else ""


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def check_counts(case: Case, out: Path, rows: Rows) -> None:
    """Rows reconcile per table; rows read are those written; the expected rules are there."""
    provenance = {r["table"]: r for r in read_csv(out / "provenance.csv")}
    quarantine = read_csv(out / "quarantine.csv")
    left_out: dict[str, set[tuple[str, str]]] = {}
    for q in quarantine:
        if q["outcome"] == "quarantined":
            left_out.setdefault(q["table"], set()).add((q["file"], q["row"]))
    for table, p in provenance.items():
        if p["status"] == "absent":
            assert rows.get(table, 0) == 0, f"{case.name}: {table} absent, {rows.get(table)} rows written"
            continue
        read, loaded, out_ = int(p["rows_read"]), int(p["rows_loaded"]), int(p["rows_quarantined"])
        assert read == loaded + out_, f"{case.name}: {table}: {read} read != {loaded} + {out_}"
        assert out_ == len(left_out.get(table, ())), f"{case.name}: {table}: quarantine rows disagree"
        assert read == rows[table], f"{case.name}: {table}: {read} rows read, {rows[table]} written"
    found = {(q["table"], q["rule"]) for q in quarantine}
    missing = set(case.rules) - found
    assert not missing, f"{case.name}: rules not raised: {sorted(missing)}; raised: {sorted(found)}"
    unwanted = set(case.absent_rules) & found
    assert not unwanted, f"{case.name}: rules that must not be raised: {sorted(unwanted)}"


def _texts(path: Path) -> list[str]:
    """The text of an output file, with the values inside Parquet and XLSX files."""
    texts = [_BASE64.sub("", path.read_bytes().decode("utf-8", errors="ignore"))]
    if path.suffix == ".parquet":
        texts += [str(v) for col in pq.read_table(path).to_pylist() for v in col.values()]
    elif path.suffix == ".xlsx":
        book = openpyxl.load_workbook(path, read_only=True)
        texts += [str(c) for ws in book.worksheets for r in ws.iter_rows(values_only=True) for c in r]
        book.close()
    return texts


def check_no_personal_data(case: Case, result: Run, said: str) -> None:
    planted = [*ledger.PII_VALUES, *case.pii]
    leaks = [s for s in planted if s in said]
    assert not leaks, f"{case.name}: linli {result.command} printed or logged {leaks}"
    if not result.out.exists():
        return
    files = [result.out] if result.out.is_file() else [p for p in result.out.rglob("*") if p.is_file()]
    for path in files:
        text = "\n".join(_texts(path))
        leaked = [s for s in planted if s in text]
        assert not leaked, f"{case.name}: {path} holds {leaked}"


def _formula(cell: object) -> bool:
    return isinstance(cell, str) and cell.startswith(FORMULA_START) and not _NUMBER.fullmatch(cell)


def check_no_formulas(case: Case, out: Path) -> None:
    """No CSV cell starts like a formula; no XLSX cell is a formula, and none that starts
    like one lacks the quote prefix (typed into again, it would become one)."""
    if not out.exists():
        return
    files = [out] if out.is_file() else list(out.rglob("*"))
    for path in files:
        if path.suffix == ".csv":
            with path.open(encoding="utf-8-sig", newline="") as fh:
                live = [c for row in csv.reader(fh) for c in row if _formula(c)]
        elif path.suffix == ".xlsx":
            book = openpyxl.load_workbook(path)
            live = [c.value for ws in book.worksheets for c in ws._cells.values()
                    if c.data_type == "f" or (_formula(c.value) and not c.quotePrefix)]
        else:
            continue
        assert not live, f"{case.name}: {path} has cells a spreadsheet runs as formulas: {live[:3]}"


# --------------------------------------------------------------- writes outside --out


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    """Every file and folder under ``root``: size and modification time."""
    found = {}
    for path in [root, *root.rglob("*")]:
        stat = path.lstat()
        found[path.relative_to(root).as_posix()] = (stat.st_size if path.is_file() else -1, stat.st_mtime_ns)
    return found


def changed_outside(before: dict[str, tuple[int, int]], after: dict[str, tuple[int, int]],
                    allowed: list[str]) -> list[str]:
    """Paths added, changed or removed that are not under one of ``allowed`` (relative paths)."""
    paths = set(before) | set(after)
    moved = [p for p in paths if before.get(p) != after.get(p)]

    def inside(p: str) -> bool:
        return any(p == a or p.startswith(a + "/") or a.startswith(p + "/") or p in ("", ".")
                   for a in allowed)

    return sorted(p for p in moved if not inside(p))


def escaped(root: Path) -> list[str]:
    """Files named after a hostile unit id anywhere a path could have escaped to."""
    places = {Path("/"), Path("/tmp"), REPO, Path.cwd(), *root.parents}
    found = []
    for place in places:
        with contextlib.suppress(OSError):
            found += [str(p) for p in place.iterdir() if ESCAPE in p.name]
    return sorted(found)


def check_command(case: Case, command: str, root: Path) -> Run:
    """Plant the case under ``root``, run ``command`` and make every check; return the run."""
    data, rows = prepare(case, root)
    args, out = argv(case, command, data, root)
    before, outside_before = snapshot(root), escaped(root)
    assert outside_before == [], f"left over from an earlier run: {outside_before}"
    result = run(command, args, out)
    moved = changed_outside(before, snapshot(root), [_relative(out, root)])
    assert moved == [], f"{case.name}: linli {command} wrote outside --out: {moved[:5]}"
    assert escaped(root) == [], f"{case.name}: linli {command} wrote outside --out: {escaped(root)}"
    check_run(case, result, rows)
    return result


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return "/" + path.as_posix()  # outside the case's folder: nothing under root may change


def unwritable_folder(root: Path) -> Path:
    """A folder linli cannot create or write in, for root and other users alike."""
    if os.geteuid() == 0:
        return Path("/sys") / "linli-corpus-unwritable"  # sysfs refuses new entries, even to root
    folder = root / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    return folder / "out"
