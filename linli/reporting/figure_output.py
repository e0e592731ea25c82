"""How a report's kernel shows a figure: a PNG with its alt text, and the figure's own files.

:func:`install` is run by the report kernel at start-up (a build passes it to the kernel,
see :func:`linli.reporting.notebook.run_notebook`'s ``startup``). From then on, showing a
matplotlib figure (``display(fig)``) gives:

* the PNG the notebook shows, with the figure's alt text
  (:func:`linli.figures.about.figure_info`) in the output's ``image/png`` metadata —
  nbconvert writes it as ``<img alt>`` in the HTML, Chromium carries it into the tagged
  PDF, the Word export onto the picture — and the figure's name and title
  (``metadata["image/png"]["linli"]``) for its numbered caption, the same in the HTML
  and the PDF as in Word (:func:`linli.reporting.render.caption_parts`);
* when ``figures_dir`` is given, the figure's files ``<figures_dir>/<name>.png`` (300 dpi)
  and ``<name>.svg`` (text drawn as paths, so that Chinese shows without its font; no
  date, a fixed hash salt), for slides and documents. A name shown twice in one report
  gets ``-2``, ``-3`` … in the order shown.

The same figure gives the same bytes in every file.

The figures are most of what a report's kernel spends, so a figure shown is laid out
once (:func:`laid_out`: its layout engine and its tight bounding box) and drawn twice at
that box: once as a 300 dpi raster, which is its PNG file and, averaged down, the PNG the
notebook shows (:func:`figure_images`), and once as its SVG. With
``bbox_inches="tight"`` and constrained layout, every ``savefig`` would lay the figure
out and draw it twice. The inline backend's own figure formats are switched off, so that
it does not draw the figure once more (and replace the PNG shown by its own).
"""

from __future__ import annotations

import base64
import contextlib
import io
import logging
import warnings
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure
from matplotlib.transforms import Bbox
from PIL import Image

from ..figures.about import figure_info

log = logging.getLogger(__name__)

__all__ = ["FIGURE_DPI", "figure_bundle", "figure_images", "install", "laid_out", "png_bytes", "raster", "write_svg"]

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


def raster(fig: Figure, box: Bbox, *, dpi: float) -> Image.Image:
    """Draw the part ``box`` (inches) of ``fig`` once at ``dpi`` and return it as an image:
    RGB when the figure is opaque (a report's always is), else RGBA."""
    pixels = _Pixels()
    fig.savefig(pixels, format="rgba", dpi=dpi, bbox_inches=box)
    # the canvas keeps the renderer of its last draw (26 MB for a tall figure at 300 dpi): a figure
    # closed but not yet collected (figures hold reference cycles) would keep it; give the canvas
    # its own size back, before the pixels are converted (they stay, held by ``pixels``)
    fig.canvas.get_renderer()
    size = int(box.width * dpi), int(box.height * dpi)  # as Agg sizes its canvas: the box scaled, truncated
    image = Image.frombuffer("RGBA", size, pixels.data(), "raw", "RGBA", 0, 1)  # the renderer's pixels, shared
    # its own pixels either way: a later draw of the same size would draw into the renderer's
    return image.convert("RGB") if image.getextrema()[3] == (255, 255) else image.copy()


class _Pixels:
    """The file a figure is saved into as raw RGBA: it holds what is written to it as it is,
    which is a view of the renderer's own pixels (Agg writes them in one piece), instead of
    copying them as a :class:`io.BytesIO` would: a report kernel's peak is the tallest
    figure's raster, and the copy was a third of it."""

    def __init__(self) -> None:
        self._parts: list[memoryview] = []

    def write(self, data: Any) -> int:
        view = memoryview(data).cast("B")
        self._parts.append(view)
        return view.nbytes

    def seek(self, *_: object) -> int:  # matplotlib takes an object with seek for a file
        return 0

    def data(self) -> memoryview | bytes:
        return self._parts[0] if len(self._parts) == 1 else b"".join(self._parts)


def png_bytes(image: Image.Image, *, dpi: float) -> bytes:
    """Encode ``image`` as a PNG that says its resolution and nothing else (no software, no date).

    Run-length zlib, as the figures are mostly flat colour: the eight 300 dpi images of a demo
    report encode, in RGB, in 0.28 s against 0.54 s with zlib's default on RGBA (as matplotlib
    writes them), in 1.29 MB against 1.32 MB.
    """
    buf = io.BytesIO()
    image.save(buf, format="png", dpi=(dpi, dpi), compress_type=zlib.Z_RLE)
    return buf.getvalue()


def figure_images(fig: Figure, box: Bbox, *, files: bool) -> tuple[bytes, bytes | None]:
    """Return the PNG a notebook shows of ``fig`` (at the figure's own dpi) and, when ``files``,
    its PNG file at :data:`FIGURE_DPI`, both of the part ``box``.

    With ``files``, the figure is drawn once: at 300 dpi, and the notebook's image is that
    raster scaled down by averaging (2 × 2 pixels into one for a 150 dpi figure) when 300 is
    a whole multiple of the figure's dpi; at another dpi it is drawn once more.
    """
    if not files:
        return png_bytes(raster(fig, box, dpi=fig.dpi), dpi=fig.dpi), None
    big = raster(fig, box, dpi=FIGURE_DPI)
    factor = FIGURE_DPI / fig.dpi
    page = big.reduce(int(factor)) if factor == int(factor) else raster(fig, box, dpi=fig.dpi)
    return png_bytes(page, dpi=fig.dpi), png_bytes(big, dpi=FIGURE_DPI)


def write_svg(fig: Figure, path: Path, box: Bbox) -> None:
    """Write ``fig``'s part ``box`` as an SVG with its text as paths (so that Chinese shows
    without its font), no date and fixed ids: the same figure gives the same bytes."""
    import matplotlib as mpl

    with mpl.rc_context({"svg.fonttype": "path", "svg.hashsalt": SVG_SALT}):
        fig.savefig(path, format="svg", bbox_inches=box, metadata={"Date": None, "Creator": None})


def figure_bundle(fig: Figure, png: bytes) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return the ``(data, metadata)`` a notebook output of ``fig`` carries: its ``png`` (base64)
    and, as its metadata, the alt text, name and title."""
    info = figure_info(fig)
    data = {"image/png": base64.b64encode(png).decode("ascii"), "text/plain": f"<{info.title or 'Figure'}>"}
    return data, {"image/png": {"alt": info.alt, "linli": {"name": info.name, "title": info.title}}}


def _formatter(figures_dir: str) -> Callable[..., tuple[dict[str, Any], dict[str, Any]]]:
    shown: dict[str, int] = {}

    def mimebundle(fig: Figure, include: Any = None, exclude: Any = None) -> tuple[dict[str, Any], dict[str, Any]]:
        with laid_out(fig) as box:
            page, file_png = figure_images(fig, box, files=bool(figures_dir))
            data, meta = figure_bundle(fig, page)
            if file_png is not None:  # figures_dir given
                name = meta["image/png"]["linli"]["name"]
                shown[name] = shown.get(name, 0) + 1
                stem = name if shown[name] == 1 else f"{name}-{shown[name]}"
                folder = Path(figures_dir)
                try:
                    folder.mkdir(parents=True, exist_ok=True)
                    (folder / f"{stem}.png").write_bytes(file_png)
                    write_svg(fig, folder / f"{stem}.svg", box)
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
