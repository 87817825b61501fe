"""The one hook through which consoles get 24-hour answers (issue 19).

``install_answers`` adds ``POST /api/v1/ask``, ``/api/v1/openapi.json`` and
``/ask`` to a ``ConsoleServer`` and returns an ``AnswerHook`` to start and stop
with it. What a settled question does next (marked answered, or flagged to the
experts) goes through the console's show actions: ``act`` is
``console.answer_actions.answer_actions(console.actions)`` on every console (the
desk, ``serve``, ``videohelp answer serve``), so the desk, the seats and the
audit log see it like any other action. With ``session=`` (the desk), questions
passed on while the desk was closed go into its queue at start
(``commentsTriaged``), which is how they reach the next show.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from videohelp.core.paths import DataPaths
from videohelp.core.server import ConsoleServer
from videohelp.queue.answering.answerer import ClipSource, no_clips
from videohelp.queue.answering.bridge_replies import BridgeReplies
from videohelp.queue.answering.clients import FILE_NAME, ClientRegistry
from videohelp.queue.answering.http import AskApi
from videohelp.queue.answering.service import Act, AnswerConfig, AnsweringService
from videohelp.queue.bridges.replies import ReplyRouter

log = logging.getLogger(__name__)


class AnswerHook:
    def __init__(self, service: AnsweringService, api: AskApi, session: Any = None,
                 replies: BridgeReplies | None = None) -> None:
        self.service = service
        self.api = api
        self.replies = replies
        self.session = session
        self._tasks: set[asyncio.Future] = set()

    async def start(self, *, wait: bool = True) -> None:
        """Build the engine now (``wait=True``), or at the first question (``wait=False``:
        a console that may never be asked does not spend seconds of CPU on it; the first
        callers get 503 with Retry-After while it builds). Questions passed on earlier go
        into the desk's queue either way."""
        if wait:
            await self.service.start()
        if self.session is not None:
            task = asyncio.ensure_future(self._earlier_questions())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        if self.replies is not None:
            await self.replies.stop()
        await self.service.stop()

    async def _earlier_questions(self) -> None:
        try:
            comments = await self.service.passed_on_questions()
        except Exception:
            log.exception("questions passed on earlier could not be read")
            return
        if comments:
            log.info("%d questions passed on by the answering service wait in the queue",
                     len(comments))
            self.session.commentsTriaged.emit(comments)


def install_answers(server: ConsoleServer, pipeline: Any, paths: DataPaths, settings: Any, *,
                    act: Act, session: Any = None, clips: ClipSource = no_clips,
                    clients: ClientRegistry | None = None, force: bool = False,
                    ingest: Any = None) -> AnswerHook | None:
    """Add the answering routes to ``server``; None when the setting turns them off.

    Clients come from ``answer-clients.json`` in the data directory and the
    environment (``VIDEOHELP_ANSWER_CLIENTS``); without any, every request gets 401.
    With ``ingest`` (the console's ``IngestHandler``), bridges that offer replies get
    off-air comments answered in place (``bridge_replies``).
    """
    if not force and not settings["answers.enabled"]:
        return None
    config = AnswerConfig.from_settings(settings)
    registry = clients or ClientRegistry.from_environment(paths.root / FILE_NAME)
    service = AnsweringService(paths.database, pipeline, config, clips=clips, act=act)
    api = AskApi(service, registry)
    api.install(server)
    replies = None
    if ingest is not None:
        router = ReplyRouter()
        ingest.replies = router
        replies = BridgeReplies(service, router)
        pipeline.add_listener(replies.submit)
    return AnswerHook(service, api, session=session, replies=replies)
