"""Each suggested answer says its item; answers of another item are said so (issue 16)."""

from __future__ import annotations

from pathlib import Path

from videohelp.core.knowledge import KnowledgeBase
from videohelp.queue.comments import State, StoredComment
from videohelp.ui.answer_panel import AnswerPanel

from .knowledge_support import open_service


def _comment(item: str) -> StoredComment:
    return StoredComment(id=1, platform="douyin", msg_id="m1", user_id="u1", user_name="观众",
                         user_name_masked="观众", text="驾照到期怎么换", text_masked="驾照到期怎么换",
                         ts_ms=0, received_ms=0, state=State.TRIAGED, is_question=True,
                         item=item, confidence=0.9)


def test_answers_show_their_item_and_another_items_answers_are_flagged(qtbot, tmp_path: Path
                                                                      ) -> None:
    kb = KnowledgeBase.open(tmp_path / "videohelp.db")
    service = open_service(qtbot, tmp_path / "videohelp.db")
    try:
        panel = AnswerPanel(service)
        qtbot.addWidget(panel)
        renewal = [e.id for e in kb.entries(item="DL03")][:2]
        lost = [e.id for e in kb.entries(item="DL06")][:1]
        panel.show_comment(_comment("DL03"), renewal)
        texts = [panel.suggestions.item(r).text() for r in range(panel.suggestions.count())]
        assert texts and all("DL03 驾驶证期满换证" in text for text in texts)
        assert panel.elsewhere.isHidden() and panel.elsewhere.text() == ""

        panel.show_comment(_comment("DL03"), renewal + lost)
        assert "DL06 驾驶证遗失补证" in panel.suggestions.item(2).text()
        assert not panel.elsewhere.isHidden()
        assert "DL06" in panel.elsewhere.text() and "DL03" not in panel.elsewhere.text()
    finally:
        service.close()
        kb.close()
