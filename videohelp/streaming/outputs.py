"""Program outputs: an RTMP/RTMPS push or a recording, started and stopped while live.

``parse_target`` (``output_targets``) turns what the operator typed into an
``OutputTarget``. The program is encoded by a ``SharedEncoder``
(``shared_encoder``), once for every output with the same settings;
``OutputWorker`` (``output_worker``) is one destination's muxer thread and
state machine; ``Output`` is the QObject the session and the desk use: it
ties a worker to its encoder and re-emits the worker's callbacks as typed
signals, which Qt queues to each receiver's thread.

An ``Output`` made without an encoder owns one (a single push, the tests, the
bench); ``ProgramOutputs`` gives outputs with equal settings the same one.

Stream keys are secrets: only ``redact_url`` forms of a URL reach logs,
messages and signals.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from videohelp.core.backoff import Backoff
from videohelp.streaming.audio import AudioFeed, SilentAudio
from videohelp.streaming.encoder import EncoderSettings
from videohelp.streaming.output_targets import (
    TARGET_HELP,
    OutputError,
    OutputTarget,
    parse_target,
)
from videohelp.streaming.output_worker import OutputState, OutputStats, OutputWorker
from videohelp.streaming.shared_encoder import SharedEncoder

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
                 audio: AudioFeed | None = None, *, encoder: SharedEncoder | None = None,
                 backoff: Backoff | None = None, max_queue_s: float = 2.0,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.target = parse_target(target) if isinstance(target, str) else target
        self.settings = encoder.settings if encoder is not None else settings
        self._audio: AudioFeed = audio or SilentAudio()
        self._backoff = backoff
        self._max_queue_s = max_queue_s
        self._shared = encoder  # given: someone else feeds and stops it
        self.encoder: SharedEncoder | None = encoder
        self._worker: OutputWorker | None = None
        self._engine: ProgramEngine | None = None
        self.state = OutputState.STOPPED
        self.message = ""
        self.stats: OutputStats | None = None

    @property
    def name(self) -> str:
        return self.target.name

    @property
    def pusher_pid(self) -> int | None:
        worker = self._worker
        return worker.pusher_pid if worker is not None else None

    @property
    def reconnects(self) -> int:
        """Reconnections so far (counted at once, not at the next stats)."""
        worker = self._worker
        return worker.reconnects if worker is not None else (self.stats.reconnects
                                                             if self.stats else 0)

    @property
    def running(self) -> bool:
        return self._worker is not None

    def start(self, engine: ProgramEngine | None = None) -> None:
        """Start; without a shared encoder, encode ``engine``'s program frames until stopped."""
        if self._worker is not None:
            return
        if self._shared is None:
            self.encoder = SharedEncoder(self.settings, self._audio)
            self.encoder.start()
            if engine is not None:
                self._engine = engine
                engine.add_sink(self.encoder.submit)
        assert self.encoder is not None
        self._worker = OutputWorker(self.target, self.encoder, self._state_from_worker,
                                    self._stats_from_worker, backoff=self._backoff,
                                    max_queue_s=self._max_queue_s)
        self._worker.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop and wait (up to ``timeout`` s) for the recording's trailer or the stream's end."""
        if self._engine is not None and self.encoder is not None:
            self._engine.remove_sink(self.encoder.submit)
            self._engine = None
        worker, self._worker = self._worker, None
        if worker is not None:
            worker.stop(timeout)
        if self._shared is None and self.encoder is not None:
            self.encoder.stop(timeout)
            self.encoder = None

    def switch_audio(self, audio: AudioFeed) -> None:
        """Take the sound from ``audio`` from now on (an encoder of its own only)."""
        self._audio = audio
        if self._shared is None and self.encoder is not None:
            self.encoder.switch_audio(audio)

    # Called on the muxer thread: Qt queues the signals to the receivers' threads.
    def _state_from_worker(self, state: OutputState, message: str) -> None:
        self.state, self.message = state, message
        with contextlib.suppress(RuntimeError):  # the wrapper may be gone (abandoned thread)
            self.stateChanged.emit(str(state), message)

    def _stats_from_worker(self, stats: OutputStats) -> None:
        self.stats = stats
        with contextlib.suppress(RuntimeError):
            self.statsChanged.emit(stats)
