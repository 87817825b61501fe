"""The desk is also the ingest server: a bridge's comments reach the desk's feed, repeats collapsed."""

from __future__ import annotations

import asyncio
import json
import time

import pytest
from websockets.asyncio.client import connect

from videohelp.console.session import SessionOptions, ShowSession
from videohelp.core.paths import data_paths
from videohelp.core.settings import Settings

TOKEN = "desk-douyin-token-1234"


@pytest.fixture
def desk(qloop, data_dir):
    settings = Settings()
    for name, value in (("program.width", 320), ("program.height", 180), ("program.fps", 10)):
        settings.set(name, value)
    session = ShowSession(data_paths(data_dir), settings, SessionOptions(
        listen=True, port=0, ingest_tokens={"douyin": TOKEN}))
    qloop.run_until_complete(session.start())
    yield session
    qloop.run_until_complete(session.stop())


def test_a_bridge_reaches_the_desk_feed_and_repeats_are_counted_not_listed(
        desk, qloop, run_until_signal) -> None:
    assert desk.server_error is None and desk.server.port != 0
    shown: list = []
    repeats: dict[int, int] = {}
    desk.feed.commentsAdded.connect(shown.extend)
    desk.repeatsAdded.connect(lambda counts: [repeats.__setitem__(k, repeats.get(k, 0) + v)
                                              for k, v in counts.items()])
    now = int(time.time() * 1000)
    items = [{"id": f"d{i}", "user": {"id": "same-viewer", "name": "王"}, "text": "驾照怎么换",
              "ts": now} for i in range(4)]
    items.append({"id": "other", "user": {"id": "v2", "name": "李"}, "text": "科目三", "ts": now})

    async def send() -> list[str]:
        async with connect(desk.server.url("/ingest"),
                           additional_headers={"Authorization": f"Bearer {TOKEN}"}) as ws:
            assert json.loads(await ws.recv())["type"] == "hello"
            await ws.send(json.dumps({"type": "batch", "items": items}, ensure_ascii=False))
            ids = json.loads(await asyncio.wait_for(ws.recv(), 5))["ids"]
        # Let the server side finish too while the loop runs: outside it (pytest-qt
        # processing events between tests) its last steps would find no running loop.
        while desk.ingest.stats["douyin"].connections:
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.2)
        return ids

    assert sorted(qloop.run_until_complete(send())) == ["d0", "d1", "d2", "d3", "other"]
    if len(shown) < 2:
        run_until_signal(desk.feed.commentsAdded, timeout=2.0)
    assert [c.msg_id for c in shown] == ["d0", "other"]
    assert repeats == {shown[0].id: 3}


def test_a_taken_port_does_not_stop_the_desk(qloop, data_dir, desk) -> None:
    taken = desk.server.port
    session = ShowSession(data_paths(data_dir / "second"), Settings(), SessionOptions(
        listen=True, port=taken))
    qloop.run_until_complete(session.start())
    try:
        assert session.server_error is not None and str(taken) in session.server_error
        assert not session.server.running
    finally:
        qloop.run_until_complete(session.stop())
