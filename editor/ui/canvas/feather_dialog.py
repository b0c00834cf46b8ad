"""Mask ▸ Feather…: a radius, previewed on the canvas while the dialog is open.

The canvas shows the softened mask as the value changes (worked out a moment after the last
change, so dragging the slider stays smooth on a large photo); OK makes it one undoable mask
step, Cancel (or Esc) leaves the mask as it was.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from editor.core import masks
from editor.core.mask_document import MaskDocument
from editor.ui.canvas.mask_canvas import MaskCanvas

__all__ = ["FeatherDialog"]

_DEFAULT = 8.0
_SETTLE_MS = 120


class FeatherDialog(QDialog):
    def __init__(self, canvas: MaskCanvas, document: MaskDocument, parent: QWidget) -> None:
        super().__init__(parent)
        self.setWindowTitle("Feather Mask")
        self.canvas = canvas
        self.document = document
        self._edit = document.edit.copy()  # the mask as it was: the preview starts from it
        self.radius = QDoubleSpinBox()
        self.radius.setRange(0.5, 200)
        self.radius.setDecimals(1)
        self.radius.setSuffix(" px")
        self.radius.setValue(_DEFAULT)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(1, 400)  # half pixels
        self.slider.setValue(round(_DEFAULT * 2))
        self.slider.valueChanged.connect(lambda v: self.radius.setValue(v / 2))
        self.radius.valueChanged.connect(self._changed)
        row = QHBoxLayout()
        row.addWidget(self.slider, 1)
        row.addWidget(self.radius)
        form = QFormLayout()
        form.addRow("Soften the edge by", row)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        box = QVBoxLayout(self)
        box.addLayout(form)
        box.addWidget(buttons)
        self._timer = QTimer(self, singleShot=True, interval=_SETTLE_MS)
        self._timer.timeout.connect(self.preview)
        self.finished.connect(lambda _r: canvas.preview_mask(None))
        self.preview()

    def _changed(self, value: float) -> None:
        slider = round(value * 2)
        if self.slider.value() != slider:
            self.slider.blockSignals(True)
            self.slider.setValue(slider)
            self.slider.blockSignals(False)
        self._timer.start()

    def preview(self) -> np.ndarray:
        """Show the mask softened by the radius now (the document is untouched)."""
        softened = masks.feather(self._edit, self.radius.value())
        self.canvas.preview_mask(softened)
        return softened

    def accept(self) -> None:
        self._timer.stop()
        self.canvas.preview_mask(None)
        self.document.feather(self.radius.value())
        super().accept()
