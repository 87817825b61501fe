"""What seats see (pure): the mirrored show state, numbered events, replay and snapshots.

The server keeps a ``SeatState``: recent comments, the questions flagged to the
experts with their answers, the cards on air and the seats online. Each
change returns an ``Event`` appended to the ``EventLog`` with the next
sequence number; a seat that reconnects with ``since=N`` gets the events after
N from the log, or a fresh snapshot if the log no longer reaches back that far
(or the server restarted: another ``epoch``). Nothing here does I/O.

Every event and snapshot exists in two views: with personal data (for the
officer) and masked (everyone else). Masked views carry only the masked name
and text; they never contain the originals. Each event's JSON is encoded once
per view, however many seats receive it.
"""

from __future__ import annotations

import secrets
import sys
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from videohelp.core.roles import Role, allowed_actions, receives, sees_personal
from videohelp.queue.comments import State, StoredComment
from videohelp.queue.masking import mask_text
from videohelp.queue.seat_protocol import encode

REPLAY_EVENTS = 10_000      # events kept for resuming seats ...
# ... and at most this many bytes of them. A comment.added event carries a whole
# commit round (up to 500 comments, in both views): ~1.3 kB of text per comment, so
# 10,000 events could hold ~6 GB (issue 17). 32 MB keeps ~12,000 comments of history,
# minutes of a busy show: a seat away longer gets a fresh snapshot.
REPLAY_BYTES = 32 * 1_048_576
RECENT_COMMENTS = 2_000     # comments the server mirrors
SNAPSHOT_COMMENTS = 500     # of which a snapshot carries the newest
KEPT_QUESTIONS = 500        # flagged questions (open and closed) kept for the experts


def comment_view(comment: StoredComment, personal: bool, item: str | None = None) -> dict[str, Any]:
    """A comment as a seat sees it: originals only if ``personal``."""
    view: dict[str, Any] = {
        "id": comment.id, "platform": comment.platform, "state": comment.state.value,
        "ts": comment.ts_ms, "received": comment.received_ms, "blocked": comment.blocked,
        "repeat_of": comment.repeat_of, "item": item if item is not None else comment.item,
        "is_question": comment.is_question, "confidence": comment.confidence,
        "viewer_masked": comment.user_name_masked, "text_masked": comment.text_masked,
    }
    if personal:
        view.update(viewer=comment.user_name, text=comment.text, user_id=comment.user_id)
    return view


@dataclass(frozen=True)
class Answer:
    """One expert's answer to one flagged question."""

    id: int
    comment: int
    expert: str
    text: str
    flagged_ms: int
    answered_ms: int
    kb_entry: str | None = None

    @property
    def flag_to_answer_ms(self) -> int:
        return self.answered_ms - self.flagged_ms

    def view(self, first: bool) -> dict[str, Any]:
        return {"id": self.id, "comment": self.comment, "expert": self.expert, "text": self.text,
                "flagged_ms": self.flagged_ms, "answered_ms": self.answered_ms,
                "flag_to_answer_ms": self.flag_to_answer_ms, "kb_entry": self.kb_entry,
                "first": first}


@dataclass
class Question:
    """A comment flagged to the experts: the studio's note, suggestions, the answers so far."""

    comment: StoredComment
    note: str
    flagged_by: str
    flagged_ms: int
    item: str | None = None
    suggestions: list[dict[str, Any]] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)

    @property
    def open(self) -> bool:
        return self.comment.state == State.FLAGGED

    def view(self, personal: bool) -> dict[str, Any]:
        first = self.answers[0] if self.answers else None
        return {
            "comment": comment_view(self.comment, personal, self.item),
            "note": self.note if personal else mask_text(self.note),
            "flagged_by": self.flagged_by, "flagged_ms": self.flagged_ms, "item": self.item,
            "open": self.open,
            "suggestions": [s for s in self.suggestions if s.get("kind") != "clip"],
            "clips": [s for s in self.suggestions if s.get("kind") == "clip"],  # 锦囊口袋
            # Both answers are kept; the first one received is the one shown.
            "answer": first.view(True) if first else None,
            "answers": [a.view(i == 0) for i, a in enumerate(self.answers)],
        }


class Event:
    """One numbered change, with its two views built and encoded lazily, once each.

    A comment batch's views (``comment.added``, ``comment.triaged``: a dictionary per
    comment and view) are built only when a seat, the replay log or a listener reads
    them: with no seat connected the desk's expert panel reads neither (it looks at
    ``comment_ids`` first), and building both views of every comment for nobody cost
    four dictionaries per comment at 300 comments/s.
    """

    __slots__ = ("__weakref__", "_build", "_encoded", "_views", "comment_ids", "name", "seq")

    def __init__(self, seq: int, name: str, personal: dict[str, Any] | None = None,
                 masked: dict[str, Any] | None = None, *,
                 build: Callable[[bool], dict[str, Any]] | None = None,
                 comment_ids: tuple[int, ...] = ()) -> None:
        if personal is None and build is None:
            raise ValueError("an event needs its data or a way to build it")
        self.seq = seq
        self.name = name
        self.comment_ids = comment_ids  # the comments a batch event is about
        self._views: dict[bool, dict[str, Any]] = {}
        if personal is not None:
            self._views[True] = personal
            self._views[False] = personal if masked is None else masked
        self._build = build
        self._encoded: dict[bool, str] = {}

    def __repr__(self) -> str:
        return f"Event(seq={self.seq}, name={self.name!r})"

    def view(self, personal: bool) -> dict[str, Any]:
        data = self._views.get(personal)
        if data is None:
            assert self._build is not None
            data = self._views[personal] = self._build(personal)
        return data

    @property
    def personal(self) -> dict[str, Any]:
        return self.view(True)

    @property
    def masked(self) -> dict[str, Any]:
        return self.view(False)

    def text(self, personal: bool) -> str:
        encoded = self._encoded.get(personal)
        if encoded is None:
            encoded = encode({"type": "event", "seq": self.seq, "name": self.name,
                              "data": self.view(personal)})
            self._encoded[personal] = encoded
        return encoded

    def text_for(self, role: Role) -> str:
        return self.text(sees_personal(role))


@dataclass(frozen=True, slots=True)
class LoggedEvent:
    """An event as the replay log keeps it: its two encoded views, no dictionaries."""

    seq: int
    name: str
    personal_text: str
    masked_text: str

    @property
    def size(self) -> int:
        """Bytes it holds (the masked view may be the personal one)."""
        size = sys.getsizeof(self.personal_text)
        if self.masked_text is not self.personal_text:
            size += sys.getsizeof(self.masked_text)
        return size + 120  # the object itself

    def text(self, personal: bool) -> str:
        return self.personal_text if personal else self.masked_text

    def text_for(self, role: Role) -> str:
        return self.text(sees_personal(role))


class EventLog:
    """Numbered events for resuming seats: the newest ``capacity``, at most ``max_bytes``.

    The log keeps each event's encoded text only (``LoggedEvent``), which is what a
    resuming seat is sent; the Event with its dictionaries goes to the listeners
    and is not retained here.
    """

    def __init__(self, capacity: int = REPLAY_EVENTS, epoch: str | None = None,
                 max_bytes: int = REPLAY_BYTES) -> None:
        self.capacity = capacity
        self.max_bytes = max_bytes
        self.epoch = epoch or secrets.token_hex(8)
        self._events: deque[LoggedEvent] = deque()
        self.bytes = 0
        self.last_seq = 0
        # Off while no seat could resume (none connected for a while, see SeatHub): events are
        # numbered but neither encoded nor kept, and a seat that comes back gets a snapshot.
        # Encoding every comment twice for nobody was the desk's largest cost per comment.
        self.recording = True

    def stop_recording(self) -> None:
        """Keep nothing from now on (until ``recording`` is set again): resumes need a snapshot."""
        self.recording = False
        self._events.clear()
        self.bytes = 0

    def append(self, name: str, personal: dict[str, Any], masked: dict[str, Any] | None = None) -> Event:
        self.last_seq += 1
        return self._log(Event(self.last_seq, name, personal, masked), masked is None)

    def append_built(self, name: str, build: Callable[[bool], dict[str, Any]],
                     comment_ids: tuple[int, ...] = ()) -> Event:
        """An event whose two views ``build(personal)`` makes when first read."""
        self.last_seq += 1
        return self._log(Event(self.last_seq, name, build=build, comment_ids=comment_ids), False)

    def _log(self, event: Event, one_view: bool) -> Event:
        if not self.recording:
            return event  # encoded only if someone asks for its text
        personal_text = event.text(True)
        # Encoded once here; the same strings go to every connected seat (Event caches them).
        masked_text = personal_text if one_view else event.text(False)
        if one_view:
            event._encoded[False] = personal_text
        logged = LoggedEvent(event.seq, event.name, personal_text, masked_text)
        self._events.append(logged)
        self.bytes += logged.size
        while self._events and (len(self._events) > self.capacity or self.bytes > self.max_bytes):
            self.bytes -= self._events.popleft().size
        return event

    @property
    def first_seq(self) -> int:
        return self._events[0].seq if self._events else self.last_seq + 1

    def since(self, seq: int, epoch: str | None = None) -> list[LoggedEvent] | None:
        """Events after ``seq``; None if a snapshot is needed instead (too old, or
        ``seq``/``epoch`` from another run of the server)."""
        if epoch is not None and epoch != self.epoch:
            return None
        if seq > self.last_seq or seq < self.first_seq - 1:
            return None
        start = seq - self.first_seq + 1
        return [self._events[i] for i in range(max(0, start), len(self._events))]


class SeatState:
    """The show as seats see it; each change returns the Event to send."""

    def __init__(self, log: EventLog | None = None) -> None:
        self.log = log or EventLog()
        self.comments: OrderedDict[int, StoredComment] = OrderedDict()
        self.items: dict[int, str] = {}
        self.questions: OrderedDict[int, Question] = OrderedDict()
        self.on_air: dict[str, dict[str, Any]] = {}
        self.seats: dict[str, tuple[str, int]] = {}  # name -> (role, connections)

    # -- comments ---------------------------------------------------------------------
    def _remember(self, comment: StoredComment) -> None:
        self.comments[comment.id] = comment
        self.comments.move_to_end(comment.id)
        while len(self.comments) > RECENT_COMMENTS:
            old, _ = self.comments.popitem(last=False)
            self.items.pop(old, None)
        question = self.questions.get(comment.id)
        if question is not None:
            question.comment = comment
            question.item = self.items.get(comment.id) or comment.item or question.item

    def item_of(self, comment_id: int) -> str | None:
        """The item a seat filed the comment under, else the one triage gave it."""
        item = self.items.get(comment_id)
        if item is None and comment_id in self.comments:
            item = self.comments[comment_id].item
        return item

    def comments_added(self, comments: Iterable[StoredComment]) -> Event | None:
        batch = list(comments)
        if not batch:
            return None
        for comment in batch:
            self._remember(comment)
        return self._comments_event("comment.added", batch)

    def comments_triaged(self, comments: Iterable[StoredComment]) -> Event | None:
        """Triage filed a batch (item, question or chatter, confidence): one event for all."""
        batch = list(comments)
        if not batch:
            return None
        for comment in batch:
            self.items.pop(comment.id, None)  # triage's word is the latest: a re-filing included
            self._remember(comment)
        return self._comments_event("comment.triaged", batch)

    def _comments_event(self, name: str, batch: list[StoredComment]) -> Event:
        # The items as filed now: a later filing must not change what this event said.
        items = [self.item_of(c.id) for c in batch]
        return self.log.append_built(
            name, lambda personal: {"comments": [comment_view(c, personal, item)
                                                 for c, item in zip(batch, items, strict=True)]},
            tuple(c.id for c in batch))

    def comment_changed(self, comment: StoredComment, item: str | None = None,
                        by: str | None = None) -> list[Event]:
        """The comment's event (``by``: who changed it), and ``question.closed``/
        ``question.reopened`` when a flagged question leaves (or re-enters) the experts' list:
        experts get no comment events."""
        if item is not None:
            self.items[comment.id] = item
            if comment.id in self.questions:
                self.questions[comment.id].item = item
        question = self.questions.get(comment.id)
        was_open = question.open if question is not None else None
        self._remember(comment)
        item = self.item_of(comment.id)
        who = {"by": by} if by else {}
        events = [self.log.append("comment.changed",
                                  {"comment": comment_view(comment, True, item), **who},
                                  {"comment": comment_view(comment, False, item), **who})]
        if question is not None and question.open != was_open:
            name = "question.reopened" if question.open else "question.closed"
            events.append(self.log.append(name, {"comment": comment.id, "state": comment.state.value,
                                                 **who}))
        return events

    # -- the expert group ---------------------------------------------------------------
    def flagged(self, question: Question) -> Event:
        if question.item is None:
            question.item = self.item_of(question.comment.id)
        self._remember(question.comment)
        self.questions[question.comment.id] = question
        self.questions.move_to_end(question.comment.id)
        while len(self.questions) > KEPT_QUESTIONS:
            self.questions.popitem(last=False)
        return self.log.append("question.flagged", {"question": question.view(True)},
                               {"question": question.view(False)})

    def answered(self, answer: Answer) -> Event:
        question = self.questions.get(answer.comment)
        if question is not None and all(a.id != answer.id for a in question.answers):
            question.answers.append(answer)
        first = question is None or question.answers[0].id == answer.id
        data = {"comment": answer.comment, "answer": answer.view(first), "first": first}
        return self.log.append("question.answered", data)

    # -- cards and seats -------------------------------------------------------------------
    def card_on_air(self, layer: str, template: str, data: dict[str, Any], by: str,
                    comment: int | None = None) -> Event:
        self.on_air[layer] = {"template": template, "data": data, "comment": comment}
        return self.log.append("card.on_air", {"layer": layer, "template": template, "data": data,
                                               "comment": comment, "by": by})

    def cards_cleared(self, layers: list[str], by: str, panic: bool = False) -> Event:
        for layer in layers:
            self.on_air.pop(layer, None)
        return self.log.append("card.cleared", {"layers": layers, "panic": panic, "by": by})

    def seat_joined(self, name: str, role: Role) -> Event | None:
        _, count = self.seats.get(name, (role.value, 0))
        self.seats[name] = (role.value, count + 1)
        if count:
            return None  # the same seat twice (a second window): one "joined"
        return self.log.append("seat.joined", {"name": name, "role": role.value})

    def seat_left(self, name: str) -> Event | None:
        role, count = self.seats.get(name, ("", 0))
        if count > 1:
            self.seats[name] = (role, count - 1)
            return None
        if name not in self.seats:
            return None
        del self.seats[name]
        return self.log.append("seat.left", {"name": name, "role": role})

    # -- snapshots ---------------------------------------------------------------------------
    def snapshot(self, name: str, role: Role) -> dict[str, Any]:
        """Everything a seat of ``role`` needs to draw its screen, as of ``log.last_seq``."""
        personal = sees_personal(role)
        snapshot: dict[str, Any] = {
            "type": "snapshot", "seq": self.log.last_seq, "epoch": self.log.epoch,
            "seat": {"name": name, "role": role.value}, "actions": allowed_actions(role),
            "personal": personal,
            "questions": [q.view(personal) for q in self.questions.values()],
            "on_air": {layer: dict(card) for layer, card in self.on_air.items()},
            "seats": [{"name": seat, "role": r} for seat, (r, _) in sorted(self.seats.items())],
        }
        if receives(role, "comment.added"):
            recent = list(self.comments.values())[-SNAPSHOT_COMMENTS:]
            snapshot["comments"] = [comment_view(c, personal, self.item_of(c.id)) for c in recent]
        return snapshot
