"""The host's lower third: name, rank and unit."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor

from videohelp.streaming.cards import CardRenderer, Field, RenderedCard, template
from videohelp.streaming.templates.layout import LOWER_THIRD_H, lower_third_top, share


@template("lower_third", (
    Field("name", required=True, help="the host's or guest's name, e.g. 张警官", max_chars=40),
    Field("rank", help="rank or title, e.g. 一级警长", max_chars=40),
    Field("unit", help="unit, e.g. 杭州市公安局交通警察支队", max_chars=60),
), "The host's lower third: name, rank and unit, bottom left above the ticker.")
def draw(r: CardRenderer, data: dict[str, Any]) -> RenderedCard:
    theme = r.theme
    width, height = share(r, 0.42, 0.75), r.px(LOWER_THIRD_H)
    image, painter = r.canvas(width, height)
    r.panel(painter, QRectF(0, 0, width, height), theme.primary, r.px(12))
    painter.fillRect(QRectF(0, 0, r.px(12), height), theme.accent)
    pad = r.px(32)
    left = pad
    if theme.logo is not None:
        logo = QRectF(pad, r.px(20), height - r.px(40), height - r.px(40))
        theme.draw_logo(painter, logo)
        left = logo.right() + r.px(20)
    r.text(painter, QRectF(left, r.px(8), width - left - pad, r.px(62)), data["name"], 44,
           theme.on_primary, bold=True, wrap=False)
    subtitle = " · ".join(data[key] for key in ("rank", "unit") if key in data)
    if subtitle:
        soft = QColor(theme.on_primary)
        soft.setAlphaF(0.8)
        r.text(painter, QRectF(left, r.px(68), width - left - pad, r.px(44)), subtitle, 28, soft,
               wrap=False, min_px=16)
    return r.finish("lower_third", data, image, painter, r.safe.left(), lower_third_top(r),
                    enter_from="left")
