"""Program outputs against real components: nginx-rtmp on loopback, ffprobe, ffmpeg."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import time

import av
import numpy as np
import pytest

from tests.streaming import rtmp_server
from tests.streaming.rtmp_server import FrameGrabber, TlsProxy, ffprobe
from videohelp.core.backoff import Backoff
from videohelp.streaming import frames
from videohelp.streaming.cards import CardRenderer
from videohelp.streaming.encoder import EncoderSettings, FrameQueue, bgr_to_video_frame
from videohelp.streaming.outputs import Output, OutputState, OutputWorker
from videohelp.streaming.program import ProgramEngine
from videohelp.streaming.sources import TestPatternSource

nginx_rtmp = rtmp_server.nginx_rtmp  # the fixture (the helpers' module is shared)

W, H, FPS = 640, 360, 30
SETTINGS = EncoderSettings(W, H, FPS, preset="ultrafast", video_bitrate=1_500_000, keyint_s=0.5)
KEY = "s3cr3t-stream-key"


@pytest.fixture
def engine(qapp):
    program = ProgramEngine(TestPatternSource(W, H), fps=FPS)
    program.start()
    yield program
    program.stop()


@pytest.fixture
def outputs():
    started: list[Output] = []
    yield started
    for output in started:
        output.stop()


def _start(outputs, engine, qtbot, target, **kwargs) -> Output:
    output = Output(target, SETTINGS, **kwargs)
    outputs.append(output)
    with qtbot.waitSignal(output.stateChanged, timeout=10_000,
                          check_params_cb=lambda state, _message: state == "live"):
        output.start(engine)
    return output


def _region(frame: np.ndarray, card) -> np.ndarray:
    """The card's box of a program frame (I420) or of a decoded picture (BGR), as BGR."""
    if frame.ndim == 2:
        frame = frames.to_bgr(frame)
    width, height = card.size
    return frame[card.y:card.y + height, card.x:card.x + width].astype(np.int16)


def test_push_reaches_nginx_as_h264_and_aac_at_size_and_rate(nginx_rtmp, engine, outputs,
                                                             qtbot) -> None:
    _start(outputs, engine, qtbot, nginx_rtmp.url(KEY))
    probe = ffprobe(nginx_rtmp.url(KEY))
    video = next(s for s in probe["streams"] if s["codec_type"] == "video")
    audio = next(s for s in probe["streams"] if s["codec_type"] == "audio")
    assert video["codec_name"] == "h264"
    assert (video["width"], video["height"]) == (W, H)
    assert video["avg_frame_rate"] == "30/1"
    assert video["pix_fmt"] == "yuv420p"
    assert audio["codec_name"] == "aac" and audio["sample_rate"] == "48000"
    assert audio["channels"] == 2


def test_a_taken_card_shows_in_the_frames_decoded_from_the_server(nginx_rtmp, engine, outputs,
                                                                  qtbot) -> None:
    card = CardRenderer(W, H).render("qa", {"question": "驾驶证丢了怎么补办？", "viewer": "杭**王",
                                            "answer": "可在交管12123申请补领"})
    clean = _region(TestPatternSource(W, H).read(), card)
    _start(outputs, engine, qtbot, nginx_rtmp.url("card"))
    grabber = FrameGrabber(nginx_rtmp.url("card"), W, H)
    try:
        qtbot.waitUntil(lambda: grabber.count() >= 3, timeout=15_000)
        before = _region(grabber.latest(), card)
        engine.take("qa", card)
        qtbot.waitUntil(lambda: engine.latest_frame() is not None and np.abs(
            _region(engine.latest_frame(), card) - clean).mean() > 10, timeout=2000)
        composed = _region(engine.latest_frame().copy(), card)
        qtbot.waitUntil(lambda: np.abs(_region(grabber.latest(), card) - composed).mean() < 8,
                        timeout=5000)
        after = _region(grabber.latest(), card)
    finally:
        grabber.close()
    # Without the card the region is the test pattern; with it, the program's composite.
    assert np.abs(before - clean).mean() < 8
    assert np.abs(after - composed).mean() < 8
    assert np.abs(after - clean).mean() > 3 * max(1.0, np.abs(after - composed).mean())


def test_push_reconnects_after_the_server_restarts(nginx_rtmp, engine, outputs, qtbot,
                                                   caplog) -> None:
    caplog.set_level(logging.INFO)
    states: list[tuple[str, str]] = []
    output = Output(nginx_rtmp.url(KEY), SETTINGS,
                    backoff=Backoff(initial=0.2, maximum=1.0, jitter=0))
    outputs.append(output)
    output.stateChanged.connect(lambda state, message: states.append((state, message)))
    with qtbot.waitSignal(output.stateChanged, timeout=10_000,
                          check_params_cb=lambda state, _m: state == "live"):
        output.start(engine)
    nginx_rtmp.stop()
    with qtbot.waitSignal(output.stateChanged, timeout=10_000,
                          check_params_cb=lambda state, _m: state == "reconnecting"):
        pass
    nginx_rtmp.start()
    with qtbot.waitSignal(output.stateChanged, timeout=10_000,
                          check_params_cb=lambda state, _m: state == "live"):
        pass
    probe = ffprobe(nginx_rtmp.url(KEY))
    assert {s["codec_name"] for s in probe["streams"]} == {"h264", "aac"}
    assert output.stats is not None and output.stats.reconnects >= 1
    names = [state for state, _ in states]
    assert names[:2] == ["starting", "live"] and "reconnecting" in names and names[-1] == "live"
    # The stream key is a secret: not in any message nor in the log.
    assert all(KEY not in message for _, message in states)
    assert KEY not in caplog.text


def test_an_rtmps_push_goes_through_tls(nginx_rtmp, engine, outputs, qtbot, tmp_path) -> None:
    proxy = TlsProxy(tmp_path / "tls", nginx_rtmp.port)
    try:
        _start(outputs, engine, qtbot, f"rtmps://127.0.0.1:{proxy.port}/live/{KEY}")
        streams = ffprobe(nginx_rtmp.url(KEY))["streams"]
        assert {s["codec_name"] for s in streams} == {"h264", "aac"}
        assert proxy.handshakes == 1
    finally:
        proxy.close()


def test_refused_push_keeps_retrying_without_showing_the_key(engine, outputs, qtbot) -> None:
    from tests.streaming.rtmp_server import free_port

    url = f"rtmp://127.0.0.1:{free_port()}/live/{KEY}"
    output = Output(url, SETTINGS, backoff=Backoff(initial=0.1, maximum=0.2, jitter=0))
    outputs.append(output)
    messages: list[str] = []
    output.stateChanged.connect(lambda state, message: messages.append(f"{state} {message}"))
    output.start(engine)
    qtbot.waitUntil(lambda: sum(m.startswith("reconnecting") for m in messages) >= 2,
                    timeout=5000)
    assert "refused" in messages[1].lower()
    assert all(KEY not in message for message in messages)
    with qtbot.waitSignal(output.stateChanged, timeout=6000,
                          check_params_cb=lambda state, _m: state == "stopped"):
        output.stop()


def test_mp4_recording_is_playable_with_the_right_duration(engine, outputs, qtbot,
                                                           tmp_path) -> None:
    path = tmp_path / "show.mp4"
    output = _start(outputs, engine, qtbot, str(path))
    started = time.monotonic()
    qtbot.wait(2500)
    with qtbot.waitSignal(output.stateChanged, timeout=6000,
                          check_params_cb=lambda state, _m: state == "stopped"):
        output.stop()
    elapsed = time.monotonic() - started
    assert output.stats is not None and output.stats.frames > 1.5 * FPS
    assert 0.5 * path.stat().st_size < output.stats.bytes <= path.stat().st_size
    probe = ffprobe(str(path))
    codecs = {s["codec_type"]: s for s in probe["streams"]}
    assert codecs["video"]["codec_name"] == "h264" and codecs["audio"]["codec_name"] == "aac"
    assert (codecs["video"]["width"], codecs["video"]["height"]) == (W, H)
    assert abs(float(probe["format"]["duration"]) - elapsed) < 0.4
    # Every frame decodes (ffmpeg reports nothing on stderr with -v error).
    done = subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-f", "null", "-"],
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 0 and done.stderr == ""
    with av.open(str(path)) as container:
        decoded = sum(1 for _ in container.decode(video=0))
    assert abs(decoded - elapsed * FPS) <= 0.1 * elapsed * FPS + 3


def test_a_recording_whose_directory_vanished_fails_with_a_reason(engine, outputs, qtbot,
                                                                  tmp_path) -> None:
    folder = tmp_path / "gone"
    folder.mkdir()
    output = Output(str(folder / "show.mp4"), SETTINGS)
    outputs.append(output)
    folder.rmdir()
    with qtbot.waitSignal(output.stateChanged, timeout=5000,
                          check_params_cb=lambda state, _m: state == "failed") as blocker:
        output.start(engine)
    assert "No such file" in blocker.args[1]
    assert output.state is OutputState.FAILED


def test_frame_queue_drops_the_oldest_and_never_blocks() -> None:
    queue = FrameQueue(maxlen=3)
    pictures = [np.full((2, 2, 3), index, np.uint8) for index in range(5)]
    started = time.monotonic()
    dropped = [queue.put(frame, float(index)) for index, frame in enumerate(pictures)]
    assert time.monotonic() - started < 0.1
    assert dropped == [False, False, False, True, True] and queue.dropped == 2
    kept = [queue.get(timeout=0.01) for _ in range(3)]
    assert [at for _, at in kept] == [2.0, 3.0, 4.0]
    assert queue.get(timeout=0.01) is None


def test_opencv_i420_matches_pyav_conversion() -> None:
    bgr = frames.to_bgr(TestPatternSource(640, 360).read())  # flat bars: subsampling filters agree
    ours = bgr_to_video_frame(bgr).to_ndarray().astype(np.int16)
    theirs = av.VideoFrame.from_ndarray(bgr, format="bgr24").reformat(
        format="yuv420p").to_ndarray().astype(np.int16)
    assert ours.shape == theirs.shape == (540, 640)
    luma = np.abs(ours[:360] - theirs[:360])
    assert luma.max() <= 2  # same BT.601 limited-range matrix, rounding differs
    assert np.abs(ours[360:] - theirs[360:]).mean() < 3  # chroma: subsampling filters differ


def test_encoder_settings_reject_odd_sizes() -> None:
    with pytest.raises(ValueError, match="even"):
        EncoderSettings(641, 360)


def test_a_server_that_never_answers_blocks_neither_the_program_nor_stop(engine, qtbot) -> None:
    # A TCP listener that accepts and never speaks RTMP: the push hangs in its handshake.
    # (In-process, PyAV would hold the GIL there and freeze everything; the pusher process
    # is what hangs instead.)
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    seen: list[int] = []
    engine.add_sink(lambda _frame, frame_no: seen.append(frame_no))
    output = Output(f"rtmp://127.0.0.1:{port}/live/{KEY}", SETTINGS)
    try:
        output.start(engine)
        listener.settimeout(10)
        connection, _ = listener.accept()
        late, before = engine.late_frames, len(seen)
        qtbot.wait(1000)
        assert output.state is OutputState.STARTING
        # The program kept time (frozen by the GIL, it would have made none).
        assert len(seen) - before >= 20 and engine.late_frames - late <= 10
        started = time.monotonic()
        with qtbot.waitSignal(output.stateChanged, timeout=6000,
                              check_params_cb=lambda state, _m: state == "stopped"):
            output.stop(timeout=2.0)
        assert time.monotonic() - started < 1.5
        connection.close()
    finally:
        listener.close()


def test_a_server_that_never_answers_is_given_up_and_retried(engine, outputs, qtbot,
                                                             monkeypatch) -> None:
    monkeypatch.setattr(OutputWorker, "CONNECT_TIMEOUT_S", 0.5)
    listener = socket.create_server(("127.0.0.1", 0))
    try:
        output = Output(f"rtmp://127.0.0.1:{listener.getsockname()[1]}/live/{KEY}", SETTINGS,
                        backoff=Backoff(initial=5, maximum=5, jitter=0))
        outputs.append(output)
        with qtbot.waitSignal(output.stateChanged, timeout=5000,
                              check_params_cb=lambda state, _m: state == "reconnecting") as blocker:
            output.start(engine)
        assert blocker.args[1].startswith("no answer from the server within 0.5 s")
    finally:
        listener.close()


@pytest.mark.skipif(not hasattr(os, "getpriority"), reason="per-thread nice values are Linux's")
def test_encoders_yield_the_cpu_to_the_program_thread(engine, outputs, qtbot, tmp_path) -> None:
    """x264's threads (started by the output's thread) run nicer than the program thread."""
    def nice(tid: int) -> int:
        return os.getpriority(os.PRIO_PROCESS, tid)

    def nicer_threads() -> list[int]:
        return [int(tid) for tid in os.listdir("/proc/self/task") if nice(int(tid)) == base + 5]

    base = nice(engine._worker._thread.native_id)
    before = len(nicer_threads())
    output = _start(outputs, engine, qtbot, str(tmp_path / "nice.mp4"))
    assert nice(output.encoder._thread.native_id) == base + 5  # the (shared) encoder
    assert nice(output._worker._thread.native_id) == base  # the muxer: light, and latency
    assert nice(engine._worker._thread.native_id) == base
    # The encoder's thread and the threads x264 started from it.
    assert len(nicer_threads()) - before >= 2
