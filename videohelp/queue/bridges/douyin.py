"""The Douyin bridge: a local comment relay's JSON in, /ingest protocol items out.

Which relays and envelopes are understood is ``douyin_formats``' business (pure mapping);
this module does the I/O. Most relays (BarrageGrab, DouyinLiveWebFetcher-style forwarders)
are WebSocket servers the bridge connects to (``DouyinBridge.run``); dycast's relay is a
WebSocket *client* that connects to an address you give it, so the bridge can also listen
for relays (``DouyinBridge.listen``). Either way the mapped items go through ``IngestClient``,
which keeps what the console has not acknowledged and resends it after the console comes back.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable

from websockets.asyncio.client import connect
from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import WebSocketException

from videohelp.queue.bridges.client import Backoff, IngestClient
from videohelp.queue.bridges.douyin_formats import PLATFORM, map_relay_message

__all__ = ["PLATFORM", "DouyinBridge", "map_relay_message"]

log = logging.getLogger(__name__)

class DouyinBridge:
    """Connects to a relay, maps its messages and sends them to the console."""

    def __init__(self, relay_url: str, client: IngestClient, *, backoff: Backoff | None = None,
                 open_timeout: float = 10.0, clock: Callable[[], int] | None = None) -> None:
        import time

        self.relay_url = relay_url
        self.client = client
        self.backoff = backoff or Backoff()
        self.open_timeout = open_timeout
        self.clock = clock or (lambda: int(time.time() * 1000))
        self.connections = 0
        self.messages = 0
        self.skipped = 0
        self.forwarded = 0
        self.connected = asyncio.Event()

    async def run(self) -> None:
        """Relay -> console until cancelled, reconnecting to the relay with backoff."""
        while True:
            try:
                async with connect(self.relay_url, open_timeout=self.open_timeout,
                                   ping_interval=20, ping_timeout=20, close_timeout=5,
                                   max_size=4 * 1_048_576) as relay:
                    self.connections += 1
                    self.connected.set()
                    log.info("douyin relay %s connected", self.relay_url)
                    async for raw in relay:
                        self.backoff.reset()
                        await self._forward(raw)
                log.info("douyin relay %s closed the connection", self.relay_url)
            except (OSError, TimeoutError, WebSocketException) as exc:
                log.info("douyin relay %s: %s", self.relay_url, exc)
            finally:
                self.connected.clear()
            delay = self.backoff.delay()
            log.info("douyin relay: reconnecting in %.1f s", delay)
            await asyncio.sleep(delay)

    async def listen(self, host: str, port: int,
                     started: asyncio.Future[int] | None = None) -> None:
        """Accept relays that connect to the bridge (dycast's 转发 / relay) until cancelled.

        Listens on ``host`` (keep it 127.0.0.1 unless the relay runs on another machine);
        ``started`` gets the bound port. Several relays may connect at once."""

        async def relay_connected(relay: ServerConnection) -> None:
            self.connections += 1
            self.connected.set()
            log.info("douyin relay connected from %s", relay.remote_address)
            try:
                async for raw in relay:
                    await self._forward(raw)
            except WebSocketException as exc:
                log.info("douyin relay from %s: %s", relay.remote_address, exc)
            log.info("douyin relay from %s disconnected", relay.remote_address)

        async with serve(relay_connected, host, port, max_size=4 * 1_048_576,
                         ping_interval=20, ping_timeout=20, close_timeout=5) as server:
            bound = next(iter(server.sockets)).getsockname()[1]
            log.info("douyin bridge listening for relays on %s:%d", host, bound)
            if started is not None and not started.done():
                started.set_result(bound)
            await asyncio.Future()  # until cancelled

    async def _forward(self, raw: str | bytes) -> None:
        self.messages += 1
        try:
            message = json.loads(raw)
        except ValueError:
            self.skipped += 1
            return
        items = map_relay_message(message, self.clock())
        if not items:
            self.skipped += 1
        for item in items:
            await self.client.send(item)  # waits while the console is behind
            self.forwarded += 1
