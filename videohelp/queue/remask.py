"""Comments stored under older masking rules are masked again (issue 17).

``text_masked`` is computed once, when a comment is stored. Comments stored
before the masking fixes of issue 17 still hold what the old rules missed
(``浙a12346``, ``135.1234.5678``), and seats, cards and reports read that
column. When the pipeline starts and the database's rules version
(``kb_meta`` key ``masking_rules``) is older than ``masking.RULES_VERSION``, the
newest ``FIRST_ROWS`` comments are masked again before anything reads them
(seats and the desk load the recent ones right after), and the rest in the
background, newest first, ``CHUNK_ROWS`` per writer-thread turn so that ingest
commits interleave. Once all are done the version is recorded and later starts
skip it. Measured: ~7 µs per comment to mask, so a million stored comments take
a few seconds of the writer thread, spread over turns.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from videohelp.core.store import Store
from videohelp.queue.masking import RULES_VERSION, mask_text

log = logging.getLogger(__name__)

META_KEY = "masking_rules"
FIRST_ROWS = 5_000
CHUNK_ROWS = 2_000


def rules_current(store: Store) -> bool:
    row = store.conn.execute("SELECT value FROM kb_meta WHERE key = ?", (META_KEY,)).fetchone()
    return row is not None and row[0] == RULES_VERSION


def remask_chunk(store: Store, before_id: int | None, limit: int) -> tuple[int | None, int]:
    """Mask again up to ``limit`` comments with ids below ``before_id`` (None: the newest).

    Returns the id to continue below (None once every comment is done, and the
    rules version is then recorded) and how many rows changed.
    """
    rows = store.conn.execute(
        "SELECT id, text, text_masked FROM comments WHERE id < ? ORDER BY id DESC LIMIT ?",
        (before_id if before_id is not None else 2**63 - 1, limit)).fetchall()
    changes = [(masked, row[0]) for row in rows
               if (masked := mask_text(row[1])) != row[2]]
    with store.transaction() as conn:
        conn.executemany("UPDATE comments SET text_masked = ? WHERE id = ?", changes)
        if len(rows) < limit:
            conn.execute("INSERT INTO kb_meta (key, value) VALUES (?, ?) ON CONFLICT(key) "
                         "DO UPDATE SET value = excluded.value", (META_KEY, RULES_VERSION))
    return (rows[-1][0] if len(rows) == limit else None), len(changes)


async def start_remask(pipeline: Any) -> asyncio.Task | None:
    """Mask the newest comments again now; return the task doing the rest (None if nothing to do)."""
    if await pipeline.run_in_writer(rules_current):
        return None
    before, changed = await pipeline.run_in_writer(remask_chunk, None, FIRST_ROWS)
    if changed:
        log.info("masking rules updated: %d recent comments masked again", changed)
    if before is None:
        return None
    return asyncio.get_running_loop().create_task(_rest(pipeline, before), name="remask")


async def _rest(pipeline: Any, before: int | None) -> None:
    total = 0
    try:
        while before is not None:
            before, changed = await pipeline.run_in_writer(remask_chunk, before, CHUNK_ROWS)
            total += changed
    except Exception:  # a show goes on: the next start tries again
        log.exception("masking older comments again failed")
        return
    log.info("masking rules updated: %d older comments masked again", total)


async def stop_remask(task: asyncio.Task | None) -> None:
    if task is not None and not task.done():
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
