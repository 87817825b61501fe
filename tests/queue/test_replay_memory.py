"""The seat replay log is bounded in bytes, not only in events (issue 17: ~6 GB when full)."""

from __future__ import annotations

import gc
import weakref

from videohelp.core.roles import Role
from videohelp.queue.comments import State, StoredComment
from videohelp.queue.seat_events import REPLAY_BYTES, EventLog, SeatState

TEXT = "驾驶证到期了在外地怎么换，需要带什么材料，能不能在网上办理？电话138****5678"


def _round(start: int, size: int = 500) -> list[StoredComment]:
    return [StoredComment(i, "douyin", f"m{i}", f"u{i}", "杭州小王", "杭**王", f"{TEXT}{i}",
                          f"{TEXT}{i}", 1_700_000_000_000 + i, 1_700_000_000_000 + i, State.NEW)
            for i in range(start, start + size)]


def test_the_replay_log_holds_at_most_its_bytes_and_still_resumes() -> None:
    budget = 2 * 1_048_576
    state = SeatState(EventLog(epoch="e", max_bytes=budget))
    first = state.comments_added(_round(0))
    assert first is not None
    first_ref = weakref.ref(first)
    del first
    for start in range(500, 15_000, 500):  # 30 commit rounds of 500 comments: ~20 MB of events
        state.comments_added(_round(start))
        assert state.log.bytes <= budget
    gc.collect()
    # The log keeps encoded text, never the events' dictionaries (1.3 kB a comment).
    assert first_ref() is None
    assert 0 < len(state.log._events) < 30
    events = state.log.since(state.log.last_seq - 1, "e")
    assert events is not None and len(events) == 1
    assert '"text_masked"' in events[0].text_for(Role.PRESENTER)
    assert '"text":' not in events[0].text_for(Role.PRESENTER)
    assert '"text":' in events[0].text_for(Role.OFFICER)
    assert state.log.since(1, "e") is None  # evicted long ago: a snapshot instead
    assert EventLog().max_bytes == REPLAY_BYTES
