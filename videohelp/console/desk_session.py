"""What the desk window depends on: one session interface, local or remote (issue 20).

The studio's ``MainWindow`` is built on a ``DeskSession``. Two implement it:

- ``console.session.ShowSession`` (``studio = True``): the console runs in this process; the
  desk's actions go to the show's action service (``ShowActions``) as the desk's actor.
- ``console.remote_session.RemoteDeskSession`` (``studio = False``): a console elsewhere,
  reached through the seat protocol (``/seat``, ``SeatLink``); the desk's actions are seat
  requests, which the console sends to the same ``ShowActions`` as that seat's actor.

Either way the role table decides and the audit log records; the window cannot tell the
difference except through ``studio`` (what needs the studio machine's own files and devices:
the knowledge-base editor, go-live outputs, the return monitor, the clip pocket, the daily
review; docs/desk.md, "Desks on other machines").

Signals (Qt ``SignalInstance``s; typed ``Any`` here: a Protocol cannot declare them):
    commentChanged(object), commentsTriaged(list), onAirChanged(object), actionFailed(str),
    repeatsAdded(dict), answerAired(str), catalogChanged(object): as ``ShowSession``'s.
    suggestionsReady(int): the suggested answers of that comment became known later than it
    was selected (a remote desk fetches them); the desk shows them if it is still selected.
``feed.commentsAdded(list)``, ``program.previewReady(object)`` (BGR frames),
``program.layersChanged(list)``, ``outputs.outputStateChanged(str, str, str)`` and
``outputs.outputStatsChanged(str, object)`` feed the models and monitors.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, Protocol

from videohelp.console.show_events import Actor
from videohelp.core.catalog import Catalog
from videohelp.core.knowledge import Entry
from videohelp.core.paths import DataPaths
from videohelp.core.settings import Settings
from videohelp.queue.comments import State, StoredComment
from videohelp.queue.feed import CommentFeed
from videohelp.queue.seat_protocol import Request
from videohelp.streaming.cards import CardRenderer, RenderedCard


class KnowledgeLookup(Protocol):
    """The part of ``console.knowledge_service.KnowledgeService`` the answer panel reads:
    ``cached`` entries at once, ``suggestions`` starts a fresh read (its request id, or None:
    nothing to follow) answered by ``suggestionsReady(id, Suggestions)`` or ``failed(id, …)``."""

    suggestionsReady: Any
    failed: Any

    def cached(self, ids: tuple[str, ...] | list[str]) -> list[Entry] | None: ...

    def suggestions(self, ids: tuple[str, ...] | list[str]) -> int | None: ...

    def close(self) -> None: ...


class DeskSession(Protocol):
    """The session a desk window works through (see the module docstring)."""

    studio: bool
    settings: Settings
    paths: DataPaths
    options: Any  # .actor (the person's name), .demo
    actor: Actor
    feed: CommentFeed
    program: Any  # previewReady, layersChanged, on_air(), layers(), fps
    outputs: Any  # outputStateChanged, outputStatsChanged
    renderer: CardRenderer
    ingest: Any  # .stats: platform -> connections and acked counts
    commentChanged: Any
    commentsTriaged: Any
    onAirChanged: Any
    actionFailed: Any
    repeatsAdded: Any
    answerAired: Any
    catalogChanged: Any
    suggestionsReady: Any

    @property
    def catalog(self) -> Catalog: ...

    @property
    def on_air(self) -> StoredComment | None: ...

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Future: ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    def experts_online(self) -> int: ...

    def suggested_answers(self, comment: StoredComment) -> tuple[tuple[str, ...], str | None]:
        """The knowledge-base entry ids to offer for ``comment`` (best first) and its item."""
        ...

    def open_knowledge(self, parent: Any = None) -> KnowledgeLookup: ...

    def qa_card(self, comment: StoredComment, answer: str = "", item: str = "") -> RenderedCard: ...

    async def act(self, request: Request) -> StoredComment | bool | None: ...

    async def take_question(self, comment: StoredComment, answer: str = "", item: str = "") -> bool: ...

    async def take_answer(self, comment: StoredComment, entry: Entry | None, answer: str, *,
                          officer_confirmed: bool) -> bool: ...

    async def take_clip(self, clip_id: int, item: str | None = None,
                        comment_id: int | None = None) -> bool: ...

    async def change_state(self, comment: StoredComment, state: State,
                           detail: str = "") -> StoredComment | None: ...

    async def clear_question(self) -> None: ...

    def panic(self) -> None: ...

    async def refile(self, comment: StoredComment, item: str | None) -> StoredComment | None: ...
