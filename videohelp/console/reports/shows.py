"""Show sessions in the store: opened when the desk starts, closed when it stops.

Call these on the writer thread (``IngestPipeline.run_in_writer``). A show
left open by a crash is closed when the next one opens, at its last sign of
life (its last comment or state change), so a crash never counts as hours
on air until the next start.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass

from videohelp.core.store import Store
from videohelp.queue.persist import now_ms

log = logging.getLogger(__name__)

RECOVERED_NOTE = "closed at its last activity after an unclean stop"


@dataclass(frozen=True, slots=True)
class ShowSpan:
    """One show as the report counts it; ``open`` if it had no recorded end."""

    id: int
    started_ms: int
    ended_ms: int
    open: bool


def open_show(store: Store, actor: str, at_ms: int | None = None) -> int:
    """Record that a show went on air; return its id. Closes any show left open."""
    at_ms = now_ms() if at_ms is None else at_ms
    with store.transaction() as conn:
        for row in conn.execute("SELECT id, started_ms FROM shows WHERE ended_ms IS NULL").fetchall():
            last = conn.execute(
                "SELECT max(m) FROM (SELECT max(received_ms) AS m FROM comments WHERE received_ms >= ?"
                " UNION ALL SELECT max(at_ms) FROM comment_history WHERE at_ms >= ?)",
                (row["started_ms"], row["started_ms"])).fetchone()[0]
            ended = min(max(row["started_ms"], last or row["started_ms"]), at_ms)
            conn.execute("UPDATE shows SET ended_ms = ?, end_note = ? WHERE id = ?",
                         (ended, RECOVERED_NOTE, row["id"]))
            log.warning("show %d was left open; closed at %d", row["id"], ended)
        cursor = conn.execute("INSERT INTO shows (started_ms, actor) VALUES (?, ?)", (at_ms, actor))
        show_id = int(cursor.lastrowid or 0)
    log.info("show %d on air", show_id)
    return show_id


def close_show(store: Store, show_id: int, at_ms: int | None = None) -> None:
    """Record that show ``show_id`` came off air (a second close keeps the first end)."""
    at_ms = now_ms() if at_ms is None else at_ms
    with store.transaction() as conn:
        conn.execute("UPDATE shows SET ended_ms = max(started_ms, ?) WHERE id = ? AND ended_ms IS NULL",
                     (at_ms, show_id))
    log.info("show %d off air", show_id)


def show_spans(conn: sqlite3.Connection, start_ms: int, end_ms: int,
               now: int | None = None) -> list[ShowSpan]:
    """Shows overlapping [start_ms, end_ms), clipped to it.

    A show with no end is still on air: it runs until the next show started
    or until ``now``, whichever is first.
    """
    now = now_ms() if now is None else now
    rows = conn.execute(
        "SELECT id, started_ms, ended_ms,"
        " (SELECT min(n.started_ms) FROM shows n WHERE n.started_ms > s.started_ms) AS next_start"
        " FROM shows s WHERE s.started_ms < ? AND (s.ended_ms IS NULL OR s.ended_ms > ?)"
        " ORDER BY s.started_ms", (end_ms, start_ms)).fetchall()
    spans = []
    for row in rows:
        is_open = row["ended_ms"] is None
        ended = row["ended_ms"] if not is_open else min(row["next_start"] or now, now)
        begin, finish = max(row["started_ms"], start_ms), min(ended, end_ms)
        if finish > begin:
            spans.append(ShowSpan(row["id"], begin, finish, is_open))
    return spans
