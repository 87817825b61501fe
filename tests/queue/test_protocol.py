"""The /ingest frame parser, text normalisation, masking and repeat merging (all pure)."""

from __future__ import annotations

import json

import pytest

from videohelp.queue.comments import IncomingComment
from videohelp.queue.dedup import RepeatRules, RepeatTracker, Seen, repeat_key
from videohelp.queue.masking import mask_name, mask_text
from videohelp.queue.normalize import check_text
from videohelp.queue.protocol import Code, Limits, ack_json, clean_name, hello_json, parse_frame

NOW = 1_790_000_000_000


def comment(**overrides) -> dict:
    item = {"type": "comment", "id": "m1", "platform": "douyin",
            "user": {"id": "u1", "name": "杭州小王"}, "text": "驾照到期了怎么换", "ts": NOW}
    item.update(overrides)
    return item


def parse(obj, platform: str = "douyin", limits: Limits | None = None):
    # ensure_ascii: a lone surrogate travels as a JSON escape, as from a real bridge.
    raw = obj if isinstance(obj, bytes) else json.dumps(obj).encode()
    return parse_frame(raw, platform, NOW, limits)


def only_error(frame) -> tuple[str | None, str]:
    assert not frame.comments and not frame.events
    (error,) = frame.errors
    return error.id, error.code.value


def test_a_comment_becomes_an_incoming_comment() -> None:
    frame = parse(comment())
    assert frame.errors == []
    assert frame.comments == [IncomingComment("douyin", "m1", "u1", "杭州小王", "驾照到期了怎么换",
                                              NOW)]
    assert frame.ids == ["m1"]


def test_text_is_normalised_full_width_folded_zero_width_stripped() -> None:
    frame = parse(comment(text="  ＡＢＣ１２３\u200b驾照\u200d怎么换？　 "))
    assert frame.comments[0].text == "ABC123驾照怎么换?"


def test_platform_may_be_left_out_but_must_match_the_token() -> None:
    item = comment()
    del item["platform"]
    assert parse(item).comments[0].platform == "douyin"
    assert only_error(parse(comment(platform="app"))) == ("m1", "wrong_platform")


def test_a_batch_stores_the_good_items_and_names_the_bad_ones() -> None:
    items = [comment(id="a"), comment(id="b", text=""), {"id": "c", "user": {"id": "u"},
                                                         "text": "no type is a comment", "ts": NOW},
             "not an object", comment(id="d", ts=NOW + 3_600_000)]
    frame = parse({"type": "batch", "items": items})
    assert [c.msg_id for c in frame.comments] == ["a", "c"]
    assert [(e.id, e.code.value) for e in frame.errors] == [
        ("b", "empty_text"), (None, "bad_frame"), ("d", "future_timestamp")]
    assert frame.errors[1].message.startswith("items[3]: ")


@pytest.mark.parametrize(("raw", "code"), [
    (b"{not json", "bad_json"),
    (b'{"type": "comment", "ts": NaN}', "bad_json"),
    (b"[" * 50_000 + b"]" * 50_000, "bad_json"),
    (b'{"ts": ' + b"9" * 5000 + b"}", "bad_json"),
    (b'{"type": "comment", "text": "\xff\xfe"}', "invalid_utf8"),
    (b'"just a string"', "bad_frame"),
    (b"[]", "bad_frame"),
    (b'{"text": "no type"}', "unknown_type"),
    (b'{"type": "like"}', "unknown_type"),
    (b'{"type": "batch"}', "missing_field"),
    (b'{"type": "batch", "items": []}', "bad_field"),
    (b'{"type": "batch", "items": {"a": 1}}', "bad_field"),
])
def test_frame_level_errors(raw: bytes, code: str) -> None:
    assert only_error(parse(raw)) == (None, code)


@pytest.mark.parametrize(("overrides", "code"), [
    ({"id": None}, "missing_field"),
    ({"id": 17}, "bad_field"),
    ({"id": ""}, "bad_field"),
    ({"id": "x" * 129}, "bad_field"),
    ({"id": "a\x00b"}, "bad_field"),
    ({"user": None}, "missing_field"),
    ({"user": "u1"}, "bad_field"),
    ({"user": {"name": "x"}}, "missing_field"),
    ({"user": {"id": 42}}, "bad_field"),
    ({"user": {"id": "u1", "name": 5}}, "bad_field"),
    ({"text": None}, "missing_field"),
    ({"text": ["a"]}, "bad_field"),
    ({"text": " \u200b "}, "empty_text"),
    ({"text": "问" * 501}, "text_too_long"),
    ({"text": "bell\x07"}, "control_char"),
    ({"text": "abc\u202edef"}, "bidi_control"),
    ({"text": "lone \ud800 surrogate"}, "invalid_utf8"),
    ({"ts": None}, "missing_field"),
    ({"ts": "1790000000000"}, "bad_field"),
    ({"ts": 1.79e12}, "bad_field"),
    ({"ts": True}, "bad_field"),
    ({"ts": 1_790_000_000}, "bad_field"),
    ({"ts": NOW + 300_001}, "future_timestamp"),
])
def test_comment_field_errors(overrides: dict, code: str) -> None:
    item = comment(**overrides)
    for key, value in overrides.items():
        if value is None:
            del item[key]
    error_id, error_code = only_error(parse(item))
    assert error_code == code
    expected_id = item.get("id") if isinstance(item.get("id"), str) else None
    if expected_id is not None and (not expected_id or len(expected_id) > 128 or "\x00" in expected_id):
        expected_id = None  # an id that could not be stored is not echoed
    assert error_id == expected_id


def test_limits_are_enforced_and_announced() -> None:
    limits = Limits(max_frame_bytes=2000, max_batch_items=3, max_text_chars=10)
    assert only_error(parse(comment(text="x" * 3000), limits=limits)) == (None, "frame_too_large")
    batch = {"type": "batch", "items": [comment(id=str(i)) for i in range(4)]}
    assert only_error(parse(batch, limits=limits)) == (None, "batch_too_large")
    assert only_error(parse(comment(text="x" * 11), limits=limits)) == ("m1", "text_too_long")
    hello = json.loads(hello_json("app", limits))
    assert hello == {"type": "hello", "version": 1, "platform": "app",
                     "limits": limits.as_dict()}
    assert hello["limits"]["max_batch_items"] == 3


def test_timestamps_in_the_past_are_fine_and_slightly_ahead_too() -> None:
    assert parse(comment(ts=NOW - 86_400_000 * 365)).comments
    assert parse(comment(ts=NOW + 299_000)).comments


def test_events_are_stored_with_figures() -> None:
    frame = parse({"type": "event", "id": "e1", "kind": "like", "ts": NOW,
                   "data": {"count": 3, "total": 120}})
    (event,) = frame.events
    assert (event.platform, event.kind, event.ts_ms, event.payload, event.msg_id) == (
        "douyin", "like", NOW, {"count": 3, "total": 120}, "e1")
    assert frame.ids == ["e1"]
    no_id = parse({"type": "event", "kind": "viewers", "ts": NOW})
    assert no_id.events[0].payload == {} and no_id.ids == []


@pytest.mark.parametrize(("event", "code"), [
    ({"kind": "Like!"}, "bad_field"),
    ({"kind": 3}, "bad_field"),
    ({"data": [1, 2]}, "bad_field"),
    ({"data": {"blob": "x" * 5000}}, "bad_field"),
    ({"data": {"s": "\udc00"}}, "invalid_utf8"),
    ({"ts": NOW + 10_000_000}, "future_timestamp"),
    ({"platform": "app"}, "wrong_platform"),
])
def test_event_errors(event: dict, code: str) -> None:
    item = {"type": "event", "id": "e1", "kind": "like", "ts": NOW, **event}
    assert only_error(parse(item)) == ("e1", code)


def test_every_code_is_documented() -> None:
    from tests.conftest import REPO

    doc = (REPO / "docs" / "protocol.md").read_text(encoding="utf-8")
    section = doc[doc.index("## Ingest (/ingest)"):]
    for code in Code:
        assert f"`{code.value}`" in section, code


def test_ack_lists_ids() -> None:
    assert json.loads(ack_json(["a", "b"])) == {"type": "ack", "ids": ["a", "b"]}


def test_names_are_cleaned_not_refused() -> None:
    assert clean_name("\u202e王\x00五\u200b", 64) == "王五"
    assert clean_name("ｗａｎｇ" * 30, 8) == "wangwang"
    frame = parse(comment(user={"id": "u1", "name": "\u202emalicious"}))
    assert frame.comments[0].user_name == "malicious"


# -- checks the text must pass, and what may reach the screen ---------------------------
def test_check_text_names_the_first_offending_character() -> None:
    with pytest.raises(ValueError, match=r"U\+202E"):
        check_text("ok\u202e", max_chars=10)
    assert check_text("line\nbreak\ttab", max_chars=20) == "line break tab"
    # Invisible format characters (tags, interlinear marks) are stripped, not kept.
    assert check_text("hi\U000E0041\ufff9dden", max_chars=20) == "hidden"


def test_masking_hides_ids_phones_and_plates_but_keeps_the_question() -> None:
    text = "身份证330102199001011234，电话+86 138-1234-5678，车牌浙A12345车主张三，怎么处理"
    masked = mask_text(text)
    for secret in ("330102199001011234", "1234-5678", "浙A12345"):
        assert secret not in masked
    assert masked.startswith("身份证330") and "怎么处理" in masked and "5678" in masked
    assert mask_name("杭州小王") == "杭**王" and mask_name("李") == "李*"


# -- repeats ---------------------------------------------------------------------------
def incoming(msg_id: str, text: str, user: str = "u1", platform: str = "douyin"):
    return IncomingComment(platform, msg_id, user, "name", text, NOW)


class Store:
    """Plays the writer: numbers comments as a database would and records them."""

    def __init__(self, rules: RepeatRules | None = None) -> None:
        self.tracker = RepeatTracker(rules or RepeatRules())
        self.next_id = 1

    def add(self, c: IncomingComment, at: int) -> tuple[int, int | None]:
        self.tracker.expire(at)
        repeat_of = self.tracker.check(c, at)
        comment_id, self.next_id = self.next_id, self.next_id + 1
        self.tracker.record(Seen(comment_id, c.platform, c.user_id, c.text, at, repeat_of))
        return comment_id, repeat_of


def test_the_same_viewer_repeating_is_merged_ignoring_punctuation_and_case() -> None:
    store = Store()
    first, _ = store.add(incoming("1", "驾照怎么换？"), 0)
    assert store.add(incoming("2", "驾照 怎么换!!"), 1000)[1] == first
    assert repeat_key("ABC, abc") == repeat_key("abcabc")  # texts arrive NFKC-folded
    # After the viewer window, the same text counts as new.
    assert store.add(incoming("3", "驾照怎么换"), 600_001 + 1000)[1] is None


def test_the_same_text_across_platforms_is_merged_but_not_within_one() -> None:
    store = Store()
    store.add(incoming("1", "科目三怎么约", user="a", platform="douyin"), 0)
    assert store.add(incoming("2", "科目三怎么约", user="b", platform="douyin"), 10)[1] is None
    assert store.add(incoming("3", "科目三怎么约。", user="c", platform="app"), 20)[1] is not None
    assert store.add(incoming("4", "科目三怎么约", user="d", platform="zlb"), 200_000)[1] is None


def test_a_spamming_viewer_collapses_without_burying_others() -> None:
    store = Store(RepeatRules(burst=3, burst_window_ms=10_000))
    shown = [store.add(incoming(f"s{i}", f"spam {i}", user="spammer"), i)
             for i in range(20)]
    visible = [cid for cid, repeat_of in shown if repeat_of is None]
    assert len(visible) == 3
    assert all(repeat_of == visible[-1] for _, repeat_of in shown[3:])
    # Others speaking meanwhile are untouched.
    assert store.add(incoming("o1", "电动车上牌去哪", user="other"), 25)[1] is None
    # After a quiet window, the viewer is heard again.
    assert store.add(incoming("s99", "one more", user="spammer"), 20_000)[1] is None


def test_tracker_memory_is_bounded() -> None:
    store = Store(RepeatRules(max_keys=100))
    for i in range(1000):
        store.add(incoming(str(i), f"text {i}", user=f"u{i}"), i)
    store.tracker.expire(1000)  # the writer calls it before every batch
    assert len(store.tracker) <= 300
    store.tracker.expire(10_000_000)
    assert len(store.tracker) == 0


def test_the_blocklist_sees_through_spacing_punctuation_and_width(tmp_path) -> None:
    from videohelp.queue.persist import CommentWriter

    writer = CommentWriter(tmp_path / "unused.sqlite3", ["代办驾照", "ＶＸ", "  "])
    for text in ("低价代办驾照", "代 办-驾.照 联系我", "加vx详聊", "加VX"):
        assert writer.is_blocked(text), text
    assert not writer.is_blocked("驾照怎么代办")
    assert not CommentWriter(tmp_path / "unused.sqlite3").is_blocked("代办驾照")
