"""The name of every file a build writes for a unit, so that languages and formats coexist.

One folder ``OUT/<year>`` holds every unit's reports in every language built into it:
the default language (the first of :data:`linli.labels.LANGS`, Chinese) keeps the plain
names, another language adds its code before the extension::

    renmin.html  renmin.pdf  renmin.ipynb          (zh, the default)
    renmin.en.html  renmin.en.pdf  renmin.en.ipynb  (en)
    renmin.json                                     (the unit's numbers: no language)
    index.html  index.en.html                       (the index pages: :func:`index_name`)

:func:`output_name` is the one place these names are made; :func:`parse_output_name`
reads one back (the index page lists what is on disk with it). Unit ids are letters,
digits, ``_`` and ``-`` (:data:`linli.contract.ID_PATTERN`), so a dot always separates
the parts.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from .. import contract
from ..labels import LANGS, check_lang

__all__ = ["DEFAULT_LANG", "LANG_FREE", "OutputName", "index_name", "key_name", "output_name", "parse_output_name"]

#: The language whose files keep the plain names.
DEFAULT_LANG: str = LANGS[0]
#: Kinds of file that are the same in every language (the unit's numbers).
LANG_FREE: tuple[str, ...] = ("json",)
_KIND = re.compile(r"[a-z0-9]+")


class OutputName(NamedTuple):
    """A file name read back: its unit, language (``None`` for a language-free kind) and kind."""

    unit_id: str
    lang: str | None
    kind: str


def output_name(unit_id: str, kind: str, *, lang: str = DEFAULT_LANG) -> str:
    """Return the file name of ``unit_id``'s output of ``kind`` (its extension) in ``lang``.

    Examples
    --------
    >>> output_name("renmin", "html"), output_name("renmin", "pdf", lang="en")
    ('renmin.html', 'renmin.en.pdf')
    >>> output_name("renmin", "json", lang="en")  # the numbers have no language
    'renmin.json'
    """
    check_lang(lang)
    if kind in LANG_FREE or lang == DEFAULT_LANG:
        return f"{unit_id}.{kind}"
    return f"{unit_id}.{lang}.{kind}"


def key_name(unit_id: str, *, lang: str = DEFAULT_LANG) -> str:
    """Return the name of the cache-key file of ``unit_id``'s report in ``lang``.

    Examples
    --------
    >>> key_name("renmin"), key_name("renmin", lang="en")
    ('renmin.key', 'renmin.en.key')
    """
    return output_name(unit_id, "key", lang=lang)


def index_name(lang: str = DEFAULT_LANG) -> str:
    """Return the file name of an index page in ``lang``: each language has its own, so that a
    build in one language never turns the other's page into it.

    Examples
    --------
    >>> index_name(), index_name("en")
    ('index.html', 'index.en.html')
    """
    return output_name("index", "html", lang=lang)


def parse_output_name(name: str) -> OutputName | None:
    """Read a file name made by :func:`output_name` back; ``None`` for any other name.

    Examples
    --------
    >>> parse_output_name("renmin.en.pdf")
    OutputName(unit_id='renmin', lang='en', kind='pdf')
    >>> parse_output_name("renmin.html"), parse_output_name("renmin.json")
    (OutputName(unit_id='renmin', lang='zh', kind='html'), OutputName(unit_id='renmin', lang=None, kind='json'))
    >>> parse_output_name("index.html.part") is None, parse_output_name(".renmin.pdf.part") is None
    (True, True)
    """
    parts = name.split(".")
    if len(parts) == 2:  # unit.kind
        unit_id, kind = parts
        lang: str | None = None if kind in LANG_FREE else DEFAULT_LANG
    elif len(parts) == 3 and parts[1] in LANGS and parts[1] != DEFAULT_LANG and parts[2] not in LANG_FREE:
        unit_id, lang, kind = parts
    else:
        return None
    if not re.fullmatch(contract.ID_PATTERN, unit_id) or not _KIND.fullmatch(kind):
        return None
    return OutputName(unit_id, lang, kind)
