"""The desk: the model feeds the view; the keyboard path takes and clears a card."""

from __future__ import annotations

from collections import Counter

import pytest
from PySide6.QtCore import QEvent, QObject, Qt

from videohelp.console.session import SessionOptions, ShowSession
from videohelp.core.paths import data_paths
from videohelp.core.settings import Settings
from videohelp.queue.comments import IncomingComment, State
from videohelp.ui.main_window import MainWindow


@pytest.fixture
def desk(qloop, qtbot, data_dir):
    settings = Settings()
    for name, value in (("program.width", 640), ("program.height", 360), ("program.fps", 25)):
        settings.set(name, value)
    session = ShowSession(data_paths(data_dir), settings, SessionOptions(actor="presenter", triage=False))
    qloop.run_until_complete(session.start())
    window = MainWindow(session, show_personal=False)
    qtbot.addWidget(window)
    window.show()
    yield window
    window.close()
    qloop.run_until_complete(session.stop())


def _submit(qloop, session, *texts: str) -> None:
    comments = [IncomingComment("app", f"k{i}", f"u{i}", f"观众{i}号", text, 1_700_000_000_000 + i)
                for i, text in enumerate(texts)]
    qloop.run_until_complete(session.pipeline.submit(comments))


def test_comments_appear_in_the_view_newest_first_masked(desk, qloop, qtbot) -> None:
    with qtbot.waitSignal(desk.session.feed.commentsAdded, timeout=1000):
        _submit(qloop, desk.session, "来了", "电动车上牌去哪里")
    model = desk.table.model()
    assert model.rowCount() == 2
    assert model.index(0, 3).data() == "电动车上牌去哪里"
    assert model.index(0, 2).data() == "观**号"  # masked for everyone but the officer
    desk.model.set_show_personal(True)
    assert model.index(0, 2).data() == "观众1号"


def test_a_flood_reaches_the_feed_once_a_second_and_every_row_arrives(desk, qloop, qtbot) -> None:
    from videohelp.ui.main_window import FEED_FLOOD_BATCH_MS, FEED_FLOOD_ROWS

    feed = desk.session.feed
    assert (feed.flood_rows, feed.flood_interval_ms) == (FEED_FLOOD_ROWS, FEED_FLOOD_BATCH_MS)
    with qtbot.waitSignal(feed.commentsAdded, timeout=2000):
        _submit(qloop, desk.session, *[f"年检预约 {i}" for i in range(FEED_FLOOD_ROWS)])
    assert feed.flooded
    with qtbot.waitSignal(feed.commentsAdded, timeout=3000):
        qloop.run_until_complete(desk.session.pipeline.submit([IncomingComment(
            "app", "after-flood", "u-late", "观众", "驾照到期怎么换", 1_700_000_001_000)]))
    assert not feed.flooded  # a small batch: back to the usual pace
    assert desk.model.rowCount() == FEED_FLOOD_ROWS + 1


def test_keyboard_path_takes_and_clears_the_question(desk, qloop, qtbot, run_until_signal) -> None:
    with qtbot.waitSignal(desk.session.feed.commentsAdded, timeout=1000):
        _submit(qloop, desk.session, "驾照到期了怎么换")
    desk.table.setFocus()
    desk.table.selectRow(0)
    (taken,) = run_until_signal(desk.session.onAirChanged,
                                lambda: qtbot.keyClick(desk.table, Qt.Key.Key_Return))
    assert taken.text == "驾照到期了怎么换"
    assert "qa" in desk.session.program.on_air()
    assert desk.model.comment_at(0).state == State.ON_AIR
    (cleared,) = run_until_signal(desk.session.onAirChanged,
                                  lambda: qtbot.keyClick(desk.table, Qt.Key.Key_Escape))
    assert cleared is None
    assert desk.session.program.on_air() == {}
    if desk.model.comment_at(0).state != State.ANSWERED:
        run_until_signal(desk.session.commentChanged)
    assert desk.model.comment_at(0).state == State.ANSWERED


def test_clear_all_button_empties_the_program(desk, qloop, qtbot, run_until_signal) -> None:
    with qtbot.waitSignal(desk.session.feed.commentsAdded, timeout=1000):
        _submit(qloop, desk.session, "怎么交罚款")
    desk.table.selectRow(0)
    run_until_signal(desk.session.onAirChanged, desk.take_button.click)
    assert "qa" in desk.session.program.on_air()
    with qtbot.waitSignal(desk.operatorActed, timeout=1000):
        qtbot.mouseClick(desk.panic_button, Qt.MouseButton.LeftButton)
    assert desk.session.program.on_air() == {}


def test_the_preview_shows_program_frames(desk, qtbot) -> None:
    qtbot.waitUntil(lambda: desk.preview.frames_shown > 2, timeout=3000)
    image = desk.preview.current_image()
    assert image is not None and image.width() == 640


def test_a_preview_frame_repaints_the_preview_alone(desk, qtbot) -> None:
    """30 frames a second: what lies behind the preview (its monitor, its dock) is not
    repainted for each of them only to be painted over (0.02 cores of the idle desk)."""
    qtbot.waitUntil(lambda: desk.preview.frames_shown > 2, timeout=3000)
    painted: Counter[QObject] = Counter()

    class CountPaints(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                painted[watched] += 1
            return False

    counter = CountPaints()
    monitor = desk.preview.parentWidget()
    behind = [monitor, desk.docks["preview"]]
    assert monitor is not None and desk.docks["preview"].isAncestorOf(monitor)
    for widget in [*behind, desk.preview]:
        widget.installEventFilter(counter)
    qtbot.waitUntil(lambda: painted[desk.preview] >= 5, timeout=3000)
    assert [painted[widget] for widget in behind] == [0, 0]


def test_take_without_a_selection_explains_itself(desk, qtbot) -> None:
    desk.take_selected()
    assert "Select" in desk.banner.message()
