"""The program's source, switched while it runs: what the ``source`` show action cuts to.

``ProgramSource.switch(spec)`` opens the source ``spec`` names
(``videohelp.streaming.sources``: ``test``, ``camera:0``, ``file:PATH``,
``clip:PATH``, a stream URL) off the caller's loop (a file is probed first:
10–50 ms; a camera or stream starts its reader thread) and cuts the program's
picture and sound to it (``ProgramOutputs.set_source``). ``whip`` cuts to the
console's WHIP source (a phone publishing, ``serve --source whip``), which is
kept open when the program cuts away from it, so the phone stays connected.

What is on now is ``spec`` (as given) and ``shown`` (as people may see it: a
stream URL without its key, a file by its name). One switch at a time: a
second one waits for the first (a camera opening must not race a file).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from pathlib import Path

from videohelp.streaming.program_outputs import ProgramOutputs
from videohelp.streaming.sources import Source, SourceError, open_source
from videohelp.streaming.urls import is_network_url, redact_url

log = logging.getLogger(__name__)

WHIP = "whip"
KINDS = ("test", "camera", "file", "clip", "stream", WHIP)


@dataclass(frozen=True)
class SourceView:
    """A source as the desk, the events and the audit log show it (never a stream key)."""

    spec: str   # as given (may hold a stream key: not for logs or seats)
    kind: str   # one of KINDS
    shown: str  # what people may see: test, camera:0, the file's name, the URL without key


def describe(spec: str) -> SourceView:
    """``spec``'s kind and how it may be shown; ``SourceError`` if it names nothing known."""
    spec = spec.strip()
    kind, _, rest = spec.partition(":")
    kind = kind.lower()
    if spec.lower() == WHIP:
        return SourceView(spec, WHIP, WHIP)
    if kind == "test":
        return SourceView(spec, "test", spec)
    if kind == "camera":
        return SourceView(spec, "camera", spec)
    if is_network_url(spec):
        return SourceView(spec, "stream", redact_url(spec))
    if kind in ("file", "clip"):
        return SourceView(spec, kind, f"{kind}:{Path(rest).name}")
    if "://" in spec:
        return SourceView(spec, "stream", redact_url(spec))
    return SourceView(spec, "file", f"file:{Path(spec).name}")


def shown_source(spec: str | None) -> str:
    """``spec`` safe to show or log ("" for None)."""
    return describe(spec).shown if spec else ""


def source_name(spec: str | None) -> str:
    """``spec`` as a sentence names it: a file by its name, a stream without its key."""
    if not spec:
        return ""
    view = describe(spec)
    return view.shown.partition(":")[2] if view.kind in ("file", "clip") else view.shown


class ProgramSource:
    """Switches the program of ``outputs`` between sources of the program's size."""

    def __init__(self, outputs: ProgramOutputs, width: int, height: int, fps: int) -> None:
        self.outputs = outputs
        self.width, self.height, self.fps = width, height, fps
        self.whip: Source | None = None  # the console's WHIP source, when it has one
        self.current = SourceView("test", "test", "test")  # what the wiring starts with
        self._lock = asyncio.Lock()

    async def switch(self, spec: str) -> SourceView:
        """Cut the program to ``spec``; ``SourceError`` (nothing changed) if it cannot open."""
        view = describe(spec)
        async with self._lock:
            if view.kind == WHIP:
                if self.whip is None:
                    raise SourceError("no WHIP source on this console (videohelp serve "
                                      "--source whip)")
                source = self.whip
            else:
                source = await asyncio.to_thread(open_source, view.spec, self.width, self.height,
                                                 self.fps)
            old = self.outputs.swap_source(source)
            if old is not source and old is not self.whip:
                old.close()  # the camera's or stream's reader thread ends
            self.current = view
        log.info("program source: %s", view.shown)
        return view

    def close(self) -> None:
        """End the current source's reader (the console is stopping); WHIP's owner closes it."""
        source = self.outputs.engine.source
        if source is not self.whip:
            source.close()
