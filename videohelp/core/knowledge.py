"""The Q&A knowledge base: cited answers the desk puts on air, with review and history.

Every entry answers one business item: viewer-style question variants, a short on-air
answer (at most 60 characters, it must fit a card), a full answer, and its source (a
regulation file and article). An entry is a draft until an officer marks it reviewed;
editing a reviewed entry's content makes it a draft again, because the review covered
the old words. A draft goes on air only with the officer's confirmation
(:func:`check_airable`). Every change is a new version with who, when, before and after
in ``kb_history``; every airing is a row in ``kb_airings``.

The shipped entries (``assets/kb/*.jsonl``) seed an empty database on first run.
Search is SQLite FTS5 with the trigram tokenizer (no segmenter needed), falling back to
LIKE for one- and two-character words such as 驾照 or 过户.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from videohelp.assets import asset_path
from videohelp.core.catalog import CLASSES, CatalogStore, Change, changes_from_rows, now_ms
from videohelp.core.kb_search import search_sql
from videohelp.core.kb_types import AMENDED_MARK as AMENDED_MARK
from videohelp.core.kb_types import CONTENT_FIELDS as CONTENT_FIELDS
from videohelp.core.kb_types import EXPERT_SOURCE as EXPERT_SOURCE
from videohelp.core.kb_types import RETIRED_ACTION as RETIRED_ACTION
from videohelp.core.kb_types import SHORT_ANSWER_MAX as SHORT_ANSWER_MAX
from videohelp.core.kb_types import STATUSES as STATUSES
from videohelp.core.kb_types import Entry as Entry
from videohelp.core.kb_types import KnowledgeError as KnowledgeError
from videohelp.core.kb_types import NotAirableError as NotAirableError
from videohelp.core.kb_types import check_entry as check_entry
from videohelp.core.store import Store

log = logging.getLogger(__name__)


def check_airable(entry: Entry, confirmed_by_officer: bool) -> None:
    """Raise ``NotAirableError`` unless ``entry`` may go on air now.

    Nothing in draft goes on air without the officer's confirmation; an answer too
    long for the card never does.
    """
    if len(entry.short_answer) > SHORT_ANSWER_MAX:
        raise NotAirableError(f"{entry.id}: on-air answer longer than {SHORT_ANSWER_MAX} characters")
    if entry.is_draft and not confirmed_by_officer:
        amended = ""
        if AMENDED_MARK in entry.change_note:
            amended = " (the rule has since changed: 公安部令第172号)"
        raise NotAirableError(f"{entry.id} is a draft{amended}: it needs the officer's "
                              f"confirmation before it goes on air")


def now_iso() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def _entry_from_row(row: sqlite3.Row) -> Entry:
    return Entry(row["id"], row["item"], tuple(json.loads(row["questions"])), row["short_answer"],
                 row["full_answer"], row["source_file"], row["source_article"], row["status"],
                 row["reviewed_by"], row["reviewed_at"], row["version"], row["change_note"])


def get_entry(conn: sqlite3.Connection, entry_id: str) -> Entry | None:
    row = conn.execute("SELECT * FROM kb_entries WHERE id = ?", (entry_id,)).fetchone()
    return _entry_from_row(row) if row else None


def write_entry(conn: sqlite3.Connection, entry: Entry, actor: str, *, action: str,
                note: str = "") -> Entry | None:
    """Insert or update ``entry`` inside the caller's transaction and record the change.

    A new entry keeps its version (an import round-trips it); an edit becomes the
    stored version + 1, and voids the review if the content changed but the review
    did not. Returns the stored entry, or None if nothing changed.
    """
    if not actor:
        raise KnowledgeError("a change needs the name of who made it")
    before = get_entry(conn, entry.id)
    stamp = now_ms()
    if before is not None:
        if replace(entry, version=before.version) == before:
            return None
        same_review = (entry.reviewed_by, entry.reviewed_at) == (before.reviewed_by, before.reviewed_at)
        if entry.content() != before.content() and not entry.is_draft and same_review:
            entry = replace(entry, status="draft", reviewed_by=None, reviewed_at=None)
        entry = replace(entry, version=before.version + 1)
    values = (entry.item, json.dumps(list(entry.questions), ensure_ascii=False), entry.short_answer,
              entry.full_answer, entry.source_file, entry.source_article, entry.status,
              entry.reviewed_by, entry.reviewed_at, entry.version, entry.change_note, actor, stamp)
    columns = ("item, questions, short_answer, full_answer, source_file, source_article, status, "
               "reviewed_by, reviewed_at, version, change_note, updated_by, updated_ms")
    if before is None:
        conn.execute(f"INSERT INTO kb_entries (id, {columns}) VALUES (?{', ?' * len(values)})",
                     (entry.id, *values))
    else:
        assignments = ", ".join(f"{name.strip()} = ?" for name in columns.split(","))
        conn.execute(f"UPDATE kb_entries SET {assignments} WHERE id = ?", (*values, entry.id))
    conn.execute(
        "INSERT INTO kb_history (entry_id, version, at_ms, actor, action, before, after, note) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (entry.id, entry.version, stamp, actor, action,
         json.dumps(before.to_dict(), ensure_ascii=False) if before else None,
         json.dumps(entry.to_dict(), ensure_ascii=False), note))
    return entry


def record_on_air(store: Store, entry_id: str, actor: str = "desk", *,
                  confirmed_by_officer: bool = False) -> int:
    """Count one airing of ``entry_id``; return how often it has been on air.

    Takes a ``Store`` first so the desk can run it on the writer thread
    (``pipeline.run_in_writer(record_on_air, entry_id, actor)``). Refuses a draft
    without the officer's confirmation, like :func:`check_airable`.
    """
    with store.transaction() as conn:
        entry = get_entry(conn, entry_id)
        if entry is None:
            raise KnowledgeError(f"no knowledge entry {entry_id!r}")
        check_airable(entry, confirmed_by_officer)
        conn.execute("INSERT INTO kb_airings (entry_id, at_ms, actor, confirmed_draft) VALUES (?, ?, ?, ?)",
                     (entry_id, now_ms(), actor, int(entry.is_draft)))
        return int(conn.execute("SELECT count(*) FROM kb_airings WHERE entry_id = ?",
                                (entry_id,)).fetchone()[0])


def load_shipped(kb_dir: Path | None = None) -> list[Entry]:
    """The shipped entries, in file order (MV, DL, EB, OL as the files sort)."""
    entries = []
    for path in sorted((kb_dir or asset_path("kb")).glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                entries.append(Entry.from_dict(json.loads(line)))
    return entries


class KnowledgeBase:
    """The knowledge base and its catalog in one database, for one thread.

    Listeners (``add_listener``) are called after each write made through this
    object with the changed entry's id, or None after a bulk change (an import).
    """

    def __init__(self, store: Store, regulations: Any = None) -> None:
        self.store = store
        self.regulations = regulations
        self.catalog_store = CatalogStore(store)
        self._listeners: list[Callable[[str | None], None]] = []

    @classmethod
    def open(cls, path: Path | str, regulations: Any = None, *, seed: bool = True) -> KnowledgeBase:
        kb = cls(Store(path), regulations)
        if seed:
            kb.seed_if_empty()
        return kb

    def close(self) -> None:
        self.store.close()

    def add_listener(self, listener: Callable[[str | None], None]) -> None:
        self._listeners.append(listener)

    def remove_listener(self, listener: Callable[[str | None], None]) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def notify(self, entry_id: str | None) -> None:
        """Tell the listeners that ``entry_id`` (None: anything) changed."""
        for listener in list(self._listeners):
            listener(entry_id)

    # -- reading ------------------------------------------------------------------------
    def get(self, entry_id: str) -> Entry:
        entry = get_entry(self.store.conn, entry_id)
        if entry is None:
            raise KeyError(entry_id)
        return entry

    def latest_actions(self) -> dict[str, str]:
        """Each entry's latest history action: its standing review decision (kb_review.py)."""
        # One pass over the history (a subquery per history row was 5% of the answering
        # service's CPU: every question passed on to the experts looks up retired entries).
        rows = self.store.conn.execute(
            "SELECT entry_id, action FROM kb_history "
            "WHERE id IN (SELECT max(id) FROM kb_history GROUP BY entry_id)")
        return {row[0]: row[1] for row in rows}

    def retired_ids(self) -> set[str]:
        """Entries the officer retired: kept with their history, never suggested or searched."""
        return {entry_id for entry_id, action in self.latest_actions().items() if action == RETIRED_ACTION}

    def entries(self, *, item: str | None = None, klass: str | None = None,
                include_retired: bool = False) -> list[Entry]:
        sql, params = "SELECT e.* FROM kb_entries e", []
        if item:
            sql, params = sql + " WHERE e.item = ?", [item]
        elif klass:
            sql += " JOIN catalog_items c ON c.code = e.item WHERE c.klass = ?"
            params = [klass]
        rows = self.store.conn.execute(sql + " ORDER BY e.item, e.id", params).fetchall()
        retired = set() if include_retired else self.retired_ids()
        return [entry for entry in map(_entry_from_row, rows) if entry.id not in retired]

    def search(self, query: str, *, item: str | None = None, klass: str | None = None,
               limit: int = 200, include_retired: bool = False) -> list[Entry]:
        """Entries matching every word of ``query``, best first (questions weigh most)."""
        retired = set() if include_retired else self.retired_ids()
        built = search_sql(query, item=item, klass=klass, limit=limit + len(retired))
        if built is None:
            return []
        found = [_entry_from_row(row) for row in self.store.conn.execute(*built).fetchall()]
        return [entry for entry in found if entry.id not in retired][:limit]

    def history(self, entry_id: str) -> list[Change]:
        """Every version of the entry, oldest first."""
        return changes_from_rows(self.store.conn.execute(
            "SELECT * FROM kb_history WHERE entry_id = ? ORDER BY id", (entry_id,)))

    def on_air_counts(self) -> dict[str, int]:
        rows = self.store.conn.execute("SELECT entry_id, count(*) FROM kb_airings GROUP BY entry_id")
        return {row[0]: int(row[1]) for row in rows}

    def entry_counts(self) -> dict[str, int]:
        """Entries per item code (items without entries are absent)."""
        rows = self.store.conn.execute("SELECT item, count(*) FROM kb_entries GROUP BY item")
        return {row[0]: int(row[1]) for row in rows}

    def next_id(self, item: str) -> str:
        taken = {row[0] for row in self.store.conn.execute(
            "SELECT id FROM kb_entries WHERE id LIKE ?", (f"{item}-%",))}
        number = 1
        while f"{item}-{number:03d}" in taken:
            number += 1
        return f"{item}-{number:03d}"

    def stats(self) -> dict[str, Any]:
        conn = self.store.conn
        per_item = {row[0]: int(row[1]) for row in conn.execute(
            "SELECT c.code, count(e.id) FROM catalog_items c LEFT JOIN kb_entries e ON e.item = c.code "
            "GROUP BY c.code ORDER BY c.rowid")}
        per_class = {klass: int(conn.execute(
            "SELECT count(*) FROM kb_entries e JOIN catalog_items c ON c.code = e.item "
            "WHERE c.klass = ?", (klass,)).fetchone()[0]) for klass in CLASSES}
        status = {s: 0 for s in STATUSES}
        status.update({row[0]: int(row[1]) for row in conn.execute(
            "SELECT status, count(*) FROM kb_entries GROUP BY status")})
        counts = self.on_air_counts()
        return {
            "entries": sum(per_item.values()), "items": len(per_item), "per_class": per_class,
            "status": status, "items_under_2": [code for code, n in per_item.items() if n < 2],
            "amended_172": int(conn.execute("SELECT count(*) FROM kb_entries WHERE change_note LIKE ?",
                                            (f"%{AMENDED_MARK}%",)).fetchone()[0]),
            "airings": sum(counts.values()),
            "top_aired": sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:10],
        }

    # -- writing ------------------------------------------------------------------------
    def seed_if_empty(self, kb_dir: Path | None = None) -> int:
        """Seed the catalog, then the shipped entries, once per database; return entries added."""
        self.catalog_store.seed_if_empty()
        added = 0
        with self.store.transaction() as conn:
            if conn.execute("SELECT 1 FROM kb_meta WHERE key = 'kb_seeded'").fetchone():
                return 0
            codes = self.catalog_store.codes()
            for entry in load_shipped(kb_dir):
                problems = check_entry(entry, codes)
                if problems or get_entry(conn, entry.id) is not None:
                    log.warning("shipped entry %s skipped: %s", entry.id,
                                "; ".join(problems) or "duplicate id")
                    continue
                write_entry(conn, entry, "shipped", action="seed")
                added += 1
            conn.execute("INSERT INTO kb_meta (key, value) VALUES ('kb_seeded', ?)", (str(now_ms()),))
        log.info("knowledge base seeded with %d shipped entries", added)
        self.notify(None)
        return added

    def save(self, entry: Entry, actor: str, note: str = "") -> Entry:
        """Create or edit an entry (checked first); return what was stored."""
        problems = check_entry(entry, self.catalog_store.codes(), self.regulations)
        if problems:
            raise KnowledgeError(f"{entry.id}: " + "; ".join(problems))
        with self.store.transaction() as conn:
            action = "edit" if get_entry(conn, entry.id) else "create"
            stored = write_entry(conn, entry, actor, action=action, note=note)
        if stored is None:
            return self.get(entry.id)
        self.notify(entry.id)
        return stored

    def mark_reviewed(self, entry_id: str, reviewer: str, note: str = "") -> Entry:
        """Record that ``reviewer`` checked the entry against its source, now."""
        reviewer = reviewer.strip()
        if not reviewer:
            raise KnowledgeError("marking reviewed needs the reviewer's name")
        with self.store.transaction() as conn:
            entry = get_entry(conn, entry_id)
            if entry is None:
                raise KeyError(entry_id)
            reviewed = replace(entry, status="reviewed", reviewed_by=reviewer, reviewed_at=now_iso())
            problems = check_entry(reviewed, self.catalog_store.codes(), self.regulations)
            if problems:
                raise KnowledgeError(f"{entry_id} cannot be marked reviewed: " + "; ".join(problems))
            stored = write_entry(conn, reviewed, reviewer, action="review", note=note)
        self.notify(entry_id)
        return stored or entry

    def record_on_air(self, entry_id: str, actor: str = "desk", *,
                      confirmed_by_officer: bool = False) -> int:
        count = record_on_air(self.store, entry_id, actor, confirmed_by_officer=confirmed_by_officer)
        self.notify(entry_id)
        return count
