"""Issue 15: go live from the desk — recording and pushing through the program outputs the
console's wiring builds (the same engine as ``serve``), with their health beside the program."""

from __future__ import annotations

import pytest
from shiboken6 import isValid

from tests.streaming import rtmp_server
from tests.streaming.rtmp_server import FrameGrabber
from videohelp.console.session import SessionOptions, ShowSession
from videohelp.core.paths import data_paths
from videohelp.core.settings import Settings
from videohelp.ui.main_window import MainWindow

from ..loop_support import spin_until

nginx_rtmp = rtmp_server.nginx_rtmp  # the fixture
W, H = 640, 360


@pytest.fixture
def desk(qloop, qtbot, data_dir):
    settings = Settings()
    for name, value in (("program.width", W), ("program.height", H), ("program.fps", 25)):
        settings._values[name] = value
    session = ShowSession(data_paths(data_dir), settings,
                          SessionOptions(actor="张警官", role="officer", triage=False))
    window = MainWindow(session, show_personal=True)
    qtbot.addWidget(window)
    qloop.run_until_complete(session.start())
    window.show()
    yield window
    if isValid(window):
        window.close()
    qloop.run_until_complete(session.stop())


def _states(desk) -> list[str]:
    return sorted(state for state, _why in desk.program_monitor.states.values())


def test_the_desk_records_and_pushes_and_shows_their_health(desk, qloop, nginx_rtmp,
                                                             data_dir) -> None:
    panel = desk.go_live
    panel.record_button.click()
    spin_until(qloop, lambda: _states(desk) == ["live"], timeout=15)
    assert panel.record_name is not None and panel.record_button.text() in ("停止录制", "Stop recording")
    recordings = data_dir / "recordings"
    assert (recordings.stat().st_mode & 0o777) == 0o700
    url = nginx_rtmp.url("desk-key")
    panel.url.setText(url)
    panel.push_button.click()
    spin_until(qloop, lambda: _states(desk) == ["live", "live"], timeout=15)
    grabber = FrameGrabber(url, W, H)
    try:
        spin_until(qloop, lambda: grabber.count() >= 2, timeout=15)
    finally:
        grabber.close()
    health = desk.program_monitor.line.text()
    assert health.count("●") == 2 and "desk-key" not in health  # the stream key stays secret
    panel.push_button.click()
    panel.record_button.click()
    assert desk.session.outputs.names() == []
    (recording,) = recordings.iterdir()
    spin_until(qloop, lambda: recording.stat().st_size > 10_000, timeout=10)
    # A push URL that cannot be used is refused in the banner, and nothing starts.
    panel.url.setText("ftp://127.0.0.1/x")
    panel.push_button.click()
    assert desk.banner.kind == "error" and panel.push_name is None
