"""The knowledge base store: seeding, edits with history, review, on-air rule and counts, search."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from videohelp.assets import asset_path
from videohelp.core.knowledge import (
    EXPERT_SOURCE,
    Entry,
    KnowledgeBase,
    KnowledgeError,
    NotAirableError,
    check_airable,
    check_entry,
    load_shipped,
    record_on_air,
)
from videohelp.core.regulations import RegulationIndex
from videohelp.core.store import Store

SOURCE = "机动车驾驶证申领和使用规定(2021-12-17).md"


@pytest.fixture
def regulations() -> RegulationIndex:
    return RegulationIndex.load(asset_path("regulations"))


@pytest.fixture
def kb(tmp_path: Path, regulations):
    kb = KnowledgeBase.open(tmp_path / "db.sqlite3", regulations)
    yield kb
    kb.close()


def _entry(**changes) -> Entry:
    base = Entry("DL03-900", "DL03", ("驾照快到期了咋换", "换本要啥材料"),
                 "期满前90日内申请换证，带身份证明和体检证明。",
                 "按规定，驾驶证有效期满前九十日内申请换证，提交身份证明和医疗机构出具的体检证明。",
                 SOURCE, "第五十七条")
    return replace(base, **changes)


def test_first_open_seeds_every_shipped_entry_once(tmp_path: Path) -> None:
    shipped = load_shipped()
    kb = KnowledgeBase.open(tmp_path / "db.sqlite3")
    assert len(kb.entries()) == len(shipped) >= 300
    assert kb.get(shipped[0].id) == shipped[0]
    history = kb.history(shipped[0].id)
    assert [(c.action, c.actor, c.version, c.before) for c in history] == [("seed", "shipped", 1, None)]
    kb.close()
    again = KnowledgeBase.open(tmp_path / "db.sqlite3")
    assert again.seed_if_empty() == 0
    assert len(again.entries()) == len(shipped)
    again.close()


def test_a_base_emptied_on_purpose_is_not_refilled(tmp_path: Path) -> None:
    kb = KnowledgeBase.open(tmp_path / "db.sqlite3")
    kb.store.conn.execute("DELETE FROM kb_entries")
    kb.close()
    again = KnowledgeBase.open(tmp_path / "db.sqlite3")
    assert again.entries() == []
    again.close()


def test_create_and_edit_keep_every_version(kb: KnowledgeBase) -> None:
    created = kb.save(_entry(), actor="编辑A", note="new")
    assert created.version == 1 and kb.get("DL03-900") == created
    edited = kb.save(replace(created, short_answer="到期前90天内可换证，带身份证和体检证明。"), actor="编辑B",
                     note="shorter")
    assert edited.version == 2
    assert kb.save(edited, actor="编辑B") == edited  # unchanged: no new version
    history = kb.history("DL03-900")
    assert [(c.version, c.actor, c.action, c.note) for c in history] == [
        (1, "编辑A", "create", "new"), (2, "编辑B", "edit", "shorter")]
    assert history[1].before == created.to_dict()
    assert history[1].after == edited.to_dict()
    assert history[1].changed_fields == ["short_answer", "version"]


def test_invalid_entries_are_refused_with_reasons(kb: KnowledgeBase) -> None:
    with pytest.raises(KnowledgeError, match="61 characters; at most 60"):
        kb.save(_entry(short_answer="长" * 61), actor="x")
    with pytest.raises(KnowledgeError, match="unknown item code 'DL99'"):
        kb.save(_entry(item="DL99"), actor="x")
    with pytest.raises(KnowledgeError, match="第五百条"):
        kb.save(_entry(source_article="第五百条"), actor="x")
    with pytest.raises(KnowledgeError, match="missing source"):
        kb.save(_entry(source_article=""), actor="x")
    with pytest.raises(KnowledgeError, match="no question"):
        kb.save(_entry(questions=(" ",)), actor="x")
    with pytest.raises(KnowledgeError, match="who made it"):
        kb.save(_entry(), actor="")
    with pytest.raises(KeyError):
        kb.get("DL03-900")
    # The database refuses an over-long card answer even if code forgot to check.
    with pytest.raises(sqlite3.IntegrityError):
        kb.store.conn.execute("UPDATE kb_entries SET short_answer = ? WHERE id = 'DL03-001'", ("长" * 61,))


def test_check_entry_accepts_paragraph_references_that_exist(regulations) -> None:
    codes = {"DL03"}
    assert check_entry(_entry(source_article="第五十七条"), codes, regulations) == []
    assert check_entry(_entry(source_article="第五十七条第一款"), codes, regulations) == []
    assert "paragraph" in check_entry(_entry(source_article="第五十七条第九款"), codes, regulations)[0]
    assert check_entry(_entry(status="reviewed"), codes) == ["reviewed without reviewer and time"]


def test_mark_reviewed_records_who_and_when_and_an_edit_voids_it(kb: KnowledgeBase) -> None:
    kb.save(_entry(), actor="编辑")
    with pytest.raises(KnowledgeError, match="reviewer"):
        kb.mark_reviewed("DL03-900", "  ")
    reviewed = kb.mark_reviewed("DL03-900", "王警官")
    assert (reviewed.status, reviewed.reviewed_by, reviewed.version) == ("reviewed", "王警官", 2)
    age = datetime.now().astimezone() - datetime.fromisoformat(reviewed.reviewed_at)
    assert abs(age.total_seconds()) < 60
    assert kb.history("DL03-900")[-1].action == "review"
    assert kb.history("DL03-900")[-1].actor == "王警官"
    # A change of wording: the review covered the old words, so it is a draft again.
    changed = kb.save(replace(reviewed, full_answer=reviewed.full_answer + "可网上办理。"), actor="编辑")
    assert (changed.status, changed.reviewed_by, changed.reviewed_at) == ("draft", None, None)
    # A change of the note only keeps the review.
    again = kb.mark_reviewed("DL03-900", "王警官")
    kept = kb.save(replace(again, change_note="typo"), actor="编辑")
    assert kept.status == "reviewed" and kept.reviewed_by == "王警官"


def test_nothing_in_draft_goes_on_air_without_the_officers_confirmation(kb: KnowledgeBase) -> None:
    draft = kb.save(_entry(change_note="公安部令第172号 changed this from 2025-01-01"), actor="编辑")
    with pytest.raises(NotAirableError, match=r"172号.*officer's confirmation"):
        check_airable(draft, confirmed_by_officer=False)
    check_airable(draft, confirmed_by_officer=True)
    with pytest.raises(NotAirableError):
        kb.record_on_air("DL03-900")
    assert kb.on_air_counts() == {}
    assert kb.record_on_air("DL03-900", "officer", confirmed_by_officer=True) == 1
    reviewed = kb.mark_reviewed("DL03-900", "王警官")
    check_airable(reviewed, confirmed_by_officer=False)
    assert kb.record_on_air("DL03-900") == 2
    with pytest.raises(NotAirableError, match="longer than 60"):
        check_airable(replace(reviewed, short_answer="长" * 61), confirmed_by_officer=True)
    rows = kb.store.conn.execute(
        "SELECT actor, confirmed_draft FROM kb_airings WHERE entry_id = 'DL03-900' ORDER BY id").fetchall()
    assert [tuple(row) for row in rows] == [("officer", 1), ("desk", 0)]


def test_record_on_air_works_on_another_connection_as_the_writer_thread_does(
        kb: KnowledgeBase, tmp_path: Path) -> None:
    kb.mark_reviewed("EB12-001", "王警官")
    writer = Store(tmp_path / "db.sqlite3")
    assert record_on_air(writer, "EB12-001", "presenter") == 1
    assert record_on_air(writer, "EB12-001", "presenter") == 2
    with pytest.raises(KnowledgeError, match="no knowledge entry"):
        record_on_air(writer, "NOPE-1")
    writer.close()
    assert kb.on_air_counts() == {"EB12-001": 2}
    assert kb.stats()["top_aired"] == [("EB12-001", 2)]


def test_search_finds_short_and_long_words_and_filters(kb: KnowledgeBase) -> None:
    short = kb.search("驾照")  # two characters: the LIKE fallback
    assert short and all(e.item.startswith(("DL", "OL")) for e in short[:10])
    long = kb.search("驾驶证")  # three: FTS trigram
    assert long
    both = kb.search("驾驶证  换证？")  # every word must match; punctuation separates words
    assert both and {e.id for e in both} <= {e.id for e in long}
    assert all(e.item == "DL03" for e in kb.search("驾照", item="DL03"))
    ebike = kb.search("上牌", klass="电动自行车")
    assert ebike and {kb.catalog_store.item(e.item).klass for e in ebike} == {"电动自行车"}
    assert kb.search("  ") == []
    assert kb.search('"%_') == []  # quotes and wildcards are not words
    assert kb.search("量子纠缠引擎") == []


def test_search_puts_question_matches_first(kb: KnowledgeBase) -> None:
    kb.save(_entry(id="DL03-901", questions=("紫色独角兽驾照",)), actor="x")
    kb.save(_entry(id="DL03-902", full_answer="答复里提到紫色独角兽。"), actor="x")
    assert [e.id for e in kb.search("紫色独角兽")] == ["DL03-901", "DL03-902"]


def test_listeners_hear_each_change(kb: KnowledgeBase) -> None:
    heard: list[str | None] = []
    kb.add_listener(heard.append)
    kb.save(_entry(), actor="x")
    kb.mark_reviewed("DL03-900", "王警官")
    kb.record_on_air("DL03-900")
    assert heard == ["DL03-900", "DL03-900", "DL03-900"]


def test_stats_count_entries_by_class_and_status(kb: KnowledgeBase) -> None:
    figures = kb.stats()
    assert figures["entries"] == len(load_shipped())
    assert figures["items"] == 108
    assert sum(figures["per_class"].values()) == figures["entries"]
    assert figures["items_under_2"] == []
    assert figures["status"]["draft"] + figures["status"]["reviewed"] == figures["entries"]


def test_an_expert_draft_needs_a_regulation_article_before_review(kb: KnowledgeBase) -> None:
    expert = kb.save(_entry(id="DL03-X001", source_file=EXPERT_SOURCE, source_article="专家A 2025-03-01"),
                     actor="expert:A")
    assert expert.is_draft
    with pytest.raises(KnowledgeError, match="cite a regulation article"):
        kb.mark_reviewed("DL03-X001", "王警官")
    assert kb.get("DL03-X001").is_draft
    with pytest.raises(KnowledgeError, match="cite a regulation"):
        kb.save(replace(expert, status="reviewed", reviewed_by="王警官", reviewed_at="2025-03-01T10:00"),
                actor="x")
    kb.save(replace(expert, source_file=SOURCE, source_article="第五十七条"), actor="王警官")
    assert kb.mark_reviewed("DL03-X001", "王警官").status == "reviewed"


def test_mark_reviewed_refuses_a_citation_that_does_not_exist(kb: KnowledgeBase) -> None:
    kb.store.conn.execute("UPDATE kb_entries SET source_article = '第九百条' WHERE id = 'DL03-001'")
    with pytest.raises(KnowledgeError, match="第九百条"):
        kb.mark_reviewed("DL03-001", "王警官")
