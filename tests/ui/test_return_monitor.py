"""The return monitor plays what it is given through libvlc and reports its state."""

from __future__ import annotations

from pathlib import Path

from tests.streaming.rtmp_server import make_clip
from videohelp.ui.return_monitor import ReturnMonitor


def test_it_plays_a_stream_and_stops(qtbot, tmp_path: Path) -> None:
    clip = tmp_path / "return.mp4"
    make_clip(clip, seconds=2.0)
    monitor = ReturnMonitor(clip.as_uri())
    qtbot.addWidget(monitor)
    assert monitor.play()
    assert monitor.player is not None
    with qtbot.waitSignal(monitor.player.stateChanged, timeout=10_000,
                          check_params_cb=lambda state: state == "playing"):
        pass
    assert monitor.state.text() == "playing"
    monitor.stop()
    monitor.shutdown()
    assert monitor.player is None


def test_without_a_url_it_says_what_to_do(qtbot) -> None:
    monitor = ReturnMonitor("")
    qtbot.addWidget(monitor)
    assert not monitor.play()
    assert "URL" in monitor.state.text()
    assert monitor.player is None
