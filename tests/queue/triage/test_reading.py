"""Comments read as viewers write them: normalisation, clauses, floor, cues (issue 16)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from videohelp.queue.triage.corpus import Example, without_conflicts
from videohelp.queue.triage.engine import TriageEngine
from videohelp.queue.triage.lexicon import Lexicon
from videohelp.queue.triage.normalise import Normaliser, Numerals


@pytest.mark.parametrize(("written", "read"), [
    # traditional characters (OpenCC t2s)
    ("駕照過期了怎麼換證", "驾驶证过期了怎么换证"),
    ("號牌褪色了", "号牌褪色了"),
    # full width -> half width
    ("ＪＳＺ丢了", "驾驶证丢了"),
    ("１２１２３登不上", "12123登不上"),
    # English words of the domain
    ("my driving license expired", "my 驾驶证 过期"),
    ("e-bike plate丢了", "电动自行车 号牌丢了"),
    # pinyin initials, only as whole latin words
    ("去cgs办gh", "去车管所办过户"),
    ("abcgsx", "abcgsx"),
    ("esc要nj吗", "二手车要年检吗"),
    # homophone typos, followed to the catalog's term
    ("架照过护年减", "驾驶证过户年检"),
    # licence classes and a bare 牌子
    ("A照能开什么", "a1驾驶证能开什么"),
    ("D照怎么考", "摩托车驾驶证怎么考"),
    ("牌子掉了", "号牌掉了"),
    ("什么牌子的电动车好", "什么品牌的电动自行车好"),
    # numbers in Chinese characters, where they are numbers
    ("扣了十二分", "扣了12分"),
    ("七十岁还能开车吗", "70岁还能开车吗"),
    ("一二一二三", "12123"),
    ("科目一考几次", "科目一考几次"),
    ("等一下", "等一下"),
])
def test_each_kind_of_writing_is_normalised(shared_engine: TriageEngine, written: str,
                                            read: str) -> None:
    assert shared_engine.normalize(written) == read


def test_numerals_are_data(tmp_path: Path) -> None:
    (tmp_path / "numerals.tsv").write_text("digit\t一\t1\ndigit\t二\t2\nunit\t遍\n",
                                           encoding="utf-8")
    numerals = Numerals.load(tmp_path / "numerals.tsv")
    assert numerals.convert("说了十二遍") == "说了12遍" and numerals.convert("十二分") == "十二分"


def test_the_studio_extends_the_lexicon_with_its_own_files(tmp_path: Path,
                                                          shared_engine: TriageEngine) -> None:
    (tmp_path / "ours.tsv").write_text("# ours\n小绿本\t大绿本\n", encoding="utf-8")
    lexicon = Lexicon.load(*shared_engine.knowledge.lexicon_paths, tmp_path)
    assert lexicon.normalize("小绿本丢了") == "登记证书丢了"  # followed: 大绿本 -> 登记证书


def test_clauses_and_fillers(shared_engine: TriageEngine) -> None:
    normaliser: Normaliser = shared_engine.normaliser
    text = shared_engine.normalize("主播辛苦了，晚上好，我从绍兴来的，驾照到期怎么换？")
    assert normaliser.clauses(text) == ["主播辛苦了", "晚上好", "我从绍兴来的", "驾驶证到期怎么换?"]
    assert normaliser.content(text) == ["驾驶证到期怎么换?"]
    assert normaliser.content(shared_engine.normalize("来了来了 主播好")) == ["来了来了", "主播好"]
    assert normaliser.has_question_shape("驾驶证还能用不")
    assert not normaliser.has_question_shape("不用谢")


@pytest.mark.parametrize("greeting", ["主播辛苦了，", "来了来了 ", "晚上好，我从绍兴来的，",
                                      "刚下班赶过来 ", "每期必看👍 "])
def test_a_greeting_first_does_not_make_a_question_chatter(shared_engine: TriageEngine,
                                                           greeting: str) -> None:
    plain, greeted = shared_engine.classify(["驾照丢了怎么补", greeting + "驾照丢了怎么补"])
    assert plain.is_question and plain.item == "DL06"
    assert greeted.is_question and greeted.item == "DL06"


def test_greetings_alone_stay_chatter(shared_engine: TriageEngine) -> None:
    for decision in shared_engine.classify(["來了來了 主播晚上好👍", "主播辛苦了，谢谢警官",
                                            "刷一波", "上次问的问题还没回我"]):
        assert not decision.is_question, decision.text


def test_two_questions_are_filed_by_the_main_one_and_show_the_other(
        shared_engine: TriageEngine) -> None:
    (decision,) = shared_engine.classify(["驾照到期怎么换？电动车上牌要带什么？"])
    assert decision.is_question and {decision.item, decision.also} == {"DL03", "EB01"}
    assert decision.also in [c.item for c in decision.candidates]
    (single,) = shared_engine.classify(["驾照到期怎么换？要带什么？"])
    assert single.item == "DL03" and single.also is None


def test_below_the_floor_only_a_question_shape_keeps_a_line_a_question(
        shared_engine: TriageEngine) -> None:
    engine = shared_engine.clone()
    shaped, bare = engine.classify(["驾照丢了怎么补", "驾照丢了"])
    assert shaped.is_question and bare.is_question and bare.item == "DL06"
    engine.params = replace(engine.params, floor=1.01)  # every guess is below it now
    shaped, bare = engine.classify(["驾照丢了怎么补", "驾照丢了"])
    assert shaped.is_question and shaped.item == "DL06"
    assert not bare.is_question
    (weak,) = shared_engine.classify(["刷一波"])
    assert not weak.is_question


def test_online_or_counter_and_car_or_ebike_follow_the_words(shared_engine: TriageEngine) -> None:
    counter, online, car, ebike = shared_engine.classify(
        ["二手车过户", "二手车过户网上预约", "号牌褪色了", "电动车号牌褪色了"])
    assert counter.item == "MV02" and online.item == "OL15"
    assert car.item == "MV19" and ebike.item == "EB06"


def test_a_wording_taught_for_two_items_is_dropped() -> None:
    found = [Example("异地换驾照", "DL05", 1.0, "kb"), Example("异地换驾照", "OL11", 1.0, "kb"),
             Example("驾照到期怎么换", "DL03", 1.0, "kb"), Example("上牌", "MV01", 1.0, "name"),
             Example("上牌", "EB01", 1.0, "name")]
    kept = without_conflicts(found)
    assert [e.text for e in kept] == ["驾照到期怎么换", "上牌", "上牌"]
