"""Cards laid out for a profile's own frame: a vertical output gets its own lower third.

A profile of another shape than the program (``720x1280 crop`` for Douyin from a
1080p program) used to cut or squeeze the composited program, cards and all: a
lower third laid out for 16:9 on the left of the picture was mostly outside a
vertical crop. Now such a profile's encoder composites its own cards:

- On the program thread, before the cards go on the program frame, the
  engine's clean tap (``ProgramEngine.add_clean_tap``) hands the frame and
  the layers about to be composited; ``ProfileCards.window`` copies the part
  of the frame this profile shows (its crop window: 608x1080 of a 1080p
  program, about a third of the frame; the whole frame when squeezed) and the
  encoder queues it with the layers. That copy is all the program thread and
  the other outputs pay.
- On the profile's encoder thread, ``ProfileCards.compose`` scales the
  window to the profile's size and composites the same layers with cards
  rendered for that size and its 90 % title-safe area (``CardRenderer`` at
  the profile's size, with the program renderer's theme, catalog and clock).

A layer keeps its timing — the frame it was taken on, its transitions, its
crawl, its automatic out — because the profile's layer is the program's with
its card swapped (``dataclasses.replace``) for one rendered from the same
template and data. Each card is rendered once (a take or an update: a new
``RenderedCard``), on the encoder thread, and kept while it is on air. A card
that cannot be laid out at the profile's size is left out of that profile
(logged once), never the program's.
"""

from __future__ import annotations

import dataclasses
import logging

import numpy as np

from videohelp.streaming import frames
from videohelp.streaming.cards import CardRenderer, RenderedCard
from videohelp.streaming.encoder import EncoderSettings
from videohelp.streaming.layers import Layer, prepare
from videohelp.streaming.program import draw_layer

log = logging.getLogger(__name__)


def needs_own_cards(settings: EncoderSettings, program_width: int, program_height: int) -> bool:
    """An output of another shape than the program: the program's cards would be cut (crop)
    or squeezed, so it composites cards of its own."""
    return settings.width * program_height != settings.height * program_width


class ProfileCards:
    """The program's layers, composited with cards of a profile's size (see the module
    docstring). ``window`` runs on the program thread, ``compose`` on the encoder's."""

    def __init__(self, settings: EncoderSettings, fps: int,
                 renderer: CardRenderer | None = None) -> None:
        self.settings = settings
        self.fps = fps  # the program's: layer timing counts program frames
        self._base = renderer  # the program's renderer: its theme, catalog and clock
        self._renderer: CardRenderer | None = None
        # id(program card) -> (program card, this profile's layer parts or None)
        self._cards: dict[int, tuple[RenderedCard, Layer | None]] = {}
        self._failed: set[str] = set()
        self.rendered = 0  # cards rendered at this size (tests, the bench)

    # -- the program thread ---------------------------------------------------------------
    def window(self, frame: np.ndarray) -> np.ndarray:
        """A copy of the part of the clean program frame this profile shows."""
        if self.settings.crop:
            return frames.crop(frame, self.settings.width, self.settings.height)
        return frame.copy()

    # -- the encoder thread ---------------------------------------------------------------
    def compose(self, window: np.ndarray, layers: tuple[Layer, ...], frame_no: int
                ) -> np.ndarray:
        """The profile's picture: ``window`` at its size with its own cards on it."""
        out = frames.resize(window, self.settings.width, self.settings.height)
        if out is window and not window.flags.writeable:
            out = window.copy()
        seen: set[int] = set()
        for layer in layers:
            seen.add(id(layer.card))
            mine = self._layer(layer)
            if mine is not None:
                draw_layer(out, mine, frame_no, self.fps)
        if len(self._cards) > len(seen):  # cards gone from the air: forget them
            self._cards = {key: value for key, value in self._cards.items() if key in seen}
        return out

    def _layer(self, layer: Layer) -> Layer | None:
        cached = self._cards.get(id(layer.card))
        if cached is None or cached[0] is not layer.card:
            cached = (layer.card, self._render(layer))
            self._cards[id(layer.card)] = cached
        parts = cached[1]
        if parts is None:
            return None
        # The program's layer (its timing) with this profile's card.
        return dataclasses.replace(layer, card=parts.card, prepared=parts.prepared,
                                   strip=parts.strip)

    def _render(self, layer: Layer) -> Layer | None:
        card = layer.card
        try:
            mine = self.renderer().render(card.template, card.data)
        except Exception as exc:  # CardError, or anything else: this output goes on without it
            if card.template not in self._failed:
                self._failed.add(card.template)
                log.warning("card %s cannot be laid out at %dx%d; left out of that output: %s",
                            card.template, self.settings.width, self.settings.height, exc)
            return None
        self.rendered += 1
        prepared, strip = prepare(mine, slides=layer.slides)
        return dataclasses.replace(layer, card=mine, prepared=prepared, strip=strip)

    def renderer(self) -> CardRenderer:
        """A renderer at this profile's size, following the program renderer's theme and
        catalog (the studio's catalog arrives after start; the theme may change live)."""
        base, mine = self._base, self._renderer
        if mine is None or (base is not None and (mine.theme is not base.theme
                                                  or mine.catalog is not base.catalog)):
            width, height = self.settings.width, self.settings.height
            mine = (CardRenderer(width, height) if base is None else
                    CardRenderer(width, height, base.theme, base.catalog, base.clock))
            self._renderer = mine
        return mine
