"""The desk's session on a console elsewhere, through the seat protocol (issue 20).

``RemoteDeskSession`` is the ``DeskSession`` (``console.desk_session``) of
``videohelp --role officer|presenter|producer --connect wss://… --token …``: the studio's
own ``MainWindow`` runs on it unchanged. What arrives on the seat's connection (``SeatLink``:
snapshot, resume, numbered events) becomes the local session's signals for the desk's
models; the desk's actions are built as the local desk builds them (the same ``Request``s,
by the same code: ``ShowSession``'s methods) and sent as seat requests, which the console
performs through its ``ShowActions`` as this seat. A refusal comes back in the same words.

What the protocol's events do not carry comes from the console's phone-desk endpoints
(``DeskHttp``): a comment's suggested answers (``/desk/suggest``, fetched when it is first
selected; ``suggestionsReady`` then tells the desk) and the program picture
(``/desk/program.jpg``, ``remote_program``). The next-card preview is drawn here, by this
machine's own card renderer, from the shipped catalog.

A reconnect resumes from the last event (``since``/``epoch``) or, if the console cannot
replay that far, starts from a fresh snapshot: either way the desk shows the current state,
never a stale one (comments it has are updated in place, new ones added, the card on air
set anew).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Coroutine
from types import SimpleNamespace
from typing import Any

from PySide6.QtCore import QObject, Signal

from videohelp.console.remote_hub import RemoteHub
from videohelp.console.remote_program import RemoteOutputs, RemoteProgram
from videohelp.console.remote_show import DeskHttp, DeskHttpError, RemoteShow
from videohelp.console.seat_client import SeatLink, SeatRequestError
from videohelp.console.session import ShowSession
from videohelp.console.show_events import Actor
from videohelp.core.catalog import Catalog
from videohelp.core.knowledge import Entry
from videohelp.core.paths import DataPaths
from videohelp.core.roles import Action
from videohelp.core.settings import Settings
from videohelp.queue.comments import State, StoredComment
from videohelp.queue.feed import CommentFeed
from videohelp.queue.seat_protocol import DEFAULT_QA_LAYER, Request
from videohelp.streaming.cards import CardRenderer

log = logging.getLogger(__name__)

# Request fields sent as they are when set; motion fields pass through from ``raw``.
_FIELDS = ("comment", "note", "text", "layer", "template", "answer", "answer_id", "clip", "entry")
_MOTION = ("transition", "out", "seconds", "duration_s")


def comment_from_view(view: dict[str, Any]) -> StoredComment:
    """A seat's comment view (``seat_events.comment_view``) as the desk's models hold comments.
    Masked views fill the originals with the masked text: the models show what they are given."""
    masked_name, masked_text = str(view.get("viewer_masked") or ""), str(view.get("text_masked") or "")
    return StoredComment(
        id=int(view["id"]), platform=str(view.get("platform") or ""), msg_id="",
        user_id=str(view.get("user_id") or ""), user_name=str(view.get("viewer") or masked_name),
        user_name_masked=masked_name, text=str(view.get("text") or masked_text),
        text_masked=masked_text, ts_ms=int(view.get("ts") or 0),
        received_ms=int(view.get("received") or 0), state=State(view.get("state") or "new"),
        blocked=bool(view.get("blocked")), repeat_of=view.get("repeat_of"),
        is_question=view.get("is_question"), item=view.get("item"), confidence=view.get("confidence"))


def entry_from_suggestion(suggestion: dict[str, Any]) -> Entry:
    """One of ``/desk/suggest``'s answers (``show_store.kb_suggestions``) as a knowledge entry."""
    source = str(suggestion.get("source") or "")
    source_file, _, article = source.rpartition(" ")
    return Entry(id=str(suggestion["id"]), item=str(suggestion.get("item") or ""), questions=(),
                 short_answer=str(suggestion.get("short_answer") or ""),
                 full_answer=str(suggestion.get("full_answer") or ""),
                 source_file=source_file or source, source_article=article if source_file else "",
                 status=str(suggestion.get("status") or "draft"))


def seat_message(request: Request) -> dict[str, Any]:
    """The seat request's fields for ``request`` (its type and rid are the client's)."""
    message: dict[str, Any] = {name: getattr(request, name) for name in _FIELDS
                               if getattr(request, name) not in (None, "")}
    if request.data:
        message["data"] = request.data
    if request.item is not None or request.action.value == "triage":
        message["item"] = request.item  # a re-filing as chatter sends "item": null
    if request.confirm:
        message["confirm"] = True
    message.update({k: request.raw[k] for k in _MOTION if request.raw.get(k) is not None})
    return message


class RemoteKnowledge(QObject):
    """The suggested answers the console sent, read as the answer panel reads the studio's
    ``KnowledgeService``: ``cached`` gives them at once; there is no fresh read to follow
    (the console sent them as it has them now), so ``suggestions`` starts none.

    Signals (the service's, never emitted here): suggestionsReady(int, object), failed(int, object).
    """

    suggestionsReady = Signal(int, object)
    failed = Signal(int, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.entries: dict[str, Entry] = {}

    def add(self, suggestions: list[dict[str, Any]]) -> tuple[str, ...]:
        entries = [entry_from_suggestion(s) for s in suggestions if s.get("kind") != "clip" and s.get("id")]
        self.entries.update((entry.id, entry) for entry in entries)
        return tuple(entry.id for entry in entries)

    def cached(self, ids: tuple[str, ...] | list[str]) -> list[Entry] | None:
        return [self.entries[entry_id] for entry_id in ids if entry_id in self.entries]

    def suggestions(self, ids: tuple[str, ...] | list[str]) -> int | None:
        del ids
        return None  # nothing pending: what the console sent is what there is

    def close(self) -> None:
        pass


class RemoteDeskSession(QObject):
    """A desk seat's session on a console elsewhere (see the module docstring).

    Signals: those of ``DeskSession``, and
        connectionChanged(str): connecting, online, offline or refused.
        refused(str): the console refused this seat for good (or the token is another role's).
        snapshotApplied(): a (fresh) snapshot replaced what the desk showed (the expert dock
            re-reads its questions from ``hub``).
    """

    commentChanged = Signal(object)
    commentsTriaged = Signal(list)
    onAirChanged = Signal(object)
    actionFailed = Signal(str)
    repeatsAdded = Signal(object)
    answerAired = Signal(str)
    catalogChanged = Signal(object)
    suggestionsReady = Signal(int)
    connectionChanged = Signal(str)
    snapshotApplied = Signal()
    refused = Signal(str)

    studio = False

    def __init__(self, link: SeatLink, http: DeskHttp, paths: DataPaths, settings: Settings,
                 role: str, person: str = "desk", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.link, self.http = link, http
        self.paths, self.settings = paths, settings
        self.actor = Actor.of(person, role)
        self.options = SimpleNamespace(actor=person, demo=False)
        self.feed = CommentFeed(parent=self)
        self.program = RemoteProgram(http, self)
        self.outputs = RemoteOutputs(self)
        self.renderer = CardRenderer(settings["program.width"], settings["program.height"])
        self.ingest = SimpleNamespace(stats={})  # the bridges are the console's: not seen here
        self.show = RemoteShow()
        self.knowledge = RemoteKnowledge()
        self.hub = RemoteHub(link, seat_message)  # the desk's expert dock reads it
        self.state = "offline"
        self._comments: dict[int, StoredComment] = {}
        self._suggested: dict[int, tuple[tuple[str, ...], str | None]] = {}
        self._fetching: set[int] = set()
        self._qa: StoredComment | None = None
        self._background: set[asyncio.Future] = set()
        self._rids = 0
        link.snapshotReceived.connect(self._snapshot)
        link.eventReceived.connect(self._event)
        link.stateChanged.connect(self._state)
        link.refused.connect(self._refused)

    # -- what the desk reads ---------------------------------------------------------------
    @property
    def catalog(self) -> Catalog:
        return self.renderer.catalog

    @property
    def on_air(self) -> StoredComment | None:
        return self._qa

    def comment(self, comment_id: int) -> StoredComment | None:
        return self._comments.get(comment_id)

    def experts_online(self) -> int:
        return sum(role == "expert" for role in self.hub.online.values())

    def open_knowledge(self, parent: QObject | None = None) -> RemoteKnowledge:
        del parent  # made with the session: the suggestions outlive a window
        return self.knowledge

    def suggested_answers(self, comment: StoredComment) -> tuple[tuple[str, ...], str | None]:
        """The console's suggestions if fetched already; else none yet (and a fetch starts:
        ``suggestionsReady`` follows)."""
        known = self._suggested.get(comment.id)
        if known is not None:
            return known
        if comment.id not in self._fetching:
            self._fetching.add(comment.id)
            self.spawn(self._fetch_suggestions(comment.id))
        return (), comment.item

    async def _fetch_suggestions(self, comment_id: int) -> None:
        try:
            reply = json.loads(await asyncio.to_thread(self.http.get, f"/desk/suggest?comment={comment_id}"))
        except (DeskHttpError, ValueError) as exc:
            log.warning("suggestions for comment %d: %s", comment_id, exc)
            return
        finally:
            self._fetching.discard(comment_id)
        ids = self.knowledge.add(list(reply.get("suggestions") or ()))
        self._suggested[comment_id] = (ids, reply.get("item"))
        self.suggestionsReady.emit(comment_id)

    # -- lifecycle ---------------------------------------------------------------------------
    def spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Future:
        task = asyncio.ensure_future(coro)
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        return task

    async def start(self) -> None:
        self.link.start()

    async def stop(self) -> None:
        await self.program.stop_preview()
        await self.link.stop()
        if self._background:
            await asyncio.wait(list(self._background), timeout=5.0)

    # -- what arrives ------------------------------------------------------------------------
    def _state(self, state: str) -> None:
        if self.state == "refused":  # final: the link going offline after it says nothing new
            return
        self.state = state
        if state == "online":
            self.program.start_preview()
        self.connectionChanged.emit(state)

    def _refused(self, why: str) -> None:
        self.state = "refused"
        self.connectionChanged.emit("refused")
        self.refused.emit(why)

    def _snapshot(self, snapshot: dict[str, Any]) -> None:
        seat = snapshot.get("seat") or {}
        if seat.get("role") != self.actor.role.value:  # the desk would offer what it may not do
            self._refused(f"wrong role: the token is a {seat.get('role')} seat's, not a "
                          f"{self.actor.role.value} desk's")
            self.spawn(self.link.stop())
            return
        self.actor = Actor.of(str(seat.get("name") or self.actor.name), self.actor.role)
        self.options.actor = self.actor.name
        self.show.apply_snapshot(snapshot)
        new, changed = [], []
        for view in snapshot.get("comments") or ():
            comment = comment_from_view(view)
            old = self._comments.get(comment.id)
            self._comments[comment.id] = comment
            if old is None:
                new.append(comment)
            elif old != comment:
                changed.append(comment)
        self._added(new)
        for comment in changed:
            self.commentChanged.emit(comment)
        filed = [c for c in (*new, *changed) if c.is_question is not None]
        if filed:
            self.commentsTriaged.emit(filed)
        self.hub.applied_snapshot(snapshot)
        self.program.set_on_air(dict(snapshot.get("on_air") or {}))
        self._set_qa(self.show.on_air_comment(DEFAULT_QA_LAYER))
        self.snapshotApplied.emit()

    def _added(self, comments: list[StoredComment]) -> None:
        shown = [c for c in comments if c.repeat_of is None]
        if shown:
            self.feed.push(shown)
        counts: dict[int, int] = {}
        for comment in comments:
            if comment.repeat_of is not None:
                counts[comment.repeat_of] = counts.get(comment.repeat_of, 0) + 1
        if counts:
            self.repeatsAdded.emit(counts)

    def _event(self, name: str, data: dict[str, Any]) -> None:
        self.show.apply_event(name, data)
        self.hub.publish(name, data)
        if name in ("comment.added", "comment.triaged"):
            comments = [comment_from_view(view) for view in data.get("comments") or ()]
            self._comments.update((c.id, c) for c in comments)
            if name == "comment.added":
                self._added(comments)
            else:
                self.commentsTriaged.emit(comments)
        elif name == "comment.changed":
            self._changed(comment_from_view(data["comment"]))
        elif name == "card.on_air":
            self.program.took(data["layer"], data["template"], data.get("data") or {})
            if data["layer"] == DEFAULT_QA_LAYER:
                self._set_qa(data.get("comment"))
        elif name == "card.cleared":
            self.program.cleared(list(data.get("layers") or ()), bool(data.get("panic")))
            if data.get("panic") or DEFAULT_QA_LAYER in (data.get("layers") or ()):
                self._set_qa(None)
        elif name.startswith("output."):
            self.outputs.apply_event(name, data)

    def _changed(self, comment: StoredComment) -> None:
        old = self._comments.get(comment.id)
        self._comments[comment.id] = comment
        if self._qa is not None and self._qa.id == comment.id:
            self._qa = comment
        self.commentChanged.emit(comment)
        if old is not None and old.item != comment.item:  # re-filed: new answers, the queue too
            self._suggested.pop(comment.id, None)
            self.commentsTriaged.emit([comment])

    def _set_qa(self, comment_id: int | None) -> None:
        comment = self._comments.get(comment_id) if comment_id is not None else None
        if (comment.id if comment else None) != (self._qa.id if self._qa else None):
            self._qa = comment
            self.onAirChanged.emit(comment)

    # -- the desk's actions: the local desk's requests, sent as this seat's ----------------------
    async def act(self, request: Request) -> StoredComment | bool | None:
        """Send ``request`` to the console as this seat; the comment it changed (True if none),
        or None (and ``actionFailed`` with the reason) if refused or not sent."""
        try:
            await self.link.client.request(request.action.value, **seat_message(request))
        except SeatRequestError as exc:
            from videohelp.console.action_messages import refusal_text

            log.info("desk action %s refused: %s", request.action.value, exc.message)
            self.actionFailed.emit(refusal_text(exc.code, request.action.value, self.actor.role.value,
                                                request.item or ""))
            return None
        except (ConnectionError, TimeoutError) as exc:
            log.warning("desk action %s not done: %s", request.action.value, exc)
            self.actionFailed.emit(str(exc) or "no answer from the console")
            return None
        if request.comment is not None:
            return self._comments.get(request.comment, True)
        return True

    def panic(self) -> None:
        """Everything off the console's program (sent at once; the events follow)."""
        self.spawn(self.act(self._request(Action.PANIC)))

    def _request(self, action: Action, **fields: Any) -> Request:
        self._rids += 1
        return Request(action, f"desk-{self._rids}", **fields)

    # The same requests as the studio's desk: one place builds them (console.session).
    qa_card = ShowSession.qa_card
    take_clip = ShowSession.take_clip
    take_question = ShowSession.take_question
    take_answer = ShowSession.take_answer
    change_state = ShowSession.change_state
    clear_question = ShowSession.clear_question
    refile = ShowSession.refile
    user_message = ShowSession.user_message
