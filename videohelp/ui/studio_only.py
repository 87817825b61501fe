"""In a desk on another machine, the panels that need the studio machine's own resources.

A remote desk (``--connect``) keeps the studio desk's layout: every dock is where it is on
the studio's desk, but the return monitor (VLC on the studio's monitor feed), the clip
pocket (the clips' video files) and the knowledge base's editor (the studio's SQLite file)
cannot work from another machine. Their docks show this panel instead, saying why, and
where the studio desk calls them (a clip to preview, a question's item) nothing happens.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QEvent, Qt
from PySide6.QtWidgets import QDockWidget, QLabel, QWidget

from videohelp.ui.i18n import Retranslator

CTX = "StudioOnly"
REASONS = {
    "return": QT_TRANSLATE_NOOP(CTX, "The return monitor plays on the studio PC only "
                                     "(its video feed is the studio's)."),
    "pocket": QT_TRANSLATE_NOOP(CTX, "Explainer clips are previewed and played from the studio PC "
                                     "(the video files are there)."),
    "knowledge": QT_TRANSLATE_NOOP(CTX, "The knowledge base is edited on the studio PC. Suggested "
                                        "answers still show under Answer."),
    "go_live": QT_TRANSLATE_NOOP(CTX, "Streaming and recording are started on the studio PC."),
}
TITLES = {"knowledge": QT_TRANSLATE_NOOP(CTX, "Knowledge base")}


class StudioOnly(QLabel):
    """A dock's place-holder on a remote desk: the reason, in the interface's language."""

    def __init__(self, what: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"studioOnly-{what}")
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setEnabled(False)  # greyed: nothing to do here
        self.rt = Retranslator(CTX)
        self.rt.bind(self.setText, REASONS[what])

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.rt.apply()
        super().changeEvent(event)

    # What the studio desk asks of the panels it stands in for: nothing to do.
    def show_item(self, item: str | None, comment_id: int | None = None) -> None:
        del item, comment_id

    def play_file(self, path: str) -> None:
        del path

    def take(self) -> None:
        pass

    def shutdown(self) -> None:
        pass


class StudioOnlyDock(QDockWidget):
    """A dock called ``name`` (``dock-NAME``, as the studio's) holding the reason."""

    def __init__(self, parent: QWidget, name: str) -> None:
        super().__init__(parent)
        self.setObjectName(f"dock-{name}")
        self.setWidget(StudioOnly(name))
        self.rt = Retranslator(CTX)
        self.rt.bind(self.setWindowTitle, TITLES[name])

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.rt.apply()
        super().changeEvent(event)
