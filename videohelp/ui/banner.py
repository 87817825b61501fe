"""The desk's feedback banner: confirmations, refusals and errors where the eye is.

It sits in the program bar beside Enter/Esc/全部下屏, so the operator reads
what an action did without looking down at the status bar. A message stays
for its time (a refusal longer than a confirmation) and then the banner
empties; while it shows, its tooltip has the whole text (a long one is cut).
"""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

STYLES = {
    "ok": "background: #1e5631; color: #ffffff;",
    "warn": "background: #8a6d00; color: #ffffff;",
    "error": "background: #8e1b1b; color: #ffffff;",
}
SECONDS = {"ok": 4.0, "warn": 6.0, "error": 8.0}


class Banner(QLabel):
    """One line of feedback; ``show_message(text, kind)`` with kind ok / warn / error."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("feedbackBanner")
        # Ignored width: a long refusal never widens the window; the tooltip has it whole.
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(120)
        self.kind = ""
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.clear_message)

    def show_message(self, text: str, kind: str = "ok", seconds: float | None = None) -> None:
        self.kind = kind
        self.setText(" " + text)
        self.setToolTip(text)
        self.setStyleSheet(STYLES.get(kind, "") + " padding: 4px 8px; font-weight: bold;"
                           " border-radius: 4px;")
        self._timer.start(int(1000 * (seconds if seconds is not None else SECONDS.get(kind, 5.0))))

    def message(self) -> str:
        return self.text().strip()

    def clear_message(self) -> None:
        self.kind = ""
        self.setText("")
        self.setToolTip("")
        self.setStyleSheet("")
