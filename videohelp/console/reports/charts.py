"""Charts for the report as inline SVG, written here rather than with a library.

Why not matplotlib or pygal: the report needs two chart shapes (horizontal
bars per class, daily columns for trends). Writing their SVG is ~100 lines;
matplotlib would add ~40 MB, a font cache and its own CJK font fallback rules
(it draws glyphs as paths unless told otherwise, so the text would not be
text), and pygal's output relies on JavaScript and external CSS for its
tooltips and styling. Plain SVG here keeps text as text in the report's CJK
font, is deterministic (same input, same bytes, testable), needs no
network or script, and renders the same in browsers and in Qt's QSvgRenderer
(SVG Tiny: only rect, line and text are used) for the PDF and the desk.
"""

from __future__ import annotations

from datetime import date
from xml.sax.saxutils import escape

FONT = "'Noto Sans CJK SC', 'Noto Sans SC', sans-serif"
BAR = "#1565C0"
BAR_MUTED = "#90A4AE"
TEXT = "#263238"
GRID = "#CFD8DC"


def _text(x: float, y: float, text: str, *, size: int = 13, anchor: str = "start",
          weight: str = "normal", color: str = TEXT) -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
            f'font-weight="{weight}" fill="{color}">{escape(text)}</text>')


def _svg(width: int, height: int, title: str, body: list[str]) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" font-family="{escape(FONT)}">'
            f"<title>{escape(title)}</title>" + "".join(body) + "</svg>")


def _clip(label: str, limit: int) -> str:
    return label if len(label) <= limit else label[:limit - 1] + "…"


def bar_chart(title: str, bars: list[tuple[str, int]], *, width: int = 680,
              label_width: int = 250, row: int = 26) -> str:
    """Horizontal bars, largest first as given; the value is printed after each bar."""
    top, bottom = 34, 10
    height = top + max(len(bars), 1) * row + bottom
    body = [f'<rect width="{width}" height="{height}" fill="white"/>',
            _text(0, 20, title, size=15, weight="bold")]
    if not bars:
        body.append(_text(label_width, top + row * 0.65, "—", color=BAR_MUTED))
        return _svg(width, height, title, body)
    peak = max(value for _, value in bars) or 1
    span = width - label_width - 60
    for number, (label, value) in enumerate(bars):
        y = top + number * row
        length = max(value / peak * span, 1.0 if value else 0.0)
        body.append(_text(label_width - 8, y + row * 0.65, _clip(label, 18), anchor="end"))
        body.append(f'<rect x="{label_width}" y="{y + 4}" width="{length:.1f}" '
                    f'height="{row - 8}" fill="{BAR}"/>')
        body.append(_text(label_width + length + 6, y + row * 0.65, str(value)))
    return _svg(width, height, title, body)


def daily_chart(title: str, days: list[tuple[date, float]], highlight: set[date], *,
                width: int = 680, height: int = 220, unit: str = "") -> str:
    """One column per day, the report's own days in the strong colour."""
    left, right, top, bottom = 46, 10, 34, 30
    body = [f'<rect width="{width}" height="{height}" fill="white"/>',
            _text(0, 20, title, size=15, weight="bold")]
    plot_h = height - top - bottom
    peak = max((value for _, value in days), default=0) or 1
    body.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" '
                f'y2="{top + plot_h}" stroke="{GRID}"/>')
    body.append(_text(left - 6, top + 10, f"{peak:g}{unit}", size=11, anchor="end"))
    body.append(_text(left - 6, top + plot_h, "0", size=11, anchor="end"))
    if days:
        slot = (width - left - right) / len(days)
        every = max(1, round(len(days) / 10))
        for number, (day, value) in enumerate(days):
            x = left + number * slot
            bar_h = value / peak * plot_h
            color = BAR if day in highlight else BAR_MUTED
            body.append(f'<rect x="{x + slot * 0.15:.1f}" y="{top + plot_h - bar_h:.1f}" '
                        f'width="{slot * 0.7:.1f}" height="{bar_h:.1f}" fill="{color}"/>')
            if number % every == 0 or (day in highlight and len(highlight) <= 3):
                body.append(_text(x + slot / 2, height - 10, f"{day.month}-{day.day}", size=11,
                                  anchor="middle"))
    return _svg(width, height, title, body)
