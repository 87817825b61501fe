"""Encoding the program: H.264 (libx264) and AAC through PyAV.

From pure to threaded:

- ``EncoderSettings``: size, rate, x264 preset and tune, bitrates, keyframe interval.
- ``to_video_frame``: a program frame (I420, ``videohelp.streaming.frames``)
  wrapped for PyAV without a copy or a conversion; ``bgr_to_video_frame`` for a
  BGR picture converts with OpenCV first, about five times faster than PyAV's
  own conversion at 1080p (bench/pipeline.py, docs/performance.md).
- ``FrameQueue``: bounded; when full it drops the oldest frame and counts it,
  so a slow encoder or a stalled network never blocks the program thread.
- ``AVEncoder``: the streams of one container; encodes a video frame, then
  audio up to the same time, and muxes. Synchronous (the bench drives it).

``videohelp.streaming.outputs`` runs an ``AVEncoder`` per output on a thread.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, cast

import av
import cv2
import numpy as np

from videohelp.streaming import frames
from videohelp.streaming.audio import SAMPLE_RATE, AudioTap, SilentTap

# FFmpeg's AVCOL_* value for BT.601 (SMPTE 170M) primaries, transfer and matrix,
# and AVCOL_RANGE_MPEG: what OpenCV's BGR->I420 conversion produces. Tagging it
# lets players convert back with the right matrix (HD defaults to BT.709).
_BT601 = 6
_LIMITED_RANGE = 1
AAC_FRAME = 1024
# Audio is encoded this far ahead of the video. The muxer interleaves by
# timestamp and holds a video packet until audio up to its time is muxed; the
# AAC encoder returns each packet about two frames (43 ms) late. Without the
# lead every video frame waited for it: take -> card in the stream measured
# 181 ms median before, 99 ms after (bench/pipeline.py).
AUDIO_LEAD_S = 0.1
X264_PRESETS = ("ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow",
                "slower", "veryslow")


@dataclass(frozen=True)
class EncoderSettings:
    width: int = 1920
    height: int = 1080
    fps: int = 30
    preset: str = "veryfast"
    tune: str = "zerolatency"
    video_bitrate: int = 4_500_000
    keyint_s: float = 2.0  # platforms ask for a keyframe at least every 2-4 s
    audio_bitrate: int = 128_000
    # Cut the program to this shape (from its middle) instead of squeezing it: a
    # vertical 720x1280 for a phone platform from a 16:9 program.
    crop: bool = False

    def __post_init__(self) -> None:
        if self.width % 2 or self.height % 2 or self.width <= 0 or self.height <= 0:
            raise ValueError(f"frame size must be even and positive, got {self.width}x{self.height}")
        if not 1 <= self.fps <= 120:
            raise ValueError(f"frame rate must be 1..120, got {self.fps}")
        if self.preset not in X264_PRESETS:
            raise ValueError(f"unknown x264 preset {self.preset!r}; use one of "
                             f"{', '.join(X264_PRESETS)}")

    @property
    def gop(self) -> int:
        return max(1, round(self.fps * self.keyint_s))

    def x264_options(self) -> dict[str, str]:
        """libx264 options: zero-latency, a fixed keyframe interval, a VBV-capped rate."""
        return {
            "preset": self.preset,
            "tune": self.tune,
            "g": str(self.gop),
            "keyint_min": str(self.gop),
            "sc_threshold": "0",  # no scene-cut keyframes: segmenters on the platform want a fixed GOP
            "maxrate": str(self.video_bitrate),
            "bufsize": str(self.video_bitrate),  # a one-second VBV: bitrate peaks stay pushable
        }


def bgr_to_video_frame(bgr: np.ndarray) -> av.VideoFrame:
    """An I420 ``av.VideoFrame`` of ``bgr``, converted by OpenCV; the frame owns the buffer."""
    i420 = cast("np.ndarray[Any, np.dtype[np.uint8]]", cv2.cvtColor(bgr, cv2.COLOR_BGR2YUV_I420))
    return av.VideoFrame.from_numpy_buffer(i420, format="yuv420p")


def to_video_frame(frame: np.ndarray, width: int, height: int) -> av.VideoFrame:
    """A program frame (I420; a BGR picture is converted) at ``width`` x ``height`` for x264.

    The I420 array is wrapped, not copied: the program never writes a frame
    again once it has handed it to its outputs.
    """
    if frame.ndim == 3:
        if frame.shape[:2] != (height, width):
            frame = cv2.resize(frame, (width, height), interpolation=cv2.INTER_AREA)
        return bgr_to_video_frame(frame)
    return av.VideoFrame.from_numpy_buffer(frames.resize(frame, width, height), format="yuv420p")


class FrameQueue:
    """A bounded queue of (frame, timestamp) that drops the oldest entry when full.

    ``put`` never blocks unless asked to (the bench's offline mode); ``dropped``
    counts frames that were thrown away unencoded.
    """

    def __init__(self, maxlen: int = 8) -> None:
        self.maxlen = maxlen
        self._items: deque[tuple[Any, float]] = deque()  # a frame (or what stands for one)
        self._cond = threading.Condition()
        self.dropped = 0

    def put(self, frame: Any, at: float, block: bool = False) -> bool:
        """Queue ``frame`` stamped ``at``; True if the oldest frame was dropped for it."""
        dropped = False
        with self._cond:
            if block:
                while len(self._items) >= self.maxlen:
                    self._cond.wait()
            elif len(self._items) >= self.maxlen:
                self._items.popleft()
                self.dropped += 1
                dropped = True
            self._items.append((frame, at))
            self._cond.notify_all()
        return dropped

    def get(self, timeout: float) -> tuple[Any, float] | None:
        """The oldest entry, waiting up to ``timeout`` s for one; None if none came."""
        with self._cond:
            if not self._items and not self._cond.wait_for(lambda: bool(self._items), timeout):
                return None
            item = self._items.popleft()
            self._cond.notify_all()
            return item

    def clear(self) -> None:
        with self._cond:
            self._items.clear()
            self._cond.notify_all()

    def __len__(self) -> int:
        return len(self._items)


class AVEncoder:
    """H.264 + AAC streams on ``container``; call ``encode`` per frame, ``flush`` at the end.

    Video timestamps come from the caller (seconds since the start, so that
    dropped frames leave gaps instead of shifting the picture against the
    sound); audio follows the video's time sample by sample.
    """

    def __init__(self, container: av.container.OutputContainer, settings: EncoderSettings,
                 audio: AudioTap | None = None) -> None:
        self.settings = settings
        self.container = container
        self.audio = audio or SilentTap()
        video = container.add_stream("libx264", rate=settings.fps,
                                     options=settings.x264_options())
        video.width, video.height = settings.width, settings.height
        video.pix_fmt = "yuv420p"
        video.bit_rate = settings.video_bitrate
        context = video.codec_context
        context.color_primaries = context.color_trc = context.colorspace = _BT601
        context.color_range = _LIMITED_RANGE
        self.video = video
        sound = container.add_stream("aac", rate=SAMPLE_RATE, layout="stereo")
        sound.bit_rate = settings.audio_bitrate
        self.sound = sound
        self._time_base = Fraction(1, settings.fps)
        self._last_pts = -1
        self._samples = 0
        self.frames = 0
        self.bytes = 0

    def encode(self, picture: np.ndarray, seconds: float) -> None:
        """Encode ``picture`` (an I420 program frame, or BGR) shown at ``seconds``, then the
        audio up to the next frame."""
        pts = max(self._last_pts + 1, round(seconds * self.settings.fps))
        self._last_pts = pts
        frame = to_video_frame(picture, self.settings.width, self.settings.height)
        frame.pts, frame.time_base = pts, self._time_base
        self._mux(self.video.encode(frame))
        self.frames += 1
        self._encode_audio_until((pts + 1) / self.settings.fps + AUDIO_LEAD_S)

    def _encode_audio_until(self, seconds: float) -> None:
        while self._samples + AAC_FRAME <= seconds * SAMPLE_RATE:
            samples = self.audio.read(AAC_FRAME)
            frame = av.AudioFrame.from_ndarray(samples, format="fltp", layout="stereo")
            frame.sample_rate = SAMPLE_RATE
            frame.pts, frame.time_base = self._samples, Fraction(1, SAMPLE_RATE)
            self._samples += AAC_FRAME
            self._mux(self.sound.encode(frame))

    def _mux(self, packets: list[av.Packet]) -> None:
        for packet in packets:
            self.bytes += packet.size
            self.container.mux(packet)

    def flush(self) -> None:
        """Drain both encoders (the last frames and the AAC tail) into the container."""
        self._mux(self.video.encode(None))
        self._mux(self.sound.encode(None))
