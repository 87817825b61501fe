"""Starting the desk: Qt application, asyncio loop (qasync), crash handler, window."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path

import qasync
from PySide6.QtCore import QLocale, QObject, QTimer, QTranslator, Signal
from PySide6.QtWidgets import QApplication

from videohelp import __version__
from videohelp.assets import asset_path
from videohelp.console.crash import CrashHandler
from videohelp.console.demo import DemoDirector
from videohelp.console.logsetup import setup_logging
from videohelp.console.paths import data_paths
from videohelp.console.session import SessionOptions, ShowSession
from videohelp.console.settings import Settings
from videohelp.streaming.fonts import cjk_font
from videohelp.ui.main_window import MainWindow

log = logging.getLogger(__name__)


class _CrashRelay(QObject):
    """Carries crash notices from any thread to the main thread.

    Signals:
        crashed(str, str): report path and a one-line summary.
    """

    crashed = Signal(str, str)


def install_translator(app: QApplication, language: str) -> QTranslator | None:
    """Load the interface language; English is the source language and needs none."""
    if language == "en":
        return None
    translator = QTranslator(app)
    qm = asset_path("i18n", f"videohelp_{language}.qm")
    if translator.load(str(qm)):
        app.installTranslator(translator)
        QLocale.setDefault(QLocale(language))
        return translator
    log.warning("translation %s not found; run ./run setup", qm)
    return None


def run_desk(args: argparse.Namespace) -> int:
    """Run the desk until its window closes (or ``--quit-after``); return the exit code."""
    paths = data_paths(args.data_dir)
    setup_logging(paths.log_file, verbose=args.verbose)
    crash = CrashHandler(paths.crashes, paths.log_file)
    crash.install()
    settings = Settings(paths.settings)
    log.info("videohelp %s starting, data in %s", __version__, paths.root)

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("videohelp")
    app.setApplicationVersion(__version__)
    app.setFont(cjk_font(14))
    install_translator(app, args.language or settings["ui.language"])

    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    loop.set_exception_handler(lambda _loop, context: _loop_exception(crash, context))

    session = ShowSession(paths, settings, SessionOptions(demo=args.demo, seed=args.seed))
    window = MainWindow(session, show_personal=args.role == "officer")
    relay = _CrashRelay()
    relay.crashed.connect(lambda path, summary: window.statusBar().showMessage(
        f"⚠ {summary} — report: {path}"))
    crash.notifier = lambda path, summary: relay.crashed.emit(str(path), summary)

    director = None
    if args.demo:
        director = DemoDirector(session, settings["demo.auto_take_after_s"])
        window.operatorActed.connect(director.stand_down)

    exit_code = 0

    async def main() -> None:
        nonlocal exit_code
        closed = asyncio.Event()
        app.lastWindowClosed.connect(closed.set)
        await session.start()
        if director is not None:
            director.start()
        window.show()
        if args.quit_after is not None:
            QTimer.singleShot(int(args.quit_after * 1000), window.close)
        await closed.wait()
        if args.screenshot:
            exit_code = 0 if _save_screenshot(window, Path(args.screenshot)) else 1
        if director is not None:
            await director.stop()
        await session.stop()

    app.setQuitOnLastWindowClosed(False)
    if args.screenshot:
        # Grab before the window hides: closing hides it, so grab on the close request.
        window.installEventFilter(_GrabOnClose(window, Path(args.screenshot), parent=window))
    try:
        with loop:
            loop.run_until_complete(main())
    finally:
        crash.uninstall()
    log.info("videohelp stopped")
    return exit_code


class _GrabOnClose(QObject):
    """Saves the window's picture when it is asked to close."""

    def __init__(self, window: MainWindow, path: Path, parent: QObject) -> None:
        super().__init__(parent)
        self.window, self.path = window, path

    def eventFilter(self, watched: QObject, event) -> bool:
        from PySide6.QtCore import QEvent

        if watched is self.window and event.type() == QEvent.Type.Close:
            _save_screenshot(self.window, self.path)
        return False


def _save_screenshot(window: MainWindow, path: Path) -> bool:
    if path.exists() and getattr(window, "_screenshot_saved", False):
        return True
    path.parent.mkdir(parents=True, exist_ok=True)
    saved = window.grab().save(str(path), "PNG")
    window._screenshot_saved = saved  # type: ignore[attr-defined]
    if saved:
        log.info("screenshot saved to %s", path)
    else:
        log.error("could not save screenshot to %s", path)
    return saved


def _loop_exception(crash: CrashHandler, context: dict) -> None:
    exc = context.get("exception")
    if isinstance(exc, BaseException):
        crash.excepthook(type(exc), exc, exc.__traceback__)
    else:
        log.error("event loop: %s", context.get("message"))
