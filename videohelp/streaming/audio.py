"""Program audio: a microphone or line input when there is one, silence otherwise.

Platforms reject or mishandle an RTMP push without audio, so every output
carries an AAC track; with no input configured, or while the device is
gone, that track is silence.

One ``AudioInput`` per show reads the device on its own thread (PyAV's ALSA
input, or any FFmpeg input format) and fans the samples out to one
``AudioTap`` per output. The encoder pulls exactly the samples that match the
video time it has encoded: the tap pads with silence when the device is late
and drops the oldest samples when it runs ahead, so the wall clock (the
video's clock) stays the master and audio never drifts out of sync.

Outputs do not tap the input directly: ``videohelp.streaming.mixer`` adds the
sound of the program source (``videohelp.streaming.source_audio``) to it. Any
``AudioFeed`` (an object that hands out and takes back taps) can feed an output.

Specs (``videohelp serve --audio``):

``silent`` / ``none``  a silent track
``auto``               the default ALSA device if it opens, else silence
``alsa:DEVICE``        e.g. ``alsa:default``, ``alsa:hw:1,0``, ``alsa:plughw:CARD=USB``
``lavfi:GRAPH``        FFmpeg-generated audio, e.g. ``lavfi:sine=frequency=1000`` (line-up tone)
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import deque
from pathlib import Path
from typing import Protocol

import av
import numpy as np

from videohelp.core.backoff import Backoff
from videohelp.streaming import workers

log = logging.getLogger(__name__)

SAMPLE_RATE = 48_000
CHANNELS = 2
SYSTEM_ALSA_CONF = Path("/usr/share/alsa/alsa.conf")


class AudioError(ValueError):
    """An audio spec we cannot use; the text says what is accepted."""


class AudioFeed(Protocol):
    """Something outputs take sound from: an input, a source's sound, the program mix."""

    def tap(self) -> AudioTap: ...

    def untap(self, tap: AudioTap) -> None: ...


class AudioTap:
    """One output's view of an input: a short FIFO of planar float32 stereo samples.

    Reading starts once ``prebuffer`` samples are queued (device periods
    arrive in bursts; without the cushion every burst boundary would be an
    underrun); an underrun pads with silence and re-primes. At most
    ``maximum`` samples are kept: a device clock running fast drops its
    oldest samples instead of growing the audio delay.
    """

    def __init__(self, prebuffer: int = SAMPLE_RATE // 10, maximum: int = SAMPLE_RATE * 3 // 10):
        self.prebuffer, self.maximum = prebuffer, maximum
        self._chunks: deque[np.ndarray] = deque()
        self._buffered = 0
        self._primed = False
        self._lock = threading.Lock()
        self.underruns = 0
        self.overruns = 0

    def push(self, samples: np.ndarray) -> None:
        with self._lock:
            self._chunks.append(samples)
            self._buffered += samples.shape[1]
            while self._buffered - self._chunks[0].shape[1] >= self.maximum:
                self._buffered -= self._chunks.popleft().shape[1]
                self.overruns += 1

    def clear(self) -> None:
        """Drop what is queued (the sound it belonged to was cut) and wait for a new cushion."""
        with self._lock:
            self._chunks.clear()
            self._buffered = 0
            self._primed = False

    def read(self, count: int) -> np.ndarray:
        """``count`` samples as a (2, count) float32 array; silence where there are none."""
        out = np.zeros((CHANNELS, count), np.float32)
        with self._lock:
            if not self._primed:
                if self._buffered < self.prebuffer:
                    return out
                self._primed = True
            filled = 0
            while filled < count and self._chunks:
                chunk = self._chunks[0]
                take = min(count - filled, chunk.shape[1])
                out[:, filled:filled + take] = chunk[:, :take]
                if take == chunk.shape[1]:
                    self._chunks.popleft()
                else:
                    self._chunks[0] = chunk[:, take:]
                self._buffered -= take
                filled += take
            if filled < count:
                self.underruns += 1
                self._primed = False
        return out


class SilentTap(AudioTap):
    """Always silence (no input, or an output that wants none)."""

    def push(self, samples: np.ndarray) -> None:
        pass

    def read(self, count: int) -> np.ndarray:
        return np.zeros((CHANNELS, count), np.float32)


class SilentAudio:
    """The input used when there is none: every tap is silent."""

    description = "silence"
    status = "silent"
    error = ""

    def tap(self) -> AudioTap:
        return SilentTap()

    def untap(self, tap: AudioTap) -> None:
        pass

    def close(self) -> None:
        pass


class AudioInput:
    """A capture device or FFmpeg input read on its own thread, reopened when it fails."""

    def __init__(self, fmt: str, device: str) -> None:
        self.fmt, self.device = fmt, device
        self.description = f"{fmt}:{device}"
        self.status = "connecting"
        self.error = ""
        self._taps: list[AudioTap] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._backoff = Backoff(initial=0.5, maximum=5.0)
        self._thread = threading.Thread(target=self._run, name=f"audio {self.description}",
                                        daemon=True)
        workers.register(self)

    def start(self) -> AudioInput:
        self._thread.start()
        return self

    def tap(self) -> AudioTap:
        tap = AudioTap()
        with self._lock:
            self._taps.append(tap)
        return tap

    def untap(self, tap: AudioTap) -> None:
        with self._lock:
            if tap in self._taps:
                self._taps.remove(tap)

    def close(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=3.0)
        self.status = "closed"

    def stop_for_exit(self) -> threading.Thread:
        self._stop.set()
        return self._thread

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._capture()
            except Exception as exc:  # a device that vanished is reopened, never fatal
                self.error = str(exc) or type(exc).__name__
                log.warning("audio input %s: %s", self.description, self.error)
            if self._stop.is_set():
                break
            self.status = "reconnecting"
            if self._stop.wait(self._backoff.next()):
                break

    def _capture(self) -> None:
        container = open_input(self.fmt, self.device)
        try:
            resampler = av.AudioResampler(format="fltp", layout="stereo", rate=SAMPLE_RATE)
            start = time.monotonic()
            produced = 0
            for frame in container.decode(audio=0):
                for out in resampler.resample(frame):
                    samples = out.to_ndarray().astype(np.float32, copy=False)
                    with self._lock:
                        taps = list(self._taps)
                    for tap in taps:
                        tap.push(samples)
                    produced += samples.shape[1]
                if self.status != "live":
                    self.status = "live"
                    self._backoff.reset()
                # Devices deliver in real time; generated inputs (lavfi) would run
                # ahead as fast as the CPU allows, so pace by the samples made.
                ahead = produced / SAMPLE_RATE - (time.monotonic() - start)
                if ahead > 0.02 and self._stop.wait(ahead):
                    return
                if self._stop.is_set():
                    return
            raise EOFError(f"{self.description} ended")
        finally:
            container.close()


def open_input(fmt: str, device: str) -> av.container.InputContainer:
    """Open an FFmpeg input device or generator for reading audio."""
    if fmt == "alsa":
        use_system_alsa_config()
    container = av.open(device, format=fmt, timeout=5.0)
    if not container.streams.audio:
        container.close()
        raise AudioError(f"{fmt}:{device} has no audio")
    return container


def use_system_alsa_config() -> None:
    """Point the ALSA library bundled in PyAV's wheel at the system's configuration.

    The bundled alsa-lib looks for its configuration under its build prefix
    (/tmp/vendor/share/alsa), which does not exist and is world-writable: no
    device would open, and another local user could plant a configuration there.
    """
    if "ALSA_CONFIG_PATH" not in os.environ and SYSTEM_ALSA_CONF.is_file():
        os.environ["ALSA_CONFIG_PATH"] = str(SYSTEM_ALSA_CONF)


AUDIO_HELP = "silent, auto, alsa:DEVICE (e.g. alsa:default, alsa:hw:1,0) or lavfi:GRAPH"


def open_audio(spec: str) -> AudioInput | SilentAudio:
    """Open the audio input ``spec`` names; raise ``AudioError`` if it names nothing usable."""
    spec = spec.strip()
    if spec in ("silent", "none", ""):
        return SilentAudio()
    if spec == "auto":
        try:
            open_input("alsa", "default").close()
        except (av.error.FFmpegError, AudioError) as exc:
            log.info("no default audio device (%s); the program carries silence", exc)
            return SilentAudio()
        return AudioInput("alsa", "default").start()
    fmt, _, device = spec.partition(":")
    if fmt not in ("alsa", "pulse", "lavfi") or not device:
        raise AudioError(f"unknown audio input {spec!r}; use {AUDIO_HELP}")
    if fmt not in av.formats_available:
        raise AudioError(f"this build of FFmpeg (PyAV) has no {fmt} input; use {AUDIO_HELP}")
    try:
        # Open once here so that a typo is an error now, not silence on air.
        open_input(fmt, device).close()
    except av.error.FFmpegError as exc:
        raise AudioError(f"cannot open audio input {spec}: {exc.strerror}") from exc
    return AudioInput(fmt, device).start()
