"""Text fitting: shrink, then wrap, then drop whole grapheme clusters; never cut a character."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter

from videohelp.streaming.cards import CardRenderer
from videohelp.streaming.fonts import cjk_font
from videohelp.streaming.textfit import ELLIPSIS, draw_fitted, fit_text, grapheme_boundaries

BOX = QRectF(0, 0, 400, 100)

FAMILY = "\U0001F468\u200d\U0001F469\u200d\U0001F467"  # one cluster, five code points (ZWJ)
FLAG = "\U0001F1E8\U0001F1F3"  # a regional-indicator pair
COMBINING = "e\u0301"  # e + combining acute


def _check_prefix(original: str, fitted_text: str) -> None:
    """``fitted_text`` is the input cut at a grapheme boundary (plus … if cut)."""
    body = fitted_text.removesuffix(ELLIPSIS)
    assert original.startswith(body) or original.replace("\n", "\u2028").startswith(body)
    if fitted_text.endswith(ELLIPSIS):
        cut = len(body)
        # rstrip may drop trailing spaces: the cut is where the body ends, before any space
        assert cut in grapheme_boundaries(original) or original[cut:cut + 1].isspace()


def test_short_text_keeps_the_base_size(qapp) -> None:
    fitted = fit_text("张警官", cjk_font(40), BOX, min_px=12)
    assert fitted.font.pixelSize() == 40 and not fitted.elided and fitted.lines == ("张警官",)


def test_text_shrinks_before_it_wraps(qapp) -> None:
    text = "驾驶证到期换证三步走线上办理"
    fitted = fit_text(text, cjk_font(60), QRectF(0, 0, 500, 80), min_px=12, wrap=True)
    assert fitted.font.pixelSize() < 60
    assert fitted.text == text and not fitted.elided
    assert fitted.width <= 500.5 and fitted.height <= 80.5


def test_long_chinese_wraps_between_characters_and_fits(qapp) -> None:
    text = "驾驶证有效期满前九十日内可以申请换证，可以通过交管一二一二三在线办理，新证邮寄到家。" * 2
    fitted = fit_text(text, cjk_font(30), QRectF(0, 0, 300, 200), min_px=20)
    assert len(fitted.lines) > 1
    assert "".join(fitted.lines) == fitted.text
    assert fitted.height <= 200.5 and fitted.width <= 300.5
    # Closing punctuation never starts a line (Unicode line breaking).
    assert not any(line.startswith(("，", "。")) for line in fitted.lines[1:])


def test_too_long_text_is_elided_at_a_character(qapp) -> None:
    text = "很长的问题" * 100
    fitted = fit_text(text, cjk_font(30), BOX, min_px=20)
    assert fitted.elided and fitted.text.endswith(ELLIPSIS)
    assert fitted.font.pixelSize() == 20
    _check_prefix(text, fitted.text)


@pytest.mark.parametrize("unit", [FAMILY, FLAG, COMBINING, "\U00020000", "a"])
def test_elision_never_splits_a_grapheme_cluster(qapp, unit: str) -> None:
    text = "问" + unit * 200
    for wrap in (True, False):
        fitted = fit_text(text, cjk_font(30), QRectF(0, 0, 200, 45), min_px=20, wrap=wrap)
        assert fitted.elided
        body = fitted.text.removesuffix(ELLIPSIS)
        assert (len(body) - 1) % len(unit) == 0, f"{unit!r} cut in the middle: {body!r}"
        for line in fitted.lines:
            stripped = line.removesuffix(ELLIPSIS)
            if stripped.startswith("问"):
                stripped = stripped[1:]
            assert len(stripped) % len(unit) == 0, f"a line splits {unit!r}"


def test_wrapped_lines_break_only_between_clusters(qapp) -> None:
    text = (FAMILY + "办理" + COMBINING + FLAG) * 15
    fitted = fit_text(text, cjk_font(30), QRectF(0, 0, 220, 400), min_px=20)
    bounds = set(grapheme_boundaries(fitted.text))
    position = 0
    for line in fitted.lines[:-1]:
        position += len(line)
        assert position in bounds, f"line break inside a cluster at {position}"


def test_grapheme_boundaries(qapp) -> None:
    assert grapheme_boundaries("a" + FAMILY + "b") == [0, 1, 1 + len(FAMILY), 2 + len(FAMILY)]
    assert grapheme_boundaries(COMBINING * 2) == [0, 2, 4]
    assert grapheme_boundaries("") == [0]


def _ink_outside(box: QRectF, text: str, wrap: bool) -> tuple[int, int]:
    image = QImage(600, 300, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor("black"))
    painter = QPainter(image)
    painter.setPen(QColor("white"))
    draw_fitted(painter, box, text, cjk_font(40), min_px=16, wrap=wrap,
                align=Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    painter.end()
    pixels = CardRenderer.to_array(image)[:, :, 0]
    inside = np.zeros_like(pixels, bool)
    inside[int(box.top()):int(box.bottom()) + 1, int(box.left()):int(box.right()) + 1] = True
    return int((pixels[~inside] > 0).sum()), int((pixels[inside] > 0).sum())


@pytest.mark.parametrize("wrap", [True, False])
def test_drawn_text_stays_inside_its_box(qapp, wrap: bool) -> None:
    box = QRectF(100, 100, 300, 90)
    outside, inside = _ink_outside(box, "拒绝非法中介，谨防诈骗，驾驶证业务请到车管所窗口办理" * 3, wrap)
    assert inside > 500 and outside == 0


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.lists(st.sampled_from(
    ["驾", "照", "，", "。", " ", "A", "1", FAMILY, FLAG, COMBINING, "\U00020000", "\n"]),
    min_size=1, max_size=120).map("".join),
    width=st.integers(60, 500), height=st.integers(30, 200))
def test_any_text_fits_without_cutting_a_cluster(qapp, text: str, width: int, height: int) -> None:
    box = QRectF(0, 0, width, height)
    fitted = fit_text(text, cjk_font(36), box, min_px=12)
    assert "".join(fitted.lines) == fitted.text
    if not fitted.elided:
        assert fitted.height <= height + 0.5 and fitted.width <= width + 0.5
    body = fitted.text.removesuffix(ELLIPSIS) if fitted.elided else fitted.text
    tidy = "\u2028".join(" ".join(part.split()) for part in text.strip().splitlines())
    assert tidy.startswith(body)
    if fitted.elided and body:
        assert len(body) in grapheme_boundaries(tidy) or tidy[len(body)].isspace()
