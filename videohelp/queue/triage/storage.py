"""Triage in the database: decisions written to comments, and the studio's corrections.

Writes run on the pipeline's writer thread (``IngestPipeline.run_in_writer``).

When an officer re-files a comment (another item, or chatter), the correction
is stored in ``triage_corrections`` and the comment's own triage columns are
updated in the same transaction. Every engine built later learns from all
corrections, so the improvement survives a restart.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass

from videohelp.core.store import Store
from videohelp.queue.comments import State, StoredComment
from videohelp.queue.triage.corpus import CHATTER
from videohelp.queue.triage.engine import Correction

ACTOR = "triage"


@dataclass(frozen=True, slots=True)
class TriageUpdate:
    comment_id: int
    is_question: bool
    item: str | None
    confidence: float
    repeat_of: int | None = None
    # A repeat merged at ingest (same viewer, same text): it takes its original's
    # filing, now or as soon as the original has one (is_question/item unused).
    same_as: int | None = None


# Repeats merged at ingest that still wait for a filing take their original's
# (issue 16: before, they were never triaged and the daily review counted them
# under 未分拣). ``:ids`` is filled in by ``_file_repeats``.
_FILE_REPEATS = """
UPDATE comments SET
    is_question = (SELECT o.is_question FROM comments o WHERE o.id = comments.repeat_of),
    item = (SELECT o.item FROM comments o WHERE o.id = comments.repeat_of),
    confidence = (SELECT o.confidence FROM comments o WHERE o.id = comments.repeat_of),
    state = CASE WHEN state = 'new' THEN 'triaged' ELSE state END
WHERE id IN ({ids})
"""


def apply_triage(store: Store, updates: Sequence[TriageUpdate]) -> list[StoredComment]:
    """Write triage's decisions in one transaction; return the comments it changed.

    A comment still ``new`` becomes ``triaged`` (with a history row); one the
    desk already moved on (queued, on air...) keeps its state and only gets the
    triage columns. A repeat link set earlier (dedup) is kept.

    A decision is never written over another, so no comment is triaged twice:
    one triaged already is left alone, and one a person re-filed while it
    waited (``record_correction``: ``is_question`` set, still ``new``) keeps the
    person's filing and only becomes ``triaged``.
    """
    if not updates:
        return []
    now = int(time.time() * 1000)
    with store.transaction() as conn:
        ids = [u.comment_id for u in updates]
        marks = ",".join("?" * len(ids))
        found = {row["id"]: row for row in conn.execute(
            f"SELECT id, state, is_question, item FROM comments WHERE id IN ({marks})", ids)}
        todo = [u for u in updates if u.comment_id in found and u.same_as is None
                and found[u.comment_id]["is_question"] is None]
        refiled = [i for i in ids if i in found and found[i]["is_question"] is not None
                   and found[i]["state"] == State.NEW.value]
        conn.executemany(
            "UPDATE comments SET is_question = ?, item = ?, confidence = ?,"
            " repeat_of = COALESCE(repeat_of, ?),"
            " state = CASE WHEN state = 'new' THEN 'triaged' ELSE state END"
            " WHERE id = ? AND is_question IS NULL",
            [(u.is_question, u.item, u.confidence, u.repeat_of, u.comment_id) for u in todo])
        conn.executemany("UPDATE comments SET state = 'triaged' WHERE id = ? AND state = 'new'",
                         [(i,) for i in refiled])
        details = [(u.comment_id, u.item) for u in todo
                   if found[u.comment_id]["state"] == State.NEW.value]
        details += [(i, found[i]["item"]) for i in refiled]
        conn.executemany(
            "INSERT INTO comment_history (comment_id, at_ms, actor, from_state, to_state, detail)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [(comment_id, now, ACTOR, State.NEW.value, State.TRIAGED.value, item or "chatter")
             for comment_id, item in details])
        filed = {u.comment_id for u in todo} | set(refiled)
        filed |= _file_repeats(conn, filed | {u.same_as for u in updates if u.same_as},
                               now)
        changed = sorted(filed)
        if not changed:
            return []
        rows = conn.execute(
            f"SELECT * FROM comments WHERE id IN ({','.join('?' * len(changed))}) ORDER BY id",
            changed).fetchall()
    return [StoredComment.from_row(dict(row)) for row in rows]


def _file_repeats(conn: sqlite3.Connection, originals: set[int], now: int) -> set[int]:
    """Give waiting repeats of ``originals`` their original's filing; return their ids."""
    if not originals:
        return set()
    marks = ",".join("?" * len(originals))
    rows = conn.execute(
        "SELECT c.id, c.state, o.item FROM comments c JOIN comments o ON o.id = c.repeat_of"
        f" WHERE c.repeat_of IN ({marks}) AND c.is_question IS NULL AND c.blocked = 0"
        " AND o.is_question IS NOT NULL", sorted(originals)).fetchall()
    if not rows:
        return set()
    ids = [row["id"] for row in rows]
    conn.execute(_FILE_REPEATS.format(ids=",".join("?" * len(ids))), ids)
    conn.executemany(
        "INSERT INTO comment_history (comment_id, at_ms, actor, from_state, to_state, detail)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [(row["id"], now, ACTOR, State.NEW.value, State.TRIAGED.value, row["item"] or "chatter")
         for row in rows if row["state"] == State.NEW.value])
    return set(ids)


def last_comment_id(store: Store) -> int:
    """The newest comment's id (0: none yet)."""
    return int(store.conn.execute("SELECT coalesce(max(id), 0) FROM comments").fetchone()[0])


def untriaged(store: Store, after_id: int, up_to_id: int, limit: int) -> list[StoredComment]:
    """Up to ``limit`` comments with ``after_id < id <= up_to_id`` that triage still owes,
    oldest first: ``new`` (the studio has not touched them), not blocked, no decision
    (``is_question`` NULL). What a live comment must be to be queued. Repeats merged
    at ingest are included: they take their original's filing (``TriageUpdate.same_as``)."""
    rows = store.conn.execute(
        "SELECT * FROM comments WHERE state = 'new' AND id > ? AND id <= ? AND blocked = 0"
        " AND is_question IS NULL ORDER BY id LIMIT ?",
        (after_id, up_to_id, limit)).fetchall()
    return [StoredComment.from_row(dict(row)) for row in rows]


def record_correction(store: Store, text: str, item: str | None, actor: str,
                      comment_id: int | None = None) -> Correction:
    """Store a correction; ``item`` None (or CHATTER) means 'this is chatter'.

    With ``comment_id`` the comment's is_question/item/confidence are set to
    what the officer decided (confidence 1: a person said so).
    """
    if not text.strip():
        raise ValueError("a correction needs the comment's text")
    code = None if item in (None, CHATTER) else item
    with store.transaction() as conn:
        if comment_id is not None:
            found = conn.execute("UPDATE comments SET is_question = ?, item = ?, confidence = 1.0"
                                 " WHERE id = ?", (code is not None, code, comment_id))
            if found.rowcount == 0:
                raise KeyError(f"no comment {comment_id}")
        conn.execute("INSERT INTO triage_corrections (comment_id, text, item, actor, at_ms)"
                     " VALUES (?, ?, ?, ?, ?)",
                     (comment_id, text, code, actor, int(time.time() * 1000)))
    return Correction(text, code or CHATTER)


def load_corrections(store: Store) -> list[Correction]:
    """Every stored correction, oldest first (a later one for the same text wins)."""
    rows = store.conn.execute("SELECT text, item FROM triage_corrections ORDER BY id").fetchall()
    return [Correction(row["text"], row["item"] or CHATTER) for row in rows]
