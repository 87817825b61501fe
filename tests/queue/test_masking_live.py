"""The masking corpus through a real console: seats and the card on air never get the originals."""

from __future__ import annotations

import json

import pytest
import pytest_asyncio

from tests.queue.seat_support import recv, recv_until, request, start_console
from tests.queue.test_masking import CORPUS, compact

SECRETS = CORPUS["secrets"]


@pytest_asyncio.fixture
async def console(qapp, tmp_path):
    console = await start_console(tmp_path)
    yield console
    await console.stop()


@pytest.mark.asyncio
async def test_corpus_never_reaches_seats_cards_or_the_program(console) -> None:
    officer = await console.connect(console.add_seat("张警官", "officer"))
    presenter = await console.connect(console.add_seat("主持人", "presenter"))
    await recv(officer)
    await recv(presenter)
    stored = await console.submit(*(text for text, _ in SECRETS))
    assert len(stored) == len(SECRETS)
    events = []
    while sum(len(e["data"]["comments"]) for e in events) < len(SECRETS):
        event, _ = await recv_until(presenter, "event", "comment.added")
        events.append(event)
    seen = [c["text_masked"] for e in events for c in e["data"]["comments"]]
    for (text, secret), masked in zip(SECRETS, seen, strict=True):
        assert secret not in compact(masked), (text, masked)
        assert text not in json.dumps(events, ensure_ascii=False) or text == masked
    # Every one taken to air as a Q&A card: the program (and so the overlay) gets the masked text.
    for (text, secret), comment in zip(SECRETS[:8], stored[:8], strict=True):
        reply, _ = await request(officer, "take", rid=f"t{comment.id}", comment=comment.id)
        assert reply["type"] == "ok", reply
        card = console.program.on_air()["qa"]
        assert secret not in compact(json.dumps(card.data, ensure_ascii=False)), (text, card.data)
        on_air, _ = await recv_until(presenter, "event", "card.on_air")
        assert secret not in compact(json.dumps(on_air["data"], ensure_ascii=False))
    for ws in (officer, presenter):
        await ws.close()
