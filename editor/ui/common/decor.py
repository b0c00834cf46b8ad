"""What the canvas draws over the picture: brush outline, rectangle preview, checkerboard."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRect, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPen, QPixmap

__all__ = [
    "checker_brush",
    "paint_brush_outline",
    "paint_expansion_outline",
    "paint_rect_preview",
]

_DARK = QColor(0, 0, 0, 170)
_LIGHT = QColor(255, 255, 255, 235)


def paint_brush_outline(p: QPainter, c: QPointF, radius: float, *, erase: bool) -> None:
    """A two-tone circle of the true brush size (visible on any background) at ``c``.

    Tiny brushes get a small cross so they stay findable; the eraser shows a dash instead.
    """
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    p.setBrush(Qt.BrushStyle.NoBrush)
    arm = 4.0
    lines = [(QPointF(c.x() - arm, c.y()), QPointF(c.x() + arm, c.y()))]
    if not erase:
        lines.append((QPointF(c.x(), c.y() - arm), QPointF(c.x(), c.y() + arm)))
    show_mark = radius < 6 or erase
    for color, width in ((_DARK, 3.0), (_LIGHT, 1.2)):
        p.setPen(QPen(color, width))
        p.drawEllipse(c, radius, radius)
        if show_mark:
            for a, b in lines:
                p.drawLine(a, b)


def paint_rect_preview(p: QPainter, r: QRect, color: QColor, *, erase: bool) -> None:
    """The rectangle being dragged: a light tint (none when erasing) and a dashed border."""
    p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    if not erase:
        fill = QColor(color)
        fill.setAlphaF(0.18)
        p.fillRect(r, fill)
    p.setPen(QPen(QColor(0, 0, 0, 200), 1))
    p.drawRect(r)
    p.setPen(QPen(QColor(255, 255, 255), 1, Qt.PenStyle.DashLine))
    p.drawRect(r)


def paint_expansion_outline(p: QPainter, r: QRect) -> None:
    """The outline of an expanded frame being previewed: dark under light dashes, so it shows
    on any picture."""
    p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    inner = r.adjusted(0, 0, -1, -1)
    p.setPen(QPen(QColor(0, 0, 0, 220), 1))
    p.drawRect(inner)
    p.setPen(QPen(QColor(255, 255, 255), 1, Qt.PenStyle.DashLine))
    p.drawRect(inner)


def checker_brush() -> QBrush:
    """Dark checkerboard shown under transparent pixels."""
    tile = QPixmap(16, 16)
    tile.fill(QColor(70, 70, 74))
    p = QPainter(tile)
    p.fillRect(0, 0, 8, 8, QColor(92, 92, 96))
    p.fillRect(8, 8, 8, 8, QColor(92, 92, 96))
    p.end()
    return QBrush(tile)
