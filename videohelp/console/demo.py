"""The demo plays itself until the operator touches something.

A newcomer (and ``--screenshot``) should see the whole path: comments arrive,
a question goes on screen, is cleared, the next one goes up.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections import deque
from collections.abc import Callable

from videohelp.console.session import ShowSession
from videohelp.core.roles import Action, allowed
from videohelp.queue.comments import State, StoredComment

log = logging.getLogger(__name__)

# Until triage has classified a comment, the demo picks ones that read as questions.
_QUESTION = re.compile(r"[?？吗呢]|怎么|怎样|如何|能不能|可不可以|要不要|多少|多久|哪|什么|几")

QuestionTest = Callable[[StoredComment], bool]


def looks_like_question(comment: StoredComment) -> bool:
    """Triage's decision where it has made one, else the regex's guess."""
    if comment.is_question is not None:
        return comment.is_question
    return bool(_QUESTION.search(comment.text)) and len(comment.text) >= 5


class DemoDirector:
    """Takes a question to screen every ``hold_s`` until ``stand_down`` is called."""

    def __init__(self, session: ShowSession, first_after_s: float, hold_s: float = 9.0,
                 is_question: QuestionTest = looks_like_question) -> None:
        self.session = session
        self.first_after_s = first_after_s
        self.hold_s = hold_s
        self.is_question = is_question
        self._recent: deque[StoredComment] = deque(maxlen=50)
        self._task: asyncio.Task[None] | None = None
        session.feed.commentsAdded.connect(self._remember)
        session.commentsTriaged.connect(self._triaged)

    def _triage_ready(self) -> bool:
        triage = getattr(self.session, "triage", None)
        return triage is not None and triage.is_ready

    def _remember(self, comments: list[StoredComment]) -> None:
        if self._triage_ready():
            return  # triage hands over its own decisions in a moment (_triaged)
        self._recent.extend(c for c in comments if not c.blocked and self.is_question(c))

    def _triaged(self, comments: list[StoredComment]) -> None:
        """Triage decided: its questions replace the regex's guesses about the same comments."""
        decided = {c.id for c in comments}
        kept = [c for c in self._recent if c.id not in decided]
        kept += [c for c in comments
                 if not c.blocked and c.repeat_of is None and self.is_question(c)]
        self._recent = deque(kept, maxlen=self._recent.maxlen)

    def start(self) -> None:
        """Start taking questions, if the desk's role may put them on air at all.

        A producer's demo desk would otherwise be refused every ``hold_s`` and show the
        refusal in its banner for an action its user never took.
        """
        role = self.session.actor.role
        if not allowed(role, Action.TAKE):
            log.info("demo director idle: the %s role may not put questions on air", role.value)
            return
        self._task = asyncio.get_event_loop().create_task(self._run(), name="demo-director")

    def stand_down(self) -> None:
        """The operator took over: stop acting on the desk's behalf."""
        if self._task is not None:
            self._task.cancel()
            self._task = None
            log.info("demo director stood down")

    @property
    def active(self) -> bool:
        return self._task is not None

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self) -> None:
        await asyncio.sleep(self.first_after_s)
        while True:
            comment = self._next()
            if comment is not None:
                await self.session.take_question(comment)
            await asyncio.sleep(self.hold_s)

    def _next(self) -> StoredComment | None:
        while self._recent:
            comment = self._recent.pop()
            if comment.state in (State.NEW, State.TRIAGED, State.QUEUED):
                return comment
        return None
