"""The seat protocol without sockets: parsing, the role matrix, events, replay, snapshots."""

from __future__ import annotations

import json

import pytest

from videohelp.core.roles import ACTIONS, ROLES, Action, Role, allowed, allowed_actions, receives
from videohelp.queue.comments import State, StoredComment
from videohelp.queue.seat_events import Answer, EventLog, Question, SeatState, comment_view
from videohelp.queue.seat_protocol import (
    MAX_ANSWER_CHARS,
    ErrorCode,
    Hello,
    Ping,
    ProtocolError,
    Request,
    parse,
)

PHONE = "13812345678"
PLATE = "浙A12345"


def _comment(cid: int = 1, state: State = State.NEW) -> StoredComment:
    text = f"我手机{PHONE}车牌{PLATE}怎么年检"
    from videohelp.queue.masking import mask_name, mask_text

    return StoredComment(cid, "douyin", f"m{cid}", "u42", "杭州小王", mask_name("杭州小王"), text,
                         mask_text(text), 1_700_000_000_000, 1_700_000_000_100, state)


def _valid(action: str) -> dict:
    """A well-formed request for ``action``."""
    fields = {
        "flag": {"comment": 1, "note": "请专家看看"},
        "answer": {"comment": 1, "text": "可以在线办理"},
        "triage": {"comment": 1, "item": "DL01"},
        "queue": {"comment": 1},
        "dismiss": {"comment": 1},
        "take": {"comment": 1},
        "update": {"layer": "qa", "data": {"answer": "新答案"}},
        "clear": {"layer": "qa"},
        "panic": {},
        "mark_answered": {"comment": 1},
        "confirm": {"comment": 1, "entry": "DL01-001"},
        "source": {"source": "camera:0"},
    }[action]
    return {"type": action, "rid": "r1", **fields}


# -- the role matrix ------------------------------------------------------------------------
EXPECTED = {
    "officer": {"flag", "triage", "queue", "dismiss", "mark_answered", "take", "update", "clear",
                "panic", "confirm"},
    "presenter": {"flag", "queue", "dismiss", "mark_answered", "take", "update", "clear", "panic",
                  "source"},
    "producer": {"flag", "triage", "queue", "dismiss", "mark_answered", "panic", "source"},
    "expert": {"answer"},
    "automation": {"take", "update", "clear", "panic", "source"},
}


def test_the_answering_service_may_close_and_pass_on_and_nothing_else() -> None:
    assert "answering" not in ROLES  # its own actor, never a seat
    assert set(allowed_actions("answering")) == {"mark_answered", "flag"}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTIONS)
def test_every_role_and_action_is_parsed_or_refused_by_the_matrix(role: str, action: str) -> None:
    raw = json.dumps(_valid(action), ensure_ascii=False)
    if action in EXPECTED[role]:
        request = parse(raw, Role(role))
        assert isinstance(request, Request) and request.action == Action(action) and request.rid == "r1"
    else:
        with pytest.raises(ProtocolError) as caught:
            parse(raw, Role(role))
        assert caught.value.code == ErrorCode.FORBIDDEN
        assert caught.value.reply() == {"type": "error", "rid": "r1", "code": "forbidden",
                                        "message": f"role {role} may not {action}"}


def test_the_matrix_keeps_the_shows_rules() -> None:
    on_air = {"take", "update"}
    assert not any(allowed("expert", a) for a in on_air | {"clear", "panic"})  # never on air
    assert all(allowed(r, a) for r in ("officer", "presenter") for a in on_air)
    assert allowed("producer", "triage") and allowed("producer", "queue")
    assert not allowed("producer", "take")
    assert all(allowed(r, "panic") for r in ("officer", "presenter", "producer", "automation"))
    assert allowed_actions("expert") == ["answer"]
    # The picture is cut by the producer (制片), the presenter or a stream deck, not the officer.
    assert [r for r in ROLES if allowed(r, "source")] == ["presenter", "producer", "automation"]
    assert not allowed("nobody", "take") and not allowed("officer", "launch")


def test_experts_get_questions_and_cards_but_not_the_raw_feed() -> None:
    assert not receives("expert", "comment.added")
    assert receives("expert", "question.flagged") and receives("expert", "card.on_air")
    assert all(receives(role, "comment.changed") for role in ROLES if role != "expert")


# -- parsing --------------------------------------------------------------------------------
@pytest.mark.parametrize(("raw", "code"), [
    ("{not json", ErrorCode.BAD_JSON),
    (b"\xff\xfe", ErrorCode.BAD_JSON),
    ("[1, 2]", ErrorCode.BAD_REQUEST),
    ('{"rid": "x"}', ErrorCode.BAD_REQUEST),
    ('{"type": "launch", "rid": "x"}', ErrorCode.UNKNOWN_TYPE),
    ('{"type": "take", "template": "qa", "data": {}}', ErrorCode.BAD_REQUEST),  # no rid
    ('{"type": "take", "rid": true, "comment": 1}', ErrorCode.BAD_REQUEST),
    ('{"type": "take", "rid": "' + "x" * 65 + '", "comment": 1}', ErrorCode.BAD_REQUEST),
    ('{"type": "take", "rid": "x", "comment": "1"}', ErrorCode.BAD_REQUEST),
    ('{"type": "take", "rid": "x", "comment": 0}', ErrorCode.BAD_REQUEST),
    ('{"type": "take", "rid": "x"}', ErrorCode.BAD_REQUEST),
    ('{"type": "take", "rid": "x", "template": "qa", "data": []}', ErrorCode.BAD_REQUEST),
    ('{"type": "take", "rid": "x", "template": "../qa", "data": {}}', ErrorCode.BAD_REQUEST),
    ('{"type": "update", "rid": "x", "data": {}}', ErrorCode.BAD_REQUEST),
    ('{"type": "clear", "rid": "x", "layer": 5}', ErrorCode.BAD_REQUEST),
    ('{"type": "flag", "rid": "x", "comment": 3, "note": 7}', ErrorCode.BAD_REQUEST),
    ('{"type": "flag", "rid": "x", "comment": 3, "note": "a\\u202eb"}', ErrorCode.BAD_TEXT),
    ('{"type": "triage", "rid": "x", "comment": 3}', ErrorCode.BAD_REQUEST),
    ('{"type": "hello", "since": -1}', ErrorCode.BAD_REQUEST),
    ('{"type": "hello", "since": 1, "epoch": 5}', ErrorCode.BAD_REQUEST),
])
def test_bad_requests_are_refused_with_a_code(raw: str | bytes, code: ErrorCode) -> None:
    with pytest.raises(ProtocolError) as caught:
        parse(raw, Role.OFFICER)
    assert caught.value.code == code
    reply = caught.value.reply()
    assert reply["type"] == "error" and reply["code"] == code.value and reply["message"]


@pytest.mark.parametrize("raw", [
    '{"type": "source", "rid": "x"}', '{"type": "source", "rid": "x", "source": 3}',
    '{"type": "source", "rid": "x", "source": "  "}',
    '{"type": "source", "rid": "x", "source": "file:/a\\nb.mp4"}',
    '{"type": "source", "rid": "x", "source": "' + "x" * 1001 + '"}'])
def test_a_source_switch_needs_a_source_spec(raw: str) -> None:
    with pytest.raises(ProtocolError) as caught:
        parse(raw, Role.PRODUCER)
    assert caught.value.code == ErrorCode.BAD_REQUEST and "'source'" in caught.value.message
    request = parse('{"type": "source", "rid": "x", "source": " rtmp://h/live/KEY "}', Role.PRODUCER)
    assert isinstance(request, Request) and request.source == "rtmp://h/live/KEY"


def test_an_answer_must_have_text_within_the_limit() -> None:
    for text, code in (("   ", ErrorCode.BAD_TEXT), ("答" * (MAX_ANSWER_CHARS + 1), ErrorCode.BAD_TEXT),
                       (None, ErrorCode.BAD_REQUEST)):
        with pytest.raises(ProtocolError) as caught:
            parse(json.dumps({"type": "answer", "rid": 1, "comment": 2, "text": text}), Role.EXPERT)
        assert caught.value.code == code and caught.value.rid == "1"
    request = parse(json.dumps({"type": "answer", "rid": 1, "comment": 2, "text": " 可以\u200b办 ",
                                "save_kb": True, "item": "dl01"}), Role.EXPERT)
    assert isinstance(request, Request)
    assert (request.text, request.save_kb, request.item, request.rid) == ("可以办", True, "DL01", "1")


def test_take_forms_and_defaults() -> None:
    question = parse('{"type":"take","rid":"a","comment":9,"answer":"可以","item":"MV01"}', Role.PRESENTER)
    assert isinstance(question, Request)
    assert (question.comment, question.answer, question.item, question.layer) == (9, "可以", "MV01", None)
    card = parse('{"type":"take","rid":"b","template":"lower_third","data":{"name":"张警官"}}',
                 Role.AUTOMATION)
    assert isinstance(card, Request)
    assert (card.layer, card.template, card.data) == ("lower_third", "lower_third", {"name": "张警官"})
    clear = parse('{"type":"clear","rid":"c"}', Role.AUTOMATION)
    assert isinstance(clear, Request) and clear.layer == "qa"


def test_hello_and_ping_need_no_permission() -> None:
    hello = parse('{"type":"hello","rid":"h","since":41,"epoch":"abc"}', Role.EXPERT)
    assert hello == Hello("h", 41, "abc")
    assert parse('{"type":"ping"}', Role.EXPERT) == Ping(None)


# -- events, replay, snapshots ----------------------------------------------------------------
def test_the_log_replays_what_a_seat_missed_or_asks_for_a_snapshot() -> None:
    log = EventLog(capacity=5, epoch="e1")
    for n in range(8):
        log.append("card.on_air", {"n": n})
    assert (log.first_seq, log.last_seq) == (4, 8)
    missed = log.since(5)
    assert missed is not None and [e.seq for e in missed] == [6, 7, 8]
    assert log.since(8) == []
    assert [e.seq for e in log.since(3) or []] == [4, 5, 6, 7, 8]   # exactly reaches back
    assert log.since(2) is None                                       # too old: snapshot
    assert log.since(9) is None                                       # from the future: snapshot
    assert log.since(6, epoch="e0") is None                           # another run: snapshot
    assert json.loads(log.since(7)[0].text(False)) == {"type": "event", "seq": 8, "name": "card.on_air",
                                                       "data": {"n": 7}}


def test_masked_views_never_carry_personal_data() -> None:
    state = SeatState(EventLog(epoch="e"))
    comment = _comment()
    added = state.comments_added([comment])
    assert added is not None
    masked, personal = added.text(False), added.text(True)
    assert PHONE not in masked and PLATE not in masked and "杭州小王" not in masked
    assert PHONE in personal and "杭州小王" in personal
    flagged = state.flagged(Question(_comment(state=State.FLAGGED), f"他说手机{PHONE}", "officer", 5))
    assert PHONE not in flagged.text(False) and PHONE in flagged.text(True)
    for role in ROLES:
        text = json.dumps(state.snapshot("s", Role(role)), ensure_ascii=False)
        assert (PHONE in text) == (role == "officer"), role
    view = comment_view(comment, personal=False)
    assert set(view) >= {"id", "text_masked", "viewer_masked"} and "text" not in view


def test_a_comment_batch_builds_its_views_only_when_read(monkeypatch) -> None:
    """With no seat to resume (log not recording), nobody reads a batch's views: none is
    built; read later, they say what held when the event was made (the item then)."""
    import videohelp.queue.seat_events as seat_events

    built: list[bool] = []
    real_view = seat_events.comment_view
    monkeypatch.setattr(seat_events, "comment_view",
                        lambda c, personal, item=None: built.append(personal) or real_view(c, personal, item))
    log = EventLog(epoch="e")
    log.stop_recording()
    state = SeatState(log)
    added = state.comments_added([_comment(1), _comment(2)])
    triaged = state.comments_triaged([_comment(1)])
    assert added is not None and triaged is not None and built == []
    assert added.comment_ids == (1, 2) and triaged.comment_ids == (1,)
    state.comment_changed(_comment(1), item="DL03")     # a person files it after the event
    built.clear()
    assert [c["item"] for c in added.personal["comments"]] == [None, None]
    assert built == [True, True]
    assert PHONE not in added.text(False) and PHONE in added.text(True)
    assert json.loads(added.text(False))["data"] == added.masked
    log.recording = True                                  # a seat could resume: logged at once
    state.comments_added([_comment(3)])
    assert len(built) == 2 + 2 + 2  # the two read above, then both views of comment 3


def test_two_answers_are_kept_and_the_first_is_shown() -> None:
    state = SeatState(EventLog(epoch="e"))
    state.flagged(Question(_comment(state=State.FLAGGED), "note", "officer", 1_000))
    first = state.answered(Answer(1, 1, "李专家", "答案一", 1_000, 4_000))
    second = state.answered(Answer(2, 1, "王专家", "答案二", 1_000, 6_500))
    assert first.personal["first"] is True and second.personal["first"] is False
    assert second.personal["answer"]["flag_to_answer_ms"] == 5_500
    (question,) = state.snapshot("x", Role.EXPERT)["questions"]
    assert question["answer"]["text"] == "答案一"
    assert [a["expert"] for a in question["answers"]] == ["李专家", "王专家"]
    assert "comments" not in state.snapshot("x", Role.EXPERT)
    assert len(state.snapshot("x", Role.PRODUCER)["comments"]) == 1


def test_seats_joining_twice_are_one_seat_until_both_leave() -> None:
    state = SeatState(EventLog(epoch="e"))
    assert state.seat_joined("李专家", Role.EXPERT) is not None
    assert state.seat_joined("李专家", Role.EXPERT) is None
    assert state.seat_left("李专家") is None
    left = state.seat_left("李专家")
    assert left is not None and left.name == "seat.left" and state.seats == {}
