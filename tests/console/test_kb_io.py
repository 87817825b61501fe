"""Import and export: round trips keep every field; broken files are reported row by row
and change nothing (unless the good rows are accepted)."""

from __future__ import annotations

import csv
import json
import subprocess
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest

from videohelp.assets import asset_path
from videohelp.console.kb_import import export_file, import_file
from videohelp.console.kb_io import KB_COLUMNS
from videohelp.core.catalog import Article, Channel, edited
from videohelp.core.knowledge import EXPERT_SOURCE, Entry, KnowledgeBase
from videohelp.core.regulations import RegulationIndex

SOURCE = "机动车登记规定(2021-12-17).md"


@pytest.fixture
def regulations() -> RegulationIndex:
    return RegulationIndex.load(asset_path("regulations"))


@pytest.fixture
def make_kb(tmp_path: Path, regulations):
    opened: list[KnowledgeBase] = []

    def make(name: str, *, shipped: bool = True) -> KnowledgeBase:
        kb = KnowledgeBase.open(tmp_path / f"{name}.sqlite3", regulations, seed=shipped)
        kb.catalog_store.seed_if_empty()
        opened.append(kb)
        return kb

    yield make
    for kb in opened:
        kb.close()


def _snapshot(kb: KnowledgeBase) -> tuple:
    conn = kb.store.conn
    return (kb.entries(), kb.catalog_store.catalog(),
            conn.execute("SELECT count(*) FROM kb_history").fetchone()[0],
            conn.execute("SELECT count(*) FROM catalog_history").fetchone()[0])


def _unusual_entries() -> list[Entry]:
    return [
        Entry("MV02-900", "MV02", ("过户要带啥,急!", '他说"大绿本"要带吗', "第三个问法"),
              "=带大绿本、行驶证和双方身份证明，30日内办。", "第一段。\n第二段，有逗号, \"引号\"和换行。",
              SOURCE, "第二十五条", "reviewed", "王警官", "2025-03-01T10:15:00+08:00", 3, "note, with comma"),
        Entry("007", "MV02", ("编号以0开头",), "简短回答。", "完整回答。", SOURCE, "第二十六条第一款",
              change_note="公安部令第172号 not relevant here"),
        Entry("MV02-X001", "MV02", ("专家答的问题",), "专家的简短回答。", "专家的完整回答。", EXPERT_SOURCE,
              "专家A 2025-03-01", change_note="expert answer; to be reviewed against its source"),
    ]


def _source_base(make_kb) -> KnowledgeBase:
    kb = make_kb("source")
    for entry in _unusual_entries():
        kb.store.conn.execute("BEGIN")
        from videohelp.core.knowledge import write_entry

        write_entry(kb.store.conn, entry, "编辑", action="create")
        kb.store.conn.execute("COMMIT")
    kb.mark_reviewed("MV01-001", "李警官")
    item = kb.catalog_store.item("MV02")
    changed = edited(item, channels=[Channel("服务窗口", ""), Channel("交管12123", "首页 > 过户")],
                     articles=[Article(SOURCE, "第二十五条"), Article(SOURCE, "第二十六条")],
                     synonyms=["过户", "二手车 过户"])
    kb.catalog_store.update_item(changed, actor="编辑")
    return kb


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_round_trip_keeps_every_field(make_kb, tmp_path: Path, suffix: str) -> None:
    source = _source_base(make_kb)
    kinds = ("knowledge",) if suffix == ".csv" else ("catalog", "knowledge")
    first = tmp_path / f"first{suffix}"
    assert export_file(source, first, kinds) == len(source.entries()) + (108 if suffix == ".xlsx" else 0)
    target = make_kb("target", shipped=False)
    report = import_file(target, first, actor="导入员")
    assert report.clean and report.applied, [str(p) for p in report.problems]
    assert report.added == len(source.entries())
    assert target.entries() == source.entries()
    assert target.get("MV02-900") == _unusual_entries()[0]
    if suffix == ".xlsx":
        assert target.catalog_store.catalog() == source.catalog_store.catalog()
        assert report.updated == 1  # MV02; the other items were equal
    second = tmp_path / f"second{suffix}"
    export_file(target, second, kinds)
    if suffix == ".csv":
        assert first.read_bytes() == second.read_bytes()
        assert first.read_bytes().startswith(b"\xef\xbb\xbfid,item,questions,")
    history = target.history("MV02-900")[-1]
    assert (history.actor, history.action) == ("导入员", "import")
    assert history.note == f"imported from {first.name}"


def test_catalog_csv_round_trip(make_kb, tmp_path: Path) -> None:
    source = _source_base(make_kb)
    path = tmp_path / "catalog.csv"
    assert export_file(source, path, ("catalog",)) == 108
    target = make_kb("target")
    report = import_file(target, path, actor="导入员")
    assert report.clean and (report.updated, report.unchanged) == (1, 107)
    assert target.catalog_store.catalog() == source.catalog_store.catalog()
    assert target.catalog_store.history("MV02")[-1].action == "import"


def _rows(kb: KnowledgeBase) -> list[dict[str, str]]:
    path = kb.store.path.parent / "export.csv"
    export_file(kb, path, ("knowledge",))
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _write(path: Path, rows: list[list[str]], encoding: str = "utf-8-sig") -> Path:
    with open(path, "w", encoding=encoding, newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def _values(row: dict[str, str], **changes: str) -> list[str]:
    """The row's cells with ``changes``; one question only, so that a row is one line."""
    changes.setdefault("questions", row["questions"].splitlines()[0])
    return [changes.get(column, row[column]) for column in KB_COLUMNS]


def test_bad_rows_are_reported_with_line_and_reason_and_nothing_changes(make_kb, tmp_path: Path) -> None:
    kb = make_kb("kb")
    good = _rows(kb)[:2]
    before = _snapshot(kb)
    path = _write(tmp_path / "bad.csv", [
        list(KB_COLUMNS),
        _values(good[0], short_answer="改过的回答。"),                       # 2 good (an update)
        _values(good[1], id="NEW-1", item="XX99"),                           # 3 unknown code
        _values(good[1], id="DUP-1"),                                        # 4 duplicate
        _values(good[1], id="DUP-1"),                                        # 5 duplicate
        _values(good[1], id="LONG-1", short_answer="长" * 61),               # 6 too long
        [],                                                                  # 7 empty row
        _values(good[1], id="NOSRC-1", source_article=""),                   # 8 missing article
        _values(good[1], id="BADART-1", source_article="第九百条"),           # 9 article not in the file
        [*_values(good[1], id="WIDE-1"), "extra"],                           # 10 too many cells
        _values(good[1], id="REV-1", status="reviewed"),                     # 11 reviewed by nobody
        _values(good[1], id="NEW-2", questions="新问题一\n新问题二"),          # 12-13 good (new)
        _values(good[1], id="VER-1", version="二"),                          # 14 bad version
    ])
    report = import_file(kb, path, actor="导入员")
    assert not report.applied and not report.unreadable
    assert _snapshot(kb) == before
    reasons = {problem.line: problem.reason for problem in report.problems}
    assert sorted(reasons) == [3, 4, 5, 6, 7, 8, 9, 10, 11, 14]
    assert "unknown item code 'XX99'" in reasons[3]
    assert "duplicate id 'DUP-1' (also on line 5)" in reasons[4]
    assert "duplicate id 'DUP-1' (also on line 4)" in reasons[5]
    assert "61 characters; at most 60" in reasons[6]
    assert reasons[7] == "empty row"
    assert "missing source" in reasons[8]
    assert "第九百条" in reasons[9]
    assert "13 cells, the header has 12" in reasons[10]
    assert "reviewer" in reasons[11]
    assert "version '二'" in reasons[14]
    assert report.rows == 12  # records, the empty one included

    accepted = import_file(kb, path, actor="导入员", accept_good_rows=True)
    assert accepted.applied and (accepted.added, accepted.updated) == (1, 1)
    assert len(accepted.problems) == 10
    assert kb.get(good[0]["id"]).short_answer == "改过的回答。"
    assert kb.get("NEW-2").questions == ("新问题一", "新问题二")
    for bad_id in ("DUP-1", "LONG-1", "NOSRC-1", "WIDE-1"):
        with pytest.raises(KeyError):
            kb.get(bad_id)


def test_wrong_columns_make_the_file_unusable(make_kb, tmp_path: Path) -> None:
    kb = make_kb("kb")
    good = _rows(kb)[0]
    before = _snapshot(kb)
    columns = [c for c in KB_COLUMNS if c != "short_answer"] + ["answer"]
    path = _write(tmp_path / "cols.csv", [columns, [good.get(c, "x") for c in columns]])
    report = import_file(kb, path, actor="x", accept_good_rows=True)
    assert report.unreadable and not report.applied
    assert [p.line for p in report.problems] == [1]
    assert "missing columns: short_answer" in report.problems[0].reason
    assert "unknown columns: 'answer'" in report.problems[0].reason
    assert _snapshot(kb) == before


def test_a_gbk_file_is_refused_line_by_line(make_kb, tmp_path: Path) -> None:
    kb = make_kb("kb")
    before = _snapshot(kb)
    row = ["GBK-1", "MV02", "过户要带什么", "带登记证书和身份证明。", "详见规定。", SOURCE, "第二十五条",
           "draft", "", "", "1", ""]
    path = _write(tmp_path / "gbk.csv", [list(KB_COLUMNS), row, [*row[:1], *row[1:]]], encoding="gbk")
    report = import_file(kb, path, actor="x", accept_good_rows=True)
    assert report.unreadable and not report.applied
    assert [p.line for p in report.problems] == [2, 3]  # the header is plain ASCII
    assert "GBK" in report.problems[0].reason and "CSV UTF-8" in report.problems[0].reason
    assert _snapshot(kb) == before


def test_csv_lines_count_multi_line_cells(make_kb, tmp_path: Path) -> None:
    kb = make_kb("kb")
    good = _rows(kb)[0]
    path = _write(tmp_path / "lines.csv", [
        list(KB_COLUMNS),
        _values(good, questions="一\n二\n三"),  # lines 2-4
        _values(good, id="X-2", short_answer=""),  # line 5
    ])
    report = import_file(kb, path, actor="x")
    assert [(p.line, p.reason) for p in report.problems] == [(5, "empty on-air answer")]


def test_xlsx_bad_rows_name_the_sheet_row_and_unreadable_files_are_refused(make_kb, tmp_path: Path) -> None:
    kb = make_kb("kb")
    good = _rows(kb)[0]
    before = _snapshot(kb)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "knowledge"
    sheet.append(list(KB_COLUMNS))
    sheet.append(_values(good))
    sheet.append(_values(good, id="BAD-1", item="MV99"))
    sheet.append([None] * len(KB_COLUMNS))  # trailing blank rows are ignored
    path = tmp_path / "bad.xlsx"
    workbook.save(path)
    report = import_file(kb, path, actor="x")
    assert [str(p) for p in report.problems] == ["knowledge!3: unknown item code 'MV99'"]
    assert _snapshot(kb) == before
    fake = tmp_path / "fake.xlsx"
    fake.write_text("id,item\n", encoding="utf-8")
    report = import_file(kb, fake, actor="x")
    assert report.unreadable and "not a readable .xlsx" in report.problems[0].reason
    unknown = tmp_path / "base.json"
    unknown.write_text("{}", encoding="utf-8")
    assert "use .csv or .xlsx" in import_file(kb, unknown, actor="x").problems[0].reason


def test_catalog_rows_keep_codes_and_classes_fixed(make_kb, tmp_path: Path) -> None:
    kb = make_kb("kb")
    path = tmp_path / "catalog.csv"
    export_file(kb, path, ("catalog",))
    with open(path, encoding="utf-8-sig", newline="") as handle:
        # One line per item (first value of each list cell), so that record n is on line n.
        rows = [[cell.split("\n")[0] for cell in row] for row in csv.reader(handle)]
    rows[1][0] = "MV99"
    rows[2][1] = "驾驶证"
    rows[3][8] = f"{SOURCE} | 第九百条"
    rows[4] = list(rows[5])
    before = _snapshot(kb)
    report = import_file(kb, _write(path, rows), actor="x")
    reasons = {p.line: p.reason for p in report.problems}
    assert "unknown item code 'MV99'" in reasons[2]
    assert "MV02 belongs to 机动车" in reasons[3]
    assert "第九百条" in reasons[4]
    assert "duplicate code" in reasons[5] and "duplicate code" in reasons[6]
    assert _snapshot(kb) == before


def _cli(videohelp_cmd, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*videohelp_cmd, "kb", *args], capture_output=True, text=True, timeout=60)


@pytest.mark.slow  # seven subprocesses: ~3.5 s on an idle 2-core machine
def test_cli_import_export_stats_and_exit_codes(videohelp_cmd, tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    exported = tmp_path / "base.xlsx"
    done = _cli(videohelp_cmd, "export", str(exported), "--data-dir", data)
    assert done.returncode == 0, done.stderr
    assert exported.stat().st_size > 10_000
    done = _cli(videohelp_cmd, "import", str(exported), "--data-dir", data, "--actor", "导入员")
    assert done.returncode == 0, done.stderr
    assert "0 bad" in done.stdout and "unchanged" in done.stdout

    bad = tmp_path / "bad.csv"
    csv_out = tmp_path / "kb.csv"
    assert _cli(videohelp_cmd, "export", str(csv_out), "--data-dir", data).returncode == 0
    with open(csv_out, encoding="utf-8-sig", newline="") as handle:
        header, first = list(csv.reader(handle))[:2]
    _write(bad, [header, [*first[:1], "ZZ01", *first[2:]]])
    done = _cli(videohelp_cmd, "import", str(bad), "--data-dir", data)
    assert done.returncode == 1
    assert f"{bad}:line 2: unknown item code 'ZZ01'" in done.stderr
    assert "nothing changed" in done.stdout
    done = _cli(videohelp_cmd, "import", str(tmp_path / "missing.csv"), "--data-dir", data)
    assert done.returncode == 2 and "no such file" in done.stderr
    assert _cli(videohelp_cmd, "export", str(tmp_path / "x.csv"), "--what", "all",
                "--data-dir", data).returncode == 2

    done = subprocess.run([*videohelp_cmd, "kb", "--data-dir", data, "stats", "--json"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout)
    assert figures["airings"] == 0
    assert figures["entries"] >= 300 and figures["items"] == 108 and figures["items_under_2"] == []


def test_entry_fields_survive_replace_in_import(make_kb, tmp_path: Path) -> None:
    """An import of a changed reviewed row without a new review voids the review."""
    kb = make_kb("kb")
    reviewed = kb.mark_reviewed("MV01-001", "李警官")
    path = tmp_path / "kb.csv"
    export_file(kb, path, ("knowledge",))
    text = path.read_text(encoding="utf-8-sig").replace(reviewed.short_answer, "新的简短回答。", 1)
    path.write_text(text, encoding="utf-8-sig")
    report = import_file(kb, path, actor="导入员")
    assert report.clean and report.updated == 1
    stored = kb.get("MV01-001")
    assert stored == replace(reviewed, short_answer="新的简短回答。", status="draft", reviewed_by=None,
                             reviewed_at=None, version=reviewed.version + 1)


def test_cli_stats_reads_the_given_data_dir(videohelp_cmd, tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    kb = KnowledgeBase.open(data / "videohelp.sqlite3")
    kb.mark_reviewed("MV01-001", "王警官")
    kb.record_on_air("MV01-001")
    kb.close()
    done = _cli(videohelp_cmd, "stats", "--json", "--data-dir", str(data))
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout)
    assert figures["status"]["reviewed"] == 1
    assert figures["top_aired"] == [["MV01-001", 1]]
