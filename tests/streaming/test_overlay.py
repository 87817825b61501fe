"""The browser-source page /overlay in real headless Chromium, fed by a real ConsoleServer."""

from __future__ import annotations

import asyncio
import urllib.request
from pathlib import Path

import numpy as np
import pytest
import pytest_asyncio

from tests.streaming.chromium import Chromium
from tests.streaming.conftest import SAMPLES
from videohelp.core.server import ConsoleServer
from videohelp.streaming.cards import CardRenderer, RenderedCard
from videohelp.streaming.graphics import ProgramGraphics
from videohelp.streaming.program import ProgramEngine
from videohelp.streaming.sources import TestPatternSource

WIDTH, HEIGHT = 1280, 720
SETTLED = ("document.documentElement.dataset.busy === '0' && "
           "Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)")


@pytest_asyncio.fixture
async def program(qapp):
    renderer = CardRenderer(WIDTH, HEIGHT)
    engine = ProgramEngine(TestPatternSource(WIDTH, HEIGHT), fps=30)
    graphics = ProgramGraphics(engine, renderer)
    server = ConsoleServer("127.0.0.1", 0)
    graphics.install(server)
    await server.start()
    await graphics.start()
    try:
        yield server, engine, renderer
    finally:
        await graphics.stop()
        await server.stop()


async def _open(page: Chromium, server: ConsoleServer) -> None:
    await page.navigate(server.url("/overlay", "http"))
    await page.wait_for("document.documentElement.dataset.state === 'connected'")


async def _on_screen(page: Chromium, layers: str) -> np.ndarray:
    await page.wait_for(f"document.documentElement.dataset.layers === {layers!r} && {SETTLED}")
    await asyncio.sleep(0.05)  # one more animation frame painted
    return await page.screenshot()


def _premultiplied(shot: np.ndarray) -> np.ndarray:
    """Screenshot BGRA (straight alpha) -> premultiplied RGBA, as the renderer's images are."""
    alpha = shot[:, :, 3:4].astype(int)
    colour = (shot[:, :, 2::-1].astype(int) * alpha + 127) // 255
    return np.dstack((colour, alpha[:, :, 0]))


def _assert_shows(shot: np.ndarray, card: RenderedCard, image: np.ndarray | None = None) -> None:
    image = card.rgba if image is None else image
    height, width = image.shape[:2]
    region = _premultiplied(shot)[card.y:card.y + height, card.x:card.x + width]
    assert np.abs(region - image.astype(int)).max() <= 1, "the page shows other pixels"
    outside = shot[:, :, 3].copy()
    outside[card.y:card.y + height, card.x:card.x + width] = 0
    assert outside.max() == 0, "something drawn outside the card"


def _get(url: str) -> tuple[int, dict[str, str], bytes]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, dict(response.headers), response.read()


@pytest.mark.asyncio
async def test_the_page_and_script_are_served_with_a_strict_policy(program) -> None:
    server, _, _ = program
    status, headers, body = await asyncio.to_thread(_get, server.url("/overlay", "http"))
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "img-src data:" in headers["Content-Security-Policy"]
    assert b'src="/overlay/overlay.js"' in body
    status, headers, body = await asyncio.to_thread(_get, server.url("/overlay/overlay.js", "http"))
    assert status == 200 and b"new WebSocket" in body
    assert b"innerHTML" not in body and b"insertAdjacentHTML" not in body


@pytest.mark.slow
@pytest.mark.asyncio
async def test_chromium_shows_the_program_cards_pixel_for_pixel(program, tmp_path: Path) -> None:
    server, engine, renderer = program
    async with Chromium.launch(tmp_path / "profile", WIDTH, HEIGHT) as page:
        await _open(page, server)
        await page.evaluate("window.__loaded_once = true")
        assert (await page.screenshot())[:, :, 3].max() == 0, "the page is transparent"

        qa = renderer.render("qa", SAMPLES["qa"])
        engine.take("qa", qa)
        _assert_shows(await _on_screen(page, "qa"), qa)

        engine.clear("qa")
        assert (await _on_screen(page, ""))[:, :, 3].max() == 0, "nothing after a clear"

        # Animated in: once settled, the same pixels.
        lower = renderer.render("lower_third", SAMPLES["lower_third"])
        engine.take("lower_third", lower, enter=engine.transition("slide", 0.3),
                    leave=engine.transition("fade", 0.3))
        _assert_shows(await _on_screen(page, "lower_third"), lower)
        # An update swaps the image in place.
        renamed = renderer.render("lower_third", {**SAMPLES["lower_third"], "name": "王警官"})
        engine.update("lower_third", renamed)
        await page.wait_for(f"document.documentElement.dataset.messages === '{5}'")
        _assert_shows(await _on_screen(page, "lower_third"), renamed)
        engine.clear("lower_third")  # fades out
        assert (await _on_screen(page, ""))[:, :, 3].max() == 0

        # The ticker: the band stays, the text moves.
        ticker = renderer.render("ticker", SAMPLES["ticker"])
        engine.take("ticker", ticker)
        first = await _on_screen(page, "ticker")
        await asyncio.sleep(0.3)
        second = await page.screenshot()
        crawl = ticker.crawl
        assert crawl is not None
        view = (slice(ticker.y, ticker.y + ticker.size[1]),
                slice(ticker.x + crawl.x, ticker.x + crawl.x + crawl.width))
        label = (slice(ticker.y, ticker.y + ticker.size[1]), slice(ticker.x, ticker.x + crawl.x))
        assert not np.array_equal(first[view], second[view]), "the text scrolls"
        assert np.array_equal(first[label], second[label])
        assert np.abs(_premultiplied(second)[label] - ticker.rgba[:, :crawl.x].astype(int)).max() <= 1

        engine.panic()
        assert (await _on_screen(page, ""))[:, :, 3].max() == 0
        assert await page.evaluate("window.__loaded_once === true"), "the page never reloads"


@pytest.mark.slow
@pytest.mark.asyncio
async def test_a_late_page_gets_what_is_on_air_and_viewer_text_is_never_markup(
        program, tmp_path: Path) -> None:
    server, engine, renderer = program
    hostile = {"question": "<img src=x onerror=\"document.title='pwned'\"><script>alert(1)</script>",
               "viewer": "<b>杭**王</b>"}
    card = renderer.render("qa", hostile)
    engine.take("qa", card)  # before the page exists
    async with Chromium.launch(tmp_path / "profile", WIDTH, HEIGHT) as page:
        await _open(page, server)
        shot = await _on_screen(page, "qa")
        _assert_shows(shot, card)
        assert await page.evaluate("document.title") == "videohelp overlay"
        assert await page.evaluate("document.querySelectorAll('b, script:not([src])').length") == 0
        assert await page.evaluate("document.body.innerText.trim()") == ""
        assert await page.evaluate("document.querySelectorAll('#stage img').length") == 1


@pytest.mark.slow
@pytest.mark.asyncio
async def test_the_page_reconnects_by_itself_and_shows_nothing_while_cut_off(qapp, tmp_path: Path) -> None:
    renderer = CardRenderer(WIDTH, HEIGHT)
    engine = ProgramEngine(TestPatternSource(WIDTH, HEIGHT), fps=30)
    graphics = ProgramGraphics(engine, renderer)
    first = ConsoleServer("127.0.0.1", 0)
    graphics.install(first)
    await first.start()
    await graphics.start()
    port = first.port
    card = renderer.render("lower_third", SAMPLES["lower_third"])
    engine.take("lower_third", card)
    second = ConsoleServer("127.0.0.1", port)
    try:
        async with Chromium.launch(tmp_path / "profile", WIDTH, HEIGHT) as page:
            await _open(page, first)
            await page.evaluate("window.__loaded_once = true")
            _assert_shows(await _on_screen(page, "lower_third"), card)
            await first.stop()  # the console goes away
            await page.wait_for("document.documentElement.dataset.state === 'disconnected'")
            assert (await _on_screen(page, ""))[:, :, 3].max() == 0, "no stale card while cut off"
            graphics.install(second)  # and comes back on the same address
            await second.start()
            await page.wait_for("document.documentElement.dataset.state === 'connected'", timeout=20)
            _assert_shows(await _on_screen(page, "lower_third"), card)
            assert await page.evaluate("window.__loaded_once === true"), "reconnected, not reloaded"
    finally:
        await graphics.stop()
        await second.stop()
        await first.stop()
