"""Learning from the studio: a correction changes the next decision and survives a restart."""

from __future__ import annotations

from pathlib import Path

import pytest

from videohelp.core.store import Store
from videohelp.queue.triage.corpus import CHATTER, Knowledge
from videohelp.queue.triage.engine import Correction, TriageEngine
from videohelp.queue.triage.storage import load_corrections, record_correction

# Filed by triage under a licence item; the studio says the show's own app is meant.
TEXT = "本本上面的二维码扫不出来"
TARGET = "OL19"


def test_a_correction_changes_the_next_decision_at_once(engine) -> None:
    (before,) = engine.classify([TEXT])
    assert before.item != TARGET
    engine.learn(Correction(TEXT, TARGET))
    after, similar = engine.classify([TEXT, TEXT + "😭"])
    assert after.item == TARGET and after.is_question
    assert similar.item == TARGET  # the same words with an emoji: the memory covers it
    assert after.answers and after.answers[0].startswith(TARGET)


def test_a_later_correction_of_the_same_text_wins(engine) -> None:
    engine.learn(Correction(TEXT, TARGET))
    engine.learn(Correction(TEXT, CHATTER))
    (decision,) = engine.classify([TEXT])
    assert not decision.is_question


def test_a_correction_does_not_leak_into_other_engines(shared_engine) -> None:
    first, second = shared_engine.clone(), shared_engine.clone()
    first.learn(Correction(TEXT, TARGET))
    assert first.classify([TEXT])[0].item == TARGET
    assert second.classify([TEXT])[0].item != TARGET


@pytest.mark.slow
def test_a_stored_correction_holds_after_reopening_the_store(tmp_path: Path,
                                                             knowledge: Knowledge) -> None:
    path = tmp_path / "videohelp.sqlite3"
    store = Store(path)
    stored = record_correction(store, TEXT, TARGET, "王警官")
    record_correction(store, "今天的节目几点结束", None, "王警官")  # chatter
    store.close()
    assert stored == Correction(TEXT, TARGET)

    reopened = Store(path)
    corrections = load_corrections(reopened)
    row = reopened.conn.execute("SELECT * FROM triage_corrections ORDER BY id").fetchone()
    reopened.close()
    assert corrections == [Correction(TEXT, TARGET), Correction("今天的节目几点结束", CHATTER)]
    assert row["actor"] == "王警官" and row["item"] == TARGET and row["comment_id"] is None

    restarted = TriageEngine(knowledge, corrections=corrections)
    decision, chatter = restarted.classify([TEXT, "今天的节目几点结束"])
    assert decision.item == TARGET
    assert not chatter.is_question


def test_a_correction_needs_a_text_and_an_existing_comment(tmp_path: Path) -> None:
    store = Store(tmp_path / "videohelp.sqlite3")
    with pytest.raises(ValueError):
        record_correction(store, "  ", TARGET, "王警官")
    with pytest.raises(KeyError):
        record_correction(store, TEXT, TARGET, "王警官", comment_id=999)
    assert load_corrections(store) == []  # the refused write left nothing behind
    store.close()


def test_an_unknown_item_is_refused(engine) -> None:
    with pytest.raises(ValueError):
        engine.learn(Correction(TEXT, "XX99"))
