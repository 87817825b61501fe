"""Issue 15: the desk's models hold a bounded window whatever the length of the show (the store
keeps everything), and a batch costs one model change, not one per comment."""

from __future__ import annotations

from dataclasses import replace

from videohelp.queue.comments import State, StoredComment
from videohelp.ui.comment_model import CommentListModel
from videohelp.ui.queue_model import QuestionQueueModel


def _comment(cid: int, **fields) -> StoredComment:
    return replace(StoredComment(
        id=cid, platform="douyin", msg_id=f"m{cid}", user_id=f"u{cid}", user_name="王",
        user_name_masked="王*", text=f"驾照到期了怎么换 {cid}", text_masked=f"驾照到期了怎么换 {cid}",
        ts_ms=1_700_000_000_000 + cid, received_ms=1_700_000_000_000 + cid), **fields)


def test_the_feed_model_stays_bounded_by_its_window(qtbot) -> None:
    model = CommentListModel()
    model.MAX_ROWS, model.MAX_EARLY = 50, 20
    inserts: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda _parent, first, last: inserts.append((first, last)))
    next_id = 1
    for _batch in range(40):  # 800 comments through a window of 50
        batch = [_comment(cid) for cid in range(next_id, next_id + 20)]
        next_id += 20
        model.add_comments(batch)
        newest = batch[-1].id
        # Repeats of old comments (the ingest links them over ten minutes), of rows, and of
        # comments whose batch is still to come; triage results for all three.
        model.add_askers({1: 3, newest - 5: 1, newest + 3: 2})
        model.update_comments([replace(_comment(cid), state=State.TRIAGED, is_question=True,
                                       item="DL03", confidence=0.9)
                               for cid in (2, newest - 1, newest + 1)])
    assert len(inserts) == 40 and all(last - first == 19 for first, last in inserts)
    assert model.rowCount() == 50
    ids = {model.comment_at(row).id for row in range(model.rowCount())}
    assert ids == set(range(next_id - 50, next_id))  # the newest 50
    assert set(model._index_of) == ids
    assert set(model._askers) <= ids  # no count kept for a comment out of the window
    assert len(model._early) <= model.MAX_EARLY and len(model._early_askers) <= model.MAX_EARLY
    # What is counted still shows: a row's "N asked", a count that came before its row.
    assert model.askers(next_id - 6) == 2
    model.add_comments([_comment(next_id), _comment(next_id + 1), _comment(next_id + 2),
                        _comment(next_id + 3)])
    assert model.askers(next_id + 2) == 3 and model.comment_at(3).item == "DL03"
    assert "3" in model.index(1, model.COLUMNS.index("asked")).data()


def test_the_queue_keeps_the_most_asked_and_never_drops_the_presenters_questions(qtbot) -> None:
    model = QuestionQueueModel()
    model.MAX_QUESTIONS, model.TRIM_STEP = 20, 5
    questions = [replace(_comment(cid), state=State.TRIAGED, is_question=True, item="DL03")
                 for cid in range(1, 201)]
    model.add_triaged(questions[:3])
    model.add_askers({2: 9})  # many viewers asked the second question
    model.comment_changed(replace(questions[2], state=State.FLAGGED))  # the studio flagged one
    model.push_next(1)  # the presenter's next-up
    model.set_selected(4)
    model.add_triaged(questions[3:4])
    for start in range(4, 200, 7):
        model.add_triaged(questions[start:start + 7])
    assert len(model.queue.questions) <= model.MAX_QUESTIONS + model.TRIM_STEP
    assert set(model.comments) == set(model.queue.questions)
    assert {1, 2, 3, 4} <= set(model.queue.questions)
    kept = sorted(cid for cid in model.queue.questions if cid > 4)
    assert kept == list(range(201 - len(kept), 201))  # single askers: the newest stay
    model.relayout()
    assert model.rowCount() == len(model.queue.questions)
    assert model.comment_at(0).id == 1  # next-up first
    # A closed question leaves both the queue and the model's comments.
    model.comment_changed(replace(questions[199], state=State.ANSWERED))
    assert 200 not in model.queue.questions and 200 not in model.comments


def test_the_status_bar_counts_comments_per_minute_in_a_minute_of_counters(qtbot) -> None:
    from types import SimpleNamespace

    from PySide6.QtCore import QObject, Signal
    from PySide6.QtWidgets import QStatusBar

    from videohelp.queue.feed import CommentFeed
    from videohelp.ui.status_panel import StatusPanel

    class Outputs(QObject):
        outputStateChanged = Signal(str, str, str)

    feed, outputs = CommentFeed(), Outputs()
    session = SimpleNamespace(feed=feed, outputs=outputs, ingest=SimpleNamespace(stats={}),
                              options=SimpleNamespace(demo=False))
    bar = QStatusBar()
    qtbot.addWidget(bar)
    panel = StatusPanel(session, bar)
    for start in range(0, 3000, 300):  # 3,000 comments in ten batches
        feed.commentsAdded.emit([_comment(cid) for cid in range(start, start + 300)])
    assert panel.comments_per_minute() == 3000
    assert len(panel._arrivals) <= 2  # counters per second, not one entry per comment
    panel._arrivals[0][0] -= 61  # a minute later those are gone
    panel._arrivals[-1][0] -= 61
    assert panel.comments_per_minute() == 0


def test_triage_results_are_held_at_once_and_repainted_with_the_next_batch(qtbot) -> None:
    """The feed repaints once per batch: triage's results change the rows' data at once (a
    selection reads them) and the views re-read them when the feed hands over its next batch."""
    from videohelp.queue.feed import CommentFeed

    model, feed = CommentListModel(), CommentFeed(interval_ms=50)
    feed.commentsAdded.connect(model.add_comments)
    feed.commentsFiled.connect(model.repaint_comments)
    changes: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda first, last: changes.append((first.row(), last.row())))
    feed.push([_comment(1), _comment(2), _comment(3)])
    feed.flush()
    root = replace(_comment(1), is_question=True, item="DL03", confidence=0.9)
    repeat = replace(_comment(3), is_question=True, item="DL03", confidence=0.8, repeat_of=1)
    model.file_comments([root, repeat])  # as MainWindow wires session.commentsTriaged
    feed.push_filed([root, repeat])
    assert model.comment(1).item == "DL03" and model.comment(3).repeat_of == 1
    assert model.askers(1) == 2
    assert not changes  # nothing repainted yet
    feed.push([_comment(4)])
    with qtbot.waitSignal(feed.commentsFiled, timeout=2000):
        pass  # the timer hands the batch over: rows first, then the repaint
    assert model.rowCount() == 4 and model.comment_at(0).id == 4
    assert sorted(changes) == [(1, 1), (3, 3)]  # the repeat's row and its root's, once each
