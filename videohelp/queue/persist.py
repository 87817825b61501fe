"""The comment writer: one thread owns the write connection and commits in batches.

Per-row commits top out at a few thousand rows/s with ``synchronous=FULL``;
one transaction per batch reaches tens of thousands. Everything in a batch is
durable when ``write`` returns, which is when the pipeline may acknowledge.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from videohelp.console.store import Store
from videohelp.queue.comments import IncomingComment, State, StoredComment
from videohelp.queue.masking import mask_name, mask_text

log = logging.getLogger(__name__)

_INSERT = """
INSERT INTO comments (platform, msg_id, user_id, user_name, user_name_masked, text,
                      text_masked, ts_ms, received_ms, state, blocked)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (platform, msg_id) DO NOTHING
RETURNING *
"""


def now_ms() -> int:
    return int(time.time() * 1000)


@dataclass(frozen=True, slots=True)
class WriteResult:
    """What a batch write did: the new rows, and the keys that were already stored."""

    stored: list[StoredComment]
    duplicates: list[tuple[str, str]]


@dataclass(frozen=True, slots=True)
class PlatformEvent:
    platform: str
    kind: str
    ts_ms: int
    payload: dict


class CommentWriter:
    """Writes comments to the store; call only from the one writer thread."""

    def __init__(self, db_path: Path | str, blocklist: Sequence[str] = ()) -> None:
        self.db_path = db_path
        self.blocklist = tuple(word for word in blocklist if word)
        self._store: Store | None = None

    @property
    def store(self) -> Store:
        # Opened lazily so the connection is created in the writer thread.
        if self._store is None:
            self._store = Store(self.db_path)
        return self._store

    def is_blocked(self, text: str) -> bool:
        return any(word in text for word in self.blocklist)

    def write(self, comments: Sequence[IncomingComment],
              events: Sequence[PlatformEvent] = ()) -> WriteResult:
        """Insert a batch in one transaction; duplicates (platform, msg_id) are skipped."""
        received = now_ms()
        stored: list[StoredComment] = []
        duplicates: list[tuple[str, str]] = []
        with self.store.transaction() as conn:
            for comment in comments:
                blocked = self.is_blocked(comment.text)
                row = conn.execute(_INSERT, (
                    comment.platform, comment.msg_id, comment.user_id, comment.user_name,
                    mask_name(comment.user_name), comment.text, mask_text(comment.text),
                    comment.ts_ms, received, State.BLOCKED if blocked else State.NEW, blocked,
                )).fetchone()
                if row is None:
                    duplicates.append((comment.platform, comment.msg_id))
                else:
                    stored.append(StoredComment.from_row(dict(row)))
            conn.executemany(
                "INSERT INTO platform_events (platform, kind, ts_ms, payload) VALUES (?, ?, ?, ?)",
                [(e.platform, e.kind, e.ts_ms, json.dumps(e.payload, ensure_ascii=False))
                 for e in events],
            )
        return WriteResult(stored, duplicates)

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


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
