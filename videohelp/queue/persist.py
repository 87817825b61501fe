"""The comment writer: one thread owns the write connection and commits in batches.

Per-row commits top out at a few thousand rows/s with ``synchronous=FULL``;
one transaction per batch reaches tens of thousands. Everything in a batch is
durable when ``write`` returns, which is when the pipeline may acknowledge.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from videohelp.console.store import Store
from videohelp.queue.comments import IncomingComment, State, StoredComment
from videohelp.queue.dedup import RepeatRules, RepeatTracker, Seen, repeat_key
from videohelp.queue.masking import mask_name, mask_text
from videohelp.queue.normalize import normalize_text

log = logging.getLogger(__name__)

_INSERT = """
INSERT INTO comments (platform, msg_id, user_id, user_name, user_name_masked, text,
                      text_masked, ts_ms, received_ms, state, blocked, repeat_of)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (platform, msg_id) DO NOTHING
RETURNING *
"""
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
        self._event_keys: bool | None = None

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
            rows = self.store.conn.execute(
                "SELECT id, platform, user_id, text, received_ms, repeat_of FROM comments"
                " WHERE received_ms >= ? ORDER BY id", (since,))
            tracker.prime(Seen(r["id"], r["platform"], r["user_id"], r["text"],
                               r["received_ms"], r["repeat_of"]) for r in rows)
            self._tracker = tracker
        return self._tracker

    def _events_have_keys(self) -> bool:
        if self._event_keys is None:
            columns = {row["name"] for row in
                       self.store.conn.execute("PRAGMA table_info(platform_events)")}
            self._event_keys = "msg_id" in columns
        return self._event_keys

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
                for comment in comments:
                    blocked = self.is_blocked(comment.text)
                    key = repeat_key(comment.text)
                    repeat_of = tracker.check(comment, received, key) if tracker else None
                    row = conn.execute(_INSERT, (
                        comment.platform, comment.msg_id, comment.user_id, comment.user_name,
                        mask_name(comment.user_name), comment.text, mask_text(comment.text),
                        comment.ts_ms, received, State.BLOCKED if blocked else State.NEW,
                        blocked, repeat_of,
                    )).fetchone()
                    if row is None:
                        duplicates.append((comment.platform, comment.msg_id))
                        continue
                    stored.append(StoredComment.from_row(dict(row)))
                    if tracker is not None:
                        tracker.record(Seen(row["id"], comment.platform, comment.user_id,
                                            comment.text, received, repeat_of, key))
                self._write_events(conn, events)
        except BaseException:
            # The rolled-back ids may be handed out again: forget them all.
            if tracker is not None:
                tracker.reset()
            raise
        return WriteResult(stored, duplicates)

    def _write_events(self, conn: sqlite3.Connection, events: Sequence[PlatformEvent]) -> None:
        if self._events_have_keys():
            conn.executemany(
                "INSERT INTO platform_events (platform, kind, ts_ms, payload, msg_id)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                [(e.platform, e.kind, e.ts_ms, json.dumps(e.payload, ensure_ascii=False),
                  e.msg_id) for e in events])
        else:
            conn.executemany(
                "INSERT INTO platform_events (platform, kind, ts_ms, payload) VALUES (?, ?, ?, ?)",
                [(e.platform, e.kind, e.ts_ms, json.dumps(e.payload, ensure_ascii=False))
                 for e in events])

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None
            self._tracker = None
            self._event_keys = None


def set_state(store: Store, comment_id: int, target: State, actor: str,
              detail: str = "") -> StoredComment:
    """Change a comment's state (checked) and record who and when. Writer thread only."""
    from videohelp.queue.states import check_transition

    with store.transaction() as conn:
        row = conn.execute("SELECT * FROM comments WHERE id = ?", (comment_id,)).fetchone()
        if row is None:
            raise KeyError(f"no comment {comment_id}")
        current = State(row["state"])
        check_transition(current, target)
        conn.execute("UPDATE comments SET state = ? WHERE id = ?", (target.value, comment_id))
        conn.execute(
            "INSERT INTO comment_history (comment_id, at_ms, actor, from_state, to_state, detail)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (comment_id, now_ms(), actor, current.value, target.value, detail),
        )
        updated = conn.execute("SELECT * FROM comments WHERE id = ?", (comment_id,)).fetchone()
    return StoredComment.from_row(dict(updated))
