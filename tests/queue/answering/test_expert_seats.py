"""On a headless console (``serve``), a question passed on reaches the expert seats live."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from tests.queue.answering.support import DRAFT_ITEM, DRAFT_QUESTION, prepare, request
from tests.queue.seat_support import recv, recv_until, start_console
from videohelp.console.answer_actions import answer_actions
from videohelp.core.settings import Settings
from videohelp.queue.answering.clients import FILE_NAME, ClientRegistry, add_client
from videohelp.queue.answering.install import install_answers

pytestmark = pytest.mark.asyncio


async def test_a_passed_on_question_is_flagged_to_connected_experts(tmp_path: Path) -> None:
    paths = prepare(tmp_path)  # the console below uses tmp_path/videohelp.sqlite3 too
    console = await start_console(tmp_path)
    token = add_client(paths.root / FILE_NAME, "app")
    hook = install_answers(console.server, console.pipeline, paths, Settings(None),
                           act=answer_actions(console.actions),
                           clients=ClientRegistry(paths.root / FILE_NAME))
    assert hook is not None
    await hook.start()
    expert = await console.connect(console.add_seat("李专家", "expert"))
    try:
        await recv(expert)
        body = json.dumps({"question": DRAFT_QUESTION + " 我手机13812345678"}, ensure_ascii=False)
        reply = await asyncio.to_thread(
            request, console.server.port, "POST", "/api/v1/ask", body,
            {"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        assert reply.status == 200 and reply.json()["answered"] is False
        flagged, _ = await recv_until(expert, "event", "question.flagged", timeout=10)
        question = flagged["data"]["question"]
        assert question["item"] == DRAFT_ITEM and question["flagged_by"] == "auto-answer"
        assert "13812345678" not in json.dumps(flagged, ensure_ascii=False)
    finally:
        await expert.close()
        await hook.stop()
        await console.stop()
