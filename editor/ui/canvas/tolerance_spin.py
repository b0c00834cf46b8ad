"""The wand's Tolerance field: typed like any spin box, and quick to change by hand.

Clicking it takes the keyboard (typed digits go into it, never into the prompt); Return or Esc
hands the keyboard back to the canvas. PageUp/PageDown and the wheel step by 5, the arrows by
1, and a drag along the field sweeps the value (a pixel of drag, a level), as in Blender's and
Krita's number fields.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QMouseEvent, QWheelEvent
from PySide6.QtWidgets import QSpinBox, QWidget

__all__ = ["PAGE_STEP", "ToleranceSpin"]

PAGE_STEP = 5
_DRAG_START = 4  # pixels of movement before a press becomes a drag (a click still edits)


class ToleranceSpin(QSpinBox):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRange(0, 255)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccelerated(True)
        self.hand_back_to: QWidget | None = None  # where Return/Esc send the keyboard
        self._press_x: float | None = None
        self._press_value = 0
        self._dragging = False
        self.lineEdit().installEventFilter(self)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_PageUp, Qt.Key.Key_PageDown):
            self.stepBy(PAGE_STEP if key == Qt.Key.Key_PageUp else -PAGE_STEP)
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape):
            self.interpretText()
            if self.hand_back_to is not None:
                self.hand_back_to.setFocus(Qt.FocusReason.ShortcutFocusReason)
            return
        super().keyPressEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:
        notches = round(event.angleDelta().y() / 120)
        if notches:
            self.stepBy(notches * PAGE_STEP)
        event.accept()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is not self.lineEdit() or not isinstance(event, QMouseEvent):
            return super().eventFilter(watched, event)
        kind = event.type()
        if kind == QEvent.Type.MouseButtonPress and event.button() == Qt.MouseButton.LeftButton:
            self._press_x, self._press_value, self._dragging = (
                event.position().x(),
                self.value(),
                False,
            )
        elif kind == QEvent.Type.MouseMove and self._press_x is not None:
            moved = event.position().x() - self._press_x
            if self._dragging or abs(moved) >= _DRAG_START:
                self._dragging = True
                self.setValue(self._press_value + round(moved))
                return True  # a sweep, not a text selection
        elif kind == QEvent.Type.MouseButtonRelease and self._press_x is not None:
            self._press_x = None
            if self._dragging:
                self._dragging = False
                return True
        return super().eventFilter(watched, event)
