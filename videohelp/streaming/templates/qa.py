"""The question-and-answer card: masked viewer name, question, official short answer, item badge."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRectF, Qt

from videohelp.streaming.cards import CardRenderer, Field, RenderedCard, template
from videohelp.streaming.templates.layout import above_lower_third, share


@template("qa", (
    Field("question", required=True, help="the viewer's question (already masked)", max_chars=300),
    Field("answer", help="the official short answer (knowledge base short_answer)", max_chars=160),
    Field("viewer", help="the viewer's masked name, e.g. 杭**王", max_chars=40),
    Field("item", kind="item", help="business item code, e.g. DL-07: shows its name and class"),
), "Question-and-answer card, bottom left above the lower third.")
def draw(r: CardRenderer, data: dict[str, Any]) -> RenderedCard:
    theme = r.theme
    width = share(r, 0.62)
    height = r.px(300 if "answer" in data else 190)
    image, painter = r.canvas(width, height)
    r.panel(painter, QRectF(0, 0, width, height), theme.panel, r.px(18))
    pad = r.px(28)
    badge_h = r.px(46)
    item = r.item(data.get("item"))
    if item is not None:
        colour = theme.class_colours.get(item.klass, theme.primary)
        badge = QRectF(pad, pad, r.px(150), badge_h)
        r.badge(painter, badge, item.klass, colour)
        r.text(painter, QRectF(badge.right() + r.px(16), pad, width - badge.right() - 2 * pad, badge_h),
               item.name_zh, 26, theme.muted, wrap=False, min_px=16)
    else:
        r.brand(painter, QRectF(pad, pad, width - 2 * pad, badge_h), theme.emphasis)
    top = pad + badge_h + r.px(10)
    viewer = data.get("viewer", "")
    # The viewer's name is plain text in the image: a name is never markup here.
    question = f"{viewer}：{data['question']}" if viewer else data["question"]
    q_height = r.px(90)
    r.text(painter, QRectF(pad, top, width - 2 * pad, q_height), question, 36, theme.text,
           bold=True, min_px=22)
    if "answer" in data:
        a_top = top + q_height + r.px(10)
        painter.fillRect(QRectF(pad, a_top, r.px(6), height - a_top - pad), theme.accent)
        r.text(painter, QRectF(pad + r.px(20), a_top, width - 2 * pad - r.px(20), height - a_top - pad),
               data["answer"], 32, theme.emphasis, min_px=20,
               align=Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    return r.finish("qa", data, image, painter, r.safe.left(), above_lower_third(r, height),
                    enter_from="left")
