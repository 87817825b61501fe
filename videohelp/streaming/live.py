"""Live cards: re-render cards on air that go stale (the clock), once when they do.

A card with ``refresh_at`` (a live clock) is re-rendered from its own data
when that time comes and swapped in with ``ProgramEngine.update``: once a
minute for the clock, never per frame.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from videohelp.streaming.cards import CardRenderer
from videohelp.streaming.layers import LayerError
from videohelp.streaming.program import ProgramEngine
from videohelp.streaming.workers import LoopThread

log = logging.getLogger(__name__)

CHECK_INTERVAL_S = 0.5


def refresh_stale(engine: ProgramEngine, renderer: CardRenderer,
                  now: Callable[[], dt.datetime] | None = None) -> list[str]:
    """Re-render every card on air whose ``refresh_at`` has passed; return their layers."""
    moment = (now or renderer.clock)()
    refreshed = []
    for layer, card in engine.on_air().items():
        if card.refresh_at is not None and moment >= card.refresh_at:
            try:
                engine.update(layer, renderer.render(card.template, card.data))
            except LayerError:
                continue  # it went out meanwhile
            refreshed.append(layer)
    return refreshed


class LiveCards:
    """A small thread that keeps live cards fresh (checks twice a second, renders when stale).

    A plain thread, not an asyncio task: it must run the same under ``serve``
    (asyncio) and the desk (Qt's loop), and painting a card on a QImage is
    allowed off the GUI thread.
    """

    def __init__(self, engine: ProgramEngine, renderer: CardRenderer,
                 interval_s: float = CHECK_INTERVAL_S) -> None:
        self.engine, self.renderer, self.interval_s = engine, renderer, interval_s
        self._worker = LoopThread("live-cards", self._run)

    def start(self) -> None:
        self._worker.start()

    def stop(self) -> None:
        self._worker.stop()

    def _run(self) -> None:
        while not self._worker.stopping.wait(self.interval_s):
            try:
                refresh_stale(self.engine, self.renderer)
            except Exception:  # a failing clock must not take the program down
                log.exception("could not refresh a live card")
