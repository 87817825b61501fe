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

A comment is compared with all its item's roots at once: their vectors are kept stacked
per item (rebuilt when the roots change). One at a time, a show asking many different
things of one item (up to ``max_roots_per_item`` roots) cost 1.24 ms per comment at 200
roots, 0.37 cores at 300 comments/s; stacked, a few numpy calls (issue 15).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

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
    # item -> its roots' vectors stacked (features, values, root position): _similarities
    _stacks: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = field(default_factory=dict)

    def add(self, comment_id: int, decision: Decision, at_ms: int, *,
            oldest_to_come: int | None = None) -> int | None:
        """File a triaged comment; return the root it repeats, or None (it is a root now).

        ``oldest_to_come``: no comment added later is older than this (default
        ``at_ms``: comments come in time order).
        """
        if not decision.is_question or decision.item is None:
            return None
        item = decision.item
        roots = self._roots.setdefault(item, [])
        floor = at_ms if oldest_to_come is None else min(at_ms, oldest_to_come)
        stale = [r for r in roots if floor - r.at_ms > self.max_age_ms]
        if stale:
            for root in stale:
                roots.remove(root)
                self._by_id.pop(root.comment_id, None)
            self._stacks.pop(item, None)
        best: _Root | None = None
        best_similarity = -1.0
        similarities = self._similarities(item, roots, decision).tolist()
        for root, similarity in zip(roots, similarities, strict=True):
            if abs(at_ms - root.at_ms) > self.max_age_ms:
                continue  # kept for older comments still to come, too far from this one
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
        self._stacks.pop(item, None)
        return None

    def _similarities(self, item: str, roots: list[_Root], decision: Decision) -> np.ndarray:
        """The cosine of ``decision``'s vector with each root's (all unit vectors), in order."""
        if not roots:
            return np.zeros(0)
        stack = self._stacks.get(item)
        if stack is None:
            features = np.concatenate([root.decision.indices for root in roots])
            values = np.concatenate([root.decision.data for root in roots])
            owner = np.repeat(np.arange(len(roots)),
                              [len(root.decision.indices) for root in roots])
            stack = self._stacks[item] = (features, values, owner)
        features, values, owner = stack
        if not len(features) or not len(decision.indices):
            return np.zeros(len(roots))
        order = np.argsort(decision.indices)
        mine = decision.indices[order]
        at = np.minimum(np.searchsorted(mine, features), len(mine) - 1)
        products = np.where(mine[at] == features, values * decision.data[order][at], 0.0)
        return np.bincount(owner, weights=products, minlength=len(roots))

    def revectorise(self, vectorize: Callable[[str], Csr]) -> None:
        """A new engine took over: recompute the roots' vectors in its feature space."""
        for roots in self._roots.values():
            for root in roots:
                X = vectorize(root.decision.text)
                root.decision = replace(root.decision, indices=X.indices.copy(),
                                        data=X.data.copy())
        self._stacks.clear()

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
                self._stacks.pop(root.decision.item, None)
