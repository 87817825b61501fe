"""Reading what a widget tree shows, and telling which interface language it is in.

``ui_texts`` collects every interface text a widget and its children show
(labels, buttons, placeholders, tooltips, window and tab titles, menu entries,
table and list headers and cells, combo-box entries). ``Phrases`` knows every
translated interface string in both languages from the shipped ``.ts`` file
(placeholders match anything), so a test can list the texts still in the
language it switched away from.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QDockWidget,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QPlainTextEdit,
    QTabBar,
    QTextEdit,
    QWidget,
)

from ..conftest import REPO

TS_FILE = REPO / "videohelp" / "assets" / "i18n" / "videohelp_zh_CN.ts"
ROWS_READ = 60  # cells of the first rows are enough: a language shows in every row alike


def _model_texts(view: QAbstractItemView, cells: bool) -> list[str]:
    model = view.model()
    if model is None:
        return []
    if isinstance(view, QListView):  # one column (a list model's columnCount is not callable)
        return [text for row in range(min(model.rowCount(), ROWS_READ))
                if isinstance(text := model.index(row, 0).data(), str) and text]
    texts = []
    for column in range(model.columnCount(QModelIndex())):
        header = model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
        if header:
            texts.append(str(header))
    if not cells:
        return texts
    parents = [QModelIndex()]
    first = model.index(0, 0)
    if first.isValid() and model.rowCount(first):  # a tree: its first branch too
        parents.append(first)
    for parent in parents:
        for row in range(min(model.rowCount(parent), ROWS_READ)):
            for column in range(model.columnCount(parent)):
                value = model.index(row, column, parent).data(Qt.ItemDataRole.DisplayRole)
                if isinstance(value, str) and value:
                    texts.append(value)
    return texts


def ui_texts(root: QWidget, *, cells: bool = True) -> list[str]:
    """Every interface text ``root`` and its children show, in a stable order.

    ``cells=False`` leaves out what tables and lists hold (their headers stay): for
    views of a document whose content has a language of its own, like the review.
    """
    texts: list[str] = []
    for widget in [root, *root.findChildren(QWidget)]:
        if widget.toolTip():
            texts.append(widget.toolTip())
        if widget.isWindow() or isinstance(widget, QDockWidget):
            texts.append(widget.windowTitle())
        if isinstance(widget, (QLabel, QAbstractButton)):
            texts.append(widget.text())
        elif isinstance(widget, (QLineEdit, QPlainTextEdit, QTextEdit)):
            texts.append(widget.placeholderText())
        elif isinstance(widget, QTabBar):
            texts += [widget.tabText(i) for i in range(widget.count())]
        elif isinstance(widget, QMenu):
            texts.append(widget.title())
            texts += [action.text() for action in widget.actions()]
        elif isinstance(widget, QComboBox):
            texts += [widget.itemText(i) for i in range(widget.count())]
        elif isinstance(widget, QAbstractItemView) and not isinstance(widget, QHeaderView):
            texts += _model_texts(widget, cells)
    return [text for text in texts if text]


def _pattern(text: str) -> re.Pattern[str] | None:
    """``Reviewed by {who} on {when}.`` -> a regex; None for texts with nothing to recognise."""
    parts = re.split(r"\{[^{}]*\}", text)
    if not any(ch.isalpha() for ch in "".join(parts)):
        return None
    return re.compile(r"[\s\S]+".join(re.escape(part) for part in parts))


class Phrases:
    """The translated interface strings, as patterns per language."""

    def __init__(self) -> None:
        self.by_language: dict[str, list[tuple[str, re.Pattern[str]]]] = {"en": [], "zh_CN": []}
        for message in ET.parse(TS_FILE).getroot().iter("message"):
            source = message.findtext("source") or ""
            translation = message.findtext("translation") or ""
            if not translation or translation == source:
                continue  # "ID" reads the same in both
            for language, text in (("en", source), ("zh_CN", translation)):
                pattern = _pattern(text)
                if pattern is not None:
                    self.by_language[language].append((text, pattern))

    def found(self, texts: list[str], language: str) -> list[str]:
        """The texts that are, or are made of, interface strings in ``language``.

        A text counts if it is one of them, or one of its lines or of its parts
        joined by " · " or two spaces is (a ⚠ in front aside).
        """
        patterns = [pattern for _, pattern in self.by_language[language]]
        hits = []
        for text in texts:
            parts = {text} | {part for line in text.splitlines() for part in re.split(r" · |  ", line)}
            if any(pattern.fullmatch(part.strip().removeprefix("⚠").strip())
                   for part in parts for pattern in patterns):
                hits.append(text)
        return hits
