"""What the knowledge service does on its worker thread, and the plain data it hands back.

Each function takes the worker's ``KnowledgeBase`` first and returns frozen data (no
connection, no live object), so the result may cross to the GUI thread and be read there
while the worker goes on. Nothing here knows about Qt: ``knowledge_service.py`` runs these
on its thread and delivers their results; the tests call them directly too.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from videohelp.console.kb_review import Finding, Progress, ReviewSession
from videohelp.core.catalog import Catalog, Change, Item
from videohelp.core.kb_types import Entry
from videohelp.core.knowledge import KnowledgeBase


@dataclass(frozen=True)
class Tree:
    """The catalog with each item's number of entries (the browser's left pane)."""

    catalog: Catalog
    counts: dict[str, int]


@dataclass(frozen=True)
class EntryList:
    """The entries of one filter (class, item, search words), with what the table shows."""

    klass: str | None
    item: str | None
    query: str
    entries: list[Entry]
    on_air: dict[str, int]
    decisions: dict[str, str]  # entry id -> its latest history action (retire, needs_expert, …)


@dataclass(frozen=True)
class EntryDetail:
    """One entry as the editor shows it: its history, airings and standing decision."""

    entry: Entry
    history: list[Change]
    aired: int
    decision: str | None
    is_new: bool = False


@dataclass(frozen=True)
class ItemDetail:
    """One business item as its editor shows it; ``changed``: a save stored a new version."""

    item: Item
    version: int
    history: list[Change]
    changed: bool = False


@dataclass(frozen=True)
class ReviewSnapshot:
    """The review queue, progress and what to check, from one read of the base."""

    entries: list[Entry]
    progress: Progress
    asked: dict[str, int]
    scope: list[str]
    catalog: Catalog
    findings: dict[tuple[str, int], list[Finding]] = field(default_factory=dict)


@dataclass(frozen=True)
class Suggestions:
    """The suggested answers for a question, best first; retired ones left out."""

    ids: tuple[str, ...]
    entries: list[Entry]


@dataclass(frozen=True)
class Snapshot:
    """Every live entry by id (what the answer panel shows at once, before its fresh read)
    and each item's number of entries (the browser's tree when it opens)."""

    entries: dict[str, Entry]
    counts: dict[str, int]


def tree(kb: KnowledgeBase) -> Tree:
    return Tree(kb.catalog_store.catalog(), kb.entry_counts())


def entry_list(kb: KnowledgeBase, klass: str | None, item: str | None, query: str) -> EntryList:
    if query.strip():
        entries = kb.search(query, item=item, klass=klass, include_retired=True)
    else:
        entries = kb.entries(item=item, klass=klass, include_retired=True)
    return EntryList(klass, item, query, entries, kb.on_air_counts(), kb.latest_actions())


def entry_detail(kb: KnowledgeBase, entry_id: str) -> EntryDetail:
    return EntryDetail(kb.get(entry_id), kb.history(entry_id), kb.on_air_counts().get(entry_id, 0),
                       kb.latest_actions().get(entry_id))


def new_entry(kb: KnowledgeBase, item: str) -> EntryDetail:
    """A blank entry for ``item`` under the next free id (stored only when saved)."""
    return EntryDetail(Entry(kb.next_id(item), item, (), "", "", "", ""), [], 0, None, is_new=True)


def save_entry(kb: KnowledgeBase, entry: Entry, actor: str) -> EntryDetail:
    return entry_detail(kb, kb.save(entry, actor=actor).id)


def mark_reviewed(kb: KnowledgeBase, entry_id: str, reviewer: str) -> EntryDetail:
    return entry_detail(kb, kb.mark_reviewed(entry_id, reviewer).id)


def item_detail(kb: KnowledgeBase, code: str, changed: bool = False) -> ItemDetail:
    store = kb.catalog_store
    return ItemDetail(store.item(code), store.version(code), store.history(code), changed)


def save_item(kb: KnowledgeBase, item: Item, actor: str, note: str) -> ItemDetail:
    changed = kb.catalog_store.update_item(item, actor, note)
    if changed:
        kb.notify(None)  # the item's words feed the search: the table reads again
    return item_detail(kb, item.code, changed)


def suggestions(kb: KnowledgeBase, ids: tuple[str, ...]) -> Suggestions:
    retired = kb.retired_ids() if ids else set()
    found = []
    for entry_id in ids:
        if entry_id in retired:
            continue
        try:
            found.append(kb.get(entry_id))
        except KeyError:  # triage learnt it at start; gone since (a restore of an old copy)
            continue
    return Suggestions(ids, found)


def snapshot(kb: KnowledgeBase) -> Snapshot:
    return Snapshot({entry.id: entry for entry in kb.entries()}, kb.entry_counts())


class Reviews:
    """The officer's review pass on the worker: one ``ReviewSession`` kept between requests
    (its conflict and duplicate findings take about 0.15 s to compute)."""

    def __init__(self) -> None:
        self.session: ReviewSession | None = None

    def _session(self, kb: KnowledgeBase, reviewer: str, top_items: int | None) -> ReviewSession:
        if self.session is None or self.session.kb is not kb:
            self.session = ReviewSession(kb, reviewer, top_items=top_items)
        self.session.reviewer, self.session.top_items = reviewer, top_items
        return self.session

    def snapshot(self, kb: KnowledgeBase, reviewer: str, top_items: int | None,
                 refresh: bool = False) -> ReviewSnapshot:
        session = self._session(kb, reviewer, top_items)
        if refresh:
            session.refresh_findings()
        entries, progress = session.snapshot()
        return ReviewSnapshot(entries, progress, dict(session.asked), session.scope(), session.catalog,
                              {(e.id, e.version): session.findings(e) for e in entries})

    def decide(self, kb: KnowledgeBase, decision: str, entry_id: str, reviewer: str, note: str,
               top_items: int | None) -> ReviewSnapshot:
        """approve, needs_expert, retire or restore ``entry_id``; the queue read again."""
        session = self._session(kb, reviewer, top_items)
        if decision not in ("approve", "needs_expert", "retire", "restore"):
            raise ValueError(f"unknown review decision {decision!r}")
        getattr(session, decision)(entry_id, note)
        return self.snapshot(kb, reviewer, top_items)

    def restore(self, kb: KnowledgeBase, entry_id: str, actor: str) -> EntryDetail:
        """Bring a retired entry back (the entry editor's Restore)."""
        self._session(kb, actor, None).restore(entry_id)
        return entry_detail(kb, entry_id)

