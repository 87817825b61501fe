"""The ingest pipeline: bounded queue -> group commit -> acknowledgement -> listeners.

Bridges (the WebSocket server, the demo simulator) ``submit`` validated
comments and get back, once they are durable, what was stored. Submissions from
all bridges are merged into one transaction per round so that many small
frames still commit in batches. The queue is bounded: a flooding bridge waits
in ``submit`` (back-pressure) instead of growing memory.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TypeVar

from videohelp.queue.comments import IncomingComment, StoredComment
from videohelp.queue.persist import CommentWriter, PlatformEvent, WriteResult

log = logging.getLogger(__name__)

T = TypeVar("T")
Listener = Callable[[list[StoredComment]], None]


@dataclass
class _Submission:
    comments: Sequence[IncomingComment]
    events: Sequence[PlatformEvent]
    done: asyncio.Future[WriteResult] = field(repr=False)


class IngestPipeline:
    """Group-committing front of the comment writer. Runs on one asyncio loop."""

    def __init__(self, writer: CommentWriter, *, max_pending: int = 256,
                 max_batch_rows: int = 2000) -> None:
        self.writer = writer
        self.max_batch_rows = max_batch_rows
        self._queue: asyncio.Queue[_Submission] = asyncio.Queue(maxsize=max_pending)
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="store-writer")
        self._listeners: list[Listener] = []
        self._task: asyncio.Task[None] | None = None

    def add_listener(self, listener: Listener) -> None:
        """Call ``listener`` (on the loop) with each batch of newly stored comments."""
        self._listeners.append(listener)

    async def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), name="ingest-commit")

    async def stop(self) -> None:
        """Commit what is queued, then stop the writer thread."""
        if self._task is not None:
            await self._queue.join()
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._executor, self.writer.close)
        self._executor.shutdown(wait=True)

    async def submit(self, comments: Sequence[IncomingComment],
                     events: Sequence[PlatformEvent] = ()) -> WriteResult:
        """Queue comments (waiting while the queue is full); return once durable."""
        future: asyncio.Future[WriteResult] = asyncio.get_running_loop().create_future()
        await self._queue.put(_Submission(comments, events, future))
        return await future

    async def run_in_writer(self, func: Callable[..., T], *args: object) -> T:
        """Run ``func(store, *args)`` on the writer thread (state changes, audit)."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, func, self.writer.store, *args)

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            batch = [await self._queue.get()]
            rows = len(batch[0].comments)
            while rows < self.max_batch_rows and not self._queue.empty():
                batch.append(self._queue.get_nowait())
                rows += len(batch[-1].comments)
            comments = [c for sub in batch for c in sub.comments]
            events = [e for sub in batch for e in sub.events]
            try:
                result = await loop.run_in_executor(self._executor, self.writer.write,
                                                    comments, events)
            except Exception as exc:
                log.exception("commit of %d comments failed", len(comments))
                for sub in batch:
                    if not sub.done.done():
                        sub.done.set_exception(exc)
                    self._queue.task_done()
                continue
            self._resolve(batch, result)
            if result.stored:
                for listener in list(self._listeners):
                    try:
                        listener(result.stored)
                    except Exception:
                        log.exception("comment listener failed")

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
            if not sub.done.done():
                sub.done.set_result(share)
            self._queue.task_done()
