"""Saving a window's picture (``--screenshot``), for the desk and the expert window."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtWidgets import QWidget

log = logging.getLogger(__name__)


def save_screenshot(window: QWidget, path: Path) -> bool:
    """Save ``window``'s picture as PNG (once per window); False if it could not be written."""
    if path.exists() and getattr(window, "_screenshot_saved", False):
        return True
    path.parent.mkdir(parents=True, exist_ok=True)
    saved = window.grab().save(str(path), "PNG")
    window._screenshot_saved = saved  # type: ignore[attr-defined]
    if saved:
        log.info("screenshot saved to %s", path)
    else:
        log.error("could not save screenshot to %s", path)
    return saved
