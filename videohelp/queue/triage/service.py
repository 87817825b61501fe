"""Triage on the live path: stored comments in, triaged comments out, off the main thread.

One worker thread owns the engine: it builds it (jieba, training: seconds)
and classifies batches; the asyncio loop only hands texts over and writes the
results through the pipeline's writer thread. Comments that arrive before the
engine is ready wait (up to ``max_pending``) and are triaged once it is.

Comments stored before this run that were never triaged (the console stopped
or crashed between the ingest commit and triage) are the backlog: once the
engine is ready they are read back from the store, oldest first, a batch at a
time, taking turns with live batches. Which path owns a comment is decided by
its id (the backlog: up to the newest id when the service started; live: the
rest), and ``apply_triage`` writes no decision over another, so none is
triaged twice.
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

from videohelp.core.catalog import default_catalog
from videohelp.core.store import Store
from videohelp.queue.comments import State, StoredComment
from videohelp.queue.pipeline import IngestPipeline
from videohelp.queue.triage import model_store
from videohelp.queue.triage.corpus import Knowledge
from videohelp.queue.triage.engine import Correction, Decision, TriageEngine
from videohelp.queue.triage.repeats import RepeatGrouper
from videohelp.queue.triage.storage import (
    TriageUpdate,
    apply_triage,
    last_comment_id,
    load_corrections,
    record_correction,
    untriaged,
)

log = logging.getLogger(__name__)

EngineFactory = Callable[[Path], TriageEngine]
_CLOSED = frozenset({State.ANSWERED, State.DISMISSED, State.BLOCKED})


# Live comments are triaged in batches at most this often: one transaction and one signal
# per batch, not per comment. The desk shows new rows, and triage's results for them, every
# 400 ms (FEED_BATCH_MS): 0.4 s keeps pace with that. At 300 comments/s one batch of 120
# costs 10-20% less per comment than two of 60 (classify paced as live, one thread:
# 0.153-0.180 -> 0.139-0.140 ms; issue 15).
LIVE_BATCH_INTERVAL_S = 0.4

_built: dict[str, TriageEngine] = {}
_built_lock = threading.Lock()


def _read_knowledge(db_path: Path) -> tuple[Knowledge, list[Correction]]:
    store = Store(db_path, migrate=False)  # the writer has migrated; this one only reads
    try:
        return Knowledge.from_store(store), load_corrections(store)
    finally:
        store.close()


def _keep_built(key: str, engine: TriageEngine) -> None:
    with _built_lock:
        if len(_built) >= 2 and key not in _built:
            _built.pop(next(iter(_built)))
        _built[key] = engine


def build_engine(db_path: Path) -> TriageEngine:
    """The engine for a data directory: the studio's knowledge and every correction.

    Read back from the model saved beside the database when nothing changed
    (``model_store``; well under a second), else trained and saved; a model
    saved for other knowledge comes back ``stale`` (the service retrains in the
    background). Engines are also kept per fingerprint in this process, so a
    second session on the same knowledge (a rehearsal, a test) gets a clone.
    """
    knowledge, corrections = _read_knowledge(db_path)
    key = TriageEngine.fingerprint(knowledge, corrections)
    with _built_lock:
        if key in _built:
            return _built[key].clone()
    engine = model_store.ready_engine(knowledge, corrections, db_path.parent, fingerprint=key)
    if not engine.stale:
        _keep_built(key, engine)
        return engine.clone()
    return engine


def retrain_engine(db_path: Path) -> TriageEngine:
    """A fresh engine for what the data directory holds now, trained and saved."""
    knowledge, corrections = _read_knowledge(db_path)
    key = TriageEngine.fingerprint(knowledge, corrections)
    engine = model_store.train_and_save(knowledge, corrections, db_path.parent,
                                        fingerprint=key)
    _keep_built(key, engine)
    return engine.clone()


class TriageService(QObject):
    """Triages what the pipeline stores; re-files what the studio corrects.

    Signals:
        ready(float): the engine is built; the argument is how long it took (s).
        retrained(float): a fresh engine replaced the stale one read back at start.
        failed(str): the engine could not be built; comments stay untriaged.
        commentsTriaged(list): ``StoredComment`` rows with triage's decision written.
    """

    ready = Signal(float)
    failed = Signal(str)
    commentsTriaged = Signal(list)
    retrained = Signal(float)  # a fresh engine replaced a stale one; seconds it took

    def __init__(self, pipeline: IngestPipeline, db_path: Path, *, batch_size: int = 500,
                 max_pending: int = 20_000, interval_s: float = LIVE_BATCH_INTERVAL_S,
                 factory: EngineFactory = build_engine,
                 retrain: EngineFactory = retrain_engine,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pipeline = pipeline
        self.db_path = db_path
        self.batch_size = batch_size
        self.max_pending = max_pending
        self.interval_s = interval_s
        self._live_at = 0.0  # loop time of the last live batch
        self._factory = factory
        self._retrain = retrain
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="triage")
        self._stopped = False
        # Training a fresh engine while a stale one files (model_store): its own thread,
        # so live batches are not held up; corrections learnt meanwhile are replayed.
        self._trainer = ThreadPoolExecutor(1, thread_name_prefix="triage-train")
        self._retraining: asyncio.Task[None] | None = None
        self._learnt_while_training: list[Correction] | None = None
        self.engine: TriageEngine | None = None
        self.grouper = RepeatGrouper()
        self._pending: list[StoredComment] = []
        self._decisions: OrderedDict[int, Decision] = OrderedDict()
        self._build: asyncio.Task[None] | None = None
        self._drain: asyncio.Task[None] | None = None
        self.last_batch: tuple[int, float] = (0, 0.0)  # (comments, seconds in the worker)
        # The backlog: ids in (_backlog_after, _backlog_up_to] are read back from the store.
        self._backlog_after = 0
        self._backlog_up_to = 0
        self._backlog_clock_ms = 0  # received_ms of the last backlog comment read
        self.backlog_triaged = 0  # comments of earlier runs triaged by this one

    # -- life cycle -----------------------------------------------------------------
    def start(self) -> None:
        """Build the engine in the worker; returns at once (call on the loop).

        The service must already listen to the pipeline (``submit``): comments
        stored from now on come that way, older untriaged ones from the store.
        """
        if self._build is None:
            self._build = asyncio.get_running_loop().create_task(self._build_engine(),
                                                                 name="triage-build")

    @property
    def is_ready(self) -> bool:
        return self.engine is not None

    async def stop(self) -> None:
        # Comments stored from now on (the pipeline's last commits) are not scheduled: they
        # stay untriaged, and the next start's backlog files them.
        self._stopped = True
        for task in (self._build, self._drain, self._retraining):
            if task is not None and not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        # Not wait=True: that would block the loop while a build finishes; a
        # running build ends by itself and its result is dropped.
        self._executor.shutdown(wait=False, cancel_futures=True)
        self._trainer.shutdown(wait=False, cancel_futures=True)

    @property
    def backlog_left(self) -> bool:
        """Untriaged comments of an earlier run (or spilled from memory) are still to read."""
        return self._backlog_after < self._backlog_up_to

    async def _build_engine(self) -> None:
        started = time.perf_counter()
        try:
            # On the writer: every commit after this read reaches ``submit``.
            self._extend_backlog(await self.pipeline.run_in_writer(last_comment_id))
        except Exception:
            log.exception("comments left untriaged earlier cannot be found; they stay so")
        try:
            engine = await asyncio.get_running_loop().run_in_executor(
                self._executor, self._factory, self.db_path)
        except Exception as exc:
            log.exception("triage engine could not be built")
            self.failed.emit(str(exc))
            return
        self.engine = engine
        seconds = time.perf_counter() - started
        log.info("triage ready in %.2f s%s", seconds,
                 " (a model of earlier knowledge: retraining)" if engine.stale else "")
        self.ready.emit(seconds)
        self._schedule()
        if getattr(engine, "stale", False):
            self._retraining = asyncio.get_running_loop().create_task(
                self._train_fresh(), name="triage-retrain")

    async def _train_fresh(self) -> None:
        """Train on what the studio has now, then swap it in between batches."""
        loop = asyncio.get_running_loop()
        started = time.perf_counter()
        self._learnt_while_training = []
        try:
            fresh = await loop.run_in_executor(self._trainer, self._retrain, self.db_path)
            await loop.run_in_executor(self._executor, self._swap, fresh)
        except Exception:
            log.exception("triage could not retrain; the earlier model goes on filing")
            self._learnt_while_training = None
            return
        self.retrained.emit(time.perf_counter() - started)

    def _swap(self, fresh: TriageEngine) -> None:
        """Worker thread: the fresh engine takes over, with what was learnt meanwhile."""
        for correction in self._learnt_while_training or ():
            try:
                fresh.learn(correction)
            except ValueError:
                log.warning("correction for an item the new catalog lacks: %r", correction)
        self._learnt_while_training = None
        self.grouper.revectorise(lambda text: fresh.vectorize([text]))
        self.engine = fresh
        log.info("triage: the retrained model files from now on")

    # -- the live path ----------------------------------------------------------------
    def submit(self, comments: list[StoredComment]) -> None:
        """Pipeline listener (on the loop): queue new comments for triage."""
        # Repeats merged at ingest come too: they take their original's filing.
        wanted = [c for c in comments if not c.blocked
                  and c.state == State.NEW and c.id > self._backlog_up_to]
        self._pending.extend(wanted)
        if len(self._pending) > self.max_pending:
            dropped = len(self._pending) - self.max_pending
            # The oldest are left to the backlog: read back from the store once the
            # worker catches up (pending ids grow, so the rest are all newer).
            self._extend_backlog(self._pending[dropped - 1].id)
            log.warning("triage behind: %d comments to be read back from the store", dropped)
        self._schedule()

    def _extend_backlog(self, up_to: int) -> None:
        """Comments up to id ``up_to`` are the backlog's: drop their copies in memory."""
        if up_to > self._backlog_up_to:
            self._backlog_up_to = up_to
            self._pending = [c for c in self._pending if c.id > up_to]

    def _schedule(self) -> None:
        if (not self._stopped and self.engine is not None and (self._pending or self.backlog_left)
                and (self._drain is None or self._drain.done())):
            self._drain = asyncio.get_running_loop().create_task(self._run(), name="triage")

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while self._pending or self.backlog_left:
            # Backlog and live batches take turns: the oldest comments go first, and a
            # live comment waits for one backlog batch at most, however long the backlog.
            if self.backlog_left:
                try:
                    after, updates = await loop.run_in_executor(
                        self._executor, self._triage_backlog, self._backlog_after,
                        self._backlog_up_to)
                except Exception:  # the store cannot be read: do not spin on it
                    log.exception("untriaged comments could not be read back; they stay so")
                    self._backlog_after = self._backlog_up_to
                else:
                    self._backlog_after = max(self._backlog_after, after)
                    self.backlog_triaged += len(await self._write(updates))
                    if not self.backlog_left:
                        log.info("triage: %d comments left untriaged earlier are triaged",
                                 self.backlog_triaged)
            if self._pending:
                # Live batches at most every ``interval_s`` unless a full one waits: on an
                # idle machine comments would otherwise go one at a time, each its own
                # transaction and signal (issue 15: the desk's cost per comment).
                wait = self._live_at + self.interval_s - loop.time()
                if wait > 0 and len(self._pending) < self.batch_size:
                    await asyncio.sleep(wait)
                if self._stopped:  # stopped while the batch gathered: the backlog files it
                    return
                self._live_at = loop.time()
                batch, self._pending = (self._pending[:self.batch_size],
                                        self._pending[self.batch_size:])
                # Backlog comments still to come are no older than the last one read.
                oldest = self._backlog_clock_ms if self.backlog_left else None
                try:
                    updates = await loop.run_in_executor(self._executor, self._triage, batch,
                                                         oldest)
                except Exception:
                    log.exception("triage of %d comments failed; they stay untriaged",
                                  len(batch))
                    continue
                await self._write(updates)

    async def _write(self, updates: list[TriageUpdate]) -> list[StoredComment]:
        """Store decisions (writer thread) and announce the comments written."""
        if not updates:
            return []
        try:
            stored = await self.pipeline.run_in_writer(apply_triage, updates)
        except Exception:
            log.exception("triage of %d comments not stored; they stay untriaged", len(updates))
            return []
        if stored:
            self.commentsTriaged.emit(stored)
        return stored

    def _triage_backlog(self, after: int, up_to: int) -> tuple[int, list[TriageUpdate]]:
        """Worker thread: read the next backlog batch (its own connection) and triage it.

        Returns the id the backlog is read up to, and the decisions.
        """
        store = Store(self.db_path, migrate=False)
        try:
            batch = untriaged(store, after, up_to, self.batch_size)
        finally:
            store.close()
        after = up_to if len(batch) < self.batch_size else batch[-1].id
        if not batch:
            return after, []
        self._backlog_clock_ms = batch[-1].received_ms
        try:
            return after, self._triage(batch)
        except Exception:  # as on the live path: this batch stays untriaged, the rest go on
            log.exception("triage of %d earlier comments failed; they stay untriaged",
                          len(batch))
            return after, []

    def _triage(self, batch: list[StoredComment],
                oldest_to_come: int | None = None) -> list[TriageUpdate]:
        """Worker thread: classify and group one batch (``RepeatGrouper.add``)."""
        assert self.engine is not None
        started = time.perf_counter()
        updates = []
        for comment in batch:
            if comment.repeat_of is not None:  # the viewer said it again: filed as before
                updates.append(TriageUpdate(comment.id, False, None, 0.0,
                                            same_as=comment.repeat_of))
                found = self._decisions.get(comment.repeat_of)
                if found is not None:
                    self._keep(comment.id, found)
        batch = [c for c in batch if c.repeat_of is None]
        decisions = self.engine.classify([c.text for c in batch])
        for comment, decision in zip(batch, decisions, strict=True):
            root = self.grouper.add(comment.id, decision, comment.received_ms,
                                    oldest_to_come=oldest_to_come)
            updates.append(TriageUpdate(comment.id, decision.is_question, decision.item,
                                        decision.confidence, root))
            self._keep(comment.id, decision)
        self.last_batch = (len(updates), time.perf_counter() - started)
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
        re-filing, ``show_store.triage_comment``); returns at once, learns in the worker."""
        if self.engine is not None:
            self._executor.submit(self._learn, correction)

    def _learn(self, correction: Correction) -> None:
        try:
            assert self.engine is not None
            if self._learnt_while_training is not None:
                self._learnt_while_training.append(correction)
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
                self._executor, self._learn, correction)
        updated: StoredComment = await self.pipeline.run_in_writer(_reload, comment.id)
        self.commentsTriaged.emit([updated])
        return updated


def _reload(store: Store, comment_id: int) -> StoredComment:
    row = store.conn.execute("SELECT * FROM comments WHERE id = ?", (comment_id,)).fetchone()
    return StoredComment.from_row(dict(row))
