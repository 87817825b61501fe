"""The live feed's batches: at most one per interval, and once a second in a flood."""

from __future__ import annotations

import time

from videohelp.queue.comments import StoredComment
from videohelp.queue.feed import CommentFeed


def _comment(cid: int) -> StoredComment:
    return StoredComment(id=cid, platform="douyin", msg_id=f"m{cid}", user_id=f"u{cid}",
                         user_name="张三", user_name_masked="张*", text=f"驾照到期怎么换 {cid}",
                         text_masked=f"驾照到期怎么换 {cid}", ts_ms=0, received_ms=0)


def test_a_flood_of_comments_is_handed_over_less_often_until_it_ebbs(qtbot) -> None:
    feed = CommentFeed()
    feed.set_interval(40, flood_rows=10, flood_interval_ms=300)
    batches: list[tuple[float, int]] = []
    feed.commentsAdded.connect(lambda batch: batches.append((time.monotonic(), len(batch))))

    with qtbot.waitSignal(feed.commentsAdded, timeout=2000):
        feed.push([_comment(i) for i in range(3)])  # a trickle: the usual interval
    assert not feed.flooded
    with qtbot.waitSignal(feed.commentsAdded, timeout=2000):
        feed.push([_comment(i) for i in range(10, 22)])  # twelve at once: a flood
    assert feed.flooded
    flood_ended = time.monotonic()
    with qtbot.waitSignal(feed.commentsAdded, timeout=2000):
        feed.push([_comment(30)])
    # The batch after a flood's waited the flood's interval, and was small: back to normal.
    assert batches[-1][0] - flood_ended >= 0.25
    assert not feed.flooded  # the next waits the usual interval again
    assert [size for _, size in batches] == [3, 12, 1]


def test_without_a_flood_setting_every_batch_waits_the_interval(qtbot) -> None:
    feed = CommentFeed(interval_ms=20)
    with qtbot.waitSignal(feed.commentsAdded, timeout=2000):
        feed.push([_comment(i) for i in range(5_000)])
    assert not feed.flooded
