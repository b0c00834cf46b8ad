"""Markup (M): arrows, ellipses and scribbles on the markup layer, above the image and apart from
the mask. The toolbar picks the shape; Shift draws an arrow and Ctrl an ellipse meanwhile. Each
finished shape is one step of the layer's undo; Esc drops a shape being drawn."""

from __future__ import annotations

import math
from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen, QPolygonF

from editor.core.markup_layer import Shape, ShapeKind, default_width
from editor.ui.canvas.tools.base import SelectionTool

__all__ = ["MarkupTool", "paint_shapes"]

_MIN_POINT_STEP = 1.5  # image px between recorded pen points


def _pen(shape: Shape, scale: float = 1.0) -> QPen:
    pen = QPen(QColor(*shape.color), shape.width * scale)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return pen


def _paint_one(p: QPainter, shape: Shape, pts: Sequence[QPointF], scale: float) -> None:
    p.setPen(_pen(shape, scale))
    p.setBrush(Qt.BrushStyle.NoBrush)
    if shape.kind == "pen":
        if len(pts) == 1:
            p.drawPoint(pts[0])
        else:
            p.drawPolyline(QPolygonF(list(pts)))
    elif shape.kind == "arrow":
        a, b = pts[0], pts[-1]
        p.drawLine(a, b)
        angle = math.atan2(b.y() - a.y(), b.x() - a.x())
        length = math.hypot(b.x() - a.x(), b.y() - a.y())
        head = min(length * 0.45, shape.width * scale * 4)
        for side in (-0.5, 0.5):
            tip = QPointF(
                b.x() - head * math.cos(angle + side), b.y() - head * math.sin(angle + side)
            )
            p.drawLine(b, tip)
    else:
        p.drawEllipse(QRectF(pts[0], pts[-1]).normalized())


def paint_shapes(p: QPainter, shapes: Sequence[Shape]) -> None:
    """Draw finished shapes; ``p`` is in image coordinates (the canvas's view transform)."""
    p.save()
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    for shape in shapes:
        _paint_one(p, shape, [QPointF(x, y) for x, y in shape.points], 1.0)
    p.restore()


class MarkupTool(SelectionTool):
    """Draws one shape per drag onto the canvas's markup layer."""

    def __init__(self, host: object) -> None:
        super().__init__(host)  # type: ignore[arg-type]
        self._kind: ShapeKind = "pen"
        self._points: list[tuple[float, float]] = []

    @property
    def drawing(self) -> bool:
        return bool(self._points)

    def _shape_kind(self, mods: Qt.KeyboardModifier) -> ShapeKind:
        if mods & Qt.KeyboardModifier.ShiftModifier:
            return "arrow"
        if mods & Qt.KeyboardModifier.ControlModifier:
            return "ellipse"
        return self.host.markup_shape

    def press(self, x: float, y: float, button: Qt.MouseButton, mods: Qt.KeyboardModifier) -> bool:
        canvas = self.host.canvas
        if button != Qt.MouseButton.LeftButton or canvas.markup is None:
            return False
        canvas.begin_edit()
        self._kind = self._shape_kind(mods)
        self._points = [(x, y)]
        canvas.update()
        return True

    def move(self, x: float, y: float, mods: Qt.KeyboardModifier) -> None:
        if not self._points:
            return
        if self._kind == "pen":
            lx, ly = self._points[-1]
            if math.hypot(x - lx, y - ly) < _MIN_POINT_STEP:
                return
            self._points.append((x, y))
        else:
            self._points[1:] = [(x, y)]
        self.host.canvas.update()

    def release(self, x: float, y: float, button: Qt.MouseButton) -> None:
        canvas = self.host.canvas
        layer = canvas.markup
        if button != Qt.MouseButton.LeftButton or not self._points or layer is None:
            return
        if self._kind == "pen":
            self._points.append((x, y))
        else:
            self._points[1:] = [(x, y)]
        points = tuple(self._points)
        self._points = []
        if self._kind != "pen" and math.dist(points[0], points[-1]) < 2:
            canvas.update()  # a click, not a shape
            return
        layer.visible = True  # a shape drawn is a shape seen
        layer.add(Shape(self._kind, points, default_width(layer.size)))
        canvas.update()

    def wants_key(self, key: Qt.Key) -> bool:
        return key == Qt.Key.Key_Escape and self.drawing

    def key(self, key: Qt.Key, mods: Qt.KeyboardModifier) -> bool:
        if key == Qt.Key.Key_Escape and self.drawing:
            self.cancel()
            return True
        return False

    def cancel(self) -> None:
        if self._points:
            self._points = []
            self.host.canvas.update()

    def paint(self, p: QPainter) -> None:
        """The shape being drawn, in widget coordinates over everything."""
        layer = self.host.canvas.markup
        if not self._points or layer is None:
            return
        canvas = self.host.canvas
        shape = Shape(self._kind, tuple(self._points), default_width(layer.size))
        pts = [canvas.map_from_image(x, y) for x, y in self._points]
        p.save()
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        _paint_one(p, shape, pts, canvas.view_scale())
        p.restore()
