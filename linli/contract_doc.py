"""The data contract in words: ``docs/data-contract.md``, in Chinese and English, made from the contract.

:func:`render_markdown` writes every table (its file names, formats, columns), every
column (its Chinese header and the other headers accepted, its kind, whether it is
required, its rule and an example), every code list with its Chinese labels, the
settings of ``dataset.yaml`` and every quarantine rule, from :mod:`linli.contract`
and :mod:`linli.labels`: the page cannot say something the code does not do. A test
keeps ``docs/data-contract.md`` equal to it; regenerate it with
``python -m linli.contract_doc``. :func:`column_rule` is the rule of one column in
words, which the templates' 填写说明 sheet also shows (:mod:`linli.template`).
"""

from __future__ import annotations

from pathlib import Path

from . import contract, coords
from .contract import CODE_LISTS, GEOMETRY_RULES, RULES, TABLES, Column, Table
from .labels import rule_label, table_label

__all__ = ["DOC_PATH", "column_rule", "render_markdown", "template_columns", "write_markdown"]

#: Where the page lives in the checkout.
DOC_PATH = Path("docs") / "data-contract.md"

_KIND = {
    "str": ("文本", "text"),
    "int": ("整数", "whole number"),
    "float": ("数字", "number"),
    "date": ("日期", "date"),
    "bool": ("是/否", "yes/no"),
    "code": ("选项", "choice"),
    "list": ("多选", "list of choices"),
    "ref": ("编号（引用）", "id (reference)"),
}
_GEOMETRY = {
    "polygon": ("面（社区范围）", "polygons"),
    "point": ("点", "points"),
    "point_or_polygon": ("点或面", "points or polygons"),
}


def template_columns(table: Table) -> tuple[Column, ...]:
    """The columns a clerk fills in: the contract's, without personal data, then 经度/纬度 for points.

    >>> [c.name for c in template_columns(contract.table("facilities"))][-2:]
    ['lon', 'lat']
    """
    columns = tuple(c for c in table.columns if not c.pii)
    return (*columns, *contract.POINT_COLUMNS) if table.points_from_sheets else columns


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def column_rule(col: Column, table: Table, *, lang: str = "zh") -> str:
    """The rule of a column in words: what a valid cell holds.

    >>> column_rule(contract.table("mediation_cases").column("mediators"), contract.table("mediation_cases"))
    '可填多项，用“、”分隔，每项为: 民警、网格员、志愿者、党员、业委会、律师、社工'
    >>> column_rule(contract.table("population").column("households"), contract.table("population"), lang="en")
    'a whole number > 0'
    """
    zh = lang == "zh"
    parts: list[str] = []
    if col.kind == "date":
        parts.append("日期，如 2024-03-05 或 2024年3月5日；不晚于数据截止日" if zh
                     else "a date such as 2024-03-05 or 2024年3月5日, not after the as-of date")
    elif col.kind == "bool":
        parts.append("填“是”或“否”" if zh else "是 (yes) or 否 (no); also true/false, 1/0")
    elif col.kind == "code" and col.codes:
        labels = "、".join(col.codes.values())
        parts.append(f"以下之一: {labels}" if zh else
                     "one of: " + ", ".join(f"{v} ({k})" for k, v in col.codes.items()))
    elif col.kind == "list" and col.codes:
        labels = "、".join(col.codes.values())
        parts.append(f"可填多项，用“、”分隔，每项为: {labels}" if zh else
                     "one or more, separated by 、, each one of: " + ", ".join(f"{v} ({k})" for k, v in col.codes.items()))
    elif col.kind == "ref" and col.ref is not None:
        if col.ref == "communities":
            parts.append("社区名称（如 人民路社区 或 人民路）或社区编码" if zh
                         else "a community's name (人民路社区 or 人民路) or its community_id")
        else:
            ref = TABLES[col.ref]
            parts.append(f"{table_label(ref.name)}台账中已有的{ref.column(ref.id_column or '').label_zh}" if zh
                         else f"a {ref.id_column} of the {ref.name} table")
    elif col.kind in ("int", "float"):
        word = ("整数" if col.kind == "int" else "数字") if zh else ("a whole number" if col.kind == "int" else "a number")
        bounds = []
        if col.minimum is not None:
            bounds.append(f"{'>' if col.min_exclusive else '≥'} {_num(col.minimum)}")
        if col.maximum is not None:
            bounds.append(f"≤ {_num(col.maximum)}")
        parts.append(f"{word} {'，'.join(bounds) if zh else ' and '.join(bounds)}".strip())
    if col.pattern == contract.ID_PATTERN:
        reserved = "、".join(contract.RESERVED_IDS) if zh else " or ".join(contract.RESERVED_IDS)
        parts.append(f"字母、数字、_ 或 -，不超过64个字符，不能是 {reserved}（报告文件夹自己的文件名）；"
                     "只差大小写的编码算同一个，社区编码不能与街道编码相同" if zh
                     else f"letters, digits, _ or -, at most 64 characters, not {reserved} (the report folder's own "
                     "files); ids that differ only in case count as one, and no community may have a zone's id")
    if col.unique:
        parts.append("不得重复" if zh else "unique")
    if col.person_id:
        parts.append("导入时替换为化名" if zh else "pseudonymised on load")
    if col.nullable_when is not None:
        other, codes = col.nullable_when
        owner = table.column(other)
        shown = "、".join((owner.codes or {}).get(c, c) for c in codes)
        parts.append(f"{owner.label_zh}为{shown}时可空" if zh else f"may be empty when {other} is {', '.join(codes)}")
    if col.default is not None:
        parts.append(f"空白按 {_num(float(col.default))} 计" if zh else f"empty means {_num(float(col.default))}")  # type: ignore[arg-type]
    if col.free_text:
        parts.append("不得填写个人姓名、电话、证件号" if zh else "no names of people, phone or identity numbers")
    for rule in table.compare:
        if rule.left == col.name:
            other = table.column(rule.right)
            op = "不早于" if col.kind == "date" and rule.op == ">=" else ("≥" if rule.op == ">=" else "≤")
            parts.append(f"{op}“{other.label_zh}”" if zh else f"{rule.op} {rule.right}")
    return "；".join(parts) if zh else "; ".join(parts)


def _required(col: Column, *, lang: str) -> str:
    """必填 when a cell may not be empty; 可空 when it may; 可省 when the whole column may be left out."""
    zh = lang == "zh"
    if not col.nullable and col.default is None and col.nullable_when is None:
        return "必填" if zh else "required"
    if col.required:
        return "列必须有，可空" if zh else "column required, cell may be empty"
    return "可选" if zh else "optional"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table_section(table: Table) -> list[str]:
    zh_title, en_title = table.title_zh, table_label(table.name, lang="en")
    exts = ", ".join(table.extensions)
    names = "、".join(f"`{n}`" for n in table.file_names)
    out = [
        f"### {zh_title} — {en_title} (`{table.name}`)",
        "",
        f"{'**必需。** ' if table.required else ''}{table.description}",
        "",
        f"- 文件名 / file names: {names}（年份、数字、标点和空格不计 / years, digits, punctuation and spaces ignored）",
        f"- 格式 / formats: {exts}",
    ]
    if table.is_geo:
        kind = _GEOMETRY[str(table.geometry)]
        out.append(f"- 几何 / geometry: {kind[0]} / {kind[1]}"
                   + ("；也可用表格（CSV/XLSX）填写“经度”“纬度” / or a spreadsheet with 经度/纬度 columns"
                      if table.points_from_sheets else "；须为 GeoJSON、GeoPackage 或 Shapefile / GeoJSON, GPKG or SHP only"))
    if table.unique_together:
        keys = " + ".join(table.column(c).label_zh for c in table.unique_together)
        out.append(f"- 不得重复的组合 / unique together: {keys}")
    pii = [c for c in table.columns if c.pii]
    if pii:
        heads = "、".join(c.label_zh for c in pii)
        out.append(f"- 个人信息 / personal data: {heads} — 可留在台账中，导入时删除，不进入任何输出 / "
                   "may stay in the ledger; dropped on load, never in any output")
    out += [
        "",
        "| 列 column | 表头 header（也可用 / also accepted） | 类型 kind | 必填 required | 规则 | rule | 示例 example |",
        "|---|---|---|---|---|---|---|",
    ]
    for col in template_columns(table):
        heads = f"**{col.label_zh or col.name}**"
        others = [a for a in col.aliases if a != col.label_zh]
        if others:
            heads += "（" + "、".join(others) + "）"
        kind = _KIND[col.kind]
        out.append(
            f"| `{col.name}` | {_cell(heads)} | {kind[0]} / {kind[1]} | {_required(col, lang='zh')} / "
            f"{_required(col, lang='en')} | {_cell(column_rule(col, table))} | "
            f"{_cell(column_rule(col, table, lang='en'))} | {_cell(col.sample)} |"
        )
    return [*out, ""]


def render_markdown() -> str:
    """Return ``docs/data-contract.md``: the data contract, in Chinese and English."""
    out = [
        "# 数据契约 — Data contract",
        "",
        "<!-- Generated from linli/contract.py and linli/labels.yaml by linli.contract_doc.render_markdown(); "
        "do not edit by hand. Regenerate with `python -m linli.contract_doc`. -->",
        "",
        "每张台账一份文件（按日期或年份记的台账也可以每年一份，文件名写上各自的年份：`2023年调解台账.xlsx`、"
        "`2024年调解台账.xlsx`；名册只要最新的一份），"
        "放在同一个文件夹（`--data-dir`）中。`linli template` 生成每张表的空白 Excel 模板"
        "（中文表头、下拉选项、填写说明）；填好后运行 `linli validate`，按 `quarantine.xlsx` 逐行修改。",
        "",
        "One file per ledger (a ledger of dated records or of years may be one per year, each file's year in "
        "its name: `2023年调解台账.xlsx`, `2024年调解台账.xlsx`; a roster is one file, the latest), all in one folder (`--data-dir`). `linli template` writes a blank Excel form per "
        "table (Chinese headers, drop-down lists, a 填写说明 sheet); fill it in, run `linli validate`, and fix "
        "each row `quarantine.xlsx` lists.",
        "",
        "## 通则 — General rules",
        "",
        "- **文件 / files**: CSV（UTF-8 或 GBK）或 Excel `.xlsx`；范围与位置用 GeoJSON、GeoPackage 或 Shapefile。"
        "文件名可以是英文表名或中文名，名中的年份、数字、标点、空格不计（`2024年 调解台账.xlsx` 即调解台账）；"
        "认不出的文件会被点名提示。 / CSV (UTF-8 or GBK) or `.xlsx`; boundaries and locations as GeoJSON, GeoPackage "
        "or Shapefile. A file is named after its table in English or Chinese, years, digits, punctuation and "
        "spaces ignored; a file no table claims is named in a warning.",
        "- **表头 / headers**: 下列中文表头（或括号中的其他写法）或英文列名均可。表头可以占两行（如“日期”下分"
        "“受理日期”“办结日期”，合并或不合并单元格均可）。表头上方可有标题行、分组行（如只在 A1 写“基本信息”），"
        "它们不当作记录，会以行号提示；表头下面的每一行都是记录。 / the Chinese header, one of the other spellings "
        "listed, or the English column name. A header may take two rows (日期 over 受理日期 and 办结日期, merged "
        "or not). Title and group rows above the header (基本信息 alone in A1) are no records: a warning names "
        "them by row number; every row below the header is a record.",
        "- **合计行、签字行与合并单元格 / totals, signatures and merged cells**: 记录下面的合计行（首格为“合计”“总计”等）"
        "和签字行（末几行中首格以“填报人”“审核人”“制表日期”等开头）不是记录，会被隔离并提示删除（签字行只显示其标签，"
        "不显示姓名、电话）；上下合并的单元格（如一个“社区”合并了几行）对所占的每一行都有效；表头可带“*”或“（必填）”。"
        " / a total row below the records (its first cell 合计, 总计 …) and a signature line in the last rows (its "
        "first cell beginning 填报人, 审核人, 制表日期 …) are no records: each is quarantined, to be deleted (a "
        "signature line shown by its label alone, never the name or phone after it); a cell merged over several "
        "rows holds for each of them; a header may carry * or （必填）.",
        "- **隐藏的工作表、行和列 / hidden sheets, rows and columns**: 隐藏的工作表（下拉选项表、旧副本）不读入，"
        "会被点名提示；只有隐藏的工作表写有本表时才读入它，并提示。隐藏的行照常作为记录读入（筛选掉的记录也算数），"
        "提示其行号；隐藏的列照常读入，与可见的列重复时只读可见的列。 / a hidden sheet (a drop-down list, an old "
        "copy) is not read, and a warning names it, unless no visible sheet holds the table: then it is read, with a "
        "warning. Hidden rows are records like any other (a filter does not delete them): a warning names them. "
        "Hidden columns are read, except one that repeats a visible column.",
        "- **日期 / dates**: `2024-03-05`、`2024/3/5`、`2024.3.5`、`2024年3月5日` 或 Excel 日期单元格。",
        "- **是/否 / yes-no**: 是、否（也可 true/false、1/0、Y/N）。",
        "- **选项 / choices**: 填中文选项（或英文代码）；多选用“、”分隔。 / the Chinese label (or the English "
        "code); several separated by 、.",
        "- **社区 / community**: 社区名称（`人民路社区` 或 `人民路`）或社区编码。",
        "- **全角字符 / full-width characters**: 编号、社区、选项中用中文输入法打出的全角字母、数字和标点"
        "（`Ｃ００１`、`ｓ０１２`）按半角读入（`C001`、`s012`）；名称、备注等文字照原样保存，其中只有全角数字读作半角。 / "
        "ids, communities and choices typed in full-width letters, digits and punctuation read as their ASCII "
        "spelling (Unicode NFKC); names and other free text are kept as typed, full-width digits aside.",
        "- **个人信息 / personal data**: 姓名、电话、身份证号只在名册的指定列中，导入时删除；其他文本列不得填写。 / "
        "names, phones and identity numbers only in the roster columns made for them, dropped on load; "
        "never in other text columns.",
        "- **坐标 / coordinates**: 小区和设施可用表格填写“经度”“纬度”（小数度数）。请在 `dataset.yaml` 中写明坐标系 "
        "`coordinates:` — "
        + "；".join(f"`{k}` {v}" for k, v in coords.SYSTEMS.items())
        + "。高德、腾讯、百度地图的坐标与 WGS-84 相差数百米，导入时换算；未写明时按 WGS-84 读入并提示。 / compounds and "
        "facilities may come as a spreadsheet with 经度/纬度 in decimal degrees; declare the system in "
        "`dataset.yaml`; GCJ-02 and BD-09 are converted to WGS-84 on load, points outside China are never shifted.",
        "- **出错的行 / rows with errors**: 不会丢失，进入 `quarantine.xlsx`（及 `quarantine.csv`），写明文件、行号、"
        "列、问题和应如何填写。 / never lost: each goes to `quarantine.xlsx` (and `quarantine.csv`) with its "
        "file, row, column, problem and what to type.",
        "",
        "## 数据表 — Tables",
        "",
        "| 表 table | 中文名 | 文件名 file names | 必需 required | 编号列 id |",
        "|---|---|---|---|---|",
    ]
    for table in TABLES.values():
        names = "、".join(table.file_names[1:])
        out.append(f"| `{table.name}` | {table.title_zh} | {names} | {'是 yes' if table.required else ''} | "
                   f"{f'`{table.id_column}`' if table.id_column else ''} |")
    out.append("")
    for table in TABLES.values():
        out += _table_section(table)
    out += ["## 选项 — Code lists", ""]
    for name, codes in CODE_LISTS.items():
        used = [f"{t.name}.{c.name}" for t in TABLES.values() for c in t.columns if c.codes is codes]
        out += [f"### `{name}` ({', '.join(used)})", "", "| 中文 label | code |", "|---|---|"]
        out += [f"| {label} | `{code}` |" for code, label in codes.items()]
        out.append("")
    out += [
        "## dataset.yaml",
        "",
        "| 设置 setting | 说明 | meaning |",
        "|---|---|---|",
        "| `name` | 数据集名称，显示在报告上 | a title for the reports |",
        "| `synthetic` | `true` 时每份报告标明“合成数据” | `true` puts a banner on every report |",
        "| `as_of` | 数据截止日 `YYYY-MM-DD`，任何日期不得晚于它 | the as-of date; no date may be later |",
        "| `zones` | 街道名称 `{renmin: {name_zh: 人民街道, name_en: Renmin Street}}` | zone names |",
        "| `covers` | 某台账虽无记录但已覆盖的年份 `{volunteer_activities: [2024]}` | years a ledger covers "
        "without a record in them |",
        "| `coordinates` | 表格中经纬度的坐标系: " + "、".join(f"`{k}`" for k in coords.SYSTEMS)
        + " | the system of spreadsheet coordinates |",
        "",
        "## 检查规则 — Quarantine rules",
        "",
        "规则之一不满足的行进入隔离记录；几何问题的小区、设施仍然载入（不参与空间分析）。 / A row that breaks a rule "
        "is quarantined; a compound or facility with a geometry problem still loads, without its geometry.",
        "",
        "| rule | 问题 | problem | 结果 outcome |",
        "|---|---|---|---|",
    ]
    for rule in RULES:
        kept = rule in GEOMETRY_RULES or rule in ("personal_data_masked", "polygon_as_point")
        out.append(f"| `{rule}` | {rule_label(rule)} | {rule_label(rule, lang='en')} | "
                   f"{'载入，附提示 / loads, with a note' if kept else '隔离 / quarantined'} |")
    out.append("")
    return "\n".join(out)


def write_markdown(path: str | Path | None = None) -> Path:
    """Write :func:`render_markdown` to ``path`` (default ``docs/data-contract.md`` of the checkout)."""
    from .config import PROJECT_ROOT

    target = Path(path) if path is not None else PROJECT_ROOT / DOC_PATH
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render_markdown(), encoding="utf-8")
    return target


if __name__ == "__main__":  # pragma: no cover
    print(write_markdown())
