from __future__ import annotations

import pytest

from videohelp.queue.question_queue import QuestionQueue, QueuedQuestion

MIN = 60_000


def _queue() -> QuestionQueue:
    queue = QuestionQueue()
    queue.add(QueuedQuestion(1, "驾照丢了", "DL06", arrived_ms=0))
    queue.add(QueuedQuestion(2, "怎么过户", "MV02", arrived_ms=5 * MIN))
    queue.add(QueuedQuestion(3, "电动车上牌", "EB01", arrived_ms=9 * MIN))
    return queue


def test_longest_waiting_first_when_nothing_else_differs() -> None:
    assert [q.comment_id for q in _queue().by_priority(10 * MIN)] == [1, 2, 3]


def test_many_askers_beat_waiting_time() -> None:
    queue = _queue()
    for _ in range(8):
        queue.add_asker(3)
    assert queue.by_priority(10 * MIN)[0].comment_id == 3
    assert queue.questions[3].askers == 9


def test_a_flag_lifts_a_question_to_the_top() -> None:
    queue = _queue()
    queue.set_flagged(2)
    assert queue.by_priority(10 * MIN)[0].comment_id == 2


def test_next_up_is_the_presenters_order_and_comes_first() -> None:
    queue = _queue()
    queue.push_next(3)
    queue.push_next(2)
    assert queue.move(2, -5) == 0
    assert queue.next_up == [2, 3]
    assert [q.comment_id for q in queue.by_priority(10 * MIN)] == [1]
    assert queue.pop_next(10 * MIN).comment_id == 2
    assert queue.pop_next(10 * MIN).comment_id == 3
    assert queue.pop_next(10 * MIN).comment_id == 1  # then by priority


def test_removing_clears_every_trace() -> None:
    queue = _queue()
    queue.push_next(1)
    queue.on_air = 1
    queue.remove(1)
    assert 1 not in queue.questions and queue.next_up == [] and queue.on_air is None


def test_unknown_questions_are_refused() -> None:
    with pytest.raises(KeyError):
        _queue().push_next(99)
    assert _queue().add_asker(99) is None
