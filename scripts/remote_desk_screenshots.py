"""Screenshots of the desk on another machine (``--connect``) for docs/screenshots.

Runs a console here (the demo: simulated feed, triage) serving seats on loopback, opens the
remote desk (the studio's MainWindow on a ``RemoteDeskSession``) with an officer seat's token,
selects the next question (N), puts it on air with its draft answer (Enter twice) and selects
the next one, then grabs the remote window at 1366x768 and 1920x1080.

    QT_QPA_PLATFORM=offscreen python scripts/remote_desk_screenshots.py [--language en]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtWidgets import QApplication

from videohelp.console.remote_show import DeskHttp
from videohelp.console.seat_client import SeatLink
from videohelp.console.session import SessionOptions, ShowSession
from videohelp.core import seats
from videohelp.core.paths import data_paths
from videohelp.core.settings import Settings
from videohelp.core.store import Store
from videohelp.queue.comments import State
from videohelp.ui.event_loop import new_event_loop
from videohelp.ui.i18n import set_language
from videohelp.ui.remote_desk import open_remote_desk
from videohelp.ui.theme import apply_theme

SIZES = ((1366, 768), (1920, 1080))


async def _until(predicate, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not predicate():
        await asyncio.sleep(0.1)


async def shoot(app: QApplication, size: tuple[int, int], out: Path, language: str) -> Path:
    set_language(app, language)
    settings = Settings()
    for name, value in (("program.width", 960), ("program.height", 540), ("program.fps", 10)):
        settings._values[name] = value
    with tempfile.TemporaryDirectory() as tmp:
        console = ShowSession(data_paths(Path(tmp) / "studio"), settings, SessionOptions(
            demo=True, seed=7, actor="studio", role="officer", comments_per_s=6.0, listen=True,
            host="127.0.0.1", port=0))
        await console.start()
        store = Store(console.paths.database)
        token = seats.add_seat(store, "张警官", "officer")[1]
        store.close()
        url = console.server.url("/seat")
        window = open_remote_desk(SeatLink(url, token), DeskHttp(url, token), "officer",
                                  Path(tmp) / "remote")
        window.resize(*size)
        window.show()
        await window.session.start()
        await _until(lambda: window.queue_model.rowCount() >= 4, 30)
        window.next_question()
        await _until(lambda: bool(window.answers.entries), 10)
        window.take_selected()
        await asyncio.sleep(0.3)
        window.take_selected()  # a draft answer: the officer's second Enter
        await _until(lambda: window.session.on_air is not None
                     and window.session.on_air.state == State.ON_AIR, 10)
        window.next_question()
        await _until(lambda: bool(window.answers.entries), 10)
        await asyncio.sleep(2.0)  # the program's picture, twice a second
        suffix = "" if language == "zh_CN" else "-en"
        path = out / f"remote-desk-officer-{size[0]}x{size[1]}{suffix}.png"
        window.grab().save(str(path))
        await window.session.stop()
        await console.stop()
        window.close()
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    parser.add_argument("--language", default="zh_CN", choices=("zh_CN", "en"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    apply_theme(app, "dark")
    loop = new_event_loop(app)
    with loop:  # closing it stops qasync's executor threads
        for size in SIZES:
            print(loop.run_until_complete(shoot(app, size, args.out, args.language)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
