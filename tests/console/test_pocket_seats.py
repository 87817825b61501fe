"""Seats and 锦囊口袋: a seat's ``take`` of a clip plays it through the desk's pocket service;
flagged questions carry their item's clips as suggestions (seat event data)."""

from __future__ import annotations

import pytest

from tests.console.pocket_support import good_clip
from tests.console.test_pocket_air import _add_clip, _plays, _until, session  # noqa: F401
from videohelp.console.show_events import Actor
from videohelp.console.show_store import kb_suggestions
from videohelp.core.roles import Role
from videohelp.queue.comments import StoredComment
from videohelp.queue.seat_events import Question
from videohelp.queue.seat_protocol import Action, ErrorCode, ProtocolError, Request, parse


def test_a_seat_takes_a_clip_to_program(session, qloop, data_dir, tmp_path) -> None:  # noqa: F811
    clip_id = _add_clip(data_dir, good_clip(tmp_path / "clip.mp4", 1.0))
    control = session.actions  # the show's one action service, as every seat reaches it
    seat = Actor("presenter-1", Role.PRESENTER)
    request = parse(f'{{"type": "take", "rid": "c1", "clip": {clip_id}, "item": "DL03"}}',
                    Role.PRESENTER)
    assert isinstance(request, Request) and request.clip == clip_id
    outcome = qloop.run_until_complete(control.perform(seat, request))
    assert outcome.reply["title"] == "驾驶证到期换证三步走" and "clip_title" in session.program.on_air()
    _until(qloop, lambda: session.pocket.current is None, 8)
    assert _plays(data_dir)[0][:3] == ("air", "presenter-1", "DL03")
    with pytest.raises(ProtocolError) as refused:
        qloop.run_until_complete(control.perform(seat, Request(Action.TAKE, "c2", clip=999)))
    assert refused.value.code == ErrorCode.NOT_FOUND
    with pytest.raises(ProtocolError) as bad:
        parse('{"type": "take", "rid": "c3", "clip": "x"}', Role.PRESENTER)
    assert bad.value.code == ErrorCode.BAD_REQUEST


def test_flagged_questions_suggest_their_item_s_clips(session, qloop, data_dir,  # noqa: F811
                                                      tmp_path) -> None:
    clip_id = _add_clip(data_dir, good_clip(tmp_path / "clip.mp4", 1.0))
    suggestions = qloop.run_until_complete(session.pipeline.run_in_writer(
        kb_suggestions, "驾照到期了怎么换", "DL03"))
    comment = StoredComment.from_row({
        "id": 1, "platform": "douyin", "msg_id": "m1", "user_id": "u1", "user_name": "王",
        "user_name_masked": "王*", "text": "驾照到期了怎么换", "text_masked": "驾照到期了怎么换",
        "ts_ms": 0, "received_ms": 0, "state": "flagged", "blocked": 0})
    view = Question(comment, "", "desk", 0, "DL03", suggestions).view(personal=False)
    assert [c["id"] for c in view["clips"]] == [clip_id]
    assert view["clips"][0]["title"] == "驾驶证到期换证三步走"
    assert all("short_answer" in s for s in view["suggestions"]) and view["suggestions"]
