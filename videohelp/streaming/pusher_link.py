"""The console's side of a pusher process (``videohelp.streaming.pusher``): the pipe it
reads, the status line it writes, and what its failures mean.

``OutputWorker`` writes FLV into the pusher's stdin (``flv_fanout.write_tags``), reads the
pusher's one status line with ``PusherReport`` on a thread of its own, and
classifies what went wrong (``is_permanent``: retrying cannot help) without
ever showing the URL (``describe``).
"""

from __future__ import annotations

import contextlib
import subprocess
import threading
from collections.abc import Callable
from typing import IO
from urllib.parse import urlsplit

from videohelp.streaming import pusher
from videohelp.streaming.output_targets import OutputTarget


class PushError(RuntimeError):
    """The pusher process failed; ``permanent`` if retrying cannot help."""

    def __init__(self, message: str, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class PusherReport:
    """Reads the pusher's status line on a thread of its own."""

    def __init__(self, stdout: IO[bytes], on_live: Callable[[], None]) -> None:
        self.error: str | None = None
        self.permanent = False
        self.finished = threading.Event()
        self.live = threading.Event()
        self._stdout, self._on_live = stdout, on_live
        threading.Thread(target=self._read, name="pusher report", daemon=True).start()

    def give_up(self, process: subprocess.Popen[bytes], reason: str) -> None:
        """The watchdog: a pusher not live in time is killed, with ``reason`` as the error."""
        if not self.live.is_set() and process.poll() is None:
            self.error = reason
            process.kill()

    def _read(self) -> None:
        try:
            for raw in self._stdout:
                line = raw.decode("utf-8", "replace").rstrip("\n")
                if line == "live":
                    self.live.set()
                    self._on_live()
                elif line.startswith("error "):
                    kind, _, message = line[len("error "):].partition(" ")
                    self.permanent, self.error = kind == "permanent", message
        except (OSError, ValueError):
            pass  # the pipe was closed under us: the session is over
        finally:
            self.finished.set()


def end(process: subprocess.Popen[bytes]) -> None:
    """Kill a pusher that was never used and reap it."""
    if process.poll() is None:
        process.kill()
    process.wait()
    for pipe in (process.stdin, process.stdout):
        if pipe is not None:
            with contextlib.suppress(OSError):
                pipe.close()


def address(url: str) -> tuple[str, int] | None:
    """(host, port) of a TCP stream URL, for the reconnect probe; None for other schemes."""
    parts = urlsplit(url)
    port = {"rtmp": 1935, "rtmps": 443}.get(parts.scheme.lower())
    if port is None or not parts.hostname:
        return None
    try:
        return parts.hostname, parts.port or port
    except ValueError:
        return None


def is_permanent(exc: Exception) -> bool:
    if isinstance(exc, PushError):
        return exc.permanent
    return pusher.is_permanent(exc)


def describe(exc: Exception, target: OutputTarget) -> str:
    text = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return str(text).replace(target.url, target.name)
