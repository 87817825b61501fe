"""The desk as the people on air use it: roles, the four-key path, queue, filters, language."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from shiboken6 import isValid

from videohelp.console.session import SessionOptions, ShowSession
from videohelp.core.paths import data_paths
from videohelp.core.settings import Settings
from videohelp.queue.comments import IncomingComment, State
from videohelp.ui.i18n import set_language
from videohelp.ui.main_window import MainWindow
from videohelp.ui.shortcuts import SHORTCUTS, markdown_table
from videohelp.ui.theme import apply_theme

from ..conftest import REPO


def _settings() -> Settings:
    settings = Settings()
    for name, value in (("program.width", 640), ("program.height", 360), ("program.fps", 25)):
        settings.set(name, value)
    return settings


@pytest.fixture
def make_desk(qloop, qtbot, data_dir, run_until_signal):
    made = []

    def make(role: str = "officer", *, triage: bool = True, person: str = "tester") -> MainWindow:
        session = ShowSession(data_paths(data_dir), _settings(),
                              SessionOptions(actor=role, role=role, triage=triage))
        window = MainWindow(session, show_personal=role == "officer", role=role, person=person)
        qtbot.addWidget(window)
        qloop.run_until_complete(session.start())
        if triage and not session.triage.is_ready:
            run_until_signal(session.triage.ready, timeout=90)
        window.show()
        made.append((window, session))
        return window

    yield make
    for window, session in made:
        if isValid(window):
            window.close()
        qloop.run_until_complete(session.stop())


def _ask(qloop, run_until_signal, window: MainWindow, *texts: str, name: str = "杭州小王") -> list:
    comments = [IncomingComment("douyin", f"q{i}-{text}", f"u{i}", name, text, 1_700_000_000_000 + i)
                for i, text in enumerate(texts)]
    (triaged,) = run_until_signal(window.session.commentsTriaged,
                                  lambda: window.session.spawn(window.session.pipeline.submit(comments)),
                                  timeout=10)
    return triaged


def test_the_common_path_takes_four_keys_for_a_draft_answer(make_desk, qloop, qtbot,
                                                            run_until_signal) -> None:
    desk = make_desk("officer")
    _ask(qloop, run_until_signal, desk, "驾照丢了怎么补办啊")
    assert desk.queue_model.rowCount() == 1
    desk.queue_view.setFocus()
    keys = 0
    qtbot.keyClick(desk.queue_view, Qt.Key.Key_N)
    keys += 1
    assert desk.selected_comment() is not None
    entry = desk.answers.current_entry()
    assert entry is not None and entry.item.startswith(("DL", "OL"))
    assert entry.is_draft  # the shipped base is unreviewed
    qtbot.keyClick(desk.queue_view, Qt.Key.Key_Return)  # arms the officer's confirmation
    keys += 1
    assert "qa" not in desk.session.program.on_air()
    (on_air,) = run_until_signal(desk.session.onAirChanged,
                                 lambda: qtbot.keyClick(desk.queue_view, Qt.Key.Key_Return))
    keys += 1
    card = desk.session.program.on_air()["qa"]
    assert card.data["answer"] == entry.short_answer
    assert card.data["item"] == entry.item
    assert on_air.state == State.ON_AIR
    if not desk.knowledge.call(lambda kb: kb.on_air_counts()):  # counted on the writer thread
        run_until_signal(desk.session.answerAired)                # just after the take
    assert desk.knowledge.call(lambda kb: kb.on_air_counts()).get(entry.id) == 1  # counted
    (cleared,) = run_until_signal(desk.session.onAirChanged,
                                  lambda: qtbot.keyClick(desk.queue_view, Qt.Key.Key_A))
    keys += 1
    assert cleared is None and desk.session.program.on_air() == {}
    assert keys <= 4
    assert desk.queue_model.rowCount() == 0 or run_until_signal(desk.session.commentChanged)


def test_the_presenter_cannot_air_a_draft_answer_but_can_air_the_question(
        make_desk, qloop, qtbot, run_until_signal) -> None:
    desk = make_desk("presenter")
    _ask(qloop, run_until_signal, desk, "电动车上牌要带什么材料")
    desk.queue_view.setFocus()
    qtbot.keyClick(desk.queue_view, Qt.Key.Key_N)
    assert desk.answers.current_entry() is not None
    qtbot.keyClick(desk.queue_view, Qt.Key.Key_Return)
    qtbot.keyClick(desk.queue_view, Qt.Key.Key_Return)
    assert "qa" not in desk.session.program.on_air()
    assert "officer" in desk.banner.message()
    run_until_signal(desk.session.onAirChanged,
                     lambda: qtbot.keyClick(desk.queue_view, Qt.Key.Key_Return,
                                            Qt.KeyboardModifier.ShiftModifier))
    assert "answer" not in desk.session.program.on_air()["qa"].data


def test_an_edited_answer_airs_and_the_original_stays_shown(make_desk, qloop, qtbot,
                                                           run_until_signal) -> None:
    desk = make_desk("officer")
    _ask(qloop, run_until_signal, desk, "二手车过户需要带啥")
    desk.next_question()
    original = desk.answers.current_entry().short_answer
    desk.answers.editor.setText("带上双方身份证和登记证书，到车管所办理。")
    assert original in desk.answers.original.text()
    desk.take_selected()
    run_until_signal(desk.session.onAirChanged, desk.take_selected)
    assert desk.session.program.on_air()["qa"].data["answer"] == "带上双方身份证和登记证书，到车管所办理。"


def test_next_up_is_ordered_by_keys(make_desk, qloop, qtbot, run_until_signal) -> None:
    desk = make_desk("presenter")
    _ask(qloop, run_until_signal, desk, "科目三怎么预约", "驾照到期怎么换证", "电动车被偷了牌照怎么办")
    model = desk.queue_model
    first, second = model.comment_at(0), model.comment_at(1)
    for comment in (first, second):
        desk._select_in_queue(model.row_of(comment.id))
        qtbot.keyClick(desk.queue_view, Qt.Key.Key_Q)
    assert model.queue.next_up == [first.id, second.id]
    desk._select_in_queue(model.row_of(second.id))
    qtbot.keyClick(desk.queue_view, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    assert model.queue.next_up == [second.id, first.id]
    assert model.index(0, 0).data() == "1"
    assert desk.next_question().id == second.id


def test_repeats_raise_the_count_instead_of_adding_rows(make_desk, qloop, qtbot,
                                                        run_until_signal) -> None:
    desk = make_desk("producer", triage=False)
    comments = [IncomingComment("douyin", f"r{i}", "same-viewer", "刷屏的人", "怎么交罚款", 1 + i)
                for i in range(3)]
    qloop.run_until_complete(desk.session.pipeline.submit(comments[:1]))
    qtbot.waitUntil(lambda: desk.model.rowCount() == 1, timeout=2000)
    run_until_signal(desk.session.repeatsAdded,
                     lambda: desk.session.spawn(desk.session.pipeline.submit(comments[1:])))
    assert desk.model.rowCount() == 1
    assert desk.model.index(0, desk.model.COLUMNS.index("asked")).data().startswith("3")


def test_only_the_officer_sees_personal_data(make_desk, qloop, qtbot, run_until_signal) -> None:
    officer = make_desk("officer", triage=False)
    text = "我手机13812345678怎么查违章"
    qloop.run_until_complete(officer.session.pipeline.submit(
        [IncomingComment("app", "p1", "u1", "王小明", text, 1)]))
    qtbot.waitUntil(lambda: officer.model.rowCount() == 1, timeout=2000)
    assert officer.model.index(0, 2).data() == "王小明"
    assert officer.model.index(0, 3).data() == text
    officer.model.set_show_personal(False)
    assert "13812345678" not in officer.model.index(0, 3).data()
    producer = make_desk("producer", triage=False, person="other")
    assert producer.model.show_personal is False


def test_filters_narrow_the_feed(make_desk, qloop, qtbot) -> None:
    desk = make_desk("producer", triage=False)
    qloop.run_until_complete(desk.session.pipeline.submit([
        IncomingComment("douyin", "f1", "u1", "甲", "来了来了", 1),
        IncomingComment("app", "f2", "u2", "乙", "驾照丢了", 2)]))
    qtbot.waitUntil(lambda: desk.model.rowCount() == 2, timeout=2000)
    desk.filter_bar.platform.setCurrentIndex(desk.filter_bar.platform.findData("app"))
    assert desk.feed_filter.rowCount() == 1
    desk.filter_bar.platform.setCurrentIndex(0)
    desk.filter_bar.text.setText("来了")
    assert desk.feed_filter.rowCount() == 1
    assert desk.feed_filter.index(0, 3).data() == "来了来了"


@pytest.mark.parametrize("role", ["officer", "presenter", "producer"])
def test_clear_all_is_always_visible_and_works(make_desk, qloop, role) -> None:
    desk = make_desk(role, triage=False)
    assert desk.panic_button.isVisible()
    assert not desk.program_bar.toggleViewAction().isEnabled()
    desk.session.program.take("lower_third", desk.session.renderer.render("lower_third", {"name": "张警官"}))
    desk.panic_button.click()
    assert desk.session.program.on_air() == {}


def test_layouts_are_saved_per_role_and_person_and_restorable(make_desk, qloop, data_dir) -> None:
    desk = make_desk("producer", triage=False, person="小李")
    assert not desk.docks["answers"].isVisible()
    desk.docks["answers"].show()
    desk.close()
    saved = data_dir / "layouts" / "producer-小李.qtstate"
    assert saved.exists()
    again = make_desk("producer", triage=False, person="小李")
    assert again.docks["answers"].isVisible()
    again.reset_layout()
    assert not again.docks["answers"].isVisible()
    fresh = make_desk("producer", triage=False, person="someone-else")
    assert not fresh.docks["answers"].isVisible()


def test_language_switches_while_running(make_desk) -> None:
    desk = make_desk("officer", triage=False)
    app = QApplication.instance()
    assert set_language(app, "zh_CN")
    chinese = desk.windowTitle()
    assert "直播" in chinese or "台" in chinese
    assert set_language(app, "en")
    assert desk.windowTitle() == "videohelp — Live desk"
    assert desk.actions_by_name["panic"].text().startswith("CLEAR ALL")
    assert set_language(app, "zh_CN")
    assert desk.windowTitle() == chinese
    assert desk.model.headerData(3, Qt.Orientation.Horizontal) == "评论"
    set_language(app, "en")


def test_theme_switches_while_running(make_desk) -> None:
    desk = make_desk("officer", triage=False)
    app = QApplication.instance()
    apply_theme(app, "dark")
    dark = app.palette().window().color().lightness()
    desk.set_theme("light")
    assert app.palette().window().color().lightness() > dark
    assert desk.session.settings["ui.theme"] == "light"
    apply_theme(app, "dark")


def test_every_shortcut_is_an_action_and_documented(make_desk) -> None:
    desk = make_desk("officer", triage=False)
    keys = [spec.keys for spec in SHORTCUTS]
    assert len(keys) == len(set(keys)), "two actions share a key"
    for spec in SHORTCUTS:
        assert desk.actions_by_name[spec.action].shortcut().toString() != ""
    doc = (REPO / "docs" / "shortcuts.md").read_text(encoding="utf-8")
    assert markdown_table() in doc


def test_the_question_on_air_is_highlighted_in_the_queue(make_desk, qloop, run_until_signal) -> None:
    desk = make_desk("officer")
    (question,) = [c for c in _ask(qloop, run_until_signal, desk, "年检可以异地办吗") if c.is_question]
    run_until_signal(desk.session.onAirChanged,
                     lambda: desk.session.spawn(desk.session.take_question(question)))
    row = desk.queue_model.row_of(question.id)
    colour = desk.queue_model.index(row, 1).data(Qt.ItemDataRole.BackgroundRole)
    assert colour is not None and colour.red() > colour.green()
