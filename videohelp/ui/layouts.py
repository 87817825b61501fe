"""Desk layouts per role, saved per role and per person and restorable.

Each role starts from a layout suited to the job; whatever the person then
arranges (docks moved, resized, hidden) is saved under ``layouts/`` in the
data directory when the desk closes, and comes back next time. "Reset
layout" returns to the role's default.
"""

from __future__ import annotations

import getpass
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QByteArray

log = logging.getLogger(__name__)

ROLES = ("officer", "presenter", "producer")


@dataclass(frozen=True)
class RoleLayout:
    """Which docks a role sees at first, and whether personal data is unmasked."""

    role: str
    visible: frozenset[str]
    show_personal: bool
    feed_questions_only: bool = False


ROLE_LAYOUTS = {
    # The officer answers: questions, answers, program, and the viewer's details.
    "officer": RoleLayout("officer", frozenset({"queue", "answers", "next", "pocket", "preview",
                                                "rundown", "return", "experts"}),
                          show_personal=True),
    # The presenter runs the show: next-up, answers, program, graphics; clear-all at hand.
    "presenter": RoleLayout("presenter", frozenset({"queue", "answers", "next", "pocket",
                                                    "preview", "rundown", "return", "experts"}),
                            show_personal=False, feed_questions_only=True),
    # The producer screens: the whole feed, the queue, the knowledge base.
    # (No clip pocket: the producer takes nothing to air; clips are found in the knowledge dock.)
    "producer": RoleLayout("producer", frozenset({"queue", "knowledge", "preview", "experts"}),
                           show_personal=False),
}


def person_name(configured: str = "") -> str:
    """Who sits at the desk: the configured name, else the login name."""
    name = configured.strip()
    if not name:
        try:
            name = getpass.getuser()
        except (OSError, KeyError):
            name = "desk"
    return name


def layout_file(data_dir: Path, role: str, person: str) -> Path:
    safe = re.sub(r"[^\w.-]+", "_", person) or "desk"
    return data_dir / "layouts" / f"{role}-{safe}.qtstate"


def save_layout(path: Path, state: QByteArray, geometry: QByteArray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Two length-prefixed blobs: window state (docks) and geometry.
    blob = bytes(state.data())
    geo = bytes(geometry.data())
    path.write_bytes(len(blob).to_bytes(4, "big") + blob + geo)


def load_layout(path: Path) -> tuple[QByteArray, QByteArray] | None:
    """The saved (state, geometry), or None if there is none or it is unreadable."""
    try:
        raw = path.read_bytes()
        size = int.from_bytes(raw[:4], "big")
        if len(raw) < 4 + size:
            raise ValueError("truncated")
    except (OSError, ValueError) as exc:
        if path.exists():
            log.warning("layout %s unreadable (%s); using the role's default", path, exc)
        return None
    return QByteArray(raw[4:4 + size]), QByteArray(raw[4 + size:])
