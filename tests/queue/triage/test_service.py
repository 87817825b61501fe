"""Triage on the live path: off the main thread, written through the writer, learnt for good."""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from videohelp.console.demo import DemoDirector
from videohelp.console.session import SessionOptions, ShowSession
from videohelp.core.paths import data_paths
from videohelp.core.settings import Settings
from videohelp.core.store import Store
from videohelp.queue.comments import IncomingComment, State, StoredComment
from videohelp.queue.persist import CommentWriter
from videohelp.queue.pipeline import IngestPipeline
from videohelp.queue.triage.corpus import Knowledge
from videohelp.queue.triage.engine import TriageEngine
from videohelp.queue.triage.service import TriageService


def run_until(loop: asyncio.AbstractEventLoop, condition: Callable[[], bool],
              timeout: float = 60.0) -> None:
    async def wait() -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise TimeoutError("condition not met in time")
            await asyncio.sleep(0.02)
    loop.run_until_complete(wait())


def _comment(msg_id: str, text: str, user: str = "u1") -> IncomingComment:
    return IncomingComment("douyin", msg_id, user, f"观众{user}", text, 1_700_000_000_000)


def _session(data_dir: Path) -> ShowSession:
    settings = Settings()
    for name, value in (("program.width", 320), ("program.height", 180), ("program.fps", 10)):
        settings.set(name, value)
    return ShowSession(data_paths(data_dir), settings, SessionOptions(actor="王警官"))


@pytest.fixture
def session(qloop, data_dir):
    session = _session(data_dir)
    qloop.run_until_complete(session.start())
    yield session
    qloop.run_until_complete(session.stop())


def _collect(session: ShowSession) -> dict[int, StoredComment]:
    seen: dict[int, StoredComment] = {}
    session.commentsTriaged.connect(lambda rows: seen.update({c.id: c for c in rows}))
    return seen


@pytest.mark.slow
def test_jieba_loads_and_the_model_trains_off_the_main_thread(qloop, data_dir) -> None:
    """A real build (no cache) in the worker while the loop keeps ticking."""
    writer = CommentWriter(data_paths(data_dir).database)
    pipeline = IngestPipeline(writer)
    built_in: list[str] = []

    def factory(_path: Path) -> TriageEngine:
        built_in.append(threading.current_thread().name)
        return TriageEngine(Knowledge.load())

    service = TriageService(pipeline, data_paths(data_dir).database, factory=factory)
    ready: list[float] = []
    service.ready.connect(ready.append)
    ticks: list[float] = []

    async def ticker() -> None:
        while not ready:
            ticks.append(time.perf_counter())
            await asyncio.sleep(0.01)

    async def main() -> float:
        await pipeline.start()
        started = time.perf_counter()
        service.start()
        returned_after = time.perf_counter() - started
        await ticker()
        await service.stop()
        await pipeline.stop()
        return returned_after

    returned_after = qloop.run_until_complete(main())
    assert returned_after < 0.05  # start() does not wait for the build
    assert built_in and built_in[0].startswith("triage") and built_in[0] != "MainThread"
    assert ready and ready[0] > 0.2  # a real build: jieba's dictionary and training
    gaps = [b - a for a, b in itertools.pairwise(ticks)]
    assert len(ticks) > 10
    # The loop ran all along; jieba's chunked cache keeps each GIL hold short.
    assert max(gaps) < 0.5, max(gaps)


@pytest.mark.slow
def test_stored_comments_are_triaged_written_and_emitted(session, qloop, data_dir) -> None:
    seen = _collect(session)
    texts = ["驾照丢了怎么补", "来了来了", "驾照丢了怎么补啊", "电动车上牌要带什么"]
    result = qloop.run_until_complete(session.pipeline.submit(
        [_comment(f"m{i}", text, user=f"u{i}") for i, text in enumerate(texts)]))
    ids = [c.id for c in result.stored]
    run_until(qloop, lambda: set(ids) <= set(seen))
    lost, chatter, repeat, transfer = (seen[i] for i in ids)
    assert lost.is_question and lost.item == "DL06" and 0 < (lost.confidence or 0) <= 1
    assert not chatter.is_question and chatter.item is None
    assert repeat.repeat_of == lost.id  # "2 viewers asked this"
    assert transfer.item == "EB01" and transfer.repeat_of is None
    assert all(c.state == State.TRIAGED for c in seen.values())
    assert session.triage is not None and session.triage.askers(lost.id) == 2
    decision = session.triage.decision(lost.id)
    assert decision is not None and len(decision.candidates) == 3 and decision.answers

    store = Store(data_paths(data_dir).database)
    rows = {r["id"]: r for r in store.conn.execute("SELECT * FROM comments")}
    history = store.conn.execute("SELECT * FROM comment_history WHERE actor = 'triage'").fetchall()
    store.close()
    assert rows[lost.id]["state"] == "triaged" and rows[lost.id]["item"] == "DL06"
    assert rows[chatter.id]["is_question"] == 0 and rows[repeat.id]["repeat_of"] == lost.id
    assert {(h["from_state"], h["to_state"]) for h in history} == {("new", "triaged")}
    assert len(history) == 4


def test_a_batch_of_100_is_triaged_in_the_worker_quickly(session, qloop) -> None:
    seen = _collect(session)
    run_until(qloop, lambda: session.triage is not None and session.triage.is_ready)
    comments = [_comment(f"b{i}", f"第{i}个问题：电动车上牌要带什么", user=f"v{i}")
                for i in range(100)]
    result = qloop.run_until_complete(session.pipeline.submit(comments))
    run_until(qloop, lambda: {c.id for c in result.stored} <= set(seen))
    assert session.triage is not None
    count, seconds = session.triage.last_batch
    assert count == 100
    assert seconds < 1.0  # 25-50 ms measured (docs/performance.md), all in the worker


@pytest.mark.slow
def test_a_refiled_comment_teaches_triage_and_survives_a_restart(qloop, data_dir) -> None:
    text = "本本上面的二维码扫不出来"
    first = _session(data_dir)
    qloop.run_until_complete(first.start())
    seen = _collect(first)
    stored = qloop.run_until_complete(first.pipeline.submit([_comment("r1", text)])).stored[0]
    run_until(qloop, lambda: stored.id in seen)
    assert seen[stored.id].item != "OL19"
    updated = qloop.run_until_complete(first.refile(seen[stored.id], "OL19"))
    assert updated is not None and updated.item == "OL19" and updated.confidence == 1.0
    again = qloop.run_until_complete(first.pipeline.submit([_comment("r2", text, "u2")])).stored[0]
    run_until(qloop, lambda: again.id in seen)
    assert seen[again.id].item == "OL19"  # learnt at once
    refused: list[str] = []
    first.actionFailed.connect(refused.append)
    assert qloop.run_until_complete(first.refile(seen[again.id], "XX99")) is None
    assert refused and "XX99" in refused[0]
    qloop.run_until_complete(first.stop())

    second = _session(data_dir)  # a restart: a new engine built from the database
    qloop.run_until_complete(second.start())
    try:
        seen = _collect(second)
        later = qloop.run_until_complete(
            second.pipeline.submit([_comment("r3", text, "u3")])).stored[0]
        run_until(qloop, lambda: later.id in seen)
        assert seen[later.id].item == "OL19"
    finally:
        qloop.run_until_complete(second.stop())


def test_the_demo_director_follows_triage_not_the_regex(session, qloop) -> None:
    director = DemoDirector(session, first_after_s=3600)
    seen = _collect(session)
    run_until(qloop, lambda: session.triage is not None and session.triage.is_ready)
    # The regex would call the first a question (什么, ？); triage knows it is chatter.
    texts = ["主播今天穿的什么颜色衣服？", "驾照到期了在哪换"]
    result = qloop.run_until_complete(session.pipeline.submit(
        [_comment(f"d{i}", t, f"w{i}") for i, t in enumerate(texts)]))
    run_until(qloop, lambda: {c.id for c in result.stored} <= set(seen))
    chatter, question = result.stored
    assert seen[chatter.id].is_question is False and seen[question.id].is_question is True
    assert [c.id for c in director._recent] == [question.id]


def test_a_correction_stored_elsewhere_is_learnt_without_waiting(session, qloop) -> None:
    """A seat's re-filing stores the correction itself and hands it over (non-blocking)."""
    from videohelp.queue.triage.engine import Correction

    run_until(qloop, lambda: session.triage is not None and session.triage.is_ready)
    assert session.triage is not None and session.triage.engine is not None
    engine = session.triage.engine
    session.triage.learn(Correction("本本上面的二维码扫不出来", "OL19"))
    session.triage.learn(Correction("无关的文字", "XX99"))  # logged, not raised
    run_until(qloop, lambda: len(engine.memory) == 1)
    assert engine.classify(["本本上面的二维码扫不出来"])[0].item == "OL19"
