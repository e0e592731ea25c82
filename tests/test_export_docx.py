"""The Word report: built from the executed notebook's outputs, with Word's own heading
styles, Word tables, figures with alt text and numbered captions, page numbers, a table
of contents, A4, the same bytes for the same notebook — and LibreOffice opens it.
"""

from __future__ import annotations

import base64
import io
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from docx import Document
from PIL import Image

from linli import reporting
from linli.reporting import docx_report, render

TINY = Path(__file__).parent / "data" / "tiny_report.ipynb"
ALT = "图：湘北社区各维度得分（条形图），与实验区对比"
NOTES = "建议加强调解员培训，并按季度公开调解台账。"


def png(width: int = 60, height: int = 30) -> str:
    buf = io.BytesIO()
    Image.new("RGB", (width, height), (0, 120, 90)).save(buf, format="PNG")
    return base64.b64encode(buf.getvalue()).decode("ascii")


def html_cell(html: str, **metadata: object) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell("", metadata=metadata)
    cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": html, "text/plain": "<HTML>"})]
    return cell


def executed_report(path: Path) -> Path:
    """An executed notebook as a report's: cover, headings, a table, a figure, notes, streams."""
    table = render.to_html(pd.DataFrame({"项目": ["邻里指数", "排名"], "湘北社区": ["55.0", "4"]}),
                           note="注：指数区间为5%–95%。")
    figure = nbformat.v4.new_code_cell("")
    figure.outputs = [nbformat.v4.new_output(
        "display_data", data={"image/png": png(), "text/plain": "<Figure>"},
        metadata={"image/png": {"alt": ALT, "linli": {"title": "湘北社区 各维度得分", "name": "dimension-scores"}}},
    )]
    streams = nbformat.v4.new_code_cell("")
    streams.outputs = [nbformat.v4.new_output("stream", name="stdout", text="单位：湘北社区\n"),
                       nbformat.v4.new_output("stream", name="stderr", text="a warning nobody reads\n")]
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# not shown"),
        html_cell("<h2>检查（不显示）</h2>", tags=["remove_cell"]),
        html_cell('<div class="linli-cover"><p class="linli-kicker">邻里评估</p><h1>湘北社区 2024年度评估报告</h1>'
                  '<table class="linli-facts"><tr><th>评估年度</th><td>2024</td></tr></table>'
                  '<p class="linli-banner">合成数据，仅供演示。</p></div>'),
        html_cell(render.heading("scorecard")),
        html_cell(table),
        figure,
        streams,
        html_cell(f"<h2>评估意见与建议</h2><p>{NOTES}</p><ul><li>要点<strong>一</strong></li></ul>"),
    ])
    nbformat.write(nb, path)
    return path


def test_blocks_follow_the_outputs_in_order(tmp_path: Path) -> None:
    nb = nbformat.read(executed_report(tmp_path / "r.ipynb"), as_version=4)
    blocks = docx_report.report_blocks(nb)
    kinds = [(type(b).__name__, getattr(b, "text", getattr(b, "title", ""))) for b in blocks]
    assert kinds == [
        ("Paragraph", "邻里评估"), ("Heading", "湘北社区 2024年度评估报告"), ("Table", ""), ("Paragraph", "合成数据，仅供演示。"),
        ("Heading", "综合评价"), ("Table", ""), ("Paragraph", "注：指数区间为5%–95%。"),
        ("Figure", "湘北社区 各维度得分"), ("Paragraph", "单位：湘北社区"),  # stdout kept, stderr left out
        ("Heading", "评估意见与建议"), ("Paragraph", NOTES), ("Paragraph", "要点一"),
    ]
    facts, scores = blocks[2], blocks[5]
    assert isinstance(facts, docx_report.Table) and facts.header == 0 and facts.rows == (("评估年度", "2024"),)
    assert isinstance(scores, docx_report.Table) and scores.header == 1
    assert scores.rows == (("项目", "湘北社区"), ("邻里指数", "55.0"), ("排名", "4"))
    assert scores.numeric == (False, True)  # to_html marks a column of numbers right-aligned
    assert blocks[-1] == docx_report.Paragraph((("要点", False), ("一", True)), "item")


def test_a_numbered_list_keeps_its_numbers() -> None:
    # an evaluator's finding (3 December 2026): a note's "1. … 2. …" became bullets in Word (the PDF
    # kept the numbers); a list inside it is bulleted, and the numbering goes on after it
    html = "<ol><li>先做<b>一</b></li><li>再做<ul><li>细项</li></ul></li><li>最后</li></ol><ul><li>另一</li></ul>"
    assert docx_report.html_blocks(html) == [
        docx_report.Paragraph((("1. 先做", False), ("一", True)), "body"),
        docx_report.Paragraph((("2. 再做", False),), "body"),
        docx_report.Paragraph((("细项", False),), "item"),
        docx_report.Paragraph((("3. 最后", False),), "body"),
        docx_report.Paragraph((("另一", False),), "item"),
    ]


@pytest.fixture(scope="module")
def word_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("docx")
    return docx_report.export_docx(executed_report(tmp / "r.ipynb"), tmp / "r.docx", title="湘北社区 2024年度评估报告",
                                   lang="zh", as_of="2024-12-31")


def test_word_has_heading_styles_tables_and_a_captioned_figure(word_file: Path) -> None:
    doc = Document(str(word_file))
    headings = [(p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings == [("Heading 1", "湘北社区 2024年度评估报告"), ("Heading 2", "综合评价"), ("Heading 2", "评估意见与建议")]
    assert len(doc.tables) == 2
    assert [c.text for c in doc.tables[1].rows[2].cells] == ["排名", "4"]
    xml = doc.tables[1]._tbl.xml
    assert "w:tblHeader" in xml  # the header row repeats on every page
    pictures = doc.inline_shapes
    assert len(pictures) == 1 and pictures[0]._inline.docPr.get("descr") == ALT
    captions = [p for p in doc.paragraphs if p.style.name == "Caption"]
    assert [p.text for p in captions] == ["图1  湘北社区 各维度得分"]
    assert "SEQ 图" in captions[0]._p.xml
    assert any(p.style.name == "List Bullet" and p.text == "要点一" for p in doc.paragraphs)


def test_word_is_a4_with_page_numbers_and_a_table_of_contents(word_file: Path) -> None:
    doc = Document(str(word_file))
    section = doc.sections[0]
    # A4: Word keeps twips, 210 mm = 210 / 25.4 × 1440 = 11905.5 → 11906 twips, 297 mm → 16837.8 → 16838
    assert (section.page_width.twips, section.page_height.twips) == (11906, 16838)
    footer = section.footer.paragraphs[0]._p.xml
    assert " PAGE " in footer and " NUMPAGES " in footer
    assert footer.index(" PAGE ") < footer.index(" NUMPAGES ")
    # the contents list the headings (levels 1–3), indented by level, on a page of their own
    entries = [p for p in doc.paragraphs if p.style.name.startswith("toc ")]
    # each heading, then the tab to its page number (empty until LibreOffice lays the pages out or Word updates it)
    assert [(p.style.name, p.text) for p in entries] == [
        ("toc 1", "湘北社区 2024年度评估报告\t"), ("toc 2", "综合评价\t"), ("toc 2", "评估意见与建议\t")]
    assert doc.styles["toc 2"].paragraph_format.left_indent.pt == 12  # one step of 12 pt per level below the first
    head = next(p for p in doc.paragraphs if p.style.name == "TOC Heading")
    assert head.text == "目录" and head.paragraph_format.page_break_before
    # each entry is a link to its heading's bookmark and its page a PAGEREF field to it, marked for Word to update
    headings = [p for p in doc.paragraphs if p.style.name.startswith("Heading")]
    for k, (entry, heading) in enumerate(zip(entries, headings, strict=True)):
        anchor = f"_Toc{k:08d}"
        assert heading._p.xml.count(f'w:name="{anchor}"') == 1
        assert f'w:anchor="{anchor}"' in entry._p.xml
        assert f" PAGEREF {anchor} \\h " in entry._p.xml and 'w:dirty="true"' in entry._p.xml
    assert "TOC \\o" not in doc.element.body.xml  # a TOC field LibreOffice would show without its pages
    normal = doc.styles["Normal"].element.xml
    assert 'w:eastAsia="Noto Serif CJK SC"' in normal and 'w:ascii="Times New Roman"' in normal


def test_same_notebook_gives_the_same_word_bytes_dated_as_of(word_file: Path, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    again = docx_report.export_docx(executed_report(tmp_path / "r.ipynb"), tmp_path / "again.docx",
                                    title="湘北社区 2024年度评估报告", lang="zh", as_of="2024-12-31")
    assert again.read_bytes() == word_file.read_bytes()
    with zipfile.ZipFile(again) as z:
        assert {i.date_time for i in z.infolist()} == {(2024, 12, 31, 0, 0, 0)}
    props = Document(str(again)).core_properties
    assert props.created.isoformat() == props.modified.isoformat() == "2024-12-31T00:00:00+00:00"  # W3CDTF, UTC
    assert props.title == "湘北社区 2024年度评估报告" and props.language == "zh-CN"


def test_english_captions_and_footer(tmp_path: Path) -> None:
    doc = Document(str(docx_report.export_docx(executed_report(tmp_path / "r.ipynb"), tmp_path / "r.en.docx",
                                               title="t", lang="en")))
    assert [p.text for p in doc.paragraphs if p.style.name == "Caption"] == ["Figure 1. 湘北社区 各维度得分"]
    assert "".join(r.text for r in doc.sections[0].footer.paragraphs[0].runs) == "Page 1 of 1"  # fields' cached text


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_libreoffice = pytest.mark.skipif(
    SOFFICE is None and not os.environ.get("CI"),
    reason="LibreOffice is not installed (scripts/install-system-deps.sh installs libreoffice-writer-nogui)",
)


def convert(path: Path, to: str, tmp: Path) -> Path:
    """Convert with headless LibreOffice, with a profile of its own (parallel runs do not collide)."""
    assert SOFFICE is not None, "LibreOffice is not installed: run scripts/install-system-deps.sh"
    done = subprocess.run(
        [SOFFICE, f"-env:UserInstallation={(tmp / 'lo-profile').as_uri()}", "--headless", "--norestore",
         "--convert-to", to, "--outdir", str(tmp), str(path)],
        capture_output=True, text=True, timeout=300, check=False,
    )
    out = tmp / f"{path.stem}.{to.split(':')[0]}"
    assert done.returncode == 0 and out.is_file(), done.stderr[-500:]
    return out


@needs_libreoffice
def test_libreoffice_converts_the_word_file_with_its_headings_tables_and_notes(word_file: Path,
                                                                              tmp_path: Path) -> None:
    pdf = convert(word_file, "pdf", tmp_path)
    text = "".join(subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"],
                                  capture_output=True, check=True, text=True).stdout.split())
    for shown in ("湘北社区2024年度评估报告", "综合评价", "邻里指数", "55.0", "评估意见与建议", "".join(NOTES.split()), "图1"):
        assert shown in text, shown
    assert "第1页/共" in text  # the footer's fields, filled in by LibreOffice
    assert "检查（不显示）" not in text


@needs_libreoffice
def test_a_build_job_writes_the_word_report(tmp_path: Path) -> None:
    out = tmp_path / "2024"
    job = reporting.ReportJob(unit_id="a", unit_type="community", year=2024, lang="zh", template=TINY,
                              parameters={"unit_id": "a", "year": 2024, "lang": "zh"}, formats=("docx",),
                              out_dir=out, title="人民路社区 2024年度评估报告", as_of="2024-12-31")
    outcome = reporting.run_job(job)
    assert outcome.status == "built", outcome.error
    assert set(outcome.outputs) == {"ipynb", "docx"} and not (out / "a.html").exists()
    doc = Document(str(out / "a.docx"))
    # a paragraph's year is kept with its 年 by a word joiner (U+2060), which LibreOffice's line breaking heeds
    assert any("单位：人民路社区（2024\u2060年，zh）" in p.text for p in doc.paragraphs)
    assert len(doc.inline_shapes) == 1  # the notebook's one image
    pdf = convert(out / "a.docx", "pdf", tmp_path)
    assert "人民路社区" in subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout


def test_navigation_links_and_css_bars_stay_out_of_word() -> None:
    # the links between HTML pages mean nothing in a document handed in
    html = ('<nav class="linli-nav"><a href="index.html">← 本年度报告目录</a></nav><h2>摘要</h2>'
            # the summary's bars are drawn by CSS: a column with no text in any row
            '<table><tr><td>五社联动</td><td><div style="width:59%"></div></td><td class="num">59.5</td></tr>'
            '<tr><td>满意度</td><td><div style="width:64%"></div></td><td class="num">64.2</td></tr></table>')
    blocks = docx_report.html_blocks(html)
    assert blocks[0] == docx_report.Heading("摘要", 2)
    assert blocks[1].rows == (("五社联动", "59.5"), ("满意度", "64.2"))
    assert blocks[1].numeric == (False, True)
    assert len(blocks) == 2


def test_the_note_on_the_summarys_css_bars_stays_out_of_word() -> None:
    # "the vertical line marks the zone's score" speaks of a line Word does not draw
    from linli.reporting import summary
    from linli.testing import example_unit

    html = summary.summary_html(example_unit(), lang="en")
    assert "The vertical line marks" in html  # the HTML (and so the PDF) keeps it
    paragraphs = [b for b in docx_report.html_blocks(html) if isinstance(b, docx_report.Paragraph)]
    texts = ["".join(t for t, _ in p.runs) for p in paragraphs]
    assert texts and not any("vertical line" in t for t in texts)
    bars = docx_report.html_blocks(html)[3]  # heading, facts, the dimensions' heading, then the bars
    assert isinstance(bars, docx_report.Table)
    assert all(len(row) == 2 for row in bars.rows)  # the dimension and its score; no empty bar column


def test_a_crowded_table_breaks_headers_before_their_bracket_and_numbers_before_their_unit(tmp_path: Path) -> None:
    # The five-society table (8 columns) printed 上年（2023 over 年） and +3.5个百 over 分点: a header's
    # bracket and a number's unit now go on a line of their own, and the column holds the longer line
    frame = pd.DataFrame({
        "指标": ["社区社会组织数（个）", "注册志愿者占常住人口比例"], "2022年（基线）": ["4", "18.3%"],
        "上年（2023年）": ["7", "22.2%"], "2024年": ["9", "25.6%"], "较上年": ["+2", "+3.5个百分点"],
        "年均增长": ["+50.0%", "+18.4%"], "进展": ["不计分", "显著进展"], "人民街道2024年": ["40", "25.5%"],
    })
    nb = nbformat.v4.new_notebook(cells=[html_cell(render.heading("scorecard")),
                                         html_cell(render.to_html(frame))])
    nbformat.write(nb, tmp_path / "r.ipynb")
    doc = Document(str(docx_report.export_docx(tmp_path / "r.ipynb", tmp_path / "r.docx", title="t", lang="zh")))
    table = doc.tables[0]
    assert [c.text for c in table.rows[0].cells][1:3] == ["2022年\n（基线）", "上年\n（2023年）"]
    # a half-em is 4.75 pt = 1.6757 mm, a cell's margins 3.81 mm: 上年's column holds （2023年）, 2 + 4 + 2 + 2 = 10
    # half-ems and one to spare, 11 × 1.6757 + 3.81 = 22.24 mm; 较上年's holds 个百分点 (8) but not
    # +3.5个百分点 (4 + 8 = 12: (12 + 1) × 1.6757 + 3.81 = 25.6 mm), so the unit goes under the number
    assert table.columns[2].width.mm >= 22.2
    assert 9 * 1.6757 + 3.81 - 0.1 <= table.columns[4].width.mm < 25.6
    assert table.rows[2].cells[4].text == "+3.5\n个百分点"
    assert table.rows[1].cells[4].text == "+2"


@needs_libreoffice
def test_a_tables_note_is_printed_on_the_page_of_its_last_row(tmp_path: Path) -> None:
    # The note under the published-figures table was printed at the top of the next page, apart from its
    # table. Tables of 3 to 24 rows (each with its note) end at every height of the page, so one of them
    # ends on a page's last line whatever the page holds; none's note may begin a page.
    blocks: list[docx_report.Block] = [docx_report.Heading("公开表述核对", 2)]
    for n in range(3, 25):
        rows = (("公开表述", "公布值", "结论"), *((f"表{n}行{i}", str(i), "一致") for i in range(1, n + 1)))
        blocks += [docx_report.Table(rows, numeric=(False, True, False)),
                   docx_report.Paragraph(((f"注{n}：表{n}的说明。", False),), "note")]
    path = tmp_path / "notes.docx"
    path.write_bytes(docx_report.document_bytes(blocks, title="t", lang="zh", stamp=None))
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(convert(path, "pdf", tmp_path)), "-"],
                          capture_output=True, check=True, text=True).stdout
    pages = [["".join(line.split()) for line in page.splitlines() if line.strip()] for page in text.split("\f")]
    assert len(pages) > 5  # 22 tables of 4 to 25 lines: pages enough for a note to fall on any line
    noted = [page[0] for page in pages[1:] if page and page[0].startswith("注")]  # after the contents page
    cut = [(page[0], page[1]) for page in pages[2:] if len(page) > 1 and page[0] == "公开表述" and page[1].startswith("注")]
    assert not noted and not cut, (noted, cut)
    for n in range(3, 25):  # and each note follows its table's last row, on its page
        at = next(k for k, page in enumerate(pages) if f"注{n}：表{n}的说明。" in page)
        assert any(line.startswith(f"表{n}行{n}") for line in pages[at]), (n, pages[at][:4])


def test_the_brands_label_heads_the_page_but_not_the_word_title() -> None:
    # "Lin He Jia: 2024 assessment report" read as one name in Word (a reviewer, 3 December 2026):
    # the coloured label stays in the HTML and the PDF, and the cover's brand line names the brand
    from linli.reporting import sections
    from linli.testing import example_unit

    cover = sections.cover_html(example_unit(), lang="en")
    assert ">Lin He</span>" in cover
    (heading,) = [b for b in docx_report.html_blocks(cover) if isinstance(b, docx_report.Heading)]
    assert heading.text == "Jia: 2024 assessment report"
