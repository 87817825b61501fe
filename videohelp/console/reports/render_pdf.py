"""The report as PDF, with Qt alone: QTextDocument laid out onto a QPdfWriter.

QtGui only (no widgets, no printer support module), so it runs headless in
the command line under the offscreen platform. The HTML is the same as the
HTML report's; the charts, which QTextDocument cannot draw as SVG, are
rasterised with QSvgRenderer at print resolution and added as image resources.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QByteArray, QMarginsF, QRectF, QSizeF, QUrl
from PySide6.QtGui import (
    QFont,
    QGuiApplication,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextDocument,
)
from PySide6.QtSvg import QSvgRenderer

from videohelp.console.reports.build import Report
from videohelp.console.reports.pdf_text import fix_to_unicode, preferred_code_points
from videohelp.console.reports.render_html import Chart, render_html

REPORT_FAMILY = "Noto Sans CJK SC"
CHART_SCALE = 3  # rasterise charts at 3x their CSS size: crisp at 300 dpi
PDF_DPI = 300
CSS_DPI = 96
PRINT_CSS = "body { font-size: 12px; line-height: 1.3; } h1 { font-size: 22px; }"
_app: QGuiApplication | None = None


def ensure_gui_application() -> None:
    """Fonts and painting need a QGuiApplication; a command line has none, so make one.

    Without a display the offscreen platform is used, so this works over SSH
    and in CI.
    """
    global _app
    if QGuiApplication.instance() is not None:
        return
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    _app = QGuiApplication(sys.argv[:1])


def chart_image(svg: str, scale: int = CHART_SCALE) -> QImage:
    """Render standalone SVG to a white-backed image ``scale`` times its size."""
    renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
    if not renderer.isValid():
        raise ValueError("chart SVG could not be parsed")
    size = renderer.defaultSize()
    image = QImage(size.width() * scale, size.height() * scale, QImage.Format.Format_RGB32)
    image.fill(0xFFFFFFFF)
    painter = QPainter(image)
    try:
        renderer.render(painter)
    finally:
        painter.end()
    return image


def report_document(report: Report, family: str = REPORT_FAMILY) -> QTextDocument:
    """The report laid out as a QTextDocument (charts included as image resources)."""
    ensure_gui_application()
    document = QTextDocument()
    font = QFont(family)
    font.setPointSizeF(9.5)
    document.setDefaultFont(font)

    def as_image(chart: Chart) -> str:
        image = chart_image(chart.svg)
        url = f"chart-{chart.name}.png"
        document.addResource(QTextDocument.ResourceType.ImageResource, QUrl(url), image)
        width = image.width() // CHART_SCALE
        height = image.height() // CHART_SCALE
        return f'<p><img src="{url}" width="{width}" height="{height}"/></p>'

    html = render_html(report, chart_hook=as_image)
    document.setHtml(html.replace("</style>", PRINT_CSS + "</style>", 1))
    return document


def write_pdf(report: Report, path: Path | str) -> Path:
    """Write the report to ``path`` as an A4 PDF; return the path."""
    document = report_document(report)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = QPdfWriter(str(path))
    writer.setResolution(PDF_DPI)
    writer.setTitle(f"交警视频帮 每日复盘 {report.period.label()}")
    writer.setCreator("videohelp")
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4),
                                     QPageLayout.Orientation.Portrait, QMarginsF(12, 12, 12, 12),
                                     QPageLayout.Unit.Millimeter))
    # Lay out in CSS pixels (96 per inch) at the page's size and paint each page scaled to
    # the writer's resolution, so 14px text prints as it reads on screen. (print_() scales by
    # the screen's DPI, which the offscreen platform does not report as 96.)
    page = writer.pageLayout().paintRect(QPageLayout.Unit.Inch)
    width, height = page.width() * CSS_DPI, page.height() * CSS_DPI
    document.setPageSize(QSizeF(width, height))
    scale = writer.resolution() / CSS_DPI
    painter = QPainter(writer)
    try:
        for number in range(document.pageCount()):
            if number:
                writer.newPage()
            painter.save()
            painter.scale(scale, scale)
            painter.translate(0, -number * height)
            document.drawContents(painter, QRectF(0, number * height, width, height))
            painter.restore()
    finally:
        painter.end()
    del writer  # closes the file
    path.write_bytes(fix_to_unicode(path.read_bytes(), preferred_code_points(REPORT_FAMILY)))
    return path
