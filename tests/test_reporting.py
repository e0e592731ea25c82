"""linli.reporting: notebooks run by papermill, offline HTML, PDF with Chinese text,
caching, parallel runs that survive a failing unit, the index page and ``build``.

The fixture notebook ``tests/data/tiny_report.ipynb`` takes ``unit_id``, ``year``,
``lang`` and ``results_dir``; it prints the unit's Chinese name, shows a 1×1 PNG,
reads the build hand-off when given one, writes to stderr, and raises for
``unit_id == "boom"``.
"""

from __future__ import annotations

import concurrent.futures as cf
import importlib
import json
import logging
import math
import re
import shutil
import socket
import subprocess
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linli import build, handoff, pipeline, reporting, synth
from linli.errors import LinliError, OutputError
from linli.reporting import export, warm

TINY = Path(__file__).parent / "data" / "tiny_report.ipynb"


def make_job(out_dir: Path, unit_id: str, **options: Any) -> reporting.ReportJob:
    settings: dict[str, Any] = {
        "unit_id": unit_id,
        "unit_type": "community",
        "year": 2024,
        "lang": "zh",
        "template": TINY,
        "parameters": {"unit_id": unit_id, "year": 2024, "lang": "zh"},
        "formats": ("html", "pdf"),
        "out_dir": out_dir,
        "title": f"{unit_id} 2024年度评估报告",
        "inputs": "fingerprint-1",
    }
    return reporting.ReportJob(**(settings | options))


class InlineExecutor(cf.Executor):
    """Runs each task at once in this process and records it — a stand-in for
    ``dask.distributed.Client.get_executor()``."""

    def __init__(self) -> None:
        self.submitted: list[str] = []

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> cf.Future[Any]:
        self.submitted.append(args[0].unit_id)
        future: cf.Future[Any] = cf.Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as exc:
            future.set_exception(exc)
        return future


def fetched_urls(html: str) -> list[str]:
    """Every remote address in a src/href attribute of any tag but <a>, or in CSS url()/@import.

    Written independently of ``reporting.remote_resources`` on purpose.
    """
    found = []
    for tag in re.finditer(r"<([a-zA-Z][\w:-]*)\b([^>]*)>", html):
        if tag.group(1).lower() == "a":
            continue
        found += re.findall(r"""\b(?:src|href|srcset|poster|data)\s*=\s*["']?\s*((?:https?:)?//[^"'\s>]+)""", tag.group(2))
    found += re.findall(r"""url\(\s*["']?\s*((?:https?:)?//[^"')\s]+)""", html)
    found += re.findall(r"""@import\s+(?:url\()?\s*["']?((?:https?:)?//[^"')\s;]+)""", html)
    return found


# ------------------------------------------------------------ parallel build


@pytest.fixture(scope="module")
def first_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[reporting.ReportJob], list[reporting.ReportOutcome]]:
    out = tmp_path_factory.mktemp("reports") / "2024"
    jobs = [
        make_job(out, "a", title="人民路社区 2024年度评估报告"),
        make_job(out, "b", lang="en", parameters={"unit_id": "b", "year": 2024, "lang": "en"}),
        make_job(out, "boom"),
    ]
    return jobs, reporting.build_reports(jobs, n_jobs=2, progress_bar=False)


def test_a_failing_unit_leaves_the_others_built(first_build: Any) -> None:
    jobs, results = first_build
    assert [(r.unit_id, r.status) for r in results] == [("a", "built"), ("b", "built"), ("boom", "failed")]
    ok = results[0]
    assert set(ok.outputs) == {"ipynb", "html", "pdf"} and all(p.is_file() for p in ok.outputs.values())
    assert ok.error is None and jobs[0].key_path.is_file()
    boom = results[2]
    assert "\n" not in boom.error
    assert "RuntimeError" in boom.error and "fails on purpose" in boom.error
    # the executed notebook is kept for inspection; no export and no cache key
    assert set(boom.outputs) == {"ipynb"}
    assert not jobs[2].key_path.exists()


def test_executed_notebook_has_parameters_and_no_timestamps(first_build: Any) -> None:
    jobs, _ = first_build
    text = (jobs[0].out_dir / "a.ipynb").read_text(encoding="utf-8")
    nb = json.loads(text)
    injected = next(c for c in nb["cells"] if "injected-parameters" in c["metadata"].get("tags", []))
    assert 'unit_id = "a"' in "".join(injected["source"])
    assert injected["id"] == "injected-parameters"  # papermill's random id is replaced
    assert nb["metadata"]["papermill"]["output_path"] == "a.ipynb"
    stdout = [o for c in nb["cells"] if c["cell_type"] == "code" for o in c["outputs"] if o.get("name") == "stdout"]
    assert "单位：人民路社区（2024年，zh）\n" in ["".join(o["text"]) for o in stdout]
    for stamp in ("start_time", "end_time", "duration", "iopub.status.busy"):
        assert stamp not in text


def test_html_is_offline_without_code(first_build: Any) -> None:
    jobs, _ = first_build
    html = (jobs[0].out_dir / "a.html").read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in html
    assert "<title>人民路社区 2024年度评估报告</title>" in html
    assert fetched_urls(html) == [] and reporting.remote_resources(html) == []
    assert "<script" not in html  # nothing to run at all
    # a source citation stays a plain hyperlink: navigation, never fetched
    assert '<a href="https://www.mca.gov.cn/">' in html
    assert "单位：人民路社区（2024年，zh）" in html
    assert "NAMES = {" not in html and "In&nbsp;[" not in html  # no code, no prompts
    assert "stderr is not shown" not in html
    assert 'src="data:image/png;base64,' in html
    assert '"Noto Sans CJK SC"' in html and "size: A4" in html
    english = (jobs[1].out_dir / "b.en.html").read_text(encoding="utf-8")  # another language adds its code
    assert '<html lang="en">' in english and fetched_urls(english) == []


def test_pdf_keeps_chinese_text_on_a4(first_build: Any) -> None:
    jobs, _ = first_build
    pdf = jobs[0].out_dir / "a.pdf"
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True).stdout
    text = text.decode("utf-8")
    assert "邻里测试报告" in text and "人民路社区" in text
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, check=True, text=True).stdout
    assert "(A4)" in info


def test_second_build_runs_only_the_failed_unit(first_build: Any) -> None:
    jobs, _ = first_build
    executor = InlineExecutor()
    again = reporting.build_reports(jobs, progress_bar=False, executor=executor)
    assert [(r.unit_id, r.status) for r in again] == [("a", "cached"), ("b", "cached"), ("boom", "failed")]
    assert executor.submitted == ["boom"]  # nothing unchanged is executed again


def test_rebuild_in_fewer_formats_drops_the_stale_export(tmp_path: Path) -> None:
    out = tmp_path / "2024"
    (out).mkdir()
    (out / "a.pdf").write_bytes(b"%PDF from an earlier build")
    result = reporting.run_job(make_job(out, "a", formats=("html",), inputs="fingerprint-2"))
    assert result.status == "built"
    assert (out / "a.html").is_file() and not (out / "a.pdf").exists()


def test_rebuild_in_fewer_formats_keeps_another_languages_files(tmp_path: Path) -> None:
    out = tmp_path / "2024"
    zh = reporting.run_job(make_job(out, "a"))  # html and pdf, Chinese: the plain names
    assert zh.status == "built" and {p.name for p in zh.outputs.values()} == {"a.ipynb", "a.html", "a.pdf"}
    en = reporting.run_job(make_job(out, "a", lang="en", formats=("html",),
                                    parameters={"unit_id": "a", "year": 2024, "lang": "en"}))
    assert en.status == "built" and {p.name for p in en.outputs.values()} == {"a.en.ipynb", "a.en.html"}
    # the Chinese files and their cache key are untouched: the Chinese build is still up to date
    assert all(p.is_file() for p in zh.outputs.values()) and reporting.is_cached(make_job(out, "a"))
    assert (out / ".cache" / "a.key").is_file() and (out / ".cache" / "a.en.key").is_file()
    # an English rebuild in PDF only drops the English HTML, never the Chinese one
    again = reporting.run_job(make_job(out, "a", lang="en", formats=("pdf",), inputs="fingerprint-2",
                                       parameters={"unit_id": "a", "year": 2024, "lang": "en"}))
    assert again.status == "built" and not (out / "a.en.html").exists() and (out / "a.en.pdf").is_file()
    assert (out / "a.html").is_file() and (out / "a.pdf").is_file()


def test_index_page_merges_with_what_is_on_disk(tmp_path: Path) -> None:
    out = tmp_path / "2024"
    out.mkdir()
    for name in ("a.html", "a.pdf", "a.ipynb", "a.json", "a.en.html", "b.en.docx", "b.en.ipynb",
                 ".a.pdf.part", "notes.txt", "a.fr.html", "manifest.json", "indicators.xlsx"):
        (out / name).write_text("x", encoding="utf-8")
    built_now = [reporting.ReportOutcome("c", "zone", "built", {}, lang="en")]
    (out / "c.en.html").write_text("x", encoding="utf-8")
    page = reporting.write_index(
        built_now, out, year=2024, lang="en", title="Reports 2024",
        names={"c": "Zone C", "a": "Community A"}, unit_types={"a": "community"},
        standings={"a": {"index": "57.4", "band": "55.9–58.6", "rank": "rank 2 of 2"}},
    )
    html = page.read_text(encoding="utf-8")
    # every unit with a file on disk is listed, in the order of the names, unknown ones last
    assert html.index("Zone C") < html.index("Community A") < html.index(">b<")
    for href in ("a.html", "a.pdf", "a.ipynb", "a.json", "a.en.html", "b.en.docx", "b.en.ipynb", "c.en.html"):
        assert f'href="{href}"' in html
    # neither a half-written file, nor a file linli does not name, nor an unknown language
    assert ".part" not in html and "notes.txt" not in html and "a.fr.html" not in html
    # the year's own files are not the reports of a unit called "manifest" or "indicators"
    assert ">manifest<" not in html and 'href="manifest.json"' not in html and ">indicators<" not in html
    assert html.count('href="indicators.xlsx"') == 1  # linked once, as the year's workbook
    assert "57.4" in html and "55.9–58.6" in html and "rank 2 of 2" in html
    assert "Chinese" in html and "English" in html and "from an earlier build" in html
    # 1 built now; a, b and c have reports in the folder
    assert "1 report: 1 built, 0 up to date, 0 failed." in html and "the reports of 3 units." in html
    assert page.name == "index.en.html" and 'href="../index.en.html"' in html  # its own language's years page


def test_years_index_links_every_year(tmp_path: Path) -> None:
    for year in ("2023", "2024"):
        (tmp_path / year).mkdir()
        (tmp_path / year / "index.html").write_text("x", encoding="utf-8")
        (tmp_path / year / "a.html").write_text("x", encoding="utf-8")
    (tmp_path / "2022").mkdir()  # no index: not a build of that year
    (tmp_path / "misc").mkdir()
    html = reporting.index_page.write_years_index(tmp_path, lang="zh").read_text(encoding="utf-8")
    assert html.index('href="2024/index.html"') < html.index('href="2023/index.html"')  # newest first
    assert "2022" not in html and "misc" not in html and "2024年度邻里评估报告" in html
    (tmp_path / "2023" / "b.html").write_text("x", encoding="utf-8")
    english = reporting.index_page.write_years_index(tmp_path, lang="en").read_text(encoding="utf-8")
    # 2024 holds a's reports, 2023 a's and b's
    assert "the reports of 1 unit." in english and "the reports of 2 units." in english
    assert "(s)" not in english


def test_index_pages_of_two_languages_link_each_other(tmp_path: Path) -> None:
    year = tmp_path / "2024"
    year.mkdir()
    (year / "a.html").write_text("x", encoding="utf-8")
    langs = reporting.index_page.index_langs(year, "zh", "en")
    zh = reporting.write_index([], year, year=2024, lang="zh", title="t", langs=langs)
    en = reporting.write_index([], year, year=2024, lang="en", title="t", langs=langs)
    assert (zh.name, en.name) == ("index.html", "index.en.html")
    # each page names the other in the other's language, and lists a's report, not itself
    assert '<a href="index.en.html" hreflang="en">English</a>' in zh.read_text(encoding="utf-8")
    assert '<a href="index.html" hreflang="zh-CN">中文</a>' in en.read_text(encoding="utf-8")
    assert ">index<" not in zh.read_text(encoding="utf-8") + en.read_text(encoding="utf-8")
    assert reporting.index_page.index_langs(year) == ["zh", "en"]
    # the English years page links the English page of a year that has one, the Chinese page of one that has not
    (tmp_path / "2023").mkdir()
    (tmp_path / "2023" / "index.html").write_text("x", encoding="utf-8")
    years = reporting.index_page.write_years_index(tmp_path, lang="en", langs=["zh", "en"]).read_text(encoding="utf-8")
    assert 'href="2024/index.en.html"' in years and 'href="2023/index.html"' in years
    assert '<a href="index.html" hreflang="zh-CN">中文</a>' in years


def test_index_page_links_the_indicators_workbook_when_it_is_there(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text("x", encoding="utf-8")
    page = reporting.write_index([], tmp_path, year=2024, lang="zh", title="t").read_text(encoding="utf-8")
    assert "indicators.xlsx" not in page  # no workbook (yet): no dead link
    (tmp_path / "indicators.xlsx").write_text("x", encoding="utf-8")
    page = reporting.write_index([], tmp_path, year=2024, lang="zh", title="t").read_text(encoding="utf-8")
    assert '<a href="indicators.xlsx">指标表 indicators.xlsx</a>' in page and "全部指标" in page
    page = reporting.write_index([], tmp_path, year=2024, lang="en", title="t").read_text(encoding="utf-8")
    assert '<a href="indicators.xlsx">indicators.xlsx</a>' in page and "Every indicator of every unit" in page


def test_index_page_links_every_report(first_build: Any) -> None:
    jobs, results = first_build
    out = jobs[0].out_dir
    (out / "a.json").write_text("{}", encoding="utf-8")
    page = reporting.write_index(
        results, out, year=2024, lang="zh", title="2024年度邻里评估报告",
        names={"a": "人民路社区"}, banner="合成数据",
    )
    html = page.read_text(encoding="utf-8")
    assert page == out / "index.html"
    assert '<html lang="zh-CN">' in html and "<title>2024年度邻里评估报告</title>" in html
    for href in ("a.html", "a.pdf", "a.ipynb", "a.json", "b.en.html", "b.en.pdf", "boom.ipynb"):
        assert f'href="{href}"' in html
    assert 'href="boom.html"' not in html and 'href="b.html"' not in html
    assert "人民路社区" in html and "失败" in html and "fails on purpose" in html
    assert "共 3 份报告：新生成 2 份，沿用 0 份，失败 1 份。" in html
    assert "http" not in html
    english = reporting.write_index(results, out, year=2024, lang="en", title="Reports 2024")
    text = english.read_text(encoding="utf-8")
    assert '<html lang="en">' in text and "3 reports: 2 built, 0 up to date, 1 failed." in text
    assert "the reports of 3 units." in text and "(s)" not in text  # a, b and boom


# ------------------------------------------------------------------- caching


def test_cache_key_changes_with_every_input(tmp_path: Path) -> None:
    base = make_job(tmp_path, "a")
    edited = tmp_path / "edited.ipynb"
    edited.write_bytes(TINY.read_bytes().replace(b"tiny parameterised", b"tiny parameterized"))
    variants = [
        make_job(tmp_path, "a", parameters={"unit_id": "a", "year": 2023, "lang": "zh"}),
        make_job(tmp_path, "a", inputs="fingerprint-2"),
        make_job(tmp_path, "a", template=edited),
        make_job(tmp_path, "a", lang="en"),
        make_job(tmp_path, "a", title="another title"),
        make_job(tmp_path, "a", year=2023),
    ]
    keys = {reporting.cache_key(j) for j in variants}
    assert reporting.cache_key(base) == reporting.cache_key(make_job(tmp_path, "a"))
    assert reporting.cache_key(base) not in keys and len(keys) == len(variants)
    # parameter order does not matter
    shuffled = make_job(tmp_path, "a", parameters={"lang": "zh", "year": 2024, "unit_id": "a"})
    assert reporting.cache_key(shuffled) == reporting.cache_key(base)


def test_is_cached_needs_the_key_and_every_output(tmp_path: Path) -> None:
    job = make_job(tmp_path, "a")
    for path in job.paths().values():
        path.write_text("x", encoding="utf-8")
    assert not reporting.is_cached(job)  # no key yet
    job.key_path.parent.mkdir()
    job.key_path.write_text(reporting.cache_key(job) + "\n", encoding="utf-8")
    assert reporting.is_cached(job)
    assert not reporting.is_cached(make_job(tmp_path, "a", inputs="changed data"))
    job.paths()["pdf"].unlink()
    assert not reporting.is_cached(job)
    assert reporting.is_cached(make_job(tmp_path, "a", formats=("html",)))


# --------------------------------------------------------- errors and helpers


def test_missing_chromium_says_how_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    page = tmp_path / "a.html"
    page.write_text("<html><body>人民路</body></html>", encoding="utf-8")
    monkeypatch.delenv(reporting.CHROMIUM_ENV, raising=False)
    monkeypatch.setattr(export.shutil, "which", lambda name: None)
    with pytest.raises(LinliError, match=r"scripts/install-system-deps\.sh or apt-get install chromium"):
        reporting.export_pdf(page, tmp_path / "a.pdf")
    assert not (tmp_path / "a.pdf").exists()


def test_chromium_from_the_environment_must_exist(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(reporting.CHROMIUM_ENV, "/nonexistent/chrome")
    with pytest.raises(LinliError, match="LINLI_CHROMIUM"):
        reporting.find_chromium()


def test_debian_chromium_is_installed() -> None:
    # CI installs it with scripts/install-system-deps.sh; the PDF tests rely on it
    assert reporting.find_chromium()
    assert shutil.which("pdftotext") is not None


def test_strip_remote_removes_every_cdn_resource() -> None:
    page = """<html><head>
<script src="https://cdnjs.cloudflare.com/ajax/libs/require.js/2.1.10/require.min.js"></script>
<link rel="stylesheet" href="//fonts.googleapis.com/css?family=Noto">
<style>@import url("https://cdn.example/x.css"); body { background: url(http://cdn.example/bg.png); }</style>
<script type="module">const m = (await import("https://cdn.example/mermaid.esm.mjs")).default;</script>
</head><body><img src="https://tiles.example/1/2/3.png" alt="tile">
<p>见 <a href="https://www.mca.gov.cn/">民政部</a></p><script>var x = 1;</script></body></html>"""
    assert len(reporting.remote_resources(page)) == 6
    clean = reporting.strip_remote(page)
    assert reporting.remote_resources(clean) == [] and fetched_urls(clean) == []
    assert '<a href="https://www.mca.gov.cn/">民政部</a>' in clean and "var x = 1;" in clean


def test_bad_options_name_the_valid_ones(tmp_path: Path) -> None:
    with pytest.raises(LinliError, match=r"'odt'; valid: html, pdf, docx"):
        make_job(tmp_path, "a", formats=("html", "odt"))
    # one language check for every module (linli.labels.check_lang)
    with pytest.raises(LinliError, match=r"Unknown language 'fr'; valid: zh, en"):
        make_job(tmp_path, "a", lang="fr")
    with pytest.raises(LinliError, match="does not exist"):
        reporting.run_notebook(tmp_path / "missing.ipynb", tmp_path / "out.ipynb", {})
    assert make_job(tmp_path, "a", formats="pdf,html").formats == ("html", "pdf")
    assert make_job(tmp_path, "a", formats="docx,html").formats == ("html", "docx")


@pytest.fixture
def taken_port() -> Any:
    """A port another process might have bound: a listening socket, closed after the test."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        yield taken.getsockname()[1]


def _hand_out(port: int, monkeypatch: pytest.MonkeyPatch, kernels: int) -> list[int]:
    """Make jupyter_client give ``port`` to the first ``kernels`` kernels as their first
    port (shell), as its pick of free ports can when a connection takes a port between
    pick and bind; the ports it hands out, in order."""
    from jupyter_client.connect import LocalPortCache

    real = LocalPortCache.find_available_port
    handed: list[int] = []

    def find(self: LocalPortCache, ip: str) -> int:
        # five ports a kernel: the shell port is the first of each five
        chosen = port if len(handed) % 5 == 0 and len(handed) < 5 * kernels else real(self, ip)
        handed.append(chosen)
        return chosen

    monkeypatch.setattr(LocalPortCache, "find_available_port", find)
    return handed


def _one_cell(tmp_path: Path) -> Path:
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("print(x * 21)"),
    ])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, tmp_path / "one.ipynb")
    return tmp_path / "one.ipynb"


@pytest.mark.parametrize("forked", [True, False], ids=["forked", "started"])
def test_a_kernel_that_dies_at_start_on_a_taken_port_is_started_once_more_on_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, taken_port: int, forked: bool,
    capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture,
) -> None:
    # a defect seen in a build: "ZMQError: Address already in use", the kernel died before
    # replying to kernel_info, and the unit was recorded as failed
    if forked and not warm.ENABLED:
        pytest.skip("kernels are forked on Linux only")
    monkeypatch.setattr(warm, "ENABLED", forked)
    port, handed = taken_port, _hand_out(taken_port, monkeypatch, kernels=1)
    out = reporting.run_notebook(_one_cell(tmp_path), tmp_path / "one.out.ipynb", {"x": 2})
    import nbformat

    assert nbformat.read(out, as_version=4).cells[-1].outputs[0]["text"] == "42\n"  # 2 × 21
    # two kernels of five ports each: the first given the taken port, the second only others
    assert len(handed) == 10 and handed[0] == port and port not in handed[5:]
    # nothing logged of the first kernel (its error is handled); a forked kernel says why it
    # ended in one line, without a traceback (a kernel started the usual way is ipykernel's own)
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    if forked:
        err = capfd.readouterr().err
        assert "a report kernel did not start: ZMQError: Address already in use" in err and "Traceback" not in err


def test_a_researchers_own_papermill_run_keeps_its_kernel_start_error_in_the_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, taken_port: int, caplog: pytest.LogCaptureFixture
) -> None:
    # a defect: importing linli.reporting left papermill's "Error occurred while starting
    # new kernel client" out of every papermill run in the process, not only linli's own
    import papermill as pm

    _hand_out(taken_port, monkeypatch, kernels=1)
    with caplog.at_level(logging.ERROR, logger="papermill"), pytest.raises(RuntimeError, match="Kernel died"):
        pm.execute_notebook(str(_one_cell(tmp_path)), str(tmp_path / "mine.ipynb"), parameters={"x": 2},
                            progress_bar=False, kernel_name="python3")
    assert any(str(r.msg).startswith("Error occurred while starting new kernel client") for r in caplog.records)


def test_the_kernel_start_error_is_left_out_only_for_a_thread_running_a_report() -> None:
    from linli.reporting import notebook

    def kept(thread: str) -> bool:
        return notebook._not_the_kernel_start(logging.makeLogRecord(
            {"msg": "Error occurred while starting new kernel client for kernel k: e", "threadName": thread}))

    me = threading.current_thread().name
    assert kept(me)
    with notebook._reporting():
        # this thread, and the thread nbclient runs its loop in for it where a loop already runs (Jupyter)
        assert not kept(me) and not kept(f"{me} - runner")
        assert kept("another thread")
    assert kept(me)


def test_a_kernel_that_dies_at_start_twice_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, taken_port: int
) -> None:
    handed = _hand_out(taken_port, monkeypatch, kernels=3)
    with pytest.raises(RuntimeError, match="Kernel died before replying to kernel_info"):
        reporting.run_notebook(_one_cell(tmp_path), tmp_path / "one.out.ipynb", {"x": 2})
    assert len(handed) == 10  # started twice, not a third time


# --------------------------------------------------------------------- build


def tiny_build_inputs(root: Path) -> tuple[Path, Path]:
    """Two synthetic communities in ``root/raw`` and the one-cell notebook as both report
    notebooks in ``root/notebooks``: a build in seconds."""
    raw = root / "raw"
    synth.generate(raw, communities=2, seed=3)
    notebooks = root / "notebooks"
    notebooks.mkdir()
    for name in ("community.ipynb", "zone.ipynb"):
        shutil.copy(TINY, notebooks / name)
    return raw, notebooks


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, reporting.BuildSummary]:
    root = tmp_path_factory.mktemp("build")
    raw, notebooks = tiny_build_inputs(root)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LINLI_KEY", "report-test-key")
        summary = build.run(
            raw, out=root / "out", notebooks_dir=notebooks, formats=("html",), jobs=1, progress_bar=False
        )
    return raw, notebooks, summary


def test_the_index_page_waits_for_the_workbook_it_links(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # indicators.xlsx is written beside the reports; when they finished first, the first build's
    # index page had no link to it (a helper's finding, 3 December 2026): the page now waits for it
    raw, notebooks = tiny_build_inputs(tmp_path)
    reports_done = threading.Event()
    real = build.write_indicators_workbook

    def late(*args: Any, **kwargs: Any) -> Path:
        reports_done.wait(timeout=120)  # only once every report is made
        return real(*args, **kwargs)

    def made(*args: Any, **kwargs: Any) -> Any:
        try:
            return real_reports(*args, **kwargs)
        finally:
            reports_done.set()

    module = importlib.import_module("linli.reporting.build")  # reporting.build is its function
    real_reports = module.build_reports
    monkeypatch.setattr(build, "write_indicators_workbook", late)
    monkeypatch.setattr(module, "build_reports", made)
    monkeypatch.setenv("LINLI_KEY", "report-test-key")
    summary = build.run(raw, out=tmp_path / "out", notebooks_dir=notebooks, formats=("html",), jobs=1,
                        progress_bar=False)
    assert 'href="indicators.xlsx"' in summary.index.read_text(encoding="utf-8")


def test_build_writes_reports_json_and_index(built: Any) -> None:
    _, _, summary = built
    assert summary.year == 2024  # the last year synth.generate writes
    assert summary.built == ["zone", "c0001", "c0002"] and summary.failed == []
    year_dir = summary.out_dir
    for unit in ("zone", "c0001", "c0002"):
        assert (year_dir / f"{unit}.html").is_file() and (year_dir / f"{unit}.json").is_file()
        assert not (year_dir / f"{unit}.pdf").exists()  # html only was asked for
    index = summary.index.read_text(encoding="utf-8")
    assert 'href="c0001.html"' in index and "合成数据" in index and fetched_urls(index) == []
    # the kernel ran in OUT/<year> and read its unit's slice of the hand-off
    executed = (year_dir / "c0001.ipynb").read_text(encoding="utf-8")
    assert "名称：模拟0001社区" in executed
    assert str(year_dir) not in executed  # no absolute path in the executed notebook


def test_unit_json_numbers_equal_the_indicator_table(built: Any) -> None:
    _, _, summary = built
    doc = json.loads((summary.out_dir / "c0001.json").read_text(encoding="utf-8"))
    assert doc["unit_id"] == "c0001" and doc["unit_type"] == "community" and doc["year"] == 2024
    assert doc["name_zh"] == "模拟0001社区" and doc["synthetic"] is True
    long = pd.read_parquet(summary.handoff_dir / "indicators.parquet")
    rows = long[(long["unit_id"] == "c0001") & (long["year"] == 2024)]
    assert len(doc["indicators"]) == len(rows) > 0
    table = dict(zip(rows["indicator"], rows["value"], strict=True))
    for item in doc["indicators"]:
        expected = table[item["indicator"]]
        if math.isnan(expected):
            assert item["value"] is None
        else:
            assert item["value"] == expected  # exactly, not approximately
    index = pd.read_parquet(summary.handoff_dir / "index.parquet")
    mine = index[(index["unit_id"] == "c0001") & (index["year"] == 2024)]
    assert [r["index"] for r in doc["index"]] == mine["index"].tolist()
    assert {r["unit_id"] for r in doc["progress"]} <= {"c0001"}


def test_load_unit_reads_only_its_slice(built: Any) -> None:
    _, _, summary = built
    zone = handoff.load_unit("zone", summary.handoff_dir)
    assert zone.unit_type == "zone" and zone.community_ids == ("c0001", "c0002")
    assert set(zone.indicators["unit_id"]) == {"zone", "c0001", "c0002"}
    one = handoff.load_unit("c0001", summary.handoff_dir)
    assert set(one.indicators["unit_id"]) == {"c0001", "zone"}  # itself and its zone
    assert set(one.table("volunteers")["community_id"]) == {"c0001"}
    compounds = one.table("compounds")
    assert set(compounds["community_id"]) == {"c0001"} and hasattr(compounds, "geometry")
    assert one.synthetic and one.baseline_year == 2022
    with pytest.raises(LinliError, match=r"Unknown unit 'nowhere'; known: zone, c0001, c0002"):
        handoff.load_unit("nowhere", summary.handoff_dir)


def test_a_slice_read_with_filters_equals_the_whole_file_filtered(built: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    raw, _, summary = built
    root = summary.handoff_dir
    for unit, scope in (("c0001", ["c0001", "zone"]), ("zone", ["zone", "c0001", "c0002"])):
        got = handoff.load_unit(unit, root)
        for name in pipeline.FRAMES:
            whole = pd.read_parquet(root / f"{name}.parquet")
            expected = whole[whole["unit_id"].astype(str).isin(scope)].reset_index(drop=True)
            pd.testing.assert_frame_equal(getattr(got, name), expected, obj=f"{unit} {name}")
    # a ledger is stored by community, stably: one community's rows keep the order they were loaded in
    monkeypatch.setenv("LINLI_KEY", "report-test-key")
    ds = build.load_dataset(raw)
    loaded = ds.tables["services"]
    expected = loaded[loaded["community_id"] == "c0001"].reset_index(drop=True)
    pd.testing.assert_frame_equal(handoff.load_unit("c0001", root).table("services"), expected)
    meta = pq.ParquetFile(root / "tables" / "services.parquet").metadata
    ids = pq.read_table(root / "tables" / "services.parquet", columns=["community_id"]).column(0).to_pylist()
    assert ids == sorted(ids) and meta.num_rows == len(loaded)
    assert meta.row_group(0).num_rows == min(len(loaded), handoff.ROW_GROUP_ROWS)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.sampled_from(["c0001", "c0002", "c0010", "c2", "C1", "社区"])), max_size=40))
def test_a_ledger_stored_by_community_is_its_stable_sort_by_id(ids: list[str | None]) -> None:
    # the oracle: pandas' stable sort on the ids, which the hand-off used before (a missing id last)
    frame = pd.DataFrame({"community_id": pd.array(ids, dtype="string"), "row": range(len(ids))})
    expected = frame.sort_values("community_id", kind="stable", ignore_index=True)
    pd.testing.assert_frame_equal(handoff._by_community(frame), expected)


def test_unchanged_build_executes_nothing(built: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    raw, notebooks, summary = built
    monkeypatch.setenv("LINLI_KEY", "report-test-key")
    executor = InlineExecutor()
    loaded: list[Path] = []
    real_load = build.load_dataset
    monkeypatch.setattr(build, "load_dataset", lambda d, **kw: loaded.append(Path(d)) or real_load(d, **kw))
    again = build.run(
        raw, out=summary.out_dir.parent, notebooks_dir=notebooks, formats="html", progress_bar=False, executor=executor
    )
    assert again.cached == ["zone", "c0001", "c0002"] and executor.submitted == []
    assert loaded == []  # the inputs' fingerprint matched the last build's: nothing was loaded
    with pytest.raises(LinliError, match=r"Unknown unit\(s\) 'nowhere'; known: zone, c0001, c0002"):
        build.run(raw, out=summary.out_dir.parent, notebooks_dir=notebooks, units=["nowhere"], progress_bar=False)


def test_a_changed_input_is_loaded_again(built: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    raw, notebooks, summary = built
    monkeypatch.setenv("LINLI_KEY", "report-test-key")
    out = tmp_path / "out"
    shutil.copytree(summary.out_dir.parent, out)  # the record and the reports of the last build
    copy = tmp_path / "raw"
    shutil.copytree(raw, copy)
    loaded: list[Path] = []
    real_load = build.load_dataset
    monkeypatch.setattr(build, "load_dataset", lambda d, **kw: loaded.append(Path(d)) or real_load(d, **kw))
    options: dict[str, Any] = {"out": out, "notebooks_dir": notebooks, "formats": "html", "progress_bar": False,
                               "jobs": 1}
    first = build.run(copy, **options)  # another data folder: another record, so loaded once
    assert loaded == [copy] and first.cached == ["zone", "c0001", "c0002"]
    again = build.run(copy, **options)
    assert loaded == [copy] and again.cached == ["zone", "c0001", "c0002"]  # nothing changed: not loaded
    with (copy / "volunteers.csv").open("a", encoding="utf-8") as fh:
        fh.write("\n")  # a blank line: other bytes, the same rows
    third = build.run(copy, **options)
    assert loaded == [copy, copy]
    # the reports show each file's SHA-256 (provenance): the hand-off changed, so they run again
    assert third.built == ["zone", "c0001", "c0002"]


def test_an_unchanged_build_of_several_years_loads_nothing(
    built: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw, notebooks, _ = built
    monkeypatch.setenv("LINLI_KEY", "report-test-key")
    loaded: list[Path] = []
    real_load = build.load_dataset
    monkeypatch.setattr(build, "load_dataset", lambda d, **kw: loaded.append(Path(d)) or real_load(d, **kw))
    out = tmp_path / "out"
    options: dict[str, Any] = {"out": out, "notebooks_dir": notebooks, "formats": "html", "progress_bar": False,
                               "jobs": 1}
    first = build.run_years(raw, years="2023-2024", **options)
    assert loaded == [raw] and [s.year for s in first] == [2023, 2024]
    assert all(s.built == ["zone", "c0001", "c0002"] for s in first)
    again = build.run_years(raw, years="2023-2024", **options)
    assert loaded == [raw]  # the same inputs: neither year was loaded or computed again
    assert [s.year for s in again] == [2023, 2024] and all(s.cached == ["zone", "c0001", "c0002"] for s in again)
    shutil.rmtree(out / "2023" / "data")  # one year's hand-off gone: the whole request is built again
    third = build.run_years(raw, years="2023-2024", **options)
    assert loaded == [raw, raw] and [s.year for s in third] == [2023, 2024]
    # the hand-off made again from the same inputs is the same, so the reports are still up to date
    assert all(s.cached == ["zone", "c0001", "c0002"] for s in third)


# ------------------------------------------------------------ hostile unit ids


@pytest.mark.parametrize("unit_id", ["../../x", "/tmp/x", "a/b", "..", "x" * 65, "人民路", "", "index", "Manifest"])
def test_a_unit_id_that_is_not_a_safe_file_name_is_refused(tmp_path: Path, unit_id: str) -> None:
    with pytest.raises(OutputError, match="cannot name a report file"):
        make_job(tmp_path, unit_id)


def test_no_unit_can_write_a_file_of_the_year_folder_s_own() -> None:
    # a unit's files are <id>[.<lang>].<kind> (ipynb, html, pdf, docx, json, key); each of the
    # year's own files (index pages, manifest.json, indicators.xlsx) that reads as one of them
    # must name a reserved id, which validation quarantines and a job refuses; compared as a
    # file system that ignores case compares names
    from linli.contract import RESERVED_IDS
    from linli.reporting.index_page import YEAR_FILES
    from linli.reporting.jobs import FORMATS
    from linli.reporting.names import parse_output_name

    unit_kinds = {"ipynb", *FORMATS, "json", "key"}
    clashing = {parsed.unit_id.casefold() for name in YEAR_FILES
                if (parsed := parse_output_name(name.lower())) is not None and parsed.kind in unit_kinds}
    assert clashing == {"index", "manifest"} and clashing <= set(RESERVED_IDS)


def test_report_paths_stay_inside_the_output_folder(tmp_path: Path) -> None:
    job = make_job(tmp_path / "out" / "2024", "RM-01")  # capitals and a hyphen: a real code
    inside = (tmp_path / "out" / "2024").resolve()
    assert all(p.parent == inside for p in job.paths().values())
    assert job.key_path.parent == inside / ".cache"


def test_a_report_notebook_given_the_wrong_unit_type_names_the_right_one(tmp_path: Path) -> None:
    from linli.dataset import load_dataset

    from . import ledger

    ledger.write_canonical(tmp_path / "raw")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LINLI_KEY", "report-test-key")
        ds = load_dataset(tmp_path / "raw", as_of="2025-01-31")
        made = handoff.save(pipeline.compute_results(ds), ds, tmp_path / "data")
        params = {"unit_id": ledger.ZONE, "year": 2024, "lang": "zh", "results_dir": str(made)}
        with pytest.raises(reporting.NotebookError) as info:
            reporting.run_notebook(reporting.notebooks_dir() / "community.ipynb", tmp_path / "x.ipynb", params)
    message = str(info.value)
    assert "LinliError" in message and "AssertionError" not in message
    assert f"'{ledger.ZONE}' is a zone: report it with notebooks/reports/zone.ipynb" in message
