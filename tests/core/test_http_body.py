"""Plain HTTP with bodies on the console's server (http_body.py), through real sockets."""

from __future__ import annotations

import asyncio
import json
import socket

import pytest
import pytest_asyncio
from websockets.asyncio.client import connect

from videohelp.core.http_body import HttpRequest
from videohelp.core.server import ConsoleServer, http_response

pytestmark = pytest.mark.asyncio


def raw_request(port: int, data: bytes, timeout: float = 5.0) -> bytes:
    """Send ``data`` and read until the server closes (blocking: run in a thread)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(data)
        chunks = []
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)


async def send(port: int, data: bytes) -> tuple[int, bytes]:
    reply = await asyncio.to_thread(raw_request, port, data)
    head, _, body = reply.partition(b"\r\n\r\n")
    if head.startswith(b"HTTP/1.1 100"):
        head, _, body = body.partition(b"\r\n\r\n")
    return int(head.split(b" ")[1]), body


def post(path: str, body: bytes, extra: str = "") -> bytes:
    return (f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n{extra}\r\n").encode() + body


@pytest_asyncio.fixture
async def server():
    seen: list[HttpRequest] = []

    def echo(request: HttpRequest) -> object:
        seen.append(request)
        if request.body_error:
            return http_response(request.body_error, "refused\n")
        return http_response(200, json.dumps({"method": request.method,
                                              "body": request.body.decode()}),
                             "application/json")

    async def ws_echo(connection, principal) -> None:
        async for message in connection:
            await connection.send(message)

    console = ConsoleServer("127.0.0.1", 0, max_body_bytes=1024)
    console.add_http_route("/echo", echo)
    console.add_route("/ws", ws_echo)
    await console.start()
    console.seen = seen
    yield console
    await console.stop()


async def test_a_post_body_reaches_the_route_and_get_and_websockets_still_work(server) -> None:
    status, body = await send(server.port, post("/echo", '{"q": "驾照"}'.encode()))
    assert status == 200
    assert json.loads(body) == {"method": "POST", "body": '{"q": "驾照"}'}
    status, body = await send(server.port, b"GET /echo HTTP/1.1\r\nHost: x\r\n\r\n")
    assert (status, json.loads(body)) == (200, {"method": "GET", "body": ""})
    async with connect(server.url("/ws"), open_timeout=5) as ws:
        await ws.send("hello")
        assert await asyncio.wait_for(ws.recv(), 5) == "hello"


async def test_a_body_sent_in_pieces_with_expect_continue_is_read_whole(server) -> None:
    def slow() -> bytes:
        with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
            sock.sendall(b"POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                         b"Content-Length: 10\r\n\r\n")
            assert sock.recv(100).startswith(b"HTTP/1.1 100 Continue")
            sock.sendall(b"01234")
            sock.sendall(b"56789")
            return sock.recv(65536)
    reply = await asyncio.to_thread(slow)
    assert reply.startswith(b"HTTP/1.1 200") and b'"body": "0123456789"' in reply


async def test_oversized_chunked_and_bad_length_bodies_are_refused_and_not_kept(server) -> None:
    status, _ = await send(server.port, post("/echo", b"x" * 200_000))
    assert status == 413
    assert server.seen[-1].body == b""
    status, _ = await send(server.port, b"POST /echo HTTP/1.1\r\nHost: x\r\n"
                                        b"Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n")
    assert status == 411
    status, _ = await send(server.port, b"POST /echo HTTP/1.1\r\nHost: x\r\n"
                                        b"Content-Length: many\r\n\r\n")
    assert status == 400
    status, _ = await send(server.port, b"OPTIONS /echo HTTP/1.1\r\nHost: x\r\n\r\n")
    assert status == 200 and server.seen[-1].method == "OPTIONS"
