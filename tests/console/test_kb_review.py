"""The review queue and its decisions, and the studio's own regulation texts."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from videohelp.console.kb_review import ReviewError, ReviewSession, standing_flags
from videohelp.core.knowledge import EXPERT_SOURCE, KnowledgeBase, KnowledgeError, check_entry
from videohelp.core.regulations import RegulationIndex, check_regulation_text, load_regulations

DRIVING = "机动车驾驶证申领和使用规定(2021-12-17).md"


def ask(kb: KnowledgeBase, item: str, times: int, *, start: int = 0) -> None:
    """Stored comments filed under ``item``, as triage leaves them."""
    with kb.store.transaction() as conn:
        for n in range(start, start + times):
            conn.execute(
                "INSERT INTO comments (platform, msg_id, user_id, user_name, user_name_masked, text, "
                "text_masked, ts_ms, received_ms, is_question, item) VALUES "
                "('douyin', ?, 'u', 'n', 'n', '驾照丢了', '驾照丢了', 1, 1, 1, ?)", (f"{item}-{n}", item))


@pytest.fixture
def kb(tmp_path: Path):
    kb = KnowledgeBase.open(tmp_path / "db.sqlite3", load_regulations())
    yield kb
    kb.close()


def test_the_queue_puts_the_most_asked_items_first(kb: KnowledgeBase) -> None:
    ask(kb, "DL06", 5)
    ask(kb, "EB01", 9)
    session = ReviewSession(kb, "王警官", top_items=2)
    queue = session.queue()
    assert {e.item for e in queue} == {"EB01", "DL06"}
    assert [e.item for e in queue].index("DL06") > [e.item for e in queue].index("EB01")
    assert [e.id for e in queue] == sorted(e.id for e in queue if e.item == "EB01") + sorted(
        e.id for e in queue if e.item == "DL06")
    everything = ReviewSession(kb, "王警官").queue()
    assert len(everything) == len(kb.entries()) and everything[0].item == "EB01"
    # Without comments the catalog's order holds.
    assert ReviewSession(kb, "x", top_items=1).scope() == ["EB01"]


def test_each_decision_is_in_the_history_and_moves_the_entry(kb: KnowledgeBase) -> None:
    ask(kb, "DL06", 3)
    session = ReviewSession(kb, "王警官", top_items=1)
    first, second, third = (e.id for e in session.queue()[:3])
    before = session.progress()

    session.approve(first, "checked against 第六十九条")
    session.needs_expert(second, "is the fine still current?")
    session.retire(third, "duplicate of another answer")

    assert kb.get(first).status == "reviewed" and kb.get(first).reviewed_by == "王警官"
    assert [(c.action, c.actor, c.note) for c in kb.history(second)][-1] == (
        "needs_expert", "王警官", "is the fine still current?")
    assert [c.action for c in kb.history(third)] == ["seed", "retire"]
    assert standing_flags(kb) == {second: "needs_expert", third: "retire"}
    assert {first, second, third}.isdisjoint(e.id for e in session.queue())
    after = session.progress()
    assert after.reviewed["驾驶证"] == before.reviewed["驾驶证"] + 1
    assert after.needs_expert["驾驶证"] == 1 and after.retired["驾驶证"] == 1
    assert after.drafts["驾驶证"] == before.drafts["驾驶证"] - 3

    # A retired entry is neither suggested nor searched, but kept and restorable.
    assert third not in {e.id for e in kb.entries(item="DL06")}
    assert third in {e.id for e in kb.entries(item="DL06", include_retired=True)}
    question = kb.get(third).questions[0]
    assert third not in {e.id for e in kb.search(question)}
    session.restore(third, "needed after all")
    assert third in {e.id for e in kb.search(question)} and third in {e.id for e in session.queue()}
    # Editing an entry waiting for the experts puts it back in the queue as a draft.
    edited = replace(kb.get(second), short_answer=kb.get(second).short_answer + "（已核实）")
    kb.save(edited, "专家")
    assert second in {e.id for e in session.queue()}


def test_a_decision_needs_a_name_and_approval_rechecks_the_entry(kb: KnowledgeBase) -> None:
    entry_id = kb.entries(item="DL03")[0].id
    with pytest.raises(ReviewError):
        ReviewSession(kb, "  ").retire(entry_id)
    assert [c.action for c in kb.history(entry_id)] == ["seed"]
    expert = replace(kb.get(entry_id), source_file=EXPERT_SOURCE, source_article="张专家 2026-12-06")
    kb.save(expert, "专家")
    with pytest.raises(KnowledgeError, match="cite a regulation article"):
        ReviewSession(kb, "王警官").approve(entry_id)
    assert kb.get(entry_id).is_draft


def test_findings_show_conflicts_duplicates_and_stray_figures(kb: KnowledgeBase) -> None:
    session = ReviewSession(kb, "王警官")
    kinds = {f.kind: f for f in session.findings(kb.get("MV29-001"))}
    assert kinds["conflict"].other == "MV29-002"
    assert "duplicate" in {f.kind for f in session.findings(kb.get("MV06-001"))}
    slipped = replace(kb.get("DL06-003"), short_answer="不能。隐瞒欺骗补领的罚200元以上500元以下。")
    kb.save(slipped, "desk")
    found = {f.kind: f.text for f in session.findings(kb.get("DL06-003"))}
    assert found["figures"] == "short_answer: 200、500"
    clean = kb.get("DL03-001")
    assert session.findings(clean) == []


STUDIO_TEXT = """# 机动车驾驶证申领和使用规定（2024年修正）

第一条 为了规范机动车驾驶证申领和使用，制定本规定。

第六十三条 机动车驾驶人应当于机动车驾驶证有效期满前九十日内申请换证。

第一百零五条 本规定自2025年1月1日起施行。
"""


def test_the_studios_own_texts_are_checked_and_citable(tmp_path: Path) -> None:
    folder = tmp_path / "studio"
    folder.mkdir()
    (folder / "机动车驾驶证申领和使用规定(2024-12-20).md").write_text(STUDIO_TEXT, encoding="utf-8")
    (folder / "通知.txt").write_text("第一条 自即日起施行。\n第二条 另行通知。\n", encoding="utf-8")
    (folder / "no-articles.md").write_text("# 只有标题\n没有条文。\n", encoding="utf-8")
    (folder / "gbk.txt").write_bytes("第一条 这是GBK编码。".encode("gbk"))
    (folder / DRIVING).write_text(STUDIO_TEXT, encoding="utf-8")  # would replace a shipped text
    (folder / "twice.md").write_text("第一条 甲。\n第一条 乙。\n", encoding="utf-8")
    (folder / "notes.docx").write_bytes(b"PK")  # not a text: ignored

    index = load_regulations(None, folder)
    assert index is not None
    assert index.studio == {"机动车驾驶证申领和使用规定(2024-12-20).md", "通知.txt"}
    problems = "\n".join(index.problems)
    for name in ("no-articles.md", "gbk.txt", DRIVING, "twice.md"):
        assert name in problems
    assert "notes.docx" not in problems
    # The shipped text is untouched, and a citation may now point at the newer rule.
    assert index.check(DRIVING, "第一百一十一条") is None
    assert index.check("机动车驾驶证申领和使用规定(2024-12-20).md", "第六十三条") is None
    assert index.check("机动车驾驶证申领和使用规定(2024-12-20).md", "第二条") is not None
    kb = KnowledgeBase.open(tmp_path / "db.sqlite3", index)
    entry = replace(kb.get("DL03-001"), source_file="机动车驾驶证申领和使用规定(2024-12-20).md",
                    source_article="第六十三条")
    assert check_entry(entry, kb.catalog_store.codes(), index) == []
    stored = kb.save(entry, "王警官")
    assert ReviewSession(kb, "王警官").approve(stored.id).status == "reviewed"
    kb.close()


def test_the_shipped_texts_pass_the_studio_checks() -> None:
    shipped = load_regulations()
    assert isinstance(shipped, RegulationIndex) and shipped.directory is not None
    for path in sorted(shipped.directory.glob("*.md")):
        if path.name != "README.md":
            assert check_regulation_text(path.name, path.read_text(encoding="utf-8"))[1] == [], path.name


def test_a_missing_studio_folder_is_reported_not_fatal(tmp_path: Path) -> None:
    index = load_regulations(None, tmp_path / "nowhere")
    assert index is not None and "does not exist" in index.problems[0]
    assert index.check(DRIVING, "第六十三条") is None


def test_kb_import_accepts_citations_of_the_studios_texts(videohelp_cmd, tmp_path: Path) -> None:
    import csv
    import json
    import subprocess

    from videohelp.console.kb_io import KB_COLUMNS

    folder = tmp_path / "studio"
    folder.mkdir()
    newer = "机动车驾驶证申领和使用规定(2024-12-20).md"
    (folder / newer).write_text(STUDIO_TEXT, encoding="utf-8")
    (folder / "empty.txt").write_text("没有条文\n", encoding="utf-8")
    data = tmp_path / "data"
    data.mkdir()
    (data / "settings.json").write_text(json.dumps({"kb.studio_regulations_dir": str(folder)}),
                                        encoding="utf-8")
    rows = tmp_path / "new.csv"
    with open(rows, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(KB_COLUMNS)
        values = {"id": "DL03-900", "item": "DL03", "questions": "驾照快到期了咋换",
                  "short_answer": "期满前90日内申请换证。",
                  "full_answer": "按2024年修正的规定，期满前九十日内申请换证。",
                  "source_file": newer, "source_article": "第六十三条", "status": "draft", "reviewed_by": "",
                  "reviewed_at": "", "version": "1", "change_note": "引自演播室添加的新文本"}
        writer.writerow([values[column] for column in KB_COLUMNS])
    done = subprocess.run([*videohelp_cmd, "kb", "import", str(rows), "--data-dir", str(data)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "studio regulation text refused: empty.txt" in done.stderr
    kb = KnowledgeBase.open(data / "videohelp.sqlite3")
    assert kb.get("DL03-900").source_file == newer
    kb.close()
