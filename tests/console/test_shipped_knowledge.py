"""The shipped starter knowledge base: complete, cited to texts that exist, drafts where rules moved."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from videohelp.assets import asset_path
from videohelp.console.kb_io import KB_COLUMNS
from videohelp.core.catalog import default_catalog
from videohelp.core.knowledge import AMENDED_MARK, SHORT_ANSWER_MAX, Entry, check_entry, load_shipped
from videohelp.core.regulations import RegulationIndex

# Words viewers use, from the issue; each must find its item's entries.
VIEWER_WORDS = {
    "驾照": "驾驶证", "驾驶证": "驾驶证", "本本": "驾驶证", "换本": "驾驶证", "科一": "驾驶证",
    "科二": "驾驶证", "科三": "驾驶证", "科四": "驾驶证", "电驴": "电动自行车", "电瓶车": "电动自行车",
    "小电驴": "电动自行车", "过户": "机动车", "年审": "机动车", "年检": "机动车", "大绿本": "机动车",
    "临牌": "机动车", "12123": "线上办",
}


@pytest.fixture(scope="module")
def regulations() -> RegulationIndex:
    return RegulationIndex.load(asset_path("regulations"))


@pytest.fixture(scope="module")
def shipped() -> list[Entry]:
    return load_shipped()


def test_every_line_has_exactly_the_documented_fields() -> None:
    for path in sorted(asset_path("kb").glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if line.strip():
                assert tuple(json.loads(line)) == KB_COLUMNS, f"{path.name}:{number}"


def test_at_least_300_entries_with_unique_ids_at_least_2_per_item(shipped: list[Entry]) -> None:
    assert len(shipped) >= 300
    ids = Counter(entry.id for entry in shipped)
    assert [entry_id for entry_id, n in ids.items() if n > 1] == []
    per_item = Counter(entry.item for entry in shipped)
    catalog = default_catalog()
    assert [code for code in catalog.items if per_item[code] < 2] == []


def test_every_entry_names_an_item_and_a_source_article_that_exist(shipped, regulations) -> None:
    catalog = default_catalog()
    bad = {}
    for entry in shipped:
        problems = check_entry(entry, catalog.items, regulations)
        if not entry.id.startswith(entry.item + "-"):
            problems.append(f"id does not start with its item {entry.item}")
        if problems:
            bad[entry.id] = problems
    assert bad == {}
    assert {entry.source_file for entry in shipped} <= set(regulations.files)


def test_on_air_answers_fit_the_card(shipped: list[Entry]) -> None:
    assert [e.id for e in shipped if not 0 < len(e.short_answer) <= SHORT_ANSWER_MAX] == []


def test_entries_noting_the_172_amendment_are_drafts(shipped: list[Entry]) -> None:
    amended = [entry for entry in shipped if AMENDED_MARK in entry.change_note]
    assert amended, "licence answers must say where 公安部令第172号 changed the rules"
    assert [entry.id for entry in amended if entry.status != "draft"] == []


def test_viewer_words_find_their_items(tmp_path: Path) -> None:
    from videohelp.core.knowledge import KnowledgeBase

    kb = KnowledgeBase.open(tmp_path / "db.sqlite3")
    catalog = kb.catalog_store.catalog()
    missing = {}
    for word, klass in VIEWER_WORDS.items():
        classes = {catalog[entry.item].klass for entry in kb.search(word)}
        if klass not in classes:
            missing[word] = sorted(classes)
    kb.close()
    assert missing == {}
