"""What the clip pocket needs from the show it plays into (the desk's ``ShowSession``).

A protocol rather than the session class, so that the pocket (used by the session and by the
action service) does not import the session: one direction of dependency.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, Protocol

from videohelp.core.catalog import Catalog
from videohelp.core.paths import DataPaths
from videohelp.queue.pipeline import IngestPipeline
from videohelp.streaming.cards import CardRenderer
from videohelp.streaming.program_outputs import ProgramOutputs


class PocketHost(Protocol):
    settings: Any
    paths: DataPaths
    outputs: ProgramOutputs
    renderer: CardRenderer
    pipeline: IngestPipeline

    @property
    def catalog(self) -> Catalog: ...

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Future: ...
