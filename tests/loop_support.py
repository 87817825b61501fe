"""Waiting on conditions while asyncio runs inside Qt's loop (qasync)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable


def spin_until(qloop: asyncio.AbstractEventLoop, predicate: Callable[[], object],
               timeout: float = 5.0) -> None:
    """Run the asyncio loop (inside Qt's) until ``predicate()`` holds; TimeoutError if not."""
    async def wait() -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise TimeoutError("condition not met")
            await asyncio.sleep(0.01)
    qloop.run_until_complete(wait())
