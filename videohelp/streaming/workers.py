"""Stop reader and encoder threads before the interpreter exits.

Sources, audio inputs and outputs run daemon threads that spend their time
in OpenCV (C++), FFmpeg and x264. A daemon thread still inside OpenCV when
the process exits can abort it ("terminate called without an active
exception") as the C++ runtime tears down under it. Each such object
registers here; an ``atexit`` hook asks them all to stop and waits a moment
for their threads, so the exit is clean even when one was never closed.
"""

from __future__ import annotations

import atexit
import threading
import time
import weakref
from collections.abc import Callable
from typing import Protocol


class Worker(Protocol):
    def stop_for_exit(self) -> threading.Thread | None:
        """Ask the thread to stop; return it (to join) or None."""


_live: weakref.WeakSet = weakref.WeakSet()
_lock = threading.Lock()
EXIT_WAIT_S = 2.0


def register(worker: Worker) -> None:
    with _lock:
        _live.add(worker)


def stop_all(timeout: float = EXIT_WAIT_S) -> None:
    """Stop every registered worker, waiting up to ``timeout`` s in all."""
    with _lock:
        workers = list(_live)
    threads = [thread for worker in workers if (thread := worker.stop_for_exit()) is not None]
    deadline = time.monotonic() + timeout
    for thread in threads:
        if thread.is_alive() and thread is not threading.current_thread():
            thread.join(max(0.0, deadline - time.monotonic()))


atexit.register(stop_all)


class LoopThread:
    """A named daemon thread running ``target`` until asked to stop.

    ``target`` loops while ``stopping`` is not set (waiting on it between rounds, so
    a stop is seen at once); ``stop`` sets it and joins with a timeout.
    """

    def __init__(self, name: str, target: Callable[[], None]) -> None:
        self.name = name
        self.target = target
        self.stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self.stopping.clear()
            self._thread = threading.Thread(target=self.target, name=self.name, daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self.stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=timeout)
            self._thread = None
