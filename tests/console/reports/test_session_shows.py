"""The desk's session records each show on and off air; the review counts it."""

from __future__ import annotations

import pytest

from videohelp.console.reports.figures import compute_figures
from videohelp.console.reports.period import DateRange, day_of_ms
from videohelp.console.session import SessionOptions, ShowSession
from videohelp.core.paths import data_paths
from videohelp.core.settings import Settings
from videohelp.core.store import Store


def _session(data_dir) -> ShowSession:
    settings = Settings()
    for name, value in (("program.width", 640), ("program.height", 360), ("program.fps", 25)):
        settings.set(name, value)
    return ShowSession(data_paths(data_dir), settings, SessionOptions(actor="tester"))


def test_start_and_stop_record_a_show(qloop, data_dir) -> None:
    for _ in range(2):
        session = _session(data_dir)
        qloop.run_until_complete(session.start())
        assert session.show_id is not None
        qloop.run_until_complete(session.stop())
        assert session.show_id is None
    store = Store(data_paths(data_dir).database)
    rows = [dict(r) for r in store.conn.execute("SELECT * FROM shows ORDER BY id")]
    assert len(rows) == 2
    for row in rows:
        assert row["actor"] == "tester" and row["ended_ms"] >= row["started_ms"]
        assert row["end_note"] == ""
    day = day_of_ms(rows[0]["started_ms"])
    figures = compute_figures(store.conn, DateRange(day, day_of_ms(rows[-1]["ended_ms"])))
    assert figures.shows == 2
    on_air_ms = sum(r["ended_ms"] - r["started_ms"] for r in rows)
    assert sum(d.on_air_ms for d in figures.days) == on_air_ms
    assert figures.hours_on_air == pytest.approx(on_air_ms / 3_600_000)
    store.close()
