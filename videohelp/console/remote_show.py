"""A desk's picture of a console elsewhere, from the seat protocol (pure, no widgets, no I/O).

``RemoteShow`` applies a seat's snapshot and events (docs/protocol.md, "Seats") and answers
what a desk asks: who this seat is, the comment on each layer, what this seat may do.
``DeskHttp`` fetches what the protocol's events do not carry, from the console's phone-desk
endpoints (``/desk/suggest``, ``/desk/catalog``, ``/desk/program.jpg``), with the seat's
token and the same TLS pinning as the seat connection.
"""

from __future__ import annotations

import json
import ssl
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit

HTTP_TIMEOUT_S = 5.0


class RemoteShow:
    """Comments, questions and cards on air as the seat last heard (see the module docstring)."""

    def __init__(self) -> None:
        self.comments: dict[int, dict[str, Any]] = {}
        self.questions: dict[int, dict[str, Any]] = {}
        self.on_air: dict[str, dict[str, Any]] = {}
        self.actions: frozenset[str] = frozenset()
        self.seat: dict[str, Any] = {}

    def can(self, action: str) -> bool:
        return action in self.actions

    def apply_snapshot(self, snapshot: dict[str, Any]) -> None:
        self.seat = snapshot.get("seat") or {}
        self.actions = frozenset(snapshot.get("actions") or ())
        self.comments = {c["id"]: c for c in snapshot.get("comments") or ()}
        self.questions = {q["comment"]["id"]: q for q in snapshot.get("questions") or ()}
        self.on_air = dict(snapshot.get("on_air") or {})

    def apply_event(self, name: str, data: dict[str, Any]) -> None:
        if name in ("comment.added", "comment.triaged"):
            for comment in data.get("comments") or ():
                self.comments[comment["id"]] = comment
        elif name == "comment.changed":
            comment = data["comment"]
            self.comments[comment["id"]] = comment
            if comment["id"] in self.questions:
                self.questions[comment["id"]]["comment"] = comment
        elif name == "question.flagged":
            question = data["question"]
            self.questions[question["comment"]["id"]] = question
        elif name == "question.answered":
            question = self.questions.get(data["comment"])
            if question is not None:
                question.setdefault("answers", []).append(data["answer"])
                question["answer"] = question.get("answer") or data["answer"]
        elif name == "card.on_air":
            self.on_air[data["layer"]] = {"template": data["template"], "data": data["data"],
                                          "comment": data.get("comment")}
        elif name == "card.cleared":
            if data.get("panic"):
                self.on_air.clear()
            for layer in data.get("layers") or ():
                self.on_air.pop(layer, None)

    def on_air_comment(self, layer: str = "qa") -> int | None:
        card = self.on_air.get(layer)
        return card.get("comment") if card else None


class DeskHttpError(RuntimeError):
    """A phone-desk endpoint did not answer as expected (the text says how)."""


class DeskHttp:
    """The console's ``/desk/*`` HTTP endpoints for a seat at ``seat_url`` (ws:// or wss://)."""

    def __init__(self, seat_url: str, token: str, ssl_context: ssl.SSLContext | None = None) -> None:
        parts = urlsplit(seat_url)
        self.base = f"{'https' if parts.scheme == 'wss' else 'http'}://{parts.netloc}"
        self.token = token
        self.ssl_context = ssl_context

    def get(self, path: str) -> bytes:
        """GET ``path`` with the token (blocking: call it from a worker thread)."""
        request = urllib.request.Request(self.base + path, headers={"Authorization": f"Bearer {self.token}"})
        try:
            with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT_S, context=self.ssl_context) as reply:
                return bytes(reply.read())
        except urllib.error.HTTPError as exc:
            raise DeskHttpError(f"{path}: HTTP {exc.code}") from None
        except (urllib.error.URLError, OSError) as exc:
            raise DeskHttpError(f"{path}: {exc}") from None

    def suggestions(self, comment: int) -> list[dict[str, Any]]:
        return list(json.loads(self.get(f"/desk/suggest?comment={int(comment)}")).get("suggestions") or [])

    def catalog(self) -> dict[str, dict[str, Any]]:
        return dict(json.loads(self.get("/desk/catalog")).get("items") or {})

    def program_jpeg(self) -> bytes:
        return self.get("/desk/program.jpg")
