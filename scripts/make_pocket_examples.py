"""Make the demo's 锦囊口袋 example clips: explainer cards rendered by the console itself.

    PYTHONPATH=. python scripts/make_pocket_examples.py [--out videohelp/assets/pocket]

Each clip is a short "explainer": the program's own Q&A card (a viewer's typical
question of the item and the clip's one-line explanation) slid in over a
quiet background, a progress bar, and a voice-less tone track (a soft chord, so
that the sound is audibly there on air and measurable in tests). H.264 + AAC
MP4 with faststart, 640x360 at 15 fps: a few hundred KB each. The sheet
``clips.csv`` beside them links each to its business item; the demo loads it.

Deterministic: the same inputs give the same frames (no clock on the cards).
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import av
import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

WIDTH, HEIGHT, FPS, SECONDS = 640, 360, 15, 6.0
RATE = 48000

# (file, item, title, tags, chord in Hz, a viewer's question, the clip's explainer line):
# frequent items of the show's first year. The explainer line is the clip's own text (an
# example, reviewed with the clip), not a knowledge-base answer: a clip never carries a
# draft answer onto the published site.
EXAMPLES = (
    ("dl03-renewal.mp4", "DL03", "驾驶证到期换证三步走", ("换证", "到期", "驾照过期"), (392.0, 587.3),
     "驾照快到期了怎么换", "有效期满前90日内申请；交管12123上传体检信息；新证邮寄到家。"),
    ("mv02-transfer.mp4", "MV02", "二手车过户要带什么", ("过户", "二手车", "卖车"), (440.0, 659.3),
     "二手车过户要带什么", "买卖双方身份证明、登记证书、行驶证和购车发票，车开到车管所查验。"),
    ("eb01-plates.mp4", "EB01", "电动自行车上牌一次办好", ("电瓶车", "上牌", "电驴"), (523.3, 784.0),
     "电动车上牌要带啥", "身份证、购车发票和合格证，车辆带到登记点，现场装牌。"),
)


def _background(seed: int) -> np.ndarray:
    """A dark blue-grey vertical gradient (BGR)."""
    ramp = np.linspace(0, 1, HEIGHT, dtype=np.float32)[:, None, None]
    top, bottom = np.array([70, 40, 20], np.float32), np.array([30, 20, 12 + seed * 8], np.float32)
    return np.broadcast_to(top + (bottom - top) * ramp, (HEIGHT, WIDTH, 3)).astype(np.uint8).copy()


def render_clip(path: Path, item: str, chord: tuple[float, float], seed: int, question: str,
                answer: str) -> None:
    from videohelp.streaming import frames
    from videohelp.streaming.cards import CardRenderer
    from videohelp.streaming.compositor import composite, prepare_layer

    renderer = CardRenderer(WIDTH, HEIGHT)
    card = renderer.render("qa", {"question": question, "answer": answer, "item": item,
                                  "viewer": "锦囊口袋"})
    layer = prepare_layer(card.rgba, card.x, card.y)
    base = _background(seed)
    count = round(SECONDS * FPS)
    with av.open(str(path), "w", options={"movflags": "+faststart"}) as container:
        video = container.add_stream("libx264", rate=FPS,
                                     options={"crf": "28", "preset": "slow", "tune": "stillimage"})
        video.width, video.height, video.pix_fmt = WIDTH, HEIGHT, "yuv420p"
        sound = container.add_stream("aac", rate=RATE, layout="stereo")
        sound.bit_rate = 64_000
        for index in range(count):
            bgr = base.copy()
            done = (index + 1) / count
            bgr[HEIGHT - 6:, : int(WIDTH * done)] = (0, 170, 255)  # progress bar, amber
            frame = frames.from_bgr(bgr)
            slide = max(0.0, 1.0 - index / (0.5 * FPS))  # the card slides up in half a second
            composite(frame, layer, dy=int(HEIGHT * 0.4 * slide * slide))
            picture = av.VideoFrame.from_ndarray(frame, format="yuv420p")
            picture.pts = index
            container.mux(video.encode(picture))
        container.mux(video.encode(None))
        samples = round(SECONDS * RATE)
        t = np.arange(samples) / RATE
        envelope = np.minimum(1.0, np.minimum(t / 0.3, (SECONDS - t) / 0.3))
        wave = (0.18 * np.sin(2 * np.pi * chord[0] * t) + 0.12 * np.sin(2 * np.pi * chord[1] * t))
        wave = (wave * envelope).astype(np.float32)
        for start in range(0, samples, 1024):
            chunk = wave[start:start + 1024]
            if len(chunk) < 1024:
                chunk = np.pad(chunk, (0, 1024 - len(chunk)))
            block = av.AudioFrame.from_ndarray(np.vstack([chunk, chunk]), format="fltp",
                                               layout="stereo")
            block.sample_rate, block.pts = RATE, start
            container.mux(sound.encode(block))
        container.mux(sound.encode(None))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=REPO / "videohelp" / "assets" / "pocket")
    args = parser.parse_args(argv)
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication(["make_pocket_examples", "-platform",
                                                         "offscreen"])
    args.out.mkdir(parents=True, exist_ok=True)
    rows = []
    for seed, (name, item, title, tags, chord, question, answer) in enumerate(EXAMPLES):
        render_clip(args.out / name, item, chord, seed, question, answer)
        rows.append({"file": name, "title": title, "items": item, "tags": "\n".join(tags),
                     "presenter": "交警视频帮", "status": "reviewed", "link": ""})
        print(f"{args.out / name}: {(args.out / name).stat().st_size // 1024} KB")
    with open(args.out / "clips.csv", "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, list(rows[0]), lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
