"""The desk on another machine: ``videohelp --role officer|presenter|producer --connect wss://…``.

The window talks to a console elsewhere through the seat protocol only (``SeatLink``, as
the expert's window does), so everything it does is checked, audited and published by the
console like any seat. It keeps the local desk's keys for the show's core path (the
shortcut table: N next question, 1-3 an answer, Enter card on air, A answered, Esc card
off, F12 / Ctrl+Shift+X clear all, Q, F, Delete, R, E); an action the seat's role may not
do is neither shown nor bound. The program preview is the console's ``/desk/program.jpg``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from videohelp.console.remote_show import DeskHttp, DeskHttpError, RemoteShow
from videohelp.console.seat_client import SeatLink
from videohelp.core import tls
from videohelp.ui.shortcuts import BY_ACTION, translated

CTX = "RemoteDesk"
PREVIEW_MS = 500
CONFIRM_WINDOW_S = 5.0  # as the local desk (desk_actions)
# desk action -> the seat action it needs (the role matrix decides what is offered)
NEEDS = {"next_question": None, "take": "take", "take_question_only": "take", "answered": "clear",
         "clear_question": "clear", "panic": "panic", "panic_alt": "panic", "queue": "queue",
         "flag": "flag", "dismiss": "dismiss", "refile": "triage", "answer_1": "take",
         "answer_2": "take", "answer_3": "take", "edit_answer": "take"}
STATES: dict[str, object] = {
    "new": QT_TRANSLATE_NOOP("RemoteDesk", "New"), "triaged": QT_TRANSLATE_NOOP("RemoteDesk", "Filed"),
    "queued": QT_TRANSLATE_NOOP("RemoteDesk", "Next up"), "on_air": QT_TRANSLATE_NOOP("RemoteDesk", "On air"),
    "flagged": QT_TRANSLATE_NOOP("RemoteDesk", "With the experts")}


def _tr(text: str) -> str:
    return QCoreApplication.translate("RemoteDesk", text)


class RemoteDeskWindow(QMainWindow):
    """A desk seat's window on a remote console (see the module docstring)."""

    def __init__(self, link: SeatLink, http: DeskHttp, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.link, self.http = link, http
        self.show_state = RemoteShow()
        self.catalog: dict[str, dict[str, Any]] = {}
        self.suggestions: list[dict[str, Any]] = []
        self.chosen = -1  # index in suggestions of the answer in the editor (-1: typed)
        self._armed: tuple[int, float] | None = None  # (comment, when): a draft's first Enter
        self.actions_by_name: dict[str, QAction] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        self.setWindowTitle(_tr("Desk (remote)"))
        self.resize(1280, 800)

        toolbar = QToolBar(_tr("Program"), self)
        toolbar.setMovable(False)
        toolbar.toggleViewAction().setEnabled(False)  # 全部下屏 is never hidden
        self.addToolBar(toolbar)
        self.panic_button = QPushButton(_tr("CLEAR ALL (F12)"))
        self.panic_button.setObjectName("panic")
        self.panic_button.setStyleSheet("background:#d1242f;color:white;font-weight:bold;padding:6px 18px")
        toolbar.addWidget(self.panic_button)
        self.on_air_label = QLabel()
        toolbar.addWidget(self.on_air_label)

        self.queue = QTableWidget(0, 4)
        self.queue.setHorizontalHeaderLabels([_tr("Viewer"), _tr("Question"), _tr("Item"), _tr("State")])
        self.queue.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.queue.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.queue.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.queue.horizontalHeader().setStretchLastSection(True)
        self.queue.verticalHeader().setVisible(False)
        self.queue.setWordWrap(True)
        for column_index, width in enumerate((80, 190, 64)):
            self.queue.setColumnWidth(column_index, width)
        self.queue.itemSelectionChanged.connect(self._selected)

        self.preview = QLabel(_tr("Waiting for the picture…"))
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setMinimumSize(480, 270)
        self.preview.setStyleSheet("background:black;color:#8b98a8")
        self.question = QLabel()
        self.question.setWordWrap(True)
        self.question.setTextFormat(Qt.TextFormat.PlainText)  # viewer text is never markup
        self.answers = QListWidget()
        self.answers.itemActivated.connect(lambda item: self.choose(self.answers.row(item)))
        self.editor = QPlainTextEdit()
        self.editor.setPlaceholderText(_tr("The answer on air (pick a suggestion with 1-3, or type)"))
        self.note = QLineEdit()
        self.note.setPlaceholderText(_tr("Note for the experts (optional)"))

        right = QWidget()
        column = QVBoxLayout(right)
        column.addWidget(self.preview, 3)
        column.addWidget(self.question)
        column.addWidget(self.answers, 2)
        column.addWidget(self.editor, 1)
        row = QHBoxLayout()
        column.addLayout(row)
        self.note_row = QHBoxLayout()
        self.note_row.addWidget(self.note, 1)
        column.addLayout(self.note_row)
        self.splitter = QSplitter()
        self.splitter.addWidget(self.queue)
        self.splitter.addWidget(right)
        self.splitter.setSizes([560, 720])
        self.setCentralWidget(self.splitter)
        self.connection = QLabel(_tr("Connecting…"))
        self.statusBar().addPermanentWidget(self.connection)
        self._build_actions(row)

        link.snapshotReceived.connect(self._snapshot)
        link.eventReceived.connect(self._event)
        link.stateChanged.connect(self._state)
        link.refused.connect(self._refused)
        link.requestFailed.connect(lambda text: self.statusBar().showMessage(text, 8000))
        link.requestDone.connect(lambda action, reply: self.statusBar().showMessage(
            _tr("Done: {action}").format(action=action), 3000))
        self._preview_timer = QTimer(self)
        self._preview_timer.timeout.connect(lambda: self._spawn(self._refresh_preview()))

    # -- actions ---------------------------------------------------------------------------------
    def _build_actions(self, row: QHBoxLayout) -> None:
        handlers = {
            "next_question": self.next_question, "take": lambda: self.take(with_answer=True),
            "take_question_only": lambda: self.take(with_answer=False),
            "answered": self.clear_question, "clear_question": self.clear_question,
            "panic": self.panic, "panic_alt": self.panic, "queue": lambda: self._comment_action("queue"),
            "flag": self.flag, "dismiss": lambda: self._comment_action("dismiss"), "refile": self.refile,
            "answer_1": lambda: self.choose(0), "answer_2": lambda: self.choose(1),
            "answer_3": lambda: self.choose(2), "edit_answer": self.editor.setFocus}
        for name, handler in handlers.items():
            spec = BY_ACTION[name]
            action = QAction(translated(spec), self)
            action.setShortcut(QKeySequence(spec.keys))
            # Single keys must not fire while typing an answer or a note.
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(handler)
            self.actions_by_name[name] = action
        self.panic_button.clicked.connect(self.panic)
        for name in ("take", "clear_question", "queue", "dismiss", "refile", "flag"):
            button = QPushButton(f"{translated(BY_ACTION[name])} ({BY_ACTION[name].keys})")
            button.setObjectName(name)
            button.clicked.connect(self.actions_by_name[name].trigger)
            (self.note_row if name == "flag" else row).addWidget(button)
        self._offer()

    def _offer(self) -> None:
        """Bind and show only what this seat's role may do."""
        for name, action in self.actions_by_name.items():
            needs = NEEDS[name]
            known = bool(self.show_state.seat)  # nothing is offered before the console said who we are
            allowed = known and (needs is None or self.show_state.can(needs))
            if allowed and action not in self.actions():
                self.addAction(action)
            elif not allowed and action in self.actions():
                self.removeAction(action)
            button = self.findChild(QPushButton, name)
            if button is not None:
                button.setVisible(allowed)
        self.panic_button.setVisible(self.show_state.can("panic"))
        self.editor.setVisible(self.show_state.can("take"))
        self.note.setVisible(self.show_state.can("flag"))

    def selected_comment(self) -> dict[str, Any] | None:
        rows = self.queue.selectionModel().selectedRows() if self.queue.selectionModel() else []
        if not rows:
            return None
        cell = self.queue.item(rows[0].row(), 0)
        return self.show_state.comments.get(cell.data(Qt.ItemDataRole.UserRole)) if cell else None

    def next_question(self) -> None:
        """N: the next waiting question after the selected one (the first if none)."""
        rows = self.queue.rowCount()
        if not rows:
            self.statusBar().showMessage(_tr("No question waiting"), 3000)
            return
        selected = self.queue.selectionModel().selectedRows()
        self.queue.selectRow((selected[0].row() + 1) % rows if selected else 0)

    def choose(self, index: int) -> None:
        if 0 <= index < len(self.suggestions):
            self.chosen = index
            self._armed = None
            self.answers.setCurrentRow(index)
            self.editor.setPlainText(self.suggestions[index]["short_answer"])

    def take(self, *, with_answer: bool) -> None:
        comment = self.selected_comment()
        if comment is None:
            self.statusBar().showMessage(_tr("Select a question first"), 3000)
            return
        answer = self.editor.toPlainText().strip() if with_answer else ""
        if answer and not self._confirmed(comment["id"]):
            return
        if self.show_state.on_air_comment() == comment["id"] and answer:
            self.link.send("update", layer="qa", data={"answer": answer})
            return
        fields: dict[str, Any] = {"comment": comment["id"]}
        if answer:
            fields["answer"] = answer
        if comment.get("item"):
            fields["item"] = comment["item"]
        self.link.send("take", **fields)

    def _confirmed(self, comment_id: int) -> bool:
        """The local desk's rule for an answer from an unreviewed (draft) entry: only the
        officer airs it, and only with a second Enter within ``CONFIRM_WINDOW_S``."""
        chosen = self.suggestions[self.chosen] if 0 <= self.chosen < len(self.suggestions) else None
        if chosen is None or chosen.get("status") != "draft":
            return True
        if self.show_state.seat.get("role") != "officer":
            self.statusBar().showMessage(_tr("Draft answer: only the officer can confirm it for air"), 6000)
            return False
        armed = self._armed
        if armed is None or armed[0] != comment_id or time.monotonic() - armed[1] > CONFIRM_WINDOW_S:
            self._armed = (comment_id, time.monotonic())
            self.statusBar().showMessage(
                _tr("Draft answer, not yet reviewed: press Enter again to confirm it for air"),
                int(CONFIRM_WINDOW_S * 1000))
            return False
        self._armed = None
        return True

    def clear_question(self) -> None:
        if "qa" in self.show_state.on_air:
            self.link.send("clear", layer="qa")

    def panic(self) -> None:
        self.link.send("panic")

    def flag(self) -> None:
        comment = self.selected_comment()
        if comment is not None:
            note = self.note.text().strip()
            self.note.clear()
            self.link.send("flag", comment=comment["id"], **({"note": note} if note else {}))

    def _comment_action(self, action: str) -> None:
        comment = self.selected_comment()
        if comment is not None:
            self.link.send(action, comment=comment["id"])

    def refile(self) -> None:
        comment = self.selected_comment()
        if comment is None or not self.catalog:
            return
        codes = sorted(self.catalog)
        labels = [f"{code} {self.catalog[code]['name']}" for code in codes]
        label, ok = QInputDialog.getItem(self, _tr("Re-file"), _tr("Business item:"), labels, 0, False)
        if ok:
            self.link.send("triage", comment=comment["id"], item=codes[labels.index(label)])

    # -- what arrives --------------------------------------------------------------------------------
    def _snapshot(self, snapshot: dict[str, Any]) -> None:
        self.show_state.apply_snapshot(snapshot)
        seat = self.show_state.seat
        self.setWindowTitle(_tr("Desk (remote): {name}").format(name=seat.get("name", "")))
        self._offer()
        self._render()
        if not self.catalog:
            self._spawn(self._load_catalog())
        if not self._preview_timer.isActive():
            self._preview_timer.start(PREVIEW_MS)

    def _event(self, name: str, data: dict[str, Any]) -> None:
        self.show_state.apply_event(name, data)
        self._render()

    def _render(self) -> None:
        selected = self.selected_comment()
        keep = selected["id"] if selected else None
        rows = self.show_state.waiting()
        self.queue.blockSignals(True)
        self.queue.setRowCount(len(rows))
        for index, comment in enumerate(rows):
            viewer = comment.get("viewer") or comment.get("viewer_masked") or ""
            text = comment.get("text") or comment.get("text_masked") or ""
            state = str(STATES.get(comment.get("state", ""), comment.get("state", "")))
            for col, value in enumerate((viewer, text, comment.get("item") or "", _tr(state))):
                item = QTableWidgetItem(value)
                item.setData(Qt.ItemDataRole.UserRole, comment["id"])
                self.queue.setItem(index, col, item)
            if comment["id"] == keep:
                self.queue.selectRow(index)
        self.queue.blockSignals(False)
        if keep is not None and self.selected_comment() is None:
            self._selected()
        layers = sorted(self.show_state.on_air)
        self.on_air_label.setText(_tr("On air: {layers}").format(layers=", ".join(layers) or "—"))

    def _selected(self) -> None:
        comment = self.selected_comment()
        self.suggestions, self.chosen, self._armed = [], -1, None
        self.answers.clear()
        self.editor.clear()
        if comment is None:
            self.question.clear()
            return
        self.question.setText(comment.get("text") or comment.get("text_masked") or "")
        self._spawn(self._load_suggestions(comment["id"]))

    async def _load_suggestions(self, comment_id: int) -> None:
        try:
            suggestions = await asyncio.to_thread(self.http.suggestions, comment_id)
        except DeskHttpError as exc:
            self.statusBar().showMessage(str(exc), 5000)
            return
        current = self.selected_comment()
        if current is None or current["id"] != comment_id:
            return
        question = self.show_state.questions.get(comment_id) or {}
        experts = [{"short_answer": a["text"], "source": a["expert"], "status": "expert",
                    "item": question.get("item")} for a in question.get("answers") or ()]
        self.suggestions = suggestions + experts
        for index, suggestion in enumerate(self.suggestions, 1):
            entry = QListWidgetItem(f"{index}. {suggestion['short_answer']}\n"
                                    f"   {suggestion.get('item') or ''} · {suggestion.get('status') or ''}"
                                    f" · {suggestion.get('source') or ''}")
            self.answers.addItem(entry)
        self.choose(0)

    async def _load_catalog(self) -> None:
        with contextlib.suppress(DeskHttpError):
            self.catalog = await asyncio.to_thread(self.http.catalog)

    async def _refresh_preview(self) -> None:
        try:
            jpeg = await asyncio.to_thread(self.http.program_jpeg)
        except DeskHttpError:
            return
        pixmap = QPixmap()
        if pixmap.loadFromData(jpeg, "JPG"):
            self.preview.setPixmap(pixmap.scaled(self.preview.size(), Qt.AspectRatioMode.KeepAspectRatio,
                                                 Qt.TransformationMode.SmoothTransformation))

    def _state(self, state: str) -> None:
        names = {"online": _tr("Connected"), "connecting": _tr("Connecting…"),
                 "offline": _tr("Offline — reconnecting")}
        self.connection.setText(names.get(state, state))
        # Never act on a stale picture: nothing is sent while the link is down.
        self.splitter.setEnabled(state == "online")
        for action in self.actions_by_name.values():
            action.setEnabled(state == "online")

    def _refused(self, why: str) -> None:
        self.connection.setText(_tr("Refused: {why}").format(why=why))
        self._preview_timer.stop()
        self.show_state = RemoteShow()  # the token is gone: nothing is offered any more
        self._offer()

    def _spawn(self, coro: Any) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._preview_timer.stop()
        super().closeEvent(event)


def run_remote_desk(args: argparse.Namespace) -> int:
    """``videohelp --role officer|presenter|producer --connect URL --token T``: until closed."""
    import qasync

    from videohelp.ui.remote_start import start_remote
    from videohelp.ui.screenshot import save_screenshot as _save_screenshot

    started = start_remote(args, "--connect wss://HOST:PORT needs --token TOKEN "
                                 "(or $VIDEOHELP_SEAT_TOKEN)")
    if started is None:
        return 2
    app, link = started
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)

    async def main() -> None:
        client = link.client
        context = None
        if client.secure:  # the same trust as the seat connection: the pin, or the system's CAs
            context = await tls.client_context(client.host, client.port, client.fingerprint, 10.0)
        window = RemoteDeskWindow(link, DeskHttp(args.connect, args.token, context))
        closed = asyncio.Event()
        app.lastWindowClosed.connect(closed.set)
        link.start()
        window.show()
        if args.screenshot:
            QTimer.singleShot(int(max(0.5, (args.quit_after or 2) - 0.3) * 1000),
                              lambda: _save_screenshot(window, Path(args.screenshot)))  # type: ignore[arg-type]
        if args.quit_after is not None:
            QTimer.singleShot(int(args.quit_after * 1000), window.close)
        await closed.wait()
        await link.stop()

    app.setQuitOnLastWindowClosed(False)
    try:
        with loop:
            loop.run_until_complete(main())
    except tls.TlsError as exc:
        print(f"videohelp: {exc}", file=sys.stderr)
        return 2
    return 0
