"""The offline guard: find, and remove, whatever would make a report page use the network.

A report must open with no network: :func:`remote_resources` lists every address an
HTML page would fetch by itself (scripts, styles, images, fonts, imports) and
:func:`strip_remote` removes them. ``<a href="https://…">`` links that cite a source
stay: they are navigation, never fetched.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

__all__ = ["remote_resources", "strip_remote"]

_REMOTE_PREFIXES = ("http://", "https://", "//", "ftp://")
_FETCHED_ATTRS = frozenset({"src", "poster", "data", "background", "srcset"})
_RE_CSS_URL = re.compile(r"""url\(\s*['"]?\s*([^'")\s]+)""", re.IGNORECASE)
_RE_CSS_IMPORT = re.compile(r"""@import\s+(?:url\(\s*)?['"]?\s*([^'")\s;]+)""", re.IGNORECASE)
_RE_JS_IMPORT = re.compile(r"""\bimport\s*\(\s*['"]([^'"]+)|\bimport\s[^;'"]*?from\s*['"]([^'"]+)""")


def _is_remote(url: str) -> bool:
    return url.strip().lower().startswith(_REMOTE_PREFIXES)


class _ResourceParser(HTMLParser):
    """Collect every URL an HTML page would fetch by itself."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._raw: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            urls: list[str] = []
            if name == "srcset":
                urls = [part.strip().split(" ")[0] for part in value.split(",")]
            elif name in _FETCHED_ATTRS or (
                name in ("href", "xlink:href") and tag in ("link", "base", "image", "use", "feimage", "script")
            ):
                urls = [value]
            elif name == "style":
                self._css(value)
            self.found += [u for u in urls if _is_remote(u)]
        if tag in ("style", "script"):
            self._raw = tag

    def handle_endtag(self, tag: str) -> None:
        if tag == self._raw:
            self._raw = None

    def handle_data(self, data: str) -> None:
        if self._raw == "style":
            self._css(data)
        elif self._raw == "script":
            for m in _RE_JS_IMPORT.finditer(data):
                url = m.group(1) or m.group(2)
                if _is_remote(url):
                    self.found.append(url)

    def _css(self, css: str) -> None:
        for rx in (_RE_CSS_URL, _RE_CSS_IMPORT):
            self.found += [u for u in rx.findall(css) if _is_remote(u)]


def remote_resources(html: str) -> list[str]:
    """Return the network resources an HTML page would fetch when opened.

    Counted: ``src``, ``srcset``, ``poster``, ``data`` and ``background`` of any element,
    ``href`` of ``<link>``, ``<base>``, ``<script>`` and SVG ``<image>``/``<use>``,
    ``url()`` and ``@import`` in CSS, and ``import`` in scripts. Hyperlinks
    (``<a href>``) are not resources. Each address is listed once.

    Examples
    --------
    >>> remote_resources('<script src="https://cdn.example/x.js"></script><a href="https://gov.cn">src</a>')
    ['https://cdn.example/x.js']
    >>> remote_resources('<img src="data:image/png;base64,AAAA">')
    []
    """
    parser = _ResourceParser()
    parser.feed(html)
    parser.close()
    return list(dict.fromkeys(parser.found))


_RE_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
_RE_LINK = re.compile(r"<(?:link|base)\b([^>]*)>", re.IGNORECASE)
_RE_SRC = re.compile(r"""\b(?:src|href)\s*=\s*['"]?\s*([^'"\s>]+)""", re.IGNORECASE)
_RE_ATTR = re.compile(
    r"""\b(src|srcset|poster|data|background|xlink:href)\s*=\s*(['"])\s*(?:https?:|ftp:)?//[^'"]*\2""", re.IGNORECASE
)
_RE_IMPORT = re.compile(r"""@import\s+(?:url\()?\s*['"]?\s*(?:https?:|ftp:)?//[^;]*;""", re.IGNORECASE)
_RE_URL = re.compile(r"""url\(\s*(['"]?)\s*(?:https?:|ftp:)?//[^)]*\)""", re.IGNORECASE)


def _drop_remote_script(m: re.Match[str]) -> str:
    src = _RE_SRC.search(m.group(1))
    if src and _is_remote(src.group(1)):
        return ""
    if any(_is_remote(a or b) for a, b in _RE_JS_IMPORT.findall(m.group(2))):
        return ""
    return m.group(0)


def _drop_remote_link(m: re.Match[str]) -> str:
    href = _RE_SRC.search(m.group(1))
    return "" if href and _is_remote(href.group(1)) else m.group(0)


def strip_remote(html: str) -> str:
    """Remove what would make a page fetch from the network; leave the rest as is.

    Scripts and style links with a remote address are dropped; remote ``src``-like
    attributes, CSS ``url()`` and ``@import`` are emptied. A page without remote
    resources is returned unchanged.

    Examples
    --------
    >>> strip_remote('<p>x</p><script src="https://cdn.example/require.js"></script>')
    '<p>x</p>'
    >>> strip_remote('<img src="http://tile.example/1.png" alt="map">')
    '<img src="" alt="map">'
    """
    if not remote_resources(html):
        return html
    html = _RE_SCRIPT.sub(_drop_remote_script, html)
    html = _RE_LINK.sub(_drop_remote_link, html)
    html = _RE_ATTR.sub(r"\1=\2\2", html)
    html = _RE_IMPORT.sub("", html)
    return _RE_URL.sub("url()", html)
