"""``videohelp serve --source --output --record``: a real process pushing to a real nginx-rtmp."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.streaming import rtmp_server
from tests.streaming.rtmp_server import ffprobe

nginx_rtmp = rtmp_server.nginx_rtmp  # the fixture


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("QT_QPA_PLATFORM", None)  # serve must not need it
    return env


def _small_program(data_dir: Path) -> None:
    (data_dir / "settings.json").write_text(json.dumps(
        {"program.width": 640, "program.height": 360, "program.fps": 25}))


@pytest.mark.slow
def test_serve_pushes_and_records_the_program_and_finishes_on_sigterm(
        videohelp_cmd, data_dir, nginx_rtmp, tmp_path) -> None:
    _small_program(data_dir)
    url, recording = nginx_rtmp.url("serve-key"), tmp_path / "show.mp4"
    process = subprocess.Popen(
        [*videohelp_cmd, "serve", "--data-dir", str(data_dir), "--port", "0", "--source", "test",
         "--output", url, "--record", str(recording)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env())
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(3)]
        assert f"videohelp: output rtmp://127.0.0.1:{nginx_rtmp.port}/live/***\n" in lines, lines
        assert f"videohelp: output {recording}\n" in lines
        assert any(line.startswith("videohelp: serving ws://") for line in lines)
        streams = ffprobe(url)["streams"]
        assert {(s["codec_name"], s.get("width")) for s in streams} == {("h264", 640),
                                                                          ("aac", None)}
        time.sleep(1.0)
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert "serve-key" not in out + err
    probe = ffprobe(str(recording))
    assert {s["codec_name"] for s in probe["streams"]} == {"h264", "aac"}
    assert float(probe["format"]["duration"]) > 1.5


@pytest.mark.parametrize(("argv", "reason"), [
    (("--record", "show.txt"), "unsupported output"),
    (("--source", "camera:front"), "expected an index"),
])
def test_serve_refuses_bad_output_options_before_starting(videohelp_cmd, data_dir, argv,
                                                          reason) -> None:
    done = subprocess.run([*videohelp_cmd, "serve", "--data-dir", str(data_dir), "--port", "0",
                           *argv], capture_output=True, text=True, timeout=60, env=_env())
    assert done.returncode == 2
    assert reason in done.stderr and "serving" not in done.stdout
