"""Compositing card layers onto program frames with OpenCV (in place, premultiplied).

A layer is prepared once per change: its RGBA premultiplied image becomes a
BGR premultiplied image and an inverse-alpha image, both cropped to the
card's visible bounding box, and the box is split into rectangles: a core
where every pixel is opaque (a plain copy) and the rest (blended). Per frame
only those rectangles are touched, each with one or two OpenCV calls:
``frame = card + frame * (255 - alpha) / 255``.

Fades and slides are computed per frame from the prepared arrays (an
opacity scales card and alpha of the touched region only; a slide is an
offset); a scrolling crawl is a clip window into a wider prepared strip.
Nothing is re-rendered.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

Rect = tuple[int, int, int, int]  # x0, y0, x1, y1 (half-open), in layer coordinates

# An opaque core smaller than this share of the box is not worth its extra calls.
_MIN_CORE_SHARE = 0.2
# Fully transparent column runs at least this wide are skipped (e.g. the ticker's viewport,
# which its strip covers); narrower ones cost less to blend than an extra call.
_MIN_GAP = 16


@dataclass(frozen=True)
class PreparedLayer:
    """A card ready to composite at (x, y) on the frame."""

    x: int
    y: int
    bgr: np.ndarray        # premultiplied colour, uint8, HxWx3
    inv_alpha: np.ndarray  # 255 - alpha, uint8, HxWx3
    opacity: float = 1.0
    copy_rects: tuple[Rect, ...] = ()   # every pixel opaque: copied
    blend_rects: tuple[Rect, ...] = ()  # blended

    @property
    def size(self) -> tuple[int, int]:
        return self.bgr.shape[1], self.bgr.shape[0]


def _opaque_core(alpha: np.ndarray) -> Rect | None:
    """A large rectangle of fully opaque pixels (rounded panels: all but the corners), or None."""
    height, width = alpha.shape
    opaque = alpha == 255
    if not opaque.any():
        return None
    # For each row, the longest run of opaque pixels.
    padded = np.zeros((height, width + 2), np.int8)
    padded[:, 1:-1] = opaque
    edges = np.diff(padded, axis=1)
    starts_r, starts_c = np.nonzero(edges == 1)
    _, ends_c = np.nonzero(edges == -1)  # same rows, same order as the starts
    lengths = ends_c - starts_c
    run_start = np.zeros(height, np.int64)
    run_end = np.zeros(height, np.int64)
    best = np.zeros(height, np.int64)
    # Runs come row by row (np.nonzero is row-major); keep each row's longest.
    order = np.lexsort((lengths, starts_r))
    sorted_rows = starts_r[order]
    chosen = order[np.r_[sorted_rows[1:] != sorted_rows[:-1], True]]
    best[starts_r[chosen]] = lengths[chosen]
    run_start[starts_r[chosen]] = starts_c[chosen]
    run_end[starts_r[chosen]] = ends_c[chosen]
    good = best >= 0.9 * best.max()
    # The longest stretch of consecutive good rows.
    top = bottom = 0
    row = 0
    while row < height:
        if good[row]:
            end = row
            while end < height and good[end]:
                end += 1
            if end - row > bottom - top:
                top, bottom = row, end
            row = end
        else:
            row += 1
    x0, x1 = int(run_start[top:bottom].max()), int(run_end[top:bottom].min())
    if x1 <= x0 or (x1 - x0) * (bottom - top) < _MIN_CORE_SHARE * height * width:
        return None
    return x0, top, x1, bottom


def _visible_parts(alpha: np.ndarray, rect: Rect) -> list[Rect]:
    """``rect`` without its fully transparent column runs (>= _MIN_GAP) and edge rows."""
    x0, y0, x1, y1 = rect
    cols = [bool(v) for v in np.any(alpha[y0:y1, x0:x1], axis=0).tolist()]
    parts: list[Rect] = []
    start: int | None = None
    gap = 0
    for index, visible in enumerate(cols + [False] * _MIN_GAP):
        if visible:
            if start is None:
                start = index
            gap = 0
        elif start is not None:
            gap += 1
            if gap >= _MIN_GAP or index >= len(cols):
                end = index - gap + 1
                rows = np.flatnonzero(alpha[y0:y1, x0 + start:x0 + end].any(axis=1))
                parts.append((x0 + start, y0 + int(rows[0]), x0 + end, y0 + int(rows[-1]) + 1))
                start, gap = None, 0
    return parts


def _split(alpha: np.ndarray, core: Rect | None) -> tuple[tuple[Rect, ...], tuple[Rect, ...]]:
    height, width = alpha.shape
    if core is None:
        around: tuple[Rect, ...] = ((0, 0, width, height),)
    else:
        x0, y0, x1, y1 = core
        around = ((0, 0, width, y0), (0, y1, width, height), (0, y0, x0, y1), (x1, y0, width, y1))
    blend = [part for r in around if r[2] > r[0] and r[3] > r[1] for part in _visible_parts(alpha, r)]
    return ((core,) if core else ()), tuple(blend)


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
    copy_rects, blend_rects = _split(card[:, :, 3], _opaque_core(card[:, :, 3]))
    return PreparedLayer(x + int(left), y + int(top), np.ascontiguousarray(bgr),
                         np.ascontiguousarray(inv_alpha), opacity, copy_rects, blend_rects)


def composite(frame: np.ndarray, layer: PreparedLayer, *, dx: int = 0, dy: int = 0,
              opacity: float = 1.0, clip: Rect | None = None) -> None:
    """Blend ``layer`` over ``frame`` (BGR uint8) in place.

    ``dx``/``dy`` shift the layer (slides), ``opacity`` fades it, ``clip`` (in
    layer coordinates) limits it to a window (crawls). Everything is clipped
    to the frame; pixels outside the layer's rectangles are never touched.
    """
    width, height = layer.size
    if width == 0 or height == 0 or opacity <= 0.0:
        return
    fh, fw = frame.shape[:2]
    ox, oy = layer.x + dx, layer.y + dy
    # The part of the layer that lands on the frame and inside the clip, in layer coordinates.
    cx0, cy0, cx1, cy1 = clip if clip is not None else (0, 0, width, height)
    lx0, ly0 = max(cx0, -ox, 0), max(cy0, -oy, 0)
    lx1, ly1 = min(cx1, fw - ox, width), min(cy1, fh - oy, height)
    if lx0 >= lx1 or ly0 >= ly1:
        return
    if opacity < 1.0:
        _blend_faded(frame, layer, (lx0, ly0, lx1, ly1), ox, oy, opacity)
        return
    for rects, blend in ((layer.copy_rects, False), (layer.blend_rects, True)):
        for rx0, ry0, rx1, ry1 in rects:
            x0, y0 = max(rx0, lx0), max(ry0, ly0)
            x1, y1 = min(rx1, lx1), min(ry1, ly1)
            if x0 >= x1 or y0 >= y1:
                continue
            roi = frame[oy + y0:oy + y1, ox + x0:ox + x1]
            card = layer.bgr[y0:y1, x0:x1]
            if blend:
                cv2.multiply(roi, layer.inv_alpha[y0:y1, x0:x1], dst=roi, scale=1.0 / 255.0)
                cv2.add(roi, card, dst=roi)
            else:
                np.copyto(roi, card)


def _blend_faded(frame: np.ndarray, layer: PreparedLayer, rect: Rect, ox: int, oy: int,
                 opacity: float) -> None:
    """``frame = card * o + frame * (255 - alpha * o) / 255`` on ``rect`` (transitions only)."""
    x0, y0, x1, y1 = rect
    roi = frame[oy + y0:oy + y1, ox + x0:ox + x1]
    card = cv2.convertScaleAbs(layer.bgr[y0:y1, x0:x1], alpha=opacity)
    # 255 - a*o == (255 - a)*o + 255*(1 - o)
    inv = cv2.convertScaleAbs(layer.inv_alpha[y0:y1, x0:x1], alpha=opacity, beta=255.0 * (1 - opacity))
    cv2.multiply(roi, inv, dst=roi, scale=1.0 / 255.0)
    cv2.add(roi, card, dst=roi)
