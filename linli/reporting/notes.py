"""The evaluator's own words: the notes on a unit, rendered as a report section.

An evaluator writes findings and recommendations (问题与建议) in Markdown,
``notes/<unit_id>.md`` (and ``notes/<unit_id>.en.md`` for the English report) in the
data folder (:func:`linli.dataset.read_notes`). :func:`notes_html` renders the note of
the report's language under the heading "评估意见与建议" / "Evaluator's findings and
recommendations"; without a note there is no section.

A note is text, never a page of its own: rendered by mistune with HTML escaped (a
``<script>`` or any tag in the note shows as text), links only to the protocols mistune
deems safe (``javascript:`` and the like are cut), no image at all — an image would be a
file or an address the report cannot carry offline, so its alt text stands in its place,
in brackets — and its headings set below the section's (``#`` becomes ``<h3>``).
"""

from __future__ import annotations

import html as html_lib
from typing import Any

from ..handoff import UnitSlice
from ..labels import check_lang, word
from .render import heading

__all__ = ["markdown_html", "notes_html"]

#: The level a note's ``#`` heading takes (the section's own heading is ``<h2>``).
TOP_LEVEL: int = 3


def _renderer() -> Any:
    from mistune import HTMLRenderer

    class _NoteRenderer(HTMLRenderer):
        """mistune's HTML, escaped, without images, headings moved below the section's."""

        def image(self, text: str, url: str, title: str | None = None) -> str:
            return f'<span class="linli-note-image">[{text}]</span>'  # text is escaped by mistune already

        def heading(self, text: str, level: int, **attrs: Any) -> str:
            shown = min(level + TOP_LEVEL - 1, 6)
            return f"<h{shown}>{text}</h{shown}>\n"

    return _NoteRenderer(escape=True)


def markdown_html(text: str) -> str:
    """Return a note's Markdown as safe HTML: escaped tags, safe links, no images.

    Examples
    --------
    >>> markdown_html("# 问题\\n\\n- **台账**不全 <script>x()</script>\\n")
    '<h3>问题</h3>\\n<ul>\\n<li><strong>台账</strong>不全 &lt;script&gt;x()&lt;/script&gt;</li>\\n</ul>\\n'
    >>> markdown_html("![map](http://example.com/a.png) [x](javascript:alert(1))")
    '<p><span class="linli-note-image">[map]</span> <a href="#harmful-link">x</a></p>\\n'
    """
    import mistune

    md = mistune.create_markdown(escape=True, renderer=_renderer(), plugins=["table", "strikethrough"])
    return str(md(text))


def notes_html(res: UnitSlice, *, lang: str = "zh") -> str:
    """Return the section of the evaluator's notes on ``res`` in ``lang``; ``""`` without a note.

    Examples
    --------
    >>> from linli.testing import example_unit
    >>> notes_html(example_unit())
    ''
    """
    check_lang(lang)
    text = res.note(lang)
    if text is None or not text.strip():
        return ""
    return (heading("notes", lang=lang) + '<div class="linli-notes">' + markdown_html(text) + "</div>"
            + f'<p class="linli-note">{html_lib.escape(word("n_notes", lang=lang))}</p>')
