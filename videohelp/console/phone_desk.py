"""The phone desk (``/desk``): the officer's or presenter's desk as a web page on the seat protocol.

A host away from the studio opens ``https://CONSOLE:PORT/desk`` on a phone, enters the
seat's personal token once (the page keeps it in ``localStorage``) and runs the show.
The page is plain HTML/JS/CSS shipped in ``videohelp/assets/desk`` (no build step, no
external resource). Everything it does goes through the seat hub, so it is checked,
audited and published exactly like any other seat:

- ``/desk/ws`` is ``/seat`` for a browser. A browser's WebSocket cannot send an
  ``Authorization`` header, so the token is the connection's first frame,
  ``{"type": "auth", "token": "vhs_…"}``, within ``auth_timeout_s``; after that the
  connection *is* a seat connection (``SeatHub.handle``: snapshot or resume with
  ``?since=&epoch=``, events, requests). A wrong or revoked token, or a role that has no
  desk (expert, automation), is closed with code 4003 and a reason.
- ``/desk/program.jpg`` is the program's latest frame as a small JPEG, for a preview a few
  times a second; ``Authorization: Bearer TOKEN`` (a page's ``fetch`` can send it).
- ``/desk/suggest?comment=ID`` is the knowledge base's answers for a comment (its item and
  masked text), as the desk's answer panel offers them; ``/desk/catalog`` is the business
  items' Chinese names. Both take the bearer token too.

TLS is the console's: off loopback it listens on ``wss://``/``https://`` only (``tls.py``),
and the page refuses to send a token over plain ``http://`` to a non-loopback host.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import cv2
from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from videohelp.assets import asset_path
from videohelp.core.roles import Role
from videohelp.core.seats import Seat
from videohelp.core.server import ConsoleServer, bearer_token, http_response
from videohelp.queue.comments import StoredComment
from videohelp.queue.seat_protocol import MAX_FRAME_BYTES
from videohelp.streaming import frames

# The hub (``console.seat_server.SeatHub``) is typed loosely: it installs this page, so naming
# its class here would make the two modules import each other.
SeatHub = Any

log = logging.getLogger(__name__)

PAGE_PATH, SOCKET_PATH = "/desk", "/desk/ws"
SNAPSHOT_PATH, SUGGEST_PATH, CATALOG_PATH = "/desk/program.jpg", "/desk/suggest", "/desk/catalog"
ASSETS = {"/desk/desk.js": ("desk.js", "text/javascript; charset=utf-8"),
          "/desk/desk-i18n.js": ("desk-i18n.js", "text/javascript; charset=utf-8"),
          "/desk/desk.css": ("desk.css", "text/css; charset=utf-8"),
          "/desk/icon.svg": ("icon.svg", "image/svg+xml")}
DESK_ROLES = frozenset({Role.OFFICER, Role.PRESENTER, Role.PRODUCER})
CLOSE_REFUSED = 4003  # the first frame did not carry a desk seat's valid token
# The page runs only its own script and style, shows its own images (blob: for the preview
# and the camera), talks only to this console, and is never framed (no click-jacking of 全部下屏).
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; "
       "media-src 'self' blob: mediastream:; connect-src 'self'; manifest-src 'self'; "
       "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
SECURITY_HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff",
                    "Referrer-Policy": "no-referrer"}


class PhoneDeskError(Exception):
    """A request of the phone desk that cannot be served (the text says why)."""


PUBLISH_ROLES = DESK_ROLES | {Role.AUTOMATION}  # OBS or an encoder may be given an automation seat


class PhoneDesk:
    """The ``/desk`` routes for one seat hub (see the module docstring)."""

    def __init__(self, hub: SeatHub, *, auth_timeout_s: float = 5.0, preview_width: int = 640,
                 jpeg_quality: int = 70, min_interval_s: float = 0.2) -> None:
        self.hub = hub
        self.auth_timeout_s = auth_timeout_s
        self.preview_width = preview_width
        self.jpeg_quality = jpeg_quality
        # Every phone shares one encode per interval: 640x360 encodes in ~2 ms, so even
        # five phones polling 4 times a second cost the console under 1 % of a core.
        self.min_interval_s = min_interval_s
        self._jpeg: tuple[float, bytes] | None = None
        self._encoding: asyncio.Lock | None = None
        self.snapshots_encoded = 0
        self.whip: Any = None  # the WhipServer, when the program's source is WHIP (start_whip)

    def install(self, server: ConsoleServer) -> None:
        server.add_http_route(PAGE_PATH, self.page)
        for path in ASSETS:
            server.add_http_route(path, self.asset)
        server.add_http_route(SNAPSHOT_PATH, self.snapshot)
        server.add_http_route(SUGGEST_PATH, self.suggest)
        server.add_http_route(CATALOG_PATH, self.catalog)
        server.add_route(SOCKET_PATH, self.handle, max_bytes=MAX_FRAME_BYTES)

    # -- authentication ----------------------------------------------------------------------------
    async def seat_for(self, token: str | None) -> Seat | None:
        """The desk seat of ``token`` as the registry is now, or None."""
        if not token:
            return None
        await self.hub.reload()  # one tiny query: a revocation in another process counts at once
        seat = self.hub.directory.authenticate(token)
        if seat is None or seat.role not in DESK_ROLES:
            return None
        return seat

    async def _http_seat(self, request: Request) -> Seat | None:
        try:
            return await self.seat_for(bearer_token(request))
        except RuntimeError:  # the registry reader has shut down (the console is stopping)
            return None

    async def may_publish(self, token: str | None) -> bool:
        """Whether ``token`` may publish the program's picture over WHIP."""
        if not token:
            return False
        await self.hub.reload()
        seat = self.hub.directory.authenticate(token)
        return seat is not None and seat.role in PUBLISH_ROLES

    # -- the page ----------------------------------------------------------------------------------
    def page(self, request: Request) -> Response:
        body = asset_path("desk", "index.html").read_bytes()
        headers = dict(SECURITY_HEADERS)
        if self.whip is not None:  # the page may also talk to the WHIP port of this host
            host = urlsplit("//" + request.headers.get("Host", "127.0.0.1")).hostname or "127.0.0.1"
            host = f"[{host}]" if ":" in host else host
            scheme = "https" if self.whip.ssl else "http"
            headers["Content-Security-Policy"] = CSP.replace(
                "connect-src 'self'", f"connect-src 'self' {scheme}://{host}:{self.whip.port}")
        return http_response(200, body, "text/html; charset=utf-8", headers=headers)

    def asset(self, request: Request) -> Response:
        name, content_type = ASSETS[urlsplit(request.path).path]
        return http_response(200, asset_path("desk", name).read_bytes(), content_type,
                             headers=SECURITY_HEADERS)

    # -- the socket --------------------------------------------------------------------------------
    async def handle(self, ws: ServerConnection, _principal: Any = None) -> None:
        """Authenticate by the first frame, then hand the connection to the seat hub."""
        try:
            first = await asyncio.wait_for(ws.recv(), self.auth_timeout_s)
        except (TimeoutError, ConnectionClosed):
            with contextlib.suppress(ConnectionClosed):
                await ws.close(CLOSE_REFUSED, "no token sent")
            return
        seat = await self.seat_for(_auth_token(first))
        if seat is None:
            log.warning("phone desk refused: unknown or revoked token, or not a desk role")
            with contextlib.suppress(ConnectionClosed):
                await ws.close(CLOSE_REFUSED, "token refused")
            return
        await self.hub.handle(ws, seat)

    # -- the program preview -----------------------------------------------------------------------
    async def snapshot(self, request: Request) -> Response:
        if await self._http_seat(request) is None:
            return _unauthorized()
        jpeg = await self.latest_jpeg()
        if jpeg is None:
            return http_response(503, "the program has no frame yet\n", headers={"Retry-After": "1"})
        return http_response(200, jpeg, "image/jpeg", headers=SECURITY_HEADERS)

    async def latest_jpeg(self) -> bytes | None:
        """The program's latest frame as JPEG, encoded at most once per ``min_interval_s``."""
        if self._encoding is None:
            self._encoding = asyncio.Lock()
        async with self._encoding:
            now = time.monotonic()
            if self._jpeg is not None and now - self._jpeg[0] < self.min_interval_s:
                return self._jpeg[1]
            frame = self.hub.actions.program.latest_frame()
            if frame is None:
                return None
            jpeg = await asyncio.to_thread(self._encode, frame)
            self._jpeg = (now, jpeg)
            self.snapshots_encoded += 1
            return jpeg

    def _encode(self, frame: Any) -> bytes:
        bgr = frames.preview_bgr(frame, self.preview_width)
        done, data = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, self.jpeg_quality])
        if not done:
            raise PhoneDeskError("JPEG encoding failed")
        return data.tobytes()

    # -- suggestions and item names ----------------------------------------------------------------
    async def suggest(self, request: Request) -> Response:
        try:
            return await self._suggest(request)
        except RuntimeError:  # the registry reader or the writer has shut down: the console stops
            return http_response(503, "the console is stopping\n")

    async def _suggest(self, request: Request) -> Response:
        if await self._http_seat(request) is None:
            return _unauthorized()
        value = parse_qs(urlsplit(request.path).query).get("comment", [""])[0]
        if not value.isdigit() or int(value) <= 0:
            return _json(400, {"error": "comment must be a comment id (integer > 0)"})
        comment = await self.hub.gate.read(_comment, int(value))
        if comment is None:
            return _json(404, {"error": f"no comment {value}"})
        item = self.hub.state.item_of(comment.id) or comment.item
        suggestions = await self.hub.actions.suggestions(comment.text_masked, item)
        return _json(200, {"comment": comment.id, "item": item, "suggestions": suggestions})

    async def catalog(self, request: Request) -> Response:
        if await self._http_seat(request) is None:
            return _unauthorized()
        catalog = getattr(self.hub.actions.renderer, "catalog", None)
        items = getattr(catalog, "items", {}) or {}
        return _json(200, {"items": {code: {"name": item.name_zh, "name_en": item.name_en,
                                            "link": bool(item.link)} for code, item in items.items()},
                           "whip_port": self.whip.port if self.whip is not None else None})


def _auth_token(frame: str | bytes) -> str | None:
    try:
        message = json.loads(frame)
    except ValueError:
        return None
    if not isinstance(message, dict) or message.get("type") != "auth":
        return None
    token = message.get("token")
    return token.strip() if isinstance(token, str) and len(token) < 512 else None


def _comment(store: Any, comment_id: int) -> StoredComment | None:
    row = store.conn.execute("SELECT * FROM comments WHERE id = ?", (comment_id,)).fetchone()
    return StoredComment.from_row(dict(row)) if row is not None else None


def _unauthorized() -> Response:
    return http_response(401, "missing or wrong token\n",
                         headers={"WWW-Authenticate": 'Bearer realm="videohelp"'})


def _json(status: int, body: dict[str, Any]) -> Response:
    return http_response(status, json.dumps(body, ensure_ascii=False), "application/json; charset=utf-8",
                         headers=SECURITY_HEADERS)


async def start_whip(hub: SeatHub, source: Any, host: str, port: int, ssl_context: Any = None) -> Any:
    """Serve WHIP for ``source`` (a ``WhipSource`` on program) on ``host:port``; the phone desk
    offers its 手机摄像头直播 button from then on. Returns the started ``WhipServer``."""
    from videohelp.core.tls import is_loopback
    from videohelp.streaming.whip import WhipIngest
    from videohelp.streaming.whip_http import WhipServer

    desk: PhoneDesk = hub.phone_desk
    server = WhipServer(WhipIngest(source, loopback_only=is_loopback(host)), desk.may_publish,
                        host, port, ssl_context)
    await server.start()
    desk.whip = server
    return server
