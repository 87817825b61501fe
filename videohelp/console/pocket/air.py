"""The show's 锦囊口袋 service: clips to program, previews, suggestions, counted.

One ``PocketAir`` per show session (``session.pocket``). Its two actions are
what every caller uses -- the desk's buttons, the seats' ``take`` of a clip
and any automation (issue 14's action service calls them the same way):

- ``await take_clip(clip_id, actor=..., item=..., comment_id=...)``: the clip to
  program with its title card and sound, back to the previous source at its
  end; the airing is stored (``pocket_plays``) with how long it ran and how it
  ended. Raises ``PocketError`` (the reason is for the user) if it cannot.
- ``await preview_clip(clip_id, actor=...)``: counts a preview (the desk plays the
  file on its return monitor) and returns the clip.

``stop_clip()`` ends a clip early; 全部下屏 and a source switch end it by
themselves (``streaming.clip_air``). Database work runs on the pipeline's
writer thread, like every other desk action.
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from videohelp.assets import asset_path
from videohelp.console.pocket.library import Clip, ClipLibrary, clips_for_item, read_clips, search_clips
from videohelp.console.pocket.plays import end_play, record_play
from videohelp.console.show_events import ClipRefused
from videohelp.core.store import Store
from videohelp.streaming.clip_air import ClipAir, ClipAirError, ClipRun

if TYPE_CHECKING:
    from videohelp.console.pocket.host import PocketHost as ShowSession

log = logging.getLogger(__name__)

EXAMPLES_SHEET = ("pocket", "clips.csv")


class PocketError(ClipRefused):
    """A clip action was refused; the text says why."""


def get_clip(store: Store, clip_id: int) -> Clip:
    found = read_clips(store.conn, "WHERE c.id = ?", (clip_id,))
    if not found:
        raise PocketError(f"no clip {clip_id} in the library")
    return found[0]


def seed_examples(store: Store, data_dir: Path, actor: str = "demo") -> int:
    """The shipped example clips into an empty library (copied into the data dir); the count."""
    from videohelp.console.pocket.sheet import import_sheet
    from videohelp.core.catalog import CatalogStore

    if store.conn.execute("SELECT 1 FROM pocket_clips LIMIT 1").fetchone() is not None:
        return 0
    catalog = CatalogStore(store)
    catalog.seed_if_empty()
    report = import_sheet(ClipLibrary(store, data_dir), asset_path(*EXAMPLES_SHEET),
                          catalog.codes(), actor=actor, copy=True)
    if not report.applied:
        log.error("shipped example clips not loaded: %s", "; ".join(map(str, report.problems)))
    return report.added


class PocketAir(QObject):
    """Clips on the show's program. Signals (main thread):

    clipStarted(object): the ``Clip`` now on air.
    clipTick(float, float): seconds left, duration (the countdown).
    clipFinished(object, str): the ``Clip`` and how it ended (end, interrupted, panic,
        switched, failed).
    clipsChanged(): plays were counted (the desk refreshes its counts).
    """

    clipStarted = Signal(object)
    clipTick = Signal(float, float)
    clipFinished = Signal(object, str)
    clipsChanged = Signal()

    def __init__(self, session: ShowSession) -> None:
        super().__init__(session if isinstance(session, QObject) else None)
        self.session = session
        settings = session.settings
        self.air = ClipAir(session.outputs, session.renderer, settings["program.width"],
                           settings["program.height"], parent=self)
        self.air.tick.connect(self.clipTick)
        self.air.finished.connect(self._finished)

    @property
    def current(self) -> Clip | None:
        run = self.air.run
        return run.tag[0] if run is not None else None

    async def take_clip(self, clip_id: int, *, actor: str, item: str | None = None,
                        comment_id: int | None = None) -> Clip:
        """The clip to program (see the module doc); ``PocketError`` if refused."""
        pipeline = self.session.pipeline
        clip = await pipeline.run_in_writer(get_clip, clip_id)
        missing = ClipLibrary.missing(clip)
        if missing:
            raise PocketError(f"{clip.title}: {missing}")
        try:
            run = await self.air.take(clip.path, clip.title, clip.duration_s, tag=(clip, None))
        except ClipAirError as exc:
            raise PocketError(f"{clip.title}: {exc}") from exc
        item = item or (clip.items[0] if clip.items else None)
        try:
            play_id = await pipeline.run_in_writer(record_play, clip.id, "air", actor, item,
                                                   comment_id)
        except Exception as exc:  # on air already: the count is bookkeeping
            log.warning("airing of clip %d not counted: %s", clip.id, exc)
            play_id = None
        if run.ended:  # ended while the count was written (a panic): store its end too
            self._store_end(play_id, run)
        else:
            run.tag = (clip, play_id)
        self.clipStarted.emit(clip)
        self.clipsChanged.emit()
        return clip

    def stop_clip(self) -> bool:
        """End the clip on air early and cut back; False if none is on air."""
        return self.air.stop("interrupted")

    async def preview_clip(self, clip_id: int, *, actor: str) -> Clip:
        """Count a preview of the clip (played on the desk's return monitor); the clip."""
        clip = await self.session.pipeline.run_in_writer(get_clip, clip_id)
        missing = ClipLibrary.missing(clip)
        if missing:
            raise PocketError(f"{clip.title}: {missing}")
        await self.session.pipeline.run_in_writer(record_play, clip.id, "preview", actor)
        self.clipsChanged.emit()
        return clip

    async def suggestions(self, item: str | None) -> list[Clip]:
        """The clips of ``item`` (reviewed first), for the desk and the expert seats."""
        if not item:
            return []
        return list(await self.session.pipeline.run_in_writer(
            lambda store: clips_for_item(store.conn, item)))

    async def search(self, query: str) -> list[Clip]:
        names = {code: " ".join((it.name_zh, *it.synonyms))
                 for code, it in self.session.catalog.items.items()}
        return list(await self.session.pipeline.run_in_writer(
            lambda store: search_clips(store.conn, query, names)))

    async def pictures(self, clip_id: int) -> tuple[bytes, bytes]:
        return tuple(await self.session.pipeline.run_in_writer(  # type: ignore[return-value]
            lambda store: ClipLibrary(store).pictures(clip_id)))

    async def seed_examples(self) -> int:
        """Load the shipped examples into an empty library (the demo does)."""
        return int(await self.session.pipeline.run_in_writer(
            functools.partial(seed_examples, data_dir=self.session.paths.root)))

    def close(self) -> None:
        self.air.close()

    def _finished(self, run: ClipRun) -> None:
        clip, play_id = run.tag
        self._store_end(play_id, run)
        self.clipFinished.emit(clip, run.ended)

    def _store_end(self, play_id: int | None, run: ClipRun) -> None:
        if play_id is None:
            return

        async def store() -> None:
            try:
                await self.session.pipeline.run_in_writer(end_play, play_id, run.elapsed(),
                                                          run.ended)
            except Exception as exc:
                log.warning("end of clip play %d not stored: %s", play_id, exc)
            self.clipsChanged.emit()

        self.session.spawn(store())


def clip_view(clip: Clip, **extra: Any) -> dict[str, Any]:
    """A clip as seat event data (suggestions, replies)."""
    return {**clip.to_dict(), **extra}
