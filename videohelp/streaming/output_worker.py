"""One destination's thread: its muxer, its connection and its state machine (no Qt)::

    starting --connected--> live --write failed--> reconnecting --connected--> live
        |                                               |
        +--refused (network) ---------------------------+   (retries with backoff)
        +--bad URL/protocol/option, any file error -------> failed
    any --stop()--> stopped

The encoding is not here: a ``SharedEncoder`` (``shared_encoder``) encodes the
program once for every destination with the same settings and puts each
frame's packets into each destination's ``PacketQueue`` (bounded, drops to the
next keyframe when full: a slow destination never holds up the others). This
thread takes what is queued and writes it. A (re)connection asks the encoder
for a keyframe and starts there, with its timestamps from zero.

A recording muxes the packets into its file from this thread. A network push
writes FLV into a pipe to a pusher process (``videohelp.streaming.pusher``):
the FLV tags are muxed once for every push of the encoder (``flv_fanout``)
and this thread writes them, a frame's at a time, with its own timestamps.
The pusher holds the connection: PyAV opens and closes network outputs while holding the GIL, so a
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
import socket
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import av

from videohelp.core.backoff import Backoff
from videohelp.streaming import pusher, workers
from videohelp.streaming.audio import SAMPLE_RATE
from videohelp.streaming.flv_fanout import FlvTag, end_of_sequence, fanout_of, write_all, write_tags
from videohelp.streaming.output_targets import OutputTarget
from videohelp.streaming.packet_queue import PacketQueue
from videohelp.streaming.pusher_link import (
    PusherReport,
    PushError,
    address,
    describe,
    is_permanent,
)
from videohelp.streaming.pusher_link import end as end_pusher
from videohelp.streaming.shared_encoder import (
    EncodedPacket,
    SharedEncoder,
    StreamParams,
    add_streams,
)

log = logging.getLogger(__name__)


class OutputState(StrEnum):
    STARTING = "starting"
    LIVE = "live"
    RECONNECTING = "reconnecting"
    STOPPED = "stopped"
    FAILED = "failed"


@dataclass(frozen=True)
class OutputStats:
    fps: float      # video frames muxed per second
    bitrate: float  # bits per second, muxed (video + audio)
    dropped: int    # program frames the (shared) encoder threw away because it fell behind
    frames: int     # video frames muxed since the output started
    bytes: int      # bytes muxed since the output started (all connections)
    queued: int     # packets waiting in this destination's queue
    reconnects: int
    dropped_packets: int = 0  # this destination's own: queue overflow, to the next keyframe


StateCallback = Callable[[OutputState, str], None]
StatsCallback = Callable[[OutputStats], None]


class OutputWorker:
    """One destination's muxer thread (see the module docstring)."""

    STATS_INTERVAL_S = 1.0
    RESET_BACKOFF_AFTER_S = 10.0  # live this long = the next failure starts a fresh backoff
    PUSHER_EXIT_S = 3.0  # after the end of its input, for the server to take the trailer
    CONNECT_TIMEOUT_S = 15.0  # TCP + TLS + RTMP handshake + publish, across the country
    PROBE_S = 0.25  # while refused, how often the server's port is tried (a TCP connect)
    ENCODER_START_S = 10.0  # x264 and AAC open in milliseconds; this is a broken build

    def __init__(self, target: OutputTarget, encoder: SharedEncoder, on_state: StateCallback,
                 on_stats: StatsCallback, *, max_queue_s: float = 2.0,
                 backoff: Backoff | None = None) -> None:
        self.target, self.encoder = target, encoder
        self._on_state, self._on_stats = on_state, on_stats
        # Encoded packets for a recording, FLV tags for a push.
        self.queue: PacketQueue[Any] = PacketQueue(max_queue_s, on_wait=self._waiting)
        self.backoff = backoff or Backoff()
        self.state = OutputState.STOPPED
        self.frames = 0
        self.bytes = 0
        self.reconnects = 0
        self.last_stats: OutputStats | None = None
        self._pusher: subprocess.Popen[bytes] | None = None
        self._spare: subprocess.Popen[bytes] | None = None  # the next pusher, loading
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

    def start(self) -> None:
        self._set_state(OutputState.STARTING, f"connecting to {self.target.name}"
                        if self.target.network else f"recording to {self.target.name}")
        self._thread.start()

    def stop_for_exit(self) -> threading.Thread:
        """At exit: stop as ``stop()`` does (a recording still gets its trailer)."""
        self._stop.set()
        return self._thread

    def stop(self, timeout: float = 5.0) -> bool:
        """Stop, muxing what is queued; False if the thread had to be abandoned."""
        self._stop.set()
        self._detach()
        self.queue.close()
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

    def _detach(self) -> None:
        """Take no more packets or tags (either way: which one is attached does not matter)."""
        if self.encoder.flv is not None:
            self.encoder.flv.detach(self.queue)
        self.encoder.detach(self.queue)

    def _waiting(self, joining: bool) -> None:
        """The queue threw a picture away waiting for a keyframe (the encoder thread). A
        destination that is joining, or not live yet (a pusher still starting or
        connecting, which filled its queue), asks for one: it starts at the next frame.
        One that is live and overflowed waits for the GOP's own, so that one bad uplink
        costs the others no extra keyframes."""
        if joining or self.state is not OutputState.LIVE:
            self.encoder.request_keyframe()

    # -- the muxer thread ---------------------------------------------------------------
    def _set_state(self, state: OutputState, message: str = "") -> None:
        self.state = state
        log.info("output %s: %s %s", self.target.name, state, message)
        self._on_state(state, message)

    def _run(self) -> None:
        # Not niced, unlike the encoder: muxing is light (~1 % of a core per destination) and
        # a muxer that waits behind everything else adds its wait to the stream's latency.
        while not self._stop.is_set():
            started = time.monotonic()
            try:
                if self.target.network:
                    self._push_session()
                else:
                    self._file_session()
                break  # returns only when stopped
            except Exception as exc:  # classify, then reconnect or give up
                message = describe(exc, self.target)
                if self._stop.is_set():
                    break
                if not self.target.network or is_permanent(exc):
                    self._set_state(OutputState.FAILED, message)
                    return
                if time.monotonic() - started > self.RESET_BACKOFF_AFTER_S:
                    self.backoff.reset()
                delay = self.backoff.next()
                self.reconnects += 1
                self._set_state(OutputState.RECONNECTING, f"{message}; retrying in {delay:.1f} s")
                # The next pusher starts now: its Python and PyAV load (0.3-1 s on a busy
                # machine) overlap the wait; it blocks reading the FLV header until then.
                self._spare = self._spawn_pusher()
                # Only a refused TCP connection (the server is down) is knocked for: a server
                # that answers and refuses the publish would be retried every knock.
                refused = "connection refused" in message.lower()
                if self._wait_to_retry(delay, refused=refused):
                    break
        spare, self._spare = self._spare, None
        if spare is not None:
            end_pusher(spare)
        self._set_state(OutputState.STOPPED, "")

    def _wait_to_retry(self, delay: float, refused: bool) -> bool:
        """Wait ``delay`` s (True if stopped meanwhile). After a refused connection, knock
        on the server's port every ``PROBE_S``: once it answers again the retry starts at
        once, not at the end of a backoff that has grown to seconds."""
        knock = address(self.target.url) if refused else None
        end = time.monotonic() + delay
        while (left := end - time.monotonic()) > 0:
            if self._stop.wait(min(left, self.PROBE_S)):
                return True
            if knock is not None:
                try:
                    socket.create_connection(knock, timeout=self.PROBE_S).close()
                    return self._stop.is_set()  # the port is back: retry now
                except OSError:
                    pass
        return self._stop.is_set()

    def _file_session(self) -> None:
        container = av.open(self.target.url, "w", format=self.target.format,
                            container_options=self.target.options)
        self._mux(container, on_open=lambda: self._set_state(OutputState.LIVE, self.target.name))

    def _spawn_pusher(self) -> subprocess.Popen[bytes]:
        env = {**os.environ, pusher.URL_VARIABLE: self.target.url}
        return subprocess.Popen([*pusher.command(), self.target.format], env=env,
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL)

    def _push_session(self) -> None:
        process, self._spare = self._spare, None
        if process is None or process.poll() is not None:
            if process is not None:
                end_pusher(process)
            process = self._spawn_pusher()
        assert process.stdin is not None and process.stdout is not None
        self._pusher = process
        report = PusherReport(process.stdout, on_live=lambda: self._set_state(
            OutputState.LIVE, self.target.name))
        watchdog = threading.Timer(self.CONNECT_TIMEOUT_S, report.give_up, args=(
            process, f"no answer from the server within {self.CONNECT_TIMEOUT_S:g} s"))
        watchdog.daemon = True
        watchdog.start()
        try:
            self._write_flv(process.stdin.fileno())
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

    def _params(self) -> StreamParams:
        deadline = time.monotonic() + self.ENCODER_START_S
        while not self.encoder.ready.wait(0.1):
            if self._stop.is_set() or time.monotonic() > deadline:
                raise PushError("the encoder did not start", permanent=True)
        if self.encoder.params is None:
            raise PushError(self.encoder.error or "the encoder failed", permanent=True)
        return self.encoder.params

    def _write_flv(self, fd: int) -> None:
        """The encoder's FLV tags into the pusher's pipe, from a keyframe, until stopped."""
        self._params()
        fanout = fanout_of(self.encoder)
        self.queue.restart()  # from the next keyframe, which we ask for
        try:
            write_all(fd, [fanout.attach(self.queue)])  # the header: the pusher starts on it
            writer = _TagWriter(fd)
            self._pump(writer.write)
            fanout.detach(self.queue)
            self.bytes += writer.write(self.queue.drain())  # what was made before the stop
            write_all(fd, [end_of_sequence(writer.last)])
        finally:
            fanout.detach(self.queue)
            self.queue.close()

    def _mux(self, container: av.container.OutputContainer,
             on_open: Callable[[], None] | None = None) -> None:
        clean = False
        try:
            video, audio = add_streams(container, self._params())
            self.queue.restart()  # from the next keyframe, which we ask for:
            self.encoder.attach(self.queue)
            container.start_encoding()  # creates the file
            if on_open is not None:
                on_open()
            muxer = _Muxer(container, video, audio)
            self._pump(muxer.mux_all)
            self.encoder.detach(self.queue)
            self.bytes += muxer.mux_all(self.queue.drain())  # encoded before the stop: kept
            clean = True
        finally:
            self.encoder.detach(self.queue)
            self.queue.close()
            try:
                container.close()
            except Exception:
                if clean:
                    raise  # the trailer of a recording failed: the file may be broken
                log.debug("closing a failed container", exc_info=True)

    def _pump(self, write: Callable[[list[Any]], int]) -> None:
        """Write what the queue gets until stopped, a frame's worth at a time; stats."""
        window_at, window_frames, window_bytes = time.monotonic(), 0, self.bytes
        while not self._stop.is_set():
            batch = self.queue.get_many(timeout=0.2)
            if batch:
                self.bytes += write(batch)
                pictures = sum(1 for packet in batch if packet.video)
                self.frames += pictures
                window_frames += pictures
            now = time.monotonic()
            if now - window_at >= self.STATS_INTERVAL_S:
                elapsed = now - window_at
                self.last_stats = OutputStats(
                    fps=window_frames / elapsed, bitrate=(self.bytes - window_bytes) * 8 / elapsed,
                    dropped=self.encoder.dropped, frames=self.frames, bytes=self.bytes,
                    queued=len(self.queue), reconnects=self.reconnects,
                    dropped_packets=self.queue.dropped)
                self._on_stats(self.last_stats)
                window_at, window_frames, window_bytes = now, 0, self.bytes


class _TagWriter:
    """A push's FLV tags into its pipe, timestamps from its first keyframe at 0."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.offset: int | None = None
        self.last = 0  # the time of the last tag written (ms, this stream's)

    def write(self, tags: list[FlvTag]) -> int:
        if not tags:
            return 0
        if self.offset is None:
            assert tags[0].video and tags[0].keyframe, "a session starts at a keyframe"
            self.offset = tags[0].ms
        written, last = write_tags(self.fd, tags, self.offset)
        self.last = max(self.last, last)
        return written


class _Muxer:
    """Packets of the shared encoder into one container, timestamps from this session's start.

    The first packet is a keyframe (``PacketQueue.restart``); its time is this
    session's zero, for the picture and the sound alike. Sound from before it
    is left out (the AAC encoder's first packet is stamped one frame before the
    first picture): negative timestamps make the MP4 muxer shift the first
    picture, 21 ms against every other destination.
    """

    def __init__(self, container: av.container.OutputContainer, video: av.VideoStream,
                 audio: av.AudioStream) -> None:
        self.container, self.video, self.audio = container, video, audio
        self._video_offset: int | None = None
        self._audio_offset = 0

    def mux_all(self, packets: list[EncodedPacket]) -> int:
        return sum(self.mux(packet) for packet in packets)

    def mux(self, encoded: EncodedPacket) -> int:
        if self._video_offset is None:
            assert encoded.video and encoded.keyframe, "a session starts at a keyframe"
            self._video_offset = encoded.pts
            self._audio_offset = round(encoded.seconds * SAMPLE_RATE)
        offset = self._video_offset if encoded.video else self._audio_offset
        if encoded.pts < offset:
            return 0
        packet = av.Packet(encoded.data)
        packet.pts, packet.dts = encoded.pts - offset, encoded.dts - offset
        packet.time_base = encoded.time_base
        packet.stream = self.video if encoded.video else self.audio
        packet.is_keyframe = encoded.keyframe
        self.container.mux(packet)
        return len(encoded.data)
