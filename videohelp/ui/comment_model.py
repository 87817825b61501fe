"""The live feed's table model: newest first, appended in batches, no widget per row."""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor

from videohelp.core.catalog import Catalog, default_catalog
from videohelp.queue.comments import State, StoredComment
from videohelp.ui.words import PLATFORMS

PLATFORM_LABELS = PLATFORMS
SELECTED_BACKGROUND = QColor("#1F4E79")  # the question the desk works on (both themes: white text)
ON_AIR_BACKGROUND = QColor("#7A1F1F")

Index = QModelIndex | QPersistentModelIndex
CommentRole = Qt.ItemDataRole.UserRole
ChatterRole = Qt.ItemDataRole.UserRole + 1


def _tr(text: str) -> str:
    return QCoreApplication.translate("CommentListModel", text)


class CommentListModel(QAbstractTableModel):
    """Comments for the live feed. Row 0 is the newest.

    ``show_personal`` decides whether viewer names and texts are unmasked
    (only the officer's layout sets it). Repeats are not rows: they raise the
    "asked" count of the comment they repeat. Items are named from ``catalog``
    (the session's; ``set_catalog`` follows its edits).
    """

    COLUMNS = ("time", "platform", "viewer", "text", "item", "asked", "state")
    MAX_ROWS = 20_000  # older comments stay in the store, not in the view
    MAX_EARLY = 2_000  # triage results that came before their row (see update_comments)

    def __init__(self, show_personal: bool = False, catalog: Catalog | None = None,
                 parent=None) -> None:
        super().__init__(parent)
        self._rows: list[StoredComment] = []  # oldest first; row r is _rows[-1 - r]
        self._index_of: dict[int, int] = {}
        self._offset = 0  # number of comments dropped from the front
        self._askers: dict[int, int] = {}
        self.catalog = catalog or default_catalog()
        self.show_personal = show_personal
        # Triage may file a comment before the feed's batch brings its row (the feed
        # waits up to 40 ms, triage takes a few): such results wait here for their row.
        self._early: dict[int, StoredComment] = {}
        self._early_askers: dict[int, int] = {}  # repeats counted before their row came
        self.selected_id: int | None = None
        self.on_air_id: int | None = None

    # -- updates ----------------------------------------------------------------
    def add_comments(self, comments: list[StoredComment]) -> None:
        """Insert a batch at the top in one model change."""
        if not comments:
            return
        self.beginInsertRows(QModelIndex(), 0, len(comments) - 1)
        early = self._early
        asked: list[int] = []
        early_askers = self._early_askers
        for comment in comments:
            self._index_of[comment.id] = self._offset + len(self._rows)
            if early_askers and comment.id in early_askers:
                self._askers[comment.id] = self._askers.get(comment.id, 1) + early_askers.pop(
                    comment.id)
            if early and comment.id in early:
                comment = early.pop(comment.id)
                if comment.repeat_of is not None and comment.repeat_of in self._index_of:
                    self._askers[comment.repeat_of] = self._askers.get(comment.repeat_of, 1) + 1
                    asked.append(comment.repeat_of)
            self._rows.append(comment)
        self.endInsertRows()
        excess = len(self._rows) - self.MAX_ROWS
        if excess > 0:
            self.beginRemoveRows(QModelIndex(), self.MAX_ROWS, len(self._rows) - 1)
            for comment in self._rows[:excess]:
                self._index_of.pop(comment.id, None)
                self._askers.pop(comment.id, None)
            del self._rows[:excess]
            self._offset += excess
            self.endRemoveRows()
        column = self.COLUMNS.index("asked")
        self._changed_runs([self.row_of(cid) for cid in asked if cid in self._index_of], column, column)

    def update_comment(self, comment: StoredComment) -> None:
        self.update_comments([comment])

    def file_comments(self, comments: list[StoredComment]) -> None:
        """Triage's results: the rows hold them now (a selection reads them at once); the
        views repaint them with the feed's next batch (``repaint_comments``), not apart."""
        self.update_comments(comments, repaint=False)

    def repaint_comments(self, comments: list[StoredComment]) -> None:
        """The views re-read these comments' rows, and those of the questions they repeat
        ("N asked"), if still in the window."""
        index_of = self._index_of
        ids = {c.id for c in comments} | {c.repeat_of for c in comments if c.repeat_of is not None}
        self._changed_runs([self.row_of(i) for i in ids if i in index_of], 0, len(self.COLUMNS) - 1)

    def update_comments(self, comments: list[StoredComment], *, repaint: bool = True) -> None:
        """Replace rows in place (triage results, state changes); one signal per run of rows."""
        rows = []
        for comment in comments:
            position = self._index_of.get(comment.id)
            if position is not None:
                before = self._rows[position - self._offset]
                self._rows[position - self._offset] = comment
                rows.append(self.row_of(comment.id))
                if comment.repeat_of is not None and before.repeat_of is None:
                    asked = self._asked_again(comment.repeat_of)
                    if repaint:
                        rows.extend(asked)
            elif not self._rows or comment.id > self._rows[-1].id:
                # Also a comment triage found to ask what an earlier one asked (repeat_of).
                self._early[comment.id] = comment
                if len(self._early) > self.MAX_EARLY:  # its row never came: forget the oldest
                    del self._early[next(iter(self._early))]
        if repaint:
            self._changed_runs(rows, 0, len(self.COLUMNS) - 1)

    def _changed_runs(self, rows: list[int], first: int, last: int) -> None:
        """One dataChanged per run of adjacent rows: a span from the newest row to one far
        down would make the filter re-check (and views re-read) every row between."""
        if not rows:
            return
        ordered = sorted(set(rows))
        start = previous = ordered[0]
        for row in [*ordered[1:], None]:
            if row is not None and row == previous + 1:
                previous = row
                continue
            self.dataChanged.emit(self.index(start, first), self.index(previous, last))
            if row is not None:
                start = previous = row

    def _asked_again(self, comment_id: int) -> list[int]:
        """Triage found another viewer asking what ``comment_id`` asked: "N asked" goes up."""
        return [self.row_of(comment_id)] if self._count_asker(comment_id, 1) else []

    def add_askers(self, counts: dict[int, int]) -> None:
        """More viewers asked the same as these comments (repeats collapsed)."""
        rows = []
        for comment_id, count in counts.items():
            if self._count_asker(comment_id, count):
                rows.append(self.row_of(comment_id))
        column = self.COLUMNS.index("asked")
        self._changed_runs(rows, column, column)

    def _count_asker(self, comment_id: int, count: int) -> bool:
        """Count ``count`` more askers of ``comment_id``; True if it is a row now.

        Only rows are counted, and comments whose row is still to come (their batch waits
        in the feed): a repeat of a comment that left the window long ago (the ingest
        links repeats over ten minutes, 180,000 comments at 300/s) is not kept, so the
        counts stay bounded by the window (issue 15: a three-hour show).
        """
        if comment_id in self._index_of:
            self._askers[comment_id] = self._askers.get(comment_id, 1) + count
            return True
        if not self._rows or comment_id > self._rows[-1].id:
            self._early_askers[comment_id] = self._early_askers.get(comment_id, 0) + count
            if len(self._early_askers) > self.MAX_EARLY:
                del self._early_askers[next(iter(self._early_askers))]
        return False

    def set_marks(self, selected_id: int | None, on_air_id: int | None) -> None:
        """Highlight the question the desk has selected and the one on air."""
        changed = {self.selected_id, self.on_air_id, selected_id, on_air_id} - {None}
        self.selected_id, self.on_air_id = selected_id, on_air_id
        rows = [self.row_of(cid) for cid in changed if cid in self._index_of]
        for row in rows:
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.COLUMNS) - 1))

    def askers(self, comment_id: int) -> int:
        return self._askers.get(comment_id, 1)

    def set_catalog(self, catalog: Catalog) -> None:
        """Name items from ``catalog`` from now on (an edit was saved in the studio)."""
        self.catalog = catalog
        if self._rows:
            column = self.COLUMNS.index("item")
            self.dataChanged.emit(self.index(0, column), self.index(self.rowCount() - 1, column))

    def set_show_personal(self, show: bool) -> None:
        self.show_personal = show
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1,
                                                                len(self.COLUMNS) - 1))

    # -- access -----------------------------------------------------------------
    def comment_at(self, row: int) -> StoredComment:
        return self._rows[len(self._rows) - 1 - row]

    def row_of(self, comment_id: int) -> int:
        return len(self._rows) - 1 - (self._index_of[comment_id] - self._offset)

    def comment(self, comment_id: int) -> StoredComment | None:
        position = self._index_of.get(comment_id)
        return None if position is None else self._rows[position - self._offset]

    # -- Qt model API -------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return (_tr("Time"), _tr("Platform"), _tr("Viewer"), _tr("Comment"), _tr("Item"),
                    _tr("Asked"), _tr("State"))[section]
        return None

    @staticmethod
    def asked_text(count: int) -> str:
        """The "N asked" cell's text (the feed sizes its column from it)."""
        return _tr("{n} asked").format(n=count)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # A view asks each visible cell for a dozen roles on every repaint: the ones this
        # model never answers (font, alignment, decoration...) go back at once.
        if role not in _ROLES or not index.isValid():
            return None
        comment = self.comment_at(index.row())
        column = self.COLUMNS[index.column()]
        chatter = comment.is_question is False
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(comment, column)
        if role == Qt.ItemDataRole.ToolTipRole and column == "item" and comment.item:
            item = self.catalog.items.get(comment.item)
            return f"{item.klass} · {item.name_zh}" if item else comment.item
        if role == Qt.ItemDataRole.ForegroundRole and (
                chatter or comment.state in (State.BLOCKED, State.DISMISSED)):
            return QColor("#7D8696")
        if role == Qt.ItemDataRole.BackgroundRole:
            if comment.state == State.ON_AIR or comment.id == self.on_air_id:
                return ON_AIR_BACKGROUND
            if comment.id == self.selected_id:
                return SELECTED_BACKGROUND
            return None
        if role == Qt.ItemDataRole.ForegroundRole and comment.id in (self.selected_id,
                                                                      self.on_air_id):
            return QColor("#FFFFFF")
        if role == CommentRole:
            return comment
        if role == ChatterRole:
            return chatter
        return None

    def _display(self, comment: StoredComment, column: str) -> str:
        if column == "time":
            return time.strftime("%H:%M:%S", time.localtime(comment.ts_ms / 1000))
        if column == "platform":
            return PLATFORMS.get(comment.platform, comment.platform)
        if column == "viewer":
            return comment.user_name if self.show_personal else comment.user_name_masked
        if column == "text":
            return comment.text if self.show_personal else comment.text_masked
        if column == "item":
            if comment.is_question is None:
                return "…"
            if not comment.is_question or not comment.item:
                return _tr("Chatter")
            item = self.catalog.items.get(comment.item)
            if item is None:
                return f"{comment.item} ({(comment.confidence or 0):.0%})"
            return f"{item.klass} · {comment.item} {item.name_zh} ({(comment.confidence or 0):.0%})"
        if column == "asked":
            count = self.askers(comment.id)
            return self.asked_text(count) if count > 1 else ""
        return state_label(comment.state)


_ROLES = frozenset({Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole,
                    Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.BackgroundRole, CommentRole,
                    ChatterRole})


class FeedFilter(QSortFilterProxyModel):
    """Filters the live feed by platform, class, item, state and text."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.platform = ""
        self.klass = ""
        self.item = ""
        self.state = ""
        self.text = ""
        self.questions_only = False

    def set_filters(self, **values: Any) -> None:
        self.beginFilterChange()
        for name, value in values.items():
            if not hasattr(self, name):
                raise AttributeError(name)
            setattr(self, name, value)
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        if not (self.platform or self.state or self.item or self.klass or self.questions_only
                or self.text):
            return True  # no filter: nothing to read (the usual case, at hundreds of rows/s)
        model = self.sourceModel()
        assert isinstance(model, CommentListModel)
        comment = model.comment_at(source_row)
        if self.platform and comment.platform != self.platform:
            return False
        if self.state and comment.state.value != self.state:
            return False
        if self.item and comment.item != self.item:
            return False
        if self.klass:
            item = model.catalog.items.get(comment.item or "")
            if item is None or item.klass != self.klass:
                return False
        if self.questions_only and not comment.is_question:
            return False
        shown = comment.text if model.show_personal else comment.text_masked
        return not self.text or self.text in shown


def state_label(state: State) -> str:
    return QCoreApplication.translate("CommentState", _STATE_LABELS[state])


_STATE_LABELS = {
    State.NEW: QT_TRANSLATE_NOOP("CommentState", "New"),
    State.TRIAGED: QT_TRANSLATE_NOOP("CommentState", "Triaged"),
    State.QUEUED: QT_TRANSLATE_NOOP("CommentState", "Queued"),
    State.ON_AIR: QT_TRANSLATE_NOOP("CommentState", "On air"),
    State.ANSWERED: QT_TRANSLATE_NOOP("CommentState", "Answered"),
    State.FLAGGED: QT_TRANSLATE_NOOP("CommentState", "Flagged"),
    State.DISMISSED: QT_TRANSLATE_NOOP("CommentState", "Dismissed"),
    State.BLOCKED: QT_TRANSLATE_NOOP("CommentState", "Blocked"),
}
