"""Back on air after a crash, at the desk: the unsent work kept, the cards offered for retake.

The answer panel's drafts (per question and answer) and pinned answers go to
the show's state file through the session (``ShowSession.save_desk``), at most
once a second while the officer types, and come back when the desk starts
again, after a crash or a quit. After a crash with cards on air, the rundown
shows which ones, with one button (and Ctrl+Shift+R) that retakes them; the
program itself starts empty, so nothing stale goes on screen by itself.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, QObject, QTimer
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from videohelp.ui.i18n import Retranslator
from videohelp.ui.words import card_name

if TYPE_CHECKING:
    from videohelp.console.recovery import OnAirCard, Recovery

log = logging.getLogger(__name__)
CTX = "Recovery"
SAVE_DELAY_MS = 1000  # typing writes the state file once a second at most


def _tr(text: str) -> str:
    return QCoreApplication.translate(CTX, text)


class RetakeOffer(QFrame):
    """"On air before the crash: …" with 重新上屏 and 忽略; hidden when there is nothing."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("retakeOffer")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("#retakeOffer { border: 2px solid #f9a825; border-radius: 4px; }")
        self.rt = Retranslator(CTX)
        self.cards: list[OnAirCard] = []
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.retake_button = QPushButton()
        self.retake_button.setObjectName("retakeButton")
        self.dismiss_button = QPushButton()
        self.rt.bind(self.retake_button.setText, QT_TRANSLATE_NOOP(CTX, "Retake (Ctrl+Shift+R)"))
        self.rt.bind(self.dismiss_button.setText, QT_TRANSLATE_NOOP(CTX, "Dismiss"))
        self.dismiss_button.clicked.connect(lambda: self.offer([]))
        buttons = QHBoxLayout()
        buttons.addWidget(self.retake_button)
        buttons.addWidget(self.dismiss_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addWidget(self.text)
        layout.addLayout(buttons)
        self.offer([])

    def offer(self, cards: list[OnAirCard]) -> None:
        self.cards = list(cards)
        self.retranslate()
        self.setVisible(bool(self.cards))

    def retranslate(self) -> None:
        self.rt.apply()
        names = []
        for card in self.cards:
            name = card_name(card.template, card.layer)
            question = str(card.data.get("question", ""))
            if len(question) > 24:
                question = question[:24] + "…"
            names.append(_tr("{card}: {question}").format(card=name, question=question)
                         if question else name)
        self.text.setText(_tr("On air before the crash: {cards}").format(
            cards=_tr("; ").join(names)))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


class DeskRecovery(QObject):
    """Saves the answer panel's work as it changes; restores it and offers retakes at start."""

    def __init__(self, window: Any) -> None:
        """``window``: the ``MainWindow`` (not imported: it imports this module) with its
        session, answers, rundown, go_live and notify."""
        super().__init__(window)
        self.window = window
        self.session = window.session
        self.answers = window.answers
        self.offer = RetakeOffer()
        layout = window.rundown.layout()
        if layout is not None:  # under the rundown's title, above its buttons
            layout.insertWidget(1, self.offer)  # type: ignore[attr-defined]
        self.offer.retake_button.clicked.connect(self.retake)
        self.offer.dismiss_button.clicked.connect(self.dismiss)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SAVE_DELAY_MS)
        self._timer.timeout.connect(self.save)
        self.answers.changed.connect(self._timer.start)
        self.answers.pinned_list.model().rowsInserted.connect(lambda *_: self._timer.start())
        self.session.recovered.connect(self.restore)
        self._saved: dict | None = None
        self._waited = self._restored = False  # restore() once, after the knowledge base opened
        window.installEventFilter(self)  # closing: the last second of typing is saved too

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Close:
            self._timer.stop()
            self.save()
        return False

    def save(self) -> None:
        work = self.answers.work()
        if work != self._saved:
            self._saved = work
            self.session.save_desk(work)

    def restore(self, recovery: Recovery) -> None:
        """The last run's drafts and pins into the answer panel; its cards offered."""
        knowledge = self.window.knowledge
        if recovery.desk and not getattr(knowledge, "is_open", True) and not self._waited:
            # A pin names its knowledge entry: read before the base is open it would come back
            # as a free answer and lose its draft status (the officer's confirmation).
            self._waited = True
            knowledge.opened.connect(lambda: self.restore(recovery))
            knowledge.unavailable.connect(lambda _why: self.restore(recovery))
            return
        if self._restored:
            return
        self._restored = True
        restored = self.answers.restore_work(recovery.desk) if recovery.desk else 0
        self._saved = self.answers.work()
        self.offer.offer([card for card in recovery.cards])
        self._outputs_back(recovery)
        if recovery.crashed:
            text = _tr("Back after a crash: {n} unsent edits and pins restored; nothing went on "
                       "air by itself").format(n=restored)
            if recovery.outputs_restarted:
                text += " " + _tr("Outputs restarted: {names}").format(
                    names="、".join(recovery.outputs_restarted))
            if recovery.outputs_not_restarted:
                text += " " + _tr("Start again by hand: {names}").format(
                    names="、".join(name for name, _why in recovery.outputs_not_restarted))
            self.window.notify(text, "warn", 30)
        log.info("desk recovered: %d drafts and pins, %d cards offered", restored,
                 len(recovery.cards))

    def _outputs_back(self, recovery: Recovery) -> None:
        """The go-live buttons say 停止推流 / 停止录制 for the outputs that came back."""
        panel = self.window.go_live
        for output in self.session.outputs.outputs():
            if output.name not in recovery.outputs_restarted:
                continue
            if output.target.network and panel.push_name is None:
                panel.push_name = output.name
            elif not output.target.network and panel.record_name is None:
                panel.record_name = output.name
        panel.retranslate()

    def dismiss(self) -> None:
        """Not retaking them: they are no longer offered, after another crash either."""
        recovery = self.session.console.recovery
        if recovery is not None:
            recovery.cards.clear()
        self.session.console.recorder.offer([])

    def retake(self) -> None:
        """Retake the offered cards (one key); the offer shows what is left of them."""
        if not self.offer.cards:
            return
        future = self.session.spawn(self.session.retake_on_air())
        recovery = self.session.console.recovery
        future.add_done_callback(
            lambda _f: self.offer.offer(list(recovery.cards) if recovery is not None else []))
