"""Filters over the live feed: platform, class, item, state, text, questions only."""

from __future__ import annotations

import math

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLineEdit, QWidget

from videohelp.core.catalog import CLASSES, Catalog
from videohelp.queue.comments import State
from videohelp.ui.comment_model import PLATFORM_LABELS, FeedFilter, state_label


def _tr(text: str) -> str:
    return QCoreApplication.translate("FeedFilterBar", text)


class FeedFilterBar(QWidget):
    """Combo boxes and a text box that set ``FeedFilter``'s criteria as they change."""

    def __init__(self, feed_filter: FeedFilter, catalog: Catalog, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.feed_filter = feed_filter
        self.catalog = catalog
        self.platform = QComboBox()
        self.klass = QComboBox()
        self.item = QComboBox()
        self.state = QComboBox()
        self.text = QLineEdit()
        self.text.setClearButtonEnabled(True)
        self.questions_only = QCheckBox()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        # Sized by a few characters, not the longest item name (the bar fits 1280 px), and never
        # narrower than the language's "All ..." label ("All platforms" was cut to "All platform").
        self._chars = {self.platform: 6, self.klass: 6, self.item: 10, self.state: 6}
        for widget in self._chars:
            widget.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            layout.addWidget(widget)
        self.text.setMinimumWidth(100)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.questions_only)
        self.retranslate()
        for combo in (self.platform, self.klass, self.item, self.state):
            combo.currentIndexChanged.connect(self._apply)
        self.text.textChanged.connect(self._apply)
        self.questions_only.toggled.connect(self._apply)

    def set_catalog(self, catalog: Catalog) -> None:
        """List the items as ``catalog`` names them (an edit was saved); keeps the choices."""
        self.catalog = catalog
        self.retranslate()

    def retranslate(self) -> None:
        """(Re)fill the labels; keeps the current choices."""
        chosen = [combo.currentData() for combo in (self.platform, self.klass, self.item, self.state)]
        self._fill(self.platform, _tr("All platforms"), list(PLATFORM_LABELS.items()))
        self._fill(self.klass, _tr("All classes"), [(k, k) for k in CLASSES])
        self._fill(self.item, _tr("All items"),
                   [(code, f"{code} {item.name_zh}") for code, item in self.catalog.items.items()])
        self._fill(self.state, _tr("All states"), [(s.value, state_label(s)) for s in State])
        for combo, data in zip((self.platform, self.klass, self.item, self.state), chosen, strict=True):
            index = combo.findData(data)
            combo.setCurrentIndex(max(index, 0))
            # Qt sizes the text as this many "X"s beside room for an icon (QComboBox's size
            # hint); the label's own advance decides instead.
            metrics = combo.fontMetrics()
            text = metrics.horizontalAdvance(combo.itemText(0)) - combo.iconSize().width()
            label = math.ceil(max(0, text) / metrics.horizontalAdvance("X"))
            combo.setMinimumContentsLength(max(self._chars[combo], label))
        self.text.setPlaceholderText(_tr("Filter (Ctrl+F)"))
        self.questions_only.setText(_tr("Questions only"))

    @staticmethod
    def _fill(combo: QComboBox, everything: str, entries: list[tuple[str, str]]) -> None:
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(everything, "")
        for data, label in entries:
            combo.addItem(label, data)
        combo.blockSignals(False)

    def _apply(self) -> None:
        self.feed_filter.set_filters(
            platform=self.platform.currentData() or "", klass=self.klass.currentData() or "",
            item=self.item.currentData() or "", state=self.state.currentData() or "",
            text=self.text.text().strip(), questions_only=self.questions_only.isChecked())

    def focus_text(self) -> None:
        self.text.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.text.selectAll()
