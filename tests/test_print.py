"""The printed report: the summary (摘要) opens it, and short sections share pages.

The demo data (``data/raw``) is built once, in Chinese and in English, for one
community and the zone, as PDF. A page's fill is the lowest row holding ink divided by
the page's height, measured on the page drawn by poppler (``pdftoppm``) — what a reader
sees, not what the code meant to lay out.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from linli import config
from linli.cli import main

UNITS = ("xiangbei", "zhengyang", "renmin")
#: A page is under-full below this share of its height (the A4 bottom margin, 16 mm of 297, is 5.4 %).
FULL = 0.60
#: At most one page in ten (the last page of a report aside) may be under-full.
UNDER_FULL_SHARE = 0.10


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("print") / "out"
    codes = [main(["build", "--data-dir", str(config.RAW_DIR), "--out", str(out), "--units", ",".join(UNITS),
                   "--lang", lang, "--format", "pdf", "-q"]) for lang in ("zh", "en")]
    return {"out": out / "2024", "codes": codes}


def page_fills(pdf: Path, tmp: Path) -> list[float]:
    """The fill of every page: lowest non-white row ÷ page height (grey level below 200 of 255 is ink)."""
    subprocess.run(["pdftoppm", "-png", "-r", "30", "-gray", str(pdf), str(tmp / "p")], check=True)
    fills = []
    for png in sorted(tmp.glob("p-*.png")):
        with Image.open(png) as im:
            grey = im.convert("L")
            width, height = grey.size
            px = grey.load()
            lowest = next((y + 1 for y in range(height - 1, -1, -1) if any(px[x, y] < 200 for x in range(width))), 0)
        fills.append(lowest / height)
        png.unlink()
    return fills


def page_text(pdf: Path, page: int) -> str:
    return subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-layout", str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize("name", [f"{u}{suffix}.pdf" for u in UNITS for suffix in ("", ".en")])
def test_short_sections_share_pages(printed: dict[str, Any], name: str, tmp_path: Path) -> None:
    assert printed["codes"] == [0, 0]
    fills = page_fills(printed["out"] / name, tmp_path)
    assert len(fills) >= 5, fills  # a whole report, not an error page
    body = fills[:-1]  # the last page ends the report: it may be short
    under = [i + 1 for i, f in enumerate(body) if f < FULL]
    # e.g. 12 pages before the last: at most int(12 × 0.1) = 1 under 60 % full
    assert len(under) <= int(len(body) * UNDER_FULL_SHARE), (name, [round(f, 2) for f in fills])


@pytest.mark.parametrize(("name", "words"), [
    ("xiangbei.pdf", ("摘要", "邻里指数", "排名区间", "各维度得分", "变化最大的三项指标", "数据质量")),
    ("xiangbei.en.pdf", ("Summary", "Linli Index", "Rank interval", "Dimension scores", "three largest changes",
                         "Rows read")),
    ("renmin.pdf", ("摘要", "不参与排名", "各维度得分")),
])
def test_the_summary_opens_the_report_on_its_first_page(printed: dict[str, Any], name: str, words: tuple[str, ...]) -> None:
    first = page_text(printed["out"] / name, 1)
    missing = [w for w in words if w not in first]
    assert not missing, (name, missing)
    # and ends it: the next section (the overview) begins on page 2
    heading = "概况" if not name.endswith(".en.pdf") else "At a glance"
    assert heading not in first and heading in page_text(printed["out"] / name, 2)
