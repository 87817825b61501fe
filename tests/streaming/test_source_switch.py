"""The program's source switcher behind the ``source`` action: cuts, refusals, WHIP kept open."""

from __future__ import annotations

import asyncio

import pytest

from videohelp.streaming.program import ProgramEngine
from videohelp.streaming.program_outputs import ProgramOutputs, settings_for
from videohelp.streaming.source_switch import ProgramSource, describe, source_name
from videohelp.streaming.sources import SourceError, TestPatternSource


class Tracked(TestPatternSource):
    closed = False

    def close(self) -> None:
        self.closed = True


@pytest.fixture
def switcher(qapp):
    engine = ProgramEngine(TestPatternSource(320, 180), fps=10)
    outputs = ProgramOutputs(engine, settings_for(320, 180, 10))
    yield ProgramSource(outputs, 320, 180, 10)
    outputs.stop_all()


def test_sources_are_shown_without_keys_or_folders() -> None:
    assert describe("rtmp://live.example.com/app/SECRET-KEY?auth=1").shown \
        == "rtmp://live.example.com/app/***"
    assert describe("file:/srv/clips/a.mp4").shown == "file:a.mp4"
    assert describe("/srv/clips/b.mov").kind == "file"
    assert describe("clip:/srv/c.mp4").kind == "clip" and source_name("clip:/srv/c.mp4") == "c.mp4"
    assert (describe("camera:0").kind, describe("WHIP").kind, describe("test:X").kind) == (
        "camera", "whip", "test")


def test_a_cut_closes_the_old_source_and_a_bad_one_changes_nothing(switcher, tmp_path) -> None:
    engine = switcher.outputs.engine
    first = asyncio.run(switcher.switch("test:ONE"))
    assert first.kind == "test" and engine.source.label == "ONE"
    one = engine.source
    with pytest.raises(SourceError, match="no such video file"):
        asyncio.run(switcher.switch(f"file:{tmp_path / 'none.mp4'}"))
    not_video = tmp_path / "notes.mp4"
    not_video.write_text("not a video", encoding="utf-8")
    with pytest.raises(SourceError):
        asyncio.run(switcher.switch(f"file:{not_video}"))
    assert engine.source is one and switcher.current.spec == "test:ONE"


def test_whip_stays_open_when_the_program_cuts_away(switcher) -> None:
    with pytest.raises(SourceError, match="no WHIP source"):
        asyncio.run(switcher.switch("whip"))
    phone = Tracked(320, 180, "PHONE")
    switcher.whip = phone
    asyncio.run(switcher.switch("whip"))
    assert switcher.outputs.engine.source is phone and switcher.current.kind == "whip"
    asyncio.run(switcher.switch("test"))
    assert not phone.closed  # the phone stays connected, ready to cut back to
    asyncio.run(switcher.switch("whip"))
    assert switcher.outputs.engine.source is phone
    switcher.close()
    assert not phone.closed  # its owner (the WHIP endpoint) closes it
