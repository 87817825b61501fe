"""A vertical profile gets cards laid out for its own frame; the landscape outputs do not change.

Through the real engine and encoders: two recordings of one program, the
program's 640x360 and a ``360x640 crop`` profile; the frames decoded from each
are compared with the renderer's layout at that size.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import av
import numpy as np
import pytest

from tests.streaming.conftest import FIXED_NOW, SAMPLES
from videohelp.core.catalog import Catalog
from videohelp.streaming import frames
from videohelp.streaming.cards import CardError, CardRenderer, RenderedCard
from videohelp.streaming.compositor import composite, prepare_layer
from videohelp.streaming.encoder import EncoderSettings
from videohelp.streaming.layers import CUT, Transition, new_layer
from videohelp.streaming.profile_cards import ProfileCards, needs_own_cards
from videohelp.streaming.program import ProgramEngine
from videohelp.streaming.program_outputs import ProgramOutputs

W, H, FPS = 640, 360, 30
SETTINGS = EncoderSettings(W, H, FPS, preset="ultrafast", video_bitrate=2_000_000)
TALL = (360, 640)


class StillSource:
    """The same picture every frame: a luminance ramp left to right, colour bands top to
    bottom (so a crop taken from the wrong place shows)."""

    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        bgr = np.zeros((height, width, 3), np.uint8)
        bgr[:, :, 1] = np.linspace(40, 200, width, dtype=np.uint8)[None, :]
        bgr[:, :, 2] = np.linspace(60, 160, height, dtype=np.uint8)[:, None]
        self.frame = frames.from_bgr(bgr)

    def read(self) -> np.ndarray:
        return self.frame.copy()

    def close(self) -> None:
        pass


def with_card(clean: np.ndarray, card: RenderedCard) -> np.ndarray:
    """What the renderer's layout says the frame looks like with ``card`` on it."""
    out = clean.copy()
    composite(out, prepare_layer(card.rgba, card.x, card.y))
    return out


def last_frame(path: Path) -> np.ndarray:
    with av.open(str(path)) as container:
        pictures = list(container.decode(video=0))
    assert pictures, f"no picture in {path}"
    return pictures[-1].to_ndarray(format="yuv420p")


def box(frame: np.ndarray, card: RenderedCard, inset: int = 0) -> np.ndarray:
    """The card's rectangle of an I420 frame's luma (``inset`` pixels in from each edge)."""
    width, height = card.size
    luma = frames.planes(frame)[0]
    return luma[card.y + inset:card.y + height - inset,
                card.x + inset:card.x + width - inset].astype(np.int16)


def edges(frame: np.ndarray, card: RenderedCard) -> list[np.ndarray]:
    """Four 3-pixel strips along the inside of the card's edges (luma)."""
    area = box(frame, card)
    return [area[:, :3], area[:, -3:], area[:3, :], area[-3:, :]]


def test_a_vertical_profile_gets_its_own_cards_and_the_landscape_outputs_keep_theirs(
        qapp, tmp_path) -> None:
    source = StillSource(W, H)
    renderer = CardRenderer(W, H, clock=lambda: FIXED_NOW)
    wide = renderer.render("qa", SAMPLES["qa"])
    engine = ProgramEngine(source, fps=FPS)
    outputs = ProgramOutputs(engine, SETTINGS, profiles={"vertical": f"{TALL[0]}x{TALL[1]} crop"},
                             renderer=renderer)
    engine.take("qa", wide)  # on air before the outputs start: every frame carries it
    engine.start()
    landscape, vertical = tmp_path / "landscape.mp4", tmp_path / "vertical.mp4"
    try:
        outputs.start(str(landscape))
        tall_output = outputs.start(str(vertical), profile="vertical")
        tall_encoder = tall_output.encoder
        assert tall_encoder is not None and tall_encoder.cards is not None
        assert len(outputs.encoders()) == 2
        wide_encoder = next(e for e in outputs.encoders() if e is not tall_encoder)
        assert wide_encoder.cards is None  # the program's encoder: its cards, no extra work
        deadline = time.monotonic() + 20
        while min(wide_encoder.frames, tall_encoder.frames) < FPS:
            assert time.monotonic() < deadline, "the encoders did not get going"
            time.sleep(0.05)
    finally:
        outputs.stop_all()
        engine.stop()
    assert tall_encoder.cards.rendered == 1  # rendered once for its size, not per frame

    # The vertical output: the middle of the clean program, scaled, with the Q&A card laid out
    # for 360x640 and its title-safe area, wholly inside the frame.
    tall = CardRenderer(*TALL, clock=lambda: FIXED_NOW).render("qa", SAMPLES["qa"])
    width, height = tall.size
    assert tall.x > 0 and tall.x + width < TALL[0] and tall.y > 0 and tall.y + height < TALL[1]
    clean_tall = frames.resize(frames.crop(source.frame, *TALL), *TALL)
    expected = with_card(clean_tall, tall)
    got = last_frame(vertical)
    assert frames.frame_size(got) == TALL
    error = np.abs(box(got, tall) - box(expected, tall)).mean()
    assert error < 4, error
    assert np.abs(box(got, tall) - box(clean_tall, tall)).mean() > 8 * error  # the card is there
    for ours, theirs in zip(edges(got, tall), edges(expected, tall), strict=True):
        assert np.abs(ours - theirs).mean() < 6  # not cut at any edge
    # Outside the card: the clean picture (nothing of the 16:9 card's cut-off remains).
    luma, clean_luma = frames.planes(got)[0], frames.planes(clean_tall)[0]
    assert np.abs(luma[:tall.y - 4].astype(np.int16) - clean_luma[:tall.y - 4]).mean() < 3
    # The old way (cutting the composited program) is something else entirely here.
    old_way = frames.crop_resize(with_card(source.frame, wide), *TALL)
    assert np.abs(box(got, tall) - box(old_way, tall)).mean() > 5 * error

    # The landscape output is the program's composite, as before.
    got_wide = last_frame(landscape)
    assert frames.frame_size(got_wide) == (W, H)
    expected_wide = with_card(source.frame, wide)
    assert np.abs(box(got_wide, wide) - box(expected_wide, wide)).mean() < 4
    assert np.abs(frames.planes(got_wide)[0].astype(np.int16)
                  - frames.planes(expected_wide)[0]).mean() < 3


def test_profile_cards_follow_the_programs_timing_and_theme(qapp) -> None:
    renderer = CardRenderer(W, H, clock=lambda: FIXED_NOW)
    tall_settings = EncoderSettings(*TALL, FPS, preset="ultrafast", crop=True)
    assert needs_own_cards(tall_settings, W, H)
    assert not needs_own_cards(EncoderSettings(1280, 720, FPS), W, H)  # same shape: scaled
    cards = ProfileCards(tall_settings, FPS, renderer)
    card = renderer.render("lower_third", SAMPLES["lower_third"])
    fade = Transition("fade", 10)
    layer = new_layer("lower_third", card, 10, frame=1, enter=fade, leave=CUT,
                      duration_frames=None)
    window = frames.crop(StillSource(W, H).frame, *TALL)
    clean = frames.resize(window, *TALL)
    halfway = cards.compose(window.copy(), (layer,), 5)
    full = cards.compose(window.copy(), (layer,), 20)
    assert cards.rendered == 1  # the same card: rendered once
    difference = [np.abs(frame.astype(np.int16) - clean).mean() for frame in (halfway, full)]
    assert 0 < difference[0] < difference[1]  # mid-fade, as on the program
    # A new catalog (the studio's, read after start) makes a renderer that uses it.
    first = cards.renderer()
    renderer.catalog = Catalog(dict(renderer.catalog.items))
    assert cards.renderer() is not first and cards.renderer().catalog is renderer.catalog
    # Off air: the clean picture.
    assert cards.compose(window.copy(), (), 21).tolist() == clean.tolist()


def test_a_card_that_cannot_be_laid_out_for_a_profile_is_left_out_of_it_only(
        qapp, caplog, monkeypatch) -> None:
    renderer = CardRenderer(W, H, clock=lambda: FIXED_NOW)
    cards = ProfileCards(EncoderSettings(*TALL, FPS, crop=True), FPS, renderer)
    card = renderer.render("qa", SAMPLES["qa"])
    layer = new_layer("qa", card, 20, frame=1, enter=CUT, leave=CUT, duration_frames=None)

    def refuse(name: str, data: dict) -> RenderedCard:
        raise CardError("too long for this size")

    monkeypatch.setattr(cards.renderer(), "render", refuse)
    window = frames.crop(StillSource(W, H).frame, *TALL)
    caplog.set_level(logging.WARNING)
    for frame_no in (2, 3, 4):
        out = cards.compose(window.copy(), (layer,), frame_no)
        assert out.tolist() == frames.resize(window, *TALL).tolist()  # the picture goes on
    assert caplog.text.count("cannot be laid out at 360x640") == 1


@pytest.mark.parametrize(("size", "shape"), [((720, 1280), (608, 1080)), ((1280, 720), (1920, 1080))])
def test_the_crop_window_is_the_middle_of_the_program(size, shape) -> None:
    program = frames.blank(1920, 1080)
    frames.planes(program)[0][:, 656:1264] = 200
    window = frames.crop(program, *size)
    assert frames.frame_size(window) == shape
    if shape == (608, 1080):
        assert np.all(frames.planes(window)[0] == 200)
    assert np.array_equal(frames.resize(window, *size), frames.crop_resize(program, *size))
