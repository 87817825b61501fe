"""Back on air after a crash, in process: the show's state file and what a start does with it.

A crash is the state on disk at the moment of a ``kill -9``: the database as
committed and the state file as last written with ``running`` still true. The
console here stops its threads without its clean-stop record (``finish`` is not
called), which leaves exactly that; the real ``kill -9`` of ``serve`` is in
``test_serve_crash.py``.
"""

from __future__ import annotations

import json
import os
import socket
import stat
import time
from pathlib import Path

import pytest

from tests.queue.seat_support import small_settings
from videohelp.console.recovery import (
    CRASH_DETAIL,
    STOP_DETAIL,
    crash_pending,
    fresh_recording,
    fresh_targets,
    output_entry,
)
from videohelp.console.show_events import Actor
from videohelp.console.show_state import STATE_FILE, StateFile
from videohelp.console.wiring import Console, ConsoleOptions, build_console
from videohelp.core.paths import data_paths
from videohelp.core.roles import Action
from videohelp.core.store import Store
from videohelp.queue.comments import IncomingComment, State
from videohelp.queue.seat_protocol import Request

OFFICER = Actor.of("张警官", "officer")
ANSWER = "到期前90日内到车管所换证"


def _console(data: Path) -> Console:
    return build_console(data_paths(data), small_settings(), ConsoleOptions(
        listen=False, triage=False, run_program=False))


def _state(data: Path) -> dict:
    return json.loads((data / STATE_FILE).read_text(encoding="utf-8"))


async def _crash(console: Console) -> None:
    """Stop the threads but leave the disk as a kill -9 would: no clean-stop record."""
    assert console.recorder.state.flush()
    # The file as it is now: what stopping the parts would record (outputs ending) is not.
    state = console.recorder.state
    console.recorder.finish = lambda clean=True: state.freeze()  # type: ignore[method-assign]
    await console.stop()


async def _on_air(console: Console) -> int:
    (comment,) = (await console.pipeline.submit([IncomingComment(
        "douyin", "m1", "u1", "杭州小王", "驾照到期了怎么换", 1_700_000_000_000)])).stored
    await console.actions.perform(OFFICER, Request(Action.TAKE, "r1", comment=comment.id,
                                                   template="qa", answer=ANSWER))
    await console.actions.perform(OFFICER, Request(Action.TAKE, "r2", layer="lower_third",
                                                   template="lower_third",
                                                   data={"name": "张警官", "rank": "交警"}))
    return comment.id


def _history(data: Path, comment_id: int) -> list[tuple[str, str, str]]:
    store = Store(data_paths(data).database)
    try:
        return [(r["to_state"], r["actor"], r["detail"]) for r in store.conn.execute(
            "SELECT * FROM comment_history WHERE comment_id = ? ORDER BY id", (comment_id,))]
    finally:
        store.close()


@pytest.mark.asyncio
async def test_after_a_crash_the_card_is_offered_and_its_comment_is_queued(qapp, tmp_path) -> None:
    data = tmp_path / "data"
    console = _console(data)
    await console.start()
    comment_id = await _on_air(console)
    assert console.recorder.state.flush()
    assert set(_state(data)["cards"]) == {"qa", "lower_third"}  # written as it happened
    assert stat.S_IMODE(os.stat(data / STATE_FILE).st_mode) == 0o600
    await _crash(console)
    assert crash_pending(data)

    again = _console(data)
    await again.start()
    try:
        recovery = again.recovery
        assert recovery is not None and recovery.crashed
        assert again.program.on_air() == {}  # nothing stale on screen by itself
        assert {(c.layer, c.comment) for c in recovery.cards} == {("qa", comment_id),
                                                                  ("lower_third", None)}
        assert [c.id for c in recovery.requeued] == [comment_id]
        assert recovery.requeued[0].state == State.QUEUED
        assert _history(data, comment_id)[-1] == ("queued", "recovery", CRASH_DETAIL)
        assert again.recorder.state.flush()
        assert _state(data)["running"] is True and _state(data)["cards"] == {}
        assert len(_state(data)["offered"]) == 2  # a second crash before the retake keeps them
        # The one key: both back, through the action service (audited as the officer).
        from videohelp.console.recovery import retake

        done, refused = await retake(again.actions, OFFICER, recovery.cards)
        assert refused == [] and len(done) == 2
        on_air = again.program.on_air()
        assert on_air["qa"].data["answer"] == ANSWER
        assert on_air["lower_third"].data["name"] == "张警官"
        assert again.actions.on_air["qa"].state == State.ON_AIR
    finally:
        await again.stop()
    # A clean stop: not a crash next time; the comment it left on air is queued again, and
    # nothing is offered (the show was over).
    assert not crash_pending(data)
    third = _console(data)
    await third.start()
    try:
        assert third.recovery is not None and not third.recovery.crashed
        assert third.recovery.cards == []
        assert _history(data, comment_id)[-1] == ("queued", "recovery", STOP_DETAIL)
    finally:
        await third.stop()


@pytest.mark.asyncio
async def test_a_presenter_may_not_retake_a_card_a_producer_may_not(qapp, tmp_path) -> None:
    data = tmp_path / "data"
    console = _console(data)
    await console.start()
    await _on_air(console)
    await _crash(console)
    again = _console(data)
    await again.start()
    try:
        from videohelp.console.recovery import retake

        done, refused = await retake(again.actions, Actor.of("李制片", "producer"),
                                     again.recovery.cards)  # type: ignore[union-attr]
        assert done == [] and {exc.code.value for _card, exc in refused} == {"forbidden"}
        assert again.program.on_air() == {}
    finally:
        await again.stop()


def test_a_broken_state_file_is_moved_aside_and_the_show_starts(tmp_path) -> None:
    path = tmp_path / STATE_FILE
    path.write_text("{not json", encoding="utf-8")
    assert StateFile(path).load() is None
    assert not path.exists()
    (aside,) = tmp_path.glob(f"{STATE_FILE}.bad-*")
    assert aside.read_text(encoding="utf-8") == "{not json"  # kept for a look, nothing lost
    StateFile(path).write(json.dumps({"version": 1, "running": False}))
    assert StateFile(path).load() == {"version": 1, "running": False}
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_outputs_are_recorded_by_reference_never_with_their_key(tmp_path) -> None:
    destinations = {"douyin": object()}
    assert output_entry("douyin", "douyin", destinations) == {
        "name": "douyin", "kind": "destination", "ref": "douyin"}
    secret = "rtmp://push.example.com/live/SECRETKEY?auth_key=abc"
    entry = output_entry("rtmp://push.example.com/live/***", secret, destinations)
    assert entry["kind"] == "secret" and "SECRETKEY" not in json.dumps(entry)
    url_file = tmp_path / "push-url"
    url_file.write_text(secret + "\n", encoding="utf-8")
    entry = output_entry("x", secret, destinations, str(url_file))
    assert entry == {"name": "x", "kind": "push_url_file", "ref": str(url_file)}
    assert output_entry("r", str(tmp_path / "show-%H.mp4"), destinations)["kind"] == "record"


def test_a_recording_restarts_into_a_new_file(tmp_path) -> None:
    fixed = tmp_path / "show.mp4"
    assert fresh_recording(str(fixed)) == str(fixed)
    fixed.write_bytes(b"cut short")
    assert fresh_recording(str(fixed)) == str(tmp_path / "show-2.mp4")
    (tmp_path / "show-2.mp4").write_bytes(b"")
    assert fresh_recording(str(fixed)) == str(tmp_path / "show-3.mp4")
    targets, renamed = fresh_targets([str(fixed), str(tmp_path / "s-%Y.mp4")])
    assert targets == [str(tmp_path / "show-3.mp4"), str(tmp_path / "s-%Y.mp4")]
    assert renamed == {str(fixed)}
    assert fresh_recording(str(tmp_path / "s-%Y.mp4"), time.time()).endswith(
        time.strftime("s-%Y.mp4"))


@pytest.mark.asyncio
async def test_a_second_crash_before_the_retake_keeps_the_offer(qapp, tmp_path) -> None:
    data = tmp_path / "data"
    console = _console(data)
    await console.start()
    comment_id = await _on_air(console)
    await _crash(console)
    again = _console(data)
    await again.start()
    await _crash(again)  # died again before anyone retook the cards
    third = _console(data)
    await third.start()
    try:
        assert third.recovery is not None and third.recovery.crashed
        assert {(c.layer, c.comment) for c in third.recovery.cards} == {("qa", comment_id),
                                                                        ("lower_third", None)}
        assert third.recovery.requeued == []  # queued by the first recovery already
    finally:
        await third.stop()


@pytest.mark.asyncio
async def test_a_console_that_never_started_leaves_the_crash_to_recover(qapp, tmp_path) -> None:
    data = tmp_path / "data"
    console = _console(data)
    await console.start()
    await _on_air(console)
    await _crash(console)
    with socket.socket() as taken:  # serve's restart finds its port in use
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        failed = build_console(data_paths(data), small_settings(), ConsoleOptions(
            host="127.0.0.1", port=taken.getsockname()[1], triage=False, run_program=False))
        with pytest.raises(OSError):
            await failed.start()
        await failed.stop()
    assert crash_pending(data)  # the next start recovers the show, cards and all
    assert len(_state(data)["offered"]) == 2


def test_a_push_typed_with_its_key_is_not_restarted_and_says_why(qapp) -> None:
    from videohelp.console.recovery import restart_outputs
    from videohelp.streaming.program import ProgramEngine
    from videohelp.streaming.program_outputs import ProgramOutputs, settings_for
    from videohelp.streaming.sources import TestPatternSource

    outputs = ProgramOutputs(ProgramEngine(TestPatternSource(64, 36), fps=25),
                             settings_for(64, 36, 25))
    started, missed = restart_outputs(outputs, [
        {"name": "rtmp://push.example.com/live/***", "kind": "secret", "ref": ""},
        {"name": "gone", "kind": "push_url_file", "ref": "/nonexistent/push-url"}])
    assert started == [] and outputs.names() == []
    assert [name for name, _why in missed] == ["rtmp://push.example.com/live/***", "gone"]
    assert "stream key" in missed[0][1] and "push URL file" in missed[1][1]
