"""The statements a show runs per comment or per batch never walk the whole comments table.

A three-hour show stores about a million comments. A lookup that scans them grows with the
show: triage's lookup of a question's waiting repeats took 66 ms a batch at 1,000,000 comments,
2.5 batches a second on the writer thread that commits the bridges' comments. Each statement
the ingest, the repeat tracker's start and triage run is traced here and its query plan read:
a plan that scans a table (by any alias) fails; a list of values it scans is fine.
"""

from __future__ import annotations

import time
from pathlib import Path

from tests.queue.plan_support import scans, traced
from videohelp.core.store import Store
from videohelp.queue.persist import CommentWriter
from videohelp.queue.protocol import IncomingComment
from videohelp.queue.triage.storage import TriageUpdate, apply_triage, last_comment_id, untriaged


def comment(n: int, viewer: str, text: str) -> IncomingComment:
    return IncomingComment("douyin", f"m{n}", viewer, f"观众{viewer}", text,
                           int(time.time() * 1000))


def test_ingest_triage_and_a_restart_use_indexes(tmp_path: Path) -> None:
    db = tmp_path / "show.sqlite3"
    writer = CommentWriter(db)
    statements = traced(writer.store)
    first = writer.write([comment(n, f"u{n}", f"驾照到期了怎么换 {n}") for n in range(20)]).stored
    # The same viewers ask again: repeats of the first comments, waiting for their filing.
    again = writer.write([comment(100 + n, f"u{n}", f"驾照到期了怎么换 {n}")
                          for n in range(10)]).stored
    assert all(c.repeat_of is not None for c in again)
    filed = apply_triage(writer.store, [TriageUpdate(c.id, True, "DL03", 0.9) for c in first])
    assert {c.id for c in again} <= {c.id for c in filed}  # the repeats took the filing
    writer.close()

    restarted = CommentWriter(db)  # a restart primes the repeat tracker from the store
    statements += traced(restarted.store)
    restarted.write([comment(200, "u1", "驾照到期了怎么换 1")])
    # Triage's backlog after a restart: what it still owes, read back in id order.
    assert untriaged(restarted.store, 0, last_comment_id(restarted.store), 100)
    restarted.close()

    store = Store(db)
    assert scans(store, statements) == []
    store.close()


def test_a_restart_reads_back_the_recent_comments_along_an_index(tmp_path: Path) -> None:
    from videohelp.console.recovery import comments_since

    writer = CommentWriter(tmp_path / "show.sqlite3")
    writer.write([comment(n, f"u{n}", f"年检怎么预约 {n}") for n in range(30)])
    statements = traced(writer.store)
    assert len(comments_since(writer.store, int(time.time() * 1000) - 60_000, limit=10)) == 10
    assert scans(writer.store, statements) == []
    writer.close()
