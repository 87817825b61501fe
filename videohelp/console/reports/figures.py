"""The show's figures for a period, computed in SQL over the store.

A comment belongs to the day the console received it (``received_ms``, the
console's own clock: platforms' clocks drift and bridges may replay). What
counts as a question and how it was answered is defined in ``status``.

Every figure but one is computed per day and adds up over days, so one set
of passes over a window serves the report's period, the period before, the
same days a week earlier and the daily trend. The exception is distinct
viewers over several days (a viewer of two days is one viewer), which has a
query of its own.
"""

from __future__ import annotations

import sqlite3
import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from videohelp.console.reports.period import DateRange, day_of_index, day_start_ms
from videohelp.console.reports.shows import ShowSpan, show_spans
from videohelp.console.reports.status import ANSWERED_ROUTES, IN_RANGE, KIND, questions_sql

_EPOCH = date(1970, 1, 1)


@dataclass(frozen=True, slots=True)
class ItemCount:
    """Questions about one item: comments, distinct questions, distinct ones answered."""

    asked: int = 0
    distinct: int = 0
    answered: int = 0

    def __add__(self, other: ItemCount) -> ItemCount:
        return ItemCount(self.asked + other.asked, self.distinct + other.distinct,
                         self.answered + other.answered)


@dataclass
class DayFigures:
    """Everything counted for one day (all additive but ``viewers`` over several days)."""

    day: date
    by_platform: Counter[str] = field(default_factory=Counter)
    kinds: Counter[str] = field(default_factory=Counter)  # questions, chatter, untriaged, blocked
    viewers: int = 0
    peak_per_minute: int = 0
    peak_minute_ms: int | None = None
    routes: Counter[str] = field(default_factory=Counter)  # on_air, expert, other, dismissed, open
    expert_answered: int = 0  # distinct questions an expert answered, however it aired
    waits_ms: list[int] = field(default_factory=list)
    items: dict[str | None, ItemCount] = field(default_factory=dict)
    on_air_ms: int = 0
    show_ids: set[int] = field(default_factory=set)

    @property
    def comments(self) -> int:
        return sum(self.by_platform.values())

    @property
    def questions(self) -> int:
        return self.kinds["questions"]

    @property
    def answered(self) -> int:
        return sum(self.routes[route] for route in ANSWERED_ROUTES)

    @property
    def hours_on_air(self) -> float:
        return self.on_air_ms / 3_600_000


@dataclass(frozen=True)
class Figures:
    """Everything the review counts for one period."""

    period: DateRange
    shows: int
    hours_on_air: float
    comments: int
    by_platform: dict[str, int]
    questions: int  # question comments, repeats included: how often viewers asked
    distinct_questions: int
    chatter: int
    untriaged: int
    blocked: int
    viewers: int
    viewer_days: int  # distinct viewers summed over days: the published "人次"
    peak_per_minute: int
    peak_minute_ms: int | None
    # The routes partition the distinct questions (see ``status``).
    answered_on_air: int
    answered_by_experts: int  # the route: answered by experts and not aired
    answered_other: int
    dismissed: int
    unanswered: int
    median_answer_s: float | None
    expert_answered: int = 0  # apart from the routes: every question an expert answered
    items: dict[str | None, ItemCount] = field(default_factory=dict)
    days: list[DayFigures] = field(default_factory=list)
    # 24-hour answers (issue 19, queue/answering/log.py): questions asked through the service
    # while no show was on air, answered automatically, and business questions passed on.
    asked_off_air: int = 0
    auto_answered: int = 0
    passed_on: int = 0

    @property
    def answered(self) -> int:
        return self.answered_on_air + self.answered_by_experts + self.answered_other


def _split_by_day(spans: Iterable[ShowSpan], days: dict[int, DayFigures], period: DateRange) -> None:
    """Add each show's time on air to the days it covers, splitting at local midnight."""
    for span in spans:
        begin = span.started_ms
        while begin < span.ended_ms:
            index = period.day_index(begin)
            finish = min(span.ended_ms, day_start_ms(day_of_index(index + 1), period.zone))
            if index in days:
                days[index].on_air_ms += finish - begin
                days[index].show_ids.add(span.id)
            begin = finish


def compute_days(conn: sqlite3.Connection, period: DateRange, *,
                 now_ms: int | None = None) -> list[DayFigures]:
    """Each day of ``period`` counted (four SQL passes over the period's comments)."""
    bounds = {"start": period.start_ms, "end": period.end_ms}
    days = {(d - _EPOCH).days: DayFigures(d) for d in period.dates()}
    day = period.day_sql("c.received_ms")
    for row in conn.execute(
            f"SELECT {day} AS d, c.platform, {KIND} AS kind, count(*) AS n"
            f" FROM comments c WHERE {IN_RANGE} GROUP BY d, c.platform, kind", bounds):
        days[row["d"]].by_platform[row["platform"]] += row["n"]
        days[row["d"]].kinds[row["kind"]] += row["n"]
    for index, viewers in conn.execute(
            f"SELECT d, count(*) FROM (SELECT DISTINCT {day} AS d, c.platform, c.user_id"
            f" FROM comments c WHERE {IN_RANGE}) GROUP BY d", bounds):
        days[index].viewers = viewers
    # Per minute, the busiest first: the first row seen for a day is its peak.
    for minute, count in conn.execute(
            f"SELECT c.received_ms / 60000 AS m, count(*) AS n FROM comments c WHERE {IN_RANGE}"
            " GROUP BY m ORDER BY n DESC, m", bounds):
        current = days[period.day_index(minute * 60_000)]
        if current.peak_minute_ms is None:
            current.peak_per_minute, current.peak_minute_ms = count, minute * 60_000
    for row in conn.execute(
            f"{questions_sql(period)} SELECT day, item, route, count(*) AS n, sum(asked) AS asked,"
            " sum(by_expert) AS by_expert, group_concat(wait_ms) AS waits FROM s"
            " GROUP BY day, item, route", bounds):
        current = days[row["day"]]
        current.routes[row["route"]] += row["n"]
        current.expert_answered += row["by_expert"] or 0
        answered = row["n"] if row["route"] in ANSWERED_ROUTES else 0
        current.items[row["item"]] = (current.items.get(row["item"], ItemCount())
                                      + ItemCount(row["asked"], row["n"], answered))
        if row["waits"]:
            current.waits_ms.extend(int(wait) for wait in row["waits"].split(","))
    _split_by_day(show_spans(conn, period.start_ms, period.end_ms, now_ms), days, period)
    return [days[index] for index in sorted(days)]


def distinct_viewers(conn: sqlite3.Connection, period: DateRange) -> int:
    return int(conn.execute(
        f"SELECT count(*) FROM (SELECT DISTINCT c.platform, c.user_id FROM comments c WHERE {IN_RANGE})",
        {"start": period.start_ms, "end": period.end_ms}).fetchone()[0])


def figures_of(period: DateRange, days: Iterable[DayFigures], viewers: int | None = None) -> Figures:
    """The period's figures from its days (``viewers``: distinct over the period, needed
    when it has several days)."""
    chosen = [d for d in days if period.first <= d.day <= period.last]
    if viewers is None:
        if period.days > 1:
            raise ValueError("distinct viewers over several days need their own count")
        viewers = chosen[0].viewers if chosen else 0
    by_platform: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    routes: Counter[str] = Counter()
    items: dict[str | None, ItemCount] = {}
    waits: list[int] = []
    for current in chosen:
        by_platform.update(current.by_platform)
        kinds.update(current.kinds)
        routes.update(current.routes)
        waits.extend(current.waits_ms)
        for item, counts in current.items.items():
            items[item] = items.get(item, ItemCount()) + counts
    peak = max(chosen, key=lambda d: (d.peak_per_minute, -(d.peak_minute_ms or 0)), default=None)
    return Figures(
        period=period,
        shows=len(set().union(*(d.show_ids for d in chosen))),
        hours_on_air=sum(d.on_air_ms for d in chosen) / 3_600_000,
        comments=sum(by_platform.values()),
        by_platform=dict(sorted(by_platform.items(), key=lambda kv: (-kv[1], kv[0]))),
        questions=kinds["questions"],
        distinct_questions=sum(routes.values()),
        chatter=kinds["chatter"],
        untriaged=kinds["untriaged"],
        blocked=kinds["blocked"],
        viewers=viewers,
        viewer_days=sum(d.viewers for d in chosen),
        peak_per_minute=peak.peak_per_minute if peak else 0,
        peak_minute_ms=peak.peak_minute_ms if peak else None,
        answered_on_air=routes["on_air"],
        answered_by_experts=routes["expert"],
        answered_other=routes["other"],
        dismissed=routes["dismissed"],
        unanswered=routes["open"],
        median_answer_s=statistics.median(waits) / 1000 if waits else None,
        expert_answered=sum(d.expert_answered for d in chosen),
        items=items,
        days=chosen,
    )


def compute_figures(conn: sqlite3.Connection, period: DateRange, *,
                    now_ms: int | None = None) -> Figures:
    """All figures for ``period``."""
    days = compute_days(conn, period, now_ms=now_ms)
    return figures_of(period, days, distinct_viewers(conn, period) if period.days > 1 else None)


@dataclass(frozen=True, slots=True)
class Published:
    """The figures the show publishes: hours streamed, people served, questions handled."""

    period: DateRange
    shows: int
    hours_streamed: float
    people_served: int  # distinct viewers per day, summed (人次)
    questions_asked: int
    questions_handled: int

    def text(self) -> str:
        """The one line a press release would carry."""
        return (f"{self.period.label()}：直播{self.shows}场、{self.hours_streamed:.1f}小时，"
                f"服务群众{self.people_served}人次，受理咨询{self.questions_asked}个，"
                f"解答{self.questions_handled}个。")


def published(figures: Figures) -> Published:
    return Published(figures.period, figures.shows, figures.hours_on_air, figures.viewer_days,
                     figures.questions, figures.answered)
