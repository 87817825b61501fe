"""The lexicon: leftmost-longest replacement; latin variants only as whole tokens."""

from __future__ import annotations

from pathlib import Path

import pytest

from videohelp.assets import asset_path
from videohelp.queue.triage.lexicon import Lexicon, LexiconError


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return Lexicon.load(asset_path("triage", "lexicon.tsv"))


def test_the_longest_variant_at_the_leftmost_place_wins(lexicon: Lexicon) -> None:
    # 驾照类型 (-> 准驾车型) is longer than 驾照 (-> 驾驶证) at the same place.
    assert lexicon.normalize("驾照类型有哪些") == "准驾车型有哪些"
    assert lexicon.normalize("小电驴上牌") == "电动自行车上牌"
    assert lexicon.normalize("科2挂了") == "科目二挂了"


def test_latin_abbreviations_match_only_as_whole_tokens(lexicon: Lexicon) -> None:
    assert lexicon.normalize("我的JSZ掉了") == "我的驾驶证掉了"
    assert lexicon.normalize("jsz丢了 km1") == "驾驶证丢了 科目一"
    assert lexicon.normalize("abcjszx") == "abcjszx"
    assert lexicon.normalize("C1能开皮卡吗") == "c1能开皮卡吗"
    assert lexicon.normalize("c12") == "c12"


def test_digit_typos_are_not_found_inside_longer_numbers(lexicon: Lexicon) -> None:
    assert lexicon.normalize("12312怎么注册") == "12123怎么注册"
    assert lexicon.normalize("电话123124") == "电话123124"


def test_full_width_and_case_are_folded_first(lexicon: Lexicon) -> None:
    assert lexicon.normalize("Ｃ１驾照") == "c1驾驶证"


def test_a_malformed_lexicon_line_is_refused_with_its_line_number(tmp_path: Path) -> None:
    path = tmp_path / "lexicon.tsv"
    path.write_text("驾照\t驾驶证\n# a comment\n\n没有制表符\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=":4:"):
        Lexicon.load(path)
