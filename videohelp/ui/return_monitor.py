"""The return monitor: what viewers see, pulled from the platform (VLC, 2–3 s behind).

It is a monitor, not the preview: the local composite is the Program view. The
player is created lazily on first play, on the main thread (libvlc's rule);
on a platform without a native window (offscreen) it plays headless. A language
change re-words the controls and the player's state; the URL stays.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QT_TRANSLATE_NOOP, QEvent, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from videohelp.streaming.vlc_player import VlcPlayer
from videohelp.ui.i18n import Retranslator

log = logging.getLogger(__name__)
CTX = "ReturnMonitor"
# The player's states (VlcPlayer.stateChanged), as the operator reads them.
STATES = {"opening": QT_TRANSLATE_NOOP(CTX, "opening"), "playing": QT_TRANSLATE_NOOP(CTX, "playing"),
          "paused": QT_TRANSLATE_NOOP(CTX, "paused"), "stopped": QT_TRANSLATE_NOOP(CTX, "stopped"),
          "ended": QT_TRANSLATE_NOOP(CTX, "ended"), "error": QT_TRANSLATE_NOOP(CTX, "error")}


class ReturnMonitor(QWidget):
    """A URL box, play/stop, the picture and the player's state."""

    def __init__(self, url: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.player: VlcPlayer | None = None
        self.rt = Retranslator(CTX)
        self.video = QFrame()
        self.video.setMinimumSize(192, 108)
        self.video.setStyleSheet("background: black;")
        self.video.setAttribute(Qt.WidgetAttribute.WA_NativeWindow)
        self.url = QLineEdit(url)
        self.rt.bind(self.url.setPlaceholderText,
                     QT_TRANSLATE_NOOP(CTX, "Platform pull URL (rtmp://, https://…flv, .m3u8)"))
        self.play_button = QPushButton()
        self.stop_button = QPushButton()
        self.rt.bind(self.play_button.setText, QT_TRANSLATE_NOOP(CTX, "Play"))
        self.rt.bind(self.stop_button.setText, QT_TRANSLATE_NOOP(CTX, "Stop"))
        self.state = QLabel()
        self._show_state("stopped")
        self.play_button.clicked.connect(self.play)
        self.stop_button.clicked.connect(self.stop)
        row = QHBoxLayout()
        row.addWidget(self.url, 1)
        row.addWidget(self.play_button)
        row.addWidget(self.stop_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.video, 1)
        layout.addLayout(row)
        layout.addWidget(self.state)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.rt.apply()
        super().changeEvent(event)

    def _show_state(self, state: str) -> None:
        if state in STATES:
            self.rt.bind(self.state.setText, STATES[state])
        else:
            self.rt.show(self.state.setText, state)

    def _show_error(self, text: str) -> None:
        self.rt.show(self.state.setText, text)

    def _ensure_player(self) -> VlcPlayer:
        if self.player is None:
            headless = QGuiApplication.platformName() in ("offscreen", "minimal")
            self.player = VlcPlayer(headless=headless, parent=self)
            self.player.stateChanged.connect(self._show_state)
            self.player.errorOccurred.connect(self._show_error)
            if not headless:
                self.player.set_window(int(self.video.winId()))
        return self.player

    def play(self) -> bool:
        url = self.url.text().strip()
        if not url:
            self.rt.bind(self.state.setText, QT_TRANSLATE_NOOP(CTX, "Enter the platform's pull URL first"))
            return False
        try:
            self._ensure_player().play(url, network_caching_ms=1500)
        except RuntimeError as exc:  # no libvlc on this machine: say so, keep the desk
            log.error("return monitor: %s", exc)
            self._show_error(str(exc))
            return False
        return True

    def play_file(self, path: str) -> bool:
        """Play a local file (a 锦囊口袋 clip's preview) instead of the platform feed."""
        self.url.setText(path)
        return self.play()

    def stop(self) -> None:
        if self.player is not None:
            self.player.stop()

    def shutdown(self) -> None:
        if self.player is not None:
            self.player.close()
            self.player = None
