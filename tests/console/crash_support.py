"""A real ``videohelp serve`` to kill: its stdout read on a thread, lines waited for by deadline.

Shared by ``test_serve_crash.py`` and ``bench/crash_restart.py``.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

from videohelp.queue.comments import IncomingComment
from videohelp.queue.persist import CommentWriter

TOKEN = "crash-test-control-token"


def env() -> dict[str, str]:
    environment = dict(os.environ)
    environment.pop("QT_QPA_PLATFORM", None)  # serve must not need it
    environment["VIDEOHELP_CONTROL_TOKEN"] = TOKEN
    return environment


def studio_settings(data_dir: Path, push_url: str) -> None:
    """A small program pushing to the destination ``studio`` (the test's nginx)."""
    (data_dir / "settings.json").write_text(json.dumps({
        "program.width": 640, "program.height": 360, "program.fps": 25,
        "outputs.destinations": {"studio": push_url}}))
    os.chmod(data_dir / "settings.json", 0o600)


def seed_question(database: Path, text: str = "驾照到期了怎么换") -> int:
    writer = CommentWriter(database)
    try:
        (comment,) = writer.write([IncomingComment("douyin", "m1", "u1", "杭州小王", text,
                                                   1_700_000_000_000)]).stored
    finally:
        writer.close()
    return comment.id


class Serve:
    """``videohelp serve`` in a subprocess, its stdout lines collected as they come."""

    def __init__(self, data_dir: Path, *extra: str) -> None:
        # stderr to a file: a pipe nobody reads would block serve once full.
        self.err_path = data_dir.parent / f"serve-{time.monotonic_ns()}.err"
        self._err = self.err_path.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "videohelp", "serve", "--data-dir", str(data_dir), "--port", "0",
             "--source", "test", "--x264-preset", "ultrafast", *extra],
            stdout=subprocess.PIPE, stderr=self._err, text=True, env=env())
        self.lines: list[str] = []
        self.arrived: dict[str, float] = {}  # line -> when it was read (monotonic)
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.arrived.setdefault(line.rstrip("\n"), time.monotonic())
            self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    def wait_line(self, start: str, timeout: float = 60.0) -> str:
        """The first line (from the start) beginning with ``start``; AssertionError if none."""
        for line in self.lines:
            if line.startswith(start):
                return line
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self._queue.get(timeout=0.1)
            except queue.Empty:
                continue
            if line is None:
                err = self.err_path.read_text()
                raise AssertionError(f"serve ended before {start!r}: {self.lines} {err[-2000:]}")
            self.lines.append(line)
            if line.startswith(start):
                return line
        raise AssertionError(f"no line {start!r} within {timeout}s: {self.lines}")

    def seat_url(self) -> str:
        return self.wait_line("videohelp: serving ").split()[2] + "/seat"

    def kill(self) -> None:
        self.process.kill()  # SIGKILL: no handler runs, nothing is flushed
        self.process.wait(timeout=10)
        self._thread.join(timeout=5)  # the pipe's end: the reader stops
        self._close()

    def stop(self, timeout: float = 30.0) -> tuple[int, str]:
        if self.process.poll() is None:
            self.process.terminate()
        self.process.wait(timeout=timeout)
        err = self.err_path.read_text()
        self._thread.join(timeout=5)
        self._close()
        return self.process.returncode, err

    def _close(self) -> None:
        if self.process.stdout is not None:
            self.process.stdout.close()
        self._err.close()
