"""Shared fixtures. Qt runs offscreen (set here, before any Qt import)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parent.parent
CLIENT = REPO / "tests" / "fixtures" / "client"


_ALLOWED = (REPO, Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve())


def _beside_the_checkout(path: object) -> str | None:
    """The path if it lies in a folder next to the checkout (e.g. ``../shared``), else None.

    Hidden siblings (``~/.cache``, ``~/.config`` when the checkout sits in a home folder)
    and the Python environment are where libraries legitimately read."""
    if not isinstance(path, str | bytes | os.PathLike):
        return None  # a file descriptor
    try:
        resolved = Path(os.fsdecode(path)).resolve()
    except (OSError, ValueError):
        return None
    if not resolved.is_relative_to(REPO.parent) or resolved == REPO.parent:
        return None
    sibling = resolved.relative_to(REPO.parent).parts[0]
    if sibling.startswith(".") or any(resolved.is_relative_to(a) for a in _ALLOWED):
        return None
    return str(resolved)


def _refuse_reads_beside_the_checkout(event: str, args: tuple) -> None:
    # A clone of the repository stands alone: nothing in the suite may read a sibling folder
    # of the checkout (CI has ../shared beside its clone; a user's clone does not).
    if event in ("open", "os.listdir", "os.scandir") and args:
        outside = _beside_the_checkout(args[0])
        if outside is not None:
            raise PermissionError(f"the test suite reads outside the repository: {outside}")


sys.addaudithook(_refuse_reads_beside_the_checkout)


@pytest.fixture(scope="session", autouse=True)
def _one_qapplication(qapp):
    """The run's one QApplication, made before any test: code under test that needs a GUI app
    (``wiring.ensure_gui_app``: the card renderer's fonts, e.g. ``videohelp answer serve``
    built in-process) finds it, instead of making a QGuiApplication that the widget tests
    after it could not use (pytest-qt refuses it)."""
    return qapp


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A fresh data directory."""
    path = tmp_path / "data"
    path.mkdir()
    return path


@pytest.fixture
def videohelp_cmd() -> list[str]:
    """The command that runs the installed console's CLI in a subprocess."""
    return [sys.executable, "-m", "videohelp"]


@pytest.fixture
def client_dir() -> Path:
    """The client's material the tests measure against, copied into the repository
    (tests/fixtures/client/README.md says what each file is)."""
    return CLIENT


@pytest.fixture
def qloop(qapp, monkeypatch):
    """An asyncio loop running inside Qt's event loop (as the desk runs).

    qasync's ``run_until_complete`` processes Qt events once more *after* the
    loop stopped running; asyncio code stepped in that pass finds no running
    loop. The desk runs one long ``run_until_complete``; tests spin the loop
    many times, so the loop stays marked running for that last pass.
    """
    import asyncio

    import qasync
    from PySide6.QtCore import QCoreApplication

    original = qasync.QEventLoop.run_until_complete

    def run_until_complete(self, future):
        dispatcher = QCoreApplication.eventDispatcher()
        process = dispatcher.processEvents

        def process_running(flags):
            asyncio.events._set_running_loop(self)
            try:
                return process(flags)
            finally:
                asyncio.events._set_running_loop(None)

        dispatcher.processEvents = process_running
        try:
            return original(self, future)
        finally:
            del dispatcher.processEvents

    monkeypatch.setattr(qasync.QEventLoop, "run_until_complete", run_until_complete)
    from videohelp.ui.event_loop import new_event_loop

    loop = new_event_loop(qapp)  # the desk's loop (qasync's, ready callbacks batched)
    yield loop
    for task in asyncio.all_tasks(loop):
        task.cancel()
    loop.run_until_complete(asyncio.sleep(0))
    asyncio.set_event_loop(None)
    loop.close()


@pytest.fixture(autouse=True)
def collect_in_the_main_thread():
    """Qt objects of earlier tests held in reference cycles must die here, in the main
    thread: collected in a worker thread (the store writer, a server task) Qt warns
    about their timers, and that warning would fail an unrelated test."""
    import gc

    gc.collect()
    yield
    gc.collect()


@pytest.fixture
def run_until_signal(qloop):
    """``run_until_signal(signal, trigger, timeout)``: call ``trigger()`` and run the
    asyncio loop (inside Qt's) until ``signal`` fires; return its arguments.

    ``qtbot.waitSignal`` spins a bare Qt loop, in which asyncio is not running;
    desk actions are coroutines, so waiting for their signals needs this.
    """
    import asyncio

    def wait(signal, trigger=None, timeout: float = 2.0) -> tuple:
        future = qloop.create_future()

        def handler(*args) -> None:
            if not future.done():
                future.set_result(args)

        signal.connect(handler)
        try:
            if trigger is not None:
                qloop.call_soon(trigger)
            return qloop.run_until_complete(asyncio.wait_for(future, timeout))
        finally:
            signal.disconnect(handler)

    return wait
