"""Run as a script in a process of its own: the desk's layout checks on a high-DPI screen.

``QT_SCALE_FACTOR`` is read once, when the QApplication starts, so each scale
needs its own process (``tests/ui/test_desk_hidpi.py`` starts it). For every
role and both languages, at the logical size of the physical screen given:
the minimum is at most 1280x720 logical, every visible dock and main button
lies inside the window, no main action's label is clipped, and the window is
drawn at the scale asked for. Prints one JSON line: the scale seen and the
problems found (none when it fits).

    QT_SCALE_FACTOR=2 python tests/ui/hidpi_layout.py 3840 2160 DATA_DIR
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget

ROLES = ("officer", "presenter", "producer")
LANGUAGES = ("zh_CN", "en")


def inside(window: QWidget, widget: QWidget) -> bool:
    top_left = widget.mapTo(window, QPoint(0, 0))
    return window.rect().contains(QRect(top_left, widget.size()))


def not_clipped(button: QAbstractButton) -> bool:
    text = button.text().replace("&", "")
    return button.fontMetrics().horizontalAdvance(text) <= button.width()


def problems_of(window, width: int, height: int) -> list[str]:
    """What does not fit at ``width`` x ``height`` logical pixels (empty: it fits)."""
    found = []
    minimum = window.minimumSize()
    if minimum.width() > 1280 or minimum.height() > 720:
        found.append(f"minimum {minimum.width()}x{minimum.height()}")
    window.resize(width, height)
    window._size_docks(width, height)
    QApplication.processEvents()
    if window.size().toTuple() != (width, height):
        found.append(f"window is {window.size().toTuple()}, not {(width, height)}")
    for name, dock in window.docks.items():
        if dock.isVisible() and not dock.visibleRegion().isEmpty() and not inside(window, dock):
            found.append(f"dock {name} outside the window")
    main = [window.panic_button, window.take_button, window.clear_button,
            window.source_picker.combo, *window.go_live.findChildren(QAbstractButton)]
    if window.docks["rundown"].isVisible() and not window.rundown.visibleRegion().isEmpty():
        main += [window.rundown.take_button, window.rundown.update_button,
                 window.rundown.clear_button]
    if window.docks["answers"].isVisible():
        main.append(window.answers.pin_button)
    for widget in main:
        if not widget.isVisible():
            continue
        label = widget.text() if isinstance(widget, QAbstractButton) else widget.objectName()
        if not inside(window, widget):
            found.append(f"{label!r} outside the window")
        if isinstance(widget, QAbstractButton) and not not_clipped(widget):
            found.append(f"{label!r} clipped ({widget.width()} px)")
    if not inside(window, window.panic_button):
        found.append("CLEAR ALL outside the window")
    return found


def main(physical_w: int, physical_h: int, data_dir: Path) -> dict:
    from videohelp.console.session import SessionOptions, ShowSession
    from videohelp.core.paths import data_paths
    from videohelp.core.settings import Settings
    from videohelp.ui.expert_panel import attach_expert_dock
    from videohelp.ui.i18n import set_language
    from videohelp.ui.main_window import MainWindow

    app = QApplication(sys.argv[:1])
    ratio = app.devicePixelRatio()
    width, height = round(physical_w / ratio), round(physical_h / ratio)
    problems: list[str] = []
    for language in LANGUAGES:
        set_language(app, language)
        for role in ROLES:
            settings = Settings()
            for name, value in (("program.width", 640), ("program.height", 360),
                                ("program.fps", 10)):
                settings._values[name] = value
            session = ShowSession(data_paths(data_dir / f"{role}-{language}"), settings,
                                  SessionOptions(actor="desk", role=role, triage=False))
            window = MainWindow(session, show_personal=role == "officer")
            attach_expert_dock(window, session, role)
            window.show()
            QApplication.processEvents()
            if abs(window.devicePixelRatioF() - ratio) > 0.01:
                problems.append(f"{role}/{language}: drawn at {window.devicePixelRatioF()}")
            problems += [f"{role}/{language} at {width}x{height}: {p}"
                         for p in problems_of(window, width, height)]
            window.close()
            window.deleteLater()
            QApplication.processEvents()
    return {"ratio": ratio, "logical": [width, height], "problems": problems}


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])),
                     ensure_ascii=False), flush=True)
