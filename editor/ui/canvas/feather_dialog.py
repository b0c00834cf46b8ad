"""Mask ▸ Feather…: a radius, previewed on the canvas while the dialog is open.

The canvas shows the softened mask as the value changes: worked out a moment after the last
change, in a worker thread (a wide blur over a 24 MP mask takes a good part of a second), so
dragging the slider never holds the window. OK makes it one undoable mask step, Cancel (or
Esc) leaves the mask as it was.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

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
from editor.ui.common.overlay import MaskOverlay

Spawn = Callable[[Coroutine[Any, Any, None], str], "asyncio.Task[None]"]

__all__ = ["FeatherDialog"]

_DEFAULT = 8.0
_SETTLE_MS = 120


class FeatherDialog(QDialog):
    def __init__(
        self, canvas: MaskCanvas, document: MaskDocument, parent: QWidget, spawn: Spawn
    ) -> None:
        super().__init__(parent)
        self._spawn = spawn
        self.task: asyncio.Task[None] | None = None  # the preview being worked out
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
        self.finished.connect(lambda _r: self._end_preview())
        self.preview()

    def _changed(self, value: float) -> None:
        slider = round(value * 2)
        if self.slider.value() != slider:
            self.slider.blockSignals(True)
            self.slider.setValue(slider)
            self.slider.blockSignals(False)
        self._timer.start()

    def preview(self) -> None:
        """Show the mask softened by the radius (the document is untouched); a newer value
        drops an older one still being worked out."""
        edit, radius = self._edit, self.radius.value()
        colour, opacity = self.canvas.overlay_style()

        def soften() -> MaskOverlay:
            return MaskOverlay(masks.feather(edit, radius), colour, opacity)

        if self.task is not None:
            self.task.cancel()

        async def show() -> None:
            overlay = await asyncio.to_thread(soften)
            if self.isVisible():
                self.canvas.preview_overlay(overlay)

        self.task = self._spawn(show(), "preview the feathered mask")

    def _end_preview(self) -> None:
        self._timer.stop()
        if self.task is not None:
            self.task.cancel()
        self.canvas.preview_overlay(None)

    def accept(self) -> None:
        self._end_preview()
        self.document.feather(self.radius.value())
        super().accept()
