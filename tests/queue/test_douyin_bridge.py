"""The Douyin bridge against a fake comment relay and a real console."""

from __future__ import annotations

import asyncio
import json
import socket
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.server import ServerConnection, serve

from tests.queue.ingest_support import TOKENS, running_console
from videohelp.queue.bridges.client import Backoff, IngestClient
from videohelp.queue.bridges.douyin import DouyinBridge, map_relay_message

NOW = 1_790_000_000_000


def chat(msg_id: str, text: str, uid: int = 111, name: str = "抖音用户A",
         create_time: str = "1790000000") -> dict[str, Any]:
    """A WebcastChatMessage as a relay publishes it (protobuf as JSON, int64 as strings)."""
    return {"common": {"method": "WebcastChatMessage", "msgId": msg_id, "roomId": "7300",
                       "createTime": create_time},
            "user": {"id": str(uid), "shortId": "42", "nickName": name}, "content": text}


LIKE = {"method": "WebcastLikeMessage", "msg_id": 9001,
        "payload": {"count": 5, "total": 12870, "user": {"nickname": "x"}}}
VIEWERS = {"common": {"method": "WebcastRoomUserSeqMessage", "msgId": "9002"},
           "total": "1534", "totalUser": "80211", "onlineUserForAnchor": "1530"}
GIFT = {"method": "WebcastGiftMessage",
        "data": json.dumps({"common": {"msgId": "9003", "createTime": "1790000001000"},
                            "giftId": "463", "repeatCount": "3", "gift": {"name": "小心心"},
                            "user": {"nickName": "送礼人"}})}
ENDED = {"common": {"method": "WebcastControlMessage", "msgId": "9004"}, "status": 3}


def test_chat_becomes_a_comment() -> None:
    (item,) = map_relay_message(chat("7301", "驾照怎么换？"), NOW)
    assert item == {"type": "comment", "platform": "douyin", "id": "7301",
                    "user": {"id": "111", "name": "抖音用户A"}, "text": "驾照怎么换？",
                    "ts": 1_790_000_000_000}


def test_envelopes_and_spellings_of_different_relays() -> None:
    envelope = {"method": "WebcastChatMessage", "msg_id": 7302,
                "payload": {"content": "科目三", "user": {"uid": 5, "nickname": "n"},
                            "create_time": 1_790_000_000_500}}
    (item,) = map_relay_message(envelope, NOW)
    assert (item["id"], item["user"], item["ts"]) == ("7302", {"id": "5", "name": "n"},
                                                      1_790_000_000_500)
    assert len(map_relay_message([envelope, chat("7303", "x")], NOW)) == 2


def test_events_carry_figures_and_no_names() -> None:
    items = map_relay_message([LIKE, VIEWERS, GIFT, ENDED], NOW)
    assert [(i["type"], i["kind"], i["id"]) for i in items] == [
        ("event", "like", "9001"), ("event", "viewers", "9002"), ("event", "gift", "9003"),
        ("event", "live_status", "9004")]
    assert items[0]["data"] == {"count": 5, "total": 12870}
    assert items[1]["data"] == {"online": 1530, "total": 80211}
    assert items[2]["data"] == {"gift_id": 463, "name": "小心心", "count": 3}
    assert items[2]["ts"] == 1_790_000_001_000
    assert items[3]["data"] == {"status": 3, "live": False}
    assert "送礼人" not in json.dumps(items, ensure_ascii=False)


def test_unknown_and_broken_messages_are_skipped() -> None:
    for message in ({"method": "WebcastRoomRankMessage", "payload": {}}, {"hello": 1}, [], 3,
                    "text", {"common": {"method": 7}}, {"method": "WebcastChatMessage",
                                                        "payload": "{broken"}):
        assert map_relay_message(message, NOW) == []
    # A chat without an id gets a stable one: a relay replaying it does not duplicate it.
    no_id = {"method": "WebcastChatMessage", "payload": {"content": "hi", "user": {"id": 1}}}
    first, again = map_relay_message(no_id, NOW), map_relay_message(dict(no_id), NOW + 5)
    assert first[0]["id"] == again[0]["id"] and first[0]["id"].startswith("dy-")


class FakeRelay:
    """A local relay: each connection gets the next script of messages, then is closed."""

    def __init__(self, scripts: list[list[Any]]) -> None:
        self.scripts = scripts
        self.connections = 0

    async def handler(self, connection: ServerConnection) -> None:
        script = self.scripts[min(self.connections, len(self.scripts) - 1)]
        self.connections += 1
        for message in script:
            await connection.send(message if isinstance(message, str)
                                  else json.dumps(message, ensure_ascii=False))
        await asyncio.sleep(0.05)
        await connection.close()  # the relay restarts; the bridge must come back


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.asyncio
async def test_relay_to_console_with_reconnects_on_both_sides(tmp_path: Path) -> None:
    relay = FakeRelay([
        [chat("7401", "驾照到期了怎么换"), LIKE, "not json at all", chat("7402", "电动车上牌")],
        # After the relay's restart it replays its last message, then new ones.
        [chat("7402", "电动车上牌"), VIEWERS, chat("7403", "罚款怎么交", uid=222), ENDED],
        [],
    ])
    console_port = free_port()
    async with serve(relay.handler, "127.0.0.1", 0) as relay_server:
        relay_url = f"ws://127.0.0.1:{relay_server.sockets[0].getsockname()[1]}"
        fast = Backoff(initial=0.05, maximum=0.2)
        client = IngestClient(f"ws://127.0.0.1:{console_port}/ingest", TOKENS["douyin"],
                              backoff=Backoff(initial=0.05, maximum=0.2))
        bridge = DouyinBridge(relay_url, client, backoff=fast)
        client.start()
        task = asyncio.ensure_future(bridge.run())
        try:
            # The console is not up yet: the bridge reads the relay and keeps everything.
            while bridge.forwarded < 3:
                await asyncio.sleep(0.02)
            assert client.acked == 0
            async with running_console(tmp_path / "videohelp.sqlite3",
                                       port=console_port) as console:
                while relay.connections < 3 or client.unacknowledged or bridge.forwarded < 7:
                    await asyncio.sleep(0.02)
                await asyncio.wait_for(client.drain(), 10)
                comments = console.rows("SELECT platform, msg_id, user_id, text FROM comments "
                                        "ORDER BY msg_id")
                events = console.rows("SELECT kind FROM platform_events ORDER BY id")
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            await client.close()
    assert comments == [("douyin", "7401", "111", "驾照到期了怎么换"),
                        ("douyin", "7402", "111", "电动车上牌"),
                        ("douyin", "7403", "222", "罚款怎么交")]
    assert sorted(kind for (kind,) in events) == ["like", "live_status", "viewers"]
    assert bridge.connections >= 3 and bridge.skipped == 1
    assert client.rejected == []


def test_backoff_grows_to_its_ceiling_and_resets() -> None:
    import random

    backoff = Backoff(initial=0.5, maximum=4, jitter=0.0, rng=random.Random(1))
    assert [backoff.delay() for _ in range(6)] == [0.5, 1, 2, 4, 4, 4]
    backoff.reset()
    assert backoff.delay() == 0.5
    jittery = Backoff(initial=1, jitter=0.2, rng=random.Random(2))
    assert 0.8 <= jittery.delay() <= 1.2
