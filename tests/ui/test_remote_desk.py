"""The desk on another machine (``--role officer --connect``) against a real local desk's console.

The studio desk runs here on a loopback port (its seat hub serves /seat and /desk); the
remote desk connects to it with a seat token. The same core-path keys give the same stored
states and on-air cards as the local desk's.
"""

from __future__ import annotations

import os
import subprocess

import pytest
from PySide6.QtCore import Qt

from tests.loop_support import spin_until
from tests.ui.desk_support import desk_with_expert_dock
from videohelp.console.remote_show import DeskHttp, RemoteShow
from videohelp.console.seat_client import SeatLink
from videohelp.core import seats
from videohelp.core.store import Store
from videohelp.queue.comments import IncomingComment, State
from videohelp.ui import remote_desk
from videohelp.ui.remote_desk import RemoteDeskWindow


def _seat(desk, name: str, role: str) -> str:
    store = Store(desk.session.paths.database)
    try:
        return seats.add_seat(store, name, role)[1]
    finally:
        store.close()


def _ask(qloop, desk, *texts: str) -> list[int]:
    incoming = [IncomingComment("app", f"r{i}-{text}", f"u{i}", "杭州小王", text, 1_700_000_000_000 + i)
                for i, text in enumerate(texts)]
    return [c.id for c in qloop.run_until_complete(desk.session.pipeline.submit(incoming)).stored]


def _state(desk, comment_id: int) -> str:
    store = Store(desk.session.paths.database)
    try:
        return store.conn.execute("SELECT state FROM comments WHERE id = ?", (comment_id,)).fetchone()[0]
    finally:
        store.close()


def _activate(qloop, window) -> None:
    """Shortcuts go to the active window (two desks are open here, as on two machines).
    Waited for with asyncio running: a bare Qt spin (qtbot.waitUntil) would step the
    loop's callbacks outside it."""
    window.activateWindow()
    spin_until(qloop, window.isActiveWindow, timeout=3)


def _remote(desk, qloop, qtbot, role: str, name: str) -> RemoteDeskWindow:
    url = desk.session.server.url("/seat")
    token = _seat(desk, name, role)
    link = SeatLink(url, token)
    window = RemoteDeskWindow(link, DeskHttp(url, token))
    qtbot.addWidget(window)
    window.show()
    link.start()
    spin_until(qloop, lambda: window.connection.text() == "Connected")
    return window


def test_the_remote_officer_takes_the_core_path_with_the_local_desks_keys(qloop, qtbot, data_dir) -> None:
    with desk_with_expert_dock(qloop, qtbot, data_dir) as (desk, _dock):  # triage files the items
        remote = _remote(desk, qloop, qtbot, "officer", "张警官")
        first, second = _ask(qloop, desk, "驾照丢了怎么补办啊", "驾驶证到期了在哪里换")
        spin_until(qloop, lambda: remote.queue.rowCount() == 2
                   and all(remote.show_state.comments[c].get("item") for c in (first, second)),
                   timeout=30)  # triage loads its model on first use
        _activate(qloop, remote)
        remote.queue.setFocus()
        qtbot.keyClick(remote.queue, Qt.Key.Key_N)  # the next question, its answers, the first chosen
        assert remote.selected_comment()["id"] == first
        spin_until(qloop, lambda: remote.answers.count() > 0)
        chosen = remote.suggestions[0]
        assert remote.editor.toPlainText() == chosen["short_answer"]
        assert chosen["status"] == "draft"  # the shipped base is unreviewed: the officer confirms
        qtbot.keyClick(remote.queue, Qt.Key.Key_Return)
        assert "Enter again" in remote.statusBar().currentMessage()
        assert "qa" not in desk.session.program.on_air()
        qtbot.keyClick(remote.queue, Qt.Key.Key_Return)
        spin_until(qloop, lambda: "qa" in desk.session.program.on_air())
        card = desk.session.program.on_air()["qa"]
        assert (card.template, card.data["question"], card.data["answer"]) == (
            "qa", "驾照丢了怎么补办啊", chosen["short_answer"])
        spin_until(qloop, lambda: _state(desk, first) == State.ON_AIR.value)
        spin_until(qloop, lambda: remote.on_air_label.text() == "On air: qa")
        qtbot.keyClick(remote.queue, Qt.Key.Key_A)  # answered: the card goes off
        spin_until(qloop, lambda: "qa" not in desk.session.program.on_air())
        spin_until(qloop, lambda: _state(desk, first) == State.ANSWERED.value)
        remote_card = card.data

        # The local desk, same keys, on the second question: the same states and card.
        spin_until(qloop, lambda: desk.queue_model.rowCount() >= 1)
        _activate(qloop, desk)
        desk.queue_view.setFocus()
        qtbot.keyClick(desk.queue_view, Qt.Key.Key_N)
        assert desk.selected_comment().id == second
        qtbot.keyClick(desk.queue_view, Qt.Key.Key_Return)
        qtbot.keyClick(desk.queue_view, Qt.Key.Key_Return)
        spin_until(qloop, lambda: "qa" in desk.session.program.on_air())
        local_card = desk.session.program.on_air()["qa"].data
        # The card is on program before the state is committed (actions.py: take, then move),
        # and the writer may be busy with a commit or a triage batch: wait, as for the first.
        spin_until(qloop, lambda: _state(desk, second) == State.ON_AIR.value)
        assert set(local_card) == set(remote_card) and local_card["viewer"] == remote_card["viewer"]
        # ... and the remote desk sees it, and pulls everything off with F12.
        spin_until(qloop, lambda: "qa" in remote.show_state.on_air, timeout=10)
        _activate(qloop, remote)
        qtbot.keyClick(remote.queue, Qt.Key.Key_F12)
        spin_until(qloop, lambda: desk.session.program.on_air() == {})
        qloop.run_until_complete(remote.link.stop())


@pytest.mark.parametrize(("role", "offered", "not_offered"), [
    ("presenter", {"take", "panic", "flag", "queue"}, {"refile"}),
    ("producer", {"panic", "flag", "refile", "queue"}, {"take", "clear_question", "answer_1"}),
])
def test_a_remote_desk_offers_only_what_its_role_may_do(qloop, qtbot, data_dir, role, offered,
                                                      not_offered) -> None:
    with desk_with_expert_dock(qloop, qtbot, data_dir) as (desk, _dock):
        remote = _remote(desk, qloop, qtbot, role, f"{role}-1")
        spin_until(qloop, lambda: remote.show_state.actions != frozenset())
        bound = {name for name, action in remote.actions_by_name.items() if action in remote.actions()}
        assert offered <= bound and not (not_offered & bound)
        assert remote.panic_button.isVisible()
        assert remote.editor.isVisible() == (role != "producer")
        if role == "presenter":  # a presenter airs a draft answer's question only
            (cid,) = _ask(qloop, desk, "电动车上牌要带什么材料")
            spin_until(qloop, lambda: remote.queue.rowCount() == 1
                       and remote.show_state.comments[cid].get("item"), timeout=30)
            _activate(qloop, remote)
            remote.queue.setFocus()
            qtbot.keyClick(remote.queue, Qt.Key.Key_N)
            spin_until(qloop, lambda: remote.answers.count() > 0)
            qtbot.keyClick(remote.queue, Qt.Key.Key_Return)
            assert "only the officer" in remote.statusBar().currentMessage()
            qtbot.keyClick(remote.queue, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
            spin_until(qloop, lambda: "qa" in desk.session.program.on_air())
            assert "answer" not in desk.session.program.on_air()["qa"].data
        qloop.run_until_complete(remote.link.stop())


def test_a_refused_token_is_shown_and_nothing_is_offered(qloop, qtbot, data_dir) -> None:
    with desk_with_expert_dock(qloop, qtbot, data_dir, triage=False) as (desk, _dock):
        url = desk.session.server.url("/seat")
        link = SeatLink(url, "vhs_not-a-token")
        window = RemoteDeskWindow(link, DeskHttp(url, "vhs_not-a-token"))
        qtbot.addWidget(window)
        link.start()
        spin_until(qloop, lambda: window.connection.text().startswith("Refused"))
        assert not any(action in window.actions() for action in window.actions_by_name.values())
        qloop.run_until_complete(link.stop())


def test_the_remote_show_applies_events_in_order() -> None:
    show = RemoteShow()
    show.apply_snapshot({"seat": {"name": "a", "role": "officer"}, "actions": ["take"],
                         "comments": [{"id": 1, "state": "new"}, {"id": 2, "state": "answered"}],
                         "questions": [], "on_air": {}})
    assert [c["id"] for c in show.waiting()] == [1] and show.can("take") and not show.can("triage")
    show.apply_event("card.on_air", {"layer": "qa", "template": "qa", "data": {}, "comment": 1})
    assert show.on_air_comment() == 1
    show.apply_event("card.cleared", {"layers": [], "panic": True})
    assert show.on_air == {}
    assert remote_desk.NEEDS.keys() <= set(remote_desk.BY_ACTION)


def test_the_remote_desk_needs_a_token(videohelp_cmd, tmp_path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "VIDEOHELP_SEAT_TOKEN"}
    done = subprocess.run([*videohelp_cmd, "--role", "presenter", "--connect", "ws://127.0.0.1:9",
                           "--data-dir", str(tmp_path)], capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode == 2 and "--token" in done.stderr
