"""Program outputs: an RTMP/RTMPS push or a recording, started and stopped while live.

``parse_target`` (``output_targets``) turns what the operator typed into an
``OutputTarget``; ``OutputWorker`` (``output_worker``) is one output's encoder
thread and state machine; ``Output`` is the QObject the session and the desk
use: it feeds the worker the program's frames and re-emits its callbacks as
typed signals, which Qt queues to each receiver's thread.

Stream keys are secrets: only ``redact_url`` forms of a URL reach logs,
messages and signals.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QObject, Signal

from videohelp.core.backoff import Backoff
from videohelp.streaming.audio import AudioFeed, AudioTap, SilentAudio
from videohelp.streaming.encoder import EncoderSettings
from videohelp.streaming.output_targets import (
    TARGET_HELP,
    OutputError,
    OutputTarget,
    parse_target,
)
from videohelp.streaming.output_worker import OutputState, OutputStats, OutputWorker

if TYPE_CHECKING:
    from videohelp.streaming.program import ProgramEngine

__all__ = ["TARGET_HELP", "Output", "OutputError", "OutputState", "OutputStats", "OutputTarget",
           "OutputWorker", "parse_target"]


class Output(QObject):
    """One program output, started and stopped while the program runs.

    Signals:
        stateChanged(str, str): the new state (starting, live, reconnecting,
            stopped, failed) and why, as text without stream keys.
        statsChanged(object): an ``OutputStats`` about once a second while running.
    """

    stateChanged = Signal(str, str)
    statsChanged = Signal(object)

    def __init__(self, target: str | OutputTarget, settings: EncoderSettings,
                 audio: AudioFeed | None = None, *,
                 backoff: Backoff | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.target = parse_target(target) if isinstance(target, str) else target
        self.settings = settings
        self._audio: AudioFeed = audio or SilentAudio()
        self._backoff = backoff
        self._tap: AudioTap | None = None
        self._worker: OutputWorker | None = None
        self._engine: ProgramEngine | None = None
        self.state = OutputState.STOPPED
        self.stats: OutputStats | None = None

    @property
    def name(self) -> str:
        return self.target.name

    @property
    def pusher_pid(self) -> int | None:
        worker = self._worker
        return worker.pusher_pid if worker is not None else None

    @property
    def running(self) -> bool:
        return self._worker is not None

    def start(self, engine: ProgramEngine | None = None) -> None:
        """Start encoding; with ``engine``, take its program frames until stopped."""
        if self._worker is not None:
            return
        self._tap = self._audio.tap()
        self._worker = OutputWorker(self.target, self.settings, self._tap, self._state_from_worker,
                                    self._stats_from_worker, backoff=self._backoff)
        self._worker.start()
        if engine is not None:
            self._engine = engine
            engine.add_sink(self.submit)

    def submit(self, frame: np.ndarray, frame_no: int = 0) -> None:
        worker = self._worker
        if worker is not None:
            worker.submit(frame, frame_no)

    def stop(self, timeout: float = 5.0) -> None:
        """Stop and wait (up to ``timeout`` s) for the recording's trailer or the stream's end."""
        if self._engine is not None:
            self._engine.remove_sink(self.submit)
            self._engine = None
        worker, self._worker = self._worker, None
        if worker is not None:
            worker.stop(timeout)
        if self._tap is not None:
            self._audio.untap(self._tap)
            self._tap = None

    def switch_audio(self, audio: AudioFeed) -> None:
        """Take the sound from ``audio`` from now on (another input or mix)."""
        old_audio, old_tap = self._audio, self._tap
        self._audio = audio
        if self._worker is not None:
            self._tap = audio.tap()
            self._worker.set_audio(self._tap)
        if old_tap is not None:
            old_audio.untap(old_tap)

    # Called on the encoder thread: Qt queues the signals to the receivers' threads.
    def _state_from_worker(self, state: OutputState, message: str) -> None:
        self.state = state
        with contextlib.suppress(RuntimeError):  # the wrapper may be gone (abandoned thread)
            self.stateChanged.emit(str(state), message)

    def _stats_from_worker(self, stats: OutputStats) -> None:
        self.stats = stats
        with contextlib.suppress(RuntimeError):
            self.statsChanged.emit(stats)
