"""The browser-source page ``/overlay``: the program's cards on a transparent page for OBS/vMix.

The page (``assets/overlay/index.html`` and ``overlay.js``) is static; it
opens the WebSocket ``/overlay/ws`` and never reloads. ``OverlayHub`` mirrors
the program engine: every layer change becomes a message carrying the *same*
rendered images the engine composites (PNG, base64, un-premultiplied for the
browser) and their positions, so the page matches the program pixel for
pixel. Viewer text only ever reaches the page inside those images, so it can
never be interpreted as HTML. Messages are documented in docs/protocol.md.

Threading: engine listeners run in whichever thread changed the program (the
worker's for automatic outs); the hub hops onto its asyncio loop and one task
encodes and sends the events in order.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
from collections import deque
from collections.abc import Callable
from typing import Any

import numpy as np
from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from videohelp.assets import asset_path
from videohelp.core.client_limits import OVERLAY, ClientLimits
from videohelp.core.handoff import on_loop
from videohelp.core.server import ConsoleServer, http_response
from videohelp.streaming.cards import RenderedCard, encode_png
from videohelp.streaming.layers import Layer, pixels_per_frame
from videohelp.streaming.program import ProgramEngine, ProgramEvent

log = logging.getLogger(__name__)

PAGE_PATH, SCRIPT_PATH, SOCKET_PATH = "/overlay", "/overlay/overlay.js", "/overlay/ws"
SEND_TIMEOUT_S = 5.0   # a page that cannot take a message in this time is dropped
CLOSE_TIMEOUT_S = 2.0
# The page loads its script from this server only, shows data: images only, and
# connects back to this server only.
CSP = ("default-src 'none'; script-src 'self'; img-src data:; connect-src 'self'; "
       "style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors *")


def png_base64(rgba_premul: np.ndarray) -> str:
    """A premultiplied RGBA image as a base64 PNG with straight alpha (see ``encode_png``)."""
    return base64.b64encode(encode_png(rgba_premul)).decode("ascii")


def card_payload(card: RenderedCard, fps: int) -> dict[str, Any]:
    """The images and geometry of ``card`` for the page (without layer or transition)."""
    height, width = card.rgba.shape[:2]
    payload: dict[str, Any] = {
        "card": {"png": png_base64(card.base_rgba()), "x": card.x, "y": card.y, "w": width,
                 "h": height, "enter_from": card.enter_from},
        "crawl": None,
    }
    crawl = card.crawl
    if crawl is not None:
        payload["crawl"] = {"png": png_base64(crawl.strip), "x": card.x + crawl.x,
                            "y": card.y + crawl.y, "w": crawl.width, "h": crawl.strip.shape[0],
                            "period": crawl.period, "ppf": pixels_per_frame(crawl.px_per_s, fps)}
    return payload


def _transition(event_transition: Any) -> dict[str, Any]:
    return {"kind": event_transition.kind, "frames": event_transition.frames}


class OverlayHub:
    """Serves the overlay page and keeps every open page in step with ``engine``."""

    def __init__(self, engine: ProgramEngine, width: int, height: int) -> None:
        self.engine = engine
        self.width, self.height = width, height
        self._clients: set[ServerConnection] = set()
        self._pending: deque[ProgramEvent | ServerConnection] = deque()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._listener: Callable[[ProgramEvent], None] | None = None
        self._drainer: asyncio.Task | None = None
        self._payloads: dict[int, tuple[RenderedCard, dict[str, Any]]] = {}
        self.sent = 0
        self.limits = ClientLimits()  # the server's, once installed

    # -- lifecycle ------------------------------------------------------------------
    def install(self, server: ConsoleServer) -> None:
        """Register the page, its script and its socket on the console's server.

        The socket counts against the overlay budget, accepts pages of this
        console only (and clients without ``Origin``), and needs the URL's
        ``?token=`` when the server has an overlay token.
        """
        self.limits = server.limits
        server.add_http_route(PAGE_PATH, self.page)
        server.add_http_route(SCRIPT_PATH, self.script)
        server.add_route(SOCKET_PATH, self.handle, max_bytes=4096, kind=OVERLAY,
                         same_origin=True, authenticate=self.authenticate)

    def authenticate(self, request: Request) -> bool | None:
        """True if the socket's URL carries the overlay token (or none is set); None -> 401."""
        return True if self.limits.overlay_allows(request.path) else None

    async def start(self) -> None:
        if self._loop is not None:
            return
        self._loop = asyncio.get_running_loop()
        self._listener = on_loop(self._enqueue, self._loop)  # engine events: any thread
        self.engine.add_listener(self._listener)

    async def stop(self) -> None:
        if self._listener is not None:
            self.engine.remove_listener(self._listener)
            self._listener = None
        self._loop = None
        drainer, self._drainer = self._drainer, None
        if drainer is not None and not drainer.done():
            drainer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await drainer
        self._pending.clear()
        for client in list(self._clients):
            with contextlib.suppress(Exception):
                await asyncio.wait_for(client.close(1001, "console stopping"), CLOSE_TIMEOUT_S)
        self._clients.clear()

    @property
    def client_count(self) -> int:
        return len(self._clients)

    # -- HTTP -------------------------------------------------------------------------
    def page(self, request: Request) -> Response:
        if not self.limits.overlay_allows(request.path):
            return http_response(401, "this overlay page needs its ?token=\n")
        body = asset_path("overlay", "index.html").read_bytes()
        return http_response(200, body, "text/html; charset=utf-8",
                             headers={"Content-Security-Policy": CSP})

    def script(self, request: Request) -> Response:
        body = asset_path("overlay", "overlay.js").read_bytes()
        return http_response(200, body, "text/javascript; charset=utf-8")

    # -- WebSocket ----------------------------------------------------------------------
    async def handle(self, connection: ServerConnection, principal: Any = None) -> None:
        """One page: a snapshot first (in order with the events), then every change."""
        if self._loop is None:
            await connection.close(1013, "overlay not started")
            return
        self._enqueue(connection)
        try:
            while True:  # the page sends only heartbeats; a silent socket is not our page
                await asyncio.wait_for(connection.recv(), self.limits.overlay_idle_s)
        except TimeoutError:
            log.info("overlay socket closed: silent for %.0f s", self.limits.overlay_idle_s)
            with contextlib.suppress(Exception):
                await asyncio.wait_for(connection.close(1008, "idle"), CLOSE_TIMEOUT_S)
        except ConnectionClosed:
            pass
        finally:
            self._clients.discard(connection)

    def _enqueue(self, item: ProgramEvent | ServerConnection) -> None:
        """On the loop: queue an event or a new page's greeting; one task sends them in order."""
        if isinstance(item, ProgramEvent) and not self._clients:
            return  # nobody to tell; a page that joins later gets a snapshot of the engine
        self._pending.append(item)
        if (self._drainer is None or self._drainer.done()) and self._loop is not None:
            self._drainer = self._loop.create_task(self._drain(), name="overlay")

    async def _drain(self) -> None:
        # Encoding runs here on the loop: a card's PNG takes a few ms, once per change.
        while self._pending:
            item = self._pending.popleft()
            try:
                if isinstance(item, ProgramEvent):
                    message = self._message(item)
                    await self._broadcast(json.dumps(message, separators=(",", ":")))
                else:
                    hello = self._hello()
                    self._clients.add(item)
                    await self._send(item, json.dumps(hello, separators=(",", ":")))
            except Exception:
                log.exception("overlay: could not send an update")

    # -- messages ------------------------------------------------------------------------
    def _payload(self, card: RenderedCard) -> dict[str, Any]:
        cached = self._payloads.get(id(card))
        if cached is not None and cached[0] is card:
            return cached[1]
        payload = card_payload(card, self.engine.fps)
        if len(self._payloads) > 32:  # only what is on air matters; keep it small
            self._payloads.clear()
        self._payloads[id(card)] = (card, payload)
        return payload

    def _message(self, event: ProgramEvent) -> dict[str, Any]:
        message: dict[str, Any] = {"type": event.kind}
        if event.kind == "panic":
            return message
        message.update(layer=event.layer, z=event.z, transition=_transition(event.transition))
        if event.card is not None:
            message.update(self._payload(event.card))
        return message

    def _layer_state(self, layer: Layer, frame: int) -> dict[str, Any]:
        return {"layer": layer.name, "z": layer.z, "progress": 1.0,
                "travelled_frames": max(0, frame - layer.crawl_from), **self._payload(layer.card)}

    def _hello(self) -> dict[str, Any]:
        layers, frame = self.engine.layers()
        return {"type": "hello", "width": self.width, "height": self.height, "fps": self.engine.fps,
                # The page pings this often; a socket silent for overlay_idle_s is closed.
                "heartbeat_s": self.limits.overlay_idle_s / 4,
                "layers": [self._layer_state(layer, frame) for layer in layers if not layer.leaving]}

    async def _send(self, client: ServerConnection, text: str) -> None:
        try:
            await asyncio.wait_for(client.send(text), SEND_TIMEOUT_S)
            self.sent += 1
        except (ConnectionClosed, TimeoutError, OSError):
            self._clients.discard(client)
            log.info("overlay page dropped (closed or too slow)")

    async def _broadcast(self, text: str) -> None:
        await asyncio.gather(*(self._send(client, text) for client in list(self._clients)))
