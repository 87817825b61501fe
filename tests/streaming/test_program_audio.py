"""A source's sound in the program: clips recorded through the real path and analysed.

Clips are made with the system ffmpeg; the program runs on a ``ProgramEngine``
with a ``ProgramOutputs`` recording to MP4 (what ``videohelp serve`` and the
desk use); the recording's sound is decoded with PyAV and looked at with an FFT.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import av
import numpy as np

from tests.streaming import rtmp_server
from tests.streaming.rtmp_server import make_clip
from videohelp.streaming.audio import SAMPLE_RATE, open_audio
from videohelp.streaming.capture import MediaSource
from videohelp.streaming.encoder import EncoderSettings
from videohelp.streaming.mixer import ProgramAudio
from videohelp.streaming.outputs import Output
from videohelp.streaming.program import ProgramEngine
from videohelp.streaming.program_outputs import ProgramOutputs
from videohelp.streaming.sources import TestPatternSource, open_source

W, H, FPS = 320, 180, 25
MIC = "lavfi:sine=frequency=440:sample_rate=48000"
# lavfi's sine is 1/8 of full scale; mono to stereo puts it on both channels at -3 dB.
# The clips' 1 kHz tone is the same (ffmpeg keeps it mono in the AAC track).
MIC_LEVEL = TONE_LEVEL = 0.125 / np.sqrt(2)
PRESENT, ABSENT = 0.6 * TONE_LEVEL, 0.005
FFMPEG = shutil.which("ffmpeg")
nginx_rtmp = rtmp_server.nginx_rtmp  # the fixture

def _ffmpeg(path: Path, video: str, audio: str, seconds: float) -> Path:
    assert FFMPEG is not None, "ffmpeg makes the test clips: ./run setup installs it"
    subprocess.run([FFMPEG, "-v", "error", "-y", "-f", "lavfi", "-i", video, "-f", "lavfi",
                    "-i", audio, "-t", str(seconds), "-c:v", "libx264", "-preset", "ultrafast",
                    "-pix_fmt", "yuv420p", "-c:a", "aac", str(path)], check=True, timeout=30)
    return path


def _tone_clip(path: Path, seconds: float) -> Path:
    """testsrc2 pictures with a 1 kHz sine, H.264 and AAC."""
    return _ffmpeg(path, f"testsrc2=size={W}x{H}:rate={FPS}", "sine=frequency=1000", seconds)


class Program:
    """An engine, its outputs with the mic, and one recording; times are recording seconds."""

    def __init__(self, qtbot, path: Path, mic: str | None = MIC) -> None:
        self.qtbot, self.path = qtbot, path
        self.engine = ProgramEngine(TestPatternSource(W, H), fps=FPS)
        self.engine.start()
        self.outputs = ProgramOutputs(self.engine, EncoderSettings(W, H, FPS, preset="ultrafast"))
        if mic:
            self.outputs.set_audio(mic)
        try:
            self.recording = self.outputs.start(str(path))
            qtbot.waitUntil(lambda: self.recording.state == "live", timeout=5000)
        except BaseException:
            self.stop()
            raise
        self.started = time.monotonic()

    def now(self) -> float:
        return time.monotonic() - self.started

    def run_frames(self, count: int) -> None:
        """Let the program composite ``count`` more frames."""
        target = self.engine.layers()[1] + count
        self.qtbot.waitUntil(lambda: self.engine.layers()[1] >= target, timeout=count * 200 + 2000)

    def cut_to(self, source) -> float:
        self.outputs.set_source(source)
        return self.now()

    def stop(self) -> None:
        self.outputs.stop_all()
        self.engine.stop()


def _recorded_sound(path: Path) -> tuple[np.ndarray, float]:
    """The left channel of a recording and the time of its first sample."""
    with av.open(str(path)) as container:
        frames = list(container.decode(audio=0))
    return np.concatenate([frame.to_ndarray()[0] for frame in frames]), frames[0].time or 0.0


def _level(samples: np.ndarray, hz: float) -> float:
    """Amplitude of the ``hz`` component: a Hann-windowed Fourier transform evaluated at
    exactly ``hz`` (no bin rounding), so a sine of amplitude A gives A."""
    window = np.hanning(len(samples))
    phase = np.exp(-2j * np.pi * hz * np.arange(len(samples)) / SAMPLE_RATE)
    return float(2 * np.abs(np.sum(samples * window * phase)) / window.sum())


def _between(sound: tuple[np.ndarray, float], start: float, end: float) -> np.ndarray:
    samples, first = sound
    assert end - start > 0.2, f"window {start:.2f}-{end:.2f} s too short"
    return samples[round((start - first) * SAMPLE_RATE):round((end - first) * SAMPLE_RATE)]


def test_a_clip_s_sound_is_mixed_with_the_mic_and_cut_with_the_picture(qapp, qtbot,
                                                                         tmp_path) -> None:
    clip = _tone_clip(tmp_path / "clip.mp4", 3)
    program = Program(qtbot, tmp_path / "show.mp4")
    try:
        program.run_frames(FPS)
        source = open_source(f"clip:{clip}", W, H, FPS)
        assert isinstance(source, MediaSource)
        clip_at = program.cut_to(source)
        # Two of its three seconds have been played (its sound is paced like its picture).
        qtbot.waitUntil(lambda: source.audio.pushed >= 2 * SAMPLE_RATE, timeout=5000)
        assert source.audio.present and source.audio.errors == 0
        back_at = program.cut_to(TestPatternSource(W, H))  # cut away while it still plays
        assert source.status == "closed" and program.outputs.mixer.source is None
        program.run_frames(FPS + FPS // 2)
        end = program.now()
    finally:
        program.stop()
    sound = _recorded_sound(tmp_path / "show.mp4")
    before = _between(sound, 0.3, clip_at - 0.05)
    during = _between(sound, clip_at + 0.5, back_at - 0.05)
    # The cut: the encoder runs 0.14 s ahead of the picture, plus the start's uncertainty.
    after = _between(sound, back_at + 0.3, end - 0.2)
    assert _level(before, 440) > PRESENT and _level(before, 1000) < ABSENT
    # Summed at unity gain: each at its own level.
    assert abs(_level(during, 440) - MIC_LEVEL) < 0.01
    assert abs(_level(during, 1000) - TONE_LEVEL) < 0.01
    assert _level(after, 440) > PRESENT and _level(after, 1000) < ABSENT
    assert np.abs(sound[0]).max() <= 1.0


def test_a_clip_that_ended_is_silent_while_its_last_frame_holds(qapp, qtbot, tmp_path) -> None:
    clip = _tone_clip(tmp_path / "short.mp4", 1)
    program = Program(qtbot, tmp_path / "show.mp4", mic=None)
    try:
        program.run_frames(FPS // 2)
        source = open_source(f"clip:{clip}", W, H, FPS)
        assert isinstance(source, MediaSource)
        clip_at = program.cut_to(source)
        qtbot.waitUntil(lambda: source.status == "ended", timeout=5000)
        ended_at = program.now()
        program.run_frames(FPS + FPS // 2)
        end = program.now()
        assert program.outputs.mixer.source is source.audio  # still the program source
    finally:
        program.stop()
    sound = _recorded_sound(tmp_path / "show.mp4")
    assert _level(_between(sound, clip_at + 0.3, ended_at - 0.1), 1000) > PRESENT
    tail = _between(sound, ended_at + 0.3, end - 0.2)
    assert np.sqrt((tail ** 2).mean()) < 0.002


def test_a_source_without_sound_adds_nothing_to_the_mic(qapp, qtbot, tmp_path) -> None:
    clip = tmp_path / "silent-film.mp4"
    make_clip(clip, seconds=1, fps=10)  # no audio stream
    program = Program(qtbot, tmp_path / "show.mp4")
    try:
        program.run_frames(FPS // 2)
        source = open_source(f"file:{clip}", W, H, FPS)
        assert isinstance(source, MediaSource)
        clip_at = program.cut_to(source)
        qtbot.waitUntil(lambda: source.status == "live", timeout=5000)
        program.run_frames(2 * FPS)
        end = program.now()
        assert not source.audio.present and source.audio.pushed == 0
        assert source.status == "live" and source.error == ""
    finally:
        program.stop()
    during = _between(_recorded_sound(tmp_path / "show.mp4"), clip_at + 0.3, end - 0.2)
    # The mic alone: lavfi's sine is 1/8 of full scale, mono, so -3 dB on each channel...
    level = _level(during, 440)
    assert abs(level - MIC_LEVEL) < 0.01
    # ... and all the sound there is (the RMS of a sine is its amplitude over root 2).
    assert abs(np.sqrt((during ** 2).mean()) - level / np.sqrt(2)) < 0.003


def _onsets(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """Times the picture turns white and the beep starts (recording seconds)."""
    with av.open(str(path)) as container:
        pictures = [(f.time, f.to_ndarray(format="gray").mean()) for f in container.decode(video=0)]
    samples, first = _recorded_sound(path)
    block = SAMPLE_RATE // 200  # 5 ms
    envelope = np.sqrt((samples[:len(samples) // block * block].reshape(-1, block) ** 2).mean(1))
    times = np.array([t for t, _ in pictures])
    luma = np.array([y for _, y in pictures])
    flashes = times[1:][(luma[1:] > 100) & (luma[:-1] <= 100)]
    loud = envelope > 0.05
    beeps = first + (np.flatnonzero(loud[1:] & ~loud[:-1]) + 1) * block / SAMPLE_RATE
    return flashes, beeps


def test_a_clip_s_picture_and_sound_stay_in_sync(qapp, qtbot, tmp_path) -> None:
    # A white flash and a 1 kHz beep together, 0.5-0.7 s into every second.
    flash = "between(mod(t\\,1)\\,0.5\\,0.7)"
    clip = _ffmpeg(tmp_path / "sync.mp4",
                   f"color=c=black:size={W}x{H}:rate={FPS},"
                   f"drawbox=color=white:t=fill:enable='{flash}'",
                   f"sine=frequency=1000:sample_rate=48000,volume=volume=0:enable='not({flash})'",
                   3)
    flashes, beeps = _onsets(clip)
    own = float(np.median(beeps - flashes))  # the clip's own offset (the 1024-sample frames)
    program = Program(qtbot, tmp_path / "show.mp4", mic=None)
    try:
        program.run_frames(FPS // 2)
        source = open_source(f"clip:{clip}", W, H, FPS)
        program.cut_to(source)
        qtbot.waitUntil(lambda: source.status == "ended", timeout=6000)
        program.cut_to(TestPatternSource(W, H, "BLACK"))
    finally:
        program.stop()
    flashes, beeps = _onsets(tmp_path / "show.mp4")
    flashes = flashes[:len(beeps)]  # the test pattern after the clip is bright, not a flash
    assert len(beeps) == 3, (flashes, beeps)
    offsets = beeps - flashes - own
    # Measured -25..+20 ms (the picture can only change on a program frame, every 40 ms;
    # onsets are found to 5 ms). Sound read first-in-first-out was 0-60 ms late depending
    # on where the cut fell; with the pictures not held back it came 120 ms late.
    assert np.all(np.abs(offsets) < 0.045), offsets


def test_a_network_stream_s_sound_is_mixed_too(nginx_rtmp, qapp, qtbot) -> None:
    url = nginx_rtmp.url("guest")
    publisher = ProgramEngine(TestPatternSource(W, H, "GUEST"), fps=FPS)
    publisher.start()
    tone = open_audio("lavfi:sine=frequency=1000:sample_rate=48000")
    push = Output(url, EncoderSettings(W, H, FPS, preset="ultrafast", keyint_s=0.5), tone)
    push.start(publisher)
    mix = ProgramAudio()
    source = None
    try:
        qtbot.waitUntil(lambda: push.state == "live", timeout=10_000)
        source = open_source(url, W, H, FPS)
        assert isinstance(source, MediaSource) and source.live
        mix.set_source(source.audio)
        tap = mix.tap()
        qtbot.waitUntil(lambda: source.audio.pushed >= SAMPLE_RATE, timeout=15_000)
        assert source.audio.present
        sound = tap.read(SAMPLE_RATE // 5)[0]
        assert abs(_level(sound, 1000) - TONE_LEVEL) < 0.02
    finally:
        if source is not None:
            source.close()
        push.stop()
        publisher.stop()
        tone.close()
