"""Long report work off the main thread, for the desk (QtCore only: no widgets).

The desk must not wait on SQLite or on a 100,000-row spreadsheet: a job runs
its work (``work(progress) -> result``) on its own QThread. The job object
itself stays in the thread that made it and re-emits the worker's signals
there (queued), so whatever listens runs in the desk's thread. ``cancel()``
stops the work at its next progress report.

``ReportJob`` builds a report (with its own database connection);
``BackgroundJob`` runs any such work, e.g. writing the follow-up list.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal, Slot

from videohelp.console.reports.build import Progress, ReportCancelled, build_report_from
from videohelp.console.reports.period import DateRange

log = logging.getLogger(__name__)

Work = Callable[[Progress], Any]


class _Worker(QObject):
    """Lives on the job's thread while it works; see BackgroundJob for the signals."""

    progress = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, work: Work, label: str, cancel: threading.Event) -> None:
        super().__init__()
        self.work, self.label, self.cancel = work, label, cancel

    def _progress(self, done: int, total: int, label: str) -> None:
        if self.cancel.is_set():
            raise ReportCancelled
        self.progress.emit(done, total, label)

    @Slot()
    def run(self) -> None:
        try:
            result = self.work(self._progress)
        except ReportCancelled:
            log.info("%s cancelled", self.label)
            self.cancelled.emit()
        except Exception as exc:  # any failure is reported to the desk, not raised in a thread
            log.warning("%s failed: %s", self.label, exc)
            self.failed.emit(str(exc))
        else:
            self.finished.emit(result)
        finally:
            # Home again before the thread ends, so the main thread may delete the worker.
            app = QCoreApplication.instance()
            if app is not None:
                self.moveToThread(app.thread())
            QThread.currentThread().quit()


class BackgroundJob(QObject):
    """Some work running on a worker thread.

    Signals (emitted in the job's own thread):
        progress(int, int, str): steps done, steps in all, what is being done now.
        finished(object): the work's result.
        failed(str): the work failed; the text says why.
        cancelled(): ``cancel()`` stopped it.
    """

    progress = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, work: Work, label: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.work, self.label = work, label
        self._cancel = threading.Event()
        self._thread: QThread | None = None
        self._worker: _Worker | None = None

    def start(self) -> None:
        """Start working on a new thread."""
        worker = _Worker(self.work, self.label, self._cancel)
        thread = QThread()
        thread.setObjectName("report")
        worker.moveToThread(thread)
        # Signal to signal: the receiver (this job) lives here, so these are queued.
        worker.progress.connect(self.progress)
        worker.finished.connect(self.finished)
        worker.failed.connect(self.failed)
        worker.cancelled.connect(self.cancelled)
        thread.started.connect(worker.run)
        self._thread, self._worker = thread, worker
        thread.start()

    def cancel(self) -> None:
        self._cancel.set()

    def wait(self, timeout_ms: int = 60_000) -> bool:
        """Wait for the worker thread to end (after a result, failure or cancel)."""
        return self._thread.wait(timeout_ms) if self._thread is not None else True


class ReportJob(BackgroundJob):
    """Builds the report for ``period`` from the database at ``database``."""

    def __init__(self, database: Path, period: DateRange, parent: QObject | None = None) -> None:
        self.database, self.period = Path(database), period
        super().__init__(lambda progress: build_report_from(self.database, period, progress=progress),
                         f"report for {period.label()}", parent)


ReportJobs = Callable[[DateRange], BackgroundJob]


def report_jobs(database: Path) -> ReportJobs:
    """What the daily review window needs and no more: a job that builds a period's report
    (each with its own connection, on its own thread). The window never sees the database."""
    return lambda period: ReportJob(database, period)
