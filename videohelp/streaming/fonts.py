"""The CJK font for cards and the desk.

Qt's default fallback for Han characters often picks a Japanese face, whose
glyph shapes are wrong for Simplified Chinese; so the family is named
explicitly: "Noto Sans CJK SC" (fonts-noto-cjk), or a theme's own family,
optionally loaded from font files shipped with the theme.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase

log = logging.getLogger(__name__)

CJK_FAMILY = "Noto Sans CJK SC"
_FALLBACKS = ("Noto Sans SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "Microsoft YaHei",
              "PingFang SC")

# Font files already handed to Qt (path -> families); adding one twice would
# register a duplicate application font.
_loaded: dict[Path, tuple[str, ...]] = {}
_lock = threading.Lock()
_warned: set[str] = set()


class FontError(ValueError):
    """A font file that Qt cannot load."""


def load_font_files(paths: Iterable[Path]) -> list[str]:
    """Register font files with Qt (once each); return the families they provide."""
    families: list[str] = []
    with _lock:
        for path in paths:
            path = Path(path).resolve()
            if path not in _loaded:
                font_id = QFontDatabase.addApplicationFont(str(path))
                if font_id < 0:
                    raise FontError(f"{path}: Qt cannot load this font file")
                _loaded[path] = tuple(QFontDatabase.applicationFontFamilies(font_id))
            families.extend(_loaded[path])
    return families


def cjk_family(preferred: str | None = None) -> str:
    """``preferred`` if installed, else the best Simplified Chinese family (needs a QGuiApplication)."""
    families = set(QFontDatabase.families())
    candidates = ((preferred,) if preferred else ()) + (CJK_FAMILY, *_FALLBACKS)
    for family in candidates:
        if family in families:
            if preferred and family != preferred and preferred not in _warned:
                _warned.add(preferred)
                log.warning("font family %r is not installed; using %r", preferred, family)
            return family
    if "none" not in _warned:
        _warned.add("none")
        log.warning("no Simplified Chinese font found; install fonts-noto-cjk")
    return CJK_FAMILY


def cjk_font(pixel_size: int, *, bold: bool = False, family: str | None = None) -> QFont:
    """A font of ``pixel_size`` pixels in ``family`` (or the default CJK family)."""
    font = QFont(cjk_family(family))
    font.setPixelSize(pixel_size)
    font.setBold(bold)
    # Cards are scaled to any program size; hinting would make layouts differ by size.
    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    return font
