"""Go live from the desk: start and stop the push and the recording, beside the program.

The same program outputs the console's wiring builds for ``serve`` (one encoder
engine, the same figures in the program monitor). The push URL is typed, or read
from the file named by ``output.push_url_file`` (a stream key is a secret: it is
never saved in the settings nor logged); recordings go to ``output.record_path``
(strftime fields allowed), by default ``recordings/show-%Y%m%d-%H%M%S.mp4`` in the
data directory, which is created private (0700).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, QSize
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QLineEdit, QPushButton, QWidget

from videohelp.ui.i18n import Retranslator

if TYPE_CHECKING:
    from videohelp.console.session import ShowSession

log = logging.getLogger(__name__)
CTX = "GoLive"
DEFAULT_RECORDING = "show-%Y%m%d-%H%M%S.mp4"


def _tr(text: str) -> str:
    return QCoreApplication.translate(CTX, text)


class GoLivePanel(QWidget):
    """A push URL, 开始推流 / 停止推流, 开始录制 / 停止录制."""

    def __init__(self, session: ShowSession, notify, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.notify = notify
        self.rt = Retranslator(CTX)
        self.push_name: str | None = None
        self.record_name: str | None = None
        self.url = QLineEdit()
        self.url.setEchoMode(QLineEdit.EchoMode.PasswordEchoOnEdit)  # the key is a secret
        self.url.setMinimumWidth(80)
        self.rt.bind(self.url.setPlaceholderText,
                     QT_TRANSLATE_NOOP(CTX, "Push URL (rtmp://…)"))
        self.push_button = QPushButton()
        self.push_button.setObjectName("pushButton")
        self.record_button = QPushButton()
        self.record_button.setObjectName("recordButton")
        self.push_button.clicked.connect(self.toggle_push)
        self.record_button.clicked.connect(self.toggle_record)
        # The URL above the buttons when the monitor is narrow (the producer's, at the side).
        self.row = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self.row.setContentsMargins(0, 0, 0, 0)
        self.row.addWidget(self.url, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.push_button)
        buttons.addWidget(self.record_button)
        self.row.addLayout(buttons)
        session.outputs.outputStateChanged.connect(self._state)
        self.retranslate()

    def retranslate(self) -> None:
        self.rt.apply()
        self.push_button.setText(_tr("Stop push") if self.push_name else _tr("Start push"))
        self.record_button.setText(_tr("Stop recording") if self.record_name
                                   else _tr("Start recording"))

    def resizeEvent(self, event: QResizeEvent) -> None:
        narrow = event.size().width() < 420
        self.row.setDirection(QBoxLayout.Direction.TopToBottom if narrow
                              else QBoxLayout.Direction.LeftToRight)
        super().resizeEvent(event)

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        buttons = self.push_button.minimumSizeHint().width() + self.record_button.minimumSizeHint().width()
        return QSize(min(hint.width(), buttons + 12), hint.height())

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _push_url(self) -> str:
        typed = self.url.text().strip()
        if typed:
            return typed
        path = str(self.session.settings["output.push_url_file"]).strip()
        if not path:
            return ""
        try:
            return Path(path).expanduser().read_text(encoding="utf-8").strip()
        except OSError as exc:
            self.notify(_tr("Cannot read the push URL file: {why}").format(why=exc.strerror), "error")
            return ""

    def toggle_push(self) -> None:
        if self.push_name is not None:
            self.session.stop_output(self.push_name)
            self.push_name = None
            self.notify(_tr("Push stopped"))
        else:
            url = self._push_url()
            if not url:
                self.notify(_tr("Enter the push URL first"), "warn")
                return
            output = self.session.start_output(url)  # refused: the banner says why
            if output is not None:
                self.push_name = output.name
                self.notify(_tr("Push starting: {name}").format(name=output.name))
        self.retranslate()

    def recording_target(self) -> str:
        configured = str(self.session.settings["output.record_path"]).strip()
        if configured:
            return configured
        folder = self.session.paths.root / "recordings"
        folder.mkdir(parents=True, exist_ok=True)
        os.chmod(folder, 0o700)
        return str(folder / DEFAULT_RECORDING)

    def toggle_record(self) -> None:
        if self.record_name is not None:
            self.session.stop_output(self.record_name)
            self.notify(_tr("Recording stopped: {name}").format(name=self.record_name))
            self.record_name = None
        else:
            output = self.session.start_output(self.recording_target())
            if output is not None:
                self.record_name = output.name
                self.notify(_tr("Recording: {name}").format(name=output.name))
        self.retranslate()

    def _state(self, name: str, state: str, why: str) -> None:
        if state == "failed" and name in (self.push_name, self.record_name):
            self.notify(_tr("Output failed: {name}").format(name=name), "error")
            log.error("output %s failed: %s", name, why)
