"""The figures counted again in plain Python from the builder's own records.

Written from the definitions in docs/reports.md, not from the report's SQL:
if the two disagree, one of them misreads the definitions.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from tests.console.reports.builder import Comment, History

CST = timezone(timedelta(hours=8))
DESK = {"queued", "on_air", "answered", "flagged"}


def bounds(first: date, last: date) -> tuple[int, int]:
    def ms(day: date) -> int:
        return int(datetime(day.year, day.month, day.day, tzinfo=CST).timestamp() * 1000)

    return ms(first), ms(last + timedelta(days=1))


def kind(c: Comment) -> str:
    if c.blocked or c.state == "blocked":
        return "blocked"
    if c.is_question == 1 or c.state in DESK:
        return "question"
    if c.is_question == 0:
        return "chatter"
    return "untriaged"


@dataclass
class Group:
    anchor: int
    first: Comment
    members: list[Comment]
    route: str
    answer_ms: int | None
    flagged: bool
    by_expert: bool = False

    @property
    def wait_ms(self) -> int | None:
        if self.answer_ms is None or self.answer_ms < self.first.received_ms:
            return None
        return self.answer_ms - self.first.received_ms


def local_day(ms: int) -> int:
    return (ms + 8 * 3_600_000) // 86_400_000


def groups(history: History, start: int, end: int) -> list[Group]:
    """Distinct questions: a question with its repeats of the same day."""
    by_id = {c.id: c for c in history.comments}
    expert_answered = {a.comment_id for a in history.expert_answers}
    members: dict[tuple[int, int], list[Comment]] = defaultdict(list)
    for c in history.comments:
        if start <= c.received_ms < end and kind(c) == "question":
            members[(local_day(c.received_ms), c.repeat_of or c.id)].append(c)
    found = []
    for (_, anchor), group in members.items():
        events = [event for cid in {m.id for m in group} | {anchor} for event in by_id[cid].history]
        aired = min((at for at, _, to, _ in events if to == "on_air"), default=None)
        expert = min((at for at, fr, to, _ in events if to == "answered" and fr == "flagged"),
                     default=None)
        answered = min((at for at, _, to, _ in events if to == "answered"), default=None)
        if aired is not None:
            route, when = "on_air", aired
        elif expert is not None:
            route, when = "expert", expert
        elif answered is not None:
            route, when = "other", answered
        else:
            route = "dismissed" if all(m.state == "dismissed" for m in group) else "open"
            when = None
        ids = {m.id for m in group} | {anchor}
        found.append(Group(anchor, min(group, key=lambda m: m.id), group, route, when,
                           any(m.state == "flagged" for m in group),
                           expert is not None or bool(ids & expert_answered)))
    return found


def on_air(history: History, start: int, end: int, now: int) -> dict[int, int]:
    """Milliseconds on air in [start, end) per show; a show without an end runs until the
    next show starts or until now."""
    found = {}
    shows = sorted(history.shows, key=lambda s: s.started_ms)
    for number, show in enumerate(shows):
        finish = show.ended_ms
        if finish is None:
            following = shows[number + 1].started_ms if number + 1 < len(shows) else now
            finish = min(following, now)
        overlap = min(finish, end) - max(show.started_ms, start)
        if overlap > 0:
            found[show.id] = overlap
    return found


def figures(history: History, first: date, last: date, now: int) -> dict:
    """Every figure of the period, by name as the report's Figures has them."""
    start, end = bounds(first, last)
    inside = [c for c in history.comments if start <= c.received_ms < end]
    kinds = Counter(kind(c) for c in inside)
    per_minute = Counter(c.received_ms // 60_000 for c in inside)
    peak_minute = min(per_minute, key=lambda m: (-per_minute[m], m)) if per_minute else None
    found = groups(history, start, end)
    routes = Counter(g.route for g in found)
    waits = [g.wait_ms for g in found if g.wait_ms is not None]
    viewer_days = 0
    day = first
    while day <= last:
        lo, hi = bounds(day, day)
        viewer_days += len({(c.platform, c.user_id) for c in inside if lo <= c.received_ms < hi})
        day += timedelta(days=1)
    shows = on_air(history, start, end, now)
    return {
        "shows": len(shows),
        "hours_on_air": sum(shows.values()) / 3_600_000,
        "comments": len(inside),
        "by_platform": dict(Counter(c.platform for c in inside)),
        "questions": kinds["question"],
        "distinct_questions": len(found),
        "chatter": kinds["chatter"],
        "untriaged": kinds["untriaged"],
        "blocked": kinds["blocked"],
        "viewers": len({(c.platform, c.user_id) for c in inside}),
        "viewer_days": viewer_days,
        "peak_per_minute": per_minute[peak_minute] if peak_minute is not None else 0,
        "peak_minute_ms": peak_minute * 60_000 if peak_minute is not None else None,
        "answered_on_air": routes["on_air"],
        "answered_by_experts": routes["expert"],
        "answered_other": routes["other"],
        "dismissed": routes["dismissed"],
        "unanswered": routes["open"],
        "median_answer_s": statistics.median(waits) / 1000 if waits else None,
        "expert_answered": sum(g.by_expert for g in found),
    }


def item_counts(history: History, first: date, last: date) -> dict[str | None, tuple[int, int, int]]:
    """Per item: (comments asked, distinct questions, distinct answered).

    A question with its repeats belongs to the item of its first comment.
    """
    start, end = bounds(first, last)
    asked: Counter[str | None] = Counter()
    distinct: Counter[str | None] = Counter()
    answered: Counter[str | None] = Counter()
    for g in groups(history, start, end):
        asked[g.first.item] += len(g.members)
        distinct[g.first.item] += 1
        answered[g.first.item] += g.route in ("on_air", "expert", "other")
    return {item: (asked[item], distinct[item], answered[item]) for item in asked}
