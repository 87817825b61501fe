"""The knowledge dock's "answered automatically" list and its one-key "wrong answer".

The newest answers the 24-hour service gave (question as stored, masked; the
answer given; the entry; how sure it was). W (or the button) marks the
selected one wrong: its entry is withdrawn from automatic use at once and
stays so until a later version of it is reviewed (the entry editor's review).
Reads and writes are requests to the knowledge service, which runs ``AnswerReview``
(queue/answering/review.py) on its worker; the answers come back by signal.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from videohelp.console.knowledge_service import KnowledgeFailure, KnowledgeService
from videohelp.queue.answering.log import GivenAnswer
from videohelp.ui.i18n import Retranslator

log = logging.getLogger(__name__)
CTX = "AutoAnswers"
_Index = QModelIndex | QPersistentModelIndex


def _tr(text: str) -> str:
    return QCoreApplication.translate("AutoAnswers", text)


class AutoAnswersModel(QAbstractTableModel):
    COLUMNS = ("time", "question", "answer", "entry", "confidence", "status")
    HEADERS = (QT_TRANSLATE_NOOP(CTX, "Time"), QT_TRANSLATE_NOOP(CTX, "Question"),
               QT_TRANSLATE_NOOP(CTX, "Answer given"), QT_TRANSLATE_NOOP(CTX, "Entry"),
               QT_TRANSLATE_NOOP(CTX, "Confidence"), QT_TRANSLATE_NOOP(CTX, "Status"))

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[GivenAnswer] = []

    def set_rows(self, rows: list[GivenAnswer]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _tr(self.HEADERS[section])
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        column = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if column == "time":
                return time.strftime("%m-%d %H:%M", time.localtime(row.at_ms / 1000))
            if column == "confidence":
                return f"{row.confidence:.0%}"
            if column == "status":
                return _tr("Wrong: withdrawn") if row.wrong else ""
            return {"question": row.question, "answer": row.answer, "entry": row.entry_id}[column]
        if role == Qt.ItemDataRole.ToolTipRole and column in ("question", "answer"):
            return row.question if column == "question" else row.answer
        if role == Qt.ItemDataRole.ForegroundRole and row.wrong:
            return QBrush(QColor("#c0392b"))
        return None

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.COLUMNS) - 1)
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1,
                                                               len(self.COLUMNS) - 1))


class AutoAnswersPanel(QWidget):
    """Signals:
        withdrawn(str): an entry was withdrawn from automatic use (its id).
    """

    withdrawn = Signal(str)

    def __init__(self, service: KnowledgeService, actor: Callable[[], str] | str = "desk",
                 parent: QWidget | None = None, refresh_ms: int = 10_000) -> None:
        super().__init__(parent)
        self.service = service
        self.pending: int | None = None  # the latest read
        self.marking: int | None = None  # the "wrong answer" under way
        self._keep_status = False  # "withdrawn" stays on screen over the next read's count
        service.answersLoaded.connect(self._loaded)
        service.answerWithdrawn.connect(self._withdrawn)
        service.failed.connect(self._failed)
        self._actor = actor
        self.rt = Retranslator(CTX)
        self.model = AutoAnswersModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        for column, width in enumerate((80, 150, 180, 70, 48, 96)):
            self.table.setColumnWidth(column, width)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.wrong_button = QPushButton()
        self.rt.bind(self.wrong_button.setText, QT_TRANSLATE_NOOP(CTX, "Wrong answer (W)"))
        self.rt.bind(self.wrong_button.setToolTip, QT_TRANSLATE_NOOP(
            CTX, "Withdraw this answer's entry from automatic use until it is reviewed again"))
        self.wrong_button.clicked.connect(self.mark_selected_wrong)
        self.refresh_button = QPushButton()
        self.rt.bind(self.refresh_button.setText, QT_TRANSLATE_NOOP(CTX, "Refresh"))
        self.refresh_button.clicked.connect(self.refresh)
        self.status = QLabel()
        # W on the list: a table takes letters for its keyboard search before any
        # shortcut sees them, so the key is caught on the table itself.
        self.table.installEventFilter(self)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.refresh_button)
        buttons.addWidget(self.wrong_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        # New automatic answers arrive from the service; a light re-read while shown.
        self.timer = QTimer(self)
        self.timer.setInterval(refresh_ms)
        self.timer.timeout.connect(self.refresh)
        self.refresh()

    def eventFilter(self, watched: Any, event: QEvent) -> bool:
        if (watched is self.table and event.type() == QEvent.Type.KeyPress
                and isinstance(event, QKeyEvent) and event.key() == Qt.Key.Key_W
                and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier):
            self.mark_selected_wrong()
            return True
        return super().eventFilter(watched, event)

    @property
    def actor(self) -> str:
        return self._actor() if callable(self._actor) else self._actor

    def showEvent(self, event: Any) -> None:
        self.refresh()
        self.timer.start()
        super().showEvent(event)

    def hideEvent(self, event: Any) -> None:
        self.timer.stop()
        super().hideEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.rt.apply()
            self.model.retranslate()
        super().changeEvent(event)

    def refresh(self) -> None:
        self.pending = self.service.recent_answers()

    def _loaded(self, request: int, rows: list[GivenAnswer]) -> None:
        if request != self.pending:
            return
        self.pending = None
        selected = self.selected()
        self.model.set_rows(rows)
        if self._keep_status:
            self._keep_status = False
        else:
            self.rt.bind(self.status.setText, QT_TRANSLATE_NOOP(CTX, "{n} answered automatically"),
                         n=len(rows))
        if selected is not None:
            for number, row in enumerate(rows):
                if row.id == selected.id:
                    self.table.selectRow(number)

    def _failed(self, request: int, failure: KnowledgeFailure) -> None:
        if request == self.pending:
            self.pending = None
            log.error("%s", failure)
            self.rt.bind(self.status.setText, QT_TRANSLATE_NOOP(CTX, "Cannot read the answers"))
        elif request == self.marking:
            self.marking = None
            log.warning("could not mark the answer wrong: %s", failure)

    def selected(self) -> GivenAnswer | None:
        indexes = self.table.selectionModel().selectedRows()
        if not indexes:
            return None
        return self.model.rows[indexes[0].row()]

    def mark_selected_wrong(self) -> int | None:
        """Mark the selected answer wrong (once); ``withdrawn`` says the entry when done."""
        answer = self.selected()
        if answer is None or answer.wrong or self.marking is not None:
            return None
        self.marking = self.service.mark_answer_wrong(answer.id, self.actor or "desk")
        return self.marking

    def _withdrawn(self, request: int, entry_id: str) -> None:
        if request != self.marking:
            return
        self.marking = None
        self.rt.bind(self.status.setText,
                     QT_TRANSLATE_NOOP(CTX, "{entry} withdrawn until it is reviewed again"),
                     entry=entry_id)
        self._keep_status = True
        self.refresh()
        self.withdrawn.emit(entry_id)
