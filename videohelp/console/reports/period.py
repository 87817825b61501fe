"""Report periods: whole show days in the show's time zone, as millisecond bounds.

A "day" is a calendar day in the show's one time zone (the setting
``show.timezone``, ``core.show_time``; the clock card reads the same), by
default Asia/Shanghai: the show is made in Hangzhou. A ``DateRange`` carries
its zone, so its bounds, its SQL day numbers and its local times agree. In a
zone with daylight saving a day may have 23 or 25 hours: the SQL day number
then switches offset at the transition instants inside the period (China has
none, so there it is one addition and one division per row, as before).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta, tzinfo

from videohelp.core.show_time import DEFAULT_ZONE, show_zone

SHOW_TZ = show_zone(DEFAULT_ZONE)
DAY_MS = 86_400_000
_EPOCH = date(1970, 1, 1)


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


def day_start_ms(day: date, zone: tzinfo = SHOW_TZ) -> int:
    """Epoch milliseconds of 00:00 in ``zone`` (the show's) on ``day``."""
    return int(datetime(day.year, day.month, day.day, tzinfo=zone).timestamp() * 1000)


def offset_ms(ms: int, zone: tzinfo = SHOW_TZ) -> int:
    """``zone``'s offset from UTC at the instant ``ms``, in milliseconds."""
    offset = datetime.fromtimestamp(ms / 1000, UTC).astimezone(zone).utcoffset()
    return int(offset.total_seconds() * 1000) if offset is not None else 0


def day_index(ms: int, zone: tzinfo = SHOW_TZ) -> int:
    """The local day number (days since 1970-01-01) of an epoch-ms instant in ``zone``
    (what the SQL of ``day_sql`` groups by)."""
    return (ms + offset_ms(ms, zone)) // DAY_MS


def day_of_index(index: int) -> date:
    return _EPOCH + timedelta(days=index)


def day_of_ms(ms: int, zone: tzinfo = SHOW_TZ) -> date:
    return day_of_index(day_index(ms, zone))


def local_time(ms: int, zone: tzinfo = SHOW_TZ) -> datetime:
    return datetime.fromtimestamp(ms / 1000, zone)


def day_sql(column: str, zone: tzinfo = SHOW_TZ, start_ms: int = 0, end_ms: int = 0) -> str:
    """SQL for the local day number of an epoch-ms column, like ``day_index``, for the rows
    between ``start_ms`` and ``end_ms``: one offset, or a CASE at each change of offset
    (daylight saving) inside that span."""
    segments = offset_segments(zone, start_ms, end_ms)
    if len(segments) == 1:
        return f"(({column} + {segments[0][1]}) / {DAY_MS})"
    whens = " ".join(f"WHEN {column} < {until} THEN ({column} + {offset}) / {DAY_MS}"
                     for until, offset in segments[:-1])
    return f"(CASE {whens} ELSE ({column} + {segments[-1][1]}) / {DAY_MS} END)"


def offset_segments(zone: tzinfo, start_ms: int, end_ms: int) -> list[tuple[int, int]]:
    """``zone``'s offsets over [start_ms, end_ms): (until_ms, offset_ms) pairs, the last one
    open-ended. Transitions are found to the minute (every zone changes on a whole minute)."""
    offset = offset_ms(start_ms, zone)
    segments: list[tuple[int, int]] = []
    step = 6 * 3_600_000  # no zone changes offset twice within six hours
    at = start_ms
    while at < end_ms:
        following = min(at + step, end_ms)
        if offset_ms(following, zone) != offset:
            low, high = at, following  # offset(low) == offset, offset(high) differs
            while high - low > 60_000:
                middle = (low + high) // 2 // 60_000 * 60_000
                if middle <= low:
                    break
                if offset_ms(middle, zone) == offset:
                    low = middle
                else:
                    high = middle
            segments.append((high, offset))
            offset = offset_ms(high, zone)
            at = high
        else:
            at = following
    segments.append((end_ms, offset))
    return segments


@dataclass(frozen=True)
class DateRange:
    """Whole days ``first`` .. ``last`` (inclusive) in ``zone`` (the show's time zone)."""

    first: date
    last: date
    zone: tzinfo = field(default=SHOW_TZ, compare=False)

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise PeriodError(f"the range ends ({self.last}) before it starts ({self.first})")

    @classmethod
    def single(cls, day: date, zone: tzinfo = SHOW_TZ) -> DateRange:
        return cls(day, day, zone)

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def start_ms(self) -> int:
        return day_start_ms(self.first, self.zone)

    @property
    def end_ms(self) -> int:
        """Exclusive: 00:00 of the day after ``last``."""
        return day_start_ms(self.last + timedelta(days=1), self.zone)

    def day_sql(self, column: str) -> str:
        """SQL for the local day number of ``column`` (epoch ms) within this period."""
        return day_sql(column, self.zone, self.start_ms, self.end_ms)

    def day_index(self, ms: int) -> int:
        return day_index(ms, self.zone)

    def local_time(self, ms: int) -> datetime:
        return local_time(ms, self.zone)

    def dates(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range(self.days)]

    def shifted(self, days: int) -> DateRange:
        return replace(self, first=self.first + timedelta(days=days),
                       last=self.last + timedelta(days=days))

    def previous(self) -> DateRange:
        """The same number of days just before."""
        return self.shifted(-self.days)

    def week_before(self) -> DateRange:
        """The same weekdays whole weeks earlier, not overlapping this range."""
        return self.shifted(-7 * math.ceil(self.days / 7))

    def ending_window(self, days: int) -> DateRange:
        """``days`` days (at least this range's length) ending with ``last``."""
        days = max(days, self.days)
        return replace(self, first=self.last - timedelta(days=days - 1))

    def label(self) -> str:
        if self.first == self.last:
            return self.first.isoformat()
        return f"{self.first.isoformat()} – {self.last.isoformat()}"
