"""The remote desk's session (``console/remote_session.py``) on the seat events it is handed.

A comment the session first hears of through a later event (its comment.added lost on the way)
is still shown in the feed, once: the feed shows every comment the console stored.
"""

from __future__ import annotations

from tests.loop_support import spin_until
from videohelp.console.remote_session import RemoteDeskSession
from videohelp.console.remote_show import DeskHttp
from videohelp.console.seat_client import SeatLink
from videohelp.core.paths import data_paths
from videohelp.core.settings import Settings
from videohelp.queue.comments import State, StoredComment
from videohelp.queue.seat_events import comment_view


def _comment(comment_id: int, **fields) -> StoredComment:
    return StoredComment(comment_id, "app", f"m{comment_id}", "u1", "杭州小王", "杭州**", "驾照丢了怎么补办",
                         "驾照丢了怎么补办", 1_700_000_000_000, 1_700_000_000_000, **fields)


def _session(tmp_path) -> RemoteDeskSession:
    url = "ws://127.0.0.1:9/seat"  # never started: the test hands the events over itself
    paths = data_paths(tmp_path)
    return RemoteDeskSession(SeatLink(url, "t"), DeskHttp(url, "t"), paths, Settings(paths.settings),
                             "officer", "张警官-远程")


def test_a_comment_first_heard_of_after_its_addition_is_shown_once(qloop, tmp_path) -> None:
    session = _session(tmp_path)
    fed: list[int] = []
    session.feed.commentsAdded.connect(lambda batch: fed.extend(c.id for c in batch))
    emit = session.link.eventReceived.emit

    emit("comment.added", {"comments": [comment_view(_comment(1), True)]})
    # 2's comment.added never came: triage's result brings it; 3 is first heard of changing state.
    filed = [comment_view(_comment(i, is_question=True, item="DL08"), True, "DL08") for i in (1, 2)]
    emit("comment.triaged", {"comments": filed})
    emit("comment.changed", {"comment": comment_view(_comment(3, state=State.ANSWERED), True)})
    emit("comment.added", {"comments": [comment_view(_comment(2), True), comment_view(_comment(4), True)]})
    spin_until(qloop, lambda: len(fed) >= 4, timeout=3)
    session.feed.flush()
    assert sorted(fed) == [1, 2, 3, 4]  # each once
    assert session.comment(2).item == "DL08" and session.comment(3).state == State.ANSWERED
