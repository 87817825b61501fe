"""The forwarding formats of the Douyin relays studios run (issue 21, part 4).

Each file in fixtures/relays/ was written from the relay project's own definition of its
format (the file's ``source`` names the repository and the files read) and lists the frames
as the relay sends them and the protocol items the console must get.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from websockets.asyncio.client import connect

from tests.queue.ingest_support import TOKENS, running_console
from tests.queue.test_douyin_bridge import free_port
from videohelp.queue.bridges.client import Backoff, IngestClient
from videohelp.queue.bridges.douyin import DouyinBridge, map_relay_message

FIXTURES = Path(__file__).parent / "fixtures" / "relays"
NOW = 1_790_000_000_000


def _fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def _expected(fixture: dict) -> list[dict]:
    return [{**item, "ts": NOW if item["ts"] == "now" else item["ts"]}
            for item in fixture["expected"]]


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("*.json")))
def test_each_relay_format_maps_to_the_expected_items(name: str) -> None:
    fixture = _fixture(name)
    assert fixture["source"] and fixture["relay"] and fixture["how"]
    items = [item for frame in fixture["frames"]
             for item in map_relay_message(json.loads(frame), NOW)]
    assert items == _expected(fixture)


def test_no_viewer_name_travels_in_an_event() -> None:
    for path in FIXTURES.glob("*.json"):
        fixture = json.loads(path.read_text(encoding="utf-8"))
        events = [item for frame in fixture["frames"]
                  for item in map_relay_message(json.loads(frame), NOW)
                  if item["type"] == "event"]
        text = json.dumps(events, ensure_ascii=False)
        assert not any(name in text for name in ("用户A", "用户B", "用户C", "用户D")), path.name


def test_broken_packs_are_skipped() -> None:
    for message in ({"Type": 1, "ProcessName": "x", "Data": "{not json"},
                    {"Type": 1, "ProcessName": "x", "Data": "[]"},
                    {"Type": 99, "ProcessName": "x", "Data": "{}"},
                    {"Type": "1", "Data": "{}"},
                    {"Type": 1, "ProcessName": "x", "Data": json.dumps({"MsgId": 1, "Content": "无人"})},
                    {"type": 1, "data": json.dumps({"mid": 2, "content": 5, "user": {"uid": 1}})}):
        assert map_relay_message(message, NOW) == [], message


@pytest.mark.asyncio
async def test_dycast_connects_to_the_listening_bridge_and_reaches_the_console(
        tmp_path: Path) -> None:
    """dycast's relay is a WebSocket client: the bridge listens, dycast connects and sends
    its live info, then arrays of messages; a reconnect replays nothing twice."""
    fixture = _fixture("dycast.json")
    console_port = free_port()
    async with running_console(tmp_path / "videohelp.sqlite3", port=console_port) as console:
        client = IngestClient(f"ws://127.0.0.1:{console_port}/ingest", TOKENS["douyin"],
                              backoff=Backoff(initial=0.05, maximum=0.2))
        bridge = DouyinBridge("(listening)", client)
        client.start()
        started: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        task = asyncio.ensure_future(bridge.listen("127.0.0.1", 0, started))
        try:
            port = await asyncio.wait_for(started, 10)
            for _ in range(2):  # dycast stops and starts its relay: the same frames again
                async with connect(f"ws://127.0.0.1:{port}", open_timeout=10) as dycast:
                    for frame in fixture["frames"]:
                        await dycast.send(frame)
                deadline = asyncio.get_running_loop().time() + 10
                while bridge.messages < len(fixture["frames"]) * (_ + 1):
                    assert asyncio.get_running_loop().time() < deadline
                    await asyncio.sleep(0.02)
            await asyncio.wait_for(client.drain(), 10)
            comments = console.rows("SELECT platform, msg_id, user_id, text FROM comments")
            kinds = console.rows("SELECT kind FROM platform_events ORDER BY id")
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            await client.close()
    assert comments == [("douyin", "7312345678901234800", "MS4wLjABAAAA-c", "年检要预约吗")]
    assert [k for (k,) in kinds] == ["like", "enter", "follow", "gift", "viewers", "live_status"]
    assert bridge.skipped == 2  # the live-info frame, once per connection


@pytest.mark.asyncio
async def test_the_bridge_command_listens_for_dycast(tmp_path: Path) -> None:
    import signal
    import sys

    from tests.conftest import REPO

    fixture = _fixture("dycast.json")
    console_port, listen_port = free_port(), free_port()
    async with running_console(tmp_path / "videohelp.sqlite3", port=console_port) as console:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "videohelp", "bridge", "douyin", "--data-dir",
            str(tmp_path / "bridge"), "--listen", f"127.0.0.1:{listen_port}",
            "--url", f"ws://127.0.0.1:{console_port}/ingest", "--token", TOKENS["douyin"],
            cwd=REPO, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        try:
            assert process.stdout is not None
            banner = await asyncio.wait_for(process.stdout.readline(), 30)
            assert f"ws://127.0.0.1:{listen_port}" in banner.decode()
            deadline = asyncio.get_running_loop().time() + 20
            while True:  # the banner comes before the listening socket is bound
                try:
                    async with connect(f"ws://127.0.0.1:{listen_port}", open_timeout=5) as dycast:
                        for frame in fixture["frames"]:
                            await dycast.send(frame)
                    break
                except OSError:
                    assert asyncio.get_running_loop().time() < deadline
                    await asyncio.sleep(0.1)
            while not console.rows("SELECT 1 FROM platform_events WHERE kind = 'live_status'"):
                assert asyncio.get_running_loop().time() < deadline
                await asyncio.sleep(0.05)
            comments = console.rows("SELECT msg_id, text FROM comments")
        finally:
            process.send_signal(signal.SIGINT)
            out, err = await asyncio.wait_for(process.communicate(), 30)
    assert comments == [("7312345678901234800", "年检要预约吗")]
    assert process.returncode == 0, err.decode()
    assert "7 acknowledged" in out.decode()
