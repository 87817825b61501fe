"""The answering service on the live path: one worker thread, the store, the pipeline.

The worker owns the ``Answerer`` (engine and entry index) and its own read
connection: before a question, at most every ``refresh_s``, it checks whether
the knowledge base, the catalog or the withdrawals changed and re-indexes the
reviewed entries if so, so that an expert answer saved and reviewed at the
desk is given out from the next question on (within ``refresh_s``).

Every question is stored as a comment through the ingest pipeline (masked
text, the viewer as a digest), and once committed it is logged and its fate
decided by ``log.settle`` in the writer thread, in batches; ``act`` (the
console's show actions, ``console/answer_actions.py``) then does the fate:
marks it answered or flags it to the experts, audited and reported. The HTTP
answer does not wait for that commit: a question's answer costs a
classification (~1 ms), not a group commit (10-50 ms under a flood of comments).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import sqlite3
import time
import uuid
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from videohelp.core.catalog import studio_catalog
from videohelp.core.knowledge import Entry
from videohelp.core.store import Store
from videohelp.queue.answering.answerer import Answerer, ClipSource, Withdrawal, no_clips, usable
from videohelp.queue.answering.log import Fate, LogRow, open_passed_on, settle, withdrawals
from videohelp.queue.answering.policy import DEFAULT_THRESHOLD, Answer, AnswerPolicy
from videohelp.queue.comments import IncomingComment, StoredComment
from videohelp.queue.masking import mask_text
from videohelp.queue.normalize import normalize_text
from videohelp.queue.persist import WriteResult
from videohelp.queue.pipeline import IngestPipeline
from videohelp.queue.triage.engine import TriageEngine
from videohelp.queue.triage.service import build_engine

log = logging.getLogger(__name__)

Settled = Callable[[list[StoredComment]], None]
# Does the fates through the show's actions; returns the comments as they left them.
Act = Callable[[list[Fate]], Awaitable[list[StoredComment]]]
MAX_STORING = 2000  # questions waiting for room in the pipeline before callers wait too
# Questions stored but not yet moved on by the show's actions (two or three commits each on
# the writer thread the ingest shares): past this, callers wait too, so a writer slower than
# the questions holds the answers back instead of piling rows up in memory.
MAX_UNSETTLED = 4000


class NotReadyError(RuntimeError):
    """The service is still building its engine (seconds after start)."""


@dataclass(frozen=True)
class AnswerConfig:
    threshold: float = DEFAULT_THRESHOLD
    cors_origins: tuple[str, ...] = ()
    client_per_s: float = 50.0
    viewer_per_min: float = 6.0
    viewer_burst: int = 3
    max_question_chars: int = 300
    max_body_bytes: int = 16 * 1024
    refresh_s: float = 0.5

    @classmethod
    def from_settings(cls, settings: Any) -> AnswerConfig:
        return cls(threshold=settings["answers.threshold"],
                   cors_origins=tuple(o.rstrip("/") for o in settings["answers.cors_origins"]),
                   client_per_s=settings["answers.client_per_s"],
                   viewer_per_min=settings["answers.viewer_per_min"],
                   max_question_chars=settings["answers.max_question_chars"])


@dataclass(frozen=True)
class Asked:
    """A question as a caller put it."""

    text: str
    client: str
    platform: str
    viewer: str = ""
    channel: str = ""


def viewer_digest(client: str, viewer: str) -> str:
    """What is stored for a viewer id (which may be a phone number): a digest."""
    if not viewer:
        return "anonymous"
    return "v" + hashlib.sha256(f"{client}\0{viewer}".encode()).hexdigest()[:20]


def _entry(row: sqlite3.Row) -> Entry:
    import json

    return Entry(row["id"], row["item"], tuple(json.loads(row["questions"])), row["short_answer"],
                 row["full_answer"], row["source_file"], row["source_article"], row["status"],
                 row["reviewed_by"], row["reviewed_at"], row["version"], row["change_note"])


class AnsweringService:
    def __init__(self, db_path: Path | str, pipeline: IngestPipeline | None,
                 config: AnswerConfig | None = None, *, clips: ClipSource = no_clips,
                 engine_factory: Callable[[Path], TriageEngine] = build_engine,
                 on_settled: Settled | None = None, act: Act | None = None) -> None:
        self.db_path = Path(db_path)
        self.pipeline = pipeline
        self.config = config or AnswerConfig()
        self.clips = clips
        self.on_settled = on_settled
        self.act = act  # None: questions are logged, their comments left as they are
        self._factory = engine_factory
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="answers")
        self._answerer: Answerer | None = None
        self._store: Store | None = None  # the worker's read connection
        self._fingerprint: tuple[Any, ...] | None = None
        self._checked = 0.0
        self._build: asyncio.Future[None] | None = None
        self._to_settle: list[LogRow] = []
        self._unsettled = 0  # rows in _to_settle plus those being settled now
        self._room = asyncio.Event()  # set while _unsettled < MAX_UNSETTLED
        self._room.set()
        self._flush: asyncio.Task[None] | None = None
        self._pending: set[asyncio.Future] = set()
        self.answered = self.passed_on = 0
        self._stopping = False
        self.on_air = False
        self._waiting: list[tuple[str, asyncio.Future[Answer]]] = []
        self._storing: set[asyncio.Task[None]] = set()
        self._classifier: asyncio.Task[None] | None = None

    # -- life cycle ------------------------------------------------------------------
    async def start(self) -> None:
        """Build the engine in the worker (seconds); ``ask`` waits for it."""
        if self._build is None:
            loop = asyncio.get_running_loop()
            self._build = loop.run_in_executor(self._executor, self._build_answerer)
        await asyncio.shield(self._build)

    def start_soon(self) -> None:
        """Start building without waiting (the desk: triage builds beside it)."""
        if self._build is None:
            self._build = asyncio.get_running_loop().run_in_executor(self._executor,
                                                                     self._build_answerer)

    @property
    def ready(self) -> bool:
        """Built, and the loop knows it (questions are answered from now on)."""
        build = self._build
        return (build is not None and build.done() and not build.cancelled()
                and build.exception() is None)

    async def stop(self) -> None:
        if self._storing:
            await asyncio.wait(list(self._storing), timeout=10.0)
        for future in list(self._pending):
            with contextlib.suppress(Exception):
                await asyncio.wait_for(future, 10.0)
        if self._flush is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._flush, 10.0)
        if self._to_settle:
            await self._settle_now()
        self._stopping = True
        if self._build is not None and not self._build.done():
            # Still building (seconds): do not wait; the build closes the store when done.
            self._executor.shutdown(wait=False, cancel_futures=True)
            return
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._executor, self._close_store)
        self._executor.shutdown(wait=False, cancel_futures=True)

    def _close_store(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    # -- the worker ----------------------------------------------------------------------
    def _build_answerer(self) -> None:
        started = time.perf_counter()
        engine = self._factory(self.db_path)
        store = self._read_store()
        self._answerer = Answerer(engine, studio_catalog(store.conn), (),
                                  AnswerPolicy(self.config.threshold), self.clips)
        self._refresh(force=True)
        if self._stopping:
            self._close_store()
            return
        log.info("answers ready in %.2f s (%d reviewed entries usable)",
                 time.perf_counter() - started, self._answerer.entry_count)

    def _read_store(self) -> Store:
        if self._store is None:
            self._store = Store(self.db_path, migrate=False)
        return self._store

    def _refresh(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._checked < self.config.refresh_s:
            return
        self._checked = now
        conn = self._read_store().conn
        # A show open (the desk running) in the last 12 hours: the studio is on air, and
        # bridges' comments are for the studio, not for automatic replies.
        self.on_air = conn.execute(
            "SELECT 1 FROM shows WHERE ended_ms IS NULL AND started_ms > ?",
            (int(time.time() * 1000) - 12 * 3_600_000,)).fetchone() is not None
        fingerprint = tuple(conn.execute(
            "SELECT (SELECT count(*) FROM kb_entries), (SELECT max(updated_ms) FROM kb_entries),"
            " (SELECT max(id) FROM answer_withdrawals), (SELECT max(updated_ms) FROM catalog_items)"
        ).fetchone())
        if fingerprint == self._fingerprint:
            return
        assert self._answerer is not None
        entries = [_entry(row) for row in
                   conn.execute("SELECT * FROM kb_entries WHERE status = 'reviewed'")]
        blocked = [Withdrawal(entry_id, version) for entry_id, version in withdrawals(conn)]
        self._answerer.catalog = studio_catalog(conn)
        self._answerer.set_entries(usable(entries, blocked))
        self._fingerprint = fingerprint
        log.info("answers: %d reviewed entries in use", self._answerer.entry_count)

    def _answer_many(self, texts: list[str]) -> list[Answer]:
        assert self._answerer is not None
        self._refresh()
        return self._answerer.ask_many(texts)

    async def _classify(self, text: str) -> Answer:
        """Answer ``text`` in the worker, batched with whatever else is waiting: one
        hand-over to the worker thread per batch, not per question, under load."""
        future: asyncio.Future[Answer] = asyncio.get_running_loop().create_future()
        self._waiting.append((text, future))
        if self._classifier is None or self._classifier.done():
            self._classifier = asyncio.get_running_loop().create_task(self._classify_waiting())
        return await future

    async def _classify_waiting(self) -> None:
        loop = asyncio.get_running_loop()
        while self._waiting:
            batch, self._waiting = self._waiting[:64], self._waiting[64:]
            try:
                answers = await loop.run_in_executor(self._executor, self._answer_many,
                                                     [text for text, _ in batch])
            except Exception as exc:
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                continue
            for (_, future), answer in zip(batch, answers, strict=True):
                if not future.done():
                    future.set_result(answer)

    def recheck(self) -> None:
        """Re-read the knowledge base and whether a show is on air before the next question."""
        self._checked = 0.0

    def _answer_off_air(self, text: str) -> Answer | None:
        assert self._answerer is not None
        self._refresh()
        return None if self.on_air else self._answerer.ask(text)

    def _passed_on(self) -> list[StoredComment]:
        return open_passed_on(self._read_store())

    # -- questions -----------------------------------------------------------------------
    async def ask(self, asked: Asked) -> Answer:
        """Answer ``asked`` (or pass it on) and store it as a comment."""
        if self._build is None:
            self.start_soon()  # built on first use; this caller comes back (503)
        assert self._build is not None
        if not self._build.done():
            raise NotReadyError("the answering service is still starting")
        self._build.result()  # a failed build raises here, for every question
        text = normalize_text(asked.text)
        answer = await self._classify(text)
        if answer.answered:
            self.answered += 1
        else:
            self.passed_on += 1
        if self.pipeline is not None:
            if not self._room.is_set():
                await self._room.wait()
            if len(self._storing) < MAX_STORING:
                # Queued for storing without making the viewer wait for room in the
                # pipeline (a flood of comments fills it); bounded, then callers wait.
                task = asyncio.get_running_loop().create_task(
                    self._store_question(asked, text, answer))
                self._storing.add(task)
                task.add_done_callback(self._storing.discard)
            else:
                await self._store_question(asked, text, answer)
        return answer

    async def _store_question(self, asked: Asked, text: str, answer: Answer) -> None:
        masked = mask_text(text)
        viewer = viewer_digest(asked.client, asked.viewer)
        comment = IncomingComment(asked.platform, f"ask-{uuid.uuid4().hex}", viewer, "观众",
                                  masked, int(time.time() * 1000))
        assert self.pipeline is not None
        future = await self.pipeline.enqueue([comment], source=("answers", asked.client))
        self._pending.add(future)
        row = LogRow(0, asked.client, asked.platform, asked.channel[:64], viewer, masked,
                     answer.answered, answer.reason.value,
                     answer.item if answer.answered else answer.triaged_item,
                     answer.entry.id if answer.entry else None,
                     answer.entry.reviewed_at if answer.entry else None,
                     answer.entry.short_answer if answer.entry else "",
                     answer.confidence, answer.is_question, int(time.time() * 1000))

        def committed(done: asyncio.Future[WriteResult]) -> None:
            self._pending.discard(done)
            if done.cancelled() or done.exception() is not None:
                log.error("question from %s not stored: %s", asked.client,
                          "cancelled" if done.cancelled() else done.exception())
                return
            for stored in done.result().stored:
                self._queue_settle(_with_comment(row, stored.id))
            if self._flush is None or self._flush.done():
                self._flush = asyncio.get_running_loop().create_task(self._settle_now())

        future.add_done_callback(committed)

    async def _settle_now(self) -> None:
        assert self.pipeline is not None
        while self._to_settle:
            rows, self._to_settle = self._to_settle, []
            try:
                changed = await self._settle_rows(rows)
            finally:
                self._unsettled -= len(rows)
                if self._unsettled < MAX_UNSETTLED:
                    self._room.set()
            if changed and self.on_settled is not None:
                try:
                    self.on_settled(changed)
                except Exception:
                    log.exception("answers: settled listener failed")

    def _queue_settle(self, row: LogRow) -> None:
        self._to_settle.append(row)
        self._unsettled += 1
        if self._unsettled >= MAX_UNSETTLED:
            self._room.clear()

    async def _settle_rows(self, rows: list[LogRow]) -> list[StoredComment]:
        """Log ``rows`` and move their comments on (``act``); the comments changed."""
        assert self.pipeline is not None
        try:
            fates = await self.pipeline.run_in_writer(settle, rows)
        except Exception:
            log.exception("%d answered questions not logged", len(rows))
            return []
        if not fates or self.act is None:
            return []
        try:
            return await self.act(fates)
        except Exception:
            log.exception("answers: %d questions logged but not moved on", len(fates))
            return []

    async def answer_stored(self, comment: StoredComment, client: str) -> Answer | None:
        """Answer a comment a bridge delivered (already stored), by the same rules, when
        no show is on air; None when on air or not ready (it stays for the studio)."""
        if not self.ready:
            self.start_soon()  # built on first use; until then the studio answers
            return None
        answer = await asyncio.get_running_loop().run_in_executor(
            self._executor, self._answer_off_air, comment.text)
        if answer is None:
            return None
        self._queue_settle(LogRow(
            comment.id, client, comment.platform, "", comment.user_id, comment.text_masked,
            answer.answered, answer.reason.value,
            answer.item if answer.answered else answer.triaged_item,
            answer.entry.id if answer.entry else None,
            answer.entry.reviewed_at if answer.entry else None,
            answer.entry.short_answer if answer.entry else "", answer.confidence,
            answer.is_question, int(time.time() * 1000)))
        if self._flush is None or self._flush.done():
            self._flush = asyncio.get_running_loop().create_task(self._settle_now())
        return answer

    async def wait_stored(self, timeout: float = 10.0) -> None:
        """Wait until every question asked so far is committed and settled (tests, stop)."""
        deadline = time.monotonic() + timeout
        while (self._storing or self._pending or self._to_settle
               or (self._flush and not self._flush.done())):
            if time.monotonic() > deadline:
                raise TimeoutError("questions still being stored")
            await asyncio.sleep(0.01)

    async def passed_on_questions(self) -> list[StoredComment]:
        """The open questions passed on earlier (the next show's queue)."""
        return await asyncio.get_running_loop().run_in_executor(self._executor, self._passed_on)


def _with_comment(row: LogRow, comment_id: int) -> LogRow:
    from dataclasses import replace

    return replace(row, comment_id=comment_id)
