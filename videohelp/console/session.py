"""A show session: the pipeline, the feed, the program engine and the desk's actions.

The session is the desk's model layer: it has no widgets, runs on the main
thread's asyncio loop (qasync), and every action it offers is what a seat or
a widget may call. Writes go through the pipeline's writer thread so that the
desk never waits on SQLite.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, Signal

from videohelp.console.paths import DataPaths
from videohelp.console.settings import Settings
from videohelp.queue.comments import State, StoredComment
from videohelp.queue.feed import CommentFeed
from videohelp.queue.persist import CommentWriter, set_state
from videohelp.queue.pipeline import IngestPipeline
from videohelp.queue.simulator import CommentSimulator, run_simulator
from videohelp.streaming.cards import CardRenderer, RenderedCard
from videohelp.streaming.program import ProgramEngine
from videohelp.streaming.sources import TestPatternSource

log = logging.getLogger(__name__)


@dataclass
class SessionOptions:
    demo: bool = False
    actor: str = "desk"
    seed: int | None = None
    comments_per_s: float | None = None
    tasks: list[asyncio.Task] = field(default_factory=list)


class ShowSession(QObject):
    """Everything a running show needs, without widgets.

    Signals:
        commentChanged(object): a ``StoredComment`` whose state changed.
        onAirChanged(object): the ``StoredComment`` now on the Q&A layer, or None.
        actionFailed(str): a desk action was refused or failed; the text says why.
    """

    commentChanged = Signal(object)
    onAirChanged = Signal(object)
    actionFailed = Signal(str)

    def __init__(self, paths: DataPaths, settings: Settings, options: SessionOptions | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.paths = paths
        self.settings = settings
        self.options = options or SessionOptions()
        self.writer = CommentWriter(paths.database, settings["ingest.blocklist"])
        self.pipeline = IngestPipeline(self.writer)
        self.feed = CommentFeed(parent=self)
        self.pipeline.add_listener(self.feed.push)
        width, height = settings["program.width"], settings["program.height"]
        self.renderer = CardRenderer(width, height)
        self.program = ProgramEngine(TestPatternSource(width, height), fps=settings["program.fps"],
                                     parent=self)
        self.on_air: StoredComment | None = None
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
        self.program.start()
        if self.options.demo:
            rate = self.options.comments_per_s or self.settings["demo.comments_per_s"]
            simulator = CommentSimulator(seed=self.options.seed)
            self._tasks.append(asyncio.get_running_loop().create_task(
                run_simulator(self.pipeline, simulator, rate, initial_burst=12), name="simulator"))

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()
        self.program.stop()
        await self.pipeline.stop()

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
        self.program.take("qa", card)
        previous, self.on_air = self.on_air, updated
        if previous is not None and previous.id != updated.id:
            await self._finish(previous)
        self.commentChanged.emit(updated)
        self.onAirChanged.emit(updated)
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

    async def _finish(self, comment: StoredComment) -> None:
        try:
            updated = await self.pipeline.run_in_writer(set_state, comment.id, State.ANSWERED,
                                                        self.options.actor)
        except Exception as exc:
            log.warning("could not mark %s answered: %s", comment.id, exc)
            return
        self.commentChanged.emit(updated)
