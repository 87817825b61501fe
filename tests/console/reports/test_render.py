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
from videohelp.console.reports.letterhead import Letterhead
from videohelp.console.reports.period import DateRange
from videohelp.console.reports.raster import chart_image
from videohelp.console.reports.render_html import charts_of, render_html
from videohelp.console.reports.render_pdf import write_pdf
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
        assert f"<title>{klass.klass}：提问次数</title>" in html
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


def _visible_text(html: str) -> str:
    return re.sub(r"<style>.*?</style>|<[^>]+>", " ", html, flags=re.S)


def test_labels_are_in_one_language_and_platforms_have_their_names(report: Report) -> None:
    """Issue 21: every label carried an English subtitle; platforms read douyin / app / zlb."""
    chinese = _visible_text(render_html(report))
    for english in ("The figures", "Comments by platform", "Answered on air", "Top questions"):
        assert english not in chinese
    for code in ("douyin", "zlb"):
        assert not re.search(rf"\b{code}\b", chinese), code
    assert "抖音" in chinese and "浙里办" in chinese and "北高峰" in chinese
    english = _visible_text(render_html(report, language="en"))
    for label in ("The figures", "Comments by platform", "Answered on air", "Douyin", "Zheliban"):
        assert label in english
    for zh in ("数据概览", "各平台评论", "直播解答", "热点问题"):
        assert zh not in english


def chart_png(report: Report) -> bytes:
    from PySide6.QtCore import QBuffer, QIODevice

    image = chart_image(charts_of(report)[0].svg, scale=1)
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(buffer.data())


def test_the_letterhead_number_and_signoff(report: Report, tmp_path, qapp) -> None:
    logo = tmp_path / "logo.png"
    logo.write_bytes(chart_png(report))
    head = Letterhead(unit="杭州市公安局交通警察支队车辆管理所",
                      number_pattern="交视帮复盘〔{year}〕{month}{day}号",
                      prepared_by="王警官", reviewed_by="李科长", logo=str(logo))
    html = render_html(report, letterhead=head)
    assert "杭州市公安局交通警察支队车辆管理所" in html and "交视帮复盘〔2024〕0505号" in html
    assert "制表：王警官" in html and "审核：李科长" in html
    assert 'src="data:image/png;base64,' in html  # inline: the file stays one file
    broken = Letterhead(number_pattern="{nope}", logo=str(tmp_path / "missing.png"))
    html = render_html(report, letterhead=broken)
    assert "data:image" not in html and "编号" not in _visible_text(html)


def _pdf_pages(path) -> list[dict]:
    """Each page's size and its words' boxes, read back with poppler's pdftotext."""
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "poppler-utils (pdftotext) is a test dependency: scripts/debian-packages.txt"
    xml = subprocess.run([pdftotext, "-bbox", str(path), "-"], capture_output=True, text=True,
                         check=True, timeout=60).stdout
    pages = []
    for page in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', xml, re.S):
        words = [(float(x0), float(x1), word) for x0, x1, word in re.findall(
            r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>',
            page.group(3))]
        pages.append({"width": float(page.group(1)), "height": float(page.group(2)),
                      "words": words, "text": "".join(w for _, _, w in words)})
    return pages


def test_the_pdf_is_a_document_to_print_and_file(report: Report, tmp_path) -> None:
    head = Letterhead(unit="杭州市公安局交通警察支队车辆管理所",
                      number_pattern="交视帮复盘〔{year}〕{month}{day}号")
    path = write_pdf(report, tmp_path / "review.pdf", letterhead=head)
    data = path.read_bytes()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    assert path.stat().st_mode & 0o777 == 0o600
    pages = _pdf_pages(path)
    total = len(pages)
    # Two days of a busy fortnight: a few pages, not 33.
    assert 3 <= total <= 12, total
    text = "".join(page["text"] for page in pages)
    # The text copies as Chinese (no radicals for glyphs Noto shares: 车/⻋, 日/⽇).
    assert "每日复盘" in text and "车管资讯（草稿）" in text and "直播解答" in text
    assert not any(0x2E80 <= ord(ch) < 0x2FE0 for ch in text)
    assert "Comments" not in text and "douyin" not in text
    landscape = 0
    for number, page in enumerate(pages, start=1):
        # Every page numbered, with the running header.
        assert f"第{number}页/共{total}页" in page["text"], number
        assert "交视帮复盘〔2024〕0505号" in page["text"], number
        # Nothing runs off the page: every word inside the paper's edges.
        assert all(x0 >= 0 and x1 <= page["width"] for x0, x1, _ in page["words"]), number
        landscape += page["width"] > page["height"]
    assert 1 <= landscape < total  # the wide tables on landscape pages, the rest portrait
    assert "制表" in pages[-1]["text"]  # the sign-off closes the document


def test_the_pdf_in_english(report: Report, tmp_path) -> None:
    pages = _pdf_pages(write_pdf(report, tmp_path / "review-en.pdf", language="en"))
    text = "".join(page["text"] for page in pages)
    assert "Dailyreview" in text and "Page1of" in pages[0]["text"]
    assert "数据概览" not in text


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
