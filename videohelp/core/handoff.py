"""The one way engine and program events reach the console's loop (Picard's rule).

The program engine and the triage worker report from their own threads. Every
listener that belongs to the console (the action service, the seat hub, the
session's signals) runs on the thread of the asyncio loop that owns the
pipeline, so none of them checks threads itself: they are wrapped once with
``on_loop``.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)


def on_loop(func: Callable[..., Any], loop: asyncio.AbstractEventLoop | None = None
            ) -> Callable[..., None]:
    """``func`` as a callback any thread may call: it runs on ``loop`` (the running loop of
    the caller of ``on_loop`` by default).

    Called on the loop's own thread it runs at once, so a change made by an action
    is reported before the action goes on (panic empties the screen and tells the
    seats in one step); from another thread it is scheduled with
    ``call_soon_threadsafe`` and runs in order with the loop's other work. After the
    loop has closed, calls from other threads are dropped (the console is stopping).
    """
    target = loop or asyncio.get_running_loop()
    thread = threading.get_ident()

    def call(*args: Any) -> None:
        if threading.get_ident() == thread:
            func(*args)
            return
        try:
            target.call_soon_threadsafe(func, *args)
        except RuntimeError:  # the loop is closed: nothing left to tell
            log.debug("dropped %r after the loop closed", func)

    return call
