"""The /ingest bridge protocol (pure): frames in, comments, events and errors out.

No I/O here: ``parse_frame`` takes the bytes of one WebSocket message and the
platform its connection authenticated as, and returns what to store and what
to answer. Every input, however broken, yields a ``Frame``; nothing raises.
``docs/protocol.md`` ("Ingest (/ingest)") documents every message, limit and
error code; keep the two in step.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from videohelp.queue.comments import IncomingComment
from videohelp.queue.normalize import TextError, check_text, normalize_text
from videohelp.queue.persist import PlatformEvent

PROTOCOL_VERSION = 1

_EVENT_KIND = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
# Identifiers are opaque but must be printable: they end up in logs and exports.
_BAD_ID_CHAR = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_NAME_JUNK = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069"
                        "\u200e\u200f\u061c]")
# Before 2001-09-09 in milliseconds is certainly a bridge sending seconds.
_MIN_TS_MS = 1_000_000_000_000


class Code(StrEnum):
    """Error codes of the ``error`` message."""

    BAD_JSON = "bad_json"
    INVALID_UTF8 = "invalid_utf8"
    FRAME_TOO_LARGE = "frame_too_large"
    BAD_FRAME = "bad_frame"
    UNKNOWN_TYPE = "unknown_type"
    MISSING_FIELD = "missing_field"
    BAD_FIELD = "bad_field"
    WRONG_PLATFORM = "wrong_platform"
    BATCH_TOO_LARGE = "batch_too_large"
    EMPTY_TEXT = "empty_text"
    TEXT_TOO_LONG = "text_too_long"
    CONTROL_CHAR = "control_char"
    BIDI_CONTROL = "bidi_control"
    FUTURE_TIMESTAMP = "future_timestamp"
    STORE_FAILED = "store_failed"


@dataclass(frozen=True, slots=True)
class Limits:
    """What a frame may contain. Sent to every bridge in the ``hello`` message."""

    max_frame_bytes: int = 1_048_576
    max_batch_items: int = 500
    max_text_chars: int = 500
    max_id_chars: int = 128
    max_name_chars: int = 64
    max_event_bytes: int = 4096
    max_future_ms: int = 300_000

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class FrameError:
    """One problem with a frame or with one item of it."""

    id: str | None
    code: Code
    message: str

    def to_json(self) -> str:
        return json.dumps({"type": "error", "id": self.id, "code": self.code.value,
                           "message": self.message}, ensure_ascii=False)


@dataclass(frozen=True, slots=True)
class Frame:
    """What one frame asks for: comments and events to store, errors to answer."""

    comments: list[IncomingComment] = field(default_factory=list)
    events: list[PlatformEvent] = field(default_factory=list)
    errors: list[FrameError] = field(default_factory=list)

    @property
    def ids(self) -> list[str]:
        """The ids to acknowledge once this frame's items are durable."""
        return [c.msg_id for c in self.comments] + [e.msg_id for e in self.events if e.msg_id]


class _Invalid(Exception):
    def __init__(self, code: Code, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def ack_json(ids: list[str]) -> str:
    return json.dumps({"type": "ack", "ids": ids}, ensure_ascii=False)


def hello_json(platform: str, limits: Limits) -> str:
    return json.dumps({"type": "hello", "version": PROTOCOL_VERSION, "platform": platform,
                       "limits": limits.as_dict()})


def parse_frame(data: bytes | str, platform: str, now_ms: int,
                limits: Limits | None = None) -> Frame:
    """Parse one WebSocket message from a bridge authenticated for ``platform``."""
    limits = limits or Limits()
    size = len(data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data)
    if size > limits.max_frame_bytes:
        return _fail(Code.FRAME_TOO_LARGE,
                     f"frame has {size} bytes, limit {limits.max_frame_bytes}; nothing stored")
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            return _fail(Code.INVALID_UTF8, f"frame is not valid UTF-8 (byte {exc.start})")
    try:
        message = _DECODER.decode(data)
    except RecursionError:
        return _fail(Code.BAD_JSON, "frame is nested too deeply")
    except ValueError as exc:  # JSONDecodeError, and over-long integers
        return _fail(Code.BAD_JSON, f"frame is not valid JSON: {exc}"[:200])
    if not isinstance(message, dict):
        return _fail(Code.BAD_FRAME, "frame must be a JSON object")
    kind = message.get("type")
    frame = Frame()
    if kind == "batch":
        items = message.get("items")
        if "items" not in message:
            return _fail(Code.MISSING_FIELD, "batch needs items")
        if not isinstance(items, list) or not items:
            return _fail(Code.BAD_FIELD, "items must be a non-empty list")
        if len(items) > limits.max_batch_items:
            return _fail(Code.BATCH_TOO_LARGE, f"batch has {len(items)} items, "
                         f"limit {limits.max_batch_items}; nothing stored")
        for index, item in enumerate(items):
            _parse_item(item, platform, now_ms, limits, frame, where=f"items[{index}]: ")
    else:
        _parse_item(message, platform, now_ms, limits, frame, where="")
    return frame


def _fail(code: Code, message: str) -> Frame:
    return Frame(errors=[FrameError(None, code, message)])


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed")


# One decoder for every frame: ``json.loads`` with an option builds a new one per call
# (a tenth of a frame's parse on the desk's main thread, py-spy at 300 comments/s).
_DECODER = json.JSONDecoder(parse_constant=_no_constant)


def _parse_item(item: object, platform: str, now_ms: int, limits: Limits, frame: Frame,
                *, where: str) -> None:
    """Append ``item``'s comment or event to ``frame``, or its error (``where`` locates it)."""
    in_batch = bool(where)
    item_id = None
    try:
        if not isinstance(item, dict):
            raise _Invalid(Code.BAD_FRAME, "batch items must be JSON objects")
        raw_id = item.get("id")
        item_id = raw_id if isinstance(raw_id, str) else None
        kind = item.get("type", "comment" if in_batch else None)
        if kind == "comment":
            frame.comments.append(_comment(item, platform, now_ms, limits))
        elif kind == "event":
            frame.events.append(_event(item, platform, now_ms, limits))
        elif kind is None:
            raise _Invalid(Code.UNKNOWN_TYPE, "frame needs a type: comment, batch or event")
        else:
            raise _Invalid(Code.UNKNOWN_TYPE, f"unknown type {str(kind)[:40]!r}"
                           + (" inside a batch" if kind == "batch" else ""))
    except _Invalid as exc:
        if item_id is not None and (not item_id or len(item_id) > limits.max_id_chars
                                    or _BAD_ID_CHAR.search(item_id)):
            item_id = None  # never echo what could not be stored
        frame.errors.append(FrameError(item_id, exc.code, where + exc.message))


def _comment(item: Mapping[str, Any], platform: str, now_ms: int,
             limits: Limits) -> IncomingComment:
    msg_id = _identifier(item, "id", limits)
    _check_platform(item, platform)
    user = _required(item, "user", dict, "an object")
    user_id = _identifier(user, "id", limits, label="user.id")
    name = user.get("name", "")
    if not isinstance(name, str):
        raise _Invalid(Code.BAD_FIELD, "user.name must be a string")
    text = _required(item, "text", str, "a string")
    ts_ms = _timestamp(item, now_ms, limits)
    try:
        text = check_text(text, max_chars=limits.max_text_chars)
    except TextError as exc:
        raise _Invalid(Code(exc.code), str(exc)) from None
    return IncomingComment(platform=platform, msg_id=msg_id, user_id=user_id,
                           user_name=clean_name(name, limits.max_name_chars),
                           text=text, ts_ms=ts_ms)


def _event(item: Mapping[str, Any], platform: str, now_ms: int,
           limits: Limits) -> PlatformEvent:
    msg_id = _identifier(item, "id", limits) if item.get("id") is not None else None
    _check_platform(item, platform)
    kind = _required(item, "kind", str, "a string")
    if not _EVENT_KIND.match(kind):
        raise _Invalid(Code.BAD_FIELD, "kind must be 1-32 of a-z, 0-9, _ (starting a-z)")
    ts_ms = _timestamp(item, now_ms, limits)
    data = item.get("data", {})
    if not isinstance(data, dict):
        raise _Invalid(Code.BAD_FIELD, "data must be an object")
    try:
        encoded = json.dumps(data, ensure_ascii=False, allow_nan=False).encode("utf-8")
    except UnicodeEncodeError:
        raise _Invalid(Code.INVALID_UTF8, "data contains a lone surrogate") from None
    if len(encoded) > limits.max_event_bytes:
        raise _Invalid(Code.BAD_FIELD, f"data has {len(encoded)} bytes, "
                       f"limit {limits.max_event_bytes}")
    return PlatformEvent(platform=platform, kind=kind, ts_ms=ts_ms, payload=data, msg_id=msg_id)


def _required(item: Mapping[str, Any], name: str, kind: type, described: str) -> Any:
    if name not in item or item[name] is None:
        raise _Invalid(Code.MISSING_FIELD, f"{name} is required")
    value = item[name]
    if not isinstance(value, kind) or isinstance(value, bool):
        raise _Invalid(Code.BAD_FIELD, f"{name} must be {described}")
    return value


def _identifier(item: Mapping[str, Any], name: str, limits: Limits,
                label: str | None = None) -> str:
    label = label or name
    if name not in item or item[name] is None:
        raise _Invalid(Code.MISSING_FIELD, f"{label} is required")
    value = item[name]
    if not isinstance(value, str):
        raise _Invalid(Code.BAD_FIELD, f"{label} must be a string")
    if not value or len(value) > limits.max_id_chars:
        raise _Invalid(Code.BAD_FIELD, f"{label} must have 1-{limits.max_id_chars} characters")
    if _BAD_ID_CHAR.search(value):
        raise _Invalid(Code.BAD_FIELD, f"{label} contains a control character or surrogate")
    return value


def _check_platform(item: Mapping[str, Any], platform: str) -> None:
    claimed = item.get("platform", platform)
    if claimed != platform:
        shown = claimed[:32] if isinstance(claimed, str) else type(claimed).__name__
        raise _Invalid(Code.WRONG_PLATFORM,
                       f"this connection's token is for {platform!r}, not {shown!r}")


def _timestamp(item: Mapping[str, Any], now_ms: int, limits: Limits) -> int:
    ts = _required(item, "ts", int, "an integer (epoch milliseconds)")
    if ts < _MIN_TS_MS:
        raise _Invalid(Code.BAD_FIELD, "ts must be epoch milliseconds (this looks like seconds)")
    if ts > now_ms + limits.max_future_ms:
        raise _Invalid(Code.FUTURE_TIMESTAMP,
                       f"ts is {(ts - now_ms) // 1000} s ahead of the console's clock, "
                       f"limit {limits.max_future_ms // 1000} s")
    return ts


def clean_name(name: str, max_chars: int) -> str:
    """A viewer name fit for the desk: invisible and control characters dropped, shortened.

    Names are the platform's, not the viewer's message: a bridge cannot fix
    them, so they are cleaned rather than refused.
    """
    return normalize_text(_NAME_JUNK.sub("", name))[:max_chars]
