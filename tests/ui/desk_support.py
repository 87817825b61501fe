"""A running desk with its expert dock on a loopback /seat server, for desk tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from shiboken6 import isValid

from videohelp.console.session import SessionOptions, ShowSession
from videohelp.core.paths import data_paths
from videohelp.core.settings import Settings
from videohelp.ui.expert_panel import ExpertDock, attach_expert_dock
from videohelp.ui.main_window import MainWindow


@contextmanager
def desk_with_expert_dock(qloop, qtbot, data_dir: Path, *, triage: bool = True, role: str = "officer",
                          actor: str = "张警官") -> Iterator[tuple[MainWindow, ExpertDock]]:
    """A desk (the officer's unless ``role``) at 640x360, serving seats on a free port, until
    the block ends."""
    settings = Settings()
    for name, value in (("program.width", 640), ("program.height", 360), ("program.fps", 25)):
        settings.set(name, value)
    session = ShowSession(data_paths(data_dir), settings, SessionOptions(
        actor=actor, role=role, listen=True, host="127.0.0.1", port=0, triage=triage))
    window = MainWindow(session, show_personal=role == "officer")
    dock = attach_expert_dock(window, session, role)
    qloop.run_until_complete(session.start())
    qloop.run_until_complete(dock.start())
    qtbot.addWidget(window)
    window.show()
    try:
        yield window, dock
    finally:
        if isValid(window):  # a test may have closed it
            window.close()
        qloop.run_until_complete(dock.stop())
        qloop.run_until_complete(session.stop())
