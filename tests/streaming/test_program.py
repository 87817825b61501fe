"""The program engine: take/update/clear/panic, transitions frame by frame, auto-out, crawls."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from tests.streaming.conftest import SAMPLES
from videohelp.streaming import frames as program_frames
from videohelp.streaming import layers as layers_module
from videohelp.streaming.compositor import composite, prepare_layer
from videohelp.streaming.layers import LayerError, pixels_per_frame
from videohelp.streaming.program import ProgramEngine

FPS = 25


class StillSource:
    """A fixed picture (I420, so every change is the engine's doing)."""

    width, height = 640, 360

    def __init__(self) -> None:
        self.frame = np.random.default_rng(3).integers(0, 256, (540, 640), dtype=np.uint8)

    def read(self) -> np.ndarray:
        return self.frame.copy()

    def close(self) -> None:
        pass


@pytest.fixture
def engine(qapp) -> ProgramEngine:
    return ProgramEngine(StillSource(), fps=FPS)


def _region(frame: np.ndarray, card) -> np.ndarray:
    """The card's box in the luma plane."""
    width, height = card.size
    return frame[card.y:card.y + height, card.x:card.x + width]


def _full(engine: ProgramEngine, card) -> np.ndarray:
    frame = engine._source.read()
    composite(frame, prepare_layer(card.rgba, card.x, card.y))
    return frame


def _distance(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a.astype(int) - b.astype(int)).mean())


def test_a_cut_take_shows_the_card_on_the_very_next_frame(engine, small_renderer) -> None:
    card = small_renderer.render("qa", SAMPLES["qa"])
    engine.render_frame()
    engine.take("qa", card)
    assert np.array_equal(engine.render_frame(), _full(engine, card))
    assert engine.clear("qa")
    assert np.array_equal(engine.render_frame(), engine._source.frame)


def test_fade_in_and_out_frame_by_frame(engine, small_renderer) -> None:
    card = small_renderer.render("qa", SAMPLES["qa"])
    background, full = engine._source.frame, _full(engine, card)
    engine.take("qa", card, enter=engine.transition("fade", 0.4), leave=engine.transition("fade", 0.2))
    frames = [engine.render_frame() for _ in range(10)]  # 0.4 s at 25 fps
    distances = [_distance(_region(f, card), _region(full, card)) for f in frames]
    assert distances == sorted(distances, reverse=True) and len(set(distances)) == 10
    assert distances[0] > 0 and distances[-1] == 0
    assert np.array_equal(frames[-1], full)
    assert engine.clear("qa")
    assert "qa" not in engine.on_air()  # going out is not on air any more
    out = [engine.render_frame() for _ in range(5)]
    gone = [_distance(_region(f, card), _region(background, card)) for f in out]
    assert gone == sorted(gone, reverse=True) and gone[-1] == 0
    assert np.array_equal(out[-1], background)
    assert engine.layers()[0] == ()


def test_slide_in_moves_the_card_from_its_edge(engine, small_renderer) -> None:
    card = small_renderer.render("lower_third", SAMPLES["lower_third"])  # enters from the left
    engine.take("lower_third", card, enter=engine.transition("slide", 0.2))
    lefts = []
    for _ in range(5):
        frame = engine.render_frame()
        changed = np.argwhere(program_frames.planes(frame)[0]
                              != program_frames.planes(engine._source.frame)[0])
        lefts.append(changed[:, 1].max() if changed.size else -1)
        # Only the card's rows are touched while it slides.
        if changed.size:
            assert changed[:, 0].min() >= card.y and changed[:, 0].max() < card.y + card.size[1]
    assert lefts == sorted(lefts) and lefts[0] < lefts[-1]
    assert np.array_equal(frame, _full(engine, card))


def test_animation_frames_come_from_the_prepared_image_never_a_new_render(
        engine, small_renderer, monkeypatch) -> None:
    ticker = small_renderer.render("ticker", SAMPLES["ticker"])
    qa = small_renderer.render("qa", SAMPLES["qa"])
    engine.take("ticker", ticker, enter=engine.transition("slide", 0.2))
    engine.take("qa", qa, enter=engine.transition("fade", 0.2), duration_s=0.4,
                leave=engine.transition("fade", 0.2))

    def refuse(*args, **kwargs):
        raise AssertionError("prepared again during frames")
    monkeypatch.setattr(layers_module, "prepare_layer", refuse)
    monkeypatch.setattr(type(small_renderer), "render", refuse)
    for _ in range(20):
        engine.render_frame()


def test_the_ticker_scrolls_by_whole_pixels_per_frame(engine, small_renderer) -> None:
    card = small_renderer.render("ticker", {"text": "拒绝非法中介，谨防诈骗", "speed": 150})
    crawl = card.crawl
    engine.take("ticker", card)
    step = pixels_per_frame(crawl.px_per_s, FPS)
    assert step == 2  # 150 px/s at 1080p is 50 px/s at 360p: 2 px per frame at 25 fps
    x0, y0 = card.x + crawl.x, card.y + crawl.y
    window = (slice(y0, y0 + crawl.strip.shape[0]), slice(x0, x0 + crawl.width))
    frames = [engine.render_frame()[window].copy() for _ in range(crawl.width // step + 10)]
    assert not np.array_equal(frames[0], frames[-1])
    for before, after in itertools.pairwise(frames):
        assert np.array_equal(after[:, :-step], before[:, step:]), "moved by exactly one step"
    # The band outside the viewport (the label) never moves.
    label = (slice(card.y, card.y + card.size[1]), slice(card.x, x0))
    assert np.array_equal(engine.render_frame()[label], _full(engine, card)[label])


def test_update_changes_the_card_between_two_frames_without_a_gap(engine, small_renderer) -> None:
    first = small_renderer.render("qa", SAMPLES["qa"])
    second = small_renderer.render("qa", {**SAMPLES["qa"], "answer": "请到车管所窗口办理。"})
    engine.take("qa", first)
    assert np.array_equal(engine.render_frame(), _full(engine, first))
    engine.update("qa", second)
    assert np.array_equal(engine.render_frame(), _full(engine, second))
    assert engine.on_air()["qa"] is second


def test_update_keeps_the_transition_where_it_is(engine, small_renderer) -> None:
    first = small_renderer.render("qa", SAMPLES["qa"])
    second = small_renderer.render("qa", {**SAMPLES["qa"], "answer": "请到车管所窗口办理。"})
    engine.take("qa", first, enter=engine.transition("fade", 0.4))
    for _ in range(4):
        engine.render_frame()
    engine.update("qa", second)
    layer = engine.layers()[0][0]
    assert layer.card is second and 0.4 < layer.progress(engine.layers()[1] + 1) < 0.6


def test_update_of_a_layer_not_on_air_is_refused(engine, small_renderer) -> None:
    with pytest.raises(LayerError, match="nothing on air on layer 'qa'"):
        engine.update("qa", small_renderer.render("qa", SAMPLES["qa"]))


def test_take_while_going_out_turns_back_without_a_jump(engine, small_renderer) -> None:
    card = small_renderer.render("qa", SAMPLES["qa"])
    fade = engine.transition("fade", 0.4)
    engine.take("qa", card, enter=fade, leave=fade)
    for _ in range(10):
        engine.render_frame()
    engine.clear("qa")
    for _ in range(3):
        engine.render_frame()
    layer, last = engine.layers()[0][0], engine.layers()[1]
    was = layer.progress(last)
    engine.take("qa", card, enter=fade, leave=fade)
    engine.render_frame()
    layer, now = engine.layers()[0][0], engine.layers()[1]
    assert layer.progress(now) == pytest.approx(was + 0.1)


def test_auto_out_after_its_duration(engine, small_renderer) -> None:
    card = small_renderer.render("lower_third", SAMPLES["lower_third"])
    expired: list[str] = []
    engine.autoOut.connect(expired.append)
    events = []
    engine.add_listener(events.append)
    engine.take("lower_third", card, duration_s=0.2, leave=engine.transition("fade", 0.12))
    for _ in range(5):  # 0.2 s = 5 frames on air
        engine.render_frame()
    assert "lower_third" in engine.on_air() and expired == []
    engine.render_frame()
    assert expired == ["lower_third"] and "lower_third" not in engine.on_air()
    assert [e.kind for e in events] == ["take", "auto_out"]
    frames = [engine.render_frame() for _ in range(3)]
    assert np.array_equal(frames[-1], engine._source.frame)
    assert engine.layers()[0] == ()


def test_panic_removes_everything_at_once_even_mid_transition(engine, small_renderer) -> None:
    slow = engine.transition("fade", 2.0)
    for name in ("lower_third", "qa", "ticker", "qr"):
        engine.take(name, small_renderer.render(name, SAMPLES[name]), enter=slow, leave=slow)
    engine.render_frame()
    engine.clear("qr")  # one is even on its way out
    engine.render_frame()
    engine.panic()
    assert engine.on_air() == {} and engine.layers()[0] == ()
    assert np.array_equal(engine.render_frame(), engine._source.frame)


def test_taking_over_a_layer_on_air_replaces_it_without_a_gap(engine, small_renderer) -> None:
    first = small_renderer.render("qa", SAMPLES["qa"])
    second = small_renderer.render("qa", {"question": "新问题：摩托车驾照怎么考"})
    engine.take("qa", first, enter=engine.transition("fade", 0.4))
    for _ in range(10):
        engine.render_frame()
    engine.take("qa", second, enter=engine.transition("fade", 0.4))
    assert np.array_equal(engine.render_frame(), _full(engine, second))


def test_layers_stack_in_broadcast_order(engine, small_renderer) -> None:
    engine.take("ticker", small_renderer.render("ticker", SAMPLES["ticker"]))
    engine.take("lower_third", small_renderer.render("lower_third", SAMPLES["lower_third"]))
    engine.take("qa", small_renderer.render("qa", SAMPLES["qa"]))
    assert [layer.name for layer in engine.layers()[0]] == ["lower_third", "qa", "ticker"]


def test_the_worker_thread_composites_a_take_within_a_frame_or_two(qtbot, engine, small_renderer) -> None:
    card = small_renderer.render("qa", SAMPLES["qa"])
    engine.start()
    try:
        qtbot.waitSignal(engine.previewReady, timeout=2000).wait()
        engine.take("qa", card)
        taken_at = engine.layers()[1]
        qtbot.waitUntil(lambda: engine.layers()[1] >= taken_at + 2, timeout=2000)
        latest = engine.latest_frame()
        assert latest is not None
        assert np.array_equal(_region(latest, card), _region(_full(engine, card), card))
    finally:
        engine.stop()


class FailingSource(StillSource):
    """Works once, then raises (a camera unplugged mid-show)."""

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def read(self) -> np.ndarray:
        self.calls += 1
        if self.calls > 1:
            raise OSError("camera gone")
        return super().read()


def test_a_failing_source_keeps_the_program_running_with_cards_drawn_once(qapp, qtbot,
                                                                          small_renderer) -> None:
    source = FailingSource()
    engine = ProgramEngine(source, fps=FPS)
    card = small_renderer.render("qa", SAMPLES["qa"])
    engine.take("qa", card)
    engine.render_frame()
    with qtbot.waitSignal(engine.sourceFailed, timeout=1000) as failed:
        first = engine.render_frame().copy()
    assert "camera gone" in failed.args[0]
    second = engine.render_frame()
    expected = program_frames.blank(640, 360)
    composite(expected, prepare_layer(card.rgba, card.x, card.y))
    assert np.array_equal(first, expected) and np.array_equal(second, expected)
