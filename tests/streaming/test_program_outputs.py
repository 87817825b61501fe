"""``--source/--output/--record/--audio``: checked first, then started on a running program."""

from __future__ import annotations

import argparse
import time

import pytest

from tests.streaming import rtmp_server
from tests.streaming.rtmp_server import ffprobe, make_clip
from videohelp.streaming.audio import AudioError
from videohelp.streaming.mixer import source_audio_of
from videohelp.streaming.outputs import OutputError
from videohelp.streaming.program import ProgramEngine
from videohelp.streaming.program_outputs import add_output_arguments, start_from_args
from videohelp.streaming.sources import SourceError, TestPatternSource

nginx_rtmp = rtmp_server.nginx_rtmp  # the fixture

W, H, FPS = 640, 360, 25


def _args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_output_arguments(parser)
    return parser.parse_args(argv)


@pytest.fixture
def engine(qapp):
    program = ProgramEngine(TestPatternSource(W, H), fps=FPS)
    program.start()
    yield program
    program.stop()


def test_source_push_recording_and_audio_from_the_command_line(engine, nginx_rtmp, qtbot,
                                                                tmp_path) -> None:
    clip = tmp_path / "clip.mp4"
    make_clip(clip, seconds=2, fps=10)
    args = _args("--source", f"file:{clip}", "--output", nginx_rtmp.url("cli"),
                 "--record", str(tmp_path / "show-%Y%m%d.mp4"),
                 "--audio", "lavfi:sine=frequency=440:sample_rate=48000")
    outputs = start_from_args(args, engine, W, H, FPS)
    try:
        assert len(outputs.outputs()) == 2
        # The source's sound (this file has none) is what the mix follows.
        assert outputs.mixer.source is source_audio_of(outputs.source) is not None
        for output in outputs.outputs():
            qtbot.waitUntil(lambda output=output: output.state == "live", timeout=10_000)
        assert outputs.settings.preset == "veryfast"  # 360p: the small-size default
        streams = ffprobe(nginx_rtmp.url("cli"))["streams"]
        assert {s["codec_name"] for s in streams} == {"h264", "aac"}
    finally:
        outputs.stop_all()
    (recording,) = tmp_path.glob("show-*.mp4")
    assert recording.name == time.strftime("show-%Y%m%d.mp4")
    assert float(ffprobe(str(recording))["format"]["duration"]) > 0.5


@pytest.mark.parametrize(("argv", "error", "reason"), [
    (("--record", "show.txt"), OutputError, "unsupported output"),
    (("--output", "{tmp}/show.mp4"), OutputError, "record files with --record"),
    (("--output", "rtmp://"), OutputError, "no host"),
    (("--source", "hdmi"), SourceError, "unknown source"),
    (("--audio", "mic"), AudioError, "unknown audio input"),
    (("--x264-preset", "turbo", "--source", "test"), ValueError, "unknown x264 preset"),
])
def test_bad_options_are_refused_before_anything_starts(engine, tmp_path, argv, error,
                                                        reason) -> None:
    args = _args(*(part.replace("{tmp}", str(tmp_path)) for part in argv),
                 "--record", str(tmp_path / "first.mp4"))
    before = engine.render_frame().copy()
    with pytest.raises(error, match=reason):
        start_from_args(args, engine, W, H, FPS)
    assert not (tmp_path / "first.mp4").exists()  # no output was started
    assert abs(engine.render_frame().astype(int) - before).mean() < 5  # same source
