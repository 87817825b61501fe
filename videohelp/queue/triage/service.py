"""Triage on the live path: stored comments in, triaged comments out, off the main thread.

One worker thread owns the engine: it builds it (jieba, training: seconds)
and classifies batches; the asyncio loop only hands texts over and writes the
results through the pipeline's writer thread. Comments that arrive before the
engine is ready wait (up to ``max_pending``) and are triaged once it is.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from videohelp.console.catalog import default_catalog
from videohelp.console.store import Store
from videohelp.queue.comments import State, StoredComment
from videohelp.queue.pipeline import IngestPipeline
from videohelp.queue.triage.corpus import Knowledge
from videohelp.queue.triage.engine import Correction, Decision, TriageEngine
from videohelp.queue.triage.repeats import RepeatGrouper
from videohelp.queue.triage.storage import (
    TriageUpdate,
    apply_triage,
    load_corrections,
    record_correction,
)

log = logging.getLogger(__name__)

EngineFactory = Callable[[Path], TriageEngine]
_CLOSED = frozenset({State.ANSWERED, State.DISMISSED, State.BLOCKED})


_built: dict[str, TriageEngine] = {}
_built_lock = threading.Lock()


def build_engine(db_path: Path) -> TriageEngine:
    """The engine for a data directory: the studio's knowledge and every correction.

    Engines are kept per fingerprint of what they learnt from, so a second
    session in one process on the same knowledge (a rehearsal, a test) gets a
    clone in milliseconds instead of training again.
    """
    store = Store(db_path, migrate=False)  # the writer has migrated; this one only reads
    try:
        knowledge = Knowledge.from_store(store)
        corrections = load_corrections(store)
    finally:
        store.close()
    key = TriageEngine.fingerprint(knowledge, corrections)
    with _built_lock:
        if key not in _built:
            if len(_built) >= 2:
                _built.pop(next(iter(_built)))
            _built[key] = TriageEngine(knowledge, corrections=corrections)
        return _built[key].clone()


class TriageService(QObject):
    """Triages what the pipeline stores; re-files what the studio corrects.

    Signals:
        ready(float): the engine is built; the argument is how long it took (s).
        failed(str): the engine could not be built; comments stay untriaged.
        commentsTriaged(list): ``StoredComment`` rows with triage's decision written.
    """

    ready = Signal(float)
    failed = Signal(str)
    commentsTriaged = Signal(list)

    def __init__(self, pipeline: IngestPipeline, db_path: Path, *, batch_size: int = 500,
                 max_pending: int = 20_000, factory: EngineFactory = build_engine,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pipeline = pipeline
        self.db_path = db_path
        self.batch_size = batch_size
        self.max_pending = max_pending
        self._factory = factory
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="triage")
        self.engine: TriageEngine | None = None
        self.grouper = RepeatGrouper()
        self._pending: list[StoredComment] = []
        self._decisions: OrderedDict[int, Decision] = OrderedDict()
        self._build: asyncio.Task[None] | None = None
        self._drain: asyncio.Task[None] | None = None
        self.last_batch: tuple[int, float] = (0, 0.0)  # (comments, seconds in the worker)

    # -- life cycle -----------------------------------------------------------------
    def start(self) -> None:
        """Build the engine in the worker; returns at once (call on the loop)."""
        if self._build is None:
            self._build = asyncio.get_running_loop().create_task(self._build_engine(),
                                                                 name="triage-build")

    @property
    def is_ready(self) -> bool:
        return self.engine is not None

    async def stop(self) -> None:
        for task in (self._build, self._drain):
            if task is not None and not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        # Not wait=True: that would block the loop while a build finishes; a
        # running build ends by itself and its result is dropped.
        self._executor.shutdown(wait=False, cancel_futures=True)

    async def _build_engine(self) -> None:
        started = time.perf_counter()
        try:
            engine = await asyncio.get_running_loop().run_in_executor(
                self._executor, self._factory, self.db_path)
        except Exception as exc:
            log.exception("triage engine could not be built")
            self.failed.emit(str(exc))
            return
        self.engine = engine
        seconds = time.perf_counter() - started
        log.info("triage ready in %.2f s", seconds)
        self.ready.emit(seconds)
        self._schedule()

    # -- the live path ----------------------------------------------------------------
    def submit(self, comments: list[StoredComment]) -> None:
        """Pipeline listener (on the loop): queue new comments for triage."""
        wanted = [c for c in comments if not c.blocked and c.repeat_of is None
                  and c.state == State.NEW]
        self._pending.extend(wanted)
        if len(self._pending) > self.max_pending:
            dropped = len(self._pending) - self.max_pending
            del self._pending[:dropped]  # the oldest stay 'new': the desk still shows them
            log.warning("triage backlog full: %d comments left untriaged", dropped)
        self._schedule()

    def _schedule(self) -> None:
        if self.engine is not None and self._pending and (self._drain is None or self._drain.done()):
            self._drain = asyncio.get_running_loop().create_task(self._run(), name="triage")

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while self._pending:
            batch, self._pending = (self._pending[:self.batch_size],
                                    self._pending[self.batch_size:])
            try:
                updates = await loop.run_in_executor(self._executor, self._triage, batch)
                stored = await self.pipeline.run_in_writer(apply_triage, updates)
            except Exception:
                log.exception("triage of %d comments failed; they stay untriaged", len(batch))
                continue
            self.commentsTriaged.emit(stored)

    def _triage(self, batch: list[StoredComment]) -> list[TriageUpdate]:
        """Worker thread: classify and group one batch."""
        assert self.engine is not None
        started = time.perf_counter()
        decisions = self.engine.classify([c.text for c in batch])
        updates = []
        for comment, decision in zip(batch, decisions, strict=True):
            root = self.grouper.add(comment.id, decision, comment.received_ms)
            updates.append(TriageUpdate(comment.id, decision.is_question, decision.item,
                                        decision.confidence, root))
            self._keep(comment.id, decision)
        self.last_batch = (len(batch), time.perf_counter() - started)
        return updates

    def _keep(self, comment_id: int, decision: Decision, limit: int = 5000) -> None:
        self._decisions[comment_id] = decision
        while len(self._decisions) > limit:
            self._decisions.popitem(last=False)

    def decision(self, comment_id: int) -> Decision | None:
        """Triage's full decision (candidates with scores, KB answers) for a recent comment."""
        return self._decisions.get(comment_id)

    def askers(self, comment_id: int) -> int:
        """How many viewers asked the question rooted at ``comment_id``."""
        return self.grouper.askers(comment_id)

    def comment_changed(self, comment: StoredComment) -> None:
        """A comment left the waiting list: later askers start a new group."""
        if comment.state in _CLOSED:
            self._executor.submit(self.grouper.close, comment.id)

    # -- the studio's corrections ----------------------------------------------------
    def learn(self, correction: Correction) -> None:
        """Teach the running engine a correction already stored elsewhere (a seat's
        re-filing, ``seat_actions.triage_comment``); returns at once, learns in the worker."""
        if self.engine is not None:
            self._executor.submit(self._learn, correction)

    def _learn(self, correction: Correction) -> None:
        try:
            assert self.engine is not None
            self.engine.learn(correction)
        except Exception:
            log.exception("triage could not learn %r", correction)

    async def correct(self, comment: StoredComment, item: str | None,
                      actor: str) -> StoredComment:
        """Re-file ``comment`` as ``item`` (None: chatter); learnt at once and kept."""
        if item is not None and item not in default_catalog():
            raise ValueError(f"unknown item {item!r}")
        correction: Correction = await self.pipeline.run_in_writer(
            record_correction, comment.text, item, actor, comment.id)
        if self.engine is not None:
            await asyncio.get_running_loop().run_in_executor(
                self._executor, self.engine.learn, correction)
        updated: StoredComment = await self.pipeline.run_in_writer(_reload, comment.id)
        self.commentsTriaged.emit([updated])
        return updated


def _reload(store: Store, comment_id: int) -> StoredComment:
    row = store.conn.execute("SELECT * FROM comments WHERE id = ?", (comment_id,)).fetchone()
    return StoredComment.from_row(dict(row))
