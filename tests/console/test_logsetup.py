"""The log keeps what matters: websockets' per-request lines stay out unless --verbose.

At the answering service's hundreds of requests a second, two INFO lines each rotated the
whole log (and any warning in it) away in minutes.
"""

from __future__ import annotations

import asyncio
import logging
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from videohelp.console.logsetup import setup_logging
from videohelp.core.server import ConsoleServer


def _drop_handlers() -> None:
    root = logging.getLogger()
    for each in list(root.handlers):
        if getattr(each, "_videohelp", False):
            root.removeHandler(each)
            each.close()
    root.setLevel(logging.WARNING)
    logging.getLogger("websockets").setLevel(logging.NOTSET)


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.mark.asyncio
@pytest.mark.parametrize("verbose", [False, True])
async def test_http_requests_leave_no_websockets_lines_unless_verbose(tmp_path: Path,
                                                                     verbose: bool) -> None:
    log_file = tmp_path / "videohelp.log"
    handler = setup_logging(log_file, verbose=verbose)
    try:
        server = ConsoleServer("127.0.0.1", 0)
        await server.start()
        try:
            url = server.url("/nothing-here").replace("ws://", "http://", 1)
            statuses = [await asyncio.to_thread(_get, url)
                        for _ in range(3)]
        finally:
            await server.stop()
        logging.getLogger("websockets.server").warning("a websockets warning")
        logging.getLogger("videohelp.test").info("the console's own line")
        handler.flush()
    finally:
        _drop_handlers()
    assert statuses == [404] * 3
    text = log_file.read_text(encoding="utf-8")
    assert "a websockets warning" in text and "the console's own line" in text
    assert ("HTTP response sent" in text) is verbose
