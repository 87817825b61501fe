"""Card themes: colours, font and logo, read from a JSON theme file."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtGui import QColor

from videohelp.assets import asset_path


class ThemeError(ValueError):
    """A theme file that cannot be used."""


def _colour(value: str, key: str) -> QColor:
    # "#RRGGBBAA" in the file (CSS order); Qt reads "#AARRGGBB".
    text = value.strip()
    if len(text) == 9 and text.startswith("#"):
        text = "#" + text[7:9] + text[1:7]
    colour = QColor(text)
    if not colour.isValid():
        raise ThemeError(f"{key}: {value!r} is not a colour")
    return colour


@dataclass(frozen=True)
class Theme:
    name: str
    font_family: str
    primary: QColor
    accent: QColor
    panel: QColor
    text: QColor
    muted: QColor
    class_colours: dict[str, QColor] = field(default_factory=dict)
    logo_text: str = ""

    @classmethod
    def load(cls, path: Path | None = None) -> Theme:
        path = path or asset_path("themes", "studio.json")
        try:
            raw = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ThemeError(f"{path}: {exc}") from exc
        try:
            return cls(
                name=raw["name"], font_family=raw.get("font_family", "Noto Sans CJK SC"),
                primary=_colour(raw["primary"], "primary"),
                accent=_colour(raw["accent"], "accent"),
                panel=_colour(raw["panel"], "panel"),
                text=_colour(raw["text"], "text"), muted=_colour(raw["muted"], "muted"),
                class_colours={k: _colour(v, k) for k, v in raw.get("class_colours", {}).items()},
                logo_text=raw.get("logo_text", ""),
            )
        except KeyError as exc:
            raise ThemeError(f"{path}: missing key {exc}") from exc
