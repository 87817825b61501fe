"""Comments stored under the old masking rules are masked again when the pipeline starts."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from videohelp.queue import remask
from videohelp.queue.comments import IncomingComment
from videohelp.queue.masking import RULES_VERSION
from videohelp.queue.persist import CommentWriter
from videohelp.queue.pipeline import IngestPipeline

LEAKY = ["车牌浙a12346 身份证 330102 19900101 1235", "电话135.1234.5678", "一三三一二三四五六七八"]


def _old_database(path: Path, count: int) -> None:
    """A database as the old rules left it: text_masked = the text, no rules version."""
    writer = CommentWriter(path)
    writer.write([IncomingComment("douyin", f"m{i}", f"u{i}", "小王", LEAKY[i % 3] + f" 第{i}条",
                                  1_700_000_000_000 + i) for i in range(count)])
    writer.close()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE comments SET text_masked = text")
    conn.execute("DELETE FROM kb_meta WHERE key = ?", (remask.META_KEY,))
    conn.commit()
    conn.close()


def _leaks(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT count(*) FROM comments WHERE text_masked LIKE '%12346%' "
                            "OR text_masked LIKE '%1234.5678%' OR text_masked LIKE '%四五六七%'"
                            ).fetchone()[0]
    finally:
        conn.close()


@pytest.mark.asyncio
async def test_old_masks_are_redone_newest_first_then_all(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(remask, "FIRST_ROWS", 30)
    monkeypatch.setattr(remask, "CHUNK_ROWS", 25)
    database = tmp_path / "videohelp.sqlite3"
    _old_database(database, 200)
    assert _leaks(database) == 200
    pipeline = IngestPipeline(CommentWriter(database))
    await pipeline.start()
    try:
        assert _leaks(database) <= 170  # the newest are done before anything reads them
        async with asyncio.timeout(10):
            while _leaks(database):
                await asyncio.sleep(0.02)
        assert await pipeline.run_in_writer(remask.rules_current)
    finally:
        await pipeline.stop()
    conn = sqlite3.connect(database)
    (version,) = conn.execute("SELECT value FROM kb_meta WHERE key = ?", (remask.META_KEY,)).fetchone()
    (sample,) = conn.execute("SELECT text_masked FROM comments WHERE msg_id = 'm0'").fetchone()
    conn.close()
    assert version == RULES_VERSION and sample.startswith("车牌浙A***46 身份证 330***********1235")
    # The next start finds the rules current and touches nothing.
    pipeline = IngestPipeline(CommentWriter(database))
    await pipeline.start()
    assert pipeline._remask is None
    await pipeline.stop()
