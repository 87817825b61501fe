"""Shared pieces of the ingest tests: a real console (server + pipeline + SQLite) and a raw bridge."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

from videohelp.console.wiring import ConsoleOptions, build_console
from videohelp.core.client_limits import ClientLimits
from videohelp.core.paths import data_paths
from videohelp.core.server import ConsoleServer
from videohelp.core.settings import Settings
from videohelp.queue.ingest import IngestConfig, IngestHandler
from videohelp.queue.persist import CommentWriter
from videohelp.queue.pipeline import IngestPipeline

TOKENS = {"douyin": "douyin-token-0123456789", "app": "app-token-0123456789"}


def now_ms() -> int:
    return int(time.time() * 1000)


def comment(msg_id: str, text: str = "驾照到期了怎么换", user: str = "u1",
            platform: str | None = "douyin", **extra: Any) -> dict[str, Any]:
    item: dict[str, Any] = {"type": "comment", "id": msg_id, "user": {"id": user, "name": "杭州小王"},
                            "text": text, "ts": now_ms(), **extra}
    if platform is not None:
        item["platform"] = platform
    return item


def batch(items: list[dict[str, Any]]) -> str:
    return json.dumps({"type": "batch", "items": items}, ensure_ascii=False)


@dataclass
class Console:
    server: ConsoleServer
    pipeline: IngestPipeline
    ingest: IngestHandler
    database: Path

    def url(self, path: str = "/ingest") -> str:
        return self.server.url(path)

    def rows(self, sql: str = "SELECT platform, msg_id FROM comments ORDER BY id",
             params: tuple = ()) -> list[tuple]:
        """Read with a separate connection, as any other process would."""
        conn = sqlite3.connect(self.database)
        try:
            return [tuple(row) for row in conn.execute(sql, params)]
        finally:
            conn.close()


def _qapp() -> None:
    """The console renders cards (Qt); make the QApplication pytest-qt's ``qapp`` would, so
    that a later widget test finds the right kind (not the console's headless QGuiApplication)."""
    from PySide6.QtWidgets import QApplication

    if QApplication.instance() is None:
        _APPS.append(QApplication([]))


_APPS: list[object] = []


@asynccontextmanager
async def running_console(database: Path, *, config: IngestConfig | None = None,
                          writer: CommentWriter | None = None,
                          max_connections: int = 64, port: int = 0,
                          limits: ClientLimits | None = None, **pipeline_options: Any
                          ) -> AsyncIterator[Console]:
    """A console as ``serve`` builds it (the one wiring) on ``database``'s directory, with
    triage, suggestions and frame rendering off: these tests are about /ingest."""
    assert database.name == "videohelp.sqlite3", "the console keeps its database in a data directory"
    _qapp()
    settings = Settings()
    settings.set("server.max_connections", max_connections)
    console = build_console(data_paths(database.parent), settings, ConsoleOptions(
        host="127.0.0.1", port=port, ingest_config=config or IngestConfig(tokens=TOKENS),
        writer=writer or CommentWriter(database), pipeline_options=pipeline_options,
        triage=False, suggestions=False, run_program=False, limits=limits))
    await console.start()
    try:
        yield Console(console.server, console.pipeline, console.ingest, database)
    finally:
        await console.stop()


@asynccontextmanager
async def bridge(console: Console, platform: str = "douyin",
                 token: str | None = None, **options: Any) -> AsyncIterator[Bridge]:
    token = TOKENS[platform] if token is None else token
    async with connect(console.url(), additional_headers={"Authorization": f"Bearer {token}"},
                       compression=None, open_timeout=5, close_timeout=2, **options) as ws:
        hello = json.loads(await asyncio.wait_for(ws.recv(), 5))
        assert hello["type"] == "hello" and hello["platform"] == platform
        yield Bridge(ws, hello)


@dataclass
class Bridge:
    """A raw bridge connection; ``answer()`` reads the next ack or error."""

    ws: ClientConnection
    hello: dict[str, Any]

    async def send(self, message: str | bytes | dict, **kwargs: Any) -> None:
        if isinstance(message, dict):
            message = json.dumps(message, ensure_ascii=False)
        await self.ws.send(message, **kwargs)

    async def answer(self, timeout: float = 5.0) -> dict[str, Any]:
        return json.loads(await asyncio.wait_for(self.ws.recv(), timeout))

    async def acked(self, count: int, timeout: float = 10.0) -> list[str]:
        """Read answers until ``count`` ids are acknowledged; errors fail the test."""
        ids: list[str] = []
        while len(ids) < count:
            message = await self.answer(timeout)
            assert message["type"] == "ack", message
            ids.extend(message["ids"])
        return ids


async def flood(url: str, token: str, platform: str, seconds: float, size: int = 500) -> int:
    """Send ``size``-item batches as fast as the console reads them, for ``seconds``."""
    sent = 0
    headers = {"Authorization": f"Bearer {token}"}
    async with connect(url, additional_headers=headers, compression=None) as ws:
        async def swallow_acks() -> None:
            async for _ in ws:
                pass

        reader = asyncio.ensure_future(swallow_acks())
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            await ws.send(batch([comment(f"flood-{sent + i}", f"刷屏{sent + i}", user=f"x{i}",
                                         platform=platform) for i in range(size)]))
            sent += size
        reader.cancel()
    return sent


if __name__ == "__main__":
    # python -m tests.queue.ingest_support URL TOKEN PLATFORM SECONDS: a flooding bridge
    # in its own process, so that its CPU is not the console's.
    import sys

    url, token, platform, seconds = sys.argv[1:5]
    print(asyncio.run(flood(url, token, platform, float(seconds))), flush=True)
