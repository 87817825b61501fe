#!/usr/bin/env python3
"""锦囊口袋 figures: adding a folder of clips, publishing per clip minute, the page's weight.

- add: a folder of ``--clips`` 720p H.264/AAC files (copies of one generated clip under
  different names, ``--seconds`` long) added with ``ClipLibrary.add`` (referenced, not
  copied): probe, five decoded frames for the strip, thumbnail, one transaction.
- publish: ``publish`` of a library of ``--publish-clips`` such clips at 720 and 360 lines
  (two x264 encodes per clip), seconds per minute of clip; and the page weight (index.html,
  app.js, data.js: what a visitor loads before any video).

Usage: ``python bench/pocket.py [--clips 100] [--seconds 20] [--publish-clips 3]``.
Prints the figures and the machine's load (``os.getloadavg``).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import av
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from videohelp.console.pocket.library import ClipLibrary, ClipSpec
from videohelp.console.pocket.publish import publish
from videohelp.core.knowledge import KnowledgeBase


def make_clip(path: Path, seconds: float, width: int = 1280, height: int = 720, fps: int = 25) -> None:
    """Moving noise blocks (x264 has real work) and a tone, like a camera clip's bitrate."""
    rng = np.random.default_rng(1)
    with av.open(str(path), "w", options={"movflags": "+faststart"}) as out:
        video = out.add_stream("libx264", rate=fps, options={"preset": "ultrafast", "crf": "26"})
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        sound = out.add_stream("aac", rate=48000, layout="stereo")
        blocks = rng.integers(0, 255, (height // 16, width // 16, 3), np.uint8)
        for index in range(round(seconds * fps)):
            blocks = np.roll(blocks, 1, axis=1)
            image = np.kron(blocks, np.ones((16, 16, 1), np.uint8))
            frame = av.VideoFrame.from_ndarray(image, format="bgr24")
            frame.pts = index
            out.mux(video.encode(frame))
        out.mux(video.encode(None))
        t = np.arange(round(seconds * 48000)) / 48000
        wave = (0.2 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
        for start in range(0, len(wave) - 1023, 1024):
            chunk = av.AudioFrame.from_ndarray(np.vstack([wave[start:start + 1024]] * 2),
                                               format="fltp", layout="stereo")
            chunk.sample_rate, chunk.pts = 48000, start
            out.mux(sound.encode(chunk))
        out.mux(sound.encode(None))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clips", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--publish-clips", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        source = root / "source.mp4"
        make_clip(source, args.seconds)
        folder = root / "clips"
        folder.mkdir()
        for n in range(args.clips):
            shutil.copyfile(source, folder / f"clip-{n:03d}.mp4")
        kb = KnowledgeBase.open(root / "videohelp.sqlite3")
        library = ClipLibrary(kb.store, root)
        specs = [ClipSpec(path, f"短片{n}", ("DL03",), status="reviewed")
                 for n, path in enumerate(sorted(folder.iterdir()))]
        load = os.getloadavg()[0]
        started = time.perf_counter()
        report = library.add(specs, kb.catalog_store.codes(), actor="bench")
        add_s = time.perf_counter() - started
        assert report.applied and len(report.added) == args.clips, report.problems
        print(f"add {args.clips} clips of {args.seconds:.0f} s 720p: {add_s:.1f} s "
              f"({1000 * add_s / args.clips:.0f} ms per clip), load {load:.1f}")
        with kb.store.transaction() as conn:
            conn.execute("DELETE FROM pocket_clips WHERE id > ?", (args.publish_clips,))
        load = os.getloadavg()[0]
        started = time.perf_counter()
        result = publish(kb, library, root / "site", sizes=(720, 360))
        publish_s = time.perf_counter() - started
        minutes = result.clip_seconds / 60
        print(f"publish {result.clips} clips ({minutes:.1f} clip minutes, 720p + 360p): "
              f"{publish_s:.1f} s = {publish_s / minutes:.1f} s per clip minute, load {load:.1f}")
        media = sum(p.stat().st_size for p in (root / "site" / "media").iterdir())
        print(f"page weight: {result.page_bytes / 1024:.0f} KB (index.html + app.js + data.js), "
              f"media {media / 1024 / 1024:.1f} MB for {result.clips} clips")
        kb.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
