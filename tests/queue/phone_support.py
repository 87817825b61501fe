"""A real console for the phone-desk tests: ``videohelp serve`` pushing to a real nginx-rtmp.

``PhoneShow`` runs the console as a subprocess (640x360 at 25 fps) with an ingest token and
an RTMP output, creates seats the way ``videohelp seat add`` does, sends comments through
``/ingest`` and reads the program back from the RTMP stream (``FrameGrabber``).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import numpy as np
from websockets.asyncio.client import connect

from tests.streaming.rtmp_server import FrameGrabber, NginxRtmp
from videohelp.core import seats
from videohelp.core.paths import data_paths
from videohelp.core.store import Store

INGEST_TOKEN = "phone-desk-ingest-token"
WIDTH, HEIGHT = 640, 360


class PhoneShow:
    def __init__(self, data_dir: Path, rtmp: NginxRtmp, *, source: str = "test") -> None:
        (data_dir / "settings.json").write_text(json.dumps(
            {"program.width": WIDTH, "program.height": HEIGHT, "program.fps": 25}))
        self.data_dir = data_dir
        self.database = data_paths(data_dir).database
        self.rtmp_url = rtmp.url("phone")
        env = dict(os.environ)
        env.pop("QT_QPA_PLATFORM", None)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "videohelp", "serve", "--data-dir", str(data_dir), "--port", "0",
             "--source", source, "--ingest-token", f"app={INGEST_TOKEN}", "--output", self.rtmp_url,
             ],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        assert self.process.stdout is not None
        deadline = time.monotonic() + 60
        self.base = ""
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            assert line, self.process.stderr.read() if self.process.stderr else "serve exited"
            if line.startswith("videohelp: serving ws://"):
                self.base = "http://" + line.split("ws://", 1)[1].split()[0]
                break
        assert self.base, "serve did not start"
        self.whip = ""
        if source == "whip":
            line = self.process.stdout.readline()
            assert line.startswith("videohelp: WHIP at http://"), line
            self.whip = line.split(" at ", 1)[1].strip()
        self.counter = 0
        self.grabber: FrameGrabber | None = None

    def url(self, path: str) -> str:
        return self.base + path

    def add_seat(self, name: str, role: str) -> str:
        store = Store(self.database)
        try:
            return seats.add_seat(store, name, role)[1]
        finally:
            store.close()

    async def audited(self, seat: str, entry: tuple[str, str], timeout_s: float = 10.0) -> None:
        """Wait until ``entry`` is among ``seat``'s audit rows: the console writes an action's
        audit row after the action's events have gone out, so a page may show the result first."""
        deadline = time.monotonic() + timeout_s
        while entry not in (rows := self.audit(seat)):
            assert time.monotonic() < deadline, f"{entry} not audited for {seat}: {rows}"
            await asyncio.sleep(0.05)

    def audit(self, seat: str) -> list[tuple[str, str]]:
        """(action, outcome) of every audited request of ``seat``, oldest first."""
        store = Store(self.database)
        try:
            rows = store.conn.execute("SELECT action, outcome FROM audit_log WHERE seat = ? ORDER BY id",
                                      (seat,)).fetchall()
            return [(row[0], row[1]) for row in rows]
        finally:
            store.close()

    def revoke(self, name: str) -> None:
        store = Store(self.database)
        try:
            seats.revoke_seat(store, name)
        finally:
            store.close()

    async def comment(self, text: str, user: str = "杭州小王") -> str:
        """Deliver one viewer comment through /ingest; return its platform id once acknowledged."""
        self.counter += 1
        msg_id = f"c{self.counter}"
        ws_url = self.base.replace("http://", "ws://") + "/ingest"
        async with connect(ws_url, additional_headers={"Authorization": f"Bearer {INGEST_TOKEN}"},
                           open_timeout=5, close_timeout=2) as ws:
            await ws.send(json.dumps({"type": "comment", "id": msg_id, "user": {"id": f"u{self.counter}",
                                      "name": user}, "text": text, "ts": int(time.time() * 1000)},
                                     ensure_ascii=False))
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                message = json.loads(await ws.recv())
                if message.get("type") == "ack" and msg_id in message["ids"]:
                    return msg_id
                assert message.get("type") != "error", message
        raise AssertionError("comment not acknowledged")

    def get(self, path: str, token: str | None) -> tuple[int, bytes, dict[str, str]]:
        request = urllib.request.Request(self.url(path))
        if token is not None:
            request.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.read(), dict(response.headers)
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read(), dict(exc.headers)

    def watch(self) -> FrameGrabber:
        self.grabber = FrameGrabber(self.rtmp_url, WIDTH, HEIGHT)
        return self.grabber

    def stop(self) -> None:
        if self.grabber is not None:
            self.grabber.close()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.communicate()


def card_difference(frame: np.ndarray, baseline: np.ndarray) -> float:
    """Mean absolute difference below the test pattern's clock band (the cards' part of the frame)."""
    top = HEIGHT // 4
    return float(np.abs(frame[top:].astype(np.int16) - baseline[top:].astype(np.int16)).mean())


async def wait_frames(grabber: FrameGrabber, predicate: Any, timeout: float = 15.0) -> np.ndarray:
    """The first frame decoded from now on for which ``predicate(frame)`` holds."""
    start = time.monotonic()
    deadline = start + timeout
    last = None
    while time.monotonic() < deadline:
        for _, frame in grabber.since(start):
            last = frame
            if predicate(frame):
                return frame
        await asyncio.sleep(0.05)
    raise AssertionError(f"no matching frame in {timeout} s (frames: {grabber.count()}, last: "
                         f"{None if last is None else last.shape})")
