"""The comment state machine (pure): which transitions are allowed.

new -> triaged -> queued -> on_air -> answered, plus flagged (to experts),
dismissed and blocked. Anything not listed is refused, so a stale desk cannot
put an answered or blocked comment back on air.
"""

from __future__ import annotations

from videohelp.queue.comments import State

TRANSITIONS: dict[State, frozenset[State]] = {
    State.NEW: frozenset({State.TRIAGED, State.QUEUED, State.ON_AIR, State.FLAGGED,
                          State.DISMISSED, State.BLOCKED}),
    State.TRIAGED: frozenset({State.TRIAGED, State.QUEUED, State.ON_AIR, State.FLAGGED,
                              State.DISMISSED, State.BLOCKED}),
    State.QUEUED: frozenset({State.TRIAGED, State.ON_AIR, State.FLAGGED, State.DISMISSED,
                             State.BLOCKED, State.ANSWERED}),
    State.ON_AIR: frozenset({State.ANSWERED, State.QUEUED, State.FLAGGED}),
    State.FLAGGED: frozenset({State.QUEUED, State.ON_AIR, State.ANSWERED, State.DISMISSED}),
    State.ANSWERED: frozenset({State.QUEUED}),
    State.DISMISSED: frozenset({State.TRIAGED, State.QUEUED}),
    State.BLOCKED: frozenset(),  # blocked text never airs; only a new comment can
}


class TransitionError(ValueError):
    """A state change the workflow does not allow."""


def check_transition(current: State, target: State) -> None:
    if target not in TRANSITIONS[current]:
        raise TransitionError(f"cannot go from {current.value} to {target.value}")
