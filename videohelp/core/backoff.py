"""Exponential backoff for reconnecting sources and outputs (pure, no I/O)."""

from __future__ import annotations

import random


class Backoff:
    """Delays of ``initial * factor**n`` seconds, capped at ``maximum``, with optional jitter.

    Jitter (a fraction of the delay, both ways) keeps several outputs that lost
    the same server from hammering it in lockstep when it comes back.
    """

    def __init__(self, initial: float = 0.5, factor: float = 2.0, maximum: float = 10.0,
                 jitter: float = 0.1, rng: random.Random | None = None) -> None:
        if initial <= 0 or factor < 1 or maximum < initial or not 0 <= jitter < 1:
            raise ValueError("backoff needs 0 < initial <= maximum, factor >= 1, 0 <= jitter < 1")
        self.initial, self.factor, self.maximum, self.jitter = initial, factor, maximum, jitter
        self._rng = rng or random.Random()
        self.attempts = 0

    def next(self) -> float:
        """The delay before the next attempt; each call lengthens the one after."""
        delay = min(self.initial * self.factor ** self.attempts, self.maximum)
        self.attempts += 1
        if self.jitter:
            delay *= 1 + self._rng.uniform(-self.jitter, self.jitter)
        return delay

    def reset(self) -> None:
        """Back to the initial delay (after a connection that worked for a while)."""
        self.attempts = 0
