"""The published 点播检索 site in real headless Chromium, served from 127.0.0.1: search by a
colloquial word, a clip plays, no draft text anywhere, no request off the site's origin
unless a beacon is configured (then the beacon gets the play)."""

from __future__ import annotations

import asyncio
import base64
import functools
import json
import threading
from http.server import BaseHTTPRequestHandler, SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.console.pocket_support import good_clip
from tests.streaming.chromium import Chromium
from videohelp.assets import asset_path
from videohelp.console.pocket.air import EXAMPLES_SHEET
from videohelp.console.pocket.library import ClipLibrary, ClipSpec
from videohelp.console.pocket.publish import PublishError, publish
from videohelp.console.pocket.sheet import import_sheet
from videohelp.core.knowledge import KnowledgeBase

REVIEWED = ("DL03-001", "EB01-001")


class RecordingPage(Chromium):
    """A Chromium page that keeps the DevTools events it sees (requests, console)."""

    events: list[dict]

    async def call(self, method: str, timeout: float = 20.0, **params):
        if not hasattr(self, "events"):
            self.events = []
        ident = next(self._ids)
        await self.socket.send(json.dumps({"id": ident, "method": method, "params": params}))
        while True:
            message = json.loads(await asyncio.wait_for(self.socket.recv(), timeout))
            if "method" in message:
                self.events.append(message)
            if message.get("id") == ident:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    async def save_screenshot(self, path: Path) -> None:
        """A PNG of the page as shown (opaque; the helper's screenshot wants alpha)."""
        result = await self.call("Page.captureScreenshot", format="png", fromSurface=True)
        path.write_bytes(base64.b64decode(result["data"]))

    def requested(self) -> list[str]:
        return [e["params"]["request"]["url"] for e in self.events
                if e["method"] == "Network.requestWillBeSent"]


class Serve:
    """A static file server (and an optional beacon sink) on 127.0.0.1."""

    def __init__(self, root: Path | None = None) -> None:
        self.beacons: list[bytes] = []
        beacons = self.beacons
        if root is not None:
            handler = functools.partial(_Quiet, directory=str(root))
        else:
            class Beacon(BaseHTTPRequestHandler):
                def do_POST(self) -> None:
                    beacons.append(self.rfile.read(int(self.headers.get("Content-Length", 0))))
                    self.send_response(204)
                    self.end_headers()

                def log_message(self, *args) -> None:
                    pass
            handler = Beacon
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    data = tmp_path_factory.mktemp("pocket-data")
    kb = KnowledgeBase.open(data / "videohelp.sqlite3")
    library = ClipLibrary(kb.store, data)
    report = import_sheet(library, asset_path(*EXAMPLES_SHEET), kb.catalog_store.codes(),
                          actor="t", copy=True)
    assert report.applied and report.added == 3
    draft_clip = good_clip(data / "draft.mp4")
    assert library.add([ClipSpec(draft_clip, "未审核的草稿短片", ("DL03",))],
                       kb.catalog_store.codes(), actor="t").applied
    for entry_id in REVIEWED:
        kb.mark_reviewed(entry_id, "王警官")
    yield kb, library
    kb.close()


@pytest.fixture(scope="module")
def site(library, tmp_path_factory) -> Path:
    kb, lib = library
    out = tmp_path_factory.mktemp("site")
    result = publish(kb, lib, out)
    assert (result.items, result.clips) == (108, 3)
    assert any("未审核的草稿短片: not reviewed" in s for s in result.skipped)
    return out


def _texts(site: Path) -> str:
    return "\n".join(p.read_bytes().decode("utf-8", "replace") for p in site.rglob("*")
                     if p.is_file() and p.suffix in (".html", ".js", ".svg"))


def test_no_draft_text_is_ever_published(library, site) -> None:
    kb, lib = library
    text = _texts(site)
    drafts = [e for e in kb.entries() if e.status != "reviewed"]
    assert len(drafts) > 300
    # The catalog's names and synonyms are public (some match a viewer's wording).
    public = {w for item in kb.catalog_store.catalog().items.values()
              for w in (item.name_zh, *item.synonyms)}
    public |= {w for clip in lib.clips() if clip.reviewed for w in (clip.title, *clip.tags)}
    for entry in drafts:
        assert entry.short_answer not in text, entry.id
        assert entry.full_answer not in text, entry.id
        for question in set(entry.questions) - public:
            assert f'"{question}"' not in text, (entry.id, question)
    for entry_id in REVIEWED:
        assert kb.get(entry_id).short_answer in text
    assert "未审核的草稿短片" not in text
    assert len(list((site / "media").glob("*.mp4"))) == 3
    # No other origin is named by anything the page loads (links to 一键办理 are not loads).
    page = (site / "index.html").read_text(encoding="utf-8")
    assert "connect-src 'none'" in page and "http" not in page.split("<body>")[1]


def test_a_bad_beacon_is_refused(library, tmp_path) -> None:
    kb, lib = library
    with pytest.raises(PublishError, match="beacon"):
        publish(kb, lib, tmp_path / "x", beacon="javascript:alert(1)")


async def _visit(page: RecordingPage, origin: str, shot: Path | None) -> None:
    await page.call("Network.enable")
    await page.navigate(f"{origin}/index.html")
    await page.wait_for("document.querySelectorAll('main .item').length > 5")
    # 驾驶证 is the first class... the 机动车 list shows first; the search crosses classes.
    await page.evaluate("(() => { const q = document.getElementById('q'); q.value = '电驴';"
                        " q.dispatchEvent(new Event('input')); })()")
    first = await page.wait_for("document.querySelector('main .item') &&"
                                " document.querySelector('main .item').dataset.code")
    assert first == "EB01"
    await page.evaluate("document.querySelector('main .item').click()")
    await page.wait_for("document.querySelector('#detail video') !== null")
    assert "电动自行车登记上牌" in await page.evaluate("document.querySelector('#detail h2')"
                                                    ".textContent")
    await page.evaluate("(() => { const v = document.querySelector('#detail video');"
                        " v.muted = true; v.play(); })()")
    await page.wait_for("(() => { const v = document.querySelector('#detail video');"
                        " return v.ended || v.currentTime > 0.5; })()", timeout=20)
    answer = await page.evaluate("document.querySelector('#detail .answer').textContent")
    assert answer and "审核" not in answer  # the reviewed EB01-001 answer, not the placeholder
    if shot is not None:
        await page.evaluate("document.querySelector('#detail video').pause()")
        await asyncio.sleep(0.1)  # one frame painted after the pause
        await page.save_screenshot(shot)


@pytest.mark.asyncio
@pytest.mark.parametrize("width, height, name", [(390, 844, "phone"), (1280, 800, "desktop")])
async def test_the_site_in_chromium(site, tmp_path, width, height, name) -> None:
    server = Serve(site)
    try:
        async with RecordingPage.launch(tmp_path / "profile", width, height) as page:
            # The picture for a person to look at (docs/screenshots/pocket-*.png are such runs).
            shot = tmp_path / f"pocket-{name}.png"
            await _visit(page, server.origin, shot)
            urls = page.requested()
    finally:
        server.close()
    assert shot.stat().st_size > 10_000
    assert any(u.endswith(".mp4") for u in urls) and any(u.endswith("data.js") for u in urls)
    offsite = [u for u in urls if not u.startswith(server.origin + "/") and
               not u.startswith("data:")]
    assert offsite == []


@pytest.mark.asyncio
async def test_a_link_to_an_item_opens_it(site, tmp_path) -> None:
    """The 24-hour answers link an item's clips as SITE/#CODE (pocket/answer_clips.py)."""
    server = Serve(site)
    try:
        async with RecordingPage.launch(tmp_path / "profile", 390, 844) as page:
            await page.navigate(f"{server.origin}/index.html#EB01")
            await page.wait_for("document.querySelector('#detail video') !== null")
            title = await page.evaluate("document.querySelector('#detail h2').textContent")
    finally:
        server.close()
    assert "电动自行车登记上牌" in title


@pytest.mark.asyncio
async def test_a_configured_beacon_gets_the_play(library, tmp_path) -> None:
    kb, lib = library
    sink = Serve()
    site = tmp_path / "site"
    publish(kb, lib, site, beacon=f"{sink.origin}/count", sizes=(360,))
    server = Serve(site)
    try:
        async with RecordingPage.launch(tmp_path / "profile", 390, 844) as page:
            await _visit(page, server.origin, None)
            await page.wait_for("true")
            for _ in range(100):
                if sink.beacons:
                    break
                await asyncio.sleep(0.05)
            urls = page.requested()
    finally:
        server.close()
        sink.close()
    assert [json.loads(b)["item"] for b in sink.beacons] == ["EB01"]
    assert {u for u in urls if not u.startswith((server.origin + "/", "data:"))} == {
        f"{sink.origin}/count"}
