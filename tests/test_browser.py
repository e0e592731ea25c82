"""A person's view: headless Chromium opens the built index and a report from disk.

The page must load with no failed request (nothing fetched from the network, no
missing local file) and render; the screenshot is checked to be a real picture,
not a blank page.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PIL import Image

from linli.report import find_chromium

playwright = pytest.importorskip("playwright.sync_api")

FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def _open(pages: list[Path], shots: Path) -> tuple[list[str], list[str], list[Path]]:
    """Open each page, follow nothing, screenshot it; return requests, failures, PNGs."""
    requested: list[str] = []
    failed: list[str] = []
    pngs: list[Path] = []
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=find_chromium(), args=FLAGS)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.on("request", lambda r: requested.append(r.url))
        page.on("requestfailed", lambda r: failed.append(f"{r.url} ({r.failure})"))
        for path in pages:
            page.goto(path.resolve().as_uri(), wait_until="networkidle")
            png = shots / f"{path.stem}.png"
            page.screenshot(path=str(png), full_page=False)
            pngs.append(png)
        browser.close()
    return requested, failed, pngs


def test_index_and_report_open_offline_with_no_failed_request(built: Path, tmp_path: Path) -> None:
    year_dir = next(p for p in built.iterdir() if p.is_dir() and p.name.isdigit())
    index = year_dir / "index.html"
    report = next(p for p in sorted(year_dir.glob("*.html")) if p.name != "index.html")
    requested, failed, pngs = _open([index, report], tmp_path)
    assert failed == []
    assert all(url.startswith(("file://", "data:")) for url in requested), requested
    for png in pngs:
        with Image.open(png) as im:
            colours = im.convert("L").getextrema()
        # a rendered page has both dark text and a light background
        assert colours[0] < 80 and colours[1] > 200, png


def test_chromium_is_installed() -> None:
    # the report's PDF export and this test both need it; set-up installs it
    assert shutil.which("chromium") or shutil.which("chromium-browser")
