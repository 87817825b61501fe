"""``kill -9`` of a real ``videohelp serve`` pushing to a real nginx-rtmp with a question on air.

Restarted without any output option, it pushes to the same destination again
and records to a new file, the question is back in the queue (its history
says why), the program is empty, the card is offered with the request that
retakes it, and that request puts it back.
"""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import pytest
from websockets.asyncio.client import connect

from tests.console.crash_support import TOKEN, Serve, seed_question, studio_settings
from tests.queue.seat_support import recv, recv_until, request
from tests.streaming import rtmp_server
from tests.streaming.rtmp_server import ffprobe
from videohelp.console.recovery import CRASH_DETAIL, crash_pending
from videohelp.console.show_state import STATE_FILE
from videohelp.core.store import Store

nginx_rtmp = rtmp_server.nginx_rtmp  # the fixture
ANSWER = "到期前90日内到车管所换证"


def _poll(predicate, timeout: float = 10.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"{what} not met within {timeout}s"
        time.sleep(0.05)


def _card_recorded(data_dir: Path) -> bool:
    try:
        state = json.loads((data_dir / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return "qa" in state.get("cards", {})


def _comment(database: Path, comment_id: int) -> tuple[str, str]:
    store = Store(database)
    try:
        state = store.conn.execute("SELECT state FROM comments WHERE id = ?",
                                   (comment_id,)).fetchone()[0]
        detail = store.conn.execute("SELECT detail FROM comment_history WHERE comment_id = ?"
                                    " ORDER BY id DESC LIMIT 1", (comment_id,)).fetchone()[0]
    finally:
        store.close()
    return state, detail


async def _seat(url: str, message: dict) -> tuple[dict, dict, dict]:
    """Connect as the control seat: (snapshot, reply to ``message``, the card event)."""
    async with connect(url, additional_headers={"Authorization": f"Bearer {TOKEN}"},
                       open_timeout=5, close_timeout=2, max_size=None) as ws:
        snapshot = await recv(ws)
        reply, before = await request(ws, message.pop("type"), message.pop("rid"), **message)
        events = [m for m in before if m.get("name") == "card.on_air"]
        if not events and reply["type"] == "ok":
            events = [(await recv_until(ws, "event", "card.on_air"))[0]]
        return snapshot, reply, events[0] if events else {}


@pytest.mark.slow
def test_serve_killed_with_a_question_on_air_comes_back_pushing_and_offers_it(
        data_dir, nginx_rtmp, tmp_path) -> None:
    url = nginx_rtmp.url("crash")
    studio_settings(data_dir, url)
    comment_id = seed_question(data_dir / "videohelp.sqlite3")
    recordings = tmp_path / "rec"
    recordings.mkdir()
    first = Serve(data_dir, "--output", "studio", "--record", str(recordings / "show.mp4"))
    try:
        seat = first.seat_url()
        _snapshot, reply, event = asyncio.run(_seat(seat, {
            "type": "take", "rid": "t1", "comment": comment_id, "template": "qa",
            "answer": ANSWER}))
        assert reply["type"] == "ok", reply
        assert event["data"]["layer"] == "qa"
        _poll(lambda: _card_recorded(data_dir), what="the card in the show state")
        assert {s["codec_name"] for s in ffprobe(url)["streams"]} >= {"h264"}
        show = recordings / "show.mp4"  # a few fragments on disk before the crash
        _poll(lambda: show.exists() and show.stat().st_size > 100_000, timeout=20,
              what="the recording's first fragments")
    finally:
        first.kill()
    assert crash_pending(data_dir)
    cut_short = recordings / "show.mp4"
    size = cut_short.stat().st_size
    # Fragmented MP4: playable up to the crash.
    assert {s["codec_name"] for s in ffprobe(str(cut_short))["streams"]} >= {"h264"}

    second = Serve(data_dir)  # no --output, no --record: the record says what ran
    try:
        second.seat_url()
        second.wait_line("videohelp: recovered after a crash")
        second.wait_line("videohelp: output studio restarted")
        second.wait_line(f"videohelp: output {recordings / 'show-2.mp4'} restarted")
        second.wait_line(f"videohelp: comment {comment_id} back in the queue")
        offer = second.wait_line("videohelp: was on air: qa")
        assert f"comment {comment_id}" in offer
        # Streaming again, to the same place.
        assert {s["codec_name"] for s in ffprobe(url)["streams"]} >= {"h264"}
        assert _comment(data_dir / "videohelp.sqlite3", comment_id) == ("queued", CRASH_DETAIL)
        retake = json.loads(offer.split("retake: ", 1)[1])
        assert retake["answer"] == ANSWER and retake["comment"] == comment_id
        snapshot, reply, event = asyncio.run(_seat(second.seat_url(), retake))
        assert snapshot["on_air"] == {}  # nothing went on air by itself
        assert reply["type"] == "ok", reply
        assert event["data"]["data"]["answer"] == ANSWER
        assert _comment(data_dir / "videohelp.sqlite3", comment_id)[0] == "on_air"
        _poll(lambda: (recordings / "show-2.mp4").exists()
              and (recordings / "show-2.mp4").stat().st_size > 0, what="the new recording")
        assert cut_short.stat().st_size == size  # the cut-short file is left as it was
    finally:
        code, err = second.stop()
    assert code == 0, err
    assert not crash_pending(data_dir)
    assert {s["codec_name"] for s in ffprobe(str(recordings / "show-2.mp4"))["streams"]} >= {"h264"}
