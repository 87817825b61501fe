"""The show's one time zone: the clock card and the daily review read the same day and hour.

A setting (``show.timezone``, default Asia/Shanghai: Hangzhou's studio). Slim
installs may lack the tz database; then the fixed UTC+8 offset stands in for
the default (China has no daylight saving) and any other name is refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_ZONE = "Asia/Shanghai"
_FALLBACK = dt.timezone(dt.timedelta(hours=8), "CST")


def show_zone(name: str = DEFAULT_ZONE) -> dt.tzinfo:
    """The zone ``name``; ValueError if it is unknown."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        if name == DEFAULT_ZONE:
            return _FALLBACK
        raise ValueError(f"unknown time zone {name!r}") from exc


def zone_problem(name: str) -> str | None:
    """For the setting's check: what is wrong with ``name``, or None."""
    try:
        show_zone(name)
    except ValueError as exc:
        return str(exc)
    return None


def show_clock(name: str = DEFAULT_ZONE) -> Callable[[], dt.datetime]:
    """``now`` in the show's zone, as a naive wall-clock time (as cards print it)."""
    zone = show_zone(name)
    return lambda: dt.datetime.now(zone).replace(tzinfo=None)
