#!/usr/bin/env python3
"""Seat figures (issue 8): fan-out to many seats, a stuck seat, action round trips.

    .venv/bin/python bench/seats.py                # every figure
    .venv/bin/python bench/seats.py --seats 20     # more seats

- fanout: a real console (/seat on 127.0.0.1) with N presenter seats reading;
  the hub publishes comment batches (20 comments each, as the pipeline hands
  them over) at ``--rate`` per second. Events/s delivered to every seat, and
  per-event latency from publish to receipt (p50, p99, max) at each seat.
- stuck: the same with one more seat that connects and never reads. Latency of
  the reading seats meanwhile, and how long until the stuck seat is dropped.
- actions: one officer seat sends `queue` requests one after another (each is a
  state change and an audit row, committed with synchronous=FULL); round trip
  p50/p99 in ms. Ratio to a bare writer round trip (no-op on the writer thread)
  shows the protocol's own share, whatever the disk.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtGui import QGuiApplication
from websockets.asyncio.client import connect

from tests.queue.seat_support import SeatConsole, start_console
from videohelp.console.seat_connection import HubLimits
from videohelp.queue.comments import State, StoredComment

TEXT = "驾驶证到期了在外地怎么换，需要带什么材料，能不能在网上办理？"


def _batch(start: int, size: int = 20) -> list[StoredComment]:
    now = int(time.time() * 1000)
    return [StoredComment(i, "douyin", f"m{i}", f"u{i}", "杭州小王", "杭**王", f"{TEXT}{i}",
                          f"{TEXT}{i}", now, now, State.NEW) for i in range(start, start + size)]


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def _readers(console: SeatConsole, n: int) -> list:
    sockets = []
    for i in range(n):
        ws = await console.connect(console.add_seat(f"seat{i}", "presenter"))
        json.loads(await ws.recv())  # snapshot
        sockets.append(ws)
    return sockets


async def fanout(console: SeatConsole, seats: int, events: int, rate: float, stuck: bool
                 ) -> dict[str, float]:
    published: dict[int, float] = {}
    console.hub.add_listener(lambda event: published.setdefault(event.seq, time.perf_counter()))
    readers = await _readers(console, seats)
    stuck_ws = None
    if stuck:
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.connect(("127.0.0.1", console.server.port))
        sock.setblocking(False)
        stuck_ws = await connect(console.url(), sock=sock, max_queue=1, compression=None, max_size=None,
                                 additional_headers={"Authorization": "Bearer "
                                                     + console.add_seat("stuck", "presenter")})
    latencies: list[float] = []

    async def read(ws) -> None:
        seen = 0
        async for raw in ws:
            message = json.loads(raw)
            if message["type"] == "event" and message["name"] == "comment.added":
                latencies.append(time.perf_counter() - published[message["seq"]])
                seen += 1
                if seen == events:
                    return

    tasks = [asyncio.ensure_future(read(ws)) for ws in readers]
    dropped_after = None
    started = time.perf_counter()
    for n in range(events):
        console.hub.publish(console.hub.state.comments_added(_batch(1_000_000 + n * 20)))
        if stuck and dropped_after is None and "stuck" not in console.hub.online:
            dropped_after = time.perf_counter() - started
        # Paced like the pipeline hands batches over, at ``rate`` batches per second.
        await asyncio.sleep(max(0.0, started + (n + 1) / rate - time.perf_counter()))
    await asyncio.wait_for(asyncio.gather(*tasks), 60)
    elapsed = time.perf_counter() - started
    for ws in readers:
        await ws.close()
    if stuck_ws is not None:
        stuck_ws.transport.abort()
    result = {"events_per_s": events / elapsed, "p50_ms": _pct(latencies, 0.5) * 1000,
              "p99_ms": _pct(latencies, 0.99) * 1000, "max_ms": max(latencies) * 1000}
    if stuck:
        result["dropped_after_s"] = dropped_after if dropped_after is not None else float("nan")
    return result


async def actions(console: SeatConsole, count: int) -> dict[str, float]:
    ws = await console.connect(console.add_seat("officer", "officer"))
    json.loads(await ws.recv())
    comments = await console.submit(*[f"{TEXT}{i}" for i in range(count)])
    trips = []
    for n, comment in enumerate(comments):
        began = time.perf_counter()
        await ws.send(json.dumps({"type": "queue", "rid": str(n), "comment": comment.id}))
        while True:
            message = json.loads(await ws.recv())
            if message.get("rid") == str(n):
                break
        assert message["type"] == "ok", message
        trips.append(time.perf_counter() - began)
    await ws.close()
    bare = []
    for _ in range(count):
        began = time.perf_counter()
        await console.pipeline.run_in_writer(lambda store: None)
        bare.append(time.perf_counter() - began)
    return {"p50_ms": statistics.median(trips) * 1000, "p99_ms": _pct(trips, 0.99) * 1000,
            "writer_noop_p50_ms": statistics.median(bare) * 1000}


async def main(args: argparse.Namespace) -> None:
    limits = HubLimits(queue_events=200, socket_send_buffer=64 * 1024)
    with tempfile.TemporaryDirectory() as tmp:
        console = await start_console(Path(tmp), limits=limits)
        try:
            result = await fanout(console, args.seats, args.events, args.rate, stuck=False)
            print(f"fanout  {args.seats} seats, {args.events} events of 20 comments at {args.rate:.0f}/s: "
                  f"{result['events_per_s']:.0f} events/s to every seat; latency p50 "
                  f"{result['p50_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms, max {result['max_ms']:.1f} ms")
        finally:
            await console.stop()
    with tempfile.TemporaryDirectory() as tmp:
        console = await start_console(Path(tmp), limits=limits)
        try:
            result = await fanout(console, args.seats, args.events, args.rate, stuck=True)
            print(f"stuck   {args.seats} reading seats + 1 that never reads: latency p50 "
                  f"{result['p50_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms, max {result['max_ms']:.1f} ms;"
                  f" stuck seat dropped after {result['dropped_after_s']:.2f} s")
        finally:
            await console.stop()
    with tempfile.TemporaryDirectory() as tmp:
        console = await start_console(Path(tmp), limits=limits)
        try:
            result = await actions(console, args.actions)
            print(f"actions {args.actions} `queue` requests: round trip p50 {result['p50_ms']:.2f} ms, "
                  f"p99 {result['p99_ms']:.2f} ms (writer no-op p50 {result['writer_noop_p50_ms']:.2f} ms; "
                  f"ratio {result['p50_ms'] / max(result['writer_noop_p50_ms'], 1e-6):.1f}x)")
        finally:
            await console.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seats", type=int, default=10)
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=250.0,
                        help="batches of 20 comments published per second (250 = 5,000 comments/s)")
    parser.add_argument("--actions", type=int, default=50,
                        help="at most the burst a seat may send (60) before it is rate-limited")
    app = QGuiApplication(sys.argv[:1])
    asyncio.run(main(parser.parse_args()))
