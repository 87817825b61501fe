"""The expert's window and the studio's expert dock, on a real console over loopback."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest
from PySide6.QtCore import Qt

from tests.loop_support import spin_until
from tests.queue.seat_support import start_console
from tests.ui.desk_support import desk_with_expert_dock
from videohelp.console.seat_client import SeatLink
from videohelp.console.seat_server import desk_seat
from videohelp.core.knowledge import KnowledgeBase
from videohelp.core.roles import Action, Role
from videohelp.core.seats import Seat
from videohelp.core.store import Store
from videohelp.queue import experts
from videohelp.queue.seat_protocol import Request
from videohelp.ui.expert_model import QuestionListModel
from videohelp.ui.expert_panel import ExpertDock
from videohelp.ui.expert_window import ExpertWindow

PHONE = "13812345678"
OFFICER = desk_seat("officer", "张警官")


def record(signal) -> list:
    """Every emission of ``signal`` (qtbot.waitSignal spins a bare Qt loop, without asyncio)."""
    seen: list = []
    signal.connect(lambda *args: seen.append(args))
    return seen


@pytest.fixture
def console(qloop, tmp_path):
    console = qloop.run_until_complete(start_console(tmp_path))
    KnowledgeBase.open(console.database).close()  # the catalog and shipped answers: suggestions
    yield console
    qloop.run_until_complete(console.stop())
    qloop.run_until_complete(asyncio.sleep(0.05))  # let the server's connection handlers finish


def _flagged_question(console, qloop, note: str = "请专家答：异地换证"):
    (comment,) = qloop.run_until_complete(console.submit(f"驾驶证下月到期，电话{PHONE}，在外地能换吗"))
    for request in (Request(Action.TRIAGE, "t", comment=comment.id, item="DL03"),
                    Request(Action.FLAG, "f", comment=comment.id, note=note)):
        assert qloop.run_until_complete(console.hub.perform(OFFICER, request))["type"] == "ok"
    return comment


# -- the model ----------------------------------------------------------------------------------
def _question(cid: int, flagged_ms: int, state: str = "flagged") -> dict:
    return {"comment": {"id": cid, "state": state, "text_masked": f"问题{cid}", "viewer_masked": "杭**王"},
            "note": "", "item": "DL03", "open": state == "flagged", "flagged_ms": flagged_ms,
            "suggestions": [], "answer": None, "answers": []}


def test_the_model_orders_open_questions_first_and_keeps_every_answer(qapp) -> None:
    model = QuestionListModel()
    model.reset([_question(1, 300), _question(2, 100)])
    assert [model.question(r)["comment"]["id"] for r in range(2)] == [2, 1]  # oldest flag first
    for answer_id, expert, answered in ((7, "王专家", 900), (6, "李专家", 400)):
        model.apply_event("question.answered", {"comment": 2, "first": False, "answer": {
            "id": answer_id, "comment": 2, "expert": expert, "text": expert, "flagged_ms": 100,
            "answered_ms": answered, "flag_to_answer_ms": answered - 100, "first": False}})
    question = model.question(0)
    assert [a["expert"] for a in question["answers"]] == ["李专家", "王专家"]
    assert question["answer"]["expert"] == "李专家" and question["answers"][0]["first"]
    assert "answered by 李专家 in 0:00 (+1 more)" in model.index(0).data()
    assert model.expert_times() == {"李专家": (1, 300), "王专家": (1, 800)}
    model.apply_event("comment.changed", {"comment": {"id": 2, "state": "on_air", "text_masked": "问题2",
                                                      "viewer_masked": "杭**王"}})
    assert [model.question(r)["comment"]["id"] for r in range(2)] == [1, 2]  # closed ones sink
    assert model.open_count() == 1
    assert model.index(1).data(Qt.ItemDataRole.ForegroundRole) is not None  # greyed out


# -- the expert's window, end to end --------------------------------------------------------------
def test_an_expert_answers_from_the_window_over_a_real_connection(console, qloop, qtbot) -> None:
    link = SeatLink(console.url(), console.add_seat("李专家", "expert"))
    window = ExpertWindow(link)
    qtbot.addWidget(window)
    window.show()
    flagged, answered = record(link.questionFlagged), record(link.questionAnswered)
    link.start()
    spin_until(qloop, lambda: window.connection.text() == "Connected")
    comment = _flagged_question(console, qloop, note=f"观众电话{PHONE}，请答异地换证")
    spin_until(qloop, lambda: window.model.rowCount() == 1)
    assert [q["comment"]["id"] for (q,) in flagged] == [comment.id]
    assert window.current_question()["comment"]["id"] == comment.id  # the open question is selected
    assert window.note.text() == "观众电话138****5678，请答异地换证"
    assert window.question_text.text() == "杭**王：驾驶证下月到期，电话138****5678，在外地能换吗"
    assert window.item.text() == "驾驶证 · 驾驶证期满换证"
    assert window.suggestions.count() > 0
    suggestion = window.suggestions.item(0)
    rect = window.suggestions.visualItemRect(suggestion)
    qtbot.mouseClick(window.suggestions.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(window.suggestions.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    picked = suggestion.data(Qt.ItemDataRole.UserRole)["short_answer"]
    assert window.editor.toPlainText() == picked
    qtbot.keyClick(window.editor, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(window.editor, " (12123)")  # QTest types Latin-1 only; the expert types on
    window.save_kb.setChecked(True)
    sent = record(window.answerSent)
    qtbot.keyClick(window.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    spin_until(qloop, lambda: sent)
    assert sent == [(comment.id,)]
    spin_until(qloop, lambda: window.answers.count() == 1)
    assert window.answers.item(0).text().startswith("★ 李专家")
    assert [(cid, a["expert"]) for cid, a in answered] == [(comment.id, "李专家")]
    assert window.editor.toPlainText() == ""
    store = Store(console.database)
    (row,) = store.conn.execute("SELECT * FROM expert_answers WHERE comment_id = ?", (comment.id,))
    draft = KnowledgeBase(store).get(row["kb_entry"])
    store.close()
    assert (row["expert"], row["text"]) == ("李专家", picked + " (12123)")
    assert draft.status == "draft" and draft.item == "DL03"
    qloop.run_until_complete(link.stop())


def test_a_refused_token_is_shown_and_sending_is_off(console, qloop, qtbot) -> None:
    link = SeatLink(console.url(), "vhs_not-a-token")
    window = ExpertWindow(link)
    qtbot.addWidget(window)
    link.start()
    spin_until(qloop, lambda: window.connection.text().startswith("Refused"))
    assert "HTTP 401" in window.connection.text() and not window.send_button.isEnabled()
    qloop.run_until_complete(link.stop())


# -- the studio's dock ------------------------------------------------------------------------------
def test_the_studio_sees_answers_edits_one_and_puts_it_on_air(console, qloop, qtbot) -> None:
    (comment,) = qloop.run_until_complete(console.submit(f"电话{PHONE}，驾驶证能异地换吗"))
    officer_dock = ExpertDock(console.hub, OFFICER, selected_comment=lambda: comment)
    presenter_dock = ExpertDock(console.hub, desk_seat("presenter", "主持人"))
    for dock in (officer_dock, presenter_dock):
        qtbot.addWidget(dock)
        dock.show()
    officer_dock.note.setText("请答")
    acted = record(officer_dock.acted)
    officer_dock.flag_button.click()
    spin_until(qloop, lambda: acted and officer_dock.model.rowCount() == 1)
    assert PHONE in officer_dock.model.index(0).data()          # the officer sees the original
    assert PHONE not in presenter_dock.model.index(0).data()    # nobody else does
    for name, text in (("李专家", "可以，全国通办。"), ("王专家", "可以。")):
        reply = qloop.run_until_complete(console.hub.perform(
            Seat(name, Role.EXPERT), Request(Action.ANSWER, name, comment=comment.id, text=text)))
        assert reply["type"] == "ok"
    officer_dock.select_comment(comment.id)
    assert officer_dock.answers.count() == 2
    assert officer_dock.chosen_answer()["expert"] == "李专家"      # the first answer is shown
    assert officer_dock.editor.toPlainText() == "可以，全国通办。"
    assert "Flag to first answer" in officer_dock.times.text() and "李专家 1×" in officer_dock.times.text()
    assert not presenter_dock.flag_button.isHidden() and not presenter_dock.air_button.isHidden()
    officer_dock.editor.setPlainText("可以，全国通办，带身份证即可。")
    officer_dock.air_button.click()
    spin_until(qloop, lambda: len(acted) == 2)
    card = console.program.on_air()["qa"]
    assert (card.template, card.data["name"], card.data["answer"]) == (
        "expert", "李专家", "可以，全国通办，带身份证即可。")
    assert PHONE not in card.data["question"]
    spin_until(qloop, lambda: not officer_dock.model.question(0)["open"])  # on air: no longer open
    store = Store(console.database)
    assert experts.response_times(store).keys() == {"李专家", "王专家"}
    store.close()


def test_the_dock_reads_a_triage_batch_only_when_it_holds_one_of_its_questions(
        console, qloop, qtbot, monkeypatch) -> None:
    """New comments' batches go by the dock without their views being built (no seat
    connected, nothing records them); a batch re-filing a listed question updates it."""
    import videohelp.queue.seat_events as seat_events

    comment = _flagged_question(console, qloop)
    dock = ExpertDock(console.hub, OFFICER)
    qtbot.addWidget(dock)
    assert dock.model.rowCount() == 1 and dock.model.question(0)["item"] == "DL03"
    console.hub.state.log.stop_recording()
    built: list[int] = []
    real_view = seat_events.comment_view
    monkeypatch.setattr(seat_events, "comment_view",
                        lambda c, personal, item=None: built.append(c.id) or real_view(c, personal, item))
    others = qloop.run_until_complete(console.submit("电动车上牌去哪里", "二手车过户要带什么"))
    spin_until(qloop, lambda: console.hub.state.log.last_seq and not console.hub._added)
    console.hub.comments_triaged(others)
    assert built == []
    refiled = replace(comment, item="DL05", is_question=True)
    console.hub.comments_triaged([refiled, *others])
    assert comment.id in built
    assert dock.model.question(0)["item"] == "DL05"


def test_an_expert_dock_for_a_producer_cannot_put_answers_on_air(console, qloop, qtbot) -> None:
    comment = _flagged_question(console, qloop)
    qloop.run_until_complete(console.hub.perform(
        Seat("李专家", Role.EXPERT), Request(Action.ANSWER, "a", comment=comment.id, text="可以")))
    dock = ExpertDock(console.hub, desk_seat("producer", "导播"))
    qtbot.addWidget(dock)
    assert dock.air_button.isHidden() and not dock.flag_button.isHidden()
    dock.select_comment(comment.id)
    refused = record(dock.failed)
    dock.put_on_air()
    spin_until(qloop, lambda: refused)
    assert refused[0][0].startswith("forbidden")
    assert console.program.on_air() == {}


# -- the desk with its dock, and a remote expert ----------------------------------------------------
@pytest.fixture
def desk(qloop, qtbot, data_dir):
    with desk_with_expert_dock(qloop, qtbot, data_dir) as desk_and_dock:
        yield desk_and_dock
    qloop.run_until_complete(asyncio.sleep(0.05))  # let the server's connection handlers finish


def test_desk_flags_expert_answers_desk_airs_it(desk, qloop, qtbot) -> None:
    from videohelp.core import seats
    from videohelp.queue.comments import IncomingComment, State

    window, dock = desk
    session = window.session
    store = Store(session.paths.database)
    token = seats.add_seat(store, "李专家", "expert")[1]
    store.close()
    link = SeatLink(session.server.url("/seat"), token)
    expert = ExpertWindow(link)
    qtbot.addWidget(expert)
    link.start()
    spin_until(qloop, lambda: expert.connection.text() == "Connected")
    spin_until(qloop, lambda: "李专家" in dock.online.text())
    qloop.run_until_complete(session.pipeline.submit(
        [IncomingComment("app", "k1", "u1", "杭州小王", "新能源车牌怎么申请", 1_700_000_000_000)]))
    spin_until(qloop, lambda: window.model.rowCount() == 1)
    window.table.selectRow(0)
    dock.note.setText("请答新能源号牌")
    dock.flag_button.click()
    spin_until(qloop, lambda: expert.model.rowCount() == 1)
    spin_until(qloop, lambda: window.model.comment_at(0).state == State.FLAGGED)
    expert.editor.setPlainText("可在交管12123申请新能源号牌。")
    expert.send_button.click()
    spin_until(qloop, lambda: dock.answers.count() == 1)
    assert dock.editor.toPlainText() == "可在交管12123申请新能源号牌。"
    dock.air_button.click()
    spin_until(qloop, lambda: session.on_air is not None)
    assert session.program.on_air()["qa"].template == "expert"
    assert window.on_air_label.text().endswith("新能源车牌怎么申请")
    spin_until(qloop, lambda: window.model.comment_at(0).state == State.ON_AIR)
    qloop.run_until_complete(session.clear_question())  # the desk's own Esc: answered
    spin_until(qloop, lambda: window.model.comment_at(0).state == State.ANSWERED)
    spin_until(qloop, lambda: not expert.model.question(0)["open"])
    qloop.run_until_complete(link.stop())


def test_a_comment_flagged_with_the_desk_key_reaches_the_experts(desk, qloop, qtbot) -> None:
    """The desk's own flag (F) only changes the state: the hub still sends it to the experts."""
    from videohelp.core import seats
    from videohelp.queue.comments import IncomingComment

    window, dock = desk
    session = window.session
    store = Store(session.paths.database)
    token = seats.add_seat(store, "李专家", "expert")[1]
    store.close()
    client_link = SeatLink(session.server.url("/seat"), token)
    flagged = record(client_link.questionFlagged)
    client_link.start()
    spin_until(qloop, lambda: session.experts_online() == 1)
    qloop.run_until_complete(session.pipeline.submit(
        [IncomingComment("app", "k9", "u9", "观众", "驾照扣满12分怎么办", 1_700_000_000_000)]))
    spin_until(qloop, lambda: window.model.rowCount() == 1)
    window.table.selectRow(0)
    window.actions_by_name["flag"].trigger()
    spin_until(qloop, lambda: flagged)
    (question,) = flagged[0]
    assert question["comment"]["text_masked"] == "驾照扣满12分怎么办" and question["flagged_by"] == "张警官"
    reply = qloop.run_until_complete(client_link.client.request(
        "answer", comment=question["comment"]["id"], text="参加满分学习和考试。"))
    assert reply["first"] is True
    spin_until(qloop, lambda: dock.answers.count() == 1)
    qloop.run_until_complete(client_link.stop())
