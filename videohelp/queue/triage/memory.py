"""The studio's corrections as a nearest-neighbour memory (pure numpy).

The model update that ``TriageEngine.learn`` makes generalises a correction
to similar wordings, but a linear model may still lose the exact case to its
old examples. The memory makes sure it does not: a comment whose vector is
close to a corrected one (cosine >= ``threshold``) is filed as the officer
filed it. It is an inverted index (feature -> corrections), so its cost grows
with the corrections that share features with the comment, not with all.
"""

from __future__ import annotations

import numpy as np

from videohelp.queue.triage.features import Csr


class CorrectionMemory:
    """Corrected vectors and their labels; ``apply`` overrides scores it covers."""

    def __init__(self, threshold: float = 0.75, margin: float = 1.0) -> None:
        self.threshold = threshold
        self.margin = margin
        self._vectors: list[tuple[np.ndarray, np.ndarray]] = []
        self._labels: list[str] = []
        self._keys: dict[str, int] = {}
        self._by_feature: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    def copy(self) -> CorrectionMemory:
        other = CorrectionMemory(self.threshold, self.margin)
        other._vectors, other._labels = list(self._vectors), list(self._labels)
        other._keys = dict(self._keys)
        return other

    def __len__(self) -> int:
        return len(self._labels)

    def add(self, indices: np.ndarray, data: np.ndarray, label: str, key: str = "") -> None:
        """Remember a corrected vector; a later correction of the same ``key`` replaces it."""
        if not len(indices):
            return
        if key and key in self._keys:
            self._labels[self._keys[key]] = label
            return
        if key:
            self._keys[key] = len(self._labels)
        self._vectors.append((indices.copy(), data.copy()))
        self._labels.append(label)
        self._by_feature = None

    def _inverted(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(feature ids sorted, memory row of each, value of each)."""
        if self._by_feature is None:
            features = np.concatenate([v[0] for v in self._vectors])
            rows = np.concatenate([np.full(len(v[0]), i) for i, v in enumerate(self._vectors)])
            values = np.concatenate([v[1] for v in self._vectors])
            order = np.argsort(features, kind="stable")
            self._by_feature = (features[order], rows[order], values[order])
        return self._by_feature

    def similarities(self, X: Csr) -> np.ndarray:
        """Cosine of every row of X with every remembered vector: (X.n_rows, len(self))."""
        size = len(self)
        out = np.zeros((X.n_rows, size), dtype=np.float64)
        if not size or not len(X.indices):
            return out
        features, rows, values = self._inverted()
        starts = np.searchsorted(features, X.indices, side="left")
        ends = np.searchsorted(features, X.indices, side="right")
        lengths = ends - starts
        total = int(lengths.sum())
        if not total:
            return out
        # Positions of every (query nonzero, matching memory entry) pair.
        offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(total)
        query_rows = np.repeat(X.row_ids(), lengths)
        products = np.repeat(X.data, lengths) * values[offsets]
        flat = np.bincount(query_rows * size + rows[offsets], weights=products,
                           minlength=X.n_rows * size)
        return flat.reshape(X.n_rows, size)

    def apply(self, X: Csr, scores: np.ndarray, index: dict[str, int]) -> None:
        """Where a row is close to a correction, make the corrected label win (in place)."""
        if not len(self):
            return
        sims = self.similarities(X)
        best = sims.argmax(axis=1)
        for row in np.flatnonzero(sims[np.arange(X.n_rows), best] >= self.threshold):
            column = index[self._labels[int(best[row])]]
            scores[row, column] = max(scores[row, column], scores[row].max() + self.margin)
