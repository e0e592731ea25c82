"""Read one input table from CSV (UTF-8 or GBK/GB18030), XLSX, GeoJSON, GeoPackage or Shapefile.

:func:`find_table_files` finds a table's file (or its files, a ledger kept in a file
per year) in a data directory and :func:`read_table` reads one into a :class:`RawTable`
(:func:`read_tables` reads them all as one): one column per recognised
contract column (canonical English names), every value still the raw text of its
cell (``None`` when blank), with the spreadsheet row number of every row. Parsing
and rule checks are the validator's job; this module only reads.

Anything that makes a file unusable (cannot be opened or decoded, empty, a
required column missing, two headers for one column, no CRS, coordinates in the
wrong unit, a quote that swallows rows) raises :class:`linli.errors.InputError`
with one line naming the file (and the line or sheet); cell values never appear
in these messages. Problems that concern single rows (a line in another encoding,
a formula cell Excel never computed) are handed to the validator as
:attr:`RawTable.row_issues`, to be quarantined with the row.

:func:`read_yaml` is the one reader of the YAML files a user writes
(``dataset.yaml``, ``published_claims.yaml``): safe tags only, a size cap, a cap on
what aliases may expand to, and every bad value reported with its file, line and
field.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from . import contract
from ._read.cells import MAX_CELL_CHARS, RawTable, combine_files, display_name
from ._read.delimited import read_csv
from ._read.geo import read_geo
from ._read.points import read_points
from ._read.xlsx import read_xlsx, skipped_sheet_zh
from ._read.yamlfile import MAX_YAML_BYTES, MAX_YAML_NODES, read_yaml, yaml_from_bytes
from .errors import InputError

__all__ = ["DATA_EXTENSIONS", "MAX_CELL_CHARS", "MAX_YAML_BYTES", "MAX_YAML_NODES", "RawTable", "UnknownFile",
           "find_table_files", "read_table", "read_tables", "read_yaml", "skipped_sheet_zh", "unknown_files", "yaml_from_bytes"]


# ----------------------------------------------------------------- finding files

#: Extensions of files that look like data: one of them that no table claims is named in a warning.
DATA_EXTENSIONS: tuple[str, ...] = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls", ".et", ".ods",
                                    ".geojson", ".json", ".gpkg", ".shp", ".kml", ".kmz")


@dataclass(frozen=True)
class UnknownFile:
    """A file of the data directory that no table reads, and the table it is closest to.

    ``reason`` is ``name`` (its name is no table's) or ``format`` (its name is
    ``table``'s, its extension is not one the table can be read from).
    """

    path: Path
    table: str | None
    reason: Literal["name", "format"]

    def message(self) -> str:
        """One line, in Chinese then English, naming the file and what to do."""
        name = self.path.name
        if self.table is None:
            return f"未识别的文件 “{name}”，未读入：文件名对应不到任何数据表 / file {name!r} not read: its name is no table's."
        spec = contract.table(self.table)
        if self.reason == "format":
            exts = "、".join(spec.extensions)
            return (f"文件 “{name}” 的格式无法读取，未读入：{spec.title_zh}（{spec.name}）须为 {exts} / "
                    f"file {name!r} not read: table {spec.name} is read from {', '.join(spec.extensions)}.")
        return (f"未识别的文件 “{name}”，未读入；最接近的数据表是“{spec.title_zh}”，可改名为 "
                f"{spec.file_names[-1]}{self.path.suffix} / file {name!r} not read: its name is no table's; "
                f"the closest is {spec.name} (name it {spec.name}{self.path.suffix}).")


    def refusal(self) -> str:
        """One line for a file in a format linli cannot read that is its table's only file
        (``调解台账.xls``): what to save it as, in Chinese then English."""
        spec = contract.table(str(self.table))
        kinds = sorted(spec.extensions, key=lambda e: e != ".xlsx")  # a workbook's own format first
        return (f"{self.path}: “{spec.title_zh}”台账是 {self.path.suffix} 格式，linli 读不了；请在 Excel 或 WPS 中"
                f"另存为 {' 或 '.join(kinds)} 后再运行 / the {spec.name} ledger is in {self.path.suffix} format, "
                f"which linli cannot read: save it as {' or '.join(kinds)} and run again.")


def _data_files(data_dir: Path) -> list[Path]:
    """The files of ``data_dir`` in name order, without hidden files and Excel's lock files (``~$…``)."""
    return sorted(p for p in data_dir.iterdir() if p.is_file() and not p.name.startswith((".", "~$")))


#: A year in a file's name (``2023年调解台账.xlsx``): a ledger kept in a file per year.
_YEAR_IN_NAME = re.compile(r"(?<![0-9])(?:19[5-9][0-9]|20[0-9][0-9])(?![0-9])")


def find_table_files(data_dir: Path, table: contract.Table) -> list[Path]:
    """Return the files that hold ``table`` in ``data_dir``: none, one, or one per year.

    A file holds the table when its extension is one of ``table.extensions`` (in
    any case) and its name, with years, digits, punctuation and spaces stripped
    (:func:`linli.contract.file_key`), is one of ``table.file_names``:
    ``2024年 调解台账.xlsx`` holds ``mediation_cases``. Several files hold it when the
    ledger is kept in a file per year: every file's name has a year and no year is in
    two names (``2023年调解台账.xlsx``, ``2024年调解台账.xlsx``); they are returned in
    the order of their years, to be read as one table (:func:`read_tables`). Only a
    ledger whose records belong to a year may be (:attr:`linli.contract.Table.kept_by_year`):
    a roster, the list of communities or a table of places is one file.

    Parameters
    ----------
    data_dir
        The data directory (not searched recursively).
    table
        The table's contract.

    Returns
    -------
    list of pathlib.Path

    Raises
    ------
    InputError
        When ``data_dir`` is not a directory, or several files could hold the table
        and they are not a file per year (``调解台账.xlsx`` and its copy
        ``调解台账 (2).xlsx``, or ``2023年志愿者名册.xlsx`` and ``2024年志愿者名册.xlsx``:
        a roster).

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     for name in ("2024年人口.CSV", "2023年 人口.xlsx"):
    ...         _ = (Path(tmp) / name).write_text("社区,年份\\n", encoding="utf-8")
    ...     [p.name for p in find_table_files(Path(tmp), contract.table("population"))]
    ['2023年 人口.xlsx', '2024年人口.CSV']
    """
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        msg = f"{data_dir}: data directory not found."
        raise InputError(msg)
    names = {contract.file_key(n) for n in table.file_names}
    found = [p for p in _data_files(data_dir)
             if p.suffix.casefold() in table.extensions and contract.file_key(p.stem) in names]
    if len(found) > 1:
        years = [set(_YEAR_IN_NAME.findall(p.stem)) for p in found]
        per_year = (table.kept_by_year and all(years)
                    and sum(len(y) for y in years) == len(set().union(*years)))  # no year in two names
        if not per_year:
            listed = [p.name for p in found]
            if table.kept_by_year:
                why = ("（按年分开记的台账，每个文件名写上各自的年份，如 2023年调解台账.xlsx、2024年调解台账.xlsx）",
                       " (a ledger kept in a file per year: put each file's year in its name, as in "
                       "2023年调解台账.xlsx, 2024年调解台账.xlsx)")
            elif table.start is not None:
                why = ("（名册只要最新的一份：每条记录的起止日期已写明各年谁在册）",
                       " (a roster is one file, the latest: its records' start and end dates say who was on it each year)")
            else:
                why = ("", "")
            msg = (f"{data_dir}: {'、'.join(listed)} 都可能是“{table.title_zh}”台账，请只保留一个{why[0]} / "
                   f"{len(listed)} files could hold table {table.name} ({', '.join(listed)}); keep one{why[1]}.")
            raise InputError(msg)
        found = [p for _, p in sorted(zip((min(y) for y in years), found, strict=True))]
    return found


def read_tables(
    paths: list[Path], table: contract.Table, *, root: Path | None = None, coordinates: str | None = None
) -> RawTable:
    """Read the files of ``table`` (:func:`find_table_files`) as one table: each as
    :func:`read_table` reads it, one after the other, every row named by its file (and
    sheet) as the clerk sees it (:attr:`RawTable.row_files`)."""
    raws = [read_table(p, table, root=root, coordinates=coordinates) for p in paths]
    return raws[0] if len(raws) == 1 else combine_files(table, raws)


def unknown_files(data_dir: Path) -> list[UnknownFile]:
    """Return the files of ``data_dir`` that look like data but that no table reads.

    A file whose name is a table's but whose format is not one the table is read
    from (``调解台账.xls``) says so; any other is given the table whose names are
    closest to its own (:func:`difflib.get_close_matches`), when one is close.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     for name in ("2024年调解纪录.csv", "调解台账.xls", "volunteers.csv", "README.md"):
    ...         _ = (Path(tmp) / name).write_text("", encoding="utf-8")
    ...     [(f.path.name, f.table, f.reason) for f in unknown_files(Path(tmp))]
    [('2024年调解纪录.csv', 'mediation_cases', 'name'), ('调解台账.xls', 'mediation_cases', 'format')]
    """
    owners = {contract.file_key(n): t for t in contract.TABLES.values() for n in t.file_names}
    out: list[UnknownFile] = []
    for path in _data_files(Path(data_dir)):
        suffix = path.suffix.casefold()
        if suffix not in DATA_EXTENSIONS:
            continue
        owner = owners.get(contract.file_key(path.stem))
        if owner is not None:
            if suffix not in owner.extensions:
                out.append(UnknownFile(path, owner.name, "format"))
            continue
        close = difflib.get_close_matches(contract.file_key(path.stem), list(owners), n=1, cutoff=0.5)
        out.append(UnknownFile(path, owners[close[0]].name if close else None, "name"))
    return out


# ------------------------------------------------------------------ reading


def read_table(
    path: Path,
    table: contract.Table,
    *,
    sheet: str | None = None,
    root: Path | None = None,
    coordinates: str | None = None,
) -> RawTable:
    """Read ``path`` as ``table``, keeping every value as the raw text of its cell.

    The format follows the extension: ``.csv`` (cells separated by commas, tabs or
    semicolons, whichever makes the header name the most columns; encoding detected
    from the bytes: UTF-8 with or without BOM, UTF-16 with BOM, else GB18030, a
    superset of GBK — line by line when the file mixes the two, the lines in the
    minority encoding becoming ``mixed_encoding`` row issues), ``.xlsx`` (every
    worksheet whose header names the table's columns, or only ``sheet``; the others
    are listed in :attr:`RawTable.skipped_sheets` and logged), ``.geojson``,
    ``.gpkg`` (the layer named after the table, else the first, or ``sheet``) and
    ``.shp``. The tables of points (compounds, facilities) may also be a ``.csv`` or
    ``.xlsx`` with ``经度``/``纬度`` (``lon``/``lat``) columns in decimal degrees, in the
    system ``coordinates`` names (``wgs84``, ``gcj02`` or ``bd09``, converted to
    WGS-84 by :func:`linli.coords.to_wgs84`; undeclared, they are read as WGS-84 and
    a warning explains the risk); a coordinate that is not a number is a
    ``not_a_coordinate`` row issue.

    A CSV cell that spans lines may hold the separator (an address typed with
    Alt+Enter); one whose later lines look like records (as many separators as a
    record has, nearly), or that is longer than :data:`MAX_CELL_CHARS` characters,
    is rows swallowed by a quote left open: the file is refused, naming the line
    where the quote opens. An XLSX formula cell
    without a computed value is blank in the frame and an ``uncomputed_formula``
    row issue.

    Headers are matched to contract columns case-insensitively and ignoring
    spaces, by English name or Chinese alias (``table.header_map()``); full-width
    letters and brackets count as their ASCII forms. In a Shapefile, a header
    truncated to 10 bytes (a dBASE limit) also matches. The header is the row,
    among the first ten non-blank ones, whose cells name the most columns: title
    rows above it (``2024年志愿者名册``, or a lone ``年份``) are passed over, and
    without any row naming a column the first non-blank row is the header. Rows whose every cell is
    blank are skipped, without changing the row numbers of the others. A header
    with no data rows is a valid empty table. A row whose first filled cell is a
    total's word (``合计``, ``总计：``, ``Total`` …) is a ``total_row`` row issue: a total
    row, not a record. An XLSX cell merged over several rows gives its value to each.

    Spreadsheet and geo cells that are not text become text as a ledger would
    show them: dates as ``YYYY-MM-DD`` (``YYYY-MM-DD HH:MM:SS`` when the time is
    not midnight), whole numbers without ``.0``, other numbers without float
    noise (``0.1 + 0.2`` → ``"0.3"``), booleans as ``true``/``false``.

    Geometries are returned in EPSG:4326. CGCS2000 (EPSG:4490) is taken as
    equivalent to WGS84: its coordinates are kept as they are (the two datums
    differ by centimetres). Any other CRS is reprojected.

    Parameters
    ----------
    path
        The file.
    table
        The table's contract.
    sheet
        XLSX: the worksheet to read; GeoPackage: the layer to read.
    root
        When given, :attr:`RawTable.file` is ``path`` relative to it.
    coordinates
        The coordinate system of a spreadsheet of points (``dataset.yaml``'s ``coordinates``).

    Returns
    -------
    RawTable

    Raises
    ------
    InputError
        The file cannot be read or decoded, is empty, has no such sheet, lacks a
        required column, has two headers for one column, or (geo) has no CRS.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     csv_file = Path(tmp) / "population.csv"
    ...     _ = csv_file.write_text(
    ...         "社区,年份,实有人口,常住人口,户数,65岁以上人口\\n"
    ...         "renmin,2024,5200,4800,1800,007\\n", encoding="gbk")
    ...     raw = read_table(csv_file, contract.table("population"))
    >>> raw.encoding, raw.rows.tolist(), raw.frame.loc[0, "age_65_plus"]
    ('gb18030', [2], '007')
    """
    path = Path(path)
    shown = display_name(path, root)
    suffix = path.suffix.casefold()
    if suffix not in table.extensions:
        valid = ", ".join(table.extensions)
        msg = f"{shown}: unsupported file type {path.suffix!r} for table {table.name}; valid: {valid}."
        raise InputError(msg)
    if table.is_geo and suffix in contract.SHEET_EXTENSIONS:
        return read_points(path, table, sheet=sheet, shown=shown, coordinates=coordinates)
    if table.is_geo:
        return read_geo(path, table, layer=sheet, shown=shown)
    if suffix == ".xlsx":
        return read_xlsx(path, table, sheet=sheet, shown=shown)
    return read_csv(path, table, shown=shown)
