"""The one wiring: a running console assembled from paths, settings and options.

The desk (``ShowSession``), ``videohelp serve``, the tests and the benchmarks
all build their console here, so none of them lacks a part another has::

    console = build_console(paths, settings, ConsoleOptions(port=0))
    await console.start()          # pipeline, triage, program, overlay, seats, server
    ...                            # console.actions.perform(actor, request)
    await console.stop()

The parts: the store writer and the ``pipeline``; the ``server`` (TLS with
``options.tls``) with ``/ingest`` (``ingest``), ``/seat`` (``hub``) and the
overlay page (``graphics``); ``triage``; the ``program`` with its card
``renderer`` and its ``outputs``; the show's ``actions``.

Extensions: a feature that adds routes or services to every console (an
answering service, a phone page, a WHIP endpoint) registers a factory in
``videohelp.console.extensions.EXTENSIONS`` (or passes it in
``ConsoleOptions.extensions``). ``build_console`` calls each factory with the
built console, before anything starts; the factory adds its routes
(``console.server.add_route``) and listeners (``console.actions.add_listener``)
and returns an object with ``async start()`` and ``async stop()`` (or None:
not enabled). Extensions start after the parts and before the server accepts
connections, and stop before the parts stop.
"""

from __future__ import annotations

import logging
import os
import ssl
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from videohelp.console.actions import ShowActions
from videohelp.console.extensions import EXTENSIONS, Extension, ExtensionFactory
from videohelp.console.recovery import Recovery, ShowRecorder
from videohelp.console.reports.shows import close_show, open_show
from videohelp.console.seat_connection import HubLimits
from videohelp.console.seat_server import SeatHub
from videohelp.console.show_events import CommentChanged, ShowEvent
from videohelp.console.show_store import kb_suggestions
from videohelp.core.catalog import Catalog, default_catalog, studio_catalog
from videohelp.core.client_limits import ClientLimits
from videohelp.core.handoff import on_loop
from videohelp.core.heap import settle_heap
from videohelp.core.paths import DataPaths
from videohelp.core.server import ConsoleServer
from videohelp.core.settings import Settings
from videohelp.core.show_time import show_clock
from videohelp.queue.ingest import IngestConfig, IngestHandler, build_ingest, writer_from_settings
from videohelp.queue.persist import CommentWriter
from videohelp.queue.pipeline import IngestPipeline
from videohelp.queue.seat_events import EventLog, SeatState
from videohelp.queue.triage.engine import Correction
from videohelp.queue.triage.service import TriageService
from videohelp.streaming.cards import CardRenderer
from videohelp.streaming.control import CardControl
from videohelp.streaming.graphics import ProgramGraphics
from videohelp.streaming.program import ProgramEngine
from videohelp.streaming.program_outputs import ProgramOutputs, settings_for
from videohelp.streaming.source_switch import ProgramSource
from videohelp.streaming.sources import TestPatternSource

log = logging.getLogger(__name__)


@dataclass
class ConsoleOptions:
    """How to build a console; anything not given comes from the settings."""

    listen: bool = True                 # accept connections (the desk may run without)
    host: str | None = None
    port: int | None = None             # 0: a free port (tests)
    tls: ssl.SSLContext | None = None   # wss:// and https:// (off loopback)
    ingest_tokens: dict[str, str] = field(default_factory=dict)
    triage: bool = True
    control_token: str | None = None    # an automation seat named 'control' on /seat
    x264_preset: str | None = None
    show_by: str = "console"            # who the show on air is recorded for (daily review)
    hub_limits: HubLimits | None = None
    replay_events: int | None = None    # seat events kept for resuming seats
    suggestions: bool = True            # knowledge-base answers for flagged questions
    writer: CommentWriter | None = None  # a prepared writer (benchmarks); else from the settings
    ingest_config: IngestConfig | None = None  # a prepared one (tests); else from the settings
    pipeline_options: dict[str, Any] = field(default_factory=dict)  # IngestPipeline's keywords
    run_program: bool = True            # render frames (off: cards change, nothing is drawn)
    extensions: list[ExtensionFactory] = field(default_factory=list)
    limits: ClientLimits | None = None  # connection budgets per client kind; else the settings


def ensure_gui_app() -> None:
    """Card rendering needs a QGuiApplication: make an offscreen one if the process has none
    (``serve``, benchmarks); the desk has its QApplication already."""
    from PySide6.QtGui import QGuiApplication

    if QGuiApplication.instance() is None:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # headless by definition
        _APP.append(QGuiApplication(sys.argv[:1]))


_APP: list[object] = []  # keeps the headless QGuiApplication alive


class Console:
    """The parts of one running console (built by ``build_console``)."""

    def __init__(self, paths: DataPaths, settings: Settings, options: ConsoleOptions) -> None:
        ensure_gui_app()
        self.paths, self.settings, self.options = paths, settings, options
        self.writer = options.writer or writer_from_settings(paths.database, settings)
        self.pipeline = IngestPipeline(self.writer, **options.pipeline_options)
        self.ingest_config = options.ingest_config or IngestConfig.from_settings(
            settings, options.ingest_tokens)
        self.server = ConsoleServer(
            options.host or settings["server.host"],
            settings["server.port"] if options.port is None else options.port,
            max_connections=settings["server.max_connections"],
            hard_max_bytes=2 * self.ingest_config.limits.max_frame_bytes, ssl=options.tls,
            limits=options.limits or ClientLimits.from_settings(settings))
        self.ingest: IngestHandler = build_ingest(self.server, self.pipeline, self.ingest_config)
        width, height, fps = settings["program.width"], settings["program.height"], settings["program.fps"]
        # The shipped catalog until start() reads the studio's from the database.
        self.catalog: Catalog = default_catalog()
        self.renderer = CardRenderer(width, height, catalog=self.catalog,
                                     clock=show_clock(settings["show.timezone"]))
        self.program = ProgramEngine(TestPatternSource(width, height), fps=fps)
        self.outputs = ProgramOutputs(self.program, settings_for(width, height, fps, options.x264_preset),
                                      profiles=settings["outputs.profiles"],
                                      destinations=settings["outputs.destinations"],
                                      renderer=self.renderer)
        # The browser-source page /overlay (OBS, vMix) mirrors the program's cards; live
        # cards (the clock) refresh themselves.
        self.graphics = ProgramGraphics(self.program, self.renderer)
        self.graphics.install(self.server)
        self.triage: TriageService | None = None
        if options.triage:
            self.triage = TriageService(self.pipeline, paths.database)
            self.pipeline.add_listener(self.triage.submit)
        self.actions = show_actions(self.pipeline, self.graphics.control, settings,
                                    learn=self.triage.learn if self.triage is not None else None,
                                    suggestions=options.suggestions)
        # The ``source`` action cuts the program to a camera, file, stream (or WHIP, see serve).
        self.sources = ProgramSource(self.outputs, width, height, fps)
        self.actions.sources = self.sources
        state = SeatState(EventLog(options.replay_events)) if options.replay_events else None
        self.hub = SeatHub(self.actions, paths.database, limits=options.hub_limits, state=state)
        if options.control_token:
            self.hub.directory.add_static("control", "automation", options.control_token)
        self.hub.install(self.server)
        if self.triage is not None:
            self.triage.commentsTriaged.connect(self.hub.comments_triaged)
            self.actions.add_listener(self._triage_follows)
        # Back on air after a crash: the show's state file, and what this start found in it.
        self.recorder = ShowRecorder(paths.root, self.actions, self.program, self.outputs, settings)
        self.recovery: Recovery | None = None
        self.started = False  # start() went through: a stop is the end of the show
        self.server_error: str | None = None
        self.show_id: int | None = None  # this run's row in ``shows`` (daily review)
        self.extensions: list[Extension] = []
        for factory in (*EXTENSIONS, *options.extensions):
            self.add_extension(factory)

    def add_extension(self, factory: ExtensionFactory) -> Extension | None:
        """Build an extension on this console (before ``start``); see the module docstring."""
        extension = factory(self)
        if extension is not None:
            self.extensions.append(extension)
        return extension

    def _triage_follows(self, event: ShowEvent) -> None:
        if isinstance(event, CommentChanged) and self.triage is not None:
            self.triage.comment_changed(event.comment)  # a closed question ends its askers' group

    # -- lifecycle ---------------------------------------------------------------------------------
    async def start(self, *, tolerate_listen_error: bool = False) -> None:
        """Start every part; the server last, once everything it serves is ready.

        ``tolerate_listen_error``: a port in use is noted in ``server_error`` (the desk goes
        on without bridges and seats) instead of raised (``serve`` exits with it).
        """
        await self.pipeline.start()
        # Output state and health reach the seats (and the desk) as output.* events; the
        # outputs report from their worker threads.
        self.outputs.add_status_listener(on_loop(self.hub.output_event))
        await self.reload_catalog()
        # Before anyone sees the queue: comments left on air go back to it (console.recovery).
        self.recovery = await self.recorder.recover(self.pipeline.run_in_writer)
        self.actions.start()
        if self.options.run_program:
            self.program.start()
        self.recorder.restart_outputs(self.recovery)  # after a crash only
        await self.graphics.start()
        await self.hub.start()
        for extension in self.extensions:
            await extension.start()
        if self.options.listen:
            try:
                await self.server.start()
            except OSError as exc:
                if not tolerate_listen_error:
                    raise
                self.server_error = f"cannot listen on {self.server.host}:{self.server.port}: {exc}"
                log.error("%s", self.server_error)
        # After the server: a console that cannot listen stops at once, without waiting for
        # triage to finish building (seconds). Comments arriving meanwhile wait for it.
        if self.triage is not None:
            # Once triage's engine is built, what start-up loaded leaves the collector's
            # walks (core/heap.py: the longest collections 80-119 ms -> 12-68 ms at 300/s).
            self.triage.ready.connect(_settle_heap)
            self.triage.retrained.connect(_settle_heap)
            self.triage.start()  # builds in its worker thread; returns at once
        await self._record_show(on_air=True)
        self.started = True

    async def stop(self) -> None:
        # A clean stop: nothing restarts by itself next time (a console that never got on air
        # leaves the record as it found it, to be recovered next time).
        self.recorder.finish(clean=self.started)
        await self.server.stop()
        for extension in reversed(self.extensions):
            await extension.stop()
        await self.hub.stop()
        await self.actions.stop()
        self.outputs.stop_all()  # flushes the pushes, finishes the recordings
        await self.graphics.stop()
        self.program.stop()
        self.sources.close()  # a camera's or stream's reader thread ends with the console
        await self._record_show(on_air=False)
        if self.triage is not None:
            await self.triage.stop()
        await self.pipeline.stop()

    async def _record_show(self, *, on_air: bool) -> None:
        """Record the show going on or off air, for the daily review's hours on air.

        Failing to record must not stop a show, so a database error is logged only.
        """
        import sqlite3

        try:
            if on_air:
                self.show_id = await self.pipeline.run_in_writer(open_show, self.options.show_by)
            elif self.show_id is not None:
                await self.pipeline.run_in_writer(close_show, self.show_id)
                self.show_id = None
        except sqlite3.Error as exc:
            log.error("could not record the show %s air: %s", "on" if on_air else "off", exc)

    async def reload_catalog(self) -> bool:
        """Read the studio's catalog (after an edit was saved); True if it changed. Cards
        rendered from now on use it; a card on air keeps what it showed."""
        catalog = await self.pipeline.run_in_writer(lambda store: studio_catalog(store.conn))
        if catalog == self.catalog:
            return False
        self.catalog = self.renderer.catalog = catalog
        return True


def show_actions(pipeline: IngestPipeline, cards: CardControl, settings: Settings, *,
                 learn: Callable[[Correction], Any] | None = None,
                 suggestions: bool = True) -> ShowActions:
    """The show's action service on ``cards``, as every console has it."""
    return ShowActions(pipeline, cards, learn=learn,
                       suggest=kb_suggestions if suggestions else None,
                       qa_duration_s=settings["cards.default_duration_s"])


def standalone_actions(pipeline: IngestPipeline, settings: Settings) -> ShowActions:
    """The same action service for a console without a program (``videohelp answer serve``):
    its program is built but never started, so nothing is drawn or sent; comment actions
    (the answering service's) are checked, audited and reported as on a full console."""
    ensure_gui_app()  # the card renderer's fonts
    width, height, fps = settings["program.width"], settings["program.height"], settings["program.fps"]
    renderer = CardRenderer(width, height, catalog=default_catalog(),
                            clock=show_clock(settings["show.timezone"]))
    program = ProgramEngine(TestPatternSource(width, height), fps=fps)
    return show_actions(pipeline, CardControl(program, renderer), settings)


def build_console(paths: DataPaths, settings: Settings, options: ConsoleOptions | None = None,
                  **extra: Any) -> Console:
    """The one place a console is assembled (see the module docstring)."""
    return Console(paths, settings, options or ConsoleOptions(**extra))


def _settle_heap(_seconds: float) -> None:
    settle_heap()
