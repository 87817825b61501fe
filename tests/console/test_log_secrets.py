"""Tokens never reach the log, not even with --verbose, where websockets logs every header."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest
from websockets.asyncio.client import connect

from videohelp.console.logsetup import setup_logging
from videohelp.core.server import ConsoleServer


@pytest.mark.asyncio
async def test_verbose_handshake_logs_carry_no_token(tmp_path: Path) -> None:
    log_file = tmp_path / "videohelp.log"
    handler = setup_logging(log_file, verbose=True)
    root = logging.getLogger()
    try:
        server = ConsoleServer("127.0.0.1", 0)

        async def hang_up(connection, principal) -> None:
            await connection.close()

        server.add_route("/seat", hang_up, authenticate=lambda request: "seat")
        await server.start()
        try:
            async with connect(server.url("/seat?token=url-secret-1234&since=3"),
                               additional_headers={"Authorization": "Bearer vhs_header-secret-5678"}
                               ) as ws:
                await asyncio.wait_for(ws.wait_closed(), 5)
        finally:
            await server.stop()
        handler.flush()
    finally:
        for each in list(root.handlers):
            if getattr(each, "_videohelp", False):
                root.removeHandler(each)
                each.close()
        root.setLevel(logging.WARNING)
    text = log_file.read_text(encoding="utf-8")
    assert "Authorization: Bearer ***" in text  # the header was logged, redacted
    assert "header-secret-5678" not in text and "url-secret-1234" not in text
    assert "since=3" in text
