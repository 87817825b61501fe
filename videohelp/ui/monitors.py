"""The desk's two monitors: the next card as it will look, and the program with its outputs' health.

Laid out as a switcher's studio mode (a preview beside the program): both
stay visible while the rundown, the queue or the answers are worked. The
program monitor shows each output (push, recording) with its state, bitrate,
dropped frames and reconnects, from the program outputs' own signals.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPaintEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from videohelp.streaming.cards import RenderedCard
from videohelp.ui.i18n import Retranslator
from videohelp.ui.preview import ProgramPreview

CTX = "Monitors"


def _tr(text: str) -> str:
    return QCoreApplication.translate(CTX, text)


_STATES = {
    "starting": QT_TRANSLATE_NOOP(CTX, "starting"),
    "live": QT_TRANSLATE_NOOP(CTX, "live"),
    "reconnecting": QT_TRANSLATE_NOOP(CTX, "reconnecting"),
    "stopped": QT_TRANSLATE_NOOP(CTX, "stopped"),
    "failed": QT_TRANSLATE_NOOP(CTX, "failed"),
}


class CardPreview(QWidget):
    """Paints one ``RenderedCard`` in place on a 16:9 frame (what Enter would put on air)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._image: QImage | None = None
        self._place: tuple[int, int, int, int] = (0, 0, 1920, 1080)  # x, y, frame w, frame h
        self.cards_shown = 0
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(192, 108)

    def sizeHint(self) -> QSize:
        return QSize(640, 360)

    def show_card(self, card: RenderedCard | None) -> None:
        if card is None:
            self._image = None
        else:
            rgba = np.ascontiguousarray(card.rgba)
            height, width = rgba.shape[:2]
            self._image = QImage(rgba.data, width, height, rgba.strides[0],
                                 QImage.Format.Format_RGBA8888_Premultiplied).copy()
            self._place = (card.x, card.y, *card.frame_size)
            self.cards_shown += 1
        self.update()

    def current_image(self) -> QImage | None:
        return self._image

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#000000"))
        x, y, frame_w, frame_h = self._place
        scale = min(self.width() / frame_w, self.height() / frame_h)
        left = (self.width() - frame_w * scale) / 2
        top = (self.height() - frame_h * scale) / 2
        painter.fillRect(QRectF(left, top, frame_w * scale, frame_h * scale), QColor("#1b2333"))
        if self._image is not None:
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            painter.drawImage(QRectF(left + x * scale, top + y * scale, self._image.width() * scale,
                                     self._image.height() * scale), self._image)
        painter.end()
        del event


class _Monitor(QWidget):
    """A title, a picture and a line of text under it."""

    def __init__(self, title: str, picture: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rt = Retranslator(CTX)
        self.title = QLabel()
        self.title.setObjectName("monitorTitle")
        self.rt.bind(self.title.setText, title)
        self.picture = picture
        self.line = QLabel()
        self.line.setWordWrap(True)
        self.line.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        self.title.hide()  # the dock's title names the monitor; kept for a floating monitor
        layout.addWidget(picture, 1)
        layout.addWidget(self.line)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.rt.apply()


class NextMonitor(_Monitor):
    """The card the selected question and answer would make (nothing is put on air here)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        self.card = CardPreview()
        super().__init__(QT_TRANSLATE_NOOP(CTX, "Next (preview)"), self.card, parent)
        self._what: str | Callable[[], str] = ""
        self.retranslate()

    def show_card(self, card: RenderedCard | None, what: str | Callable[[], str] = "") -> None:
        """``what``: the caption, or a function giving it in the current language (re-worded
        on a language change)."""
        self.card.show_card(card)
        self._what = what
        self.retranslate()

    def retranslate(self) -> None:
        super().retranslate()
        what = self._what() if callable(self._what) else self._what
        self.line.setText(what or _tr("Select a question to see its card"))


class ProgramMonitor(_Monitor):
    """The program as it goes out, each output's health under it, and the go-live controls
    (``controls``, added by the desk)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        self.preview = ProgramPreview()
        self.preview.setMinimumSize(192, 108)
        super().__init__(QT_TRANSLATE_NOOP(CTX, "Program (on air)"), self.preview, parent)
        self.line.setObjectName("outputHealth")
        self.states: dict[str, tuple[str, str]] = {}  # output -> (state, why)
        self.stats: dict[str, object] = {}
        self.retranslate()

    def add_controls(self, controls: QWidget) -> None:
        layout = self.layout()
        assert layout is not None
        layout.addWidget(controls)

    def output_state(self, name: str, state: str, why: str) -> None:
        if state == "stopped":
            self.states.pop(name, None)
            self.stats.pop(name, None)
        else:
            self.states[name] = (state, why)
        self.retranslate()

    def output_stats(self, name: str, stats: object) -> None:
        self.stats[name] = stats
        self.retranslate()

    def health_text(self) -> str:
        if not self.states:
            return _tr("Not streaming or recording (preview only)")
        parts = []
        for name, (state, _why) in sorted(self.states.items()):
            text = f"● {name}: {_tr(_STATES.get(state, state))}"
            stats = self.stats.get(name)
            if stats is not None:
                text += "  " + _tr("{kbps} kbit/s, {dropped} dropped, {reconnects} reconnects").format(
                    kbps=int(getattr(stats, "bitrate", 0) / 1000), dropped=getattr(stats, "dropped", 0),
                    reconnects=getattr(stats, "reconnects", 0))
            parts.append(text)
        return "\n".join(parts)

    def retranslate(self) -> None:
        super().retranslate()
        self.line.setText(self.health_text())
        live = any(state == "live" for state, _ in self.states.values())
        self.line.setStyleSheet("color: #e53935; font-weight: bold;" if live else "")
        self.title.setAlignment(Qt.AlignmentFlag.AlignLeft)
