"""The 一键办理 card: a QR code to the online service and a caption, right of the Q&A card.

The code is drawn module by module on whole pixels (no smoothing), with the
standard 4-module quiet zone in white, so a phone pointed at the screen or
the stream reads it; tests decode it back with OpenCV.
"""

from __future__ import annotations

from typing import Any

import segno
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor

from videohelp.streaming.cards import CardError, CardRenderer, Field, RenderedCard, template
from videohelp.streaming.templates.layout import qr_top

QUIET_ZONE = 4


def _url(r: CardRenderer, data: dict[str, Any]) -> str:
    item = r.item(data.get("item"))
    return data.get("url") or (item.link if item is not None else "")


def _check(r: CardRenderer, data: dict[str, Any]) -> None:
    if not _url(r, data):
        if "item" in data:
            raise CardError(f"qr: item {data['item']!r} has no online link; give the field 'url'")
        raise CardError("qr needs field 'url' (or an 'item' that has an online link)")


@template("qr", (
    Field("url", kind="url", help="the address the code opens (default: the item's online link)",
          max_chars=300),
    Field("caption", help="text under the code (default: 扫码办理 + the item's name)", max_chars=40),
    Field("title", help="header (default 一键办理)", max_chars=12),
    Field("item", kind="item", help="business item code: its link and name"),
), "一键办理 card: QR code with a caption, bottom right above the ticker.", check=_check)
def draw(r: CardRenderer, data: dict[str, Any]) -> RenderedCard:
    theme = r.theme
    url = _url(r, data)
    item = r.item(data.get("item"))
    caption = data.get("caption") or (f"扫码办理：{item.name_zh}" if item else "扫码一键办理")
    qr = segno.make(url, error="m", micro=False)
    modules = int(qr.symbol_size(scale=1, border=QUIET_ZONE)[0])
    module_px = max(2, int(r.px(250) // modules))  # whole pixels per module: crisp edges
    side = modules * module_px
    pad = int(r.px(24))
    header_h = int(r.px(56))
    caption_h = int(r.px(84))
    width = side + 2 * pad
    height = header_h + side + caption_h + pad
    image, painter = r.canvas(width, height)
    r.panel(painter, QRectF(0, 0, width, height), theme.panel, r.px(18))
    r.text(painter, QRectF(pad, 0, width - 2 * pad, header_h), data.get("title", "一键办理"), 34,
           theme.emphasis, bold=True, wrap=False, align=Qt.AlignmentFlag.AlignCenter)
    painter.setRenderHint(painter.RenderHint.Antialiasing, False)
    top = header_h
    painter.fillRect(pad, top, side, side, QColor("white"))
    black = QColor("black")
    for row, line in enumerate(qr.matrix_iter(scale=1, border=QUIET_ZONE)):
        for col, dark in enumerate(line):
            if dark:
                painter.fillRect(pad + col * module_px, top + row * module_px, module_px, module_px,
                                 black)
    painter.setRenderHint(painter.RenderHint.Antialiasing, True)
    r.text(painter, QRectF(pad, top + side + r.px(6), width - 2 * pad, caption_h - r.px(6)), caption,
           28, theme.text, bold=True, min_px=16, align=Qt.AlignmentFlag.AlignCenter)
    x = r.safe.right() - width
    y = qr_top(r, height)  # beside the lower third (vertical frame: above the question)
    return r.finish("qr", data, image, painter, x, y, enter_from="right")
