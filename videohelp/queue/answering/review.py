"""Reviewing what the service said: the desk's "answered automatically" list (no Qt).

``AnswerReview`` is what the knowledge dock's panel calls (widgets never touch
SQLite): the newest automatic answers, and "wrong answer", which withdraws the
entry from automatic use until a later version of it is reviewed.
"""

from __future__ import annotations

from videohelp.core.store import Store
from videohelp.queue.answering.log import GivenAnswer, mark_wrong, recent_answers


class AnswerReview:
    def __init__(self, store: Store) -> None:
        self.store = store

    def recent(self, limit: int = 200) -> list[GivenAnswer]:
        try:
            return recent_answers(self.store, limit)
        except Exception as exc:  # an old database: say so, show nothing
            raise AnswerReviewError(f"automatic answers cannot be read: {exc}") from exc

    def mark_wrong(self, log_id: int, actor: str, note: str = "") -> str:
        """Withdraw the entry of automatic answer ``log_id``; return the entry id."""
        return mark_wrong(self.store, log_id, actor, note)


class AnswerReviewError(RuntimeError):
    """The review list cannot be read."""
