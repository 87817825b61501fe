"""The live feed: newly stored comments handed to the desk in batches.

The pipeline may store thousands of comments a second; the desk's models take
them at most every ``interval_ms`` as one list, so the UI updates in batches.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from videohelp.queue.comments import StoredComment


class CommentFeed(QObject):
    """Collects stored comments and emits them in batches on the main thread.

    Signals:
        commentsAdded(list): a batch of ``StoredComment``, oldest first.
    """

    commentsAdded = Signal(list)

    def __init__(self, interval_ms: int = 40, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pending: list[StoredComment] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.flush)

    def set_interval(self, interval_ms: int) -> None:
        """Hand batches over at most every ``interval_ms`` (the desk: a few per second)."""
        self._timer.setInterval(interval_ms)

    def push(self, comments: list[StoredComment]) -> None:
        """Pipeline listener: queue ``comments`` for the next batch (main thread)."""
        self._pending.extend(comments)
        if not self._timer.isActive():
            self._timer.start()

    def flush(self) -> None:
        if self._pending:
            batch, self._pending = self._pending, []
            self.commentsAdded.emit(batch)
