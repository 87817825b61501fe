"""Questions flagged to the expert group and their answers, in the store.

Functions take a ``Store`` first and run on the pipeline's writer thread
(``pipeline.run_in_writer(flag_question, ...)``). Each one is one transaction:
the comment's state change, its history row and the flag or answer row
commit together or not at all. Time from flag to answer is kept per answer,
so it can be read per question and per expert (view ``expert_response_times``).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from videohelp.core.store import Store
from videohelp.queue.comments import State, StoredComment
from videohelp.queue.persist import change_state, now_ms
from videohelp.queue.seat_events import Answer


class NotFlaggedError(LookupError):
    """An answer to a question that is not (or no longer) with the experts."""


@dataclass(frozen=True)
class Flag:
    id: int
    comment_id: int
    note: str
    flagged_by: str
    flagged_ms: int
    closed_ms: int | None = None


def get_comment(store: Store, comment_id: int) -> StoredComment:
    row = store.conn.execute("SELECT * FROM comments WHERE id = ?", (comment_id,)).fetchone()
    if row is None:
        raise KeyError(f"no comment {comment_id}")
    return StoredComment.from_row(dict(row))


def comment_item(store: Store, comment_id: int) -> str | None:
    row = store.conn.execute("SELECT item FROM comments WHERE id = ?", (comment_id,)).fetchone()
    return row["item"] if row is not None else None


def flag_question(store: Store, comment_id: int, note: str, actor: str
                  ) -> tuple[StoredComment, StoredComment, Flag, str | None]:
    """Send a comment to the experts; return (before, after, flag, item)."""
    with store.transaction() as conn:
        return flag_in(conn, comment_id, note, actor)


def flag_in(conn: sqlite3.Connection, comment_id: int, note: str, actor: str
            ) -> tuple[StoredComment, StoredComment, Flag, str | None]:
    """``flag_question`` inside the caller's transaction."""
    before, after = change_state(conn, comment_id, State.FLAGGED, actor, note)
    stamp = now_ms()
    cursor = conn.execute(
        "INSERT INTO expert_flags (comment_id, note, flagged_by, flagged_ms) VALUES (?, ?, ?, ?)",
        (comment_id, note, actor, stamp))
    flag = Flag(int(cursor.lastrowid or 0), comment_id, note, actor, stamp)
    item = conn.execute("SELECT item FROM comments WHERE id = ?", (comment_id,)).fetchone()[0]
    return before, after, flag, item


def adopt_flag(store: Store, comment_id: int, actor: str) -> tuple[Flag, str | None]:
    """The open flag of a comment flagged by another path (the desk's F key changes only the
    state): create it, note empty, if there is none yet; return it and the comment's item."""
    with store.transaction() as conn:
        flag = open_flag(conn, comment_id)
        if flag is None:
            stamp = now_ms()
            cursor = conn.execute("INSERT INTO expert_flags (comment_id, note, flagged_by, flagged_ms)"
                                  " VALUES (?, '', ?, ?)", (comment_id, actor, stamp))
            flag = Flag(int(cursor.lastrowid or 0), comment_id, "", actor, stamp)
        item = conn.execute("SELECT item FROM comments WHERE id = ?", (comment_id,)).fetchone()[0]
    return flag, item


def open_flag(conn: sqlite3.Connection, comment_id: int) -> Flag | None:
    row = conn.execute("SELECT * FROM expert_flags WHERE comment_id = ? AND closed_ms IS NULL"
                       " ORDER BY id DESC LIMIT 1", (comment_id,)).fetchone()
    return Flag(**dict(row)) if row is not None else None


def record_answer(store: Store, comment_id: int, expert: str, text: str,
                  kb_draft: dict[str, Any] | None = None) -> tuple[Answer, bool]:
    """Keep an expert's answer; return it and whether it is the first for this flag.

    ``kb_draft`` (item, question) also saves the answer as a knowledge-base draft,
    in the same transaction: either both are stored or neither.
    """
    with store.transaction() as conn:
        flag = open_flag(conn, comment_id)
        if flag is None:
            raise NotFlaggedError(f"comment {comment_id} is not flagged to the experts")
        earlier = conn.execute("SELECT count(*) FROM expert_answers WHERE flag_id = ?",
                               (flag.id,)).fetchone()[0]
        kb_entry = _save_draft(conn, expert, text, kb_draft) if kb_draft is not None else None
        stamp = max(now_ms(), flag.flagged_ms)
        cursor = conn.execute(
            "INSERT INTO expert_answers (flag_id, comment_id, expert, text, flagged_ms, answered_ms,"
            " kb_entry) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (flag.id, comment_id, expert, text, flag.flagged_ms, stamp, kb_entry))
    answer = Answer(int(cursor.lastrowid or 0), comment_id, expert, text, flag.flagged_ms, stamp,
                    kb_entry)
    return answer, earlier == 0


def _save_draft(conn: sqlite3.Connection, expert: str, text: str, draft: dict[str, Any]) -> str:
    """A knowledge-base draft from an expert answer (reviewed later by an officer)."""
    from videohelp.core.knowledge import SHORT_ANSWER_MAX, Entry, KnowledgeError, check_entry, write_entry

    item, question = draft["item"], draft["question"]
    codes = [row[0] for row in conn.execute("SELECT code FROM catalog_items")]
    taken = {row[0] for row in conn.execute("SELECT id FROM kb_entries WHERE id LIKE ?", (f"{item}-X%",))}
    number = 1
    while f"{item}-X{number:03d}" in taken:
        number += 1
    short = text if len(text) <= SHORT_ANSWER_MAX else text[: SHORT_ANSWER_MAX - 1] + "…"
    entry = Entry(f"{item}-X{number:03d}", item, (question,), short, text,
                  source_file="专家组答复", source_article=f"{expert} {datetime.now():%Y-%m-%d}",
                  status="draft", change_note=f"expert answer from seat {expert}; to be reviewed "
                                              "against its source before it airs")
    problems = check_entry(entry, codes)
    if problems:
        raise KnowledgeError("; ".join(problems))
    write_entry(conn, entry, f"expert:{expert}", action="create", note="expert answer")
    return entry.id


def mark_aired(store: Store, answer_id: int, text: str, actor: str) -> None:
    """Record that the studio put an expert answer on air (with the words used)."""
    with store.transaction() as conn:
        conn.execute("UPDATE expert_answers SET aired_ms = ?, aired_text = ?, aired_by = ? WHERE id = ?",
                     (now_ms(), text, actor, answer_id))


def get_answer(store: Store, answer_id: int) -> Answer | None:
    row = store.conn.execute("SELECT * FROM expert_answers WHERE id = ?", (answer_id,)).fetchone()
    return _answer(row) if row is not None else None


def _answer(row: sqlite3.Row) -> Answer:
    return Answer(row["id"], row["comment_id"], row["expert"], row["text"], row["flagged_ms"],
                  row["answered_ms"], row["kb_entry"])


def open_questions(store: Store) -> list[tuple[StoredComment, Flag, str | None, list[Answer]]]:
    """Every open flag with its comment, item and answers (oldest flag first), for a restart."""
    result = []
    for row in store.conn.execute("SELECT * FROM expert_flags WHERE closed_ms IS NULL ORDER BY id"):
        flag = Flag(**dict(row))
        comment = get_comment(store, flag.comment_id)
        answers = [_answer(a) for a in store.conn.execute(
            "SELECT * FROM expert_answers WHERE flag_id = ? ORDER BY id", (flag.id,))]
        result.append((comment, flag, comment_item(store, flag.comment_id), answers))
    return result


def response_times(store: Store) -> dict[str, dict[str, int]]:
    """Per expert: answers, fastest, mean and slowest time from flag to answer (ms)."""
    return {row["expert"]: {k: int(row[k]) for k in ("answers", "fastest_ms", "mean_ms", "slowest_ms")}
            for row in store.conn.execute("SELECT * FROM expert_response_times ORDER BY expert")}


def question_times(store: Store, comment_id: int) -> list[dict[str, Any]]:
    """Per answer to one question: expert and time from flag to answer (ms), first first."""
    return [{"expert": row["expert"], "flag_to_answer_ms": row["answered_ms"] - row["flagged_ms"],
             "answer": row["id"]}
            for row in store.conn.execute(
                "SELECT * FROM expert_answers WHERE comment_id = ? ORDER BY answered_ms, id",
                (comment_id,))]
