"""Features that extend every console (desk and ``serve`` alike): the one registration point.

Each entry is a factory ``(console) -> extension | None`` (see
``videohelp.console.wiring``): it adds its routes to ``console.server`` and its
listeners to ``console.actions``, and returns an object with ``async start()``
and ``async stop()``, or None when its settings leave it off. Add one line per
feature here, e.g.::

    from videohelp.console.ask_service import ask_extension
    EXTENSIONS.append(ask_extension)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol


class Extension(Protocol):
    """What an extension factory returns: started after the console's parts, stopped before."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


# Called with the built ``wiring.Console`` (typed Any: wiring imports this module).
ExtensionFactory = Callable[[Any], "Extension | None"]

EXTENSIONS: list[ExtensionFactory] = []
