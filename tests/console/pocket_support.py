"""Clip files for the 锦囊口袋 tests, written with PyAV: good ones and broken ones."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np

from tests.streaming.rtmp_server import make_clip


def good_clip(path: Path, seconds: float = 1.0, tone_hz: float | None = 1000,
              faststart: bool = False, colours=((0, 0, 255), (0, 255, 0), (255, 0, 0))) -> Path:
    if faststart:
        _faststart_clip(path, seconds)
    else:
        make_clip(path, seconds, tone_hz=tone_hz, colours=colours)
    return path


def _faststart_clip(path: Path, seconds: float, fps: int = 10) -> None:
    """An MP4 with its index first (moov before mdat), as web files are."""
    with av.open(str(path), "w", options={"movflags": "+faststart"}) as container:
        stream = container.add_stream("libx264", rate=fps, options={"preset": "ultrafast"})
        stream.width, stream.height, stream.pix_fmt = 320, 180, "yuv420p"
        for index in range(round(seconds * fps)):
            # Noise: every frame costs bytes, so cutting the file loses the late frames.
            image = np.random.default_rng(index).integers(0, 255, (180, 320, 3), np.uint8)
            frame = av.VideoFrame.from_ndarray(image, format="bgr24")
            frame.pts = index
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))


def truncated(source: Path, path: Path, keep: float = 0.5) -> Path:
    data = source.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    return path


def sound_only(path: Path, seconds: float = 1.0) -> Path:
    """An .m4a with a tone and no picture."""
    with av.open(str(path), "w") as container:
        sound = container.add_stream("aac", rate=48000, layout="stereo")
        for start in range(0, round(seconds * 48000) - 1023, 1024):
            wave = 0.3 * np.sin(2 * np.pi * 440 * np.arange(start, start + 1024) / 48000)
            chunk = av.AudioFrame.from_ndarray(np.vstack([wave, wave]).astype(np.float32),
                                               format="fltp", layout="stereo")
            chunk.sample_rate, chunk.pts = 48000, start
            container.mux(sound.encode(chunk))
        container.mux(sound.encode(None))
    return path
