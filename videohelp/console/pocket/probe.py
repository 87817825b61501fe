"""Probe a clip file with PyAV: is it playable, how long, what codecs, and two pictures.

A clip is accepted only if its pictures decode to its end: ``probe`` decodes
one frame near each of five points (10 %..90 % of the duration) for the preview
strip, the last one exactly, which catches a file cut off part-way (a truncated
download whose index is intact but whose later frames are missing). The other
four decode at most 24 frames from the keyframe before their point: decoding to
the exact frame cost up to a GOP each (750 ms per 20 s 720p clip with 10 s GOPs,
under load; docs/performance.md). A file without an index
(an MP4 cut off before its ``moov`` atom) fails already at opening. The
thumbnail is the frame at 30 %: explainer clips open on a title slate, the
middle shows what the clip is about.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

import av
import cv2
import numpy as np

log = logging.getLogger(__name__)

VIDEO_SUFFIXES = frozenset({".mp4", ".m4v", ".mov", ".mkv", ".webm", ".flv", ".ts", ".avi"})
STRIP_POINTS = (0.1, 0.3, 0.5, 0.7, 0.9)
THUMB_WIDTH = 320
STRIP_FRAME_WIDTH = 160
JPEG_QUALITY = 82
APPROX_FRAMES = 24  # frames decoded at most for a strip picture other than the last


class ClipError(ValueError):
    """A file that cannot be a clip; the text says why (shown to the user as is)."""


@dataclass(frozen=True)
class Probe:
    duration_s: float
    size_bytes: int
    mtime_ns: int
    width: int
    height: int
    video_codec: str
    audio_codec: str  # '' if the clip has no sound
    thumbnail: bytes  # JPEG
    strip: bytes  # JPEG, the five frames side by side

    @property
    def has_sound(self) -> bool:
        return bool(self.audio_codec)


def _jpeg(bgr: np.ndarray, width: int) -> bytes:
    height = max(2, round(bgr.shape[0] * width / bgr.shape[1]))
    small = cv2.resize(bgr, (width, height), interpolation=cv2.INTER_AREA)
    ok, data = cv2.imencode(".jpg", small, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
    if not ok:  # pragma: no cover - OpenCV encodes any BGR array
        raise ClipError("could not make a thumbnail")
    return data.tobytes()


def _frame_at(container: av.container.InputContainer, stream: av.VideoStream,
              seconds: float, exact: bool) -> np.ndarray | None:
    """The frame at ``seconds`` (``exact``: the first at or after it; else at most
    ``APPROX_FRAMES`` decoded from the keyframe before it, the last of them: bounded work in
    long GOPs), or None if there is none."""
    base = stream.time_base
    if base is None:  # pragma: no cover - every demuxer PyAV opens sets it
        return None
    container.seek(int(seconds / base), stream=stream, backward=True, any_frame=False)
    last = None
    for count, frame in enumerate(container.decode(stream), start=1):
        if frame.time is None or frame.time + 1e-3 >= seconds:
            return frame.to_ndarray(format="bgr24")
        last = frame
        if not exact and count >= APPROX_FRAMES:
            break
    return None if exact or last is None else last.to_ndarray(format="bgr24")


def probe(path: Path) -> Probe:
    """Probe ``path``; ``ClipError`` (with the reason) if it is not a playable clip."""
    path = Path(path)
    if not path.exists():
        raise ClipError(f"no such file: {path}")
    if not path.is_file():
        raise ClipError(f"not a file: {path}")
    stat = path.stat()
    if stat.st_size == 0:
        raise ClipError(f"{path.name}: the file is empty")
    try:
        container = av.open(str(path))
    except av.error.FFmpegError as exc:
        reason = exc.strerror or str(exc)
        if "moov atom not found" in str(exc) or "Invalid data" in reason:
            reason += " (a truncated or damaged file?)"
        raise ClipError(f"{path.name}: not a playable video file: {reason}") from exc
    with container:
        if not container.streams.video:
            raise ClipError(f"{path.name}: the file has no video stream (sound only?)")
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        sound = container.streams.audio[0] if container.streams.audio else None
        duration = _duration(container, stream)
        if duration <= 0.1:
            raise ClipError(f"{path.name}: no duration (a still picture or an empty stream)")
        pictures = []
        try:
            for point in STRIP_POINTS:
                # The last point exactly: a file cut off before it has no frame there.
                picture = _frame_at(container, stream, duration * point,
                                    exact=point == STRIP_POINTS[-1])
                if picture is None:
                    raise ClipError(f"{path.name}: no picture at {duration * point:.1f} s of "
                                    f"{duration:.1f} s (the file is cut off or damaged)")
                pictures.append(picture)
        except av.error.FFmpegError as exc:
            raise ClipError(f"{path.name}: the pictures do not decode ({exc.strerror or exc}); "
                            f"the file is damaged") from exc
        codec = stream.codec_context.name
        width, height = stream.codec_context.width, stream.codec_context.height
        audio_codec = sound.codec_context.name if sound is not None else ""
    thumb = _jpeg(pictures[1], THUMB_WIDTH)
    strip = _jpeg(np.hstack([cv2.resize(p, (pictures[0].shape[1], pictures[0].shape[0]))
                             for p in pictures]), STRIP_FRAME_WIDTH * len(pictures))
    return Probe(round(duration, 3), stat.st_size, stat.st_mtime_ns, width, height, codec,
                 audio_codec, thumb, strip)


def _duration(container: av.container.InputContainer, stream: av.VideoStream) -> float:
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / av.time_base
    return 0.0


def file_digest(path: Path, limit: int = 1 << 20) -> str:
    """SHA-256 of the first MiB and the size: enough to name a copy and find a moved file
    without reading a whole 200 MB recording."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        digest.update(handle.read(limit))
    digest.update(str(path.stat().st_size).encode())
    return digest.hexdigest()


def video_files(folder: Path) -> list[Path]:
    """The video files in ``folder`` and its subfolders, by name."""
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in VIDEO_SUFFIXES
                  and not p.name.startswith("."))
