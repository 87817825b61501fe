"""Where the templates sit on the frame, so that a full card set never overlaps.

All values are design pixels at 1080p (``CardRenderer.px`` scales them).
From the bottom of the title-safe area up: the ticker, the lower third, then
the question/expert cards on the left and the QR card on the right. The clip
title sits top left and the clock top right.
"""

from __future__ import annotations

from videohelp.streaming.cards import CardRenderer

GAP = 20
TICKER_H = 64
LOWER_THIRD_H = 120


def ticker_top(r: CardRenderer) -> float:
    return r.safe.bottom() - r.px(TICKER_H)


def lower_third_top(r: CardRenderer) -> float:
    return ticker_top(r) - r.px(GAP + LOWER_THIRD_H)


def above_lower_third(r: CardRenderer, height: float) -> float:
    """Top of a card of ``height`` pixels that ends just above the lower third."""
    return lower_third_top(r) - r.px(GAP) - height
