"""Figures: alt text in the report's language (HTML ``<img alt>``, tagged PDF, Word), the same
numbered captions in the HTML, the PDF and Word, and each figure's own files
``OUT/<year>/figures/<unit>/<name>.png`` (300 dpi) and ``.svg``.
"""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path

import geopandas as gpd
import lxml.html
import matplotlib.pyplot as plt
import nbformat
import numpy as np
import pandas as pd
import pytest
from docx import Document
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from PIL import Image
from shapely.geometry import Point, box

from linli import reporting
from linli.figures import about, maps, plots
from linli.reporting import docx_report, figure_output
from tests.test_export_pdf import alt_texts, needs_chromium, page_texts
from tests.test_print_layout import figures_by_page, png, report_page

CJK = re.compile(r"[\u2e80-\u9fff\uff00-\uffef]")


def long_frame() -> pd.DataFrame:
    return pd.DataFrame({"unit_id": "a", "unit_type": "community", "year": [2021, 2024], "indicator": "volunteers",
                         "value": [120.0, 310.0], "ci_low": np.nan, "ci_high": np.nan})


@pytest.mark.parametrize(("lang", "expected"), [
    ("zh", "条形图，a 五社联动：2021年 → 2024年：1项五社联动指标，基线年与评估年并排，右侧为变化幅度。"),
    ("en", "Bar chart, Five-society linkage, a: 2021 → 2024: 1 five-society indicator, "
           "the baseline year beside the assessment year, with the change on the right."),
])
def test_a_figures_alt_text_is_its_title_and_what_it_shows(lang: str, expected: str) -> None:
    fig, _ = plots.plot_wushe_change(long_frame(), unit_id="a", baseline_year=2021, year=2024,
                                     indicators=["volunteers"], lang=lang)
    info = about.figure_info(fig)
    plt.close(fig)
    assert info.alt == expected and info.name == "wushe-change"
    assert info.alt.startswith(("条形图，", "Bar chart, ") ) and info.title in info.alt


def test_a_maps_alt_text_counts_what_it_draws() -> None:
    bounds = gpd.GeoDataFrame({"community_id": ["a"]}, geometry=[box(112.600, 26.890, 112.610, 26.898)], crs=4326)
    compounds = gpd.GeoDataFrame({"compound_id": ["c1", "c2"], "community_id": ["a", "a"], "households": [300, 200]},
                                 geometry=[Point(112.605, 26.894), Point(112.6095, 26.8975)], crs=4326)
    facilities = gpd.GeoDataFrame({"facility_id": ["f1"], "community_id": ["a"], "category": ["service_center"]},
                                  geometry=[Point(112.603, 26.893)], crs=4326)
    fig, _ = maps.map_community(bounds, compounds, facilities, community_id="a", uncovered=["c2"], lang="en")
    info = about.figure_info(fig)
    plt.close(fig)
    assert info.name == "map-a"
    # 2 compounds, 1 facility, 1 compound (c2) outside the circles, as drawn
    assert ": the community's boundary, 2 residential compounds (dot size: households), 1 facility " in info.alt
    assert "1 compound outside every circle" in info.alt and not CJK.search(info.alt)


def test_a_figure_drawn_elsewhere_takes_its_title_as_alt_text() -> None:
    fig, ax = plt.subplots()
    ax.set_title("Volunteers by year")
    info = about.figure_info(fig)
    plt.close(fig)
    assert info == about.FigureInfo("volunteers-by-year", "Volunteers by year", "Volunteers by year")


def report_notebook(path: Path) -> Path:
    """A report notebook that shows the same kind of figure twice, in the language ``lang``."""
    setup = nbformat.v4.new_code_cell('unit_id = "a"\nlang = "zh"', metadata={"tags": ["parameters"]})
    draw = nbformat.v4.new_code_cell(
        "import numpy as np, pandas as pd, matplotlib.pyplot as plt\n"
        "from IPython.display import display\n"
        "from linli.figures import plots\n"
        "long = pd.DataFrame({'unit_id': 'a', 'unit_type': 'community', 'year': [2021, 2024],\n"
        "                     'indicator': 'volunteers', 'value': [120.0, 310.0], 'ci_low': np.nan, 'ci_high': np.nan})\n"
        "for _ in range(2):\n"
        "    fig, ax = plots.plot_wushe_change(long, unit_id='a', baseline_year=2021, year=2024,\n"
        "                                      indicators=['volunteers'], lang=lang)\n"
        "    display(fig)\n"
        "    plt.close(fig)\n")
    nb = nbformat.v4.new_notebook(cells=[setup, draw], metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"}})
    nbformat.write(nb, path)
    return path


def build_one(tmp: Path, out: Path, lang: str, formats: tuple[str, ...]) -> reporting.ReportOutcome:
    job = reporting.ReportJob(unit_id="a", unit_type="community", year=2024, lang=lang,
                              template=report_notebook(tmp / "fig.ipynb"), parameters={"unit_id": "a", "lang": lang},
                              formats=formats, out_dir=out, title="a", as_of="2024-12-31")
    outcome = reporting.run_job(job)
    assert outcome.status == "built", outcome.error
    return outcome


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("figures")
    first, second = tmp / "one" / "2024", tmp / "two" / "2024"
    build_one(tmp, first, "en", ("html", "docx"))
    build_one(tmp, second, "en", ("html", "docx"))
    return first, second


EN_ALT = ("Bar chart, Five-society linkage, a: 2021 → 2024: 1 five-society indicator, "
          "the baseline year beside the assessment year, with the change on the right.")


def test_every_figure_is_written_as_png_at_300_dpi_and_svg(two_builds: tuple[Path, Path]) -> None:
    first, _ = two_builds
    folder = first / "figures" / "a.en"  # an English report's figures: figures/<unit>.en/
    assert sorted(p.name for p in folder.iterdir()) == [
        "wushe-change-2.png", "wushe-change-2.svg", "wushe-change.png", "wushe-change.svg"]  # shown twice
    with Image.open(folder / "wushe-change.png") as png:
        assert [round(d) for d in png.info["dpi"]] == [300, 300]
        assert png.width >= 7 * 300 * 0.8  # the figure is 7 in wide; "tight" trims the margins only
    svg = (folder / "wushe-change.svg").read_text(encoding="utf-8")
    assert "<text" not in svg and "<dc:date>" not in svg  # text as paths, no date


def test_the_same_report_gives_the_same_figure_and_word_bytes(two_builds: tuple[Path, Path]) -> None:
    first, second = two_builds
    for rel in ("figures/a.en/wushe-change.png", "figures/a.en/wushe-change.svg", "a.en.docx"):
        assert (first / rel).read_bytes() == (second / rel).read_bytes(), rel


def test_alt_text_reaches_html_and_word_in_the_reports_language(two_builds: tuple[Path, Path]) -> None:
    first, _ = two_builds
    html = (first / "a.en.html").read_text(encoding="utf-8")
    alts = re.findall(r'<img[^>]*\balt="([^"]*)"', html)
    assert alts == [EN_ALT.replace("&", "&amp;")] * 2
    assert "No description has been provided" not in html
    doc = Document(str(first / "a.en.docx"))
    assert [s._inline.docPr.get("descr") for s in doc.inline_shapes] == [EN_ALT, EN_ALT]
    captions = [p.text for p in doc.paragraphs if p.style.name == "Caption"]
    assert captions == ["Figure 1. Five-society linkage, a: 2021 → 2024", "Figure 2. Five-society linkage, a: 2021 → 2024"]
    nb = nbformat.read(first / "a.en.ipynb", as_version=4)
    assert all("figure_output" not in "".join(c.source) for c in nb.cells)  # the start-up leaves no cell


def html_captions(page: Path) -> list[str]:
    """The caption of each figure of an HTML report, in order, as a reader sees it. Every image
    is a figure's, and each figure is its image with its caption under it."""
    root = lxml.html.parse(str(page)).getroot()
    figures = list(root.iter("figure"))
    assert len(figures) == len(list(root.iter("img")))
    assert all([child.tag for child in figure] == ["img", "figcaption"] for figure in figures)
    return [figure[1].text_content() for figure in figures]


def word_captions(path: Path) -> list[str]:
    """The caption of each figure of a Word report, in order."""
    return [p.text for p in Document(str(path)).paragraphs if p.style.name == "Caption"]


def test_the_html_numbers_each_figure_with_the_caption_word_gives_it(two_builds: tuple[Path, Path]) -> None:
    first, _ = two_builds
    captions = [f"Figure {n}. Five-society linkage, a: 2021 → 2024" for n in (1, 2)]  # the title the figure shows
    assert html_captions(first / "a.en.html") == captions
    assert word_captions(first / "a.en.docx") == captions


def test_a_figure_without_a_title_is_numbered_alone_as_in_word(tmp_path: Path) -> None:
    page = report_page(tmp_path, [("", png(80, 40)), ("Zone", png(80, 40))], lang="en")
    assert html_captions(page) == ["Figure 1", "Figure 2. Zone"]
    docx = docx_report.export_docx(tmp_path / "r.ipynb", tmp_path / "r.docx", title="t", lang="en")
    assert word_captions(docx) == ["Figure 1", "Figure 2. Zone"]


@pytest.fixture(scope="module")
def chinese_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("figures-zh")
    out = tmp / "2024"
    build_one(tmp, out, "zh", ("html", "pdf", "docx"))
    return out


@needs_chromium
def test_alt_text_reaches_the_tagged_pdf_in_chinese(chinese_build: Path) -> None:
    alt = "条形图，a 五社联动：2021年 → 2024年：1项五社联动指标，基线年与评估年并排，右侧为变化幅度。"
    assert alt_texts(chinese_build / "a.pdf") == [alt, alt]


@needs_chromium
def test_a_chinese_figures_caption_is_numbered_as_in_word(chinese_build: Path) -> None:
    # Word writes 图, the number, two spaces and the title: the HTML keeps the two spaces
    captions = [f"图{n}  a 五社联动：2021年 → 2024年" for n in (1, 2)]
    assert html_captions(chinese_build / "a.html") == captions
    assert word_captions(chinese_build / "a.docx") == captions


@needs_chromium
def test_a_figures_caption_is_printed_on_its_page_in_the_pdf(chinese_build: Path) -> None:
    pdf = chinese_build / "a.pdf"
    drawn, printed = figures_by_page(pdf, "zh")
    assert sum(drawn, []) == [1, 2] and printed == drawn
    texts = page_texts(pdf)
    assert all(f"图{n}a五社联动：2021年→2024年" in texts[page] for page, numbers in enumerate(drawn) for n in numbers)


def test_a_figure_is_laid_out_once_and_drawn_once_per_kind_at_the_same_box(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    draws: list[bool] = []
    real_draw = Figure.draw
    monkeypatch.setattr(Figure, "draw", lambda self, renderer: draws.append(True) or real_draw(self, renderer))
    fig, _ = plots.plot_wushe_change(long_frame(), unit_id="a", baseline_year=2021, year=2024,
                                     indicators=["volunteers"], lang="en")
    data, _ = figure_output._formatter(str(tmp_path))(fig)
    # one layout (draw without rendering) + the 300 dpi raster (the PNG file, and the notebook's
    # PNG averaged down from it) + the SVG; a tight savefig with constrained layout drew twice
    # per image, 6 in all, and the notebook's PNG was a draw of its own
    assert len(draws) == 3
    assert isinstance(fig.get_layout_engine(), ConstrainedLayoutEngine)  # the engine is back
    # the canvas holds a renderer of the figure's own 150 dpi (2 MB), not the 300 dpi one (9 MB)
    # a figure closed but not yet collected would keep
    assert fig.canvas.renderer.dpi == 150
    plt.close(fig)
    with Image.open(io.BytesIO(base64.b64decode(data["image/png"]))) as shown, Image.open(tmp_path / "wushe-change.png") as png:
        assert shown.mode == png.mode == "RGB"  # the figure is opaque: no alpha channel
        assert [round(d) for d in shown.info["dpi"]] == [150, 150] and "Software" not in png.info
        # the same box in inches: at 300 dpi twice the pixels of the notebook's 150 dpi image (±1 for rounding)
        assert abs(png.width - 2 * shown.width) <= 1 and abs(png.height - 2 * shown.height) <= 1
        # the notebook's pixel (i, j) is the mean of the file's 2 × 2 pixels (2i..2i+1, 2j..2j+1), to ±1 of rounding
        big = np.asarray(png, dtype=float)
        h, w = big.shape[0] // 2, big.shape[1] // 2
        mean = big[:2 * h, :2 * w].reshape(h, 2, w, 2, 3).mean(axis=(1, 3))
        assert np.abs(np.asarray(shown, dtype=float)[:h, :w] - mean).max() <= 1
    view = re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', (tmp_path / "wushe-change.svg").read_text(encoding="utf-8"))
    assert view is not None
    # the SVG in points (72 an inch): the notebook's pixels × 72 / 150, within a pixel's 0.48 pt
    assert abs(float(view[1]) - shown.width * 72 / 150) <= 0.5 and abs(float(view[2]) - shown.height * 72 / 150) <= 0.5


def test_a_figure_at_a_dpi_that_does_not_divide_300_is_drawn_at_its_own(tmp_path: Path) -> None:
    fig, ax = plt.subplots(figsize=(2, 1), dpi=72)  # 300 / 72 is not whole: no averaging down
    ax.plot([0, 1], [0, 1])
    with figure_output.laid_out(fig) as box:
        page, file_png = figure_output.figure_images(fig, box, files=True)
    plt.close(fig)
    assert file_png is not None
    with Image.open(io.BytesIO(page)) as shown, Image.open(io.BytesIO(file_png)) as png:
        # the box × 72 and × 300, truncated to whole pixels as Agg sizes its canvas
        assert (shown.width, shown.height) == (int(box.width * 72), int(box.height * 72))
        assert (png.width, png.height) == (int(box.width * 300), int(box.height * 300))


def test_the_raster_is_the_renderers_own_pixels_uncopied_and_what_savefig_draws(tmp_path: Path) -> None:
    fig, ax = plt.subplots(figsize=(2, 1), dpi=100)
    ax.bar([0, 1, 2], [3, 1, 2], color=["#009e73", "#e69f00", "#56b4e9"])
    fig.patch.set_alpha(1)
    with figure_output.laid_out(fig) as box:
        image = figure_output.raster(fig, box, dpi=300)
        fig.savefig(tmp_path / "plain.png", dpi=300, bbox_inches=box)  # matplotlib's own PNG of the same box
        kept = figure_output._Pixels()
        fig.savefig(kept, format="rgba", dpi=300, bbox_inches=box)
    plt.close(fig)
    with Image.open(tmp_path / "plain.png") as plain:
        assert image.mode == "RGB" and image.size == plain.size
        assert np.array_equal(np.asarray(image), np.asarray(plain.convert("RGB")))
    held = kept.data()
    # Agg wrote its pixels once: what is held is a view of them (no bytes of its own), 4 bytes a pixel
    assert isinstance(held, memoryview) and held.nbytes == 4 * image.width * image.height


def test_pixels_written_in_pieces_are_joined_in_order() -> None:
    pixels = figure_output._Pixels()
    assert pixels.write(b"ab") == 2 and pixels.write(bytearray(b"cde")) == 3
    assert pixels.data() == b"abcde"


@pytest.mark.parametrize("inline_first", [True, False], ids=["inline-then-install", "install-then-inline"])
def test_in_a_kernel_a_figure_is_drawn_once_per_image_not_again_by_the_inline_backend(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, inline_first: bool
) -> None:
    # A report kernel runs install() at start-up, then its first cell's `%matplotlib inline`
    # registers the inline backend's own PNG formatter for every Figure; IPython prefers a
    # per-type PNG formatter to a mime bundle's PNG, so each figure was laid out and drawn
    # once more (two draws: a tight savefig with constrained layout) and the bundle's PNG thrown away.
    from IPython.core.interactiveshell import InteractiveShell
    from matplotlib_inline.backend_inline import configure_inline_support

    shell = InteractiveShell.instance()
    # the inline backend selects its formats once per process (a fresh kernel's first time)
    monkeypatch.setattr(configure_inline_support, "current_backend", "unset", raising=False)
    try:
        if inline_first:
            configure_inline_support(shell, "inline")
        figure_output.install(str(tmp_path / "figures"), shell=shell)
        if not inline_first:
            configure_inline_support(shell, "inline")
        fig, _ = plots.plot_wushe_change(long_frame(), unit_id="a", baseline_year=2021, year=2024,
                                         indicators=["volunteers"], lang="en")
        draws: list[bool] = []
        real_draw = Figure.draw
        monkeypatch.setattr(Figure, "draw", lambda self, renderer: draws.append(True) or real_draw(self, renderer))
        data, meta = shell.display_formatter.format(fig)
        plt.close(fig)
    finally:
        InteractiveShell.clear_instance()
    # one layout + the 300 dpi raster + the SVG, as figure_output draws them
    assert len(draws) == 3
    with Image.open(io.BytesIO(base64.b64decode(data["image/png"]))) as shown:
        assert "Software" not in shown.info  # figure_bundle's PNG (no "Software" chunk), not print_figure's
    assert meta["image/png"]["linli"]["name"] == "wushe-change"


def test_a_transparent_figures_raster_keeps_its_pixels_when_the_figure_is_drawn_again() -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = Figure(figsize=(1, 1), dpi=50)
    FigureCanvasAgg(fig)  # as a report's figures are drawn
    fig.patch.set_alpha(0)  # transparent: the raster stays RGBA
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    patch = ax.add_patch(plt.Rectangle((0, 0), 1, 1, color="#009e73"))
    box = fig.bbox_inches  # the whole figure at its own dpi: the canvas keeps the renderer it drew with
    first = figure_output.raster(fig, box, dpi=50)
    before = np.asarray(first).copy()
    patch.set_color("#e69f00")
    figure_output.raster(fig, box, dpi=50)  # drawn again, at the same size, by the same renderer
    assert first.mode == "RGBA" and np.array_equal(np.asarray(first), before)
