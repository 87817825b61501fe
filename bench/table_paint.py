#!/usr/bin/env python3
"""What one repaint of a feed-sized table costs, with and without an application style sheet.

    .venv/bin/python bench/table_paint.py            # 50 repaints each way, three rounds

The live feed repaints 2.5 times a second under load (``FEED_BATCH_MS``), each time every
visible cell. A ``QTableView`` of 1100x600 with the feed's columns (time, platform, viewer,
comment, item, asked, state) and the bench bridges' Chinese comments, in the desk's dark
theme, repainted ``--repaints`` times: the GUI thread's CPU per repaint with the desk's former
application style sheet (the CLEAR ALL button's rules) and without it. Any application style
sheet puts every widget's painting through Qt's style-sheet style, which matches rules per
draw; the desk now sets its one rule on the button (``ui/theme.py``; docs/performance.md).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ingest import TEXTS  # bench/ingest.py: the bridges' comments

# The application style sheet the desk had (ui/theme.py before issue 15's seventh pass).
FORMER_APP_STYLE = """
QPushButton#panicButton { background: #C62828; color: white; border-radius: 6px;
                          font-weight: bold; padding: 10px; }
QPushButton#panicButton:pressed { background: #8E0000; }
QLabel#onAirLabel { font-weight: bold; }
"""
WIDTHS = (70, 60, 80, 420, 260, 60, 60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repaints", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import QApplication, QTableView

    from videohelp.ui.theme import apply_theme

    app = QApplication.instance() or QApplication([])
    apply_theme(app, "dark")
    model = QStandardItemModel(60, len(WIDTHS))
    for row in range(60):
        cells = (f"12:00:{row:02d}", "抖音", f"观众{row}", f"{TEXTS[row % len(TEXTS)] * 2} #{row}",
                 "机动车 · MV24 私家车年检 (93%)", "", "已分拣")
        for column, text in enumerate(cells):
            model.setItem(row, column, QStandardItem(text))

    def ms_per_repaint() -> float:
        view = QTableView()
        view.setModel(model)
        view.resize(1100, 600)
        view.setWordWrap(False)
        view.verticalHeader().setVisible(False)
        view.verticalHeader().setDefaultSectionSize(28)
        for column, width in enumerate(WIDTHS):
            view.setColumnWidth(column, width)
        view.show()
        app.processEvents()
        view.viewport().repaint()  # fonts and glyph caches warm
        start = time.thread_time()
        for _ in range(args.repaints):
            view.viewport().repaint()
        spent = time.thread_time() - start
        view.close()
        view.deleteLater()
        app.processEvents()
        return 1000 * spent / args.repaints

    with_sheet, without = [], []
    for _ in range(args.rounds):  # alternately: a machine's drift hits both alike
        app.setStyleSheet(FORMER_APP_STYLE)
        with_sheet.append(ms_per_repaint())
        app.setStyleSheet("")
        without.append(ms_per_repaint())
    print("with the application style sheet: " + ", ".join(f"{ms:.2f}" for ms in with_sheet)
          + " ms per repaint")
    print("without (as shipped):             " + ", ".join(f"{ms:.2f}" for ms in without)
          + " ms per repaint")
    ratio = sorted(without)[len(without) // 2] / sorted(with_sheet)[len(with_sheet) // 2]
    print(f"ratio of the medians: {ratio:.2f} (below 1: the desk's repaints are cheaper now)")


if __name__ == "__main__":
    main()
