"""The top questions by item and by class, and the follow-up list."""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from dataclasses import dataclass

from videohelp.console.reports.answers import AnswerFinder, GivenAnswer
from videohelp.console.reports.figures import Figures, ItemCount
from videohelp.console.reports.period import DateRange
from videohelp.console.reports.status import IN_RANGE, IS_QUESTION, questions_sql
from videohelp.core.catalog import CLASS_NAMES_EN, CLASSES, Catalog

UNCLASSIFIED = "未分类"
WORDINGS_PER_ITEM = 3


@dataclass(frozen=True)
class TopItem:
    """One business item's questions in the period."""

    code: str | None
    name: str
    klass: str
    counts: ItemCount
    wordings: list[tuple[str, int]]  # the commonest wordings (masked), with how often
    answer: GivenAnswer | None


@dataclass(frozen=True)
class ClassTop:
    """One class of items: totals, and its most asked items (most first)."""

    klass: str
    name_en: str
    asked: int
    distinct: int
    answered: int
    items: list[TopItem]


def _class_of(code: str | None, catalog: Catalog) -> tuple[str, str]:
    if code is not None and code in catalog:
        item = catalog[code]
        return item.klass, item.name_zh
    return UNCLASSIFIED, code or "（未识别事项）"


def _wordings(conn: sqlite3.Connection, period: DateRange,
              codes: list[str]) -> dict[str, list[tuple[str, int]]]:
    found: dict[str, list[tuple[str, int]]] = defaultdict(list)
    if not codes:
        return {}
    params: dict[str, object] = {f"c{n}": code for n, code in enumerate(codes)}
    params.update(start=period.start_ms, end=period.end_ms)
    marks = ", ".join(f":c{n}" for n in range(len(codes)))
    rows = conn.execute(
        f"SELECT c.item, c.text_masked, count(*) AS n FROM comments c"
        f" WHERE {IN_RANGE} AND {IS_QUESTION} AND c.item IN ({marks})"
        " GROUP BY c.item, c.text_masked ORDER BY n DESC, c.text_masked", params)
    for code, text, count in rows:
        if len(found[code]) < WORDINGS_PER_ITEM:
            found[code].append((text, count))
    return dict(found)


def top_questions(conn: sqlite3.Connection, figures: Figures, catalog: Catalog, answers: AnswerFinder,
                  per_class: int = 10) -> list[ClassTop]:
    """The most asked items of each class (by comments), classes in catalog order."""
    grouped: dict[str, list[tuple[str | None, str, ItemCount]]] = defaultdict(list)
    for code, counts in figures.items.items():
        klass, name = _class_of(code, catalog)
        grouped[klass].append((code, name, counts))
    chosen: dict[str, list[tuple[str | None, str, ItemCount]]] = {}
    for klass, rows in grouped.items():
        rows.sort(key=lambda row: (-row[2].asked, -row[2].distinct, row[0] or ""))
        chosen[klass] = rows[:per_class]
    codes = [code for rows in chosen.values() for code, _, _ in rows if code is not None]
    wordings = _wordings(conn, figures.period, codes)
    result = []
    for klass in (*CLASSES, UNCLASSIFIED):
        if klass not in grouped:
            continue
        items = [TopItem(code, name, klass, counts, wordings.get(code or "", []),
                         answers.answer(code, wordings.get(code or "", [])))
                 for code, name, counts in chosen[klass]]
        rows = grouped[klass]
        result.append(ClassTop(klass, CLASS_NAMES_EN.get(klass, "Unclassified"),
                               sum(r[2].asked for r in rows), sum(r[2].distinct for r in rows),
                               sum(r[2].answered for r in rows), items))
    return result


def overall_top(classes: list[ClassTop], limit: int) -> list[TopItem]:
    """The most asked classified items across classes."""
    items = [item for klass in classes for item in klass.items if item.code is not None
             and item.klass != UNCLASSIFIED]
    items.sort(key=lambda item: (-item.counts.asked, -item.counts.distinct, item.code or ""))
    return items[:limit]


@dataclass(frozen=True, slots=True)
class FollowUp:
    """A question still waiting for an answer."""

    comment_id: int
    received_ms: int
    platform: str
    msg_id: str
    viewer: str  # masked
    text: str  # masked
    item: str | None
    item_name: str
    klass: str
    asked: int  # comments of it (with repeats) in the period
    state: str
    flagged: bool
    flagged_ms: int | None
    carried_over: bool  # flagged on an earlier day and still open


def followup_list(conn: sqlite3.Connection, period: DateRange, catalog: Catalog) -> list[FollowUp]:
    """Unanswered questions of the period, and older flagged ones still open.

    Flagged first (the experts owe an answer), then the most asked, then the oldest.
    """
    rows: list[FollowUp] = []
    bounds = {"start": period.start_ms, "end": period.end_ms}
    for row in conn.execute(
            f"{questions_sql(period)} SELECT s.*, c.platform, c.msg_id, c.user_name_masked, c.text_masked,"
            " c.state FROM s JOIN comments c ON c.id = s.first_id WHERE s.route = 'open'", bounds):
        klass, name = _class_of(row["item"], catalog)
        rows.append(FollowUp(row["first_id"], row["received_ms"], row["platform"], row["msg_id"],
                             row["user_name_masked"], row["text_masked"], row["item"], name, klass,
                             row["asked"], row["state"], bool(row["flagged"]), row["flagged_ms"],
                             False))
    for row in conn.execute(
            "SELECT c.*, (SELECT max(h.at_ms) FROM comment_history h WHERE h.comment_id = c.id"
            " AND h.to_state = 'flagged') AS flagged_ms FROM comments c"
            " WHERE c.state = 'flagged' AND c.received_ms < :start", bounds):
        klass, name = _class_of(row["item"], catalog)
        rows.append(FollowUp(row["id"], row["received_ms"], row["platform"], row["msg_id"],
                             row["user_name_masked"], row["text_masked"], row["item"], name, klass,
                             1, row["state"], True, row["flagged_ms"], True))
    rows.sort(key=lambda f: (not f.flagged, -f.asked, f.received_ms, f.comment_id))
    return rows
