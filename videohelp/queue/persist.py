"""The comment writer: one thread owns the write connection and commits in batches.

Per-row commits top out at a few thousand rows/s with ``synchronous=FULL``;
one transaction per batch reaches tens of thousands. Everything in a batch is
durable when ``write`` returns, which is when the pipeline may acknowledge.

A batch is written with a handful of statements, not one per row: every
statement releases and re-takes the GIL, and with the event loop parsing
frames on the other thread each re-take waits, which halved the writer's
throughput under load. Holding the write lock (BEGIN IMMEDIATE), the writer
finds the batch's duplicates with one query and numbers the new rows itself.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from videohelp.core.store import Store
from videohelp.queue.comments import IncomingComment, State, StoredComment
from videohelp.queue.dedup import RepeatRules, RepeatTracker, Seen, repeat_key
from videohelp.queue.masking import mask_name, mask_text
from videohelp.queue.normalize import normalize_text

log = logging.getLogger(__name__)

_COLUMNS = ("id", "platform", "msg_id", "user_id", "user_name", "user_name_masked", "text",
            "text_masked", "ts_ms", "received_ms", "state", "blocked", "repeat_of")
_ROWS_PER_STATEMENT = 200  # 13 x 200 bound values, well under SQLite's 32,766
DEFAULT_REPEAT_RULES = RepeatRules()


def now_ms() -> int:
    return int(time.time() * 1000)


@dataclass(frozen=True, slots=True)
class WriteResult:
    """What a batch write did: the new rows, and the keys that were already stored."""

    stored: list[StoredComment]
    duplicates: list[tuple[str, str]]


@dataclass(frozen=True, slots=True)
class PlatformEvent:
    """A like, gift, viewer count or other platform event, kept for the show's figures."""

    platform: str
    kind: str
    ts_ms: int
    payload: dict
    msg_id: str | None = None  # the bridge's id, if any: (platform, msg_id) is stored once


class CommentWriter:
    """Writes comments to the store; call only from the one writer thread."""

    def __init__(self, db_path: Path | str, blocklist: Sequence[str] = (),
                 repeats: RepeatRules | None = DEFAULT_REPEAT_RULES) -> None:
        self.db_path = db_path
        # Compared on the folded form, so "代 办-驾照" and full-width variants still match.
        self.blocklist = tuple(key for key in (repeat_key(normalize_text(word).casefold())
                                               for word in blocklist if word.strip()) if key)
        self.repeat_rules = repeats
        self._tracker: RepeatTracker | None = None
        self._store: Store | None = None

    @property
    def store(self) -> Store:
        # Opened lazily so the connection is created in the writer thread.
        if self._store is None:
            self._store = Store(self.db_path)
        return self._store

    def is_blocked(self, text: str) -> bool:
        if not self.blocklist:
            return False
        key = repeat_key(text.casefold())
        return any(word in key for word in self.blocklist)

    def _repeat_tracker(self, now: int) -> RepeatTracker | None:
        """The tracker, primed from the store on first use (so a restart keeps merging)."""
        if self.repeat_rules is None:
            return None
        if self._tracker is None:
            rules = self.repeat_rules
            tracker = RepeatTracker(rules)
            since = now - max(rules.viewer_window_ms, rules.text_window_ms, rules.burst_window_ms)
            # In received order, along the received_ms index: "ORDER BY id" made SQLite walk
            # the whole table instead (230 ms at 1,000,000 comments, on every start).
            rows = self.store.conn.execute(
                "SELECT id, platform, user_id, text, received_ms, repeat_of FROM comments"
                " WHERE received_ms >= ? ORDER BY received_ms, id", (since,))
            tracker.prime(Seen(r["id"], r["platform"], r["user_id"], r["text"],
                               r["received_ms"], r["repeat_of"]) for r in rows)
            self._tracker = tracker
        return self._tracker

    def write(self, comments: Sequence[IncomingComment],
              events: Sequence[PlatformEvent] = ()) -> WriteResult:
        """Insert a batch in one transaction; duplicates (platform, msg_id) are skipped."""
        received = now_ms()
        stored: list[StoredComment] = []
        duplicates: list[tuple[str, str]] = []
        tracker = self._repeat_tracker(received)
        if tracker is not None:
            tracker.expire(received)
        try:
            with self.store.transaction() as conn:
                known = _stored_keys(conn, [(c.platform, c.msg_id) for c in comments])
                # The write lock is ours until COMMIT: nobody else can take these ids.
                next_id = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM comments"
                                       ).fetchone()[0]
                for comment in comments:
                    msg_key = (comment.platform, comment.msg_id)
                    if msg_key in known:
                        duplicates.append(msg_key)
                        continue
                    known.add(msg_key)  # the same id twice in one batch is stored once
                    blocked = self.is_blocked(comment.text)
                    key = repeat_key(comment.text)
                    repeat_of = (tracker.check(comment, received, key)
                                 if tracker is not None else None)
                    stored.append(StoredComment(
                        id=next_id, platform=comment.platform, msg_id=comment.msg_id,
                        user_id=comment.user_id, user_name=comment.user_name,
                        user_name_masked=mask_name(comment.user_name), text=comment.text,
                        text_masked=mask_text(comment.text), ts_ms=comment.ts_ms,
                        received_ms=received, state=State.BLOCKED if blocked else State.NEW,
                        blocked=blocked, repeat_of=repeat_of))
                    if tracker is not None:
                        tracker.record(Seen(next_id, comment.platform, comment.user_id,
                                            comment.text, received, repeat_of, key))
                    next_id += 1
                _insert_rows(conn, stored)
                self._write_events(conn, events)
        except BaseException:
            # The rolled-back ids may be handed out again: forget them all.
            if tracker is not None:
                tracker.reset()
            raise
        return WriteResult(stored, duplicates)

    def _write_events(self, conn: sqlite3.Connection, events: Sequence[PlatformEvent]) -> None:
        conn.executemany(
            "INSERT INTO platform_events (platform, kind, ts_ms, payload, msg_id)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [(e.platform, e.kind, e.ts_ms, json.dumps(e.payload, ensure_ascii=False), e.msg_id)
             for e in events])

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None
            self._tracker = None


def _stored_keys(conn: sqlite3.Connection, keys: list[tuple[str, str]]) -> set[tuple[str, str]]:
    """Which of ``keys`` (platform, msg_id) are stored already: one query per 250 keys."""
    found: set[tuple[str, str]] = set()
    for start in range(0, len(keys), 250):
        chunk = keys[start:start + 250]
        values = ",".join("(?, ?)" for _ in chunk)
        found.update(conn.execute(
            f"SELECT c.platform, c.msg_id FROM (VALUES {values}) AS k "
            "JOIN comments AS c ON c.platform = k.column1 AND c.msg_id = k.column2",
            [part for key in chunk for part in key]).fetchall())
    return {(platform, msg_id) for platform, msg_id in found}


def _insert_rows(conn: sqlite3.Connection, rows: Sequence[StoredComment]) -> None:
    """Multi-row INSERTs; every other column takes its default (NULL: not triaged yet)."""
    columns = ", ".join(_COLUMNS)
    for start in range(0, len(rows), _ROWS_PER_STATEMENT):
        chunk = rows[start:start + _ROWS_PER_STATEMENT]
        placeholders = ",".join(["(" + ", ".join("?" * len(_COLUMNS)) + ")"] * len(chunk))
        conn.execute(f"INSERT INTO comments ({columns}) VALUES {placeholders}",
                     [value for row in chunk for value in (
                         row.id, row.platform, row.msg_id, row.user_id, row.user_name,
                         row.user_name_masked, row.text, row.text_masked, row.ts_ms,
                         row.received_ms, row.state.value, row.blocked, row.repeat_of)])


def change_state(conn: sqlite3.Connection, comment_id: int, target: State, actor: str,
                 detail: str = "") -> tuple[StoredComment, StoredComment]:
    """The one writer of a comment's state, inside the caller's transaction: check the
    transition, record who and when, and close the expert flag when a question leaves the
    experts' list (whichever path moved it). Return (before, after)."""
    from videohelp.queue.states import check_transition

    row = conn.execute("SELECT * FROM comments WHERE id = ?", (comment_id,)).fetchone()
    if row is None:
        raise KeyError(f"no comment {comment_id}")
    before = StoredComment.from_row(dict(row))
    check_transition(before.state, target)
    stamp = now_ms()
    conn.execute("UPDATE comments SET state = ? WHERE id = ?", (target.value, comment_id))
    conn.execute(
        "INSERT INTO comment_history (comment_id, at_ms, actor, from_state, to_state, detail)"
        " VALUES (?, ?, ?, ?, ?, ?)", (comment_id, stamp, actor, before.state.value, target.value,
                                       detail))
    if before.state == State.FLAGGED and target != State.FLAGGED:
        conn.execute("UPDATE expert_flags SET closed_ms = ? WHERE comment_id = ? AND closed_ms IS NULL",
                     (stamp, comment_id))
    after = conn.execute("SELECT * FROM comments WHERE id = ?", (comment_id,)).fetchone()
    return before, StoredComment.from_row(dict(after))


def set_state(store: Store, comment_id: int, target: State, actor: str,
              detail: str = "") -> StoredComment:
    """Change a comment's state (checked) and record who and when, in its own transaction
    (``change_state``: an open expert flag is closed too). Writer thread only."""
    with store.transaction() as conn:
        return change_state(conn, comment_id, target, actor, detail)[1]
