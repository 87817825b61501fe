"""The knowledge-base browser: class/item tree, Chinese search, entry and item editors.

Left, the 108 items by class with their entry counts; middle, the search box
and the entries of the selection (status, how often on air, version); right, the
selected entry's editor with its history, and the selected item's editor. Every
read and write is a request to the knowledge service (console/knowledge_service.py),
answered by signal on the GUI thread; nothing here runs SQL or waits for it.
``KnowledgeDock`` puts the view in the desk's main window when it is first shown and
the service has opened the base (or says why it could not). A language change
re-words the dock, the view, its models and editors in place: selections, searches
and unsaved edits stay.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, QItemSelection, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QTabWidget,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from videohelp.console.knowledge_service import KnowledgeFailure, KnowledgeService
from videohelp.core.kb_types import Entry
from videohelp.ui.catalog_editor import ItemEditor
from videohelp.ui.entry_editor import EntryEditor
from videohelp.ui.i18n import Retranslator
from videohelp.ui.knowledge_model import (
    CLASS_ROLE,
    CODE_ROLE,
    CatalogTreeModel,
    KnowledgeTableModel,
)
from videohelp.ui.review_dialog import ReviewDialog

log = logging.getLogger(__name__)
CTX = "KnowledgeView"


def _tr(text: str) -> str:
    return QCoreApplication.translate(CTX, text)


def _scrolled(widget: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidget(widget)
    area.setWidgetResizable(True)
    return area


class KnowledgeView(QWidget):
    """Browse, search, edit and review the knowledge base.

    Signals:
        entrySelected(object): the ``Entry`` chosen in the table.
    """

    entrySelected = Signal(object)

    def __init__(self, service: KnowledgeService, actor: str = "desk", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.rt = Retranslator(CTX)
        self.tree_model = CatalogTreeModel(service, self)
        self.model = KnowledgeTableModel(service, self)
        self.tree = QTreeView()
        self.tree.setModel(self.tree_model)
        self.tree.expand(self.tree_model.index(0, 0))
        self.tree.selectionModel().selectionChanged.connect(self._tree_selected)
        self.search = QLineEdit()
        self.rt.bind(self.search.setPlaceholderText,
                     QT_TRANSLATE_NOOP(CTX, "Search questions and answers: 驾照 换证, 电驴 上牌 …"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda text: self.model.set_filter(
            klass=self.model.klass, item=self.model.item, query=text))
        self.new_button = QPushButton()
        self.rt.bind(self.new_button.setText, QT_TRANSLATE_NOOP(CTX, "New answer"))
        self.rt.bind(self.new_button.setToolTip,
                     QT_TRANSLATE_NOOP(CTX, "A new entry for the item selected on the left"))
        self.new_button.clicked.connect(self.new_entry)
        self.review_button = QPushButton()
        self.rt.bind(self.review_button.setText, QT_TRANSLATE_NOOP(CTX, "Review drafts (Ctrl+R)"))
        self.rt.bind(self.review_button.setToolTip, QT_TRANSLATE_NOOP(
            CTX, "One draft at a time beside its article: approve, edit, send to the experts or retire"))
        self.review_button.clicked.connect(self.open_review)
        QShortcut(QKeySequence("Ctrl+R"), self).activated.connect(self.open_review)
        self.review: ReviewDialog | None = None
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        # Fixed widths, not ResizeToContents: measuring every row on each search
        # keystroke made a reset of all entries take most of a second.
        header = self.table.horizontalHeader()
        for column, width in enumerate((76, 48, 170, 260, 110, 52, 52)):
            self.table.setColumnWidth(column, width)
        header.setSectionResizeMode(KnowledgeTableModel.COLUMNS.index("short_answer"),
                                    QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().selectionChanged.connect(self._entry_selected)
        self.model.modelReset.connect(self._reselect)
        self.model.failedToLoad.connect(self._say_failure)
        self.tree_model.reloaded.connect(self._tree_reloaded)
        self.editor = EntryEditor(service, actor)
        self.item_editor = ItemEditor(service)
        self.item_editor.actor = actor
        self.editor.name.textChanged.connect(lambda name: setattr(self.item_editor, "actor", name.strip()))
        self.editor.saved.connect(self._entry_saved)
        self.item_editor.saved.connect(self._item_saved)
        self.tabs = QTabWidget()
        self.tabs.addTab(_scrolled(self.editor), "")
        self.tabs.addTab(_scrolled(self.item_editor), "")
        self.rt.bind(lambda text: self._name_tab(0, text), QT_TRANSLATE_NOOP(CTX, "Answer"))
        self.rt.bind(lambda text: self._name_tab(1, text), QT_TRANSLATE_NOOP(CTX, "Business item"))
        # Issue 19 hook: what the 24-hour service answered, with one-key "wrong answer".
        from videohelp.ui.auto_answers import AutoAnswersPanel
        self.auto_answers = AutoAnswersPanel(service, lambda: self.editor.name.text().strip() or actor)
        self.tabs.addTab(self.auto_answers, "")
        self.rt.bind(lambda text: self._name_tab(2, text),
                     QT_TRANSLATE_NOOP(CTX, "Answered automatically"))

        search_row = QHBoxLayout()
        search_row.addWidget(self.search, 1)
        search_row.addWidget(self.new_button)
        search_row.addWidget(self.review_button)
        middle = QWidget()
        middle_layout = QVBoxLayout(middle)
        middle_layout.setContentsMargins(0, 0, 0, 0)
        middle_layout.addLayout(search_row)
        middle_layout.addWidget(self.table)
        # Narrow screens: the tabs scroll and the panes shrink, so the dock never sets the
        # window's minimum width (the desk fits 1366 px with the knowledge base open).
        self.tabs.setUsesScrollButtons(True)
        self.tabs.setElideMode(Qt.TextElideMode.ElideRight)
        for pane in (self.tree, self.tabs):
            pane.setMinimumWidth(120)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.tree)
        splitter.addWidget(middle)
        splitter.addWidget(self.tabs)
        splitter.setSizes([260, 620, 520])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

    def _name_tab(self, index: int, text: str) -> None:
        """A tab's name, and the same as its tooltip: a narrow dock elides the names ("A…")."""
        self.tabs.setTabText(index, text)
        self.tabs.setTabToolTip(index, text)

    def retranslate(self) -> None:
        """Re-word the view and its models (the editors re-word themselves)."""
        self.rt.apply()
        self.tree_model.retranslate()
        self.model.retranslate()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def shutdown(self) -> None:
        """Stop following the base (call before closing it)."""
        self.model.detach()

    def idle(self) -> bool:
        """No request of the view is waiting for its answer (tests wait for this)."""
        parts = (self.tree_model, self.editor, self.item_editor, self.auto_answers)
        return all(part.pending is None for part in parts) and not self.model.busy

    def _say_failure(self, text: str) -> None:
        self.rt.show(self.editor.message.setText, text, key=self.editor.message)
        self.editor.setEnabled(True)

    _EDITING_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape)

    def event(self, event: QEvent) -> bool:
        # In the desk, Return (take) and Escape (clear) are window-wide shortcuts; while
        # someone works in the knowledge base they are editing keys. F12 still clears all.
        if (event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent)
                and event.key() in self._EDITING_KEYS):
            event.accept()
            return True
        return super().event(event)

    # -- selection --------------------------------------------------------------------------
    def select_item(self, code: str | None) -> None:
        """Show one item's entries (None: all)."""
        index = self.tree_model.index_of_item(code) if code else self.tree_model.index(0, 0)
        self.tree.setCurrentIndex(index)

    def select_entry(self, entry_id: str) -> bool:
        row = self.model.row_of(entry_id)
        if row is None:
            return False
        self.table.selectRow(row)
        return True

    def _tree_selected(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        if not indexes:
            return
        klass = indexes[0].data(CLASS_ROLE)
        code = indexes[0].data(CODE_ROLE)
        self.model.set_filter(klass=None if code else klass, item=code, query=self.search.text())
        if code:
            self.item_editor.load(code)

    def _entry_selected(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        rows = {index.row() for index in selected.indexes()}
        if not rows:
            return
        entry = self.model.entry_at(min(rows))
        self.editor.open_entry(entry)
        self.tabs.setCurrentIndex(0)
        self.entrySelected.emit(entry)

    def _reselect(self) -> None:
        """After a reset (filter, import), keep the edited entry selected if still shown."""
        if self.editor.entry is not None:
            row = self.model.row_of(self.editor.entry.id)
            if row is not None:
                self.table.selectionModel().blockSignals(True)
                self.table.selectRow(row)
                self.table.selectionModel().blockSignals(False)

    # -- actions ----------------------------------------------------------------------------
    def open_review(self) -> ReviewDialog:
        """The review mode, in its own window (one per view), reviewer from "Your name"."""
        if self.review is None:
            self.review = ReviewDialog(self.service, self.editor.name.text().strip() or "desk", self)
            self.review.decided.connect(lambda _id, _what: self._refresh_counts())
        else:
            self.review.reload()
        self.review.show()
        self.review.activateWindow()
        return self.review

    def new_entry(self) -> int | None:
        """Open a blank entry for the selected item in the editor (saved with Save); it shows
        when the service has found the next free id."""
        code = self.model.item
        if not code:
            self.editor.say(QT_TRANSLATE_NOOP("EntryEditor", "Select a business item on the left first."),
                            warn=True)
            self.tabs.setCurrentIndex(0)
            self.editor.setEnabled(True)
            return None
        self.table.clearSelection()
        self.tabs.setCurrentIndex(0)
        return self.editor.open_new(code)

    def _entry_saved(self, entry: Entry) -> None:
        self.select_entry(entry.id)
        self._refresh_counts()

    def _item_saved(self, _code: str) -> None:
        self._refresh_counts()
        if self.search.text().strip():
            self.model.refresh()  # new viewer words may match the search now

    def _refresh_counts(self) -> None:
        """Entry counts in the tree (names too); the tree's selection stays (updated in place)."""
        self.tree_model.reload()

    def _tree_reloaded(self) -> None:
        """A rebuilt tree (the catalog's items changed): select the shown item again."""
        if self.tree.currentIndex().isValid():
            return
        code, klass = self.model.item, self.model.klass
        self.tree.selectionModel().blockSignals(True)
        self.tree.expand(self.tree_model.index(0, 0))
        if code:
            index = self.tree_model.index_of_item(code)
            self.tree.expand(index.parent())
            self.tree.setCurrentIndex(index)
        elif klass is None:
            self.tree.setCurrentIndex(self.tree_model.index(0, 0))
        self.tree.selectionModel().blockSignals(False)


class KnowledgeDock(QDockWidget):
    """The knowledge view as a dock of the desk; the base opens when first shown.

    Signals:
        catalogSaved(str): a business item (this code) was saved as a new version; the
            desk has the session read the catalog again.
    """

    catalogSaved = Signal(str)

    def __init__(self, service: KnowledgeService, *, actor: str = "desk",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rt = Retranslator(CTX)
        self.rt.bind(self.setWindowTitle, QT_TRANSLATE_NOOP(CTX, "Knowledge base"))
        self.setObjectName("knowledgeDock")
        self.service, self.actor = service, actor
        self.view: KnowledgeView | None = None
        self.message: QLabel | None = None  # why the base cannot be shown, when it cannot
        self.visibilityChanged.connect(self._on_visible)
        service.opened.connect(self._opened)
        service.unavailable.connect(self._unavailable)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.rt.apply()
        super().changeEvent(event)

    def _on_visible(self, visible: bool) -> None:
        if visible and self.view is None:
            self.open_base()

    def _opened(self) -> None:
        if self.isVisible() and self.view is None:
            self.open_base()

    def _unavailable(self, failure: KnowledgeFailure) -> None:
        if self.isVisible():
            self.open_base()

    def open_base(self) -> KnowledgeView | None:
        """The view, once the service has opened the base (None until then, or if it cannot:
        the dock then says why)."""
        if self.view is None:
            if self.service.failure is not None:
                self._say(self.service.failure)
                return None
            if not self.service.is_open:
                return None  # built when ``opened`` arrives
            self.view = KnowledgeView(self.service, self.actor, self)
            self.view.item_editor.saved.connect(self.catalogSaved)
            self.setWidget(self.view)
            log.info("knowledge base shown in the desk")
        return self.view

    def _say(self, failure: KnowledgeFailure) -> None:
        if self.message is None:
            self.message = QLabel()
            self.message.setObjectName("knowledgeUnavailable")
            self.message.setWordWrap(True)
            self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.setWidget(self.message)
        self.rt.bind(self.message.setText, QT_TRANSLATE_NOOP(
            CTX, "The knowledge base cannot be opened: {why}"), why=failure.detail)

    def shutdown(self) -> None:
        if self.view is not None:
            self.view.shutdown()
