#!/usr/bin/env python3
"""The GUI thread's share of browsing the knowledge base: before and after the service.

Selects each of the 108 business items in turn (the entry table's filter) and then each
entry of the first 20 items (the editor's detail), two ways over the same seeded file:

- before: the widgets' old synchronous path, SQL run on the calling (GUI) thread;
- now: ``KnowledgeView`` asking ``KnowledgeService``; the GUI thread only sends requests
  and applies answers, the SQL runs on the service's thread.

Prints the GUI thread's CPU time per selection (``time.thread_time``, less sensitive to the
shared machine than wall time) both ways, and whether the goal is met: the GUI thread
spends under half the time it did, since the reads left it. "Now" counts what the GUI
thread does for a selection: the call that sends the request, and the delivery of each
answer (the slot that applies it to the models and editors); not the bench's own waiting.

Usage: ``QT_QPA_PLATFORM=offscreen python bench/knowledge_select.py``
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QEventLoop
from PySide6.QtWidgets import QApplication

from videohelp.console.knowledge_service import KnowledgeService
from videohelp.core.knowledge import KnowledgeBase
from videohelp.ui.knowledge_view import KnowledgeView

ITEMS_FOR_ENTRIES = 20


class TimedService(KnowledgeService):
    """Counts the GUI thread's CPU time spent delivering answers (models, editors)."""

    delivering = 0.0

    def _deliver(self, *args) -> None:  # type: ignore[override]
        started = time.thread_time()
        try:
            super()._deliver(*args)
        finally:
            TimedService.delivering += time.thread_time() - started


def _wait(app: QApplication, ready, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not ready():
        if time.monotonic() > deadline:
            raise TimeoutError("no answer from the knowledge service")
        app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)


def before(database: Path, codes: list[str]) -> tuple[float, int]:
    """The old path: each selection read the base on the GUI thread."""
    kb = KnowledgeBase.open(database)
    started, count = time.thread_time(), 0
    for code in codes:
        kb.entries(item=code, include_retired=True)
        kb.on_air_counts()
        kb.latest_actions()
        count += 1
    for code in codes[:ITEMS_FOR_ENTRIES]:
        for entry in kb.entries(item=code):
            kb.get(entry.id)
            kb.history(entry.id)
            kb.on_air_counts()
            kb.latest_actions()
            count += 1
    spent = time.thread_time() - started
    kb.close()
    return spent, count


def now(app: QApplication, database: Path, codes: list[str]) -> tuple[float, int]:
    """The service: the GUI thread sends requests and shows answers."""
    service = TimedService(database)
    _wait(app, lambda: service.is_open)
    view = KnowledgeView(service)
    _wait(app, view.idle)
    TimedService.delivering, calling, count = 0.0, 0.0, 0
    for code in codes:
        started = time.thread_time()
        view.select_item(code)
        calling += time.thread_time() - started
        _wait(app, view.idle)
        count += 1
    for code in codes[:ITEMS_FOR_ENTRIES]:
        view.select_item(code)
        _wait(app, view.idle)
        for row in range(view.model.rowCount()):
            started = time.thread_time()
            view.table.selectRow(row)
            calling += time.thread_time() - started
            _wait(app, view.idle)
            count += 1
    spent = calling + TimedService.delivering
    view.shutdown()
    view.deleteLater()
    service.close()
    return spent, count


def main() -> None:
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "bench.sqlite3"
        kb = KnowledgeBase.open(database)
        codes = list(kb.catalog_store.catalog().items)
        kb.close()
        old, old_count = before(database, codes)
        new, new_count = now(app, database, codes)
    print(f"GUI thread CPU per selection: before {old / old_count * 1000:.2f} ms "
          f"({old_count} selections, SQL on the GUI thread); now {new / new_count * 1000:.2f} ms "
          f"({new_count}, SQL on the service's thread)")
    print(f"load: {os.getloadavg()[0]:.1f}")
    met = new / new_count < 0.5 * old / old_count
    print("goal (under half the GUI thread's time per selection):", "met" if met else "NOT met")


if __name__ == "__main__":
    main()
