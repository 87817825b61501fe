"""The triage engine: comment texts in, decisions out (pure: no Qt, no I/O after start).

For each text: fold and apply the lexicon, segment, vectorise, score against
chatter and the 108 items, pick the knowledge-base answers of the best items,
and let the studio's corrections override what they cover. Building an engine
loads jieba and trains the model (about two seconds): do it in a worker.
"""

from __future__ import annotations

import copy
import hashlib
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from videohelp.queue.triage.corpus import CHATTER, Example, Knowledge, examples, extra_words
from videohelp.queue.triage.features import Csr, Vectorizer, text_features
from videohelp.queue.triage.lexicon import Lexicon
from videohelp.queue.triage.memory import CorrectionMemory
from videohelp.queue.triage.model import LinearModel, ModelParams
from videohelp.queue.triage.segment import Segmenter

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class EngineParams:
    model: ModelParams = field(default_factory=ModelParams)
    ngram_max: int = 2               # character n-grams 1..ngram_max
    word_weight: float = 1.0         # word features' weight against the n-grams
    temperature: float = 4.0         # softmax over scores -> the confidences shown
    correction_weight: float = 3.0   # a studio correction counts as this many examples
    answer_item_prior: float = 0.5   # how much the item's probability ranks its answers
    chatter_bias: float = 0.0        # added to the chatter score (more or fewer questions)
    answer_weight: float = 0.3       # KB answers as (weaker) training examples
    template_weight: float = 0.5     # synonyms wrapped in question templates (corpus.TEMPLATES)


@dataclass(frozen=True, slots=True)
class Candidate:
    item: str
    score: float


@dataclass(frozen=True, slots=True)
class Decision:
    """What triage decided about one text."""

    text: str
    is_question: bool
    item: str | None
    klass: str | None
    confidence: float
    candidates: tuple[Candidate, ...]
    answers: tuple[str, ...]
    indices: np.ndarray = field(repr=False, compare=False)
    data: np.ndarray = field(repr=False, compare=False)

    def similarity(self, other: Decision) -> float:
        """Cosine of the two comments' vectors (both are unit length)."""
        common, mine, theirs = np.intersect1d(self.indices, other.indices, assume_unique=True,
                                              return_indices=True)
        return float(self.data[mine] @ other.data[theirs]) if len(common) else 0.0

    def as_json(self, comment_id: object = None) -> dict:
        return {
            "id": comment_id, "text": self.text, "is_question": self.is_question,
            "item": self.item, "class": self.klass, "confidence": round(self.confidence, 4),
            "candidates": [{"item": c.item, "score": round(c.score, 4)} for c in self.candidates],
            "answers": list(self.answers),
        }


@dataclass(frozen=True, slots=True)
class Correction:
    """The studio re-filed ``text`` as ``label`` (an item code, or CHATTER)."""

    text: str
    label: str


class TriageEngine:
    """Built once (slow, in a worker); ``classify`` is fast and thread-confined."""

    def __init__(self, knowledge: Knowledge, segmenter: Segmenter | None = None,
                 corrections: Sequence[Correction] = (),
                 params: EngineParams = EngineParams(), *,
                 exclude_texts: frozenset[str] = frozenset()) -> None:
        started = time.perf_counter()
        self.knowledge = knowledge
        self.params = params
        self.lexicon = Lexicon.load(knowledge.lexicon_path)
        self.segmenter = segmenter or Segmenter(extra_words(knowledge, self.lexicon.canonical_terms))
        self.classes = [CHATTER, *sorted(knowledge.catalog.items)]
        training = [e for e in examples(knowledge, params.answer_weight, params.template_weight)
                    if e.text not in exclude_texts]
        training += [Example(c.text, c.label, params.correction_weight, "correction")
                     for c in corrections if c.label in self.classes]
        features = [self.features(e.text) for e in training]
        self.vectorizer = Vectorizer.fit(features, word_weight=params.word_weight)
        X = self.vectorizer.transform(features)
        self.model = LinearModel.train(X, [e.label for e in training],
                                       [e.weight for e in training], self.classes, params.model)
        self._chatter = self.model.index[CHATTER]
        self._items = np.array([label != CHATTER for label in self.classes])
        self._build_answers()
        self.memory = CorrectionMemory()
        for correction in corrections:
            self._remember(correction)
        self.n_examples = len(training)
        self.build_seconds = time.perf_counter() - started
        log.info("triage engine: %d examples, %d features, built in %.2f s",
                 len(training), self.vectorizer.n_features, self.build_seconds)

    @staticmethod
    def fingerprint(knowledge: Knowledge, corrections: Sequence[Correction] = (),
                    params: EngineParams = EngineParams()) -> str:
        """A digest of everything an engine learns from: equal digests, equal engines."""
        digest = hashlib.sha1(repr(params).encode())
        digest.update(knowledge.lexicon_path.read_bytes() if knowledge.lexicon_path.exists()
                      else b"")
        for example in examples(knowledge, params.answer_weight, params.template_weight):
            digest.update(f"{example.label}\t{example.weight}\t{example.text}\n".encode())
        for entry in knowledge.kb:
            digest.update(f"{entry.id}\t{entry.item}\t{entry.questions}\n".encode())
        for correction in corrections:
            digest.update(f"c\t{correction.label}\t{correction.text}\n".encode())
        return digest.hexdigest()

    def clone(self) -> TriageEngine:
        """An independent engine with the same training (its learning does not leak back)."""
        other = copy.copy(self)
        other.model = LinearModel(self.model.classes, self.model.weights.copy())
        other.memory = self.memory.copy()
        return other

    # -- features -----------------------------------------------------------------
    def normalize(self, text: str) -> str:
        return self.lexicon.normalize(text)

    def features(self, text: str) -> list[str]:
        return text_features(self.lexicon.normalize(text), self.segmenter.cut,
                             ngram_max=self.params.ngram_max)

    def vectorize(self, texts: Sequence[str]) -> Csr:
        return self.vectorizer.transform([self.features(t) for t in texts])

    # -- answers ------------------------------------------------------------------
    def _build_answers(self) -> None:
        """Per item, its KB entries as unit vectors: the normalised sum of each
        entry's question variants, stored densely over the item's own features."""
        self._answers: dict[str, tuple[list[str], np.ndarray, np.ndarray]] = {}
        by_item: dict[str, list] = {}
        for entry in self.knowledge.kb:
            by_item.setdefault(entry.item, []).append(entry)
        for item, entries in by_item.items():
            vectors = [self.vectorize(list(e.questions) or [e.short_answer]) for e in entries]
            columns = np.unique(np.concatenate([v.indices for v in vectors]))
            matrix = np.zeros((len(columns), len(entries)), dtype=np.float32)
            for j, vector in enumerate(vectors):
                np.add.at(matrix[:, j], np.searchsorted(columns, vector.indices), vector.data)
            norms = np.linalg.norm(matrix, axis=0)
            norms[norms == 0] = 1.0
            self._answers[item] = ([e.id for e in entries], columns, matrix / norms)

    def answers_for(self, indices: np.ndarray, data: np.ndarray,
                    candidates: Sequence[Candidate], k: int = 3) -> tuple[str, ...]:
        """The ``k`` best KB entries of the candidate items: cosine plus item prior."""
        ranked: list[tuple[float, str]] = []
        for candidate in candidates:
            found = self._answers.get(candidate.item)
            if found is None:
                continue
            ids, columns, matrix = found
            positions = np.searchsorted(columns, indices)
            positions[positions == len(columns)] = 0
            hit = columns[positions] == indices
            cosines = data[hit] @ matrix[positions[hit]]
            prior = self.params.answer_item_prior * candidate.score
            ranked.extend((float(c) + prior, answer) for c, answer in zip(cosines, ids,
                                                                          strict=True))
        ranked.sort(key=lambda pair: -pair[0])
        return tuple(answer for _, answer in ranked[:k])

    # -- decisions ----------------------------------------------------------------
    def classify(self, texts: Sequence[str]) -> list[Decision]:
        """Decide about each text (a batch is much faster than one at a time)."""
        if not texts:
            return []
        X = self.vectorize(texts)
        scores = self.model.scores(X)
        scores[:, self._chatter] += self.params.chatter_bias
        self.memory.apply(X, scores, self.model.index)
        probabilities = self.model.probabilities(scores, self.params.temperature)
        decisions = []
        for row, text in enumerate(texts):
            lo, hi = X.indptr[row], X.indptr[row + 1]
            decisions.append(self._decide(text, probabilities[row], X.indices[lo:hi],
                                          X.data[lo:hi]))
        return decisions

    def _decide(self, text: str, probs: np.ndarray, indices: np.ndarray,
                data: np.ndarray) -> Decision:
        item_probs = np.where(self._items, probs, -1.0)
        top = np.argsort(-item_probs)[:3]
        candidates = tuple(Candidate(self.classes[i], float(probs[i])) for i in top)
        if not len(indices):
            # Nothing we know (emoji, punctuation, a name): not a question we can file.
            return Decision(text, False, None, None, 1.0, candidates, (), indices, data)
        is_question = int(probs.argmax()) != self._chatter
        if not is_question:
            return Decision(text, False, None, None, float(probs[self._chatter]), candidates,
                            (), indices, data)
        best = candidates[0].item
        answers = self.answers_for(indices, data, candidates)
        return Decision(text, True, best, self.knowledge.catalog[best].klass,
                        candidates[0].score, candidates, answers, indices, data)

    # -- learning -----------------------------------------------------------------
    def learn(self, correction: Correction) -> None:
        """Take a studio correction into account from the next decision on."""
        if correction.label not in self.model.index:
            raise ValueError(f"unknown item {correction.label!r}")
        X = self.vectorize([correction.text])
        self.model.update(X.indices, X.data, correction.label)
        self.memory.add(X.indices, X.data, correction.label, self.normalize(correction.text))

    def _remember(self, correction: Correction) -> None:
        if correction.label in self.model.index:
            X = self.vectorize([correction.text])
            self.memory.add(X.indices, X.data, correction.label, self.normalize(correction.text))
