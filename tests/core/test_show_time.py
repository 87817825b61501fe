"""The show's one time zone (issue 15): the clock card reads Hangzhou's time whatever the
machine's zone, as the daily review reads Hangzhou's day."""

from __future__ import annotations

import datetime as dt

import pytest

from videohelp.core.settings import Settings
from videohelp.core.show_time import show_clock, show_zone
from videohelp.streaming.cards import CardRenderer


def test_the_clock_card_uses_the_show_zone_not_the_machine_zone(qapp, monkeypatch) -> None:
    monkeypatch.setenv("TZ", "America/New_York")
    expected = dt.datetime.now(dt.UTC) + dt.timedelta(hours=8)
    renderer = CardRenderer(640, 360, clock=show_clock(Settings()["show.timezone"]))
    shown = renderer.clock()
    assert abs((shown - expected.replace(tzinfo=None)).total_seconds()) < 5
    card = renderer.render("clock", {})
    assert card.refresh_at is not None and card.refresh_at > shown


def test_an_unknown_zone_is_refused_with_a_clear_error() -> None:
    settings = Settings()
    with pytest.raises(ValueError, match="time zone"):
        settings.set("show.timezone", "Mars/Olympus")
    assert settings["show.timezone"] == "Asia/Shanghai"
    assert show_zone("Asia/Shanghai").utcoffset(dt.datetime(2026, 7, 1)) == dt.timedelta(hours=8)


def test_the_console_renders_its_cards_in_the_show_zone(tmp_path) -> None:
    from videohelp.console.wiring import ConsoleOptions, build_console
    from videohelp.core.paths import data_paths

    settings = Settings()
    settings._values["show.timezone"] = "Asia/Tokyo"
    console = build_console(data_paths(tmp_path), settings, ConsoleOptions(listen=False, triage=False))
    expected = dt.datetime.now(dt.UTC) + dt.timedelta(hours=9)
    assert abs((console.renderer.clock() - expected.replace(tzinfo=None)).total_seconds()) < 5
