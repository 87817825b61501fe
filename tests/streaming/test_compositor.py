"""Compositing: premultiplied, in place, on the card's region only; the fast paths are exact."""

from __future__ import annotations

import numpy as np
import pytest

from tests.streaming.conftest import SAMPLES
from videohelp.streaming.cards import CardRenderer
from videohelp.streaming.compositor import composite, prepare_layer
from videohelp.streaming.theme import Theme


def _reference(frame: np.ndarray, rgba: np.ndarray, x: int, y: int, opacity: float = 1.0) -> np.ndarray:
    """frame = card*o + frame*(1 - a*o), in float64, clipped to the frame."""
    out = frame.astype(np.float64)
    height, width = rgba.shape[:2]
    fh, fw = frame.shape[:2]
    x0, y0, x1, y1 = max(x, 0), max(y, 0), min(x + width, fw), min(y + height, fh)
    if x0 >= x1 or y0 >= y1:
        return frame.copy()
    card = rgba[y0 - y:y1 - y, x0 - x:x1 - x].astype(np.float64)
    colour = card[:, :, 2::-1] * opacity
    alpha = card[:, :, 3:4] / 255 * opacity
    out[y0:y1, x0:x1] = colour + out[y0:y1, x0:x1] * (1 - alpha)
    return np.clip(np.round(out), 0, 255).astype(np.uint8)


@pytest.fixture
def frame() -> np.ndarray:
    return np.random.default_rng(1).integers(0, 256, (360, 640, 3), dtype=np.uint8)


@pytest.mark.parametrize("name", ["lower_third", "qa", "qr", "ticker"])
def test_composite_matches_the_premultiplied_formula(small_renderer, frame, name) -> None:
    card = small_renderer.render(name, SAMPLES[name])
    expected = _reference(frame, card.rgba, card.x, card.y)
    layer = prepare_layer(card.rgba, card.x, card.y)
    composite(frame, layer)
    assert np.abs(frame.astype(int) - expected.astype(int)).max() <= 1


def test_only_the_card_region_changes_and_a_copy_restores_it(small_renderer, frame) -> None:
    card = small_renderer.render("qa", SAMPLES["qa"])
    before = frame.copy()
    composite(frame, prepare_layer(card.rgba, card.x, card.y))
    width, height = card.size
    changed = np.argwhere((frame != before).any(axis=2))
    assert changed.size
    assert changed[:, 0].min() >= card.y and changed[:, 0].max() < card.y + height
    assert changed[:, 1].min() >= card.x and changed[:, 1].max() < card.x + width
    # Outside the card's box every pixel is the same object's same bytes.
    mask = np.ones(frame.shape[:2], bool)
    mask[card.y:card.y + height, card.x:card.x + width] = False
    assert np.array_equal(frame[mask], before[mask])


@pytest.mark.parametrize("name", ["lower_third", "qa"])
def test_opaque_core_is_copied_and_gives_the_same_pixels_as_blending(small_renderer, frame, name) -> None:
    card = small_renderer.render(name, SAMPLES[name])  # opaque panels in the studio theme
    layer = prepare_layer(card.rgba, card.x, card.y)
    assert layer.copy_rects, "an opaque panel has a core to copy"
    core_area = sum((x1 - x0) * (y1 - y0) for x0, y0, x1, y1 in layer.copy_rects)
    assert core_area > 0.8 * layer.size[0] * layer.size[1]
    slow = frame.copy()
    everything = type(layer)(layer.x, layer.y, layer.bgr, layer.inv_alpha, 1.0, (),
                             ((0, 0, layer.size[0], layer.size[1]),))
    composite(slow, everything)
    composite(frame, layer)
    assert np.array_equal(frame, slow)


def test_a_translucent_panel_is_blended_everywhere(qapp) -> None:
    renderer = CardRenderer(640, 360, Theme.named("daylight"))  # panels 94% opaque
    card = renderer.render("qa", SAMPLES["qa"])
    layer = prepare_layer(card.rgba, card.x, card.y)
    assert layer.copy_rects == ()
    assert layer.blend_rects == ((0, 0, layer.size[0], layer.size[1]),)


def test_transparent_margins_are_cropped(frame) -> None:
    rgba = np.zeros((50, 80, 4), np.uint8)
    rgba[10:20, 30:40] = (200, 100, 50, 255)
    layer = prepare_layer(rgba, 100, 100)
    assert (layer.x, layer.y, layer.size) == (130, 110, (10, 10))
    empty = prepare_layer(np.zeros((5, 5, 4), np.uint8), 0, 0)
    before = frame.copy()
    composite(frame, empty)
    assert np.array_equal(frame, before)


def test_opacity_fades_card_and_alpha_together(small_renderer, frame) -> None:
    card = small_renderer.render("qa", SAMPLES["qa"])
    for opacity in (0.25, 0.5, 0.9):
        target = frame.copy()
        composite(target, prepare_layer(card.rgba, card.x, card.y), opacity=opacity)
        expected = _reference(frame, card.rgba, card.x, card.y, opacity)
        assert np.abs(target.astype(int) - expected.astype(int)).max() <= 1


@pytest.mark.parametrize(("x", "y"), [(-100, 20), (600, 300), (-50, -40), (700, 10)])
def test_layers_partly_or_wholly_off_frame_are_clipped(frame, x, y) -> None:
    rgba = np.full((80, 120, 4), (10, 20, 30, 255), np.uint8)
    expected = _reference(frame, rgba, x, y)
    composite(frame, prepare_layer(rgba, x, y))
    assert np.array_equal(frame, expected)


def test_offset_and_clip_touch_only_the_window(frame) -> None:
    rgba = np.zeros((20, 300, 4), np.uint8)
    rgba[:, :, 3] = 255
    rgba[:, :, 0] = np.arange(300, dtype=np.uint8)[None, :]  # red ramp: columns are recognisable
    layer = prepare_layer(rgba, 100, 50)
    before = frame.copy()
    start = 120
    composite(frame, layer, dx=-start, clip=(start, 0, start + 100, 20))
    # The window [120, 220) of the strip lands at x = 100..200.
    assert np.array_equal(frame[50:70, 100:200, 2], np.tile(np.arange(120, 220, dtype=np.uint8), (20, 1)))
    untouched = np.ones(frame.shape[:2], bool)
    untouched[50:70, 100:200] = False
    assert np.array_equal(frame[untouched], before[untouched])


def test_transparent_gaps_inside_a_card_are_skipped(small_renderer) -> None:
    card = small_renderer.render("ticker", SAMPLES["ticker"])
    crawl = card.crawl
    assert crawl is not None
    base = prepare_layer(card.base_rgba(), card.x, card.y)
    offset = base.x - card.x
    hole = (crawl.x - offset, crawl.x + crawl.width - offset)  # covered by the strip instead
    rects = base.copy_rects + base.blend_rects
    assert rects
    for x0, _, x1, _ in rects:
        assert x1 <= hole[0] or x0 >= hole[1], f"{(x0, x1)} overlaps the viewport {hole}"
    # What is skipped is exactly transparent: compositing it would change nothing anyway.
    assert not card.base_rgba()[:, crawl.x:crawl.x + crawl.width, 3].any()


def test_split_rectangles_cover_every_visible_pixel(small_renderer) -> None:
    for name in ("lower_third", "qa", "qr", "clip_title", "clock"):
        card = small_renderer.render(name, SAMPLES[name])
        layer = prepare_layer(card.rgba, card.x, card.y)
        covered = np.zeros(layer.bgr.shape[:2], bool)
        for x0, y0, x1, y1 in layer.copy_rects + layer.blend_rects:
            assert not covered[y0:y1, x0:x1].any(), "rectangles overlap"
            covered[y0:y1, x0:x1] = True
        for x0, y0, x1, y1 in layer.copy_rects:
            assert (layer.inv_alpha[y0:y1, x0:x1] == 0).all(), "copied pixels are opaque"
        assert covered[layer.inv_alpha[:, :, 0] < 255].all(), f"{name}: a visible pixel is skipped"
