"""An expert seat sees the flagged question's 锦囊口袋 clips among its suggestions (over a real
connection); choosing one writes nothing into the answer."""

from __future__ import annotations

from tests.loop_support import spin_until
from tests.ui.test_expert_window import _flagged_question, console  # noqa: F401
from videohelp.assets import asset_path
from videohelp.console.pocket.library import ClipLibrary, ClipSpec
from videohelp.console.seat_client import SeatLink
from videohelp.core.knowledge import KnowledgeBase
from videohelp.ui.expert_window import ExpertWindow


def test_the_expert_sees_the_item_s_clips(console, qloop, qtbot, tmp_path) -> None:  # noqa: F811
    kb = KnowledgeBase.open(console.database)
    try:
        assert ClipLibrary(kb.store, tmp_path).add(
            [ClipSpec(asset_path("pocket", "dl03-renewal.mp4"), "驾驶证到期换证三步走", ("DL03",),
                      status="reviewed")], kb.catalog_store.codes(), actor="t").applied
    finally:
        kb.close()
    link = SeatLink(console.url(), console.add_seat("李专家", "expert"))
    window = ExpertWindow(link)
    qtbot.addWidget(window)
    window.show()
    link.start()
    spin_until(qloop, lambda: window.connection.text() == "Connected")
    _flagged_question(console, qloop)
    spin_until(qloop, lambda: window.model.rowCount() == 1)
    texts = [window.suggestions.item(row).text() for row in range(window.suggestions.count())]
    assert "▶ Explainer clip: 驾驶证到期换证三步走 (0:06)" in texts
    assert window.current_question()["clips"][0]["title"] == "驾驶证到期换证三步走"
    clip_row = window.suggestions.item(texts.index("▶ Explainer clip: 驾驶证到期换证三步走 (0:06)"))
    window.pick_suggestion(clip_row)
    assert window.editor.toPlainText() == ""
    qloop.run_until_complete(link.stop())
