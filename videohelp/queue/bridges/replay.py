"""Replaying a recorded comment file (JSONL) into a console, for rehearsals and load tests.

Each line of the recording is one protocol item: a comment
(``{"type": "comment", "id": ..., "user": {...}, "text": ..., "ts": ...}``) or
an event. The type may be left out (comment). Lines are sent in order, either
at the recorded pace (the gaps between ``ts`` values, capped) or at a fixed
``rate``, through ``IngestClient``, so a replay survives console restarts just
as a live bridge does.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from videohelp.queue.bridges.client import IngestClient, Item


@dataclass(frozen=True)
class ReplayOptions:
    rate: float | None = None          # items per second; None: the recorded pace
    platform: str | None = None        # replace each item's platform
    id_prefix: str = ""                # prepend to ids, so a rerun stores new comments
    restamp: bool = False              # ts = now, as if said live
    max_gap_s: float = 5.0             # longest pause kept from the recording


@dataclass
class ReplayReport:
    sent: int = 0
    acknowledged: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    unreadable: list[str] = field(default_factory=list)  # "line N: why"
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.rejected and not self.unreadable

    def summary(self) -> str:
        text = (f"replayed {self.sent} items in {self.seconds:.1f} s: "
                f"{self.acknowledged} acknowledged")
        if self.rejected:
            codes = ", ".join(f"{code} x{n}" for code, n in self.rejected.most_common())
            text += f", {sum(self.rejected.values())} rejected ({codes})"
        if self.unreadable:
            text += f", {len(self.unreadable)} unreadable lines"
        return text


def read_recording(path: Path) -> Iterator[tuple[int, Item | str]]:
    """(line number, item) per line; (line number, reason) for lines that are no item."""
    with path.open(encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except ValueError as exc:
                yield number, f"not JSON ({exc})"
                continue
            if not isinstance(item, dict) or "id" not in item:
                yield number, "not an object with an id"
                continue
            yield number, item


def prepare(item: Item, options: ReplayOptions, now_ms: int) -> Item:
    """The item as it will be sent: platform, id and time adjusted by ``options``."""
    item = dict(item)
    item.setdefault("type", "comment")
    if options.platform:
        item["platform"] = options.platform
    if options.id_prefix:
        item["id"] = f"{options.id_prefix}{item['id']}"
    if options.restamp or not isinstance(item.get("ts"), int):
        item["ts"] = now_ms
    return item


async def replay(path: Path, client: IngestClient, options: ReplayOptions) -> ReplayReport:
    """Send every item of ``path`` through ``client`` and wait for all answers."""
    report = ReplayReport()
    loop = asyncio.get_running_loop()
    started = loop.time()
    due = started
    previous_ts: int | None = None
    for number, entry in read_recording(path):
        if isinstance(entry, str):
            report.unreadable.append(f"line {number}: {entry}")
            continue
        if options.rate:
            due += 1.0 / options.rate
        else:
            ts = entry.get("ts")
            if isinstance(ts, int) and previous_ts is not None:
                due += min(max(ts - previous_ts, 0) / 1000, options.max_gap_s)
            previous_ts = ts if isinstance(ts, int) else previous_ts
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        await client.send(prepare(entry, options, int(time.time() * 1000)))
        report.sent += 1
    await client.drain()
    report.acknowledged = client.acked
    report.rejected.update(str(error.get("code")) for error in client.rejected)
    report.seconds = loop.time() - started
    return report
