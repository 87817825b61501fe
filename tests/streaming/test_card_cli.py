"""``videohelp card`` in subprocesses: render to PNG, and take/update/clear/panic on a real console."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
from pathlib import Path

import cv2
import numpy as np
import pytest

from tests.streaming.conftest import CONTROL_TOKEN, SAMPLES
from videohelp.streaming.cards import CardRenderer

TOKEN = CONTROL_TOKEN


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "VIDEOHELP_CONTROL_TOKEN"}
    env.pop("QT_QPA_PLATFORM", None)  # the command must not need it
    return env


def _run(cmd: list[str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*cmd, "card", *args], capture_output=True, text=True, timeout=60,
                          env=_env())


def test_render_writes_the_card_as_a_png(videohelp_cmd, tmp_path: Path, qapp) -> None:
    out = tmp_path / "cards" / "qa.png"
    done = _run(videohelp_cmd, "render", "--template", "qa", "--data",
                json.dumps(SAMPLES["qa"], ensure_ascii=False), "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "qa 1071x300 at (96, 502) on 1920x1080" in done.stdout
    png = cv2.imread(str(out), cv2.IMREAD_UNCHANGED)
    expected = CardRenderer(1920, 1080).render("qa", SAMPLES["qa"])
    assert png.shape == (300, 1071, 4)
    # Straight alpha in the file; premultiplied again it is exactly the renderer's image.
    alpha = png[:, :, 3:4].astype(int)
    premultiplied = (png[:, :, 2::-1].astype(int) * alpha + 127) // 255
    assert np.array_equal(premultiplied, expected.rgba[:, :, :3].astype(int))
    assert np.array_equal(png[:, :, 3], expected.rgba[:, :, 3])


def test_render_a_whole_frame_from_a_data_file(videohelp_cmd, tmp_path: Path) -> None:
    data = tmp_path / "ticker.json"
    data.write_text(json.dumps(SAMPLES["ticker"], ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "frame.png"
    done = _run(videohelp_cmd, "render", "--template", "ticker", "--data", f"@{data}", "--out", str(out),
                "--frame", "--width", "1280", "--height", "720")
    assert done.returncode == 0, done.stderr
    png = cv2.imread(str(out), cv2.IMREAD_UNCHANGED)
    assert png.shape == (720, 1280, 4)
    rows = np.flatnonzero(png[:, :, 3].any(axis=1))
    assert rows.min() >= 36 and rows.max() < 720 - 36  # inside the title-safe area
    assert not png[:600, :, 3].any()  # nothing but the ticker


@pytest.mark.parametrize(("args", "message"), [
    (["--template", "nope", "--data", "{}"], "unknown template 'nope'; known: clip_title, clock"),
    (["--template", "qa", "--data", "{question: 1}"], "--data is not valid JSON"),
    (["--template", "qa", "--data", "[]"], "--data must be a JSON object"),
    (["--template", "qa", "--data", '{"answer": "a"}'], "needs field 'question'"),
    (["--template", "qa", "--data", "@/no/such/file.json"], "cannot read /no/such/file.json"),
    (["--template", "qa", "--data", '{"question": "q"}', "--theme", "nosuch"], "unknown theme 'nosuch'"),
])
def test_render_errors_are_clear_and_exit_2(videohelp_cmd, tmp_path: Path, args, message) -> None:
    out = tmp_path / "card.png"
    done = _run(videohelp_cmd, "render", *args, "--out", str(out))
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    assert not out.exists()


def test_templates_lists_every_template_and_field(videohelp_cmd) -> None:
    done = _run(videohelp_cmd, "templates")
    assert done.returncode == 0
    for name, data in SAMPLES.items():
        assert f"{name}:" in done.stdout
        for key in data:
            assert f"  {key} " in done.stdout




async def _card(cmd: list[str], *args: str, token: str = TOKEN) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        *cmd, "card", *args, "--token", token, env=_env(),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


@pytest.mark.slow
@pytest.mark.asyncio
async def test_take_update_clear_panic_from_the_shell(console, videohelp_cmd) -> None:
    server, engine = console
    url = server.url("")
    code, out, err = await _card(videohelp_cmd, "take", "--url", url, "--template", "lower_third",
                                 "--data", json.dumps(SAMPLES["lower_third"], ensure_ascii=False),
                                 "--transition", "fade", "--duration", "60")
    assert (code, out.strip()) == (0, "ok: take lower_third; on air: lower_third"), err
    layer = engine.layers()[0][0]
    assert layer.enter.kind == "fade" and layer.out_at is not None

    code, out, err = await _card(videohelp_cmd, "update", "--url", url, "--layer", "lower_third",
                                 "--data", '{"name": "王警官"}')
    assert code == 0, err
    assert engine.on_air()["lower_third"].data["name"] == "王警官"

    code, out, err = await _card(videohelp_cmd, "clear", "--url", url, "--layer", "lower_third",
                                 "--transition", "cut")
    assert (code, out.strip()) == (0, "ok: clear lower_third; on air: nothing"), err
    assert engine.on_air() == {}

    code, out, err = await _card(videohelp_cmd, "clear", "--url", url, "--layer", "lower_third")
    assert code == 1 and "not_found" in err

    await _card(videohelp_cmd, "take", "--url", url + "/seat", "--template", "qa", "--data",
                json.dumps(SAMPLES["qa"], ensure_ascii=False))
    code, out, err = await _card(videohelp_cmd, "panic", "--url", url)
    assert (code, out.strip()) == (0, "ok: panic; on air: nothing"), err
    assert engine.layers()[0] == ()


@pytest.mark.slow
@pytest.mark.asyncio
async def test_remote_errors_exit_codes(console, videohelp_cmd) -> None:
    server, engine = console
    url = server.url("")
    code, _, err = await _card(videohelp_cmd, "take", "--url", url, "--template", "qa",
                               "--data", '{"question": "q"}', token="wrong")
    assert code == 1 and "refused the token (HTTP 401)" in err
    code, _, err = await _card(videohelp_cmd, "take", "--url", url, "--template", "qa",
                               "--data", '{"questio": "q"}')
    assert code == 2 and "bad_card: template 'qa' has no field(s): questio" in err
    code, _, err = await _card(videohelp_cmd, "take", "--url", url, "--template", "qa", "--data", "{")
    assert code == 2 and "--data is not valid JSON" in err
    code, _, err = await _card(videohelp_cmd, "take", "--url", "http://x", "--template", "qa",
                               "--data", "{}")
    assert code == 2 and "--url must be ws://HOST:PORT" in err
    assert engine.on_air() == {}


def test_an_unreachable_console_exits_1(videohelp_cmd) -> None:
    done = subprocess.run([*videohelp_cmd, "card", "panic", "--url", "ws://127.0.0.1:9", "--token", "t",
                           "--timeout", "3"], capture_output=True, text=True, timeout=60, env=_env())
    assert done.returncode == 1 and "cannot reach the console" in done.stderr


@pytest.mark.slow
def test_serve_with_a_control_token_takes_cards_and_serves_the_overlay(videohelp_cmd, tmp_path: Path) -> None:
    with subprocess.Popen([*videohelp_cmd, "serve", "--port", "0", "--control-token", TOKEN,
                           "--data-dir", str(tmp_path / "data")],
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                          env=_env()) as serve:
        _drive_serve(videohelp_cmd, serve)


def _drive_serve(videohelp_cmd: list[str], serve: subprocess.Popen) -> None:
    import signal
    import urllib.request

    try:
        assert serve.stdout is not None
        line = serve.stdout.readline()
        assert "videohelp: serving ws://" in line, line
        url = line.split("serving ", 1)[1].split()[0]
        take = _run(videohelp_cmd, "take", "--url", url, "--token", TOKEN, "--template", "ticker",
                    "--data", json.dumps(SAMPLES["ticker"], ensure_ascii=False))
        assert (take.returncode, take.stdout.strip()) == (0, "ok: take ticker; on air: ticker"), take.stderr
        refused = _run(videohelp_cmd, "panic", "--url", url, "--token", "not-the-token")
        assert refused.returncode == 1 and "HTTP 401" in refused.stderr
        with urllib.request.urlopen(url.replace("ws://", "http://") + "/overlay", timeout=10) as page:
            assert page.status == 200 and b"/overlay/overlay.js" in page.read()
        panic = _run(videohelp_cmd, "panic", "--url", url, "--token", TOKEN)
        assert panic.returncode == 0 and "on air: nothing" in panic.stdout
        # A stream deck's camera button: the program's source, through the ``source`` action.
        source = _run(videohelp_cmd, "source", "--url", url, "--token", TOKEN, "--source", "test:DECK")
        assert (source.returncode, source.stdout.strip()) == (0, "ok: source test:DECK"), source.stderr
        missing = _run(videohelp_cmd, "source", "--url", url, "--token", TOKEN,
                       "--source", "file:/nonexistent/clip.mp4")
        assert missing.returncode == 2 and "bad_source: no such video file" in missing.stderr
    finally:
        serve.send_signal(signal.SIGINT)
        assert serve.wait(timeout=30) == 0
