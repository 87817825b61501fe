"""Counting clip plays: every airing and preview is a row of ``pocket_plays``.

The functions take a ``Store`` first so that the desk runs them on the
pipeline's writer thread (``pipeline.run_in_writer(record_play, ...)``). The
review's figures (``clip_figures``) read a period of plays against the
questions asked per item.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from videohelp.console.store import Store

KINDS = ("air", "preview")
ENDINGS = ("end", "interrupted", "panic", "switched", "failed")


def record_play(store: Store, clip_id: int, kind: str, actor: str, item: str | None = None,
                comment_id: int | None = None) -> int:
    """Count one airing (``air``) or preview of ``clip_id``; return the play's id."""
    if kind not in KINDS:
        raise ValueError(f"play kind {kind!r} is not air or preview")
    column = "plays" if kind == "air" else "previews"
    with store.transaction() as conn:
        cursor = conn.execute(
            "INSERT INTO pocket_plays (clip_id, kind, at_ms, actor, item, comment_id) "
            "VALUES (?, ?, ?, ?, ?, ?)", (clip_id, kind, int(time.time() * 1000), actor, item,
                                          comment_id))
        if conn.execute(f"UPDATE pocket_clips SET {column} = {column} + 1 WHERE id = ?",
                        (clip_id,)).rowcount != 1:
            raise KeyError(f"no clip {clip_id}")
        return int(cursor.lastrowid or 0)


def end_play(store: Store, play_id: int, seconds: float, ended: str) -> None:
    """How long a play ran and how it ended (end, interrupted, panic, switched, failed)."""
    if ended not in ENDINGS:
        raise ValueError(f"unknown ending {ended!r}")
    with store.transaction() as conn:
        conn.execute("UPDATE pocket_plays SET seconds = ?, ended = ? WHERE id = ?",
                     (round(seconds, 2), ended, play_id))


@dataclass(frozen=True)
class ClipFigures:
    """The daily review's clip section for one period."""

    played: list[dict[str, Any]]  # clip id, title, items, airings, previews, seconds
    items: list[dict[str, Any]]  # item, asked, clip airings, clips (items asked or aired)
    to_record: list[dict[str, Any]]  # most-asked items without any clip: item, asked


def clip_figures(store: Store, start_ms: int, end_ms: int, limit: int = 10) -> ClipFigures:
    """Clips played in [start_ms, end_ms), airings against questions per item, and the
    most-asked items that have no clip ("clips to record next")."""
    conn = store.conn
    played = [dict(row) for row in conn.execute(
        "SELECT c.id, c.title, "
        " (SELECT group_concat(item, ' ') FROM pocket_clip_items WHERE clip_id = c.id) AS items,"
        " SUM(p.kind = 'air') AS airings, SUM(p.kind = 'preview') AS previews,"
        " ROUND(COALESCE(SUM(CASE WHEN p.kind = 'air' THEN p.seconds END), 0), 1) AS seconds "
        "FROM pocket_plays p JOIN pocket_clips c ON c.id = p.clip_id "
        "WHERE p.at_ms >= ? AND p.at_ms < ? GROUP BY c.id ORDER BY airings DESC, c.title",
        (start_ms, end_ms))]
    asked = {row[0]: row[1] for row in conn.execute(
        "SELECT item, COUNT(*) FROM comments WHERE received_ms >= ? AND received_ms < ? "
        "AND is_question = 1 AND item IS NOT NULL AND blocked = 0 GROUP BY item",
        (start_ms, end_ms))}
    aired: dict[str, int] = {}
    for item, count in conn.execute(
            "SELECT ci.item, COUNT(*) FROM pocket_plays p "
            "JOIN pocket_clip_items ci ON ci.clip_id = p.clip_id "
            "WHERE p.kind = 'air' AND p.at_ms >= ? AND p.at_ms < ? GROUP BY ci.item",
            (start_ms, end_ms)):
        aired[item] = count
    clip_counts = {row[0]: row[1] for row in conn.execute(
        "SELECT item, COUNT(*) FROM pocket_clip_items GROUP BY item")}
    items = [{"item": item, "asked": asked.get(item, 0), "airings": aired.get(item, 0),
              "clips": clip_counts.get(item, 0)}
             for item in sorted(set(asked) | set(aired), key=lambda i: (-asked.get(i, 0), i))
             if clip_counts.get(item, 0)]
    to_record = [{"item": item, "asked": count}
                 for item, count in sorted(asked.items(), key=lambda pair: (-pair[1], pair[0]))
                 if not clip_counts.get(item)][:limit]
    return ClipFigures(played, items, to_record)
