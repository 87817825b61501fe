"""The officer's review mode: one draft at a time beside the article it cites.

Left, the queue (the most-asked items first); middle, the entry (questions, on-air
answer, full answer, source, and what to check: conflicts, near-duplicates, figures
the article does not hold, outdated words); right, the cited article's words from the
regulation texts. Keys: A approve, E edit (Ctrl+S saves, Esc back), X needs expert,
R retire, → or Space skip, ← back, Esc closes. Progress per class above.

Everything is read and written through the knowledge service, which runs the officer's
``ReviewSession`` (console/kb_review.py) on its worker; nothing here runs SQL. Each
decision is a request: the decision keys rest until its answer (the queue read again)
arrives, so a key pressed twice never decides one entry twice. The dialog is its own
window, so the desk's one-letter shortcuts (N, A, Q…) do not fire while it has the
keyboard.
"""

from __future__ import annotations

import html
import logging

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, QSize, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QProgressBar,
    QSplitter,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from videohelp.console.kb_review import Finding, Progress
from videohelp.console.knowledge_service import KnowledgeFailure, KnowledgeService
from videohelp.console.knowledge_work import ReviewSnapshot
from videohelp.core.catalog import CLASSES, Catalog
from videohelp.core.kb_types import EXPERT_SOURCE, Entry
from videohelp.core.regulations import CitationError
from videohelp.ui.entry_editor import EntryEditor
from videohelp.ui.i18n import Retranslator
from videohelp.ui.knowledge_model import failure_text
from videohelp.ui.screen_fit import fit_to_screen

log = logging.getLogger(__name__)
CTX = "ReviewDialog"
TOP_ITEMS = 20
_FINDINGS = {
    "conflict": QT_TRANSLATE_NOOP(CTX, "Disagrees with {other} of the same item: decide which is right"),
    "duplicate": QT_TRANSLATE_NOOP(CTX, "Nearly the same answer as {text} under another item"),
    "figures": QT_TRANSLATE_NOOP(CTX, "Figures not in the cited article ({text})"),
    "outdated": QT_TRANSLATE_NOOP(CTX, "No longer true on air: {text}"),
    "citation": QT_TRANSLATE_NOOP(CTX, "Citation: {text}"),
}


def _tr(text: str) -> str:
    return QCoreApplication.translate(CTX, text)


class ReviewDialog(QDialog):
    """Review the drafts, one at a time, with keys.

    Signals:
        decided(str, str): an entry id and the decision (approve, edit, needs_expert, retire).
    """

    decided = Signal(str, str)

    def __init__(self, service: KnowledgeService, reviewer: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewDialog")
        self.service = service
        self.rt = Retranslator(CTX)
        self.rt.bind(self.setWindowTitle, QT_TRANSLATE_NOOP(CTX, "Review answers"))
        self.reviewer = reviewer
        self.top_items: int | None = TOP_ITEMS
        self.snapshot: ReviewSnapshot | None = None
        # The latest request: a reload (keep this entry) or a decision (what to say after).
        self.pending: int | None = None
        self._after: tuple[str, str | None, str] = ("reload", None, "")
        self._decision = ""
        service.reviewLoaded.connect(self._answered)
        service.failed.connect(self._failed)
        self.entries: list[Entry] = []
        self.current: Entry | None = None
        self._armed: tuple[str, int] | None = None  # the flagged entry a first A was pressed on

        self.name = QLineEdit(reviewer)
        self.name.setMaximumWidth(160)
        self.name.textChanged.connect(lambda text: setattr(self, "reviewer", text))
        self.scope = QComboBox()
        self.scope.addItem("", TOP_ITEMS)
        self.scope.addItem("", None)
        self.scope.currentIndexChanged.connect(self._scope_changed)
        self.progress_text = QLabel()
        self.progress_text.setWordWrap(True)
        self.progress_bar = QProgressBar()
        self.progress_bar.setMaximumWidth(220)
        self.progress_bar.setFormat("%v / %m")

        self.queue = QListWidget()
        self.queue.currentRowChanged.connect(self._show_row)
        self.queue.setFocusPolicy(Qt.FocusPolicy.NoFocus)

        self.card = QTextBrowser()
        self.card.setOpenLinks(False)
        self.card.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.note = QLineEdit()
        self.rt.bind(self.note.setPlaceholderText,
                     QT_TRANSLATE_NOOP(CTX, "Note for the history (optional): why, what to check"))
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.keys = QLabel()
        self.keys.setWordWrap(True)
        self.rt.bind(self.keys.setText, QT_TRANSLATE_NOOP(
            CTX, "<b>A</b> approve · <b>E</b> edit · <b>X</b> needs expert · <b>R</b> retire · "
                 "<b>→</b> skip · <b>←</b> back · <b>Esc</b> close"))
        card_page = QWidget()
        card_layout = QVBoxLayout(card_page)
        card_layout.setContentsMargins(0, 0, 0, 0)
        card_layout.addWidget(self.card, 1)
        card_layout.addWidget(self.note)
        card_layout.addWidget(self.message)
        card_layout.addWidget(self.keys)
        self.editor = EntryEditor(service, reviewer)
        self.editor.saved.connect(self._edited)
        self.name.textChanged.connect(self.editor.name.setText)
        self.stack = QStackedWidget()
        self.stack.addWidget(card_page)
        self.stack.addWidget(self.editor)

        self.article_title = QLabel()
        self.article_title.setWordWrap(True)
        self.article = QPlainTextEdit()
        self.article.setReadOnly(True)
        self.article.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.article_title)
        right_layout.addWidget(self.article, 1)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.queue)
        splitter.addWidget(self.stack)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 4)
        splitter.setStretchFactor(2, 3)
        splitter.setSizes([300, 560, 420])

        top = QHBoxLayout()
        self._name_label, self._scope_label = QLabel(), QLabel()
        self.rt.bind(self._name_label.setText, QT_TRANSLATE_NOOP(CTX, "Reviewer"))
        self.rt.bind(self._scope_label.setText, QT_TRANSLATE_NOOP(CTX, "Drafts of"))
        top.addWidget(self._name_label)
        top.addWidget(self.name)
        top.addWidget(self._scope_label)
        top.addWidget(self.scope)
        top.addWidget(self.progress_bar)
        top.addWidget(self.progress_text, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)

        self._shortcuts: list[QShortcut] = []
        for key, slot in (("A", self.approve), ("E", self.edit), ("X", self.needs_expert),
                          ("R", self.retire), ("Right", self.skip), ("Space", self.skip),
                          ("Left", self.back)):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.activated.connect(slot)
            self._shortcuts.append(shortcut)
        self._retranslate_scope()
        self.reload()
        fit_to_screen(self, QSize(1280, 720))

    # -- language ---------------------------------------------------------------------------
    def _retranslate_scope(self) -> None:
        self.scope.setItemText(0, _tr("the {n} most-asked items").format(n=TOP_ITEMS))
        self.scope.setItemText(1, _tr("all items"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.rt.apply()
            self._retranslate_scope()
            self._show_progress()
            self._fill_queue(keep=self.current.id if self.current else None)
        super().changeEvent(event)

    # -- the queue --------------------------------------------------------------------------
    def _scope_changed(self, _index: int) -> None:
        self.top_items = self.scope.currentData()
        self.reload()

    # What the last answer said (empty until the first one arrives).
    @property
    def progress(self) -> Progress:
        if self.snapshot is not None:
            return self.snapshot.progress
        return Progress(*({klass: 0 for klass in CLASSES} for _ in range(4)))

    @property
    def asked(self) -> dict[str, int]:
        return self.snapshot.asked if self.snapshot else {}

    @property
    def items_in_scope(self) -> list[str]:
        return self.snapshot.scope if self.snapshot else []

    @property
    def catalog(self) -> Catalog:
        if self.snapshot is not None:
            return self.snapshot.catalog
        return self.service.catalog or Catalog({})

    def findings(self, entry: Entry) -> list[Finding]:
        return self.snapshot.findings.get((entry.id, entry.version), []) if self.snapshot else []

    @property
    def busy(self) -> bool:
        return self.pending is not None

    def reload(self, keep: str | None = None, *, refresh: bool = False) -> int:
        """Read the queue and progress again; show ``keep`` (or the entry at the same place)."""
        self._after = ("reload", keep, "")
        self.pending = self.service.review(self.reviewer, self.top_items, refresh=refresh)
        return self.pending

    def _answered(self, request: int, snapshot: ReviewSnapshot) -> None:
        if request != self.pending:
            return  # an older read, or another dialog's
        self.pending = None
        what, keep, done = self._after
        row = max(0, self.queue.currentRow())
        self.snapshot, self.entries = snapshot, snapshot.entries
        if what == "decision" and keep is not None:
            self.note.clear()
            self._say(_tr(done).format(id=keep))
            self.decided.emit(keep, self._decision)
            keep = None
        self._fill_queue(keep=keep, row=row)
        self._show_progress()

    def _failed(self, request: int, failure: KnowledgeFailure) -> None:
        if request != self.pending:
            return
        self.pending = None
        self._set_deciding(self.stack.currentIndex() == 0)
        self._say(failure_text(failure).removeprefix("⚠ "), warn=True)

    def _fill_queue(self, keep: str | None = None, row: int = 0) -> None:
        catalog = self.catalog
        self.queue.blockSignals(True)
        self.queue.clear()
        previous = None
        for entry in self.entries:
            asked = self.asked.get(entry.item, 0)
            flags = "⚠ " if self.findings(entry) else ""
            name = catalog[entry.item].name_zh if entry.item in catalog else entry.item
            text = f"{flags}{entry.id} · {name}"
            if asked and entry.item != previous:  # once per item, so the rows stay narrow
                text += " · " + _tr("asked {n}×").format(n=asked)
            previous = entry.item
            QListWidgetItem(text, self.queue).setData(Qt.ItemDataRole.UserRole, entry.id)
        self.queue.blockSignals(False)
        ids = [e.id for e in self.entries]
        if keep in ids:
            row = ids.index(keep)
        if self.entries:
            self.queue.setCurrentRow(min(row, len(self.entries) - 1))
            self._show_row(self.queue.currentRow())
        else:
            self._show_row(-1)

    def _show_progress(self, progress: Progress | None = None) -> None:
        progress = progress or self.progress
        parts = []
        for klass in CLASSES:
            decided = progress.reviewed[klass]
            total = decided + progress.drafts[klass] + progress.needs_expert[klass]
            if total:
                # The class names are the client's (机动车…), shown as the rest of the desk shows them.
                parts.append(f"{klass} {decided}/{total}")
        waiting, retired = progress.total("needs_expert"), progress.total("retired")
        text = _tr("Reviewed") + ": " + " · ".join(parts)
        if waiting:
            text += " · " + _tr("{n} with the experts").format(n=waiting)
        if retired:
            text += " · " + _tr("{n} retired").format(n=retired)
        self.progress_text.setText(text)
        total = progress.total("reviewed") + progress.total("drafts") + progress.total("needs_expert")
        self.progress_bar.setRange(0, max(1, total))
        self.progress_bar.setValue(progress.total("reviewed"))

    # -- one entry --------------------------------------------------------------------------
    def _show_row(self, row: int) -> None:
        self.stack.setCurrentIndex(0)
        self._set_deciding(True)
        if not 0 <= row < len(self.entries):
            self.current = None
            self.card.setHtml("<h3>" + html.escape(_tr("Nothing left to review here.")) + "</h3>"
                              + html.escape(_tr("Choose all items above to review the rest.")))
            self.article_title.clear()
            self.article.clear()
            return
        self.current = self.entries[row]
        if self._armed and self._armed[0] != self.current.id:
            self._armed = None
        self.card.setHtml(self._card_html(self.current))
        self._show_article(self.current)

    def _card_html(self, entry: Entry) -> str:
        item = self.catalog.items.get(entry.item)
        esc = html.escape
        asked = self.asked.get(entry.item, 0)
        head = f"<h3>{esc(entry.id)} · {esc(item.name_zh if item else entry.item)}</h3>"
        if asked:
            asked_text = _tr("Viewers asked this item {n} times.").format(n=asked)
            head += f"<p style='color:#555'>{esc(asked_text)}</p>"
        questions = "".join(f"<li>{esc(q)}</li>" for q in entry.questions)
        findings = self.findings(entry)
        warn = "".join(f"<li>{esc(self._finding_text(f))}</li>" for f in findings)
        parts = [head]
        if warn:
            parts.append(f"<div style='background:#FFF3E0;color:#8A4B00;padding:4px'><b>"
                         f"{esc(_tr('Check before approving'))}</b><ul>{warn}</ul></div>")
        parts += [f"<p><b>{esc(_tr('Questions'))}</b></p><ul>{questions}</ul>",
                  f"<p><b>{esc(_tr('On-air answer'))}</b> ({len(entry.short_answer)}/60)</p>",
                  f"<p style='font-size:15pt'>{esc(entry.short_answer)}</p>",
                  f"<p><b>{esc(_tr('Full answer'))}</b></p><p>{esc(entry.full_answer)}</p>"]
        if entry.change_note:
            parts.append(f"<p><b>{esc(_tr('Change note'))}</b></p><p style='color:#8A4B00'>"
                         f"{esc(entry.change_note)}</p>")
        return "".join(parts)

    def _finding_text(self, finding: Finding) -> str:
        return _tr(_FINDINGS[finding.kind]).format(text=finding.text, other=finding.other or "")

    def _show_article(self, entry: Entry) -> None:
        regulations = self.service.regulations
        citation = f"{entry.source_file} {entry.source_article}".strip()
        if regulations is None:
            self.article_title.setText(html.escape(citation))
            self.article.setPlainText(_tr("The regulation texts are not available on this machine."))
            return
        if entry.source_file == EXPERT_SOURCE:
            self.article_title.setText(html.escape(citation))
            self.article.setPlainText(
                _tr("An expert group's answer: cite the regulation file and article before review."))
            return
        title = regulations.citation(entry.source_file, entry.source_article)
        if entry.source_file in regulations.studio:
            title += " " + _tr("(the studio's text)")
        self.article_title.setText(f"<b>{html.escape(title)}</b>")
        try:
            self.article.setPlainText(regulations.article(entry.source_file, entry.source_article).text)
        except CitationError as exc:
            self.article.setPlainText("⚠ " + str(exc))

    # -- decisions --------------------------------------------------------------------------
    def _set_deciding(self, on: bool) -> None:
        for shortcut in self._shortcuts:
            shortcut.setEnabled(on)

    def _say(self, text: str, *, warn: bool = False) -> None:
        self.message.setText(("⚠ " if warn else "") + text)
        self.message.setStyleSheet("color: #C62828;" if warn else "color: #2E7D32;")

    def _decide(self, name: str, done: str) -> None:
        entry = self.current
        if entry is None or self.busy:
            return
        self._set_deciding(False)  # until the answer: one decision per entry
        self._after, self._decision = ("decision", entry.id, done), name
        self.pending = self.service.decide(name, entry.id, self.reviewer, self.note.text().strip(),
                                           self.top_items)

    def approve(self) -> None:
        """Approve; an entry with something to check takes a second A (a look, then a decision)."""
        entry = self.current
        if entry is not None and self.findings(entry) and self._armed != (entry.id, entry.version):
            self._armed = (entry.id, entry.version)
            self._say(_tr("{id} has something to check (above): press A again to approve it anyway.")
                      .format(id=entry.id), warn=True)
            return
        self._armed = None
        self._decide("approve", QT_TRANSLATE_NOOP(CTX, "{id} approved: it may go on air."))

    def needs_expert(self) -> None:
        self._decide("needs_expert", QT_TRANSLATE_NOOP(CTX, "{id} sent to the experts."))

    def retire(self) -> None:
        self._decide("retire", QT_TRANSLATE_NOOP(CTX, "{id} retired: no longer suggested."))

    def skip(self) -> None:
        row = self.queue.currentRow()
        if row + 1 < len(self.entries):
            self.queue.setCurrentRow(row + 1)

    def back(self) -> None:
        row = self.queue.currentRow()
        if row > 0:
            self.queue.setCurrentRow(row - 1)

    def edit(self) -> None:
        if self.current is None:
            return
        self.editor.name.setText(self.name.text())
        self.editor.open_entry(self.current)
        self.stack.setCurrentIndex(1)
        self._set_deciding(False)
        self.editor.short_answer.setFocus()

    def _edited(self, entry: Entry) -> None:
        self.decided.emit(entry.id, "edit")
        self._say(_tr("{id} saved as version {n}: approve it with A.").format(id=entry.id, n=entry.version))
        self.reload(keep=entry.id, refresh=True)

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Escape and self.stack.currentIndex() == 1:
            self._show_row(self.queue.currentRow())  # leave the editor, unsaved words dropped
            return
        super().keyPressEvent(event)
