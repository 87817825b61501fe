"""Memory stays bounded when the show's actions fall behind the questions (1,000,000 requests)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.queue.answering.support import ANSWERED_QUESTION, poll, prepare
from videohelp.core.settings import Settings
from videohelp.queue.answering import service as service_module
from videohelp.queue.answering.log import Fate
from videohelp.queue.answering.service import AnsweringService, Asked
from videohelp.queue.comments import StoredComment
from videohelp.queue.ingest import writer_from_settings
from videohelp.queue.pipeline import IngestPipeline

pytestmark = pytest.mark.asyncio


async def test_callers_wait_while_too_many_questions_wait_for_the_actions(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(service_module, "MAX_UNSETTLED", 2)
    paths = prepare(tmp_path / "data")
    released = asyncio.Event()
    acted: list[Fate] = []

    async def slow_act(fates: list[Fate]) -> list[StoredComment]:  # a writer far behind
        await released.wait()
        acted.extend(fates)
        return []

    pipeline = IngestPipeline(writer_from_settings(paths.database, Settings(None)))
    service = AnsweringService(paths.database, pipeline, act=slow_act)
    await pipeline.start()
    await service.start()
    try:
        for viewer in ("a", "b"):
            await service.ask(Asked(ANSWERED_QUESTION, "app", "ask", viewer))
        await poll(lambda: service._unsettled == 2)
        third = asyncio.ensure_future(service.ask(Asked(ANSWERED_QUESTION, "app", "ask", "c")))
        await asyncio.sleep(0.2)  # give it every chance to get through (it must not)
        assert not third.done() and service._unsettled == 2
        released.set()
        assert (await asyncio.wait_for(third, 10)).answered
        await service.wait_stored()
        assert len(acted) == 3 and service._unsettled == 0
    finally:
        released.set()
        await service.stop()
        await pipeline.stop()
