"""The knowledge service: work on its own thread, answers on the GUI thread, stale answers
dropped, and a broken or locked database said in words (real SQLite files)."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel

from videohelp.console import knowledge_work
from videohelp.console.knowledge_service import KnowledgeService
from videohelp.console.knowledge_work import EntryList
from videohelp.core.knowledge import KnowledgeBase
from videohelp.ui.answer_panel import AnswerPanel
from videohelp.ui.knowledge_view import KnowledgeDock, KnowledgeView

from .knowledge_support import open_service, settle


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "videohelp.sqlite3"
    KnowledgeBase.open(path).close()  # seeded: the shipped catalog and answers
    return path


@pytest.fixture
def service(qtbot, database):
    service = open_service(qtbot, database)
    yield service
    service.close()


@pytest.fixture
def view(qtbot, service):
    view = KnowledgeView(service, actor="王警官")
    qtbot.addWidget(view)
    view.show()
    settle(qtbot, view)
    yield view
    view.shutdown()


def test_the_work_runs_on_the_service_thread_and_the_answer_arrives_on_the_gui_thread(
        qtbot, service) -> None:
    gui = threading.get_ident()
    received: list[tuple[int, int]] = []
    service.entriesListed.connect(lambda request, _listed: received.append((request, threading.get_ident())))
    with qtbot.waitSignal(service.entriesListed, timeout=5000) as blocker:
        request = service.entries(item="DL03")
    assert blocker.args[0] == request
    listed = blocker.args[1]
    assert isinstance(listed, EntryList) and {e.item for e in listed.entries} == {"DL03"}
    assert received == [(request, gui)]
    assert service.thread_id is not None and service.thread_id != gui  # the SQL ran elsewhere
    worker = service.call(lambda _kb: threading.get_ident())
    assert worker == service.thread_id


def test_a_late_answer_for_an_older_filter_never_replaces_the_newer_one(qtbot, service, view) -> None:
    model = view.model
    model.set_filter(item="DL03")
    older = model.pending
    model.set_filter(item="EB12")
    newer = model.pending
    assert older != newer
    settle(qtbot, view)
    assert {e.item for e in (model.entry_at(r) for r in range(model.rowCount()))} == {"EB12"}
    # The older request's answer arriving now (a slow read) is dropped.
    stale = service.call(lambda kb: EntryList(None, "DL03", "", kb.entries(item="DL03"), {}, {}))
    service.entriesListed.emit(older, stale)
    assert {e.item for e in (model.entry_at(r) for r in range(model.rowCount()))} == {"EB12"}

    # The same for the editor: the second selection wins over the first's late detail.
    view.table.selectRow(0)
    first, first_request = view.editor.entry, view.editor.pending
    view.table.selectRow(1)
    second = view.editor.entry
    settle(qtbot, view)
    assert first.id != second.id and view.editor.detail.entry.id == second.id
    late = service.call(knowledge_work.entry_detail, first.id)
    service.entryLoaded.emit(first_request, late)  # the first selection's answer, arriving late
    assert view.editor.entry.id == second.id and view.editor.detail.entry.id == second.id
    assert view.editor.short_answer.text() == second.short_answer


def test_a_broken_database_is_said_in_the_dock_and_the_answers_stay_usable(qtbot, tmp_path: Path) -> None:
    broken = tmp_path / "videohelp.sqlite3"
    broken.write_bytes(b"this is not a database, it was overwritten\n" * 200)
    service = KnowledgeService(broken)
    try:
        with qtbot.waitSignal(service.unavailable, timeout=5000) as blocker:
            pass
        assert blocker.args[0].kind == "broken"
        dock = KnowledgeDock(service, actor="王警官")
        qtbot.addWidget(dock)
        dock.show()
        qtbot.waitUntil(lambda: isinstance(dock.widget(), QLabel), timeout=3000)
        assert dock.view is None
        assert dock.widget().text().startswith("The knowledge base cannot be opened:")
        assert "not a" in dock.widget().text()  # SQLite's own reason: the file is not a database
        panel = AnswerPanel(service)
        qtbot.addWidget(panel)
        panel.show_comment(None, ["DL03-001"])  # no suggestions, no crash: the question goes up alone
        with qtbot.waitSignal(service.failed, timeout=5000):
            pass
        assert panel.entries == [] and not panel.busy
    finally:
        service.close()


def test_a_locked_database_says_busy_and_loses_nothing(qtbot, service, view, database: Path) -> None:
    view.select_item("DL03")
    settle(qtbot, view)
    view.table.selectRow(0)
    settle(qtbot, view)
    editor = view.editor
    entry = editor.entry
    service.call(lambda kb: kb.store.conn.execute("PRAGMA busy_timeout = 200"))  # fail fast here
    other = sqlite3.connect(database, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
    try:
        editor.short_answer.setText("换证请带身份证和体检证明。")
        editor.save()
        qtbot.waitUntil(lambda: not editor.busy, timeout=5000)
        assert editor.message.text() == ("⚠ The knowledge base is busy (another program is writing "
                                          "to it): try again.")
        assert editor.short_answer.text() == "换证请带身份证和体检证明。"  # the words stay
    finally:
        other.execute("ROLLBACK")
        other.close()
    with qtbot.waitSignal(editor.saved, timeout=5000):
        editor.save()  # the lock gone, the same words are stored
    assert editor.entry.version == entry.version + 1
