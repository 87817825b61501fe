"""The program's source, chosen at the desk beside the program monitor.

A list of what the program can show — 测试信号 (colour bars), each camera found,
a file chosen in a dialog (looped), a clip (played once), a stream URL, and the
phone publishing over WHIP when the console has it — and a cut to the chosen
one through the show's ``source`` action as the desk's actor (the role table
decides: the presenter and the producer may, the officer's list is read-only).
The choice is remembered (``desk.source``) and taken again at the next start.
Whoever cuts the program (this desk, a seat, a stream deck), the list shows
what is on now.
"""

from __future__ import annotations

import glob
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QSizePolicy,
    QWidget,
)

from videohelp.core.roles import Action, allowed
from videohelp.streaming.source_switch import WHIP, describe

if TYPE_CHECKING:
    from videohelp.console.session import ShowSession

log = logging.getLogger(__name__)
CTX = "SourcePicker"
VIDEO_FILTER = QT_TRANSLATE_NOOP(CTX, "Videos (*.mp4 *.mov *.mkv *.avi *.flv *.ts *.webm);;All files (*)")
# Item data: a spec to cut to, or one of these, which ask for the rest first.
ASK_FILE, ASK_CLIP, ASK_STREAM = "?file", "?clip", "?stream"


def _tr(text: str) -> str:
    return QCoreApplication.translate(CTX, text)


def cameras() -> list[str]:
    """Camera specs on this machine: V4L2 devices on Linux; elsewhere the first index."""
    if sys.platform.startswith("linux"):
        found = sorted(glob.glob("/dev/video[0-9]*"), key=lambda p: int(p[len("/dev/video"):]))
        return [f"camera:{path[len('/dev/video'):]}" for path in found]
    return ["camera:0"]


def source_label(spec: str) -> str:
    """How the desk names a source (in the interface's language, no stream key)."""
    view = describe(spec)
    if view.kind == "test":
        return _tr("Test pattern")
    if view.kind == "camera":
        return _tr("Camera {n}").format(n=view.spec.partition(":")[2])
    if view.kind == "file":
        return _tr("File: {name}").format(name=view.shown.partition(":")[2])
    if view.kind == "clip":
        return _tr("Clip: {name}").format(name=view.shown.partition(":")[2])
    if view.kind == WHIP:
        return _tr("Phone (WHIP)")
    return _tr("Stream: {url}").format(url=view.shown)


class SourcePicker(QWidget):
    """信号源 [list]: the program's source, switched through the session's ``source`` action.

    Signals:
        acted(): the operator chose a source (the demo stands down).
    """

    acted = Signal()

    def __init__(self, session: ShowSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.may_switch = allowed(session.actor.role, Action.SOURCE)
        self.current = session.console.sources.current.spec  # what is on now
        self.label = QLabel()
        self.combo = QComboBox()
        self.combo.setObjectName("sourcePicker")
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.combo.setMinimumContentsLength(12)
        self.combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.combo.setEnabled(self.may_switch)
        self.combo.activated.connect(self._activated)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.label)
        row.addWidget(self.combo, 1)
        session.sourceChanged.connect(self._changed)
        self.retranslate()

    # -- what is listed --------------------------------------------------------------------------
    def specs(self) -> list[str]:
        """The sources offered, in order: what is on now among them."""
        listed = ["test", *cameras()]
        if self.session.console.sources.whip is not None:
            listed.append(WHIP)
        if self.current not in listed:
            listed.append(self.current)  # a file, clip or stream chosen earlier
        return listed

    def retranslate(self) -> None:
        self.label.setText(_tr("Source"))
        self.combo.setToolTip("" if self.may_switch else
                              _tr("Only the presenter and the producer switch the program's source"))
        self.combo.blockSignals(True)
        self.combo.clear()
        for spec in self.specs():
            self.combo.addItem(source_label(spec), spec)
        for text, ask in ((QT_TRANSLATE_NOOP(CTX, "File (looped)…"), ASK_FILE),
                          (QT_TRANSLATE_NOOP(CTX, "Clip (played once)…"), ASK_CLIP),
                          (QT_TRANSLATE_NOOP(CTX, "Stream URL…"), ASK_STREAM)):
            self.combo.addItem(_tr(text), ask)
        self.combo.setCurrentIndex(max(0, self.combo.findData(self.current)))
        self.combo.blockSignals(False)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # -- choosing ----------------------------------------------------------------------------------
    def _activated(self, index: int) -> None:
        choice = self.combo.itemData(index)
        self.combo.setCurrentIndex(max(0, self.combo.findData(self.current)))  # until it is on
        if choice == ASK_FILE:
            self.choose_file(self._ask_file(), clip=False)
        elif choice == ASK_CLIP:
            self.choose_file(self._ask_file(), clip=True)
        elif choice == ASK_STREAM:
            url, ok = QInputDialog.getText(self, _tr("Stream URL"),
                                           _tr("rtmp://, rtsp://, srt:// or http(s):// address"))
            if ok:
                self.choose(url.strip())
        elif isinstance(choice, str):
            self.choose(choice)

    def _ask_file(self) -> str:
        start = str(Path(self.current.partition(":")[2]).parent) \
            if describe(self.current).kind in ("file", "clip") else str(Path.home())
        path, _filter = QFileDialog.getOpenFileName(self, _tr("Choose a video"), start,
                                                    _tr(VIDEO_FILTER))
        return path

    def choose_file(self, path: str, *, clip: bool = False) -> None:
        if path:
            self.choose(f"{'clip' if clip else 'file'}:{path}")

    def choose(self, spec: str) -> None:
        """Cut the program to ``spec`` as this desk; on success it is remembered."""
        if not spec:
            return
        self.acted.emit()
        self.session.spawn(self._switch(spec))

    async def _switch(self, spec: str) -> None:
        if await self.session.switch_source(spec):  # refused: the banner says why
            try:
                self.session.settings.set("desk.source", spec)
            except (OSError, ValueError) as exc:
                log.error("the chosen source is not remembered: %s", exc)

    def restore(self) -> None:
        """At start: the source last chosen at this desk, if the desk may switch sources."""
        remembered = str(self.session.settings["desk.source"]).strip()
        if self.may_switch and remembered and remembered != self.current:
            self.session.spawn(self.session.switch_source(remembered))

    def _changed(self, _shown: str, _kind: str) -> None:
        self.current = self.session.console.sources.current.spec
        self.retranslate()
