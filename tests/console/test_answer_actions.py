"""The answering service acts through the show's actions: audited as ``auto-answer``, seen by seats."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path

import pytest

from tests.queue.answering.support import (
    ANSWERED_QUESTION,
    DRAFT_ITEM,
    DRAFT_QUESTION,
    poll,
    prepare,
    request,
)
from tests.queue.seat_support import recv, recv_until, start_console
from videohelp.console.answer_actions import answer_actions
from videohelp.core.settings import Settings
from videohelp.queue.answering.clients import FILE_NAME, ClientRegistry, add_client
from videohelp.queue.answering.install import install_answers

pytestmark = pytest.mark.asyncio


async def test_an_answer_and_a_pass_on_are_audited_actions_that_reach_the_seats(
        tmp_path: Path) -> None:
    paths = prepare(tmp_path / "data")  # the console below opens the same data directory
    console = await start_console(tmp_path)
    token = add_client(paths.root / FILE_NAME, "app")
    hook = install_answers(console.server, console.pipeline, paths, Settings(None),
                           act=answer_actions(console.actions),
                           clients=ClientRegistry(paths.root / FILE_NAME))
    assert hook is not None
    await hook.start()
    presenter = await console.connect(console.add_seat("主持人", "presenter"))
    expert = await console.connect(console.add_seat("李专家", "expert"))
    try:
        await recv(presenter)
        await recv(expert)
        for question in (ANSWERED_QUESTION, DRAFT_QUESTION):
            body = json.dumps({"question": question}, ensure_ascii=False)
            reply = await asyncio.to_thread(
                request, console.server.port, "POST", "/api/v1/ask", body,
                {"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
            assert reply.status == 200
            assert reply.json()["answered"] is (question == ANSWERED_QUESTION)
        await hook.service.wait_stored()
        db = sqlite3.connect(console.database)
        (answered_id,), (passed_id,) = db.execute("SELECT id FROM comments ORDER BY id")
        audit = db.execute("SELECT seat, role, action, target, outcome FROM audit_log"
                           " WHERE seat = 'auto-answer' ORDER BY id").fetchall()
        assert sorted(audit) == sorted([
            ("auto-answer", "answering", "mark_answered", str(answered_id), "ok"),
            ("auto-answer", "answering", "flag", str(passed_id), "ok")])
        history = db.execute("SELECT from_state, to_state, actor, detail FROM comment_history"
                             " WHERE comment_id = ? ORDER BY id", (answered_id,)).fetchall()
        assert [row[:3] for row in history] == [("new", "queued", "auto-answer"),
                                                ("queued", "answered", "auto-answer")]
        assert history[-1][3].startswith("answered automatically: DL03")
        db.close()

        # The presenter's seat sees the automatic answer close the question ...
        async def closed() -> bool:
            event, _ = await recv_until(presenter, "event", "comment.changed", timeout=5)
            comment = event["data"]["comment"]
            return comment["id"] == answered_id and comment["state"] == "answered" \
                and event["data"]["by"] == "auto-answer"
        await poll(closed, timeout=10)
        # ... and the experts get the question passed on, with who passed it on.
        flagged, _ = await recv_until(expert, "event", "question.flagged", timeout=10)
        question = flagged["data"]["question"]
        assert question["comment"]["id"] == passed_id and question["item"] == DRAFT_ITEM
        assert question["flagged_by"] == "auto-answer"
    finally:
        await presenter.close()
        await expert.close()
        await hook.stop()
        await console.stop()


async def test_a_batch_refuses_what_the_studio_changed_and_audits_every_refusal(
        tmp_path: Path) -> None:
    from videohelp.console.answer_actions import ANSWERING_ACTOR
    from videohelp.console.show_events import Actor
    from videohelp.core.roles import Action
    from videohelp.queue.seat_protocol import ErrorCode, ProtocolError, Request

    console = await start_console(tmp_path)
    try:
        waiting, dismissed = await console.submit("驾照到期了怎么换", "二手车过户要带什么")
        await console.actions.perform(Actor.of("主持人", "presenter"),
                                      Request(Action.DISMISS, "d1", comment=dismissed.id))
        outcomes = await console.actions.perform_many(ANSWERING_ACTOR, [
            Request(Action.MARK_ANSWERED, "a1", comment=waiting.id, note="answered automatically"),
            Request(Action.FLAG, "a2", comment=dismissed.id, note="转演播室"),
            Request(Action.MARK_ANSWERED, "a3", comment=999_999)])
        first, refused, missing = outcomes
        assert not isinstance(first, ProtocolError) and first.comment is not None
        assert first.comment.state.value == "answered"
        assert isinstance(refused, ProtocolError) and refused.code == ErrorCode.BAD_STATE
        assert isinstance(missing, ProtocolError) and missing.code == ErrorCode.NOT_FOUND
        # Any actor's role is checked the same way: an expert may not flag.
        (forbidden,) = await console.actions.perform_many(
            Actor.of("专家", "expert"), [Request(Action.FLAG, "x1", comment=waiting.id)])
        assert isinstance(forbidden, ProtocolError) and forbidden.code == ErrorCode.FORBIDDEN
        with pytest.raises(ValueError):  # cards and the rest go through perform, one by one
            await console.actions.perform_many(ANSWERING_ACTOR, [Request(Action.TAKE, "t1",
                                                                         comment=waiting.id)])
        db = sqlite3.connect(console.database)
        audit = db.execute("SELECT seat, action, rid, outcome FROM audit_log WHERE rid != 'd1'"
                           " ORDER BY id").fetchall()
        db.close()
        assert audit == [("auto-answer", "mark_answered", "a1", "ok"),
                         ("auto-answer", "flag", "a2", "bad_state"),
                         ("auto-answer", "mark_answered", "a3", "not_found"),
                         ("专家", "flag", "x1", "forbidden")]
    finally:
        await console.stop()
