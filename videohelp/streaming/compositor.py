"""Compositing card layers onto program frames with OpenCV (in place, premultiplied).

A layer is prepared once per change: its RGBA premultiplied image becomes a
BGR premultiplied image and an inverse-alpha image, both cropped to the
card's opaque bounding box. Per frame only that region is touched:
``frame = card + frame * (1 - alpha)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np


@dataclass(frozen=True)
class PreparedLayer:
    """A card ready to composite at (x, y) on the frame."""

    x: int
    y: int
    bgr: np.ndarray        # premultiplied colour, uint8, HxWx3
    inv_alpha: np.ndarray  # 255 - alpha, uint8, HxWx3
    opacity: float = 1.0

    @property
    def size(self) -> tuple[int, int]:
        return self.bgr.shape[1], self.bgr.shape[0]


def prepare_layer(rgba_premul: np.ndarray, x: int, y: int, opacity: float = 1.0) -> PreparedLayer:
    """Convert a premultiplied RGBA card to a composite-ready layer, cropped to its pixels."""
    alpha = rgba_premul[:, :, 3]
    rows = np.flatnonzero(alpha.any(axis=1))
    cols = np.flatnonzero(alpha.any(axis=0))
    if rows.size == 0:
        empty = np.zeros((0, 0, 3), np.uint8)
        return PreparedLayer(x, y, empty, empty, opacity)
    top, bottom, left, right = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
    card = rgba_premul[top:bottom, left:right]
    if opacity < 1.0:
        card = (card.astype(np.float32) * opacity + 0.5).astype(np.uint8)
    bgr = cv2.cvtColor(card, cv2.COLOR_RGBA2BGR)
    inv_alpha = cv2.cvtColor(255 - card[:, :, 3], cv2.COLOR_GRAY2BGR)
    return PreparedLayer(x + int(left), y + int(top), np.ascontiguousarray(bgr),
                         np.ascontiguousarray(inv_alpha), opacity)


def composite(frame: np.ndarray, layer: PreparedLayer) -> None:
    """Blend ``layer`` over ``frame`` (BGR uint8) in place, clipped to the frame."""
    width, height = layer.size
    if width == 0 or height == 0:
        return
    fh, fw = frame.shape[:2]
    x0, y0 = max(layer.x, 0), max(layer.y, 0)
    x1, y1 = min(layer.x + width, fw), min(layer.y + height, fh)
    if x0 >= x1 or y0 >= y1:
        return
    sx, sy = x0 - layer.x, y0 - layer.y
    roi = frame[y0:y1, x0:x1]
    card = layer.bgr[sy:sy + (y1 - y0), sx:sx + (x1 - x0)]
    inv = layer.inv_alpha[sy:sy + (y1 - y0), sx:sx + (x1 - x0)]
    cv2.multiply(roi, inv, dst=roi, scale=1.0 / 255.0)
    cv2.add(roi, card, dst=roi)
