"""Program sources: the spec parser, files (looping and play-once), a capture device that
comes and goes, and a network stream pulled from a real nginx-rtmp server."""

from __future__ import annotations

import shutil
import time

import numpy as np
import pytest

from tests.streaming import rtmp_server
from tests.streaming.rtmp_server import make_clip
from videohelp.core.backoff import Backoff
from videohelp.streaming import frames
from videohelp.streaming.capture import CaptureSource, MediaSource
from videohelp.streaming.encoder import EncoderSettings
from videohelp.streaming.outputs import Output
from videohelp.streaming.program import ProgramEngine
from videohelp.streaming.sources import SourceError, TestPatternSource, open_source
from videohelp.streaming.urls import redact_url

nginx_rtmp = rtmp_server.nginx_rtmp  # the fixture (the helpers' module is shared)

W, H = 640, 360
I420_SHAPE = (H * 3 // 2, W)
RED, GREEN, BLUE = (0, 0, 255), (0, 255, 0), (255, 0, 0)


@pytest.fixture
def clip(tmp_path):
    path = tmp_path / "clip.mp4"
    make_clip(path, seconds=0.9, fps=10)  # red, green, blue: 0.3 s each
    return path


@pytest.fixture
def closing():
    sources = []
    yield sources.append
    for source in sources:
        source.close()


def _colour(frame: np.ndarray) -> tuple[int, int, int]:
    """The colour at the centre of an I420 frame, as saturated BGR."""
    return tuple(round(v / 255) * 255 for v in frames.to_bgr(frame)[H // 2, W // 2])


def test_specs_name_sources_and_bad_specs_say_what_is_accepted(tmp_path, clip, closing) -> None:
    source = open_source("test:CAM 2", W, H)
    assert isinstance(source, TestPatternSource) and source.label == "CAM 2"
    for spec in (f"file:{clip}", str(clip)):
        media = open_source(spec, W, H)
        closing(media)
        assert isinstance(media, MediaSource) and media.loop
    once = open_source(f"clip:{clip}", W, H)
    closing(once)
    assert isinstance(once, MediaSource) and not once.loop
    text = tmp_path / "notes.txt"
    text.write_text("not a video")
    for spec, reason in (("file:/nonexistent/x.mp4", "no such video file"),
                         (f"file:{text}", "not a playable video"),
                         ("camera:", "needs an index"), ("camera:front", "expected an index"),
                         ("ftp://host/x", "unsupported stream scheme"),
                         ("hdmi", "unknown source")):
        with pytest.raises(SourceError, match=reason):
            open_source(spec, W, H)


def test_a_file_plays_at_its_rate_scaled_to_the_program_and_loops(clip, closing) -> None:
    source = MediaSource(str(clip), W, H, loop=True).start()
    closing(source)
    assert source.wait_frame(5)
    seen = []
    deadline = time.monotonic() + 1.6  # the clip is 0.9 s long
    while time.monotonic() < deadline:
        frame = source.read()
        assert frame.shape == I420_SHAPE
        if not seen or seen[-1] != _colour(frame):
            seen.append(_colour(frame))
        time.sleep(0.03)
    # Real time, in order, and round again: red green blue red ...
    assert seen[:4] == [RED, GREEN, BLUE, RED]
    assert source.status == "live" and 12 <= source.frames <= 20


def _until(condition, timeout: float = 5.0) -> bool:
    """Poll ``condition`` until it holds or ``timeout`` s pass (the reader runs in its thread)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def test_a_clip_plays_once_and_holds_its_last_frame(clip, closing) -> None:
    source = MediaSource(str(clip), W, H, loop=False).start()
    closing(source)
    deadline = time.monotonic() + 5
    while source.status != "ended" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert source.status == "ended" and source.frames == 9
    time.sleep(0.3)
    assert _colour(source.read()) == BLUE


def test_read_returns_a_copy_the_program_may_draw_on(clip, closing) -> None:
    source = MediaSource(str(clip), W, H, loop=False).start()
    closing(source)
    assert source.wait_frame(5)
    first = source.read()
    first[:] = 0
    assert source.read().any()


def test_a_capture_device_that_appears_late_and_disappears_is_reopened(tmp_path, clip,
                                                                        closing) -> None:
    # OpenCV opens a file path as it opens /dev/videoN; a file that is missing, then
    # present, then exhausted is a camera that is unplugged, plugged in and lost.
    device = tmp_path / "video0.mp4"
    source = CaptureSource(str(device), W, H, hold_s=0.2,
                           backoff=Backoff(initial=0.1, maximum=0.2, jitter=0)).start()
    closing(source)
    assert _until(lambda: source.status == "reconnecting" and "cannot open" in source.error)
    slate = source.read()
    assert slate.shape == I420_SHAPE and frames.planes(slate)[0].std() < 30  # a flat grey slate with text
    shutil.copy(clip, device)
    assert source.wait_frame(5)
    deadline = time.monotonic() + 5
    while "stopped delivering" not in source.error and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "stopped delivering" in source.error
    reconnects = source.reconnects
    device.unlink()
    # Past hold_s: the slate, not a frozen picture.
    assert _until(lambda: source.reconnects > reconnects and source.status == "reconnecting"
                  and frames.planes(source.read())[0].std() < 30)


def test_a_missing_camera_shows_a_slate_instead_of_stopping_the_program(closing) -> None:
    source = open_source("camera:57", W, H)
    closing(source)
    assert isinstance(source, CaptureSource)
    frame = source.read()
    assert frame.shape == I420_SHAPE
    time.sleep(0.3)
    assert source.status in ("connecting", "reconnecting")


def test_switching_sources_while_live_changes_the_program(clip, qapp) -> None:
    engine = ProgramEngine(TestPatternSource(W, H), fps=25)
    bars = engine.render_frame().copy()
    media = open_source(f"file:{clip}", W, H)
    assert media.wait_frame(5)  # type: ignore[attr-defined]
    engine.set_source(media)
    switched = engine.render_frame()
    assert _colour(switched) in (RED, GREEN, BLUE)
    assert np.abs(switched.astype(int) - bars).mean() > 40
    engine.set_source(TestPatternSource(W, H))
    assert media.status == "closed"  # the engine closed the source it let go


@pytest.mark.slow
def test_a_network_stream_is_pulled_and_reopened_when_the_publisher_returns(
        nginx_rtmp, qapp, qtbot, closing) -> None:
    url = nginx_rtmp.url("camera-feed")
    settings = EncoderSettings(W, H, 25, preset="ultrafast", keyint_s=0.5, video_bitrate=1_000_000)
    publisher = ProgramEngine(TestPatternSource(W, H, label="REMOTE"), fps=25)
    publisher.start()
    push = Output(url, settings)
    push.start(publisher)
    try:
        source = open_source(url, W, H)
        closing(source)
        assert isinstance(source, MediaSource) and source.description == redact_url(url)
        assert source.wait_frame(15)
        assert np.abs(source.read().astype(int) - TestPatternSource(W, H).read()).mean() < 12
        push.stop()
        qtbot.waitUntil(lambda: source.status == "reconnecting", timeout=10_000)
        received = source.frames
        push.start(publisher)
        qtbot.waitUntil(lambda: source.frames > received + 5, timeout=15_000)
        assert source.status == "live" and source.reconnects >= 1
    finally:
        push.stop()
        publisher.stop()
