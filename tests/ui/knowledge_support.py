"""The knowledge service for widget tests: opened on its thread, waited for with qtbot."""

from __future__ import annotations

from pathlib import Path

from videohelp.console.knowledge_service import KnowledgeService

WAIT_MS = 10_000


def open_service(qtbot, database: Path) -> KnowledgeService:
    """A service over ``database`` (the shipped regulation texts), once it has opened it."""
    service = KnowledgeService(database)
    qtbot.waitUntil(lambda: service.is_open or service.failure is not None, timeout=WAIT_MS)
    assert service.failure is None, service.failure
    return service


def settle(qtbot, view) -> None:
    """Wait until every request of ``view`` (a KnowledgeView) has its answer."""
    qtbot.waitUntil(view.idle, timeout=WAIT_MS)


def open_dock(qtbot, window):
    """The desk's knowledge dock shown, its view built and its first reads answered."""
    dock = window.knowledge_dock
    dock.show()
    qtbot.waitUntil(lambda: dock.view is not None, timeout=WAIT_MS)
    settle(qtbot, dock.view)
    return dock.view
