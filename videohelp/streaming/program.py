"""The program engine: source -> card layers -> program frame, on a worker thread.

The worker reads the source at the program rate, composites the layers that
are on air, keeps the newest program frame for outputs and hands a scaled
preview to the desk by signal. Layer changes (take, update, clear, panic)
replace an immutable snapshot under a lock, so the worker never sees a half
change and a panic clears everything from the very next frame.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np
from PySide6.QtCore import QObject, Signal

from videohelp.streaming.cards import RenderedCard
from videohelp.streaming.compositor import PreparedLayer, composite, prepare_layer
from videohelp.streaming.sources import Source

log = logging.getLogger(__name__)

FrameSink = Callable[[np.ndarray, int], None]


@dataclass(frozen=True)
class Layer:
    name: str
    card: RenderedCard
    prepared: PreparedLayer
    z: int


class ProgramEngine(QObject):
    """Composites the program on a worker thread.

    Signals:
        previewReady(object): a downscaled BGR program frame (numpy array) for the desk.
        layersChanged(list): names of the layers on air, after every change.
        sourceFailed(str): the source raised; the engine keeps its last frame.
    """

    previewReady = Signal(object)
    layersChanged = Signal(list)
    sourceFailed = Signal(str)

    LAYER_ORDER = {"background": 0, "lower_third": 10, "qa": 20, "qr": 30, "expert": 25,
                   "ticker": 40, "clip": 15, "clock": 50}

    def __init__(self, source: Source, fps: int = 30, preview_width: int = 640,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._source = source
        self.fps = fps
        self.preview_width = preview_width
        self._layers: tuple[Layer, ...] = ()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._latest: np.ndarray | None = None
        self._frame_no = 0
        self._sinks: list[FrameSink] = []
        self.late_frames = 0

    # -- control (any thread) -----------------------------------------------------
    def take(self, layer: str, card: RenderedCard) -> None:
        """Put ``card`` on air on ``layer`` (replacing what was there)."""
        prepared = prepare_layer(card.rgba, card.x, card.y)
        z = self.LAYER_ORDER.get(layer, 35)
        with self._lock:
            others = tuple(existing for existing in self._layers if existing.name != layer)
            self._layers = tuple(sorted((*others, Layer(layer, card, prepared, z)),
                                        key=lambda entry: entry.z))
        self._announce()

    update = take  # an update swaps the image between two frames: no flicker, no gap

    def clear(self, layer: str) -> None:
        with self._lock:
            self._layers = tuple(existing for existing in self._layers if existing.name != layer)
        self._announce()

    def panic(self) -> None:
        """Everything off at once, no animation."""
        with self._lock:
            self._layers = ()
        self._announce()

    def on_air(self) -> dict[str, RenderedCard]:
        with self._lock:
            return {layer.name: layer.card for layer in self._layers}

    def set_source(self, source: Source) -> None:
        with self._lock:
            old, self._source = self._source, source
        if old is not source:
            old.close()

    def add_sink(self, sink: FrameSink) -> None:
        """Call ``sink(frame, frame_no)`` on the worker thread with every program frame."""
        self._sinks.append(sink)

    def remove_sink(self, sink: FrameSink) -> None:
        if sink in self._sinks:
            self._sinks.remove(sink)

    def _announce(self) -> None:
        self.layersChanged.emit([layer.name for layer in self._layers])

    # -- frames ---------------------------------------------------------------------
    def render_frame(self) -> np.ndarray:
        """Read the source and composite the layers on air; return the program frame."""
        with self._lock:
            source, layers = self._source, self._layers
        try:
            frame = source.read()
        except Exception as exc:  # a dead camera must not stop the program
            log.exception("source failed")
            self.sourceFailed.emit(str(exc))
            frame = self._latest.copy() if self._latest is not None else np.zeros(
                (source.height, source.width, 3), np.uint8)
        for layer in layers:
            composite(frame, layer.prepared)
        self._latest = frame
        self._frame_no += 1
        return frame

    def latest_frame(self) -> np.ndarray | None:
        return self._latest

    def start(self) -> None:
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="program", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5.0)
            self._thread = None

    def _run(self) -> None:
        period = 1.0 / self.fps
        deadline = time.monotonic()
        while not self._stop.is_set():
            frame = self.render_frame()
            for sink in list(self._sinks):
                try:
                    sink(frame, self._frame_no)
                except Exception:
                    log.exception("frame sink failed; removing it")
                    self.remove_sink(sink)
            height, width = frame.shape[:2]
            preview_h = int(height * self.preview_width / width)
            self.previewReady.emit(cv2.resize(frame, (self.preview_width, preview_h),
                                              interpolation=cv2.INTER_AREA))
            deadline += period
            delay = deadline - time.monotonic()
            if delay < 0:
                self.late_frames += 1
                deadline = time.monotonic()  # don't try to catch up with a burst
            elif self._stop.wait(delay):
                break
