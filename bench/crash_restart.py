#!/usr/bin/env python3
"""Back on air after a crash: from ``kill -9`` of ``videohelp serve`` to streaming again.

    PYTHONPATH=$PWD .venv/bin/python bench/crash_restart.py            # 5 runs
    PYTHONPATH=$PWD .venv/bin/python bench/crash_restart.py --runs 10

Each run, against a real nginx-rtmp on 127.0.0.1: ``serve`` (640x360 at 25 fps,
``ultrafast``) pushes the program to a configured destination with a question
card on air (taken by the control seat); once ffmpeg decodes frames from the
server, the process is killed with SIGKILL and started again at once, without
any output option (a supervisor's restart: ``Restart=always``, no delay), so
the outputs come back from the show's state file alone. The figure is the
time from the kill to the first frame ffmpeg decodes from the server again;
also: until the new process prints ``serving``, and the CPU seconds the new
process used until the first frame (less sensitive to a shared machine than
the wall time). Goal: at most 10 s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from websockets.asyncio.client import connect

from tests.console.crash_support import TOKEN, Serve, seed_question, studio_settings
from tests.streaming.rtmp_server import FrameGrabber, NginxRtmp
from videohelp.console.show_state import STATE_FILE

GOAL_S = 10.0
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process (every thread), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


async def take(url: str, comment: int) -> None:
    async with connect(url, additional_headers={"Authorization": f"Bearer {TOKEN}"},
                       open_timeout=10) as ws:
        await ws.recv()  # the snapshot
        await ws.send(json.dumps({"type": "take", "rid": "t", "comment": comment,
                                  "template": "qa", "answer": "到期前90日内到车管所换证"}))
        while True:
            reply = json.loads(await asyncio.wait_for(ws.recv(), 10))
            if reply.get("rid") == "t":
                assert reply["type"] == "ok", reply
                return


def first_frame(url: str, deadline: float) -> float:
    """The monotonic time ffmpeg first decodes a frame pulled from ``url``; a player that
    met the dying stream is replaced until one gets frames."""
    while time.monotonic() < deadline:
        grabber = FrameGrabber(url, 160, 90)
        try:
            while time.monotonic() < deadline and grabber.process.poll() is None:
                if grabber.count():
                    return grabber.frames[0][0]
                time.sleep(0.01)
            if grabber.count():
                return grabber.frames[0][0]
        finally:
            grabber.close()
    raise TimeoutError(f"no frame from {url}")


def run_once(root: Path, nginx: NginxRtmp, number: int) -> dict[str, float]:
    data = root / f"data{number}"
    data.mkdir(mode=0o700)
    url = nginx.url(f"crash{number}")
    studio_settings(data, url)
    comment = seed_question(data / "videohelp.sqlite3")
    first = Serve(data, "--output", "studio")
    try:
        asyncio.run(take(first.seat_url(), comment))
        deadline = time.monotonic() + 30
        while "qa" not in json.loads((data / STATE_FILE).read_text()).get("cards", {}):
            assert time.monotonic() < deadline, "the card never reached the show state"
            time.sleep(0.02)
        first_frame(url, time.monotonic() + 30)  # streaming before the kill
        killed = time.monotonic()
        first.kill()
    except BaseException:
        first.kill()
        raise
    second = Serve(data)
    try:
        back = first_frame(url, killed + 60)
        cpu = cpu_seconds(second.process.pid)
        serving = second.wait_line("videohelp: serving ")
        second.wait_line("videohelp: output studio restarted")
    finally:
        code, err = second.stop()
    assert code == 0, err[-2000:]
    return {"streaming_s": back - killed, "cpu_s": cpu,
            "serving_s": second.arrived[serving] - killed}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        nginx = NginxRtmp(root / "nginx")
        nginx.start()
        results = []
        try:
            for number in range(1, args.runs + 1):
                result = run_once(root, nginx, number)
                results.append(result)
                print(f"run {number}: streaming again {result['streaming_s']:.2f} s after "
                      f"kill -9 (serving after {result['serving_s']:.2f} s; new process: "
                      f"{result['cpu_s']:.2f} CPU s)", flush=True)
        finally:
            nginx.stop()
    times = [r["streaming_s"] for r in results]
    cpu = [r["cpu_s"] for r in results]
    print(f"kill -9 to streaming again: median {statistics.median(times):.2f} s, "
          f"max {max(times):.2f} s over {len(times)} runs; CPU of the restart median "
          f"{statistics.median(cpu):.2f} s; load {os.getloadavg()[0]:.2f}")
    met = max(times) <= GOAL_S
    print(f"goal {'met' if met else 'NOT met'} (≤ {GOAL_S:g} s)")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
