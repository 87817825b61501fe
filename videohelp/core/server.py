"""The console's one network server: WebSocket endpoints and plain HTTP pages by path.

Bridges (``/ingest``), seats and the overlay page all reach the console on one
host and port. Each endpoint registers a route; authentication happens in the
opening handshake (``process_request``), so a bad token gets an HTTP 401 and
never a WebSocket::

    server = ConsoleServer("127.0.0.1", 8765)
    server.add_route("/ingest", ingest.handle, authenticate=ingest.authenticate)
    server.add_http_route("/overlay", lambda request: http_response(200, page, "text/html"))
    await server.start()          # server.port is the bound port (useful with port 0)
    ...
    await server.stop()

A WebSocket handler is ``async def handler(connection, principal)``, where
``principal`` is what the route's ``authenticate(request)`` returned (None
when the route has no authenticator; it may be a coroutine function). An HTTP handler takes the ``Request``
and returns a ``Response`` (or an awaitable of one). Routes may be added before
or after ``start``.

Every timeout is explicit: the opening handshake, keepalive pings, the closing
handshake. Messages above ``hard_max_bytes`` close the connection (1009); a
route may refuse smaller ones itself and keep the connection open.
"""

from __future__ import annotations

import asyncio
import http
import logging
import weakref
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from ssl import SSLContext
from typing import Any

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.datastructures import Headers
from websockets.http11 import Request, Response

log = logging.getLogger(__name__)

# Whatever a route's authenticator says the peer is (a platform name, a seat, ...).
Principal = Any
WsHandler = Callable[[ServerConnection, Principal], Awaitable[None]]
Authenticator = Callable[[Request], Principal | Awaitable[Principal]]
HttpHandler = Callable[[Request], Response | Awaitable[Response]]


@dataclass(frozen=True)
class Timeouts:
    """Seconds; every network wait of the server has one."""

    open: float = 10.0        # TCP accept to completed WebSocket handshake
    ping_interval: float = 20.0
    ping_timeout: float = 20.0  # a peer that stops answering pings is dropped
    close: float = 5.0


@dataclass(frozen=True)
class _Route:
    handler: WsHandler
    authenticate: Authenticator | None
    max_bytes: int | None


def http_response(status: int, body: bytes | str, content_type: str = "text/plain; charset=utf-8",
                  headers: dict[str, str] | None = None) -> Response:
    """A complete HTTP response for an HTTP route (or to refuse a handshake)."""
    if isinstance(body, str):
        body = body.encode("utf-8")
    status_enum = http.HTTPStatus(status)
    response_headers = Headers({"Content-Type": content_type, "Content-Length": str(len(body)),
                                "Connection": "close", "Cache-Control": "no-store"})
    for name, value in (headers or {}).items():
        response_headers[name] = value
    return Response(status_enum.value, status_enum.phrase, response_headers, body)


def bearer_token(request: Request) -> str | None:
    """The token of an ``Authorization: Bearer TOKEN`` header, if any."""
    value = request.headers.get("Authorization", "")
    scheme, _, token = value.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def request_path(request: Request) -> str:
    return request.path.split("?", 1)[0]


class ConsoleServer:
    """One asyncio WebSocket + HTTP server with routes by path (see the module docstring)."""

    def __init__(self, host: str = "127.0.0.1", port: int = 8765, *,
                 hard_max_bytes: int = 2 * 1_048_576, max_connections: int = 64,
                 timeouts: Timeouts | None = None, ssl: SSLContext | None = None) -> None:
        self.host = host
        self.ssl = ssl  # wss:// and https:// when set (seats off loopback, issue 8)
        self.requested_port = port
        self.hard_max_bytes = hard_max_bytes
        self.max_connections = max_connections
        self.timeouts = timeouts or Timeouts()
        self._routes: dict[str, _Route] = {}
        self._http_routes: dict[str, HttpHandler] = {}
        self._principals: weakref.WeakKeyDictionary[ServerConnection, Principal] = (
            weakref.WeakKeyDictionary())
        self._server: Server | None = None

    # -- routes -------------------------------------------------------------------
    def add_route(self, path: str, handler: WsHandler, *,
                  authenticate: Authenticator | None = None,
                  max_bytes: int | None = None) -> None:
        """Serve WebSocket connections on ``path`` with ``handler``.

        ``authenticate(request)`` returns a principal or None; None refuses the
        handshake with 401. ``max_bytes`` lowers the message size limit for
        this route (default: ``hard_max_bytes``).
        """
        self._check_path(path)
        self._routes[path] = _Route(handler, authenticate, max_bytes)

    def add_http_route(self, path: str, handler: HttpHandler) -> None:
        """Answer plain HTTP GETs on ``path`` with ``handler(request)``."""
        self._check_path(path)
        self._http_routes[path] = handler

    def _check_path(self, path: str) -> None:
        if not path.startswith("/"):
            raise ValueError(f"route path must start with '/': {path!r}")
        if path in self._routes or path in self._http_routes:
            raise ValueError(f"route {path} is already taken")

    # -- lifecycle ------------------------------------------------------------------
    @property
    def port(self) -> int:
        """The bound port (after ``start``), else the requested one."""
        if self._server is not None and self._server.sockets:
            return int(self._server.sockets[0].getsockname()[1])
        return self.requested_port

    def url(self, path: str = "/", scheme: str | None = None) -> str:
        scheme = scheme or ("wss" if self.ssl is not None else "ws")
        return f"{scheme}://{self.host}:{self.port}{path}"

    @property
    def running(self) -> bool:
        return self._server is not None

    async def start(self) -> None:
        """Bind and serve; raises ``OSError`` if the address is taken."""
        if self._server is not None:
            return
        t = self.timeouts
        self._server = await serve(
            self._dispatch, self.host, self.requested_port,
            process_request=self._process_request,
            # Bridges are on the studio LAN; compressing costs more CPU than it saves.
            compression=None,
            open_timeout=t.open, ping_interval=t.ping_interval, ping_timeout=t.ping_timeout,
            close_timeout=t.close, max_size=self.hard_max_bytes, max_queue=16,
            server_header="videohelp", ssl=self.ssl,
        )
        log.info("console server listening on %s:%d", self.host, self.port)

    async def stop(self) -> None:
        """Close every connection (1001 going away) and stop listening."""
        server, self._server = self._server, None
        if server is not None:
            server.close()
            await asyncio.wait_for(server.wait_closed(), self.timeouts.close + 5)
            log.info("console server stopped")

    @property
    def connection_count(self) -> int:
        return len(self._server.connections) if self._server is not None else 0

    # -- handshake and dispatch -------------------------------------------------------
    async def _process_request(self, connection: ServerConnection,
                               request: Request) -> Response | None:
        path = request_path(request)
        http_handler = self._http_routes.get(path)
        if http_handler is not None:
            response = http_handler(request)
            if isinstance(response, Awaitable):
                response = await response
            return response
        route = self._routes.get(path)
        if route is None:
            return http_response(404, f"no endpoint at {path}\n")
        if self.connection_count >= self.max_connections:
            return http_response(503, "too many connections; retry later\n",
                                 headers={"Retry-After": "5"})
        principal = None
        if route.authenticate is not None:
            principal = route.authenticate(request)
            if isinstance(principal, Awaitable):
                principal = await principal
            if principal is None:
                return http_response(401, "missing or wrong token\n",
                                     headers={"WWW-Authenticate": 'Bearer realm="videohelp"'})
        if route.max_bytes is not None:
            # The sans-I/O protocol reads this for every frame it parses.
            connection.protocol.max_message_size = min(route.max_bytes, self.hard_max_bytes)
        self._principals[connection] = principal
        return None

    async def _dispatch(self, connection: ServerConnection) -> None:
        route = self._routes.get(request_path(connection.request)) if connection.request else None
        if route is None:  # the route was removed during the handshake
            await connection.close(1008, "no such endpoint")
            return
        await route.handler(connection, self._principals.pop(connection, None))
