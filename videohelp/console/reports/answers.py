"""Which answer a question got, and whether that answer was reviewed.

The knowledge base (``kb_entries``, migration 0002) holds the short answers
and their review status; ``kb_airings`` records each time one went on air.
For an item, "the answer given" in a period is, in order:

1. the entry aired most for that item in the period (``aired``);
2. else the answer text most shown on Q&A cards for the item's questions
   (``card_log``; ``card``), matched to an entry for its status if the text
   is one;
3. else the entry whose questions read most like the viewers' wordings, if one reads like
   them closely enough (``kb``: for reference, not aired; see ``FIT_MIN``).

A store without a knowledge base yet falls back to the shipped
``assets/kb/*.jsonl`` so reports on older databases still name answers.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from videohelp.assets import asset_path

log = logging.getLogger(__name__)

NOT_IN_KB = "not in KB"


@dataclass(frozen=True, slots=True)
class KbAnswer:
    entry_id: str
    item: str
    questions: tuple[str, ...]
    short_answer: str
    status: str  # draft | reviewed


@dataclass(frozen=True, slots=True)
class GivenAnswer:
    text: str
    source: str  # aired | card | kb
    status: str  # draft | reviewed | NOT_IN_KB
    entry_id: str | None = None
    times: int = 0  # times on air in the period
    question: str = ""  # the entry's first phrasing: how the answer's question reads


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                        (name,)).fetchone() is not None


def _shipped_kb(kb_dir: Path) -> list[KbAnswer]:
    entries = []
    for path in sorted(kb_dir.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                raw = json.loads(line)
                entries.append(KbAnswer(raw["id"], raw["item"], tuple(raw.get("questions", ())),
                                        raw["short_answer"], raw.get("status", "draft")))
    return entries


def load_kb(conn: sqlite3.Connection, kb_dir: Path | None = None) -> dict[str, list[KbAnswer]]:
    """The knowledge base by item: the store's if it has one, else the shipped files."""
    entries: list[KbAnswer] = []
    if _has_table(conn, "kb_entries"):
        entries = [KbAnswer(row[0], row[1], tuple(json.loads(row[2])), row[3], row[4])
                   for row in conn.execute(
                       "SELECT id, item, questions, short_answer, status FROM kb_entries ORDER BY id")]
    if not entries:
        try:
            entries = _shipped_kb(kb_dir or asset_path("kb"))
        except (OSError, ValueError, KeyError) as exc:
            log.warning("no knowledge base for the report: %s", exc)
    by_item: dict[str, list[KbAnswer]] = defaultdict(list)
    for entry in entries:
        by_item[entry.item].append(entry)
    return dict(by_item)


def _bigrams(text: str) -> set[str]:
    text = "".join(ch for ch in text if ch.isalnum())
    return {text[i:i + 2] for i in range(len(text) - 1)} or {text}


# An unaired entry is shown beside an item's questions only when it reads like them: the
# viewers' wordings must share, on average weighted by how often each was asked, this share of
# character pairs with one of the entry's phrasings (Jaccard). Below it the report says no
# answer was given rather than pair a question with an answer to another question (issue 21:
# "丢了驾照开车违法吗" was shown with DL06-003's 扣押期间不得补发, fit 0.07).
FIT_MIN = 0.3


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def entry_fit(wordings: list[tuple[str, int]], entry: KbAnswer) -> float:
    """How well ``entry`` answers what viewers wrote: per wording, its best phrasing's
    character-pair Jaccard, averaged with the wordings' counts as weights."""
    total = sum(count for _, count in wordings)
    if not total or not entry.questions:
        return 0.0
    phrasings = [_bigrams(q) for q in entry.questions]
    return sum(count * max(_jaccard(_bigrams(text), grams) for grams in phrasings)
               for text, count in wordings) / total


def best_entry(wordings: list[tuple[str, int]], entries: list[KbAnswer],
               minimum: float = FIT_MIN) -> KbAnswer | None:
    """The entry that best fits what viewers wrote, or None when none fits well enough.

    Ties go to the earlier entry (the knowledge base lists an item's main question first).
    """
    best, best_fit = None, 0.0
    for entry in entries:
        fit = entry_fit(wordings, entry)
        if fit >= minimum and (best is None or fit > best_fit):
            best, best_fit = entry, fit
    return best


def aired_entries(conn: sqlite3.Connection, start_ms: int,
                  end_ms: int) -> dict[str, list[tuple[str, int]]]:
    """Per item: (entry id, times aired) in the period, most aired first."""
    if not (_has_table(conn, "kb_airings") and _has_table(conn, "kb_entries")):
        return {}
    found: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for row in conn.execute(
            "SELECT e.item, a.entry_id, count(*) AS n FROM kb_airings a"
            " JOIN kb_entries e ON e.id = a.entry_id WHERE a.at_ms >= ? AND a.at_ms < ?"
            " GROUP BY e.item, a.entry_id ORDER BY n DESC, a.entry_id", (start_ms, end_ms)):
        found[row[0]].append((row[1], row[2]))
    return dict(found)


def card_answers(conn: sqlite3.Connection, start_ms: int,
                 end_ms: int) -> dict[str, list[tuple[str, int]]]:
    """Per item: (answer text on a Q&A card, times) in the period, most shown first."""
    found: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for row in conn.execute(
            "SELECT c.item, a.answer, count(*) AS n FROM ("
            "  SELECT comment_id, CASE WHEN json_valid(data) THEN json_extract(data, '$.answer') END"
            "  AS answer FROM card_log WHERE taken_ms >= ? AND taken_ms < ?) a"
            " JOIN comments c ON c.id = a.comment_id"
            " WHERE c.item IS NOT NULL AND a.answer IS NOT NULL AND a.answer != ''"
            " GROUP BY c.item, a.answer ORDER BY n DESC, a.answer", (start_ms, end_ms)):
        found[row[0]].append((str(row[1]), row[2]))
    return dict(found)


class AnswerFinder:
    """Finds the answer given per item for one period (queries run once)."""

    def __init__(self, conn: sqlite3.Connection, start_ms: int, end_ms: int,
                 kb: dict[str, list[KbAnswer]] | None = None) -> None:
        self.kb = load_kb(conn) if kb is None else kb
        self._by_id = {e.entry_id: e for entries in self.kb.values() for e in entries}
        self._aired = aired_entries(conn, start_ms, end_ms)
        self._cards = card_answers(conn, start_ms, end_ms)

    def _first_question(self, entry: KbAnswer) -> str:
        return entry.questions[0] if entry.questions else ""

    def answer(self, item: str | None, wordings: list[tuple[str, int]]) -> GivenAnswer | None:
        if item is None:
            return None
        for entry_id, times in self._aired.get(item, []):
            entry = self._by_id.get(entry_id)
            if entry is not None:
                return GivenAnswer(entry.short_answer, "aired", entry.status, entry_id, times,
                                   self._first_question(entry))
        entries = self.kb.get(item, [])
        for text, times in self._cards.get(item, [])[:1]:
            match = next((e for e in entries if e.short_answer.strip() == text.strip()), None)
            if match is not None:
                return GivenAnswer(text, "card", match.status, match.entry_id, times,
                                   self._first_question(match))
            return GivenAnswer(text, "card", NOT_IN_KB, None, times)
        entry = best_entry(wordings, entries)
        if entry is None:
            return None
        return GivenAnswer(entry.short_answer, "kb", entry.status, entry.entry_id, 0,
                           self._first_question(entry))
