"""The ingest pipeline: bounded queue -> group commit -> acknowledgement -> listeners.

Bridges (the WebSocket server, the demo simulator) ``submit`` validated
comments and get back, once they are durable, what was stored. Submissions from
all bridges are merged into one transaction per round so that many small
frames still commit in batches. The queue is bounded: a flooding bridge waits
in ``submit`` (back-pressure) instead of growing memory.

Rounds are filled fairly: each ``source`` (one per bridge connection) gives one
submission in turn, so a flooding bridge gets its share of every round but
cannot make a quiet bridge wait behind its whole backlog. A round is capped at
``max_batch_rows`` so that one commit stays short (about 10 ms for 500 rows
here, against 30-90 ms for 2,000), which bounds the acknowledgement latency
of everybody else; per-row costs dominate beyond a few hundred rows, so the
cap costs little throughput (250 rows gave ~15 % less).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from videohelp.core.store import Store
from videohelp.queue.comments import IncomingComment, StoredComment
from videohelp.queue.persist import CommentWriter, PlatformEvent, WriteResult
from videohelp.queue.remask import start_remask, stop_remask

log = logging.getLogger(__name__)

T = TypeVar("T")
Listener = Callable[[list[StoredComment]], None]


class Checkpointer:
    """Copies the WAL into the database file on its own thread and connection.

    SQLite's automatic checkpoint runs inside a commit once the WAL reaches
    1,000 pages, stalling that commit (and every ack waiting on it) for up to
    ~100 ms with ``synchronous=FULL``. A PASSIVE checkpoint from another
    connection does most of that work beside the writer without blocking it.
    It cannot rewind the WAL while the writer keeps appending, so the writer's
    own automatic checkpoint stays on: it finds little left to copy, and it
    keeps the WAL file at a few MiB. (Leaving more to the writer, 4,096 pages,
    made its checkpoints, and the slowest commits under a flood, longer.)
    """

    def __init__(self, database: Path | str, interval_s: float = 0.5) -> None:
        self.database = database
        self.interval_s = interval_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="wal-checkpoint", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None

    def _run(self) -> None:
        store = Store(self.database, migrate=False)
        try:
            while not self._stop.wait(self.interval_s):
                try:
                    store.conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                except sqlite3.Error as exc:  # busy or I/O: try again next interval
                    log.warning("WAL checkpoint failed: %s", exc)
        finally:
            store.close()


@dataclass
class _Submission:
    comments: Sequence[IncomingComment]
    events: Sequence[PlatformEvent]
    done: asyncio.Future[WriteResult] = field(repr=False)


class IngestPipeline:
    """Group-committing front of the comment writer. Runs on one asyncio loop."""

    def __init__(self, writer: CommentWriter, *, max_pending: int = 256,
                 max_batch_rows: int = 500, checkpoint_interval_s: float | None = 0.5,
                 linger_s: float = 0.0, flood_linger_s: float | None = None,
                 flood_rows: int = 8) -> None:
        self.writer = writer
        self.max_pending = max_pending
        self.max_batch_rows = max_batch_rows
        # Wait this long after the first submission before a commit, so that one commit
        # (and one round of listeners) carries what trickles in meanwhile: on a fast disk a
        # bridge sending single comments otherwise gets one commit per comment (the desk:
        # issue 15). Every ack waits up to this much longer.
        self.linger_s = linger_s
        # In a flood (the last round carried ``flood_rows`` or more) wait ``flood_linger_s``
        # instead: what pours in shares fewer commits and fewer rounds of listeners. Back to
        # ``linger_s`` once a round is smaller (hysteresis: with 0.03 s, 0.1 s and 8 rows, from
        # ~270 comments/s up, until under ~80/s).
        self.flood_linger_s = flood_linger_s
        self.flood_rows = flood_rows
        self._last_round_rows = 0
        self._sources: OrderedDict[Hashable, deque[_Submission]] = OrderedDict()
        self._slots = asyncio.Semaphore(max_pending)
        self._ready = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._pending = 0
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="store-writer")
        self._listeners: list[Listener] = []
        self._task: asyncio.Task[None] | None = None
        self._remask: asyncio.Task | None = None  # older comments masked again (remask)
        # Recent commits as (seconds, rows): what anyone's ack waits for, at most
        # twice over. For status displays, benchmarks and tests.
        self.commits: deque[tuple[float, int]] = deque(maxlen=1024)
        self._checkpointer = (Checkpointer(writer.db_path, checkpoint_interval_s)
                              if checkpoint_interval_s and str(writer.db_path) != ":memory:"
                              else None)

    @property
    def pending(self) -> int:
        """Submissions queued or being committed (at most ``max_pending``)."""
        return self._pending

    def add_listener(self, listener: Listener) -> None:
        """Call ``listener`` (on the loop) with each batch of newly stored comments."""
        self._listeners.append(listener)

    async def start(self) -> None:
        """Open the store (on the writer thread) and start committing.

        Opening here, not at the first comment, makes an unusable database an
        error at start-up rather than a failed acknowledgement mid-show.
        """
        if self._task is None:
            loop = asyncio.get_running_loop()
            # Open (and migrate) the store on the writer thread, where it is used.
            await loop.run_in_executor(self._executor, getattr, self.writer, "store")
            if self._checkpointer is not None:
                self._checkpointer.start()
            self._task = asyncio.get_running_loop().create_task(self._run(), name="ingest-commit")
            # Comments stored under older masking rules: the newest now, the rest meanwhile.
            self._remask = await start_remask(self)


    async def stop(self) -> None:
        """Commit what is queued, then stop the writer thread."""
        await stop_remask(self._remask)
        if self._task is not None:
            await self._idle.wait()
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        loop = asyncio.get_running_loop()
        if self._checkpointer is not None:
            await loop.run_in_executor(None, self._checkpointer.stop)
        # Closing the last connection checkpoints the WAL and removes it.
        await loop.run_in_executor(self._executor, self.writer.close)
        self._executor.shutdown(wait=True)

    async def submit(self, comments: Sequence[IncomingComment],
                     events: Sequence[PlatformEvent] = (), *,
                     source: Hashable = None) -> WriteResult:
        """Queue comments (waiting while the queue is full); return once durable."""
        return await (await self.enqueue(comments, events, source=source))

    async def enqueue(self, comments: Sequence[IncomingComment],
                      events: Sequence[PlatformEvent] = (), *,
                      source: Hashable = None) -> asyncio.Future[WriteResult]:
        """Queue comments, waiting only for room; the future resolves once durable.

        Lets one bridge keep several frames in flight (its acks come back in
        order) while back-pressure still applies at the queue. More comments than
        a round holds are committed in several rounds (the future resolves when
        all are durable), so that no round, and no one's wait, grows with a
        bridge's batch size.
        """
        size = self.max_batch_rows
        if len(comments) <= size:
            return await self._enqueue(comments, events, source)
        parts = [await self._enqueue(comments[i:i + size],
                                     events if i + size >= len(comments) else (), source)
                 for i in range(0, len(comments), size)]
        whole: asyncio.Future[WriteResult] = asyncio.get_running_loop().create_future()

        def merge(_done: asyncio.Future) -> None:
            if whole.done() or not all(part.done() for part in parts):
                return
            failed = next((part for part in parts if part.cancelled() or part.exception()),
                          None)
            if failed is not None:
                error = None if failed.cancelled() else failed.exception()
                whole.set_exception(error or asyncio.CancelledError())
            else:
                results = [part.result() for part in parts]
                whole.set_result(WriteResult([c for r in results for c in r.stored],
                                             [d for r in results for d in r.duplicates]))

        for part in parts:
            part.add_done_callback(merge)
        return whole

    async def _enqueue(self, comments: Sequence[IncomingComment],
                       events: Sequence[PlatformEvent], source: Hashable
                       ) -> asyncio.Future[WriteResult]:
        await self._slots.acquire()
        future: asyncio.Future[WriteResult] = asyncio.get_running_loop().create_future()
        queue = self._sources.get(source)
        if queue is None:
            queue = self._sources[source] = deque()
            # A source with nothing waiting has not been served lately: it goes first
            # next round, ahead of a flood that always has something waiting.
            self._sources.move_to_end(source, last=False)
        queue.append(_Submission(comments, events, future))
        self._pending += 1
        self._idle.clear()
        self._ready.set()
        return future

    async def run_in_writer(self, func: Callable[..., T], *args: object) -> T:
        """Run ``func(store, *args)`` on the writer thread (state changes, audit)."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, func, self.writer.store, *args)

    def _take_round(self) -> list[_Submission]:
        """Up to ``max_batch_rows`` rows, taking one submission per source in turn.

        A submission that would overflow the round waits (at the front of the
        line, so it goes first next round) while smaller ones from other sources
        still join: a quiet bridge's single comment is not held back by a 500-row
        batch that would double the commit it waits for.
        """
        batch: list[_Submission] = []
        rows = 0
        while self._sources:
            took = False
            for source in list(self._sources):
                queue = self._sources[source]
                size = len(queue[0].comments) + len(queue[0].events)
                if batch and rows + size > self.max_batch_rows:
                    continue
                batch.append(queue.popleft())
                rows += size
                took = True
                del self._sources[source]
                if queue:
                    self._sources[source] = queue  # to the back of the line
                if rows >= self.max_batch_rows:
                    return batch
            if not took:
                break
        return batch

    async def _run(self) -> None:
        while True:
            await self._ready.wait()
            linger = self.linger_s
            if self.flood_linger_s is not None and self._last_round_rows >= self.flood_rows:
                linger = self.flood_linger_s
            if linger:
                await asyncio.sleep(linger)
            batch = self._take_round()
            self._last_round_rows = sum(len(sub.comments) + len(sub.events) for sub in batch)
            if not self._sources:
                self._ready.clear()
            if batch:
                await self._commit(batch)

    async def _commit(self, batch: list[_Submission]) -> None:
        loop = asyncio.get_running_loop()
        comments = [c for sub in batch for c in sub.comments]
        events = [e for sub in batch for e in sub.events]
        started = time.perf_counter()
        try:
            result = await loop.run_in_executor(self._executor, self.writer.write,
                                                comments, events)
            self.commits.append((time.perf_counter() - started, len(comments) + len(events)))
        except Exception as exc:
            if len(batch) > 1:
                # One bad submission must not fail everybody's: commit them one by one.
                log.warning("commit of %d submissions failed (%s); retrying singly",
                            len(batch), exc)
                for sub in batch:
                    await self._commit([sub])
                return
            log.exception("commit of %d comments failed", len(comments))
            self._finish(batch, exc)
            return
        self._resolve(batch, result)
        if result.stored:
            for listener in list(self._listeners):
                try:
                    listener(result.stored)
                except Exception:
                    log.exception("comment listener failed")

    def _finish(self, batch: list[_Submission], outcome: WriteResult | BaseException) -> None:
        for sub in batch:
            if not sub.done.done():
                if isinstance(outcome, BaseException):
                    sub.done.set_exception(outcome)
                else:
                    sub.done.set_result(outcome)
            self._slots.release()
            self._pending -= 1
        if self._pending == 0:
            self._idle.set()

    def _resolve(self, batch: list[_Submission], result: WriteResult) -> None:
        """Hand each submission its own share of the merged result."""
        by_key = {(c.platform, c.msg_id): c for c in result.stored}
        dupes = set(result.duplicates)
        for sub in batch:
            keys = [(c.platform, c.msg_id) for c in sub.comments]
            share = WriteResult(
                stored=[by_key[k] for k in keys if k in by_key],
                duplicates=[k for k in keys if k in dupes],
            )
            self._finish([sub], share)
