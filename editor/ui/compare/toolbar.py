"""The compare view's toolbar: mode switch (side by side / wipe / leak, with the leak legend),
zoom readout, fit and 100 %."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QLabel, QToolButton, QWidget

__all__ = ["CompareToolbar"]


class CompareToolbar(QWidget):
    """Signals: ``mode_requested(str)``, ``fit_requested()``, ``actual_size_requested()``."""

    mode_requested = Signal(str)
    fit_requested = Signal()
    actual_size_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.buttons: dict[str, QToolButton] = {}
        self._group = QButtonGroup(self)
        self._group.setExclusive(True)
        row = QHBoxLayout(self)
        row.setContentsMargins(6, 4, 6, 4)
        row.setSpacing(4)
        for mode, text, tip in (
            ("side", "Side by side", "Original and variant next to each other (S)"),
            ("wipe", "Wipe", "One picture, drag the divider to wipe between them (W)"),
            (
                "leak",
                "Leak",
                "Where the service changed pixels outside the mask, before they were pasted "
                "in: red on the original (L)",
            ),
        ):
            b = self._button(text, tip, checkable=True)
            b.clicked.connect(lambda _=False, m=mode: self.mode_requested.emit(m))
            self._group.addButton(b)
            self.buttons[mode] = b
            row.addWidget(b)
        self.legend = QLabel(
            '<span style="color:#ff2020; font-size:large">■</span> red = changed outside the mask'
        )
        self.legend.setToolTip(
            "Measured on the service's answer before compositing: the composite keeps the "
            "original outside the mask, but a service that repaints everything shows here"
        )
        self.legend.setVisible(False)
        row.addWidget(self.legend)
        row.addStretch(1)
        self.zoom_label = QLabel("")
        self.zoom_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.zoom_label.setMinimumWidth(self.fontMetrics().horizontalAdvance("6400 %") + 8)
        self.zoom_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        row.addWidget(self.zoom_label)
        fit = self._button("Fit", "Fit the picture in the view (F)")
        fit.clicked.connect(self.fit_requested)
        actual = self._button("100 %", "One image pixel per screen pixel (1)")
        actual.clicked.connect(self.actual_size_requested)
        row.addWidget(fit)
        row.addWidget(actual)

    def _button(self, text: str, tip: str, *, checkable: bool = False) -> QToolButton:
        b = QToolButton(self)
        b.setText(text)
        b.setToolTip(tip)
        b.setCheckable(checkable)
        b.setAutoRaise(True)
        b.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys belong to the picture
        return b

    def show_mode(self, mode: str) -> None:
        self.buttons[mode].setChecked(True)

    def show_legend(self, on: bool) -> None:
        self.legend.setVisible(on)

    def show_zoom(self, zoom: float) -> None:
        self.zoom_label.setText(f"{zoom * 100:.0f} %")
