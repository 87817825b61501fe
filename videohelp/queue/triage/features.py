"""Text -> sparse TF-IDF vectors (pure numpy, no scipy).

A comment's features are its words (jieba, after the lexicon) and the
character n-grams (1 to ``ngram_max``; the engine uses 2) of each run of
letters: the words carry meaning, the n-grams survive what viewers do to
words (typos, dropped characters, words jieba does not know). Emoji and
punctuation only separate runs.

Vectors are kept as CSR triples (indptr, indices, data), L2-normalised.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import chain

import numpy as np

# Runs of CJK ideographs, latin letters and digits; everything else separates.
_RUN = re.compile(r"[0-9a-z\u3400-\u4dbf\u4e00-\u9fff]+")

Cutter = Callable[[str], list[str]]


def char_runs(text: str) -> list[str]:
    return _RUN.findall(text)


def run_features(run: str, cut: Cutter, ngram_max: int = 3) -> tuple[str, ...]:
    """Feature strings of one run of letters: its character n-grams, then its words.

    A text's features are its runs' features together (in any order: vectors count
    them): jieba cuts each run on its own anyway, since the spaces between runs end its
    blocks.
    """
    n = len(run)
    features = [run[i:i + size] for size in range(1, ngram_max + 1)
                for i in range(n - size + 1)]
    features.extend("w:" + word for word in cut(run) if _RUN.fullmatch(word))
    return tuple(features)


def text_features(text: str, cut: Cutter, *, ngram_max: int = 3) -> list[str]:
    """Feature strings of an already folded, lexicon-normalised text."""
    features: list[str] = []
    for run in char_runs(text):
        features.extend(run_features(run, cut, ngram_max))
    return features


# What a sparse product gathers at a time (see ``Csr.matmul``): within a core's L2 cache.
# Batches of 120 at the live pace, heap fix on: 0.133-0.137 ms a comment gathering the whole
# batch, 0.110-0.112 at 128 KiB, 0.116-0.128 at 256 KiB, 0.121 at 512 KiB.
CHUNK_BYTES = 128 * 1024


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

    def matmul(self, dense: np.ndarray, chunk_bytes: int = CHUNK_BYTES) -> np.ndarray:
        """self @ dense, for dense of shape (n_cols, k).

        Done a few rows at a time, so that the rows of ``dense`` gathered for them take at
        most ``chunk_bytes`` (at least one row of ``self`` each time): they then stay in
        cache, several times faster for wide ``dense``, and the temporary stays below the
        heap's mmap threshold (``core/heap.py``). A whole batch gathered at once from the
        answer index (454 columns) was ~9 MB: an mmap and 2,000 page faults per batch
        (issue 15: classification 15-20% slower than this).
        """
        out = np.zeros((self.n_rows, dense.shape[1]), dtype=np.float32)
        indptr = self.indptr
        per_chunk = max(1, chunk_bytes // max(1, dense.shape[1] * dense.itemsize))
        first = 0
        while first < self.n_rows:
            lo = indptr[first]
            last = int(np.searchsorted(indptr, lo + per_chunk, side="right")) - 1
            last = min(self.n_rows, max(last, first + 1))
            hi = indptr[last]
            if lo < hi:
                starts = indptr[first:last] - lo
                filled = np.diff(indptr[first:last + 1]) > 0
                products = dense[self.indices[lo:hi]]
                products *= self.data[lo:hi, None]
                out[first:last][filled] = np.add.reduceat(products, starts[filled], axis=0)
            first = last
        return out

    def to_dense(self) -> np.ndarray:
        dense = np.zeros((self.n_rows, self.n_cols), dtype=np.float32)
        dense[self.row_ids(), self.indices] = self.data
        return dense


class Vectorizer:
    """Vocabulary and IDF fitted on training texts; sublinear TF, L2 norm."""

    def __init__(self, vocabulary: dict[str, int], idf: np.ndarray) -> None:
        self.vocabulary = vocabulary
        self.idf = idf.astype(np.float32)
        self._idf64 = self.idf.astype(np.float64)  # the float32 values, computed with in float64

    @classmethod
    def fit(cls, documents: Iterable[list[str]], min_df: int = 1,
            word_weight: float = 1.0) -> Vectorizer:
        df: Counter[str] = Counter()
        n_docs = 0
        for features in documents:
            df.update(set(features))
            n_docs += 1
        kept = sorted(f for f, count in df.items() if count >= min_df)
        vocabulary = {feature: i for i, feature in enumerate(kept)}
        # Word features may weigh more than the character n-grams they overlap.
        idf = np.array([(math.log((1 + n_docs) / (1 + df[f])) + 1.0)
                        * (word_weight if f[1:2] == ":" else 1.0) for f in kept])
        return cls(vocabulary, idf)

    @property
    def n_features(self) -> int:
        return len(self.vocabulary)

    def columns(self, features: Iterable[str]) -> tuple[int, ...]:
        """The column of each known feature (unknown ones are dropped)."""
        vocabulary = self.vocabulary
        return tuple(vocabulary[f] for f in features if f in vocabulary)

    def transform(self, documents: Sequence[list[str]]) -> Csr:
        """Rows of sorted column ids and unit-length sublinear TF-IDF weights."""
        return self.transform_columns([self.columns(features) for features in documents])

    def transform_columns(self, rows: Sequence[Sequence[int]]) -> Csr:
        """``transform`` of rows given as their features' columns (``columns``).

        Counted, weighted and normalised for the whole batch at once: a Counter, a
        logarithm and a square root per row in Python took 2.4 ms of a 120-comment batch,
        this 0.45 ms, with the same numbers to the bit (the sums run in the same order).
        """
        lengths = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows))
        columns = np.fromiter(chain.from_iterable(rows), dtype=np.int64, count=int(lengths.sum()))
        # (row, column) as one key: sorted and counted, rows in order, columns sorted within.
        keys, counts = np.unique(np.repeat(np.arange(len(rows)), lengths) * self.n_features
                                 + columns, return_counts=True)
        row_of = keys // self.n_features
        indices = keys - row_of * self.n_features
        weights = (1.0 + np.log(counts)) * self._idf64[indices]
        norms = np.sqrt(np.bincount(row_of, weights=weights * weights, minlength=len(rows)))
        indptr = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum(np.bincount(row_of, minlength=len(rows)), out=indptr[1:])
        return Csr(indptr, indices, (weights / norms[row_of]).astype(np.float32),
                   self.n_features)
