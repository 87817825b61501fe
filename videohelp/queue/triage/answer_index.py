"""Which knowledge-base answers fit a comment: every entry's cosine for a batch at once.

The engine keeps, per item, its entries' unit vectors over the item's own features (what
``model_store`` saves). Looking each decided comment up item by item cost a dozen small numpy
calls per comment, most of triage's time once features were cached (py-spy, the desk at 300
comments/s). Here the entries of all items are one matrix over the features any entry has
(5,912 x 454 for the shipped base, 10.7 MB of float32), and a batch's cosines are one sparse
product; what is left per comment is ranking a few entries in Python.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

import numpy as np

from videohelp.queue.triage.features import Csr

# item -> (entry ids, the item's feature columns (sorted), unit vectors: columns x entries)
ItemAnswers = Mapping[str, tuple[list[str], np.ndarray, np.ndarray]]


class Scored(Protocol):
    """A candidate item and its probability (the engine's ``Candidate``)."""

    @property
    def item(self) -> str: ...

    @property
    def score(self) -> float: ...


class AnswerIndex:
    """Every entry's vector as one column of a matrix over the entries' features."""

    def __init__(self, answers: ItemAnswers, n_features: int) -> None:
        items = [item for item, (ids, _, _) in answers.items() if ids]
        columns = (np.unique(np.concatenate([answers[item][1] for item in items]))
                   if items else np.zeros(0, dtype=np.int64))
        # Feature column -> row of the matrix, -1 for features no entry has.
        self._row = np.full(n_features, -1, dtype=np.int64)
        self._row[columns] = np.arange(len(columns))
        n_entries = sum(len(answers[item][0]) for item in items)
        self._matrix = np.zeros((len(columns), n_entries), dtype=np.float32)
        self._ids: list[str] = []
        self._span: dict[str, tuple[int, int]] = {}
        for item in items:
            ids, item_columns, vectors = answers[item]
            start = len(self._ids)
            self._matrix[self._row[item_columns], start:start + len(ids)] = vectors
            self._ids.extend(ids)
            self._span[item] = (start, len(self._ids))

    def cosines(self, X: Csr) -> np.ndarray:
        """Each row's cosine with every entry (rows x entries; rows are unit vectors)."""
        rows = self._row[X.indices]
        kept = rows >= 0
        # Row i's kept entries start after those kept before X's row i started.
        indptr = np.concatenate([[0], np.cumsum(kept)]).astype(np.int64)[X.indptr]
        within = Csr(indptr, rows[kept], X.data[kept], len(self._matrix))
        return within.matmul(self._matrix)

    def best(self, cosines: np.ndarray, candidates: Sequence[Scored], prior_weight: float,
             k: int = 3) -> tuple[str, ...]:
        """The ``k`` best entries of the candidate items: cosine plus the item's prior.

        Ties keep the candidates' order, then the entries' (a stable sort), as before.
        """
        ranked: list[tuple[float, str]] = []
        for candidate in candidates:
            span = self._span.get(candidate.item)
            if span is None:
                continue
            start, stop = span
            prior = prior_weight * candidate.score
            ranked.extend((c + prior, answer) for c, answer
                          in zip(cosines[start:stop].tolist(), self._ids[start:stop], strict=True))
        ranked.sort(key=lambda pair: -pair[0])
        return tuple(answer for _, answer in ranked[:k])
