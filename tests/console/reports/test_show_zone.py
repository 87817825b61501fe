"""The review's days are the show's time zone's days (``show.timezone``), like the clock card's.

A studio in London: a question at 23:30 local time belongs to that day (in Hangzhou it would
be 06:30 the next morning), in the figures' SQL, the follow-up list and ``videohelp report
--date``; a day with a daylight-saving change has 23 hours and its comments still land on it.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
from datetime import date, datetime

from videohelp.console.reports.figures import compute_figures
from videohelp.console.reports.period import DateRange, day_index, day_of_ms
from videohelp.console.reports.present import stamp
from videohelp.core.show_time import show_zone
from videohelp.core.store import Store

LONDON = show_zone("Europe/London")
HOUR = 3_600_000


def _ms(zone, *fields: int) -> int:
    return int(datetime(*fields, tzinfo=zone).timestamp() * 1000)


def _question(store: Store, comment_id: int, received_ms: int) -> None:
    store.conn.execute(
        "INSERT INTO comments (id, platform, msg_id, user_id, user_name, user_name_masked, text,"
        " text_masked, ts_ms, received_ms, state, is_question, item, repeat_of, blocked)"
        " VALUES (?, 'douyin', ?, ?, '观众', '观*', '驾照到期怎么换', '驾照到期怎么换', ?, ?,"
        " 'queued', 1, 'DL01', NULL, 0)",
        (comment_id, f"m{comment_id}", f"u{comment_id}", received_ms, received_ms))
    store.conn.commit()


def test_a_late_evening_question_in_london_lands_on_that_london_day(tmp_path) -> None:
    late = _ms(LONDON, 2024, 7, 1, 23, 30)  # BST: 22:30 UTC, 06:30 on the 2nd in Hangzhou
    assert day_of_ms(late, LONDON) == date(2024, 7, 1)
    assert day_of_ms(late) == date(2024, 7, 2)  # the default zone's day differs
    store = Store(tmp_path / "videohelp.sqlite3")
    try:
        _question(store, 1, late)
        first = DateRange.single(date(2024, 7, 1), LONDON)
        second = DateRange.single(date(2024, 7, 2), LONDON)
        assert compute_figures(store.conn, first).questions == 1
        assert compute_figures(store.conn, second).questions == 0
        assert [d.questions for d in compute_figures(
            store.conn, DateRange(date(2024, 7, 1), date(2024, 7, 2), LONDON)).days] == [1, 0]
        assert stamp(late, LONDON) == "2024-07-01 23:30"
    finally:
        store.close()


def test_a_daylight_saving_day_has_23_hours_and_keeps_its_comments(tmp_path) -> None:
    spring = DateRange.single(date(2024, 3, 31), LONDON)  # clocks go forward at 01:00 UTC
    assert spring.end_ms - spring.start_ms == 23 * HOUR
    before, after = _ms(LONDON, 2024, 3, 31, 0, 30), _ms(LONDON, 2024, 3, 31, 23, 30)
    store = Store(tmp_path / "videohelp.sqlite3")
    try:
        _question(store, 1, before)
        _question(store, 2, after)
        _question(store, 3, spring.end_ms)  # 00:00 on April 1st: the next day
        week = DateRange(date(2024, 3, 28), date(2024, 4, 3), LONDON)
        assert "CASE" in week.day_sql("c.received_ms")  # the offset changes inside the week
        sql_days = [row[0] for row in store.conn.execute(
            f"SELECT {week.day_sql('c.received_ms')} FROM comments c ORDER BY id")]
        assert sql_days == [day_index(ms, LONDON) for ms in (before, after, spring.end_ms)]
        assert [d.questions for d in compute_figures(store.conn, week).days] == [0, 0, 0, 2, 1, 0, 0]
    finally:
        store.close()


def test_videohelp_report_uses_the_show_time_zone_setting(videohelp_cmd, tmp_path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "settings.json").write_text(json.dumps({"show.timezone": "Europe/London"}),
                                        encoding="utf-8")
    store = Store(data / "videohelp.sqlite3")
    try:
        _question(store, 1, _ms(LONDON, 2024, 7, 1, 23, 30))
    finally:
        store.close()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    rows = {}
    for day in ("2024-07-01", "2024-07-02"):
        out = tmp_path / f"{day}.csv"
        done = subprocess.run([*videohelp_cmd, "report", "--data-dir", str(data), "--date", day,
                               "--followup", str(out), "--quiet"], capture_output=True, text=True,
                              timeout=120, env=env)
        assert done.returncode == 0, done.stderr
        with out.open(encoding="utf-8-sig") as handle:
            rows[day] = list(csv.reader(handle))[1:]
    assert [row[0] for row in rows["2024-07-01"]] == ["2024-07-01 23:30"]
    assert rows["2024-07-02"] == []
