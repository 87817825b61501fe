"""What the show's actions read and write, as functions run on the pipeline's writer thread.

Each takes a ``Store`` first (``pipeline.run_in_writer(func, ...)``) and is
one transaction. State changes all go through ``persist.change_state``, the
one writer of a comment's state.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from videohelp.core.knowledge import Entry, KnowledgeBase, KnowledgeError, get_entry
from videohelp.core.roles import Action
from videohelp.core.seats import _audit as audit_in
from videohelp.core.store import Store
from videohelp.queue.comments import State, StoredComment
from videohelp.queue.experts import Flag, flag_in
from videohelp.queue.persist import change_state, now_ms
from videohelp.queue.seat_protocol import Request
from videohelp.queue.states import TransitionError
from videohelp.queue.triage.storage import record_correction

log = logging.getLogger(__name__)


def move(store: Store, comment_id: int, target: State, actor: str, detail: str = ""
         ) -> tuple[StoredComment, StoredComment]:
    """``change_state`` in its own transaction; (before, after)."""
    with store.transaction() as conn:
        return change_state(conn, comment_id, target, actor, detail)


def close_answered(store: Store, comment_id: int, actor: str, detail: str = ""
                   ) -> tuple[StoredComment, StoredComment]:
    """Answered without airing it (``mark_answered``): from the queue, the experts' list, or
    straight from the feed (the answering service's automatic answers come in new or
    triaged), then through ``queued`` in the same transaction: the state machine's only
    way to ``answered`` that does not air. (before, after)."""
    with store.transaction() as conn:
        return close_answered_in(conn, comment_id, actor, detail)


def close_answered_in(conn: sqlite3.Connection, comment_id: int, actor: str, detail: str = ""
                      ) -> tuple[StoredComment, StoredComment]:
    """``close_answered`` inside the caller's transaction."""
    row = conn.execute("SELECT state FROM comments WHERE id = ?", (comment_id,)).fetchone()
    if row is None:
        raise KeyError(f"no comment {comment_id}")
    if State(row[0]) in (State.NEW, State.TRIAGED):
        before, _ = change_state(conn, comment_id, State.QUEUED, actor, detail)
        return before, change_state(conn, comment_id, State.ANSWERED, actor, detail)[1]
    return change_state(conn, comment_id, State.ANSWERED, actor, detail)


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



@dataclass
class Done:
    """One action of a batch as it left the comment (``flag``: the expert flag made)."""

    before: StoredComment
    after: StoredComment
    flag: Flag | None = None
    item: str | None = None
    suggestions: list[dict[str, Any]] = field(default_factory=list)


def comment_actions(store: Store, actor: str, role: str, requests: Sequence[Request],
                    suggest: Callable[..., list[dict[str, Any]]] | None = None
                    ) -> list[Done | KeyError | TransitionError]:
    """``mark_answered`` and ``flag`` requests (already allowed by the role table) of one
    actor in one transaction, with their audit rows: one commit for the batch. Each runs in
    its own savepoint, so a refused one (no such comment, a transition the state machine
    refuses) changes nothing, is audited with its code and comes back as its exception.
    ``suggest`` (``kb_suggestions``) adds the knowledge base's answers to each flag."""
    results: list[Done | KeyError | TransitionError] = []
    with store.transaction() as conn:
        for r in requests:
            assert r.comment is not None and r.action in (Action.FLAG, Action.MARK_ANSWERED)
            conn.execute("SAVEPOINT action")
            try:
                if r.action == Action.FLAG:
                    before, after, flag, item = flag_in(conn, r.comment, r.note, actor)
                    done = Done(before, after, flag, item)
                    state: dict[str, Any] = {"state": after.state.value, "note": r.note,
                                             "flag": flag.id}
                else:
                    done = Done(*close_answered_in(conn, r.comment, actor, r.note))
                    state = {"state": done.after.state.value}
                audit_in(conn, actor, role, r.action.value, r.rid, str(r.comment), "ok",
                         {"state": done.before.state.value}, state)
                results.append(done)
            except (KeyError, TransitionError) as exc:
                conn.execute("ROLLBACK TO action")
                code = "not_found" if isinstance(exc, KeyError) else "bad_state"
                audit_in(conn, actor, role, r.action.value, r.rid, str(r.comment), code, None, None)
                results.append(exc)
            conn.execute("RELEASE action")
    for result in results:
        if suggest is not None and isinstance(result, Done) and result.flag is not None:
            try:
                result.suggestions = suggest(store, result.after.text_masked, result.item)
            except (KnowledgeError, sqlite3.Error):  # a help for the experts: never fails a flag
                log.exception("knowledge-base suggestions failed")
    return results
