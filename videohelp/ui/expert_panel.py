"""The studio's side of the expert group: flag questions out, see answers, put one on air.

``ExpertDock`` sits in the desk's main window. It lists the questions flagged to
the experts with every answer as it arrives (the first one selected), lets the
studio edit the chosen answer and put it on air as an ``expert`` card, and
flags the comment selected in the live feed with a note. It shows how long
each answer took from the flag, per question and per expert. Every action
goes through the console's ``SeatHub`` as the desk's own seat, so it is
checked against the role matrix and audited like a remote seat's.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from videohelp.console.seat_server import SeatHub
from videohelp.core.catalog import Catalog
from videohelp.core.roles import Action, allowed, sees_personal
from videohelp.core.seats import Seat
from videohelp.queue.comments import StoredComment
from videohelp.queue.seat_events import Event
from videohelp.queue.seat_protocol import Request
from videohelp.ui.expert_model import QUESTION_ROLE, QuestionListModel, item_label, seconds_text
from videohelp.ui.i18n import Retranslator

_rids = itertools.count(1)
CTX = "ExpertDock"


def _tr(text: str) -> str:
    return QCoreApplication.translate(CTX, text)


class ExpertDock(QDockWidget):
    """Flagged questions and expert answers in the desk.

    Signals:
        acted(str, dict): an action succeeded: its name and the console's reply.
        failed(str): an action was refused or failed; the text says why.
    """

    acted = Signal(str, dict)
    failed = Signal(str)

    def __init__(self, hub: SeatHub, seat: Seat,
                 selected_comment: Callable[[], StoredComment | None] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rt = Retranslator(CTX)
        self.rt.bind(self.setWindowTitle, QT_TRANSLATE_NOOP(CTX, "Expert group"))
        self.setObjectName("expertDock")
        self.hub, self.seat = hub, seat
        self.selected_comment = selected_comment or (lambda: None)
        self.personal = sees_personal(seat.role)
        self.model = QuestionListModel(self)
        self._tasks: set[asyncio.Future] = set()

        self.list = QListView()
        self.list.setModel(self.model)
        self.list.setWordWrap(True)
        self.list.selectionModel().currentChanged.connect(lambda current, _previous: self._show())
        self.detail = QLabel("—")
        self.detail.setWordWrap(True)
        self.answers = QListWidget()
        self.answers.currentItemChanged.connect(self._answer_chosen)
        self.editor = QPlainTextEdit()
        self.rt.bind(self.editor.setPlaceholderText,
                     QT_TRANSLATE_NOOP(CTX, "The expert's answer, as it will go on air (editable)"))
        self.air_button = QPushButton()
        self.rt.bind(self.air_button.setText, QT_TRANSLATE_NOOP(CTX, "On air as expert card"))
        self.air_button.clicked.connect(self.put_on_air)
        self.times = QLabel()
        self.times.setWordWrap(True)
        self.note = QLineEdit()
        self.rt.bind(self.note.setPlaceholderText, QT_TRANSLATE_NOOP(CTX, "Note to the experts"))
        self.flag_button = QPushButton()
        self.rt.bind(self.flag_button.setText, QT_TRANSLATE_NOOP(CTX, "Flag selected comment to experts"))
        self.flag_button.clicked.connect(self.flag_selected)
        self.online = QLabel()
        for button, action in ((self.air_button, Action.TAKE), (self.flag_button, Action.FLAG)):
            button.setVisible(allowed(seat.role, action))

        flag_row = QHBoxLayout()
        flag_row.addWidget(self.note, 1)
        flag_row.addWidget(self.flag_button)
        layout = QVBoxLayout()
        layout.addLayout(flag_row)
        layout.addWidget(self.list, 2)
        layout.addWidget(self.detail)
        layout.addWidget(self.answers, 1)
        layout.addWidget(self.editor, 1)
        layout.addWidget(self.air_button)
        layout.addWidget(self.times)
        layout.addWidget(self.online)
        body = QWidget()
        body.setLayout(layout)
        self.setWidget(body)
        hub.add_listener(self._event)
        self.refresh()

    # -- lifecycle ------------------------------------------------------------------------------
    async def start(self) -> None:
        """Show what the hub holds once the console has started it (open questions)."""
        self.refresh()

    async def stop(self) -> None:
        """Let the dock's pending actions finish (the console stops the hub itself)."""
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=5)

    def retranslate(self) -> None:
        """Re-word the dock; the selected question, the chosen answer and its edits stay."""
        self.rt.apply()
        self.model.retranslate()
        question = self.current_question()
        if question is not None:
            self._show_detail(question)
        self._times(question)
        self._online()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def refresh(self) -> None:
        self.model.reset(self.hub.snapshot(self.seat)["questions"])
        self._show()
        self._online()

    def _event(self, event: Event) -> None:
        if event.name == "comment.added":
            return  # a comment is flagged, and listed here, only once it is stored
        if (event.name == "comment.triaged" and event.comment_ids
                and not self.model.holds_any(event.comment_ids)):
            return  # a batch of new comments, none of them a question listed here: not built
        data = event.personal if self.personal else event.masked
        if event.name.startswith("seat."):
            self._online()
            return
        current = self.current_question()
        self.model.apply_event(event.name, data)
        if current is not None:  # rows move as questions close: stay on the one being read
            self.select_comment(current["comment"]["id"])
        elif event.name.startswith("question."):  # nothing selected: show what just came in
            self.select_comment(data["question"]["comment"]["id"] if event.name == "question.flagged"
                                else data["comment"])
        if event.name.startswith("question."):
            self._show()

    def _online(self) -> None:
        experts = sorted(name for name, role in self.hub.online.items() if role == "expert")
        self.online.setText(_tr("Experts online: {names}").format(names=", ".join(experts) or "—"))

    # -- the selected question ------------------------------------------------------------------
    def current_question(self) -> dict[str, Any] | None:
        index = self.list.currentIndex()
        return index.data(QUESTION_ROLE) if index.isValid() else None

    def select_comment(self, comment_id: int) -> bool:
        row = self.model.row_of(comment_id)
        if row is not None:
            self.list.setCurrentIndex(self.model.index(row))
        return row is not None

    def _show(self) -> None:
        question = self.current_question()
        chosen = self.chosen_answer()
        self.answers.blockSignals(True)
        self.answers.clear()
        if question is None:
            self.detail.setText("—")
            self.answers.blockSignals(False)
            self.editor.clear()
            self._times(None)
            return
        self._show_detail(question)
        for answer in question.get("answers", []):
            entry = QListWidgetItem(f"{'★ ' if answer.get('first') else ''}{answer['expert']} "
                                    f"({seconds_text(answer['flag_to_answer_ms'])}): {answer['text']}")
            entry.setData(Qt.ItemDataRole.UserRole, answer)
            self.answers.addItem(entry)
        self.answers.blockSignals(False)
        keep = [i for i in range(self.answers.count())
                if chosen and self.answers.item(i).data(Qt.ItemDataRole.UserRole)["id"] == chosen["id"]]
        if self.answers.count():
            self.answers.setCurrentRow(keep[0] if keep else 0)  # the first answer is the one shown
        else:
            self.editor.clear()
        self._times(question)

    def _show_detail(self, question: dict[str, Any]) -> None:
        comment = question["comment"]
        text = comment.get("text") or comment["text_masked"]
        self.detail.setText(f"{text}\n{item_label(question.get('item'), self.model.catalog)} · "
                            f"{_tr('note')}: {question.get('note') or '—'}")

    def set_catalog(self, catalog: Catalog) -> None:
        """Name items from ``catalog`` (an edit was saved); an answer being edited stays."""
        self.model.set_catalog(catalog)
        question = self.current_question()
        if question is not None:
            self._show_detail(question)

    def chosen_answer(self) -> dict[str, Any] | None:
        entry = self.answers.currentItem()
        return entry.data(Qt.ItemDataRole.UserRole) if entry is not None else None

    def _answer_chosen(self, current: QListWidgetItem | None, previous: QListWidgetItem | None) -> None:
        if current is not None:
            self.editor.setPlainText(current.data(Qt.ItemDataRole.UserRole)["text"])

    def _times(self, question: dict[str, Any] | None) -> None:
        per_expert = "; ".join(f"{expert} {count}× {_tr('mean')} {seconds_text(mean)}"
                               for expert, (count, mean) in sorted(self.model.expert_times().items()))
        first = (question or {}).get("answer")
        line = (_tr("Flag to first answer: {time}").format(time=seconds_text(first["flag_to_answer_ms"]))
                if first else _tr("No answer yet"))
        self.times.setText(f"{line}\n{per_expert}" if per_expert else line)

    # -- actions ----------------------------------------------------------------------------------
    def _perform(self, request: Request) -> asyncio.Future:
        async def run() -> None:
            reply = await self.hub.perform(self.seat, request)
            if reply["type"] == "ok":
                self.acted.emit(request.action.value, reply)
            else:
                self.failed.emit(f"{reply['code']}: {reply['message']}")

        task = asyncio.ensure_future(run())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def put_on_air(self) -> asyncio.Future | None:
        """The chosen answer, as edited, on air as an expert card (in place of the Q&A card)."""
        question, answer = self.current_question(), self.chosen_answer()
        text = self.editor.toPlainText().strip()
        if question is None or not text:
            self.failed.emit(_tr("Choose a question with an answer first"))
            return None
        return self._perform(Request(
            Action.TAKE, f"desk-{next(_rids)}", comment=question["comment"]["id"], template="expert",
            answer_id=answer["id"] if answer else None, answer=text, item=question.get("item")))

    def flag_selected(self) -> asyncio.Future | None:
        comment = self.selected_comment()
        if comment is None:
            self.failed.emit(_tr("Select a comment in the live feed first"))
            return None
        note = self.note.text().strip()
        self.note.clear()
        return self._perform(Request(Action.FLAG, f"desk-{next(_rids)}", comment=comment.id, note=note))


def attach_expert_dock(window: Any, session: Any, role: str | None = None) -> ExpertDock:
    """Give the desk in ``window`` (a ``MainWindow`` on ``session``) its expert dock, acting as
    the session's actor on the console's seat hub (the console serves ``/seat``).

    Call ``await dock.start()`` after ``session.start()`` and ``await dock.stop()`` before
    ``session.stop()``. ``role`` must be the session's, if given.
    """
    from videohelp.console.seat_server import desk_seat

    actor = session.actor
    if role is not None and role != actor.role.value:
        raise ValueError(f"the desk acts as {actor.role.value}, not {role}")
    dock = ExpertDock(session.hub, desk_seat(actor.role, actor.name),
                      selected_comment=getattr(window, "selected_comment", None), parent=window)
    notify = getattr(window, "notify", None)
    if notify is None:
        def notify(text: str, kind: str = "ok") -> None:
            window.statusBar().showMessage(text, 6000 if kind == "error" else 4000)
    from videohelp.ui.words import action_words

    dock.acted.connect(lambda action, reply: notify(
        _tr("Done: {action}").format(action=action_words(action))))
    dock.failed.connect(lambda text: notify(text, "error"))
    if hasattr(window, "add_dock"):  # the desk: tabbed with the answers, listed in View
        window.add_dock("experts", dock)
    else:
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    dock.set_catalog(session.catalog)  # the studio's, as the desk names items
    session.catalogChanged.connect(dock.set_catalog)
    return dock
