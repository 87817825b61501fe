"""Video sources for the program, and ``open_source(spec)`` that names them.

A source's ``read()`` returns a fresh I420 frame (``videohelp.streaming.frames``)
of the program's size that the caller may draw on, at once: sources that wait on devices or the network
read on their own thread (``videohelp.streaming.capture``).

Specs (``videohelp serve --source``, the desk's source switcher):

=========================  ===================================================
``test`` / ``test:LABEL``  colour bars with a running clock
``camera:0``               camera by index (/dev/video0) or ``camera:/dev/video2``
``file:PATH``              a video file, looped
``clip:PATH``              a video file played once, holding its last frame
``rtmp://...`` etc.        a network stream (rtmp, rtmps, rtsp, srt, http(s), udp)
``PATH``                   an existing video file, looped
=========================  ===================================================
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Protocol

import cv2
import numpy as np

from videohelp.streaming import frames

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
        frames.check_size(width, height)
        self.width, self.height = width, height
        self.label = label
        self._frames = 0
        self._bars = self._draw_bars()
        self._base = frames.from_bgr(self._bars)
        # Only the band with the clock changes: it is drawn in BGR and converted alone.
        self._band_rows = min(height, max(2, int(90 * height / 540) // 2 * 2))
        self._pool = frames.FramePool()

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
        frame = self._pool.copy(self._base)
        self._frames += 1
        now = time.time()
        stamp = time.strftime("%H:%M:%S", time.localtime(now)) + f".{int(now % 1 * 1000):03d}"
        scale = self.height / 540
        band = self._bars[:self._band_rows].copy()
        cv2.putText(band, f"{self.label}  {stamp}  #{self._frames}",
                    (int(40 * scale), int(60 * scale)), cv2.FONT_HERSHEY_SIMPLEX,
                    1.0 * scale, (255, 255, 255), max(1, int(2 * scale)), cv2.LINE_AA)
        for plane, drawn in zip(frames.planes(frame), frames.planes(frames.from_bgr(band)),
                                strict=True):
            plane[:drawn.shape[0]] = drawn
        return frame

    def close(self) -> None:
        pass


class SourceError(ValueError):
    """A source spec that names nothing we can open; the text says what is accepted."""


SPEC_HELP = ("test, test:LABEL, camera:INDEX, camera:/dev/videoN, file:PATH, clip:PATH, "
             "a stream URL (rtmp://, rtmps://, rtsp://, srt://, http(s)://, udp://) "
             "or the path of a video file")


def open_source(spec: str, width: int = 1920, height: int = 1080, fps: int = 30) -> Source:
    """Open the source ``spec`` names at the program's size; raise ``SourceError`` if bad.

    Devices and streams are opened on their reader thread, so a camera that is
    not plugged in yet or a server that is not up yet is not an error here:
    the source shows a slate and keeps trying.
    """
    from videohelp.streaming.capture import CaptureSource, MediaSource
    from videohelp.streaming.urls import is_network_url

    spec = spec.strip()
    kind, _, rest = spec.partition(":")
    kind = kind.lower()
    if kind == "test":
        return TestPatternSource(width, height, rest or "VIDEOHELP TEST")
    if kind == "camera":
        if not rest:
            raise SourceError("camera needs an index or a device path, e.g. camera:0")
        target: int | str = int(rest) if rest.isdigit() else rest
        if isinstance(target, str) and not target.startswith("/dev/"):
            raise SourceError(f"camera:{rest}: expected an index (camera:0) or /dev/videoN")
        return CaptureSource(target, width, height, fps).start()
    if is_network_url(spec):
        return MediaSource(spec, width, height, live=True).start()
    if kind in ("file", "clip"):
        path = Path(rest).expanduser()
    elif kind and len(kind) > 1 and "://" in spec:
        raise SourceError(f"unsupported stream scheme {kind!r}; use {SPEC_HELP}")
    else:
        path = Path(spec).expanduser()
        if not path.is_file():
            raise SourceError(f"unknown source {spec!r}; use {SPEC_HELP}")
    if not path.is_file():
        raise SourceError(f"no such video file: {path}")
    _check_video_file(path)
    return MediaSource(str(path), width, height, loop=kind != "clip").start()


def _check_video_file(path: Path) -> None:
    """Refuse a file that is not a video now, instead of a slate on air later."""
    import av

    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                raise SourceError(f"{path} has no video stream")
    except av.error.FFmpegError as exc:
        raise SourceError(f"{path} is not a playable video file ({exc.strerror})") from exc
