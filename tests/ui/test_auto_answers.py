"""The knowledge dock's "answered automatically" list: one key withdraws a wrong answer."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from tests.queue.answering.support import ANSWERED_QUESTION, prepare, running_service
from videohelp.core.knowledge import KnowledgeBase
from videohelp.ui.knowledge_view import KnowledgeView

from .knowledge_support import open_service, settle


def test_w_marks_the_selected_automatic_answer_wrong_and_withdraws_its_entry(
        tmp_path: Path, qloop, qtbot) -> None:
    paths = prepare(tmp_path / "data")

    async def asked() -> str:
        async with running_service(paths) as svc:
            body = (await svc.ask("浙A12345的车主 " + ANSWERED_QUESTION)).json()
            await svc.hook.service.wait_stored()
            return str(body["answer"]["id"])
    given = qloop.run_until_complete(asked())

    kb = KnowledgeBase.open(paths.database)  # the test's own connection, to check the store
    service = open_service(qtbot, paths.database)
    view = KnowledgeView(service, actor="王警官")
    qtbot.addWidget(view)
    view.resize(1400, 700)
    view.show()
    settle(qtbot, view)
    try:
        view.tabs.setCurrentWidget(view.auto_answers)
        panel = view.auto_answers
        assert view.tabs.tabText(2) in ("Answered automatically", "自动解答")
        assert panel.model.rowCount() == 1
        (row,) = panel.model.rows
        assert (row.entry_id, row.wrong) == (given, False)
        assert "浙A***45" in row.question and "浙A12345" not in row.question
        changed: list[str | None] = []
        service.changed.connect(changed.append)
        panel.table.selectRow(0)
        panel.table.setFocus()
        with qtbot.waitSignal(panel.withdrawn, timeout=5000) as blocker:
            qtbot.keyClick(panel.table, Qt.Key.Key_W)
        assert blocker.args == [given] and changed == [given]
        settle(qtbot, view)
        assert panel.model.rows[0].wrong
        status = panel.model.index(0, panel.model.COLUMNS.index("status")).data()
        assert status in ("Wrong: withdrawn", "答错·已撤回")
        assert [tuple(r) for r in kb.store.conn.execute(
            "SELECT entry_id, actor FROM answer_withdrawals")] == [(given, "王警官")]
        assert panel.mark_selected_wrong() is None  # once is enough
        view.grab().save(str(tmp_path / "auto-answers.png"))
    finally:
        view.shutdown()
        service.close()
        kb.close()
