"""Questions flagged to the expert group, as a list model fed by seat snapshots and events.

Both the expert's window (events from a remote console) and the studio's
expert panel (events from its own hub) use it. Rows are question views as the
seat protocol sends them (docs/protocol.md, "Seats"): the masked comment, the
studio's note, the item, suggestions and every answer; the first answer is the
one shown. Open questions first, oldest flag first: the expert works the queue
in order.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QAbstractListModel, QCoreApplication, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from videohelp.core.catalog import Catalog, default_catalog

Index = QModelIndex | QPersistentModelIndex
QUESTION_ROLE = Qt.ItemDataRole.UserRole + 1


def _tr(text: str) -> str:
    return QCoreApplication.translate("QuestionListModel", text)


def item_label(code: str | None, catalog: Catalog | None = None) -> str:
    """``DL03`` -> ``驾驶证 · 驾驶证期满换证`` (named by ``catalog``, else the shipped one);
    unknown or none: the code or a dash."""
    if not code:
        return "—"
    item = (catalog or default_catalog()).items.get(code)
    return f"{item.klass} · {item.name_zh}" if item is not None else code


def seconds_text(ms: int | None) -> str:
    if ms is None:
        return "—"
    seconds = ms // 1000
    return f"{seconds // 60}:{seconds % 60:02d}"


class QuestionListModel(QAbstractListModel):
    """Flagged questions (one row each), updated from snapshots and events.

    Items are named from ``catalog``: the studio's in the desk (``set_catalog`` follows
    its edits); a remote expert seat, which gets codes only, names them from the shipped one.
    """

    def __init__(self, parent: Any = None, catalog: Catalog | None = None) -> None:
        super().__init__(parent)
        self._rows: list[dict[str, Any]] = []
        self.catalog = catalog or default_catalog()

    def retranslate(self) -> None:
        """Rows are worded as they are drawn: have the views draw them in the current language."""
        if self._rows:
            self.dataChanged.emit(self.index(0), self.index(len(self._rows) - 1))

    def set_catalog(self, catalog: Catalog) -> None:
        """Name items from ``catalog`` from now on (an edit was saved in the studio)."""
        self.catalog = catalog
        if self._rows:
            self.dataChanged.emit(self.index(0), self.index(len(self._rows) - 1))

    # -- feeding ---------------------------------------------------------------------------
    def reset(self, questions: list[dict[str, Any]]) -> None:
        self.beginResetModel()
        self._rows = [dict(q) for q in questions]
        self._sort()
        self.endResetModel()

    def apply_event(self, name: str, data: dict[str, Any]) -> None:
        """Apply one seat event; events of no concern to questions are ignored."""
        if name == "question.flagged":
            self._upsert(dict(data["question"]))
        elif name == "question.answered":
            self._add_answer(data["comment"], data["answer"])
        elif name == "comment.changed":
            self._comment_changed(data["comment"])
        elif name == "comment.triaged":
            for comment in data["comments"]:
                self._comment_changed(comment)
        elif name in ("question.closed", "question.reopened"):  # what experts get instead
            self._comment_changed({"id": data["comment"], "state": data["state"]})

    def _sort(self) -> None:
        self._rows.sort(key=lambda q: (not q.get("open", True), q.get("flagged_ms", 0)))

    def _find(self, comment_id: int) -> int | None:
        return next((row for row, q in enumerate(self._rows) if q["comment"]["id"] == comment_id), None)

    def _upsert(self, question: dict[str, Any]) -> None:
        self.layoutAboutToBeChanged.emit()
        row = self._find(question["comment"]["id"])
        if row is None:
            self._rows.append(question)
        else:
            self._rows[row] = question
        self._sort()
        self.layoutChanged.emit()

    def _add_answer(self, comment_id: int, answer: dict[str, Any]) -> None:
        row = self._find(comment_id)
        if row is None:
            return
        question = self._rows[row]
        answers = [a for a in question.get("answers", []) if a["id"] != answer["id"]]
        answers.append(answer)
        answers.sort(key=lambda a: (a["answered_ms"], a["id"]))
        for position, each in enumerate(answers):
            each["first"] = position == 0
        question["answers"] = answers
        question["answer"] = answers[0]
        self.dataChanged.emit(self.index(row), self.index(row))

    def _comment_changed(self, comment: dict[str, Any]) -> None:
        row = self._find(comment["id"])
        if row is None:
            return
        self.layoutAboutToBeChanged.emit()
        question = self._rows[row]
        question["comment"] = {**question["comment"], **comment}
        question["open"] = comment["state"] == "flagged"
        if comment.get("item"):
            question["item"] = comment["item"]
        self._sort()
        self.layoutChanged.emit()

    # -- access ----------------------------------------------------------------------------
    def question(self, row: int) -> dict[str, Any]:
        return self._rows[row]

    def row_of(self, comment_id: int) -> int | None:
        return self._find(comment_id)

    def holds_any(self, comment_ids: Iterable[int]) -> bool:
        """Whether any of these comments is a question listed here."""
        return not {q["comment"]["id"] for q in self._rows}.isdisjoint(comment_ids)

    def open_count(self) -> int:
        return sum(1 for q in self._rows if q.get("open", True))

    def expert_times(self) -> dict[str, tuple[int, int]]:
        """Per expert: (answers, mean ms from flag to answer), over the questions listed."""
        totals: dict[str, list[int]] = {}
        for question in self._rows:
            for answer in question.get("answers", []):
                totals.setdefault(answer["expert"], []).append(answer["flag_to_answer_ms"])
        return {expert: (len(times), sum(times) // len(times)) for expert, times in totals.items()}

    # -- Qt model API ------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        question = self._rows[index.row()]
        comment = question["comment"]
        if role == Qt.ItemDataRole.DisplayRole:
            text = comment.get("text") or comment["text_masked"]
            answers = question.get("answers", [])
            if answers:
                status = _tr("answered by {expert} in {time}").format(
                    expert=answers[0]["expert"], time=seconds_text(answers[0]["flag_to_answer_ms"]))
                if len(answers) > 1:
                    status += _tr(" (+{n} more)").format(n=len(answers) - 1)
            else:
                waited = int(time.time() * 1000) - question.get("flagged_ms", 0)
                status = _tr("waiting {time}").format(time=seconds_text(max(0, waited)))
            return f"{text}\n{item_label(question.get('item'), self.catalog)} · {status}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return question.get("note") or None
        if role == Qt.ItemDataRole.ForegroundRole and not question.get("open", True):
            return QColor("#888888")
        if role == QUESTION_ROLE:
            return question
        return None
