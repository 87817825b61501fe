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

Each route belongs to a *kind* of client (``bridge``, ``seat``, ``overlay``;
see ``client_limits``) and each kind has its own connection budget, so no one
kind can starve another: 64 overlay sockets opened by any web page leave every
bridge and seat slot free. The handshake is judged in this order: path (404),
origin for browser-only routes (403), token (401), the kind's budget (503).
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
from websockets.protocol import State

from videohelp.core.client_limits import ClientLimits, client_key

# Issue 19 hook: plain HTTP requests with bodies (POST /api/v1/ask) on this server.
from videohelp.core.http_body import DEFAULT_MAX_BODY, complete_request, connection_class

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
    kind: str
    same_origin: bool


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


def same_origin(request: Request, secure: bool) -> bool:
    """True for a non-browser client (no ``Origin``) or a page served by this very server.

    A browser always sends ``Origin`` on a WebSocket handshake, and ``Host`` is the
    address it connected to, so a page this server served has ``Origin`` equal to
    ``http(s)://`` + ``Host``; any other web page the studio PC opens does not.
    """
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    host = request.headers.get("Host", "")
    expected = f"{'https' if secure else 'http'}://{host}"
    return bool(host) and origin.strip().lower() == expected.lower()


class ConsoleServer:
    """One asyncio WebSocket + HTTP server with routes by path (see the module docstring)."""

    def __init__(self, host: str = "127.0.0.1", port: int = 8765, *,
                 hard_max_bytes: int = 2 * 1_048_576, max_connections: int = 64,
                 timeouts: Timeouts | None = None, ssl: SSLContext | None = None,
                 limits: ClientLimits | None = None,
                 max_body_bytes: int = DEFAULT_MAX_BODY) -> None:
        self.host = host
        self.max_body_bytes = max_body_bytes  # bodies of HTTP routes (http_body.py)
        self.ssl = ssl  # wss:// and https:// when set (seats off loopback, issue 8)
        self.requested_port = port
        self.hard_max_bytes = hard_max_bytes
        self.max_connections = max_connections  # the budget of a kind ``limits`` does not name
        self.limits = limits or ClientLimits()
        self._by_kind: dict[str, set[ServerConnection]] = {}
        self._clients: weakref.WeakKeyDictionary[ServerConnection, str] = weakref.WeakKeyDictionary()
        self.timeouts = timeouts or Timeouts()
        self._routes: dict[str, _Route] = {}
        self._http_routes: dict[str, HttpHandler] = {}
        self._principals: weakref.WeakKeyDictionary[ServerConnection, Principal] = (
            weakref.WeakKeyDictionary())
        self._server: Server | None = None

    # -- routes -------------------------------------------------------------------
    def add_route(self, path: str, handler: WsHandler, *,
                  authenticate: Authenticator | None = None,
                  max_bytes: int | None = None, kind: str = "other",
                  same_origin: bool = False) -> None:
        """Serve WebSocket connections on ``path`` with ``handler``.

        ``authenticate(request)`` returns a principal or None; None refuses the
        handshake with 401. ``max_bytes`` lowers the message size limit for
        this route (default: ``hard_max_bytes``). ``kind`` names the connection
        budget the route counts against; ``same_origin`` refuses (403) browser
        pages that this server did not serve.
        """
        self._check_path(path)
        self._routes[path] = _Route(handler, authenticate, max_bytes, kind, same_origin)

    def add_http_route(self, path: str, handler: HttpHandler) -> None:
        """Answer plain HTTP requests on ``path`` with ``handler(request)``.

        The request is an ``http_body.HttpRequest``: its ``method`` and, for other
        methods than GET, its ``body`` (at most ``max_body_bytes``) or ``body_error``.
        """
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
            create_connection=connection_class(self.max_body_bytes, self.hard_max_bytes),
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

    def budget(self, kind: str) -> int:
        """The most connections of ``kind`` open at once."""
        return self.limits.budgets.get(kind, self.max_connections)

    def kind_count(self, kind: str) -> int:
        """Connections of ``kind`` open or opening (closed ones are forgotten here)."""
        members = self._by_kind.get(kind)
        if not members:
            return 0
        for connection in [c for c in members if c.protocol.state is State.CLOSED]:
            members.discard(connection)  # a handshake that failed after it was counted
        return len(members)

    # -- handshake and dispatch -------------------------------------------------------
    async def _process_request(self, connection: ServerConnection,
                               request: Request) -> Response | None:
        path = request_path(request)
        http_handler = self._http_routes.get(path)
        if http_handler is not None:
            response = http_handler(complete_request(connection, request))
            if isinstance(response, Awaitable):
                response = await response
            return response
        route = self._routes.get(path)
        if route is None:
            return http_response(404, f"no endpoint at {path}\n")
        if route.same_origin and not same_origin(request, self.ssl is not None):
            log.warning("%s refused: a page from origin %r", path, request.headers.get("Origin"))
            return http_response(403, "this endpoint serves pages of this console only\n")
        principal = None
        if route.authenticate is not None:
            principal = route.authenticate(request)
            if isinstance(principal, Awaitable):
                principal = await principal
            if principal is None:
                return http_response(401, "missing or wrong token\n",
                                     headers={"WWW-Authenticate": 'Bearer realm="videohelp"'})
        # Counted after the token: only a client that may connect takes a slot of its kind.
        if self.kind_count(route.kind) >= self.budget(route.kind):
            log.warning("%s refused: %d %s connections open", path, self.budget(route.kind),
                        route.kind)
            return http_response(503, "too many connections; retry later\n",
                                 headers={"Retry-After": "5"})
        key = client_key(principal)
        if key is not None:
            same = sum(1 for c in self._by_kind.get(route.kind, ()) if self._clients.get(c) == key)
            if same >= self.limits.per_client:
                log.warning("%s refused: %s already has %d connections", path, key, same)
                return http_response(503, "too many connections for this token; retry later\n",
                                     headers={"Retry-After": "5"})
            self._clients[connection] = key
        self._by_kind.setdefault(route.kind, set()).add(connection)
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
        try:
            await route.handler(connection, self._principals.pop(connection, None))
        finally:
            self._by_kind.get(route.kind, set()).discard(connection)
