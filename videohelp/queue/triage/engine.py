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
from functools import lru_cache
from itertools import chain

import numpy as np

from videohelp.queue.triage.answer_index import AnswerIndex
from videohelp.queue.triage.corpus import CHATTER, Example, Knowledge, examples, extra_words
from videohelp.queue.triage.cues import Cues
from videohelp.queue.triage.features import (
    Csr,
    Vectorizer,
    char_runs,
    run_features,
    text_features,
)
from videohelp.queue.triage.lexicon import Lexicon, lexicon_files
from videohelp.queue.triage.memory import CorrectionMemory
from videohelp.queue.triage.model import LinearModel, ModelParams
from videohelp.queue.triage.normalise import Normaliser
from videohelp.queue.triage.segment import Segmenter

log = logging.getLogger(__name__)

# Bumped when a change of code changes what training makes: a saved model of
# another version is trained again.
ENGINE_VERSION = 3
RUN_CACHE_SIZE = 4096  # runs of letters whose columns are kept (~1 kB each)
DATA_FILES = ("numerals.tsv", "fillers.txt", "question-words.txt", "cues.tsv", "pairs.tsv")


@dataclass(frozen=True)
class EngineParams:
    model: ModelParams = field(default_factory=ModelParams)
    ngram_max: int = 2               # character n-grams 1..ngram_max
    word_weight: float = 1.0         # word features' weight against the n-grams
    temperature: float = 4.0         # softmax over scores -> the confidences shown
    correction_weight: float = 3.0   # a studio correction counts as this many examples
    answer_item_prior: float = 0.5   # how much the item's probability ranks its answers
    # Added to the chatter score. 1.0 since issue 16's third round: naive Bayes
    # (model.nb_weight) lifts the best item of a chatter line too (k-fold over the KB
    # variants and chatter: chatter lines kept 92% -> 85% without it, 95% with it).
    chatter_bias: float = 1.0
    answer_weight: float = 0.3       # KB answers as (weaker) training examples
    template_weight: float = 0.5     # synonyms wrapped in question templates (corpus.TEMPLATES)
    also_weight: float = 0.5         # a phrasing's further accepted items, centroids only (dev: +0.1)
    cue_penalty: float = 0.3         # cues.py: a special item without its cue loses this much
    floor: float = 0.2               # below this a line without a question's shape is chatter
    min_confidence: float = 0.06     # below this (near uniform: nothing known) always chatter
    second_floor: float = 0.35       # a second question's clause must reach this to be shown


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
    answer_items: tuple[str, ...] = ()  # the item of each answer, in the same order
    also: str | None = None  # a second question's item, when the comment asks two

    @property
    def answers_elsewhere(self) -> bool:
        """Some suggested answer belongs to another item than the one filed."""
        return any(item != self.item for item in self.answer_items)

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
            "answers": list(self.answers), "answer_items": list(self.answer_items),
            "also": self.also,
        }


@dataclass(frozen=True, slots=True)
class Ranked:
    """A comment's scores as ``_judge`` reads them (taken from the batch's arrays at once)."""

    candidates: tuple[Candidate, ...]  # the three most likely items, best first
    best_class: int  # chatter or an item
    best_p: float
    chatter_p: float


@dataclass(frozen=True, slots=True)
class Correction:
    """The studio re-filed ``text`` as ``label`` (an item code, or CHATTER)."""

    text: str
    label: str


class TriageEngine:
    """Built once (slow, in a worker); ``classify`` is fast and thread-confined.

    ``state``: a trained model read back (``model_store``) instead of training.
    """

    def __init__(self, knowledge: Knowledge, segmenter: Segmenter | None = None,
                 corrections: Sequence[Correction] = (),
                 params: EngineParams = EngineParams(), *,
                 exclude_texts: frozenset[str] = frozenset(),
                 state: TrainedState | None = None) -> None:
        started = time.perf_counter()
        self.knowledge = knowledge
        self.params = params
        self.lexicon = Lexicon.load(*knowledge.lexicon_paths)
        self.normaliser = Normaliser(knowledge.triage_dir, self.lexicon)
        self.segmenter = segmenter or Segmenter(extra_words(knowledge, self.lexicon.canonical_terms))
        self._answers: dict[str, tuple[list[str], np.ndarray, np.ndarray]] = {}
        self.stale = False  # read back from a model trained on other knowledge
        self.fingerprint_ = ""  # what it was trained on (model_store sets it)
        if state is not None:
            self.classes = list(state.classes)
            self.vectorizer = Vectorizer(state.vocabulary, state.idf)
            self.model = LinearModel(self.classes, state.weights)
            self._answers = dict(state.answers)
            self.n_examples = state.n_examples
        else:
            self.classes = [CHATTER, *sorted(knowledge.catalog.items)]
            training = [e for e in examples(knowledge, params.answer_weight,
                                            params.template_weight, params.also_weight)
                        if e.text not in exclude_texts]
            training += [Example(c.text, c.label, params.correction_weight, "correction")
                         for c in corrections if c.label in self.classes]
            features = [self.features(e.text) for e in training]
            self.vectorizer = Vectorizer.fit(features, word_weight=params.word_weight)
            X = self.vectorizer.transform(features)
            self.model = LinearModel.train(X, [e.label for e in training],
                                           [e.weight for e in training], self.classes,
                                           params.model,
                                           centroid_only=[e.source == "also" for e in training])
            self._build_answers()
            self.n_examples = len(training)
        # A show repeats itself (同问, the same words in many questions): a run of letters
        # seen lately is not cut, split into n-grams and looked up again. Bounded; exact (a
        # run's columns depend on nothing else).
        self._run_columns = lru_cache(maxsize=RUN_CACHE_SIZE)(self._columns_of_run)
        self.answer_index = AnswerIndex(self._answers, self.vectorizer.n_features)
        self._chatter = self.model.index[CHATTER]
        self._items = np.array([label != CHATTER for label in self.classes])
        self.cues = Cues.load(knowledge.triage_dir, self.classes, params.cue_penalty)
        self.answer_item = {entry.id: entry.item for entry in knowledge.kb}
        self.memory = CorrectionMemory()
        for correction in corrections:
            self._remember(correction)
        self.build_seconds = time.perf_counter() - started
        log.info("triage engine: %d examples, %d features, %s in %.2f s", self.n_examples,
                 self.vectorizer.n_features, "read back" if state else "trained",
                 self.build_seconds)

    @staticmethod
    def fingerprint(knowledge: Knowledge, corrections: Sequence[Correction] = (),
                    params: EngineParams = EngineParams()) -> str:
        """A digest of everything an engine learns from: equal digests, equal engines."""
        digest = hashlib.sha256(f"{ENGINE_VERSION}|{params!r}".encode())
        for path in (*lexicon_files(*knowledge.lexicon_paths),
                     *(knowledge.triage_dir / name for name in DATA_FILES)):
            if path.exists():
                digest.update(f"{path.name}\n".encode() + path.read_bytes())
        for example in examples(knowledge, params.answer_weight, params.template_weight,
                                params.also_weight):
            digest.update(f"{example.label}\t{example.weight}\t{example.text}\n".encode())
        for entry in knowledge.kb:
            digest.update(f"{entry.id}\t{entry.item}\t{entry.questions}\n".encode())
        for correction in corrections:
            digest.update(f"c\t{correction.label}\t{correction.text}\n".encode())
        return digest.hexdigest()

    def trained_state(self) -> TrainedState:
        """What ``model_store`` saves: enough to classify without training again."""
        return TrainedState(tuple(self.classes), self.vectorizer.vocabulary,
                            self.vectorizer.idf, self.model.weights, dict(self._answers),
                            self.n_examples)

    def clone(self) -> TriageEngine:
        """An independent engine with the same training (its learning does not leak back)."""
        other = copy.copy(self)
        other.model = LinearModel(self.model.classes, self.model.weights.copy())
        other.memory = self.memory.copy()
        return other

    # -- features -----------------------------------------------------------------
    def normalize(self, text: str) -> str:
        return self.normaliser.normalise(text)

    def _features_of(self, content: str) -> list[str]:
        return text_features(content, self.segmenter.cut, ngram_max=self.params.ngram_max)

    def _columns_of_run(self, run: str) -> tuple[int, ...]:
        return self.vectorizer.columns(run_features(run, self.segmenter.cut, self.params.ngram_max))

    def _columns_of(self, content: str) -> list[int]:
        """The columns of ``content``'s features: ``_features_of`` through the vocabulary."""
        return list(chain.from_iterable(self._run_columns(run) for run in char_runs(content)))

    def features(self, text: str) -> list[str]:
        """Features of the comment's clauses, greetings and fillers set aside."""
        return self._features_of(" ".join(self.normaliser.content(self.normalize(text))))

    def vectorize(self, texts: Sequence[str]) -> Csr:
        return self.vectorizer.transform([self.features(t) for t in texts])

    # -- answers ------------------------------------------------------------------
    def _build_answers(self) -> None:
        """Per item, its KB entries as unit vectors: the normalised sum of each
        entry's question variants, stored densely over the item's own features."""
        self._answers = {}
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

    # -- decisions ----------------------------------------------------------------
    def _score(self, rows: list[list[int]], normalised: list[str]) -> tuple[Csr, np.ndarray]:
        X = self.vectorizer.transform_columns(rows)
        scores = self.model.scores(X)
        scores[:, self._chatter] += self.params.chatter_bias
        self.cues.apply(scores, normalised)
        self.memory.apply(X, scores, self.model.index)
        return X, self.model.probabilities(scores, self.params.temperature)

    def classify(self, texts: Sequence[str]) -> list[Decision]:
        """Decide about each text (a batch is much faster than one at a time).

        A comment is read as clauses (``normalise.Normaliser``): greetings,
        praise and fillers are set aside first. When what is left still reads
        as chatter but has several clauses, each clause is scored alone, and
        the clauses that read as chatter without a question's shape are set
        aside too (a greeting the filler list does not know). When two clauses
        ask questions of different items, the comment is filed by the whole
        and the other item is ``also``. Each clause is segmented once: a
        comment's features are its clauses' features together.
        """
        if not texts:
            return []
        normalised = [self.normalize(t) for t in texts]
        clauses = [self.normaliser.content(n) for n in normalised]
        clause_features = [[self._columns_of(c) for c in found] for found in clauses]
        X, probs = self._score([list(chain.from_iterable(parts)) for parts in clause_features],
                                normalised)
        best = probs.argmax(axis=1)
        shaped = [[self.normaliser.has_question_shape(c) for c in found] for found in clauses]
        # Rows whose clauses are worth scoring one by one.
        chatty = [r for r in range(len(texts)) if len(clauses[r]) >= 2
                  and (best[r] == self._chatter or probs[r, best[r]] < self.params.floor)]
        two = [r for r in range(len(texts)) if best[r] != self._chatter and sum(shaped[r]) >= 2]
        per_clause = self._clause_labels(sorted(set(chatty) | set(two)), clause_features,
                                         normalised)
        contents = [" ".join(found) for found in clauses]
        rescore: dict[int, list[int]] = {}
        for r in chatty:
            kept = [i for i, ((label, _), shape) in enumerate(zip(per_clause[r], shaped[r],
                                                                   strict=True))
                    if label != CHATTER or shape]
            if kept and len(kept) < len(clauses[r]):
                rescore[r] = kept
        if rescore:
            rows = sorted(rescore)
            X2, probs2 = self._score([list(chain.from_iterable(clause_features[r][i] for i in rescore[r]))
                                      for r in rows], [normalised[r] for r in rows])
            for position, r in enumerate(rows):
                lo, hi = X2.indptr[position], X2.indptr[position + 1]
                probs[r] = probs2[position]
                contents[r] = " ".join(clauses[r][i] for i in rescore[r])
                X = _replace_row(X, r, X2.indices[lo:hi], X2.data[lo:hi])
        # Per batch, not per comment: the three best items, the best class, the entries' cosines.
        tops = np.argsort(-np.where(self._items, probs, -1.0), axis=1)[:, :3]
        top_probs = np.take_along_axis(probs, tops, axis=1).tolist()
        best_class = probs.argmax(axis=1)
        best_probs = probs[np.arange(len(texts)), best_class].tolist()
        chatter_probs = probs[:, self._chatter].tolist()
        judged = []
        for row, (top, top_p) in enumerate(zip(tops.tolist(), top_probs, strict=True)):
            candidates = tuple(Candidate(self.classes[i], p) for i, p in zip(top, top_p, strict=True))
            judged.append(self._judge(
                Ranked(candidates, int(best_class[row]), best_probs[row], chatter_probs[row]),
                probs[row], X.indptr[row + 1] > X.indptr[row],
                self.normaliser.has_question_shape(contents[row]), per_clause.get(row, [])))
        # Only the candidate items' entries of the questions: their answers come from there.
        cosines = self.answer_index.cosines(
            X, [[c.item for c in candidates] if is_question else []
                for is_question, _, candidates, _ in judged])
        decisions = []
        for row, (text, (is_question, confidence, candidates, also)) in enumerate(
                zip(texts, judged, strict=True)):
            lo, hi = X.indptr[row], X.indptr[row + 1]
            if not is_question:
                decisions.append(Decision(text, False, None, None, confidence, candidates, (),
                                          X.indices[lo:hi], X.data[lo:hi]))
                continue
            best = candidates[0].item
            answers = self.answer_index.best(cosines[row], candidates,
                                             self.params.answer_item_prior)
            decisions.append(Decision(
                text, True, best, self.knowledge.catalog[best].klass, confidence, candidates,
                answers, X.indices[lo:hi], X.data[lo:hi],
                tuple(self.answer_item.get(a, "") for a in answers),
                also))
        return decisions

    def _clause_labels(self, rows: list[int], clause_features: list[list[list[int]]],
                       normalised: list[str]) -> dict[int, list[tuple[str, float]]]:
        """For each row, (best class, its probability) of each clause scored alone."""
        if not rows:
            return {}
        flat = [(r, f) for r in rows for f in clause_features[r]]
        _, probs = self._score([f for _, f in flat], [normalised[r] for r, _ in flat])
        best = probs.argmax(axis=1)
        out: dict[int, list[tuple[str, float]]] = {r: [] for r in rows}
        for (r, _), label, p in zip(flat, best, probs[np.arange(len(flat)), best], strict=True):
            out[r].append((self.classes[int(label)], float(p)))
        return out

    def _judge(self, ranked: Ranked, probs: np.ndarray, known: bool, shape: bool,
               clause_labels: list[tuple[str, float]]
               ) -> tuple[bool, float, tuple[Candidate, ...], str | None]:
        """(is it a question, the confidence shown, the candidate items, a second question's
        item): ``also`` goes second among the candidates if the three best lack it."""
        candidates = ranked.candidates
        if not known:
            # Nothing we know (emoji, punctuation, a name): not a question we can file.
            return False, 1.0, candidates, None
        is_question = ranked.best_class != self._chatter
        if is_question and (ranked.best_p < self.params.min_confidence
                            or (ranked.best_p < self.params.floor and not shape)):
            is_question = False  # a weak guess without a question's shape: chatter
        if not is_question:
            return False, ranked.chatter_p, candidates, None
        best = candidates[0].item
        also = next((label for label, p in clause_labels
                     if label not in (CHATTER, best) and p >= self.params.second_floor), None)
        if also is not None and all(c.item != also for c in candidates):
            candidates = (candidates[0], Candidate(also, float(probs[self.model.index[also]])),
                          candidates[1])
        return True, candidates[0].score, candidates, also

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


def _replace_row(X: Csr, row: int, indices: np.ndarray, data: np.ndarray) -> Csr:
    lo, hi = X.indptr[row], X.indptr[row + 1]
    shift = len(indices) - (hi - lo)
    indptr = X.indptr.copy()
    indptr[row + 1:] += shift
    return Csr(indptr, np.concatenate([X.indices[:lo], indices, X.indices[hi:]]),
               np.concatenate([X.data[:lo], data, X.data[hi:]]), X.n_cols)


@dataclass(frozen=True)
class TrainedState:
    """A trained engine's numbers (``model_store`` reads and writes them)."""

    classes: tuple[str, ...]
    vocabulary: dict[str, int]
    idf: np.ndarray
    weights: np.ndarray
    answers: dict[str, tuple[list[str], np.ndarray, np.ndarray]]
    n_examples: int
