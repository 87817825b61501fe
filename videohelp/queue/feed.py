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
        self.interval_ms = interval_ms
        # A flood: a batch this large (0: never) makes the next wait ``flood_interval_ms``.
        self.flood_rows = 0
        self.flood_interval_ms = interval_ms
        self._pending: list[StoredComment] = []
        self._repeats: dict[int, int] = {}
        self._filed: list[StoredComment] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.flush)

    def set_interval(self, interval_ms: int, *, flood_rows: int = 0,
                     flood_interval_ms: int | None = None) -> None:
        """Hand batches over at most every ``interval_ms`` (the desk: a few per second).

        After a batch of ``flood_rows`` comments or more, the next waits ``flood_interval_ms``
        instead, until a batch is smaller again: when comments come faster than anyone reads
        them, each batch costs the views a repaint, whatever its size.
        """
        self.interval_ms = interval_ms
        self.flood_rows = flood_rows
        self.flood_interval_ms = interval_ms if flood_interval_ms is None else flood_interval_ms
        self._timer.setInterval(interval_ms)

    @property
    def flooded(self) -> bool:
        """The last batch was a flood's: the next waits ``flood_interval_ms``."""
        return self._timer.interval() != self.interval_ms

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
        flood = bool(self.flood_rows) and len(self._pending) >= self.flood_rows
        self._timer.setInterval(self.flood_interval_ms if flood else self.interval_ms)
        if self._pending:
            batch, self._pending = self._pending, []
            self.commentsAdded.emit(batch)
        if self._filed:
            filed, self._filed = self._filed, []
            self.commentsFiled.emit(filed)
        if self._repeats:
            counts, self._repeats = self._repeats, {}
            self.repeatsAdded.emit(counts)
