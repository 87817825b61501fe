"""The WHIP endpoint's HTTP: ``POST /whip`` (SDP offer) and ``DELETE /whip/ID``, on its own port.

The console's main server (websockets) reads no request bodies, and WHIP's offer is a body,
so WHIP listens on a port of its own (same host, same TLS). A deliberately small HTTP/1.1
server: one request per connection, ``Content-Length`` bodies only (at most 64 KiB: an SDP
offer is 3-10 KiB), every wait with a timeout. Answers (RFC 9725):

- ``POST /whip`` with ``Authorization: Bearer TOKEN`` and ``Content-Type: application/sdp``:
  ``201 Created``, the SDP answer, ``Location: /whip/ID``; 401 for a missing or refused
  token, 415 for another content type, 400 for an unusable offer.
- ``DELETE /whip/ID`` (same token): 200, the publisher is gone; 404 if there is no such session.
- ``OPTIONS``: the CORS preflight of a browser page (the phone desk is on another port).
- anything else: 405.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from videohelp.streaming.whip import WhipError, WhipIngest

log = logging.getLogger(__name__)

PATH = "/whip"
MAX_HEADER_BYTES = 16 * 1024
MAX_BODY_BYTES = 64 * 1024
READ_TIMEOUT_S = 10.0
WRITE_TIMEOUT_S = 10.0
CORS = {"Access-Control-Allow-Origin": "*",  # a bearer token, no cookies: any page may try
        "Access-Control-Allow-Methods": "POST, DELETE, OPTIONS",
        "Access-Control-Allow-Headers": "Authorization, Content-Type",
        "Access-Control-Expose-Headers": "Location"}
Authorize = Callable[[str | None], Awaitable[bool]]


@dataclass
class HttpRequest:
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names
    body: bytes = b""

    @property
    def token(self) -> str | None:
        scheme, _, value = self.headers.get("authorization", "").partition(" ")
        return value.strip() or None if scheme.lower() == "bearer" else None


def parse_head(head: bytes) -> HttpRequest:
    """The request line and headers (pure); ValueError if they are not HTTP/1.x."""
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
        raise ValueError("not an HTTP/1.x request line")
    headers = {}
    for line in lines[1:]:
        if not line:
            continue
        name, sep, value = line.partition(":")
        if not sep:
            raise ValueError("malformed header line")
        headers[name.strip().lower()] = value.strip()
    return HttpRequest(parts[0].upper(), parts[1].split("?", 1)[0], headers)


def response(status: int, reason: str, body: bytes = b"", headers: dict[str, str] | None = None) -> bytes:
    lines = [f"HTTP/1.1 {status} {reason}", f"Content-Length: {len(body)}", "Connection: close",
             "Cache-Control: no-store", *(f"{k}: {v}" for k, v in {**CORS, **(headers or {})}.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def _text(status: int, reason: str, message: str) -> bytes:
    return response(status, reason, (message + "\n").encode(), {"Content-Type": "text/plain; charset=utf-8"})


class WhipServer:
    """``WhipIngest`` over HTTP on ``host:port`` (see the module docstring)."""

    def __init__(self, ingest: WhipIngest, authorize: Authorize, host: str = "127.0.0.1",
                 port: int = 0, ssl_context: ssl.SSLContext | None = None) -> None:
        self.ingest = ingest
        self.authorize = authorize
        self.host, self.requested_port = host, port
        self.ssl = ssl_context
        self._server: asyncio.Server | None = None

    @property
    def port(self) -> int:
        if self._server is not None and self._server.sockets:
            return int(self._server.sockets[0].getsockname()[1])
        return self.requested_port

    def url(self) -> str:
        return f"{'https' if self.ssl else 'http'}://{self.host}:{self.port}{PATH}"

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._connection, self.host, self.requested_port,
                                                  ssl=self.ssl, limit=MAX_HEADER_BYTES)
        log.info("WHIP listening on %s", self.url())

    async def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.close()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(server.wait_closed(), 5)
        await self.ingest.close()

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            try:
                request = await asyncio.wait_for(self._read(reader), READ_TIMEOUT_S)
                answer = await self.answer(request)
            except (ValueError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
                answer = _text(400, "Bad Request", "malformed request")
            except TimeoutError:
                answer = _text(408, "Request Timeout", "request not received in time")
            writer.write(answer)
            await asyncio.wait_for(writer.drain(), WRITE_TIMEOUT_S)
        except (ConnectionError, TimeoutError):
            pass
        except Exception:
            log.exception("WHIP request failed")
        finally:
            writer.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(writer.wait_closed(), 2)

    @staticmethod
    async def _read(reader: asyncio.StreamReader) -> HttpRequest:
        head = await reader.readuntil(b"\r\n\r\n")
        request = parse_head(head[:-4])
        if "transfer-encoding" in request.headers:
            raise ValueError("chunked bodies are not supported")
        length = int(request.headers.get("content-length", "0") or 0)
        if length < 0 or length > MAX_BODY_BYTES:
            raise ValueError("body too large")
        request.body = await reader.readexactly(length) if length else b""
        return request

    async def answer(self, request: HttpRequest) -> bytes:
        if request.method == "OPTIONS":
            return response(204, "No Content", headers={"Accept-Post": "application/sdp"})
        if request.method not in ("POST", "DELETE"):
            return _text(405, "Method Not Allowed", "WHIP takes POST (an offer) and DELETE")
        if not await self.authorize(request.token):
            return response(401, "Unauthorized", b"missing or wrong token\n",
                            {"WWW-Authenticate": 'Bearer realm="videohelp"'})
        if request.method == "DELETE":
            prefix = PATH + "/"
            if not request.path.startswith(prefix) or not await self.ingest.end(request.path[len(prefix):]):
                return _text(404, "Not Found", "no such WHIP session")
            return response(200, "OK")
        if request.path != PATH:
            return _text(404, "Not Found", f"WHIP is at {PATH}")
        if request.headers.get("content-type", "").split(";")[0].strip().lower() != "application/sdp":
            return _text(415, "Unsupported Media Type", "the offer must be application/sdp")
        try:
            session, sdp = await self.ingest.publish(request.body.decode("utf-8"))
        except UnicodeDecodeError:
            return _text(400, "Bad Request", "the offer is not UTF-8")
        except WhipError as exc:
            return _text(exc.status, "Bad Request" if exc.status == 400 else "Service Unavailable", str(exc))
        return response(201, "Created", sdp.encode("utf-8"),
                        {"Content-Type": "application/sdp", "Location": f"{PATH}/{session}"})
