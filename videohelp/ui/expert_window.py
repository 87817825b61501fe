"""The expert's layout: flagged questions from the studio, an answer back.

``videohelp --role expert --connect wss://HOST:PORT --token TOKEN [--fingerprint SHA256]``
opens it. Left, the questions the studio flagged (open first, oldest first);
right, the selected one: the studio's note, the viewer's question (masked:
experts never see personal data), its business item, the knowledge base's
suggested answers and what other experts answered. The expert writes or picks
an answer, may save it to the knowledge base as a draft, and sends it
(Ctrl+Enter). Everything arrives through a ``SeatLink``; nothing here
touches the network or a database. A language change re-words the window and
keeps the selected question and the answer being written.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, QItemSelection, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFormLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from videohelp.console.seat_client import SeatLink
from videohelp.ui.expert_model import QUESTION_ROLE, QuestionListModel, item_label, seconds_text
from videohelp.ui.i18n import Retranslator
from videohelp.ui.screen_fit import fit_to_screen

log = logging.getLogger(__name__)
CTX = "ExpertWindow"

STATE_TEXT = {"connecting": QT_TRANSLATE_NOOP(CTX, "Connecting…"),
              "online": QT_TRANSLATE_NOOP(CTX, "Connected"),
              "offline": QT_TRANSLATE_NOOP(CTX, "Offline — reconnecting"),
              "refused": QT_TRANSLATE_NOOP(CTX, "Refused")}


def _tr(text: str) -> str:
    return QCoreApplication.translate(CTX, text)


def _titled(rt: Retranslator, text: str) -> QLabel:
    label = QLabel()
    rt.bind(label.setText, text)
    return label


class ExpertWindow(QMainWindow):
    """The expert group's window on one console.

    Signals:
        answerSent(int): the console accepted an answer to this comment id.
    """

    answerSent = Signal(int)

    def __init__(self, link: SeatLink, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.link = link
        self.model = QuestionListModel(self)
        self._sending: int | None = None
        self._count_text = ""  # the status bar's standing message, re-worded on a language change
        self.rt = Retranslator(CTX)
        self.rt.bind(self.setWindowTitle, QT_TRANSLATE_NOOP(CTX, "videohelp — Expert group"))

        self.list = QListView()
        self.list.setModel(self.model)
        self.list.setWordWrap(True)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.selectionModel().selectionChanged.connect(self._selected)
        self.note = QLabel()
        self.question_text = QLabel()
        self.item = QLabel()
        for label in (self.note, self.question_text, self.item):
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.suggestions = QListWidget()
        self.suggestions.setWordWrap(True)
        self.suggestions.itemActivated.connect(self.pick_suggestion)
        self.suggestions.itemDoubleClicked.connect(self.pick_suggestion)
        self.answers = QListWidget()
        self.answers.setWordWrap(True)
        self.editor = QPlainTextEdit()
        self.rt.bind(self.editor.setPlaceholderText,
                     QT_TRANSLATE_NOOP(CTX, "Write the answer, or pick a suggestion above"))
        self.save_kb = QCheckBox()
        self.rt.bind(self.save_kb.setText,
                     QT_TRANSLATE_NOOP(CTX, "Also save to the knowledge base as a draft"))
        self.send_button = QPushButton()
        self.rt.bind(self.send_button.setText, QT_TRANSLATE_NOOP(CTX, "Send answer (Ctrl+Enter)"))
        self.send_button.clicked.connect(self.send_answer)
        QShortcut(QKeySequence("Ctrl+Return"), self).activated.connect(self.send_answer)

        form = QFormLayout()
        form.addRow(_titled(self.rt, QT_TRANSLATE_NOOP(CTX, "Studio's note")), self.note)
        form.addRow(_titled(self.rt, QT_TRANSLATE_NOOP(CTX, "Viewer's question")), self.question_text)
        form.addRow(_titled(self.rt, QT_TRANSLATE_NOOP(CTX, "Item")), self.item)
        right = QVBoxLayout()
        right.addLayout(form)
        right.addWidget(_titled(self.rt, QT_TRANSLATE_NOOP(CTX, "Suggested answers (double-click to use)")))
        right.addWidget(self.suggestions, 2)
        right.addWidget(_titled(self.rt, QT_TRANSLATE_NOOP(
            CTX, "Answers so far (the first is shown to the studio)")))
        right.addWidget(self.answers, 1)
        right.addWidget(self.editor, 2)
        right.addWidget(self.save_kb)
        right.addWidget(self.send_button)
        right_panel = QWidget()
        right_panel.setLayout(right)
        left = QVBoxLayout()
        left.addWidget(_titled(self.rt, QT_TRANSLATE_NOOP(CTX, "Flagged questions")))
        left.addWidget(self.list)
        left_panel = QWidget()
        left_panel.setLayout(left)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left_panel)
        splitter.addWidget(right_panel)
        splitter.setSizes([500, 780])
        self.setCentralWidget(splitter)
        self.connection = QLabel()
        self.rt.bind(self.connection.setText, STATE_TEXT["connecting"])
        self.statusBar().addPermanentWidget(self.connection)

        # "waiting 2:31" is drawn when painted: repaint now and then so the times stay true.
        self._clock = QTimer(self)
        self._clock.setInterval(10_000)
        self._clock.timeout.connect(self.list.viewport().update)
        self._clock.start()
        link.snapshotReceived.connect(self._snapshot)
        link.eventReceived.connect(self._event)
        link.stateChanged.connect(self._state)
        link.refused.connect(self._refused)
        link.requestDone.connect(self._done)
        link.requestFailed.connect(lambda text: self.statusBar().showMessage(
            _tr("Not sent: {why}").format(why=text), 8000))
        self._show(None)
        fit_to_screen(self)  # the expert's whole screen, as the desk takes the studio's

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.rt.apply()
            self.model.retranslate()
            for row in range(self.suggestions.count()):
                entry = self.suggestions.item(row)
                entry.setText(_suggestion_text(entry.data(Qt.ItemDataRole.UserRole)))
            if self._count_text and self.statusBar().currentMessage() == self._count_text:
                self._count()
        super().changeEvent(event)

    # -- feed ----------------------------------------------------------------------------
    def _snapshot(self, snapshot: dict[str, Any]) -> None:
        current = self.current_question()
        self.model.reset(snapshot.get("questions", []))
        self._reselect(current)
        self._count()

    def _event(self, name: str, data: dict[str, Any]) -> None:
        current = self.current_question()
        self.model.apply_event(name, data)
        self._reselect(current)
        if name.startswith("question."):
            self._count()

    def _reselect(self, question: dict[str, Any] | None) -> None:
        """Keep the expert on the question they were reading (rows move as others change)."""
        row = self.model.row_of(question["comment"]["id"]) if question else None
        if row is None and question is None and self.model.rowCount() and self.model.question(0)["open"]:
            row = 0
        if row is not None:
            self.list.setCurrentIndex(self.model.index(row))
        self._show(self.current_question())

    def _state(self, state: str) -> None:
        if state in STATE_TEXT:
            self.rt.bind(self.connection.setText, STATE_TEXT[state])
        else:
            self.rt.show(self.connection.setText, state)

    def _refused(self, why: str) -> None:
        self.rt.bind(self.connection.setText, QT_TRANSLATE_NOOP(CTX, "Refused: {why}"), why=why)
        self.send_button.setEnabled(False)

    def _count(self) -> None:
        self._count_text = _tr("{n} open questions").format(n=self.model.open_count())
        self.statusBar().showMessage(self._count_text)

    # -- the selected question ---------------------------------------------------------------
    def current_question(self) -> dict[str, Any] | None:
        index = self.list.currentIndex()
        return index.data(QUESTION_ROLE) if index.isValid() else None

    def select_comment(self, comment_id: int) -> bool:
        row = self.model.row_of(comment_id)
        if row is None:
            return False
        self.list.setCurrentIndex(self.model.index(row))
        return True

    def _selected(self, selected: QItemSelection, deselected: QItemSelection) -> None:
        self._show(self.current_question())

    def _show(self, question: dict[str, Any] | None) -> None:
        self.suggestions.clear()
        self.answers.clear()
        if question is None:
            for label in (self.note, self.question_text, self.item):
                label.setText("—")
            self.send_button.setEnabled(False)
            return
        comment = question["comment"]
        self.note.setText(question.get("note") or "—")
        self.question_text.setText(f"{comment['viewer_masked']}：{comment['text_masked']}")
        self.item.setText(item_label(question.get("item")))
        for suggestion in question.get("suggestions", []):
            entry = QListWidgetItem(_suggestion_text(suggestion))
            entry.setData(Qt.ItemDataRole.UserRole, suggestion)
            self.suggestions.addItem(entry)
        for clip in question.get("clips", []):  # 锦囊口袋: the studio can play these
            seconds = round(clip.get("duration_s", 0))
            self.suggestions.addItem(_tr("▶ Explainer clip: {title} ({minutes}:{seconds:02d})").format(
                title=clip.get("title", ""), minutes=seconds // 60, seconds=seconds % 60))
        for answer in question.get("answers", []):
            mark = "★ " if answer.get("first") else ""
            self.answers.addItem(f"{mark}{answer['expert']} ({seconds_text(answer['flag_to_answer_ms'])}): "
                                 f"{answer['text']}")
        self.send_button.setEnabled(bool(question.get("open", True)) and self.link.client.state != "refused")

    def pick_suggestion(self, entry: QListWidgetItem) -> None:
        suggestion = entry.data(Qt.ItemDataRole.UserRole)
        if not isinstance(suggestion, dict):  # a clip: nothing to write from
            return
        self.editor.setPlainText(suggestion.get("short_answer", ""))
        self.editor.setFocus()

    def send_answer(self) -> asyncio.Task[None] | None:
        question = self.current_question()
        text = self.editor.toPlainText().strip()
        if question is None or not text:
            self.statusBar().showMessage(_tr("Select a question and write an answer first"), 4000)
            return None
        fields: dict[str, Any] = {"comment": question["comment"]["id"], "text": text}
        if self.save_kb.isChecked():
            fields["save_kb"] = True
            if question.get("item"):
                fields["item"] = question["item"]
        self.send_button.setEnabled(False)
        self._sending = question["comment"]["id"]
        return self.link.send("answer", **fields)

    def _done(self, action: str, reply: dict[str, Any]) -> None:
        if action != "answer":
            return
        comment_id, self._sending = self._sending, None
        self.editor.clear()
        self.save_kb.setChecked(False)
        self.send_button.setEnabled(True)
        note = (_tr("Answer sent") if reply.get("first")
                else _tr("Answer sent (another expert answered first)"))
        self.statusBar().showMessage(note, 6000)
        if comment_id is not None:
            self.answerSent.emit(comment_id)


def _suggestion_text(suggestion: dict[str, Any]) -> str:
    status = _tr("Reviewed") if suggestion.get("status") == "reviewed" else _tr("Draft")
    return f"{suggestion['short_answer']}\n{suggestion.get('source', '')} · {status}"


def run_expert(args: argparse.Namespace) -> int:
    """``videohelp --role expert --connect URL --token TOKEN``: the expert window until closed."""
    from videohelp.ui.event_loop import new_event_loop
    from videohelp.ui.remote_start import start_remote
    from videohelp.ui.screenshot import save_screenshot

    started = start_remote(args, "--role expert needs --connect wss://HOST:PORT and --token TOKEN "
                                 "(or $VIDEOHELP_SEAT_TOKEN)")
    if started is None:
        return 2
    app, link = started
    window = ExpertWindow(link)
    loop = new_event_loop(app)

    async def main() -> None:
        closed = asyncio.Event()
        app.lastWindowClosed.connect(closed.set)
        link.start()
        window.show()
        if args.quit_after is not None:
            QTimer.singleShot(int(args.quit_after * 1000), window.close)
        await closed.wait()
        await link.stop()

    app.setQuitOnLastWindowClosed(False)
    if args.screenshot:
        QTimer.singleShot(int(max(0.5, (args.quit_after or 2) - 0.3) * 1000),
                          lambda: save_screenshot(window, Path(args.screenshot)))  # type: ignore[arg-type]
    with loop:
        loop.run_until_complete(main())
    return 0
