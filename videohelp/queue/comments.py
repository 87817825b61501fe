"""Comment records as they travel through the pipeline."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class State(StrEnum):
    """Where a comment is in the studio's workflow."""

    NEW = "new"
    TRIAGED = "triaged"
    QUEUED = "queued"
    ON_AIR = "on_air"
    ANSWERED = "answered"
    FLAGGED = "flagged"
    DISMISSED = "dismissed"
    BLOCKED = "blocked"


@dataclass(frozen=True, slots=True)
class IncomingComment:
    """A validated, normalised comment from a bridge, not yet stored."""

    platform: str
    msg_id: str
    user_id: str
    user_name: str
    text: str
    ts_ms: int


@dataclass(frozen=True, slots=True)
class StoredComment:
    """A comment as committed to the store."""

    id: int
    platform: str
    msg_id: str
    user_id: str
    user_name: str
    user_name_masked: str
    text: str
    text_masked: str
    ts_ms: int
    received_ms: int
    state: State = State.NEW
    blocked: bool = False
    # The comment this one repeats (same viewer, same text, or a viewer's spam
    # burst); the desk shows repeats collapsed under it.
    repeat_of: int | None = None
    # What triage decided (None until it has): a business question or chatter,
    # the item it filed it under and how sure it was (0..1).
    is_question: bool | None = None
    item: str | None = None
    confidence: float | None = None

    @classmethod
    def from_row(cls, row: dict) -> StoredComment:
        return cls(
            id=row["id"], platform=row["platform"], msg_id=row["msg_id"],
            user_id=row["user_id"], user_name=row["user_name"],
            user_name_masked=row["user_name_masked"], text=row["text"],
            text_masked=row["text_masked"], ts_ms=row["ts_ms"],
            received_ms=row["received_ms"], state=State(row["state"]),
            blocked=bool(row["blocked"]), repeat_of=row.get("repeat_of"),
            is_question=None if row.get("is_question") is None else bool(row["is_question"]),
            item=row.get("item"), confidence=row.get("confidence"),
        )
