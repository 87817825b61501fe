"""One connected seat on /seat: its bounded queue of frames and the task that sends them.

Fan-out never waits on a seat: ``push`` appends to the seat's own queue and
returns. A seat whose backlog passes ``HubLimits.queue_events`` (it stopped
reading, or its link is too slow), or whose one frame takes longer than
``send_timeout_s`` to write, is dropped: close code 4002, or, if it does not
even read its close frame within ``CLOSE_GRACE_S``, its TCP connection is cut.
It resyncs when it reconnects (``?since=N``).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from dataclasses import dataclass
from typing import Protocol

from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed

from videohelp.core.seats import Seat

log = logging.getLogger(__name__)

CLOSE_REVOKED = 4001
CLOSE_LAGGING = 4002
CLOSE_GRACE_S = 1.0


@dataclass(frozen=True)
class HubLimits:
    queue_events: int = 2000      # a seat's backlog of unsent frames before it is dropped
    send_timeout_s: float = 10.0  # one frame not written within this drops the seat
    requests_per_s: float = 20.0  # sustained requests per connection (token bucket)
    request_burst: int = 60
    poll_s: float = 1.0           # how often the registry is re-read (revocations)
    # The kernel's send buffer per seat: small enough that a seat not reading shows up in its
    # queue (not megabytes hidden in the kernel), large enough for a remote expert's link.
    socket_send_buffer: int = 256 * 1024
    # New comments go to the seats as one comment.added event per this many seconds, not one
    # per commit (issue 15: on a fast disk a commit holds a comment or two).
    added_batch_s: float = 0.1
    # After the last seat left, events are kept for resuming this long, then no longer
    # encoded until a seat connects (it gets a snapshot): no JSON per comment for nobody.
    replay_grace_s: float = 300.0


class _Hub(Protocol):
    limits: HubLimits

    def discard(self, connection: SeatConnection) -> None: ...

    def background(self, task: asyncio.Future) -> None: ...


class SeatConnection:
    """One connected seat: its queue of frames and the task that sends them."""

    def __init__(self, hub: _Hub, ws: ServerConnection, seat: Seat) -> None:
        self.hub, self.ws, self.seat = hub, ws, seat
        self.queue: deque[str] = deque()
        self.allowance = 0  # greeting frames (snapshot, replay) not counted as lag
        self.wake = asyncio.Event()
        self.dropped = False
        self.tokens = float(hub.limits.request_burst)
        self.refilled = time.monotonic()

    def push(self, text: str, *, greeting: bool = False) -> None:
        if self.dropped:
            return
        self.queue.append(text)
        if greeting:
            self.allowance += 1
        elif len(self.queue) - self.allowance > self.hub.limits.queue_events:
            self.drop(CLOSE_LAGGING, "too far behind; reconnect with since= to resync")
            return
        self.wake.set()

    def drop(self, code: int, reason: str) -> None:
        """Stop sending and close; never waits (the close runs in the background)."""
        if self.dropped:
            return
        self.dropped = True
        self.queue.clear()
        self.wake.set()
        log.info("seat %s dropped: %s", self.seat.name, reason)
        self.hub.discard(self)
        self.hub.background(asyncio.ensure_future(self._close(code, reason)))

    async def _close(self, code: int, reason: str) -> None:
        """Close with ``code``; a peer that does not read gets its TCP connection cut after
        ``CLOSE_GRACE_S`` (its close frame would wait behind everything it has not read)."""
        try:
            await asyncio.wait_for(self.ws.close(code, reason), CLOSE_GRACE_S)
        except (TimeoutError, OSError):
            self.ws.transport.abort()

    def allow_request(self) -> bool:
        now = time.monotonic()
        limits = self.hub.limits
        self.tokens = min(limits.request_burst, self.tokens + (now - self.refilled) * limits.requests_per_s)
        self.refilled = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True

    async def send_loop(self) -> None:
        timeout = self.hub.limits.send_timeout_s
        while not self.dropped:
            if not self.queue:
                self.wake.clear()
                await self.wake.wait()
                continue
            text = self.queue.popleft()
            self.allowance = max(0, self.allowance - 1)
            try:
                await asyncio.wait_for(self.ws.send(text), timeout)
            except TimeoutError:
                self.drop(CLOSE_LAGGING, f"a frame took over {timeout:g} s to send")
            except ConnectionClosed:
                return
            except Exception:  # never leave a seat connected with nobody sending to it
                log.exception("sending to seat %s failed", self.seat.name)
                self.drop(1011, "internal error; reconnect")
                return
