"""What the answering service said, in the store (migration 0008); writer thread only.

Every question becomes a comment through the ingest pipeline; once it is
committed, ``settle`` writes, in one transaction per batch, the log row and
decides the comment's ``Fate``: answered automatically (mark it answered), or
passed on (a business question goes to the experts as an open flag, so it also
waits in the next show's queue; chatter stays as it is). The fate is not done
here: the console's show actions do it as the actor ``auto-answer`` of role
``answering`` (``console/answer_actions.py``), audited and reported like any
action. Triage's columns are set from the same decision unless triage wrote
them first.

Functions take a ``Store`` first (``pipeline.run_in_writer(settle, rows)``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from videohelp.core.store import Store
from videohelp.queue.comments import State, StoredComment
from videohelp.queue.persist import now_ms

ACTOR = "auto-answer"
PASS_ON_NOTE = "智能问答未能确定答案，转演播室解答"


@dataclass(frozen=True)
class LogRow:
    comment_id: int
    client: str
    platform: str
    channel: str
    viewer: str
    question_masked: str
    answered: bool
    reason: str
    item: str | None
    entry_id: str | None
    entry_reviewed_at: str | None
    answer_text: str
    confidence: float
    is_question: bool
    at_ms: int = 0


@dataclass(frozen=True)
class Fate:
    """What the service decided for a question's comment: ``answered`` (with ``entry_id``)
    or passed on to the experts. ``note`` goes with the action (history, the flag)."""

    comment_id: int
    answered: bool
    entry_id: str | None = None

    @property
    def note(self) -> str:
        return f"answered automatically: {self.entry_id}" if self.answered else PASS_ON_NOTE


def settle(store: Store, rows: Sequence[LogRow]) -> list[Fate]:
    """Log ``rows``; return what should happen to their comments (nothing for chatter passed
    on, or for a comment the studio has taken up meanwhile)."""
    fates: list[Fate] = []
    with store.transaction() as conn:
        for row in rows:
            conn.execute(
                "INSERT INTO answer_log (at_ms, comment_id, client, platform, channel, viewer,"
                " question_masked, answered, reason, item, entry_id, entry_reviewed_at,"
                " answer_text, confidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (row.at_ms or now_ms(), row.comment_id, row.client, row.platform, row.channel,
                 row.viewer, row.question_masked, int(row.answered), row.reason, row.item,
                 row.entry_id, row.entry_reviewed_at, row.answer_text, row.confidence))
            conn.execute("UPDATE comments SET is_question = ?, item = ?, confidence = ?"
                         " WHERE id = ? AND is_question IS NULL",
                         (int(row.is_question), row.item if row.is_question else None,
                          row.confidence, row.comment_id))
            fate = _fate(conn, row)
            if fate is not None:
                fates.append(fate)
    return fates


def _fate(conn: sqlite3.Connection, row: LogRow) -> Fate | None:
    state_row = conn.execute("SELECT state FROM comments WHERE id = ?", (row.comment_id,)).fetchone()
    if state_row is None:
        return None
    state = State(state_row["state"])
    if row.answered:
        # Still waiting (the desk may have queued it): answered. On air, flagged or closed by
        # someone in the studio meanwhile: theirs stands.
        if state in (State.NEW, State.TRIAGED, State.QUEUED):
            return Fate(row.comment_id, True, row.entry_id)
        return None
    if not row.is_question or state not in (State.NEW, State.TRIAGED):
        return None
    return Fate(row.comment_id, False)


def open_passed_on(store: Store, limit: int = 500) -> list[StoredComment]:
    """Questions passed on and not yet answered by the studio (for the next show's queue)."""
    rows = store.conn.execute(
        "SELECT c.* FROM answer_log a JOIN comments c ON c.id = a.comment_id"
        " WHERE a.answered = 0 AND c.is_question = 1"
        " AND c.state IN ('new', 'triaged', 'queued', 'flagged')"
        " GROUP BY c.id ORDER BY c.id LIMIT ?", (limit,)).fetchall()
    return [StoredComment.from_row(dict(row)) for row in rows]


@dataclass(frozen=True)
class GivenAnswer:
    """One automatic answer, for the review list in the knowledge dock."""

    id: int
    at_ms: int
    platform: str
    question: str
    item: str | None
    entry_id: str
    answer: str
    confidence: float
    wrong: bool


def recent_answers(store: Store, limit: int = 200) -> list[GivenAnswer]:
    rows = store.conn.execute(
        "SELECT * FROM answer_log WHERE answered = 1 ORDER BY id DESC LIMIT ?", (limit,))
    return [GivenAnswer(r["id"], r["at_ms"], r["platform"], r["question_masked"], r["item"],
                        r["entry_id"], r["answer_text"], r["confidence"], r["wrong_by"] is not None)
            for r in rows]


def mark_wrong(store: Store, log_id: int, actor: str, note: str = "") -> str:
    """The answer of log row ``log_id`` was wrong: withdraw its entry from automatic use
    until it is reviewed again. Returns the entry id."""
    if not actor.strip():
        raise ValueError("marking an answer wrong needs the name of who did it")
    with store.transaction() as conn:
        row = conn.execute("SELECT * FROM answer_log WHERE id = ? AND answered = 1",
                           (log_id,)).fetchone()
        if row is None:
            raise KeyError(f"no automatic answer {log_id}")
        stamp = now_ms()
        conn.execute("UPDATE answer_log SET wrong_by = ?, wrong_ms = ? WHERE id = ?",
                     (actor, stamp, log_id))
        current = conn.execute("SELECT version, reviewed_at FROM kb_entries WHERE id = ?",
                               (row["entry_id"],)).fetchone()
        version = current["version"] if current is not None else 1
        reviewed_at = current["reviewed_at"] if current is not None else row["entry_reviewed_at"]
        conn.execute("INSERT INTO answer_withdrawals (entry_id, entry_version, reviewed_at, at_ms,"
                     " actor, log_id, note) VALUES (?, ?, ?, ?, ?, ?, ?)",
                     (row["entry_id"], version, reviewed_at, stamp, actor, log_id, note))
    return str(row["entry_id"])


def withdrawals(conn: sqlite3.Connection) -> list[tuple[str, int]]:
    """(entry id, newest version withdrawn) per withdrawn entry."""
    return [(r[0], int(r[1])) for r in conn.execute(
        "SELECT entry_id, max(entry_version) FROM answer_withdrawals GROUP BY entry_id")]


def off_air_counts(conn: sqlite3.Connection, start_ms: int, end_ms: int) -> dict[str, int]:
    """For the daily review, in [start_ms, end_ms): questions asked through the service
    (``asked``; ``asked_off_air``: while no show was on air), answered automatically,
    passed on (``passed_questions``: of them, business questions sent to the studio), and
    answers marked wrong. A show still open (no end) counts as on air until now."""
    row = conn.execute(
        "SELECT count(*) AS asked, coalesce(sum(answered), 0) AS answered,"
        " coalesce(sum(answered = 0), 0) AS passed_on,"
        " coalesce(sum(answered = 0 AND reason != 'off_topic'), 0) AS passed_questions,"
        " coalesce(sum(wrong_by IS NOT NULL), 0) AS wrong,"
        " coalesce(sum(NOT EXISTS (SELECT 1 FROM shows s WHERE s.started_ms <= a.at_ms"
        "   AND a.at_ms < coalesce(s.ended_ms, 9223372036854775807))), 0) AS asked_off_air"
        " FROM answer_log a WHERE at_ms >= ? AND at_ms < ?", (start_ms, end_ms)).fetchone()
    keys = ("asked", "answered", "passed_on", "passed_questions", "wrong", "asked_off_air")
    return {key: int(value) for key, value in zip(keys, row, strict=True)}


def report_figures(conn: sqlite3.Connection, start_ms: int, end_ms: int) -> dict[str, int]:
    """The daily review's fields (``reports.figures.Figures``); zeros before migration 0008."""
    try:
        counts = off_air_counts(conn, start_ms, end_ms)
    except sqlite3.OperationalError:  # a database this version has not migrated (read only)
        return {"asked_off_air": 0, "auto_answered": 0, "passed_on": 0}
    return {"asked_off_air": counts["asked_off_air"], "auto_answered": counts["answered"],
            "passed_on": counts["passed_questions"]}
