"""The themes: what Fusion draws from their palettes stays visible."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QCheckBox, QStyle, QStyleOptionButton, QWidget

from videohelp.ui.theme import apply_theme


def _square_contrast(box: QCheckBox, background: QColor) -> int:
    """The largest difference (0-255, any channel) between the check box's square, as drawn
    in its window, and that window's ``background``."""
    option = QStyleOptionButton()
    box.initStyleOption(option)
    square = box.style().subElementRect(QStyle.SubElement.SE_CheckBoxIndicator, option, box)
    image = box.parentWidget().grab(box.geometry()).toImage()
    ratio = image.devicePixelRatio()
    worst = 0
    for x in range(square.left(), square.right() + 1):
        for y in range(square.top(), square.bottom() + 1):
            pixel = image.pixelColor(int(x * ratio), int(y * ratio))
            worst = max(worst, abs(pixel.red() - background.red()),
                        abs(pixel.green() - background.green()), abs(pixel.blue() - background.blue()))
    return worst


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_an_unticked_check_box_can_be_seen(qtbot, theme) -> None:
    app = QApplication.instance()
    apply_theme(app, theme)
    try:
        window = QWidget()
        qtbot.addWidget(window)
        window.setAutoFillBackground(True)
        box = QCheckBox("仅看提问", window)
        window.show()
        # The dark theme drew it #12151B on #1B1F27 with an edge darker still: 14 at most
        # (the light theme: 51).
        background = window.palette().window().color()
        contrast = _square_contrast(box, background)
        assert contrast >= 40, f"{theme}: the square differs from {background.name()} by {contrast}"
    finally:
        apply_theme(app, "dark")
