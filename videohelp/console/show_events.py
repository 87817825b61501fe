"""Who acts and what the show's actions report (pure data, no I/O).

Every action is done by an ``Actor``: a name (as the audit log and the events
show it) and a role (which the role table checks). The desk is an actor like
any seat: the officer, presenter or producer it was started as.

The action service reports each change once, as one of the events below, to
its listeners on the console's loop: the desk's session turns them into Qt
signals for the widgets, the seat hub into numbered seat events. ``by`` is the
actor's name ("auto" for a card that went out by itself).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from videohelp.core.roles import Role, parse_role
from videohelp.queue.comments import StoredComment
from videohelp.queue.seat_events import Answer, Question
from videohelp.streaming.cards import RenderedCard


class ClipRefused(RuntimeError):
    """A 锦囊口袋 clip could not be played; the text says why (the pocket's ``PocketError``)."""


@dataclass(frozen=True)
class Actor:
    """Who performs an action: ``name`` (audit, events) and ``role`` (the role table)."""

    name: str
    role: Role

    @classmethod
    def of(cls, name: str, role: Role | str) -> Actor:
        """``role`` may be its text ("producer"); ValueError for an unknown role."""
        return cls(name, parse_role(str(role)))


AUTO = "auto"  # ``by`` of changes nobody made now (a card's time on air ran out)


@dataclass(frozen=True)
class CommentChanged:
    """A comment's state or filing changed (``refiled``: a person filed it under ``item``)."""

    comment: StoredComment
    by: str
    item: str | None = None
    refiled: bool = False


@dataclass(frozen=True)
class QuestionFlagged:
    question: Question
    by: str


@dataclass(frozen=True)
class QuestionAnswered:
    answer: Answer
    by: str


@dataclass(frozen=True)
class OnAirChanged:
    """The comment shown on ``layer`` changed (None: no comment on it any more)."""

    layer: str
    comment: StoredComment | None
    by: str


@dataclass(frozen=True)
class CardsChanged:
    """A card went on air, was updated or went off (``kind`` as the program's events:
    take, update, clear, auto_out, panic); ``comment`` is the one it shows, if any."""

    kind: str
    layer: str
    card: RenderedCard | None
    by: str
    comment: int | None = None
    layers: tuple[str, ...] = ()  # panic: the layers it cleared


@dataclass(frozen=True)
class AnswerAired:
    """An answer went on air with a question: ``entry`` is its knowledge-base entry ("" for a
    free or an expert's answer)."""

    comment: int
    entry: str
    by: str


@dataclass(frozen=True)
class SourceChanged:
    """The program was cut to another source: ``source`` as people may see it (a stream URL
    without its key), ``kind`` its family (test, camera, file, clip, stream, whip)."""

    source: str
    kind: str
    by: str


ShowEvent = CommentChanged | QuestionFlagged | QuestionAnswered | OnAirChanged | CardsChanged \
    | AnswerAired | SourceChanged


@dataclass
class Outcome:
    """What an action did: for the caller's reply and the audit log."""

    target: str | None = None
    before: Any = None
    after: Any = None
    reply: dict[str, Any] = field(default_factory=dict)
    comment: StoredComment | None = None  # the comment as the action left it, if one
