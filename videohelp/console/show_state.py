"""The show's durable state: what was on air, which outputs ran, the desk's unsent work.

One small JSON file per data directory (``show-state.json``, 0600), replaced
atomically (a temporary file, fsync, ``os.replace``, fsync of the directory)
by a writer thread that keeps only the newest version: a change costs its
caller a ``json.dumps`` (tens of microseconds), never a disk wait. After a
``kill -9`` the file holds the state as of the last change; after a power cut,
as of the last completed write (each is a few milliseconds behind the change).

Why a file and not a table in the show's database: the desk's drafts change as
the officer types, and widgets never touch SQLite (routing keystrokes through
the one writer thread, which carries hundreds of comments a second, would
make them wait behind it); the outputs change on their own threads; and the
record must be readable before the pipeline and its migrations start. What
must agree with the comments (a comment's state) stays in the database and is
reconciled at start (``console.recovery``); the file only says what to offer.

Contents (version 1)::

    {"version": 1, "pid": 1234, "running": true, "started_ms": ..., "saved_ms": ...,
     "cards": {"qa": {"template": "qa", "data": {...}, "comment": 12}},
     "outputs": [{"name": "douyin", "kind": "destination", "ref": "douyin"}],
     "desk": {"drafts": {"12": {"0": "edited"}}, "rows": {"12": 0},
              "pinned": [{"entry": "MV24-1", "text": "..."}]}}

``running`` is true from start until a clean stop: a record found running at
start is a crash. Stream keys are never written: an output is recorded by the
destination's name, ``push_url_file`` (read again at restart), a URL without
a secret, or a recording's path pattern; a typed URL with a key is recorded by
its redacted name only and is not restarted by itself.
"""

from __future__ import annotations

import contextlib
import copy
import json
import logging
import os
import threading
import time
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

STATE_FILE = "show-state.json"
VERSION = 1


class ShowStateError(Exception):
    """A show-state file that cannot be read or written."""


def now_ms() -> int:
    return int(time.time() * 1000)


class StateFile:
    """Read and atomically replace one show-state file (0600)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> dict[str, Any] | None:
        """The recorded state, or None (no file). A file that cannot be used is moved aside
        (``show-state.json.bad-<ms>``, kept for a look) with an error logged: the show starts
        without it rather than not at all."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except OSError as exc:
            log.error("cannot read the show state %s: %s", self.path, exc.strerror)
            return None
        try:
            state = json.loads(text)
            if not isinstance(state, dict) or state.get("version") != VERSION:
                raise ValueError(f"not a version {VERSION} show state")
        except ValueError as exc:
            aside = self.path.with_name(f"{self.path.name}.bad-{now_ms()}")
            with contextlib.suppress(OSError):
                os.replace(self.path, aside)
            log.error("show state %s unusable (%s); moved to %s, starting without it",
                      self.path, exc, aside.name)
            return None
        return state

    def write(self, text: str) -> None:
        """Replace the file with ``text``: whole or not at all, also after a power cut."""
        tmp = self.path.with_name(self.path.name + ".tmp")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, 0o600)  # an old temporary file may have been looser
            os.replace(tmp, self.path)
            if hasattr(os, "O_DIRECTORY"):  # the rename itself survives a power cut
                directory = os.open(self.path.parent, os.O_RDONLY | os.O_DIRECTORY)
                try:
                    os.fsync(directory)
                finally:
                    os.close(directory)
        except OSError as exc:
            raise ShowStateError(f"cannot write the show state {self.path}: {exc.strerror}") from exc


class StateWriter:
    """Writes the newest state on a thread of its own; older pending versions are dropped."""

    def __init__(self, file: StateFile) -> None:
        self.file = file
        self._cond = threading.Condition()
        self._pending: str | None = None
        self._busy = False
        self._closed = False
        self.writes = 0
        self._thread = threading.Thread(target=self._run, name="show state", daemon=True)
        self._thread.start()

    def put(self, text: str) -> None:
        with self._cond:
            self._pending = text
            self._cond.notify()

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until everything put is on disk; False on timeout."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._pending is not None or self._busy:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
        return True

    def close(self) -> None:
        self.flush()
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        self._thread.join(5.0)

    def _run(self) -> None:
        while True:
            with self._cond:
                while self._pending is None and not self._closed:
                    self._cond.wait()
                if self._pending is None:
                    return
                text, self._pending, self._busy = self._pending, None, True
            try:
                self.file.write(text)
                self.writes += 1
            except ShowStateError as exc:  # the show goes on; the next change tries again
                log.error("%s", exc)
            finally:
                with self._cond:
                    self._busy = False
                    self._cond.notify_all()


class ShowState:
    """This run's record: updated by the console (cards, outputs) and the desk (its work)."""

    def __init__(self, root: Path) -> None:
        self.file = StateFile(root / STATE_FILE)
        self._lock = threading.Lock()
        self._writer: StateWriter | None = None
        self._finished = False
        self.state: dict[str, Any] = {}

    def begin(self, previous: dict[str, Any] | None) -> None:
        """Start this run's record (the desk's work carried over from ``previous``)."""
        desk = previous.get("desk", {}) if previous else {}
        with self._lock:
            self.state = {"version": VERSION, "pid": os.getpid(), "running": True,
                          "started_ms": now_ms(), "cards": {}, "outputs": [], "offered": [],
                          "desk": desk if isinstance(desk, dict) else {}}
            self._finished = False
        if self._writer is None:
            self._writer = StateWriter(self.file)
        self._save()

    def set(self, key: str, value: Any) -> None:
        """Record ``value`` as ``key`` (cards, outputs, desk) and write it soon."""
        with self._lock:
            if self._finished or not self.state:
                return
            self.state[key] = value
        self._save()

    def get(self, key: str) -> Any:
        with self._lock:
            return copy.deepcopy(self.state.get(key))

    def _save(self) -> None:
        with self._lock:
            self.state["saved_ms"] = now_ms()
            text = json.dumps(self.state, ensure_ascii=False, default=str)
        if self._writer is not None:
            self._writer.put(text)

    def flush(self, timeout: float = 5.0) -> bool:
        return self._writer.flush(timeout) if self._writer is not None else True

    def freeze(self) -> None:
        """Record nothing more and keep the file as it is: a stop that was not the end of a
        show (the console failed to start), so the next start recovers as after a crash."""
        with self._lock:
            self._finished = True
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    def finish(self) -> None:
        """A clean stop: nothing on air, no outputs to restart; the desk's work is kept.

        Later changes (the outputs stopping one by one) are not recorded."""
        with self._lock:
            if not self.state or self._finished:
                return
            self.state.update(running=False, cards={}, outputs=[], offered=[])
        self._save()
        with self._lock:
            self._finished = True
        if self._writer is not None:
            self._writer.close()
            self._writer = None
