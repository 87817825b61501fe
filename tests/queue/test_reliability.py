"""Nothing acknowledged is ever lost: kill -9 under load, disconnects mid-batch."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import sqlite3
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.queue.ingest_support import TOKENS, batch, bridge, comment, now_ms, running_console
from videohelp.queue.bridges.client import Backoff, IngestClient

pytestmark = pytest.mark.asyncio


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.asynccontextmanager
async def serve_process(data_dir: Path, port: int) -> AsyncIterator[asyncio.subprocess.Process]:
    """``videohelp serve`` in its own process, as on the studio machine."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "videohelp", "serve", "--data-dir", str(data_dir),
        "--port", str(port), "--ingest-token", f"douyin={TOKENS['douyin']}",
        cwd=REPO, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        assert process.stdout is not None
        line = await asyncio.wait_for(process.stdout.readline(), 30)
        assert f"serving ws://127.0.0.1:{port}" in line.decode(), line
        yield process
    finally:
        if process.returncode is None:
            process.kill()
        await process.wait()


def stored(database: Path) -> list[str]:
    """Opened as after a crash: SQLite replays the WAL."""
    conn = sqlite3.connect(database)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return [row[0] for row in conn.execute("SELECT msg_id FROM comments ORDER BY id")]
    finally:
        conn.close()


@pytest.mark.slow
async def test_kill_9_under_load_loses_no_acknowledged_comment(data_dir: Path) -> None:
    port = free_port()
    url = f"ws://127.0.0.1:{port}/ingest"
    acked_before_kill: set[str] = set()
    clients = [IngestClient(url, TOKENS["douyin"], batch_size=50, max_in_flight=1000,
                            backoff=Backoff(initial=0.1, maximum=0.5),
                            on_ack=acked_before_kill.update)
               for _ in range(3)]
    sent: list[str] = []
    database = data_dir / "videohelp.sqlite3"

    async def load(client: IngestClient, name: str) -> None:
        for n in range(100_000):
            msg_id = f"{name}-{n}"
            await client.send(comment(msg_id, f"第{n}个问题：驾照怎么换", user=f"{name}-{n % 97}"))
            sent.append(msg_id)
            if n % 50 == 0:
                await asyncio.sleep(0)

    async with serve_process(data_dir, port) as first:
        for client in clients:
            client.start()
        loaders = [asyncio.ensure_future(load(c, f"b{i}")) for i, c in enumerate(clients)]
        while len(acked_before_kill) < 5000:
            await asyncio.sleep(0.01)
        os.kill(first.pid, signal.SIGKILL)  # mid-run: frames in flight, commits in progress
        await first.wait()
        for loader in loaders:
            loader.cancel()
        await asyncio.gather(*loaders, return_exceptions=True)
        acked = set(acked_before_kill)

    # Before anything restarts: every acknowledged comment is in the store.
    after_kill = stored(database)
    assert len(after_kill) == len(set(after_kill))
    missing = acked - set(after_kill)
    assert not missing, f"{len(missing)} acknowledged comments lost, e.g. {sorted(missing)[:5]}"
    assert len(sent) > len(acked), "the kill should leave some comments unacknowledged"

    # Restart: the bridges reconnect by themselves and resend what was not acknowledged.
    async with serve_process(data_dir, port) as second:
        await asyncio.wait_for(asyncio.gather(*(c.drain() for c in clients)), 60)
        assert sum(len(c.rejected) for c in clients) == 0
        # A bridge that lost acks resends comments that were stored: acked again, not stored.
        async with bridge_to(url) as again:
            resend = sorted(acked)[:300]
            await again.send(batch([comment(i, "重发") for i in resend]))
            assert sorted(await again.acked(len(resend))) == resend
        second.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(second.wait(), 30) == 0
    for client in clients:
        await client.close()

    final = stored(database)
    assert len(final) == len(set(final)), "a comment was stored twice"
    assert set(final) == set(sent), "every comment sent is stored exactly once"


@contextlib.asynccontextmanager
async def bridge_to(url: str):
    from websockets.asyncio.client import connect

    from tests.queue.ingest_support import Bridge

    headers = {"Authorization": f"Bearer {TOKENS['douyin']}"}
    async with connect(url, additional_headers=headers, open_timeout=10) as ws:
        hello = json.loads(await asyncio.wait_for(ws.recv(), 5))
        yield Bridge(ws, hello)


async def test_a_bridge_that_disconnects_mid_batch_loses_nothing_acknowledged(
        tmp_path: Path) -> None:
    database = tmp_path / "videohelp.sqlite3"
    sent = [f"m{i}" for i in range(2000)]
    async with running_console(database) as console:
        async with bridge(console) as dy:
            for start in range(0, len(sent), 100):
                await dy.send(batch([comment(i, f"问题 {i}", user=i) for i in
                                     sent[start:start + 100]]))
            acked = await dy.acked(300)  # read only some acks...
            dy.ws.transport.abort()      # ...then the network drops, mid-stream
        # The console commits what it had received; what it acked is certainly there.
        await asyncio.sleep(0.5)
        assert set(acked) <= {row[1] for row in console.rows()}
        async with bridge(console) as dy:  # reconnect, resend everything not acked
            rest = [i for i in sent if i not in set(acked)]
            for start in range(0, len(rest), 250):
                await dy.send(batch([comment(i, f"问题 {i}", user=i) for i in
                                     rest[start:start + 250]]))
            assert sorted(await dy.acked(len(rest), timeout=30)) == sorted(rest)
        rows = [row[1] for row in console.rows()]
    assert sorted(rows) == sorted(sent)


async def test_serve_stops_cleanly_and_reports_a_busy_port(data_dir: Path) -> None:
    port = free_port()
    async with serve_process(data_dir, port) as process, \
            bridge_to(f"ws://127.0.0.1:{port}/ingest") as dy:
        await dy.send(comment("before-stop", ts=now_ms()))
        assert await dy.acked(1) == ["before-stop"]
        second = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "videohelp", "serve", "--data-dir", str(data_dir / "other"),
            "--port", str(port), cwd=REPO, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE)
        _, err = await asyncio.wait_for(second.communicate(), 30)
        assert second.returncode == 1
        assert b"cannot listen" in err and b"no bridge tokens configured" in err
        process.send_signal(signal.SIGINT)
        assert await asyncio.wait_for(process.wait(), 30) == 0
    assert stored(data_dir / "videohelp.sqlite3") == ["before-stop"]
