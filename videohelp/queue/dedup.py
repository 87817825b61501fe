"""Merging repeats (pure): which stored comment a new one repeats, if any.

A comment is a repeat (``repeat_of`` = the first comment's id) when

1. the same viewer sent the same text within ``viewer_window_ms``;
2. the same text arrived from another platform within ``text_window_ms``
   (a viewer asking on Douyin and in the app, a relay echoing another). On one
   platform, different viewers asking the same thing stay separate comments:
   each is a viewer the show may answer;
3. the viewer is spamming: more than ``burst`` comments within
   ``burst_window_ms``; the extra ones collapse under the viewer's last
   comment that was shown, so one viewer cannot bury the others.

"The same text" compares a folded key: case, spaces, punctuation and symbols
are ignored, so "驾照怎么换？" and "驾照 怎么换!!" are one question. Time is the
console's receive time, not the platform's, so replays of old recordings and
platform clock skew do not matter.

The tracker lives on the writer thread, beside the database ids it refers to.
Everything it remembers is bounded by its windows and by ``max_keys``.
"""

from __future__ import annotations

import re
from collections import OrderedDict, deque
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from videohelp.queue.comments import IncomingComment

_NON_WORD = re.compile(r"[\W_]+")


@dataclass(frozen=True, slots=True)
class RepeatRules:
    """When comments count as repeats (times in milliseconds)."""

    viewer_window_ms: int = 600_000
    text_window_ms: int = 120_000
    burst: int = 5
    burst_window_ms: int = 10_000
    max_keys: int = 200_000


def repeat_key(text: str) -> str:
    """The folded form two texts must share to be "the same text".

    Letters, digits and ideographs (``str.isalnum``) are kept, casefolded;
    spaces, punctuation, symbols and emoji are dropped.
    """
    folded = _NON_WORD.sub("", text.casefold())
    # A text of only punctuation or emoji ("？？？", "👍👍") keeps its own form.
    return folded or text


@dataclass(frozen=True, slots=True)
class Seen:
    """A stored comment the tracker may point repeats at."""

    comment_id: int
    platform: str
    user_id: str
    text: str
    at_ms: int
    repeat_of: int | None
    key: str = ""  # repeat_key(text), if the caller has it already


class RepeatTracker:
    """Decides ``repeat_of`` for incoming comments; remembers what was stored.

    Use: ``expire(now)`` once per batch, then per comment ``check`` and, if it
    was stored, ``record``. Times only move forward (receive times).
    """

    def __init__(self, rules: RepeatRules | None = None) -> None:
        self.rules = rules or RepeatRules()
        # Insertion order is time order, so expiry pops from the front.
        self._texts: OrderedDict[str, tuple[int, int, str]] = OrderedDict()
        self._viewer_texts: OrderedDict[tuple[str, str, str], tuple[int, int]] = OrderedDict()
        # Per viewer, ordered by latest activity: recent receive times, last shown id.
        self._arrivals: OrderedDict[tuple[str, str], deque[int]] = OrderedDict()
        self._shown: dict[tuple[str, str], int] = {}

    def __len__(self) -> int:
        return len(self._texts) + len(self._viewer_texts) + len(self._arrivals)

    def check(self, comment: IncomingComment, now_ms: int, key: str | None = None) -> int | None:
        """The id ``comment`` repeats, or None. Does not remember ``comment``."""
        rules = self.rules
        key = repeat_key(comment.text) if key is None else key
        viewer = (comment.platform, comment.user_id)
        hit = self._viewer_texts.get((*viewer, key))
        if hit is not None and now_ms - hit[1] <= rules.viewer_window_ms:
            return hit[0]
        other = self._texts.get(key)
        if (other is not None and other[2] != comment.platform
                and now_ms - other[1] <= rules.text_window_ms):
            return other[0]
        arrivals = self._arrivals.get(viewer)
        if arrivals is not None:
            horizon = now_ms - rules.burst_window_ms
            while arrivals and arrivals[0] <= horizon:
                arrivals.popleft()
            if len(arrivals) >= rules.burst:
                return self._shown.get(viewer)
        return None

    def record(self, seen: Seen) -> None:
        """Remember a comment that was just stored (with what ``check`` said)."""
        key = seen.key or repeat_key(seen.text)
        viewer = (seen.platform, seen.user_id)
        arrivals = self._arrivals.pop(viewer, None)
        if arrivals is None:
            arrivals = deque(maxlen=self.rules.burst + 1)
        arrivals.append(seen.at_ms)
        self._arrivals[viewer] = arrivals  # re-inserted: most recently active last
        if seen.repeat_of is None:
            self._shown[viewer] = seen.comment_id
            entry = (seen.comment_id, seen.at_ms)
            # pop first: a re-inserted key must move to the end (time order).
            self._viewer_texts.pop((*viewer, key), None)
            self._viewer_texts[(*viewer, key)] = entry
            self._texts.pop(key, None)
            self._texts[key] = (*entry, seen.platform)

    def prime(self, recent: Iterable[Seen]) -> None:
        """Rebuild the state from stored comments (oldest first), e.g. after a restart."""
        for seen in recent:
            self.record(seen)
        self._trim()

    def reset(self) -> None:
        """Forget everything (after a failed commit, ids remembered may not exist)."""
        self._texts.clear()
        self._viewer_texts.clear()
        self._arrivals.clear()
        self._shown.clear()

    def expire(self, now_ms: int) -> None:
        """Drop what is older than its window, and the oldest beyond ``max_keys``.

        Called once per batch: memory is bounded by the windows and ``max_keys``
        (plus at most one batch).
        """
        self._trim()
        tables: tuple[tuple[OrderedDict[Any, Any], int], ...] = (
            (self._texts, self.rules.text_window_ms),
            (self._viewer_texts, self.rules.viewer_window_ms))
        for table, window in tables:
            while table:
                entry = next(iter(table.values()))  # (id, at_ms, ...)
                if now_ms - entry[1] <= window:
                    break
                table.popitem(last=False)
        horizon = now_ms - self.rules.burst_window_ms
        while self._arrivals:
            viewer, arrivals = next(iter(self._arrivals.items()))
            if arrivals and arrivals[-1] > horizon:
                break
            del self._arrivals[viewer]
            self._shown.pop(viewer, None)

    def _trim(self) -> None:
        limit = self.rules.max_keys
        for table in (self._texts, self._viewer_texts):
            while len(table) > limit:
                table.popitem(last=False)
        while len(self._arrivals) > limit:
            viewer, _ = self._arrivals.popitem(last=False)
            self._shown.pop(viewer, None)
