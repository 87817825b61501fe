"""The program preview: shows the engine's latest downscaled program frame."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget


class ProgramPreview(QWidget):
    """Paints BGR frames (numpy) scaled to fit, letterboxed, keeping 16:9."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._image: QImage | None = None
        self.frames_shown = 0
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(320, 180)
        # paintEvent covers every pixel (black, then the frame): without this Qt repaints the
        # window, the dock and the monitor behind the preview for each of its 30 frames a
        # second, only for them to be painted over.
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)

    def sizeHint(self) -> QSize:
        return QSize(640, 360)

    def show_frame(self, frame: np.ndarray) -> None:
        height, width = frame.shape[:2]
        # The array outlives the QImage only through .copy(): the worker reuses nothing.
        self._image = QImage(frame.data, width, height, frame.strides[0],
                             QImage.Format.Format_BGR888).copy()
        self.frames_shown += 1
        self.update()

    def current_image(self) -> QImage | None:
        return self._image

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#000000"))
        if self._image is not None:
            scale = min(self.width() / self._image.width(), self.height() / self._image.height())
            width, height = self._image.width() * scale, self._image.height() * scale
            target = QRectF((self.width() - width) / 2, (self.height() - height) / 2, width, height)
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            painter.drawImage(target, self._image)
        painter.end()
        del event
