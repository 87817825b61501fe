"""The Douyin bridge: a local comment relay's JSON in, /ingest protocol items out.

Open-source Douyin comment relays (DouyinLiveWebFetcher, douyin-live-go,
BarrageGrab-style tools) decode the live room's protobuf stream and publish
each message as JSON over a local WebSocket, keyed by its method name. They
differ in envelope and spelling, so the mapping accepts:

* the protobuf message as JSON, method inside: ``{"common": {"method":
  "WebcastChatMessage", "msgId": "...", "createTime": "..."}, "user": {...},
  "content": "..."}`` (camelCase, as ``MessageToDict`` writes it);
* an envelope: ``{"method": "WebcastChatMessage", "msg_id": ..., "payload":
  {...}}`` (or ``"data"``, which may itself be a JSON string);
* a JSON list of either.

Chat becomes a comment; likes, viewer counts, gifts, entries, follows and the
room's live status become events with figures only (no viewer names).
Unknown methods are skipped. Mapping is pure (``map_relay_message``); the
``DouyinBridge`` around it does the I/O: relay connection with reconnect and
backoff, and delivery through ``IngestClient`` (which keeps what is not yet
acknowledged and resends it after the console comes back).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections.abc import Callable, Mapping
from typing import Any

from websockets.asyncio.client import connect
from websockets.exceptions import WebSocketException

from videohelp.queue.bridges.client import Backoff, IngestClient, Item

log = logging.getLogger(__name__)

PLATFORM = "douyin"
# WebcastControlMessage.status: 3 is "live ended"; 1 (and others) mean live.
_CONTROL_ENDED = {3, 4}
_SOCIAL_ACTIONS = {1: "follow", 3: "share"}


def _get(mapping: Any, *names: str) -> Any:
    """The first present of several spellings (camelCase, snake_case) of a field."""
    if not isinstance(mapping, Mapping):
        return None
    for name in names:
        value = mapping.get(name)
        if value is not None:
            return value
    return None


def _int(value: Any, default: int = 0) -> int:
    """Protobuf int64 arrive as JSON strings or numbers."""
    if isinstance(value, bool):
        return default
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return default


def _ts_ms(value: Any, now_ms: int) -> int:
    ts = _int(value)
    if ts <= 0:
        return now_ms
    return ts * 1000 if ts < 100_000_000_000 else ts  # relays send seconds or milliseconds


def _unwrap(message: Mapping[str, Any]) -> tuple[str | None, Mapping[str, Any], Any]:
    """(method, body, envelope msg id) of one relay message, whatever its envelope."""
    method = _get(message, "method")
    body: Any = message
    envelope_id = _get(message, "msg_id", "msgId")
    if method is not None:
        inner = _get(message, "payload", "data")
        if isinstance(inner, str):
            try:
                inner = json.loads(inner)
            except ValueError:
                inner = None
        if isinstance(inner, Mapping):
            body = inner
    else:
        method = _get(_get(message, "common") or {}, "method")
    return (method if isinstance(method, str) else None), body, envelope_id


def _stable_id(method: str, *parts: Any) -> str:
    """An id for a message the relay gave none: the same message maps to the same id."""
    digest = hashlib.sha1(json.dumps([method, *parts], ensure_ascii=False,
                                     default=str).encode("utf-8")).hexdigest()
    return f"dy-{digest[:24]}"


def map_relay_message(message: Any, now_ms: int) -> list[Item]:
    """Protocol items for one decoded relay message (a dict, or a list of them)."""
    if isinstance(message, list):
        return [item for part in message for item in map_relay_message(part, now_ms)]
    if not isinstance(message, Mapping):
        return []
    method, body, envelope_id = _unwrap(message)
    if method is None:
        return []
    common = _get(body, "common") or {}
    msg_id = _get(common, "msgId", "msg_id") or envelope_id
    ts = _ts_ms(_get(common, "createTime", "create_time")
                or _get(body, "createTime", "create_time", "eventTime", "event_time"), now_ms)
    mapper = _MAPPERS.get(method.removeprefix("Webcast"))
    if mapper is None:
        return []
    item = mapper(body, ts)
    if item is None:
        return []
    item["platform"] = PLATFORM
    item["id"] = str(msg_id) if msg_id is not None else _stable_id(method, body)
    return [item]


def _chat(body: Mapping[str, Any], ts: int) -> Item | None:
    text = _get(body, "content")
    user = _get(body, "user") or {}
    user_id = _get(user, "id", "uid", "shortId", "short_id", "secUid", "sec_uid", "displayId")
    if not isinstance(text, str) or user_id is None:
        return None
    name = _get(user, "nickName", "nickname", "nick_name")
    return {"type": "comment", "user": {"id": str(user_id),
                                        "name": name if isinstance(name, str) else ""},
            "text": text, "ts": ts}


def _event(kind: str, data: dict[str, Any], ts: int) -> Item:
    return {"type": "event", "kind": kind, "ts": ts, "data": data}


def _like(body: Mapping[str, Any], ts: int) -> Item:
    return _event("like", {"count": _int(_get(body, "count")),
                           "total": _int(_get(body, "total"))}, ts)


def _viewers(body: Mapping[str, Any], ts: int) -> Item:
    online = _int(_get(body, "onlineUserForAnchor", "online_user_for_anchor", "total"))
    return _event("viewers", {
        "online": online,
        "total": _int(_get(body, "totalUser", "total_user", "totalPvForAnchor",
                           "total_pv_for_anchor")),
    }, ts)


def _gift(body: Mapping[str, Any], ts: int) -> Item:
    gift = _get(body, "gift") or {}
    name = _get(gift, "name") or _get(body, "giftName", "gift_name")
    return _event("gift", {
        "gift_id": _int(_get(body, "giftId", "gift_id") or _get(gift, "id")),
        "name": name if isinstance(name, str) else "",
        "count": max(_int(_get(body, "repeatCount", "repeat_count", "comboCount",
                               "combo_count", "groupCount", "group_count"), 1), 1),
    }, ts)


def _member(body: Mapping[str, Any], ts: int) -> Item:
    return _event("enter", {"member_count": _int(_get(body, "memberCount", "member_count"))}, ts)


def _social(body: Mapping[str, Any], ts: int) -> Item:
    action = _int(_get(body, "action"))
    return _event(_SOCIAL_ACTIONS.get(action, "social"), {"action": action}, ts)


def _control(body: Mapping[str, Any], ts: int) -> Item:
    status = _int(_get(body, "status", "action"))
    return _event("live_status", {"status": status, "live": status not in _CONTROL_ENDED}, ts)


_MAPPERS: dict[str, Callable[[Mapping[str, Any], int], Item | None]] = {
    "ChatMessage": _chat,
    "LikeMessage": _like,
    "RoomUserSeqMessage": _viewers,
    "GiftMessage": _gift,
    "MemberMessage": _member,
    "SocialMessage": _social,
    "ControlMessage": _control,
}


class DouyinBridge:
    """Connects to a relay, maps its messages and sends them to the console."""

    def __init__(self, relay_url: str, client: IngestClient, *, backoff: Backoff | None = None,
                 open_timeout: float = 10.0, clock: Callable[[], int] | None = None) -> None:
        import time

        self.relay_url = relay_url
        self.client = client
        self.backoff = backoff or Backoff()
        self.open_timeout = open_timeout
        self.clock = clock or (lambda: int(time.time() * 1000))
        self.connections = 0
        self.messages = 0
        self.skipped = 0
        self.forwarded = 0
        self.connected = asyncio.Event()

    async def run(self) -> None:
        """Relay -> console until cancelled, reconnecting to the relay with backoff."""
        while True:
            try:
                async with connect(self.relay_url, open_timeout=self.open_timeout,
                                   ping_interval=20, ping_timeout=20, close_timeout=5,
                                   max_size=4 * 1_048_576) as relay:
                    self.connections += 1
                    self.connected.set()
                    log.info("douyin relay %s connected", self.relay_url)
                    async for raw in relay:
                        self.backoff.reset()
                        await self._forward(raw)
                log.info("douyin relay %s closed the connection", self.relay_url)
            except (OSError, TimeoutError, WebSocketException) as exc:
                log.info("douyin relay %s: %s", self.relay_url, exc)
            finally:
                self.connected.clear()
            delay = self.backoff.delay()
            log.info("douyin relay: reconnecting in %.1f s", delay)
            await asyncio.sleep(delay)

    async def _forward(self, raw: str | bytes) -> None:
        self.messages += 1
        try:
            message = json.loads(raw)
        except ValueError:
            self.skipped += 1
            return
        items = map_relay_message(message, self.clock())
        if not items:
            self.skipped += 1
        for item in items:
            await self.client.send(item)  # waits while the console is behind
            self.forwarded += 1
