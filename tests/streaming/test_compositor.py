"""Compositing on I420: premultiplied, in place, on the card's region only; fast paths exact."""

from __future__ import annotations

import numpy as np
import pytest

from tests.streaming.conftest import SAMPLES
from videohelp.streaming import frames
from videohelp.streaming.cards import CardRenderer
from videohelp.streaming.compositor import PHASES, composite, prepare_layer
from videohelp.streaming.theme import Theme

W, H = 640, 360


def _reference(frame: np.ndarray, rgba: np.ndarray, x: int, y: int, opacity: float = 1.0,
               window: tuple[int, int, int, int] | None = None) -> np.ndarray:
    """The blend written out plainly in float64, plane by plane.

    The card becomes premultiplied Y'CbCr (BT.601, limited range) at full
    resolution on a frame-sized canvas; chroma and alpha are averaged over
    2x2 pixels; then ``plane = card + plane * (1 - alpha)`` on each plane.
    ``window`` (frame coordinates) limits the card to a rectangle.
    """
    matrix = np.array([[65.481, 128.553, 24.966], [-37.797, -74.203, 112.0],
                       [112.0, -93.786, -18.214]]) / 255
    offsets = np.array([16.0, 128.0, 128.0])
    height, width = rgba.shape[:2]
    values = np.zeros((H, W, 3))
    alpha = np.zeros((H, W))
    x0, y0, x1, y1 = max(x, 0), max(y, 0), min(x + width, W), min(y + height, H)
    if window is not None:
        x0, y0, x1, y1 = max(x0, window[0]), max(y0, window[1]), min(x1, window[2]), min(y1, window[3])
    if x0 < x1 and y0 < y1:
        card = rgba[y0 - y:y1 - y, x0 - x:x1 - x].astype(np.float64)
        a = card[:, :, 3] / 255
        values[y0:y1, x0:x1] = (card[:, :, :3] @ matrix.T + a[:, :, None] * offsets) * opacity
        alpha[y0:y1, x0:x1] = a * opacity
    luma, cb, cr = (plane.astype(np.float64) for plane in frames.planes(frame))
    pooled = values.reshape(H // 2, 2, W // 2, 2, 3).mean(axis=(1, 3))
    pooled_alpha = alpha.reshape(H // 2, 2, W // 2, 2).mean(axis=(1, 3))
    out = np.empty_like(frame)
    out_y, out_u, out_v = frames.planes(out)
    out_y[:] = np.clip(np.round(values[:, :, 0] + luma * (1 - alpha)), 0, 255)
    out_u[:] = np.clip(np.round(pooled[:, :, 1] + cb * (1 - pooled_alpha)), 0, 255)
    out_v[:] = np.clip(np.round(pooled[:, :, 2] + cr * (1 - pooled_alpha)), 0, 255)
    return out


def _max_error(a: np.ndarray, b: np.ndarray) -> int:
    return int(np.abs(a.astype(int) - b.astype(int)).max())


@pytest.fixture
def frame() -> np.ndarray:
    return np.random.default_rng(1).integers(0, 256, (H * 3 // 2, W), dtype=np.uint8)


@pytest.mark.parametrize("name", ["lower_third", "qa", "qr", "ticker"])
@pytest.mark.parametrize("shift", PHASES)
def test_composite_matches_the_premultiplied_formula(small_renderer, frame, name, shift) -> None:
    card = small_renderer.render(name, SAMPLES[name])
    x, y = card.x + shift[0], card.y + shift[1]  # every parity of the top-left pixel
    expected = _reference(frame, card.rgba, x, y)
    composite(frame, prepare_layer(card.rgba, x, y))
    assert _max_error(frame, expected) <= 2  # one rounding when prepared, one when blended


def test_card_colours_come_back_from_the_program_frame(small_renderer) -> None:
    """The colour matrix is OpenCV's: an opaque panel converts back to its own RGB."""
    card = small_renderer.render("lower_third", SAMPLES["lower_third"])
    frame = frames.blank(W, H)
    layer = prepare_layer(card.rgba, card.x, card.y)
    composite(frame, layer)
    bgr = frames.to_bgr(frame).astype(int)
    x0, _, x1, y1 = layer.placement(layer.x % 2, layer.y % 2).luma.copy_rects[0]
    gx, gy = layer.x - layer.x % 2, layer.y - layer.y % 2
    # Away from the text (flat panel rows: the bottom of the core), colours round-trip.
    rows = slice(gy + y1 - 4, gy + y1 - 2)
    cols = slice(gx + x0 + 4, gx + x1 - 4)
    rgba = card.rgba[rows.start - card.y:rows.stop - card.y, cols.start - card.x:cols.stop - card.x]
    flat = (np.abs(np.diff(rgba.astype(int), axis=1)).sum(axis=2) == 0).all(axis=0)
    assert flat.sum() > 50
    got = bgr[rows, cols][:, 1:][:, flat]
    want = rgba[:, :, 2::-1].astype(int)[:, 1:][:, flat]
    assert np.abs(got - want).max() <= 3


def test_only_the_card_region_changes(small_renderer, frame) -> None:
    card = small_renderer.render("qa", SAMPLES["qa"])
    before = frame.copy()
    x, y = card.x + 1, card.y + 1  # odd: chroma samples on the edge are shared
    composite(frame, prepare_layer(card.rgba, x, y))
    width, height = card.size
    changed_y = np.argwhere(frames.planes(frame)[0] != frames.planes(before)[0])
    assert changed_y.size
    assert changed_y[:, 0].min() >= y and changed_y[:, 0].max() < y + height
    assert changed_y[:, 1].min() >= x and changed_y[:, 1].max() < x + width
    for plane, old in zip(frames.planes(frame)[1:], frames.planes(before)[1:], strict=True):
        mask = np.ones(plane.shape, bool)
        mask[y // 2:(y + height + 1) // 2, x // 2:(x + width + 1) // 2] = False
        assert np.array_equal(plane[mask], old[mask])


@pytest.mark.parametrize("name", ["lower_third", "qa"])
def test_an_opaque_panel_is_mostly_copied(small_renderer, name) -> None:
    card = small_renderer.render(name, SAMPLES[name])  # opaque panels in the studio theme
    layer = prepare_layer(card.rgba, card.x, card.y)
    for px, py in PHASES:
        placement = layer.placement(px, py)
        for plane, scale in ((placement.luma, 1), (placement.chroma, 2)):
            assert plane.copy_rects, "an opaque panel has a core to copy"
            area = sum((x1 - x0) * (y1 - y0) for x0, y0, x1, y1 in plane.copy_rects) * scale ** 2
            assert area > 0.8 * layer.size[0] * layer.size[1]
            for x0, y0, x1, y1 in plane.copy_rects:
                assert (plane.inv_alpha[y0:y1, x0:x1] == 0).all(), "copied samples are opaque"


def test_a_translucent_panel_is_blended_everywhere(qapp) -> None:
    renderer = CardRenderer(W, H, Theme.named("daylight"))  # panels 94% opaque
    card = renderer.render("qa", SAMPLES["qa"])
    layer = prepare_layer(card.rgba, card.x, card.y)
    placement = layer.placement(layer.x % 2, layer.y % 2)
    assert placement.luma.copy_rects == () and placement.chroma.copy_rects == ()
    assert len(placement.luma.blend_rects) == 1


def test_transparent_margins_are_cropped(frame) -> None:
    rgba = np.zeros((50, 80, 4), np.uint8)
    rgba[10:20, 30:40] = (200, 100, 50, 255)
    layer = prepare_layer(rgba, 100, 100)
    assert (layer.x, layer.y, layer.size) == (130, 110, (10, 10))
    empty = prepare_layer(np.zeros((5, 5, 4), np.uint8), 0, 0)
    before = frame.copy()
    composite(frame, empty)
    assert np.array_equal(frame, before)


@pytest.mark.parametrize("opacity", [0.1, 0.25, 0.5, 0.9])
def test_opacity_fades_card_and_alpha_together(small_renderer, frame, opacity) -> None:
    card = small_renderer.render("qa", SAMPLES["qa"])
    expected = _reference(frame, card.rgba, card.x, card.y, opacity)
    composite(frame, prepare_layer(card.rgba, card.x, card.y), opacity=opacity)
    assert _max_error(frame, expected) <= 2


@pytest.mark.parametrize(("x", "y"), [(-100, 20), (601, 300), (-51, -41), (700, 10), (3, 355)])
def test_layers_partly_or_wholly_off_frame_are_clipped(frame, x, y) -> None:
    rgba = np.full((80, 120, 4), (10, 20, 30, 255), np.uint8)
    expected = _reference(frame, rgba, x, y)
    composite(frame, prepare_layer(rgba, x, y))
    assert _max_error(frame, expected) <= 1


@pytest.mark.parametrize("start", [120, 121])
def test_offset_and_clip_touch_only_the_window(frame, start) -> None:
    rgba = np.zeros((20, 300, 4), np.uint8)
    rgba[:, :, 3] = 255
    rgba[:, :, 0] = np.arange(300, dtype=np.uint8)[None, :]  # red ramp: columns are recognisable
    layer = prepare_layer(rgba, 100, 50)
    before = frame.copy()
    composite(frame, layer, dx=-start, clip=(start, 0, start + 100, 20))
    # The window [start, start + 100) of the strip lands at x = 100..200.
    expected = _reference(before, rgba, 100 - start, 50, window=(100, 50, 200, 70))
    luma, old_luma = frames.planes(frame)[0], frames.planes(before)[0]
    assert _max_error(luma[50:70, 100:200], frames.planes(expected)[0][50:70, 100:200]) <= 1
    untouched = np.ones(luma.shape, bool)
    untouched[50:70, 100:200] = False
    assert np.array_equal(luma[untouched], old_luma[untouched])
    for plane, old in zip(frames.planes(frame)[1:], frames.planes(before)[1:], strict=True):
        outside = np.ones(plane.shape, bool)
        outside[25:35, 50:100] = False
        assert np.array_equal(plane[outside], old[outside])


def test_transparent_gaps_inside_a_card_are_skipped(small_renderer) -> None:
    card = small_renderer.render("ticker", SAMPLES["ticker"])
    crawl = card.crawl
    assert crawl is not None
    base = prepare_layer(card.base_rgba(), card.x, card.y)
    placement = base.placement(base.x % 2, base.y % 2)
    offset = base.x - base.x % 2 - card.x  # the placement grid's origin, in card coordinates
    hole = (crawl.x - offset, crawl.x + crawl.width - offset)  # covered by the strip instead
    rects = placement.luma.copy_rects + placement.luma.blend_rects
    assert rects
    for x0, _, x1, _ in rects:
        assert x1 <= hole[0] + 1 or x0 >= hole[1] - 1, f"{(x0, x1)} overlaps the viewport {hole}"
    # What is skipped is exactly transparent: compositing it would change nothing anyway.
    assert not card.base_rgba()[:, crawl.x:crawl.x + crawl.width, 3].any()


def test_split_rectangles_cover_every_visible_sample(small_renderer) -> None:
    for name in ("lower_third", "qa", "qr", "clip_title", "clock"):
        card = small_renderer.render(name, SAMPLES[name])
        layer = prepare_layer(card.rgba, card.x, card.y)
        for px, py in PHASES:
            placement = layer.placement(px, py)
            for plane in (placement.luma, placement.chroma):
                covered = np.zeros(plane.inv_alpha.shape, bool)
                for x0, y0, x1, y1 in plane.copy_rects + plane.blend_rects:
                    assert not covered[y0:y1, x0:x1].any(), f"{name}: rectangles overlap"
                    covered[y0:y1, x0:x1] = True
                assert covered[plane.inv_alpha < 255].all(), f"{name}: a visible sample is skipped"


def test_moving_cards_get_their_placements_before_air(small_renderer) -> None:
    card = small_renderer.render("qa", SAMPLES["qa"])
    layer = prepare_layer(card.rgba, card.x, card.y)
    assert len(layer._placements) == 1  # a card at rest needs one
    layer.warm()
    assert set(layer._placements) == set(PHASES)
