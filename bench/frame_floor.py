#!/usr/bin/env python3
"""What one WebSocket frame costs a Python server before the desk does anything with it.

    .venv/bin/python bench/frame_floor.py                 # both loops, 300 frames/s, 20 s each
    .venv/bin/python bench/frame_floor.py --loop desk     # one of them

A bare ``websockets`` server that only decodes each frame's JSON (and acknowledges every
tenth, as the ingest acknowledges per commit) receives one single-comment frame at a time from
a bridge in another process, ``--rate`` frames a second. Printed: the server process's CPU
(all threads) in cores and per frame, on plain asyncio and on the desk's loop (qasync in Qt,
offscreen, ``videohelp.ui.event_loop``). It is the floor under ``bench/desk_cpu.py``'s
"one frame per comment" figure: the socket's wake-up, the kernel's read, websockets' frame
parser and the task's resumption, which no change to the desk's own code removes; a bridge
that frames many comments together (``IngestClient``) pays it once per frame (docs/performance.md,
issue 15).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import sys
import time

WARM_UP_S = 3.0
ACK_EVERY = 10


def cpu_s() -> tuple[float, float]:
    """(user, system) CPU seconds of this process."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime, usage.ru_stime


async def handler(connection) -> None:  # type: ignore[no-untyped-def]
    from websockets.exceptions import ConnectionClosed

    frames = 0
    try:
        async for raw in connection:
            json.loads(raw)
            frames += 1
            if frames % ACK_EVERY == 0:
                await connection.send('{"type":"ack"}')
    except ConnectionClosed:
        pass


async def measure(rate: float, seconds: float) -> tuple[float, float, int]:
    """Serve, start the bridge; (cores, of them in the kernel, frames) over ``seconds``."""
    from websockets.asyncio.server import serve

    # As the console serves: no per-message deflate (core/server.py).
    async with serve(handler, "127.0.0.1", 0, compression=None) as server:
        port = server.sockets[0].getsockname()[1]
        bridge = await asyncio.create_subprocess_exec(
            sys.executable, __file__, "--bridge", str(port), str(rate), str(WARM_UP_S + seconds + 1))
        await asyncio.sleep(WARM_UP_S)
        cpu0, wall0 = cpu_s(), time.perf_counter()
        await asyncio.sleep(seconds)
        cpu1, wall1 = cpu_s(), time.perf_counter()
        await asyncio.wait_for(bridge.wait(), timeout=10.0)
    wall = wall1 - wall0
    user, system = cpu1[0] - cpu0[0], cpu1[1] - cpu0[1]
    return (user + system) / wall, system / wall, int(rate * wall)


async def bridge(port: int, rate: float, seconds: float) -> None:
    """Single-comment frames, evenly paced, reading the server's acks meanwhile."""
    from websockets.asyncio.client import connect

    frame = json.dumps({"type": "comments", "comments": [
        {"id": "0", "text": "私家车多久年检一次？外地车能在杭州年检吗", "user": "viewer"}]},
        ensure_ascii=False)
    async with connect(f"ws://127.0.0.1:{port}", compression=None) as connection:
        async def drain() -> None:
            async for _ in connection:
                pass
        reading = asyncio.ensure_future(drain())
        start = time.perf_counter()
        sent = 0
        while time.perf_counter() - start < seconds:
            sent += 1
            await connection.send(frame)
            delay = start + sent / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
        reading.cancel()


def run(loop_name: str, rate: float, seconds: float) -> tuple[float, float, int]:
    if loop_name == "asyncio":
        return asyncio.run(measure(rate, seconds))
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    from PySide6.QtWidgets import QApplication

    from videohelp.ui.event_loop import new_event_loop

    app = QApplication.instance() or QApplication([])
    loop = new_event_loop(app)
    with loop:
        return loop.run_until_complete(measure(rate, seconds))


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--bridge":
        asyncio.run(bridge(int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=300.0, help="frames per second")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--loop", choices=("asyncio", "desk", "both"), default="both")
    args = parser.parse_args()
    loops = ("asyncio", "desk") if args.loop == "both" else (args.loop,)
    for name in loops:
        # Each loop in its own process: Qt, once started, stays in the process.
        if len(loops) > 1:
            import subprocess
            subprocess.run([sys.executable, __file__, "--loop", name, "--rate", str(args.rate),
                            "--seconds", str(args.seconds)], check=True)
            continue
        cores, kernel, frames = run(name, args.rate, args.seconds)
        print(f"{name:>7} loop: {cores:.3f} cores at {args.rate:g} frames/s"
              f" ({kernel:.3f} in the kernel), {cores / args.rate * 1000:.3f} ms of CPU per frame"
              f" ({frames:,} frames)", flush=True)


if __name__ == "__main__":
    main()
