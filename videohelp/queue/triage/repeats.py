"""Repeat grouping (pure): "N viewers asked this".

A question repeats one already waiting when triage filed both under the same
item and either their vectors are close (cosine >= ``threshold``) or the same
knowledge-base answer fits both best and they share some wording (cosine >=
``answer_threshold``): 驾照丢了怎么补 and 驾驶证掉了去哪补办 group; 驾照丢了怎么补
and 驾照到期怎么换 do not. (Measured on the KB's own variants: pairs of one entry
with the same best answer, against pairs of different entries of one item, in
docs/triage.md.) The first
question of a group is its root: later ones point at it (``repeat_of``) and
raise its count. A root stops collecting when it leaves the waiting list
(answered, dismissed: ``close``) or when ``max_age_ms`` has passed.

Comments usually come in time order. Triage's backlog (comments left untriaged
by an earlier run, read back oldest first between live batches) does not: an
old comment may follow a live one. Only roots within ``max_age_ms`` of the
comment, on either side, are compared, and a root is forgotten only once no
comment still to come (``oldest_to_come``) can be that close to it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from videohelp.queue.triage.engine import Decision
from videohelp.queue.triage.features import Csr


@dataclass
class _Root:
    comment_id: int
    decision: Decision
    at_ms: int
    askers: int = 1


@dataclass
class RepeatGrouper:
    threshold: float = 0.6
    answer_threshold: float = 0.1
    max_age_ms: int = 30 * 60_000
    max_roots_per_item: int = 200
    _roots: dict[str, list[_Root]] = field(default_factory=dict)
    _by_id: dict[int, _Root] = field(default_factory=dict)

    def add(self, comment_id: int, decision: Decision, at_ms: int, *,
            oldest_to_come: int | None = None) -> int | None:
        """File a triaged comment; return the root it repeats, or None (it is a root now).

        ``oldest_to_come``: no comment added later is older than this (default
        ``at_ms``: comments come in time order).
        """
        if not decision.is_question or decision.item is None:
            return None
        roots = self._roots.setdefault(decision.item, [])
        floor = at_ms if oldest_to_come is None else min(at_ms, oldest_to_come)
        for stale in [r for r in roots if floor - r.at_ms > self.max_age_ms]:
            roots.remove(stale)
            self._by_id.pop(stale.comment_id, None)
        best: _Root | None = None
        best_similarity = -1.0
        for root in roots:
            if abs(at_ms - root.at_ms) > self.max_age_ms:
                continue  # kept for older comments still to come, too far from this one
            similarity = decision.similarity(root.decision)
            same_answer = bool(decision.answers) and decision.answers[:1] == root.decision.answers[:1]
            needed = self.answer_threshold if same_answer else self.threshold
            if similarity >= needed and similarity > best_similarity:
                best, best_similarity = root, similarity
        if best is not None:
            best.askers += 1
            return best.comment_id
        root = _Root(comment_id, decision, at_ms)
        roots.append(root)
        self._by_id[comment_id] = root
        if len(roots) > self.max_roots_per_item:
            self._by_id.pop(roots.pop(0).comment_id, None)
        return None

    def revectorise(self, vectorize: Callable[[str], Csr]) -> None:
        """A new engine took over: recompute the roots' vectors in its feature space."""
        for roots in self._roots.values():
            for root in roots:
                X = vectorize(root.decision.text)
                root.decision = replace(root.decision, indices=X.indices.copy(),
                                        data=X.data.copy())

    def askers(self, comment_id: int) -> int:
        """How many viewers asked the question rooted at ``comment_id`` (0: not a root)."""
        root = self._by_id.get(comment_id)
        return root.askers if root is not None else 0

    def close(self, comment_id: int) -> None:
        """The question left the waiting list: later askers start a new group."""
        root = self._by_id.pop(comment_id, None)
        if root is not None and root.decision.item is not None:
            roots = self._roots.get(root.decision.item, [])
            if root in roots:
                roots.remove(root)
