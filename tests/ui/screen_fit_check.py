"""Run as a script in a process of its own, on an offscreen screen of the size given:
the windows that open beside the desk fit that screen. Prints one JSON line.

    python tests/ui/screen_fit_check.py 1366 768 DATA_DIR

The offscreen platform's screen size comes from its config file, read when the
QApplication starts, so each size needs its own process (``test_screen_fit.py``).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QApplication, QWidget

from videohelp.console.reports.job import report_jobs
from videohelp.console.seat_client import SeatLink
from videohelp.core.store import Store
from videohelp.ui.expert_window import ExpertWindow
from videohelp.ui.report_view import ReportDialog

WIDTH, HEIGHT, DATA = int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
config = DATA / "screen.json"
# No frame margins: a window manager's title bar is its own to fit (the desk's window, too).
studio = {"name": "studio", "x": 0, "y": 0, "width": WIDTH, "height": HEIGHT, "logicalDpi": 96, "dpr": 1}
config.write_text(json.dumps({"windowFrameMargins": False, "screens": [studio]}))
os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={config}"

app = QApplication([])
screen = app.primaryScreen().availableGeometry()


def on_screen(widget: QWidget) -> bool:
    return screen.contains(QRect(widget.mapToGlobal(QPoint(0, 0)), widget.size()))


database = DATA / "show.db"
Store(database).close()
expert = ExpertWindow(SeatLink("wss://127.0.0.1:9/seat", "vhs_unused"))
report = ReportDialog(report_jobs(database))
found = {"screen": [screen.width(), screen.height()]}
for name, window, parts in (("expert", expert, [expert.statusBar(), expert.send_button]),
                            ("report", report, [])):
    window.show()
    app.processEvents()
    found[name] = {"size": list(window.size().toTuple()),
                   "on_screen": all(on_screen(part) for part in [window, *parts])}
    window.close()
print(json.dumps(found), flush=True)
