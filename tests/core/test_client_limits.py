"""Connection budgets per kind of client, against a real `videohelp serve` on 127.0.0.1.

Issue 17: 64 overlay sockets (no token needed) used to take every slot of the one
shared budget, and every bridge and seat handshake got 503 while they stayed open.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from tests.queue.ingest_support import comment

OVERLAY_SOCKETS = 70


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIDEOHELP_")}
    return {**env, "QT_QPA_PLATFORM": "offscreen"}


def _private(path: Path, text: str) -> Path:
    path.write_text(text + "\n", encoding="utf-8")
    path.chmod(0o600)
    return path


@pytest.mark.slow
def test_overlay_sockets_never_lock_out_bridges_or_seats(tmp_path: Path) -> None:
    data = tmp_path / "data"
    cmd = [sys.executable, "-m", "videohelp"]
    added = subprocess.run([*cmd, "seat", "add", "主持人", "--role", "presenter", "--data-dir",
                            str(data)], capture_output=True, text=True, timeout=60, env=_env())
    assert added.returncode == 0, added.stderr
    seat_token = added.stdout.strip()
    bridge_token = _private(tmp_path / "douyin.token", "douyin-secret-0123456789")
    with (tmp_path / "serve.err").open("w") as errors, subprocess.Popen(
            [*cmd, "serve", "--port", "0", "--data-dir", str(data),
             "--ingest-token-file", f"douyin={bridge_token}"],
            stdout=subprocess.PIPE, stderr=errors, text=True, env=_env()) as server:
        try:
            line = server.stdout.readline() if server.stdout else ""
            url = re.search(r"serving (ws://\S+)", line)
            assert url, f"serve printed {line!r}"
            asyncio.run(_flood_then_connect(url.group(1), seat_token))
        finally:
            server.terminate()
            server.wait(timeout=30)
    log = (data / "logs" / "videohelp.log").read_text(encoding="utf-8")
    assert "douyin-secret-0123456789" not in log and seat_token not in log


async def _flood_then_connect(base: str, seat_token: str) -> None:
    overlays = []
    refused = 0
    try:
        for _ in range(OVERLAY_SOCKETS):  # a script (no Origin), as the black-box test did
            try:
                overlays.append(await connect(base + "/overlay/ws", open_timeout=10))
            except InvalidStatus as exc:
                assert exc.response.status_code == 503
                refused += 1
        assert len(overlays) == 16 and refused == OVERLAY_SOCKETS - 16  # the overlay budget
        # A bridge still gets in and its comment is acknowledged.
        async with connect(base + "/ingest", open_timeout=10, additional_headers={
                "Authorization": "Bearer douyin-secret-0123456789"}) as bridge:
            hello = json.loads(await asyncio.wait_for(bridge.recv(), 10))
            assert hello["type"] == "hello"
            await bridge.send(json.dumps(comment("m1", "车牌浙a12346被拍了怎么办")))
            ack = json.loads(await asyncio.wait_for(bridge.recv(), 10))
            assert ack == {"type": "ack", "ids": ["m1"]}, ack
        # A seat still gets in and gets its snapshot, with the comment masked.
        async with connect(base + "/seat", open_timeout=10, additional_headers={
                "Authorization": f"Bearer {seat_token}"}) as seat:
            snapshot = json.loads(await asyncio.wait_for(seat.recv(), 10))
            assert snapshot["type"] == "snapshot" and snapshot["seat"]["role"] == "presenter"
            texts = [c["text_masked"] for c in snapshot["comments"]]
            assert texts and "12346" not in texts[-1], texts
        # A wrong token is still refused (401), budget or not.
        with pytest.raises(InvalidStatus) as refused_bridge:
            await connect(base + "/ingest", open_timeout=10,
                          additional_headers={"Authorization": "Bearer wrong"})
        assert refused_bridge.value.response.status_code == 401
    finally:
        await asyncio.gather(*(ws.close() for ws in overlays), return_exceptions=True)


@pytest.mark.asyncio
async def test_one_token_cannot_take_its_kinds_whole_budget(tmp_path: Path) -> None:
    from tests.queue.ingest_support import bridge, running_console
    from videohelp.core.client_limits import BRIDGE, ClientLimits

    limits = ClientLimits(budgets={BRIDGE: 4}, per_client=2)
    async with running_console(tmp_path / "videohelp.sqlite3", limits=limits) as console, \
            bridge(console), bridge(console):
        with pytest.raises(InvalidStatus) as refused:  # a third douyin connection
            async with bridge(console):
                pass
        assert refused.value.response.status_code == 503
        async with bridge(console, "app") as app:  # another platform still gets in
            await app.send(comment("a1", platform="app"))
            assert await app.acked(1) == ["a1"]
