"""Program outputs: an RTMP/RTMPS push or a recording, each on its own encoder thread.

``parse_target`` turns what the operator typed into an ``OutputTarget``.
``OutputWorker`` (no Qt) is the state machine of one output::

    starting --connected--> live --write failed--> reconnecting --connected--> live
        |                     |                         |
        +--refused------------+-------------------------+--> (network) reconnecting
        +--bad URL/path, disk error-----------------------> failed
    any --stop()--> stopped

A network output retries with exponential backoff for as long as it is
running; a recording that fails (disk full, directory gone) stops in
``failed`` (retrying would overwrite or scatter the file). ``Output`` is the
QObject wrapper the session and the desk use; it re-emits the worker's
callbacks as typed signals, queued to the receivers' thread by Qt.

Stream keys are secrets: only ``redact_url`` forms of a URL reach logs,
messages and signals.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import av
import numpy as np
from PySide6.QtCore import QObject, Signal

from videohelp.streaming import workers
from videohelp.streaming.audio import AudioInput, AudioTap, SilentAudio
from videohelp.streaming.backoff import Backoff
from videohelp.streaming.encoder import AVEncoder, EncoderSettings, FrameQueue
from videohelp.streaming.urls import redact_url

if TYPE_CHECKING:
    from videohelp.streaming.program import ProgramEngine

log = logging.getLogger(__name__)


class OutputError(ValueError):
    """An output target we cannot use; the text says why."""


class OutputState(StrEnum):
    STARTING = "starting"
    LIVE = "live"
    RECONNECTING = "reconnecting"
    STOPPED = "stopped"
    FAILED = "failed"


@dataclass(frozen=True)
class OutputTarget:
    url: str  # may hold a stream key: show ``name`` instead
    format: str
    network: bool
    options: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return redact_url(self.url)


# Fragmented MP4: a recording cut short by a crash or power loss stays playable
# up to its last fragment (one GOP), where a plain MP4 without its index is lost.
_MP4_OPTIONS = {"movflags": "frag_keyframe+empty_moov+default_base_moof"}
_FILE_FORMATS = {".mp4": ("mp4", _MP4_OPTIONS), ".mov": ("mov", _MP4_OPTIONS),
                 ".mkv": ("matroska", {}), ".flv": ("flv", {}), ".ts": ("mpegts", {})}
_NETWORK_FORMATS = {"rtmp": "flv", "rtmps": "flv", "srt": "mpegts", "udp": "mpegts"}
TARGET_HELP = "rtmp://, rtmps://, srt://, udp:// or a file ending in .mp4, .mov, .mkv, .flv, .ts"


def parse_target(text: str, now: float | None = None) -> OutputTarget:
    """The output ``text`` names; a file path may hold strftime fields (show-%Y%m%d.mp4)."""
    text = text.strip()
    if "://" in text:
        scheme = text.split("://", 1)[0].lower()
        if scheme not in _NETWORK_FORMATS:
            raise OutputError(f"unsupported output {redact_url(text)}; use {TARGET_HELP}")
        if not text.split("://", 1)[1].strip("/"):
            raise OutputError(f"output URL {text!r} has no host")
        # Don't write duration/size back into the FLV header: a stream cannot seek.
        options = {"flvflags": "no_duration_filesize"} if _NETWORK_FORMATS[scheme] == "flv" else {}
        return OutputTarget(text, _NETWORK_FORMATS[scheme], True, options)
    if "%" in text:
        text = time.strftime(text, time.localtime(now))
    path = Path(text).expanduser()
    if path.suffix.lower() not in _FILE_FORMATS:
        raise OutputError(f"unsupported output {text!r}; use {TARGET_HELP}")
    if path.exists():
        raise OutputError(f"{path} already exists; a recording never overwrites a file")
    if not path.parent.is_dir():
        raise OutputError(f"cannot record to {path}: no directory {path.parent}")
    fmt, options = _FILE_FORMATS[path.suffix.lower()]
    return OutputTarget(str(path), fmt, False, dict(options))


@dataclass(frozen=True)
class OutputStats:
    fps: float
    bitrate: float  # bits per second, muxed (video + audio)
    dropped: int    # frames thrown away because the encoder fell behind
    frames: int     # frames encoded since the output started
    bytes: int      # bytes muxed since the output started (all connections)
    queued: int
    reconnects: int


StateCallback = Callable[[OutputState, str], None]
StatsCallback = Callable[[OutputStats], None]


class OutputWorker:
    """One output's encoder thread and its state machine (see the module docstring)."""

    STATS_INTERVAL_S = 1.0
    RESET_BACKOFF_AFTER_S = 10.0  # live this long = the next failure starts a fresh backoff

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
        self._encoder: AVEncoder | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"output {target.name}",
                                        daemon=True)
        workers.register(self)

    # -- any thread -------------------------------------------------------------------
    def submit(self, frame: np.ndarray, frame_no: int = 0) -> None:
        """A program frame (called on the program thread; never blocks, never copies)."""
        if self.state not in (OutputState.STARTING, OutputState.LIVE):
            return  # reconnecting: nothing to encode into; the gap is in the stats
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
        """Stop, flushing what is encoded; False if the thread is stuck in network I/O."""
        self._stop.set()
        self.queue.clear()
        if self._thread.is_alive():
            self._thread.join(timeout)
        if self._thread.is_alive():
            # FFmpeg opens push URLs without an interrupt callback: a server that
            # accepts TCP but never answers blocks until the kernel gives up. The
            # thread is a daemon and holds nothing the next output needs.
            log.warning("output %s did not stop within %.0f s; abandoning its thread",
                        self.target.name, timeout)
            self._set_state(OutputState.STOPPED, "abandoned while blocked on the network")
            return False
        return True

    # -- the encoder thread -------------------------------------------------------------
    def _set_state(self, state: OutputState, message: str = "") -> None:
        self.state = state
        log.info("output %s: %s %s", self.target.name, state, message)
        self._on_state(state, message)

    def _run(self) -> None:
        while not self._stop.is_set():
            started = time.monotonic()
            try:
                self._session()
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

    def _session(self) -> None:
        container = av.open(self.target.url, "w", format=self.target.format,
                            container_options=self.target.options)
        clean = False
        try:
            encoder = self._encoder = AVEncoder(container, self.settings, self.audio)
            container.start_encoding()  # connects (RTMP handshake) or creates the file
            self.queue.clear()
            if self.state is not OutputState.LIVE:
                self._set_state(OutputState.LIVE, self.target.name)
            self._encode_until_stopped(encoder)
            encoder.flush()
            clean = True
        finally:
            if self._encoder is not None:
                self.bytes_before += self._encoder.bytes
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


def _is_permanent(exc: Exception) -> bool:
    """Errors that retrying cannot fix: a scheme or option FFmpeg lacks, a malformed URL
    (EINVAL), a bug. Garbage from a server (InvalidDataError) is worth another try."""
    if isinstance(exc, av.error.InvalidDataError):
        return False
    return isinstance(exc, LookupError | ValueError | TypeError)


def _describe(exc: Exception, target: OutputTarget) -> str:
    text = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return str(text).replace(target.url, target.name)


class Output(QObject):
    """One program output, started and stopped while the program runs.

    Signals:
        stateChanged(str, str): the new state (starting, live, reconnecting,
            stopped, failed) and why, as text without stream keys.
        statsChanged(object): an ``OutputStats`` about once a second while running.
    """

    stateChanged = Signal(str, str)
    statsChanged = Signal(object)

    def __init__(self, target: str | OutputTarget, settings: EncoderSettings,
                 audio: AudioInput | SilentAudio | None = None, *,
                 backoff: Backoff | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.target = parse_target(target) if isinstance(target, str) else target
        self.settings = settings
        self._audio = audio or SilentAudio()
        self._backoff = backoff
        self._tap: AudioTap | None = None
        self._worker: OutputWorker | None = None
        self._engine: ProgramEngine | None = None
        self.state = OutputState.STOPPED
        self.stats: OutputStats | None = None

    @property
    def name(self) -> str:
        return self.target.name

    @property
    def running(self) -> bool:
        return self._worker is not None

    def start(self, engine: ProgramEngine | None = None) -> None:
        """Start encoding; with ``engine``, take its program frames until stopped."""
        if self._worker is not None:
            return
        self._tap = self._audio.tap()
        self._worker = OutputWorker(self.target, self.settings, self._tap, self._state_from_worker,
                                    self._stats_from_worker, backoff=self._backoff)
        self._worker.start()
        if engine is not None:
            self._engine = engine
            engine.add_sink(self.submit)

    def submit(self, frame: np.ndarray, frame_no: int = 0) -> None:
        worker = self._worker
        if worker is not None:
            worker.submit(frame, frame_no)

    def stop(self, timeout: float = 5.0) -> None:
        """Stop and wait (up to ``timeout`` s) for the recording's trailer or the stream's end."""
        if self._engine is not None:
            self._engine.remove_sink(self.submit)
            self._engine = None
        worker, self._worker = self._worker, None
        if worker is not None:
            worker.stop(timeout)
        if self._tap is not None:
            self._audio.untap(self._tap)
            self._tap = None

    def switch_audio(self, audio: AudioInput | SilentAudio) -> None:
        """Take the sound from ``audio`` from now on (the session's input changed)."""
        old_audio, old_tap = self._audio, self._tap
        self._audio = audio
        if self._worker is not None:
            self._tap = audio.tap()
            self._worker.set_audio(self._tap)
        if old_tap is not None:
            old_audio.untap(old_tap)

    # Called on the encoder thread: Qt queues the signals to the receivers' threads.
    def _state_from_worker(self, state: OutputState, message: str) -> None:
        self.state = state
        with contextlib.suppress(RuntimeError):  # the wrapper may be gone (abandoned thread)
            self.stateChanged.emit(str(state), message)

    def _stats_from_worker(self, stats: OutputStats) -> None:
        self.stats = stats
        with contextlib.suppress(RuntimeError):
            self.statsChanged.emit(stats)
