"""Starting the desk: Qt application, asyncio loop (qasync), crash handler, window."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

from videohelp import __version__
from videohelp.console.crash import CrashHandler
from videohelp.console.demo import DemoDirector
from videohelp.console.logsetup import setup_logging
from videohelp.console.session import SessionOptions, ShowSession
from videohelp.core.paths import data_paths
from videohelp.core.settings import Settings
from videohelp.core.tls import TlsError, server_tls
from videohelp.streaming.fonts import cjk_font
from videohelp.ui.event_loop import new_event_loop
from videohelp.ui.expert_panel import attach_expert_dock
from videohelp.ui.i18n import set_language
from videohelp.ui.layouts import person_name
from videohelp.ui.main_window import MainWindow
from videohelp.ui.screenshot import save_screenshot
from videohelp.ui.theme import apply_theme

log = logging.getLogger(__name__)


class _CrashRelay(QObject):
    """Carries crash notices from any thread to the main thread.

    Signals:
        crashed(str, str): report path and a one-line summary.
    """

    crashed = Signal(str, str)


def install_translator(app: QApplication, language: str) -> bool:
    """Load the interface language (English is the source language and needs none)."""
    return set_language(app, language)


def run_desk(args: argparse.Namespace) -> int:
    """Run the desk until its window closes (or ``--quit-after``); return the exit code."""
    if args.role == "expert" or getattr(args, "connect", None):
        if args.role != "expert":  # a desk seat on a console elsewhere (issue 20)
            from videohelp.ui.remote_desk import run_remote_desk

            return run_remote_desk(args)
        from videohelp.ui.expert_window import run_expert  # the expert's window, no console here

        return run_expert(args)
    paths = data_paths(args.data_dir)
    setup_logging(paths.log_file, verbose=args.verbose)
    settings = Settings(paths.settings)
    try:  # seats off loopback need wss:// (issue 8): refuse before anything starts
        tls_context, fingerprint = server_tls(args, paths.root,
                                              getattr(args, "host", None) or settings["server.host"])
    except TlsError as exc:
        print(f"videohelp: {exc}", file=sys.stderr)
        return 2
    crash = CrashHandler(paths.crashes, paths.log_file)
    crash.install()
    log.info("videohelp %s starting, data in %s", __version__, paths.root)

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("videohelp")
    app.setApplicationVersion(__version__)
    app.setFont(cjk_font(14))
    install_translator(app, args.language or settings["ui.language"])

    loop = new_event_loop(app)
    loop.set_exception_handler(lambda _loop, context: _loop_exception(crash, context))

    person = person_name(settings["desk.person"])
    session = ShowSession(paths, settings, SessionOptions(
        demo=args.demo, seed=args.seed, actor=person, role=args.role, listen=True,
        host=getattr(args, "host", None), port=getattr(args, "port", None),
        ingest_tokens=dict(getattr(args, "ingest_token", [])), tls=tls_context))
    apply_theme(app, settings["ui.theme"])
    window = MainWindow(session, show_personal=args.role == "officer", person=person)
    expert_dock = attach_expert_dock(window, session)  # the expert group, as the desk's actor
    if fingerprint:
        print(f"videohelp: seats pin this console with --fingerprint {fingerprint}", flush=True)
    relay = _CrashRelay()
    relay.crashed.connect(lambda path, summary: _show_crash_notice(window, path, summary))
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
        await expert_dock.start()
        if director is not None:
            director.start()
        window.show()
        if os.environ.get("VIDEOHELP_CRASH_TEST") == "1":
            # Hidden hook for tests/test_bundle.py: a slot that raises, as a real bug would.
            QTimer.singleShot(500, _crash_test)
        if args.quit_after is not None:
            QTimer.singleShot(int(args.quit_after * 1000), window.close)
        await closed.wait()
        if args.screenshot:
            exit_code = 0 if save_screenshot(window, Path(args.screenshot)) else 1
        if director is not None:
            await director.stop()
        await expert_dock.stop()
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
            save_screenshot(self.window, self.path)
        return False


def _crash_test() -> None:
    raise RuntimeError("VIDEOHELP_CRASH_TEST: deliberate error to exercise the crash handler")


def _show_crash_notice(window: MainWindow, path: str, summary: str) -> None:
    """Tell the operator where the report is, in a label the status messages cannot overwrite."""
    window.show_crash_notice(path, summary)
    log.warning("crash notice shown to the user: %s", path)


def _loop_exception(crash: CrashHandler, context: dict) -> None:
    exc = context.get("exception")
    if isinstance(exc, BaseException):
        crash.excepthook(type(exc), exc, exc.__traceback__)
    else:
        log.error("event loop: %s", context.get("message"))
