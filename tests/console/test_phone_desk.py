"""The phone desk (/desk) in real headless Chromium against a real ``videohelp serve``.

The program is read back from a real nginx-rtmp stream: a card taken on the phone must be
in the decoded frames, and gone after a clear or a panic.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest
import pytest_asyncio
from websockets.asyncio.client import connect

from tests.queue.phone_support import HEIGHT, WIDTH, PhoneShow, card_difference, wait_frames
from tests.queue.seat_support import start_console
from tests.streaming import rtmp_server
from tests.streaming.chromium import Chromium
from videohelp.console.remote_show import DeskHttp
from videohelp.core import tls

nginx_rtmp = rtmp_server.nginx_rtmp  # the fixture
CARD = 6.0  # mean |difference| below the clock band when a card is up (measured ~20; none: < 1.5)


@pytest.fixture
def show(data_dir: Path, nginx_rtmp) -> Iterator[PhoneShow]:
    console = PhoneShow(data_dir, nginx_rtmp)
    try:
        yield console
    finally:
        console.stop()


@pytest_asyncio.fixture
async def phone(tmp_path: Path):
    async with Chromium.launch(tmp_path / "phone", 390, 844) as page:
        await page.call("Emulation.setDeviceMetricsOverride", width=390, height=844,
                        deviceScaleFactor=1, mobile=True)
        yield page


async def login(page: Chromium, show: PhoneShow, token: str) -> None:
    await page.navigate(show.url("/desk"))
    await page.wait_for("document.documentElement.dataset.state === 'login'")
    await page.evaluate(f"document.getElementById('token').value = {json.dumps(token)};"
                        "document.getElementById('login-form').requestSubmit(); true")


async def click(page: Chromium, selector: str) -> None:
    assert await page.evaluate(f"(() => {{ const e = document.querySelector({json.dumps(selector)});"
                               " if (!e || e.hidden) return false; e.click(); return true; })()"), selector


async def save(page: Chromium, name: str) -> np.ndarray:
    """A PNG screenshot of the page (kept in $VIDEOHELP_SCREENSHOTS when set, for the docs)."""
    result = await page.call("Page.captureScreenshot", format="png")
    data = base64.b64decode(result["data"])
    target = os.environ.get("VIDEOHELP_SCREENSHOTS")
    if target:
        (Path(target) / name).write_bytes(data)
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    assert image is not None
    return image


@pytest.mark.slow
@pytest.mark.asyncio
async def test_a_phone_takes_clears_and_panics_cards_that_reach_the_rtmp_stream(show, phone) -> None:
    token = show.add_seat("张警官", "officer")
    grabber = show.watch()
    await login(phone, show, token)
    await phone.wait_for("document.documentElement.dataset.state === 'live'")
    assert "张警官" in await phone.evaluate("document.getElementById('seat').textContent")
    await phone.wait_for("Number(document.documentElement.dataset.preview) >= 2")  # the preview runs
    assert await phone.evaluate("document.getElementById('preview').naturalWidth") == WIDTH

    # A comment arrives; viewer text is never markup.
    await show.comment("驾驶证快到期了，在外地可以换证吗？")
    await show.comment('<img src=x onerror="window.pwned=1">我的车<b>被扣</b>了', user="<script>x</script>")
    await phone.wait_for("document.getElementById('queue').textContent.includes('在外地可以换证吗')")
    await phone.wait_for("document.getElementById('queue').textContent.includes('<b>被扣</b>')")
    markup = "document.querySelectorAll('#queue img, #queue b, #queue script').length"
    assert await phone.evaluate(markup) == 0
    assert await phone.evaluate("window.pwned === undefined")

    baseline = await wait_frames(grabber, lambda frame: True)
    # Feature the question, file it under an item, pick a suggested answer, take the card.
    await phone.evaluate("[...document.querySelectorAll('#queue li')].find("
                         "li => li.textContent.includes('在外地可以换证吗')).click(); true")
    await phone.wait_for("!document.getElementById('f-body').hidden")
    await phone.wait_for("document.getElementById('f-refile').options.length > 5")
    item = await phone.evaluate("const s = document.getElementById('f-refile');"
                                "const items = window.videohelpDesk.catalog();"
                                # an item with a 一键办理 link (most have none since the
                                # knowledge-base audit emptied the home-page links)
                                "s.value = Object.keys(items).find(code => items[code].link);"
                                "s.dispatchEvent(new Event('change')); s.value")
    assert item
    await phone.wait_for(f"document.getElementById('f-item').textContent.includes('{item}')")
    # The knowledge base's answers for that item, with item, status and source; pick the first.
    await phone.wait_for("document.querySelectorAll('#f-suggestions li .src').length > 0")
    source = await phone.evaluate("document.querySelector('#f-suggestions li .src').textContent")
    assert item in source and ("已审核" in source or "草稿" in source), source
    await click(phone, "#f-suggestions li")
    assert await phone.evaluate("document.getElementById('f-answer').value.length > 5")
    await click(phone, "#take")
    await phone.wait_for("document.documentElement.dataset.onAir === 'qa'")
    await wait_frames(grabber, lambda frame: card_difference(frame, baseline) > CARD)
    await save(phone, "phone-desk.png")

    # Edit the answer on air: the card is updated in place.
    await phone.wait_for("document.getElementById('take').textContent === '更新上屏答案'")
    await phone.evaluate("document.getElementById('f-answer').value = '可以，全国通办。'; true")
    await click(phone, "#take")
    await phone.wait_for("document.getElementById('toast').textContent === '答案已更新'")
    await show.audited("张警官", ("update", "ok"))

    # Clear the layer from its chip: the stream goes back to the bare program.
    await click(phone, "#on-air button[data-layer='qa']")
    await phone.wait_for("document.documentElement.dataset.onAir === ''")
    await wait_frames(grabber, lambda frame: card_difference(frame, baseline) < CARD / 3)

    # The item's 一键办理 QR, the next question's card, then 全部下屏 takes everything off at once.
    await click(phone, "#qr")
    await phone.wait_for("document.documentElement.dataset.onAir === 'qr'")
    await phone.evaluate("[...document.querySelectorAll('#queue li')].find("
                         "li => li.textContent.includes('被扣')).click(); true")
    await phone.wait_for("document.getElementById('f-text').textContent.includes('被扣')")
    await click(phone, "#take")
    await phone.wait_for("document.documentElement.dataset.onAir === 'qa,qr'")
    await wait_frames(grabber, lambda frame: card_difference(frame, baseline) > CARD)
    await click(phone, "#panic")
    await phone.wait_for("document.documentElement.dataset.onAir === ''")
    await wait_frames(grabber, lambda frame: card_difference(frame, baseline) < CARD / 3)

    # Flag a question to the experts with a note.
    await show.comment("外地车牌在杭州限行吗？")
    await phone.wait_for("document.getElementById('queue').textContent.includes('限行')")
    await phone.evaluate("[...document.querySelectorAll('#queue li')].find("
                         "li => li.textContent.includes('限行')).click(); true")
    await phone.evaluate("document.getElementById('f-note').value = '请专家答：限行时段'; true")
    await click(phone, "#flag")
    await phone.wait_for("document.getElementById('f-state').textContent === '已提交专家'")
    await show.audited("张警官", ("flag", "ok"))


@pytest.mark.slow
@pytest.mark.asyncio
async def test_a_cut_socket_resumes_to_the_current_state_and_bad_tokens_are_refused(
        show, tmp_path: Path) -> None:
    officer = show.add_seat("张警官", "officer")
    presenter = show.add_seat("李主持", "presenter")
    expert = show.add_seat("王专家", "expert")
    producer = show.add_seat("赵导播", "producer")
    await show.comment("摩托车驾照怎么考？")
    async with Chromium.launch(tmp_path / "desktop", 1280, 800) as page:
        # A wrong token and an expert's token (no desk) are refused with a clear message.
        await login(page, show, "vhs_not-a-real-token")
        await page.wait_for("document.getElementById('login-error').textContent.includes('令牌无效')")
        assert await page.evaluate("localStorage.getItem('videohelp.desk.token')") is None
        await login(page, show, expert)
        await page.wait_for("document.getElementById('login-error').textContent.includes('令牌无效')")
        assert show.get("/desk/program.jpg", "vhs_wrong")[0] == 401
        assert show.get("/desk/program.jpg", expert)[0] == 401
        assert show.get("/desk/suggest?comment=1", None)[0] == 401
        status, body, headers = show.get("/desk/program.jpg", officer)
        assert status == 200 and headers["Content-Type"] == "image/jpeg"
        assert cv2.imdecode(np.frombuffer(body, np.uint8), cv2.IMREAD_COLOR).shape == (HEIGHT, WIDTH, 3)

        # A producer screens and may pull everything off air, but takes nothing on air.
        await login(page, show, producer)
        await page.wait_for("document.documentElement.dataset.state === 'live'")
        assert await page.evaluate("['take', 'qr'].every(id => document.getElementById(id).hidden)")
        assert not await page.evaluate("document.getElementById('panic').hidden")
        assert not await page.evaluate("document.getElementById('flag').hidden")
        await click(page, "#logout")
        await page.wait_for("document.documentElement.dataset.state === 'login'")

        await login(page, show, presenter)
        await page.wait_for("document.documentElement.dataset.state === 'live'")
        await page.wait_for("document.getElementById('queue').textContent.includes('摩托车驾照')")
        assert await page.evaluate("document.getElementById('f-refile').hidden")  # presenters don't triage

        # English on request (kept on the device), Chinese by default.
        assert await page.evaluate("document.getElementById('panic').textContent") == "全部下屏"
        await click(page, "#lang")
        await page.wait_for("document.getElementById('panic').textContent === 'CLEAR ALL'")
        assert await page.evaluate("document.documentElement.lang") == "en"
        assert "presenter" in await page.evaluate("document.getElementById('seat').textContent")
        assert await page.evaluate("document.getElementById('status').textContent") == "Online"
        await save(page, "phone-desk-en.png")
        await click(page, "#lang")
        await page.wait_for("document.getElementById('panic').textContent === '全部下屏'")

        # The token is kept: a reload logs in by itself.
        await page.navigate(show.url("/desk"))
        await page.wait_for("document.documentElement.dataset.state === 'live'")

        # Cut the socket and keep the page offline while the show moves on.
        await page.call("Network.enable")
        await page.call("Network.emulateNetworkConditions", offline=True, latency=0,
                        downloadThroughput=-1, uploadThroughput=-1)
        await page.evaluate("window.videohelpDesk.drop(); true")
        await page.wait_for("document.documentElement.dataset.state === 'reconnecting'")
        assert not await page.evaluate("document.getElementById('stale').hidden")
        await show.comment("新车上牌需要什么材料？")
        async with connect(show.url("/seat").replace("http", "ws"),
                           additional_headers={"Authorization": f"Bearer {officer}"},
                           open_timeout=5, close_timeout=2) as seat:
            snapshot = json.loads(await seat.recv())
            newest = max(c["id"] for c in snapshot["comments"])
            await seat.send(json.dumps({"type": "take", "rid": "t", "comment": newest}))
            while (reply := json.loads(await seat.recv()))["type"] not in ("ok", "error"):
                pass
            assert reply["type"] == "ok", reply
        await page.call("Network.emulateNetworkConditions", offline=False, latency=0,
                        downloadThroughput=-1, uploadThroughput=-1)
        await page.wait_for("document.documentElement.dataset.state === 'live'", timeout=20)
        shown = int(await page.evaluate("document.documentElement.dataset.preview"))
        await page.wait_for(f"Number(document.documentElement.dataset.preview) > {shown + 2}")
        await page.wait_for("document.getElementById('queue').textContent.includes('新车上牌')")
        await page.wait_for("document.documentElement.dataset.onAir === 'qa'")
        await page.evaluate("[...document.querySelectorAll('#queue li')].find("
                            "li => li.textContent.includes('新车上牌')).click(); true")
        await page.wait_for("document.getElementById('take').textContent.includes('更新')")
        await save(page, "phone-desk-wide.png")

        # Revoking the seat logs the page out within a registry poll.
        show.revoke("李主持")
        await page.wait_for("document.documentElement.dataset.state === 'login'", timeout=10)
        assert "撤销" in await page.evaluate("document.getElementById('login-error').textContent")
        assert show.get("/desk/program.jpg", presenter)[0] == 401



@pytest.mark.slow
@pytest.mark.asyncio
async def test_off_loopback_the_page_needs_tls_and_works_over_it(qapp, tmp_path: Path) -> None:
    cert, key = tls.generate_certificate(tmp_path / "tls", ["127.0.0.1"])
    for name in ("secure", "plain"):
        (tmp_path / name).mkdir()
    secure = await start_console(tmp_path / "secure", ssl_context=tls.server_context(cert, key))
    plain = await start_console(tmp_path / "plain")
    secure.program.start()
    try:
        token = secure.add_seat("张警官", "officer")
        plain_token = plain.add_seat("张警官", "officer")
        # Other clients (the remote desk) reach the endpoints with the seat's pin.
        pinned = await tls.client_context("127.0.0.1", secure.server.port, tls.fingerprint_file(cert))
        http = DeskHttp(secure.url(), token, pinned)
        assert "DL03" in await asyncio.to_thread(http.catalog)
        jpeg = await asyncio.to_thread(http.program_jpeg)
        assert cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR) is not None
        flags = ("--ignore-certificate-errors", "--host-resolver-rules=MAP desk.test 127.0.0.1")
        async with Chromium.launch(tmp_path / "profile", 390, 844, extra_flags=flags) as page:
            # A host name that is not loopback, over plain http: the token is not sent.
            await page.navigate(f"http://desk.test:{plain.server.port}/desk")
            await page.wait_for("document.documentElement.dataset.state === 'login'")
            await page.evaluate(f"document.getElementById('token').value = {json.dumps(plain_token)};"
                                "document.getElementById('login-form').requestSubmit(); true")
            await page.wait_for("document.getElementById('login-error').textContent.includes('https')")
            assert plain.hub.online == {}
            # Over https (wss for the socket) the same page works.
            await page.navigate(f"https://desk.test:{secure.server.port}/desk")
            await page.wait_for("document.documentElement.dataset.state === 'login'")
            await page.evaluate(f"document.getElementById('token').value = {json.dumps(token)};"
                                "document.getElementById('login-form').requestSubmit(); true")
            await page.wait_for("document.documentElement.dataset.state === 'live'")
            await page.wait_for("Number(document.documentElement.dataset.preview) >= 1")
            assert secure.hub.online == {"张警官": "officer"}
    finally:
        secure.program.stop()
        await secure.stop()
        await plain.stop()
