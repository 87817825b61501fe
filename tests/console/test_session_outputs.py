"""The session's program output actions, live: outputs to a real nginx-rtmp, source switches."""

from __future__ import annotations

import numpy as np
import pytest

from tests.streaming import rtmp_server
from tests.streaming.rtmp_server import FrameGrabber, ffprobe, make_clip
from videohelp.console.session import SessionOptions, ShowSession
from videohelp.core.paths import data_paths
from videohelp.core.settings import Settings
from videohelp.core.store import Store
from videohelp.streaming.audio import SAMPLE_RATE
from videohelp.streaming.source_audio import SourceAudio

nginx_rtmp = rtmp_server.nginx_rtmp  # the fixture

W, H = 640, 360


@pytest.fixture
def session(qloop, data_dir):
    settings = Settings()
    for name, value in (("program.width", W), ("program.height", H), ("program.fps", 25)):
        settings.set(name, value)
    session = ShowSession(data_paths(data_dir), settings, SessionOptions(actor="tester",
                                                                         role="presenter"))
    qloop.run_until_complete(session.start())
    yield session
    qloop.run_until_complete(session.stop())


def test_outputs_start_and_stop_and_the_source_switches_while_live(session, nginx_rtmp, qtbot,
                                                                   qloop, tmp_path) -> None:
    url = nginx_rtmp.url("session-key")
    with qtbot.waitSignal(session.outputs.outputStateChanged, timeout=10_000,
                          check_params_cb=lambda _name, state, _m: state == "live") as blocker:
        output = session.start_output(url)
    assert output is not None and blocker.args[0] == f"rtmp://127.0.0.1:{nginx_rtmp.port}/live/***"
    recording = session.start_output(str(tmp_path / "show.mp4"))
    assert recording is not None
    assert session.outputs.names() == [output.name, recording.name]

    clip = tmp_path / "clip.mp4"
    make_clip(clip, seconds=2, fps=10, colours=((0, 200, 0),))  # green
    grabber = FrameGrabber(url, W, H)
    try:
        qtbot.waitUntil(lambda: grabber.count() >= 2, timeout=15_000)
        assert qloop.run_until_complete(session.switch_source(f"file:{clip}"))
        centre = (slice(H // 2 - 20, H // 2 + 20), slice(W // 2 - 20, W // 2 + 20))
        qtbot.waitUntil(lambda: np.abs(grabber.latest()[centre].astype(int)
                                       - (0, 200, 0)).mean() < 15, timeout=10_000)
    finally:
        grabber.close()

    with qtbot.waitSignal(session.outputs.outputsChanged, timeout=10_000):
        assert session.stop_output(str(tmp_path / "show.mp4"))
    assert session.outputs.names() == [output.name]
    assert {s["codec_name"] for s in ffprobe(str(tmp_path / "show.mp4"))["streams"]} == {
        "h264", "aac"}


def test_bad_sources_outputs_and_audio_are_refused_with_a_reason(session, qtbot, qloop,
                                                                 tmp_path) -> None:
    with qtbot.waitSignal(session.actionFailed, timeout=5000) as blocker:
        assert not qloop.run_until_complete(session.switch_source("file:/nonexistent.mp4"))
    assert "nonexistent.mp4" in blocker.args[0]  # the source's name, not a stream key
    store = Store(session.paths.database)
    try:
        rows = store.conn.execute("SELECT action, outcome, target FROM audit_log"
                                  " WHERE action = 'source'").fetchall()
    finally:
        store.close()
    assert [tuple(row) for row in rows] == [("source", "bad_source", "file:nonexistent.mp4")]
    for action, argument, reason in (
            (session.start_output, "ftp://example.org/x", "unsupported output"),
            (session.start_output, str(tmp_path / "nowhere" / "x.mp4"), "no directory"),
            (session.set_audio, "mic", "unknown audio input")):
        with qtbot.waitSignal(session.actionFailed, timeout=1000) as blocker:
            assert not action(argument)
        assert reason in blocker.args[0]
    assert session.outputs.names() == []
    assert session.set_audio("silent")


def test_a_clip_switched_to_program_brings_its_sound_and_takes_it_away(session, qtbot, qloop,
                                                                      tmp_path) -> None:
    clip = tmp_path / "tone.mp4"
    make_clip(clip, seconds=2, fps=10, tone_hz=1000)
    tap = session.outputs.mixer.tap()  # what an output started now would read
    try:
        assert qloop.run_until_complete(session.switch_source(f"clip:{clip}"))
        sound_of_clip = session.outputs.mixer.source
        assert isinstance(sound_of_clip, SourceAudio)
        qtbot.waitUntil(lambda: sound_of_clip.pushed >= SAMPLE_RATE // 2, timeout=5000)
        assert sound_of_clip.present
        sound = tap.read(SAMPLE_RATE // 10)
        assert np.sqrt((sound ** 2).mean()) > 0.1  # make_clip's tone is 0.3 of full scale
        assert qloop.run_until_complete(session.switch_source("test"))
        assert session.outputs.mixer.source is None
        assert not tap.read(SAMPLE_RATE // 10).any()  # cut with the picture
    finally:
        session.outputs.mixer.untap(tap)
