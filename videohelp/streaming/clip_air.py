"""A 锦囊口袋 clip on air: played to program over the current source, then back to it.

``ClipAir.take`` cuts the program to the clip (``MediaSource``, played once,
its sound into the program mix) with its ``clip_title`` card, and keeps the
source it interrupted *open* (the camera keeps capturing), so that at the
clip's end the program cuts straight back to a live picture instead of a
reopened camera's NO SIGNAL slate. A poll on the asyncio loop (10 Hz) ends
the clip and reports the countdown:

- the clip ended (``end``), or failed to play (``failed``): back to the
  previous source, title card off;
- ``stop()`` (the desk's stop button, another clip): the same, ``interrupted``;
- 全部下屏 (the program's panic, heard as a ``ProgramEvent``): the same at once, ``panic``;
- someone cut the program to another source meanwhile (the source switcher,
  a seat): the clip is already gone; the held source is closed, ``switched``.

No widgets and no database: the desk's pocket service (``console.pocket.air``)
counts the plays from ``started``/``finished``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from videohelp.streaming.capture import MediaSource
from videohelp.streaming.cards import CardError, CardRenderer
from videohelp.streaming.program import ProgramEvent
from videohelp.streaming.program_outputs import ProgramOutputs
from videohelp.streaming.sources import Source, SourceError, _check_video_file

log = logging.getLogger(__name__)

TITLE_LAYER = "clip_title"
POLL_S = 0.1
# A clip that has not ended this long after its duration is stuck (a damaged tail): end it.
OVERRUN_S = 3.0
# How long a clip may take to show its first frame before it counts as failed.
START_TIMEOUT_S = 5.0


class ClipAirError(ValueError):
    """A clip cannot go on air; the text says why."""


@dataclass
class ClipRun:
    """One clip on air."""

    path: str
    title: str
    duration_s: float
    tag: Any = None  # the caller's (the pocket service keeps its play id here)
    started: float = field(default_factory=time.monotonic)
    ended: str = ""  # end, interrupted, panic, switched, failed

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def remaining(self) -> float:
        return max(0.0, self.duration_s - self.elapsed())


class ClipAir(QObject):
    """Plays clips to one program's outputs. Use from the asyncio loop's thread.

    Signals:
        started(object): the ``ClipRun`` now on air.
        tick(float, float): seconds left and the clip's duration (the desk's countdown), 10 Hz.
        finished(object): the ``ClipRun`` that went off air; ``run.ended`` says how.
    """

    started = Signal(object)
    tick = Signal(float, float)
    finished = Signal(object)

    def __init__(self, outputs: ProgramOutputs, renderer: CardRenderer, width: int, height: int,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.outputs = outputs
        self.renderer = renderer
        self.width, self.height = width, height
        self.run: ClipRun | None = None
        self._clip: MediaSource | None = None
        self._held: Source | None = None  # the interrupted source, kept open
        self._poll: asyncio.Task | None = None
        outputs.engine.add_listener(self._program_event)

    @property
    def on_air(self) -> bool:
        return self.run is not None

    async def take(self, path: str | Path, title: str, duration_s: float, *, subtitle: str = "",
                   tag: Any = None) -> ClipRun:
        """Put the clip at ``path`` on air with its title card; ``ClipAirError`` if it cannot be.

        The cut waits for the clip's first decoded picture (tens of ms), so the program
        never shows the reader's NO SIGNAL slate in between. A clip already on air is
        ended (``interrupted``) first, but the source it interrupted stays the one to
        return to.
        """
        path = Path(path)
        if not path.is_file():
            raise ClipAirError(f"the clip's file is missing: {path}")
        try:
            _check_video_file(path)
            data = {"title": title}
            if subtitle:
                data["subtitle"] = subtitle
            card = self.renderer.render("clip_title", data)
        except (SourceError, CardError) as exc:
            raise ClipAirError(str(exc)) from exc
        clip = MediaSource(str(path), self.width, self.height, loop=False)
        clip.start()
        deadline = time.monotonic() + START_TIMEOUT_S
        while clip.frames == 0 and clip.status != "reconnecting":
            if time.monotonic() > deadline:
                break
            await asyncio.sleep(0.01)
        if clip.frames == 0:
            reason = clip.error or "no picture"
            clip.close()
            raise ClipAirError(f"the clip does not play: {reason}")
        held = self._held
        if self.run is not None:  # clip after clip: end the first, keep what it interrupted
            self._end("interrupted", restore=False)
            held = self._held
        old = self.outputs.swap_source(clip)
        if held is None:
            held = old
        elif old is not held:
            old.close()  # the previous clip
        self._clip, self._held = clip, held
        engine = self.outputs.engine
        engine.take(TITLE_LAYER, card, enter=engine.transition("slide"),
                    leave=engine.transition("fade"))
        self.run = ClipRun(str(path), title, duration_s, tag)
        self._poll = asyncio.get_running_loop().create_task(self._watch(self.run),
                                                             name="clip on air")
        log.info("clip on air: %s (%.1f s)", title, duration_s)
        self.started.emit(self.run)
        return self.run

    def stop(self, how: str = "interrupted") -> bool:
        """Take the clip off air and cut back to the source it interrupted; False if none."""
        if self.run is None:
            return False
        self._end(how, restore=True)
        return True

    def close(self) -> None:
        """End for good (the show stops): back to the interrupted source, poll cancelled."""
        self.stop("interrupted")
        self.outputs.engine.remove_listener(self._program_event)

    # -- internals ------------------------------------------------------------------------
    def _end(self, how: str, *, restore: bool) -> None:
        run, clip = self.run, self._clip
        if run is None:
            return
        self.run, self._clip = None, None
        if self._poll is not None and self._poll is not _current_task():
            self._poll.cancel()
        self._poll = None
        engine = self.outputs.engine
        switched = how == "switched"
        if restore and self._held is not None:
            if switched:
                self._held.close()  # the program went elsewhere: the held source is not needed
            else:
                back = self.outputs.swap_source(self._held)
                if back is not clip:  # pragma: no cover - swapped behind our back
                    log.warning("clip: the program's source changed under the clip")
            self._held = None
        if clip is not None and (restore or switched):
            clip.close()
        if how != "panic":
            engine.clear(TITLE_LAYER)
        run.ended = how
        log.info("clip off air (%s) after %.1f s: %s", how, run.elapsed(), run.title)
        self.finished.emit(run)

    async def _watch(self, run: ClipRun) -> None:
        try:
            while self.run is run:
                clip = self._clip
                assert clip is not None
                if self.outputs.engine.source is not clip:
                    self._end("switched", restore=True)
                    return
                if clip.status == "ended":
                    self._end("end", restore=True)
                    return
                elapsed = run.elapsed()
                never_started = clip.frames == 0 and elapsed > START_TIMEOUT_S
                if clip.status == "reconnecting" or never_started:
                    log.warning("clip %s failed: %s", run.title, clip.error or "no picture")
                    self._end("failed", restore=True)
                    return
                if elapsed > run.duration_s + OVERRUN_S:
                    self._end("end", restore=True)
                    return
                self.tick.emit(run.remaining(), run.duration_s)
                await asyncio.sleep(POLL_S)
        except asyncio.CancelledError:
            pass

    def _program_event(self, event: ProgramEvent) -> None:
        """全部下屏 (panic) ends the clip too: back to the studio picture."""
        if event.kind == "panic" and self.run is not None:
            self._end("panic", restore=True)


def _current_task() -> asyncio.Task | None:
    with contextlib.suppress(RuntimeError):
        return asyncio.current_task()
    return None
