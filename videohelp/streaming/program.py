"""The program engine: source -> card layers -> program frame, on a worker thread.

The worker reads the source at the program rate, composites the layers that
are on air, keeps the newest program frame (I420, ``videohelp.streaming.frames``)
for outputs and hands a scaled BGR preview to the desk by signal. Layer changes (take, update, clear, panic)
replace an immutable snapshot under a lock, so the worker never sees a half
change and a panic clears everything from the very next frame.

Broadcast semantics per layer (see ``videohelp.streaming.layers``):

- ``take``: the card goes on air with its in-transition (cut by default); on a
  layer already on air the new card replaces the old one between two frames;
- ``update``: new data on air, same position in the transition, no gap;
- ``clear``: the out-transition, then the layer is gone;
- ``panic``: every layer off from the next frame, no animation;
- ``duration_s`` on a take: the layer goes out by itself after that time.

Listeners (``add_listener``) hear every change as a ``ProgramEvent``, in the
thread that made it (the worker's for automatic outs): the overlay page
mirrors the program with them.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from PySide6.QtCore import QObject, Signal

from videohelp.streaming import frames
from videohelp.streaming.cards import RenderedCard
from videohelp.streaming.compositor import composite
from videohelp.streaming.layers import CUT, Layer, LayerError, Transition, new_layer
from videohelp.streaming.sources import Source
from videohelp.streaming.workers import LoopThread

log = logging.getLogger(__name__)

FrameSink = Callable[[np.ndarray, int], None]
# Called with the source's frame before the cards go on it, the layers about to be
# composited and the frame's number: an output with cards of its own (a vertical
# crop, ``profile_cards``) takes its copy here. It must not write to the frame.
CleanTap = Callable[[np.ndarray, tuple[Layer, ...], int], None]

__all__ = ["LayerError", "ProgramEngine", "ProgramEvent", "Transition"]


@dataclass(frozen=True)
class ProgramEvent:
    """A change of the program's layers. ``kind``: take, update, clear, auto_out, panic.

    ``by`` is who made the change (the show's action service passes its actor's
    name); empty for automatic outs and for changes made without an actor.
    """

    kind: str
    layer: str = ""
    card: RenderedCard | None = None
    z: int = 0
    transition: Transition = CUT
    frame: int = 0
    by: str = ""


Listener = Callable[[ProgramEvent], None]


class ProgramEngine(QObject):
    """Composites the program on a worker thread.

    Signals:
        previewReady(object): a downscaled BGR program frame (numpy array) for the desk.
        layersChanged(list): names of the layers on air (not leaving), after every change.
        autoOut(str): a layer started going out by itself (its duration ran out).
        sourceFailed(str): the source raised; the engine keeps its last frame.
    """

    previewReady = Signal(object)
    layersChanged = Signal(list)
    autoOut = Signal(str)
    sourceFailed = Signal(str)

    # Stacking order (higher is in front); other layer names go at 35.
    LAYER_ORDER: ClassVar[dict[str, int]] = {
        "background": 0, "lower_third": 10, "clip_title": 15, "qa": 20, "expert": 25, "qr": 30,
        "ticker": 40, "clock": 50}

    def __init__(self, source: Source, fps: int = 30, preview_width: int = 640,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._source = source
        self.fps = fps
        self.preview_width = preview_width
        self._layers: tuple[Layer, ...] = ()
        self._lock = threading.Lock()
        self._worker = LoopThread("program", self._run)
        self._latest: np.ndarray | None = None
        self._frame_no = 0
        self._sinks: list[FrameSink] = []
        self._clean_taps: list[CleanTap] = []
        self._listeners: list[Listener] = []
        self.late_frames = 0

    # -- control (any thread) -----------------------------------------------------
    def transition(self, kind: str, seconds: float = 0.4) -> Transition:
        """A transition of ``kind`` (cut, fade, slide) at this engine's frame rate."""
        return Transition.of(kind, seconds, self.fps)

    def take(self, layer: str, card: RenderedCard, *, enter: Transition | None = None,
             leave: Transition | None = None, duration_s: float = 0.0, by: str = "") -> None:
        """Put ``card`` on air on ``layer`` (replacing what was there without a gap).

        ``enter``/``leave``: transitions (default cut); ``duration_s`` > 0: go out by
        itself after that many seconds of program time.
        """
        if duration_s < 0:
            raise LayerError("duration_s must not be negative")
        z = self.LAYER_ORDER.get(layer, 35)
        duration = round(duration_s * self.fps) if duration_s else None
        enter = enter or CUT
        with self._lock:
            frame = self._frame_no + 1  # the next frame composited shows it
            previous = self._find(layer)
            fresh = new_layer(layer, card, z, frame, enter=enter, leave=leave or CUT,
                              duration_frames=duration, previous=previous)
            self._replace(layer, fresh)
        self._notify(ProgramEvent("take", layer, card, z, enter, frame, by))

    def update(self, layer: str, card: RenderedCard, *, by: str = "") -> None:
        """Change the card on air on ``layer`` between two frames; ``LayerError`` if none is."""
        with self._lock:
            previous = self._find(layer)
            if previous is None or previous.leaving:
                raise LayerError(f"nothing on air on layer {layer!r}")
            changed = previous.with_card(card)
            self._replace(layer, changed)
            frame = self._frame_no + 1
        self._notify(ProgramEvent("update", layer, card, changed.z, CUT, frame, by))

    def clear(self, layer: str, transition: Transition | None = None, *, by: str = "") -> bool:
        """Take ``layer`` off air with its out-transition (or ``transition``); False if not on air."""
        with self._lock:
            previous = self._find(layer)
            if previous is None or previous.leaving:
                return False
            frame = self._frame_no + 1
            leaving = previous.leave_at(frame, transition)
            self._replace(layer, leaving if leaving.leave.frames else None)
        self._notify(ProgramEvent("clear", layer, None, previous.z, leaving.leave, frame, by))
        return True

    def panic(self, *, by: str = "") -> None:
        """Everything off at once, no animation."""
        with self._lock:
            self._layers = ()
            frame = self._frame_no + 1
        self._notify(ProgramEvent("panic", frame=frame, by=by))

    def on_air(self) -> dict[str, RenderedCard]:
        """The cards on air (a card going out is no longer on air)."""
        with self._lock:
            return {layer.name: layer.card for layer in self._layers if not layer.leaving}

    def layers(self) -> tuple[tuple[Layer, ...], int]:
        """Every layer still visible (leaving ones too) and the last frame number composited."""
        with self._lock:
            return self._layers, self._frame_no

    def add_listener(self, listener: Listener) -> None:
        """Call ``listener(event)`` after every layer change (in the changing thread)."""
        self._listeners.append(listener)

    def remove_listener(self, listener: Listener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def set_source(self, source: Source) -> None:
        old = self.swap_source(source)
        if old is not source:
            old.close()

    def swap_source(self, source: Source) -> Source:
        """Put ``source`` on the program and return the previous one still open: a 锦囊口袋
        clip (``clip_air``) returns to the camera it interrupted without reopening it."""
        with self._lock:
            old, self._source = self._source, source
        return old

    @property
    def source(self) -> Source:
        """The source the program reads now."""
        return self._source

    def add_sink(self, sink: FrameSink) -> None:
        """Call ``sink(frame, frame_no)`` on the worker thread with every program frame.

        The frame (I420) is shared by every sink and must not be written to."""
        self._sinks.append(sink)

    def remove_sink(self, sink: FrameSink) -> None:
        if sink in self._sinks:
            self._sinks.remove(sink)

    def add_clean_tap(self, tap: CleanTap) -> None:
        """Call ``tap(frame, layers, frame_no)`` on the worker thread with every frame before
        its cards are composited (see ``CleanTap``)."""
        self._clean_taps = [*self._clean_taps, tap]

    def remove_clean_tap(self, tap: CleanTap) -> None:
        self._clean_taps = [each for each in self._clean_taps if each != tap]

    def _find(self, name: str) -> Layer | None:
        return next((layer for layer in self._layers if layer.name == name), None)

    def _replace(self, name: str, layer: Layer | None) -> None:
        others = tuple(existing for existing in self._layers if existing.name != name)
        layers = (*others, layer) if layer is not None else others
        self._layers = tuple(sorted(layers, key=lambda entry: entry.z))

    def _notify(self, event: ProgramEvent) -> None:
        self.layersChanged.emit([name for name in self.on_air()])
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:
                log.exception("program listener failed")

    # -- frames ---------------------------------------------------------------------
    def _advance(self) -> tuple[Source, tuple[Layer, ...], int, list[Layer]]:
        """Start the next frame: automatic outs begin, finished outs go. Under the lock."""
        with self._lock:
            self._frame_no += 1
            frame = self._frame_no
            expired: list[Layer] = []
            kept: list[Layer] = []
            for layer in self._layers:
                if not layer.leaving and layer.out_at is not None and frame >= layer.out_at:
                    layer = layer.leave_at(layer.out_at)
                    expired.append(layer)
                if not layer.finished(frame):
                    kept.append(layer)
            if expired or len(kept) != len(self._layers):
                self._layers = tuple(kept)
            return self._source, self._layers, frame, expired

    def render_frame(self) -> np.ndarray:
        """Read the source and composite the layers on air; return the program frame."""
        source, layers, frame_no, expired = self._advance()
        for layer in expired:
            self._notify(ProgramEvent("auto_out", layer.name, None, layer.z, layer.leave,
                                      layer.start_frame))
            self.autoOut.emit(layer.name)
        try:
            frame = source.read()
        except Exception as exc:  # a dead camera must not stop the program
            log.exception("source failed")
            self.sourceFailed.emit(str(exc))
            # Black, not the last program frame: that one already carries the cards, and
            # compositing them again would double them. Capture sources show their own
            # NO SIGNAL slate; only a source that raises lands here.
            frame = frames.blank(source.width, source.height)
        for tap in self._clean_taps:
            try:
                tap(frame, layers, frame_no)
            except Exception:
                log.exception("clean frame tap failed; removing it")
                self.remove_clean_tap(tap)
        for layer in layers:
            draw_layer(frame, layer, frame_no, self.fps)
        self._latest = frame
        return frame

    def latest_frame(self) -> np.ndarray | None:
        return self._latest

    def start(self) -> None:
        self._worker.start()

    def stop(self) -> None:
        self._worker.stop()

    def _run(self) -> None:
        period = 1.0 / self.fps
        deadline = time.monotonic()
        while not self._worker.stopping.is_set():
            frame = self.render_frame()
            for sink in list(self._sinks):
                try:
                    sink(frame, self._frame_no)
                except Exception:
                    log.exception("frame sink failed; removing it")
                    self.remove_sink(sink)
            self.previewReady.emit(frames.preview_bgr(frame, self.preview_width))
            deadline += period
            delay = deadline - time.monotonic()
            if delay < 0:
                self.late_frames += 1
                deadline = time.monotonic()  # don't try to catch up with a burst
            elif self._worker.stopping.wait(delay):
                break


def draw_layer(frame: np.ndarray, layer: Layer, frame_no: int, fps: int) -> None:
    """Composite ``layer`` as it looks at ``frame_no`` (transition, crawl) onto ``frame``."""
    width, height = frames.frame_size(frame)
    look = layer.look(frame_no, width, height)
    if look.opacity <= 0.0:
        return
    composite(frame, layer.prepared, dx=look.dx, dy=look.dy, opacity=look.opacity)
    crawl, strip = layer.card.crawl, layer.strip
    if crawl is None or strip is None:
        return
    start = crawl.window_start(layer.travelled(frame_no, fps))
    # The strip was cropped to its pixels when prepared: shift the window by the crop.
    left = strip.x - (layer.card.x + crawl.x)
    top = strip.y - (layer.card.y + crawl.y)
    composite(frame, strip, dx=look.dx - start, dy=look.dy, opacity=look.opacity,
              clip=(start - left, -top, start + crawl.width - left, strip.size[1]))
