"""The desk's asyncio loop (``ui/event_loop.py``): qasync's, with ready callbacks batched.

What asyncio promises holds (order, cancelled handles, errors to the handler, callbacks
scheduled by callbacks run on the next turn with Qt's events in between) while a burst of
``call_soon`` costs one Qt timer event, not one each (issue 15: the desk's cost per comment).
"""

from __future__ import annotations

import asyncio
import threading

from PySide6.QtCore import QTimer

from videohelp.ui.event_loop import DeskEventLoop


def test_ready_callbacks_run_in_order_in_one_qt_turn(qloop) -> None:
    assert isinstance(qloop, DeskEventLoop)
    ran: list[object] = []
    queued: list[int] = []

    async def burst() -> None:
        for i in range(200):
            qloop.call_soon(ran.append, i)
        qloop.call_soon(ran.append, "cancelled").cancel()
        # One queue and one armed zero timer for all of them (qasync: 201 Qt timers).
        queued.append(len(qloop._soon))
        assert qloop._turn.isActive() and not ran
        await asyncio.sleep(0.05)

    qloop.run_until_complete(burst())
    assert queued[0] >= 201
    assert ran == list(range(200))


def test_a_callback_scheduled_by_a_callback_waits_for_qt_events(qloop) -> None:
    order: list[str] = []
    QTimer.singleShot(0, lambda: order.append("qt"))

    def first() -> None:
        order.append("first")
        qloop.call_soon(order.append, "second")

    async def run() -> None:
        qloop.call_soon(first)
        while "second" not in order:
            await asyncio.sleep(0.01)

    qloop.run_until_complete(run())
    assert order.index("qt") < order.index("second")


def test_errors_reach_the_exception_handler_and_the_loop_goes_on(qloop) -> None:
    seen: list[dict] = []
    qloop.set_exception_handler(lambda _loop, context: seen.append(context))
    after: list[int] = []
    try:
        async def run() -> None:
            qloop.call_soon(lambda: 1 / 0)
            qloop.call_soon(after.append, 1)
            await asyncio.sleep(0.02)

        qloop.run_until_complete(run())
    finally:
        qloop.set_exception_handler(None)
    assert after == [1]
    assert isinstance(seen[0]["exception"], ZeroDivisionError)


def test_tasks_timers_and_other_threads_still_work(qloop) -> None:
    async def run() -> list[object]:
        done = asyncio.get_running_loop().create_future()
        threading.Thread(target=lambda: qloop.call_soon_threadsafe(done.set_result, "thread")).start()
        later = asyncio.get_running_loop().create_future()
        qloop.call_later(0.02, later.set_result, "later")
        executor = asyncio.get_running_loop().run_in_executor(None, sum, [1, 2, 3])
        return list(await asyncio.wait_for(asyncio.gather(done, later, executor,
                                                          asyncio.sleep(0.01, "task")), 5))

    assert qloop.run_until_complete(run()) == ["thread", "later", 6, "task"]


def test_timers_run_in_time_order_and_cancelled_ones_leave_the_heap(qloop) -> None:
    fired: list[str] = []

    async def run() -> None:
        loop = asyncio.get_running_loop()
        loop.call_later(0.04, fired.append, "c")
        loop.call_later(0.01, fired.append, "a")
        loop.call_at(loop.time() + 0.02, fired.append, "b")
        # What every send under ``asyncio.timeout`` leaves behind: timers cancelled at once.
        for _ in range(500):
            loop.call_later(0.015, fired.append, "cancelled").cancel()
        await asyncio.sleep(0.08)

    started = qloop.time()
    qloop.run_until_complete(run())
    assert fired == ["a", "b", "c"]
    assert not qloop._scheduled and qloop._timer_cancelled_count == 0
    assert qloop.time() - started >= 0.08


def test_a_timeout_still_expires(qloop) -> None:
    async def run() -> str:
        try:
            async with asyncio.timeout(0.02):
                await asyncio.sleep(5)
        except TimeoutError:
            return "timed out"
        return "slept"

    assert qloop.run_until_complete(run()) == "timed out"


def test_a_ready_socket_runs_its_reader_without_a_loop_turn(qloop) -> None:
    import socket

    left, right = socket.socketpair()
    left.setblocking(False)
    got: list[bytes] = []
    scheduled: list[str] = []
    real_call_soon = qloop.call_soon

    def recording_call_soon(callback, *args, **kwargs):
        scheduled.append(getattr(callback, "__name__", repr(callback)))
        return real_call_soon(callback, *args, **kwargs)

    def readable() -> None:
        got.append(left.recv(1))  # one byte a call: the rest must fire again (level)

    async def run() -> None:
        qloop.add_reader(left, readable)
        qloop.call_soon = recording_call_soon  # type: ignore[method-assign]
        try:
            right.send(b"abc")
            while len(got) < 3:
                await asyncio.sleep(0.01)
        finally:
            qloop.call_soon = real_call_soon  # type: ignore[method-assign]
        assert qloop.remove_reader(left)
        right.send(b"d")
        await asyncio.sleep(0.05)
        assert len(got) == 3  # removed: not called again
        # Replacing a reader leaves one notifier for the socket.
        watched = len(qloop._read_notifiers)
        qloop.add_reader(left, readable)
        qloop.add_reader(left, readable)
        assert len(qloop._read_notifiers) == watched + 1
        while len(got) < 4:
            await asyncio.sleep(0.01)
        qloop.remove_reader(left)

    try:
        qloop.run_until_complete(run())
    finally:
        left.close()
        right.close()
    assert got == [b"a", b"b", b"c", b"d"]
    # The reads scheduled nothing: qasync put each through call_soon (its notifier
    # wrapper) and a Qt timer turn; what is recorded is the test's own sleeps.
    assert scheduled and not any("notifier" in name or name == "readable"
                                 for name in scheduled), scheduled


def test_a_reader_that_raises_reaches_the_handler_and_the_loop_goes_on(qloop) -> None:
    import socket

    left, right = socket.socketpair()
    errors: list[dict] = []
    qloop.set_exception_handler(lambda _loop, context: errors.append(context))

    def broken() -> None:
        left.recv(16)
        raise RuntimeError("reader failed")

    async def run() -> str:
        qloop.add_reader(left, broken)
        right.send(b"x")
        while not errors:
            await asyncio.sleep(0.01)
        qloop.remove_reader(left)
        return "still running"

    try:
        assert qloop.run_until_complete(run()) == "still running"
    finally:
        qloop.set_exception_handler(None)
        left.close()
        right.close()
    assert isinstance(errors[0]["exception"], RuntimeError)
