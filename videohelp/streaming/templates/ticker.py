"""The scrolling ticker: 拒绝非法中介 warnings and notices along the bottom of the title-safe area.

Rendered once: a band (label box and background) and a strip holding the
whole text. On air only the strip's offset changes per frame (see
``cards.Crawl``); the text enters from the right edge and then loops with a
gap, at a whole number of pixels per frame so that the motion is even.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt

from videohelp.streaming.cards import CardError, CardRenderer, Crawl, Field, RenderedCard, template
from videohelp.streaming.templates.layout import TICKER_H, ticker_top
from videohelp.streaming.textfit import text_width

SEPARATOR = "　◆　"
LEVELS = {"notice": "提示", "warning": "拒绝非法中介"}


def _check(r: CardRenderer, data: dict[str, Any]) -> None:
    level = data.get("level", "notice")
    if level not in LEVELS:
        raise CardError(f"ticker.level must be one of {', '.join(LEVELS)}, not {level!r}")
    speed = data.get("speed", 120.0)
    if not 30 <= speed <= 600:
        raise CardError("ticker.speed must be between 30 and 600 (pixels per second at 1080p)")


@template("ticker", (
    Field("text", kind="lines", required=True, max_chars=240,
          help="the notice, or a list of notices shown one after another"),
    Field("label", help="text of the label box (default by level)", max_chars=12),
    Field("level", help="notice (accent label, 提示) or warning (red label, 拒绝非法中介)", max_chars=10),
    Field("speed", kind="number", help="scroll speed in pixels per second at 1080p (default 120)"),
), "Scrolling ticker along the bottom of the title-safe area.", check=_check)
def draw(r: CardRenderer, data: dict[str, Any]) -> RenderedCard:
    theme = r.theme
    level = data.get("level", "notice")
    label = data.get("label") or LEVELS[level]
    label_colour = theme.warning if level == "warning" else theme.accent
    label_text_colour = theme.on_primary if level == "warning" else theme.primary
    width, height = round(r.safe.width()), round(r.px(TICKER_H))
    radius = round(r.px(8))
    label_font = r.font(30, bold=True)
    label_w = round(min(width * 0.3, text_width(label, label_font) + r.px(48)))
    view_x, view_w = label_w, width - label_w - radius

    image, painter = r.canvas(width, height)
    r.panel(painter, QRectF(0, 0, width, height), theme.ticker_panel, radius)
    r.panel(painter, QRectF(0, 0, label_w, height), label_colour, radius)
    painter.fillRect(QRectF(label_w - radius, 0, radius, height), label_colour)
    r.text(painter, QRectF(0, 0, label_w, height), label, 30, label_text_colour, bold=True,
           wrap=False, min_px=14, align=Qt.AlignmentFlag.AlignCenter)
    painter.end()
    base = r.to_array(image)

    text = SEPARATOR.join(" ".join(notice.split()) for notice in data["text"])
    font = r.font(32, bold=True)
    text_w = round(text_width(text, font))
    period = max(text_w + round(r.px(160)), view_w)
    tile_image, tile_painter = r.canvas(period, height)
    tile_painter.fillRect(QRectF(0, 0, period, height), theme.ticker_panel)
    tile_painter.setPen(theme.text)
    tile_painter.setFont(font)
    metrics_h = tile_painter.fontMetrics()
    baseline = (height + metrics_h.ascent() - metrics_h.descent()) / 2
    tile_painter.drawText(QPointF(0, baseline), text)
    tile_painter.end()
    tile = r.to_array(tile_image)
    lead = np.repeat(tile[:, -1:], view_w, axis=1)  # the background, continuing the band
    strip = np.ascontiguousarray(np.concatenate((lead, tile, tile[:, :view_w]), axis=1))

    crawl = Crawl(strip, view_x, 0, view_w, period, float(data.get("speed", 120.0)) * r.unit)
    still = base.copy()  # the text at its first full view, for `card render` and previews
    still[:, view_x:view_x + view_w] = strip[:, view_w:2 * view_w]
    data = dict(data)
    return _placed(r, data, still, crawl)


def _placed(r: CardRenderer, data: dict[str, Any], still: np.ndarray, crawl: Crawl) -> RenderedCard:
    x, y = round(r.safe.left()), round(ticker_top(r))
    return RenderedCard("ticker", data, still, x, y, enter_from="bottom", crawl=crawl,
                        frame_size=(r.width, r.height))
