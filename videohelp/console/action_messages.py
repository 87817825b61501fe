"""Refused show actions as people read them, in the interface's language.

The action service refuses with an ``ErrorCode`` and a technical reason (for
logs, seats and the audit log). The desk shows the code's sentence, translated
(context ``ShowActions`` in the .ts file), naming the role and the action as
people say them; the technical reason stays in the log.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP as _NOOP
from PySide6.QtCore import QCoreApplication

CTX = "ShowActions"


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # named as lupdate reads it
    """Marks ``text`` for translation (typed: PySide's stub returns object)."""
    return str(_NOOP(context, text))


_TEXTS: dict[str, str] = {
    "forbidden": QT_TRANSLATE_NOOP(CTX, "As {role} you may not: {action}"),
    "draft": QT_TRANSLATE_NOOP(CTX, "Draft answer: only the officer can confirm it for air"),
    "bad_state": QT_TRANSLATE_NOOP(CTX, "Not possible in the comment's current state"),
    "blocked": QT_TRANSLATE_NOOP(CTX, "A blocked comment never goes on air"),
    "not_found": QT_TRANSLATE_NOOP(CTX, "Not found (changed meanwhile?)"),
    "not_flagged": QT_TRANSLATE_NOOP(CTX, "The question is not with the experts"),
    "unknown_item": QT_TRANSLATE_NOOP(CTX, "Unknown business item: {item}"),
    "bad_card": QT_TRANSLATE_NOOP(CTX, "The card cannot be shown"),
    "bad_text": QT_TRANSLATE_NOOP(CTX, "The text cannot go on air (too long or invalid)"),
    "bad_source": QT_TRANSLATE_NOOP(CTX, "Cannot open the source {item} (not found or not a video)"),
}
_OTHER: str = QT_TRANSLATE_NOOP(CTX, "Refused")
_ROLES: dict[str, str] = {
    "officer": QT_TRANSLATE_NOOP(CTX, "officer"),
    "presenter": QT_TRANSLATE_NOOP(CTX, "presenter"),
    "producer": QT_TRANSLATE_NOOP(CTX, "producer"),
    "expert": QT_TRANSLATE_NOOP(CTX, "expert"),
    "automation": QT_TRANSLATE_NOOP(CTX, "automation"),
    "answering": QT_TRANSLATE_NOOP(CTX, "answering service"),
}
_ACTIONS: dict[str, str] = {
    "flag": QT_TRANSLATE_NOOP(CTX, "send to the experts"),
    "answer": QT_TRANSLATE_NOOP(CTX, "answer"),
    "triage": QT_TRANSLATE_NOOP(CTX, "re-file"),
    "queue": QT_TRANSLATE_NOOP(CTX, "queue"),
    "dismiss": QT_TRANSLATE_NOOP(CTX, "dismiss"),
    "mark_answered": QT_TRANSLATE_NOOP(CTX, "mark answered"),
    "take": QT_TRANSLATE_NOOP(CTX, "put on air"),
    "update": QT_TRANSLATE_NOOP(CTX, "update the card"),
    "clear": QT_TRANSLATE_NOOP(CTX, "take off air"),
    "panic": QT_TRANSLATE_NOOP(CTX, "clear all"),
    "confirm": QT_TRANSLATE_NOOP(CTX, "confirm a draft answer"),
    "source": QT_TRANSLATE_NOOP(CTX, "switch the program's source"),
}


def _tr(text: str) -> str:
    return QCoreApplication.translate(CTX, text)


def refusal_text(code: str, action: str = "", role: str = "", item: str = "") -> str:
    """``code``'s sentence in the current language (with the role and action for a refusal
    by the role table, the item code for an unknown item)."""
    sentence = _tr(_TEXTS.get(str(code), _OTHER))
    return sentence.format(role=_tr(_ROLES.get(role, role)), action=_tr(_ACTIONS.get(action, action)),
                           item=item)
