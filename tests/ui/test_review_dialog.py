"""The review mode driven with keys, and the desk's three-key path once an item is reviewed.

Each decision is a request to the knowledge service: ``_press`` waits for its answer
(the queue read again) before the next key, as an officer would read the next card."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtWidgets import QApplication

from videohelp.core.knowledge import KnowledgeBase, check_airable
from videohelp.core.regulations import load_regulations
from videohelp.queue.comments import IncomingComment
from videohelp.ui.knowledge_view import KnowledgeView
from videohelp.ui.review_dialog import ReviewDialog

from ..console.test_kb_review import ask
from .knowledge_support import open_dock, open_service, settle
from .test_desk import make_desk  # noqa: F401 - the desk fixture


@pytest.fixture
def kb(tmp_path: Path):
    kb = KnowledgeBase.open(tmp_path / "db.sqlite3", load_regulations())
    yield kb
    kb.close()


@pytest.fixture
def service(qtbot, kb):
    service = open_service(qtbot, kb.store.path)
    yield service
    service.close()


@pytest.fixture
def view(qtbot, service):
    view = KnowledgeView(service, actor="王警官")
    qtbot.addWidget(view)
    view.resize(1200, 700)
    view.show()
    settle(qtbot, view)
    yield view
    view.shutdown()
    # Destroyed here, before the base closes: a view left to the garbage collector would still
    # receive a later test's language change (and touch its closed base).
    if view.review is not None:
        view.review.close()
    view.close()
    view.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def _open(qtbot, view: KnowledgeView) -> ReviewDialog:
    qtbot.keyClick(view.table, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    dialog = view.review
    assert dialog is not None and dialog.isVisible()
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=3000)
    qtbot.waitUntil(lambda: not dialog.busy and dialog.snapshot is not None, timeout=10_000)
    return dialog


def _press(qtbot, widget, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    """A key, then the service's answer to what it asked (if it asked anything)."""
    dialog = widget if isinstance(widget, ReviewDialog) else widget.window()
    qtbot.keyClick(widget, key, modifier)
    qtbot.waitUntil(lambda: not dialog.busy and not dialog.editor.busy, timeout=10_000)


def test_the_officer_reviews_with_keys_and_every_decision_is_recorded(qtbot, kb, view) -> None:
    ask(kb, "MV29", 7)
    ask(kb, "DL06", 4)
    dialog = _open(qtbot, view)
    assert dialog.reviewer == "王警官"
    queue = [e.id for e in dialog.entries]
    assert queue[0] == "MV29-001" and queue.index("DL06-001") > queue.index("MV29-004")
    # What the officer sees: the cited article's words and the conflict with MV29-002.
    assert dialog.article.toPlainText().startswith("第四十四条")
    assert "MV29-002" in dialog.card.toPlainText()
    assert "0 / " in dialog.progress_bar.text() or dialog.progress_bar.value() == 0

    _press(qtbot, dialog, Qt.Key.Key_A)  # MV29-001 has a conflict: the first A only asks
    assert kb.get("MV29-001").is_draft and "A again" in dialog.message.text()
    _press(qtbot, dialog, Qt.Key.Key_A)  # approve MV29-001
    assert kb.get("MV29-001").status == "reviewed" and kb.get("MV29-001").reviewed_by == "王警官"
    assert dialog.current is not None and dialog.current.id == "MV29-002"
    _press(qtbot, dialog, Qt.Key.Key_Right)  # skip MV29-002
    assert dialog.current.id == "MV29-003"
    _press(qtbot, dialog, Qt.Key.Key_Left)
    assert dialog.current.id == "MV29-002"
    dialog.note.setText("两种口径，请专家确认")
    _press(qtbot, dialog, Qt.Key.Key_X)  # needs expert
    assert dialog.current.id == "MV29-003"
    _press(qtbot, dialog, Qt.Key.Key_R)  # retire MV29-003
    assert dialog.current.id == "MV29-004"
    assert [c.action for c in kb.history("MV29-002")][-1] == "needs_expert"
    assert kb.history("MV29-002")[-1].note == "两种口径，请专家确认"
    assert [c.action for c in kb.history("MV29-003")][-1] == "retire"
    assert "MV29-003" not in {e.id for e in kb.entries(item="MV29")}

    # E edits in place: letters are typing then, not decisions; Ctrl+S saves, A approves.
    _press(qtbot, dialog, Qt.Key.Key_E)
    assert dialog.stack.currentIndex() == 1
    editor = dialog.editor
    editor.short_answer.setFocus()
    editor.short_answer.end(False)
    qtbot.keyClicks(editor.short_answer, "A")
    assert kb.get("MV29-004").is_draft and editor.short_answer.text().endswith("A")
    editor.short_answer.backspace()
    editor.short_answer.insert("（以车管所为准）")  # Chinese comes from the input method, not keys
    _press(qtbot, editor.short_answer, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert kb.get("MV29-004").short_answer.endswith("（以车管所为准）") and kb.get("MV29-004").version == 2
    assert dialog.stack.currentIndex() == 0 and dialog.current.id == "MV29-004"
    _press(qtbot, dialog, Qt.Key.Key_A)
    assert kb.get("MV29-004").status == "reviewed"
    assert [c.action for c in kb.history("MV29-004")] == ["seed", "edit", "review"]

    # Progress counts the decisions per class; the table in the dock shows them too.
    progress = dialog.progress
    assert progress.reviewed["机动车"] == 2 and progress.needs_expert["机动车"] == 1
    assert progress.retired["机动车"] == 1
    assert dialog.progress_bar.value() == 2
    assert "机动车 2/" in dialog.progress_text.text()
    view.select_item("MV29")
    settle(qtbot, view)
    statuses = [view.model.index(row, 4).data() for row in range(view.model.rowCount())]
    assert "needs expert" in statuses and "retired" in statuses

    # Esc leaves an edit without saving; Esc again closes the review.
    _press(qtbot, dialog, Qt.Key.Key_E)
    dialog.editor.short_answer.setText("不会保存")
    _press(qtbot, dialog.editor.short_answer, Qt.Key.Key_Escape)
    assert dialog.stack.currentIndex() == 0 and "不会保存" not in kb.get(dialog.current.id).short_answer
    _press(qtbot, dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_a_refused_approval_says_why_and_keeps_the_entry(qtbot, kb, view) -> None:
    ask(kb, "DL03", 2)
    dialog = _open(qtbot, view)
    dialog.name.setText("")
    first = dialog.current
    _press(qtbot, dialog, Qt.Key.Key_A)
    assert "name" in dialog.message.text() and kb.get(first.id).is_draft
    assert dialog.current.id == first.id


def test_the_top_twenty_items_review_in_a_few_hundred_keys(qtbot, kb, view) -> None:
    for rank, code in enumerate(["DL06", "DL03", "MV24", "MV02", "EB01", "OL05", "DL18", "MV01", "EB12",
                                 "OL07", "DL17", "MV27", "EB02", "OL02", "DL22", "MV29", "EB05", "OL11",
                                 "DL19", "MV30"]):
        ask(kb, code, 40 - rank)
    dialog = _open(qtbot, view)
    total = len(dialog.entries)
    scope = dialog.items_in_scope
    assert {e.item for e in dialog.entries} == set(scope) and len(scope) == 20
    started = time.monotonic()
    keys = 0
    flagged = sum(1 for e in dialog.entries if dialog.findings(e))
    while dialog.entries:
        before = len(dialog.entries)
        _press(qtbot, dialog, Qt.Key.Key_A)
        keys += 1
        if len(dialog.entries) == before:  # something to check: a second A approves anyway
            _press(qtbot, dialog, Qt.Key.Key_A)
            keys += 1
        if len(dialog.entries) == before:  # refused (it should not be): stop, say why below
            break
    assert dialog.entries == [], dialog.message.text()
    # One key per answer, two where something was flagged; the reading is the officer's minutes.
    assert keys == total + flagged and total < 120 and flagged <= 3
    assert time.monotonic() - started < 30  # the dialog keeps up (measured ~3 s for 90 entries)
    assert "Nothing left" in dialog.card.toPlainText() or "没有待审核" in dialog.card.toPlainText()
    reviewed = [e for e in kb.entries() if e.item in set(dialog.items_in_scope)]
    for entry in reviewed:
        check_airable(entry, confirmed_by_officer=False)  # no second Enter needed any more


def test_the_desk_airs_a_reviewed_answer_in_three_keys(make_desk, qloop, qtbot,  # noqa: F811
                                                       run_until_signal) -> None:
    desk = make_desk("officer")
    comment = IncomingComment("douyin", "q-lost", "u1", "杭州小王", "驾照丢了怎么补办啊", 1_700_000_000_000)
    run_until_signal(desk.session.commentsTriaged,
                     lambda: desk.session.spawn(desk.session.pipeline.submit([comment])), timeout=10)
    view = open_dock(qtbot, desk)
    dialog = view.open_review()
    qtbot.waitUntil(lambda: not dialog.busy and dialog.snapshot is not None, timeout=10_000)
    first_item = dialog.entries[0].item  # the item triage filed the question under comes first
    assert dialog.asked == {first_item: 1} and first_item.startswith(("DL", "OL"))
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=3000)
    while dialog.entries and dialog.entries[0].item == first_item:
        _press(qtbot, dialog, Qt.Key.Key_A)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    desk.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is desk, timeout=3000)
    desk.queue_view.setFocus()
    qtbot.keyClick(desk.queue_view, Qt.Key.Key_N)
    qtbot.waitUntil(lambda: not desk.answers.busy, timeout=5000)  # the fresh read of its answers
    entry = desk.answers.current_entry()
    assert entry is not None and entry.item == first_item and not entry.is_draft
    run_until_signal(desk.session.onAirChanged,  # the second key airs it: no confirmation asked
                     lambda: qtbot.keyClick(desk.queue_view, Qt.Key.Key_Return))
    assert desk.session.program.on_air()["qa"].data["answer"] == entry.short_answer
    (cleared,) = run_until_signal(desk.session.onAirChanged,
                                  lambda: qtbot.keyClick(desk.queue_view, Qt.Key.Key_A))
    assert cleared is None and desk.session.program.on_air() == {}


def test_a_retired_answer_is_not_offered_at_the_desk(qtbot, kb, service) -> None:
    from videohelp.ui.answer_panel import AnswerPanel

    panel = AnswerPanel(service, kb.catalog_store.catalog())
    qtbot.addWidget(panel)
    panel.show_comment(None, ["DL06-002", "DL06-001"])
    assert [e.id for e in panel.entries] == ["DL06-002", "DL06-001"]
    # Retired elsewhere (another connection): the fresh read that follows leaves it out.
    from videohelp.console.kb_review import ReviewSession

    ReviewSession(kb, "王警官").retire("DL06-002", "重复")
    panel.show_comment(None, ["DL06-002", "DL06-001"])
    qtbot.waitUntil(lambda: not panel.busy, timeout=5000)
    assert [e.id for e in panel.entries] == ["DL06-001"]
    assert panel.suggestions.count() == 1


def test_the_dock_shows_a_retired_answer_and_restores_it(qtbot, kb, view) -> None:
    from videohelp.console.kb_review import ReviewSession

    ReviewSession(kb, "王警官").retire("DL06-002", "重复")
    view.select_item("DL06")
    settle(qtbot, view)
    assert view.select_entry("DL06-002")
    settle(qtbot, view)
    editor = view.editor
    assert "Retired" in editor.state.text() and editor.restore_button.isVisible()
    with qtbot.waitSignal(editor.saved, timeout=5000):
        editor.restore_button.click()
    settle(qtbot, view)
    assert "DL06-002" in {e.id for e in kb.entries(item="DL06")}
    assert not editor.restore_button.isVisible()
    assert [(c.action, c.actor) for c in kb.history("DL06-002")][-1] == ("restore", "王警官")
