"""Report periods (Hangzhou days) and show sessions (on air, off air, crash recovery)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from videohelp.console.reports.period import DateRange, PeriodError, day_of_ms, parse_date
from videohelp.console.reports.shows import RECOVERED_NOTE, close_show, open_show, show_spans
from videohelp.core.store import Store

CST = timezone(timedelta(hours=8))
HOUR = 3_600_000


@pytest.mark.parametrize(("text", "reason"), [
    ("2024-13-01", "month must be in 1..12"),
    ("2024-02-30", "day is out of range"),
    ("2024/05/06", "YYYY-MM-DD"),
    ("24-05-06", "YYYY-MM-DD"),
    ("yesterday", "YYYY-MM-DD"),
    ("", "YYYY-MM-DD"),
])
def test_bad_dates_are_refused_with_the_reason(text: str, reason: str) -> None:
    with pytest.raises(PeriodError, match=reason):
        parse_date(text)


def test_a_day_is_a_hangzhou_calendar_day() -> None:
    day = DateRange.single(parse_date("2024-05-06"))
    assert day.start_ms == int(datetime(2024, 5, 6, tzinfo=CST).timestamp() * 1000)
    assert day.end_ms - day.start_ms == 24 * HOUR
    assert day_of_ms(day.start_ms) == date(2024, 5, 6)
    assert day_of_ms(day.end_ms - 1) == date(2024, 5, 6)
    assert day_of_ms(day.end_ms) == date(2024, 5, 7)
    # 23:30 UTC on the 5th is 07:30 on the 6th in Hangzhou.
    assert day_of_ms(int(datetime(2024, 5, 5, 23, 30, tzinfo=UTC).timestamp() * 1000)) \
        == date(2024, 5, 6)


def test_comparison_periods() -> None:
    week = DateRange(date(2024, 5, 6), date(2024, 5, 12))
    assert week.days == 7
    assert week.previous() == DateRange(date(2024, 4, 29), date(2024, 5, 5))
    assert DateRange.single(date(2024, 5, 6)).week_before() == DateRange.single(date(2024, 4, 29))
    month = DateRange(date(2024, 5, 1), date(2024, 5, 31))
    assert month.week_before() == month.shifted(-35)  # whole weeks, not overlapping
    assert DateRange.single(date(2024, 5, 6)).ending_window(14).first == date(2024, 4, 23)
    with pytest.raises(PeriodError, match="before it starts"):
        DateRange(date(2024, 5, 6), date(2024, 5, 5))


def test_shows_open_close_and_a_crashed_show_is_closed_at_its_last_activity(tmp_path) -> None:
    store = Store(tmp_path / "shows.sqlite3")
    start = int(datetime(2024, 5, 6, 10, tzinfo=CST).timestamp() * 1000)
    first = open_show(store, "desk", start)
    close_show(store, first, start + 2 * HOUR)
    close_show(store, first, start + 5 * HOUR)  # a second close keeps the first end
    crashed = open_show(store, "desk", start + 9 * HOUR)
    with store.transaction() as conn:  # the crashed show's last comment, 40 minutes in
        conn.execute(
            "INSERT INTO comments (platform, msg_id, user_id, user_name, user_name_masked, text,"
            " text_masked, ts_ms, received_ms) VALUES ('app', 'm1', 'u', 'n', 'n', 't', 't', 0, ?)",
            (start + 9 * HOUR + 40 * 60_000,))
    following = open_show(store, "desk", start + 11 * HOUR)
    rows = {row["id"]: dict(row) for row in store.conn.execute("SELECT * FROM shows")}
    assert rows[first]["ended_ms"] == start + 2 * HOUR
    assert rows[crashed]["ended_ms"] == start + 9 * HOUR + 40 * 60_000
    assert rows[crashed]["end_note"] == RECOVERED_NOTE
    assert rows[following]["ended_ms"] is None
    day = DateRange.single(date(2024, 5, 6))
    spans = show_spans(store.conn, day.start_ms, day.end_ms, now=start + 12 * HOUR)
    assert [(s.id, s.ended_ms - s.started_ms, s.open) for s in spans] == [
        (first, 2 * HOUR, False), (crashed, 40 * 60_000, False), (following, HOUR, True)]
    store.close()
