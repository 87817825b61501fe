"""The libvlc player, headless (--vout=dummy --aout=dummy), with real libvlc events."""

from __future__ import annotations

import threading

import pytest

from tests.streaming import rtmp_server
from tests.streaming.rtmp_server import make_clip
from videohelp.streaming.encoder import EncoderSettings
from videohelp.streaming.outputs import Output
from videohelp.streaming.program import ProgramEngine
from videohelp.streaming.sources import TestPatternSource
from videohelp.streaming.vlc_player import VlcPlayer, VlcThreadError

nginx_rtmp = rtmp_server.nginx_rtmp  # the fixture


@pytest.fixture
def player(qapp):
    vlc_player = VlcPlayer(headless=True)
    yield vlc_player
    vlc_player.close()


@pytest.fixture
def clip(tmp_path):
    path = tmp_path / "jinnang.mp4"
    make_clip(path, seconds=1.5, fps=10, tone_hz=440)
    return path


def test_a_local_clip_plays_to_its_end_and_reports_it(player, clip, qtbot) -> None:
    states: list[str] = []
    lengths: list[int] = []
    positions: list[float] = []
    player.stateChanged.connect(states.append)
    player.lengthChanged.connect(lengths.append)
    player.positionChanged.connect(positions.append)
    with qtbot.waitSignal(player.endReached, timeout=10_000):
        player.play(str(clip))
    assert states[0] == "opening" and "playing" in states and states[-1] == "ended"
    assert lengths and abs(lengths[-1] - 1500) <= 150
    assert positions and positions == sorted(positions) and positions[-1] > 0.5


def test_pause_seek_and_stop_from_the_main_thread(player, clip, qtbot) -> None:
    with qtbot.waitSignal(player.stateChanged, timeout=10_000,
                          check_params_cb=lambda state: state == "playing"):
        player.play(str(clip))
    with qtbot.waitSignal(player.stateChanged, timeout=5000,
                          check_params_cb=lambda state: state == "paused"):
        player.pause()
    player.set_position(0.5)
    qtbot.waitUntil(lambda: player.position() >= 0.45, timeout=5000)
    assert player.length_ms() > 1000
    with qtbot.waitSignal(player.stateChanged, timeout=5000,
                          check_params_cb=lambda state: state == "stopped"):
        player.stop()
    assert player.state == "stopped"


def test_a_missing_file_is_an_error_signal(player, tmp_path, qtbot) -> None:
    with qtbot.waitSignal(player.errorOccurred, timeout=10_000) as blocker:
        player.play(str(tmp_path / "missing.mp4"))
    assert "missing.mp4" in blocker.args[0]
    qtbot.waitUntil(lambda: player.state == "stopped", timeout=5000)  # libvlc stops after


def test_libvlc_is_refused_off_the_main_thread(player) -> None:
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            player.stop()
        except VlcThreadError as exc:
            errors.append(exc)

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert len(errors) == 1 and "main thread" in str(errors[0])


def test_no_signal_after_close(qapp, clip, qtbot) -> None:
    player = VlcPlayer(headless=True)
    seen: list[str] = []
    player.stateChanged.connect(seen.append)
    player.play(str(clip))
    player.close()
    qtbot.wait(300)
    assert seen == []


@pytest.mark.slow
def test_the_return_feed_plays_from_the_rtmp_server(player, nginx_rtmp, qtbot) -> None:
    engine = ProgramEngine(TestPatternSource(640, 360), fps=25)
    engine.start()
    push = Output(nginx_rtmp.url("return"), EncoderSettings(640, 360, 25, preset="ultrafast",
                                                             keyint_s=0.5))
    times: list[int] = []
    player.timeChanged.connect(times.append)
    try:
        with qtbot.waitSignal(push.stateChanged, timeout=10_000,
                              check_params_cb=lambda state, _m: state == "live"):
            push.start(engine)
        with qtbot.waitSignal(player.stateChanged, timeout=15_000,
                              check_params_cb=lambda state: state == "playing"):
            player.play(nginx_rtmp.url("return"), network_caching_ms=300)
        qtbot.waitUntil(lambda: len(times) >= 2 and times[-1] > times[0], timeout=10_000)
    finally:
        player.stop()
        push.stop()
        engine.stop()
