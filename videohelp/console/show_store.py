"""What the show's actions read and write, as functions run on the pipeline's writer thread.

Each takes a ``Store`` first (``pipeline.run_in_writer(func, ...)``) and is
one transaction. State changes all go through ``persist.change_state``, the
one writer of a comment's state.
"""

from __future__ import annotations

import logging
from typing import Any

from videohelp.core.knowledge import Entry, KnowledgeBase, get_entry
from videohelp.core.store import Store
from videohelp.queue.comments import State, StoredComment
from videohelp.queue.persist import change_state, now_ms
from videohelp.queue.triage.storage import record_correction

log = logging.getLogger(__name__)


def move(store: Store, comment_id: int, target: State, actor: str, detail: str = ""
         ) -> tuple[StoredComment, StoredComment]:
    """``change_state`` in its own transaction; (before, after)."""
    with store.transaction() as conn:
        return change_state(conn, comment_id, target, actor, detail)


def entry_of(store: Store, entry_id: str) -> Entry | None:
    return get_entry(store.conn, entry_id)


def triage_comment(store: Store, comment_id: int, item: str | None, actor: str
                   ) -> tuple[StoredComment, StoredComment, str | None]:
    """File a comment under ``item`` (None: chatter): a triage correction (triage learns from
    it) and, for a new comment, the state triaged; return (before, after, the item it had)."""
    row = store.conn.execute("SELECT text, item FROM comments WHERE id = ?", (comment_id,)).fetchone()
    if row is None:
        raise KeyError(f"no comment {comment_id}")
    old_item = row["item"]
    record_correction(store, row["text"], item, actor, comment_id)
    detail = f"item {old_item or '-'} -> {item or 'chatter'}"
    with store.transaction() as conn:
        state = State(conn.execute("SELECT state FROM comments WHERE id = ?", (comment_id,)).fetchone()[0])
        if state in (State.NEW, State.TRIAGED):
            before, after = change_state(conn, comment_id, State.TRIAGED, actor, detail)
        else:  # queued, flagged, on air...: keep the state, record the re-filing
            before = after = StoredComment.from_row(dict(conn.execute(
                "SELECT * FROM comments WHERE id = ?", (comment_id,)).fetchone()))
            conn.execute(
                "INSERT INTO comment_history (comment_id, at_ms, actor, from_state, to_state, detail)"
                " VALUES (?, ?, ?, ?, ?, ?)", (comment_id, now_ms(), actor, state.value, state.value,
                                               detail))
    return before, after, old_item


def kb_suggestions(store: Store, text: str, item: str | None, limit: int = 3) -> list[dict[str, Any]]:
    """Knowledge-base answers for a flagged question (empty if the base has none)."""
    kb = KnowledgeBase(store)
    entries = kb.search(text, item=item, limit=limit) if text else []
    if not entries and item:
        entries = kb.entries(item=item)[:limit]
    answers = [{"id": e.id, "item": e.item, "short_answer": e.short_answer,
                "full_answer": e.full_answer, "source": f"{e.source_file} {e.source_article}",
                "status": e.status} for e in entries]
    # The item's 锦囊口袋 clips ride along as kind "clip"; Question.view lists them as "clips".
    from videohelp.console.pocket.suggest import clip_suggestions

    return answers + clip_suggestions(store, item)


def seed_knowledge(store: Store) -> int:
    """The shipped catalog and answers into an empty base (once per database), so that flagged
    questions come with suggestions even on a console nobody has opened the base on yet."""
    return KnowledgeBase(store).seed_if_empty()
