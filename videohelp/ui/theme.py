"""The desk's dark studio theme and a light one, switchable while running.

A dark desk keeps the studio's light off the hosts' faces and the screens
readable under studio lighting; the light theme is for daytime offices.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

THEMES = ("dark", "light")

_DARK = {
    QPalette.ColorRole.Window: "#1B1F27",
    QPalette.ColorRole.WindowText: "#E6E9EF",
    QPalette.ColorRole.Base: "#12151B",
    QPalette.ColorRole.AlternateBase: "#1F242D",
    QPalette.ColorRole.Text: "#E6E9EF",
    QPalette.ColorRole.Button: "#2A303B",
    QPalette.ColorRole.ButtonText: "#E6E9EF",
    QPalette.ColorRole.Highlight: "#2F6FDB",
    QPalette.ColorRole.HighlightedText: "#FFFFFF",
    QPalette.ColorRole.ToolTipBase: "#2A303B",
    QPalette.ColorRole.ToolTipText: "#E6E9EF",
    QPalette.ColorRole.PlaceholderText: "#7D8696",
}

CHECK_BOX_FILL, CHECK_BOX_EDGE = "#39404D", "#8A93A6"  # the dark theme's check box square
# The CLEAR ALL button's own style sheet, the same in both themes. Set on the button, not on
# the application: an application style sheet puts every widget's painting through Qt's
# style-sheet style (rules matched per draw): a feed-sized table repainted in 4.1-4.6 ms
# without it against 5.0-5.9 ms with it (bench/table_paint.py, docs/performance.md).
PANIC_BUTTON_STYLE = """
QPushButton { background: #C62828; color: white; border-radius: 6px;
              font-weight: bold; padding: 10px; }
QPushButton:pressed { background: #8E0000; }
"""


def apply_theme(app: QApplication, name: str) -> str:
    """Apply ``name`` (dark or light; unknown names fall back to dark); return the applied name."""
    name = name if name in THEMES else "dark"
    app.setStyle("Fusion")
    if name == "dark":
        palette = QPalette()
        for role, colour in _DARK.items():
            palette.setColor(role, QColor(colour))
        palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor("#6B7280"))
        palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor("#6B7280"))
    else:
        palette = app.style().standardPalette()
    app.setPalette(palette)
    app.setPalette(_check_box_palette(palette, name), "QCheckBox")
    app.setProperty("videohelpTheme", name)
    return name


def _check_box_palette(palette: QPalette, name: str) -> QPalette:
    """Fusion fills a check box's square with Base and outlines it a shade darker than Window:
    on the dark theme that was #12151B on #1B1F27 with no visible edge ("仅看提问" could not be
    seen). There the square gets a lighter fill and an outline of its own."""
    boxes = QPalette(palette)
    if name == "dark":
        boxes.setColor(QPalette.ColorRole.Base, QColor(CHECK_BOX_FILL))
        # Only the outline is drawn from a check box's Window (it fills no background).
        boxes.setColor(QPalette.ColorRole.Window, QColor(CHECK_BOX_EDGE).lighter(140))
    return boxes
