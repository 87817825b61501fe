"""A multi-day show history written straight into a real store with SQL.

The builder keeps its own Python record of every row it writes, so the tests
can count each figure independently of the report's SQL. The history is
random but seeded, with the awkward cases placed on purpose: midnight edges,
repeats across days, desk decisions overriding triage, a show across
midnight and a show left open by a crash.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from videohelp.console.reports.period import day_start_ms
from videohelp.core.catalog import default_catalog
from videohelp.core.store import Store

PLATFORMS = ("douyin", "app", "zlb", "weibo")
ITEMS = ("MV01", "MV02", "MV03", "DL01", "DL02", "EB01", "OL01", "ZZ99")  # ZZ99: not in the catalog
HOUR = 3_600_000
MINUTE = 60_000


@dataclass
class Comment:
    id: int
    platform: str
    user_id: str
    received_ms: int
    text: str
    is_question: int | None
    item: str | None
    blocked: int = 0
    state: str = "new"
    repeat_of: int | None = None
    history: list[tuple[int, str | None, str, str]] = field(default_factory=list)

    def move(self, at_ms: int, to_state: str, actor: str = "desk") -> None:
        self.history.append((at_ms, self.state, to_state, actor))
        self.state = to_state


@dataclass
class Show:
    id: int
    started_ms: int
    ended_ms: int | None


@dataclass
class Airing:
    entry_id: str
    at_ms: int


@dataclass
class Card:
    comment_id: int
    answer: str
    taken_ms: int


@dataclass
class ExpertAnswer:
    comment_id: int
    flagged_ms: int
    answered_ms: int


@dataclass
class History:
    comments: list[Comment] = field(default_factory=list)
    shows: list[Show] = field(default_factory=list)
    airings: list[Airing] = field(default_factory=list)
    cards: list[Card] = field(default_factory=list)
    kb: list[dict] = field(default_factory=list)
    expert_answers: list[ExpertAnswer] = field(default_factory=list)


KB = [
    {"id": "MV01-001", "item": "MV01", "questions": ["新车上牌要带什么", "新车上牌需要哪些材料"],
     "short_answer": "带身份证明、购车发票、合格证（进口车为进口凭证）、交强险凭证办理。",
     "status": "reviewed"},
    {"id": "MV01-002", "item": "MV01", "questions": ["先交购置税还是先上牌"],
     "short_answer": "先交购置税再上牌。", "status": "draft"},
    {"id": "MV02-001", "item": "MV02", "questions": ["二手车过户要带什么"],
     "short_answer": "买卖双方身份证明、登记证书、行驶证和发票，车辆到场查验。", "status": "draft"},
    {"id": "DL01-001", "item": "DL01", "questions": ["驾照到期怎么换"],
     "short_answer": "到期前90日内在交管12123上申请换证；体检合格即可。", "status": "reviewed"},
    {"id": "EB01-001", "item": "EB01", "questions": ["电动车上牌去哪里"],
     "short_answer": "带购车发票和合格证到就近登记点上牌。", "status": "draft"},
]
WORDINGS = {
    "MV01": ["新车上牌要带什么", "新车上牌要带啥材料", "先交购置税还是先上牌"],
    "MV02": ["二手车过户要带什么", "过户去哪里办"],
    "MV03": ["车辆年检怎么预约"],
    "DL01": ["驾照到期怎么换", "驾驶证快到期了咋办"],
    "DL02": ["驾照丢了怎么补"],
    "EB01": ["电动车上牌去哪里"],
    "OL01": ["12123怎么交罚款"],
    "ZZ99": ["这个怎么办"],
}
CHATTER = ["主播好", "666", "来了来了", "支持交警", "打卡"]


def build_history(first: date, days: int, seed: int = 7, per_show: int = 90) -> History:
    """Two shows a day for ``days`` days from ``first``, comments during each.

    The last show has not ended (it is on air at ``now_ms(history)``).
    """
    rng = random.Random(seed)
    history = History(kb=KB)
    arrivals: list[tuple[int, str | None]] = []
    for offset in range(days):
        base = day_start_ms(first + timedelta(days=offset))
        slots = [(base + 10 * HOUR, 90 * MINUTE), (base + 19 * HOUR, 90 * MINUTE)]
        if offset == 2:  # a late show across midnight
            slots[1] = (base + 23 * HOUR, 2 * HOUR)
        for start, length in slots:
            history.shows.append(Show(len(history.shows) + 1, start, start + length))
            arrivals += [(rng.randrange(start, start + length), None) for _ in range(per_show)]
        # Midnight edges: the last millisecond of the day and the first of the next.
        arrivals += [(base + 24 * HOUR - 1, "question"), (base + 24 * HOUR, "question")]
    history.shows[-1].ended_ms = None
    arrivals.sort()
    questions: list[Comment] = []
    for number, (received, kind) in enumerate(arrivals, start=1):
        comment = _comment(rng, number, received, questions, kind)
        _act(rng, comment, history)
        history.comments.append(comment)
    return history


def now_ms(history: History) -> int:
    """The report's "now": 45 minutes into the last show, which is still on air."""
    return history.shows[-1].started_ms + 45 * MINUTE


def _comment(rng: random.Random, serial: int, received: int, questions: list[Comment],
             kind: str | None = None) -> Comment:
    platform = rng.choice(PLATFORMS)
    user = f"u{rng.randrange(60)}"
    roll = rng.random()
    kind = kind or ("question" if roll < 0.5 else "chatter" if roll < 0.8 else
                    "untriaged" if roll < 0.92 else "blocked")
    if kind == "question":
        item = rng.choice(ITEMS) if rng.random() > 0.05 else None
        comment = Comment(serial, platform, user, received, rng.choice(WORDINGS[item or "ZZ99"]), 1, item)
        if questions and rng.random() < 0.2:  # a repeat, maybe of a question days ago
            original = rng.choice(questions[-300:])
            comment.repeat_of, comment.text, comment.item = original.id, original.text, original.item
        questions.append(comment)
        return comment
    if kind == "chatter":
        return Comment(serial, platform, user, received, rng.choice(CHATTER), 0, None)
    if kind == "untriaged":
        return Comment(serial, platform, user, received, rng.choice([*CHATTER, "问一下"]), None, None)
    return Comment(serial, platform, user, received, "代办驾照加微信", 1, None, blocked=1, state="blocked")


def _act(rng: random.Random, c: Comment, history: History) -> None:
    """What the desk did with ``c``."""
    t = c.received_ms
    roll = rng.random()
    if c.blocked:
        return
    if c.is_question == 1:
        if roll < 0.12:
            c.move(t + rng.randrange(20_000, 600_000), "queued")
            aired = c.history[-1][0] + rng.randrange(5_000, 300_000)
            c.move(aired, "on_air")
            c.move(aired + 60_000, "answered")
            entries = [e for e in KB if e["item"] == c.item]
            if entries and rng.random() < 0.5:
                history.airings.append(Airing(entries[-1]["id"], aired))
            elif c.item and rng.random() < 0.5:
                history.cards.append(Card(c.id, f"{c.item}的现场答复", aired))
        elif roll < 0.16:
            c.move(t + rng.randrange(10_000, 200_000), "flagged")
            c.move(c.history[-1][0] + rng.randrange(60_000, 900_000), "answered", "expert:张警官")
        elif roll < 0.20:  # an expert answers at the seat; the studio airs the expert card
            c.move(t + rng.randrange(10_000, 200_000), "flagged")
            flagged = c.history[-1][0]
            answered = flagged + rng.randrange(60_000, 600_000)
            history.expert_answers.append(ExpertAnswer(c.id, flagged, answered))
            c.move(answered + rng.randrange(5_000, 120_000), "on_air")
            c.move(c.history[-1][0] + 60_000, "answered")
        elif roll < 0.26:
            c.move(t + rng.randrange(10_000, 200_000), "flagged")
        elif roll < 0.30:
            c.move(t + 30_000, "queued")
            c.move(t + 90_000, "answered")
        elif roll < 0.36:
            c.move(t + 15_000, "dismissed")
        elif roll < 0.40:
            c.move(t + 15_000, "queued")
        elif roll < 0.55:
            c.move(t + 1_000, "triaged", "triage")
    elif c.is_question == 0:
        if roll < 0.03:  # the desk overrides triage: aired as a question
            c.move(t + 40_000, "on_air")
            c.move(t + 100_000, "answered")
        elif roll < 0.05:  # and blocks what triage let through
            c.move(t + 10_000, "blocked")
    elif roll < 0.05:
        c.move(t + 20_000, "queued")


def write(history: History, path: Path) -> Store:
    """Write ``history`` into a new store at ``path`` (real file, every migration applied)."""
    store = Store(path)
    catalog = default_catalog()
    with store.transaction() as conn:
        for entry in history.kb:
            conn.execute(
                "INSERT OR IGNORE INTO catalog_items (code, klass, name_zh, name_en, updated_by, updated_ms)"
                " VALUES (?, ?, ?, ?, 'test', 0)",
                (entry["item"], catalog[entry["item"]].klass, entry["item"], entry["item"]))
            conn.execute(
                "INSERT INTO kb_entries (id, item, questions, short_answer, full_answer, source_file,"
                " source_article, status, reviewed_by, reviewed_at, updated_by, updated_ms)"
                " VALUES (?, ?, ?, ?, '', 'f.md', '第一条', ?, ?, ?, 'test', 0)",
                (entry["id"], entry["item"], json.dumps(entry["questions"], ensure_ascii=False),
                 entry["short_answer"], entry["status"],
                 "审核员" if entry["status"] == "reviewed" else None,
                 "2024-05-01T00:00:00+08:00" if entry["status"] == "reviewed" else None))
        for c in history.comments:
            conn.execute(
                "INSERT INTO comments (id, platform, msg_id, user_id, user_name, user_name_masked, text,"
                " text_masked, ts_ms, received_ms, state, is_question, item, repeat_of, blocked)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (c.id, c.platform, f"m{c.id}", c.user_id, f"观众{c.user_id}", "观*", c.text, c.text,
                 c.received_ms - 500, c.received_ms, c.state, c.is_question, c.item, c.repeat_of,
                 c.blocked))
            conn.executemany(
                "INSERT INTO comment_history (comment_id, at_ms, actor, from_state, to_state)"
                " VALUES (?, ?, ?, ?, ?)",
                [(c.id, at, actor, before, after) for at, before, after, actor in c.history])
        for show in history.shows:
            conn.execute("INSERT INTO shows (id, started_ms, ended_ms, actor) VALUES (?, ?, ?, 'desk')",
                         (show.id, show.started_ms, show.ended_ms))
        for number, answer in enumerate(history.expert_answers, start=1):
            conn.execute("INSERT INTO expert_flags (id, comment_id, note, flagged_by, flagged_ms,"
                         " closed_ms) VALUES (?, ?, '', 'desk', ?, ?)",
                         (number, answer.comment_id, answer.flagged_ms, answer.answered_ms))
            conn.execute("INSERT INTO expert_answers (flag_id, comment_id, expert, text, flagged_ms,"
                         " answered_ms) VALUES (?, ?, '张警官', '专家的答复', ?, ?)",
                         (number, answer.comment_id, answer.flagged_ms, answer.answered_ms))
        for airing in history.airings:
            conn.execute("INSERT INTO kb_airings (entry_id, at_ms, actor) VALUES (?, ?, 'desk')",
                         (airing.entry_id, airing.at_ms))
        for card in history.cards:
            conn.execute(
                "INSERT INTO card_log (layer, template, data, comment_id, taken_ms, actor)"
                " VALUES ('qa', 'qa', ?, ?, ?, 'desk')",
                (json.dumps({"answer": card.answer}, ensure_ascii=False), card.comment_id,
                 card.taken_ms))
    return store
