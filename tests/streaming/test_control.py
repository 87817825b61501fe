"""The control channel /seat on a real ConsoleServer: token in the handshake, take/update/clear/panic."""

from __future__ import annotations

import json

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from tests.streaming.conftest import CONTROL_TOKEN, SAMPLES
from videohelp.streaming.cards import CardRenderer
from videohelp.streaming.control import CardControl, token_auth
from videohelp.streaming.program import ProgramEngine
from videohelp.streaming.sources import TestPatternSource

TOKEN = CONTROL_TOKEN




async def _ask(socket, request: dict) -> dict:
    await socket.send(json.dumps(request, ensure_ascii=False))
    return json.loads(await socket.recv())


def _auth(token: str = TOKEN) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.asyncio
@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}])
async def test_without_the_token_the_handshake_is_refused(console, headers) -> None:
    server, _ = console
    with pytest.raises(InvalidStatus) as refused:
        async with connect(server.url("/seat"), additional_headers=headers, open_timeout=5):
            pass
    assert refused.value.response.status_code == 401


@pytest.mark.asyncio
async def test_take_update_clear_panic(console) -> None:
    server, engine = console
    async with connect(server.url("/seat"), additional_headers=_auth(), open_timeout=5) as socket:
        reply = await _ask(socket, {"type": "take", "rid": "r1", "template": "lower_third",
                                    "data": SAMPLES["lower_third"], "transition": "cut"})
        assert reply == {"type": "ok", "rid": "r1", "layer": "lower_third", "on_air": ["lower_third"]}
        assert engine.on_air()["lower_third"].data["name"] == "张警官"

        reply = await _ask(socket, {"type": "take", "rid": 2, "layer": "question", "template": "qa",
                                    "data": SAMPLES["qa"], "duration_s": 30})
        assert reply["type"] == "ok" and reply["rid"] == "2"
        assert sorted(engine.on_air()) == ["lower_third", "question"]

        reply = await _ask(socket, {"type": "update", "rid": "r3", "layer": "lower_third",
                                    "data": {"name": "王警官", "unit": None}})
        assert reply["type"] == "ok"
        updated = engine.on_air()["lower_third"].data
        assert updated == {"name": "王警官", "rank": "一级警长"}  # merged; null removes a field

        reply = await _ask(socket, {"type": "clear", "rid": "r4", "layer": "question"})
        assert reply == {"type": "ok", "rid": "r4", "layer": "question", "on_air": ["lower_third"]}

        reply = await _ask(socket, {"type": "panic", "rid": "r5"})
        assert reply == {"type": "ok", "rid": "r5", "on_air": []}
        assert engine.on_air() == {} and engine.layers()[0] == ()


@pytest.mark.asyncio
async def test_the_theme_gives_transitions_unless_the_request_does(console) -> None:
    server, engine = console
    async with connect(server.url("/seat"), additional_headers=_auth(), open_timeout=5) as socket:
        await _ask(socket, {"type": "take", "rid": "a", "template": "qa", "data": SAMPLES["qa"]})
        layer = engine.layers()[0][0]
        assert (layer.enter.kind, layer.leave.kind) == ("slide", "fade")  # studio theme
        assert layer.enter.frames == 10  # 0.4 s at 25 fps
        await _ask(socket, {"type": "take", "rid": "b", "template": "ticker", "data": SAMPLES["ticker"],
                            "transition": "fade", "out": "cut", "seconds": 1})
        ticker = next(layer for layer in engine.layers()[0] if layer.name == "ticker")
        assert (ticker.enter.kind, ticker.enter.frames, ticker.leave.kind) == ("fade", 25, "cut")


ERRORS = [
    ("not json", None, "bad_json"),
    ("[1, 2]", None, "bad_request"),
    ({"type": "dance", "rid": "x"}, "x", "unknown_type"),
    ({"type": "take", "rid": "x", "data": {}}, "x", "bad_request"),
    ({"type": "take", "rid": "x", "template": "nope", "data": {}}, "x", "bad_card"),
    ({"type": "take", "rid": "x", "template": "qa", "data": {"answer": "a"}}, "x", "bad_card"),
    ({"type": "take", "rid": "x", "template": "qa", "data": "question"}, "x", "bad_request"),
    ({"type": "take", "rid": "x", "template": "qa", "data": SAMPLES["qa"], "transition": "spin"},
     "x", "bad_request"),
    ({"type": "take", "rid": "x", "template": "qa", "data": SAMPLES["qa"], "duration_s": -1},
     "x", "bad_request"),
    ({"type": "take", "rid": "x", "layer": "<b>", "template": "qa", "data": SAMPLES["qa"]},
     "x", "bad_request"),
    ({"type": "update", "rid": "x", "layer": "qa", "data": {"question": "q"}}, "x", "not_found"),
    ({"type": "update", "rid": "x", "data": {}}, "x", "bad_request"),
    ({"type": "clear", "rid": "x", "layer": "ticker"}, "x", "not_found"),
    ({"type": "panic", "rid": {"a": 1}}, None, "bad_request"),
]


@pytest.mark.asyncio
async def test_bad_requests_get_an_error_and_the_connection_stays(console) -> None:
    server, engine = console
    async with connect(server.url("/seat"), additional_headers=_auth(), open_timeout=5) as socket:
        for request, rid, code in ERRORS:
            await socket.send(request if isinstance(request, str) else json.dumps(request))
            reply = json.loads(await socket.recv())
            assert reply["type"] == "error" and reply["code"] == code, (request, reply)
            assert reply["rid"] == rid and reply["message"]
        assert engine.on_air() == {}  # nothing half-done
        reply = await _ask(socket, {"type": "ping", "rid": "still-here"})
        assert reply["type"] == "ok"


@pytest.mark.asyncio
async def test_update_refuses_another_template_on_the_layer(console) -> None:
    server, engine = console
    async with connect(server.url("/seat"), additional_headers=_auth(), open_timeout=5) as socket:
        await _ask(socket, {"type": "take", "rid": "1", "template": "qa", "data": SAMPLES["qa"]})
        reply = await _ask(socket, {"type": "update", "rid": "2", "layer": "qa", "template": "expert",
                                    "data": {"name": "李警官"}})
        assert reply["code"] == "bad_request" and "shows template 'qa'" in reply["message"]
        reply = await _ask(socket, {"type": "update", "rid": "3", "layer": "qa",
                                    "data": {"item": "NOPE"}})
        assert reply["code"] == "bad_card"
        assert engine.on_air()["qa"].data == SAMPLES["qa"]  # the card on air is untouched


def test_the_handler_works_without_a_socket(qapp) -> None:
    engine = ProgramEngine(TestPatternSource(640, 360), fps=25)
    control = CardControl(engine, CardRenderer(640, 360))
    reply = control.handle_text(json.dumps({"type": "take", "rid": "1", "template": "clock",
                                            "data": {"time": "19:30"}, "transition": "cut"}))
    assert reply["type"] == "ok" and "clock" in engine.on_air()
    assert control.handle_text("x" * 70_000)["code"] == "bad_request"


def test_token_auth_needs_a_token() -> None:
    with pytest.raises(ValueError, match="must not be empty"):
        token_auth("")
