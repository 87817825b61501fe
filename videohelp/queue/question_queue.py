"""The question queue (pure): business questions by priority, and the presenter's next-up list.

Priority favours what many viewers asked, what has waited long and what the
studio flagged, so the host answers the many, not the loudest. The next-up
list is the presenter's own order and is never re-sorted behind their back.
"""

from __future__ import annotations

import heapq
from collections.abc import Collection
from dataclasses import dataclass, field, replace

# Weights: one extra asker counts like two minutes of waiting; a flag like ten askers.
REPEAT_WEIGHT = 2.0
WAIT_WEIGHT_PER_MIN = 1.0
FLAG_WEIGHT = 20.0


@dataclass(frozen=True)
class QueuedQuestion:
    comment_id: int
    text: str
    item: str | None
    arrived_ms: int
    askers: int = 1
    flagged: bool = False

    def priority(self, now_ms: int) -> float:
        waited_min = max(0, now_ms - self.arrived_ms) / 60_000
        return ((self.askers - 1) * REPEAT_WEIGHT + waited_min * WAIT_WEIGHT_PER_MIN
                + (FLAG_WEIGHT if self.flagged else 0.0))


@dataclass
class QuestionQueue:
    """Waiting questions, the next-up list and the one on air."""

    questions: dict[int, QueuedQuestion] = field(default_factory=dict)
    next_up: list[int] = field(default_factory=list)
    on_air: int | None = None

    def add(self, question: QueuedQuestion) -> None:
        self.questions[question.comment_id] = question

    def add_asker(self, comment_id: int, count: int = 1) -> QueuedQuestion | None:
        """Another viewer asked the same: raise the count of the waiting question."""
        question = self.questions.get(comment_id)
        if question is None:
            return None
        updated = replace(question, askers=question.askers + count)
        self.questions[comment_id] = updated
        return updated

    def set_flagged(self, comment_id: int, flagged: bool = True) -> None:
        if comment_id in self.questions:
            self.questions[comment_id] = replace(self.questions[comment_id], flagged=flagged)

    def remove(self, comment_id: int) -> None:
        self.questions.pop(comment_id, None)
        if comment_id in self.next_up:
            self.next_up.remove(comment_id)
        if self.on_air == comment_id:
            self.on_air = None

    def trim(self, limit: int, keep: Collection[int] = ()) -> list[int]:
        """Keep at most ``limit`` waiting questions; return the ids let go.

        A three-hour show at 100 comments/s files tens of thousands of questions; a
        presenter works a few dozen. Let go first are those the fewest viewers asked,
        the oldest of them first (they stay in the store and the feed). Never let go: the
        next-up list, the one on air, flagged questions and ``keep`` (the selected one).
        """
        excess = len(self.questions) - limit
        if excess <= 0:
            return []
        protected = {*self.next_up, self.on_air, *keep}
        candidates = (q for q in self.questions.values()
                      if not q.flagged and q.comment_id not in protected)
        gone = [q.comment_id for q in heapq.nsmallest(
            excess, candidates, key=lambda q: (q.askers, q.arrived_ms))]
        for comment_id in gone:
            del self.questions[comment_id]
        return gone

    def by_priority(self, now_ms: int) -> list[QueuedQuestion]:
        """Waiting questions not yet in next-up, highest priority first (ties: oldest)."""
        waiting = [q for q in self.questions.values() if q.comment_id not in self.next_up]
        return sorted(waiting, key=lambda q: (-q.priority(now_ms), q.arrived_ms))

    # -- the presenter's list ---------------------------------------------------------
    def push_next(self, comment_id: int, index: int | None = None) -> None:
        if comment_id not in self.questions:
            raise KeyError(f"question {comment_id} is not waiting")
        if comment_id in self.next_up:
            self.next_up.remove(comment_id)
        self.next_up.insert(len(self.next_up) if index is None else max(0, index), comment_id)

    def move(self, comment_id: int, delta: int) -> int:
        """Move within next-up by ``delta`` places (clamped); return the new index."""
        index = self.next_up.index(comment_id)
        target = min(max(index + delta, 0), len(self.next_up) - 1)
        self.next_up.insert(target, self.next_up.pop(index))
        return target

    def pop_next(self, now_ms: int) -> QueuedQuestion | None:
        """The next question to answer: the head of next-up, else the top priority."""
        if self.next_up:
            return self.questions[self.next_up.pop(0)]
        ranked = self.by_priority(now_ms)
        return ranked[0] if ranked else None
