"""Switching the language while the desk runs re-words every panel at once and keeps its state.

The desk is built as it runs (main window, expert group dock on the session's
own /seat server, a remote expert's window over loopback, the knowledge base
opened), each panel is put in a state (a question with its answers chosen and
edited, a knowledge entry being edited, an expert answer being edited, ...),
and then the language goes zh_CN and back. A panel that keeps one text of the
language it was left in fails the test.
"""

from __future__ import annotations

import asyncio
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from tests.console.reports.builder import build_history, write
from tests.loop_support import spin_until
from tests.ui.desk_support import desk_with_expert_dock
from videohelp.console.reports.job import report_jobs
from videohelp.console.seat_client import SeatLink
from videohelp.core import seats
from videohelp.core.store import Store
from videohelp.queue.comments import IncomingComment
from videohelp.ui.expert_window import ExpertWindow
from videohelp.ui.i18n import set_language
from videohelp.ui.knowledge_model import CODE_ROLE
from videohelp.ui.main_window import MainWindow
from videohelp.ui.report_view import ReportDialog

from .knowledge_support import open_dock, settle
from .language_support import Phrases, ui_texts

EDITED_ANSWER = "驾驶证到期可在交管12123上办理换证（主持人改）"
EDITED_EXPERT = "可在交管12123申请新能源号牌（专家答案，已改）"


@pytest.fixture(scope="module")
def phrases() -> Phrases:
    return Phrases()


@pytest.fixture
def english(qapp):
    assert set_language(qapp, "en")
    yield qapp
    set_language(qapp, "en")


@pytest.fixture
def desk(english, qloop, qtbot, data_dir):
    with desk_with_expert_dock(qloop, qtbot, data_dir, triage=False) as desk_and_dock:
        yield desk_and_dock
    qloop.run_until_complete(asyncio.sleep(0.05))  # let the server's connection handlers finish


def _comments(qloop, window: MainWindow, *texts: str) -> list:
    session = window.session
    qloop.run_until_complete(session.pipeline.submit(
        [IncomingComment("app", f"k{i}", f"u{i}", f"观众{i}", text, 1_700_000_000_000 + i)
         for i, text in enumerate(texts)]))
    spin_until(qloop, lambda: window.model.rowCount() == len(texts))
    return [window.model.comment_at(row) for row in reversed(range(len(texts)))]


def _select(window: MainWindow, comment_id: int) -> None:
    window.table.selectRow(window.model.row_of(comment_id))
    assert window.selected_comment().id == comment_id


def _state(window: MainWindow, dock, expert: ExpertWindow) -> dict:
    """What the operators were doing, which a language change must leave alone."""
    view = window.knowledge_dock.view
    selected = view.table.selectionModel().selectedRows()
    pinned = window.answers.pinned_list
    return {
        "selected comment": window.selected_comment().id,
        "on air": window.session.on_air.id,
        "answer question": window.answers.comment.id,
        "answer chosen": window.answers.suggestions.currentRow(),
        "answer text": window.answers.editor.text(),
        "pinned": [pinned.item(row).text() for row in range(pinned.count())],
        "rundown card": window.rundown.list.currentRow(),
        "kb item": view.tree.currentIndex().data(CODE_ROLE),
        "kb entry": view.editor.entry.id,
        "kb row": [index.row() for index in selected],
        "kb answer being edited": view.editor.short_answer.text(),
        "kb item note being typed": view.item_editor.note.text(),
        "kb tab": view.tabs.currentIndex(),
        "expert question": dock.current_question()["comment"]["id"],
        "expert answer chosen": dock.answers.currentRow(),
        "expert answer edited": dock.editor.toPlainText(),
        "expert note": dock.note.text(),
        "remote expert question": expert.current_question()["comment"]["id"],
        "remote expert typing": expert.editor.toPlainText(),
        "return url": window.return_monitor.url.text(),
        "feed filter": window.filter_bar.questions_only.isChecked(),
    }


@pytest.fixture
def expert(desk, qloop, qtbot):
    """A remote expert's window on the desk's /seat (the test starts the link: its task must
    first run inside the asyncio loop, not in a bare Qt event pass)."""
    session = desk[0].session
    store = Store(session.paths.database)
    token = seats.add_seat(store, "李专家", "expert")[1]
    store.close()
    window = ExpertWindow(SeatLink(session.server.url("/seat"), token))
    qtbot.addWidget(window)
    window.show()
    yield window
    qloop.run_until_complete(window.link.stop())


def test_every_panel_switches_language_at_once_and_keeps_its_state(desk, expert, english, qloop, qtbot,
                                                                    run_until_signal, phrases) -> None:
    window, dock = desk
    session = window.session
    flagged, aired = _comments(qloop, window, "新能源车牌怎么申请", "驾照到期了怎么换")

    # -- the expert group: a flagged question, a remote expert's answer, edited in the studio --
    expert.link.start()
    spin_until(qloop, lambda: "李专家" in dock.online.text())
    _select(window, flagged.id)
    dock.note.setText("请答新能源号牌")
    dock.flag_selected()
    spin_until(qloop, lambda: expert.model.rowCount() == 1 and expert.current_question() is not None)
    expert.editor.setPlainText("可在交管12123申请新能源号牌。")
    expert.send_button.click()
    spin_until(qloop, lambda: dock.answers.count() == 1)
    dock.editor.setPlainText(EDITED_EXPERT)
    dock.note.setText("下一条备注")
    expert.editor.setPlainText("正在写第二条答案")

    # -- the program: a question on air; the answer panel with a chosen, edited, pinned answer --
    _select(window, aired.id)
    run_until_signal(session.onAirChanged, lambda: window.take_selected(question_only=True))
    entries = window.knowledge.call(lambda kb: kb.entries(item="DL03"))[:2]
    assert len(entries) == 2
    window.answers.show_comment(aired, [entry.id for entry in entries], show_personal=True)
    window.answers.choose(2)
    window.answers.pin()
    window.answers.editor.setText(EDITED_ANSWER)
    window.rundown.list.setCurrentRow(2)
    window.filter_bar.questions_only.setChecked(True)

    # -- the knowledge base: an entry and an item being edited, a message showing --------------
    view = open_dock(qtbot, window)
    view.select_item("DL03")
    settle(qtbot, view)
    assert view.select_entry(entries[1].id)
    settle(qtbot, view)
    view.editor.short_answer.setText("未保存的修改")
    view.item_editor.note.setText("观众新说法")
    view.editor.name.setText("")
    assert view.editor.save() is None  # "enter your name" stays on screen
    view.editor.name.setText("张警官")

    # -- the rest: the return monitor's advice, the status bar, a crash notice, the F1 list -----
    window.return_monitor.play()
    window.return_monitor.url.setText("rtmp://127.0.0.1/live/return")
    window.show_crash_notice("/data/crashes/crash-1.txt", "RuntimeError")
    shortcuts = window.show_shortcuts()
    qtbot.addWidget(shortcuts)

    panels: dict[str, QWidget] = {
        "answer panel": window.answers, "knowledge dock": window.knowledge_dock,
        "expert group dock": dock, "graphics rundown": window.rundown,
        "return monitor": window.return_monitor, "program bar": window.program_bar,
        "status bar": window.statusBar(), "shortcut list": shortcuts, "expert's window": expert,
        "the whole desk": window}
    # Panels whose texts do not move with the clock read exactly as before after the round trip.
    steady = ("answer panel", "knowledge dock", "expert group dock", "graphics rundown",
              "return monitor", "program bar", "shortcut list", "expert's window")
    # The feedback banner's message is of the moment (it goes by itself in seconds): a switch
    # drops it rather than re-word it (checked below); the snapshot is taken without it.
    banner_text = window.banner.message()
    window.banner.clear_message()
    before = {name: ui_texts(panel) for name, panel in panels.items()}
    window.banner.show_message(banner_text or "Done", "ok")
    state = _state(window, dock, expert)
    for name, texts in before.items():
        assert phrases.found(texts, "en"), f"{name}: no English interface text to begin with"
        assert not phrases.found(texts, "zh_CN"), name

    assert set_language(english, "zh_CN")
    assert window.banner.message() == ""
    for name, panel in panels.items():
        texts = ui_texts(panel)
        left = phrases.found(texts, "en")
        assert not left, f"{name} still shows English: {left}"
        assert phrases.found(texts, "zh_CN"), name
    assert _state(window, dock, expert) == state
    answers = window.answers
    assert answers.pin_button.text() == "置顶(P)"
    assert answers.editor.placeholderText() == "播出答案（最多60字）"
    assert answers.suggestions.item(1).text().endswith("[草稿]")
    assert answers.status.text().startswith("草稿：须经民警主持确认后方可播出。")
    assert answers.original.text() == f"原文：{entries[1].short_answer}"
    assert "依据" in answers.details.toPlainText()
    assert window.on_air_label.text() == "播出中：驾照到期了怎么换"
    assert window.knowledge_dock.windowTitle() == "知识库"
    assert view.model.headerData(4, Qt.Orientation.Horizontal) == "状态"
    assert view.model.index(view.model.row_of(entries[1].id), 4).data() == "草稿"
    assert view.tree_model.index(0, 0).data().startswith("全部事项")
    assert view.editor.message.text() == "⚠ 请填写姓名：每次修改都会记录修改人。"
    assert "第 1 版" in view.editor.title.text() and "第 " in view.item_editor.title.text()
    assert view.editor.state.text().startswith("草稿")
    assert view.editor.history.horizontalHeaderItem(0).text() == "版本"
    assert [view.tabs.tabText(i) for i in range(2)] == ["答案", "业务事项"]
    assert dock.windowTitle() == "专家团" and dock.air_button.text() == "以专家卡片上屏"
    assert dock.times.text().startswith("提交到首次答复") and "平均" in dock.times.text()
    assert "备注: 请答新能源号牌" in dock.detail.text()
    assert "李专家 用时" in dock.model.index(0).data()
    assert dock.online.text() == "在线专家：李专家"
    assert window.rundown.take_button.text() == "上屏"
    assert window.return_monitor.state.text() == "请先填写平台拉流地址"
    assert window.status.seats.text().startswith("在线专家：")
    assert window.findChild(QWidget, "crashNotice").text() == "⚠ 已记录错误；报告：/data/crashes/crash-1.txt"
    assert shortcuts.windowTitle() == "快捷键"
    assert expert.windowTitle() == "videohelp — 专家团" and expert.connection.text() == "已连接"
    assert expert.model.index(0).data().endswith("李专家 用时 0:00 答复")

    assert set_language(english, "en")
    for name, panel in panels.items():
        texts = ui_texts(panel)
        left = phrases.found(texts, "zh_CN")
        assert not left, f"{name} still shows Chinese: {left}"
        if name in steady:
            assert texts == before[name], name
    assert _state(window, dock, expert) == state
    assert window.on_air_label.text() == "On air: 驾照到期了怎么换"
    assert view.editor.message.text() == "⚠ Enter your name: every change records who made it."


def test_a_message_replaced_by_an_untranslated_one_does_not_come_back(english, qtbot, tmp_path) -> None:
    from videohelp.ui.return_monitor import ReturnMonitor

    monitor = ReturnMonitor("")
    qtbot.addWidget(monitor)
    assert not monitor.play()
    monitor._show_error("cannot play rtmp://127.0.0.1/none")  # what libvlc says, as it says it
    assert set_language(english, "zh_CN")
    assert monitor.state.text() == "cannot play rtmp://127.0.0.1/none"
    assert monitor.play_button.text() == "播放"
    monitor._show_state("playing")
    assert monitor.state.text() == "正在播放"
    assert set_language(english, "en")
    assert monitor.state.text() == "playing"


def test_the_daily_review_switches_language_and_keeps_the_edited_script(english, qtbot, tmp_path,
                                                                        phrases) -> None:
    database = tmp_path / "videohelp.sqlite3"
    write(build_history(date(2024, 5, 1), 7), database).close()
    dialog = ReportDialog(report_jobs(database), day=date(2024, 5, 6))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.compute()
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=20_000)
    dialog.script_edit.setPlainText("主持人改过的稿子")
    dialog.tabs.setCurrentIndex(2)
    dialog.followup_table.selectRow(1)
    before = ui_texts(dialog, cells=False)  # the review's tables hold a Chinese document
    assert phrases.found(before, "en") and not phrases.found(before, "zh_CN")

    assert set_language(english, "zh_CN")
    texts = ui_texts(dialog, cells=False)
    assert not phrases.found(texts, "en"), phrases.found(texts, "en")
    assert dialog.windowTitle() == "每日复盘" and dialog.compute_button.text() == "统计"
    assert dialog.status.text().endswith("复盘")
    assert dialog.tabs.tabText(0) == "数据" and dialog.tabs.tabText(2).startswith("待跟进（")
    assert dialog.figures_table.horizontalHeaderItem(0).text() == "指标"
    assert dialog.followup_table.horizontalHeaderItem(3).text() == "问题"
    assert (dialog.script_edit.toPlainText(), dialog.tabs.currentIndex()) == ("主持人改过的稿子", 2)
    assert [index.row() for index in dialog.followup_table.selectionModel().selectedRows()] == [1]

    assert set_language(english, "en")
    assert ui_texts(dialog, cells=False) == before
    assert dialog.script_edit.toPlainText() == "主持人改过的稿子"
    dialog.close()


def test_the_language_menu_switches_the_panels_too(desk, english) -> None:
    """The View menu's language entries go the same way (and save the choice)."""
    window, dock = desk
    window.language_actions["zh_CN"].trigger()
    try:
        assert window.session.settings["ui.language"] == "zh_CN"
        assert window.answers.pin_button.text() == "置顶(P)"
        assert dock.flag_button.text() == "将所选评论提交专家"
        assert window.rundown.clear_button.text() == "本层下屏"
        assert window.knowledge_dock.windowTitle() == "知识库"
    finally:
        window.language_actions["en"].trigger()
    assert window.answers.pin_button.text() == "Pin (P)"
    assert QApplication.instance() is english
