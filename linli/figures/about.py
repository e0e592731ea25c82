"""What a figure is about: a stable file name, its title and its alt text.

Every report figure carries a :class:`FigureInfo` (:func:`describe`): the name its files
take (``dimension-scores``, ``map-xiangbei`` …), its title, and an alt text in the
figure's language, drawn from the title and from what the figure shows ("Bar chart,
Dimension scores, Xiangbei: 5 dimensions scored 0–100 …"). The reports put the alt text
on the image in HTML, PDF and Word, and write the figure's files under its name.
:func:`figure_info` reads it back, and makes one up from the figure's title for a
figure drawn elsewhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from matplotlib.axes import Axes
from matplotlib.figure import Figure

__all__ = ["FigureInfo", "describe", "figure_info", "slug"]

_ATTRIBUTE = "_linli_info"


@dataclass(frozen=True)
class FigureInfo:
    """A figure's file name stem, title and alt text."""

    name: str
    title: str
    alt: str


def slug(text: str) -> str:
    """Return ``text`` as a file name stem: lower-case ASCII letters, digits and ``-``.

    Examples
    --------
    >>> slug("Map: Xiangbei (2024)"), slug("湘北"), slug("lin_zhi")
    ('map-xiangbei-2024', 'figure', 'lin-zhi')
    """
    stem = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return stem[:60].rstrip("-") or "figure"


def _title(fig: Figure) -> str:
    for ax in fig.get_axes():
        for loc in ("left", "center", "right"):
            text = " ".join(line.strip() for line in ax.get_title(loc=loc).splitlines()).strip()
            if text:  # a title of two lines reads as one
                return text
    suptitle = fig.get_suptitle() if hasattr(fig, "get_suptitle") else ""
    return str(suptitle).strip()


def describe(fig: Figure, *, name: str, alt: str) -> FigureInfo:
    """Attach a name and an alt text to ``fig`` (the title is read from its axes) and return them.

    ``alt`` may hold ``{title}``, replaced by the figure's title.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> _ = ax.set_title("各维度得分", loc="left")
    >>> describe(fig, name="Dimension scores", alt="条形图，{title}：5个维度。")
    FigureInfo(name='dimension-scores', title='各维度得分', alt='条形图，各维度得分：5个维度。')
    >>> plt.close(fig)
    """
    title = _title(fig)
    info = FigureInfo(slug(name), title, alt.replace("{title}", title).strip())
    setattr(fig, _ATTRIBUTE, info)
    return info


def figure_info(fig: Figure | Axes) -> FigureInfo:
    """Return what :func:`describe` attached to the figure, or, for a figure without it,
    one made from its title (name ``figure`` when it has none)."""
    figure = fig.get_figure(root=True) if isinstance(fig, Axes) else fig
    info = getattr(figure, _ATTRIBUTE, None)
    if isinstance(info, FigureInfo):
        return info
    title = _title(figure)  # type: ignore[arg-type]
    return FigureInfo(slug(title), title, title)
