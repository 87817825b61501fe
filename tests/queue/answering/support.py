"""A real answering service on 127.0.0.1 for the tests: data directory, pipeline, server."""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import json
import sqlite3
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from videohelp.console.answer_actions import answer_actions
from videohelp.console.wiring import standalone_actions
from videohelp.core.knowledge import KnowledgeBase
from videohelp.core.paths import DataPaths
from videohelp.core.server import ConsoleServer
from videohelp.core.settings import Settings
from videohelp.queue.answering.clients import FILE_NAME, ClientRegistry, add_client
from videohelp.queue.answering.install import AnswerHook, install_answers
from videohelp.queue.ingest import writer_from_settings
from videohelp.queue.pipeline import IngestPipeline

# Questions whose items the tests review (DL03: 驾驶证期满换证) or leave in draft (MV02).
REVIEWED_ITEM = "DL03"
ANSWERED_QUESTION = "驾照到期了怎么换"
STUDIO_LINK = "https://zj.122.gov.cn/views/renewal.html"  # a test's configured link
DRAFT_QUESTION = "二手车过户要带什么材料"
DRAFT_ITEM = "MV02"


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def request(port: int, method: str, path: str, body: bytes | str | None = None,
            headers: dict[str, str] | None = None, timeout: float = 10.0) -> Reply:
    """One real HTTP request (blocking: run it in a thread)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        data = body.encode() if isinstance(body, str) else body
        conn.request(method, path, body=data, headers=headers or {})
        response = conn.getresponse()
        return Reply(response.status, {k.lower(): v for k, v in response.getheaders()},
                     response.read())
    finally:
        conn.close()


def prepare(root: Path, reviewed_items: tuple[str, ...] = (REVIEWED_ITEM,)) -> DataPaths:
    """A data directory with the shipped knowledge, the entries of ``reviewed_items`` reviewed."""
    root.mkdir(parents=True, exist_ok=True)
    paths = DataPaths(root)
    kb = KnowledgeBase.open(paths.database)
    try:
        for item in reviewed_items:
            for entry in kb.entries(item=item):
                kb.mark_reviewed(entry.id, "王警官")
        # The studio's own 一键办理 link for the item (the shipped catalog leaves links it
        # could not verify empty): the answer carries what the studio configured.
        from videohelp.core.catalog import CatalogStore, edited

        catalog = CatalogStore(kb.store)
        catalog.update_item(edited(catalog.item(REVIEWED_ITEM), link=STUDIO_LINK), "王警官")
    finally:
        kb.close()
    return paths


@dataclass
class Running:
    paths: DataPaths
    server: ConsoleServer
    hook: AnswerHook
    pipeline: IngestPipeline
    token: str
    settled: list[Any]

    @property
    def port(self) -> int:
        return self.server.port

    async def call(self, method: str, path: str, body: Any = None,
                   headers: dict[str, str] | None = None, token: str | None = "default") -> Reply:
        sent = dict(headers or {})
        if token is not None:
            sent.setdefault("Authorization", f"Bearer {self.token if token == 'default' else token}")
        if body is not None and not isinstance(body, bytes | str):
            body = json.dumps(body, ensure_ascii=False)
            sent.setdefault("Content-Type", "application/json")
        return await asyncio.to_thread(request, self.port, method, path, body, sent)

    async def ask(self, question: str, **fields: Any) -> Reply:
        return await self.call("POST", "/api/v1/ask", {"question": question, **fields})

    def rows(self, sql: str, *params: Any) -> list[tuple]:
        conn = sqlite3.connect(self.paths.database)
        try:
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()


async def poll(predicate: Callable[[], Any], timeout: float = 10.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if asyncio.iscoroutine(value):
            value = await value
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met")
        await asyncio.sleep(0.02)


@contextlib.asynccontextmanager
async def running_service(paths: DataPaths, clips: Any = None,
                          **settings_values: Any) -> AsyncIterator[Running]:
    settings = Settings(None)
    for name, value in settings_values.items():
        settings.set(name.replace("__", "."), value)
    token = add_client(paths.root / FILE_NAME, "app", platform="app") if not (
        paths.root / FILE_NAME).exists() else ""
    clients = ClientRegistry(paths.root / FILE_NAME, recheck_s=0.05)
    pipeline = IngestPipeline(writer_from_settings(paths.database, settings))
    server = ConsoleServer("127.0.0.1", 0)
    settled: list[Any] = []
    actions = standalone_actions(pipeline, settings)  # as `videohelp answer serve` has it
    hook = install_answers(server, pipeline, paths, settings, clients=clients,
                           act=answer_actions(actions),
                           **({"clips": clips} if clips is not None else {}))
    assert hook is not None
    hook.service.on_settled = settled.extend
    await pipeline.start()
    await hook.start()
    await server.start()
    try:
        yield Running(paths, server, hook, pipeline, token, settled)
    finally:
        await server.stop()
        await hook.stop()
        await actions.stop()
        await pipeline.stop()
