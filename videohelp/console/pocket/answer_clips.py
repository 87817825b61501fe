"""The 24-hour answers point viewers to an item's 锦囊 on the published site (点播检索).

The answering service lists an item's clips as ``{"title", "url"}``; the clip files live on the
studio PC, so the link is the item on the site ``videohelp pocket publish`` made, wherever the
web team put it (setting ``pocket.site_url``). Only reviewed clips are offered, as only reviewed
clips are published. Clips change rarely and answers come hundreds a second, so the library is
read at most every ``REFRESH_S`` seconds, from its own read-only connection.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from videohelp.console.pocket.library import read_clips

log = logging.getLogger(__name__)

REFRESH_S = 30.0


class PublishedClips:
    """``clips(item)`` for the answering service: the item's reviewed clips as site links."""

    def __init__(self, database: Path, site_url: str,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.database = Path(database)
        self.site_url = site_url.rstrip("/")
        self.clock = clock
        self._lock = threading.Lock()
        self._by_item: dict[str, list[dict[str, Any]]] = {}
        self._read_at: float | None = None

    def _refresh(self) -> None:
        try:
            conn = sqlite3.connect(f"file:{self.database}?mode=ro", uri=True, timeout=5)
        except sqlite3.Error as exc:
            log.warning("clips for answers: %s", exc)
            return
        try:
            conn.row_factory = sqlite3.Row
            by_item: dict[str, list[dict[str, Any]]] = {}
            for clip in read_clips(conn, "WHERE c.status = 'reviewed'"):
                for item in clip.items:
                    by_item.setdefault(item, []).append(
                        {"title": clip.title, "url": f"{self.site_url}/#{quote(item)}"})
            self._by_item = by_item
        except sqlite3.Error as exc:  # a store from before the clip library: no clips
            log.info("clips for answers: %s", exc)
        finally:
            conn.close()

    def __call__(self, item: str) -> Sequence[dict[str, Any]]:
        with self._lock:
            now = self.clock()
            if self._read_at is None or now - self._read_at >= REFRESH_S:
                self._read_at = now
                self._refresh()
            return list(self._by_item.get(item, ()))


def no_clips(item: str) -> Sequence[dict[str, Any]]:
    return ()


def answer_clips(database: Path, settings: Any) -> Callable[[str], Sequence[dict[str, Any]]]:
    """The clip links for the answering service; none when no site is configured."""
    site = settings["pocket.site_url"].strip()
    if not site.startswith(("https://", "http://")):
        return no_clips
    return PublishedClips(database, site)
