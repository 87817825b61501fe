"""The desk on another machine: ``videohelp --role officer|presenter|producer --connect wss://…``.

It is the studio's own desk window (``MainWindow``: the same docks, keys and menus) on a
``RemoteDeskSession``, which works the console elsewhere through the seat protocol only, as
the expert's window does: everything it does is checked, audited and published by the
console like any seat's request. This module adds what only a remote desk has: the
connection's state in the status bar, and nothing offered while the link is down (never an
action on a stale picture) or after the console refused the token.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, QObject, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel

from videohelp.console.remote_session import RemoteDeskSession
from videohelp.console.remote_show import DeskHttp
from videohelp.console.seat_client import SeatLink
from videohelp.core import tls
from videohelp.ui.desk_offer import NEEDS
from videohelp.ui.expert_panel import attach_expert_dock
from videohelp.ui.i18n import Retranslator
from videohelp.ui.main_window import MainWindow

CTX = "RemoteDesk"
STATES = {"online": QT_TRANSLATE_NOOP(CTX, "Connected to the console"),
          "connecting": QT_TRANSLATE_NOOP(CTX, "Connecting to the console…"),
          "offline": QT_TRANSLATE_NOOP(CTX, "Console unreachable: reconnecting"),
          "refused": QT_TRANSLATE_NOOP(CTX, "Refused by the console: {why}")}
# Why the console refused, in words (the technical reason is in the tooltip and the log).
REASONS = (("wrong role", QT_TRANSLATE_NOOP(CTX, "this token is another role's seat")),
           ("token", QT_TRANSLATE_NOOP(CTX, "the token is wrong or revoked")),
           ("certificate", QT_TRANSLATE_NOOP(CTX, "the console's certificate is not the one trusted")),
           ("", QT_TRANSLATE_NOOP(CTX, "cannot connect")))


class ConnectionLabel(QLabel):
    """The connection's state in the status bar, re-worded on a language change."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("connection")
        self.rt = Retranslator(CTX)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.rt.apply()
        super().changeEvent(event)


class RemoteLink(QObject):
    """The connection's state on ``window`` (a ``MainWindow`` on ``session``)."""

    def __init__(self, window: MainWindow, session: RemoteDeskSession) -> None:
        super().__init__(window)
        self.window, self.session = window, session
        self.label = ConnectionLabel()
        window.statusBar().insertPermanentWidget(0, self.label)
        window.status.bridges.hide()  # the console's bridges are not seen from here
        # The show actions the role offers (the desk built them from the role table) go with the
        # link: selecting, navigating and help stay.
        self.offered: list[QAction] = [action for name, action in window.actions_by_name.items()
                                       if action.isVisible() and NEEDS[name] is not None]
        self.why = ""
        session.connectionChanged.connect(self._state)
        session.refused.connect(self._refused)
        self._state(session.state)

    def _refused(self, why: str) -> None:
        self.why = why
        self._state("refused")

    def _state(self, state: str) -> None:
        online = state == "online"
        if state == "refused" or self.why:
            reason = next(text for key, text in REASONS if key in self.why)
            self.label.rt.bind(self.label.setText, STATES["refused"],
                               why=QCoreApplication.translate(CTX, reason))
            self.label.setToolTip(self.why)
            online = False
        else:
            self.label.rt.bind(self.label.setText, STATES.get(state, STATES["offline"]))
        self.label.setStyleSheet("" if online else "color: #e53935; font-weight: bold;")
        for action in self.offered:
            action.setEnabled(online)
        buttons = [self.window.take_button, self.window.clear_button, self.window.panic_button]
        experts = self.window.docks.get("experts")
        if experts is not None:
            buttons += [experts.air_button, experts.flag_button]
        for button in buttons:
            button.setEnabled(online)


def open_remote_desk(link: SeatLink, http: DeskHttp, role: str, data_dir: str | Path | None) -> MainWindow:
    """The desk window for the seat behind ``link`` (not started: ``window.session.start()``)."""
    from videohelp.core.paths import data_paths
    from videohelp.core.settings import Settings
    from videohelp.ui.layouts import person_name

    paths = data_paths(data_dir)
    settings = Settings(paths.settings)
    person = person_name(settings["desk.person"])
    session = RemoteDeskSession(link, http, paths, settings, role, person)
    window = MainWindow(session, show_personal=role == "officer", person=person)
    # The expert group, as at the studio: on the seat's own events and requests (RemoteHub).
    dock = attach_expert_dock(window, session)
    session.snapshotApplied.connect(dock.refresh)
    window.remote_link = RemoteLink(window, session)  # type: ignore[attr-defined]
    return window


def run_remote_desk(args: argparse.Namespace) -> int:
    """``videohelp --role officer|presenter|producer --connect URL --token T``: until closed."""
    from videohelp.ui.event_loop import new_event_loop
    from videohelp.ui.remote_start import start_remote
    from videohelp.ui.screenshot import save_screenshot

    started = start_remote(args, "--connect wss://HOST:PORT needs --token TOKEN "
                                 "(or $VIDEOHELP_SEAT_TOKEN)")
    if started is None:
        return 2
    app, link = started
    loop = new_event_loop(app)

    async def main() -> None:
        client = link.client
        context = None
        if client.secure:  # the same trust as the seat connection: the pin, or the system's CAs
            context = await tls.client_context(client.host, client.port, client.fingerprint, 10.0)
        window = open_remote_desk(link, DeskHttp(args.connect, args.token, context), args.role,
                                  args.data_dir)
        closed = asyncio.Event()
        app.lastWindowClosed.connect(closed.set)
        await window.session.start()
        window.show()
        if args.screenshot:
            QTimer.singleShot(int(max(0.5, (args.quit_after or 2) - 0.3) * 1000),
                              lambda: save_screenshot(window, Path(args.screenshot)))
        if args.quit_after is not None:
            QTimer.singleShot(int(args.quit_after * 1000), window.close)
        await closed.wait()
        await window.session.stop()

    app.setQuitOnLastWindowClosed(False)
    try:
        with loop:
            loop.run_until_complete(main())
    except tls.TlsError as exc:
        print(f"videohelp: {exc}", file=sys.stderr)
        return 2
    return 0
