#!/usr/bin/env python3
"""Per-batch store costs early in a show and a million comments in (issue 15).

    .venv/bin/python bench/show_length.py [--comments 1000000]

What the writer thread does per batch at 300 comments/s (an ingest commit of 16 comments; a
triage batch of 120 decisions, whose questions' waiting repeats take their filing) timed on
a fresh store, then again after the store has grown to ``--comments`` (a three-hour show at
100/s stores ~1,080,000), then once more without the repeats' index (how it was before
migration 0009). Ratios near 1 mean the show's length costs nothing per batch.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from videohelp.queue.masking import RULES_VERSION
from videohelp.queue.persist import CommentWriter
from videohelp.queue.protocol import IncomingComment
from videohelp.queue.remask import META_KEY
from videohelp.queue.triage.storage import TriageUpdate, apply_triage

INGEST_BATCH = 16
TRIAGE_BATCH = 120


class Feeder:
    """Comments as the bench bridges send them: a running number, one viewer in five again."""

    def __init__(self) -> None:
        self.n = 0

    def batch(self, size: int) -> list[IncomingComment]:
        now = int(time.time() * 1000)
        out = []
        for _ in range(size):
            n = self.n
            self.n += 1
            viewer = n // 5 if n % 5 == 4 else n  # every fifth repeats a viewer's question
            out.append(IncomingComment("douyin", f"live{n}", f"v{viewer}", f"观众{viewer}",
                                       f"驾照到期了怎么换 {viewer}", now))
        return out


def per_batch_ms(writer: CommentWriter, feeder: Feeder, rounds: int) -> tuple[float, float]:
    """(ms of CPU per ingest batch, per triage batch), the median of ``rounds`` each."""
    ingest, triage, waiting = [], [], []
    while len(triage) < rounds:
        started = time.thread_time()
        stored = writer.write(feeder.batch(INGEST_BATCH)).stored
        ingest.append(time.thread_time() - started)
        waiting += [c for c in stored if c.repeat_of is None]
        if len(waiting) >= TRIAGE_BATCH:
            updates = [TriageUpdate(c.id, True, "DL03", 0.9) for c in waiting[:TRIAGE_BATCH]]
            waiting = waiting[TRIAGE_BATCH:]
            started = time.thread_time()
            apply_triage(writer.store, updates)
            triage.append(time.thread_time() - started)
    return (1000 * sorted(ingest)[len(ingest) // 2], 1000 * sorted(triage)[len(triage) // 2])


def grow(writer: CommentWriter, comments: int) -> None:
    """Add ``comments`` older comments (filed; one in twenty a repeat) in one transaction."""
    old = int(time.time() * 1000) - 3 * 3600 * 1000  # hours ago: outside every live window
    with writer.store.transaction() as conn:
        first = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM comments").fetchone()[0]
        conn.execute(
            "WITH RECURSIVE n(i) AS (SELECT ? UNION ALL SELECT i + 1 FROM n WHERE i < ?)"
            " INSERT INTO comments (id, platform, msg_id, user_id, user_name, user_name_masked,"
            " text, text_masked, ts_ms, received_ms, state, blocked, repeat_of, is_question,"
            " item, confidence)"
            " SELECT i, 'douyin', 'old' || i, 'old' || (i / 3), '观众', '观*', '年检怎么预约 ' || i,"
            " '年检怎么预约 ' || i, ? + i / 100, ? + i / 100, 'triaged', 0,"
            " CASE WHEN i % 20 = 0 THEN i - 1 END, 1, 'MV24', 0.9 FROM n",
            (first, first + comments - 1, old, old))
        # Masked under today's rules (their texts hold nothing personal), as a real show's
        # are: otherwise the console re-masks them all at start (queue/remask.py).
        conn.execute("INSERT INTO kb_meta (key, value) VALUES (?, ?) ON CONFLICT(key)"
                     " DO UPDATE SET value = excluded.value", (META_KEY, RULES_VERSION))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--comments", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=40, help="triage batches per measurement")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        writer = CommentWriter(Path(folder) / "show.sqlite3")
        feeder = Feeder()
        per_batch_ms(writer, feeder, 3)  # caches warm
        fresh = per_batch_ms(writer, feeder, args.rounds)
        started = time.perf_counter()
        grow(writer, args.comments)
        print(f"store grown by {args.comments:,} comments in {time.perf_counter() - started:.1f} s")
        per_batch_ms(writer, feeder, 3)
        grown = per_batch_ms(writer, feeder, args.rounds)
        writer.store.conn.execute("DROP INDEX comments_repeat_of")
        unindexed = per_batch_ms(writer, feeder, max(5, args.rounds // 4))
        writer.close()
    for name, index in (("ingest batch of 16", 0), ("triage batch of 120", 1)):
        print(f"{name}: {fresh[index]:.2f} ms fresh, {grown[index]:.2f} ms at +{args.comments:,}"
              f" (ratio {grown[index] / fresh[index]:.2f}); without the repeats' index"
              f" {unindexed[index]:.2f} ms (ratio {unindexed[index] / fresh[index]:.1f})")


if __name__ == "__main__":
    main()
