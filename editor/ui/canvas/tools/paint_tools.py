"""The brush, the eraser and the rectangle as tool objects, like the selection tools.

The canvas hands each the pointer in image pixels, with the pen's pressure; the tool changes
the mask document. Holding Alt swaps painting and erasing (the canvas says which through
``erasing()``). A press on the dark margin paints nothing: a drag from there starts the stroke
where it reaches the image.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QPointF, QRect, QRectF
from PySide6.QtGui import QColor, QPainter

from editor.core.mask_document import MaskDocument
from editor.ui.common.decor import paint_rect_preview

__all__ = ["BrushTool", "PaintCanvas", "PaintTool", "RectTool"]


class PaintCanvas(Protocol):
    """The canvas as the paint tools use it."""

    @property
    def document(self) -> MaskDocument | None: ...
    @property
    def brush_size(self) -> int: ...
    @property
    def hardness(self) -> float: ...
    @property
    def pen_opacity(self) -> float: ...
    @property
    def overlay_color(self) -> QColor: ...
    def erasing(self) -> bool: ...
    def begin_edit(self) -> None: ...
    def on_image(self, x: float, y: float) -> bool: ...
    def map_from_image(self, x: float, y: float) -> QPointF: ...
    def update(self, rect: QRect) -> None: ...


class PaintTool:
    """Default handling: nothing. Positions are image pixels."""

    def __init__(self, canvas: PaintCanvas) -> None:
        self.canvas = canvas

    @property
    def active(self) -> bool:
        """A stroke or a shape is under way (the pointer is down)."""
        return False

    def press(self, x: float, y: float, pressure: float) -> bool:
        return False

    def move(self, x: float, y: float, pressure: float) -> None:
        pass

    def release(self, x: float, y: float) -> None:
        pass

    def paint(self, p: QPainter) -> None:
        pass

    def cancel(self) -> None:
        """End what is under way (the document is being replaced)."""


class BrushTool(PaintTool):
    """Brush and eraser: a stroke of round dabs, one undo step per drag."""

    def __init__(self, canvas: PaintCanvas) -> None:
        super().__init__(canvas)
        self._stroking = False
        self._waiting = False  # pressed on the margin: the stroke starts on the image

    @property
    def active(self) -> bool:
        return self._stroking

    def press(self, x: float, y: float, pressure: float) -> bool:
        if self.canvas.document is None:
            return False
        self._stroking = True
        if self.canvas.on_image(x, y):
            self._begin(x, y, pressure)
        else:
            self._waiting = True  # often a click just to focus the canvas
        return True

    def _begin(self, x: float, y: float, pressure: float) -> None:
        c = self.canvas
        doc = c.document
        assert doc is not None
        self._waiting = False
        c.begin_edit()
        doc.begin_stroke(
            x,
            y,
            radius=c.brush_size / 2,
            hardness=c.hardness,
            erase=c.erasing(),
            pressure=pressure,
            opacity=c.pen_opacity,
        )

    def move(self, x: float, y: float, pressure: float) -> None:
        doc = self.canvas.document
        if not self._stroking or doc is None:
            return
        if not self._waiting:
            doc.stroke_to(x, y, pressure, self.canvas.pen_opacity)
        elif self.canvas.on_image(x, y):
            self._begin(x, y, pressure)

    def release(self, x: float, y: float) -> None:
        if not self._stroking:
            return
        self._stroking = False
        doc = self.canvas.document
        if self._waiting:
            self._waiting = False  # it never reached the image
        elif doc is not None:
            doc.stroke_to(x, y)  # the release point may be past the last move
            doc.end_stroke()

    def cancel(self) -> None:
        if self._stroking:
            self._stroking = False
            doc = self.canvas.document
            if doc is not None and not self._waiting:
                doc.end_stroke()
            self._waiting = False


class RectTool(PaintTool):
    """Drag a rectangle; it fills (or, erasing, clears) that box of the mask on release."""

    def __init__(self, canvas: PaintCanvas) -> None:
        super().__init__(canvas)
        self._from: tuple[float, float] | None = None
        self._to: tuple[float, float] | None = None

    @property
    def active(self) -> bool:
        return self._from is not None

    def press(self, x: float, y: float, pressure: float) -> bool:
        self.canvas.begin_edit()
        self._from = self._to = (x, y)
        return True

    def move(self, x: float, y: float, pressure: float) -> None:
        if self._from is None:
            return
        old = self._widget_rect()
        self._to = (x, y)
        new = self._widget_rect()
        if old is not None and new is not None:
            self.canvas.update(old.united(new).adjusted(-2, -2, 2, 2))

    def release(self, x: float, y: float) -> None:
        if self._from is None:
            return
        self._to = (x, y)
        old = self._widget_rect()
        x0, y0, x1, y1 = self._image_rect()
        self._from = self._to = None
        if old is not None:
            self.canvas.update(old.adjusted(-2, -2, 2, 2))
        doc = self.canvas.document
        if doc is not None:
            doc.fill_rect(x0, y0, x1, y1, erase=self.canvas.erasing())

    def paint(self, p: QPainter) -> None:
        r = self._widget_rect()
        if r is not None:
            paint_rect_preview(p, r, self.canvas.overlay_color, erase=self.canvas.erasing())

    def cancel(self) -> None:
        self._from = self._to = None

    def _image_rect(self) -> tuple[int, int, int, int]:
        assert self._from is not None and self._to is not None
        (ax, ay), (bx, by) = self._from, self._to
        return round(min(ax, bx)), round(min(ay, by)), round(max(ax, bx)), round(max(ay, by))

    def _widget_rect(self) -> QRect | None:
        if self._from is None or self._to is None:
            return None
        x0, y0, x1, y1 = self._image_rect()
        a = self.canvas.map_from_image(x0, y0)
        b = self.canvas.map_from_image(x1, y1)
        return QRectF(a, b).normalized().toRect()
