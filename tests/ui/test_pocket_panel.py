"""The desk's 锦囊口袋 panel: the shipped example clips suggested for the selected question's
item (thumbnail, title, duration), Chinese search, preview counted, a clip to program with
its countdown and the return."""

from __future__ import annotations

import pytest
from shiboken6 import isValid

from tests.console.test_pocket_air import _plays
from videohelp.console.session import SessionOptions, ShowSession
from videohelp.core.paths import data_paths
from videohelp.core.settings import Settings
from videohelp.queue.comments import StoredComment
from videohelp.ui.main_window import MainWindow


@pytest.fixture
def desk(qloop, qtbot, data_dir):
    settings = Settings()
    for name, value in (("program.width", 640), ("program.height", 360), ("program.fps", 25)):
        settings._values[name] = value
    session = ShowSession(data_paths(data_dir), settings, SessionOptions(actor="张警官",
                                                                        triage=False))
    window = MainWindow(session, show_personal=True)
    qtbot.addWidget(window)
    qloop.run_until_complete(session.start())
    assert qloop.run_until_complete(session.pocket.seed_examples()) == 3
    window.resize(1400, 900)
    window.show()
    yield window
    if isValid(window):
        window.close()
    qloop.run_until_complete(session.stop())


def _comment(item: str) -> StoredComment:
    return StoredComment.from_row({
        "id": 7, "platform": "douyin", "msg_id": "m7", "user_id": "u7", "user_name": "王",
        "user_name_masked": "王*", "text": "驾照快到期了怎么换", "text_masked": "驾照快到期了怎么换",
        "ts_ms": 0, "received_ms": 0, "state": "queued", "blocked": 0, "item": item})


def test_the_selected_question_s_clips_are_suggested_and_play_to_program(
        desk, qloop, run_until_signal, data_dir, tmp_path) -> None:
    panel = desk.pocket_panel
    desk._select(_comment("DL03"))
    qloop.run_until_complete(_settle(qloop, lambda: panel.list.count() == 1))
    entry = panel.list.item(0)
    assert "驾驶证到期换证三步走" in entry.text() and "0:06" in entry.text()
    assert not entry.icon().isNull()  # the thumbnail
    assert "驾驶证期满换证" in panel.heading.text()
    panel.search.setText("电瓶车")  # a tag of the e-bike clip, not in any title
    qloop.run_until_complete(_settle(qloop, lambda: panel.list.count() == 1
                                     and "电动自行车上牌" in panel.list.item(0).text()))
    previewed = []
    panel.previewRequested.disconnect()
    panel.previewRequested.connect(previewed.append)
    run_until_signal(desk.session.pocket.clipsChanged, panel.preview, timeout=5)
    assert previewed and previewed[0].endswith(".mp4")
    # One key: K plays the chosen clip.
    run_until_signal(desk.session.pocket.clipStarted, desk.actions_by_name["play_clip"].trigger,
                     timeout=5)
    run_until_signal(desk.session.pocket.clipTick, timeout=5)
    assert panel.countdown.text().startswith("On air: 电动自行车上牌一次办好 — 0:0")
    assert panel.stop_button.isEnabled()
    desk.grab().save(str(tmp_path / "desk-pocket.png"))
    (_clip, how) = run_until_signal(desk.session.pocket.clipFinished, timeout=10)
    assert how == "end" and panel.countdown.text() == "No clip on air"
    qloop.run_until_complete(_settle(qloop, lambda: len(_plays(data_dir)) == 2
                                     and _plays(data_dir)[1][4] == "end"))
    assert [p[0] for p in _plays(data_dir)] == ["preview", "air"]


async def _settle(qloop, predicate, timeout: float = 5.0) -> None:
    import asyncio
    import time

    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)
