"""The demo's simulated comment feed: realistic viewer comments from several platforms.

Questions are drawn from the knowledge base's viewer phrasings, chatter from
the shipped chatter list, names from the shipped nickname list. The simulator
is a bridge like any other: it submits through the same pipeline.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import random
import time
from collections.abc import Iterator

from videohelp.assets import asset_path
from videohelp.core.knowledge import load_shipped
from videohelp.queue.comments import IncomingComment
from videohelp.queue.normalize import normalize_text
from videohelp.queue.pipeline import IngestPipeline
from videohelp.queue.triage.corpus import read_lines

log = logging.getLogger(__name__)

PLATFORMS = (("app", 0.3), ("zlb", 0.2), ("douyin", 0.5))


class CommentSimulator:
    """Generates comments; ``comments()`` is a deterministic stream for a seed."""

    def __init__(self, seed: int | None = None, question_ratio: float = 0.45) -> None:
        self.rng = random.Random(seed)
        self.question_ratio = question_ratio
        self.questions = [q for entry in load_shipped() for q in entry.questions]
        self.chatter = read_lines(asset_path("triage", "chatter.txt"))
        self.names = read_lines(asset_path("demo", "viewers.txt"))
        self._serial = itertools.count(1)
        self._run = f"{int(time.time()):x}"

    def make(self) -> IncomingComment:
        """One comment, stamped now."""
        platform = self.rng.choices([p for p, _ in PLATFORMS], [w for _, w in PLATFORMS])[0]
        pool = self.questions if self.rng.random() < self.question_ratio else self.chatter
        name = self.rng.choice(self.names)
        serial = next(self._serial)
        return IncomingComment(
            platform=platform,
            msg_id=f"sim-{self._run}-{serial}",
            user_id=f"{platform}-u{abs(hash(name)) % 100000}",
            user_name=name,
            text=normalize_text(self.rng.choice(pool)),
            ts_ms=int(time.time() * 1000),
        )

    def comments(self) -> Iterator[IncomingComment]:
        while True:
            yield self.make()


async def run_simulator(pipeline: IngestPipeline, simulator: CommentSimulator,
                        rate_per_s: float, *, initial_burst: int = 0) -> None:
    """Feed ``pipeline`` at about ``rate_per_s`` until cancelled."""
    if initial_burst:
        await pipeline.submit([simulator.make() for _ in range(initial_burst)])
    interval = 1.0 / max(rate_per_s, 0.1)
    while True:
        # Jitter: real chat arrives in clumps, not on a metronome.
        await asyncio.sleep(simulator.rng.expovariate(1.0 / interval))
        try:
            await pipeline.submit([simulator.make()])
        except Exception:
            log.exception("simulated comment not stored")
