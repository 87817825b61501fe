"""The desk's main window: live feed, program preview, take / clear / clear-all."""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QModelIndex, Qt, Signal
from PySide6.QtGui import QCloseEvent, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QPushButton,
    QSplitter,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from videohelp.console.session import ShowSession
from videohelp.queue.comments import StoredComment
from videohelp.ui.comment_model import CommentListModel
from videohelp.ui.knowledge_view import KnowledgeDock
from videohelp.ui.preview import ProgramPreview

log = logging.getLogger(__name__)


def _tr(text: str) -> str:
    return QCoreApplication.translate("MainWindow", text)


class MainWindow(QMainWindow):
    """The studio desk.

    Signals:
        operatorActed(): the operator pressed a button or shortcut (the demo stands down).
    """

    operatorActed = Signal()

    def __init__(self, session: ShowSession, *, show_personal: bool = False) -> None:
        super().__init__()
        self.session = session
        self.model = CommentListModel(show_personal=show_personal, parent=self)
        self.setWindowTitle(_tr("videohelp — Live desk"))
        self.resize(1600, 900)

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(28)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(self._take_index)

        self.preview = ProgramPreview()
        self.on_air_label = QLabel(_tr("Nothing on air"))
        self.on_air_label.setWordWrap(True)
        self.take_button = QPushButton(_tr("On screen (Enter)"))
        self.clear_button = QPushButton(_tr("Off screen (Esc)"))
        self.panic_button = QPushButton(_tr("CLEAR ALL (F12)"))
        self.panic_button.setObjectName("panicButton")
        panic_font = QFont(self.panic_button.font())
        panic_font.setPixelSize(28)
        panic_font.setBold(True)
        self.panic_button.setFont(panic_font)
        self.panic_button.setMinimumHeight(64)
        self.panic_button.setStyleSheet("QPushButton#panicButton { background: #B71C1C; color: white; }")
        self.take_button.clicked.connect(self.take_selected)
        self.clear_button.clicked.connect(self.clear_question)
        self.panic_button.clicked.connect(self.panic)

        buttons = QHBoxLayout()
        buttons.addWidget(self.take_button)
        buttons.addWidget(self.clear_button)
        right = QVBoxLayout()
        right.addWidget(QLabel(_tr("Program")))
        right.addWidget(self.preview, 1)
        right.addWidget(self.on_air_label)
        right.addLayout(buttons)
        right.addWidget(self.panic_button)
        right_panel = QWidget()
        right_panel.setLayout(right)

        left = QVBoxLayout()
        left.addWidget(QLabel(_tr("Live comments")))
        left.addWidget(self.table)
        left_panel = QWidget()
        left_panel.setLayout(left)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left_panel)
        splitter.addWidget(right_panel)
        splitter.setSizes([900, 700])
        self.setCentralWidget(splitter)
        self.statusBar().showMessage(_tr("Ready"))

        for keys, slot in (("Return", self.take_selected), ("Escape", self.clear_question),
                           ("F12", self.panic), ("Ctrl+Shift+X", self.panic)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(slot)

        session.feed.commentsAdded.connect(self._on_comments)
        session.commentChanged.connect(self.model.update_comment)
        session.onAirChanged.connect(self._on_air_changed)
        session.actionFailed.connect(lambda text: self.statusBar().showMessage(text, 5000))
        session.program.previewReady.connect(self.preview.show_frame)

        # The knowledge base: a dock, hidden (and not opened) until F3 or its status-bar button.
        self.knowledge_dock = KnowledgeDock(session.paths.database, actor=session.options.actor,
                                            regulations_dir=session.settings["kb.regulations_dir"],
                                            parent=self)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.knowledge_dock)
        self.knowledge_dock.hide()
        knowledge_toggle = self.knowledge_dock.toggleViewAction()
        knowledge_toggle.setShortcut(QKeySequence("F3"))
        self.addAction(knowledge_toggle)
        knowledge_button = QToolButton()
        knowledge_button.setDefaultAction(knowledge_toggle)
        self.statusBar().addPermanentWidget(knowledge_button)

        # The daily review (每日复盘), opened from the menu; it computes off the main thread.
        self.review_action = self.menuBar().addMenu(_tr("&Review")).addAction(_tr("Daily review…"))
        self.review_action.triggered.connect(self.open_review)

    # -- slots ----------------------------------------------------------------------
    def _on_comments(self, comments: list[StoredComment]) -> None:
        self.model.add_comments(comments)
        self.statusBar().showMessage(
            _tr("{count} comments in the feed").format(count=self.model.rowCount()))

    def _on_air_changed(self, comment: StoredComment | None) -> None:
        if comment is None:
            self.on_air_label.setText(_tr("Nothing on air"))
        else:
            self.on_air_label.setText(_tr("On air: {text}").format(text=comment.text_masked))

    def selected_comment(self) -> StoredComment | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.comment_at(rows[0].row()) if rows else None

    def _take_index(self, index: QModelIndex) -> None:
        self.table.selectRow(index.row())
        self.take_selected()

    def take_selected(self) -> None:
        comment = self.selected_comment()
        self.operatorActed.emit()
        if comment is None:
            self.statusBar().showMessage(_tr("Select a comment first"), 3000)
            return
        self.session.spawn(self.session.take_question(comment))

    def clear_question(self) -> None:
        self.operatorActed.emit()
        self.session.spawn(self.session.clear_question())

    def panic(self) -> None:
        self.operatorActed.emit()
        self.session.panic()

    def open_review(self) -> QWidget:
        """Open the daily review for today (a window of its own, closed with the desk)."""
        from videohelp.ui.report_view import ReportDialog  # lazy: it brings in the PDF writer

        dialog = ReportDialog(self.session.paths.database, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def closeEvent(self, event: QCloseEvent) -> None:
        log.info("main window closed")
        self.knowledge_dock.shutdown()
        super().closeEvent(event)
