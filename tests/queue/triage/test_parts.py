"""The engine's parts: sparse maths, the correction memory, repeat grouping (caches: test_caches.py)."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from videohelp.queue.triage import segment
from videohelp.queue.triage.corpus import examples
from videohelp.queue.triage.features import Csr, Vectorizer
from videohelp.queue.triage.memory import CorrectionMemory
from videohelp.queue.triage.model import LinearModel, ModelParams
from videohelp.queue.triage.repeats import RepeatGrouper


def _random_csr(rng: np.random.Generator, rows: int, cols: int) -> Csr:
    vectorizer = Vectorizer.fit([[str(c) for c in range(cols)]])
    docs = [[str(c) for c in rng.choice(cols, size=rng.integers(0, 6))] for _ in range(rows)]
    return vectorizer.transform(docs)


def test_sparse_products_equal_dense_ones() -> None:
    rng = np.random.default_rng(3)
    X = _random_csr(rng, 300, 40)  # some rows are empty on purpose
    dense = rng.normal(size=(40, 7)).astype(np.float32)
    expected = X.to_dense() @ dense
    # Chunks of one row, of several, and everything at once give the same product.
    for chunk_bytes in (1, 16 * 7 * 4, 1 << 30):
        np.testing.assert_allclose(X.matmul(dense, chunk_bytes=chunk_bytes), expected, atol=1e-5)
    norms = np.linalg.norm(X.to_dense(), axis=1)
    assert np.allclose(norms[norms > 0], 1.0)


def test_the_memory_finds_the_same_cosines_as_dense_maths() -> None:
    rng = np.random.default_rng(5)
    remembered, queries = _random_csr(rng, 20, 30), _random_csr(rng, 50, 30)
    memory = CorrectionMemory()
    for row in range(remembered.n_rows):
        lo, hi = remembered.indptr[row], remembered.indptr[row + 1]
        memory.add(remembered.indices[lo:hi], remembered.data[lo:hi], f"L{row}")
    kept = [r for r in range(remembered.n_rows) if remembered.indptr[r] < remembered.indptr[r + 1]]
    expected = queries.to_dense() @ remembered.to_dense()[kept].T
    np.testing.assert_allclose(memory.similarities(queries), expected, atol=1e-5)


def test_the_segmenter_can_be_built_in_a_worker_thread() -> None:
    built: list[tuple[str, list[str]]] = []
    worker = threading.Thread(target=lambda: built.append(
        (threading.current_thread().name, segment.Segmenter(["电动自行车", "上牌"]).cut("电动自行车上牌"))),
        name="w")
    worker.start()
    worker.join(timeout=60)
    assert built == [("w", ["电动自行车", "上牌"])]


@pytest.fixture
def grouper() -> RepeatGrouper:
    return RepeatGrouper()


def test_the_same_question_from_other_viewers_is_grouped(engine, grouper) -> None:
    first, again, reworded, other, chatter = engine.classify(
        ["驾照丢了怎么补", "驾照丢了怎么补啊", "驾驶证掉了去哪里补办", "驾照到期了怎么换", "来了来了"])
    assert grouper.add(1, first, 0) is None
    assert grouper.add(2, again, 1000) == 1
    assert grouper.add(3, reworded, 2000) == 1
    assert grouper.add(4, other, 3000) is None  # another question of the same class
    assert grouper.add(5, chatter, 4000) is None
    assert grouper.askers(1) == 3 and grouper.askers(4) == 1


def test_a_comment_meets_all_its_items_roots_at_once_with_the_pairwise_cosines(engine) -> None:
    """The stacked comparison gives each root the cosine ``Decision.similarity`` gives, and
    follows the roots as they come and go (a new root, a closed one, an expired one)."""
    import json
    from dataclasses import replace

    from tests.conftest import REPO

    lines = (REPO / "tests/fixtures/client/triage-sample.jsonl").read_text(encoding="utf-8")
    texts = [json.loads(line)["text"] for line in lines.splitlines() if line.strip()]
    # Every question under one item and nothing close enough to group: one root each.
    decisions = [replace(d, item="MV01", answers=()) for d in engine.classify(texts)
                 if d.is_question]
    grouper = RepeatGrouper(threshold=1.01, answer_threshold=1.01, max_roots_per_item=40)
    for n, decision in enumerate(decisions[:-1]):
        assert grouper.add(n, decision, n) is None
        roots = grouper._roots["MV01"]
        probe = decisions[n + 1]
        np.testing.assert_allclose(grouper._similarities("MV01", roots, probe),
                                   [probe.similarity(root.decision) for root in roots],
                                   atol=1e-6)
        if n == 10:
            grouper.close(roots[3].comment_id)
    assert len(grouper._roots["MV01"]) == 40  # at its cap: the oldest went
    # Expired roots leave the stack too.
    late = grouper.max_age_ms + len(decisions) - 5
    assert grouper.add(10_000, decisions[0], late) is None
    roots = grouper._roots["MV01"]
    assert min(root.at_ms for root in roots) >= late - grouper.max_age_ms  # expired ones gone
    np.testing.assert_allclose(grouper._similarities("MV01", roots, decisions[1]),
                               [decisions[1].similarity(root.decision) for root in roots],
                               atol=1e-6)
    # Threshold as usual: a repeat of a root groups with it.
    grouper.threshold = 0.6
    assert grouper.add(10_001, decisions[-2], late + 1) == len(decisions) - 2


def test_an_answered_question_starts_a_new_group(engine, grouper) -> None:
    first, again = engine.classify(["驾照丢了怎么补", "驾照丢了怎么补啊"])
    grouper.add(1, first, 0)
    grouper.close(1)
    assert grouper.add(2, again, 1000) is None
    assert grouper.askers(1) == 0 and grouper.askers(2) == 1


def test_an_old_question_no_longer_collects_repeats(engine, grouper) -> None:
    first, again = engine.classify(["驾照丢了怎么补", "驾照丢了怎么补啊"])
    grouper.add(1, first, 0)
    assert grouper.add(2, again, grouper.max_age_ms + 1) is None


def test_backlog_comments_group_among_themselves_after_live_ones(engine, grouper) -> None:
    """The backlog (old comments, read back oldest first) takes turns with live ones."""
    hour = 3_600_000
    old, old_again = live, live_again = engine.classify(["驾照丢了怎么补", "驾照丢了怎么补啊"])
    assert grouper.add(1, old, 0) is None
    # A live comment an hour later: backlog comments still to come are no older than 0.
    assert grouper.add(100, live, hour, oldest_to_come=0) is None  # too far from root 1
    assert grouper.add(2, old_again, 1000) == 1  # root 1 was kept for it
    assert grouper.add(101, live_again, hour + 1000, oldest_to_come=1000) == 100
    assert grouper.askers(1) == 2 and grouper.askers(100) == 2
    # Without the backlog, the live comment would have forgotten root 1.
    fresh = RepeatGrouper()
    fresh.add(1, old, 0)
    fresh.add(100, live, hour)
    assert fresh.add(2, old_again, 1000) is None


def test_a_second_accepted_item_teaches_the_centroids_only(knowledge) -> None:
    # A phrasing with two accepted items: the first is its label; the second is an
    # example of source "also", kept though its wording is then taught for two items,
    # and the classifier (passive-aggressive) never steps on it.
    assert knowledge.also, "the shipped phrasings have lines with two accepted items"
    found = examples(knowledge, also_weight=0.5)
    also = {(e.text, e.label) for e in found if e.source == "also"}
    assert also == set(knowledge.also)
    labelled = {e.text for e in found if e.source == "phrasing"}
    assert sum(text in labelled for text, _ in knowledge.also) > 0.9 * len(knowledge.also)
    assert not any(e.source == "also" for e in examples(knowledge))  # off unless asked

    vectorizer = Vectorizer.fit([["a"], ["b"]])
    X = vectorizer.transform([["a"], ["a"], ["b"]])
    params = ModelParams(epochs=3, centroid_weight=0.0)
    plain = LinearModel.train(X, ["x", "y", "y"], [1, 1, 1], ["x", "y"], params)
    skipped = LinearModel.train(X, ["x", "y", "y"], [1, 1, 1], ["x", "y"], params,
                                centroid_only=[False, True, False])
    a = vectorizer.vocabulary["a"]
    assert plain.weights[a, 0] != pytest.approx(skipped.weights[a, 0])  # "a" -> y was skipped
    assert skipped.weights[a, 0] > skipped.weights[a, 1]


def test_naive_bayes_adds_each_class_own_vocabulary() -> None:
    # "a" is only ever seen as x, "b" mostly as y: naive Bayes ranks by that, and a
    # feature's weights sum to zero over the classes (its shared part ranks nothing).
    vectorizer = Vectorizer.fit([["a"], ["b"], ["c"]])
    X = vectorizer.transform([["a"], ["a", "c"], ["b"], ["b", "c"], ["b"]])
    labels, classes = ["x", "x", "y", "y", "y"], ["x", "y"]
    bare = ModelParams(epochs=0, centroid_weight=0.0, nb_weight=1.0, nb_alpha=0.05)
    model = LinearModel.train(X, labels, [1] * 5, classes, bare)
    a, b = vectorizer.vocabulary["a"], vectorizer.vocabulary["b"]
    assert model.weights[a, 0] > 0 > model.weights[a, 1]
    assert model.weights[b, 1] > 0 > model.weights[b, 0]
    np.testing.assert_allclose(model.weights.sum(axis=1), 0.0, atol=1e-5)
    # Off (the weight 0) it adds nothing: the same model as without it.
    off = LinearModel.train(X, labels, [1] * 5, classes, ModelParams(nb_weight=0.0))
    on = LinearModel.train(X, labels, [1] * 5, classes, ModelParams(nb_weight=0.5))
    assert not np.allclose(off.weights, on.weights)
    assert np.allclose(off.weights, LinearModel.train(
        X, labels, [1] * 5, classes, ModelParams(nb_weight=0.0)).weights)


def test_cached_run_columns_are_the_texts_own_features(engine) -> None:
    """classify reads each run of letters through a cache of its columns: the same
    columns as the whole text's features (words cut over the joined runs), in order."""
    from tests.queue.triage.conftest import EVAL_SET, read_labelled
    from videohelp.queue.triage.features import char_runs

    engine._run_columns.cache_clear()
    texts = [text for text, _ in read_labelled(EVAL_SET)][:300]
    for text in texts:
        for clause in engine.normaliser.content(engine.normalize(text)):
            joined_words = engine.segmenter.cut(" ".join(char_runs(clause)))
            run_words = [w for run in char_runs(clause) for w in engine.segmenter.cut(run)]
            assert joined_words == run_words, clause  # jieba cuts each run on its own
            expected = engine.vectorizer.columns(engine._features_of(clause))
            assert engine._columns_of(clause) == list(expected), clause
            assert engine._columns_of(clause) == list(expected), clause  # now from the cache
    info = engine._run_columns.cache_info()
    assert info.hits > 0 and info.currsize <= info.maxsize


def test_the_answer_index_finds_each_entrys_cosine_and_ranks_candidates() -> None:
    from videohelp.queue.triage.answer_index import AnswerIndex
    from videohelp.queue.triage.engine import Candidate

    rng = np.random.default_rng(3)
    answers = {}
    for item, n_entries in (("MV01", 3), ("DL02", 2), ("EB03", 1)):
        columns = np.sort(rng.choice(40, size=12, replace=False))
        matrix = rng.random((12, n_entries)).astype(np.float32)
        answers[item] = ([f"{item}-{j}" for j in range(n_entries)], columns, matrix)
    index = AnswerIndex(answers, n_features=50)
    dense = np.zeros((4, 50), dtype=np.float32)
    dense[0, [1, 5, 9]] = [0.2, 0.5, 0.3]
    dense[2, [45, 46]] = [0.7, 0.7]  # features no entry has
    dense[3, :40:3] = 0.1
    indptr = np.concatenate([[0], np.cumsum((dense != 0).sum(axis=1))])
    X = Csr(indptr, np.nonzero(dense)[1], dense[dense != 0], 50)  # row 1 is empty
    cosines = index.cosines(X)
    offset = 0  # the entries are the matrix's columns, item after item
    for ids, columns, matrix in answers.values():
        full = np.zeros((50, len(ids)), dtype=np.float32)
        full[columns] = matrix
        np.testing.assert_allclose(cosines[:, offset:offset + len(ids)], dense @ full, rtol=1e-5)
        offset += len(ids)
    assert not cosines[1].any() and not cosines[2].any()
    # Told which items each row needs, only those items' entries are computed, the same.
    wanted = [["DL02"], ["MV01"], ["MV01", "EB03"], ["EB03", "XX99", "MV01"]]
    partial = index.cosines(X, wanted)
    offset = 0
    for item, (ids, _, _) in answers.items():
        for row, items in enumerate(wanted):
            span = slice(offset, offset + len(ids))
            expected = cosines[row, span] if item in items else np.zeros(len(ids))
            np.testing.assert_allclose(partial[row, span], expected, rtol=1e-5, atol=1e-7)
        offset += len(ids)
    assert partial[3, :3].any() and partial[0, 3:5].any()  # computed, not left at 0
    assert not index.cosines(X, [[], [], [], []]).any()
    # Ranked by cosine plus the item's prior; an item with no entries is skipped.
    candidates = (Candidate("DL02", 0.9), Candidate("XX99", 0.5), Candidate("MV01", 0.1))
    best = index.best(cosines[3], candidates, prior_weight=10.0, k=3)
    assert best[:2] == tuple(sorted(("DL02-0", "DL02-1"),
                                    key=lambda a: -cosines[3][3 + int(a[-1])]))
    assert best[2].startswith("MV01-")
    # Equal scores keep the candidates' order, then the entries'.
    assert index.best(np.zeros_like(cosines[3]), candidates, prior_weight=0.0, k=4) == (
        "DL02-0", "DL02-1", "MV01-0", "MV01-1")
