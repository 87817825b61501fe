"""Crash handling: an uncaught exception becomes a report file, not a silent exit.

On air the desk must not vanish because one slot raised. Exceptions that
reach the event loop are recorded (traceback, versions, recent log) in the data
directory's ``crashes/`` folder and logged; the caller decides whether to show
the user where the report is. ``faulthandler`` covers hard crashes in C code.
"""

from __future__ import annotations

import datetime as dt
import faulthandler
import logging
import platform
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import IO

from videohelp import __version__
from videohelp.console.logsetup import recent_log_lines
from videohelp.core.private import create_private, private_dir

log = logging.getLogger(__name__)

Notifier = Callable[[Path, str], None]


def versions() -> dict[str, str]:
    """Versions of the app and of the engines it runs on."""
    found = {"videohelp": __version__, "python": sys.version.split()[0],
             "platform": platform.platform()}
    try:
        import PySide6

        found["pyside6"] = PySide6.__version__
    except ImportError:  # pragma: no cover - PySide6 is a hard dependency
        pass
    try:
        import cv2

        found["opencv"] = cv2.__version__
    except ImportError:  # pragma: no cover
        pass
    return found


class CrashHandler:
    """Writes crash reports and forwards them to an optional notifier."""

    def __init__(self, crash_dir: Path, log_file: Path) -> None:
        self.crash_dir = crash_dir
        self.log_file = log_file
        self.notifier: Notifier | None = None
        self.reports: list[Path] = []
        self._fault_file: IO[str] | None = None

    def install(self) -> None:
        """Hook ``sys.excepthook``, ``threading.excepthook`` and faulthandler."""
        sys.excepthook = self.excepthook
        threading.excepthook = self._thread_hook
        private_dir(self.crash_dir)
        create_private(self.crash_dir / "faulthandler.log")
        self._fault_file = open(self.crash_dir / "faulthandler.log", "a", encoding="utf-8")  # noqa: SIM115
        faulthandler.enable(self._fault_file)

    def uninstall(self) -> None:
        sys.excepthook = sys.__excepthook__
        threading.excepthook = threading.__excepthook__
        if self._fault_file is not None:
            faulthandler.disable()
            self._fault_file.close()
            self._fault_file = None

    def _thread_hook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit or args.exc_value is None:
            return
        self.excepthook(args.exc_type, args.exc_value, args.exc_traceback)

    def excepthook(self, exc_type: type[BaseException], exc: BaseException,
                   tb: TracebackType | None) -> None:
        """Record the exception; never raise from here."""
        try:
            path = self.write_report(exc_type, exc, tb)
        except Exception:  # the handler itself must not take the app down
            log.exception("could not write a crash report")
            return
        summary = f"{exc_type.__name__}: {exc}"
        log.error("uncaught exception %s, report in %s", summary, path)
        if self.notifier is not None:
            try:
                self.notifier(path, summary)
            except Exception:
                log.exception("crash notifier failed")

    def write_report(self, exc_type: type[BaseException], exc: BaseException,
                     tb: TracebackType | None) -> Path:
        """Write one report file and return its path."""
        private_dir(self.crash_dir)
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        path = self.crash_dir / f"crash-{stamp}.txt"
        lines = ["videohelp crash report", f"time: {dt.datetime.now().isoformat()}", ""]
        lines += [f"{key}: {value}" for key, value in versions().items()]
        lines += ["", "traceback:", *traceback.format_exception(exc_type, exc, tb)]
        lines += ["", "recent log:", *recent_log_lines(self.log_file)]
        create_private(path)  # the recent log lines are as private as the log
        path.write_text("\n".join(line.rstrip("\n") for line in lines) + "\n", encoding="utf-8")
        self.reports.append(path)
        return path
