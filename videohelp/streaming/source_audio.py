"""The sound of a program source, decoded on the source's own reader thread.

A ``MediaSource`` (a clip, a looping file, a network stream) demuxes its
audio and video in one container on one thread (``play_through``), so that
its picture and its sound come from the same clock. Its ``SourceAudio``
resamples the decoded audio to the program's format (48 kHz stereo planar
float) and fans it out to ``TimedTap``s, one per output, stamping every chunk
with the wall-clock (monotonic) time its picture goes to the program;
``videohelp.streaming.mixer`` reads each tap by those stamps and adds it to
the microphone. Nobody tapping (the source is not on program) costs only the
decode.

``MediaPacer`` plays the decoded frames against the wall clock (files at
their own rate, live streams as they arrive). Sound goes to the taps when its
time comes; its picture is held ``PICTURE_DELAY_S`` longer, because the
encoder reads sound ahead of the picture it has (its audio lead): the sound
must be there before the picture is. Sound stamped by picture time stays in
sync however the tap is read; a late chunk is a gap, not a shift.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

import av
import numpy as np

from videohelp.streaming.audio import CHANNELS, SAMPLE_RATE

log = logging.getLogger(__name__)

# How long a source's picture is held after its sound went to the taps. The
# mixer asks for the sound of a picture about 120 ms before the picture reaches
# the program (``mixer.SOURCE_SYNC_S``); the rest is slack for a busy reader.
PICTURE_DELAY_S = 0.2
# A chunk stamped up to this much after the previous one ended, or up to
# ``_BURST_S`` before (a live stream arriving in bursts), is laid end to end with
# it; further off, a new run of stamps starts (a gap in the stream, a clock
# running fast), so the sound never drifts from its picture.
_CONTIGUOUS_S = 0.05
_BURST_S = 0.3


class TimedTap:
    """One output's view of a source's sound: chunks stamped with their wall-clock time.

    ``read_at(start, count)`` returns the samples from ``start`` on: silence
    where none were pushed (late, or a gap), and what is older than ``start``
    is dropped. At most ``maximum_s`` of sound is kept (an output that stopped
    reading, a reconnecting push).
    """

    def __init__(self, maximum_s: float = 1.0) -> None:
        self.maximum = round(maximum_s * SAMPLE_RATE)
        self._chunks: deque[tuple[float, np.ndarray]] = deque()
        self._buffered = 0
        self._lock = threading.Lock()

    def push(self, samples: np.ndarray, at: float) -> None:
        with self._lock:
            self._chunks.append((at, samples))
            self._buffered += samples.shape[1]
            while self._buffered - self._chunks[0][1].shape[1] >= self.maximum:
                self._buffered -= self._chunks.popleft()[1].shape[1]

    def read_at(self, start: float, count: int) -> np.ndarray:
        """``count`` samples (2, count) float32 from wall-clock time ``start`` on."""
        out = np.zeros((CHANNELS, count), np.float32)
        end = start + count / SAMPLE_RATE
        with self._lock:
            while self._chunks and (self._chunks[0][0]
                                    + self._chunks[0][1].shape[1] / SAMPLE_RATE) <= start:
                self._buffered -= self._chunks.popleft()[1].shape[1]
            for at, samples in self._chunks:
                if at >= end:
                    break
                offset = round((start - at) * SAMPLE_RATE)  # of ``start`` in the chunk
                first, into = max(0, offset), max(0, -offset)
                take = min(samples.shape[1] - first, count - into)
                if take > 0:
                    out[:, into:into + take] = samples[:, first:first + take]
        return out

    def clear(self) -> None:
        with self._lock:
            self._chunks.clear()
            self._buffered = 0


class SourceAudio:
    """One source's sound, fanned out to ``TimedTap``s.

    ``present`` tells whether the source has an audio stream at all (False
    until its reader opened it). ``close()`` empties and drops every tap: the
    source's sound stops at once, even on a tap still read by a mixer.
    """

    def __init__(self, description: str = "source") -> None:
        self.description = description
        self.present = False
        self.pushed = 0  # samples pushed since the start (tests, diagnostics)
        self.errors = 0  # audio packets that would not decode (skipped)
        self._taps: list[TimedTap] = []
        self._lock = threading.Lock()
        self._closed = False
        self._resampler: av.AudioResampler | None = None
        self._next_at: float | None = None

    def tap(self) -> TimedTap:
        tap = TimedTap()
        with self._lock:
            if not self._closed:
                self._taps.append(tap)
        return tap

    def untap(self, tap: TimedTap) -> None:
        with self._lock:
            if tap in self._taps:
                self._taps.remove(tap)

    def push(self, samples: np.ndarray, at: float) -> None:
        """(2, n) float32 samples at 48 kHz that go with the picture shown at ``at``."""
        with self._lock:
            taps = list(self._taps)
        for tap in taps:
            tap.push(samples, at)
        self.pushed += samples.shape[1]

    def restart(self) -> None:
        """A new play-through (a reopen, a loop): a fresh resampler and run of stamps."""
        self._resampler = None
        self._next_at = None

    def push_frame(self, frame: av.AudioFrame, at: float) -> None:
        """Resample a decoded frame to the program's format and push it, stamped ``at``.

        Frames that follow on are laid end to end, so the stamps of a stream
        that arrives in bursts (or of resampled chunks) do not overlap.
        """
        if self._resampler is None:
            self._resampler = av.AudioResampler(format="fltp", layout="stereo", rate=SAMPLE_RATE)
        if self._next_at is None or not -_BURST_S < at - self._next_at < _CONTIGUOUS_S:
            self._next_at = at
        for out in self._resampler.resample(frame):
            samples = out.to_ndarray().astype(np.float32, copy=False)
            if samples.shape[0] == CHANNELS and samples.shape[1]:
                self.push(samples, self._next_at)
                self._next_at += samples.shape[1] / SAMPLE_RATE

    def close(self) -> None:
        with self._lock:
            taps, self._taps = self._taps, []
            self._closed = True
        for tap in taps:
            tap.clear()


class MediaPacer:
    """Releases a play-through's frames at their time (see the module docstring).

    ``wait(media_time)`` blocks the reader until that frame is due (at once
    for a live stream), publishing held pictures whose time comes meanwhile;
    ``hold(picture, media_time)`` publishes a picture ``picture_delay`` after
    it is due; ``shown_at(media_time)`` is when that is (the sound's stamp);
    ``finish()`` waits out the held ones. The first picture of a source is
    also shown at once, as a still: better than the NO SIGNAL slate while the
    sound has its head start.
    """

    def __init__(self, stop: threading.Event, publish: Callable[[Any], None], *, live: bool,
                 picture_delay: float = 0.0, first: bool = False) -> None:
        self._stop, self._publish = stop, publish
        self.live, self.picture_delay = live, picture_delay
        self._first = first and picture_delay > 0  # nothing to bridge without a delay
        self._held: deque[tuple[float, Any]] = deque()
        self._wall0: float | None = None
        self._time0 = 0.0

    def due(self, media_time: float | None) -> float:
        """The wall-clock (monotonic) time a frame at ``media_time`` is due."""
        now = time.monotonic()
        if self.live or media_time is None:
            return now
        if self._wall0 is None:
            self._wall0, self._time0 = now, media_time
        return self._wall0 + (media_time - self._time0)

    def shown_at(self, media_time: float | None) -> float:
        """When the picture at ``media_time`` goes to the program (call after ``wait``)."""
        return self.due(media_time) + self.picture_delay

    def wait(self, media_time: float | None) -> bool:
        """Wait until the frame at ``media_time`` is due; False if the source was stopped."""
        return self._wait_until(self.due(media_time))

    def hold(self, picture: Any, media_time: float | None) -> None:
        if self._first:
            self._first = False
            self._publish(picture)
        self._held.append((self.due(media_time) + self.picture_delay, picture))
        self._release(time.monotonic())

    def finish(self) -> bool:
        """Publish every held picture at its time; False if the source was stopped."""
        return self._wait_until(self._held[-1][0]) if self._held else True

    def _release(self, now: float) -> None:
        while self._held and self._held[0][0] <= now:
            self._publish(self._held.popleft()[1])

    def _wait_until(self, when: float) -> bool:
        while True:
            now = time.monotonic()
            self._release(now)
            if now >= when:
                return not self._stop.is_set()
            wake = min(when, self._held[0][0]) if self._held else when
            if self._stop.wait(max(0.0, wake - now)):
                return False


def play_through(container: av.container.InputContainer, stream: av.VideoStream,
                 sound: av.AudioStream | None, pacer: MediaPacer, audio: SourceAudio) -> bool:
    """Demux ``stream`` and ``sound`` to their end: pictures to ``pacer``, sound to ``audio``.

    False if the source was stopped on the way. A broken audio packet is a
    gap in the sound (counted in ``audio.errors``); the picture goes on.
    """
    audio.restart()
    for packet in container.demux(*(s for s in (stream, sound) if s is not None)):
        if sound is not None and packet.stream_index == sound.index:
            try:
                chunks = packet.decode()
            except av.error.FFmpegError as exc:
                audio.errors += 1
                if audio.errors == 1:
                    log.warning("%s: skipping sound that does not decode (%s)", audio.description,
                                exc.strerror)
                continue
            for chunk in chunks:
                if isinstance(chunk, av.AudioFrame):
                    if not pacer.wait(chunk.time):
                        return False
                    audio.push_frame(chunk, pacer.shown_at(chunk.time))
            continue
        for frame in packet.decode():
            if isinstance(frame, av.VideoFrame):
                if not pacer.wait(frame.time):
                    return False
                pacer.hold(frame, frame.time)
    return pacer.finish()
