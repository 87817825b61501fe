"""The knowledge base's plain data: an entry, its limits and its errors (no SQLite).

Split from ``core/knowledge.py`` so that widgets can show and edit entries without
importing the module that runs SQL (the import-linter contract "Widgets never touch
SQLite" in pyproject.toml forbids ``videohelp.ui`` that module). ``core.knowledge``
re-exports every name here, so other code imports them from either.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

SHORT_ANSWER_MAX = 60
STATUSES = ("draft", "reviewed")
AMENDED_MARK = "172号"  # 公安部令第172号 amended the licence rules from 2025-01-01
# A source that is not a regulation text: an expert group's answer saved as a draft
# (queue/experts.py). Allowed in drafts only; review needs a regulation article.
EXPERT_SOURCE = "专家组答复"
# The history action that retires an entry (kb_review.py); a later row brings it back.
RETIRED_ACTION = "retire"
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")
# The fields a review vouches for; changing any of them voids the review.
CONTENT_FIELDS = ("item", "questions", "short_answer", "full_answer", "source_file", "source_article")


class KnowledgeError(ValueError):
    """An entry is invalid or an operation on it is refused."""


class NotAirableError(KnowledgeError):
    """The answer may not go on air (a draft without the officer's confirmation)."""


@dataclass(frozen=True)
class Entry:
    id: str
    item: str
    questions: tuple[str, ...]
    short_answer: str
    full_answer: str
    source_file: str
    source_article: str
    status: str = "draft"
    reviewed_by: str | None = None
    reviewed_at: str | None = None
    version: int = 1
    change_note: str = ""

    @property
    def is_draft(self) -> bool:
        return self.status != "reviewed"

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["questions"] = list(self.questions)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Entry:
        return cls(
            id=str(data["id"]), item=str(data["item"]),
            questions=tuple(str(q) for q in data["questions"]),
            short_answer=str(data["short_answer"]), full_answer=str(data["full_answer"]),
            source_file=str(data["source_file"]), source_article=str(data["source_article"]),
            status=str(data.get("status") or "draft"), reviewed_by=data.get("reviewed_by") or None,
            reviewed_at=data.get("reviewed_at") or None, version=int(data.get("version") or 1),
            change_note=str(data.get("change_note") or ""))

    def content(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in CONTENT_FIELDS)


def check_entry(entry: Entry, item_codes: Iterable[str], regulations: Any = None) -> list[str]:
    """What is wrong with ``entry`` (empty if nothing). ``regulations`` (a
    ``RegulationIndex``) also checks that the cited file and article exist."""
    problems = []
    if not ID_PATTERN.match(entry.id):
        problems.append(f"bad id {entry.id!r} (letters, digits, - _ . only, at most 64)")
    if entry.item not in set(item_codes):
        problems.append(f"unknown item code {entry.item!r}")
    if not [q for q in entry.questions if q.strip()]:
        problems.append("no question")
    if not entry.short_answer.strip():
        problems.append("empty on-air answer")
    elif len(entry.short_answer) > SHORT_ANSWER_MAX:
        problems.append(f"on-air answer has {len(entry.short_answer)} characters; at most "
                        f"{SHORT_ANSWER_MAX} fit a card")
    if not entry.full_answer.strip():
        problems.append("empty full answer")
    if not entry.source_file.strip() or not entry.source_article.strip():
        problems.append("missing source file or article")
    elif entry.source_file == EXPERT_SOURCE:
        if not entry.is_draft:
            problems.append("an expert answer must cite a regulation article before it is reviewed")
    elif regulations is not None:
        problem = regulations.check(entry.source_file, entry.source_article)
        if problem:
            problems.append(problem)
    if entry.status not in STATUSES:
        problems.append(f"status {entry.status!r} is not draft or reviewed")
    elif entry.status == "reviewed":
        if not entry.reviewed_by or not entry.reviewed_at:
            problems.append("reviewed without reviewer and time")
        elif not _is_iso_time(entry.reviewed_at):
            problems.append(f"reviewed_at {entry.reviewed_at!r} is not a date like 2025-03-01T10:00")
    if entry.version < 1:
        problems.append("version must be 1 or more")
    return problems


def _is_iso_time(text: str) -> bool:
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return False
    return True
