"""Themes (colours, logo, fonts, motion, durations) and live cards (the clock)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pytest

from tests.streaming.conftest import FIXED_NOW, SAMPLES
from videohelp.assets import asset_path
from videohelp.streaming.cards import CardRenderer
from videohelp.streaming.fonts import FontError, load_font_files
from videohelp.streaming.live import LiveCards, refresh_stale
from videohelp.streaming.program import ProgramEngine
from videohelp.streaming.sources import TestPatternSource
from videohelp.streaming.theme import Theme, ThemeError


def _theme_file(tmp_path: Path, **changes) -> Path:
    raw = json.loads(asset_path("themes", "studio.json").read_text(encoding="utf-8"))
    raw.update(changes)
    raw = {k: v for k, v in raw.items() if v is not None}
    (tmp_path / "badge.svg").write_bytes(asset_path("themes", "badge.svg").read_bytes())
    path = tmp_path / "theme.json"
    path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.mark.parametrize("name", ["studio", "daylight"])
def test_shipped_themes_load_and_render_every_template(qapp, name) -> None:
    theme = Theme.named(name)
    assert theme.logo is not None and theme.logo.is_file()
    renderer = CardRenderer(1280, 720, theme)
    for template, data in SAMPLES.items():
        assert renderer.render(template, data).rgba[:, :, 3].any()


def test_a_theme_changes_the_colours(qapp) -> None:
    studio = CardRenderer(1280, 720, Theme.named("studio")).render("qa", SAMPLES["qa"])
    daylight = CardRenderer(1280, 720, Theme.named("daylight")).render("qa", SAMPLES["qa"])
    assert studio.size == daylight.size
    # Dark panel against light panel.
    assert studio.rgba[:, :, :3].mean() < 80 < daylight.rgba[:, :, :3].mean()


def test_the_logo_is_drawn_on_the_lower_third(qapp, tmp_path: Path) -> None:
    with_logo = CardRenderer(1280, 720, Theme.load(_theme_file(tmp_path))).render(
        "lower_third", SAMPLES["lower_third"])
    without = CardRenderer(1280, 720, Theme.load(_theme_file(tmp_path, logo=None))).render(
        "lower_third", SAMPLES["lower_third"])
    height = with_logo.size[1]
    # The badge's yellow rim: plenty of yellow in the logo's square, none without a logo.
    square = lambda card: card.rgba[:, 30:30 + height]  # noqa: E731
    yellow = lambda img: ((img[:, :, 0] > 200) & (img[:, :, 1] > 150) & (img[:, :, 2] < 80)).sum()  # noqa: E731
    assert yellow(square(with_logo)) > 200 and yellow(square(without)) == 0


@pytest.mark.parametrize(("changes", "message"), [
    ({"primary": "blue"}, "primary: 'blue' is not a colour"),
    ({"accent": "#12345"}, "accent: '#12345' is not a colour"),
    ({"panel": None}, "missing key 'panel'"),
    ({"logo": "missing.png"}, "logo"),
    ({"motion": {"enter": "spin"}}, "motion: 'spin' is not one of cut, fade, slide"),
    ({"motion": {"seconds": 9}}, "motion.seconds must be between 0 and 5"),
    ({"durations": {"qa": -1}}, "durations must not be negative"),
    ({"font_files": ["nope.ttf"]}, "Qt cannot load this font file"),
])
def test_bad_theme_files_are_refused_with_the_reason(qapp, tmp_path: Path, changes, message) -> None:
    with pytest.raises((ThemeError, FontError), match=message.replace("(", r"\(")):
        Theme.load(_theme_file(tmp_path, **changes))


def test_unknown_theme_names_list_the_known_ones() -> None:
    with pytest.raises(ThemeError, match="known: daylight, studio"):
        Theme.named("nope")


def test_a_theme_can_bring_its_own_font_file(qapp, tmp_path: Path) -> None:
    # fonts-noto-cjk is a runtime package (scripts/debian-packages.txt); any font file will do.
    font = Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc")
    theme = Theme.load(_theme_file(tmp_path, font_files=[str(font)], font_family="Noto Serif CJK SC"))
    assert theme.family() == "Noto Serif CJK SC"
    assert "Noto Serif CJK SC" in load_font_files([font])
    serif = CardRenderer(1280, 720, theme).render("lower_third", SAMPLES["lower_third"])
    sans = CardRenderer(1280, 720, Theme.named("studio")).render("lower_third", SAMPLES["lower_third"])
    assert not np.array_equal(serif.rgba, sans.rgba)


def test_theme_defaults_for_motion_and_durations() -> None:
    theme = Theme.named("studio")
    assert (theme.motion.enter, theme.motion.leave, theme.motion.seconds) == ("slide", "fade", 0.4)
    assert theme.default_duration("clip_title") == 8 and theme.default_duration("qa") == 0


class _Clock:
    def __init__(self) -> None:
        self.now = FIXED_NOW

    def __call__(self) -> dt.datetime:
        return self.now


def test_a_live_clock_is_rendered_again_when_the_minute_changes(qapp) -> None:
    clock = _Clock()
    renderer = CardRenderer(640, 360, clock=clock)
    engine = ProgramEngine(TestPatternSource(640, 360), fps=25)
    engine.take("clock", renderer.render("clock", {}))
    engine.take("qa", renderer.render("qa", SAMPLES["qa"]))
    first = engine.on_air()["clock"]
    assert refresh_stale(engine, renderer) == []  # 19:30:15, stale at 19:31
    clock.now = FIXED_NOW.replace(minute=31, second=0)
    assert refresh_stale(engine, renderer) == ["clock"]
    second = engine.on_air()["clock"]
    assert second.data == first.data == {} and not np.array_equal(second.rgba, first.rgba)
    assert second.refresh_at == FIXED_NOW.replace(minute=32, second=0)
    assert refresh_stale(engine, renderer) == []


def test_the_live_cards_thread_refreshes_by_itself(qapp, qtbot) -> None:
    clock = _Clock()
    renderer = CardRenderer(640, 360, clock=clock)
    engine = ProgramEngine(TestPatternSource(640, 360), fps=25)
    engine.take("clock", renderer.render("clock", {}))
    first = engine.on_air()["clock"]
    live = LiveCards(engine, renderer, interval_s=0.02)
    live.start()
    try:
        clock.now = FIXED_NOW + dt.timedelta(minutes=5)
        qtbot.waitUntil(lambda: engine.on_air()["clock"] is not first, timeout=3000)
    finally:
        live.stop()
