"""Card themes: colours, fonts, logo and default motion, read from a JSON theme file.

Themes live in ``assets/themes/NAME.json`` (or any path). Colours are CSS
hex, ``#RRGGBB`` or ``#RRGGBBAA``. Paths (logo, font files) are relative to
the theme file. See docs/cards.md for every key.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter

from videohelp.assets import asset_path
from videohelp.streaming.fonts import cjk_family, load_font_files

TRANSITIONS = ("cut", "fade", "slide")
_OPTIONAL_COLOURS = ("warning", "ticker_panel", "on_primary", "highlight")


class ThemeError(ValueError):
    """A theme file that cannot be used."""


def _colour(value: Any, key: str) -> QColor:
    # "#RRGGBBAA" in the file (CSS order); Qt reads "#AARRGGBB".
    if not isinstance(value, str):
        raise ThemeError(f"{key}: {value!r} is not a colour")
    text = value.strip()
    if len(text) == 9 and text.startswith("#"):
        text = "#" + text[7:9] + text[1:7]
    colour = QColor(text)
    if not text.startswith("#") or not colour.isValid():
        raise ThemeError(f"{key}: {value!r} is not a colour (#RRGGBB or #RRGGBBAA)")
    return colour


@dataclass(frozen=True)
class Motion:
    """Default transitions: ``enter`` and ``leave`` are cut, fade or slide."""

    enter: str = "slide"
    leave: str = "fade"
    seconds: float = 0.4


@dataclass(frozen=True)
class Theme:
    name: str
    font_family: str
    primary: QColor
    accent: QColor
    panel: QColor
    text: QColor
    muted: QColor
    warning: QColor = field(default_factory=lambda: QColor("#C62828"))
    ticker_panel: QColor = field(default_factory=lambda: QColor("#0B3D91"))
    on_primary: QColor = field(default_factory=lambda: QColor("#FFFFFF"))  # text on primary/badges
    highlight: QColor | None = None  # emphasised text on panels (answers); default: accent
    class_colours: dict[str, QColor] = field(default_factory=dict)
    logo_text: str = ""
    logo: Path | None = None
    motion: Motion = field(default_factory=Motion)
    durations: dict[str, float] = field(default_factory=dict)

    @classmethod
    def named(cls, name: str) -> Theme:
        """A shipped theme by name (``studio``, ``daylight``)."""
        path = asset_path("themes", f"{name}.json")
        if not path.is_file():
            known = sorted(p.stem for p in asset_path("themes").glob("*.json"))
            raise ThemeError(f"unknown theme {name!r}; known: {', '.join(known)}")
        return cls.load(path)

    @classmethod
    def load(cls, path: Path | None = None) -> Theme:
        path = Path(path or asset_path("themes", "studio.json"))
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ThemeError(f"{path}: {exc}") from exc
        if not isinstance(raw, dict):
            raise ThemeError(f"{path}: the top level must be an object")
        try:
            return cls._from_dict(raw, path.parent)
        except KeyError as exc:
            raise ThemeError(f"{path}: missing key {exc}") from exc
        except (TypeError, ValueError) as exc:
            raise ThemeError(f"{path}: {exc}") from exc

    @classmethod
    def _from_dict(cls, raw: dict[str, Any], base: Path) -> Theme:
        family = raw.get("font_family", "Noto Sans CJK SC")
        font_files = [base / name for name in raw.get("font_files", [])]
        if font_files:
            load_font_files(font_files)
        logo = base / raw["logo"] if raw.get("logo") else None
        if logo is not None and not logo.is_file():
            raise ThemeError(f"logo {logo} not found")
        motion_raw = raw.get("motion", {})
        motion = Motion(enter=motion_raw.get("enter", "slide"), leave=motion_raw.get("leave", "fade"),
                        seconds=float(motion_raw.get("seconds", 0.4)))
        for kind in (motion.enter, motion.leave):
            if kind not in TRANSITIONS:
                raise ThemeError(f"motion: {kind!r} is not one of {', '.join(TRANSITIONS)}")
        if not 0 <= motion.seconds <= 5:
            raise ThemeError("motion.seconds must be between 0 and 5")
        durations = {str(k): float(v) for k, v in raw.get("durations", {}).items()}
        if any(v < 0 for v in durations.values()):
            raise ThemeError("durations must not be negative")
        optional = {key: _colour(raw[key], key) for key in _OPTIONAL_COLOURS if key in raw}
        return cls(
            name=raw["name"], font_family=family,
            primary=_colour(raw["primary"], "primary"), accent=_colour(raw["accent"], "accent"),
            panel=_colour(raw["panel"], "panel"), text=_colour(raw["text"], "text"),
            muted=_colour(raw["muted"], "muted"),
            class_colours={k: _colour(v, k) for k, v in raw.get("class_colours", {}).items()},
            logo_text=raw.get("logo_text", ""), logo=logo, motion=motion, durations=durations,
            **optional,
        )

    @property
    def emphasis(self) -> QColor:
        """Colour of emphasised text on panels (the official answer)."""
        return self.highlight if self.highlight is not None else self.accent

    def family(self) -> str:
        """The font family to use (the theme's if installed; needs a QGuiApplication)."""
        return cjk_family(self.font_family)

    def draw_logo(self, painter: QPainter, rect: QRectF) -> bool:
        """Paint the logo into ``rect`` keeping its aspect ratio; False if the theme has none."""
        if self.logo is None:
            return False
        if self.logo.suffix.lower() == ".svg":
            from PySide6.QtSvg import QSvgRenderer  # QtGui-level module, no widgets

            renderer = QSvgRenderer(str(self.logo))
            if not renderer.isValid():
                raise ThemeError(f"logo {self.logo} is not a valid SVG")
            renderer.setAspectRatioMode(Qt.AspectRatioMode.KeepAspectRatio)
            renderer.render(painter, rect)
            return True
        image = QImage(str(self.logo))
        if image.isNull():
            raise ThemeError(f"logo {self.logo} cannot be read")
        scaled = image.scaled(int(rect.width()), int(rect.height()), Qt.AspectRatioMode.KeepAspectRatio,
                              Qt.TransformationMode.SmoothTransformation)
        painter.drawImage(QRectF(rect.x() + (rect.width() - scaled.width()) / 2,
                                 rect.y() + (rect.height() - scaled.height()) / 2,
                                 scaled.width(), scaled.height()), scaled)
        return True

    def default_duration(self, template: str) -> float:
        """Seconds before a card of ``template`` goes out by itself (0 = stays)."""
        return self.durations.get(template, 0.0)
