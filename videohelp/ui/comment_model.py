"""The live feed's table model: newest first, appended in batches, no widget per row."""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor

from videohelp.queue.comments import State, StoredComment

PLATFORM_LABELS = {"app": "视频帮", "zlb": "浙里办", "douyin": "抖音", "replay": "回放"}

Index = QModelIndex | QPersistentModelIndex


def _tr(text: str) -> str:
    return QCoreApplication.translate("CommentListModel", text)


class CommentListModel(QAbstractTableModel):
    """Comments for the live feed. Row 0 is the newest.

    ``show_personal`` decides whether viewer names and texts are unmasked
    (only the officer's layout sets it).
    """

    COLUMNS = ("time", "platform", "viewer", "text", "state")
    MAX_ROWS = 20_000  # older comments stay in the store, not in the view

    def __init__(self, show_personal: bool = False, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[StoredComment] = []  # oldest first; row r is _rows[-1 - r]
        self._index_of: dict[int, int] = {}
        self._offset = 0  # number of comments dropped from the front
        self.show_personal = show_personal

    # -- updates ----------------------------------------------------------------
    def add_comments(self, comments: list[StoredComment]) -> None:
        """Insert a batch at the top in one model change."""
        if not comments:
            return
        self.beginInsertRows(QModelIndex(), 0, len(comments) - 1)
        for comment in comments:
            self._index_of[comment.id] = self._offset + len(self._rows)
            self._rows.append(comment)
        self.endInsertRows()
        excess = len(self._rows) - self.MAX_ROWS
        if excess > 0:
            self.beginRemoveRows(QModelIndex(), self.MAX_ROWS, len(self._rows) - 1)
            for comment in self._rows[:excess]:
                self._index_of.pop(comment.id, None)
            del self._rows[:excess]
            self._offset += excess
            self.endRemoveRows()

    def update_comment(self, comment: StoredComment) -> None:
        position = self._index_of.get(comment.id)
        if position is None:
            return
        self._rows[position - self._offset] = comment
        row = self.row_of(comment.id)
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.COLUMNS) - 1))

    def set_show_personal(self, show: bool) -> None:
        self.show_personal = show
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, 4))

    # -- access -----------------------------------------------------------------
    def comment_at(self, row: int) -> StoredComment:
        return self._rows[len(self._rows) - 1 - row]

    def row_of(self, comment_id: int) -> int:
        return len(self._rows) - 1 - (self._index_of[comment_id] - self._offset)

    # -- Qt model API -------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return (_tr("Time"), _tr("Platform"), _tr("Viewer"), _tr("Comment"), _tr("State"))[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        comment = self.comment_at(index.row())
        column = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if column == "time":
                return time.strftime("%H:%M:%S", time.localtime(comment.ts_ms / 1000))
            if column == "platform":
                return PLATFORM_LABELS.get(comment.platform, comment.platform)
            if column == "viewer":
                return comment.user_name if self.show_personal else comment.user_name_masked
            if column == "text":
                return comment.text if self.show_personal else comment.text_masked
            return state_label(comment.state)
        if role == Qt.ItemDataRole.ForegroundRole and comment.state in (State.BLOCKED, State.DISMISSED):
            return QColor("#888888")
        if role == Qt.ItemDataRole.BackgroundRole and comment.state == State.ON_AIR:
            return QColor("#7A1F1F")
        if role == Qt.ItemDataRole.UserRole:
            return comment
        return None


def state_label(state: State) -> str:
    labels = {State.NEW: "New", State.TRIAGED: "Triaged", State.QUEUED: "Queued",
              State.ON_AIR: "On air", State.ANSWERED: "Answered", State.FLAGGED: "Flagged",
              State.DISMISSED: "Dismissed", State.BLOCKED: "Blocked"}
    return QCoreApplication.translate("CommentState", labels[state])
