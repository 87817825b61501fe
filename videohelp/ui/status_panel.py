"""The status bar's live figures: bridges and their rates, seats, outputs, comments per minute."""

from __future__ import annotations

import time
from collections import deque

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QLabel, QSizePolicy, QStatusBar

from videohelp.console.session import ShowSession
from videohelp.queue.comments import StoredComment
from videohelp.ui.words import PLATFORMS as PLATFORM_LABELS


def _tr(text: str) -> str:
    return QCoreApplication.translate("StatusPanel", text)


class StatusPanel:
    """Keeps permanent labels in ``bar`` up to date once a second.

    ``refresh`` measures (rates are per refresh); ``retranslate`` only re-words the
    last figures, so a language change does not skew the rates.
    """

    def __init__(self, session: ShowSession, bar: QStatusBar) -> None:
        self.session = session
        self.bridges = QLabel()
        self.seats = QLabel()
        self.outputs = QLabel()
        self.rate = QLabel()
        for label in (self.bridges, self.seats, self.outputs, self.rate):
            # Figures never widen the window: a long list is cut, whole in the tooltip.
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            label.setMinimumWidth(90)
            bar.addPermanentWidget(label, 1)
        # (second, comments that arrived in it) over the last minute: 60 entries, not one per
        # comment (18,000 at 300/s).
        self._arrivals: deque[list[int]] = deque()
        self._since_refresh = 0
        self._acked: dict[str, int] = {}
        self._output_states: dict[str, str] = {}
        self._figures: tuple[list[str], int, list[str], int] = ([], 0, [], 0)
        session.feed.commentsAdded.connect(self._count)
        session.outputs.outputStateChanged.connect(self._output_state)
        self._timer = QTimer(bar)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()
        self.refresh()

    def _count(self, comments: list[StoredComment]) -> None:
        second = int(time.monotonic())
        if self._arrivals and self._arrivals[-1][0] == second:
            self._arrivals[-1][1] += len(comments)
        else:
            self._arrivals.append([second, len(comments)])
        self._since_refresh += len(comments)

    def _output_state(self, name: str, state: str, _detail: str) -> None:
        self._output_states[name] = state

    def comments_per_minute(self) -> int:
        horizon = time.monotonic() - 60
        while self._arrivals and self._arrivals[0][0] < horizon:
            self._arrivals.popleft()
        return sum(count for _, count in self._arrivals)

    def refresh(self) -> None:
        parts = []
        for platform, stats in sorted(self.session.ingest.stats.items()):
            if stats.connections <= 0:
                continue
            rate = stats.acked - self._acked.get(platform, stats.acked)
            self._acked[platform] = stats.acked
            name = PLATFORM_LABELS.get(platform, platform)
            parts.append(f"{name}×{stats.connections} {rate}/s")
        if getattr(self.session.options, "demo", False):
            # The demo's simulated feed is a bridge like any other (its rate: what arrived).
            parts.append(_tr("demo feed") + f" {self._since_refresh}/s")
        self._since_refresh = 0
        online = getattr(self.session, "experts_online", None)
        experts = online() if callable(online) else 0
        states = [f"{name}: {state}" for name, state in self._output_states.items()
                  if state != "stopped"]
        self._figures = (parts, experts, states, self.comments_per_minute())
        self.retranslate()

    def retranslate(self) -> None:
        """Show the last figures in the current language."""
        parts, experts, states, per_minute = self._figures
        self.bridges.setText(_tr("Bridges: {list}").format(
            list=", ".join(parts) if parts else _tr("none")))
        self.bridges.setToolTip(self.bridges.text())
        self.seats.setText(_tr("Experts online: {n}").format(n=experts))
        self.outputs.setText(_tr("Outputs: {list}").format(
            list=", ".join(states) if states else _tr("preview only")))
        self.rate.setText(_tr("{n} comments/min").format(n=per_minute))
