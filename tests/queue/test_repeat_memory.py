"""The ingest's repeat tracker holds a bounded amount of memory however long the show.

Its tables are capped at ``max_keys``; under constant churn CPython may give such a dict one
larger table, after which its size moves between fixed bounds. This checks that shape at a
tenth of the scale: after the tables reach their cap, thirty times their size in further
comments do not raise the most they hold (measured: it cycles between 114 and 195 KB). (The
20 MB RSS steps the long benchmarks saw were the allocator's, not these tables' sizes:
``videohelp/core/heap.py``, ``tests/core/test_heap.py``.)
"""

from __future__ import annotations

import sys

from videohelp.queue.dedup import RepeatRules, RepeatTracker, Seen


def _tables_bytes(tracker: RepeatTracker) -> int:
    return sum(sys.getsizeof(table) for table in (tracker._texts, tracker._viewer_texts,
                                                  tracker._arrivals, tracker._shown))


def test_the_trackers_tables_stop_growing_at_their_cap() -> None:
    cap = 20_000
    tracker = RepeatTracker(RepeatRules(max_keys=cap))
    sizes: list[int] = []
    for i in range(600_000):  # every comment a new text: the worst case for the tables
        now = 1_000 * i  # a second apart: only the cap keeps the tables short, not the windows
        if i % 256 == 0:
            tracker.expire(now)
        tracker.record(Seen(i, "douyin", f"u{i % 5_000}", f"驾照到期了怎么换 {i}", now, None))
        if i % 20_000 == 0:
            sizes.append(_tables_bytes(tracker))
    assert len(tracker._texts) <= cap + 256 and len(tracker._viewer_texts) <= cap + 256
    first, second = sizes[1:len(sizes) // 2], sizes[len(sizes) // 2:]
    assert max(second) <= max(first), sizes  # no growth: the second half holds no more
    assert max(sizes) < 2 * sizes[1], sizes  # and at most one step over the size at the cap
