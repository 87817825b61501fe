"""Editing one business item, and the version history table both editors share.

List fields are edited one value per line, as in the spreadsheets
(``name | path`` for channels, ``file | 第N条`` for articles); the editor saves
through the knowledge service (a request answered by signal), so every change is a
recorded version in the catalog's store. A language change re-words both without
touching what is being edited.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from videohelp.console.kb_import import item_from_row, item_row
from videohelp.console.knowledge_service import KnowledgeFailure, KnowledgeService
from videohelp.console.knowledge_work import ItemDetail
from videohelp.core.catalog import Change, Item, check_item
from videohelp.ui.i18n import Retranslator
from videohelp.ui.knowledge_model import failure_text

CTX = "CatalogEditor"


def _tr(text: str) -> str:
    return QCoreApplication.translate(CTX, text)


def form_label(rt: Retranslator, text: str) -> QLabel:
    """A form row's label whose text ``rt`` keeps in the current language."""
    label = QLabel()
    rt.bind(label.setText, text)
    return label


# History actions as people read them (the stored names are the code's).
_ACTIONS = {"seed": QT_TRANSLATE_NOOP(CTX, "first version"), "create": QT_TRANSLATE_NOOP(CTX, "created"),
            "edit": QT_TRANSLATE_NOOP(CTX, "edited"), "review": QT_TRANSLATE_NOOP(CTX, "approved"),
            "import": QT_TRANSLATE_NOOP(CTX, "imported"),
            "needs_expert": QT_TRANSLATE_NOOP(CTX, "sent to the experts"),
            "retire": QT_TRANSLATE_NOOP(CTX, "retired"), "restore": QT_TRANSLATE_NOOP(CTX, "restored")}

_SHIPPED_ACTOR = QT_TRANSLATE_NOOP(CTX, "came with the app")


class HistoryTable(QTableWidget):
    """Versions of an entry or item, newest first: when, who, what, which fields."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 5, parent)
        self._changes: list[Change] = []
        self._word_headers()
        self.verticalHeader().setVisible(False)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.horizontalHeader().setStretchLastSection(True)

    def _word_headers(self) -> None:
        self.setHorizontalHeaderLabels([_tr("Version"), _tr("When"), _tr("Who"), _tr("Action"),
                                        _tr("Changed")])

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            row = self.currentRow()
            self._word_headers()
            self.show_changes(self._changes)
            if row >= 0:
                self.selectRow(row)
        super().changeEvent(event)

    def show_changes(self, changes: list[Change]) -> None:
        self._changes = list(changes)
        self.setRowCount(0)
        for change in reversed(changes):
            row = self.rowCount()
            self.insertRow(row)
            when = datetime.fromtimestamp(change.at_ms / 1000).strftime("%Y-%m-%d %H:%M:%S")
            fields = [name for name in change.changed_fields if name != "version"]
            what = ", ".join(fields) if change.before is not None else _tr("created")
            if change.note:
                what += f" — {change.note}"
            action = _tr(_ACTIONS[change.action]) if change.action in _ACTIONS else change.action
            # The seeding "actor" is the app itself, not a person: say so in words.
            actor = _tr(_SHIPPED_ACTOR) if change.actor == "shipped" else change.actor
            for column, text in enumerate((str(change.version), when, actor, action, what)):
                cell = QTableWidgetItem(text)
                cell.setToolTip(text)
                self.setItem(row, column, cell)


class ItemEditor(QWidget):
    """The selected business item's viewer words, documents, channels, link and articles.

    Signals:
        saved(str): the item with this code was saved as a new version.
    """

    saved = Signal(str)

    def __init__(self, service: KnowledgeService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.item: Item | None = None
        self.version = 0
        self.actor = "desk"
        self.pending: int | None = None  # the latest request (load or save): others are stale
        self._saving = False
        service.itemLoaded.connect(self._answered)
        service.failed.connect(self._failed)
        self.rt = Retranslator(CTX)
        self.title = QLabel()
        self.name_zh = QLineEdit()
        self.name_en = QLineEdit()
        self.synonyms = QPlainTextEdit()
        self.documents = QPlainTextEdit()
        self.channels = QPlainTextEdit()
        self.rt.bind(self.channels.setPlaceholderText,
                     QT_TRANSLATE_NOOP(CTX, "one per line: name | where to click"))
        self.link = QLineEdit()
        self.articles = QPlainTextEdit()
        self.rt.bind(self.articles.setPlaceholderText, QT_TRANSLATE_NOOP(CTX, "one per line: file | 第N条"))
        self.note = QLineEdit()
        self.rt.bind(self.note.setPlaceholderText,
                     QT_TRANSLATE_NOOP(CTX, "why this change (kept in the history)"))
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.save_button = QPushButton()
        self.rt.bind(self.save_button.setText, QT_TRANSLATE_NOOP(CTX, "Save item"))
        self.save_button.clicked.connect(self.save)
        self.history = HistoryTable()
        for box in (self.synonyms, self.documents, self.channels, self.articles):
            box.setMaximumHeight(110)
        self.history.setMinimumHeight(120)

        form = QFormLayout()
        for text, field in ((QT_TRANSLATE_NOOP(CTX, "Name"), self.name_zh),
                            (QT_TRANSLATE_NOOP(CTX, "English name"), self.name_en),
                            (QT_TRANSLATE_NOOP(CTX, "Viewer words"), self.synonyms),
                            (QT_TRANSLATE_NOOP(CTX, "Documents"), self.documents),
                            (QT_TRANSLATE_NOOP(CTX, "Where to apply"), self.channels),
                            (QT_TRANSLATE_NOOP(CTX, "一键办理 link"), self.link),
                            (QT_TRANSLATE_NOOP(CTX, "Regulations"), self.articles),
                            (QT_TRANSLATE_NOOP(CTX, "Change note"), self.note)):
            form.addRow(form_label(self.rt, text), field)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(form_label(self.rt, QT_TRANSLATE_NOOP(CTX, "History")))
        layout.addWidget(self.history)
        self.setEnabled(False)

    def retranslate(self) -> None:
        """Re-word the form; the fields keep what is being typed."""
        self.rt.apply()
        if self.item is not None:
            self._show_title()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def say(self, text: str, *, warn: bool = False, **values: object) -> None:
        """Show a translatable message (kept in the current language); warn: with ⚠."""
        setter = (lambda shown: self.message.setText("⚠ " + shown)) if warn else self.message.setText
        self.rt.bind(setter, text, key=self.message, **values)

    def _show_title(self) -> None:
        assert self.item is not None
        self.title.setText(f"<b>{self.item.code}</b> {self.item.klass} · {self.item.name_zh} · "
                           + _tr("version {n}").format(n=self.version))

    @property
    def busy(self) -> bool:
        return self.pending is not None

    def load(self, code: str) -> int:
        """Ask for the item ``code``; it is shown when it arrives."""
        self.pending, self._saving = self.service.item(code), False
        return self.pending

    def show_item(self, detail: ItemDetail) -> None:
        self.item, self.version = detail.item, detail.version
        row = item_row(self.item)
        self._show_title()
        self.name_zh.setText(row["name_zh"])
        self.name_en.setText(row["name_en"])
        for widget, key in ((self.synonyms, "synonyms"), (self.documents, "documents"),
                            (self.channels, "channels"), (self.articles, "articles")):
            widget.setPlainText(row[key])
        self.link.setText(row["link"])
        self.note.clear()
        self.rt.show(self.message.setText, "", key=self.message)
        self.history.show_changes(detail.history)
        self.save_button.setEnabled(True)
        self.setEnabled(True)

    def _answered(self, request: int, detail: ItemDetail) -> None:
        if request != self.pending:
            return  # an older selection's item, or another editor's
        saving, self.pending = self._saving, None
        self.show_item(detail)
        if not saving:
            return
        self.say(QT_TRANSLATE_NOOP(CTX, "Saved.") if detail.changed
                 else QT_TRANSLATE_NOOP(CTX, "Nothing changed."))
        if detail.changed:
            self.saved.emit(detail.item.code)

    def _failed(self, request: int, failure: KnowledgeFailure) -> None:
        if request != self.pending:
            return
        self.pending = None
        self.save_button.setEnabled(True)
        self.rt.show(self.message.setText, failure_text(failure), key=self.message)

    def edited_item(self) -> Item:
        assert self.item is not None
        cells = {"class": self.item.klass, "name_zh": self.name_zh.text(), "name_en": self.name_en.text(),
                 "synonyms": self.synonyms.toPlainText(), "documents": self.documents.toPlainText(),
                 "channels": self.channels.toPlainText(), "link": self.link.text(),
                 "articles": self.articles.toPlainText()}
        return item_from_row(cells, self.item)

    def save(self) -> bool:
        """Ask the service to store the edited item; False if refused here (the message says
        why). The stored version arrives by ``saved``."""
        if self.item is None:
            return False
        item = self.edited_item()
        problems = check_item(item, self.service.regulations)
        if any(not article.article for article in item.articles):
            problems.append(_tr("an article line needs 'file | 第N条'"))
        if problems:
            self.rt.show(self.message.setText, "⚠ " + "; ".join(problems), key=self.message)
            return False
        self.pending, self._saving = self.service.save_item(item, self.actor, self.note.text().strip()), True
        self.save_button.setEnabled(False)
        return True
