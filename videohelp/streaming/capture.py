"""Threaded video sources: a camera (OpenCV) and a media file or network stream (PyAV).

Each source has a reader thread that takes frames as they arrive and keeps
only the newest one, so the program thread never waits on a device or the
network: ``read()`` returns a copy of the newest frame (I420, see
``videohelp.streaming.frames``) at once. A copy,
because the program composites in place and the same frame may be read twice
when the source is slower than the program. A source that goes away (camera
unplugged, stream ended, server gone) is reopened with exponential backoff;
the program holds the last frame for ``hold_s`` and then shows a slate that
says what is missing. Files loop, or play once and hold their last frame.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from typing import Any

import av
import cv2
import numpy as np

from videohelp.core.backoff import Backoff
from videohelp.streaming import frames, workers
from videohelp.streaming.source_audio import (
    PICTURE_DELAY_S,
    MediaPacer,
    SourceAudio,
    play_through,
)
from videohelp.streaming.urls import redact_url

log = logging.getLogger(__name__)


# By index: V4L2 on Linux, DirectShow on Windows (MSMF, the default there, is known
# to take seconds to open a camera), the platform's default elsewhere. Only V4L2
# honours CAP_PROP_BUFFERSIZE; elsewhere the reader thread alone keeps us current.
_CAMERA_API = (cv2.CAP_V4L2 if sys.platform.startswith("linux")
               else cv2.CAP_DSHOW if sys.platform == "win32" else cv2.CAP_ANY)


class SourceUnavailable(RuntimeError):
    """The device or stream cannot be opened or stopped delivering frames."""


class ThreadedSource:
    """Base: a reader thread running ``_session()`` again and again until closed.

    ``status`` is ``connecting`` (never had a frame), ``live``, ``reconnecting``,
    ``ended`` (a play-once file reached its end) or ``closed``; ``error`` is the
    last failure's text. Subclasses implement ``_session()``, which publishes
    frames with ``_publish()`` and returns True when the source ended for good.
    """

    CLOSE_WAIT_S = 0.5

    def __init__(self, width: int, height: int, description: str, *, hold_s: float = 2.0,
                 backoff: Backoff | None = None) -> None:
        self.width, self.height = width, height
        self.description = description
        self.hold_s = hold_s
        self.status = "connecting"
        self.error = ""
        self.frames = 0
        self.reconnects = 0
        self._backoff = backoff or Backoff(initial=0.5, maximum=5.0)
        self._newest: np.ndarray | None = None
        self._newest_at = 0.0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._got_frame = threading.Event()
        self._slate = _slate(width, height, description)
        self._pool = frames.FramePool()  # read()'s copies, on the program thread
        self._thread = threading.Thread(target=self._run, name=f"source {description}",
                                        daemon=True)
        workers.register(self)

    def start(self) -> ThreadedSource:
        self._thread.start()
        return self

    # -- program thread -------------------------------------------------------------
    def read(self) -> np.ndarray:
        with self._lock:
            frame, at = self._newest, self._newest_at
        stale = self.status not in ("live", "ended") and time.monotonic() - at > self.hold_s
        if frame is None or stale:
            return self._pool.copy(self._slate)
        return self._pool.copy(frame)

    def stop_for_exit(self) -> threading.Thread:
        self._stop.set()
        return self._thread

    def wait_frame(self, timeout: float) -> bool:
        """Block until the first frame arrived (for tools and tests); False on timeout."""
        return self._got_frame.wait(timeout)

    def close(self) -> None:
        """Stop reading. Returns within ``CLOSE_WAIT_S``: it runs on the switching thread
        (often the GUI's), and a network read only ends at its timeout; the reader is a
        daemon that exits by itself when it does."""
        self._stop.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout=self.CLOSE_WAIT_S)
        self.status = "closed"

    # -- reader thread --------------------------------------------------------------
    def _publish_bgr(self, frame: np.ndarray) -> None:
        """Scale and convert a BGR picture (a camera's) here, on the reader thread."""
        height, width = frame.shape[:2]
        if (width, height) != (self.width, self.height):
            shrink = width > self.width or height > self.height
            frame = cv2.resize(frame, (self.width, self.height),
                               interpolation=cv2.INTER_AREA if shrink else cv2.INTER_LINEAR)
        self._publish(frames.from_bgr(frame))

    def _publish(self, frame: np.ndarray) -> None:
        """Make an I420 frame the newest (scaled to the program's size first)."""
        frame = frames.resize(frame, self.width, self.height)
        with self._lock:
            self._newest, self._newest_at = frame, time.monotonic()
        self.frames += 1
        if self.status != "live":
            log.info("source %s is live", self.description)
            self.status = "live"
            self._backoff.reset()
        self._got_frame.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                if self._session():
                    self.status = "ended"
                    return
            except Exception as exc:  # any failure of a device or stream means: reopen
                self.error = self._describe(exc)
                log.warning("source %s: %s", self.description, self.error)
            if self._stop.is_set():
                break
            self.status = "reconnecting"
            self.reconnects += 1
            if self._stop.wait(self._backoff.next()):
                break

    def _session(self) -> bool:
        raise NotImplementedError

    def _describe(self, exc: Exception) -> str:
        return str(exc) or type(exc).__name__


class CaptureSource(ThreadedSource):
    """A camera or capture card through OpenCV (V4L2 on Linux, DirectShow on Windows).

    ``target`` is a device index (0 = /dev/video0) or a device path. The
    capture's own buffer is cut to one frame so that what we read is the
    newest picture, not one queued ~100 ms ago.
    """

    MAX_FAILED_READS = 5

    def __init__(self, target: int | str, width: int = 1920, height: int = 1080,
                 fps: int = 30, **kwargs: Any) -> None:
        super().__init__(width, height, f"camera {target}", **kwargs)
        self.target, self.fps = target, fps

    def _session(self) -> bool:
        if isinstance(self.target, int):
            capture = cv2.VideoCapture(self.target, _CAMERA_API)
        else:
            capture = cv2.VideoCapture(self.target)
        try:
            if not capture.isOpened():
                raise SourceUnavailable(f"cannot open {self.description}")
            # MJPG first: uncompressed 1080p does not fit USB 2 at 30 fps.
            capture.set(cv2.CAP_PROP_FOURCC, cv2.VideoWriter.fourcc(*"MJPG"))
            capture.set(cv2.CAP_PROP_FRAME_WIDTH, self.width)
            capture.set(cv2.CAP_PROP_FRAME_HEIGHT, self.height)
            capture.set(cv2.CAP_PROP_FPS, self.fps)
            capture.set(cv2.CAP_PROP_BUFFERSIZE, 1)
            failed = 0
            while not self._stop.is_set():
                ok, frame = capture.read()
                if ok and frame is not None:
                    failed = 0
                    self._publish_bgr(frame)
                    continue
                failed += 1
                if failed >= self.MAX_FAILED_READS:
                    raise SourceUnavailable(f"{self.description} stopped delivering frames")
                self._stop.wait(0.02)
            return False
        finally:
            capture.release()


class MediaSource(ThreadedSource):
    """A video file or a network stream (RTMP, RTSP, SRT, HTTP, ...) decoded with PyAV.

    Files play at their own rate and loop (``loop=True``) or play once and hold
    the last frame (``loop=False``: a 锦囊口袋 clip played to program). Live
    streams are taken as they arrive and reopened when they stop. The sound, if
    any, is decoded on the same thread and handed to ``audio`` (a
    ``SourceAudio``) for the program mix; ``close()`` silences it at once.
    """

    # PyAV's timeouts are the only way to interrupt a blocked network read (close()
    # cannot), so they bound how long a gone stream holds its connection.
    OPEN_TIMEOUT_S = 5.0
    READ_TIMEOUT_S = 3.0

    def __init__(self, url: str, width: int = 1920, height: int = 1080, *, live: bool = False,
                 loop: bool = True, **kwargs: Any) -> None:
        super().__init__(width, height, redact_url(url), **kwargs)
        self.url, self.live, self.loop = url, live, loop
        self.audio = SourceAudio(self.description)

    def close(self) -> None:
        self.audio.close()  # first: the join below may wait out a blocked network read
        super().close()

    def _describe(self, exc: Exception) -> str:
        """Error text without secrets (FFmpeg errors quote the full URL)."""
        if isinstance(exc, av.error.ExitError):  # PyAV's timeout interrupted the I/O
            return f"no data from {self.description} within {self.READ_TIMEOUT_S:.0f} s"
        text = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        return str(text).replace(self.url, self.description)

    def _session(self) -> bool:
        # Live: start on the first keyframe instead of probing seconds of stream.
        options = ({"fflags": "nobuffer", "flags": "low_delay", "analyzeduration": "500000",
                    "probesize": "131072"} if self.live else {})
        container = av.open(self.url, options=options,
                            timeout=(self.OPEN_TIMEOUT_S, self.READ_TIMEOUT_S))
        try:
            if not container.streams.video:
                raise SourceUnavailable(f"{self.url} has no video stream")
            stream = container.streams.video[0]
            stream.thread_type = "AUTO"
            sound = container.streams.audio[0] if container.streams.audio else None
            self.audio.present = sound is not None
            while not self._stop.is_set():
                self._play_through(container, stream, sound)
                if self._stop.is_set() or self.live:
                    return False  # a live stream ended: the server went away, reopen
                if not self.loop:
                    return True
                container.seek(0)
            return False
        finally:
            container.close()

    def _play_through(self, container: av.container.InputContainer, stream: av.VideoStream,
                      sound: av.AudioStream | None = None) -> None:
        # Picture and sound from one demuxer, paced by one clock (files at their own
        # rate against the wall clock); pictures wait for the sound's way to the encoder.
        pacer = MediaPacer(self._stop, lambda frame: self._publish(to_i420(frame)),
                           live=self.live, first=self.frames == 0,
                           picture_delay=PICTURE_DELAY_S if sound is not None else 0.0)
        play_through(container, stream, sound, pacer, self.audio)


def to_i420(frame: av.VideoFrame) -> np.ndarray:
    """A decoded frame as an I420 array; most files and streams are yuv420p already,
    so this is a copy out of FFmpeg's buffers, not a conversion."""
    if frame.width % 2 or frame.height % 2:
        frame = frame.reformat(width=frame.width // 2 * 2 or 2,
                               height=frame.height // 2 * 2 or 2, format="yuv420p")
    elif frame.format.name != "yuv420p":
        frame = frame.reformat(format="yuv420p")
    return np.ascontiguousarray(frame.to_ndarray())


def _slate(width: int, height: int, description: str) -> np.ndarray:
    """Dark grey with the missing source's name: on air, better than a frozen picture (I420)."""
    slate = np.full((height, width, 3), 40, np.uint8)
    scale = height / 540
    for row, text in enumerate(("NO SIGNAL", description[:60])):
        cv2.putText(slate, text, (int(40 * scale), int((240 + row * 50) * scale)),
                    cv2.FONT_HERSHEY_SIMPLEX, 1.2 * scale if row == 0 else 0.7 * scale,
                    (200, 200, 200), max(1, int(2 * scale)), cv2.LINE_AA)
    return frames.from_bgr(slate)
