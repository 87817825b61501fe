"""Where the templates sit on the frame, so that a full card set never overlaps.

All values are design pixels at 1080p (``CardRenderer.px`` scales them).
From the bottom of the title-safe area up: the ticker, the lower third, then
the question/expert cards on the left and the QR card on the right. The clip
title sits top left and the clock top right.

A vertical frame (a profile such as 720x1280 for Douyin, ``CardRenderer.portrait``) has no
room side by side: the question/expert cards take the whole safe width and the QR card
stands above them on the right (``share``, ``qr_top``).
"""

from __future__ import annotations

from videohelp.streaming.cards import CardRenderer

GAP = 20
TICKER_H = 64
LOWER_THIRD_H = 120
QUESTION_MAX_H = 400  # the tallest card above the lower third (expert with a question; Q&A 300)


def ticker_top(r: CardRenderer) -> float:
    return r.safe.bottom() - r.px(TICKER_H)


def lower_third_top(r: CardRenderer) -> float:
    return ticker_top(r) - r.px(GAP + LOWER_THIRD_H)


def above_lower_third(r: CardRenderer, height: float) -> float:
    """Top of a card of ``height`` pixels that ends just above the lower third."""
    return lower_third_top(r) - r.px(GAP) - height


def share(r: CardRenderer, landscape: float, portrait: float = 1.0) -> float:
    """A card's width: its share of the safe width, whole-width shares in a vertical frame."""
    return r.safe.width() * (portrait if r.portrait else landscape)


def qr_top(r: CardRenderer, height: float) -> float:
    """Top of the QR card: beside the lower third above the ticker, or in a vertical frame
    above the tallest question/expert card (which take the whole width there)."""
    if r.portrait:
        return above_lower_third(r, r.px(QUESTION_MAX_H)) - r.px(GAP) - height
    return ticker_top(r) - r.px(GAP) - height
