"""Qt models over the knowledge base: the class/item tree and the entry table.

The models read and write only through ``KnowledgeBase`` (console), never SQL.
The table follows the base: it listens to it and updates the changed entry's row,
or reloads after a bulk change such as an import. ``retranslate`` re-words headers
and labels after a language change without resetting (selections stay).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QStandardItem, QStandardItemModel

from videohelp.core.catalog import CLASSES
from videohelp.core.knowledge import AMENDED_MARK, Entry, KnowledgeBase

CLASS_ROLE = Qt.ItemDataRole.UserRole + 1
CODE_ROLE = Qt.ItemDataRole.UserRole + 2
ENTRY_ROLE = Qt.ItemDataRole.UserRole + 3

_Index = QModelIndex | QPersistentModelIndex


def _tr(text: str) -> str:
    return QCoreApplication.translate("KnowledgeModel", text)


class CatalogTreeModel(QStandardItemModel):
    """All items > class > item, each with its number of entries."""

    def __init__(self, kb: KnowledgeBase, parent: Any = None) -> None:
        super().__init__(parent)
        self.kb = kb
        self.reload()

    def reload(self) -> None:
        self.clear()
        catalog = self.kb.catalog_store.catalog()
        counts = self.kb.entry_counts()
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

    def __init__(self, kb: KnowledgeBase, parent: Any = None) -> None:
        super().__init__(parent)
        self.kb = kb
        self.klass: str | None = None
        self.item: str | None = None
        self.query = ""
        self._entries: list[Entry] = []
        self._rows: dict[str, int] = {}
        self._counts: dict[str, int] = {}
        self._decisions: dict[str, str] = {}  # standing review decisions (retire, needs_expert)
        self._headers: dict[str, str] = {}
        self.retranslate()
        kb.add_listener(self._on_changed)
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
        """Stop following the base (before the base or this model goes away)."""
        self.kb.remove_listener(self._on_changed)

    # -- filter -------------------------------------------------------------------------
    def set_filter(self, *, klass: str | None = None, item: str | None = None,
                   query: str | None = None) -> None:
        """Show one class or one item (or everything), matching ``query`` if given."""
        self.klass, self.item = klass, item
        if query is not None:
            self.query = query
        self.refresh()

    def refresh(self) -> None:
        self.beginResetModel()
        if self.query.strip():
            self._entries = self.kb.search(self.query, item=self.item, klass=self.klass,
                                           include_retired=True)
        else:
            self._entries = self.kb.entries(item=self.item, klass=self.klass, include_retired=True)
        self._rows = {entry.id: row for row, entry in enumerate(self._entries)}
        self._counts = self.kb.on_air_counts()
        self._decisions = self.kb.latest_actions()
        self.endResetModel()

    def _on_changed(self, entry_id: str | None) -> None:
        if entry_id is None:
            self.refresh()
            return
        self._counts = self.kb.on_air_counts()
        self._decisions = self.kb.latest_actions()
        row = self._rows.get(entry_id)
        if row is None:  # a new entry: it may belong to what is shown
            self.refresh()
            return
        self._entries[row] = self.kb.get(entry_id)
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.COLUMNS) - 1))

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
