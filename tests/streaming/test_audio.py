"""Program audio: the tap's buffering rules, real FFmpeg inputs, and sound in a recording."""

from __future__ import annotations

import time

import av
import numpy as np
import pytest

from videohelp.streaming.audio import (
    SAMPLE_RATE,
    AudioError,
    AudioInput,
    AudioTap,
    SilentAudio,
    open_audio,
)
from videohelp.streaming.encoder import EncoderSettings
from videohelp.streaming.outputs import Output
from videohelp.streaming.program import ProgramEngine
from videohelp.streaming.sources import TestPatternSource

TONE = "lavfi:sine=frequency=1000:sample_rate=48000"


def _chunk(value: float, count: int) -> np.ndarray:
    return np.full((2, count), value, np.float32)


def test_a_tap_waits_for_its_cushion_then_delivers_in_order() -> None:
    tap = AudioTap(prebuffer=1000, maximum=3000)
    tap.push(_chunk(0.1, 600))
    assert not tap.read(256).any()  # not primed yet: silence, nothing consumed
    tap.push(_chunk(0.2, 600))
    out = tap.read(800)
    assert out.shape == (2, 800) and out.dtype == np.float32
    assert np.allclose(out[:, :600], 0.1) and np.allclose(out[:, 600:], 0.2)


def test_an_underrun_pads_with_silence_and_reprimes() -> None:
    tap = AudioTap(prebuffer=100, maximum=1000)
    tap.push(_chunk(0.5, 150))
    out = tap.read(200)
    assert np.allclose(out[:, :150], 0.5) and not out[:, 150:].any()
    assert tap.underruns == 1
    tap.push(_chunk(0.5, 50))
    assert not tap.read(10).any()  # below the cushion again


def test_a_fast_device_drops_its_oldest_samples_instead_of_adding_delay() -> None:
    tap = AudioTap(prebuffer=100, maximum=1000)
    for value in range(20):
        tap.push(_chunk(value / 100, 100))
    assert tap.overruns == 10
    out = tap.read(1000)
    assert np.isclose(out[0, 0], 0.10) and np.isclose(out[0, -1], 0.19)


def test_a_cleared_tap_forgets_its_queue_and_waits_for_a_new_cushion() -> None:
    tap = AudioTap(prebuffer=100, maximum=1000)
    tap.push(_chunk(0.5, 300))
    assert np.allclose(tap.read(50), 0.5)
    tap.clear()  # the sound it belonged to was cut
    assert not tap.read(50).any()
    tap.push(_chunk(0.2, 60))
    assert not tap.read(50).any()  # below the cushion: not primed
    tap.push(_chunk(0.2, 60))
    assert np.allclose(tap.read(100), 0.2)


def test_silence_is_what_no_input_gives() -> None:
    for spec in ("silent", "none", ""):
        audio = open_audio(spec)
        assert isinstance(audio, SilentAudio)
        out = audio.tap().read(1024)
        assert out.shape == (2, 1024) and not out.any()


def test_a_generated_input_is_captured_in_real_time() -> None:
    audio = open_audio(TONE)
    assert isinstance(audio, AudioInput)
    tap = audio.tap()
    try:
        time.sleep(0.25)
        samples = tap.read(SAMPLE_RATE)
        assert audio.status == "live"
        # About 0.25 s arrived: paced like a device, not as fast as the CPU makes it.
        arrived = np.flatnonzero(samples[0])[-1] + 1
        assert 0.1 * SAMPLE_RATE < arrived < 0.3 * SAMPLE_RATE and tap.overruns == 0
        assert np.sqrt((samples[:, :arrived] ** 2).mean()) > 0.05
    finally:
        audio.close()


def test_the_alsa_input_opens_a_device_through_the_system_configuration() -> None:
    # ALSA's "null" PCM needs no sound card: it proves the bundled alsa-lib finds
    # the system's configuration (it would otherwise look under /tmp/vendor).
    audio = open_audio("alsa:null")
    try:
        assert isinstance(audio, AudioInput)
        assert audio.tap().read(512).shape == (2, 512)
    finally:
        audio.close()


@pytest.mark.parametrize(("spec", "reason"), [
    ("alsa:no_such_pcm_device", "cannot open audio input"),
    ("mic", "unknown audio input"),
    ("oss:/dev/dsp", "unknown audio input"),
    ("lavfi:", "unknown audio input"),
])
def test_bad_audio_specs_are_refused_with_a_reason(spec: str, reason: str) -> None:
    with pytest.raises(AudioError, match=reason):
        open_audio(spec)


def test_auto_falls_back_to_silence_when_there_is_no_device_and_always_gives_samples() -> None:
    audio = open_audio("auto")
    try:
        assert audio.tap().read(1024).shape == (2, 1024)
    finally:
        audio.close()


def test_the_input_is_in_the_recording(qapp, qtbot, tmp_path) -> None:
    audio = open_audio(TONE)
    engine = ProgramEngine(TestPatternSource(320, 180), fps=25)
    engine.start()
    path = tmp_path / "tone.mp4"
    output = Output(str(path), EncoderSettings(320, 180, 25, preset="ultrafast"), audio)
    try:
        with qtbot.waitSignal(output.stateChanged, timeout=5000,
                              check_params_cb=lambda state, _m: state == "live"):
            output.start(engine)
        qtbot.wait(1500)
    finally:
        output.stop()
        engine.stop()
        audio.close()
    with av.open(str(path)) as container:
        samples = np.concatenate([frame.to_ndarray()[0] for frame in container.decode(audio=0)])
    tail = samples[SAMPLE_RATE // 2:]  # after the cushion and the AAC priming
    assert np.sqrt((tail ** 2).mean()) > 0.05
    spectrum = np.abs(np.fft.rfft(tail[:SAMPLE_RATE // 2]))
    peak_hz = np.argmax(spectrum) * SAMPLE_RATE / (2 * (len(spectrum) - 1))
    assert abs(peak_hz - 1000) < 10
