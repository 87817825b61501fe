"""One output's encoder thread and its state machine (no Qt)::

    starting --connected--> live --write failed--> reconnecting --connected--> live
        |                                               |
        +--refused (network) ---------------------------+   (retries with backoff)
        +--bad URL/protocol/option, any file error -------> failed
    any --stop()--> stopped

Frames arrive from the program thread through a bounded queue that drops the
oldest frame when full; the thread encodes them (``AVEncoder``).

A recording writes its file from this thread. A network push writes FLV into
a pipe to a pusher process (``videohelp.streaming.pusher``), which holds the
connection: PyAV opens and closes network outputs while holding the GIL, so a
slow or silent server would otherwise freeze the whole console. The pusher
reports ``live`` once connected; when it dies the pipe breaks and the session
ends. Network outputs retry with exponential backoff for as long as they run;
a recording that fails stops in ``failed`` (retrying would overwrite or
scatter the file).
"""

from __future__ import annotations

import contextlib
import logging
import os
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import IO

import av
import numpy as np

from videohelp.core.backoff import Backoff
from videohelp.streaming import pusher, workers
from videohelp.streaming.audio import AudioTap
from videohelp.streaming.encoder import AVEncoder, EncoderSettings, FrameQueue
from videohelp.streaming.output_targets import OutputTarget

log = logging.getLogger(__name__)


class OutputState(StrEnum):
    STARTING = "starting"
    LIVE = "live"
    RECONNECTING = "reconnecting"
    STOPPED = "stopped"
    FAILED = "failed"


@dataclass(frozen=True)
class OutputStats:
    fps: float
    bitrate: float  # bits per second, muxed (video + audio)
    dropped: int    # frames thrown away because the encoder fell behind
    frames: int     # frames encoded since the output started
    bytes: int      # bytes muxed since the output started (all connections)
    queued: int
    reconnects: int


class PushError(RuntimeError):
    """The pusher process failed; ``permanent`` if retrying cannot help."""

    def __init__(self, message: str, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


StateCallback = Callable[[OutputState, str], None]
StatsCallback = Callable[[OutputStats], None]


class OutputWorker:
    """One output's encoder thread (see the module docstring)."""

    STATS_INTERVAL_S = 1.0
    RESET_BACKOFF_AFTER_S = 10.0  # live this long = the next failure starts a fresh backoff
    PUSHER_EXIT_S = 3.0  # after the end of its input, for the server to take the trailer
    CONNECT_TIMEOUT_S = 15.0  # TCP + TLS + RTMP handshake + publish, across the country

    def __init__(self, target: OutputTarget, settings: EncoderSettings, audio: AudioTap,
                 on_state: StateCallback, on_stats: StatsCallback, *, queue_len: int = 8,
                 backoff: Backoff | None = None) -> None:
        self.target, self.settings, self.audio = target, settings, audio
        self._on_state, self._on_stats = on_state, on_stats
        self.queue = FrameQueue(queue_len)
        self.backoff = backoff or Backoff()
        self.state = OutputState.STOPPED
        self.dropped = 0
        self.frames = 0
        self.bytes_before = 0  # muxed by earlier connections
        self.reconnects = 0
        self._accepting = False  # a session is open: frames are wanted
        self._encoder: AVEncoder | None = None
        self._pusher: subprocess.Popen[bytes] | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"output {target.name}",
                                        daemon=True)
        workers.register(self)

    # -- any thread -------------------------------------------------------------------
    @property
    def pusher_pid(self) -> int | None:
        """The pusher process of a live network output (for diagnostics and the bench)."""
        process = self._pusher
        return process.pid if process is not None else None

    def submit(self, frame: np.ndarray, frame_no: int = 0) -> None:
        """A program frame (called on the program thread; never blocks, never copies)."""
        if not self._accepting:
            return  # between connections: nothing to encode into
        if self.queue.put(frame, time.monotonic()) and self.state is OutputState.LIVE:
            self.dropped += 1

    def set_audio(self, tap: AudioTap) -> None:
        """Take the sound from ``tap`` from the next AAC frame on."""
        self.audio = tap
        encoder = self._encoder
        if encoder is not None:
            encoder.audio = tap

    def start(self) -> None:
        self._set_state(OutputState.STARTING, f"connecting to {self.target.name}"
                        if self.target.network else f"recording to {self.target.name}")
        self._thread.start()

    def stop_for_exit(self) -> threading.Thread:
        """At exit: stop as ``stop()`` does (a recording still gets its trailer)."""
        self._stop.set()
        return self._thread

    def stop(self, timeout: float = 5.0) -> bool:
        """Stop, flushing what is encoded; False if the thread had to be abandoned."""
        self._stop.set()
        self.queue.clear()
        process = self._pusher
        if process is not None and self.state is not OutputState.LIVE:
            process.kill()  # still connecting: nothing to finish, and it may never answer
        self._thread.join(timeout if process is None else min(timeout, self.PUSHER_EXIT_S))
        if self._thread.is_alive() and process is not None:
            process.kill()  # the server did not take the end of the stream in time
            self._thread.join(timeout)
        if self._thread.is_alive():
            log.warning("output %s did not stop within %.0f s; abandoning its thread",
                        self.target.name, timeout)
            self._set_state(OutputState.STOPPED, "abandoned: its file or pipe did not close")
            return False
        return True

    # -- the encoder thread -------------------------------------------------------------
    def _set_state(self, state: OutputState, message: str = "") -> None:
        self.state = state
        log.info("output %s: %s %s", self.target.name, state, message)
        self._on_state(state, message)

    def _run(self) -> None:
        workers.lower_priority()  # before x264 starts its threads: they inherit it
        while not self._stop.is_set():
            started = time.monotonic()
            try:
                if self.target.network:
                    self._push_session()
                else:
                    self._file_session()
                break  # returns only when stopped
            except Exception as exc:  # classify, then reconnect or give up
                message = _describe(exc, self.target)
                if self._stop.is_set():
                    break
                if not self.target.network or _is_permanent(exc):
                    self._set_state(OutputState.FAILED, message)
                    return
                if time.monotonic() - started > self.RESET_BACKOFF_AFTER_S:
                    self.backoff.reset()
                delay = self.backoff.next()
                self.reconnects += 1
                self._set_state(OutputState.RECONNECTING, f"{message}; retrying in {delay:.1f} s")
                if self._stop.wait(delay):
                    break
        self._set_state(OutputState.STOPPED, "")

    def _file_session(self) -> None:
        container = av.open(self.target.url, "w", format=self.target.format,
                            container_options=self.target.options)
        self._encode(container, on_open=lambda: self._set_state(OutputState.LIVE,
                                                                self.target.name))

    def _push_session(self) -> None:
        env = {**os.environ, pusher.URL_VARIABLE: self.target.url}
        process = subprocess.Popen([*pusher.command(), self.target.format], env=env,
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   stderr=subprocess.DEVNULL)
        assert process.stdin is not None and process.stdout is not None
        self._pusher = process
        report = _PusherReport(process.stdout, on_live=lambda: self._set_state(
            OutputState.LIVE, self.target.name))
        watchdog = threading.Timer(self.CONNECT_TIMEOUT_S, report.give_up, args=(
            process, f"no answer from the server within {self.CONNECT_TIMEOUT_S:g} s"))
        watchdog.daemon = True
        watchdog.start()
        try:
            # flush_packets: each packet goes into the pipe at once, not when 32 KB collected.
            container = av.open(_Pipe(process.stdin), "w", format="flv",
                                container_options={"flvflags": "no_duration_filesize",
                                                   "flush_packets": "1"})
            self._encode(container)
            process.stdin.close()
            process.wait(self.PUSHER_EXIT_S)
        except Exception as exc:
            process.kill()
            report.finished.wait(1.0)
            if report.error is not None:  # the pusher's reason beats "broken pipe"
                raise PushError(report.error, report.permanent) from exc
            raise
        finally:
            watchdog.cancel()
            with contextlib.suppress(OSError):
                process.stdin.close()
            if process.poll() is None:
                process.kill()
            process.wait()
            process.stdout.close()
            self._pusher = None

    def _encode(self, container: av.container.OutputContainer,
                on_open: Callable[[], None] | None = None) -> None:
        clean = False
        encoder: AVEncoder | None = None
        try:
            encoder = self._encoder = AVEncoder(container, self.settings, self.audio)
            container.start_encoding()  # creates the file or writes the FLV header to the pipe
            self.queue.clear()
            self._accepting = True
            if on_open is not None:
                on_open()
            self._encode_until_stopped(encoder)
            encoder.flush()
            clean = True
        finally:
            self._accepting = False
            if encoder is not None:
                self.bytes_before += encoder.bytes
            self._encoder = None
            try:
                container.close()
            except Exception:
                if clean:
                    raise  # the trailer of a recording failed: the file may be broken
                log.debug("closing a failed container", exc_info=True)

    def _encode_until_stopped(self, encoder: AVEncoder) -> None:
        first_at: float | None = None
        window_at, window_frames, window_bytes = time.monotonic(), 0, 0
        while not self._stop.is_set():
            item = self.queue.get(timeout=0.2)
            if item is not None:
                frame, at = item
                first_at = at if first_at is None else first_at
                encoder.encode(frame, at - first_at)
                self.frames += 1
                window_frames += 1
            now = time.monotonic()
            if now - window_at >= self.STATS_INTERVAL_S:
                elapsed = now - window_at
                self._on_stats(OutputStats(
                    fps=window_frames / elapsed, bitrate=(encoder.bytes - window_bytes) * 8 / elapsed,
                    dropped=self.dropped, frames=self.frames,
                    bytes=self.bytes_before + encoder.bytes, queued=len(self.queue),
                    reconnects=self.reconnects))
                window_at, window_frames, window_bytes = now, 0, encoder.bytes


class _Pipe:
    """The pusher's stdin as PyAV's output file: unbuffered, whole writes, no seeking."""

    def __init__(self, pipe: IO[bytes]) -> None:
        self._fd = pipe.fileno()

    def write(self, data: bytes) -> int:
        view = memoryview(data)
        while view:
            view = view[os.write(self._fd, view):]  # releases the GIL while the pipe is full
        return len(data)


class _PusherReport:
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


def _is_permanent(exc: Exception) -> bool:
    if isinstance(exc, PushError):
        return exc.permanent
    return pusher.is_permanent(exc)


def _describe(exc: Exception, target: OutputTarget) -> str:
    text = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return str(text).replace(target.url, target.name)
