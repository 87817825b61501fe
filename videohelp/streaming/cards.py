"""Card templates rendered with Qt into premultiplied RGBA images, once per change.

A card is a template name and a dict of fields. ``CardRenderer.render``
returns a ``RenderedCard``: the image and where it sits on a frame of the
program's size, always inside the 90% title-safe area. Rendering needs a
QGuiApplication (fonts) but no widgets, and may run off the main thread.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath

from videohelp.console.catalog import Catalog, default_catalog
from videohelp.streaming.fonts import cjk_font
from videohelp.streaming.textfit import draw_fitted
from videohelp.streaming.theme import Theme

TITLE_SAFE = 0.90


class CardError(ValueError):
    """Unknown template or missing/invalid fields."""


@dataclass(frozen=True)
class RenderedCard:
    template: str
    data: dict[str, Any]
    rgba: np.ndarray  # HxWx4 uint8, premultiplied RGBA
    x: int
    y: int

    @property
    def size(self) -> tuple[int, int]:
        return self.rgba.shape[1], self.rgba.shape[0]

    def to_qimage(self) -> QImage:
        height, width = self.rgba.shape[:2]
        return QImage(self.rgba.data, width, height, width * 4,
                      QImage.Format.Format_RGBA8888_Premultiplied).copy()


@dataclass(frozen=True)
class Template:
    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...]
    description: str
    draw: Callable[[CardRenderer, dict[str, Any]], RenderedCard]


TEMPLATES: dict[str, Template] = {}


def template(name: str, required: tuple[str, ...], optional: tuple[str, ...], description: str):
    def register(func: Callable[[CardRenderer, dict[str, Any]], RenderedCard]):
        TEMPLATES[name] = Template(name, required, optional, description, func)
        return func
    return register


class CardRenderer:
    """Renders cards for a program frame of ``width`` x ``height``."""

    def __init__(self, width: int = 1920, height: int = 1080, theme: Theme | None = None,
                 catalog: Catalog | None = None) -> None:
        self.width, self.height = width, height
        self.theme = theme or Theme.load()
        self.catalog = catalog or default_catalog()
        margin_x = width * (1 - TITLE_SAFE) / 2
        margin_y = height * (1 - TITLE_SAFE) / 2
        self.safe = QRectF(margin_x, margin_y, width - 2 * margin_x, height - 2 * margin_y)
        self.unit = height / 1080  # layouts are designed at 1080p

    def render(self, name: str, data: dict[str, Any]) -> RenderedCard:
        spec = TEMPLATES.get(name)
        if spec is None:
            raise CardError(f"unknown template {name!r}; known: {', '.join(sorted(TEMPLATES))}")
        if not isinstance(data, dict):
            raise CardError("card data must be an object")
        missing = [f for f in spec.required if not str(data.get(f, "")).strip()]
        if missing:
            raise CardError(f"template {name!r} needs field(s): {', '.join(missing)}")
        unknown = set(data) - set(spec.required) - set(spec.optional)
        if unknown:
            raise CardError(f"template {name!r} has no field(s): {', '.join(sorted(unknown))}")
        return spec.draw(self, {k: str(v) if not isinstance(v, (list, dict)) else v
                                for k, v in data.items()})

    # -- helpers for templates -------------------------------------------------
    def px(self, value: float) -> float:
        return value * self.unit

    def canvas(self, width: float, height: float) -> tuple[QImage, QPainter]:
        image = QImage(int(width), int(height), QImage.Format.Format_RGBA8888_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        return image, painter

    def finish(self, name: str, data: dict[str, Any], image: QImage, painter: QPainter,
               x: float, y: float) -> RenderedCard:
        painter.end()
        width, height = image.width(), image.height()
        buffer = np.frombuffer(image.constBits(), np.uint8, count=image.sizeInBytes())
        rgba = buffer.reshape(height, image.bytesPerLine())[:, : width * 4].reshape(height, width, 4)
        return RenderedCard(name, dict(data), rgba.copy(), int(round(x)), int(round(y)))

    def panel(self, painter: QPainter, rect: QRectF, colour: QColor, radius: float) -> None:
        path = QPainterPath()
        path.addRoundedRect(rect, radius, radius)
        painter.fillPath(path, colour)

    def font(self, px: float, bold: bool = False):
        return cjk_font(max(8, int(self.px(px))), bold=bold)

    def text(self, painter: QPainter, rect: QRectF, text: str, px: float, colour: QColor, *,
             bold: bool = False, min_px: float = 18, wrap: bool = True,
             align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter) -> None:
        painter.setPen(colour)
        draw_fitted(painter, rect, text, self.font(px, bold), min_px=max(8, int(self.px(min_px))),
                    align=align, wrap=wrap)


@template("qa", ("question",), ("answer", "viewer", "item"),
          "Question-and-answer card: masked viewer name, question, official short answer, "
          "item and class badge.")
def _qa(r: CardRenderer, data: dict[str, Any]) -> RenderedCard:
    theme = r.theme
    width = r.safe.width() * 0.62
    height = r.px(300 if data.get("answer") else 190)
    image, painter = r.canvas(width, height)
    r.panel(painter, QRectF(0, 0, width, height), theme.panel, r.px(18))
    pad = r.px(28)
    badge_h = r.px(46)
    code = data.get("item", "")
    item = r.catalog.items.get(code) if code else None
    if code and item is None:
        painter.end()
        raise CardError(f"unknown item code {code!r}")
    if item is not None:
        colour = theme.class_colours.get(item.klass, theme.primary)
        badge = QRectF(pad, pad, r.px(150), badge_h)
        r.panel(painter, badge, colour, r.px(10))
        r.text(painter, badge, item.klass, 24, theme.text, bold=True, wrap=False,
               align=Qt.AlignmentFlag.AlignCenter)
        r.text(painter, QRectF(badge.right() + r.px(16), pad, width - badge.right() - 2 * pad, badge_h),
               item.name_zh, 26, theme.muted, wrap=False)
    else:
        r.text(painter, QRectF(pad, pad, width - 2 * pad, badge_h), theme.logo_text, 26,
               theme.accent, bold=True, wrap=False)
    top = pad + badge_h + r.px(10)
    viewer = data.get("viewer", "")
    question = f"{viewer}：{data['question']}" if viewer else data["question"]
    q_height = r.px(90)
    r.text(painter, QRectF(pad, top, width - 2 * pad, q_height), question, 36, theme.text,
           bold=True, min_px=22)
    if data.get("answer"):
        a_top = top + q_height + r.px(10)
        painter.fillRect(QRectF(pad, a_top, r.px(6), height - a_top - pad), theme.accent)
        r.text(painter, QRectF(pad + r.px(20), a_top, width - 2 * pad - r.px(20), height - a_top - pad),
               data["answer"], 32, theme.accent, min_px=20)
    x = r.safe.left()
    y = r.safe.bottom() - height - r.px(120)
    return r.finish("qa", data, image, painter, x, y)


@template("lower_third", ("name",), ("rank", "unit"),
          "The host's lower third: name, rank and unit.")
def _lower_third(r: CardRenderer, data: dict[str, Any]) -> RenderedCard:
    theme = r.theme
    width, height = r.safe.width() * 0.42, r.px(120)
    image, painter = r.canvas(width, height)
    r.panel(painter, QRectF(0, 0, width, height), theme.primary, r.px(12))
    painter.fillRect(QRectF(0, 0, r.px(12), height), theme.accent)
    pad = r.px(32)
    r.text(painter, QRectF(pad, r.px(8), width - 2 * pad, r.px(62)), data["name"], 44, theme.text,
           bold=True, wrap=False)
    subtitle = " · ".join(part for part in (data.get("rank", ""), data.get("unit", "")) if part)
    r.text(painter, QRectF(pad, r.px(68), width - 2 * pad, r.px(44)), subtitle, 28, theme.muted,
           wrap=False)
    return r.finish("lower_third", data, image, painter, r.safe.left(), r.safe.bottom() - height)
