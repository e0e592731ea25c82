"""The HTML of what a report shows: tables, short texts, notes and headings.

:func:`to_html` renders a table from :mod:`linli.reporting.tables` (and the other table
modules) or a short text; :func:`note` a small note under a table or figure;
:func:`heading` a section heading — every word from :mod:`linli.labels`.

Display hints
-------------
A column whose name starts with ``_`` is a display hint, not shown: ``_highlight``
(bool) makes :func:`to_html` set that row in bold (the report's own community).

An element of class :data:`NOT_IN_WORD` shows in the HTML and the PDF only: the Word
export (:mod:`linli.reporting.docx_report`) leaves it out, e.g. a bar drawn by CSS and
the note that explains it.

Figure captions
---------------
Each figure is numbered in the order shown, with its title: ``图1  邻里指数及其不确定性``,
``Figure 1. Linli Index with uncertainty``. :func:`caption_parts` says what comes before
the number and after it; the Word export writes them around a ``SEQ`` field, the HTML page
(``templates/report.html.j2``) around the number (:func:`figure_caption`), so that a text
that cites "图2" means the same figure in the Word file, the HTML and the PDF.

Kept whole
----------
:func:`keep_whole` sets each year with its 年, each number with its unit and each rank of a
page's running text in a span of class :data:`KEPT`, which the stylesheet keeps on one line:
a browser breaks a line between any two Chinese characters, and printed ``2022`` at the end
of one line and ``年以来`` on the next.
"""

from __future__ import annotations

import functools
import html as html_lib
import re
from collections.abc import Callable

import pandas as pd

from ..labels import WORDS, word
from .format import is_missing

__all__ = ["CAPTION", "KEPT", "NOT_IN_WORD", "caption_parts", "figure_caption", "heading", "keep_whole", "kept_zh",
           "note", "to_html", "wrap"]

#: The class of an element the Word export leaves out (what only CSS draws, and notes on it).
NOT_IN_WORD: str = "linli-not-in-word"


def heading(key: str, *, lang: str = "zh", level: int = 2, **fields: object) -> str:
    """Return an HTML heading with the words ``h_<key>`` (or ``key`` when there are none).

    Examples
    --------
    >>> heading("scorecard"), heading("scorecard", lang="en", level=3)
    ('<h2>综合评价</h2>', '<h3>Scorecard</h3>')
    """
    name = f"h_{key}" if f"h_{key}" in WORDS else key
    return f"<h{level}>{html_lib.escape(word(name, lang=lang, **fields))}</h{level}>"


#: A cell at most this many half-ems wide (a CJK character counting 2) is short: it is not wrapped.
SHORT: int = 12
#: A cell at most this many half-ems wide is a phrase: wrapped between words only.
PHRASE: int = 24
#: A cell or header of two words at most this many half-ems wide is kept on one line (a name).
PAIR: int = 16


def _width(text: str) -> int:
    """A line's width in half-ems: a CJK character (or a full-width form) 2, any other 1."""
    return sum(2 if ord(ch) >= 0x2E80 else 1 for ch in text)


def _pair(text: str) -> bool:
    """Whether ``text`` is at most two words and :data:`PAIR` half-ems: a name (``Community 0137``)
    that is kept on one line."""
    return len(text.split()) <= 2 and _width(text) <= PAIR


def _name_pair(text: str) -> bool:
    """Whether a header is a name of two words (:func:`_pair`, its second word capitalised or a number).

    >>> _name_pair("Linli Index"), _name_pair("Community 0137"), _name_pair("Annual growth"), _name_pair("2022 (baseline)")
    (True, True, False, False)
    """
    words = text.split()
    return len(words) == 2 and _pair(text) and (words[1][0].isupper() or words[1][0].isdigit())


#: The width (em) the stylesheet holds a table's names at least, and the most :func:`to_html` holds them
#: so that each takes two lines at most (:func:`_two_lines_em`).
NAME_EM: tuple[float, float] = (8.0, 16.0)


def wrap(text: str, room: float, *, width: Callable[[str], int] = _width) -> tuple[int, int]:
    """The lines ``text`` takes in ``room`` half-ems (each piece as wide as ``width`` says),
    wrapped as a browser or a word processor wraps it: after any CJK character, at a space
    between Latin words, never inside a word; and the width of its last line.

    >>> # 11 characters (22), then （个/万人） 2 + 2 + 1 + 2 + 2 + 2 = 11: 33 half-ems; 6 characters (12) a line,
    >>> # 每万常住人口 · 社会组织数（ · 个/万人）, the last 2 + 1 + 2 + 2 + 2 = 9
    >>> wrap("每万常住人口社会组织数（个/万人）", 13)
    (3, 9)
    >>> wrap("Volunteer hours per volunteer", 14)  # "Volunteer" (9) · "hours per" (9) · "volunteer" (9)
    (3, 9)
    """
    lines, used = 1, 0
    for piece in re.findall(r"[\u2e80-\uffff]| *[^\u2e80-\uffff ]+", text):
        if used and used + width(piece) > room:
            lines, used, piece = lines + 1, 0, piece.lstrip()
        used += width(piece)
    return lines, used


def _two_lines_em(names: list[str]) -> float:
    """The width (em) in which every one of ``names`` takes two lines at most: the narrowest
    room r (half-ems, :func:`wrap`) that does it, over two, held within :data:`NAME_EM`.
    A CJK character is 1 em wide and a Latin one about 0.44 (Liberation Sans): counted ½ em,
    a Latin name is given about 13 % to spare, for its capitals and its m and w.

    >>> # "Service-facility floor" 16 + 1 + 5 = 22 half-ems, then "area per 100 households" 4 + 1 + 3 + 1 + 3 + 1 + 10
    >>> # = 23: r = 23, 11.5 em (in 22, "households" is left for a third line)
    >>> _two_lines_em(["Service-facility floor area per 100 households", "Volunteers"])
    11.5
    >>> # 14 characters (28) and （次/千人） 2 + 2 + 1 + 2 + 2 + 2 = 11: 39 half-ems, 10 characters (20) and 19
    >>> _two_lines_em(["每千常住人口志愿服务活动次数（次/千人）"]), _two_lines_em(["甲"])
    (10.0, 8.0)
    """
    longest = max((_width(name) for name in names), default=0)
    room = next((r for r in range(1, longest + 1) if all(wrap(name, r)[0] <= 2 for name in names)), longest)
    return min(max(room / 2, NAME_EM[0]), NAME_EM[1])


_NUMERIC = re.compile(r"^[\d\s.,%+\-−–—→±≥≈()（）至]+$")
_RANK = re.compile(r"^(\d+|—)?$")
_BOLD = re.compile(r"\*\*(.+?)\*\*")


#: Where a header may break though its stylesheet keeps CJK words whole: between a name and the
#: year after it.
_NAME_THEN_YEAR = re.compile(r"(?<=[\u4e00-\u9fff])(?=\d{4}年)")


def _header(text: str) -> str:
    """A header's HTML: escaped, and free to break between a name and its year, so that
    ``人民街道2024年`` (kept whole, 7 characters wide) does not leave the indicator names of
    the five-society table three lines each.

    >>> _header("人民街道2024年"), _header("上年（2023年）"), _header("R&D")
    ('人民街道<wbr>2024年', '上年（2023年）', 'R&amp;D')
    """
    return _NAME_THEN_YEAR.sub("<wbr>", html_lib.escape(text))


def _inline(text: str) -> str:
    return _BOLD.sub(r"<strong>\1</strong>", html_lib.escape(text))


def to_html(obj: pd.DataFrame | str, *, note: str | None = None, empty: str | None = None) -> str:
    """Return the HTML of a table from this module, or of a short text.

    A DataFrame becomes ``<table class="linli-table">`` without its index, cells
    escaped, columns whose every cell is number-like (digits, %, ranges, arrows, dashes)
    right-aligned (``class="num"``) with their header (the first, the rows' names, only
    when it holds whole numbers alone: a rank), other columns (the first aside)
    whose every cell is at most :data:`SHORT` half-ems wide, or two words at most
    :data:`PAIR` wide, kept on one line (``class="short"``: a status, a change in points, a
    name such as ``Community 0137``; a header of two such words too) and those of cells at most
    :data:`PHRASE` half-ems wide wrapped between words only (``class="words"``: a rank
    interval, a name with its kind), rows with a true
    ``_highlight`` in bold. A string becomes paragraphs (blank-line separated) and
    bullet lists (lines starting ``- ``), with ``**bold**``. ``note`` adds a small
    paragraph under it; ``empty`` replaces a table without rows (and its note).

    Examples
    --------
    >>> to_html(pd.DataFrame({"指标": ["甲"], "值": ["1.5%"]}))
    '<table class="linli-table"><thead><tr><th>指标</th><th class="num">值</th></tr></thead><tbody><tr><td>甲</td><td class="num">1.5%</td></tr></tbody></table>'
    >>> to_html(pd.DataFrame({"指标": ["甲", "乙"], "进展": ["显著进展", "不计分"]}))[-61:]
    '<tr><td>乙</td><td class="short">不计分</td></tr></tbody></table>'
    >>> to_html("- **a**: b\\n- c")
    '<ul class="linli-list"><li><strong>a</strong>: b</li><li>c</li></ul>'
    """
    esc = html_lib.escape
    if isinstance(obj, str):
        out: list[str] = []
        for block in re.split(r"\n\s*\n", obj.strip()):
            lines = block.splitlines()
            if lines and all(ln.startswith("- ") for ln in lines):
                out.append('<ul class="linli-list">' + "".join(f"<li>{_inline(ln[2:])}</li>" for ln in lines) + "</ul>")
            elif block.strip():
                out.append(f"<p>{_inline(' '.join(lines))}</p>")
        body = "".join(out)
    elif len(obj) == 0 and empty is not None:
        return f'<p class="linli-note">{_inline(empty)}</p>'
    else:
        frame = obj
        flags = frame["_highlight"].fillna(False).astype(bool).tolist() if "_highlight" in frame else [False] * len(frame)
        shown = [c for c in frame.columns if not str(c).startswith("_")]
        cells = [["" if is_missing(v) else str(v) for v in values] for values in frame[shown].itertuples(index=False)]
        # a column is right-aligned when every cell in it is a number (or a range, a change, a dash); the first
        # only when it is all whole numbers and dashes (a rank), which the stylesheet then does not hold 8 em wide
        numeric = [(k > 0 and all(not c[k] or _NUMERIC.match(c[k]) for c in cells)
                    or k == 0 and all(_RANK.match(c[k]) for c in cells)) and any(c[k] for c in cells)
                   for k in range(len(shown))]
        # a column of short words (a status, a change in points) is kept on one line: "显著进展", never "显著 / 进展";
        # so is one of names of two words at most: "Community 0137", never "Community / 0137"
        short = [k > 0 and not numeric[k] and any(c[k] for c in cells)
                 and all(_width(line) <= SHORT or _pair(line) for c in cells for line in c[k].splitlines())
                 for k in range(len(shown))]
        # a column of phrases (a rank interval, a name with its kind) breaks between words only: "第1–3名 /
        # （中位数第2名）", never "第1–3名（中位数第2 / 名）"
        phrases = [k > 0 and not numeric[k] and not short[k] and any(c[k] for c in cells)
                   and all(_width(line) <= PHRASE for c in cells for line in c[k].splitlines()) for k in range(len(shown))]
        attr = [' class="num"' if n else ' class="short"' if s else ' class="words"' if w else ""
                for n, s, w in zip(numeric, short, phrases, strict=True)]
        # a header of two words that is a name ("Linli Index", "Renmin Street") is not broken into one word a
        # line; others may be ("Annual / growth", "2022 / (baseline)"): kept whole, they took the names' room
        head_class = [" ".join(["num"] * numeric[k] + ["short"] * _name_pair(str(c))) for k, c in enumerate(shown)]
        head_attr = [f' class="{cls}"' if cls else "" for cls in head_class]
        # the names (the first column) are held wide enough for two lines each: in auto layout a column of long
        # texts (the targets' sources) took all the room, and "Service-facility / floor area per / 100 households"
        if not numeric[0] and (em := _two_lines_em([line for c in cells for line in c[0].splitlines()])) > NAME_EM[0]:
            head_attr[0] += f' style="min-width: {em:g}em"'
        head = "".join(f"<th{a}>{_header(str(c))}</th>" for a, c in zip(head_attr, shown, strict=True))
        rows = []
        for flag, values in zip(flags, cells, strict=True):
            tds = "".join(f"<td{attr[k]}>{esc(v)}</td>" for k, v in enumerate(values))
            row_class = ' class="hl"' if flag else ""
            rows.append(f"<tr{row_class}>{tds}</tr>")
        body = (f'<table class="linli-table"><thead><tr>{head}</tr></thead>'
                f"<tbody>{''.join(rows)}</tbody></table>")
    if note:
        body += f'<p class="linli-note">{_inline(note)}</p>'
    return body


def note(key: str, *, lang: str = "zh", **fields: object) -> str:
    """Return the words ``key`` as a small note under a table or figure (HTML).

    Examples
    --------
    >>> note("n_map", lang="en")
    '<p class="linli-note">Illustrative map, not surveyed.</p>'
    """
    return f'<p class="linli-note">{_inline(word(key, lang=lang, **fields))}</p>'


#: The class of a figure's caption in the HTML (:func:`figure_caption`).
CAPTION: str = "linli-caption"


def caption_parts(title: str, *, lang: str = "zh") -> tuple[str, str]:
    """Return what a figure's caption says before its number and after it: the label
    ``docx.figure`` of :mod:`linli.labels`, then the title after two spaces (Chinese) or
    a full stop (English); nothing after the number for a figure without a title.

    Examples
    --------
    >>> caption_parts("实验区各社区"), caption_parts("Zone", lang="en"), caption_parts("", lang="en")
    (('图', '  实验区各社区'), ('Figure ', '. Zone'), ('Figure ', ''))
    """
    before = word("docx.figure", lang=lang) + ("" if lang == "zh" else " ")
    after = (("  " if lang == "zh" else ". ") + title) if title else ""
    return before, after


def figure_caption(number: int, title: str, *, lang: str = "zh") -> str:
    """Return the HTML caption of figure ``number`` (:func:`caption_parts`), the words as the
    Word caption has them: its spaces are kept (class :data:`CAPTION`, see ``report.css``).

    Examples
    --------
    >>> figure_caption(2, "A & B", lang="en")
    '<figcaption class="linli-caption">Figure 2. A &amp; B</figcaption>'
    """
    before, after = caption_parts(title, lang=lang)
    text = html_lib.escape(f"{before}{number}{after}", quote=False)
    return f'<figcaption class="{CAPTION}">{text}</figcaption>'


@functools.cache
def kept_zh() -> re.Pattern[str]:
    """A Chinese number with what it counts or measures, which a line must not break inside:
    a year and its 年 (``2025年``, ``2022–2024 年``), a number and its unit — a unit of the
    catalogue's indicators whole (``30.0 平方米/百户``, ``+3.5个百分点``), else the character
    after the number (``4 个``, ``28 项``) — with the comparison before it (``> 30.0 平方米/百户``).

    >>> kept_zh().findall("（目标，2025年）：达标；> 30.0 平方米/百户，在 4 个社区中，96%以上")
    ['2025年', '> 30.0 平方米/百户', '4 个', '96%以']
    """
    from ..indicators import catalogue

    units = {i.unit.zh for i in catalogue.load().indicators if len(i.unit.zh) > 1} | {"个百分点"}
    unit = "|".join(re.escape(u) for u in sorted(units, key=len, reverse=True))
    return re.compile(rf"((?:[<>≤≥=] )?[+\-−]?\d[\d.,–]*%? ?(?:{unit}|[\u4e00-\u9fff]))")


#: The class of a piece of running text kept on one line (:func:`keep_whole`).
KEPT: str = "linli-kept"
#: An English rank or median with its number (``rank 174–192``, ``median 181``, ``rank 3 of 200``), a comparison and
#: its number (``> 30.0``), a number and the first word of its unit (``30.0 m²``, ``100 households``, ``300 m``).
_KEPT_EN = re.compile(r"\b(?:rank|median) \d+(?:–\d+)?(?: of \d+)?|[<>≤≥=] [+\-−]?\d[\d.,–]*%?(?: (?:{unit})\b)?"
                      r"|[+\-−]?\d[\d.,–]*%? (?:{unit})\b".format(unit="m²|m|households|persons|hours|days|count|per"))
#: A Chinese rank (``第174–192名``).
_RANK_ZH = r"第\d+(?:–\d+)?名"


@functools.cache
def _kept(lang: str) -> re.Pattern[str]:
    """What :func:`keep_whole` keeps on one line in ``lang``."""
    return re.compile(f"{_RANK_ZH}|{kept_zh().pattern}") if lang == "zh" else _KEPT_EN


#: A tag, a comment, or the text between them; the elements whose text is not running text (a report table
#: keeps its cells as its stylesheet says), and those whose content is not text at all.
_MARKUP = re.compile(r"<!--.*?-->|<(/?)([A-Za-z][\w:-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>", re.S)
_NOT_RUNNING = frozenset({"head", "svg", "math", "pre", "code", "textarea", "title"})
_RAW = frozenset({"script", "style"})


def keep_whole(page: str, *, lang: str = "zh") -> str:
    """Return the HTML ``page`` with each year and its 年, number and its unit, and rank of its running text
    in a span of class :data:`KEPT` (kept on one line): Chinese :func:`kept_zh` and ``第1–3名``; English
    ``rank 1–3``, ``30.0 m²``. A report table (``linli-table``, its cells kept as its stylesheet says), the
    head, scripts, styles, code and SVG are left as they are.

    Examples
    --------
    >>> keep_whole("<p>2022年以来，在4个社区中排第1名</p>")
    '<p><span class="linli-kept">2022年</span>以来，在<span class="linli-kept">4个</span>社区中排<span class="linli-kept">第1名</span></p>'
    >>> keep_whole("<p>目标 &gt; 30.0 平方米/百户</p>")
    '<p>目标 <span class="linli-kept">&gt; 30.0 平方米/百户</span></p>'
    >>> keep_whole('<table class="linli-table"><td>2025年</td></table><p title="2025年">rank 1–3 of 4; 57.6</p>', lang="en")
    '<table class="linli-table"><td>2025年</td></table><p title="2025年"><span class="linli-kept">rank 1–3 of 4</span>; 57.6</p>'
    >>> keep_whole("<style>p::before { content: '2022年'; }</style><svg><text>1 个</text></svg><p>30.0 m² per 100, 300 m</p>", lang="en")
    '<style>p::before { content: \\'2022年\\'; }</style><svg><text>1 个</text></svg><p><span class="linli-kept">30.0 m²</span> per 100, <span class="linli-kept">300 m</span></p>'
    """
    pattern = _kept(lang)

    def kept(text: str) -> str:
        plain = html_lib.unescape(text)
        out, at = [], 0
        for m in pattern.finditer(plain):
            out += [html_lib.escape(plain[at:m.start()], quote=False),
                    f'<span class="{KEPT}">{html_lib.escape(m.group(), quote=False)}</span>']
            at = m.end()
        return "".join(out) + html_lib.escape(plain[at:], quote=False) if out else text

    lower = page.lower()
    out, at, skip, depth = [], 0, "", 0
    while (m := _MARKUP.search(page, at)) is not None:
        out.append(page[at:m.start()] if skip else kept(page[at:m.start()]))
        closing, name, attrs = m.group(1), (m.group(2) or "").lower(), m.group(3) or ""
        at = m.end()
        if not closing and name in _RAW:  # up to its end tag, whatever it holds
            end = lower.find(f"</{name}", at)
            at = len(page) if end < 0 else end
        elif skip and name == skip and not attrs.rstrip().endswith("/"):
            depth += -1 if closing else 1
            skip = "" if depth == 0 else skip
        elif not skip and not closing and not attrs.rstrip().endswith("/") and name in _NOT_RUNNING:
            skip, depth = name, 1
        out.append(page[m.start():at])
    out.append(page[at:] if skip else kept(page[at:]))
    return "".join(out)
