"""Counting clip plays: every airing and preview is a row of ``pocket_plays``.

The functions take a ``Store`` first so that the desk runs them on the
pipeline's writer thread (``pipeline.run_in_writer(record_play, ...)``). The
daily review reads them in ``pocket.review``.
"""

from __future__ import annotations

import time

from videohelp.core.store import Store

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
