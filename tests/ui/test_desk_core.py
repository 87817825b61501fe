"""Regressions of the desk taking a second path past the show's one action service.

Issue 14: a producer's desk put questions on air although the role table denies
producers ``take``; a question flagged to the experts and then dismissed at the
desk stayed in the experts' open list, also after a restart.
"""

from __future__ import annotations

from videohelp.core.seats import audit_entries
from videohelp.core.store import Store
from videohelp.queue import experts
from videohelp.queue.comments import IncomingComment, State

from ..loop_support import spin_until
from .desk_support import desk_with_expert_dock


def _submit(qloop, window, text: str, msg_id: str = "m1") -> None:
    qloop.run_until_complete(window.session.pipeline.submit(
        [IncomingComment("douyin", msg_id, "u1", "杭州小王", text, 1_700_000_000_000)]))
    spin_until(qloop, lambda: window.model.rowCount() >= 1)
    window.table.selectRow(0)


def test_a_producer_desk_cannot_put_a_question_on_air(qloop, qtbot, data_dir, run_until_signal) -> None:
    with desk_with_expert_dock(qloop, qtbot, data_dir, triage=False, role="producer",
                               actor="李制片") as (window, _dock):
        _submit(qloop, window, "驾照到期了怎么换")
        (message,) = run_until_signal(window.session.actionFailed, window.take_selected, timeout=5)
        assert window.session.program.on_air() == {}
        assert window.model.comment_at(0).state == State.NEW
        assert "producer" in message or "制片" in message
        store = Store(window.session.paths.database)
        try:
            (entry,) = [e for e in audit_entries(store) if e["action"] == "take"]
            state = store.conn.execute("SELECT state FROM comments").fetchone()[0]
        finally:
            store.close()
        assert (entry["seat"], entry["role"], entry["outcome"]) == ("李制片", "producer", "forbidden")
        assert state == "new"
        # Clearing everything is still everyone's: the producer's F12 works.
        window.session.program.take("lower_third", window.session.renderer.render(
            "lower_third", {"name": "张警官"}))
        window.panic()
        assert window.session.program.on_air() == {}


def _open_flags(database) -> list[int]:
    store = Store(database)
    try:
        return [comment.id for comment, *_ in experts.open_questions(store)]
    finally:
        store.close()


def test_a_flagged_question_dismissed_at_the_desk_leaves_the_experts_list(qloop, qtbot,
                                                                           data_dir) -> None:
    with desk_with_expert_dock(qloop, qtbot, data_dir, triage=False) as (window, dock):
        database = window.session.paths.database
        _submit(qloop, window, "新能源车牌怎么申请")
        window.actions_by_name["flag"].trigger()
        spin_until(qloop, lambda: dock.model.rowCount() == 1)
        spin_until(qloop, lambda: _open_flags(database) == [1])
        window.actions_by_name["dismiss"].trigger()
        spin_until(qloop, lambda: window.model.comment_at(0).state == State.DISMISSED)
        assert _open_flags(database) == []
        spin_until(qloop, lambda: not dock.model.question(0)["open"])
    # After a restart the experts' list is read from the store: the question stays closed.
    with desk_with_expert_dock(qloop, qtbot, data_dir, triage=False) as (window, dock):
        assert [q for q in dock.hub.snapshot(dock.seat)["questions"] if q["open"]] == []


def test_rundown_cards_are_show_actions_of_the_desks_actor(qloop, qtbot, data_dir,
                                                           run_until_signal) -> None:
    with desk_with_expert_dock(qloop, qtbot, data_dir, triage=False, role="producer",
                               actor="李制片") as (window, _dock):
        window.rundown.list.setCurrentRow(0)
        (message,) = run_until_signal(window.session.actionFailed, window.rundown.take_current,
                                      timeout=5)
        assert window.session.program.on_air() == {} and "producer" in message
    with desk_with_expert_dock(qloop, qtbot, data_dir, triage=False) as (window, _dock):
        window.rundown.list.setCurrentRow(0)
        entry = window.rundown.current()
        window.rundown.take_current()
        spin_until(qloop, lambda: entry.layer in window.session.program.on_air())
        store = Store(window.session.paths.database)
        try:
            spin_until(qloop, lambda: any(e["action"] == "take" and e["outcome"] == "ok"
                                          for e in audit_entries(store, seat="张警官")))
        finally:
            store.close()
