"""Who may connect to /seat, kept current: the registry read on its own thread, polled.

``SeatGate`` authenticates each handshake against the registry as it is at that
moment (a seat added or revoked by ``videohelp seat`` in another process
counts at once) and polls it every ``poll_s`` so that a seat revoked while
connected is dropped: ``on_gone(names)`` is called with the seats no longer
valid. Reads run on one thread with its own connection (WAL: beside the
writer), never on the loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from websockets.http11 import Request as HttpRequest

from videohelp.core import seats as registry
from videohelp.core.seats import Seat, SeatDirectory
from videohelp.core.server import bearer_token
from videohelp.core.store import Store

log = logging.getLogger(__name__)


class SeatGate:
    """The registry as the server sees it (see the module docstring)."""

    def __init__(self, database: Path | str, on_gone: Callable[[set[str]], None], *,
                 directory: SeatDirectory | None = None, poll_s: float = 1.0) -> None:
        self.database = database
        self.on_gone = on_gone
        self.directory = directory or SeatDirectory()
        self.poll_s = poll_s
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="seat-registry")
        self._store: Store | None = None
        self._version: tuple[int, int, int] | None = None
        self._reloading: asyncio.Future[None] | None = None
        self._poll: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    async def read(self, func: Callable[..., Any], *args: Any) -> Any:
        """Run ``func(store, *args)`` on the registry's reader thread."""
        loop = self._loop or asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self._run, func, args)

    def _run(self, func: Callable[..., Any], args: tuple) -> Any:
        if self._store is None:
            self._store = Store(self.database)
        return func(self._store, *args)

    def _close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    async def start(self) -> None:
        # The loop is kept: the poll must not ask for "the running loop" when it wakes, as a
        # desk test's bare Qt wait (qtbot.waitSignal) steps asyncio tasks outside it.
        self._loop = asyncio.get_running_loop()
        await self.reload()
        self._poll = self._loop.create_task(self._polling(), name="seat-registry")

    async def stop(self) -> None:
        if self._poll is not None:
            self._poll.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._poll
        await asyncio.get_running_loop().run_in_executor(self._executor, self._close)
        self._executor.shutdown(wait=True)

    async def reload(self) -> None:
        """Re-read the seats (concurrent calls share one read: a burst of bad tokens costs one)."""
        if self._reloading is None or self._reloading.done():
            self._reloading = asyncio.ensure_future(self._reload())
        await asyncio.shield(self._reloading)

    async def _reload(self) -> None:
        version, seats = await self.read(lambda store: (registry.registry_version(store),
                                                        registry.active_seats(store)))
        if version == self._version:
            return
        self._version = version
        gone = self.directory.load(seats)
        if gone:
            self.on_gone(gone)

    async def _polling(self) -> None:
        assert self._loop is not None
        while True:
            wake: asyncio.Future[None] = self._loop.create_future()
            timer = self._loop.call_later(self.poll_s, _wake, wake)
            try:
                await wake
            finally:
                timer.cancel()
            try:
                await self.reload()
            except Exception:
                log.exception("reading the seat registry failed")

    async def authenticate(self, request: HttpRequest) -> Seat | None:
        """The seat of the handshake's bearer token, or None (the server answers 401)."""
        token = bearer_token(request)
        if token is None:
            return None
        await self.reload()  # one tiny query per handshake: the registry as it is now
        seat = self.directory.authenticate(token)
        if seat is None:
            log.warning("seat refused: unknown or revoked token")
        return seat


def _wake(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)
