"""An item renamed in the knowledge dock renames it across the desk: feed, queue, filters,
answer panel, expert dock and new cards, at once and after a restart (real SQLite file)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.loop_support import spin_until
from videohelp.console.session import SessionOptions, ShowSession
from videohelp.core.catalog import default_catalog
from videohelp.core.paths import data_paths
from videohelp.core.settings import Settings
from videohelp.queue.comments import IncomingComment, State
from videohelp.queue.triage.storage import TriageUpdate, apply_triage
from videohelp.ui.comment_model import CommentListModel
from videohelp.ui.expert_panel import ExpertDock, attach_expert_dock
from videohelp.ui.main_window import MainWindow
from videohelp.ui.queue_model import QuestionQueueModel

from .knowledge_support import open_dock, settle

CODE = "DL03"
OLD_NAME = default_catalog()[CODE].name_zh  # 驾驶证期满换证
NEW_NAME = "驾驶证到期换新证"
FEED_ITEM = CommentListModel.COLUMNS.index("item")
QUEUE_ITEM = QuestionQueueModel.COLUMNS.index("item")


def open_desk(qloop, qtbot, data_dir: Path) -> tuple[MainWindow, ExpertDock]:
    """The desk as ``videohelp`` builds it: window and expert dock first, then the session starts."""
    settings = Settings()
    for name, value in (("program.width", 640), ("program.height", 360), ("program.fps", 25)):
        settings.set(name, value)
    session = ShowSession(data_paths(data_dir), settings, SessionOptions(actor="张警官", triage=False))
    window = MainWindow(session, show_personal=True)
    dock = attach_expert_dock(window, session, "officer")
    qtbot.addWidget(window)
    qloop.run_until_complete(session.start())
    qloop.run_until_complete(dock.start())
    window.show()
    return window, dock


def close_desk(qloop, window: MainWindow, dock: ExpertDock) -> None:
    window.close()
    qloop.run_until_complete(dock.stop())
    qloop.run_until_complete(window.session.stop())


@pytest.fixture
def desk(qloop, qtbot, data_dir):
    window, dock = open_desk(qloop, qtbot, data_dir)
    yield window, dock
    close_desk(qloop, window, dock)


def ask(qloop, window: MainWindow, msg_id: str, text: str = "驾照到期了怎么换") -> None:
    """A viewer's question, filed under DL03 as triage files it (its write, its signal)."""
    session = window.session
    rows = window.model.rowCount()
    result = qloop.run_until_complete(session.pipeline.submit(
        [IncomingComment("app", msg_id, "u1", "杭州小王", text, 1_700_000_000_000)]))
    (stored,) = result.stored
    spin_until(qloop, lambda: window.model.rowCount() == rows + 1)
    triaged = qloop.run_until_complete(session.pipeline.run_in_writer(
        apply_triage, [TriageUpdate(stored.id, True, CODE, 0.93)]))
    session.commentsTriaged.emit(triaged)


def item_texts(window: MainWindow, dock: ExpertDock) -> dict[str, str]:
    """How each part of the desk names the first question's item."""
    combo = window.filter_bar.item
    return {
        "feed": window.model.index(0, FEED_ITEM).data(),
        "queue": window.queue_model.index(0, QUEUE_ITEM).data(),
        "filter": combo.itemText(combo.findData(CODE)),
        "answer": window.answers.question.text(),
        "expert list": dock.model.index(0).data() if dock.model.rowCount() else "",
        "expert detail": dock.detail.text(),
    }


def test_a_rename_saved_in_the_knowledge_dock_renames_the_item_across_the_desk(
        desk, qloop, qtbot, run_until_signal) -> None:
    window, dock = desk
    session = window.session
    ask(qloop, window, "k1")
    window.table.selectRow(0)
    window.actions_by_name["flag"].trigger()  # so that the expert dock lists it too
    spin_until(qloop, lambda: dock.model.rowCount() == 1
               and window.model.comment_at(0).state == State.FLAGGED)
    dock.list.setCurrentIndex(dock.model.index(0))
    window.answers.editor.setText("带身份证去车管所")  # the operator is writing an answer
    before = item_texts(window, dock)
    assert all(OLD_NAME in text for text in before.values()), before
    assert before["feed"] == f"驾驶证 · {CODE} {OLD_NAME} (93%)"
    old_card = session.qa_card(window.model.comment_at(0), "", CODE)

    view = open_dock(qtbot, window)
    view.select_item(CODE)
    settle(qtbot, view)
    editor = view.item_editor
    editor.name_zh.setText(NEW_NAME)
    editor.note.setText("the client renamed it")
    (catalog,) = run_until_signal(session.catalogChanged, editor.save_button.click)

    assert catalog[CODE].name_zh == NEW_NAME
    assert view.item_editor.version == 2  # saved through the store, versioned
    after = item_texts(window, dock)
    for part, text in after.items():
        assert NEW_NAME in text and OLD_NAME not in text, (part, text)
    assert after["feed"] == f"驾驶证 · {CODE} {NEW_NAME} (93%)"
    assert after["queue"] == f"{CODE} {NEW_NAME}"
    assert window.answers.editor.text() == "带身份证去车管所"  # the answer being written stays
    assert window.filter_bar.item.currentData() == ""  # the filter's choice stays
    # The next card names it anew; the knowledge dock's tree too.
    new_card = session.qa_card(window.model.comment_at(0), "", CODE)
    assert session.renderer.item(CODE).name_zh == NEW_NAME
    assert not (new_card.rgba == old_card.rgba).all()
    settle(qtbot, view)
    assert NEW_NAME in view.tree_model.index_of_item(CODE).data()


def test_after_a_restart_the_desk_names_items_as_edited(qloop, qtbot, data_dir, run_until_signal) -> None:
    window, dock = open_desk(qloop, qtbot, data_dir)
    view = open_dock(qtbot, window)
    view.select_item(CODE)
    settle(qtbot, view)
    view.item_editor.name_zh.setText(NEW_NAME)
    run_until_signal(window.session.catalogChanged, view.item_editor.save_button.click)
    close_desk(qloop, window, dock)

    window, dock = open_desk(qloop, qtbot, data_dir)
    try:
        assert window.session.catalog[CODE].name_zh == NEW_NAME
        ask(qloop, window, "k2")
        window.table.selectRow(0)
        window.actions_by_name["flag"].trigger()
        spin_until(qloop, lambda: dock.model.rowCount() == 1)
        dock.list.setCurrentIndex(dock.model.index(0))
        shown = item_texts(window, dock)
        for part, text in shown.items():
            assert NEW_NAME in text and OLD_NAME not in text, (part, text)
        assert window.session.renderer.item(CODE).name_zh == NEW_NAME
    finally:
        close_desk(qloop, window, dock)
