"""The knowledge view over a real knowledge base: browse, search, edit with history, review.

The view asks the knowledge service, whose answers arrive by signal: each step waits for
them (``settle``). The test's own ``kb`` is a second connection to the same file, for
reading what was stored.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from videohelp.assets import asset_path
from videohelp.console.knowledge_service import KnowledgeService
from videohelp.core.knowledge import KnowledgeBase
from videohelp.core.regulations import RegulationIndex
from videohelp.ui.knowledge_model import KnowledgeTableModel
from videohelp.ui.knowledge_view import KnowledgeDock, KnowledgeView

from .knowledge_support import open_service, settle

COL = {name: i for i, name in enumerate(KnowledgeTableModel.COLUMNS)}


@pytest.fixture
def kb(tmp_path: Path):
    kb = KnowledgeBase.open(tmp_path / "db.sqlite3",
                            RegulationIndex.load(asset_path("regulations")))
    yield kb
    kb.close()


@pytest.fixture
def service(qtbot, kb):
    service = open_service(qtbot, kb.store.path)
    yield service
    service.close()


@pytest.fixture
def view(qtbot, service):
    view = KnowledgeView(service, actor="编辑小王")
    qtbot.addWidget(view)
    view.resize(1400, 800)
    view.show()
    settle(qtbot, view)
    yield view
    view.shutdown()


def _shown(view: KnowledgeView, column: str) -> list:
    model = view.table.model()
    return [model.index(row, COL[column]).data() for row in range(model.rowCount())]


def test_tree_lists_classes_and_items_and_filters_the_table(view: KnowledgeView, kb, qtbot) -> None:
    tree = view.tree_model
    root = tree.index(0, 0)
    assert tree.rowCount(root) == 4
    assert [tree.index(i, 0, root).data().split(" ")[0] for i in range(4)] == [
        "机动车", "驾驶证", "电动自行车", "线上办"]
    assert sum(tree.rowCount(tree.index(i, 0, root)) for i in range(4)) == 108
    assert view.table.model().rowCount() == len(kb.entries())
    view.select_item("EB12")
    settle(qtbot, view)
    assert set(_shown(view, "item")) == {"EB12"}
    assert len(_shown(view, "item")) == len(kb.entries(item="EB12"))
    assert view.item_editor.item is not None and view.item_editor.item.code == "EB12"
    electric = tree.index(2, 0, root)
    view.tree.setCurrentIndex(electric)
    settle(qtbot, view)
    assert {code[:2] for code in _shown(view, "item")} == {"EB"}


def test_a_change_in_the_base_shows_in_the_view(view: KnowledgeView, kb, service, qtbot) -> None:
    view.select_item("DL03")
    settle(qtbot, view)
    entry = kb.entries(item="DL03")[0]
    row = view.model.row_of(entry.id)
    # A change through the service (another panel's, a console job's) reaches the view.
    service.call(lambda base: base.save(replace(entry, short_answer="有效期满前90日内可申请换证。"),
                                        actor="别的编辑"))
    qtbot.waitUntil(lambda: view.table.model().index(row, COL["short_answer"]).data()
                    == "有效期满前90日内可申请换证。", timeout=5000)
    assert view.table.model().index(row, COL["version"]).data() == entry.version + 1
    service.call(lambda base: base.mark_reviewed(entry.id, "王警官"))
    service.call(lambda base: base.record_on_air(entry.id))
    service.call(lambda base: base.record_on_air(entry.id))
    qtbot.waitUntil(lambda: view.table.model().index(row, COL["on_air"]).data() == 2, timeout=5000)
    assert view.table.model().index(row, COL["status"]).data() == "reviewed by 王警官"


def test_search_box_filters_by_chinese_words(view: KnowledgeView, kb, qtbot) -> None:
    for char in "电驴":  # as typed (QTest.keyClicks cannot type CJK characters)
        view.search.insert(char)
    settle(qtbot, view)
    shown = _shown(view, "id")
    assert shown and [e.id for e in kb.search("电驴")] == shown
    assert all(code.startswith("EB") for code in _shown(view, "item")[:5])
    view.search.setText("满分学习")  # three characters and more: the FTS path
    settle(qtbot, view)
    assert _shown(view, "id") == [e.id for e in kb.search("满分学习")]
    view.search.setText("没有这种问法呀")
    settle(qtbot, view)
    assert view.table.model().rowCount() == 0
    view.search.clear()
    settle(qtbot, view)
    assert view.table.model().rowCount() == len(kb.entries())


def test_edit_in_the_editor_saves_a_version_with_history(view: KnowledgeView, qtbot, kb) -> None:
    view.select_item("MV02")
    settle(qtbot, view)
    view.table.selectRow(0)
    entry = view.model.entry_at(0)
    editor = view.editor
    assert editor.entry == entry  # shown at once, from the table's row
    settle(qtbot, view)
    assert editor.history.rowCount() == 1  # then its history, read on the service's thread
    assert "第" in editor.source_text.toPlainText()  # the cited article's text is shown
    editor.short_answer.setText("长" * 61)
    assert editor.counter.text() == "61/60"
    assert editor.save() is None
    assert "at most 60" in editor.message.text()
    assert kb.get(entry.id) == entry  # nothing stored
    editor.short_answer.setText("过户带登记证书、行驶证和双方身份证明。")
    editor.change_note.setText("shorter for the card")
    with qtbot.waitSignal(editor.saved, timeout=5000):
        qtbot.keyClick(editor.short_answer, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    stored = kb.get(entry.id)
    assert stored.short_answer == "过户带登记证书、行驶证和双方身份证明。"
    assert stored.version == entry.version + 1
    assert editor.history.rowCount() == 2
    assert editor.history.item(0, 2).text() == "编辑小王"
    assert "short_answer" in editor.history.item(0, 4).text()
    settle(qtbot, view)
    row = view.model.row_of(entry.id)
    assert view.table.model().index(row, COL["short_answer"]).data() == stored.short_answer


def test_mark_reviewed_records_who(view: KnowledgeView, kb, qtbot) -> None:
    view.select_item("EB01")
    settle(qtbot, view)
    view.table.selectRow(0)
    entry = view.model.entry_at(0)
    settle(qtbot, view)
    view.editor.name.setText("")
    view.editor.review_button.click()
    qtbot.waitUntil(lambda: "reviewer" in view.editor.message.text(), timeout=5000)
    assert kb.get(entry.id).is_draft
    view.editor.name.setText("王警官")
    with qtbot.waitSignal(view.editor.saved, timeout=5000):
        view.editor.review_button.click()
    settle(qtbot, view)
    stored = kb.get(entry.id)
    assert (stored.status, stored.reviewed_by) == ("reviewed", "王警官")
    assert "王警官" in view.editor.state.text()
    row = view.model.row_of(entry.id)
    assert view.table.model().index(row, COL["status"]).data() == "reviewed by 王警官"
    assert view.editor.history.item(0, 3).text() == "approved"


def test_new_answer_for_the_selected_item(view: KnowledgeView, kb, qtbot) -> None:
    assert view.new_entry() is None  # no item selected
    view.select_item("OL19")
    settle(qtbot, view)
    before = len(kb.entries(item="OL19"))
    assert view.new_entry() is not None
    settle(qtbot, view)
    entry = view.editor.entry
    assert entry is not None and entry.item == "OL19" and entry.id == f"OL19-{before + 1:03d}"
    view.editor.questions.setPlainText("锦囊口袋在哪里看")
    view.editor.short_answer.setText("在交警视频帮客户端里打开锦囊口袋即可查看。")
    view.editor.full_answer.setPlainText("打开交警视频帮客户端，进入锦囊口袋。")
    view.editor.source_file.setCurrentText("道路交通安全法(2021-04-29).md")
    view.editor.source_article.setText("第五条")
    with qtbot.waitSignal(view.editor.saved, timeout=5000):
        view.editor.save_button.click()
    settle(qtbot, view)
    assert len(kb.entries(item="OL19")) == before + 1
    assert kb.get(entry.id).questions == ("锦囊口袋在哪里看",)
    assert view.model.row_of(entry.id) is not None
    assert f"({before + 1})" in view.tree_model.index_of_item("OL19").data()


def test_item_editor_saves_a_catalog_version(view: KnowledgeView, kb, qtbot) -> None:
    view.select_item("MV22")
    settle(qtbot, view)
    editor = view.item_editor
    editor.synonyms.setPlainText(editor.synonyms.toPlainText() + "\n绿皮小本本")
    editor.articles.setPlainText("机动车登记规定(2021-12-17).md | 第九百条")
    assert not editor.save()
    assert "第九百条" in editor.message.text()
    editor.articles.setPlainText("机动车登记规定(2021-12-17).md | 第七十二条")
    with qtbot.waitSignal(editor.saved, timeout=5000):
        assert editor.save()
    settle(qtbot, view)
    assert "绿皮小本本" in kb.catalog_store.item("MV22").synonyms
    assert kb.catalog_store.history("MV22")[-1].actor == "编辑小王"
    assert editor.history.rowCount() == 2
    view.search.setText("绿皮小本本")
    settle(qtbot, view)
    assert set(_shown(view, "item")) == {"MV22"}


def test_dock_shows_the_base_when_first_shown(qtbot, data_dir: Path) -> None:
    service = KnowledgeService(data_dir / "videohelp.sqlite3")
    dock = KnowledgeDock(service, actor="officer")
    qtbot.addWidget(dock)
    assert dock.view is None
    dock.show()
    qtbot.waitUntil(lambda: dock.view is not None, timeout=5000)
    settle(qtbot, dock.view)
    assert dock.view.table.model().rowCount() >= 300
    dock.shutdown()
    service.close()


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
    qtbot.waitUntil(lambda: desk.knowledge_dock.view is not None, timeout=5000)
    view = desk.knowledge_dock.view
    settle(qtbot, view)
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


def test_the_editor_tabs_name_themselves_in_a_tooltip_too(view: KnowledgeView, qapp) -> None:
    """A narrow dock elides the tab names ("A…", "Busi…"): the full name is in the tooltip,
    in the UI's language."""
    from videohelp.ui.i18n import current_language, set_language

    before = current_language(qapp)
    try:
        for language in ("en", "zh_CN"):
            set_language(qapp, language)
            view.retranslate()
            names = [view.tabs.tabText(i) for i in range(view.tabs.count())]
            assert [view.tabs.tabToolTip(i) for i in range(view.tabs.count())] == names
            assert all(names) and len(names) == 3
        assert names[0] == "答案"
    finally:
        set_language(qapp, before)
