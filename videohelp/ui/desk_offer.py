"""What a desk offers: each shortcut's action against the role table, and what needs the studio.

The desk builds every key from the one shortcut table (``ui/shortcuts.py``); a key whose
action the desk's role may not do (``core.roles``) is neither bound nor listed in the menus,
and its button is hidden, on the studio's desk and on a desk on another machine alike (the
action service would refuse it anyway: this keeps the refusal off the operator's screen).
Keys that work the studio machine's own files (the clip pocket's video files, the knowledge
base's editor) are offered only where the console runs (``DeskSession.studio``).
"""

from __future__ import annotations

from videohelp.core.roles import Action, allowed

# shortcut action -> the show action it needs (None: viewing, selecting, navigating)
NEEDS: dict[str, Action | None] = {
    "next_question": None, "take": Action.TAKE, "take_question_only": Action.TAKE,
    "answered": Action.MARK_ANSWERED, "clear_question": Action.CLEAR, "panic": Action.PANIC,
    "panic_alt": Action.PANIC, "play_clip": Action.TAKE, "stop_clip": Action.TAKE,
    "queue": Action.QUEUE, "move_up": Action.QUEUE, "move_down": Action.QUEUE,
    "flag": Action.FLAG, "dismiss": Action.DISMISS, "refile": Action.TRIAGE,
    "answer_1": None, "answer_2": None, "answer_3": None, "pin": Action.TAKE,
    "retake_pinned": Action.TAKE, "retake_on_air": Action.TAKE, "edit_answer": Action.TAKE,
    "card_qr": Action.TAKE, "card_expert": Action.TAKE, "card_lower_third": Action.TAKE,
    "card_lower_third_off": Action.CLEAR, "card_ticker": Action.TAKE, "card_clock": Action.TAKE,
    "focus_feed": None, "focus_queue": None, "focus_rundown": None, "filter": None,
    "knowledge": None, "help": None,
}
# retake_on_air: the crash record (show-state.json) is the studio console's own file
STUDIO_ONLY = frozenset({"play_clip", "stop_clip", "knowledge", "retake_on_air"})


def offered(action: str, role: str, studio: bool) -> bool:
    """Whether a desk of ``role`` offers the shortcut ``action`` (``studio``: the console
    runs on this machine)."""
    if action in STUDIO_ONLY and not studio:
        return False
    needs = NEEDS[action]
    return needs is None or allowed(role, needs)
