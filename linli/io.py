"""Read one input table from CSV (UTF-8 or GBK/GB18030), XLSX, GeoJSON, GeoPackage or Shapefile.

:func:`find_table_file` finds a table's file in a data directory and
:func:`read_table` reads it into a :class:`RawTable`: one column per recognised
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

from pathlib import Path

from . import contract
from ._read.cells import MAX_CELL_CHARS, RawTable, display_name
from ._read.delimited import read_csv
from ._read.geo import read_geo
from ._read.xlsx import read_xlsx
from ._read.yamlfile import MAX_YAML_BYTES, MAX_YAML_NODES, read_yaml, yaml_from_bytes
from .errors import InputError

__all__ = ["MAX_CELL_CHARS", "MAX_YAML_BYTES", "MAX_YAML_NODES", "RawTable", "find_table_file",
           "read_table", "read_yaml", "yaml_from_bytes"]


# ----------------------------------------------------------------- finding files


def find_table_file(data_dir: Path, table: contract.Table) -> Path | None:
    """Return the file that holds ``table`` in ``data_dir``, or None when there is none.

    Looks for ``<table.name><ext>`` for each extension in ``table.extensions``, then
    ``<alias><ext>`` for each of ``table.file_aliases``; extensions match in any case.

    Parameters
    ----------
    data_dir
        The data directory (not searched recursively).
    table
        The table's contract.

    Returns
    -------
    pathlib.Path or None

    Raises
    ------
    InputError
        When ``data_dir`` is not a directory, or two files could hold the table
        (``volunteers.csv`` and ``volunteers.xlsx``).

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     _ = (Path(tmp) / "人口.CSV").write_text("社区,年份\\n", encoding="utf-8")
    ...     find_table_file(Path(tmp), contract.table("population")).name
    '人口.CSV'
    """
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        msg = f"{data_dir}: data directory not found."
        raise InputError(msg)
    present = {p.name.casefold(): p for p in data_dir.iterdir() if p.is_file()}
    found: list[Path] = []
    for stem in (table.name, *table.file_aliases):
        for ext in table.extensions:
            path = present.get(f"{stem}{ext}".casefold())
            if path is not None and path not in found:
                found.append(path)
    if len(found) > 1:
        names = " and ".join(p.name for p in found)
        msg = f"{data_dir}: both {names} could hold table {table.name}; keep only one."
        raise InputError(msg)
    return found[0] if found else None


# ------------------------------------------------------------------ reading


def read_table(
    path: Path,
    table: contract.Table,
    *,
    sheet: str | None = None,
    root: Path | None = None,
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
    ``.shp``.

    A CSV cell that spans lines and holds the separator (or more than
    :data:`MAX_CELL_CHARS` characters) is rows swallowed by a quote left open: the
    file is refused, naming the line where the quote opens. An XLSX formula cell
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
    with no data rows is a valid empty table.

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
    if table.is_geo:
        return read_geo(path, table, layer=sheet, shown=shown)
    if suffix == ".xlsx":
        return read_xlsx(path, table, sheet=sheet, shown=shown)
    return read_csv(path, table, shown=shown)
