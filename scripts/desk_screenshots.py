"""Screenshots of the desk for docs/screenshots: every role at 1366x768 and 1920x1080.

Runs the demo (simulated feed, triage) in a fresh data directory under offscreen
Qt, lets comments arrive and triage file them, selects the next question (N) and,
where the role may, puts it on air (Enter), then grabs the window.

    QT_QPA_PLATFORM=offscreen python scripts/desk_screenshots.py [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtWidgets import QApplication

from videohelp.console.session import SessionOptions, ShowSession
from videohelp.core.paths import data_paths
from videohelp.core.settings import Settings
from videohelp.ui.event_loop import new_event_loop
from videohelp.ui.expert_panel import attach_expert_dock
from videohelp.ui.i18n import set_language
from videohelp.ui.main_window import MainWindow
from videohelp.ui.theme import apply_theme

SIZES = ((1366, 768), (1920, 1080))


async def shoot(app: QApplication, role: str, size: tuple[int, int], out: Path, language: str) -> Path:
    set_language(app, language)
    settings = Settings()
    for name, value in (("program.width", 960), ("program.height", 540), ("program.fps", 10)):
        settings._values[name] = value
    with tempfile.TemporaryDirectory() as tmp:
        session = ShowSession(data_paths(Path(tmp)), settings, SessionOptions(
            demo=True, seed=7, actor="desk", role=role, comments_per_s=6.0))
        window = MainWindow(session, show_personal=role == "officer")
        dock = attach_expert_dock(window, session, role)
        window.resize(*size)
        window.show()
        await session.start()
        await dock.start()
        # Triage builds its model at the first start (tens of seconds on a busy machine): the
        # queue fills once it files the demo's questions.
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and window.queue_model.rowCount() < 4:
            await asyncio.sleep(0.2)
        if role != "producer":
            window.next_question()
            await asyncio.sleep(0.5)
            window.take_selected()
            await asyncio.sleep(0.3)
            window.take_selected()  # a draft answer: the officer's second Enter
            await asyncio.sleep(1.0)
            window.next_question()
        await asyncio.sleep(1.5)
        suffix = "" if language == "zh_CN" else "-en"
        path = out / f"desk-{role}-{size[0]}x{size[1]}{suffix}.png"
        window.grab().save(str(path))
        await dock.stop()
        await session.stop()
        window.close()
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    parser.add_argument("--language", default="zh_CN", choices=("zh_CN", "en"))
    parser.add_argument("--roles", default="officer,presenter,producer")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    apply_theme(app, "dark")
    loop = new_event_loop(app)
    with loop:  # closing it stops qasync's executor threads ("QThread: Destroyed while ...")
        for role in args.roles.split(","):
            for size in SIZES:
                print(loop.run_until_complete(shoot(app, role, size, args.out, args.language)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
