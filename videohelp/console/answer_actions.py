"""The answering service's decisions done as show actions (issue 19): one path for every change.

The service (``queue/answering``) decides what happens to a question it took:
answered automatically, or passed on to the experts (``log.Fate``). Doing it is
a show action like any other: ``ShowActions.perform`` as the actor
``auto-answer`` of role ``answering``, which the role table allows
``mark_answered`` and ``flag`` and nothing else. So every change is checked
against the state machine, recorded in the audit log with that actor, and
reported to the action service's listeners: the desk's queue drops an answered
question and shows a passed-on one, the seat hub sends ``comment.changed`` and
``question.flagged`` (with the knowledge base's suggestions) to the seats.

A question the studio has taken up meanwhile (queued, on air, dismissed) is
refused by the state machine: the studio's decision stands; the refusal is
audited like any other.
"""

from __future__ import annotations

import logging

from videohelp.console.actions import ShowActions
from videohelp.console.show_events import Actor
from videohelp.core.roles import Action, Role
from videohelp.queue.answering.log import ACTOR, Fate
from videohelp.queue.answering.service import Act
from videohelp.queue.comments import StoredComment
from videohelp.queue.seat_protocol import ProtocolError, Request

log = logging.getLogger(__name__)

ANSWERING_ACTOR = Actor(ACTOR, Role.ANSWERING)
# Actions per batch (one transaction on the writer thread, which the ingest's group commits
# share): a burst of settled questions must not hold those back for long.
CHUNK = 200


def fate_request(fate: Fate) -> Request:
    action = Action.MARK_ANSWERED if fate.answered else Action.FLAG
    return Request(action, f"answers-{fate.comment_id}", comment=fate.comment_id, note=fate.note)


def answer_actions(actions: ShowActions) -> Act:
    """``act`` for ``install_answers``: the fates through ``actions`` as ``auto-answer``, in
    batches (``ShowActions.perform_many``: one commit per batch, not two or three per
    question: per question, 300 a second would keep the writer thread busy with fsyncs)."""

    async def act(fates: list[Fate]) -> list[StoredComment]:
        changed: list[StoredComment] = []
        for start in range(0, len(fates), CHUNK):
            chunk = fates[start:start + CHUNK]
            try:
                outcomes = await actions.perform_many(ANSWERING_ACTOR,
                                                      [fate_request(f) for f in chunk])
            except Exception:  # the store failed: nothing of the chunk happened
                log.exception("answers: %d questions could not be moved on", len(chunk))
                continue
            for fate, outcome in zip(chunk, outcomes, strict=True):
                if isinstance(outcome, ProtocolError):  # changed meanwhile by the studio
                    log.info("answers: comment %d left as it is: %s", fate.comment_id, outcome)
                elif outcome.comment is not None:
                    changed.append(outcome.comment)
        return changed

    return act
