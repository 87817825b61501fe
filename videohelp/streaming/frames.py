"""Program frames: I420 (planar YUV 4:2:0, BT.601 limited range) in one numpy array.

The program is carried in the encoder's own format from the source to the
outputs. A decoded file or stream is I420 already and reaches x264 without a
colour conversion; a camera's BGR is converted once, on its reader thread,
instead of on the program thread. Compositing works on the three planes, half
the bytes of BGR per pixel (see ``videohelp.streaming.compositor``).

A frame of ``width`` x ``height`` (both even) is a ``(height * 3 // 2, width)``
uint8 array: the Y plane, then U and V, each ``height // 2`` x ``width // 2``
stored row after row, the layout of OpenCV's ``COLOR_BGR2YUV_I420`` and of
FFmpeg's ``yuv420p``. ``planes`` gives views of the three.
"""

from __future__ import annotations

import sys

import cv2
import numpy as np

# BT.601 limited range, what OpenCV's BGR<->I420 conversions use: rows Y, U, V
# over columns R, G, B (0..255), plus the offsets.
RGB_TO_YUV = np.array([[0.256788, 0.504129, 0.097906],
                       [-0.148223, -0.290993, 0.439216],
                       [0.439216, -0.367788, -0.071427]], np.float32)
YUV_OFFSET = np.array([16.0, 128.0, 128.0], np.float32)
BLACK_Y, NEUTRAL_UV = 16, 128


class FrameSizeError(ValueError):
    """A frame size I420 cannot carry (odd or not positive)."""


def _pool_only_references() -> int:
    """What ``sys.getrefcount`` says of a pooled frame nobody else holds, looked at as
    ``FramePool._free`` does (3 on CPython 3.11: the list, the loop's name, the call's
    argument). Measured, not assumed: interpreters that borrow references count fewer."""
    pooled = [np.empty(1, np.uint8)]
    for held in pooled:
        return sys.getrefcount(held)
    raise AssertionError("unreachable")


_ONLY_THE_POOL = _pool_only_references()


class FramePool:
    """Copies of a source's frames into buffers reused once nobody holds them.

    A 1080p frame is 3.1 MB: above the heap's mmap threshold (``core/heap.py``), so a fresh
    copy per frame was an ``mmap``, ~760 page faults zeroing it and an ``munmap``, 30 times a
    second: 0.05 cores of the idle desk's program thread (0.11 -> 0.16, measured). A buffer is
    handed out again only when the pool's references are its only ones: whoever still holds
    a frame (the program's latest, an output's queue, a view of a plane) keeps it from reuse,
    and the pool makes a new one instead. One thread uses a pool (the program thread).
    """

    def __init__(self, keep: int = 4) -> None:
        self._keep = keep
        self._frames: list[np.ndarray] = []

    def copy(self, frame: np.ndarray) -> np.ndarray:
        """A copy of ``frame`` the caller may draw on, in a buffer nobody else holds."""
        out = self._free(frame.shape, frame.dtype)
        np.copyto(out, frame)
        return out

    def _free(self, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
        for held in self._frames:
            if (held.shape == shape and held.dtype == dtype
                    and sys.getrefcount(held) == _ONLY_THE_POOL):
                return held
        out = np.empty(shape, dtype)
        if len(self._frames) >= self._keep:  # all held (or another size): forget the oldest
            del self._frames[0]
        self._frames.append(out)
        return out


def check_size(width: int, height: int) -> None:
    if width <= 0 or height <= 0 or width % 2 or height % 2:
        raise FrameSizeError(f"program frames need an even, positive size, got {width}x{height}")


def frame_size(frame: np.ndarray) -> tuple[int, int]:
    """(width, height) of an I420 frame."""
    return frame.shape[1], frame.shape[0] * 2 // 3


def planes(frame: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Views (not copies) of the Y, U and V planes of an I420 frame."""
    if not frame.flags.c_contiguous:  # reshape would copy: writes would be lost
        raise ValueError("an I420 frame must be one contiguous array")
    width, height = frame_size(frame)
    chroma = frame[height:].reshape(2, height // 2, width // 2)
    return frame[:height], chroma[0], chroma[1]


def blank(width: int, height: int, y: int = BLACK_Y, u: int = NEUTRAL_UV,
          v: int = NEUTRAL_UV) -> np.ndarray:
    """A frame of one colour (black by default)."""
    check_size(width, height)
    frame = np.empty((height * 3 // 2, width), np.uint8)
    luma, cb, cr = planes(frame)
    luma[:], cb[:], cr[:] = y, u, v
    return frame


def from_bgr(bgr: np.ndarray) -> np.ndarray:
    """BGR -> I420 with OpenCV (several times faster than FFmpeg's swscale here)."""
    height, width = bgr.shape[:2]
    check_size(width, height)
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2YUV_I420)


def to_bgr(frame: np.ndarray) -> np.ndarray:
    """I420 -> BGR (previews, screenshots and tests)."""
    return cv2.cvtColor(frame, cv2.COLOR_YUV2BGR_I420)


def resize(frame: np.ndarray, width: int, height: int) -> np.ndarray:
    """The frame scaled to ``width`` x ``height``, plane by plane (area when shrinking)."""
    check_size(width, height)
    src_w, src_h = frame_size(frame)
    if (src_w, src_h) == (width, height):
        return frame
    shrink = width < src_w or height < src_h
    interpolation = cv2.INTER_AREA if shrink else cv2.INTER_LINEAR
    out = np.empty((height * 3 // 2, width), np.uint8)
    for source, target in zip(planes(frame), planes(out), strict=True):
        cv2.resize(source, (target.shape[1], target.shape[0]), dst=target,
                   interpolation=interpolation)
    return out


def crop_box(src_w: int, src_h: int, width: int, height: int) -> tuple[int, int, int, int]:
    """(x, y, w, h) of the middle of a ``src_w`` x ``src_h`` frame with the shape of
    ``width`` x ``height``, all even (chroma is half size)."""
    check_size(width, height)
    crop_w = min(src_w, round(src_h * width / height / 2) * 2)
    crop_h = min(src_h, round(src_w * height / width / 2) * 2)
    return (src_w - crop_w) // 4 * 2, (src_h - crop_h) // 4 * 2, crop_w, crop_h


def crop(frame: np.ndarray, width: int, height: int) -> np.ndarray:
    """A copy of the middle of the frame with the shape of ``width`` x ``height``, not
    scaled (the 608x1080 middle of a 1080p program for a 720x1280 output)."""
    x0, y0, crop_w, crop_h = crop_box(*frame_size(frame), width, height)
    out = np.empty((crop_h * 3 // 2, crop_w), np.uint8)
    for index, (source, target) in enumerate(zip(planes(frame), planes(out), strict=True)):
        shift = 0 if index == 0 else 1
        target[:] = source[y0 >> shift:(y0 + crop_h) >> shift, x0 >> shift:(x0 + crop_w) >> shift]
    return out


def crop_resize(frame: np.ndarray, width: int, height: int) -> np.ndarray:
    """The middle of the frame with the shape of ``width`` x ``height``, scaled to that size
    (a vertical 720x1280 from a 1920x1080 program: its middle 608x1080)."""
    x0, y0, crop_w, crop_h = crop_box(*frame_size(frame), width, height)
    out = np.empty((height * 3 // 2, width), np.uint8)
    for index, (source, target) in enumerate(zip(planes(frame), planes(out), strict=True)):
        shift = 0 if index == 0 else 1
        box = source[y0 >> shift:(y0 + crop_h) >> shift, x0 >> shift:(x0 + crop_w) >> shift]
        cv2.resize(box, (target.shape[1], target.shape[0]), dst=target,
                   interpolation=cv2.INTER_AREA if crop_w > width else cv2.INTER_LINEAR)
    return out


def preview_bgr(frame: np.ndarray, width: int) -> np.ndarray:
    """A small BGR picture of the frame, ``width`` wide: scaled first, converted after."""
    src_w, src_h = frame_size(frame)
    height = max(2, round(src_h * width / src_w / 2) * 2)
    return to_bgr(resize(frame, width - width % 2, height))
