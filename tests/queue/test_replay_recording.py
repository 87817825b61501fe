"""Issue 15: with no seat that could resume, the replay log numbers events but neither encodes
nor keeps them; a seat that comes back then gets a snapshot (``since`` is None)."""

from __future__ import annotations

from videohelp.queue.seat_events import EventLog


def test_a_log_not_recording_encodes_and_keeps_nothing_and_resumes_need_a_snapshot() -> None:
    log = EventLog(capacity=100)
    first = log.append("comment.added", {"comments": [{"id": 1, "text": "驾照到期了怎么换"}]})
    assert [e.seq for e in log.since(0) or []] == [first.seq]

    log.stop_recording()
    quiet = [log.append("comment.added", {"comments": [{"id": n}]}, {"comments": [{"id": n}]})
             for n in range(2, 12)]
    assert [e.seq for e in quiet] == list(range(2, 12))  # numbered all the same
    assert all(not e._encoded for e in quiet)  # no JSON for nobody
    assert log.bytes == 0 and log.since(0) is None and log.since(first.seq) is None
    assert log.since(log.last_seq) == []  # a seat that saw everything misses nothing

    log.recording = True  # a seat connected: keep what comes from now on
    kept = log.append("comment.added", {"comments": [{"id": 12}]})
    assert [e.seq for e in log.since(log.last_seq - 1) or []] == [kept.seq]
    assert log.since(first.seq) is None  # the gap: a snapshot, never a silent hole
    assert '"id": 12' in kept.text(True) or '"id":12' in kept.text(True)
