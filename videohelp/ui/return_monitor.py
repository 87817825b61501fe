"""The return monitor: what viewers see, pulled from the platform (VLC, 2–3 s behind).

It is a monitor, not the preview: the local composite is the Program view. The
player is created lazily on first play, on the main thread (libvlc's rule);
on a platform without a native window (offscreen) it plays headless.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from videohelp.streaming.vlc_player import VlcPlayer

log = logging.getLogger(__name__)


def _tr(text: str) -> str:
    return QCoreApplication.translate("ReturnMonitor", text)


class ReturnMonitor(QWidget):
    """A URL box, play/stop, the picture and the player's state."""

    def __init__(self, url: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.player: VlcPlayer | None = None
        self.video = QFrame()
        self.video.setMinimumSize(320, 180)
        self.video.setStyleSheet("background: black;")
        self.video.setAttribute(Qt.WidgetAttribute.WA_NativeWindow)
        self.url = QLineEdit(url)
        self.url.setPlaceholderText(_tr("Platform pull URL (rtmp://, https://…flv, .m3u8)"))
        self.play_button = QPushButton(_tr("Play"))
        self.stop_button = QPushButton(_tr("Stop"))
        self.state = QLabel(_tr("stopped"))
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

    def _ensure_player(self) -> VlcPlayer:
        if self.player is None:
            headless = QGuiApplication.platformName() in ("offscreen", "minimal")
            self.player = VlcPlayer(headless=headless, parent=self)
            self.player.stateChanged.connect(self.state.setText)
            self.player.errorOccurred.connect(self.state.setText)
            if not headless:
                self.player.set_window(int(self.video.winId()))
        return self.player

    def play(self) -> bool:
        url = self.url.text().strip()
        if not url:
            self.state.setText(_tr("Enter the platform's pull URL first"))
            return False
        try:
            self._ensure_player().play(url, network_caching_ms=1500)
        except RuntimeError as exc:  # no libvlc on this machine: say so, keep the desk
            log.error("return monitor: %s", exc)
            self.state.setText(str(exc))
            return False
        return True

    def stop(self) -> None:
        if self.player is not None:
            self.player.stop()

    def shutdown(self) -> None:
        if self.player is not None:
            self.player.close()
            self.player = None
