"""The /ingest endpoint: bridges' frames in, acknowledgements out once durable.

One ``IngestHandler`` serves every bridge connection. Per connection it reads
frames, parses them (``protocol.parse_frame``, pure), answers errors at once,
and hands comments to the ``IngestPipeline`` without waiting for the commit, so
a bridge may keep several frames in flight. Each frame's ids are acknowledged
when the pipeline resolves its commit, never before.

Flow control, from the inside out: the pipeline holds at most ``max_pending``
submissions; each connection at most ``max_in_flight`` uncommitted comments.
A connection over its share is simply not read until commits catch up, so its
socket buffers fill and the bridge's sends block (TCP back-pressure) while
other connections carry on. Memory stays bounded by these limits. A bridge
that stops reading its acknowledgements for ``send_timeout_s`` is dropped:
close 1008, its TCP connection cut if it does not read that within
``CLOSE_GRACE_S``. A viewer
spamming is a different problem, handled where ids are known: the writer's
``RepeatTracker`` collapses the burst (``repeat_of``).
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request

from videohelp.core.client_limits import BRIDGE
from videohelp.core.platforms import PLATFORM_NAME
from videohelp.core.server import ConsoleServer, bearer_token
from videohelp.queue.dedup import RepeatRules
from videohelp.queue.persist import CommentWriter, WriteResult, now_ms
from videohelp.queue.pipeline import IngestPipeline
from videohelp.queue.protocol import (
    Code,
    FrameError,
    Limits,
    ack_json,
    hello_json,
    parse_frame,
)

log = logging.getLogger(__name__)

INGEST_PATH = "/ingest"
_MAX_IDS_PER_ACK = 1000
_MAX_QUEUED_ERRORS = 256
_LOGGED_ERRORS_PER_CONNECTION = 5
# A reader hands the loop over after this many items read without waiting (a frame counts
# one more): after every large batch, after ~16 single comments. recv() returns buffered
# frames without yielding, and a flood must not hold the loop; but a bridge sending single
# comments waits in recv() between them anyway, and yielding after each as well cost the
# desk a loop turn per comment (issue 15).
_ITEMS_BEFORE_YIELD = 32
CLOSE_NOT_READING = 1008
# A dropped bridge's close frame waits behind every ack it has not read: one that does not
# read it within this long has its TCP connection cut (else it would linger until keepalive).
CLOSE_GRACE_S = 1.0


@dataclass(frozen=True)
class IngestConfig:
    """Who may ingest (platform -> token) and within which limits."""

    tokens: Mapping[str, str] = field(default_factory=dict)
    limits: Limits = field(default_factory=Limits)
    max_in_flight: int = 2000        # uncommitted comments per connection
    send_timeout_s: float = 30.0     # a bridge not reading its acks this long is dropped

    @classmethod
    def from_settings(cls, settings: Any, extra_tokens: Mapping[str, str] | None = None
                      ) -> IngestConfig:
        tokens = {**settings["ingest.tokens"], **(extra_tokens or {})}
        limits = Limits(
            max_frame_bytes=settings["ingest.max_frame_bytes"],
            max_batch_items=settings["ingest.max_batch_items"],
            max_text_chars=settings["ingest.max_text_chars"],
            max_future_ms=int(settings["ingest.max_future_s"] * 1000),
        )
        return cls(tokens=tokens, limits=limits, max_in_flight=settings["ingest.max_in_flight"])

    def problems(self) -> list[str]:
        """What is wrong with the token configuration, for the log and ``serve``."""
        found = []
        if not any(self.tokens.values()):
            found.append("no bridge tokens configured: every /ingest connection will be refused")
        for platform, token in self.tokens.items():
            if not PLATFORM_NAME.match(platform):
                found.append(f"platform name {platform!r} must be 1-32 of a-z, 0-9, _, -")
            elif token and len(token) < 12:
                found.append(f"the token for {platform} is short; use 12 characters or more")
        return found


def repeat_rules(settings: Any) -> RepeatRules:
    return RepeatRules(
        viewer_window_ms=int(settings["ingest.repeat_window_s"] * 1000),
        text_window_ms=int(settings["ingest.same_text_window_s"] * 1000),
        burst=settings["ingest.spam_burst"],
        burst_window_ms=int(settings["ingest.spam_window_s"] * 1000),
    )


def writer_from_settings(database: Any, settings: Any) -> CommentWriter:
    """The comment writer with the settings' blocklist and repeat rules."""
    return CommentWriter(database, settings["ingest.blocklist"], repeat_rules(settings))


@dataclass
class PlatformStats:
    connections: int = 0
    frames: int = 0
    acked: int = 0
    rejected: int = 0


class IngestHandler:
    """Serves ``/ingest`` for every bridge; install it on a ``ConsoleServer``."""

    def __init__(self, pipeline: IngestPipeline, config: IngestConfig,
                 clock: Any = now_ms) -> None:
        self.pipeline = pipeline
        self.config = config
        self.clock = clock
        self.stats: dict[str, PlatformStats] = {}
        self._bridges: set[_BridgeConnection] = set()
        # Issue 19 hook: bridges that offer replies (bridges/replies.ReplyRouter), if set.
        self.replies: Any = None
        self._tokens = [(platform, token.encode("utf-8"))
                        for platform, token in config.tokens.items()
                        if token and PLATFORM_NAME.match(platform)]

    @property
    def in_flight(self) -> dict[str, int]:
        """Uncommitted comments per connected platform (for status and tests)."""
        counts: dict[str, int] = {}
        for bridge in self._bridges:
            counts[bridge.platform] = counts.get(bridge.platform, 0) + bridge.in_flight
        return counts

    def install(self, server: ConsoleServer, path: str = INGEST_PATH) -> None:
        # Frames up to twice the protocol limit are read and refused with an error
        # (the connection stays open); beyond that the connection is closed (1009).
        server.add_route(path, self.handle, authenticate=self.authenticate,
                         max_bytes=2 * self.config.limits.max_frame_bytes, kind=BRIDGE)

    def authenticate(self, request: Request) -> str | None:
        """The platform whose token the handshake carries, or None (-> HTTP 401)."""
        token = bearer_token(request)
        if token is None:
            return None
        offered = token.encode("utf-8")
        found = None
        for platform, expected in self._tokens:
            # Compare against every token, in constant time, whatever matches first.
            if hmac.compare_digest(offered, expected):
                found = platform
        return found

    async def handle(self, connection: ServerConnection, platform: str) -> None:
        stats = self.stats.setdefault(platform, PlatformStats())
        stats.connections += 1
        bridge = _BridgeConnection(self, connection, platform, stats)
        self._bridges.add(bridge)
        log.info("bridge %s connected from %s", platform, connection.remote_address)
        try:
            await bridge.run()
        finally:
            self._bridges.discard(bridge)
            stats.connections -= 1
            log.info("bridge %s from %s gone: %d frames, %d acked, %d rejected",
                     platform, connection.remote_address, bridge.frames, bridge.acked,
                     bridge.rejected)


class _BridgeConnection:
    """One bridge's connection: a reader (parse, submit) and a sender (acks, errors)."""

    def __init__(self, handler: IngestHandler, connection: ServerConnection, platform: str,
                 stats: PlatformStats) -> None:
        self.handler = handler
        self.connection = connection
        self.platform = platform
        self.stats = stats
        self.frames = self.acked = self.rejected = 0
        self.in_flight = 0
        self._room = asyncio.Event()
        self._room.set()
        self._acks: list[str] = []
        self._outbox: deque[str] = deque()  # hello and errors, sent before acks
        self._outbox_drained = asyncio.Event()
        self._outbox_drained.set()
        self._wake = asyncio.Event()
        self._not_reading = False  # set by the sender when an ack could not be written in time

    async def run(self) -> None:
        self._outbox.append(hello_json(self.platform, self.handler.config.limits))
        self._wake.set()
        replies = self.handler.replies  # issue 19 hook: replies to an opted-in bridge
        leave = replies.join(self.connection, self.platform, self.push) if replies else None
        loop = asyncio.get_running_loop()
        tasks = {loop.create_task(self._read_loop(), name=f"ingest-read-{self.platform}"),
                 loop.create_task(self._send_loop(), name=f"ingest-send-{self.platform}")}
        # Either ending ends both: a reader without a sender would pile up acks.
        try:
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            if leave is not None:
                leave()
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError, ConnectionClosed):
                    await task  # anything else is a bug: websockets logs it, closes 1011
        if self._not_reading:
            await self._drop()

    def push(self, message: str) -> None:
        """Send ``message`` with the acks (a reply, issue 19); the send timeout applies."""
        self._outbox.append(message)
        self._wake.set()

    async def _drop(self) -> None:
        """Close 1008, or cut the TCP connection if the bridge does not read that in time.

        The reader is stopped first: nothing more is taken from a bridge being dropped.
        """
        try:
            async with asyncio.timeout(CLOSE_GRACE_S):
                await self.connection.close(CLOSE_NOT_READING, "not reading acknowledgements")
        except TimeoutError:
            self.connection.transport.abort()

    async def _read_loop(self) -> None:
        config, pipeline = self.handler.config, self.handler.pipeline
        unyielded = 0
        while True:
            # No read timeout: a quiet bridge is fine; keepalive pings find dead ones.
            raw = await self.connection.recv(decode=False)
            self.frames += 1
            self.stats.frames += 1
            frame = parse_frame(raw, self.platform, self.handler.clock(), config.limits)
            for error in frame.errors:
                await self._queue_error(error)
            count = len(frame.comments) + len(frame.events)
            if not count:
                continue
            # Back-pressure: stop reading this bridge while its share is in flight.
            while self.in_flight and self.in_flight + count > config.max_in_flight:
                self._room.clear()
                await self._room.wait()
            self.in_flight += count
            try:
                future = await pipeline.enqueue(frame.comments, frame.events, source=self)
            except BaseException:
                self.in_flight -= count
                raise
            future.add_done_callback(partial(self._committed, frame.ids, count))
            unyielded += count + 1
            if unyielded >= _ITEMS_BEFORE_YIELD:
                # Let other bridges and commit callbacks in between a flood's frames.
                unyielded = 0
                await asyncio.sleep(0)

    def _committed(self, ids: list[str], count: int, future: asyncio.Future[WriteResult]) -> None:
        self.in_flight -= count
        self._room.set()
        if future.cancelled():
            exc: BaseException | None = asyncio.CancelledError()
        else:
            exc = future.exception()
        if exc is None:
            self._acks.extend(ids)
            self.acked += len(ids)
            self.stats.acked += len(ids)
        else:
            # Not stored: say so per id; the bridge keeps them and resends.
            for msg_id in ids:
                self._outbox.append(FrameError(msg_id, Code.STORE_FAILED,
                                               f"not stored ({type(exc).__name__}); "
                                               "resend later").to_json())
        self._wake.set()

    async def _queue_error(self, error: FrameError) -> None:
        self.rejected += 1
        self.stats.rejected += 1
        if self.rejected <= _LOGGED_ERRORS_PER_CONNECTION:
            log.info("bridge %s: %s %s", self.platform, error.code.value, error.message[:200])
        # A bridge sending garbage faster than it reads our answers waits here.
        while len(self._outbox) >= _MAX_QUEUED_ERRORS:
            self._outbox_drained.clear()
            await self._outbox_drained.wait()
        self._outbox.append(error.to_json())
        self._wake.set()

    async def _send_loop(self) -> None:
        timeout = self.handler.config.send_timeout_s
        while True:
            await self._wake.wait()
            self._wake.clear()
            while self._outbox or self._acks:
                if self._outbox:
                    message = self._outbox.popleft()
                else:
                    ids = self._acks[:_MAX_IDS_PER_ACK]
                    del self._acks[:_MAX_IDS_PER_ACK]
                    message = ack_json(ids)
                try:
                    async with asyncio.timeout(timeout):
                        await self.connection.send(message)
                except TimeoutError:
                    log.warning("bridge %s read no acknowledgement for %g s; dropping it",
                                self.platform, timeout)
                    self._not_reading = True  # run() stops the reader, then closes
                    return
                if len(self._outbox) < _MAX_QUEUED_ERRORS:
                    self._outbox_drained.set()


def build_ingest(server: ConsoleServer, pipeline: IngestPipeline,
                 config: IngestConfig) -> IngestHandler:
    """Install ``/ingest`` on ``server``, logging configuration problems."""
    for problem in config.problems():
        log.warning("ingest: %s", problem)
    handler = IngestHandler(pipeline, config)
    handler.install(server)
    return handler
