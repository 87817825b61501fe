"""The clock / next-show card, top right.

Without a ``time`` field it is a live clock: it shows the renderer's current
time and says when it goes stale (``refresh_at``, the next minute), and the
program's ``LiveCards`` re-renders it then: once a minute, never per frame.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from PySide6.QtCore import QRectF, Qt

from videohelp.streaming.cards import CardError, CardRenderer, Field, RenderedCard, template

WEEKDAYS = "一二三四五六日"
_TIME = re.compile(r"^([01]?\d|2[0-3]):[0-5]\d$")


def _check(r: CardRenderer, data: dict[str, Any]) -> None:
    if "time" in data and not _TIME.match(data["time"]):
        raise CardError(f"clock.time must be HH:MM, not {data['time']!r}")
    if "next_time" in data and "next_title" not in data:
        raise CardError("clock.next_time needs clock.next_title")


@template("clock", (
    Field("time", help="fixed time HH:MM (default: a live clock)", max_chars=5),
    Field("date", help="date line (default: today, e.g. 11月28日 星期六)", max_chars=20),
    Field("next_title", help="next show's title: adds a 下期预告 line", max_chars=40),
    Field("next_time", help="next show's time, e.g. 周三 19:00", max_chars=20),
    Field("label", help="label of the next-show line (default 下期预告)", max_chars=8),
), "Clock with the date and, optionally, the next show; top right.", check=_check)
def draw(r: CardRenderer, data: dict[str, Any]) -> RenderedCard:
    theme = r.theme
    now = r.clock()
    live = "time" not in data
    shown_time = now.strftime("%H:%M") if live else data["time"]
    date = data.get("date") or f"{now.month}月{now.day}日 星期{WEEKDAYS[now.weekday()]}"
    width = r.px(400)
    has_next = "next_title" in data
    height = r.px(200 if has_next else 110)
    image, painter = r.canvas(width, height)
    r.panel(painter, QRectF(0, 0, width, height), theme.panel, r.px(16))
    pad = r.px(20)
    r.text(painter, QRectF(pad, 0, r.px(150), r.px(110)), shown_time, 52, theme.text, bold=True,
           wrap=False, min_px=24)
    r.text(painter, QRectF(pad + r.px(160), r.px(14), width - 2 * pad - r.px(160), r.px(40)),
           theme.logo_text, 24, theme.emphasis, bold=True, wrap=False, min_px=12,
           align=Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    r.text(painter, QRectF(pad + r.px(160), r.px(56), width - 2 * pad - r.px(160), r.px(40)),
           date, 24, theme.muted, wrap=False, min_px=12,
           align=Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    if has_next:
        painter.fillRect(QRectF(pad, r.px(110), width - 2 * pad, r.px(2)), theme.muted)
        tag = QRectF(pad, r.px(124), r.px(120), r.px(36))
        r.badge(painter, tag, data.get("label", "下期预告"), theme.accent, theme.primary, px=20)
        if "next_time" in data:
            r.text(painter, QRectF(tag.right() + r.px(10), tag.top(), width - tag.right() - r.px(30),
                                   tag.height()), data["next_time"], 22, theme.emphasis, bold=True,
                   wrap=False, min_px=12)
        r.text(painter, QRectF(pad, r.px(160), width - 2 * pad, r.px(36)), data["next_title"], 26,
               theme.text, bold=True, wrap=False, min_px=14)
    refresh = (now.replace(second=0, microsecond=0) + dt.timedelta(minutes=1)) if live else None
    return r.finish("clock", data, image, painter, r.safe.right() - width, r.safe.top(),
                    enter_from="right", refresh_at=refresh)
