"""The show's actions never walk a table that grows with the show.

A three-hour show stores about a million comments, their history, the audit of every action
and every card aired. Each action (the desk's, a seat's, automation's: one implementation)
is traced here and the plan of every statement it runs is read: a scan of one of those
tables fails. Measured a million comments in: the same 1.4-5.2 ms an action as on a fresh
store (docs/performance.md).
"""

from __future__ import annotations

import re
import time

import pytest
import pytest_asyncio

from tests.queue.plan_support import scans
from tests.queue.seat_support import small_settings
from videohelp.console.session import SessionOptions, ShowSession
from videohelp.core import store as store_module
from videohelp.core.paths import data_paths
from videohelp.core.roles import Action
from videohelp.core.store import Store
from videohelp.queue.comments import IncomingComment
from videohelp.queue.seat_protocol import Request

GROWING = ("comments", "comment_history", "platform_events", "card_log", "audit_log",
           "kb_airings", "expert_flags", "expert_answers", "answer_log", "pocket_plays")


def growing_scans(store: Store, statements: list[str]) -> list[tuple[str, list[str]]]:
    """The scans (``scans``) of tables that grow with the show, by name or by alias."""
    found = []
    for statement, plan in scans(store, statements):
        named = {alias or table: table for table, alias
                 in re.findall(r"\b(?:FROM|JOIN)\s+(\w+)(?:\s+(?:AS\s+)?(\w+))?", statement)}
        named.update({table: table for table in named.values()})
        if any(named.get(step.split()[1]) in GROWING for step in plan if step.startswith("SCAN")):
            found.append((statement, plan))
    return found


@pytest_asyncio.fixture
async def traced_desk(qapp, tmp_path, monkeypatch):
    statements: list[str] = []
    opened = Store.__init__

    def tracing(self, *args, **kwargs) -> None:
        opened(self, *args, **kwargs)
        self.conn.set_trace_callback(statements.append)

    monkeypatch.setattr(store_module.Store, "__init__", tracing)
    session = ShowSession(data_paths(tmp_path / "data"), small_settings(), SessionOptions(
        actor="张警官", role="officer", listen=False, triage=False))
    await session.start()
    yield session, statements
    await session.stop()


@pytest.mark.asyncio
async def test_no_action_scans_what_grows_with_the_show(traced_desk) -> None:
    session, statements = traced_desk
    counter = iter(range(1, 100))

    async def comment() -> int:
        n = next(counter)
        result = await session.pipeline.submit([IncomingComment(
            "douyin", f"m{n}", f"u{n}", f"观众{n}", f"驾驶证到期了怎么换 {n}",
            int(time.time() * 1000))])
        return result.stored[0].id

    statements.clear()
    for action, fields in (("flag", {"note": "请专家看看"}), ("queue", {}), ("dismiss", {}),
                           ("triage", {"item": "DL05"})):
        assert await session.act(Request(Action(action), action, comment=await comment(),
                                         **fields)) is not None
    queued = await comment()
    assert await session.act(Request(Action.QUEUE, "q", comment=queued)) is not None
    assert await session.act(Request(Action.MARK_ANSWERED, "a", comment=queued)) is not None
    assert await session.act(Request(Action.TAKE, "t", comment=await comment(),
                                     answer="可以在交管12123办理")) is not None
    assert await session.act(Request(Action.CLEAR, "c", layer="qa")) is not None
    assert await session.act(Request(Action.PANIC, "p")) is not None

    # The writer thread's statements were traced (the actions' state changes among them).
    assert any(s.startswith("UPDATE comments SET state") for s in statements)
    store = Store(session.paths.database)
    try:
        assert growing_scans(store, statements) == []
        # The check sees through an alias (as triage's repeat lookup had it, before its index).
        walked = "SELECT c.id FROM comments c JOIN comments o ON o.id = c.repeat_of WHERE c.text = 'x'"
        assert [statement for statement, _ in growing_scans(store, [walked])] == [walked]
    finally:
        store.close()
