"""The foundation slice without widgets: comment in, card on the program, card off."""

from __future__ import annotations

import asyncio

import numpy as np
import pytest

from videohelp.console.session import SessionOptions, ShowSession
from videohelp.core.paths import data_paths
from videohelp.core.settings import Settings
from videohelp.core.store import Store
from videohelp.queue.comments import IncomingComment, State
from videohelp.queue.simulator import CommentSimulator


@pytest.fixture
def session(qloop, data_dir):
    settings = Settings()
    for name, value in (("program.width", 640), ("program.height", 360), ("program.fps", 25)):
        settings.set(name, value)
    session = ShowSession(data_paths(data_dir), settings, SessionOptions(actor="tester"))
    qloop.run_until_complete(session.start())
    yield session
    qloop.run_until_complete(session.stop())


def _comment(msg_id: str, text: str, name: str = "杭州小王") -> IncomingComment:
    return IncomingComment("douyin", msg_id, "u1", name, text, 1_700_000_000_000)


def test_a_simulated_comment_reaches_the_store_and_the_feed(session, qloop, qtbot, data_dir) -> None:
    comment = CommentSimulator(seed=7).make()
    with qtbot.waitSignal(session.feed.commentsAdded, timeout=2000) as blocker:
        qloop.run_until_complete(session.pipeline.submit([comment]))
    (stored,) = blocker.args[0]
    assert stored.text == comment.text
    store = Store(data_paths(data_dir).database)
    row = store.conn.execute("SELECT * FROM comments WHERE msg_id = ?", (comment.msg_id,)).fetchone()
    assert row["text"] == comment.text and row["state"] == "new"
    store.close()


def test_resubmitting_the_same_id_stores_once(session, qloop) -> None:
    first = qloop.run_until_complete(session.pipeline.submit([_comment("m1", "驾照丢了怎么补")]))
    again = qloop.run_until_complete(session.pipeline.submit([_comment("m1", "驾照丢了怎么补")]))
    assert len(first.stored) == 1 and first.duplicates == []
    assert again.stored == [] and again.duplicates == [("douyin", "m1")]


def _card_region_changes(session, qloop, comment) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    before = session.program.render_frame().copy()
    assert qloop.run_until_complete(session.take_question(comment))
    card = session.program.on_air()["qa"]
    during = session.program.render_frame().copy()
    qloop.run_until_complete(session.clear_question())
    after = session.program.render_frame().copy()
    width, height = card.size
    region = (slice(card.y, card.y + height), slice(card.x, card.x + width))
    return before[region], during[region], after[region]


def test_taking_a_card_changes_only_its_region_and_clearing_restores_it(session, qloop) -> None:
    result = qloop.run_until_complete(session.pipeline.submit([_comment("m2", "二手车过户要带什么")]))
    before, during, after = _card_region_changes(session, qloop, result.stored[0])
    assert np.abs(during.astype(int) - before.astype(int)).mean() > 20
    # The test pattern's clock ticks at the top; the card region holds no clock.
    assert np.array_equal(before, after)


def test_the_card_shows_masked_personal_data_only(session, qloop) -> None:
    text = "我手机13812345678车牌浙A12345怎么年检"
    stored = qloop.run_until_complete(session.pipeline.submit([_comment("m3", text)])).stored[0]
    qloop.run_until_complete(session.take_question(stored))
    card = session.program.on_air()["qa"]
    assert "13812345678" not in card.data["question"]
    assert "浙A12345" not in card.data["question"]
    assert card.data["viewer"] == "杭**王"


def test_state_changes_are_recorded_with_who_and_when(session, qloop, data_dir) -> None:
    stored = qloop.run_until_complete(session.pipeline.submit([_comment("m4", "怎么交罚款")])).stored[0]
    qloop.run_until_complete(session.take_question(stored))
    qloop.run_until_complete(session.clear_question())
    store = Store(data_paths(data_dir).database)
    history = store.conn.execute(
        "SELECT actor, from_state, to_state FROM comment_history WHERE comment_id = ? ORDER BY id",
        (stored.id,)).fetchall()
    assert [tuple(row) for row in history] == [("tester", "new", "on_air"),
                                               ("tester", "on_air", "answered")]
    store.close()


def test_a_blocked_comment_never_goes_on_air(qloop, data_dir, qtbot) -> None:
    settings = Settings()
    settings.set("ingest.blocklist", ["代办驾照"])
    session = ShowSession(data_paths(data_dir), settings)
    qloop.run_until_complete(session.start())
    try:
        stored = qloop.run_until_complete(
            session.pipeline.submit([_comment("m5", "低价代办驾照加微信")])).stored[0]
        assert stored.state == State.BLOCKED
        with qtbot.waitSignal(session.actionFailed, timeout=1000):
            assert not qloop.run_until_complete(session.take_question(stored))
        assert "qa" not in session.program.on_air()
    finally:
        qloop.run_until_complete(session.stop())


def test_panic_clears_everything_before_returning(session, qloop) -> None:
    stored = qloop.run_until_complete(session.pipeline.submit([_comment("m6", "科目三怎么约")])).stored[0]
    qloop.run_until_complete(session.take_question(stored))
    session.program.take("lower_third", session.renderer.render("lower_third", {"name": "张警官"}))
    session.panic()
    assert session.program.on_air() == {}
    qloop.run_until_complete(asyncio.sleep(0.05))
