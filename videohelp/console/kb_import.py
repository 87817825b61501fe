"""Import and export of the knowledge base and the catalog, checked row by row first.

An import reads every table of the file (``kb_io``), checks every row, and
reports each bad one with its line and reason. It changes nothing unless the
file is clean, or the caller accepts just the good rows (``accept_good_rows``);
then all good rows go in one transaction. A file that cannot be read as a table
(wrong columns, not UTF-8, not a workbook) changes nothing either way.

Rows are matched by id (entries) and code (items): a row equal to what is stored
changes nothing; a different one becomes the next version, recorded in history
as an ``import`` by the importing user. A new entry keeps the file's version, so
exporting and importing into an empty base gives back the same file.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from videohelp.console.kb_io import FileProblem, RowProblem, Table, read_tables, write_csv, write_xlsx
from videohelp.core.catalog import Article, Channel, Item, check_item
from videohelp.core.knowledge import Entry, KnowledgeBase, check_entry, write_entry

log = logging.getLogger(__name__)


@dataclass
class ImportReport:
    path: Path
    kinds: list[str] = field(default_factory=list)
    rows: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    unreadable: bool = False  # the file itself is unusable: nothing could be imported
    applied: bool = False
    added: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def clean(self) -> bool:
        return not self.problems


def split_lines(text: str) -> list[str]:
    """The non-empty lines of a list cell."""
    return [line.strip() for line in text.replace("\r\n", "\n").split("\n") if line.strip()]


def split_pair(line: str) -> tuple[str, str]:
    """``name | path`` or ``file | 第N条`` -> the two halves."""
    first, _, second = line.partition("|")
    return first.strip(), second.strip()


# -- rows out ------------------------------------------------------------------------------------

def entry_row(entry: Entry) -> dict[str, Any]:
    row = entry.to_dict()
    row["questions"] = "\n".join(entry.questions)
    return row


def item_row(item: Item) -> dict[str, Any]:
    return {
        "code": item.code, "class": item.klass, "name_zh": item.name_zh, "name_en": item.name_en,
        "synonyms": "\n".join(item.synonyms), "documents": "\n".join(item.documents),
        "channels": "\n".join(f"{c.name} | {c.path}" if c.path else c.name for c in item.channels),
        "link": item.link,
        "articles": "\n".join(f"{a.source} | {a.article}" for a in item.articles),
    }


def export_file(kb: KnowledgeBase, path: Path, kinds: tuple[str, ...] = ("catalog", "knowledge")) -> int:
    """Write the base to ``path`` (.csv: one kind; .xlsx: a sheet per kind); return rows written."""
    sheets: dict[str, list[dict[str, Any]]] = {}
    if "catalog" in kinds:
        sheets["catalog"] = [item_row(item) for item in kb.catalog_store.catalog().items.values()]
    if "knowledge" in kinds:
        sheets["knowledge"] = [entry_row(entry) for entry in kb.entries(include_retired=True)]
    suffix = path.suffix.lower()
    if suffix == ".csv":
        if len(sheets) != 1:
            raise ValueError("a CSV file holds one table: export the catalog or the knowledge base")
        ((kind, rows),) = sheets.items()
        write_csv(path, kind, rows)
    elif suffix == ".xlsx":
        write_xlsx(path, sheets)
    else:
        raise ValueError(f"unknown file type {suffix!r}; use .csv or .xlsx")
    return sum(len(rows) for rows in sheets.values())


# -- rows in -------------------------------------------------------------------------------------

MAX_VERSION = 1_000_000  # edits of one entry; far beyond any real count, far below SQLite's limit


def _entry_from_cells(cells: dict[str, str]) -> Entry:
    version = cells["version"].strip() or "1"
    # ASCII digits only: str.isdigit() takes '²', which int() then refuses (issue 17).
    if not version.isascii() or not version.isdigit():
        raise ValueError(f"version {version[:30]!r} is not a whole number (digits 0-9)")
    if len(version) > 9 or not 1 <= int(version) <= MAX_VERSION:
        raise ValueError(f"version {version[:30]} is out of range: 1 to {MAX_VERSION}")
    return Entry(
        id=cells["id"].strip(), item=cells["item"].strip().upper(),
        questions=tuple(split_lines(cells["questions"])), short_answer=cells["short_answer"].strip(),
        full_answer=cells["full_answer"].strip(), source_file=cells["source_file"].strip(),
        source_article=cells["source_article"].strip(),
        status=cells["status"].strip().lower() or "draft",
        reviewed_by=cells["reviewed_by"].strip() or None,
        reviewed_at=cells["reviewed_at"].strip() or None, version=int(version),
        change_note=cells["change_note"].strip())


def check_knowledge(table: Table, kb: KnowledgeBase) -> list[tuple[int, Entry]]:
    """The good rows as entries; every bad row's reason goes to ``table.problems``."""
    codes = kb.catalog_store.codes()
    good: list[tuple[int, Entry]] = []
    lines_by_id: dict[str, list[int]] = {}
    for line, cells in table.rows:
        entry_id = cells["id"].strip()
        if entry_id:
            lines_by_id.setdefault(entry_id, []).append(line)
    taken: set[str] = set(lines_by_id)
    for line, cells in table.rows:
        try:
            entry = _entry_from_cells(cells)
        except ValueError as exc:
            table.problems.append(RowProblem(line, str(exc), table.sheet))
            continue
        reasons = []
        if entry.id and len(lines_by_id[entry.id]) > 1:
            others = ", ".join(str(n) for n in lines_by_id[entry.id] if n != line)
            reasons.append(f"duplicate id {entry.id!r} (also on line {others})")
        if not entry.id and entry.item in codes:
            new_id = kb.next_id(entry.item)
            while new_id in taken:  # ids given to earlier id-less rows of this file
                number = int(new_id.rsplit("-", 1)[1]) + 1
                new_id = f"{entry.item}-{number:03d}"
            taken.add(new_id)
            entry = Entry(**{**entry.to_dict(), "id": new_id})
        reasons += [r for r in check_entry(entry, codes, kb.regulations)
                    if entry.id or not r.startswith("bad id")]
        if reasons:
            table.problems.append(RowProblem(line, "; ".join(reasons), table.sheet))
        else:
            good.append((line, entry))
    return good


def item_from_row(cells: dict[str, str], current: Item) -> Item:
    """An item from the text cells of a catalog row (code from ``current``)."""
    channels = tuple(Channel(*split_pair(line)) for line in split_lines(cells["channels"]))
    articles = tuple(Article(*split_pair(line)) for line in split_lines(cells["articles"]))
    return Item(code=current.code, klass=cells["class"].strip(), name_zh=cells["name_zh"].strip(),
                name_en=cells["name_en"].strip(), synonyms=tuple(split_lines(cells["synonyms"])),
                documents=tuple(split_lines(cells["documents"])), channels=channels,
                link=cells["link"].strip(), articles=articles)


def check_catalog(table: Table, kb: KnowledgeBase) -> list[tuple[int, Item]]:
    """The good rows as items (codes and classes must be the client's)."""
    catalog = kb.catalog_store.catalog()
    good: list[tuple[int, Item]] = []
    lines_by_code: dict[str, list[int]] = {}
    for line, cells in table.rows:
        lines_by_code.setdefault(cells["code"].strip().upper(), []).append(line)
    for line, cells in table.rows:
        code = cells["code"].strip().upper()
        if code not in catalog:
            table.problems.append(RowProblem(
                line, f"unknown item code {code!r}: the client's 108 codes are fixed", table.sheet))
            continue
        reasons = []
        if len(lines_by_code[code]) > 1:
            others = ", ".join(str(n) for n in lines_by_code[code] if n != line)
            reasons.append(f"duplicate code {code!r} (also on line {others})")
        item = item_from_row(cells, catalog[code])
        if item.klass != catalog[code].klass:
            reasons.append(f"{code} belongs to {catalog[code].klass}, not {item.klass!r}")
        reasons += [r for r in check_item(item, kb.regulations) if r not in reasons]
        if any(not article.article for article in item.articles):
            reasons.append("an article line needs 'file | 第N条'")
        if reasons:
            table.problems.append(RowProblem(line, "; ".join(dict.fromkeys(reasons)), table.sheet))
        else:
            good.append((line, item))
    return good


def import_file(kb: KnowledgeBase, path: Path, *, actor: str,
                accept_good_rows: bool = False) -> ImportReport:
    """Check ``path`` row by row; apply it if clean (or its good rows if accepted)."""
    report = ImportReport(Path(path))
    try:
        tables = read_tables(report.path)
    except FileProblem as problem:
        report.problems, report.unreadable = problem.problems, True
        return report
    # The catalog first: its rows are checked against the stored catalog either way.
    tables.sort(key=lambda table: table.kind != "catalog")
    checked: list[tuple[Table, list[tuple[int, Any]]]] = []
    for table in tables:
        report.kinds.append(table.kind)
        report.rows += len(table.rows) + len(table.problems)  # structural problems are rows too
        good = check_catalog(table, kb) if table.kind == "catalog" else check_knowledge(table, kb)
        checked.append((table, good))
        report.problems += sorted(table.problems, key=lambda p: p.line)
    if report.problems and not accept_good_rows:
        return report
    note = f"imported from {report.path.name}"
    with kb.store.transaction() as conn:
        for _table, good in checked:
            for _line, value in good:
                if isinstance(value, Item):
                    exists = True
                    changed = kb.catalog_store.write_item(conn, value, actor, action="import", note=note)
                else:
                    exists = conn.execute("SELECT 1 FROM kb_entries WHERE id = ?",
                                          (value.id,)).fetchone() is not None
                    changed = write_entry(conn, value, actor, action="import", note=note) is not None
                if not changed:
                    report.unchanged += 1
                elif exists:
                    report.updated += 1
                else:
                    report.added += 1
    report.applied = True
    log.info("import %s by %s: %d added, %d updated, %d unchanged, %d bad rows", report.path,
             actor, report.added, report.updated, report.unchanged, len(report.problems))
    kb.notify(None)
    return report

