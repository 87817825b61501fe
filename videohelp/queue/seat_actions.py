"""Seat actions carried out on the show: the store (via the writer thread) and the program.

``ShowControl.perform`` takes a validated ``Request`` and does it, or raises
``ProtocolError`` with the code the seat gets back; a refused action changes
nothing (cards are rendered and transitions checked before anything is
written or put on air). It reports each comment it changes to ``changed`` and
returns an ``Outcome`` for the audit log and the reply.

With a desk (``ShowSession``) in the same process, a question put on air by a
seat becomes the session's question on air, so the desk and the seats agree.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from videohelp.console.seats import Seat
from videohelp.console.store import Store
from videohelp.queue import experts
from videohelp.queue.comments import State, StoredComment
from videohelp.queue.pipeline import IngestPipeline
from videohelp.queue.seat_events import Answer, Question
from videohelp.queue.seat_protocol import DEFAULT_QA_LAYER, ErrorCode, ProtocolError, Request
from videohelp.queue.states import TransitionError, check_transition
from videohelp.queue.triage.engine import Correction
from videohelp.queue.triage.storage import record_correction
from videohelp.streaming.cards import CardRenderer, RenderedCard
from videohelp.streaming.control import CardControl
from videohelp.streaming.program import ProgramEngine

if TYPE_CHECKING:
    from videohelp.console.session import ShowSession

log = logging.getLogger(__name__)

Suggest = Callable[[Store, str, "str | None"], list[dict[str, Any]]]
MOTION_FIELDS = ("transition", "out", "seconds", "duration_s")  # passed through to CardControl


@dataclass
class Outcome:
    """What an action did: for the reply, the audit log and the events."""

    target: str | None = None
    before: Any = None
    after: Any = None
    reply: dict[str, Any] = field(default_factory=dict)
    question: Question | None = None
    answer: Answer | None = None


def card_view(card: RenderedCard | None) -> dict[str, Any] | None:
    return None if card is None else {"template": card.template, "data": card.data}


def kb_suggestions(store: Store, text: str, item: str | None, limit: int = 3) -> list[dict[str, Any]]:
    """Knowledge-base answers for a flagged question (empty if the base has none)."""
    try:
        from videohelp.console.knowledge import KnowledgeBase

        kb = KnowledgeBase(store)
        entries = kb.search(text, item=item, limit=limit) if text else []
        if not entries and item:
            entries = kb.entries(item=item)[:limit]
    except Exception:  # the base is optional for the expert group: never fail a flag on it
        log.exception("knowledge-base suggestions failed")
        return []
    answers = [{"id": e.id, "item": e.item, "short_answer": e.short_answer,
                "full_answer": e.full_answer, "source": f"{e.source_file} {e.source_article}",
                "status": e.status} for e in entries]
    # The item's 锦囊口袋 clips ride along as kind "clip"; Question.view lists them as "clips".
    from videohelp.console.pocket.suggest import clip_suggestions

    return answers + clip_suggestions(store, item)


def seed_knowledge(store: Store) -> int:
    """The shipped catalog and answers into an empty base (once per database), so that flagged
    questions come with suggestions even on a console nobody has opened the base on yet."""
    from videohelp.console.knowledge import KnowledgeBase

    return KnowledgeBase(store).seed_if_empty()


def triage_comment(store: Store, comment_id: int, item: str, actor: str
                   ) -> tuple[StoredComment, StoredComment, str | None]:
    """Re-file a comment under ``item``: a triage correction (triage learns from it) and, for a
    new comment, the state triaged; return (before, after, the item it had)."""
    row = store.conn.execute("SELECT text, item FROM comments WHERE id = ?", (comment_id,)).fetchone()
    if row is None:
        raise KeyError(f"no comment {comment_id}")
    old_item = row["item"]
    record_correction(store, row["text"], item, actor, comment_id)
    detail = f"item {old_item or '-'} -> {item}"
    with store.transaction() as conn:
        state = State(conn.execute("SELECT state FROM comments WHERE id = ?", (comment_id,)).fetchone()[0])
        if state in (State.NEW, State.TRIAGED):
            before, after = experts.change_state(conn, comment_id, State.TRIAGED, actor, detail)
        else:  # queued, flagged, on air...: keep the state, record the re-filing
            before = after = StoredComment.from_row(dict(conn.execute(
                "SELECT * FROM comments WHERE id = ?", (comment_id,)).fetchone()))
            conn.execute(
                "INSERT INTO comment_history (comment_id, at_ms, actor, from_state, to_state, detail)"
                " VALUES (?, ?, ?, ?, ?, ?)", (comment_id, experts.now_ms(), actor, state.value,
                                               state.value, detail))
    return before, after, old_item


class ShowControl:
    """Carries out seat actions on one show. Runs on the loop that owns the pipeline."""

    def __init__(self, pipeline: IngestPipeline, program: ProgramEngine, renderer: CardRenderer, *,
                 session: ShowSession | None = None, suggest: Suggest | None = kb_suggestions,
                 item_of: Callable[[int], str | None] | None = None,
                 cards: CardControl | None = None,
                 learn: Callable[[Correction], Any] | None = None) -> None:
        self.pipeline = pipeline
        self.program = program
        self.renderer = renderer
        self.cards = cards or CardControl(program, renderer)
        self.learn = learn  # e.g. a live TriageEngine's learn, if the console runs one
        self.session = session
        self.suggest = suggest
        self.item_of = item_of or (lambda _comment_id: None)
        self.on_air: dict[str, StoredComment] = {}  # layer -> the comment it shows
        self.flagging: set[int] = set()  # comments being flagged here (not by another path)
        self.changed: Callable[[StoredComment, str | None], None] = lambda comment, item: None
        self.acting: tuple[str, int | None] | None = None  # (seat, comment) during a program change
        if session is not None:
            session.onAirChanged.connect(self._desk_on_air)

    def _desk_on_air(self, comment: StoredComment | None) -> None:
        if comment is None:
            self.on_air.pop(DEFAULT_QA_LAYER, None)
        else:
            self.on_air[DEFAULT_QA_LAYER] = comment

    @contextlib.contextmanager
    def _as(self, seat: Seat, comment: int | None = None) -> Iterator[None]:
        """Mark program changes made now as this seat's (the card events say who)."""
        self.acting = (seat.name, comment)
        try:
            yield
        finally:
            self.acting = None

    async def _writer(self, func: Callable[..., Any], *args: Any) -> Any:
        try:
            return await self.pipeline.run_in_writer(func, *args)
        except KeyError as exc:
            raise ProtocolError(ErrorCode.NOT_FOUND, str(exc).strip("'\"")) from None
        except TransitionError as exc:
            raise ProtocolError(ErrorCode.BAD_STATE, str(exc)) from None
        except experts.NotFlaggedError as exc:
            raise ProtocolError(ErrorCode.NOT_FLAGGED, str(exc)) from None

    async def perform(self, seat: Seat, request: Request) -> Outcome:
        handler = getattr(self, f"_do_{request.action.value}")
        return await handler(seat, request)

    # -- comments and the expert group --------------------------------------------------------
    async def _do_flag(self, seat: Seat, r: Request) -> Outcome:
        assert r.comment is not None
        self.flagging.add(r.comment)  # the hub removes it once the question is published
        before, after, flag, item = await self._writer(experts.flag_question, r.comment, r.note, seat.name)
        item = item or self.item_of(r.comment)
        suggestions = await self.suggestions(after.text_masked, item)
        self.changed(after, None)
        question = Question(after, r.note, seat.name, flag.flagged_ms, item, suggestions)
        return Outcome(str(r.comment), {"state": before.state.value},
                       {"state": after.state.value, "note": r.note, "flag": flag.id}, question=question)

    async def suggestions(self, text: str, item: str | None) -> list[dict[str, Any]]:
        if self.suggest is None:
            return []
        return await self.pipeline.run_in_writer(self.suggest, text, item)

    async def _do_answer(self, seat: Seat, r: Request) -> Outcome:
        assert r.comment is not None
        comment = await self._writer(experts.get_comment, r.comment)
        draft = None
        if r.save_kb:
            item = r.item or self.item_of(r.comment) or await self.pipeline.run_in_writer(
                experts.comment_item, r.comment)
            if not item:
                raise ProtocolError(ErrorCode.UNKNOWN_ITEM, "saving to the knowledge base needs the "
                                    "question's item: send 'item'", r.rid)
            self._check_item(item, r.rid)
            draft = {"item": item, "question": comment.text_masked}
        try:
            answer, first = await self._writer(experts.record_answer, r.comment, seat.name, r.text, draft)
        except ValueError as exc:  # the knowledge base refused the draft; nothing was stored
            raise ProtocolError(ErrorCode.BAD_REQUEST, f"knowledge base: {exc}", r.rid) from None
        return Outcome(str(r.comment), None, {"answer": answer.id, "text": r.text, "first": first,
                                              "kb_entry": answer.kb_entry},
                       reply={"answer_id": answer.id, "first": first, "kb_entry": answer.kb_entry},
                       answer=answer)

    def _check_item(self, item: str, rid: str | None) -> None:
        if item not in self.renderer.catalog:
            raise ProtocolError(ErrorCode.UNKNOWN_ITEM, f"unknown business item {item!r}", rid)

    async def _do_triage(self, seat: Seat, r: Request) -> Outcome:
        assert r.comment is not None and r.item is not None
        self._check_item(r.item, r.rid)
        before, after, old_item = await self._writer(triage_comment, r.comment, r.item, seat.name)
        self.changed(after, r.item)
        await self._teach_triage(after, r.item)
        return Outcome(str(r.comment), {"state": before.state.value, "item": old_item},
                       {"state": after.state.value, "item": r.item})

    async def _teach_triage(self, comment: StoredComment, item: str) -> None:
        """A running triage engine learns the re-filing now (the stored correction teaches
        every engine built later)."""
        if self.learn is not None:
            try:
                self.learn(Correction(comment.text, item))
            except Exception:
                log.exception("triage could not learn from comment %d", comment.id)

    async def _set_state(self, seat: Seat, r: Request, target: State) -> Outcome:
        assert r.comment is not None
        before, after = await self._writer(_change_state, r.comment, target, seat.name)
        self.changed(after, None)
        return Outcome(str(r.comment), {"state": before.state.value}, {"state": after.state.value})

    async def _do_queue(self, seat: Seat, r: Request) -> Outcome:
        return await self._set_state(seat, r, State.QUEUED)

    async def _do_dismiss(self, seat: Seat, r: Request) -> Outcome:
        return await self._set_state(seat, r, State.DISMISSED)

    # -- cards ---------------------------------------------------------------------------------
    def _cards_do(self, seat: Seat, message: dict[str, Any], rid: str | None,
                  comment: int | None = None) -> dict[str, Any]:
        """A card request through the program's control channel logic (``CardControl``): the
        same templates, transitions and automatic outs as ``videohelp card``."""
        with self._as(seat, comment):
            reply = self.cards.handle({**message, "rid": rid})
        if reply["type"] == "error":
            code = reply["code"] if reply["code"] in ErrorCode.__members__.values() else ErrorCode.INTERNAL
            raise ProtocolError(ErrorCode(code), reply["message"], rid)
        return {k: v for k, v in reply.items() if k not in ("type", "rid")}

    async def _do_take(self, seat: Seat, r: Request) -> Outcome:
        if r.clip is not None:
            return await self._take_clip(seat, r)
        layer = r.layer or DEFAULT_QA_LAYER
        before = card_view(self.program.on_air().get(layer))
        motion = {k: r.raw[k] for k in MOTION_FIELDS if k in r.raw}
        if r.comment is None:
            reply = self._cards_do(seat, {**r.raw, "layer": layer}, r.rid)
            await self._release(layer, None)
            return Outcome(layer, before, card_view(self.program.on_air().get(layer)), reply=reply)
        comment = await self._writer(experts.get_comment, r.comment)
        if comment.blocked or comment.state == State.BLOCKED:
            raise ProtocolError(ErrorCode.BLOCKED, "a blocked comment never goes on air", r.rid)
        if comment.state != State.ON_AIR:
            try:
                check_transition(comment.state, State.ON_AIR)
            except TransitionError as exc:
                raise ProtocolError(ErrorCode.BAD_STATE, str(exc), r.rid) from None
        item = r.item or self.item_of(comment.id)
        if item:
            self._check_item(item, r.rid)
        template, data, answer = await self._comment_card(comment, r, item)
        reply = self._cards_do(seat, {"type": "take", "layer": layer, "template": template, "data": data,
                                      **motion}, r.rid, comment.id)
        if comment.state != State.ON_AIR:
            try:
                _, comment = await self._writer(_change_state, comment.id, State.ON_AIR, seat.name)
            except ProtocolError:  # changed meanwhile by someone else: take the card back off
                with self._as(seat):
                    self.program.clear(layer)
                raise
        await self._release(layer, comment)
        self.on_air[layer] = comment
        self.changed(comment, None)
        if answer is not None:
            await self.pipeline.run_in_writer(experts.mark_aired, answer.id, data["answer"], seat.name)
        self._tell_desk(layer, comment)
        after = card_view(self.program.on_air().get(layer)) or {}
        return Outcome(layer, before, {**after, "comment": comment.id,
                                       "answer_id": answer.id if answer else None}, reply=reply)

    async def _take_clip(self, seat: Seat, r: Request) -> Outcome:
        """A 锦囊口袋 clip to program: the desk's ``session.pocket.take_clip`` (issue 18)."""
        from videohelp.console.pocket.air import PocketError

        assert r.clip is not None
        if self.session is None:
            raise ProtocolError(ErrorCode.BAD_REQUEST, "clips play on a desk's program; this "
                                "console runs none", r.rid)
        if r.item:
            self._check_item(r.item, r.rid)
        try:
            with self._as(seat, r.comment):
                clip = await self.session.pocket.take_clip(r.clip, actor=seat.name, item=r.item,
                                                           comment_id=r.comment)
        except PocketError as exc:
            code = ErrorCode.NOT_FOUND if "no clip" in str(exc) else ErrorCode.BAD_REQUEST
            raise ProtocolError(code, str(exc), r.rid) from None
        return Outcome(f"clip:{clip.id}", None, {"clip": clip.id, "title": clip.title},
                       reply={"clip": clip.id, "title": clip.title, "duration_s": clip.duration_s})

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
                data["answer"] = r.answer
        elif template == "expert":
            if r.answer_id is not None:
                answer = await self.pipeline.run_in_writer(experts.get_answer, r.answer_id)
                if answer is None or answer.comment != comment.id:
                    raise ProtocolError(ErrorCode.NOT_FOUND,
                                        f"no answer {r.answer_id} to comment {comment.id}", r.rid)
            text = r.answer or (answer.text if answer else "")
            if not text:
                raise ProtocolError(ErrorCode.BAD_REQUEST, "an expert card needs 'answer' or 'answer_id'",
                                    r.rid)
            data.update({"answer": text, "name": answer.expert if answer else "专家组"})
            data.update({k: v for k, v in r.data.items() if k in ("name", "role", "label")})
        else:
            raise ProtocolError(ErrorCode.BAD_CARD, "a comment goes on air as a 'qa' or 'expert' card",
                                r.rid)
        return template, data, answer

    async def _release(self, layer: str, keep: StoredComment | None) -> None:
        """The comment that was on ``layer`` (if another) counts as answered."""
        previous = self.on_air.pop(layer, None)
        if previous is not None and (keep is None or previous.id != keep.id):
            if keep is None:
                self._tell_desk(layer, None)
            try:
                _, done = await self.pipeline.run_in_writer(_change_state, previous.id, State.ANSWERED,
                                                            "seat")
            except (KeyError, TransitionError) as exc:
                log.warning("could not mark %d answered: %s", previous.id, exc)
                return
            self.changed(done, None)

    def _tell_desk(self, layer: str, comment: StoredComment | None) -> None:
        """Keep the desk's 'question on air' in step with what seats put on the Q&A layer."""
        session = self.session
        if session is not None and layer == DEFAULT_QA_LAYER and session.on_air is not comment:
            session.on_air = comment
            session.onAirChanged.emit(comment)

    async def _do_update(self, seat: Seat, r: Request) -> Outcome:
        layer = r.layer or DEFAULT_QA_LAYER
        before = card_view(self.program.on_air().get(layer))
        comment = self.on_air.get(layer)
        reply = self._cards_do(seat, {**r.raw, "layer": layer}, r.rid, comment.id if comment else None)
        return Outcome(layer, before, card_view(self.program.on_air().get(layer)), reply=reply)

    async def _do_clear(self, seat: Seat, r: Request) -> Outcome:
        layer = r.layer or DEFAULT_QA_LAYER
        before = card_view(self.program.on_air().get(layer))
        reply = self._cards_do(seat, {**r.raw, "layer": layer}, r.rid)
        await self._release(layer, None)
        return Outcome(layer, before, None, reply=reply)

    async def _do_panic(self, seat: Seat, r: Request) -> Outcome:
        before = {layer: card_view(card) for layer, card in self.program.on_air().items()}
        reply = self._cards_do(seat, {"type": "panic"}, r.rid)  # first, before any await
        for layer in list(self.on_air):
            await self._release(layer, None)
        return Outcome("*", before, {}, reply=reply)


def _change_state(store: Store, comment_id: int, target: State, actor: str
                  ) -> tuple[StoredComment, StoredComment]:
    with store.transaction() as conn:
        return experts.change_state(conn, comment_id, target, actor)

