"""Fixtures for the graphics tests: renderers at program sizes and a sample card of each template."""

from __future__ import annotations

import datetime as dt

import pytest
import pytest_asyncio

from videohelp.core.server import ConsoleServer
from videohelp.streaming.cards import CardRenderer
from videohelp.streaming.control import token_auth
from videohelp.streaming.graphics import ProgramGraphics
from videohelp.streaming.program import ProgramEngine
from videohelp.streaming.sources import TestPatternSource

# One valid card of every shipped template (used by several test modules).
SAMPLES: dict[str, dict] = {
    "lower_third": {"name": "张警官", "rank": "一级警长", "unit": "杭州市公安局交通警察支队"},
    "qa": {"question": "驾驶证丢了在外地能补办吗？需要带什么材料", "viewer": "杭**王",
           "answer": "可在全国任一车管所或交管12123补领，带身份证即可。", "item": "DL01"},
    "qr": {"url": "https://gab.122.gov.cn/", "caption": "扫码一键办理驾驶证补领"},
    "ticker": {"text": ["拒绝非法中介：驾驶证业务请通过交管12123或车管所窗口办理",
                        "谨防“包过”“代办”诈骗"], "level": "warning"},
    "clip_title": {"title": "驾驶证到期换证三步走", "subtitle": "线上办理 不用跑腿", "episode": "第12期"},
    "expert": {"name": "李警官", "role": "车管所民警", "question": "驾照快到期了怎么办",
               "answer": "驾驶证有效期满前90日内可申请换证，可以通过交管12123在线办理，新证邮寄到家。",
               "item": "DL01"},
    "clock": {"next_title": "交警视频帮·电动自行车专场", "next_time": "周三 19:00"},
}

FIXED_NOW = dt.datetime(2026, 11, 28, 19, 30, 15)


@pytest.fixture
def renderer(qapp) -> CardRenderer:
    return CardRenderer(1920, 1080, clock=lambda: FIXED_NOW)


@pytest.fixture
def small_renderer(qapp) -> CardRenderer:
    """640x360: fast for the program-engine tests."""
    return CardRenderer(640, 360, clock=lambda: FIXED_NOW)


CONTROL_TOKEN = "s3cret-control-token"


@pytest_asyncio.fixture
async def console(qapp):
    """A console's server with the program graphics and the control channel (CONTROL_TOKEN)."""
    renderer = CardRenderer(640, 360)
    engine = ProgramEngine(TestPatternSource(640, 360), fps=25)
    graphics = ProgramGraphics(engine, renderer)
    server = ConsoleServer("127.0.0.1", 0)
    graphics.install(server, control=token_auth(CONTROL_TOKEN))
    await server.start()
    await graphics.start()
    try:
        yield server, engine
    finally:
        await graphics.stop()
        await server.stop()
