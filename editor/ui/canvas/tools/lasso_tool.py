"""Lasso (L): drag for freehand, click for straight segments, as GIMP's free select.

Return, a double-click or a click on the start point closes the shape; Backspace drops the last
point; Esc forgets the shape; Shift while placing a segment snaps it to 45°. The shape's
modifiers at its first point choose add or subtract.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QPainter, QPolygonF

from editor.core.selection import LassoPath, SelectionMode
from editor.ui.canvas.tools.base import SelectionTool, outline_pens

if TYPE_CHECKING:
    from editor.ui.canvas.tools.selection_tools import SelectionTools

__all__ = ["LassoTool"]

_CLOSE_RADIUS = 8.0  # screen pixels around the start point that close the shape
_DRAG_START = 4.0  # screen pixels a press must move to become a freehand drag


class LassoTool(SelectionTool):
    def __init__(self, host: SelectionTools) -> None:
        super().__init__(host)
        self.path = LassoPath()
        self._mode = SelectionMode.ADD
        self._pressed_at: tuple[float, float] | None = None
        self._dragging = False
        self._hover: tuple[float, float] | None = None
        self._snap = False

    def _scale(self) -> float:
        return max(1e-6, self.host.canvas.view_scale())

    def press(self, x: float, y: float, button: Qt.MouseButton, mods: Qt.KeyboardModifier) -> bool:
        if button != Qt.MouseButton.LeftButton or self.host.image() is None or self.host.busy:
            return False
        if not self.path.points:
            self._mode = self.host.mode_for(mods)
        snap = bool(mods & Qt.KeyboardModifier.ShiftModifier)
        closed = self.path.click(x, y, close_tolerance=_CLOSE_RADIUS / self._scale(), snap=snap)
        if closed:
            self._finish()
            return True
        self._pressed_at = (x, y)
        self._dragging = False
        self.host.canvas.update()
        return True

    def move(self, x: float, y: float, mods: Qt.KeyboardModifier) -> None:
        self._hover = (x, y)
        self._snap = bool(mods & Qt.KeyboardModifier.ShiftModifier)
        if self._pressed_at is not None:
            if not self._dragging:
                moved = math.dist(self._pressed_at, (x, y)) * self._scale()
                self._dragging = moved >= _DRAG_START
            if self._dragging:
                self.path.drag_to(x, y)
        if self.path.points:
            self.host.canvas.update()

    def release(self, x: float, y: float, button: Qt.MouseButton) -> None:
        if button != Qt.MouseButton.LeftButton or self._pressed_at is None:
            return
        dragged, self._pressed_at, self._dragging = self._dragging, None, False
        if dragged and not self.path.closed:
            self.path.drag_to(x, y)
            # A freehand loop brought back onto its start closes, as when clicking there.
            if len(self.path.points) > 3 and self.path.near_start(
                x, y, _CLOSE_RADIUS / self._scale()
            ):
                self.path.close()
                self._finish()

    def double_click(self, x: float, y: float, button: Qt.MouseButton) -> bool:
        if button != Qt.MouseButton.LeftButton or not self.path.points:
            return False
        if self.path.close():
            self._finish()
        return True

    def wants_key(self, key: Qt.Key) -> bool:
        K = Qt.Key
        return bool(self.path.points) and key in (
            K.Key_Return,
            K.Key_Enter,
            K.Key_Backspace,
            K.Key_Escape,
        )

    def key(self, key: Qt.Key, mods: Qt.KeyboardModifier) -> bool:
        if not self.wants_key(key):
            return False
        K = Qt.Key
        if key in (K.Key_Return, K.Key_Enter):
            if self.path.close():
                self._finish()
        elif key == K.Key_Backspace:
            self.path.remove_last()
        else:
            self.cancel()
        self.host.canvas.update()
        return True

    def cancel(self) -> None:
        self.path.cancel()
        self._pressed_at = None
        self._dragging = False
        self.host.canvas.update()

    def _finish(self) -> None:
        pixels = self.host.image()
        path, self.path = self.path, LassoPath()
        self._pressed_at = None
        self.host.canvas.update()
        if pixels is None:
            return
        h, w = pixels.shape[:2]
        self.host.run(lambda _cancel: path.fill((w, h)), self._mode)

    def paint(self, p: QPainter) -> None:
        points = self.path.points
        if not points:
            return
        canvas = self.host.canvas
        line = QPolygonF([canvas.map_from_image(x, y) for x, y in points])
        if self._hover is not None and self._pressed_at is None:
            hx, hy = self.path.segment_end(*self._hover, snap=self._snap)
            line.append(canvas.map_from_image(hx, hy))
        for pen in outline_pens():
            p.setPen(pen)
            p.drawPolyline(line)
        start = canvas.map_from_image(*points[0])
        p.setBrush(Qt.GlobalColor.white)
        p.drawEllipse(start, 4.0, 4.0)
        if self._hover is not None and len(points) >= 3:
            hover = canvas.map_from_image(*self._hover)
            d = hover - start
            if math.hypot(d.x(), d.y()) <= _CLOSE_RADIUS:
                p.setBrush(Qt.BrushStyle.NoBrush)
                p.drawEllipse(start, _CLOSE_RADIUS, _CLOSE_RADIUS)
