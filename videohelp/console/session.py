"""A show session: the pipeline, the feed, the program engine and the desk's actions.

The session is the desk's model layer: it has no widgets, runs on the main
thread's asyncio loop (qasync), and every action it offers is what a seat or
a widget may call. Writes go through the pipeline's writer thread so that the
desk never waits on SQLite.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import weakref
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, Signal

from videohelp.console.catalog import Catalog, default_catalog, studio_catalog
from videohelp.console.knowledge import (
    SHORT_ANSWER_MAX,
    Entry,
    NotAirableError,
    check_airable,
    record_on_air,
)
from videohelp.console.paths import DataPaths
from videohelp.console.pocket.air import PocketAir
from videohelp.console.reports.shows import close_show, open_show
from videohelp.console.settings import Settings
from videohelp.queue.client_limits import ClientLimits
from videohelp.queue.comments import State, StoredComment
from videohelp.queue.feed import CommentFeed
from videohelp.queue.ingest import IngestConfig, build_ingest, writer_from_settings
from videohelp.queue.persist import set_state
from videohelp.queue.pipeline import IngestPipeline
from videohelp.queue.server import ConsoleServer
from videohelp.queue.simulator import CommentSimulator, run_simulator
from videohelp.queue.triage.service import TriageService
from videohelp.streaming.audio import AudioError
from videohelp.streaming.cards import CardRenderer, RenderedCard
from videohelp.streaming.graphics import ProgramGraphics
from videohelp.streaming.outputs import Output, OutputError
from videohelp.streaming.program import ProgramEngine
from videohelp.streaming.program_outputs import ProgramOutputs, settings_for
from videohelp.streaming.sources import Source, SourceError, TestPatternSource, open_source

log = logging.getLogger(__name__)


@dataclass
class SessionOptions:
    demo: bool = False
    actor: str = "desk"
    seed: int | None = None
    comments_per_s: float | None = None
    tasks: list[asyncio.Task] = field(default_factory=list)
    # The console's server (/ingest and whatever else registers a route). The
    # desk listens; tests leave it off or use port 0.
    listen: bool = False
    host: str | None = None
    port: int | None = None
    ingest_tokens: dict[str, str] = field(default_factory=dict)
    # Triage (queue/triage): classify stored comments in a worker thread.
    triage: bool = True


class ShowSession(QObject):
    """Everything a running show needs, without widgets.

    Signals:
        commentChanged(object): a ``StoredComment`` whose state changed.
        onAirChanged(object): the ``StoredComment`` now on the Q&A layer, or None.
        actionFailed(str): a desk action was refused or failed; the text says why.
        repeatsAdded(dict): comment id -> how many more repeats of it were stored
            (repeats are collapsed: they do not reach the feed as rows).
        answerAired(str): a knowledge entry's answer went on air ("" for a free answer).
        commentsTriaged(list): ``StoredComment`` rows triage has just classified
            (is_question, item, confidence, repeat_of; state 'triaged').
        catalogChanged(object): the studio's ``Catalog`` after an edit was saved (or as
            read at start when it differs from the shipped one); new cards use it already.
    """

    commentChanged = Signal(object)
    commentsTriaged = Signal(list)
    onAirChanged = Signal(object)
    actionFailed = Signal(str)
    repeatsAdded = Signal(object)  # dict[int, int]; not Signal(dict): int keys
    answerAired = Signal(str)
    catalogChanged = Signal(object)  # Catalog

    def __init__(self, paths: DataPaths, settings: Settings, options: SessionOptions | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.paths = paths
        self.settings = settings
        self.options = options or SessionOptions()
        self.writer = writer_from_settings(paths.database, settings)
        self.pipeline = IngestPipeline(self.writer)
        self.feed = CommentFeed(parent=self)
        # Through a weak reference: a bound method would make session <-> pipeline a
        # cycle, and a cycle may be collected on the writer thread, where Qt cannot
        # destroy the session's timers.
        session = weakref.ref(self)

        def to_feed(comments: list[StoredComment]) -> None:
            alive = session()
            if alive is not None:
                alive._to_feed(comments)

        self.pipeline.add_listener(to_feed)
        self.triage: TriageService | None = None
        if self.options.triage:
            self.triage = TriageService(self.pipeline, paths.database, parent=self)
            self.pipeline.add_listener(self.triage.submit)
            self.triage.commentsTriaged.connect(self.commentsTriaged)
            self.commentChanged.connect(self.triage.comment_changed)
        ingest_config = IngestConfig.from_settings(settings, self.options.ingest_tokens)
        self.server = ConsoleServer(
            self.options.host or settings["server.host"],
            settings["server.port"] if self.options.port is None else self.options.port,
            max_connections=settings["server.max_connections"],
            hard_max_bytes=2 * ingest_config.limits.max_frame_bytes,
            limits=ClientLimits.from_settings(settings))  # budgets per kind of client
        self.ingest = build_ingest(self.server, self.pipeline, ingest_config)
        self.server_error: str | None = None
        width, height = settings["program.width"], settings["program.height"]
        # The shipped catalog until start() reads the studio's from the database.
        self.catalog: Catalog = default_catalog()
        self.renderer = CardRenderer(width, height, catalog=self.catalog)
        self.program = ProgramEngine(TestPatternSource(width, height), fps=settings["program.fps"],
                                     parent=self)
        self.outputs = ProgramOutputs(self.program,
                                      settings_for(width, height, settings["program.fps"]), parent=self,
                                      profiles=settings["outputs.profiles"],
                                      destinations=settings["outputs.destinations"])
        self._source: Source | None = None  # the last one switch_source opened
        # The browser-source page /overlay (OBS, vMix) mirrors the program's cards; live
        # cards (the clock) refresh themselves. A Q&A card that went out by itself is done.
        self.graphics = ProgramGraphics(self.program, self.renderer)
        self.graphics.install(self.server)
        # Issue 19 hook: 24-hour answers (POST /api/v1/ask, /ask) when the server listens
        # and triage runs (the answers use its engine).
        from videohelp.console.pocket.answer_clips import answer_clips
        from videohelp.queue.answering.install import install_answers
        self.answers = (install_answers(self.server, self.pipeline, paths, settings, session=self,
                                        ingest=self.ingest,
                                        clips=answer_clips(paths.database, settings))
                        if self.options.listen and self.options.triage else None)
        self.program.autoOut.connect(self._on_auto_out)
        # 锦囊口袋 clips to program (take_clip / preview_clip / stop_clip): issue 18.
        self.pocket = PocketAir(self)
        self.on_air: StoredComment | None = None
        self.show_id: int | None = None  # this run's row in ``shows`` (daily review)
        self._tasks: list[asyncio.Task] = []
        self._background: set[asyncio.Future] = set()

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Future:
        """Run a desk action in the background, keeping a reference until it ends."""
        task = asyncio.ensure_future(coro)
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        return task

    async def start(self) -> None:
        await self.pipeline.start()
        await self.reload_catalog()
        await self._record_show(on_air=True)
        if self.triage is not None:
            self.triage.start()  # builds in its worker thread; returns at once
        if self.answers is not None:  # issue 19 hook: builds at the first question
            await self.answers.start(wait=False)
        if self.options.listen:
            try:
                await self.server.start()
            except OSError as exc:
                # The desk still works without bridges (demo, rehearsal): say so, go on.
                self.server_error = f"cannot listen on {self.server.host}:{self.server.port}: {exc}"
                log.error("%s", self.server_error)
        self.program.start()
        await self.graphics.start()
        if self.options.demo:
            rate = self.options.comments_per_s or self.settings["demo.comments_per_s"]
            simulator = CommentSimulator(seed=self.options.seed)
            self._tasks.append(asyncio.get_running_loop().create_task(
                run_simulator(self.pipeline, simulator, rate, initial_burst=12), name="simulator"))
            try:  # the shipped example clips, so that the desk has some to suggest
                await self.pocket.seed_examples()
            except Exception as exc:
                log.error("example clips not loaded: %s", exc)

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()
        self.pocket.close()  # a clip on air: back to the source it interrupted
        self.outputs.stop_all()
        await self.graphics.stop()
        self.program.stop()
        if self._source is not None:  # a camera or stream reader thread: end it
            self._source.close()
        await self.server.stop()
        if self.answers is not None:  # issue 19 hook
            await self.answers.stop()
        await self._record_show(on_air=False)
        if self.triage is not None:
            await self.triage.stop()
        await self.pipeline.stop()

    async def _record_show(self, *, on_air: bool) -> None:
        """Record the show going on or off air, for the daily review's hours on air.

        Failing to record must not stop a show, so errors are logged only.
        """
        try:
            if on_air:
                self.show_id = await self.pipeline.run_in_writer(open_show, self.options.actor)
            elif self.show_id is not None:
                await self.pipeline.run_in_writer(close_show, self.show_id)
                self.show_id = None
        except Exception as exc:
            log.error("could not record the show %s air: %s", "on" if on_air else "off", exc)

    async def reload_catalog(self) -> Catalog:
        """Read the studio's catalog (call after an edit was saved); if it changed, cards
        rendered from now on use it and ``catalogChanged`` tells the desk's models.

        A card already on air keeps what it showed until it is updated or taken again.
        """
        try:
            catalog = await self.pipeline.run_in_writer(lambda store: studio_catalog(store.conn))
        except Exception as exc:  # keep showing with the catalog we have
            log.error("could not read the catalog: %s", exc)
            return self.catalog
        if catalog != self.catalog:
            self.catalog = self.renderer.catalog = catalog
            self.catalogChanged.emit(catalog)
        return self.catalog

    def _to_feed(self, comments: list[StoredComment]) -> None:
        """Pipeline listener: new comments to the feed, repeats only counted."""
        shown = [c for c in comments if c.repeat_of is None]
        if shown:
            self.feed.push(shown)
        if len(shown) < len(comments):
            counts: dict[int, int] = {}
            for comment in comments:
                if comment.repeat_of is not None:
                    counts[comment.repeat_of] = counts.get(comment.repeat_of, 0) + 1
            self.repeatsAdded.emit(counts)

    # -- program source and outputs (usable while live) -------------------------------
    def start_output(self, target: str) -> Output | None:
        """Push or record the program to ``target``; None (and actionFailed) if refused."""
        try:
            return self.outputs.start(target)
        except OutputError as exc:
            self.actionFailed.emit(str(exc))
            return None

    def stop_output(self, target: str) -> bool:
        """Stop the output started for ``target`` (or shown as that name)."""
        return self.outputs.stop(target)

    def switch_source(self, spec: str) -> bool:
        """Cut the program to the source ``spec`` (see ``open_source``); False if refused."""
        try:
            source = open_source(spec, self.settings["program.width"],
                                 self.settings["program.height"], self.settings["program.fps"])
        except SourceError as exc:
            self.actionFailed.emit(str(exc))
            return False
        self.outputs.set_source(source)  # the picture and, with it, the source's sound
        self._source = source
        return True

    def set_audio(self, spec: str) -> bool:
        """Switch the program's audio input (silent, auto, alsa:DEVICE); False if refused."""
        try:
            self.outputs.set_audio(spec)
        except AudioError as exc:
            self.actionFailed.emit(str(exc))
            return False
        return True

    # -- desk actions ---------------------------------------------------------------
    def qa_card(self, comment: StoredComment, answer: str = "", item: str = "") -> RenderedCard:
        """The question card for ``comment``: masked name and masked text only."""
        data = {"question": comment.text_masked, "viewer": comment.user_name_masked}
        if answer:
            data["answer"] = answer
        if item:
            data["item"] = item
        return self.renderer.render("qa", data)

    async def take_question(self, comment: StoredComment, answer: str = "", item: str = "") -> bool:
        """Put ``comment`` on screen as a Q&A card; False (and actionFailed) if refused."""
        if comment.blocked or comment.state == State.BLOCKED:
            self.actionFailed.emit("blocked comment cannot go on air")
            return False
        try:
            card = self.qa_card(comment, answer, item)
            updated = await self.pipeline.run_in_writer(set_state, comment.id, State.ON_AIR,
                                                        self.options.actor)
        except Exception as exc:
            log.warning("take refused: %s", exc)
            self.actionFailed.emit(str(exc))
            return False
        self.program.take("qa", card, duration_s=self.settings["cards.default_duration_s"])
        previous, self.on_air = self.on_air, updated
        if previous is not None and previous.id != updated.id:
            await self._finish(previous)
        self.commentChanged.emit(updated)
        self.onAirChanged.emit(updated)
        return True

    async def change_state(self, comment: StoredComment, state: State,
                           detail: str = "") -> StoredComment | None:
        """Move ``comment`` to ``state`` (queued, flagged, dismissed, answered...), recorded
        with who and when; None (and actionFailed) if the workflow refuses it."""
        try:
            updated = await self.pipeline.run_in_writer(set_state, comment.id, state,
                                                        self.options.actor, detail)
        except Exception as exc:
            self.actionFailed.emit(str(exc))
            return None
        self.commentChanged.emit(updated)
        return updated

    async def take_answer(self, comment: StoredComment, entry: Entry | None, answer: str, *,
                          officer_confirmed: bool) -> bool:
        """Put ``comment`` on screen with ``answer`` (from ``entry``, perhaps edited).

        A draft entry needs the officer's confirmation; the airing is counted
        against the entry. False (and actionFailed) if refused.
        """
        item = entry.item if entry is not None else (comment.item or "")
        if entry is not None:
            try:
                check_airable(entry, officer_confirmed)
            except NotAirableError as exc:
                self.actionFailed.emit(str(exc))
                return False
        if len(answer) > SHORT_ANSWER_MAX:
            self.actionFailed.emit(f"on-air answer longer than {SHORT_ANSWER_MAX} characters")
            return False
        if not await self.take_question(comment, answer, item):
            return False
        if entry is not None:
            try:
                await self.pipeline.run_in_writer(
                    functools.partial(record_on_air, confirmed_by_officer=officer_confirmed),
                    entry.id, self.options.actor)
            except Exception as exc:  # the card is on air; the count is bookkeeping
                log.warning("airing of %s not counted: %s", entry.id, exc)
        self.answerAired.emit(entry.id if entry is not None else "")
        return True

    async def clear_question(self) -> None:
        """Take the Q&A card off screen; the comment counts as answered."""
        self.program.clear("qa")
        previous, self.on_air = self.on_air, None
        if previous is not None:
            await self._finish(previous)
        self.onAirChanged.emit(None)

    def panic(self) -> None:
        """Clear everything at once. Synchronous: the screen empties before any await."""
        self.program.panic()
        previous, self.on_air = self.on_air, None
        if previous is not None:
            self.spawn(self._finish(previous))
        self.onAirChanged.emit(None)

    def _on_auto_out(self, layer: str) -> None:
        """The Q&A card's time on air ran out: the comment counts as answered, as if cleared."""
        if layer != "qa" or self.on_air is None or "qa" in self.program.on_air():
            return  # another layer, or a new question was taken meanwhile
        previous, self.on_air = self.on_air, None
        self.spawn(self._finish(previous))
        self.onAirChanged.emit(None)

    async def refile(self, comment: StoredComment, item: str | None) -> StoredComment | None:
        """The officer files ``comment`` under ``item`` (None: chatter); triage learns it.

        The correction is stored, so it also holds after a restart. None (and
        actionFailed) if refused.
        """
        if self.triage is None:
            self.actionFailed.emit("triage is off")
            return None
        try:
            updated = await self.triage.correct(comment, item, self.options.actor)
        except (ValueError, KeyError) as exc:
            self.actionFailed.emit(str(exc))
            return None
        self.commentChanged.emit(updated)
        return updated

    async def _finish(self, comment: StoredComment) -> None:
        try:
            updated = await self.pipeline.run_in_writer(set_state, comment.id, State.ANSWERED,
                                                        self.options.actor)
        except Exception as exc:
            log.warning("could not mark %s answered: %s", comment.id, exc)
            return
        self.commentChanged.emit(updated)
