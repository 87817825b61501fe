"""The officer's review of draft answers: a queue, four decisions, progress (no widgets).

The queue holds the drafts nobody has decided about yet, the most-asked items first
(how many stored comments triage or the studio filed under each item), then the
catalog's order. For each entry the officer approves it (``mark_reviewed``, which
checks the citation again), edits it, marks it "needs expert" or retires it.

Every decision is a row of the entry's history (``kb_history``), and the standing
decision is read back from there: an entry whose latest history row is
``needs_expert`` waits for the expert group, one whose latest row is ``retire`` is no
longer suggested or searched. Editing an entry (a new ``edit`` row) puts it back in the
queue as a draft; ``restore`` brings back a retired one. So no table is added, and
the history stays the one record of who decided what and when.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field

from videohelp.console.kb_audit import conflicts, near_duplicates, outdated_terms, unsupported_figures
from videohelp.core.catalog import CLASSES, now_ms
from videohelp.core.knowledge import RETIRED_ACTION, Entry, KnowledgeBase, KnowledgeError, get_entry

log = logging.getLogger(__name__)

NEEDS_EXPERT = "needs_expert"
RETIRE = RETIRED_ACTION
RESTORE = "restore"
FLAG_ACTIONS = (NEEDS_EXPERT, RETIRE)



class ReviewError(KnowledgeError):
    """A review decision is refused (no reviewer, unknown entry, a check failed)."""


@dataclass(frozen=True)
class Finding:
    """Something the officer should look at before approving (shown as a warning)."""

    kind: str  # conflict, duplicate, figures, outdated, citation
    text: str
    other: str | None = None  # the other entry's id, for conflicts and duplicates


@dataclass
class Progress:
    """Per class: reviewed, drafts still to decide, waiting for experts, retired."""

    reviewed: dict[str, int] = field(default_factory=dict)
    drafts: dict[str, int] = field(default_factory=dict)
    needs_expert: dict[str, int] = field(default_factory=dict)
    retired: dict[str, int] = field(default_factory=dict)

    def total(self, name: str) -> int:
        counts: dict[str, int] = getattr(self, name)
        return sum(counts.values())


def standing_flags(kb: KnowledgeBase) -> dict[str, str]:
    """Entry id -> needs_expert/retire, for entries whose latest decision is one of them."""
    return {entry_id: action for entry_id, action in kb.latest_actions().items() if action in FLAG_ACTIONS}


def asked_counts(kb: KnowledgeBase) -> dict[str, int]:
    """How many stored questions were filed under each item (triage's or the studio's filing)."""
    conn = kb.store.conn
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'comments'").fetchone():
        return {}
    rows = conn.execute("SELECT item, count(*) FROM comments WHERE item IS NOT NULL "
                        "AND coalesce(is_question, 1) = 1 AND blocked = 0 GROUP BY item")
    return {row[0]: int(row[1]) for row in rows}


class ReviewSession:
    """One officer's pass through the drafts. Reads and writes through ``KnowledgeBase``.

    ``top_items``: only the drafts of the N most-asked items (None: every item).
    """

    def __init__(self, kb: KnowledgeBase, reviewer: str, *, top_items: int | None = None) -> None:
        self.kb = kb
        self.reviewer = reviewer
        self.top_items = top_items
        self.asked: dict[str, int] = {}
        self._conflicts: dict[str, list[str]] = {}
        self._duplicates: dict[str, list[tuple[str, float]]] = {}
        self._found: dict[tuple[str, int], list[Finding]] = {}
        self.catalog = kb.catalog_store.catalog()
        self.refresh_findings()

    # -- the queue ------------------------------------------------------------------------
    def item_order(self) -> list[str]:
        """Item codes, most asked first, then the catalog's order."""
        self.asked = asked_counts(self.kb)
        codes = list(self.catalog.items)  # the client's order
        position = {code: n for n, code in enumerate(codes)}
        return sorted(codes, key=lambda code: (-self.asked.get(code, 0), position[code]))

    def scope(self) -> list[str]:
        order = self.item_order()
        return order[:self.top_items] if self.top_items else order

    def queue(self) -> list[Entry]:
        """The drafts to decide about, in review order."""
        return self.snapshot()[0]

    def progress(self) -> Progress:
        """Counts per class over the session's scope."""
        return self.snapshot()[1]

    def snapshot(self) -> tuple[list[Entry], Progress]:
        """The queue and the progress from one read of the base (the dialog's refresh)."""
        flags = standing_flags(self.kb)
        rank = {code: n for n, code in enumerate(self.scope())}
        progress = Progress(*({klass: 0 for klass in CLASSES} for _ in range(4)))
        drafts = []
        for entry in self.kb.entries(include_retired=True):
            if entry.item not in rank:
                continue
            flag = flags.get(entry.id)
            bucket = (progress.retired if flag == RETIRE else progress.needs_expert if flag == NEEDS_EXPERT
                      else progress.drafts if entry.is_draft else progress.reviewed)
            klass = self.catalog[entry.item].klass
            bucket[klass] = bucket.get(klass, 0) + 1
            if entry.is_draft and flag is None:
                drafts.append(entry)
        return sorted(drafts, key=lambda e: (rank[e.item], e.id)), progress

    # -- what to look at ------------------------------------------------------------------
    def refresh_findings(self) -> None:
        """Recompute conflicts and near-duplicates over every live entry (about 0.15 s)."""
        entries = self.kb.entries()
        self.catalog = self.kb.catalog_store.catalog()
        self._conflicts, self._duplicates, self._found = {}, {}, {}
        for pair in conflicts(entries):
            self._conflicts.setdefault(pair.first, []).append(pair.second)
            self._conflicts.setdefault(pair.second, []).append(pair.first)
        for pair in near_duplicates(entries):
            self._duplicates.setdefault(pair.first, []).append((pair.second, pair.score))
            self._duplicates.setdefault(pair.second, []).append((pair.first, pair.score))

    def findings(self, entry: Entry) -> list[Finding]:
        """What to check about ``entry`` (cached per version: the queue shows a mark for each)."""
        key = (entry.id, entry.version)
        if key not in self._found:
            self._found[key] = self._findings(entry)
        return self._found[key]

    def _findings(self, entry: Entry) -> list[Finding]:
        found = [Finding("conflict", other, other) for other in self._conflicts.get(entry.id, [])]
        found += [Finding("duplicate", f"{other} ({score:.0%})", other)
                  for other, score in self._duplicates.get(entry.id, [])]
        regulations = self.kb.regulations
        if regulations is not None:
            problem = regulations.check(entry.source_file, entry.source_article) \
                if entry.source_file and entry.source_article else None
            if problem:
                found.append(Finding("citation", problem))
            for name, values in unsupported_figures(entry, regulations).items():
                shown = "、".join(f"{v:g}" for v in values)
                found.append(Finding("figures", f"{name}: {shown}"))
        found += [Finding("outdated", term) for term in outdated_terms(entry.short_answer)]
        return found

    # -- decisions ------------------------------------------------------------------------
    def _name(self) -> str:
        name = self.reviewer.strip()
        if not name:
            raise ReviewError("a review decision needs the reviewer's name")
        return name

    def approve(self, entry_id: str, note: str = "") -> Entry:
        """Mark reviewed now (the citation is checked again; refused with the reasons)."""
        return self.kb.mark_reviewed(entry_id, self._name(), note)

    def needs_expert(self, entry_id: str, note: str = "") -> Entry:
        return self._decide(entry_id, NEEDS_EXPERT, note)

    def retire(self, entry_id: str, note: str = "") -> Entry:
        return self._decide(entry_id, RETIRE, note)

    def restore(self, entry_id: str, note: str = "") -> Entry:
        return self._decide(entry_id, RESTORE, note)

    def _decide(self, entry_id: str, action: str, note: str) -> Entry:
        actor = self._name()
        with self.kb.store.transaction() as conn:
            entry = get_entry(conn, entry_id)
            if entry is None:
                raise ReviewError(f"no knowledge entry {entry_id!r}")
            record = json.dumps(entry.to_dict(), ensure_ascii=False)
            conn.execute(
                "INSERT INTO kb_history (entry_id, version, at_ms, actor, action, before, after, note) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (entry_id, entry.version, now_ms(), actor, action, record, record, note))
        log.info("%s: %s by %s", entry_id, action, actor)
        self.kb.notify(entry_id)
        if action in (RETIRE, RESTORE):
            self.refresh_findings()
        return entry

