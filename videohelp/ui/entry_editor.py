"""Editing one knowledge entry: its questions, answers and source, review and history.

The cited article's text is shown beside the answer so that whoever reviews can
check the answer against it. Saving asks the knowledge service (a new version, and a
reviewed entry whose words change becomes a draft again); "Mark reviewed" records the
name in the "Your name" field and the time. Every read and write is a request whose
answer comes back by signal: the form shows an entry at once from what the table holds
and completes it (history, airings, decision) when the service answers; an answer to
an older request is dropped. A language change re-words the form and leaves what is
being typed alone.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from videohelp.console.knowledge_service import KnowledgeFailure, KnowledgeService
from videohelp.console.knowledge_work import EntryDetail
from videohelp.core.kb_types import (
    AMENDED_MARK,
    EXPERT_SOURCE,
    RETIRED_ACTION,
    SHORT_ANSWER_MAX,
    Entry,
    check_entry,
)
from videohelp.core.regulations import CitationError
from videohelp.ui.catalog_editor import HistoryTable, form_label
from videohelp.ui.i18n import Retranslator
from videohelp.ui.knowledge_model import failure_text

CTX = "EntryEditor"


def _tr(text: str) -> str:
    return QCoreApplication.translate(CTX, text)


class EntryEditor(QWidget):
    """The form for one entry.

    Signals:
        saved(object): the stored ``Entry`` after a save or a review.
    """

    saved = Signal(object)

    def __init__(self, service: KnowledgeService, actor: str = "desk", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.entry: Entry | None = None
        self.detail: EntryDetail | None = None
        self._is_new = False
        # The latest request and what it was for (load, save, review, restore): any other
        # answer is stale. A review asked with unsaved edits waits for their save.
        self.pending: int | None = None
        self._purpose = ""
        self._review_after_save = False
        service.entryLoaded.connect(self._answered)
        service.failed.connect(self._failed)
        self.rt = Retranslator(CTX)
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.state = QLabel()
        self.state.setWordWrap(True)
        self.item = QComboBox()
        if service.catalog is not None:
            for item in service.catalog.items.values():
                self.item.addItem(f"{item.code} {item.name_zh}", item.code)
        self.questions = QPlainTextEdit()
        self.rt.bind(self.questions.setPlaceholderText,
                     QT_TRANSLATE_NOOP(CTX, "one question per line, as viewers ask it"))
        self.short_answer = QLineEdit()
        self.counter = QLabel()
        self.short_answer.textChanged.connect(self._count)
        self.full_answer = QPlainTextEdit()
        self.source_file = QComboBox()
        self.source_file.setEditable(True)
        if service.regulations is not None:
            self.source_file.addItems(service.regulations.files)
        self.source_article = QLineEdit()
        self.source_article.setPlaceholderText("第二十五条")
        self.source_text = QPlainTextEdit()
        self.source_text.setReadOnly(True)
        self.source_file.currentTextChanged.connect(self._show_source)
        self.source_article.textChanged.connect(self._show_source)
        self.change_note = QLineEdit()
        self.rt.bind(self.change_note.setPlaceholderText,
                     QT_TRANSLATE_NOOP(CTX, "what changed and why; note 公安部令第172号 where it applies"))
        self.name = QLineEdit(actor)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.save_button = QPushButton()
        self.review_button = QPushButton()
        self.rt.bind(self.save_button.setText, QT_TRANSLATE_NOOP(CTX, "Save (Ctrl+S)"))
        self.rt.bind(self.review_button.setText, QT_TRANSLATE_NOOP(CTX, "Mark reviewed"))
        self.restore_button = QPushButton()
        self.rt.bind(self.restore_button.setText, QT_TRANSLATE_NOOP(CTX, "Restore"))
        self.rt.bind(self.restore_button.setToolTip,
                     QT_TRANSLATE_NOOP(CTX, "Bring a retired answer back into suggestions and search"))
        self.restore_button.clicked.connect(self.restore)
        self.restore_button.hide()
        self.save_button.clicked.connect(self.save)
        self.review_button.clicked.connect(self.mark_reviewed)
        QShortcut(QKeySequence("Ctrl+S"), self).activated.connect(self.save)
        self.history = HistoryTable()
        # Compact boxes, so that the buttons stay in view on a 900-pixel desk.
        for box, height in ((self.questions, 96), (self.full_answer, 110), (self.source_text, 120)):
            box.setMaximumHeight(height)
        self.history.setMinimumHeight(120)

        answer_row = QHBoxLayout()
        answer_row.addWidget(self.short_answer, 1)
        answer_row.addWidget(self.counter)
        form = QFormLayout()
        for text, field in ((QT_TRANSLATE_NOOP(CTX, "Item"), self.item),
                            (QT_TRANSLATE_NOOP(CTX, "Questions"), self.questions),
                            (QT_TRANSLATE_NOOP(CTX, "On-air answer"), answer_row),
                            (QT_TRANSLATE_NOOP(CTX, "Full answer"), self.full_answer),
                            (QT_TRANSLATE_NOOP(CTX, "Source file"), self.source_file),
                            (QT_TRANSLATE_NOOP(CTX, "Article"), self.source_article),
                            (QT_TRANSLATE_NOOP(CTX, "Article text"), self.source_text),
                            (QT_TRANSLATE_NOOP(CTX, "Change note"), self.change_note),
                            (QT_TRANSLATE_NOOP(CTX, "Your name"), self.name)):
            form.addRow(form_label(self.rt, text), field)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.restore_button)
        buttons.addWidget(self.review_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.state)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(form_label(self.rt, QT_TRANSLATE_NOOP(CTX, "History")))
        layout.addWidget(self.history)
        self.setEnabled(False)

    # -- language -------------------------------------------------------------------------
    def retranslate(self) -> None:
        """Re-word the form and what it says about the entry; the fields keep their text."""
        self.rt.apply()
        if self.entry is not None:
            self._show_title()
            self._show_state(self.entry)
            self._show_source()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def say(self, text: str, *, warn: bool = False, **values: object) -> None:
        """Show a translatable message (kept in the current language); warn: with ⚠."""
        setter = (lambda shown: self.message.setText("⚠ " + shown)) if warn else self.message.setText
        self.rt.bind(setter, text, key=self.message, **values)

    # -- showing --------------------------------------------------------------------------
    def _show_title(self) -> None:
        assert self.entry is not None
        self.title.setText(f"<b>{self.entry.id}</b> · " + _tr("version {n}").format(n=self.entry.version)
                           + (" · " + _tr("new, not saved yet") if self._is_new else ""))

    def open_entry(self, entry: Entry) -> int:
        """Show ``entry`` now (as the table has it) and ask for the rest of it."""
        self._review_after_save = False
        self._fill(entry, is_new=False)
        return self._ask("load", self.service.entry(entry.id))

    def open_new(self, item: str) -> int:
        """A blank entry for ``item`` under the next free id (shown when it arrives)."""
        self._review_after_save = False
        return self._ask("new", self.service.new_entry(item))

    def load(self, detail: EntryDetail) -> None:
        """Show an entry with its history, airings and standing decision."""
        self.detail = detail
        self._fill(detail.entry, is_new=detail.is_new)

    @property
    def busy(self) -> bool:
        return self.pending is not None

    def _ask(self, purpose: str, request: int) -> int:
        self.pending, self._purpose = request, purpose
        if purpose != "load":  # one write at a time; reading the rest leaves the form usable
            self.save_button.setEnabled(False)
            self.review_button.setEnabled(False)
        return request

    def _settled(self) -> None:
        self.pending = None
        self.save_button.setEnabled(True)
        self.review_button.setEnabled(not self._is_new)

    def _fill(self, entry: Entry, *, is_new: bool) -> None:
        if self.detail is not None and self.detail.entry.id != entry.id:
            self.detail = None
        self.entry, self._is_new = entry, is_new
        self._show_title()
        self.item.setCurrentIndex(max(0, self.item.findData(entry.item)))
        self.questions.setPlainText("\n".join(entry.questions))
        self.short_answer.setText(entry.short_answer)
        self.short_answer.setCursorPosition(0)
        self.full_answer.setPlainText(entry.full_answer)
        self.source_file.setCurrentText(entry.source_file)
        self.source_article.setText(entry.source_article)
        self.change_note.setText(entry.change_note)
        self.change_note.setCursorPosition(0)
        self.rt.show(self.message.setText, "", key=self.message)
        self._show_state(entry)
        self.history.show_changes(self.detail.history if self.detail is not None else [])
        self.review_button.setEnabled(not is_new)
        self.setEnabled(True)

    def _answered(self, request: int, detail: EntryDetail) -> None:
        if request != self.pending:
            return  # an older selection's answer, or another editor's
        purpose = self._purpose
        self._settled()
        if purpose == "load":
            unedited = self.entry is not None and self.edited_entry() == self.entry
            self.detail = detail
            if unedited:
                self._fill(detail.entry, is_new=False)
            else:  # the operator started typing: keep the words, complete the rest
                self.entry = detail.entry
                self._show_title()
                self._show_state(detail.entry)
                self.history.show_changes(detail.history)
            return
        self.load(detail)
        if purpose == "new":
            return
        if purpose == "save":
            self.say(QT_TRANSLATE_NOOP(CTX, "Saved as version {n}."), n=detail.entry.version)
        elif purpose == "review":
            self.say(QT_TRANSLATE_NOOP(CTX, "Marked reviewed by {name}."), name=detail.entry.reviewed_by)
        elif purpose == "restore":
            self.say(QT_TRANSLATE_NOOP(CTX, "Restored: suggested again."))
        self.saved.emit(detail.entry)
        if purpose == "save" and self._review_after_save:
            self._review_after_save = False
            self._ask("review", self.service.mark_reviewed(detail.entry.id, self.name.text()))

    def _failed(self, request: int, failure: KnowledgeFailure) -> None:
        if request != self.pending:
            return
        self._settled()
        self._review_after_save = False
        self.rt.show(self.message.setText, failure_text(failure), key=self.message)

    def _show_state(self, entry: Entry) -> None:
        detail = self.detail if self.detail is not None and self.detail.entry.id == entry.id else None
        aired = detail.aired if detail is not None else 0
        if entry.is_draft:
            text = _tr("Draft: goes on air only with the officer's confirmation.")
            style = "color: #B26A00;"
        else:
            text = _tr("Reviewed by {name} at {time}.").format(name=entry.reviewed_by,
                                                               time=entry.reviewed_at)
            style = "color: #2E7D32;"
        decision = detail.decision if detail is not None else None
        if decision == RETIRED_ACTION:
            text += " " + _tr("Retired: not suggested at the desk or found by its search.")
            style = "color: #757575;"
        elif decision == "needs_expert":
            text += " " + _tr("Waiting for the experts.")
        self.restore_button.setVisible(decision == RETIRED_ACTION)
        if AMENDED_MARK in entry.change_note:
            text += " " + _tr("The rule has since changed (公安部令第172号): check before air.")
        if detail is not None:
            text += " " + _tr("On air {count} times.").format(count=aired)
        self.state.setText(text)
        self.state.setStyleSheet(style)

    def _count(self, text: str) -> None:
        self.counter.setText(f"{len(text)}/{SHORT_ANSWER_MAX}")
        over = len(text) > SHORT_ANSWER_MAX
        self.counter.setStyleSheet("color: #C62828; font-weight: bold;" if over else "")

    def _show_source(self, *_args: object) -> None:
        regulations = self.service.regulations
        if regulations is None:
            self.source_text.setPlainText(_tr("The regulation texts are not available on this machine."))
            return
        file, article = self.source_file.currentText().strip(), self.source_article.text().strip()
        if not file or not article:
            self.source_text.clear()
            return
        if file == EXPERT_SOURCE:
            self.source_text.setPlainText(
                _tr("An expert group's answer: cite the regulation file and article before review."))
            return
        try:
            self.source_text.setPlainText(regulations.article(file, article).text)
        except CitationError as exc:
            self.source_text.setPlainText("⚠ " + str(exc))

    # -- editing --------------------------------------------------------------------------
    def edited_entry(self) -> Entry:
        assert self.entry is not None
        questions = tuple(q.strip() for q in self.questions.toPlainText().splitlines() if q.strip())
        return replace(self.entry, item=self.item.currentData(), questions=questions,
                       short_answer=self.short_answer.text().strip(),
                       full_answer=self.full_answer.toPlainText().strip(),
                       source_file=self.source_file.currentText().strip(),
                       source_article=self.source_article.text().strip(),
                       change_note=self.change_note.text().strip())

    def save(self) -> int | None:
        """Ask the service to store the edited entry; None if refused here (the message says
        why). The stored version arrives by ``saved``."""
        if self.entry is None:
            return None
        name = self.name.text().strip()
        if not name:
            self.say(QT_TRANSLATE_NOOP(CTX, "Enter your name: every change records who made it."), warn=True)
            return None
        edited = self.edited_entry()
        codes = self.service.catalog.items if self.service.catalog is not None else ()
        problems = check_entry(edited, codes, self.service.regulations)
        if problems:
            self.rt.show(self.message.setText, f"⚠ {edited.id}: " + "; ".join(problems), key=self.message)
            return None
        return self._ask("save", self.service.save_entry(edited, name))

    def restore(self) -> int | None:
        """Undo a retirement (a history row by the name in "Your name")."""
        if self.entry is None:
            return None
        return self._ask("restore", self.service.restore(self.entry.id, self.name.text()))

    def mark_reviewed(self) -> int | None:
        """Record the name in "Your name" as reviewer, now (unsaved edits are saved first)."""
        if self.entry is None:
            return None
        if self.edited_entry() != self.entry:
            request = self.save()
            self._review_after_save = request is not None
            return request
        return self._ask("review", self.service.mark_reviewed(self.entry.id, self.name.text()))
