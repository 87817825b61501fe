"""Issue 15: a pipeline that lingers gathers single comments that trickle in into one commit
(the desk: one round of listeners per commit, not per comment); without it, each commits alone."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from videohelp.queue.comments import IncomingComment
from videohelp.queue.persist import CommentWriter, now_ms
from videohelp.queue.pipeline import IngestPipeline

pytestmark = pytest.mark.asyncio


async def _trickle(pipeline: IngestPipeline, n: int) -> list[int]:
    rounds: list[int] = []
    pipeline.add_listener(lambda stored: rounds.append(len(stored)))
    await pipeline.start()
    acks = []
    for i in range(n):  # one comment every 2 ms, each its own submission, as a bridge sends
        acks.append(await pipeline.enqueue([IncomingComment("douyin", f"m{i}", f"u{i}", "王",
                                                            f"驾照到期了怎么换 {i}", now_ms())]))
        await asyncio.sleep(0.002)
    results = await asyncio.gather(*acks)
    await pipeline.stop()
    assert [len(r.stored) for r in results] == [1] * n  # every ack names its own comment
    return rounds


async def test_a_lingering_pipeline_commits_trickling_comments_together(tmp_path: Path) -> None:
    rounds = await _trickle(IngestPipeline(CommentWriter(tmp_path / "a.sqlite3"), linger_s=1.0), 10)
    assert rounds == [10]


async def test_without_linger_the_first_comment_commits_at_once(tmp_path: Path) -> None:
    rounds = await _trickle(IngestPipeline(CommentWriter(tmp_path / "b.sqlite3")), 10)
    assert sum(rounds) == 10 and rounds[0] == 1


def _comment(i: int) -> IncomingComment:
    return IncomingComment("douyin", f"m{i}", f"u{i}", "王", f"驾照到期了怎么换 {i}", now_ms())


async def test_a_flood_lingers_longer_until_a_round_is_small_again(tmp_path: Path) -> None:
    """After a round of ``flood_rows`` the pipeline waits ``flood_linger_s`` (what trickles in
    meanwhile shares one commit); after a smaller round it commits at once again."""
    pipeline = IngestPipeline(CommentWriter(tmp_path / "c.sqlite3"), flood_linger_s=0.5,
                              flood_rows=8)
    rounds: list[int] = []
    pipeline.add_listener(lambda stored: rounds.append(len(stored)))
    await pipeline.start()
    await pipeline.submit([_comment(i) for i in range(8)])  # a round of 8: a flood
    acks = []
    for i in range(10):
        acks.append(await pipeline.enqueue([_comment(100 + i)]))
        await asyncio.sleep(0.002)
    await asyncio.gather(*acks)
    assert rounds == [8, 10]          # without the flood linger: ten rounds of one
    await pipeline.submit([_comment(200)])  # still a flood: waits, alone: a round of one
    acks = []
    for i in range(5):
        acks.append(await pipeline.enqueue([_comment(300 + i)]))
        await asyncio.sleep(0.002)
    await asyncio.gather(*acks)
    await pipeline.stop()
    assert rounds[:4] == [8, 10, 1, 1]  # the flood is over: the next comment commits at once
    assert sum(rounds) == 8 + 10 + 1 + 5
