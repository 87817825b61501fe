"""Who may do what: the permission matrix of the seat roles (pure).

One table decides every show action, whoever calls it: a remote seat, the
desk (which acts as the officer, presenter or producer it was started as), the
control CLI or automation. The protocol, the action service, the docs and the
tests read the same truth. The rules of the show behind it: an expert
answers but never puts anything on air; the officer and the presenter put
things on air; a producer screens (triage, queue, dismiss, flag) and, like
everyone in the studio, may pull everything off air at once; automation (a
stream deck, a script: the ``serve --control-token``) drives the cards and the
source. The picture is cut by the producer (制片, in the gallery: the vision
mixer's seat), the presenter (who runs a show alone) or a stream deck; not by
the officer, whose hands stay on the questions and answers (one cut from two
desks at once would fight). The 24-hour answering service (issue 19) closes the
questions it answered and passes the others to the experts, nothing else.
Only the officer sees viewers' personal data.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    OFFICER = "officer"
    PRESENTER = "presenter"
    PRODUCER = "producer"
    EXPERT = "expert"
    AUTOMATION = "automation"
    ANSWERING = "answering"  # the 24-hour answering service (queue/answering), not a person


class Action(StrEnum):
    FLAG = "flag"        # send a question to the experts, with a note
    ANSWER = "answer"    # an expert's answer to a flagged question
    TRIAGE = "triage"    # re-file a comment under another business item
    QUEUE = "queue"      # put a comment in the question queue
    DISMISS = "dismiss"  # not a question for the show
    MARK_ANSWERED = "mark_answered"  # closed without airing it (the desk's A with nothing on air)
    TAKE = "take"        # a card on air
    UPDATE = "update"    # change the data of a card on air
    CLEAR = "clear"      # one layer off air
    PANIC = "panic"      # everything off air at once
    CONFIRM = "confirm"  # confirm a draft knowledge-base answer for air (``confirm`` on a take)
    SOURCE = "source"    # cut the program to another source (test pattern, camera, file, stream)


# The roles a seat may be given (the seats table checks the same list): ``answering`` is
# the answering service's own actor, never a seat.
ROLES: tuple[str, ...] = tuple(role.value for role in Role if role is not Role.ANSWERING)
ACTIONS: tuple[str, ...] = tuple(action.value for action in Action)

_SCREEN = frozenset({Action.TRIAGE, Action.QUEUE, Action.DISMISS, Action.FLAG,
                     Action.MARK_ANSWERED})
_CARDS = frozenset({Action.TAKE, Action.UPDATE, Action.CLEAR, Action.PANIC})

PERMISSIONS: dict[Role, frozenset[Action]] = {
    # Only the officer vouches for a draft answer (not yet reviewed) going on air.
    Role.OFFICER: _SCREEN | _CARDS | {Action.CONFIRM},
    Role.PRESENTER: frozenset({Action.QUEUE, Action.DISMISS, Action.FLAG, Action.MARK_ANSWERED})
    | _CARDS | {Action.SOURCE},
    # Pulling everything off air is a safety control: anyone in the studio may. The producer
    # (制片, in the gallery) cuts the picture: switching sources is the vision mixer's job.
    Role.PRODUCER: _SCREEN | {Action.PANIC, Action.SOURCE},
    Role.EXPERT: frozenset({Action.ANSWER}),
    # A stream deck's camera buttons switch sources too.
    Role.AUTOMATION: _CARDS | {Action.SOURCE},
    # What the answering service decides by itself: an automatic answer closes the question,
    # a question it cannot answer goes to the experts. Never a card, never a re-filing.
    Role.ANSWERING: frozenset({Action.MARK_ANSWERED, Action.FLAG}),
}

# Event families a role receives. Experts work on flagged questions only: they
# get neither the raw feed nor who is on which seat beyond what they need.
EVENT_FAMILIES: dict[Role, frozenset[str]] = {
    Role.OFFICER: frozenset({"comment", "question", "card", "seat", "output"}),
    Role.PRESENTER: frozenset({"comment", "question", "card", "seat", "output"}),
    Role.PRODUCER: frozenset({"comment", "question", "card", "seat", "output"}),
    Role.EXPERT: frozenset({"question", "card", "seat"}),
    Role.AUTOMATION: frozenset({"comment", "question", "card", "seat", "output"}),
    Role.ANSWERING: frozenset({"comment", "question"}),
}


def parse_role(value: str) -> Role:
    """``value`` as a Role, or ValueError listing the roles."""
    try:
        return Role(value)
    except ValueError:
        raise ValueError(f"unknown role {value!r}; roles: {', '.join(ROLES)}") from None


def allowed(role: Role | str, action: Action | str) -> bool:
    """Whether ``role`` may perform ``action`` (unknown roles and actions: never)."""
    try:
        return Action(action) in PERMISSIONS[Role(role)]
    except ValueError:
        return False


def allowed_actions(role: Role | str) -> list[str]:
    """The actions of ``role``, in the matrix's order, for snapshots and docs."""
    return [action.value for action in Action if allowed(role, action)]


def sees_personal(role: Role | str) -> bool:
    """Only the officer sees viewers' names and texts unmasked."""
    return Role(role) is Role.OFFICER


def receives(role: Role | str, event_name: str) -> bool:
    """Whether events called ``event_name`` (``family.what``) go to ``role``."""
    return event_name.split(".", 1)[0] in EVENT_FAMILIES[Role(role)]


def matrix_markdown() -> str:
    """The matrix as a Markdown table (docs/protocol.md is checked against it)."""
    roles = [role.value for role in Role]
    header = "| action | " + " | ".join(roles) + " |"
    rule = "|---" * (len(roles) + 1) + "|"
    rows = [f"| `{action}` | " + " | ".join("yes" if allowed(role, action) else "—" for role in roles)
            + " |" for action in ACTIONS]
    return "\n".join([header, rule, *rows])
