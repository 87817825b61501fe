"""The trained triage model, saved in the data directory so the desk is ready at once.

``triage-model.npz`` beside the database holds what training makes (classes,
vocabulary, IDF, weights, the KB answer vectors) as plain arrays
(``plainfile``: no pickle, a format number, a SHA-256 digest checked before
use, written atomically 0600, symlinks refused) and the fingerprint of what it
was trained on (catalog, KB, lexicon and data files, corrections, parameters,
engine version: ``TriageEngine.fingerprint``).

- Same fingerprint: the engine is read back (~0.1 s instead of ~4 s training).
- Another fingerprint, same classes: read back as a *stale* engine, so the
  desk files at once, while a fresh one trains in the background
  (``TriageService``) and replaces it.
- Anything else (no file, another format, a damaged or altered file, other
  classes): trained now, and saved.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from videohelp.queue.triage import plainfile
from videohelp.queue.triage.corpus import Knowledge
from videohelp.queue.triage.engine import (
    Correction,
    EngineParams,
    TrainedState,
    TriageEngine,
)
from videohelp.queue.triage.segment import Segmenter

log = logging.getLogger(__name__)

FORMAT = 1
FILE_NAME = "triage-model.npz"
_DEFAULT = EngineParams()


def model_path(data_dir: Path) -> Path:
    return data_dir / FILE_NAME


def save(path: Path, engine: TriageEngine, fingerprint: str) -> None:
    """Write ``engine``'s trained state (atomically, 0600)."""
    state = engine.trained_state()
    words = sorted(state.vocabulary, key=state.vocabulary.__getitem__)
    items = sorted(state.answers)
    ids: list[str] = []
    id_counts, column_counts = [], []
    columns, matrices = [], []
    for item in items:
        entry_ids, cols, matrix = state.answers[item]
        ids.extend(entry_ids)
        id_counts.append(len(entry_ids))
        column_counts.append(len(cols))
        columns.append(np.asarray(cols, dtype=np.int64))
        matrices.append(np.asarray(matrix, dtype=np.float32).ravel())
    arrays = {
        "fingerprint": plainfile.strings([fingerprint]),
        "classes": plainfile.strings(list(state.classes)),
        "vocabulary": plainfile.strings(words),
        "idf": np.asarray(state.idf, dtype=np.float32),
        "weights": np.asarray(state.weights, dtype=np.float32),
        "n_examples": np.array([state.n_examples], dtype=np.int64),
        "answer_items": plainfile.strings(items),
        "answer_ids": plainfile.strings(ids),
        "answer_id_counts": np.array(id_counts, dtype=np.int64),
        "answer_column_counts": np.array(column_counts, dtype=np.int64),
        "answer_columns": (np.concatenate(columns) if columns
                           else np.zeros(0, dtype=np.int64)),
        "answer_matrix": (np.concatenate(matrices) if matrices
                          else np.zeros(0, dtype=np.float32)),
    }
    plainfile.save(path, arrays, FORMAT)


def load(path: Path) -> tuple[str, TrainedState]:
    """(fingerprint, state) of a saved model; PlainFileError if it cannot be used."""
    arrays = plainfile.load(path, FORMAT)
    try:
        fingerprint = plainfile.unstrings(arrays["fingerprint"])[0]
        classes = tuple(plainfile.unstrings(arrays["classes"]))
        words = plainfile.unstrings(arrays["vocabulary"])
        idf, weights = arrays["idf"], arrays["weights"]
        if (idf.dtype != np.float32 or weights.dtype != np.float32
                or idf.shape != (len(words),) or weights.shape != (len(words), len(classes))):
            raise plainfile.PlainFileError(f"{path}: shapes do not agree")
        items = plainfile.unstrings(arrays["answer_items"])
        ids = plainfile.unstrings(arrays["answer_ids"])
        id_counts = arrays["answer_id_counts"].tolist()
        column_counts = arrays["answer_column_counts"].tolist()
        all_columns, all_matrix = arrays["answer_columns"], arrays["answer_matrix"]
        if (len(items) != len(id_counts) or len(items) != len(column_counts)
                or sum(id_counts) != len(ids) or sum(column_counts) != len(all_columns)
                or sum(i * c for i, c in zip(id_counts, column_counts, strict=True))
                != len(all_matrix)
                or (len(all_columns) and (all_columns.min() < 0
                                          or all_columns.max() >= len(words)))):
            raise plainfile.PlainFileError(f"{path}: answer tables do not agree")
        answers: dict[str, tuple[list[str], np.ndarray, np.ndarray]] = {}
        at_id = at_column = at_matrix = 0
        for item, n_ids, n_columns in zip(items, id_counts, column_counts, strict=True):
            size = n_ids * n_columns
            answers[item] = (ids[at_id:at_id + n_ids],
                             all_columns[at_column:at_column + n_columns],
                             all_matrix[at_matrix:at_matrix + size].reshape(n_columns, n_ids))
            at_id, at_column, at_matrix = at_id + n_ids, at_column + n_columns, at_matrix + size
        vocabulary = {word: i for i, word in enumerate(words)}
        if len(vocabulary) != len(words):
            raise plainfile.PlainFileError(f"{path}: repeated features")
        n_examples = int(arrays["n_examples"][0])
    except (KeyError, IndexError, ValueError, UnicodeDecodeError) as exc:
        raise plainfile.PlainFileError(f"{path}: {exc}") from exc
    return fingerprint, TrainedState(classes, vocabulary, idf, weights, answers, n_examples)


def ready_engine(knowledge: Knowledge, corrections: Sequence[Correction], data_dir: Path | None,
                 segmenter: Segmenter | None = None,
                 params: EngineParams = _DEFAULT,
                 fingerprint: str | None = None) -> TriageEngine:
    """The engine for this knowledge, read back when it can be (see the module doc).

    A stale engine (``engine.stale``) is returned only when ``data_dir`` has a
    model with the same classes; the caller trains a fresh one in the background
    (``train_and_save``).
    """
    fingerprint = fingerprint or TriageEngine.fingerprint(knowledge, corrections, params)
    path = model_path(data_dir) if data_dir is not None else None
    if path is not None and path.exists():
        try:
            saved, state = load(path)
        except (plainfile.PlainFileError, OSError) as exc:
            log.warning("saved triage model not used (%s); training again", exc)
        else:
            classes = ("chatter", *sorted(knowledge.catalog.items))
            if saved == fingerprint or state.classes == classes:
                engine = TriageEngine(knowledge, segmenter, corrections, params, state=state)
                engine.stale = saved != fingerprint
                engine.fingerprint_ = saved
                return engine
            log.info("saved triage model is for other items; training again")
    return train_and_save(knowledge, corrections, data_dir, segmenter, params, fingerprint)


def train_and_save(knowledge: Knowledge, corrections: Sequence[Correction],
                   data_dir: Path | None, segmenter: Segmenter | None = None,
                   params: EngineParams = _DEFAULT,
                   fingerprint: str | None = None) -> TriageEngine:
    """Train an engine and keep it in ``data_dir`` (a failed write is logged, not fatal)."""
    fingerprint = fingerprint or TriageEngine.fingerprint(knowledge, corrections, params)
    engine = TriageEngine(knowledge, segmenter, corrections, params)
    engine.fingerprint_ = fingerprint
    if data_dir is not None:
        try:
            save(model_path(data_dir), engine, fingerprint)
        except OSError as exc:
            log.warning("trained triage model not saved (%s); it trains again next start", exc)
    return engine
