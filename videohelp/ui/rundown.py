"""The graphics rundown: today's cards with take / update / clear per layer, and countdowns.

Rundown entries come from ``rundown.json`` in the data directory (the studio's
own, edited between shows) or the shipped default. The big 全部下屏 button is
not here: it lives on the main window, always visible. A language change
re-words the panel and keeps the selected card.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from videohelp.assets import asset_path
from videohelp.core.roles import Action
from videohelp.queue.seat_protocol import Request
from videohelp.streaming.cards import CardRenderer
from videohelp.streaming.program import ProgramEngine
from videohelp.ui.card_thumbnails import THUMB_WIDTH, ThumbnailCache, card_key
from videohelp.ui.i18n import Retranslator
from videohelp.ui.words import card_name

log = logging.getLogger(__name__)
CTX = "Rundown"


def _tr(text: str) -> str:
    return QCoreApplication.translate(CTX, text)


@dataclass(frozen=True)
class RundownEntry:
    label: str
    layer: str
    template: str
    data: dict[str, Any]
    duration_s: float = 0.0


class RundownError(ValueError):
    """A rundown file that cannot be used."""


def load_rundown(data_dir: Path | None) -> list[RundownEntry]:
    """The studio's rundown (``rundown.json`` in ``data_dir``) or the shipped default."""
    path = data_dir / "rundown.json" if data_dir else None
    if path is None or not path.exists():
        path = asset_path("rundown", "default.json")
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return [RundownEntry(str(e["label"]), str(e["layer"]), str(e["template"]),
                             dict(e.get("data", {})), float(e.get("duration_s", 0)))
                for e in raw]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise RundownError(f"{path}: {exc}") from exc


class RundownPanel(QWidget):
    """Cards ready to take, and what is on air per layer with its countdown.

    Signals:
        acted(): the operator used the rundown (the demo stands down).
    """

    acted = Signal()

    def __init__(self, engine: ProgramEngine, renderer: CardRenderer, entries: list[RundownEntry],
                 parent: QWidget | None = None, *, act: Callable[[Request], Any]) -> None:
        super().__init__(parent)
        self.engine = engine  # read only: what is on air, and the countdowns
        self.renderer = renderer
        # Takes, updates and clears are the show's actions, done as the desk's actor (the
        # session checks the role and reports a refusal in the status bar).
        self.act = act
        self.entries = entries
        self.list = QListWidget()
        # Each card as it will look, rendered once (cached), beside its name.
        self.thumbnails = ThumbnailCache(renderer, ratio=self.devicePixelRatioF, parent=self)
        self.thumbnails.ready.connect(self._thumbnail_ready)
        self.list.setIconSize(QSize(THUMB_WIDTH, THUMB_WIDTH * 9 // 16))
        for entry in entries:
            item = QListWidgetItem(self._entry_text(entry), self.list)
            icon = self.thumbnails.icon(entry.template, entry.data)
            if icon is not None:
                item.setIcon(icon)
        if entries:
            self.list.setCurrentRow(0)
        self.list.itemActivated.connect(lambda _item: self.take_current())
        self.rt = Retranslator(CTX)
        self.take_button = QPushButton()
        self.update_button = QPushButton()
        self.clear_button = QPushButton()
        self.rt.bind(self.take_button.setText, QT_TRANSLATE_NOOP(CTX, "Take"))
        self.rt.bind(self.update_button.setText, QT_TRANSLATE_NOOP(CTX, "Update"))
        self.rt.bind(self.clear_button.setText, QT_TRANSLATE_NOOP(CTX, "Clear layer"))
        self.take_button.clicked.connect(self.take_current)
        self.update_button.clicked.connect(self.update_current)
        self.clear_button.clicked.connect(self.clear_current)
        self.on_air = QLabel()
        self.on_air.setWordWrap(True)
        buttons = QHBoxLayout()
        for button in (self.take_button, self.update_button, self.clear_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        self.title = QLabel()
        self.rt.bind(self.title.setText, QT_TRANSLATE_NOOP(CTX, "Graphics rundown"))
        # Buttons above the list, what is on air in a box of fixed height below it: layers
        # going on and off air never move the buttons under the operator's pointer.
        self.on_air.setFixedHeight(self.on_air.fontMetrics().lineSpacing() * 4 + 6)
        self.on_air.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.title)
        self.title.hide()  # the dock's title names the panel; kept for a floating panel
        layout.addLayout(buttons)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.on_air)
        self._timer = QTimer(self)
        self._timer.setInterval(500)
        self._timer.timeout.connect(self.refresh_on_air)
        self._timer.start()
        engine.layersChanged.connect(lambda _names: self.refresh_on_air())
        self.refresh_on_air()

    @staticmethod
    def _entry_text(entry: RundownEntry) -> str:
        text = f"{entry.label}\n{card_name(entry.template, entry.layer)}"
        if entry.duration_s > 0:
            text += "  ·  " + _tr("out after {s:.0f}s").format(s=entry.duration_s)
        return text

    def _thumbnail_ready(self, key: str) -> None:
        for row, entry in enumerate(self.entries):
            if card_key(entry.template, entry.data) == key:
                icon = self.thumbnails.icon(entry.template, entry.data)
                if icon is not None:
                    self.list.item(row).setIcon(icon)

    def retranslate(self) -> None:
        """Re-word the panel in the current language (the selected card stays)."""
        self.rt.apply()
        for row, entry in enumerate(self.entries):
            self.list.item(row).setText(self._entry_text(entry))
        self.refresh_on_air()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def current(self) -> RundownEntry | None:
        row = self.list.currentRow()
        return self.entries[row] if 0 <= row < len(self.entries) else None

    def take_current(self) -> bool:
        entry = self.current()
        self.acted.emit()
        if entry is None:
            return False
        self.act(Request(Action.TAKE, "rundown", layer=entry.layer, template=entry.template,
                         data=dict(entry.data),
                         raw={"transition": "fade", "out": "fade", "seconds": 0.3,
                              "duration_s": entry.duration_s}))
        return True

    def update_current(self) -> bool:
        entry = self.current()
        self.acted.emit()
        if entry is None:
            return False
        self.act(Request(Action.UPDATE, "rundown", layer=entry.layer, template=entry.template,
                         data=dict(entry.data)))
        return True

    def clear_current(self) -> bool:
        entry = self.current()
        self.acted.emit()
        if entry is None or entry.layer not in self.engine.on_air():
            return False
        self.act(Request(Action.CLEAR, "rundown", layer=entry.layer))
        return True

    def refresh_on_air(self) -> None:
        """List the layers on air, with the seconds left before an automatic out."""
        layers, frame = self.engine.layers()
        lines = []
        for layer in layers:
            if layer.leaving:
                continue
            text = f"● {card_name(layer.card.template, layer.name)}"
            if layer.out_at is not None:
                seconds = max(0.0, (layer.out_at - frame) / self.engine.fps)
                text += "  " + _tr("out in {s:.0f}s").format(s=seconds)
            lines.append(text)
        self.on_air.setText("\n".join(lines) if lines else _tr("No graphics on air"))
