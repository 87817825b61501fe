"""Plain HTTP requests with a body (POST, OPTIONS...) on the console's WebSocket server.

websockets parses only body-less handshake requests: a request with a
``Content-Length`` other than 0 is refused before any route sees it. The
answering API (``POST /api/v1/ask``) needs bodies on the same host and port as
``/ingest`` and ``/seat``, so each connection reads the request head itself
first (``HttpBodyConnection``, the server's ``create_connection``):

- a GET goes to websockets unchanged (WebSocket handshakes, pages);
- any other method has its body read here (``Content-Length`` only; chunked
  bodies get 411), up to ``max_body_bytes``; the head is then handed to
  websockets without the body, and the server's HTTP route finds method and
  body on the request (``complete_request``);
- a body declared too large is read and dropped up to ``drain_bytes`` (so the
  client, still sending, reads the 413 instead of a reset), never kept.

Nothing here waits: every byte arrives through ``data_received``, and the
server's handshake timeout (``Timeouts.open``) bounds a client that stops
sending half-way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from websockets.asyncio.server import ServerConnection
from websockets.http11 import Request

MAX_HEAD_BYTES = 16 * 1024
DEFAULT_MAX_BODY = 64 * 1024
_HOP_HEADERS = (b"content-length", b"transfer-encoding", b"expect")


@dataclass
class HttpRequest(Request):
    """A request of an HTTP route: websockets' ``Request`` plus its body.

    ``body_error`` is an HTTP status (400, 411, 413) when the body was refused;
    the route answers it (``body`` is then empty).
    """

    body: bytes = b""
    body_error: int | None = None


class HttpBodyConnection(ServerConnection):
    """A ``ServerConnection`` that reads the bodies of non-GET requests itself."""

    max_body_bytes = DEFAULT_MAX_BODY
    drain_bytes = 2 * 1_048_576

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._mode = "head"  # head, body, drain, pass (everything to websockets), done
        self._buffer = bytearray()
        self._head = b""
        self._want = 0
        self._drained = 0
        self.http_method = "GET"
        self.http_body = b""
        self.http_error: int | None = None

    def data_received(self, data: bytes) -> None:
        mode = self._mode
        if mode == "pass":
            super().data_received(data)
            return
        if mode == "done":
            return  # after the head went to websockets; its response closes the connection
        if mode == "drain":  # a body too large: counted, never kept
            self._drained += len(data)
            if self._drained >= self._want:
                self._hand_over()
            return
        self._buffer += data
        if mode == "head":
            self._read_head()
        if self._mode == "drain":
            self._drained, self._buffer = len(self._buffer), bytearray()
            if self._drained >= self._want:
                self._hand_over()
        elif self._mode == "body" and len(self._buffer) >= self._want:
            self.http_body = bytes(self._buffer[:self._want])
            self._buffer.clear()
            self._hand_over()

    def _read_head(self) -> None:
        end = self._buffer.find(b"\r\n\r\n")
        if end < 0:
            if len(self._buffer) > MAX_HEAD_BYTES:
                self._pass_through()  # websockets refuses an oversized head itself
            return
        head, rest = bytes(self._buffer[:end + 4]), self._buffer[end + 4:]
        method = head.split(b" ", 1)[0]
        if method == b"GET" or not method.isalpha():
            self._pass_through()
            return
        self.http_method = method.decode("ascii")
        self._head = head
        self._buffer = bytearray(rest)
        fields = _fields(head)
        if b"transfer-encoding" in fields:
            self._refuse(411)
            return
        try:
            length = int(fields.get(b"content-length", b"0"))
            if length < 0:
                raise ValueError
        except ValueError:
            self._refuse(400)
            return
        if length > self.max_body_bytes:
            self.http_error = 413
            if length - len(self._buffer) > self.drain_bytes:
                self._refuse(413)
                return
            self._mode, self._want = "drain", length
            return
        if fields.get(b"expect", b"").lower() == b"100-continue" and len(self._buffer) < length:
            self.transport.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        self._mode, self._want = "body", length

    def _refuse(self, status: int) -> None:
        self.http_error = status
        self._buffer.clear()
        self._hand_over()

    def _pass_through(self) -> None:
        self._mode = "pass"
        data, self._buffer = bytes(self._buffer), bytearray()
        super().data_received(data)

    def _hand_over(self) -> None:
        """Give websockets the head as a body-less request; it calls the route."""
        self._mode = "done"
        lines = self._head.split(b"\r\n")
        kept = [lines[0]] + [line for line in lines[1:]
                             if line.split(b":", 1)[0].strip().lower() not in _HOP_HEADERS]
        super().data_received(b"\r\n".join(kept))


def connection_class(max_body_bytes: int, drain_bytes: int) -> type[HttpBodyConnection]:
    """The connection class of a server with these limits (websockets takes a class)."""
    return type("HttpBodyConnection", (HttpBodyConnection,),
                {"max_body_bytes": max_body_bytes, "drain_bytes": drain_bytes})


def _fields(head: bytes) -> dict[bytes, bytes]:
    fields = {}
    for line in head.split(b"\r\n")[1:]:
        name, sep, value = line.partition(b":")
        if sep:
            fields[name.strip().lower()] = value.strip()
    return fields


def complete_request(connection: object, request: Request) -> HttpRequest:
    """``request`` with the method and body this connection read (for HTTP routes)."""
    if isinstance(request, HttpRequest):
        return request
    method = request.method
    body, error = b"", None
    if isinstance(connection, HttpBodyConnection):
        method, body, error = connection.http_method, connection.http_body, connection.http_error
    return HttpRequest(request.path, request.headers, method, request.protocol,
                       body=body, body_error=error)
