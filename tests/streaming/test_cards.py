"""Card templates: every template renders, inside the title-safe area, in real Chinese glyphs;
bad data gets a clear error."""

from __future__ import annotations

import re
from pathlib import Path

import cv2
import numpy as np
import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor, QImage, QPainter

from tests.conftest import REPO
from tests.streaming.conftest import SAMPLES
from videohelp.streaming.cards import TITLE_SAFE, CardError, CardRenderer, templates

SIZES = ((1280, 720), (1920, 1080), (3840, 2160), (720, 1280), (1080, 1920))  # and vertical


def test_every_shipped_template_has_a_sample() -> None:
    assert set(templates()) == set(SAMPLES)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_each_template_renders_a_premultiplied_image_with_content(renderer, name) -> None:
    card = renderer.render(name, SAMPLES[name])
    height, width = card.rgba.shape[:2]
    assert card.rgba.dtype == np.uint8 and card.rgba.shape[2] == 4
    assert width > 100 and height > 50
    alpha = card.rgba[:, :, 3]
    assert (alpha > 0).mean() > 0.5, "mostly panel"
    # Premultiplied: no colour channel exceeds its alpha.
    assert (card.rgba[:, :, :3].max(axis=2) <= alpha).all()
    # Text drawn: the panel is not one flat colour.
    assert len(np.unique(card.rgba.reshape(-1, 4), axis=0)) > 20


FORMATTED = {"level", "time", "next_time"}  # fields with a fixed format keep the sample's value


def _longest(name: str) -> dict:
    """The sample with every free text field at its longest allowed length."""
    data = dict(SAMPLES[name])
    for spec in templates()[name].fields:
        if spec.kind == "text" and spec.name in data and spec.name not in FORMATTED:
            data[spec.name] = ("很长的文字ABC，" * 100)[:spec.max_chars]
        elif spec.kind == "lines" and spec.name in data:
            data[spec.name] = [("很长的通知，" * 100)[:spec.max_chars]]
    return data


@pytest.mark.parametrize(("width", "height"), SIZES)
@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_cards_stay_inside_the_title_safe_area(qapp, name, width, height) -> None:
    renderer = CardRenderer(width, height)
    long_data = _longest(name)
    for data in (SAMPLES[name], long_data):
        card = renderer.render(name, data)
        card_w, card_h = card.size
        margin_x, margin_y = width * (1 - TITLE_SAFE) / 2, height * (1 - TITLE_SAFE) / 2
        assert card.x >= margin_x - 0.5 and card.y >= margin_y - 0.5, (name, card.x, card.y)
        assert card.x + card_w <= width - margin_x + 0.5, (name, card.x, card_w)
        assert card.y + card_h <= height - margin_y + 0.5, (name, card.y, card_h)


# A full card set at once: the question (or the expert's card, in the same place), the QR card,
# the lower third, the ticker, the clip title and the clock never cover each other.
FULL_SETS = (("qa", "qr", "lower_third", "ticker", "clip_title", "clock"),
             ("expert", "qr", "lower_third", "ticker", "clip_title", "clock"))


@pytest.mark.parametrize(("width", "height"), SIZES)
@pytest.mark.parametrize("names", FULL_SETS)
def test_a_full_card_set_never_overlaps_landscape_or_vertical(qapp, names, width, height) -> None:
    renderer = CardRenderer(width, height)
    boxes = []
    for name in names:
        card = renderer.render(name, _longest(name))
        alpha = card.rgba[:, :, 3] > 0  # the card's painted pixels, not its transparent corners
        boxes.append((name, np.zeros((height, width), bool)))
        boxes[-1][1][card.y:card.y + alpha.shape[0], card.x:card.x + alpha.shape[1]] = alpha
    for i, (a, mask_a) in enumerate(boxes):
        for b, mask_b in boxes[i + 1:]:
            assert not (mask_a & mask_b).any(), f"{a} covers {b} at {width}x{height}"


def test_a_vertical_frame_gives_the_question_the_whole_width(qapp) -> None:
    vertical, landscape = CardRenderer(720, 1280), CardRenderer(1280, 720)
    qa = vertical.render("qa", SAMPLES["qa"])
    assert qa.size[0] == round(vertical.safe.width())  # the whole safe width, not 62 % of it
    assert vertical.unit == landscape.unit == 720 / 1080  # design pixels: the short side
    qr = vertical.render("qr", SAMPLES["qr"])
    assert qr.y + qr.size[1] <= qa.y  # stacked above the question, not beside it


def test_cards_scale_with_the_program_size(qapp) -> None:
    small = CardRenderer(1280, 720).render("lower_third", SAMPLES["lower_third"])
    large = CardRenderer(3840, 2160).render("lower_third", SAMPLES["lower_third"])
    assert large.size[0] == pytest.approx(small.size[0] * 3, abs=3)
    assert large.size[1] == pytest.approx(small.size[1] * 3, abs=3)


def _glyph(renderer: CardRenderer, char: str) -> np.ndarray:
    image = QImage(64, 64, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor("black"))
    painter = QPainter(image)
    painter.setFont(renderer.font(48))
    painter.setPen(QColor("white"))
    painter.drawText(QPointF(4, 52), char)
    painter.end()
    return CardRenderer.to_array(image)[:, :, 0]


def test_chinese_renders_as_glyphs_not_boxes(renderer) -> None:
    # QFontMetrics.inFont is unreliable for CJK; compare pixels with a character no
    # font has (U+10FFFD, private use): a missing glyph draws that same box or nothing.
    text = "".join(str(v) for data in SAMPLES.values() for v in data.values())
    text += "交警视频帮锦囊口袋一键办理拒绝非法中介专家解答下期预告提示扫码"
    chars = sorted({c for c in text if "\u4e00" <= c <= "\u9fff"})
    missing = _glyph(renderer, "\U0010FFFD")
    images = {c: _glyph(renderer, c) for c in chars}
    for char, image in images.items():
        assert image.max() > 128, f"{char} drew nothing"
        assert not np.array_equal(image, missing), f"{char} drew the missing-glyph box"
    distinct = {image.tobytes() for image in images.values()}
    assert len(distinct) == len(chars), "different characters must look different"


def test_a_card_shows_the_chinese_text_not_boxes(renderer) -> None:
    real = renderer.render("lower_third", {"name": "张警官"}).rgba
    boxes = renderer.render("lower_third", {"name": "\U0010FFFD" * 3}).rgba
    assert not np.array_equal(real, boxes)


def test_qr_card_encodes_its_url(renderer) -> None:
    card = renderer.render("qr", SAMPLES["qr"])
    bgr = np.ascontiguousarray(card.rgba[:, :, 2::-1])
    text, _, _ = cv2.QRCodeDetector().detectAndDecode(bgr)
    assert text == "https://gab.122.gov.cn/"


def test_qr_card_takes_the_link_of_an_item(renderer) -> None:
    item = next(i for i in renderer.catalog.items.values() if i.link)
    card = renderer.render("qr", {"item": item.code})
    text, _, _ = cv2.QRCodeDetector().detectAndDecode(np.ascontiguousarray(card.rgba[:, :, 2::-1]))
    assert text == item.link


def test_ticker_strip_windows_are_plain_slices(renderer) -> None:
    card = renderer.render("ticker", SAMPLES["ticker"])
    crawl = card.crawl
    assert crawl is not None
    assert crawl.strip.shape[1] == crawl.lead + crawl.period + crawl.width
    assert crawl.period >= crawl.width
    # It enters from the right: the first window is background only...
    first = crawl.strip[:, :crawl.width]
    assert len(np.unique(first.reshape(-1, 4), axis=0)) == 1
    # ...and it loops seamlessly: one period later the window is the same.
    for travelled in (crawl.lead, crawl.lead + 37):
        start = crawl.window_start(travelled)
        again = crawl.window_start(travelled + crawl.period)
        assert np.array_equal(crawl.strip[:, start:start + crawl.width],
                              crawl.strip[:, again:again + crawl.width])
    # The still (for PNGs) shows the text at its first full view.
    view = card.rgba[:, crawl.x:crawl.x + crawl.width]
    assert np.array_equal(view, crawl.strip[:, crawl.lead:crawl.lead + crawl.width])
    assert not card.base_rgba()[:, crawl.x:crawl.x + crawl.width].any()


def test_live_clock_says_when_it_goes_stale(renderer) -> None:
    live = renderer.render("clock", {})
    assert live.refresh_at is not None and live.refresh_at.minute == 31 and live.refresh_at.second == 0
    fixed = renderer.render("clock", {"time": "08:00"})
    assert fixed.refresh_at is None
    assert not np.array_equal(live.rgba, fixed.rgba)


BAD = [
    ("nope", {}, "unknown template 'nope'"),
    ("qa", {"questio": "x"}, "has no field(s): questio"),
    ("qa", {}, "needs field 'question'"),
    ("qa", {"question": "   "}, "needs field 'question'"),
    ("qa", {"question": ["a"]}, "qa.question must be text"),
    ("qa", {"question": True}, "qa.question must be text"),
    ("qa", {"question": "问" * 301}, "longer than 300"),
    ("qa", {"question": "怎么办", "item": "XX99"}, "unknown item code 'XX99'"),
    ("qr", {"caption": "扫码"}, "qr needs field 'url'"),
    ("qr", {"url": "javascript:alert(1)"}, "must be an http(s) URL"),
    ("ticker", {"text": [1, 2]}, "ticker.text must be text or a list"),
    ("ticker", {"text": "x", "level": "panic"}, "ticker.level must be one of"),
    ("ticker", {"text": "x", "speed": 5000}, "ticker.speed must be between"),
    ("ticker", {"text": "x", "speed": "fast"}, "ticker.speed must be a number"),
    ("clock", {"time": "25:00"}, "clock.time must be HH:MM"),
    ("clock", {"next_time": "周三"}, "needs clock.next_title"),
]


@pytest.mark.parametrize(("name", "data", "message"), BAD)
def test_bad_card_data_gets_a_clear_error(renderer, name, data, message) -> None:
    with pytest.raises(CardError, match=re.escape(message)):
        renderer.render(name, data)


def test_card_data_must_be_an_object(renderer) -> None:
    with pytest.raises(CardError, match="must be an object"):
        renderer.render("qa", ["question"])  # type: ignore[arg-type]


def test_numbers_are_accepted_as_text(renderer) -> None:
    card = renderer.render("clip_title", {"title": "第", "episode": 12})
    assert card.data["episode"] == "12"


def test_docs_describe_every_template_and_field() -> None:
    doc = (REPO / "docs" / "cards.md").read_text(encoding="utf-8")
    for name, spec in templates().items():
        assert f"`{name}`" in doc, name
        section = doc.split(f"### `{name}`", 1)[1].split("\n### ", 1)[0]
        for field in spec.fields:
            assert f"`{field.name}`" in section, f"{name}.{field.name} undocumented"


def test_rendering_the_same_card_twice_gives_the_same_pixels(renderer, tmp_path: Path) -> None:
    first = renderer.render("qa", SAMPLES["qa"])
    second = renderer.render("qa", SAMPLES["qa"])
    assert np.array_equal(first.rgba, second.rgba)
