"""The studio desk: live feed, question queue, answers, program, graphics rundown.

Views are built from models (``CommentListModel``, ``QuestionQueueModel``) fed
by the session's signals; every action is a QAction built from the shortcut
table. The 全部下屏 (clear all) button sits in a toolbar that cannot be hidden.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QT_TRANSLATE_NOOP, QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QFont, QFontMetrics, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from videohelp.console.desk_session import DeskSession
from videohelp.core.catalog import Catalog
from videohelp.queue.comments import State, StoredComment
from videohelp.ui.answer_panel import AnswerPanel
from videohelp.ui.banner import Banner
from videohelp.ui.card_keys import CardKeys
from videohelp.ui.comment_model import CommentListModel, FeedFilter
from videohelp.ui.desk_actions import DeskActions
from videohelp.ui.desk_offer import offered
from videohelp.ui.desk_recovery import DeskRecovery
from videohelp.ui.feed_filter_bar import FeedFilterBar
from videohelp.ui.go_live import GoLivePanel
from videohelp.ui.i18n import LANGUAGES, Retranslator, current_language
from videohelp.ui.knowledge_view import KnowledgeDock
from videohelp.ui.layouts import ROLE_LAYOUTS, RoleLayout, layout_file, save_layout
from videohelp.ui.monitors import NextMonitor, ProgramMonitor
from videohelp.ui.pocket_panel import PocketPanel
from videohelp.ui.queue_model import QuestionQueueModel
from videohelp.ui.return_monitor import ReturnMonitor
from videohelp.ui.rundown import RundownError, RundownPanel, load_rundown
from videohelp.ui.shortcuts import SHORTCUTS, translated
from videohelp.ui.source_picker import SourcePicker
from videohelp.ui.status_panel import StatusPanel
from videohelp.ui.studio_only import StudioOnly, StudioOnlyDock
from videohelp.ui.theme import PANIC_BUTTON_STYLE, THEMES
from videohelp.ui.words import refusal_words

log = logging.getLogger(__name__)
CTX = "MainWindow"
# The widest role and language needs about 1180x540; studio screens start at 1280x720.
MIN_WIDTH, MIN_HEIGHT = 1200, 640
SCROLLED_DOCKS = frozenset({"answers", "pocket"})
FEED_BATCH_MS = 400
# A flood (a batch of 100 rows or more: 250 comments/s) scrolls rows past faster than anyone
# reads them; the feed then takes them once a second until a batch is smaller (under 100/s).
# At 300/s, toggled in one process: the desk 0.015 cores cheaper, its GUI thread 0.012.
FEED_FLOOD_ROWS, FEED_FLOOD_BATCH_MS = 100, 1000


class MainWindow(DeskActions, QMainWindow):
    """The studio desk.

    Signals:
        operatorActed(): the operator pressed a button or shortcut (the demo stands down).
    """

    operatorActed = Signal()

    def __init__(self, session: DeskSession, *, show_personal: bool = False,
                 role: str | None = None, person: str = "desk") -> None:
        super().__init__()
        self.session = session
        # The desk is the actor its session was started as: its role decides the layout here
        # and, in the show's action service, what the desk may do.
        if role is not None and role != session.actor.role.value:
            raise ValueError(f"the session acts as {session.actor.role.value}, not {role}")
        role = session.actor.role.value
        self.role = role if role in ROLE_LAYOUTS else "officer"
        self.layout_spec: RoleLayout = ROLE_LAYOUTS[self.role]
        self.person = person
        self.rt = Retranslator(CTX)
        self._confirm_armed: tuple[int, float] | None = None
        self._confirmed: set[tuple[int, str]] = set()  # (comment, draft entry) the officer confirmed
        self._docks_sized = False
        self._selected: StoredComment | None = None
        self.setObjectName("desk")
        # The desk fits every studio screen from 1280x720 up: its minimum is set, so what
        # goes on air (a long question, a refusal) can never grow the window by itself.
        self.setMinimumSize(MIN_WIDTH, MIN_HEIGHT)
        self.resize(1600, 900)
        screen = QApplication.primaryScreen()
        if screen is not None:  # a studio screen: the whole of it (a saved layout may differ)
            room = screen.availableGeometry().size()
            if room.width() >= 1280 and room.height() >= 720:
                self.resize(room)
        self.rt.bind(self.setWindowTitle, QT_TRANSLATE_NOOP(CTX, "videohelp — Live desk"))

        # -- the live feed (central) ----------------------------------------------------
        self.model = CommentListModel(show_personal=show_personal, catalog=session.catalog,
                                      parent=self)
        self.feed_filter = FeedFilter(self)
        self.feed_filter.setSourceModel(self.model)
        self.table = self._table(self.feed_filter)
        self.table.setObjectName("feed")
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        # Narrow fixed columns leave the comment itself the room (1366 px screens too).
        for column, width in ((0, 66), (1, 64), (2, 84), (4, 160), (6, 62)):
            self.table.setColumnWidth(column, width)
        self._fit_asked_column()
        self.table.doubleClicked.connect(self._take_index)
        self.filter_bar = FeedFilterBar(self.feed_filter, self.model.catalog)
        if self.layout_spec.feed_questions_only:
            self.filter_bar.questions_only.setChecked(True)
        central = QWidget()
        column = QVBoxLayout(central)
        self.feed_title = QLabel()
        self.rt.bind(self.feed_title.setText, QT_TRANSLATE_NOOP(CTX, "Live comments"))
        column.addWidget(self.feed_title)
        column.addWidget(self.filter_bar)
        column.addWidget(self.table, 1)
        self.setCentralWidget(central)

        # -- docks ------------------------------------------------------------------------
        self.queue_model = QuestionQueueModel(self.model.catalog, parent=self)
        self.queue_view = self._table(self.queue_model)
        self.queue_view.setObjectName("queue")
        queue_header = self.queue_view.horizontalHeader()
        queue_header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for column, width in ((0, 36), (2, 120), (3, 44), (4, 52)):
            self.queue_view.setColumnWidth(column, width)
        self.queue_view.setMinimumWidth(260)
        self.queue_view.doubleClicked.connect(lambda index: self._select_in_queue(index.row()))
        # The knowledge base on its own thread at the studio (the answers and the knowledge
        # dock ask it); on another machine, the suggestions the console sent.
        self.knowledge = session.open_knowledge(self)
        self.answers = AnswerPanel(self.knowledge, self.model.catalog)
        self.answers.pinnedTake.connect(self.take_pinned)
        self.next_monitor = NextMonitor()
        self.program_monitor = ProgramMonitor()
        # A desk on another machine (session.studio False) keeps every dock where the studio
        # desk has it; what needs the studio PC's own files and devices says so instead.
        self.go_live = GoLivePanel(session, self.notify) if session.studio else StudioOnly("go_live")
        # the program's source, by its monitor (cut on the studio PC: its cameras and files)
        self.source_picker = SourcePicker(session) if session.studio else None
        if self.source_picker is not None:
            self.source_picker.acted.connect(self.operatorActed)
            self.program_monitor.add_controls(self.source_picker)
        self.program_monitor.add_controls(self.go_live)
        self.preview = self.program_monitor.preview
        self.rundown = self._rundown()
        self.docks: dict[str, QDockWidget] = {}
        # Studio mode across the top: the next card beside the program (each a quarter of
        # a 1080p screen or more), the rundown beside them; the work below never hides them.
        top = Qt.DockWidgetArea.TopDockWidgetArea
        self._dock("next", QT_TRANSLATE_NOOP(CTX, "Next card"), self.next_monitor, top)
        self._dock("preview", QT_TRANSLATE_NOOP(CTX, "Program"), self.program_monitor, top)
        self._dock("rundown", QT_TRANSLATE_NOOP(CTX, "Graphics rundown"), self.rundown, top)
        self.return_monitor = (ReturnMonitor(session.settings["monitor.return_url"])
                               if session.studio else StudioOnly("return"))
        self._dock("return", QT_TRANSLATE_NOOP(CTX, "Return monitor"), self.return_monitor, top)
        self.splitDockWidget(self.docks["next"], self.docks["preview"], Qt.Orientation.Horizontal)
        self.splitDockWidget(self.docks["preview"], self.docks["rundown"], Qt.Orientation.Horizontal)
        self.tabifyDockWidget(self.docks["rundown"], self.docks["return"])
        self.docks["rundown"].raise_()
        self._dock("queue", QT_TRANSLATE_NOOP(CTX, "Question queue"), self.queue_view,
                   Qt.DockWidgetArea.LeftDockWidgetArea)
        self._dock("answers", QT_TRANSLATE_NOOP(CTX, "Answer"), self.answers,
                   Qt.DockWidgetArea.RightDockWidgetArea)
        # 锦囊口袋 (issue 18): the selected question's clips under its answers; preview on the
        # return monitor.
        self.pocket_panel = PocketPanel(session) if session.studio else StudioOnly("pocket")
        if isinstance(self.pocket_panel, PocketPanel):
            self.pocket_panel.previewRequested.connect(self.return_monitor.play_file)
        self._dock("pocket", QT_TRANSLATE_NOOP(CTX, "Explainer clips"), self.pocket_panel,
                   Qt.DockWidgetArea.RightDockWidgetArea)
        self.splitDockWidget(self.docks["answers"], self.docks["pocket"], Qt.Orientation.Vertical)
        if self.role == "producer":
            # The producer screens (feed, queue, knowledge base) and takes nothing: the program
            # sits above the expert group at the side, leaving the feed its height.
            self.splitDockWidget(self.docks["answers"], self.docks["preview"], Qt.Orientation.Vertical)
            self.splitDockWidget(self.docks["preview"], self.docks["answers"], Qt.Orientation.Vertical)
        self.knowledge_dock = KnowledgeDock(self.knowledge, actor=session.options.actor,
                                            parent=self) if session.studio else StudioOnlyDock(
            self, "knowledge")
        self.knowledge_dock.setObjectName("dock-knowledge")
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.knowledge_dock)
        self.docks["knowledge"] = self.knowledge_dock
        for corner, area in ((Qt.Corner.TopLeftCorner, top), (Qt.Corner.TopRightCorner, top),
                             (Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea),
                             (Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)):
            self.setCorner(corner, area)
        self._size_docks(1600, 900)

        # -- the always-visible program bar: on-air line, take/clear, CLEAR ALL --------------
        self.program_bar = QToolBar()
        self.program_bar.setObjectName("programBar")
        self.program_bar.setMovable(False)
        self.program_bar.toggleViewAction().setEnabled(False)
        self.program_bar.setContextMenuPolicy(Qt.ContextMenuPolicy.PreventContextMenu)
        self.on_air_label = QLabel()
        self.on_air_label.setObjectName("onAirLabel")
        # Elided, never wider than it is given: a long question does not grow the window.
        self.on_air_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.on_air_label.setMinimumWidth(160)
        self.on_air_label.setStyleSheet("font-weight: bold;")
        self.banner = Banner()
        self.take_button = QPushButton()
        self.clear_button = QPushButton()
        self.panic_button = QPushButton()
        self.panic_button.setObjectName("panicButton")
        self.panic_button.setStyleSheet(PANIC_BUTTON_STYLE)
        panic_font = QFont(self.panic_button.font())
        panic_font.setPixelSize(26)
        panic_font.setBold(True)
        self.panic_button.setFont(panic_font)
        self.panic_button.setMinimumSize(220, 48)
        self.rt.bind(self.on_air_label.setText, QT_TRANSLATE_NOOP(CTX, "Nothing on air"))
        self.rt.bind(self.take_button.setText, QT_TRANSLATE_NOOP(CTX, "On screen (Enter)"))
        self.rt.bind(self.clear_button.setText, QT_TRANSLATE_NOOP(CTX, "Off screen (Esc)"))
        self.rt.bind(self.panic_button.setText, QT_TRANSLATE_NOOP(CTX, "CLEAR ALL (F12)"))
        self.take_button.clicked.connect(self.take_selected)
        self.clear_button.clicked.connect(self.clear_question)
        self.panic_button.clicked.connect(self.panic)
        # One row in one widget: a toolbar hides widgets that do not fit behind an extension
        # button; a single widget it never hides, so 全部下屏 shows at every size.
        row_widget = QWidget()
        row_widget.setObjectName("programRow")
        row = QHBoxLayout(row_widget)
        row.setContentsMargins(2, 2, 2, 2)
        row.addWidget(self.panic_button)
        row.addWidget(self.take_button)
        row.addWidget(self.clear_button)
        row.addWidget(self.on_air_label, 2)
        row.addWidget(self.banner, 3)
        self.program_bar.addWidget(row_widget)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.program_bar)

        self.actions_by_name: dict[str, QAction] = {}
        # drafts and pins kept; retake after a crash (the crash record is the studio's: a desk
        # on another machine keeps its work in the console it talks to)
        self.recovery = DeskRecovery(self) if session.studio else None
        self.card_keys = CardKeys(self)
        self._build_actions()
        self._build_menus()
        self.status = StatusPanel(session, self.statusBar())
        self._next_timer = QTimer(self)
        self._next_timer.setSingleShot(True)
        self._next_timer.setInterval(150)  # typing in the answer box renders once per pause
        self._next_timer.timeout.connect(self._render_next)
        self.answers.changed.connect(self._preview_next)
        self._wire(session)
        self._restore_layout()
        self._apply_role()
        if self.source_picker is not None:
            self.source_picker.restore()

    # -- construction helpers ---------------------------------------------------------
    def _table(self, model) -> QTableView:
        table = QTableView()
        table.setModel(model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.verticalHeader().setVisible(False)
        table.verticalHeader().setDefaultSectionSize(28)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        table.setWordWrap(False)
        table.selectionModel().currentRowChanged.connect(
            lambda current, _previous, t=table: self._row_selected(t, current))
        return table

    def _dock(self, name: str, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> None:
        dock = QDockWidget(self)
        dock.setObjectName(f"dock-{name}")
        if name in SCROLLED_DOCKS:  # tall panels scroll rather than set the window's height
            widget = _scrolled(widget)
        dock.setWidget(widget)
        self.rt.bind(dock.setWindowTitle, title)
        self.addDockWidget(area, dock)
        self.docks[name] = dock

    def add_dock(self, name: str, dock: QDockWidget, beside: str = "answers") -> None:
        """Add a dock made elsewhere (the expert dock): tabbed with ``beside``, in the View menu."""
        self.docks[name] = dock
        inner = dock.widget()
        if inner is not None and not isinstance(inner, QScrollArea):  # scrolls, never sets height
            dock.setWidget(_scrolled(inner))
        if beside in self.docks and dock is not self.docks[beside]:
            area = self.dockWidgetArea(self.docks[beside])
            self.addDockWidget(area, dock)
            self.tabifyDockWidget(self.docks[beside], dock)
            self.docks[beside].raise_()
        view = self.menus["view"]
        view.insertAction(self._view_separator, dock.toggleViewAction())

    def _size_docks(self, width: int, height: int) -> None:
        """Give the two monitors a quarter of the screen's width or more (16:9 pictures)."""
        monitor = max(200, int(width * 0.27))
        self.resizeDocks([self.docks["next"], self.docks["preview"]], [monitor, monitor],
                         Qt.Orientation.Horizontal)
        top = min(int(monitor * 9 / 16) + 90, int(height * 0.45))
        self.resizeDocks([self.docks["preview"]], [top], Qt.Orientation.Vertical)
        queue = max(320, int(width * 0.22))
        self.resizeDocks([self.docks["queue"], self.docks["answers"]],
                         [queue, max(320, int(width * 0.27))], Qt.Orientation.Horizontal)
        # The question keeps the room in a narrow queue (1366 px): the item column narrows
        # (its code stays readable; the name is elided) instead of the question being cut to
        # two characters.
        self.queue_view.setColumnWidth(2, min(120, max(64, queue - 292)))
        pocket = self.docks.get("pocket")
        if pocket is not None and pocket.isVisible() and not self.tabifiedDockWidgets(pocket):
            below = max(160, int(height * 0.22))  # the answers readable whole above the clips
            self.resizeDocks([self.docks["answers"], pocket], [height - below, below],
                             Qt.Orientation.Vertical)

    def showEvent(self, event: QShowEvent) -> None:
        """First shown at the screen's size: the monitors get their share of it."""
        super().showEvent(event)
        if not self._docks_sized:
            self._docks_sized = True
            self._size_docks(self.width(), self.height())

    def notify(self, text: str, kind: str = "ok", seconds: float | None = None) -> None:
        """Tell the operator what an action did, in the banner beside the program's buttons."""
        self.banner.show_message(text, kind, seconds)

    def _rundown(self) -> RundownPanel:
        try:
            entries = load_rundown(self.session.paths.root)
        except RundownError as exc:
            log.error("%s", exc)
            entries = []
        panel = RundownPanel(self.session.program, self.session.renderer, entries,
                             act=lambda request: self.session.spawn(self.session.act(request)))
        panel.acted.connect(self.operatorActed)
        return panel

    def _build_actions(self) -> None:
        slots = {
            "next_question": self.next_question, "take": self.take_selected,
            "take_question_only": lambda: self.take_selected(question_only=True),
            "answered": self.mark_answered, "clear_question": self.clear_question,
            "panic": self.panic, "panic_alt": self.panic, "queue": self.queue_selected,
            "retake_on_air": self.recovery.retake if self.recovery else lambda: None,
            "move_up": lambda: self.move_selected(-1), "move_down": lambda: self.move_selected(1),
            "flag": lambda: self._change_selected(State.FLAGGED),
            "dismiss": lambda: self._change_selected(State.DISMISSED),
            "refile": self.refile_selected,
            "answer_1": lambda: self.answers.choose(1), "answer_2": lambda: self.answers.choose(2),
            "answer_3": lambda: self.answers.choose(3), "pin": self.pin_answer,
            "retake_pinned": self.retake_pinned, "edit_answer": self.answers.focus_editor,
            "focus_feed": self.table.setFocus, "focus_queue": self.queue_view.setFocus,
            "focus_rundown": self.rundown.list.setFocus,
            "filter": self.filter_bar.focus_text, "help": self.show_shortcuts,
            "knowledge": self.knowledge_dock.toggleViewAction().trigger,
            "play_clip": self.pocket_panel.take,
            "stop_clip": self.session.pocket.stop_clip if self.session.studio else self.pocket_panel.take,
            "card_qr": self.card_keys.item_qr, "card_expert": self.card_keys.expert_card,
            "card_lower_third": self.card_keys.lower_third,
            "card_lower_third_off": self.card_keys.lower_third_off,
            "card_ticker": self.card_keys.ticker, "card_clock": self.card_keys.clock,
        }
        for spec in SHORTCUTS:
            action = QAction(translated(spec), self)
            action.setShortcut(QKeySequence(spec.keys))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(slots[spec.action])
            self.actions_by_name[spec.action] = action
            if offered(spec.action, self.role, self.session.studio):
                self.addAction(action)
            else:  # what the role may not do is not offered: no key, no menu entry
                action.setEnabled(False)
                action.setVisible(False)
        self.take_button.setVisible(offered("take", self.role, self.session.studio))
        self.clear_button.setVisible(offered("clear_question", self.role, self.session.studio))

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.menus = {}
        for key, title in (("show", QT_TRANSLATE_NOOP(CTX, "&Show")),
                           ("view", QT_TRANSLATE_NOOP(CTX, "&View")),
                           ("review", QT_TRANSLATE_NOOP(CTX, "&Review")),
                           ("help", QT_TRANSLATE_NOOP(CTX, "&Help"))):
            menu = bar.addMenu("")
            self.rt.bind(menu.setTitle, title)
            self.menus[key] = menu
        for name in ("next_question", "take", "take_question_only", "answered", "clear_question",
                     "panic", None, "card_qr", "card_expert", "card_lower_third",
                     "card_lower_third_off", "card_ticker", "card_clock"):
            if name is None:
                self.menus["show"].addSeparator()
            else:
                self.menus["show"].addAction(self.actions_by_name[name])
        for dock in self.docks.values():
            self.menus["view"].addAction(dock.toggleViewAction())
        self._view_separator = self.menus["view"].addSeparator()
        themes = QActionGroup(self)
        for theme in THEMES:
            action = self.menus["view"].addAction("")
            self.rt.bind(action.setText, {"dark": QT_TRANSLATE_NOOP(CTX, "Dark studio theme"),
                                          "light": QT_TRANSLATE_NOOP(CTX, "Light theme")}[theme])
            action.setCheckable(True)
            action.setActionGroup(themes)
            action.setChecked(theme == self.session.settings["ui.theme"])
            action.triggered.connect(lambda _checked, t=theme: self.set_theme(t))
        self.menus["view"].addSeparator()
        languages = QActionGroup(self)
        self.language_actions = {}
        for language, label in zip(LANGUAGES, ("中文", "English"), strict=True):
            action = self.menus["view"].addAction(label)
            action.setCheckable(True)
            action.setActionGroup(languages)
            action.triggered.connect(lambda _checked, lang=language: self.set_language(lang))
            self.language_actions[language] = action
        current = current_language(QApplication.instance())
        if current in self.language_actions:
            self.language_actions[current].setChecked(True)
        self.menus["view"].addSeparator()
        reset = self.menus["view"].addAction("")
        self.rt.bind(reset.setText, QT_TRANSLATE_NOOP(CTX, "Reset layout for this role"))
        reset.triggered.connect(self.reset_layout)
        self.review_action = self.menus["review"].addAction("")
        self.rt.bind(self.review_action.setText, QT_TRANSLATE_NOOP(CTX, "Daily review…"))
        self.review_action.triggered.connect(self.open_review)
        self.menus["review"].menuAction().setVisible(self.session.studio)  # the studio's database
        self.menus["help"].addAction(self.actions_by_name["help"])

    def _wire(self, session: DeskSession) -> None:
        # Rows arrive in batches every 400 ms, with triage's results for rows already shown:
        # the feed repaints 2.5 times a second, not 25 (at 300 comments/s the repaints were
        # most of the main thread's CPU: 0.21 cores above idle with batches every 200 ms and
        # triage's repaints apart, 0.12 so; a comment shows at most 0.4 s after it is stored,
        # 1 s in a flood).
        session.feed.set_interval(FEED_BATCH_MS, flood_rows=FEED_FLOOD_ROWS,
                                  flood_interval_ms=FEED_FLOOD_BATCH_MS)
        session.feed.commentsAdded.connect(self.model.add_comments)
        session.commentsTriaged.connect(self.model.file_comments)  # the rows hold it now ...
        session.commentsTriaged.connect(session.feed.push_filed)  # ... repainted with the next rows
        session.feed.commentsFiled.connect(self.model.repaint_comments)
        session.commentsTriaged.connect(self.queue_model.add_triaged)
        session.repeatsAdded.connect(self.model.add_askers)
        session.repeatsAdded.connect(self.queue_model.add_askers)
        session.commentChanged.connect(self.model.update_comment)
        session.commentChanged.connect(self.queue_model.comment_changed)
        session.onAirChanged.connect(self._on_air_changed)
        session.onAirChanged.connect(self._answer_aired)
        session.actionFailed.connect(lambda text: self.notify(refusal_words(text), "error"))
        session.program.previewReady.connect(self.preview.show_frame)
        session.outputs.outputStateChanged.connect(self.program_monitor.output_state)
        session.outputs.outputStatsChanged.connect(self.program_monitor.output_stats)
        session.catalogChanged.connect(self._catalog_changed)
        session.suggestionsReady.connect(self._suggestions_ready)
        if isinstance(self.knowledge_dock, KnowledgeDock):
            self.knowledge_dock.catalogSaved.connect(
                lambda _code: session.spawn(session.reload_catalog()))  # type: ignore[attr-defined]

    def _answer_aired(self, comment: StoredComment | None) -> None:
        if comment is not None:  # its edits are on screen now: no longer drafts
            self.answers.aired(comment.id)

    def _catalog_changed(self, catalog: Catalog) -> None:
        """An item was edited: the feed, queue, filters and answer name it anew."""
        for part in (self.model, self.queue_model, self.filter_bar, self.answers):
            part.set_catalog(catalog)

    def _fit_asked_column(self) -> None:
        """The feed's "N asked" column as wide as "99 asked" in bold in this language (a fixed
        46 px showed "2 人…" in Chinese)."""
        bold = QFont(self.table.font())
        bold.setBold(True)
        width = QFontMetrics(bold).horizontalAdvance(self.model.asked_text(99)) + 12  # cell margins
        self.table.setColumnWidth(self.model.COLUMNS.index("asked"), width)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.rt.apply()
            self._fit_asked_column()
            self.banner.clear_message()  # a message is for the moment: not re-worded, dropped
            for spec in SHORTCUTS:
                self.actions_by_name[spec.action].setText(translated(spec))
            for model in (self.model, self.queue_model):
                model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, model.columnCount() - 1)
            self.filter_bar.retranslate()
            self.status.retranslate()
            # The docks' panels re-word themselves on the same event (their own changeEvent).
            language = current_language(QApplication.instance())
            if language in self.language_actions:
                self.language_actions[language].setChecked(True)
        super().changeEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        log.info("main window closed")
        save_layout(layout_file(self.session.paths.root, self.role, self.person),
                    self.saveState(), self.saveGeometry())
        if isinstance(self.knowledge_dock, KnowledgeDock):
            self.knowledge_dock.shutdown()
        self.return_monitor.shutdown()
        self.knowledge.close()
        super().closeEvent(event)



def _scrolled(widget: QWidget) -> QScrollArea:
    """``widget`` in a vertical scroll area: its height no longer sets the window's minimum."""
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QScrollArea.Shape.NoFrame)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    scroll.setWidget(widget)
    return scroll
