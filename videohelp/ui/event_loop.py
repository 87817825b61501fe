"""The desk's asyncio loop: qasync's, with ready callbacks run in batches.

qasync runs every ``call_soon`` as its own Qt timer: a ``startTimer(0)``, a timer event
through Qt's dispatcher into Python, and a ``killTimer``. A comment arriving through
``/ingest`` takes about a dozen such callbacks (the socket's notifier hands its read over
with one, each task wake-up is one, the commit's future another ...), and at 300 comments/s
the main thread spent most of its ingest time in that machinery (issue 15: the desk's cost
per comment).

``DeskEventLoop`` keeps a ready queue as asyncio's own loops do: ``call_soon`` appends a
handle and arms one zero-interval timer; the timer runs the handles that were ready when it
fired, in order, then re-arms if more came meanwhile (callbacks scheduled by callbacks run
on the next turn, after Qt has processed its events, as in ``asyncio.BaseEventLoop``).
Timers are a heap, as in asyncio, behind one Qt timer armed for the earliest live one:
qasync gave each ``call_later`` a Qt timer of its own that fired even when cancelled, and
every send to a bridge or seat runs under a timeout (``asyncio.timeout``) that is cancelled
a few microseconds later: at 300 comments/s that was hundreds of Qt timers a second, each
firing seconds later for nothing.

Sockets: qasync answered a ready socket by disabling its notifier, scheduling the callback
with ``call_soon`` and enabling the notifier again after it ran: two notifier changes and a
loop turn per read, for every frame a bridge sends. Here the notifier's slot runs the
transport's callback at once, as asyncio's own loop runs it in the turn its selector reported
the socket (Qt's notifiers are level-triggered: what the callback leaves unread fires again).
``call_soon_threadsafe`` stays qasync's.

Every place that makes the desk's loop (the desk, the remote desk, the expert window, the
tests' ``qloop``, the benchmarks) makes this one.
"""

from __future__ import annotations

import asyncio
import contextvars
import heapq
import math
from collections import deque
from collections.abc import Callable
from typing import Any

import qasync
from PySide6.QtCore import QCoreApplication, QSocketNotifier, Qt, QTimer

_LONGEST_WAIT_MS = 3_600_000  # a Qt timer takes an int of ms: far timers re-arm hourly
_CLEAN_CANCELLED = 100  # rebuild the heap when more cancelled timers than this are half of it


class DeskEventLoop(qasync.QEventLoop):
    """qasync's ``QEventLoop`` with ``call_soon`` batched (see the module docstring)."""

    def __init__(self, app: QCoreApplication | None = None, *args: Any, **kwargs: Any) -> None:
        self._soon: deque[asyncio.Handle] = deque()
        self._turn = QTimer()
        self._turn.setSingleShot(True)
        self._turn.setInterval(0)
        self._turn.timeout.connect(self._run_ready)
        self._clock = QTimer()
        self._clock.setSingleShot(True)
        self._clock.setTimerType(Qt.TimerType.PreciseTimer)
        self._clock.timeout.connect(self._run_due)
        self._armed_for: float | None = None
        super().__init__(app, *args, **kwargs)  # asyncio's: _scheduled (the heap) and its counts

    def call_soon(self, callback: Callable[..., Any], *args: Any,
                  context: contextvars.Context | None = None) -> asyncio.Handle:
        handle = asyncio.Handle(callback, args, self, context=context)
        if self.is_closed():  # dropped, as qasync drops them (a late future's callbacks)
            return handle
        self._soon.append(handle)
        if not self._turn.isActive():
            self._turn.start()
        return handle

    def call_later(self, delay: float, callback: Callable[..., Any], *args: Any,
                   context: contextvars.Context | None = None) -> asyncio.TimerHandle:
        return self.call_at(self.time() + delay, callback, *args, context=context)

    def call_at(self, when: float, callback: Callable[..., Any], *args: Any,
                context: contextvars.Context | None = None) -> asyncio.TimerHandle:
        handle = asyncio.TimerHandle(when, callback, args, self, context=context)
        if self.is_closed():
            return handle
        heapq.heappush(self._scheduled, handle)
        handle._scheduled = True
        if self._armed_for is None or when < self._armed_for:
            self._arm(when)
        return handle

    def _arm(self, when: float) -> None:
        self._armed_for = when
        wait_ms = math.ceil(max(0.0, when - self.time()) * 1000)
        self._clock.start(min(wait_ms, _LONGEST_WAIT_MS))

    def _run_due(self) -> None:
        """The clock fired: move the timers that are due to the ready queue and run it."""
        self._armed_for = None
        if (self._timer_cancelled_count > _CLEAN_CANCELLED
                and 2 * self._timer_cancelled_count > len(self._scheduled)):
            live = []
            for handle in self._scheduled:
                if handle._cancelled:
                    handle._scheduled = False
                else:
                    live.append(handle)
            heapq.heapify(live)
            self._scheduled = live
            self._timer_cancelled_count = 0
        heap = self._scheduled
        due = self.time() + self._clock_resolution
        while heap and (heap[0]._cancelled or heap[0].when() <= due):
            handle = heapq.heappop(heap)
            handle._scheduled = False
            if handle._cancelled:
                self._timer_cancelled_count -= 1
            else:
                self._soon.append(handle)
        if heap:  # the earliest live one (a cancelled timeout no longer wakes the loop)
            self._arm(heap[0].when())
        if self._soon:
            self._run_ready()

    def _run_ready(self) -> None:
        # Only those ready now: one scheduled by a callback waits for the next turn, so a
        # task that keeps yielding (``await asyncio.sleep(0)``) lets Qt paint and read.
        ready = self._soon
        for _ in range(len(ready)):
            handle = ready.popleft()
            if not handle._cancelled:
                handle._run()  # exceptions go to the loop's exception handler
        if ready and not self._turn.isActive():
            self._turn.start()

    # -- sockets ---------------------------------------------------------------------
    def _add_reader(self, fd: Any, callback: Callable[..., Any], *args: Any) -> None:
        self._watch(self._read_notifiers, QSocketNotifier.Type.Read, fd, callback, args)

    def _add_writer(self, fd: Any, callback: Callable[..., Any], *args: Any) -> None:
        self._watch(self._write_notifiers, QSocketNotifier.Type.Write, fd, callback, args)

    def _watch(self, notifiers: dict[int, QSocketNotifier], kind: QSocketNotifier.Type,
               fd: Any, callback: Callable[..., Any], args: tuple[Any, ...]) -> None:
        """Watch ``fd``, replacing an earlier watch of it (qasync's ``_remove_reader`` and
        ``close`` take these notifiers down as they do their own)."""
        self._check_closed()
        earlier = notifiers.pop(fd, None)
        if earlier is not None:
            earlier.setEnabled(False)
            earlier.activated["int"].disconnect()  # type: ignore[index]
        notifier = QSocketNotifier(qasync._fileno(fd), kind)
        handle = asyncio.Handle(callback, args, self)
        notifier.activated["int"].connect(  # type: ignore[index]
            lambda _socket: self._socket_ready(notifiers, fd, notifier, handle))
        notifiers[fd] = notifier

    @staticmethod
    def _socket_ready(notifiers: dict[int, QSocketNotifier], fd: Any,
                      notifier: QSocketNotifier, handle: asyncio.Handle) -> None:
        if notifiers.get(fd) is not notifier:  # removed or replaced since Qt polled it
            notifier.setEnabled(False)
            return
        handle._run()  # errors go to the loop's exception handler

    def close(self) -> None:
        if self.is_running() or self.is_closed():
            super().close()  # raises if running; nothing to do if closed
            return
        self._turn.stop()
        self._clock.stop()
        self._soon.clear()
        super().close()


def new_event_loop(app: QCoreApplication | None = None) -> DeskEventLoop:
    """The desk's asyncio loop on ``app``'s Qt event loop, set as the current loop."""
    loop = DeskEventLoop(app)
    asyncio.set_event_loop(loop)
    return loop
