"""The /ask chat page in real headless Chromium at a phone's size, against the real server."""

from __future__ import annotations

import base64
from pathlib import Path

import cv2
import numpy as np
import pytest

from tests.queue.answering.support import ANSWERED_QUESTION, DRAFT_QUESTION, prepare, running_service
from tests.streaming.chromium import Chromium

pytestmark = pytest.mark.asyncio

XSS = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script><b>粗体</b>驾照怎么换'


async def test_the_chat_page_answers_with_source_and_button_and_never_runs_viewer_html(
        tmp_path: Path) -> None:
    paths = prepare(tmp_path / "data")
    def clips(item: str) -> list[dict]:
        return [{"title": "换证三步走", "url": "https://video.example.cn/clip/1"},
                {"title": "恶意链接", "url": "javascript:window.__xss=3"}] if item == "DL03" else []

    async with running_service(paths, clips=clips) as svc, \
            Chromium.launch(tmp_path / "profile", 390, 844) as page:
        base = f"http://127.0.0.1:{svc.port}"
        await page.navigate(f"{base}/ask#token={svc.token}&viewer=viewer-1")
        await page.wait_for("document.readyState === 'complete' && !!document.getElementById('q')")

        async def ask(text: str, answers: int) -> None:
            await page.evaluate(f"document.getElementById('q').value = {text!r};"
                                "document.getElementById('send').click(); true")
            await page.wait_for(f"document.querySelectorAll('main .bot').length >= {answers}")

        await ask(ANSWERED_QUESTION, 2)
        answer = await page.evaluate(
            "(() => { const a = document.querySelector('.answer'); return a && {"
            " short: a.querySelector('.short').textContent,"
            " source: a.querySelector('.source').textContent,"
            " item: a.querySelector('.item').textContent,"
            " button: a.querySelector('a.act').textContent,"
            " href: a.querySelector('a.act').href}; })()")
        assert answer["short"] and answer["source"].startswith("依据：《")
        assert answer["button"] == "一键办理" and answer["href"].startswith("https://")
        assert "驾驶证" in answer["item"]
        links = await page.evaluate("[...document.querySelectorAll('.answer .clips a')]"
                                    ".map(a => [a.textContent, a.href])")
        assert links == [["▶ 换证三步走", "https://video.example.cn/clip/1"]]  # no javascript:

        await ask(DRAFT_QUESTION, 3)
        assert "转给演播室" in await page.evaluate("document.querySelectorAll('main .bot')[2]"
                                                  ".textContent")
        await ask(XSS, 4)
        mine = await page.evaluate("[...document.querySelectorAll('.me')].map(e => e.textContent)")
        assert mine[-1] == XSS  # shown as typed, as text
        assert await page.evaluate("typeof window.__xss") == "undefined"
        assert await page.evaluate("document.querySelectorAll('main img, main script, main b')"
                                   ".length") == 0
        # Nothing loaded from anywhere but this server.
        resources = await page.evaluate(
            "performance.getEntriesByType('resource').map(e => e.name)")
        assert resources and all(url.startswith(base) for url in resources)
        # Fits a phone: nothing wider than the viewport.
        assert await page.evaluate("document.documentElement.scrollWidth") <= 390
        result = await page.call("Page.captureScreenshot", format="png")
        shot = cv2.imdecode(np.frombuffer(base64.b64decode(result["data"]), np.uint8),
                            cv2.IMREAD_COLOR)
        assert shot.shape[:2] == (844, 390)
        assert shot.std() > 20  # a drawn page, not a blank one
        cv2.imwrite(str(tmp_path / "ask-phone.png"), shot)
        await svc.hook.service.wait_stored()
        stored = [row[0] for row in svc.rows("SELECT text FROM comments ORDER BY id")]
        assert stored[-1] == XSS  # stored as the viewer typed it (the desk shows it as text)
