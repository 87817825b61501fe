#!/usr/bin/env python3
"""The review mode over the demo's 20 most-asked items: time to open, time per decision.

The demo's simulator asks every shipped question variant alike, so its most-asked items
are the ones with the most variants; stored comments filed under them order the queue.
Every draft in scope is approved in turn through the dialog (as pressing A does); the
dialog asks the knowledge service, whose answers come back by signal, so each step runs
Qt's events until the answer is shown.

Usage: ``QT_QPA_PLATFORM=offscreen python bench/kb_review.py`` (a few seconds).
"""

from __future__ import annotations

import tempfile
import time
from collections import Counter
from pathlib import Path

from PySide6.QtCore import QEventLoop
from PySide6.QtWidgets import QApplication

from videohelp.console.knowledge_service import KnowledgeService
from videohelp.core.knowledge import KnowledgeBase, load_shipped
from videohelp.ui.review_dialog import ReviewDialog


def _answered(app: QApplication, dialog: ReviewDialog, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while dialog.busy:
        if time.monotonic() > deadline:
            raise TimeoutError("the knowledge service did not answer")
        app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)


def main() -> None:
    app = QApplication([])
    variants = Counter()
    for entry in load_shipped():
        variants[entry.item] += len(entry.questions)
    top = [code for code, _ in variants.most_common(20)]
    with tempfile.TemporaryDirectory() as folder:
        kb = KnowledgeBase.open(Path(folder) / "bench.sqlite3")
        with kb.store.transaction() as conn:
            for rank, code in enumerate(top):
                for n in range(40 - rank):
                    conn.execute(
                        "INSERT INTO comments (platform, msg_id, user_id, user_name, user_name_masked, "
                        "text, text_masked, ts_ms, received_ms, is_question, item) VALUES "
                        "('douyin', ?, 'u', 'n', 'n', 'q', 'q', 1, 1, 1, ?)", (f"{code}-{n}", code))
        kb.close()
        service = KnowledgeService(Path(folder) / "bench.sqlite3")
        while not service.is_open:
            app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
        started = time.perf_counter()
        dialog = ReviewDialog(service, "bench")
        _answered(app, dialog)
        opened = time.perf_counter() - started
        total = len(dialog.entries)
        started = time.perf_counter()
        while dialog.entries:
            dialog.approve()
            _answered(app, dialog)
        per = (time.perf_counter() - started) / max(1, total)
        print(f"open {opened:.2f} s; {total} drafts in the top 20 items; {per * 1000:.0f} ms per decision")
        dialog.close()
        service.close()
    app.quit()


if __name__ == "__main__":
    main()
