"""The /seat endpoint: desks, experts and automation connected to the console.

``SeatHub`` authenticates seats at the handshake (``Authorization: Bearer
TOKEN``; a missing, wrong or revoked token gets HTTP 401 from the
``ConsoleServer``), greets each with a snapshot (or, resuming with
``?since=N&epoch=E``, the events it missed), then streams numbered events
and answers requests. The protocol logic is in ``seat_protocol`` and
``seat_events`` (pure); the actions in ``videohelp.console.actions``.

Fan-out never waits on a seat: every connection has its own bounded queue and
sender task. A seat whose backlog passes ``queue_events`` (it stopped reading,
or its link is too slow), or whose one frame takes longer than
``send_timeout_s`` to write, is dropped (close code 4002) and resyncs when it
reconnects. A revoked seat is dropped within ``poll_s`` (close code 4001),
also when ``videohelp seat revoke`` ran in another process.

The hub is a thin adapter over the show's action service
(``videohelp.console.actions``), as a websockets connection is over its
Sans-I/O protocol: a request becomes ``actions.perform(Actor(seat), request)``;
the service's events (whoever acted: a seat, the desk, the program itself)
become numbered seat events.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed

from videohelp.console.seat_connection import CLOSE_REVOKED, HubLimits, SeatConnection
from videohelp.console.seat_registry import SeatGate
from videohelp.core import seats as registry
from videohelp.core.client_limits import SEAT
from videohelp.core.knowledge import KnowledgeError
from videohelp.core.roles import Role, receives
from videohelp.core.seats import Seat, SeatDirectory
from videohelp.core.server import ConsoleServer
from videohelp.core.store import Store
from videohelp.queue import experts
from videohelp.queue.comments import StoredComment
from videohelp.queue.seat_events import Event, Question, SeatState
from videohelp.queue.seat_protocol import (
    MAX_FRAME_BYTES,
    ErrorCode,
    Hello,
    Ping,
    ProtocolError,
    Request,
    encode,
    error,
    ok,
    parse,
)

if TYPE_CHECKING:
    from videohelp.console.actions import ShowActions
    from videohelp.console.show_events import ShowEvent

log = logging.getLogger(__name__)

SEAT_PATH = "/seat"
EventListener = Callable[[Event], None]


class SeatHub:
    """The seats of one console (see the module docstring)."""

    def __init__(self, actions: ShowActions, database: Path | str, *,
                 directory: SeatDirectory | None = None, limits: HubLimits | None = None,
                 state: SeatState | None = None) -> None:
        self.actions = actions
        self.limits = limits or HubLimits()
        self.gate = SeatGate(database, self._gone, directory=directory, poll_s=self.limits.poll_s)
        self.directory = self.gate.directory
        self.state = state or SeatState()
        self._connections: set[SeatConnection] = set()
        self._listeners: list[EventListener] = []
        self._tasks: set[asyncio.Future] = set()
        self._running = False
        self._loop: asyncio.AbstractEventLoop | None = None
        # New comments go out as one comment.added per ``limits.added_batch_s``, not one per
        # commit (on an idle machine a commit holds a comment or two: issue 15); any other event
        # sends them first, so the order seats see is the order things happened.
        self._added: list[StoredComment] = []
        self._added_timer: asyncio.TimerHandle | None = None
        self._unrecord_timer: asyncio.TimerHandle | None = None

    # -- lifecycle -------------------------------------------------------------------------------
    def install(self, server: ConsoleServer, path: str = SEAT_PATH) -> None:
        server.add_route(path, self.handle, authenticate=self.gate.authenticate,
                         max_bytes=MAX_FRAME_BYTES, kind=SEAT)
        if path == SEAT_PATH:  # the phone desk (/desk): the same seats from a browser (issue 20)
            from videohelp.console.phone_desk import PhoneDesk

            self.phone_desk = PhoneDesk(self)
            self.phone_desk.install(server)

    async def start(self) -> None:
        """Read the registry and the open questions; follow the pipeline and the show's actions."""
        from videohelp.console.show_store import seed_knowledge

        await self.gate.start()
        if self.actions.suggest is not None:
            try:
                await self.actions.pipeline.run_in_writer(seed_knowledge)
            except (KnowledgeError, sqlite3.Error):  # suggestions help; the seats work without
                log.exception("could not seed the knowledge base for suggestions")
        recent, items, questions = await self.gate.read(_load_show)
        self.state.items.update(items)
        self.state.comments_added(recent)
        for comment, flag, item, answers in questions:
            self.state.flagged(Question(comment, flag.note, flag.flagged_by, flag.flagged_ms, item,
                                        answers=answers))
        self.actions.pipeline.add_listener(self._stored)
        self.actions.add_listener(self._show_event)
        self._running = True
        # The hub's loop, for timers set from code called outside it (a revoke from the CLI
        # thread's hand-over, a test cutting a seat between loop runs).
        self._loop = asyncio.get_running_loop()
        if not self._connections:  # no seat of this run can resume yet: nothing to keep
            self.state.log.stop_recording()

    async def stop(self) -> None:
        self._flush_added()
        self._running = False
        if self._unrecord_timer is not None:
            self._unrecord_timer.cancel()
            self._unrecord_timer = None
        self.actions.remove_listener(self._show_event)
        for connection in list(self._connections):
            connection.drop(1001, "console stopping")
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=6.0)
        await self.gate.stop()

    def background(self, task: asyncio.Future) -> None:
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # -- the registry ------------------------------------------------------------------------------
    async def reload(self) -> None:
        """Re-read the registry now (a revocation made in this process: no need to wait)."""
        await self.gate.reload()

    def _gone(self, names: set[str]) -> None:
        for name in names:
            self.disconnect(name, CLOSE_REVOKED, "token revoked")

    async def revoke(self, name: str, by: str = "desk") -> Seat:
        seat = await self.actions.pipeline.run_in_writer(registry.revoke_seat, name, by)
        await self.reload()
        return seat

    def disconnect(self, name: str, code: int = CLOSE_REVOKED, reason: str = "token revoked") -> int:
        targets = [c for c in self._connections if c.seat.name == name]
        for connection in targets:
            connection.drop(code, reason)
        return len(targets)

    def discard(self, connection: SeatConnection) -> None:
        self._connections.discard(connection)
        if (not self._connections and self._running and self._loop is not None
                and self._unrecord_timer is None):
            # The replay log is for seats that come back: kept for a while after the last
            # one left, then no longer encoded (a seat returning later gets a snapshot).
            self._unrecord_timer = self._loop.call_later(
                self.limits.replay_grace_s, self._stop_recording)

    def _stop_recording(self) -> None:
        self._unrecord_timer = None
        if not self._connections:
            self.state.log.stop_recording()

    # -- events ----------------------------------------------------------------------------------
    def add_listener(self, listener: EventListener) -> None:
        """Call ``listener(event)`` on the loop for every event (the desk's expert panel)."""
        self._listeners.append(listener)

    def publish(self, event: Event | list[Event] | None) -> None:
        if event is None:
            return
        if self._added:
            self._flush_added()
        if isinstance(event, list):
            for each in event:
                self.publish(each)
            return
        for connection in list(self._connections):
            if receives(connection.seat.role, event.name):
                connection.push(event.text_for(connection.seat.role))
        for listener in list(self._listeners):
            listener(event)  # a failing listener is a bug: the loop's handler reports it

    def output_event(self, name: str, data: dict[str, Any]) -> None:
        """An output's state or the outputs' status as an ``output.*`` event to the seats
        (``data`` holds no stream keys). On the loop: the wiring hands it over with
        ``core.handoff.on_loop``."""
        if self._running:
            self._flush_added()  # comments still batching are numbered first (see _show_event)
            self.publish(self.state.log.append(name, data))

    def _stored(self, comments: list[StoredComment]) -> None:
        if self._running and self._loop is not None:
            self._added.extend(comments)
            if self._added_timer is None:
                self._added_timer = self._loop.call_later(
                    self.limits.added_batch_s, self._flush_added)

    def _flush_added(self) -> None:
        if self._added_timer is not None:
            self._added_timer.cancel()
            self._added_timer = None
        batch, self._added = self._added, []
        if batch and self._running:
            self.publish(self.state.comments_added(batch))

    def comments_triaged(self, comments: list[StoredComment]) -> None:
        """Triage filed a batch (connect the console's triage to this)."""
        if self._running:
            self._flush_added()  # comments still batching are numbered first (see _show_event)
            self.publish(self.state.comments_triaged(comments))

    def _show_event(self, event: ShowEvent) -> None:
        """One change made by the show's actions (or the program itself), as seat events."""
        from videohelp.console.show_events import (
            CardsChanged,
            CommentChanged,
            QuestionAnswered,
            QuestionFlagged,
            SourceChanged,
        )

        if not self._running:
            return
        # Comments still batching get their numbers before this event's: a seat drops an
        # event numbered below one it has seen (resume de-duplication).
        self._flush_added()
        if isinstance(event, CommentChanged):
            if event.refiled:  # a person's filing replaces any earlier one (None: chatter)
                self.state.items.pop(event.comment.id, None)
            self.publish(self.state.comment_changed(event.comment, event.item, event.by))
        elif isinstance(event, QuestionFlagged):
            self.publish(self.state.flagged(event.question))
        elif isinstance(event, QuestionAnswered):
            self.publish(self.state.answered(event.answer))
        elif isinstance(event, CardsChanged):
            if event.kind in ("take", "update") and event.card is not None:
                    self.publish(self.state.card_on_air(event.layer, event.card.template, event.card.data,
                                                    event.by, event.comment))
            elif event.kind in ("clear", "auto_out"):
                    self.publish(self.state.cards_cleared([event.layer], event.by))
            elif event.kind == "panic":
                    self.publish(self.state.cards_cleared(sorted(self.state.on_air), event.by, panic=True))
        elif isinstance(event, SourceChanged):  # shown without a stream key
            self.publish(self.state.log.append("output.source", {
                "source": event.source, "kind": event.kind, "by": event.by}))

    # -- connections -----------------------------------------------------------------------------
    def _greet(self, connection: SeatConnection, since: int | None, epoch: str | None,
               rid: str | None = None) -> None:
        """Queue the snapshot, or the events after ``since``; synchronous, so nothing interleaves."""
        role = connection.seat.role
        self._flush_added()  # comments still batching belong in the snapshot (or the resume)
        missed = self.state.log.since(since, epoch) if since is not None else None
        if rid is not None:
            connection.push(encode(ok(rid, resumed=missed is not None)), greeting=True)
        if missed is None:
            snapshot = self.state.snapshot(connection.seat.name, role)
            connection.push(encode(snapshot), greeting=True)
            return
        events = [event for event in missed if receives(role, event.name)]
        connection.push(encode({"type": "resume", "seq": self.state.log.last_seq,
                                "epoch": self.state.log.epoch, "since": since, "missed": len(events)}),
                        greeting=True)
        for event in events:
            connection.push(event.text_for(role), greeting=True)

    async def handle(self, ws: ServerConnection, seat: Seat) -> None:
        sock = ws.transport.get_extra_info("socket")
        if sock is not None and self.limits.socket_send_buffer:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, self.limits.socket_send_buffer)
        connection = SeatConnection(self, ws, seat)
        self.state.log.recording = True  # a seat: from now on it may need to resume
        if self._unrecord_timer is not None:
            self._unrecord_timer.cancel()
            self._unrecord_timer = None
        since, epoch = _resume_point(ws.request.path if ws.request else "")
        self._greet(connection, since, epoch)
        self._connections.add(connection)
        self._flush_added()  # comments still batching are numbered first (see _show_event)
        self.publish(self.state.seat_joined(seat.name, seat.role))
        sender = asyncio.ensure_future(connection.send_loop())
        log.info("seat %s (%s) connected", seat.name, seat.role.value)
        try:
            async for raw in ws:
                if connection.dropped:
                    break
                reply = await self._message(connection, raw)
                if reply is not None:
                    connection.push(encode(reply))
        except ConnectionClosed:
            pass
        finally:
            self.discard(connection)
            connection.dropped = True
            connection.wake.set()
            sender.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sender
            self._flush_added()  # comments still batching are numbered first (see _show_event)
            self.publish(self.state.seat_left(seat.name))
            log.info("seat %s disconnected", seat.name)

    async def _message(self, connection: SeatConnection, raw: str | bytes) -> dict[str, Any] | None:
        seat = connection.seat
        # Parsed first (cheap, no I/O) so that even a refusal for rate carries the request's rid.
        try:
            message = parse(raw, seat.role)
        except ProtocolError as exc:
            if not connection.allow_request():
                return self._rate_limited(exc.rid)
            if exc.action is not None:
                await self._audit(seat, exc.action.value, exc.rid, None, exc.code.value, None, None)
            return exc.reply()
        if not connection.allow_request():  # before anything reaches the writer or the audit log
            return self._rate_limited(message.rid)
        if isinstance(message, Ping):  # answered ok, as the control channel always did
            return ok(message.rid, seq=self.state.log.last_seq)
        if isinstance(message, Hello):
            self._greet(connection, message.since, message.epoch, message.rid or "hello")
            return None
        return await self.perform(seat, message)

    def _rate_limited(self, rid: str | None) -> dict[str, Any]:
        return error(rid, ErrorCode.RATE_LIMITED, f"more than {self.limits.requests_per_s:g} requests/s "
                     f"(bursts of {self.limits.request_burst}); nothing was done, slow down")

    async def perform(self, seat: Seat, request: Request) -> dict[str, Any]:
        """Do ``request`` as ``seat`` through the show's actions (checked, audited); the reply."""
        from videohelp.console.show_events import Actor

        try:
            outcome = await self.actions.perform(Actor(seat.name, seat.role), request)
        except ProtocolError as exc:
            return exc.reply()
        except Exception as exc:  # a bug: logged with its traceback; the seat is told
            log.exception("seat action %s by %s failed", request.action.value, seat.name)
            return error(request.rid, ErrorCode.INTERNAL, f"the console failed: {exc}")
        return ok(request.rid, **outcome.reply)

    async def _audit(self, seat: Seat, action: str, rid: str | None, target: str | None, outcome: str,
                     before: Any, after: Any) -> None:
        """A request refused before it became an action (it did not parse)."""
        from videohelp.console.show_events import Actor

        await self.actions.audit(Actor(seat.name, seat.role), action, rid, target, outcome, before,
                                 after)

    @property
    def online(self) -> dict[str, str]:
        """Connected seats: name -> role."""
        return {name: role for name, (role, _) in self.state.seats.items()}

    def snapshot(self, seat: Seat) -> dict[str, Any]:
        return self.state.snapshot(seat.name, seat.role)


def _resume_point(path: str) -> tuple[int | None, str | None]:
    query = parse_qs(urlsplit(path).query)
    since = query.get("since", [None])[0]
    epoch = query.get("epoch", [None])[0]
    try:
        return (int(since) if since is not None and int(since) >= 0 else None), epoch
    except ValueError:
        return None, epoch


def _load_show(store: Store, recent: int = 500
               ) -> tuple[list[StoredComment], dict[int, str], list[Any]]:
    """The newest comments (with their items) and the open questions, for a starting hub."""
    rows = store.conn.execute("SELECT * FROM comments ORDER BY id DESC LIMIT ?", (recent,)).fetchall()
    comments = [StoredComment.from_row(dict(row)) for row in reversed(rows)]
    items = {row["id"]: row["item"] for row in rows if row["item"]}
    return comments, items, experts.open_questions(store)


def desk_seat(role: Role | str, name: str = "desk") -> Seat:
    """The identity of the desk in this process when it acts through the hub."""
    return Seat(name, Role(role), static=True)
