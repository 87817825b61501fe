"""The graphics side of a running program, in one piece for ``serve`` and the desk.

``ProgramGraphics`` ties the card renderer and the program engine to the
console's server: the overlay page (``/overlay``, ``/overlay/ws``), the
control channel (``/seat``, when an authenticator is given) and the live
cards (the clock). Usage::

    graphics = ProgramGraphics(engine, renderer)
    graphics.install(server, control=token_auth(args.control_token))
    await graphics.start()
    ...
    await graphics.stop()
"""

from __future__ import annotations

import logging
import os
import sys

from videohelp.core.server import ConsoleServer
from videohelp.streaming.cards import CardRenderer
from videohelp.streaming.control import Authenticator, CardControl
from videohelp.streaming.live import LiveCards
from videohelp.streaming.overlay import OverlayHub
from videohelp.streaming.program import ProgramEngine
from videohelp.streaming.sources import TestPatternSource
from videohelp.streaming.theme import Theme

log = logging.getLogger(__name__)


class ProgramGraphics:
    """Overlay page, control channel and live cards for ``engine``."""

    def __init__(self, engine: ProgramEngine, renderer: CardRenderer) -> None:
        self.engine = engine
        self.renderer = renderer
        self.overlay = OverlayHub(engine, renderer.width, renderer.height)
        self.control = CardControl(engine, renderer)
        self.live = LiveCards(engine, renderer)

    def install(self, server: ConsoleServer, *, control: Authenticator | None = None) -> None:
        """Register the overlay routes, and ``/seat`` if ``control`` (an authenticator) is given."""
        self.overlay.install(server)
        if control is not None:
            try:
                self.control.install(server, control)
            except ValueError:  # the seat server already serves /seat (and the cards with it)
                log.info("/seat is served by the seat server; control token not installed here")

    async def start(self) -> None:
        await self.overlay.start()
        self.live.start()

    async def stop(self) -> None:
        self.live.stop()
        await self.overlay.stop()


def headless_graphics(server: ConsoleServer, width: int, height: int, fps: int, *,
                      control_token: str | None = None, theme: Theme | None = None,
                      ) -> ProgramGraphics:
    """The program and its graphics for ``videohelp serve`` (no display: Qt runs offscreen).

    Creates the QGuiApplication that rendering needs, a program engine on the
    test pattern, and registers the overlay (and ``/seat`` for ``control_token``).
    Start the engine (``graphics.engine.start()``) and ``await graphics.start()``.
    """
    from PySide6.QtGui import QGuiApplication

    from videohelp.streaming.control import token_auth

    if QGuiApplication.instance() is None:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # headless by definition
        _APP.append(QGuiApplication(sys.argv[:1]))
    renderer = CardRenderer(width, height, theme)
    engine = ProgramEngine(TestPatternSource(width, height), fps=fps)
    graphics = ProgramGraphics(engine, renderer)
    graphics.install(server, control=token_auth(control_token) if control_token else None)
    return graphics


_APP: list[object] = []  # keeps serve's QGuiApplication alive
