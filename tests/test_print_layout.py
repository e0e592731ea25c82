"""How the report's print stylesheet lays a figure out on A4 pages (Chromium's PDF)."""

from __future__ import annotations

import base64
import io
from pathlib import Path

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


@needs_chromium
def test_a_figure_taller_than_a_page_is_shrunk_onto_one_page_with_its_heading(tmp_path: Path) -> None:
    # A ranking chart of 21 communities is taller than an A4 page's text area: the page is
    # 297 mm with 16 mm margins top and bottom, 265 mm of text; the text is 210 − 2 × 14 = 182 mm
    # wide, so a 1 × 2.5 figure at full width is 182 × 2.5 = 455 mm tall. Kept whole, Chromium
    # pushed it to a fresh page, found it still too tall, left that page blank and cut the
    # figure across the next two.
    page = tmp_path / "r.html"
    page.write_text(
        '<html lang="zh-CN"><head><meta charset="utf-8"><title>t</title>'
        f"<style>{export.template_text('report.css')}</style></head>"
        '<body class="jp-Notebook"><div class="jp-RenderedHTMLCommon"><h1>社区报告</h1><p>摘要正文</p>'
        "<h2>排名及其不确定性</h2></div>"
        f'<div class="jp-RenderedImage jp-OutputArea-output"><img src="{png(800, 2000)}" alt="排名图"></div>'
        '<div class="jp-RenderedHTMLCommon"><p>图后说明</p></div></body></html>',
        encoding="utf-8",
    )
    pdf = export.export_pdf(page, tmp_path / "r.pdf", lang="zh")
    texts = page_texts(pdf)
    with_image = pages_with_images(pdf)
    assert len(with_image) == 1, (with_image, texts)  # the figure whole, on one page: not cut across two
    assert "排名及其不确定性" in texts[with_image[0] - 1]  # its heading with it
    assert all(text.split("第")[0] for text in texts), texts  # no page holds only its footer


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
