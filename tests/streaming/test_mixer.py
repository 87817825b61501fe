"""The program mix in isolation: sum, limiter, source and input switches, padding, pacing."""

from __future__ import annotations

import threading
import time

import av
import numpy as np
import pytest

from videohelp.streaming.audio import SAMPLE_RATE, AudioTap, SilentAudio
from videohelp.streaming.mixer import LIMIT_THRESHOLD, MixTap, ProgramAudio, limit, source_audio_of
from videohelp.streaming.source_audio import MediaPacer, SourceAudio, TimedTap

CUSHION = SAMPLE_RATE // 10  # an input tap's default prebuffer


def _chunk(value: float, count: int = CUSHION) -> np.ndarray:
    return np.full((2, count), value, np.float32)


def _sound(source: SourceAudio, value: float | np.ndarray, seconds: float = 3.0) -> None:
    """Sound for the pictures of the last second and the next two: whatever a mix
    tap reads now comes from it."""
    samples = (value if isinstance(value, np.ndarray)
               else _chunk(value, round(seconds * SAMPLE_RATE)))
    source.push(samples, time.monotonic() - 1.0)


class _Input:
    """An input feed whose taps the test fills by hand (what AudioInput's thread does)."""

    def __init__(self) -> None:
        self.taps: list[AudioTap] = []

    def tap(self) -> AudioTap:
        tap = AudioTap()
        self.taps.append(tap)
        return tap

    def untap(self, tap: AudioTap) -> None:
        self.taps.remove(tap)

    def push(self, samples: np.ndarray) -> None:
        for tap in self.taps:
            tap.push(samples)


def test_the_mix_is_the_input_plus_the_source_for_every_output() -> None:
    mic, clip = _Input(), SourceAudio("clip")
    mix = ProgramAudio(mic)
    mix.set_source(clip)
    first, second = mix.tap(), mix.tap()
    assert isinstance(first, MixTap) and len(mic.taps) == 2
    mic.push(_chunk(0.25))
    _sound(clip, -0.5)
    for tap in (first, second):  # each output has its own pair of taps: both get everything
        out = tap.read(1000)
        assert out.shape == (2, 1000) and out.dtype == np.float32
        assert np.allclose(out, -0.25)
    mix.source_gain = 0.5
    assert np.allclose(first.read(100), 0.0)  # 0.25 + 0.5 * -0.5


def test_no_source_or_a_source_without_sound_adds_nothing() -> None:
    mic = _Input()
    mix = ProgramAudio(mic)
    tap = mix.tap()
    mic.push(_chunk(0.3))
    assert np.allclose(tap.read(500), 0.3)
    mix.set_source(SourceAudio("file without audio"))  # present=False, never pushed
    assert np.allclose(tap.read(500), 0.3)


def test_the_limiter_never_leaves_the_unit_range_and_leaves_normal_levels_alone() -> None:
    loud = np.linspace(-40.0, 40.0, 100_001, dtype=np.float32)
    bent = limit(np.stack([loud, -loud]))
    assert np.all(np.abs(bent) <= 1.0) and bent.dtype == np.float32
    assert np.all(np.diff(bent[0]) >= 0)  # monotonic: no fold-over, no wrap-around
    assert np.all(np.abs(limit(np.array([0.95, 1.2, 1.9], np.float32))) < 1.0)
    quiet = np.linspace(-LIMIT_THRESHOLD, LIMIT_THRESHOLD, 1001, dtype=np.float32)
    assert np.array_equal(limit(quiet.copy()), quiet)
    # Continuous at the knee: just over the threshold is just over the threshold.
    edge = limit(np.array([LIMIT_THRESHOLD + 1e-4], np.float32))
    assert abs(edge[0] - (LIMIT_THRESHOLD + 1e-4)) < 1e-5
    broken = limit(np.array([np.nan, np.inf, -np.inf], np.float32))
    assert broken[0] == 0.0 and 0.9 < broken[1] <= 1.0 and -1.0 <= broken[2] < -0.9


def test_two_full_scale_signals_sum_without_overflow() -> None:
    mic, clip = _Input(), SourceAudio("clip")
    mix = ProgramAudio(mic)
    mix.set_source(clip)
    tap = mix.tap()
    wave = np.ones(3 * SAMPLE_RATE, np.float32)
    mic.push(np.stack([wave, wave])[:, :CUSHION])
    _sound(clip, np.stack([wave, -wave]))  # in phase on the left, cancelling on the right
    out = tap.read(CUSHION)
    assert np.all(np.abs(out) <= 1.0)
    assert out[0].min() > 0.95 and np.abs(out[1]).max() < 1e-6


def test_switching_the_source_cuts_the_old_sound_at_once() -> None:
    first, second = SourceAudio("first"), SourceAudio("second")
    mix = ProgramAudio()
    mix.set_source(first)
    tap = mix.tap()
    _sound(first, 0.4)
    assert np.allclose(tap.read(CUSHION), 0.4)  # seconds of it still queued
    mix.set_source(second)
    _sound(first, 0.4)  # the old source keeps decoding: it reaches no output
    assert not tap.read(CUSHION).any()
    _sound(second, 0.2)
    assert np.allclose(tap.read(CUSHION), 0.2)
    mix.set_source(None)
    _sound(second, 0.2)
    assert not tap.read(CUSHION).any()


def test_a_closed_source_is_silent_even_before_the_mix_lets_go_of_it() -> None:
    clip = SourceAudio("clip")
    mix = ProgramAudio()
    mix.set_source(clip)
    tap = mix.tap()
    _sound(clip, 0.4)
    clip.close()  # the engine closed the source (a switch that bypassed the mix)
    _sound(clip, 0.4)
    assert not tap.read(CUSHION).any()
    assert clip.tap() not in clip._taps  # no new taps on a closed source either


def test_a_timed_tap_gives_the_sound_of_the_time_asked_for_and_silence_where_there_is_none() -> None:
    tap = TimedTap()
    ms = SAMPLE_RATE // 1000
    tap.push(_chunk(0.1, 100 * ms), 10.0)  # 10.0-10.1 s
    tap.push(_chunk(0.2, 100 * ms), 10.1)  # 10.1-10.2 s
    tap.push(_chunk(0.3, 50 * ms), 10.3)   # a gap, then 10.3-10.35 s
    out = tap.read_at(9.95, 200 * ms)  # 9.95-10.15 s: not there yet, then two chunks
    assert not out[:, :50 * ms].any()
    assert np.allclose(out[:, 50 * ms:150 * ms], 0.1) and np.allclose(out[:, 150 * ms:], 0.2)
    out = tap.read_at(10.15, 200 * ms)  # the gap is silence, the stream goes on after it
    assert np.allclose(out[:, :50 * ms], 0.2) and not out[:, 50 * ms:150 * ms].any()
    assert np.allclose(out[:, 150 * ms:], 0.3)
    assert not tap.read_at(10.4, 10 * ms).any()  # late: silence, never old sound
    assert not tap.read_at(10.0, 10 * ms).any()  # what was older than a read is gone


def test_a_timed_tap_keeps_at_most_its_maximum() -> None:
    tap = TimedTap(maximum_s=0.5)
    for index in range(20):  # an output that stopped reading: 2 s pushed
        tap.push(_chunk(index / 100, SAMPLE_RATE // 10), index / 10)
    out = tap.read_at(0.0, 2 * SAMPLE_RATE)
    assert not out[:, :3 * SAMPLE_RATE // 2].any()  # the first 1.5 s were dropped
    assert np.isclose(out[0, -1], 0.19)


def test_a_late_source_is_silence_in_the_mix_and_the_input_goes_on() -> None:
    mic, clip = _Input(), SourceAudio("clip")
    mix = ProgramAudio(mic)
    mix.set_source(clip)
    tap = mix.tap()
    mic.push(_chunk(0.1, 4 * CUSHION))
    clip.push(_chunk(0.3, CUSHION), time.monotonic() + 5.0)  # sound for pictures to come
    assert np.allclose(tap.read(1000), 0.1)


def test_switching_the_input_swaps_every_tap_and_releases_the_old_one() -> None:
    old, fresh = _Input(), _Input()
    mix = ProgramAudio(old)
    tap = mix.tap()
    assert mix.set_input(fresh) is old
    assert old.taps == [] and len(fresh.taps) == 1
    fresh.push(_chunk(0.2))
    assert np.allclose(tap.read(100), 0.2)
    mix.untap(tap)
    assert fresh.taps == [] and mix.taps() == []
    assert isinstance(ProgramAudio().input, SilentAudio)


def test_source_audio_is_found_on_sources_that_have_it() -> None:
    class WithSound:
        audio = SourceAudio("clip")

    assert source_audio_of(WithSound()) is WithSound.audio
    assert source_audio_of(object()) is None


def test_decoded_audio_is_resampled_to_48_khz_stereo() -> None:
    clip = SourceAudio("clip")
    mix = ProgramAudio()
    mix.set_source(clip)
    tap = mix.tap()
    rate, now = 44_100, time.monotonic()
    wave = (0.5 * 32767 * np.sin(2 * np.pi * 1000 * np.arange(rate) / rate)).astype(np.int16)
    for start in range(0, rate, 1024):
        frame = av.AudioFrame.from_ndarray(wave[None, start:start + 1024], format="s16",
                                           layout="mono")
        frame.sample_rate = rate
        clip.push_frame(frame, now - 0.5 + start / rate)
    assert abs(clip.pushed - SAMPLE_RATE) < 2048  # the resampler keeps a few samples back
    out = tap.read(SAMPLE_RATE // 4)
    assert np.allclose(out[0], out[1])  # mono on both channels
    silent = np.flatnonzero(out[0] == 0.0)
    assert not np.any(np.diff(silent) == 1)  # the resampled chunks meet without gaps
    spectrum = np.abs(np.fft.rfft(out[0]))
    assert abs(np.argmax(spectrum) * SAMPLE_RATE / len(out[0]) - 1000) < 5
    assert 0.3 < np.abs(out[0]).max() < 0.6


def test_the_pacer_shows_a_still_at_once_then_each_picture_after_its_delay() -> None:
    published: list[tuple[str, float]] = []
    pacer = MediaPacer(threading.Event(), lambda picture: published.append((picture,
                                                                            time.monotonic())),
                       live=False, picture_delay=0.1, first=True)
    start = time.monotonic()
    for index in range(3):
        assert pacer.wait(index * 0.05)  # media time 0, 50, 100 ms: due at once, +50, +100
        pacer.hold(f"p{index}", index * 0.05)
    assert published[0][0] == "p0" and published[0][1] - start < 0.02  # the still
    assert pacer.finish()
    names = [name for name, _at in published]
    assert names == ["p0", "p0", "p1", "p2"]
    for (_name, at), due in zip(published[1:], (0.1, 0.15, 0.2), strict=True):
        assert due - 0.005 <= at - start < due + 0.04


def test_a_stopped_pacer_returns_at_once() -> None:
    stop = threading.Event()
    pacer = MediaPacer(stop, lambda picture: None, live=False)
    assert pacer.wait(0.0)
    threading.Timer(0.05, stop.set).start()
    start = time.monotonic()
    assert not pacer.wait(10.0)
    assert time.monotonic() - start < 1.0


@pytest.mark.parametrize("live", [True, False])
def test_without_a_delay_pictures_go_out_as_they_come(live: bool) -> None:
    published: list[str] = []
    pacer = MediaPacer(threading.Event(), published.append, live=live, first=True)
    assert pacer.wait(None)
    pacer.hold("only", None)
    assert published == ["only"]  # no still and no second copy when nothing is delayed


class _Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def _beeps(at: float, count: int) -> np.ndarray:
    """Sound for the pictures from ``at`` on: a 5 ms click at x.500 s of every second."""
    times = at + np.arange(count) / SAMPLE_RATE
    click = ((times % 1.0) >= 0.5) & ((times % 1.0) < 0.505)
    return np.tile(click.astype(np.float32), (2, 1))


def _encode(tap: AudioTap, clock: _Clock, source: SourceAudio, t0: float, fps: int,
            seconds: float) -> list[float]:
    """Drive ``tap`` as ``AVEncoder`` does (a frame every 1/fps s of the wall clock, sound up to
    a frame and ``AUDIO_LEAD_S`` past it, in 1024-sample AAC frames) while ``source`` is fed as
    ``MediaPacer`` feeds it (sound stamped with its picture's time, handed over 200 ms early).
    Returns the output times (seconds since ``t0``) at which clicks start."""
    from videohelp.streaming.encoder import AUDIO_LEAD_S
    from videohelp.streaming.source_audio import PICTURE_DELAY_S

    period = 1 / fps
    fed = t0 - 1.0
    samples, clicks, previous = 0, [], 0.0
    for frame in range(round(seconds * fps)):
        clock.now = t0 + frame * period + 0.002  # the encoder wakes a little after the tick
        while fed < clock.now + PICTURE_DELAY_S:
            source.push(_beeps(fed, 480), fed)  # 10 ms chunks
            fed += 480 / SAMPLE_RATE
        while samples + 1024 <= ((frame + 1) * period + AUDIO_LEAD_S) * SAMPLE_RATE:
            left = tap.read(1024)[0]
            for index in np.flatnonzero(left > 0.5):
                if not previous:
                    clicks.append((samples + index) / SAMPLE_RATE)
                previous = 1.0
            previous = left[-1]
            samples += 1024
    return clicks


def _pictures(t0: float, fps: int, start: float, end: float) -> list[float]:
    """Output times of the clicks' pictures: the picture of x.500 s is shown from the
    program's first tick at or after it."""
    times = [np.ceil((second + 0.5 - t0) * fps) / fps
             for second in range(int(t0) - 1, int(t0) + int(end) + 2)]
    return [t for t in times if start < t < end]


@pytest.mark.parametrize("fps", [25, 30])
@pytest.mark.parametrize("phase", [0.0, 0.011, 0.023, 0.034])
def test_a_source_s_sound_lands_with_its_picture_whatever_the_encoder_s_phase(
        fps: int, phase: float) -> None:
    clock = _Clock(1000.0 + phase)
    clip = SourceAudio("clip")
    mix = ProgramAudio(clock=clock)
    mix.set_source(clip)
    t0 = clock.now
    clicks = _encode(mix.tap(), clock, clip, t0, fps, 4.0)
    pictures = _pictures(t0, fps, 1.0, 4.0)  # after the estimate has seen a whole cycle
    landed = [min(clicks, key=lambda c, p=p: abs(c - p)) - p for p in pictures]
    # Within half a frame: the picture can only change on the program's ticks.
    assert len(landed) == 3 and all(abs(off) <= 0.5 / fps + 0.005 for off in landed), landed


def test_after_a_reconnect_the_mix_relearns_its_encoder_at_once() -> None:
    clock = _Clock(2000.0)
    clip = SourceAudio("clip")
    mix = ProgramAudio(clock=clock)
    mix.set_source(clip)
    tap = mix.tap()
    _encode(tap, clock, clip, clock.now, 25, 2.0)
    t0 = clock.now + 2.7  # the push was down for 2.7 s; a new encoder starts at sample 0
    clicks = _encode(tap, clock, clip, t0, 25, 1.4)
    (picture,) = _pictures(t0, 25, 0.2, 1.2)  # the first click of the new encoder
    assert clicks and abs(clicks[0] - picture) <= 0.025, (clicks, picture)
