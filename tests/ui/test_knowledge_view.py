"""The knowledge view over a real knowledge base: browse, search, edit with history, review."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from videohelp.assets import asset_path
from videohelp.core.knowledge import KnowledgeBase
from videohelp.core.regulations import RegulationIndex
from videohelp.ui.knowledge_model import KnowledgeTableModel
from videohelp.ui.knowledge_view import KnowledgeDock, KnowledgeView

COL = {name: i for i, name in enumerate(KnowledgeTableModel.COLUMNS)}


@pytest.fixture
def kb(tmp_path: Path):
    kb = KnowledgeBase.open(tmp_path / "db.sqlite3",
                            RegulationIndex.load(asset_path("regulations")))
    yield kb
    kb.close()


@pytest.fixture
def view(qtbot, kb):
    view = KnowledgeView(kb, actor="编辑小王")
    qtbot.addWidget(view)
    view.resize(1400, 800)
    view.show()
    yield view
    view.shutdown()


def _shown(view: KnowledgeView, column: str) -> list:
    model = view.table.model()
    return [model.index(row, COL[column]).data() for row in range(model.rowCount())]


def test_tree_lists_classes_and_items_and_filters_the_table(view: KnowledgeView, kb) -> None:
    tree = view.tree_model
    root = tree.index(0, 0)
    assert tree.rowCount(root) == 4
    assert [tree.index(i, 0, root).data().split(" ")[0] for i in range(4)] == [
        "机动车", "驾驶证", "电动自行车", "线上办"]
    assert sum(tree.rowCount(tree.index(i, 0, root)) for i in range(4)) == 108
    assert view.table.model().rowCount() == len(kb.entries())
    view.select_item("EB12")
    assert set(_shown(view, "item")) == {"EB12"}
    assert len(_shown(view, "item")) == len(kb.entries(item="EB12"))
    assert view.item_editor.item is not None and view.item_editor.item.code == "EB12"
    electric = tree.index(2, 0, root)
    view.tree.setCurrentIndex(electric)
    assert {code[:2] for code in _shown(view, "item")} == {"EB"}


def test_a_change_in_the_base_shows_in_the_view(view: KnowledgeView, kb) -> None:
    view.select_item("DL03")
    entry = kb.entries(item="DL03")[0]
    row = view.model.row_of(entry.id)
    kb.save(replace(entry, short_answer="有效期满前90日内可申请换证。"), actor="别的编辑")
    assert view.table.model().index(row, COL["short_answer"]).data() == "有效期满前90日内可申请换证。"
    assert view.table.model().index(row, COL["version"]).data() == entry.version + 1
    kb.mark_reviewed(entry.id, "王警官")
    kb.record_on_air(entry.id)
    kb.record_on_air(entry.id)
    assert view.table.model().index(row, COL["status"]).data() == "reviewed by 王警官"
    assert view.table.model().index(row, COL["on_air"]).data() == 2


def test_search_box_filters_by_chinese_words(view: KnowledgeView, kb) -> None:
    for char in "电驴":  # as typed (QTest.keyClicks cannot type CJK characters)
        view.search.insert(char)
    shown = _shown(view, "id")
    assert shown and [e.id for e in kb.search("电驴")] == shown
    assert all(code.startswith("EB") for code in _shown(view, "item")[:5])
    view.search.setText("满分学习")  # three characters and more: the FTS path
    assert _shown(view, "id") == [e.id for e in kb.search("满分学习")]
    view.search.setText("没有这种问法呀")
    assert view.table.model().rowCount() == 0
    view.search.clear()
    assert view.table.model().rowCount() == len(kb.entries())


def test_edit_in_the_editor_saves_a_version_with_history(view: KnowledgeView, qtbot, kb) -> None:
    view.select_item("MV02")
    view.table.selectRow(0)
    entry = view.model.entry_at(0)
    editor = view.editor
    assert editor.entry == entry
    assert "第" in editor.source_text.toPlainText()  # the cited article's text is shown
    editor.short_answer.setText("长" * 61)
    assert editor.counter.text() == "61/60"
    assert editor.save() is None
    assert "at most 60" in editor.message.text()
    assert kb.get(entry.id) == entry  # nothing stored
    editor.short_answer.setText("过户带登记证书、行驶证和双方身份证明。")
    editor.change_note.setText("shorter for the card")
    qtbot.keyClick(editor.short_answer, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    stored = kb.get(entry.id)
    assert stored.short_answer == "过户带登记证书、行驶证和双方身份证明。"
    assert stored.version == entry.version + 1
    assert editor.history.rowCount() == 2
    assert editor.history.item(0, 2).text() == "编辑小王"
    assert "short_answer" in editor.history.item(0, 4).text()
    row = view.model.row_of(entry.id)
    assert view.table.model().index(row, COL["short_answer"]).data() == stored.short_answer


def test_mark_reviewed_records_who(view: KnowledgeView, kb) -> None:
    view.select_item("EB01")
    view.table.selectRow(0)
    entry = view.model.entry_at(0)
    view.editor.name.setText("")
    view.editor.review_button.click()
    assert "reviewer" in view.editor.message.text()
    assert kb.get(entry.id).is_draft
    view.editor.name.setText("王警官")
    view.editor.review_button.click()
    stored = kb.get(entry.id)
    assert (stored.status, stored.reviewed_by) == ("reviewed", "王警官")
    assert "王警官" in view.editor.state.text()
    row = view.model.row_of(entry.id)
    assert view.table.model().index(row, COL["status"]).data() == "reviewed by 王警官"
    assert view.editor.history.item(0, 3).text() == "approved"


def test_new_answer_for_the_selected_item(view: KnowledgeView, kb) -> None:
    assert view.new_entry() is None  # no item selected
    view.select_item("OL19")
    before = len(kb.entries(item="OL19"))
    entry = view.new_entry()
    assert entry is not None and entry.item == "OL19"
    view.editor.questions.setPlainText("锦囊口袋在哪里看")
    view.editor.short_answer.setText("在交警视频帮客户端里打开锦囊口袋即可查看。")
    view.editor.full_answer.setPlainText("打开交警视频帮客户端，进入锦囊口袋。")
    view.editor.source_file.setCurrentText("道路交通安全法(2021-04-29).md")
    view.editor.source_article.setText("第五条")
    view.editor.save_button.click()
    assert len(kb.entries(item="OL19")) == before + 1
    assert kb.get(entry.id).questions == ("锦囊口袋在哪里看",)
    assert view.model.row_of(entry.id) is not None
    assert f"({before + 1})" in view.tree_model.index_of_item("OL19").data()


def test_item_editor_saves_a_catalog_version(view: KnowledgeView, kb) -> None:
    view.select_item("MV22")
    editor = view.item_editor
    editor.synonyms.setPlainText(editor.synonyms.toPlainText() + "\n绿皮小本本")
    editor.articles.setPlainText("机动车登记规定(2021-12-17).md | 第九百条")
    assert not editor.save()
    assert "第九百条" in editor.message.text()
    editor.articles.setPlainText("机动车登记规定(2021-12-17).md | 第七十二条")
    assert editor.save()
    assert "绿皮小本本" in kb.catalog_store.item("MV22").synonyms
    assert kb.catalog_store.history("MV22")[-1].actor == "编辑小王"
    assert editor.history.rowCount() == 2
    view.search.setText("绿皮小本本")
    assert set(_shown(view, "item")) == {"MV22"}


def test_dock_opens_the_base_when_first_shown(qtbot, data_dir: Path) -> None:
    dock = KnowledgeDock(data_dir / "videohelp.sqlite3", actor="officer")
    qtbot.addWidget(dock)
    assert dock.view is None
    dock.show()
    qtbot.waitUntil(lambda: dock.view is not None, timeout=3000)
    assert dock.view.table.model().rowCount() >= 300
    dock.shutdown()


@pytest.fixture
def desk(qloop, qtbot, data_dir):
    from videohelp.console.session import SessionOptions, ShowSession
    from videohelp.core.paths import data_paths
    from videohelp.core.settings import Settings
    from videohelp.ui.main_window import MainWindow

    settings = Settings()
    for name, value in (("program.width", 640), ("program.height", 360), ("program.fps", 25)):
        settings.set(name, value)
    session = ShowSession(data_paths(data_dir), settings, SessionOptions(actor="officer"))
    qloop.run_until_complete(session.start())
    window = MainWindow(session, show_personal=True)
    qtbot.addWidget(window)
    window.show()
    yield window
    window.close()
    qloop.run_until_complete(session.stop())


def test_desk_opens_the_knowledge_dock_with_f3_and_typing_there_takes_nothing(desk, qtbot) -> None:
    assert desk.knowledge_dock.isHidden() and desk.knowledge_dock.view is None
    qtbot.keyClick(desk, Qt.Key.Key_F3)
    qtbot.waitUntil(lambda: desk.knowledge_dock.view is not None, timeout=3000)
    view = desk.knowledge_dock.view
    assert view.table.model().rowCount() >= 300
    assert view.editor.name.text() == "officer"
    acted: list[bool] = []
    desk.operatorActed.connect(lambda: acted.append(True))
    view.search.setFocus()
    qtbot.waitUntil(view.search.hasFocus, timeout=1000)
    qtbot.keyClick(view.search, Qt.Key.Key_Return)
    qtbot.keyClick(view.search, Qt.Key.Key_Escape)
    assert acted == []  # Return and Escape stayed in the search box
    qtbot.keyClick(view.search, Qt.Key.Key_F12)
    assert acted == [True]  # clear-all works from anywhere
