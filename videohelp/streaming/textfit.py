"""Fitting text into a box: shrink first, then wrap, never cut a character in half."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFont, QFontMetricsF, QPainter

WRAP_FLAGS = Qt.TextFlag.TextWordWrap | Qt.TextFlag.TextWrapAnywhere


def fitted_font(text: str, base: QFont, box: QRectF, *, min_px: int, wrap: bool = True) -> QFont:
    """The largest font from ``base`` down to ``min_px`` in which ``text`` fits ``box``."""
    font = QFont(base)
    size = base.pixelSize()
    while size > min_px:
        font.setPixelSize(size)
        if _fits(text, font, box, wrap):
            return font
        size -= max(1, size // 12)
    font.setPixelSize(min_px)
    return font


def _fits(text: str, font: QFont, box: QRectF, wrap: bool) -> bool:
    metrics = QFontMetricsF(font)
    if not wrap:
        return metrics.horizontalAdvance(text) <= box.width()
    flags = int(WRAP_FLAGS.value)
    used = metrics.boundingRect(box, flags, text)
    return used.height() <= box.height() and used.width() <= box.width() + 0.5


def elide_to_fit(text: str, font: QFont, box: QRectF) -> str:
    """Drop whole characters from the end (adding …) until the wrapped text fits."""
    if _fits(text, font, box, True):
        return text
    low, high = 0, len(text)
    while low < high:
        mid = (low + high + 1) // 2
        if _fits(text[:mid] + "…", font, box, True):
            low = mid
        else:
            high = mid - 1
    return text[:low] + "…"


def draw_fitted(painter: QPainter, box: QRectF, text: str, base: QFont, *, min_px: int,
                align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                wrap: bool = True) -> QFont:
    """Draw ``text`` in ``box`` shrunk (and wrapped) to fit; return the font used."""
    font = fitted_font(text, base, box, min_px=min_px, wrap=wrap)
    shown = elide_to_fit(text, font, box) if wrap else QFontMetricsF(font).elidedText(
        text, Qt.TextElideMode.ElideRight, box.width())
    painter.setFont(font)
    flags = align | (WRAP_FLAGS if wrap else Qt.TextFlag.TextSingleLine)
    painter.drawText(box, int(flags.value) if hasattr(flags, "value") else int(flags), shown)
    return font
