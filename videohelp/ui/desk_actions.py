"""The desk's actions (slots of the main window), kept apart from its construction.

The common path: N selects the next question and its best answer, Enter puts
the question-and-answer card on screen (a draft answer needs the officer's
second Enter within five seconds), A marks it answered and takes it off.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, QModelIndex, Qt
from PySide6.QtWidgets import QApplication, QInputDialog, QLabel, QMessageBox, QTableView, QWidget

from videohelp.core.roles import Action, allowed
from videohelp.queue.comments import State, StoredComment
from videohelp.ui.answer_panel import ChosenAnswer
from videohelp.ui.comment_model import CommentRole
from videohelp.ui.i18n import set_language as switch_language
from videohelp.ui.layouts import layout_file, load_layout
from videohelp.ui.shortcuts import SHORTCUTS, translated
from videohelp.ui.theme import apply_theme
from videohelp.ui.words import card_name

# The ``MainWindow`` this mixin is part of. Not imported, even for type checking: main_window
# imports this module, and the import graph stays without circles (import-linter).
MainWindow = Any

CONFIRM_WINDOW_S = 5.0
log = logging.getLogger(__name__)


def _tr(text: str) -> str:
    return QCoreApplication.translate("MainWindow", text)


class DeskActions:
    """Mixin of ``MainWindow``: selection, program actions, queue actions, settings."""

    # -- selection ------------------------------------------------------------------
    def selected_comment(self: MainWindow) -> StoredComment | None:
        return self._selected

    def _row_selected(self: MainWindow, table: QTableView, current: QModelIndex) -> None:
        if not current.isValid():
            return
        comment = current.data(CommentRole) if table is self.table else (
            self.queue_model.comment_at(current.row()))
        self._select(comment)

    def _select(self: MainWindow, comment: StoredComment | None) -> None:
        if self._selected is not None and comment is not None and self._selected.id == comment.id:
            self._selected = comment  # the same question again (its row moved): keep the edit
            return
        self._selected = comment
        self._confirm_armed = None
        self._show_answers(comment)
        self._mark()

    def _show_answers(self: MainWindow, comment: StoredComment | None) -> None:
        """The answer panel and the clip pocket for ``comment`` (the session's suggestions)."""
        answers, item = self.session.suggested_answers(comment) if comment is not None else ((), None)
        self.answers.show_comment(comment, answers, show_personal=self.model.show_personal)
        self.pocket_panel.show_item(item, comment.id if comment else None)

    def _suggestions_ready(self: MainWindow, comment_id: int) -> None:
        """A remote desk's suggestions arrived: shown if the question is still the selected one."""
        if self._selected is not None and self._selected.id == comment_id:
            self._show_answers(self._selected)
            self._preview_next()

    def _mark(self: MainWindow) -> None:
        """Highlight the selected question and the one on air in the feed and the queue."""
        selected = self._selected.id if self._selected is not None else None
        on_air = self.session.on_air
        self.model.set_marks(selected, on_air.id if on_air is not None else None)
        self.queue_model.set_selected(selected)
        self._preview_next()

    def _preview_next(self: MainWindow) -> None:
        """Soon: the card Enter would put on air, in the next-card monitor (one render per pause)."""
        self._next_timer.start()

    def _render_next(self: MainWindow) -> None:
        comment = self._selected
        if comment is None:
            self.next_monitor.show_card(None)
            return
        chosen = self.answers.chosen()
        try:
            card = self.session.qa_card(comment, chosen.text if chosen else "",
                                        chosen.entry.item if chosen and chosen.entry else "")
        except Exception as exc:  # a card that cannot be drawn is refused at Enter, with words
            log.warning("next card preview failed: %s", exc)
            self.next_monitor.show_card(None)
            return
        self.next_monitor.show_card(card, lambda: card_name("qa") + " · " + comment.text_masked)

    def _select_in_queue(self: MainWindow, row: int) -> None:
        self.queue_view.selectRow(row)
        self._select(self.queue_model.comment_at(row))

    def _take_index(self: MainWindow, index: QModelIndex) -> None:
        self.table.selectRow(index.row())
        self.take_selected()

    # -- the common path ----------------------------------------------------------------
    def next_question(self: MainWindow) -> StoredComment | None:
        self.operatorActed.emit()
        comment = self.queue_model.pop_next()
        if comment is None:
            self.notify(_tr("No question waiting"), "warn")
            return None
        self._select_in_queue(self.queue_model.row_of(comment.id))
        return comment

    def take_selected(self: MainWindow, question_only: bool = False) -> None:
        comment = self.selected_comment()
        self.operatorActed.emit()
        if comment is None:
            self.notify(_tr("Select a comment first"), "warn")
            return
        chosen = None if question_only else self.answers.chosen()
        if chosen is None:
            self.session.spawn(self.session.take_question(comment))
            return
        comment = self.model.comment(comment.id) or comment
        self._take_answer(comment, chosen)

    def _take_answer(self: MainWindow, comment: StoredComment, chosen: ChosenAnswer) -> None:
        confirmed = False
        if chosen.entry is not None and chosen.entry.is_draft:
            if not allowed(self.session.actor.role, Action.CONFIRM):  # the service would refuse
                self.notify(_tr("Draft answer: only the officer can confirm it for air"), "error")
                return
            key = (comment.id, chosen.entry.id)
            armed = self._confirm_armed
            if key in self._confirmed:
                pass  # the officer confirmed this draft for this question already (a re-air)
            elif armed is None or armed[0] != comment.id or time.monotonic() - armed[1] > CONFIRM_WINDOW_S:
                self._confirm_armed = (comment.id, time.monotonic())
                self.notify(_tr("Draft answer, not yet reviewed: press Enter again to confirm it for air"),
                            "warn", CONFIRM_WINDOW_S)
                return
            confirmed = True
            self._confirmed.add(key)
        self._confirm_armed = None
        self.session.spawn(self._air(comment, chosen, confirmed))

    async def _air(self: MainWindow, comment: StoredComment, chosen: ChosenAnswer,
                   confirmed: bool) -> bool:
        """Put the answer on air; an answered question (a pinned answer again) goes back in
        the queue first, through the show's actions like any other move."""
        fresh = self.model.comment(comment.id) or comment
        if fresh.state == State.ANSWERED and await self.session.change_state(
                fresh, State.QUEUED) is None:
            return False
        done = await self.session.take_answer(fresh, chosen.entry, chosen.text,
                                              officer_confirmed=confirmed)
        if done:
            self.answers.aired(comment.id)
            self.notify(_tr("On air: {text}").format(text=chosen.text))
        return done

    def take_pinned(self: MainWindow, chosen: ChosenAnswer) -> None:
        comment = self.selected_comment() or self.session.on_air
        if comment is not None:
            comment = self.model.comment(comment.id) or comment  # its state now, not when chosen
        if comment is None:
            self.notify(_tr("Select a comment first"), "warn")
            return
        self._take_answer(comment, chosen)

    def retake_pinned(self: MainWindow) -> None:
        pinned = self.answers.last_pinned()
        if pinned is not None:
            self.take_pinned(pinned)

    def pin_answer(self: MainWindow) -> None:
        if self.answers.pin() is None:
            self.notify(_tr("No answer to pin"), "warn")

    def mark_answered(self: MainWindow) -> None:
        """Answered: the card goes off if it is on air, else the selected comment is closed."""
        self.operatorActed.emit()
        if self.session.on_air is not None:
            self.session.spawn(self.session.clear_question())
            return
        self._change_selected(State.ANSWERED)

    def clear_question(self: MainWindow) -> None:
        self.operatorActed.emit()
        self.session.spawn(self.session.clear_question())

    def panic(self: MainWindow) -> None:
        # Synchronous: the program is empty before this returns, whatever else is pending.
        self.session.panic()
        self.operatorActed.emit()

    def _on_air_changed(self: MainWindow, comment: StoredComment | None) -> None:
        self._mark()
        # Bound, not set: a language change re-words what is on air, not the start-up text.
        if comment is None:
            self.rt.bind(self.on_air_label.setText, QT_TRANSLATE_NOOP("MainWindow", "Nothing on air"))
        else:
            self.rt.bind(self.on_air_label.setText, QT_TRANSLATE_NOOP("MainWindow", "On air: {text}"),
                         text=comment.text_masked)

    # -- queue actions --------------------------------------------------------------------
    def queue_selected(self: MainWindow) -> None:
        comment = self.selected_comment()
        self.operatorActed.emit()
        if comment is None:
            return
        if comment.id not in self.queue_model.queue.questions:
            self.queue_model.add_triaged([comment])
        if comment.id in self.queue_model.queue.questions:
            self.queue_model.push_next(comment.id)
            if comment.state in (State.NEW, State.TRIAGED):
                self.session.spawn(self.session.change_state(comment, State.QUEUED))

    def move_selected(self: MainWindow, delta: int) -> None:
        comment = self.selected_comment()
        if comment is not None:
            self.queue_model.move(comment.id, delta)
            if comment.id in self.queue_model.queue.next_up:
                self.queue_view.selectRow(self.queue_model.row_of(comment.id))

    def _change_selected(self: MainWindow, state: State) -> None:
        comment = self.selected_comment()
        self.operatorActed.emit()
        if comment is None:
            self.notify(_tr("Select a comment first"), "warn")
            return
        self.session.spawn(self.session.change_state(comment, state))

    def refile_selected(self: MainWindow) -> None:
        comment = self.selected_comment()
        if comment is None:
            return
        catalog = self.model.catalog
        choices = [_tr("Chatter (not a question)")] + [
            f"{item.code} {item.klass} · {item.name_zh}" for item in catalog.items.values()]
        current = list(catalog.items).index(comment.item) + 1 if comment.item in catalog else 0
        choice, ok = QInputDialog.getItem(self, _tr("Re-file"), _tr("File this comment under:"),
                                          choices, current, False)
        if ok:
            code = None if choice == choices[0] else choice.split()[0]
            self.session.spawn(self.session.refile(comment, code))

    # -- settings while running ---------------------------------------------------------------
    def set_theme(self: MainWindow, theme: str) -> None:
        app = QApplication.instance()
        if isinstance(app, QApplication):
            self.session.settings.set("ui.theme", apply_theme(app, theme))

    def set_language(self: MainWindow, language: str) -> None:
        app = QApplication.instance()
        if app is not None and switch_language(app, language):
            self.session.settings.set("ui.language", language)

    def show_shortcuts(self: MainWindow) -> QWidget:
        box = ShortcutHelp(self)
        box.show()
        return box

    def show_crash_notice(self: MainWindow, path: str, summary: str) -> QLabel:
        """Tell the operator where the crash report is, in a label status messages cannot overwrite."""
        label = self.findChild(QLabel, "crashNotice")
        if label is None:
            label = QLabel(self)
            label.setObjectName("crashNotice")
            label.setStyleSheet("color: #d32f2f; font-weight: bold;")
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.statusBar().addPermanentWidget(label)
        self.rt.bind(label.setText, QT_TRANSLATE_NOOP("MainWindow", "⚠ Error recorded; report: {path}"),
                     path=path)
        label.setToolTip(summary)
        return label

    def open_review(self: MainWindow) -> QWidget:
        """Open the daily review for today (a window of its own, closed with the desk)."""
        from videohelp.console.reports.job import report_jobs
        from videohelp.console.reports.letterhead import Letterhead
        from videohelp.core.show_time import show_zone
        from videohelp.ui.report_view import ReportDialog  # lazy: it brings in the PDF writer

        dialog = ReportDialog(report_jobs(self.session.paths.database), parent=self,
                              letterhead=Letterhead.from_settings(self.session.settings),
                              zone=show_zone(self.session.settings["show.timezone"]))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    # -- layouts --------------------------------------------------------------------------
    def _apply_role(self: MainWindow) -> None:
        self.model.set_show_personal(self.layout_spec.show_personal and self.model.show_personal)

    def _restore_layout(self: MainWindow) -> None:
        saved = load_layout(layout_file(self.session.paths.root, self.role, self.person))
        self._default_state = self.saveState()
        if saved is not None and self.restoreState(saved[0]):
            self.restoreGeometry(saved[1])
            self._docks_sized = True  # the person's own arrangement
            return
        for name, dock in self.docks.items():
            dock.setVisible(name in self.layout_spec.visible)

    def reset_layout(self: MainWindow) -> None:
        self.restoreState(self._default_state)
        for name, dock in self.docks.items():
            dock.setVisible(name in self.layout_spec.visible)
        self._size_docks(self.width(), self.height())


class ShortcutHelp(QMessageBox):
    """The list of shortcuts (F1); re-worded if the language changes while it is open."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.retranslate()

    def retranslate(self) -> None:
        rows = "".join(f"<tr><td><b>{spec.keys}</b></td><td>{translated(spec)}</td></tr>"
                       for spec in SHORTCUTS)
        self.setWindowTitle(_tr("Shortcuts"))
        self.setText(f"<table cellspacing='6'>{rows}</table>")

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
