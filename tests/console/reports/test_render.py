"""What leaves the console: HTML, PDF, CSV, Excel and the script text."""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
from datetime import date
from html.parser import HTMLParser

import pytest
from openpyxl import load_workbook

from tests.console.reports.builder import now_ms
from videohelp.console.reports.build import Report, build_report
from videohelp.console.reports.charts import bar_chart
from videohelp.console.reports.export import COLUMNS, ExportError, write_followup, write_script
from videohelp.console.reports.pdf_text import fix_to_unicode
from videohelp.console.reports.period import DateRange
from videohelp.console.reports.render_html import charts_of, render_html
from videohelp.console.reports.render_pdf import chart_image, write_pdf
from videohelp.console.reports.script import speakable, spoken_text
from videohelp.core.store import Store


@pytest.fixture(scope="module")
def report(report_db, history) -> Report:
    store = Store(report_db)
    try:
        return build_report(store.conn, DateRange(date(2024, 5, 5), date(2024, 5, 6)),
                            now_ms=now_ms(history))
    finally:
        store.close()


class _Refs(HTMLParser):
    """Every attribute that could make a browser fetch something."""

    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []
        self.svgs = 0
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        self.tags.append(tag)
        self.svgs += tag == "svg"
        self.refs += [value or "" for name, value in attrs if name in ("src", "href", "xlink:href")]


def test_the_html_is_self_contained_and_has_a_chart_per_class(report: Report) -> None:
    html = render_html(report)
    parser = _Refs()
    parser.feed(html)
    assert parser.refs == []
    assert not re.search(r"https?://|//[a-z0-9.-]+\.[a-z]{2,}/|@import|url\(", html, re.IGNORECASE)
    assert "<script" not in html and "<link" not in html
    assert "'Noto Sans CJK SC'" in html and '<meta charset="utf-8"/>' in html
    # One chart per class and the two trend charts, inline.
    assert parser.svgs == len(report.classes) + 2
    for klass in report.classes:
        assert f"<title>{klass.klass} {klass.name_en}：提问次数</title>" in html
    assert report.published.text() in html
    for heading in ("数据概览", "趋势", "热点问题", "待跟进", "车管资讯（草稿）"):
        assert heading in html


def test_viewer_text_is_escaped(report: Report) -> None:
    from dataclasses import replace

    first = report.followup[0]
    hostile = replace(report, followup=[replace(first, text="<img src=x onerror=alert(1)>")])
    html = render_html(hostile)
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_charts_are_valid_svg_that_qt_renders(report: Report, qapp) -> None:
    for chart in charts_of(report):
        image = chart_image(chart.svg, scale=1)
        assert image.width() == 680 and image.height() > 50
        # Something was drawn: the bars' colour is present.
        colours = {image.pixel(x, y) for x in range(0, image.width(), 4)
                   for y in range(0, image.height(), 4)}
        assert len(colours) > 2
    svg = bar_chart("<标题>", [("a&b", 3), ("c", 0)])
    assert "&lt;标题&gt;" in svg and "a&amp;b" in svg


def test_the_pdf_is_a_pdf_with_the_report_in_it(report: Report, tmp_path, qapp) -> None:
    path = write_pdf(report, tmp_path / "review.pdf")
    data = path.read_bytes()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    assert len(data) > 20_000
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "poppler-utils (pdftotext) is a test dependency: scripts/debian-packages.txt"
    text = subprocess.run([pdftotext, "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True, timeout=60).stdout
    # The text copies as Chinese: no radicals for glyphs Noto shares (车/⻋, 日/⽇; pdf_text).
    assert "每日复盘" in text and "2024-05-05 – 2024-05-06" in text
    assert "直播解答" in text and "车管资讯（草稿）" in text
    assert not any(0x2E80 <= ord(ch) < 0x2FE0 for ch in text)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True,
                          timeout=60).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert 2 <= pages < 40
    assert "A4" in info or "595.2" in info


def test_to_unicode_targets_are_remapped_and_sources_kept() -> None:
    cmap = (b"2 beginbfchar\n<2ECB> <2ECB>\n<0007> <2F47>\nendbfchar\n"
            b"1 beginbfrange\n<0001> <0003> [<0041> <2ECB> <2012>]\n<0009> <0009> <2F47>\n"
            b"<000A> <000B> <2ECB>\nendbfrange\n")
    pdf = (b"%PDF-1.4\n7 0 obj\n<< /ToUnicode 9 0 R >>\nendobj\n9 0 obj\n"
           + f"<< /Length {len(cmap)} >>".encode() + b"\nstream\n" + cmap
           + b"\nendstream\nendobj\n%%EOF\n")
    fixed = fix_to_unicode(pdf, {0x2ECB: 0x8F66, 0x2F47: 0x65E5, 0x2012: 0x2013})
    assert len(fixed) == len(pdf)  # nothing moves: the xref stays right
    assert b"<2ECB> <8F66>" in fixed and b"<0007> <65E5>" in fixed  # bfchar: target only
    assert b"[<0041> <8F66> <2013>]" in fixed and b"<0009> <0009> <65E5>" in fixed
    assert b"<000A> <000B> <2ECB>" in fixed  # a multi-code range is left alone


def test_followup_exports_to_csv_and_excel(report: Report, tmp_path) -> None:
    rows = report.followup
    csv_path = write_followup(rows, tmp_path / "open.csv")
    assert csv_path.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: Excel reads the Chinese
    with open(csv_path, encoding="utf-8-sig", newline="") as handle:
        read = list(csv.reader(handle))
    assert tuple(read[0]) == COLUMNS
    assert len(read) == len(rows) + 1
    assert [int(r[-1]) for r in read[1:]] == [f.comment_id for f in rows]
    assert read[1][4] == rows[0].text

    progress = []
    xlsx_path = write_followup(rows, tmp_path / "open.xlsx",
                               progress=lambda d, t, label: progress.append((d, t)))
    book = load_workbook(xlsx_path, read_only=True)
    try:
        values = list(book.active.iter_rows(values_only=True))
    finally:
        book.close()
    assert tuple(values[0]) == COLUMNS
    assert len(values) == len(rows) + 1
    assert values[1][4] == rows[0].text and values[1][13] == rows[0].comment_id
    assert progress[-1] == (len(rows), len(rows))

    with pytest.raises(ExportError, match=r"\.csv or \.xlsx"):
        write_followup(rows, tmp_path / "open.ods")
    assert not (tmp_path / "open.ods").exists()


def test_script_text_export_and_the_spoken_part(report: Report, tmp_path) -> None:
    path = write_script(report.script, tmp_path / "车管资讯.txt")
    assert path.read_text(encoding="utf-8") == report.script
    spoken = spoken_text(report.script)
    assert "【" not in spoken and spoken.startswith("各位听众朋友")


@pytest.mark.parametrize(("text", "spoken"), [
    ("带身份证、合格证（进口车为进口凭证）到车管所办理",
     "带身份证、合格证，进口车为进口凭证，到车管所办理。"),
    ("罚款50%", "罚款百分之50。"),
    ("3~5个工作日", "3到5个工作日。"),
    ("限速60km/h", "限速60公里每小时。"),
    ("身份证/户口本", "身份证或户口本。"),
    ("可以办理；需本人到场。", "可以办理，需本人到场。"),
    ("在交管12123上申请（）", "在交管12123上申请。"),
    ("电话0571-87654321", "电话0571-87654321。"),
])
def test_speakable(text: str, spoken: str) -> None:
    assert speakable(text) == spoken
