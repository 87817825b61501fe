"""The 锦囊口袋 panel: the selected question's clips beside its answers, search, preview, air.

For the selected question's business item the panel lists its clips
(thumbnail, title, duration, how often aired); typing in the search box finds
clips by Chinese words in titles, tags and item names instead. Preview plays
the clip on the return monitor (``previewRequested``); 播出 puts it on
program through the session's pocket service (``session.pocket.take_clip``),
with a countdown until it ends and the program returns to its source.

The data comes from the session (writer thread); this widget never opens the
database itself.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, QSize, Qt, Signal
from PySide6.QtGui import QIcon, QImage, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from videohelp.console.pocket.air import PocketError
from videohelp.console.pocket.library import Clip
from videohelp.console.session import ShowSession
from videohelp.ui.i18n import Retranslator

log = logging.getLogger(__name__)
CTX = "PocketPanel"
ClipRole = Qt.ItemDataRole.UserRole + 1


def _tr(text: str) -> str:
    return QCoreApplication.translate(CTX, text)


def duration_text(seconds: float) -> str:
    whole = max(0, round(seconds))
    return f"{whole // 60}:{whole % 60:02d}"


class PocketPanel(QWidget):
    """Clips for the selected question (or a search), with preview, air and stop.

    Signals:
        previewRequested(str): play this file on the return monitor.
    """

    previewRequested = Signal(str)

    def __init__(self, session: ShowSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.item: str | None = None
        self.comment_id: int | None = None
        self.clips: list[Clip] = []
        self._generation = 0  # a slower, older lookup must not overwrite a newer one
        self.rt = Retranslator(CTX)
        self.heading = QLabel()
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.rt.bind(self.search.setPlaceholderText,
                     QT_TRANSLATE_NOOP(CTX, "Search clips (titles, tags, items)"))
        self.search.textChanged.connect(self._search_changed)
        self.list = QListWidget()
        self.list.setIconSize(QSize(96, 54))
        self.list.itemActivated.connect(lambda _item: self.take())
        self.preview_button = QPushButton()
        self.take_button = QPushButton()
        self.stop_button = QPushButton()
        self.rt.bind(self.preview_button.setText, QT_TRANSLATE_NOOP(CTX, "Preview"))
        self.rt.bind(self.take_button.setText, QT_TRANSLATE_NOOP(CTX, "Play to program"))
        self.rt.bind(self.stop_button.setText, QT_TRANSLATE_NOOP(CTX, "Stop clip"))
        self.preview_button.clicked.connect(self.preview)
        self.take_button.clicked.connect(self.take)
        self.stop_button.clicked.connect(self.session.pocket.stop_clip)
        self.countdown = QLabel()
        self.countdown.setObjectName("clipCountdown")
        row = QHBoxLayout()
        for button in (self.preview_button, self.take_button, self.stop_button):
            row.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)
        layout.addLayout(row)
        layout.addWidget(self.countdown)
        pocket = session.pocket
        pocket.clipTick.connect(self._tick)
        pocket.clipStarted.connect(lambda clip: self._on_air(clip, True))
        pocket.clipFinished.connect(lambda clip, _how: self._on_air(clip, False))
        pocket.clipsChanged.connect(self.refresh)
        self._on_air(None, False)
        self._word_heading()

    # -- what is shown ----------------------------------------------------------------
    def show_item(self, item: str | None, comment_id: int | None = None) -> None:
        """Show the clips of ``item`` (the selected question's); a search in progress stays."""
        self.item, self.comment_id = item, comment_id
        self._word_heading()
        if not self.search.text().strip():
            self.refresh()

    def refresh(self) -> None:
        self._generation += 1
        self.session.spawn(self._load(self._generation, self.search.text().strip(), self.item))

    def _search_changed(self, _text: str) -> None:
        self._word_heading()
        self.refresh()

    async def _load(self, generation: int, query: str, item: str | None) -> None:
        pocket = self.session.pocket
        try:
            clips = await (pocket.search(query) if query else pocket.suggestions(item))
            pictures = {clip.id: (await pocket.pictures(clip.id))[0] for clip in clips}
        except Exception as exc:
            log.warning("clips not shown: %s", exc)
            return
        if generation == self._generation:
            self._fill(clips, pictures)

    def _fill(self, clips: list[Clip], thumbnails: dict[int, bytes]) -> None:
        chosen = self.current_clip()
        self.clips = clips
        self.list.clear()
        for clip in clips:
            entry = QListWidgetItem(self.list)
            image = QImage.fromData(thumbnails.get(clip.id, b""))
            if not image.isNull():
                entry.setIcon(QIcon(QPixmap.fromImage(image)))
            entry.setData(ClipRole, clip.id)
            self._word_entry(entry, clip)
            if chosen is not None and clip.id == chosen.id:
                self.list.setCurrentItem(entry)
        if self.list.currentRow() < 0 and clips:
            self.list.setCurrentRow(0)

    def _word_entry(self, entry: QListWidgetItem, clip: Clip) -> None:
        status = "" if clip.reviewed else _tr(" (not reviewed)")
        entry.setText(_tr("{title}{status}\n{duration} · aired {plays}×").format(
            title=clip.title, status=status, duration=duration_text(clip.duration_s),
            plays=clip.plays))

    def _word_heading(self) -> None:
        if self.search.text().strip():
            self.rt.bind(self.heading.setText, QT_TRANSLATE_NOOP(CTX, "Explainer clips: search results"))
        elif self.item:
            self.rt.bind(self.heading.setText, QT_TRANSLATE_NOOP(CTX, "Explainer clips for {item}"),
                         item=self._item_name(self.item))
        else:
            self.rt.bind(self.heading.setText,
                         QT_TRANSLATE_NOOP(CTX, "Explainer clips: select a question or search"))

    def _item_name(self, code: str) -> str:
        catalog = self.session.catalog
        return catalog[code].name_zh if code in catalog else code

    def current_clip(self) -> Clip | None:
        row = self.list.currentRow()
        return self.clips[row] if 0 <= row < len(self.clips) else None

    # -- actions ----------------------------------------------------------------------
    def preview(self) -> None:
        clip = self.current_clip()
        if clip is not None:
            self.session.spawn(self._preview(clip))

    async def _preview(self, clip: Clip) -> None:
        try:
            await self.session.pocket.preview_clip(clip.id, actor=self.session.options.actor)
        except PocketError as exc:
            self.session.actionFailed.emit(str(exc))
            return
        self.previewRequested.emit(clip.path)

    def take(self) -> None:
        clip = self.current_clip()
        if clip is not None:
            self.session.spawn(self._take(clip))

    async def _take(self, clip: Clip) -> None:
        # Through the show's action service as the desk's actor: the role table decides, the
        # audit log records it, refusals come back as actionFailed.
        await self.session.take_clip(clip.id, item=self.item, comment_id=self.comment_id)

    def _on_air(self, clip: Clip | None, on_air: bool) -> None:
        self.stop_button.setEnabled(on_air)
        if on_air and clip is not None:
            self.rt.bind(self.countdown.setText, QT_TRANSLATE_NOOP(CTX, "On air: {title}"),
                         title=clip.title)
        else:
            self.rt.bind(self.countdown.setText, QT_TRANSLATE_NOOP(CTX, "No clip on air"))

    def _tick(self, remaining: float, _duration: float) -> None:
        clip = self.session.pocket.current
        if clip is not None:
            self.rt.bind(self.countdown.setText,
                         QT_TRANSLATE_NOOP(CTX, "On air: {title} — {left} left, then back"),
                         title=clip.title, left=duration_text(remaining))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.rt.apply()
            for row, clip in enumerate(self.clips):
                entry = self.list.item(row)
                if entry is not None:
                    self._word_entry(entry, clip)
        super().changeEvent(event)
