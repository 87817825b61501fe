"""The 锦囊口袋 clip title: shown over a short explainer clip, top left."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRectF

from videohelp.streaming.cards import CardRenderer, Field, RenderedCard, template
from videohelp.streaming.templates.layout import share


@template("clip_title", (
    Field("title", required=True, help="the clip's title, e.g. 驾驶证到期换证三步走", max_chars=60),
    Field("subtitle", help="one line under the title", max_chars=80),
    Field("episode", help="episode or number, e.g. 第12期", max_chars=12),
    Field("label", help="series label (default 锦囊口袋)", max_chars=12),
), "锦囊口袋 clip title, top left.")
def draw(r: CardRenderer, data: dict[str, Any]) -> RenderedCard:
    theme = r.theme
    width = share(r, 0.46, 0.56)  # vertical: beside the clock (400 design px) at top right
    height = r.px(170 if "subtitle" in data else 124)
    image, painter = r.canvas(width, height)
    tag_h = r.px(44)
    tag = QRectF(0, 0, r.px(170), tag_h)
    r.badge(painter, tag, data.get("label", "锦囊口袋"), theme.accent, theme.primary, px=26)
    if "episode" in data:
        r.text(painter, QRectF(tag.right() + r.px(12), 0, r.px(200), tag_h), data["episode"], 24,
               theme.accent, bold=True, wrap=False, min_px=14)
    body = QRectF(0, tag_h + r.px(6), width, height - tag_h - r.px(6))
    r.panel(painter, body, theme.panel, r.px(14))
    painter.fillRect(QRectF(0, body.top(), r.px(10), body.height()), theme.accent)
    pad = r.px(28)
    title_h = r.px(70)
    r.text(painter, QRectF(pad, body.top(), width - 2 * pad, title_h), data["title"], 44,
           theme.text, bold=True, wrap=False, min_px=24)
    if "subtitle" in data:
        r.text(painter, QRectF(pad, body.top() + title_h - r.px(6), width - 2 * pad, r.px(50)),
               data["subtitle"], 28, theme.muted, wrap=False, min_px=16)
    return r.finish("clip_title", data, image, painter, r.safe.left(), r.safe.top(), enter_from="top")
