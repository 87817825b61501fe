"""A seat's side of /seat: connect with a token, pin the certificate, resume, reconnect.

``SeatClient`` is plain asyncio: it keeps the last sequence number and the
server's epoch, reconnects with backoff after a drop and asks to resume from
there (``?since=N&epoch=E``), so the seat receives everything it missed, or a
fresh snapshot when the server cannot replay that far. Events it already has
(``seq`` not above its last) are dropped. A refused token (HTTP 401) or a
certificate that does not match the pin stops it: retrying cannot help.

``SeatLink`` is the QObject wrapper the expert window uses: it re-emits what
arrives as typed signals on the main thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import ssl
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from PySide6.QtCore import QObject, Signal
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus, WebSocketException

from videohelp.core import tls
from videohelp.core.backoff import Backoff

log = logging.getLogger(__name__)

OPEN_TIMEOUT_S = 10.0
REQUEST_TIMEOUT_S = 10.0
MAX_MESSAGE_BYTES = 16 * 1_048_576  # a snapshot of a busy show is a few hundred kB


class SeatRefused(RuntimeError):
    """The console refused this seat (token missing, wrong or revoked; certificate not the pinned one)."""


class SeatRequestError(RuntimeError):
    """The console answered a request with an error."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class SeatClient:
    """One seat's connection to a console (see the module docstring).

    ``on_message(message)`` is called on the loop with every snapshot, resume
    notice and (new) event, in order.
    """

    def __init__(self, url: str, token: str, *, fingerprint: str | None = None,
                 on_message: Callable[[dict[str, Any]], None] | None = None,
                 on_state: Callable[[str], None] | None = None,
                 backoff: Backoff | None = None) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("ws", "wss") or not parts.hostname:
            raise ValueError(f"seat URL must be ws://HOST:PORT or wss://HOST:PORT, not {url!r}")
        if fingerprint is not None and parts.scheme != "wss":
            raise ValueError("a certificate fingerprint needs a wss:// URL")
        self.url = urlunsplit((parts.scheme, parts.netloc, parts.path or "/seat", "", ""))
        self.host, self.port = parts.hostname, parts.port or (443 if parts.scheme == "wss" else 80)
        self.secure = parts.scheme == "wss"
        self.token = token
        self.fingerprint = tls.normalize_fingerprint(fingerprint) if fingerprint else None
        self.on_message = on_message or (lambda message: None)
        self.on_state = on_state or (lambda state: None)
        self.backoff = backoff or Backoff(initial=0.5, maximum=10.0)
        self.last_seq: int | None = None
        self.epoch: str | None = None
        self.snapshot: dict[str, Any] | None = None
        self.state = "offline"
        self.connections = 0
        self._ws: ClientConnection | None = None
        self._pending: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._rids = itertools.count(1)
        self._closing = False
        self._online = asyncio.Event()

    def _set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            self.on_state(state)

    def resume_url(self) -> str:
        if self.last_seq is None:
            return self.url
        query = {"since": self.last_seq, **({"epoch": self.epoch} if self.epoch else {})}
        return f"{self.url}?{urlencode(query)}"

    async def connect_once(self) -> ClientConnection:
        """Open one connection (TLS pinned if asked); ``SeatRefused`` if refused for good."""
        ssl_context = None
        if self.secure:
            try:
                ssl_context = await tls.client_context(self.host, self.port, self.fingerprint,
                                                       OPEN_TIMEOUT_S)
            except tls.TlsError as exc:
                raise SeatRefused(str(exc)) from None
        try:
            return await connect(self.resume_url(), ssl=ssl_context, open_timeout=OPEN_TIMEOUT_S,
                                 additional_headers={"Authorization": f"Bearer {self.token}"},
                                 max_size=MAX_MESSAGE_BYTES, compression=None, ping_interval=20,
                                 ping_timeout=20, close_timeout=5)
        except ssl.SSLCertVerificationError as exc:  # not a passing fault: retrying cannot fix it
            raise SeatRefused(f"the console's certificate is not trusted: {exc.verify_message}") from None
        except InvalidStatus as exc:
            if exc.response.status_code in (401, 403):
                raise SeatRefused(f"the console refused this seat's token "
                                  f"(HTTP {exc.response.status_code})") from None
            raise

    async def run(self) -> None:
        """Stay connected until ``close``; raises ``SeatRefused`` when retrying cannot help."""
        while not self._closing:
            self._set_state("connecting")
            try:
                ws = await self.connect_once()
            except SeatRefused:
                self._set_state("refused")
                raise
            except (OSError, TimeoutError, WebSocketException) as exc:
                delay = self.backoff.next()
                log.info("seat connection failed (%s); retrying in %.1f s", exc, delay)
                self._set_state("offline")
                await asyncio.sleep(delay)
                continue
            self._ws = ws
            self.connections += 1
            try:
                async for raw in ws:
                    self._dispatch(json.loads(raw))
            except ConnectionClosed:
                pass
            finally:
                self._ws = None
                self._online.clear()
                self._fail_pending(ConnectionError("disconnected before the console answered; "
                                                   "the action may or may not have happened"))
            if not self._closing:
                self._set_state("offline")
                await asyncio.sleep(self.backoff.next())
        self._set_state("offline")

    def _dispatch(self, message: dict[str, Any]) -> None:
        kind = message.get("type")
        if kind in ("ok", "error", "pong"):
            future = self._pending.pop(str(message.get("rid")), None)
            if future is not None and not future.done():
                future.set_result(message)
            return
        if kind == "snapshot":
            self.snapshot = message
            self.last_seq, self.epoch = message["seq"], message["epoch"]
        elif kind == "resume":
            self.epoch = message["epoch"]
        elif kind == "event":
            if self.last_seq is not None and message["seq"] <= self.last_seq:
                return  # already applied (a resume overlapping what arrived live)
            self.last_seq = message["seq"]
        else:
            log.debug("ignored seat message %r", kind)
            return
        if kind in ("snapshot", "resume"):
            self.backoff.reset()
            self._online.set()
            self._set_state("online")
        self.on_message(message)

    def _fail_pending(self, exc: Exception) -> None:
        pending, self._pending = self._pending, {}
        for future in pending.values():
            if not future.done():
                future.set_exception(exc)

    async def wait_online(self, timeout: float = OPEN_TIMEOUT_S) -> None:
        await asyncio.wait_for(self._online.wait(), timeout)

    async def request(self, action: str, timeout: float = REQUEST_TIMEOUT_S, **fields: Any) -> dict[str, Any]:
        """Send an action and return the ``ok`` reply; ``SeatRequestError`` for an error reply."""
        ws = self._ws
        if ws is None or not self._online.is_set():
            raise ConnectionError("not connected to the console")
        rid = f"r{next(self._rids)}"
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending[rid] = future
        try:
            await ws.send(json.dumps({"type": action, "rid": rid, **fields}, ensure_ascii=False))
            reply = await asyncio.wait_for(future, timeout)
        finally:
            self._pending.pop(rid, None)
        if reply.get("type") == "error":
            raise SeatRequestError(str(reply.get("code")), str(reply.get("message")))
        return reply

    async def close(self) -> None:
        self._closing = True
        ws = self._ws
        if ws is not None:
            with contextlib.suppress(Exception):
                await ws.close()


class SeatLink(QObject):
    """A ``SeatClient`` for widgets: runs it on the loop and re-emits what arrives.

    Signals:
        stateChanged(str): connecting, online, offline or refused.
        snapshotReceived(dict): a full snapshot (on connect, or when a resume was impossible).
        resumed(int): reconnected and resumed; that many missed events follow.
        eventReceived(str, dict): every event: its name and data (the typed signals below too).
        questionFlagged(dict): a question sent to the experts (a question view).
        questionAnswered(int, dict): comment id and an expert's answer (an answer view).
        questionClosed(int, str): the question left the experts' list; the comment's new state.
        cardOnAir(str, dict): a layer and its card (template, data, comment, by).
        cardCleared(list): layers taken off air.
        seatJoined(str, str): a seat's name and role came online.
        seatLeft(str): a seat went offline.
        refused(str): the console refused this seat for good (token or certificate); why.
        requestFailed(str): an action was refused or failed; the text says why.
        requestDone(str, dict): an action succeeded: its type and the ok reply.
    """

    stateChanged = Signal(str)
    snapshotReceived = Signal(dict)
    resumed = Signal(int)
    eventReceived = Signal(str, dict)
    questionFlagged = Signal(dict)
    questionAnswered = Signal(int, dict)
    questionClosed = Signal(int, str)
    cardOnAir = Signal(str, dict)
    cardCleared = Signal(list)
    seatJoined = Signal(str, str)
    seatLeft = Signal(str)
    refused = Signal(str)
    requestFailed = Signal(str)
    requestDone = Signal(str, dict)

    def __init__(self, url: str, token: str, fingerprint: str | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.client = SeatClient(url, token, fingerprint=fingerprint, on_message=self._message,
                                 on_state=self.stateChanged.emit)
        self._task: asyncio.Task[None] | None = None
        self._requests: set[asyncio.Task[None]] = set()

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_event_loop().create_task(self._run(), name="seat-link")

    async def _run(self) -> None:
        try:
            await self.client.run()
        except SeatRefused as exc:
            self.refused.emit(str(exc))

    async def stop(self) -> None:
        await self.client.close()
        for task in [self._task, *self._requests]:
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        self._task = None

    def _message(self, message: dict[str, Any]) -> None:
        kind = message["type"]
        if kind == "snapshot":
            self.snapshotReceived.emit(message)
        elif kind == "resume":
            self.resumed.emit(int(message.get("missed", 0)))
        else:
            name, data = message["name"], message["data"]
            self.eventReceived.emit(name, data)
            if name == "question.flagged":
                self.questionFlagged.emit(data["question"])
            elif name == "question.answered":
                self.questionAnswered.emit(data["comment"], data["answer"])
            elif name == "question.closed":
                self.questionClosed.emit(data["comment"], data["state"])
            elif name == "card.on_air":
                self.cardOnAir.emit(data["layer"], data)
            elif name == "card.cleared":
                self.cardCleared.emit(data["layers"])
            elif name == "seat.joined":
                self.seatJoined.emit(data["name"], data["role"])
            elif name == "seat.left":
                self.seatLeft.emit(data["name"])

    def send(self, action: str, **fields: Any) -> asyncio.Task[None]:
        """Send an action in the background; the outcome arrives as requestDone or requestFailed."""
        async def run() -> None:
            try:
                reply = await self.client.request(action, **fields)
            except SeatRequestError as exc:
                self.requestFailed.emit(exc.message)
            except (ConnectionError, TimeoutError) as exc:
                self.requestFailed.emit(str(exc) or "no answer from the console")
            else:
                self.requestDone.emit(action, reply)

        task = asyncio.get_event_loop().create_task(run())
        self._requests.add(task)
        task.add_done_callback(self._requests.discard)
        return task
