"""The seat protocol's requests (pure): parse, validate, check the role; build replies.

A seat sends ``{"type": "<action>", "rid": "...", ...}`` and gets
``{"type": "ok", "rid": ...}`` or ``{"type": "error", "rid": ..., "code":
..., "message": ...}``. Besides the actions of ``videohelp.core.roles`` a
seat may send ``hello`` (resume from a sequence number) and ``ping``. Nothing
here does I/O: the server (``seat_server``) feeds text in and sends what comes
out, so every refusal is testable without a socket. See docs/protocol.md.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from videohelp.core.roles import Action, Role, allowed
from videohelp.queue.normalize import TextError, check_text

# Limits (documented in docs/protocol.md; change both together).
MAX_FRAME_BYTES = 64 * 1024
MAX_RID_CHARS = 64
MAX_NOTE_CHARS = 500
MAX_ANSWER_CHARS = 2000
MAX_LAYER_CHARS = 32
MAX_SOURCE_CHARS = 1000  # a file path or a stream URL with its key
CONTROL_TYPES = ("hello", "ping")
DEFAULT_QA_LAYER = "qa"
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"))


class ErrorCode(StrEnum):
    BAD_JSON = "bad_json"            # not JSON, or not UTF-8
    BAD_REQUEST = "bad_request"      # not an object, missing or mistyped field
    UNKNOWN_TYPE = "unknown_type"    # no such action
    FORBIDDEN = "forbidden"          # the seat's role may not do this
    NOT_FOUND = "not_found"          # no such comment, or nothing on that layer
    BAD_STATE = "bad_state"          # the workflow refuses the change (e.g. answered -> dismissed)
    NOT_FLAGGED = "not_flagged"      # an answer to a question nobody flagged
    UNKNOWN_ITEM = "unknown_item"    # not a business-item code
    BAD_CARD = "bad_card"            # unknown template, missing or invalid card fields
    BLOCKED = "blocked"              # blocked text never goes on air
    DRAFT = "draft"                  # a draft answer needs the officer's confirmation
    BAD_TEXT = "bad_text"            # empty, too long, control or bidi characters
    BAD_SOURCE = "bad_source"        # a program source that cannot be opened (no such file...)
    RATE_LIMITED = "rate_limited"    # more requests than a seat may send; nothing was done
    INTERNAL = "internal"            # the console failed; the action did not happen


class ProtocolError(Exception):
    """A request refused; ``reply()`` is the error message to send back."""

    def __init__(self, code: ErrorCode, message: str, rid: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.rid = rid
        self.action: Action | None = None  # set once the request's type is known (for the audit)

    def reply(self) -> dict[str, Any]:
        return error(self.rid, self.code, self.message)


@dataclass(frozen=True)
class Request:
    """One validated action request. Fields not used by the action stay at their default."""

    action: Action
    rid: str
    comment: int | None = None
    note: str = ""
    text: str = ""
    item: str | None = None
    save_kb: bool = False
    layer: str | None = None
    template: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    answer: str = ""
    answer_id: int | None = None
    clip: int | None = None  # take of a 锦囊口袋 clip (issue 18)
    entry: str | None = None   # take: the knowledge-base entry whose answer goes on air
    confirm: bool = False      # take: the officer confirms a draft entry for air
    source: str | None = None  # source: the program's new source (``streaming.sources`` spec)
    # The request as sent: card requests pass their motion fields (transition, duration_s...)
    # through to the program's card control unchanged.
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class Hello:
    """Resume: send everything after ``since`` (same ``epoch``), else a fresh snapshot."""

    rid: str | None
    since: int | None
    epoch: str | None


@dataclass(frozen=True)
class Ping:
    rid: str | None


Message = Request | Hello | Ping


MAX_ID = 2**63 - 1  # the largest id SQLite stores

def ok(rid: str | None, **extra: Any) -> dict[str, Any]:
    return {"type": "ok", "rid": rid, **extra}


def error(rid: str | None, code: ErrorCode | str, message: str) -> dict[str, Any]:
    return {"type": "error", "rid": rid, "code": str(code), "message": message}


def encode(message: dict[str, Any]) -> str:
    """JSON text as sent: UTF-8 Chinese kept readable, no spaces."""
    return json.dumps(message, ensure_ascii=False, separators=(",", ":"))


def parse(raw: str | bytes, role: Role) -> Message:
    """Parse one frame from a seat of ``role``; raise ``ProtocolError`` if refused."""
    if isinstance(raw, bytes):
        if len(raw) > MAX_FRAME_BYTES:
            raise ProtocolError(ErrorCode.BAD_REQUEST, f"frame over {MAX_FRAME_BYTES} bytes")
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise ProtocolError(ErrorCode.BAD_JSON, "frame is not UTF-8") from None
    try:
        message = json.loads(raw)
    except ValueError as exc:
        raise ProtocolError(ErrorCode.BAD_JSON, f"not JSON: {exc}") from None
    if not isinstance(message, dict):
        raise ProtocolError(ErrorCode.BAD_REQUEST, "a request is a JSON object")
    rid = _rid(message)
    kind = message.get("type")
    if not isinstance(kind, str):
        raise ProtocolError(ErrorCode.BAD_REQUEST, "field 'type' (string) is required", rid)
    if kind == "hello":
        since = message.get("since")
        if since is not None and (not isinstance(since, int) or isinstance(since, bool) or since < 0):
            raise ProtocolError(ErrorCode.BAD_REQUEST, "'since' must be a non-negative integer", rid)
        epoch = message.get("epoch")
        if epoch is not None and not isinstance(epoch, str):
            raise ProtocolError(ErrorCode.BAD_REQUEST, "'epoch' must be a string", rid)
        return Hello(rid, since, epoch)
    if kind == "ping":
        return Ping(rid)
    try:
        action = Action(kind)
    except ValueError:
        known = ", ".join(a.value for a in Action)
        raise ProtocolError(ErrorCode.UNKNOWN_TYPE, f"unknown type {kind!r}; actions: {known}",
                            rid) from None
    try:
        if rid is None:
            raise ProtocolError(ErrorCode.BAD_REQUEST, "field 'rid' is required for actions")
        if not allowed(role, action):
            raise ProtocolError(ErrorCode.FORBIDDEN, f"role {role.value} may not {action.value}", rid)
        return replace(_VALIDATORS[action](message, action, rid), raw=message)
    except ProtocolError as exc:
        exc.action = action
        raise


# -- fields -----------------------------------------------------------------------------
def _rid(message: dict[str, Any]) -> str | None:
    rid = message.get("rid")
    if rid is None:
        return None
    if isinstance(rid, bool) or not isinstance(rid, (str, int)):
        raise ProtocolError(ErrorCode.BAD_REQUEST, "'rid' must be a string or an integer")
    rid = str(rid)
    if not rid or len(rid) > MAX_RID_CHARS:
        raise ProtocolError(ErrorCode.BAD_REQUEST, f"'rid' must have 1 to {MAX_RID_CHARS} characters")
    return rid


def _comment(message: dict[str, Any], rid: str) -> int:
    value = message.get("comment")
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ProtocolError(ErrorCode.BAD_REQUEST, "'comment' (a comment id, integer > 0) is required",
                            rid)
    if value > MAX_ID:  # SQLite could not even look it up (OverflowError, issue 17)
        raise ProtocolError(ErrorCode.NOT_FOUND, f"no comment {value}: ids go up to {MAX_ID}", rid)
    return value


def _text(message: dict[str, Any], name: str, rid: str, limit: int, *, required: bool) -> str:
    value = message.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise ProtocolError(ErrorCode.BAD_REQUEST, f"'{name}' must be a string", rid)
    if not value.strip() and not required:
        return ""
    try:
        check_text(value, max_chars=limit)  # refuses control and bidi characters, empty, too long
    except TextError as exc:
        raise ProtocolError(ErrorCode.BAD_TEXT, f"'{name}': {exc}", rid) from None
    # Kept as written otherwise: no NFKC here, an answer's full-width ，and 。 go on air as typed.
    return value.translate(_INVISIBLE).strip()


def _name(message: dict[str, Any], key: str, rid: str, *, required: bool) -> str | None:
    value = message.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value or len(value) > MAX_LAYER_CHARS \
            or not all(c.isalnum() or c in "_-" for c in value) or not value.isascii():
        raise ProtocolError(ErrorCode.BAD_REQUEST,
                            f"'{key}' must be a name of 1 to {MAX_LAYER_CHARS} ASCII letters, "
                            "digits, '_' or '-'", rid)
    return value


def _item(message: dict[str, Any], rid: str, *, required: bool) -> str | None:
    value = message.get("item")
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > 16:
        raise ProtocolError(ErrorCode.BAD_REQUEST, "'item' must be a business-item code", rid)
    return value.strip().upper()


def _data(message: dict[str, Any], rid: str, *, required: bool) -> dict[str, Any]:
    value = message.get("data")
    if value is None and not required:
        return {}
    if not isinstance(value, dict):
        raise ProtocolError(ErrorCode.BAD_REQUEST, "'data' must be an object of card fields", rid)
    return value


def _bool(message: dict[str, Any], key: str, rid: str) -> bool:
    value = message.get(key, False)
    if not isinstance(value, bool):
        raise ProtocolError(ErrorCode.BAD_REQUEST, f"'{key}' must be true or false", rid)
    return value


# -- per action -------------------------------------------------------------------------
def _flag(m: dict[str, Any], action: Action, rid: str) -> Request:
    return Request(action, rid, comment=_comment(m, rid),
                   note=_text(m, "note", rid, MAX_NOTE_CHARS, required=False))


def _answer(m: dict[str, Any], action: Action, rid: str) -> Request:
    return Request(action, rid, comment=_comment(m, rid),
                   text=_text(m, "text", rid, MAX_ANSWER_CHARS, required=True),
                   item=_item(m, rid, required=False), save_kb=_bool(m, "save_kb", rid))


def _triage(m: dict[str, Any], action: Action, rid: str) -> Request:
    """Re-file under ``item``; an explicit ``"item": null`` files it as chatter (not a question),
    as the desk's re-file dialog offers (a missing ``item`` is still refused)."""
    if "item" in m and m["item"] is None:
        return Request(action, rid, comment=_comment(m, rid), item=None)
    return Request(action, rid, comment=_comment(m, rid), item=_item(m, rid, required=True))


def _comment_only(m: dict[str, Any], action: Action, rid: str) -> Request:
    return Request(action, rid, comment=_comment(m, rid))


def _take(m: dict[str, Any], action: Action, rid: str) -> Request:
    """Either a comment as a question card (``comment``; with ``answer_id`` an expert's
    answer as an expert card) or any card (``template`` and ``data``)."""
    template = _name(m, "template", rid, required=False)
    layer = _name(m, "layer", rid, required=False)
    answer_id = m.get("answer_id")
    if answer_id is not None and (isinstance(answer_id, bool) or not isinstance(answer_id, int)):
        raise ProtocolError(ErrorCode.BAD_REQUEST, "'answer_id' must be an integer", rid)
    if answer_id is not None and not 0 < answer_id <= MAX_ID:
        raise ProtocolError(ErrorCode.NOT_FOUND, f"no answer {answer_id}", rid)
    if "clip" in m:  # a 锦囊口袋 clip to program; optionally for a question and its item
        clip = m["clip"]
        if isinstance(clip, bool) or not isinstance(clip, int) or clip <= 0:
            raise ProtocolError(ErrorCode.BAD_REQUEST, "'clip' (a clip id, integer > 0) is required",
                                rid)
        return Request(action, rid, clip=clip, item=_item(m, rid, required=False),
                       comment=_comment(m, rid) if "comment" in m else None)
    entry = m.get("entry")
    if entry is not None and (not isinstance(entry, str) or not 0 < len(entry) <= MAX_RID_CHARS):
        raise ProtocolError(ErrorCode.BAD_REQUEST, "'entry' must be a knowledge-base entry id", rid)
    if "comment" in m:
        return Request(action, rid, comment=_comment(m, rid), template=template, layer=layer,
                       answer=_text(m, "answer", rid, MAX_ANSWER_CHARS, required=False),
                       item=_item(m, rid, required=False), answer_id=answer_id,
                       data=_data(m, rid, required=False), entry=entry,
                       confirm=_bool(m, "confirm", rid))
    if template is None:
        raise ProtocolError(ErrorCode.BAD_REQUEST,
                            "take needs 'comment' (a question card), 'clip' or 'template' and "
                            "'data'", rid)
    return Request(action, rid, template=template, layer=layer or template,
                   data=_data(m, rid, required=True))


def _update(m: dict[str, Any], action: Action, rid: str) -> Request:
    layer = _name(m, "layer", rid, required=False)
    template = _name(m, "template", rid, required=False)
    if layer is None and template is None:
        raise ProtocolError(ErrorCode.BAD_REQUEST, "update needs 'layer' (or 'template')", rid)
    return Request(action, rid, layer=layer or template, template=template,
                   data=_data(m, rid, required=True))


def _clear(m: dict[str, Any], action: Action, rid: str) -> Request:
    return Request(action, rid, layer=_name(m, "layer", rid, required=False) or DEFAULT_QA_LAYER)


def _panic(m: dict[str, Any], action: Action, rid: str) -> Request:
    return Request(action, rid)


def _confirm(m: dict[str, Any], action: Action, rid: str) -> Request:
    """The officer confirms a draft answer for air: the question goes on air with it (a take
    with ``confirm``)."""
    if not isinstance(m.get("entry"), str):
        raise ProtocolError(ErrorCode.BAD_REQUEST, "confirm needs 'comment' and 'entry' (the draft)",
                            rid)
    request = _take({**m, "comment": _comment(m, rid)}, action, rid)
    return replace(request, confirm=True)


def _source(m: dict[str, Any], action: Action, rid: str) -> Request:
    """The program's new source: a spec of ``videohelp.streaming.sources`` or ``whip``."""
    value = m.get("source")
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_SOURCE_CHARS:
        raise ProtocolError(ErrorCode.BAD_REQUEST, "'source' (test, camera:N, file:PATH, "
                            f"clip:PATH, a stream URL or whip; at most {MAX_SOURCE_CHARS} "
                            "characters) is required", rid)
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise ProtocolError(ErrorCode.BAD_REQUEST, "'source' has control characters", rid)
    return Request(action, rid, source=value.strip())


_VALIDATORS = {
    Action.FLAG: _flag, Action.ANSWER: _answer, Action.TRIAGE: _triage,
    Action.QUEUE: _comment_only, Action.DISMISS: _comment_only, Action.TAKE: _take,
    Action.UPDATE: _update, Action.CLEAR: _clear, Action.PANIC: _panic,
    Action.MARK_ANSWERED: _comment_only, Action.CONFIRM: _confirm, Action.SOURCE: _source,
}
