"""Compositing card layers onto I420 program frames with OpenCV (in place, premultiplied).

A layer is prepared once per change. Its premultiplied RGBA image, cropped to
the card's visible pixels, becomes premultiplied Y, U and V planes and their
255-minus-alpha planes (chroma at half resolution, as FFmpeg's ``overlay``
blends yuv420p), and each plane's box is split into rectangles: a core where
every pixel is opaque (a plain copy) and the rest (blended). Per frame only
those rectangles are touched, each plane with one or two OpenCV calls:
``plane = card + plane * (255 - alpha) / 255``.

Chroma samples cover 2x2 pixels, so a card is prepared for the parity of
the pixel its top-left lands on (a *placement*); cards at rest need one, a
slide or a crawl that moves by odd steps uses the others, all built before
the first frame needs them.

Fades and slides are computed per frame from the prepared arrays (an
opacity scales card and alpha of the touched region only; a slide is an
offset); a scrolling crawl is a clip window into a wider prepared strip.
Nothing is re-rendered.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import cv2
import numpy as np

from videohelp.streaming import frames

Rect = tuple[int, int, int, int]  # x0, y0, x1, y1 (half-open), in layer coordinates

# An opaque core smaller than this share of the box is not worth its extra calls.
_MIN_CORE_SHARE = 0.2
# Fully transparent column runs at least this wide are skipped (e.g. the ticker's viewport,
# which its strip covers); narrower ones cost less to blend than an extra call.
_MIN_GAP = 16
PHASES = ((0, 0), (1, 0), (0, 1), (1, 1))
_RGBA_TO_YUV_PREMULTIPLIED = np.hstack([frames.RGB_TO_YUV, frames.YUV_OFFSET[:, None] / 255.0])


@dataclass(frozen=True)
class PlaneCard:
    """A card on one kind of plane: premultiplied values (Y; or U and V), 255 - alpha,
    and the rectangles to copy (every pixel opaque) and to blend, in the placement's grid."""

    values: tuple[np.ndarray, ...]
    inv_alpha: np.ndarray
    copy_rects: tuple[Rect, ...]
    blend_rects: tuple[Rect, ...]


@dataclass(frozen=True)
class Placement:
    """The card padded by (px, py) so that its top-left falls on an even pixel."""

    luma: PlaneCard
    chroma: PlaneCard


class PreparedLayer:
    """A card ready to composite with its top-left at (x, y) on the frame."""

    def __init__(self, x: int, y: int, rgba_premul: np.ndarray) -> None:
        self.x, self.y = x, y
        self._rgba = rgba_premul
        height, width = rgba_premul.shape[:2]
        self._core = _opaque_core(rgba_premul[:, :, 3]) if width and height else None
        self._placements: dict[tuple[int, int], Placement] = {}
        self._lock = threading.Lock()
        if width and height:
            self.placement(x % 2, y % 2)  # the one a card at rest uses: built here, not per frame

    @property
    def size(self) -> tuple[int, int]:
        return self._rgba.shape[1], self._rgba.shape[0]

    def warm(self, phases: tuple[tuple[int, int], ...] = PHASES) -> PreparedLayer:
        """Build the placements a moving card needs now, not on the program thread."""
        if not all(self.size):
            return self
        for px, py in phases:
            self.placement(px, py)
        return self

    def placement(self, px: int, py: int) -> Placement:
        found = self._placements.get((px, py))
        if found is None:
            with self._lock:
                found = self._placements.get((px, py))
                if found is None:
                    found = _place(self._rgba, self._core, px, py)
                    self._placements[(px, py)] = found
        return found


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


def _even_down(value: int) -> int:
    return value - value % 2


def _even_up(value: int) -> int:
    return value + value % 2


def _place(rgba: np.ndarray, core: Rect | None, px: int, py: int) -> Placement:
    """Premultiplied planes and rectangles of ``rgba`` padded by (px, py) to an even grid."""
    height, width = rgba.shape[:2]
    grid_w, grid_h = _even_up(width + px), _even_up(height + py)
    padded = np.zeros((grid_h, grid_w, 4), np.uint8)
    padded[py:py + height, px:px + width] = rgba
    alpha = padded[:, :, 3]
    # Premultiplied YUV = M . rgb_premultiplied + offset * alpha / 255 (the offsets scale
    # too): one linear map of (r, g, b, a), rounded and saturated by OpenCV.
    yuv = cv2.transform(padded, _RGBA_TO_YUV_PREMULTIPLIED)
    luma = np.ascontiguousarray(yuv[:, :, 0])
    # Chroma: each sample is the mean of its 2x2 premultiplied pixels, alpha likewise, so
    # a half-covered sample blends by the share of the card in it.
    half = (grid_w // 2, grid_h // 2)
    chroma = cv2.resize(np.ascontiguousarray(yuv[:, :, 1:]), half, interpolation=cv2.INTER_AREA)
    u, v = np.ascontiguousarray(chroma[:, :, 0]), np.ascontiguousarray(chroma[:, :, 1])
    inv_half = 255 - cv2.resize(alpha, half, interpolation=cv2.INTER_AREA)

    placed_core = None
    if core is not None:
        x0, y0, x1, y1 = core
        x0, y0, x1, y1 = _even_up(x0 + px), _even_up(y0 + py), _even_down(x1 + px), _even_down(y1 + py)
        if x1 > x0 and y1 > y0:
            placed_core = (x0, y0, x1, y1)
    copy_rects, blend_rects = _split(alpha, placed_core)
    blend_rects = tuple((_even_down(x0), _even_down(y0), min(grid_w, _even_up(x1)),
                         min(grid_h, _even_up(y1))) for x0, y0, x1, y1 in blend_rects)
    luma_card = PlaneCard((luma,), 255 - alpha, copy_rects, blend_rects)
    chroma_card = PlaneCard((u, v), inv_half, _halve(copy_rects), _halve(blend_rects))
    return Placement(luma_card, chroma_card)


def _halve(rects: tuple[Rect, ...]) -> tuple[Rect, ...]:
    return tuple((x0 // 2, y0 // 2, x1 // 2, y1 // 2) for x0, y0, x1, y1 in rects)


def prepare_layer(rgba_premul: np.ndarray, x: int, y: int) -> PreparedLayer:
    """Convert a premultiplied RGBA card to a composite-ready layer, cropped to its pixels."""
    alpha = rgba_premul[:, :, 3]
    rows = np.flatnonzero(alpha.any(axis=1))
    cols = np.flatnonzero(alpha.any(axis=0))
    if rows.size == 0:
        return PreparedLayer(x, y, np.zeros((0, 0, 4), np.uint8))
    top, bottom, left, right = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
    card = np.ascontiguousarray(rgba_premul[top:bottom, left:right])
    return PreparedLayer(x + int(left), y + int(top), card)


def composite(frame: np.ndarray, layer: PreparedLayer, *, dx: int = 0, dy: int = 0,
              opacity: float = 1.0, clip: Rect | None = None) -> None:
    """Blend ``layer`` over ``frame`` (I420, ``videohelp.streaming.frames``) in place.

    ``dx``/``dy`` shift the layer (slides), ``opacity`` fades it, ``clip`` (in
    layer coordinates) limits it to a window (crawls). Everything is clipped
    to the frame; luma outside the layer's rectangles is never touched, chroma
    only where a 2x2 sample is shared with the card's edge.
    """
    width, height = layer.size
    if width == 0 or height == 0 or opacity <= 0.0:
        return
    fw, fh = frames.frame_size(frame)
    ox, oy = layer.x + dx, layer.y + dy
    # The part of the layer that lands on the frame and inside the clip, in layer coordinates.
    cx0, cy0, cx1, cy1 = clip if clip is not None else (0, 0, width, height)
    lx0, ly0 = max(cx0, -ox, 0), max(cy0, -oy, 0)
    lx1, ly1 = min(cx1, fw - ox, width), min(cy1, fh - oy, height)
    if lx0 >= lx1 or ly0 >= ly1:
        return
    px, py = ox % 2, oy % 2
    placement = layer.placement(px, py)
    # In the placement's grid the card starts at (px, py); the grid's origin is even on the frame.
    gx, gy = ox - px, oy - py
    window = (lx0 + px, ly0 + py, lx1 + px, ly1 + py)
    luma, cb, cr = frames.planes(frame)
    _apply((luma,), placement.luma, gx, gy, window, opacity)
    chroma_window = (window[0] // 2, window[1] // 2, (window[2] + 1) // 2, (window[3] + 1) // 2)
    _apply((cb, cr), placement.chroma, gx // 2, gy // 2, chroma_window, opacity)


def _apply(targets: tuple[np.ndarray, ...], card: PlaneCard, gx: int, gy: int, window: Rect,
           opacity: float) -> None:
    """Copy and blend ``card``'s rectangles within ``window`` onto ``targets`` at (gx, gy)."""
    wx0, wy0, wx1, wy1 = window
    faded = opacity < 1.0
    for rects, blend in ((card.copy_rects, False), (card.blend_rects, True)):
        for rx0, ry0, rx1, ry1 in rects:
            x0, y0 = max(rx0, wx0), max(ry0, wy0)
            x1, y1 = min(rx1, wx1), min(ry1, wy1)
            if x0 >= x1 or y0 >= y1:
                continue
            inv = card.inv_alpha[y0:y1, x0:x1]
            if blend and faded:
                # 255 - a*o == (255 - a)*o + 255*(1 - o)
                inv = cv2.convertScaleAbs(inv, alpha=opacity, beta=255.0 * (1 - opacity))
            for target, values in zip(targets, card.values, strict=True):
                roi = target[gy + y0:gy + y1, gx + x0:gx + x1]
                source = values[y0:y1, x0:x1]
                if not blend:
                    if faded:  # opaque: plane * (1 - o) + card * o, one pass
                        cv2.addWeighted(roi, 1.0 - opacity, source, opacity, 0.0, dst=roi)
                    else:
                        np.copyto(roi, source)
                    continue
                if faded:
                    source = cv2.convertScaleAbs(source, alpha=opacity)
                cv2.multiply(roi, inv, dst=roi, scale=1.0 / 255.0)
                cv2.add(roi, source, dst=roi)
