"""The clip sheet: CSV or .xlsx, read and written with the knowledge base's machinery.

The file layer (``kb_io``: UTF-8 CSV with BOM or a workbook, header checks,
row problems with their line) and the import rules (every row checked first;
nothing changes unless the file is clean or ``accept_good_rows``; one
transaction) are the knowledge base's. Columns (``CLIP_COLUMNS``):

- ``file``: the video file, absolute or relative to the sheet's folder;
- ``title``: shown on the title card and the published page (60 characters at most);
- ``items``: the business-item codes it explains, one per line (or separated by spaces);
- ``tags``: search words, one per line; ``presenter``; ``status``: draft or reviewed;
- ``link``: its own 一键办理 link (else the item's is used).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from videohelp.console.kb_import import ImportReport, split_lines
from videohelp.console.kb_io import FileProblem, RowProblem, read_tables, write_csv, write_xlsx
from videohelp.console.pocket.library import Clip, ClipLibrary, ClipSpec

CLIP_COLUMNS = ("file", "title", "items", "tags", "presenter", "status", "link")
CLIP_KINDS: dict[str, tuple[str, ...]] = {"clips": CLIP_COLUMNS}


def spec_from_cells(cells: dict[str, str], line: int, base: Path) -> ClipSpec:
    file = Path(cells["file"].strip()).expanduser()
    if cells["file"].strip() and not file.is_absolute():
        file = base / file
    items = tuple(code.upper() for code in re.split(r"[\s,，、;；]+", cells["items"]) if code)
    return ClipSpec(file=file, title=cells["title"].strip(), items=items,
                    tags=tuple(split_lines(cells["tags"])), presenter=cells["presenter"].strip(),
                    status=cells["status"].strip().lower() or "draft", link=cells["link"].strip(),
                    line=line)


def import_sheet(library: ClipLibrary, path: Path, codes: set[str], *, actor: str,
                 copy: bool = False, accept_good_rows: bool = False) -> ImportReport:
    """Check every row of the sheet (files probed) and add the clips; see the module doc."""
    report = ImportReport(Path(path))
    try:
        tables = read_tables(report.path, CLIP_KINDS)
    except FileProblem as problem:
        report.problems, report.unreadable = problem.problems, True
        return report
    specs: list[ClipSpec] = []
    for table in tables:
        report.kinds.append(table.kind)
        report.rows += len(table.rows) + len(table.problems)
        report.problems += table.problems
        base = report.path.resolve().parent
        for line, cells in table.rows:
            if not cells["file"].strip():
                report.problems.append(RowProblem(line, "no file", table.sheet))
                continue
            specs.append(spec_from_cells(cells, line, base))
    if report.problems and not accept_good_rows:
        # Still check the rest, so that one run lists every bad row.
        checked = library.add(specs, codes, actor=actor, copy=copy, check_only=True)
        report.problems = sorted(report.problems + checked.problems, key=lambda p: p.line)
        return report
    added = library.add(specs, codes, actor=actor, copy=copy, accept_good_rows=accept_good_rows)
    report.problems = sorted(report.problems + added.problems, key=lambda p: p.line)
    report.applied = added.applied
    report.added, report.updated = len(added.added), len(added.updated)
    return report


def clip_row(clip: Clip) -> dict[str, Any]:
    return {"file": clip.source_path if clip.copied else clip.path, "title": clip.title,
            "items": "\n".join(clip.items), "tags": "\n".join(clip.tags),
            "presenter": clip.presenter, "status": clip.status, "link": clip.link}


def export_sheet(library: ClipLibrary, path: Path) -> int:
    """Write the library as a sheet (.csv or .xlsx); importing it back changes nothing."""
    rows = [clip_row(clip) for clip in library.clips()]
    suffix = path.suffix.lower()
    if suffix == ".csv":
        write_csv(path, "clips", rows, CLIP_KINDS)
    elif suffix == ".xlsx":
        write_xlsx(path, {"clips": rows}, CLIP_KINDS)
    else:
        raise ValueError(f"unknown file type {suffix!r}; use .csv or .xlsx")
    return len(rows)
