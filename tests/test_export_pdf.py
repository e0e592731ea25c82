"""PDF export: page numbers in the report's language, an outline from the headings, a
tagged PDF, the same bytes for the same page, one browser per process, and finding
Edge or Chrome on Windows and macOS.
"""

from __future__ import annotations

import ast
import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

import pypdf
import pytest

from linli.errors import LinliError
from linli.reporting import browser, export, jobs, warm

#: A 1×1 PNG.
PIXEL = ("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5Er"
         "kJggg==")


def three_pages(path: Path, lang: str) -> Path:
    """A page of three A4 sheets: h1 on the first, h2 on the second, h1 on the third."""
    heads = ("人民路社区", "五社联动", "方法与来源") if lang == "zh" else ("Renmin Road", "Five-society linkage", "Method")
    path.write_text(
        f'<html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8"><title>t</title></head><body>'
        f"<h1>{heads[0]}</h1><p>正文 text</p>"
        f'<h2 style="break-before:page">{heads[1]}</h2><img src="{PIXEL}" alt="图：{heads[1]}">'
        f'<h1 style="break-before:page">{heads[2]}</h1><p>end</p></body></html>',
        encoding="utf-8",
    )
    return path


def page_texts(pdf: Path) -> list[str]:
    """The text of each page, without spaces (pdftotext drops those between CJK glyphs)."""
    n = len(pypdf.PdfReader(pdf).pages)
    return [
        "".join(subprocess.run(["pdftotext", "-enc", "UTF-8", "-f", str(i), "-l", str(i), str(pdf), "-"],
                               capture_output=True, check=True, text=True).stdout.split())
        for i in range(1, n + 1)
    ]


def alt_texts(pdf: Path) -> list[str]:
    """Every ``/Alt`` of the PDF's structure tree (the tagged figures' alt text), in tree order."""
    found: list[str] = []

    def walk(node: object) -> None:
        node = node.get_object() if isinstance(node, pypdf.generic.IndirectObject) else node
        if isinstance(node, pypdf.generic.DictionaryObject):
            if "/Alt" in node:
                found.append(str(node["/Alt"]))
            walk(node.get("/K"))
        elif isinstance(node, pypdf.generic.ArrayObject):
            for child in node:
                walk(child)

    walk(pypdf.PdfReader(pdf).trailer["/Root"]["/StructTreeRoot"])
    return found


needs_chromium = pytest.mark.skipif(
    not os.environ.get("CI") and not any(map(export.shutil.which, export.CHROMIUM_CANDIDATES)),
    reason="no Chromium on PATH (CI has it: scripts/install-system-deps.sh)",
)


@needs_chromium
@pytest.mark.parametrize(("lang", "footers"), [
    ("zh", ["第1页/共3页", "第2页/共3页", "第3页/共3页"]),
    ("en", ["Page1of3", "Page2of3", "Page3of3"]),
])
def test_pdf_numbers_its_pages_in_the_reports_language(tmp_path: Path, lang: str, footers: list[str]) -> None:
    pdf = export.export_pdf(three_pages(tmp_path / "r.html", lang), tmp_path / "r.pdf", lang=lang)
    texts = page_texts(pdf)
    assert len(texts) == 3  # three sheets: the h2 and the second h1 each start one
    for text, footer in zip(texts, footers, strict=True):
        assert text.endswith(footer), text


@needs_chromium
def test_pdf_outline_follows_the_headings_and_is_tagged(tmp_path: Path) -> None:
    pdf = export.export_pdf(three_pages(tmp_path / "r.html", "zh"), tmp_path / "r.pdf", lang="zh")
    reader = pypdf.PdfReader(pdf)
    outline = reader.outline
    # two top-level entries (the h1s), the h2 nested under the first
    titles = [item.title if not isinstance(item, list) else [i.title for i in item] for item in outline]
    assert titles == ["人民路社区", ["五社联动"], "方法与来源"]
    assert [reader.get_destination_page_number(outline[i]) for i in (0, 2)] == [0, 2]
    assert bool(reader.trailer["/Root"]["/MarkInfo"]["/Marked"])
    assert alt_texts(pdf) == ["图：五社联动"]


@needs_chromium
def test_same_page_gives_the_same_pdf_bytes_stamped_with_the_as_of_date(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    page = three_pages(tmp_path / "r.html", "zh")
    first = export.export_pdf(page, tmp_path / "1.pdf", as_of="2024-12-31").read_bytes()
    time.sleep(1.1)  # Chromium's clock has moved on by a second: its own dates would differ
    second = export.export_pdf(page, tmp_path / "2.pdf", as_of="2024-12-31").read_bytes()
    assert first == second
    info = pypdf.PdfReader(tmp_path / "1.pdf").metadata
    assert info["/CreationDate"] == info["/ModDate"] == "D:20241231000000+00'00'"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14 22:13:20 UTC
    stamped = export.export_pdf(page, tmp_path / "3.pdf", as_of="2024-12-31")
    assert pypdf.PdfReader(stamped).metadata["/CreationDate"] == "D:20231114221320+00'00'"
    assert len(stamped.read_bytes()) == len(first)  # replaced in place: the xref offsets hold


def test_a_bad_source_date_epoch_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(LinliError, match=r"SOURCE_DATE_EPOCH='yesterday' is not a whole number"):
        export.pdf_date("2024-12-31")
    with pytest.raises(LinliError, match=r"as_of date '31/12/2024' is not a date"):
        export.pdf_date("31/12/2024", environ={})


@needs_chromium
def test_one_browser_serves_every_pdf_of_a_process_and_comes_back_when_it_dies(tmp_path: Path) -> None:
    page = three_pages(tmp_path / "r.html", "en")
    export.export_pdf(page, tmp_path / "1.pdf", lang="en")
    shared = browser.shared_browser(export.find_chromium())
    export.export_pdf(page, tmp_path / "2.pdf", lang="en")
    assert browser.shared_browser(export.find_chromium()) is shared
    # Chromium goes away under the browser's feet: the next page starts it again
    asyncio.run_coroutine_threadsafe(shared._browser.close(), shared._loop).result(timeout=30)
    export.export_pdf(page, tmp_path / "3.pdf", lang="en")
    assert browser.shared_browser(export.find_chromium()) is shared
    assert (tmp_path / "3.pdf").read_bytes()[:5] == b"%PDF-"


@needs_chromium
def test_pages_printed_one_after_another_share_a_context_and_leave_nothing_to_the_next(tmp_path: Path) -> None:
    first, second = three_pages(tmp_path / "a.html", "zh"), three_pages(tmp_path / "b.html", "en")
    export.export_pdf(first, tmp_path / "a.pdf", lang="zh", as_of="2024-12-31")
    after = export.export_pdf(second, tmp_path / "b.pdf", lang="en", as_of="2024-12-31").read_bytes()
    shared = browser.shared_browser(export.find_chromium())
    assert len(shared._browser.contexts) == 1 and shared._context.pages == []  # one context, its pages closed
    fresh = browser.Browser(export.find_chromium())  # a browser that printed nothing before
    try:
        alone = fresh.print_pdf(second, timeout=120, options=export.pdf_options("en"))
    finally:
        fresh.close()
    assert after == export.normalise_pdf(alone, export.pdf_date("2024-12-31"))


@needs_chromium
def test_a_process_that_printed_exits_cleanly_and_closes_its_browser(tmp_path: Path) -> None:
    page = three_pages(tmp_path / "r.html", "zh")
    code = (f"from linli.reporting import export; export.export_pdf({str(page)!r}, {str(tmp_path / 'x.pdf')!r}); "
            "print('printed')")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and done.stdout.split() == ["printed"], done.stderr
    assert "Traceback" not in done.stderr and (tmp_path / "x.pdf").is_file()


@needs_chromium
def test_browser_version_names_the_browser_without_a_build() -> None:
    version = export.browser_version()
    assert version is not None and any(ch.isdigit() for ch in version), version


def test_browser_version_is_none_without_a_browser(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(export.CHROMIUM_ENV, raising=False)
    monkeypatch.setattr(export.shutil, "which", lambda name: None)
    monkeypatch.setattr(export.platform, "system", lambda: "Linux")
    assert export.browser_version() is None


# ------------------------------------------------------------- Windows and macOS


def fake_program(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"")
    path.chmod(0o755)
    return path


def no_path(monkeypatch: pytest.MonkeyPatch, system: str) -> None:
    monkeypatch.delenv(export.CHROMIUM_ENV, raising=False)
    monkeypatch.setattr(export.shutil, "which", lambda name: None)
    monkeypatch.setattr(export.platform, "system", lambda: system)


def test_windows_finds_edge_under_program_files_x86(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    no_path(monkeypatch, "Windows")
    pf, pf86, local = tmp_path / "Program Files", tmp_path / "Program Files (x86)", tmp_path / "AppData" / "Local"
    edge = fake_program(pf86 / "Microsoft" / "Edge" / "Application" / "msedge.exe")
    (edge.parent / "120.0.2210.91").mkdir()
    (edge.parent / "9.1.0").mkdir()  # older: the version is the greatest, not the last by name
    monkeypatch.setenv("ProgramFiles", str(pf))
    monkeypatch.setenv("ProgramFiles(x86)", str(pf86))
    monkeypatch.setenv("LocalAppData", str(local))
    assert export.find_chromium() == str(edge)
    assert export.browser_version() == "msedge 120.0.2210.91"


def test_windows_prefers_edge_then_chrome_in_the_users_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    no_path(monkeypatch, "Windows")
    local = tmp_path / "Local"
    chrome = fake_program(local / "Google" / "Chrome" / "Application" / "chrome.exe")
    monkeypatch.setenv("ProgramFiles", str(tmp_path / "none"))
    monkeypatch.delenv("ProgramFiles(x86)", raising=False)
    monkeypatch.setenv("LocalAppData", str(local))
    assert export.find_chromium() == str(chrome)
    edge = fake_program(tmp_path / "none" / "Microsoft" / "Edge" / "Application" / "msedge.exe")
    assert export.find_chromium() == str(edge)


@pytest.mark.parametrize(("app", "program"), [
    ("Google Chrome.app", "Google Chrome"),
    ("Microsoft Edge.app", "Microsoft Edge"),
    ("Chromium.app", "Chromium"),
])
def test_macos_finds_the_app_in_the_users_applications(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       app: str, program: str) -> None:
    no_path(monkeypatch, "Darwin")
    monkeypatch.setenv("HOME", str(tmp_path))
    found = fake_program(tmp_path / "Applications" / app / "Contents" / "MacOS" / program)
    assert export.find_chromium() == str(found)


def test_without_any_browser_the_message_says_where_it_looked(monkeypatch: pytest.MonkeyPatch,
                                                              tmp_path: Path) -> None:
    no_path(monkeypatch, "Windows")
    for key in ("ProgramFiles", "ProgramFiles(x86)", "LocalAppData"):
        monkeypatch.setenv(key, str(tmp_path / key))
    with pytest.raises(LinliError, match=r"Edge or Chrome on Windows and macOS.*--format html"):
        export.find_chromium()


#: Calls that exist only on POSIX systems.
POSIX_ONLY = {"killpg", "setsid", "getpgid", "setpgrp", "fork", "getuid", "geteuid", "SIGKILL", "start_new_session"}


@pytest.mark.parametrize("module", [export, browser], ids=lambda m: m.__name__)
def test_the_export_code_calls_nothing_that_only_posix_has(module: object) -> None:
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))  # type: ignore[attr-defined]
    used = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    used |= {n.arg for n in ast.walk(tree) if isinstance(n, ast.keyword) and n.arg}
    assert not used & POSIX_ONLY


# ------------------------------------------------------- a worker made ready


@needs_chromium
def test_a_worker_made_ready_has_the_runner_imported_and_chromium_running() -> None:
    code = (
        "import sys\n"
        "from linli.reporting import browser, jobs, warm\n"
        "assert 'papermill' not in sys.modules\n"
        "jobs.prepare_worker(('html', 'pdf'))\n"
        "shared = browser._shared\n"
        "print(all(m in sys.modules for m in ('papermill', 'nbconvert', 'nbclient')),\n"
        "      shared is not None and shared._browser is not None and shared._browser.is_connected(),\n"
        "      warm._warm is not None and warm._warm.alive)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=True)
    assert done.stdout.split() == ["True", "True", str(warm.ENABLED)]


def test_a_worker_that_cannot_get_ready_leaves_the_error_to_its_reports(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(export.CHROMIUM_ENV, "/nonexistent/chromium")
    assert jobs.prepare_worker(("html", "pdf")) is None  # no exception: each PDF will say Chromium is missing
    assert jobs.ready_pool(1, ("html",)) is None  # one job: the reports run in this process, no pool
    pool = jobs.ready_pool(2, ("html",))
    assert pool is not None
    try:
        assert pool.submit(os.getpid).result(timeout=120) != os.getpid()  # a process of its own
    finally:
        pool.shutdown(wait=True)
