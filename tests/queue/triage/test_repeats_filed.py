"""Repeats merged at ingest are filed as their original and count as asked (issue 16)."""

from __future__ import annotations

from pathlib import Path

import pytest

from videohelp.console.reports.figures import compute_figures
from videohelp.console.reports.period import DateRange, day_index, day_of_index
from videohelp.core.store import Store
from videohelp.queue.comments import State
from videohelp.queue.triage.storage import TriageUpdate, apply_triage, untriaged

from .test_service import _collect, _comment, _session, run_until


@pytest.fixture
def session(qloop, data_dir):
    session = _session(data_dir)
    qloop.run_until_complete(session.start())
    yield session
    qloop.run_until_complete(session.stop())

RENEWALS = ["驾照到期了怎么换证", "驾驶证快到期了去哪换", "驾照六年到期换证要带什么",
            "驾驶证期满换证需要体检吗"]


@pytest.mark.slow
def test_a_repeat_takes_its_originals_filing_and_the_review_counts_it_as_asked(
        session, qloop, data_dir: Path) -> None:
    seen = _collect(session)
    comments = []
    for viewer in range(40):  # 80 renewal questions, two per viewer
        text = RENEWALS[viewer % len(RENEWALS)]
        comments += [_comment(f"m{viewer}a", text, user=f"u{viewer}"),
                     _comment(f"m{viewer}b", text + "？", user=f"u{viewer}")]
    result = qloop.run_until_complete(session.pipeline.submit(comments))
    stored = result.stored
    assert len(stored) == 80 and sum(c.repeat_of is not None for c in stored) == 40
    run_until(qloop, lambda: {c.id for c in stored} <= set(seen))
    for comment in stored:
        filed = seen[comment.id]
        original = seen[comment.repeat_of] if comment.repeat_of else filed
        assert filed.is_question and filed.item == original.item
        assert filed.state == State.TRIAGED
    items = {seen[c.id].item for c in stored}
    assert items == {"DL03"}, items

    store = Store(session.paths.database, migrate=False)
    try:
        period = DateRange.single(day_of_index(day_index(stored[0].received_ms)))
        figures = compute_figures(store.conn, period)
        history = store.conn.execute(
            "SELECT count(*) FROM comment_history WHERE actor = 'triage'").fetchone()[0]
    finally:
        store.close()
    assert figures.untriaged == 0
    assert figures.questions == 80 and figures.items["DL03"].asked == 80
    assert figures.items["DL03"].distinct == 40  # each viewer's question once
    assert history == 80


def test_a_repeat_waiting_for_its_original_is_filed_when_the_original_is(
        tmp_path: Path) -> None:
    store = Store(tmp_path / "videohelp.db")
    try:
        with store.transaction() as conn:
            for text, repeat_of in (("驾照到期怎么换", None), ("驾照到期怎么换", 1),
                                    ("来了", None)):
                conn.execute(
                    "INSERT INTO comments (platform, msg_id, user_id, user_name,"
                    " user_name_masked, text, text_masked, ts_ms, received_ms, state, blocked,"
                    " repeat_of) VALUES ('douyin', ?, 'u1', 'v', 'v', ?, ?, 0, 0, 'new', 0, ?)",
                    (text + str(repeat_of), text, text, repeat_of))
        # The backlog reads repeats too (they used to be skipped and stayed 未分拣).
        assert [c.id for c in untriaged(store, 0, 10, 10)] == [1, 2, 3]
        # The repeat comes first: nothing to copy yet, it waits.
        assert apply_triage(store, [TriageUpdate(2, False, None, 0.0, same_as=1)]) == []
        written = apply_triage(store, [TriageUpdate(1, True, "DL03", 0.8),
                                       TriageUpdate(3, False, None, 0.9)])
        by_id = {c.id: c for c in written}
        assert set(by_id) == {1, 2, 3}
        assert by_id[2].is_question and by_id[2].item == "DL03" and by_id[2].confidence == 0.8
        assert by_id[2].state == State.TRIAGED
        # Filed once: a second pass changes nothing.
        assert apply_triage(store, [TriageUpdate(2, False, None, 0.0, same_as=1)]) == []
    finally:
        store.close()
