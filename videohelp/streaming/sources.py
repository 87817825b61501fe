"""Video sources for the program: the test pattern (more in later modules).

A source's ``read()`` returns a fresh BGR frame the caller may draw on.
"""

from __future__ import annotations

import time
from typing import Protocol

import cv2
import numpy as np

# SMPTE-style 75% bars, BGR.
_BARS = ((191, 191, 191), (0, 191, 191), (191, 191, 0), (0, 191, 0),
         (191, 0, 191), (0, 0, 191), (191, 0, 0))


class Source(Protocol):
    width: int
    height: int

    def read(self) -> np.ndarray: ...

    def close(self) -> None: ...


class TestPatternSource:
    """Colour bars with a running clock and frame counter (the demo camera)."""

    __test__ = False  # not a pytest class

    def __init__(self, width: int = 1920, height: int = 1080, label: str = "VIDEOHELP TEST") -> None:
        self.width, self.height = width, height
        self.label = label
        self._frames = 0
        self._base = self._draw_bars()

    def _draw_bars(self) -> np.ndarray:
        frame = np.zeros((self.height, self.width, 3), np.uint8)
        bar_w = self.width / len(_BARS)
        top = int(self.height * 0.67)
        for index, colour in enumerate(_BARS):
            frame[:top, int(index * bar_w):int((index + 1) * bar_w)] = colour
        # Lower band: a luminance ramp, useful for spotting clipping in the encoder.
        ramp = np.linspace(16, 235, self.width, dtype=np.uint8)
        frame[top:] = ramp[None, :, None]
        return frame

    def read(self) -> np.ndarray:
        frame = self._base.copy()
        self._frames += 1
        now = time.time()
        stamp = time.strftime("%H:%M:%S", time.localtime(now)) + f".{int(now % 1 * 1000):03d}"
        scale = self.height / 540
        cv2.putText(frame, f"{self.label}  {stamp}  #{self._frames}",
                    (int(40 * scale), int(60 * scale)), cv2.FONT_HERSHEY_SIMPLEX,
                    1.0 * scale, (255, 255, 255), max(1, int(2 * scale)), cv2.LINE_AA)
        return frame

    def close(self) -> None:
        pass
