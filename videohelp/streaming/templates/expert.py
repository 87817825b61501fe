"""The expert-answer card: who answers (name, role) and the answer, with an optional question."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRectF

from videohelp.streaming.cards import CardRenderer, Field, RenderedCard, template
from videohelp.streaming.templates.layout import above_lower_third, share


@template("expert", (
    Field("name", required=True, help="the expert's name, e.g. 李警官", max_chars=40),
    Field("answer", required=True, help="the expert's answer", max_chars=400),
    Field("role", help="the expert's role, e.g. 车管所民警", max_chars=60),
    Field("question", help="the question answered (already masked)", max_chars=200),
    Field("item", kind="item", help="business item code: shows its class and name"),
    Field("label", help="header text (default 专家解答)", max_chars=12),
), "Expert-answer card, bottom left above the lower third (in place of the Q&A card).")
def draw(r: CardRenderer, data: dict[str, Any]) -> RenderedCard:
    theme = r.theme
    width = share(r, 0.70)
    height = r.px(400 if "question" in data else 340)
    image, painter = r.canvas(width, height)
    r.panel(painter, QRectF(0, 0, width, height), theme.panel, r.px(18))
    header_h = r.px(64)
    r.panel(painter, QRectF(0, 0, width, header_h), theme.primary, r.px(18))
    painter.fillRect(QRectF(0, header_h - r.px(18), width, r.px(18)), theme.primary)
    pad = r.px(28)
    label = QRectF(pad, r.px(10), r.px(170), header_h - r.px(20))
    r.badge(painter, label, data.get("label", "专家解答"), theme.accent, theme.primary, px=26)
    who = " · ".join(part for part in (data["name"], data.get("role", "")) if part)
    r.text(painter, QRectF(label.right() + r.px(20), 0, width * 0.5, header_h), who, 30,
           theme.on_primary, bold=True, wrap=False, min_px=16)
    item = r.item(data.get("item"))
    if item is not None:
        colour = theme.class_colours.get(item.klass, theme.accent)
        tag = QRectF(width - pad - r.px(300), r.px(12), r.px(300), header_h - r.px(24))
        r.badge(painter, tag, f"{item.klass} · {item.name_zh}", colour, px=22)
    top = header_h + r.px(16)
    if "question" in data:
        r.text(painter, QRectF(pad, top, width - 2 * pad, r.px(60)), f"问：{data['question']}", 28,
               theme.muted, min_px=18)
        top += r.px(66)
    r.text(painter, QRectF(pad, top, width - 2 * pad, height - top - pad), data["answer"], 34,
           theme.text, min_px=20)
    return r.finish("expert", data, image, painter, r.safe.left(), above_lower_third(r, height),
                    enter_from="left")
