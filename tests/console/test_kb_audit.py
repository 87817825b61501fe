"""The shipped answers against their cited articles and each other (the 2026 audit's findings)."""

from __future__ import annotations

import json
from dataclasses import replace
from urllib.parse import urlparse

import pytest

from videohelp.assets import asset_path
from videohelp.console.kb_audit import (
    conflicts,
    figures,
    near_duplicates,
    outdated_terms,
    unsupported_figures,
)
from videohelp.core.knowledge import Entry, load_shipped
from videohelp.core.regulations import RegulationIndex

# Pairs of different items that cite one article for parallel cases and so read alike:
# a viewer asks about each separately and the card names its own case.
PARALLEL_ITEMS = {
    frozenset({"MV06-001", "MV07-001"}),  # change of engine / of body or frame: 第十六条
    frozenset({"MV14-001", "MV15-002"}),  # release of a mortgage / of a pledge: 第三十三、三十四条
}
# Figures an answer may state although the cited article does not hold them. Empty on
# purpose: every figure found in another article was moved or the article is named.
FIGURES_ALLOWED: dict[str, set[float]] = {}


@pytest.fixture(scope="module")
def regulations() -> RegulationIndex:
    return RegulationIndex.load(asset_path("regulations"))


@pytest.fixture(scope="module")
def shipped() -> list[Entry]:
    return load_shipped()


def test_every_figure_of_an_answer_is_in_the_article_it_cites(shipped, regulations) -> None:
    bad = {}
    for entry in shipped:
        missing = unsupported_figures(entry, regulations)
        allowed = FIGURES_ALLOWED.get(entry.id, set())
        missing = {field: [n for n in values if n not in allowed] for field, values in missing.items()}
        if any(missing.values()):
            bad[entry.id] = missing
    assert bad == {}


def test_the_figure_check_catches_a_fine_from_the_neighbouring_article(regulations) -> None:
    entry = next(e for e in load_shipped() if e.id == "DL06-003")
    slipped = replace(entry, short_answer="不能。扣押期间不得补发，隐瞒欺骗补领的罚200元以上500元以下。")
    assert unsupported_figures(slipped, regulations) == {"short_answer": [200.0, 500.0]}
    # The full answer may take it from an article it names (第九十九条), not from one it does not.
    unnamed = replace(entry, full_answer=entry.full_answer.replace("第九十九条", "另有条文"))
    assert unsupported_figures(unnamed, regulations) == {"full_answer": [200.0, 500.0]}


def test_figures_are_amounts_not_names_or_codes() -> None:
    assert figures("期满前90日内，罚二百元，2万元，记12分") == {90.0, 200.0, 20000.0, 12.0}
    assert figures("C6、3C认证、4S店、交管12123、拨打110、2022年起、第二十三条") == set()
    assert figures("一般应当告知，统一发放") == set()


def test_no_on_air_answer_names_an_abolished_district_or_the_old_inspection_cycle(shipped) -> None:
    assert {e.id: outdated_terms(e.short_answer) for e in shipped if outdated_terms(e.short_answer)} == {}
    mv24 = next(e for e in shipped if e.id == "MV24-001")
    assert "第6、10年" in mv24.short_answer and "超10年每年" in mv24.short_answer
    assert outdated_terms("按条例，私家小客车超过6年每年检1次") != []
    assert outdated_terms("上城、下城、江干区不予登记") != []


def test_no_two_items_carry_near_identical_answers(shipped) -> None:
    found = {frozenset({p.first, p.second}) for p in near_duplicates(shipped)}
    assert found - PARALLEL_ITEMS == set()
    # The detector still sees the audit's worst pair if it came back.
    a = next(e for e in shipped if e.id == "OL02-003")
    copy = replace(a, id="OL21-900", item="OL21")
    assert [(p.first, p.second) for p in near_duplicates([a, copy])] == [("OL02-003", "OL21-900")]


def test_entries_of_one_item_that_disagree_no_longer_contradict_on_air(shipped) -> None:
    by_id = {e.id: e for e in shipped}
    pairs = [(p.first, p.second) for p in conflicts(shipped)]
    assert pairs == [("MV29-001", "MV29-002")]  # flagged for review, its notes say why
    first, second = by_id["MV29-001"], by_id["MV29-002"]
    # The national answer states no figure of its own; the Hangzhou one names both rules.
    assert figures(first.short_answer) == set()
    assert figures(second.short_answer) == {6.0, 3.0, 2.0, 1.0}
    assert "全国" in second.short_answer and "杭州" in first.short_answer


def test_weak_citations_say_what_the_article_does_not_cover(shipped) -> None:
    by_id = {e.id: e for e in shipped}
    for entry_id in ("OL19-001", "OL22-003", "OL01-003", "EB02-001", "EB03-001", "EB04-001"):
        assert "引用说明" in by_id[entry_id].change_note, entry_id
    assert by_id["EB02-001"].source_article == "第十条第一款"
    assert "未单列过户程序" in by_id["EB02-001"].short_answer


def test_one_click_links_are_specific_pages_or_empty() -> None:
    links = {}
    for path in sorted(asset_path("catalog", "details").glob("*.json")):
        links.update({item["code"]: item["link"] for item in json.loads(path.read_text(encoding="utf-8"))})
    assert len(links) == 108
    for code, link in links.items():
        if link:
            parsed = urlparse(link)
            assert parsed.scheme == "https" and parsed.path not in ("", "/"), (code, link)


def test_alike_questions_with_different_figures_are_a_conflict(shipped) -> None:
    base = next(e for e in shipped if e.id == "MV02-003")
    other = replace(base, id="MV02-901", short_answer="自车辆交付之日起15日内申请过户。", change_note="")
    assert [(p.first, p.second) for p in conflicts([base, other])] == [("MV02-003", "MV02-901")]
    same = replace(other, short_answer="自车辆交付之日起30日内申请过户。")
    assert conflicts([base, same]) == []
    elsewhere = replace(other, item="MV03", id="MV03-901")
    assert conflicts([base, elsewhere]) == []
