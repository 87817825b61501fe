#!/usr/bin/env python3
"""Comment ingest figures (issue 3): throughput, acknowledgement latency, desk stalls.

    .venv/bin/python bench/ingest.py                 # every figure
    .venv/bin/python bench/ingest.py --only latency  # one: batches, singles, latency, desk

- batches: ``videohelp serve`` in its own process; 4 bridges (one connection each)
  send 100-comment batches, up to 20 frames in flight each. Comments/s from the
  first send to the last acknowledgement (durable: synchronous=FULL, WAL).
- singles: the same with one comment per frame, up to 200 frames in flight each.
- latency: 4 bridges send single comments evenly paced at 1,000 comments/s in
  all for ``--seconds``; each comment's send -> ack time.
- desk: the desk's main thread (qasync loop in Qt, offscreen): the real
  ``ShowSession`` listening, its ``CommentFeed`` and the desk's ``MainWindow``
  (feed table, preview), while a bridge in another process sends 1,000
  comments/s. A 10 ms QTimer measures how late the main thread serves it
  (stall = lateness); also the bridge's ack latency meanwhile. Run twice: with
  triage off (what ingest costs the desk) and on (the desk as shipped).

Machine speed matters, so the script also times the writer alone (250-row
commits into a fresh file) and prints the batch figure as a ratio of it.
Frames are encoded before the clock starts: the figures are the console's.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PLATFORMS = ("app", "zlb", "douyin", "replay")
TOKENS = {p: f"bench-{p}-token-0123456789" for p in PLATFORMS}
TEXTS = ("驾照到期了怎么换", "二手车过户要带什么材料", "电动车上牌去哪里", "12123怎么交罚款",
         "科目三预约不上怎么办", "我的车牌浙A12345被贴条了怎么处理", "身份证丢了能办驾照吗")


def now_ms() -> int:
    return int(time.time() * 1000)


def item(platform: str, n: int, run: str) -> dict:
    # Distinct viewers and texts: this measures ingest, not spam collapsing.
    return {"type": "comment", "id": f"{run}-{platform}-{n}", "platform": platform,
            "user": {"id": f"{platform}-u{n}", "name": f"观众{n % 997}"},
            "text": f"{TEXTS[n % len(TEXTS)]} #{n}", "ts": now_ms()}


def settle() -> None:
    """Flush what the previous phase left for the disk, so it does not slow the next."""
    os.sync()
    time.sleep(1.0)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


# -- a console in its own process -------------------------------------------------------
class Serve:
    def __init__(self, data_dir: Path) -> None:
        args = [sys.executable, "-m", "videohelp", "serve", "--data-dir", str(data_dir),
                "--port", "0"]
        for platform, token in TOKENS.items():
            args += ["--ingest-token", f"{platform}={token}"]
        self.process = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, text=True)
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        self.url = line.split("serving ")[1].split()[0] + "/ingest"

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(30)


async def open_bridge(url: str, platform: str):
    from websockets.asyncio.client import connect

    ws = await connect(url, additional_headers={"Authorization": f"Bearer {TOKENS[platform]}"},
                       compression=None, max_size=None)
    assert json.loads(await ws.recv())["type"] == "hello"
    return ws


async def pipelined(url: str, platform: str, frames: list[tuple[str, int]], window: int) -> int:
    """Send pre-encoded frames keeping ``window`` unacknowledged; return comments acked."""
    ws = await open_bridge(url, platform)
    room = asyncio.Semaphore(window)
    sizes: list[int] = [size for _, size in frames]
    acked = 0
    expected = sum(sizes)

    async def reader() -> None:
        nonlocal acked
        pending = 0
        frame = 0
        async for raw in ws:
            message = json.loads(raw)
            assert message["type"] == "ack", message
            pending += len(message["ids"])
            acked += len(message["ids"])
            while frame < len(sizes) and pending >= sizes[frame]:
                pending -= sizes[frame]
                frame += 1
                room.release()
            if acked >= expected:
                return

    task = asyncio.ensure_future(reader())
    for text, _size in frames:
        await room.acquire()
        await ws.send(text)
    await task
    await ws.close()
    return acked


def throughput(data_dir: Path, per_frame: int, frames_each: int, window: int) -> float:
    run = f"t{per_frame}-{time.time_ns()}"
    plans = {}
    for platform in PLATFORMS:
        frames = []
        for f in range(frames_each):
            items = [item(platform, f * per_frame + i, run) for i in range(per_frame)]
            text = (json.dumps(items[0], ensure_ascii=False) if per_frame == 1 else
                    json.dumps({"type": "batch", "items": items}, ensure_ascii=False))
            frames.append((text, per_frame))
        plans[platform] = frames
    serve = Serve(data_dir)
    try:
        async def main() -> tuple[int, float]:
            started = time.perf_counter()
            counts = await asyncio.gather(*(pipelined(serve.url, p, plans[p], window)
                                            for p in PLATFORMS))
            return sum(counts), time.perf_counter() - started
        total, seconds = asyncio.run(main())
    finally:
        serve.stop()
    return total / seconds


# -- latency at a steady rate ------------------------------------------------------------
async def paced(url: str, platforms: tuple[str, ...], rate: float, seconds: float,
                run: str, first: int = 0) -> list[float]:
    """Send ``rate`` comments/s in all, spread over ``platforms``, one frame per comment
    (the console's worst case: every comment its own frame, wake-up and ack); return the
    ack latencies (s). ``paced_client`` sends through the shipped client instead. Comments
    are numbered from ``first``: a later run with another ``first`` has other viewers and
    texts (the same ones again would be collapsed as repeats, not triaged)."""
    bridges = [await open_bridge(url, p) for p in platforms]
    sent_at: dict[str, float] = {}
    latencies: list[float] = []
    total = int(rate * seconds)

    async def reader(ws) -> None:
        async for raw in ws:
            message = json.loads(raw)
            if message["type"] == "ack":
                now = time.perf_counter()
                latencies.extend(now - sent_at.pop(i) for i in message["ids"])

    readers = [asyncio.ensure_future(reader(ws)) for ws in bridges]
    start = time.perf_counter()
    for n in range(first, first + total):
        due = start + (n - first) / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        k = n % len(bridges)
        message = item(platforms[k], n, run)
        sent_at[message["id"]] = time.perf_counter()
        await bridges[k].send(json.dumps(message, ensure_ascii=False))
    deadline = time.perf_counter() + 30
    while len(latencies) < total and time.perf_counter() < deadline:
        await asyncio.sleep(0.01)
    for ws in bridges:
        await ws.close()
    await asyncio.gather(*readers, return_exceptions=True)
    if len(latencies) < total:
        raise RuntimeError(f"only {len(latencies)} of {total} comments acknowledged")
    return latencies


async def paced_client(url: str, platform: str, rate: float, seconds: float, run: str,
                       linger_s: float, first: int = 0) -> list[float]:
    """Send ``rate`` comments/s through the shipped ``IngestClient`` (its framing: what
    comes within ``linger_s`` of the first waiting comment shares a frame); ack latencies.
    Comments are numbered from ``first``, as in ``paced``."""
    from videohelp.queue.bridges.client import IngestClient

    sent_at: dict[str, float] = {}
    latencies: list[float] = []

    def acked(ids: list[str]) -> None:
        now = time.perf_counter()
        latencies.extend(now - sent_at.pop(i) for i in ids)

    client = IngestClient(url, TOKENS[platform], linger_s=linger_s, on_ack=acked)
    client.start()
    await asyncio.wait_for(client.wait_connected(), 10)
    total = int(rate * seconds)
    start = time.perf_counter()
    try:
        for n in range(first, first + total):
            delay = start + (n - first) / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            message = item(platform, n, run)
            sent_at[message["id"]] = time.perf_counter()
            await client.send(message)
        await asyncio.wait_for(client.drain(), 30)
    finally:
        await client.close()
    return latencies


def latency(data_dir: Path, seconds: float) -> list[float]:
    serve = Serve(data_dir)
    try:
        return asyncio.run(paced(serve.url, PLATFORMS, 1000, seconds, f"l{time.time_ns()}"))
    finally:
        serve.stop()


# -- the desk's main thread ------------------------------------------------------------------
def desk(data_dir: Path, seconds: float, triage: bool) -> tuple[list[float], list[float], int]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from videohelp.console.session import SessionOptions, ShowSession
    from videohelp.core.paths import data_paths
    from videohelp.core.settings import Settings
    from videohelp.ui.event_loop import new_event_loop
    from videohelp.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    loop = new_event_loop(app)
    session = ShowSession(data_paths(data_dir), Settings(), SessionOptions(
        listen=True, port=0, ingest_tokens={"douyin": TOKENS["douyin"]}, triage=triage))
    window = MainWindow(session, show_personal=True)
    window.show()
    stalls: list[float] = []
    interval = 0.010
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        stalls.append(max(0.0, now - last[0] - interval))
        last[0] = now

    probe = QTimer()
    probe.setInterval(int(interval * 1000))
    probe.timeout.connect(tick)

    async def main() -> list[float]:
        await session.start()
        # Steady state: triage builds its engine at start (seconds of CPU), before the show.
        while session.triage is not None and not session.triage.is_ready:
            await asyncio.sleep(0.1)
        probe.start()
        last[0] = time.perf_counter()
        generator = await asyncio.create_subprocess_exec(
            sys.executable, __file__, "--load", session.server.url("/ingest"), str(seconds),
            stdout=asyncio.subprocess.PIPE)
        out, _ = await generator.communicate()
        probe.stop()
        await session.stop()
        return json.loads(out)

    with loop:
        acks = loop.run_until_complete(main())
    rows = window.model.rowCount()
    window.close()
    return stalls, acks, rows


def load_main(url: str, seconds: float) -> None:
    latencies = asyncio.run(paced(url, ("douyin",), 1000, seconds, f"d{time.time_ns()}"))
    print(json.dumps(latencies))


# -- reference: the writer alone --------------------------------------------------------------
def writer_alone(data_dir: Path, rows: int = 20_000) -> float:
    from videohelp.queue.comments import IncomingComment
    from videohelp.queue.persist import CommentWriter

    writer = CommentWriter(data_dir / "writer.sqlite3")
    comments = [IncomingComment("app", f"w{n}", f"u{n}", f"观众{n}", item("app", n, "w")["text"],
                                now_ms()) for n in range(rows)]
    started = time.perf_counter()
    for start in range(0, rows, 250):
        writer.write(comments[start:start + 250])
    seconds = time.perf_counter() - started
    writer.close()
    return rows / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", choices=("batches", "singles", "latency", "desk"))
    parser.add_argument("--seconds", type=float, default=10.0,
                        help="length of the latency and desk runs (default 10)")
    parser.add_argument("--load", nargs=2, metavar=("URL", "SECONDS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load:
        load_main(args.load[0], float(args.load[1]))
        return
    with tempfile.TemporaryDirectory(prefix="vh-bench-") as tmp:
        base = Path(tmp)
        print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
        if args.only in (None, "batches"):
            settle()
            reference = writer_alone(base)
            settle()
            rate = throughput(base / "batches", per_frame=100, frames_each=250, window=20)
            print(f"writer alone (250-row commits):          {reference:8.0f} rows/s")
            print(f"durable ingest, 4 bridges x batches of 100: {rate:8.0f} comments/s "
                  f"(goal >= 20000; {rate / reference:.2f} x the writer alone)")
        if args.only in (None, "singles"):
            settle()
            rate = throughput(base / "singles", per_frame=1, frames_each=10_000, window=200)
            print(f"durable ingest, single-comment frames:    {rate:8.0f} comments/s "
                  f"(goal >= 5000)")
        if args.only in (None, "latency"):
            settle()
            values = latency(base / "latency", args.seconds)
            print(f"ack latency at 1000 comments/s ({len(values)} comments): "
                  f"p50 {pct(values, .5) * 1000:.1f} ms, p99 {pct(values, .99) * 1000:.1f} ms, "
                  f"max {max(values) * 1000:.1f} ms (goal p99 <= 50)")
        if args.only in (None, "desk"):
            for triage, label in ((False, "triage off"), (True, "triage on, as shipped")):
                settle()
                stalls, acks, rows = desk(base / f"desk-{triage}", args.seconds, triage)
                print(f"desk main thread at 1000 comments/s, {label} ({rows} rows listed): "
                      f"stall p50 {pct(stalls, .5) * 1000:.1f} ms, "
                      f"p99 {pct(stalls, .99) * 1000:.1f} ms, max {max(stalls) * 1000:.1f} ms "
                      f"(goal p99 <= 50); ack p99 meanwhile {pct(acks, .99) * 1000:.1f} ms, "
                      f"mean {statistics.mean(acks) * 1000:.1f} ms")
        print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
