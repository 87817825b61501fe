"""A bridge's side of /ingest: send, keep until acknowledged, reconnect, resend.

Every bridge (the replay tool, the Douyin relay bridge, load tests) sends
through ``IngestClient``. Items stay in memory until the console acknowledges
them; after a lost connection the client reconnects with exponential backoff
and resends everything unacknowledged. The console stores (platform, id) once,
so resending is always safe. ``send`` waits while ``max_in_flight`` items are
unacknowledged: the bridge slows down instead of growing without bound.

Items go in ``batch`` frames: what came within ``linger_s`` of the first waiting item
travels together (as a Kafka producer's ``linger.ms``). The console's cost is largely per
frame (the socket's wake-up, the parse, a commit's future, the acknowledgement): 300
comments a second one frame each cost the desk's GUI thread 0.08-0.10 cores, through this
client 0.045 (docs/performance.md); a comment reaches the desk at most ``linger_s`` later,
where the feed shows new rows every 400 ms anyway.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus, WebSocketException

log = logging.getLogger(__name__)

Item = dict[str, Any]
STORE_RETRY_S = 1.0
LINGER_S = 0.05  # what comes within this of the first waiting item goes in its frame


class TokenRefused(RuntimeError):
    """The console refused the token (HTTP 401): retrying will not help."""


@dataclass
class Backoff:
    """Exponential backoff with jitter: 0.5 s, 1 s, 2 s ... up to ``maximum``."""

    initial: float = 0.5
    maximum: float = 30.0
    factor: float = 2.0
    jitter: float = 0.2
    rng: random.Random = field(default_factory=random.Random, repr=False)
    _next: float = 0.0

    def __post_init__(self) -> None:
        self._next = self.initial

    def delay(self) -> float:
        """The next wait, then grow it."""
        base = self._next
        self._next = min(self._next * self.factor, self.maximum)
        return base * (1 + self.rng.uniform(-self.jitter, self.jitter))

    def reset(self) -> None:
        self._next = self.initial


class IngestClient:
    """Reliable sender of protocol items (comment or event dicts, each with an ``id``).

    ``on_ack(ids)`` and ``on_error(error_dict)`` are called on the loop. An
    error naming an item, other than ``store_failed``, is final: the item is
    dropped from the resend set and counted in ``rejected``.
    """

    def __init__(self, url: str, token: str, *, batch_size: int = 100,
                 linger_s: float = LINGER_S, max_in_flight: int = 2000,
                 open_timeout: float = 10.0,
                 backoff: Backoff | None = None, give_up_on_refusal: bool = False,
                 on_ack: Callable[[list[str]], None] | None = None,
                 on_error: Callable[[dict], None] | None = None,
                 on_reply: Callable[[dict], None] | None = None) -> None:
        self.url = url
        self.token = token
        self.batch_size = batch_size
        self.linger_s = linger_s if batch_size > 1 else 0.0
        self.max_in_flight = max_in_flight
        self.open_timeout = open_timeout
        self.backoff = backoff or Backoff()
        self.give_up_on_refusal = give_up_on_refusal
        self.on_ack = on_ack
        self.on_error = on_error
        # Issue 19: a bridge that can post replies on its platform passes on_reply; the
        # handshake then offers the capability (bridges/replies.py) and the console may
        # send {"type": "reply", ...} for comments it delivered.
        self.on_reply = on_reply
        self.acked = 0
        self.rejected: list[dict] = []
        self.connections = 0
        self.limits: dict[str, int] = {}
        self._unacked: OrderedDict[str, Item] = OrderedDict()
        self._outbox: deque[str] = deque()
        self._has_outbox = asyncio.Event()
        self._room = asyncio.Event()
        self._room.set()
        self._settled = asyncio.Event()
        self._settled.set()
        self._connected = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._failure: BaseException | None = None

    # -- public ------------------------------------------------------------------
    @property
    def unacknowledged(self) -> int:
        return len(self._unacked)

    @property
    def task(self) -> asyncio.Task[None] | None:
        """The connection task; it ends only when the token was refused (or on close)."""
        return self._task

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), name="ingest-client")

    async def send(self, item: Item) -> None:
        """Queue ``item`` for sending; waits while too many are unacknowledged."""
        self._raise_failure()
        while len(self._unacked) >= self.max_in_flight:
            self._room.clear()
            await self._room.wait()
            self._raise_failure()
        msg_id = str(item["id"])
        if msg_id not in self._unacked:
            self._unacked[msg_id] = item
            self._outbox.append(msg_id)
        self._settled.clear()
        self._has_outbox.set()

    async def wait_connected(self) -> None:
        """Wait until the console has accepted a connection (raises ``TokenRefused``)."""
        while not self._connected.is_set():
            self._raise_failure()
            if self._task is None or self._task.done():
                raise RuntimeError("the ingest client is not running")
            waiter = asyncio.ensure_future(self._connected.wait())
            await asyncio.wait({waiter, self._task}, return_when=asyncio.FIRST_COMPLETED)
            waiter.cancel()
        self._raise_failure()

    async def drain(self) -> None:
        """Wait until every item sent so far is acknowledged or rejected."""
        while self._unacked:
            self._raise_failure()
            if self._task is None or self._task.done():
                raise RuntimeError("the ingest client is not running")
            self._settled.clear()
            waiter = asyncio.ensure_future(self._settled.wait())
            await asyncio.wait({waiter, self._task}, return_when=asyncio.FIRST_COMPLETED)
            waiter.cancel()
        self._raise_failure()

    async def close(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    # -- connection loop -------------------------------------------------------------
    def _raise_failure(self) -> None:
        if self._failure is not None:
            raise self._failure

    async def _run(self) -> None:
        while True:
            try:
                async with connect(self.url, open_timeout=self.open_timeout,
                                   additional_headers=self._headers(),
                                   compression=None, max_size=None,
                                   ping_interval=20, ping_timeout=20, close_timeout=5) as ws:
                    self.connections += 1
                    self._connected.set()
                    await self._serve(ws)
            except InvalidStatus as exc:
                status = exc.response.status_code
                if status == 401 and self.give_up_on_refusal:
                    self._failure = TokenRefused(f"{self.url}: the console refused the token")
                    self._wake_all()
                    self._connected.set()
                    return
                log.warning("ingest %s refused the connection: HTTP %d", self.url, status)
            except (OSError, TimeoutError, WebSocketException) as exc:
                log.info("ingest %s: connection lost or refused (%s)", self.url, exc)
            delay = self.backoff.delay()
            log.info("ingest: reconnecting in %.1f s", delay)
            await asyncio.sleep(delay)

    def _headers(self) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self.token}"}
        if self.on_reply is not None:
            from videohelp.queue.bridges.replies import CAPABILITIES_HEADER, REPLY

            headers[CAPABILITIES_HEADER] = REPLY
        return headers

    def _wake_all(self) -> None:
        self._room.set()
        self._settled.set()

    async def _serve(self, ws: ClientConnection) -> None:
        # Whatever is unacknowledged goes again, in the original order.
        self._outbox = deque(self._unacked)
        if self._outbox:
            self._has_outbox.set()
        sender = asyncio.get_running_loop().create_task(self._send_loop(ws))
        try:
            async for message in ws:
                self._receive(message)
        except ConnectionClosed:
            pass
        finally:
            sender.cancel()
            with contextlib.suppress(asyncio.CancelledError, ConnectionClosed):
                await sender

    async def _send_loop(self, ws: ClientConnection) -> None:
        while True:
            await self._has_outbox.wait()
            limit = min(self.batch_size, self.limits.get("max_batch_items", self.batch_size))
            if self.linger_s > 0 and len(self._outbox) < limit:
                await asyncio.sleep(self.linger_s)  # let the rest of this moment's items come
            batch: list[Item] = []
            while self._outbox and len(batch) < limit:
                msg_id = self._outbox.popleft()
                item = self._unacked.get(msg_id)
                if item is not None:  # acked meanwhile (a resend raced the ack)
                    batch.append(item)
            if not self._outbox:
                self._has_outbox.clear()
            if not batch:
                continue
            if len(batch) == 1 and self.batch_size == 1:
                await ws.send(json.dumps(batch[0], ensure_ascii=False))
            else:
                await ws.send(json.dumps({"type": "batch", "items": batch}, ensure_ascii=False))

    def _receive(self, raw: str | bytes) -> None:
        try:
            message = json.loads(raw)
        except ValueError:
            log.warning("ingest: unreadable message from the console")
            return
        kind = message.get("type")
        if kind == "ack":
            ids = [i for i in message.get("ids", []) if self._unacked.pop(i, None) is not None]
            self.acked += len(ids)
            if ids and self.on_ack is not None:
                self.on_ack(ids)
            self.backoff.reset()
        elif kind == "error":
            self._error(message)
        elif kind == "hello":
            self.limits = dict(message.get("limits", {}))
        elif kind == "reply" and self.on_reply is not None:
            self.on_reply(message)
        if len(self._unacked) < self.max_in_flight:
            self._room.set()
        if not self._unacked:
            self._settled.set()

    def _error(self, message: dict) -> None:
        msg_id = message.get("id")
        if self.on_error is not None:
            self.on_error(message)
        if msg_id is None or msg_id not in self._unacked:
            log.warning("ingest: console error %s: %s", message.get("code"),
                        message.get("message"))
            return
        if message.get("code") == "store_failed":
            # The console could not store it (disk full?): try again in a while.
            asyncio.get_running_loop().call_later(STORE_RETRY_S, self._requeue, msg_id)
            return
        self._unacked.pop(msg_id)
        self.rejected.append(message)

    def _requeue(self, msg_id: str) -> None:
        if msg_id in self._unacked:
            self._outbox.append(msg_id)
            self._has_outbox.set()
