"""A real console for seat tests, built by the one wiring: /seat on a loopback port."""

from __future__ import annotations

import asyncio
import json
import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

from videohelp.console.actions import ShowActions
from videohelp.console.seat_connection import HubLimits
from videohelp.console.seat_server import SeatHub
from videohelp.console.wiring import Console, ConsoleOptions, build_console
from videohelp.core import seats
from videohelp.core.paths import data_paths
from videohelp.core.server import ConsoleServer
from videohelp.core.settings import Settings
from videohelp.core.store import Store
from videohelp.queue.comments import IncomingComment, StoredComment
from videohelp.queue.pipeline import IngestPipeline
from videohelp.queue.seat_events import REPLAY_EVENTS
from videohelp.streaming.cards import CardRenderer
from videohelp.streaming.program import ProgramEngine


@dataclass
class SeatConsole:
    console: Console
    counter: int = 0

    @property
    def database(self) -> Path:
        return self.console.paths.database

    @property
    def pipeline(self) -> IngestPipeline:
        return self.console.pipeline

    @property
    def program(self) -> ProgramEngine:
        return self.console.program

    @property
    def renderer(self) -> CardRenderer:
        return self.console.renderer

    @property
    def actions(self) -> ShowActions:
        return self.console.actions

    @property
    def hub(self) -> SeatHub:
        return self.console.hub

    @property
    def server(self) -> ConsoleServer:
        return self.console.server

    def url(self, **query: Any) -> str:
        base = self.server.url("/seat")
        return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")

    def add_seat(self, name: str, role: str) -> str:
        """As ``videohelp seat add`` does it: its own connection to the database."""
        store = Store(self.database)
        try:
            return seats.add_seat(store, name, role)[1]
        finally:
            store.close()

    def revoke(self, name: str) -> None:
        store = Store(self.database)
        try:
            seats.revoke_seat(store, name)
        finally:
            store.close()

    async def submit(self, *texts: str, user: str = "杭州小王") -> list[StoredComment]:
        comments = []
        for text in texts:
            self.counter += 1
            comments.append(IncomingComment("douyin", f"m{self.counter}", f"u{self.counter}", user,
                                            text, 1_700_000_000_000 + self.counter))
        return (await self.pipeline.submit(comments)).stored

    async def connect(self, token: str | None, ssl_context: ssl.SSLContext | None = None,
                      **query: Any) -> ClientConnection:
        headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
        return await connect(self.url(**query), additional_headers=headers, ssl=ssl_context,
                             open_timeout=5, max_size=16 * 1_048_576, compression=None,
                             max_queue=None, close_timeout=2)

    async def stop(self) -> None:
        await self.console.stop()


def small_settings(**values: Any) -> Settings:
    """Settings of a small, fast program (640x360 at 25 fps), with ``values`` on top."""
    settings = Settings()
    for name, value in {"program.width": 640, "program.height": 360, "program.fps": 25,
                        **values}.items():
        settings.set(name, value)
    return settings


async def start_console(tmp_path: Path, *, limits: HubLimits | None = None,
                        ssl_context: ssl.SSLContext | None = None,
                        replay_events: int = REPLAY_EVENTS, blocklist: tuple[str, ...] = (),
                        triage: bool = False) -> SeatConsole:
    """A console as ``serve`` builds it (triage off unless asked: it takes seconds to build)."""
    data = tmp_path / "data"
    data.mkdir(exist_ok=True)
    console = build_console(data_paths(data), small_settings(**{"ingest.blocklist": list(blocklist)}),
                            ConsoleOptions(host="127.0.0.1", port=0, tls=ssl_context, triage=triage,
                                           hub_limits=limits or HubLimits(poll_s=0.2),
                                           replay_events=replay_events))
    await console.start()
    return SeatConsole(console)


async def recv(ws: ClientConnection, timeout: float = 3.0) -> dict[str, Any]:
    return json.loads(await asyncio.wait_for(ws.recv(), timeout))


async def recv_until(ws: ClientConnection, kind: str, name: str | None = None, rid: str | None = None,
                     timeout: float = 3.0) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Read until a message of ``kind`` (and event ``name`` or ``rid``); return it and all before it."""
    seen: list[dict[str, Any]] = []
    async with asyncio.timeout(timeout):
        while True:
            message = json.loads(await ws.recv())
            if message["type"] == kind and (name is None or message.get("name") == name) \
                    and (rid is None or message.get("rid") == rid):
                return message, seen
            seen.append(message)


async def request(ws: ClientConnection, action: str, rid: str = "r", **fields: Any
                  ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Send an action; return the reply and the events that arrived before it."""
    await ws.send(json.dumps({"type": action, "rid": rid, **fields}, ensure_ascii=False))
    reply, before = await recv_until_reply(ws, rid)
    return reply, before


async def recv_until_reply(ws: ClientConnection, rid: str, timeout: float = 5.0
                           ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    seen: list[dict[str, Any]] = []
    async with asyncio.timeout(timeout):
        while True:
            message = json.loads(await ws.recv())
            if message["type"] in ("ok", "error") and message.get("rid") == rid:
                return message, seen
            seen.append(message)
