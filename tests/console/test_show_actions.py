"""The desk and the seats are two callers of one action service, and cannot disagree.

The same action through the desk (``ShowSession``) and through a seat (``/seat``)
gives the same stored state, the same events to every seat and the same audit
record; the role table decides every call, the desk's included.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
import pytest_asyncio
from websockets.asyncio.client import ClientConnection, connect

from tests.queue.seat_support import recv, request, small_settings
from videohelp.console.session import SessionOptions, ShowSession
from videohelp.console.show_events import Actor
from videohelp.core import seats
from videohelp.core.paths import data_paths
from videohelp.core.roles import ACTIONS, ROLES, Action, allowed
from videohelp.core.store import Store
from videohelp.queue import experts
from videohelp.queue.comments import IncomingComment, State, StoredComment
from videohelp.queue.persist import set_state
from videohelp.queue.seat_protocol import Request


@pytest_asyncio.fixture
async def desk(qapp, tmp_path):
    session = ShowSession(data_paths(tmp_path / "data"), small_settings(), SessionOptions(
        actor="张警官", role="officer", listen=True, host="127.0.0.1", port=0, triage=False))
    await session.start()
    yield session
    await session.stop()


def _rows(session: ShowSession, sql: str, *args: Any) -> list[dict[str, Any]]:
    store = Store(session.paths.database)
    try:
        return [dict(row) for row in store.conn.execute(sql, args)]
    finally:
        store.close()


async def _seat(session: ShowSession, name: str, role: str) -> ClientConnection:
    store = Store(session.paths.database)
    try:
        token = seats.add_seat(store, name, role)[1]
    finally:
        store.close()
    await session.hub.reload()
    ws = await connect(session.server.url("/seat"), additional_headers={"Authorization": f"Bearer {token}"},
                       open_timeout=5, close_timeout=2, max_size=None)
    assert (await recv(ws))["type"] == "snapshot"
    return ws


_counter = [0]


async def _submit(session: ShowSession, text: str) -> StoredComment:
    _counter[0] += 1
    n = _counter[0]
    result = await session.pipeline.submit([IncomingComment(
        "douyin", f"m{n}", f"u{n}", f"观众{n}", f"{text} 第{n}问", 1_700_000_000_000 + n)])
    return result.stored[0]


async def _drain(ws: ClientConnection, quiet_s: float = 0.3) -> list[dict[str, Any]]:
    """Every event until the seat has heard nothing for ``quiet_s`` (the deadline of each read)."""
    events = []
    while True:
        try:
            message = json.loads(await asyncio.wait_for(ws.recv(), quiet_s))
        except TimeoutError:
            return events
        if message["type"] == "event":
            events.append(message)


def _facts(event: dict[str, Any], actor: str) -> tuple:
    """What an event says, without the ids and times that differ between two comments; checks
    that it names the actor who made the change."""
    name, data = event["name"], event["data"]
    if "by" in data:
        assert data["by"] == actor, event
    if name == "comment.changed":
        return name, data["comment"]["state"], data["comment"]["item"]
    if name == "question.flagged":
        question = data["question"]
        return name, question["note"], question["open"], question["flagged_by"] == actor
    if name in ("question.closed", "question.reopened"):
        return name, data["state"]
    if name == "card.on_air":
        return name, data["layer"], data["template"], data["data"].get("answer"), data["comment"] is not None
    if name == "card.cleared":
        return name, tuple(data["layers"]), data["panic"]
    return (name,)


def _audit(session: ShowSession, seat: str, action: str) -> tuple:
    (row,) = _rows(session, "SELECT * FROM audit_log WHERE seat = ? AND action = ? ORDER BY id DESC"
                            " LIMIT 1", seat, action)
    after = json.loads(row["after"]) if row["after"] else None
    if isinstance(after, dict):
        after.pop("comment", None)
        after.pop("flag", None)
        if "data" in after:  # the two comments' own text and viewer differ
            after["data"] = {k: v for k, v in after["data"].items() if k not in ("question", "viewer")}
    return row["action"], row["role"], row["outcome"], row["before"] and json.loads(row["before"]), after


async def _prepare(session: ShowSession, action: str, comment: StoredComment) -> None:
    if action == "mark_answered":
        await session.pipeline.run_in_writer(set_state, comment.id, State.QUEUED, "setup")


def _fields(action: str, comment: StoredComment) -> dict[str, Any]:
    return {"flag": {"comment": comment.id, "note": "请专家看看"},
            "queue": {"comment": comment.id}, "dismiss": {"comment": comment.id},
            "mark_answered": {"comment": comment.id},
            "triage": {"comment": comment.id, "item": "DL05"},
            "take": {"comment": comment.id, "answer": "可以在交管12123办理"}}[action]


@pytest.mark.asyncio
@pytest.mark.parametrize("action", ["flag", "queue", "dismiss", "mark_answered", "triage", "take"])
async def test_desk_and_seat_give_the_same_state_events_and_audit(desk, action) -> None:
    observer = await _seat(desk, "观察席", "presenter")
    officer = await _seat(desk, "李警官", "officer")
    results = {}
    for who in ("desk", "seat"):
        comment = await _submit(desk, "驾驶证到期了怎么换")
        await _prepare(desk, action, comment)
        await _drain(observer)
        fields = _fields(action, comment)
        if who == "desk":
            assert await desk.act(Request(Action(action), "d1", **fields)) is not None
            actor = desk.actor.name
        else:
            reply, _ = await request(officer, action, rid="s1", **fields)
            assert reply["type"] == "ok", reply
            actor = "李警官"
        events = await _drain(observer)
        if action == "take":  # the card off again: the comment counts as answered
            if who == "desk":
                assert await desk.act(Request(Action.CLEAR, "d2", layer="qa")) is not None
            else:
                reply, _ = await request(officer, "clear", rid="s2", layer="qa")
                assert reply["type"] == "ok", reply
            events += await _drain(observer)
        (row,) = _rows(desk, "SELECT state, item, is_question FROM comments WHERE id = ?", comment.id)
        flags = _rows(desk, "SELECT closed_ms IS NULL AS open FROM expert_flags WHERE comment_id = ?",
                      comment.id)
        audit = _audit(desk, actor, action)
        results[who] = (row, flags, [_facts(e, actor) for e in events], audit)
    assert results["desk"][0] == results["seat"][0]  # stored state
    assert results["desk"][1] == results["seat"][1]  # the expert flag
    assert results["desk"][2] == results["seat"][2]  # what every seat is told
    assert results["desk"][3][0] == action and results["desk"][3][1:] == results["seat"][3][1:]
    for ws in (observer, officer):
        await ws.close()


@pytest.mark.asyncio
async def test_every_role_and_action_is_decided_by_the_table_for_the_desk_too(desk) -> None:
    """Every role x action cell, through the desk's own entry (``ShowSession.act``)."""
    refusals: list[str] = []
    desk.actionFailed.connect(refusals.append)
    for role in ROLES:
        desk.actor = Actor.of(f"desk-{role}", role)
        for action in ACTIONS:
            comment = await _submit(desk, "驾驶证到期了怎么换")
            fields: dict[str, Any] = {"comment": comment.id}
            if action == "answer":
                await desk.pipeline.run_in_writer(experts.flag_question, comment.id, "", "setup")
                fields["text"] = "可以在浙里办换领"
            elif action == "mark_answered":
                await desk.pipeline.run_in_writer(set_state, comment.id, State.QUEUED, "setup")
            elif action == "triage":
                fields["item"] = "DL05"
            elif action in ("update", "clear"):
                desk.program.take("lower_third", desk.renderer.render("lower_third", {"name": "张"}))
                fields = {"layer": "lower_third", "data": {"name": "李警官"}}
            elif action == "confirm":
                (entry,) = _rows(desk, "SELECT id FROM kb_entries WHERE status = 'draft' LIMIT 1")
                fields["entry"] = entry["id"]
            elif action == "panic":
                fields = {}
            elif action == "source":
                fields = {"source": f"test:{role}"}
            (before,) = _rows(desk, "SELECT state FROM comments WHERE id = ?", comment.id)
            on_air_before = {k: v.data for k, v in desk.program.on_air().items()}
            failed_before = len(refusals)
            result = await desk.act(Request(Action(action), f"{role}-{action}", **fields))
            (audit,) = _rows(desk, "SELECT seat, role, action, outcome FROM audit_log "
                                   "ORDER BY id DESC LIMIT 1")
            assert (audit["seat"], audit["role"], audit["action"]) == (f"desk-{role}", role, action)
            if allowed(role, action):
                assert result is not None and audit["outcome"] == "ok", (role, action, refusals[-1:])
            else:
                assert result is None and audit["outcome"] == "forbidden", (role, action)
                assert len(refusals) == failed_before + 1
                (after,) = _rows(desk, "SELECT state FROM comments WHERE id = ?", comment.id)
                assert after == before  # a refused action changes nothing
                assert {k: v.data for k, v in desk.program.on_air().items()} == on_air_before
            desk.program.panic()


@pytest.mark.asyncio
async def test_the_desks_panic_is_synchronous_and_audited(desk) -> None:
    comment = await _submit(desk, "违章罚款在哪里交")
    assert await desk.take_question(comment)
    desk.panic()
    assert desk.program.on_air() == {} and desk.on_air is None  # before any await
    await desk.actions.stop()  # lets the background release and audit finish
    (row,) = _rows(desk, "SELECT state FROM comments WHERE id = ?", comment.id)
    assert row["state"] == "answered"
    assert [r["outcome"] for r in _rows(desk, "SELECT outcome FROM audit_log WHERE action = 'panic'"
                                               " AND seat = '张警官'")] == ["ok"]
