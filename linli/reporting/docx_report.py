"""Export an executed report notebook to an editable Word document (``.docx``).

The document is built from the same executed notebook as the HTML, so every section a
report shows reaches Word without extra work: :func:`report_blocks` walks the notebook's
outputs in order (the cells the HTML leaves out are left out here too) and reads each
one as blocks — the report's own HTML (:mod:`linli.reporting.render` and the section
helpers write headings ``<h1>``–``<h4>``, paragraphs, notes ``<p class="linli-note">``,
lists and ``<table>``) and its figures (``image/png``, with the name, title and alt
text a report figure carries in its output metadata). :func:`export_docx` writes them
with python-docx, offline:

* A4, margins of a Chinese official document (top 37 mm, bottom 35 mm, left 28 mm,
  right 26 mm); a serif body (:data:`BODY_FONTS`: a Latin serif, then Noto Serif CJK
  SC for Chinese), sans-serif headings (:data:`HEADING_FONTS`) in Word's own heading
  styles, so that they show in the navigation pane and the table of contents;
* the contents on a page of their own after the cover: each heading of levels 1–3 (a
  link to it) and its page, a ``PAGEREF`` field to a bookmark on the heading, which
  LibreOffice fills in as it lays the pages out and Word when it updates the fields
  (it offers to on opening). A ``TOC`` field would show nothing of its own until Word
  updates it, and LibreOffice shows its entries as they were written, pages and all, so
  the entries are written out instead of a field;
* tables as Word tables: header rows repeated on each page, numbers right-aligned, a
  crowded table (a name over three lines at 9.5 pt) set at 8 pt, a rank, a year and its
  年, a number and its unit never broken across two lines, a cell's phrases broken before
  a bracket or after a colon, no row alone at a page break, and a table's note kept on
  the page of its last row. A cell's line that fits its column is written as typed; in
  one that wraps, as in every paragraph, a word joiner (U+2060) holds a year to its 年 and
  a number to its unit, the one way LibreOffice heeds (Find then misses ``2025年`` there);
* figures as pictures with their alt text and a numbered caption (``图1 …`` /
  ``Figure 1 …``, a ``SEQ`` field), in the words of the HTML's
  (:func:`~linli.reporting.render.caption_parts`);
* page numbers in the footer: ``第 X 页 / 共 Y 页`` (``Page X of Y``), ``PAGE`` and
  ``NUMPAGES`` fields.

The same notebook gives the same bytes: the document's created and modified dates are
the data's as-of date (or ``$SOURCE_DATE_EPOCH``), and every zip entry carries that
date too.
"""

from __future__ import annotations

import base64
import functools
import io
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from ..errors import LinliError
from ..labels import HTML_LANG, check_lang, word
from ..outputs import ZIP_EPOCH, fixed_zip
from .export import pdf_date
from .render import NOT_IN_WORD, PHRASE, caption_parts, wrap
from .render import kept_zh as _kept_zh

log = logging.getLogger(__name__)

__all__ = [
    "BODY_FONTS",
    "HEADING_FONTS",
    "Figure",
    "Heading",
    "Paragraph",
    "Table",
    "export_docx",
    "report_blocks",
]

#: Heading levels the table of contents lists.
TOC_LEVELS: int = 3
#: Body text: (Latin, East Asian) fonts.
BODY_FONTS: tuple[str, str] = ("Times New Roman", "Noto Serif CJK SC")
#: Headings: (Latin, East Asian) fonts.
HEADING_FONTS: tuple[str, str] = ("Arial", "Noto Sans CJK SC")
#: Heading sizes in points, by level (1–4).
HEADING_SIZES: dict[int, float] = {1: 18, 2: 15, 3: 13, 4: 12}
#: Width of the text block on A4 with the margins below (210 − 28 − 26 mm).
TEXT_WIDTH_MM: float = 156.0
#: A table column whose every body line is at most this many half-ems (a number, a status) is
#: given the width it needs (:func:`column_widths`).
SHORT_HALF_EMS: int = 12
#: The tables' text size (pt), and that of a crowded table: one whose names would take more
#: than two lines at the usual size (:func:`_crowded`), such as the five-society table of eight
#: columns. A crowded table also has narrower cell margins (:data:`COMPACT_MARGIN_TWIPS` a side).
TABLE_SIZE, COMPACT_SIZE = 9.5, 8.0
#: A crowded table's left and right cell margins, each (twips): 57 twips = 1.0 mm.
COMPACT_MARGIN_TWIPS: int = 57
#: A half-em of the tables' 9.5 pt text (4.75 pt), and a cell's left and right margins
#: (Word's and LibreOffice's default, 0.19 cm = 108 twips each), in mm.
_HALF_EM_MM: float = TABLE_SIZE / 2 * 25.4 / 72
_CELL_MARGINS_MM: float = 2 * 108 / 1440 * 25.4
#: The same for a crowded table.
_COMPACT_HALF_EM_MM: float = COMPACT_SIZE / 2 * 25.4 / 72
_COMPACT_MARGINS_MM: float = 2 * COMPACT_MARGIN_TWIPS / 1440 * 25.4

# ----------------------------------------------------------------- the blocks


@dataclass(frozen=True)
class Heading:
    """A section heading, level 1 (the title) to 4."""

    text: str
    level: int


@dataclass(frozen=True)
class Paragraph:
    """A paragraph as runs of ``(text, bold)``; ``kind`` is ``body``, ``note``, ``banner``,
    ``kicker`` or ``item`` (a bullet)."""

    runs: tuple[tuple[str, bool], ...]
    kind: str = "body"

    @property
    def text(self) -> str:
        """The paragraph's text."""
        return "".join(t for t, _ in self.runs)


@dataclass(frozen=True)
class Table:
    """A table: ``rows`` of cell texts, the first ``header`` of them headings; ``numeric``
    marks right-aligned columns, ``bold`` rows set in bold (the report's own unit)."""

    rows: tuple[tuple[str, ...], ...]
    header: int = 1
    numeric: tuple[bool, ...] = ()
    bold: tuple[bool, ...] = ()


@dataclass(frozen=True)
class Figure:
    """A figure: its PNG, alt text, title (the caption) and file name stem."""

    png: bytes
    alt: str
    title: str
    name: str = ""


Block = Heading | Paragraph | Table | Figure


@dataclass
class _Cell:
    text: list[str] = field(default_factory=list)
    numeric: bool = False
    header: bool = False


#: Elements whose content stays out of Word: styles, scripts, and the navigation links
#: between the HTML pages (meaningless in a document handed in).
_SKIPPED: frozenset[str] = frozenset({"style", "script", "nav"})


class _Reader(HTMLParser):
    """Read the report's HTML into blocks (headings, paragraphs, list items, tables)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self._runs: list[tuple[str, bool]] | None = None
        self._kind = "body"
        self._heading: int | None = None
        self._bold = 0
        self._skip = 0
        self._rows: list[tuple[list[_Cell], bool]] | None = None
        self._cell: _Cell | None = None
        self._head_rows = 0  # rows of the current table's <thead>
        self._left_out: str | None = None  # the tag of the NOT_IN_WORD element being read past
        self._lists: list[int | None] = []  # the open lists, innermost last: an <ol>'s items so far, or None (<ul>)

    # paragraphs ---------------------------------------------------------
    def _open(self, kind: str) -> None:
        self._flush()
        self._runs, self._kind = [], kind

    def _flush(self) -> None:
        if self._runs is None:
            return
        runs = _merge(self._runs)
        if runs:
            if self._heading is not None:
                self.blocks.append(Heading("".join(t for t, _ in runs), self._heading))
            else:
                self.blocks.append(Paragraph(runs, self._kind))
        self._runs, self._heading = None, None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if self._left_out is not None:
            return
        if NOT_IN_WORD in classes:
            self._left_out = tag  # until its end tag (such elements hold no element of their own tag)
        elif tag in _SKIPPED:
            self._skip += 1
        elif self._cell is not None:
            if tag in ("strong", "b"):
                self._bold += 1
            elif tag == "br":
                self._cell.text.append("\n")
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self._open("body")
            self._heading = min(int(tag[1]), 4)
        elif tag == "p":
            kind = next((k for k in ("note", "banner", "kicker") if f"linli-{k}" in classes), "body")
            self._open(kind)
        elif tag in ("ol", "ul"):
            self._lists.append(0 if tag == "ol" else None)
        elif tag == "li":
            numbered = self._lists[-1] if self._lists else None
            if numbered is None:
                self._open("item")
            else:  # its number written out: Word's own numbering would run on from an earlier list
                self._lists[-1] = numbered + 1
                self._open("body")
                self._runs = [(f"{numbered + 1}. ", False)]
        elif tag == "table":
            self._flush()
            self._rows = []
        elif tag == "tr" and self._rows is not None:
            self._rows.append(([], "hl" in classes))  # render.to_html's highlighted row
        elif tag in ("td", "th") and self._rows is not None:
            if not self._rows:
                self._rows.append(([], False))
            self._cell = _Cell(numeric="num" in classes, header=tag == "th")
        elif tag in ("strong", "b"):
            self._bold += 1
        elif tag == "br" and self._runs is not None:
            self._runs.append(("\n", self._bold > 0))

    def handle_endtag(self, tag: str) -> None:
        if self._left_out is not None:
            if tag == self._left_out:
                self._left_out = None
            return
        if tag in _SKIPPED:
            self._skip = max(0, self._skip - 1)
        elif tag in ("ol", "ul") and self._lists:
            self._lists.pop()
        elif tag in ("strong", "b"):
            self._bold = max(0, self._bold - 1)
        elif tag in ("td", "th") and self._cell is not None and self._rows is not None:
            self._rows[-1][0].append(self._cell)
            self._cell = None
        elif tag == "thead":
            self._head_rows = len(self._rows or [])
        elif tag == "table" and self._rows is not None:
            self._table()
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "div", "ul"):
            self._flush()

    def handle_data(self, data: str) -> None:
        if self._skip or self._left_out is not None:
            return
        if self._cell is not None:
            self._cell.text.append(data)
            return
        if self._runs is None:
            if not data.strip():
                return
            self._open("body")  # loose text (a div's) makes its own paragraph
        assert self._runs is not None
        self._runs.append((data, self._bold > 0))

    def _table(self) -> None:
        rows = [r for r in (self._rows or []) if r[0]]
        head = self._head_rows
        self._rows, self._head_rows = None, 0
        if not rows:
            return
        width = max(len(cells) for cells, _ in rows)
        texts = tuple(
            tuple(_squash("".join(c.text)) for c in cells) + ("",) * (width - len(cells)) for cells, _ in rows
        )
        body = [cells for cells, _ in rows[head:]]
        numeric = tuple(
            bool(body) and all(len(cells) > j and cells[j].numeric for cells in body) for j in range(width)
        )
        # a column with no text in any row (a bar drawn by CSS) has nothing to say in Word
        kept = [j for j in range(width) if any(row[j] for row in texts)] or list(range(width))
        texts = tuple(tuple(row[j] for j in kept) for row in texts)
        numeric = tuple(numeric[j] for j in kept)
        bold = tuple(flag for _, flag in rows)
        self.blocks.append(Table(texts, header=head, numeric=numeric, bold=bold))

    def close(self) -> None:
        super().close()
        self._flush()


def _squash(text: str) -> str:
    return "\n".join(" ".join(line.split()) for line in text.split("\n")).strip()


def _merge(runs: list[tuple[str, bool]]) -> tuple[tuple[str, bool], ...]:
    """Join runs of the same weight, collapse white space, trim the ends."""
    out: list[list[Any]] = []
    for text, bold in runs:
        text = re.sub(r"[ \t\r\n]+", " ", text) if text != "\n" else text
        if out and out[-1][1] == bold:
            out[-1][0] += text
        else:
            out.append([text, bold])
    if out:
        out[0][0] = out[0][0].lstrip()
        out[-1][0] = out[-1][0].rstrip()
    return tuple((t, b) for t, b in out if t)


def html_blocks(html: str) -> list[Block]:
    """Return the blocks of a piece of report HTML.

    Examples
    --------
    >>> html_blocks('<h2>综合评价</h2><p class="linli-note">注：<strong>样本</strong>较少</p>')
    [Heading(text='综合评价', level=2), Paragraph(runs=(('注：', False), ('样本', True), ('较少', False)), kind='note')]
    >>> html_blocks('<table><thead><tr><th>指标</th><th class="num">值</th></tr></thead>'
    ...             '<tbody><tr><td>甲</td><td class="num">1.5%</td></tr></tbody></table>')
    [Table(rows=(('指标', '值'), ('甲', '1.5%')), header=1, numeric=(False, True), bold=(False, False))]
    """
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.blocks


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def report_blocks(nb: Any) -> list[Block]:
    """Return the blocks of an executed report notebook, in order.

    Code cells only; those tagged ``remove_cell`` are left out, as are the outputs of
    cells tagged ``remove_output``, stderr, and errors (as in the HTML). An output with
    ``text/html`` gives its blocks; one with ``image/png`` a :class:`Figure`, whose alt
    text, title and name come from the output's ``image/png`` metadata (``alt``,
    ``linli.title``, ``linli.name``); stdout gives paragraphs.
    """
    blocks: list[Block] = []
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if cell.cell_type != "code" or tags & {"remove_cell", "remove_output"}:
            continue
        for out in cell.get("outputs", []):
            kind = out.get("output_type")
            if kind == "stream" and out.get("name") == "stdout":
                blocks += [Paragraph(((line, False),)) for line in _text(out.get("text", "")).splitlines()
                           if line.strip()]
            elif kind in ("display_data", "execute_result"):
                data = out.get("data", {})
                if "text/html" in data:
                    blocks += html_blocks(_text(data["text/html"]))
                elif "image/png" in data:
                    meta = out.get("metadata", {}).get("image/png", {}) or {}
                    extra = meta.get("linli", {}) or {}
                    blocks.append(Figure(base64.b64decode(_text(data["image/png"])), alt=str(meta.get("alt") or ""),
                                         title=str(extra.get("title") or ""), name=str(extra.get("name") or "")))
    return blocks


# ---------------------------------------------------------------- the writer


def export_docx(executed: Path | str, docx: Path | str, *, title: str, lang: str,
                as_of: str | None = None) -> Path:
    """Write an executed report notebook as an editable Word document.

    Parameters
    ----------
    executed
        The executed notebook.
    docx
        Where the document goes.
    title
        The document's title (its properties).
    lang
        ``zh`` or ``en``: the language of the captions, the footer and the table of contents.
    as_of
        The data's as-of date: the document's dates unless ``$SOURCE_DATE_EPOCH`` is set.

    Returns
    -------
    pathlib.Path
        ``docx``.

    Raises
    ------
    LinliError
        When ``lang`` is unknown or the notebook cannot be read.
    """
    import nbformat

    check_lang(lang)
    executed, docx = Path(executed), Path(docx)
    try:
        nb = nbformat.read(executed, as_version=4)
    except (OSError, ValueError) as exc:
        msg = f"Cannot read the executed notebook {executed.name}: {exc}"
        raise LinliError(msg) from None
    stamp = pdf_date(as_of)
    data = document_bytes(report_blocks(nb), title=title, lang=lang, stamp=stamp)
    docx.parent.mkdir(parents=True, exist_ok=True)
    part = docx.with_name(f".{docx.name}.part")
    part.write_bytes(data)
    part.replace(docx)
    return docx


def document_bytes(blocks: list[Block], *, title: str, lang: str, stamp: datetime | None) -> bytes:
    """Return the ``.docx`` bytes of ``blocks`` (see the module's description)."""
    from docx import Document

    doc = Document()
    _page_setup(doc)
    _styles(doc, lang)
    _footer(doc, lang)
    figure_no = 0
    toc_done = False
    headings = [b for b in blocks if isinstance(b, Heading)]
    listed = 0  # the headings the contents list so far: the next one's bookmark
    for k, block in enumerate(blocks):
        if isinstance(block, Heading):
            after_toc = block.level > 1 and not toc_done
            if after_toc:
                _toc(doc, lang, headings)
                toc_done = True
            paragraph = doc.add_heading(_last_words_joined(block.text), level=block.level)
            # the report begins on a page after the contents: a break of its own after them left a
            # blank page when they filled theirs to the foot
            paragraph.paragraph_format.page_break_before = after_toc or None
            if block.level <= TOC_LEVELS:
                _bookmark(paragraph, listed)
                listed += 1
        elif isinstance(block, Paragraph):
            _paragraph(doc, block)
        elif isinstance(block, Table):
            after = blocks[k + 1] if k + 1 < len(blocks) else None
            _table(doc, block, noted=isinstance(after, Paragraph) and after.kind == "note")
        else:
            figure_no += 1
            _figure(doc, block, figure_no, lang)
    if not toc_done:
        _toc(doc, lang, headings)
    when = stamp or datetime(*ZIP_EPOCH, tzinfo=UTC)
    props = doc.core_properties
    props.title, props.author, props.last_modified_by = title, "linli", "linli"
    props.language = HTML_LANG[lang]
    props.created = props.modified = when.replace(tzinfo=None)
    props.last_printed = when.replace(tzinfo=None)
    props.revision = 1
    props.comments = props.keywords = props.subject = props.category = ""
    buf = io.BytesIO()
    doc.save(buf)
    return fixed_zip(buf.getvalue(), when)


def _last_words_joined(heading: str) -> str:
    """A heading of three words or more with its last two joined by a no-break space, so that a
    heading that wraps never leaves one word alone on its last line (the English zone report's
    title printed ``… report for the`` over ``zone``).

    >>> _last_words_joined("Renmin Street: 2024 assessment report for the zone").endswith("the\u00a0zone")
    True
    >>> _last_words_joined("Lin Le · culture"), _last_words_joined("Data quality"), _last_words_joined("综合评价")
    ('Lin Le ·\xa0culture', 'Data quality', '综合评价')
    """
    words = heading.split(" ")
    return heading if len(words) < 3 else " ".join(words[:-2]) + f" {words[-2]}\u00a0{words[-1]}"


def _fonts(element: Any, fonts: tuple[str, str]) -> None:
    """Set the Latin and East Asian fonts (and the languages) of a style's ``rPr``."""
    from docx.oxml.ns import qn

    rpr = element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, rfonts)
    for key in ("w:ascii", "w:hAnsi", "w:cs"):
        rfonts.set(qn(key), fonts[0])
    rfonts.set(qn("w:eastAsia"), fonts[1])
    for key in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(key), None)
    lang_el = rpr.find(qn("w:lang"))
    if lang_el is None:
        lang_el = rpr.makeelement(qn("w:lang"), {})
        rpr.append(lang_el)
    lang_el.set(qn("w:val"), "en-US")
    lang_el.set(qn("w:eastAsia"), "zh-CN")


def _page_setup(doc: Any) -> None:
    from docx.shared import Mm

    for section in doc.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
        section.footer_distance = Mm(20)


def _styles(doc: Any, lang: str) -> None:
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_LINE_SPACING, WD_TAB_ALIGNMENT, WD_TAB_LEADER
    from docx.shared import Mm, Pt, RGBColor

    styles = doc.styles
    normal = styles["Normal"]
    normal.font.size = Pt(11 if lang == "en" else 12)
    _fonts(normal.element, BODY_FONTS)
    fmt = normal.paragraph_format
    fmt.space_after = Pt(6)
    fmt.line_spacing_rule = WD_LINE_SPACING.MULTIPLE
    fmt.line_spacing = 1.3
    for level, size in HEADING_SIZES.items():
        style = styles[f"Heading {level}"]
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.italic = False
        style.font.color.rgb = RGBColor(0, 0, 0)
        _fonts(style.element, HEADING_FONTS)
        style.paragraph_format.space_before = Pt(18 if level <= 2 else 12)
        style.paragraph_format.space_after = Pt(8)
        style.paragraph_format.keep_with_next = True
    caption = styles["Caption"]
    caption.font.size = Pt(10)
    caption.font.bold = False
    caption.font.italic = False
    caption.font.color.rgb = RGBColor(0x33, 0x33, 0x33)
    _fonts(caption.element, HEADING_FONTS)

    note = styles.add_style("Linli Note", WD_STYLE_TYPE.PARAGRAPH)
    note.base_style = normal
    note.font.size = Pt(9)
    note.font.color.rgb = RGBColor(0x55, 0x55, 0x55)
    banner = styles.add_style("Linli Banner", WD_STYLE_TYPE.PARAGRAPH)
    banner.base_style = normal
    banner.font.bold = True
    banner.font.color.rgb = RGBColor(0x9A, 0x34, 0x12)
    for level in range(1, TOC_LEVELS + 1):  # Word's own "toc N" styles, which updating the contents uses
        toc = styles.add_style(f"toc {level}", WD_STYLE_TYPE.PARAGRAPH)
        toc.base_style = normal
        toc.paragraph_format.left_indent = Pt(12 * (level - 1))
        toc.paragraph_format.space_after = Pt(3)
        toc.paragraph_format.line_spacing = 1.0  # the contents of a zone report fit one page
        toc.paragraph_format.tab_stops.add_tab_stop(Mm(TEXT_WIDTH_MM), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
    cell = styles.add_style("Linli Table Text", WD_STYLE_TYPE.PARAGRAPH)
    cell.base_style = normal
    cell.font.size = Pt(TABLE_SIZE)
    cell.paragraph_format.space_after = Pt(0)
    cell.paragraph_format.line_spacing = 1.1
    compact = styles.add_style("Linli Table Compact", WD_STYLE_TYPE.PARAGRAPH)  # a crowded table's
    compact.base_style = cell
    compact.font.size = Pt(COMPACT_SIZE)


def _field_start(paragraph: Any, instruction: str) -> None:
    """Open a field in ``paragraph``: what follows, up to :func:`_field_end`, is shown until
    the field is updated (marked dirty, so Word offers to update it on opening)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    begin.set(qn("w:dirty"), "true")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    for child in (begin, instr, separate):
        paragraph.add_run()._r.append(child)


def _field_end(paragraph: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    paragraph.add_run()._r.append(end)


def _field(paragraph: Any, instruction: str, shown: str) -> None:
    """Append a field (``PAGE``, ``NUMPAGES``, ``SEQ …``) showing ``shown`` until updated."""
    _field_start(paragraph, instruction)
    paragraph.add_run(shown)
    _field_end(paragraph)


def _footer(doc: Any, lang: str) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    paragraph = doc.sections[0].footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    text = word("pdf.footer", lang=lang, page="\0", pages="\1")
    for piece in re.split(r"([\0\1])", text):
        if piece == "\0":
            _field(paragraph, "PAGE", "1")
        elif piece == "\1":
            _field(paragraph, "NUMPAGES", "1")
        elif piece:
            paragraph.add_run(piece)
    for run in paragraph.runs:
        run.font.size = Pt(9)


def _toc_anchor(number: int) -> str:
    """The bookmark name of the ``number``-th heading the contents list (Word's own form)."""
    return f"_Toc{number:08d}"


def _bookmark(paragraph: Any, number: int) -> None:
    """Put the whole of a heading's paragraph in the bookmark its contents entry points to."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    start, end = OxmlElement("w:bookmarkStart"), OxmlElement("w:bookmarkEnd")
    start.set(qn("w:id"), str(number))
    start.set(qn("w:name"), _toc_anchor(number))
    end.set(qn("w:id"), str(number))
    props = paragraph._p.pPr
    paragraph._p.insert(0 if props is None else 1, start)
    paragraph._p.append(end)


def _toc(doc: Any, lang: str, headings: list[Heading]) -> None:
    """The contents, from a new page: each heading of levels 1–3, a link to it, then a leader
    of dots and its page number (a ``PAGEREF`` field, filled in when the pages are laid out),
    and a hint for Word. The heading after them starts the next page."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    head = doc.add_paragraph(word("docx.contents", lang=lang), style="TOC Heading")  # not itself in the contents
    head.paragraph_format.keep_with_next = True
    head.paragraph_format.page_break_before = True
    for number, heading in enumerate(h for h in headings if h.level <= TOC_LEVELS):
        entry = doc.add_paragraph(style=f"toc {heading.level}")
        link = OxmlElement("w:hyperlink")
        link.set(qn("w:anchor"), _toc_anchor(number))
        link.set(qn("w:history"), "1")
        entry._p.append(link)
        entry.add_run(heading.text)
        entry.add_run("\t")
        _field(entry, f"PAGEREF {_toc_anchor(number)} \\h", "")
        for run in list(entry._p.r_lst):  # the whole line is the link
            link.append(run)
    doc.add_paragraph(word("docx.contents_hint", lang=lang), style="Linli Note")


def _paragraph(doc: Any, block: Paragraph) -> None:
    style = {"note": "Linli Note", "banner": "Linli Banner", "item": "List Bullet", "kicker": "Linli Note"}
    paragraph = doc.add_paragraph(style=style.get(block.kind, "Normal"))
    for text, bold in block.runs:  # LibreOffice printed the summary's "2022" over "年以来…"
        for run in _write(paragraph, text, kept=True):
            if bold:
                run.bold = True


def _table(doc: Any, block: Table, *, noted: bool = False) -> None:
    """Write ``block`` as a Word table; a table ``noted`` (a note follows it) keeps its last row
    on the page of the note: its paragraphs, and the space after the table, keep with the next."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm

    rows = tuple(tuple(_bracket_on_its_own_line(v) if i < block.header else v for v in values)
                 for i, values in enumerate(block.rows))
    width = len(rows[0])
    table = doc.add_table(rows=len(rows), cols=width)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = column_widths(rows, TEXT_WIDTH_MM, header=block.header)
    metrics = {"half_em": _HALF_EM_MM, "margins": _CELL_MARGINS_MM}
    compact = _crowded(rows, widths, header=block.header)
    if compact:  # smaller text and narrower margins, so that the names have room
        metrics = {"half_em": _COMPACT_HALF_EM_MM, "margins": _COMPACT_MARGINS_MM}
        widths = column_widths(rows, TEXT_WIDTH_MM, header=block.header, **metrics)
        _cell_margins(table, COMPACT_MARGIN_TWIPS)
    text_style = doc.styles["Linli Table Compact" if compact else "Linli Table Text"]
    for j, column in enumerate(table.columns):  # the grid (LibreOffice reads it) and each cell (Word)
        column.width = Mm(widths[j])
    for i, values in enumerate(rows):
        row = table.rows[i]
        head = i < block.header
        props = row._tr.get_or_add_trPr()
        keep = OxmlElement("w:cantSplit")  # a row is never cut in two by a page break
        keep.set(qn("w:val"), "true")
        props.append(keep)
        if head:
            mark = OxmlElement("w:tblHeader")
            mark.set(qn("w:val"), "true")
            props.append(mark)
        for j, value in enumerate(values):
            if not head and (parts := _NUMBER_AND_UNIT.fullmatch(value)) and not _fits(value, widths[j], **metrics):
                value = f"{parts[1]}\n{parts[2]}"  # +3.5 over 个百分点, not +3.5个百 over 分点
            elif not head:
                value = _between_phrases(value, widths[j], **metrics)
                value = "\n".join(_no_scrap(line, widths[j], **metrics) for line in value.split("\n"))
            cell = row.cells[j]
            cell.width = Mm(widths[j])
            paragraph = cell.paragraphs[0]
            paragraph.style = text_style
            _write(paragraph, value, kept=not head,
                   one_line=functools.partial(_on_one_line, width=widths[j], **metrics))
            bold = head or (i < len(block.bold) and block.bold[i]) or (block.header == 0 and j == 0)
            for r in paragraph.runs:
                r.bold = bold or None
            if j < len(block.numeric) and block.numeric[j]:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            if head:
                shade = OxmlElement("w:shd")
                shade.set(qn("w:val"), "clear")
                shade.set(qn("w:color"), "auto")
                shade.set(qn("w:fill"), "E8EEF4")
                cell._tc.get_or_add_tcPr().append(shade)
            if noted and i == len(rows) - 1:  # the note is not printed at the top of the next page, alone
                paragraph.paragraph_format.keep_with_next = True
            if i <= block.header or i == len(rows) - 2:  # nor a row alone at the foot or the head of a page
                paragraph.paragraph_format.keep_with_next = True
    space = doc.add_paragraph()  # space after the table
    space.paragraph_format.keep_with_next = noted or None


def _bracket_on_its_own_line(header: str) -> str:
    r"""A header wider than 10 half-ems on one line, with its bracketed part on the next:
    left to the word processor, ``上年（2023年）`` in a column as wide as half of it printed
    ``上年（2023`` over ``年）`` (:func:`column_widths` then gives the column its longer line).

    >>> _bracket_on_its_own_line("上年（2023年）"), _bracket_on_its_own_line("2024年（基线）")
    ('上年\n（2023年）', '2024年\n（基线）')
    >>> _bracket_on_its_own_line("Previous year (2023)"), _bracket_on_its_own_line("排名（名）")  # 4 + 2 + 2 + 2
    ('Previous year\n(2023)', '排名（名）')
    """
    if "\n" in header or _text_width(header) <= 10:
        return header
    at = max(header.rfind("（"), header.rfind(" ("))
    if at <= 0:
        return header
    return header[:at] + "\n" + header[at:].lstrip()


#: Where a cell's line may be broken between phrases: before a bracket, after the colon that follows one
#: (``（目标，2025年）：`` over ``达标``; not between a label and its value, ``Target achieved:`` over ``1; …``).
_PHRASE_BREAK = re.compile(r"(?<=\S)(?=（)| (?=\()|(?<=）：)(?=\S)")


def _phrases(line: str) -> list[tuple[str, str]]:
    """The phrases of a line (:data:`_PHRASE_BREAK`), each with the space that came before it.

    >>> _phrases("（目标，2025年）：达标"), _phrases("rank 1–2 (median 2)")
    ([('', '（目标，2025年）：'), ('', '达标')], [('', 'rank 1–2'), (' ', '(median 2)')])
    """
    out, at, gap = [], 0, ""
    for m in _PHRASE_BREAK.finditer(line):
        out.append((gap, line[at:m.start()]))
        at, gap = m.end(), m.group()
    return [*out, (gap, line[at:])]


def _between_phrases(text: str, width: float, *, half_em: float = _HALF_EM_MM,
                     margins: float = _CELL_MARGINS_MM) -> str:
    r"""A body cell whose line is too long for its column (``width`` mm), broken between phrases
    (:func:`_phrases`: before a bracket, after the colon that follows one), as many on a line as fit, wherever
    what comes before the break fits on one line. Left to the word processor,
    ``每千常住人口志愿服务活动次数（次/千人）`` printed ``…（次/千`` over ``人）``,
    ``第174–192名（中位数第181名）`` ``…（中位数第181`` over ``名）``, and
    ``（目标，2025年）：达标`` ``（目标，2025`` over ``年）：达标``.

    >>> # 52 mm: (52 − 3.81) / 1.6757 − 1 = 27.8 half-ems; the whole is 2+7+2+2+6+2+3+2+2 = 28, 第174–192名 11
    >>> _between_phrases("第174–192名（中位数第181名）", 52.0), _between_phrases("第1–3名（中位数第2名）", 52.0)
    ('第174–192名\n（中位数第181名）', '第1–3名（中位数第2名）')
    >>> _between_phrases("rank 174–192 (median 181)", 30.0)  # 25 + 1 half-ems need 47.4 mm; "rank 174–192" 12
    'rank 174–192\n(median 181)'
    >>> # 35 mm: (35 − 3.81) / 1.6757 − 1 = 17.6 half-ems, 37 mm 18.8; （目标，2025年）：达标 is 22, （目标，2025年）： 18
    >>> _between_phrases("> 30.0\n（目标，2025年）：达标", 35.0), _between_phrases("> 30.0\n（目标，2025年）：达标", 37.0)
    ('> 30.0\n（目标，2025年）：达标', '> 30.0\n（目标，2025年）：\n达标')
    >>> # a name whose words before the bracket take more than a line is left whole: 14 characters (28) in 17.6
    >>> _between_phrases("每千常住人口志愿服务活动次数（次/千人）", 35.0)
    '每千常住人口志愿服务活动次数（次/千人）'
    """
    def fits(line: str) -> bool:
        return _fits(line, width, half_em=half_em, margins=margins)

    lines = []
    for line in text.split("\n"):
        phrases = _phrases(line)
        lines.append(phrases[0][1])
        for gap, phrase in phrases[1:]:
            if fits(lines[-1]) and not fits(lines[-1] + gap + phrase):
                lines.append(phrase)
            else:
                lines[-1] += gap + phrase
    return "\n".join(lines)


#: The widest last line of a wrapped cell that is a scrap (half-ems): one or two characters.
SCRAP_HALF_EMS: int = 4


def _no_scrap(line: str, width: float, *, half_em: float = _HALF_EM_MM, margins: float = _CELL_MARGINS_MM) -> str:
    r"""A body cell's line that would wrap onto two lines, the second a scrap of at most
    :data:`SCRAP_HALF_EMS` half-ems (``十分钟生活圈覆盖户数比`` over ``例``), broken where its two
    lines are most even instead: between two Chinese characters, outside a number with its
    unit (:func:`_kept_zh`), as a browser's balanced wrapping breaks it.

    >>> # 41.4 mm: (41.4 − 3.81) / 1.6757 = 22.4 half-ems a line: 11 characters (22), then 例 (2) alone;
    >>> # balanced, 6 characters (12) a line. 健身点300米 is 6 + 3 + 2 = 11 half-ems, 覆盖户数比例 12
    >>> _no_scrap("十分钟生活圈覆盖户数比例", 41.4), _no_scrap("健身点300米覆盖户数比例", 41.4)
    ('十分钟生活圈\n覆盖户数比例', '健身点300米\n覆盖户数比例')
    >>> # 46 mm holds the 24 half-ems whole; at 30 mm (15.6 a line) 7 characters, 7, then 例: three lines, left
    >>> _no_scrap("十分钟生活圈覆盖户数比例", 46.0), _no_scrap("十分钟生活圈覆盖户数比例例例", 30.0)
    ('十分钟生活圈覆盖户数比例', '十分钟生活圈覆盖户数比例例例')
    """
    # the line as the word processor fills it, without a spare half-em
    lines, used = wrap(line, (width - margins) / half_em, width=_text_width)
    if lines != 2 or used > SCRAP_HALF_EMS:
        return line
    kept = [range(m.start() + 1, m.end()) for m in _kept_zh().finditer(line)]
    at = [k for k in range(1, len(line)) if re.match(r"[\u4e00-\u9fff]{2}", line[k - 1:k + 1])
          and not any(k in inside for inside in kept)
          and _fits(line[:k], width, half_em=half_em, margins=margins)
          and _fits(line[k:], width, half_em=half_em, margins=margins)]
    if not at:
        return line
    k = min(at, key=lambda k: abs(_text_width(line[:k]) - _text_width(line[k:])))
    return line[:k] + "\n" + line[k:]


#: A Chinese rank or rank interval (``第181名``, ``第174–192名``, with the closing punctuation
#: after it) and the number of units ranked (``共200个``).
_RANK_ZH = re.compile(r"(第\d+(?:–\d+)?名[）」，。、；：]*|共\d+个)")
#: An English rank's or median's word and the space before its number.
_RANK_EN = re.compile(r"\b(rank|median|of) (?=\d)")
#: Joins two characters a line must not break between (U+2060 WORD JOINER).
_JOINER = "\u2060"


def _joined(rank: str) -> str:
    """A Chinese rank with a word joiner wherever a line could break inside it: around its
    number, after the dash of an interval, before its closing punctuation.

    >>> _joined("第174–192名）。").replace("\u2060", "|"), _joined("共200个").replace("\u2060", "|")
    ('第|174–|192|名|）|。', '共|200|个')
    """
    joined = re.sub(r"(?<=\D)(?=\d)|(?<=\d)(?=\D)|(?<=[名）」，。、；：])(?=.)", _JOINER, rank)
    return joined.replace(f"{_JOINER}–{_JOINER}", f"–{_JOINER}")


#: An English comparison and the number after it (``> 30.0``), a label and its number (``Target achieved: 1``),
#: a number and the first word of its unit (``30.0 m²``, ``100 households``): tied by a no-break space.
_KEPT_EN = re.compile(r"(?<=[<>≤≥=:]) (?=[+\-−]?\d)|(?<=\d) (?=(?:m²|households|persons|hours|days|count|per)\b)")
#: A piece of text a line may break inside: Latin letters, digits and signs (one word), or any one other character.
_PIECES = re.compile(r"[0-9A-Za-z.,%+\-−]+|.")


def _kept(piece: str) -> str:
    """A Chinese number with its unit (:func:`_kept_zh`) as one word: a word joiner between any
    two of its pieces a line could break between, its spaces no-break.

    >>> _kept("> 30.0 平方米/百户").replace("\u2060", "|").replace("\u00a0", "_")
    '>|_|30.0|_|平|方|米|/|百|户'
    """
    return _JOINER.join(_PIECES.findall(piece.replace(" ", "\u00a0")))


def _write(paragraph: Any, text: str, *, kept: bool = False,
           one_line: Callable[[str], bool] = lambda line: False) -> list[Any]:
    """Add ``text`` to ``paragraph`` as runs (a line break at each newline) and return them,
    each rank held on one line, and with ``kept`` (a table's body cell, whose column may be
    narrow) each year and each number with its unit too; a line ``one_line`` says is printed on one
    line (it fits its cell: :func:`_on_one_line`) as it is, so that Find, and a copy, read it as typed. A Chinese rank (``第181名``) is a
    run of its own, its characters joined (:func:`_joined`) and its language tagged
    ``en-US``: LibreOffice's Chinese line breaking breaks between any two characters, word
    joiner or not, and printed ``第181`` over ``名）``. So is a kept Chinese year or number with
    its unit (:func:`_kept_zh`, :func:`_kept`): ``（目标，2025`` was printed over ``年）：达标``.
    An English rank's word is tied to its number by a no-break space (``rank`` over
    ``174–192`` is not printed), and so are a kept comparison and its number, a number and
    its unit (:data:`_KEPT_EN`: ``> 30.0 m² per 100`` over ``households`` is not printed).
    """
    from docx.oxml.ns import qn

    def joined_run(piece: str) -> Any:
        run = paragraph.add_run(piece)
        props = run._r.get_or_add_rPr()
        props.append(props.makeelement(qn("w:lang"), {qn("w:val"): "en-US", qn("w:eastAsia"): "en-US"}))
        return run

    runs = []
    for k, line in enumerate(text.split("\n")):
        if k:
            runs.append(paragraph.add_run())
            runs[-1].add_break()
        if one_line(line):
            runs += [paragraph.add_run(line)] if line else []
            continue
        for n, piece in enumerate(_RANK_ZH.split(line)):
            if not piece:
                continue
            if n % 2:  # a rank
                runs.append(joined_run(_joined(piece)))
                continue
            for m, part in enumerate(_kept_zh().split(piece) if kept else [piece]):
                if m % 2:  # a number with its unit
                    runs.append(joined_run(_kept(part)))
                elif part:
                    part = _RANK_EN.sub("\\1\u00a0", part)
                    runs.append(paragraph.add_run(_KEPT_EN.sub("\u00a0", part) if kept else part))
    return runs


#: A number with a unit of three characters or more after it (``+3.5个百分点``): the unit
#: may go on the line below the number, with no scrap on either line.
_NUMBER_AND_UNIT = re.compile(r"([+\-−]?[\d.,]+%?) ?([\u2e80-\uffff]{3,})")


def _fits(text: str, width: float, *, half_em: float = _HALF_EM_MM, margins: float = _CELL_MARGINS_MM) -> bool:
    """Whether ``text`` fits on one line of a table cell ``width`` mm wide (with a half-em to spare),
    for text whose half-em is ``half_em`` mm in a cell whose margins take ``margins`` mm."""
    return (_text_width(text) + 1) * half_em + margins <= width + 1e-9  # a column given just this width


#: Where a word processor sets a quarter em between a Chinese character and a Latin letter or a digit (Word's and
#: LibreOffice's autospacing): the zone's ranking printed "第1–3名（中位数第2" over "名）", its four uncounted.
_AUTOSPACE = re.compile(r"(?<=[\u3400-\u9fff])(?=[0-9A-Za-z])|(?<=[0-9A-Za-z])(?=[\u3400-\u9fff])")


def _on_one_line(text: str, *, width: float, half_em: float = _HALF_EM_MM, margins: float = _CELL_MARGINS_MM) -> bool:
    """Whether ``text`` is printed on one line of a table cell ``width`` mm wide, whatever its weight: its
    half-ems (:func:`_text_width`: a CJK character, a full-width form, a digit and a sign are as wide in bold),
    half a half-em for each quarter em the word processor sets between a Chinese character and a Latin letter
    or digit (:data:`_AUTOSPACE`), and half a half-em to spare; a text with Latin letters another half-em, each
    Latin capital and m or w counted two (up to 0.72 and 0.78 em wide in Times, not ½).

    >>> # 35.65 mm holds (35.65 − 3.81) / 1.6757 = 19.0 half-ems: （目标，2025年）： is 18 + 0.5 (5|年) + 0.5 = 19;
    >>> # 42.35 mm holds 23.0: 第1–3名（中位数第2名） is 2 + 3 + 2 + 2 + 6 + 2 + 1 + 2 + 2 = 22, + 4 × 0.5 + 0.5 = 24.5
    >>> _on_one_line("（目标，2025年）：", width=35.65), _on_one_line("第1–3名（中位数第2名）", width=42.35)
    (True, False)
    >>> # 30 mm holds 15.6: "Target achieved: 1" is 18 + 1 (T) + 1.5 = 20.5, "achieved: 1" 11 + 1.5 = 12.5
    >>> _on_one_line("Target achieved: 1", width=30.0), _on_one_line("achieved: 1", width=30.0)
    (False, True)
    """
    letters = [ch for ch in text if ch.isascii() and ch.isalpha()]
    wide = sum(ch.isupper() or ch in "mw" for ch in letters) + bool(letters)
    return (_text_width(text) + wide + 0.5 * len(_AUTOSPACE.findall(text)) + 0.5) * half_em + margins <= width + 1e-6


def _wrapped_lines(text: str, room: float) -> int:
    """The lines ``text`` takes in a cell ``room`` half-ems wide, broken as a word processor
    does: after any CJK character, at a space between Latin words, never inside a word.

    >>> _wrapped_lines("每万常住人口社会组织数（个/万人）", 13)  # 33 half-ems (16 × 2 + 1), 6 characters (12) a line: 6 + 6 + 5
    3
    >>> _wrapped_lines("Volunteer hours per volunteer", 14)  # "Volunteer" (9) · "hours per" (9) · "volunteer" (9)
    3
    """
    return wrap(text, room, width=_text_width)[0]


def _crowded(rows: tuple[tuple[str, ...], ...], widths: list[float], *, header: int = 1) -> bool:
    """Whether a table's name column (its first) at ``widths`` (mm, :func:`column_widths`)
    would print a name over more than two lines in the tables' usual text.

    >>> # 25.4 mm holds (25.4 − 3.81) / 1.6757 = 12.9 half-ems a line: 33 half-ems take three lines, 20 two
    >>> _crowded((("指标", "值"), ("每万常住人口社会组织数（个/万人）", "7.2")), [25.4, 130.6])
    True
    >>> _crowded((("指标", "值"), ("社区社会组织数（个）", "4")), [25.4, 130.6])
    False
    """
    room = (widths[0] - _CELL_MARGINS_MM) / _HALF_EM_MM
    return any(sum(_wrapped_lines(line, room) for line in row[0].split("\n")) > 2 for row in rows[header:])


def _cell_margins(table: Any, twips: int) -> None:
    """Set a table's left and right cell margins (``tblCellMar``, in its place among ``tblPr``'s children)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    margins = OxmlElement("w:tblCellMar")
    for side in ("w:left", "w:right"):
        edge = OxmlElement(side)
        edge.set(qn("w:w"), str(twips))
        edge.set(qn("w:type"), "dxa")
        margins.append(edge)
    props = table._tbl.tblPr
    after = next((props.find(qn(tag)) for tag in ("w:tblLook", "w:tblCaption", "w:tblDescription")
                  if props.find(qn(tag)) is not None), None)
    if after is None:
        props.append(margins)
    else:
        after.addprevious(margins)


def _unbroken_width(cell: str) -> int:
    """The width (half-ems) a cell of a short column needs: its whole width, or the wider of
    a number and its long unit.

    >>> _unbroken_width("+3.5个百分点"), _unbroken_width("+1.8"), _unbroken_width("显著进展")  # max(4, 8), 4, 8
    (8, 4, 8)
    """
    parts = _NUMBER_AND_UNIT.fullmatch(cell)
    return max(_text_width(parts[1]), _text_width(parts[2])) if parts else _text_width(cell)


#: A run a line does not break: Latin letters, digits and signs, with the brackets around them.
_UNBROKEN = re.compile(r"[（(]?[^\u2e80-\uffff\s]+[）)]?")


#: A CJK character (or a full-width form).
_CJK = re.compile(r"[\u2e80-\uffff]")


def _longest_unbroken(line: str, *, phrases: bool = False) -> int:
    """The width (half-ems) of the longest part of a body line that a line never breaks inside:
    a run of Latin letters, digits and signs with its brackets (``Deterioration``), a number
    with its unit (:func:`_kept_zh`, :data:`_KEPT_EN`); with ``phrases``, a Chinese phrase (:func:`_phrases`).

    >>> # > 30.0 平方米/百户: 1 + 1 + 4 + 1 + 6 + 1 + 4 = 18; "100 households" 3 + 1 + 10 = 14
    >>> _longest_unbroken("> 30.0 平方米/百户"), _longest_unbroken("> 30.0 m² per 100 households")
    (18, 14)
    >>> # 2025年 4 + 2 = 6; the phrase （目标，2025年）： 2 + 2 + 2 + 2 + 4 + 2 + 2 + 2 = 18
    >>> _longest_unbroken("（目标，2025年）：达标"), _longest_unbroken("（目标，2025年）：达标", phrases=True)
    (6, 18)
    """
    parts = _UNBROKEN.findall(_KEPT_EN.sub("_", line)) + _kept_zh().findall(line)
    if phrases:  # a Chinese one: an English phrase breaks between its words
        parts += [phrase for _, phrase in _phrases(line) if _CJK.search(phrase)]
    return max((_text_width(part) for part in parts), default=0)


def _text_width(text: str) -> int:
    """Width of a line in half-em units: a CJK character counts 2, a per cent sign 2 (it is
    0.83 em wide in Times: （5%–95%） given 10 half-ems printed as （5%– over 95%）), any other 1.

    >>> _text_width("排名"), _text_width("（5%–95%）")  # 2 + 2; 2 + 1 + 2 + 1 + 1 + 1 + 2 + 2
    (4, 12)
    """
    return sum(2 if ord(ch) >= 0x2E80 or ch == "%" else 1 for ch in text)


def column_widths(rows: tuple[tuple[str, ...], ...], total: float, *, header: int = 1,
                  half_em: float = _HALF_EM_MM, margins: float = _CELL_MARGINS_MM) -> list[float]:
    """Share ``total`` (mm) among a table's columns, so that a number or a status never wraps.

    A *short* column — every body line at most :data:`SHORT_HALF_EMS` half-ems wide (CJK
    counting double): a number, a status — is given the width its longest line needs (a
    number's long unit may go under it: :func:`_unbroken_width`) in
    the tables' 9.5 pt text, with one half-em to spare (bold headers are wider), and the
    cell's margins: w = (max(body, head) + 1) × 1.676 mm + 3.81 mm, where head is the
    header's width up to 10 half-ems (a name such as 人民路社区 is not broken) and beyond
    the larger of half of it and its longest run that cannot break (``（2022→2024）``):
    a long header wraps once.
    The other columns share what is left by their longest line (a body cell's, or half a
    header cell's), each weight held between 11 and 40 half-ems, so that a long name does
    not sprawl, and none narrower than 11 half-ems or its longest word (a word is not cut:
    ``Deterioration``) or number with its unit (``> 30.0 平方米/百户``); a column of phrases
    but the names (every phrase of a line at most :data:`~linli.reporting.render.PHRASE`
    half-ems) none narrower than its longest phrase (:func:`_longest_unbroken`), so that a line breaks between phrases only
    (before a bracket, after a colon: ``（目标，2025年）：`` over ``达标``). A table of short columns alone shares ``total`` in proportion to
    their widths. When the short columns would leave the others less than that, the
    others get just that and the short columns share the rest in proportion; a table too
    wide even so shares ``total`` by the weights alone. When every other column has room
    for its longest line, what is left widens every column in proportion.
    ``half_em`` and ``margins`` (mm) are a half-em of the table's text and its cells' left
    and right margins together: 1.676 mm and 3.81 mm above; a crowded table's are smaller
    (:data:`COMPACT_SIZE`, :data:`COMPACT_MARGIN_TWIPS`).

    Examples
    --------
    >>> # both short: max(8 "邻里指数", 4 "指标") + 1 = 9 and max(4 "55.0", 2 "值") + 1 = 5 half-ems, widths
    >>> # 9 × 1.675694 + 3.81 = 18.891 and 5 × 1.675694 + 3.81 = 12.188 mm, scaled to 150 mm:
    >>> # 150 × 18.891 / 31.079 = 91.2, 150 × 12.188 / 31.079 = 58.8
    >>> [round(w, 1) for w in column_widths((("指标", "值"), ("邻里指数", "55.0")), 150.0)]
    [91.2, 58.8]
    >>> # col 1 short: (max(3 "9.0", 2 "值") + 1) × 1.675694 + 3.81 = 10.513 mm; col 0 (22 half-ems) whole at
    >>> # 23 × 1.675694 + 3.81 = 42.351 mm; 97.1 mm to spare, so both × 150/52.864: 120.2 and 29.8
    >>> [round(w, 1) for w in column_widths((("指标", "值"), ("每万常住人口社会工作者", "9.0")), 150.0)]
    [120.2, 29.8]
    >>> # col 1: header 21 half-ems > 10, its run "（2022→2024）" 2 + 9 + 2 = 13 > ⌈21 ÷ 2⌉ = 11; body "显著进展" 8:
    >>> # (max(8, 13) + 1) × 1.675694 + 3.81 = 27.270 mm; col 0 whole 42.351 mm; × 150/69.621: 91.2 and 58.8
    >>> [round(w, 1) for w in column_widths((("指标", "进展（2022→2024）"), ("每万常住人口社会工作者", "显著进展")), 150.0)]
    [91.2, 58.8]
    >>> # both text (45 and 13 half-ems), weights 40 and 13: 60 × 13/53 = 14.7 mm is below col 1's floor, its
    >>> # word "Deterioration" (13 + 1) × 1.675694 + 3.81 = 27.270 mm; col 0 the rest, 60 − 27.270 = 32.730
    >>> [round(w, 1) for w in column_widths((("Indicator", "Progress"),
    ...     ("Social workers per 10,000 permanent residents", "Deterioration")), 60.0)]
    [32.7, 27.3]
    >>> # weights 40 (a name of 26 + 15 = 41 half-ems) and 22 (（目标，2025年）：达标): 80 × 22/62 = 28.4 mm is below
    >>> # col 1's floor, its phrase （目标，2025年）： (18 + 1) × 1.675694 + 3.81 = 35.648 mm; col 0 the rest, 44.352
    >>> [round(w, 1) for w in column_widths((("指标", "目标/基准"),
    ...     ("每百户社区综合服务设施面积（平方米/百户）", "> 30.0\\n（目标，2025年）：达标")), 80.0)]
    [44.4, 35.6]
    """
    def longest(cells: list[str]) -> int:
        return max((_text_width(line) for cell in cells for line in cell.split("\n")), default=0)

    def mm(half_ems: float) -> float:
        return half_ems * half_em + margins

    def longest_run(cells: list[str]) -> int:
        return max((_text_width(r) for cell in cells for r in _UNBROKEN.findall(cell)), default=0)

    columns = range(len(rows[0]))
    body = [longest([row[j] for row in rows[header:]]) for j in columns]
    head = [longest([row[j] for row in rows[:header]]) for j in columns]
    runs = [longest_run([row[j] for row in rows[:header]]) for j in columns]
    weights = [min(max(b, h // 2, 11), 40) for b, h in zip(body, head, strict=True)]
    short = [0 < b <= SHORT_HALF_EMS for b in body]
    fit = [max((_unbroken_width(line) for row in rows[header:] for line in row[j].split("\n")), default=0)
           for j in columns]
    need = [mm(max(f, h if h <= 10 else max(-(-h // 2), r)) + 1) for f, h, r in zip(fit, head, runs, strict=True)]
    phrased = [j > 0 and all(_text_width(phrase) <= PHRASE for row in rows[header:] for line in row[j].split("\n")
                             for _, phrase in _phrases(line)) for j in columns]  # short phrases, not names: none broken
    floor = [mm(max([11, *(_longest_unbroken(line, phrases=phrased[j]) + 1 for row in rows[header:]
                           for line in row[j].split("\n"))])) for j in columns]
    text = [j for j in columns if not short[j]]
    fixed = sum(need[j] for j in columns if short[j])
    if not text:
        return [total * n / fixed for n in need]
    floors = sum(floor[j] for j in text)
    if fixed + floors > total:
        if floors >= total:
            return [total * w / sum(weights) for w in weights]
        scale = (total - floors) / fixed
        return [need[j] * scale if short[j] else floor[j] for j in columns]
    cap = [max(floor[j], mm(max(body[j], head[j]) + 1)) for j in columns]
    widths = [need[j] if short[j] else 0.0 for j in columns]
    left, free = total - fixed, list(text)
    while free:  # share by weight, each between its floor and its whole longest line
        shares = {j: left * weights[j] / sum(weights[k] for k in free) for j in free}
        bound = [j for j in free if shares[j] < floor[j]] or [j for j in free if shares[j] > cap[j]]
        if not bound:
            for j in free:
                widths[j] = shares[j]
            break
        for j in bound:
            widths[j] = floor[j] if shares[j] < floor[j] else cap[j]
            left -= widths[j]
            free.remove(j)
    return [w * total / sum(widths) for w in widths]  # room to spare (every text column whole): to all


#: A figure's width on the Word page and its greatest height (mm): the page's text is 225 mm
#: tall, which leaves a tall figure room for its caption on the same page.
FIGURE_WIDTH, FIGURE_HEIGHT = 150.0, 195.0


def _figure_width(png: bytes) -> float:
    """The width (mm) of a figure on the Word page: :data:`FIGURE_WIDTH`, or narrower for a
    figure that would be taller than :data:`FIGURE_HEIGHT` (its shape kept).

    >>> _figure_width(bytes(16) + (1000).to_bytes(4, "big") + (2000).to_bytes(4, "big"))  # 195 × 1000 / 2000
    97.5
    """
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")  # the PNG's IHDR
    if width <= 0 or height <= 0:  # not a PNG's header: add_picture names the problem
        return FIGURE_WIDTH
    return min(FIGURE_WIDTH, FIGURE_HEIGHT * width / height)


def _figure(doc: Any, block: Figure, number: int, lang: str) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Mm

    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.keep_with_next = True
    run = paragraph.add_run()
    try:
        shape = run.add_picture(io.BytesIO(block.png), width=Mm(_figure_width(block.png)))
    except Exception as exc:  # an image python-docx cannot read: say which, keep the rest
        msg = f"Figure {number} ({block.title or block.name or 'untitled'}) is not a readable PNG: {exc}"
        raise LinliError(msg) from None
    label = word("docx.figure", lang=lang)
    doc_pr = shape._inline.find(qn("wp:docPr"))
    if doc_pr is not None:
        doc_pr.set("descr", block.alt or block.title or f"{label}{number}")
        doc_pr.set("title", block.title or block.name)
        doc_pr.set("name", block.name or f"figure-{number}")
    caption = doc.add_paragraph(style="Caption")
    caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
    before, after = caption_parts(block.title, lang=lang)  # the HTML's caption has the same words
    caption.add_run(before)
    _field(caption, f"SEQ {label} \\* ARABIC", str(number))
    if after:
        caption.add_run(after)
