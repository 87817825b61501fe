"""Every desk action with its shortcut, in one table.

The desk builds its QActions from this table, the help dialog (F1) lists it,
and ``docs/shortcuts.md`` is checked against it by the tests, so the three
never disagree. The common path is four keys: N (next question, its answer is
selected), Enter (question-and-answer card on screen), A (answered, card off).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication


@dataclass(frozen=True)
class ShortcutSpec:
    action: str
    keys: str
    text: str  # English source; shown translated
    group: str



SHORTCUTS: tuple[ShortcutSpec, ...] = (
    ShortcutSpec("next_question", "N", QT_TRANSLATE_NOOP("Shortcuts", "Next question (selects its best answer)"), "Questions"),
    ShortcutSpec("take", "Return", QT_TRANSLATE_NOOP("Shortcuts", "Question-and-answer card on screen"), "Program"),
    ShortcutSpec("take_question_only", "Shift+Return", QT_TRANSLATE_NOOP("Shortcuts", "Question card on screen without an answer"),
                 "Program"),
    ShortcutSpec("answered", "A", QT_TRANSLATE_NOOP("Shortcuts", "Mark answered (card off screen)"), "Program"),
    ShortcutSpec("clear_question", "Escape", QT_TRANSLATE_NOOP("Shortcuts", "Question card off screen"), "Program"),
    ShortcutSpec("panic", "F12", QT_TRANSLATE_NOOP("Shortcuts", "CLEAR ALL: every card off screen at once"), "Program"),
    ShortcutSpec("panic_alt", "Ctrl+Shift+X", QT_TRANSLATE_NOOP("Shortcuts", "CLEAR ALL (second key)"), "Program"),
    ShortcutSpec("retake_on_air", "Ctrl+Shift+R", QT_TRANSLATE_NOOP("Shortcuts", "Retake the cards that were on air before a crash"), "Program"),
    ShortcutSpec("play_clip", "V", QT_TRANSLATE_NOOP("Shortcuts", "Play the chosen explainer clip to program (back to the camera at its end)"),
                 "Program"),
    ShortcutSpec("stop_clip", "Shift+V", QT_TRANSLATE_NOOP("Shortcuts", "Stop the explainer clip on air"), "Program"),
    ShortcutSpec("queue", "Q", QT_TRANSLATE_NOOP("Shortcuts", "Add the selected comment to next up"), "Questions"),
    ShortcutSpec("move_up", "Ctrl+Up", QT_TRANSLATE_NOOP("Shortcuts", "Move up in next up"), "Questions"),
    ShortcutSpec("move_down", "Ctrl+Down", QT_TRANSLATE_NOOP("Shortcuts", "Move down in next up"), "Questions"),
    ShortcutSpec("flag", "F", QT_TRANSLATE_NOOP("Shortcuts", "Flag the selected question to the experts"), "Questions"),
    ShortcutSpec("dismiss", "Delete", QT_TRANSLATE_NOOP("Shortcuts", "Dismiss the selected comment"), "Questions"),
    ShortcutSpec("refile", "R", QT_TRANSLATE_NOOP("Shortcuts", "Re-file the selected comment to another item"), "Questions"),
    ShortcutSpec("answer_1", "1", QT_TRANSLATE_NOOP("Shortcuts", "Choose suggested answer 1"), "Answers"),
    ShortcutSpec("answer_2", "2", QT_TRANSLATE_NOOP("Shortcuts", "Choose suggested answer 2"), "Answers"),
    ShortcutSpec("answer_3", "3", QT_TRANSLATE_NOOP("Shortcuts", "Choose suggested answer 3"), "Answers"),
    ShortcutSpec("pin", "P", QT_TRANSLATE_NOOP("Shortcuts", "Pin the chosen answer"), "Answers"),
    ShortcutSpec("retake_pinned", "Ctrl+P", QT_TRANSLATE_NOOP("Shortcuts", "Put the last pinned answer back on screen"), "Answers"),
    ShortcutSpec("edit_answer", "E", QT_TRANSLATE_NOOP("Shortcuts", "Edit the on-air answer before it goes on screen"), "Answers"),
    ShortcutSpec("card_qr", "K", QT_TRANSLATE_NOOP("Shortcuts", "One-stop QR code of the question's item on / off"), "Cards"),
    ShortcutSpec("card_expert", "X", QT_TRANSLATE_NOOP("Shortcuts", "Expert card for the chosen answer on / off"), "Cards"),
    ShortcutSpec("card_lower_third", "L", QT_TRANSLATE_NOOP("Shortcuts", "Next lower third from the rundown"), "Cards"),
    ShortcutSpec("card_lower_third_off", "Shift+L", QT_TRANSLATE_NOOP("Shortcuts", "Lower third off"), "Cards"),
    ShortcutSpec("card_ticker", "T", QT_TRANSLATE_NOOP("Shortcuts", "Ticker on / off"), "Cards"),
    ShortcutSpec("card_clock", "C", QT_TRANSLATE_NOOP("Shortcuts", "Clock on / off"), "Cards"),
    ShortcutSpec("focus_feed", "Ctrl+1", QT_TRANSLATE_NOOP("Shortcuts", "Go to the live feed"), "Navigation"),
    ShortcutSpec("focus_queue", "Ctrl+2", QT_TRANSLATE_NOOP("Shortcuts", "Go to the question queue"), "Navigation"),
    ShortcutSpec("focus_rundown", "Ctrl+3", QT_TRANSLATE_NOOP("Shortcuts", "Go to the graphics rundown"), "Navigation"),
    ShortcutSpec("filter", "Ctrl+F", QT_TRANSLATE_NOOP("Shortcuts", "Filter the live feed"), "Navigation"),
    ShortcutSpec("knowledge", "F3", QT_TRANSLATE_NOOP("Shortcuts", "Knowledge base"), "Navigation"),
    ShortcutSpec("help", "F1", QT_TRANSLATE_NOOP("Shortcuts", "List of shortcuts"), "Navigation"),
)

BY_ACTION = {spec.action: spec for spec in SHORTCUTS}


def translated(spec: ShortcutSpec) -> str:
    return QCoreApplication.translate("Shortcuts", spec.text)


def markdown_table() -> str:
    """The table docs/shortcuts.md carries (kept in sync by a test)."""
    lines = ["| keys | action | group |", "|---|---|---|"]
    lines += [f"| `{spec.keys}` | {spec.text} | {spec.group} |" for spec in SHORTCUTS]
    return "\n".join(lines)
