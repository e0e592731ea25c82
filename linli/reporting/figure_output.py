"""How a report's kernel shows a figure: a PNG with its alt text, and the figure's own files.

:func:`install` is run by the report kernel at start-up (a build passes it to the kernel,
see :func:`linli.reporting.notebook.run_notebook`'s ``startup``). From then on, showing a
matplotlib figure (``display(fig)``) gives:

* the PNG the notebook shows, with the figure's alt text
  (:func:`linli.figures.about.figure_info`) in the output's ``image/png`` metadata —
  nbconvert writes it as ``<img alt>`` in the HTML, Chromium carries it into the tagged
  PDF, the Word export onto the picture — and the figure's name and title
  (``metadata["image/png"]["linli"]``) for the Word caption;
* when ``figures_dir`` is given, the figure's files ``<figures_dir>/<name>.png`` (300 dpi)
  and ``<name>.svg`` (text drawn as paths, so that Chinese shows without its font; no
  date, a fixed hash salt), for slides and documents. A name shown twice in one report
  gets ``-2``, ``-3`` … in the order shown.

The same figure gives the same bytes in every file.

A figure shown is laid out once (:func:`laid_out`: its layout engine and its tight
bounding box), and each of its three images is then drawn once at that box: with
``bbox_inches="tight"`` and constrained layout, every ``savefig`` would lay the figure
out and draw it twice, and the figures are most of what a report's kernel spends. The
inline backend's own figure formats are switched off, so that it does not draw the
figure a fourth time (and replace the PNG shown by its own).
"""

from __future__ import annotations

import base64
import contextlib
import io
import logging
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure
from matplotlib.transforms import Bbox

from ..figures.about import figure_info

log = logging.getLogger(__name__)

__all__ = ["FIGURE_DPI", "figure_bundle", "install", "laid_out", "save_figure_files"]

#: Resolution of the PNG files.
FIGURE_DPI: int = 300
#: ``svg.hashsalt``: the ids inside an SVG, fixed.
SVG_SALT: str = "linli"


@contextlib.contextmanager
def laid_out(fig: Figure) -> Iterator[Bbox]:
    """Lay ``fig`` out once and give its tight bounding box (inches, padded as ``savefig`` pads).

    Inside the block the figure's layout engine is off (the layout just made stays), so
    that ``savefig(..., bbox_inches=box)`` draws the figure once, at any resolution; the
    engine is back afterwards.
    """
    import matplotlib as mpl

    fig.draw_without_rendering()  # runs the layout engine, as a tight savefig would
    box = fig.get_tightbbox(fig.canvas.get_renderer()).padded(mpl.rcParams["savefig.pad_inches"])
    # with any engine set, even "none"'s placeholder, savefig lays the figure out again
    # (a draw without rendering): there is no public way to have none at all
    engine = fig.get_layout_engine()
    fig._layout_engine = None  # type: ignore[attr-defined]
    try:
        yield box
    finally:
        fig._layout_engine = engine  # type: ignore[attr-defined]


def save_figure_files(fig: Figure, folder: Path | str, name: str, *, bbox: Bbox | str = "tight") -> tuple[Path, Path]:
    """Write ``fig`` as ``<folder>/<name>.png`` (300 dpi) and ``<name>.svg`` (text as paths) and
    return both paths; the same figure gives the same bytes. ``bbox``: the part of the figure
    drawn (inches; default its tight box, found again for each file)."""
    import matplotlib as mpl

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    png, svg = folder / f"{name}.png", folder / f"{name}.svg"
    fig.savefig(png, format="png", dpi=FIGURE_DPI, bbox_inches=bbox, metadata={"Software": None})
    with mpl.rc_context({"svg.fonttype": "path", "svg.hashsalt": SVG_SALT}):
        fig.savefig(svg, format="svg", bbox_inches=bbox, metadata={"Date": None, "Creator": None})
    return png, svg


def figure_bundle(
    fig: Figure, *, dpi: float | None = None, bbox: Bbox | str = "tight"
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return the ``(data, metadata)`` a notebook output of ``fig`` carries: a PNG (base64,
    as matplotlib's inline backend draws it) and, as its metadata, the alt text, name and title.
    ``bbox`` as in :func:`save_figure_files`."""
    info = figure_info(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi or fig.dpi, bbox_inches=bbox, metadata={"Software": None})
    data = {"image/png": base64.b64encode(buf.getvalue()).decode("ascii"), "text/plain": f"<{info.title or 'Figure'}>"}
    return data, {"image/png": {"alt": info.alt, "linli": {"name": info.name, "title": info.title}}}


def _formatter(figures_dir: str) -> Callable[..., tuple[dict[str, Any], dict[str, Any]]]:
    shown: dict[str, int] = {}

    def mimebundle(fig: Figure, include: Any = None, exclude: Any = None) -> tuple[dict[str, Any], dict[str, Any]]:
        with laid_out(fig) as box:
            data, meta = figure_bundle(fig, bbox=box)
            if figures_dir:
                name = meta["image/png"]["linli"]["name"]
                shown[name] = shown.get(name, 0) + 1
                stem = name if shown[name] == 1 else f"{name}-{shown[name]}"
                try:
                    save_figure_files(fig, figures_dir, stem, bbox=box)
                except OSError as exc:  # the figure still shows; its files say why they are missing
                    log.warning("cannot write the files of figure %s into %s: %s", stem, figures_dir, exc)
                meta["image/png"]["linli"]["name"] = stem
        return data, meta

    return mimebundle


def install(figures_dir: str = "", *, shell: Any = None) -> None:
    """Make the running IPython show figures with their alt text (and write their files to
    ``figures_dir``, when given; relative to the kernel's folder). Outside IPython: nothing."""
    if shell is None:
        from IPython import get_ipython

        shell = get_ipython()
    if shell is None:
        return
    if figures_dir:
        folder = Path(figures_dir)
        if folder.is_dir():  # files of an earlier run of this report would go stale
            for old in [*folder.glob("*.png"), *folder.glob("*.svg")]:
                old.unlink()
    shell.display_formatter.mimebundle_formatter.for_type(Figure, _formatter(figures_dir))
    # IPython prefers a PNG formatter registered for a type to a mime bundle's PNG: the inline
    # backend's own (registered by `%matplotlib inline`, or when pyplot is imported in a kernel)
    # would lay each figure out and draw it once more, and its PNG would replace the bundle's
    from matplotlib_inline.config import InlineBackend

    with warnings.catch_warnings():  # it watches the setting in the way traitlets 4.0 did, which warns
        warnings.simplefilter("ignore", DeprecationWarning)
        InlineBackend.instance(parent=shell).figure_formats = set()  # now, or when it is set up
