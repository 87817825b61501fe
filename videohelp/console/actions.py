"""The show's actions: the one implementation of every change to a comment or the program.

``ShowActions.perform(actor, request)`` is the only way a comment's state, its
filing, an expert flag or answer, or a card on air changes: the desk (through
``ShowSession``), the seats (through ``SeatHub``), the control CLI (a seat) and
automation all call it. Each call:

1. asks the role table (``roles.allowed``) whether the actor's role may do it
   (``confirm`` on a take needs ``Action.CONFIRM`` too);
2. checks everything that can be checked before anything changes (cards are
   rendered, transitions and drafts checked), so a refused action changes
   nothing and raises ``ProtocolError`` with the code and the reason;
3. does it: the store through the pipeline's writer thread
   (``show_store``), the program through its card control, both with the
   actor's name;
4. reports each change once to its listeners (``show_events``), and
5. records it, allowed or refused, in the audit log with the actor's name and role.

The service keeps the one map of which comment each layer shows
(``on_air``). Program events made without it (a card's time on air ran out)
reach it on the console's loop through ``handoff.on_loop``.

``source`` cuts the program to another source (``streaming.source_switch``).

To add an action: a value in ``roles.Action`` with its row in the role table,
its request fields and validator in ``seat_protocol``, and a method
``_do_<action>(self, actor, request) -> Outcome`` here.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import replace
from typing import Any, Protocol

from videohelp.console import show_store
from videohelp.console.show_events import (
    AUTO,
    Actor,
    AnswerAired,
    CardsChanged,
    ClipRefused,
    CommentChanged,
    OnAirChanged,
    Outcome,
    QuestionAnswered,
    QuestionFlagged,
    ShowEvent,
    SourceChanged,
)
from videohelp.core import seats as registry
from videohelp.core.handoff import on_loop
from videohelp.core.knowledge import (
    SHORT_ANSWER_MAX,
    Entry,
    KnowledgeError,
    NotAirableError,
    check_airable,
    record_on_air,
)
from videohelp.core.roles import Action, allowed
from videohelp.queue import experts
from videohelp.queue.comments import State, StoredComment
from videohelp.queue.pipeline import IngestPipeline
from videohelp.queue.seat_events import Answer, Question
from videohelp.queue.seat_protocol import DEFAULT_QA_LAYER, ErrorCode, ProtocolError, Request
from videohelp.queue.states import TransitionError, check_transition
from videohelp.queue.triage.engine import Correction
from videohelp.queue.triage.storage import CHATTER
from videohelp.streaming.cards import RenderedCard
from videohelp.streaming.control import CardControl
from videohelp.streaming.program import ProgramEvent
from videohelp.streaming.source_switch import ProgramSource, shown_source
from videohelp.streaming.sources import SourceError

log = logging.getLogger(__name__)

Listener = Callable[[ShowEvent], None]
Suggest = Callable[..., list[dict[str, Any]]]
MOTION_FIELDS = ("transition", "out", "seconds", "duration_s")  # passed through to CardControl
_STATE_ACTIONS = {Action.QUEUE: State.QUEUED, Action.DISMISS: State.DISMISSED}


def card_view(card: RenderedCard | None) -> dict[str, Any] | None:
    return None if card is None else {"template": card.template, "data": card.data}


class ClipPlayer(Protocol):
    """What plays a 锦囊口袋 clip to program (``console.pocket.air.PocketAir``)."""

    async def take_clip(self, clip_id: int, *, actor: str, item: str | None = None,
                        comment_id: int | None = None) -> Any: ...


class ShowActions:
    """Every show action on one console. Runs on the loop that owns ``pipeline``.

    ``cards`` is the program's card control (templates, motion, automatic outs);
    ``learn`` teaches a running triage engine a re-filing at once; ``suggest``
    finds knowledge-base answers for flagged questions; ``qa_duration_s`` (> 0)
    sends question cards out by themselves after that long.
    """

    def __init__(self, pipeline: IngestPipeline, cards: CardControl, *,
                 learn: Callable[[Correction], Any] | None = None,
                 suggest: Suggest | None = show_store.kb_suggestions,
                 qa_duration_s: float = 0.0) -> None:
        self.pipeline = pipeline
        self.cards = cards
        self.program = cards.engine
        self.renderer = cards.renderer
        self.learn = learn
        self.suggest = suggest
        self.qa_duration_s = qa_duration_s
        # 锦囊口袋 clips to program (issue 18): the desk's pocket (``PocketAir``), which
        # plays a clip with its title card and sound and returns to the source it cut from.
        self.clips: ClipPlayer | None = None
        # The program's source switcher (``source``): set by the wiring, which owns the outputs.
        self.sources: ProgramSource | None = None
        self.on_air: dict[str, StoredComment] = {}  # layer -> the comment it shows
        self._listeners: list[Listener] = []
        self._background: set[asyncio.Future] = set()
        self._program_listener: Callable[[ProgramEvent], None] | None = None

    # -- lifecycle and listeners ------------------------------------------------------------------
    def start(self) -> None:
        """Follow the program's own changes (automatic outs); call on the console's loop."""
        if self._program_listener is None:
            self._program_listener = on_loop(self._program_event)
            self.program.add_listener(self._program_listener)

    async def stop(self) -> None:
        if self._program_listener is not None:
            self.program.remove_listener(self._program_listener)
            self._program_listener = None
        if self._background:
            await asyncio.wait(list(self._background), timeout=5.0)

    def add_listener(self, listener: Listener) -> None:
        """Call ``listener(event)`` on the loop for every change an action makes."""
        self._listeners.append(listener)

    def remove_listener(self, listener: Listener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def _publish(self, event: ShowEvent) -> None:
        for listener in list(self._listeners):
            listener(event)  # a failing listener is a bug: it reaches the loop's crash handler

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Future:
        task = asyncio.ensure_future(coro)
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        return task

    # -- the one entry ----------------------------------------------------------------------------
    def check(self, actor: Actor, request: Request) -> None:
        """Raise ``ProtocolError(FORBIDDEN)`` unless the role table lets ``actor`` do ``request``."""
        refused = None
        if not allowed(actor.role, request.action):
            refused = ProtocolError(ErrorCode.FORBIDDEN, f"role {actor.role.value} may not "
                                    f"{request.action.value}", request.rid)
        elif request.action == Action.CONFIRM and not allowed(actor.role, Action.TAKE):
            refused = ProtocolError(ErrorCode.FORBIDDEN, f"role {actor.role.value} may not take",
                                    request.rid)
        elif request.confirm and not allowed(actor.role, Action.CONFIRM):
            refused = ProtocolError(ErrorCode.FORBIDDEN, f"role {actor.role.value} may not confirm "
                                    "a draft answer for air; only the officer may", request.rid)
        if refused is not None:
            refused.action = Action.CONFIRM if request.confirm else request.action
            raise refused

    async def perform(self, actor: Actor, request: Request) -> Outcome:
        """Do ``request`` as ``actor``, audited; raise ``ProtocolError`` if refused."""
        target = str(request.comment) if request.comment is not None \
            else request.layer or shown_source(request.source) or None
        try:
            self.check(actor, request)
            outcome = await getattr(self, f"_do_{request.action.value}")(actor, request)
        except ProtocolError as exc:
            exc.rid = exc.rid or request.rid
            exc.action = exc.action or request.action
            await self.audit(actor, request.action.value, request.rid, target, exc.code.value)
            raise
        except Exception:
            await self.audit(actor, request.action.value, request.rid, target, "internal")
            raise
        await self.audit(actor, request.action.value, request.rid, outcome.target, "ok",
                         outcome.before, outcome.after)
        return outcome

    async def perform_many(self, actor: Actor, requests: Sequence[Request]
                           ) -> list[Outcome | ProtocolError]:
        """``perform`` for many ``mark_answered`` and ``flag`` requests of one actor, their
        writes and audit rows in one transaction: automation acting at volume (the answering
        service, hundreds a second) pays one commit per batch instead of two or three per
        action (1.4 ms each here, fsync). Each is checked by the role table and the state
        machine, audited and reported as ``perform`` does; a refused one changes nothing and
        comes back as its ``ProtocolError``."""
        results: list[Outcome | ProtocolError | None] = []
        allowed_now: list[Request] = []
        for r in requests:
            if r.action not in (Action.MARK_ANSWERED, Action.FLAG) or r.comment is None:
                raise ValueError(f"perform_many does comment actions only, not {r.action.value}")
            try:
                self.check(actor, r)
            except ProtocolError as exc:
                await self.audit(actor, r.action.value, r.rid, str(r.comment), exc.code.value)
                results.append(exc)
                continue
            allowed_now.append(r)
            results.append(None)
        done = await self.pipeline.run_in_writer(show_store.comment_actions, actor.name,
                                                 actor.role.value, allowed_now, self.suggest)
        outcomes = iter(zip(allowed_now, done, strict=True))
        for i, result in enumerate(results):
            if result is not None:
                continue
            r, one = next(outcomes)
            if isinstance(one, Exception):
                code = ErrorCode.NOT_FOUND if isinstance(one, KeyError) else ErrorCode.BAD_STATE
                results[i] = ProtocolError(code, str(one).strip("'\""), r.rid)
                continue
            self._changed(one.after, actor.name)
            after: dict[str, Any] = {"state": one.after.state.value}
            if one.flag is not None:
                self._publish(QuestionFlagged(Question(one.after, r.note, actor.name,
                                                       one.flag.flagged_ms, one.item,
                                                       one.suggestions), actor.name))
                after.update(note=r.note, flag=one.flag.id)
            results[i] = Outcome(str(r.comment), {"state": one.before.state.value}, after,
                                 comment=one.after)
        return [result for result in results if result is not None]

    def panic(self, actor: Actor, rid: str = "panic") -> None:
        """Everything off air now, synchronously (the screen is empty before any await);
        the comments shown count as answered and the audit follows in the background."""
        request = Request(Action.PANIC, rid)
        try:
            self.check(actor, request)
        except ProtocolError as exc:
            self.spawn(self.audit(actor, "panic", rid, "*", exc.code.value))
            raise
        before, shown = self._panic_now(actor)
        self.spawn(self._after_panic(actor, rid, before, shown))

    async def audit(self, actor: Actor, action: str, rid: str | None, target: str | None,
                    outcome: str, before: Any = None, after: Any = None) -> None:
        """One audit row (seat = the actor's name); a failed audit is logged, not raised: the
        action has happened (or been refused) either way."""
        try:
            await self.pipeline.run_in_writer(registry.audit, actor.name, actor.role.value, action,
                                              rid, target, outcome, before, after)
        except sqlite3.Error:
            log.exception("audit of %s by %s failed", action, actor.name)

    async def _writer(self, func: Callable[..., Any], *args: Any) -> Any:
        """Run ``func`` on the writer thread; the store's refusals become ``ProtocolError``."""
        try:
            return await self.pipeline.run_in_writer(func, *args)
        except KeyError as exc:
            raise ProtocolError(ErrorCode.NOT_FOUND, str(exc).strip("'\"")) from None
        except TransitionError as exc:
            raise ProtocolError(ErrorCode.BAD_STATE, str(exc)) from None
        except experts.NotFlaggedError as exc:
            raise ProtocolError(ErrorCode.NOT_FLAGGED, str(exc)) from None

    def _changed(self, comment: StoredComment, by: str, item: str | None = None,
                 refiled: bool = False) -> None:
        for layer, shown in self.on_air.items():
            if shown.id == comment.id:
                self.on_air[layer] = comment
        self._publish(CommentChanged(comment, by, item, refiled))

    # -- comments and the expert group ------------------------------------------------------------
    async def _do_flag(self, actor: Actor, r: Request) -> Outcome:
        assert r.comment is not None
        before, after, flag, item = await self._writer(experts.flag_question, r.comment, r.note,
                                                        actor.name)
        suggestions = await self.suggestions(after.text_masked, item)
        self._changed(after, actor.name)
        self._publish(QuestionFlagged(Question(after, r.note, actor.name, flag.flagged_ms, item,
                                               suggestions), actor.name))
        return Outcome(str(r.comment), {"state": before.state.value},
                       {"state": after.state.value, "note": r.note, "flag": flag.id}, comment=after)

    async def suggestions(self, text: str, item: str | None) -> list[dict[str, Any]]:
        """Knowledge-base answers for a flagged question; none if the base cannot say (the
        base is a help for the experts: a flag never fails on it)."""
        if self.suggest is None:
            return []
        try:
            return await self.pipeline.run_in_writer(self.suggest, text, item)
        except (KnowledgeError, sqlite3.Error):
            log.exception("knowledge-base suggestions failed")
            return []

    async def _do_answer(self, actor: Actor, r: Request) -> Outcome:
        assert r.comment is not None
        comment = await self._writer(experts.get_comment, r.comment)
        draft = None
        if r.save_kb:
            item = r.item or comment.item
            if not item:
                raise ProtocolError(ErrorCode.UNKNOWN_ITEM, "saving to the knowledge base needs the "
                                    "question's item: send 'item'", r.rid)
            self._check_item(item, r.rid)
            draft = {"item": item, "question": comment.text_masked}
        try:
            answer, first = await self._writer(experts.record_answer, r.comment, actor.name, r.text,
                                               draft)
        except ValueError as exc:  # the knowledge base refused the draft; nothing was stored
            raise ProtocolError(ErrorCode.BAD_REQUEST, f"knowledge base: {exc}", r.rid) from None
        self._publish(QuestionAnswered(answer, actor.name))
        return Outcome(str(r.comment), None, {"answer": answer.id, "text": r.text, "first": first,
                                              "kb_entry": answer.kb_entry},
                       reply={"answer_id": answer.id, "first": first, "kb_entry": answer.kb_entry},
                       comment=comment)

    def _check_item(self, item: str, rid: str | None) -> None:
        if item not in self.renderer.catalog:
            raise ProtocolError(ErrorCode.UNKNOWN_ITEM, f"unknown business item {item!r}", rid)

    async def _do_triage(self, actor: Actor, r: Request) -> Outcome:
        """Re-file a comment under ``item`` (None: chatter, not a question)."""
        assert r.comment is not None
        if r.item is not None:
            self._check_item(r.item, r.rid)
        before, after, old_item = await self._writer(show_store.triage_comment, r.comment, r.item,
                                                     actor.name)
        if self.learn is not None:  # a running engine learns it now; engines built later read it
            self.learn(Correction(after.text, r.item or CHATTER))
        self._changed(after, actor.name, r.item, refiled=True)
        return Outcome(str(r.comment), {"state": before.state.value, "item": old_item},
                       {"state": after.state.value, "item": r.item}, comment=after)

    async def _set_state(self, actor: Actor, r: Request) -> Outcome:
        assert r.comment is not None
        before, after = await self._writer(show_store.move, r.comment, _STATE_ACTIONS[r.action],
                                           actor.name)
        self._changed(after, actor.name)
        return Outcome(str(r.comment), {"state": before.state.value}, {"state": after.state.value},
                       comment=after)

    _do_queue = _do_dismiss = _set_state

    async def _do_mark_answered(self, actor: Actor, r: Request) -> Outcome:
        """Closed without airing it, also straight from the feed (the answering service's
        automatic answers); ``note`` goes to the comment's history (which entry answered)."""
        assert r.comment is not None
        before, after = await self._writer(show_store.close_answered, r.comment, actor.name,
                                           r.note)
        self._changed(after, actor.name)
        return Outcome(str(r.comment), {"state": before.state.value}, {"state": after.state.value},
                       comment=after)

    async def _do_confirm(self, actor: Actor, r: Request) -> Outcome:
        """The officer confirms a draft answer for air: the take, confirmed."""
        return await self._do_take(actor, replace(r, confirm=True))

    # -- cards ------------------------------------------------------------------------------------
    def _cards_do(self, actor: Actor, message: dict[str, Any], rid: str | None) -> dict[str, Any]:
        """A card request through the program's card control: the same templates, transitions
        and automatic outs as ``videohelp card``; the actor's name goes with the change."""
        reply = self.cards.handle({**message, "rid": rid}, by=actor.name)
        if reply["type"] == "error":
            code = reply["code"] if reply["code"] in ErrorCode.__members__.values() else ErrorCode.INTERNAL
            raise ProtocolError(ErrorCode(code), reply["message"], rid)
        return {k: v for k, v in reply.items() if k not in ("type", "rid")}

    def _card_event(self, kind: str, layer: str, by: str, comment: int | None = None) -> None:
        self._publish(CardsChanged(kind, layer, self.program.on_air().get(layer), by, comment))

    async def _do_take(self, actor: Actor, r: Request) -> Outcome:
        if r.clip is not None:
            return await self._take_clip(actor, r)
        layer = r.layer or DEFAULT_QA_LAYER
        before = card_view(self.program.on_air().get(layer))
        motion = {k: r.raw[k] for k in MOTION_FIELDS if k in r.raw}
        if r.comment is None:
            reply = self._cards_do(actor, {**r.raw, "type": "take", "layer": layer,
                                           "template": r.template, "data": r.data}, r.rid)
            self._card_event("take", layer, actor.name)
            await self._release(layer, None, actor)
            return Outcome(layer, before, card_view(self.program.on_air().get(layer)), reply=reply)
        comment = await self._writer(experts.get_comment, r.comment)
        if comment.blocked or comment.state == State.BLOCKED:
            raise ProtocolError(ErrorCode.BLOCKED, "a blocked comment never goes on air", r.rid)
        if comment.state != State.ON_AIR:
            try:
                check_transition(comment.state, State.ON_AIR)
            except TransitionError as exc:
                raise ProtocolError(ErrorCode.BAD_STATE, str(exc), r.rid) from None
        entry = await self._airable_entry(r)
        item = r.item or (entry.item if entry is not None else None) or comment.item
        if item:
            self._check_item(item, r.rid)
        template, data, answer = await self._comment_card(comment, r, item)
        if template == "qa" and self.qa_duration_s > 0 and "duration_s" not in motion:
            motion["duration_s"] = self.qa_duration_s
        reply = self._cards_do(actor, {"type": "take", "layer": layer, "template": template,
                                       "data": data, **motion}, r.rid)
        self._card_event("take", layer, actor.name, comment.id)
        if comment.state != State.ON_AIR:
            try:
                _, comment = await self._writer(show_store.move, comment.id, State.ON_AIR, actor.name)
            except ProtocolError:  # changed meanwhile by someone else: take the card back off
                self.program.clear(layer, by=actor.name)
                self._publish(CardsChanged("clear", layer, None, actor.name))
                raise
        await self._release(layer, comment, actor)
        self.on_air[layer] = comment
        self._changed(comment, actor.name)
        self._publish(OnAirChanged(layer, comment, actor.name))
        if answer is not None:
            await self.pipeline.run_in_writer(experts.mark_aired, answer.id, data["answer"], actor.name)
        if entry is not None:
            await self._count_airing(entry.id, actor, r.confirm)
        if template == "qa" and data.get("answer"):
            self._publish(AnswerAired(comment.id, entry.id if entry is not None else "", actor.name))
        after = card_view(self.program.on_air().get(layer)) or {}
        return Outcome(layer, before, {**after, "comment": comment.id, "entry": r.entry,
                                       "answer_id": answer.id if answer else None},
                       reply=reply, comment=comment)

    async def _take_clip(self, actor: Actor, r: Request) -> Outcome:
        """A 锦囊口袋 clip to program (``take`` with ``clip``)."""
        assert r.clip is not None
        if self.clips is None:
            raise ProtocolError(ErrorCode.BAD_REQUEST, "clips play on a desk's program; this "
                                "console runs none", r.rid)
        if r.item:
            self._check_item(r.item, r.rid)
        try:
            clip = await self.clips.take_clip(r.clip, actor=actor.name, item=r.item,
                                              comment_id=r.comment)
        except ClipRefused as exc:
            code = ErrorCode.NOT_FOUND if "no clip" in str(exc) else ErrorCode.BAD_REQUEST
            raise ProtocolError(code, str(exc), r.rid) from None
        return Outcome(f"clip:{clip.id}", None, {"clip": clip.id, "title": clip.title},
                       reply={"clip": clip.id, "title": clip.title, "duration_s": clip.duration_s})

    async def _airable_entry(self, r: Request) -> Entry | None:
        """The knowledge-base entry of a take (None without one); refused if it may not air."""
        if r.entry is None:
            return None
        entry = await self.pipeline.run_in_writer(show_store.entry_of, r.entry)
        if entry is None:
            raise ProtocolError(ErrorCode.NOT_FOUND, f"no knowledge entry {r.entry!r}", r.rid)
        try:
            check_airable(entry, r.confirm)
        except NotAirableError as exc:
            code = ErrorCode.DRAFT if entry.is_draft else ErrorCode.BAD_TEXT
            raise ProtocolError(code, str(exc), r.rid) from None
        return entry

    async def _count_airing(self, entry_id: str, actor: Actor, confirmed: bool) -> None:
        """Count the airing against the entry (bookkeeping: the card is on air already)."""
        try:
            await self.pipeline.run_in_writer(self._record_airing, entry_id, actor.name, confirmed)
        except (KnowledgeError, sqlite3.Error) as exc:
            log.warning("airing of %s not counted: %s", entry_id, exc)

    @staticmethod
    def _record_airing(store: Any, entry_id: str, actor: str, confirmed: bool) -> int:
        return record_on_air(store, entry_id, actor, confirmed_by_officer=confirmed)

    async def _comment_card(self, comment: StoredComment, r: Request, item: str | None
                            ) -> tuple[str, dict[str, Any], Answer | None]:
        """The card for a comment: a Q&A card, or an expert's answer (masked question only)."""
        template = r.template or ("expert" if r.answer_id is not None else "qa")
        data: dict[str, Any] = {"question": comment.text_masked}
        if item:
            data["item"] = item
        answer = None
        if template == "qa":
            data["viewer"] = comment.user_name_masked
            if r.answer:
                if len(r.answer) > SHORT_ANSWER_MAX:
                    raise ProtocolError(ErrorCode.BAD_TEXT, "on-air answer longer than "
                                        f"{SHORT_ANSWER_MAX} characters", r.rid)
                data["answer"] = r.answer
        elif template == "expert":
            if r.answer_id is not None:
                answer = await self.pipeline.run_in_writer(experts.get_answer, r.answer_id)
                if answer is None or answer.comment != comment.id:
                    raise ProtocolError(ErrorCode.NOT_FOUND,
                                        f"no answer {r.answer_id} to comment {comment.id}", r.rid)
            text = r.answer or (answer.text if answer else "")
            if not text:
                raise ProtocolError(ErrorCode.BAD_REQUEST, "an expert card needs 'answer' or "
                                    "'answer_id'", r.rid)
            data.update({"answer": text, "name": answer.expert if answer else "专家组"})
            data.update({k: v for k, v in r.data.items() if k in ("name", "role", "label")})
        else:
            raise ProtocolError(ErrorCode.BAD_CARD, "a comment goes on air as a 'qa' or 'expert' card",
                                r.rid)
        return template, data, answer

    async def _release(self, layer: str, keep: StoredComment | None, actor: Actor | None) -> None:
        """The comment that was on ``layer`` (if another) counts as answered."""
        previous = self.on_air.pop(layer, None)
        if previous is None or (keep is not None and previous.id == keep.id):
            if previous is not None:
                self.on_air[layer] = previous
            return
        by = actor.name if actor is not None else AUTO
        if keep is None:
            self._publish(OnAirChanged(layer, None, by))
        await self._finish(previous, by)

    async def _finish(self, comment: StoredComment, by: str) -> None:
        """A comment that was on air counts as answered."""
        try:
            _, done = await self.pipeline.run_in_writer(show_store.move, comment.id, State.ANSWERED, by)
        except (KeyError, TransitionError) as exc:  # answered meanwhile another way
            log.info("could not mark %d answered: %s", comment.id, exc)
            return
        self._changed(done, by)

    async def _do_update(self, actor: Actor, r: Request) -> Outcome:
        layer = r.layer or DEFAULT_QA_LAYER
        before = card_view(self.program.on_air().get(layer))
        message = {**r.raw, "type": "update", "layer": layer, "data": r.data}
        if r.template is not None:
            message["template"] = r.template
        reply = self._cards_do(actor, message, r.rid)
        shown = self.on_air.get(layer)
        self._card_event("update", layer, actor.name, shown.id if shown else None)
        return Outcome(layer, before, card_view(self.program.on_air().get(layer)), reply=reply)

    async def _do_clear(self, actor: Actor, r: Request) -> Outcome:
        layer = r.layer or DEFAULT_QA_LAYER
        before = card_view(self.program.on_air().get(layer))
        reply = self._cards_do(actor, {**r.raw, "type": "clear", "layer": layer}, r.rid)
        self._publish(CardsChanged("clear", layer, None, actor.name))
        await self._release(layer, None, actor)
        return Outcome(layer, before, None, reply=reply)

    async def _do_panic(self, actor: Actor, r: Request) -> Outcome:
        before, shown = self._panic_now(actor)  # first, before any await
        for comment in shown:
            await self._finish(comment, actor.name)
        return Outcome("*", before, {}, reply={"on_air": []})

    def _panic_now(self, actor: Actor) -> tuple[dict[str, Any], list[StoredComment]]:
        """The screen empty and every layer's comment off it, with no await in between."""
        before = {layer: card_view(card) for layer, card in self.program.on_air().items()}
        self.program.panic(by=actor.name)
        self._publish(CardsChanged("panic", "", None, actor.name, layers=tuple(sorted(before))))
        shown = list(self.on_air.items())
        self.on_air.clear()
        for layer, _comment in shown:
            self._publish(OnAirChanged(layer, None, actor.name))
        return before, [comment for _layer, comment in shown]

    async def _after_panic(self, actor: Actor, rid: str, before: dict[str, Any],
                           shown: list[StoredComment]) -> None:
        for comment in shown:
            await self._finish(comment, actor.name)
        await self.audit(actor, "panic", rid, "*", "ok", before, {})

    # -- the program's source ---------------------------------------------------------------------
    async def _do_source(self, actor: Actor, r: Request) -> Outcome:
        """Cut the program to another source (camera, test pattern, file, clip, stream, WHIP)."""
        assert r.source is not None
        if self.sources is None:
            raise ProtocolError(ErrorCode.BAD_REQUEST, "this console switches no program source",
                                r.rid)
        before = self.sources.current
        try:
            after = await self.sources.switch(r.source)
        except SourceError as exc:
            raise ProtocolError(ErrorCode.BAD_SOURCE, str(exc), r.rid) from None
        self._publish(SourceChanged(after.shown, after.kind, actor.name))
        # Audit and reply show the source without a stream key.
        return Outcome(after.shown, {"source": before.shown}, {"source": after.shown},
                       reply={"source": after.shown, "kind": after.kind})

    # -- the program's own changes ----------------------------------------------------------------
    def _program_event(self, event: ProgramEvent) -> None:
        """On the loop: changes not made by an action (they carry no ``by``) reach the listeners
        too; a question card that went out by itself counts as answered."""
        if event.by:
            return  # made by an action, which reported it with its comment
        by = AUTO if event.kind == "auto_out" else "console"
        shown = self.on_air.get(event.layer)
        if event.kind == "panic":
            self._publish(CardsChanged("panic", "", None, by, layers=tuple(sorted(self.on_air))))
            for layer in list(self.on_air):
                self.spawn(self._release(layer, None, None))
            return
        self._publish(CardsChanged(event.kind, event.layer, event.card, by,
                                   shown.id if shown is not None else None))
        # A new card taken on the layer meanwhile (the event came from the program's thread)
        # keeps its comment.
        if event.kind in ("clear", "auto_out") and shown is not None \
                and event.layer not in self.program.on_air():
            self.spawn(self._release(event.layer, None, None))
