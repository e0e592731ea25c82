"""Chinese-capable fonts for matplotlib, found once and set through one helper.

Every figure in linli carries Chinese text. :func:`use_cjk_font` finds a CJK sans-serif
font among those installed, registers it with matplotlib and sets ``rcParams`` so that
Chinese renders with no missing-glyph boxes. Plot and map functions call it themselves;
the search runs once per process, later calls only re-apply three ``rcParams``.

Where the font comes from, in order:

1. the font file shipped inside the ``mplfonts`` wheel (Noto Sans CJK SC, SIL OFL),
   which ``pip install linli`` brings in — so a pip-only or conda (pip section)
   install renders Chinese with nothing else to install and nothing downloaded;
2. any preferred family matplotlib already knows (``PREFERRED_FAMILIES``), e.g. Debian's
   ``fonts-noto-cjk`` that ``scripts/install-system-deps.sh`` installs for Chromium;
3. the system font directories, searched by file name, for fonts installed after
   matplotlib built its font cache.

No font is ever downloaded. When none is found, :class:`~linli.errors.LinliError` says
how to install one.

Tunables
--------
``PREFERRED_FAMILIES``  CJK families tried in order
``FALLBACK_FAMILY``     Latin fallback kept after the CJK family (``DejaVu Sans``)
"""

from __future__ import annotations

import importlib.util
import logging
import re
from pathlib import Path

import matplotlib as mpl
from matplotlib import font_manager

from ..errors import LinliError

log = logging.getLogger(__name__)

#: CJK (simplified Chinese) sans-serif families, most preferred first.
PREFERRED_FAMILIES: tuple[str, ...] = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Noto Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Sarasa Gothic SC",
    "Microsoft YaHei",
    "PingFang SC",
    "Heiti SC",
    "SimHei",
)

#: Latin fallback kept after the CJK family in ``font.sans-serif``.
FALLBACK_FAMILY: str = "DejaVu Sans"

#: (module, file inside it) of font files that pip packages ship.
PACKAGED_FONTS: tuple[tuple[str, str], ...] = (
    ("mplfonts", "fonts/NotoSansCJKsc-Regular.otf"),
)

#: File names of system CJK fonts worth registering when matplotlib's cache missed them.
_SYSTEM_FILE_PATTERN = re.compile(
    r"(notosanscjk|notosanssc|sourcehansans|wqy-?(microhei|zenhei)|sarasa|msyh|pingfang|simhei)",
    re.IGNORECASE,
)

_INSTALL_HINT = (
    "No Chinese-capable font found for matplotlib. Install one of: "
    "`pip install mplfonts==0.0.11` (ships Noto Sans CJK SC), "
    "`sudo scripts/install-system-deps.sh --fonts-only` (Debian/Ubuntu: fonts-noto-cjk), "
    "or any of these families through your system's font manager: "
    f"{', '.join(PREFERRED_FAMILIES)}."
)

_chosen: str | None = None
#: Whether the Latin family leads (:func:`use_language`).
_latin_first: bool = False


def packaged_font_files() -> list[Path]:
    """Return the CJK font files that installed pip packages ship.

    The packages are located with :func:`importlib.util.find_spec`, without importing them.

    Returns
    -------
    list[Path]
        Existing font files, in ``PACKAGED_FONTS`` order.
    """
    out: list[Path] = []
    for module, relative in PACKAGED_FONTS:
        try:
            spec = importlib.util.find_spec(module)
        except (ImportError, ValueError):  # pragma: no cover - broken installs
            spec = None
        if spec is None or not spec.submodule_search_locations:
            continue
        for location in spec.submodule_search_locations:
            path = Path(location) / relative
            if path.is_file():
                out.append(path)
                break
    return out


def _known_families() -> set[str]:
    return {entry.name for entry in font_manager.fontManager.ttflist}


def _register(path: Path) -> None:
    """Add a font file to matplotlib unless it already serves a preferred family.

    A collection (``.ttc``) can be known for some faces (JP, KR …) and not for the SC one,
    so a file counts as registered only when one of its entries is a preferred family.
    """
    known = {entry.fname for entry in font_manager.fontManager.ttflist
             if entry.name in PREFERRED_FAMILIES}
    if str(path) in known:
        return
    try:
        font_manager.fontManager.addfont(str(path))
    except (OSError, RuntimeError, ValueError) as exc:  # unreadable font file
        log.debug("cannot register font %s: %s", path, exc)


def _first_preferred(families: set[str]) -> str | None:
    for family in PREFERRED_FAMILIES:
        if family in families:
            return family
    return None


def find_cjk_font() -> str:
    """Find a CJK font, registering it with matplotlib when needed.

    Returns
    -------
    str
        The family name, e.g. ``"Noto Sans CJK SC"``.

    Raises
    ------
    LinliError
        When no Chinese-capable font is installed; the message says how to install one.
    """
    for path in packaged_font_files():
        _register(path)
    family = _first_preferred(_known_families())
    if family is None:
        for fname in font_manager.findSystemFonts(fontext="ttf") + font_manager.findSystemFonts(
            fontext="otf"
        ):
            if _SYSTEM_FILE_PATTERN.search(Path(fname).name.replace(" ", "")):
                _register(Path(fname))
        family = _first_preferred(_known_families())
    if family is None:
        raise LinliError(_INSTALL_HINT)
    return family


def use_language(lang: str) -> None:
    """Set which script leads the fonts of the figures drawn from now on in this process.

    Chinese (``zh``, the default) puts the CJK family first; any other language puts
    the Latin family (:data:`FALLBACK_FAMILY`) first and keeps the CJK family as the
    fallback for a Chinese proper name, so that English text is not set in the CJK
    font's Latin letters. A report notebook calls it once with its language.

    Examples
    --------
    >>> import matplotlib as mpl
    >>> use_language("en"); _ = use_cjk_font(); mpl.rcParams["font.sans-serif"][0]
    'DejaVu Sans'
    >>> use_language("zh"); use_cjk_font() == mpl.rcParams["font.sans-serif"][0]
    True
    """
    global _latin_first
    _latin_first = lang != "zh"


def use_cjk_font() -> str:
    """Make matplotlib render Chinese: find a CJK font once, then set ``rcParams``.

    Sets ``font.family`` to sans-serif, puts the CJK family first in ``font.sans-serif``
    (``DejaVu Sans`` kept as a fallback; the other way round after
    ``use_language("en")``) and ``axes.unicode_minus`` to False. The
    search runs on the first call only; every call re-applies the three settings, so a
    ``plt.rcdefaults()`` in between does no harm.

    Returns
    -------
    str
        The CJK family in use.

    Raises
    ------
    LinliError
        When no Chinese-capable font is installed.

    Examples
    --------
    >>> family = use_cjk_font()
    >>> import matplotlib as mpl
    >>> mpl.rcParams["font.sans-serif"][0] == family
    True
    """
    global _chosen
    if _chosen is None:
        _chosen = find_cjk_font()
        log.debug("CJK font: %s", _chosen)
    rc = mpl.rcParams
    if list(rc["font.family"]) != ["sans-serif"]:
        rc["font.family"] = ["sans-serif"]
    current = list(rc["font.sans-serif"])
    lead = [FALLBACK_FAMILY, _chosen] if _latin_first else [_chosen, FALLBACK_FAMILY]
    if current[:2] != lead:
        rest = [f for f in current if f not in (_chosen, FALLBACK_FAMILY)]
        rc["font.sans-serif"] = [*lead, *rest]
    rc["axes.unicode_minus"] = False
    return _chosen


def cjk_font_file() -> tuple[Path, int]:
    """Return the file (and face index in a collection) that renders the CJK family.

    Returns
    -------
    tuple[Path, int]
        Font file and face index (0 unless the file is a ``.ttc`` collection).

    Examples
    --------
    >>> path, index = cjk_font_file()
    >>> path.is_file()
    True
    """
    family = use_cjk_font()
    prop = font_manager.FontProperties(family=[family])
    fname = font_manager.findfont(prop, fallback_to_default=False)
    for entry in font_manager.fontManager.ttflist:
        if entry.fname == fname and entry.name == family:
            return Path(fname), int(getattr(entry, "index", 0) or 0)
    return Path(fname), 0
