"""The demo's director: it plays the desk's part only where the desk's role may."""

from __future__ import annotations

import asyncio

import pytest

from videohelp.console.demo import DemoDirector
from videohelp.console.session import SessionOptions, ShowSession
from videohelp.core.paths import data_paths
from videohelp.core.settings import Settings
from videohelp.queue.comments import IncomingComment


def _session(data_dir, role: str) -> ShowSession:
    settings = Settings()
    for name, value in (("program.width", 320), ("program.height", 180), ("program.fps", 10)):
        settings.set(name, value)
    return ShowSession(data_paths(data_dir), settings, SessionOptions(actor="tester", role=role))


def _questions(count: int) -> list[IncomingComment]:
    return [IncomingComment("douyin", f"q{i}", f"u{i}", f"观众{i}", f"驾照到期了在哪里换{i}号？",
                            1_700_000_000_000 + i) for i in range(count)]


@pytest.mark.parametrize("role", ["officer", "presenter"])
def test_the_director_puts_a_question_on_air_for_a_desk_that_may(qloop, data_dir, role) -> None:
    session = _session(data_dir, role)
    qloop.run_until_complete(session.start())
    director = DemoDirector(session, first_after_s=0.2, hold_s=0.5)
    failures: list[str] = []
    session.actionFailed.connect(failures.append)
    try:
        qloop.run_until_complete(session.pipeline.submit(_questions(3)))
        director.start()
        assert director.active
        qloop.run_until_complete(_until(lambda: session.on_air is not None, 30.0))
        assert failures == []
    finally:
        qloop.run_until_complete(director.stop())
        qloop.run_until_complete(session.stop())


def test_a_producer_s_demo_takes_nothing_and_shows_no_refusal(qloop, data_dir) -> None:
    session = _session(data_dir, "producer")
    qloop.run_until_complete(session.start())
    director = DemoDirector(session, first_after_s=0.0, hold_s=0.1)
    failures: list[str] = []
    session.actionFailed.connect(failures.append)
    fed: list = []
    session.feed.commentsAdded.connect(fed.extend)
    try:
        qloop.run_until_complete(session.pipeline.submit(_questions(3)))
        director.start()
        assert not director.active
        # The comments still stream: the desk has them, nothing is refused, nothing goes up.
        qloop.run_until_complete(_until(lambda: len(fed) >= 3, 5.0))
        qloop.run_until_complete(_pause(1.0))
        assert failures == [] and session.on_air is None
    finally:
        qloop.run_until_complete(director.stop())
        qloop.run_until_complete(session.stop())


async def _pause(seconds: float) -> None:
    await asyncio.sleep(seconds)


async def _until(condition, timeout_s: float) -> None:
    """Run the desk's loop (the director is a task on it) until ``condition`` holds."""
    async with asyncio.timeout(timeout_s):
        while not condition():
            await asyncio.sleep(0.05)
