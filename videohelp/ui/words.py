"""Human names for what the desk shows: platforms, actions, cards, states (no internal names).

The store, the protocol and the logs use short codes (douyin, flag, lower_third);
people read 抖音, 提交专家, 人名条. Everything the desk puts in front of a person
goes through here.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from videohelp.core.platforms import PLATFORMS, platform_name

__all__ = ["PLATFORMS", "action_words", "card_name", "platform_name", "refusal_words"]
CTX = "Words"

_ACTIONS = {
    "flag": QT_TRANSLATE_NOOP(CTX, "Sent to the experts"),
    "answer": QT_TRANSLATE_NOOP(CTX, "Expert answer sent"),
    "triage": QT_TRANSLATE_NOOP(CTX, "Re-filed"),
    "queue": QT_TRANSLATE_NOOP(CTX, "Queued"),
    "dismiss": QT_TRANSLATE_NOOP(CTX, "Dismissed"),
    "mark_answered": QT_TRANSLATE_NOOP(CTX, "Marked answered"),
    "take": QT_TRANSLATE_NOOP(CTX, "On screen"),
    "update": QT_TRANSLATE_NOOP(CTX, "Card updated"),
    "clear": QT_TRANSLATE_NOOP(CTX, "Off screen"),
    "panic": QT_TRANSLATE_NOOP(CTX, "Everything off screen"),
    "confirm": QT_TRANSLATE_NOOP(CTX, "Draft confirmed for air"),
    "source": QT_TRANSLATE_NOOP(CTX, "Source switched"),
}

_CARDS = {
    "qa": QT_TRANSLATE_NOOP(CTX, "Q&A card"),
    "lower_third": QT_TRANSLATE_NOOP(CTX, "Lower third"),
    "ticker": QT_TRANSLATE_NOOP(CTX, "Ticker"),
    "clock": QT_TRANSLATE_NOOP(CTX, "Clock"),
    "qr": QT_TRANSLATE_NOOP(CTX, "One-stop QR code"),
    "expert": QT_TRANSLATE_NOOP(CTX, "Expert card"),
    "bug": QT_TRANSLATE_NOOP(CTX, "Logo"),
    "title": QT_TRANSLATE_NOOP(CTX, "Title card"),
}


def action_words(action: str) -> str:
    """``flag`` -> 提交专家 (in the interface's language)."""
    text = _ACTIONS.get(str(action))
    return QCoreApplication.translate(CTX, text) if text else str(action)


def card_name(template: str, layer: str = "") -> str:
    """A card's or layer's name as people read it (the template's or layer's code otherwise)."""
    for key in (template, layer):
        if key in _CARDS:
            return QCoreApplication.translate(CTX, _CARDS[key])
    base = template.split("_")[0]
    if base in _CARDS:
        return QCoreApplication.translate(CTX, _CARDS[base])
    return QCoreApplication.translate(CTX, "Card")


def refusal_words(text: str) -> str:
    """A refusal as the banner shows it: the sentence only; reasons are for the log (they
    name states and layers by their codes)."""
    from videohelp.console.action_messages import _OTHER, _TEXTS

    for sentence in (*_TEXTS.values(), _OTHER):
        translated = QCoreApplication.translate("ShowActions", sentence)
        if text.startswith(translated):
            return translated
    return text
