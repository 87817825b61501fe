"""Which knowledge-base answers fit a comment: every entry's cosine for a batch at once.

The engine keeps, per item, its entries' unit vectors over the item's own features (what
``model_store`` saves). Looking each decided comment up item by item cost a dozen small numpy
calls per comment, most of triage's time once features were cached (py-spy, the desk at 300
comments/s). Here the entries of all items are one matrix over the features any entry has
(5,912 x 454 for the shipped base, 10.7 MB of float32), and a batch's cosines are one sparse
product; what is left per comment is ranking a few entries in Python.

A comment's answers come from its three candidate items (a dozen of the 454 entries), so
``cosines`` computes, when told which items each row needs, only those: the product over
the whole matrix gathered a 1.8 kB row of it per feature of every comment (~70 kB a comment),
2.0 ms of a 120-comment batch's 8.8 ms classification; the candidates' spans alone take
0.6-0.7 ms, the same on the bench's comments (21 items a batch) as on the held-out set's
(~100 items a batch), and no cosine is computed for chatter.
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

    def cosines(self, X: Csr, items: Sequence[Sequence[str]] | None = None) -> np.ndarray:
        """Each row's cosine with every entry (rows x entries; rows are unit vectors).

        With ``items`` (for each row, the items whose entries it needs), only the entries
        of those items are computed; the rest of the row stays 0.
        """
        rows = self._row[X.indices]
        kept = rows >= 0
        # Row i's kept entries start after those kept before X's row i started.
        indptr = np.concatenate([[0], np.cumsum(kept)]).astype(np.int64)[X.indptr]
        within = Csr(indptr, rows[kept], X.data[kept], len(self._matrix))
        if items is None:
            return within.matmul(self._matrix)
        return self._spans_product(within, items)

    def _spans_product(self, within: Csr, items: Sequence[Sequence[str]]) -> np.ndarray:
        """``within @ matrix`` on each row's items' spans of columns only, vectorised over
        (row, item, feature, entry) without a Python loop per comment."""
        n_entries = self._matrix.shape[1]
        out = np.zeros((within.n_rows, n_entries), dtype=np.float32)
        pairs = [(row, span) for row, wanted in enumerate(items) for item in wanted
                 if (span := self._span.get(item)) is not None]
        if not pairs:
            return out
        pair_row = np.fromiter((row for row, _ in pairs), dtype=np.int64, count=len(pairs))
        pair_start = np.fromiter((start for _, (start, _) in pairs), np.int64, len(pairs))
        pair_width = np.fromiter((stop - start for _, (start, stop) in pairs), np.int64,
                                 len(pairs))
        # Level 1: each (row, item) pair times its row's features.
        n_features = within.indptr[pair_row + 1] - within.indptr[pair_row]
        of_pair = np.repeat(np.arange(len(pairs)), n_features)
        feature = (within.indptr[pair_row][of_pair]
                   + np.arange(len(of_pair)) - _starts(n_features)[of_pair])
        # Level 2: each (pair, feature) times the item's entries.
        width = pair_width[of_pair]
        of_feature = np.repeat(np.arange(len(of_pair)), width)
        column = (pair_start[of_pair][of_feature]
                  + np.arange(len(of_feature)) - _starts(width)[of_feature])
        feature = feature[of_feature]
        products = self._matrix[within.indices[feature], column] * within.data[feature]
        target = pair_row[of_pair][of_feature] * n_entries + column
        out.ravel()[:] = np.bincount(target, weights=products, minlength=out.size)
        return out

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


def _starts(counts: np.ndarray) -> np.ndarray:
    """Where each of consecutive runs of ``counts`` elements starts."""
    return np.cumsum(counts) - counts
