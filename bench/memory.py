#!/usr/bin/env python3
"""Memory under a long ingest (issue 17): a real `videohelp serve`, RSS per comment count.

    .venv/bin/python bench/memory.py                  # 500,000 comments
    .venv/bin/python bench/memory.py --comments 100000

Starts `videohelp serve` on 127.0.0.1 (port 0) in a fresh data directory (a
640x360 program, so the test pattern's compositing leaves the CPU to ingest),
connects one presenter seat that reads every event (so the seat hub's fan-out
and replay log are in play) and ``--bridges`` bridges that send batches of 500
distinct comments, ``--in-flight`` frames ahead of their acks. It samples the
server's resident set size (/proc/PID/status VmRSS) every ``--every`` acked
comments and prints the curve, then the growth after warm-up: the repeat
tracker remembers up to 200,000 texts and the replay log up to 32 MB, so RSS
should rise until about 250,000 comments and stay flat after.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from websockets.asyncio.client import connect

from videohelp.core import seats
from videohelp.core.store import Store

TOKEN = "bench-memory-token-0123456789"
TEXT = "驾驶证到期了在外地怎么换，需要带什么材料，能不能在网上办理？第"


def rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024


async def bridge(url: str, first: int, count: int, in_flight: int, acked: list[int]) -> None:
    async with connect(url, additional_headers={"Authorization": f"Bearer {TOKEN}"},
                       max_size=None, compression=None, open_timeout=30) as ws:
        json.loads(await ws.recv())  # hello
        progress = asyncio.Event()

        async def reader() -> None:
            while acked[0] < acked[1]:
                message = json.loads(await ws.recv())
                if message["type"] == "ack":
                    acked[0] += len(message["ids"])
                    progress.set()
                elif message["type"] == "error":
                    raise RuntimeError(message)

        task = asyncio.ensure_future(reader())
        sent = 0
        for start in range(first, first + count, 500):
            while sent - acked[0] >= in_flight * 500 and not task.done():
                progress.clear()
                await progress.wait()
            if task.done():
                break
            now = int(time.time() * 1000)
            items = [{"id": f"b{i}", "user": {"id": f"u{i}", "name": "杭州小王"},
                      "text": f"{TEXT}{i}条", "ts": now}
                     for i in range(start, min(start + 500, first + count))]
            await ws.send(json.dumps({"type": "batch", "items": items}, ensure_ascii=False))
            sent += len(items)
        await task


async def seat_reader(url: str, token: str, stop: asyncio.Event) -> int:
    received = 0
    async with connect(url, additional_headers={"Authorization": f"Bearer {token}"},
                       max_size=None, compression=None, max_queue=None, open_timeout=30) as ws:
        while not stop.is_set():
            try:
                await asyncio.wait_for(ws.recv(), 1.0)
                received += 1
            except TimeoutError:
                continue
    return received


async def run(args: argparse.Namespace, data: Path) -> dict:
    data.mkdir(mode=0o700)
    store = Store(data / "videohelp.sqlite3")
    seat_token = seats.add_seat(store, "主持人", "presenter")[1]
    store.close()
    (data / "settings.json").write_text(json.dumps({
        "ingest.tokens": {"douyin": TOKEN}, "program.width": 640, "program.height": 360,
        "program.fps": 25}), encoding="utf-8")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    server = subprocess.Popen([sys.executable, "-m", "videohelp", "serve", "--port", "0",
                               "--data-dir", str(data)], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True, env=env)
    try:
        line = server.stdout.readline() if server.stdout else ""
        base = re.search(r"serving (ws://\S+)", line).group(1)
        stop = asyncio.Event()
        seat = asyncio.ensure_future(seat_reader(base + "/seat", seat_token, stop))
        per_bridge = args.comments // args.bridges
        counters = [[0, per_bridge] for _ in range(args.bridges)]
        started = time.perf_counter()
        bridges = [asyncio.ensure_future(bridge(base + "/ingest", n * per_bridge, per_bridge,
                                                args.in_flight, counters[n]))
                   for n in range(args.bridges)]
        samples: list[tuple[int, float, float]] = [(0, 0.0, rss_mb(server.pid))]
        next_sample = args.every
        while not all(b.done() for b in bridges):
            await asyncio.sleep(0.2)
            done = sum(c[0] for c in counters)
            if done >= next_sample:
                samples.append((done, time.perf_counter() - started, rss_mb(server.pid)))
                print(f"{done:>9,} comments  {samples[-1][1]:6.1f} s  RSS {samples[-1][2]:7.1f} MB",
                      flush=True)
                next_sample += args.every
        for b in bridges:
            b.result()
        elapsed = time.perf_counter() - started
        total = sum(c[0] for c in counters)
        samples.append((total, elapsed, rss_mb(server.pid)))
        stop.set()
        events = await seat
    finally:
        server.terminate()
        server.wait(timeout=60)
    warm = [s for s in samples if s[0] >= args.warm_up]
    return {"comments": total, "seconds": elapsed, "rate": total / elapsed, "seat_messages": events,
            "samples": samples, "rss_at_warm_up": warm[0][2], "rss_end": warm[-1][2],
            "rss_max_after_warm_up": max(s[2] for s in warm),
            "growth_per_100k_after_warm_up": (warm[-1][2] - warm[0][2])
            / max(1, (warm[-1][0] - warm[0][0])) * 100_000}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=500_000)
    parser.add_argument("--bridges", type=int, default=2)
    parser.add_argument("--in-flight", type=int, default=4, help="frames of 500 ahead of acks")
    parser.add_argument("--every", type=int, default=25_000, help="sample RSS this often")
    parser.add_argument("--warm-up", type=int, default=250_000,
                        help="comments before RSS should be flat")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="videohelp-memory-") as tmp:
        result = asyncio.run(run(args, Path(tmp) / "data"))
    print(f"load {os.getloadavg()[0]:.1f}; {result['comments']:,} comments in "
          f"{result['seconds']:.0f} s ({result['rate']:,.0f}/s); seat got {result['seat_messages']:,} "
          f"messages")
    print(f"RSS at {args.warm_up:,}: {result['rss_at_warm_up']:.1f} MB; at the end: "
          f"{result['rss_end']:.1f} MB; max after warm-up {result['rss_max_after_warm_up']:.1f} MB; "
          f"growth after warm-up {result['growth_per_100k_after_warm_up']:+.1f} MB per 100k comments")
    return 0


if __name__ == "__main__":
    sys.exit(main())
