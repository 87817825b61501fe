"""The follow-up list as CSV or Excel, and the script as text.

CSV is written as UTF-8 with a byte-order mark: without it Excel on a Chinese
Windows reads UTF-8 as GBK and the questions come out garbled.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import tzinfo
from pathlib import Path

from videohelp.console.reports import present
from videohelp.console.reports.period import SHOW_TZ
from videohelp.console.reports.questions import FollowUp
from videohelp.console.spreadsheet import SafeWriter, xlsx_text
from videohelp.core.private import create_private, open_private

COLUMNS = ("时间 Time", "平台 Platform", "消息ID Message id", "观众 Viewer", "问题 Question",
           "事项 Item", "事项名称 Item name", "类别 Class", "提问次数 Asked", "状态 State",
           "已转专家 Flagged", "转专家时间 Flagged at", "往日遗留 Carried over", "评论ID Comment id")
WIDTHS = (17, 9, 16, 12, 48, 8, 22, 10, 9, 10, 9, 17, 9, 10)
PROGRESS_EVERY = 2000
Progress = Callable[[int, int, str], None]


class ExportError(ValueError):
    """The file type is not one we write."""


def followup_rows(rows: Sequence[FollowUp], progress: Progress | None = None,
                  zone: tzinfo = SHOW_TZ) -> Iterator[list[object]]:
    """The export's rows; ``progress(done, total, label)`` every PROGRESS_EVERY rows and at the end."""
    total = len(rows)
    for number, r in enumerate(rows):
        if progress is not None and number % PROGRESS_EVERY == 0:
            progress(number, total, "writing the follow-up list")
        yield [present.stamp(r.received_ms, zone), r.platform, r.msg_id, r.viewer, r.text, r.item or "",
               r.item_name, r.klass, r.asked, present.STATE.get(r.state, r.state),
               "是" if r.flagged else "否", present.stamp(r.flagged_ms, zone) if r.flagged_ms else "",
               "是" if r.carried_over else "否", r.comment_id]
    if progress is not None:
        progress(total, total, "follow-up list written")


def write_followup_csv(rows: Sequence[FollowUp], path: Path | str,
                       progress: Progress | None = None, zone: tzinfo = SHOW_TZ) -> Path:
    path = Path(path)
    with open_private(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = SafeWriter(handle)  # viewer text is never a formula in Excel
        writer.writerow(COLUMNS)
        writer.writerows(followup_rows(rows, progress, zone))
    return path


def write_followup_xlsx(rows: Sequence[FollowUp], path: Path | str, title: str = "待跟进",
                        progress: Progress | None = None, zone: tzinfo = SHOW_TZ) -> Path:
    """Excel, streamed (openpyxl's write-only mode: a month's list is 100,000+ rows)."""
    # Imported here: only this export needs openpyxl, and it takes a while to import.
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    path = Path(path)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    for number, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = width
    sheet.freeze_panes = "A2"
    bold, grey = Font(bold=True), PatternFill("solid", fgColor="ECEFF1")
    header = []
    for name in COLUMNS:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font, cell.fill = bold, grey
        header.append(cell)
    sheet.append(header)
    for row in followup_rows(rows, progress, zone):
        # Text as string cells: openpyxl would write '=…' from a viewer as a formula.
        sheet.append([xlsx_text(WriteOnlyCell(sheet, value=value)) if isinstance(value, str)
                      else value for value in row])
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{len(rows) + 1}"
    create_private(path)
    book.save(path)
    return path


def write_followup(rows: Sequence[FollowUp], path: Path | str,
                   progress: Progress | None = None, zone: tzinfo = SHOW_TZ) -> Path:
    """CSV or Excel, by the file's suffix (.csv or .xlsx); times in ``zone`` (the show's)."""
    suffix = Path(path).suffix.lower()
    if suffix == ".csv":
        return write_followup_csv(rows, path, progress, zone)
    if suffix == ".xlsx":
        return write_followup_xlsx(rows, path, progress=progress, zone=zone)
    raise ExportError(f"{path}: the follow-up list is written as .csv or .xlsx, not {suffix or 'no suffix'}")


def write_script(script: str, path: Path | str) -> Path:
    """The script as UTF-8 text (with a final newline)."""
    path = Path(path)
    with open_private(path, "w", encoding="utf-8") as handle:
        handle.write(script if script.endswith("\n") else script + "\n")
    return path
