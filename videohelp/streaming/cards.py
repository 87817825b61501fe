"""Card templates rendered with Qt into premultiplied RGBA images, once per change.

A card is a template name and a dict of fields. ``CardRenderer.render``
checks the fields against the template's declaration and returns a
``RenderedCard``: the image and where it sits on a frame of the program's
size, always inside the 90% title-safe area. Rendering needs a
QGuiApplication (fonts) but no widgets, and may run off the main thread.

The templates themselves live in ``videohelp.streaming.templates`` (one module
each) and register here with ``@template``. Every template and field is
documented in docs/cards.md.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPainterPath

from videohelp.core.catalog import Catalog, Item, default_catalog
from videohelp.streaming.fonts import cjk_font
from videohelp.streaming.textfit import FittedText, draw_fitted
from videohelp.streaming.theme import Theme

TITLE_SAFE = 0.90
FIELD_KINDS = ("text", "lines", "number", "url", "item")


class CardError(ValueError):
    """Unknown template or missing/invalid fields."""


def encode_png(rgba_premul: np.ndarray) -> bytes:
    """A premultiplied RGBA image as PNG bytes with straight alpha (as files and browsers expect).

    Un-premultiplying rounds to the nearest value, so premultiplying again (as a
    browser does to composite) gives back exactly these pixels.
    """
    rgba = rgba_premul.astype(np.uint16)
    alpha = rgba[:, :, 3:4]
    safe = np.maximum(alpha, 1)
    straight = np.where(alpha > 0, (rgba[:, :, :3] * 255 + safe // 2) // safe, 0)
    straight = np.minimum(straight, 255).astype(np.uint8)
    bgra = np.dstack((straight[:, :, ::-1], rgba_premul[:, :, 3]))
    ok, encoded = cv2.imencode(".png", bgra, [cv2.IMWRITE_PNG_COMPRESSION, 1])
    if not ok:
        raise ValueError("PNG encoding failed")
    return encoded.tobytes()


@dataclass(frozen=True)
class Crawl:
    """A horizontally scrolling part of a card, rendered once, moved per frame.

    ``strip`` is ``lead`` pixels of background, one ``period`` of content and
    the first ``width`` pixels of the period again, so every window of
    ``width`` pixels is a plain slice: ``strip[:, s:s + width]``.
    """

    strip: np.ndarray  # premultiplied RGBA, H x (lead + period + width) x 4
    x: int             # viewport position and width, relative to the card
    y: int
    width: int
    period: int
    px_per_s: float    # at this program size

    @property
    def lead(self) -> int:
        return self.width

    def window_start(self, travelled: int) -> int:
        """Left edge in ``strip`` of the window after ``travelled`` pixels of scrolling."""
        if travelled < self.lead + self.period:
            return travelled
        return self.lead + (travelled - self.lead) % self.period


@dataclass(frozen=True)
class RenderedCard:
    template: str
    data: dict[str, Any]
    rgba: np.ndarray  # HxWx4 uint8, premultiplied RGBA (a still: a crawl at its first full view)
    x: int
    y: int
    enter_from: str = "left"           # edge a slide comes from: left, right, top, bottom
    crawl: Crawl | None = None
    refresh_at: dt.datetime | None = None  # a live card (clock) is stale from then on
    frame_size: tuple[int, int] = (1920, 1080)  # the program size it was laid out for

    @property
    def size(self) -> tuple[int, int]:
        return self.rgba.shape[1], self.rgba.shape[0]

    def base_rgba(self) -> np.ndarray:
        """The image without its crawl viewport (which is composited from ``crawl.strip``)."""
        if self.crawl is None:
            return self.rgba
        base = self.rgba.copy()
        crawl = self.crawl
        base[crawl.y:crawl.y + crawl.strip.shape[0], crawl.x:crawl.x + crawl.width] = 0
        return base

    def png(self, frame: bool = False) -> bytes:
        """The card as a PNG; with ``frame``, in place on a transparent frame of ``frame_size``."""
        if not frame:
            return encode_png(self.rgba)
        canvas = np.zeros((self.frame_size[1], self.frame_size[0], 4), np.uint8)
        height, width = self.rgba.shape[:2]
        canvas[self.y:self.y + height, self.x:self.x + width] = self.rgba
        return encode_png(canvas)

    def to_qimage(self) -> QImage:
        height, width = self.rgba.shape[:2]
        return QImage(self.rgba.data, width, height, width * 4,
                      QImage.Format.Format_RGBA8888_Premultiplied).copy()


@dataclass(frozen=True)
class Field:
    """One field of a template: its kind, whether it is required, and what it means."""

    name: str
    kind: str = "text"
    required: bool = False
    help: str = ""
    max_chars: int = 200


@dataclass(frozen=True)
class Template:
    name: str
    fields: tuple[Field, ...]
    description: str
    draw: Callable[[CardRenderer, dict[str, Any]], RenderedCard]
    check: Callable[[CardRenderer, dict[str, Any]], None] | None = None

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.required)

    @property
    def optional(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if not f.required)


TEMPLATES: dict[str, Template] = {}


DrawFunc = Callable[["CardRenderer", dict[str, Any]], "RenderedCard"]


def template(name: str, fields: tuple[Field, ...], description: str,
             check: Callable[[CardRenderer, dict[str, Any]], None] | None = None,
             ) -> Callable[[DrawFunc], DrawFunc]:
    """Register a draw function as template ``name``."""
    for spec in fields:
        if spec.kind not in FIELD_KINDS:
            raise ValueError(f"{name}.{spec.name}: unknown field kind {spec.kind!r}")

    def register(func: DrawFunc) -> DrawFunc:
        TEMPLATES[name] = Template(name, fields, description, func, check)
        return func
    return register


def templates() -> dict[str, Template]:
    """Every registered template, by name (importing the shipped ones first)."""
    importlib.import_module("videohelp.streaming.templates")
    return TEMPLATES


def _normalise(renderer: CardRenderer, template_name: str, spec: Field, value: Any) -> Any:
    where = f"{template_name}.{spec.name}"
    if spec.kind == "lines":
        values = value if isinstance(value, list) else [value]
        if not all(isinstance(v, str) for v in values):
            raise CardError(f"{where} must be text or a list of texts")
        values = [v.strip() for v in values if v.strip()]
        if sum(len(v) for v in values) > spec.max_chars:
            raise CardError(f"{where} is longer than {spec.max_chars} characters")
        return values
    if spec.kind == "number":
        if isinstance(value, bool):
            raise CardError(f"{where} must be a number")
        try:
            return float(value)
        except (TypeError, ValueError):
            raise CardError(f"{where} must be a number, not {value!r}") from None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise CardError(f"{where} must be text, not {type(value).__name__}")
    text = str(value).strip()
    if len(text) > spec.max_chars:
        raise CardError(f"{where} is longer than {spec.max_chars} characters")
    if spec.kind == "url" and not text.startswith(("https://", "http://")):
        raise CardError(f"{where} must be an http(s) URL")
    if spec.kind == "item" and text not in renderer.catalog:
        raise CardError(f"{where}: unknown item code {text!r}")
    return text


class CardRenderer:
    """Renders cards for a program frame of ``width`` x ``height``."""

    def __init__(self, width: int = 1920, height: int = 1080, theme: Theme | None = None,
                 catalog: Catalog | None = None,
                 clock: Callable[[], dt.datetime] | None = None) -> None:
        if width < 160 or height < 90:
            raise CardError(f"program size {width}x{height} is too small for cards")
        self.width, self.height = width, height
        self.theme = theme or Theme.load()
        self.catalog = catalog or default_catalog()
        self.clock = clock or dt.datetime.now
        margin_x = round(width * (1 - TITLE_SAFE) / 2)
        margin_y = round(height * (1 - TITLE_SAFE) / 2)
        self.safe = QRectF(margin_x, margin_y, width - 2 * margin_x, height - 2 * margin_y)
        # Layouts are designed at 1080p: a design pixel is the short side / 1080, so a vertical
        # frame (720x1280 for Douyin) scales by its width, as a landscape one by its height.
        self.unit = min(width, height) / 1080
        self.portrait = height > width  # templates/layout.py: cards stacked, full width
        self.templates = templates()

    def render(self, name: str, data: dict[str, Any]) -> RenderedCard:
        """Check ``data`` against template ``name`` and render it; ``CardError`` says what is wrong."""
        spec = self.templates.get(name)
        if spec is None:
            raise CardError(f"unknown template {name!r}; known: {', '.join(sorted(self.templates))}")
        if not isinstance(data, dict):
            raise CardError(f"card data must be an object, not {type(data).__name__}")
        known = {f.name for f in spec.fields}
        unknown = sorted(set(data) - known)
        if unknown:
            raise CardError(f"template {name!r} has no field(s): {', '.join(unknown)}; "
                            f"fields: {', '.join(f.name for f in spec.fields)}")
        clean: dict[str, Any] = {}
        for field_spec in spec.fields:
            value = data.get(field_spec.name)
            if value is not None:
                value = _normalise(self, name, field_spec, value)
            if value in (None, "", []):
                if field_spec.required:
                    raise CardError(f"template {name!r} needs field {field_spec.name!r}: "
                                    f"{field_spec.help}")
                continue
            clean[field_spec.name] = value
        if spec.check is not None:
            spec.check(self, clean)
        return spec.draw(self, clean)

    # -- helpers for templates -------------------------------------------------
    def px(self, value: float) -> float:
        """Design pixels (at 1080p) to pixels at this program size."""
        return value * self.unit

    def item(self, code: str | None) -> Item | None:
        return self.catalog.items.get(code) if code else None

    def canvas(self, width: float, height: float) -> tuple[QImage, QPainter]:
        image = QImage(max(1, round(width)), max(1, round(height)),
                       QImage.Format.Format_RGBA8888_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing
                               | QPainter.RenderHint.SmoothPixmapTransform)
        return image, painter

    @staticmethod
    def to_array(image: QImage) -> np.ndarray:
        """A copy of a premultiplied RGBA QImage as an HxWx4 array."""
        width, height = image.width(), image.height()
        buffer = np.frombuffer(image.constBits(), np.uint8, count=image.sizeInBytes())
        return buffer.reshape(height, image.bytesPerLine())[:, : width * 4].reshape(
            height, width, 4).copy()

    def finish(self, name: str, data: dict[str, Any], image: QImage, painter: QPainter,
               x: float, y: float, **extra: Any) -> RenderedCard:
        """End painting and place the card at (x, y), nudged inside the title-safe area."""
        painter.end()
        safe = self.safe
        x = min(max(round(x), round(safe.left())), round(safe.right()) - image.width())
        y = min(max(round(y), round(safe.top())), round(safe.bottom()) - image.height())
        return RenderedCard(name, dict(data), self.to_array(image), int(x), int(y),
                            frame_size=(self.width, self.height), **extra)

    def panel(self, painter: QPainter, rect: QRectF, colour: QColor, radius: float) -> None:
        path = QPainterPath()
        path.addRoundedRect(rect, radius, radius)
        painter.fillPath(path, colour)

    def font(self, px: float, bold: bool = False) -> QFont:
        return cjk_font(max(8, round(self.px(px))), bold=bold, family=self.theme.font_family)

    def text(self, painter: QPainter, rect: QRectF, text: str, px: float, colour: QColor, *,
             bold: bool = False, min_px: float = 18, wrap: bool = True,
             align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
             ) -> FittedText:
        """Draw ``text`` fitted into ``rect``: sizes are design pixels (at 1080p)."""
        painter.setPen(colour)
        return draw_fitted(painter, rect, text, self.font(px, bold),
                           min_px=max(8, round(self.px(min_px))), align=align, wrap=wrap)

    def badge(self, painter: QPainter, rect: QRectF, text: str, colour: QColor,
              text_colour: QColor | None = None, px: float = 24) -> None:
        """A rounded tag with centred bold text."""
        self.panel(painter, rect, colour, rect.height() * 0.22)
        self.text(painter, rect.adjusted(self.px(8), 0, -self.px(8), 0), text, px,
                  text_colour or self.theme.on_primary, bold=True, wrap=False, min_px=12,
                  align=Qt.AlignmentFlag.AlignCenter)

    def brand(self, painter: QPainter, rect: QRectF, colour: QColor, px: float = 26) -> None:
        """The theme's logo (if any) followed by its logo text."""
        left = rect.left()
        if self.theme.logo is not None:
            self.theme.draw_logo(painter, QRectF(left, rect.top(), rect.height(), rect.height()))
            left += rect.height() + self.px(10)
        if self.theme.logo_text:
            self.text(painter, QRectF(left, rect.top(), rect.right() - left, rect.height()),
                      self.theme.logo_text, px, colour, bold=True, wrap=False)
