"""What Douyin comment relays send, mapped to /ingest protocol items (pure, no I/O).

Studios do not read Douyin themselves: a relay decodes the live room's protobuf stream and
forwards each message as JSON over a local WebSocket. Each relay has its own envelope and
spelling; ``map_relay_message`` accepts all of these (docs/protocol.md names the relay and
version each one comes from, and tests/queue/fixtures/relays/ holds a sample of each):

* **protobuf as JSON** (DouyinLiveWebFetcher-style forwarders, douyin-live-go): the decoded
  message with its method inside, ``{"common": {"method": "WebcastChatMessage", "msgId": …},
  "user": {…}, "content": …}``, camelCase as ``MessageToDict`` / betterproto's ``to_dict()``
  write it (snake_case accepted too);
* **a method envelope**: ``{"method": "WebcastChatMessage", "msg_id": …, "payload": {…}}``
  (or ``"data"``, which may itself be a JSON string);
* **dycast** (skmcj/dycast, its 转发 / relay): JSON arrays of flat ``DyMessage`` objects,
  ``{"id", "method", "user": {"id", "name"}, "content", "room": {…}, "gift": {…}}``;
* **BarrageGrab** (HaoDong108/DouyinBarrageGrab 2.7.x and forks): ``{"Type": 1,
  "ProcessName": …, "Data": "<JSON string>"}`` with PascalCase fields inside (``MsgId``,
  ``User`` {``Id``, ``Nickname``}, ``Content``); the Lilith-Douyin-Grab fork's snake_case
  ``{"type", "process", "data"}`` with ``mid``, ``user`` {``uid``, ``nickname``}, ``ts``; a
  fork's ``Platform`` field (2 = Kuaishou) keeps other platforms' messages out;
* a JSON list of any of these.

Chat becomes a comment; likes, viewer counts, gifts, entries, follows, shares and the room's
live status become events with figures only (no viewer names). Anything else is skipped.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping
from typing import Any

Item = dict[str, Any]

PLATFORM = "douyin"
# WebcastControlMessage.status / dycast room.status: 3 and 4 mean the live has ended.
_CONTROL_ENDED = {3, 4}
_SOCIAL_ACTIONS = {1: "follow", 3: "share"}
# BarrageGrab's PackMsgType (BarrageMessages.cs): the message kind of a pack.
_PACK_METHODS = {1: "ChatMessage", 2: "LikeMessage", 3: "MemberMessage", 4: "Follow",
                 5: "GiftMessage", 6: "RoomUserSeqMessage", 8: "Share", 9: "LiveEnded"}
_PACK_PLATFORM_DOUYIN = 1  # BarrageMsgPack.Platform in forks that also grab Kuaishou
_LIKE_COUNT = re.compile(r"\((\d+)\)")  # dycast's like text: "为主播点赞了(12)"


def _get(mapping: Any, *names: str) -> Any:
    """The first present of several spellings (camelCase, snake_case, PascalCase) of a field."""
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


def _json_object(value: Any) -> Any:
    """A nested message that may arrive as a JSON string."""
    if isinstance(value, str | bytes):
        try:
            return json.loads(value)
        except ValueError:
            return None
    return value


def _stable_id(method: str, *parts: Any) -> str:
    """An id for a message the relay gave none: the same message maps to the same id."""
    digest = hashlib.sha1(json.dumps([method, *parts], ensure_ascii=False,
                                     default=str).encode("utf-8")).hexdigest()
    return f"dy-{digest[:24]}"


def _unwrap(message: Mapping[str, Any]) -> tuple[str | None, Any, Any]:
    """(method, body, envelope msg id) of one relay message, whatever its envelope."""
    method = _get(message, "method")
    if method is not None:
        inner = _json_object(_get(message, "payload", "data"))
        body = inner if isinstance(inner, Mapping) else message
        return (method if isinstance(method, str) else None), body, \
            _get(message, "msg_id", "msgId", "id")
    pack_type = _get(message, "Type", "type")
    if isinstance(pack_type, int) and not isinstance(pack_type, bool) \
            and _get(message, "Data", "data") is not None:
        if _int(_get(message, "Platform", "platform"), _PACK_PLATFORM_DOUYIN) \
                != _PACK_PLATFORM_DOUYIN:
            return None, None, None  # a Kuaishou message from a fork that grabs both
        return _PACK_METHODS.get(pack_type), _json_object(_get(message, "Data", "data")), None
    return _get(_get(message, "common") or {}, "method"), message, None


def map_relay_message(message: Any, now_ms: int) -> list[Item]:
    """Protocol items for one decoded relay message (a dict, or a list of them)."""
    if isinstance(message, list):
        return [item for part in message for item in map_relay_message(part, now_ms)]
    if not isinstance(message, Mapping):
        return []
    method, body, envelope_id = _unwrap(message)
    if not isinstance(method, str) or not isinstance(body, Mapping):
        return []
    mapper = _MAPPERS.get(method.removeprefix("Webcast"))
    if mapper is None:
        return []
    common = _get(body, "common") or {}
    msg_id = _get(common, "msgId", "msg_id") or _get(body, "MsgId", "mid") or envelope_id
    ts = _ts_ms(_get(common, "createTime", "create_time")
                or _get(body, "createTime", "create_time", "eventTime", "event_time", "ts"),
                now_ms)
    item = mapper(body, ts)
    if item is None:
        return []
    item["platform"] = PLATFORM
    item["id"] = str(msg_id) if msg_id not in (None, "", 0) else _stable_id(method, body)
    return [item]


def _chat(body: Mapping[str, Any], ts: int) -> Item | None:
    text = _get(body, "content", "Content")
    user = _get(body, "user", "User") or {}
    user_id = _get(user, "id", "Id", "uid", "idStr", "id_str", "shortId", "short_id", "ShortId",
                   "secUid", "sec_uid", "SecUid", "displayId", "DisplayId")
    if not isinstance(text, str) or user_id in (None, "", 0):
        return None
    name = _get(user, "nickName", "nickname", "nick_name", "Nickname", "name")
    return {"type": "comment", "user": {"id": str(user_id),
                                        "name": name if isinstance(name, str) else ""},
            "text": text, "ts": ts}


def _event(kind: str, data: dict[str, Any], ts: int) -> Item:
    return {"type": "event", "kind": kind, "ts": ts, "data": data}


def _room(body: Mapping[str, Any]) -> Any:
    return _get(body, "room") or {}  # dycast keeps the figures in "room"


def _like(body: Mapping[str, Any], ts: int) -> Item:
    count = _int(_get(body, "count", "Count"))
    if not count:
        text = _get(body, "content")
        match = _LIKE_COUNT.search(text) if isinstance(text, str) else None
        count = int(match.group(1)) if match else 0
    total = _int(_get(body, "total", "Total") or _get(_room(body), "likeCount"))
    return _event("like", {"count": count, "total": total}, ts)


def _viewers(body: Mapping[str, Any], ts: int) -> Item:
    room = _room(body)
    online = _int(_get(body, "onlineUserForAnchor", "online_user_for_anchor", "total",
                       "OnlineUserCount", "online_count") or _get(room, "audienceCount"))
    return _event("viewers", {
        "online": online,
        "total": _int(_get(body, "totalUser", "total_user", "totalPvForAnchor",
                           "total_pv_for_anchor", "TotalUserCount", "total_viewed")
                      or _get(room, "totalUserCount")),
    }, ts)


def _gift(body: Mapping[str, Any], ts: int) -> Item:
    gift = _get(body, "gift") or {}
    name = _get(gift, "name") or _get(body, "giftName", "gift_name", "GiftName")
    # BarrageGrab's GiftCount / incremental is this message's share of a combo (RepeatCount
    # is the running total), so counting it never counts a combo twice.
    count = _get(body, "GiftCount", "incremental", "repeatCount", "repeat_count", "comboCount",
                 "combo_count", "groupCount", "group_count", "RepeatCount") \
        or _get(gift, "count")
    return _event("gift", {
        "gift_id": _int(_get(body, "giftId", "gift_id", "GiftId") or _get(gift, "id")),
        "name": name if isinstance(name, str) else "",
        "count": max(_int(count, 1), 1),
    }, ts)


def _member(body: Mapping[str, Any], ts: int) -> Item:
    count = _get(body, "memberCount", "member_count", "CurrentCount", "online") \
        or _get(_room(body), "audienceCount")
    return _event("enter", {"member_count": _int(count)}, ts)


def _social(body: Mapping[str, Any], ts: int) -> Item:
    action = _int(_get(body, "action"), 1)  # dycast forwards follows without the action
    return _event(_SOCIAL_ACTIONS.get(action, "social"), {"action": action}, ts)


def _follow(_body: Mapping[str, Any], ts: int) -> Item:
    return _event("follow", {"action": 1}, ts)


def _share(_body: Mapping[str, Any], ts: int) -> Item:
    return _event("share", {"action": 3}, ts)


def _control(body: Mapping[str, Any], ts: int) -> Item:
    status = _int(_get(body, "status", "action") or _get(_room(body), "status"))
    return _event("live_status", {"status": status, "live": status not in _CONTROL_ENDED}, ts)


def _live_ended(_body: Mapping[str, Any], ts: int) -> Item:
    return _event("live_status", {"status": 3, "live": False}, ts)


_MAPPERS: dict[str, Callable[[Mapping[str, Any], int], Item | None]] = {
    "ChatMessage": _chat,
    "LikeMessage": _like,
    "RoomUserSeqMessage": _viewers,
    "GiftMessage": _gift,
    "MemberMessage": _member,
    "SocialMessage": _social,
    "ControlMessage": _control,
    "Follow": _follow,
    "Share": _share,
    "LiveEnded": _live_ended,
}
