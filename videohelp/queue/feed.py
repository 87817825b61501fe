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
        commentsFiled(list): triage's results for comments (``StoredComment``), handed over
            with the next batch, after its rows: the views repaint once per batch, not once
            for the rows and again for each triage batch (at 300 comments/s the desk's main
            thread spent most of its time repainting: issue 15).
        repeatsAdded(object): comment id -> how many more viewers repeated it (after the
            batch that may hold its row).
    """

    commentsAdded = Signal(list)
    commentsFiled = Signal(list)
    repeatsAdded = Signal(object)  # dict[int, int]: comment id -> more viewers asked it

    def __init__(self, interval_ms: int = 40, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pending: list[StoredComment] = []
        self._repeats: dict[int, int] = {}
        self._filed: list[StoredComment] = []
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

    def push_repeats(self, counts: dict[int, int]) -> None:
        """Repeats collapsed at ingest (comment id -> how many more): counted with the next
        batch, after its rows, so the views change once per batch, not once per commit."""
        for comment_id, count in counts.items():
            self._repeats[comment_id] = self._repeats.get(comment_id, 0) + count
        if not self._timer.isActive():
            self._timer.start()

    def push_filed(self, comments: list[StoredComment]) -> None:
        """Triage filed ``comments``: their rows change with the next batch."""
        self._filed.extend(comments)
        if not self._timer.isActive():
            self._timer.start()

    def flush(self) -> None:
        if self._pending:
            batch, self._pending = self._pending, []
            self.commentsAdded.emit(batch)
        if self._filed:
            filed, self._filed = self._filed, []
            self.commentsFiled.emit(filed)
        if self._repeats:
            counts, self._repeats = self._repeats, {}
            self.repeatsAdded.emit(counts)
