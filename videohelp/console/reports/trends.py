"""Trends: the period against the one before, the same days a week earlier, and recent days."""

from __future__ import annotations

from dataclasses import dataclass

from videohelp.console.reports.figures import DayFigures, Figures

WINDOW_DAYS = 14

# (attribute, Chinese label, English label); daily averages exist for DayFigures fields.
METRICS = (
    ("hours_on_air", "直播时长（小时）", "Hours on air"),
    ("comments", "评论数", "Comments"),
    ("questions", "提问数", "Questions asked"),
    ("viewers", "互动观众", "Distinct viewers"),
    ("answered", "已解答", "Questions answered"),
    ("unanswered", "未解答", "Left unanswered"),
    ("median_answer_s", "解答用时中位数（秒）", "Median time to answer (s)"),
    ("peak_per_minute", "每分钟评论峰值", "Peak comments per minute"),
)
_DAILY = {"hours_on_air", "comments", "questions", "viewers", "answered"}


@dataclass(frozen=True, slots=True)
class TrendRow:
    key: str
    label_zh: str
    label_en: str
    value: float | None
    previous: float | None
    week_before: float | None
    daily_average: float | None  # over the window's days

    @property
    def vs_previous(self) -> float | None:
        return change(self.value, self.previous)

    @property
    def vs_week_before(self) -> float | None:
        return change(self.value, self.week_before)


@dataclass(frozen=True)
class Trends:
    series: list[DayFigures]  # one per day of the window, oldest first
    previous: Figures
    week_before: Figures
    rows: list[TrendRow]

    @property
    def window_days(self) -> int:
        return len(self.series)


def change(value: float | None, base: float | None) -> float | None:
    """Relative change (0.25 = +25 %); None when there is nothing to compare with."""
    if value is None or base is None or base == 0:
        return None
    return (value - base) / base


def compute_trends(figures: Figures, window: list[DayFigures], previous: Figures,
                   week_before: Figures) -> Trends:
    rows = []
    for key, zh, en in METRICS:
        average = None
        if key in _DAILY and window:
            average = sum(getattr(day, key) for day in window) / len(window)
        rows.append(TrendRow(key, zh, en, getattr(figures, key), getattr(previous, key),
                             getattr(week_before, key), average))
    return Trends(window, previous, week_before, rows)
