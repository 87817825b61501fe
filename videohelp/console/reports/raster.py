"""Charts as pictures for the desk's report view (QtGui's SVG renderer, no widgets)."""

from __future__ import annotations

from PySide6.QtCore import QByteArray
from PySide6.QtGui import QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

CHART_SCALE = 3  # crisp on high-DPI screens


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
