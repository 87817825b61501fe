"""Bridges that offer replies get off-air answers in place; others never do."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.queue.answering.support import ANSWERED_QUESTION, DRAFT_QUESTION, poll, prepare
from tests.queue.ingest_support import comment
from videohelp.console.answer_actions import answer_actions
from videohelp.console.wiring import standalone_actions
from videohelp.core.server import ConsoleServer
from videohelp.core.settings import Settings
from videohelp.queue.answering.clients import ClientRegistry
from videohelp.queue.answering.install import install_answers
from videohelp.queue.bridges.client import IngestClient
from videohelp.queue.ingest import IngestConfig, build_ingest, writer_from_settings
from videohelp.queue.pipeline import IngestPipeline

pytestmark = pytest.mark.asyncio
TOKENS = {"app": "app-token-0123456789", "douyin": "douyin-token-0123456789"}


async def test_only_an_opted_in_bridge_gets_replies_and_only_off_air(tmp_path: Path) -> None:
    paths = prepare(tmp_path / "data")
    settings = Settings(None)
    pipeline = IngestPipeline(writer_from_settings(paths.database, settings))
    server = ConsoleServer("127.0.0.1", 0)
    ingest = build_ingest(server, pipeline, IngestConfig(tokens=TOKENS))
    hook = install_answers(server, pipeline, paths, settings, ingest=ingest,
                           act=answer_actions(standalone_actions(pipeline, settings)),
                           clients=ClientRegistry(None))
    assert hook is not None and hook.replies is not None
    await pipeline.start()
    await hook.start()
    await server.start()
    replies: list[dict] = []
    app = IngestClient(server.url("/ingest"), TOKENS["app"], batch_size=1, on_reply=replies.append)
    douyin = IngestClient(server.url("/ingest"), TOKENS["douyin"], batch_size=1)
    try:
        for client in (app, douyin):
            client.start()
            await client.wait_connected()
        await app.send(comment("a1", ANSWERED_QUESTION, platform="app"))
        await app.send(comment("a2", DRAFT_QUESTION, platform="app", user="u2"))
        await douyin.send(comment("d1", ANSWERED_QUESTION, platform="douyin", user="u3"))
        await app.drain()
        await douyin.drain()
        await poll(lambda: replies, timeout=10)
        (reply,) = replies
        assert reply["type"] == "reply" and reply["id"] == "a1"
        assert reply["text"] == reply["answer"]["answer"]["short"]
        assert reply["answer"]["item"]["code"] == "DL03"
        await hook.service.wait_stored()
        rows = sqlite3.connect(paths.database).execute(
            "SELECT c.msg_id, c.state, a.answered, a.client FROM comments c"
            " LEFT JOIN answer_log a ON a.comment_id = c.id ORDER BY c.msg_id").fetchall()
        assert rows[:2] == [("a1", "answered", 1, "bridge:app"),
                            ("a2", "flagged", 0, "bridge:app")]
        assert rows[2][0] == "d1" and rows[2][2:] == (None, None)  # douyin did not opt in: left to the studio

        # A show on air: the studio answers; nothing is sent automatically.
        conn = sqlite3.connect(paths.database)
        conn.execute("INSERT INTO shows (started_ms, actor) VALUES (strftime('%s','now') * 1000,"
                     " 'desk')")
        conn.commit()
        conn.close()
        hook.service.recheck()
        await app.send(comment("a3", ANSWERED_QUESTION + "呢", platform="app", user="u4"))
        await app.drain()
        await hook.replies.idle()
        await hook.service.wait_stored()
        assert hook.service.on_air
        assert hook.replies.router.sent == 1 and len(replies) == 1
        state = sqlite3.connect(paths.database).execute(
            "SELECT state FROM comments WHERE msg_id = 'a3'").fetchone()
        assert state == ("new",)
    finally:
        await app.close()
        await douyin.close()
        await server.stop()
        await hook.stop()
        await pipeline.stop()
