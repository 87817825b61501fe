"""The desk's one way to the knowledge base: a QObject that owns it on a worker thread.

Widgets never touch SQLite (docs/architecture.md). The knowledge dock, the entry and
item editors, the review dialog, the "answered automatically" list and the answer
panel ask this service; it runs the work (``knowledge_work.py``) on its own single
thread, where it opened the ``KnowledgeBase`` (one connection, used by that thread
only), and hands each result back on the GUI thread as a typed signal carrying the
request's id (Picard's rule: one way back, one wrapper per engine). Each widget keeps
the id of its latest request and drops any other: a late answer for an old selection
never overwrites a newer one.

Why a thread of its own and not the pipeline's writer: browsing runs FTS searches over
every entry and the review's checks take about 0.15 s; on the writer they would wait
behind, and hold up, the comments being stored at up to 300 a second. SQLite's WAL lets
this connection read beside the writer; its writes take the same ``BEGIN IMMEDIATE``
lock as every other writer (10 s busy timeout, then a clear "busy" failure).

The way back is a queued signal: the worker emits ``_delivered``; the service lives on
the GUI thread, so Qt runs ``_deliver`` there, in order, between events (as the report
job does, console/reports/job.py). After ``close`` nothing more is delivered.
"""

from __future__ import annotations

import itertools
import logging
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from videohelp.console import knowledge_work as work
from videohelp.core.catalog import Catalog, CatalogError, Item
from videohelp.core.kb_types import Entry, KnowledgeError
from videohelp.core.knowledge import KnowledgeBase
from videohelp.core.regulations import RegulationIndex, load_regulations
from videohelp.core.settings import Settings
from videohelp.core.store import StoreError

log = logging.getLogger(__name__)
# The answer snapshot is read again this long after the last change, not after each: a
# review pass changes an entry every few keys, and a read of all 454 entries after each
# decision queued before the next one (99 ms per decision against 51 ms before the
# service, at load 17; the panel's fresh read per selection covers the gap).
SNAPSHOT_DELAY_MS = 400


class KnowledgeServiceError(RuntimeError):
    """The service is closed or its base could not be opened."""


@dataclass(frozen=True)
class KnowledgeFailure:
    """Why a request failed. ``kind``: invalid (the input: the text says what), busy
    (another program holds the write lock), broken (the file cannot be used), closed."""

    kind: str
    detail: str

    def __str__(self) -> str:
        return self.detail


def failure_of(exc: BaseException) -> KnowledgeFailure:
    """The failure an exception from the worker stands for (the operator reads ``detail``)."""
    if isinstance(exc, KeyError):
        return KnowledgeFailure("invalid", f"no knowledge entry {exc.args[0]!r}" if exc.args else "not found")
    if isinstance(exc, KnowledgeError | CatalogError | ValueError):
        return KnowledgeFailure("invalid", str(exc))
    if isinstance(exc, sqlite3.OperationalError) and ("locked" in str(exc) or "busy" in str(exc)):
        return KnowledgeFailure("busy", str(exc))
    if isinstance(exc, sqlite3.Error | StoreError | OSError):
        return KnowledgeFailure("broken", str(exc))
    return KnowledgeFailure("broken", f"{type(exc).__name__}: {exc}")


class KnowledgeService(QObject):
    """The knowledge base on a worker thread; every result comes back as a signal.

    Request methods return the request's id at once; the answer is the signal named
    beside each, ``(id, result)``, or ``failed(id, KnowledgeFailure)``.

    Signals:
        opened(): the base is open (seeded the first time); ``catalog``, ``regulations``
            and the answer snapshot are ready.
        unavailable(object): the base cannot be opened: a ``KnowledgeFailure``.
        changed(object): an entry (its id), or anything (None), changed through the service.
        catalogSaved(str): a business item (this code) was saved as a new version.
        treeLoaded, entriesListed, entryLoaded, itemLoaded, reviewLoaded, suggestionsReady,
        answersLoaded, answerWithdrawn, done: results (id, data); see each method.
        failed(int, object): the request with this id failed: a ``KnowledgeFailure``.
    """

    opened = Signal()
    unavailable = Signal(object)
    changed = Signal(object)
    catalogSaved = Signal(str)
    treeLoaded = Signal(int, object)
    entriesListed = Signal(int, object)
    entryLoaded = Signal(int, object)
    itemLoaded = Signal(int, object)
    reviewLoaded = Signal(int, object)
    suggestionsReady = Signal(int, object)
    answersLoaded = Signal(int, object)
    answerWithdrawn = Signal(int, str)
    done = Signal(int, object)
    failed = Signal(int, object)
    # From the worker thread; queued to ``_deliver`` on the service's (GUI) thread.
    _delivered = Signal(int, str, object, object)
    _changedOnWorker = Signal(object)

    def __init__(self, database: Path | str, *, regulations_dir: str = "",
                 studio_regulations_dir: str = "", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ids = itertools.count(1)
        self._executor: ThreadPoolExecutor | None = ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="knowledge")
        self._kb: KnowledgeBase | None = None  # the worker's; never read on the GUI thread
        self._reviews = work.Reviews()
        self._refreshing = False
        self._stale = False
        self.thread_id: int | None = None  # the worker thread (tests assert the work ran there)
        self.catalog: Catalog | None = None
        self.regulations: RegulationIndex | None = None
        self.snapshot: work.Snapshot | None = None
        self.failure: KnowledgeFailure | None = None
        self._snapshot_timer = QTimer(self)
        self._snapshot_timer.setSingleShot(True)
        self._snapshot_timer.setInterval(SNAPSHOT_DELAY_MS)
        self._snapshot_timer.timeout.connect(self._refresh_snapshot)
        self._delivered.connect(self._deliver)
        self._changedOnWorker.connect(self._on_changed)
        self._open(Path(database), regulations_dir, studio_regulations_dir)

    @classmethod
    def for_settings(cls, database: Path, settings: Settings,
                     parent: QObject | None = None) -> KnowledgeService:
        """The service over a show's database with its regulation texts settings (the session
        makes it: ``ShowSession.open_knowledge``)."""
        return cls(database, regulations_dir=settings["kb.regulations_dir"],
                   studio_regulations_dir=settings["kb.studio_regulations_dir"], parent=parent)

    # -- the worker ---------------------------------------------------------------------------
    def _open(self, database: Path, regulations_dir: str, studio_dir: str) -> None:
        def opening(_kb: Any) -> tuple[Catalog, RegulationIndex | None, work.Snapshot]:
            self.thread_id = threading.get_ident()
            regulations = load_regulations(regulations_dir or None, studio_dir or None)
            kb = KnowledgeBase.open(database, regulations)
            self._kb = kb
            kb.add_listener(self._changedOnWorker.emit)  # runs on the worker: queued back
            return kb.catalog_store.catalog(), regulations, work.snapshot(kb)

        self._run("_opened", opening, needs_base=False)

    def _run(self, signal: str, func: Callable[..., Any], *args: Any, needs_base: bool = True) -> int:
        request = next(self._ids)
        if self._executor is None:
            closed = KnowledgeFailure("closed", "the knowledge base is closed")
            self._delivered.emit(request, signal, None, closed)
            return request
        self._executor.submit(self._work, request, signal, func, args, needs_base)
        return request

    def _work(self, request: int, signal: str, func: Callable[..., Any], args: tuple,
              needs_base: bool) -> None:
        result, failure = None, None
        try:
            if needs_base and self._kb is None:
                raise KnowledgeServiceError(str(self.failure or "the knowledge base is not open"))
            result = func(self._kb, *args)
        except KnowledgeServiceError as exc:
            failure = self.failure or KnowledgeFailure("broken", str(exc))
        except Exception as exc:  # every failure goes back to the widget that asked, in words
            failure = failure_of(exc)
            level = logging.INFO if failure.kind == "invalid" else logging.WARNING
            log.log(level, "knowledge request %d (%s) failed: %s", request, signal, failure)
        try:
            self._delivered.emit(request, signal, result, failure)
        except RuntimeError:  # the service was deleted while this ran: nobody left to tell
            log.debug("knowledge result %d dropped", request)

    @Slot(int, str, object, object)
    def _deliver(self, request: int, signal: str, result: Any, failure: KnowledgeFailure | None) -> None:
        if self._executor is None:
            return  # closed: the widgets are going away
        if signal == "_opened":
            if failure is not None:
                self.failure = failure
                log.error("knowledge base unavailable: %s", failure)
                self.unavailable.emit(failure)
                return
            self.catalog, self.regulations, self.snapshot = result
            self.opened.emit()
            return
        if signal == "_catalog":  # an item was saved: editors name items from it
            self.catalog = result
            return
        if signal == "_snapshot":
            self._refreshing = False
            if failure is None:
                self.snapshot = result
            if self._stale:
                self._refresh_snapshot()
            return
        if failure is not None:
            self.failed.emit(request, failure)
            return
        getattr(self, signal).emit(request, result)
        if signal == "itemLoaded" and result.changed:
            self.catalogSaved.emit(result.item.code)

    @Slot(object)
    def _on_changed(self, entry_id: str | None) -> None:
        self.changed.emit(entry_id)
        self._snapshot_timer.start()  # (again): one read after a burst of changes

    def _refresh_snapshot(self) -> None:
        """Read the answer snapshot again, once at a time (a burst of changes: one more read)."""
        if self._refreshing:
            self._stale = True
            return
        self._refreshing, self._stale = True, False
        self._run("_snapshot", work.snapshot)

    # -- state --------------------------------------------------------------------------------
    @property
    def is_open(self) -> bool:
        return self.snapshot is not None

    def cached(self, ids: tuple[str, ...] | list[str]) -> list[Entry] | None:
        """The live entries of ``ids`` from the snapshot (None before it is read): what the
        answer panel shows at once; its fresh read (``suggestions``) follows."""
        if self.snapshot is None:
            return None
        entries = self.snapshot.entries
        return [entries[entry_id] for entry_id in ids if entry_id in entries]

    def close(self) -> None:
        """End the worker thread, then close the base; later requests fail as closed."""
        executor, self._executor = self._executor, None
        if executor is None:
            return
        self._snapshot_timer.stop()
        # Requests not started are dropped; the one running ends first. Then the worker is
        # gone, so closing its connection here cannot race with it.
        executor.shutdown(wait=True, cancel_futures=True)
        kb, self._kb = self._kb, None
        if kb is not None:
            kb.close()
        log.info("knowledge service closed")

    def submit(self, func: Callable[..., Any], *args: Any) -> int:
        """Run ``func(kb, *args)`` on the worker; ``done(id, result)`` or ``failed``. For
        console code and tests (widgets use the typed requests below)."""
        return self._run("done", func, *args)

    def call(self, func: Callable[..., Any], *args: Any, timeout: float = 10.0) -> Any:
        """Run ``func(kb, *args)`` on the worker and wait for its result here (no signal).
        Never from a widget: for console code off the GUI path, tests and benchmarks."""
        if self._executor is None:
            raise KnowledgeServiceError("the knowledge base is closed")

        def with_base() -> Any:
            if self._kb is None:
                raise KnowledgeServiceError(str(self.failure or "the knowledge base is not open"))
            return func(self._kb, *args)

        future: Future = self._executor.submit(with_base)
        return future.result(timeout)

    # -- requests -----------------------------------------------------------------------------
    def tree(self) -> int:
        """treeLoaded(id, Tree): the catalog and each item's number of entries."""
        return self._run("treeLoaded", work.tree)

    def entries(self, klass: str | None = None, item: str | None = None, query: str = "") -> int:
        """entriesListed(id, EntryList): one class, one item or all, matching ``query``."""
        return self._run("entriesListed", work.entry_list, klass, item, query)

    def entry(self, entry_id: str) -> int:
        """entryLoaded(id, EntryDetail)."""
        return self._run("entryLoaded", work.entry_detail, entry_id)

    def new_entry(self, item: str) -> int:
        """entryLoaded(id, EntryDetail with is_new): a blank entry under the next free id."""
        return self._run("entryLoaded", work.new_entry, item)

    def save_entry(self, entry: Entry, actor: str) -> int:
        """entryLoaded(id, EntryDetail) as stored (a new version), or failed (the reasons)."""
        return self._run("entryLoaded", work.save_entry, entry, actor)

    def mark_reviewed(self, entry_id: str, reviewer: str) -> int:
        """entryLoaded(id, EntryDetail): reviewed by ``reviewer`` now."""
        return self._run("entryLoaded", work.mark_reviewed, entry_id, reviewer)

    def restore(self, entry_id: str, actor: str) -> int:
        """entryLoaded(id, EntryDetail): a retired entry suggested again."""
        return self._run("entryLoaded", self._reviews.restore, entry_id, actor)

    def item(self, code: str) -> int:
        """itemLoaded(id, ItemDetail)."""
        return self._run("itemLoaded", work.item_detail, code)

    def save_item(self, item: Item, actor: str, note: str) -> int:
        """itemLoaded(id, ItemDetail with ``changed``); catalogSaved(code) if it changed."""
        return self._run("itemLoaded", self._saving_item, item, actor, note)

    def _saving_item(self, kb: KnowledgeBase, item: Item, actor: str, note: str) -> work.ItemDetail:
        detail = work.save_item(kb, item, actor, note)
        if detail.changed:
            catalog = kb.catalog_store.catalog()
            self._delivered.emit(0, "_catalog", catalog, None)
        return detail

    def review(self, reviewer: str, top_items: int | None, *, refresh: bool = False) -> int:
        """reviewLoaded(id, ReviewSnapshot): the drafts to decide, progress, findings."""
        return self._run("reviewLoaded", self._reviews.snapshot, reviewer, top_items, refresh)

    def decide(self, decision: str, entry_id: str, reviewer: str, note: str,
               top_items: int | None) -> int:
        """reviewLoaded(id, ReviewSnapshot) after approve/needs_expert/retire/restore."""
        return self._run("reviewLoaded", self._reviews.decide, decision, entry_id, reviewer, note,
                         top_items)

    def suggestions(self, ids: tuple[str, ...] | list[str]) -> int:
        """suggestionsReady(id, Suggestions): the entries of ``ids`` read now, retired left out."""
        return self._run("suggestionsReady", work.suggestions, tuple(ids))

    def recent_answers(self, limit: int = 200) -> int:
        """answersLoaded(id, list[GivenAnswer]): the 24-hour service's newest answers."""
        return self._run("answersLoaded", _recent_answers, limit)

    def mark_answer_wrong(self, log_id: int, actor: str) -> int:
        """answerWithdrawn(id, entry id): the answer's entry withdrawn from automatic use."""
        return self._run("answerWithdrawn", _mark_wrong, log_id, actor)


def _recent_answers(kb: KnowledgeBase, limit: int) -> list:
    from videohelp.queue.answering.review import AnswerReview

    return AnswerReview(kb.store).recent(limit)


def _mark_wrong(kb: KnowledgeBase, log_id: int, actor: str) -> str:
    from videohelp.queue.answering.review import AnswerReview

    entry_id = AnswerReview(kb.store).mark_wrong(log_id, actor)
    kb.notify(entry_id)
    return entry_id
