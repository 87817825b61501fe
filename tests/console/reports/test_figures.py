"""Every figure of the report against an independent count of the same history."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.console.reports import expected
from tests.console.reports.builder import History, now_ms
from tests.console.reports.conftest import DAYS, FIRST
from videohelp.console.reports.figures import compute_figures, published
from videohelp.console.reports.period import DateRange
from videohelp.core.store import Store

LAST = FIRST + timedelta(days=DAYS - 1)
PERIODS = [
    *[(FIRST + timedelta(days=n), FIRST + timedelta(days=n)) for n in range(DAYS)],
    (date(2024, 5, 6), date(2024, 5, 8)),
    (FIRST, LAST),
    (FIRST - timedelta(days=3), FIRST - timedelta(days=1)),  # before anything happened
    (LAST, LAST + timedelta(days=2)),  # runs into the future
]


@pytest.fixture(scope="module")
def conn(report_db):
    store = Store(report_db)
    yield store.conn
    store.close()


def test_the_history_has_the_cases_the_figures_must_handle(history: History) -> None:
    kinds = {expected.kind(c) for c in history.comments}
    assert kinds == {"question", "chatter", "untriaged", "blocked"}
    routes = {g.route for g in expected.groups(history, *expected.bounds(FIRST, LAST))}
    assert routes == {"on_air", "expert", "other", "dismissed", "open"}
    repeats = [c for c in history.comments if c.repeat_of]
    assert any(expected.kind(c) == "question" for c in repeats)
    by_id = {c.id: c for c in history.comments}

    def day(ms: int) -> int:
        return (ms + 8 * 3_600_000) // 86_400_000

    assert any(day(by_id[c.repeat_of].received_ms) < day(c.received_ms) for c in repeats)
    assert any(c.state == "on_air" or ("on_air" in {h[2] for h in c.history}) for c in repeats)
    assert any(c.is_question == 0 and c.state == "answered" for c in history.comments)
    assert any(c.is_question == 0 and c.state == "blocked" for c in history.comments)
    assert history.shows[-1].ended_ms is None


@pytest.mark.parametrize(("first", "last"), PERIODS, ids=lambda d: d.isoformat())
def test_every_figure_matches_an_independent_count(conn, history, first, last) -> None:
    now = now_ms(history)
    figures = compute_figures(conn, DateRange(first, last), now_ms=now)
    want = expected.figures(history, first, last, now)
    got = {name: getattr(figures, name) for name in want}
    assert got["hours_on_air"] == pytest.approx(want.pop("hours_on_air"))
    got.pop("hours_on_air")
    if want["median_answer_s"] is not None:
        assert got["median_answer_s"] == pytest.approx(want.pop("median_answer_s"))
        got.pop("median_answer_s")
    assert got == want
    assert list(figures.by_platform.values()) == sorted(figures.by_platform.values(), reverse=True)
    assert figures.answered == want["answered_on_air"] + want["answered_by_experts"] + want[
        "answered_other"]
    # The routes partition the distinct questions.
    assert (figures.answered + figures.dismissed + figures.unanswered) == figures.distinct_questions


def test_a_busy_day_has_every_kind_of_figure(conn, history) -> None:
    day = date(2024, 5, 6)
    figures = compute_figures(conn, DateRange.single(day), now_ms=now_ms(history))
    assert figures.shows == 2 and figures.hours_on_air == pytest.approx(3.0)
    assert len(figures.by_platform) == 4
    for name in ("questions", "chatter", "untriaged", "blocked", "viewers", "answered_on_air",
                 "answered_by_experts", "unanswered", "dismissed"):
        assert getattr(figures, name) > 0, name
    assert figures.median_answer_s is not None and figures.median_answer_s > 0


def test_an_aired_expert_answer_counts_as_answered_by_experts(conn, history) -> None:
    """Issue 21: an expert answered at the seat, the studio aired the expert card; the review
    said 专家解答 0 because the on-air route takes precedence."""
    day = date(2024, 5, 6)
    figures = compute_figures(conn, DateRange.single(day), now_ms=now_ms(history))
    start, end = expected.bounds(day, day)
    aired_by_expert = [g for g in expected.groups(history, start, end)
                       if g.by_expert and g.route == "on_air"]
    assert aired_by_expert, "the history must hold expert answers that went on air"
    assert figures.expert_answered >= figures.answered_by_experts + len(aired_by_expert)


def test_daily_rows_match_day_by_day_counts(conn, history) -> None:
    now = now_ms(history)
    period = DateRange(FIRST, LAST)
    figures = compute_figures(conn, period, now_ms=now)
    assert [d.day for d in figures.days] == period.dates()
    # A day counts the same within any period, so the days add up to the period.
    for row in figures.days:
        want = expected.figures(history, row.day, row.day, now)
        assert (row.comments, row.questions, row.kinds["chatter"], row.kinds["untriaged"],
                row.kinds["blocked"], row.viewers, row.answered, row.peak_per_minute) == (
            want["comments"], want["questions"], want["chatter"], want["untriaged"],
            want["blocked"], want["viewers"],
            want["answered_on_air"] + want["answered_by_experts"] + want["answered_other"],
            want["peak_per_minute"])
        assert row.hours_on_air == pytest.approx(want["hours_on_air"])
    assert sum(row.answered for row in figures.days) == figures.answered
    assert sum(row.comments for row in figures.days) == figures.comments


def test_shows_across_midnight_and_on_air_now_are_split_and_clipped(conn, history) -> None:
    late = FIRST + timedelta(days=2)  # its evening show runs 23:00 to 01:00
    now = now_ms(history)
    assert compute_figures(conn, DateRange.single(late), now_ms=now).hours_on_air == pytest.approx(2.5)
    after = late + timedelta(days=1)
    # Its own two shows (3 h) and the hour after midnight.
    assert compute_figures(conn, DateRange.single(after), now_ms=now).hours_on_air == pytest.approx(4.0)
    # The last show has no end: it counts up to now (45 minutes in).
    assert compute_figures(conn, DateRange.single(LAST), now_ms=now).hours_on_air == pytest.approx(2.25)


def test_item_counts_match(conn, history) -> None:
    figures = compute_figures(conn, DateRange(FIRST, LAST), now_ms=now_ms(history))
    got = {item: (c.asked, c.distinct, c.answered) for item, c in figures.items.items()}
    assert got == expected.item_counts(history, FIRST, LAST)
    assert None in got and "ZZ99" in got


def test_published_figures_for_any_range(conn, history) -> None:
    now = now_ms(history)
    for first, last in [(FIRST, LAST), (date(2024, 5, 1), date(2024, 5, 3))]:
        figures = compute_figures(conn, DateRange(first, last), now_ms=now)
        want = expected.figures(history, first, last, now)
        numbers = published(figures)
        assert numbers.hours_streamed == pytest.approx(want["hours_on_air"])
        assert numbers.people_served == want["viewer_days"]
        assert numbers.questions_asked == want["questions"]
        assert numbers.questions_handled == (want["answered_on_air"] + want["answered_by_experts"]
                                             + want["answered_other"])
        assert f"服务群众{want['viewer_days']}人次" in numbers.text()


def test_an_empty_store_reports_zeros(tmp_path) -> None:
    store = Store(tmp_path / "empty.sqlite3")
    figures = compute_figures(store.conn, DateRange.single(date(2024, 5, 6)))
    store.close()
    assert (figures.comments, figures.questions, figures.viewers, figures.peak_per_minute,
            figures.hours_on_air, figures.shows) == (0, 0, 0, 0, 0.0, 0)
    assert figures.median_answer_s is None and figures.peak_minute_ms is None
    assert figures.by_platform == {} and figures.items == {}
