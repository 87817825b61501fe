"""``videohelp serve`` with named destinations: one encode, a vertical profile, keys kept secret.

A real serve process, a real nginx-rtmp with three applications, the stream
URLs from an environment variable and a 0600 file, a seat (the control
token) reading the ``output.*`` events, and the status log.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from websockets.sync.client import connect

from tests.streaming.rtmp_server import NginxRtmp, ffprobe

TOKEN = "control-t0ken"
KEYS = {"app": "APPKEY-123", "zlb": "ZLBKEY-456", "douyin": "DYKEY-789"}


@pytest.fixture
def platforms(tmp_path: Path):
    server = NginxRtmp(tmp_path / "nginx", applications=("app", "zlb", "douyin"))
    server.start()
    yield server
    server.stop()


def _events(url: str, seconds: float) -> list[dict]:
    """The seat events a control seat gets over ``seconds``."""
    seen: list[dict] = []
    with connect(url.rstrip("/") + "/seat", additional_headers={"Authorization": f"Bearer {TOKEN}"},
                 open_timeout=10) as ws:
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            try:
                seen.append(json.loads(ws.recv(timeout=left)))
            except TimeoutError:
                break
    return seen


@pytest.mark.slow
def test_serve_sends_one_encode_to_named_platforms_and_tells_their_state_without_keys(
        videohelp_cmd, data_dir: Path, platforms: NginxRtmp, tmp_path: Path) -> None:
    secret = tmp_path / "zlb-url"
    secret.write_text(platforms.url(KEYS["zlb"], "zlb") + "\n")
    secret.chmod(0o600)
    settings = data_dir / "settings.json"
    settings.write_text(json.dumps({
        "program.width": 640, "program.height": 360, "program.fps": 25,
        "outputs.profiles": {"vertical": "180x320 crop 300k"},
        "outputs.destinations": {"app": platforms.url(KEYS["app"], "app"),
                                 "zlb": f"file:{secret}",
                                 "douyin": "env:VH_DOUYIN_URL profile=vertical"}}))
    settings.chmod(0o644)
    env = {**os.environ, "VH_DOUYIN_URL": platforms.url(KEYS["douyin"], "douyin")}
    env.pop("QT_QPA_PLATFORM", None)
    process = subprocess.Popen(
        [*videohelp_cmd, "serve", "--data-dir", str(data_dir), "--port", "0",
         "--control-token", TOKEN, "--status-every", "0.5",
         "--output", "app", "--output", "zlb", "--output", "douyin"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(4)]
        assert lines[:3] == ["videohelp: output app\n", "videohelp: output zlb\n",
                             "videohelp: output douyin\n"], lines
        url = lines[3].split("serving ", 1)[1].split()[0]
        events = _events(url, 1.5)
        sizes = {}
        for app in ("app", "zlb", "douyin"):
            video = next(s for s in ffprobe(platforms.url(KEYS[app], app))["streams"]
                         if s["codec_type"] == "video")
            sizes[app] = (video["width"], video["height"])
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert sizes == {"app": (640, 360), "zlb": (640, 360), "douyin": (180, 320)}
    assert settings.stat().st_mode & 0o777 == 0o600  # it holds stream keys
    status = [e["data"] for e in events if e.get("name") == "output.status"]
    assert status, [e.get("name") for e in events]
    shown = {s["name"]: s for s in status[-1]["outputs"]}
    assert set(shown) == {"app", "zlb", "douyin"}
    assert all(s["state"] == "live" for s in shown.values())
    # app and zlb share one encode; douyin's vertical crop has its own.
    assert shown["app"]["encoder"] == shown["zlb"]["encoder"] != shown["douyin"]["encoder"]
    logs = "".join(path.read_text() for path in data_dir.rglob("*.log*"))
    text = out + err + json.dumps(events) + logs
    assert "output app: live" in text and "kbit/s" in text  # the status log
    assert all(key not in text for key in KEYS.values())
