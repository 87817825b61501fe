"""A desk that did not close cleanly comes back with its drafts, pins and an offer to retake.

The first desk stops its threads without its clean-stop record (what a
``kill -9`` leaves on disk: the database as committed, the show state with
``running`` still true); a new desk on the same data directory restores.
"""

from __future__ import annotations

import json
from pathlib import Path

from videohelp.console.show_state import STATE_FILE
from videohelp.queue.comments import IncomingComment, State

from ..loop_support import spin_until
from .desk_support import desk_with_expert_dock

DRAFT = "先到车管所窗口，带身份证"


def _state(data_dir: Path) -> dict:
    try:
        return json.loads((data_dir / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def test_a_desk_killed_mid_show_restores_drafts_pins_and_offers_the_card(
        qloop, qtbot, data_dir) -> None:
    with desk_with_expert_dock(qloop, qtbot, data_dir, triage=False) as (window, _dock):
        session = window.session
        qloop.run_until_complete(session.pipeline.submit([
            IncomingComment("douyin", f"m{n}", f"u{n}", "杭州小王", text, 1_700_000_000_000 + n)
            for n, text in ((1, "驾照到期了怎么换"), (2, "新能源车牌怎么申请"))]))
        spin_until(qloop, lambda: window.model.rowCount() == 2)
        first, second = sorted((window.model.comment_at(r) for r in range(2)), key=lambda c: c.id)
        # An unsent edit and a pin on the first question ...
        window.answers.show_comment(first, ())
        window.answers.editor.setPlainText(DRAFT)
        window.actions_by_name["pin"].trigger()
        # ... and the second one on air.
        assert qloop.run_until_complete(session.take_question(second, "到车管所办理"))
        # ... and the program recording.
        window.go_live.toggle_record()
        cut_short = window.go_live.record_name
        assert cut_short is not None
        spin_until(qloop, lambda: "qa" in _state(data_dir).get("cards", {})
                   and _state(data_dir).get("desk", {}).get("drafts")
                   and _state(data_dir).get("outputs"), timeout=5)
        # The crash: the state file stays as it is now (no clean-stop record, and the
        # recording stopping with the parts is not recorded).
        recorder = session.console.recorder
        recorder.finish = lambda clean=True: recorder.state.freeze()
    assert _state(data_dir)["running"] is True

    with desk_with_expert_dock(qloop, qtbot, data_dir, triage=False) as (window, _dock):
        session = window.session
        assert session.program.on_air() == {}  # nothing stale on screen by itself
        # Recording again, to a new file; the go-live button says so.
        (recording,) = session.outputs.names()
        assert recording != cut_short and window.go_live.record_name == recording
        assert Path(cut_short).exists()
        assert window.answers.drafts == {first.id: {-1: DRAFT}}
        assert [p.text for p in window.answers.pinned] == [DRAFT]
        assert window.answers.pinned_list.count() == 1
        window.answers.show_comment(first, ())
        assert window.answers.editor.text() == DRAFT
        # The show's comments are back in the feed; the one on air is queued again.
        spin_until(qloop, lambda: window.model.rowCount() == 2)
        states = {window.model.comment_at(r).id: window.model.comment_at(r).state for r in range(2)}
        assert states[second.id] == State.QUEUED
        offer = window.recovery.offer
        assert offer.isVisible() and [c.comment for c in offer.cards] == [second.id]
        assert "新能源车牌" in offer.text.text()
        window.actions_by_name["retake_on_air"].trigger()  # Ctrl+Shift+R
        spin_until(qloop, lambda: "qa" in session.program.on_air() and not offer.isVisible())
        assert session.program.on_air()["qa"].data["answer"] == "到车管所办理"
        assert session.actions.on_air["qa"].id == second.id
        # Typed just before quitting (within the save delay): kept too.
        window.answers.show_comment(first, ())
        window.answers.editor.setPlainText(DRAFT + "，再带驾驶证")
    # Closed cleanly now: nothing to offer next time, the drafts still kept.
    state = _state(data_dir)
    assert state["running"] is False and state["cards"] == {}
    assert state["desk"]["drafts"] == {str(first.id): {"-1": DRAFT + "，再带驾驶证"}}
