"""Clip suggestions as plain data, for the seats (and anything else that is not the desk)."""

from __future__ import annotations

import logging
from typing import Any

from videohelp.console.pocket.library import clips_for_item
from videohelp.core.store import Store

log = logging.getLogger(__name__)


def clip_suggestions(store: Store, item: str | None, limit: int = 3) -> list[dict[str, Any]]:
    """The item's clips (reviewed first) as ``{"kind": "clip", "id", "title", "duration_s",
    ...}``; empty without an item, or if the library cannot be read (a help, not a condition)."""
    if not item:
        return []
    try:
        clips = clips_for_item(store.conn, item)[:limit]
    except Exception:
        log.exception("clip suggestions for %s failed", item)
        return []
    return [{"kind": "clip", "id": c.id, "title": c.title, "items": list(c.items),
             "duration_s": c.duration_s, "status": c.status, "sound": bool(c.audio_codec)}
            for c in clips]
