"""Off-air comments from bridges that reply are answered in place, by the same rules.

A pipeline listener: each new comment (not blocked) from a
platform whose bridge offered ``reply`` (``bridges/replies.py``) goes to the
answering service; when no show is on air and the service answers, the reply
goes back down that bridge's connection. A question it does not answer is
passed on to the studio as any other. Repeats are answered too (another viewer
asking the same deserves the answer as much), but each viewer at most as often
as the API's per-viewer limit allows, so a spam burst gets one reply. Platforms whose bridges did not opt in
are never answered here: ``ReplyRouter.can_reply`` is false for them.
"""

from __future__ import annotations

import asyncio
import logging
import time

from videohelp.queue.answering.limits import RateLimiter
from videohelp.queue.answering.service import AnsweringService
from videohelp.queue.bridges.replies import ReplyRouter, reply_json
from videohelp.queue.comments import State, StoredComment

log = logging.getLogger(__name__)


class BridgeReplies:
    def __init__(self, service: AnsweringService, router: ReplyRouter) -> None:
        self.service = service
        self.router = router
        config = service.config
        self.viewer_limit = RateLimiter(config.viewer_per_min / 60.0, config.viewer_burst,
                                        time.monotonic)
        self._tasks: set[asyncio.Task[None]] = set()
        self.replied = 0

    def submit(self, comments: list[StoredComment]) -> None:
        """Pipeline listener (on the loop)."""
        for comment in comments:
            if (not comment.blocked and comment.state == State.NEW
                    and not comment.msg_id.startswith("ask-")  # the API's own: settled there
                    and self.router.can_reply(comment.platform)
                    and not self.viewer_limit.take((comment.platform, comment.user_id))):
                task = asyncio.get_running_loop().create_task(self._answer(comment))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)

    async def _answer(self, comment: StoredComment) -> None:
        try:
            answer = await self.service.answer_stored(comment, f"bridge:{comment.platform}")
        except Exception:
            log.exception("comment %d could not be answered in place", comment.id)
            return
        if answer is None or not answer.answered:
            return
        if self.router.send(comment.platform, reply_json(comment.msg_id, answer.as_json())):
            self.replied += 1

    async def idle(self) -> None:
        """Wait until every comment handed over so far is answered or left alone."""
        while self._tasks:
            await asyncio.wait(list(self._tasks))

    async def stop(self) -> None:
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=5.0)
