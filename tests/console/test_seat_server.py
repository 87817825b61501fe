"""The /seat endpoint for real: a console on 127.0.0.1, clients over loopback sockets."""

from __future__ import annotations

import asyncio
import gc
import json
import socket
import time

import pytest
import pytest_asyncio
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidMessage, InvalidStatus

from tests.queue.seat_support import SeatConsole, recv, recv_until, request, start_console
from videohelp.console.cli import main as cli_main
from videohelp.console.seat_client import SeatClient, SeatRefused, SeatRequestError
from videohelp.console.seat_connection import CLOSE_LAGGING, CLOSE_REVOKED, HubLimits
from videohelp.console.seat_server import desk_seat
from videohelp.core import seats, tls
from videohelp.core.backoff import Backoff
from videohelp.core.knowledge import KnowledgeBase
from videohelp.core.roles import ACTIONS, ROLES, Action, allowed
from videohelp.core.seats import Seat
from videohelp.core.store import Store
from videohelp.queue import experts
from videohelp.queue.comments import State
from videohelp.queue.seat_protocol import Request

PHONE = "13812345678"


@pytest_asyncio.fixture
async def console(qapp, tmp_path):
    console = await start_console(tmp_path)
    yield console
    await console.stop()


def _store_rows(console: SeatConsole, sql: str, *args) -> list:
    store = Store(console.database)
    try:
        return [dict(row) for row in store.conn.execute(sql, args)]
    finally:
        store.close()


# -- who gets in ------------------------------------------------------------------------------
@pytest.mark.asyncio
async def test_missing_wrong_and_revoked_tokens_are_refused_with_401(console) -> None:
    token = console.add_seat("李专家", "expert")
    for bad in (None, "", "vhs_wrong", token + "x", token.upper()):
        with pytest.raises(InvalidStatus) as caught:
            await console.connect(bad)
        assert caught.value.response.status_code == 401
    ws = await console.connect(token)
    snapshot = await recv(ws)
    assert snapshot["type"] == "snapshot" and snapshot["seat"] == {"name": "李专家", "role": "expert"}
    await ws.close()
    console.revoke("李专家")  # as `videohelp seat revoke` does, from another connection
    with pytest.raises(InvalidStatus) as caught:
        await console.connect(token)
    assert caught.value.response.status_code == 401


@pytest.mark.asyncio
async def test_only_the_hash_of_a_token_is_stored(console) -> None:
    token = console.add_seat("导播", "producer")
    raw = console.database.read_bytes() + console.database.with_name(
        console.database.name + "-wal").read_bytes()
    assert token.encode() not in raw
    (row,) = _store_rows(console, "SELECT token_hash FROM seats WHERE name = '导播'")
    assert row["token_hash"] == seats.hash_token(token)


@pytest.mark.asyncio
async def test_revoking_a_connected_seat_disconnects_it(console) -> None:
    token = console.add_seat("stream-deck", "automation")
    ws = await console.connect(token)
    await recv(ws)
    started = time.monotonic()
    console.revoke("stream-deck")
    with pytest.raises(ConnectionClosed) as caught:
        async with asyncio.timeout(3):
            while True:
                await ws.recv()
    assert caught.value.rcvd is not None and caught.value.rcvd.code == CLOSE_REVOKED
    assert time.monotonic() - started < 1.5  # poll interval 0.2 s in this console
    # Revoked from this process (the desk): dropped at once, no poll needed.
    ws = await console.connect(console.add_seat("导播", "producer"))
    await recv(ws)
    seat = await console.hub.revoke("导播")
    assert not seat.active
    with pytest.raises(ConnectionClosed) as caught:
        async with asyncio.timeout(1):
            while True:
                await ws.recv()
    assert caught.value.rcvd is not None and caught.value.rcvd.code == CLOSE_REVOKED


@pytest.mark.asyncio
async def test_the_control_token_is_an_automation_seat(console) -> None:
    console.hub.directory.add_static("control", "automation", "s3cret-control-token")
    ws = await console.connect("s3cret-control-token")
    snapshot = await recv(ws)
    assert snapshot["seat"] == {"name": "control", "role": "automation"}
    assert snapshot["actions"] == ["take", "update", "clear", "panic", "source"]
    reply, _ = await request(ws, "take", template="lower_third", data={"name": "张警官"})
    # The reply of the issue-6 control channel, unchanged: `videohelp card` keeps working.
    assert reply == {"type": "ok", "rid": "r", "layer": "lower_third", "on_air": ["lower_third"]}
    assert "lower_third" in console.program.on_air()
    reply, _ = await request(ws, "flag", rid="f", comment=1)
    assert reply["code"] == "forbidden"
    await ws.close()
    # Garbage from earlier tests (QObjects with timers) must not be collected in the CLI's thread.
    gc.collect()
    code = await asyncio.to_thread(
        cli_main, ["card", "take", "--url", f"ws://127.0.0.1:{console.server.port}", "--token",
                   "s3cret-control-token", "--template", "lower_third", "--layer", "host",
                   "--data", json.dumps({"name": "李警官"}, ensure_ascii=False)])
    assert code == 0 and console.program.on_air()["host"].data["name"] == "李警官"
    code = await asyncio.to_thread(
        cli_main, ["card", "clear", "--url", f"ws://127.0.0.1:{console.server.port}", "--token",
                   "wrong", "--layer", "host"])
    assert code == 1 and "host" in console.program.on_air()


# -- what each role may do ----------------------------------------------------------------------
async def _prepare(console: SeatConsole, action: str) -> dict:
    """Fields of a valid request for ``action``, with the show in a state where it can succeed."""
    (comment,) = await console.submit(f"驾驶证到期了怎么换 {action} {time.monotonic_ns()}")
    if action == "answer":
        await console.pipeline.run_in_writer(experts.flag_question, comment.id, "", "officer")
        return {"comment": comment.id, "text": "可以在浙里办换领"}
    if action in ("update", "clear"):
        console.program.take("lower_third", console.renderer.render("lower_third", {"name": "张"}))
        return {"layer": "lower_third", "data": {"name": "李警官"}} if action == "update" else \
            {"layer": "lower_third"}
    if action == "mark_answered":  # answered without airing: from the queue
        from videohelp.queue.comments import State
        from videohelp.queue.persist import set_state

        await console.pipeline.run_in_writer(set_state, comment.id, State.QUEUED, "officer")
    if action == "confirm":
        (row,) = _store_rows(console, "SELECT id FROM kb_entries WHERE status = 'draft' LIMIT 1")
        return {"comment": comment.id, "entry": row["id"]}
    return {"flag": {"comment": comment.id, "note": "请看"}, "triage": {"comment": comment.id,
                                                                       "item": "DL05"},
            "mark_answered": {"comment": comment.id},
            "queue": {"comment": comment.id}, "dismiss": {"comment": comment.id},
            "take": {"comment": comment.id}, "panic": {},
            "source": {"source": "test:SEAT"}}[action]


@pytest.mark.asyncio
async def test_every_action_is_checked_against_every_role(console) -> None:
    clients = {}
    for role in ROLES:
        clients[role] = await console.connect(console.add_seat(f"seat-{role}", role))
        assert (await recv(clients[role]))["type"] == "snapshot"
    for role in ROLES:
        for action in ACTIONS:
            fields = await _prepare(console, action)
            on_air_before = {k: v.data for k, v in console.program.on_air().items()}
            rid = f"{role}-{action}"
            reply, _ = await request(clients[role], action, rid=rid, **fields)
            if allowed(role, action):
                assert reply["type"] == "ok", (role, action, reply)
            else:
                assert reply == {"type": "error", "rid": rid, "code": "forbidden",
                                 "message": f"role {role} may not {action}"}
                # A refused action changes nothing.
                assert {k: v.data for k, v in console.program.on_air().items()} == on_air_before
                if "comment" in fields:
                    (row,) = _store_rows(console, "SELECT state FROM comments WHERE id = ?",
                                         fields["comment"])
                    assert row["state"] in ("new", "flagged", "queued"), (role, action)
    audit = _store_rows(console, "SELECT seat, role, action, outcome FROM audit_log WHERE role != 'admin'")
    assert len(audit) == len(ROLES) * len(ACTIONS)  # every attempt, allowed or not, audited
    for row in audit:
        assert row["outcome"] == ("ok" if allowed(row["role"], row["action"]) else "forbidden"), row
    for ws in clients.values():
        await ws.close()


@pytest.mark.asyncio
async def test_only_the_officer_sees_personal_data(console) -> None:
    officer = await console.connect(console.add_seat("张警官", "officer"))
    presenter = await console.connect(console.add_seat("主持人", "presenter"))
    await recv(officer)
    await recv(presenter)
    await console.submit(f"我电话{PHONE}驾照扣分怎么查", user="杭州小王")
    seen_officer, _ = await recv_until(officer, "event", "comment.added")
    seen_presenter, _ = await recv_until(presenter, "event", "comment.added")
    assert seen_officer["data"]["comments"][0]["text"].endswith("驾照扣分怎么查")
    assert PHONE in json.dumps(seen_officer, ensure_ascii=False)
    assert PHONE not in json.dumps(seen_presenter, ensure_ascii=False)
    assert "杭州小王" not in json.dumps(seen_presenter, ensure_ascii=False)
    assert seen_presenter["data"]["comments"][0]["viewer_masked"] == "杭**王"
    late = await console.connect(console.add_seat("导播", "producer"))
    snapshot = await recv(late)
    assert PHONE not in json.dumps(snapshot, ensure_ascii=False)
    assert snapshot["comments"][-1]["text_masked"].startswith("我电话138****5678")
    for ws in (officer, presenter, late):
        await ws.close()


# -- the expert group ---------------------------------------------------------------------------
@pytest.mark.asyncio
async def test_two_experts_answer_the_same_question_both_kept_first_shown(console) -> None:
    KnowledgeBase.open(console.database).close()  # seeds the catalog and the shipped answers
    officer = await console.connect(console.add_seat("张警官", "officer"))
    experts_ws = [await console.connect(console.add_seat(name, "expert")) for name in ("李专家", "王专家")]
    for ws in (officer, *experts_ws):
        await recv(ws)
    (comment,) = await console.submit(f"我的驾驶证下个月到期，电话{PHONE}，在外地能换吗")
    reply, _ = await request(officer, "triage", comment=comment.id, item="DL03")
    assert reply["type"] == "ok"
    reply, _ = await request(officer, "flag", rid="f1", comment=comment.id,
                             note=f"观众留了电话{PHONE}，请答异地换证")
    assert reply == {"type": "ok", "rid": "f1"}
    for ws in experts_ws:
        flagged, skipped = await recv_until(ws, "event", "question.flagged")
        assert not any(m.get("name", "").startswith("comment.") for m in skipped)  # no raw feed
        question = flagged["data"]["question"]
        assert question["comment"]["id"] == comment.id and question["item"] == "DL03"
        assert question["note"].startswith("观众留了电话138****5678")
        assert PHONE not in json.dumps(flagged, ensure_ascii=False)
        assert question["suggestions"] and all(s["item"] == "DL03" for s in question["suggestions"])
    first, _ = await request(experts_ws[0], "answer", rid="a1", comment=comment.id,
                             text="可以，全国通办，带身份证到任一车管所或用交管12123申请。")
    second, _ = await request(experts_ws[1], "answer", rid="a2", comment=comment.id,
                              text="可以异地换证。", save_kb=True)
    assert first["first"] is True and second["first"] is False and second["kb_entry"]
    answered = [(await recv_until(officer, "event", "question.answered"))[0] for _ in range(2)]
    assert [e["data"]["answer"]["expert"] for e in answered] == ["李专家", "王专家"]
    assert [e["data"]["first"] for e in answered] == [True, False]
    late = await console.connect(console.add_seat("导播", "producer"))
    (question,) = [q for q in (await recv(late))["questions"] if q["comment"]["id"] == comment.id]
    assert question["answer"]["expert"] == "李专家" and len(question["answers"]) == 2
    rows = _store_rows(console, "SELECT expert, flagged_ms, answered_ms FROM expert_answers "
                                "WHERE comment_id = ? ORDER BY id", comment.id)
    assert [r["expert"] for r in rows] == ["李专家", "王专家"]
    assert all(r["answered_ms"] >= r["flagged_ms"] for r in rows)
    store = Store(console.database)
    times = experts.response_times(store)
    draft = KnowledgeBase(store).get(second["kb_entry"])
    store.close()
    assert set(times) == {"李专家", "王专家"} and times["李专家"]["answers"] == 1
    assert draft.status == "draft" and draft.item == "DL03" and draft.full_answer == "可以异地换证。"
    # The studio edits the first answer and puts it on air as an expert card.
    reply, _ = await request(officer, "take", rid="t", comment=comment.id, template="expert",
                             answer_id=first["answer_id"], answer="可以，全国通办。")
    assert reply["type"] == "ok", reply
    card = console.program.on_air()["qa"]
    assert card.template == "expert"
    assert (card.data["name"], card.data["answer"]) == ("李专家", "可以，全国通办。")
    assert PHONE not in card.data["question"]
    on_air, _ = await recv_until(experts_ws[0], "event", "card.on_air")
    assert on_air["data"]["comment"] == comment.id and on_air["data"]["by"] == "张警官"
    (aired,) = _store_rows(console, "SELECT aired_text, aired_by FROM expert_answers WHERE id = ?",
                           first["answer_id"])
    assert aired == {"aired_text": "可以，全国通办。", "aired_by": "张警官"}
    for ws in (officer, late, *experts_ws):
        await ws.close()


@pytest.mark.asyncio
async def test_refused_actions_change_nothing_and_say_why(qapp, tmp_path) -> None:
    console = await start_console(tmp_path, blocklist=("代办驾照",))
    try:
        officer = await console.connect(console.add_seat("张警官", "officer"))
        expert = await console.connect(console.add_seat("李专家", "expert"))
        await recv(officer)
        await recv(expert)
        normal, blocked = await console.submit("科目三怎么预约", "低价代办驾照加微信")
        assert blocked.state == State.BLOCKED
        cases = [
            (expert, "answer", {"comment": normal.id, "text": "答"}, "not_flagged"),
            (officer, "take", {"comment": blocked.id}, "blocked"),
            (officer, "take", {"template": "nope", "data": {}}, "bad_card"),
            (officer, "take", {"template": "qa", "data": {"answer": "缺问题"}}, "bad_card"),
            (officer, "triage", {"comment": normal.id, "item": "XX99"}, "unknown_item"),
            (officer, "queue", {"comment": 999_999}, "not_found"),
            (officer, "take", {"comment": normal.id, "template": "lower_third"}, "bad_card"),
            (officer, "update", {"layer": "qa", "data": {"answer": "x"}}, "not_found"),
            (officer, "flag", {"comment": blocked.id}, "bad_state"),
        ]
        for n, (ws, action, fields, code) in enumerate(cases):
            reply, _ = await request(ws, action, rid=f"c{n}", **fields)
            assert (reply["type"], reply["code"]) == ("error", code), (action, fields, reply)
            assert reply["rid"] == f"c{n}" and reply["message"]
        assert console.program.on_air() == {}
        states = {r["id"]: r["state"] for r in _store_rows(console, "SELECT id, state FROM comments")}
        assert states == {normal.id: "new", blocked.id: "blocked"}
        await officer.send("{oops")
        assert (await recv_until(officer, "error"))[0]["code"] == "bad_json"
        reply, _ = await request(officer, "queue", rid="still-open", comment=normal.id)
        assert reply["type"] == "ok"  # the connection survived all of that
        outcomes = [r["outcome"] for r in _store_rows(
            console, "SELECT outcome FROM audit_log WHERE role != 'admin' ORDER BY id")]
        assert outcomes == [code for *_, code in cases] + ["ok"]
        for ws in (officer, expert):
            await ws.close()
    finally:
        await console.stop()


@pytest.mark.asyncio
async def test_the_audit_log_has_seat_role_time_before_and_after(console) -> None:
    presenter = await console.connect(console.add_seat("主持人", "presenter"))
    await recv(presenter)
    (comment,) = await console.submit("电动车上牌去哪里")
    started = int(time.time() * 1000)
    await request(presenter, "flag", rid="a", comment=comment.id, note="请专家")
    await request(presenter, "take", rid="b", template="lower_third", data={"name": "张警官"})
    await request(presenter, "update", rid="c", layer="lower_third", data={"name": "李警官"})
    rows = _store_rows(console, "SELECT * FROM audit_log WHERE seat = '主持人' ORDER BY id")
    assert [(r["action"], r["role"], r["rid"], r["outcome"]) for r in rows] == [
        ("flag", "presenter", "a", "ok"), ("take", "presenter", "b", "ok"),
        ("update", "presenter", "c", "ok")]
    assert all(started - 1000 <= r["at_ms"] <= time.time() * 1000 for r in rows)
    flag, take, update = ({k: json.loads(r[k]) if r[k] else None for k in ("before", "after")}
                          for r in rows)
    assert flag["before"] == {"state": "new"} and flag["after"]["state"] == "flagged"
    assert take["before"] is None and take["after"]["data"] == {"name": "张警官"}
    assert update["before"]["data"] == {"name": "张警官"} and update["after"]["data"] == {"name": "李警官"}
    await presenter.close()


# -- resume ---------------------------------------------------------------------------------------
async def _make_changes(console: SeatConsole, officer: Seat) -> list[int]:
    """Comments added, one flagged, a card on and off: what a disconnected seat misses."""
    comments = await console.submit("驾照扣分怎么查", "年检预约", "违章怎么处理")
    reply = await console.hub.perform(officer, Request(Action.FLAG, "x1", comment=comments[0].id))
    assert reply["type"] == "ok"
    reply = await console.hub.perform(officer, Request(
        Action.TAKE, "x2", layer="lower_third", template="lower_third", data={"name": "张警官"},
        raw={"type": "take", "template": "lower_third", "data": {"name": "张警官"}}))
    assert reply["type"] == "ok", reply
    console.program.clear("lower_third")
    return [c.id for c in comments]


@pytest.mark.asyncio
async def test_a_seat_that_drops_resumes_with_everything_it_missed(console) -> None:
    officer = desk_seat("officer", "张警官")
    token = console.add_seat("主持人", "presenter")
    ws = await console.connect(token)
    snapshot = await recv(ws)
    since, epoch = snapshot["seq"], snapshot["epoch"]
    assert console.hub.disconnect("主持人", CLOSE_LAGGING, "test: forced") == 1
    with pytest.raises(ConnectionClosed):
        async with asyncio.timeout(3):
            while True:
                await ws.recv()
    ids = await _make_changes(console, officer)
    ws = await console.connect(token, since=since, epoch=epoch)
    resume = await recv(ws)
    assert resume["type"] == "resume" and resume["since"] == since and resume["epoch"] == epoch
    missed = [await recv(ws) for _ in range(resume["missed"])]
    seqs = [m["seq"] for m in missed]
    assert seqs == list(range(since + 1, since + 1 + len(missed)))  # nothing skipped, in order
    names = [m["name"] for m in missed]
    for name in ("comment.added", "comment.changed", "question.flagged", "card.on_air", "card.cleared"):
        assert name in names
    added = {c["id"] for m in missed if m["name"] == "comment.added" for c in m["data"]["comments"]}
    assert set(ids) <= added
    assert seqs[-1] <= console.hub.state.log.last_seq
    # Live events continue after the replay, numbered on.
    await console.submit("还有一个问题")
    live, _ = await recv_until(ws, "event", "comment.added")
    assert live["seq"] > seqs[-1]
    await ws.close()


@pytest.mark.asyncio
async def test_a_seat_too_far_behind_or_from_another_run_gets_a_fresh_snapshot(qapp, tmp_path) -> None:
    console = await start_console(tmp_path, replay_events=3)
    try:
        token = console.add_seat("导播", "producer")
        ws = await console.connect(token)
        snapshot = await recv(ws)
        await ws.close()
        ids = await _make_changes(console, desk_seat("officer"))  # more than 3 events
        for query in ({"since": snapshot["seq"], "epoch": snapshot["epoch"]},
                      {"since": snapshot["seq"], "epoch": "another-run"}):
            ws = await console.connect(token, **query)
            fresh = await recv(ws)
            assert fresh["type"] == "snapshot"
            joined = await recv(ws)  # its own arrival, numbered right after the snapshot
            assert (joined["name"], joined["seq"]) == ("seat.joined", fresh["seq"] + 1)
            assert set(ids) <= {c["id"] for c in fresh["comments"]}
            (flagged,) = [q for q in fresh["questions"] if q["comment"]["id"] == ids[0]]
            assert flagged["open"] and flagged["comment"]["state"] == "flagged"
            assert fresh["on_air"] == {}  # the lower third went on and off while it was away
            await ws.close()
    finally:
        await console.stop()


@pytest.mark.asyncio
async def test_the_client_reconnects_by_itself_and_resyncs(console) -> None:
    token = console.add_seat("主持人", "presenter")
    received: list[dict] = []
    client = SeatClient(console.url(), token, on_message=received.append,
                        backoff=Backoff(initial=0.05, maximum=0.2, jitter=0))
    runner = asyncio.ensure_future(client.run())
    try:
        await client.wait_online()
        assert received[0]["type"] == "snapshot"
        console.hub.disconnect("主持人", CLOSE_LAGGING, "test: forced")
        ids = await _make_changes(console, desk_seat("officer"))
        async with asyncio.timeout(5):
            while client.last_seq != console.hub.state.log.last_seq:
                await asyncio.sleep(0.02)
        assert client.connections == 2
        assert any(m["type"] == "resume" for m in received)
        events = [m for m in received if m["type"] == "event"]
        assert [e["seq"] for e in events] == sorted({e["seq"] for e in events})  # no duplicates
        added = {c["id"] for e in events if e["name"] == "comment.added" for c in e["data"]["comments"]}
        assert set(ids) <= added
        reply = await client.request("queue", comment=ids[1])
        assert reply["type"] == "ok"
        with pytest.raises(SeatRequestError) as refused:
            await client.request("triage", comment=ids[1], item="DL03")
        assert refused.value.code == "forbidden"
    finally:
        await client.close()
        await asyncio.wait_for(runner, 5)


# -- a slow seat --------------------------------------------------------------------------------
SLOW_SEAT_BOUND_S = 0.25  # docs/protocol.md: other seats' events while one seat is stuck


@pytest.mark.asyncio
async def test_a_seat_that_stops_reading_does_not_delay_the_others(qapp, tmp_path) -> None:
    # One comment.added per commit (added_batch_s=0): 80 events to overflow the stuck seat.
    limits = HubLimits(queue_events=50, send_timeout_s=5.0, poll_s=0.2, socket_send_buffer=16 * 1024,
                       added_batch_s=0.0)
    console = await start_console(tmp_path, limits=limits)
    published: dict[int, float] = {}
    console.hub.add_listener(lambda event: published.setdefault(event.seq, time.monotonic()))
    try:
        slow_token, fast_token = console.add_seat("慢", "presenter"), console.add_seat("快", "presenter")
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.connect(("127.0.0.1", console.server.port))
        sock.setblocking(False)
        # max_queue=1 and no recv(): the client library stops reading the socket at once.
        slow = await connect(console.url(), sock=sock, max_queue=1, compression=None, max_size=None,
                             additional_headers={"Authorization": f"Bearer {slow_token}"})
        fast = await console.connect(fast_token)
        snapshot = await recv(fast)
        latencies: list[float] = []

        async def read_fast() -> None:
            async for raw in fast:
                message = json.loads(raw)
                if message["type"] == "event" and message["seq"] in published:
                    latencies.append(time.monotonic() - published[message["seq"]])

        reader = asyncio.ensure_future(read_fast())
        text = "驾驶证到期了在外地怎么换，需要带什么材料，能不能在网上办理？" * 8
        for batch in range(80):  # ~80 events of ~10 kB: far more than the stuck seat may hold
            await console.submit(*[f"{text}{batch}-{n}" for n in range(20)])
        async with asyncio.timeout(5):
            while len(latencies) < len(published) - 1 or "慢" in console.hub.online:
                await asyncio.sleep(0.05)
        reader.cancel()
        assert "慢" not in console.hub.online and "快" in console.hub.online  # dropped, not waited for
        assert len(latencies) >= 80
        assert max(latencies) < SLOW_SEAT_BOUND_S, sorted(latencies)[-5:]
        # The dropped seat reconnects and resyncs from where it was.
        again = await console.connect(slow_token, since=snapshot["seq"], epoch=snapshot["epoch"])
        resume = await recv(again)
        assert resume["type"] == "resume"
        missed = [await recv(again) for _ in range(resume["missed"])]
        added = sum(len(m["data"]["comments"]) for m in missed if m["name"] == "comment.added")
        assert added == 80 * 20
        await again.close()
        await fast.close()
        slow.transport.abort()  # it never reads: a closing handshake would only time out
    finally:
        await console.stop()


# -- TLS ------------------------------------------------------------------------------------------
@pytest.mark.asyncio
async def test_tls_with_a_generated_certificate_and_a_pinned_fingerprint(qapp, tmp_path) -> None:
    cert, key = tls.generate_certificate(tmp_path / "tls", ["127.0.0.1"])
    fingerprint = tls.fingerprint_file(cert)
    console = await start_console(tmp_path, ssl_context=tls.server_context(cert, key))
    handshakes = []
    authenticate = console.hub.directory.authenticate
    console.hub.directory.authenticate = lambda token: handshakes.append(token) or authenticate(token)
    try:
        token = console.add_seat("李专家", "expert")
        url = console.url()
        assert url.startswith("wss://")
        client = SeatClient(url, token, fingerprint=fingerprint.replace(":", "").lower())
        runner = asyncio.ensure_future(client.run())
        await client.wait_online()
        assert client.snapshot is not None and client.snapshot["seat"]["name"] == "李专家"
        await client.close()
        await asyncio.wait_for(runner, 5)
        assert handshakes == [token]
        # Another certificate's fingerprint: refused before the token is ever sent.
        wrong = SeatClient(url, token, fingerprint="AB" * 32)
        with pytest.raises(SeatRefused, match="not the pinned"):
            await asyncio.wait_for(wrong.run(), 5)
        # No pin: the system's CAs do not know a generated certificate.
        unpinned = SeatClient(url, token)
        with pytest.raises(SeatRefused, match="certificate"):
            await asyncio.wait_for(unpinned.run(), 5)
        assert handshakes == [token]
        with pytest.raises((ConnectionClosed, InvalidMessage, OSError)):  # plain ws:// to a TLS port
            await connect(url.replace("wss://", "ws://"), open_timeout=3,
                          additional_headers={"Authorization": f"Bearer {token}"})
    finally:
        await console.stop()


@pytest.mark.asyncio
async def test_a_flooding_seat_is_rate_limited_and_told_so(console) -> None:
    ws = await console.connect(console.add_seat("stream-deck", "automation"))
    await recv(ws)
    for n in range(100):  # far over the burst, faster than the sustained rate
        await ws.send(json.dumps({"type": "ping", "rid": f"p{n}"}))
    replies = []
    while len(replies) < 100:
        message = await recv(ws)
        if message["type"] in ("ok", "error"):
            replies.append(message)
    limited = [r for r in replies if r["type"] == "error"]
    assert limited and all(r["code"] == "rate_limited" for r in limited)
    assert {r["rid"] for r in replies} == {f"p{n}" for n in range(100)}  # every one answered, by rid
    assert sum(r["type"] == "ok" for r in replies) >= HubLimits().request_burst
    await ws.close()


@pytest.mark.asyncio
async def test_a_producer_seat_cuts_the_source_and_every_desk_hears_it(console) -> None:
    producer = await console.connect(console.add_seat("制片", "producer"))
    officer = await console.connect(console.add_seat("张警官", "officer"))
    expert = await console.connect(console.add_seat("李专家", "expert"))
    for ws in (producer, officer, expert):
        assert (await recv(ws))["type"] == "snapshot"
    key = "rtmp://127.0.0.1:1/live/SECRET-KEY"
    reply, before = await request(producer, "source", rid="s1", source=key)
    assert reply == {"type": "ok", "rid": "s1", "source": "rtmp://127.0.0.1:1/live/***",
                     "kind": "stream"}
    (event,) = [e for e in before if e.get("name") == "output.source"]  # before the reply
    assert event["data"] == {"source": "rtmp://127.0.0.1:1/live/***", "kind": "stream",
                             "by": "制片"}
    heard, _ = await recv_until(officer, "event", "output.source")
    assert heard["data"]["source"] == event["data"]["source"]
    refused, _ = await request(officer, "source", rid="s2", source="test")
    assert refused["code"] == "forbidden"
    bad, _ = await request(producer, "source", rid="s3", source="file:/nonexistent/x.mp4")
    assert bad["code"] == "bad_source" and "no such video file" in bad["message"]
    assert console.console.sources.current.spec == key
    audit = _store_rows(console, "SELECT action, outcome, target FROM audit_log"
                                 " WHERE action = 'source' ORDER BY id")
    assert [tuple(row.values()) for row in audit] == [
        ("source", "ok", "rtmp://127.0.0.1:1/live/***"), ("source", "forbidden", None),
        ("source", "bad_source", "file:x.mp4")]
    assert "SECRET" not in json.dumps(audit)
    for ws in (producer, officer, expert):
        await ws.close()
