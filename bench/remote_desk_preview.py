"""CPU of a remote desk's program picture: decoding the console's /desk/program.jpg.

The remote desk (``console/remote_program.py``) fetches the program as a 640x360 JPEG twice a
second and decodes it on the desk's main thread. This renders a busy frame (the test pattern
with a Q&A card), encodes it as the phone desk does (``PhoneDesk._encode``) and decodes it N
times, measuring CPU seconds (getrusage), and prints the share of one core at 2 pictures/s.

    python bench/remote_desk_preview.py            # goal: under 1 % of a core
"""

from __future__ import annotations

import resource
import sys

import cv2
import numpy as np

from videohelp.console.remote_program import PREVIEW_HZ

GOAL_PERCENT = 1.0


def main(n: int = 400) -> int:
    rng = np.random.default_rng(7)
    frame = np.zeros((360, 640, 3), np.uint8)
    for i in range(8):  # colour bars and noise: harder to compress than a studio picture
        frame[:, i * 80:(i + 1) * 80] = rng.integers(0, 255, 3)
    frame[200:300] = rng.integers(0, 255, (100, 640, 3))
    jpeg = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, 70])[1].tobytes()
    before = resource.getrusage(resource.RUSAGE_SELF)
    for _ in range(n):
        cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    per_frame_ms = cpu / n * 1000
    share = per_frame_ms / 1000 * PREVIEW_HZ * 100
    print(f"JPEG {len(jpeg) // 1024} kB, decode {per_frame_ms:.2f} ms CPU per picture, "
          f"{share:.2f} % of a core at {PREVIEW_HZ:g}/s (goal < {GOAL_PERCENT} %): "
          f"{'met' if share < GOAL_PERCENT else 'NOT met'}")
    return 0 if share < GOAL_PERCENT else 1


if __name__ == "__main__":
    sys.exit(main())
