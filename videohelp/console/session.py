"""A show session: the desk's Qt façade over one console and its show actions.

The session has no widgets and runs on the main thread's asyncio loop
(qasync). It builds its console with the one wiring (``build_console``:
pipeline, triage, server, program, outputs, seats) and acts as one actor (the
officer, presenter or producer the desk was started as) through the show's
one action service (``console.actions``), so the role table decides the
desk's actions as it decides a seat's, and the audit log records them. What
the actions report comes back as Qt signals for the widgets.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import weakref
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, Signal

from videohelp.console.show_events import (
    Actor,
    AnswerAired,
    CommentChanged,
    OnAirChanged,
    ShowEvent,
    SourceChanged,
)
from videohelp.console.wiring import ConsoleOptions, build_console
from videohelp.core.catalog import Catalog, CatalogError, default_catalog
from videohelp.core.knowledge import Entry
from videohelp.core.paths import DataPaths
from videohelp.core.roles import Action, Role
from videohelp.core.settings import Settings
from videohelp.queue.comments import State, StoredComment
from videohelp.queue.feed import CommentFeed
from videohelp.queue.seat_protocol import DEFAULT_QA_LAYER, ErrorCode, ProtocolError, Request
from videohelp.queue.simulator import CommentSimulator, run_simulator
from videohelp.streaming.audio import AudioError
from videohelp.streaming.cards import RenderedCard
from videohelp.streaming.outputs import Output, OutputError
from videohelp.streaming.source_switch import source_name

log = logging.getLogger(__name__)

# The desk cuts its question cards in and out: the operator sees at once what is on air.
DESK_MOTION = {"transition": "cut", "out": "cut"}
# The desk commits comments at most every 30 ms (IngestPipeline.linger_s): on an idle machine
# a bridge sending single comments otherwise gets a commit, and a round of listeners, per comment.
# 30 ms rather than 10: at 300 comments/s 29 commits a second instead of 70, ~0.05 cores less
# (docs/performance.md); acks wait ~20 ms longer, which no bridge waits on (frames stay in flight)
# and no one sees (the feed shows comments in 400 ms batches).
DESK_COMMIT_LINGER_S = 0.03
# In a flood (a commit of 8 rows or more: from ~270 comments/s) every 100 ms instead: at 300/s
# 9 commits a second instead of 18.5, 0.016-0.020 cores less for the desk (bench/desk_toggle.py,
# docs/performance.md); acks wait ~105 ms (p50) instead of ~62.
DESK_FLOOD_LINGER_S = 0.1
_STATE_ACTIONS = {State.QUEUED: Action.QUEUE, State.DISMISSED: Action.DISMISS,
                  State.ANSWERED: Action.MARK_ANSWERED}


@dataclass
class SessionOptions:
    demo: bool = False
    actor: str = "desk"
    role: str = "officer"  # the desk's role: the role table decides its actions
    seed: int | None = None
    comments_per_s: float | None = None
    tasks: list[asyncio.Task] = field(default_factory=list)
    # The console's server (/ingest, /seat, /overlay and whatever else registers a
    # route). The desk listens; tests leave it off or use port 0.
    listen: bool = False
    host: str | None = None
    port: int | None = None
    ingest_tokens: dict[str, str] = field(default_factory=dict)
    # Triage (queue/triage): classify stored comments in a worker thread.
    triage: bool = True
    tls: Any = None  # an ssl.SSLContext for wss:// (off loopback)


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
        sourceChanged(str, str): the program was cut to another source (by this desk, a seat
            or a stream deck): how it may be shown (no stream key) and its kind (test, camera,
            file, clip, stream, whip).
    """

    commentChanged = Signal(object)
    commentsTriaged = Signal(list)
    onAirChanged = Signal(object)
    actionFailed = Signal(str)
    repeatsAdded = Signal(object)  # dict[int, int]; not Signal(dict): int keys
    answerAired = Signal(str)
    catalogChanged = Signal(object)  # Catalog
    recovered = Signal(object)  # console.recovery.Recovery: the last run's show, after start
    # Never emitted here: triage's answers are known when a comment is selected (a remote desk's
    # session fetches them; console.desk_session).
    suggestionsReady = Signal(int)
    studio = True  # the console runs in this process (console.desk_session.DeskSession)
    sourceChanged = Signal(str, str)

    def __init__(self, paths: DataPaths, settings: Settings, options: SessionOptions | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.paths = paths
        self.settings = settings
        self.options = options or SessionOptions()
        self.actor = Actor.of(self.options.actor, self.options.role)
        self.console = build_console(paths, settings, ConsoleOptions(
            listen=self.options.listen, host=self.options.host, port=self.options.port,
            tls=self.options.tls, ingest_tokens=self.options.ingest_tokens,
            triage=self.options.triage, show_by=self.options.actor,
            pipeline_options={"linger_s": DESK_COMMIT_LINGER_S,
                              "flood_linger_s": DESK_FLOOD_LINGER_S}))
        console = self.console
        self.writer, self.pipeline, self.server = console.writer, console.pipeline, console.server
        self.ingest, self.triage, self.program = console.ingest, console.triage, console.program
        self.renderer, self.graphics, self.outputs = console.renderer, console.graphics, console.outputs
        self.actions, self.hub = console.actions, console.hub
        self.feed = CommentFeed(parent=self)
        self.feed.repeatsAdded.connect(self.repeatsAdded)  # counted in the feed's batches
        # Through a weak reference: a bound method would make session <-> pipeline a
        # cycle, and a cycle may be collected on the writer thread, where Qt cannot
        # destroy the session's timers.
        session = weakref.ref(self)

        def to_feed(comments: list[StoredComment]) -> None:
            alive = session()
            if alive is not None:
                alive._to_feed(comments)

        def show_event(event: ShowEvent) -> None:
            alive = session()
            if alive is not None:
                alive._show_event(event)

        self.pipeline.add_listener(to_feed)
        self.actions.add_listener(show_event)
        if self.triage is not None:
            self.triage.commentsTriaged.connect(self.commentsTriaged)
        # Issue 19: 24-hour answers (POST /api/v1/ask, /ask) when the server listens and triage
        # runs (the answers use its engine). Their questions are answered or flagged to the
        # experts through this console's actions (as ``auto-answer``), so the desk sees them.
        from videohelp.console.answer_actions import answer_actions
        from videohelp.console.pocket.answer_clips import answer_clips
        from videohelp.queue.answering.install import install_answers

        self.answers = (install_answers(self.server, self.pipeline, paths, settings,
                                        act=answer_actions(self.actions), session=self,
                                        ingest=self.ingest,
                                        clips=answer_clips(paths.database, settings))
                        if self.options.listen and self.options.triage else None)
        # 锦囊口袋 clips to program (take_clip / preview_clip / stop_clip): issue 18.
        from videohelp.console.pocket.air import PocketAir

        self.pocket = PocketAir(self)
        self.actions.clips = self.pocket  # seats' and the desk's ``take`` with a clip
        self._tasks: list[asyncio.Task] = []
        self._background: set[asyncio.Future] = set()
        self._rids = 0

    @property
    def catalog(self) -> Catalog:
        return self.console.catalog

    @property
    def on_air(self) -> StoredComment | None:
        """The comment on the Q&A layer (whoever put it there), or None."""
        return self.actions.on_air.get(DEFAULT_QA_LAYER)

    @property
    def server_error(self) -> str | None:
        return self.console.server_error

    @property
    def show_id(self) -> int | None:
        return self.console.show_id

    def experts_online(self) -> int:
        """Expert seats connected now."""
        return sum(role == Role.EXPERT.value for role in self.hub.online.values())

    def suggested_answers(self, comment: StoredComment) -> tuple[tuple[str, ...], str | None]:
        """Triage's knowledge-base answers for ``comment`` (entry ids, best first) and its item."""
        decision = self.triage.decision(comment.id) if self.triage is not None else None
        if decision is None:
            return (), comment.item
        return tuple(decision.answers), decision.item or comment.item

    def open_knowledge(self, parent: QObject | None = None) -> Any:
        """The studio's knowledge base for the desk's answer panel and knowledge dock: a
        ``KnowledgeService`` on its own thread (widgets never touch SQLite)."""
        from videohelp.console.knowledge_service import KnowledgeService

        return KnowledgeService.for_settings(self.paths.database, self.settings, parent=parent)

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Future:
        """Run a desk action in the background, keeping a reference until it ends."""
        task = asyncio.ensure_future(coro)
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        return task

    async def start(self) -> None:
        await self.console.start(tolerate_listen_error=True)
        await self._recover()
        if self.answers is not None:  # builds at the first question (503 until then)
            await self.answers.start(wait=False)
        if self.catalog != default_catalog():  # the studio's edits, read at start
            self.catalogChanged.emit(self.catalog)
        if self.options.demo:
            rate = self.options.comments_per_s or self.settings["demo.comments_per_s"]
            simulator = CommentSimulator(seed=self.options.seed)
            self._tasks.append(asyncio.get_running_loop().create_task(
                run_simulator(self.pipeline, simulator, rate, initial_burst=12), name="simulator"))
            try:  # the shipped example clips, so that the desk has some to suggest
                await self.pocket.seed_examples()
            except (OSError, sqlite3.Error, ValueError) as exc:
                log.error("example clips not loaded: %s", exc)

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()
        if self._background:
            await asyncio.wait(list(self._background), timeout=5.0)
        self.pocket.close()  # a clip on air: back to the source it interrupted
        if self.answers is not None:
            await self.answers.stop()
        await self.console.stop()

    # -- back on air after a crash (console.recovery) -----------------------------------------
    async def _recover(self) -> None:
        """After a crash: the show's comments back in the feed and the queue; then
        ``recovered`` (the desk restores its work and offers the cards for retake)."""
        from videohelp.console.recovery import comments_since

        recovery = self.console.recovery
        if recovery is None or not recovery.anything:
            return
        if recovery.crashed and recovery.previous_started_ms:
            try:
                comments = await self.pipeline.run_in_writer(comments_since,
                                                             recovery.previous_started_ms)
            except sqlite3.Error as exc:
                log.error("the show's comments could not be read back: %s", exc)
                comments = []
            if comments:
                self.feed.push(comments)
                self.commentsTriaged.emit([c for c in comments if c.is_question is not None])
        self.recovered.emit(recovery)

    async def retake_on_air(self) -> int:
        """The cards that were on air before the crash back on air, as this desk; how many
        (a refusal is told through ``actionFailed``)."""
        from videohelp.console.recovery import retake

        recovery = self.console.recovery
        if recovery is None or not recovery.cards:
            return 0
        done, refused = await retake(self.actions, self.actor, list(recovery.cards))
        for card in done:
            recovery.cards.remove(card)
        self.console.recorder.offer(recovery.cards)
        for _card, exc in refused:
            self.actionFailed.emit(self.user_message(exc))
        return len(done)

    def save_desk(self, work: dict[str, Any]) -> None:
        """The desk's unsent work (drafts, pins) into the show's state file."""
        self.console.recorder.set_desk(work)

    async def reload_catalog(self) -> Catalog:
        """Read the studio's catalog (call after an edit was saved); if it changed, cards
        rendered from now on use it and ``catalogChanged`` tells the desk's models.

        A card already on air keeps what it showed until it is updated or taken again.
        """
        try:
            changed = await self.console.reload_catalog()
        except (sqlite3.Error, CatalogError) as exc:  # keep showing with the catalog we have
            log.error("could not read the catalog: %s", exc)
            return self.catalog
        if changed:
            self.catalogChanged.emit(self.catalog)
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
            self.feed.push_repeats(counts)  # -> repeatsAdded with the feed's next batch

    def _show_event(self, event: ShowEvent) -> None:
        """What the show's actions did (the desk's, a seat's, the program's own) as signals."""
        if isinstance(event, CommentChanged):
            self.commentChanged.emit(event.comment)
            if event.refiled:
                self.commentsTriaged.emit([event.comment])
        elif isinstance(event, OnAirChanged) and event.layer == DEFAULT_QA_LAYER:
            self.onAirChanged.emit(event.comment)
        elif isinstance(event, AnswerAired):
            self.answerAired.emit(event.entry)
        elif isinstance(event, SourceChanged):
            self.sourceChanged.emit(event.source, event.kind)

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

    async def switch_source(self, spec: str) -> bool:
        """Cut the program to the source ``spec`` (``streaming.sources``, or ``whip``) through
        the show's ``source`` action, as this desk; False (and actionFailed) if refused."""
        return await self.act(self._request(Action.SOURCE, source=spec)) is not None

    def set_audio(self, spec: str) -> bool:
        """Switch the program's audio input (silent, auto, alsa:DEVICE); False if refused."""
        try:
            self.outputs.set_audio(spec)
        except AudioError as exc:
            self.actionFailed.emit(str(exc))
            return False
        return True

    # -- desk actions: requests to the show's action service as this desk's actor ---------------
    def qa_card(self, comment: StoredComment, answer: str = "", item: str = "") -> RenderedCard:
        """The question card for ``comment``: masked name and masked text only (a preview)."""
        data = {"question": comment.text_masked, "viewer": comment.user_name_masked}
        if answer:
            data["answer"] = answer
        if item:
            data["item"] = item
        return self.renderer.render("qa", data)

    async def act(self, request: Request) -> StoredComment | bool | None:
        """Do ``request`` as this desk; the comment it changed (True if none), or None (and
        ``actionFailed`` with the reason) if refused."""
        try:
            outcome = await self.actions.perform(self.actor, request)
        except ProtocolError as exc:
            log.info("desk action %s refused: %s", request.action.value, exc.message)
            self.actionFailed.emit(self.user_message(
                exc, request.item or source_name(request.source)))
            return None
        return outcome.comment if outcome.comment is not None else True

    def _request(self, action: Action, **fields: Any) -> Request:
        self._rids += 1
        return Request(action, f"desk-{self._rids}", **fields)

    async def take_clip(self, clip_id: int, item: str | None = None,
                        comment_id: int | None = None) -> bool:
        """A 锦囊口袋 clip to program as this desk; False (and actionFailed) if refused."""
        request = self._request(Action.TAKE, clip=clip_id, item=item, comment=comment_id)
        return await self.act(request) is not None

    async def take_question(self, comment: StoredComment, answer: str = "", item: str = "") -> bool:
        """Put ``comment`` on screen as a Q&A card; False (and actionFailed) if refused."""
        request = self._request(Action.TAKE, comment=comment.id, answer=answer, item=item or None,
                                template="qa", raw=dict(DESK_MOTION))
        return await self.act(request) is not None

    async def take_answer(self, comment: StoredComment, entry: Entry | None, answer: str, *,
                          officer_confirmed: bool) -> bool:
        """Put ``comment`` on screen with ``answer`` (from ``entry``, perhaps edited).

        A draft entry needs the officer's confirmation (``Action.CONFIRM``); the airing
        is counted against the entry. False (and actionFailed) if refused.
        """
        request = self._request(Action.TAKE, comment=comment.id, answer=answer, template="qa",
                                entry=entry.id if entry is not None else None,
                                item=entry.item if entry is not None else None,
                                confirm=officer_confirmed, raw=dict(DESK_MOTION))
        return await self.act(request) is not None

    async def change_state(self, comment: StoredComment, state: State,
                           detail: str = "") -> StoredComment | None:
        """Move ``comment`` to ``state`` (queued, flagged, dismissed, answered) through its
        action; None (and actionFailed) if refused."""
        if state == State.FLAGGED:
            request = self._request(Action.FLAG, comment=comment.id, note=detail)
        elif state in _STATE_ACTIONS:
            request = self._request(_STATE_ACTIONS[state], comment=comment.id)
        else:
            self.actionFailed.emit(self.user_message(ProtocolError(
                ErrorCode.BAD_STATE, f"no desk action moves a comment to {state.value}")))
            return None
        result = await self.act(request)
        return result if isinstance(result, StoredComment) else None

    async def clear_question(self) -> None:
        """Take the Q&A card off screen; the comment counts as answered."""
        if DEFAULT_QA_LAYER not in self.program.on_air():
            return  # nothing to take off (it went out by itself, or was never on)
        await self.act(self._request(Action.CLEAR, layer=DEFAULT_QA_LAYER, raw={"out": "cut"}))

    def panic(self) -> None:
        """Clear everything at once. Synchronous: the screen empties before any await."""
        try:
            self.actions.panic(self.actor)
        except ProtocolError as exc:
            self.actionFailed.emit(self.user_message(exc))

    async def refile(self, comment: StoredComment, item: str | None) -> StoredComment | None:
        """The officer files ``comment`` under ``item`` (None: chatter); triage learns it.

        The correction is stored, so it also holds after a restart. None (and
        actionFailed) if refused.
        """
        result = await self.act(self._request(Action.TRIAGE, comment=comment.id, item=item))
        return result if isinstance(result, StoredComment) else None


    def user_message(self, exc: ProtocolError, item: str = "") -> str:
        """A refused action as the desk shows it, in the interface's language."""
        from videohelp.console.action_messages import refusal_text

        action = exc.action.value if exc.action is not None else ""
        return refusal_text(exc.code, action, self.actor.role.value, item)
