"""The bridges' client: items that come close together travel in one frame."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.queue.ingest_support import TOKENS, comment, running_console
from videohelp.queue.bridges.client import IngestClient

pytestmark = pytest.mark.asyncio


async def _send_spaced(data_dir: Path, count: int, gap_s: float, **options: object) -> tuple[int, int]:
    """Send ``count`` comments ``gap_s`` apart; return (frames the console read, stored)."""
    async with running_console(data_dir / "videohelp.sqlite3") as console:
        client = IngestClient(console.url(), TOKENS["douyin"], **options)
        client.start()
        try:
            await asyncio.wait_for(client.wait_connected(), 10)
            for n in range(count):
                await client.send(comment(f"m{n}", f"驾照到期了怎么换 {n}"))
                await asyncio.sleep(gap_s)
            await asyncio.wait_for(client.drain(), 10)
        finally:
            await client.close()
        stored = console.rows("SELECT count(*) FROM comments")[0][0]
        return console.ingest.stats["douyin"].frames, stored


async def test_items_a_few_ms_apart_share_a_frame(data_dir: Path) -> None:
    # 40 comments 2 ms apart (a busy show's pace, 500/s): one frame per 50 ms linger.
    frames, stored = await _send_spaced(data_dir, 40, 0.002)
    assert stored == 40
    assert frames <= 6, f"{frames} frames for 40 comments within ~0.1 s"


async def test_without_linger_each_item_is_its_own_frame(data_dir: Path) -> None:
    # The case the linger is for: the same pace with linger 0 is a frame per comment or so.
    frames, stored = await _send_spaced(data_dir, 40, 0.002, linger_s=0.0)
    assert stored == 40
    assert frames >= 30


async def test_a_full_batch_goes_without_waiting(data_dir: Path) -> None:
    async with running_console(data_dir / "videohelp.sqlite3") as console:
        client = IngestClient(console.url(), TOKENS["douyin"], batch_size=10, linger_s=30.0)
        client.start()
        try:
            await asyncio.wait_for(client.wait_connected(), 10)
            for n in range(10):
                await client.send(comment(f"f{n}"))
            await asyncio.wait_for(client.drain(), 5)  # not 30 s: a full batch does not linger
        finally:
            await client.close()
        assert console.ingest.stats["douyin"].frames == 1
