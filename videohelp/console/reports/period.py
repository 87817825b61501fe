"""Report periods: whole show days in Hangzhou time, as millisecond bounds.

The show is made in Hangzhou, so a "day" is a calendar day in China Standard
Time. China has kept UTC+8 without daylight saving since 1991, so a fixed
offset is exact and needs no tz database (which slim installs may lack).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

SHOW_TZ = timezone(timedelta(hours=8), "CST")
DAY_MS = 86_400_000
_OFFSET_MS = 8 * 3_600_000


class PeriodError(ValueError):
    """A date or range that cannot be reported on; the text says why."""


def parse_date(text: str) -> date:
    """``YYYY-MM-DD`` (exactly) to a date; PeriodError with the reason otherwise."""
    text = text.strip()
    if len(text) != 10 or text[4] != "-" or text[7] != "-":
        raise PeriodError(f"{text!r} is not a date in the form YYYY-MM-DD")
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise PeriodError(f"{text!r} is not a valid date: {exc}") from None


def day_start_ms(day: date) -> int:
    """Epoch milliseconds of 00:00 Hangzhou time on ``day``."""
    return int(datetime(day.year, day.month, day.day, tzinfo=SHOW_TZ).timestamp() * 1000)


def day_index(ms: int) -> int:
    """The local day number of an epoch-ms instant (what SQL groups by: see DAY_SQL)."""
    return (ms + _OFFSET_MS) // DAY_MS


def day_of_index(index: int) -> date:
    return date(1970, 1, 1) + timedelta(days=index)


def day_of_ms(ms: int) -> date:
    return day_of_index(day_index(ms))


def local_time(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, SHOW_TZ)


def day_sql(column: str) -> str:
    """SQL for the local day number of an epoch-ms column (integer division, like day_index)."""
    return f"(({column} + {_OFFSET_MS}) / {DAY_MS})"


@dataclass(frozen=True)
class DateRange:
    """Whole days ``first`` .. ``last`` (inclusive)."""

    first: date
    last: date

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise PeriodError(f"the range ends ({self.last}) before it starts ({self.first})")

    @classmethod
    def single(cls, day: date) -> DateRange:
        return cls(day, day)

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def start_ms(self) -> int:
        return day_start_ms(self.first)

    @property
    def end_ms(self) -> int:
        """Exclusive: 00:00 of the day after ``last``."""
        return day_start_ms(self.last + timedelta(days=1))

    def dates(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range(self.days)]

    def shifted(self, days: int) -> DateRange:
        return DateRange(self.first + timedelta(days=days), self.last + timedelta(days=days))

    def previous(self) -> DateRange:
        """The same number of days just before."""
        return self.shifted(-self.days)

    def week_before(self) -> DateRange:
        """The same weekdays whole weeks earlier, not overlapping this range."""
        return self.shifted(-7 * math.ceil(self.days / 7))

    def ending_window(self, days: int) -> DateRange:
        """``days`` days (at least this range's length) ending with ``last``."""
        days = max(days, self.days)
        return DateRange(self.last - timedelta(days=days - 1), self.last)

    def label(self) -> str:
        if self.first == self.last:
            return self.first.isoformat()
        return f"{self.first.isoformat()} – {self.last.isoformat()}"
