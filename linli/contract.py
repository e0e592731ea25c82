"""The data contract as data.

One place that the readers, the validator, the generator and the docs all use:
every input table, its columns, their Chinese header aliases, types, codes with
their Chinese labels, and the row and cross-table rules.

Column kinds
------------
``str``      free text (whitespace stripped)
``int``      whole number (full-width digits accepted) -> pandas ``Int64``
``float``    number -> ``float64``
``date``     ``YYYY-MM-DD``, ``YYYY/MM/DD``, ``YYYY.MM.DD``, ``YYYY年M月D日`` -> ``datetime64[ns]``
``bool``     true/false, 1/0, yes/no, 是/否, Y/N -> pandas ``boolean``
``code``     one of ``Column.codes`` (code or its Chinese label) -> the code, as str
``list``     codes separated by ; ； , ， or 、 -> the codes joined by ``;``
``ref``      a reference to another table's id (``Column.ref``) -> str

Clean tables keep the canonical English column names, in contract order, with
the dtypes above; PII columns are absent and person ids are pseudonymised.

Points from spreadsheets: ``compounds`` and ``facilities`` may also come as a
spreadsheet (CSV or XLSX) with :data:`POINT_COLUMNS` — ``lon``/``lat``, headed
``经度``/``纬度`` — in the coordinate system ``dataset.yaml`` declares
(``coordinates: wgs84 | gcj02 | bd09``, see :mod:`linli.coords`).

File names: a table is found under its English name or one of its Chinese names
(:attr:`Table.file_names`), compared after :func:`file_key` strips years, digits,
punctuation and spaces (``2024年调解台账.csv`` is ``调解台账``).

Unit ids become file names: ``community_id`` and ``zone_id`` must match
:data:`ID_PATTERN` (letters, digits, ``_`` and ``-``, at most 64 characters) and
be none of :data:`RESERVED_IDS`; anything else is quarantined. Compared as a file
system that ignores case compares names, no two communities have the same id, a zone
is spelled one way, and no community has a zone's id: each would share a report file. Free-text columns (:attr:`Column.free_text`) are
scanned for phone and identity numbers; they must not hold names of people.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from typing import Literal

Kind = Literal["str", "int", "float", "date", "bool", "code", "list", "ref"]
Geometry = Literal["polygon", "point", "point_or_polygon"]

#: pandas dtype of each column kind in a clean table.
DTYPES: dict[str, str] = {
    "str": "string",
    "int": "Int64",
    "float": "float64",
    "date": "datetime64[ns]",
    "bool": "boolean",
    "code": "string",
    "list": "string",
    "ref": "string",
}

#: Separator of list values in clean tables.
LIST_SEP = ";"


@dataclass(frozen=True)
class Column:
    """One column of an input table.

    ``required`` means the header must carry the column (else the file is
    rejected); ``nullable`` means a cell may be empty.
    """

    name: str
    kind: Kind = "str"
    aliases: tuple[str, ...] = ()
    label_zh: str = ""
    required: bool = True
    nullable: bool = False
    codes: dict[str, str] | None = None  # code -> Chinese label
    ref: str | None = None  # table whose id this column references
    minimum: float | None = None
    min_exclusive: bool = False
    maximum: float | None = None
    pattern: str | None = None
    unique: bool = False
    pii: bool = False  # dropped on load
    person_id: bool = False  # replaced by a keyed hash on load
    default: object = None  # value used for an empty cell
    nullable_when: tuple[str, tuple[str, ...]] | None = None  # (column, codes) that allow empty
    description: str = ""
    example: str = ""  # a value as a clerk would type it (else one made from the kind)

    @property
    def dtype(self) -> str:
        return DTYPES[self.kind]

    @property
    def sample(self) -> str:
        """A valid value as a clerk would type it: :attr:`example`, else one made from the kind.

        >>> table("mediation_cases").column("mediators").sample
        '民警、网格员'
        """
        if self.example:
            return self.example
        if self.kind == "date":
            return "2024-03-05"
        if self.kind == "bool":
            return "是"
        if self.codes:
            labels = list(self.codes.values())
            return "、".join(labels[:2]) if self.kind == "list" else labels[0]
        if self.kind == "ref" and self.ref in _REF_EXAMPLES:
            return _REF_EXAMPLES[self.ref]
        if self.kind in ("int", "float"):
            low = 0 if self.minimum is None else self.minimum + (1 if self.min_exclusive else 0)
            return str(int(max(low, min(12, self.maximum if self.maximum is not None else 12))))
        return ""

    @property
    def free_text(self) -> bool:
        """Text kept as typed (a team, a provider, a name of a place): not an id, code or PII."""
        return self.kind == "str" and not (self.pii or self.unique or self.person_id or self.pattern)


@dataclass(frozen=True)
class Compare:
    """Row rule ``left op right`` between two columns, checked when both are present."""

    left: str
    op: Literal["<=", ">="]
    right: str
    rule: str


@dataclass(frozen=True)
class Table:
    """One input table of the contract."""

    name: str
    title_zh: str
    columns: tuple[Column, ...]
    geometry: Geometry | None = None
    required: bool = False
    id_column: str | None = None
    unique_together: tuple[str, ...] = ()
    compare: tuple[Compare, ...] = ()
    start: str | None = None  # roster start column (active-at-end-of-year rule)
    end: str | None = None
    date_column: str | None = None  # the column that places an event in a year
    file_aliases: tuple[str, ...] = ()
    description: str = ""

    @property
    def is_geo(self) -> bool:
        return self.geometry is not None

    @property
    def points_from_sheets(self) -> bool:
        """Whether the table may come as a spreadsheet of points (``经度``/``纬度``)."""
        return self.geometry in ("point", "point_or_polygon")

    @property
    def extensions(self) -> tuple[str, ...]:
        if self.is_geo:
            return GEO_EXTENSIONS + (SHEET_EXTENSIONS if self.points_from_sheets else ())
        return SHEET_EXTENSIONS

    @property
    def file_names(self) -> tuple[str, ...]:
        """The names a file of the table may have (before its extension): English, then Chinese.

        >>> table("volunteers").file_names
        ('volunteers', '志愿者', '志愿者名册')
        """
        return tuple(dict.fromkeys((self.name, self.title_zh, *self.file_aliases)))

    @property
    def kept_by_year(self) -> bool:
        """Whether each record belongs to a year (an event's date, or a ``year`` column): such a
        ledger may be kept in a file per year. A roster (its records' start and end dates say
        who was on it each year), the list of communities and a table of places are one file.

        >>> table("mediation_cases").kept_by_year, table("population").kept_by_year, table("volunteers").kept_by_year
        (True, True, False)
        """
        return self.date_column is not None or any(c.name == "year" for c in self.columns)

    def sheet_table(self) -> Table:
        """The table as a spreadsheet of points holds it: its columns, then ``lon`` and ``lat``."""
        if not self.points_from_sheets:
            msg = f"Table {self.name!r} does not come as a spreadsheet of points."
            raise KeyError(msg)
        return replace(self, columns=(*self.columns, *POINT_COLUMNS), geometry=None)

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        known = ", ".join(c.name for c in self.columns)
        msg = f"Table {self.name!r} has no column {name!r}; known: {known}."
        raise KeyError(msg)

    @property
    def clean_columns(self) -> tuple[Column, ...]:
        """Columns kept in the clean table (PII dropped)."""
        return tuple(c for c in self.columns if not c.pii)

    def header_map(self) -> dict[str, str]:
        """Map every accepted header spelling (case-folded) to the canonical name."""
        out: dict[str, str] = {}
        for col in self.columns:
            for spelling in (col.name, *col.aliases):
                out[_fold(spelling)] = col.name
        return out


def _fold(header: str) -> str:
    return str(header).strip().casefold().replace(" ", "")


#: The sheets of a blank form (``linli template``) that hold no records: the instructions and
#: the hidden lists of choices. A reader passes over them without a word.
TEMPLATE_SHEETS: tuple[str, ...] = ("填写说明", "选项")

#: Extensions of files that hold geometries, and of spreadsheets.
GEO_EXTENSIONS: tuple[str, ...] = (".geojson", ".gpkg", ".shp")
SHEET_EXTENSIONS: tuple[str, ...] = (".csv", ".xlsx")

_YEARS = re.compile(r"[0-9]+\s*(?:年度|年|月份|月|日|号)?")


def file_key(stem: str) -> str:
    """A file name's stem as tables are matched by it: years, digits, punctuation and spaces removed.

    NFKC-folded (full-width letters and digits count as their ASCII forms) and case-folded.

    >>> file_key("2024年度 调解台账（2022-2024）"), file_key("Mediation_Cases"), file_key("志愿者名册_v2")
    ('调解台账', 'mediationcases', '志愿者名册v')
    """
    text = _YEARS.sub("", unicodedata.normalize("NFKC", stem))
    return "".join(ch for ch in text if not unicodedata.category(ch).startswith(("P", "S", "Z", "C"))).casefold()


# --------------------------------------------------------------------------- codes

BRANDS = {"lin_zhi": "邻治", "lin_he": "邻和", "lin_zhu": "邻助", "lin_le": "邻乐"}
FACILITY_CATEGORIES = {
    "service_center": "综合服务中心",
    "elderly_center": "养老服务中心",
    "day_care": "日间照料站",
    "culture_room": "文体活动室",
    "library": "阅览室",
    "rehab_center": "康复中心",
    "fitness": "健身点",
    "mediation_room": "调解室",
    "market": "农贸市场",
    "clinic": "卫生服务站",
    "other": "其他",
}
ORG_KINDS = {
    "culture": "文体",
    "charity": "公益慈善",
    "volunteer": "志愿服务",
    "mediation": "调解",
    "elderly": "为老服务",
    "other": "其他",
}
CHARITY_KINDS = {
    "enterprise": "企业",
    "foundation": "基金会",
    "merchant": "爱心商户",
    "partner_unit": "共建单位",
    "individual": "个人",
    "other": "其他",
}
ACTIVITY_CATEGORIES = {
    "elderly_aid": "助老",
    "disability_aid": "助残",
    "patrol": "治安巡逻",
    "environment": "环境卫生",
    "culture": "文化",
    "mediation": "调解",
    "other": "其他",
}
DISPUTE_TYPES = {
    "parking": "停车",
    "noise": "噪音",
    "neighbor": "邻里",
    "property": "物业",
    "family": "家庭",
    "sanitation": "环境卫生",
    "other": "其他",
}
MEDIATORS = {
    "police": "民警",
    "grid_worker": "网格员",
    "volunteer": "志愿者",
    "party_member": "党员",
    "owners_committee": "业委会",
    "lawyer": "律师",
    "social_worker": "社工",
}
OUTCOMES = {
    "resolved": "调解成功",
    "partial": "部分成功",
    "failed": "调解不成",
    "referred": "转交",
    "pending": "办理中",
}
VULNERABLE_GROUPS = {"elderly_alone": "独居老人", "elderly": "高龄老人", "disabled": "残疾人"}
SERVICE_TYPES = {
    "companion_visit": "陪伴探访",
    "shopping_help": "代购助餐",
    "health_check": "健康义诊",
    "counselling": "心理咨询",
    "rehab": "康复训练",
    "day_care": "日间照料",
    "other": "其他",
}
CULTURE_CATEGORIES = {
    "calligraphy": "书画",
    "opera": "戏曲",
    "chess": "棋牌",
    "reading": "阅读",
    "singing": "歌唱",
    "fitness": "健身",
    "lecture": "讲座",
    "other": "其他",
}
CHANNELS = {"online": "网上", "hotline": "热线", "visit": "来访", "grid": "网格上报"}
AGE_GROUPS = {"18-34": "18-34岁", "35-49": "35-49岁", "50-64": "50-64岁", "65+": "65岁及以上"}

#: Every code list, by the name the docs use.
CODE_LISTS: dict[str, dict[str, str]] = {
    "brand": BRANDS,
    "facility_category": FACILITY_CATEGORIES,
    "org_kind": ORG_KINDS,
    "charity_kind": CHARITY_KINDS,
    "activity_category": ACTIVITY_CATEGORIES,
    "dispute_type": DISPUTE_TYPES,
    "mediator": MEDIATORS,
    "outcome": OUTCOMES,
    "vulnerable_group": VULNERABLE_GROUPS,
    "service_type": SERVICE_TYPES,
    "culture_category": CULTURE_CATEGORIES,
    "channel": CHANNELS,
    "age_group": AGE_GROUPS,
}

# ------------------------------------------------------------------ shared columns

#: The columns of a spreadsheet of points (compounds, facilities): decimal degrees, in the
#: coordinate system ``dataset.yaml`` declares. They become the record's geometry.
POINT_COLUMNS: tuple[Column, ...] = (
    Column("lon", "float", ("经度", "longitude", "lng", "东经"), "经度", minimum=-180, maximum=180,
           example="112.615320", description="longitude in decimal degrees"),
    Column("lat", "float", ("纬度", "latitude", "北纬"), "纬度", minimum=-90, maximum=90,
           example="26.894210", description="latitude in decimal degrees"),
)

#: Example values of the ids other tables refer to (the docs and the templates show them).
_REF_EXAMPLES: dict[str, str] = {
    "communities": "人民路社区",
    "compounds": "renminlu-C001",
    "facilities": "renminlu-F001",
    "vulnerable_residents": "renminlu-P00001",
}

#: Unit ids (``community_id``, ``zone_id``) become file names: letters, digits, ``_``
#: and ``-``, starting with a letter or digit, at most 64 characters.
ID_PATTERN = r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}"
#: Ids that match :data:`ID_PATTERN` but name a report folder's own files (``index.html``,
#: ``manifest.json``), compared as case-insensitive file systems compare names: a unit
#: with one of them is quarantined (rule ``reserved_id``), its reports would overwrite them.
RESERVED_IDS: tuple[str, ...] = ("index", "manifest")


def _community(**kw: object) -> Column:
    return Column("community_id", "ref", ("社区", "社区编码", "所属社区"), "社区", ref="communities", **kw)  # type: ignore[arg-type]


def _compound(**kw: object) -> Column:
    return Column("compound_id", "ref", ("小区", "小区编码"), "小区", ref="compounds", **kw)  # type: ignore[arg-type]


def _id(name: str, *aliases: str, label: str, person: bool = False, example: str = "") -> Column:
    return Column(name, "str", aliases, label, unique=True, person_id=person, example=example)


def _date(name: str, *aliases: str, label: str, nullable: bool = False, required: bool = True) -> Column:
    return Column(name, "date", aliases, label, nullable=nullable, required=required)


def _pii(name: str, *aliases: str, label: str) -> Column:
    return Column(name, "str", aliases, label, required=False, nullable=True, pii=True)


PII_NAME = ("姓名",)
PII_PHONE = ("电话", "联系电话", "手机", "手机号")
PII_ID_NUMBER = ("身份证号", "身份证号码", "证件号码")

# ------------------------------------------------------------------------- tables

TABLES: dict[str, Table] = {}


def _add(table: Table) -> None:
    TABLES[table.name] = table


_add(Table(
    "communities", "社区", required=True, id_column="community_id",
    file_aliases=("社区信息", "社区名单"),
    description="The communities of the zone, each with its brand.",
    columns=(
        Column("community_id", "str", ("社区编码",), "社区编码", unique=True, pattern=ID_PATTERN,
               example="renminlu"),
        Column("name_zh", "str", ("社区名称",), "社区名称", example="人民路社区"),
        Column("name_en", "str", ("英文名称",), "英文名称", required=False, nullable=True, example="Renminlu"),
        Column("brand", "code", ("品牌",), "品牌", nullable=True, codes=BRANDS, required=False),
        Column("zone_id", "str", ("街道", "街道编码", "实验区"), "街道", pattern=ID_PATTERN, example="renmin"),
    ),
))

_add(Table(
    "population", "人口", unique_together=("community_id", "year"),
    file_aliases=("人口统计", "人口台账"),
    description="Population of each community by year.",
    compare=(
        Compare("age_65_plus", "<=", "residents", "age_65_plus_exceeds_residents"),
        Compare("disabled", "<=", "residents", "disabled_exceeds_residents"),
    ),
    columns=(
        _community(),
        Column("year", "int", ("年份",), "年份", minimum=1949, maximum=2100, example="2024"),
        Column("residents", "int", ("实有人口",), "实有人口", minimum=0, example="7312"),
        Column("resident_population", "int", ("常住人口",), "常住人口", minimum=0, example="6608"),
        Column("households", "int", ("户数",), "户数", minimum=0, min_exclusive=True, example="2867"),
        Column("age_65_plus", "int", ("65岁以上人口", "65周岁以上人口"), "65岁以上人口", minimum=0,
               example="1243"),
        Column("disabled", "int", ("残疾人数",), "残疾人数", minimum=0, required=False, nullable=True,
               example="161"),
    ),
))

_add(Table(
    "boundaries", "社区边界", geometry="polygon",
    file_aliases=("边界",),
    description="Community boundaries (polygons, WGS84 or CGCS2000).",
    columns=(_community(unique=True),),
))

_add(Table(
    "compounds", "小区", geometry="point_or_polygon", id_column="compound_id",
    file_aliases=("小区台账", "小区信息", "小区名单"),
    description="Residential compounds (小区) as points or polygons.",
    columns=(
        Column("compound_id", "str", ("小区编码",), "小区编码", unique=True, example="renminlu-C001"),
        _community(),
        Column("name_zh", "str", ("小区名称", "名称"), "小区名称", example="赤帝巷小区"),
        Column("households", "int", ("户数",), "户数", minimum=0, min_exclusive=True, example="183"),
        Column("built_year", "int", ("建成年份",), "建成年份", minimum=1800, maximum=2100,
               required=False, nullable=True, example="1979"),
        _date("renovation_completed_on", "改造完成日期", label="改造完成日期", nullable=True, required=False),
        Column("parking_spaces", "int", ("停车位",), "停车位", minimum=0, required=False, nullable=True,
               example="21"),
        _date("party_branch_since", "党支部成立日期", label="党支部成立日期", nullable=True, required=False),
        _date("owners_committee_since", "业委会成立日期", label="业委会成立日期", nullable=True, required=False),
        Column("self_governed", "bool", ("自治小区",), "自治小区", required=False, nullable=True),
    ),
))

_add(Table(
    "facilities", "设施", geometry="point", id_column="facility_id",
    file_aliases=("服务设施", "设施台账"),
    description="Service facilities (points).",
    columns=(
        Column("facility_id", "str", ("设施编码",), "设施编码", unique=True, example="renminlu-F001"),
        _community(),
        Column("name_zh", "str", ("设施名称", "名称"), "设施名称", example="人民路社区综合服务中心"),
        Column("category", "code", ("类别",), "类别", codes=FACILITY_CATEGORIES),
        Column("floor_area_m2", "float", ("建筑面积",), "建筑面积", minimum=0, required=False,
               nullable=False, nullable_when=("category", ("fitness", "market")), example="420"),
        _date("opened_on", "启用日期", label="启用日期"),
    ),
))

_add(Table(
    "social_organizations", "社区社会组织", id_column="org_id",
    start="registered_on", end="dissolved_on", file_aliases=("社会组织", "社会组织台账"),
    description="Community social organisations (社区社会组织).",
    compare=(Compare("dissolved_on", ">=", "registered_on", "end_before_start"),),
    columns=(
        _id("org_id", "组织编码", label="组织编码", example="renminlu-O003"),
        _community(),
        Column("name_zh", "str", ("组织名称",), "组织名称", example="人民路书画社"),
        Column("kind", "code", ("类型",), "类型", codes=ORG_KINDS),
        _date("registered_on", "成立日期", label="成立日期"),
        _date("dissolved_on", "注销日期", label="注销日期", nullable=True, required=False),
    ),
))

_add(Table(
    "volunteers", "志愿者", id_column="volunteer_id",
    start="registered_on", end="left_on", file_aliases=("志愿者名册",),
    description="Registered volunteers (注册志愿者).",
    compare=(Compare("left_on", ">=", "registered_on", "end_before_start"),),
    columns=(
        _id("volunteer_id", "志愿者编号", label="志愿者编号", person=True, example="renminlu-V00001"),
        _community(),
        Column("team", "str", ("所属队伍", "队伍"), "所属队伍", required=False, nullable=True,
               example="青年志愿服务队"),
        Column("birth_year", "int", ("出生年份",), "出生年份", minimum=1900, maximum=2100,
               required=False, nullable=True, example="1982"),
        _date("registered_on", "注册日期", label="注册日期"),
        _date("left_on", "退出日期", label="退出日期", nullable=True, required=False),
        _pii("name", *PII_NAME, label="姓名"),
        _pii("phone", *PII_PHONE, label="电话"),
        _pii("id_number", *PII_ID_NUMBER, label="身份证号"),
    ),
))

_add(Table(
    "charity_resources", "社会慈善资源", id_column="resource_id",
    start="joined_on", end="left_on", file_aliases=("慈善资源", "慈善资源台账"),
    description="Charity resources (社会慈善资源).",
    compare=(Compare("left_on", ">=", "joined_on", "end_before_start"),),
    columns=(
        _id("resource_id", "资源编码", label="资源编码", example="renminlu-R001"),
        _community(),
        Column("name_zh", "str", ("名称",), "名称", example="人民路爱心商户001"),
        Column("kind", "code", ("类型",), "类型", codes=CHARITY_KINDS),
        _date("joined_on", "加入日期", label="加入日期"),
        _date("left_on", "退出日期", label="退出日期", nullable=True, required=False),
    ),
))

_add(Table(
    "social_workers", "社工", id_column="worker_id",
    start="joined_on", end="left_on", file_aliases=("社工名册", "社会工作者"),
    description="Social workers (社工).",
    compare=(Compare("left_on", ">=", "joined_on", "end_before_start"),),
    columns=(
        _id("worker_id", "社工编号", label="社工编号", person=True, example="renminlu-W001"),
        _community(),
        Column("certified", "bool", ("持证",), "持证", required=False, nullable=True),
        _date("joined_on", "入职日期", label="入职日期"),
        _date("left_on", "离职日期", label="离职日期", nullable=True, required=False),
        _pii("name", *PII_NAME, label="姓名"),
    ),
))

_add(Table(
    "volunteer_activities", "志愿服务活动", id_column="activity_id", date_column="date",
    file_aliases=("志愿活动", "志愿服务台账", "志愿服务活动台账"),
    description="Volunteer activities ledger.",
    columns=(
        _id("activity_id", "活动编号", label="活动编号", example="renminlu-A2024-0001"),
        _community(),
        _date("date", "活动日期", label="活动日期"),
        Column("team", "str", ("队伍",), "队伍", required=False, nullable=True, example="消防安全志愿队"),
        Column("category", "code", ("类别",), "类别", codes=ACTIVITY_CATEGORIES),
        Column("volunteers", "int", ("参与人数",), "参与人数", minimum=0, min_exclusive=True, example="10"),
        Column("hours", "float", ("服务时长",), "服务时长", minimum=0, min_exclusive=True, example="16.5"),
        Column("beneficiaries", "int", ("受益人数",), "受益人数", minimum=0, required=False, nullable=True,
               example="32"),
    ),
))

_add(Table(
    "mediation_cases", "矛盾纠纷调解", id_column="case_id", date_column="received_on",
    file_aliases=("调解台账", "矛盾纠纷调解台账", "调解案件", "纠纷调解台账"),
    description="Mediation cases ledger (矛盾纠纷调解台账).",
    compare=(Compare("closed_on", ">=", "received_on", "closed_before_received"),),
    columns=(
        _id("case_id", "案件编号", label="案件编号", example="xiangbei-M2024-0001"),
        _community(),
        _compound(required=False, nullable=True),
        _date("received_on", "受理日期", label="受理日期"),
        _date("closed_on", "办结日期", label="办结日期", nullable=True, required=False),
        Column("dispute_type", "code", ("纠纷类型",), "纠纷类型", codes=DISPUTE_TYPES),
        Column("mediators", "list", ("参与调解力量", "调解力量"), "参与调解力量", codes=MEDIATORS,
               nullable=True),
        Column("outcome", "code", ("调解结果",), "调解结果", codes=OUTCOMES),
    ),
))

_add(Table(
    "vulnerable_residents", "困难群体名册", id_column="resident_id",
    start="registered_on", end="left_on", file_aliases=("服务对象", "服务对象名册", "困难群体"),
    description="Register of older and disabled residents served (邻助).",
    compare=(Compare("left_on", ">=", "registered_on", "end_before_start"),),
    columns=(
        _id("resident_id", "人员编号", "服务对象编号", label="人员编号", person=True, example="renminlu-P00001"),
        _community(),
        _compound(required=False, nullable=True),
        Column("group", "code", ("类别",), "类别", codes=VULNERABLE_GROUPS),
        Column("birth_year", "int", ("出生年份",), "出生年份", minimum=1900, maximum=2100,
               required=False, nullable=True, example="1933"),
        _date("registered_on", "登记日期", label="登记日期"),
        _date("left_on", "注销日期", label="注销日期", nullable=True, required=False),
        _pii("name", *PII_NAME, label="姓名"),
        _pii("phone", *PII_PHONE, label="电话"),
        _pii("id_number", *PII_ID_NUMBER, label="身份证号"),
        _pii("address", "住址", "地址", "家庭住址", label="住址"),
    ),
))

_add(Table(
    "services", "服务记录", id_column="service_id", date_column="date",
    file_aliases=("助老助残服务", "服务台账"),
    description="Services delivered to registered residents.",
    columns=(
        _id("service_id", "服务编号", label="服务编号", example="xiangyang-S2024-00001"),
        _community(),
        Column("resident_id", "ref", ("服务对象编号", "人员编号"), "服务对象编号",
               ref="vulnerable_residents", person_id=True),
        _date("date", "服务日期", label="服务日期"),
        Column("service_type", "code", ("服务类型",), "服务类型", codes=SERVICE_TYPES),
        Column("provider", "str", ("服务提供方",), "服务提供方", required=False, nullable=True,
               example="社区卫生服务站"),
        Column("minutes", "int", ("时长(分钟)", "时长（分钟）", "时长"), "时长(分钟)",
               minimum=0, min_exclusive=True, example="40"),
    ),
))

_add(Table(
    "culture_events", "文体活动", id_column="event_id", date_column="date",
    file_aliases=("文体活动台账", "文化活动"),
    description="Culture and recreation events (邻乐).",
    compare=(Compare("participants_65_plus", "<=", "participants", "elders_exceed_participants"),),
    columns=(
        _id("event_id", "活动编号", label="活动编号", example="zhengyang-E2024-0001"),
        _community(),
        Column("facility_id", "ref", ("场所", "设施编码"), "场所", ref="facilities",
               required=False, nullable=True),
        _date("date", "活动日期", "日期", label="活动日期"),
        Column("category", "code", ("类别",), "类别", codes=CULTURE_CATEGORIES),
        Column("participants", "int", ("参与人数",), "参与人数", minimum=0, min_exclusive=True, example="19"),
        Column("participants_65_plus", "int", ("其中65岁以上",), "其中65岁以上", minimum=0,
               required=False, nullable=True, example="13"),
    ),
))

_add(Table(
    "resident_requests", "居民诉求", id_column="request_id", date_column="received_on",
    file_aliases=("诉求台账", "居民诉求台账"),
    description="Resident requests and complaints (居民诉求).",
    compare=(Compare("closed_on", ">=", "received_on", "closed_before_received"),),
    columns=(
        _id("request_id", "诉求编号", label="诉求编号", example="renminlu-Q2024-0001"),
        _community(),
        Column("channel", "code", ("渠道",), "渠道", codes=CHANNELS),
        Column("category", "str", ("类别",), "类别", required=False, nullable=True, example="物业"),
        _date("received_on", "受理日期", label="受理日期"),
        _date("closed_on", "办结日期", label="办结日期", nullable=True, required=False),
        Column("satisfied", "bool", ("是否满意",), "是否满意", required=False, nullable=True),
    ),
))

_SURVEY_ITEMS = (
    ("q_environment", "环境"),
    ("q_safety", "治安"),
    ("q_services", "服务"),
    ("q_participation", "参与"),
    ("q_harmony", "邻里和睦"),
    ("q_culture", "文化生活"),
    ("q_overall", "总体满意度"),
)

_add(Table(
    "survey_responses", "居民满意度调查", id_column="response_id",
    file_aliases=("满意度调查", "满意度问卷", "问卷调查"),
    description="Resident satisfaction survey responses.",
    columns=(
        _id("response_id", "问卷编号", label="问卷编号", example="renminlu-X2024-0001"),
        _community(),
        Column("year", "int", ("年份",), "年份", minimum=1949, maximum=2100, example="2024"),
        Column("age_group", "code", ("年龄段",), "年龄段", codes=AGE_GROUPS, required=False,
               nullable=True),
        Column("weight", "float", ("权重",), "权重", minimum=0, min_exclusive=True,
               required=False, nullable=True, default=1.0, example="1"),
        *(Column(q, "int", (zh,), zh, minimum=1, maximum=5, required=False, nullable=True, example="4")
          for q, zh in _SURVEY_ITEMS),
    ),
))

SURVEY_ITEMS: tuple[str, ...] = tuple(q for q, _ in _SURVEY_ITEMS)

#: The order in which tables are validated (references point backwards).
TABLE_ORDER: tuple[str, ...] = tuple(TABLES)


# --------------------------------------------------------------------- rule names

#: Every rule a quarantined row can break (its messages: ``message.<rule>`` of :mod:`linli.labels`).
RULES: tuple[str, ...] = (
    "missing_value",
    "not_a_date",
    "not_an_integer",
    "not_a_number",
    "not_a_boolean",
    "unknown_code",
    "bad_pattern",
    "reserved_id",
    "id_case_clash",
    "community_is_zone",
    "below_minimum",
    "above_maximum",
    "duplicate_id",
    "duplicate_row",
    "duplicate_key",
    "unknown_reference",
    "future_date",
    "end_before_start",
    "closed_before_received",
    "age_65_plus_exceeds_residents",
    "disabled_exceeds_residents",
    "elders_exceed_participants",
    "missing_geometry",
    "wrong_geometry_type",
    "invalid_geometry",
    "outside_zone",
    "swapped_coordinates",
    "non_finite_coordinates",
    "not_a_coordinate",
    "polygon_as_point",
    "mixed_encoding",
    "extra_cells",
    "uncomputed_formula",
    "personal_data_masked",
    "total_row",
    "signature_row",
)

#: Rules about a record's geometry: for a table with ids (compounds, facilities) the
#: record still loads, without its geometry, so that references to it stay valid.
GEOMETRY_RULES: frozenset[str] = frozenset({
    "missing_geometry", "wrong_geometry_type", "invalid_geometry", "outside_zone",
    "swapped_coordinates", "non_finite_coordinates", "not_a_coordinate",
})


def table(name: str) -> Table:
    """Return the contract of table ``name``.

    >>> table("population").column("households").aliases
    ('户数',)
    """
    try:
        return TABLES[name]
    except KeyError:
        known = ", ".join(TABLES)
        msg = f"Unknown table {name!r}; known: {known}."
        raise KeyError(msg) from None
