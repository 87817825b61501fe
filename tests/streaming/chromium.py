"""Real headless Chromium driven over the DevTools protocol (CDP) with the websockets client.

Only what the overlay tests need: open a page at a fixed viewport with a
transparent default background, evaluate JavaScript, wait for a condition,
and take a PNG screenshot (with alpha).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
import json
import re
import shutil
import urllib.request
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import websockets

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--disable-default-apps", "--mute-audio",
         "--hide-scrollbars", "--remote-debugging-port=0", "--remote-debugging-address=127.0.0.1")
_LISTENING = re.compile(rb"DevTools listening on (ws://[^\s]+)")


class Chromium:
    """One headless browser with one page; use ``async with Chromium.launch(tmp) as page``."""

    def __init__(self, process: asyncio.subprocess.Process, socket: Any) -> None:
        self.process = process
        self.socket = socket
        self._ids = itertools.count(1)

    @classmethod
    @contextlib.asynccontextmanager
    async def launch(cls, profile: Path, width: int, height: int, timeout: float = 30.0,
                     extra_flags: tuple[str, ...] = ()):
        process = await asyncio.create_subprocess_exec(
            CHROMIUM, *FLAGS, *extra_flags, f"--user-data-dir={profile}", f"--window-size={width},{height}",
            "about:blank", stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
        try:
            browser_url = await asyncio.wait_for(cls._devtools_url(process), timeout)
            port = int(browser_url.split(":")[2].split("/")[0])
            targets = await asyncio.to_thread(_get_json, f"http://127.0.0.1:{port}/json/list")
            page_url = next(t["webSocketDebuggerUrl"] for t in targets if t["type"] == "page")
            async with websockets.connect(page_url, max_size=64 * 1024 * 1024,
                                          open_timeout=timeout) as socket:
                page = cls(process, socket)
                await page.call("Page.enable")
                await page.call("Emulation.setDeviceMetricsOverride", width=width, height=height,
                                deviceScaleFactor=1, mobile=False)
                await page.call("Emulation.setDefaultBackgroundColorOverride",
                                color={"r": 0, "g": 0, "b": 0, "a": 0})
                yield page
        finally:
            if process.returncode is None:
                process.terminate()
                try:
                    await asyncio.wait_for(process.wait(), 10)
                except TimeoutError:
                    process.kill()
                    await process.wait()

    @staticmethod
    async def _devtools_url(process: asyncio.subprocess.Process) -> str:
        assert process.stderr is not None
        while True:
            line = await process.stderr.readline()
            if not line:
                raise RuntimeError("chromium exited before opening DevTools")
            match = _LISTENING.search(line)
            if match:
                # Keep draining stderr so Chromium never blocks on a full pipe.
                asyncio.get_running_loop().create_task(_drain(process.stderr))
                return match.group(1).decode()

    async def call(self, method: str, timeout: float = 20.0, **params: Any) -> dict[str, Any]:
        ident = next(self._ids)
        await self.socket.send(json.dumps({"id": ident, "method": method, "params": params}))
        while True:
            message = json.loads(await asyncio.wait_for(self.socket.recv(), timeout))
            if message.get("id") == ident:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    async def navigate(self, url: str) -> None:
        await self.call("Page.navigate", url=url)

    async def evaluate(self, expression: str) -> Any:
        result = await self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    async def wait_for(self, expression: str, timeout: float = 15.0) -> Any:
        """Poll ``expression`` until it is truthy; return its value."""
        deadline = asyncio.get_running_loop().time() + timeout
        last = None
        while asyncio.get_running_loop().time() < deadline:
            with contextlib.suppress(RuntimeError):  # the page may be navigating
                last = await self.evaluate(expression)
                if last:
                    return last
            await asyncio.sleep(0.05)
        raise TimeoutError(f"{expression!r} still {last!r} after {timeout} s")

    async def screenshot(self) -> np.ndarray:
        """The page as an HxWx4 BGRA array (alpha kept: the page is transparent)."""
        result = await self.call("Page.captureScreenshot", format="png", fromSurface=True)
        data = np.frombuffer(base64.b64decode(result["data"]), np.uint8)
        image = cv2.imdecode(data, cv2.IMREAD_UNCHANGED)
        assert image is not None and image.shape[2] == 4, "screenshot without alpha"
        return image


def _get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read())


async def _drain(stream: asyncio.StreamReader) -> None:
    while await stream.read(65536):
        pass
