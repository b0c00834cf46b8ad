"""The iteration fields of a profile form: streamed previews, fan-out, learned limits, prices.

Prices per model are US dollars per 1M tokens. Rows that still hold the built-in defaults are
marked "estimate"; a row the user changes becomes their own price (saved with the profile).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from editor.core.pricing import PriceTable, default_prices
from editor.store import Profile

__all__ = ["IterationFields"]

_COLUMNS = ("Model", "Text in", "Image in", "Image out", "")


class IterationFields(QWidget):
    edited = Signal()
    forget_requested = Signal()  # reset what was learned for this profile

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.learned_lookup: Callable[[str], str] | None = None  # profile name → "learned: …"
        self.stream = QCheckBox("Stream previews")
        self.partials = QSpinBox()
        self.partials.setRange(0, 3)
        self.partials.setSuffix(" per variant")
        self.stream.toggled.connect(self.partials.setEnabled)
        self.max_n = QSpinBox()
        self.max_n.setRange(0, 10)
        self.max_n.setSpecialValueText("from the model table")
        self.max_n.setToolTip("Most images one request may ask for; more are sent in parallel")
        self.concurrency = QSpinBox()
        self.concurrency.setRange(1, 10)
        self.concurrency.setPrefix("parallel ")
        self.learned = QLabel()
        self.learned.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.learned.setWordWrap(True)
        self.forget = QPushButton("Forget")
        self.forget.setAutoDefault(False)
        self.forget.setToolTip("Forget the limits and no-preview marks learned for this profile")
        self.forget.clicked.connect(self.forget_requested)
        self.prices = QTableWidget(0, len(_COLUMNS))
        self.prices.setHorizontalHeaderLabels(_COLUMNS)
        self.prices.verticalHeader().hide()
        self.prices.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.prices.setMaximumHeight(130)
        self.prices.setToolTip("US dollars per 1M tokens; defaults are estimates — check them")
        stream_row = QHBoxLayout()
        stream_row.setContentsMargins(0, 0, 0, 0)
        stream_row.addWidget(self.stream)
        stream_row.addWidget(self.partials)
        stream_row.addStretch(1)
        fan_row = QHBoxLayout()
        fan_row.setContentsMargins(0, 0, 0, 0)
        fan_row.addWidget(self.max_n)
        fan_row.addWidget(self.concurrency)
        fan_row.addWidget(self.learned, 1)
        fan_row.addWidget(self.forget)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("Previews", stream_row)
        form.addRow("Per request", fan_row)
        form.addRow("Prices", self.prices)
        self._form = form
        self.stream.toggled.connect(self.edited)
        for spin in (self.partials, self.max_n, self.concurrency):
            spin.valueChanged.connect(self.edited)
        self.prices.itemChanged.connect(self._price_edited)

    def load(self, profile: Profile) -> None:
        self.stream.setChecked(profile.stream)
        self.partials.setValue(profile.partial_images)
        self.partials.setEnabled(profile.stream)
        self.max_n.setValue(profile.max_n_per_request or 0)
        self.concurrency.setValue(profile.concurrency)
        self.show_learned(profile.name)
        table = PriceTable.from_json(profile.prices)
        models = sorted({*default_prices(), *table.prices})
        self.prices.setRowCount(len(models))
        for row, model in enumerate(models):
            prices = table.for_model(model)
            assert prices is not None
            values = (prices.text_input, prices.image_input, prices.image_output)
            cells = [model, *(f"{v:g}" for v in values), "estimate" if prices.estimate else ""]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col in (0, 4):
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.prices.setItem(row, col, item)

    def show_prices(self, visible: bool) -> None:
        """Prices apply to paid services only (hidden for the Local engine)."""
        self._form.setRowVisible(self.prices, visible)

    def show_learned(self, profile_name: str) -> None:
        lookup = self.learned_lookup
        self.learned.setText(lookup(profile_name) if lookup is not None else "")
        self.forget.setVisible(bool(self.learned.text()))

    def _price_edited(self, item: QTableWidgetItem) -> None:
        if item.column() in (1, 2, 3):
            mark = self.prices.item(item.row(), 4)
            if mark is not None and mark.text():
                mark.setText("yours")
            self.edited.emit()

    def values(self) -> dict[str, object]:
        """The fields for ``Profile.with_``; rows still on the defaults stay defaults."""
        table = PriceTable()
        for row in range(self.prices.rowCount()):
            cells = [self.prices.item(row, c) for c in range(5)]
            if any(c is None for c in cells):
                continue
            model, *rates, mark = (c.text().strip() for c in cells if c is not None)
            if mark == "estimate":
                continue
            default = default_prices().get(model)
            try:
                numbers = [float(r) for r in rates]
            except ValueError:
                continue
            if (
                default is not None
                and not default.estimate
                and numbers
                == [
                    default.text_input,
                    default.image_input,
                    default.image_output,
                ]
            ):
                continue
            table.set(model, *numbers)
        return {
            "stream": self.stream.isChecked(),
            "partial_images": int(self.partials.value()),
            "max_n_per_request": int(self.max_n.value()) or None,
            "concurrency": int(self.concurrency.value()),
            "prices": table.to_json() if table.prices else {},
        }
