"""Back on air after a crash: record the show as it changes, and come back into it at start.

``ShowRecorder`` keeps ``show_state.ShowState`` up to date from the console's
own reports: the action service's events (a card on or off air, with the
comment it shows) and the outputs' starts and stops (by reference, never a
stream key). The desk adds its unsent work (``ShowSession.save_desk``).

At start (``ShowRecorder.recover``, called by ``Console.start``):

- every comment still ``on_air`` in the database goes back to ``queued``, its
  history saying why. Back in the queue rather than ``answered``: a card that
  was on air when the console died may have been up for a second or for a
  minute; nobody can say the viewer saw the answer. Queued, it can be retaken
  at once (``answered`` cannot go back on air) or closed with one key, and the
  daily review does not count an answer that may not have been given.
- the program starts empty: nothing stale goes on screen by itself. The cards
  that were on air are offered (``Recovery.cards``); ``retake`` puts them back
  through the show's one action service, as the caller's actor.
- after a crash only (the record still says ``running``), the outputs that
  ran restart to the same targets; a recording goes to a new file
  (``fresh_recording``), never over the one the crash cut short. After a
  clean stop nothing restarts: quitting means the show is over, as in
  broadcast software, where a crash brings the stream back and a quit does not.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt

from videohelp.console.show_events import Actor, CardsChanged, OnAirChanged, ShowEvent
from videohelp.console.show_state import STATE_FILE, ShowState
from videohelp.core.roles import Action
from videohelp.core.store import Store
from videohelp.queue.comments import State, StoredComment
from videohelp.queue.persist import change_state
from videohelp.queue.seat_protocol import ProtocolError, Request
from videohelp.streaming.output_targets import OutputError
from videohelp.streaming.urls import redact_url

if TYPE_CHECKING:
    from videohelp.console.actions import ShowActions
    from videohelp.streaming.program import ProgramEngine
    from videohelp.streaming.program_outputs import ProgramOutputs

log = logging.getLogger(__name__)

RECOVERY_ACTOR = "recovery"
CRASH_DETAIL = "back in the queue: on air when the console crashed (retake offered)"
STOP_DETAIL = "back in the queue: on air when the console stopped"
# A clip's title card belongs to the clip playing: without the clip it would be stale.
NOT_OFFERED_LAYERS = frozenset({"clip_title"})
CARD_FIELDS = ("name", "role", "label")  # an expert card's own fields, besides its answer
MAX_RESTORED_COMMENTS = 2000


class RecoveryError(Exception):
    """Something recovery could not do; the show starts anyway."""


@dataclass(frozen=True)
class OnAirCard:
    """A card that was on air when the console stopped, as the record holds it."""

    layer: str
    template: str
    data: dict[str, Any]
    comment: int | None = None

    def request(self, rid: str) -> Request:
        """The take that puts it back: a question through its comment, any other card as is."""
        if self.comment is not None:
            extra = {k: self.data[k] for k in CARD_FIELDS if k in self.data}
            return Request(Action.TAKE, rid, comment=self.comment, layer=self.layer,
                           template=self.template, answer=str(self.data.get("answer", "")),
                           item=self.data.get("item") or None, data=extra)
        return Request(Action.TAKE, rid, layer=self.layer, template=self.template,
                       data=dict(self.data))

    def seat_request(self, rid: str) -> dict[str, Any]:
        """The same take as a seat sends it (``serve`` prints it for the control seat)."""
        request = self.request(rid)
        message: dict[str, Any] = {"type": "take", "rid": rid, "layer": self.layer,
                                   "template": self.template}
        if self.comment is not None:
            message["comment"] = self.comment
            if request.answer:
                message["answer"] = request.answer
            if request.item:
                message["item"] = request.item
            if request.data:
                message["data"] = request.data
        else:
            message["data"] = request.data
        return message


@dataclass
class Recovery:
    """What a start found of the run before it."""

    crashed: bool = False                  # the last run did not stop cleanly
    previous_pid: int | None = None
    previous_started_ms: int | None = None
    cards: list[OnAirCard] = field(default_factory=list)     # offered for retake
    requeued: list[StoredComment] = field(default_factory=list)  # were on air: queued again
    outputs_restarted: list[str] = field(default_factory=list)
    outputs_not_restarted: list[tuple[str, str]] = field(default_factory=list)  # (name, why)
    desk: dict[str, Any] = field(default_factory=dict)       # the desk's unsent work

    @property
    def anything(self) -> bool:
        return bool(self.crashed or self.cards or self.requeued or self.desk)


# -- outputs by reference --------------------------------------------------------------------------
def output_entry(name: str, asked: str, destinations: Mapping[str, Any],
                 push_url_file: str = "") -> dict[str, str]:
    """How to restart an output started as ``asked``, without keeping a stream key."""
    if asked in destinations:
        return {"name": name, "kind": "destination", "ref": asked}
    if "://" not in asked:
        return {"name": name, "kind": "record", "ref": asked}
    if redact_url(asked) == asked:  # nothing secret in it
        return {"name": name, "kind": "url", "ref": asked}
    if push_url_file and _read_url_file(push_url_file) == asked.strip():
        return {"name": name, "kind": "push_url_file", "ref": push_url_file}
    return {"name": name, "kind": "secret", "ref": ""}  # typed with its key: not restartable


def _read_url_file(path: str) -> str | None:
    try:
        return Path(path).expanduser().read_text(encoding="utf-8").strip()
    except OSError:
        return None


def fresh_recording(pattern: str, now: float | None = None) -> str:
    """A recording target that does not exist yet: ``pattern``'s strftime fields filled in,
    then ``-2``, ``-3``... before the suffix if that file is there already."""
    text = time.strftime(pattern, time.localtime(now)) if "%" in pattern else pattern
    path = Path(text).expanduser()
    number = 2
    while path.exists():
        path = path.with_name(f"{Path(text).stem}-{number}{path.suffix}")
        number += 1
    return str(path)


def restart_outputs(outputs: ProgramOutputs, entries: list[dict[str, Any]],
                    push_url_file: str = "", skip: set[str] | frozenset[str] = frozenset()
                    ) -> tuple[list[str], list[tuple[str, str]]]:
    """Start the recorded outputs again (each refusal told, none fatal); (started names,
    (name, why) of those not started).

    Outputs already running (started from the command line) and ``skip``ped references
    are left alone."""
    started: list[str] = []
    missed: list[tuple[str, str]] = []
    running = set(outputs.asked.values()) | set(skip)
    for entry in entries:
        name, kind, ref = str(entry.get("name", "")), entry.get("kind"), str(entry.get("ref", ""))
        if ref in running or name in outputs.names():
            continue
        try:
            if kind in ("destination", "url"):
                target = ref
            elif kind == "record":
                target = fresh_recording(ref)
            elif kind == "push_url_file":
                url = _read_url_file(ref or push_url_file)
                if not url:
                    raise OutputError(f"cannot read the push URL file {ref}")
                target = url
            else:
                raise OutputError("its URL holds a stream key, which is never saved: start it "
                                  "again by hand")
            output = outputs.start(target)
        except OutputError as exc:
            missed.append((name, str(exc)))
            log.warning("output %s not restarted: %s", name, exc)
            continue
        if kind == "record":  # the new file keeps the old pattern as its reference
            outputs.asked[output.name] = ref
        started.append(output.name)
        log.info("output %s restarted after a crash", output.name)
    return started, missed


# -- the database side -----------------------------------------------------------------------------
def requeue_on_air(store: Store, detail: str) -> list[StoredComment]:
    """Every comment left ``on_air`` back to ``queued`` (one transaction); the comments now."""
    with store.transaction() as conn:
        ids = [row[0] for row in conn.execute("SELECT id FROM comments WHERE state = ?",
                                              (State.ON_AIR.value,))]
        return [change_state(conn, comment_id, State.QUEUED, RECOVERY_ACTOR, detail)[1]
                for comment_id in ids]


def comments_since(store: Store, since_ms: int, limit: int = MAX_RESTORED_COMMENTS
                   ) -> list[StoredComment]:
    """The show's comments received since ``since_ms`` (not repeats), oldest first."""
    # Newest first along the received_ms index: "ORDER BY id DESC" walked the table back
    # to its first comment whenever fewer than ``limit`` were recent.
    rows = store.conn.execute(
        "SELECT * FROM comments WHERE received_ms >= ? AND repeat_of IS NULL"
        " ORDER BY received_ms DESC, id DESC LIMIT ?", (since_ms, limit)).fetchall()
    return [StoredComment.from_row(dict(row)) for row in reversed(rows)]


def _card(raw: Any) -> OnAirCard | None:
    """A recorded card, or None if the record is not one (a hand-edited file)."""
    if not isinstance(raw, dict) or raw.get("layer") in NOT_OFFERED_LAYERS:
        return None
    layer, template, data = raw.get("layer"), raw.get("template"), raw.get("data")
    comment = raw.get("comment")
    if not isinstance(layer, str) or not isinstance(template, str) or not isinstance(data, dict):
        return None
    return OnAirCard(layer, template, dict(data), comment if isinstance(comment, int) else None)


# -- the recorder ----------------------------------------------------------------------------------
class ShowRecorder:
    """Keeps the show's state file current from the console's reports; recovers at start."""

    def __init__(self, root: Path, actions: ShowActions, program: ProgramEngine,
                 outputs: ProgramOutputs, settings: Any) -> None:
        self.state = ShowState(root)
        self.actions, self.program, self.outputs = actions, program, outputs
        self.settings = settings  # ``core.settings.Settings``: output.push_url_file
        self._following = False
        self._previous: dict[str, Any] = {}
        self.skip: set[str] = set()  # references not to restart (serve renamed them already)

    def _push_url_file(self) -> str:
        return str(self.settings["output.push_url_file"]).strip()

    async def recover(self, run_in_writer: Callable[..., Any]) -> Recovery:
        """Read the last run's record, set the comments right, start this run's record.

        Outputs are restarted by ``restart_outputs`` (after the program runs)."""
        previous = self.state.file.load()
        recovery = Recovery()
        if previous is not None:
            recovery.crashed = bool(previous.get("running"))
            recovery.previous_pid = previous.get("pid")
            recovery.previous_started_ms = previous.get("started_ms")
            recovery.desk = previous.get("desk") or {}
            # Cards on air when it stopped; after a crash of a run that was itself recovering,
            # what that run still offered.
            cards = previous.get("cards") or {}
            offered = (previous.get("offered") or []) if recovery.crashed else []
            for raw in [*({**card, "layer": layer} for layer, card in cards.items()
                          if isinstance(card, dict)), *offered]:
                card = _card(raw)
                if card is not None and all(c.layer != card.layer for c in recovery.cards):
                    recovery.cards.append(card)
        detail = CRASH_DETAIL if recovery.crashed else STOP_DETAIL
        try:
            recovery.requeued = await run_in_writer(requeue_on_air, detail)
        except sqlite3.Error as exc:  # the show starts anyway; the comment stays as it was
            log.error("comments left on air could not be queued again: %s", exc)
        for comment in recovery.requeued:
            log.warning("comment %d was on air when the console %s: queued again", comment.id,
                        "crashed" if recovery.crashed else "stopped")
        if recovery.crashed:
            log.warning("the last run (pid %s) did not stop cleanly: recovering its show",
                        recovery.previous_pid)
        for card in recovery.cards:  # offered, not shown: nothing goes on air by itself
            log.warning("was on air: layer %s (%s, comment %s); offered for retake", card.layer,
                        card.template, card.comment)
        self._previous = previous or {}
        self.state.begin(previous)
        if recovery.crashed:  # kept until this run has restarted them (a second crash)
            self.state.set("outputs", list(self._previous.get("outputs") or []))
        self.offer(recovery.cards)
        self.follow()
        return recovery

    def offer(self, cards: list[OnAirCard]) -> None:
        """Record the cards still offered for retake (a crash before the retake keeps them)."""
        self.state.set("offered", [{"layer": c.layer, "template": c.template, "data": c.data,
                                    "comment": c.comment} for c in cards])

    def restart_outputs(self, recovery: Recovery) -> None:
        """After a crash, the outputs of the last run to the same targets."""
        previous = self._previous
        if recovery.crashed and previous.get("outputs"):
            started, missed = restart_outputs(self.outputs, list(previous["outputs"]),
                                              self._push_url_file(), self.skip)
            recovery.outputs_restarted += started
            recovery.outputs_not_restarted += missed
        self._outputs_changed()  # this run's own (serve's command line started some already)

    def follow(self) -> None:
        if self._following:
            return
        self._following = True
        self.actions.add_listener(self._show_event)
        # Direct: outputs start and stop on whichever thread asks (serve has no Qt loop).
        self.outputs.outputsChanged.connect(lambda _names: self._outputs_changed(),
                                            Qt.ConnectionType.DirectConnection)

    def _show_event(self, event: ShowEvent) -> None:
        if isinstance(event, (CardsChanged, OnAirChanged)):
            self.record_cards()

    def record_cards(self) -> None:
        """What is on air now, with the comment each layer shows."""
        shown = self.actions.on_air
        cards = {layer: {"template": card.template, "data": card.data,
                         "comment": shown[layer].id if layer in shown else None}
                 for layer, card in self.program.on_air().items()
                 if layer not in NOT_OFFERED_LAYERS}
        self.state.set("cards", cards)

    def _outputs_changed(self) -> None:
        destinations = self.outputs.destinations
        entries = [output_entry(name, asked, destinations, self._push_url_file())
                   for name, asked in self.outputs.asked.items()]
        self.state.set("outputs", entries)

    def set_desk(self, desk: dict[str, Any]) -> None:
        self.state.set("desk", desk)

    def finish(self, clean: bool = True) -> None:
        """A clean stop (see ``ShowState.finish``); ``clean=False``: the console stops without
        having started (``ShowState.freeze``)."""
        if clean:
            self.state.finish()
        else:
            self.state.freeze()


async def retake(actions: ShowActions, actor: Actor, cards: list[OnAirCard]
                 ) -> tuple[list[OnAirCard], list[tuple[OnAirCard, ProtocolError]]]:
    """Put ``cards`` back on air as ``actor`` through the action service (audited, checked by
    the role table); (retaken, refused with why)."""
    done: list[OnAirCard] = []
    refused: list[tuple[OnAirCard, ProtocolError]] = []
    for number, card in enumerate(cards, 1):
        try:
            await actions.perform(actor, card.request(f"retake-{number}"))
        except ProtocolError as exc:
            log.info("retake of %s refused: %s", card.layer, exc.message)
            refused.append((card, exc))
        else:
            done.append(card)
    return done, refused


def crash_pending(root: Path) -> bool:
    """Whether the run before this one in ``root`` did not stop cleanly (read only)."""
    try:
        state = json.loads((root / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(state, dict) and bool(state.get("running"))


def fresh_targets(targets: list[str]) -> tuple[list[str], set[str]]:
    """Recording targets whose file a crashed run left behind, renamed (``fresh_recording``);
    (the targets to use, the originals renamed: recovery must not start them a second time)."""
    fresh, renamed = [], set()
    for target in targets:
        new = fresh_recording(target)
        if "%" not in target and new != str(Path(target).expanduser()):
            renamed.add(target)
            fresh.append(new)
        else:
            fresh.append(target)
    return fresh, renamed


def recovery_lines(recovery: Recovery) -> list[str]:
    """What ``serve`` tells its operator at start (stdout): outputs, requeued comments, and
    each card that was on air with the seat request that retakes it (the control seat,
    ``serve --control-token``). Card texts are the masked ones shown on air."""
    lines = []
    if recovery.crashed:
        lines.append(f"recovered after a crash of pid {recovery.previous_pid}")
    lines += [f"output {name} restarted" for name in recovery.outputs_restarted]
    lines += [f"output {name} not restarted: {why}" for name, why in recovery.outputs_not_restarted]
    lines += [f"comment {c.id} back in the queue (was on air)" for c in recovery.requeued]
    for number, card in enumerate(recovery.cards, 1):
        what = f"comment {card.comment}" if card.comment is not None else card.template
        request = json.dumps(card.seat_request(f"retake-{number}"), ensure_ascii=False,
                             separators=(",", ":"))
        lines.append(f"was on air: {card.layer} ({what}); retake: {request}")
    return lines
