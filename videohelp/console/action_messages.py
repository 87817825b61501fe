"""Refused show actions as people read them, in the interface's language.

The action service refuses with an ``ErrorCode`` and a technical reason (for
logs, seats and the audit log). The desk shows the code's sentence, translated
(context ``ShowActions`` in the .ts file), with the reason after it.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP as _NOOP
from PySide6.QtCore import QCoreApplication

CTX = "ShowActions"


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:
    """Marks ``text`` for translation (typed: PySide's stub returns object)."""
    return str(_NOOP(context, text))


_TEXTS: dict[str, str] = {
    "forbidden": QT_TRANSLATE_NOOP(CTX, "Your role may not do this"),
    "draft": QT_TRANSLATE_NOOP(CTX, "Draft answer: only the officer can confirm it for air"),
    "bad_state": QT_TRANSLATE_NOOP(CTX, "Not possible in the comment's current state"),
    "blocked": QT_TRANSLATE_NOOP(CTX, "A blocked comment never goes on air"),
    "not_found": QT_TRANSLATE_NOOP(CTX, "Not found"),
    "not_flagged": QT_TRANSLATE_NOOP(CTX, "The question is not with the experts"),
    "unknown_item": QT_TRANSLATE_NOOP(CTX, "Unknown business item"),
    "bad_card": QT_TRANSLATE_NOOP(CTX, "The card cannot be shown"),
    "bad_text": QT_TRANSLATE_NOOP(CTX, "The text cannot go on air"),
}
_OTHER: str = QT_TRANSLATE_NOOP(CTX, "Refused")


def refusal_text(code: str, reason: str) -> str:
    """``code``'s sentence in the current language, then the reason."""
    sentence = QCoreApplication.translate(CTX, _TEXTS.get(str(code), _OTHER))
    return f"{sentence}: {reason}" if reason else sentence
