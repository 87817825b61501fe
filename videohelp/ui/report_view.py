"""The daily review in the desk: pick days, compute off the main thread, read, export.

The figures are shown in widgets built from the report's model (QTextBrowser
cannot draw the inline SVG charts; the charts are rasterised with
QSvgRenderer instead). Exports write the same HTML and PDF as ``videohelp
report``; the script tab is editable and exports what was edited. A language
change re-words the dialog and the report's headings in place (the days, the
tab, the tables' positions and the edited script stay).
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable
from datetime import date, tzinfo
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QDate, QEvent, QSize
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from videohelp.console.reports import present
from videohelp.console.reports.build import Report
from videohelp.console.reports.export import write_followup, write_script
from videohelp.console.reports.job import BackgroundJob, ReportJobs
from videohelp.console.reports.letterhead import Letterhead
from videohelp.console.reports.period import SHOW_TZ, DateRange, PeriodError, day_of_ms
from videohelp.console.reports.raster import chart_image
from videohelp.console.reports.render_html import charts_of, render_html
from videohelp.console.reports.render_pdf import write_pdf
from videohelp.ui.i18n import Retranslator, current_language
from videohelp.ui.screen_fit import fit_to_screen
from videohelp.ui.words import platform_name

log = logging.getLogger(__name__)
FOLLOWUP_ROWS = 500  # shown in the table; exports hold every row
CTX = "ReportDialog"
# Table headings (source texts; each table keeps them in the current language).
FOLLOWUP_HEADERS = (QT_TRANSLATE_NOOP(CTX, "Time"), QT_TRANSLATE_NOOP(CTX, "Platform"),
                    QT_TRANSLATE_NOOP(CTX, "Viewer"), QT_TRANSLATE_NOOP(CTX, "Question"),
                    QT_TRANSLATE_NOOP(CTX, "Item"), QT_TRANSLATE_NOOP(CTX, "Asked"),
                    QT_TRANSLATE_NOOP(CTX, "State"))
FIGURE_HEADERS = (QT_TRANSLATE_NOOP(CTX, "Figure"), "", QT_TRANSLATE_NOOP(CTX, "Value"))
PLATFORM_HEADERS = (QT_TRANSLATE_NOOP(CTX, "Platform"), QT_TRANSLATE_NOOP(CTX, "Comments"),
                    QT_TRANSLATE_NOOP(CTX, "Share"))
TREND_HEADERS = (QT_TRANSLATE_NOOP(CTX, "Figure"), QT_TRANSLATE_NOOP(CTX, "This period"),
                 QT_TRANSLATE_NOOP(CTX, "Previous"), "±", QT_TRANSLATE_NOOP(CTX, "A week earlier"), "±")
ITEM_HEADERS = (QT_TRANSLATE_NOOP(CTX, "Item"), QT_TRANSLATE_NOOP(CTX, "Name"),
                QT_TRANSLATE_NOOP(CTX, "Asked"), QT_TRANSLATE_NOOP(CTX, "Answered"),
                QT_TRANSLATE_NOOP(CTX, "Wordings"), QT_TRANSLATE_NOOP(CTX, "Answer given"),
                QT_TRANSLATE_NOOP(CTX, "Review"))


def _tr(text: str) -> str:
    return QCoreApplication.translate(CTX, text)


def _set_header(table: QTableWidget, column: int, text: str) -> None:
    item = table.horizontalHeaderItem(column)
    if item is not None:
        item.setText(text)


def _table(headers: tuple[str, ...], rows: list[list[str]], rt: Retranslator) -> QTableWidget:
    """A read-only table; ``rt`` keeps its ``headers`` (source texts) in the current language."""
    table = QTableWidget(len(rows), len(headers))
    table.setHorizontalHeaderLabels(list(headers))
    for column, header in enumerate(headers):
        if header.strip("±"):
            # Through the table, never a header item's own method: an item is not a QObject,
            # so a kept wrapper outlives the item the table deletes, and a later object at its
            # address came back as that "QTableWidgetItem" (a crash in the UI suite).
            rt.bind(partial(_set_header, table, column), header, key=(table, column))
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setWordWrap(True)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.setItem(r, c, QTableWidgetItem(text))
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    return table


class ReportDialog(QDialog):
    """The daily review for a day or a range of days."""

    def __init__(self, jobs: ReportJobs, day: date | None = None, parent: QWidget | None = None,
                 letterhead: Letterhead | None = None, zone: tzinfo = SHOW_TZ) -> None:
        super().__init__(parent)
        self.jobs = jobs  # a period's report job: all the window needs of the database
        self.zone = zone  # the show's time zone (show.timezone): where its days begin
        self.letterhead = letterhead or Letterhead()
        self.report: Report | None = None
        self.job: BackgroundJob | None = None
        self._last_job: BackgroundJob | None = None
        self._partial: Path | None = None
        self.rt = Retranslator(CTX)
        self.report_rt = Retranslator(CTX)  # the shown report's headings
        self.rt.bind(self.setWindowTitle, QT_TRANSLATE_NOOP(CTX, "Daily review"))
        fit_to_screen(self, QSize(1100, 800))
        # "Today" is the show's day in its time zone, whatever the machine's.
        day = day or day_of_ms(int(time.time() * 1000), zone)
        today = QDate(day.year, day.month, day.day)
        self.first_edit, self.last_edit = QDateEdit(today), QDateEdit(today)
        for edit in (self.first_edit, self.last_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        self.compute_button = QPushButton()
        self.cancel_button = QPushButton()
        self.rt.bind(self.compute_button.setText, QT_TRANSLATE_NOOP(CTX, "Compute"))
        self.rt.bind(self.cancel_button.setText, QT_TRANSLATE_NOOP(CTX, "Cancel"))
        self.cancel_button.setEnabled(False)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.status = QLabel()
        self._say(QT_TRANSLATE_NOOP(CTX, "Choose the days and press Compute."))
        self.published = QLabel()
        self.published.setWordWrap(True)
        self.tabs = QTabWidget()
        self.script_edit = QPlainTextEdit()
        self.export_buttons = {name: QPushButton() for name in ("html", "pdf", "followup", "script")}
        for name, label in (("html", QT_TRANSLATE_NOOP(CTX, "Export HTML…")),
                            ("pdf", QT_TRANSLATE_NOOP(CTX, "Export PDF…")),
                            ("followup", QT_TRANSLATE_NOOP(CTX, "Export follow-up list…")),
                            ("script", QT_TRANSLATE_NOOP(CTX, "Export script…"))):
            self.rt.bind(self.export_buttons[name].setText, label)
            self.export_buttons[name].setEnabled(False)
        self.from_label, self.to_label = QLabel(), QLabel()
        self.rt.bind(self.from_label.setText, QT_TRANSLATE_NOOP(CTX, "From"))
        self.rt.bind(self.to_label.setText, QT_TRANSLATE_NOOP(CTX, "to"))

        top = QHBoxLayout()
        for widget in (self.from_label, self.first_edit, self.to_label, self.last_edit,
                       self.compute_button, self.cancel_button):
            top.addWidget(widget)
        top.addWidget(self.progress, 1)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        for button in self.export_buttons.values():
            bottom.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addWidget(self.published)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)

        self.compute_button.clicked.connect(self.compute)
        self.cancel_button.clicked.connect(self.cancel)
        self.export_buttons["html"].clicked.connect(lambda: self._ask_and_export("html"))
        self.export_buttons["pdf"].clicked.connect(lambda: self._ask_and_export("pdf"))
        self.export_buttons["followup"].clicked.connect(lambda: self._ask_and_export("followup"))
        self.export_buttons["script"].clicked.connect(lambda: self._ask_and_export("script"))

    # -- language -------------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.rt.apply()
            self.report_rt.apply()
        super().changeEvent(event)

    def _say(self, text: str, **values: object) -> None:
        """Show a translatable status line (kept in the current language)."""
        self.rt.bind(self.status.setText, text, **values)

    # -- computing ------------------------------------------------------------------
    def period(self) -> DateRange:
        first, last = self.first_edit.date(), self.last_edit.date()
        return DateRange(date(first.year(), first.month(), first.day()),
                         date(last.year(), last.month(), last.day()), self.zone)

    def compute(self) -> None:
        """Start building the report for the chosen days (off the main thread)."""
        try:
            period = self.period()
        except PeriodError as exc:
            self.rt.show(self.status.setText, str(exc))
            return
        if self.job is not None:
            return
        self._say(QT_TRANSLATE_NOOP(CTX, "Computing the review for {days}…"), days=period.label())
        self._start(self.jobs(period), self._on_finished)

    def _start(self, job: BackgroundJob, on_finished: Callable[[Any], None]) -> None:
        """Run ``job`` with the progress bar and the Cancel button."""
        self.job = job
        job.progress.connect(self._on_progress)
        job.finished.connect(on_finished)
        job.failed.connect(self._on_failed)
        job.cancelled.connect(self._on_cancelled)
        self.compute_button.setEnabled(False)
        for button in self.export_buttons.values():
            button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setRange(0, 0)  # busy until the first step reports
        self.progress.setVisible(True)
        job.start()

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()

    def _on_progress(self, done: int, total: int, label: str) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        self.progress.setFormat(f"%v/%m {label}")

    def _job_done(self) -> None:
        if self.job is not None:
            self.job.wait()
            # Called from the job's own signal: keep it alive until the emission is over.
            self._last_job, self.job = self.job, None
        self.compute_button.setEnabled(True)
        for button in self.export_buttons.values():
            button.setEnabled(self.report is not None)
        self.cancel_button.setEnabled(False)
        self.progress.setVisible(False)

    def _on_failed(self, message: str) -> None:
        self._job_done()
        self._say(QT_TRANSLATE_NOOP(CTX, "Failed: {why}"), why=message)

    def _on_cancelled(self) -> None:
        self._job_done()
        if self._partial is not None:  # a half-written export is worse than none
            self._partial.unlink(missing_ok=True)
            self._partial = None
        self._say(QT_TRANSLATE_NOOP(CTX, "Cancelled."))

    def _on_finished(self, report: Report) -> None:
        self._job_done()
        self.show_report(report)

    # -- showing --------------------------------------------------------------------
    def show_report(self, report: Report) -> None:
        """Fill the tabs from ``report``'s model."""
        self.report = report
        self.report_rt = rt = Retranslator(CTX)
        self._say(QT_TRANSLATE_NOOP(CTX, "Review of {days}"), days=report.period.label())
        self.published.setText(report.published.text())
        self.tabs.clear()
        self.tabs.addTab(self._figures_tab(report), "")
        self.tabs.addTab(self._questions_tab(report), "")
        self.followup_table = _table(
            FOLLOWUP_HEADERS,
            [[present.stamp(r.received_ms, report.period.zone), platform_name(r.platform), r.viewer,
              r.text,
              f"{r.item or ''} {r.item_name}", str(r.asked),
              present.STATE.get(r.state, r.state) + (" ⏳" if r.carried_over else "")]
             for r in report.followup[:FOLLOWUP_ROWS]], rt)
        self.tabs.addTab(self.followup_table, "")
        self.script_edit.setPlainText(report.script)
        self.tabs.addTab(self.script_edit, "")
        for index, (title, values) in enumerate((
                (QT_TRANSLATE_NOOP(CTX, "Figures"), {}), (QT_TRANSLATE_NOOP(CTX, "Top questions"), {}),
                (QT_TRANSLATE_NOOP(CTX, "Follow-up ({count})"), {"count": len(report.followup)}),
                (QT_TRANSLATE_NOOP(CTX, "车管资讯 script"), {}))):
            rt.bind(lambda text, i=index: self.tabs.setTabText(i, text), title, **values)
        for button in self.export_buttons.values():
            button.setEnabled(True)

    def _figures_tab(self, report: Report) -> QWidget:
        f = report.figures
        page = QWidget()
        layout = QVBoxLayout(page)
        self.figures_table = _table(FIGURE_HEADERS,
                                    [[zh, en, value] for zh, en, value in present.figure_rows(f)],
                                    self.report_rt)
        layout.addWidget(self.figures_table, 2)
        layout.addWidget(_table(PLATFORM_HEADERS,
                                [[platform_name(p), str(n), present.percent(n, f.comments)]
                                 for p, n in f.by_platform.items()], self.report_rt), 1)
        trends = report.trends
        layout.addWidget(_table(
            TREND_HEADERS,
            [[f"{row.label_zh} {row.label_en}", present.trend_value(row.key, row.value),
              present.trend_value(row.key, row.previous), present.change(row.vs_previous),
              present.trend_value(row.key, row.week_before), present.change(row.vs_week_before)]
             for row in trends.rows], self.report_rt), 2)
        return page

    def _questions_tab(self, report: Report) -> QWidget:
        inner = QWidget()
        layout = QVBoxLayout(inner)
        charts = {chart.name: chart for chart in charts_of(
            report, current_language(QCoreApplication.instance()))}
        self.chart_labels: list[QLabel] = []
        ratio = self.devicePixelRatioF() or 1.0
        for number, klass in enumerate(report.classes):
            summary = QLabel()
            self.report_rt.bind(summary.setText, QT_TRANSLATE_NOOP(
                CTX, "<b>{klass}</b> {name}: asked {asked} times, {distinct} distinct questions, "
                     "{answered} answered"),
                klass=klass.klass, name=klass.name_en, asked=klass.asked, distinct=klass.distinct,
                answered=klass.answered)
            layout.addWidget(summary)
            chart = QLabel()
            pixmap = QPixmap.fromImage(chart_image(charts[f"class-{number}"].svg, scale=max(1, round(ratio))))
            pixmap.setDevicePixelRatio(max(1, round(ratio)))
            chart.setPixmap(pixmap)
            self.chart_labels.append(chart)
            layout.addWidget(chart)
            rows = [[item.code or "", item.name, str(item.counts.asked), str(item.counts.answered),
                     " / ".join(text for text, _ in item.wordings),
                     item.answer.text if item.answer else "—", present.answer_status(item.answer)]
                    for item in klass.items]
            table = _table(ITEM_HEADERS, rows, self.report_rt)
            table.setMinimumHeight(min(400, 40 + 30 * len(rows)))
            layout.addWidget(table)
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        return scroll

    # -- exporting ------------------------------------------------------------------
    def edited_report(self) -> Report:
        """The report with the script as edited in the script tab."""
        assert self.report is not None
        return dataclasses.replace(self.report, script=self.script_edit.toPlainText())

    def export(self, kind: str, path: Path) -> Path:
        """Write ``kind`` (html, pdf, followup, script) to ``path``."""
        report = self.edited_report()
        # Printed in the desk's language, on the unit's letterhead.
        language = current_language(QCoreApplication.instance())
        if kind == "html":
            path.write_text(render_html(report, language=language, letterhead=self.letterhead),
                            encoding="utf-8")
        elif kind == "pdf":
            write_pdf(report, path, language=language, letterhead=self.letterhead)
        elif kind == "followup":
            write_followup(report.followup, path, zone=report.period.zone)
        elif kind == "script":
            write_script(report.script, path)
        else:
            raise ValueError(f"unknown export {kind!r}")
        log.info("review exported: %s", path)
        return path

    def _ask_and_export(self, kind: str) -> None:
        if self.report is None:
            return
        stem = f"每日复盘-{self.report.period.label().replace(' – ', '_')}"
        filters = {"html": ("HTML (*.html)", ".html"), "pdf": ("PDF (*.pdf)", ".pdf"),
                   "followup": ("Excel (*.xlsx);;CSV (*.csv)", ".xlsx"),
                   "script": (_tr("Text (*.txt)"), ".txt")}[kind]
        name, _ = QFileDialog.getSaveFileName(self, _tr("Export"), stem + filters[1], filters[0])
        if not name:
            return
        if kind == "followup":
            self.export_followup_in_background(Path(name))
            return
        try:
            self.export(kind, Path(name))
        except (OSError, ValueError) as exc:
            self._say(QT_TRANSLATE_NOOP(CTX, "Export failed: {why}"), why=exc)
            return
        self._say(QT_TRANSLATE_NOOP(CTX, "Exported to {path}"), path=name)

    def export_followup_in_background(self, path: Path) -> BackgroundJob | None:
        """Write the follow-up list off the main thread (a month's is 100,000+ rows)."""
        if self.report is None or self.job is not None:
            return None
        rows = self.report.followup
        self._partial = path
        zone = self.report.period.zone
        job = BackgroundJob(lambda progress: write_followup(rows, path, progress, zone),
                            f"follow-up export to {path}")

        def written(_: object) -> None:
            self._partial = None
            self._job_done()
            self._say(QT_TRANSLATE_NOOP(CTX, "Exported to {path}"), path=path)

        self._say(QT_TRANSLATE_NOOP(CTX, "Writing {count} follow-ups…"), count=len(rows))
        self._start(job, written)
        return job

    def done(self, result: int) -> None:
        if self.job is not None:
            self.job.cancel()
            self.job.wait()
        super().done(result)

