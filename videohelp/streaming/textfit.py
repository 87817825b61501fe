"""Fitting text into a box: shrink first, then wrap, never cut a character in half.

The text is laid out with ``QTextLayout`` (Unicode line breaking, so Chinese
wraps between characters and closing punctuation never starts a line). If it
does not fit even at the smallest allowed size, whole grapheme clusters are
dropped from the end and "…" is added: an emoji sequence, a letter with its
combining marks or a surrogate pair is never split. ``fit_text`` returns what
will be drawn, line by line, so tests can check exactly that.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt, QTextBoundaryFinder
from PySide6.QtGui import QFont, QPainter, QTextLayout, QTextOption

ELLIPSIS = "…"


@dataclass(frozen=True)
class FittedText:
    """The outcome of fitting: drawn text, font, lines and the block's size."""

    text: str                 # a grapheme-cluster prefix of the input (+ "…" if elided)
    font: QFont
    lines: tuple[str, ...]    # the text of each line, in order; "".join(lines) == text
    width: float              # widest line
    height: float             # all lines
    elided: bool


def _utf16_offsets(text: str) -> list[int]:
    """UTF-16 offset of each code point index (Qt counts UTF-16 units, Python code points)."""
    offsets = [0]
    for char in text:
        offsets.append(offsets[-1] + (2 if ord(char) > 0xFFFF else 1))
    return offsets


def grapheme_boundaries(text: str) -> list[int]:
    """Code-point indices where a grapheme cluster starts or the text ends (0 and len included)."""
    offsets = _utf16_offsets(text)
    index_of = {offset: index for index, offset in enumerate(offsets)}
    finder = QTextBoundaryFinder(QTextBoundaryFinder.BoundaryType.Grapheme, text)
    bounds = [0]
    while True:
        position = finder.toNextBoundary()
        if position < 0:
            break
        if position in index_of and index_of[position] != bounds[-1]:
            bounds.append(index_of[position])
    if bounds[-1] != len(text):
        bounds.append(len(text))
    return bounds


def _layout(text: str, font: QFont, width: float, wrap: bool,
            align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft) -> tuple[QTextLayout, float, float]:
    layout = QTextLayout(text, font)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere if wrap
                       else QTextOption.WrapMode.NoWrap)
    option.setAlignment(align)
    layout.setTextOption(option)
    layout.beginLayout()
    y = widest = 0.0
    while True:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(max(1.0, width))
        line.setPosition(QPointF(0, y))
        y += line.height()
        widest = max(widest, line.naturalTextWidth())
    layout.endLayout()
    return layout, widest, y


def _fits(text: str, font: QFont, box: QRectF, wrap: bool) -> bool:
    _, widest, height = _layout(text, font, box.width(), wrap)
    return widest <= box.width() + 0.5 and height <= box.height() + 0.5


def _lines(text: str, layout: QTextLayout) -> tuple[str, ...]:
    offsets = _utf16_offsets(text)
    index_of = {offset: index for index, offset in enumerate(offsets)}
    lines = []
    for number in range(layout.lineCount()):
        line = layout.lineAt(number)
        start, end = line.textStart(), line.textStart() + line.textLength()
        lines.append(text[index_of[start]:index_of[end]])
    return tuple(lines)


def _sized(base: QFont, pixels: int) -> QFont:
    font = QFont(base)
    font.setPixelSize(pixels)
    return font


def fit_text(text: str, base: QFont, box: QRectF, *, min_px: int, wrap: bool = True) -> FittedText:
    """Shrink ``base`` (down to ``min_px``) until ``text`` fits ``box``; elide whole clusters if not."""
    if wrap:  # keep the author's line breaks (as Unicode line separators), tidy the rest
        text = "\u2028".join(" ".join(part.split()) for part in text.strip().splitlines())
    else:
        text = " ".join(text.split())
    size = base.pixelSize()
    font = _sized(base, size)
    while size > min_px and not _fits(text, font, box, wrap):
        size = max(min_px, size - max(1, size // 12))
        font = _sized(base, size)
    shown, elided = text, False
    if not _fits(text, font, box, wrap):
        elided = True
        bounds = grapheme_boundaries(text)
        low, high = 0, len(bounds) - 1  # index into bounds: the longest prefix that fits
        while low < high:
            mid = (low + high + 1) // 2
            if _fits(text[:bounds[mid]].rstrip() + ELLIPSIS, font, box, wrap):
                low = mid
            else:
                high = mid - 1
        shown = text[:bounds[low]].rstrip() + ELLIPSIS
    layout, widest, height = _layout(shown, font, box.width(), wrap)
    return FittedText(shown, font, _lines(shown, layout), widest, height, elided)


def draw_fitted(painter: QPainter, box: QRectF, text: str, base: QFont, *, min_px: int,
                align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                wrap: bool = True) -> FittedText:
    """Draw ``text`` in ``box`` shrunk (and wrapped) to fit with the painter's pen; return the fit."""
    fitted = fit_text(text, base, box, min_px=min_px, wrap=wrap)
    horizontal = align & Qt.AlignmentFlag.AlignHorizontal_Mask
    layout, _, height = _layout(fitted.text, fitted.font, box.width(), wrap,
                                horizontal or Qt.AlignmentFlag.AlignLeft)
    top = box.top()
    if align & Qt.AlignmentFlag.AlignVCenter:
        top += (box.height() - height) / 2
    elif align & Qt.AlignmentFlag.AlignBottom:
        top += box.height() - height
    layout.draw(painter, QPointF(box.left(), top))
    return fitted


def text_width(text: str, font: QFont) -> float:
    """The natural width of ``text`` on one line."""
    _, widest, _ = _layout(text, font, 1e6, False)
    return widest
