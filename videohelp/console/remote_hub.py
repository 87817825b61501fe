"""The expert group's view of a console elsewhere, for a remote desk's expert dock (issue 20).

The studio desk's expert dock (``ui/expert_panel.ExpertDock``) reads the console's seat hub:
its events, a snapshot's questions, who is online, and ``perform`` for its actions (flag with
a note, an expert's answer on air as an expert card). ``RemoteHub`` offers the same four to a
desk on another machine, from what its seat connection receives (``RemoteDeskSession``):
the events are the seat's own view (personal data only for an officer's seat), and the
actions are the seat's requests, refused or done by the console as for any seat.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from videohelp.console.seat_client import SeatLink, SeatRequestError
from videohelp.queue.seat_protocol import Request

EventListener = Callable[[Any], None]


@dataclass(frozen=True)
class RemoteEvent:
    """A seat event as the hub's listeners read one (the seat's view in both fields)."""

    name: str
    personal: dict[str, Any]
    masked: dict[str, Any]
    comment_ids: tuple[int, ...] = ()  # unknown: a listener reads the data (``seat_events.Event``)


class RemoteHub:
    """Events, questions, seats online and actions of a console, through one seat's link."""

    def __init__(self, link: SeatLink, message: Callable[[Request], dict[str, Any]]) -> None:
        self.link = link
        self.message = message  # a Request as the seat request's fields
        self.questions: list[dict[str, Any]] = []
        self.online: dict[str, str] = {}  # seat name -> role
        self._listeners: list[EventListener] = []

    def add_listener(self, listener: EventListener) -> None:
        self._listeners.append(listener)

    def snapshot(self, _seat: Any = None) -> dict[str, Any]:
        return {"questions": list(self.questions)}

    def applied_snapshot(self, snapshot: dict[str, Any]) -> None:
        self.questions = list(snapshot.get("questions") or ())
        self.online = {s["name"]: s["role"] for s in snapshot.get("seats") or ()}

    def publish(self, name: str, data: dict[str, Any]) -> None:
        if name == "seat.joined":
            self.online[data["name"]] = data["role"]
        elif name == "seat.left":
            self.online.pop(data.get("name", ""), None)
        event = RemoteEvent(name, data, data)
        for listener in list(self._listeners):
            listener(event)

    async def perform(self, _seat: Any, request: Request) -> dict[str, Any]:
        """``request`` as this seat's; the console's reply (``ok``, or ``error`` with the code)."""
        try:
            return await self.link.client.request(request.action.value, **self.message(request))
        except SeatRequestError as exc:
            return {"type": "error", "code": exc.code, "message": exc.message}
        except (ConnectionError, TimeoutError) as exc:
            return {"type": "error", "code": "internal", "message": str(exc) or "no answer from the console"}
