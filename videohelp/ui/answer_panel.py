"""The answer panel: for the selected question, the suggested answers ready to air.

Shows triage's top knowledge-base answers (short on-air answer, full answer,
source article, review status), the item's documents and 一键办理 link; the
on-air answer can be edited before air (the original stays shown); answers
can be pinned and go back on screen with one key. A language change
re-words everything shown and keeps the question, the chosen answer and its
edited text.

The entries come from the knowledge service, never from SQLite here: a selection
shows them at once from the service's snapshot of live entries (read on its worker
after every change) and asks for a fresh read; that read's answer replaces what is
shown if it differs and is still the latest request (a late answer for a question no
longer selected is dropped).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from videohelp.console.desk_session import KnowledgeLookup
from videohelp.console.knowledge_service import KnowledgeFailure
from videohelp.console.knowledge_work import Suggestions
from videohelp.core.catalog import Catalog, default_catalog
from videohelp.core.kb_types import SHORT_ANSWER_MAX, Entry
from videohelp.queue.comments import StoredComment
from videohelp.ui.i18n import Retranslator

log = logging.getLogger(__name__)
CTX = "AnswerPanel"


def _tr(text: str) -> str:
    return QCoreApplication.translate(CTX, text)


@dataclass(frozen=True)
class ChosenAnswer:
    """What would go on air: the entry (None for a free answer) and the text, perhaps edited."""

    entry: Entry | None
    text: str

    @property
    def edited(self) -> bool:
        return self.entry is not None and self.text != self.entry.short_answer


class AnswerEditor(QPlainTextEdit):
    """The on-air answer, several lines high and wrapped, so all of it can be read.

    ``text``/``setText`` as a line edit's; ``edited(str)`` on every change.
    """

    edited = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 14)
        self.textChanged.connect(lambda: self.edited.emit(self.toPlainText()))

    def text(self) -> str:
        return self.toPlainText()

    def setText(self, text: str) -> None:
        self.setPlainText(text)


class AnswerPanel(QWidget):
    """Suggested answers for one question (the featured question).

    Edits are kept per question and per answer (``drafts``) until the answer is
    aired or the edit discarded: choosing another answer or another question and
    coming back finds the edit as it was left.

    Signals:
        pinnedTake(object): the operator asked to put a pinned ``ChosenAnswer`` back on screen.
        changed(): the question, the chosen answer or its text changed (the next card redraws).
    """

    pinnedTake = Signal(object)
    changed = Signal()

    def __init__(self, knowledge: KnowledgeLookup | None, catalog: Catalog | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.knowledge = knowledge
        self.pending: int | None = None  # the latest fresh read of the suggestions
        if knowledge is not None:
            knowledge.suggestionsReady.connect(self._fresh)
            knowledge.failed.connect(self._failed)
        self.catalog = catalog or default_catalog()
        self.comment: StoredComment | None = None
        self.show_personal = False
        self.entries: list[Entry] = []
        self.pinned: list[ChosenAnswer] = []
        # comment id -> suggestion row (-1: a free answer) -> the edited text
        self.drafts: dict[int, dict[int, str]] = {}
        self._rows_chosen: dict[int, int] = {}  # comment id -> the suggestion last chosen
        self.rt = Retranslator(CTX)

        self.question = QLabel()
        self.question.setWordWrap(True)
        self.question.setObjectName("answerQuestion")
        big = QFont(self.question.font())
        big.setPixelSize(20)
        big.setBold(True)
        self.question.setFont(big)
        self.question.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.suggestions = QListWidget()
        # Whole answers, wrapped: no horizontal scrolling, no cut-off text.
        self.suggestions.setWordWrap(True)
        self.suggestions.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.suggestions.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.suggestions.setResizeMode(QListView.ResizeMode.Adjust)
        self.suggestions.setSpacing(2)
        self.suggestions.setMinimumHeight(150)
        self.suggestions.currentRowChanged.connect(self._show_entry)
        self.editor = AnswerEditor()
        self.rt.bind(self.editor.setPlaceholderText,
                     QT_TRANSLATE_NOOP(CTX, "On-air answer (at most 60 characters)"))
        self.editor.edited.connect(self._text_changed)
        self.budget = QLabel()
        self.budget.setObjectName("answerBudget")
        self.discard_button = QPushButton()
        self.rt.bind(self.discard_button.setText, QT_TRANSLATE_NOOP(CTX, "Discard edit"))
        self.discard_button.clicked.connect(self.discard_draft)
        self.original = QLabel()
        self.original.setWordWrap(True)
        self.status = QLabel()
        self.status.setWordWrap(True)
        # Said when suggested answers belong to another item than the one filed (issue 16).
        self.elsewhere = QLabel()
        self.elsewhere.setWordWrap(True)
        self.elsewhere.setObjectName("answersElsewhere")
        self.details = QTextBrowser()
        self.details.setOpenExternalLinks(False)
        self.pin_button = QPushButton()
        self.rt.bind(self.pin_button.setText, QT_TRANSLATE_NOOP(CTX, "Pin (P)"))
        self.pin_button.clicked.connect(self.pin)
        self.pinned_list = QListWidget()
        self.pinned_list.setMaximumHeight(90)
        self.pinned_list.itemActivated.connect(self._take_pinned_item)
        self.suggestions_title = QLabel()
        self.rt.bind(self.suggestions_title.setText, QT_TRANSLATE_NOOP(CTX, "Suggested answers (1–3)"))
        self.pinned_title = QLabel()
        self.rt.bind(self.pinned_title.setText,
                     QT_TRANSLATE_NOOP(CTX, "Pinned answers (Ctrl+P puts the last one back)"))

        layout = QVBoxLayout(self)
        layout.addWidget(self.question)
        layout.addWidget(self.suggestions_title)
        layout.addWidget(self.suggestions)
        layout.addWidget(self.elsewhere)
        layout.addWidget(self.editor)
        row = QHBoxLayout()
        row.addWidget(self.budget, 1)
        row.addWidget(self.discard_button)
        row.addWidget(self.pin_button)
        layout.addLayout(row)
        layout.addWidget(self.original)
        layout.addWidget(self.status)
        layout.addWidget(self.details, 1)
        layout.addWidget(self.pinned_title)
        layout.addWidget(self.pinned_list)
        self.show_comment(None, ())

    # -- showing ------------------------------------------------------------------
    def show_comment(self, comment: StoredComment | None, answer_ids: tuple[str, ...] | list[str],
                     *, show_personal: bool = False) -> None:
        """Show ``comment`` with the knowledge entries ``answer_ids`` (best first)."""
        self.comment, self.show_personal = comment, show_personal
        ids = tuple(answer_ids)
        # Triage learnt its answers at start; one retired since then is not in the snapshot.
        cached = self.knowledge.cached(ids) if self.knowledge is not None and ids else None
        self._show_entries(cached or [])
        self.pending = self.knowledge.suggestions(ids) if self.knowledge is not None and ids else None

    @property
    def busy(self) -> bool:
        return self.pending is not None

    def _fresh(self, request: int, found: Suggestions) -> None:
        if request != self.pending:
            return  # a question no longer selected (or an older read of this one)
        self.pending = None
        if [(e.id, e.version) for e in found.entries] != [(e.id, e.version) for e in self.entries]:
            self._show_entries(found.entries)

    def _failed(self, request: int, failure: KnowledgeFailure) -> None:
        if request == self.pending:
            self.pending = None
            log.warning("suggested answers not read again: %s", failure)

    def _show_entries(self, entries: list[Entry]) -> None:
        comment = self.comment
        self.entries = list(entries)
        self.suggestions.blockSignals(True)
        self.suggestions.clear()
        for _entry in self.entries:
            QListWidgetItem(self.suggestions)
        self._word_suggestions()
        self._show_question()
        self.suggestions.blockSignals(False)
        row = self._rows_chosen.get(comment.id, 0) if comment is not None else 0
        if self.entries:
            self.suggestions.setCurrentRow(min(max(row, 0), len(self.entries) - 1))
            self._show_entry(self.suggestions.currentRow())
        else:
            self._show_entry(-1)

    def set_catalog(self, catalog: Catalog) -> None:
        """Name items and show their details from ``catalog`` (an edit was saved); the
        suggestions and an answer being edited stay as they are."""
        self.catalog = catalog
        self._word_suggestions()
        self._show_question()
        self._show_details(self.current_entry())

    def retranslate(self) -> None:
        """Re-word what is shown in the current language; the choice and the edited text stay."""
        self.rt.apply()
        self._word_suggestions()
        self._show_question()
        self._show_details(self.current_entry())
        self._show_original(self.editor.text())

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _word_suggestions(self) -> None:
        """Each answer with its review mark and the item it belongs to."""
        for row, entry in enumerate(self.entries):
            mark = _tr("Draft") if entry.is_draft else _tr("Reviewed")
            item = self.catalog.items.get(entry.item or "")
            where = f"{item.klass} / {item.code} {item.name_zh}" if item else (entry.item or "")
            source = f"《{entry.source_file.split('(')[0]}》{entry.source_article}"
            self.suggestions.item(row).setText(
                f"{row + 1}. {entry.short_answer}\n    {where} · {source}  [{mark}]")
        filed = self.comment.item if self.comment is not None else None
        others = list(dict.fromkeys(e.item for e in self.entries if e.item != filed))
        self.elsewhere.setText(_tr("Answers for another item than the one filed: {items}").format(
            items="、".join(self._item_name(code) for code in others)) if others else "")
        self.elsewhere.setVisible(bool(others))

    def _item_name(self, code: str) -> str:
        item = self.catalog.items.get(code)
        return f"{code} {item.name_zh}" if item else code

    def _show_question(self) -> None:
        comment = self.comment
        if comment is None:
            self.question.setText(_tr("Select a question"))
            return
        text = comment.text if self.show_personal else comment.text_masked
        item = self.catalog.items.get(comment.item or "")
        where = f"  ·  {item.klass} / {item.code} {item.name_zh}" if item else ""
        self.question.setText(f"{text}{where}")

    def choose(self, number: int) -> None:
        """Choose suggestion ``number`` (1-based); out of range does nothing."""
        if 1 <= number <= len(self.entries):
            self.suggestions.setCurrentRow(number - 1)

    def _show_entry(self, row: int) -> None:
        entry = self.entries[row] if 0 <= row < len(self.entries) else None
        key = row if entry is not None else -1
        if self.comment is not None:
            self._rows_chosen[self.comment.id] = key
        draft = self.drafts.get(self.comment.id, {}).get(key) if self.comment else None
        self.editor.blockSignals(True)
        self.editor.setText(draft if draft is not None else (entry.short_answer if entry else ""))
        self.editor.blockSignals(False)
        self._show_original(self.editor.text())
        self._show_details(entry)
        self.changed.emit()

    def _show_details(self, entry: Entry | None) -> None:
        """The entry's review status, full answer and source, then the item's details."""
        if entry is None:
            self.status.setText(_tr("No suggested answer: write one, or put the question up alone."))
            self.details.setHtml(self._item_html())
            return
        if entry.is_draft:
            status = _tr("Draft: needs the officer's confirmation before air.")
        else:
            status = _tr("Reviewed by {who} on {when}.").format(who=entry.reviewed_by,
                                                                when=entry.reviewed_at)
        if entry.change_note:
            status += "  ⚠ " + entry.change_note
        self.status.setText(status)
        citation = f"《{entry.source_file.split('(')[0]}》{entry.source_article}"
        self.details.setHtml(f"<p>{_escape(entry.full_answer)}</p>"
                             f"<p><b>{_tr('Source')}</b>: {_escape(citation)}</p>"
                             + self._item_html())

    def _item_html(self) -> str:
        item = self.catalog.items.get(self.comment.item or "") if self.comment else None
        if item is None:
            return ""
        parts = []
        if item.documents:
            parts.append(f"<p><b>{_tr('Documents')}</b>: {_escape('、'.join(item.documents))}</p>")
        if item.channels:
            where = "；".join(f"{c.name} {c.path}".strip() for c in item.channels)
            parts.append(f"<p><b>{_tr('Where')}</b>: {_escape(where)}</p>")
        if item.link:
            parts.append(f"<p><b>{_tr('Handle it online')}</b>: {_escape(item.link)}</p>")
        return "".join(parts)

    def _text_changed(self, text: str) -> None:
        """Keep the edit as this question's draft for this answer, until aired or discarded."""
        entry = self.current_entry()
        if self.comment is not None:
            key = self.suggestions.currentRow() if entry is not None else -1
            drafts = self.drafts.setdefault(self.comment.id, {})
            if text == (entry.short_answer if entry is not None else ""):
                drafts.pop(key, None)
            else:
                drafts[key] = text
            if not drafts:
                self.drafts.pop(self.comment.id, None)
        self._show_original(text)
        self.changed.emit()

    def _show_original(self, text: str) -> None:
        entry = self.current_entry()
        if entry is not None and text != entry.short_answer:
            self.original.setText(_tr("Original: {text}").format(text=entry.short_answer))
        else:
            self.original.setText("")
        count = len(text.strip())
        self.budget.setText(_tr("{n} of {max} characters").format(n=count, max=SHORT_ANSWER_MAX))
        self.budget.setStyleSheet("color: #e53935; font-weight: bold;" if count > SHORT_ANSWER_MAX
                                  else "")
        self.discard_button.setEnabled(bool(self.comment and self.comment.id in self.drafts))

    def has_draft(self, comment_id: int) -> bool:
        return comment_id in self.drafts

    def discard_draft(self) -> None:
        """Back to the suggested answer as written (the edit of this answer is dropped)."""
        if self.comment is None:
            return
        entry = self.current_entry()
        key = self.suggestions.currentRow() if entry is not None else -1
        drafts = self.drafts.get(self.comment.id, {})
        drafts.pop(key, None)
        if not drafts:
            self.drafts.pop(self.comment.id, None)
        self._show_entry(key)

    def aired(self, comment_id: int) -> None:
        """The question went on air: its edits are on screen now, no longer drafts."""
        self.drafts.pop(comment_id, None)
        if self.comment is not None and self.comment.id == comment_id:
            self._show_original(self.editor.text())

    # -- choosing -----------------------------------------------------------------
    def current_entry(self) -> Entry | None:
        row = self.suggestions.currentRow()
        return self.entries[row] if 0 <= row < len(self.entries) else None

    def chosen(self) -> ChosenAnswer | None:
        text = self.editor.text().strip()
        if not text:
            return None
        return ChosenAnswer(self.current_entry(), text)

    def pin(self) -> ChosenAnswer | None:
        chosen = self.chosen()
        if chosen is None:
            return None
        self.pinned.append(chosen)
        QListWidgetItem(chosen.text, self.pinned_list)
        return chosen

    def last_pinned(self) -> ChosenAnswer | None:
        return self.pinned[-1] if self.pinned else None

    def _take_pinned_item(self, item: QListWidgetItem) -> None:
        self.pinnedTake.emit(self.pinned[self.pinned_list.row(item)])

    def focus_editor(self) -> None:
        self.editor.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.editor.selectAll()

    # -- unsent work kept across a crash (ui.desk_recovery) -------------------------
    def work(self) -> dict[str, Any]:
        """The drafts, the answer chosen for each drafted question, and the pins, as JSON."""
        return {"drafts": {str(c): {str(r): t for r, t in rows.items()}
                           for c, rows in self.drafts.items()},
                "rows": {str(c): r for c, r in self._rows_chosen.items() if c in self.drafts},
                "pinned": [{"entry": p.entry.id if p.entry is not None else None, "text": p.text}
                           for p in self.pinned]}

    def restore_work(self, work: dict[str, Any]) -> int:
        """Add an earlier run's ``work()`` (this run's own edits win); how many drafts and
        pins came back. Entries no longer in the base come back as free answers."""
        restored = 0
        try:
            for comment, rows in dict(work.get("drafts") or {}).items():
                mine = self.drafts.setdefault(int(comment), {})
                for row, text in dict(rows).items():
                    if int(row) not in mine and isinstance(text, str):
                        mine[int(row)] = text
                        restored += 1
            for comment, row in dict(work.get("rows") or {}).items():
                self._rows_chosen.setdefault(int(comment), int(row))
            for pin in list(work.get("pinned") or []):
                text = str(pin.get("text", "")).strip()
                if text:
                    self.pinned.append(ChosenAnswer(self._entry_or_none(pin.get("entry")), text))
                    QListWidgetItem(text, self.pinned_list)
                    restored += 1
        except (TypeError, ValueError, AttributeError) as exc:  # a hand-edited file: keep the rest
            log.error("the desk's saved work is partly unusable: %s", exc)
        if self.comment is not None:
            self._show_entry(self.suggestions.currentRow() if self.entries else -1)
        return restored

    def _entry_or_none(self, entry_id: object) -> Entry | None:
        """A saved draft's or pin's entry, if the knowledge base still has it live."""
        if not isinstance(entry_id, str) or self.knowledge is None:
            return None
        found = self.knowledge.cached((entry_id,))
        return found[0] if found else None

def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
