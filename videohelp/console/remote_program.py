"""A console elsewhere's program, as a remote desk sees it (issue 20).

``RemoteProgram`` stands in for the program engine where the desk reads it: which card is on
each layer (from the seat protocol's ``card.on_air``/``card.cleared`` events and snapshots)
and the picture (the console's ``/desk/program.jpg``, polled ``PREVIEW_HZ`` times a second
while connected, decoded here and handed on as BGR frames like the local engine's preview).
``RemoteOutputs`` re-emits the ``output.*`` events as the local outputs' signals, so the
program monitor and the status bar show the studio's streaming and recording health.
Both are read-only: every change goes through the seat's requests.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import cv2
import numpy as np
from PySide6.QtCore import QObject, Signal

from videohelp.console.remote_show import DeskHttp, DeskHttpError

log = logging.getLogger(__name__)

# 2 pictures a second: enough to see what is on air (the desk's own preview is 10-25 fps
# locally). A 640x360 JPEG is ~40 kB and decodes in 0.84 ms of CPU: 0.17 % of a core at 2/s
# (bench/remote_desk_preview.py, load 14).
PREVIEW_HZ = 2.0


@dataclass(frozen=True)
class RemoteCard:
    """A card on air on the console: its template and data (as ``RenderedCard`` names them)."""

    template: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RemoteLayer:
    """What the rundown panel reads of a program layer (no countdown: the console's own)."""

    name: str
    card: RemoteCard
    leaving: bool = False
    out_at: int | None = None


class RemoteProgram(QObject):
    """The console's program: cards on air and a low-rate picture (see the module docstring).

    Signals:
        previewReady(object): a BGR frame (numpy) of the console's program.
        layersChanged(list): the names of the layers on air, after any change.
    """

    previewReady = Signal(object)
    layersChanged = Signal(list)
    fps = 25

    def __init__(self, http: DeskHttp, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.http = http
        self._cards: dict[str, RemoteCard] = {}
        self._task: asyncio.Task[None] | None = None
        self.frames = 0

    def on_air(self) -> dict[str, RemoteCard]:
        return dict(self._cards)

    def layers(self) -> tuple[tuple[RemoteLayer, ...], int]:
        return tuple(RemoteLayer(name, card) for name, card in sorted(self._cards.items())), 0

    def set_on_air(self, on_air: dict[str, dict[str, Any]]) -> None:
        """Everything on air, as a snapshot tells it."""
        self._cards = {layer: RemoteCard(str(card.get("template", layer)), dict(card.get("data") or {}))
                       for layer, card in on_air.items()}
        self.layersChanged.emit(sorted(self._cards))

    def took(self, layer: str, template: str, data: dict[str, Any]) -> None:
        self._cards[layer] = RemoteCard(template, dict(data))
        self.layersChanged.emit(sorted(self._cards))

    def cleared(self, layers: list[str], panic: bool = False) -> None:
        if panic:
            self._cards.clear()
        for layer in layers:
            self._cards.pop(layer, None)
        self.layersChanged.emit(sorted(self._cards))

    # -- the picture ---------------------------------------------------------------------------
    def start_preview(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.ensure_future(self._poll())

    async def stop_preview(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _poll(self) -> None:
        while True:
            try:
                jpeg = await asyncio.to_thread(self.http.program_jpeg)
            except DeskHttpError as exc:  # no frame yet (503), or the link is down: try again
                log.debug("program preview: %s", exc)
            else:
                frame = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)
                if frame is not None:
                    self.frames += 1
                    self.previewReady.emit(frame)
            await asyncio.sleep(1.0 / PREVIEW_HZ)


class RemoteOutputs(QObject):
    """The console's outputs as the ``output.*`` seat events tell them (read-only).

    Signals:
        outputStateChanged(str, str, str): an output's name, its state and why.
        outputStatsChanged(str, object): an output's name and its figures (bitrate in bit/s,
            dropped packets, reconnects), as the program monitor reads ``OutputStats``.
    """

    outputStateChanged = Signal(str, str, str)
    outputStatsChanged = Signal(str, object)

    def apply_event(self, name: str, data: dict[str, Any]) -> None:
        statuses = [data] if name == "output.state" else list(data.get("outputs") or ())
        for status in statuses:
            output = str(status.get("name", ""))
            if name == "output.state":
                self.outputStateChanged.emit(output, str(status.get("state", "")),
                                             str(status.get("message", "")))
            self.outputStatsChanged.emit(output, SimpleNamespace(
                bitrate=int(status.get("kbps") or 0) * 1000,
                dropped=int(status.get("dropped_packets") or 0),
                reconnects=int(status.get("reconnects") or 0)))
