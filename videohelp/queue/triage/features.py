"""Text -> sparse TF-IDF vectors (pure numpy, no scipy).

A comment's features are its words (jieba, after the lexicon) and the
character 1- to 3-grams of each run of letters: the words carry meaning, the
n-grams survive what viewers do to words (typos, dropped characters, words
jieba does not know). Emoji and punctuation only separate runs.

Vectors are kept as CSR triples (indptr, indices, data), L2-normalised.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

# Runs of CJK ideographs, latin letters and digits; everything else separates.
_RUN = re.compile(r"[0-9a-z\u3400-\u4dbf\u4e00-\u9fff]+")

Cutter = Callable[[str], list[str]]


def char_runs(text: str) -> list[str]:
    return _RUN.findall(text)


def text_features(text: str, cut: Cutter, *, ngram_max: int = 3) -> list[str]:
    """Feature strings of an already folded, lexicon-normalised text."""
    runs = char_runs(text)
    features: list[str] = []
    for run in runs:
        n = len(run)
        for size in range(1, ngram_max + 1):
            features.extend(run[i:i + size] for i in range(n - size + 1))
    for word in cut(" ".join(runs)):
        if _RUN.fullmatch(word):
            features.append("w:" + word)
    return features


@dataclass
class Csr:
    """Rows of sparse vectors: row i is indices/data[indptr[i]:indptr[i+1]]."""

    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray
    n_cols: int

    @property
    def n_rows(self) -> int:
        return len(self.indptr) - 1

    def row_ids(self) -> np.ndarray:
        return np.repeat(np.arange(self.n_rows), np.diff(self.indptr))

    def dot_dense(self, dense: np.ndarray) -> np.ndarray:
        """self @ dense, for dense of shape (n_cols, k)."""
        out = np.zeros((self.n_rows, dense.shape[1]), dtype=np.float32)
        if len(self.indices):
            np.add.at(out, self.row_ids(), dense[self.indices] * self.data[:, None])
        return out

    def dot_rows(self, other: Csr) -> np.ndarray:
        """self @ other.T as a dense (self.n_rows, other.n_rows) matrix."""
        return self.dot_dense(other.transposed_dense_free())

    def transposed_dense_free(self) -> np.ndarray:
        # Small matrices only (correction memories, KB questions of a few items).
        dense = np.zeros((self.n_cols, self.n_rows), dtype=np.float32)
        dense[self.indices, self.row_ids()] = self.data
        return dense

    def take(self, rows: Sequence[int]) -> Csr:
        parts_i, parts_d, indptr = [], [], [0]
        for row in rows:
            lo, hi = self.indptr[row], self.indptr[row + 1]
            parts_i.append(self.indices[lo:hi])
            parts_d.append(self.data[lo:hi])
            indptr.append(indptr[-1] + hi - lo)
        return Csr(np.asarray(indptr, dtype=np.int64),
                   np.concatenate(parts_i) if parts_i else np.zeros(0, np.int64),
                   np.concatenate(parts_d) if parts_d else np.zeros(0, np.float32),
                   self.n_cols)


class Vectorizer:
    """Vocabulary and IDF fitted on training texts; sublinear TF, L2 norm."""

    def __init__(self, vocabulary: dict[str, int], idf: np.ndarray) -> None:
        self.vocabulary = vocabulary
        self.idf = idf.astype(np.float32)

    @classmethod
    def fit(cls, documents: Iterable[list[str]], min_df: int = 1) -> Vectorizer:
        df: Counter[str] = Counter()
        n_docs = 0
        for features in documents:
            df.update(set(features))
            n_docs += 1
        kept = sorted(f for f, count in df.items() if count >= min_df)
        vocabulary = {feature: i for i, feature in enumerate(kept)}
        idf = np.array([math.log((1 + n_docs) / (1 + df[f])) + 1.0 for f in kept])
        return cls(vocabulary, idf)

    @property
    def n_features(self) -> int:
        return len(self.vocabulary)

    def transform(self, documents: Sequence[list[str]]) -> Csr:
        vocabulary, idf = self.vocabulary, self.idf
        indptr = [0]
        indices: list[int] = []
        data: list[float] = []
        for features in documents:
            counts = Counter(vocabulary[f] for f in features if f in vocabulary)
            if counts:
                cols = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
                tf = np.fromiter(counts.values(), dtype=np.float32, count=len(counts))
                weights = (1.0 + np.log(tf)) * idf[cols]
                weights /= np.linalg.norm(weights)
                indices.extend(cols.tolist())
                data.extend(weights.tolist())
            indptr.append(len(indices))
        return Csr(np.asarray(indptr, dtype=np.int64), np.asarray(indices, dtype=np.int64),
                   np.asarray(data, dtype=np.float32), self.n_features)
