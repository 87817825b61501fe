"""A 锦囊口袋 clip on air through the real program: pushed to nginx-rtmp, pulled back and
decoded (picture and sound), the previous source back at its end; 全部下屏 and a source
switch end it cleanly; every airing counted."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

import av
import numpy as np
import pytest

from tests.console.pocket_support import good_clip
from tests.streaming import rtmp_server
from videohelp.console.pocket.air import PocketError
from videohelp.console.pocket.library import ClipLibrary, ClipSpec
from videohelp.console.session import SessionOptions, ShowSession
from videohelp.core.knowledge import KnowledgeBase
from videohelp.core.paths import data_paths
from videohelp.core.settings import Settings
from videohelp.streaming.audio import SAMPLE_RATE

nginx_rtmp = rtmp_server.nginx_rtmp  # the fixture

W, H, FPS = 640, 360, 25
RED, BLUE = (0, 0, 220), (220, 0, 0)  # BGR


@pytest.fixture
def session(qloop, data_dir):
    settings = Settings()
    for name, value in (("program.width", W), ("program.height", H), ("program.fps", FPS)):
        settings._values[name] = value
    session = ShowSession(data_paths(data_dir), settings, SessionOptions(actor="tester",
                                                                         role="presenter"))
    qloop.run_until_complete(session.start())
    yield session
    qloop.run_until_complete(session.stop())


def _add_clip(data_dir: Path, path: Path, title: str = "驾驶证到期换证三步走") -> int:
    kb = KnowledgeBase.open(data_dir / "videohelp.sqlite3")
    try:
        report = ClipLibrary(kb.store, data_dir).add([ClipSpec(path, title, ("DL03",))],
                                                      kb.catalog_store.codes(), actor="t")
        assert report.applied, report.problems
        return report.added[0]
    finally:
        kb.close()


def _plays(data_dir: Path) -> list[tuple]:
    kb = KnowledgeBase.open(data_dir / "videohelp.sqlite3", seed=False)
    try:
        return [tuple(row) for row in kb.store.conn.execute(
            "SELECT kind, actor, item, seconds, ended FROM pocket_plays ORDER BY id")]
    finally:
        kb.close()


def _until(qloop, predicate, timeout: float) -> None:
    async def wait() -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            assert time.monotonic() < deadline, "timed out"
            await asyncio.sleep(0.05)
    qloop.run_until_complete(wait())


def _colour_at_centre(frame: np.ndarray) -> str:
    patch = frame[H // 2 - 20:H // 2 + 20, W // 2 - 20:W // 2 + 20].reshape(-1, 3).mean(axis=0)
    for name, colour in (("red", RED), ("blue", BLUE)):
        if np.abs(patch - colour).mean() < 30:
            return name
    return "other"


class Puller:
    """The stream pulled back from nginx and decoded with PyAV on a thread: the centre colour
    of every picture and the left channel of the sound, by stream time."""

    def __init__(self, url: str) -> None:
        self.pictures: list[tuple[float, str]] = []
        self.sound: list[tuple[float, np.ndarray]] = []
        self.error = ""
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(url,), daemon=True)
        self._thread.start()

    def _run(self, url: str) -> None:
        try:
            with av.open(url, options={"analyzeduration": "3000000"}, timeout=(10, 5)) as stream:
                assert stream.streams.video and stream.streams.audio, "no picture or no sound"
                for packet in stream.demux(stream.streams.video[0], stream.streams.audio[0]):
                    if self._stop.is_set():
                        return
                    for frame in packet.decode():
                        if isinstance(frame, av.VideoFrame):
                            self.pictures.append(
                                (float(frame.time or 0),
                                 _colour_at_centre(frame.to_ndarray(format="bgr24"))))
                        else:
                            self.sound.append((float(frame.time or 0), frame.to_ndarray()[0]))
        except Exception as exc:  # reported to the test
            self.error = f"{type(exc).__name__}: {exc}"

    def seconds(self) -> float:
        if len(self.pictures) < 2:
            return 0.0
        return self.pictures[-1][0] - self.pictures[0][0]

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)


def _level(samples: np.ndarray, hz: float) -> float:
    window = np.hanning(len(samples))
    phase = np.exp(-2j * np.pi * hz * np.arange(len(samples)) / SAMPLE_RATE)
    return float(2 * np.abs(np.sum(samples * window * phase)) / window.sum())


def test_a_clip_goes_to_the_stream_with_its_sound_and_the_camera_returns(
        session, nginx_rtmp, qloop, qtbot, data_dir, tmp_path) -> None:
    camera = good_clip(tmp_path / "camera.mp4", 4.0, tone_hz=None, colours=(BLUE,))
    clip_id = _add_clip(data_dir, good_clip(tmp_path / "clip.mp4", 2.0, tone_hz=1000,
                                            colours=(RED,)))
    assert qloop.run_until_complete(session.switch_source(f"file:{camera}"))
    previous = session.program.source
    url = nginx_rtmp.url("pocket")
    with qtbot.waitSignal(session.outputs.outputStateChanged, timeout=10_000,
                          check_params_cb=lambda _n, state, _m: state == "live"):
        assert session.start_output(url) is not None
    ended: list[tuple[int, str]] = []
    session.pocket.clipFinished.connect(lambda clip, how: ended.append((clip.id, how)))
    puller = Puller(url)
    try:
        # A second of the camera in the pull first.
        _until(qloop, lambda: puller.seconds() > 1.0 or puller.error, 20)
        assert not puller.error, puller.error
        clip = qloop.run_until_complete(session.pocket.take_clip(clip_id, actor="tester"))
        assert clip.title == "驾驶证到期换证三步走"
        assert "clip_title" in session.program.on_air()
        assert session.program.source is not previous
        _until(qloop, lambda: ended, 10)
        assert ended == [(clip_id, "end")]
        # The very source it interrupted is back, still open (no reconnect, no slate).
        assert session.program.source is previous and previous.status == "live"
        assert "clip_title" not in session.program.on_air()
        ended_at = puller.seconds()
        _until(qloop, lambda: puller.seconds() > ended_at + 1.5 or puller.error, 10)
    finally:
        puller.close()
    pictures, chunks = puller.pictures, puller.sound
    red = [t for t, colour in pictures if colour == "red"]
    assert red, "the clip never reached the stream"
    start, end = min(red), max(red)
    assert 1.6 < end - start < 2.6  # the whole 2 s clip, once (frame timing under load)
    assert any(colour == "blue" for t, colour in pictures if t < start)
    after = [colour for t, colour in pictures if t > end + 0.1]
    assert after and all(colour == "blue" for colour in after)  # the camera returned
    first, sound = chunks[0][0], np.concatenate([c for _t, c in chunks])

    def between(a: float, b: float) -> np.ndarray:
        return sound[round((a - first) * SAMPLE_RATE):round((b - first) * SAMPLE_RATE)]

    assert _level(between(start + 0.4, end - 0.2), 1000) > 0.1  # the clip's 0.3 tone
    assert _level(between(end + 0.5, pictures[-1][0]), 1000) < 0.01  # gone with it
    assert _level(between(first + 0.2, start - 0.3), 1000) < 0.01
    plays = _plays(data_dir)
    assert len(plays) == 1 and plays[0][:3] == ("air", "tester", "DL03") and plays[0][4] == "end"
    assert 1.8 < plays[0][3] < 3.5


def test_panic_and_a_source_switch_end_a_clip_cleanly(session, qloop, qtbot, data_dir,
                                                      tmp_path) -> None:
    clip_id = _add_clip(data_dir, good_clip(tmp_path / "clip.mp4", 4.0, colours=(RED,)))
    ended: list[str] = []
    session.pocket.clipFinished.connect(lambda _clip, how: ended.append(how))
    camera = session.program.source
    qloop.run_until_complete(session.pocket.take_clip(clip_id, actor="tester"))
    _until(qloop, lambda: session.program.source.frames > 0, 5)
    session.panic()
    assert ended == ["panic"] and session.program.source is camera
    assert session.program.on_air() == {}

    held = session.program.source
    qloop.run_until_complete(session.pocket.take_clip(clip_id, actor="tester"))
    clip_source = session.program.source
    assert qloop.run_until_complete(session.switch_source("test:NEXT"))
    _until(qloop, lambda: session.pocket.current is None, 5)
    assert ended == ["panic", "switched"]
    assert clip_source.status == "closed"
    assert session.program.source is not held and "clip_title" not in session.program.on_air()
    _until(qloop, lambda: all(p[4] for p in _plays(data_dir)), 5)
    assert [p[4] for p in _plays(data_dir)] == ["panic", "switched"]


def test_a_clip_whose_file_went_missing_is_refused(session, qloop, data_dir, tmp_path) -> None:
    path = good_clip(tmp_path / "clip.mp4")
    clip_id = _add_clip(data_dir, path)
    path.unlink()
    before = session.program.source
    with pytest.raises(PocketError, match="missing"):
        qloop.run_until_complete(session.pocket.take_clip(clip_id, actor="tester"))
    assert session.program.source is before and _plays(data_dir) == []
    with pytest.raises(PocketError, match="no clip 999"):
        qloop.run_until_complete(session.pocket.take_clip(999, actor="tester"))
