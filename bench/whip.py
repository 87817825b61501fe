#!/usr/bin/env python3
"""WHIP receive: glass-to-program latency, and the console's CPU while receiving 720p30.

``--mode page`` (glass to program): a real console in this process (``SeatHub``, program
engine at 640x360/25 fps on a ``WhipSource``, ``start_whip`` on 127.0.0.1) and headless
Chromium opening the phone desk. A canvas in the page draws ``Date.now()`` (ms mod 2**32, as
32 black/white blocks across the top) every 10 ms; the page's own publish button sends it
(``getUserMedia`` is pointed at ``canvas.captureStream(30)``). A frame sink on the program
engine decodes the stamp from every program frame: latency = the program frame's time minus
the stamp, for each stamp the first time it reaches the program (Chromium's VP8 encode, RTP
over loopback, aiortc's jitter buffer and decode, the program's sampling of its source).

``--mode aiortc`` (CPU of receiving): ``WhipServer`` + ``WhipIngest`` + ``WhipSource`` at
1280x720 here, an aiortc publisher in a child process (its VP8 encoding not counted) sending
stamped 1280x720 frames at 30 fps; prints this process's CPU (user+system) per second of wall
time while receiving, and the publisher-to-source latency the same way.

Usage: ``python bench/whip.py [--mode page|aiortc] [--seconds 15]``.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from videohelp.streaming.whip import WhipIngest, WhipSource, _host_addresses
from videohelp.streaming.whip_http import WhipServer

W, H, FPS, BITS = 1280, 720, 30, 32
TOKEN = "bench-token"
BLOCK = W // BITS


def stamp_frame(ms: int) -> np.ndarray:
    """A grey 720p picture whose top band holds ``ms`` mod 2**32 as 32 black/white blocks (BGR)."""
    image = np.full((H, W, 3), 128, np.uint8)
    for bit in range(BITS):
        value = 255 if ms >> bit & 1 else 0
        image[: H // 6, bit * BLOCK:(bit + 1) * BLOCK] = value
    return image


def read_stamp(i420: np.ndarray, width: int, height: int) -> int:
    luma = i420[:height]
    block = width / BITS
    row = luma[: height // 12]
    bits = [row[:, int((b + 0.5) * block)].mean() > 128 for b in range(BITS)]
    return sum(1 << b for b, on in enumerate(bits) if on)


async def publish(url: str, seconds: float) -> None:
    from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription, VideoStreamTrack
    from av import VideoFrame

    class Stamped(VideoStreamTrack):
        async def recv(self) -> VideoFrame:
            pts, time_base = await self.next_timestamp()
            frame = VideoFrame.from_ndarray(stamp_frame(int(time.time() * 1000)), format="bgr24")
            frame.pts, frame.time_base = pts, time_base
            return frame

    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    pc.addTrack(Stamped())
    with _host_addresses(True):
        await pc.setLocalDescription(await pc.createOffer())
    request = urllib.request.Request(url, data=pc.localDescription.sdp.encode(), method="POST", headers={
        "Authorization": f"Bearer {TOKEN}", "Content-Type": "application/sdp"})
    answer = await asyncio.to_thread(lambda: urllib.request.urlopen(request, timeout=10).read().decode())
    await pc.setRemoteDescription(RTCSessionDescription(answer, "answer"))
    await asyncio.sleep(seconds)
    await pc.close()


async def receive(seconds: float) -> None:
    source = WhipSource(W, H)
    latencies: list[float] = []
    original = source.publish_frame

    def timed(frame) -> None:  # type: ignore[no-untyped-def]
        original(frame)
        image = source._newest
        if image is not None:
            latencies.append((int(time.time() * 1000) - read_stamp(image, W, H)) % 2**32)

    source.publish_frame = timed  # type: ignore[method-assign]

    async def authorize(token: str | None) -> bool:
        return token == TOKEN

    server = WhipServer(WhipIngest(source), authorize, "127.0.0.1", 0)
    await server.start()
    child = subprocess.Popen([sys.executable, __file__, "--publish", server.url(),
                              "--seconds", str(seconds + 3)])
    try:
        deadline = time.monotonic() + 20
        while source.frames < 10 and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        before, start, count = resource.getrusage(resource.RUSAGE_SELF), time.monotonic(), source.frames
        latencies.clear()
        await asyncio.sleep(seconds)
        after, wall = resource.getrusage(resource.RUSAGE_SELF), time.monotonic() - start
        received = source.frames - count
    finally:
        child.wait(timeout=seconds + 30)
        await server.stop()
    cpu = (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) / wall
    values = np.array(sorted(x for x in latencies if 0 <= x < 10_000))
    print(f"frames received: {received} in {wall:.1f} s ({received / wall:.1f} fps), "
          f"last at {source.received_size}")
    if values.size:
        print(f"publisher -> program source latency ms: median {np.median(values):.0f}, "
              f"p95 {np.percentile(values, 95):.0f}, max {values.max():.0f} (n={values.size})")
    print(f"console CPU while receiving 720p30: {cpu * 100:.0f}% of one core")


CANVAS_JS = """(() => {
  const canvas = document.createElement('canvas');
  canvas.width = 1280; canvas.height = 720;
  const g = canvas.getContext('2d');
  const block = 1280 / 32;
  setInterval(() => {
    const ms = Date.now() % 4294967296;
    g.fillStyle = '#808080'; g.fillRect(0, 0, 1280, 720);
    for (let bit = 0; bit < 32; bit++) {
      g.fillStyle = Math.floor(ms / 2 ** bit) % 2 ? '#ffffff' : '#000000';
      g.fillRect(bit * block, 0, block, 120);
    }
  }, 10);
  const stream = canvas.captureStream(30);
  navigator.mediaDevices.getUserMedia = async () => stream;
  return true;
})()"""


async def glass_to_program(seconds: float) -> None:
    import os
    import tempfile

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    from tests.queue.seat_support import start_console
    from tests.streaming.chromium import Chromium
    from videohelp.console.phone_desk import start_whip
    from videohelp.core import seats
    from videohelp.core.store import Store

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    tmp = Path(tempfile.mkdtemp(prefix="whip-bench-"))
    console = await start_console(tmp)
    source = WhipSource(640, 360)
    console.program.set_source(source)
    store = Store(console.database)
    token = seats.add_seat(store, "bench", "presenter")[1]
    store.close()
    whip = await start_whip(console.hub, source, "127.0.0.1", 0)
    seen: dict[int, float] = {}

    def sink(frame: np.ndarray, _number: int) -> None:
        stamp = read_stamp(frame, 640, 360)
        if stamp not in seen:
            seen[stamp] = (int(time.time() * 1000) - stamp) % 2**32

    console.program.add_sink(sink)
    console.program.start()
    cpu = 0.0
    try:
        async with Chromium.launch(tmp / "chromium", 390, 844, extra_flags=(
                "--allow-loopback-in-peer-connection", "--use-fake-ui-for-media-stream")) as page:
            await page.navigate(console.server.url("/desk", "http"))
            await page.wait_for("document.documentElement.dataset.state === 'login'")
            await page.evaluate(CANVAS_JS)
            await page.evaluate(f"document.getElementById('token').value = '{token}';"
                                "document.getElementById('login-form').requestSubmit(); true")
            await page.wait_for("!document.getElementById('publish-box').hidden")
            await page.evaluate("document.getElementById('publish').click(); true")
            await page.wait_for("document.documentElement.dataset.publish === 'connected'", timeout=20)
            deadline = time.monotonic() + 20
            while source.frames < 30 and time.monotonic() < deadline:
                await asyncio.sleep(0.1)
            seen.clear()
            before, start = resource.getrusage(resource.RUSAGE_SELF), time.monotonic()
            count = source.frames
            await asyncio.sleep(seconds)
            after, wall = resource.getrusage(resource.RUSAGE_SELF), time.monotonic() - start
            cpu = (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) / wall
            received = source.frames - count
    finally:
        console.program.stop()
        await whip.stop()
        await console.stop()
        del app
    values = np.array(sorted(x for x in seen.values() if 0 <= x < 10_000))
    print(f"frames received from the page: {received} in {wall:.1f} s ({received / wall:.1f} fps), "
          f"last at {source.received_size}")
    if values.size:
        print(f"glass (page canvas) -> program frame latency ms: median {np.median(values):.0f}, "
              f"p95 {np.percentile(values, 95):.0f}, max {values.max():.0f} (n={values.size})")
    print(f"console CPU (program 640x360 at 25 fps + WHIP receive): {cpu * 100:.0f}% of one core")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mode", choices=("page", "aiortc"), default="page")
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--publish", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.publish:
        asyncio.run(publish(args.publish, args.seconds))
    elif args.mode == "aiortc":
        asyncio.run(receive(args.seconds))
    else:
        asyncio.run(glass_to_program(args.seconds))


if __name__ == "__main__":
    main()
