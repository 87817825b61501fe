"""Issue 15: the desk fits every studio screen, in every role and both languages.

At 1366x768 and 1920x1080: the window's minimum is at most 1280x720, every visible dock
and main button lies inside the window, the main actions' labels are not clipped, the
two monitors get a quarter of a 1080p screen's width, and nothing on air (a long
question, a long refusal) grows the window by itself.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QLineEdit,
    QStyle,
    QStyleOptionComboBox,
    QWidget,
)
from shiboken6 import isValid

from videohelp.console.session import SessionOptions, ShowSession
from videohelp.core.paths import data_paths
from videohelp.core.settings import Settings
from videohelp.queue.comments import State, StoredComment
from videohelp.ui.expert_panel import attach_expert_dock
from videohelp.ui.i18n import current_language, set_language
from videohelp.ui.main_window import MainWindow

SIZES = ((1366, 768), (1920, 1080))
LONG = "请问我的驾驶证在外地到期了，人在国外没办法回来，可以委托家里人代办换证吗？需要准备哪些材料？" * 3


def _inside(window: QWidget, widget: QWidget) -> bool:
    top_left = widget.mapTo(window, QPoint(0, 0))
    return window.rect().contains(QRect(top_left, widget.size()))


def _not_clipped(button: QAbstractButton) -> bool:
    text = button.text().replace("&", "")
    return button.fontMetrics().horizontalAdvance(text) <= button.width()


def _combo_fits(combo: QComboBox) -> bool:
    option = QStyleOptionComboBox()
    combo.initStyleOption(option)
    field = combo.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, option,
                                         QStyle.SubControl.SC_ComboBoxEditField, combo)
    return combo.fontMetrics().horizontalAdvance(combo.currentText()) <= field.width()


def _placeholder_fits(edit: QLineEdit) -> bool:
    margins = edit.textMargins()
    room = edit.contentsRect().width() - margins.left() - margins.right() - 4  # Qt's frame
    return edit.fontMetrics().horizontalAdvance(edit.placeholderText()) <= room


@pytest.fixture(params=["zh_CN", "en"])
def language(request, qapp):
    before = current_language(qapp)
    set_language(qapp, request.param)
    yield request.param
    set_language(qapp, before)  # the other tests' language, as it was


@pytest.mark.parametrize("role", ["officer", "presenter", "producer"])
def test_the_desk_fits_every_studio_screen(role, language, qloop, qtbot, tmp_path) -> None:
    settings = Settings()
    for name, value in (("program.width", 640), ("program.height", 360), ("program.fps", 10)):
        settings._values[name] = value
    session = ShowSession(data_paths(tmp_path), settings,
                          SessionOptions(actor="desk", role=role, triage=False))
    window = MainWindow(session, show_personal=role == "officer")
    attach_expert_dock(window, session, role)
    qtbot.addWidget(window)
    try:
        window.show()
        minimum = window.minimumSize()
        assert minimum.width() <= 1280 and minimum.height() <= 720
        # What the layout needs fits inside that minimum: nothing overlaps at the smallest size.
        hint = window.layout().minimumSize()
        assert hint.width() <= minimum.width() and hint.height() <= minimum.height(), hint
        for width, height in SIZES:
            window.resize(width, height)
            window._size_docks(width, height)
            QApplication.processEvents()
            assert window.size().toTuple() == (width, height)
            docks = [d for d in window.docks.values() if d.isVisible()
                     and not d.visibleRegion().isEmpty()]
            assert docks
            for dock in docks:
                assert _inside(window, dock), (dock.objectName(), width, height)
            main = [window.panic_button, window.take_button, window.clear_button]
            if window.docks["rundown"].isVisible() and not window.rundown.visibleRegion().isEmpty():
                main += [window.rundown.take_button, window.rundown.update_button,
                         window.rundown.clear_button]
            if window.docks["answers"].isVisible():
                main += [window.answers.pin_button]
            for button in main:
                if button.isVisible():
                    assert _inside(window, button), (button.text(), width, height)
                    assert _not_clipped(button), (button.text(), button.width(), width)
            assert _inside(window, window.panic_button)  # 全部下屏 at every size
            bar = window.filter_bar  # "All platforms" was cut to "All platform" in English
            if bar.isVisible() and not bar.visibleRegion().isEmpty():
                for combo in (bar.platform, bar.klass, bar.item, bar.state):
                    assert _combo_fits(combo), (combo.currentText(), combo.width(), width)
                assert _placeholder_fits(bar.text), (bar.text.placeholderText(), width)
            if width == 1920 and role != "producer":  # studio mode: large next and program
                assert window.next_monitor.width() >= width // 4
                assert window.program_monitor.width() >= width // 4
                # side by side, both above the work area
                assert abs(window.next_monitor.mapTo(window, QPoint(0, 0)).y()
                           - window.program_monitor.mapTo(window, QPoint(0, 0)).y()) < 4
            elif width == 1920:
                assert window.program_monitor.width() >= width // 4
        # "99 asked" in bold (a question's row) fits its column: a fixed 46 px showed "2 人…".
        bold = QFont(window.table.font())
        bold.setBold(True)
        asked = window.model.asked_text(99)
        column = window.table.columnWidth(window.model.COLUMNS.index("asked"))
        assert QFontMetrics(bold).horizontalAdvance(asked) + 6 <= column, (asked, column)
        # Nothing grows the window by itself: a long question on air, a long refusal.
        window.resize(1366, 768)
        QApplication.processEvents()
        comment = StoredComment(1, "douyin", "m1", "u", "王", "王*", LONG, LONG, 0, 0,
                                state=State.ON_AIR)
        window._on_air_changed(comment)
        window.notify(LONG, "error")
        window.actions_by_name["knowledge"].trigger()  # F3: the knowledge base in or out
        QApplication.processEvents()
        assert window.size().toTuple() == (1366, 768)
        assert _inside(window, window.panic_button)
        assert window.minimumSize() == minimum
    finally:
        if isValid(window):
            window.close()
