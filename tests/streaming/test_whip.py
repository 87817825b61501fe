"""WHIP ingest: headless Chromium's fake camera and microphone published from the phone desk
reach the program (read back from a real nginx-rtmp stream); a cut publisher brings the
NO SIGNAL slate; an aiortc client checks the token and the HTTP side."""

from __future__ import annotations

import asyncio
import json
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import av
import numpy as np
import pytest
from aiortc import RTCConfiguration, RTCPeerConnection

from tests.queue.phone_support import PhoneShow, wait_frames
from tests.streaming import rtmp_server
from tests.streaming.chromium import Chromium
from videohelp.streaming.whip import WhipSource, _host_addresses, _loopback_candidates

nginx_rtmp = rtmp_server.nginx_rtmp  # the fixture
FAKE_MEDIA = ("--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
              "--allow-loopback-in-peer-connection", "--autoplay-policy=no-user-gesture-required")


@pytest.fixture
def show(data_dir: Path, nginx_rtmp) -> Iterator[PhoneShow]:
    console = PhoneShow(data_dir, nginx_rtmp, source="whip")
    try:
        yield console
    finally:
        console.stop()


def fake_camera(frame: np.ndarray) -> bool:
    """Chromium's fake camera: a green picture (BGR)."""
    b, g, r = (float(frame[..., i].mean()) for i in range(3))
    return g > r + 50 and g > b + 50


def slate(frame: np.ndarray) -> bool:
    """NO SIGNAL: dark grey, no colour."""
    b, g, r = (float(frame[..., i].mean()) for i in range(3))
    return max(b, g, r) < 90 and max(abs(b - g), abs(g - r)) < 12


def audio_peak(url: str, seconds: float = 2.5) -> int:
    """The loudest sample of the stream's sound over ``seconds`` (16-bit)."""
    done = subprocess.run(["ffmpeg", "-v", "error", "-i", url, "-t", str(seconds), "-vn", "-ac", "1",
                           "-ar", "16000", "-f", "s16le", "-"], capture_output=True, timeout=30)
    assert done.returncode == 0, done.stderr
    samples = np.frombuffer(done.stdout, np.int16)
    assert samples.size > 16000, samples.size
    return int(np.abs(samples.astype(np.int32)).max())


async def publish(page: Chromium, show: PhoneShow, token: str) -> None:
    await page.navigate(show.url("/desk"))
    await page.wait_for("['login', 'live'].includes(document.documentElement.dataset.state)")
    if await page.evaluate("document.documentElement.dataset.state") == "login":
        await page.evaluate(f"document.getElementById('token').value = {json.dumps(token)};"
                            "document.getElementById('login-form').requestSubmit(); true")
    await page.wait_for("!document.getElementById('publish-box').hidden")
    await page.evaluate("document.getElementById('publish').click(); true")
    await page.wait_for("document.documentElement.dataset.publish === 'connected'", timeout=20)


@pytest.mark.slow
@pytest.mark.asyncio
async def test_the_phone_camera_and_microphone_become_the_program_and_a_cut_brings_the_slate(
        show, tmp_path: Path) -> None:
    token = show.add_seat("张警官", "officer")
    grabber = show.watch()
    await wait_frames(grabber, slate)  # nobody publishes yet: NO SIGNAL
    async with Chromium.launch(tmp_path / "phone", 390, 844, extra_flags=FAKE_MEDIA) as page:
        await publish(page, show, token)
        first = await wait_frames(grabber, fake_camera)
        # The fake camera's pattern moves: later program frames differ from the first.
        await wait_frames(grabber, lambda f: fake_camera(f) and np.abs(f.astype(int) - first).mean() > 1)
        assert await asyncio.to_thread(audio_peak, show.rtmp_url) > 2000  # its beeps, with sound
        # Stop publishing (WHIP DELETE): the slate; publish again: the picture is back.
        await page.evaluate("document.getElementById('publish').click(); true")
        await page.wait_for("document.documentElement.dataset.publish === 'stopped'")
        await wait_frames(grabber, slate)
        await page.evaluate("document.getElementById('publish').click(); true")
        await page.wait_for("document.documentElement.dataset.publish === 'connected'", timeout=20)
        await wait_frames(grabber, fake_camera)
    # The browser is gone without a DELETE (a phone out of coverage): the slate after the hold.
    await wait_frames(grabber, slate)


def _request(url: str, method: str, token: str | None, body: bytes = b"",
             content_type: str = "application/sdp") -> tuple[int, bytes, dict[str, str]]:
    request = urllib.request.Request(url, data=body or None, method=method)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    if body:
        request.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), dict(exc.headers)


@pytest.mark.slow
@pytest.mark.asyncio
async def test_an_aiortc_client_needs_a_desk_token_and_the_http_side_refuses_bad_requests(show) -> None:
    presenter = show.add_seat("李主持", "presenter")
    expert = show.add_seat("王专家", "expert")
    client = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    try:
        client.addTransceiver("video", direction="sendonly")
        client.addTransceiver("audio", direction="sendonly")
        with _host_addresses(True):  # the client on loopback too, as the console's tests must be
            await client.setLocalDescription(await client.createOffer())
        offer = client.localDescription.sdp.encode()
        call = asyncio.to_thread
        for token in (None, "vhs_wrong", expert):
            status, _, headers = await call(_request, show.whip, "POST", token, offer)
            assert status == 401 and headers["WWW-Authenticate"].startswith("Bearer")
        assert (await call(_request, show.whip, "POST", presenter, offer, "text/plain"))[0] == 415
        assert (await call(_request, show.whip, "POST", presenter, b"v=0\r\nnonsense"))[0] == 400
        assert (await call(_request, show.whip, "GET", presenter))[0] == 405
        status, answer, headers = await call(_request, show.whip, "POST", presenter, offer)
        assert status == 201 and headers["Content-Type"] == "application/sdp"
        assert answer.startswith(b"v=0") and b"m=video" in answer and b"a=candidate" in answer
        assert all(b" 127.0.0.1 " in line for line in answer.splitlines() if line.startswith(b"a=candidate"))
        resource = show.whip.rsplit("/whip", 1)[0] + headers["Location"]
        assert (await call(_request, resource, "DELETE", expert))[0] == 401
        assert (await call(_request, resource, "DELETE", presenter))[0] == 200
        assert (await call(_request, resource, "DELETE", presenter))[0] == 404
        status, _, headers = await call(_request, show.whip, "OPTIONS", None)
        assert status == 204 and "Authorization" in headers["Access-Control-Allow-Headers"]
    finally:
        await client.close()


def test_the_source_shows_the_slate_when_frames_stop_and_never_waits() -> None:
    source = WhipSource(320, 180, hold_s=0.2)
    blank = source.read()
    assert blank.shape == (270, 320)
    picture = av.VideoFrame.from_ndarray(np.full((240, 426, 3), (0, 200, 0), np.uint8), format="bgr24")
    source.publish_frame(picture)
    frame = source.read()
    assert frame.shape == (270, 320) and not np.array_equal(frame, blank)
    started = time.monotonic()
    while not np.array_equal(source.read(), blank):  # read() returns at once, every time
        assert time.monotonic() - started < 2.0, "no slate after the hold"
    assert time.monotonic() - started >= 0.15


def test_a_loopback_console_drops_offered_candidates_off_loopback() -> None:
    sdp = ("v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n"
           "a=candidate:1 1 udp 2122260223 192.0.2.2 50000 typ host\r\n"
           "a=candidate:2 1 udp 2122260223 127.0.0.1 50001 typ host\r\n")
    kept = _loopback_candidates(sdp)
    assert "192.0.2.2" not in kept and "127.0.0.1 50001" in kept and kept.startswith("v=0\r\nm=video")


def test_serve_refuses_a_whip_port_without_the_whip_source(videohelp_cmd, data_dir) -> None:
    done = subprocess.run([*videohelp_cmd, "serve", "--data-dir", str(data_dir), "--port", "0",
                           "--whip-port", "0"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "--whip-port needs --source whip" in done.stderr
