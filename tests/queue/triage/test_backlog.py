"""Comments an earlier run left untriaged are triaged at the next start, once each.

Real SQLite files, the real ingest writer, real sessions and the real engine
(``build_engine``, as on the desk). The crash is a real one: a process commits
comments through the ingest pipeline and exits without stopping anything.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from tests.queue.triage.test_service import _collect, _comment, _session, run_until
from videohelp.console.session import SessionOptions, ShowSession
from videohelp.console.show_store import triage_comment
from videohelp.core.paths import data_paths
from videohelp.core.store import Store
from videohelp.queue.comments import IncomingComment, State
from videohelp.queue.persist import CommentWriter, set_state
from videohelp.queue.triage.storage import TriageUpdate, apply_triage, record_correction

REPO = Path(__file__).resolve().parents[3]

# Commit comments the way the console does (pipeline, group commit, listeners), then die:
# no stop, no close, the WAL left as it is. Exit code 3 says it got that far.
CRASH = """
import asyncio, json, os, sys
from videohelp.queue.comments import IncomingComment
from videohelp.queue.persist import CommentWriter, set_state
from videohelp.queue.pipeline import IngestPipeline

async def main():
    pipeline = IngestPipeline(CommentWriter(sys.argv[1], blocklist=["代办"]))
    await pipeline.start()
    rows = json.loads(sys.stdin.read())
    await pipeline.submit([IncomingComment(*row) for row in rows])
    os._exit(3)

asyncio.run(main())
"""

LEFT_OVER = ["驾照丢了怎么补", "驾照丢了怎么补啊", "电动车上牌要带什么", "来了来了",
             "驾照到期了在哪换", "主播好", "违章怎么处理", "新车上牌需要什么材料"]


def crash_after_ingest(database: Path, comments: list[IncomingComment]) -> None:
    rows = [[c.platform, c.msg_id, c.user_id, c.user_name, c.text, c.ts_ms] for c in comments]
    done = subprocess.run([sys.executable, "-c", CRASH, str(database)], input=json.dumps(rows),
                          capture_output=True, text=True, cwd=REPO, timeout=60, check=False)
    assert done.returncode == 3, done.stderr


def snapshot(database: Path) -> tuple[dict[int, dict], Counter[int]]:
    """Every comment row, and how many times triage wrote each comment's history."""
    store = Store(database, migrate=False)
    try:
        rows = {r["id"]: dict(r) for r in store.conn.execute("SELECT * FROM comments")}
        history = Counter(r[0] for r in store.conn.execute(
            "SELECT comment_id FROM comment_history WHERE actor = 'triage'"))
    finally:
        store.close()
    return rows, history


def stored_ids(qloop, session: ShowSession, comments: list[IncomingComment]) -> list[int]:
    return [c.id for c in qloop.run_until_complete(session.pipeline.submit(comments)).stored]


@pytest.mark.slow
def test_comments_left_by_a_crash_are_triaged_at_the_next_start_and_handled_ones_kept(
        qloop, data_dir) -> None:
    database = data_paths(data_dir).database
    # A show with triage: two comments triaged live, one then queued by the desk.
    first = _session(data_dir)
    qloop.run_until_complete(first.start())
    seen = _collect(first)
    triaged_ids = stored_ids(qloop, first, [_comment("a1", "驾照丢了怎么补", "a1"),
                                            _comment("a2", "来了来了", "a2")])
    run_until(qloop, lambda: set(triaged_ids) <= set(seen))
    assert qloop.run_until_complete(first.change_state(seen[triaged_ids[0]], State.QUEUED))
    qloop.run_until_complete(first.stop())

    # A run without triage where the studio handled comments triage never saw.
    second = ShowSession(data_paths(data_dir), first.settings, SessionOptions(triage=False))
    qloop.run_until_complete(second.start())
    queued, dismissed, refiled, by_seat = stored_ids(qloop, second, [
        _comment("b1", "电动车上牌要带什么", "b1"), _comment("b2", "违章怎么处理", "b2"),
        _comment("b3", "本本上面的二维码扫不出来", "b3"), _comment("b4", "驾照到期了在哪换", "b4")])
    pipeline = second.pipeline
    for comment_id, state in ((queued, State.QUEUED), (dismissed, State.DISMISSED)):
        qloop.run_until_complete(pipeline.run_in_writer(set_state, comment_id, state, "desk"))
    # Re-filed by the officer while still new (TriageService.correct stores exactly this),
    # and by an expert seat (which also moves it to triaged).
    qloop.run_until_complete(pipeline.run_in_writer(
        record_correction, "本本上面的二维码扫不出来", "OL19", "王警官", refiled))
    qloop.run_until_complete(pipeline.run_in_writer(triage_comment, by_seat, "DL04", "专家"))
    qloop.run_until_complete(second.stop())

    # The crash: comments committed, then the process dies before any triage.
    left = [_comment(f"c{i}", text, f"c{i}") for i, text in enumerate(LEFT_OVER)]
    blocked = _comment("c-blocked", "专业代办驾照", "c-blocked")
    twice = [_comment("c-dup1", "违章能代缴吗", "dup"), _comment("c-dup2", "违章能代缴吗", "dup")]
    crash_after_ingest(database, [*left, blocked, *twice])
    before, history_before = snapshot(database)
    by_msg = {row["msg_id"]: row for row in before.values()}
    left_ids = [by_msg[c.msg_id]["id"] for c in left] + [by_msg["c-dup1"]["id"]]
    dup2 = by_msg["c-dup2"]["id"]  # a repeat merged at ingest: filed as its original (issue 16)
    assert all(before[i]["state"] == "new" and before[i]["is_question"] is None
               for i in [*left_ids, dup2])
    assert by_msg["c-blocked"]["state"] == "blocked"
    assert by_msg["c-dup2"]["repeat_of"] == by_msg["c-dup1"]["id"]
    handled = [i for i in before if i not in left_ids and i != dup2]
    assert len(handled) == 2 + 4 + 1

    # The next start: the backlog is triaged as live comments are.
    third = _session(data_dir)
    assert third.triage is not None
    third.triage.batch_size = 3  # several backlog batches
    seen = _collect(third)
    qloop.run_until_complete(third.start())
    try:
        run_until(qloop, lambda: set(left_ids) <= set(seen))
        run_until(qloop, lambda: third.triage is not None and not third.triage.backlog_left)
        # The same texts arriving live now, for comparison.
        live_ids = stored_ids(qloop, third, [_comment(f"d{i}", text, f"d{i}")
                                             for i, text in enumerate(LEFT_OVER)])
        run_until(qloop, lambda: set(live_ids) <= set(seen))
        after, history_after = snapshot(database)
        for left_id, live_id in zip(left_ids, live_ids, strict=False):
            backlog, live = after[left_id], after[live_id]
            assert backlog["state"] == live["state"] == "triaged"
            assert backlog["is_question"] == live["is_question"] is not None
            assert backlog["item"] == live["item"]
            assert backlog["confidence"] == pytest.approx(live["confidence"], abs=1e-6)
            assert seen[left_id].item == backlog["item"]  # emitted as written
            assert third.triage.decision(left_id) is not None
        assert after[left_ids[0]]["item"] == "DL06"
        assert after[left_ids[1]]["repeat_of"] == left_ids[0]  # grouped as live ones are
        assert third.triage.askers(left_ids[0]) >= 2
        original = after[by_msg["c-dup1"]["id"]]
        assert original["is_question"] is not None
        assert (after[dup2]["state"], after[dup2]["is_question"], after[dup2]["item"]) == (
            "triaged", original["is_question"], original["item"])
        assert history_after[dup2] == 1 and dup2 in seen
        # Exactly one triage history row (new -> triaged) per left-over comment.
        assert all(history_after[i] == 1 for i in left_ids)
        # What the studio (or triage) had already handled is untouched.
        assert {i: after[i] for i in handled} == {i: before[i] for i in handled}
        assert {i: history_after[i] for i in handled} == {i: history_before[i] for i in handled}
        assert not set(handled) & set(seen)
        assert third.triage.backlog_triaged == len(left_ids) + 1  # the repeat too
    finally:
        qloop.run_until_complete(third.stop())


def write_backlog(database: Path, count: int) -> list[int]:
    """``count`` comments committed by the ingest writer and never triaged."""
    texts = ["电动车上牌要带什么", "驾照丢了怎么补", "来了来了", "违章怎么处理", "驾照到期了在哪换"]
    writer = CommentWriter(database)
    try:
        stored = writer.write([_comment(f"old{i}", f"{texts[i % len(texts)]} {i}", f"old{i}")
                               for i in range(count)]).stored
    finally:
        writer.close()
    return [c.id for c in stored]


def emitted_ids(session: ShowSession) -> list[int]:
    """Every comment id commentsTriaged carries, in order, repeats included."""
    ids: list[int] = []
    session.commentsTriaged.connect(lambda rows: ids.extend(c.id for c in rows))
    return ids


def test_live_comments_during_the_backlog_are_each_triaged_once_and_not_held_back(
        qloop, data_dir) -> None:
    database = data_paths(data_dir).database
    backlog = write_backlog(database, 2000)
    session = _session(data_dir)
    assert session.triage is not None
    session.triage.batch_size = 100  # 20 backlog batches
    emitted = emitted_ids(session)
    # Stored while the session starts, before triage knows where the backlog ends: these
    # reach triage live and could be read back from the store too.
    early = asyncio.ensure_future(session.pipeline.submit(
        [_comment(f"early{i}", f"驾照丢了怎么补 {i}", f"early{i}") for i in range(30)]))
    qloop.run_until_complete(session.start())
    try:
        early_ids = [c.id for c in qloop.run_until_complete(early).stored]
        run_until(qloop, lambda: bool(set(emitted) & set(backlog)))
        assert session.triage.backlog_left  # live comments now arrive during the backlog
        live_ids: list[int] = []
        for round_ in range(3):
            live_ids += stored_ids(qloop, session, [
                _comment(f"live{round_}-{i}", f"电动车上牌要带什么 {round_}-{i}", f"v{round_}-{i}")
                for i in range(40)])
        everything = set(backlog) | set(early_ids) | set(live_ids)
        run_until(qloop, lambda: everything <= set(emitted))
        run_until(qloop, lambda: not session.triage.backlog_left  # type: ignore[union-attr]
                  and not session.triage._pending)  # type: ignore[union-attr]
        counts = Counter(emitted)
        assert set(counts) == everything and set(counts.values()) == {1}
        rows, history = snapshot(database)
        assert set(history) == everything and set(history.values()) == {1}
        assert all(rows[i]["state"] == "triaged" and rows[i]["is_question"] is not None
                   for i in everything)
        # Live comments took turns with the backlog rather than waiting for all of it.
        position = {comment_id: n for n, comment_id in enumerate(emitted)}
        assert max(position[i] for i in live_ids) < max(position[i] for i in backlog)
        assert session.triage.backlog_triaged >= len(backlog)
    finally:
        qloop.run_until_complete(session.stop())


def test_a_flood_beyond_what_waits_in_memory_is_read_back_and_triaged_once(
        session, qloop, data_dir) -> None:
    assert session.triage is not None
    run_until(qloop, lambda: session.triage.is_ready)  # type: ignore[union-attr]
    session.triage.max_pending = 50
    emitted = emitted_ids(session)
    ids = stored_ids(qloop, session, [_comment(f"f{i}", f"违章怎么处理 {i}", f"f{i}")
                                      for i in range(300)])
    run_until(qloop, lambda: set(ids) <= set(emitted))
    assert Counter(emitted) == Counter(ids)
    _rows, history = snapshot(data_paths(data_dir).database)
    assert Counter(history) == Counter(ids)


@pytest.fixture
def session(qloop, data_dir):
    session = _session(data_dir)
    qloop.run_until_complete(session.start())
    yield session
    qloop.run_until_complete(session.stop())


def test_a_decision_is_never_written_over_another(data_dir) -> None:
    """The guard behind 'once': a second write does nothing; a person's re-filing stays."""
    database = data_paths(data_dir).database
    first, refiled = write_backlog(database, 2)
    store = Store(database)
    try:
        # The officer re-files the second while it still waits for triage.
        record_correction(store, "驾照丢了怎么补 1", "OL19", "王警官", refiled)
        written = apply_triage(store, [TriageUpdate(first, True, "EB01", 0.8),
                                       TriageUpdate(refiled, True, "DL06", 0.7)])
        assert [(c.id, c.item, c.state) for c in written] == [
            (first, "EB01", State.TRIAGED), (refiled, "OL19", State.TRIAGED)]
        assert apply_triage(store, [TriageUpdate(first, True, "DL06", 0.9),
                                    TriageUpdate(refiled, True, "DL06", 0.9)]) == []
        rows = {r["id"]: dict(r) for r in store.conn.execute("SELECT * FROM comments")}
        history = store.conn.execute(
            "SELECT comment_id, detail FROM comment_history ORDER BY comment_id").fetchall()
    finally:
        store.close()
    assert (rows[first]["item"], rows[first]["confidence"]) == ("EB01", 0.8)
    assert (rows[refiled]["item"], rows[refiled]["confidence"]) == ("OL19", 1.0)
    assert [tuple(h) for h in history] == [(first, "EB01"), (refiled, "OL19")]
