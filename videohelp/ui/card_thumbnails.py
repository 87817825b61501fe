"""Small pictures of cards as they will look on the program, for the graphics rundown.

Each card is rendered once by the program's card renderer (the same templates,
theme and fonts as on air) and placed on a 16:9 frame at thumbnail size; the
result is cached by template and data, so the rundown's half-second refresh
and its repaints never render a card again. Rendering is deferred to the event
loop, one card per turn (2.5 ms of CPU per card with its scaling, 1080p program,
pixel ratio 2; measured under load 19), so a long rundown never holds up the
desk's start nor a frame of the preview.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, QRectF, QTimer, Signal
from PySide6.QtGui import QColor, QIcon, QImage, QPainter, QPixmap

from videohelp.streaming.cards import CardError, CardRenderer, RenderedCard

log = logging.getLogger(__name__)
THUMB_WIDTH = 88  # logical pixels: two lines of the list; the card's place, shape and colours
# A mid grey frame, like a picture behind the card: the theme's dark panels stand out on it
# (on the monitors' dark blue they vanished at thumbnail size).
BACKGROUND = QColor("#6b7280")


def thumbnail(card: RenderedCard, width: int, ratio: float = 1.0) -> QPixmap:
    """``card`` in place on its frame, ``width`` logical pixels wide (sharp at ``ratio``)."""
    frame_w, frame_h = card.frame_size
    pixels_w = max(1, round(width * ratio))
    pixels_h = max(1, round(pixels_w * frame_h / frame_w))
    image = QImage(pixels_w, pixels_h, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(BACKGROUND)
    rgba = np.ascontiguousarray(card.rgba)
    height, card_w = rgba.shape[:2]
    source = QImage(rgba.data, card_w, height, rgba.strides[0],
                    QImage.Format.Format_RGBA8888_Premultiplied)
    scale = pixels_w / frame_w
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    painter.drawImage(QRectF(card.x * scale, card.y * scale, card_w * scale, height * scale), source)
    painter.end()
    pixmap = QPixmap.fromImage(image)
    pixmap.setDevicePixelRatio(ratio)
    return pixmap


def card_key(template: str, data: dict[str, Any]) -> str:
    return template + "\n" + json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)


class ThumbnailCache(QObject):
    """Renders each (template, data) once, in the background of the event loop.

    Signals:
        ready(str): the thumbnail of that key is in the cache now.
    """

    ready = Signal(str)

    def __init__(self, renderer: CardRenderer, width: int = THUMB_WIDTH,
                 ratio: Callable[[], float] = lambda: 1.0, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.renderer = renderer
        self.width = width
        self.ratio = ratio
        self.renders = 0  # cards rendered (tests: never again per refresh)
        self._icons: dict[str, QIcon] = {}
        self._pending: list[tuple[str, str, dict[str, Any]]] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._render_one)

    def icon(self, template: str, data: dict[str, Any]) -> QIcon | None:
        """The cached thumbnail, or None (then it is rendered soon and ``ready`` says so)."""
        key = card_key(template, data)
        icon = self._icons.get(key)
        if icon is None and all(key != pending[0] for pending in self._pending):
            self._pending.append((key, template, dict(data)))
            self._timer.start()
        return icon

    def _render_one(self) -> None:
        if not self._pending:
            return
        key, template, data = self._pending.pop(0)
        try:
            card = self.renderer.render(template, data)
            self.renders += 1
            self._icons[key] = QIcon(thumbnail(card, self.width, self.ratio()))
        except CardError as exc:  # the rundown's entry is refused on take too; no picture
            log.warning("no thumbnail for %s: %s", template, exc)
            self._icons[key] = QIcon()
        self.ready.emit(key)
        if self._pending:
            self._timer.start()
