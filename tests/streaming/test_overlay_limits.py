"""The overlay socket's limits (issue 17): own origin only, a budget of its own, idle sockets
closed, an optional token in the page's URL. Real servers on 127.0.0.1, real headless Chromium."""

from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import pytest_asyncio
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from tests.streaming.chromium import Chromium
from videohelp.core.client_limits import OVERLAY, ClientLimits
from videohelp.core.server import ConsoleServer
from videohelp.streaming.cards import CardRenderer
from videohelp.streaming.graphics import ProgramGraphics
from videohelp.streaming.program import ProgramEngine
from videohelp.streaming.sources import TestPatternSource

WIDTH, HEIGHT = 640, 360


@pytest_asyncio.fixture
async def overlay(qapp, request):
    limits: ClientLimits = getattr(request, "param", ClientLimits())
    engine = ProgramEngine(TestPatternSource(WIDTH, HEIGHT), fps=25)
    graphics = ProgramGraphics(engine, CardRenderer(WIDTH, HEIGHT))
    server = ConsoleServer("127.0.0.1", 0, limits=limits)
    graphics.install(server)
    await server.start()
    await graphics.start()
    try:
        yield server
    finally:
        await graphics.stop()
        await server.stop()


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.mark.asyncio
async def test_only_pages_of_this_console_and_clients_without_origin_get_in(overlay) -> None:
    url = overlay.url("/overlay/ws")
    own = f"http://127.0.0.1:{overlay.port}"
    async with connect(url, origin=own) as page:  # the page as the console served it
        assert json.loads(await page.recv())["type"] == "hello"
    async with connect(url) as tool:  # no Origin: a script or an OBS plug-in
        assert json.loads(await tool.recv())["type"] == "hello"
    for foreign in ("http://evil.example", f"http://localhost:{overlay.port}0", "null"):
        with pytest.raises(InvalidStatus) as refused:
            await connect(url, origin=foreign)
        assert refused.value.response.status_code == 403, foreign


@pytest.mark.asyncio
async def test_the_overlay_budget_is_its_own(overlay) -> None:
    budget = overlay.budget(OVERLAY)
    sockets = [await connect(overlay.url("/overlay/ws")) for _ in range(budget)]
    try:
        with pytest.raises(InvalidStatus) as refused:
            await connect(overlay.url("/overlay/ws"))
        assert refused.value.response.status_code == 503
        await sockets.pop().close()
        async with asyncio.timeout(5):  # the freed slot is free again
            while overlay.kind_count(OVERLAY) >= budget:
                await asyncio.sleep(0.02)
        sockets.append(await connect(overlay.url("/overlay/ws")))
    finally:
        await asyncio.gather(*(ws.close() for ws in sockets))


@pytest.mark.asyncio
@pytest.mark.parametrize("overlay", [ClientLimits(overlay_idle_s=0.6)], indirect=True)
async def test_a_silent_socket_is_closed_and_a_pinging_one_stays(overlay) -> None:
    async with connect(overlay.url("/overlay/ws")) as silent, \
            connect(overlay.url("/overlay/ws")) as pinging:
        hello = json.loads(await pinging.recv())
        assert hello["heartbeat_s"] == pytest.approx(0.15)
        await silent.recv()
        for _ in range(10):  # 1.5 s of pings, 2.5 idle periods
            await pinging.send('{"type":"ping"}')
            await asyncio.sleep(0.15)
        with pytest.raises(ConnectionClosed):
            await asyncio.wait_for(silent.recv(), 2)
        assert silent.close_code == 1008 and silent.close_reason == "idle"
        await pinging.send('{"type":"ping"}')
        assert pinging.close_code is None


@pytest.mark.asyncio
@pytest.mark.parametrize("overlay", [ClientLimits(overlay_token="ovl-secret-42")], indirect=True)
async def test_the_url_token_protects_page_and_socket(overlay) -> None:
    assert await asyncio.to_thread(_status, overlay.url("/overlay", "http")) == 401
    assert await asyncio.to_thread(_status, overlay.url("/overlay?token=wrong", "http")) == 401
    assert await asyncio.to_thread(_status, overlay.url("/overlay?token=ovl-secret-42", "http")) == 200
    with pytest.raises(InvalidStatus) as refused:
        await connect(overlay.url("/overlay/ws"))
    assert refused.value.response.status_code == 401
    async with connect(overlay.url("/overlay/ws?token=ovl-secret-42")) as page:
        assert json.loads(await page.recv())["type"] == "hello"


@pytest.mark.slow
@pytest.mark.asyncio
@pytest.mark.parametrize("overlay", [ClientLimits(overlay_token="ovl-secret-42",
                                                  overlay_idle_s=0.8)], indirect=True)
async def test_chromium_page_passes_its_token_and_keeps_its_socket_alive(overlay, tmp_path: Path
                                                                         ) -> None:
    async with Chromium.launch(tmp_path / "profile", WIDTH, HEIGHT) as page:
        await page.navigate(overlay.url("/overlay?token=ovl-secret-42", "http"))
        await page.wait_for("document.documentElement.dataset.state === 'connected'")
        await asyncio.sleep(2.5)  # three idle periods: only its heartbeats keep it open
        assert await page.evaluate("document.documentElement.dataset.state") == "connected"
        assert await page.evaluate("document.documentElement.dataset.messages") == "1"
        # A page of another origin cannot open the console's overlay socket.
        await page.navigate("data:text/html,<p>elsewhere</p>")
        await page.wait_for("document.readyState === 'complete' && !document.documentElement.dataset.state")
        result = await page.call("Runtime.evaluate", awaitPromise=True, returnByValue=True,
                                 expression=f"""new Promise((done) => {{
            const ws = new WebSocket("ws://127.0.0.1:{overlay.port}/overlay/ws?token=ovl-secret-42");
            ws.onopen = () => done("open"); ws.onerror = () => done("refused"); }})""")
        assert result["result"]["value"] == "refused"
