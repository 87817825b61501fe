#!/usr/bin/env python3
"""Daily-review figures: how long a report takes on a month of shows.

    .venv/bin/python bench/report.py                 # 30 days x 2 shows x 5,000 comments
    .venv/bin/python bench/report.py --days 7 --per-show 2000 --keep /tmp/week.sqlite3

Builds a real store (every migration applied) the way a month of shows leaves
it: comments on four platforms from a pool of viewers, about half questions,
repeats, and the desk's state changes with history (queued, aired, answered,
flagged to experts, dismissed), knowledge-base airings and one show row per
show. Then times the report for one day and for the whole month: computing
(figures, previous period, week before, trends, top questions, follow-ups,
script), writing the HTML and writing the PDF, and prints comments per second
of computing so machines of different speed compare.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from videohelp.console.reports.build import build_report
from videohelp.console.reports.export import write_followup
from videohelp.console.reports.period import DateRange, day_start_ms
from videohelp.console.reports.render_html import render_html
from videohelp.console.reports.render_pdf import write_pdf
from videohelp.console.reports.trends import WINDOW_DAYS
from videohelp.core.store import Store

PLATFORMS = ("douyin", "app", "zlb", "weibo")
ITEMS = [f"{klass}{n:02d}" for klass, count in (("MV", 40), ("DL", 30), ("EB", 18), ("OL", 20))
         for n in range(1, count + 1)]
QUESTIONS = ["驾照到期了怎么换", "新车上牌要带什么", "二手车过户要带什么", "电动车上牌去哪里",
             "12123怎么交罚款", "科目三预约不上怎么办", "异地年检怎么办", "驾照丢了怎么补"]
CHATTER = ["主播好", "666", "来了来了", "支持交警", "打卡", "讲得好"]


def generate(path: Path, first: date, days: int, per_show: int, seed: int = 1) -> int:
    """Write the month into a new store at ``path``; return the number of comments."""
    rng = random.Random(seed)
    store = Store(path)
    store.conn.execute("PRAGMA synchronous=OFF")  # generation only: the report reads as usual
    comment_id = 0
    kb_ids = [row[0] for row in store.conn.execute("SELECT id FROM kb_entries")] \
        if store.conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'kb_entries'").fetchone() else []
    for offset in range(days):
        base = day_start_ms(first + timedelta(days=offset))
        for start in (base + 10 * 3_600_000, base + 19 * 3_600_000):
            length = 90 * 60_000
            comments, history, airings = [], [], []
            recent: list[int] = []
            for received in sorted(rng.randrange(start, start + length) for _ in range(per_show)):
                comment_id += 1
                platform = rng.choice(PLATFORMS)
                roll = rng.random()
                question = roll < 0.45
                item = rng.choice(ITEMS[:30]) if question and rng.random() < 0.5 else (
                    rng.choice(ITEMS) if question else None)
                text = rng.choice(QUESTIONS) if question else rng.choice(CHATTER)
                repeat_of = rng.choice(recent) if question and recent and rng.random() < 0.1 else None
                blocked = 1 if roll > 0.985 else 0
                state = "blocked" if blocked else "new"
                t = received
                if question and not blocked:
                    action = rng.random()
                    if action < 0.01:
                        history += [(comment_id, t + 60_000, "desk", "new", "queued"),
                                    (comment_id, t + 120_000, "desk", "queued", "on_air"),
                                    (comment_id, t + 180_000, "desk", "on_air", "answered")]
                        state = "answered"
                        if kb_ids:
                            airings.append((rng.choice(kb_ids), t + 120_000, "desk"))
                    elif action < 0.02:
                        history += [(comment_id, t + 30_000, "desk", "new", "flagged"),
                                    (comment_id, t + 600_000, "expert:1", "flagged", "answered")]
                        state = "answered"
                    elif action < 0.03:
                        history.append((comment_id, t + 30_000, "desk", "new", "flagged"))
                        state = "flagged"
                    elif action < 0.05:
                        history.append((comment_id, t + 10_000, "desk", "new", "dismissed"))
                        state = "dismissed"
                    recent = [*recent, comment_id][-50:]
                comments.append((comment_id, platform, f"m{comment_id}", f"u{rng.randrange(20_000)}",
                                 "观众", "观*", text, text, received - 300, received, state,
                                 1 if question else (0 if roll < 0.9 else None), item, repeat_of,
                                 blocked))
            with store.transaction() as conn:
                conn.executemany(
                    "INSERT INTO comments (id, platform, msg_id, user_id, user_name, user_name_masked,"
                    " text, text_masked, ts_ms, received_ms, state, is_question, item, repeat_of,"
                    " blocked) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", comments)
                conn.executemany(
                    "INSERT INTO comment_history (comment_id, at_ms, actor, from_state, to_state)"
                    " VALUES (?, ?, ?, ?, ?)", history)
                conn.execute("INSERT INTO shows (started_ms, ended_ms, actor) VALUES (?, ?, 'desk')",
                             (start, start + length))
                if airings:
                    conn.executemany("INSERT INTO kb_airings (entry_id, at_ms, actor) VALUES (?, ?, ?)",
                                     airings)
    store.close()
    return comment_id


def _seed_kb(path: Path) -> None:
    """The shipped knowledge base in the store (as the desk seeds it), if the module is there."""
    try:
        from videohelp.core.knowledge import KnowledgeBase
    except ImportError:
        return
    kb = KnowledgeBase.open(path)
    kb.close()


def comments_read(store: Store, period: DateRange) -> int:
    """Comments in every day the report reads: the period, its comparisons, the trend window."""
    window = period.ending_window(WINDOW_DAYS)
    first = min(period.previous().first, period.week_before().first, window.first)
    return int(store.conn.execute(
        "SELECT count(*) FROM comments WHERE received_ms >= ? AND received_ms < ?",
        (DateRange(first, period.last).start_ms, period.end_ms)).fetchone()[0])


def time_report(store: Store, period: DateRange, out: Path, now_ms: int) -> dict[str, float]:
    started, cpu = time.perf_counter(), time.process_time()
    report = build_report(store.conn, period, now_ms=now_ms)
    computed, cpu = time.perf_counter(), time.process_time() - cpu
    (out / "report.html").write_text(render_html(report), encoding="utf-8")
    html = time.perf_counter()
    write_pdf(report, out / "report.pdf")
    pdf = time.perf_counter()
    write_followup(report.followup, out / "followup.xlsx")
    xlsx = time.perf_counter()
    return {"compute": computed - started, "cpu": cpu, "html": html - computed, "pdf": pdf - html,
            "xlsx": xlsx - pdf, "comments": report.figures.comments,
            "read": comments_read(store, period),
            "followups": len(report.followup)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--per-show", type=int, default=5000)
    parser.add_argument("--keep", type=Path, help="build the store here (and keep it)")
    args = parser.parse_args()
    first = date(2024, 5, 1)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (wall times stretch "
          "with load; cpu times less so)")
    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or Path(tmp) / "bench.sqlite3"
        if path.exists():
            path.unlink()
        started = time.perf_counter()
        _seed_kb(path)
        total = generate(path, first, args.days, args.per_show)
        print(f"generated {total:,} comments ({args.days} days x 2 shows x {args.per_show:,}) "
              f"in {time.perf_counter() - started:.1f} s")
        store = Store(path)
        last = first + timedelta(days=args.days - 1)
        now = day_start_ms(last + timedelta(days=1))
        for label, period in (("one day", DateRange.single(last)), ("the month", DateRange(first, last))):
            figures = time_report(store, period, Path(tmp), now)
            per_100k = figures["cpu"] / figures["read"] * 100_000
            print(f"{label:9s}: {figures['comments']:>7,} comments ({figures['read']:,} read with the "
                  f"comparisons)  compute {figures['compute']:.2f} s (cpu {figures['cpu']:.2f} s, "
                  f"{per_100k:.2f} cpu s per 100k read)  "
                  f"html {figures['html']:.2f} s  pdf {figures['pdf']:.2f} s  "
                  f"xlsx {figures['xlsx']:.2f} s  ({figures['followups']:,} follow-ups)")
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
