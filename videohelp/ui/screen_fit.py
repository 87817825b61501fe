"""Top-level windows sized for the screen they open on.

A studio laptop has 1366x768 (less a taskbar); a fixed ``resize(1280, 800)`` put the expert
window's status bar and send button below the screen's edge there.
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QApplication, QWidget


def fitted_size(preferred: QSize | None, available: QSize, minimum: QSize) -> QSize:
    """``preferred`` (the whole ``available`` area if None), no larger than ``available`` and
    no smaller than ``minimum`` (a screen smaller than the window's minimum gets the minimum)."""
    wanted = available if preferred is None else preferred.boundedTo(available)
    return wanted.expandedTo(minimum)


def fit_to_screen(window: QWidget, preferred: QSize | None = None) -> None:
    """Resize ``window`` for the primary screen's available area (see ``fitted_size``)."""
    screen = window.screen() or QApplication.primaryScreen()
    if screen is None:  # no screen at all (a headless start): the preferred size, if any
        if preferred is not None:
            window.resize(preferred)
        return
    available = screen.availableGeometry().size()
    window.resize(fitted_size(preferred, available, window.minimumSize()))
