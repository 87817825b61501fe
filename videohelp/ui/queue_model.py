"""The question queue's Qt model: the presenter's next-up list, then waiting questions by priority.

The ordering lives in the pure ``QuestionQueue``; this model only presents it
and keeps selections stable (persistent indexes follow their question) when
waiting time re-ranks the list.
"""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtGui import QColor, QFont

from videohelp.core.catalog import Catalog, default_catalog
from videohelp.queue.comments import State, StoredComment
from videohelp.queue.question_queue import QuestionQueue, QueuedQuestion

Index = QModelIndex | QPersistentModelIndex
_CLOSED = (State.ANSWERED, State.DISMISSED, State.BLOCKED)


def _tr(text: str) -> str:
    return QCoreApplication.translate("QuestionQueueModel", text)


BUSY_MS = 250


def _now_ms() -> int:
    return int(time.time() * 1000)


class QuestionQueueModel(QAbstractTableModel):
    """Rows: next-up first (in the presenter's order), then by priority."""

    COLUMNS = ("order", "question", "item", "asked", "waited")
    # Waiting questions kept (a three-hour show files tens of thousands): beyond it, those
    # the fewest viewers asked go first, oldest first (``QuestionQueue.trim``); trimmed in
    # steps of ``TRIM_STEP`` so the cost is not paid per question.
    MAX_QUESTIONS = 1_000
    TRIM_STEP = 100

    def __init__(self, catalog: Catalog | None = None, refresh_ms: int = 5000,
                 parent=None) -> None:
        super().__init__(parent)
        self.queue = QuestionQueue()
        self.catalog = catalog or default_catalog()
        self.comments: dict[int, StoredComment] = {}
        self._order: list[int] = []
        self.selected_id: int | None = None
        self._dirty = False
        self._busy = QTimer(self)
        self._busy.setSingleShot(True)
        self._busy.setInterval(BUSY_MS)
        self._busy.timeout.connect(self._busy_over)
        self._timer = QTimer(self)
        self._timer.setInterval(refresh_ms)
        self._timer.timeout.connect(self.relayout)
        self._timer.start()

    def set_catalog(self, catalog: Catalog) -> None:
        """Name items from ``catalog`` from now on (an edit was saved in the studio)."""
        self.catalog = catalog
        if self._order:
            column = self.COLUMNS.index("item")
            self.dataChanged.emit(self.index(0, column), self.index(len(self._order) - 1, column))

    # -- feeding --------------------------------------------------------------------
    def add_triaged(self, comments: list[StoredComment]) -> None:
        """Business questions that triage filed; chatter and repeats stay out."""
        added = False
        for comment in comments:
            if not comment.is_question or comment.repeat_of is not None:
                continue
            if comment.state in _CLOSED or comment.id in self.queue.questions:
                continue
            self.comments[comment.id] = comment
            # Flagged before it got here (the answering service passes questions on to the
            # experts as it stores them): it shows as flagged from the start.
            self.queue.add(QueuedQuestion(comment.id, comment.text_masked, comment.item,
                                          comment.received_ms,
                                          flagged=comment.state == State.FLAGGED))
            added = True
        if added:
            if len(self.queue.questions) > self.MAX_QUESTIONS + self.TRIM_STEP:
                keep = () if self.selected_id is None else (self.selected_id,)
                for gone in self.queue.trim(self.MAX_QUESTIONS, keep):
                    self.comments.pop(gone, None)
            self.changed_soon()

    def add_askers(self, counts: dict[int, int]) -> None:
        changed = [cid for cid, n in counts.items() if self.queue.add_asker(cid, n) is not None]
        if changed:
            self.changed_soon()

    def comment_changed(self, comment: StoredComment) -> None:
        if comment.id not in self.queue.questions:
            if comment.is_question and comment.state in (State.QUEUED, State.FLAGGED,
                                                         State.TRIAGED):
                self.add_triaged([comment])
            return
        self.comments[comment.id] = comment
        if comment.state in _CLOSED:
            self.queue.remove(comment.id)
            self.comments.pop(comment.id, None)
        else:
            self.queue.set_flagged(comment.id, comment.state == State.FLAGGED)
            self.queue.on_air = comment.id if comment.state == State.ON_AIR else (
                None if self.queue.on_air == comment.id else self.queue.on_air)
        self.relayout()

    # -- the presenter's moves ----------------------------------------------------------
    def push_next(self, comment_id: int) -> None:
        self.queue.push_next(comment_id)
        self.relayout()

    def move(self, comment_id: int, delta: int) -> None:
        if comment_id in self.queue.next_up:
            self.queue.move(comment_id, delta)
            self.relayout()

    def pop_next(self) -> StoredComment | None:
        """The next question to answer (next-up head, else top priority); stays listed."""
        question = self.queue.pop_next(_now_ms())
        if question is None:
            return None
        self.relayout()
        return self.comments[question.comment_id]

    def set_selected(self, comment_id: int | None) -> None:
        """Highlight the question the desk works on (wherever it was selected)."""
        changed = [cid for cid in (self.selected_id, comment_id) if cid in self.queue.questions]
        self.selected_id = comment_id
        for cid in changed:
            row = self.row_of(cid)
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.COLUMNS) - 1))

    def comment_at(self, row: int) -> StoredComment:
        return self.comments[self._order[row]]

    def row_of(self, comment_id: int) -> int:
        return self._order.index(comment_id)

    # -- ordering -------------------------------------------------------------------
    def changed_soon(self) -> None:
        """Re-lay out now, then at most every ``BUSY_MS`` while questions keep arriving (each
        relayout sorts every question and repaints the view)."""
        if self._busy.isActive():
            self._dirty = True
            return
        self.relayout()
        self._busy.start()

    def _busy_over(self) -> None:
        if self._dirty:
            self._dirty = False
            self.relayout()
            self._busy.start()

    def relayout(self) -> None:
        """Recompute the order; persistent indexes follow their question."""
        self._dirty = False
        now = _now_ms()
        order = [cid for cid in self.queue.next_up if cid in self.queue.questions]
        order += [q.comment_id for q in self.queue.by_priority(now)]
        if len(order) != len(self._order) or set(order) != set(self._order):
            self.beginResetModel()
            self._order = order
            self.endResetModel()
            return
        self.layoutAboutToBeChanged.emit()
        old = self._order
        self._order = order
        position = {cid: row for row, cid in enumerate(order)}
        for persistent in self.persistentIndexList():
            cid = old[persistent.row()]
            self.changePersistentIndex(persistent, self.index(position[cid], persistent.column()))
        self.layoutChanged.emit()

    # -- Qt model API -------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._order)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return (_tr("Next"), _tr("Question"), _tr("Item"), _tr("Asked"), _tr("Waited"))[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        cid = self._order[index.row()]
        question = self.queue.questions[cid]
        column = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if column == "order":
                return str(self.queue.next_up.index(cid) + 1) if cid in self.queue.next_up else ""
            if column == "question":
                return ("⚑ " if question.flagged else "") + question.text
            if column == "item":
                item = self.catalog.items.get(question.item or "")
                return f"{item.code} {item.name_zh}" if item else ""
            if column == "asked":
                return str(question.askers)
            waited = max(0, _now_ms() - question.arrived_ms) // 1000
            return f"{waited // 60}:{waited % 60:02d}"
        if role == Qt.ItemDataRole.BackgroundRole:
            if cid == self.queue.on_air:
                return QColor("#7A1F1F")
            if cid == self.selected_id:
                return QColor("#1F4E79")  # the question the desk works on
            return None
        if role == Qt.ItemDataRole.ForegroundRole and cid in (self.queue.on_air, self.selected_id):
            return QColor("#FFFFFF")
        if role == Qt.ItemDataRole.FontRole and cid in self.queue.next_up:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.UserRole:
            return self.comments[cid]
        return None
