"""The control channel: card requests (take, update, clear, panic) over the WebSocket ``/seat``.

``CardControl.handle`` is the protocol without I/O: a decoded request in, a
reply out (``{"type": "ok", "rid": ...}`` or ``{"type": "error", "rid": ...,
"code": ..., "message": ...}``), acting on the program engine. The thin
asyncio layer below feeds it frames from one authenticated connection.

Who may connect is decided in the opening handshake by a pluggable
authenticator (``request -> principal or None``; None is refused with 401):
for now ``token_auth`` accepts the ``videohelp serve --control-token`` as an
``Authorization: Bearer`` header; the seats issue plugs in per-seat tokens.
The request format and error codes follow the seat protocol (docs/protocol.md).
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Callable
from typing import Any

from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request

from videohelp.core.client_limits import SEAT
from videohelp.core.server import ConsoleServer, bearer_token
from videohelp.streaming.cards import CardError, CardRenderer
from videohelp.streaming.layers import TRANSITIONS, LayerError
from videohelp.streaming.program import ProgramEngine

log = logging.getLogger(__name__)

CONTROL_PATH = "/seat"
MAX_FRAME_BYTES = 64 * 1024
MAX_RID_CHARS = 64
MAX_LAYER_CHARS = 32
MAX_DURATION_S = 3600.0
TYPES = ("take", "update", "clear", "panic", "ping")
DEFAULT_CLEAR_LAYER = "qa"

Authenticator = Callable[[Request], Any]


class ControlError(Exception):
    """A refused request: ``code`` is one of the protocol's error codes."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def token_auth(token: str, principal: str = "automation") -> Authenticator:
    """Accept connections presenting ``Authorization: Bearer <token>`` (constant-time compare)."""
    if not token:
        raise ValueError("the control token must not be empty")
    expected = token.encode("utf-8")

    def authenticate(request: Request) -> str | None:
        offered = bearer_token(request)
        if offered is not None and hmac.compare_digest(offered.encode("utf-8"), expected):
            return principal
        return None
    return authenticate


def _rid(message: dict[str, Any]) -> str | None:
    rid = message.get("rid")
    if rid is None:
        return None
    if isinstance(rid, bool) or not isinstance(rid, (str, int)) or not 0 < len(str(rid)) <= MAX_RID_CHARS:
        raise ControlError("bad_request", f"'rid' must be a string or integer of 1 to "
                                          f"{MAX_RID_CHARS} characters")
    return str(rid)


def _name(message: dict[str, Any], key: str) -> str | None:
    value = message.get(key)
    if value is None:
        return None
    if (not isinstance(value, str) or not 0 < len(value) <= MAX_LAYER_CHARS or not value.isascii()
            or not all(c.isalnum() or c in "_-" for c in value)):
        raise ControlError("bad_request", f"'{key}' must be 1 to {MAX_LAYER_CHARS} ASCII letters, "
                                          "digits, '_' or '-'")
    return value


def _number(message: dict[str, Any], key: str, low: float, high: float) -> float | None:
    value = message.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        raise ControlError("bad_request", f"'{key}' must be a number from {low:g} to {high:g}")
    return float(value)


def _transition_kind(message: dict[str, Any], key: str) -> str | None:
    value = message.get(key)
    if value is None:
        return None
    if value not in TRANSITIONS:
        raise ControlError("bad_request", f"'{key}' must be one of {', '.join(TRANSITIONS)}")
    return str(value)


class CardControl:
    """Card requests on ``engine`` with cards from ``renderer`` (the theme gives the defaults)."""

    def __init__(self, engine: ProgramEngine, renderer: CardRenderer) -> None:
        self.engine = engine
        self.renderer = renderer

    def handle(self, message: Any, by: str = "") -> dict[str, Any]:
        """Act on one decoded request; return the reply (never raises for bad input).

        ``by`` (who asked) travels in the program's events."""
        rid: str | None = None
        try:
            if not isinstance(message, dict):
                raise ControlError("bad_request", "a request is a JSON object")
            rid = _rid(message)
            kind = message.get("type")
            if kind not in TYPES:
                raise ControlError("unknown_type", f"unknown type {kind!r}; types: {', '.join(TYPES)}")
            extra = getattr(self, f"_{kind}")(message, by)
        except ControlError as exc:
            return {"type": "error", "rid": rid, "code": exc.code, "message": exc.message}
        except CardError as exc:
            return {"type": "error", "rid": rid, "code": "bad_card", "message": str(exc)}
        except LayerError as exc:
            return {"type": "error", "rid": rid, "code": "bad_request", "message": str(exc)}
        except Exception as exc:  # the console failed; say so rather than drop the connection
            log.exception("control request failed")
            return {"type": "error", "rid": rid, "code": "internal", "message": str(exc)}
        return {"type": "ok", "rid": rid, **extra, "on_air": sorted(self.engine.on_air())}

    def handle_text(self, raw: str | bytes) -> dict[str, Any]:
        """Decode one frame and handle it."""
        if len(raw) > MAX_FRAME_BYTES:
            return {"type": "error", "rid": None, "code": "bad_request",
                    "message": f"frame over {MAX_FRAME_BYTES} bytes"}
        try:
            message = json.loads(raw)
        except ValueError as exc:
            return {"type": "error", "rid": None, "code": "bad_json", "message": f"not JSON: {exc}"}
        return self.handle(message)

    # -- requests -------------------------------------------------------------------
    def _data(self, message: dict[str, Any], required: bool = True) -> dict[str, Any]:
        data = message.get("data")
        if data is None and not required:
            return {}
        if not isinstance(data, dict):
            raise ControlError("bad_request", "'data' must be an object of card fields")
        return data

    def _take(self, message: dict[str, Any], by: str) -> dict[str, Any]:
        template = _name(message, "template")
        if template is None:
            raise ControlError("bad_request", "take needs 'template' and 'data'")
        layer = _name(message, "layer") or template
        data = self._data(message)
        motion = self.renderer.theme.motion
        seconds = _number(message, "seconds", 0, 5)
        seconds = motion.seconds if seconds is None else seconds
        enter = self.engine.transition(_transition_kind(message, "transition") or motion.enter, seconds)
        leave = self.engine.transition(_transition_kind(message, "out") or motion.leave, seconds)
        duration = _number(message, "duration_s", 0, MAX_DURATION_S)
        if duration is None:
            duration = self.renderer.theme.default_duration(template)
        card = self.renderer.render(template, data)
        self.engine.take(layer, card, enter=enter, leave=leave, duration_s=duration, by=by)
        return {"layer": layer}

    def _update(self, message: dict[str, Any], by: str) -> dict[str, Any]:
        template = _name(message, "template")
        layer = _name(message, "layer") or template
        if layer is None:
            raise ControlError("bad_request", "update needs 'layer' (or 'template')")
        current = self.engine.on_air().get(layer)
        if current is None:
            raise ControlError("not_found", f"nothing on air on layer {layer!r}")
        if template is not None and template != current.template:
            raise ControlError("bad_request", f"layer {layer!r} shows template {current.template!r}, "
                                              f"not {template!r}; take it instead")
        # Fields given replace those on air; a field set to null is removed.
        data = {**current.data, **self._data(message)}
        data = {key: value for key, value in data.items() if value is not None}
        card = self.renderer.render(current.template, data)
        try:
            self.engine.update(layer, card, by=by)
        except LayerError as exc:  # it went out meanwhile
            raise ControlError("not_found", str(exc)) from None
        return {"layer": layer}

    def _clear(self, message: dict[str, Any], by: str) -> dict[str, Any]:
        layer = _name(message, "layer") or DEFAULT_CLEAR_LAYER
        kind = _transition_kind(message, "transition")
        seconds = _number(message, "seconds", 0, 5)
        transition = None
        if kind is not None:
            transition = self.engine.transition(
                kind, self.renderer.theme.motion.seconds if seconds is None else seconds)
        if not self.engine.clear(layer, transition, by=by):
            raise ControlError("not_found", f"nothing on air on layer {layer!r}")
        return {"layer": layer}

    def _panic(self, message: dict[str, Any], by: str) -> dict[str, Any]:
        self.engine.panic(by=by)
        return {}

    def _ping(self, message: dict[str, Any], by: str) -> dict[str, Any]:
        return {}

    # -- transport ------------------------------------------------------------------
    async def serve_connection(self, connection: ServerConnection, principal: Any = None) -> None:
        """Answer every frame of one authenticated connection, in order."""
        log.info("control connection from %s (%s)", connection.remote_address, principal)
        try:
            async for raw in connection:
                reply = self.handle_text(raw)
                if reply["type"] == "error":
                    log.info("control request refused: %s", reply["message"])
                await connection.send(json.dumps(reply, ensure_ascii=False, separators=(",", ":")))
        except ConnectionClosed:
            pass

    def install(self, server: ConsoleServer, authenticate: Authenticator) -> None:
        """Serve this control channel on ``/seat`` with ``authenticate`` deciding who may."""
        server.add_route(CONTROL_PATH, self.serve_connection, authenticate=authenticate,
                         max_bytes=MAX_FRAME_BYTES, kind=SEAT)
