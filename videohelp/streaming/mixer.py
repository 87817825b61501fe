"""The program mix: the microphone or line input plus the sound of the program source.

``ProgramAudio`` is what every output takes its sound from. Each output gets
its own ``MixTap``, which holds one tap on the input (``AudioInput`` or
``SilentAudio``) and one on the current source's ``SourceAudio`` (a clip, a
looping file, a network stream; none for the test pattern or a camera). The
encoder reads the mix tap as it reads any tap, and the wall clock stays the
master for both halves: the input's tap pads with silence when the device is
late and drops its oldest samples when it runs ahead; the source's sound is
read by the wall-clock stamps it was decoded with (``source_audio``), so a
late chunk is silence and never shifts the sound against the picture.

Sync: an encoder reads sound ahead of the picture it has (``AUDIO_LEAD_S``
and a frame). Each mix tap learns when its encoder reads what (the earliest
read relative to the samples it has taken, over the last second; afresh when
a reconnected push starts a new encoder) and asks the source tap for the
sound whose picture lands where the samples will.

Switching the program source swaps the source half of every mix tap at once:
the old source's queued sound is dropped with it. Switching the input swaps
the other half.

Levels: both at unity gain (``input_gain``, ``source_gain``), summed, then
``limit()``: untouched up to -1 dBFS, softly bent above it so that the sum of
two loud signals never clips hard and never leaves [-1, 1].
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

import numpy as np

from videohelp.streaming.audio import SAMPLE_RATE, AudioFeed, AudioTap, SilentAudio
from videohelp.streaming.encoder import AUDIO_LEAD_S
from videohelp.streaming.source_audio import SourceAudio, TimedTap

# -1 dBFS: below it the limiter is transparent.
LIMIT_THRESHOLD = 10 ** (-1 / 20)
# An encoder reads sound up to its reach (``AUDIO_LEAD_S`` and a frame) past the
# picture it has just encoded, so the earliest its reads come (``MixTap._clock``)
# is a reach before the picture that goes with them. A picture waits for the
# program's next tick, half a frame on average (18 ms at 25-30 fps): the sound for
# a sample is the one stamped this much after that earliest read.
SOURCE_SYNC_S = AUDIO_LEAD_S + 0.018
# Reads over which the earliest is taken: a second of 1024-sample AAC frames, a
# whole cycle of how those fall against the frame ticks at 25 and 30 fps.
_CLOCK_READS = 48
# A new estimate closer than this to the one in use is not taken: every change
# is a small jump in the source's sound.
_CLOCK_STEP_S = 0.004
# A read this much later than the estimate means a new encoder (a push that
# reconnected starts again at sample 0): the estimate starts afresh. Lateness
# within a running encoder is bounded by its queue (8 frames) and encode time.
_CLOCK_RESET_S = 0.5


def limit(samples: np.ndarray, threshold: float = LIMIT_THRESHOLD) -> np.ndarray:
    """Bend the peaks above ``threshold`` towards full scale (tanh knee), in place; the
    result stays within [-1, 1] (float32 rounds only the very loudest to 1.0 itself).

    Continuous and with a continuous slope at the threshold, so a signal just
    over it is not audibly distorted; NaN (a broken decode) becomes silence.
    """
    magnitude = np.abs(samples)
    peak = magnitude.max() if magnitude.size else 0.0
    if peak <= threshold:  # the usual case, and silence: nothing to do (NaN is not <=)
        return samples
    # Measured in the encoder's thread: nan_to_num and the rest on every read cost ~150 us
    # per AAC frame (0.007 cores at 47 reads a second); one abs and one max do not.
    np.nan_to_num(samples, copy=False, nan=0.0, posinf=1.0, neginf=-1.0)
    magnitude = np.abs(samples)
    over = magnitude > threshold
    if over.any():
        headroom = 1.0 - threshold
        bent = threshold + headroom * np.tanh((magnitude[over] - threshold) / headroom)
        samples[over] = np.copysign(bent, samples[over]).astype(samples.dtype)
    return samples


class MixTap(AudioTap):
    """One output's view of the mix: its input tap plus its source tap, summed and limited.

    An ``AudioTap`` for the encoder's sake; its own queue stays unused.
    """

    def __init__(self, mix: ProgramAudio, source_tap: TimedTap | None, input_tap: AudioTap,
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self._mix = mix
        self._now = clock
        self._input = input_tap
        self._source = source_tap
        self._swap = threading.Lock()
        self._position = 0  # samples read so far
        self._marks: deque[float] = deque(maxlen=_CLOCK_READS)
        self._origin: float | None = None

    @property
    def input_tap(self) -> AudioTap:
        return self._input

    @property
    def source_tap(self) -> TimedTap | None:
        return self._source

    # The halves change between two reads of the encoder.
    def set_input_tap(self, tap: AudioTap) -> None:
        with self._swap:
            self._input = tap

    def set_source_tap(self, tap: TimedTap | None) -> None:
        with self._swap:
            self._source = tap

    def push(self, samples: np.ndarray) -> None:
        raise TypeError("a mix tap is read only; push to its input or source")

    def read(self, count: int) -> np.ndarray:
        with self._swap:
            input_tap, source_tap = self._input, self._source
        origin = self._clock(count)
        out = input_tap.read(count)
        if self._mix.input_gain != 1.0:
            out *= self._mix.input_gain
        if source_tap is not None:
            start = origin + self._position / SAMPLE_RATE + SOURCE_SYNC_S
            sound = source_tap.read_at(start, count)
            if self._mix.source_gain != 1.0:
                sound *= self._mix.source_gain
            out += sound
        self._position += count
        return limit(out)

    def _clock(self, count: int) -> float:
        """The earliest wall-clock time the encoder reads sample 0 (in effect).

        Each read, less the time of the samples it ends with, marks it; reads
        that reach as far ahead as the encoder goes give the earliest mark, and
        the earliest of the last second's marks is the estimate.
        """
        mark = self._now() - (self._position + count) / SAMPLE_RATE
        if self._origin is not None and mark - self._origin > _CLOCK_RESET_S:
            self._marks.clear()
        self._marks.append(mark)
        earliest = min(self._marks)
        if self._origin is None or abs(earliest - self._origin) > _CLOCK_STEP_S:
            self._origin = earliest
        return self._origin

    def clear(self) -> None:
        with self._swap:
            input_tap, source_tap = self._input, self._source
        input_tap.clear()
        if source_tap is not None:
            source_tap.clear()


class ProgramAudio:
    """The show's sound for its outputs (an ``AudioFeed``): input + program source, mixed.

    ``set_input`` and ``set_source`` may be called from any thread while
    outputs read; each output's tap changes between two of its reads.
    """

    def __init__(self, audio_input: AudioFeed | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.input: AudioFeed = audio_input or SilentAudio()
        self.clock = clock  # the sources' stamps are on this clock (tests drive their own)
        self.source: SourceAudio | None = None
        self.input_gain = 1.0
        self.source_gain = 1.0
        self._taps: list[MixTap] = []
        self._lock = threading.Lock()

    def tap(self) -> AudioTap:
        with self._lock:
            source = self.source
            tap = MixTap(self, source.tap() if source is not None else None, self.input.tap(),
                         self.clock)
            self._taps.append(tap)
        return tap

    def untap(self, tap: AudioTap) -> None:
        with self._lock:
            if tap not in self._taps:
                return
            assert isinstance(tap, MixTap)
            self._taps.remove(tap)
            self.input.untap(tap.input_tap)
            if self.source is not None and tap.source_tap is not None:
                self.source.untap(tap.source_tap)

    def taps(self) -> list[MixTap]:
        with self._lock:
            return list(self._taps)

    def set_input(self, audio_input: AudioFeed) -> AudioFeed:
        """Take the input half from ``audio_input`` from now on; return the old input
        (still open: the caller closes it)."""
        with self._lock:
            old, self.input = self.input, audio_input
            for tap in self._taps:
                previous = tap.input_tap
                tap.set_input_tap(audio_input.tap())
                old.untap(previous)
        return old

    def set_source(self, source: SourceAudio | None) -> None:
        """The program source's sound from now on (None: a source without sound).

        The old source's taps are dropped with what they held: its sound stops
        at once, even if it keeps decoding (a source still open elsewhere).
        """
        with self._lock:
            old, self.source = self.source, source
            if old is source:
                return
            for tap in self._taps:
                previous = tap.source_tap
                tap.set_source_tap(source.tap() if source is not None else None)
                if previous is not None:
                    previous.clear()
                    if old is not None:
                        old.untap(previous)

    def close(self) -> None:
        """Drop every tap (the outputs are stopped); the input is the owner's to close."""
        with self._lock:
            taps, self._taps = self._taps, []
        for tap in taps:
            self.input.untap(tap.input_tap)
            if self.source is not None and tap.source_tap is not None:
                self.source.untap(tap.source_tap)
        self.source = None


def source_audio_of(source: object) -> SourceAudio | None:
    """The sound of a program source, if it has a ``SourceAudio`` (a ``MediaSource``)."""
    audio = getattr(source, "audio", None)
    return audio if isinstance(audio, SourceAudio) else None


__all__ = ["LIMIT_THRESHOLD", "MixTap", "ProgramAudio", "limit", "source_audio_of"]
