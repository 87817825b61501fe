from __future__ import annotations

import logging
from pathlib import Path

from videohelp.console.crash import CrashHandler
from videohelp.console.logsetup import setup_logging


def test_uncaught_exception_writes_a_report_with_traceback_versions_and_log(tmp_path: Path) -> None:
    log_file = tmp_path / "videohelp.log"
    handler = setup_logging(log_file)
    logging.getLogger("test").info("something happened before the crash")
    crash = CrashHandler(tmp_path / "crashes", log_file)
    seen: list[tuple[Path, str]] = []
    crash.notifier = lambda path, summary: seen.append((path, summary))
    try:
        raise RuntimeError("the encoder fell over")
    except RuntimeError as exc:
        crash.excepthook(type(exc), exc, exc.__traceback__)
    assert len(crash.reports) == 1
    text = crash.reports[0].read_text(encoding="utf-8")
    assert "RuntimeError: the encoder fell over" in text
    assert "pyside6:" in text and "videohelp:" in text
    assert "something happened before the crash" in text
    assert seen and seen[0][0] == crash.reports[0]
    assert "RuntimeError" in seen[0][1]
    logging.getLogger().removeHandler(handler)
    handler.close()


def test_a_failing_notifier_does_not_escape(tmp_path: Path) -> None:
    crash = CrashHandler(tmp_path / "crashes", tmp_path / "none.log")
    crash.crash_dir.mkdir()

    def broken(path: Path, summary: str) -> None:
        raise OSError("display gone")

    crash.notifier = broken
    err = ValueError("x")
    crash.excepthook(ValueError, err, None)
    assert crash.reports
