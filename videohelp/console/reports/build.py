"""Building a report: every figure, the top questions, follow-ups and the script.

``build_report`` reports progress through a plain callback, ``progress(done,
total, label)``, called before each step and once at the end, so a command
line can print it and a desk can drive a progress bar from a worker thread. A
callback may raise ``ReportCancelled`` to stop the work between steps.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from videohelp.console.pocket.review import ClipFigures, clip_figures, script_note
from videohelp.console.reports.answers import AnswerFinder, KbAnswer
from videohelp.console.reports.figures import (
    Figures,
    Published,
    compute_days,
    distinct_viewers,
    figures_of,
    published,
)
from videohelp.console.reports.period import DateRange
from videohelp.console.reports.questions import (
    ClassTop,
    FollowUp,
    TopItem,
    followup_list,
    overall_top,
    top_questions,
)
from videohelp.console.reports.script import SCRIPT_ITEMS, draft_script
from videohelp.console.reports.trends import WINDOW_DAYS, Trends, compute_trends
from videohelp.core.catalog import Catalog, studio_catalog
from videohelp.core.store import Store

Progress = Callable[[int, int, str], None]

STEPS = (
    "counting the days",
    "distinct viewers",
    "top questions",
    "follow-up list",
    "script",
)


class ReportCancelled(Exception):
    """Raised by a progress callback to abandon a report."""


@dataclass(frozen=True)
class Report:
    """A finished report: what every renderer reads."""

    period: DateRange
    generated_ms: int
    figures: Figures
    published: Published
    trends: Trends
    classes: list[ClassTop]
    top: list[TopItem]  # the most asked items overall (the script's questions)
    followup: list[FollowUp]
    script: str
    clips: ClipFigures = field(default_factory=ClipFigures)  # 锦囊口袋 (issue 18)


def _no_progress(done: int, total: int, label: str) -> None:
    pass


def build_report(conn: sqlite3.Connection, period: DateRange, *, catalog: Catalog | None = None,
                 kb: dict[str, list[KbAnswer]] | None = None, progress: Progress | None = None,
                 now_ms: int | None = None, top_limit: int = 10) -> Report:
    """Compute the report for ``period`` from an open connection (read only).

    Items are named as the studio's catalog names them now (``studio_catalog``:
    edits made in the desk included), unless ``catalog`` is given.
    """
    report_progress = progress or _no_progress
    catalog = catalog or studio_catalog(conn)
    now_ms = int(time.time() * 1000) if now_ms is None else now_ms
    total = len(STEPS)

    def step(number: int) -> None:
        report_progress(number, total, STEPS[number])

    # One pass over every day the report compares: the period, the one before, the same
    # days a week earlier and the trend window (days add up; see figures).
    previous, week_before = period.previous(), period.week_before()
    window = period.ending_window(WINDOW_DAYS)
    union = DateRange(min(previous.first, week_before.first, window.first), period.last,
                      period.zone)
    step(0)
    days = compute_days(conn, union, now_ms=now_ms)
    step(1)

    def viewers(part: DateRange) -> int | None:
        return distinct_viewers(conn, part) if part.days > 1 else None

    figures = figures_of(period, days, viewers(period))
    # Issue 19 hook: the 24-hour answering service's counts.
    from videohelp.queue.answering.log import report_figures
    off_air = report_figures(conn, period.start_ms, period.end_ms)
    figures = replace(figures, asked_off_air=off_air["asked_off_air"],
                      auto_answered=off_air["auto_answered"], passed_on=off_air["passed_on"])
    trends = compute_trends(figures, [d for d in days if window.first <= d.day <= window.last],
                            figures_of(previous, days, viewers(previous)),
                            figures_of(week_before, days, viewers(week_before)))
    step(2)
    answers = AnswerFinder(conn, period.start_ms, period.end_ms, kb)
    classes = top_questions(conn, figures, catalog, answers)
    top = overall_top(classes, top_limit)
    step(3)
    followup = followup_list(conn, period, catalog)
    step(4)
    script = draft_script(period, top, SCRIPT_ITEMS)
    clips = clip_figures(conn, period.start_ms, period.end_ms, catalog)
    note = script_note(clips)  # the editor's pointer to the clips to record next
    if note:
        head, _, rest = script.partition("\n\n")
        script = f"{head}\n{note}\n\n{rest}"
    report_progress(total, total, "done")
    return Report(period, now_ms, figures, published(figures), trends, classes, top, followup, script,
                  clips)


def build_report_from(database: Path, period: DateRange, **kwargs: Any) -> Report:
    """Open ``database`` (its own connection, so any thread may call this) and build."""
    if not Path(database).exists():
        raise FileNotFoundError(f"no database at {database}: nothing to report on")
    store = Store(database)
    try:
        return build_report(store.conn, period, **kwargs)
    finally:
        store.close()
