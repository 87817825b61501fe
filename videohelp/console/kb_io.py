"""Spreadsheet files of the knowledge base and the catalog: CSV and Excel (.xlsx).

This module only turns files into tables of text cells and back; what the cells
must contain is checked in ``kb_import``. The layouts (documented in
docs/knowledge.md):

- knowledge: ``KB_COLUMNS``, one entry per row;
- catalog: ``CATALOG_COLUMNS``, one item per row.

List cells hold one value per line (Alt+Enter in Excel); a channel line is
``name | path`` and an article line ``file | 第N条``. CSV is written as UTF-8
with a byte-order mark, which Excel needs to read Chinese; a CSV in any other
encoding (Excel's "CSV" on Chinese Windows writes GBK) is refused with the lines
that are not UTF-8, never guessed at. An .xlsx holds a ``knowledge`` and/or a
``catalog`` sheet.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from videohelp.console.spreadsheet import neutralise, restore
from videohelp.core.private import create_private, open_private

KB_COLUMNS = ("id", "item", "questions", "short_answer", "full_answer", "source_file",
              "source_article", "status", "reviewed_by", "reviewed_at", "version", "change_note")
CATALOG_COLUMNS = ("code", "class", "name_zh", "name_en", "synonyms", "documents", "channels",
                   "link", "articles")
KINDS = {"knowledge": KB_COLUMNS, "catalog": CATALOG_COLUMNS}
FORMATS = (".csv", ".xlsx")


@dataclass(frozen=True)
class RowProblem:
    line: int  # the file's line (CSV) or the sheet's row (xlsx), 1 = header; 0 = the whole file
    reason: str
    sheet: str = ""

    def __str__(self) -> str:
        if self.line == 0:
            return self.reason
        where = f"{self.sheet}!{self.line}" if self.sheet else f"line {self.line}"
        return f"{where}: {self.reason}"


class FileProblem(Exception):
    """The file cannot be read as a table at all; ``problems`` say where and why."""

    def __init__(self, problems: list[RowProblem]) -> None:
        super().__init__("; ".join(str(p) for p in problems[:5]))
        self.problems = problems


@dataclass
class Table:
    """The rows of one CSV file or sheet, each as (line, {column: text})."""

    kind: str  # knowledge or catalog
    sheet: str = ""
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)  # empty rows, wrong cell counts


Layouts = dict[str, tuple[str, ...]]  # kind -> its columns; other tables (the clip library) reuse this


def _kind_of(header: list[str], line: int, sheet: str, kinds: Layouts = KINDS) -> str:
    """Which layout a header row is; FileProblem if it is neither exactly."""
    names = [cell.strip().lower() for cell in header]
    best = max(kinds, key=lambda kind: len(set(names) & set(kinds[kind])))
    expected = kinds[best]
    missing = [c for c in expected if c not in names]
    unknown = [c for c in names if c not in expected]
    duplicated = sorted({c for c in names if names.count(c) > 1})
    reasons = []
    if missing:
        reasons.append(f"missing columns: {', '.join(missing)}")
    if unknown:
        reasons.append(f"unknown columns: {', '.join(repr(c) for c in unknown)}")
    if duplicated:
        reasons.append(f"repeated columns: {', '.join(duplicated)}")
    if reasons:
        raise FileProblem([RowProblem(line, f"wrong columns for a {best} file ("
                                            + "; ".join(reasons) + f"); expected: {', '.join(expected)}",
                                      sheet)])
    return best


def _table(cells_by_line: list[tuple[int, list[str]]], sheet: str = "",
           kinds: Layouts = KINDS) -> Table:
    """Build a table from (line, cells); the first non-empty row is the header."""
    content = [(line, cells) for line, cells in cells_by_line if any(c.strip() for c in cells)]
    if not content:
        raise FileProblem([RowProblem(1, "the file has no header row and no data", sheet)])
    header_line, header = content[0]
    if header_line != cells_by_line[0][0]:
        raise FileProblem([RowProblem(cells_by_line[0][0], "empty row before the header", sheet)])
    kind = _kind_of(header, header_line, sheet, kinds)
    names = [cell.strip().lower() for cell in header]
    table = Table(kind, sheet)
    last_content = content[-1][0]
    for line, cells in cells_by_line[1:]:
        if line > last_content:
            break  # trailing blank rows are formatting leftovers, not data
        if not any(c.strip() for c in cells):
            table.problems.append(RowProblem(line, "empty row", sheet))
            continue
        while len(cells) > len(names) and not cells[-1].strip():
            cells = cells[:-1]  # trailing empty cells (a spreadsheet's formatted columns)
        if len(cells) != len(names):
            table.problems.append(RowProblem(
                line, f"row has {len(cells)} cells, the header has {len(names)}", sheet))
            continue
        table.rows.append((line, dict(zip(names, cells, strict=True))))
    return table


def _decode_csv(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise FileProblem([RowProblem(1, "the file is UTF-16; save it as 'CSV UTF-8' or .xlsx")])
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        data.decode("gb18030")
        guess = "GBK/GB18030 (Excel's plain 'CSV' on Chinese Windows)"
    except UnicodeDecodeError:
        guess = "an unknown encoding"
    problems = []
    for number, raw in enumerate(data.split(b"\n"), start=1):
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            problems.append(RowProblem(number, f"not UTF-8: the file looks like {guess}; "
                                               f"save it as 'CSV UTF-8' or .xlsx"))
    raise FileProblem(problems)


def read_csv(path: Path, kinds: Layouts = KINDS) -> list[Table]:
    text = _decode_csv(path.read_bytes())
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    cells_by_line: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for cells in reader:
            cells_by_line.append((start, [restore(cell) for cell in cells]))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise FileProblem([RowProblem(start, f"broken CSV: {exc}")]) from exc
    if not cells_by_line:
        raise FileProblem([RowProblem(1, "the file is empty")])
    return [_table(cells_by_line, kinds=kinds)]


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def read_xlsx(path: Path, kinds: Layouts = KINDS) -> list[Table]:
    import openpyxl  # imported here: only spreadsheet users pay for it
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise FileProblem([RowProblem(1, f"not a readable .xlsx workbook ({exc})")]) from exc
    try:
        named = [ws for ws in workbook.worksheets if ws.title.strip().lower() in kinds]
        sheets = named or workbook.worksheets[:1]
        tables = []
        for sheet in sheets:
            rows = [(number, [_cell_text(value) for value in row])
                    for number, row in enumerate(sheet.iter_rows(values_only=True), start=1)]
            if not rows:
                raise FileProblem([RowProblem(1, "the sheet is empty", sheet.title)])
            tables.append(_table(rows, sheet.title, kinds))
    finally:
        workbook.close()
    return tables


def read_tables(path: Path, kinds: Layouts = KINDS) -> list[Table]:
    """The tables in ``path`` (format from the extension); FileProblem if unusable.

    ``kinds``: the layouts a table may have (default: knowledge and catalog)."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise FileProblem([RowProblem(0, f"no such file: {path}")])
    if suffix == ".csv":
        return read_csv(path, kinds)
    if suffix == ".xlsx":
        return read_xlsx(path, kinds)
    if suffix == ".xls":
        raise FileProblem([RowProblem(0, "old Excel .xls files are not read; save as .xlsx")])
    raise FileProblem([RowProblem(0, f"unknown file type {suffix!r}; use .csv or .xlsx")])


def write_csv(path: Path, kind: str, rows: list[dict[str, Any]], kinds: Layouts = KINDS) -> None:
    """UTF-8 with BOM and CRLF, as Excel writes 'CSV UTF-8'."""
    columns = kinds[kind]
    with open_private(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(columns)
        for row in rows:
            # Answers and questions are never formulas in Excel (restored by read_csv).
            writer.writerow([neutralise(_cell_text(row.get(column))) for column in columns])


def write_xlsx(path: Path, sheets: dict[str, list[dict[str, Any]]], kinds: Layouts = KINDS) -> None:
    """One sheet per kind, header bold and frozen, list cells wrapped."""
    import openpyxl
    from openpyxl.styles import Alignment, Font

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    wrap = Alignment(wrap_text=True, vertical="top")
    for kind, rows in sheets.items():
        columns = kinds[kind]
        sheet = workbook.create_sheet(kind)
        sheet.append(list(columns))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        for row in rows:
            # Text stays text (ids like 001 or dates Excel would reformat); the version is a number.
            sheet.append([row.get(c) if c == "version" else _cell_text(row.get(c)) for c in columns])
        for column_cells in sheet.iter_cols(min_row=2):
            for cell in column_cells:
                cell.alignment = wrap
                if isinstance(cell.value, str):
                    cell.data_type = "s"
    create_private(path)  # the base may hold experts' names: the owner's alone
    workbook.save(path)
