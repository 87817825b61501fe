"""Qt models over the knowledge base: the class/item tree and the entry table.

The models ask the knowledge service (console/knowledge_service.py), never SQL: a
request returns at once and its result arrives later by signal on the GUI thread. Each
model keeps the id of its latest request and drops every other result, so a slow read
for an old filter never replaces a newer one. The table follows the base: after a
change made through the service it reads its filter again and updates the rows in
place (a reset only when the rows themselves differ). ``retranslate`` re-words headers
and labels after a language change without resetting (selections stay).
"""

from __future__ import annotations

import contextlib
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QStandardItem, QStandardItemModel

from videohelp.console.knowledge_service import KnowledgeFailure, KnowledgeService
from videohelp.console.knowledge_work import EntryList, Tree
from videohelp.core.catalog import CLASSES, Catalog
from videohelp.core.kb_types import AMENDED_MARK, Entry

CLASS_ROLE = Qt.ItemDataRole.UserRole + 1
CHANGE_DELAY_MS = 150
CODE_ROLE = Qt.ItemDataRole.UserRole + 2
ENTRY_ROLE = Qt.ItemDataRole.UserRole + 3

_Index = QModelIndex | QPersistentModelIndex


def _tr(text: str) -> str:
    return QCoreApplication.translate("KnowledgeModel", text)


def failure_text(failure: KnowledgeFailure) -> str:
    """A failed request in the operator's words (an invalid input says what is wrong)."""
    if failure.kind == "busy":
        return "⚠ " + _tr("The knowledge base is busy (another program is writing to it): try again.")
    if failure.kind in ("broken", "closed"):
        return "⚠ " + _tr("The knowledge base cannot be read: {why}").format(why=failure.detail)
    return f"⚠ {failure.detail}"


class CatalogTreeModel(QStandardItemModel):
    """All items > class > item, each with its number of entries."""

    reloaded = Signal()

    def __init__(self, service: KnowledgeService, parent: Any = None) -> None:
        super().__init__(parent)
        self.service = service
        self.pending: int | None = None
        service.treeLoaded.connect(self._loaded)
        service.failed.connect(self._failed)
        snapshot = service.snapshot  # shown at once; the fresh counts follow
        self._build(service.catalog or Catalog({}), snapshot.counts if snapshot else {})
        self.reload()

    def reload(self) -> None:
        """Read names and counts again (they arrive by ``treeLoaded``; then ``reloaded``)."""
        self.pending = self.service.tree()

    def _failed(self, request: int, _failure: KnowledgeFailure) -> None:
        if request == self.pending:
            self.pending = None

    def _loaded(self, request: int, tree: Tree) -> None:
        if request != self.pending:
            return  # an older read, or another view's
        self.pending = None
        if self._codes() == [item.code for klass in CLASSES for item in tree.catalog.by_class(klass)]:
            self._update(tree.catalog, tree.counts)  # in place: the selection stays
        else:
            self._build(tree.catalog, tree.counts)
        self.reloaded.emit()

    def _codes(self) -> list[str]:
        root = self.item(0)
        return [root.child(c).child(i).data(CODE_ROLE) for c in range(root.rowCount())
                for i in range(root.child(c).rowCount())] if root is not None else []

    def _update(self, catalog: Catalog, counts: dict[str, int]) -> None:
        self._total = sum(counts.values())
        root = self.item(0)
        for c in range(root.rowCount()):
            class_node = root.child(c)
            klass = class_node.data(CLASS_ROLE)
            total = 0
            for i in range(class_node.rowCount()):
                node = class_node.child(i)
                item = catalog[node.data(CODE_ROLE)]
                total += counts.get(item.code, 0)
                node.setText(f"{item.code} {item.name_zh} ({counts.get(item.code, 0)})")
                node.setToolTip(" / ".join(item.synonyms))
            class_node.setText(f"{klass} ({total})")
        self.retranslate()

    def _build(self, catalog: Catalog, counts: dict[str, int]) -> None:
        self.clear()
        self._total = sum(counts.values())
        root = QStandardItem()
        root.setEditable(False)
        for klass in CLASSES:
            items = catalog.by_class(klass)
            total = sum(counts.get(item.code, 0) for item in items)
            class_node = QStandardItem(f"{klass} ({total})")
            class_node.setData(klass, CLASS_ROLE)
            class_node.setEditable(False)
            for item in items:
                node = QStandardItem(f"{item.code} {item.name_zh} ({counts.get(item.code, 0)})")
                node.setData(klass, CLASS_ROLE)
                node.setData(item.code, CODE_ROLE)
                node.setToolTip(" / ".join(item.synonyms))
                node.setEditable(False)
                class_node.appendRow(node)
            root.appendRow(class_node)
        self.appendRow(root)
        self.retranslate()

    def retranslate(self) -> None:
        """The header and the root's label in the current language (in place)."""
        self.setHorizontalHeaderLabels([_tr("Business items")])
        self.item(0).setText(_tr("All items ({count})").format(count=self._total))

    def index_of_item(self, code: str) -> QModelIndex:
        matches = self.match(self.index(0, 0), CODE_ROLE, code, 1,
                             Qt.MatchFlag.MatchRecursive | Qt.MatchFlag.MatchExactly)
        return matches[0] if matches else QModelIndex()


class KnowledgeTableModel(QAbstractTableModel):
    """The entries of the current filter (class, item, search words), one per row."""

    COLUMNS = ("id", "item", "question", "short_answer", "status", "on_air", "version")
    _DRAFT = QColor("#A35C00")  # 4.6:1 on cream, readable on the dark theme's base too
    _AMENDED = QColor("#FFF3E0")
    _ON_CREAM = QColor("#2B2118")

    loaded = Signal()  # the rows of the latest filter are shown
    failedToLoad = Signal(str)  # what went wrong, in the operator's words

    def __init__(self, service: KnowledgeService, parent: Any = None) -> None:
        super().__init__(parent)
        self.service = service
        self.klass: str | None = None
        self.item: str | None = None
        self.query = ""
        self.pending: int | None = None  # the latest request; any other result is stale
        self._entries: list[Entry] = []
        self._rows: dict[str, int] = {}
        self._counts: dict[str, int] = {}
        self._decisions: dict[str, str] = {}  # standing review decisions (retire, needs_expert)
        self._headers: dict[str, str] = {}
        self.retranslate()
        # A change read once per burst: a review pass changes an entry every key, and a
        # read of every row after each one doubled a decision's time behind the dialog.
        self._change_timer = QTimer(self)
        self._change_timer.setSingleShot(True)
        self._change_timer.setInterval(CHANGE_DELAY_MS)
        self._change_timer.timeout.connect(self.refresh)
        service.entriesListed.connect(self._listed)
        service.failed.connect(self._failed)
        service.changed.connect(self._on_changed)
        self.refresh()

    def retranslate(self) -> None:
        """Headers and the status column in the current language (no reset)."""
        self._headers = {"id": _tr("ID"), "item": _tr("Item"), "question": _tr("Question"),
                         "short_answer": _tr("On-air answer"), "status": _tr("Status"),
                         "on_air": _tr("On air"), "version": _tr("Version")}
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.COLUMNS) - 1)
        if self._entries:
            column = self.COLUMNS.index("status")
            self.dataChanged.emit(self.index(0, column), self.index(len(self._entries) - 1, column))

    def detach(self) -> None:
        """Stop following the base (before this model goes away)."""
        for signal, slot in ((self.service.entriesListed, self._listed), (self.service.failed, self._failed),
                             (self.service.changed, self._on_changed)):
            with contextlib.suppress(RuntimeError, TypeError):  # already gone
                signal.disconnect(slot)
        self._change_timer.stop()
        self.pending = None

    # -- filter -------------------------------------------------------------------------
    def set_filter(self, *, klass: str | None = None, item: str | None = None,
                   query: str | None = None) -> None:
        """Show one class or one item (or everything), matching ``query`` if given."""
        self.klass, self.item = klass, item
        if query is not None:
            self.query = query
        self.refresh()

    def refresh(self) -> None:
        """Read the filter's entries again; they replace the rows when they arrive."""
        self._change_timer.stop()
        self.pending = self.service.entries(self.klass, self.item, self.query)

    @property
    def busy(self) -> bool:
        """A read is under way or due (after a change)."""
        return self.pending is not None or self._change_timer.isActive()

    def _on_changed(self, _entry_id: str | None) -> None:
        self._change_timer.start()  # a new entry may belong to what is shown; counts move

    def _failed(self, request: int, failure: KnowledgeFailure) -> None:
        if request == self.pending:
            self.pending = None
            self.failedToLoad.emit(failure_text(failure))

    def _listed(self, request: int, listed: EntryList) -> None:
        if request != self.pending:
            return  # stale: an older filter's rows (or another view's request)
        self.pending = None
        self._counts, self._decisions = listed.on_air, listed.decisions
        if [e.id for e in listed.entries] == [e.id for e in self._entries]:
            self._entries = listed.entries  # same rows: update in place, the selection stays
            if self._entries:
                self.dataChanged.emit(self.index(0, 0),
                                      self.index(len(self._entries) - 1, len(self.COLUMNS) - 1))
        else:
            self.beginResetModel()
            self._entries = listed.entries
            self._rows = {entry.id: row for row, entry in enumerate(self._entries)}
            self.endResetModel()
        self.loaded.emit()

    # -- access -------------------------------------------------------------------------
    def entry_at(self, row: int) -> Entry:
        return self._entries[row]

    def row_of(self, entry_id: str) -> int | None:
        return self._rows.get(entry_id)

    # -- Qt model -----------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._entries)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[self.COLUMNS[section]]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        entry = self._entries[index.row()]
        column = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(entry, column)
        if role == ENTRY_ROLE:
            return entry
        if role == Qt.ItemDataRole.ToolTipRole:
            return "\n".join([*entry.questions, "", entry.full_answer, entry.change_note]).strip()
        amended = AMENDED_MARK in entry.change_note
        if role == Qt.ItemDataRole.ForegroundRole and (amended or (column == "status" and entry.is_draft)):
            # A cream row has dark text in both themes (the dark theme's light text on cream
            # could not be read); the draft mark keeps its colour, dark enough on either.
            return QBrush(self._DRAFT if column == "status" and entry.is_draft else self._ON_CREAM)
        if role == Qt.ItemDataRole.BackgroundRole and amended:
            return QBrush(self._AMENDED)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in ("on_air", "version"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _display(self, entry: Entry, column: str) -> Any:
        if column == "question":
            return entry.questions[0] if entry.questions else ""
        if column == "status":
            decision = self._decisions.get(entry.id)
            if decision == "retire":
                return _tr("retired")
            if decision == "needs_expert":
                return _tr("needs expert")
            if entry.is_draft:
                return _tr("draft")
            return _tr("reviewed by {name}").format(name=entry.reviewed_by)
        if column == "on_air":
            return self._counts.get(entry.id, 0)
        return getattr(entry, column)
