"""Bridges that reply: the optional ``reply`` capability of /ingest (docs/protocol.md).

A bridge that can post replies on its platform offers it in the WebSocket
handshake with ``X-Videohelp-Capabilities: reply``. Only then may the console
send it ``reply`` messages on the same connection, for comments that bridge
delivered::

    {"type": "reply", "id": "<the comment's id>", "text": "<short answer>",
     "answer": {... the same object as POST /api/v1/ask returns ...}}

The bridge posts ``text`` under the viewer's comment (and may use the rest:
the citation, the 一键办理 link). It may ignore a reply; nothing is resent.
A platform whose bridge did not offer the capability never gets a reply:
the console has no connection to send one on (``ReplyRouter.send`` refuses).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

CAPABILITIES_HEADER = "X-Videohelp-Capabilities"
REPLY = "reply"

Send = Callable[[str], None]


def offered(headers: Any) -> set[str]:
    """The capabilities a handshake's headers offer (comma separated, case-insensitive)."""
    value = headers.get(CAPABILITIES_HEADER, "") if headers is not None else ""
    return {part.strip().lower() for part in str(value).split(",") if part.strip()}


def reply_json(msg_id: str, answer: dict[str, Any]) -> str:
    return json.dumps({"type": "reply", "id": msg_id, "text": answer.get("message", ""),
                       "answer": answer}, ensure_ascii=False)


class ReplyRouter:
    """The open connections of bridges that offered ``reply``, per platform (loop only)."""

    def __init__(self) -> None:
        self._senders: dict[str, list[Send]] = {}
        self.sent = 0

    def join(self, connection: Any, platform: str, send: Send) -> Callable[[], None] | None:
        """Register ``send`` if the connection's handshake offered replies; return the
        function that unregisters it (None when it did not offer)."""
        request = getattr(connection, "request", None)
        if REPLY not in offered(getattr(request, "headers", None)):
            return None
        self._senders.setdefault(platform, []).append(send)
        log.info("bridge %s accepts replies", platform)

        def leave() -> None:
            senders = self._senders.get(platform, [])
            if send in senders:
                senders.remove(send)
            if not senders:
                self._senders.pop(platform, None)
        return leave

    def can_reply(self, platform: str) -> bool:
        return bool(self._senders.get(platform))

    def send(self, platform: str, message: str) -> bool:
        """Send on the newest opted-in connection of ``platform``; False if there is none."""
        senders = self._senders.get(platform)
        if not senders:
            return False
        senders[-1](message)
        self.sent += 1
        return True
