"""How the report's print stylesheet lays a figure out on A4 pages (Chromium's PDF)."""

from __future__ import annotations

import base64
import io
import re
import subprocess
from pathlib import Path

import nbformat
import pypdf
from PIL import Image

from linli.reporting import docx_report, export

from .test_export_pdf import needs_chromium, page_texts


def png(width: int, height: int) -> str:
    """A grey PNG of ``width`` × ``height`` pixels, as a data URL."""
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 200, 200)).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def pages_with_images(pdf: Path) -> list[int]:
    """The 1-based numbers of the pages that draw an image."""
    return [i for i, page in enumerate(pypdf.PdfReader(pdf).pages, start=1) if page.images]


#: A figure's number in a printed caption (``图3``, ``Figure 3.``), as :func:`.test_export_pdf.page_texts` reads it.
CAPTION_NUMBER = {"zh": re.compile(r"图(\d+)"), "en": re.compile(r"Figure(\d+)\.")}


def figures_by_page(pdf: Path, lang: str) -> tuple[list[list[int]], list[list[int]]]:
    """For each page of ``pdf``, the numbers of the figures it draws (each image drawn, counted
    in order from 1: ``pdfimages`` lists an image shown twice twice) and the numbers its
    captions print: the same lists when every caption is printed on the page of its figure."""
    listing = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, check=True, text=True).stdout
    pages = [int(line.split()[0]) for line in listing.splitlines()[2:]]
    texts = page_texts(pdf)
    drawn = [[n for n, page in enumerate(pages, start=1) if page == i] for i in range(1, len(texts) + 1)]
    captions = [[int(n) for n in CAPTION_NUMBER[lang].findall(text)] for text in texts]
    return drawn, captions


def report_page(folder: Path, outputs: list[str | tuple[str, str]], *, lang: str = "zh") -> Path:
    """The HTML page a build writes of a notebook that shows ``outputs`` in order: each the
    markup of an HTML output, or a figure ``(title, PNG data URL)`` with its alt text and
    title in its metadata, as a report's kernel shows one (:mod:`linli.reporting.figure_output`)."""
    cell = nbformat.v4.new_code_cell("")
    for shown in outputs:
        if isinstance(shown, str):
            cell.outputs.append(nbformat.v4.new_output("display_data", data={"text/html": shown}))
            continue
        title, url = shown
        cell.outputs.append(nbformat.v4.new_output(
            "display_data", data={"image/png": url.split(",", 1)[1], "text/plain": "<Figure>"},
            metadata={"image/png": {"alt": f"{title}（图）", "linli": {"title": title, "name": "figure"}}}))
    notebook = folder / "r.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), notebook)
    return export.export_html(notebook, folder / "r.html", title="t", lang=lang)


@needs_chromium
def test_a_figure_taller_than_a_page_is_shrunk_onto_one_page_with_its_heading(tmp_path: Path) -> None:
    # A ranking chart of 21 communities is taller than an A4 page's text area: the page is
    # 297 mm with 16 mm margins top and bottom, 265 mm of text; the text is 210 − 2 × 14 = 182 mm
    # wide, so a 1 × 2.5 figure at full width is 182 × 2.5 = 455 mm tall. Kept whole, Chromium
    # pushed it to a fresh page, found it still too tall, left that page blank and cut the
    # figure across the next two. Shrunk, it leaves room for its heading above it and its caption
    # under it, on its page.
    page = report_page(tmp_path, ["<h1>社区报告</h1><p>摘要正文</p><h2>排名及其不确定性</h2>",
                                  ("各社区排名", png(800, 2000)), "<p>图后说明</p>"])
    pdf = export.export_pdf(page, tmp_path / "r.pdf", lang="zh")
    texts = page_texts(pdf)
    with_image = pages_with_images(pdf)
    assert len(with_image) == 1, (with_image, texts)  # the figure whole, on one page: not cut across two
    assert "排名及其不确定性" in texts[with_image[0] - 1]  # its heading with it
    assert "图1各社区排名" in texts[with_image[0] - 1]  # and its caption
    assert all(text.split("第")[0] for text in texts), texts  # no page holds only its footer


@needs_chromium
def test_a_figures_caption_is_printed_on_the_page_of_its_figure(tmp_path: Path) -> None:
    # A figure of 800 × 400 px is 182 × 91 mm at the text's full width; each starts a page under
    # a block 150 to 180 mm tall, which leaves 115 to 85 mm of the page's 265: under the tallest
    # blocks the image fits and its caption would not. Each caption must be printed on its
    # image's page, the figures numbered in the order shown.
    heights = range(150, 182, 2)
    outputs: list[str | tuple[str, str]] = []
    for height in heights:
        outputs += [f'<div style="break-before:page;height:{height}mm"></div>', (f"间距{height}毫米", png(800, 400))]
    pdf = export.export_pdf(report_page(tmp_path, outputs), tmp_path / "r.pdf", lang="zh")
    drawn, captions = figures_by_page(pdf, "zh")
    assert sum(drawn, []) == list(range(1, len(heights) + 1))  # every figure drawn, each on one page
    assert captions == drawn
    for numbers, text in zip(drawn, page_texts(pdf), strict=True):
        assert all(f"图{n}间距{heights[n - 1]}毫米" in text for n in numbers), text


def test_a_tall_figure_in_word_leaves_room_for_its_caption_on_the_page() -> None:
    # The Word page: 297 mm less margins of 37 and 35 mm is 225 mm of text. A figure is 150 mm
    # wide; the ranking of 21 communities, 2134 × 3226 px, would be 150 × 3226 / 2134 = 226.8 mm
    # tall: a page and more, its caption pushed to the next. Capped at 195 mm tall, it is
    # 195 × 2134 / 3226 = 129.0 mm wide; a figure of ordinary shape keeps its 150 mm.
    import docx

    tall, wide = png(2134, 3226), png(2134, 1084)
    blocks = [docx_report.Figure(base64.b64decode(url.split(",", 1)[1]), alt="图", title=title)
              for url, title in ((tall, "排名"), (wide, "维度"))]
    document = docx.Document(io.BytesIO(docx_report.document_bytes(blocks, title="t", lang="zh", stamp=None)))
    sizes = [(shape.width.mm, shape.height.mm) for shape in document.inline_shapes]
    assert [round(w, 1) for w, _ in sizes] == [129.0, 150.0]
    assert [round(h, 1) for _, h in sizes] == [195.0, round(150 * 1084 / 2134, 1)]  # 76.2 mm


@needs_chromium
def test_a_tables_note_is_not_left_alone_at_the_top_of_a_page(tmp_path: Path) -> None:
    # A reviewer found the note of the zone's ranking table alone at the top of page 3, away from
    # the table on page 2 (3 December 2026). Twenty paragraphs, then a table of six rows that fits
    # under them but for its note (found by trying: without the rule the note starts page 2 alone):
    # the note must share a page with the table's last row.
    filler = "".join(f"<p>第{i}段正文，说明方法与数据来源。</p>" for i in range(20))
    rows = "".join(f'<tr><td class="num">{i}</td><td>社区{i}</td></tr>' for i in range(1, 7))
    page = tmp_path / "t.html"
    page.write_text(
        '<html lang="zh-CN"><head><meta charset="utf-8"><title>t</title>'
        f"<style>{export.template_text('report.css')}</style></head>"
        f'<body class="jp-Notebook"><div class="jp-RenderedHTMLCommon">{filler}'
        f'<table class="linli-table"><thead><tr><th>排名</th><th>社区</th></tr></thead><tbody>{rows}</tbody></table>'
        '<p class="linli-note">表注：排名按邻里指数由高到低。</p></div></body></html>',
        encoding="utf-8",
    )
    texts = page_texts(export.export_pdf(page, tmp_path / "t.pdf", lang="zh"))
    (with_note,) = [t for t in texts if "表注" in t]
    assert "社区6" in with_note, texts


@needs_chromium
def test_a_list_item_of_three_lines_is_not_broken_across_pages(tmp_path: Path) -> None:
    # The method's list of a demo report began at the foot of a page: its first item, of three lines,
    # was printed two and one, its last line alone at the top of the next page (Chromium puts
    # "widows: 2" aside for a block of fewer lines than orphans and widows together). Each item starts
    # a page under a block 200 to 260 mm tall, so that some have room for one or two of their three
    # lines only: each must be printed whole, on one page.
    item = ("只对与规模无关的指标计分：计分指标都是比例、每千人或每万人的比率、人均量或中位数，从不使用原始计数——"
            "计数随社区规模增长，会让大社区仅因规模大而排在小社区前面，也会让实验区仅因是各社区之和而排前。")
    heights = range(200, 262, 3)
    blocks = "".join(f'<div style="break-before:page;height:{height}mm"></div><ul class="linli-list"><li>{item}</li></ul>'
                     for height in heights)
    texts = page_texts(export.export_pdf(report_page(tmp_path, [blocks]), tmp_path / "l.pdf", lang="zh"))
    assert sum(item in text for text in texts) == len(heights), texts
