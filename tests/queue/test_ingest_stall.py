"""/ingest: a bridge that keeps sending but stops reading its acks (docs/protocol.md, limits).

It is dropped ``send_timeout_s`` after the console's ack sends block: close 1008 "not reading
acknowledgements", and its TCP connection cut if it does not read even that within
``CLOSE_GRACE_S``. Every ack it got names a stored comment, a resend after reconnecting stores
nothing twice, and the other bridges' acks never wait on it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed
from websockets.frames import Close
from websockets.protocol import State

from tests.queue.ingest_support import TOKENS, Console, batch, bridge, comment, running_console
from videohelp.queue.ingest import CLOSE_GRACE_S, IngestConfig

pytestmark = pytest.mark.asyncio

SEND_TIMEOUT_S = 1.5
QUIET_ACK_BOUND_S = 0.5   # well under SEND_TIMEOUT_S: waiting on a stalled bridge would show
POLL_S = 0.01
EARLY_S = 0.4             # how late a poll may notice the stall on a busy machine (a halved
                          # timeout, 0.75 s, still fails the lower bound)
SLACK_S = 0.5             # event-loop latency allowed on top of a timeout
ALL_TOKENS = {**TOKENS, "zlb": "zlb-token-0123456789"}
WATCHED = "/ingest-watched"   # the same ingest handler, on a route that shows the test its sockets


def long_id(platform: str, n: int) -> str:
    """A 128-character id (the limit): every ack then fills the console's buffers fast."""
    return f"{platform}-{n:08d}-".ljust(128, "x")


@dataclass
class Timeline:
    """When the console's side of one stalled connection changed (``time.monotonic()``)."""

    stalled: asyncio.Event = field(default_factory=asyncio.Event)
    stalled_at: float | None = None  # its ack sends block (write buffer over the high mark)
    closing_at: float | None = None  # the console gave up sending and closed (1008)
    gone_at: float | None = None     # the TCP connection is gone

    async def watch(self, server_side: ServerConnection) -> None:
        transport = server_side.transport
        low, high = transport.get_write_buffer_limits()
        while server_side.state is State.OPEN:
            size = transport.get_write_buffer_size()
            if size > high and self.stalled_at is None:
                self.stalled_at = time.monotonic()
                self.stalled.set()
            elif size <= low:  # writing resumed: a later block is the one that counts
                self.stalled_at = None
            await asyncio.sleep(POLL_S)
        self.closing_at = time.monotonic()
        while server_side.state is not State.CLOSED:
            await asyncio.sleep(POLL_S)
        self.gone_at = time.monotonic()


@dataclass
class StalledBridge:
    """A bridge that reads its hello, then only sends: fast until its acks back up, then a
    trickle, until the console drops it."""

    platform: str
    ws: ClientConnection
    timeline: Timeline
    items: dict[str, dict[str, Any]] = field(default_factory=dict)  # everything sent, by id

    async def keep_sending(self) -> None:
        n = 0
        with contextlib.suppress(ConnectionClosed):
            while True:
                size = 20 if self.timeline.stalled.is_set() else 500
                frame = [comment(long_id(self.platform, n + i), f"第{n + i}个问题",
                                 user=f"v{i}", platform=self.platform) for i in range(size)]
                self.items.update((item["id"], item) for item in frame)
                n += size
                await self.ws.send(batch(frame))
                if self.timeline.stalled.is_set():
                    await asyncio.sleep(0.05)  # pacing only: it keeps sending while stalled


async def open_stalled(console: Console, platform: str) -> StalledBridge:
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    # Little queued on the way in either: the console has read (and committed) about all it
    # was sent by the time it drops the bridge, which keeps the resend short.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 64 * 1024)
    sock.connect(("127.0.0.1", console.server.port))
    sock.setblocking(False)
    # max_queue=1 and no recv() after the hello: the client library stops reading the socket.
    ws = await connect(console.url(WATCHED), sock=sock, max_queue=1, compression=None,
                       open_timeout=5, close_timeout=2,
                       additional_headers={"Authorization": f"Bearer {ALL_TOKENS[platform]}"})
    hello = json.loads(await asyncio.wait_for(ws.recv(), 5))
    assert hello["type"] == "hello" and hello["platform"] == platform
    return StalledBridge(platform, ws, Timeline())


async def read_until_closed(ws: ClientConnection) -> tuple[list[str], Close | None]:
    """Every id acknowledged until the connection closed, and the close frame received."""
    acked: list[str] = []
    try:
        while True:
            message = json.loads(await asyncio.wait_for(ws.recv(), 5))
            assert message["type"] == "ack", message
            acked.extend(message["ids"])
    except ConnectionClosed as closed:
        return acked, closed.rcvd


async def deliver(console: Console, platform: str, items: list[dict[str, Any]]) -> list[str]:
    """Resend ``items`` on a fresh connection that reads its acks; all must be acknowledged."""
    async with bridge(console, platform, token=ALL_TOKENS[platform]) as again:
        reader = asyncio.ensure_future(again.acked(len(items), timeout=10))
        for start in range(0, len(items), 500):
            await again.send(batch(items[start:start + 500]))
        return await reader


@dataclass
class QuietBridge:
    """Sends one comment at a time and times each ack."""

    probes: list[tuple[float, float]] = field(default_factory=list)  # (sent at, ack latency)

    async def run(self, console: Console) -> None:
        async with bridge(console, "app") as quiet:
            for i in range(100_000):
                started = time.monotonic()
                await quiet.send(comment(f"q{i}", f"安静的问题{i}", user=f"q{i}", platform="app"))
                assert await quiet.acked(1, timeout=5) == [f"q{i}"]
                self.probes.append((started, time.monotonic() - started))
                await asyncio.sleep(0.02)  # pacing only

    def during(self, start: float, end: float) -> list[float]:
        return [latency for sent, latency in self.probes if start <= sent <= end]


@pytest.mark.slow  # about 7 s: MiBs of acks to fill the kernel's buffers, then the timeouts
async def test_a_bridge_not_reading_its_acks_is_dropped_and_loses_nothing(tmp_path: Path) -> None:
    config = IngestConfig(tokens=ALL_TOKENS, send_timeout_s=SEND_TIMEOUT_S)
    async with running_console(tmp_path / "videohelp.sqlite3", config=config) as console, \
            asyncio.timeout(25):
        loop = asyncio.get_running_loop()
        server_sides = {platform: loop.create_future() for platform in ("douyin", "zlb")}

        async def watched(connection: ServerConnection, platform: str) -> None:
            server_sides[platform].set_result(connection)
            await console.ingest.handle(connection, platform)

        console.server.add_route(WATCHED, watched, authenticate=console.ingest.authenticate,
                                 max_bytes=2 * config.limits.max_frame_bytes)
        quiet = QuietBridge()
        prober = asyncio.ensure_future(quiet.run(console))
        # douyin stops reading, then reads again once dropped: it must find the close frame.
        # zlb never reads again: its connection must be cut.
        resumes, never = [await open_stalled(console, p) for p in ("douyin", "zlb")]
        tasks = []
        for stalled in (resumes, never):
            tasks.append(asyncio.ensure_future(stalled.timeline.watch(
                await asyncio.wait_for(server_sides[stalled.platform], 5))))
            tasks.append(asyncio.ensure_future(stalled.keep_sending()))

        async with asyncio.timeout(10):  # filling the kernel's buffers (MiBs of acks) + timeouts
            while resumes.timeline.closing_at is None:
                await asyncio.sleep(POLL_S)
        # Dropped: read everything it was sent before the close, as a bridge waking up would.
        acked_before_drop, close = await read_until_closed(resumes.ws)
        stored = {msg_id for (msg_id,) in console.rows(
            "SELECT msg_id FROM comments WHERE platform = 'douyin'")}
        # Every ack the console queued for the stalled bridges, read or not, is for a stored row.
        for platform in ("douyin", "zlb"):
            (count,), = console.rows("SELECT count(*) FROM comments WHERE platform = ?",
                                     (platform,))
            assert 0 < console.ingest.stats[platform].acked <= count
        async with asyncio.timeout(5):
            while never.timeline.gone_at is None or resumes.timeline.gone_at is None:
                await asyncio.sleep(POLL_S)
        await asyncio.wait_for(never.ws.wait_closed(), 5)  # its next send finds the cut
        if prober.done():
            prober.result()  # raises what stopped the quiet bridge
        assert console.ingest.stats["app"].connections == 1  # only the stalled ones dropped
        assert console.ingest.stats["douyin"].connections == 0
        assert console.ingest.stats["zlb"].connections == 0
        for task in (prober, *tasks):
            task.cancel()
        await asyncio.wait([prober, *tasks], timeout=5)

        for stalled in (resumes, never):
            timeline = stalled.timeline
            assert timeline.stalled_at is not None and timeline.closing_at is not None
            assert timeline.gone_at is not None
            waited = timeline.closing_at - timeline.stalled_at
            # Not before its acks were blocked for send_timeout_s, and not much after.
            assert SEND_TIMEOUT_S - EARLY_S <= waited <= SEND_TIMEOUT_S + SLACK_S, \
                (stalled.platform, waited)
            assert timeline.gone_at - timeline.closing_at <= CLOSE_GRACE_S + SLACK_S
            # The other bridges were served as usual all along.
            latencies = quiet.during(timeline.stalled_at, timeline.gone_at)
            assert len(latencies) >= 10, (stalled.platform, len(latencies))
            assert max(latencies) < QUIET_ACK_BOUND_S, (stalled.platform, sorted(latencies)[-5:])

        # The documented close code and reason reach a bridge that reads them in time.
        assert close is not None
        assert (close.code, close.reason) == (1008, "not reading acknowledgements")
        # One that never read has no close frame: its TCP connection was cut.
        assert never.ws.close_code == 1006
        # Every ack received before the drop names a comment already durably stored.
        assert acked_before_drop and len(set(acked_before_drop)) == len(acked_before_drop)
        assert set(acked_before_drop) <= stored
        assert set(acked_before_drop) <= set(resumes.items)

        # Nothing lost: resending whatever was not acknowledged stores every comment once.
        for stalled, acked in ((resumes, set(acked_before_drop)), (never, set())):
            unacked = [item for msg_id, item in stalled.items.items() if msg_id not in acked]
            assert unacked
            assert sorted(await deliver(console, stalled.platform, unacked)) == \
                sorted(item["id"] for item in unacked)
            rows = console.rows("SELECT msg_id FROM comments WHERE platform = ?",
                                (stalled.platform,))
            assert sorted(msg_id for (msg_id,) in rows) == sorted(stalled.items)
