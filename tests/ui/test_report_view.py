"""The daily review in the desk: computed off the main thread, shown from the model, exported."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.console.reports.builder import build_history, write
from videohelp.console.reports import present
from videohelp.console.reports.build import build_report
from videohelp.console.reports.job import ReportJob, report_jobs
from videohelp.console.reports.period import DateRange
from videohelp.core.store import Store
from videohelp.ui.report_view import ReportDialog

DAY = date(2024, 5, 6)


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("review") / "videohelp.sqlite3"
    write(build_history(date(2024, 5, 1), 7), path).close()
    return path


def test_the_review_is_computed_off_the_main_thread_and_shown(qtbot, database, tmp_path) -> None:
    dialog = ReportDialog(report_jobs(database), day=DAY)
    qtbot.addWidget(dialog)
    dialog.show()
    threads = []
    dialog.compute()
    assert dialog.job is not None and dialog.progress.isVisible()
    assert not dialog.compute_button.isEnabled()
    job = dialog.job
    job._worker.progress.connect(lambda *_: threads.append(threading.current_thread().name))
    seen = []
    job.progress.connect(lambda *_: seen.append(threading.current_thread().name))
    with qtbot.waitSignal(job.finished, timeout=20_000):
        pass
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=5_000)
    # The work ran on another thread; the job's own signals arrive in the desk's thread.
    assert threads and threading.main_thread().name not in threads
    assert seen and set(seen) == {threading.main_thread().name}
    assert not dialog.progress.isVisible() and dialog.compute_button.isEnabled()

    store = Store(database)
    want = build_report(store.conn, DateRange.single(DAY), now_ms=dialog.report.generated_ms)
    store.close()
    rows = present.figure_rows(want.figures)
    table = dialog.figures_table
    assert table.rowCount() == len(rows)
    assert [table.item(r, 2).text() for r in range(table.rowCount())] == [v for _, _, v in rows]
    assert dialog.published.text() == want.published.text()
    assert len(dialog.chart_labels) == len(want.classes)
    assert all(not label.pixmap().isNull() for label in dialog.chart_labels)
    assert dialog.followup_table.rowCount() == min(len(want.followup), 500)
    assert dialog.tabs.count() == 4
    assert dialog.script_edit.toPlainText() == want.script

    # Exports: the edited script goes out, in the text and in the HTML.
    dialog.script_edit.setPlainText(want.script + "\n【编辑改过】\n")
    script = dialog.export("script", tmp_path / "s.txt")
    assert script.read_text(encoding="utf-8").endswith("【编辑改过】\n")
    html = dialog.export("html", tmp_path / "r.html").read_text(encoding="utf-8")
    assert "【编辑改过】" in html and "<svg" in html
    assert dialog.export("pdf", tmp_path / "r.pdf").read_bytes().startswith(b"%PDF-")
    assert dialog.export("followup", tmp_path / "f.csv").stat().st_size > 100
    assert all(button.isEnabled() for button in dialog.export_buttons.values())

    # The follow-up list is written off the main thread, with the progress bar.
    path = tmp_path / "open.xlsx"
    export = dialog.export_followup_in_background(path)
    assert export is not None and dialog.progress.isVisible()
    assert not any(button.isEnabled() for button in dialog.export_buttons.values())
    with qtbot.waitSignal(export.finished, timeout=20_000):
        pass
    assert dialog.job is None and str(path) in dialog.status.text()
    book = load_workbook(path, read_only=True)
    try:
        assert len(list(book.active.iter_rows(values_only=True))) == len(want.followup) + 1
    finally:
        book.close()
    # A cancelled export leaves no half-written file behind.
    dialog._partial = tmp_path / "half.xlsx"
    dialog._partial.write_bytes(b"PK")
    dialog._on_cancelled()
    assert not (tmp_path / "half.xlsx").exists() and dialog.status.text() == "Cancelled."


def test_a_job_can_be_cancelled_and_failures_are_reported(qtbot, database, tmp_path) -> None:
    job = ReportJob(database, DateRange.single(DAY))
    job.cancel()
    with qtbot.waitSignal(job.cancelled, timeout=10_000):
        job.start()
    assert job.wait()

    missing = ReportJob(tmp_path / "none.sqlite3", DateRange.single(DAY))
    with qtbot.waitSignal(missing.failed, timeout=10_000) as blocker:
        missing.start()
    assert missing.wait()
    assert "no database at" in blocker.args[0]
    assert not (tmp_path / "none.sqlite3").exists()


def test_backwards_dates_are_refused_in_the_dialog(qtbot, database) -> None:
    from PySide6.QtCore import QDate

    dialog = ReportDialog(report_jobs(database), day=DAY)
    qtbot.addWidget(dialog)
    dialog.last_edit.setDate(QDate(2024, 5, 1))
    dialog.compute()
    assert dialog.job is None
    assert "before it starts" in dialog.status.text()


def test_the_desk_menu_opens_the_review(qloop, qtbot, data_dir) -> None:
    from videohelp.console.session import SessionOptions, ShowSession
    from videohelp.core.paths import data_paths
    from videohelp.core.settings import Settings
    from videohelp.ui.main_window import MainWindow

    settings = Settings()
    for name, value in (("program.width", 640), ("program.height", 360), ("program.fps", 25)):
        settings.set(name, value)
    session = ShowSession(data_paths(data_dir), settings, SessionOptions(actor="presenter"))
    qloop.run_until_complete(session.start())
    window = MainWindow(session, show_personal=False)
    qtbot.addWidget(window)
    try:
        menus = [action.text() for action in window.menuBar().actions()]
        assert "&Review" in menus
        window.review_action.trigger()
        dialogs = [w for w in window.findChildren(ReportDialog)]
        assert len(dialogs) == 1 and dialogs[0].isVisible()
        dialog = dialogs[0]
        dialog.compute()
        qtbot.waitUntil(lambda: dialog.report is not None, timeout=20_000)
        assert dialog.report.figures.shows == 1  # the show that is on air now
        dialog.close()
    finally:
        window.close()
        qloop.run_until_complete(session.stop())


def test_the_review_counts_the_days_of_the_show_time_zone(qtbot, tmp_path) -> None:
    """A London studio (``show.timezone``): a question at 23:30 there is that day's."""
    from tests.console.reports.test_show_zone import LONDON, _ms, _question

    database = tmp_path / "videohelp.sqlite3"
    store = Store(database)
    _question(store, 1, _ms(LONDON, 2024, 7, 1, 23, 30))
    store.close()
    dialog = ReportDialog(report_jobs(database), day=date(2024, 7, 1), zone=LONDON)
    qtbot.addWidget(dialog)
    assert dialog.period().zone is LONDON
    dialog.compute()
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=20_000)
    assert dialog.report.figures.questions == 1
    assert dialog.followup_table.item(0, 0).text() == "2024-07-01 23:30"
