"""The CJK font for cards and the desk.

Qt's default fallback for Han characters often picks a Japanese face, whose
glyph shapes are wrong for Simplified Chinese; so the family is named
explicitly: "Noto Sans CJK SC" (fonts-noto-cjk).
"""

from __future__ import annotations

import logging

from PySide6.QtGui import QFont, QFontDatabase

log = logging.getLogger(__name__)

CJK_FAMILY = "Noto Sans CJK SC"
_FALLBACKS = ("Noto Sans SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "Microsoft YaHei",
              "PingFang SC")


def cjk_family() -> str:
    """The best installed Simplified Chinese family (needs a QGuiApplication)."""
    families = set(QFontDatabase.families())
    for family in (CJK_FAMILY, *_FALLBACKS):
        if family in families:
            return family
    log.warning("no Simplified Chinese font found; install fonts-noto-cjk")
    return CJK_FAMILY


def cjk_font(pixel_size: int, *, bold: bool = False) -> QFont:
    font = QFont(cjk_family())
    font.setPixelSize(pixel_size)
    font.setBold(bold)
    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    return font
