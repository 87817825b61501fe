"""Property-based fuzzing of the ingest protocol: no input crashes it or disturbs other bridges."""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from websockets.sync.client import ClientConnection, connect

from tests.queue.ingest_support import TOKENS, Console, comment, running_console
from videohelp.core.platforms import PLATFORM_NAME
from videohelp.queue.normalize import BIDI_CONTROLS
from videohelp.queue.protocol import Code, Limits, parse_frame

NOW = 1_790_000_000_000
LIMITS = Limits()
CODES = {code.value for code in Code}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda children: st.lists(children, max_size=5)
    | st.dictionaries(st.text(max_size=10), children, max_size=5),
    max_leaves=15)
# Text that stresses normalisation: full-width, zero-width, bidi, controls, surrogates, CJK.
nasty_text = st.text(alphabet=st.sampled_from(
    [*"aZ 9?？　ＡＢ１驾照怎么换\t\n\r\x00\x07\x1b\x7f\x85", *BIDI_CONTROLS,
     "\u200b", "\u200d", "\ufeff", "\U000E0041", "\ud800", "\udfff", "😀", "\u0301"]), max_size=40)
field_values = st.one_of(json_values, nasty_text,
                         st.integers(min_value=NOW - 10**12, max_value=NOW + 10**9))
comment_like = st.fixed_dictionaries({}, optional={
    "type": st.sampled_from(["comment", "event", "batch", "like", ""]) | json_values,
    "id": st.text(min_size=0, max_size=140) | json_values,
    "platform": st.sampled_from(["douyin", "app", "DOUYIN"]) | json_values,
    "user": st.fixed_dictionaries({}, optional={"id": field_values, "name": field_values})
    | json_values,
    "text": nasty_text | field_values,
    "ts": field_values,
    "kind": st.sampled_from(["like", "viewers", "Bad Kind"]) | json_values,
    "data": json_values,
})
frames = st.one_of(
    st.binary(max_size=300),
    comment_like.map(lambda obj: json.dumps(obj, ensure_ascii=False, allow_nan=True)
                     .encode("utf-8", "surrogatepass")),
    st.lists(comment_like, max_size=8).map(
        lambda items: json.dumps({"type": "batch", "items": items}).encode()),
    st.tuples(st.builds(lambda: json.dumps(comment("m1")).encode()), st.integers(0, 200),
              st.integers(0, 255)).map(lambda t: t[0][:t[1]] + bytes([t[2]]) + t[0][t[1] + 1:]),
)


def check_frame_result(raw: bytes, platform: str = "douyin") -> None:
    frame = parse_frame(raw, platform, NOW, LIMITS)
    for error in frame.errors:
        assert error.code.value in CODES and error.message
        json.loads(error.to_json())  # always serialisable
    for c in frame.comments:
        assert c.platform == platform
        assert 1 <= len(c.msg_id) <= LIMITS.max_id_chars and len(c.user_id) >= 1
        assert 1 <= len(c.text) <= LIMITS.max_text_chars and c.text == c.text.strip()
        assert not any(ch in BIDI_CONTROLS or 0xD800 <= ord(ch) <= 0xDFFF for ch in c.text)
        assert not any(unicodedata.category(ch) == "Cc" for ch in c.text + c.user_name)
        assert len(c.user_name) <= LIMITS.max_name_chars
        assert c.ts_ms <= NOW + LIMITS.max_future_ms
        (c.msg_id + c.user_id + c.user_name + c.text).encode("utf-8")  # storable
    for e in frame.events:
        assert e.platform == platform and PLATFORM_NAME.match(e.kind)
        json.dumps(e.payload, ensure_ascii=False, allow_nan=False).encode("utf-8")


@pytest.mark.slow
@settings(max_examples=250, deadline=None)
@given(frames)
def test_the_parser_never_raises_and_only_passes_valid_comments(raw: bytes) -> None:
    check_frame_result(raw)


@settings(max_examples=120, deadline=None)
@given(st.lists(comment_like, min_size=1, max_size=6))
def test_every_batch_item_is_either_stored_or_answered(items: list[dict[str, Any]]) -> None:
    raw = json.dumps({"type": "batch", "items": items}).encode()
    frame = parse_frame(raw, "douyin", NOW, LIMITS)
    if len(frame.errors) == 1 and frame.errors[0].code is Code.BAD_JSON:
        return  # NaN or Infinity somewhere: the whole frame is refused, nothing stored
    assert len(frame.comments) + len(frame.events) + len(frame.errors) == len(items)


# -- the same, against a running server --------------------------------------------------
@pytest.fixture(scope="module")
def live_console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    """A real console on its own thread's loop, shared by the examples."""
    database = Path(tmp_path_factory.mktemp("fuzz")) / "videohelp.sqlite3"
    loop = asyncio.new_event_loop()
    ready: list[Console] = []
    started, stop = threading.Event(), asyncio.Event()

    async def main() -> None:
        async with running_console(database) as console:
            ready.append(console)
            started.set()
            await stop.wait()

    thread = threading.Thread(target=loop.run_until_complete, args=(main(),), daemon=True)
    thread.start()
    assert started.wait(10)
    yield ready[0]
    loop.call_soon_threadsafe(stop.set)
    thread.join(10)
    loop.close()


@contextlib.contextmanager
def open_bridge(console: Console, platform: str) -> Iterator[ClientConnection]:
    headers = {"Authorization": f"Bearer {TOKENS[platform]}"}
    with connect(console.url(), additional_headers=headers, open_timeout=5,
                 close_timeout=2) as ws:
        assert json.loads(ws.recv(timeout=5))["type"] == "hello"
        yield ws


def wait_for_ack(ws: ClientConnection, msg_id: str) -> None:
    """Read answers until ``msg_id`` is acknowledged; every answer must be well-formed."""
    while True:
        answer = json.loads(ws.recv(timeout=10))
        assert answer["type"] in {"ack", "error"}, answer
        if answer["type"] == "error":
            assert answer["code"] in CODES and isinstance(answer["message"], str)
        elif msg_id in answer["ids"]:
            return


counter = iter(range(10**9))


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(st.tuples(frames, st.booleans()), min_size=1, max_size=6))
def test_garbage_never_disturbs_the_server_or_other_bridges(
        live_console: Console, sent: list[tuple[bytes, bool]]) -> None:
    n = next(counter)
    with open_bridge(live_console, "douyin") as fuzz, open_bridge(live_console, "app") as good:
        for raw, as_text in sent:
            fuzz.send(raw, text=as_text)  # text frames may carry invalid UTF-8, on purpose
        good.send(json.dumps(comment(f"good-{n}", platform="app")))
        wait_for_ack(good, f"good-{n}")
        # The fuzzing connection is still open and served.
        fuzz.send(json.dumps(comment(f"after-{n}")))
        wait_for_ack(fuzz, f"after-{n}")
