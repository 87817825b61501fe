"""The whole report: top questions, answers, follow-ups, trends, script, progress."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest

from tests.console.reports import expected
from tests.console.reports.builder import KB, History, now_ms
from tests.console.reports.conftest import FIRST
from videohelp.console.reports.answers import KbAnswer, best_entry
from videohelp.console.reports.build import STEPS, Report, ReportCancelled, build_report
from videohelp.console.reports.period import DateRange
from videohelp.console.reports.questions import UNCLASSIFIED
from videohelp.core.catalog import default_catalog
from videohelp.core.store import Store

DAY = date(2024, 5, 6)


@pytest.fixture(scope="module")
def report(report_db, history) -> Report:
    store = Store(report_db)
    try:
        return build_report(store.conn, DateRange.single(DAY), now_ms=now_ms(history))
    finally:
        store.close()


def test_top_questions_by_class_and_item_match_the_counts(report: Report, history: History) -> None:
    want = expected.item_counts(history, DAY, DAY)
    catalog = default_catalog()
    seen = {}
    for klass in report.classes:
        counts = [item.counts.asked for item in klass.items]
        assert counts == sorted(counts, reverse=True)
        assert klass.asked == sum(want[code][0] for code in want
                                  if (catalog[code].klass if code in catalog else UNCLASSIFIED)
                                  == klass.klass)
        for item in klass.items:
            seen[item.code] = (item.counts.asked, item.counts.distinct, item.counts.answered)
            assert item.klass == klass.klass
    assert seen == want  # every item of the day appears (fewer than 10 per class here)
    assert [k.klass for k in report.classes][-1] == UNCLASSIFIED  # None and ZZ99 are not catalogued


def test_example_wordings_are_the_commonest_texts(report: Report, history: History) -> None:
    start, end = expected.bounds(DAY, DAY)
    for item in (i for k in report.classes for i in k.items if i.code):
        texts = Counter(c.text for c in history.comments
                        if start <= c.received_ms < end and expected.kind(c) == "question"
                        and c.item == item.code)
        want = sorted(texts.items(), key=lambda kv: (-kv[1], kv[0]))[:3]
        assert item.wordings == want


def test_the_answer_given_and_its_review_status(report: Report, history: History) -> None:
    start, end = expected.bounds(DAY, DAY)
    item_of = {c.id: c.item for c in history.comments}
    aired = Counter(a.entry_id for a in history.airings if start <= a.at_ms < end)
    carded = {item_of[c.comment_id] for c in history.cards if start <= c.taken_ms < end}
    statuses = {e["id"]: e["status"] for e in KB}
    items = {i.code: i for k in report.classes for i in k.items}
    for code, item in items.items():
        entries = [e["id"] for e in KB if e["item"] == code]
        times = {entry: aired[entry] for entry in entries if aired[entry]}
        if times:  # 1. the entry aired most
            best = min(times, key=lambda e: (-times[e], e))
            assert (item.answer.source, item.answer.entry_id, item.answer.times) == (
                "aired", best, times[best])
            assert item.answer.status == statuses[best]
        elif code in carded:  # 2. what the Q&A cards said (not a KB text here)
            assert (item.answer.source, item.answer.text, item.answer.status) == (
                "card", f"{code}的现场答复", "not in KB")
        elif entries:  # 3. the knowledge base's answer, not aired
            assert item.answer.source == "kb" and item.answer.entry_id in entries
            assert item.answer.status == statuses[item.answer.entry_id]
        else:
            assert item.answer is None
    sources = {i.answer.source for i in items.values() if i.answer}
    assert sources == {"aired", "card", "kb"} or {"aired", "card"} <= sources


def test_best_entry_follows_the_viewers_wordings() -> None:
    entries = [KbAnswer("A", "MV01", ("新车上牌要带什么",), "a", "draft"),
               KbAnswer("B", "MV01", ("先交购置税还是先上牌",), "b", "reviewed")]
    assert best_entry([("购置税先交还是先上牌", 5), ("新车上牌带什么", 1)], entries).entry_id == "B"
    assert best_entry([("新车上牌要带啥", 3)], entries).entry_id == "A"
    assert best_entry([], entries) is None  # nothing asked: nothing to fit
    assert best_entry([("x", 1)], []) is None


def test_an_unaired_answer_is_shown_only_for_questions_it_fits() -> None:
    """Issue 21: "丢了驾照开车违法吗" was paired with DL06-003 (扣押期间不得补发)."""
    from videohelp.assets import asset_path
    from videohelp.console.reports.answers import _shipped_kb

    dl06 = [e for e in _shipped_kb(asset_path("kb")) if e.item == "DL06"]
    chosen = best_entry([("丢了驾照开车违法吗", 2)], dl06)
    assert chosen is not None and "不得驾驶" in chosen.short_answer
    assert best_entry([("驾照丢了怎么补", 3), ("丢了驾照开车违法吗", 1)], dl06).short_answer \
        .startswith("带身份证明")
    assert best_entry([("今天天气真好啊", 5)], dl06) is None


def test_followup_lists_open_questions_flagged_first(report: Report, history: History) -> None:
    start, end = expected.bounds(DAY, DAY)
    open_groups = [g for g in expected.groups(history, start, end) if g.route == "open"]
    carried = [c for c in history.comments if c.state == "flagged" and c.received_ms < start]
    got = {(f.comment_id, f.asked, f.flagged, f.carried_over) for f in report.followup}
    want = {(g.first.id, len(g.members), g.flagged, False) for g in open_groups}
    want |= {(c.id, 1, True, True) for c in carried}
    assert got == want
    assert carried and any(f.flagged and not f.carried_over for f in report.followup)
    flags = [f.flagged for f in report.followup]
    assert flags == sorted(flags, reverse=True)
    assert all(f.text and f.viewer == "观*" for f in report.followup)


def test_trends_compare_with_the_day_before_and_a_week_earlier(report: Report, history: History) -> None:
    now = now_ms(history)
    rows = {row.key: row for row in report.trends.rows}
    for key, day in (("previous", DAY - timedelta(days=1)), ("week_before", DAY - timedelta(days=7))):
        want = expected.figures(history, day, day, now)
        assert getattr(rows["comments"], key) == want["comments"]
        assert getattr(rows["viewers"], key) == want["viewers"]
        assert getattr(rows["unanswered"], key) == want["unanswered"]
        assert getattr(rows["hours_on_air"], key) == pytest.approx(want["hours_on_air"])
    series = report.trends.series
    assert [d.day for d in series] == [DAY - timedelta(days=13 - n) for n in range(14)]
    window = [expected.figures(history, d.day, d.day, now)["comments"] for d in series]
    assert [d.comments for d in series] == window
    assert rows["comments"].daily_average == pytest.approx(sum(window) / 14)
    assert rows["comments"].vs_previous == pytest.approx(
        (rows["comments"].value - rows["comments"].previous) / rows["comments"].previous)
    assert series[0].day < FIRST  # before the history began: zeros, not errors
    assert series[0].comments == 0


def test_the_script_reads_the_top_questions_aloud(report: Report) -> None:
    script = report.script
    answered = [item for item in report.top if item.answer is not None][:5]
    assert answered
    for number, item in zip("一二三四五", answered, strict=False):
        assert f"第{number}个问题：" in script
        assert item.answer.text.rstrip("。")[:8] in script.replace("，", "，")
    assert script.startswith("【车管资讯（草稿）· 2024-05-06】")
    assert "各位听众朋友" in script and "以上就是本期车管资讯" in script
    assert "（" not in "".join(line for line in script.splitlines() if not line.startswith("【"))


def test_progress_is_reported_step_by_step_and_can_cancel(report_db, history) -> None:
    calls = []
    store = Store(report_db)
    build_report(store.conn, DateRange.single(DAY), now_ms=now_ms(history),
                 progress=lambda done, total, label: calls.append((done, total, label)))
    assert [c[0] for c in calls] == list(range(len(STEPS) + 1))
    assert {c[1] for c in calls} == {len(STEPS)}

    def stop_at_two(done: int, total: int, label: str) -> None:
        if done == 2:
            raise ReportCancelled

    with pytest.raises(ReportCancelled):
        build_report(store.conn, DateRange.single(DAY), progress=stop_at_two)
    store.close()
