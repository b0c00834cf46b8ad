"""Object select (O): drag a box around an object, then refine with strokes.

While a box is held, left-button strokes mark "keep" and right-button strokes "not this"; each
runs GrabCut again with every stroke so far, and its result takes the place of the previous one
(the mask as it was before the box, plus or minus the object), one undo step per run. A drag
starting outside the box, Return or Esc lets the box go; the mask stays as it is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen, QPolygonF

from editor.core.mask_document import MaskDocument, PreparedStep, Rect
from editor.core.selection import HintStroke, Selection, SelectionMode, combine, object_select
from editor.ui.canvas.tools.base import SelectionTool, outline_pens

if TYPE_CHECKING:
    from editor.ui.canvas.tools.selection_tools import SelectionTools

__all__ = ["ObjectTool"]

_KEEP_COLOUR = QColor(60, 220, 90)
_NOT_THIS_COLOUR = QColor(240, 60, 60)


class ObjectTool(SelectionTool):
    def __init__(self, host: SelectionTools) -> None:
        super().__init__(host)
        self.box: Rect | None = None
        self.hints: list[HintStroke] = []
        self._base: np.ndarray | None = None  # the mask before this object joined it
        self._mode = SelectionMode.ADD
        self._drag_from: tuple[float, float] | None = None
        self._drag_to: tuple[float, float] | None = None
        self._drag_mode = SelectionMode.ADD
        self._stroke: list[tuple[float, float]] | None = None
        self._stroke_keep = True

    def _inside_box(self, x: float, y: float) -> bool:
        if self.box is None:
            return False
        x0, y0, x1, y1 = self.box
        return x0 <= x < x1 and y0 <= y < y1

    def press(self, x: float, y: float, button: Qt.MouseButton, mods: Qt.KeyboardModifier) -> bool:
        if self.host.image() is None or self.host.busy:
            return False
        B = Qt.MouseButton
        if button == B.LeftButton and not self._inside_box(x, y):
            self.box, self.hints, self._base = None, [], None
            self._drag_from = self._drag_to = (x, y)
            self._drag_mode = self.host.mode_for(mods)
        elif button in (B.LeftButton, B.RightButton) and self.box is not None:
            self._stroke = [(x, y)]
            self._stroke_keep = button == B.LeftButton
        else:
            return False
        self.host.canvas.update()
        return True

    def move(self, x: float, y: float, mods: Qt.KeyboardModifier) -> None:
        if self._drag_from is not None:
            self._drag_to = (x, y)
            self.host.canvas.update()
        elif self._stroke is not None:
            self._stroke.append((x, y))
            self.host.canvas.update()

    def release(self, x: float, y: float, button: Qt.MouseButton) -> None:
        if self._drag_from is not None and button == Qt.MouseButton.LeftButton:
            (ax, ay), self._drag_from, self._drag_to = self._drag_from, None, None
            box = (round(min(ax, x)), round(min(ay, y)), round(max(ax, x)), round(max(ay, y)))
            self.host.canvas.update()
            doc = self.host.canvas.document
            if doc is None or box[2] - box[0] < 4 or box[3] - box[1] < 4:
                return
            self.box, self.hints, self._mode = box, [], self._drag_mode
            self._base = doc.edit.copy()
            self._select()
        elif self._stroke is not None:
            self._stroke.append((x, y))
            radius = max(1.0, self.host.canvas.brush_size / 2)
            self.hints.append(HintStroke(tuple(self._stroke), radius, self._stroke_keep))
            self._stroke = None
            self._select()

    def _select(self) -> None:
        pixels, box, base = self.host.image(), self.box, self._base
        if pixels is None or box is None or base is None:
            return
        hints, mode = tuple(self.hints), self._mode

        def join(doc: MaskDocument, selection: Selection) -> PreparedStep | None:
            if doc.edit.shape != base.shape:
                return None
            return doc.prepare(lambda _edit: combine(base, selection, mode))

        self.host.run(lambda cancel: object_select(pixels, box, hints, cancel=cancel), join)

    def wants_key(self, key: Qt.Key) -> bool:
        K = Qt.Key
        return self.box is not None and key in (K.Key_Return, K.Key_Enter, K.Key_Escape)

    def key(self, key: Qt.Key, mods: Qt.KeyboardModifier) -> bool:
        if not self.wants_key(key):
            return False
        self.cancel()
        return True

    def cancel(self) -> None:
        self.box, self.hints, self._base = None, [], None
        self._drag_from = self._drag_to = None
        self._stroke = None
        self.host.canvas.update()

    def paint(self, p: QPainter) -> None:
        canvas = self.host.canvas
        rect: QRectF | None = None
        if self._drag_from is not None and self._drag_to is not None:
            rect = QRectF(
                canvas.map_from_image(*self._drag_from), canvas.map_from_image(*self._drag_to)
            ).normalized()
        elif self.box is not None:
            x0, y0, x1, y1 = self.box
            rect = QRectF(canvas.map_from_image(x0, y0), canvas.map_from_image(x1, y1))
        if rect is not None:
            p.setBrush(Qt.BrushStyle.NoBrush)
            for pen in outline_pens():
                p.setPen(pen)
                p.drawRect(rect)
        strokes = [(s.points, s.keep) for s in self.hints]
        if self._stroke is not None:
            strokes.append((tuple(self._stroke), self._stroke_keep))
        width = max(2.0, canvas.brush_size * canvas.view_scale())
        for points, keep in strokes:
            pen = QPen(_KEEP_COLOUR if keep else _NOT_THIS_COLOUR, width)
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
            colour = pen.color()
            colour.setAlpha(140)
            pen.setColor(colour)
            p.setPen(pen)
            p.drawPolyline(QPolygonF([canvas.map_from_image(x, y) for x, y in points]))
