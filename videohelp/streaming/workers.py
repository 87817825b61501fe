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
import contextlib
import os
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

# Encoders yield the CPU to the program thread: the program's clock cannot wait, an
# encoder has its queue to catch up from.
ENCODER_NICENESS = 5


def lower_priority(steps: int = ENCODER_NICENESS) -> bool:
    """Make the calling thread (and the threads it starts from now on) ``steps`` nicer.

    Linux keeps a nice value per thread and threads inherit it when created, so
    x264's worker threads, started by an output's thread, share its priority.
    Raising niceness needs no privileges. Elsewhere this does nothing (False).
    """
    if not hasattr(os, "setpriority") or not hasattr(threading, "get_native_id"):
        return False
    with contextlib.suppress(OSError):
        thread = threading.get_native_id()
        current = os.getpriority(os.PRIO_PROCESS, thread)
        os.setpriority(os.PRIO_PROCESS, thread, min(19, current + steps))
        return True
    return False


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
